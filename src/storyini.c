/* storyini.c — the story.ini pass of the library build: a folder's
 * title, author, chapter order and place in a series (SPEC.md "Library";
 * docs/FORMATS.md).
 * Lines are read by kv.h; every problem is a note, never an error.  See
 * build.h. */
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "kv.h"
#include "util.h"

/* story.ini's syntax: `#`, `;` and `[` lines are comments (an INI section
 * header is accepted and ignored); only LF ends a line. */
static const struct kv_syntax ini_syntax = {.comment = "#;[", .cr_ends_line = false};

struct ini_reader {
    struct build *b;
    struct ini *ini;
    const char *shown;      /* the story.ini's path relative to the root */
};

/* `order = a.txt "b c.txt"`: names separated by spaces; "double quotes"
 * keep spaces. */
static void ini_order(struct ini_reader *r, size_t lineno, const char *val)
{
    struct ini *ini = r->ini;
    ini->has_order = true;
    const char *p = val;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        const char *startp, *endp;
        if (*p == '"') {
            startp = ++p;
            endp = strchr(p, '"');
            if (!endp) {
                build_note(r->b, "%s:%zu: unclosed quote in order", r->shown, lineno);
                endp = p + strlen(p);
            }
            p = *endp ? endp + 1 : endp;
        } else {
            startp = p;
            while (*p && *p != ' ' && *p != '\t')
                p++;
            endp = p;
        }
        ini->order = xreallocarray(ini->order, ini->n_order + 1, sizeof *ini->order);
        ini->order[ini->n_order++] = xstrndup(startp, (size_t)(endp - startp));
    }
}

/* `series_index = 2` (1.5 allowed: calibre's in-between parts): digits,
 * optionally a point and more digits (read here, not by strtod, so the
 * locale's decimal comma does not matter), above 0 and below a million;
 * anything else is a note and no index. */
static void ini_series_index(struct ini_reader *r, size_t lineno, const char *val)
{
    double v = 0, scale = 1;
    const char *p = val;
    size_t int_digits = 0, frac_digits = 0;
    for (; *p >= '0' && *p <= '9' && int_digits < 7; p++, int_digits++)
        v = v * 10 + (*p - '0');
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9' && frac_digits < 6; p++, frac_digits++)
            v += (*p - '0') * (scale /= 10);
    if (*p || !int_digits || !(v > 0 && v < 1e6)) {
        build_note(r->b, "%s:%zu: series_index '%s' is not a part number (ignored)", r->shown,
                   lineno, val);
        return;
    }
    r->ini->series_index = v;
}

static void ini_line(void *ctx, const struct kv_line *l)
{
    struct ini_reader *r = ctx;
    struct ini *ini = r->ini;
    if (l->problem) {
        build_note(r->b, "%s:%zu: not a `key = value` line (ignored)", r->shown, l->line);
        return;
    }
    char *key = xstrndup(l->key, l->key_len), *val = xstrndup(l->val, l->val_len);
    if (strcmp(key, "title") == 0) {
        free(ini->title);
        ini->title = val;
        val = NULL;
    } else if (strcmp(key, "author") == 0) {
        free(ini->author);
        ini->author = val;
        val = NULL;
    } else if (strcmp(key, "order") == 0) {
        ini_order(r, l->line, val);
    } else if (strcmp(key, "series") == 0) {
        free(ini->series);
        ini->series = *val ? val : NULL;
        if (*val)
            val = NULL;
    } else if (strcmp(key, "series_index") == 0) {
        ini_series_index(r, l->line, val);
    } else {
        build_note(r->b, "%s:%zu: unknown key '%s' (ignored)", r->shown, l->line, key);
    }
    free(key);
    free(val);
}

void ini_read(struct build *b, size_t idx)
{
    const struct scan_ini *si = &b->scan.ini[idx];
    char *err = NULL;
    size_t len;
    char *text = read_file(si->path, &len, &err);
    char *rel = strcmp(si->dir, ".") == 0 ? xstrdup("story.ini") : xasprintf("%s/story.ini", si->dir);
    if (!text) {
        build_note(b, "%s: %s (story.ini ignored)", rel, err ? err : "unreadable");
        free(err);
        free(rel);
        return;
    }
    struct ini_reader r = {b, &b->ini[idx], rel};
    /* the text ends at a NUL byte, as it always has */
    kv_read(text, strlen(text), &ini_syntax, ini_line, &r);
    free(text);
    free(rel);
}

void ini_free(struct ini *ini)
{
    free(ini->title);
    free(ini->author);
    free(ini->series);
    for (size_t i = 0; i < ini->n_order; i++)
        free(ini->order[i]);
    free(ini->order);
}
