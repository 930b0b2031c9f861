/* storyini.c — the story.ini pass of the library build: a folder's
 * title, author and chapter order (SPEC.md "Library"; docs/FORMATS.md).
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

/* A series index: digits, optionally a point and more digits ("2",
 * "1.5"), read without the locale; 0 when it is not one. */
static double index_value(const char *s)
{
    double v = 0, scale = 1;
    bool point = false, digit = false;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            digit = true;
            if (point)
                v += (scale /= 10) * (*p - '0');
            else if (v < 1e9)
                v = v * 10 + (*p - '0');
            else
                return 0;
        } else if (*p == '.' && !point) {
            point = true;
        } else {
            return 0;
        }
    }
    return digit ? v : 0;
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
    } else if (strcmp(key, "series") == 0) {
        free(ini->series);
        ini->series = *val ? val : NULL;
        if (*val)
            val = NULL;
    } else if (strcmp(key, "series_index") == 0) {
        double v = index_value(val);
        if (v > 0)
            ini->series_index = v;
        else
            build_note(r->b, "%s:%zu: series_index '%s' is not a number above 0 (ignored)",
                       r->shown, l->line, val);
    } else if (strcmp(key, "order") == 0) {
        ini_order(r, l->line, val);
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
