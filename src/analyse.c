/* analyse.c — the per-file pass of the library build: everything that
 * depends on one file alone (decode, parse_text — for an EPUB or HTML file
 * the ebook door's conversion and its chapters instead —, the file's
 * metadata, and for each chapter its
 * word count, richness, normalised lead for keys and shingle sketch for
 * edition matching), and the index cache glue that stores those results
 * per file and restores them (cache.h).  Nothing else in the build reads a
 * file.  See build.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "build.h"
#include "cache.h"
#include "norm.h"
#include "pmemo.h"
#include "uchar.h"
#include "util.h"

/* Edition matching samples: a 5-gram is sampled when its mixed hash is 0
 * mod SAMPLE_MOD (editions.c compares the samples). */
#define SHINGLE_WORDS 5
#define SAMPLE_MOD 8

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
            for (size_t i = line; i < line_end && blank; i++)
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
            for (size_t i = line; i < line_end && blank; i++)
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

/* Sift a[k] down the max-heap a[0, n). */
static void sift_down(uint64_t *a, size_t k, size_t n)
{
    uint64_t x = a[k];
    for (size_t c; (c = 2 * k + 1) < n; k = c) {
        if (c + 1 < n && a[c + 1] > a[c])
            c++;
        if (a[c] <= x)
            break;
        a[k] = a[c];
    }
    a[k] = x;
}

/* a[0, n) in ascending order by heapsort (in place, n log n at worst). */
static void heap_sort_u64(uint64_t *a, size_t n)
{
    for (size_t k = n / 2; k-- > 0;)
        sift_down(a, k, n);
    for (size_t end = n - 1; end > 0; end--) {
        uint64_t top = a[0];
        a[0] = a[end];
        a[end] = top;
        sift_down(a, 0, end);
    }
}

/* a[0, n) in ascending order by insertion, giving up (false, a still a
 * permutation of itself) after more than max_moves moves. */
static bool insertion_sort_u64(uint64_t *a, size_t n, size_t max_moves)
{
    size_t moves = 0;
    for (size_t i = 1; i < n; i++) {
        uint64_t x = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > x; j--)
            a[j] = a[j - 1];
        a[j] = x;
        moves += i - j;
        if (moves > max_moves)
            return false;
    }
    return true;
}

/* a[0, n) in ascending order.  The values are a sketch's mixed hashes,
 * spread evenly: scattered into about n buckets by their top bits, they
 * are then nearly in order, and an insertion sort finishes in a few moves
 * a value.  Values crowded into a few buckets (a text made to collide)
 * fall back to heapsort: never worse than n log n. */
static void sort_u64(uint64_t *a, size_t n)
{
    if (n <= 16) {
        insertion_sort_u64(a, n, SIZE_MAX);
        return;
    }
    unsigned bits = 4;
    while (bits < 16 && ((size_t)1 << bits) < n)
        bits++;
    size_t nb = (size_t)1 << bits;
    size_t *at = xcalloc(nb + 1, sizeof *at);
    uint64_t *tmp = xmalloc(n * sizeof *tmp);
    for (size_t i = 0; i < n; i++)
        at[(a[i] >> (64 - bits)) + 1]++;
    for (size_t k = 1; k <= nb; k++)
        at[k] += at[k - 1];
    for (size_t i = 0; i < n; i++)
        tmp[at[a[i] >> (64 - bits)]++] = a[i];
    memcpy(a, tmp, n * sizeof *a);
    free(tmp);
    free(at);
    if (!insertion_sort_u64(a, n, 8 * n))
        heap_sort_u64(a, n);
}

_Static_assert(SHINGLE_WORDS == 5, "piece_fingerprint's shingle hash is unrolled for 5 words");

static inline uint64_t rotl64(uint64_t x, unsigned k)
{
    return x << k | x >> (64 - k);
}

