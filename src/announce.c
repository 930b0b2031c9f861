/* announce.c — the lines at the top of a file that announce its story:
 * `Title by Author`, a title line over `by Author`, bold Markdown title
 * and By lines, FanFicFare's title, by-line and `Label: value` fields, a
 * chapter-title line under the title.  One pass of parse_text (see
 * parse_text.c), in its own file; the shared state is in parse_int.h. */
#include "parse_int.h"
#include "decode.h"
#include "uchar.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The first non-blank lines of a file (within its first 1,000 lines),
 * with the blank lines before each. */

int parse_top_lines(const char *t, size_t len, struct top_line *tl, int max)
{
    size_t pos = 0, l, le;
    int n = 0, blanks = 0, walked = 0;
    /* the top is the first 1,000 lines: a file of a million blank lines
     * is not walked to its end for each question about its top */
    while (n < max && walked++ < 1000 && decode_next_line(t, len, &pos, &l, &le)) {
        size_t ta = l, tb = le;
        uch_trim(t, &ta, &tb);
        if (ta == tb) {
            blanks++;
            continue;
        }
        tl[n] = (struct top_line){l, le, ta, tb, pos, blanks};
        blanks = 0;
        n++;
    }
    return n;
}

/* The top line "by Author" of a FanFicFare title page: the second
 * non-blank line, or the third when the title is wrapped over two lines
 * (no blank line between them).  Its index in tl, or 0. */
int parse_fff_by_line(const char *text, const struct top_line *tl, int n)
{
    if (n >= 2 && uch_has_prefix_ci(text, tl[1].ta, tl[1].tb, "by "))
        return 1;
    if (n >= 3 && tl[1].blanks_before == 0 && uch_has_prefix_ci(text, tl[2].ta, tl[2].tb, "by "))
        return 2;
    return 0;
}

/* A short line that could be a title: not a sentence. */
bool parse_titleish(const char *t, size_t a, size_t b, size_t max_bytes, size_t max_words)
{
    while (b > a && (t[b - 1] == '_' || t[b - 1] == '*'))
        b--;
    while (a < b && (t[a] == '_' || t[a] == '*'))
        a++;
    if (b <= a || b - a > max_bytes || uch_count_spaced(t, a, b) > max_words)
        return false;
    uint32_t f = uch_first(t, a, b), e = uch_last(t, a, b);
    if (uch_is_quote(f, UCH_Q_ANY) || f == '(' || f == '-' || f == '*')
        return false;
    if (e == '.' || e == ',' || e == ';' || e == ':' || e == 0x2026 || uch_is_quote(e, UCH_Q_ANY) ||
        e == 0x3002 || e == 0xFF0C)
        return false;
    if (parse_is_break_line(t + a, b - a))
        return false;
    return true;
}

/* Does t[a, b) end with a name's initials or suffix ("Tomasz W.",
 * "J.R.R.", "Jr.")?  Then its final period ends a name, not a sentence. */
static bool ends_with_initial(const char *t, size_t a, size_t b)
{
    size_t w = b;
    while (w > a && t[w - 1] != ' ')
        w--;
    if (b - w == 3 && (memcmp(t + w, "Jr.", 3) == 0 || memcmp(t + w, "Sr.", 3) == 0))
        return true;
    /* one or more capital letters each followed by a period */
    size_t i = w;
    while (i < b) {
        uint32_t c;
        i += uch_decode(t, i, b, &c);
        if (!uch_is_upper(c) || i >= b || t[i] != '.')
            return false;
        i++;
    }
    return i > w;
}

