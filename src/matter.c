/* matter.c — front and back matter inside a chapter's text: disclaimers,
 * author's notes, summaries and ratings before the story; closing notes
 * and pleas for reviews after it; the preamble fan fiction sites repeat
 * before each chapter's heading.  See parse_int.h.
 *
 * A paragraph is front or back matter by how it begins (the word lists
 * below); where the run of such paragraphs ends is decided from their
 * positions and the blank lines between them. */
#include "parse_int.h"
#include "decode.h"
#include "uchar.h"

#include <string.h>
#include <strings.h>

static bool para_starts_with(const char *s, size_t a, size_t b, const char *const *list)
{
    /* Skip emphasis and brackets wrapped around a note: **Disclaimer:**, (A/N: …) */
    while (a < b && (s[a] == '*' || s[a] == '_' || s[a] == '(' || s[a] == '[' || s[a] == '#' ||
                     s[a] == ' ' || s[a] == '~'))
        a++;
    /* the first byte, in ASCII lower case: most paragraphs begin like no
     * word of the list, and are known so without a strncasecmp each */
    char c0 = a < b ? s[a] : '\0';
    if (c0 >= 'A' && c0 <= 'Z')
        c0 = (char)(c0 - 'A' + 'a');
    for (int i = 0; list[i]; i++) {
        const char *w = list[i];
        char w0 = w[0] >= 'A' && w[0] <= 'Z' ? (char)(w[0] - 'A' + 'a') : w[0];
        if (w0 != c0 && w[1] != '\0')
            continue;   /* strncasecmp would differ at the first byte */
        size_t wl = strlen(w);
        bool colon = w[wl - 1] == ':';
        if (colon)
            wl--;
        if (b - a < wl || strncasecmp(s + a, w, wl) != 0)
            continue;
        size_t q = a + wl;
        if (!colon) {
            if (q >= b)
                return true;
            uint32_t c;
            uch_decode(s, q, b, &c);
            if (!uch_is_alnum(c))
                return true;
            continue;
        }
        /* "Note:", "Note :", "Note\u00a0:", "Notes -" */
        while (q < b && uch_space_at(s, q, b))
            q += uch_space_at(s, q, b);
        while (q < b && (s[q] == '*' || s[q] == '_'))
            q++;
        if (q < b && (s[q] == ':' || s[q] == '-' || (unsigned char)s[q] == 0xEF))
            return true;
    }
    return false;
}

static const char *const front_words[] = {
    "Disclaimer", "A/N", "AN:", "A.N.", "Author's Note", "Author\xe2\x80\x99s Note", "Authors Note",
    "Author's Notes", "Note:", "Notes:", "Summary:", "Warning:", "Warnings:", "Rating:", "Rated:",
    "Pairing:", "Pairings:", "Spoilers:", "Spoiler:", "Dedication", "Dedicated to", "Beta:",
    "Beta'd", "Betaed", "Beta read", "Beta-read", "Beta reader", "Category:", "Categories:",
    "Genre:", "Characters:", "Timeline:", "Feedback:", "Archive:", "Word count:", "Words:",
    "Fandom:", "Title:", "Author:", "Chapter summary", "Acknowledgements:", "Acknowledgments:",
    "Self-Promotion:", "Setting:", "Series:", "Thanks to", "(See the end of the chapter", NULL};

static const char *const back_words[] = {
    "A/N", "AN:", "A.N.", "Author's Note", "Author\xe2\x80\x99s Note", "Authors Note", "Note:",
    "Notes:", "End Notes", "Please review", "Please read and review", "Review please",
    "Reviews are", "R&R", "Read and review", "Thanks for reading", "Thank you for reading",
    "Chapter references:", "End of chapter", "Author\\'s Note", "Author\\'s Endnote",
    "Author's Endnote", "Endnote", "Endnotes", "PS:", "PPS:", "Thank you to", "Thanks to",
    "Thanks for the reviews", NULL};

/* Is the line t[l, le) empty or white space only? */
static bool blank_line(const char *t, size_t l, size_t le)
{
    uch_trim(t, &l, &le);
    return l == le;
}

