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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unistr.h>


/* ---- the store on disk -------------------------------------------------- */

static struct statefile_say say(struct bookmarks *b)
{
    return (struct statefile_say){.quiet = b->quiet, .warning = &b->warning,
                                  .readonly = &b->readonly, .warned = &b->warned_write};
}

/* The "cannot save" warning, once per store. */
void bm_warn_write(struct bookmarks *b, const char *what)
{
    struct statefile_say sy = say(b);
    statefile_warn_write(&sy, what, "bookmarks are not saved");
}

static void kind_parse(void *into, const char *data, size_t len, struct statefile_check *c)
{
    struct parse_info pi = {0};
    enum parse_status ps = bm_store_parse(data, len, into, &pi);
    c->status = ps == PARSE_NEWER ? STATEFILE_NEWER
              : ps == PARSE_UNREADABLE ? STATEFILE_UNREADABLE
              : pi.bad ? STATEFILE_SOME_BAD : STATEFILE_OK;
    c->bad = pi.bad;
    c->first_bad = pi.first_bad;
    c->version = pi.version;
    c->why = pi.why;
}

static void kind_clear(void *into) { bm_store_free(into); }

static char *kind_format(const void *from, size_t *len) { return bm_store_format(from, len); }

static const struct statefile_kind bm_kind = {
    .name = "bookmarks",
    .not_saved = "bookmarks are not saved",
    .max = BM_MAX_FILE,
    .parse = kind_parse,
    .clear = kind_clear,
    .format = kind_format,
};

void bm_open_file(struct bookmarks *b)
{
    struct statefile_say sy = say(b);
    statefile_open(&bm_kind, b->dir, "bookmarks", BM_TMP_PREFIX, b->path, &b->s, &sy);
}

/* Replace the file atomically.  A bookmarks file that is a symbolic link
 * (a dotfiles link into a synced folder) stays one: the file it names is
 * replaced, with its temporary file in that file's folder. */
static int store_write(const struct bookmarks *b, const char *data, size_t len, char **err)
{
    char *to = link_target(b->path, err);
    if (!to)
        return -1;
    int r = write_file_atomic(to, data, len, err);
    free(to);
    return r;
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
    sigset_t old;
    statefile_block_stops(&old);
    char *err = NULL;
    int ret = -1;
    int lk = statefile_lock(b->dir, "bookmarks", &err);   /* BM_LOCK */
    if (lk < 0) {
        bm_warn_write(b, err);
        goto out;
    }
    statefile_clean_temps(b->dir, BM_TMP_PREFIX);
    struct store disk = {0};
    bool rewrite = false, repair;
    struct statefile_say sy = say(b);
    if (statefile_load(&bm_kind, b->path, &disk, STATEFILE_HELD, NULL, &sy, &rewrite,
                       &repair) != 0) {
        bm_store_free(&disk);
        goto out;
    }
    bm_moves_apply(b, &disk);
    stamp_device(b);
    bm_store_merge(&disk, &b->s);
    if (b->dirty || rewrite) {
        size_t len;
        char *data = bm_store_format(&disk, &len);
        int w = store_write(b, data, len, &err);
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
