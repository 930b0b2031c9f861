/* shelf.c — the library as a reading list: sort, view, series grouped,
 * the next part, the remembered choice.  See shelf.h. */
#include "shelf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kv.h"
#include "util.h"

#define SHELF_PREFS_MAGIC "quire-library-view 1"
#define SHELF_PREFS_STEM  "quire-library-view "
#define SHELF_PREFS_MAX 4096     /* bytes: the file is three short lines */
#define SHELF_END_PERCENT 99.995 /* percent is kept to two decimals */

static const char *const sort_labels[SHELF_N_SORTS] = {"last read", "last updated", "title",
                                                       "author", "length"};
static const char *const sort_names[SHELF_N_SORTS] = {"last-read", "last-updated", "title",
                                                      "author", "length"};
static const char *const view_labels[SHELF_N_VIEWS] = {"all", "unread", "reading", "caught up",
                                                       "new chapters"};
static const char *const view_names[SHELF_N_VIEWS] = {"all", "unread", "reading", "caught-up",
                                                      "new"};

const char *shelf_sort_label(enum shelf_sort s)
{
    return s < SHELF_N_SORTS ? sort_labels[s] : "?";
}

const char *shelf_view_label(enum shelf_view v)
{
    return v < SHELF_N_VIEWS ? view_labels[v] : "?";
}

const char *shelf_sort_name(enum shelf_sort s)
{
    return s < SHELF_N_SORTS ? sort_names[s] : "?";
}

const char *shelf_view_name(enum shelf_view v)
{
    return v < SHELF_N_VIEWS ? view_names[v] : "?";
}

/* Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

/* "YYYY-MM-DD" (anything after it ignored) as seconds since the epoch at
 * UTC midnight; false when it is not such a date. */
static bool day_of(const char *s, long long *out)
{
    if (!s)
        return false;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : !(s[i] >= '0' && s[i] <= '9'))
            return false;
    long long y = atoll(s);
    unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    *out = days_from_civil(y, m, d) * 86400;
    return true;
}

void shelf_facts_fill(const struct library *lib, const struct bookmarks *bm,
                      const struct seen *seen, struct shelf_facts *out)
{
    for (size_t i = 0; i < lib->n_stories; i++) {
        const struct story *s = &lib->stories[i];
        struct shelf_facts *f = &out[i];
        memset(f, 0, sizeof *f);
        struct bm_pos pos;
        if (bm && bookmarks_get_last(bm, s->id, &pos)) {
            f->read = true;
            f->percent = pos.percent;
            f->last_read = pos.when;
        }
        for (size_t c = 0; c < s->n_ch; c++) {
            f->words += s->ch[c].words;
            for (size_t e = 0; e < s->ch[c].n_ed; e++)
                if (s->ch[c].ed[e].src && s->ch[c].ed[e].src->mtime > f->updated)
                    f->updated = s->ch[c].ed[e].src->mtime;
        }
        long long day;
        if (day_of(s->meta.updated, &day))
            f->updated = day;
        f->new_chapters = seen_count_new(seen, s);
    }
}

bool shelf_in_view(const struct shelf_facts *f, enum shelf_view v)
{
    bool at_end = f->read && f->percent >= SHELF_END_PERCENT;
    switch (v) {
    case SHELF_UNREAD:
        return !f->read;
    case SHELF_READING:
        return f->read && !at_end;
    case SHELF_CAUGHT_UP:
        return at_end && f->new_chapters == 0;
    case SHELF_NEW:
        return f->new_chapters > 0;
    default:
        return true;
    }
}

/* ---- ordering ------------------------------------------------------------ */

struct sort_ctx {
    const struct library *lib;
    const struct shelf_facts *facts;
    enum shelf_sort by;
};

static _Thread_local const struct sort_ctx *ctx;   /* qsort has no context argument */

static int cmp_num(long long a, long long b)
{
    return (a > b) - (a < b);
}

/* The stories' order in the sort; the library's own (title) order breaks
 * ties, so the order is total. */