/* "Title by Author" on one line: sets the two spans. */
static bool title_by_author(const char *t, size_t a, size_t b, size_t *ta, size_t *tb,
                            size_t *aa, size_t *ab)
{
    if (b - a > 200)
        return false;
    uint32_t e = uch_last(t, a, b);
    if ((e == '.' && !ends_with_initial(t, a, b)) || e == ',' || e == ';' || e == ':' || e == '!' || e == '?' || uch_is_quote(e, UCH_Q_ANY))
        return false;
    /* the last " by " */
    size_t at = 0;
    bool found = false;
    for (size_t i = a; i + 4 <= b; i++)
        if ((t[i] == ' ') && (t[i + 1] == 'b' || t[i + 1] == 'B') && t[i + 2] == 'y' &&
            t[i + 3] == ' ') {
            at = i;
            found = true;
        }
    if (!found || at <= a)
        return false;
    size_t xa = a, xb = at, ya = at + 4, yb = b;
    uch_trim(t, &xa, &xb);
    uch_trim(t, &ya, &yb);
    if (xa == xb || ya == yb || yb - ya > 60 || uch_count_spaced(t, ya, yb) > 4 ||
        uch_count_spaced(t, xa, xb) > 14)
        return false;
    uint32_t te = uch_last(t, xa, xb);
    if (te == ',' || te == ';')
        return false;
    uint32_t f = uch_first(t, xa, xb);
    if (uch_is_quote(f, UCH_Q_ANY) && uch_count_spaced(t, xa, xb) > 6)
        return false;
    /* An author of several words is capitalised ("Lewis Carroll"); one
     * lower-case word is a user name ("anafabula"). */
    if (uch_count_spaced(t, ya, yb) > 1 && !uch_is_upper_ascii(t[ya]) && (unsigned char)t[ya] < 0x80)
        return false;
    *ta = xa; *tb = xb; *aa = ya; *ab = yb;
    return true;
}

bool parse_is_label_line(const char *t, size_t a, size_t b)
{
    /* "Status: Completed", "Published: 2010-01-01" */
    size_t i = a;
    if (i >= b || !uch_is_upper_ascii(t[i]))
        return false;
    while (i < b && i - a < 30 && t[i] != ':')
        i++;
    return i < b && t[i] == ':' && i + 1 < b && t[i + 1] == ' ';
}

/* t[*a, *b) without the bold markers around it (`**Title**`, `__Title__`);
 * false when it is not wrapped in them. */
static bool unbold(const char *t, size_t *a, size_t *b)
{
    if (*b - *a < 5 || !((t[*a] == '*' && t[*a + 1] == '*') || (t[*a] == '_' && t[*a + 1] == '_')) ||
        t[*b - 1] != t[*a] || t[*b - 2] != t[*a])
        return false;
    *a += 2;
    *b -= 2;
    uch_trim(t, a, b);
    return *a < *b;
}

/* Markdown's announcement: a bold title line, then a bold "By Author"
 * line (`**Ace Iverson and the Fabric of Fate**` / `**By ACI100**`),
 * among the first lines, after disclaimers and notes.  Sets r's title and
 * author; returns the title's index in tl, or -1. */
static int bold_title_by(const char *t, const struct top_line *tl, int n, struct parse_result *r)
{
    for (int i = 0; i + 1 < n; i++) {
        size_t xa = tl[i].ta, xb = tl[i].tb, ya = tl[i + 1].ta, yb = tl[i + 1].tb;
        if (!unbold(t, &xa, &xb) || !unbold(t, &ya, &yb) || !uch_has_prefix_ci(t, ya, yb, "by "))
            continue;
        ya += 3;
        uch_trim(t, &ya, &yb);
        if (ya == yb || uch_count_spaced(t, ya, yb) > 5 || !parse_titleish(t, xa, xb, 120, 14))
            continue;
        /* a name, not a phrase: several words start with a capital; a
         * final period ends initials */
        if ((uch_count_spaced(t, ya, yb) > 1 && !uch_is_upper(uch_first(t, ya, yb))) ||
            (t[yb - 1] == '.' && !ends_with_initial(t, ya, yb)))
            continue;
        r->title = heading_title(t, xa, xb);
        r->author = heading_title(t, ya, yb);
        return i;
    }
    return -1;
}

