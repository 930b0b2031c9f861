/* parse_blocks.c — one chapter's text as the blocks the pager lays out,
 * See parse.h (scene-break lines: break_line.c).
 *
 * parse_blocks_body() runs these passes over one chapter, each a function
 * below working on a struct blocks:
 *   1. read_lines      the lines, trimmed, with their indent and whether
 *                      each is a break marker
 *   2. paragraph_mode  one paragraph per line (long unwrapped lines)?
 *                      indented first lines start paragraphs?
 *   3. split_blocks    raw blocks: the heading region, break lines,
 *                      paragraphs (runs of lines)
 *   4. mark_verse      paragraphs whose lines are all indented, in a text
 *                      whose paragraphs mostly are not, are verse
 *   5. mark_headings   a one-line block standing alone that reads as a
 *                      heading; then an underline joins its heading and
 *                      consecutive break lines join (merge_blocks)
 *   6. mark_matter     front and back matter flags
 *   7. keep_lists      labelled lines, numbered entries and contents
 *                      lists keep their lines (verse)
 *   8. lost_breaks     a wide blank gap between story paragraphs stands
 *                      for a scene break that was lost
 *   9. atx_headings    a one-line `## Title` is a heading, its markers
 *                      outside the block's range
 *  10. split_long      a paragraph longer than PARSE_PARA_MAX becomes
 *                      pieces (BLOCK_CONT), so it is laid out piecewise */
#include "parse_int.h"
#include "decode.h"
#include "uchar.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unictype.h>

/* ------------------------------------------------------------------ */
/* parse_blocks                                                        */

struct pline {
    size_t a, b;        /* line without terminator */
    size_t ta, tb;      /* trimmed */
    int indent;         /* leading white space in columns */
    bool blank, brk;
};

static int indent_cols(const char *t, size_t a, size_t b)
{
    int cols = 0;
    for (size_t i = a; i < b;) {
        unsigned char c = (unsigned char)t[i];
        if (c == ' ') {
            cols++;
            i++;
        } else if (c == '\t') {
            cols += 4;
            i++;
        } else {
            size_t k = uch_space_at(t, i, b);
            if (!k)
                break;
            cols += k == 3 && c == 0xE3 ? 2 : 1;
            i += k;
        }
    }
    return cols;
}

struct blist {
    struct block *v;
    size_t n, cap;
    int *gap;           /* blank lines before each block */
    size_t gcap;
};

static void bl_add(struct blist *bl, size_t off, size_t end, int kind, int gap)
{
    XGROW(bl->v, bl->cap, bl->n + 1);
    XGROW(bl->gap, bl->gcap, bl->n + 1);
    bl->v[bl->n] = (struct block){off, end, (uint8_t)kind, 0};
    bl->gap[bl->n] = gap;
    bl->n++;
}

/* Does paragraph [a, b) hold a mark that shows speech? */
static bool has_quote(const char *t, size_t a, size_t b)
{
    for (size_t i = a; i < b;) {
        uint32_t c;
        i += uch_decode(t, i, b, &c);
        if (uch_is_quote(c, UCH_Q_SPEECH))
            return true;
    }
    return false;
}

/* A one-line paragraph that labels what follows rather than telling the
 * story: a date line, a diary or letter header in _emphasis_ or brackets,
 * a salutation ending in a comma, a signature in capitals.  Blank lines
 * around such lines are layout, not scene breaks. */
static bool label_like(const char *t, size_t a, size_t b)
{
    size_t ta = a, tb = b;
    uch_trim(t, &ta, &tb);
    if (ta >= tb || memchr(t + ta, '\n', tb - ta) || uch_count_chars(t, ta, tb) > 50)
        return false;
    if (t[ta] == '_' || t[ta] == '(' || t[ta] == '[' || t[tb - 1] == ',')
        return true;
    bool lower = false;
    for (size_t i = ta; i < tb;) {
        uint32_t c;
        i += uch_decode(t, i, tb, &c);
        if (c >= '0' && c <= '9')
            return true;
        if (c < 0x80 ? (c >= 'a' && c <= 'z') : uc_is_lower(c))
            lower = true;
    }
    return !lower;
}

