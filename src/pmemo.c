/* pmemo.c — the parse memo: a head's or a window's parse, and a chapter's
 * blocks, kept by their bytes.  See pmemo.h; the file's lines are in
 * docs/FORMATS.md.
 *
 * A parse is a `p` line (key, counts, the story's title, author and the
 * one-chapter note), an `m` line (its metadata), a `t` line a tag and a
 * `c` line a chapter (offsets, number, words, title); a chapter's blocks
 * are one `b` line.  A string that may be missing is two fields: 1 and
 * the string, or 0 and nothing. */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "pmemo.h"
#include "rec.h"
#include "util.h"

#define PMEMO_MAGIC "quire-parses 1"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* Entries parsed since the last save, each its lines, newest last. */
static struct pending {
    char kind;   /* 'p' a parse, 'b' a chapter's blocks */
    uint64_t sum;
    size_t len;
    char *lines;
} *pend;
static size_t n_pend, cap_pend;

static pthread_once_t engine_once = PTHREAD_ONCE_INIT;
static char *engine;
static void engine_init(void) { engine = rec_engine(); }

/* The memo file as read at the first look-up since the last save (under
 * lock): its records [body, body_end), or none. */
static bool loaded;
static const char *map_data, *body, *body_end;
static size_t map_len;
/* Blocks are looked up only while a story opens (pmemo_arm). */
static bool armed;
static size_t hits;   /* look-ups answered */

size_t pmemo_hits(void)
{
    pthread_mutex_lock(&lock);
    size_t n = hits;
    pthread_mutex_unlock(&lock);
    return n;
}

/* The memo file, or NULL when caches are off or there is no cache folder. */
static char *memo_path(void)
{
    if (rec_caches_off())
        return NULL;
    char *dir = xdg_dir("CACHE");
    if (!dir)
        return NULL;
    char *p = xasprintf("%s/parses", dir);
    free(dir);
    return p;
}

/* --- writing ------------------------------------------------------------ */

static void put_ostr(struct buf *b, const char *s)
{
    rec_tab(b);
    rec_put_num(b, s != NULL);
    rec_tab(b);
    rec_put_cstr(b, s);
}

/* entry_lines and read_entry (and the 'b' lines of pmemo_blocks) write
 * and read every field of a parse: a field added to struct parse_result,
 * parse_chapter, parse_meta or block must be added to both (and to
 * test_pmemo's comparison), or a reopened story would lose it.  These
 * sizes (LP64) are that reminder. */
#if UINTPTR_MAX == 0xffffffffffffffffu
_Static_assert(sizeof(struct parse_result) == 144 && sizeof(struct parse_chapter) == 56 &&
                   sizeof(struct parse_meta) == 88 && sizeof(struct block) == 24,
               "a parse's fields changed: keep pmemo.c's entry_lines and read_entry in step");
#endif

static char *entry_lines(uint64_t sum, size_t len, const struct parse_result *r,
                         const size_t *words)
{
    struct buf b = {0};
    char h[17];
    hex16(sum, h);
    buf_adds(&b, "p\t");
    buf_adds(&b, h);
    unsigned long long v[5] = {len, r->n_ch, r->body, r->fanficfare, r->meta.n_tags};
    rec_tab(&b);
    rec_put_nums(&b, v, 5);
    put_ostr(&b, r->title);
    put_ostr(&b, r->author);
    put_ostr(&b, r->one_chapter_why);
    const struct parse_meta *m = &r->meta;
    char idx[40];
    snprintf(idx, sizeof idx, "%.17g", m->series_index);
    buf_adds(&b, "\nm");
    put_ostr(&b, m->series);
    rec_tab(&b);
    rec_put_cstr(&b, idx);
    const char *const ms[] = {m->summary, m->rating, m->status, m->source_url,
                              m->language, m->published, m->updated};
    for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
        put_ostr(&b, ms[i]);
    buf_addc(&b, '\n');
    for (size_t i = 0; i < m->n_tags; i++) {
        buf_adds(&b, "t\t");
        rec_put_cstr(&b, m->tags[i]);
        buf_addc(&b, '\n');
    }
    for (size_t i = 0; i < r->n_ch; i++) {
        const struct parse_chapter *c = &r->ch[i];
        unsigned long long o[5] = {c->start, c->end, c->front_end, c->body, c->back};
        buf_adds(&b, "c\t");
        rec_put_nums(&b, o, 5);
        rec_tab(&b);
        rec_put_snum(&b, c->number);
        rec_tab(&b);
        rec_put_num(&b, words[i]);
        put_ostr(&b, c->title);
        buf_addc(&b, '\n');
    }
    return b.data;
}

