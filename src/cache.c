/* cache.c — the index cache.  See cache.h; the file format is in
 * docs/FORMATS.md ("Index cache").
 *
 * The whole cache file is read at cache_open, its checksum checked, and
 * every line parsed and range-checked into entries held in a hash table by
 * relative path.  One bad byte anywhere and the cache is treated as empty:
 * re-reading the files costs a few seconds at most, trusting a wrong entry
 * would show wrong chapters. */
#include "cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define CACHE_MAGIC "quire-index 2"
/* Limits a valid entry stays within (anything beyond is corruption). */
#define CACHE_MAX_LEAD 4096
#define CACHE_MAX_FIELD (1u << 20)
/* Files modified this recently (ns) before the scan are not stored. */
#define CACHE_RACY_NS 1000000000LL
/* Base64 digits per 64-bit sketch value. */
#define B64_DIGITS 11

struct centry {
    char *relpath;
    uint64_t hash;
    struct cache_stamp st;
    struct cache_file f;
    bool used;
};

struct cache {
    char *path;          /* cache file, or NULL: memory only */
    char *root;          /* canonical root, or NULL (accept any, for tests) */
    char *engine;        /* which build wrote it */
    struct centry *e;
    size_t n, cap;
    size_t *slot;        /* open addressing: index + 1, 0 = empty */
    size_t n_slot;
    long long t0_ns;     /* when the cache was opened */
    bool dirty;
    bool had_file;       /* a cache file was there (valid or not) */
};

/* ---------------------------------------------------------------------
 * Small helpers */

/* A 64-bit checksum, 8 bytes per step (not FNV: this runs over megabytes
 * on every listing). */
static uint64_t cache_sum(const char *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = (h ^ w ^ 0xa5) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 32;
    return h;
}

static void hex16(uint64_t h, char out[17])
{
    static const char dig[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        out[i] = dig[h & 15];
        h >>= 4;
    }
    out[16] = '\0';
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Value of a base64 digit, or -1. */
static signed char b64_tab[256];

static void b64_fill(void)
{
    memset(b64_tab, -1, sizeof b64_tab);
    for (int i = 0; i < 64; i++)
        b64_tab[(unsigned char)b64[i]] = (signed char)i;
}

static void b64_init(void)
{
    static pthread_once_t ready = PTHREAD_ONCE_INIT;
    pthread_once(&ready, b64_fill);
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void stamp_of(const struct stat *st, struct cache_stamp *out)
{
    out->size = (long long)st->st_size;
    out->mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
    out->dev = (unsigned long long)st->st_dev;
    out->ino = (unsigned long long)st->st_ino;
    out->ok = true;
}

static bool stamp_eq(const struct cache_stamp *a, const struct cache_stamp *b)
{
    return a->size == b->size && a->mtime_ns == b->mtime_ns && a->dev == b->dev &&
           a->ino == b->ino;
}

/* A string field: backslash, tab, LF, CR and NUL escaped. */
static void put_str(struct buf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i], e = c == '\\' ? '\\' : c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r'
                                             : c == '\0' ? '0' : 0;
        if (!e)
            continue;
        buf_add(b, s + run, i - run);
        buf_addc(b, '\\');
        buf_addc(b, e);
        run = i + 1;
    }
    buf_add(b, s + run, n - run);
}

static void put_num(struct buf *b, unsigned long long v)
{
    char tmp[24];
    int k = 0;
    do {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    char out[24];
    for (int i = 0; i < k; i++)
        out[i] = tmp[k - 1 - i];
    buf_add(b, out, (size_t)k);
}

static void put_snum(struct buf *b, long long v)
{
    if (v < 0) {
        buf_addc(b, '-');
        put_num(b, (unsigned long long)(-(v + 1)) + 1);
    } else {
        put_num(b, (unsigned long long)v);
    }
}

static void tab(struct buf *b) { buf_addc(b, '\t'); }

/* ---------------------------------------------------------------------
 * Entries */

void cache_file_clear(struct cache_file *f)
{
    if (!f)
        return;
    free(f->skip);
    free(f->title);
    free(f->author);
    for (size_t i = 0; f->pc && i < f->n_pc; i++) {
        free(f->pc[i].title);
        free(f->pc[i].lead);
        free(f->pc[i].sketch);
    }
    free(f->pc);
    *f = (struct cache_file){0};
}

static void clear_entries(struct cache *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->e[i].relpath);
        cache_file_clear(&c->e[i].f);
    }
    c->n = 0;
    if (c->slot)
        memset(c->slot, 0, c->n_slot * sizeof *c->slot);
}