/* Does paragraph [a, b) open like speech: a quotation mark, a dash? */
static bool opens_with_quote(const char *t, size_t a, size_t b)
{
    size_t ta = a, tb = b;
    uch_trim(t, &ta, &tb);
    while (ta < tb && (t[ta] == '*' || t[ta] == '_'))
        ta++;
    if (ta >= tb)
        return false;
    uint32_t c = uch_first(t, ta, tb);
    return uch_is_quote(c, UCH_Q_OPENS) || c == 0x2014 ||
           (c == '-' && tb - ta > 2 && t[ta + 1] == '-');
}

/* A line heading_classify() was asked about: its trimmed bytes [a, b)
 * and the kind it answered. */
struct hseen {
    size_t a, b;
    int kind;
};

/* One chapter on its way through the passes. */
struct blocks {
    const char *text;
    size_t start, end, front_end, body, back;
    struct pline *L;    /* the lines of [start, end) */
    size_t nl;
    struct hseen *hs;   /* mark_headings' answers, by offset (keep_lists asks again) */
    size_t n_hs, hs_cap;
    bool line_mode;     /* one paragraph per line: lines are not hard-wrapped */
    bool all_indented;  /* most lines are indented: an indented line starts a paragraph */
    struct blist bl;
};

/* By memchr from one LF to the next while the lines are long (one call a
 * line of prose), eight bytes at a time when the first 64 lines are
 * shorter than 16 bytes on average (a memchr a line cost more than the
 * line in a text of one-letter lines). */
size_t parse_count_lf(const char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, low7 = 0x7F7F7F7F7F7F7F7Fu,
                   pairs = 0x00FF00FF00FF00FFu;
    size_t k = 0, i = 0;
    while (i < n) {
        const char *q = memchr(s + i, '\n', n - i);
        if (!q)
            return k;
        k++;
        i = (size_t)(q - s) + 1;
        if (k == 64 && i < 64 * 16)
            break;
    }
    while (i + 8 <= n) {
        /* up to 255 words: each byte of acc counts its lane's LFs */
        uint64_t acc = 0;
        for (int w = 0; w < 255 && i + 8 <= n; w++, i += 8) {
            uint64_t x;
            memcpy(&x, s + i, 8);
            x ^= 0x0A * ones;                                 /* 0 where an LF was */
            acc += ~(((x & low7) + low7) | x | low7) >> 7;    /* 1 there, exactly */
        }
        acc = (acc & pairs) + ((acc >> 8) & pairs);          /* four 16-bit sums */
        k += (size_t)((acc * 0x0001000100010001u) >> 48);
    }
    for (; i < n; i++)
        k += s[i] == '\n';
    return k;
}

/* 1. The lines. */
static void read_lines(struct blocks *c)
{
    size_t lcap = 0, pos = c->start, l, le;
    /* as many records as line feeds, allocated once (a megabyte of short
     * lines grew the array a dozen times, copying it each time) */
    size_t lf = 1 + parse_count_lf(c->text + c->start, c->end - c->start);
    XGROW(c->L, lcap, lf);
    /* no CR in the chapter: its lines end at LF alone, as decode_next_line
     * would end them, found by one search a line instead of two */
    bool cr = c->start < c->end && memchr(c->text + c->start, '\r', c->end - c->start) != NULL;
    struct parse_brk_memo bm = {0};
    for (;;) {
        if (cr) {
            if (!decode_next_line(c->text, c->end, &pos, &l, &le))
                break;
        } else {
            if (pos >= c->end)
                break;
            const char *nl = memchr(c->text + pos, '\n', c->end - pos);
            l = pos;
            le = nl ? (size_t)(nl - c->text) : c->end;
            pos = nl ? le + 1 : c->end;
        }
        if (c->nl >= lcap)   /* (lone CRs end more lines than LFs count) */
            XGROW(c->L, lcap, c->nl + 1);
        struct pline *p = &c->L[c->nl++];
        p->a = p->ta = l;
        p->b = p->tb = le;
        parse_trim(c->text, &p->ta, &p->tb);
        p->blank = p->ta == p->tb;
        /* nothing trimmed before the text: no indent (indent_cols stops at
         * the first byte that is not white space) */
        p->indent = p->blank || p->ta == l ? 0 : indent_cols(c->text, l, le);
        p->brk = !p->blank && p->tb - p->ta <= 400 &&
                 parse_break_memo(&bm, c->text + p->ta, p->tb - p->ta);
    }
}

