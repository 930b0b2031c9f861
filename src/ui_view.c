/* ui_view.c — the reader core: where the reader is in a story and how it
 * moves, with lazy layout.  No curses here (see ui_internal.h).
 *
 * Each chapter is laid out block by block on demand (layout_block), cached
 * for the current width; a resize drops the cache and finds the line that
 * holds the top line's first byte again.  So opening a huge chapter or
 * resizing costs only the blocks near the top of the screen. */
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"
#include "util.h"

static struct ui_chap *chap_get(struct ui_view *v, size_t ci)
{
    struct ui_chap *c = &v->chap[ci];
    if (!c->seg) {
        struct chapter *ch = &v->s->ch[ci];
        c->blocks = chapter_blocks(ch, &c->n_blocks);
        c->ed = chapter_text(ch, &c->text);
        c->nseg = c->n_blocks + 1;
        c->title_before = layout_title_before(c->blocks, c->n_blocks);
        c->seg = xcalloc(c->nseg, sizeof *c->seg);
    }
    return c;
}

static void chap_drop(struct ui_chap *c)
{
    if (!c->seg)
        return;
    for (size_t i = 0; i < c->nseg; i++)
        line_vec_free(&c->seg[i].lv);
    free(c->seg);
    c->seg = NULL;
    c->nseg = 0;
}

static const struct line_vec *seg_get(struct ui_view *v, size_t ci, size_t si)
{
    struct ui_chap *c = chap_get(v, ci);
    struct ui_seg *sg = &c->seg[si];
    if (!sg->done) {
        const char *title = v->s->ch[ci].title;
        if (si == 0) {
            if (c->n_blocks == 0)
                layout_title(&v->lo, title, 0, &sg->lv, v->sc);
        } else {
            if (si - 1 == c->title_before)
                layout_title(&v->lo, title, si - 1, &sg->lv, v->sc);
            layout_block_s(&v->lo, c->text, c->blocks, c->n_blocks,
                           si - 1, &sg->lv, v->sc);
            v->laid_blocks++;
        }
        sg->done = true;
    }
    return &sg->lv;
}

void ui_view_init(struct ui_view *v, struct story *s, const struct layout_opts *lo, int rows)
{
    memset(v, 0, sizeof *v);
    v->s = s;
    v->lo = *lo;
    if (v->lo.width < 1)
        v->lo.width = 1;
    v->rows = rows < 1 ? 1 : rows;
    v->chap = xcalloc(s->n_ch ? s->n_ch : 1, sizeof *v->chap);
    v->sc = layout_scratch_new();
    v->top = ui_view_first(v, 0);
}

void ui_view_free(struct ui_view *v)
{
    if (!v->chap)
        return;
    for (size_t i = 0; i < v->s->n_ch; i++) {
        chap_drop(&v->chap[i]);
        free(v->chap[i].wsuf);
    }
    free(v->chap);
    v->chap = NULL;
    layout_scratch_free(v->sc);
    v->sc = NULL;
}

const struct line *ui_view_line(struct ui_view *v, const struct ui_addr *a)
{
    if (a->ci >= v->s->n_ch)
        return NULL;
    struct ui_chap *c = chap_get(v, a->ci);
    if (a->seg >= c->nseg)
        return NULL;
    const struct line_vec *lv = seg_get(v, a->ci, a->seg);
    return a->idx < lv->n ? &lv->v[a->idx] : NULL;
}

bool ui_view_next(struct ui_view *v, struct ui_addr *a)
{
    if (a->ci >= v->s->n_ch)
        return false;
    struct ui_chap *c = chap_get(v, a->ci);
    if (a->seg < c->nseg && a->idx + 1 < seg_get(v, a->ci, a->seg)->n) {
        a->idx++;
        return true;
    }
    for (size_t si = a->seg + 1; si < c->nseg; si++) {
        if (seg_get(v, a->ci, si)->n > 0) {
            a->seg = si;
            a->idx = 0;
            return true;
        }
    }
    return false;
}

