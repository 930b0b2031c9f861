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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ebook_door.h"
#include "rec.h"
#include "util.h"

/* 3: ebooks (FMT, FORMAT, M lines); the conversion's version too, so a
 * new conversion (another converter) never trusts older offsets.  4: the
 * converter's identity (ebook_door_identity; the field is called
 * "plugin" from when the converters were a dlopen'd plugin) on each
 * entry of a file that may be an ebook. */
#define CACHE_STR(x) #x
#define CACHE_XSTR(x) CACHE_STR(x)
#define CACHE_MAGIC "quire-index 4 ebook " CACHE_XSTR(EBOOK_VERSION)
/* Limits a valid entry stays within (anything beyond is corruption). */
#define CACHE_MAX_LEAD 4096
#define CACHE_EBOOK_MAX_TEXT (512ULL << 20)   /* bytes of an ebook's derived text */
/* Files modified this recently (ns) before the scan are not stored. */
#define CACHE_RACY_NS 1000000000LL
/* Base64 digits per 64-bit sketch value. */
#define B64_DIGITS 11

struct centry {
    char *relpath;
    uint64_t hash;
    struct cache_stamp st;
    struct cache_file f;
    char *plugin;        /* ebook_door_identity when it was stored, for a
                            file that may be an ebook (not .txt or .md);
                            NULL for the others */
    bool used;
};

struct cache {
    char *path;          /* cache file, or NULL: memory only */
    char *root;          /* canonical root, or NULL (accept any, for tests) */
    char *engine;        /* which build wrote it */
    char *plugin;        /* ebook_door_identity now, once asked (plugin_now) */
    struct centry *e;
    size_t n, cap;
    size_t *slot;        /* open addressing: index + 1, 0 = empty */
    size_t n_slot;
    long long t0_ns;     /* when the cache was opened */
    bool dirty;
    bool had_file;       /* a cache file was there (valid or not) */
    struct cache *parent;   /* cache_new_child: looked in, never written */
};

/* ---------------------------------------------------------------------
 * Small helpers */

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

/* ---------------------------------------------------------------------
 * Entries */

