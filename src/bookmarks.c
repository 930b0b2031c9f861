/* bookmarks.c — the bookmark store.  See bookmarks.h; the file format and
 * the merge rules are in docs/FORMATS.md ("Bookmarks").
 *
 * In memory a store is an array of stories sorted by id; each story has a
 * title, the last position and up to 52 named marks.  Every record carries
 * a `dirty` flag: set by this process since the last save.  Saving locks
 * DIR/bookmarks.lock, re-reads DIR/bookmarks, merges our records over what
 * is there, writes the result atomically and adopts it as the new store.
 *
 * This file: records in memory, merging, the public interface.  The other
 * parts: bookmarks_file.c (the file format), bookmarks_disk.c (locking,
 * loading, repairing, replacing the file), bookmarks_place.c (positions in
 * a story and finding them again), bookmarks_print.c (quire --bookmarks). */
#include "bookmarks_internal.h"
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


int bm_letter_index(char c)
{
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= 'A' && c <= 'Z')
        return 26 + (c - 'A');
    return -1;
}

char bm_index_letter(int i)
{
    return (char)(i < 26 ? 'a' + i : 'A' + (i - 26));
}

/* A story id: 1..64 printable ASCII bytes, no space, no backslash. */
bool bm_valid_id(const char *s, size_t n)
{
    if (n == 0 || n > BM_MAX_ID)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || c == '\\')
            return false;
    }
    return true;
}

/* Bytes of the valid UTF-8 character at s (at most n bytes), 0 if invalid. */
size_t bm_u8_char(const char *s, size_t n)
{
    int k = u8_mblen((const uint8_t *)s, n);
    if (k <= 0)
        return *s == '\0' && n > 0 ? 1 : 0;
    return (size_t)k;
}

/* Copy the longest valid UTF-8 prefix of src of at most max bytes (whole
 * characters), control characters replaced by spaces, into dst (max+1). */
void bm_copy_text(char *dst, const char *src, size_t max)
{
    size_t n = 0, len = strlen(src);
    const char *p = src;
    while (*p) {
        size_t k = bm_u8_char(p, len - (size_t)(p - src));
        if (k == 0 || n + k > max)
            break;
        if (k == 1 && ((unsigned char)*p < 0x20 || *p == 0x7f))
            dst[n] = ' ';
        else
            memcpy(dst + n, p, k);
        n += k;
        p += k;
    }
    dst[n] = '\0';
}

/* A malloc'd copy of a title: invalid bytes become '?', at most
 * BM_MAX_TITLE bytes of whole characters. */
static char *clean_title(const char *s)
{
    struct buf b = {0};
    size_t len = strlen(s);
    for (size_t i = 0; i < len && b.len < BM_MAX_TITLE;) {
        size_t k = bm_u8_char(s + i, len - i);
        if (k == 0) {
            buf_addc(&b, '?');
            i++;
            continue;
        }
        if (b.len + k > BM_MAX_TITLE)
            break;
        buf_add(&b, s + i, k);
        i += k;
    }
    if (!b.data)
        buf_add(&b, "", 0);
    return b.data;
}

void bm_rec_free(struct bm_rec *r)
{
    free(r->extra);
    r->extra = NULL;
}

static void story_free(struct bm_story *s)
{
    free(s->id);
    free(s->title);
    free(s->title_extra);
    bm_rec_free(&s->last);
    if (s->mark)
        for (int i = 0; i < BM_N_LETTERS; i++)
            bm_rec_free(&s->mark[i]);
    free(s->mark);
}

void bm_store_free(struct store *st)
{
    for (size_t i = 0; i < st->n; i++)
        story_free(&st->st[i]);
    free(st->st);
    for (size_t i = 0; i < st->n_unknown; i++)
        free(st->unknown[i]);
    free(st->unknown);
    memset(st, 0, sizeof *st);
}

