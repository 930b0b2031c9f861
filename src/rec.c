/* rec.c — checksummed record files.  See rec.h. */
#include "rec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

uint64_t rec_sum(const char *p, size_t n)
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

/* ---------------------------------------------------------------------
 * Writing */

void rec_put_str(struct buf *b, const char *s, size_t n)
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

void rec_put_cstr(struct buf *b, const char *s)
{
    if (s)
        rec_put_str(b, s, strlen(s));
}

void rec_put_num(struct buf *b, unsigned long long v)
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

void rec_put_snum(struct buf *b, long long v)
{
    if (v < 0) {
        buf_addc(b, '-');
        rec_put_num(b, (unsigned long long)(-(v + 1)) + 1);
    } else {
        rec_put_num(b, (unsigned long long)v);
    }
}

void rec_put_nums(struct buf *b, const unsigned long long *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            rec_tab(b);
        rec_put_num(b, v[i]);
    }
}

void rec_head(struct buf *b, const char *magic, const char *engine, const char *root)
{
    buf_adds(b, magic);
    buf_adds(b, "\nengine\t");
    rec_put_cstr(b, engine);
    buf_adds(b, "\nroot\t");
    rec_put_cstr(b, root);
    buf_addc(b, '\n');
}

void rec_seal(struct buf *b, size_t count)
{
    char sum[17];
    hex16(rec_sum(b->data ? b->data : "", b->len), sum);
    buf_adds(b, "end\t");
    rec_put_num(b, count);
    rec_tab(b);
    buf_adds(b, sum);
    buf_addc(b, '\n');
}

/* ---------------------------------------------------------------------
 * Reading */

bool rec_field(struct rec_rd *r, const char **s, size_t *n)
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
    if (*n > REC_MAX_FIELD)
        r->bad = true;
    return !r->bad;
}

bool rec_at_end(const struct rec_rd *r) { return !r->bad && r->p == r->end + 1; }

bool rec_line(const char **p, const char *end, size_t skip, struct rec_rd *r)
{
    if (*p >= end)
        return false;
    const char *le = memchr(*p, '\n', (size_t)(end - *p));
    if (!le || (size_t)(le - *p) < skip)
        return false;
    *r = (struct rec_rd){*p + skip, le, false};
    *p = le + 1;
    return true;
}

unsigned long long rec_num(struct rec_rd *r, unsigned long long max)
{
    const char *s;
    size_t n;
    if (!rec_field(r, &s, &n) || n == 0 || n > 20 || (n > 1 && s[0] == '0')) {
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
    return r->bad ? 0 : v;
}

long long rec_snum(struct rec_rd *r, long long lo, long long hi)
{
    bool neg = r->p < r->end && *r->p == '-';
    if (neg)
        r->p++;
    unsigned long long v = rec_num(r, (unsigned long long)LLONG_MAX);
    long long x = neg ? -(long long)v : (long long)v;
    if ((neg && v == 0) || x < lo || x > hi)
        r->bad = true;
    return r->bad ? 0 : x;
}

char *rec_str(struct rec_rd *r, size_t *len)
{
    const char *s;
    size_t n;
    if (!rec_field(r, &s, &n))
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

char *rec_opt_str(struct rec_rd *r)
{
    size_t n = 0;
    char *s = rec_str(r, &n);
    if (s && (n == 0 || strlen(s) != n)) {
        if (n)
            r->bad = true;
        free(s);
        return NULL;
    }
    return s;
}

void rec_hex_id(struct rec_rd *r, char out[17])
{
    const char *s;
    size_t n;
    out[0] = '\0';
    if (!rec_field(r, &s, &n) || n != 16) {
        r->bad = true;
        return;
    }
    for (size_t i = 0; i < 16; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            r->bad = true;
            return;
        }
    memcpy(out, s, 16);
    out[16] = '\0';
}

const char *rec_open(const char *data, size_t len, const char *magic, const char *engine,
                     const char *root, const char **body_end, unsigned long long *count)
{
    /* trailer: "end\t<n>\t<16 hex>\n" as the last line */
    if (!data || len < 2 || data[len - 1] != '\n')
        return NULL;
    const char *last = data + len - 1;
    while (last > data && last[-1] != '\n')
        last--;
    size_t body_len = (size_t)(last - data);
    struct rec_rd t = {last, data + len - 1, false};
    const char *s;
    size_t n;
    if (!rec_field(&t, &s, &n) || n != 3 || memcmp(s, "end", 3) != 0)
        return NULL;
    *count = rec_num(&t, ULLONG_MAX);
    if (!rec_field(&t, &s, &n) || n != 16 || !rec_at_end(&t))
        return NULL;
    char want[17];
    hex16(rec_sum(data, body_len), want);
    if (memcmp(s, want, 16) != 0)
        return NULL;

    const char *p = data, *end = data + body_len;
    struct rec_rd r;
    if (!rec_line(&p, end, 0, &r) || (size_t)(r.end - r.p) != strlen(magic) ||
        memcmp(r.p, magic, (size_t)(r.end - r.p)) != 0)
        return NULL;
    static const char *const keys[] = {"engine", "root"};
    const char *want_v[] = {engine, root};
    for (int k = 0; k < 2; k++) {
        if (!rec_line(&p, end, 0, &r))
            return NULL;
        const char *key;
        size_t kn;
        if (!rec_field(&r, &key, &kn))
            return NULL;
        char *v = rec_str(&r, NULL);
        bool ok = v && rec_at_end(&r) && kn == strlen(keys[k]) && !memcmp(key, keys[k], kn) &&
                  (!want_v[k] || !strcmp(v, want_v[k]));
        free(v);
        if (!ok)
            return NULL;
    }
    *body_end = end;
    return p;
}

/* ---------------------------------------------------------------------
 * Files */

char *rec_engine(void)
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

const char *rec_map(const char *path, size_t *len)
{
    /* Mapped, not read: a 16 MB index is then paged in by the kernel's
     * fault-around rather than copied into fresh heap pages. */
    struct stat st;
    const char *why;
    int fd = open_regular(path, REC_MAX_FILE, &st, &why);
    if (fd < 0) {
        if (errno != ENOENT && errno != ENOTDIR && !warn_is_quiet())
            warnx_q("%s: %s; not used", path, why);
        return NULL;
    }
    void *map = MAP_FAILED;
    if (st.st_size > 0)
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return NULL;
    *len = (size_t)st.st_size;
    return map;
}

void rec_unmap(const char *p, size_t len)
{
    if (p)
        munmap((void *)(uintptr_t)p, len);
}

int rec_write(const char *path, const char *data, size_t len, char **err)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    int rc = 0;
    if (slash) {
        *slash = '\0';
        rc = mkdir_p(dir, err);
    }
    free(dir);
    return rc ? rc : write_file_atomic(path, data, len, err);
}

bool rec_caches_off(void)
{
    const char *off = getenv("QUIRE_NO_CACHE");
    return off && *off && strcmp(off, "0") != 0;
}

char *rec_cache_path(const char *kind, const char *root, char **canon)
{
    *canon = NULL;
    if (rec_caches_off())
        return NULL;
    char *dir = xdg_dir("CACHE");
    if (!dir)
        return NULL;
    char *real = realpath(root, NULL);
    *canon = real ? real : xstrdup(root);
    char id[17];
    hex16(fnv1a(FNV_OFFSET, *canon, strlen(*canon)), id);
    char *path = xasprintf("%s/%s-%s", dir, kind, id);
    free(dir);
    return path;
}
