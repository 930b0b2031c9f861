/* ui_library.c — the library screen: every story with its author, chapter
 * count, reading progress and when it was last read; the last-read story
 * selected; `/` filters by title or author as you type (case-insensitive,
 * Unicode folding via search.h); Enter opens the story where it was left. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui_screen.h"

static bool matches(const struct search *s, const char *str)
{
    size_t hit, end;
    return search_find(s, str, 0, strlen(str), 0, false, &hit, &end);
}

/* Rebuild the list of shown stories for the filter `f` (NULL or "": all),
 * keeping the selected story selected when it is still shown. */
static void refilter(struct ui *ui, const char *f)
{
    struct ui_libscreen *ls = &ui->ls;
    size_t keep = ls->list.n ? ls->idx[ls->list.sel] : (size_t)-1;
    struct search *s = f && *f ? search_new(f, strlen(f)) : NULL;
    ls->list.n = 0;
    ls->list.sel = 0;
    for (size_t i = 0; i < ui->lib->n_stories; i++) {
        const struct story *st = &ui->lib->stories[i];
        if (s && !matches(s, st->title) && !matches(s, st->author))
            continue;
        if (i == keep)
            ls->list.sel = ls->list.n;
        ls->idx[ls->list.n++] = i;
    }
    search_free(s);
}

static void select_story(struct ui *ui, const struct story *s)
{
    struct ui_libscreen *ls = &ui->ls;
    for (size_t i = 0; i < ls->list.n; i++)
        if (&ui->lib->stories[ls->idx[i]] == s) {
            ls->list.sel = i;
            return;
        }
}

void ui_library_init(struct ui *ui)
{
    struct ui_libscreen *ls = &ui->ls;
    ls->idx = xcalloc(ui->lib->n_stories + 1, sizeof *ls->idx);
    refilter(ui, NULL);
    const char *id = ui->bm ? bookmarks_most_recent(ui->bm) : NULL;
    const struct story *s = id ? library_find_id(ui->lib, id) : NULL;
    if (s)
        select_story(ui, s);
}

void ui_library_free(struct ui *ui)
{
    free(ui->ls.idx);
    free(ui->ls.filter);
    memset(&ui->ls, 0, sizeof ui->ls);
}

