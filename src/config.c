/* config.c — the config file: `key = value` lines to struct config.
 *
 * Every problem is one warning through the diagnostics channel (diag.h),
 * the line "quire: FILE:LINE: WHY", and the setting keeps its previous
 * value; nothing here is fatal.  Lines are read by kv.h, on (pointer,
 * length), so a file with NUL bytes or no final newline is read the same
 * as any other. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <unictype.h>
#include <unistr.h>
#include <uniwidth.h>

#include "diag.h"
#include "kv.h"
#include "util.h"

#define CFG_STR2(x) #x
#define CFG_STR(x) CFG_STR2(x)

/* A config file larger than this is refused: it is not a config file. */
#define CONFIG_MAX_BYTES (1024 * 1024)

static const char *const themes[] = {"default", "dark", "light", "plain"};

/* Named keys in their canonical spelling, then accepted aliases. */
static const char *const key_names[] = {
    "Space", "Enter", "Tab", "Esc", "Backspace", "Delete", "Insert",
    "Up", "Down", "Left", "Right", "Home", "End", "PgUp", "PgDn",
};
static const struct { const char *alias, *name; } key_aliases[] = {
    {"PageDown", "PgDn"}, {"PageUp", "PgUp"}, {"Return", "Enter"},
    {"Escape", "Esc"}, {"Del", "Delete"}, {"Ins", "Insert"},
    {"BS", "Backspace"}, {"NPage", "PgDn"}, {"PPage", "PgUp"},
};

/* One file being read: the settings it fills, its name for messages, and
 * the diagnostics channel its problems go through (warnings: the setting
 * keeps its previous value). */
struct cfg_reader {
    struct config *c;
    const char *name;
    struct diag_sink diag;
};

__attribute__((format(printf, 3, 4)))
static void cfg_problem(struct cfg_reader *r, size_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *why = xvasprintf(fmt, ap);
    va_end(ap);
    if (line)
        diag_report(&r->diag, DIAG_WARNING, "%s:%zu: %s", r->name, line, why);
    else
        diag_report(&r->diag, DIAG_WARNING, "%s: %s", r->name, why);
    free(why);
}

/* A copy of s[0..n) safe to quote in a message: printable ASCII kept, other
 * bytes as '?', at most 40 bytes then "...". */
