/* layout_runs.c — a laid-out line to the pieces drawn (runs: whitespace
 * folded as layout.c folded it, emphasis markers hidden, attributes), and
 * positions (the line showing a byte).  See layout.h. */
#include "layout_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unigbrk.h>
#include <unilbrk.h>
#include <unistr.h>
#include <uniwidth.h>

#include "util.h"

/* ---- runs ---------------------------------------------------------- */

/* The visible forms of control characters (vis.h's rule, as `less` shows
 * them): C0 by its code, then DEL; C1 from U+0080. */
static const char c0_form[33][3] = {
    "^@", "^A", "^B", "^C", "^D", "^E", "^F", "^G", "^H", "^I", "^J", "^K", "^L", "^M", "^N",
    "^O", "^P", "^Q", "^R", "^S", "^T", "^U", "^V", "^W", "^X", "^Y", "^Z", "^[", "^\\",
    "^]", "^^", "^_", "^?",
};
static const char c1_form[32][9] = {
    "<U+0080>", "<U+0081>", "<U+0082>", "<U+0083>", "<U+0084>", "<U+0085>", "<U+0086>",
    "<U+0087>", "<U+0088>", "<U+0089>", "<U+008A>", "<U+008B>", "<U+008C>", "<U+008D>",
    "<U+008E>", "<U+008F>", "<U+0090>", "<U+0091>", "<U+0092>", "<U+0093>", "<U+0094>",
    "<U+0095>", "<U+0096>", "<U+0097>", "<U+0098>", "<U+0099>", "<U+009A>", "<U+009B>",
    "<U+009C>", "<U+009D>", "<U+009E>", "<U+009F>",
};

const char *lay_ctrl_form(uint32_t c, size_t *n)
{
    if (c >= 0x80 && c < 0xA0) {
        *n = 8;
        return c1_form[c - 0x80];
    }
    *n = 2;
    return c0_form[c < 0x20 ? c : 32];
}

struct runs_out {
    struct run *out;
    size_t max, n;
    struct run cur;
    bool have;
    int cols;
};

static void runs_flush(struct runs_out *r)
{
    if (!r->have)
        return;
    if (r->n < r->max)
        r->out[r->n] = r->cur;
    r->n++;
    r->have = false;
}

/* Add `n` bytes at s (source offset src, or -1) of `cols` columns. */
static void runs_add(struct runs_out *r, const char *s, size_t n, int cols, uint8_t attr,
                     size_t src)
{
    r->cols += cols;
    if (r->have && r->cur.attr == attr && r->cur.s + r->cur.n == s &&
        src != (size_t)-1 && r->cur.src_off != (size_t)-1 && r->cur.src_off + r->cur.n == src) {
        r->cur.n += n;
        r->cur.cols = (uint16_t)(r->cur.cols + cols);
        return;
    }
    runs_flush(r);
    r->cur = (struct run){.s = s, .n = n, .cols = (uint16_t)cols, .attr = attr, .src_off = src};
    r->have = true;
}

/* The run attributes of a byte of class cls (MARKUP_* bits) on a line of
 * attributes lattr: as `if (cls & MARKUP_ITALIC) a |= RUN_ITALIC` for
 * each bit, which the compiler no longer inlined once underline and
 * strike were added; bit moves instead (this runs for every character),
 * checked here. */
_Static_assert(LATTR_DIM == 1 && LATTR_BOLD == 2 && RUN_BOLD == 2 && RUN_DIM == 4,
               "run_attr_of's bit moves");
_Static_assert(MARKUP_ITALIC == 1 && MARKUP_BOLD == 4 && MARKUP_UNDERLINE == 8 &&
               MARKUP_STRIKE == 16 && RUN_ITALIC == 1 && RUN_UNDERLINE == 16 && RUN_STRIKE == 32,
               "run_attr_of's bit moves");
static inline uint8_t run_attr_of(uint8_t lattr, uint8_t cls)
{
    unsigned a = ((lattr & LATTR_DIM) << 2) | (lattr & LATTR_BOLD);
    if (cls)
        a |= (cls & MARKUP_ITALIC) | ((cls & MARKUP_BOLD) >> 1) |
             ((cls & (MARKUP_UNDERLINE | MARKUP_STRIKE)) << 1);
    return (uint8_t)a;
}

/* Walk text[off, end) (inside the block [lo, hi)) as fold() does and add
 * the visible pieces. */
