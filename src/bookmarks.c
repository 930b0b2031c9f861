/* bookmarks.c — the bookmark store.  See bookmarks.h; the file format and
 * the merge rules are in docs/FORMATS.md ("Bookmarks").
 *
 * In memory a store is an array of stories sorted by id; each story has a
 * title, the last position and up to 52 named marks.  Every record carries
 * a `dirty` flag: set by this process since the last save.  Saving locks
 * DIR/bookmarks.lock, re-reads DIR/bookmarks, merges our records over what
 * is there, writes the result atomically and adopts it as the new store. */
#include "bookmarks.h"
#include "diag.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unistr.h>

#define BM_MAGIC      "quire-bookmarks"
#define BM_VERSION    1
#define BM_FILE       "bookmarks"
#define BM_LOCK       "bookmarks.lock"
#define BM_TMP_PREFIX "bookmarks.tmp."       /* write_file_atomic's temp files */
#define BM_BAD_PREFIX "bookmarks.bad-"
#define BM_MAX_LINE   65536                  /* bytes; longer lines are bad */
#define BM_MAX_FILE   ((size_t)64 << 20)     /* bytes; bigger files are unreadable */
#define BM_MAX_ID     64                     /* bytes of a story id */
#define BM_MAX_TITLE  1024                   /* bytes of a story title */
#define BM_CTX        48                     /* bytes of context */
#define BM_CHTITLE    80                     /* bytes of a chapter title */
#define BM_N_LETTERS  52

/* ---- records ------------------------------------------------------------ */

struct bm_rec {
    struct bm_pos pos;
    bool set;
    bool dirty;          /* changed by this process since the last save */
    char *extra;         /* fields after the known ones, raw, starting with a
                            tab (kept on rewrite), or NULL */
};

struct bm_story {
    char *id;
    char *title;         /* "" when unknown */
    time_t when;         /* when the title was recorded */
    bool title_set;      /* a `story` record exists */
    bool title_dirty;
    char *title_extra;
    struct bm_rec last;
    struct bm_rec *mark; /* BM_N_LETTERS, allocated on first mark */
};

struct store {
    struct bm_story *st; /* sorted by id (strcmp) */
    size_t n, cap;
    char **unknown;      /* lines of unknown record types, verbatim */
    size_t n_unknown, cap_unknown;
};

/* A story's records moved from an alias of it to its id (bookmarks_adopt). */
struct bm_move {
    char *from, *to;
};

struct bookmarks {
    char *dir;           /* NULL: no folder known */
    char *path;          /* dir/bookmarks */
    bool quiet;
    bool detached;       /* from bookmarks_parse: never written */
    bool readonly;       /* the file must not be replaced (newer format, or
                            it could not be kept aside) */
    bool dirty;
    bool warned_write;   /* the "cannot save" warning was given */
    struct store s;
    char *warning;
    char recent[BM_MAX_ID + 1];
    struct bm_move *moves;   /* ids adopted (bookmarks_adopt), to apply to
                                the file at the next save that writes it */
    size_t n_moves, cap_moves;
};

static int letter_index(char c)
{
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= 'A' && c <= 'Z')
        return 26 + (c - 'A');
    return -1;
}

static char index_letter(int i)
{
    return (char)(i < 26 ? 'a' + i : 'A' + (i - 26));
}

/* A story id: 1..64 printable ASCII bytes, no space, no backslash. */
static bool valid_id(const char *s, size_t n)
{
    if (n == 0 || n > BM_MAX_ID)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || c == '\\')
            return false;
    }
    return true;
}

/* Bytes of the valid UTF-8 character at s (at most n bytes), 0 if invalid. */
static size_t u8_char(const char *s, size_t n)
{
    int k = u8_mblen((const uint8_t *)s, n);
    if (k <= 0)
        return *s == '\0' && n > 0 ? 1 : 0;
    return (size_t)k;
}

/* Copy the longest valid UTF-8 prefix of src of at most max bytes (whole
 * characters), control characters replaced by spaces, into dst (max+1). */
static void copy_text(char *dst, const char *src, size_t max)
{
    size_t n = 0, len = strlen(src);
    const char *p = src;
    while (*p) {
        size_t k = u8_char(p, len - (size_t)(p - src));
        if (k == 0 || n + k > max)
            break;
        if (k == 1 && ((unsigned char)*p < 0x20 || *p == 0x7f))
            dst[n] = ' ';
        else
            memcpy(dst + n, p, k);
        n += k;
        p += k;
    }
    dst[n] = '\0';
}

/* A malloc'd copy of a title: invalid bytes become '?', at most
 * BM_MAX_TITLE bytes of whole characters. */
static char *clean_title(const char *s)
{
    struct buf b = {0};
    size_t len = strlen(s);
    for (size_t i = 0; i < len && b.len < BM_MAX_TITLE;) {
        size_t k = u8_char(s + i, len - i);
        if (k == 0) {
            buf_addc(&b, '?');
            i++;
            continue;
        }
        if (b.len + k > BM_MAX_TITLE)
            break;
        buf_add(&b, s + i, k);
        i += k;
    }
    if (!b.data)
        buf_add(&b, "", 0);
    return b.data;
}

static void rec_free(struct bm_rec *r)
{
    free(r->extra);
    r->extra = NULL;
}

static void story_free(struct bm_story *s)
{
    free(s->id);
    free(s->title);
    free(s->title_extra);
    rec_free(&s->last);
    if (s->mark)
        for (int i = 0; i < BM_N_LETTERS; i++)
            rec_free(&s->mark[i]);
    free(s->mark);
}

static void store_free(struct store *st)
{
    for (size_t i = 0; i < st->n; i++)
        story_free(&st->st[i]);
    free(st->st);
    for (size_t i = 0; i < st->n_unknown; i++)
        free(st->unknown[i]);
    free(st->unknown);
    memset(st, 0, sizeof *st);
}

