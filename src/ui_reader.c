/* ui_reader.c — the reading screen: draws the lines of the reader core
 * (ui_view.c) in a centred column with a status line, and turns keys from
 * the key table into moves, searches, bookmarks and menus.
 *
 * The position saved is (chapter, byte offset of the top line's first
 * character): on leaving the story, on quitting, on SIGTERM/SIGHUP/SIGINT
 * (through ui_run) and at most every UI_SAVE_EVERY seconds after a move. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui_screen.h"

#define MAX_HITS 128

int ui_reader_rows(void)
{
    return LINES >= 2 ? LINES - 1 : 1;
}

int ui_reader_width(const struct ui *ui)
{
    int w = ui->cfg && ui->cfg->width > 0 ? ui->cfg->width : 72;
    if (COLS < w)
        w = COLS;
    return w < 1 ? 1 : w;
}

/* ---- positions and saving ----------------------------------------------- */

void ui_reader_save(struct ui *ui)
{
    struct ui_reader *rd = &ui->rd;
    if (!rd->open || !ui->bm)
        return;
    struct bm_pos pos;
    memset(&pos, 0, sizeof pos);
    bookmarks_make_pos(rd->s, rd->v.top.ci, ui_view_off(&rd->v), &pos);
    bookmarks_set_last(ui->bm, rd->s->id, rd->s->title, &pos);
    ui_bm_save(ui);
    rd->unsaved = false;
    rd->saved_at = time(NULL);
}

void ui_reader_tick(struct ui *ui)
{
    struct ui_reader *rd = &ui->rd;
    if (rd->open && rd->unsaved && time(NULL) - rd->saved_at >= UI_SAVE_EVERY)
        ui_reader_save(ui);
}

bool ui_reader_open(struct ui *ui, struct story *s, bool at_saved)
{
    if (s->n_ch == 0) {
        ui_msg(ui, "%s: no chapters to read", s->title);
        return false;
    }
    ui_reader_close(ui);
    struct ui_reader *rd = &ui->rd;
    struct layout_opts lo = {
        .width = ui_reader_width(ui),
        .wrap = ui->cfg ? ui->cfg->wrap : WRAP_OPTIMAL,
        .break_glyph = ui->cfg ? ui->cfg->break_glyph : NULL,
    };
    ui_view_init(&rd->v, s, &lo, ui_reader_rows());
    struct bm_pos pos;
    size_t ci, off;
    if (at_saved && ui->bm && bookmarks_get_last(ui->bm, s->id, &pos) &&
        bookmarks_resolve(s, &pos, &ci, &off))
        ui_view_goto(&rd->v, ci, off);
    rd->open = true;
    rd->s = s;
    rd->saved_at = time(NULL);
    ui->in_reader = true;
    return true;
}

void ui_reader_close(struct ui *ui)
{
    struct ui_reader *rd = &ui->rd;
    if (!rd->open)
        return;
    ui_reader_save(ui);
    search_free(rd->srch);
    free(rd->needle);
    ui_view_free(&rd->v);
    memset(rd, 0, sizeof *rd);
    ui->in_reader = false;
}

static void remember_place(struct ui_reader *rd)
{
    rd->have_prev = true;
    rd->prev_ci = rd->v.top.ci;
    rd->prev_off = ui_view_off(&rd->v);
}

static void jump_to(struct ui_reader *rd, size_t ci, size_t off)
{
    remember_place(rd);
    ui_view_goto(&rd->v, ci, off);
}

/* Source range [lo, hi) of chapter *ci shown on the screen now. */
static void visible_range(struct ui_reader *rd, size_t *ci, size_t *lo, size_t *hi)
{
    struct ui_view *v = &rd->v;
    struct ui_addr a = v->top;
    *ci = a.ci;
    *lo = ui_view_off_of(v, &a);
    *hi = *lo;
    for (int r = 0; r < v->rows; r++) {
        const struct line *ln = ui_view_line(v, &a);
        if (ln && ln->kind != LINE_BLANK && ln->kind != LINE_TITLE && ln->end > *hi)
            *hi = ln->end;
        if (!ui_view_next(v, &a))
            break;
    }
}

/* ---- drawing -------------------------------------------------------------- */

struct hits {
    size_t lo[MAX_HITS], hi[MAX_HITS];
    size_t n;
    size_t cur;   /* index of the current hit, or MAX_HITS */
};

