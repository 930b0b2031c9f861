/* derived.c — the derived-text cache.  See derived.h; the file format is
 * in docs/FORMATS.md ("Derived-text cache"). */
#include "derived.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ebook.h"
#include "ebook_door.h"
#include "mapguard.h"
#include "rec.h"
#include "util.h"

#define DERIVED_MAGIC "quire-derived 2"
/* Chapters a group of the chapters section holds (one digest each). */
#define CH_GROUP 64
/* The chapters section's last line: "csum " DIGEST " " AT "\n". */
#define CSUM_LINE 39
/* The header is padded with line ends to a multiple of this (bytes). */
#define HDR_ALIGN 64
/* The most header bytes read (a path is at most PATH_MAX). */
#define HDR_MAX 8192
/* Text bytes at each end the digest covers. */
#define SAMPLE 4096

static atomic_bool enabled;

void derived_enable(bool on)
{
    atomic_store(&enabled, on);
}

bool derived_enabled(void)
{
    return atomic_load(&enabled);
}

static atomic_bool keep_builds;

void derived_keep_builds(bool on)
{
    atomic_store(&keep_builds, on);
}

bool derived_keeps_builds(void)
{
    return atomic_load(&keep_builds);
}

/* Tests and fuzzing only: the digests parsed but not compared. */
static atomic_bool skip_digests;

void derived_skip_digests(bool on)
{
    atomic_store(&skip_digests, on);
}

static const char *byte_order(void)
{
    const uint16_t one = 1;
    return *(const unsigned char *)&one ? "le" : "be";
}

bool derived_key_of(const char *path, struct derived_key *k)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    *k = (struct derived_key){
        .size = (long long)st.st_size,
        .mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
        .dev = (unsigned long long)st.st_dev,
        .ino = (unsigned long long)st.st_ino,
    };
    return true;
}

static bool key_eq(const struct derived_key *a, const struct derived_key *b)
{
    return a->size == b->size && a->mtime_ns == b->mtime_ns && a->dev == b->dev &&
           a->ino == b->ino;
}

/* The derived file's path (malloc'd) and the ebook's real path (*canon,
 * malloc'd), or NULL (and *canon NULL). */
static char *path_canon(const char *path, char **canon)
{
    return rec_cache_path("derived", path, canon);
}

char *derived_path(const char *path)
{
    char *canon = NULL;
    char *p = path_canon(path, &canon);
    free(canon);
    return p;
}

/* Offset where the blocks start after a text of len bytes at `at`. */
static size_t blocks_at(size_t at, size_t len)
{
    size_t o = at + len + 1;   /* the text's NUL */
    return (o + 7) & ~(size_t)7;
}

/* The header's lines before the digest (malloc'd). */
static char *header_lines(const char *canon, const struct derived_key *k, size_t len,
                          size_t n_blocks, size_t at, size_t ch_len)
{
    /* The plugin that converted it (ebook_door_identity): a rebuilt plugin
     * may convert differently under the same EBOOK_VERSION. */
    char *plugin = ebook_door_identity();
    char *s = xasprintf(DERIVED_MAGIC " ebook %d block %zu %s\n"
                        "key %lld %lld %llu %llu\n"
                        "text %zu at %zu blocks %zu chapters %zu\n"
                        "path %s\n"
                        "plugin %s\n",
                        EBOOK_VERSION, sizeof(struct block), byte_order(), k->size, k->mtime_ns,
                        k->dev, k->ino, len, at, n_blocks, ch_len, canon, plugin);
    free(plugin);
    return s;
}

/* The digest of the header lines and the text's first and last SAMPLE
 * bytes. */
static uint64_t digest(const char *hdr, size_t hdr_len, const char *text, size_t len)
{
    uint64_t h = fnv1a(FNV_OFFSET, hdr, hdr_len);
    size_t head = len < SAMPLE ? len : SAMPLE;
    h = fnv1a(h, text, head);
    if (len > SAMPLE) {
        size_t tail = len - SAMPLE < SAMPLE ? len - SAMPLE : SAMPLE;
        h = fnv1a(h, text + len - tail, tail);
    }
    return h;
}

