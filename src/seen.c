/* seen.c — the seen-chapters store (seen.h; the file format is in
 * docs/FORMATS.md, "Seen chapters"): records in memory, the file format,
 * the merge, and the file on disk with the bookmarks' save protocol
 * (lock, re-read, merge, atomic replace, bad files kept aside). */
#include "seen.h"
#include "statefile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "norm.h"
#include "util.h"

#define SEEN_MAGIC      "quire-seen"
#define SEEN_VERSION    1
#define SEEN_FILE       "seen"
#define SEEN_TMP_PREFIX "seen.tmp."
#define SEEN_MAX_FILE   ((size_t)64 << 20)   /* bytes; bigger is unreadable */
#define SEEN_MAX_LINE   65536                /* bytes; longer lines are bad */
#define SEEN_MAX_ID     64                   /* bytes of a story id */
#define SEEN_MAX_KEY    16                   /* bytes of a chapter key */

/* One chapter of one story. */
struct seen_ch {
    char key[SEEN_MAX_KEY + 1];
    size_t index;        /* the chapter's place (from 0) when recorded */
    bool seen;           /* had on screen (else: known when last read) */
    uint64_t digest;     /* of its text when seen; 0: not known */
    size_t size;         /* bytes of its story text when seen (with digest) */
    time_t when;
};

struct seen_story {
    char id[SEEN_MAX_ID + 1];
    struct seen_ch *ch;  /* sorted by key (strcmp) */
    size_t n, cap;
    /* seen_any_revised's answer, kept for one story as the library has it */
    const struct story *memo_story;
    size_t memo_n_ch, memo_total;
    unsigned long memo_gen;
    bool memo_revised;
};

struct seen {
    char *dir, *path;    /* NULL: no folder (detached or no XDG) */
    bool quiet, detached, readonly, dirty, warned_write;
    char *warning;
    struct seen_story *st;   /* sorted by id */
    size_t n, cap;
    char **unknown;      /* lines of record types this quire does not know */
    size_t n_unknown, cap_unknown;
    unsigned long gen;   /* bumped at every change (seen_any_revised's memo) */
};

/* ---- records in memory -------------------------------------------------- */

static struct seen_story *story_find(const struct seen *s, const char *id, size_t *at)
{
    bool found;
    size_t i = sorted_find(s->st, s->n, sizeof *s->st, offsetof(struct seen_story, id), id, &found);
    if (at)
        *at = i;
    return found ? &s->st[i] : NULL;
}

static struct seen_story *story_get(struct seen *s, const char *id)
{
    size_t at;
    struct seen_story *ss;
    /* The file lists a story's records together, stories by id: the last
     * story, or one after it, needs no search. */
    int last = s->n ? strcmp(s->st[s->n - 1].id, id) : -1;
    if (last == 0)
        return &s->st[s->n - 1];
    if (last < 0)
        at = s->n;
    else if ((ss = story_find(s, id, &at)))
        return ss;
    xgrow((void **)&s->st, &s->cap, s->n + 1, sizeof *s->st);
    memmove(&s->st[at + 1], &s->st[at], (s->n - at) * sizeof *s->st);
    memset(&s->st[at], 0, sizeof *s->st);
    snprintf(s->st[at].id, sizeof s->st[at].id, "%s", id);
    s->n++;
    return &s->st[at];
}

static struct seen_ch *ch_find(const struct seen_story *ss, const char *key, size_t *at)
{
    bool found = false;
    size_t i = ss ? sorted_find(ss->ch, ss->n, sizeof *ss->ch, offsetof(struct seen_ch, key), key,
                                &found)
                  : 0;
    if (at)
        *at = i;
    return found ? &ss->ch[i] : NULL;
}

/* Does record a win over record b (both of one chapter)?  Seen beats
 * known; between two of a kind the later WHEN, a on a tie. */
static bool rec_wins(const struct seen_ch *a, const struct seen_ch *b)
{
    if (a->seen != b->seen)
        return a->seen;
    return a->when >= b->when;
}

/* Put record r into story ss: added, or replacing the record of its key
 * when it wins.  true when ss changed. */