static int cmp_story(const void *p, const void *q)
{
    size_t a = *(const size_t *)p, b = *(const size_t *)q;
    const struct shelf_facts *fa = &ctx->facts[a], *fb = &ctx->facts[b];
    int c = 0;
    switch (ctx->by) {
    case SHELF_BY_READ:
        c = fa->read != fb->read ? (fa->read ? -1 : 1)
                                 : cmp_num((long long)fb->last_read, (long long)fa->last_read);
        break;
    case SHELF_BY_UPDATED:
        c = cmp_num(fb->updated, fa->updated);
        break;
    case SHELF_BY_AUTHOR: {
        const char *x = ctx->lib->stories[a].author, *y = ctx->lib->stories[b].author;
        c = !*x != !*y ? (*x ? -1 : 1) : natcmp(x, y);
        break;
    }
    case SHELF_BY_LENGTH:
        c = cmp_num((long long)fb->words, (long long)fa->words);
        break;
    default:
        break;
    }
    return c ? c : cmp_num((long long)a, (long long)b);
}

static const char *series_of(const struct library *lib, size_t i)
{
    const char *s = lib->stories[i].meta.series;
    return s && *s ? s : NULL;
}

/* Series members together (by name, natural order, ASCII case ignored),
 * in part order: indexed parts by index, then unindexed ones; title order
 * breaks ties. */
static int cmp_part(const void *p, const void *q)
{
    size_t a = *(const size_t *)p, b = *(const size_t *)q;
    const struct story *sa = &ctx->lib->stories[a], *sb = &ctx->lib->stories[b];
    int c = natcmp(sa->meta.series, sb->meta.series);
    if (c)
        return c;
    double ia = sa->meta.series_index, ib = sb->meta.series_index;
    if ((ia > 0) != (ib > 0))
        return ia > 0 ? -1 : 1;
    if (ia != ib)
        return ia < ib ? -1 : 1;
    return cmp_num((long long)a, (long long)b);
}

size_t shelf_rows(const struct library *lib, const struct shelf_facts *facts, enum shelf_sort s,
                  enum shelf_view v, const bool *keep, struct shelf_row *rows)
{
    size_t n = lib->n_stories, nc = 0, np = 0;
    size_t *cand = xcalloc(n + 1, sizeof *cand);
    size_t *parts = xcalloc(n + 1, sizeof *parts);
    size_t *at = xcalloc(n + 1, sizeof *at);   /* a member's place in parts */
    for (size_t i = 0; i < n; i++) {
        if ((keep && !keep[i]) || !shelf_in_view(&facts[i], v))
            continue;
        cand[nc++] = i;
        if (series_of(lib, i))
            parts[np++] = i;
    }
    struct sort_ctx c = {lib, facts, s};
    const struct sort_ctx *saved = ctx;
    ctx = &c;
    qsort(cand, nc, sizeof *cand, cmp_story);
    qsort(parts, np, sizeof *parts, cmp_part);
    ctx = saved;
    for (size_t k = 0; k < np; k++)
        at[parts[k]] = k;
    bool *done = xcalloc(n + 1, sizeof *done);
    size_t out = 0;
    for (size_t k = 0; k < nc; k++) {
        size_t i = cand[k];
        if (done[i])
            continue;
        const char *name = series_of(lib, i);
        if (!name) {
            rows[out++] = (struct shelf_row){i, false};
            done[i] = true;
            continue;
        }
        /* the whole series here, where its first member in this sort is */
        size_t lo = at[i], hi = at[i] + 1;
        while (lo > 0 && natcmp(series_of(lib, parts[lo - 1]), name) == 0)
            lo--;
        while (hi < np && natcmp(series_of(lib, parts[hi]), name) == 0)
            hi++;
        rows[out++] = (struct shelf_row){parts[lo], true};
        for (size_t m = lo; m < hi; m++) {
            rows[out++] = (struct shelf_row){parts[m], false};
            done[parts[m]] = true;
        }
    }
    free(done);
    free(at);
    free(parts);
    free(cand);
    return out;
}

