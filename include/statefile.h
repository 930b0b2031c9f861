/* statefile.h — what every file in the state folder shares when the folder
 * is synced between machines (docs/FORMATS.md, "Sync"): this machine's
 * device id, the names sync tools give conflict copies, the lock of a state
 * file, keeping a file that cannot be read aside, and the one flow that
 * reads a store's file, checks it, repairs it and warns (statefile_load,
 * statefile_open: bookmarks, seen chapters, pace).
 *
 * Layer: build (under the bookmark store and state_sync; uses util only).
 * No curses, no story model. */
#ifndef QUIRE_STATEFILE_H
#define QUIRE_STATEFILE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Bytes of a device id as quire makes them (16 lowercase hex digits). */
#define STATEFILE_DEVICE_LEN 16

/* This machine's device id for the state folder `dir`, into out (17 bytes,
 * NUL-terminated).  It is kept in DIR/device-KEY, where KEY (16 hex digits)
 * names this machine and this folder (a hash of /etc/machine-id, or of the
 * host name, and of the folder's real path), so that the folder can be
 * synced: each machine finds its own file by name and never takes
 * another's.  When the file is missing (or unreadable) and `create` is
 * true, a random id is made and written (a second process making one at
 * the same moment takes whichever was written first).  true with the id;
 * false (out "") when there is none yet and create is false, or it cannot
 * be written (*err says why; err may be NULL). */
bool statefile_device(const char *dir, bool create, char *out, char **err);

/* Is `name` (a file name, no folder) a conflict copy of the state file
 * `base` as a sync tool leaves it?  Syncthing's names:
 * BASE.sync-conflict-YYYYMMDD-HHMMSS-DEVICE (since v0.14) and
 * BASE.sync-conflict-YYYYMMDD-HHMMSS (before); DEVICE is letters and
 * digits. */
bool statefile_is_conflict(const char *name, const char *base);

/* Take the exclusive flock of DIR/NAME.lock (creating the folder and the
 * file; the file is never deleted).  Waits for the holder; stop signals
 * are NOT held back here (callers that may be suspended do so).  The fd to
 * close to release it, or -1 with *err. */
int statefile_lock(const char *dir, const char *name, char **err);

/* statefile_lock without waiting: -1 with *busy true when another process
 * (or another open of it) holds the lock; -1 with *err when it cannot be
 * taken at all. */
int statefile_lock_try(const char *dir, const char *name, bool *busy, char **err);

/* Remove DIR's files whose names start with `prefix` ("seen.tmp."): the
 * temporary files of killed processes.  Only with NAME's lock held, when
 * no one else can be writing one. */
void statefile_clean_temps(const char *dir, const char *prefix);

/* Keep `path` aside as AS.bad-YYYYMMDD-HHMMSS (AS NULL: path; then -2, -3,
 * ... when the name is taken; never replacing a file): moved by a rename
 * when data is NULL, else a new file with the len bytes of data, fsynced.
 * The new name (malloc'd), or NULL with *err. */
char *statefile_keep_aside(const char *path, const char *as, const char *data, size_t len,
                           char **err);

/* What reading one state file gave; a kind's merge function reports it
 * for each of its inputs. */
enum statefile_read {
    STATEFILE_OK,
    STATEFILE_SOME_BAD,      /* read, but `bad` lines were skipped */
    STATEFILE_UNREADABLE,    /* nothing read: not this kind, cut, empty */
    STATEFILE_NEWER,         /* a newer format: nothing read */
};
struct statefile_check {
    enum statefile_read status;
    size_t bad, first_bad;   /* lines skipped; the first one's number (1-based) */
    unsigned long version;   /* STATEFILE_NEWER: the file's format */
    const char *why;         /* STATEFILE_UNREADABLE: why (static text) */
};

/* Where a store says what went wrong with its file. */
struct statefile_say {
    bool quiet;          /* true: not printed on stderr */
    char **warning;      /* the last warning (malloc'd), replaced by each */
    bool *readonly;      /* set when the file must not be written */
    bool *warned;        /* the "not saved" warning was given (NULL: say it each time) */
};

/* Report a warning ("quire: TEXT" on stderr unless quiet) and keep it as
 * *say->warning. */