static void find_hits(struct ui_reader *rd, struct hits *h)
{
    h->n = 0;
    h->cur = MAX_HITS;
    if (!rd->srch)
        return;
    size_t ci, lo, hi;
    visible_range(rd, &ci, &lo, &hi);
    const char *text;
    const struct edition *ed = chapter_text(&rd->s->ch[ci], &text);
    size_t from = lo, a, b;
    if (hi > ed->end)
        hi = ed->end;
    while (h->n < MAX_HITS && from < hi &&
           search_find(rd->srch, text, ed->start, hi, from, false, &a, &b)) {
        if (a >= hi)
            break;
        if (rd->have_hit && rd->hit_ci == ci && rd->hit_off == a)
            h->cur = h->n;
        h->lo[h->n] = a;
        h->hi[h->n] = b > a ? b : a + 1;
        h->n++;
        from = a + 1;
    }
}

static attr_t run_attr(const struct ui *ui, unsigned ra)
{
    attr_t a = A_NORMAL;
    if (ra & RUN_ITALIC)
        a |= ui->a_italic;
    if (ra & RUN_BOLD)
        a |= ui->a_bold;
    if (ra & RUN_DIM)
        a |= ui->a_dim;
    if (ra & RUN_MATCH)
        a |= ui->a_match;
    return a;
}

/* Draw one run, highlighting the parts inside search hits. */
static int draw_run(struct ui *ui, int y, int x, int xmax, const struct run *r, const char *text,
                    attr_t base, const struct hits *h)
{
    bool literal = r->src_off != (size_t)-1 && r->s == text + r->src_off;
    if (h->n == 0 || r->src_off == (size_t)-1)
        return ui_put(y, x, xmax, r->s, r->n, base);
    if (!literal) {
        attr_t a = base;
        for (size_t k = 0; k < h->n; k++)
            if (r->src_off >= h->lo[k] && r->src_off < h->hi[k])
                a |= k == h->cur ? ui->a_cur : ui->a_match;
        return ui_put(y, x, xmax, r->s, r->n, a);
    }
    size_t pos = 0;
    while (pos < r->n) {
        size_t here = r->src_off + pos, stop = r->n;
        attr_t a = base;
        for (size_t k = 0; k < h->n; k++) {
            if (here >= h->lo[k] && here < h->hi[k]) {
                a |= k == h->cur ? ui->a_cur : ui->a_match;
                if (h->hi[k] - r->src_off < stop)
                    stop = h->hi[k] - r->src_off;
            } else if (h->lo[k] > here && h->lo[k] - r->src_off < stop) {
                stop = h->lo[k] - r->src_off;
            }
        }
        x = ui_put(y, x, xmax, r->s + pos, stop - pos, a);
        pos = stop;
    }
    return x;
}

static void draw_line(struct ui *ui, int y, int x0, int xmax, const struct line *ln, size_t ci,
                      const struct hits *h)
{
    static struct run *runs;
    static size_t cap;
    struct ui_reader *rd = &ui->rd;
    const char *text;
    chapter_text(&rd->s->ch[ci], &text);
    const char *title = rd->s->ch[ci].title;
    if (!runs) {
        cap = 64;
        runs = xmalloc(cap * sizeof *runs);
    }
    size_t n = layout_runs_s(&rd->v.lo, text, title, ln, rd->v.sc, runs, cap);
    if (n > cap) {
        cap = n;
        runs = xrealloc(runs, cap * sizeof *runs);
        n = layout_runs_s(&rd->v.lo, text, title, ln, rd->v.sc, runs, cap);
    }
    attr_t base = A_NORMAL;
    if (ln->attr & LATTR_DIM)
        base |= ui->a_dim;
    if (ln->attr & LATTR_BOLD || ln->kind == LINE_HEADING || ln->kind == LINE_TITLE)
        base |= ui->a_bold;
    int x = x0 + ln->indent;
    for (size_t i = 0; i < n && x < xmax; i++)
        x = draw_run(ui, y, x, xmax, &runs[i], text, base | run_attr(ui, runs[i].attr), h);
}