/* --- reading ------------------------------------------------------------ */

static char *get_ostr(struct rec_rd *r)
{
    bool has = rec_num(r, 1) != 0;
    size_t n = 0;
    char *s = rec_str(r, &n);
    if (s && (has ? strlen(s) != n : n != 0))
        r->bad = true;
    if (!has || r->bad) {
        free(s);
        return NULL;
    }
    return s;
}

static bool is_line(const char *p, const char *end, char kind)
{
    return end - p >= 2 && p[0] == kind && p[1] == '\t';
}

/* The entry whose `p` line's fields follow in *r (its key read), its
 * other lines from *p on, into *out and its counts; false when any line is
 * not as written (*out then freed). */
static bool read_entry(struct rec_rd *r, const char **p, const char *end, size_t len,
                       struct parse_result *out, size_t **words)
{
    memset(out, 0, sizeof *out);
    *words = NULL;
    size_t n_ch = (size_t)rec_num(r, len + 1);
    out->body = (size_t)rec_num(r, len);
    out->fanficfare = rec_num(r, 1) != 0;
    size_t n_tags = (size_t)rec_num(r, len + 1);
    out->title = get_ostr(r);
    out->author = get_ostr(r);
    out->one_chapter_why = get_ostr(r);
    bool ok = rec_at_end(r);
    struct rec_rd m;
    ok = ok && is_line(*p, end, 'm') && rec_line(p, end, 2, &m);
    if (ok) {
        struct parse_meta *mt = &out->meta;
        mt->series = get_ostr(&m);
        char *idx = rec_str(&m, NULL);
        char *e = NULL;
        mt->series_index = idx ? strtod(idx, &e) : 0;
        ok = idx && e && *e == '\0' && e != idx;
        free(idx);
        char **ms[] = {&mt->summary, &mt->rating, &mt->status, &mt->source_url,
                       &mt->language, &mt->published, &mt->updated};
        for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
            *ms[i] = get_ostr(&m);
        ok = ok && rec_at_end(&m);
    }
    if (ok && n_tags) {
        out->meta.tags = xcalloc(n_tags, sizeof *out->meta.tags);
        for (; ok && out->meta.n_tags < n_tags; out->meta.n_tags++) {
            struct rec_rd t;
            ok = is_line(*p, end, 't') && rec_line(p, end, 2, &t);
            char *s = NULL;
            size_t n = 0;
            if (ok)
                s = rec_str(&t, &n);
            ok = s && strlen(s) == n && rec_at_end(&t);
            if (!ok) {
                free(s);
                break;
            }
            out->meta.tags[out->meta.n_tags] = s;
        }
    }
    if (ok) {
        out->ch = xcalloc(n_ch ? n_ch : 1, sizeof *out->ch);
        *words = xcalloc(n_ch ? n_ch : 1, sizeof **words);
    }
    for (; ok && out->n_ch < n_ch; out->n_ch++) {
        struct rec_rd c;
        ok = is_line(*p, end, 'c') && rec_line(p, end, 2, &c);
        if (!ok)
            break;
        struct parse_chapter *ch = &out->ch[out->n_ch];
        size_t *o[] = {&ch->start, &ch->end, &ch->front_end, &ch->body, &ch->back};
        for (size_t k = 0; k < sizeof o / sizeof *o; k++)
            *o[k] = (size_t)rec_num(&c, len);
        ch->number = (int)rec_snum(&c, INT_MIN, INT_MAX);
        (*words)[out->n_ch] = (size_t)rec_num(&c, len);
        ch->title = get_ostr(&c);
        ok = rec_at_end(&c);
        if (!ok) {
            out->n_ch++;   /* its title is freed with the rest */
            break;
        }
    }
    if (!ok) {
        parse_result_free(out);
        free(*words);
        *words = NULL;
    }
    return ok;
}

