/* scan.h — walking a library folder: which files are candidates.
 *
 * Layer: build, a pass above the model (story.h, for struct
 * skipped); used by library.c, the build passes and the snapshot.  No
 * decoding, no parsing: this is the filesystem half of library_open().
 *
 * Rules: every regular file below the root is a candidate, in a
 * deterministic order (each folder's entries sorted by natural name order);
 * names starting with '.' are skipped (hidden); `story.ini` files are not
 * candidates but mark their folder as one story; symlinks are followed, a
 * folder reached again (a symlink loop, or two links to one folder) is
 * scanned once, and a file reached twice (same device and inode) is read
 * once.  What cannot be read below the root is recorded in `skipped`, never
 * fatal. */
#ifndef QUIRE_SCAN_H
#define QUIRE_SCAN_H

#include <stddef.h>
#include <sys/stat.h>

#include "story.h"   /* struct skipped */

struct scan_file {
    char *path;      /* path to open: root joined with relpath */
    char *relpath;   /* relative to the root ("name" for a single-file root) */
    int ini;         /* index in scan_result.ini of the nearest folder at or
                        above the file holding a story.ini, or -1 */
    struct stat st;  /* the file's stat when it was found (for the index
                        cache: no second stat per file) */
};

struct scan_ini {
    char *dir;       /* the folder, relative to the root ("." for the root) */
    char *path;      /* path of its story.ini */
};

struct scan_result {
    struct scan_file *files;
    size_t n_files, cap_files;
    struct scan_ini *ini;
    size_t n_ini, cap_ini;
    struct skipped *skipped;
    size_t n_skipped, cap_skipped;
};

/* Walk `root` (a folder, or a single file: then the result is that file).
 * Fills *out (free with scan_result_free).  Returns -1 with *err
 * "ROOT: strerror" when the root itself is missing or unreadable, or is
 * neither a folder nor a regular file. */
int scan_tree(const char *root, struct scan_result *out, char **err);

/* Record a skipped file (used by the library for files scan found but
 * decoding rejected).  relpath and why are copied. */
void scan_skip(struct scan_result *r, const char *relpath, const char *why);

void scan_result_free(struct scan_result *r);

#endif