/* 2. Paragraph mode: one paragraph per line when lines inside runs are
 * long (not hard-wrapped); in a text where most lines are indented, each
 * indented line starts a paragraph (no blank lines needed). */
static void paragraph_mode(struct blocks *c)
{
    const struct pline *L = c->L;
    size_t nl = c->nl, in_runs = 0, long_lines = 0, n_text = 0, n_indented = 0;
    for (size_t i = 0; i < nl; i++) {
        if (L[i].blank)
            continue;
        n_text++;
        n_indented += L[i].indent >= 2;
        bool run = (i > 0 && !L[i - 1].blank) || (i + 1 < nl && !L[i + 1].blank);
        if (!run)
            continue;
        in_runs++;
        if (L[i].tb - L[i].ta > 100 && uch_count_chars(c->text, L[i].ta, L[i].tb) > 100)
            long_lines++;
    }
    c->line_mode = in_runs >= 3 && long_lines * 4 >= in_runs;
    c->all_indented = n_indented * 2 > n_text;
}

/* Is line i inside the heading region [front_end, body)? */
static bool in_heading(const struct blocks *c, size_t i)
{
    return c->L[i].a >= c->front_end && c->L[i].a < c->body;
}

/* 3. Raw blocks: the heading region as one heading, break lines, and
 * paragraphs (runs of lines, split at an indented line where indents
 * start paragraphs). */
static void split_blocks(struct blocks *c)
{
    const struct pline *L = c->L;
    size_t nl = c->nl, i = 0;
    int gap = 0;
    while (i < nl) {
        const struct pline *p = &L[i];
        size_t j = i;
        int kind;
        if (p->blank) {
            gap++;
            i++;
            continue;
        }
        if (in_heading(c, i)) {
            while (j + 1 < nl && L[j + 1].a < c->body)
                j++;
            while (j > i && L[j].blank)
                j--;
            kind = BLOCK_HEADING;
        } else if (p->brk) {
            kind = BLOCK_BREAK;
        } else {
            while (j + 1 < nl && !L[j + 1].blank && !L[j + 1].brk && !c->line_mode &&
                   !in_heading(c, j + 1) &&
                   !(L[j + 1].indent >= 2 && (L[j].indent < 2 || c->all_indented)))
                j++;
            kind = BLOCK_PARA;
        }
        bl_add(&c->bl, p->a, L[j].b, kind, gap);
        gap = 0;
        i = j + 1;
    }
}

/* 4. Verse: a paragraph whose lines are all indented, in a text whose
 * paragraphs mostly are not. */
static void mark_verse(struct blocks *c)
{
    struct blist *bl = &c->bl;
    size_t n_para = 0, n_ind = 0;
    for (size_t b = 0; b < bl->n; b++)
        if (bl->v[b].kind == BLOCK_PARA) {
            n_para++;
            if (indent_cols(c->text, bl->v[b].off, bl->v[b].end) >= 2)
                n_ind++;
        }
    if (n_ind * 2 > n_para || c->all_indented || c->line_mode)
        return;
    size_t li = 0;
    for (size_t b = 0; b < bl->n; b++) {
        if (bl->v[b].kind != BLOCK_PARA)
            continue;
        while (li < c->nl && c->L[li].a < bl->v[b].off)
            li++;
        bool all = true;
        for (size_t q = li; q < c->nl && c->L[q].a < bl->v[b].end; q++)
            if (c->L[q].indent < 2)
                all = false;
        if (all)
            bl->v[b].kind = BLOCK_VERSE;
    }
}

