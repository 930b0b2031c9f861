/* ui_history.c — the search history: the searches typed, oldest first,
 * kept in the state folder (search-history, one search a line, UTF-8, at
 * most UI_HISTORY_MAX lines) so that `/` then Up recalls them in a later
 * run too.  No curses.
 *
 * The file is read at first use (not before the first frame), accepted only
 * as a regular file of at most 64 KiB (read_file_max).  A search is written
 * under the file's lock (search-history.lock, the one a merge of conflict
 * copies takes): reading the file again (another quire may have added its
 * own), dropping an equal older entry, appending, keeping the last
 * UI_HISTORY_MAX, and replacing the file atomically.  A search never waits
 * for the lock: when another process holds it the search is kept pending
 * (and recalled from memory) and written at the next search that finds the
 * lock free, or at the end of the run (which waits).  A file that cannot
 * be read or written costs the history, never the reading. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "statefile.h"
#include "ui_internal.h"
#include "util.h"

#define HISTORY_READ_MAX (64 * 1024)

void ui_history_init(struct ui_history *h, const char *path)
{
    memset(h, 0, sizeof *h);
    h->path = path ? xstrdup(path) : NULL;
}

static void clear(struct ui_history *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->items[i]);
    free(h->items);
    h->items = NULL;
    h->n = 0;
}

static void flush(struct ui_history *h, bool wait);

void ui_history_free(struct ui_history *h)
{
    flush(h, true);
    for (size_t i = 0; i < h->n_pending; i++)
        free(h->pending[i]);
    free(h->pending);
    clear(h);
    free(h->path);
    memset(h, 0, sizeof *h);
}

static void push(struct ui_history *h, const char *s, size_t len)
{
    if (len == 0)
        return;
    for (size_t i = 0; i < h->n; i++)   /* an equal older entry goes */
        if (strlen(h->items[i]) == len && memcmp(h->items[i], s, len) == 0) {
            free(h->items[i]);
            memmove(&h->items[i], &h->items[i + 1], (h->n - i - 1) * sizeof *h->items);
            h->n--;
            break;
        }
    if (h->n == UI_HISTORY_MAX) {
        free(h->items[0]);
        memmove(&h->items[0], &h->items[1], (h->n - 1) * sizeof *h->items);
        h->n--;
    }
    h->items = xreallocarray(h->items, h->n + 1, sizeof *h->items);
    h->items[h->n++] = xstrndup(s, len);
}

/* The file's lines, or nothing when it is missing, not a regular file,
 * larger than HISTORY_READ_MAX or unreadable (read_file_max). */
static void read_back(struct ui_history *h)
{
    clear(h);
    if (!h->path)
        return;
    size_t len = 0;
    char *err = NULL;
    char *data = read_file_max(h->path, HISTORY_READ_MAX, &len, &err);
    free(err);
    if (!data)
        return;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - data) : len;
        push(h, data + i, end - i);
        i = end + 1;
    }
    free(data);
}

void ui_history_load(struct ui_history *h)
{
    if (h->loaded)
        return;
    h->loaded = true;
    read_back(h);
}

/* Write the pending searches: under the lock, merged with the file as it
 * is now.  Without `wait`, a lock another process holds leaves them
 * pending. */
static void flush(struct ui_history *h, bool wait)
{
    if (!h->path || !h->n_pending)
        return;
    char *dir = xstrdup(h->path), *slash = strrchr(dir, '/');
    const char *name = slash ? slash + 1 : dir;
    if (slash)
        *slash = '\0';
    char *err = NULL;
    bool busy = false;
    sigset_t old;
    statefile_block_stops(&old);   /* never suspended holding the lock */
    int lk = wait ? statefile_lock(slash ? dir : ".", name, &err)
                  : statefile_lock_try(slash ? dir : ".", name, &busy, &err);
    if (lk < 0 && busy) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        free(dir);
        return;   /* kept for the next search, or the end of the run */
    }
    read_back(h);
    h->loaded = true;
    for (size_t i = 0; i < h->n_pending; i++) {
        push(h, h->pending[i], strlen(h->pending[i]));
        free(h->pending[i]);
    }
    h->n_pending = 0;
    if (lk >= 0) {   /* a lock that cannot be taken: the file cannot be written either */
        struct buf b = {0};
        for (size_t i = 0; i < h->n; i++) {
            buf_adds(&b, h->items[i]);
            buf_addc(&b, '\n');
        }
        write_file_atomic(h->path, b.data, b.len, &err);
        buf_free(&b);
        close(lk);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    free(err);
    free(dir);
}

void ui_history_add(struct ui_history *h, const char *text)
{
    size_t len = strcspn(text, "\n\r");
    if (len == 0)
        return;
    ui_history_load(h);
    push(h, text, len);   /* recalled at once, written or not */
    if (!h->path)
        return;
    XGROW(h->pending, h->cap_pending, h->n_pending + 1);
    h->pending[h->n_pending++] = xstrndup(text, len);
    flush(h, false);
}

const char *ui_history_get(const struct ui_history *h, size_t back)
{
    return back >= 1 && back <= h->n ? h->items[h->n - back] : NULL;
}