static bool ch_put(struct seen_story *ss, const struct seen_ch *r)
{
    size_t at = ss->n;
    /* A key after the last one (the file's order) is added at the end
     * with no search. */
    struct seen_ch *have = ss->n && strcmp(ss->ch[ss->n - 1].key, r->key) >= 0
                         ? ch_find(ss, r->key, &at) : NULL;
    if (have) {
        if (!rec_wins(r, have) || memcmp(have, r, sizeof *r) == 0)
            return false;
        *have = *r;
        return true;
    }
    xgrow((void **)&ss->ch, &ss->cap, ss->n + 1, sizeof *ss->ch);
    memmove(&ss->ch[at + 1], &ss->ch[at], (ss->n - at) * sizeof *ss->ch);
    ss->ch[at] = *r;
    ss->n++;
    return true;
}

/* Keep a line of an unknown type (once); true when it is new. */
static bool add_unknown(struct seen *s, const char *line, size_t n)
{
    for (size_t i = 0; i < s->n_unknown; i++)
        if (strlen(s->unknown[i]) == n && memcmp(s->unknown[i], line, n) == 0)
            return false;
    xgrow((void **)&s->unknown, &s->cap_unknown, s->n_unknown + 1, sizeof *s->unknown);
    s->unknown[s->n_unknown++] = xstrndup(line, n);
    return true;
}

static void store_clear(struct seen *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->st[i].ch);
    free(s->st);
    s->st = NULL;
    s->n = s->cap = 0;
    for (size_t i = 0; i < s->n_unknown; i++)
        free(s->unknown[i]);
    free(s->unknown);
    s->unknown = NULL;
    s->n_unknown = s->cap_unknown = 0;
}

void seen_merge(struct seen *into, const struct seen *from)
{
    if (!into || !from)
        return;
    bool changed = false;
    for (size_t i = 0; i < from->n; i++) {
        const struct seen_story *fs = &from->st[i];
        struct seen_story *ss = story_get(into, fs->id);
        for (size_t k = 0; k < fs->n; k++)
            changed |= ch_put(ss, &fs->ch[k]);
    }
    for (size_t i = 0; i < from->n_unknown; i++)
        changed |= add_unknown(into, from->unknown[i], strlen(from->unknown[i]));
    if (changed) {   /* a save writes what came in */
        into->dirty = true;
        into->gen++;
    }
}

/* ---- the file format ---------------------------------------------------- */

/* The next tab-separated field of [*p, end): [*f, *f + *n). */
static bool field(const char **p, const char *end, const char **f, size_t *n)
{
    if (*p > end)
        return false;
    const char *t = memchr(*p, '\t', (size_t)(end - *p));
    const char *e = t ? t : end;
    *f = *p;
    *n = (size_t)(e - *p);
    *p = t ? t + 1 : end + 1;
    return true;
}

static bool parse_hex64(const char *f, size_t n, uint64_t *out)
{
    if (n != 16)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        char c = f[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return false;
        v = v << 4 | (uint64_t)d;
    }
    *out = v;
    return v != 0;
}

static bool parse_when(const char *f, size_t n, time_t *out)
{
    size_t i = 0;
    bool neg = n > 0 && f[0] == '-';
    i += neg;
    if (i >= n || n - i > 18)
        return false;
    long long v = 0;
    for (; i < n; i++) {
        if (f[i] < '0' || f[i] > '9')
            return false;
        v = v * 10 + (f[i] - '0');
    }
    *out = (time_t)(neg ? -v : v);
    return true;
}

/* One `chapter` line's fields after its type: true when all are good.
 * checked: the id an earlier line of this parse passed token_ok with ("" at
 * first); the file lists a story's records together, so the same id is
 * not checked again. */
