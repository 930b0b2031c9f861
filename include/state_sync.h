/* state_sync.h — the state folder synced between machines: the conflict
 * copies a sync tool leaves are merged in at start, and `quire
 * --merge-state` merges files given by hand (docs/FORMATS.md, "Sync").
 *
 * Layer: build (above the bookmark store, whose merge is one row of the
 * table of state files; no curses).
 *
 * Every state file kind is one row of a table in state_sync.c: its name
 * in the folder, the word its first line starts with (NULL for a file
 * without one, known by its name alone), and its merge function
 * (statefile_merge_fn). */
#ifndef QUIRE_STATE_SYNC_H
#define QUIRE_STATE_SYNC_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* At start: for every kind, merge every conflict copy of DIR/NAME
 * (statefile_is_conflict; beside the file DIR/NAME names when it is a
 * symbolic link) into DIR/NAME, under the kind's lock
 * (DIR/NAME.lock: for the bookmarks, the save lock), and remove each copy
 * only after the merged file is written (atomically, fsynced).  A copy that
 * cannot be read at all is kept aside as DIR/NAME.bad-STAMP (never lost);
 * one with unreadable lines is merged and then kept aside so; one of a
 * newer format is left in place.  The state file itself is repaired as
 * the bookmark store does (kept aside when it cannot be read).  dir NULL:
 * the XDG state folder.  Problems are warnings through `sink`, one line
 * each; returns how many copies were merged. */
size_t state_sync_copies(const char *dir, struct diag_sink *sink);

/* `quire --merge-state FILE...`: merge each of the n files into the state
 * file of its kind (the word its first line starts with; for a kind
 * without one, its name: NAME or NAME.anything) in DIR (NULL: the XDG
 * state folder), under that file's lock; or, when `into` is not NULL,
 * into the file `into` (which must be of the same kind, or missing) — the
 * git merge driver's %A.  The given files are never changed.  Errors
 * (a file that cannot be read or is of no kind, unreadable lines skipped,
 * a target that cannot be written) go through `sink`, one line each.
 * Returns 0, or 1 when there was any error (what could be merged is). */
int state_sync_merge(const char *dir, const char *into, char *const *files, size_t n,
                     struct diag_sink *sink);

#endif
