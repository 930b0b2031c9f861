/* parse_text.c — a story's structure in one decoded text.  See parse.h.
 *
 * parse_text() makes one pass over the lines.  Cheap tests pick out the few
 * lines that could be headings (short, starting with a keyword, a numeral or
 * 第); everything else only adds to a "content" count for the heading before
 * it.  The chapter structure is then decided on that short list:
 *
 *   - Heading forms are ranked.  Keyword headings (`Chapter 12`, `Letter 1`,
 *     `ADVENTURE I.`, `第一回`) and numeral-plus-title headings (`VII. THE
 *     ADVENTURE OF…`) are chapters.  Bare numerals (`I.`, `II`) are chapters
 *     only when nothing stronger is present (Die Verwandlung, Madame Bovary);
 *     otherwise they are sub-parts inside a chapter (Sherlock Holmes).  Part
 *     headings (`BOOK ONE: 1805`, `PREMIÈRE PARTIE`, `FIRST EPILOGUE`) open
 *     the chapter that follows them and prefix its title.
 *   - A heading with (almost) no text before the next heading is not a
 *     chapter: a run of them is a table of contents (front matter), a part
 *     heading, or a repeated heading (Hong Lou Meng has one).
 *   - Weak forms (bare numerals, numeral + title, part headings) must stand
 *     alone between blank lines; keyword forms need a blank on one side (or
 *     none in a text without blank lines); 第…回 needs nothing.
 *   - Three or more heading lines one directly under another are a compact
 *     table of contents: none of them opens a chapter.
 *   - A Markdown `## Title` without a chapter word is a chapter when no
 *     stronger form is present and its level is the shallowest that
 *     repeats with text under it.
 *   - The Project Gutenberg header (to `*** START OF`) and footer (from
 *     `*** END OF` / `End of the Project Gutenberg`) are front and back
 *     matter.  FanFicFare TXT files use their own headings, indented by a
 *     tab or the 8 spaces FanFicFare's wrapping makes of it; when that
 *     guess finds none, the file is scanned again like any other (a
 *     layout guess never leaves a story as one chapter).
 *   - A text with two or more heading-like lines that still is one chapter
 *     says why (parse_result.one_chapter_why, why_one_chapter).
 *
 * parse_text() is a row of passes, one function each: detect_fff,
 * scan_lines, announce, add_title_line, filter_context, rank_forms,
 * keep_headings, make_chapters (head_run, open_chapter, head_title),
 * tile_chapters, why_one_chapter (announce: announce.c, with the state
 * the two share in parse_int.h).  Which lines are headings is heading.c's
 * table; front and back matter inside chapters is matter.c's;
 * parse_blocks() works on one chapter at a time (parse_blocks.c). */
#include "parse_int.h"
#include "decode.h"
#include "uchar.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unictype.h>

/* Is this the Gutenberg START or END marker line?  1 start, 2 end. */
static int pg_marker(const char *t, size_t a, size_t b)
{
    if (b - a < 10)
        return 0;
    if (t[a] == '*') {
        size_t q = a;
        while (q < b && (t[q] == '*' || t[q] == ' '))
            q++;
        if (uch_has_prefix_ci(t, q, b, "START OF") || uch_has_prefix_ci(t, q, b, "START OF THE PROJECT"))
            return 1;
        if (uch_has_prefix_ci(t, q, b, "END OF"))
            return 2;
        if (uch_has_prefix_ci(t, q, b, "END*THE SMALL PRINT"))
            return 1;
        return 0;
    }
    if (uch_has_prefix_ci(t, a, b, "End of the Project Gutenberg") ||
        uch_has_prefix_ci(t, a, b, "End of Project Gutenberg"))
        return 2;
    return 0;
}

static void add_cand(struct scan *sc, size_t off, size_t le, size_t next, const struct hinfo *h,
                     bool blank_before)
{
    XGROW(sc->c, sc->cap, sc->n + 1);
    struct cand *c = &sc->c[sc->n++];
    memset(c, 0, sizeof *c);
    c->off = off;
    c->line_end = le;
    c->next = next;
    c->h = *h;
    c->blank_before = blank_before;
    c->blank_after = true;      /* until a non-blank line follows directly */
}

/* Could this trimmed line be a heading?  Cheap first test. */
static bool maybe_heading(const char *t, size_t a, size_t b)
{
    if (b - a > 240)
        return false;
    unsigned char c = (unsigned char)t[a];
    if (c < 0x80)
        return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || uch_is_digit((char)c) ||
               heading_is_deco((char)c) || c == '[' || c == '-';
    /* a letter of another script (Глава, Bölüm, 第, 제), not punctuation
     * (U+2000-U+2FFF: quotation marks, dashes) */
    return c >= 0xC2 && c != 0xE2;
}

/* Enough text after a heading for it to open a chapter (a table of contents
 * entry has none, or a subtitle and a page number): 150 bytes, four lines,
 * or two lines of 80 bytes together (two short paragraphs of prose). */
static bool has_content(size_t bytes, size_t lines)
{
    return bytes >= 150 || lines >= 4 || (lines >= 2 && bytes >= 80);
}

static bool chapter_level(const struct hinfo *h, bool strong, bool numtitle, bool bare, int md)
{
    switch (h->kind) {
    case H_CHAPTER: case H_WORD: case H_CJK: case H_SPECIAL:
        return true;
    case H_NUMTITLE:
        return numtitle;
    case H_BARE:
        return bare && !strong && !numtitle;
    case H_MD:
        return md && h->level == md;
    }
    return false;
}

/* The subtitle line of a heading that carries no title of its own: the next
 * non-blank line when it is short, stands alone and is not a sentence.
 * Returns its span via sa, sb and the offset after it, or 0. */
