/* layout.c — blocks of source text to display lines (see layout.h).
 *
 * A paragraph is laid out in four steps, all on scratch buffers:
 *  1. fold: copy its visible bytes into a folded buffer F with a map back to
 *     source offsets (whitespace runs -> one space, or nothing between two
 *     CJK characters across a line end; emphasis markers kept but
 *     zero-width; a control character kept, as wide as the "^[" or
 *     "<U+009B>" it is drawn as, so that lines break around it: UAX #14
 *     attaches a C0 control to what precedes it);
 *  2. u8_possible_linebreaks over F (UAX #14);
 *  3. cut F into segments (word + trailing spaces, from one break
 *     opportunity to the next) with their widths; a word wider than the
 *     column is cut at grapheme-cluster boundaries;
 *  4. choose breaks: first fit, or minimum raggedness by dynamic programming.
 * Lines name source byte ranges; layout_runs() (layout_runs.c) walks those
 * bytes again with the same folding rules to produce what is drawn.  What
 * the two files share is in include/layout_internal.h. */
#include "layout_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unigbrk.h>
#include <unilbrk.h>
#include <unistr.h>
#include <uniwidth.h>

#include "decode.h"
#include "util.h"

struct seg {
    size_t a;        /* folded index of the segment's first byte */
    size_t e;        /* end of its word part (before trailing spaces) */
    size_t b;        /* end of the segment (after trailing spaces) */
    int ww;          /* columns of the word part */
    int sw;          /* columns of the trailing spaces */
    int hy;          /* 1: a break after it draws '-' (soft hyphen, split word) */
};

bool lay_general_only;

struct layout_scratch *layout_scratch_new(void)
{
    return xcalloc(1, sizeof(struct layout_scratch));
}

void layout_scratch_free(struct layout_scratch *sc)
{
    if (!sc)
        return;
    free(sc->f); free(sc->pt); free(sc->fcls); free(sc->brk); free(sc->gb);
    free(sc->seg); free(sc->pre); free(sc->best); free(sc->from); free(sc->cls);
    free(sc);
}

void line_vec_free(struct line_vec *lv)
{
    free(lv->v);
    lv->v = NULL;
    lv->n = lv->cap = 0;
}

/* ---- characters ---------------------------------------------------- */

/* Code points where glibc's wcwidth (what ncursesw draws with) and
 * libunistring's uc_width(c, "UTF-8") disagree; the value is wcwidth's.
 * Measured on Debian 12 (glibc 2.36, libunistring 1.0); test_layout checks
 * the whole code space against wcwidth. */
static const struct { uint32_t lo, hi; int w; } width_fix[] = {
    {0x0600, 0x0605, 1}, {0x06DD, 0x06DD, 1}, {0x070F, 0x070F, 1},
    {0x0890, 0x0891, 1}, {0x08E2, 0x08E2, 1}, {0x0CBF, 0x0CBF, 0},
    {0x0CC6, 0x0CC6, 0}, {0x3248, 0x324F, 2}, {0x4DC0, 0x4DFF, 2},
    {0x110BD, 0x110BD, 1}, {0x110CD, 0x110CD, 1}, {0x11A07, 0x11A08, 0},
    {0x11C3F, 0x11C3F, 0},
};

int layout_char_width(uint32_t c)
{
    if (c >= 0x20 && c < 0x7F)
        return 1;
    if (is_ctrl(c) || c == 0xAD)
        return 0;
    /* fast paths for what prose is made of (checked against wcwidth by
     * test_layout like everything else) */
    if (c < 0x300 || (c >= 0x2010 && c <= 0x2027))
        return 1;                    /* Latin; dashes, quotes, ellipsis */
    if (c >= 0x4E00 && c <= 0x9FFF)
        return 2;                    /* CJK unified ideographs */
    for (size_t i = 0; i < sizeof width_fix / sizeof width_fix[0]; i++)
        if (c >= width_fix[i].lo && c <= width_fix[i].hi)
            return width_fix[i].w;
    int w = uc_width(c, "UTF-8");
    return w < 0 ? 0 : w;
}

int layout_width(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        i += (size_t)get_char(s, i, n, &c);
        w += layout_char_width(c);
    }
    return w;
}

/* ---- step 1: fold -------------------------------------------------- */

static void fold_reserve(struct layout_scratch *sc, size_t n)
{
    XGROW(sc->f, sc->fcap, n + 1);
    XGROW(sc->fcls, sc->fccap, n + 1);
    XGROW(sc->brk, sc->bcap, n + 1);
}

/* The map from folded to source offsets is piecewise linear: from folded
 * index pt[t].fi on, source = pt[t].si + (k - pt[t].fi), until the next
 * point.  A point is added only where folding changed the length (a
 * whitespace run longer than its space, or vanished), so the map costs
 * nothing per byte. */
