/* library.c — stories found in a folder of files.  See library.h.
 *
 * library_open() works in six steps:
 *   1. scan (scan.c): candidate files, story.ini folders, what was skipped;
 *   2. library_add_file(): everything that depends on one file alone —
 *      decode, parse_text, and for each chapter it holds its word count,
 *      richness, normalised opening (for keys) and shingle sketch (for
 *      edition matching).  This is the unit an index cache can store per
 *      file (keyed by path, size and mtime); nothing else reads a file;
 *   3. grouping: a story.ini folder is one story; elsewhere files announcing
 *      the same (title, author) are one story; a file announcing nothing is
 *      its own story, named after the file;
 *   4. editions: chapters whose normalised texts share most of their sampled
 *      word 5-grams are one chapter with several editions.  Candidate pairs
 *      come from an inverted index of the samples, so there is no all-pairs
 *      comparison.  A title-less one-chapter file whose chapter duplicates a
 *      chapter of another story joins that story;
 *   5. per story: file order (story.ini `order`, else heading numbers, else
 *      natural file-name order), chapters, titles, identity;
 *   6. stories sorted by title.
 * Chapter blocks are never parsed here: chapter_blocks() does it on demand.
 */
#include "library.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <unistr.h>

#include "cache.h"
#include "snapshot.h"
#include "scan.h"
#include "uchar.h"
#include "util.h"

/* Edition matching: a 5-gram is sampled when its mixed hash is 0 mod
 * SAMPLE_MOD; two chapters are editions of one another when at least
 * MATCH_CONTAIN of the smaller sample set is in the larger, the smaller has
 * at least MATCH_MIN samples and is at least MATCH_RATIO of the larger. */
#define SHINGLE_WORDS 5
#define SAMPLE_MOD 8
#define MATCH_CONTAIN 0.7
#define MATCH_MIN 4
#define MATCH_RATIO 0.3
/* A sampled 5-gram found in more chapters than this is boilerplate
 * (a repeated disclaimer), not evidence of a shared text. */
#define POSTING_MAX 32
/* Normalised bytes hashed for chapter keys and story ids. */
#define LEAD_BYTES 400

/* ---------------------------------------------------------------------
 * Normalised text: lowercase letters and digits, word by word.  Quotes,
 * punctuation, spacing and line ends vanish; so does markup that lost its
 * angle brackets on the way (`i word/i`, `/b`), so two editions of a text
 * give the same words.  Each CJK ideograph or kana is a word of its own. */

struct norm {
    const char *t;
    size_t pos, end;
};

static bool norm_ascii_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static void norm_add(struct buf *w, ucs4_t c)
{
    uint8_t tmp[6];
    int k = u8_uctomb(tmp, uc_tolower(c), (int)sizeof tmp);
    if (k > 0)
        buf_add(w, tmp, (size_t)k);
}

/* The next normalised word into w (replaced).  false at the end. */
static bool norm_word(struct norm *n, struct buf *w)
{
    const uint8_t *t = (const uint8_t *)n->t;
    buf_add(w, "", 0);
    w->len = 0;
    bool lost_tag = false;   /* the word is a lowercase lone i, b or u */
    while (n->pos < n->end) {
        ucs4_t c;
        size_t at = n->pos;
        int k = 1;
        if (t[at] < 0x80) {
            c = t[at];
            if (norm_ascii_alnum((char)c)) {   /* fast path: ASCII letters */
                if (w->len == 0)
                    lost_tag = c == 'i' || c == 'b' || c == 'u';
                else
                    lost_tag = false;
                if (w->len + 2 > w->cap) {
                    void *d = w->data;
                    xgrow(&d, &w->cap, w->len + 64, 1);
                    w->data = d;
                }
                w->data[w->len++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
                n->pos++;
                continue;
            }
        } else {
            k = u8_mbtouc(&c, t + at, n->end - at);
            if (k < 1)
                k = 1;
        }
        if (c == '/' && at + 1 < n->end && strchr("ibuIBU", t[at + 1]) &&
            (at + 2 >= n->end || !norm_ascii_alnum((char)t[at + 2]))) {
            /* a closing tag that lost its brackets */
            n->pos += 2;
            if (w->len)
                break;
            continue;
        }
        if (uch_is_cjk_word(c, true)) {
            if (w->len)
                break;
            norm_add(w, c);
            n->pos += (size_t)k;
            break;
        }
        if (uc_is_alpha(c) || uc_is_digit(c)) {
            if (w->len == 0)
                lost_tag = c == 'i' || c == 'b' || c == 'u';
            else
                lost_tag = false;
            norm_add(w, c);
            n->pos += (size_t)k;
            continue;
        }
        n->pos += (size_t)k;
        if (uc_is_general_category(c, UC_CATEGORY_M))
            continue;   /* a combining mark stays inside its word */
        if (w->len) {
            if (lost_tag && w->len == 1) {
                w->len = 0;
                lost_tag = false;
                continue;
            }
            break;
        }
    }
    if (lost_tag && w->len == 1)
        w->len = 0;
    if (w->data)
        w->data[w->len] = '\0';
    return w->len > 0;
}

/* Normalised form of a short string (titles, authors): its words joined by
 * single spaces.  malloc'd. */
static char *norm_string(const char *s)
{
    struct norm n = {s, 0, strlen(s)};
    struct buf w = {0}, out = {0};
    buf_add(&out, "", 0);
    while (norm_word(&n, &w)) {
        if (out.len)
            buf_addc(&out, ' ');
        buf_add(&out, w.data, w.len);
    }
    buf_free(&w);
    return out.data;
}

/* Case-folded, whitespace-collapsed, trimmed: how titles are compared. */
static char *fold_string(const char *s)
{
    size_t n = 0;
    uint8_t *f = u8_casefold((const uint8_t *)s, strlen(s), NULL, UNINORM_NFC, NULL, &n);
    struct buf out = {0};
    buf_add(&out, "", 0);
    if (!f) {   /* only on invalid input or ENOMEM: fall back to bytes */
        f = (uint8_t *)xstrdup(s);
        n = strlen(s);
    }
    bool space = false;
    for (size_t i = 0; i < n;) {
        ucs4_t c;
        int k = u8_mbtouc(&c, f + i, n - i);
        if (k < 1)
            k = 1;
        if (uc_is_space(c) || c == 0xA0) {
            space = out.len > 0;
        } else {
            if (space)
                buf_addc(&out, ' ');
            space = false;
            buf_add(&out, f + i, (size_t)k);
        }
        i += (size_t)k;
    }
    free(f);
    return out.data;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* ---------------------------------------------------------------------
 * Per-file analysis. */

/* One chapter as one file holds it, before editions are matched. */
struct piece {
    size_t start, end, front_end, body, back;
    size_t title_end;       /* [start, title_end): the file's announcement */
    char *title;            /* heading title (malloc'd) or NULL */
    int number;
    size_t words;           /* in [body, back) */
    int richness;
    char *lead;             /* first LEAD_BYTES normalised bytes after the
                               heading and any leading notes (malloc'd) */
    size_t lead_len;
    uint64_t *sketch;       /* sampled shingle hashes, sorted, unique */
    size_t n_sketch;
    /* matching */
    int file;               /* index in build.files */
    int cluster;            /* representative piece of its edition cluster */
    int next;               /* next piece in the same cluster, or -1 */
    size_t cluster_size;    /* valid at the representative */
};

struct lfile {
    struct source *src;
    char *relpath;
    int ini;                /* scan_result.ini index or -1 */
    char *title, *author;   /* announced (malloc'd) or NULL */
    int first_piece;        /* its pieces are [first_piece, first_piece+n_pc) */
    int n_pc;
    int group;
};

/* A story being assembled. */
struct group {
    int ini;                /* story.ini index or -1 */
    char *tkey;             /* folded "title\x1fauthor" for announced groups */
    bool loose;             /* one title-less file with one chapter */
    int parent;             /* union-find */
};

/* A parsed story.ini. */
struct ini {
    char *title, *author;   /* NULL when the key is absent */
    char **order;           /* names from `order =` */
    size_t n_order;
    bool has_order;
};

struct build {
    struct library *lib;
    struct scan_result scan;
    struct lfile *files;
    size_t n_files, cap_files;
    struct piece *pc;
    size_t n_pc, cap_pc;
    struct group *groups;
    size_t n_groups, cap_groups;
    struct ini *ini;        /* one per scan.ini */
    int *slot;              /* per piece: scratch for build_story, -1 */
    size_t cap_notes;
    struct cache *cache;    /* the index cache (cache.h) */
    /* the snapshot (snapshot.h): where sources and skips came from */
    bool snap;              /* save one when the library is built */
    uint64_t digest;
    size_t *src_file;       /* per lib->src: its index in scan.files */
    size_t cap_src_file;
    size_t *skip_file;      /* per build skip: its index in scan.files */
    size_t n_skip_file, cap_skip_file;
    size_t first_skip;      /* scan.skipped before the build's own */
};

static void note(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct build *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    struct library *lib = b->lib;
    XGROW(lib->notes, b->cap_notes, lib->n_notes + 1);
    lib->notes[lib->n_notes++] = s;
}

/* Does the paragraph at text[p...] open with a note marker (A/N,
 * Disclaimer, ...)?  Such paragraphs are left out of keys and ids, so an
 * author editing a note does not change a chapter's identity. */
static bool lead_is_note(const char *t, size_t p, size_t end)
{
    static const char *const marks[] = {
        "a/n", "an:", "a.n.", "author's note", "author\xe2\x80\x99s note", "authors note",
        "author note", "note:", "notes:", "note :", "disclaimer", "n/a", "summary:",
        "warning", "warnings:", "rating:", "pairing", "beta", "dedication",
    };
    while (p < end && (t[p] == ' ' || t[p] == '\t' || t[p] == '*' || t[p] == '_' || t[p] == '('))
        p++;
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
        size_t n = strlen(marks[i]);
        if (end - p < n)
            continue;
        size_t j = 0;
        while (j < n) {
            char c = t[p + j];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != marks[i][j])
                break;
            j++;
        }
        if (j == n)
            return true;
    }
    return false;
}