/* Paragraphs (runs of non-blank lines) of t[pos, end), one at a time:
 * para_next gives [a, b) of the next and the number of blank lines before
 * it. */
struct para_it {
    const char *t;
    size_t pos, end;
    size_t cap;   /* a paragraph longer than this is given cut (0: never) */
    bool cut;     /* the last one given was cut: the rest of it comes next */
};

static bool para_next(struct para_it *it, size_t *pa, size_t *pb, int *gap)
{
    size_t l, le;
    int blanks = 0;
    bool in = false;
    size_t a = 0, b = 0;
    while (it->pos < it->end) {
        size_t save = it->pos;
        if (!decode_next_line(it->t, it->end, &it->pos, &l, &le))
            break;
        if (blank_line(it->t, l, le)) {
            if (in) {
                it->pos = save;
                break;
            }
            blanks++;
            continue;
        }
        if (!in) {
            a = l;
            in = true;
        }
        b = le;
        if (it->cap && b - a > it->cap)
            break;
    }
    it->cut = in && it->cap && b - a > it->cap;
    if (!in)
        return false;
    *pa = a;
    *pb = b;
    *gap = blanks;
    return true;
}

/* Where the leading front matter of t[from, end) ends: the start of the
 * first paragraph that is story text.  Front matter is a run of paragraphs
 * that begin like a disclaimer or note; the paragraphs just after it still
 * belong to it when a wide blank gap (2+ lines) follows within two
 * paragraphs (the seeds' "notes, then 2-3 blank lines, then the story").
 * Returns `from` when there is none. */
size_t matter_front_end(const char *t, size_t from, size_t end)
{
    /* A paragraph is read whole only when what comes after it counts: not
     * a first paragraph of story text (a file of one paragraph of 512 K
     * one-letter lines was walked to its end here). */
    struct para_it it = {t, from, end, 64 * 1024, false};
    size_t a, b;
    int gap;
    size_t starts[8];
    int gaps[8];
    int n = 0, matched = 0;
    bool stop = false;
    while (n < 8 && para_next(&it, &a, &b, &gap)) {
        starts[n] = a;
        gaps[n] = gap;
        n++;
        size_t ta = a, tb = b;
        uch_trim(t, &ta, &tb);
        bool front = !stop && n - 1 == matched && matter_is_front(t, ta, tb);
        if (!front && !matched)
            return from;   /* story text from the first paragraph on */
        while (it.cut) {   /* the rest of it: the next paragraph's gap counts */
            size_t a2, b2;
            int g2;
            para_next(&it, &a2, &b2, &g2);
        }
        if (front) {
            matched++;
            continue;
        }
        stop = true;
        if (n > matched + 3)
            break;
    }
    if (!matched)
        return from;
    /* Story text starts at paragraph `matched`, unless a wide gap comes a
     * little later (a note running over two paragraphs). */
    int first_story = matched;
    if (matched < n && gaps[matched] < 2) {
        for (int k = matched + 1; k < n && k <= matched + 2; k++)
            if (gaps[k] >= 2) {
                first_story = k;
                break;
            }
    }
    return first_story < n ? starts[first_story] : end;
}

/* The line before the line starting at *p (> lo): sets [*a, *b) without its
 * terminator and moves *p to its start. */
static bool prev_line(const char *t, size_t lo, size_t *p, size_t *a, size_t *b)
{
    if (*p <= lo)
        return false;
    size_t e = *p;
    if (t[e - 1] == '\n') {
        e--;
        if (e > lo && t[e - 1] == '\r')
            e--;
    } else if (t[e - 1] == '\r') {
        e--;
    }
    size_t s = e;
    while (s > lo && t[s - 1] != '\n' && t[s - 1] != '\r')
        s--;
    *a = s;
    *b = e;
    *p = s;
    return true;
}

/* Paragraphs of t[lo, end) from the last one back: para_prev gives [a, b)
 * of the one before those given (its first line's start, its last line's
 * end), as para_next would give it walking forward from lo. */
struct para_back {
    const char *t;
    size_t lo, pos;
};