static void map_point(struct layout_scratch *sc, size_t fi, size_t si)
{
    /* the same offset as the last point's (a white space run folded to a
     * space of its own length): nothing changes */
    if (sc->npt && sc->pt[sc->npt - 1].si - sc->pt[sc->npt - 1].fi == si - fi)
        return;
    if (sc->npt && sc->pt[sc->npt - 1].fi == fi) {
        sc->pt[sc->npt - 1].si = si;
        return;
    }
    if (sc->npt >= sc->ptcap)
        XGROW(sc->pt, sc->ptcap, sc->npt + 1);
    sc->pt[sc->npt].fi = fi;
    sc->pt[sc->npt].si = si;
    sc->npt++;
}

/* Source offset of folded byte k. */
static size_t map_src(const struct layout_scratch *sc, size_t k)
{
    size_t lo = 0, hi = sc->npt;          /* last point with fi <= k */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (sc->pt[mid].fi <= k)
            lo = mid;
        else
            hi = mid;
    }
    return sc->pt[lo].si + (k - sc->pt[lo].fi);
}

/* Fold text[p, q) into sc->f; `cls` (may be NULL) holds the MARKUP_* bits
 * of text[cls_off ...].  Returns the folded length. */
static size_t fold(struct layout_scratch *sc, const char *text, size_t p, size_t q,
                   const uint8_t *cls, size_t cls_off)
{
    fold_reserve(sc, q - p);
    char *f = sc->f;
    uint8_t *fc = sc->fcls;
    size_t m = 0, i = p;
    bool nl;
    i = ws_run_end(text, i, q, &nl);
    sc->npt = 0;
    map_point(sc, 0, i);
    if (!cls)
        memset(fc, 0, q - i + 1);
    while (i < q) {
        /* fast path: a run of printable ASCII is copied as it is */
        size_t i0 = i, m0 = m;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        /* eight bytes at a time while they are printable ASCII, and every
         * space is followed by a printable non-space (the usual inside of a
         * hard-wrapped line) */
        while (q - i > 8) {
            uint64_t x;
            memcpy(&x, text + i, 8);
            const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u,
                           low7 = 0x7F7F7F7F7F7F7F7Fu;
            if ((((x - 0x20 * ones) & ~x) | ((x + ones) | x)) & highs)
                break;                               /* a byte < 0x20 or >= 0x7F */
            uint64_t y = x ^ (0x20 * ones);
            uint64_t sp = ~(((y & low7) + low7) | y | low7);   /* 0x80 where a space */
            if ((sp & (sp << 8)) ||
                ((sp >> 63) && (unsigned char)(text[i + 8] - 0x21) >= 0x5E))
                break;                               /* a blank run, a line end */
            memcpy(f + m, text + i, 8);
            m += 8;
            i += 8;
        }
#endif
        while (i < q) {
            unsigned char b = (unsigned char)text[i];
            if ((unsigned char)(b - 0x20) >= 0x5F)
                break;
            /* a space is copied only when a printable ASCII character
             * follows it (a run of blanks, a line end, is folded below) */
            if (b == ' ' && (i + 1 >= q || (unsigned char)(text[i + 1] - 0x21) >= 0x5E))
                break;
            f[m++] = (char)b;
            i++;
        }
        if (cls && i > i0)
            memcpy(fc + m0, cls + (i0 - cls_off), i - i0);
        if (i >= q)
            break;
        /* fast paths, one space of the same length: a line end between
         * two words of a hard-wrapped line (no map point: map_point would
         * add none), or one space between two printable ASCII characters */
        if (lone_lf_space(text, p, q, i) ||
            (text[i] == ' ' && i + 1 < q && (unsigned char)(text[i + 1] - 0x21) < 0x5E)) {
            f[m] = ' ';
            if (cls)
                fc[m] = cls[i - cls_off] & (uint8_t)~MARKUP_HIDDEN;
            m++;
            i++;
            continue;
        }
        uint32_t c;
        int l = get_char(text, i, q, &c);
        if (is_ws(c)) {
            size_t j = ws_run_end(text, i, q, &nl);
            if (j < q && !ws_run_vanishes(text, p, q, i, j, nl)) {
                f[m] = ' ';
                if (cls)
                    fc[m] = cls[i - cls_off] & (uint8_t)~MARKUP_HIDDEN;
                m++;
            }
            i = j;
            map_point(sc, m, i);
            continue;
        }
        memcpy(f + m, text + i, (size_t)l);
        if (cls)
            memcpy(fc + m, cls + (i - cls_off), (size_t)l);
        m += (size_t)l;
        i += (size_t)l;
    }
    return m;
}

/* ---- steps 2-3: segments ------------------------------------------- */

static inline void push_seg(struct layout_scratch *sc, size_t *ns, struct seg s, int lim)
{
    if (s.ww + s.hy > lim)
        s.hy = 0;        /* no room for the '-': break without drawing one */
    if (*ns >= sc->scap)
        XGROW(sc->seg, sc->scap, *ns + 1);
    sc->seg[(*ns)++] = s;
}

/* Width of the folded character at f[k] as drawn (markers are zero-width,
 * a control character as wide as its visible form). */