/* Where the chapter's own text starts: after leading note paragraphs (at
 * most a handful), else `body` itself. */
static size_t lead_start(const char *t, size_t body, size_t back)
{
    size_t p = body, line, line_end;
    int skipped = 0;
    for (;;) {
        /* skip blank lines */
        size_t q = p;
        while (q < back) {
            size_t save = q;
            if (!decode_next_line(t, back, &q, &line, &line_end))
                break;
            bool blank = true;
            for (size_t i = line; i < line_end; i++)
                if (t[i] != ' ' && t[i] != '\t')
                    blank = false;
            if (!blank) {
                q = save;
                break;
            }
        }
        p = q;
        if (p >= back || skipped >= 6 || !lead_is_note(t, p, back))
            break;
        /* skip the note paragraph: lines up to the next blank one */
        while (decode_next_line(t, back, &q, &line, &line_end)) {
            bool blank = true;
            for (size_t i = line; i < line_end; i++)
                if (t[i] != ' ' && t[i] != '\t')
                    blank = false;
            if (blank)
                break;
        }
        p = q;
        skipped++;
    }
    return p >= back ? body : p;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Lead (normalised opening) and shingle sketch of text[from, to); words
 * before lead_from (leading notes) count for the sketch, not the lead. */
static void piece_fingerprint(struct piece *p, const char *t, size_t from, size_t to,
                              size_t lead_from, bool sketch)
{
    struct norm n = {t, from, to};
    struct buf w = {0}, lead = {0};
    uint64_t win[SHINGLE_WORDS] = {0};
    size_t nw = 0, cap = 0;
    buf_add(&lead, "", 0);
    while (norm_word(&n, &w)) {
        if (n.pos > lead_from && lead.len < LEAD_BYTES)
            buf_add(&lead, w.data, w.len < LEAD_BYTES - lead.len ? w.len : LEAD_BYTES - lead.len);
        if (!sketch) {           /* one file: no editions to match, the lead is all */
            if (lead.len >= LEAD_BYTES)
                break;
            continue;
        }
        win[nw % SHINGLE_WORDS] = fnv1a(FNV_OFFSET, w.data, w.len);
        nw++;
        if (nw < SHINGLE_WORDS)
            continue;
        uint64_t h = 0;
        for (size_t i = nw - SHINGLE_WORDS; i < nw; i++)
            h = (h << 7 | h >> 57) ^ win[i % SHINGLE_WORDS];
        h = mix64(h);
        if (h % SAMPLE_MOD == 0) {
            XGROW(p->sketch, cap, p->n_sketch + 1);
            p->sketch[p->n_sketch++] = h;
        }
    }
    buf_free(&w);
    if (p->n_sketch) {
        qsort(p->sketch, p->n_sketch, sizeof *p->sketch, cmp_u64);
        size_t u = 1;
        for (size_t i = 1; i < p->n_sketch; i++)
            if (p->sketch[i] != p->sketch[u - 1])
                p->sketch[u++] = p->sketch[i];
        p->n_sketch = u;
    }
    p->lead = lead.data;
    p->lead_len = lead.len;
}

/* How rich the markup of text[start, end) is: curly quotes, emphasis
 * markers and explicit scene-break lines count for it; markup that lost
 * its brackets (`i word/i`, `/b`) counts against it. */
static int piece_richness(const char *t, size_t start, size_t end)
{
    long score = 0;
    size_t pos = start, line, line_end;
    uint8_t *cls = NULL;
    size_t cls_cap = 0;
    while (decode_next_line(t, end, &pos, &line, &line_end)) {
        size_t n = line_end - line;
        if (n == 0)
            continue;
        if (parse_is_break_line(t + line, n)) {
            score += 5;
            continue;
        }
        for (size_t i = line; i < line_end; i++) {
            unsigned char c = (unsigned char)t[i];
            if (c == 0xE2 && i + 2 < line_end && (unsigned char)t[i + 1] == 0x80) {
                unsigned char d = (unsigned char)t[i + 2];
                /* E2 80 xx is U+2000 + (xx & 0x3F) */
                if ((d & 0xC0) == 0x80 && uch_is_quote(0x2000 | (d & 0x3Fu), UCH_Q_CURLY))
                    score += 1;   /* ‘ ’ “ ” */
            } else if (c == '/' && i > line && i + 1 < line_end &&
                       strchr("ibu", t[i + 1]) &&
                       (i + 2 >= line_end || !norm_ascii_alnum(t[i + 2]))) {
                score -= 5;
            }
        }
        if (memchr(t + line, '*', n) || memchr(t + line, '_', n)) {
            if (n > cls_cap) {
                cls_cap = n;
                cls = xrealloc(cls, cls_cap);
            }
            markup_scan(t + line, n, cls);
            size_t hidden = 0;
            for (size_t i = 0; i < n; i++)
                if (cls[i] & MARKUP_HIDDEN)
                    hidden++;
            score += 3 * (long)(hidden / 2);
        }
    }
    free(cls);
    if (score > 1000000)
        score = 1000000;
    if (score < -1000000)
        score = -1000000;
    return (int)score;
}

static void piece_analyse(struct piece *p, const char *t, bool sketch)
{
    size_t from = p->body < p->back ? p->body : p->back;
    p->words = parse_count_words(t, from, p->back);
    p->richness = piece_richness(t, p->start, p->end);
    piece_fingerprint(p, t, from, p->back, lead_start(t, from, p->back), sketch);
}

/* Does text[from, to) hold a letter or digit? */
static bool has_word(const char *text, size_t from, size_t to)
{
    const uint8_t *t = (const uint8_t *)text;
    for (size_t i = from; i < to;) {
        if (t[i] < 0x80) {
            if (norm_ascii_alnum((char)t[i]))
                return true;
            i++;
            continue;
        }
        ucs4_t c;
        int k = u8_mbtouc(&c, t + i, to - i);
        if (uc_is_alpha(c) || uc_is_digit(c))
            return true;
        i += k > 0 ? (size_t)k : 1;
    }
    return false;
}

static const char *reject_reason(enum decode_reject why)
{
    switch (why) {
    case DECODE_EMPTY: return "empty";
    case DECODE_BINARY: return "binary";
    default: return "unreadable";
    }
}

/* --- index cache (cache.h): a file's results stored and restored ------ */

static void file_notes(struct build *b, const char *relpath, const struct source *src)
{
    if (src->invalid)
        note(b, "%s: %zu byte%s could not be decoded (shown as U+FFFD)", relpath,
             src->invalid, src->invalid == 1 ? "" : "s");
    if (src->enc == ENC_CP1252 || src->enc == ENC_UTF16LE || src->enc == ENC_UTF16BE)
        note(b, "%s: read as %s", relpath, decode_encoding_name(src->enc));
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* The file just added (the last of b->files), as the cache stores it. */
static void cache_store_file(struct build *b, const char *relpath, const struct cache_stamp *st)
{
    if (!b->cache)
        return;
    const struct lfile *f = &b->files[b->n_files - 1];
    struct cache_file cf = {
        .enc = f->src->enc, .len = f->src->len, .invalid = f->src->invalid,
        .crlf = f->src->crlf, .sketched = b->scan.n_files > 1, .title = dup_or_null(f->title),
        .author = dup_or_null(f->author), .n_pc = (size_t)f->n_pc,
    };
    cf.pc = xcalloc(cf.n_pc ? cf.n_pc : 1, sizeof *cf.pc);
    for (size_t i = 0; i < cf.n_pc; i++) {
        const struct piece *p = &b->pc[(size_t)f->first_piece + i];
        cf.pc[i] = (struct cache_piece){
            .start = p->start, .end = p->end, .front_end = p->front_end, .body = p->body,
            .back = p->back, .title_end = p->title_end,
            .title = dup_or_null(p->title), .number = p->number,
            .words = p->words, .richness = p->richness,
            .lead = xmalloc(p->lead_len + 1), .lead_len = p->lead_len,
            .n_sketch = p->n_sketch,
        };
        memcpy(cf.pc[i].lead, p->lead ? p->lead : "", p->lead_len);
        cf.pc[i].lead[p->lead_len] = '\0';
        if (p->n_sketch) {
            cf.pc[i].sketch = xmalloc(p->n_sketch * sizeof *p->sketch);
            memcpy(cf.pc[i].sketch, p->sketch, p->n_sketch * sizeof *p->sketch);
        }
    }
    cache_put(b->cache, relpath, st, &cf);
}

static void cache_store_skip(struct build *b, const char *relpath, const struct cache_stamp *st,
                             const char *why)
{
    if (!b->cache)
        return;
    struct cache_file cf = {.skip = xstrdup(why)};
    cache_put(b->cache, relpath, st, &cf);
}

/* Record that scan file sf was skipped for `why`. */
static void build_skip(struct build *b, const struct scan_file *sf, const char *why)
{
    scan_skip(&b->scan, sf->relpath, why);
    XGROW(b->skip_file, b->cap_skip_file, b->n_skip_file + 1);
    b->skip_file[b->n_skip_file++] = (size_t)(sf - b->scan.files);
}

/* Hand src (from scan file sf) to the library. */
static void build_add_src(struct build *b, const struct scan_file *sf, struct source *src)
{
    struct library *lib = b->lib;
    lib->src = xreallocarray(lib->src, lib->n_src + 1, sizeof *lib->src);
    XGROW(b->src_file, b->cap_src_file, lib->n_src + 1);
    b->src_file[lib->n_src] = (size_t)(sf - b->scan.files);
    lib->src[lib->n_src++] = src;
    file_notes(b, sf->relpath, src);
}

/* Add a file from its cache entry: the text is not read (a stub source,
 * read on first use by chapter_text / chapter_blocks). */
static void library_add_cached(struct build *b, const struct scan_file *sf,
                               const struct cache_file *cf, const struct cache_stamp *st)
{
    if (cf->skip) {
        build_skip(b, sf, cf->skip);
        return;
    }
    struct source *src = cache_stub_source(sf->path, cf, st);
    build_add_src(b, sf, src);
    XGROW(b->files, b->cap_files, b->n_files + 1);
    b->files[b->n_files] = (struct lfile){
        .src = src, .relpath = xstrdup(sf->relpath), .ini = sf->ini,
        .title = dup_or_null(cf->title), .author = dup_or_null(cf->author),
        .first_piece = (int)b->n_pc, .n_pc = (int)cf->n_pc, .group = -1,
    };
    XGROW(b->pc, b->cap_pc, b->n_pc + cf->n_pc);
    for (size_t i = 0; i < cf->n_pc; i++) {
        const struct cache_piece *c = &cf->pc[i];
        struct piece *p = &b->pc[b->n_pc++];
        *p = (struct piece){
            .start = c->start, .end = c->end, .front_end = c->front_end, .body = c->body,
            .back = c->back, .title_end = c->title_end,
            .title = dup_or_null(c->title), .number = c->number,
            .words = c->words, .richness = c->richness,
            .lead = xmalloc(c->lead_len + 1), .lead_len = c->lead_len,
            .n_sketch = c->n_sketch,
            .file = (int)b->n_files,
            .cluster = (int)(b->n_pc - 1), .next = -1, .cluster_size = 1,
        };
        memcpy(p->lead, c->lead, c->lead_len + 1);
        if (c->n_sketch) {
            p->sketch = xmalloc(c->n_sketch * sizeof *c->sketch);
            memcpy(p->sketch, c->sketch, c->n_sketch * sizeof *c->sketch);
        }
    }
    b->n_files++;
}

/* Read one candidate file and derive everything that depends on it alone.
 * Files decode rejects are recorded as skipped.  This is the function an
 * index cache replaces (per path, size and mtime). */
static void library_add_source(struct build *b, const struct scan_file *sf, struct source *src,
                               const struct cache_stamp *st);

static void library_add_file(struct build *b, const struct scan_file *sf)
{
    struct cache_stamp st;
    const struct cache_file *cf = cache_get(b->cache, sf->path, sf->relpath, &sf->st, &st);
    if (cf && !cf->skip && !cf->sketched && b->scan.n_files > 1)
        cf = NULL;    /* stored alone, without sketches: editions need them now */
    if (cf) {
        library_add_cached(b, sf, cf, &st);
        return;
    }
    enum decode_reject why = DECODE_OK;
    char *err = NULL;
    struct source *src = decode_open(sf->path, &why, &err);
    if (!src) {
        const char *reason = reject_reason(why);
        if (why == DECODE_ERROR && err) {
            /* err is "PATH: WHY"; keep WHY */
            size_t pl = strlen(sf->path);
            reason = strncmp(err, sf->path, pl) == 0 && err[pl] == ':' ? err + pl + 2 : err;
        }
        build_skip(b, sf, reason);
        if (why == DECODE_EMPTY || why == DECODE_BINARY)
            cache_store_skip(b, sf->relpath, &st, reason);
        else
            b->snap = false;   /* unreadable now: not a result to keep */
        free(err);
        return;
    }
    free(err);
    library_add_source(b, sf, src, &st);
}

/* Add a decoded file (the library takes src): split it into pieces. */
static void library_add_source(struct build *b, const struct scan_file *sf, struct source *src,
                               const struct cache_stamp *st)
{
    struct parse_result r;
    parse_text(src->text, src->len, &r);
    if (r.n_ch == 0) {
        build_skip(b, sf, "no words");
        cache_store_skip(b, sf->relpath, st, "no words");
        parse_result_free(&r);
        decode_free(src);
        return;
    }
    build_add_src(b, sf, src);
    if (r.one_chapter_why)
        note(b, "%s: %s", sf->relpath, r.one_chapter_why);

    XGROW(b->files, b->cap_files, b->n_files + 1);
    struct lfile *f = &b->files[b->n_files];
    *f = (struct lfile){
        .src = src,
        .relpath = xstrdup(sf->relpath),
        .ini = sf->ini,
        .title = r.title && *r.title ? xstrdup(r.title) : NULL,
        .author = r.author && *r.author ? xstrdup(r.author) : NULL,
        .first_piece = (int)b->n_pc,
        .n_pc = (int)r.n_ch,
        .group = -1,
    };
    XGROW(b->pc, b->cap_pc, b->n_pc + r.n_ch);
    size_t held = 0;   /* a heading with no words under it, joined to the next */
    bool holding = false;
    for (size_t i = 0; i < r.n_ch; i++) {
        const struct parse_chapter *c = &r.ch[i];
        bool empty = c->body >= c->back || c->back > src->len ||
                     !has_word(src->text, c->body, c->back);
        if (i + 1 < r.n_ch && empty) {
            if (!holding)
                held = i;
            holding = true;
            continue;
        }
        if (holding) {
            /* "Chapter 1" then "Prologue": one chapter from the first
             * heading on, named by the last */
            const struct parse_chapter *h = &r.ch[held];
            struct parse_chapter *m = &r.ch[i];
            m->start = h->start;
            m->front_end = h->front_end;
            if (!m->title || !*m->title) {
                for (size_t j = i; j-- > held;)
                    if (r.ch[j].title && *r.ch[j].title) {
                        free(m->title);
                        m->title = xstrdup(r.ch[j].title);
                        break;
                    }
            }
            if (m->number == PARSE_NO_NUMBER)
                m->number = h->number;
            holding = false;
            f->n_pc -= (int)(i - held);
        }
        bool first_piece = b->n_pc == 0 || b->pc[b->n_pc - 1].file != (int)b->n_files;
        struct piece *p = &b->pc[b->n_pc++];
        *p = (struct piece){
            .start = c->start, .end = c->end, .front_end = c->front_end,
            .body = c->body, .back = c->back,
            .title = c->title && *c->title ? xstrdup(c->title) : NULL,
            .number = c->number,
            .file = (int)b->n_files,
            .cluster = (int)(b->n_pc - 1), .next = -1, .cluster_size = 1,
        };
        /* The file's announcement lines (title, author, metadata) before
         * its first chapter stay in that chapter as front matter: no word
         * of a file is ever left out of what the reader can see. */
        p->title_end = p->start;
        if (first_piece)
            p->start = 0;
        /* Guard the invariants the rest relies on. */
        if (p->end > src->len)
            p->end = src->len;
        if (p->start > p->end)
            p->start = p->end;
        if (p->front_end < p->start || p->front_end > p->end)
            p->front_end = p->start;
        if (p->body < p->front_end || p->body > p->end)
            p->body = p->front_end;
        if (p->back < p->body || p->back > p->end)
            p->back = p->end;
        if (p->title_end < p->start || p->title_end > p->front_end)
            p->title_end = p->start;
        piece_analyse(p, src->text, b->scan.n_files > 1);
    }
    b->n_files++;
    parse_result_free(&r);
    cache_store_file(b, sf->relpath, st);
}

/* ---------------------------------------------------------------------
 * story.ini */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static void ini_read(struct build *b, size_t idx)
{
    const struct scan_ini *si = &b->scan.ini[idx];
    struct ini *ini = &b->ini[idx];
    char *err = NULL;
    size_t len;
    char *text = read_file(si->path, &len, &err);
    const char *shown = si->path;
    char *rel = strcmp(si->dir, ".") == 0 ? xstrdup("story.ini") : xasprintf("%s/story.ini", si->dir);
    shown = rel;
    if (!text) {
        note(b, "%s: %s (story.ini ignored)", shown, err ? err : "unreadable");
        free(err);
        free(rel);
        return;
    }
    char *s = text;
    if ((unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF)
        s += 3;
    int lineno = 0;
    while (s && *s) {
        char *nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        char *line = trim(s);
        s = nl ? nl + 1 : NULL;
        if (!*line || *line == '#' || *line == ';' || *line == '[')
            continue;
        char *eq = strchr(line, '=');
        if (!eq || eq == line) {
            note(b, "%s:%d: not a `key = value` line (ignored)", shown, lineno);
            continue;
        }
        *eq = '\0';
        char *key = trim(line), *val = trim(eq + 1);
        if (strcmp(key, "title") == 0) {
            free(ini->title);
            ini->title = xstrdup(val);
        } else if (strcmp(key, "author") == 0) {
            free(ini->author);
            ini->author = xstrdup(val);
        } else if (strcmp(key, "order") == 0) {
            ini->has_order = true;
            /* names separated by spaces; "double quotes" keep spaces */
            char *p = val;
            while (*p) {
                while (*p == ' ' || *p == '\t')
                    p++;
                if (!*p)
                    break;
                char *startp, *endp;
                if (*p == '"') {
                    startp = ++p;
                    endp = strchr(p, '"');
                    if (!endp) {
                        note(b, "%s:%d: unclosed quote in order", shown, lineno);
                        endp = p + strlen(p);
                    }
                    p = *endp ? endp + 1 : endp;
                } else {
                    startp = p;
                    while (*p && *p != ' ' && *p != '\t')
                        p++;
                    endp = p;
                }
                ini->order = xreallocarray(ini->order, ini->n_order + 1, sizeof *ini->order);
                ini->order[ini->n_order++] = xstrndup(startp, (size_t)(endp - startp));
            }
        } else {
            note(b, "%s:%d: unknown key '%s' (ignored)", shown, lineno, key);
        }
    }
    free(text);
    free(rel);
}

static void ini_free(struct ini *ini)
{
    free(ini->title);
    free(ini->author);
    for (size_t i = 0; i < ini->n_order; i++)
        free(ini->order[i]);
    free(ini->order);
}

/* ---------------------------------------------------------------------
 * Grouping */

static int group_new(struct build *b, int ini, char *tkey, bool loose)
{
    XGROW(b->groups, b->cap_groups, b->n_groups + 1);
    b->groups[b->n_groups] = (struct group){ini, tkey, loose, (int)b->n_groups};
    return (int)b->n_groups++;
}

static int group_find(struct build *b, int g)
{
    while (b->groups[g].parent != g) {
        b->groups[g].parent = b->groups[b->groups[g].parent].parent;
        g = b->groups[g].parent;
    }
    return g;
}

struct tkey {
    char *key;      /* folded "title\x1fauthor" */
    int file;
    int group;
};

static int cmp_tkey(const void *p, const void *q)
{
    const struct tkey *x = p, *y = q;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->file > y->file) - (x->file < y->file);
}

/* Give the sorted keys k[0..n) groups, one per distinct key; the groups own
 * the keys (duplicates are freed). */
static void group_runs(struct build *b, struct tkey *k, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && strcmp(k[j].key, k[i].key) == 0)
            j++;
        int g = k[i].group >= 0 ? k[i].group : group_new(b, -1, k[i].key, false);
        for (size_t m = i; m < j; m++) {
            b->files[k[m].file].group = g;
            if (m > i || k[i].group >= 0)
                free(k[m].key);
            k[m].key = b->groups[g].tkey;
            k[m].group = g;
        }
        i = j;
    }
}

