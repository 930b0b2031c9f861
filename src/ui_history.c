/* ui_history.c — the search history: the searches typed, oldest first,
 * kept in the state folder (search-history, one search a line, UTF-8, at
 * most UI_HISTORY_MAX lines) so that `/` then Up recalls them in a later
 * run too.  No curses.
 *
 * The file is read at first use (not before the first frame), accepted only
 * as a regular file of at most 64 KiB (read_file_max); a search is added by reading the
 * file again (another quire may have added its own), dropping an equal
 * older entry, appending, keeping the last UI_HISTORY_MAX, and replacing
 * the file atomically.  A file that cannot be read or written costs the
 * history, never the reading. */
#include <stdlib.h>
#include <string.h>

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

void ui_history_free(struct ui_history *h)
{
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

void ui_history_add(struct ui_history *h, const char *text)
{
    size_t len = strcspn(text, "\n\r");
    if (len == 0)
        return;
    read_back(h);
    h->loaded = true;
    push(h, text, len);
    if (!h->path)
        return;
    struct buf b = {0};
    for (size_t i = 0; i < h->n; i++) {
        buf_adds(&b, h->items[i]);
        buf_addc(&b, '\n');
    }
    char *dir = xstrdup(h->path), *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    char *err = NULL;
    if (!slash || mkdir_p(dir, &err) == 0)
        write_file_atomic(h->path, b.data, b.len, &err);
    free(err);
    free(dir);
    buf_free(&b);
}

const char *ui_history_get(const struct ui_history *h, size_t back)
{
    return back >= 1 && back <= h->n ? h->items[h->n - back] : NULL;
}
