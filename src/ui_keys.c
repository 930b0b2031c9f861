/* ui_keys.c — key bindings as data: each screen's table of {action, keys,
 * help, handler} (defined beside its handlers), registered here with the
 * config file's remaps applied; the screens look keys up in it and the help
 * screen is generated from it. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui_internal.h"
#include "util.h"

#define KC(k) UI_KC(k)

/* The tables in force: a copy of each registered table, remaps applied. */
static struct ui_binding *table[UI_N_CTX];
static size_t n_rows[UI_N_CTX];
static bool *remapped[UI_N_CTX];   /* per row: a config remap added a key */

static int n_keys(const struct ui_binding *b)
{
    int n = 0;
    while (n < UI_MAX_KEYS && b->keys[n])
        n++;
    return n;
}

static const struct {
    const char *name;
    int key;
} names[] = {
    {"Space", ' '}, {"Enter", '\n'}, {"Enter", '\r'}, {"Enter", KC(KEY_ENTER)},
    {"Esc", UI_KEY_ESC}, {"Tab", '\t'}, {"Backspace", KC(KEY_BACKSPACE)}, {"Backspace", 127},
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

/* Remove `key` from every row of context ctx. */
static void unbind(enum ui_ctx ctx, int key)
{
    for (size_t i = 0; i < n_rows[ctx]; i++) {
        struct ui_binding *b = &table[ctx][i];
        int n = n_keys(b);
        for (int k = 0; k < n; k++)
            if (b->keys[k] == key) {
                memmove(&b->keys[k], &b->keys[k + 1], (size_t)(n - k) * sizeof b->keys[0]);
                n--;
                k--;
            }
    }
}

static bool action_known(const char *name)
{
    for (int c = 0; c < UI_N_CTX; c++)
        for (size_t i = 0; i < n_rows[c]; i++)
            if (strcmp(table[c][i].name, name) == 0)
                return true;
    return false;
}

/* Bind `key` (and the other codes it arrives as) to every row named
 * `action`, taking it from the rows of the same context. */
static void bind(const char *action, int key)
{
    /* Enter and Backspace arrive as several codes: bind them all. */
    int all[3] = {key, -1, -1};
    if (key == '\n') {
        all[1] = '\r';
        all[2] = KC(KEY_ENTER);
    } else if (key == KC(KEY_BACKSPACE)) {
        all[1] = 127;
        all[2] = 8;
    }
    for (int c = 0; c < UI_N_CTX; c++)
        for (size_t i = 0; i < n_rows[c]; i++) {
            struct ui_binding *b = &table[c][i];
            if (strcmp(b->name, action) != 0)
                continue;
            for (int k = 0; k < 3 && all[k] >= 0; k++) {
                unbind((enum ui_ctx)c, all[k]);
                int n = n_keys(b);
                if (n < UI_MAX_KEYS) {
                    b->keys[n] = all[k];
                    b->keys[n + 1] = 0;
                }
                remapped[c][i] = true;
            }
        }
}

int ui_keys_init(const struct config *cfg, FILE *diag,
                 const struct ui_binding *const tables[UI_N_CTX])
{
    for (int c = 0; c < UI_N_CTX; c++) {
        size_t n = 0;
        while (tables[c] && tables[c][n].action != ACT_NONE)
            n++;
        free(table[c]);
        free(remapped[c]);
        table[c] = n ? xmalloc(n * sizeof *table[c]) : NULL;
        remapped[c] = xcalloc(n + 1, sizeof *remapped[c]);
        if (n)
            memcpy(table[c], tables[c], n * sizeof *table[c]);
        n_rows[c] = n;
    }
    int problems = 0;
    for (int r = 0; cfg && r < cfg->n_remap; r++) {
        const struct config_remap *rm = &cfg->remap[r];
        int key = ui_key_parse(rm->key);
        if (!action_known(rm->action) || key < 0) {
            if (diag)
                fprintf(diag, "quire: %s:%d: key.%s = %s: %s\n", cfg->path ? cfg->path : "config",
                        rm->line, rm->action, rm->key,
                        key < 0 ? "a key the reader does not know" : "no such action (see quire(1))");
            problems++;
            continue;
        }
        bind(rm->action, key);
    }
    return problems;
}

const struct ui_binding *ui_keys_find(enum ui_ctx ctx, int key)
{
    for (size_t i = 0; i < n_rows[ctx]; i++) {
        const struct ui_binding *b = &table[ctx][i];
        for (int k = 0; k < UI_MAX_KEYS && b->keys[k]; k++)
            if (b->keys[k] == key)
                return b;
    }
    return NULL;
}

const char *ui_keys_hint(enum ui_ctx ctx, enum ui_action act, int prefer, char *buf,
                         size_t size)
{
    snprintf(buf, size, "?");
    for (size_t i = 0; i < n_rows[ctx]; i++) {
        const struct ui_binding *b = &table[ctx][i];
        int n = n_keys(b);
        if (b->action != act || n == 0)
            continue;
        int k = remapped[ctx][i] ? n - 1 : 0;
        for (int j = 0; !remapped[ctx][i] && j < n; j++)
            if (b->keys[j] == prefer)
                k = j;
        /* Enter and Backspace came as several codes: name the first. */
        while (k > 0 && (b->keys[k] == '\r' || b->keys[k] == KC(KEY_ENTER) ||
                         b->keys[k] == 127 || b->keys[k] == 8))
            k--;
        return ui_key_name(b->keys[k], buf, size);
    }
    return buf;
}

enum ui_action ui_keys_lookup(enum ui_ctx ctx, int key)
{
    const struct ui_binding *b = ui_keys_find(ctx, key);
    return b ? b->action : ACT_NONE;
}

/* A help row is drawn from column 1: in an 80-column terminal it has 79
 * columns.  A longer row goes on in rows of its own under its text. */
#define HELP_COLS 79

/* Add "KEYS  TEXT" to out[*m], TEXT broken at spaces into as many rows as
 * it takes to fit HELP_COLS columns (a word longer than that is left
 * whole); *cap grows as needed.  Key names and help texts are ASCII (the
 * tables in ui_reader.c, ui_library.c, ui_menu.c): a byte is a column. */
static void help_rows(char ***out, size_t *m, size_t *cap, const char *keys, const char *text)
{
    int indent = strlen(keys) < 20 ? 20 : (int)strlen(keys);
    size_t room = indent + 1 < HELP_COLS ? (size_t)(HELP_COLS - indent - 1) : 1;
    bool first = true;
    do {
        size_t len = strlen(text), cut = len;
        if (len > room) {
            /* the last space before the text passes the room */
            size_t sp = 0;
            for (size_t i = 0; i < len; i++) {
                if (text[i] != ' ')
                    continue;
                if (i > room && sp > 0)
                    break;
                sp = i;   /* the first space, when no word fits */
                if (i > room)
                    break;
            }
            if (sp > 0)
                cut = sp;
        }
        if (*m + 1 >= *cap) {
            *cap *= 2;
            *out = xrealloc(*out, *cap * sizeof **out);
        }
        (*out)[(*m)++] = xasprintf("%-*s %.*s", indent, first ? keys : "", (int)cut, text);
        first = false;
        text += cut;
        while (*text == ' ')
            text++;
    } while (*text);
}

char **ui_keys_help(enum ui_ctx ctx, size_t *n)
{
    size_t cap = n_rows[ctx] + 1;
    char **out = xcalloc(cap, sizeof *out);
    size_t m = 0;
    for (size_t i = 0; i < n_rows[ctx]; i++) {
        const struct ui_binding *b = &table[ctx][i];
        if (n_keys(b) == 0)
            continue;
        struct buf keys = {0};
        char name[32], seen[UI_MAX_KEYS][32];
        int n_seen = 0;
        for (int k = 0; k < n_keys(b); k++) {
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
        help_rows(&out, &m, &cap, shown.data, b->help);
        buf_free(&shown);
        buf_free(&keys);
    }
    out[m] = NULL;
    *n = m;
    return out;
}