static size_t find_subtitle(const char *t, size_t from, size_t end, size_t *sa, size_t *sb,
                            struct hinfo *sh)
{
    size_t pos = from, l, le;
    int blanks = 0;
    while (decode_next_line(t, end, &pos, &l, &le)) {
        size_t a = l, b = le;
        uch_trim(t, &a, &b);
        if (a == b) {
            if (++blanks > 4)
                return 0;
            continue;
        }
        if (parse_is_break_line(t + a, b - a))
            continue;           /* an underline: 第五回 / ----- / title */
        int k = heading_classify(t + l, le - l, sh);
        if (k != H_NONE && k != H_WORD)
            return 0;
        if (k == H_NONE && !parse_titleish(t, a, b, 120, 10))
            return 0;
        /* must stand alone: a blank line (or the end) after it */
        size_t p2 = pos, l2, le2;
        if (decode_next_line(t, end, &p2, &l2, &le2)) {
            size_t a2 = l2, b2 = le2;
            uch_trim(t, &a2, &b2);
            if (a2 != b2 && !parse_is_break_line(t + a2, b2 - a2))
                return 0;
        }
        *sa = a;
        *sb = b;
        return pos;
    }
    return 0;
}

/* Offset just after the heading line and an underline below it (directly
 * or after blank lines: 第二回 / blank / -----). */
static size_t after_underline(const char *t, size_t next, size_t end)
{
    size_t pos = next, l, le;
    for (int k = 0; k < 3 && decode_next_line(t, end, &pos, &l, &le); k++) {
        size_t a = l, b = le;
        uch_trim(t, &a, &b);
        if (a == b)
            continue;
        if (parse_is_break_line(t + a, b - a) && (t[a] == '-' || t[a] == '=' || t[a] == '_'))
            return pos;
        break;
    }
    return next;
}

/* FanFicFare's chapter-title line: a tab, or the 8 spaces its TXT writer
 * makes of the tab when it wraps the line, then the title. */
static bool fff_indent(const char *t, size_t l, size_t le)
{
    if (l < le && t[l] == '\t')
        return true;
    return le - l > 8 && memcmp(t + l, "        ", 8) == 0 && t[l + 8] != ' ' && t[l + 8] != '\t';
}

/* A FanFicFare title wrapped at 78 columns goes on in the next line (not
 * indented, a blank line after it).  Given the title line's length and
 * the offset after it, returns the offset after the title (the wrapped
 * part's line when there is one, *b moved to its end). */
static size_t fff_wrapped(const char *t, size_t len, size_t pos, size_t line_bytes, size_t *b)
{
    size_t p = pos, l, le;
    if (line_bytes < 50 || !decode_next_line(t, len, &p, &l, &le))
        return pos;
    size_t a2 = l, b2 = le;
    uch_trim(t, &a2, &b2);
    if (a2 == b2 || a2 != l || b2 - a2 > 78)
        return pos;
    size_t p2 = p, l2, le2;
    if (decode_next_line(t, len, &p2, &l2, &le2)) {
        size_t a3 = l2, b3 = le2;
        uch_trim(t, &a3, &b3);
        if (a3 != b3)
            return pos;
    }
    *b = b2;
    return p;
}

/* The Markdown heading level of the trimmed line t[a, b): the number of
 * # before a space (## Chapter 1 is 2), or 0. */
static int md_level(const char *t, size_t a, size_t b)
{
    size_t q = a;
    while (q < b && t[q] == '#')
        q++;
    return q > a && q - a <= 6 && q < b && t[q] == ' ' ? (int)(q - a) : 0;
}

/* decode_next_line for text with no CR in [*pos, end): one search a line
 * (for the LF) instead of two. */
static inline bool lf_line(const char *t, size_t end, size_t *pos, size_t *line, size_t *line_end)
{
    size_t p = *pos;
    if (p >= end)
        return false;
    const char *nl = memchr(t + p, '\n', end - p);
    *line = p;
    *line_end = nl ? (size_t)(nl - t) : end;
    *pos = nl ? *line_end + 1 : end;
    return true;
}

/* memcmp(a, b, n) == 0, a short line compared in place (the memo below
 * compares every line of a run of equal one-letter lines). */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
    if (n > 8)
        return memcmp(a, b, n) == 0;
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

