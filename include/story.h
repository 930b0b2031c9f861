/* story.h — the story model: a library of stories, their chapters and
 * the editions of each chapter, and what can be asked of them.
 *
 * Layer: model, above text and under every build pass.  Every other library file builds,
 * saves, loads or prints these types; this one holds them, frees them and
 * answers questions about them (find, text, blocks, percent).  Uses
 * parse (a chapter's blocks), decode (a source listed from the index cache
 * is read on first use: decode_load_stub) and norm (titles compared
 * folded).  See
 * docs/ARCHITECTURE.md for the passes above it.
 *
 * A library owns its sources (decoded files), its stories, and their
 * chapters; everything handed out stays valid until library_free.
 *
 * Ownership: the fields of the structs below are written by the builder
 * (library.c and its passes) and by snapshot.c (a saved library read
 * back), through this header's rules; everyone else reads them and
 * changes a story only through the functions below (story_end_partial). */
#ifndef QUIRE_STORY_H
#define QUIRE_STORY_H

#include <stdbool.h>
#include <stddef.h>

#include "decode.h"
#include "parse.h"

/* How many of a story's first chapters give it an alias (struct story). */
#define STORY_MAX_ALIASES 16

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
    bool note;           /* a note-only chapter: its text after the heading
                            is all an author's note (a hiatus notice, "not
                            a chapter"): the preferred edition's back == body
                            < end.  Shown dimmed, no story words, never
                            new (seen.h).  Set by story_sum_bytes */
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
    char id[17];         /* identity (16 hex digits), from what the story
                            says about itself, never a path: fnv1a of its
                            normalised title and author; a story without a
                            title of its own (named after a file or folder)
                            adds the opening (lead) of its first chapter.
                            So renaming, reordering and new chapters keep it
                            (docs/FORMATS.md, "Story ids") */
    char (*alias)[17];   /* other ids its saved records may be under: the
                            first rule's (title, author and the lead of
                            chapter k, for its first STORY_MAX_ALIASES
                            chapters), except its own id; malloc'd, NULL
                            when none */
    size_t n_alias;
    struct parse_meta meta;  /* series and part, summary, tags, status,
                                source URL... from its files (EPUB OPF,
                                AO3 preface, FanFicFare title page) and
                                story.ini (`series =`, `series_index =`,
                                which win); fields may be empty */
    bool partial;        /* built from the head of its file only
                            (library_open_head): the last chapter may be cut
                            short and more chapters follow; `total` is the
                            whole file's length.  Only story_end_partial
                            clears it outside the builder */
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

/* Free everything; NULL is a no-op. */
void library_free(struct library *lib);

/* --- rules every library obeys (the builder and the snapshot both check
 *     through these, so a rule is written once) ------------------------- */

/* The offset rule of an edition in a source of `len` bytes:
 * start <= title_end <= front_end <= body <= back <= end <= len. */
bool edition_offsets_ok(const struct edition *e, size_t len);

/* Bring offsets that break the rule into it, the nearest way: end to len,
 * start to end, front_end to start, body to front_end, back to end,
 * title_end to start (each only when it is out of its place).  Afterwards
 * edition_offsets_ok(e, len) holds. */
void edition_offsets_fix(struct edition *e, size_t len);

/* Each chapter's `base` and the story's `total` from the chapters'
 * preferred editions (bytes before each chapter; bytes of all). */
void story_sum_bytes(struct story *s);

/* A partial story (library_open_head) whose rest will not come: from now
 * on it is read as the whole story (`partial` false). */
void story_end_partial(struct story *s);

/* Find a story by title, case-insensitively: an exact match first, else a
 * unique prefix of the title (a leading "The", "A" or "An" may be left
 * out), else a unique match at the start of a later word of the title.
 * NULL when none; *ambiguous set when several stories match equally well. */
struct story *library_find(struct library *lib, const char *title, bool *ambiguous);

/* Every story that matches `title` best, by library_find's tiers: sets
 * match[i] (lib->n_stories entries) for each and returns how many (0: no
 * match).  *exact is set when they are equal to the title (then they are
 * that story, under one title; else, when more than one, the title is
 * ambiguous and they are the candidates). */
size_t library_find_all(const struct library *lib, const char *title, bool *match,
                        bool *exact);

/* Find a story by its id; NULL when none. */
struct story *library_find_id(struct library *lib, const char *id);

/* Is `id` one of the story's aliases (struct story.alias)? */
bool story_has_alias(const struct story *s, const char *id);

/* The preferred edition's text: sets *text to the source text and returns
 * the edition (its start/end/body are offsets into *text).  Not a pure
 * read, though c is const: a chapter of a library listed from the index
 * cache has no text yet, and the first call reads its file now (maps or
 * decodes it: decode_load_stub), which fills the shared source's text.
 * A file changed since it was listed gives its readable part padded with
 * blank lines, so every offset stays inside the text.  Not safe against a
 * call on the same library from another thread. */
const struct edition *chapter_text(const struct chapter *c, const char **text);

/* The chapter's blocks (parsed from ed[0] on first call and kept). */
const struct block *chapter_blocks(struct chapter *c, size_t *n);

/* Forget parsed blocks of every chapter outside [keep_lo, keep_hi] to bound
 * memory on very long stories. */
void story_drop_blocks(struct story *s, size_t keep_lo, size_t keep_hi);

/* The story text of chapter ci: [*lo, *hi) of its preferred edition's
 * text, front matter and back matter (a Gutenberg header or licence, an
 * author's note block) left out; empty (*lo == *hi) for a note-only
 * chapter. */
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

#endif
