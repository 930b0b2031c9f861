/* ui_library.c — the library screen: the stories as a reading list (the
 * order and rows are shelf.h's: a sort `s` cycles, a view `v` cycles, both
 * remembered in the state folder; series grouped under a heading in part
 * order), each with its author, chapter count, status, reading progress
 * and when it was last read; the last-read story selected; `/` filters by
 * title, author or series as you type (case-insensitive, Unicode folding
 * via search.h); Enter opens the story where it was left; `i` shows what
 * it says about itself (ui_info.c). */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui_screen.h"

static bool matches(const struct search *s, const char *str)
{
    size_t hit, end;
    return str && search_find(s, str, 0, strlen(str), 0, false, &hit, &end);
}

/* The story the selection is on, or NULL (nothing shown). */
static struct story *selected(struct ui *ui)
{
    struct ui_libscreen *ls = &ui->ls;
    return ls->list.n ? &ui->lib->stories[ls->rows[ls->list.sel].story] : NULL;
}

/* Off a series heading: to the story row after it (a heading is always
 * followed by its first part), or before it when going up and there is a
 * row above. */
static void off_heading(struct ui_libscreen *ls, bool up)
{
    struct ui_list *l = &ls->list;
    if (!l->n || !ls->rows[l->sel].heading)
        return;
    if (up && l->sel > 0)
        l->sel--;
    else if (l->sel + 1 < l->n)
        l->sel++;
}

static void select_story(struct ui *ui, const struct story *s)
{
    struct ui_libscreen *ls = &ui->ls;
    for (size_t i = 0; i < ls->list.n; i++)
        if (!ls->rows[i].heading && &ui->lib->stories[ls->rows[i].story] == s) {
            ls->list.sel = i;
            return;
        }
}

/* Rebuild the rows for the filter `f` (NULL or "": all), the sort and the
 * view, from what the store says now, keeping the selected story selected
 * when it is still shown. */
static void refilter(struct ui *ui, const char *f)
{
    struct ui_libscreen *ls = &ui->ls;
    const struct story *keep = selected(ui);
    struct search *s = f && *f ? search_new(f, strlen(f)) : NULL;
    ls->status_col = false;
    for (size_t i = 0; i < ui->lib->n_stories; i++) {
        const struct story *st = &ui->lib->stories[i];
        ls->keep[i] = !s || matches(s, st->title) || matches(s, st->author) ||
                      matches(s, st->meta.series);
        ls->status_col |= st->meta.status && *st->meta.status;
    }
    search_free(s);
    shelf_facts_fill(ui->lib, ui->bm, ui->seen, ls->facts);
    ls->list.n = shelf_rows(ui->lib, ls->facts, ls->sort, ls->view, ls->keep, ls->rows);
    ls->n_shown = 0;
    for (size_t i = 0; i < ls->list.n; i++)
        ls->n_shown += !ls->rows[i].heading;
    ls->list.sel = 0;
    if (keep)
        select_story(ui, keep);
    off_heading(ls, false);
}

void ui_library_init(struct ui *ui)
{
    struct ui_libscreen *ls = &ui->ls;
    size_t n = ui->lib->n_stories;
    ls->rows = xcalloc(2 * n + 1, sizeof *ls->rows);
    ls->facts = xcalloc(n + 1, sizeof *ls->facts);
    ls->keep = xcalloc(n + 1, sizeof *ls->keep);
    char *state = xdg_dir("STATE");
    if (state) {
        ls->prefs = xasprintf("%s/library-view", state);
        free(state);
    }
    ls->sort = SHELF_BY_READ;
    ls->view = SHELF_ALL;
    shelf_prefs_load(ls->prefs, &ls->sort, &ls->view);
    refilter(ui, NULL);
    const char *id = ui->bm ? bookmarks_most_recent(ui->bm) : NULL;
    const struct story *s = id ? library_find_id(ui->lib, id) : NULL;
    if (s)
        select_story(ui, s);
}

void ui_library_free(struct ui *ui)
{
    free(ui->ls.rows);
    free(ui->ls.facts);
    free(ui->ls.keep);
    free(ui->ls.filter);
    free(ui->ls.prefs);
    memset(&ui->ls, 0, sizeof ui->ls);
}

/* The screen shown again (the reader left story s): s selected, and the
 * rows made again at the next draw, once the reader has saved its place
 * (it leaves after this screen enters). */
static bool library_enter(struct ui *ui, struct story *s, bool at_saved)
{
    if (s)
        select_story(ui, s);
    ui->ls.stale = true;
    return true;
}

static void library_leave(struct ui *ui)
{
    (void)ui;   /* the list stays for when the reader closes */
}

static void filter_changed(struct ui *ui, const char *t)
{
    refilter(ui, t);
}