/* Every block inside the text, in order, of a known kind. */
static bool blocks_sound(const struct block *b, size_t n, size_t len)
{
    size_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        if (b[i].off > b[i].end || b[i].end > len || b[i].off < prev ||
            b[i].kind > BLOCK_VERSE || b[i].flags > 15)
            return false;
        prev = b[i].off;
    }
    return true;
}

/* Map the file at dpath and check it against canon and k (its blocks
 * too when `blocks`); true with *d. */
static bool map_check(const char *dpath, const char *canon, const struct derived_key *k,
                      bool blocks, struct derived *d)
{
    int fd = open(dpath, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < HDR_ALIGN) {
        close(fd);
        return false;
    }
    size_t flen = (size_t)st.st_size;
    void *map = mmap(NULL, flen, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map != MAP_FAILED)
        (void)futimens(fd, NULL);   /* last use, for the bound */
    close(fd);
    if (map == MAP_FAILED)
        return false;
    mapguard_add(map, flen);
    const char *m = map;
    /* The header: its text up to the digest line. */
    size_t hmax = flen < HDR_MAX ? flen : HDR_MAX;
    char *hdr = xmalloc(hmax + 1);
    memcpy(hdr, m, hmax);
    hdr[hmax] = '\0';
    bool ok = false;
    size_t len = 0, at = 0, n = 0, cl = 0;
    struct derived_key fk;
    char *sum = strstr(hdr, "\nsum ");
    if (sum && strncmp(hdr, DERIVED_MAGIC " ", sizeof DERIVED_MAGIC) == 0 &&
        sscanf(strchr(hdr, '\n') + 1, "key %lld %lld %llu %llu text %zu at %zu blocks %zu chapters %zu",
               &fk.size, &fk.mtime_ns, &fk.dev, &fk.ino, &len, &at, &n, &cl) == 8 &&
        key_eq(&fk, k) && at <= flen && len < flen - at && n <= flen / sizeof(struct block) &&
        cl <= flen) {
        size_t boff = blocks_at(at, len);
        size_t coff = boff + n * sizeof(struct block);
        char *want = header_lines(canon, k, len, n, at, cl);
        size_t wl = strlen(want);
        unsigned long long got_sum = 0;
        ok = (size_t)(sum + 1 - hdr) == wl && memcmp(hdr, want, wl) == 0 &&
             sscanf(sum + 1, "sum %llx", &got_sum) == 1 && coff <= flen && flen - coff == cl &&
             m[at + len] == '\0' &&
             (atomic_load(&skip_digests) || got_sum == digest(want, wl, m + at, len)) &&
             (!blocks || blocks_sound((const struct block *)(const void *)(m + boff), n, len));
        free(want);
        if (ok) {
            const struct block *all = (const struct block *)(const void *)(m + boff);
            *d = (struct derived){
                .text = m + at, .len = len,
                .blocks = blocks ? all : NULL, .n_blocks = blocks ? n : 0,
                .map = map, .map_len = flen, .ch_off = coff, .ch_len = cl,
                .all = all, .n_all = n,
            };
        }
    }
    free(hdr);
    if (!ok) {
        mapguard_remove(map);
        munmap(map, flen);
    }
    return ok;
}

/* derived_open, the blocks checked when `blocks`. */
static bool open_checked(const char *path, const struct derived_key *k, bool blocks,
                         struct derived *d)
{
    memset(d, 0, sizeof *d);
    if (!derived_enabled())
        return false;
    char *canon = NULL;
    char *dpath = path_canon(path, &canon);
    bool ok = dpath && map_check(dpath, canon, k, blocks, d);
    free(dpath);
    free(canon);
    return ok;
}

bool derived_open(const char *path, const struct derived_key *k, struct derived *d)
{
    return open_checked(path, k, true, d);
}

bool derived_open_head(const char *path, const struct derived_key *k, struct derived *d)
{
    return open_checked(path, k, false, d);
}