bool ui_view_prev(struct ui_view *v, struct ui_addr *a)
{
    if (a->ci >= v->s->n_ch)
        return false;
    struct ui_chap *c = chap_get(v, a->ci);
    if (a->idx > 0 && a->seg < c->nseg) {
        a->idx--;
        return true;
    }
    for (size_t si = a->seg; si-- > 0;) {
        size_t n = seg_get(v, a->ci, si)->n;
        if (n > 0) {
            a->seg = si;
            a->idx = n - 1;
            return true;
        }
    }
    return false;
}

struct ui_addr ui_view_first(struct ui_view *v, size_t ci)
{
    struct ui_addr a = {ci, 0, 0};
    if (ci >= v->s->n_ch)
        return a;
    if (seg_get(v, ci, 0)->n == 0)
        ui_view_next(v, &a);   /* stays put when the chapter has no lines */
    return a;
}

struct ui_addr ui_view_last(struct ui_view *v, size_t ci)
{
    struct ui_addr a = {ci, 0, 0};
    if (ci >= v->s->n_ch)
        return a;
    struct ui_chap *c = chap_get(v, ci);
    for (size_t si = c->nseg; si-- > 0;) {
        size_t n = seg_get(v, ci, si)->n;
        if (n > 0) {
            a.seg = si;
            a.idx = n - 1;
            return a;
        }
    }
    return a;
}

struct ui_addr ui_view_addr_of(struct ui_view *v, size_t ci, size_t off)
{
    if (ci >= v->s->n_ch)
        ci = v->s->n_ch ? v->s->n_ch - 1 : 0;
    struct ui_chap *c = chap_get(v, ci);
    if (v->lo.fold_notes)   /* inside a folded note: the story text after it */
        off = layout_fold_skip(c->blocks, c->n_blocks, off);
    if (c->n_blocks == 0 || off <= c->ed->start || off < c->blocks[0].off)
        return ui_view_first(v, ci);
    size_t lo = layout_block_at(c->blocks, c->n_blocks, off);
    const struct block *b = &c->blocks[lo];
    if (off >= b->end && off != b->off && lo + 1 < c->n_blocks) {
        /* between blocks: the next block's first line (its title, if any) */
        struct ui_addr a = {ci, lo + 2, 0};
        if (seg_get(v, ci, a.seg)->n == 0 && !ui_view_next(v, &a))
            ui_view_prev(v, &a);
        return a;
    }
    struct ui_addr a = {ci, lo + 1, 0};
    const struct line_vec *lv = seg_get(v, ci, a.seg);
    if (lv->n == 0) {
        if (!ui_view_prev(v, &a))
            return ui_view_first(v, ci);
        return a;
    }
    a.idx = layout_line_at(lv, off);
    if (a.idx >= lv->n)
        a.idx = lv->n - 1;
    return a;
}

static bool has_text(const struct line *ln)
{
    return ln->kind != LINE_BLANK && ln->kind != LINE_TITLE;
}

/* The offset a title line stands for: a byte just before the block it
 * heads (in the gap after the block before it), which ui_view_addr_of
 * takes back to the title line itself. */
static size_t title_off(struct ui_chap *c)
{
    size_t tb = c->title_before;
    if (c->n_blocks == 0 || tb >= c->n_blocks)
        return c->ed->start;
    size_t off = c->blocks[tb].off;
    if (off <= c->ed->start)
        return c->ed->start;
    if (tb == 0 || off - 1 >= c->blocks[tb - 1].end)
        return off - 1;
    return off;
}

/* The offset of the first line from b (b not included), walking forward
 * or back, that has text or is a title: true with *off, false when none. */
static bool text_from(struct ui_view *v, struct ui_chap *c, struct ui_addr b, bool back,
                      size_t *off)
{
    while (back ? ui_view_prev(v, &b) : ui_view_next(v, &b)) {
        const struct line *ln = ui_view_line(v, &b);
        if (ln->kind == LINE_TITLE || has_text(ln)) {
            *off = ln->kind == LINE_TITLE ? title_off(c) : ln->off;
            return true;
        }
    }
    return false;
}