/* The sketch's fast path reads bytes through norm_fold_byte (norm.h):
 * norm_word's own table, so the words are norm_word's (test_library
 * test_sketch_words checks them against it). */

/* The next normalised word of n (as norm_word gives it) as its FNV-1a hash
 * (fnv1a of its bytes); *pos_after is n->pos after it, and the word's
 * bytes are in w only when the general walk (norm_word) gave it: *in_w.
 * false at the end.  The plain case, an ASCII word ended by ASCII space or
 * punctuation, is hashed as it is read, with no copy; anything else (a
 * byte over 0x7F, a '/', a lone lowercase i, b or u, the text's end) is
 * norm_word's, from the word's first byte. */
static bool sketch_word(struct norm *n, struct buf *w, uint64_t *hash, bool *in_w)
{
    const unsigned char *t = (const unsigned char *)n->t;
    size_t pos = n->pos, end = n->end;
    for (;;) {
        while (pos < end && norm_fold_byte[t[pos]] == 0)
            pos++;   /* space and punctuation before a word */
        if (pos >= end || norm_fold_byte[t[pos]] == NORM_STOP)
            break;
        unsigned char c = t[pos];
        uint64_t h = FNV_OFFSET;
        size_t e = pos;
        unsigned char l;
        while (e < end && norm_is_word_byte(l = norm_fold_byte[t[e]])) {
            h ^= l;
            h *= 0x100000001b3ULL;
            e++;
        }
        if (e >= end || norm_fold_byte[t[e]] == NORM_STOP ||
            (e - pos == 1 && (c == 'i' || c == 'b' || c == 'u')))
            break;   /* not the plain case: norm_word from the word's start */
        n->pos = e + 1;   /* norm_word takes the byte that ends the word */
        *hash = h;
        *in_w = false;
        return true;
    }
    n->pos = pos;
    if (!norm_word(n, w))
        return false;
    *hash = fnv1a(FNV_OFFSET, w->data, w->len);
    *in_w = true;
    return true;
}

/* The lead's next word: w's bytes, or the plain word at text[at, ...)
 * folded by norm_fold_byte (sketch_word hashed it without a copy), at most
 * room bytes of it. */
static void lead_add(struct buf *lead, const struct buf *w, bool in_w, const char *t, size_t at,
                     size_t room)
{
    if (in_w) {
        buf_add(lead, w->data, w->len < room ? w->len : room);
        return;
    }
    const unsigned char *u = (const unsigned char *)t;
    if (lead->len + room + 1 > lead->cap) {   /* never: the lead has room */
        size_t l0 = lead->len, e = at;
        while (e - at < room && norm_is_word_byte(norm_fold_byte[u[e]]))
            e++;
        buf_add(lead, t + at, e - at);
        for (size_t i = l0; i < lead->len; i++)
            lead->data[i] = (char)norm_fold_byte[(unsigned char)lead->data[i]];
        return;
    }
    /* folded as it is copied, straight into the lead's room */
    char *d = lead->data + lead->len;
    unsigned char l;
    for (size_t e = at; e - at < room && norm_is_word_byte(l = norm_fold_byte[u[e]]); e++)
        *d++ = (char)l;
    lead->len = (size_t)(d - lead->data);
    *d = '\0';
}

/* Lead (normalised opening) and shingle sketch of text[from, to); words
 * before lead_from (leading notes) count for the sketch, not the lead. */