static void filter_done(struct ui *ui, const char *t, bool keep)
{
    struct ui_libscreen *ls = &ui->ls;
    ls->typing = false;
    free(ls->filter);
    ls->filter = NULL;
    if (keep && *t)
        ls->filter = xstrdup(t);
    refilter(ui, ls->filter);
    if (ls->filter && ls->list.n == 0)
        ui_msg(ui, "no story matches \"%s\" (/ then Esc shows all)", ls->filter);
}

/* A series heading: its name and how many of its parts are shown. */
static void draw_heading(struct ui *ui, int y, const struct story *s, size_t parts)
{
    char count[48];
    snprintf(count, sizeof count, "  (series, %zu %s)", parts, parts == 1 ? "part" : "parts");
    int x = ui_put(y, 1 < COLS ? 1 : 0, COLS, s->meta.series, strlen(s->meta.series),
                   ui->a_bold);
    ui_put(y, x, COLS, count, strlen(count), ui->a_dim);
}

static void draw_row(struct ui *ui, int y, const struct story *s, const struct shelf_facts *f,
                     bool part, bool sel)
{
    char right[128], pct[16], when[32], status[16] = "", fresh[40] = "";
    if (f->read) {
        snprintf(pct, sizeof pct, "%3.0f%%", f->percent);
        ui_info_when(f->last_read, when, sizeof when);
    } else {
        snprintf(pct, sizeof pct, " new");
        snprintf(when, sizeof when, "-");
    }
    const char *st = s->meta.status;
    if (ui->ls.status_col)
        snprintf(status, sizeof status, "%-11.11s  ",
                 !st ? "" : strcmp(st, "complete") == 0 ? "complete"
                          : strcmp(st, "in progress") == 0 ? "in progress" : st);
    /* What changed since the reader last read it (seen.h) */
    size_t n_new = seen_count_new(ui->seen, s);   /* now: the reader may have just seen them */
    bool revised = f->read && seen_any_revised(ui->seen, s);
    if (n_new)
        snprintf(fresh, sizeof fresh, "  +%zu new%s", n_new, revised ? ", revised" : "");
    else if (revised)
        snprintf(fresh, sizeof fresh, "  revised");
    snprintf(right, sizeof right, "%4zu ch%s  %s%s  %-12s", s->n_ch, fresh, status, pct, when);
    attr_t a = sel ? ui->a_sel : A_NORMAL;
    if (sel) {
        attrset(a);
        mvhline(y, 0, ' ', COLS);
        attrset(A_NORMAL);
    }
    int rcols = ui_cols(right, strlen(right));
    int lmax = COLS - rcols - 2;
    bool show_right = lmax >= 12;
    if (!show_right)
        lmax = COLS;
    int x = 1 < COLS ? 1 : 0;
    if (part) {   /* a part of a series: indented, its number first */
        char num[32];
        double idx = s->meta.series_index;
        if (idx > 0)
            snprintf(num, sizeof num, "  %g. ", idx);
        else
            snprintf(num, sizeof num, "  -  ");
        x = ui_put(y, x, lmax, num, strlen(num), a);
    }
    x = ui_put(y, x, lmax, s->title, strlen(s->title), a | ui->a_bold);
    if (*s->author && x + 3 < lmax) {
        x = ui_put(y, x, lmax, "  by ", 5, a);
        ui_put(y, x, lmax, s->author, strlen(s->author), a);
    }
    if (show_right)
        ui_put(y, COLS - rcols - 1, COLS, right, strlen(right), a);
}

/* The header: how many stories are shown, of how many, in which view and
 * sort. */
static void draw_header(struct ui *ui)
{
    struct ui_libscreen *ls = &ui->ls;
    char head[512];
    size_t n = ui->lib->n_stories;
    const char *by = shelf_sort_label(ls->sort);
    if (ls->filter || ls->typing || ls->view != SHELF_ALL)
        snprintf(head, sizeof head, "quire \xc2\xb7 %zu of %zu stories%s%s%s \xc2\xb7 by %s",
                 ls->n_shown, n, ls->filter || ls->typing ? " matching" : "",
                 ls->view != SHELF_ALL ? ": " : "",
                 ls->view != SHELF_ALL ? shelf_view_label(ls->view) : "", by);
    else
        snprintf(head, sizeof head, "quire \xc2\xb7 %zu %s in %s \xc2\xb7 by %s", n,
                 n == 1 ? "story" : "stories", ui->lib->root, by);
    ui_put(0, 1 < COLS ? 1 : 0, COLS, head, strlen(head), ui->a_bold);
}