static void scan_lines(struct scan *sc, size_t from, bool fff)
{
    const char *t = sc->t;
    size_t pos = from, l, le;
    /* no CR in the text: its lines end at LF alone, as decode_next_line
     * would end them */
    bool cr = from < sc->len && memchr(t + from, '\r', sc->len - from) != NULL;
    bool prev_blank = true;
    struct cand *last = NULL;
    size_t line_no = 0;
    size_t memo_l = 0, memo_n = SIZE_MAX;   /* the last line classified as a heading or not */
    struct hinfo memo_h = {0};
    bool memo_hit = false;
    struct parse_brk_memo bm = {0};
    while (cr ? decode_next_line(t, sc->len, &pos, &l, &le) : lf_line(t, sc->len, &pos, &l, &le)) {
        line_no++;
        sc->n_lines++;
        size_t a = l, b = le;
        parse_trim(t, &a, &b);
        if (a == b) {
            sc->n_blank++;
            prev_blank = true;
            continue;
        }
        if (last && last->next == l)
            last->blank_after = false;
        /* Gutenberg markers and header fields */
        if ((t[a] == '*' || t[a] == 'E') && !sc->pg_end) {
            int m = pg_marker(t, a, b);
            if (m == 1 && !sc->pg) {
                sc->pg = true;
                sc->pg_start = pos;
                sc->n = 0;          /* anything before START is licence header */
                last = NULL;
                sc->pre_bytes = sc->pre_lines = 0;
                prev_blank = true;
                continue;
            }
            if (m == 2 && (sc->pg || line_no > 20)) {
                sc->pg_end = l;
                break;
            }
        }
        if (line_no < 120 && !sc->pg) {
            /* (c | 0x20) is 't' for T and t alone, 'a' for A and a:
             * the labels' first letters, tested before the call */
            unsigned char c0 = (unsigned char)t[a] | 0x20;
            if (!sc->title_b && c0 == 't' && uch_has_prefix_ci(t, a, b, "Title:") &&
                (line_no < 40 || b - a < 200)) {
                sc->title_line = line_no;
                sc->title_a = a + 6;
                sc->title_b = b;
                uch_trim(t, &sc->title_a, &sc->title_b);
            } else if (!sc->author_b && c0 == 'a' && uch_has_prefix_ci(t, a, b, "Author:")) {
                sc->author_a = a + 7;
                sc->author_b = b;
                uch_trim(t, &sc->author_a, &sc->author_b);
            }
        }
        if (fff) {
            if (b - a == 9 && memcmp(t + a, "End file.", 9) == 0) {
                sc->fff_end = l;
                break;
            }
            if (fff_indent(t, l, le) && prev_blank && b - a < 300) {
                struct hinfo h = {H_SPECIAL, PARSE_NO_NUMBER, a, b, true, 0};
                size_t next = fff_wrapped(t, sc->len, pos, le - l, &h.b);
                add_cand(sc, l, next == pos ? le : h.b, next, &h, prev_blank);
                last = &sc->c[sc->n - 1];
                pos = next;
                prev_blank = false;
                continue;
            }
        } else if ((prev_blank || b - a <= 60 || (unsigned char)t[a] == 0xE7) &&
                   maybe_heading(t, a, b)) {
            /* a heading stands after a blank line or is short (then a blank
             * line follows it); 第…回 may stand anywhere */
            /* classified by the line's bytes alone: a run of equal lines
             * (one-letter lines, a repeated separator) is classified once */
            struct hinfo h;
            if (le - l != memo_n || !same_bytes(t + l, t + memo_l, memo_n)) {
                memo_hit = heading_classify(t + l, le - l, &memo_h) != H_NONE ||
                           heading_markdown(t + l, le - l, &memo_h);
                memo_l = l;
                memo_n = le - l;
            }
            h = memo_h;
            if (memo_hit) {
                if (!h.level)
                    h.level = md_level(t, a, b);
                h.a += l;
                h.b += l;
                add_cand(sc, l, le, pos, &h, prev_blank);
                last = &sc->c[sc->n - 1];
                prev_blank = false;
                continue;
            }
        }
        prev_blank = false;
        if (b - a <= 80 && !parse_ascii_alnum((unsigned char)t[a]) &&
            !uch_is_alnum(uch_first(t, a, b)) && parse_break_memo(&bm, t + a, b - a))
            continue;       /* separators are not content */
        if (last) {
            last->content_bytes += b - a;
            last->content_lines++;
        } else {
            sc->pre_bytes += b - a;
            sc->pre_lines++;
        }
    }
}

/* Keep or drop candidates by the context their form needs.  Three or
 * more heading lines one directly under the other are a compact table of
 * contents, not headings: all are dropped (their lines stay front matter
 * or text). */
static void filter_context(struct scan *sc, bool few_blanks)
{
    for (size_t i = 0; i < sc->n; i++) {
        struct cand *c = &sc->c[i];
        switch (c->h.kind) {
        case H_CJK: case H_SPECIAL:
            c->keep = true;
            break;
        case H_CHAPTER: case H_WORD: case H_MD:
            c->keep = few_blanks || c->blank_before || c->blank_after;
            break;
        default:
            c->keep = c->blank_before && c->blank_after;
        }
    }
    for (size_t i = 0; i < sc->n;) {
        size_t j = i + 1;
        while (j < sc->n && sc->c[j].off == sc->c[j - 1].next && sc->c[j].h.kind != H_SPECIAL)
            j++;
        if (j - i >= 3)
            for (size_t k = i; k < j; k++)
                sc->c[k].keep = false;
        i = j;
    }
}

static void add_chapter(struct parse_result *r, size_t *cap, size_t start)
{
    XGROW(r->ch, *cap, r->n_ch + 1);
    struct parse_chapter *c = &r->ch[r->n_ch++];
    memset(c, 0, sizeof *c);
    c->start = c->front_end = c->body = start;
    c->number = PARSE_NO_NUMBER;
}

/* Is a FanFicFare title page at the top: title, "by Author", then labelled
 * metadata lines? */
static bool detect_fff(const char *text, size_t len)
{
    struct top_line tl[3];
    int by = parse_fff_by_line(text, tl, parse_top_lines(text, len, tl, 3));
    if (!by)
        return false;
    size_t pos = tl[by].next, l, le;
    int labels = 0;
    for (int k = 0; k < 60 && decode_next_line(text, len, &pos, &l, &le); k++) {
        size_t la = l, lb = le;
        uch_trim(text, &la, &lb);
        if (la < lb && text[l] == '\t')
            break;
        struct hinfo h;
        if (parse_is_label_line(text, la, lb) && heading_classify(text + la, lb - la, &h) == H_NONE)
            labels++;       /* "Chapter 1: Title" is a heading, not a label */
    }
    return labels >= 2;
}

/* The display title of chapter head c; sets *number and *body (after the
 * heading lines). */
/* FanFicFare's marks before a chapter title line [*a, b), skipped: its
 * "(new) " (the mark_new_chapters option) and "N. " where N is the
 * chapter's place `n_ch` (add_chapter_numbers), in either order.  They
 * are not part of the title, so its number and title are the chapter's
 * own (the chapter's key never held them: it is made from the text
 * under the heading). */
static void fff_title_marks(const char *t, size_t *a, size_t b, size_t n_ch)
{
    for (int round = 0; round < 2; round++) {
        if (b - *a > 6 && memcmp(t + *a, "(new) ", 6) == 0) {
            *a += 6;
            continue;
        }
        size_t i = *a, v = 0;
        while (i < b && i - *a < 6 && t[i] >= '0' && t[i] <= '9')
            v = v * 10 + (size_t)(t[i++] - '0');
        if (i > *a && i + 2 < b && t[i] == '.' && t[i + 1] == ' ' && v == n_ch && t[*a] != '0')
            *a = i + 2;
        else
            break;
    }
}

