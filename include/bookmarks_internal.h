/* bookmarks_internal.h — what the bookmark store's files share: the
 * in-memory store and the helpers one file gives another.  Private to
 * src/bookmarks*.c (bookmarks.h is the contract). */
#ifndef QUIRE_BOOKMARKS_INTERNAL_H
#define QUIRE_BOOKMARKS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "bookmarks.h"
#include "util.h"

#define BM_MAGIC      "quire-bookmarks"
#define BM_VERSION    1
#define BM_FILE       "bookmarks"
#define BM_LOCK       "bookmarks.lock"
#define BM_TMP_PREFIX "bookmarks.tmp."       /* write_file_atomic's temp files */
#define BM_BAD_PREFIX "bookmarks.bad-"
#define BM_MAX_LINE   65536                  /* bytes; longer lines are bad */
#define BM_MAX_FILE   ((size_t)64 << 20)     /* bytes; bigger files are unreadable */
#define BM_MAX_ID     64                     /* bytes of a story id */
#define BM_MAX_TITLE  1024                   /* bytes of a story title */
#define BM_CTX        48                     /* bytes of context */
#define BM_CHTITLE    80                     /* bytes of a chapter title */
#define BM_N_LETTERS  52
#define BM_DEV        16                     /* bytes of a device id */
#define BM_TOMB_KEEP  ((time_t)400 * 24 * 60 * 60)  /* seconds a tombstone is kept */

/* ---- records ------------------------------------------------------------ */

struct bm_rec {
    struct bm_pos pos;
    bool set;
    bool gone;           /* a mark deleted at pos.when (a tombstone: only
                            pos.when is meaningful); never with set */
    char dev[BM_DEV + 1];/* the device that saved it ("" unknown: older) */
    bool dirty;          /* changed by this process since the last save */
    char *extra;         /* fields after the known ones, raw, starting with a
                            tab (kept on rewrite), or NULL */
};

struct bm_story {
    char *id;
    char *title;         /* "" when unknown */
    time_t when;         /* when the title was recorded */
    bool title_set;      /* a `story` record exists */
    bool title_dirty;
    char title_dev[BM_DEV + 1];
    char *title_extra;
    struct bm_rec last;
    struct bm_rec *mark; /* BM_N_LETTERS, allocated on first mark */
};

struct store {
    struct bm_story *st; /* sorted by id (strcmp) */
    size_t n, cap;
    char **unknown;      /* lines of unknown record types, verbatim */
    size_t n_unknown, cap_unknown;
};

/* A story's records moved from an alias of it to its id (bookmarks_adopt). */
struct bm_move {
    char *from, *to;
};

struct bookmarks {
    char *dir;           /* NULL: no folder known */
    char *path;          /* dir/bookmarks */
    bool quiet;
    bool detached;       /* from bookmarks_parse: never written */
    bool readonly;       /* the file must not be replaced (newer format, or
                            it could not be kept aside) */
    bool dirty;
    bool warned_write;   /* the "cannot save" warning was given */
    struct store s;
    char *warning;
    char recent[BM_MAX_ID + 1];
    char device[BM_DEV + 1]; /* this machine's id ("" until the first save
                                makes it; statefile_device) */
    struct bm_move *moves;   /* ids adopted (bookmarks_adopt), to apply to
                                the file at the next save that writes it */
    size_t n_moves, cap_moves;
};

enum parse_status { PARSE_OK, PARSE_UNREADABLE, PARSE_NEWER };

struct parse_info {
    size_t bad;          /* unreadable lines */
    size_t first_bad;    /* line number of the first one (1-based) */
    unsigned long version;
    const char *why;     /* for PARSE_UNREADABLE */
};

/* Is a record (when a, device da) newer than (when b, device db)?  >0
 * yes, <0 no, 0 a full tie: the later WHEN, of equal ones the greater
 * device id (docs/FORMATS.md, "Sync"). */
int bm_newer(time_t a, const char *da, time_t b, const char *db);
/* A slot holds a record: a mark (or position) or a tombstone. */
static inline bool bm_rec_held(const struct bm_rec *r)
{
    return r->set || r->gone;
}
/* Copy the longest valid UTF-8 prefix of src of at most max bytes (whole
 * characters), control characters replaced by spaces, into dst (max+1). */
void bm_copy_text(char *dst, const char *src, size_t max);
/* Hundredths of a percent, 0..10000 (NaN and out of range clamped). */
long bm_hundredths(double pc);
/* Mark letters a-z, A-Z and their indexes 0..51 (-1: not a letter). */
char bm_index_letter(int i);
int bm_letter_index(char c);
/* Read the file into b->s (empty) at open (statefile_open): without the
 * lock, and when it needs repair again under it, kept aside and written
 * clean; what goes wrong is a warning, and a file that must not be
 * replaced makes the store read-only. */
void bm_open_file(struct bookmarks *b);
void bm_rec_free(struct bm_rec *r);
/* The whole file for st (malloc'd), its length in *len. */
char *bm_store_format(const struct store *st, size_t *len);
void bm_store_free(struct store *st);
/* Merge our store into `into` (the file as it is now); records are copied. */
void bm_store_merge(struct store *into, const struct store *ours);
/* Move the records of story `from` into story `to` (each record: the newer
 * WHEN wins, `to`'s on a tie) and remove `from`.  false when st has no
 * `from` (or from == to). */
bool bm_store_move(struct store *st, const char *from, const char *to);
/* The moves bookmarks_adopt made in memory, made again in st (the file as
 * a save reads it: another process may have written under an old id
 * meanwhile); and forgetting them once written. */
void bm_moves_apply(const struct bookmarks *b, struct store *st);
void bm_moves_free(struct bookmarks *b);
/* Parse a whole file into *st (empty on entry). */
enum parse_status bm_store_parse(const char *data, size_t len, struct store *st,
                                 struct parse_info *pi);
/* Lock, re-read (repairing), merge ours over it, write when anything is to
 * be written, adopt the result, unlock.  0 or -1 (warning recorded). */
int bm_store_sync(struct bookmarks *b);
/* The story with `id`, created (empty) when missing. */
struct bm_story *bm_story_get(struct store *st, const char *id);
/* The story with `id`, or NULL (id NULL or not in st). */
const struct bm_story *bm_story_lookup(const struct store *st, const char *id);
/* Mark li (bm_letter_index) of s, the marks array allocated on first use. */
struct bm_rec *bm_story_mark(struct bm_story *s, int li);
/* Bytes of the valid UTF-8 character at s (at most n bytes), 0 if invalid. */
size_t bm_u8_char(const char *s, size_t n);
/* A story id: 1..64 printable ASCII bytes, no space, no backslash. */
bool bm_valid_id(const char *s, size_t n);
/* The "cannot save" warning, once per store. */
void bm_warn_write(struct bookmarks *b, const char *what);

#endif
