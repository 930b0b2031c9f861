/* cache.h — the index cache: what decode + parse + per-file analysis found
 * in each library file, so a second `--list` need not read the files again.
 *
 * Layer: text, below the model (it knows sources, not stories): the
 * build's per-file pass (analyse.c) stores and restores entries, and makes
 * stub sources (cache_stub_source) that library.c and the snapshot hand to
 * the model, which reads their text on first use (decode_load_stub).  One cache file per
 * library root under $XDG_CACHE_HOME/quire/ (see docs/FORMATS.md "Index
 * cache").
 *
 * Trust: an entry is used only when the file's size, modification time
 * (nanoseconds), device and inode are what they were when it was read, and
 * the whole cache file passed its checksum and every field its range check;
 * a cache written by another build of quire (different version or binary)
 * is ignored.  Anything doubtful means "read the file again", never an
 * error: a missing, corrupt, truncated or foreign cache is an empty cache,
 * and the next save replaces it.  Files modified less than a second before
 * the scan started are not stored (their mtime may not yet show a change
 * made in the same clock tick).
 *
 * Lazy text: a library built from the cache holds its sources as stubs
 * (cache_stub_source: text NULL, len and encoding known); the text is read
 * on first use by decode_load_stub, so listing never opens file contents
 * when the cache is fresh. */
#ifndef QUIRE_CACHE_H
#define QUIRE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* A file's identity on disk, taken (by cache_get) before it is read. */
struct cache_stamp {
    long long size;          /* bytes */
    long long mtime_ns;      /* modification time, ns since the epoch */
    unsigned long long dev, ino;
    bool ok;                 /* false: stat failed; the entry is not stored */
};

/* One chapter as one file holds it (build.h's `struct piece`). */
struct cache_piece {
    size_t start, end, front_end, body, back;   /* byte offsets, as parse_chapter */
    size_t title_end;        /* as struct edition: end of the announcement */
    char *title;             /* heading title or NULL (never "") */
    int number;              /* PARSE_* or the heading number */
    size_t words;
    int richness;
    char *lead;              /* normalised opening bytes (may be empty, not NULL) */
    size_t lead_len;
    uint64_t *sketch;        /* sorted, strictly increasing sampled hashes */
    size_t n_sketch;
};

/* What one file gave.  Either skipped (skip != NULL: "empty", "binary",
 * "no words", or an ebook converter's reason such as "DRM-protected:
 * cannot be read") or text with its pieces. */
struct cache_file {
    char *skip;
    enum source_encoding enc;
    size_t len;              /* bytes of decoded text (source.len) */
    size_t invalid;          /* source.invalid */
    bool crlf;
    bool sketched;           /* the pieces' sketches were computed (a file
                                read alone, as a one-file library, has none) */
    char *title, *author;    /* announced, or NULL (never "") */
    enum ebook_format fmt;   /* source.fmt: EBOOK_NONE for a text file */
    char *format;            /* source.format: what an ebook was read as, or NULL */
    struct parse_meta meta;  /* what the file says of its story (an ebook's
                                OPF or preface), fields may be empty */
    struct cache_piece *pc;
    size_t n_pc;
};

struct cache;

/* The cache for library root `root` (a folder or a single file).  Never
 * NULL: without a usable cache folder or file it is empty (and saving it
 * does nothing when there is no folder).  Setting QUIRE_NO_CACHE=1 in the
 * environment turns the cache off (empty, never saved). */
struct cache *cache_open(const char *root);

/* The entry for `relpath` if the file at `path` still has the size, mtime,
 * device and inode it had when the entry was stored; NULL otherwise.
 * `sb` is the file's stat when the caller has it (NULL: stat(path) here).
 * Always fills *st (st->ok false when stat fails) so a miss can be stored
 * with cache_put.  The entry stays valid until cache_free. */
struct stat;
const struct cache_file *cache_get(struct cache *c, const char *path, const char *relpath,
                                   const struct stat *sb, struct cache_stamp *st);

/* Store what reading `relpath` gave, stamped with *st as cache_get filled
 * it.  Takes ownership of *f's allocations (and zeroes *f).  Entries with
 * !st->ok or a too recent mtime are dropped instead. */
void cache_put(struct cache *c, const char *relpath, const struct cache_stamp *st,
               struct cache_file *f);

/* Write the cache atomically when it changed: new entries, or entries not
 * asked for since cache_open (files gone).  0, or -1 with *err. */
int cache_save(struct cache *c, char **err);

/* Free the cache; NULL is a no-op. */
void cache_free(struct cache *c);

/* Free the allocations of one entry (not f itself). */
void cache_file_clear(struct cache_file *f);

/* A story's metadata as record fields (SERIES, SERIES_INDEX, SUMMARY,
 * RATING, STATUS, SOURCE_URL, LANGUAGE, PUBLISHED, UPDATED, NTAGS, TAG...;
 * docs/FORMATS.md), tab-separated, no tab before the first: the index
 * cache's M lines and the snapshot's (snapshot.c) share it.  cache_get_meta
 * reads them into *m (zeroed first); false (r->bad set) on a bad field. */
struct buf;
struct rec_rd;
void cache_put_meta(struct buf *b, const struct parse_meta *m);
bool cache_get_meta(struct rec_rd *r, struct parse_meta *m);
/* --- a build on several threads (library.c) ---------------------------- */

/* A cache for one worker of a threaded build: cache_get looks in its own
 * entries, then in `parent`, which it reads but for marking the entry it
 * returns as used (each file, so each entry, is one worker's alone);
 * cache_put stores in the child.  No worker may cache_put to the parent
 * meanwhile. */
struct cache *cache_new_child(struct cache *parent);
/* Move the child's entries into c, as cache_put would have stored them
 * there, in the child's order, and free the child (NULL: no-op).  Called
 * for each worker's child in the order of the files, the result is the
 * cache one thread would have built. */
void cache_adopt(struct cache *c, struct cache *child);

/* --- the file format, for tests and the fuzzer ------------------------- */

/* An empty cache that is neither loaded nor saved (path NULL). */
struct cache *cache_new_memory(void);

/* Replace c's entries by those in data[0, len) (a cache file's bytes).
 * Returns the number of entries, or -1 when the data is not a valid cache
 * of this build (c is then empty).  Never reads outside data. */
long cache_parse(struct cache *c, const char *data, size_t len);

/* The cache file's bytes for c's entries (all of them, used or not). */
char *cache_format(const struct cache *c, size_t *len);

/* `body` (a cache file's lines without its closing "end" line) with the
 * closing line that makes it pass the checksum: for tests and fuzzing, so
 * the field checks are reached.  The count is that of its F and S lines.
 * Malloc'd; *len is set. */
char *cache_seal(const char *body, size_t n, size_t *len);

/* Number of entries. */
size_t cache_count(const struct cache *c);

/* --- lazy sources ------------------------------------------------------- */

/* A source for the file at `path` as cached in *f: text NULL until
 * decode_load_stub; len, enc, invalid, crlf, size and mtime set.  Free with
 * decode_free. */
struct source *cache_stub_source(const char *path, const struct cache_file *f,
                                 const struct cache_stamp *st);


#endif