static bool parse_chapter(struct seen *s, const char *p, const char *end, char *checked)
{
    const char *f[7];
    size_t n[7];
    for (int i = 0; i < 7; i++)
        if (!field(&p, end, &f[i], &n[i]))
            return false;
    /* fields after WHEN are a newer quire's: ignored */
    struct seen_ch r = {0};
    bool same = n[0] > 0 && n[0] <= SEEN_MAX_ID && checked[n[0]] == '\0' &&
                memcmp(checked, f[0], n[0]) == 0;
    if (!same) {
        if (!token_ok(f[0], n[0], SEEN_MAX_ID))
            return false;
        memcpy(checked, f[0], n[0]);
        checked[n[0]] = '\0';
    }
    if (!token_ok(f[1], n[1], SEEN_MAX_KEY))
        return false;
    memcpy(r.key, f[1], n[1]);
    time_t idx;
    if (!parse_when(f[2], n[2], &idx) || f[2][0] == '-' || (n[2] > 1 && f[2][0] == '0') ||
        n[2] > 9)
        return false;
    r.index = (size_t)idx;
    if (n[3] == 4 && memcmp(f[3], "seen", 4) == 0)
        r.seen = true;
    else if (!(n[3] == 5 && memcmp(f[3], "known", 5) == 0))
        return false;
    if (n[4] && !parse_hex64(f[4], n[4], &r.digest))
        return false;
    time_t size = 0;
    if (n[5] && (!parse_when(f[5], n[5], &size) || f[5][0] == '-' ||
                 (n[5] > 1 && f[5][0] == '0') || !r.digest))
        return false;   /* a size goes with a digest */
    r.size = (size_t)size;
    if (!parse_when(f[6], n[6], &r.when))
        return false;
    char id[SEEN_MAX_ID + 1];
    memcpy(id, f[0], n[0]);
    id[n[0]] = '\0';
    ch_put(story_get(s, id), &r);
    return true;
}

enum seen_parse { SP_OK, SP_UNREADABLE, SP_NEWER };

/* Parse a whole file into s (empty on entry). */
static enum seen_parse parse_into(struct seen *s, const char *data, size_t len, size_t *bad,
                                  size_t *first_bad, unsigned long *version)
{
    *bad = *first_bad = 0;
    *version = 0;
    size_t ml = strlen(SEEN_MAGIC);
    const char *nl = len ? memchr(data, '\n', len) : NULL;
    if (!nl || (size_t)(nl - data) < ml + 2 || memcmp(data, SEEN_MAGIC " ", ml + 1) != 0)
        return SP_UNREADABLE;
    const char *v = data + ml + 1;
    unsigned long ver = 0;
    size_t digits = 0;
    while (v < nl && *v >= '0' && *v <= '9' && digits < 9) {
        ver = ver * 10 + (unsigned long)(*v++ - '0');
        digits++;
    }
    const char *ve = nl > data && nl[-1] == '\r' ? nl - 1 : nl;
    if (!digits || ver == 0 || (v < ve && *v != '\t'))
        return SP_UNREADABLE;
    *version = ver;
    if (ver > SEEN_VERSION)
        return SP_NEWER;
    const char *p = nl + 1, *end = data + len;
    size_t line = 1;
    char checked[SEEN_MAX_ID + 1] = "";
    /* a NUL makes its line bad: looked for once, not on every line */
    bool nul = memchr(p, '\0', (size_t)(end - p)) != NULL;
    while (p < end) {
        line++;
        const char *e = memchr(p, '\n', (size_t)(end - p));
        bool ok;
        const char *le = e ? e : end;
        while (le > p && le[-1] == '\r')
            le--;
        if (!e || (size_t)(le - p) > SEEN_MAX_LINE ||
            (nul && memchr(p, '\0', (size_t)(le - p)))) {
            ok = false;   /* cut short, too long or a NUL */
        } else if (le == p) {
            ok = true;    /* a blank line */
        } else {
            const char *q = p, *t = p;
            size_t tn = 0;
            field(&q, le, &t, &tn);
            if (tn == 7 && memcmp(t, "chapter", 7) == 0)
                ok = parse_chapter(s, q, le, checked);
            else
                ok = true, add_unknown(s, p, (size_t)(le - p));
        }
        if (!ok && (*bad)++ == 0)
            *first_bad = line;
        p = e ? e + 1 : end;
    }
    return SP_OK;
}

struct seen *seen_parse(const char *data, size_t len, size_t *bad_lines, char **err)
{
    struct seen *s = xcalloc(1, sizeof *s);
    s->detached = true;
    size_t bad, first;
    unsigned long ver;
    enum seen_parse r = parse_into(s, data, len, &bad, &first, &ver);
    if (r != SP_OK) {
        set_err(err, r == SP_NEWER ? "written by a newer quire (format %lu)"
                                   : "not a seen-chapters file%.0lu", ver);
        seen_close(s);
        return NULL;
    }
    if (bad_lines)
        *bad_lines = bad;
    return s;
}

