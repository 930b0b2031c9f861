/* bookmarks.h — the bookmark store: last position and named marks of every
 * story, kept under $XDG_STATE_HOME/quire/ (docs/FORMATS.md has the file
 * format).
 *
 * Layer: build (uses the story model; no curses, no layout).
 *
 * Safety: every save locks the store, re-reads it, merges this process's
 * changes over it and replaces the file atomically (temporary file, fsync,
 * rename, fsync of the folder).  A file that cannot be parsed is moved aside
 * (never overwritten) with a one-line warning; a file with some unreadable
 * lines is copied aside whole and rewritten with the good records.  A
 * folder that cannot be written gives a warning once, and reading goes on. */
#ifndef QUIRE_BOOKMARKS_H
#define QUIRE_BOOKMARKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "library.h"
#include "statefile.h"

/* A position: a chapter and a byte offset in it, plus what is needed to find
 * it again when the files change. */
struct bm_pos {
    char chapter_key[17];  /* struct chapter.key */
    size_t chapter;        /* chapter index (0-based) when saved: a hint */
    size_t off;            /* byte offset from the chapter's start (ed.start) */
    char context[49];      /* up to 48 bytes of text at off (UTF-8, whole
                              characters, each white space run as one
                              space): re-anchors */
    double percent;        /* through the story when saved, for listings
                              (kept to two decimals in the file) */
    time_t when;           /* when saved (0 given to a setter: now) */
    size_t n_chapters;     /* chapters in the story when saved (listings) */
    char chapter_title[81];/* the chapter's title when saved, up to 80 bytes
                              of whole UTF-8 characters (listings) */
};

struct bookmarks;   /* the store (opaque) */

/* Open the store in `dir` (NULL: the XDG default).  Never fails: problems
 * become warnings printed once to stderr as "quire: WHAT: WHY" (or kept for
 * the caller via bookmarks_warning when quiet).  Reads without locking; only
 * a file that needs repair (moved or copied aside) is locked and written
 * here.  A missing folder is not created until the first save. */
struct bookmarks *bookmarks_open(const char *dir, bool quiet);
void bookmarks_close(struct bookmarks *b);   /* saves pending changes; NULL ok */

/* The last warning (moved-aside file, unwritable folder), or NULL. */
const char *bookmarks_warning(const struct bookmarks *b);

/* Quiet: warnings are only kept for bookmarks_warning, not printed (the ui
 * sets this while curses owns the terminal). */
void bookmarks_set_quiet(struct bookmarks *b, bool quiet);

/* The store's file ("DIR/bookmarks"), or NULL when there is no folder
 * (neither $XDG_STATE_HOME nor $HOME). */
const char *bookmarks_path(const struct bookmarks *b);

/* Find the records of lib's stories saved under an earlier id of theirs
 * (struct story.alias: the first id rule, before a chapter was added in
 * front or the files were reordered) and move them to the story's id now,
 * in memory: afterwards every lookup by story.id finds them.  Per record
 * the newer WHEN wins.  An alias that is another story's id in lib is left
 * alone.  The file follows at the next save that writes it (the records
 * under the old id, as the file has them then, move too); adopting alone
 * never writes.  Call it with every library the store is used with (b or
 * lib NULL: nothing). */
void bookmarks_adopt(struct bookmarks *b, const struct library *lib);

/* The last position in the story with `story_id`.  false when none. */
bool bookmarks_get_last(const struct bookmarks *b, const char *story_id, struct bm_pos *out);
/* Remember the last position (in memory; bookmarks_save writes).  `title`
 * (NULL: keep the saved one) is remembered for listings.  Setting the same
 * place (chapter key, index, offset) again while this story already holds
 * the newest position changes nothing, so periodic saves of an idle reader
 * cost nothing.  An id must be 1..64 printable ASCII bytes without spaces
 * or backslashes (story.id is); other ids are ignored. */
void bookmarks_set_last(struct bookmarks *b, const char *story_id, const char *title,
                        const struct bm_pos *pos);

