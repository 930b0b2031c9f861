/* derived.h — the derived-text cache: an EPUB or HTML story's converted
 * text and blocks kept in a file, so that reopening it needs neither the
 * ebook plugin nor the zip, and its text is a read-only mapping of a file
 * (page cache, as a TXT story's is), not private memory.
 *
 * Layer: text.  One file per ebook, `$XDG_CACHE_HOME/quire/derived-HASH`
 * (HASH: 16 hex digits of FNV-1a over the ebook's real path, as
 * rec_cache_path names the index cache), format in docs/FORMATS.md
 * ("Derived-text cache"): a header, the text, the blocks (struct block as
 * they are in memory), and the chapters with the title, author and format
 * name (so a long ebook's first screen can be laid out from the file
 * alone, library_open_head).  The header names the ebook's real path, its
 * size, modification time (ns), device and inode when it was converted,
 * EBOOK_VERSION, the size and byte order of struct block, and the lengths
 * of what follows; a digest covers the header and the first and last
 * bytes of the text, others the chapters (one for each group of 64, one
 * for the story's lines and the groups' table).  A file whose header, digest,
 * length, blocks or chapters do not check out, or that names another
 * file, another stamp or another version, is never used (the ebook is
 * converted again and the file replaced).
 *
 * Written atomically (a temporary file renamed over it).  Bounded: after
 * each write the oldest derived files (by modification time; a file used
 * is touched) are removed while there are more than DERIVED_MAX_FILES or
 * they hold more than DERIVED_MAX_BYTES; a temporary file left by a writer
 * that died before its rename (ten minutes old) is removed too, a younger
 * one (another writer's) neither counted nor removed.
 *
 * Off until derived_enable(true) (main: reading a story, not --list);
 * QUIRE_NO_CACHE set (see rec_cache_path) or no cache folder: off. */
#ifndef QUIRE_DERIVED_H
#define QUIRE_DERIVED_H

#include <stdbool.h>
#include <stddef.h>

#include "ebook.h"
#include "parse.h"

/* Bounds of the cache folder's derived files (oldest removed first). */
#define DERIVED_MAX_FILES 32
#define DERIVED_MAX_BYTES ((long long)512 << 20)

/* Which file a derived text was made from: its stat when conversion began. */
struct derived_key {
    long long size;          /* bytes */
    long long mtime_ns;      /* modification time, ns since the epoch */
    unsigned long long dev, ino;
};

/* A derived file in use: text and blocks point into its mapping. */
struct derived {
    const char *text;        /* len bytes, then a NUL */
    size_t len;              /* bytes of text */
    const struct block *blocks;   /* n_blocks, sorted, each inside [0, len] */
    size_t n_blocks;
    /* private */
    void *map;
    size_t map_len;
    size_t ch_off, ch_len;   /* the chapters section */
    bool ch_ok;              /* ... its digest checked (derived_chapters) */
    const struct block *all; /* every block the file holds (n_all), */
    size_t n_all;            /* ... checked unless opened by derived_open_head */
};

/* Turn the cache on or off for this process (off at start). */
void derived_enable(bool on);
bool derived_enabled(void);

/* Whether a conversion made while a library is built (decode_open) is
 * kept too, besides one made when a listed story is first read (an
 * ebook stub, decode_load_stub): on when the library is the one file
 * being read (main), off for a folder, whose first build converts every
 * ebook in it while one is read (off at start). */
void derived_keep_builds(bool on);
bool derived_keeps_builds(void);

/* For tests and fuzzing only (off at start): on, derived_open and
 * derived_chapters still parse the digests (the header's, the chapters'
 * last line's and groups') but do not compare their values, so damage
 * behind them (blocks, chapters) is reached without recomputing them.
 * Every other check stays. */
void derived_skip_digests(bool on);

/* The key of the file at `path` as it is now; false when it cannot be
 * stat'ed or is not a regular file. */
bool derived_key_of(const char *path, struct derived_key *k);

/* Where the derived file of the ebook at `path` is (malloc'd), or NULL
 * when there is no cache folder or the cache is disabled by
 * QUIRE_NO_CACHE (tests corrupt it here).  Independent of derived_enable. */
char *derived_path(const char *path);

/* Map the derived file of the ebook at `path` when the cache is on and
 * the file is sound and made from the ebook as `k` says it is now, under
 * this EBOOK_VERSION: *d filled, the file touched (last use), true.
 * Else false with *d zeroed.  Never reads more of the text than the
 * digest's samples (the blocks are checked whole). */
bool derived_open(const char *path, const struct derived_key *k, struct derived *d);

/* derived_open for a first screen: every check but that of the blocks
 * (113,003 of them at 32 MB), which are not given yet (d->n_blocks 0):
 * derived_blocks_in then checks and gives those of the part shown.  The
 * whole story is read with derived_open (loader.h), whose check of every
 * block refuses a file damaged anywhere (it is then converted again). */
bool derived_open_head(const char *path, const struct derived_key *k, struct derived *d);

/* The blocks of *d (derived_open_head's) that begin in [from, to) bytes
 * of the text as d->blocks and d->n_blocks, when they are sound as
 * derived_open checks them (inside the text, in order, a known kind and
 * flags) and a sound file's blocks that begin there (the one before
 * begins before `from`, the one after at or after `to`): true.  False
 * when they are not (d->blocks and d->n_blocks then unchanged).  The
 * blocks outside are not looked at. */
bool derived_blocks_in(struct derived *d, size_t from, size_t to);

/* The chapters the derived file *d keeps (the conversion's: eb->pr.ch),
 * with pr->title, pr->author and pr->body, into *pr (caller frees with
 * derived_chapters_free or parse_result_free; pr->meta stays empty), and
 * the format name
 * (*format, malloc'd).  head 0: all of them; else only the first ones up
 * to the first that ends at or past `head` bytes of text and has a body
 * (not a bare heading): a story's head.  False, *pr and *format empty,
 * when that section does not check out (digest, syntax, offsets outside
 * the text or out of order). */
bool derived_chapters(struct derived *d, size_t head, struct parse_result *pr, char **format);

/* derived_chapters from the first chapter that begins at or after byte
 * `from` of the text (none when no chapter begins there), up to the first
 * that ends at or past `head` and has a body (head 0: to the last): a
 * window of a story, as library_open_at reads one.  Only the groups of 64
 * chapters that hold them are read, from the one whose first chapter
 * begins last at or before `from` (its chapters before `from` read past,
 * not kept), each group's digest checked as it is read: a damaged group
 * refuses the windows that read it, not the others.  The digest of the
 * story's lines and the groups' table is checked once for a mapping (the
 * first call that succeeds). */
bool derived_chapters_from(struct derived *d, size_t from, size_t head, struct parse_result *pr,
                           char **format);

/* Free what derived_chapters put in *pr (title, author, chapters) and
 * zero it: parse_result_free without the parser (derived.c sits below
 * it).  pr->meta must be empty. */
void derived_chapters_free(struct parse_result *pr);

/* Store the conversion eb (text, blocks, chapters, title, author, format)
 * as the derived file of the ebook at `path`, made from it as `k` says
 * (taken before converting): nothing is written when the cache is off, or
 * when the file's key now differs from k (it changed while converted).
 * Atomic; then the folder is bounded.  0 when written, 1 when not
 * wanted, -1 with *err (malloc'd) on a write error. */
int derived_write(const char *path, const struct derived_key *k, const struct ebook *eb,
                  char **err);

/* Unmap; *d zeroed.  A zeroed *d is a no-op. */
void derived_close(struct derived *d);

#endif