/* Index of the story with `id`, or where it would be inserted (*found false). */
static size_t story_find(const struct store *st, const char *id, bool *found)
{
    size_t lo = 0, hi = st->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(st->st[mid].id, id);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

static const struct bm_story *story_lookup(const struct store *st, const char *id)
{
    bool found;
    if (!id)
        return NULL;
    size_t i = story_find(st, id, &found);
    return found ? &st->st[i] : NULL;
}

/* The story with `id`, created (empty) when missing. */
static struct bm_story *story_get(struct store *st, const char *id)
{
    bool found;
    size_t i = story_find(st, id, &found);
    if (found)
        return &st->st[i];
    XGROW(st->st, st->cap, st->n + 1);
    memmove(&st->st[i + 1], &st->st[i], (st->n - i) * sizeof *st->st);
    st->n++;
    struct bm_story *s = &st->st[i];
    memset(s, 0, sizeof *s);
    s->id = xstrdup(id);
    s->title = xstrdup("");
    return s;
}

static struct bm_rec *story_mark(struct bm_story *s, int li)
{
    if (!s->mark)
        s->mark = xcalloc(BM_N_LETTERS, sizeof *s->mark);
    return &s->mark[li];
}

/* ---- positions ---------------------------------------------------------- */

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static size_t snap_back(const char *t, size_t lo, size_t p)
{
    while (p > lo && ((unsigned char)t[p] & 0xC0) == 0x80)
        p--;
    return p;
}

/* The context at text[p, end): up to BM_CTX bytes of whole characters, every
 * run of white space (line ends included) written as one space, stopping
 * before a control character or an invalid byte. */
static void ctx_make(const char *t, size_t p, size_t end, char *ctx)
{
    size_t n = 0;
    while (p < end) {
        unsigned char c = (unsigned char)t[p];
        if (is_space(c)) {
            if (n + 1 > BM_CTX)
                break;
            ctx[n++] = ' ';
            while (p < end && is_space((unsigned char)t[p]))
                p++;
            continue;
        }
        if (c < 0x20 || c == 0x7f)
            break;
        size_t k = u8_char(t + p, end - p);
        if (k == 0 || n + k > BM_CTX)
            break;
        memcpy(ctx + n, t + p, k);
        n += k;
        p += k;
    }
    ctx[n] = '\0';
}

/* Does `ctx` match text[p, end), white space runs matching one space? */
static bool ctx_match(const char *t, size_t p, size_t end, const char *ctx)
{
    for (size_t i = 0; ctx[i]; i++) {
        if (p >= end)
            return false;
        if (ctx[i] == ' ') {
            if (!is_space((unsigned char)t[p]))
                return false;
            while (p < end && is_space((unsigned char)t[p]))
                p++;
        } else if (t[p++] != ctx[i]) {
            return false;
        }
    }
    return true;
}

/* The match of ctx in text[lo, hi) nearest to `near` (a character start),
 * searching outwards; SIZE_MAX when none. */
static size_t ctx_search(const char *t, size_t lo, size_t hi, size_t near, const char *ctx)
{
    if (near < lo)
        near = lo;
    if (near > hi)
        near = hi;
    for (size_t d = 0;; d++) {
        bool in = false;
        if (near + d < hi) {
            in = true;
            size_t p = near + d;
            if (((unsigned char)t[p] & 0xC0) != 0x80 && ctx_match(t, p, hi, ctx))
                return p;
        }
        if (d > 0 && near - lo >= d) {
            in = true;
            size_t p = near - d;
            if (((unsigned char)t[p] & 0xC0) != 0x80 && ctx_match(t, p, hi, ctx))
                return p;
        }
        if (!in)
            return SIZE_MAX;
    }
}

/* Chapter ci's preferred edition: its text and byte range. */
static const char *chapter_range(const struct story *s, size_t ci, size_t *start, size_t *end)
{
    const char *text = NULL;
    const struct edition *e = chapter_text(&s->ch[ci], &text);   /* reads a cached (lazy) source */
    *start = e->start;
    *end = e->end;
    if (!e->src || !text || *end > e->src->len || *start > *end) {
        *start = *end = 0;
        return "";
    }
    return text;
}

/* The offset `rel` from the chapter start clamped into the chapter, on a
 * character start (the chapter's last character at most). */
static size_t clamp_off(const char *t, size_t start, size_t end, size_t rel)
{
    if (end <= start)
        return start;
    size_t p = rel < end - start ? start + rel : end - 1;
    return snap_back(t, start, p);
}

void bookmarks_make_pos(struct story *s, size_t ci, size_t off, struct bm_pos *out)
{
    memset(out, 0, sizeof *out);
    out->when = time(NULL);
    if (!s || s->n_ch == 0)
        return;
    if (ci >= s->n_ch)
        ci = s->n_ch - 1;
    const struct chapter *c = &s->ch[ci];
    size_t start, end;
    const char *t = chapter_range(s, ci, &start, &end);
    size_t p = off < start ? start : off > end ? end : off;
    p = snap_back(t, start, p);
    memcpy(out->chapter_key, c->key, sizeof out->chapter_key);
    out->chapter_key[sizeof out->chapter_key - 1] = '\0';
    out->chapter = ci;
    out->off = p - start;
    ctx_make(t, p, end, out->context);
    double pc = story_percent(s, ci, p);
    out->percent = pc >= 0 && pc <= 100 ? pc : pc > 100 ? 100 : 0;
    out->n_chapters = s->n_ch;
    copy_text(out->chapter_title, c->title ? c->title : "", BM_CHTITLE);
}

/* The offset of pos in chapter ci: at pos->off when the context is there,
 * else the nearest place the context is found, else pos->off clamped;
 * `found` tells whether the context was found (or empty). */
static size_t anchor(const struct story *s, size_t ci, const struct bm_pos *pos, bool *found)
{
    size_t start, end;
    const char *t = chapter_range(s, ci, &start, &end);
    size_t p = clamp_off(t, start, end, pos->off);
    *found = true;
    if (!pos->context[0] || ctx_match(t, p, end, pos->context))
        return p;
    size_t q = ctx_search(t, start, end, pos->off < end - start ? start + pos->off : end,
                          pos->context);
    if (q != SIZE_MAX)
        return q;
    *found = false;
    return p;
}

bool bookmarks_resolve(struct story *s, const struct bm_pos *pos, size_t *ci, size_t *off)
{
    if (!s || s->n_ch == 0 || !pos)
        return false;
    size_t hint = pos->chapter < s->n_ch ? pos->chapter : s->n_ch - 1;
    bool found;
    /* The chapter by its key; among equal keys the one nearest the hint. */
    if (pos->chapter_key[0]) {
        size_t best = SIZE_MAX, bestd = SIZE_MAX;
        for (size_t i = 0; i < s->n_ch; i++) {
            if (strncmp(s->ch[i].key, pos->chapter_key, sizeof pos->chapter_key) != 0)
                continue;
            size_t d = i > hint ? i - hint : hint - i;
            if (d < bestd) {
                best = i;
                bestd = d;
            }
        }
        if (best != SIZE_MAX) {
            *ci = best;
            *off = anchor(s, best, pos, &found);
            return true;
        }
    }
    /* The chapter's text changed: look for the context in the chapter at the
     * hint, then in the others, nearest first.  A short context could match
     * by chance elsewhere, so only the hinted chapter is searched for it. */
    size_t far = strlen(pos->context) >= 16 ? s->n_ch : 1;
    for (size_t d = 0; d < far; d++) {
        size_t cand[2] = {hint + d, hint >= d ? hint - d : SIZE_MAX};
        for (int k = 0; k < (d ? 2 : 1); k++) {
            if (cand[k] >= s->n_ch)
                continue;
            size_t o = anchor(s, cand[k], pos, &found);
            if (found && pos->context[0]) {
                *ci = cand[k];
                *off = o;
                return true;
            }
        }
    }
    *ci = hint;
    size_t start, end;
    const char *t = chapter_range(s, hint, &start, &end);
    *off = clamp_off(t, start, end, pos->off);
    return true;
}

/* ---- the file format ---------------------------------------------------- */

static void esc_add(struct buf *o, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '\\': buf_adds(o, "\\\\"); break;
        case '\t': buf_adds(o, "\\t"); break;
        case '\n': buf_adds(o, "\\n"); break;
        case '\r': buf_adds(o, "\\r"); break;
        default:
            if (c < 0x20 || c == 0x7f)
                buf_printf(o, "\\x%02x", c);
            else
                buf_addc(o, (char)c);
        }
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Unescape field [s, s+n) into dst (room for max+1 bytes): false when an
 * escape is malformed, a NUL would result, the result is longer than max
 * or not valid UTF-8. */
static bool unesc(const char *s, size_t n, char *dst, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\') {
            if (++i >= n)
                return false;
            switch (s[i]) {
            case '\\': c = '\\'; break;
            case 't': c = '\t'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 'x': {
                if (i + 2 >= n)
                    return false;
                int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
                if (h < 0 || l < 0 || (h == 0 && l == 0))
                    return false;
                c = (char)(h * 16 + l);
                i += 2;
                break;
            }
            default:
                return false;
            }
        }
        if (k >= max)
            return false;
        dst[k++] = c;
    }
    dst[k] = '\0';
    return u8_check((const uint8_t *)dst, k) == NULL;
}

