/* config.h — settings from $XDG_CONFIG_HOME/quire/config (`key = value`).
 *
 * Layer: build (no curses).  Unknown keys and bad values are reported as
 * "quire: FILE:LINE: WHY" and skipped; they never stop quire.
 *
 * File syntax (docs/FORMATS.md, "Config file"): UTF-8 text, one `key = value`
 * per line; blank lines and lines whose first non-blank character is `#`
 * are ignored (a `#` later in a line is part of the value).  Spaces and tabs
 * around key and value are dropped; a value wrapped in one pair of double
 * quotes keeps its inner spaces ("  *  " stays five bytes).  LF, CRLF and CR
 * line ends and a leading UTF-8 BOM are accepted.  A key given twice: the
 * last one counts.  Values may not hold control characters. */
#ifndef QUIRE_CONFIG_H
#define QUIRE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "wrap.h"   /* enum layout_wrap */

#define CONFIG_MAX_REMAPS 64

/* Bounds of `width` (the pager's text column), in display columns. */
#define CONFIG_WIDTH_MIN 20
#define CONFIG_WIDTH_MAX 1000
/* Bound of `scene_break`, in display columns. */
#define CONFIG_BREAK_MAX_COLS 40

struct config_remap {
    char key[32];      /* key name, canonical (see config_key_name): "x",
                          "C-d", "PgDn", "Space" */
    char action[32];   /* action name, [a-z_]+, from the key table (ui_keys.c);
                          not checked here: the ui reports unknown actions */
    int line;          /* its line in the file, for those reports */
};

struct config {
    char *state_dir;           /* `state_dir =`: the state folder instead of
                                  $XDG_STATE_HOME/quire (a synced folder);
                                  NULL: not set; `~` expanded */
    char *library;             /* NULL: not set; `~` already expanded */
    int width;                 /* text column, columns; default 72 */
    enum layout_wrap wrap;     /* default WRAP_OPTIMAL */
    char *break_glyph;         /* default "* * *" */
    char *theme;               /* "default", "dark", "light", "plain" */
    bool mouse;                /* wheel and buttons in the reader; default true */
    bool notes_folded;         /* `notes = folded`: a story's notes folded
                                  until the reader chooses (`a`); default
                                  false (`shown`) */
    struct config_remap remap[CONFIG_MAX_REMAPS];  /* in file order */
    int n_remap;
    char *path;                /* the file read, or NULL */
};

/* Fill *c with the defaults (nothing read).  config_free releases it. */
void config_init(struct config *c);

/* Defaults, then the file at `path` (NULL: the XDG default, where a missing
 * file is fine; a named file that is missing or unreadable is one problem).
 * Problems go to `diag` (NULL: stderr) one line each; returns the number of
 * problems.  *c is always usable afterwards and must be config_free'd. */
int config_load(struct config *c, const char *path, FILE *diag);

/* Defaults, then `len` bytes of config text (any bytes, NULs included);
 * `name` is the file name used in messages.  Returns the number of
 * problems, like config_load.  c->path stays NULL. */
int config_load_mem(struct config *c, const char *text, size_t len,
                    const char *name, FILE *diag);

/* Release what *c owns; leaves it zeroed.  Safe on a zeroed struct. */
void config_free(struct config *c);

/* `quire --config-check`: print the effective settings as config lines that
 * config_load reads back to the same settings. */
void config_print(const struct config *c, FILE *out);

/* A key name as written in `key.<action> = NAME`, made canonical in `out`:
 * one printable character ("x", "?", "é"; a space is "Space"), `C-` and a
 * letter (lower case: "C-d"), or one of Space Enter Tab Esc Backspace Delete
 * Insert Up Down Left Right Home End PgUp PgDn F1..F12 (any case in,
 * this spelling out; "PageDown"/"PageUp"/"Return"/"Escape" are accepted as
 * PgDn/PgUp/Enter/Esc).  Returns false (out untouched) when `name` is none
 * of these. */
bool config_key_name(const char *name, char out[32]);

#endif
