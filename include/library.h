/* library.h — stories found in a folder of files.
 *
 * Layer: library (bottom).  Uses decode and parse; knows nothing of layout
 * or the screen.  A library owns its sources (decoded files), its stories,
 * and their chapters; everything handed out stays valid until library_free.
 *
 * Fields of the structs below are read-only to everyone but library.c and
 * snapshot.c (which rebuilds a saved library).
 *
 * library_open uses two caches under $XDG_CACHE_HOME/quire/: the snapshot
 * of the whole library (snapshot.h), used as it is while the folder walk
 * is unchanged, and else the index cache of each file's analysis
 * (cache.h). */
#ifndef QUIRE_LIBRARY_H
#define QUIRE_LIBRARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "decode.h"
#include "parse.h"

/* One copy of a chapter's text: a byte range in one source. */
struct edition {
    struct source *src;  /* owned by the library */
    char *relpath;       /* file path relative to the library root (malloc'd) */
    size_t start, end;   /* chapter's byte range in src->text, heading included */
    size_t front_end;    /* as struct parse_chapter: [start, front_end) front matter */
    size_t body;         /* first byte after the chapter's heading line(s) */
    size_t back;         /* [back, end) back matter */
    size_t title_end;    /* [start, title_end): the file's announcement lines
                            ("Title by Author", metadata), shown as a dimmed
                            heading; == start when none */
    int richness;        /* higher = richer markup (curly quotes, breaks,
                            emphasis); the richest edition is ed[0] */
};

struct chapter {
    char *title;         /* display title, never NULL ("Chapter 2" when the
                            text has none) */
    int number;          /* heading number or PARSE_* (ordering only) */
    struct edition *ed;  /* editions, preferred first; n_ed >= 1 */
    size_t n_ed;
    size_t words;        /* words in the preferred edition */
    size_t base;         /* bytes of the story before this chapter (sum of
                            preferred editions' lengths): for percentages */
    char key[17];        /* identity from the chapter's own text (16 hex
                            digits): survives renumbering and re-encoding.
                            fnv1a of the first 400 bytes of the normalised
                            text after the heading (letters and digits only,
                            lowercased; quotes, spacing, lost `i x/i` markup
                            and leading A/N/Disclaimer paragraphs left out),
                            so editions usually share it; with editions that
                            differ there, the lead most editions share */
    /* private: blocks of ed[0], parsed on first use */
    struct block *blocks;
    size_t n_blocks;
    bool parsed;
};

struct story {
    char *title;         /* never NULL (file name when the text names none) */
    char *author;        /* "" when unknown, never NULL */
    char *dir;           /* folder the story lives in, relative to the root
                            ("." for the root itself): its story.ini folder,
                            else the folder of its first chapter's file */
    struct chapter *ch;  /* chapters in reading order */
    size_t n_ch;
    size_t total;        /* bytes of all preferred editions together */
    char id[17];         /* identity (16 hex digits) from title, author and the
                            opening of the first chapter: survives renames.
                            A title taken from a file name does not count
                            (renaming such a file keeps the id) */
    bool partial;        /* built from the head of its file only
                            (library_open_head): the last chapter may be cut
                            short and more chapters follow; `total` is the
                            whole file's length */
};

/* A file that was looked at and skipped (for --list --verbose). */
struct skipped {
    char *relpath;
    char *why;           /* "binary", "empty", "symlink loop", strerror text */
};

struct library {
    char *root;          /* the library folder as given */
    struct story *stories;   /* in display order (title, natural) */
    size_t n_stories;
    struct source **src; /* every decoded file */
    size_t n_src;
    struct skipped *skipped;
    size_t n_skipped;
    char **notes;        /* diagnostics worth a --verbose line (malloc'd) */
    size_t n_notes;
};

/* Scan the folder `root` recursively (hidden entries skipped, symlinks
 * followed with loop detection, non-text files skipped and recorded) and
 * build its stories.  `root` may also be a single file: a library of the one
 * story it holds.  Returns NULL with *err set when root cannot be read.
 * The per-file analysis it builds is freed before it returns; a caller that
 * will live on (the reader) gives that heap back with malloc_trim(0). */
struct library *library_open(const char *root, char **err);

/* A library of the one story in the first `head` bytes of the regular file
 * `path`, cut back to a whole line (read again longer, up to 1 MiB, while
 * the cut would lose half of it), for a first screen that need not wait for
 * the whole file: the story has `partial` set, and its id, chapter keys and
 * byte offsets are those library_open(path) gives for the same text.  Any
 * encoding decode.h reads: the head decodes as the file's start does.  Its
 * `total` is the whole file's (for a converted encoding, an estimate from
 * the head's).  NULL with *err set when the head holds no whole line of
 * text or no story (the caller then opens the whole file).  No index cache
 * is read or written. */
struct library *library_open_head(const char *path, size_t head, char **err);

/* Free everything; NULL is a no-op. */
void library_free(struct library *lib);

/* Find a story by title, case-insensitively: an exact match first, else a
 * unique prefix of the title (a leading "The", "A" or "An" may be left
 * out), else a unique match at the start of a later word of the title.
 * NULL when none; *ambiguous set when several stories match equally well. */
struct story *library_find(struct library *lib, const char *title, bool *ambiguous);

/* Find a story by its id; NULL when none. */
struct story *library_find_id(struct library *lib, const char *id);

/* The preferred edition's text: sets *text to the source text and returns
 * the edition (its start/end/body are offsets into *text). */
const struct edition *chapter_text(const struct chapter *c, const char **text);

/* The chapter's blocks (parsed from ed[0] on first call and kept). */
const struct block *chapter_blocks(struct chapter *c, size_t *n);

/* Forget parsed blocks of every chapter outside [keep_lo, keep_hi] to bound
 * memory on very long stories. */
void story_drop_blocks(struct story *s, size_t keep_lo, size_t keep_hi);

/* The story text of chapter ci: [*lo, *hi) of its preferred edition's
 * text, front matter and back matter (a Gutenberg header or licence, an
 * author's note block) left out. */
void story_text_range(const struct story *s, size_t ci, size_t *lo, size_t *hi);

/* Percent (0..100) through the story of byte `off` in chapter `ci`; `off`
 * is a byte offset in the preferred edition's source text (as block
 * offsets are).  Only story text counts (story_text_range): a place in
 * front matter counts as its chapter's text start, one in back matter as
 * its end.  A partial story (its head only) counts every byte of the file
 * (an estimate until the whole is read). */
double story_percent(const struct story *s, size_t ci, size_t off);

/* The inverse: the chapter and offset (absolute, in its preferred edition's
 * text) at `pct` percent (clamped to 0..100) of the story's text; 100 is
 * the end of the last chapter's story text. */
void story_percent_pos(const struct story *s, double pct, size_t *ci, size_t *off);

/* Print the library as `--list` does (human form, or TSV as SPEC.md says),
 * with skipped files and notes when verbose.  Returns 0, or -1 on a write
 * error. */
int library_print(const struct library *lib, FILE *out, bool tsv, bool verbose);

#endif