size_t ui_view_off_of(struct ui_view *v, const struct ui_addr *a)
{
    if (a->ci >= v->s->n_ch)
        return 0;
    struct ui_chap *c = chap_get(v, a->ci);
    const struct line *ln = ui_view_line(v, a);
    if (!ln)
        return c->ed->start;
    if (ln->kind == LINE_TITLE)
        return title_off(c);
    if (has_text(ln))
        return ln->off;
    /* A blank line: it stands for the line with text after it (at the
     * end, the one before it). */
    size_t off;
    if (text_from(v, c, *a, false, &off) || text_from(v, c, *a, true, &off))
        return off;
    return c->ed->start;
}

static bool addr_eq(const struct ui_addr *a, const struct ui_addr *b)
{
    return a->ci == b->ci && a->seg == b->seg && a->idx == b->idx;
}

size_t ui_view_off(struct ui_view *v)
{
    if (v->anchored && addr_eq(&v->anchor_top, &v->top))
        return v->anchor_off;
    return ui_view_off_of(v, &v->top);
}

void ui_view_goto(struct ui_view *v, size_t ci, size_t off)
{
    v->top = ui_view_addr_of(v, ci, off);
    v->anchored = true;
    v->anchor_top = v->top;
    v->anchor_off = off;
}

static bool story_block(const struct block *b)
{
    return !(b->flags & (BLOCK_FRONT | BLOCK_BACK)) && b->kind != BLOCK_BREAK;
}

size_t ui_view_words_left(struct ui_view *v, size_t ci, size_t off)
{
    if (ci >= v->s->n_ch)
        return 0;
    struct ui_chap *c = chap_get(v, ci);
    if (!c->wsuf) {   /* kept across chap_drop: the blocks are the chapter's own */
        c->wsuf = xreallocarray(NULL, c->n_blocks + 1, sizeof *c->wsuf);
        c->wsuf[c->n_blocks] = 0;
        for (size_t b = c->n_blocks; b-- > 0;) {
            const struct block *k = &c->blocks[b];
            c->wsuf[b] = c->wsuf[b + 1] +
                         (story_block(k) ? parse_count_words(c->text, k->off, k->end) : 0);
        }
    }
    if (c->n_blocks == 0 || off <= c->blocks[0].off)
        return c->wsuf[0];
    size_t lo = layout_block_at(c->blocks, c->n_blocks, off);
    const struct block *k = &c->blocks[lo];
    size_t in = story_block(k) && off < k->end ? parse_count_words(c->text, off, k->end) : 0;
    return c->wsuf[lo + 1] + in;
}

size_t ui_view_story_words_left(struct ui_view *v, size_t ci, size_t off)
{
    size_t n = ui_view_words_left(v, ci, off);
    for (size_t c = ci + 1; c < v->s->n_ch; c++)
        n += ui_view_words_left(v, c, 0);
    return n;
}

size_t ui_view_words_read(struct ui_view *v, size_t ci0, size_t off0, size_t ci1, size_t off1)
{
    if (ci0 >= v->s->n_ch || ci1 >= v->s->n_ch)
        return 0;
    if (ci1 == ci0) {
        if (off1 <= off0)
            return 0;
        size_t a = ui_view_words_left(v, ci0, off0), b = ui_view_words_left(v, ci0, off1);
        return a > b ? a - b : 0;
    }
    if (ci1 != ci0 + 1)
        return 0;
    size_t a = ui_view_words_left(v, ci0, off0);
    size_t whole = ui_view_words_left(v, ci1, 0), rest = ui_view_words_left(v, ci1, off1);
    return a + (whole > rest ? whole - rest : 0);
}

/* The line showing the story's last byte of text (story_text_range of the
 * last chapter: before any back matter such as a licence). */
static struct ui_addr last_text_line(struct ui_view *v)
{
    size_t last = v->s->n_ch - 1, lo, hi;
    story_text_range(v->s, last, &lo, &hi);
    return ui_view_addr_of(v, last, hi > lo ? hi - 1 : lo);
}