static inline int fchar_width(const struct layout_scratch *sc, size_t k, size_t m, int *len)
{
    uint32_t c;
    *len = get_char(sc->f, k, m, &c);
    if (sc->fcls[k] & MARKUP_HIDDEN)
        return 0;
    return shown_width(c);
}

/* A word wider than `lim` columns: cut f[a, e) at grapheme-cluster
 * boundaries into pieces that fit (leaving a column for the '-' drawn at
 * the cut); the last piece keeps the trailing spaces and soft hyphen. */
static void split_word(struct layout_scratch *sc, size_t *ns, struct seg s, int lim)
{
    size_t n = s.e - s.a;
    XGROW(sc->gb, sc->gcap, n + 1);
    u8_grapheme_breaks((const uint8_t *)sc->f + s.a, n, sc->gb);
    int cap = lim >= 2 ? lim - 1 : lim;
    size_t start = s.a, k = s.a;
    int cw = 0;
    while (k < s.e) {
        /* one cluster [k, g) */
        size_t g = k;
        int gw = 0, len;
        do {
            gw += fchar_width(sc, g, s.e, &len);
            g += (size_t)len;
        } while (g < s.e && !sc->gb[g - s.a]);
        /* A cluster wider than lim (a wide character at width 1) keeps its
         * width: it gets a piece of its own and is drawn anyway, wider
         * than the column (see layout.h). */
        if (sc->f[k] == ' ') {
            /* a space inside an unbreakable run ("word 中"): a piece may
             * end after it, never start with it */
            cw += gw;
            k = g;
            continue;
        }
        if (cw > 0 && cw + gw > cap) {
            /* the spaces before the cut (all of them: "¡  v" cannot break,
             * UAX #14 LB14) are the piece's trailing spaces, not its word */
            size_t e = k;
            int sw = 0, l1;
            while (e > start && sc->f[e - 1] == ' ')
                sw += fchar_width(sc, --e, s.e, &l1);
            if (e < k)
                push_seg(sc, ns, (struct seg){start, e, k, cw - sw, sw, 0}, lim);
            else
                push_seg(sc, ns, (struct seg){start, k, k, cw, 0, 1}, lim);
            start = k;
            cw = 0;
        }
        cw += gw;
        k = g;
    }
    push_seg(sc, ns, (struct seg){start, s.e, s.b, cw, s.sw, s.hy}, lim);
}

static inline bool plain_byte(unsigned char b)
{
    unsigned char l = b | 0x20;
    return (l >= 'a' && l <= 'z') || (b >= '0' && b <= '9');
}

/* segment() for plain words: f[0, m) (m > 0) made of ASCII letters and
 * digits with one space between words, none at either end.  UAX #14 then
 * allows a break after each space and nowhere else (LB7, LB18; letters and
 * digits hold together, LB23 and LB28), every byte is a column, and no
 * byte is a marker (those are punctuation): each word and its space is a
 * segment, found without u8_possible_linebreaks.  Returns their count, or
 * SIZE_MAX when f is not plain words (segment() then starts over). */
static size_t segment_plain(struct layout_scratch *sc, size_t m, int lim)
{
    const char *f = sc->f;
    if (lay_general_only || f[m - 1] == ' ')
        return SIZE_MAX;
    size_t ns = 0;
    for (size_t a = 0; a < m;) {
        size_t e = a;
        while (e < m && plain_byte((unsigned char)f[e]))
            e++;
        if (e == a || (e < m && f[e] != ' '))
            return SIZE_MAX;   /* a space first or after a space, or another byte */
        size_t b = e < m ? e + 1 : m;
        struct seg s = {a, e, b, (int)(e - a), (int)(b - e), 0};
        if (s.ww > lim)
            split_word(sc, &ns, s, lim);
        else
            push_seg(sc, &ns, s, lim);
        a = b;
    }
    return ns;
}

/* Cut the folded text f[0, m) into segments; returns their count.  Words
 * wider than `lim` are split. */