/* Map the memo file once (lock held); false when there is none to use. */
static bool memo_load(void)
{
    if (!loaded) {
        loaded = true;
        char *path = memo_path();
        map_data = path ? rec_map(path, &map_len) : NULL;
        free(path);
        pthread_once(&engine_once, engine_init);
        unsigned long long count;
        body = map_data ? rec_open(map_data, map_len, PMEMO_MAGIC, engine, NULL, &body_end, &count)
                        : NULL;
    }
    return body != NULL;
}

static void memo_unload(void)
{
    if (map_data)
        rec_unmap(map_data, map_len);
    map_data = body = body_end = NULL;
    map_len = 0;
    loaded = false;
}

/* The first line of the entry of `kind` keyed (sum, len) in the loaded
 * file, as a cursor past its key; *p past that line.  False when none. */
static bool memo_entry(char kind, uint64_t sum, size_t len, const char **p, struct rec_rd *r)
{
    char want[17];
    hex16(sum, want);
    *p = body;
    while (*p < body_end) {
        bool entry = is_line(*p, body_end, kind);
        if (!rec_line(p, body_end, entry ? 2 : 0, r))
            return false;
        if (!entry)
            continue;
        char id[17];
        rec_hex_id(r, id);
        size_t n = (size_t)rec_num(r, SIZE_MAX);
        if (!r->bad && n == len && strcmp(id, want) == 0)
            return true;
    }
    return false;
}

/* The saved parse for (sum, len), into *out; its counts, or NULL. */
static size_t *memo_find(uint64_t sum, size_t len, struct parse_result *out)
{
    size_t *words = NULL;
    pthread_mutex_lock(&lock);
    const char *p;
    struct rec_rd r;
    if (memo_load() && memo_entry('p', sum, len, &p, &r) &&
        !read_entry(&r, &p, body_end, len, out, &words))
        words = NULL;
    hits += words != NULL;
    pthread_mutex_unlock(&lock);
    return words;
}

/* Keep an entry's lines for pmemo_save: not one longer than
 * PMEMO_MAX_ENTRY (a text of thousands of headings or blocks is parsed
 * again rather than make every opening read a long memo), nor more than
 * PMEMO_KEEP of them. */
static void add_pending(char kind, uint64_t sum, size_t len, char *lines)
{
    if (strlen(lines) > PMEMO_MAX_ENTRY) {
        free(lines);
        return;
    }
    pthread_mutex_lock(&lock);
    if (n_pend == PMEMO_KEEP) {   /* the oldest goes */
        free(pend[0].lines);
        memmove(pend, pend + 1, (n_pend - 1) * sizeof *pend);
        n_pend--;
    }
    XGROW(pend, cap_pend, n_pend + 1);
    pend[n_pend++] = (struct pending){kind, sum, len, lines};
    pthread_mutex_unlock(&lock);
}

size_t *pmemo_parse(const char *text, size_t len, struct parse_result *out, bool *hit)
{
    if (hit)
        *hit = false;
    if (len > PMEMO_MAX_TEXT)
        return parse_text_counted(text, len, out);
    uint64_t sum = rec_sum(text, len);
    size_t *words = memo_find(sum, len, out);
    if (words) {
        if (hit)
            *hit = true;
        return words;
    }
    words = parse_text_counted(text, len, out);
    add_pending('p', sum, len, entry_lines(sum, len, out, words));
    return words;
}