/* Unescape into a malloc'd string (see unesc). */
static char *unesc_dup(const char *s, size_t n, size_t max)
{
    char *d = xmalloc(n + 1);
    if (!unesc(s, n, d, max < n ? max : n)) {
        free(d);
        return NULL;
    }
    return d;
}

/* Unsigned decimal, no sign, no overflow. */
static bool parse_size(const char *s, size_t n, size_t *out)
{
    if (n == 0 || n > 20)
        return false;
    size_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        size_t d = (size_t)(s[i] - '0');
        if (v > (SIZE_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* Seconds since the epoch: optional '-', decimal, within 64 bits. */
static bool parse_time(const char *s, size_t n, time_t *out)
{
    bool neg = n > 0 && s[0] == '-';
    size_t v;
    if (!parse_size(s + neg, n - neg, &v) || v > (size_t)INT64_MAX)
        return false;
    int64_t t = neg ? -(int64_t)v : (int64_t)v;
    if ((int64_t)(time_t)t != t)
        return false;
    *out = (time_t)t;
    return true;
}

/* Percent: DIGITS[.DIGITS] (at most 6 decimals), 0..100.  Parsed by hand:
 * the file never depends on the locale. */
static bool parse_percent(const char *s, size_t n, double *out)
{
    size_t i = 0, ip = 0, fp = 0, fd = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9' && i < 4)
        ip = ip * 10 + (size_t)(s[i++] - '0');
    if (i == 0)
        return false;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9' && fd < 6) {
            fp = fp * 10 + (size_t)(s[i++] - '0');
            fd++;
        }
        if (fd == 0)
            return false;
    }
    if (i != n)
        return false;
    size_t scale = 1;
    for (size_t k = 0; k < fd; k++)
        scale *= 10;
    double v = (double)(ip * scale + fp) / (double)scale;  /* one rounding */
    if (v > 100)
        return false;
    *out = v;
    return true;
}

/* Hundredths of a percent, 0..10000 (NaN and out of range clamped). */
static long hundredths(double pc)
{
    if (!(pc >= 0))      /* also NaN */
        return 0;
    if (pc >= 100)
        return 10000;
    return (long)(pc * 100 + 0.5);
}

static void add_percent(struct buf *o, double pc)
{
    long h = hundredths(pc);
    buf_printf(o, "%ld.%02ld", h / 100, h % 100);
}

static void add_time(struct buf *o, time_t t)
{
    buf_printf(o, "%lld", (long long)t);
}

/* Fields of one line: f[i] with length fl[i]; `rest` the raw remainder after
 * the first `max` fields (starting with its tab), or NULL. */
struct fields {
    const char *f[12];
    size_t fl[12];
    size_t n;
    const char *rest;
    size_t rest_len;
};

static void split(const char *s, size_t n, size_t max, struct fields *fs)
{
    fs->n = 0;
    fs->rest = NULL;
    fs->rest_len = 0;
    size_t i = 0;
    for (;;) {
        size_t j = i;
        while (j < n && s[j] != '\t')
            j++;
        fs->f[fs->n] = s + i;
        fs->fl[fs->n] = j - i;
        fs->n++;
        if (j >= n)
            return;
        if (fs->n == max) {
            fs->rest = s + j;
            fs->rest_len = n - j;
            return;
        }
        i = j + 1;
    }
}

static bool field_is(const struct fields *fs, size_t i, const char *word)
{
    return fs->fl[i] == strlen(word) && memcmp(fs->f[i], word, fs->fl[i]) == 0;
}

/* The position fields from f[k]: key, chapter, off, percent, when, context
 * [, chapters, chapter title]. */
static bool parse_pos(const struct fields *fs, size_t k, struct bm_rec *r)
{
    struct bm_pos *p = &r->pos;
    memset(r, 0, sizeof *r);
    if (fs->n < k + 6)
        return false;
    if (fs->fl[k] > 16 || (fs->fl[k] && !valid_id(fs->f[k], fs->fl[k])))
        return false;
    memcpy(p->chapter_key, fs->f[k], fs->fl[k]);
    p->chapter_key[fs->fl[k]] = '\0';
    if (!parse_size(fs->f[k + 1], fs->fl[k + 1], &p->chapter) ||
        !parse_size(fs->f[k + 2], fs->fl[k + 2], &p->off) ||
        !parse_percent(fs->f[k + 3], fs->fl[k + 3], &p->percent) ||
        !parse_time(fs->f[k + 4], fs->fl[k + 4], &p->when) ||
        !unesc(fs->f[k + 5], fs->fl[k + 5], p->context, BM_CTX))
        return false;
    for (const char *c = p->context; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return false;
    if (fs->n > k + 6 && fs->fl[k + 6] &&
        !parse_size(fs->f[k + 6], fs->fl[k + 6], &p->n_chapters))
        return false;
    if (fs->n > k + 7 && !unesc(fs->f[k + 7], fs->fl[k + 7], p->chapter_title, BM_CHTITLE))
        return false;
    if (fs->rest)
        r->extra = xstrndup(fs->rest, fs->rest_len);
    r->set = true;
    return true;
}

/* Put record r into slot *dst when the slot is empty or r is at least as new
 * (a later line wins a tie); r is consumed. */
static void rec_keep(struct bm_rec *dst, struct bm_rec *r)
{
    if (!dst->set || r->pos.when >= dst->pos.when) {
        rec_free(dst);
        *dst = *r;
    } else {
        rec_free(r);
    }
}

/* One record line (without its end).  false when it is unreadable. */
static bool parse_line(const char *s, size_t n, struct store *st)
{
    if (memchr(s, '\0', n) || u8_check((const uint8_t *)s, n) != NULL)
        return false;
    struct fields fs;
    split(s, n, 1, &fs);
    if (field_is(&fs, 0, "story")) {
        split(s, n, 4, &fs);
        if (fs.n < 4 || !valid_id(fs.f[1], fs.fl[1]))
            return false;
        time_t when;
        if (!parse_time(fs.f[2], fs.fl[2], &when))
            return false;
        char *title = unesc_dup(fs.f[3], fs.fl[3], BM_MAX_TITLE);
        if (!title)
            return false;
        char *id = xstrndup(fs.f[1], fs.fl[1]);
        struct bm_story *b = story_get(st, id);
        free(id);
        if (!b->title_set || when >= b->when) {
            free(b->title);
            free(b->title_extra);
            b->title = title;
            b->when = when;
            b->title_set = true;
            b->title_extra = fs.rest ? xstrndup(fs.rest, fs.rest_len) : NULL;
        } else {
            free(title);
        }
        return true;
    }
    if (field_is(&fs, 0, "last") || field_is(&fs, 0, "mark")) {
        bool mark = fs.fl[0] == 4 && s[0] == 'm';
        size_t k = mark ? 3 : 2;      /* first position field */
        split(s, n, k + 8, &fs);
        if (fs.n < 2 || !valid_id(fs.f[1], fs.fl[1]))
            return false;
        int li = -1;
        if (mark && (fs.n < 3 || fs.fl[2] != 1 || (li = letter_index(fs.f[2][0])) < 0))
            return false;
        struct bm_rec r;
        if (!parse_pos(&fs, k, &r))
            return false;
        char *id = xstrndup(fs.f[1], fs.fl[1]);
        struct bm_story *b = story_get(st, id);
        free(id);
        rec_keep(mark ? story_mark(b, li) : &b->last, &r);
        return true;
    }
    /* A record type of a newer quire, or a comment: kept as it is. */
    XGROW(st->unknown, st->cap_unknown, st->n_unknown + 1);
    st->unknown[st->n_unknown++] = xstrndup(s, n);
    return true;
}

enum parse_status { PARSE_OK, PARSE_UNREADABLE, PARSE_NEWER };

struct parse_info {
    size_t bad;          /* unreadable lines */
    size_t first_bad;    /* line number of the first one (1-based) */
    unsigned long version;
    const char *why;     /* for PARSE_UNREADABLE */
};

/* Parse a whole file into *st (empty on entry). */
static enum parse_status store_parse(const char *data, size_t len, struct store *st,
                                     struct parse_info *pi)
{
    memset(pi, 0, sizeof *pi);
    size_t ml = strlen(BM_MAGIC);
    if (len > (size_t)BM_MAX_FILE) {
        pi->why = "too big";
        return PARSE_UNREADABLE;
    }
    if (len < ml + 2 || memcmp(data, BM_MAGIC, ml) != 0 || data[ml] != ' ') {
        pi->why = len == 0 ? "empty" : "no magic line";
        return PARSE_UNREADABLE;
    }
    /* "quire-bookmarks VERSION", maybe followed by a tab and more. */
    size_t i = ml + 1;
    unsigned long v = 0;
    size_t digits = 0;
    while (i < len && data[i] >= '0' && data[i] <= '9' && digits < 9) {
        v = v * 10 + (unsigned long)(data[i++] - '0');
        digits++;
    }
    const char *nl = memchr(data, '\n', len);
    size_t eol = nl ? (size_t)(nl - data) : len;
    size_t vend = eol > i && data[eol - 1] == '\r' ? eol - 1 : eol;
    if (!nl || digits == 0 || v == 0 || (i != vend && data[i] != '\t')) {
        pi->why = "no magic line";
        return PARSE_UNREADABLE;
    }
    pi->version = v;
    if (v > BM_VERSION)
        return PARSE_NEWER;
    size_t lineno = 1;
    for (size_t p = eol + 1; p < len;) {
        lineno++;
        const char *e = memchr(data + p, '\n', len - p);
        size_t end = e ? (size_t)(e - data) : len;
        size_t n = end - p;
        while (n && data[p + n - 1] == '\r')    /* CR LF line ends */
            n--;
        bool ok;
        if (!e)
            ok = false;      /* no line end: cut short */
        else if (n == 0)
            ok = true;       /* blank lines are allowed and dropped */
        else
            ok = n <= BM_MAX_LINE && parse_line(data + p, n, st);
        if (!ok && pi->bad++ == 0)
            pi->first_bad = lineno;
        p = end + 1;
    }
    return PARSE_OK;
}

static void add_pos(struct buf *o, const struct bm_rec *r)
{
    const struct bm_pos *p = &r->pos;
    buf_printf(o, "\t%s\t%zu\t%zu\t", p->chapter_key, p->chapter, p->off);
    add_percent(o, p->percent);
    buf_addc(o, '\t');
    add_time(o, p->when);
    buf_addc(o, '\t');
    esc_add(o, p->context);
    buf_printf(o, "\t%zu\t", p->n_chapters);
    esc_add(o, p->chapter_title);
    if (r->extra)
        buf_adds(o, r->extra);
    buf_addc(o, '\n');
}

static char *store_format(const struct store *st, size_t *len)
{
    struct buf o = {0};
    buf_printf(&o, "%s %d\n", BM_MAGIC, BM_VERSION);
    for (size_t i = 0; i < st->n; i++) {
        const struct bm_story *s = &st->st[i];
        if (s->title_set || s->title[0]) {
            buf_printf(&o, "story\t%s\t", s->id);
            add_time(&o, s->when);
            buf_addc(&o, '\t');
            esc_add(&o, s->title);
            if (s->title_extra)
                buf_adds(&o, s->title_extra);
            buf_addc(&o, '\n');
        }
        if (s->last.set) {
            buf_printf(&o, "last\t%s", s->id);
            add_pos(&o, &s->last);
        }
        for (int l = 0; s->mark && l < BM_N_LETTERS; l++) {
            if (!s->mark[l].set)
                continue;
            buf_printf(&o, "mark\t%s\t%c", s->id, index_letter(l));
            add_pos(&o, &s->mark[l]);
        }
    }
    for (size_t i = 0; i < st->n_unknown; i++) {
        buf_adds(&o, st->unknown[i]);
        buf_addc(&o, '\n');
    }
    *len = o.len;
    return o.data;
}

/* ---- merging ------------------------------------------------------------ */

static void rec_copy(struct bm_rec *dst, const struct bm_rec *src)
{
    rec_free(dst);
    *dst = *src;
    dst->dirty = false;
    dst->extra = src->extra ? xstrdup(src->extra) : NULL;
}

/* Does `ours` replace `theirs`?  When theirs is missing, when ours is newer,
 * or when ours was changed here and is as new. */
static bool ours_wins(bool have_theirs, time_t theirs, time_t ours, bool dirty)
{
    return !have_theirs || ours > theirs || (dirty && ours == theirs);
}

/* Merge our store into `into` (the file as it is now); records are copied. */
static void store_merge(struct store *into, const struct store *ours)
{
    for (size_t i = 0; i < ours->n; i++) {
        const struct bm_story *o = &ours->st[i];
        struct bm_story *t = story_get(into, o->id);
        if ((o->title_set || o->title_dirty) &&
            ours_wins(t->title_set, t->when, o->when, o->title_dirty)) {
            free(t->title);
            free(t->title_extra);
            t->title = xstrdup(o->title);
            t->title_extra = o->title_extra ? xstrdup(o->title_extra) : NULL;
            t->when = o->when;
            t->title_set = true;
        }
        if (o->last.set && ours_wins(t->last.set, t->last.pos.when, o->last.pos.when,
                                     o->last.dirty))
            rec_copy(&t->last, &o->last);
        for (int l = 0; o->mark && l < BM_N_LETTERS; l++) {
            const struct bm_rec *m = &o->mark[l];
            if (!m->set)
                continue;
            struct bm_rec *tm = story_mark(t, l);
            if (ours_wins(tm->set, tm->pos.when, m->pos.when, m->dirty))
                rec_copy(tm, m);
        }
    }
}

/* ---- the store on disk -------------------------------------------------- */

static void warn(struct bookmarks *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct bookmarks *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = xvasprintf(fmt, ap);
    va_end(ap);
    struct diag_sink sink = {.stream = b->quiet ? NULL : stderr};
    diag_report(&sink, DIAG_WARNING, "%s", m);
    free(b->warning);
    b->warning = m;
}

/* The "cannot save" warning, once per store. */
static void warn_write(struct bookmarks *b, const char *what)
{
    if (!b->warned_write)
        warn(b, "%s; bookmarks are not saved", what);
    b->warned_write = true;
}

/* Candidate n (from 0) for a kept-aside copy's name:
 * DIR/bookmarks.bad-YYYYMMDD-HHMMSS, then with -2, -3, ... (malloc'd).
 * Callers create it without replacing anything. */
static char *bad_name(const struct bookmarks *b, int n)
{
    time_t now = time(NULL);
    struct tm tm;
    char stamp[32] = "0";
    if (localtime_r(&now, &tm))
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    return n ? xasprintf("%s/%s%s-%d", b->dir, BM_BAD_PREFIX, stamp, n + 1)
             : xasprintf("%s/%s%s", b->dir, BM_BAD_PREFIX, stamp);
}

/* Move the file aside under a new name, never replacing another file.
 * Returns the new name (malloc'd) or NULL with *err. */
static char *move_aside(const struct bookmarks *b, char **err)
{
    for (int n = 0; n < 1000; n++) {
        char *to = bad_name(b, n);
        if (renameat2(AT_FDCWD, b->path, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
            return to;
        int e = errno;
        if (e == EINVAL || e == ENOSYS || e == ENOTSUP) {
            /* The file system cannot rename without replacing: link+unlink. */
            if (link(b->path, to) == 0) {
                unlink(b->path);
                return to;
            }
            e = errno;
        }
        free(to);
        if (e != EEXIST) {
            set_err(err, "%s", strerror(e));
            return NULL;
        }
    }
    set_err(err, "too many kept copies");
    return NULL;
}

/* Write a copy of data under a new name.  The name (malloc'd) or NULL. */
static char *copy_aside(const struct bookmarks *b, const char *data, size_t len, char **err)
{
    for (int n = 0; n < 1000; n++) {
        char *to = bad_name(b, n);
        int fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            int e = errno;
            free(to);
            if (e == EEXIST)
                continue;
            set_err(err, "%s", strerror(e));
            return NULL;
        }
        size_t done = 0;
        while (done < len) {
            ssize_t k = write(fd, data + done, len - done);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                break;
            done += (size_t)k;
        }
        int e = errno;
        if (done < len || fsync(fd) != 0) {
            e = errno;
            close(fd);
            unlink(to);
            free(to);
            set_err(err, "%s", strerror(e ? e : EIO));
            return NULL;
        }
        close(fd);
        return to;
    }
    set_err(err, "too many kept copies");
    return NULL;
}

/* Remove temporary files left by a killed process.  Only called with the
 * lock held, when no one else can be writing one. */
static void clean_temps(const struct bookmarks *b)
{
    DIR *d = opendir(b->dir);
    if (!d)
        return;
    struct dirent *e;
    size_t pl = strlen(BM_TMP_PREFIX);
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, BM_TMP_PREFIX, pl) != 0)
            continue;
        char *p = xasprintf("%s/%s", b->dir, e->d_name);
        unlink(p);
        free(p);
    }
    closedir(d);
}