static size_t segment(struct layout_scratch *sc, size_t m, int lim)
{
    size_t ns = 0;
    if (m == 0)
        return 0;
    ns = segment_plain(sc, m, lim);
    if (ns != SIZE_MAX)
        return ns;
    ns = 0;
    u8_possible_linebreaks((const uint8_t *)sc->f, m, "UTF-8", sc->brk);
    struct seg cur = {0, 0, 0, 0, 0, 0};
    for (size_t k = 0; k < m;) {
        if (k > cur.a && (sc->brk[k] == UC_BREAK_POSSIBLE || sc->brk[k] == UC_BREAK_HYPHENATION ||
                          sc->brk[k] == UC_BREAK_MANDATORY)) {
            cur.b = k;
            if (cur.ww > lim)
                split_word(sc, &ns, cur, lim);
            else
                push_seg(sc, &ns, cur, lim);
            cur = (struct seg){k, k, k, 0, 0, 0};
        }
        /* fast path: printable ASCII inside a word (no break before it) */
        size_t k0 = k;
        do {
            if ((unsigned char)(sc->f[k] - 0x21) >= 0x5E || (sc->fcls[k] & MARKUP_HIDDEN))
                break;
            k++;
        } while (k < m && sc->brk[k] == UC_BREAK_PROHIBITED);
        if (k > k0) {
            cur.ww += cur.sw + (int)(k - k0);
            cur.sw = 0;
            cur.hy = 0;
            cur.e = k;
            continue;
        }
        unsigned char b = (unsigned char)sc->f[k];
        if (b == ' ') {
            cur.sw++;
            k++;
            continue;
        }
        int len, w;
        if (b < 0x80 && !(sc->fcls[k] & MARKUP_HIDDEN)) {
            w = b >= 0x20 && b < 0x7F ? 1 : ctrl_cols(b);   /* "^[" */
            len = 1;
            cur.hy = 0;
        } else {
            w = fchar_width(sc, k, m, &len);
            uint32_t c;
            get_char(sc->f, k, m, &c);
            if (c == 0xAD)
                cur.hy = 1;
            else if (w > 0 || !(sc->fcls[k] & MARKUP_HIDDEN))
                cur.hy = 0;
        }
        cur.ww += cur.sw + w;
        cur.sw = 0;
        k += (size_t)len;
        cur.e = k;
    }
    cur.b = m;
    if (cur.ww > lim)
        split_word(sc, &ns, cur, lim);
    else
        push_seg(sc, &ns, cur, lim);
    return ns;
}

/* ---- step 4: choosing breaks --------------------------------------- */

/* Columns of a line made of segments [i, j). */
static inline long long line_cols(const struct layout_scratch *sc, size_t i, size_t j, size_t ns)
{
    const struct seg *last = &sc->seg[j - 1];
    return sc->pre[j - 1] - sc->pre[i] + last->ww + (j < ns ? last->hy : 0);
}

/* Fill sc->from so that the lines are [from[j], j) walking back from ns. */
static void choose_breaks(struct layout_scratch *sc, size_t ns, int w1, int w2,
                          enum layout_wrap wrap, bool last_costs)
{
    XGROW(sc->pre, sc->pcap, ns + 1);
    XGROW(sc->best, sc->becap, ns + 1);
    XGROW(sc->from, sc->frcap, ns + 1);
    long long *pre = sc->pre;
    pre[0] = 0;
    for (size_t s = 0; s < ns; s++)
        pre[s + 1] = pre[s] + sc->seg[s].ww + sc->seg[s].sw;
    if (wrap == WRAP_GREEDY) {
        size_t i = 0;
        while (i < ns) {
            int lim = i == 0 ? w1 : w2;
            size_t j = i + 1;
            while (j < ns && line_cols(sc, i, j + 1, ns) <= lim)
                j++;
            sc->from[j] = i;
            i = j;
        }
        return;
    }
    /* Minimum raggedness: best[j] = least sum of squared slack of the lines
     * that end before segment j.  The paragraph's last line costs nothing,
     * except in centred text (headings), where balanced lines look best. */
    long long *best = sc->best;
    int wmax = w1 > w2 ? w1 : w2;
    size_t lo_i = 0;
    best[0] = 0;
    for (size_t j = 1; j <= ns; j++) {
        const struct seg *last = &sc->seg[j - 1];
        /* a line [i, j) is endw - pre[i] columns wide */
        long long endw = pre[j - 1] + last->ww + (j < ns ? last->hy : 0);
        bool free_last = j == ns && !last_costs;
        /* the line holding only segment j-1 always fits (segments were
         * cut to fit) */
        size_t i = j - 1;
        long long cols = endw - pre[i];
        int lim = i == 0 ? w1 : w2;
        long long slack = cols > lim ? 0 : lim - cols;
        long long bj = best[i] + (free_last ? 0 : slack * slack);
        size_t fj = i;
        if (w1 == w2 && !free_last) {
            /* The common case.  Scan from the longest line that fits
             * (lo_i, which hardly moves back as j grows) toward shorter ones:
             * slack grows, and once slack^2 alone reaches the best cost
             * found, no shorter line can do better. */
            long long lim2 = w2;
            while (endw - pre[lo_i] > lim2)
                lo_i++;
            while (lo_i > 0 && endw - pre[lo_i - 1] <= lim2)
                lo_i--;   /* a soft hyphen's '-' made the last end wider */
            for (size_t t = lo_i; t < j; t++) {
                slack = lim2 - (endw - pre[t]);
                if (slack < 0)
                    slack = 0;   /* only the single-segment line can overflow */
                long long sq = slack * slack;
                if (sq >= bj)
                    break;
                long long cost = best[t] + sq;
                if (cost < bj) {
                    bj = cost;
                    fj = t;
                }
            }
        } else if (w1 == w2) {
            long long lim2 = w2;
            while (i-- > 0) {
                cols = endw - pre[i];
                if (cols > lim2)
                    break;
                if (best[i] < bj) {
                    bj = best[i];
                    fj = i;
                }
            }
        } else {
            while (i-- > 0) {
                cols = endw - pre[i];
                lim = i == 0 ? w1 : w2;
                if (cols > lim) {
                    if (cols > wmax)
                        break;
                    continue;
                }
                slack = lim - cols;
                long long cost = best[i] + (free_last ? 0 : slack * slack);
                if (cost < bj) {
                    bj = cost;
                    fj = i;
                }
            }
        }
        best[j] = bj;
        sc->from[j] = fj;
    }
}