void statefile_warn(const struct statefile_say *say, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "WHAT; NOT_SAVED" (not_saved: "bookmarks are not saved"), once a store
 * when say->warned is given. */
void statefile_warn_write(const struct statefile_say *say, const char *what,
                          const char *not_saved);

/* A kind of state file as statefile_load reads it. */
struct statefile_kind {
    const char *name;        /* in warnings: "unreadable NAME, kept as ..."
                                (NULL: "unreadable, kept as ...") */
    const char *not_saved;   /* a warning's end when nothing will be written:
                                "bookmarks are not saved" */
    size_t max;              /* bytes; a bigger file is unreadable ("too big") */
    /* Parse the whole file into `into` (the caller's, empty) and say how it
     * went: STATEFILE_SOME_BAD keeps what was read. */
    void (*parse)(void *into, const char *data, size_t len, struct statefile_check *c);
    /* Drop what parse put into `into` (a file that is not used). */
    void (*clear)(void *into);
    /* The file's bytes for what `from` holds (malloc'd, *len bytes), for
     * writing a repaired file clean (statefile_open); NULL: never. */
    char *(*format)(const void *from, size_t *len);
};

/* Whether the file's lock is held while it is read. */
enum statefile_hold {
    STATEFILE_HELD,      /* held: a file that cannot be read whole is moved
                            aside, one with bad lines copied aside (*rewrite) */
    STATEFILE_PROBE,     /* not held: nothing moved; *repair says the file
                            needs the above (what could be read is kept) */
    STATEFILE_REFUSED,   /* it could not be taken (lockerr says why): nothing
                            moved; a file to repair is said and makes the
                            store read-only */
};

/* Read the state file at `path` of kind k into `into`, and repair it as
 * `hold` allows.  No file (or no folder) is an empty one.  The warnings
 * (docs/FORMATS.md "Bookmarks", "When something goes wrong"):
 *   PATH: unreadable NAME, kept as PATH.bad-STAMP
 *   PATH:LINE: N unreadable lines skipped, whole file kept as PATH.bad-STAMP
 *   PATH: written by a newer quire (format N); NOT_SAVED
 * and, when nothing can be kept aside, "..., left in place (WHY); NOT_SAVED"
 * with the store read-only.  0; -1 when the file must not be written (then
 * `into` holds what could be read, or nothing). */
int statefile_load(const struct statefile_kind *k, const char *path, void *into,
                   enum statefile_hold hold, const char *lockerr,
                   const struct statefile_say *say, bool *rewrite, bool *repair);

/* What a store does at open: the file read without its lock (it is only
 * ever replaced whole, atomically); a file that needs repair read again
 * under DIR/LOCKNAME's lock (the temporary files PREFIX* of killed
 * processes removed), kept aside, and written clean at once when lines
 * were skipped, so that the warning comes once.  `into` is empty on entry
 * and holds what could be read. */
void statefile_open(const struct statefile_kind *k, const char *dir, const char *lockname,
                    const char *tmp_prefix, const char *path, void *into,
                    const struct statefile_say *say);

/* Hold back the stop signals (SIGTSTP, SIGTTIN, SIGTTOU) while a state
 * file is written under its lock, so that a suspended quire never keeps
 * the lock; *old for sigprocmask(SIG_SETMASK, old, NULL) after. */
void statefile_block_stops(sigset_t *old);

/* A kind of state file's merge (state_sync.c holds the table of them):
 * the whole file b merged into the whole file a (a NULL: there is none),
 * record by record as the kind says (docs/FORMATS.md "Sync").  The result
 * (malloc'd, *len bytes), or NULL when a or b cannot be read at all
 * (STATEFILE_UNREADABLE or STATEFILE_NEWER in *ca or *cb).  Records of a
 * win ties: the result does not depend on b's name or time. */
typedef char *(*statefile_merge_fn)(const char *a, size_t alen, const char *b, size_t blen,
                                    size_t *len, struct statefile_check *ca,
                                    struct statefile_check *cb);

/* Which of two records of one thing wins a merge, on every machine alike:
 * >0 when (when a, device da) is newer than (when b, device db), <0 when
 * older, 0 a full tie.  The later WHEN; of equal ones the greater device
 * id (bytes; "" for a record without one is least). */
int statefile_newer(time_t a, const char *da, time_t b, const char *db);

/* Clock skew (docs/FORMATS.md, "Sync"): a WHEN read from a state file that
 * is more than STATEFILE_SKEW seconds after this machine's clock (`now`)
 * is taken as `now`, so that a machine whose clock ran ahead cannot win
 * every merge until its time comes.  Not done when this machine's own
 * clock is before STATEFILE_CLOCK_FLOOR (it is surely wrong itself).
 * Returns the WHEN to use. */
#define STATEFILE_SKEW ((time_t)24 * 60 * 60)
#define STATEFILE_CLOCK_FLOOR ((time_t)1767225600)   /* 2026-01-01 00:00 UTC */
time_t statefile_clamp_when(time_t when, time_t now);

#endif