static void status_line(struct ui *ui)
{
    struct ui_reader *rd = &ui->rd;
    struct story *s = rd->s;
    size_t ci = rd->v.top.ci;
    char left[512], right[64];
    if (ui->msg[0])
        snprintf(left, sizeof left, "%s", ui->msg);
    else if (rd->pending)
        snprintf(left, sizeof left, "%c: now a letter (a-z, A-Z)%s", rd->pending,
                 rd->pending == '\'' ? " or ' to go back" : "");
    else if (rd->have_count)
        snprintf(left, sizeof left, "%lu (then %% for a percent, or a move)", rd->count);
    else if (s->partial)   /* the count is not known yet */
        snprintf(left, sizeof left, "%s \xc2\xb7 %zu/\xe2\x80\xa6 %s", s->title, ci + 1,
                 s->ch[ci].title);
    else
        snprintf(left, sizeof left, "%s \xc2\xb7 %zu/%zu %s", s->title, ci + 1, s->n_ch,
                 s->ch[ci].title);
    snprintf(right, sizeof right, "%.0f%%", ui_view_percent(&rd->v));
    ui_bottom(ui, LINES - 1, left, right);
}

void ui_reader_draw(struct ui *ui)
{
    struct ui_reader *rd = &ui->rd;
    struct ui_view *v = &rd->v;
    int width = ui_reader_width(ui);
    ui_view_resize(v, width, ui_reader_rows());
    int x0 = (COLS - width) / 2;
    if (x0 < 0)
        x0 = 0;
    int xmax = x0 + width < COLS ? x0 + width : COLS;
    struct hits h;
    find_hits(rd, &h);
    struct ui_addr a = v->top;
    for (int y = 0; y < v->rows; y++) {
        const struct line *ln = ui_view_line(v, &a);
        if (!ln)
            break;
        draw_line(ui, y, x0, xmax, ln, a.ci, &h);
        if (!ui_view_next(v, &a))
            break;
    }
    if (LINES >= 2)
        status_line(ui);
}

/* ---- search ----------------------------------------------------------------- */

static void search_step(struct ui *ui, bool reverse)
{
    struct ui_reader *rd = &ui->rd;
    if (!rd->srch) {
        ui_msg(ui, "no search yet: / or ? starts one");
        return;
    }
    bool backward = rd->srch_back != reverse;
    size_t vci, vlo, vhi, ci, from;
    visible_range(rd, &vci, &vlo, &vhi);
    if (rd->have_hit && rd->hit_ci == vci && rd->hit_off >= vlo && rd->hit_off < vhi) {
        ci = rd->hit_ci;       /* on from the hit on screen */
        from = backward ? rd->hit_off : rd->hit_off + 1;
    } else {
        ci = vci;              /* from the top of the screen */
        from = vlo;
    }
    size_t hci, hoff, hend;
    bool wrapped;
    if (!ui_view_search(&rd->v, rd->srch, ci, from, backward, &hci, &hoff, &hend, &wrapped)) {
        rd->have_hit = false;
        ui_msg(ui, "not found: %s", rd->needle);
        return;
    }
    rd->have_hit = true;
    rd->hit_ci = hci;
    rd->hit_off = hoff;
    rd->hit_end = hend;
    if (!(hci == vci && hoff >= vlo && hoff < vhi))
        jump_to(rd, hci, hoff);
    if (wrapped)
        ui_msg(ui, "search wrapped around the story: %s", rd->needle);
}

void ui_reader_prompt_done(struct ui *ui, bool run)
{
    struct ui_reader *rd = &ui->rd;
    if (!run)
        return;
    ui_take_whole(ui);   /* a search goes through the whole story */
    const char *t = ui->prompt.text.data ? ui->prompt.text.data : "";
    bool back = ui->prompt.kind == PROMPT_SEARCH_BACK;
    if (!*t) {                 /* empty: the last search again, this way */
        if (!rd->needle)
            return;
        rd->srch_back = back;
        search_step(ui, false);
        return;
    }
    struct search *s = search_new(t, strlen(t));
    if (!s) {
        ui_msg(ui, "nothing to search for in \"%s\"", t);
        return;
    }
    search_free(rd->srch);
    free(rd->needle);
    rd->srch = s;
    rd->needle = xstrdup(t);
    rd->srch_back = back;
    rd->have_hit = false;
    search_step(ui, false);
}

/* ---- menus ------------------------------------------------------------------- */

static void open_contents(struct ui *ui)
{
    struct story *s = ui->rd.s;
    char **items = xcalloc(s->n_ch, sizeof *items);
    for (size_t i = 0; i < s->n_ch; i++)
        items[i] = xasprintf("%3zu. %s", i + 1, s->ch[i].title);
    ui_menu_open(ui, MENU_CONTENTS, xasprintf("Contents \xc2\xb7 %s", s->title), items, s->n_ch,
                 ui->rd.v.top.ci);
}