/* The first of b[lo, n) that begins at or after byte `off` (n when none),
 * by binary search: b is taken to be in order, which the caller checks
 * afterwards on what it uses. */
static size_t first_block_at(const struct block *b, size_t lo, size_t n, size_t off)
{
    size_t hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b[mid].off < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool derived_blocks_in(struct derived *d, size_t from, size_t to)
{
    const struct block *b = d->all;
    size_t n = d->n_all;
    if (!d->map || from > to || to > d->len)
        return false;
    /* the first block that begins at or after `from`, and the first at or
     * after `to`: a binary search, whose answer is then checked (the
     * blocks outside are not, and may be anything) */
    size_t i0 = first_block_at(b, 0, n, from);
    size_t i1 = first_block_at(b, i0, n, to);
    if ((i0 > 0 && b[i0 - 1].off >= from) || (i1 < n && b[i1].off < to) ||
        (i0 < i1 && (b[i0].off < from || b[i1 - 1].off >= to)) ||
        !blocks_sound(b + i0, i1 - i0, d->len))
        return false;
    d->blocks = b + i0;
    d->n_blocks = i1 - i0;
    return true;
}

void derived_close(struct derived *d)
{
    if (!d || !d->map)
        return;
    mapguard_remove(d->map);
    munmap(d->map, d->map_len);
    memset(d, 0, sizeof *d);
}

/* Write all of iov[0, n) to fd; false on an error (errno set). */
static bool write_all(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        ssize_t w = writev(fd, iov, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        size_t left = (size_t)w;
        while (n > 0 && left >= iov->iov_len) {
            left -= iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + left;
            iov->iov_len -= left;
        }
    }
    return true;
}

/* Write blocks b[0, n) as they are in memory, their padding bytes zero
 * (the file's bytes are then the same for the same conversion). */
static bool write_blocks(int fd, const struct block *b, size_t n)
{
    struct block chunk[512];
    for (size_t i = 0; i < n;) {
        size_t k = n - i < 512 ? n - i : 512;
        memset(chunk, 0, k * sizeof *chunk);
        for (size_t j = 0; j < k; j++) {
            chunk[j].off = b[i + j].off;
            chunk[j].end = b[i + j].end;
            chunk[j].kind = b[i + j].kind;
            chunk[j].flags = b[i + j].flags;
        }
        struct iovec v = {chunk, k * sizeof *chunk};
        if (!write_all(fd, &v, 1))
            return false;
        i += k;
    }
    return true;
}

struct dfile {
    char *path;
    long long mtime_ns, size;
};

static int dfile_older(const void *a, const void *b)
{
    const struct dfile *x = a, *y = b;
    return x->mtime_ns < y->mtime_ns ? -1 : x->mtime_ns > y->mtime_ns;
}

/* A temporary file (derived_write's, before its rename) older than this
 * was left by a writer that died: removed. */
#define TMP_STALE_S 600

/* Remove the oldest derived files of folder `dir` beyond the bounds, and
 * the temporary files of writers that died; a younger temporary file is
 * another writer's, left alone and not counted. */
static void bound_folder(const char *dir)
{
    time_t now = time(NULL);
    DIR *dp = opendir(dir);
    if (!dp)
        return;
    struct dfile *f = NULL;
    size_t n = 0, cap = 0;
    long long total = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (strncmp(de->d_name, "derived-", 8) != 0)
            continue;
        char *p = xasprintf("%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(p);
            continue;
        }
        if (strstr(de->d_name, ".tmp.")) {
            if (now - st.st_mtime > TMP_STALE_S)
                unlink(p);   /* its writer was killed before it renamed it */
            free(p);
            continue;
        }
        XGROW(f, cap, n + 1);
        f[n++] = (struct dfile){
            .path = p, .size = (long long)st.st_size,
            .mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
        };
        total += (long long)st.st_size;
    }
    closedir(dp);
    qsort(f, n, sizeof *f, dfile_older);
    size_t left = n;
    for (size_t i = 0; i < n; i++) {
        /* the newest one (just written) stays whatever its size */
        if (left > 1 && (left > DERIVED_MAX_FILES || total > DERIVED_MAX_BYTES)) {
            if (unlink(f[i].path) == 0 || errno == ENOENT) {
                left--;
                total -= f[i].size;
            }
        }
        free(f[i].path);
    }
    free(f);
}