/* ---- emitting lines ------------------------------------------------ */

static struct line *push_line(struct line_vec *out)
{
    XGROW(out->v, out->cap, out->n + 1);
    struct line *ln = &out->v[out->n++];
    memset(ln, 0, sizeof *ln);
    return ln;
}

/* Lay out text[p, q) (a paragraph, or a window of a long one: see
 * layout_para) and append its lines.  The first line starts at
 * `first_off` (so leading whitespace maps to it); `ind1` / `ind2` are the
 * first and other lines' indents (columns); `centre` overrides them with
 * centring.  Returns the number of lines. */
struct para_fmt {
    const struct layout_opts *o;
    uint8_t kind, attr;
    uint32_t block;
    size_t boff, bend;
    int ind1, ind2;
    int quote;          /* columns a quotation's lines are indented by */
    bool centre;
    bool first_of_block;
};

static size_t layout_window(struct layout_scratch *sc, const struct para_fmt *pf,
                            const char *text, size_t first_off, size_t p, size_t q,
                            const uint8_t *cls, size_t cls_off, struct line_vec *out)
{
    int w = pf->o->width;
    int w1 = w - pf->ind1, w2 = w - pf->ind2;
    if (w1 < 1) w1 = 1;
    if (w2 < 1) w2 = 1;
    size_t m = fold(sc, text, p, q, cls, cls_off);
    if (m == 0)
        return 0;
    int lim = w1 < w2 ? w1 : w2;
    size_t ns = segment(sc, m, lim);
    choose_breaks(sc, ns, w1, w2, pf->o->wrap, pf->centre);
    /* Walk back from ns to recover the lines, then emit them in order. */
    size_t nl = 0;
    for (size_t j = ns; j > 0; j = sc->from[j])
        nl++;
    size_t base = out->n;
    XGROW(out->v, out->cap, out->n + nl);
    out->n += nl;
    size_t li = nl;
    for (size_t j = ns; j > 0; j = sc->from[j]) {
        size_t i = sc->from[j];
        struct line *ln = &out->v[base + --li];
        memset(ln, 0, sizeof *ln);
        const struct seg *last = &sc->seg[j - 1];
        ln->off = i == 0 ? first_off : map_src(sc, sc->seg[i].a);
        ln->end = last->e > sc->seg[i].a ? map_src(sc, last->e - 1) + 1 : ln->off;
        if (ln->end < ln->off)
            ln->end = ln->off;
        long long cols = line_cols(sc, i, j, ns);
        ln->hyphen = (uint8_t)(j < ns && last->hy);
        ln->cols = (uint16_t)(cols < 0 ? 0 : cols > UINT16_MAX ? UINT16_MAX : cols);
        if (pf->centre)
            ln->indent = (uint16_t)(ln->cols < w ? (w - ln->cols) / 2 : 0);
        else
            ln->indent = (uint16_t)(i == 0 ? pf->ind1 : pf->ind2);
        ln->kind = pf->kind;
        ln->attr = pf->attr;
        ln->block = pf->block;
        ln->boff = pf->boff;
        ln->bend = pf->bend;
        ln->block_first = (uint8_t)(pf->first_of_block && i == 0);
    }
    return nl;
}

/* Where a window of a long paragraph that starts at p ends: after the last
 * white space byte before p + PARA_WINDOW (looking back at most a quarter
 * of a window), else at a character boundary there. */
static size_t window_end(const char *text, size_t p)
{
    size_t w = p + PARA_WINDOW, lo = w - PARA_WINDOW / 4;
    for (size_t k = w; k > lo; k--)
        if (text[k - 1] == ' ' || text[k - 1] == '\n')
            return k;
    while (w > p + 1 && ((unsigned char)text[w] & 0xC0) == 0x80)
        w--;
    return w;
}

/* Lay out text[p, q) as one paragraph and append its lines.  A paragraph
 * longer than PARA_WINDOW bytes (a file with no line end) is laid out a
 * window at a time, so the scratch buffers (about 17 bytes for each byte of
 * text) stay bounded: each window's last line is dropped and the next
 * window starts at that line, so every line but the paragraph's last was
 * chosen with the text after it in view.  Shorter paragraphs are laid out
 * whole, as before.  Returns the number of lines. */
static size_t layout_para(struct layout_scratch *sc, const struct para_fmt *pf,
                          const char *text, size_t first_off, size_t p, size_t q,
                          const uint8_t *cls, size_t cls_off, struct line_vec *out)
{
    struct para_fmt f = *pf;
    size_t total = 0;
    while (q - p > PARA_WINDOW) {
        size_t w = window_end(text, p);
        size_t n = layout_window(sc, &f, text, first_off, p, w, cls, cls_off, out);
        size_t next = w;
        if (n >= 2 && out->v[out->n - 1].off > p) {
            next = out->v[out->n - 1].off;   /* laid out again, with what follows */
            out->n--;
            n--;
        }
        total += n;
        first_off = p = next;
        if (n) {   /* the lines that follow are a paragraph's later lines */
            f.ind1 = f.ind2;
            f.first_of_block = false;
        }
    }
    return total + layout_window(sc, &f, text, first_off, p, q, cls, cls_off, out);
}