static void open_marks(struct ui *ui)
{
    struct ui_reader *rd = &ui->rd;
    char letters[64] = "";
    if (ui->bm)
        bookmarks_marks(ui->bm, rd->s->id, letters);
    size_t n = strlen(letters);
    if (n == 0) {
        ui_msg(ui, "no bookmarks in this story yet: m + letter sets one");
        return;
    }
    char **items = xcalloc(n, sizeof *items);
    for (size_t i = 0; i < n; i++) {
        struct bm_pos pos;
        size_t ci = 0, off = 0;
        if (bookmarks_get_mark(ui->bm, rd->s->id, letters[i], &pos) &&
            bookmarks_resolve(rd->s, &pos, &ci, &off))
            items[i] = xasprintf("%c  %3.0f%%  %zu/%zu %s", letters[i],
                                 story_percent(rd->s, ci, off), ci + 1, rd->s->n_ch,
                                 rd->s->ch[ci].title);
        else
            items[i] = xasprintf("%c  (cannot be found)", letters[i]);
    }
    ui_menu_open(ui, MENU_MARKS, xasprintf("Bookmarks \xc2\xb7 %s", rd->s->title), items, n, 0);
    ui->menu.letters = xstrdup(letters);
}

static void goto_mark(struct ui *ui, char letter)
{
    struct ui_reader *rd = &ui->rd;
    struct bm_pos pos;
    size_t ci, off;
    if (letter == '\'') {
        if (!rd->have_prev) {
            ui_msg(ui, "no earlier place to go back to");
            return;
        }
        size_t pci = rd->prev_ci, poff = rd->prev_off;
        jump_to(rd, pci, poff);
        return;
    }
    if (!ui->bm || !bookmarks_get_mark(ui->bm, rd->s->id, letter, &pos)) {
        ui_msg(ui, "no bookmark '%c' in this story", letter);
        return;
    }
    if (!bookmarks_resolve(rd->s, &pos, &ci, &off)) {
        ui_msg(ui, "bookmark '%c' cannot be found", letter);
        return;
    }
    jump_to(rd, ci, off);
    ui_msg(ui, "bookmark '%c'", letter);
}

static void set_mark(struct ui *ui, char letter)
{
    struct ui_reader *rd = &ui->rd;
    if (!ui->bm)
        return;
    struct bm_pos pos;
    memset(&pos, 0, sizeof pos);
    bookmarks_make_pos(rd->s, rd->v.top.ci, ui_view_off(&rd->v), &pos);
    bookmarks_set_mark(ui->bm, rd->s->id, rd->s->title, letter, &pos);
    ui_msg(ui, "bookmark '%c' set at %.0f%%", letter, ui_view_percent(&rd->v));
    ui_bm_save(ui);
}

void ui_reader_menu_choose(struct ui *ui)
{
    struct ui_reader *rd = &ui->rd;
    struct ui_menu *m = &ui->menu;
    if (m->n == 0) {
        ui_menu_close(ui);
        return;
    }
    if (m->kind == MENU_CONTENTS && rd->open) {
        size_t ci = m->sel;
        ui_menu_close(ui);
        remember_place(rd);
        ui_view_chapter_entry(&rd->v, ci);
    } else if (m->kind == MENU_MARKS && rd->open) {
        char letter = m->letters[m->sel];
        ui_menu_close(ui);
        goto_mark(ui, letter);
    } else {
        ui_menu_close(ui);
    }
    rd->unsaved = true;
}

static void open_help(struct ui *ui, unsigned ctx, const char *title)
{
    size_t n;
    char **items = ui_keys_help(ctx, &n);
    ui_menu_open(ui, MENU_HELP, xstrdup(title), items, n, 0);
}

/* ---- keys ------------------------------------------------------------------- */

static bool is_letter(int key)
{
    return (key >= 'a' && key <= 'z') || (key >= 'A' && key <= 'Z');
}

/* ---- a partial story (library_open_head) --------------------------------- */

/* Does `key` need more of a partial story than its head?  Moves that stay
 * inside what the head holds whole do not: back, up, to a chapter's start,
 * forward one step while the top line is more than a screen's worth of
 * bytes (two per cell: the head main.c reads is four per cell) before the
 * cut, to the end or the next chapter when that chapter is whole.  Anything
 * that looks at the whole story (contents, search, marks, percent, the
 * library) does. */
