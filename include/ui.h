/* ui.h — the interactive screens (library and reader).  The only module
 * that includes curses.
 *
 * Layer: ui (top).  Uses library, layout, search, bookmarks, config. */
#ifndef QUIRE_UI_H
#define QUIRE_UI_H

#include <stddef.h>

#include "bookmarks.h"
#include "config.h"
#include "library.h"

struct ui_start {
    struct story *story;   /* open this story at once (NULL: library screen) */
    bool resume;           /* open `story` at its saved position */
};

/* Run the screens until the reader quits.  Returns the exit status (0 on a
 * normal quit, 1 when the terminal cannot be used, with *err set). */
int ui_run(struct library *lib, struct bookmarks *bm, const struct config *cfg,
           const struct ui_start *start, char **err);

#endif