static void piece_fingerprint(struct piece *p, const char *t, size_t from, size_t to,
                              size_t lead_from, bool sketch)
{
    struct norm n = {.t = t, .pos = from, .end = to};
    struct buf w = {0};
    /* room for the whole lead at once: lead_add copies into it */
    struct buf lead = {.data = xmalloc(LEAD_BYTES + 1), .cap = LEAD_BYTES + 1};
    uint64_t win[SHINGLE_WORDS] = {0};
    size_t nw = 0, cap = 0;
    lead.data[0] = '\0';
    if (!sketch) {   /* one file: no editions to match, the lead is all */
        /* the lead ends at the old end (norm.h): keys and ids stay */
        while (lead.len < LEAD_BYTES && norm_word(&n, &w) && !n.old_end)
            if (n.pos > lead_from)
                buf_add(&lead, w.data,
                        w.len < LEAD_BYTES - lead.len ? w.len : LEAD_BYTES - lead.len);
    }
    uint64_t wh;
    bool in_w;
    while (sketch) {
        size_t at = n.pos;
        if (!sketch_word(&n, &w, &wh, &in_w))
            break;
        if (n.pos > lead_from && lead.len < LEAD_BYTES && !n.old_end) {
            if (!in_w)   /* the word's first byte: past the space before it */
                while (!norm_is_word_byte(norm_fold_byte[(unsigned char)t[at]]))
                    at++;
            lead_add(&lead, &w, in_w, t, at, LEAD_BYTES - lead.len);
        }
        /* win holds the last SHINGLE_WORDS words' hashes, oldest first */
        win[0] = win[1];
        win[1] = win[2];
        win[2] = win[3];
        win[3] = win[4];
        win[4] = wh;
        if (++nw < SHINGLE_WORDS)
            continue;
        /* each word rotated 7 bits more than the next: h = 0, then
         * h = rotl(h, 7) ^ win[i] for each, unrolled */
        uint64_t h = rotl64(win[0], 28) ^ rotl64(win[1], 21) ^ rotl64(win[2], 14) ^
                     rotl64(win[3], 7) ^ win[4];
        h = norm_mix64(h);
        if (h % SAMPLE_MOD == 0) {
            if (p->n_sketch == cap)   /* no call per sample */
                XGROW(p->sketch, cap, p->n_sketch + 1);
            p->sketch[p->n_sketch++] = h;
        }
    }
    buf_free(&w);
    if (p->n_sketch) {
        sort_u64(p->sketch, p->n_sketch);
        size_t u = 1;
        for (size_t i = 1; i < p->n_sketch; i++)
            if (p->sketch[i] != p->sketch[u - 1])
                p->sketch[u++] = p->sketch[i];
        p->n_sketch = u;
    }
    p->lead = lead.data;
    p->lead_len = lead.len;
}

/* Does one of the 8 bytes at p equal a or b?  (One load, both tests.) */
static inline bool swar_has2(const char *p, unsigned char a, unsigned char b)
{
    const uint64_t ones = 0x0101010101010101ULL;
    uint64_t x, xa, xb;
    memcpy(&x, p, sizeof x);
    xa = x ^ (ones * a);   /* a byte equal to a is now 0 */
    xb = x ^ (ones * b);
    return (((xa - ones) & ~xa) | ((xb - ones) & ~xb)) & 0x8080808080808080ULL;
}

/* decode_next_line for text with no CR in [*pos, end). */
static inline bool lf_next_line(const char *t, size_t end, size_t *pos, size_t *line,
                                size_t *line_end)
{
    size_t p = *pos;
    if (p >= end)
        return false;
    const char *nl = memchr(t + p, '\n', end - p);
    *line = p;
    *line_end = nl ? (size_t)(nl - t) : end;
    *pos = nl ? *line_end + 1 : end;
    return true;
}

/* Does a line starting with byte c never pass parse_is_break_line?  An
 * ASCII letter or digit first (no white space to trim) is a word, except
 * the o, x, O, X and 0 of separators such as "oOo" and "xXx". */
