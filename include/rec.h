/* rec.h — checksummed record files: the line format the index cache
 * (cache.c) and the library snapshot (snapshot.c) share.
 *
 * Layer: base (no knowledge of what the records hold).
 *
 * A record file is text: a magic line, `engine\tENGINE`, `root\tROOT`, then
 * one record per line (fields separated by TAB), then `end\tCOUNT\tSUM`
 * where SUM is rec_sum (16 hex digits) of every byte before that line.  In
 * string fields backslash, TAB, LF, CR and NUL are written `\\`, `\t`,
 * `\n`, `\r`, `\0`.  Numbers are decimal without leading zeros or `+`.
 * docs/FORMATS.md describes both files built on it. */
#ifndef QUIRE_REC_H
#define QUIRE_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Longest field a valid record holds (bytes); anything longer is corruption. */
#define REC_MAX_FIELD (1u << 20)

/* A 64-bit checksum of n bytes, 8 bytes per step (runs over megabytes). */
uint64_t rec_sum(const char *p, size_t n);

/* --- writing ------------------------------------------------------------ */

/* The three header lines.  engine and root may be NULL (written empty). */
void rec_head(struct buf *b, const char *magic, const char *engine, const char *root);
/* A string field, escaped; n bytes of s (may hold NUL). */
void rec_put_str(struct buf *b, const char *s, size_t n);
/* The same for a NUL-terminated string; NULL is written as "". */
void rec_put_cstr(struct buf *b, const char *s);
void rec_put_num(struct buf *b, unsigned long long v);
void rec_put_snum(struct buf *b, long long v);
/* n numbers separated by tabs (no tab before the first or after the last). */
void rec_put_nums(struct buf *b, const unsigned long long *v, size_t n);
static inline void rec_tab(struct buf *b) { buf_addc(b, '\t'); }
/* Append the closing `end` line over everything in b so far. */
void rec_seal(struct buf *b, size_t count);

/* --- reading ------------------------------------------------------------ */

/* A cursor over one line's fields: [p, end) is the unread part of the line
 * (end points at its '\n'); bad is set by the first failed check and makes
 * every later call fail. */
struct rec_rd {
    const char *p, *end;
    bool bad;
};

/* Check data[0, len): the `end` line's checksum, the magic line, and the
 * engine and root lines (a NULL engine or root accepts any).  On success
 * returns the first record line and sets *body_end (the start of the `end`
 * line) and *count; NULL when anything differs. */
const char *rec_open(const char *data, size_t len, const char *magic, const char *engine,
                     const char *root, const char **body_end, unsigned long long *count);
/* The next line of [*p, end) as a cursor past its first `skip` bytes; false
 * (and *p unchanged) when no whole line is left or it is shorter than skip. */
bool rec_line(const char **p, const char *end, size_t skip, struct rec_rd *r);
/* The next field as [*s, *s + *n). */
bool rec_field(struct rec_rd *r, const char **s, size_t *n);
/* Every field was read and none was bad. */
bool rec_at_end(const struct rec_rd *r);
/* A number field <= max (0 and bad set otherwise). */
unsigned long long rec_num(struct rec_rd *r, unsigned long long max);
/* A signed number field in [lo, hi]. */
long long rec_snum(struct rec_rd *r, long long lo, long long hi);
/* An escaped string field, malloc'd and NUL-terminated; its length in *len
 * (may be NULL).  NULL when bad. */
char *rec_str(struct rec_rd *r, size_t *len);
/* A string field that is NULL when empty; must hold no NUL byte. */
char *rec_opt_str(struct rec_rd *r);
/* A field of exactly 16 lowercase hex digits, copied to out (NUL-terminated). */
void rec_hex_id(struct rec_rd *r, char out[17]);

/* --- files -------------------------------------------------------------- */

/* Which build of quire this is: its version and its binary's size and
 * modification time, so a rebuilt parser never trusts older results.
 * Malloc'd. */
char *rec_engine(void);
/* The largest record file rec_map accepts (bytes): 256 MiB. */
#define REC_MAX_FILE ((size_t)256 << 20)
/* Map the regular file at path read-only (opened by open_regular); NULL
 * when it cannot: missing or empty (silently), or not a regular file or
 * larger than REC_MAX_FILE (a one-line warning on stderr unless
 * warn_is_quiet).  Unmap with rec_unmap(p, *len). */
const char *rec_map(const char *path, size_t *len);
void rec_unmap(const char *p, size_t len);
/* The cache file `$XDG_CACHE_HOME/quire/KIND-HASH` of library root `root`
 * (HASH: 16 hex digits of FNV-1a over the root's real path, which is
 * stored in *canon, malloc'd).  NULL (and *canon NULL) when there is no
 * cache folder or QUIRE_NO_CACHE is set to anything but "" or "0". */
char *rec_cache_path(const char *kind, const char *root, char **canon);

/* Are the caches turned off: QUIRE_NO_CACHE set to anything but "" or "0"
 * (the index cache, the snapshot, the parse memo, derived files)? */
bool rec_caches_off(void);
/* Write data atomically to path, creating its folder (mode 0700). */
int rec_write(const char *path, const char *data, size_t len, char **err);

#endif