/* Merge every block that `joins` the block before it into that block, in
 * one pass: w is the last block kept, r the block read (no memmove per
 * merge, so a run of 200,000 break lines is linear).  joins() sees the
 * kept block as b - 1: the list is compacted as it is read. */
static void merge_blocks(struct blist *bl, bool (*joins)(const struct blist *bl, size_t b))
{
    if (bl->n == 0)
        return;
    size_t w = 0;
    for (size_t r = 1; r < bl->n; r++) {
        bl->v[w + 1] = bl->v[r];
        bl->gap[w + 1] = bl->gap[r];
        if (joins(bl, w + 1))
            bl->v[w].end = bl->v[w + 1].end;
        else
            w++;
    }
    bl->n = w + 1;
}

/* An underline right below a heading belongs to it. */
static bool underlines(const struct blist *bl, size_t b)
{
    return bl->v[b].kind == BLOCK_BREAK && bl->gap[b] == 0 && bl->v[b - 1].kind == BLOCK_HEADING;
}

/* Consecutive break lines are one break (Alice's three-line star block). */
static bool continues_break(const struct blist *bl, size_t b)
{
    return bl->v[b].kind == BLOCK_BREAK && bl->v[b - 1].kind == BLOCK_BREAK;
}

/* Two verse blocks with no blank line between are one. */
static bool continues_list(const struct blist *bl, size_t b)
{
    return bl->v[b].kind == BLOCK_VERSE && bl->v[b - 1].kind == BLOCK_VERSE && bl->gap[b] == 0 &&
           bl->v[b].flags == bl->v[b - 1].flags;
}

/* 5. Headings: a one-line block standing alone that reads as a heading
 * (in one-paragraph-per-line text a chapter heading need not stand
 * alone).  Then underlines and runs of break lines join up. */
static void mark_headings(struct blocks *c)
{
    struct blist *bl = &c->bl;
    for (size_t b = 0; b < bl->n; b++) {
        struct block *v = &bl->v[b];
        if (v->kind != BLOCK_PARA && v->kind != BLOCK_VERSE)
            continue;
        size_t n = v->end - v->off;
        if (memchr(c->text + v->off, '\n', n) || memchr(c->text + v->off, '\r', n))
            continue;
        bool alone = (b == 0 || bl->gap[b] > 0) && (b + 1 == bl->n || bl->gap[b + 1] > 0);
        if (!alone && !c->line_mode)
            continue;
        struct hinfo h;
        int k = heading_classify(c->text + v->off, n, &h);
        size_t ta = v->off, tb = v->end;   /* what heading_classify reads (it trims) */
        uch_trim(c->text, &ta, &tb);
        XGROW(c->hs, c->hs_cap, c->n_hs + 1);
        c->hs[c->n_hs++] = (struct hseen){ta, tb, k};
        if (k == H_NONE)
            continue;
        if (!alone && k != H_CHAPTER && k != H_WORD && k != H_CJK)
            continue;
        v->kind = BLOCK_HEADING;
    }
    merge_blocks(bl, underlines);
    merge_blocks(bl, continues_break);
}

/* 6. Front and back matter: the caller's ranges, and the notes
 * recognised at the start and end of the story text. */
static void mark_matter(struct blocks *c)
{
    struct blist *bl = &c->bl;
    size_t first_text = c->body;
    for (size_t b = 0; b < bl->n; b++)
        if (bl->v[b].off >= c->body && bl->v[b].kind != BLOCK_HEADING) {
            first_text = bl->v[b].off;
            break;
        }
    size_t fe = matter_front_end(c->text, first_text, c->back);
    size_t bk = matter_back_start(c->text, first_text, c->back);
    if (bk < fe)
        bk = c->back;
    for (size_t b = 0; b < bl->n; b++) {
        struct block *v = &bl->v[b];
        if (v->off < c->front_end || (v->off >= first_text && v->off < fe))
            v->flags |= BLOCK_FRONT;
        if (v->off >= c->back || v->off >= bk)
            v->flags |= BLOCK_BACK;
    }
}

/* Is block b a line standing right under a heading: a subtitle or a
 * dateline ("DR. SEWARD'S DIARY--_continued_.")?  The blank lines after
 * it set it off from the heading's text; they are no scene break. */