double ui_view_percent(struct ui_view *v)
{
    double p = story_percent(v->s, v->top.ci, ui_view_off(v));
    if (v->s->partial || v->s->n_ch == 0 || v->top.ci + 1 != v->s->n_ch || p >= 100)
        return p;
    /* 100% once the story's last line of text is on the screen. */
    struct ui_addr l = last_text_line(v);
    size_t want = ui_view_off_of(v, &l);
    struct ui_addr a = v->top;
    if (ui_view_off_of(v, &a) > want)
        return 100;   /* past it (in back matter) */
    for (int i = 0; i < v->rows; i++) {
        if (addr_eq(&a, &l))
            return 100;
        if (!ui_view_next(v, &a))
            return 100;   /* the chapter ends on this screen */
    }
    return p;
}

void ui_view_percent_pos(struct ui_view *v, double pct, size_t *ci, size_t *off)
{
    story_percent_pos(v->s, pct, ci, off);
    if (pct < 100 || v->s->partial || v->s->n_ch == 0)
        return;
    /* 100%: a full last screen, its last line the story's last line of
     * text (as G shows the last chapter's end). */
    struct ui_addr a = last_text_line(v);
    for (int i = 1; i < v->rows; i++)
        if (!ui_view_prev(v, &a))
            break;
    *ci = a.ci;
    *off = ui_view_off_of(v, &a);
}

void ui_view_resize(struct ui_view *v, int width, int rows)
{
    if (width < 1)
        width = 1;
    v->rows = rows < 1 ? 1 : rows;
    if (width == v->lo.width)
        return;
    size_t ci = v->top.ci, off = ui_view_off(v);
    for (size_t i = 0; i < v->s->n_ch; i++)
        chap_drop(&v->chap[i]);
    v->lo.width = width;
    ui_view_goto(v, ci, off);
}

void ui_view_set_fold(struct ui_view *v, bool fold)
{
    if (v->lo.fold_notes == fold)
        return;
    size_t ci = v->top.ci, off = ui_view_off(v);
    for (size_t i = 0; i < v->s->n_ch; i++)
        chap_drop(&v->chap[i]);
    v->lo.fold_notes = fold;
    ui_view_goto(v, ci, off);
}

bool ui_view_at_end(struct ui_view *v)
{
    struct ui_addr a = v->top;
    for (int i = 0; i < v->rows; i++)
        if (!ui_view_next(v, &a))
            return true;
    return false;
}

/* The top line of chapter ci's last page: its last line at the bottom. */
static struct ui_addr last_page(struct ui_view *v, size_t ci)
{
    struct ui_addr a = ui_view_last(v, ci);
    for (int i = 1; i < v->rows; i++)
        if (!ui_view_prev(v, &a))
            break;
    return a;
}

bool ui_view_line_down(struct ui_view *v)
{
    if (!ui_view_at_end(v))
        return ui_view_next(v, &v->top);
    if (v->top.ci + 1 < v->s->n_ch) {
        v->top = ui_view_first(v, v->top.ci + 1);
        return true;
    }
    return false;
}

bool ui_view_line_up(struct ui_view *v)
{
    if (ui_view_prev(v, &v->top))
        return true;
    if (v->top.ci > 0) {
        v->top = last_page(v, v->top.ci - 1);
        return true;
    }
    return false;
}

bool ui_view_page_down(struct ui_view *v)
{
    if (ui_view_at_end(v)) {
        if (v->top.ci + 1 < v->s->n_ch) {
            v->top = ui_view_first(v, v->top.ci + 1);
            return true;
        }
        return false;
    }
    for (int i = 0; i < v->rows; i++)
        ui_view_next(v, &v->top);
    return true;
}

bool ui_view_page_up(struct ui_view *v)
{
    struct ui_addr a = v->top;
    if (!ui_view_prev(v, &a)) {
        if (v->top.ci > 0) {
            v->top = last_page(v, v->top.ci - 1);
            return true;
        }
        return false;
    }
    for (int i = 1; i < v->rows; i++)
        if (!ui_view_prev(v, &a))
            break;
    v->top = a;
    return true;
}

bool ui_view_chapter(struct ui_view *v, size_t ci)
{
    if (ci >= v->s->n_ch)
        return false;
    v->top = ui_view_first(v, ci);
    return true;
}

bool ui_view_chapter_entry(struct ui_view *v, size_t ci)
{
    if (ci >= v->s->n_ch)
        return false;
    const char *text;
    const struct edition *ed = chapter_text(&v->s->ch[ci], &text);
    if (ci == 0 && ed->front_end > ed->start && ed->front_end < ed->end)
        ui_view_goto(v, ci, ed->front_end);
    else
        v->top = ui_view_first(v, ci);
    return true;
}

