/* bookmarks_file.c — the bookmarks file format: parsing and writing it
 * (docs/FORMATS.md, "Bookmarks"). */
#include "bookmarks_internal.h"
#include "statefile.h"
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
                int h = hex_digit((unsigned char)s[i + 1]), l = hex_digit((unsigned char)s[i + 2]);
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
long bm_hundredths(double pc)
{
    if (!(pc >= 0))      /* also NaN */
        return 0;
    if (pc >= 100)
        return 10000;
    return (long)(pc * 100 + 0.5);
}

static void add_percent(struct buf *o, double pc)
{
    long h = bm_hundredths(pc);
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

/* The DEVICE field f[i] (when there is one) into dev (BM_DEV + 1 bytes),
 * and the raw fields after it into *extra (malloc'd, from its tab; NULL
 * when none).  A field that is no device id (1..16 id bytes; an empty one
 * too) is taken for a newer quire's field: no device, and it is kept with
 * the rest, so the line is written back as it was. */
static void parse_dev(const struct fields *fs, size_t i, char *dev, char **extra)
{
    dev[0] = '\0';
    *extra = NULL;
    if (fs->n <= i)
        return;
    size_t n = fs->fl[i];
    if (n <= BM_DEV && bm_valid_id(fs->f[i], n)) {
        memcpy(dev, fs->f[i], n);
        dev[n] = '\0';
        if (fs->rest)
            *extra = xstrndup(fs->rest, fs->rest_len);
        return;
    }
    const char *from = fs->f[i] - 1;   /* its tab */
    const char *end = fs->rest ? fs->rest + fs->rest_len : fs->f[i] + n;
    *extra = xstrndup(from, (size_t)(end - from));
}

/* The position fields from f[k]: key, chapter, off, percent, when, context
 * [, chapters, chapter title [, device]]. */
static bool parse_pos(const struct fields *fs, size_t k, struct bm_rec *r)
{
    struct bm_pos *p = &r->pos;
    memset(r, 0, sizeof *r);
    if (fs->n < k + 6)
        return false;
    if (fs->fl[k] > 16 || (fs->fl[k] && !bm_valid_id(fs->f[k], fs->fl[k])))
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
    parse_dev(fs, k + 8, r->dev, &r->extra);
    r->set = true;
    return true;
}

/* Put record r into slot *dst when the slot is empty or r is at least as new
 * (WHEN, then device; a later line wins a full tie); r is consumed. */
static void rec_keep(struct bm_rec *dst, struct bm_rec *r)
{
    if (!bm_rec_held(dst) || bm_newer(r->pos.when, r->dev, dst->pos.when, dst->dev) >= 0) {
        bm_rec_free(dst);
        *dst = *r;
    } else {
        bm_rec_free(r);
    }
}

/* A line git writes around a conflict (<<<<<<< ours, ||||||| base,
 * =======, >>>>>>> theirs): the versions between them are records like
 * any other, of which the newer count, so the markers are dropped. */
static bool conflict_marker(const char *s, size_t n)
{
    if (n == 7 && memcmp(s, "=======", 7) == 0)
        return true;
    return n >= 7 && (n == 7 || s[7] == ' ') &&
           (memcmp(s, "<<<<<<<", 7) == 0 || memcmp(s, ">>>>>>>", 7) == 0 ||
            memcmp(s, "|||||||", 7) == 0);
}

/* One record line (without its end).  false when it is unreadable.  WHENs
 * after `now` by more than a day are taken as now (statefile_clamp_when). */
static bool parse_line(const char *s, size_t n, struct store *st, time_t now)
{
    if (memchr(s, '\0', n) || u8_check((const uint8_t *)s, n) != NULL)
        return false;
    if (conflict_marker(s, n))
        return true;
    struct fields fs;
    split(s, n, 1, &fs);
    if (field_is(&fs, 0, "story")) {
        split(s, n, 5, &fs);
        if (fs.n < 4 || !bm_valid_id(fs.f[1], fs.fl[1]))
            return false;
        time_t when;
        if (!parse_time(fs.f[2], fs.fl[2], &when))
            return false;
        when = statefile_clamp_when(when, now);
        char *title = unesc_dup(fs.f[3], fs.fl[3], BM_MAX_TITLE);
        if (!title)
            return false;
        char dev[BM_DEV + 1];
        char *extra;
        parse_dev(&fs, 4, dev, &extra);
        char *id = xstrndup(fs.f[1], fs.fl[1]);
        struct bm_story *b = bm_story_get(st, id);
        free(id);
        if (!b->title_set || bm_newer(when, dev, b->when, b->title_dev) >= 0) {
            free(b->title);
            free(b->title_extra);
            b->title = title;
            b->when = when;
            memcpy(b->title_dev, dev, sizeof dev);
            b->title_set = true;
            b->title_extra = extra;
        } else {
            free(title);
            free(extra);
        }
        return true;
    }
    if (field_is(&fs, 0, "last") || field_is(&fs, 0, "mark")) {
        bool mark = fs.fl[0] == 4 && s[0] == 'm';
        size_t k = mark ? 3 : 2;      /* first position field */
        split(s, n, k + 9, &fs);
        if (fs.n < 2 || !bm_valid_id(fs.f[1], fs.fl[1]))
            return false;
        int li = -1;
        if (mark && (fs.n < 3 || fs.fl[2] != 1 || (li = bm_letter_index(fs.f[2][0])) < 0))
            return false;
        struct bm_rec r;
        if (!parse_pos(&fs, k, &r))
            return false;
        r.pos.when = statefile_clamp_when(r.pos.when, now);
        char *id = xstrndup(fs.f[1], fs.fl[1]);
        struct bm_story *b = bm_story_get(st, id);
        free(id);
        rec_keep(mark ? bm_story_mark(b, li) : &b->last, &r);
        return true;
    }
    if (field_is(&fs, 0, "unmark")) {
        /* unmark ID LETTER WHEN [DEVICE]: a tombstone */
        split(s, n, 5, &fs);
        int li;
        struct bm_rec r;
        memset(&r, 0, sizeof r);
        if (fs.n < 4 || !bm_valid_id(fs.f[1], fs.fl[1]) || fs.fl[2] != 1 ||
            (li = bm_letter_index(fs.f[2][0])) < 0 || !parse_time(fs.f[3], fs.fl[3], &r.pos.when))
            return false;
        r.pos.when = statefile_clamp_when(r.pos.when, now);
        r.gone = true;
        parse_dev(&fs, 4, r.dev, &r.extra);
        char *id = xstrndup(fs.f[1], fs.fl[1]);
        struct bm_story *b = bm_story_get(st, id);
        free(id);
        rec_keep(bm_story_mark(b, li), &r);
        return true;
    }
    /* A record type of a newer quire, or a comment: kept as it is. */
    XGROW(st->unknown, st->cap_unknown, st->n_unknown + 1);
    st->unknown[st->n_unknown++] = xstrndup(s, n);
    return true;
}

/* Parse a whole file into *st (empty on entry). */
enum parse_status bm_store_parse(const char *data, size_t len, struct store *st,
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
    time_t now = time(NULL);
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
            ok = n <= BM_MAX_LINE && parse_line(data + p, n, st, now);
        if (!ok && pi->bad++ == 0)
            pi->first_bad = lineno;
        p = end + 1;
    }
    return PARSE_OK;
}