static bool under_heading(const struct blocks *c, size_t b)
{
    const struct block *u = &c->bl.v[b];
    return b >= 1 && c->bl.v[b - 1].kind == BLOCK_HEADING &&
           !memchr(c->text + u->off, '\n', u->end - u->off);
}

/* A line of a list rather than of a paragraph (trimmed t[a, b)): a
 * labelled field ("Posting Date: January 10, 2009", "Status: Completed"),
 * a numbered entry ("II. The Red-headed League", "3) Home"), or a line
 * that reads as a heading ("CHAPTER XII", "BOOK ONE: 1805"). */
static bool entry_line(const struct blocks *c, size_t a, size_t b);

static bool list_line(const struct blocks *c, size_t a, size_t b)
{
    const char *t = c->text;
    if (a >= b || b - a > 160)
        return false;
    /* Label: value, the label a capitalised word or few */
    if (uch_is_upper_ascii(t[a])) {
        size_t i = a;
        while (i < b && i - a < 30 && t[i] != ':' && t[i] != '.' && t[i] != ',')
            i++;
        if (i + 1 < b && t[i] == ':' && t[i + 1] == ' ')
            return true;
    }
    return entry_line(c, a, b);
}

/* heading_classify()'s kind for the trimmed line c->text[a, b): the
 * answer mark_headings had for it, when it asked (the same bytes once
 * trimmed: heading_classify trims first), else asked now. */
static int classify_kind(const struct blocks *c, size_t a, size_t b)
{
    size_t lo = 0, hi = c->n_hs;   /* c->hs is in offset order */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->hs[mid].a < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->n_hs && c->hs[lo].a == a && c->hs[lo].b == b)
        return c->hs[lo].kind;
    struct hinfo h;
    return heading_classify(c->text + a, b - a, &h);
}

/* An entry of a table of contents: a numbered line or a heading. */
static bool entry_line(const struct blocks *c, size_t a, size_t b)
{
    const char *t = c->text;
    if (a >= b || b - a > 160)
        return false;
    /* a numeral (roman, or up to three digits) and `.` or `)`, then text */
    size_t i = a;
    while (i < b && i - a < 8 && (uch_is_digit(t[i]) || strchr("IVXLCDM", t[i])))
        i++;
    if (i > a && i + 2 < b && (t[i] == '.' || t[i] == ')') && t[i + 1] == ' ' &&
        (!uch_is_digit(t[a]) || i - a <= 3))
        return true;
    return b - a <= 80 && classify_kind(c, a, b) != H_NONE;
}

/* 7. Lists keep their lines.  A paragraph whose first line and two
 * thirds of its lines are list lines (list_line) is verse: a Gutenberg
 * header's fields, FanFicFare's `Label: value` lines, a numbered table of
 * contents.  Such blocks next to each other with no blank line between
 * are one (an indented entry had split them).  In front matter a run of
 * three or more one-line entries (entry_line) with at most two blank lines
 * between (War and Peace's contents: `CHAPTER I`, blank, `CHAPTER II`,
 * ...) is one compact list, not a screen of headings per few entries. */
