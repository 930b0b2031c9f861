/* snapshot.h — the library snapshot: a whole library as library_open built
 * it (stories, chapters, editions, skipped files, notes), saved beside the
 * index cache, so that opening a library nothing in has changed costs one
 * folder walk and one small file instead of the per-file analysis, the
 * grouping and the edition matching again.
 *
 * Layer: build, above the model (story.h) and the walk (scan.h), below
 * the build's orchestration (library.c, its only user).  It reads and
 * writes the model and never calls the builder: a saved library is
 * checked by the model's own rules (edition_offsets_ok, story_sum_bytes).
 *
 * Trust: the snapshot of `$XDG_CACHE_HOME/quire/library-HASH` is used only
 * when its digest equals the digest of the walk just made — every file's
 * relative path, story.ini folder, size, modification and change times
 * (ns), device and inode; every story.ini's path and the same stamp; every
 * entry the walk skipped and why; the root as it was given — and the file
 * passes its checksum, was written by this build of quire and every field
 * its range check.  Anything doubtful means "build the library again",
 * never an error.  A walk that saw a file or story.ini changed less than a
 * second ago, or a file that could not be read, is not saved (the next
 * change might not show in the stamps).  See docs/FORMATS.md. */
#ifndef QUIRE_SNAPSHOT_H
#define QUIRE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "story.h"
#include "scan.h"

/* The digest of a walk of `root` (as given).  *settled is false when a
 * file or story.ini was modified or changed within the last second, or a
 * story.ini cannot be stat'ed. */
uint64_t snapshot_digest(const char *root, const struct scan_result *scan, bool *settled);

/* The library saved for `root` under `digest`, or NULL (no snapshot, a
 * different digest, a cache turned off, anything doubtful).  Its sources
 * are stubs read on first use (decode_load_stub); its skipped list is
 * scan's followed by those the build added; lib->root is `root`.  scan is
 * only read. */
struct library *snapshot_load(const char *root, const struct scan_result *scan, uint64_t digest);

/* What library.c knows of how its library came from the walk. */
struct snapshot_origin {
    const size_t *src_file;  /* lib->src[i] was scan->files[src_file[i]] */
    const size_t *skip_file; /* lib->skipped[first_skip + k] was scan->files[skip_file[k]] */
    size_t first_skip;       /* skipped entries before this one are the walk's */
};

/* Save lib as the snapshot of `root` under `digest` (best effort: 0, or
 * -1 with *err; nothing is written when the cache is off). */
int snapshot_save(const char *root, uint64_t digest, const struct library *lib,
                  const struct snapshot_origin *o, char **err);

/* --- the file format, for tests and the fuzzer ------------------------- */

/* The snapshot file's bytes.  engine and canon (the root's real path) may
 * be NULL (written empty).  Malloc'd; *len set. */
char *snapshot_format(const char *engine, const char *canon, uint64_t digest,
                      const struct library *lib, const struct snapshot_origin *o, size_t *len);

/* Rebuild a library from data[0, len) for `root` and the walk `scan`; NULL
 * when the data is not a valid snapshot of that walk under `digest`
 * (engine and canon NULL: accept any).  Never reads outside data. */
struct library *snapshot_parse(const char *data, size_t len, const char *engine,
                               const char *canon, const char *root,
                               const struct scan_result *scan, uint64_t digest);

#endif