/* Options with the width clamped to what a line can describe. */
struct layout_opts lay_norm_opts(const struct layout_opts *o)
{
    struct layout_opts oo = *o;
    if (oo.width < 1)
        oo.width = 1;
    if (oo.width > MAX_WIDTH)
        oo.width = MAX_WIDTH;
    return oo;
}

/* The scene-break glyph that fits the column: the configured one, or "*". */
const char *lay_glyph_for(const struct layout_opts *o, int *cols)
{
    const char *g = o->break_glyph && *o->break_glyph ? o->break_glyph : DEFAULT_GLYPH;
    int w = layout_width(g, strlen(g));
    if (w > o->width || w == 0) {
        g = "*";
        w = 1;
    }
    *cols = w;
    return g;
}

/* Emphasis classes of text[off, end) in sc->cls (cached per block). */
const uint8_t *lay_block_classes(struct layout_scratch *sc, const char *text,
                                 size_t off, size_t end)
{
    if (!(sc->cls_valid && sc->cls_text == text && sc->cls_off == off && sc->cls_end == end)) {
        size_t n = end - off;
        XGROW(sc->cls, sc->ccap, n + 8);
        markup_scan(text + off, n, sc->cls);
        /* most paragraphs have no emphasis: say so, and skip the classes */
        memset(sc->cls + n, 0, 8);
        uint64_t any = 0;
        for (size_t i = 0; i < n; i += 8) {
            uint64_t w;
            memcpy(&w, sc->cls + i, 8);
            any |= w;
        }
        sc->cls_any = any != 0;
        sc->cls_text = text;
        sc->cls_off = off;
        sc->cls_end = end;
        sc->cls_valid = true;
    }
    return sc->cls_any ? sc->cls : NULL;
}

/* Verse: every source line is a display line (wrapped with a hanging
 * indent when too wide), its leading indentation kept (at most half the
 * column). */
static size_t layout_verse(struct layout_scratch *sc, struct para_fmt *pf, const char *text,
                           const struct block *b, const uint8_t *cls, struct line_vec *out)
{
    int w = pf->o->width;
    size_t total = 0, pos = b->off, ls, le;
    while (decode_next_line(text, b->end, &pos, &ls, &le)) {
        /* leading indentation, in columns */
        int lead = 0;
        size_t t = ls;
        while (t < le && (text[t] == ' ' || text[t] == '\t')) {
            lead = text[t] == '\t' ? (lead / VERSE_TAB + 1) * VERSE_TAB : lead + 1;
            t++;
        }
        lead += pf->quote;
        int ind = lead < w / 2 ? lead : w / 2;
        int hang = ind + 2 < w / 2 ? ind + 2 : w / 2;
        if (hang < ind)
            hang = ind;
        pf->ind1 = ind;
        pf->ind2 = hang;
        size_t n = layout_para(sc, pf, text, ls, t, le, cls, b->off, out);
        if (n)
            pf->first_of_block = false;
        total += n;
    }
    return total;
}

/* A heading keeps its source lines apart ("Chapter 1" over "Prologue"):
 * each non-blank line is centred on its own, and a blank line in the source
 * stays one blank line. */
static size_t layout_heading(struct layout_scratch *sc, struct para_fmt *pf, const char *text,
                             const struct block *b, const uint8_t *cls, struct line_vec *out)
{
    size_t total = 0, pos = b->off, ls, le;
    bool gap = false;
    while (decode_next_line(text, b->end, &pos, &ls, &le)) {
        size_t t = ls;
        while (t < le && (text[t] == ' ' || text[t] == '\t'))
            t++;
        if (t == le) {
            gap = total > 0;
            continue;
        }
        if (gap) {
            struct line *ln = push_line(out);
            ln->off = ln->end = ls;
            ln->kind = LINE_BLANK;
            ln->block = pf->block;
            ln->boff = b->off;
            ln->bend = b->end;
            total++;
            gap = false;
        }
        size_t n = layout_para(sc, pf, text, ls, t, le, cls, b->off, out);
        if (n)
            pf->first_of_block = false;
        total += n;
    }
    return total;
}

/* ---- notes folded --------------------------------------------------- */

bool layout_is_note(const struct block *b)
{
    return (b->flags & (BLOCK_FRONT | BLOCK_BACK)) &&
           (b->kind == BLOCK_PARA || b->kind == BLOCK_VERSE);
}

