/* ui.h — the interactive screens (library and reader).  The only module
 * that includes curses.
 *
 * Layer: ui (top).  Uses library, layout, search, bookmarks, config. */
#ifndef QUIRE_UI_H
#define QUIRE_UI_H

#include <stddef.h>
#include <stdio.h>

#include "bookmarks.h"
#include "config.h"
#include "library.h"
#include "loader.h"
#include "seen.h"

struct ui_start {
    struct story *story;   /* open this story at once (NULL: library screen) */
    bool resume;           /* open `story` at its saved position */
    bool alone;            /* `story` was named by its path: leaving the
                              reader quits (as less does), no library screen */
    struct loader *loader; /* NULL, or the whole library being read while
                              `story` is a partial one (library_open_head);
                              the loader stays the caller's to free */
    struct seen *seen;     /* the seen-chapters store (seen.h), or NULL:
                              `+N new`, the contents' marks, opening at the
                              first new chapter; saved with the bookmarks */
    struct seen **seen_later;  /* with `seen` NULL and `story` given: where
                              ui_run puts the store it opens (seen_open; the
                              caller closes it): before the screen when the
                              first frame needs it (the library screen, a
                              whole story), else (a partial story, whose
                              first frame shows nothing from it) right after
                              the first frame */
    size_t head;           /* with `loader`: the bytes of the file's head
                              (library_open_head's `head`), for the parse
                              memo's warming at quit (pmemo.h) */
    char *const *notes;    /* warnings from before the screen (the merge of
                              conflict copies at start): the first shown on
                              the first screen, all said on stderr after */
    size_t n_notes;
};

/* Check cfg's key remaps against the screens' key tables: each unknown
 * action or key is one line "quire: FILE:LINE: key.ACTION = KEY: WHY" on
 * diag; returns how many (quire --config-check counts them as problems). */
int ui_config_check(const struct config *cfg, FILE *diag);

/* Before the screen starts: wait for loader l (started), `say` written on
 * the terminal's line meanwhile ("converting NAME… (q quits)") and taken
 * back after.  Keys are read one by one: q ends the wait (false: quit),
 * and so do Ctrl-C, SIGTERM and SIGHUP; other ASCII keys are handed to the
 * screen when ui_run starts it.  True when the loader is ready. */
bool ui_wait_loader(struct loader *l, const char *say);

/* Run the screens on *lib until the reader quits.  Returns the exit status
 * (0 on a normal quit, 1 when the terminal cannot be used, with *err set).
 * When start->loader finishes, the screens take its library over: *lib is
 * then that library and the partial one is freed. */
int ui_run(struct library **lib, struct bookmarks *bm, const struct config *cfg,
           const struct ui_start *start, char **err);

#endif
