/* render.h — `--render`: a story laid out as the pager lays it out, as plain
 * UTF-8 text on a stream (no escape codes).
 *
 * Layer: layout (uses library + layout; no curses). */
#ifndef QUIRE_RENDER_H
#define QUIRE_RENDER_H

#include <stdio.h>

#include "layout.h"
#include "library.h"

/* Print chapter `chapter` (1-based; 0 = every chapter) of story `s` at the
 * options' width.  Each output line fits in o->width columns; chapters are
 * separated by one blank line.  Returns 0, or -1 with *err set (no such
 * chapter, write error). */
int render_story(struct story *s, const struct layout_opts *o, size_t chapter,
                 FILE *out, char **err);

#endif