/* Read and parse the file into *st (empty on entry), repairing it when we
 * hold the lock (lockerr NULL): an unreadable file is moved aside; a file
 * with unreadable lines is copied aside and *rewrite is set.  Without the
 * lock (lockerr says why) nothing is moved and the store becomes read-only.
 * 0, or -1 when the file must not be written. */
static int load(struct bookmarks *b, struct store *st, const char *lockerr, bool *rewrite)
{
    *rewrite = false;
    struct stat sb;
    if (stat(b->path, &sb) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;     /* no file (or no folder) yet */
        warn(b, "%s: %s", b->path, strerror(errno));
        b->readonly = true;
        return -1;
    }
    char *err = NULL;
    size_t len = 0;
    char *data = NULL;
    if (!S_ISREG(sb.st_mode) || (uintmax_t)sb.st_size <= BM_MAX_FILE) {
        /* Anything but a regular file (a FIFO, /dev/zero) is refused by
         * read_file_max without waiting or reading: never replaced either. */
        data = read_file_max(b->path, BM_MAX_FILE, &len, &err);
        if (!data) {
            warn(b, "%s; bookmarks are not saved", err);
            free(err);
            b->readonly = true;
            return -1;
        }
    }
    struct parse_info pi = {.why = "too big"};
    enum parse_status ps = data ? store_parse(data, len, st, &pi) : PARSE_UNREADABLE;
    int ret = 0;
    if (ps == PARSE_UNREADABLE) {
        store_free(st);
        char *to = lockerr ? NULL : move_aside(b, &err);
        if (to) {
            warn(b, "%s: unreadable bookmarks, kept as %s", b->path, to);
            free(to);
        } else {
            warn(b, "%s: unreadable bookmarks (%s), left in place (%s); bookmarks are not saved",
                 b->path, pi.why, lockerr ? lockerr : err);
            b->readonly = true;
            ret = -1;
        }
    } else if (ps == PARSE_NEWER) {
        store_free(st);
        warn(b, "%s: written by a newer quire (format %lu); bookmarks are not saved",
             b->path, pi.version);
        b->readonly = true;
        ret = -1;
    } else if (pi.bad) {
        char *to = lockerr ? NULL : copy_aside(b, data, len, &err);
        if (to) {
            warn(b, "%s:%zu: %zu unreadable line%s skipped, whole file kept as %s", b->path,
                 pi.first_bad, pi.bad, pi.bad == 1 ? "" : "s", to);
            free(to);
            *rewrite = true;
        } else {
            warn(b, "%s:%zu: %zu unreadable line%s skipped, file left as it is (%s); "
                 "bookmarks are not saved", b->path, pi.first_bad, pi.bad,
                 pi.bad == 1 ? "" : "s", lockerr ? lockerr : err);
            b->readonly = true;
            ret = -1;
        }
    }
    free(err);
    free(data);
    return ret;
}

