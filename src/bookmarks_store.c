/* bookmarks_store.c — the bookmark store's records in memory: letters of
 * marks, ids, stories sorted by id, finding and creating them, merging two
 * stores record by record (newest wins; see docs/FORMATS.md).  The bottom
 * of the bookmark files: it calls none of them (statefile.c orders
 * records). */
#include "bookmarks_internal.h"
#include "statefile.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
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
    return token_ok(s, n, BM_MAX_ID);
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

const struct bm_story *bm_story_lookup(const struct store *st, const char *id)
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

int bm_newer(time_t a, const char *da, time_t b, const char *db)
{
    return statefile_newer(a, da, b, db);
}

/* Does our title replace theirs?  When theirs is missing, when ours is
 * newer, or when ours was changed here and is as new. */
static bool ours_wins(bool have_theirs, time_t theirs, const char *tdev, time_t ours,
                      const char *odev, bool dirty)
{
    int c = have_theirs ? bm_newer(ours, odev, theirs, tdev) : 1;
    return c > 0 || (dirty && c == 0);
}

/* Does record `ours` replace `theirs`?  As ours_wins; on a full tie a
 * tombstone also beats the mark it deleted. */
static bool rec_wins(const struct bm_rec *theirs, const struct bm_rec *ours)
{
    if (!bm_rec_held(theirs))
        return true;
    int c = bm_newer(ours->pos.when, ours->dev, theirs->pos.when, theirs->dev);
    return c > 0 || (c == 0 && (ours->dirty || (ours->gone && !theirs->gone)));
}

/* Merge our store into `into` (the file as it is now); records are copied. */
void bm_store_merge(struct store *into, const struct store *ours)
{
    for (size_t i = 0; i < ours->n; i++) {
        const struct bm_story *o = &ours->st[i];
        struct bm_story *t = bm_story_get(into, o->id);
        if ((o->title_set || o->title_dirty) &&
            ours_wins(t->title_set, t->when, t->title_dev, o->when, o->title_dev,
                      o->title_dirty)) {
            free(t->title);
            free(t->title_extra);
            t->title = xstrdup(o->title);
            t->title_extra = o->title_extra ? xstrdup(o->title_extra) : NULL;
            t->when = o->when;
            memcpy(t->title_dev, o->title_dev, sizeof t->title_dev);
            t->title_set = true;
        }
        if (o->last.set && rec_wins(&t->last, &o->last))
            rec_copy(&t->last, &o->last);
        for (int l = 0; o->mark && l < BM_N_LETTERS; l++) {
            const struct bm_rec *m = &o->mark[l];
            if (!bm_rec_held(m))
                continue;
            struct bm_rec *tm = bm_story_mark(t, l);
            if (rec_wins(tm, m))
                rec_copy(tm, m);
        }
    }
}

/* ---- the public interface ----------------------------------------------- */

/* ---- ids that changed: a story's records under an alias of it ------------
 * (story.h: struct story.alias; docs/FORMATS.md, "Story ids") */

bool bm_store_move(struct store *st, const char *from, const char *to)
{
    bool found;
    if (strcmp(from, to) == 0)
        return false;
    (void)story_find(st, from, &found);
    if (!found)
        return false;
    (void)bm_story_get(st, to);   /* may move the array: find both after it */
    size_t fi = story_find(st, from, &found);
    struct bm_story *f = &st->st[fi];
    struct bm_story *t = &st->st[story_find(st, to, &found)];
    if (f->title_set &&
        (!t->title_set || bm_newer(f->when, f->title_dev, t->when, t->title_dev) > 0)) {
        free(t->title);
        free(t->title_extra);
        t->title = f->title;
        t->title_extra = f->title_extra;
        f->title = f->title_extra = NULL;
        t->when = f->when;
        memcpy(t->title_dev, f->title_dev, sizeof t->title_dev);
        t->title_set = true;
        t->title_dirty |= f->title_dirty;
    }
    if (f->last.set && (!t->last.set || bm_newer(f->last.pos.when, f->last.dev,
                                                 t->last.pos.when, t->last.dev) > 0)) {
        bm_rec_free(&t->last);
        t->last = f->last;
        f->last.extra = NULL;
    }
    for (int l = 0; f->mark && l < BM_N_LETTERS; l++) {
        struct bm_rec *m = &f->mark[l];
        if (!bm_rec_held(m))
            continue;
        struct bm_rec *tm = bm_story_mark(t, l);
        if (!bm_rec_held(tm) || bm_newer(m->pos.when, m->dev, tm->pos.when, tm->dev) > 0) {
            bm_rec_free(tm);
            *tm = *m;
            m->extra = NULL;
        }
    }
    story_free(f);
    memmove(&st->st[fi], &st->st[fi + 1], (st->n - fi - 1) * sizeof *st->st);
    st->n--;
    return true;
}

void bm_moves_apply(const struct bookmarks *b, struct store *st)
{
    for (size_t i = 0; i < b->n_moves; i++)
        bm_store_move(st, b->moves[i].from, b->moves[i].to);
}

void bm_moves_free(struct bookmarks *b)
{
    for (size_t i = 0; i < b->n_moves; i++) {
        free(b->moves[i].from);
        free(b->moves[i].to);
    }
    free(b->moves);
    b->moves = NULL;
    b->n_moves = b->cap_moves = 0;
}