static char *cfg_quote(const char *s, size_t n)
{
    struct buf b = {0};
    buf_add(&b, "", 0);
    for (size_t i = 0; i < n && i < 40; i++)
        buf_addc(&b, (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?');
    if (n > 40)
        buf_adds(&b, "...");
    return b.data;
}

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* Parse a decimal integer filling all of s[0..n); false on anything else. */
static bool cfg_parse_int(const char *s, size_t n, long *out)
{
    if (n == 0 || n > 9)
        return false;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool cfg_eq(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(s, word, n) == 0;
}

static bool cfg_eq_nocase(const char *s, size_t n, const char *word)
{
    if (strlen(word) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = s[i], b = word[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return false;
    }
    return true;
}

static bool cfg_key_name_n(const char *s, size_t n, char out[32])
{
    if (n == 0)
        return false;
    /* One character: printable ASCII, or one printable UTF-8 character. */
    ucs4_t uc;
    int clen = u8_mbtoucr(&uc, (const uint8_t *)s, n);
    if (clen > 0 && (size_t)clen == n) {
        if (uc == ' ') {
            strcpy(out, "Space");
            return true;
        }
        if (!uc_is_print(uc) || uc_width(uc, "UTF-8") < 1)
            return false;
        memcpy(out, s, n);
        out[n] = '\0';
        return true;
    }
    /* C-x: control and a letter. */
    if (n == 3 && (s[0] == 'C' || s[0] == 'c') && s[1] == '-' &&
        ((s[2] >= 'a' && s[2] <= 'z') || (s[2] >= 'A' && s[2] <= 'Z'))) {
        out[0] = 'C';
        out[1] = '-';
        out[2] = (char)(s[2] | 0x20);
        out[3] = '\0';
        return true;
    }
    for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
        if (cfg_eq_nocase(s, n, key_names[i])) {
            strcpy(out, key_names[i]);
            return true;
        }
    for (size_t i = 0; i < sizeof key_aliases / sizeof key_aliases[0]; i++)
        if (cfg_eq_nocase(s, n, key_aliases[i].alias)) {
            strcpy(out, key_aliases[i].name);
            return true;
        }
    /* F1..F12 */
    if ((n == 2 || n == 3) && (s[0] == 'F' || s[0] == 'f')) {
        long f;
        if (cfg_parse_int(s + 1, n - 1, &f) && f >= 1 && f <= 12 && s[1] != '0') {
            snprintf(out, 32, "F%ld", f);
            return true;
        }
    }
    return false;
}

bool config_key_name(const char *name, char out[32])
{
    return name && cfg_key_name_n(name, strlen(name), out);
}

/* `~` or `~/rest` to $HOME/rest; anything else copied as it is. */
static char *cfg_expand_home(const char *v, size_t n)
{
    const char *home = getenv("HOME");
    if (n >= 1 && v[0] == '~' && (n == 1 || v[1] == '/') && home && *home) {
        size_t hl = strlen(home);
        while (hl > 1 && home[hl - 1] == '/')
            hl--;
        char *p = xmalloc(hl + n);
        memcpy(p, home, hl);
        memcpy(p + hl, v + 1, n - 1);
        p[hl + n - 1] = '\0';
        return p;
    }
    return xstrndup(v, n);
}

static void cfg_set_str(char **slot, char *value)
{
    free(*slot);
    *slot = value;
}

/* scene_break: valid UTF-8, printable, 1..CONFIG_BREAK_MAX_COLS columns. */
static const char *cfg_check_glyph(const char *v, size_t n)
{
    if (u8_check((const uint8_t *)v, n))
        return "is not valid UTF-8";
    size_t cols = 0;
    bool visible = false;
    for (size_t i = 0; i < n;) {
        ucs4_t uc;
        int clen = u8_mbtouc(&uc, (const uint8_t *)v + i, n - i);
        if (!uc_is_print(uc))
            return "holds a character that cannot be printed";
        int w = uc_width(uc, "UTF-8");
        if (w > 0)
            cols += (size_t)w;
        if (uc != ' ' && w > 0)
            visible = true;
        i += (size_t)clen;
    }
    if (!visible)
        return "shows nothing";
    if (cols > CONFIG_BREAK_MAX_COLS)
        return "is wider than " CFG_STR(CONFIG_BREAK_MAX_COLS) " columns";
    return NULL;
}

static void cfg_add_remap(struct config *c, struct cfg_reader *r, size_t line,
                          const char *action, size_t alen, const char *v, size_t n)
{
    if (alen == 0 || alen >= sizeof c->remap[0].action) {
        cfg_problem(r, line, "key.: an action name of 1 to 31 letters a-z or _ is needed");
        return;
    }
    for (size_t i = 0; i < alen; i++)
        if (!((action[i] >= 'a' && action[i] <= 'z') || action[i] == '_')) {
            char *q = cfg_quote(action, alen);
            cfg_problem(r, line, "key.%s: an action name is letters a-z and _", q);
            free(q);
            return;
        }
    char name[32];
    if (!cfg_key_name_n(v, n, name)) {
        char *q = cfg_quote(v, n);
        cfg_problem(r, line, "key.%.*s: '%s' is not a key name (one character, C-x, "
                    "or a name such as Space, Enter, PgDn, Up, F1)", (int)alen, action, q);
        free(q);
        return;
    }
    for (int i = 0; i < c->n_remap; i++)
        if (strcmp(c->remap[i].key, name) == 0 &&
            cfg_eq(action, alen, c->remap[i].action))
            return;   /* the same binding again: nothing to add */
    if (c->n_remap >= CONFIG_MAX_REMAPS) {
        cfg_problem(r, line, "key.%.*s: more than %d key remaps; this one is ignored",
                    (int)alen, action, CONFIG_MAX_REMAPS);
        return;
    }
    struct config_remap *m = &c->remap[c->n_remap++];
    memcpy(m->action, action, alen);
    m->action[alen] = '\0';
    strcpy(m->key, name);
    m->line = (int)line;
}

/* One `key = value` with both already trimmed (value unquoted). */
static void cfg_setting(struct config *c, struct cfg_reader *r, size_t line,
                        const char *k, size_t kn, const char *v, size_t n)
{
    if (kn >= 4 && memcmp(k, "key.", 4) == 0) {
        cfg_add_remap(c, r, line, k + 4, kn - 4, v, n);
        return;
    }
    if (cfg_eq(k, kn, "library")) {
        if (n == 0)
            cfg_problem(r, line, "library: a folder is needed");
        else
            cfg_set_str(&c->library, cfg_expand_home(v, n));
        return;
    }
    if (cfg_eq(k, kn, "state_dir")) {
        char *dir = n ? cfg_expand_home(v, n) : NULL;
        if (dir && dir[0] == '/') {
            cfg_set_str(&c->state_dir, dir);
            return;
        }
        if (!dir) {
            cfg_problem(r, line, "state_dir: a folder is needed");
        } else {
            char *q = cfg_quote(v, n);
            cfg_problem(r, line, "state_dir: '%s' is not an absolute folder (or one under ~/)", q);
            free(q);
        }
        free(dir);
        return;
    }
    if (cfg_eq(k, kn, "width")) {
        long w;
        if (!cfg_parse_int(v, n, &w) || w < CONFIG_WIDTH_MIN || w > CONFIG_WIDTH_MAX) {
            char *q = cfg_quote(v, n);
            cfg_problem(r, line, "width: '%s' is not a number of columns from %d to %d",
                        q, CONFIG_WIDTH_MIN, CONFIG_WIDTH_MAX);
            free(q);
        } else {
            c->width = (int)w;
        }
        return;
    }
    if (cfg_eq(k, kn, "wrap")) {
        if (cfg_eq(v, n, "optimal"))
            c->wrap = WRAP_OPTIMAL;
        else if (cfg_eq(v, n, "greedy"))
            c->wrap = WRAP_GREEDY;
        else {
            char *q = cfg_quote(v, n);
            cfg_problem(r, line, "wrap: '%s' is not optimal or greedy", q);
            free(q);
        }
        return;
    }
    if (cfg_eq(k, kn, "scene_break")) {
        const char *why = n == 0 ? "is empty" : cfg_check_glyph(v, n);
        if (why)
            cfg_problem(r, line, "scene_break: the glyph %s", why);
        else
            cfg_set_str(&c->break_glyph, xstrndup(v, n));
        return;
    }
    if (cfg_eq(k, kn, "notes")) {
        if (cfg_eq(v, n, "shown"))
            c->notes_folded = false;
        else if (cfg_eq(v, n, "folded"))
            c->notes_folded = true;
        else {
            char *q = cfg_quote(v, n);
            cfg_problem(r, line, "notes: '%s' is not shown or folded", q);
            free(q);
        }
        return;
    }
    if (cfg_eq(k, kn, "theme")) {
        for (size_t i = 0; i < sizeof themes / sizeof themes[0]; i++)
            if (cfg_eq(v, n, themes[i])) {
                cfg_set_str(&c->theme, xstrdup(themes[i]));
                return;
            }
        char *q = cfg_quote(v, n);
        cfg_problem(r, line, "theme: '%s' is not default, dark, light or plain", q);
        free(q);
        return;
    }
    if (cfg_eq(k, kn, "mouse")) {
        if (cfg_eq(v, n, "yes") || cfg_eq(v, n, "no")) {
            c->mouse = cfg_eq(v, n, "yes");
        } else {
            char *q = cfg_quote(v, n);
            cfg_problem(r, line, "mouse: '%s' is not yes or no", q);
            free(q);
        }
        return;
    }
    char *q = cfg_quote(k, kn);
    cfg_problem(r, line, "unknown key '%s'", q);
    free(q);
}

/* The config file's syntax (config.h): `#` comments; LF, CR LF and lone
 * CR end lines; a value in one pair of double quotes keeps its spaces. */
static const struct kv_syntax cfg_syntax = {.comment = "#", .cr_ends_line = true,
                                            .unquote = true};

/* One line that is not blank or a comment (kv.h). */
static void cfg_line(void *ctx, const struct kv_line *l)
{
    struct cfg_reader *r = ctx;
    switch (l->problem) {
    case KV_NUL:
        cfg_problem(r, l->line, "a NUL byte; the line is ignored");
        return;
    case KV_NO_EQUALS:
        cfg_problem(r, l->line, "not a 'key = value' line");
        return;
    case KV_NO_KEY:
        cfg_problem(r, l->line, "a key is missing before '='");
        return;
    case KV_OK:
        break;
    }
    for (size_t i = 0; i < l->val_len; i++)
        if ((unsigned char)l->val[i] < 0x20 || l->val[i] == 0x7f) {
            char *q = cfg_quote(l->key, l->key_len);
            cfg_problem(r, l->line, "%s: a control character in the value", q);
            free(q);
            return;
        }
    cfg_setting(r->c, r, l->line, l->key, l->key_len, l->val, l->val_len);
}

void config_init(struct config *c)
{
    memset(c, 0, sizeof *c);
    c->width = 72;
    c->wrap = WRAP_OPTIMAL;
    c->break_glyph = xstrdup("* * *");
    c->theme = xstrdup("default");
    c->mouse = true;
}

void config_free(struct config *c)
{
    free(c->library);
    free(c->state_dir);
    free(c->break_glyph);
    free(c->theme);
    free(c->path);
    memset(c, 0, sizeof *c);
}

int config_load_mem(struct config *c, const char *text, size_t len,
                    const char *name, FILE *diag)
{
    config_init(c);
    struct cfg_reader r = {.c = c, .name = name ? name : "config", .diag = diag_stream(diag)};
    kv_read(text, len, &cfg_syntax, cfg_line, &r);
    return diag_total(&r.diag);
}

/* Read at most CONFIG_MAX_BYTES of `path`, a regular file (read_file_max).
 * NULL with errno set (EFBIG when larger) on failure. */
static char *cfg_read(const char *path, size_t *len, char **err)
{
    return read_file_max(path, CONFIG_MAX_BYTES, len, err);
}

int config_load(struct config *c, const char *path, FILE *diag)
{
    char *owned = NULL;
    bool named = path != NULL;
    if (!path) {
        char *dir = xdg_dir("CONFIG");
        if (!dir) {
            config_init(c);
            return 0;
        }
        owned = xasprintf("%s/config", dir);
        free(dir);
        path = owned;
    }
    size_t len = 0;
    char *err = NULL;
    char *text = cfg_read(path, &len, &err);
    if (!text) {
        int e = errno;
        config_init(c);
        int problems = 0;
        if (named || e != ENOENT) {
            struct cfg_reader r = {.c = c, .name = path, .diag = diag_stream(diag)};
            const char *why = err ? err + strlen(path) + 2 : strerror(e);   /* after "PATH: " */
            cfg_problem(&r, 0, "%s; using the defaults",
                        e == EFBIG ? "larger than 1 MiB, not a config file" : why);
            problems = diag_total(&r.diag);
        }
        free(err);
        free(owned);
        return problems;
    }
    int problems = config_load_mem(c, text, len, path, diag);
    free(text);
    c->path = owned ? owned : xstrdup(path);
    return problems;
}

/* Print one value so that cfg_line reads it back unchanged: quoted when it
 * has spaces at either end or starts with a quote. */
static void cfg_print_value(FILE *out, const char *key, const char *v)
{
    size_t n = strlen(v);
    bool quote = n && (is_blank(v[0]) || is_blank(v[n - 1]) || v[0] == '"');
    fprintf(out, quote ? "%s = \"%s\"\n" : "%s = %s\n", key, v);
}

void config_print(const struct config *c, FILE *out)
{
    if (c->path)
        fprintf(out, "# quire settings: defaults, then %s\n", c->path);
    else
        fputs("# quire settings: the defaults\n", out);
    if (c->library)
        cfg_print_value(out, "library", c->library);
    else
        fputs("# library: not set ($QUIRE_LIBRARY, else the sample library)\n", out);
    if (c->state_dir)
        cfg_print_value(out, "state_dir", c->state_dir);
    else
        fputs("# state_dir: not set ($XDG_STATE_HOME/quire)\n", out);
    fprintf(out, "width = %d\n", c->width);
    fprintf(out, "wrap = %s\n", c->wrap == WRAP_GREEDY ? "greedy" : "optimal");
    cfg_print_value(out, "scene_break", c->break_glyph ? c->break_glyph : "* * *");
    cfg_print_value(out, "theme", c->theme ? c->theme : "default");
    fprintf(out, "mouse = %s\n", c->mouse ? "yes" : "no");
    fprintf(out, "notes = %s\n", c->notes_folded ? "folded" : "shown");
    for (int i = 0; i < c->n_remap; i++)
        fprintf(out, "key.%s = %s\n", c->remap[i].action, c->remap[i].key);
}