static char *head_title(const char *text, size_t len, const struct cand *c, bool word_sub,
                        size_t n_ch, int *number, size_t *body)
{
    *body = after_underline(text, c->next, len);
    *number = c->h.num;
    if (c->h.kind == H_SPECIAL) {
        int num;
        size_t a = c->h.a;
        fff_title_marks(text, &a, c->h.b, n_ch);
        if (parse_is_heading(text + a, c->h.b - a, &num, NULL))
            *number = num;
        else
            *number = (int)n_ch;
        return heading_title(text, a, c->h.b);
    }
    char *ht = heading_title(text, c->h.a, c->h.b);
    if (word_sub || c->h.has_title || c->h.kind == H_WORD)
        return ht;
    struct hinfo sh;
    size_t sa, sb;
    size_t after = find_subtitle(text, *body, len, &sa, &sb, &sh);
    if (!after)
        return ht;
    *body = after;
    char *st = heading_title(text, sa, sb);
    if (sh.kind == H_WORD) {        /* " Chapter 1" / "Prologue" */
        *number = sh.num;
        free(ht);
        return st;
    }
    size_t hl = strlen(ht);
    const char *sep = c->h.kind == H_CJK ? "\xE3\x80\x80"
                      : (hl && (ht[hl - 1] == '.' || ht[hl - 1] == ':')) ? " " : ". ";
    char *t = xasprintf("%s%s%s", ht, sep, st);
    free(ht);
    free(st);
    return t;
}

/* What parse_text's passes share. */
struct ptext {
    const char *text;
    size_t len;
    struct scan sc;         /* heading candidates, what scan_lines saw */
    bool fff;               /* FanFicFare TXT layout */
    size_t end;             /* end of the story: Gutenberg footer, "End file.", or len */
    size_t body;            /* where the text proper starts (after the announcement) */
    size_t first;           /* first candidate after the announcement */
    bool strong;            /* chapter, 第…回 or FanFicFare headings are present */
    bool numtitle, bare;    /* numeral + title / bare numerals are chapters here */
    int md;                 /* the Markdown level whose headings are chapters, or 0 */
    bool parts_are_chapters;/* part headings are the only chapter headings */
    struct cand *k;         /* the kept headings, in order (keep_headings) */
    size_t nk;
    size_t cap;             /* capacity of out->ch */
    bool count;             /* parse_text_counted: count each chapter's words */
    size_t *words;          /* then: the words of each chapter's [body, back) */
};

/* The chapter-title line of "Title / Chapter title / text" (announce found
 * it at `line`) becomes the first candidate, owning the text before the
 * next. */
static void add_title_line(struct ptext *p, size_t line)
{
    struct scan *sc = &p->sc;
    struct hinfo h = {H_SPECIAL, PARSE_NO_NUMBER, 0, 0, true, 0};
    size_t pos = line, l, le;
    decode_next_line(p->text, p->len, &pos, &l, &le);
    h.a = l;
    h.b = le;
    uch_trim(p->text, &h.a, &h.b);
    if (heading_markdown(p->text + l, le - l, &h)) {
        h.a += l;           /* "# Story" / "## First title": one of the */
        h.b += l;           /* Markdown headings rank_forms weighs */
    }
    XGROW(sc->c, sc->cap, sc->n + 1);
    memmove(sc->c + 1, sc->c, sc->n * sizeof *sc->c);
    sc->n++;
    sc->c[0] = (struct cand){.off = l, .line_end = le, .next = pos, .h = h,
                             .blank_before = true, .blank_after = true,
                             .content_bytes = sc->pre_bytes, .content_lines = sc->pre_lines};
    sc->pre_bytes = sc->pre_lines = 0;
}

/* Do two or more Markdown headings of this level (no chapter word) have
 * text under them? */
static bool md_repeats(const struct ptext *p, int level)
{
    int n = 0;
    for (size_t i = p->first; i < p->sc.n; i++) {
        const struct cand *c = &p->sc.c[i];
        n += c->keep && c->h.kind == H_MD && c->h.level == level &&
             has_content(c->content_bytes, c->content_lines);
    }
    return n >= 2;
}

/* Which forms are chapters here?  Keyword forms always; numeral + title
 * and bare numerals when two of them have text after them (bare ones only
 * when nothing stronger is present); parts when nothing else is. */
static void rank_forms(struct ptext *p)
{
    bool chapterish = false, part = false;
    int n_numtitle = 0, n_bare = 0;
    for (size_t i = p->first; i < p->sc.n; i++) {
        const struct cand *c = &p->sc.c[i];
        if (!c->keep)
            continue;
        bool content = has_content(c->content_bytes, c->content_lines);
        switch (c->h.kind) {
        case H_CHAPTER: case H_CJK:
            p->strong = chapterish = true;
            break;
        case H_SPECIAL:
            /* FanFicFare's titles are strong; the chapter title parse_announce()
             * guessed ("Title / The Beginning / text") is a guess and does
             * not make the numerals after it sub-parts */
            p->strong |= p->fff;
            chapterish = true;
            break;
        case H_WORD: chapterish = true; break;
        case H_NUMTITLE: n_numtitle += content; break;
        case H_BARE: n_bare += content; break;
        case H_PART: part = true; break;
        }
    }
    p->numtitle = n_numtitle >= 2;
    p->bare = n_bare >= 2;
    p->parts_are_chapters = part && !chapterish && !p->numtitle && !p->bare;
    /* Markdown: with no chapter words, numerals or parts, the shallowest
     * heading level that repeats with text under it is the chapter level
     * (# Story title once, ## Title for each chapter). */
    if (!p->strong && !p->numtitle && !p->bare && !part) {
        int n_level[7] = {0};
        for (size_t i = p->first; i < p->sc.n; i++) {
            const struct cand *c = &p->sc.c[i];
            if (c->keep && c->h.level && has_content(c->content_bytes, c->content_lines))
                n_level[c->h.level]++;
        }
        for (int lv = 1; lv <= 6 && !p->md; lv++)
            if (n_level[lv] >= 2)
                p->md = lv;
    }
}

/* Keep the chapter-level and part headings; a demoted heading's text
 * counts as content of the heading before it. */