static void group_files(struct build *b)
{
    /* story.ini folders first: one group each */
    int *ini_group = xmalloc((b->scan.n_ini + 1) * sizeof *ini_group);
    for (size_t i = 0; i < b->scan.n_ini; i++)
        ini_group[i] = -1;
    struct tkey *full = xmalloc((b->n_files + 1) * sizeof *full);
    struct tkey *bare = xmalloc((b->n_files + 1) * sizeof *bare);
    size_t nfull = 0, nbare = 0;
    for (size_t i = 0; i < b->n_files; i++) {
        struct lfile *f = &b->files[i];
        if (f->ini >= 0) {
            if (ini_group[f->ini] < 0)
                ini_group[f->ini] = group_new(b, f->ini, NULL, false);
            f->group = ini_group[f->ini];
        } else if (f->title) {
            char *ft = fold_string(f->title), *fa = f->author ? fold_string(f->author) : NULL;
            char *key = xasprintf("%s\x1f%s", ft, fa ? fa : "");
            if (fa)
                full[nfull++] = (struct tkey){key, (int)i, -1};
            else
                bare[nbare++] = (struct tkey){key, (int)i, -1};
            free(ft);
            free(fa);
        }
    }
    /* announced stories: one per (folded title, folded author) */
    if (nfull)
        qsort(full, nfull, sizeof *full, cmp_tkey);
    group_runs(b, full, nfull);
    /* A title without an author joins the one story with that title, if
     * there is exactly one; else the title-only files form a story. */
    if (nbare)
        qsort(bare, nbare, sizeof *bare, cmp_tkey);
    for (size_t i = 0; i < nbare; i++) {
        if (i && strcmp(bare[i].key, bare[i - 1].key) == 0) {
            bare[i].group = bare[i - 1].group;
            continue;
        }
        size_t kl = strlen(bare[i].key), lo = 0, hi = nfull;
        while (lo < hi) {   /* first full key >= the title's prefix */
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(full[mid].key, bare[i].key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        int g = -1;
        size_t distinct = 0;
        for (size_t j = lo; j < nfull && strncmp(full[j].key, bare[i].key, kl) == 0; j++)
            if (full[j].group != g) {
                g = full[j].group;
                distinct++;
            }
        bare[i].group = distinct == 1 ? g : -1;
    }
    group_runs(b, bare, nbare);
    free(full);
    free(bare);
    /* Files that announce nothing: each its own story for now. */
    for (size_t i = 0; i < b->n_files; i++) {
        struct lfile *f = &b->files[i];
        if (f->group < 0)
            f->group = group_new(b, -1, NULL, f->n_pc == 1);
    }
    free(ini_group);
}

/* ---------------------------------------------------------------------
 * Editions */

/* An open-addressing map from a pair of piece indexes to a shared count. */
struct pairmap {
    uint64_t *keys;   /* (a << 32 | b) + 1; 0 = empty */
    uint32_t *vals;
    size_t cap, n;
};

static uint64_t pair_key(size_t a, size_t b)
{
    if (a > b) {
        size_t t = a;
        a = b;
        b = t;
    }
    return (((uint64_t)a << 32) | (uint64_t)b) + 1;
}

static void pairmap_grow(struct pairmap *m);

/* The count for key, inserted as 0 when new. */
static uint32_t *pairmap_slot(struct pairmap *m, uint64_t key)
{
    if ((m->n + 1) * 2 > m->cap)
        pairmap_grow(m);
    size_t i = (size_t)mix64(key) & (m->cap - 1);
    while (m->keys[i]) {
        if (m->keys[i] == key)
            return &m->vals[i];
        i = (i + 1) & (m->cap - 1);
    }
    m->keys[i] = key;
    m->vals[i] = 0;
    m->n++;
    return &m->vals[i];
}

static void pairmap_grow(struct pairmap *m)
{
    struct pairmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 1024;
    m->keys = xcalloc(m->cap, sizeof *m->keys);
    m->vals = xcalloc(m->cap, sizeof *m->vals);
    m->n = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i])
            *pairmap_slot(m, old.keys[i]) = old.vals[i];
    free(old.keys);
    free(old.vals);
}