char *seen_format(const struct seen *s, size_t *len)
{
    struct buf b = {0};
    buf_printf(&b, "%s %d\n", SEEN_MAGIC, SEEN_VERSION);
    for (size_t i = 0; i < s->n; i++) {
        const struct seen_story *ss = &s->st[i];
        for (size_t k = 0; k < ss->n; k++) {
            const struct seen_ch *r = &ss->ch[k];
            char dg[17] = "", sz[24] = "";
            if (r->digest) {
                hex16(r->digest, dg);
                snprintf(sz, sizeof sz, "%zu", r->size);
            }
            buf_printf(&b, "chapter\t%s\t%s\t%zu\t%s\t%s\t%s\t%lld\n", ss->id, r->key,
                       r->index, r->seen ? "seen" : "known", dg, sz, (long long)r->when);
        }
    }
    for (size_t i = 0; i < s->n_unknown; i++)
        buf_printf(&b, "%s\n", s->unknown[i]);
    *len = b.len;
    return b.data;
}

/* ---- the file on disk ----------------------------------------------------- */

static struct statefile_say say(struct seen *s)
{
    return (struct statefile_say){.quiet = s->quiet, .warning = &s->warning,
                                  .readonly = &s->readonly, .warned = &s->warned_write};
}

static void warn_write(struct seen *s, const char *what)
{
    struct statefile_say sy = say(s);
    statefile_warn_write(&sy, what, "seen chapters are not saved");
}

static void kind_parse(void *into, const char *data, size_t len, struct statefile_check *c)
{
    enum seen_parse r = parse_into(into, data, len, &c->bad, &c->first_bad, &c->version);
    c->status = r == SP_NEWER ? STATEFILE_NEWER
              : r == SP_UNREADABLE ? STATEFILE_UNREADABLE
              : c->bad ? STATEFILE_SOME_BAD : STATEFILE_OK;
    c->why = "not a seen-chapters file";
}

static void kind_clear(void *into) { store_clear(into); }

static char *kind_format(const void *from, size_t *len) { return seen_format(from, len); }

static const struct statefile_kind seen_kind = {
    .name = "seen chapters",
    .not_saved = "seen chapters are not saved",
    .max = SEEN_MAX_FILE,
    .parse = kind_parse,
    .clear = kind_clear,
    .format = kind_format,
};

struct seen *seen_open(const char *dir, bool quiet)
{
    struct seen *s = xcalloc(1, sizeof *s);
    s->quiet = quiet;
    s->dir = dir ? xstrdup(dir) : xdg_dir("STATE");
    if (!s->dir)
        return s;
    s->path = xasprintf("%s/%s", s->dir, SEEN_FILE);
    struct statefile_say sy = say(s);
    statefile_open(&seen_kind, s->dir, "seen", SEEN_TMP_PREFIX, s->path, s, &sy);
    return s;
}

int seen_save(struct seen *s)
{
    if (!s || !s->dirty || s->detached)
        return 0;
    if (s->readonly)
        return -1;
    if (!s->dir) {
        warn_write(s, "no state folder ($XDG_STATE_HOME and $HOME are unset)");
        return -1;
    }
    sigset_t old;
    statefile_block_stops(&old);
    char *err = NULL;
    int ret = -1;
    int lk = statefile_lock(s->dir, "seen", &err);
    if (lk < 0) {
        warn_write(s, err);
        goto out;
    }
    statefile_clean_temps(s->dir, SEEN_TMP_PREFIX);
    struct seen disk = {0};
    bool rewrite, repair;
    struct statefile_say sy = say(s);
    if (statefile_load(&seen_kind, s->path, &disk, STATEFILE_HELD, NULL, &sy, &rewrite,
                       &repair) != 0) {
        store_clear(&disk);
        goto out;
    }
    seen_merge(&disk, s);
    size_t len;
    char *data = seen_format(&disk, &len);
    char *to = link_target(s->path, &err);
    int w = to ? write_file_atomic(to, data, len, &err) : -1;
    free(to);
    free(data);
    if (w != 0) {
        warn_write(s, err);
        store_clear(&disk);
        goto out;
    }
    store_clear(s);
    s->st = disk.st;
    s->n = disk.n;
    s->cap = disk.cap;
    s->unknown = disk.unknown;
    s->n_unknown = disk.n_unknown;
    s->cap_unknown = disk.cap_unknown;
    s->dirty = false;
    s->gen++;
    ret = 0;
out:
    if (lk >= 0)
        close(lk);
    sigprocmask(SIG_SETMASK, &old, NULL);
    free(err);
    return ret;
}