static void keep_headings(struct ptext *p)
{
    struct scan *sc = &p->sc;
    p->k = xmalloc((sc->n + 1) * sizeof *p->k);
    for (size_t i = p->first; i < sc->n; i++) {
        const struct cand *c = &sc->c[i];
        if (c->keep && (chapter_level(&c->h, p->strong, p->numtitle, p->bare, p->md) ||
                        c->h.kind == H_PART)) {
            p->k[p->nk++] = *c;
        } else if (p->nk) {
            p->k[p->nk - 1].content_bytes += c->content_bytes + (c->line_end - c->off);
            p->k[p->nk - 1].content_lines += c->content_lines + 1;
        } else {
            sc->pre_bytes += c->content_bytes + (c->line_end - c->off);
            sc->pre_lines += c->content_lines + 1;
        }
    }
}

/* The first of the text-less headings just before head i that open its
 * chapter (from run_start on): its part heading, a repeat of it, or the
 * numbered heading a word heading stands under ("Chapter 1" / "Prologue":
 * sets *word_sub). */
static size_t head_run(const struct ptext *p, size_t run_start, size_t i, bool *word_sub)
{
    const struct cand *c = &p->k[i];
    size_t j = i;
    *word_sub = false;
    while (j > run_start) {
        const struct cand *q = &p->k[j - 1];
        bool dup = q->h.kind == c->h.kind && q->h.num == c->h.num;
        bool part = q->h.kind == H_PART && !p->parts_are_chapters;
        bool numbered_then_word = j == i && c->h.kind == H_WORD && q->h.kind == H_CHAPTER &&
                                  !q->h.has_title;
        if (!(dup || part || numbered_then_word))
            break;
        *word_sub |= numbered_then_word;
        j--;
    }
    return j;
}

/* Add the chapter whose heading run starts at `start`.  The first one
 * also takes what comes before it: as front matter, or as an untitled
 * opening chapter of its own when that is long. */
static void open_chapter(struct ptext *p, struct parse_result *out, size_t start)
{
    if (out->n_ch > 0) {
        add_chapter(out, &p->cap, start);
    } else if (!p->sc.pg && !p->fff && p->sc.pre_bytes >= 3000 && start > p->body) {
        add_chapter(out, &p->cap, p->body);
        out->ch[0].front_end = out->ch[0].body = matter_front_end(p->text, p->body, start);
        add_chapter(out, &p->cap, start);
    } else {
        add_chapter(out, &p->cap, p->body);   /* all before the heading: front matter */
        out->ch[0].front_end = start;
    }
}

/* Heads a short chapter rather than a table of contents entry: a numbered
 * heading with a line of text under it (a sentence, not a page number)
 * whose kind and number no later head repeats.  A table of contents is
 * followed by the chapters it lists; a short chapter ("Chapter 3: Rain" /
 * "She ran.") is not.  The look-ahead is bounded (SHORT_LOOKAHEAD heads). */
#define SHORT_LOOKAHEAD 2000
static bool short_chapter(const struct ptext *p, size_t i)
{
    const struct cand *c = &p->k[i];
    if (c->content_lines < 1 || c->content_bytes < 8 || c->h.num == PARSE_NO_NUMBER ||
        c->h.kind == H_PART)
        return false;
    size_t end = p->nk - i > SHORT_LOOKAHEAD ? i + SHORT_LOOKAHEAD : p->nk;
    for (size_t j = i + 1; j < end; j++)
        if (p->k[j].h.kind == c->h.kind && p->k[j].h.num == c->h.num)
            return false;
    return true;
}

/* Chapter heads are headings followed by text.  The text-less headings
 * just before a head open its chapter (head_run), or are a table of
 * contents (left where it is: front matter of the first chapter).  A part
 * heading's title prefixes the titles of the chapters under it. */
static void make_chapters(struct ptext *p, struct parse_result *out)
{
    size_t run_start = 0;
    char *part_title = NULL;
    for (size_t i = 0; i < p->nk; i++) {
        const struct cand *c = &p->k[i];
        /* FanFicFare indents nothing but its chapter titles: one with a
         * line of text under it (a short notice) is a chapter */
        bool fff_short = p->fff && c->content_lines >= 1 && c->content_bytes >= 8;
        if (!has_content(c->content_bytes, c->content_lines) && i + 1 < p->nk &&
            !short_chapter(p, i) && !fff_short)
            continue;
        bool word_sub;
        size_t j = head_run(p, run_start, i, &word_sub);
        for (size_t q = j; q < i; q++)
            if (p->k[q].h.kind == H_PART && !p->parts_are_chapters) {
                free(part_title);
                part_title = heading_title(p->text, p->k[q].h.a, p->k[q].h.b);
            }
        open_chapter(p, out, p->k[j].off);
        struct parse_chapter *ch = &out->ch[out->n_ch - 1];
        if (c->h.kind == H_PART && !p->parts_are_chapters) {
            free(part_title);   /* a part with an introduction of its own */
            part_title = NULL;
        }
        char *title = head_title(p->text, p->len, c, word_sub, out->n_ch, &ch->number, &ch->body);
        if (part_title && c->h.kind != H_SPECIAL) {
            ch->title = xasprintf("%s \xE2\x80\x94 %s", part_title, title);
            free(title);
        } else {
            ch->title = title;
        }
        run_start = i + 1;
    }
    free(part_title);
}

/* Does t[i, to) start with `w` (ASCII, lower case), case-insensitively?
 * An apostrophe in w matches ' or U+2019. */
static bool phrase_at(const char *t, size_t i, size_t to, const char *w)
{
    size_t k = i;
    const char *q = w;
    while (*q && k < to) {
        unsigned char c = (unsigned char)t[k];
        if (*q == '\'' && k + 2 < to && c == 0xE2 && (unsigned char)t[k + 1] == 0x80 &&
            (unsigned char)t[k + 2] == 0x99) {
            k += 3;
        } else if ((c >= 'A' && c <= 'Z' ? c + 32 : c) == (unsigned char)*q) {
            k++;
        } else {
            break;
        }
        q++;
    }
    return !*q;
}