static uint32_t pairmap_get(const struct pairmap *m, size_t a, size_t b)
{
    if (!m->cap)
        return 0;
    uint64_t key = pair_key(a, b);
    for (size_t i = (size_t)mix64(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (m->keys[i] == key)
            return m->vals[i];
    return 0;
}

/* A posting is one sampled hash of one piece, packed in 64 bits: the top
 * 40 bits of the hash over the piece index (PIECE_BITS).  Eight bytes, not
 * sixteen: the postings of a large library are its biggest allocation. */
#define PIECE_BITS 24
#define POST_PIECE(w) ((size_t)((w) & ((UINT64_C(1) << PIECE_BITS) - 1)))
#define POST_HASH(w) ((w) >> PIECE_BITS)

/* Sort postings: LSD radix sort, 16 bits a pass, so equal hashes end up
 * together with their pieces in increasing order. */
static void sort_postings(uint64_t *p, size_t n)
{
    uint64_t *tmp = xmalloc((n ? n : 1) * sizeof *tmp);
    size_t *count = xmalloc(65536 * sizeof *count);
    for (int shift = 0; shift < 64; shift += 16) {
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(p[i] >> shift) & 0xffff]++;
        size_t sum = 0;
        for (size_t i = 0; i < 65536; i++) {
            size_t c = count[i];
            count[i] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(p[i] >> shift) & 0xffff]++] = p[i];
        uint64_t *t = p;   /* the sorted copy becomes the input: no copy back */
        p = tmp;
        tmp = t;
    }
    /* Four passes: the result is back in the caller's array. */
    free(count);
    free(tmp);
}

/* Containment of the smaller sample set in the larger, 0 when the pair is
 * too small or too lopsided to judge. */
static double pair_score(const struct build *b, const struct pairmap *m, size_t x, size_t y)
{
    size_t nx = b->pc[x].n_sketch, ny = b->pc[y].n_sketch;
    size_t lo = nx < ny ? nx : ny, hi = nx < ny ? ny : nx;
    if (lo < MATCH_MIN || (double)lo < MATCH_RATIO * (double)hi)
        return 0;
    return (double)pairmap_get(m, x, y) / (double)lo;
}

/* What decides whether a piece may be an edition of another: its file, its
 * file's group, and whether that group is a loose file. */
struct pinfo {
    uint32_t file;
    int32_t group;
    bool loose;
};

static struct pinfo piece_info(const struct build *b, size_t x)
{
    const struct lfile *f = &b->files[b->pc[x].file];
    return (struct pinfo){(uint32_t)b->pc[x].file, f->group, b->groups[f->group].loose};
}

/* May pieces x and y be editions of one chapter?  Not when they come from
 * one file; not when they belong to two different announced stories. */
static bool infos_eligible(const struct pinfo *x, const struct pinfo *y)
{
    return x->file != y->file && (x->group == y->group || x->loose || y->loose);
}

static bool pair_eligible(struct build *b, size_t x, size_t y)
{
    struct pinfo px = piece_info(b, x), py = piece_info(b, y);
    return infos_eligible(&px, &py);
}

struct cand {
    double score;
    uint32_t a, b;
};

