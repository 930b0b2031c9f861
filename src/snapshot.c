/* snapshot.c — the library snapshot.  See snapshot.h; the file format is in
 * docs/FORMATS.md ("Library snapshot").
 *
 * The snapshot holds what library_build decided (stories in display order,
 * their chapters in reading order, each chapter's editions, titles, ids,
 * keys, the build's notes and skipped files) and, per source, what the
 * decoder found (encoding, length).  Loading it checks every field against
 * the walk just made, so a library from a snapshot obeys every invariant a
 * built one does: offsets inside their source, ordered, every file of the
 * walk accounted for exactly once. */
#include "snapshot.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cache.h"
#include "ebook_door.h"
#include "rec.h"
#include "util.h"

/* 2: aliases on T lines; 3: ebooks (FMT and FORMAT on X lines, M lines),
 * and the conversion's version (a new one never trusts older offsets). */
#define SNAP_STR(x) #x
#define SNAP_XSTR(x) SNAP_STR(x)
#define SNAP_MAGIC "quire-library 3 ebook " SNAP_XSTR(EBOOK_VERSION)
/* Files modified this recently (ns) are not trusted to show their next
 * change in their stamp: such a walk is not saved. */
#define SNAP_RACY_NS 1000000000LL

static long long ns_of(struct timespec t)
{
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* ---------------------------------------------------------------------
 * Digest */

struct stamp_bytes {          /* hashed as bytes: every field set */
    long long size, mtime_ns, ctime_ns;
    unsigned long long dev, ino;
    long long ini;
};

static uint64_t hash_stat(uint64_t h, const struct stat *st, long long ini)
{
    struct stamp_bytes s;
    memset(&s, 0, sizeof s);
    s.size = (long long)st->st_size;
    s.mtime_ns = ns_of(st->st_mtim);
    s.ctime_ns = ns_of(st->st_ctim);
    s.dev = (unsigned long long)st->st_dev;
    s.ino = (unsigned long long)st->st_ino;
    s.ini = ini;
    return fnv1a(h, &s, sizeof s);
}

static uint64_t hash_str(uint64_t h, const char *s)
{
    return fnv1a(h, s, strlen(s) + 1);
}

uint64_t snapshot_digest(const char *root, const struct scan_result *scan, bool *settled)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long long recent = ns_of(now) - SNAP_RACY_NS;
    *settled = true;
    uint64_t h = hash_str(FNV_OFFSET, root);
    h = fnv1a(h, &scan->n_files, sizeof scan->n_files);
    bool by_plugin = false;   /* a file the ebook plugin may read */
    for (size_t i = 0; i < scan->n_files; i++) {
        const struct scan_file *f = &scan->files[i];
        h = hash_str(h, f->relpath);
        h = hash_stat(h, &f->st, f->ini);
        if (ns_of(f->st.st_mtim) > recent)
            *settled = false;
        by_plugin |= !ebook_door_text_name(f->relpath);
    }
    if (by_plugin) {   /* another plugin may read those files otherwise */
        char *id = ebook_door_identity();
        h = hash_str(h, id);
        free(id);
    }
    h = fnv1a(h, &scan->n_ini, sizeof scan->n_ini);
    for (size_t i = 0; i < scan->n_ini; i++) {
        struct stat st;
        memset(&st, 0, sizeof st);
        if (stat(scan->ini[i].path, &st) != 0 || ns_of(st.st_mtim) > recent)
            *settled = false;
        h = hash_str(hash_str(h, scan->ini[i].dir), scan->ini[i].path);
        h = hash_stat(h, &st, 0);
    }
    h = fnv1a(h, &scan->n_skipped, sizeof scan->n_skipped);
    for (size_t i = 0; i < scan->n_skipped; i++)
        h = hash_str(hash_str(h, scan->skipped[i].relpath), scan->skipped[i].why);
    return h;
}

/* ---------------------------------------------------------------------
 * Formatting */

struct src_idx {
    const struct source *src;
    size_t i;
};

static int cmp_src_idx(const void *a, const void *b)
{
    const struct src_idx *x = a, *y = b;
    return x->src < y->src ? -1 : x->src > y->src;
}

