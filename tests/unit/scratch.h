/* scratch.h — the unit tests' scratch folders.
 *
 * scratch_dir(TAG) makes a new empty folder "$TMPDIR/quire-TAG.XXXXXX"
 * (/tmp when TMPDIR is unset or empty) and returns its path (malloc'd;
 * the program exits when it cannot: no test can run without it).
 * scratch_remove(PATH) removes PATH and everything below it, without a
 * shell; folders a test made unreadable or unwritable are given back
 * u+rwx first, symbolic links are removed, never followed.
 * scratch_put(DIR, REL, BYTES, LEN) writes LEN bytes as the file DIR/REL,
 * making the folders on its way, and returns its path (malloc'd; the
 * program exits when it cannot). */
#ifndef QUIRE_TEST_SCRATCH_H
#define QUIRE_TEST_SCRATCH_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static inline char *scratch_dir(const char *tag)
{
    const char *base = getenv("TMPDIR");
    char *t = xasprintf("%s/quire-%s.XXXXXX", base && *base ? base : "/tmp", tag);
    if (!mkdtemp(t)) {
        perror("mkdtemp");
        exit(1);
    }
    return t;
}

static inline void scratch_remove(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return;
    if (!S_ISDIR(sb.st_mode)) {
        unlink(path);
        return;
    }
    chmod(path, 0700);
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char *p = xasprintf("%s/%s", path, e->d_name);
            scratch_remove(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(path);
}

static inline char *scratch_put(const char *dir, const char *rel, const void *bytes, size_t len)
{
    char *path = xasprintf("%s/%s", dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    char *err = NULL;
    if (mkdir_p(path, &err) != 0) {
        fprintf(stderr, "mkdir_p: %s\n", err);
        exit(1);
    }
    *slash = '/';
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(bytes, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
    return path;
}

#endif
