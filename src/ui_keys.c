/* ui_keys.c — key bindings as data: one table of {keys, action, help} that
 * the dispatcher looks keys up in and the help screen is generated from,
 * with the config file's remaps applied. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui_internal.h"
#include "util.h"

#define K(c) (c)
#define KC(k) UI_KC(k)
#define ENTERS '\n', '\r', KC(KEY_ENTER)

enum { R = UI_CTX_READER, L = UI_CTX_LIBRARY, M = UI_CTX_MENU };

static const struct ui_binding defaults[] = {
    {R, ACT_PAGE_DOWN, "next_page", NULL, "next page; at a chapter's end, on into the next chapter",
     {' ', 'f', KC(KEY_NPAGE), KC(KEY_RIGHT)}, 4},
    {R, ACT_PAGE_UP, "prev_page", NULL, "previous page", {'b', KC(KEY_PPAGE), KC(KEY_LEFT)}, 3},
    {R, ACT_LINE_DOWN, "line_down", NULL, "one line down", {'j', KC(KEY_DOWN), ENTERS}, 5},
    {R, ACT_LINE_UP, "line_up", NULL, "one line up", {'k', KC(KEY_UP)}, 2},
    {R, ACT_NEXT_CHAPTER, "next_chapter", NULL, "next chapter", {']'}, 1},
    {R, ACT_PREV_CHAPTER, "prev_chapter", NULL, "previous chapter", {'['}, 1},
    {R, ACT_TOP, "chapter_start", NULL, "start of the chapter", {'g', KC(KEY_HOME)}, 2},
    {R, ACT_BOTTOM, "chapter_end", NULL, "end of the chapter", {'G', KC(KEY_END)}, 2},
    {R, ACT_CONTENTS, "contents", NULL, "table of contents; Enter jumps", {'t'}, 1},
    {R, ACT_SEARCH_FWD, "search_forward", NULL, "search forward through the story", {'/'}, 1},
    {R, ACT_SEARCH_BACK, "search_backward", NULL, "search backward through the story", {'?'}, 1},
    {R, ACT_SEARCH_NEXT, "search_next", NULL, "repeat the search", {'n'}, 1},
    {R, ACT_SEARCH_PREV, "search_prev", NULL, "repeat the search the other way", {'N'}, 1},
    {R, ACT_SET_MARK, "set_mark", "%s + letter", "set a named bookmark", {'m'}, 1},
    {R, ACT_JUMP_MARK, "jump_mark", "%s + letter", "jump to a named bookmark ('' back to where you were)",
     {'\''}, 1},
    {R, ACT_LIST_MARKS, "list_marks", NULL, "list the bookmarks; Enter jumps", {'B'}, 1},
    {R, ACT_DIGIT, "count", "0-9", "a number: for %, or a count for moves",
     {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9'}, 10},
    {R, ACT_PERCENT, "percent", "digits + %s", "go to that percent of the story", {'%'}, 1},
    {R, ACT_HELP, "help", NULL, "this help: every key", {'h', KC(KEY_F(1))}, 2},
    {R, ACT_QUIT, "quit", NULL, "back to the library", {'q'}, 1},
    {R | L | M, ACT_SCROLL_DOWN, "scroll_down", "wheel down", "scroll down", {UI_KEY_WHEEL_DOWN}, 1},
    {R | L | M, ACT_SCROLL_UP, "scroll_up", "wheel up", "scroll up", {UI_KEY_WHEEL_UP}, 1},
    {R | L | M, ACT_REDRAW, "redraw", NULL, "redraw the screen", {0x0c}, 1},

    {L, ACT_LINE_DOWN, "line_down", NULL, "next story", {'j', KC(KEY_DOWN)}, 2},
    {L, ACT_LINE_UP, "line_up", NULL, "previous story", {'k', KC(KEY_UP)}, 2},
    {L, ACT_PAGE_DOWN, "next_page", NULL, "a page down", {KC(KEY_NPAGE), ' ', 'f'}, 3},
    {L, ACT_PAGE_UP, "prev_page", NULL, "a page up", {KC(KEY_PPAGE), 'b'}, 2},
    {L, ACT_TOP, "chapter_start", NULL, "first story", {'g', KC(KEY_HOME)}, 2},
    {L, ACT_BOTTOM, "chapter_end", NULL, "last story", {'G', KC(KEY_END)}, 2},
    {L, ACT_OPEN, "open", NULL, "open the story where you left it", {ENTERS, KC(KEY_RIGHT)}, 4},
    {L, ACT_FILTER, "filter", NULL, "filter by title or author (Esc clears)", {'/'}, 1},
    {L, ACT_HELP, "help", NULL, "this help", {'h', KC(KEY_F(1))}, 2},
    {L, ACT_QUIT, "quit", NULL, "quit", {'q'}, 1},

    {M, ACT_LINE_DOWN, "line_down", NULL, "next item", {'j', KC(KEY_DOWN)}, 2},
    {M, ACT_LINE_UP, "line_up", NULL, "previous item", {'k', KC(KEY_UP)}, 2},
    {M, ACT_PAGE_DOWN, "next_page", NULL, "a page down", {KC(KEY_NPAGE), ' ', 'f'}, 3},
    {M, ACT_PAGE_UP, "prev_page", NULL, "a page up", {KC(KEY_PPAGE), 'b'}, 2},
    {M, ACT_TOP, "chapter_start", NULL, "first item", {'g', KC(KEY_HOME)}, 2},
    {M, ACT_BOTTOM, "chapter_end", NULL, "last item", {'G', KC(KEY_END)}, 2},
    {M, ACT_OPEN, "open", NULL, "choose the item", {ENTERS}, 3},
    {M, ACT_CLOSE, "close", NULL, "close the menu", {27, 'q', KC(KEY_LEFT)}, 3},
};

#define N_BIND (sizeof defaults / sizeof defaults[0])
static struct ui_binding table[N_BIND];

static const struct {
    const char *name;
    int key;
} names[] = {
    {"Space", ' '}, {"Enter", '\n'}, {"Enter", '\r'}, {"Enter", KC(KEY_ENTER)},
    {"Esc", 27}, {"Tab", '\t'}, {"Backspace", KC(KEY_BACKSPACE)}, {"Backspace", 127},
    {"PgDn", KC(KEY_NPAGE)}, {"PgUp", KC(KEY_PPAGE)}, {"PageDown", KC(KEY_NPAGE)},
    {"PageUp", KC(KEY_PPAGE)}, {"Home", KC(KEY_HOME)}, {"End", KC(KEY_END)},
    {"Up", KC(KEY_UP)}, {"Down", KC(KEY_DOWN)}, {"Left", KC(KEY_LEFT)}, {"Right", KC(KEY_RIGHT)},
    {"Insert", KC(KEY_IC)}, {"Delete", KC(KEY_DC)},
    {"wheel-up", UI_KEY_WHEEL_UP}, {"wheel-down", UI_KEY_WHEEL_DOWN},
};

const char *ui_key_name(int key, char *buf, size_t size)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].key == key) {
            snprintf(buf, size, "%s", names[i].name);
            return buf;
        }
    if (key >= KC(KEY_F(1)) && key <= KC(KEY_F(12)))
        snprintf(buf, size, "F%d", key - KC(KEY_F(0)));
    else if (key & 0x3000000)
        snprintf(buf, size, "key-%d", key & 0xffffff);
    else if (key > 0 && key < 32)
        snprintf(buf, size, "C-%c", key + 'a' - 1);
    else {
        wchar_t wc[2] = {(wchar_t)key, 0};
        if (wcstombs(buf, wc, size) == (size_t)-1)
            snprintf(buf, size, "U+%04X", (unsigned)key);
    }
    return buf;
}

int ui_key_parse(const char *name)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(names[i].name, name) == 0)
            return names[i].key;
    if ((name[0] == 'F' || name[0] == 'f') && name[1] >= '1' && name[1] <= '9') {
        int n = atoi(name + 1);
        if (n >= 1 && n <= 12)
            return KC(KEY_F(n));
    }
    if ((name[0] == 'C' || name[0] == 'c') && name[1] == '-' && name[2] && !name[3]) {
        int c = name[2] | 0x20;
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 1;
    }
    wchar_t wc;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t len = strlen(name), r = mbrtowc(&wc, name, len, &st);
    if (len > 0 && r == len && wc > 32 && wc != 127)
        return (int)wc;
    return -1;
}

/* Remove `key` from every binding in the contexts `ctx`. */
static void unbind(unsigned ctx, int key)
{
    for (size_t i = 0; i < N_BIND; i++) {
        if (!(table[i].ctx & ctx))
            continue;
        for (int k = 0; k < table[i].n_keys; k++)
            if (table[i].keys[k] == key) {
                memmove(&table[i].keys[k], &table[i].keys[k + 1],
                        (size_t)(table[i].n_keys - k - 1) * sizeof table[i].keys[0]);
                table[i].n_keys--;
                k--;
            }
    }
}