static size_t src_index(const struct src_idx *map, size_t n, const struct source *src)
{
    struct src_idx key = {src, 0};
    const struct src_idx *hit = bsearch(&key, map, n, sizeof *map, cmp_src_idx);
    return hit ? hit->i : 0;   /* every edition's source is the library's */
}

char *snapshot_format(const char *engine, const char *canon, uint64_t digest,
                      const struct library *lib, const struct snapshot_origin *o, size_t *len)
{
    struct buf b = {0};
    rec_head(&b, SNAP_MAGIC, engine, canon);
    char hex[17];
    hex16(digest, hex);
    buf_adds(&b, "digest\t");
    buf_adds(&b, hex);
    buf_addc(&b, '\n');
    struct src_idx *map = xmalloc((lib->n_src ? lib->n_src : 1) * sizeof *map);
    for (size_t i = 0; i < lib->n_src; i++) {
        const struct source *s = lib->src[i];
        map[i] = (struct src_idx){s, i};
        buf_adds(&b, "X\t");
        const unsigned long long nums[] = {o->src_file[i], (unsigned long long)s->enc, s->len,
                                           s->invalid, s->crlf, (unsigned long long)s->fmt};
        rec_put_nums(&b, nums, 6);
        rec_tab(&b);
        rec_put_cstr(&b, s->format);
        buf_addc(&b, '\n');
    }
    qsort(map, lib->n_src, sizeof *map, cmp_src_idx);
    for (size_t k = o->first_skip; k < lib->n_skipped; k++) {
        buf_adds(&b, "K\t");
        rec_put_num(&b, o->skip_file[k - o->first_skip]);
        rec_tab(&b);
        rec_put_cstr(&b, lib->skipped[k].why);
        buf_addc(&b, '\n');
    }
    for (size_t k = 0; k < lib->n_notes; k++) {
        buf_adds(&b, "N\t");
        rec_put_cstr(&b, lib->notes[k]);
        buf_addc(&b, '\n');
    }
    for (size_t i = 0; i < lib->n_stories; i++) {
        const struct story *s = &lib->stories[i];
        buf_adds(&b, "T\t");
        rec_put_num(&b, s->n_ch);
        rec_tab(&b);
        buf_adds(&b, s->id);
        rec_tab(&b);
        for (size_t k = 0; k < s->n_alias; k++)
            buf_adds(&b, s->alias[k]);
        const char *strs[] = {s->title, s->author, s->dir};
        for (size_t k = 0; k < 3; k++) {
            rec_tab(&b);
            rec_put_cstr(&b, strs[k]);
        }
        buf_addc(&b, '\n');
        if (!parse_meta_empty(&s->meta)) {
            buf_adds(&b, "M\t");
            cache_put_meta(&b, &s->meta);
            buf_addc(&b, '\n');
        }
        for (size_t c = 0; c < s->n_ch; c++) {
            const struct chapter *ch = &s->ch[c];
            buf_adds(&b, "C\t");
            rec_put_num(&b, ch->n_ed);
            rec_tab(&b);
            rec_put_snum(&b, ch->number);
            rec_tab(&b);
            rec_put_num(&b, ch->words);
            rec_tab(&b);
            buf_adds(&b, ch->key);
            rec_tab(&b);
            rec_put_cstr(&b, ch->title);
            buf_addc(&b, '\n');
            for (size_t e = 0; e < ch->n_ed; e++) {
                const struct edition *ed = &ch->ed[e];
                buf_adds(&b, "E\t");
                const unsigned long long nums[] = {src_index(map, lib->n_src, ed->src),
                                                   ed->start, ed->end, ed->front_end,
                                                   ed->body, ed->back, ed->title_end};
                rec_put_nums(&b, nums, 7);
                rec_tab(&b);
                rec_put_snum(&b, ed->richness);
                buf_addc(&b, '\n');
            }
        }
    }
    free(map);
    rec_seal(&b, lib->n_stories);
    *len = b.len;
    return b.data;
}

int snapshot_save(const char *root, uint64_t digest, const struct library *lib,
                  const struct snapshot_origin *o, char **err)
{
    char *canon;
    char *path = rec_cache_path("library", root, &canon);
    if (!path)
        return 0;
    char *engine = rec_engine();
    size_t len;
    char *data = snapshot_format(engine, canon, digest, lib, o, &len);
    int rc = rec_write(path, data, len, err);
    free(data);
    free(engine);
    free(canon);
    free(path);
    return rc;
}