static uint64_t path_hash(const char *s)
{
    return fnv1a(FNV_OFFSET, s, strlen(s));
}

static void rehash(struct cache *c)
{
    size_t want = 64;
    while (want < c->n * 2 + 2)
        want *= 2;
    if (want <= c->n_slot && c->n * 2 + 2 <= c->n_slot)
        return;
    free(c->slot);
    c->n_slot = want;
    c->slot = xcalloc(want, sizeof *c->slot);
    for (size_t i = 0; i < c->n; i++) {
        size_t s = (size_t)c->e[i].hash & (want - 1);
        while (c->slot[s])
            s = (s + 1) & (want - 1);
        c->slot[s] = i + 1;
    }
}

static struct centry *find(const struct cache *c, const char *relpath, uint64_t h)
{
    if (!c->n_slot)
        return NULL;
    size_t s = (size_t)h & (c->n_slot - 1);
    while (c->slot[s]) {
        struct centry *e = &c->e[c->slot[s] - 1];
        if (e->hash == h && strcmp(e->relpath, relpath) == 0)
            return e;
        s = (s + 1) & (c->n_slot - 1);
    }
    return NULL;
}

/* Add an entry (relpath must not be present); takes relpath and *f. */
static struct centry *add(struct cache *c, char *relpath, uint64_t h,
                          const struct cache_stamp *st, struct cache_file *f)
{
    XGROW(c->e, c->cap, c->n + 1);
    struct centry *e = &c->e[c->n++];
    *e = (struct centry){.relpath = relpath, .hash = h, .st = *st, .f = *f};
    *f = (struct cache_file){0};
    if (c->n * 2 + 2 > c->n_slot) {
        rehash(c);
    } else {
        size_t s = (size_t)h & (c->n_slot - 1);
        while (c->slot[s])
            s = (s + 1) & (c->n_slot - 1);
        c->slot[s] = c->n;
    }
    return e;
}

/* ---------------------------------------------------------------------
 * Parsing */

struct rd {
    const char *p, *end;     /* the current line's unread part */
    bool bad;
};

/* Next tab- or end-of-line-delimited field as [*s, *s + *n). */
static bool field(struct rd *r, const char **s, size_t *n)
{
    if (r->bad || r->p > r->end) {
        r->bad = true;
        return false;
    }
    const char *t = memchr(r->p, '\t', (size_t)(r->end - r->p));
    const char *e = t ? t : r->end;
    *s = r->p;
    *n = (size_t)(e - r->p);
    r->p = e + 1;            /* past the tab; past end means "no more fields" */
    if (*n > CACHE_MAX_FIELD)
        r->bad = true;
    return !r->bad;
}

static bool at_end(const struct rd *r) { return !r->bad && r->p == r->end + 1; }

static unsigned long long get_num(struct rd *r, unsigned long long max)
{
    const char *s;
    size_t n;
    if (!field(r, &s, &n) || n == 0 || n > 20 || (n > 1 && s[0] == '0')) {
        r->bad = true;
        return 0;
    }
    unsigned long long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            r->bad = true;
            return 0;
        }
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (ULLONG_MAX - d) / 10) {
            r->bad = true;
            return 0;
        }
        v = v * 10 + d;
    }
    if (v > max)
        r->bad = true;
    return v;
}

static long long get_snum(struct rd *r, long long lo, long long hi)
{
    bool neg = r->p < r->end && *r->p == '-';
    if (neg)
        r->p++;
    unsigned long long v = get_num(r, (unsigned long long)LLONG_MAX);
    long long x = neg ? -(long long)v : (long long)v;
    if ((neg && v == 0) || x < lo || x > hi)
        r->bad = true;
    return r->bad ? 0 : x;
}