void cache_file_clear(struct cache_file *f)
{
    if (!f)
        return;
    free(f->skip);
    free(f->title);
    free(f->author);
    free(f->format);
    parse_meta_free(&f->meta);
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
        free(c->e[i].plugin);
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
    size_t want = c->parent ? 4 : 64;   /* a child holds one file or a few */
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

/* The converter an ebook would be read with now, its identity (asked
 * once per cache: a stat or two; no converter is started). */
static const char *plugin_now(struct cache *c)
{
    if (!c->plugin)
        c->plugin = ebook_door_identity();
    return c->plugin;
}

/* Add an entry (relpath must not be present); takes relpath, plugin and *f. */
static struct centry *add(struct cache *c, char *relpath, uint64_t h,
                          const struct cache_stamp *st, struct cache_file *f, char *plugin)
{
    if (c->parent && !c->cap) {   /* a child: room for one entry first */
        c->e = xmalloc(sizeof *c->e);
        c->cap = 1;
    }
    XGROW(c->e, c->cap, c->n + 1);
    struct centry *e = &c->e[c->n++];
    *e = (struct centry){.relpath = relpath, .hash = h, .st = *st, .f = *f, .plugin = plugin};
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

static void get_sketch(struct rec_rd *r, struct cache_piece *p, size_t max)
{
    const char *s;
    size_t n;
    if (!rec_field(r, &s, &n))
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

/* A skip reason: one line, not empty, not long (a converter's reason). */
static bool valid_skip(const char *s)
{
    return s && *s && strlen(s) <= 400 && !strpbrk(s, "\n\r");
}

void cache_put_meta(struct buf *b, const struct parse_meta *m)
{
    const char *a[] = {m->series, NULL, m->summary, m->rating, m->status,
                       m->source_url, m->language, m->published, m->updated};
    for (size_t i = 0; i < sizeof a / sizeof *a; i++) {
        if (i)
            rec_tab(b);
        if (i == 1)   /* thousandths: no locale's decimal point in the file */
            rec_put_num(b, m->series_index > 0 && m->series_index < 1e9
                               ? (unsigned long long)(m->series_index * 1000 + 0.5) : 0);
        else
            rec_put_cstr(b, a[i]);
    }
    rec_tab(b);
    rec_put_num(b, m->n_tags);
    for (size_t i = 0; i < m->n_tags; i++) {
        rec_tab(b);
        rec_put_cstr(b, m->tags[i]);
    }
}

bool cache_get_meta(struct rec_rd *r, struct parse_meta *m)
{
    *m = (struct parse_meta){0};
    char **a[] = {&m->series, NULL, &m->summary, &m->rating, &m->status,
                  &m->source_url, &m->language, &m->published, &m->updated};
    for (size_t i = 0; i < sizeof a / sizeof *a; i++) {
        if (i == 1)
            m->series_index = (double)rec_num(r, 1000000000000ULL) / 1000;
        else
            *a[i] = rec_opt_str(r);
    }
    size_t n = (size_t)rec_num(r, (unsigned long long)(r->end - r->p));   /* a tab each */
    if (!r->bad && n) {
        m->tags = xcalloc(n, sizeof *m->tags);
        for (size_t i = 0; i < n && !r->bad; i++) {
            m->tags[i] = rec_str(r, NULL);
            if (m->tags[i])
                m->n_tags = i + 1;
        }
    }
    if (r->bad)
        parse_meta_free(m);
    return !r->bad;
}

/* Parse one F or S record starting at line [p, e); P lines follow an F line.
 * Returns the position after the record, or NULL when it is bad. */
static const char *parse_record(struct cache *c, const char *p, const char *e,
                                const char *data_end)
{
    struct rec_rd r = {p + 2, e, false};
    if (e - p < 2 || p[1] != '\t')
        return NULL;
    struct cache_stamp st = {.ok = true};
    struct cache_file f = {0};
    char *rel = NULL, *plugin = NULL;
    const char *next = e + 1;
    st.size = (long long)rec_num(&r, (unsigned long long)LLONG_MAX);
    st.mtime_ns = rec_snum(&r, LLONG_MIN + 1, LLONG_MAX);
    st.dev = rec_num(&r, ULLONG_MAX);
    st.ino = rec_num(&r, ULLONG_MAX);
    if (p[0] == 'S') {
        f.skip = rec_str(&r, NULL);
        plugin = rec_opt_str(&r);
        rel = rec_str(&r, NULL);
        if (!valid_skip(f.skip))
            r.bad = true;
    } else if (p[0] == 'F') {
        f.enc = (enum source_encoding)rec_num(&r, ENC_CP1252);
        /* A text decodes to at most 3 bytes a byte (Windows-1252); an
         * ebook's derived text is bounded by what its converter inflates
         * (512 MiB in all, epub.c): a zip of well-compressed chapters
         * easily holds more than three times its size. */
        unsigned long long size = (unsigned long long)st.size;
        unsigned long long text_max = size > (ULLONG_MAX - 8) / 3 ? ULLONG_MAX : size * 3 + 8;
        f.len = (size_t)rec_num(&r, CACHE_EBOOK_MAX_TEXT > text_max ? CACHE_EBOOK_MAX_TEXT
                                                                     : text_max);
        f.invalid = (size_t)rec_num(&r, f.len);
        f.crlf = rec_num(&r, 1) != 0;
        f.sketched = rec_num(&r, 1) != 0;
        f.n_pc = (size_t)rec_num(&r, f.len + 1);
        f.fmt = (enum ebook_format)rec_num(&r, EBOOK_EPUB);
        if (f.fmt == EBOOK_NONE && f.len > text_max)
            r.bad = true;
        bool has_meta = rec_num(&r, 1) != 0;
        f.title = rec_opt_str(&r);
        f.author = rec_opt_str(&r);
        f.format = rec_opt_str(&r);
        plugin = rec_opt_str(&r);
        rel = rec_str(&r, NULL);
        if (f.n_pc == 0 || (f.fmt != EBOOK_NONE) != (f.format != NULL) ||
            (f.fmt != EBOOK_NONE && f.enc != ENC_UTF8))
            r.bad = true;
        if (!r.bad && has_meta) {   /* the M line comes next */
            const char *lp = next;
            const char *le = lp < data_end ? memchr(lp, '\n', (size_t)(data_end - lp)) : NULL;
            if (!le || le - lp < 2 || lp[0] != 'M' || lp[1] != '\t') {
                r.bad = true;
            } else {
                next = le + 1;
                struct rec_rd q = {lp + 2, le, false};
                if (!cache_get_meta(&q, &f.meta) || !rec_at_end(&q))
                    r.bad = true;
            }
        }
        if (!r.bad && rec_at_end(&r)) {
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
                struct rec_rd q = {lp + 2, le, false};
                struct cache_piece *pc = &f.pc[i];
                pc->start = (size_t)rec_num(&q, f.len);
                pc->end = (size_t)rec_num(&q, f.len);
                pc->front_end = (size_t)rec_num(&q, f.len);
                pc->body = (size_t)rec_num(&q, f.len);
                pc->back = (size_t)rec_num(&q, f.len);
                pc->title_end = (size_t)rec_num(&q, f.len);
                pc->number = (int)rec_snum(&q, INT_MIN, INT_MAX);
                pc->words = (size_t)rec_num(&q, f.len);
                pc->richness = (int)rec_snum(&q, INT_MIN, INT_MAX);
                pc->title = rec_opt_str(&q);
                pc->lead = rec_str(&q, &pc->lead_len);
                if (!pc->lead || pc->lead_len > CACHE_MAX_LEAD)
                    q.bad = true;
                get_sketch(&q, pc, f.sketched ? f.len : 0);
                if (!rec_at_end(&q) || !(pc->start <= pc->title_end && pc->title_end <= pc->front_end &&
                                     pc->front_end <= pc->body &&
                                     pc->body <= pc->back && pc->back <= pc->end))
                    q.bad = true;
                r.bad |= q.bad;
            }
        }
    } else {
        r.bad = true;
    }
    if (!rel || !*rel || !rec_at_end(&r) || find(c, rel, path_hash(rel)) ||
        (plugin != NULL) == ebook_door_text_name(rel))
        r.bad = true;
    if (r.bad) {
        free(rel);
        free(plugin);
        cache_file_clear(&f);
        return NULL;
    }
    add(c, rel, path_hash(rel), &st, &f, plugin);
    return next;
}

long cache_parse(struct cache *c, const char *data, size_t len)
{
    b64_init();
    clear_entries(c);
    c->dirty = true;     /* until proven good, a save should replace it */
    const char *end;
    unsigned long long count;
    const char *p = rec_open(data, len, CACHE_MAGIC, c->engine, c->root, &end, &count);
    if (!p)
        return -1;
    while (p < end) {
        const char *le = memchr(p, '\n', (size_t)(end - p));
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
    rec_head(&b, CACHE_MAGIC, c->engine, c->root);
    size_t count = 0;
    for (size_t i = 0; i < c->n; i++) {
        const struct centry *e = &c->e[i];
        if (only_used && !e->used)
            continue;
        count++;
        const struct cache_file *f = &e->f;
        buf_addc(&b, f->skip ? 'S' : 'F');
        rec_tab(&b);
        rec_put_num(&b, (unsigned long long)e->st.size);
        rec_tab(&b);
        rec_put_snum(&b, e->st.mtime_ns);
        rec_tab(&b);
        rec_put_num(&b, e->st.dev);
        rec_tab(&b);
        rec_put_num(&b, e->st.ino);
        rec_tab(&b);
        if (f->skip) {
            rec_put_cstr(&b, f->skip);
            rec_tab(&b);
            rec_put_cstr(&b, e->plugin);
            rec_tab(&b);
            rec_put_cstr(&b, e->relpath);
            buf_addc(&b, '\n');
            continue;
        }
        bool has_meta = !parse_meta_empty(&f->meta);
        const unsigned long long fnums[] = {(unsigned long long)f->enc, f->len, f->invalid,
                                            f->crlf, f->sketched, f->n_pc,
                                            (unsigned long long)f->fmt, has_meta};
        rec_put_nums(&b, fnums, 8);
        rec_tab(&b);
        rec_put_cstr(&b, f->title);
        rec_tab(&b);
        rec_put_cstr(&b, f->author);
        rec_tab(&b);
        rec_put_cstr(&b, f->format);
        rec_tab(&b);
        rec_put_cstr(&b, e->plugin);
        rec_tab(&b);
        rec_put_cstr(&b, e->relpath);
        buf_addc(&b, '\n');
        if (has_meta) {
            buf_adds(&b, "M\t");
            cache_put_meta(&b, &f->meta);
            buf_addc(&b, '\n');
        }
        for (size_t k = 0; k < f->n_pc; k++) {
            const struct cache_piece *pc = &f->pc[k];
            buf_adds(&b, "P\t");
            const unsigned long long nums[] = {pc->start, pc->end, pc->front_end, pc->body,
                                               pc->back, pc->title_end};
            rec_put_nums(&b, nums, 6);
            rec_tab(&b);
            rec_put_snum(&b, pc->number);
            rec_tab(&b);
            rec_put_num(&b, pc->words);
            rec_tab(&b);
            rec_put_snum(&b, pc->richness);
            rec_tab(&b);
            rec_put_cstr(&b, pc->title);
            rec_tab(&b);
            const char *lead = pc->lead ? pc->lead : "";
            size_t ll = pc->lead_len;
            if (!memchr(lead, '\\', ll) && !memchr(lead, '\t', ll) && !memchr(lead, '\n', ll) &&
                !memchr(lead, '\r', ll) && !memchr(lead, '\0', ll))
                buf_add(&b, lead, ll);   /* nothing rec_put_str escapes: the usual lead */
            else
                rec_put_str(&b, lead, ll);
            rec_tab(&b);
            size_t at = b.len;
            XGROW(b.data, b.cap, b.len + pc->n_sketch * B64_DIGITS + 1);
            _Static_assert(B64_DIGITS == 11, "the sketch's digits are unrolled for 11");
            for (size_t j = 0; j < pc->n_sketch; j++) {
                uint64_t v = pc->sketch[j];
                char *o = b.data + at;   /* most significant digit first */
                o[10] = b64[v & 63];
                o[9] = b64[(v >> 6) & 63];
                o[8] = b64[(v >> 12) & 63];
                o[7] = b64[(v >> 18) & 63];
                o[6] = b64[(v >> 24) & 63];
                o[5] = b64[(v >> 30) & 63];
                o[4] = b64[(v >> 36) & 63];
                o[3] = b64[(v >> 42) & 63];
                o[2] = b64[(v >> 48) & 63];
                o[1] = b64[(v >> 54) & 63];
                o[0] = b64[v >> 60];
                at += B64_DIGITS;
            }
            b.len = at;
            buf_addc(&b, '\n');
        }
    }
    rec_seal(&b, count);
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
    rec_seal(&b, count);
    *len = b.len;
    return b.data;
}

char *cache_format(const struct cache *c, size_t *len)
{
    return format(c, false, len);
}

/* ---------------------------------------------------------------------
 * The cache of a library */

struct cache *cache_new_memory(void)
{
    struct cache *c = xcalloc(1, sizeof *c);
    c->t0_ns = now_ns();
    return c;
}

struct cache *cache_open(const char *root)
{
    struct cache *c = cache_new_memory();
    c->path = rec_cache_path("index", root, &c->root);
    if (!c->path)
        return c;
    c->engine = rec_engine();
    size_t len = 0;
    const char *map = rec_map(c->path, &len);
    if (map) {
        c->had_file = true;
        cache_parse(c, map, len);
        rec_unmap(map, len);
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
    uint64_t h = path_hash(relpath);
    struct centry *e = find(c, relpath, h);
    if (!e && c->parent)
        e = find(c->parent, relpath, h);   /* its `used` is this worker's alone */
    if (!e || !stamp_eq(&e->st, st) || e->st.mtime_ns > c->t0_ns - CACHE_RACY_NS)
        return NULL;
    if (e->plugin && strcmp(e->plugin, plugin_now(c)) != 0)
        return NULL;   /* read by another converter: its conversion may differ */
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
    char *plugin = ebook_door_text_name(relpath) ? NULL : xstrdup(plugin_now(c));
    if (e) {
        cache_file_clear(&e->f);
        free(e->plugin);
        e->f = *f;
        *f = (struct cache_file){0};
        e->st = *st;
        e->plugin = plugin;
    } else {
        e = add(c, xstrdup(relpath), h, st, f, plugin);
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
    size_t len;
    char *data = format(c, true, &len);
    int rc = rec_write(c->path, data, len, err);
    free(data);
    if (rc == 0)
        c->dirty = false;
    return rc;
}

struct cache *cache_new_child(struct cache *parent)
{
    struct cache *c = cache_new_memory();
    c->parent = parent;
    c->t0_ns = parent->t0_ns;
    return c;
}

void cache_adopt(struct cache *c, struct cache *child)
{
    if (!child)
        return;
    c->dirty |= child->dirty;
    for (size_t i = 0; i < child->n; i++) {
        struct centry *ce = &child->e[i];
        struct centry *e = find(c, ce->relpath, ce->hash);
        if (e) {
            cache_file_clear(&e->f);
            free(e->plugin);
            e->f = ce->f;
            e->st = ce->st;
            e->plugin = ce->plugin;
            free(ce->relpath);
        } else {
            e = add(c, ce->relpath, ce->hash, &ce->st, &ce->f, ce->plugin);
        }
        e->used = true;
        ce->f = (struct cache_file){0};
        ce->relpath = NULL;
        ce->plugin = NULL;
    }
    child->n = 0;
    cache_free(child);
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
    free(c->plugin);
    free(c);
}

/* ---------------------------------------------------------------------
 * Lazy sources */

struct source *cache_stub_source(const char *path, const struct cache_file *f,
                                 const struct cache_stamp *st)
{
    struct source *s = decode_stub(path, f->enc, f->len, f->invalid, f->crlf, st->size,
                                   st->mtime_ns / 1000000000LL);
    s->fmt = f->fmt;
    s->format = f->format ? xstrdup(f->format) : NULL;
    return s;
}