static void library_draw(struct ui *ui)
{
    struct ui_libscreen *ls = &ui->ls;
    struct ui_list *l = &ls->list;
    int first, rows;
    if (ls->stale) {
        const struct story *s = selected(ui);
        refilter(ui, ls->filter);
        if (s)
            select_story(ui, s);
        ls->stale = false;
    }
    ui_list_rows(&first, &rows);
    ui_list_fit(l, rows);
    /* the heading of the selected part stays in view above it */
    if (l->sel > 0 && l->top == l->sel && ls->rows[l->sel - 1].heading && rows >= 2)
        l->top--;
    if (first)
        draw_header(ui);
    if (ui->lib->n_stories == 0) {
        const char *none = "No stories here.  Add text files to the folder, or use -L DIR.";
        ui_put(first, 1 < COLS ? 1 : 0, COLS, none, strlen(none), A_NORMAL);
    } else if (l->n == 0 && !ls->filter && !ls->typing) {
        char none[160], kv[32];
        snprintf(none, sizeof none, "No story is %s: %s shows the next view.",
                 ls->view == SHELF_NEW ? "new" : shelf_view_label(ls->view),
                 ui_keys_hint(UI_CTX_LIBRARY, ACT_VIEW, 'v', kv, sizeof kv));
        ui_put(first, 1 < COLS ? 1 : 0, COLS, none, strlen(none), A_NORMAL);
    }
    size_t nth = 0;   /* the selected story's number among the stories shown */
    for (size_t i = 0; i <= l->sel && i < l->n; i++)
        nth += !ls->rows[i].heading;
    for (int r = 0; r < rows && l->top + (size_t)r < l->n; r++) {
        size_t i = l->top + (size_t)r;
        const struct shelf_row *row = &ls->rows[i];
        const struct story *s = &ui->lib->stories[row->story];
        if (row->heading) {
            size_t parts = 0;
            for (size_t k = i + 1; k < l->n && !ls->rows[k].heading &&
                                   ui->lib->stories[ls->rows[k].story].meta.series;
                 k++)
                parts++;
            draw_heading(ui, first + r, s, parts);
        } else {
            draw_row(ui, first + r, s, &ls->facts[row->story], s->meta.series && *s->meta.series,
                     i == l->sel);
        }
    }
    if (LINES >= 2) {
        char right[64], left[400];
        snprintf(right, sizeof right, "%zu/%zu", nth, ls->n_shown);
        char ko[32], kf[32], kh[32], kq[32], ks[32], kv[32], ki[32];   /* the keys in force */
        ui_keys_hint(UI_CTX_LIBRARY, ACT_OPEN, '\n', ko, sizeof ko);
        ui_keys_hint(UI_CTX_LIBRARY, ACT_FILTER, '/', kf, sizeof kf);
        ui_keys_hint(UI_CTX_LIBRARY, ACT_HELP, 'h', kh, sizeof kh);
        ui_keys_hint(UI_CTX_LIBRARY, ACT_QUIT, 'q', kq, sizeof kq);
        ui_keys_hint(UI_CTX_LIBRARY, ACT_SORT, 's', ks, sizeof ks);
        ui_keys_hint(UI_CTX_LIBRARY, ACT_VIEW, 'v', kv, sizeof kv);
        ui_keys_hint(UI_CTX_LIBRARY, ACT_INFO, 'i', ki, sizeof ki);
        if (ui->msg[0])
            snprintf(left, sizeof left, "%s", ui->msg);
        else if (ls->filter)
            snprintf(left, sizeof left, "filter: %s  (%s Esc clears)  %s read  %s quit",
                     ls->filter, kf, ko, kq);
        else
            snprintf(left, sizeof left,
                     "%s read  %s filter  %s help  %s quit  %s sort  %s view  %s info", ko, kf,
                     kh, kq, ks, kv, ki);
        ui_bottom(ui, LINES - 1, left, right);
    }
}

/* ---- keys: the handlers of the library's key table ------------------------- */

static void act_move(struct ui *ui, enum ui_action act, int key)
{
    int first, rows;
    struct ui_list *l = &ui->ls.list;
    size_t was = l->sel;
    ui_list_rows(&first, &rows);
    ui_list_move(l, act, (size_t)rows, false);
    off_heading(&ui->ls, l->sel < was);
}

static void act_open(struct ui *ui, enum ui_action act, int key)
{
    struct story *s = selected(ui);
    if (s)
        ui_go(ui, UI_SCREEN_READER, s);
}

/* The sort and view are kept for the next run; a folder that cannot be
 * written costs that, never the choice now. */
static void save_prefs(struct ui *ui)
{
    char *err = NULL;
    if (ui->ls.prefs && shelf_prefs_save(ui->ls.prefs, ui->ls.sort, ui->ls.view, &err) != 0)
        ui_msg(ui, "not remembered: %s", err ? err : "cannot write the state folder");
    free(err);
}