static size_t head_margin(void)
{
    return (size_t)(LINES > 0 ? LINES : 1) * (size_t)(COLS > 0 ? COLS : 1) * 2;
}

static bool needs_whole(struct ui_reader *rd, int key)
{
    if (rd->pending)
        return true;
    const struct story *s = rd->s;
    size_t ci = rd->v.top.ci;
    size_t cut = s->ch[s->n_ch - 1].ed[0].end;   /* where the head ends */
    switch (ui_keys_lookup(UI_CTX_READER, key)) {
    case ACT_NONE: case ACT_DIGIT: case ACT_HELP: case ACT_REDRAW:
    case ACT_SEARCH_FWD: case ACT_SEARCH_BACK: case ACT_SET_MARK:
    case ACT_PAGE_UP: case ACT_LINE_UP: case ACT_SCROLL_UP: case ACT_TOP:
    case ACT_PREV_CHAPTER:
        return false;
    case ACT_PAGE_DOWN: case ACT_LINE_DOWN: case ACT_SCROLL_DOWN:
        /* a count could carry the move past the cut */
        return rd->have_count || ui_view_off(&rd->v) + head_margin() >= cut;
    case ACT_BOTTOM:
        return ci + 1 >= s->n_ch;
    case ACT_NEXT_CHAPTER:
        return ci + 2 >= s->n_ch;
    default:
        return true;
    }
}

/* Chapter of s whose preferred edition holds byte `off` of its text (the
 * last one starting at or before it). */
static size_t chapter_at(const struct story *s, size_t off)
{
    size_t best = 0;
    bool found = false;
    for (size_t i = 0; i < s->n_ch; i++) {
        const struct edition *e = &s->ch[i].ed[0];
        if (e->start > off)
            continue;
        if (off < e->end)
            return i;
        if (!found || e->start > s->ch[best].ed[0].start) {
            best = i;
            found = true;
        }
    }
    return best;
}

/* A place (ci, off) in the partial story os, in the whole story ns.
 * `same`: ns's text begins with os's bytes, so offsets carry over;
 * otherwise the place goes by its percent through the story. */
static void carry_place(const struct story *os, const struct story *ns, bool same, size_t *ci,
                        size_t *off)
{
    if (same) {
        *ci = chapter_at(ns, *off);
        return;
    }
    story_percent_pos(ns, story_percent(os, *ci, *off), ci, off);
}

void ui_reader_adopt(struct ui *ui, struct story *ns)
{
    struct ui_reader *rd = &ui->rd;
    if (!rd->open || ns->n_ch == 0)
        return;
    const struct story *os = rd->s;
    const char *ot, *nt;
    const struct edition *oe = chapter_text(&os->ch[0], &ot);
    const struct edition *ne = chapter_text(&ns->ch[0], &nt);
    bool same = oe->src->len <= ne->src->len && memcmp(ot, nt, oe->src->len) == 0;
    size_t ci = rd->v.top.ci, off = ui_view_off(&rd->v);
    carry_place(os, ns, same, &ci, &off);
    if (rd->have_prev)
        carry_place(os, ns, same, &rd->prev_ci, &rd->prev_off);
    if (rd->have_hit) {
        size_t len = rd->hit_end - rd->hit_off;
        carry_place(os, ns, same, &rd->hit_ci, &rd->hit_off);
        rd->hit_end = rd->hit_off + len;
        rd->have_hit = same;
    }
    struct layout_opts lo = rd->v.lo;
    int rows = rd->v.rows;
    ui_view_free(&rd->v);
    ui_view_init(&rd->v, ns, &lo, rows);
    ui_view_goto(&rd->v, ci, off);
    rd->s = ns;
}