int ui_keys_init(const struct config *cfg, FILE *diag)
{
    int problems = 0;
    memcpy(table, defaults, sizeof table);
    for (int r = 0; cfg && r < cfg->n_remap; r++) {
        const struct config_remap *rm = &cfg->remap[r];
        int key = ui_key_parse(rm->key);
        bool known = false;
        for (size_t i = 0; i < N_BIND; i++)
            if (strcmp(table[i].name, rm->action) == 0)
                known = true;
        if (!known || key < 0) {
            if (diag)
                fprintf(diag, "quire: %s: key.%s = %s: %s\n", cfg->path ? cfg->path : "config",
                        rm->action, rm->key,
                        key < 0 ? "a key the reader does not know" : "no such action (see quire(1))");
            problems++;
            continue;
        }
        /* Enter and Backspace arrive as several codes: bind them all. */
        int all[3] = {key, -1, -1};
        if (key == '\n') {
            all[1] = '\r';
            all[2] = KC(KEY_ENTER);
        } else if (key == KC(KEY_BACKSPACE)) {
            all[1] = 127;
            all[2] = 8;
        }
        for (size_t i = 0; i < N_BIND; i++) {
            if (strcmp(table[i].name, rm->action) != 0)
                continue;
            for (int k = 0; k < 3 && all[k] >= 0; k++) {
                unbind(table[i].ctx, all[k]);
                if (table[i].n_keys < UI_MAX_KEYS)
                    table[i].keys[table[i].n_keys++] = all[k];
            }
        }
    }
    return problems;
}