/* Index of the story with `id`, or where it would be inserted (*found false). */
static size_t story_find(const struct store *st, const char *id, bool *found)
{
    size_t lo = 0, hi = st->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(st->st[mid].id, id);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

static const struct bm_story *story_lookup(const struct store *st, const char *id)
{
    bool found;
    if (!id)
        return NULL;
    size_t i = story_find(st, id, &found);
    return found ? &st->st[i] : NULL;
}

/* The story with `id`, created (empty) when missing. */
struct bm_story *bm_story_get(struct store *st, const char *id)
{
    bool found;
    size_t i = story_find(st, id, &found);
    if (found)
        return &st->st[i];
    XGROW(st->st, st->cap, st->n + 1);
    memmove(&st->st[i + 1], &st->st[i], (st->n - i) * sizeof *st->st);
    st->n++;
    struct bm_story *s = &st->st[i];
    memset(s, 0, sizeof *s);
    s->id = xstrdup(id);
    s->title = xstrdup("");
    return s;
}

struct bm_rec *bm_story_mark(struct bm_story *s, int li)
{
    if (!s->mark)
        s->mark = xcalloc(BM_N_LETTERS, sizeof *s->mark);
    return &s->mark[li];
}

/* ---- merging ------------------------------------------------------------ */

static void rec_copy(struct bm_rec *dst, const struct bm_rec *src)
{
    bm_rec_free(dst);
    *dst = *src;
    dst->dirty = false;
    dst->extra = src->extra ? xstrdup(src->extra) : NULL;
}

/* Does `ours` replace `theirs`?  When theirs is missing, when ours is newer,
 * or when ours was changed here and is as new. */
static bool ours_wins(bool have_theirs, time_t theirs, time_t ours, bool dirty)
{
    return !have_theirs || ours > theirs || (dirty && ours == theirs);
}

/* Merge our store into `into` (the file as it is now); records are copied. */
void bm_store_merge(struct store *into, const struct store *ours)
{
    for (size_t i = 0; i < ours->n; i++) {
        const struct bm_story *o = &ours->st[i];
        struct bm_story *t = bm_story_get(into, o->id);
        if ((o->title_set || o->title_dirty) &&
            ours_wins(t->title_set, t->when, o->when, o->title_dirty)) {
            free(t->title);
            free(t->title_extra);
            t->title = xstrdup(o->title);
            t->title_extra = o->title_extra ? xstrdup(o->title_extra) : NULL;
            t->when = o->when;
            t->title_set = true;
        }
        if (o->last.set && ours_wins(t->last.set, t->last.pos.when, o->last.pos.when,
                                     o->last.dirty))
            rec_copy(&t->last, &o->last);
        for (int l = 0; o->mark && l < BM_N_LETTERS; l++) {
            const struct bm_rec *m = &o->mark[l];
            if (!m->set)
                continue;
            struct bm_rec *tm = bm_story_mark(t, l);
            if (ours_wins(tm->set, tm->pos.when, m->pos.when, m->dirty))
                rec_copy(tm, m);
        }
    }
}

/* ---- the public interface ----------------------------------------------- */

struct bookmarks *bookmarks_open(const char *dir, bool quiet)
{
    struct bookmarks *b = xcalloc(1, sizeof *b);
    b->quiet = quiet;
    b->dir = dir ? xstrdup(dir) : xdg_dir("STATE");
    if (!b->dir)
        return b;
    b->path = xasprintf("%s/%s", b->dir, BM_FILE);
    /* The usual case reads without the lock: the file is only ever replaced
     * whole.  Anything to repair is done under the lock. */
    bool rewrite;
    struct bookmarks probe = *b;
    probe.quiet = true;
    probe.warning = NULL;
    int r = bm_load(&probe, &b->s, "not locked", &rewrite);
    free(probe.warning);
    if (r == 0)
        return b;
    bm_store_free(&b->s);
    char *err = NULL;
    int lk = bm_lock_take(b, &err);
    if (lk < 0) {
        /* Cannot repair: keep what can be read, never replace the file. */
        bm_load(b, &b->s, err, &rewrite);
        b->readonly = true;
        free(err);
        return b;
    }
    bm_clean_temps(b);
    if (bm_load(b, &b->s, NULL, &rewrite) == 0 && rewrite) {
        size_t len;
        char *data = bm_store_format(&b->s, &len);
        if (bm_store_write(b, data, len, &err) != 0)
            bm_warn_write(b, err);
        free(data);
    }
    close(lk);
    free(err);
    return b;
}

void bookmarks_close(struct bookmarks *b)
{
    if (!b)
        return;
    bookmarks_save(b);
    bm_store_free(&b->s);
    free(b->dir);
    free(b->path);
    free(b->warning);
    free(b);
}

const char *bookmarks_warning(const struct bookmarks *b)
{
    return b ? b->warning : NULL;
}

void bookmarks_set_quiet(struct bookmarks *b, bool quiet)
{
    if (b)
        b->quiet = quiet;
}

const char *bookmarks_path(const struct bookmarks *b)
{
    return b ? b->path : NULL;
}

int bookmarks_save(struct bookmarks *b)
{
    if (!b || !b->dirty || b->detached)
        return 0;
    if (b->readonly)
        return -1;        /* the reason was given when it became so */
    return bm_store_sync(b);
}

bool bookmarks_get_last(const struct bookmarks *b, const char *story_id, struct bm_pos *out)
{
    const struct bm_story *s = b ? story_lookup(&b->s, story_id) : NULL;
    if (!s || !s->last.set)
        return false;
    *out = s->last.pos;
    return true;
}

bool bookmarks_get_mark(const struct bookmarks *b, const char *story_id, char letter,
                        struct bm_pos *out)
{
    int li = bm_letter_index(letter);
    const struct bm_story *s = b && li >= 0 ? story_lookup(&b->s, story_id) : NULL;
    if (!s || !s->mark || !s->mark[li].set)
        return false;
    *out = s->mark[li].pos;
    return true;
}

void bookmarks_marks(const struct bookmarks *b, const char *story_id, char *buf)
{
    size_t n = 0;
    const struct bm_story *s = b ? story_lookup(&b->s, story_id) : NULL;
    for (int l = 0; s && s->mark && l < BM_N_LETTERS; l++)
        if (s->mark[l].set)
            buf[n++] = bm_index_letter(l);
    buf[n] = '\0';
}

/* A record from a caller's position: texts made safe for the file. */
static void rec_from_pos(struct bm_rec *r, const struct bm_pos *pos)
{
    memset(r, 0, sizeof *r);
    r->pos = *pos;
    struct bm_pos *p = &r->pos;
    p->chapter_key[sizeof p->chapter_key - 1] = '\0';
    if (!bm_valid_id(p->chapter_key, strlen(p->chapter_key)))
        p->chapter_key[0] = '\0';
    p->context[sizeof p->context - 1] = '\0';
    char tmp[sizeof p->context];
    bm_copy_text(tmp, p->context, BM_CTX);
    memcpy(p->context, tmp, sizeof tmp);
    p->chapter_title[sizeof p->chapter_title - 1] = '\0';
    char tt[sizeof p->chapter_title];
    bm_copy_text(tt, p->chapter_title, BM_CHTITLE);
    memcpy(p->chapter_title, tt, sizeof tt);
    p->percent = (double)bm_hundredths(p->percent) / 100;   /* as the file keeps it */
    if (p->when == 0)
        p->when = time(NULL);
    r->set = true;
    r->dirty = true;
}

static bool same_place(const struct bm_pos *a, const struct bm_pos *b)
{
    return strcmp(a->chapter_key, b->chapter_key) == 0 && a->chapter == b->chapter &&
           a->off == b->off;
}

static bool same_rec(const struct bm_pos *a, const struct bm_pos *b)
{
    return same_place(a, b) && a->percent == b->percent && a->when == b->when &&
           strcmp(a->context, b->context) == 0 && a->n_chapters == b->n_chapters &&
           strcmp(a->chapter_title, b->chapter_title) == 0;
}

/* The story for a setter, its title updated. */
static struct bm_story *story_for_set(struct bookmarks *b, const char *id, const char *title,
                                      time_t when)
{
    struct bm_story *s = bm_story_get(&b->s, id);
    if (!title)
        return s;
    char *t = clean_title(title);
    if (!s->title_set || strcmp(t, s->title) != 0 || when > s->when) {
        free(s->title);
        free(s->title_extra);
        s->title = t;
        s->title_extra = NULL;
        if (when > s->when || !s->title_set)
            s->when = when;
        s->title_set = true;
        s->title_dirty = true;
        b->dirty = true;
    } else {
        free(t);
    }
    return s;
}

static time_t newest_last(const struct store *st)
{
    time_t t = 0;
    bool any = false;
    for (size_t i = 0; i < st->n; i++)
        if (st->st[i].last.set && (!any || st->st[i].last.pos.when > t)) {
            t = st->st[i].last.pos.when;
            any = true;
        }
    return t;
}

void bookmarks_set_last(struct bookmarks *b, const char *story_id, const char *title,
                        const struct bm_pos *pos)
{
    if (!b || !story_id || !pos || !bm_valid_id(story_id, strlen(story_id)))
        return;
    struct bm_rec r;
    rec_from_pos(&r, pos);
    const struct bm_story *old = story_lookup(&b->s, story_id);
    if (old && old->last.set &&
        (same_rec(&old->last.pos, &r.pos) ||
         (same_place(&old->last.pos, &r.pos) && old->last.pos.when >= newest_last(&b->s)))) {
        story_for_set(b, story_id, title, old->last.pos.when);
        return;
    }
    struct bm_story *s = story_for_set(b, story_id, title, r.pos.when);
    bm_rec_free(&s->last);
    s->last = r;
    b->dirty = true;
}

void bookmarks_set_mark(struct bookmarks *b, const char *story_id, const char *title,
                        char letter, const struct bm_pos *pos)
{
    int li = bm_letter_index(letter);
    if (!b || !story_id || !pos || li < 0 || !bm_valid_id(story_id, strlen(story_id)))
        return;
    struct bm_rec r;
    rec_from_pos(&r, pos);
    const struct bm_story *old = story_lookup(&b->s, story_id);
    if (old && old->mark && old->mark[li].set && same_place(&old->mark[li].pos, &r.pos)) {
        story_for_set(b, story_id, title, old->mark[li].pos.when);
        return;
    }
    struct bm_story *s = story_for_set(b, story_id, title, r.pos.when);
    struct bm_rec *m = bm_story_mark(s, li);
    bm_rec_free(m);
    *m = r;
    b->dirty = true;
}

const char *bookmarks_most_recent(const struct bookmarks *b)
{
    if (!b)
        return NULL;
    const struct bm_story *best = NULL;
    for (size_t i = 0; i < b->s.n; i++) {
        const struct bm_story *s = &b->s.st[i];
        if (s->last.set && (!best || s->last.pos.when > best->last.pos.when))
            best = s;
    }
    if (!best)
        return NULL;
    struct bookmarks *w = (struct bookmarks *)(uintptr_t)b;  /* a cache, not the store */
    snprintf(w->recent, sizeof w->recent, "%s", best->id);
    return w->recent;
}

struct bookmarks *bookmarks_parse(const char *data, size_t len, size_t *bad_lines, char **err)
{
    struct store st = {0};
    struct parse_info pi;
    enum parse_status ps = bm_store_parse(data, len, &st, &pi);
    if (bad_lines)
        *bad_lines = pi.bad;
    if (ps != PARSE_OK) {
        bm_store_free(&st);
        if (ps == PARSE_NEWER)
            set_err(err, "bookmarks: written by a newer quire (format %lu)", pi.version);
        else
            set_err(err, "bookmarks: unreadable (%s)", pi.why);
        return NULL;
    }
    struct bookmarks *b = xcalloc(1, sizeof *b);
    b->detached = true;
    b->quiet = true;
    b->s = st;
    return b;
}

char *bookmarks_format(const struct bookmarks *b, size_t *len)
{
    struct store empty = {0};
    return bm_store_format(b ? &b->s : &empty, len);
}