/* The screen shown again (the reader left story s): s selected. */
static bool library_enter(struct ui *ui, struct story *s, bool at_saved)
{
    if (s)
        select_story(ui, s);
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

static void when_text(time_t when, char *buf, size_t size)
{
    time_t now = time(NULL);
    double d = difftime(now, when);
    if (when == 0)
        snprintf(buf, size, "-");
    else if (d < 60)
        snprintf(buf, size, "just now");
    else if (d < 3600)
        snprintf(buf, size, "%.0f min ago", d / 60);
    else if (d < 86400)
        snprintf(buf, size, "%.0f h ago", d / 3600);
    else if (d < 86400 * 14)
        snprintf(buf, size, "%.0f days ago", d / 86400);
    else {
        struct tm tm;
        localtime_r(&when, &tm);
        strftime(buf, size, "%Y-%m-%d", &tm);
    }
}

static void draw_row(struct ui *ui, int y, const struct story *s, bool selected)
{
    char right[128], pct[16], when[32], fresh[40] = "";
    struct bm_pos pos;
    bool read = ui->bm && bookmarks_get_last(ui->bm, s->id, &pos);
    if (read) {
        snprintf(pct, sizeof pct, "%3.0f%%", pos.percent);
        when_text(pos.when, when, sizeof when);
    } else {
        snprintf(pct, sizeof pct, " new");
        snprintf(when, sizeof when, "-");
    }
    /* What changed since the reader last read it (seen.h) */
    size_t n_new = seen_count_new(ui->seen, s);
    bool revised = read && seen_any_revised(ui->seen, s);
    if (n_new)
        snprintf(fresh, sizeof fresh, "  +%zu new%s", n_new, revised ? ", revised" : "");
    else if (revised)
        snprintf(fresh, sizeof fresh, "  revised");
    snprintf(right, sizeof right, "%4zu ch%s  %s  %-12s", s->n_ch, fresh, pct, when);
    attr_t a = selected ? ui->a_sel : A_NORMAL;
    if (selected) {
        attrset(a);
        mvhline(y, 0, ' ', COLS);
        attrset(A_NORMAL);
    }
    int rcols = ui_cols(right, strlen(right));
    int lmax = COLS - rcols - 2;
    bool show_right = lmax >= 12;
    if (!show_right)
        lmax = COLS;
    int x = ui_put(y, 1 < COLS ? 1 : 0, lmax, s->title, strlen(s->title), a | ui->a_bold);
    if (*s->author && x + 3 < lmax) {
        x = ui_put(y, x, lmax, "  by ", 5, a);
        ui_put(y, x, lmax, s->author, strlen(s->author), a);
    }
    if (show_right)
        ui_put(y, COLS - rcols - 1, COLS, right, strlen(right), a);
}

static void library_draw(struct ui *ui)
{
    struct ui_libscreen *ls = &ui->ls;
    struct ui_list *l = &ls->list;
    int first, rows;
    ui_list_rows(&first, &rows);
    ui_list_fit(l, rows);
    if (first) {
        char head[512];
        if (ls->filter || ls->typing)
            snprintf(head, sizeof head, "quire \xc2\xb7 %zu of %zu stories matching", l->n,
                     ui->lib->n_stories);
        else
            snprintf(head, sizeof head, "quire \xc2\xb7 %zu %s in %s", ui->lib->n_stories,
                     ui->lib->n_stories == 1 ? "story" : "stories", ui->lib->root);
        ui_put(0, 1 < COLS ? 1 : 0, COLS, head, strlen(head), ui->a_bold);
    }
    if (ui->lib->n_stories == 0) {
        const char *none = "No stories here.  Add text files to the folder, or use -L DIR.";
        ui_put(first, 1 < COLS ? 1 : 0, COLS, none, strlen(none), A_NORMAL);
    }
    for (int r = 0; r < rows && l->top + (size_t)r < l->n; r++) {
        size_t i = l->top + (size_t)r;
        draw_row(ui, first + r, &ui->lib->stories[ls->idx[i]], i == l->sel);
    }
    if (LINES >= 2) {
        char right[64], left[300];
        snprintf(right, sizeof right, "%zu/%zu", l->n ? l->sel + 1 : 0, l->n);
        char ko[32], kf[32], kh[32], kq[32];   /* the keys in force, remaps too */
        ui_keys_hint(UI_CTX_LIBRARY, ACT_OPEN, '\n', ko, sizeof ko);
        ui_keys_hint(UI_CTX_LIBRARY, ACT_FILTER, '/', kf, sizeof kf);
        ui_keys_hint(UI_CTX_LIBRARY, ACT_HELP, 'h', kh, sizeof kh);
        ui_keys_hint(UI_CTX_LIBRARY, ACT_QUIT, 'q', kq, sizeof kq);
        if (ui->msg[0])
            snprintf(left, sizeof left, "%s", ui->msg);
        else if (ls->filter)
            snprintf(left, sizeof left, "filter: %s  (%s Esc clears)  %s read  %s quit",
                     ls->filter, kf, ko, kq);
        else
            snprintf(left, sizeof left, "%s read  %s filter  %s help  %s quit", ko, kf, kh, kq);
        ui_bottom(ui, LINES - 1, left, right);
    }
}

/* ---- keys: the handlers of the library's key table ------------------------- */

static void act_move(struct ui *ui, enum ui_action act, int key)
{
    int first, rows;
    ui_list_rows(&first, &rows);
    ui_list_move(&ui->ls.list, act, (size_t)rows, false);
}

static void act_open(struct ui *ui, enum ui_action act, int key)
{
    struct ui_libscreen *ls = &ui->ls;
    if (ls->list.n)
        ui_go(ui, UI_SCREEN_READER, &ui->lib->stories[ls->idx[ls->list.sel]]);
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
    {ACT_FILTER, "filter", NULL, "filter by title or author (Esc clears)", {'/'}, act_filter},
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