size_t layout_block_at(const struct block *blocks, size_t n_blocks, size_t off)
{
    size_t lo = 0, hi = n_blocks;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (blocks[mid].off <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

size_t layout_fold_skip(const struct block *blocks, size_t n_blocks, size_t off)
{
    if (n_blocks == 0 || off < blocks[0].off)
        return off;
    size_t lo = layout_block_at(blocks, n_blocks, off);
    if (!layout_is_note(&blocks[lo]))
        return off;
    size_t first = lo, last = lo;
    while (first > 0 && layout_is_note(&blocks[first - 1]))
        first--;
    if (off <= blocks[first].off)
        return off;   /* the run's first byte: its fold line */
    while (last + 1 < n_blocks && layout_is_note(&blocks[last + 1]))
        last++;
    return blocks[last].end > off ? blocks[last].end : off;
}

/* Does text[a, b) begin with word w (ASCII, any case), after emphasis or
 * brackets? */
static bool starts_word(const char *text, size_t a, size_t b, const char *w)
{
    while (a < b && strchr("*_([# ~", text[a]))
        a++;
    size_t n = strlen(w);
    if (b - a < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = text[a + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != w[i])
            return false;
    }
    return true;
}

static unsigned fold_label_of(const char *text, const struct block *b)
{
    if (starts_word(text, b->off, b->end, "disclaimer"))
        return FOLD_DISCLAIMER;
    if (starts_word(text, b->off, b->end, "summary"))
        return FOLD_SUMMARY;
    size_t n = b->end - b->off < 200 ? b->end - b->off : 200;
    for (size_t i = 0; i + 9 <= n; i++)
        if (starts_word(text, b->off + i, b->off + n, "gutenberg") &&
            (i == 0 || text[b->off + i - 1] == ' '))
            return FOLD_LICENCE;
    return FOLD_NOTE;
}

size_t lay_fold_pieces(int width, unsigned label, unsigned n, const char **s, size_t *len,
                       int *cols)
{
    static const char *const names[] = {"author's note", "disclaimer", "summary", "licence"};
    static const char digits[] = "0123456789";
    const char *name = names[label < 4 ? label : 0];
    char num[8];
    int nd = snprintf(num, sizeof num, "%u", n);
    const char *unit = n == 1 ? " paragraph" : " paragraphs";
    size_t full = strlen(name) + 2 + (size_t)nd + strlen(unit);
    size_t mid = strlen(name) + 2 + (size_t)nd;
    size_t k = 0;
    if (full <= (size_t)width || mid <= (size_t)width) {
        s[k] = name;
        len[k++] = strlen(name);
        s[k] = ", ";
        len[k++] = 2;
    }
    bool tiny = mid > (size_t)width && (size_t)nd + 2 > (size_t)width;
    for (int i = 0; i < nd && !tiny; i++) {
        s[k] = digits + (num[i] - '0');
        len[k++] = 1;
    }
    int c = 0;
    if (full <= (size_t)width) {
        s[k] = unit;
        len[k++] = strlen(unit);
    } else if (mid > (size_t)width) {
        s[k] = tiny ? "\xc2\xb6" : " \xc2\xb6";   /* "3 ¶", or "¶" alone */
        len[k++] = tiny ? 2 : 3;
        c = -1;   /* the pilcrow is two bytes, one column */
    }
    for (size_t i = 0; i < k; i++)
        c += (int)len[i];
    *cols = c;
    return k;
}

/* The LINE_FOLD line for the run of notes that block bi begins. */
static void layout_fold(const struct layout_opts *o, const char *text,
                        const struct block *blocks, size_t n_blocks, size_t bi,
                        struct line_vec *out)
{
    size_t last = bi, paras = 0;
    for (size_t i = bi; i < n_blocks && layout_is_note(&blocks[i]); i++) {
        last = i;
        if (!(blocks[i].flags & BLOCK_CONT))
            paras++;
    }
    const char *s[LAY_FOLD_PIECES];
    size_t len[LAY_FOLD_PIECES];
    int cols;
    unsigned label = fold_label_of(text, &blocks[bi]);
    unsigned n = paras > 65535 ? 65535 : (unsigned)paras;
    lay_fold_pieces(o->width, label, n, s, len, &cols);
    struct line *ln = push_line(out);
    ln->off = blocks[bi].off;
    ln->end = blocks[last].end;
    ln->cols = (uint16_t)cols;
    ln->kind = LINE_FOLD;
    ln->attr = LATTR_DIM;
    ln->block = (uint32_t)bi;
    ln->block_first = 1;
    ln->fold_n = (uint16_t)n;
    ln->fold_label = (uint8_t)label;
    ln->boff = blocks[bi].off;
    ln->bend = blocks[last].end;
    if (last + 1 < n_blocks) {
        ln = push_line(out);
        ln->off = ln->end = blocks[last].end;
        ln->kind = LINE_BLANK;
        ln->block = (uint32_t)bi;
        ln->boff = blocks[bi].off;
        ln->bend = blocks[last].end;
    }
}

void layout_block_s(const struct layout_opts *o, const char *text,
                    const struct block *blocks, size_t n_blocks, size_t bi,
                    struct line_vec *out, struct layout_scratch *sc)
{
    if (bi >= n_blocks)
        return;
    struct layout_opts oo = lay_norm_opts(o);
    const struct block *b = &blocks[bi];
    if (oo.fold_notes && layout_is_note(b)) {
        if (bi == 0 || !layout_is_note(&blocks[bi - 1]))
            layout_fold(&oo, text, blocks, n_blocks, bi, out);
        return;
    }
    uint8_t dim = (b->flags & (BLOCK_FRONT | BLOCK_BACK)) ? LATTR_DIM : 0;
    size_t made = 0;
    struct para_fmt pf = {
        .o = &oo, .kind = LINE_TEXT, .attr = dim, .block = (uint32_t)bi,
        .boff = b->off, .bend = b->end, .first_of_block = true,
    };
    if (b->flags & BLOCK_QUOTE)   /* a quotation: every line indented, still reflowed */
        pf.quote = pf.ind1 = pf.ind2 = oo.width >= 4 * QUOTE_INDENT ? QUOTE_INDENT : oo.width / 4;
    if (b->kind == BLOCK_BREAK) {
        int cols;
        lay_glyph_for(&oo, &cols);
        struct line *ln = push_line(out);
        ln->off = b->off;
        ln->end = b->end;
        ln->cols = (uint16_t)cols;
        ln->indent = (uint16_t)((oo.width - cols) / 2);
        ln->kind = LINE_BREAK;
        ln->attr = dim;
        ln->block = (uint32_t)bi;
        ln->boff = b->off;
        ln->bend = b->end;
        ln->block_first = 1;
        made = 1;
    } else if (b->end > b->off) {
        const uint8_t *cls = lay_block_classes(sc, text, b->off, b->end);
        if (b->kind == BLOCK_VERSE) {
            made = layout_verse(sc, &pf, text, b, cls, out);
        } else {
            if (b->kind == BLOCK_HEADING) {
                pf.kind = LINE_HEADING;
                pf.attr |= LATTR_BOLD;
                pf.centre = true;
                made = layout_heading(sc, &pf, text, b, cls, out);
            } else {
                made = layout_para(sc, &pf, text, b->off, b->off, b->end, cls, b->off, out);
            }
        }
    }
    if (made && bi + 1 < n_blocks && !(blocks[bi + 1].flags & BLOCK_CONT)) {
        struct line *ln = push_line(out);
        ln->off = ln->end = b->end;
        ln->kind = LINE_BLANK;
        ln->block = (uint32_t)bi;
        ln->boff = b->off;
        ln->bend = b->end;
    }
}

void layout_block(const struct layout_opts *o, const char *text,
                  const struct block *blocks, size_t n_blocks, size_t bi,
                  struct line_vec *out)
{
    struct layout_scratch *sc = layout_scratch_new();
    layout_block_s(o, text, blocks, n_blocks, bi, out, sc);
    layout_scratch_free(sc);
}

size_t layout_title_before(const struct block *blocks, size_t n_blocks)
{
    for (size_t i = 0; i < n_blocks; i++) {
        if (blocks[i].kind == BLOCK_HEADING && !(blocks[i].flags & BLOCK_FRONT))
            return (size_t)-1;
        if (!(blocks[i].flags & BLOCK_FRONT))
            return i;
    }
    return n_blocks == 0 ? 0 : (size_t)-1;
}

void layout_title(const struct layout_opts *o, const char *title, size_t bi,
                  struct line_vec *out, struct layout_scratch *sc)
{
    if (!title)
        return;
    struct layout_opts oo = lay_norm_opts(o);
    size_t n = strlen(title);
    struct para_fmt pf = {
        .o = &oo, .kind = LINE_TITLE, .attr = LATTR_BOLD, .block = (uint32_t)bi,
        .boff = 0, .bend = n, .centre = true,
    };
    if (layout_para(sc, &pf, title, 0, 0, n, NULL, 0, out) == 0)
        return;
    struct line *ln = push_line(out);
    ln->kind = LINE_BLANK;
    ln->block = (uint32_t)bi;
}

void layout_chapter_s(const struct layout_opts *o, const char *text,
                      const struct block *blocks, size_t n_blocks,
                      const char *title, struct line_vec *out,
                      struct layout_scratch *sc)
{
    size_t t = layout_title_before(blocks, n_blocks);
    size_t start = out->n;
    for (size_t bi = 0; bi < n_blocks; bi++) {
        if (bi == t) {
            /* a blank already ends whatever came before */
            layout_title(o, title, bi, out, sc);
        }
        layout_block_s(o, text, blocks, n_blocks, bi, out, sc);
    }
    if (t == n_blocks)
        layout_title(o, title, t, out, sc);
    while (out->n > start && out->v[out->n - 1].kind == LINE_BLANK)
        out->n--;
}

void layout_chapter(const struct layout_opts *o, const char *text,
                    const struct block *blocks, size_t n_blocks,
                    const char *title, struct line_vec *out)
{
    struct layout_scratch *sc = layout_scratch_new();
    layout_chapter_s(o, text, blocks, n_blocks, title, out, sc);
    layout_scratch_free(sc);
}