void pmemo_arm(bool on)
{
    pthread_mutex_lock(&lock);
    armed = on;
    pthread_mutex_unlock(&lock);
}

/* The blocks of one `b` line's last field, [p, e): per block its start
 * from the previous block's end (`-` before it: back), its length, kind
 * and flags, separated by single spaces; n blocks of a chapter of len
 * bytes from start, into bl.  False when the field is not n such blocks
 * inside the chapter. */
static bool read_blocks(const char *p, const char *e, size_t start, size_t len,
                        struct block *bl, size_t n)
{
    size_t prev = 0;   /* from the chapter's start */
    for (size_t i = 0; i < n; i++) {
        size_t v[4];
        for (int k = 0; k < 4; k++) {
            if (p < e && *p == ' ' && (i || k))
                p++;
            else if (i || k)
                return false;
            bool back = k == 0 && p < e && *p == '-';
            p += back;
            if (p >= e || *p < '0' || *p > '9')
                return false;
            size_t x = 0;
            while (p < e && *p >= '0' && *p <= '9') {
                x = x * 10 + (size_t)(*p++ - '0');
                if (x > len)
                    return false;
            }
            if (back && x > prev)
                return false;
            v[k] = back ? prev - x : k == 0 ? prev + x : x;
        }
        if (v[0] > len || v[1] > len - v[0] || v[2] > 255 || v[3] > 255)
            return false;
        bl[i] = (struct block){start + v[0], start + v[0] + v[1], (uint8_t)v[2], (uint8_t)v[3]};
        prev = v[0] + v[1];
    }
    return p == e;
}

/* The key of a chapter's blocks: its bytes' checksum, mixed with where its
 * heading and matter lines are (relative to its start). */
static uint64_t blocks_key(const char *text, size_t start, size_t end, const size_t rel[3])
{
    uint64_t k = rec_sum(text + start, end - start);
    return fnv1a(k, rel, 3 * sizeof *rel);
}

size_t pmemo_blocks(const char *text, size_t start, size_t end, size_t front_end, size_t body_at,
                    size_t back, struct block **out)
{
    pthread_mutex_lock(&lock);
    bool on = armed;
    pthread_mutex_unlock(&lock);
    if (!on || end < start || end - start > PMEMO_MAX_TEXT)
        return parse_blocks_body(text, start, end, front_end, body_at, back, out);
    /* parse_blocks_body's own clamps, so that one chapter has one key */
    if (front_end < start)
        front_end = start;
    if (body_at < front_end)
        body_at = front_end;
    if (back > end || back < start)
        back = end;
    if (front_end > end)
        front_end = end;
    if (body_at > end)
        body_at = end;
    size_t len = end - start, rel[3] = {front_end - start, body_at - start, back - start};
    uint64_t key = blocks_key(text, start, end, rel);
    size_t n = 0;
    bool found = false;
    pthread_mutex_lock(&lock);
    const char *p;
    struct rec_rd r;
    if (memo_load() && memo_entry('b', key, len, &p, &r)) {
        n = (size_t)rec_num(&r, len + 1);
        const char *f;
        size_t fn;
        struct block *bl = xcalloc(n ? n : 1, sizeof *bl);
        found = rec_field(&r, &f, &fn) && rec_at_end(&r) &&
                read_blocks(f, f + fn, start, len, bl, n);
        hits += found;
        if (found)
            *out = bl;
        else
            free(bl);
    }
    pthread_mutex_unlock(&lock);
    if (found)
        return n;
    n = parse_blocks_body(text, start, end, front_end, body_at, back, out);
    struct buf b = {0};
    char h[17];
    hex16(key, h);
    buf_adds(&b, "b\t");
    buf_adds(&b, h);
    rec_tab(&b);
    rec_put_num(&b, len);
    rec_tab(&b);
    rec_put_num(&b, n);
    rec_tab(&b);
    size_t prev = start;   /* each block from the previous one's end */
    for (size_t i = 0; i < n; i++) {
        const struct block *k = &(*out)[i];
        bool fwd = k->off >= prev;
        buf_printf(&b, "%s%s%zu %zu %u %u", i ? " " : "", fwd ? "" : "-",
                   fwd ? k->off - prev : prev - k->off, k->end - k->off, (unsigned)k->kind,
                   (unsigned)k->flags);
        prev = k->end;
    }
    buf_addc(&b, '\n');
    add_pending('b', key, len, b.data);
    return n;
}