/* ---------------------------------------------------------------------
 * Parsing */

struct rd_state {
    struct library *lib;
    const struct scan_result *scan;
    unsigned char *seen;      /* per scan file: 1 a source, 2 skipped */
    size_t *src_file;         /* per source: its scan file */
    size_t cap_src, cap_src_file, cap_skipped, cap_notes;
    long last_x, last_k;      /* scan file of the last X and K record */
    struct story *story;      /* being filled, or NULL */
    size_t ch_done;           /* its chapters begun */
    struct chapter *chapter;  /* being filled, or NULL */
    size_t ed_done;           /* its editions filled */
    const char *end;          /* end of the records: bounds counts */
};

/* Shortest possible lines (bytes): an E line ("E\t0\t0\t0\t0\t0\t0\t0\t0\n"),
 * a chapter (its C line with a one-byte title, and one E line), a story
 * (its T line with one-byte fields, and one chapter).  They bound the
 * counts a file of its size can hold, so a sealed but damaged file cannot
 * ask for a huge allocation. */
#define MIN_EDITION 18
#define MIN_CHAPTER (27 + MIN_EDITION)
#define MIN_STORY (26 + MIN_CHAPTER)

/* A count of `unit`-byte line groups still to come after p. */
static size_t get_count(struct rec_rd *r, const struct rd_state *s, const char *p, size_t unit)
{
    size_t n = (size_t)rec_num(r, (unsigned long long)(s->end - p) / unit);
    if (n == 0)
        r->bad = true;
    return n;
}

static void rd_source(struct rd_state *s, struct rec_rd *r)
{
    const struct scan_result *scan = s->scan;
    size_t f = (size_t)rec_num(r, scan->n_files ? scan->n_files - 1 : 0);
    if (r->bad || !scan->n_files || (long)f <= s->last_x || s->seen[f]) {
        r->bad = true;
        return;
    }
    const struct stat *st = &scan->files[f].st;
    unsigned long long size = (unsigned long long)st->st_size;
    struct cache_file cf = {0};
    cf.enc = (enum source_encoding)rec_num(r, ENC_CP1252);
    cf.len = (size_t)rec_num(r, size > (ULLONG_MAX - 8) / 3 ? ULLONG_MAX : size * 3 + 8);
    cf.invalid = (size_t)rec_num(r, cf.len);
    cf.crlf = rec_num(r, 1) != 0;
    cf.fmt = (enum ebook_format)rec_num(r, EBOOK_EPUB);
    char *format = rec_opt_str(r);
    if (!rec_at_end(r) || (cf.fmt != EBOOK_NONE) != (format != NULL) ||
        (cf.fmt != EBOOK_NONE && cf.enc != ENC_UTF8)) {
        free(format);
        r->bad = true;
        return;
    }
    cf.format = format;
    struct cache_stamp stamp = {.size = (long long)st->st_size, .mtime_ns = ns_of(st->st_mtim),
                                .ok = true};
    struct library *lib = s->lib;
    XGROW(lib->src, s->cap_src, lib->n_src + 1);
    XGROW(s->src_file, s->cap_src_file, lib->n_src + 1);
    s->src_file[lib->n_src] = f;
    lib->src[lib->n_src++] = cache_stub_source(scan->files[f].path, &cf, &stamp);
    free(format);
    s->seen[f] = 1;
    s->last_x = (long)f;
}

static void add_skipped(struct rd_state *s, const char *relpath, char *why)
{
    struct library *lib = s->lib;
    XGROW(lib->skipped, s->cap_skipped, lib->n_skipped + 1);
    lib->skipped[lib->n_skipped++] = (struct skipped){xstrdup(relpath), why};
}

static void rd_skip(struct rd_state *s, struct rec_rd *r)
{
    const struct scan_result *scan = s->scan;
    size_t f = (size_t)rec_num(r, scan->n_files ? scan->n_files - 1 : 0);
    char *why = rec_opt_str(r);
    if (!why || !rec_at_end(r) || !scan->n_files || (long)f <= s->last_k || s->seen[f]) {
        free(why);
        r->bad = true;
        return;
    }
    add_skipped(s, scan->files[f].relpath, why);
    s->seen[f] = 2;
    s->last_k = (long)f;
}