static void keep_lists(struct blocks *c)
{
    struct blist *bl = &c->bl;
    size_t li = 0;
    for (size_t b = 0; b < bl->n; b++) {
        struct block *v = &bl->v[b];
        while (li < c->nl && c->L[li].a < v->off)
            li++;
        if (v->kind != BLOCK_PARA || li >= c->nl || !list_line(c, c->L[li].ta, c->L[li].tb))
            continue;
        if (li + 1 >= c->nl || c->L[li + 1].a >= v->end) {
            /* one line: the last entry of a list an indent split off */
            if (b > 0 && bl->gap[b] == 0 && bl->v[b - 1].kind == BLOCK_VERSE)
                v->kind = BLOCK_VERSE;
            continue;
        }
        size_t lines = 0, listed = 0;
        for (size_t q = li; q < c->nl && c->L[q].a < v->end; q++) {
            lines++;
            listed += list_line(c, c->L[q].ta, c->L[q].tb);
        }
        if (listed * 3 >= lines * 2)
            v->kind = BLOCK_VERSE;
    }
    /* one-line front-matter list blocks: mark runs of three or more */
    bool *one = xcalloc(bl->n + 1, sizeof *one);
    for (size_t b = 0; b < bl->n; b++) {
        const struct block *v = &bl->v[b];
        size_t ta = v->off, tb = v->end;
        uch_trim(c->text, &ta, &tb);
        one[b] = (v->flags & BLOCK_FRONT) && v->kind != BLOCK_BREAK &&
                 !memchr(c->text + v->off, '\n', v->end - v->off) &&
                 !memchr(c->text + v->off, '\r', v->end - v->off) && entry_line(c, ta, tb);
    }
    size_t w = 0;
    for (size_t r = 0; r < bl->n;) {
        size_t e = r + 1;
        while (one[r] && e < bl->n && one[e] && bl->gap[e] <= 2)
            e++;
        bl->v[w] = bl->v[r];
        bl->gap[w] = bl->gap[r];
        if (e - r >= 3) {
            bl->v[w].end = bl->v[e - 1].end;
            bl->v[w].kind = BLOCK_VERSE;
        } else {
            e = r + 1;
        }
        w++;
        r = e;
    }
    bl->n = w;
    free(one);
    merge_blocks(bl, continues_list);
}

/* Is the gap before block b (of at least `need` blank lines) a lost scene
 * break?  Only between two paragraphs of story text, neither a label
 * line nor a line under a heading, and not a pause in dialogue (the next
 * paragraph opens with a quotation mark and the one before holds one). */
static bool lost_break_before(const struct blocks *c, size_t b, int need)
{
    const struct block *v = &c->bl.v[b], *u = &c->bl.v[b - 1];
    return c->bl.gap[b] >= need && v->kind == BLOCK_PARA && u->kind == BLOCK_PARA &&
           v->flags == 0 && u->flags == 0 && !label_like(c->text, v->off, v->end) &&
           !label_like(c->text, u->off, u->end) && !under_heading(c, b - 1) &&
           !(opens_with_quote(c->text, v->off, v->end) && has_quote(c->text, u->off, u->end));
}

/* 8. Lost scene breaks.  The usual gap between paragraphs is the most
 * common blank-run length (0 in one-paragraph-per-line texts, 1 in most,
 * 2 in some); a gap of at least max(2, twice the usual) stands for a lost
 * separator (lost_break_before).  Gaps next to headings, breaks, verse or
 * the front/back matter boundary are layout, not breaks.  Returns the
 * final blocks in *out (their count). */
static size_t lost_breaks(const struct blocks *c, struct block **out)
{
    const struct blist *bl = &c->bl;
    int hist[4] = {0};
    for (size_t b = 1; b < bl->n; b++)
        if (bl->v[b].kind == BLOCK_PARA && bl->v[b - 1].kind == BLOCK_PARA)
            hist[bl->gap[b] < 3 ? bl->gap[b] : 3]++;
    int mode = 0;
    for (int g = 1; g < 4; g++)
        if (hist[g] > hist[mode])
            mode = g;
    int need = mode * 2 > 2 ? mode * 2 : 2;
    struct block *res = NULL;
    size_t n = 0, cap = 0;
    for (size_t b = 0; b < bl->n; b++) {
        if (b > 0 && lost_break_before(c, b, need)) {
            /* the gap starts on the line after the previous paragraph */
            size_t gp = bl->v[b - 1].end, gl, gle;
            decode_next_line(c->text, c->end, &gp, &gl, &gle);
            XGROW(res, cap, n + 1);
            res[n++] = (struct block){gp, gp, BLOCK_BREAK, 0};
        }
        XGROW(res, cap, n + 1);
        res[n++] = bl->v[b];
    }
    *out = res ? res : xmalloc(sizeof **out);
    return n;
}

/* 9. Markdown headings: a one-line block `## The Guild` (up to three
 * spaces, 1-6 `#`, a blank, then a title starting with a capital, a digit
 * or a letter of a script without case) is a heading whose range starts at
 * its title and ends before a closing `#` run, so the markers are never
 * shown.  A line of `#` alone is a scene break and stays one. */