/* path's new contents, through a temporary file renamed over it; not
 * synced (a cache: a file cut short by a crash fails its checksum and is
 * not used). */
static void write_quick(const char *path, const char *data, size_t len)
{
    char *dir = xstrdup(path), *slash = strrchr(dir, '/'), *err = NULL;
    if (slash)
        *slash = '\0';
    bool ok = !slash || mkdir_p(dir, &err) == 0;
    free(dir);
    free(err);
    if (!ok)
        return;
    char *tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd >= 0) {
        size_t done = 0;
        while (done < len) {
            ssize_t w = write(fd, data + done, len - done);
            if (w <= 0)
                break;
            done += (size_t)w;
        }
        ok = close(fd) == 0 && done == len;
        if (!ok || rename(tmp, path) != 0)
            (void)unlink(tmp);
    }
    free(tmp);
}

void pmemo_save(void)
{
    pthread_mutex_lock(&lock);
    struct pending *mine = pend;
    size_t n = n_pend;
    pend = NULL;
    n_pend = cap_pend = 0;
    armed = false;
    memo_unload();
    pthread_mutex_unlock(&lock);
    if (!n)
        return;
    char *path = memo_path();
    pthread_once(&engine_once, engine_init);
    struct buf b = {0};
    rec_head(&b, PMEMO_MAGIC, engine, NULL);
    size_t kept = 0;
    for (size_t i = n; i-- > 0 && kept < PMEMO_KEEP && b.len < PMEMO_MAX_FILE;) {   /* newest first, each key once */
        bool dup = false;
        for (size_t j = i + 1; j < n && !dup; j++)
            dup = mine[j].kind == mine[i].kind && mine[j].sum == mine[i].sum &&
                  mine[j].len == mine[i].len;
        if (!dup) {
            buf_adds(&b, mine[i].lines);
            kept++;
        }
    }
    /* then the file's own entries, in their order, but those just written */
    size_t flen = 0;
    const char *data = path ? rec_map(path, &flen) : NULL;
    const char *end;
    unsigned long long count;
    const char *p = data ? rec_open(data, flen, PMEMO_MAGIC, engine, NULL, &end, &count) : NULL;
    bool copying = false;
    while (p && p < end) {
        const char *line = p;
        struct rec_rd r;
        char kind = is_line(p, end, 'p') ? 'p' : is_line(p, end, 'b') ? 'b' : 0;
        if (!rec_line(&p, end, kind ? 2 : 0, &r))
            break;
        if (kind) {
            char id[17];
            rec_hex_id(&r, id);
            size_t len = (size_t)rec_num(&r, SIZE_MAX);
            copying = !r.bad && kept < PMEMO_KEEP && b.len < PMEMO_MAX_FILE;
            for (size_t i = 0; i < n && copying; i++) {
                char h[17];
                hex16(mine[i].sum, h);
                copying = !(mine[i].kind == kind && mine[i].len == len && strcmp(h, id) == 0);
            }
            kept += copying;
        }
        if (copying)
            buf_add(&b, line, (size_t)(p - line));
    }
    if (data)
        rec_unmap(data, flen);
    rec_seal(&b, kept);
    if (path)
        write_quick(path, b.data, b.len);
    free(path);
    buf_free(&b);
    for (size_t i = 0; i < n; i++)
        free(mine[i].lines);
    free(mine);
}