void seen_close(struct seen *s)
{
    if (!s)
        return;
    seen_save(s);
    store_clear(s);
    free(s->dir);
    free(s->path);
    free(s->warning);
    free(s);
}

void seen_set_quiet(struct seen *s, bool quiet)
{
    if (s)
        s->quiet = quiet;
}

const char *seen_warning(const struct seen *s)
{
    return s ? s->warning : NULL;
}

/* ---- stories ---------------------------------------------------------- */

bool seen_has(const struct seen *s, const char *story_id)
{
    return s && story_id && story_find(s, story_id, NULL) != NULL;
}

void seen_adopt(struct seen *s, const struct library *lib)
{
    if (!s || !lib)
        return;
    for (size_t i = 0; i < lib->n_stories; i++) {
        const struct story *st = &lib->stories[i];
        if (seen_has(s, st->id))
            continue;
        for (size_t a = 0; a < st->n_alias; a++) {
            const char *al = st->alias[a];
            if (!seen_has(s, al))   /* (first: the look-up below is linear) */
                continue;
            bool other = false;   /* an alias that is another story's id stays */
            for (size_t j = 0; j < lib->n_stories && !other; j++)
                other = strcmp(lib->stories[j].id, al) == 0;
            if (other)
                continue;
            size_t at;
            struct seen_story *from = story_find(s, al, &at);
            struct seen_story moved = *from;
            memmove(&s->st[at], &s->st[at + 1], (s->n - at - 1) * sizeof *s->st);
            s->n--;
            struct seen_story *to = story_get(s, st->id);
            for (size_t k = 0; k < moved.n; k++)
                ch_put(to, &moved.ch[k]);
            free(moved.ch);
            s->dirty = true;
            s->gen++;
            break;
        }
    }
}

bool seen_note_chapter(const struct story *st, size_t ci)
{
    return ci < st->n_ch && st->ch[ci].note;
}

/* Is chapter ci one the store tracks (it has a key and is story)? */
static bool trackable(const struct story *st, size_t ci)
{
    return st->ch[ci].key[0] && !st->ch[ci].note;
}

static bool put(struct seen *s, struct seen_story *ss, const char *key, size_t index, bool seen,
                uint64_t digest, size_t size, time_t when)
{
    struct seen_ch r = {.index = index, .seen = seen, .digest = digest, .size = size,
                        .when = when};
    snprintf(r.key, sizeof r.key, "%s", key);
    if (!ch_put(ss, &r))
        return false;
    s->dirty = true;
    s->gen++;
    return true;
}

bool seen_meet(struct seen *s, const struct story *st, const struct bm_pos *last)
{
    if (!s || !last || !st->n_ch || seen_has(s, st->id))
        return false;
    /* The position's chapter: by its key (the nearest to the saved index),
     * else the saved index clamped. */
    size_t pc = last->chapter < st->n_ch ? last->chapter : st->n_ch - 1;
    size_t best = (size_t)-1, dist = (size_t)-1;
    for (size_t c = 0; last->chapter_key[0] && c < st->n_ch; c++)
        if (strcmp(st->ch[c].key, last->chapter_key) == 0) {
            size_t d = c > last->chapter ? c - last->chapter : last->chapter - c;
            if (d < dist)
                dist = d, best = c;
        }
    if (best != (size_t)-1)
        pc = best;
    struct seen_story *ss = story_get(s, st->id);
    time_t when = last->when ? last->when : time(NULL);
    for (size_t c = 0; c < st->n_ch; c++)
        if (st->ch[c].key[0])
            put(s, ss, st->ch[c].key, c, c <= pc, 0, 0, when);
    s->dirty = true;
    s->gen++;
    return true;
}