/* Replace the file atomically.  A bookmarks file that is a symbolic link
 * (a dotfiles link into a synced folder) stays one: the file it names is
 * replaced, with its temporary file in that file's folder. */
static int store_write(const struct bookmarks *b, const char *data, size_t len, char **err)
{
    char *to = link_target(b->path, err);
    if (!to)
        return -1;
    int r = write_file_atomic(to, data, len, err);
    free(to);
    return r;
}

/* Take the store's lock (creating the folder).  The lock's fd, or -1 with
 * *err. */
static int lock_take(const struct bookmarks *b, char **err)
{
    if (mkdir_p(b->dir, err) != 0)
        return -1;
    char *lp = xasprintf("%s/%s", b->dir, BM_LOCK);
    int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        set_err(err, "%s: %s", lp, strerror(errno));
        free(lp);
        return -1;
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            set_err(err, "%s: %s", lp, strerror(errno));
            close(fd);
            free(lp);
            return -1;
        }
    }
    free(lp);
    return fd;
}

static void clear_dirty(struct store *st)
{
    for (size_t i = 0; i < st->n; i++) {
        struct bm_story *s = &st->st[i];
        s->title_dirty = false;
        s->last.dirty = false;
        for (int l = 0; s->mark && l < BM_N_LETTERS; l++)
            s->mark[l].dirty = false;
    }
}