/* Lines announcing title and author at the top of the file.  Sets r's
 * title and author and returns the offset where the text proper starts
 * (after the announcement), or 0.  *ch_title_line receives the start of a
 * chapter-title line ("Almost Heaven" / "The Martyr"), or (size_t)-1. */
size_t parse_announce(const char *t, size_t len, const struct scan *sc, struct parse_result *r,
                       bool fff, size_t *ch_title_line)
{
    struct top_line all[9];
    int n = parse_top_lines(t, len, all, 9);
    *ch_title_line = (size_t)-1;
    /* A note before the title ("Note : …" / "Crise" / "Un : Kiba"): the
     * rules below apply after it, and the note stays in the text. */
    int skip = 0;
    while (skip < 3 && skip < n &&
           matter_is_front(t, all[skip].ta, all[skip].tb))
        skip++;
    struct top_line *tl = all + skip;
    n -= skip;
    if (n > 6)
        n = 6;
    if (sc->pg) {
        if (sc->title_b > sc->title_a)
            r->title = heading_tidy(t, sc->title_a, sc->title_b);
        if (sc->author_b > sc->author_a)
            r->author = heading_tidy(t, sc->author_a, sc->author_b);
        return 0;
    }
    if (n == 0)
        return 0;
    struct hinfo h;
    /* Labelled fields at the very top. */
    if (sc->title_b > sc->title_a && sc->title_line <= 30) {
        r->title = heading_tidy(t, sc->title_a, sc->title_b);
        if (sc->author_b > sc->author_a)
            r->author = heading_tidy(t, sc->author_a, sc->author_b);
        return 0;
    }
    struct top_line bold[12];
    int bt = bold_title_by(t, bold, parse_top_lines(t, len, bold, 12), r);
    if (bt >= 0)    /* the lines before it (notes) stay in the text */
        return bt == 0 ? bold[1].next : 0;
    if (heading_classify(t + tl[0].a, tl[0].b - tl[0].a, &h) != H_NONE)
        return 0;
    size_t xa, xb, ya, yb;
    if (title_by_author(t, tl[0].ta, tl[0].tb, &xa, &xb, &ya, &yb)) {
        r->title = heading_tidy(t, xa, xb);
        r->author = heading_tidy(t, ya, yb);
        return skip ? 0 : tl[0].next;
    }
    if (n < 2 || !parse_titleish(t, tl[0].ta, tl[0].tb, 120, 14))
        return 0;
    /* A FanFicFare title wrapped over two lines, then "by Author" */
    if (fff && parse_fff_by_line(t, tl, n) == 2) {
        r->title = heading_tidy(t, tl[0].ta, tl[1].tb);
        r->author = heading_tidy(t, tl[2].ta + 3, tl[2].tb);
        return 0;
    }
    /* Title, then "by Author" */
    if (uch_has_prefix_ci(t, tl[1].ta, tl[1].tb, "by ") && tl[1].tb - tl[1].ta < 80) {
        size_t aa = tl[1].ta + 3, ab = tl[1].tb;
        uch_trim(t, &aa, &ab);
        if (aa < ab && uch_count_spaced(t, aa, ab) <= 5) {
            r->title = heading_tidy(t, tl[0].ta, tl[0].tb);
            r->author = heading_tidy(t, aa, ab);
            /* FanFicFare's title page stays in the text as front matter */
            return fff || skip ? 0 : tl[1].next;
        }
    }
    /* Title, then a chapter-title line, then the text. */
    if (n >= 3 && tl[1].blanks_before >= 1 && tl[2].blanks_before >= 1) {
        int k = heading_classify(t + tl[1].a, tl[1].b - tl[1].a, &h);
        if (k != H_NONE) {
            r->title = heading_tidy(t, tl[0].ta, tl[0].tb);
            return skip ? 0 : tl[0].next;
        }
        if (parse_titleish(t, tl[1].ta, tl[1].tb, 100, 10)) {
            r->title = heading_tidy(t, tl[0].ta, tl[0].tb);
            *ch_title_line = tl[1].a;
            return skip ? 0 : tl[0].next;
        }
    }
    return 0;
}