static void rd_note(struct rd_state *s, struct rec_rd *r)
{
    char *text = rec_opt_str(r);
    if (!text || !rec_at_end(r)) {
        free(text);
        r->bad = true;
        return;
    }
    struct library *lib = s->lib;
    XGROW(lib->notes, s->cap_notes, lib->n_notes + 1);
    lib->notes[lib->n_notes++] = text;
}

/* Is the story being filled complete (every chapter and edition read)? */
static bool story_done(const struct rd_state *s)
{
    return !s->story || (s->ch_done == s->story->n_ch && s->ed_done == s->chapter->n_ed);
}

/* The aliases field: 16 lowercase hex digits per alias, none of them the
 * story's id, at most STORY_MAX_ALIASES. */
static void rd_aliases(struct rec_rd *r, struct story *st)
{
    const char *f;
    size_t n;
    if (r->bad || !rec_field(r, &f, &n) || n % 16 || n / 16 > STORY_MAX_ALIASES) {
        r->bad = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (!((f[i] >= '0' && f[i] <= '9') || (f[i] >= 'a' && f[i] <= 'f'))) {
            r->bad = true;
            return;
        }
    st->n_alias = n / 16;
    st->alias = st->n_alias ? xcalloc(st->n_alias, sizeof *st->alias) : NULL;
    for (size_t k = 0; k < st->n_alias; k++) {
        memcpy(st->alias[k], f + 16 * k, 16);
        st->alias[k][16] = '\0';
        if (strcmp(st->alias[k], st->id) == 0)
            r->bad = true;
    }
}

static void rd_story(struct rd_state *s, struct rec_rd *r, const char *p, size_t cap)
{
    struct library *lib = s->lib;
    if (!story_done(s) || lib->n_stories >= cap) {
        r->bad = true;
        return;
    }
    if (s->story)
        story_sum_bytes(s->story);
    struct story *st = &lib->stories[lib->n_stories++];
    s->story = st;
    s->chapter = NULL;
    s->ch_done = s->ed_done = 0;
    size_t n = get_count(r, s, p, MIN_CHAPTER);
    rec_hex_id(r, st->id);
    rd_aliases(r, st);
    st->title = rec_opt_str(r);
    st->author = rec_str(r, NULL);
    st->dir = rec_opt_str(r);
    if (r->bad || !st->title || !st->author || !st->dir || !rec_at_end(r)) {
        r->bad = true;
        return;
    }
    st->ch = xcalloc(n, sizeof *st->ch);
    st->n_ch = n;
}

/* The M line right after a T line: the story's metadata. */
static void rd_meta(struct rd_state *s, struct rec_rd *r)
{
    struct story *st = s->story;
    if (!st || s->ch_done || s->chapter || !parse_meta_empty(&st->meta)) {
        r->bad = true;
        return;
    }
    if (!cache_get_meta(r, &st->meta) || !rec_at_end(r) || parse_meta_empty(&st->meta)) {
        parse_meta_free(&st->meta);
        r->bad = true;
    }
}

static void rd_chapter(struct rd_state *s, struct rec_rd *r, const char *p)
{
    if (!s->story || s->ch_done == s->story->n_ch ||
        (s->chapter && s->ed_done < s->chapter->n_ed)) {
        r->bad = true;
        return;
    }
    struct chapter *ch = &s->story->ch[s->ch_done++];
    s->chapter = ch;
    s->ed_done = 0;
    size_t n = get_count(r, s, p, MIN_EDITION);
    ch->number = (int)rec_snum(r, INT_MIN, INT_MAX);
    ch->words = (size_t)rec_num(r, SIZE_MAX);
    rec_hex_id(r, ch->key);
    ch->title = rec_opt_str(r);
    if (r->bad || !ch->title || !rec_at_end(r)) {
        r->bad = true;
        return;
    }
    ch->ed = xcalloc(n, sizeof *ch->ed);
    ch->n_ed = n;
}

static void rd_edition(struct rd_state *s, struct rec_rd *r)
{
    struct library *lib = s->lib;
    if (!s->chapter || s->ed_done == s->chapter->n_ed || !lib->n_src) {
        r->bad = true;
        return;
    }
    struct edition *ed = &s->chapter->ed[s->ed_done++];
    size_t si = (size_t)rec_num(r, lib->n_src - 1);
    if (r->bad)
        return;
    size_t len = lib->src[si]->len;
    ed->src = lib->src[si];
    ed->start = (size_t)rec_num(r, len);
    ed->end = (size_t)rec_num(r, len);
    ed->front_end = (size_t)rec_num(r, len);
    ed->body = (size_t)rec_num(r, len);
    ed->back = (size_t)rec_num(r, len);
    ed->title_end = (size_t)rec_num(r, len);
    ed->richness = (int)rec_snum(r, INT_MIN, INT_MAX);
    if (!rec_at_end(r) || !edition_offsets_ok(ed, len)) {
        r->bad = true;
        return;
    }
    ed->relpath = xstrdup(s->scan->files[s->src_file[si]].relpath);
}

struct library *snapshot_parse(const char *data, size_t len, const char *engine,
                               const char *canon, const char *root,
                               const struct scan_result *scan, uint64_t digest)
{
    const char *end;
    unsigned long long count;
    const char *p = rec_open(data, len, SNAP_MAGIC, engine, canon, &end, &count);
    struct rec_rd r;
    const char *key;
    size_t kn;
    char hex[17], want[17];
    if (!p || !rec_line(&p, end, 0, &r) || !rec_field(&r, &key, &kn) || kn != 6 ||
        memcmp(key, "digest", 6) != 0)
        return NULL;
    rec_hex_id(&r, hex);
    hex16(digest, want);
    if (!rec_at_end(&r) || strcmp(hex, want) != 0 || count > (unsigned long long)(end - p) / MIN_STORY)
        return NULL;

    struct library *lib = xcalloc(1, sizeof *lib);
    lib->root = xstrdup(root);
    struct rd_state s = {.lib = lib, .scan = scan, .last_x = -1, .last_k = -1,
                         .end = end};
    s.seen = xcalloc(scan->n_files ? scan->n_files : 1, 1);
    for (size_t i = 0; i < scan->n_skipped; i++)
        add_skipped(&s, scan->skipped[i].relpath, xstrdup(scan->skipped[i].why));
    lib->stories = xcalloc(count ? count : 1, sizeof *lib->stories);
    bool bad = false;
    const char *at = p;
    while (!bad && at < end) {
        if (!rec_line(&at, end, 2, &r) || r.p[-1] != '\t') {
            bad = true;
            break;
        }
        char kind = r.p[-2];
        bool header = kind == 'X' || kind == 'K' || kind == 'N';
        if (header && s.story)
            r.bad = true;       /* sources, skips and notes come first */
        else if (kind == 'X')
            rd_source(&s, &r);
        else if (kind == 'K')
            rd_skip(&s, &r);
        else if (kind == 'N')
            rd_note(&s, &r);
        else if (kind == 'T')
            rd_story(&s, &r, at, (size_t)count);
        else if (kind == 'M')
            rd_meta(&s, &r);
        else if (kind == 'C')
            rd_chapter(&s, &r, at);
        else if (kind == 'E')
            rd_edition(&s, &r);
        else
            r.bad = true;
        bad = r.bad;
    }
    if (!bad && (!story_done(&s) || lib->n_stories != count))
        bad = true;
    for (size_t i = 0; !bad && i < scan->n_files; i++)
        bad = !s.seen[i];       /* every file is a source or skipped */
    if (!bad && s.story)
        story_sum_bytes(s.story);
    free(s.seen);
    free(s.src_file);
    if (bad) {
        library_free(lib);
        return NULL;
    }
    return lib;
}

struct library *snapshot_load(const char *root, const struct scan_result *scan, uint64_t digest)
{
    char *canon;
    char *path = rec_cache_path("library", root, &canon);
    if (!path)
        return NULL;
    struct library *lib = NULL;
    size_t len = 0;
    const char *map = rec_map(path, &len);
    if (map) {
        char *engine = rec_engine();
        lib = snapshot_parse(map, len, engine, canon, root, scan, digest);
        free(engine);
        rec_unmap(map, len);
    }
    free(path);
    free(canon);
    return lib;
}