/* A string field of the chapters section: "NAME LEN\nBYTES\n", or
 * "NAME -\n" for NULL. */
static void put_str(struct buf *b, const char *name, const char *v)
{
    if (!v) {
        buf_printf(b, "%s -\n", name);
        return;
    }
    buf_printf(b, "%s %zu\n", name, strlen(v));
    buf_adds(b, v);
    buf_addc(b, '\n');
}

/* The chapters section of eb: its head lines, the chapters in groups of
 * CH_GROUP, a line per group (where its first chapter begins in the text
 * and in the section, the digest of its lines), the digest line last (of
 * the head lines and the group lines).  A window of the story reads one
 * group's lines and checks one group's digest, not those of every
 * chapter before it (3,236 of them at 32 MB). */
static void chapters_section(const struct ebook *eb, struct buf *b)
{
    buf_add(b, "", 0);
    put_str(b, "title", eb->pr.title);
    put_str(b, "author", eb->pr.author);
    put_str(b, "format", eb->format);
    buf_printf(b, "body %zu count %zu\n", eb->pr.body, eb->pr.n_ch);
    size_t head_len = b->len, ng = (eb->pr.n_ch + CH_GROUP - 1) / CH_GROUP;
    size_t *at = xcalloc(ng + 1, sizeof *at);
    for (size_t i = 0; i < eb->pr.n_ch; i++) {
        if (i % CH_GROUP == 0)
            at[i / CH_GROUP] = b->len;
        const struct parse_chapter *c = &eb->pr.ch[i];
        buf_printf(b, "ch %zu %zu %zu %zu %zu %d ", c->start, c->end, c->front_end, c->body,
                   c->back, c->number);
        put_str(b, "t", c->title);
    }
    size_t table = at[ng] = b->len;
    for (size_t g = 0; g < ng; g++)
        buf_printf(b, "group %zu %zu %016llx\n", eb->pr.ch[g * CH_GROUP].start, at[g],
                   (unsigned long long)fnv1a(FNV_OFFSET, b->data + at[g], at[g + 1] - at[g]));
    free(at);
    uint64_t h = fnv1a(FNV_OFFSET, b->data, head_len);
    h = fnv1a(h, b->data + table, b->len - table);
    buf_printf(b, "csum %016llx %016zx\n", (unsigned long long)h, table);
}

/* Reading the chapters section: s[*p, n). */
struct rd {
    const char *s;
    size_t p, n;
};

/* The line at r's position without its '\n' (copied into line[cap]);
 * false when there is none or it is too long. */
static bool rd_line(struct rd *r, char *line, size_t cap)
{
    const char *nl = memchr(r->s + r->p, '\n', r->n - r->p);
    if (!nl || (size_t)(nl - (r->s + r->p)) >= cap)
        return false;
    size_t l = (size_t)(nl - (r->s + r->p));
    memcpy(line, r->s + r->p, l);
    line[l] = '\0';
    r->p += l + 1;
    return true;
}

/* After a field's "LEN" (rest: the line after the name), its bytes:
 * *out malloc'd or NULL for "-". */
static bool rd_str(struct rd *r, const char *rest, char **out)
{
    if (out)
        *out = NULL;
    if (strcmp(rest, "-") == 0)
        return true;
    char *end;
    unsigned long long l = strtoull(rest, &end, 10);
    if (end == rest || *end || l > r->n - r->p || r->n - r->p - l < 1 || r->s[r->p + l] != '\n' ||
        memchr(r->s + r->p, '\0', l))
        return false;
    if (out) {   /* else skipped */
        *out = xmalloc(l + 1);
        memcpy(*out, r->s + r->p, l);
        (*out)[l] = '\0';
    }
    r->p += l + 1;
    return true;
}