/* Does t[from, to) hold one of the phrases (ASCII, lower case, each
 * beginning with a letter; NULL-terminated), case-insensitively?  One
 * pass: only where a phrase's first letter is are the phrases tried. */
static bool has_phrase(const char *t, size_t from, size_t to, const char *const *phrases)
{
    bool first[256] = {false};
    for (size_t p = 0; phrases[p]; p++)
        first[(unsigned char)phrases[p][0]] = true;
    for (size_t i = from; i < to; i++) {
        /* c | 0x20 is a lower-case letter only for that letter and its
         * capital */
        unsigned char c = (unsigned char)t[i] | 0x20;
        if (!first[c])
            continue;
        for (size_t p = 0; phrases[p]; p++)
            if ((unsigned char)phrases[p][0] == c && phrase_at(t, i, to, phrases[p]))
                return true;
    }
    return false;
}

/* Words of a chapter that is only an author's note, at most: by its
 * text, and when its title says so. */
#define NOTE_MAX_WORDS 300
#define NOTE_TITLE_MAX_WORDS 2000

/* Bytes of t[0, n) that match w (ASCII, lower case) case-insensitively
 * from its start (an apostrophe in w matches ' or U+2019), or 0. */
static size_t prefix_ci(const char *t, size_t n, const char *w)
{
    size_t k = 0;
    for (; *w; w++) {
        unsigned char c = k < n ? (unsigned char)t[k] : 0;
        if (*w == '\'' && k + 2 < n && c == 0xE2 && (unsigned char)t[k + 1] == 0x80 &&
            (unsigned char)t[k + 2] == 0x99)
            k += 3;
        else if (k < n && (c >= 'A' && c <= 'Z' ? c + 32 : c) == (unsigned char)*w)
            k++;
        else
            return 0;
    }
    return k;
}

/* Does title t[0, n) start with w followed by its end or by no letter? */
static bool title_starts(const char *t, size_t n, const char *w)
{
    size_t k = prefix_ci(t, n, w);
    return k && (k == n || !((t[k] | 32) >= 'a' && (t[k] | 32) <= 'z'));
}

/* Does a chapter's title say it is a note: the whole title, or what
 * follows its "Chapter 12: " / "12 - " part? */
static bool note_title(const char *title)
{
    static const char *const starts[] = {
        "author's note", "authors note", "author note", "author's notes", "a/n",
        "a note from the author", "note from the author", "hiatus notice", "update notice",
        "not a chapter", "not an update", NULL,
    };
    static const char *const whole[] = {"note", "notes", "notice", "hiatus", "announcement",
                                        "important", "important note", "important notice",
                                        "please read", "update", NULL};
    const char *parts[2] = {title, NULL};
    const char *sep = strstr(title, ": ");
    if (!sep)
        sep = strstr(title, " - ");
    if (sep)
        parts[1] = sep + 2;
    for (int p = 0; p < 2 && parts[p]; p++) {
        const char *t = parts[p];
        while (*t == ' ')
            t++;
        size_t n = strlen(t);
        for (int i = 0; starts[i]; i++)
            if (title_starts(t, n, starts[i]))
                return true;
        while (n && (t[n - 1] == '!' || t[n - 1] == '.' || t[n - 1] == ' '))
            n--;
        for (int i = 0; whole[i]; i++)
            if (prefix_ci(t, n, whole[i]) == n)
                return true;
    }
    return false;
}

static size_t count_words(const char *text, size_t start, size_t end, size_t limit);

/* parse_note_chapter's answer for t[from, to), whose title says it is a
 * note (noted) or not, given its words counted (count_words) up to the
 * limit that applies or further. */
static bool note_words(const char *t, size_t from, size_t to, bool noted, size_t words)
{
    size_t limit = noted ? NOTE_TITLE_MAX_WORDS : NOTE_MAX_WORDS;
    if (words == 0 || words > limit)
        return false;
    if (noted)
        return true;
    if (matter_front_end(t, from, to) >= to)
        return true;
    static const char *const notice[] = {
        "not a chapter", "not a real chapter", "isn't a chapter", "not an update",
        "isn't an update", "not a new chapter", "on hiatus", "going on hiatus", "hiatus notice",
        "story is on hold", "is discontinued", "up for adoption", NULL,
    };
    return has_phrase(t, from, to, notice);
}

bool parse_note_chapter(const char *t, size_t from, size_t to, const char *title)
{
    /* counted only as far as the limit that applies: a long chapter is
     * no note, however many words past the limit it has */
    bool noted = title && note_title(title);
    size_t limit = noted ? NOTE_TITLE_MAX_WORDS : NOTE_MAX_WORDS;
    return note_words(t, from, to, noted, count_words(t, from, to, limit));
}

/* One untitled chapter when there are no heads; each chapter's preamble
 * moved into it; chapters tiling [body, len); closing notes of each, and
 * the Gutenberg licence or FanFicFare's "End file." after the last. */
