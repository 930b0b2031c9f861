/* pace.c — the reader's pace and per-story choices in the state folder.
 * See pace.h; the file is described in docs/FORMATS.md ("Pace"). */
#include "pace.h"
#include "statefile.h"
#include "diag.h"
#include "rec.h"
#include "story.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PACE_MAGIC "quire-pace 1"
#define PACE_MAGIC_STEM "quire-pace "
#define PACE_MAX_FILE ((size_t)4 << 20)   /* bytes; a bigger file is not ours */
/* Stories whose choice is kept (a line is about 40 bytes: the file stays
 * under PACE_MAX_FILE); past it the oldest choice is forgotten. */
#define PACE_MAX_FOLDS 50000
#define PACE_MAX_MS (24ul * 3600 * 1000)

/* ---- in memory ------------------------------------------------------------ */

struct pace *pace_new(void)
{
    return xcalloc(1, sizeof(struct pace));
}

void pace_free(struct pace *p)
{
    if (!p)
        return;
    free(p->dir);
    free(p->path);
    free(p->smp);
    free(p->fold);
    free(p->warning);
    free(p);
}

static struct statefile_say say(struct pace *p)
{
    return (struct statefile_say){.quiet = p->quiet, .warning = &p->warning,
                                  .readonly = &p->readonly};
}

static int smp_cmp(const struct pace_sample *a, const struct pace_sample *b)
{
    if (a->when != b->when)
        return a->when < b->when ? -1 : 1;
    if (a->words != b->words)
        return a->words < b->words ? -1 : 1;
    if (a->ms != b->ms)
        return a->ms < b->ms ? -1 : 1;
    return 0;
}

static int smp_qcmp(const void *a, const void *b) { return smp_cmp(a, b); }

/* Sort, drop repeats, keep the newest PACE_KEEP. */
static void smp_tidy(struct pace *p)
{
    if (p->n_smp == 0)
        return;
    qsort(p->smp, p->n_smp, sizeof *p->smp, smp_qcmp);
    size_t k = 1;
    for (size_t i = 1; i < p->n_smp; i++)
        if (smp_cmp(&p->smp[i], &p->smp[k - 1]) != 0)
            p->smp[k++] = p->smp[i];
    p->n_smp = k;
    if (k > PACE_KEEP) {
        memmove(p->smp, p->smp + (k - PACE_KEEP), PACE_KEEP * sizeof *p->smp);
        p->n_smp = PACE_KEEP;
    }
}

static void smp_add(struct pace *p, const struct pace_sample *s)
{
    p->smp = xreallocarray(p->smp, p->n_smp + 1, sizeof *p->smp);
    p->smp[p->n_smp++] = *s;
}

bool pace_turn(struct pace *p, double now, size_t words)
{
    bool had = p->have_turn;
    double dt = now - p->last_turn;
    p->last_turn = now;
    p->have_turn = true;
    if (!had || !(dt >= PACE_SKIM_S) || dt > PACE_PAUSE_S || words < PACE_MIN_WORDS)
        return false;
    if ((double)words / dt * 60.0 > PACE_MAX_WPM)
        return false;
    struct pace_sample s = {
        .when = (long long)now,
        .words = words,
        .ms = (unsigned long)(dt * 1000.0 + 0.5),
    };
    smp_add(p, &s);
    smp_tidy(p);
    p->dirty = true;
    return true;
}