/* An escaped string field, malloc'd (NUL-terminated), length in *len. */
static char *get_str(struct rd *r, size_t *len)
{
    const char *s;
    size_t n;
    if (!field(r, &s, &n))
        return NULL;
    char *out = xmalloc(n + 1);
    size_t k = 0;
    /* fast path: no escapes (the common case) */
    if (!memchr(s, '\\', n) && !memchr(s, '\r', n) && !memchr(s, '\0', n)) {
        memcpy(out, s, n);
        out[n] = '\0';
        if (len)
            *len = n;
        return out;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            if (s[i] == '\0' || s[i] == '\r') {
                r->bad = true;
                break;
            }
            out[k++] = s[i];
            continue;
        }
        if (++i >= n) {
            r->bad = true;
            break;
        }
        char e = s[i];
        if (!strchr("\\tnr0", e) || e == '\0') {
            r->bad = true;
            break;
        }
        out[k++] = e == '\\' ? '\\' : e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : '\0';
    }
    out[k] = '\0';
    if (r->bad) {
        free(out);
        return NULL;
    }
    if (len)
        *len = k;
    return out;
}

/* A string field that is NULL when empty; must hold no NUL byte. */
static char *get_opt_str(struct rd *r)
{
    size_t n = 0;
    char *s = get_str(r, &n);
    if (s && (n == 0 || strlen(s) != n)) {
        if (n)
            r->bad = true;
        free(s);
        return NULL;
    }
    return s;
}

static void get_sketch(struct rd *r, struct cache_piece *p, size_t max)
{
    const char *s;
    size_t n;
    if (!field(r, &s, &n))
        return;
    if (n % B64_DIGITS || n / B64_DIGITS > max) {
        r->bad = true;
        return;
    }
    p->n_sketch = n / B64_DIGITS;
    p->sketch = p->n_sketch ? xmalloc(p->n_sketch * sizeof *p->sketch) : NULL;
    for (size_t i = 0; i < p->n_sketch; i++) {
        uint64_t v = 0;
        for (int k = 0; k < B64_DIGITS; k++) {
            int d = b64_tab[(unsigned char)s[i * B64_DIGITS + (size_t)k]];
            if (d < 0 || (k == 0 && d > 15)) {   /* 4 + 10 * 6 = 64 bits */
                r->bad = true;
                return;
            }
            v = v << 6 | (uint64_t)d;
        }
        if (i && v <= p->sketch[i - 1]) {
            r->bad = true;
            return;
        }
        p->sketch[i] = v;
    }
}

static bool valid_skip(const char *s)
{
    return s && (!strcmp(s, "empty") || !strcmp(s, "binary") || !strcmp(s, "no words"));
}

/* Parse one F or S record starting at line [p, e); P lines follow an F line.
 * Returns the position after the record, or NULL when it is bad. */