/* A "NAME LEN" line and its string. */
static bool rd_named(struct rd *r, const char *name, char **out)
{
    char line[64];
    size_t nl = strlen(name);
    *out = NULL;
    return rd_line(r, line, sizeof line) && strncmp(line, name, nl) == 0 && line[nl] == ' ' &&
           rd_str(r, line + nl + 1, out);
}

/* A decimal number at *p (a '-' first when `neg` may be), then one
 * space or the end of the string; *p moved past them. */
static bool rd_num(const char **p, bool neg, long long *v)
{
    const char *q = *p;
    bool minus = neg && *q == '-';
    if (minus)
        q++;
    if (*q < '0' || *q > '9')
        return false;
    unsigned long long x = 0;
    while (*q >= '0' && *q <= '9') {
        if (x > (unsigned long long)LLONG_MAX / 10)
            return false;
        x = x * 10 + (unsigned long long)(*q++ - '0');
    }
    if (x > (unsigned long long)LLONG_MAX || (*q != ' ' && *q != '\0'))
        return false;
    *v = minus ? -(long long)x : (long long)x;
    *p = *q ? q + 1 : q;
    return true;
}

/* A chapter line "ch START END FRONT_END BODY BACK NUMBER t LEN" and its
 * title (the per-chapter parse: no sscanf, a 3,000-chapter head is read
 * before the first screen); the title skipped (c->title NULL) when the
 * chapter begins before `from`. */
static bool rd_chapter(struct rd *r, struct parse_chapter *c, size_t from)
{
    char line[160];
    if (!rd_line(r, line, sizeof line) || strncmp(line, "ch ", 3) != 0)
        return false;
    const char *p = line + 3;
    long long v[6];
    for (int i = 0; i < 6; i++)
        if (!rd_num(&p, i == 5, &v[i]) || (i < 5 && v[i] < 0))
            return false;
    if (strncmp(p, "t ", 2) != 0 || v[5] < INT_MIN || v[5] > INT_MAX)
        return false;
    c->start = (size_t)v[0];
    c->end = (size_t)v[1];
    c->front_end = (size_t)v[2];
    c->body = (size_t)v[3];
    c->back = (size_t)v[4];
    c->number = (int)v[5];
    c->title = NULL;
    return rd_str(r, p + 2, c->start >= from ? &c->title : NULL);
}

void derived_chapters_free(struct parse_result *pr)
{
    free(pr->title);
    free(pr->author);
    for (size_t i = 0; i < pr->n_ch; i++)
        free(pr->ch[i].title);
    free(pr->ch);
    memset(pr, 0, sizeof *pr);
}

bool derived_chapters(struct derived *d, size_t head, struct parse_result *pr, char **format)
{
    return derived_chapters_from(d, 0, head, pr, format);
}

/* 16 lower-case hex digits at p into *v. */
static bool hex_at(const char *p, uint64_t *v)
{
    uint64_t x = 0;
    for (int i = 0; i < 16; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return false;
        x = x << 4 | (uint64_t)d;
    }
    *v = x;
    return true;
}

/* A group of the chapters section (chapters_section). */
struct ch_group {
    size_t start;   /* the text's byte where its first chapter begins */
    size_t at;      /* the section's byte where its lines begin */
    uint64_t sum;   /* the digest of its lines */
};

/* The group lines s[table, n) into *out (malloc'd), in order (each
 * group's lines after the one before's, before the table; its first
 * chapter not before the one before's): their count, or SIZE_MAX. */