void ui_reader_key(struct ui *ui, int key)
{
    struct ui_reader *rd = &ui->rd;
    if (rd->s->partial && ui->loader && needs_whole(rd, key))
        ui_take_whole(ui);
    struct ui_view *v = &rd->v;
    struct ui_addr before = v->top;

    if (rd->pending) {
        int p = rd->pending;
        rd->pending = 0;
        if (key == 27)
            return;
        if (p == 'm' && is_letter(key))
            set_mark(ui, (char)key);
        else if (p == '\'' && (is_letter(key) || key == '\''))
            goto_mark(ui, (char)key);
        else
            ui_msg(ui, "a bookmark is named by a letter, a-z or A-Z");
        goto moved;
    }

    enum ui_action act = ui_keys_lookup(UI_CTX_READER, key);
    if (act == ACT_DIGIT) {
        if (rd->count < 100000000UL)
            rd->count = rd->count * 10 + (unsigned long)(key - '0');
        rd->have_count = true;
        return;
    }
    bool had_count = rd->have_count;
    unsigned long count = rd->have_count ? rd->count : 0;
    unsigned long times = rd->have_count && count > 0 ? (count > 10000 ? 10000 : count) : 1;
    rd->have_count = false;
    rd->count = 0;

    switch (act) {
    case ACT_PAGE_DOWN:
        for (unsigned long i = 0; i < times; i++)
            if (!ui_view_page_down(v)) {
                ui_msg(ui, "the end of the story");
                break;
            }
        break;
    case ACT_PAGE_UP:
        for (unsigned long i = 0; i < times; i++)
            if (!ui_view_page_up(v)) {
                ui_msg(ui, "the start of the story");
                break;
            }
        break;
    case ACT_LINE_DOWN:
    case ACT_SCROLL_DOWN:
        if (act == ACT_SCROLL_DOWN)
            times *= 3;
        for (unsigned long i = 0; i < times; i++)
            if (!ui_view_line_down(v)) {
                ui_msg(ui, "the end of the story");
                break;
            }
        break;
    case ACT_LINE_UP:
    case ACT_SCROLL_UP:
        if (act == ACT_SCROLL_UP)
            times *= 3;
        for (unsigned long i = 0; i < times; i++)
            if (!ui_view_line_up(v)) {
                ui_msg(ui, "the start of the story");
                break;
            }
        break;
    case ACT_NEXT_CHAPTER:
        if (v->top.ci + 1 < rd->s->n_ch) {
            remember_place(rd);
            ui_view_chapter(v, v->top.ci + 1);
        } else {
            ui_msg(ui, "this is the last chapter");
        }
        break;
    case ACT_PREV_CHAPTER:
        remember_place(rd);
        if (v->top.ci > 0)
            ui_view_chapter(v, v->top.ci - 1);
        else {
            ui_view_chapter(v, 0);
            ui_msg(ui, "this is the first chapter");
        }
        break;
    case ACT_TOP:
        remember_place(rd);
        ui_view_chapter(v, v->top.ci);
        break;
    case ACT_BOTTOM:
        remember_place(rd);
        ui_view_chapter_end(v);
        break;
    case ACT_CONTENTS:
        open_contents(ui);
        break;
    case ACT_SEARCH_FWD:
        ui_prompt_open(ui, PROMPT_SEARCH_FWD, '/');
        break;
    case ACT_SEARCH_BACK:
        ui_prompt_open(ui, PROMPT_SEARCH_BACK, '?');
        break;
    case ACT_SEARCH_NEXT:
        search_step(ui, false);
        break;
    case ACT_SEARCH_PREV:
        search_step(ui, true);
        break;
    case ACT_SET_MARK:
        rd->pending = 'm';
        break;
    case ACT_JUMP_MARK:
        rd->pending = '\'';
        break;
    case ACT_LIST_MARKS:
        open_marks(ui);
        break;
    case ACT_PERCENT: {
        if (!had_count) {
            ui_msg(ui, "type the percent first, e.g. 50%%");
            break;
        }
        size_t ci, off;
        ui_view_percent_pos(v, (double)(count > 100 ? 100 : count), &ci, &off);
        jump_to(rd, ci, off);
        break;
    }
    case ACT_HELP:
        open_help(ui, UI_CTX_READER, "Keys while reading (q or Esc closes)");
        break;
    case ACT_QUIT: {
        struct story *s = rd->s;
        ui_reader_close(ui);
        ui_library_select(ui, s);
        return;
    }
    case ACT_REDRAW:
        clearok(curscr, TRUE);
        break;
    default:
        if (key != 27)
            ui_msg(ui, "that key does nothing here: h lists the keys");
        break;
    }
moved:
    if (v->top.ci != before.ci || v->top.seg != before.seg || v->top.idx != before.idx) {
        rd->unsaved = true;
        if (v->top.ci != before.ci)
            ui_view_trim(v);
    }
}