static void runs_walk(struct runs_out *r, const char *text, size_t off, size_t end,
                      size_t lo, size_t hi, const uint8_t *cls, size_t cls_off,
                      uint8_t lattr)
{
    bool nl;
    size_t i = ws_run_end(text, off, end, &nl);
    while (i < end) {
        if (!cls) {
            /* fast path (a block without emphasis): printable ASCII, and
             * single spaces between it, is drawn as it is, in one piece */
            size_t i0 = i;
            while (i < end) {
                unsigned char b = (unsigned char)text[i];
                if ((unsigned char)(b - 0x21) < 0x5E)
                    i++;
                else if (b == ' ' && i + 1 < end && (unsigned char)(text[i + 1] - 0x21) < 0x5E)
                    i += 2;
                else
                    break;
            }
            if (i > i0)
                runs_add(r, text + i0, i - i0, (int)(i - i0), run_attr_of(lattr, 0), i0);
            if (i >= end)
                break;
            if (lone_lf_space(text, lo, end, i)) {   /* drawn as a space, as below */
                runs_add(r, " ", 1, 1, run_attr_of(lattr, 0), i);
                i++;
                continue;
            }
        }
        uint32_t c;
        int l = get_char(text, i, end, &c);
        uint8_t k = cls ? cls[i - cls_off] : 0;
        if (is_ws(c)) {
            size_t j = ws_run_end(text, i, end, &nl);
            if (j >= end)
                break;
            if (!ws_run_vanishes(text, lo, hi, i, j, nl)) {
                uint8_t a = run_attr_of(lattr, (uint8_t)(k & ~MARKUP_HIDDEN));
                if (j == i + 1 && c == ' ')
                    runs_add(r, text + i, 1, 1, a, i);
                else
                    runs_add(r, " ", 1, 1, a, i);
            }
            i = j;
            continue;
        }
        if (is_ctrl(c) || c == 0xAD || (k & MARKUP_HIDDEN)) {
            if (is_ctrl(c) && !(k & MARKUP_HIDDEN)) {
                /* its visible form, a run of its own, in the attributes
                 * of the text around it (one test on the common path) */
                size_t fn;
                const char *form = lay_ctrl_form(c, &fn);
                runs_flush(r);
                runs_add(r, form, fn, ctrl_cols(c), run_attr_of(lattr, k), i);
                runs_flush(r);
            }
            i += (size_t)l;
            continue;
        }
        runs_add(r, text + i, (size_t)l, layout_char_width(c), run_attr_of(lattr, k), i);
        i += (size_t)l;
    }
}

size_t layout_runs_s(const struct layout_opts *o, const char *text, const char *title,
                     const struct line *ln, struct layout_scratch *sc,
                     struct run *out, size_t max)
{
    struct runs_out r = {.out = out, .max = max};
    struct layout_opts oo = lay_norm_opts(o);
    switch (ln->kind) {
    case LINE_BLANK:
        return 0;
    case LINE_FOLD: {
        const char *ps[LAY_FOLD_PIECES];
        size_t pl[LAY_FOLD_PIECES];
        int cols;
        size_t k = lay_fold_pieces(oo.width, ln->fold_label, ln->fold_n, ps, pl, &cols);
        for (size_t i = 0; i < k; i++)
            runs_add(&r, ps[i], pl[i], layout_width(ps[i], pl[i]), run_attr_of(ln->attr, 0),
                     (size_t)-1);
        runs_flush(&r);
        return r.n;
    }
    case LINE_BREAK: {
        int cols;
        const char *g = lay_glyph_for(&oo, &cols);
        runs_add(&r, g, strlen(g), cols, run_attr_of(ln->attr, 0), (size_t)-1);
        runs_flush(&r);
        return r.n;
    }
    default:
        break;
    }
    const char *src = ln->kind == LINE_TITLE ? title : text;
    if (!src)
        return 0;
    const uint8_t *cls = NULL;
    if (ln->kind != LINE_TITLE && ln->bend > ln->boff)
        cls = lay_block_classes(sc, text, ln->boff, ln->bend);
    size_t lo = ln->boff, hi = ln->bend;
    if (hi < ln->end) hi = ln->end;   /* defensive: a line outside its block */
    if (lo > ln->off) lo = ln->off;
    if (cls && (lo != ln->boff || hi != ln->bend))
        cls = NULL;
    runs_walk(&r, src, ln->off, ln->end, lo, hi, cls, ln->boff, ln->attr);
    if (ln->hyphen) {
        runs_flush(&r);
        runs_add(&r, "-", 1, 1, run_attr_of(ln->attr, 0), (size_t)-1);
    }
    runs_flush(&r);
    return r.n;
}

size_t layout_runs(const struct layout_opts *o, const char *text, const char *title,
                   const struct line *ln, struct run *out, size_t max)
{
    struct layout_scratch sc;
    memset(&sc, 0, sizeof sc);
    size_t n = layout_runs_s(o, text, title, ln, &sc, out, max);
    free(sc.cls);
    free(sc.gb);
    return n;
}

/* ---- positions ----------------------------------------------------- */

static bool text_bearing(const struct line *ln)
{
    return ln->kind != LINE_BLANK && ln->kind != LINE_TITLE;
}

size_t layout_line_at(const struct line_vec *lv, size_t off)
{
    /* Binary search over the text-bearing lines, whose offsets never
     * decrease; blank and title lines are stepped over. */
    size_t lo = 0, hi = lv->n, ans = (size_t)-1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2, j = mid;
        while (j > lo && !text_bearing(&lv->v[j]))
            j--;
        if (!text_bearing(&lv->v[j])) {     /* nothing text-bearing in [lo, mid] */
            lo = mid + 1;
            continue;
        }
        if (lv->v[j].off <= off) {
            ans = j;
            lo = mid + 1;
        } else {
            hi = j;
        }
    }
    return ans == (size_t)-1 ? 0 : ans;
}