static int cmp_cand(const void *p, const void *q)
{
    const struct cand *x = p, *y = q;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return x->b < y->b ? -1 : x->b > y->b;
}

static void match_editions(struct build *b)
{
    size_t total = 0;
    for (size_t i = 0; i < b->n_pc; i++)
        total += b->pc[i].n_sketch;
    if (b->n_pc < 2 || b->n_files < 2 || total == 0)
        return;     /* editions come from two files */
    if (b->n_pc >= (size_t)1 << PIECE_BITS) {
        note(b, "%zu chapters: too many to look for duplicate editions", b->n_pc);
        return;
    }
    uint64_t *post = xmalloc(total * sizeof *post);
    size_t k = 0;
    for (size_t i = 0; i < b->n_pc; i++)
        for (size_t j = 0; j < b->pc[i].n_sketch; j++)
            post[k++] = (b->pc[i].sketch[j] >> PIECE_BITS << PIECE_BITS) | (uint64_t)i;
    sort_postings(post, total);

    /* Every piece's pinfo side by side: the loop below asks
     * infos_eligible millions of times in a large library. */
    struct pinfo *pi = xmalloc(b->n_pc * sizeof *pi);
    for (size_t i = 0; i < b->n_pc; i++)
        pi[i] = piece_info(b, i);
    struct pairmap m = {0};
    for (size_t i = 0; i < total;) {
        size_t j = i + 1;
        while (j < total && POST_HASH(post[j]) == POST_HASH(post[i]))
            j++;
        if (j - i >= 2 && j - i <= POSTING_MAX)
            for (size_t x = i; x < j; x++) {
                const struct pinfo *px = &pi[POST_PIECE(post[x])];
                for (size_t y = x + 1; y < j; y++) {
                    const struct pinfo *py = &pi[POST_PIECE(post[y])];
                    if (infos_eligible(px, py))
                        (*pairmap_slot(&m, pair_key(POST_PIECE(post[x]), POST_PIECE(post[y]))))++;
                }
            }
        i = j;
    }
    free(pi);
    free(post);

    struct cand *cands = NULL;
    size_t n_cands = 0, cap_cands = 0;
    for (size_t i = 0; i < m.cap; i++) {
        if (!m.keys[i])
            continue;
        uint64_t key = m.keys[i] - 1;
        size_t x = (size_t)(key >> 32), y = (size_t)(key & 0xffffffffu);
        double s = pair_score(b, &m, x, y);
        if (s >= MATCH_CONTAIN && pair_eligible(b, x, y)) {
            XGROW(cands, cap_cands, n_cands + 1);
            cands[n_cands++] = (struct cand){s, (uint32_t)x, (uint32_t)y};
        }
    }
    if (n_cands)
        qsort(cands, n_cands, sizeof *cands, cmp_cand);

    /* Greedy complete-linkage: two clusters join only when every pair
     * across them is an eligible match. */
    for (size_t c = 0; c < n_cands; c++) {
        int ra = b->pc[cands[c].a].cluster, rb = b->pc[cands[c].b].cluster;
        if (ra == rb)
            continue;
        bool ok = true;
        for (int x = ra; x >= 0 && ok; x = b->pc[x].next)
            for (int y = rb; y >= 0 && ok; y = b->pc[y].next)
                ok = pair_eligible(b, (size_t)x, (size_t)y) &&
                     pair_score(b, &m, (size_t)x, (size_t)y) >= MATCH_CONTAIN;
        if (!ok)
            continue;
        int tail = ra;
        while (b->pc[tail].next >= 0)
            tail = b->pc[tail].next;
        b->pc[tail].next = rb;
        for (int y = rb; y >= 0; y = b->pc[y].next)
            b->pc[y].cluster = ra;
        b->pc[ra].cluster_size += b->pc[rb].cluster_size;
    }
    free(cands);
    free(m.keys);
    free(m.vals);

    /* Stories joined by shared chapters: a loose file goes to the announced
     * story (or story.ini folder) of its cluster, else the loose files of a
     * cluster become one story. */
    for (size_t i = 0; i < b->n_pc; i++) {
        if (b->pc[i].cluster != (int)i || b->pc[i].cluster_size < 2)
            continue;
        int target = -1;
        for (int x = (int)i; x >= 0; x = b->pc[x].next) {
            int g = b->files[b->pc[x].file].group;
            if (!b->groups[g].loose) {
                target = group_find(b, g);
                break;
            }
        }
        for (int x = (int)i; x >= 0; x = b->pc[x].next) {
            int g = group_find(b, b->files[b->pc[x].file].group);
            if (target < 0)
                target = g;
            else if (g != target && b->groups[b->files[b->pc[x].file].group].loose)
                b->groups[g].parent = target;
        }
    }
}

/* ---------------------------------------------------------------------
 * Building stories */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* File name without folder and extension, malloc'd. */
static char *name_of_file(const char *relpath)
{
    const char *base = base_name(relpath);
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return xstrndup(base, n);
}

static char *dir_of(const char *relpath)
{
    const char *s = strrchr(relpath, '/');
    return s ? xstrndup(relpath, (size_t)(s - relpath)) : xstrdup(".");
}

struct forder {
    int file;
    long rank;      /* final order */
    int number;     /* first heading number, or PARSE_NO_NUMBER */
    int rep;        /* edition cluster of that numbered chapter */
};

static _Thread_local struct build *sort_ctx;   /* qsort has no context argument */

static int cmp_file_name(const void *p, const void *q)
{
    const struct forder *x = p, *y = q;
    const char *a = sort_ctx->files[x->file].relpath, *b = sort_ctx->files[y->file].relpath;
    int c = natcmp(a, b);
    return c ? c : strcmp(a, b);
}

