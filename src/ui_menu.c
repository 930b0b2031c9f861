/* ui_menu.c — what the screens open over themselves, knowing nothing of
 * who opened them: a menu (a list to choose from; Enter calls back with the
 * index; digits pick entry N, `/` filters by the text typed), the help (lines to scroll through) and the prompt line (text
 * typed; callbacks as it changes and when it ends).  And the scrolling
 * list every list screen uses (the library too). */
#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui_screen.h"

/* ---- scrolling lists ------------------------------------------------------ */

void ui_list_rows(int *first, int *rows)
{
    *first = LINES >= 3 ? 1 : 0;
    int bottom = LINES >= 2 ? 1 : 0;
    *rows = LINES - *first - bottom;
    if (*rows < 1)
        *rows = 1;
}

void ui_list_fit(struct ui_list *l, int rows)
{
    if (l->sel < l->top)
        l->top = l->sel;
    if (l->sel >= l->top + (size_t)rows)
        l->top = l->sel - (size_t)rows + 1;
    /* Grown taller (after a small window): the items above come back
     * rather than empty rows below the last. */
    if (rows > 0 && l->top + (size_t)rows > l->n)
        l->top = l->n > (size_t)rows ? l->n - (size_t)rows : 0;
}

bool ui_list_move(struct ui_list *l, enum ui_action act, size_t page, bool scroll)
{
    size_t last = l->n ? l->n - 1 : 0;
    switch (act) {
    case ACT_LINE_DOWN:
    case ACT_SCROLL_DOWN:
        if (scroll) {
            if (l->top + page < l->n)
                l->top++;
            l->sel = l->top;
        } else if (l->sel + 1 < l->n) {
            l->sel++;
        }
        return true;
    case ACT_LINE_UP:
    case ACT_SCROLL_UP:
        if (scroll) {
            if (l->top > 0)
                l->top--;
            l->sel = l->top;
        } else if (l->sel > 0) {
            l->sel--;
        }
        return true;
    case ACT_PAGE_DOWN:
        l->sel = l->sel + page < l->n ? l->sel + page : last;
        if (scroll)
            l->top = l->sel;
        return true;
    case ACT_PAGE_UP:
        l->sel = l->sel > page ? l->sel - page : 0;
        if (scroll)
            l->top = l->sel;
        return true;
    case ACT_TOP:
        l->sel = 0;
        l->top = 0;
        return true;
    case ACT_BOTTOM:
        l->sel = last;
        return true;
    default:
        return false;
    }
}

/* ---- menus and the help ---------------------------------------------------- */

static bool is_help(const struct ui *ui)
{
    return ui->overlay == &ui_mode_help;
}

static bool matches(const struct search *s, const char *str)
{
    size_t hit, end;
    return search_find(s, str, 0, strlen(str), 0, false, &hit, &end);
}

/* Show the items the filter `f` matches (NULL or "": all), keeping the
 * selected item selected when it is still shown. */
static void menu_refilter(struct ui_menu *m, const char *f)
{
    size_t keep = m->list.n ? m->shown[m->list.sel] : (size_t)-1;
    struct search *s = f && *f ? search_new(f, strlen(f)) : NULL;
    m->list.n = 0;
    m->list.sel = 0;
    for (size_t i = 0; i < m->n_items; i++) {
        if (s && !matches(s, m->items[i]))
            continue;
        if (i == keep)
            m->list.sel = m->list.n;
        m->shown[m->list.n++] = i;
    }
    search_free(s);
}

static void menu_set(struct ui *ui, const struct ui_mode *mode, char *title, char **items,
                     size_t n, size_t sel, ui_choose_fn *choose)
{
    ui_menu_close(ui);
    struct ui_menu *m = &ui->menu;
    m->title = title;
    m->items = items;
    m->n_items = n;
    m->shown = xcalloc(n + 1, sizeof *m->shown);
    for (size_t i = 0; i < n; i++)
        m->shown[i] = i;
    m->list.n = n;
    m->list.sel = sel < n ? sel : 0;
    m->list.top = 0;
    m->choose = choose;
    ui->overlay = mode;
}

void ui_menu_open(struct ui *ui, char *title, char **items, size_t n, size_t sel,
                  ui_choose_fn *choose)
{
    menu_set(ui, &ui_mode_menu, title, items, n, sel, choose);
}

void ui_menu_on_delete(struct ui *ui, ui_choose_fn *remove)
{
    ui->menu.remove = remove;
}