static size_t read_groups(const char *s, size_t table, size_t n, struct ch_group **out)
{
    size_t cap = (n - table) / 27 + 1;   /* "group 0 0 " DIGEST "\n" at least */
    struct ch_group *g = xmalloc(cap * sizeof *g);
    struct rd r = {s, table, n};
    char line[96];
    size_t k = 0;
    while (r.p < n) {
        long long a, b;
        const char *p = line + 6;
        if (k == cap || !rd_line(&r, line, sizeof line) || strncmp(line, "group ", 6) != 0 ||
            !rd_num(&p, false, &a) || !rd_num(&p, false, &b) || strlen(p) != 16 ||
            !hex_at(p, &g[k].sum)) {
            free(g);
            return SIZE_MAX;
        }
        g[k].start = (size_t)a;
        g[k].at = (size_t)b;
        if (g[k].at >= table || (k > 0 && (g[k].at <= g[k - 1].at || g[k].start < g[k - 1].start))) {
            free(g);
            return SIZE_MAX;
        }
        k++;
    }
    *out = g;
    return k;
}

bool derived_chapters_from(struct derived *d, size_t from, size_t head, struct parse_result *pr,
                           char **format)
{
    memset(pr, 0, sizeof *pr);
    *format = NULL;
    if (!d->map || d->ch_len < CSUM_LINE)
        return false;
    const char *s = (const char *)d->map + d->ch_off;
    size_t n = d->ch_len - CSUM_LINE;   /* the section before its digest line */
    /* the digest line: "csum " DIGEST " " TABLE "\n", TABLE where the
     * group lines begin */
    uint64_t want = 0, table = 0;
    const char *t = s + n;
    if (strncmp(t, "csum ", 5) != 0 || !hex_at(t + 5, &want) || t[21] != ' ' ||
        !hex_at(t + 22, &table) || t[38] != '\n' || table > n)
        return false;
    struct ch_group *g = NULL;
    size_t ng = read_groups(s, (size_t)table, n, &g);
    if (ng == SIZE_MAX)
        return false;
    size_t lines = ng ? g[0].at : (size_t)table;   /* where the head lines end */
    bool digests = !atomic_load(&skip_digests);
    /* the head lines' and the group lines' digest: checked once for the
     * mapping (it is read-only); a group's, when its lines are read */
    if (!d->ch_ok && digests &&
        want != fnv1a(fnv1a(FNV_OFFSET, s, lines), s + table, n - (size_t)table)) {
        free(g);
        return false;
    }
    d->ch_ok = true;
    struct rd r = {s, 0, lines};
    char line[160];
    size_t count = 0;
    bool ok = rd_named(&r, "title", &pr->title) && rd_named(&r, "author", &pr->author) &&
              rd_named(&r, "format", format) && rd_line(&r, line, sizeof line) &&
              sscanf(line, "body %zu count %zu", &pr->body, &count) == 2 && r.p == lines &&
              count <= n / 16 + 1 && pr->body <= d->len && ng == (count + CH_GROUP - 1) / CH_GROUP;
    if (ok) {
        /* from the group of the last chapter that begins at or before
         * `from` (chapters before it read past, not kept) */
        size_t lo = 0, hi = ng;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (g[mid].start <= from)
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t k0 = lo ? lo - 1 : 0;
        /* grown as kept: a window keeps a few of thousands */
        size_t cap = head ? 16 : count;
        pr->ch = xcalloc(cap ? cap : 1, sizeof *pr->ch);
        size_t prev_end = k0 == 0 ? pr->body : g[k0].start;
        bool enough = false;
        for (size_t k = k0; ok && !enough && k < ng; k++) {
            size_t gend = k + 1 < ng ? g[k + 1].at : (size_t)table;
            r = (struct rd){s, g[k].at, gend};
            ok = !digests || fnv1a(FNV_OFFSET, s + g[k].at, gend - g[k].at) == g[k].sum;
            size_t last = (k + 1) * CH_GROUP < count ? (k + 1) * CH_GROUP : count;
            for (size_t i = k * CH_GROUP; ok && i < last; i++) {
                if (pr->n_ch == cap) {
                    XGROW(pr->ch, cap, pr->n_ch + 1);
                    memset(&pr->ch[pr->n_ch], 0, (cap - pr->n_ch) * sizeof *pr->ch);
                }
                struct parse_chapter *c = &pr->ch[pr->n_ch];
                ok = rd_chapter(&r, c, from) && c->start >= prev_end &&
                     c->start <= c->front_end && c->front_end <= c->body &&
                     c->body <= c->back && c->back <= c->end && c->end <= d->len &&
                     (i % CH_GROUP != 0 || c->start == g[k].start);
                if (!ok) {
                    free(c->title);
                    c->title = NULL;
                    break;
                }
                prev_end = c->end;
                if (c->start < from)
                    continue;   /* before the ones asked for: read past */
                pr->n_ch++;
                if (head && c->end >= head && c->body < c->back) {
                    enough = true;   /* enough for a head, and not a bare heading */
                    break;
                }
            }
            ok = ok && (enough || r.p == gend);   /* a group read whole ends at the next */
        }
    }
    free(g);
    if (!ok) {
        derived_chapters_free(pr);
        free(*format);
        *format = NULL;
        memset(pr, 0, sizeof *pr);
    }
    return ok;
}