struct story *shelf_next_part(const struct library *lib, const struct story *s)
{
    const char *name = s->meta.series;
    double here = s->meta.series_index;
    if (!name || !*name || !(here > 0))
        return NULL;
    struct story *best = NULL;
    for (size_t i = 0; i < lib->n_stories; i++) {
        struct story *o = &lib->stories[i];
        double idx = o->meta.series_index;
        if (o == s || !(idx > here) || !o->meta.series || natcmp(o->meta.series, name) != 0)
            continue;
        if (!best || idx < best->meta.series_index)
            best = o;
    }
    return best;
}

/* ---- the remembered sort and view ---------------------------------------- */

static const struct kv_syntax prefs_syntax = {.comment = "#", .cr_ends_line = true};

struct prefs_reader {
    enum shelf_sort *s;
    enum shelf_view *v;
    long long *when;
};

static void prefs_line(void *p, const struct kv_line *l)
{
    struct prefs_reader *r = p;
    if (l->problem)
        return;
    if (l->key_len == 4 && memcmp(l->key, "when", 4) == 0) {
        long long w = 0;
        size_t i = l->val_len && l->val[0] == '-';
        if (i == l->val_len || l->val_len > 19)
            return;
        for (; i < l->val_len; i++) {
            if (l->val[i] < '0' || l->val[i] > '9')
                return;
            w = w * 10 + (l->val[i] - '0');
        }
        *r->when = l->val[0] == '-' ? -w : w;
        return;
    }
    bool sort = l->key_len == 4 && memcmp(l->key, "sort", 4) == 0;
    bool view = l->key_len == 4 && memcmp(l->key, "view", 4) == 0;
    const char *const *names = sort ? sort_names : view_names;
    int n = sort ? SHELF_N_SORTS : view ? SHELF_N_VIEWS : 0;
    for (int k = 0; k < n; k++)
        if (strlen(names[k]) == l->val_len && memcmp(names[k], l->val, l->val_len) == 0) {
            if (sort)
                *r->s = (enum shelf_sort)k;
            else
                *r->v = (enum shelf_view)k;
        }
}

int shelf_prefs_parse(const char *data, size_t len, enum shelf_sort *s, enum shelf_view *v,
                      long long *when)
{
    *when = 0;
    size_t ml = strlen(SHELF_PREFS_MAGIC), sl = strlen(SHELF_PREFS_STEM);
    if (len > ml && memcmp(data, SHELF_PREFS_MAGIC, ml) == 0 &&
        (data[ml] == '\n' || data[ml] == '\r')) {
        struct prefs_reader r = {s, v, when};
        kv_read(data + ml + 1, len - ml - 1, &prefs_syntax, prefs_line, &r);
        return 0;
    }
    int ver = 0;
    for (size_t i = sl; len > sl && memcmp(data, SHELF_PREFS_STEM, sl) == 0 && i < len &&
                        data[i] >= '0' && data[i] <= '9' && ver < 100000; i++)
        ver = ver * 10 + (data[i] - '0');
    return ver > 1 ? ver : -1;
}

void shelf_prefs_load(const char *path, enum shelf_sort *s, enum shelf_view *v)
{
    size_t len = 0;
    char *err = NULL;
    char *data = path ? read_file_max(path, SHELF_PREFS_MAX, &len, &err) : NULL;
    free(err);
    if (!data)
        return;
    long long when;
    shelf_prefs_parse(data, len, s, v, &when);
    free(data);
}

int shelf_prefs_save(const char *path, enum shelf_sort s, enum shelf_view v, char **err)
{
    char *text = xasprintf(SHELF_PREFS_MAGIC "\nsort = %s\nview = %s\nwhen = %lld\n",
                           shelf_sort_name(s), shelf_view_name(v), (long long)time(NULL));
    char *dir = xstrdup(path), *slash = strrchr(dir, '/');
    int rc = 0;
    if (slash && slash != dir) {
        *slash = '\0';
        rc = mkdir_p(dir, err);
    }
    if (rc == 0)
        rc = write_file_atomic(path, text, strlen(text), err);
    free(dir);
    free(text);
    return rc;
}