/* Named marks: letter is 'a'..'z' or 'A'..'Z'. */
bool bookmarks_get_mark(const struct bookmarks *b, const char *story_id, char letter,
                        struct bm_pos *out);
void bookmarks_set_mark(struct bookmarks *b, const char *story_id, const char *title,
                        char letter, const struct bm_pos *pos);
/* Delete the named mark `letter` of the story (in memory; bookmarks_save
 * writes).  What is kept is a tombstone: the mark was deleted at `when`
 * (0: now; never before the mark's own WHEN), so that merging a copy of
 * the store that still holds the mark (a sync tool's conflict copy,
 * another machine's file) keeps it deleted unless that copy's mark is
 * newer than the deletion.  false when the story has no such mark. */
bool bookmarks_delete_mark(struct bookmarks *b, const char *story_id, char letter, time_t when);
/* Letters of the marks set for the story, in order, NUL-terminated, into buf
 * (at least 53 bytes). */
void bookmarks_marks(const struct bookmarks *b, const char *story_id, char *buf);

/* The id of the story whose last position is newest, or NULL.  The string
 * stays valid until the next call of this function or bookmarks_close. */
const char *bookmarks_most_recent(const struct bookmarks *b);

/* Write pending changes now (lock, re-read, merge, atomic replace).
 * 0, or -1 when the store cannot be written (a warning was recorded, and
 * printed once unless quiet; the changes stay pending for the next try).
 * Does no I/O at all when nothing changed since the last save.  Merge: per
 * story and per record (last position, each mark, the title) the newer
 * `when` wins, this process's change on a tie; records only the file has
 * are kept.  Waits for another process's save to finish (flock); stop
 * signals (SIGTSTP, SIGTTIN, SIGTTOU) are held back while the lock is held. */
int bookmarks_save(struct bookmarks *b);

/* Make a position for byte `off` (absolute, in the preferred edition's text)
 * in chapter `ci` of story `s`. */
void bookmarks_make_pos(struct story *s, size_t ci, size_t off, struct bm_pos *out);

/* Find a saved position in story `s` as it is now: the chapter by its key
 * (falling back to the index hint), the offset re-anchored by context when
 * the text moved.  Sets *ci and *off (absolute offset in the preferred
 * edition's text).  false when the story has no chapters. */
bool bookmarks_resolve(struct story *s, const struct bm_pos *pos, size_t *ci, size_t *off);

/* For listings (`quire --bookmarks`, output.h): the stories the store
 * holds, in id order.  Sets the id and title ("" when unknown) of story i
 * (from 0); false when i is past the last or b is NULL.  Their positions
 * are bookmarks_get_last, bookmarks_marks and bookmarks_get_mark's. */
bool bookmarks_story(const struct bookmarks *b, size_t i, const char **id, const char **title);

/* For tests and fuzzing: parse the bytes of a bookmarks file into a store
 * tied to no folder (bookmarks_save on it does nothing; free it with
 * bookmarks_close).  Returns NULL with *err set when the file as a whole is
 * unreadable (no magic line, a newer format version, too big).  *bad_lines
 * (may be NULL) counts lines that were skipped as unreadable. */
struct bookmarks *bookmarks_parse(const char *data, size_t len, size_t *bad_lines,
                                  char **err);

/* The store in the file format (malloc'd, *len bytes, NUL-terminated). */
char *bookmarks_format(const struct bookmarks *b, size_t *len);

/* Two bookmarks files merged (a statefile_merge_fn: state_sync.c's row for
 * "bookmarks", used for conflict copies and --merge-state): per story and
 * record the later WHEN, then the greater DEVICE wins, a's on a full tie
 * (a tombstone over the mark it deleted); marks of both are kept,
 * tombstones honoured; lines neither understands are kept once each.
 * Touches no file. */
char *bookmarks_merge_files(const char *a, size_t alen, const char *b, size_t blen, size_t *len,
                            struct statefile_check *ca, struct statefile_check *cb);

#endif
