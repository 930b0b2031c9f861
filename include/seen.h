/* seen.h — the seen-chapters store: per story, the chapters the reader has
 * had on screen (and the ones the story had when they last read it), so
 * that chapters added since are "new" and a rewritten read chapter is
 * "revised".  Kept in `$XDG_STATE_HOME/quire/seen` (docs/FORMATS.md, "Seen
 * chapters"), beside the bookmarks and saved the same way.
 *
 * Layer: build (uses the story model and bookmark positions; no curses).
 *
 * A chapter is named by its key (struct chapter.key, from its own text),
 * so renamed files, re-downloads and editions keep it.  Per story and
 * chapter key the store keeps one record: `known` (the story had the
 * chapter when the reader last had the story open) or `seen` (the reader
 * had some of it on screen), with a digest of its normalised story text
 * when seen (0: not known, as for chapters counted seen from an old saved
 * position) and when.  A story with no record was never opened: it has
 * nothing new (everything is unread, not new).  New chapters are the
 * ones whose key the record lacks (note-only chapters and chapters with no
 * key never count).
 *
 * Safety: as the bookmarks (bookmarks.h): every save locks `seen.lock`,
 * re-reads the file, merges this process's records over it (seen_merge)
 * and replaces it atomically; an unreadable file is moved aside to
 * `seen.bad-TIMESTAMP` with a one-line warning; a file with unreadable
 * lines is copied aside whole before it is rewritten. */
#ifndef QUIRE_SEEN_H
#define QUIRE_SEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "bookmarks.h"
#include "story.h"

struct seen;   /* the store (opaque) */

/* Open the store in `dir` (NULL: the XDG state folder).  Never fails:
 * problems are warnings (printed once as "quire: WHAT: WHY" unless quiet;
 * the last one is seen_warning's).  Nothing is written until a save. */
struct seen *seen_open(const char *dir, bool quiet);
/* Save pending changes and free; NULL is a no-op. */
void seen_close(struct seen *s);
void seen_set_quiet(struct seen *s, bool quiet);
/* The last warning, or NULL. */
const char *seen_warning(const struct seen *s);

/* Write pending changes: lock, re-read, merge (seen_merge), replace
 * atomically.  No I/O when nothing changed.  0, or -1 (warning kept). */
int seen_save(struct seen *s);

/* Merge `from` into `into`: per story the union of their chapters; per
 * chapter `seen` beats `known`, and between two of a kind the later WHEN
 * wins (`from`'s on a tie).  Lines of unknown types are kept from both.
 * When `into` changed, its next seen_save writes it (so merging a conflict
 * copy into the open store, then saving, puts it in the file).  (The merge
 * a sync of two state folders uses.) */
void seen_merge(struct seen *into, const struct seen *from);

/* For tests and --merge-state: parse a file's bytes into a store tied to
 * no folder (never written).  NULL with *err when the file as a whole
 * cannot be read (no magic line, a newer format); *bad_lines (may be NULL)
 * counts skipped lines. */
struct seen *seen_parse(const char *data, size_t len, size_t *bad_lines, char **err);
/* The store in the file format (malloc'd, *len bytes). */
char *seen_format(const struct seen *s, size_t *len);

/* --- stories ---------------------------------------------------------- */

/* Does the store hold a record of the story with this id? */
bool seen_has(const struct seen *s, const char *story_id);

/* Records saved under one of a story's aliases (struct story.alias) and
 * none under its id move to its id (in memory; the file follows at the
 * next save). */
void seen_adopt(struct seen *s, const struct library *lib);

/* Meet story st: when it has no record and `last` (its saved position,
 * may be NULL) is given, the story is recorded as it is now, its chapters
 * up to the position's chapter counted seen (with no digest) and the rest
 * known: a reader of a version without this store sees nothing new.
 * Returns true when a record was made. */
bool seen_meet(struct seen *s, const struct story *st, const struct bm_pos *last);

/* The reader opens story st: when it has no record yet (never read), every
 * chapter it has now is recorded as known, so only chapters added later
 * are new.  A story with a record keeps it as it is: its new chapters stay
 * new until they are seen (seen_mark). */
void seen_open_story(struct seen *s, const struct story *st);

/* seen_adopt, then seen_meet for every story of lib that has a saved
 * position in bm and no record: what every command that lists or opens
 * the library with the store does first (s, lib or bm NULL: nothing). */
void seen_meet_library(struct seen *s, const struct library *lib, const struct bookmarks *bm);

/* The reader has chapter ci of st on screen: it is seen, with the digest
 * of its text as it is now (reads its text, unless it was seen before at
 * the same size and place). */
void seen_mark(struct seen *s, const struct story *st, size_t ci);

/* What a chapter is to the reader (seen_chapters). */
enum seen_kind {
    SEEN_UNTRACKED,   /* the story has no record, or a note or keyless chapter */
    SEEN_KNOWN,       /* the story had it when last read; not seen yet */
    SEEN_READ,        /* seen, its text as it was */
    SEEN_NEW,         /* added since: the record lacks its key */
    SEEN_REVISED,     /* seen, and its text changed since: its digest
                         differs, or its opening was rewritten (a new key
                         where a seen chapter the story no longer has was) */
};

/* How seen_chapters finds revised chapters: */
enum seen_check {
    SEEN_CHECK_KEYS,  /* only a rewritten opening (keys alone, no text read) */
    SEEN_CHECK_SIZE,  /* and a seen chapter whose story text changed size,
                         or whose file was written after it was seen (a
                         rewrite to the same size), confirmed by its digest
                         (its text read only then) */
    SEEN_CHECK_TEXT,  /* and every seen chapter whose digest changed (reads
                         the text of every seen chapter) */
};

/* The kind of every chapter of st into out[0 .. st->n_ch); returns how
 * many are new.  Revised chapters as `check` says; the others of them are
 * SEEN_READ. */
size_t seen_chapters(const struct seen *s, const struct story *st, enum seen_check check,
                     enum seen_kind *out);

/* Is chapter ci of st new (a record exists and lacks its key)?  Note-only
 * chapters and chapters without a key are never new. */
bool seen_is_new(const struct seen *s, const struct story *st, size_t ci);

/* How many chapters of st are new (0 when it has no record). */
size_t seen_count_new(const struct seen *s, const struct story *st);

/* The first new chapter at or after `from`, else the first new one
 * anywhere; st->n_ch when none. */
size_t seen_first_new(const struct seen *s, const struct story *st, size_t from);

/* Was chapter ci of st seen with other text than it has now (its digest
 * changed: SEEN_CHECK_TEXT)?  Reads its text. */
bool seen_is_revised(const struct seen *s, const struct story *st, size_t ci);

/* Is any seen chapter of st revised (SEEN_CHECK_SIZE: as the contents'
 * SEEN_CHECK_TEXT finds, reading only the chapters whose size changed or
 * whose file was written since they were seen)?  The answer is kept until
 * the store or the story changes. */
bool seen_any_revised(struct seen *s, const struct story *st);

/* The digest of chapter ci's text: FNV-1a of its normalised story text
 * (its words, front and back matter left out), so editions of one text
 * share it.  Never 0. */
uint64_t seen_digest(const struct story *st, size_t ci);

/* Is chapter c of a story a note-only chapter (its whole text is an
 * author's note: no story text)? */
bool seen_note_chapter(const struct story *st, size_t ci);

#endif
