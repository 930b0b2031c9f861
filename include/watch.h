/* watch.h — noticing that an open story's files changed on disk.
 *
 * Layer: build (the reader's main loop calls it between keys; see
 * ui.c).  A story file rewritten while it is read (a downloader updating a
 * serial, an editor saving) is noticed by its stamp (size, modification
 * time in ns, device, inode: one stat per file whose text was read) or by
 * a guarded mapping that faulted (mapguard.h: the file shrank under a
 * read).  The caller then reads the library again and finds the story in
 * it with watch_find. */
#ifndef QUIRE_WATCH_H
#define QUIRE_WATCH_H

#include <stdbool.h>

#include "library.h"

/* Whether a file of s whose text was read is no longer what was read (or
 * a guarded mapping faulted since the last call: that clears the flag). */
bool watch_story_changed(struct story *s);

/* The story in fresh that old was: the same id, else the one that has it
 * as an alias (a chapter came in front), else the one whose first
 * chapter comes from the same file, else fresh's only story.  NULL when
 * there is none (the file is gone, empty or no longer text). */
struct story *watch_find(struct library *fresh, const struct story *old);

/* Take the files as they are now as s's own, so watch_story_changed is
 * false until they change again (after a re-read that failed). */
void watch_restamp(struct story *s);

#endif