static const char *parse_record(struct cache *c, const char *p, const char *e,
                                const char *data_end)
{
    struct rd r = {p + 2, e, false};
    if (e - p < 2 || p[1] != '\t')
        return NULL;
    struct cache_stamp st = {.ok = true};
    struct cache_file f = {0};
    char *rel = NULL;
    const char *next = e + 1;
    st.size = (long long)get_num(&r, (unsigned long long)LLONG_MAX);
    st.mtime_ns = get_snum(&r, LLONG_MIN + 1, LLONG_MAX);
    st.dev = get_num(&r, ULLONG_MAX);
    st.ino = get_num(&r, ULLONG_MAX);
    if (p[0] == 'S') {
        f.skip = get_str(&r, NULL);
        rel = get_str(&r, NULL);
        if (!valid_skip(f.skip))
            r.bad = true;
    } else if (p[0] == 'F') {
        f.enc = (enum source_encoding)get_num(&r, ENC_CP1252);
        unsigned long long size = (unsigned long long)st.size;
        f.len = (size_t)get_num(&r, size > (ULLONG_MAX - 8) / 3 ? ULLONG_MAX : size * 3 + 8);
        f.invalid = (size_t)get_num(&r, f.len);
        f.crlf = get_num(&r, 1) != 0;
        f.sketched = get_num(&r, 1) != 0;
        f.n_pc = (size_t)get_num(&r, f.len + 1);
        f.title = get_opt_str(&r);
        f.author = get_opt_str(&r);
        rel = get_str(&r, NULL);
        if (f.n_pc == 0)
            r.bad = true;
        if (!r.bad && at_end(&r)) {
            f.pc = xcalloc(f.n_pc, sizeof *f.pc);
            for (size_t i = 0; i < f.n_pc && !r.bad; i++) {
                /* the next line must be this file's P line */
                const char *lp = next;
                if (lp >= data_end) {
                    r.bad = true;
                    break;
                }
                const char *le = memchr(lp, '\n', (size_t)(data_end - lp));
                if (!le || le - lp < 2 || lp[0] != 'P' || lp[1] != '\t') {
                    r.bad = true;
                    break;
                }
                next = le + 1;
                struct rd q = {lp + 2, le, false};
                struct cache_piece *pc = &f.pc[i];
                pc->start = (size_t)get_num(&q, f.len);
                pc->end = (size_t)get_num(&q, f.len);
                pc->front_end = (size_t)get_num(&q, f.len);
                pc->body = (size_t)get_num(&q, f.len);
                pc->back = (size_t)get_num(&q, f.len);
                pc->title_end = (size_t)get_num(&q, f.len);
                pc->number = (int)get_snum(&q, INT_MIN, INT_MAX);
                pc->words = (size_t)get_num(&q, f.len);
                pc->richness = (int)get_snum(&q, INT_MIN, INT_MAX);
                pc->title = get_opt_str(&q);
                pc->lead = get_str(&q, &pc->lead_len);
                if (!pc->lead || pc->lead_len > CACHE_MAX_LEAD)
                    q.bad = true;
                get_sketch(&q, pc, f.sketched ? f.len : 0);
                if (!at_end(&q) || !(pc->start <= pc->title_end && pc->title_end <= pc->front_end &&
                                     pc->front_end <= pc->body &&
                                     pc->body <= pc->back && pc->back <= pc->end))
                    q.bad = true;
                r.bad |= q.bad;
            }
        }
    } else {
        r.bad = true;
    }
    if (!rel || !*rel || !at_end(&r) || find(c, rel, path_hash(rel)))
        r.bad = true;
    if (r.bad) {
        free(rel);
        cache_file_clear(&f);
        return NULL;
    }
    add(c, rel, path_hash(rel), &st, &f);
    return next;
}

long cache_parse(struct cache *c, const char *data, size_t len)
{
    b64_init();
    clear_entries(c);
    c->dirty = true;     /* until proven good, a save should replace it */
    /* trailer: "end\t<n>\t<16 hex>\n" as the last line */
    if (len < 2 || data[len - 1] != '\n')
        return -1;
    const char *last = data + len - 1;
    while (last > data && last[-1] != '\n')
        last--;
    size_t body_len = (size_t)(last - data);
    struct rd t = {last, data + len - 1, false};
    const char *s;
    size_t n;
    if (!field(&t, &s, &n) || n != 3 || memcmp(s, "end", 3) != 0)
        return -1;
    unsigned long long count = get_num(&t, ULLONG_MAX);
    if (!field(&t, &s, &n) || n != 16 || !at_end(&t))
        return -1;
    char want[17];
    hex16(cache_sum(data, body_len), want);
    if (memcmp(s, want, 16) != 0)
        return -1;

    /* header */
    const char *p = data, *end = data + body_len;
    const char *le = memchr(p, '\n', (size_t)(end - p));
    if (!le || (size_t)(le - p) != strlen(CACHE_MAGIC) || memcmp(p, CACHE_MAGIC, (size_t)(le - p)))
        return -1;
    for (int k = 0; k < 2; k++) {     /* engine, root */
        p = le + 1;
        le = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
        if (!le)
            return -1;
        struct rd r = {p, le, false};
        const char *key;
        size_t kn;
        if (!field(&r, &key, &kn))
            return -1;
        char *v = get_str(&r, NULL);
        bool ok = v && at_end(&r) &&
                  ((k == 0 && kn == 6 && !memcmp(key, "engine", 6) &&
                    (!c->engine || !strcmp(v, c->engine))) ||
                   (k == 1 && kn == 4 && !memcmp(key, "root", 4) &&
                    (!c->root || !strcmp(v, c->root))));
        free(v);
        if (!ok)
            return -1;
    }
    p = le + 1;
    while (p < end) {
        le = memchr(p, '\n', (size_t)(end - p));
        if (!le)
            break;
        p = parse_record(c, p, le, end);
        if (!p)
            break;
    }
    if (p != end || count != c->n) {
        clear_entries(c);
        return -1;
    }
    c->dirty = false;
    return (long)c->n;
}