static void act_sort(struct ui *ui, enum ui_action act, int key)
{
    struct ui_libscreen *ls = &ui->ls;
    if (act == ACT_SORT)
        ls->sort = (enum shelf_sort)((ls->sort + 1) % SHELF_N_SORTS);
    else
        ls->view = (enum shelf_view)((ls->view + 1) % SHELF_N_VIEWS);
    refilter(ui, ls->filter);
    ls->list.top = 0;
    save_prefs(ui);
}

static void act_info(struct ui *ui, enum ui_action act, int key)
{
    const struct story *s = selected(ui);
    if (s)
        ui_info_open(ui, s, -1);
}

static void act_filter(struct ui *ui, enum ui_action act, int key)
{
    ui->ls.typing = true;
    ui_prompt_open(ui, '/', filter_changed, filter_done);
}

static void act_help(struct ui *ui, enum ui_action act, int key)
{
    size_t n1, n2;
    char **a = ui_keys_help(UI_CTX_LIBRARY, &n1);
    char **b = ui_keys_help(UI_CTX_READER, &n2);
    char **items = xcalloc(n1 + n2 + 3, sizeof *items);
    size_t n = 0;
    items[n++] = xstrdup("In the library:");
    for (size_t i = 0; i < n1; i++)
        items[n++] = a[i];
    items[n++] = xstrdup("");
    items[n++] = xstrdup("While reading:");
    for (size_t i = 0; i < n2; i++)
        items[n++] = b[i];
    free(a);
    free(b);
    ui_help_open(ui, xstrdup("Keys (q or Esc closes)"), items, n);
}

static void act_quit(struct ui *ui, enum ui_action act, int key)
{
    ui->quit = true;
}

static void library_key(struct ui *ui, int key)
{
    struct ui_libscreen *ls = &ui->ls;
    const struct ui_binding *b = ui_keys_find(UI_CTX_LIBRARY, key);
    if (b) {
        b->run(ui, b->action, key);
    } else if (key == UI_KEY_ESC && ls->filter) {   /* Esc drops the filter */
        free(ls->filter);
        ls->filter = NULL;
        refilter(ui, NULL);
    } else if (key != UI_KEY_ESC) {
        char kh[32];
        ui_msg(ui, "that key does nothing here: %s lists the keys",
               ui_keys_hint(UI_CTX_LIBRARY, ACT_HELP, 'h', kh, sizeof kh));
    }
}

#define KC(k) UI_KC(k)

static const struct ui_binding library_keys[] = {
    {ACT_SCROLL_DOWN, "scroll_down", "wheel down", "scroll down", {UI_KEY_WHEEL_DOWN}, act_move},
    {ACT_SCROLL_UP, "scroll_up", "wheel up", "scroll up", {UI_KEY_WHEEL_UP}, act_move},
    {ACT_REDRAW, "redraw", NULL, "redraw the screen", {0x0c}, ui_redraw},
    {ACT_LINE_DOWN, "line_down", NULL, "next story", {'j', KC(KEY_DOWN)}, act_move},
    {ACT_LINE_UP, "line_up", NULL, "previous story", {'k', KC(KEY_UP)}, act_move},
    {ACT_PAGE_DOWN, "next_page", NULL, "a page down", {KC(KEY_NPAGE), ' ', 'f'}, act_move},
    {ACT_PAGE_UP, "prev_page", NULL, "a page up", {KC(KEY_PPAGE), 'b'}, act_move},
    {ACT_TOP, "chapter_start", NULL, "first story", {'g', KC(KEY_HOME)}, act_move},
    {ACT_BOTTOM, "chapter_end", NULL, "last story", {'G', KC(KEY_END)}, act_move},
    {ACT_OPEN, "open", NULL, "open the story where you left it", {UI_ENTERS, KC(KEY_RIGHT)},
     act_open},
    {ACT_FILTER, "filter", NULL, "filter by title, author or series (Esc clears)", {'/'},
     act_filter},
    {ACT_SORT, "sort", NULL,
     "sort by: last read, last updated, title, author, length (kept for the next run)", {'s'},
     act_sort},
    {ACT_VIEW, "view", NULL,
     "show: all, unread, reading, caught up, new chapters (kept for the next run)", {'v'},
     act_sort},
    {ACT_INFO, "info", NULL, "the story's info: series, summary, tags, words, time left, files",
     {'i'}, act_info},
    {ACT_HELP, "help", NULL, "this help", {'h', KC(KEY_F(1))}, act_help},
    {ACT_QUIT, "quit", NULL, "quit", {'q'}, act_quit},
    {ACT_NONE, NULL, NULL, NULL, {0}, NULL},
};

const struct ui_mode ui_mode_library = {
    .name = "library",
    .enter = library_enter,
    .leave = library_leave,
    .key = library_key,
    .draw = library_draw,
    .keys = library_keys,
};