void ui_help_open(struct ui *ui, char *title, char **items, size_t n)
{
    menu_set(ui, &ui_mode_help, title, items, n, 0, NULL);
}

void ui_menu_close(struct ui *ui)
{
    struct ui_menu *m = &ui->menu;
    for (size_t i = 0; i < m->n_items; i++)
        free(m->items[i]);
    free(m->items);
    free(m->shown);
    free(m->title);
    free(m->filter);
    memset(m, 0, sizeof *m);
    if (ui->overlay == &ui_mode_menu || ui->overlay == &ui_mode_help)
        ui->overlay = NULL;
}

static void menu_leave(struct ui *ui)
{
    ui_menu_close(ui);
}

static void menu_draw(struct ui *ui)
{
    struct ui_menu *m = &ui->menu;
    bool help = is_help(ui);
    int first, rows;
    ui_list_rows(&first, &rows);
    ui_list_fit(&m->list, rows);
    if (first)
        ui_put(0, 1 < COLS ? 1 : 0, COLS, m->title, strlen(m->title), ui->a_bold);
    for (int r = 0; r < rows && m->list.top + (size_t)r < m->list.n; r++) {
        size_t i = m->list.top + (size_t)r;
        const char *item = m->items[m->shown[i]];
        attr_t a = i == m->list.sel && !help ? ui->a_sel : A_NORMAL;
        if (a != A_NORMAL) {
            attrset(a);
            mvhline(first + r, 0, ' ', COLS);
            attrset(A_NORMAL);
        }
        ui_put(first + r, 1 < COLS ? 1 : 0, COLS, item, strlen(item), a);
    }
    if (LINES >= 2) {
        char right[64], left[300];
        snprintf(right, sizeof right, "%zu/%zu", m->list.n ? m->list.sel + 1 : 0, m->list.n);
        char k1[32], k2[32], k3[32];   /* the keys in force, remaps too */
        ui_keys_hint(UI_CTX_MENU, ACT_LINE_DOWN, 'j', k1, sizeof k1);
        ui_keys_hint(UI_CTX_MENU, ACT_LINE_UP, 'k', k2, sizeof k2);
        ui_keys_hint(UI_CTX_MENU, ACT_OPEN, '\n', k3, sizeof k3);
        if (ui->msg[0])
            snprintf(left, sizeof left, "%s", ui->msg);
        else if (help)
            snprintf(left, sizeof left, "%s/%s scroll  %s close", k1, k2,
                     ui_keys_hint(UI_CTX_MENU, ACT_CLOSE, 'q', k3, sizeof k3));
        else if (m->filter)
            snprintf(left, sizeof left, "filter: %s  (/ Esc clears)  %s choose", m->filter, k3);
        else
            snprintf(left, sizeof left, "%s choose  %s close", k3,
                     ui_keys_hint(UI_CTX_MENU, ACT_CLOSE, UI_KEY_ESC, k1, sizeof k1));
        ui_bottom(ui, LINES - 1, left, right);
    }
}

static void filter_changed(struct ui *ui, const char *t)
{
    menu_refilter(&ui->menu, t);
}

static void filter_done(struct ui *ui, const char *t, bool keep)
{
    struct ui_menu *m = &ui->menu;
    free(m->filter);
    m->filter = keep && *t ? xstrdup(t) : NULL;
    menu_refilter(m, m->filter);
    if (m->filter && m->list.n == 0)
        ui_msg(ui, "nothing matches \"%s\" (/ then Esc shows all)", m->filter);
}

/* A digit typed: the number so far picks item `number` of the whole list. */
static void menu_digit(struct ui *ui, int key)
{
    struct ui_menu *m = &ui->menu;
    if (m->number < 100000000UL)
        m->number = m->number * 10 + (unsigned long)(key - '0');
    if (m->filter) {
        free(m->filter);
        m->filter = NULL;
        menu_refilter(m, NULL);
    }
    if (m->number >= 1 && m->number <= m->n_items)
        m->list.sel = m->number - 1;
    else
        ui_msg(ui, "no entry %lu here (1-%zu)", m->number, m->n_items);
}