/* ---------------------------------------------------------------------
 * Formatting */

static char *format(const struct cache *c, bool only_used, size_t *len)
{
    struct buf b = {0};
    buf_adds(&b, CACHE_MAGIC "\nengine\t");
    put_str(&b, c->engine ? c->engine : "", c->engine ? strlen(c->engine) : 0);
    buf_adds(&b, "\nroot\t");
    put_str(&b, c->root ? c->root : "", c->root ? strlen(c->root) : 0);
    buf_addc(&b, '\n');
    size_t count = 0;
    for (size_t i = 0; i < c->n; i++) {
        const struct centry *e = &c->e[i];
        if (only_used && !e->used)
            continue;
        count++;
        const struct cache_file *f = &e->f;
        buf_addc(&b, f->skip ? 'S' : 'F');
        tab(&b);
        put_num(&b, (unsigned long long)e->st.size);
        tab(&b);
        put_snum(&b, e->st.mtime_ns);
        tab(&b);
        put_num(&b, e->st.dev);
        tab(&b);
        put_num(&b, e->st.ino);
        tab(&b);
        if (f->skip) {
            put_str(&b, f->skip, strlen(f->skip));
            tab(&b);
            put_str(&b, e->relpath, strlen(e->relpath));
            buf_addc(&b, '\n');
            continue;
        }
        put_num(&b, (unsigned long long)f->enc);
        tab(&b);
        put_num(&b, f->len);
        tab(&b);
        put_num(&b, f->invalid);
        tab(&b);
        put_num(&b, f->crlf);
        tab(&b);
        put_num(&b, f->sketched);
        tab(&b);
        put_num(&b, f->n_pc);
        tab(&b);
        if (f->title)
            put_str(&b, f->title, strlen(f->title));
        tab(&b);
        if (f->author)
            put_str(&b, f->author, strlen(f->author));
        tab(&b);
        put_str(&b, e->relpath, strlen(e->relpath));
        buf_addc(&b, '\n');
        for (size_t k = 0; k < f->n_pc; k++) {
            const struct cache_piece *pc = &f->pc[k];
            buf_adds(&b, "P\t");
            const size_t nums[] = {pc->start, pc->end, pc->front_end, pc->body, pc->back,
                                   pc->title_end};
            for (size_t j = 0; j < 6; j++) {
                put_num(&b, nums[j]);
                tab(&b);
            }
            put_snum(&b, pc->number);
            tab(&b);
            put_num(&b, pc->words);
            tab(&b);
            put_snum(&b, pc->richness);
            tab(&b);
            if (pc->title)
                put_str(&b, pc->title, strlen(pc->title));
            tab(&b);
            put_str(&b, pc->lead ? pc->lead : "", pc->lead_len);
            tab(&b);
            size_t at = b.len;
            XGROW(b.data, b.cap, b.len + pc->n_sketch * B64_DIGITS + 1);
            for (size_t j = 0; j < pc->n_sketch; j++) {
                uint64_t v = pc->sketch[j];
                for (int d = B64_DIGITS - 1; d >= 0; d--) {
                    b.data[at + (size_t)d] = b64[v & 63];
                    v >>= 6;
                }
                at += B64_DIGITS;
            }
            b.len = at;
            buf_addc(&b, '\n');
        }
    }
    char sum[17];
    hex16(cache_sum(b.data, b.len), sum);
    buf_adds(&b, "end\t");
    put_num(&b, count);
    tab(&b);
    buf_adds(&b, sum);
    buf_addc(&b, '\n');
    *len = b.len;
    return b.data;
}