static int cmp_number(const void *p, const void *q)
{
    const struct forder *x = p, *y = q;
    if (x->number != y->number)
        return x->number < y->number ? -1 : 1;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static int cmp_rank(const void *p, const void *q)
{
    const struct forder *x = p, *y = q;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* Order the files of one story: by story.ini `order` first (listed files in
 * that order, the rest after), then — among the rest — by heading number
 * where files have one (a prologue first, an epilogue last), keeping the
 * natural file-name order for files without numbers. */
static void order_files(struct build *b, struct forder *fo, size_t n, const struct ini *ini,
                        const char *ini_dir)
{
    sort_ctx = b;
    qsort(fo, n, sizeof *fo, cmp_file_name);
    for (size_t i = 0; i < n; i++) {
        fo[i].rank = (long)i;
        const struct lfile *f = &b->files[fo[i].file];
        fo[i].number = PARSE_NO_NUMBER;
        for (int k = 0; k < f->n_pc; k++)
            if (b->pc[f->first_piece + k].number != PARSE_NO_NUMBER) {
                fo[i].number = b->pc[f->first_piece + k].number;
                fo[i].rep = b->pc[f->first_piece + k].cluster;
                break;
            }
    }
    /* Heading numbers: numbered files take the numbered files' slots in
     * number order; prologues move to the front, epilogues to the end. */
    size_t nn = 0;
    for (size_t i = 0; i < n; i++)
        if (fo[i].number != PARSE_NO_NUMBER)
            nn++;
    if (nn > 1) {
        struct forder *num = xmalloc(nn * sizeof *num);
        size_t *slot = xmalloc(nn * sizeof *slot);
        size_t j = 0;
        for (size_t i = 0; i < n; i++)
            if (fo[i].number != PARSE_NO_NUMBER) {
                slot[j] = i;
                num[j++] = fo[i];
            }
        qsort(num, nn, sizeof *num, cmp_number);
        /* Two files both opening with, say, chapter 1 (book1/ch1.txt,
         * book2/ch1.txt) that are not editions of one chapter: the numbers
         * restart, so they cannot order the files; names do. */
        size_t clash = nn;
        for (j = 1; j < nn && clash == nn; j++)
            if (num[j].number == num[j - 1].number && num[j].rep != num[j - 1].rep &&
                num[j].number != PARSE_PROLOGUE && num[j].number < PARSE_EPILOGUE)
                clash = j;
        if (clash == nn)
            for (j = 0; j < nn; j++)
                fo[slot[j]] = num[j];
        else
            note(b, "%s, %s: both open with chapter %d; ordered by file name",
                 b->files[num[clash - 1].file].relpath, b->files[num[clash].file].relpath,
                 num[clash].number);
        free(num);
        free(slot);
    }
    for (size_t i = 0; i < n; i++) {
        fo[i].rank = (long)i + (long)n;
        if (fo[i].number == PARSE_PROLOGUE)
            fo[i].rank = (long)i;
        else if (fo[i].number >= PARSE_EPILOGUE)
            fo[i].rank = (long)i + 2 * (long)n;
    }
    /* story.ini order wins over everything. */
    if (ini && ini->has_order) {
        size_t dl = strcmp(ini_dir, ".") == 0 ? 0 : strlen(ini_dir) + 1;
        for (size_t k = 0; k < ini->n_order; k++) {
            const char *want = ini->order[k];
            long hit = -1;
            for (size_t i = 0; i < n && hit < 0; i++)
                if (strcmp(b->files[fo[i].file].relpath + dl, want) == 0)
                    hit = (long)i;
            for (size_t i = 0; i < n && hit < 0; i++)
                if (strcmp(base_name(b->files[fo[i].file].relpath), want) == 0)
                    hit = (long)i;
            if (hit < 0) {
                note(b, "%s%sstory.ini: order names '%s', which is not a text file here",
                     dl ? ini_dir : "", dl ? "/" : "", want);
                continue;
            }
            if (fo[hit].rank < 0)
                continue;   /* listed twice: the first place counts */
            fo[hit].rank = -(long)(ini->n_order - k) - 1;
        }
        for (size_t i = 0; i < n; i++)
            if (fo[i].rank >= 0)
                note(b, "%s: not in its story.ini order; placed after the listed files",
                     b->files[fo[i].file].relpath);
    }
    qsort(fo, n, sizeof *fo, cmp_rank);
    for (size_t i = 0; i < n; i++)
        fo[i].rank = (long)i;
}

/* Ordering of editions: richest first, then larger, then by path. */
static int cmp_edition(const void *p, const void *q)
{
    const struct edition *x = p, *y = q;
    if (x->richness != y->richness)
        return x->richness > y->richness ? -1 : 1;
    size_t lx = x->end - x->start, ly = y->end - y->start;
    if (lx != ly)
        return lx > ly ? -1 : 1;
    int c = natcmp(x->relpath, y->relpath);
    if (c)
        return c;
    c = strcmp(x->relpath, y->relpath);
    if (c)
        return c;
    return x->start < y->start ? -1 : x->start > y->start;
}

struct cpos {
    int rep;        /* cluster representative piece */
    long rank;      /* file rank * 2^20 + piece index in file */
};

static int cmp_cpos(const void *p, const void *q)
{
    const struct cpos *x = p, *y = q;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->rep < y->rep ? -1 : x->rep > y->rep;
}

/* The piece whose edition is ed (same file, same start). */
static const struct piece *piece_of(struct build *b, int rep, const struct edition *ed)
{
    for (int x = rep; x >= 0; x = b->pc[x].next)
        if (b->files[b->pc[x].file].src == ed->src && b->pc[x].start == ed->start)
            return &b->pc[x];
    return &b->pc[rep];
}

/* Build story s from group g, whose files are files[0..nf). */
static void build_story(struct build *b, int g, const int *files, size_t nf, struct story *s)
{
    struct forder *fo = xmalloc((nf ? nf : 1) * sizeof *fo);
    for (size_t i = 0; i < nf; i++)
        fo[i] = (struct forder){files[i], 0, PARSE_NO_NUMBER, -1};
    int ini_idx = b->groups[g].ini;
    const struct ini *ini = ini_idx >= 0 ? &b->ini[ini_idx] : NULL;
    const char *ini_dir = ini_idx >= 0 ? b->scan.ini[ini_idx].dir : ".";
    order_files(b, fo, nf, ini, ini_dir);

    /* chapters: clusters, placed at their earliest edition */
    struct cpos *cp = NULL;
    size_t nc = 0;
    for (size_t i = 0; i < nf; i++) {
        const struct lfile *f = &b->files[fo[i].file];
        for (int k = 0; k < f->n_pc; k++) {
            int p = f->first_piece + k;
            int rep = b->pc[p].cluster;
            long r = fo[i].rank * (1L << 20) + k;
            int j = b->slot[rep];
            if (j < 0) {
                cp = xreallocarray(cp, nc + 1, sizeof *cp);
                b->slot[rep] = (int)nc;
                cp[nc++] = (struct cpos){rep, r};
            } else if (r < cp[j].rank) {
                cp[j].rank = r;
            }
        }
    }
    for (size_t c = 0; c < nc; c++)
        b->slot[cp[c].rep] = -1;
    if (nc)
        qsort(cp, nc, sizeof *cp, cmp_cpos);

    s->n_ch = nc;
    s->ch = xcalloc(nc ? nc : 1, sizeof *s->ch);
    size_t base = 0;
    const struct piece *id_lead = NULL;   /* the lead chapter 1's key comes from */
    for (size_t c = 0; c < nc; c++) {
        struct chapter *ch = &s->ch[c];
        int rep = cp[c].rep;
        ch->n_ed = b->pc[rep].cluster_size;
        ch->ed = xcalloc(ch->n_ed, sizeof *ch->ed);
        size_t e = 0;
        for (int x = rep; x >= 0 && e < ch->n_ed; x = b->pc[x].next, e++) {
            const struct piece *p = &b->pc[x];
            const struct lfile *f = &b->files[p->file];
            ch->ed[e] = (struct edition){
                .src = f->src, .relpath = xstrdup(f->relpath),
                .start = p->start, .end = p->end, .front_end = p->front_end,
                .body = p->body, .back = p->back, .title_end = p->title_end,
                .richness = p->richness,
            };
        }
        ch->n_ed = e;
        qsort(ch->ed, ch->n_ed, sizeof *ch->ed, cmp_edition);
        const struct piece *pref = piece_of(b, rep, &ch->ed[0]);
        const char *title = pref->title;
        for (int x = rep; !title && x >= 0; x = b->pc[x].next)
            title = b->pc[x].title;
        ch->title = title ? xstrdup(title) : xasprintf("Chapter %zu", c + 1);
        ch->number = pref->number;
        ch->words = pref->words;
        ch->base = base;
        base += ch->ed[0].end - ch->ed[0].start;
        /* key: the lead most editions share (ties: the smallest key) */
        char best[17] = "";
        size_t best_votes = 0;
        for (int x = rep; x >= 0; x = b->pc[x].next) {
            char k[17];
            hex16(fnv1a(FNV_OFFSET, b->pc[x].lead, b->pc[x].lead_len), k);
            size_t votes = 0;
            for (int y = rep; y >= 0; y = b->pc[y].next)
                if (b->pc[y].lead_len == b->pc[x].lead_len &&
                    memcmp(b->pc[y].lead, b->pc[x].lead, b->pc[x].lead_len) == 0)
                    votes++;
            if (votes > best_votes || (votes == best_votes && strcmp(k, best) < 0)) {
                best_votes = votes;
                if (c == 0)
                    id_lead = &b->pc[x];
                memcpy(best, k, sizeof best);
            }
        }
        memcpy(ch->key, best, sizeof ch->key);
    }
    s->total = base;

    /* title and author: the form most files announce (ties: the first in
     * reading order) */
    const struct lfile *first = NULL, *first_author = NULL;
    size_t best_t = 0, best_a = 0;
    for (size_t i = 0; i < nf; i++) {
        const struct lfile *f = &b->files[fo[i].file];
        size_t vt = 0, va = 0;
        for (size_t j = 0; j < nf; j++) {
            const struct lfile *o = &b->files[fo[j].file];
            if (f->title && o->title && strcmp(f->title, o->title) == 0)
                vt++;
            if (f->author && o->author && strcmp(f->author, o->author) == 0)
                va++;
        }
        if (vt > best_t) {
            best_t = vt;
            first = f;
        }
        if (va > best_a) {
            best_a = va;
            first_author = f;
        }
    }
    bool named_by_file = false;
    if (ini && ini->title && *ini->title) {
        s->title = xstrdup(ini->title);
    } else if (first) {
        s->title = xstrdup(first->title);
    } else if (ini) {
        const char *dir = b->scan.ini[ini_idx].dir;
        s->title = strcmp(dir, ".") == 0 ? name_of_file(b->lib->root) : xstrdup(base_name(dir));
        named_by_file = true;
    } else {
        s->title = nc ? name_of_file(s->ch[0].ed[0].relpath) : xstrdup("?");
        named_by_file = true;
    }
    if (!*s->title) {
        free(s->title);
        s->title = xstrdup("(untitled)");
    }
    if (ini && ini->author)
        s->author = xstrdup(ini->author);
    else if (first_author)
        s->author = xstrdup(first_author->author);
    else
        s->author = xstrdup("");
    if (ini)
        s->dir = xstrdup(b->scan.ini[ini_idx].dir);
    else
        s->dir = nc ? dir_of(s->ch[0].ed[0].relpath) : xstrdup(".");

    /* identity: title and author as the text (or story.ini) gives them —
     * not a file name — and the opening of the first chapter */
    char *nt = named_by_file ? xstrdup("") : norm_string(s->title);
    char *na = norm_string(s->author);
    uint64_t h = fnv1a(FNV_OFFSET, nt, strlen(nt) + 1);
    h = fnv1a(h, na, strlen(na) + 1);
    if (id_lead) {
        h = fnv1a(h, id_lead->lead, id_lead->lead_len);
    }
    hex16(h, s->id);
    free(nt);
    free(na);

    for (size_t c = 0; c < nc; c++) {
        const struct chapter *ch = &s->ch[c];
        if (ch->n_ed < 2)
            continue;
        struct buf others = {0};
        for (size_t i = 1; i < ch->n_ed; i++)
            buf_printf(&others, "%s%s", i > 1 ? ", " : "", ch->ed[i].relpath);
        note(b, "%s: chapter %zu has %zu editions: %s (shown), %s", s->title, c + 1, ch->n_ed,
             ch->ed[0].relpath, others.data);
        buf_free(&others);
    }
    /* loose files that joined by their text */
    for (size_t i = 0; i < nf; i++) {
        const struct lfile *f = &b->files[fo[i].file];
        if (f->group != g && b->groups[f->group].loose &&
            !(named_by_file && nc && strcmp(f->relpath, s->ch[0].ed[0].relpath) == 0))
            note(b, "%s: names no story; its text is a chapter of '%s', so it joins it", f->relpath,
                 s->title);
    }
    free(fo);
    free(cp);
}

static int cmp_story(const void *p, const void *q)
{
    const struct story *x = p, *y = q;
    int c = natcmp(x->title, y->title);
    if (!c)
        c = strcmp(x->title, y->title);
    if (!c)
        c = natcmp(x->author, y->author);
    if (!c)
        c = strcmp(x->id, y->id);
    if (!c)
        c = strcmp(x->dir, y->dir);
    return c;
}

static void build_free(struct build *b)
{
    for (size_t i = 0; i < b->n_files; i++) {
        free(b->files[i].relpath);
        free(b->files[i].title);
        free(b->files[i].author);
    }
    free(b->files);
    for (size_t i = 0; i < b->n_pc; i++) {
        free(b->pc[i].title);
        free(b->pc[i].lead);
        free(b->pc[i].sketch);
    }
    free(b->pc);
    for (size_t i = 0; i < b->n_groups; i++)
        free(b->groups[i].tkey);
    free(b->groups);
    if (b->ini)
        for (size_t i = 0; i < b->scan.n_ini; i++)
            ini_free(&b->ini[i]);
    free(b->ini);
    free(b->slot);
    free(b->src_file);
    free(b->skip_file);
    scan_result_free(&b->scan);
}

static struct library *library_build(struct build *bp);

struct library *library_open(const char *root, char **err)
{
    struct build b = {0};
    if (scan_tree(root, &b.scan, err) != 0)
        return NULL;
    b.digest = snapshot_digest(root, &b.scan, &b.snap);
    struct library *lib = snapshot_load(root, &b.scan, b.digest);
    if (lib) {
        scan_result_free(&b.scan);
        return lib;
    }
    lib = xcalloc(1, sizeof *lib);
    lib->root = xstrdup(root);
    b.lib = lib;
    b.first_skip = b.scan.n_skipped;
    b.ini = xcalloc(b.scan.n_ini + 1, sizeof *b.ini);
    for (size_t i = 0; i < b.scan.n_ini; i++)
        ini_read(&b, i);
    b.cache = cache_open(root);
    for (size_t i = 0; i < b.scan.n_files; i++)
        library_add_file(&b, &b.scan.files[i]);
    cache_save(b.cache, NULL);   /* best effort: a cache that can't be written is no error */
    cache_free(b.cache);
    b.cache = NULL;
    return library_build(&b);
}

/* The stories of the files added to b (grouped, ordered, editions matched);
 * frees b's scratch. */
static struct library *library_build(struct build *bp)
{
    struct build b = *bp;
    struct library *lib = b.lib;
    group_files(&b);
    match_editions(&b);

    /* files bucketed by their final group (counting sort, file order kept) */
    size_t *count = xcalloc(b.n_groups + 1, sizeof *count);
    int *bucket = xmalloc((b.n_files ? b.n_files : 1) * sizeof *bucket);
    for (size_t i = 0; i < b.n_files; i++)
        count[group_find(&b, b.files[i].group) + 1]++;
    size_t ns = 0;
    for (size_t g = 0; g < b.n_groups; g++) {
        ns += count[g + 1] > 0;
        count[g + 1] += count[g];
    }
    size_t *fill = xmalloc((b.n_groups + 1) * sizeof *fill);
    memcpy(fill, count, (b.n_groups + 1) * sizeof *fill);
    for (size_t i = 0; i < b.n_files; i++)
        bucket[fill[group_find(&b, b.files[i].group)]++] = (int)i;
    b.slot = xmalloc((b.n_pc ? b.n_pc : 1) * sizeof *b.slot);
    for (size_t i = 0; i < b.n_pc; i++)
        b.slot[i] = -1;
    lib->stories = xcalloc(ns ? ns : 1, sizeof *lib->stories);
    for (size_t g = 0; g < b.n_groups; g++)
        if (count[g + 1] > count[g])
            build_story(&b, (int)g, bucket + count[g], count[g + 1] - count[g],
                        &lib->stories[lib->n_stories++]);
    free(count);
    free(fill);
    free(bucket);
    qsort(lib->stories, lib->n_stories, sizeof *lib->stories, cmp_story);

    /* story.ini folders that hold no text */
    bool *used = xcalloc(b.scan.n_ini + 1, sizeof *used);
    for (size_t f = 0; f < b.n_files; f++)
        if (b.files[f].ini >= 0)
            used[b.files[f].ini] = true;
    for (size_t i = 0; i < b.scan.n_ini; i++)
        if (!used[i])
            note(&b, "%s: a story.ini folder without text files", b.scan.ini[i].dir);
    free(used);

    /* hand the skipped list over */
    lib->skipped = b.scan.skipped;
    lib->n_skipped = b.scan.n_skipped;
    b.scan.skipped = NULL;
    b.scan.n_skipped = b.scan.cap_skipped = 0;
    if (b.snap) {
        struct snapshot_origin o = {b.src_file, b.skip_file, b.first_skip};
        snapshot_save(lib->root, b.digest, lib, &o, NULL);   /* best effort */
    }
    build_free(&b);
    return lib;
}

/* bytes[0, n) cut back to the end of its last whole line, in the encoding
 * its first bytes show: after a UTF-16 BOM a line ends with a LF code unit
 * (never half of one); else with a LF byte (UTF-8 and Windows-1252 alike).
 * 0 when no line ends in it. */
static size_t head_whole_lines(const unsigned char *b, size_t n)
{
    if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
        size_t lo = b[0] == 0xFF ? 0 : 1;   /* where a unit keeps its low byte */
        n &= ~(size_t)1;
        while (n >= 4 && !(b[n - 2 + lo] == '\n' && b[n - 1 - lo] == 0))
            n -= 2;
        return n >= 4 ? n : 0;
    }
    while (n && b[n - 1] != '\n')
        n--;
    return n;
}

/* A head whose last line end comes before its middle is read again four
 * times longer, up to this many bytes (a story with a paragraph per line,
 * a chapter per line). */
#define HEAD_GROW_MAX ((size_t)1024 * 1024)

struct library *library_open_head(const char *path, size_t head, char **err)
{
    struct build b = {0};
    if (scan_tree(path, &b.scan, err) != 0)
        return NULL;
    struct source *src = NULL;
    size_t raw = 0;   /* bytes of the file the head holds */
    /* scan_tree stat'ed the one regular file it found */
    const struct stat *sb = b.scan.n_files == 1 ? &b.scan.files[0].st : NULL;
    FILE *f = sb ? fopen(path, "rb") : NULL;
    if (f) {
        if (!head)
            head = 1;
        unsigned char *bytes = NULL;
        size_t got = 0;
        for (;;) {
            bytes = xrealloc(bytes, head);
            got += fread(bytes + got, 1, head - got, f);
            /* More follows: whole lines only (the last one goes on); and
             * at least half the bytes read, or the screen may show little
             * more than a heading. */
            raw = got == head ? head_whole_lines(bytes, got) : got;
            if (raw >= got / 2 || got < head || head >= HEAD_GROW_MAX)
                break;
            head = head * 4 < HEAD_GROW_MAX ? head * 4 : HEAD_GROW_MAX;
        }
        fclose(f);
        /* Decoded as the whole file will be: the same encoding (a UTF-16
         * BOM or bytes that are not UTF-8 are in the head when they are in
         * the file's start; a head that is UTF-8 where the rest is not is
         * taken over by the reader as any changed text is), so the text is
         * a prefix of the whole file's and so are its offsets. */
        enum decode_reject why;
        src = raw ? decode_bytes(path, bytes, raw, &why) : NULL;
        free(bytes);
    }
    if (!src) {
        scan_result_free(&b.scan);
        set_err(err, "%s: no whole line of text in the head of the file", path);
        return NULL;
    }
    struct library *lib = xcalloc(1, sizeof *lib);
    lib->root = xstrdup(path);
    b.lib = lib;
    b.ini = xcalloc(1, sizeof *b.ini);
    struct cache_stamp st = {0};
    off_t file_size = sb->st_size;   /* library_build frees the scan */
    library_add_source(&b, &b.scan.files[0], src, &st);
    lib = library_build(&b);
    if (lib->n_stories != 1) {
        library_free(lib);
        set_err(err, "%s: the head of the file holds no story", path);
        return NULL;
    }
    struct story *s = &lib->stories[0];
    s->partial = true;
    /* Percentages against the whole file: its size (a BOM aside) when the
     * text is the file's bytes; for a converted encoding, the size scaled
     * as the head's bytes grew or shrank in conversion (an estimate until
     * the whole story arrives). */
    size_t whole;
    if (src->enc == ENC_UTF8 || src->enc == ENC_UTF8_BOM)
        whole = (size_t)file_size - (src->enc == ENC_UTF8_BOM ? 3 : 0);
    else
        whole = (size_t)((double)file_size * (double)src->len / (double)raw);
    if (whole > s->total)
        s->total = whole;
    return lib;
}

void library_free(struct library *lib)
{
    if (!lib)
        return;
    for (size_t i = 0; i < lib->n_stories; i++) {
        struct story *s = &lib->stories[i];
        for (size_t c = 0; c < s->n_ch; c++) {
            struct chapter *ch = &s->ch[c];
            for (size_t e = 0; e < ch->n_ed; e++)
                free(ch->ed[e].relpath);
            free(ch->ed);
            free(ch->title);
            free(ch->blocks);
        }
        free(s->ch);
        free(s->title);
        free(s->author);
        free(s->dir);
    }
    free(lib->stories);
    for (size_t i = 0; i < lib->n_src; i++)
        decode_free(lib->src[i]);
    free(lib->src);
    for (size_t i = 0; i < lib->n_skipped; i++) {
        free(lib->skipped[i].relpath);
        free(lib->skipped[i].why);
    }
    free(lib->skipped);
    for (size_t i = 0; i < lib->n_notes; i++)
        free(lib->notes[i]);
    free(lib->notes);
    free(lib->root);
    free(lib);
}

/* ---------------------------------------------------------------------
 * Queries */

/* How well a folded title `have` matches the folded query `want` (wl
 * bytes): 3 equal, 2 a prefix of the title or of the title without its
 * leading article ("the ", "a ", "an "), 1 the start of a later word of
 * the title, 0 no match. */
static int title_match(const char *have, const char *want, size_t wl)
{
    if (strcmp(have, want) == 0)
        return 3;
    if (!wl)
        return 0;
    if (strncmp(have, want, wl) == 0)
        return 2;
    static const char *const articles[] = { "the ", "a ", "an " };
    for (size_t a = 0; a < sizeof articles / sizeof *articles; a++) {
        size_t al = strlen(articles[a]);
        if (strncmp(have, articles[a], al) == 0 && strncmp(have + al, want, wl) == 0)
            return 2;
    }
    for (const char *p = strstr(have, want); p; p = strstr(p + 1, want))
        if (p > have && p[-1] == ' ')
            return 1;
    return 0;
}

struct story *library_find(struct library *lib, const char *title, bool *ambiguous)
{
    if (ambiguous)
        *ambiguous = false;
    if (!lib || !title)
        return NULL;
    char *want = fold_string(title);
    size_t wl = strlen(want);
    /* The best tier that any story reaches, and how many reach it. */
    struct story *best = NULL;
    int best_tier = 0;
    size_t n_best = 0;
    for (size_t i = 0; i < lib->n_stories && best_tier < 3; i++) {
        char *have = fold_string(lib->stories[i].title);
        int tier = title_match(have, want, wl);
        free(have);
        if (tier > best_tier) {
            best = &lib->stories[i];
            best_tier = tier;
            n_best = 1;
        } else if (tier && tier == best_tier)
            n_best++;
    }
    free(want);
    if (best_tier == 3 || n_best == 1)
        return best;
    if (n_best > 1 && ambiguous)
        *ambiguous = true;
    return NULL;
}

struct story *library_find_id(struct library *lib, const char *id)
{
    if (!lib || !id)
        return NULL;
    for (size_t i = 0; i < lib->n_stories; i++)
        if (strcmp(lib->stories[i].id, id) == 0)
            return &lib->stories[i];
    return NULL;
}

const struct edition *chapter_text(const struct chapter *c, const char **text)
{
    cache_load_source(c->ed[0].src);   /* read now if listed from the cache */
    *text = c->ed[0].src->text;
    return &c->ed[0];
}

/* The file's announcement lines ([start, title_end): "Title by Author",
 * metadata) become one front-matter heading block of their own, split off
 * the block they were parsed into when no blank line followed them. */
static void mark_announcement(const struct edition *e, struct block **bp, size_t *np)
{
    if (e->title_end <= e->start || *np == 0)
        return;
    const char *t = e->src->text;
    struct block *b = *bp;
    size_t n = *np, i = 0;
    while (i < n && b[i].end <= e->title_end)
        i++;
    if (i < n && b[i].off < e->title_end) {
        /* b[i] straddles the end of the announcement: split it. */
        size_t rest = e->title_end;
        while (rest < b[i].end && (t[rest] == '\n' || t[rest] == '\r' ||
                                   t[rest] == ' ' || t[rest] == '\t'))
            rest++;
        b = xreallocarray(b, n + 1, sizeof *b);
        memmove(b + i + 1, b + i, (n - i) * sizeof *b);
        n++;
        b[i].end = e->title_end;
        b[i + 1].off = rest;
        i++;
        if (b[i].off >= b[i].end) {
            memmove(b + i, b + i + 1, (n - i - 1) * sizeof *b);
            n--;
        }
    }
    /* Blocks [0, i) are the announcement: one heading. */
    if (i > 0) {
        b[0].end = b[i - 1].end;
        b[0].kind = BLOCK_HEADING;
        b[0].flags |= BLOCK_FRONT;
        memmove(b + 1, b + i, (n - i) * sizeof *b);
        n -= i - 1;
    }
    *bp = b;
    *np = n;
}

const struct block *chapter_blocks(struct chapter *c, size_t *n)
{
    if (!c->parsed) {
        const struct edition *e = &c->ed[0];
        cache_load_source(e->src);
        c->n_blocks = parse_blocks_body(e->src->text, e->start, e->end, e->front_end,
                                        e->body, e->back, &c->blocks);
        mark_announcement(e, &c->blocks, &c->n_blocks);
        c->parsed = true;
    }
    *n = c->n_blocks;
    return c->blocks;
}

void story_drop_blocks(struct story *s, size_t keep_lo, size_t keep_hi)
{
    for (size_t i = 0; i < s->n_ch; i++) {
        if (i >= keep_lo && i <= keep_hi)
            continue;
        struct chapter *c = &s->ch[i];
        free(c->blocks);
        c->blocks = NULL;
        c->n_blocks = 0;
        c->parsed = false;
    }
}

double story_percent(const struct story *s, size_t ci, size_t off)
{
    if (!s->n_ch || !s->total)
        return 0;
    if (ci >= s->n_ch)
        return 100;
    const struct edition *e = &s->ch[ci].ed[0];
    size_t in = off <= e->start ? 0 : off >= e->end ? e->end - e->start : off - e->start;
    double p = 100.0 * (double)(s->ch[ci].base + in) / (double)s->total;
    return p > 100 ? 100 : p;
}

void story_percent_pos(const struct story *s, double pct, size_t *ci, size_t *off)
{
    if (pct < 0)
        pct = 0;
    if (pct > 100)
        pct = 100;
    size_t target = (size_t)((double)s->total * pct / 100.0);
    for (size_t i = 0; i < s->n_ch; i++) {
        const struct edition *ed = &s->ch[i].ed[0];
        size_t len = ed->end - ed->start;
        if (target < s->ch[i].base + len || i + 1 == s->n_ch) {
            size_t in = target > s->ch[i].base ? target - s->ch[i].base : 0;
            if (in > len)
                in = len;
            *ci = i;
            *off = ed->start + in;
            return;
        }
    }
    *ci = 0;
    *off = s->n_ch ? s->ch[0].ed[0].start : 0;
}

/* ---------------------------------------------------------------------
 * Printing */

/* A field for TSV: tabs, CR and LF become spaces. */
static void put_field(FILE *out, const char *s)
{
    for (; *s; s++)
        putc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, out);
}