static void moves_apply(const struct bookmarks *b, struct store *st);
static void moves_free(struct bookmarks *b);

/* Lock, re-read (repairing), merge ours over it, write when anything is to
 * be written, adopt the result, unlock.  0 or -1 (warning recorded). */
static int store_sync(struct bookmarks *b)
{
    if (!b->dir) {
        warn_write(b, "no state folder ($XDG_STATE_HOME and $HOME are unset)");
        return -1;
    }
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTSTP);
    sigaddset(&stop, SIGTTIN);
    sigaddset(&stop, SIGTTOU);
    sigprocmask(SIG_BLOCK, &stop, &old);
    char *err = NULL;
    int ret = -1;
    int lk = lock_take(b, &err);
    if (lk < 0) {
        warn_write(b, err);
        goto out;
    }
    clean_temps(b);
    struct store disk = {0};
    bool rewrite = false;
    if (load(b, &disk, NULL, &rewrite) != 0) {
        store_free(&disk);
        goto out;
    }
    moves_apply(b, &disk);
    store_merge(&disk, &b->s);
    if (b->dirty || rewrite) {
        size_t len;
        char *data = store_format(&disk, &len);
        int w = store_write(b, data, len, &err);
        free(data);
        if (w != 0) {
            warn_write(b, err);
            store_free(&disk);
            goto out;
        }
        moves_free(b);
    }
    clear_dirty(&disk);
    store_free(&b->s);
    b->s = disk;
    b->dirty = false;
    ret = 0;
