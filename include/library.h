/* library.h — opening a library: a folder of files (or one file) built
 * into the story model of story.h.
 *
 * Layer: build, the top of it: the orchestration of the build passes
 * (docs/ARCHITECTURE.md).  Knows nothing of layout or the screen.
 *
 * library_open uses two caches under $XDG_CACHE_HOME/quire/: the snapshot
 * of the whole library (snapshot.h), used as it is while the folder walk
 * is unchanged, and else the index cache of each file's analysis
 * (cache.h). */
#ifndef QUIRE_LIBRARY_H
#define QUIRE_LIBRARY_H

#include <stdbool.h>
#include <stddef.h>

#include "story.h"

/* Scan the folder `root` recursively (hidden entries skipped, symlinks
 * followed with loop detection, non-text files skipped and recorded) and
 * build its stories.  `root` may also be a single file: a library of the one
 * story it holds.  Returns NULL with *err set when root cannot be read.
 * The per-file analysis it builds is freed before it returns; a caller that
 * will live on (the reader) gives that heap back with malloc_trim(0). */
struct library *library_open(const char *root, char **err);

/* A library_open that another thread may stop (the loader's, loader.h):
 * made by library_stop_new, given to library_open_stoppable, stopped by
 * library_stop_set, freed by library_stop_free once no build uses it. */
struct library_stop;

/* A stop not set yet.  Never NULL. */
struct library_stop *library_stop_new(void);

/* Stop the builds given ls: each looks at it between its passes (and
 * between files) and, once stopped, gives up (NULL, *err "stopped") and
 * writes nothing more to the caches.  Returns once no build given ls is
 * writing a cache file: a write under way (a whole file, written and
 * renamed: never a half-built entry) is waited for, none starts after.
 * A pass under way (one file's analysis) is not cut short: a caller that
 * must not wait for it leaves the build's thread to end with the process
 * (loader_free). */
void library_stop_set(struct library_stop *ls);

/* Has library_stop_set run on ls?  False for NULL. */
bool library_stopped(struct library_stop *ls);

/* NULL is a no-op. */
void library_stop_free(struct library_stop *ls);

/* library_open(root, err), stopped early when ls is set (NULL: never).
 * Test hook: QUIRE_TEST_HOLD_BUILD=FILE holds a build (not a snapshot's
 * answer) after its per-file analysis, before it writes the index cache,
 * until FILE exists, not looking at ls meanwhile: a pass that a stop
 * cannot cut short (it makes FILE.held first, to say it got there). */
struct library *library_open_stoppable(const char *root, struct library_stop *ls, char **err);

/* A library of the one story in the first `head` bytes of the regular file
 * `path`, cut back to a whole line (read again longer, up to 1 MiB, while
 * the cut would lose half of it; when the head holds no line end at all,
 * cut back to a whole word, else a whole character), for a first screen
 * that need not wait for
 * the whole file: the story has `partial` set, and its id, chapter keys and
 * byte offsets are those library_open(path) gives for the same text.  Any
 * encoding decode.h reads: the head decodes as the file's start does.  Its
 * `total` is the whole file's (for a converted encoding, an estimate from
 * the head's).  NULL with *err set when the head holds no whole character
 * of text or no story (the caller then opens the whole file).  No index cache
 * is read or written.  An EPUB or HTML file: its first whole chapters from
 * its derived file (derived.h) when it has one, else an EPUB's first
 * chapters converted (ebook.h, ebook_read_bytes_head); their offsets,
 * keys and text are the whole conversion's, `total` its length (for a
 * conversion's head, a guess); NULL when neither gives one. */
struct library *library_open_head(const char *path, size_t head, char **err);

/* A long story reopened at a saved place outside its head, without
 * waiting for the whole file: `head` is library_open_head's library of a
 * plain UTF-8 file (no byte order mark); the place is the one a bookmark
 * saved (bookmarks.h's struct bm_pos: the chapter's key, the place's byte
 * offset from the chapter's start, its context, its percent).  The
 * context is looked for around the percent's byte of the file (nearest
 * first), the chapter that would begin `off` bytes before it read from
 * there to about the head's size past the place (whole lines, at least
 * 8 KiB, and to the end of a line that would leave half of it unread),
 * and kept when its key is `key` (a place more than 64 KiB into its
 * chapter: the chapter's first 16 KiB and the place's lines are read, not
 * the bytes between, when those lines hold no heading): a library of one
 * partial story holding that chapter and the ones after it in the window
 * (the last may be cut), offsets the whole file's (its text is the file
 * mapped, of which only those bytes are checked and read), title, author,
 * id and the rest taken from the head's story (which loses them: free
 * the head after).  NULL with *err set when the place is not found so
 * (the caller then waits for the whole story).
 *
 * An EPUB or HTML head read from its derived file (derived.h): the
 * context is looked for around the percent's byte of the derived text,
 * and the chapters kept are the derived file's own (derived_chapters_from)
 * from the one that begins `off` bytes before the place to the first
 * with words that ends about a screen past it (the last cut at a line's
 * end), analysed as the whole story's are; the text and blocks are the
 * head's mapping, which the library takes over (the head keeps no
 * source).  No plugin is loaded.  A head converted from the zip has no
 * derived file: NULL. */
struct library *library_open_at(struct library *head, const char *key, size_t off,
                                const char *context, double percent, char **err);

#endif
