/* fuzz_layout.c — any bytes as a story file, laid out at a width from 1 to
 * 300 (taken from the first two bytes), both ways of breaking.  Aborts when
 * an invariant breaks:
 *  - no line wider than the column (indent + columns, and what the runs
 *    draw) but a line of one grapheme cluster wider than its room (drawn
 *    anyway; zero-width clusters glued to it aside; a control's visible
 *    form counts as one cluster), and the runs' width
 *    is the line's width;
 *  - the letters of the text come out complete and in order (every
 *    visible character of the blocks, once, in order; a control
 *    character as its visible form, "^[" or "<U+009B>", vis.h's rule);
 *  - text lines' byte ranges are ordered, and layout_line_at maps each
 *    line's first byte back to it; every run lies inside its line;
 *  - never two blank lines in a row, never a blank at the end.
 * And search: a needle cut from the text is found where it is, both ways;
 * and every ASCII stretch of a slice as markup_scan shows it (its hidden
 * bytes dropped), cut at each marker character it still shows, is found
 * in that slice where it is shown (search skips every marker the layout
 * hides). */
#include <stdlib.h>
#include <string.h>
#include <unigbrk.h>
#include <unistr.h>

#include "decode.h"
#include "fuzz.h"
#include "layout.h"
#include "parse.h"
#include "search.h"
#include "util.h"
#include "vis.h"

#define MAX_RUNS 4096

static bool fold_ws(uint32_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0x2028 || c == 0x2029;
}

static bool ctrl(uint32_t c)
{
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0);
}

/* The characters of text[off, end) a reader sees, appended to *b (a
 * control character in its visible form). */
static void visible(const char *text, size_t off, size_t end, struct buf *b)
{
    uint8_t *cls = xmalloc(end - off + 1);
    markup_scan(text + off, end - off, cls);
    for (size_t i = off; i < end;) {
        ucs4_t c;
        int l = u8_mbtouc(&c, (const uint8_t *)text + i, end - i);
        if (cls[i - off] & MARKUP_HIDDEN)
            ;   /* markup, a converter's marker included */
        else if (!fold_ws(c) && ctrl(c))
            vis_add(b, text + i, (size_t)l);
        else if (!fold_ws(c) && c != 0xAD)
            buf_add(b, text + i, (size_t)l);
        i += (size_t)l;
    }
    free(cls);
}

/* Is run r a control character's visible form (the one run with a source
 * offset that does not point at its bytes but a folded space)? */
static bool ctrl_run(const struct run *r, const char *src)
{
    return r->src_off != (size_t)-1 && r->s != src + r->src_off && r->s[0] != ' ';
}

/* What runs r[0, n) draw (a '-' added at a break left out) is one grapheme
 * cluster of some width, besides clusters of none: a word joiner (U+2060,
 * or U+FEFF inside a text) glues what follows to it, so an emoji wider
 * than the column may come with the zero-width joiner before it. */
static bool one_cluster(const struct run *r, size_t n, const char *src)
{
    struct buf t = {0};
    for (size_t i = 0; i < n; i++)
        if (ctrl_run(&r[i], src))
            buf_addc(&t, 'X');     /* "^[" is drawn whole: one unit */
        else if (r[i].src_off != (size_t)-1 || r[i].s[0] != '-')
            buf_add(&t, r[i].s, r[i].n);
    int wide = 0;
    if (t.len > 0) {
        char *gb = xmalloc(t.len);
        u8_grapheme_breaks((const uint8_t *)t.data, t.len, gb);
        size_t from = 0;
        for (size_t i = 1; i <= t.len; i++)
            if (i == t.len || gb[i]) {
                if (layout_width(t.data + from, i - from) > 0)
                    wide++;
                from = i;
            }
        free(gb);
    }
    buf_free(&t);
    return wide == 1;
}

static void check_chapter(const struct layout_opts *o, const struct source *src,
                          const struct block *bl, size_t nb, const char *title,
                          struct layout_scratch *sc, struct run *r)
{
    struct line_vec lv = {0};
    layout_chapter_s(o, src->text, bl, nb, title, &lv, sc);
    struct buf want = {0}, got = {0};
    buf_adds(&want, "");
    buf_adds(&got, "");
    for (size_t i = 0; i < nb; i++)
        if (bl[i].kind != BLOCK_BREAK)
            visible(src->text, bl[i].off, bl[i].end, &want);
    size_t prev = (size_t)-1;
    for (size_t k = 0; k < lv.n; k++) {
        const struct line *ln = &lv.v[k];
        if (ln->kind == LINE_BLANK) {
            if (k == 0 || lv.v[k - 1].kind == LINE_BLANK || k + 1 == lv.n)
                abort();
            continue;
        }
        size_t n = layout_runs_s(o, src->text, title, ln, sc, r, MAX_RUNS);
        if (n > MAX_RUNS)
            abort();   /* a line has at most a few hundred pieces at 300 columns */
        bool over = ln->indent + ln->cols > o->width;
        if (over && !one_cluster(r, n, ln->kind == LINE_TITLE ? title : src->text))
            abort();
        int cols = 0;
        for (size_t i = 0; i < n; i++) {
            if (r[i].cols != layout_width(r[i].s, r[i].n))
                abort();
            cols += r[i].cols;
            if (ln->kind == LINE_TITLE || ln->kind == LINE_BREAK)
                continue;
            bool in_text = r[i].s >= src->text && r[i].s < src->text + src->len;
            if (r[i].src_off != (size_t)-1 && (r[i].src_off < ln->off || r[i].src_off >= ln->end))
                abort();
            if (in_text || ctrl_run(&r[i], src->text)) {
                for (size_t j = 0; j < r[i].n; j++)
                    if (r[i].s[j] != ' ')
                        buf_addc(&got, r[i].s[j]);
            }
        }
        if (cols != ln->cols || (cols + ln->indent > o->width && !over))
            abort();
        if (ln->kind == LINE_TITLE)
            continue;
        if (ln->end < ln->off)
            abort();
        if (prev != (size_t)-1 && lv.v[prev].end > ln->off)
            abort();
        if (layout_line_at(&lv, ln->off) != k)
            abort();
        prev = k;
    }
    if (strcmp(want.data, got.data) != 0) {
        size_t d = 0;
        while (want.data[d] && want.data[d] == got.data[d]) d++;
        size_t a = d > 60 ? d - 60 : 0;
        fprintf(stderr, "width %d wrap %d at %zu\nWANT[%.*s]\nGOT [%.*s]\n", o->width, (int)o->wrap, d,
                120, want.data + a, 120, got.data + a);
        abort();
    }
    buf_free(&want);
    buf_free(&got);
    line_vec_free(&lv);
}