out:
    if (lk >= 0)
        close(lk);     /* releases the lock */
    sigprocmask(SIG_SETMASK, &old, NULL);
    free(err);
    return ret;
}

/* ---- the public interface ----------------------------------------------- */

struct bookmarks *bookmarks_open(const char *dir, bool quiet)
{
    struct bookmarks *b = xcalloc(1, sizeof *b);
    b->quiet = quiet;
    b->dir = dir ? xstrdup(dir) : xdg_dir("STATE");
    if (!b->dir)
        return b;
    b->path = xasprintf("%s/%s", b->dir, BM_FILE);
    /* The usual case reads without the lock: the file is only ever replaced
     * whole.  Anything to repair is done under the lock. */
    bool rewrite;
    struct bookmarks probe = *b;
    probe.quiet = true;
    probe.warning = NULL;
    int r = load(&probe, &b->s, "not locked", &rewrite);
    free(probe.warning);
    if (r == 0)
        return b;
    store_free(&b->s);
    char *err = NULL;
    int lk = lock_take(b, &err);
    if (lk < 0) {
        /* Cannot repair: keep what can be read, never replace the file. */
        load(b, &b->s, err, &rewrite);
        b->readonly = true;
        free(err);
        return b;
    }
    clean_temps(b);
    if (load(b, &b->s, NULL, &rewrite) == 0 && rewrite) {
        size_t len;
        char *data = store_format(&b->s, &len);
        if (store_write(b, data, len, &err) != 0)
            warn_write(b, err);
        free(data);
    }
    close(lk);
    free(err);
    return b;
}

void bookmarks_close(struct bookmarks *b)
{
    if (!b)
        return;
    bookmarks_save(b);
    store_free(&b->s);
    moves_free(b);
    free(b->dir);
    free(b->path);
    free(b->warning);
    free(b);
}

const char *bookmarks_warning(const struct bookmarks *b)
{
    return b ? b->warning : NULL;
}

void bookmarks_set_quiet(struct bookmarks *b, bool quiet)
{
    if (b)
        b->quiet = quiet;
}

const char *bookmarks_path(const struct bookmarks *b)
{
    return b ? b->path : NULL;
}

int bookmarks_save(struct bookmarks *b)
{
    if (!b || !b->dirty || b->detached)
        return 0;
    if (b->readonly)
        return -1;        /* the reason was given when it became so */
    return store_sync(b);
}

bool bookmarks_get_last(const struct bookmarks *b, const char *story_id, struct bm_pos *out)
{
    const struct bm_story *s = b ? story_lookup(&b->s, story_id) : NULL;
    if (!s || !s->last.set)
        return false;
    *out = s->last.pos;
    return true;
}

bool bookmarks_get_mark(const struct bookmarks *b, const char *story_id, char letter,
                        struct bm_pos *out)
{
    int li = letter_index(letter);
    const struct bm_story *s = b && li >= 0 ? story_lookup(&b->s, story_id) : NULL;
    if (!s || !s->mark || !s->mark[li].set)
        return false;
    *out = s->mark[li].pos;
    return true;
}

void bookmarks_marks(const struct bookmarks *b, const char *story_id, char *buf)
{
    size_t n = 0;
    const struct bm_story *s = b ? story_lookup(&b->s, story_id) : NULL;
    for (int l = 0; s && s->mark && l < BM_N_LETTERS; l++)
        if (s->mark[l].set)
            buf[n++] = index_letter(l);
    buf[n] = '\0';
}

/* A record from a caller's position: texts made safe for the file. */
static void rec_from_pos(struct bm_rec *r, const struct bm_pos *pos)
{
    memset(r, 0, sizeof *r);
    r->pos = *pos;
    struct bm_pos *p = &r->pos;
    p->chapter_key[sizeof p->chapter_key - 1] = '\0';
    if (!valid_id(p->chapter_key, strlen(p->chapter_key)))
        p->chapter_key[0] = '\0';
    p->context[sizeof p->context - 1] = '\0';
    char tmp[sizeof p->context];
    copy_text(tmp, p->context, BM_CTX);
    memcpy(p->context, tmp, sizeof tmp);
    p->chapter_title[sizeof p->chapter_title - 1] = '\0';
    char tt[sizeof p->chapter_title];
    copy_text(tt, p->chapter_title, BM_CHTITLE);
    memcpy(p->chapter_title, tt, sizeof tt);
    p->percent = (double)hundredths(p->percent) / 100;   /* as the file keeps it */
    if (p->when == 0)
        p->when = time(NULL);
    r->set = true;
    r->dirty = true;
}

static bool same_place(const struct bm_pos *a, const struct bm_pos *b)
{
    return strcmp(a->chapter_key, b->chapter_key) == 0 && a->chapter == b->chapter &&
           a->off == b->off;
}

static bool same_rec(const struct bm_pos *a, const struct bm_pos *b)
{
    return same_place(a, b) && a->percent == b->percent && a->when == b->when &&
           strcmp(a->context, b->context) == 0 && a->n_chapters == b->n_chapters &&
           strcmp(a->chapter_title, b->chapter_title) == 0;
}

/* The story for a setter, its title updated. */
static struct bm_story *story_for_set(struct bookmarks *b, const char *id, const char *title,
                                      time_t when)
{
    struct bm_story *s = story_get(&b->s, id);
    if (!title)
        return s;
    char *t = clean_title(title);
    if (!s->title_set || strcmp(t, s->title) != 0 || when > s->when) {
        free(s->title);
        free(s->title_extra);
        s->title = t;
        s->title_extra = NULL;
        if (when > s->when || !s->title_set)
            s->when = when;
        s->title_set = true;
        s->title_dirty = true;
        b->dirty = true;
    } else {
        free(t);
    }
    return s;
}

static time_t newest_last(const struct store *st)
{
    time_t t = 0;
    bool any = false;
    for (size_t i = 0; i < st->n; i++)
        if (st->st[i].last.set && (!any || st->st[i].last.pos.when > t)) {
            t = st->st[i].last.pos.when;
            any = true;
        }
    return t;
}