static bool para_prev(struct para_back *it, size_t *pa, size_t *pb)
{
    size_t l, le, save;
    bool in = false;
    for (;;) {
        save = it->pos;
        if (!prev_line(it->t, it->lo, &it->pos, &l, &le))
            break;
        if (blank_line(it->t, l, le)) {
            if (in) {
                it->pos = save;
                break;
            }
            continue;
        }
        if (!in)
            *pb = le;
        in = true;
        *pa = l;
    }
    return in;
}

/* Where the closing notes of t[from, end) start (the start of the first
 * back-matter paragraph), or `end` when there are none.  A closing note
 * begins like an author's note or a plea for reviews; the first of them
 * must be among the last four paragraphs, earlier ones chain back at most
 * ten paragraphs apart; everything after the earliest is back matter.
 * The first paragraph of t[from, end) is never taken. */
size_t matter_back_start(const char *t, size_t from, size_t end)
{
    /* Only the tail matters: start at a blank line in the last 6 KB.  With
     * none there, the last paragraph is longer than 6 KB: story text, no
     * note (and not a walk through a megabyte-long paragraph). */
    if (end - from > 6144) {
        size_t w = end - 6144, pos = w, l, le;
        decode_next_line(t, end, &pos, &l, &le);        /* skip a partial line */
        bool blank = false;
        while (!blank && decode_next_line(t, end, &pos, &l, &le)) {
            blank = blank_line(t, l, le);
        }
        if (!blank)
            return end;
        from = pos;
    }
    /* The paragraphs from the last one back (only the last RING can
     * count), each judged when the walk reaches it; one more is looked for
     * only to know whether the earliest is the first of the range. */
    enum { RING = 16, MAX_RUN = 10 };
    size_t best = end;
    int plain = 0;
    bool found = false;
    struct para_back pb = {t, from, end};
    size_t a, b;
    if (!para_prev(&pb, &a, &b))
        return end;
    for (int k = 0; k < RING; k++) {
        size_t na, nb;
        bool more = para_prev(&pb, &na, &nb);
        if (!more)
            break;   /* [a, b) is the range's first paragraph */
        size_t ta = a, tb = b;
        uch_trim(t, &ta, &tb);
        if (matter_is_back(t, ta, tb)) {
            best = a;
            found = true;
            plain = 0;
        } else if (++plain > MAX_RUN || (!found && plain > 3)) {
            break;
        }
        a = na;
        b = nb;
    }
    return best;
}

/* A chapter's preamble written before its heading (disclaimer, summary,
 * rating; then short title/byline lines), as fan fiction sites repeat it
 * on every chapter: where it starts in t[lo, start), or `start`.  Closing
 * notes of the previous chapter (A/N, "please review") are not taken. */
size_t matter_preamble_start(const char *t, size_t lo, size_t start)
{
    size_t p = start, best = start, a, b;
    int other = 0;
    for (int k = 0; k < 16; k++) {
        size_t pa = 0, pb = 0;
        int lines = 0;
        bool any = false;
        while (prev_line(t, lo, &p, &a, &b)) {
            size_t ta = a, tb = b;
            uch_trim(t, &ta, &tb);
            if (ta == tb) {
                if (any) {
                    break;
                }
                continue;
            }
            if (!any)
                pb = tb;
            any = true;
            pa = ta;
            lines++;
        }
        if (!any)
            break;
        bool fm = matter_is_front(t, pa, pb) && !matter_is_back(t, pa, pb);
        if (fm) {
            size_t q = pa;      /* back to its line start */
            while (q > lo && t[q - 1] != '\n' && t[q - 1] != '\r')
                q--;
            best = q;
            other = 0;
        } else if (lines > 1 || uch_count_chars(t, pa, pb) > 80) {
            /* a longer note paragraph may follow the labelled one */
            if (++other > 2)
                break;
        }
    }
    return best;
}

bool matter_is_front(const char *t, size_t a, size_t b)
{
    return para_starts_with(t, a, b, front_words);
}

bool matter_is_back(const char *t, size_t a, size_t b)
{
    return para_starts_with(t, a, b, back_words);
}