char *cache_seal(const char *body, size_t n, size_t *len)
{
    struct buf b = {0};
    buf_add(&b, body, n);
    size_t count = 0;
    for (size_t i = 0; i + 1 < n; i++)
        if ((i == 0 || body[i - 1] == '\n') && (body[i] == 'F' || body[i] == 'S') && body[i + 1] == '\t')
            count++;
    char sum[17];
    hex16(cache_sum(body, n), sum);
    buf_adds(&b, "end\t");
    put_num(&b, count);
    tab(&b);
    buf_adds(&b, sum);
    buf_addc(&b, '\n');
    *len = b.len;
    return b.data;
}

char *cache_format(const struct cache *c, size_t *len)
{
    return format(c, false, len);
}

/* ---------------------------------------------------------------------
 * The cache of a library */

/* Which build of quire this is: its version and its binary's size and
 * modification time, so a rebuilt parser never trusts older results. */
static char *engine_id(void)
{
    struct stat st;
    long long sz = 0, mt = 0;
    if (stat("/proc/self/exe", &st) == 0) {
        sz = (long long)st.st_size;
        mt = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    }
#ifdef QUIRE_VERSION
    const char *v = QUIRE_VERSION;
#else
    const char *v = "?";
#endif
    return xasprintf("%s %lld %lld", v, sz, mt);
}

struct cache *cache_new_memory(void)
{
    struct cache *c = xcalloc(1, sizeof *c);
    c->t0_ns = now_ns();
    return c;
}