static void tile_chapters(struct ptext *p, struct parse_result *out)
{
    if (out->n_ch == 0) {
        add_chapter(out, &p->cap, p->body);
        size_t fe = p->sc.pg ? p->sc.pg_start : p->body;
        out->ch[0].front_end = out->ch[0].body = matter_front_end(p->text, fe, p->end);
    }
    for (size_t i = 1; i < out->n_ch; i++) {
        size_t s2 = matter_preamble_start(p->text, out->ch[i - 1].body, out->ch[i].start);
        if (s2 < out->ch[i].start)
            out->ch[i].start = s2;
    }
    for (size_t i = 0; i < out->n_ch; i++) {
        struct parse_chapter *ch = &out->ch[i];
        ch->end = i + 1 < out->n_ch ? out->ch[i + 1].start : p->len;
        if (ch->body > ch->end)
            ch->body = ch->end;
        if (ch->front_end > ch->body)
            ch->front_end = ch->body;
    }
    if (p->count)
        p->words = xcalloc(out->n_ch ? out->n_ch : 1, sizeof *p->words);
    for (size_t i = 0; i < out->n_ch; i++) {
        struct parse_chapter *ch = &out->ch[i];
        size_t lim = i + 1 == out->n_ch && p->end < p->len ? (p->end > ch->body ? p->end : ch->body)
                                                            : ch->end;
        size_t bk = matter_back_start(p->text, ch->body, lim);
        ch->back = bk > ch->body ? bk : lim;
        /* A note-only chapter: all of it after the heading is matter
         * (struct chapter.note), no story text, no story words. */
        if (ch->body >= ch->back)
            continue;
        if (!p->count) {
            if (parse_note_chapter(p->text, ch->body, ch->back, ch->title))
                ch->back = ch->body;
            continue;
        }
        /* parse_text_counted: the one count of the chapter's words
         * decides whether it is a note and is kept */
        size_t w = count_words(p->text, ch->body, ch->back, SIZE_MAX);
        if (note_words(p->text, ch->body, ch->back, ch->title && note_title(ch->title), w)) {
            ch->back = ch->body;
            w = 0;
        }
        p->words[i] = w;
    }
}

/* Why a text with two or more heading-like lines (besides those heading
 * its one chapter: "Chapter 1" / "Prologue") is one chapter (malloc'd), or
 * NULL when it has fewer. */
static char *why_one_chapter(const struct ptext *p, const struct parse_chapter *ch)
{
    const struct scan *sc = &p->sc;
    size_t n_like = 0, n_kept = 0, n_level = 0;
    const struct cand *first = NULL;
    for (size_t i = p->first; i < sc->n; i++) {
        const struct cand *c = &sc->c[i];
        if (c->off >= ch->front_end && c->off < ch->body)
            continue;
        if (!first)
            first = c;
        n_like++;
        n_kept += c->keep;
        n_level += c->keep && (chapter_level(&c->h, p->strong, p->numtitle, p->bare, p->md) ||
                               c->h.kind == H_PART);
    }
    if (n_like < 2)
        return NULL;
    size_t line = 1;
    for (size_t i = 0; i < first->off; i++)
        line += p->text[i] == '\n';
    const char *why;
    if (n_kept < 2)
        why = "they do not stand apart from the text (a blank line before or after), or "
              "stand one under another like a table of contents";
    else if (n_level < 2)
        why = "they are numerals, part or Markdown headings, which are chapters only when "
              "two or more of one kind have text under them";
    else
        why = "no more than one of them has text under it (the rest read as a table of contents)";
    char *head = heading_tidy(p->text, first->off, first->line_end);
    size_t hn = strlen(head);
    if (hn > 60) {              /* cut at a character boundary */
        hn = 60;
        while (hn > 0 && ((unsigned char)head[hn] & 0xC0) == 0x80)
            hn--;
    }
    const char *more = hn < strlen(head) ? "\xE2\x80\xA6" : "";
    char *r = xasprintf("%zu heading-like lines (the first is line %zu, \"%.*s%s\") but one "
                        "chapter: %s", n_like, line, (int)hn, head, more, why);
    free(head);
    return r;
}

static size_t *parse(const char *text, size_t len, struct parse_result *out, bool count)
{
    memset(out, 0, sizeof *out);
    struct ptext p = {.text = text, .len = len, .count = count};
    p.sc.t = text;
    p.sc.len = len;
    p.sc.fff_end = len;

    p.fff = detect_fff(text, len);
    scan_lines(&p.sc, 0, p.fff);
    if (p.fff && p.sc.n == 0) {
        /* A layout guess never leaves a story as one chapter: the title
         * page looked like FanFicFare's but no chapter-title line came
         * (an A/N and a Disclaimer: line, an AO3 copy), so scan again. */
        p.fff = false;
        free(p.sc.c);
        memset(&p.sc, 0, sizeof p.sc);
        p.sc.t = text;
        p.sc.len = len;
        p.sc.fff_end = len;
        scan_lines(&p.sc, 0, false);
    }
    p.end = p.sc.pg_end ? p.sc.pg_end : p.sc.fff_end;

    size_t ch_title_line;
    out->body = p.body = parse_announce(text, len, &p.sc, out, p.fff, &ch_title_line);
    out->fanficfare = p.fff;
    if (ch_title_line != (size_t)-1)
        add_title_line(&p, ch_title_line);

    while (p.first < p.sc.n && p.sc.c[p.first].off < p.body)
        p.first++;          /* candidates inside the announcement don't count */
    filter_context(&p.sc, p.sc.n_blank * 20 < p.sc.n_lines);
    if (ch_title_line != (size_t)-1 && p.sc.c[0].h.kind == H_MD &&
        !md_repeats(&p, p.sc.c[0].h.level))
        p.sc.c[0].h.kind = H_SPECIAL;   /* a one-off "## Title": the announced chapter title */
    rank_forms(&p);
    keep_headings(&p);
    make_chapters(&p, out);
    tile_chapters(&p, out);
    if (out->n_ch == 1)
        out->one_chapter_why = why_one_chapter(&p, &out->ch[0]);
    free(p.k);
    free(p.sc.c);
    return p.words;
}

void parse_text(const char *text, size_t len, struct parse_result *out)
{
    parse(text, len, out, false);
}

size_t *parse_text_counted(const char *text, size_t len, struct parse_result *out)
{
    return parse(text, len, out, true);
}

void parse_result_free(struct parse_result *r)
{
    if (!r)
        return;
    parse_meta_free(&r->meta);
    free(r->title);
    free(r->author);
    free(r->one_chapter_why);
    for (size_t i = 0; i < r->n_ch; i++)
        free(r->ch[i].title);
    free(r->ch);
    memset(r, 0, sizeof *r);
}

/* Word counting, one token at a time.  A token is a run of characters up
 * to white space, an en/em dash, an ellipsis or CJK punctuation; it is a
 * word when it holds a letter or digit.  Each ideograph is a word of its
 * own.  ASCII, Latin-1 letters and curly quotes take fast paths. */
