/* bookmarks.h — the bookmark store: last position and named marks of every
 * story, kept under $XDG_STATE_HOME/quire/ (docs/FORMATS.md has the file
 * format).
 *
 * Layer: library (uses the story model; no curses, no layout).
 *
 * Safety: every save locks the store, re-reads it, merges this process's
 * changes over it and replaces the file atomically (temporary file, fsync,
 * rename, fsync of the folder).  A file that cannot be parsed is moved aside
 * (never overwritten) with a one-line warning.  A folder that cannot be
 * written gives a warning once, and reading goes on. */
#ifndef QUIRE_BOOKMARKS_H
#define QUIRE_BOOKMARKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "library.h"

/* A position: a chapter and a byte offset in it, plus what is needed to find
 * it again when the files change. */
struct bm_pos {
    char chapter_key[17];  /* struct chapter.key */
    size_t chapter;        /* chapter index (0-based) when saved: a hint */
    size_t off;            /* byte offset from the chapter's start (ed.start) */
    char context[49];      /* up to 48 bytes of text at off (UTF-8, whole
                              characters, no tabs/newlines): re-anchors */
    double percent;        /* through the story when saved, for listings */
    time_t when;           /* when saved */
};

struct bookmarks;   /* the store (opaque) */

/* Open the store in `dir` (NULL: the XDG default).  Never fails: problems
 * become warnings printed once to stderr as "quire: WHAT: WHY" (or kept for
 * the caller via bookmarks_warning when quiet).  */
struct bookmarks *bookmarks_open(const char *dir, bool quiet);
void bookmarks_close(struct bookmarks *b);   /* saves pending changes; NULL ok */

/* The last warning (moved-aside file, unwritable folder), or NULL. */
const char *bookmarks_warning(const struct bookmarks *b);

/* The last position in the story with `story_id`.  false when none. */
bool bookmarks_get_last(const struct bookmarks *b, const char *story_id, struct bm_pos *out);
/* Remember the last position (in memory; bookmarks_save writes). */
void bookmarks_set_last(struct bookmarks *b, const char *story_id, const char *title,
                        const struct bm_pos *pos);

/* Named marks: letter is 'a'..'z' or 'A'..'Z'. */
bool bookmarks_get_mark(const struct bookmarks *b, const char *story_id, char letter,
                        struct bm_pos *out);
void bookmarks_set_mark(struct bookmarks *b, const char *story_id, const char *title,
                        char letter, const struct bm_pos *pos);
/* Letters of the marks set for the story, in order, NUL-terminated, into buf
 * (at least 53 bytes). */
void bookmarks_marks(const struct bookmarks *b, const char *story_id, char *buf);

/* The id of the most recently read story, or NULL. */
const char *bookmarks_most_recent(const struct bookmarks *b);

/* Write pending changes now (lock, re-read, merge, atomic replace).
 * 0, or -1 when the store cannot be written (a warning was recorded). */
int bookmarks_save(struct bookmarks *b);

/* Make a position for byte `off` (absolute, in the preferred edition's text)
 * in chapter `ci` of story `s`. */
void bookmarks_make_pos(struct story *s, size_t ci, size_t off, struct bm_pos *out);

/* Find a saved position in story `s` as it is now: the chapter by its key
 * (falling back to the index hint), the offset re-anchored by context when
 * the text moved.  Sets *ci and *off (absolute offset in the preferred
 * edition's text).  false when the story has no chapters. */
bool bookmarks_resolve(struct story *s, const struct bm_pos *pos, size_t *ci, size_t *off);

/* `quire --bookmarks`: every saved position, most recent first: story,
 * chapter, percent, when. Returns 0 or -1 on a write error. */
int bookmarks_print(const struct bookmarks *b, struct library *lib, FILE *out);

#endif