/* The slice t[a, b) as one paragraph: every stretch markup_scan shows
 * between marker characters (`*`, `_`, a backslash, the converter's
 * markers), ASCII only, is found within the slice at its first shown
 * non-space byte. */
static void check_shown(const char *t, size_t a, size_t b)
{
    size_t n = b - a;
    uint8_t *cls = xmalloc(n + 1);
    char *seg = xmalloc(n + 1);
    markup_scan(t + a, n, cls);
    size_t k = 0, first = 0;
    bool blank = true, ascii = true;
    for (size_t i = 0; i <= n; i++) {
        char c = i < n ? t[a + i] : 0;
        if (i < n && (cls[i] & MARKUP_HIDDEN))
            continue;
        if (i < n && !strchr("*_\\\x0e\x0f\x1c\x1d", c) && c != 0) {
            bool sp = c == ' ' || (c >= '\t' && c <= '\r');
            if (!sp && blank)
                first = a + i;
            blank &= sp;
            ascii &= (unsigned char)c < 0x80;
            seg[k++] = c;
            continue;
        }
        struct search *s = ascii ? search_new(seg, k) : NULL;
        size_t h, he;
        if (s && (!search_find(s, t, a, b, first, false, &h, &he) || h != first))
            abort();
        search_free(s);
        k = 0;
        blank = ascii = true;
    }
    free(seg);
    free(cls);
}

static void check_search(const struct source *src, size_t at, size_t n)
{
    if (src->len == 0)
        return;
    at %= src->len;
    if (n > src->len - at)
        n = src->len - at;
    /* cut at character boundaries */
    while (at > 0 && ((unsigned char)src->text[at] & 0xC0) == 0x80)
        at--;
    size_t e = at + n;
    while (e < src->len && ((unsigned char)src->text[e] & 0xC0) == 0x80)
        e++;
    struct search *s = search_new(src->text + at, e - at);
    if (!s)
        return;
    size_t h, he;
    if (search_find(s, src->text, 0, src->len, 0, false, &h, &he)) {
        if (h >= he || he > src->len)
            abort();
        size_t h2, he2;
        /* searching back from just after that hit finds it again */
        if (!search_find(s, src->text, 0, src->len, h + 1, true, &h2, &he2) || h2 != h || he2 != he)
            abort();
    }
    if (search_find(s, src->text, 0, src->len, src->len, true, &h, &he))
        if (h >= he || he > src->len)
            abort();
    search_free(s);
    check_shown(src->text, at, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    int width = 1 + (int)((data[0] | (unsigned)data[1] << 8) % 300);
    uint8_t pick = data[2];
    data += 3;
    size -= 3;
    enum decode_reject why;
    struct source *src = decode_bytes("fuzz", data, size, &why);
    if (!src)
        return 0;
    struct parse_result pr;
    parse_text(src->text, src->len, &pr);
    struct layout_scratch *sc = layout_scratch_new();
    struct run *r = xmalloc(MAX_RUNS * sizeof *r);
    for (size_t c = 0; c < pr.n_ch; c++) {
        const struct parse_chapter *ch = &pr.ch[c];
        struct block *bl;
        size_t nb = parse_blocks(src->text, ch->start, ch->end, ch->front_end, ch->back, &bl);
        struct layout_opts o = {.width = width, .wrap = WRAP_OPTIMAL,
                                .break_glyph = (pick & 1) ? "\xe2\x81\x82 \xe2\x81\x82" : NULL};
        check_chapter(&o, src, bl, nb, ch->title, sc, r);
        o.wrap = WRAP_GREEDY;
        o.width = 1 + (width * 7 + pick) % 300;
        check_chapter(&o, src, bl, nb, ch->title, sc, r);
        free(bl);
    }
    check_search(src, (size_t)pick * 131, 1 + pick % 24);
    free(r);
    layout_scratch_free(sc);
    parse_result_free(&pr);
    decode_free(src);
    return 0;
}
