/* bookmarks.c — the bookmark store.  See bookmarks.h; the file format and
 * the merge rules are in docs/FORMATS.md ("Bookmarks").
 *
 * In memory a store is an array of stories sorted by id; each story has a
 * title, the last position and up to 52 named marks.  Every record carries
 * a `dirty` flag: set by this process since the last save.  Saving locks
 * DIR/bookmarks.lock, re-reads DIR/bookmarks, merges our records over what
 * is there, writes the result atomically and adopts it as the new store.
 *
 * This file: the public interface.  The other parts, bottom to top:
 * bookmarks_store.c (records in memory, merging), bookmarks_file.c (the
 * file format), bookmarks_disk.c (locking,
 * loading, repairing, replacing the file), bookmarks_place.c (positions in
 * a story and finding them again).  quire --bookmarks is printed by
 * output.c through bookmarks_story. */
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

struct bookmarks *bookmarks_open(const char *dir, bool quiet)
{
    struct bookmarks *b = xcalloc(1, sizeof *b);
    b->quiet = quiet;
    b->dir = dir ? xstrdup(dir) : xdg_dir("STATE");
    if (!b->dir)
        return b;
    b->path = xasprintf("%s/%s", b->dir, BM_FILE);
    bm_open_file(b);
    return b;
}

void bookmarks_close(struct bookmarks *b)
{
    if (!b)
        return;
    bookmarks_save(b);
    bm_store_free(&b->s);
    bm_moves_free(b);
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
    const struct bm_story *s = b ? bm_story_lookup(&b->s, story_id) : NULL;
    if (!s || !s->last.set)
        return false;
    *out = s->last.pos;
    return true;
}

bool bookmarks_get_mark(const struct bookmarks *b, const char *story_id, char letter,
                        struct bm_pos *out)
{
    int li = bm_letter_index(letter);
    const struct bm_story *s = b && li >= 0 ? bm_story_lookup(&b->s, story_id) : NULL;
    if (!s || !s->mark || !s->mark[li].set)
        return false;
    *out = s->mark[li].pos;
    return true;
}

void bookmarks_marks(const struct bookmarks *b, const char *story_id, char *buf)
{
    size_t n = 0;
    const struct bm_story *s = b ? bm_story_lookup(&b->s, story_id) : NULL;
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
    const struct bm_story *old = bm_story_lookup(&b->s, story_id);
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
    const struct bm_story *old = bm_story_lookup(&b->s, story_id);
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

bool bookmarks_delete_mark(struct bookmarks *b, const char *story_id, char letter, time_t when)
{
    int li = bm_letter_index(letter);
    const struct bm_story *old = b && li >= 0 ? bm_story_lookup(&b->s, story_id) : NULL;
    if (!old || !old->mark || !old->mark[li].set)
        return false;
    struct bm_rec *m = &bm_story_get(&b->s, story_id)->mark[li];
    if (when == 0)
        when = time(NULL);
    if (when < m->pos.when)
        when = m->pos.when;   /* a mark dated ahead of this clock is still deleted */
    bm_rec_free(m);
    memset(m, 0, sizeof *m);
    m->gone = true;
    m->pos.when = when;
    m->dirty = true;
    b->dirty = true;
    return true;
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

/* ---- merging whole files (state_sync.c) --------------------------------- */

static void check_from(struct statefile_check *c, enum parse_status ps, const struct parse_info *pi)
{
    c->status = ps == PARSE_NEWER ? STATEFILE_NEWER
              : ps == PARSE_UNREADABLE ? STATEFILE_UNREADABLE
              : pi->bad ? STATEFILE_SOME_BAD : STATEFILE_OK;
    c->bad = pi->bad;
    c->first_bad = pi->first_bad;
    c->version = pi->version;
    c->why = pi->why;
}

char *bookmarks_merge_files(const char *a, size_t alen, const char *b, size_t blen, size_t *len,
                            struct statefile_check *ca, struct statefile_check *cb)
{
    struct store sa = {0}, sb = {0};
    struct parse_info pa, pb;
    memset(&pa, 0, sizeof pa);
    enum parse_status ra = a ? bm_store_parse(a, alen, &sa, &pa) : PARSE_OK;
    enum parse_status rb = bm_store_parse(b, blen, &sb, &pb);
    check_from(ca, ra, &pa);
    check_from(cb, rb, &pb);
    char *out = NULL;
    if (ra == PARSE_OK && rb == PARSE_OK) {
        bm_store_merge(&sa, &sb);   /* b's records are clean: only newer ones win */
        for (size_t i = 0; i < sb.n_unknown; i++) {
            bool have = false;
            for (size_t k = 0; k < sa.n_unknown && !have; k++)
                have = strcmp(sa.unknown[k], sb.unknown[i]) == 0;
            if (!have) {
                XGROW(sa.unknown, sa.cap_unknown, sa.n_unknown + 1);
                sa.unknown[sa.n_unknown++] = xstrdup(sb.unknown[i]);
            }
        }
        out = bm_store_format(&sa, len);
    }
    bm_store_free(&sa);
    bm_store_free(&sb);
    return out;
}

/* ---- listings ------------------------------------------------------------ */

bool bookmarks_story(const struct bookmarks *b, size_t i, const char **id, const char **title)
{
    if (!b || i >= b->s.n)
        return false;
    *id = b->s.st[i].id;
    *title = b->s.st[i].title;
    return true;
}

void bookmarks_adopt(struct bookmarks *b, const struct library *lib)
{
    if (!b || !lib)
        return;
    for (size_t i = 0; i < lib->n_stories; i++) {
        const struct story *s = &lib->stories[i];
        for (size_t k = 0; k < s->n_alias; k++) {
            const char *a = s->alias[k];
            if (!bm_story_lookup(&b->s, a))
                continue;
            bool owned = false;   /* another story's own id: its records */
            for (size_t j = 0; j < lib->n_stories && !owned; j++)
                owned = strcmp(lib->stories[j].id, a) == 0;
            if (owned || !bm_valid_id(s->id, strlen(s->id)) || !bm_store_move(&b->s, a, s->id))
                continue;
            XGROW(b->moves, b->cap_moves, b->n_moves + 1);
            b->moves[b->n_moves++] = (struct bm_move){xstrdup(a), xstrdup(s->id)};
        }
    }
}