/* A record's DEVICE field (when it has one), the fields a newer quire
 * added (kept from the line read), and the line end. */
static void add_dev(struct buf *o, const char *dev, const char *extra)
{
    if (dev[0])
        buf_printf(o, "\t%s", dev);
    if (extra)
        buf_adds(o, extra);
    buf_addc(o, '\n');
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
    add_dev(o, r->dev, r->extra);
}

char *bm_store_format(const struct store *st, size_t *len)
{
    struct buf o = {0};
    buf_printf(&o, "%s %d\n", BM_MAGIC, BM_VERSION);
    time_t old = time(NULL) - BM_TOMB_KEEP;   /* tombstones before it are dropped */
    for (size_t i = 0; i < st->n; i++) {
        const struct bm_story *s = &st->st[i];
        if (s->title_set || s->title[0]) {
            buf_printf(&o, "story\t%s\t", s->id);
            add_time(&o, s->when);
            buf_addc(&o, '\t');
            esc_add(&o, s->title);
            add_dev(&o, s->title_dev, s->title_extra);
        }
        if (s->last.set) {
            buf_printf(&o, "last\t%s", s->id);
            add_pos(&o, &s->last);
        }
        for (int l = 0; s->mark && l < BM_N_LETTERS; l++) {
            const struct bm_rec *m = &s->mark[l];
            if (m->set) {
                buf_printf(&o, "mark\t%s\t%c", s->id, bm_index_letter(l));
                add_pos(&o, m);
            } else if (m->gone && m->pos.when >= old) {
                buf_printf(&o, "unmark\t%s\t%c\t", s->id, bm_index_letter(l));
                add_time(&o, m->pos.when);
                add_dev(&o, m->dev, m->extra);
            }
        }
    }
    for (size_t i = 0; i < st->n_unknown; i++) {
        buf_adds(&o, st->unknown[i]);
        buf_addc(&o, '\n');
    }
    *len = o.len;
    return o.data;
}