void seen_open_story(struct seen *s, const struct story *st)
{
    if (!s || st->partial || seen_has(s, st->id))
        return;
    struct seen_story *ss = NULL;
    time_t now = time(NULL);
    for (size_t c = 0; c < st->n_ch; c++)
        if (st->ch[c].key[0]) {
            if (!ss)
                ss = story_get(s, st->id);   /* no keys: no record either */
            put(s, ss, st->ch[c].key, c, false, 0, 0, now);
        }
}

void seen_meet_library(struct seen *s, const struct library *lib, const struct bookmarks *bm)
{
    if (!s || !lib || !bm)
        return;
    seen_adopt(s, lib);
    for (size_t i = 0; i < lib->n_stories; i++) {
        struct bm_pos pos;
        const struct story *st = &lib->stories[i];
        if (!st->partial && !seen_has(s, st->id) && bookmarks_get_last(bm, st->id, &pos))
            seen_meet(s, st, &pos);
    }
}

void seen_mark(struct seen *s, const struct story *st, size_t ci)
{
    if (!s || ci >= st->n_ch || !st->ch[ci].key[0])
        return;
    struct seen_story *ss = story_get(s, st->id);
    const struct seen_ch *have = ch_find(ss, st->ch[ci].key, NULL);
    size_t lo, hi;
    story_text_range(st, ci, &lo, &hi);
    /* Seen before at this size and place: its digest is not computed again
     * (a chapter of a whole novel costs a pass over it). */
    if (have && have->seen && have->digest && have->index == ci && have->size == hi - lo)
        return;
    put(s, ss, st->ch[ci].key, ci, true, seen_digest(st, ci), hi - lo, time(NULL));
}

/* Was chapter c's file written after record r was made (its text may
 * have changed even at the same size)? */
static bool written_since(const struct story *st, size_t c, const struct seen_ch *r)
{
    const struct source *src = st->ch[c].n_ed ? st->ch[c].ed[0].src : NULL;
    return src && src->mtime > (long long)r->when;
}

/* Has chapter c's text changed since it was seen as record r?  By the
 * digest (SEEN_CHECK_TEXT), or only when its size changed or its file was
 * written since (SEEN_CHECK_SIZE: the text is read only then). */
static uint64_t digests(const struct story *st, size_t ci, uint64_t *old);

