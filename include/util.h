/* util.h — allocation that cannot fail, growable byte buffers, small helpers.
 *
 * Out-of-memory is the one error quire does not return: x* functions print
 * "quire: out of memory" and exit(1).  Everything else reports failure to
 * its caller (see the err conventions below). */
#ifndef QUIRE_UTIL_H
#define QUIRE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

/* Allocation: never NULL (exit on OOM).  xrealloc(p, 0) frees and returns NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* xreallocarray: resize to count*size bytes, exiting on overflow or OOM. */
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xasprintf: a freshly allocated formatted string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Grow *arr (of elements of size `size`) so it has room for `need` elements;
 * *cap is its capacity in elements.  Doubles, so appends are amortised O(1). */
void xgrow(void **arr, size_t *cap, size_t need, size_t size);
#define XGROW(arr, cap, need) xgrow((void **)&(arr), &(cap), (need), sizeof *(arr))

/* A growable byte string.  Always NUL-terminated once anything was added;
 * `len` excludes the NUL.  buf_free leaves it empty and reusable. */
struct buf {
    char *data;
    size_t len;
    size_t cap;
};
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);

/* Errors: a function that can fail returns -1 (or NULL) and, when `err` is
 * not NULL, sets *err to a malloc'd message "WHAT: WHY" that the caller
 * prints as "quire: WHAT: WHY" and frees.  set_err formats it. */
void set_err(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print "quire: <formatted>" and a newline to stderr. */
void warnx_q(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 64-bit FNV-1a over n bytes, continuing from h (start with FNV_OFFSET). */
#define FNV_OFFSET 0xcbf29ce484222325ULL
uint64_t fnv1a(uint64_t h, const void *p, size_t n);

/* h as 16 lowercase hex digits and a NUL. */
void hex16(uint64_t h, char out[17]);

/* Natural-order comparison of file names: digit runs compare by value, so
 * "ch2" < "ch10"; otherwise byte order, case-insensitive for ASCII. */
int natcmp(const char *a, const char *b);

/* Files quire keeps its own data in (bookmarks, config, the caches,
 * story.ini) are read through open_regular, so that a FIFO, a device or a
 * socket put in their place is refused at once (never waited on, never
 * read without end): the caller prints a one-line warning and goes on.
 *
 * open_regular: open path read-only without blocking (a FIFO's open does
 * not wait for a writer), keep it only when it is a regular file of at most
 * max bytes.  Returns the descriptor with *st filled, or -1 with errno set
 * (open's errno; EISDIR for a folder, ENODEV for anything else that is not
 * a regular file, EFBIG when larger than max) and *why a static text
 * saying so ("not a regular file but a FIFO"). */
int open_regular(const char *path, size_t max, struct stat *st, const char **why);

/* Read a whole regular file of at most max bytes (open_regular) into a
 * malloc'd buffer (NUL-terminated, *len excludes the NUL); never reads
 * more than max bytes, even from a file that grows meanwhile.  NULL with
 * *err ("PATH: WHY") and errno as open_regular's on failure. */
char *read_file_max(const char *path, size_t max, size_t *len, char **err);

/* The limit read_file applies: 64 MiB. */
#define READ_FILE_MAX ((size_t)64 << 20)
/* read_file_max(path, READ_FILE_MAX, len, err). */
char *read_file(const char *path, size_t *len, char **err);

/* Warnings a module gives on its own (a cache file that is not a regular
 * file) go to stderr unless the screen has it: the ui sets quiet while
 * curses owns the terminal.  Safe to read from any thread. */
void warn_set_quiet(bool quiet);
bool warn_is_quiet(void);

/* Write `len` bytes to `path` atomically: a temporary file in the same
 * folder, fsync, rename over path, fsync of the folder.  0 or -1 with *err. */
int write_file_atomic(const char *path, const void *data, size_t len, char **err);

/* The file a write to path lands in: path itself unless it is a symbolic
 * link, else the file the link names, followed through further links (a
 * relative target is taken from the link's folder).  The target need not
 * exist.  Malloc'd; NULL with *err on a link loop or an unreadable link.
 * Writing there with write_file_atomic keeps the link and updates the
 * file it names. */
char *link_target(const char *path, char **err);

/* mkdir -p with mode 0700 for the folders it creates.  0 or -1 with *err. */
int mkdir_p(const char *path, char **err);

/* The folder for quire's files of one XDG kind: kind is "STATE", "CONFIG" or
 * "CACHE"; returns $XDG_<kind>_HOME/quire or its default under $HOME
 * (~/.local/state, ~/.config, ~/.cache), malloc'd.  NULL when neither the
 * variable nor HOME is set. */
char *xdg_dir(const char *kind);
/* From now on xdg_dir(kind) is `dir` itself (an absolute folder: the
 * config's `state_dir =`); NULL forgets it.  Only "STATE" can be set. */
void xdg_set_dir(const char *kind, const char *dir);

/* Whether s[0, n) is a token of the state files: 1..max bytes of
 * printable ASCII, no space, no backslash (a story id, a chapter key). */
bool token_ok(const char *s, size_t n, size_t max);

/* The value of the hex digit c (0-9, a-f, A-F: 0..15), or -1 for any
 * other byte value (c is an unsigned char's value or EOF). */
int hex_digit(int c);

/* Binary search of base[0, n), elements of `size` bytes sorted by strcmp
 * of the NUL-terminated char array at byte `off` of each: the index of
 * `key` (*found true), or where it would be inserted (*found false). */
size_t sorted_find(const void *base, size_t n, size_t size, size_t off, const char *key,
                   bool *found);

#endif