/* One line of human text: control characters become spaces. */
static void put_text(FILE *out, const char *s)
{
    for (; *s; s++)
        putc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, out);
}

/* Human form (one block per story, a blank line between stories):
 *
 *   The Worst Betrayal
 *     by TwilightChild; 2 chapters, 5123 words
 *        1  Chapter 1 (2451 words)
 *        2  Chapter 2 (2672 words)
 *
 * "author unknown" replaces "by ..." when the story names none.  With
 * --verbose each chapter is followed by its files (preferred edition first),
 * and after the stories come the skipped files with their reasons and the
 * notes.  In TSV form the verbose part goes to stderr, so stdout stays one
 * line per chapter. */
int library_print(const struct library *lib, FILE *out, bool tsv, bool verbose)
{
    for (size_t i = 0; i < lib->n_stories; i++) {
        const struct story *s = &lib->stories[i];
        size_t words = 0;
        for (size_t c = 0; c < s->n_ch; c++)
            words += s->ch[c].words;
        if (!tsv) {
            if (i)
                putc('\n', out);
            put_text(out, s->title);
            putc('\n', out);
            fputs("  ", out);
            if (*s->author) {
                fputs("by ", out);
                put_text(out, s->author);
            } else {
                fputs("author unknown", out);
            }
            fprintf(out, "; %zu chapter%s, %zu words\n", s->n_ch, s->n_ch == 1 ? "" : "s", words);
        }
        for (size_t c = 0; c < s->n_ch; c++) {
            const struct chapter *ch = &s->ch[c];
            if (tsv) {
                fprintf(out, "%zu\t", i + 1);
                put_field(out, s->title);
                putc('\t', out);
                put_field(out, s->author);
                fprintf(out, "\t%zu\t", c + 1);
                put_field(out, ch->title);
                fprintf(out, "\t%zu\t", ch->words);
                for (size_t e = 0; e < ch->n_ed; e++) {
                    if (e)
                        putc(';', out);
                    put_field(out, ch->ed[e].relpath);
                }
                putc('\n', out);
            } else {
                fprintf(out, "  %4zu  ", c + 1);
                put_text(out, ch->title);
                fprintf(out, " (%zu words)\n", ch->words);
                if (verbose)
                    for (size_t e = 0; e < ch->n_ed; e++) {
                        fputs(e ? "          also: " : "          file: ", out);
                        put_text(out, ch->ed[e].relpath);
                        putc('\n', out);
                    }
            }
        }
    }
    if (verbose) {
        FILE *v = tsv ? stderr : out;
        if (!tsv && lib->n_stories)
            putc('\n', v);
        fprintf(v, "%zu skipped file%s\n", lib->n_skipped, lib->n_skipped == 1 ? "" : "s");
        for (size_t i = 0; i < lib->n_skipped; i++) {
            fputs("  ", v);
            put_text(v, lib->skipped[i].relpath);
            fputs(": ", v);
            put_text(v, lib->skipped[i].why);
            putc('\n', v);
        }
        fprintf(v, "%zu note%s\n", lib->n_notes, lib->n_notes == 1 ? "" : "s");
        for (size_t i = 0; i < lib->n_notes; i++) {
            fputs("  ", v);
            put_text(v, lib->notes[i]);
            putc('\n', v);
        }
    }
    fflush(out);
    return ferror(out) ? -1 : 0;
}
