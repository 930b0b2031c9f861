/* vis.h — text made safe to print on a terminal: the one escaping rule
 * every output of quire uses (--list in all its forms, --bookmarks, and
 * every "quire: ..." message, which may echo a file name, a title or a
 * command-line argument).
 *
 * Layer: base (above util only), so the diagnostics channel (diag.c) and
 * the output module (output.c) share it.
 *
 * The rule (SPEC.md "Output never garbles the terminal"), as `less` shows
 * such bytes: printable UTF-8 is kept as it is; tab, LF and CR become a
 * space (a listing is one line per item and a TSV field holds no tab);
 * every other C0 control and DEL is shown in caret notation (ESC as "^[",
 * BEL as "^G", DEL as "^?"); a C1 control (U+0080 to U+009F) as
 * "<U+009B>"; a byte that is not part of valid UTF-8 as "<FF>".  Nothing
 * else is changed, so text without such bytes prints byte for byte. */
#ifndef QUIRE_VIS_H
#define QUIRE_VIS_H

#include <stddef.h>

#include "util.h"

/* Append s[0, n) to o under the rule above. */
void vis_add(struct buf *o, const char *s, size_t n);

/* s (NUL-terminated) under the rule above, malloc'd. */
char *vis_str(const char *s);

#endif
