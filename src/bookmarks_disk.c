/* bookmarks_disk.c — the store on disk: locking, reading (repairing what
 * cannot be read), keeping bad files aside, replacing the file atomically. */
#include "bookmarks_internal.h"
#include "diag.h"
#include "statefile.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unistr.h>


/* ---- the store on disk -------------------------------------------------- */

static void warn(struct bookmarks *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct bookmarks *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = xvasprintf(fmt, ap);
    va_end(ap);
    struct diag_sink sink = {.stream = b->quiet ? NULL : stderr};
    diag_report(&sink, DIAG_WARNING, "%s", m);
    free(b->warning);
    b->warning = m;
}

/* The "cannot save" warning, once per store. */
void bm_warn_write(struct bookmarks *b, const char *what)
{
    if (!b->warned_write)
        warn(b, "%s; bookmarks are not saved", what);
    b->warned_write = true;
}

/* Remove temporary files left by a killed process.  Only called with the
 * lock held, when no one else can be writing one. */
void bm_clean_temps(const struct bookmarks *b)
{
    statefile_clean_temps(b->dir, BM_TMP_PREFIX);
}

/* Read and parse the file into *st (empty on entry), repairing it when we
 * hold the lock (lockerr NULL): an unreadable file is moved aside; a file
 * with unreadable lines is copied aside and *rewrite is set.  Without the
 * lock (lockerr says why) nothing is moved and the store becomes read-only.
 * 0, or -1 when the file must not be written. */
int bm_load(struct bookmarks *b, struct store *st, const char *lockerr, bool *rewrite)
{
    *rewrite = false;
    struct stat sb;
    if (stat(b->path, &sb) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;     /* no file (or no folder) yet */
        warn(b, "%s: %s", b->path, strerror(errno));
        b->readonly = true;
        return -1;
    }
    char *err = NULL;
    size_t len = 0;
    char *data = NULL;
    if (!S_ISREG(sb.st_mode) || (uintmax_t)sb.st_size <= BM_MAX_FILE) {
        /* Anything but a regular file (a FIFO, /dev/zero) is refused by
         * read_file_max without waiting or reading: never replaced either. */
        data = read_file_max(b->path, BM_MAX_FILE, &len, &err);
        if (!data) {
            warn(b, "%s; bookmarks are not saved", err);
            free(err);
            b->readonly = true;
            return -1;
        }
    }
    struct parse_info pi = {.why = "too big"};
    enum parse_status ps = data ? bm_store_parse(data, len, st, &pi) : PARSE_UNREADABLE;
    int ret = 0;
    if (ps == PARSE_UNREADABLE) {
        bm_store_free(st);
        char *to = lockerr ? NULL : statefile_keep_aside(b->path, NULL, NULL, 0, &err);
        if (to) {
            warn(b, "%s: unreadable bookmarks, kept as %s", b->path, to);
            free(to);
        } else {
            warn(b, "%s: unreadable bookmarks (%s), left in place (%s); bookmarks are not saved",
                 b->path, pi.why, lockerr ? lockerr : err);
            b->readonly = true;
            ret = -1;
        }
    } else if (ps == PARSE_NEWER) {
        bm_store_free(st);
        warn(b, "%s: written by a newer quire (format %lu); bookmarks are not saved",
             b->path, pi.version);
        b->readonly = true;
        ret = -1;
    } else if (pi.bad) {
        char *to = lockerr ? NULL : statefile_keep_aside(b->path, NULL, data, len, &err);
        if (to) {
            warn(b, "%s:%zu: %zu unreadable line%s skipped, whole file kept as %s", b->path,
                 pi.first_bad, pi.bad, pi.bad == 1 ? "" : "s", to);
            free(to);
            *rewrite = true;
        } else {
            warn(b, "%s:%zu: %zu unreadable line%s skipped, file left as it is (%s); "
                 "bookmarks are not saved", b->path, pi.first_bad, pi.bad,
                 pi.bad == 1 ? "" : "s", lockerr ? lockerr : err);
            b->readonly = true;
            ret = -1;
        }
    }
    free(err);
    free(data);
    return ret;
}

/* Replace the file atomically.  A bookmarks file that is a symbolic link
 * (a dotfiles link into a synced folder) stays one: the file it names is
 * replaced, with its temporary file in that file's folder. */
int bm_store_write(const struct bookmarks *b, const char *data, size_t len, char **err)
{
    char *to = link_target(b->path, err);
    if (!to)
        return -1;
    int r = write_file_atomic(to, data, len, err);
    free(to);
    return r;
}

/* Take the store's lock (creating the folder).  The lock's fd, or -1 with
 * *err. */
int bm_lock_take(const struct bookmarks *b, char **err)
{
    return statefile_lock(b->dir, "bookmarks", err);   /* BM_LOCK */
}

static void clear_dirty(struct store *st)
{
    for (size_t i = 0; i < st->n; i++) {
        struct bm_story *s = &st->st[i];
        s->title_dirty = false;
        s->last.dirty = false;
        for (int l = 0; s->mark && l < BM_N_LETTERS; l++)
            s->mark[l].dirty = false;
    }
}

/* Our changes carry this machine's device id (made at the first save):
 * it decides ties of WHEN the same way on every machine. */
static void stamp_device(struct bookmarks *b)
{
    if (!b->device[0])
        statefile_device(b->dir, true, b->device, NULL);
    for (size_t i = 0; i < b->s.n; i++) {
        struct bm_story *s = &b->s.st[i];
        if (s->title_dirty)
            memcpy(s->title_dev, b->device, sizeof s->title_dev);
        if (s->last.dirty)
            memcpy(s->last.dev, b->device, sizeof s->last.dev);
        for (int l = 0; s->mark && l < BM_N_LETTERS; l++)
            if (s->mark[l].dirty)
                memcpy(s->mark[l].dev, b->device, sizeof s->mark[l].dev);
    }
}

/* Lock, re-read (repairing), merge ours over it, write when anything is to
 * be written, adopt the result, unlock.  0 or -1 (warning recorded). */
int bm_store_sync(struct bookmarks *b)
{
    if (!b->dir) {
        bm_warn_write(b, "no state folder ($XDG_STATE_HOME and $HOME are unset)");
        return -1;
    }
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTSTP);
    sigaddset(&stop, SIGTTIN);
    sigaddset(&stop, SIGTTOU);
    sigprocmask(SIG_BLOCK, &stop, &old);
    char *err = NULL;
    int ret = -1;
    int lk = bm_lock_take(b, &err);
    if (lk < 0) {
        bm_warn_write(b, err);
        goto out;
    }
    bm_clean_temps(b);
    struct store disk = {0};
    bool rewrite = false;
    if (bm_load(b, &disk, NULL, &rewrite) != 0) {
        bm_store_free(&disk);
        goto out;
    }
    bm_moves_apply(b, &disk);
    stamp_device(b);
    bm_store_merge(&disk, &b->s);
    if (b->dirty || rewrite) {
        size_t len;
        char *data = bm_store_format(&disk, &len);
        int w = bm_store_write(b, data, len, &err);
        free(data);
        if (w != 0) {
            bm_warn_write(b, err);
            bm_store_free(&disk);
            goto out;
        }
        bm_moves_free(b);
    }
    clear_dirty(&disk);
    bm_store_free(&b->s);
    b->s = disk;
    b->dirty = false;
    ret = 0;
out:
    if (lk >= 0)
        close(lk);     /* releases the lock */
    sigprocmask(SIG_SETMASK, &old, NULL);
    free(err);
    return ret;
}