static void atx_headings(const char *t, struct block *v, size_t n)
{
    for (size_t b = 0; b < n; b++) {
        struct block *k = &v[b];
        if (k->kind == BLOCK_BREAK || k->end <= k->off ||
            memchr(t + k->off, '\n', k->end - k->off))
            continue;
        size_t i = k->off, e = k->end;
        while (i < e && i - k->off < 3 && t[i] == ' ')
            i++;
        size_t h = i;
        while (h < e && t[h] == '#')
            h++;
        if (h == i || h - i > 6 || h >= e || (t[h] != ' ' && t[h] != '\t'))
            continue;
        while (h < e && (t[h] == ' ' || t[h] == '\t'))
            h++;
        uint32_t c = 0;
        if (h < e)
            uch_decode(t, h, e, &c);
        if (h >= e || !(uch_is_upper(c) || (c < 0x80 && uch_is_digit((char)c)) ||
                        (c >= 0x80 && uch_is_alnum(c) && !uc_is_lower(c))))
            continue;
        size_t z = e;
        while (z > h && (t[z - 1] == ' ' || t[z - 1] == '\t'))
            z--;
        size_t q = z;
        while (q > h && t[q - 1] == '#')
            q--;
        if (q < z && (t[q - 1] == ' ' || t[q - 1] == '\t')) {
            z = q;
            while (z > h && (t[z - 1] == ' ' || t[z - 1] == '\t'))
                z--;
        }
        k->kind = BLOCK_HEADING;
        k->off = h;
        k->end = z;
    }
}

/* 10. Long paragraphs in pieces: each BLOCK_PARA longer than PARSE_PARA_MAX
 * becomes pieces that tile it (parse_piece_end), the later ones BLOCK_CONT.
 * Returns the new count; *v reallocated when anything was cut. */
static size_t split_long(const char *t, struct block **v, size_t n)
{
    size_t extra = 0;
    for (size_t b = 0; b < n; b++)
        if ((*v)[b].kind == BLOCK_PARA && (*v)[b].end - (*v)[b].off > PARSE_PARA_MAX)
            extra += ((*v)[b].end - (*v)[b].off) / (PARSE_PARA_MAX - PARSE_CUT_LOOK) + 1;
    if (!extra)
        return n;
    struct block *res = xreallocarray(NULL, n + extra, sizeof *res);
    size_t m = 0;
    for (size_t b = 0; b < n; b++) {
        struct block x = (*v)[b];
        if (x.kind != BLOCK_PARA) {
            res[m++] = x;
            continue;
        }
        while (x.end - x.off > PARSE_PARA_MAX) {
            size_t c = parse_piece_end(t, x.off, x.end, true);
            res[m] = x;
            res[m++].end = c;
            x.off = c;
            x.flags |= BLOCK_CONT;
        }
        res[m++] = x;
    }
    free(*v);
    *v = res;
    return m;
}

size_t parse_blocks_body(const char *text, size_t start, size_t end, size_t front_end,
                         size_t body, size_t back, struct block **out)
{
    if (front_end < start)
        front_end = start;
    if (body < front_end)
        body = front_end;
    if (back > end || back < start)
        back = end;
    struct blocks c = {.text = text, .start = start, .end = end, .front_end = front_end,
                       .body = body, .back = back};
    read_lines(&c);
    paragraph_mode(&c);
    split_blocks(&c);
    mark_verse(&c);
    mark_headings(&c);
    mark_matter(&c);
    keep_lists(&c);
    size_t n = lost_breaks(&c, out);
    atx_headings(text, *out, n);
    n = split_long(text, out, n);
    free(c.bl.v);
    free(c.bl.gap);
    free(c.L);
    free(c.hs);
    return n;
}

size_t parse_blocks(const char *text, size_t start, size_t end, size_t front_end,
                    size_t back, struct block **out)
{
    return parse_blocks_body(text, start, end, front_end, front_end, back, out);
}