/* The handler of every row of the menus' key table. */
static void menu_act(struct ui *ui, enum ui_action act, int key)
{
    struct ui_menu *m = &ui->menu;
    int first, rows;
    ui_list_rows(&first, &rows);
    if (act == ACT_DIGIT) {
        if (!is_help(ui))
            menu_digit(ui, key);
        return;
    }
    m->number = 0;
    if (ui_list_move(&m->list, act, (size_t)rows, is_help(ui)))
        return;
    if (act == ACT_OPEN && !is_help(ui) && m->list.n > 0) {
        ui_choose_fn *choose = m->choose;
        size_t item = m->shown[m->list.sel];
        ui_menu_close(ui);
        if (choose)
            choose(ui, item);
    } else if (act == ACT_DELETE_MARK) {
        if (m->remove && !is_help(ui) && m->list.n > 0)
            m->remove(ui, m->shown[m->list.sel]);
        else if (!is_help(ui))
            ui_msg(ui, "nothing here to delete");
    } else if (act == ACT_CLOSE && key == UI_KEY_ESC && m->filter) {
        filter_done(ui, "", false);   /* Esc drops the filter first */
    } else if (act == ACT_OPEN || act == ACT_CLOSE) {
        ui_menu_close(ui);
    } else if (act == ACT_FILTER && !is_help(ui)) {
        ui_prompt_open(ui, '/', filter_changed, filter_done);
    } else if (act == ACT_REDRAW) {
        ui_redraw(ui, act, key);
    }
}

static void menu_key(struct ui *ui, int key)
{
    const struct ui_binding *b = ui_keys_find(UI_CTX_MENU, key);
    if (b)
        b->run(ui, b->action, key);
    else
        ui->menu.number = 0;
}

#define KC(k) UI_KC(k)