int derived_write(const char *path, const struct derived_key *k, const struct ebook *eb,
                  char **err)
{
    if (!derived_enabled())
        return 1;
    char *canon = NULL;
    char *dpath = path_canon(path, &canon);
    if (!dpath) {
        free(canon);
        return 1;
    }
    struct derived_key now;
    if (!derived_key_of(path, &now) || !key_eq(&now, k)) {
        free(dpath);
        free(canon);
        return 1;   /* changed while it was converted: its text is not this */
    }
    const char *text = eb->text ? eb->text : "";
    size_t len = eb->text ? eb->len : 0, n = eb->n_blocks;
    struct buf chs = {0};
    chapters_section(eb, &chs);
    /* the header's size depends on `at`, which it states: settle it */
    size_t at = HDR_ALIGN;
    char *lines;
    for (;;) {
        lines = header_lines(canon, k, len, n, at, chs.len);
        size_t hl = strlen(lines) + sizeof "sum 0123456789abcdef\n" - 1;
        size_t need = (hl + 1 + HDR_ALIGN - 1) / HDR_ALIGN * HDR_ALIGN;
        if (need == at)
            break;
        free(lines);
        at = need;
    }
    char *hdr = xmalloc(at);
    memset(hdr, '\n', at);
    size_t ll = strlen(lines);
    memcpy(hdr, lines, ll);
    char sumline[32];
    snprintf(sumline, sizeof sumline, "sum %016llx\n",
             (unsigned long long)digest(lines, ll, text, len));
    memcpy(hdr + ll, sumline, strlen(sumline));
    free(lines);
    static char zeros[8];
    size_t pad = blocks_at(at, len) - (at + len);   /* the NUL and alignment */
    struct iovec iov[3] = {
        /* writev only reads them: iovec has no const */
        {hdr, at}, {(void *)(uintptr_t)text, len}, {zeros, pad},
    };
    static atomic_uint seq;
    char *tmp = xasprintf("%s.tmp.%ld.%u", dpath, (long)getpid(), atomic_fetch_add(&seq, 1));
    char *dir = xstrdup(dpath);
    *strrchr(dir, '/') = '\0';
    int rc = mkdir_p(dir, err);
    int fd = rc == 0 ? open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600) : -1;
    if (rc == 0) {
        bool ok = fd >= 0 && write_all(fd, iov, 3) && write_blocks(fd, eb->blocks, n);
        struct iovec tail = {chs.data, chs.len};
        ok = ok && write_all(fd, &tail, 1);
        int e = errno;
        if (fd >= 0 && close(fd) != 0 && ok) {
            ok = false;
            e = errno;
        }
        if (ok && rename(tmp, dpath) != 0) {
            ok = false;
            e = errno;
        }
        if (!ok) {
            unlink(tmp);
            set_err(err, "%s: %s", dpath, strerror(e));
            rc = -1;
        }
    }
    free(hdr);
    free(tmp);
    buf_free(&chs);
    if (rc == 0)
        bound_folder(dir);
    free(dir);
    free(dpath);
    free(canon);
    return rc;
}