void bookmarks_set_last(struct bookmarks *b, const char *story_id, const char *title,
                        const struct bm_pos *pos)
{
    if (!b || !story_id || !pos || !valid_id(story_id, strlen(story_id)))
        return;
    struct bm_rec r;
    rec_from_pos(&r, pos);
    const struct bm_story *old = story_lookup(&b->s, story_id);
    if (old && old->last.set &&
        (same_rec(&old->last.pos, &r.pos) ||
         (same_place(&old->last.pos, &r.pos) && old->last.pos.when >= newest_last(&b->s)))) {
        story_for_set(b, story_id, title, old->last.pos.when);
        return;
    }
    struct bm_story *s = story_for_set(b, story_id, title, r.pos.when);
    rec_free(&s->last);
    s->last = r;
    b->dirty = true;
}

void bookmarks_set_mark(struct bookmarks *b, const char *story_id, const char *title,
                        char letter, const struct bm_pos *pos)
{
    int li = letter_index(letter);
    if (!b || !story_id || !pos || li < 0 || !valid_id(story_id, strlen(story_id)))
        return;
    struct bm_rec r;
    rec_from_pos(&r, pos);
    const struct bm_story *old = story_lookup(&b->s, story_id);
    if (old && old->mark && old->mark[li].set && same_place(&old->mark[li].pos, &r.pos)) {
        story_for_set(b, story_id, title, old->mark[li].pos.when);
        return;
    }
    struct bm_story *s = story_for_set(b, story_id, title, r.pos.when);
    struct bm_rec *m = story_mark(s, li);
    rec_free(m);
    *m = r;
    b->dirty = true;
}

const char *bookmarks_most_recent(const struct bookmarks *b)
{
    if (!b)
        return NULL;
    const struct bm_story *best = NULL;
    for (size_t i = 0; i < b->s.n; i++) {
        const struct bm_story *s = &b->s.st[i];
        if (s->last.set && (!best || s->last.pos.when > best->last.pos.when))
            best = s;
    }
    if (!best)
        return NULL;
    struct bookmarks *w = (struct bookmarks *)(uintptr_t)b;  /* a cache, not the store */
    snprintf(w->recent, sizeof w->recent, "%s", best->id);
    return w->recent;
}

struct bookmarks *bookmarks_parse(const char *data, size_t len, size_t *bad_lines, char **err)
{
    struct store st = {0};
    struct parse_info pi;
    enum parse_status ps = store_parse(data, len, &st, &pi);
    if (bad_lines)
        *bad_lines = pi.bad;
    if (ps != PARSE_OK) {
        store_free(&st);
        if (ps == PARSE_NEWER)
            set_err(err, "bookmarks: written by a newer quire (format %lu)", pi.version);
        else
            set_err(err, "bookmarks: unreadable (%s)", pi.why);
        return NULL;
    }
    struct bookmarks *b = xcalloc(1, sizeof *b);
    b->detached = true;
    b->quiet = true;
    b->s = st;
    return b;
}

char *bookmarks_format(const struct bookmarks *b, size_t *len)
{
    struct store empty = {0};
    return store_format(b ? &b->s : &empty, len);
}

/* ---- listings ------------------------------------------------------------ */

bool bookmarks_story(const struct bookmarks *b, size_t i, const char **id, const char **title)
{
    if (!b || i >= b->s.n)
        return false;
    *id = b->s.st[i].id;
    *title = b->s.st[i].title;
    return true;
}

/* ---- ids that changed: a story's records under an alias of it ------------
 * (story.h: struct story.alias; docs/FORMATS.md, "Story ids") */

/* Move the records of story `from` into story `to` (each record: the newer
 * WHEN wins, `to`'s on a tie) and remove `from`.  false when st has no
 * `from`. */
static bool store_move(struct store *st, const char *from, const char *to)
{
    bool found;
    if (strcmp(from, to) == 0)
        return false;
    (void)story_find(st, from, &found);
    if (!found)
        return false;
    (void)story_get(st, to);   /* may move the array: find both after it */
    size_t fi = story_find(st, from, &found);
    struct bm_story *f = &st->st[fi];
    struct bm_story *t = &st->st[story_find(st, to, &found)];
    if (f->title_set && (!t->title_set || f->when > t->when)) {
        free(t->title);
        free(t->title_extra);
        t->title = f->title;
        t->title_extra = f->title_extra;
        f->title = f->title_extra = NULL;
        t->when = f->when;
        t->title_set = true;
        t->title_dirty |= f->title_dirty;
    }
    if (f->last.set && (!t->last.set || f->last.pos.when > t->last.pos.when)) {
        rec_free(&t->last);
        t->last = f->last;
        f->last.extra = NULL;
    }
    for (int l = 0; f->mark && l < BM_N_LETTERS; l++) {
        struct bm_rec *m = &f->mark[l];
        if (!m->set)
            continue;
        struct bm_rec *tm = story_mark(t, l);
        if (!tm->set || m->pos.when > tm->pos.when) {
            rec_free(tm);
            *tm = *m;
            m->extra = NULL;
        }
    }
    story_free(f);
    memmove(&st->st[fi], &st->st[fi + 1], (st->n - fi - 1) * sizeof *st->st);
    st->n--;
    return true;
}

/* The moves made in memory, made again in the file as it is read by a save
 * (another process may have written under an old id meanwhile). */
static void moves_apply(const struct bookmarks *b, struct store *st)
{
    for (size_t i = 0; i < b->n_moves; i++)
        store_move(st, b->moves[i].from, b->moves[i].to);
}

static void moves_free(struct bookmarks *b)
{
    for (size_t i = 0; i < b->n_moves; i++) {
        free(b->moves[i].from);
        free(b->moves[i].to);
    }
    free(b->moves);
    b->moves = NULL;
    b->n_moves = b->cap_moves = 0;
}

void bookmarks_adopt(struct bookmarks *b, const struct library *lib)
{
    if (!b || !lib)
        return;
    for (size_t i = 0; i < lib->n_stories; i++) {
        const struct story *s = &lib->stories[i];
        for (size_t k = 0; k < s->n_alias; k++) {
            const char *a = s->alias[k];
            if (!story_lookup(&b->s, a))
                continue;
            bool owned = false;   /* another story's own id: its records */
            for (size_t j = 0; j < lib->n_stories && !owned; j++)
                owned = strcmp(lib->stories[j].id, a) == 0;
            if (owned || !valid_id(s->id, strlen(s->id)) || !store_move(&b->s, a, s->id))
                continue;
            XGROW(b->moves, b->cap_moves, b->n_moves + 1);
            b->moves[b->n_moves++] = (struct bm_move){xstrdup(a), xstrdup(s->id)};
        }
    }
}