struct cache *cache_open(const char *root)
{
    struct cache *c = cache_new_memory();
    const char *off = getenv("QUIRE_NO_CACHE");
    if (off && *off && strcmp(off, "0") != 0)
        return c;
    char *dir = xdg_dir("CACHE");
    if (!dir)
        return c;
    char *canon = realpath(root, NULL);
    c->root = canon ? canon : xstrdup(root);
    c->engine = engine_id();
    char id[17];
    hex16(fnv1a(FNV_OFFSET, c->root, strlen(c->root)), id);
    c->path = xasprintf("%s/index-%s", dir, id);
    free(dir);
    /* Mapped, not read: a 16 MB index is then paged in by the kernel's
     * fault-around rather than copied into fresh heap pages. */
    int fd = open(c->path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    void *map = MAP_FAILED;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (fd >= 0)
        close(fd);
    if (map != MAP_FAILED) {
        c->had_file = true;
        cache_parse(c, map, (size_t)st.st_size);
        munmap(map, (size_t)st.st_size);
    } else {
        c->dirty = true;
    }
    return c;
}

const struct cache_file *cache_get(struct cache *c, const char *path, const char *relpath,
                                   const struct stat *sb, struct cache_stamp *st)
{
    struct stat own;
    *st = (struct cache_stamp){0};
    if (!sb) {
        if (stat(path, &own) != 0)
            return NULL;
        sb = &own;
    }
    stamp_of(sb, st);
    struct centry *e = find(c, relpath, path_hash(relpath));
    if (!e || !stamp_eq(&e->st, st) || e->st.mtime_ns > c->t0_ns - CACHE_RACY_NS)
        return NULL;
    e->used = true;
    return &e->f;
}

void cache_put(struct cache *c, const char *relpath, const struct cache_stamp *st,
               struct cache_file *f)
{
    uint64_t h = path_hash(relpath);
    struct centry *e = find(c, relpath, h);
    c->dirty = true;
    if (!st->ok || st->mtime_ns > c->t0_ns - CACHE_RACY_NS) {
        if (e)
            e->used = false;   /* stale: not saved */
        cache_file_clear(f);
        return;
    }
    if (e) {
        cache_file_clear(&e->f);
        e->f = *f;
        *f = (struct cache_file){0};
        e->st = *st;
    } else {
        e = add(c, xstrdup(relpath), h, st, f);
    }
    e->used = true;
}

int cache_save(struct cache *c, char **err)
{
    if (!c || !c->path)
        return 0;
    bool changed = c->dirty;
    size_t used = 0;
    for (size_t i = 0; i < c->n; i++) {
        changed |= !c->e[i].used;
        used += c->e[i].used;
    }
    if (!changed || (!used && !c->had_file))
        return 0;   /* nothing new, or nothing worth a file */
    char *slash = strrchr(c->path, '/');
    if (slash) {
        *slash = '\0';
        int rc = mkdir_p(c->path, err);
        *slash = '/';
        if (rc != 0)
            return -1;
    }
    size_t len;
    char *data = format(c, true, &len);
    int rc = write_file_atomic(c->path, data, len, err);
    free(data);
    if (rc == 0)
        c->dirty = false;
    return rc;
}

size_t cache_count(const struct cache *c)
{
    return c ? c->n : 0;
}

void cache_free(struct cache *c)
{
    if (!c)
        return;
    clear_entries(c);
    free(c->e);
    free(c->slot);
    free(c->path);
    free(c->root);
    free(c->engine);
    free(c);
}

/* ---------------------------------------------------------------------
 * Lazy sources */

struct source *cache_stub_source(const char *path, const struct cache_file *f,
                                 const struct cache_stamp *st)
{
    struct source *s = xcalloc(1, sizeof *s);
    s->path = xstrdup(path);
    s->text = NULL;
    s->len = f->len;
    s->enc = f->enc;
    s->invalid = f->invalid;
    s->crlf = f->crlf;
    s->size = st->size;
    s->mtime = st->mtime_ns / 1000000000LL;
    return s;
}

/* Map a cached valid-UTF-8 file that is still as it was, without
 * checking its bytes again: no pass over the whole file before the first
 * paint.  False when anything differs (then decode it as usual). */
static bool map_unchanged(struct source *src)
{
    if (src->enc != ENC_UTF8 && src->enc != ENC_UTF8_BOM)
        return false;
    size_t bom = src->enc == ENC_UTF8_BOM ? 3 : 0;
    int fd = open(src->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return false;
    struct stat st;
    bool same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
                (long long)st.st_size == src->size && (long long)st.st_mtime == src->mtime &&
                (unsigned long long)st.st_size == (unsigned long long)src->len + bom;
    void *map = same ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
    close(fd);
    if (map == MAP_FAILED)
        return false;
    if (bom && memcmp(map, "\xEF\xBB\xBF", 3) != 0) {
        munmap(map, (size_t)st.st_size);
        return false;
    }
    src->map = map;
    src->map_len = (size_t)st.st_size;
    src->text = (const char *)map + bom;
    madvise(map, src->map_len, MADV_WILLNEED);
    return true;
}

bool cache_load_source(struct source *src)
{
    if (src->text)
        return true;
    if (map_unchanged(src))
        return true;
    enum decode_reject why = DECODE_OK;
    char *err = NULL;
    struct source *now = decode_open(src->path, &why, &err);
    free(err);
    if (now && now->len == src->len && now->enc == src->enc && now->size == src->size) {
        src->text = now->text;
        src->map = now->map;
        src->map_len = now->map_len;
        src->owned = now->owned;
        src->invalid = now->invalid;
        src->crlf = now->crlf;
        src->mtime = now->mtime;
        free(now->path);
        free(now);
        return true;
    }
    /* Changed or gone: keep every cached offset inside the text. */
    char *t = xmalloc(src->len + 1);
    size_t keep = now ? (now->len < src->len ? now->len : src->len) : 0;
    if (keep)
        memcpy(t, now->text, keep);
    /* do not end on a partial UTF-8 sequence */
    size_t cut = keep;
    while (cut > 0 && ((unsigned char)t[cut - 1] & 0xC0) == 0x80)
        cut--;
    if (cut > 0 && (unsigned char)t[cut - 1] >= 0xC0)
        cut--;
    else
        cut = keep;
    memset(t + cut, '\n', src->len - cut);
    t[src->len] = '\0';
    src->owned = t;
    src->text = t;
    decode_free(now);
    return false;
}
