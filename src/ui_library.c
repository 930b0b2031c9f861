/* ui_library.c — the library screen: every story with its author, chapter
 * count, reading progress and when it was last read; the last-read story
 * selected; `/` filters by title or author as you type (case-insensitive,
 * Unicode folding via search.h); Enter opens the story where it was left. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui_screen.h"

static void list_rows(int *first, int *rows)
{
    *first = LINES >= 3 ? 1 : 0;
    int bottom = LINES >= 2 ? 1 : 0;
    *rows = LINES - *first - bottom;
    if (*rows < 1)
        *rows = 1;
}

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
    size_t keep = ls->n ? ls->idx[ls->sel] : (size_t)-1;
    struct search *s = f && *f ? search_new(f, strlen(f)) : NULL;
    ls->n = 0;
    ls->sel = 0;
    for (size_t i = 0; i < ui->lib->n_stories; i++) {
        const struct story *st = &ui->lib->stories[i];
        if (s && !matches(s, st->title) && !matches(s, st->author))
            continue;
        if (i == keep)
            ls->sel = ls->n;
        ls->idx[ls->n++] = i;
    }
    search_free(s);
}

void ui_library_init(struct ui *ui)
{
    struct ui_libscreen *ls = &ui->ls;
    ls->idx = xcalloc(ui->lib->n_stories + 1, sizeof *ls->idx);
    refilter(ui, NULL);
    const char *id = ui->bm ? bookmarks_most_recent(ui->bm) : NULL;
    const struct story *s = id ? library_find_id(ui->lib, id) : NULL;
    if (s)
        ui_library_select(ui, s);
}

void ui_library_free(struct ui *ui)
{
    free(ui->ls.idx);
    free(ui->ls.filter);
    memset(&ui->ls, 0, sizeof ui->ls);
}

void ui_library_select(struct ui *ui, const struct story *s)
{
    struct ui_libscreen *ls = &ui->ls;
    for (size_t i = 0; i < ls->n; i++)
        if (&ui->lib->stories[ls->idx[i]] == s) {
            ls->sel = i;
            return;
        }
}

void ui_library_prompt_changed(struct ui *ui)
{
    refilter(ui, ui->prompt.text.data);
}

void ui_library_prompt_done(struct ui *ui, bool keep)
{
    struct ui_libscreen *ls = &ui->ls;
    free(ls->filter);
    ls->filter = NULL;
    const char *t = ui->prompt.text.data;
    if (keep && t && *t)
        ls->filter = xstrdup(t);
    refilter(ui, ls->filter);
    if (ls->filter && ls->n == 0)
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
    char right[96], pct[16], when[32];
    struct bm_pos pos;
    bool read = ui->bm && bookmarks_get_last(ui->bm, s->id, &pos);
    if (read) {
        snprintf(pct, sizeof pct, "%3.0f%%", pos.percent);
        when_text(pos.when, when, sizeof when);
    } else {
        snprintf(pct, sizeof pct, " new");
        snprintf(when, sizeof when, "-");
    }
    snprintf(right, sizeof right, "%4zu ch  %s  %-12s", s->n_ch, pct, when);
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

void ui_library_draw(struct ui *ui)
{
    struct ui_libscreen *ls = &ui->ls;
    int first, rows;
    list_rows(&first, &rows);
    if (ls->sel < ls->top)
        ls->top = ls->sel;
    if (ls->sel >= ls->top + (size_t)rows)
        ls->top = ls->sel - (size_t)rows + 1;
    /* Grown taller (after a small window): the stories above come back
     * rather than empty rows below the last. */
    if (rows > 0 && ls->top + (size_t)rows > ls->n)
        ls->top = ls->n > (size_t)rows ? ls->n - (size_t)rows : 0;
    if (first) {
        char head[512];
        if (ls->filter || ui->prompt.kind == PROMPT_FILTER)
            snprintf(head, sizeof head, "quire \xc2\xb7 %zu of %zu stories matching", ls->n,
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
    for (int r = 0; r < rows && ls->top + (size_t)r < ls->n; r++) {
        size_t i = ls->top + (size_t)r;
        draw_row(ui, first + r, &ui->lib->stories[ls->idx[i]], i == ls->sel);
    }
    if (LINES >= 2) {
        char right[64], left[300];
        snprintf(right, sizeof right, "%zu/%zu", ls->n ? ls->sel + 1 : 0, ls->n);
        if (ui->msg[0])
            snprintf(left, sizeof left, "%s", ui->msg);
        else if (ls->filter)
            snprintf(left, sizeof left, "filter: %s  (/ Esc clears)  Enter read  q quit",
                     ls->filter);
        else
            snprintf(left, sizeof left, "Enter read  / filter  h help  q quit");
        ui_bottom(ui, LINES - 1, left, right);
    }
}

void ui_library_key(struct ui *ui, int key)
{
    struct ui_libscreen *ls = &ui->ls;
    int first, rows;
    list_rows(&first, &rows);
    size_t page = (size_t)rows;
    switch (ui_keys_lookup(UI_CTX_LIBRARY, key)) {
    case ACT_LINE_DOWN:
    case ACT_SCROLL_DOWN:
        if (ls->sel + 1 < ls->n)
            ls->sel++;
        break;
    case ACT_LINE_UP:
    case ACT_SCROLL_UP:
        if (ls->sel > 0)
            ls->sel--;
        break;
    case ACT_PAGE_DOWN:
        ls->sel = ls->sel + page < ls->n ? ls->sel + page : (ls->n ? ls->n - 1 : 0);
        break;
    case ACT_PAGE_UP:
        ls->sel = ls->sel > page ? ls->sel - page : 0;
        break;
    case ACT_TOP:
        ls->sel = 0;
        break;
    case ACT_BOTTOM:
        ls->sel = ls->n ? ls->n - 1 : 0;
        break;
    case ACT_OPEN:
        if (ls->n)
            ui_reader_open(ui, &ui->lib->stories[ls->idx[ls->sel]], true);
        break;
    case ACT_FILTER:
        ui_prompt_open(ui, PROMPT_FILTER, '/');
        break;
    case ACT_HELP: {
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
        ui_menu_open(ui, MENU_HELP, xstrdup("Keys (q or Esc closes)"), items, n, 0);
        break;
    }
    case ACT_QUIT:
        ui->quit = true;
        break;
    case ACT_REDRAW:
        clearok(curscr, TRUE);
        break;
    default:
        if (key == 27 && ls->filter) {      /* Esc drops the filter */
            free(ls->filter);
            ls->filter = NULL;
            refilter(ui, NULL);
        } else if (key != 27) {
            ui_msg(ui, "that key does nothing here: h lists the keys");
        }
        break;
    }
}