enum ui_action ui_keys_lookup(unsigned ctx, int key)
{
    for (size_t i = 0; i < N_BIND; i++) {
        if (!(table[i].ctx & ctx))
            continue;
        for (int k = 0; k < table[i].n_keys; k++)
            if (table[i].keys[k] == key)
                return table[i].action;
    }
    return ACT_NONE;
}

const struct ui_binding *ui_keys_table(size_t *n)
{
    *n = N_BIND;
    return table;
}

char **ui_keys_help(unsigned ctx, size_t *n)
{
    char **out = xcalloc(N_BIND, sizeof *out);
    size_t m = 0;
    for (size_t i = 0; i < N_BIND; i++) {
        const struct ui_binding *b = &table[i];
        if (!(b->ctx & ctx) || b->n_keys == 0)
            continue;
        struct buf keys = {0};
        char name[32], seen[UI_MAX_KEYS][32];
        int n_seen = 0;
        for (int k = 0; k < b->n_keys; k++) {
            ui_key_name(b->keys[k], name, sizeof name);
            bool dup = false;
            for (int d = 0; d < n_seen; d++)
                dup |= strcmp(seen[d], name) == 0;
            if (dup)
                continue;
            snprintf(seen[n_seen++], sizeof seen[0], "%s", name);
            buf_printf(&keys, "%s%s", keys.len ? " " : "", name);
        }
        /* keyhelp is a template: "%s" stands for the key list */
        struct buf shown = {0};
        const char *t = b->keyhelp ? b->keyhelp : "%s", *hole = strstr(t, "%s");
        if (hole) {
            buf_add(&shown, t, (size_t)(hole - t));
            buf_adds(&shown, keys.data);
            buf_adds(&shown, hole + 2);
        } else {
            buf_adds(&shown, t);
        }
        out[m++] = xasprintf("%-20s %s", shown.data, b->help);
        buf_free(&shown);
        buf_free(&keys);
    }
    *n = m;
    return out;
}