void pace_break(struct pace *p)
{
    if (p)
        p->have_turn = false;
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double pace_wpm(const struct pace *p)
{
    if (!p || p->n_smp < PACE_MIN_SAMPLES)
        return PACE_DEFAULT_WPM;
    double v[PACE_KEEP];
    size_t n = 0;
    for (size_t i = 0; i < p->n_smp && n < PACE_KEEP; i++)
        if (p->smp[i].ms > 0)
            v[n++] = (double)p->smp[i].words * 60000.0 / (double)p->smp[i].ms;
    if (n < PACE_MIN_SAMPLES)
        return PACE_DEFAULT_WPM;
    qsort(v, n, sizeof *v, dbl_cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double pace_time_left(const struct pace *p, size_t words)
{
    return (double)words / pace_wpm(p);
}

const char *pace_format(double minutes, char *buf, size_t size)
{
    if (!(minutes >= 0))
        minutes = 0;
    if (minutes < 1) {
        snprintf(buf, size, "< 1 min");
        return buf;
    }
    unsigned long m = minutes > 1e9 ? 1000000000ul : (unsigned long)minutes;
    if ((double)m < minutes - 1e-9)
        m++;   /* rounded up */
    if (m < 60)
        snprintf(buf, size, "%lu min", m);
    else if (m % 60)
        snprintf(buf, size, "%lu h %lu min", m / 60, m % 60);
    else
        snprintf(buf, size, "%lu h", m / 60);
    return buf;
}

/* Index of id in the sorted folds, or where it would go (*found false). */
static size_t fold_find(const struct pace *p, const char *id, bool *found)
{
    return sorted_find(p->fold, p->n_fold, sizeof *p->fold, offsetof(struct pace_fold, id), id,
                       found);
}

int pace_fold_get(const struct pace *p, const char *id)
{
    bool found;
    if (!p || !id)
        return -1;
    size_t i = fold_find(p, id, &found);
    return found ? p->fold[i].folded : -1;
}

int pace_fold_story(const struct pace *p, const struct story *st, const struct library *lib)
{
    if (!p || !st)
        return -1;
    int got = pace_fold_get(p, st->id);
    if (got >= 0)
        return got;
    bool have = false;   /* the newest choice under an alias wins */
    long long newest = 0;
    for (size_t a = 0; a < st->n_alias; a++) {
        bool found;
        size_t i = fold_find(p, st->alias[a], &found);
        if (!found || (have && p->fold[i].when <= newest))
            continue;
        bool other = false;   /* another story's own id: its choice */
        for (size_t k = 0; lib && k < lib->n_stories && !other; k++)
            other = strcmp(lib->stories[k].id, st->alias[a]) == 0;
        if (other)
            continue;
        got = p->fold[i].folded ? 1 : 0;
        newest = p->fold[i].when;
        have = true;
    }
    return got;
}

/* Put (id, when, folded) when it is newer than what is there (or
 * `replace_tie` and as new); true when anything changed. */
static bool fold_put(struct pace *p, const char *id, long long when, bool folded,
                     bool replace_tie)
{
    if (strlen(id) != 16)
        return false;
    bool found;
    size_t i = fold_find(p, id, &found);
    if (found) {
        struct pace_fold *f = &p->fold[i];
        if (when < f->when || (when == f->when && !replace_tie))
            return false;
        if (f->when == when && f->folded == folded)
            return false;
        f->when = when;
        f->folded = folded;
        return true;
    }
    if (p->n_fold >= PACE_MAX_FOLDS) {   /* forget the oldest choice */
        size_t old = 0;
        for (size_t k = 1; k < p->n_fold; k++)
            if (p->fold[k].when < p->fold[old].when)
                old = k;
        if (p->fold[old].when > when)
            return false;   /* this one is older still */
        memmove(p->fold + old, p->fold + old + 1, (p->n_fold - old - 1) * sizeof *p->fold);
        p->n_fold--;
        if (old < i)
            i--;
    }
    XGROW(p->fold, p->cap_fold, p->n_fold + 1);
    memmove(p->fold + i + 1, p->fold + i, (p->n_fold - i) * sizeof *p->fold);
    struct pace_fold *f = &p->fold[i];
    memcpy(f->id, id, 17);
    f->when = when;
    f->folded = folded;
    p->n_fold++;
    return true;
}

void pace_fold_set(struct pace *p, const char *id, bool folded, long long when)
{
    if (p && id && fold_put(p, id, when, folded, true))
        p->dirty = true;
}

void pace_merge(struct pace *into, const struct pace *from)
{
    if (!from || into == from)
        return;
    bool changed = false;
    size_t before = into->n_smp;
    struct pace_sample *old = NULL;
    if (before) {
        old = xreallocarray(NULL, before, sizeof *old);
        memcpy(old, into->smp, before * sizeof *old);
    }
    for (size_t i = 0; i < from->n_smp; i++)
        smp_add(into, &from->smp[i]);
    smp_tidy(into);
    if (into->n_smp != before || (before && memcmp(old, into->smp, before * sizeof *old) != 0))
        changed = true;
    free(old);
    /* the folds: both sorted by id, merged in one pass */
    if (from->n_fold) {
        size_t na = into->n_fold, nb = from->n_fold, i = 0, j = 0, n = 0;
        struct pace_fold *out = xreallocarray(NULL, na + nb, sizeof *out);
        while (i < na || j < nb) {
            int c = i == na ? 1 : j == nb ? -1 : strcmp(into->fold[i].id, from->fold[j].id);
            if (c < 0) {
                out[n++] = into->fold[i++];
            } else if (c > 0) {
                out[n++] = from->fold[j++];
                changed = true;
            } else {
                bool theirs = from->fold[j].when > into->fold[i].when;
                if (theirs && from->fold[j].folded != into->fold[i].folded)
                    changed = true;
                if (theirs && from->fold[j].when != into->fold[i].when)
                    changed = true;
                out[n++] = theirs ? from->fold[j] : into->fold[i];
                i++;
                j++;
            }
        }
        while (n > PACE_MAX_FOLDS) {   /* forget the oldest choices */
            size_t o = 0;
            for (size_t k = 1; k < n; k++)
                if (out[k].when < out[o].when)
                    o = k;
            memmove(out + o, out + o + 1, (n - o - 1) * sizeof *out);
            n--;
        }
        free(into->fold);
        into->fold = out;
        into->n_fold = n;
        into->cap_fold = na + nb;
    }
    if (changed)
        into->dirty = true;
}

/* ---- the file ------------------------------------------------------------- */

char *pace_format_file(const struct pace *p, size_t *len)
{
    struct buf b = {0};
    rec_head(&b, PACE_MAGIC, NULL, NULL);
    for (size_t i = 0; i < p->n_smp; i++) {
        const struct pace_sample *s = &p->smp[i];
        buf_adds(&b, "s\t");
        rec_put_snum(&b, s->when);
        rec_tab(&b);
        rec_put_num(&b, s->words);
        rec_tab(&b);
        rec_put_num(&b, s->ms);
        buf_addc(&b, '\n');
    }
    for (size_t i = 0; i < p->n_fold; i++) {
        const struct pace_fold *f = &p->fold[i];
        buf_adds(&b, "f\t");
        rec_put_cstr(&b, f->id);
        rec_tab(&b);
        rec_put_snum(&b, f->when);
        rec_tab(&b);
        rec_put_num(&b, f->folded ? 1 : 0);
        buf_addc(&b, '\n');
    }
    rec_seal(&b, p->n_smp + p->n_fold);
    *len = b.len;
    return b.data;
}

unsigned long pace_file_version(const char *data, size_t len)
{
    size_t sl = strlen(PACE_MAGIC_STEM);
    if (len <= sl || memcmp(data, PACE_MAGIC_STEM, sl) != 0)
        return 0;
    unsigned long v = 0;
    for (size_t i = sl; i < len && data[i] >= '0' && data[i] <= '9'; i++) {
        if (v > 100000000ul)
            return 0;
        v = v * 10 + (unsigned long)(data[i] - '0');
    }
    return v;
}

static int fold_qcmp(const void *a, const void *b)
{
    const struct pace_fold *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return x->when < y->when ? -1 : x->when > y->when;
}

int pace_parse(struct pace *p, const char *data, size_t len)
{
    unsigned long ver = pace_file_version(data, len);
    if (ver > PACE_VERSION)
        return 1;
    const char *end;
    unsigned long long count;
    const char *at = rec_open(data, len, PACE_MAGIC, NULL, NULL, &end, &count);
    if (!at)
        return -1;
    struct pace_sample *smp = NULL;
    struct pace_fold *fold = NULL;
    size_t n_smp = 0, n_fold = 0, cap_smp = 0, cap_fold = 0;
    unsigned long long seen = 0;
    struct rec_rd r;
    int ret = 0;
    while (ret == 0 && rec_line(&at, end, 0, &r)) {
        const char *k;
        size_t kn;
        seen++;
        if (!rec_field(&r, &k, &kn) || kn != 1) {
            ret = -1;
        } else if (k[0] == 's') {
            struct pace_sample sm;
            sm.when = rec_snum(&r, LLONG_MIN / 2, LLONG_MAX / 2);
            sm.words = (unsigned long)rec_num(&r, 100000000ull);
            sm.ms = (unsigned long)rec_num(&r, PACE_MAX_MS);
            if (!rec_at_end(&r)) {
                ret = -1;
                break;
            }
            XGROW(smp, cap_smp, n_smp + 1);
            smp[n_smp++] = sm;
        } else if (k[0] == 'f') {
            struct pace_fold f;
            rec_hex_id(&r, f.id);
            f.when = rec_snum(&r, LLONG_MIN / 2, LLONG_MAX / 2);
            f.folded = rec_num(&r, 1) == 1;
            if (!rec_at_end(&r) || n_fold >= PACE_MAX_FOLDS) {
                ret = -1;   /* a bad line, or more stories than a pace file holds */
                break;
            }
            XGROW(fold, cap_fold, n_fold + 1);
            fold[n_fold++] = f;
        } else {
            ret = -1;   /* a kind this version does not know */
        }
    }
    if (ret == 0 && (seen != count || at != end))
        ret = -1;
    if (ret != 0) {
        free(smp);
        free(fold);
        return -1;
    }
    /* one choice per story: the newest */
    if (n_fold)
        qsort(fold, n_fold, sizeof *fold, fold_qcmp);
    size_t k = 0;
    for (size_t i = 0; i < n_fold; i++) {
        if (k && strcmp(fold[k - 1].id, fold[i].id) == 0)
            k--;
        fold[k++] = fold[i];
    }
    free(p->smp);
    free(p->fold);
    p->smp = smp;
    p->n_smp = n_smp;
    p->fold = fold;
    p->n_fold = k;
    p->cap_fold = cap_fold;
    smp_tidy(p);
    return 0;
}

/* ---- on disk ---------------------------------------------------------- */

static void kind_parse(void *into, const char *data, size_t len, struct statefile_check *c)
{
    int r = pace_parse(into, data, len);
    c->status = r == 1 ? STATEFILE_NEWER : r ? STATEFILE_UNREADABLE : STATEFILE_OK;
    c->version = pace_file_version(data, len);
    c->why = "not a pace file";
}

static void kind_clear(void *into)
{
    struct pace *q = into;
    free(q->smp);
    free(q->fold);
    q->smp = NULL;
    q->fold = NULL;
    q->n_smp = q->n_fold = q->cap_fold = 0;
}

static const struct statefile_kind pace_kind = {
    .not_saved = "reading pace not saved",
    .max = PACE_MAX_FILE,
    .parse = kind_parse,
    .clear = kind_clear,
};

struct pace *pace_open(const char *dir, bool quiet)
{
    struct pace *p = pace_new();
    p->quiet = quiet;
    p->dir = dir ? xstrdup(dir) : xdg_dir("STATE");
    if (!p->dir)
        return p;
    p->path = xasprintf("%s/pace", p->dir);
    struct pace q = {0};
    struct statefile_say sy = say(p);
    bool rewrite, repair;
    if (statefile_load(&pace_kind, p->path, &q, STATEFILE_PROBE, NULL, &sy, &rewrite,
                       &repair) == 0) {
        /* an unreadable file is kept aside at the next save */
        if (repair)
            statefile_warn(&sy, "%s: unreadable, left as it is until the next save", p->path);
        p->smp = q.smp;
        p->n_smp = q.n_smp;
        p->fold = q.fold;
        p->n_fold = q.n_fold;
        p->cap_fold = q.cap_fold;
    }
    return p;
}

int pace_save(struct pace *p)
{
    if (!p || !p->dirty || !p->path || p->readonly)
        return 0;
    sigset_t old;
    statefile_block_stops(&old);
    char *err = NULL;
    int ret = -1;
    struct pace *disk = pace_new();
    struct statefile_say sy = say(p);
    bool rewrite, repair;
    int lk = statefile_lock(p->dir, "pace", &err);
    if (lk < 0) {
        statefile_warn_write(&sy, err, pace_kind.not_saved);
        goto out;
    }
    if (statefile_load(&pace_kind, p->path, disk, STATEFILE_HELD, NULL, &sy, &rewrite,
                       &repair) != 0)
        goto out;
    pace_merge(disk, p);
    size_t len;
    char *data = pace_format_file(disk, &len);
    char *to = link_target(p->path, &err);
    int w = to ? write_file_atomic(to, data, len, &err) : -1;
    free(to);
    free(data);
    if (w != 0) {
        statefile_warn_write(&sy, err, pace_kind.not_saved);
        goto out;
    }
    /* adopt what is on disk now (another run's samples too) */
    free(p->smp);
    free(p->fold);
    p->smp = disk->smp;
    p->n_smp = disk->n_smp;
    p->fold = disk->fold;
    p->n_fold = disk->n_fold;
    p->cap_fold = disk->cap_fold;
    disk->smp = NULL;
    disk->fold = NULL;
    p->dirty = false;
    ret = 0;
out:
    if (lk >= 0)
        close(lk);
    sigprocmask(SIG_SETMASK, &old, NULL);
    pace_free(disk);
    free(err);
    return ret;
}