/* Inside a word of s[i, stop): the offset of the first byte from i that
 * may end it (white space, 0x00-0x20, or a byte over 0x7F), or a byte
 * before it, eight bytes at a time.  In each 8 bytes x, a byte under
 * 0x21 borrows in x - 0x21... and has its top bit set there, a byte over
 * 0x7F has it in x; the lowest such byte is exact (a borrow only carries
 * upwards), bytes above it may be flagged wrongly. */
static inline size_t word_run_end(const unsigned char *s, size_t i, size_t stop)
{
    const uint64_t ones = 0x0101010101010101ULL;
    while (i + 8 <= stop) {
        uint64_t x;
        memcpy(&x, s + i, sizeof x);
        uint64_t m = ((x - ones * 0x21) | x) & (ones * 0x80);
        if (m) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return i + (size_t)(__builtin_ctzll(m) >> 3);   /* the first byte in memory */
#else
            return i;
#endif
        }
        i += 8;
    }
    return i;
}

/* The words of text[start, end) as parse_count_words counts them, or
 * some number over limit as soon as there are more than limit. */
static inline size_t count_words(const char *text, size_t start, size_t end, size_t limit)
{
    /* byte classes: 1 white space, 2 ASCII letter or digit, 4 not ASCII */
    enum { SP = 1, AL = 2, HI = 4 };
    static const uint8_t cls[256] = {
        ['\t'] = SP, ['\n'] = SP, ['\v'] = SP, ['\f'] = SP, ['\r'] = SP, [' '] = SP,
        ['0'] = AL, ['1'] = AL, ['2'] = AL, ['3'] = AL, ['4'] = AL, ['5'] = AL, ['6'] = AL,
        ['7'] = AL, ['8'] = AL, ['9'] = AL,
        ['A'] = AL, ['B'] = AL, ['C'] = AL, ['D'] = AL, ['E'] = AL, ['F'] = AL, ['G'] = AL,
        ['H'] = AL, ['I'] = AL, ['J'] = AL, ['K'] = AL, ['L'] = AL, ['M'] = AL, ['N'] = AL,
        ['O'] = AL, ['P'] = AL, ['Q'] = AL, ['R'] = AL, ['S'] = AL, ['T'] = AL, ['U'] = AL,
        ['V'] = AL, ['W'] = AL, ['X'] = AL, ['Y'] = AL, ['Z'] = AL,
        ['a'] = AL, ['b'] = AL, ['c'] = AL, ['d'] = AL, ['e'] = AL, ['f'] = AL, ['g'] = AL,
        ['h'] = AL, ['i'] = AL, ['j'] = AL, ['k'] = AL, ['l'] = AL, ['m'] = AL, ['n'] = AL,
        ['o'] = AL, ['p'] = AL, ['q'] = AL, ['r'] = AL, ['s'] = AL, ['t'] = AL, ['u'] = AL,
        ['v'] = AL, ['w'] = AL, ['x'] = AL, ['y'] = AL, ['z'] = AL,
        [0x80] = HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
        HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
        HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
        HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
        HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
        HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
        HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
        HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
    };
    const unsigned char *s = (const unsigned char *)text;
    size_t n = 0, i = start;
    unsigned has = 0;   /* a letter or digit since the last white space */
    while (i < end) {
        unsigned char c = s[i];
        if (c < 0x80) {
            /* ASCII, a stretch of at most 512 bytes between checks of the
             * limit: inside a word only white space matters (it ends the
             * word), between words only a letter or digit (it starts one) */
            size_t stop = end - i > 512 ? i + 512 : end;
            while (i < stop) {
                if (has) {
                    i = word_run_end(s, i, stop);
                    while (i < stop && !(cls[s[i]] & (SP | HI)))
                        i++;
                    if (i == stop || (cls[s[i]] & HI))
                        break;
                    n++;
                    i++;
                    /* the usual case: one space, then the next word's
                     * letter or digit */
                    if (i < stop && cls[s[i]] == AL) {
                        i++;
                        continue;
                    }
                    has = 0;
                }
                while (i < stop && !(cls[s[i]] & (AL | HI)))
                    i++;
                if (i == stop || (cls[s[i]] & HI))
                    break;
                has = 1;
                i++;
            }
            if (n > limit)      /* never true for parse_count_words */
                return n;
            continue;
        }
        if (c == 0xC3 && i + 1 < end && s[i + 1] >= 0x80 && s[i + 1] <= 0xBF &&
            s[i + 1] != 0x97 && s[i + 1] != 0xB7) {
            i += 2;
            has = 1;
            continue;
        }
        if (c == 0xE2 && i + 2 < end && s[i + 1] == 0x80 && s[i + 2] >= 0x98 && s[i + 2] <= 0x9F) {
            i += 3;             /* quotation marks belong to the word they touch */
            continue;
        }
        uint32_t uc;
        i += uch_decode(text, i, end, &uc);
        if (uch_is_space(uc) || uc == 0x2014 || uc == 0x2013 || uc == 0x2026 || uc == 0x3002 ||
            uc == 0xFF0C || uc == 0x3001) {
            n += has;
            has = 0;
        } else if (uch_is_cjk_word(uc, false)) {
            n += has + 1;
            has = 0;
        } else if (!has && uc_is_alnum(uc)) {
            has = 1;
        }
    }
    return n + has;
}

bool parse_chapters_tile(const struct parse_result *r, size_t len)
{
    if (r->n_ch == 0 || r->ch[0].start != r->body || r->ch[r->n_ch - 1].end != len)
        return false;
    for (size_t i = 0; i < r->n_ch; i++) {
        const struct parse_chapter *c = &r->ch[i];
        if (!(c->start <= c->front_end && c->front_end <= c->body && c->body <= c->back &&
              c->back <= c->end))
            return false;
        if (i + 1 < r->n_ch && c->end != r->ch[i + 1].start)
            return false;
    }
    return true;
}

size_t parse_count_words(const char *text, size_t start, size_t end)
{
    return count_words(text, start, end, SIZE_MAX);
}