static inline bool opens_words(unsigned char c)
{
    unsigned char l = c | 0x20;
    return (l >= 'a' && l <= 'z' && l != 'o' && l != 'x') || (c >= '1' && c <= '9');
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
    /* no CR: lines end at LF alone, as decode_next_line would end them,
     * without its search for a CR in every line */
    bool cr = memchr(t + start, '\r', end - start) != NULL;
    /* the next '*' and '_' at or after a line's start (end: none), each
     * searched for again only once a line passes it: one memchr per
     * marker, not two per line */
    const char *q0 = memchr(t + start, '*', end - start), *q1 = memchr(t + start, '_', end - start);
    size_t star = q0 ? (size_t)(q0 - t) : end, under = q1 ? (size_t)(q1 - t) : end;
    while (cr ? decode_next_line(t, end, &pos, &line, &line_end)
              : lf_next_line(t, end, &pos, &line, &line_end)) {
        size_t n = line_end - line;
        if (n == 0)
            continue;
        if (!opens_words((unsigned char)t[line]) && parse_is_break_line(t + line, n)) {
            score += 5;
            continue;
        }
        for (size_t i = line; i < line_end; i++) {
            /* eight bytes at a time past those that are neither 0xE2 nor '/' */
            while (i + 8 <= line_end && !swar_has2(t + i, 0xE2, '/'))
                i += 8;
            if (i >= line_end)
                break;
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
        if (star < line) {
            const char *q = memchr(t + line, '*', end - line);
            star = q ? (size_t)(q - t) : end;
        }
        if (under < line) {
            const char *q = memchr(t + line, '_', end - line);
            under = q ? (size_t)(q - t) : end;
        }
        if (star < line_end || under < line_end) {
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

/* words: the piece's words as parse_text_counted counted them, or
 * SIZE_MAX when not counted yet (an ebook's chapter, offsets moved). */
static void piece_analyse(struct piece *p, const char *t, bool sketch, size_t words)
{
    size_t from = p->body < p->back ? p->body : p->back;
    /* a note-only chapter (back == body < end) is known by its note */
    size_t to = p->back > from || p->back >= p->end ? p->back : p->end;
    p->words = words != SIZE_MAX ? words : parse_count_words(t, from, p->back);
    p->richness = piece_richness(t, p->start, p->end);
    piece_fingerprint(p, t, from, to, lead_start(t, from, to), sketch);
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
        build_note(b, "%s: %zu byte%s could not be decoded (shown as U+FFFD)", relpath,
             src->invalid, src->invalid == 1 ? "" : "s");
    if (src->enc == ENC_CP1252 || src->enc == ENC_UTF16LE || src->enc == ENC_UTF16BE)
        build_note(b, "%s: read as %s", relpath, decode_encoding_name(src->enc));
    if (src->format)
        build_note(b, "%s: read as %s", relpath, src->format);
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
        .fmt = f->src->fmt, .format = dup_or_null(f->src->format),
    };
    parse_meta_copy(&cf.meta, &f->meta);
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
static void add_cached(struct build *b, const struct scan_file *sf,
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
    parse_meta_copy(&b->files[b->n_files].meta, &cf->meta);
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
void analyse_file(struct build *b, const struct scan_file *sf)
{
    struct cache_stamp st;
    const struct cache_file *cf = cache_get(b->cache, sf->path, sf->relpath, &sf->st, &st);
    if (cf && !cf->skip && !cf->sketched && b->scan.n_files > 1)
        cf = NULL;    /* stored alone, without sketches: editions need them now */
    if (cf) {
        add_cached(b, sf, cf, &st);
        return;
    }
    enum decode_reject why = DECODE_OK;
    char *err = NULL;
    struct source *src = decode_open_read_stat(sf->path, &sf->st, &why, &err);
    if (!src) {
        const char *reason = reject_reason(why);
        if (why == DECODE_EBOOK && err) {
            reason = err;          /* the converter's reason, no path */
        } else if (why == DECODE_ERROR && err) {
            /* err is "PATH: WHY"; keep WHY */
            size_t pl = strlen(sf->path);
            reason = strncmp(err, sf->path, pl) == 0 && err[pl] == ':' ? err + pl + 2 : err;
        }
        build_skip(b, sf, reason);
        if (why == DECODE_EMPTY || why == DECODE_BINARY || why == DECODE_EBOOK)
            cache_store_skip(b, sf->relpath, &st, reason);
        else
            b->snap = false;   /* unreadable now: not a result to keep */
        free(err);
        return;
    }
    free(err);
    analyse_source(b, sf, src, &st);
}

/* Bring the piece's offsets into the edition offset rule (story.h): parse
 * gives them, and an edition is made of them. */
static void piece_fix_offsets(struct piece *p, size_t len)
{
    struct edition e = {
        .start = p->start, .end = p->end, .front_end = p->front_end,
        .body = p->body, .back = p->back, .title_end = p->title_end,
    };
    edition_offsets_fix(&e, len);
    p->start = e.start;
    p->end = e.end;
    p->front_end = e.front_end;
    p->body = e.body;
    p->back = e.back;
    p->title_end = e.title_end;
}

void analyse_source(struct build *b, const struct scan_file *sf, struct source *src,
                    const struct cache_stamp *st)
{
    /* An ebook: the converter's chapters (kept by the source); a text:
     * parse_text's. */
    struct parse_result own = {0};
    size_t *words = NULL;   /* each chapter's words, counted by the parse */
    if (!src->eb)
        words = b->memo ? pmemo_parse(src->text, src->len, &own, NULL)
                        : parse_text_counted(src->text, src->len, &own);
    struct parse_result *r = src->eb ? &src->eb->pr : &own;
    if (r->n_ch == 0) {
        build_skip(b, sf, "no words");
        cache_store_skip(b, sf->relpath, st, "no words");
        free(words);
        parse_result_free(&own);
        decode_free(src);
        return;
    }
    build_add_src(b, sf, src);
    if (r->one_chapter_why)
        build_note(b, "%s: %s", sf->relpath, r->one_chapter_why);

    XGROW(b->files, b->cap_files, b->n_files + 1);
    struct lfile *f = &b->files[b->n_files];
    *f = (struct lfile){
        .src = src,
        .relpath = xstrdup(sf->relpath),
        .ini = sf->ini,
        .title = r->title && *r->title ? xstrdup(r->title) : NULL,
        .author = r->author && *r->author ? xstrdup(r->author) : NULL,
        .first_piece = (int)b->n_pc,
        .n_pc = (int)r->n_ch,
        .group = -1,
    };
    parse_meta_copy(&f->meta, &r->meta);
    XGROW(b->pc, b->cap_pc, b->n_pc + r->n_ch);
    size_t held = 0;   /* a heading with no words under it, joined to the next */
    bool holding = false;
    for (size_t i = 0; i < r->n_ch; i++) {
        const struct parse_chapter *c = &r->ch[i];
        size_t to = c->back == c->body ? c->end : c->back;   /* a note-only chapter's note */
        bool empty = c->body >= to || to > src->len || !norm_has_word(src->text, c->body, to);
        if (i + 1 < r->n_ch && empty) {
            if (!holding)
                held = i;
            holding = true;
            continue;
        }
        if (holding) {
            /* "Chapter 1" then "Prologue": one chapter from the first
             * heading on, named by the last */
            const struct parse_chapter *h = &r->ch[held];
            struct parse_chapter *m = &r->ch[i];
            m->start = h->start;
            m->front_end = h->front_end;
            if (!m->title || !*m->title) {
                for (size_t j = i; j-- > held;)
                    if (r->ch[j].title && *r->ch[j].title) {
                        free(m->title);
                        m->title = xstrdup(r->ch[j].title);
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
        piece_fix_offsets(p, src->len);   /* the rule the rest relies on */
        bool counted = words && p->body == c->body && p->back == c->back;
        piece_analyse(p, src->text, b->scan.n_files > 1, counted ? words[i] : SIZE_MAX);
    }
    b->n_files++;
    free(words);
    parse_result_free(&own);
    cache_store_file(b, sf->relpath, st);
}
