/* config.h — settings from $XDG_CONFIG_HOME/quire/config (`key = value`).
 *
 * Layer: library (no curses).  Unknown keys and bad values are reported as
 * "quire: FILE:LINE: WHY" and skipped; they never stop quire. */
#ifndef QUIRE_CONFIG_H
#define QUIRE_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "layout.h"

#define CONFIG_MAX_REMAPS 64

struct config_remap {
    char key[32];      /* key name as written: "x", "C-d", "PgDn", "Space" */
    char action[32];   /* action name from the key table (ui_keys.c) */
};

struct config {
    char *library;             /* NULL: not set */
    int width;                 /* text column, columns; default 72 */
    enum layout_wrap wrap;     /* default WRAP_OPTIMAL */
    char *break_glyph;         /* default "* * *" */
    char *theme;               /* "default", "dark", "light", "plain" */
    struct config_remap remap[CONFIG_MAX_REMAPS];
    int n_remap;
    char *path;                /* the file read, or NULL */
};

/* Defaults, then the file at `path` (NULL: the XDG default; a missing file
 * is fine).  Problems go to `diag` (NULL: stderr) one line each; returns the
 * number of problems. */
int config_load(struct config *c, const char *path, FILE *diag);
void config_free(struct config *c);
/* `quire --config-check`: print the effective settings as config lines. */
void config_print(const struct config *c, FILE *out);

#endif