static const struct ui_binding menu_keys[] = {
    {ACT_SCROLL_DOWN, "scroll_down", "wheel down", "scroll down", {UI_KEY_WHEEL_DOWN}, menu_act},
    {ACT_SCROLL_UP, "scroll_up", "wheel up", "scroll up", {UI_KEY_WHEEL_UP}, menu_act},
    {ACT_REDRAW, "redraw", NULL, "redraw the screen", {0x0c}, menu_act},
    {ACT_LINE_DOWN, "line_down", NULL, "next item", {'j', KC(KEY_DOWN)}, menu_act},
    {ACT_LINE_UP, "line_up", NULL, "previous item", {'k', KC(KEY_UP)}, menu_act},
    {ACT_PAGE_DOWN, "next_page", NULL, "a page down", {KC(KEY_NPAGE), ' ', 'f'}, menu_act},
    {ACT_PAGE_UP, "prev_page", NULL, "a page up", {KC(KEY_PPAGE), 'b'}, menu_act},
    {ACT_TOP, "chapter_start", NULL, "first item", {'g', KC(KEY_HOME)}, menu_act},
    {ACT_BOTTOM, "chapter_end", NULL, "last item", {'G', KC(KEY_END)}, menu_act},
    {ACT_OPEN, "open", NULL, "choose the item", {UI_ENTERS}, menu_act},
    {ACT_CLOSE, "close", NULL, "close the menu", {UI_KEY_ESC, 'q', KC(KEY_LEFT)}, menu_act},
    {ACT_DIGIT, "count", "0-9", "go to entry number N (chapter N in the contents)",
     {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9'}, menu_act},
    {ACT_FILTER, "filter", NULL, "show only the entries with the text typed (Esc clears)", {'/'},
     menu_act},
    {ACT_DELETE_MARK, "delete_mark", NULL, "delete the bookmark selected (in the B list)", {'d'},
     menu_act},
    {ACT_NONE, NULL, NULL, NULL, {0}, NULL},
};

const struct ui_mode ui_mode_menu = {
    .name = "menu",
    .leave = menu_leave,
    .key = menu_key,
    .draw = menu_draw,
    .keys = menu_keys,
    .covers = true,
};

const struct ui_mode ui_mode_help = {
    .name = "help",
    .leave = menu_leave,
    .key = menu_key,
    .draw = menu_draw,
    .keys = menu_keys,
    .covers = true,
};

/* ---- the prompt line --------------------------------------------------------- */

void ui_prompt_open(struct ui *ui, char lead, ui_prompt_fn *changed, ui_prompt_done_fn *done)
{
    buf_free(&ui->prompt.text);
    ui->prompt.lead = lead;
    ui->prompt.changed = changed;
    ui->prompt.done = done;
    ui->prompt.hist = NULL;
    ui->prompt.back = 0;
    buf_adds(&ui->prompt.text, "");
    ui->line = &ui_mode_prompt;
}

void ui_prompt_history(struct ui *ui, struct ui_history *h)
{
    ui_history_load(h);
    ui->prompt.hist = h;
    ui->prompt.back = 0;
}

/* Up (older) or Down (newer, then the text typed before Up). */
static bool prompt_recall(struct ui_prompt *p, bool older)
{
    if (!p->hist)
        return false;
    size_t to = older ? p->back + 1 : p->back - 1;
    const char *t = older ? ui_history_get(p->hist, to) : to ? ui_history_get(p->hist, to) : p->typed;
    if ((older && !t) || (!older && p->back == 0))
        return false;
    if (p->back == 0) {
        free(p->typed);
        p->typed = xstrdup(p->text.data ? p->text.data : "");
    }
    p->back = to;
    p->text.len = 0;
    buf_adds(&p->text, t ? t : "");
    return true;
}

bool ui_prompt_enter(int key)
{
    return key == '\n' || key == '\r' || key == UI_KC(KEY_ENTER);
}

static void prompt_leave(struct ui *ui)
{
    buf_free(&ui->prompt.text);
    free(ui->prompt.typed);
    memset(&ui->prompt, 0, sizeof ui->prompt);
    if (ui->line == &ui_mode_prompt)
        ui->line = NULL;
}

/* The prompt is closed before its done function runs, so that a frame it
 * draws (a long search saying so: ui_busy_say) shows the bottom line. */
static void prompt_finish(struct ui *ui, bool run)
{
    ui_prompt_done_fn *done = ui->prompt.done;
    char *t = xstrdup(ui->prompt.text.data ? ui->prompt.text.data : "");
    prompt_leave(ui);
    if (done)
        done(ui, t, run);
    free(t);
}

static void prompt_key(struct ui *ui, int key)
{
    struct buf *t = &ui->prompt.text;
    bool changed = false;
    if (key == UI_KEY_ESC) {
        prompt_finish(ui, false);
        return;
    }
    if (ui_prompt_enter(key)) {
        prompt_finish(ui, true);
        return;
    }
    if (key == UI_KC(KEY_BACKSPACE) || key == 127 || key == 8) {
        if (t->len == 0) {          /* Backspace on nothing cancels, as in less */
            prompt_finish(ui, false);
            return;
        }
        size_t i = t->len - 1;
        while (i > 0 && ((unsigned char)t->data[i] & 0xC0) == 0x80)
            i--;
        t->len = i;
        t->data[i] = '\0';
        changed = true;
    } else if (key == UI_KC(KEY_UP) || key == UI_KC(KEY_DOWN)) {
        changed = prompt_recall(&ui->prompt, key == UI_KC(KEY_UP));
    } else if (key == 0x15) {       /* C-u: clear */
        t->len = 0;
        t->data[0] = '\0';
        changed = true;
    } else if (key >= 32 && key != 127 && !(key & 0x3000000) && t->len < 512) {
        char mb[MB_LEN_MAX + 1];
        mbstate_t st;
        memset(&st, 0, sizeof st);
        size_t n = wcrtomb(mb, (wchar_t)key, &st);
        if (n != (size_t)-1) {
            buf_add(t, mb, n);
            changed = true;
        }
    }
    if (changed && ui->prompt.changed)
        ui->prompt.changed(ui, t->data);
}

static void prompt_draw(struct ui *ui)
{
    int y = LINES - 1, xmax = COLS;
    move(y, 0);
    clrtoeol();
    if (ui->test_frames) {
        char fr[32];
        snprintf(fr, sizeof fr, " #%lu", ui->frames);
        int w = (int)strlen(fr);
        if (w + 2 < COLS) {
            xmax = COLS - w;
            ui_put(y, xmax, COLS, fr, strlen(fr), A_DIM);
        }
    }
    char lead[2] = {ui->prompt.lead, 0};
    int x = ui_put(y, 0, xmax, lead, 1, A_BOLD);
    /* Show the end of the text when it does not fit. */
    const char *s = ui->prompt.text.data ? ui->prompt.text.data : "";
    size_t n = strlen(s);
    while (n > 0 && x + ui_cols(s, n) >= xmax) {
        size_t skip = 1;
        while (skip < n && ((unsigned char)s[skip] & 0xC0) == 0x80)
            skip++;
        s += skip;
        n -= skip;
    }
    x = ui_put(y, x, xmax, s, n, A_NORMAL);
    move(y, x < COLS ? x : COLS - 1);
}

const struct ui_mode ui_mode_prompt = {
    .name = "prompt",
    .leave = prompt_leave,
    .key = prompt_key,
    .draw = prompt_draw,
    .covers = false,
};