void ui_view_chapter_end(struct ui_view *v)
{
    v->top = last_page(v, v->top.ci);
}

/* Is byte off of chapter ci inside a note folded out of sight?  (A search
 * passes over those hits: the screen could not show them.) */
static bool folded_at(struct ui_view *v, size_t ci, size_t off)
{
    if (!v->lo.fold_notes)
        return false;
    size_t nb;
    const struct block *b = chapter_blocks(&v->s->ch[ci], &nb);
    if (nb == 0 || off < b[0].off)
        return false;
    size_t lo = layout_block_at(b, nb, off);
    return layout_is_note(&b[lo]) && off < b[lo].end;
}

/* search_find, passing over hits in folded notes. */
static bool find_shown(struct ui_view *v, size_t ci, const struct search *srch,
                       const char *text, size_t lo, size_t hi, size_t from, bool backward,
                       size_t *hoff, size_t *hend)
{
    while (search_find(srch, text, lo, hi, from, backward, hoff, hend)) {
        if (!folded_at(v, ci, *hoff))
            return true;
        if (backward)
            from = *hoff;
        else
            from = *hoff + 1;
    }
    return false;
}

bool ui_view_search(struct ui_view *v, const struct search *srch, size_t ci, size_t from,
                    bool backward, size_t *hci, size_t *hoff, size_t *hend, bool *wrapped)
{
    size_t n = v->s->n_ch;
    *wrapped = false;
    if (!srch || n == 0 || ci >= n)
        return false;
    for (size_t k = 0; k <= n && !search_stopped(srch); k++) {
        size_t c = backward ? (ci + n - k % n) % n : (ci + k) % n;
        const char *text;
        const struct edition *ed = chapter_text(&v->s->ch[c], &text);
        size_t lo = ed->start, hi = ed->end, f;
        if (k == 0)
            f = from < lo ? lo : from > hi ? hi : from;
        else
            f = backward ? hi : lo;
        if (find_shown(v, c, srch, text, lo, hi, f, backward, hoff, hend)) {
            *hci = c;
            *wrapped = k == n || (backward ? c > ci : c < ci);
            return true;
        }
    }
    return false;
}

/* ui_view_all_hits' gathering, hit by hit (search_each). */
struct hit_acc {
    struct ui_view *v;
    size_t ci, max, n, cap;
    struct ui_hit *hits;
    bool more;
};

static bool hit_take(void *ctx, size_t a, size_t b)
{
    (void)b;
    struct hit_acc *h = ctx;
    if (folded_at(h->v, h->ci, a))
        return true;   /* in a folded note: not shown, not counted */
    if (h->n == h->max) {
        h->more = true;
        return false;
    }
    if (h->n == h->cap) {
        void *p = h->hits;
        xgrow(&p, &h->cap, h->n + 1, sizeof *h->hits);
        h->hits = p;
    }
    h->hits[h->n].ci = h->ci;
    h->hits[h->n].off = a;
    h->n++;
    return true;
}

size_t ui_view_all_hits(struct ui_view *v, const struct search *srch, size_t max,
                        struct ui_hit **hits, bool *more)
{
    struct hit_acc h = {.v = v, .max = max};
    for (size_t c = 0; srch && c < v->s->n_ch && !h.more && !search_stopped(srch); c++) {
        const char *text;
        const struct edition *ed = chapter_text(&v->s->ch[c], &text);
        h.ci = c;
        search_each(srch, text, ed->start, ed->end, hit_take, &h);   /* one pass */
    }
    *hits = h.hits;
    *more = h.more;
    return h.n;
}

void ui_view_trim(struct ui_view *v)
{
    size_t ci = v->top.ci;
    size_t lo = ci > 0 ? ci - 1 : 0, hi = ci + 1;
    for (size_t i = 0; i < v->s->n_ch; i++)
        if (i < lo || i > hi)
            chap_drop(&v->chap[i]);
    story_drop_blocks(v->s, lo, hi);
}