static bool changed(const struct story *st, size_t c, const struct seen_ch *r,
                    enum seen_check check)
{
    if (check == SEEN_CHECK_KEYS || !r->digest)
        return false;
    size_t lo, hi;
    story_text_range(st, c, &lo, &hi);
    if (check == SEEN_CHECK_SIZE && r->size == hi - lo && !written_since(st, c, r))
        return false;
    uint64_t old, now = digests(st, c, &old);
    return r->digest != now && r->digest != old;   /* an older quire's digest: not changed */
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t seen_chapters(const struct seen *s, const struct story *st, enum seen_check check,
                     enum seen_kind *out)
{
    const struct seen_story *ss = s ? story_find(s, st->id, NULL) : NULL;
    for (size_t c = 0; c < st->n_ch; c++)
        out[c] = SEEN_UNTRACKED;
    if (!ss || !st->n_ch)
        return 0;
    /* Chapters rewritten at their opening have a new key: a seen record
     * whose key the story no longer has, at the place of a chapter whose
     * key the record lacks, is that chapter, revised. */
    const char **keys = xcalloc(st->n_ch, sizeof *keys);
    for (size_t c = 0; c < st->n_ch; c++)
        keys[c] = st->ch[c].key;
    qsort(keys, st->n_ch, sizeof *keys, cmp_key);
    bool *replaced = xcalloc(st->n_ch, sizeof *replaced);
    for (size_t k = 0; k < ss->n; k++) {
        const struct seen_ch *r = &ss->ch[k];
        const char *key = r->key;
        if (r->seen && r->index < st->n_ch &&
            !bsearch(&key, keys, st->n_ch, sizeof *keys, cmp_key) &&
            !ch_find(ss, st->ch[r->index].key, NULL))
            replaced[r->index] = true;
    }
    size_t n_new = 0;
    for (size_t c = 0; c < st->n_ch; c++) {
        if (!trackable(st, c))
            continue;
        const struct seen_ch *r = ch_find(ss, st->ch[c].key, NULL);
        if (!r)
            out[c] = replaced[c] ? SEEN_REVISED : SEEN_NEW;
        else if (!r->seen)
            out[c] = SEEN_KNOWN;
        else
            out[c] = changed(st, c, r, check) ? SEEN_REVISED : SEEN_READ;
        n_new += out[c] == SEEN_NEW;
    }
    free(replaced);
    free(keys);
    return n_new;
}

/* seen_chapters into a scratch array (freed by the caller). */
static enum seen_kind *kinds(const struct seen *s, const struct story *st, size_t *n_new)
{
    enum seen_kind *k = xcalloc(st->n_ch + 1, sizeof *k);
    *n_new = seen_chapters(s, st, SEEN_CHECK_KEYS, k);
    return k;
}

bool seen_is_new(const struct seen *s, const struct story *st, size_t ci)
{
    if (!s || ci >= st->n_ch || !seen_has(s, st->id))
        return false;
    size_t n;
    enum seen_kind *k = kinds(s, st, &n);
    bool r = k[ci] == SEEN_NEW;
    free(k);
    return r;
}

size_t seen_count_new(const struct seen *s, const struct story *st)
{
    if (!s || !seen_has(s, st->id))
        return 0;
    size_t n;
    free(kinds(s, st, &n));
    return n;
}

size_t seen_first_new(const struct seen *s, const struct story *st, size_t from)
{
    if (!s || !seen_has(s, st->id))
        return st->n_ch;
    size_t n, first = st->n_ch;
    enum seen_kind *k = kinds(s, st, &n);
    for (size_t c = from; c < st->n_ch && first == st->n_ch; c++)
        if (k[c] == SEEN_NEW)
            first = c;
    for (size_t c = 0; c < from && c < st->n_ch && first == st->n_ch; c++)
        if (k[c] == SEEN_NEW)
            first = c;
    free(k);
    return first;
}

/* seen_digest, and in *old the digest a quire before the lost-tag fix
 * computed (of the words before the old end, norm.h; the same digest for
 * most texts). */
static uint64_t digests(const struct story *st, size_t ci, uint64_t *old)
{
    const char *text;
    chapter_text(&st->ch[ci], &text);
    size_t lo, hi;
    story_text_range(st, ci, &lo, &hi);
    struct norm n = {.t = text, .pos = lo, .end = hi};
    struct buf w = {0};
    uint64_t h = 14695981039346656037ULL, o = 0;
    bool cut = false;
    while (norm_word(&n, &w)) {
        if (n.old_end && !cut) {
            cut = true;
            o = h;
        }
        h = fnv1a(h, w.data, w.len);
        h = fnv1a(h, " ", 1);
    }
    buf_free(&w);
    if (!cut)
        o = h;
    *old = o ? o : 1;
    return h ? h : 1;
}

uint64_t seen_digest(const struct story *st, size_t ci)
{
    uint64_t old;
    return digests(st, ci, &old);
}

bool seen_is_revised(const struct seen *s, const struct story *st, size_t ci)
{
    if (!s || ci >= st->n_ch || !seen_has(s, st->id))
        return false;
    enum seen_kind *k = xcalloc(st->n_ch, sizeof *k);
    seen_chapters(s, st, SEEN_CHECK_TEXT, k);
    bool r = k[ci] == SEEN_REVISED;
    free(k);
    return r;
}

bool seen_any_revised(struct seen *s, const struct story *st)
{
    struct seen_story *ss = s ? story_find(s, st->id, NULL) : NULL;
    if (!ss)
        return false;
    if (ss->memo_story == st && ss->memo_gen == s->gen && ss->memo_n_ch == st->n_ch &&
        ss->memo_total == st->total)
        return ss->memo_revised;
    bool any = false;
    enum seen_kind *k = xcalloc(st->n_ch + 1, sizeof *k);
    seen_chapters(s, st, SEEN_CHECK_SIZE, k);
    for (size_t c = 0; c < st->n_ch && !any; c++)
        any = k[c] == SEEN_REVISED;
    free(k);
    ss = story_find(s, st->id, NULL);
    ss->memo_story = st;
    ss->memo_gen = s->gen;
    ss->memo_n_ch = st->n_ch;
    ss->memo_total = st->total;
    ss->memo_revised = any;
    return any;
}
