/* ebook_wire.c — requests and replies between quire and quire-convert.
 * See ebook_wire.h. */
#include "ebook_wire.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

#define NO_STR 0xFFFFFFFFu
#define SAMPLE ((size_t)4096)
/* Grown in steps of at most this many bytes as they arrive. */
#define CHUNK ((size_t)1 << 20)

/* ---- sinks and sources ---- */

bool wire_fd_get(void *ctx, void *p, size_t n)
{
    struct wire_fd *w = ctx;
    unsigned char *o = p;
    while (n > 0) {
        if (w->pos < w->len) {
            size_t k = w->len - w->pos < n ? w->len - w->pos : n;
            memcpy(o, w->buf + w->pos, k);
            w->pos += k;
            o += k;
            n -= k;
            continue;
        }
        /* empty: a large read goes straight to its place */
        bool direct = n >= sizeof w->buf;
        ssize_t r = read(w->fd, direct ? (void *)o : (void *)w->buf,
                         direct ? n : sizeof w->buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            w->gone = true;
            return false;
        }
        if (direct) {
            o += r;
            n -= (size_t)r;
        } else {
            w->pos = 0;
            w->len = (size_t)r;
        }
    }
    return true;
}

/* Write all n bytes of p to fd: send() on a socket (no SIGPIPE), else
 * write(). */
static bool write_all(int fd, const void *p, size_t n)
{
    const unsigned char *s = p;
    while (n > 0) {
        ssize_t r = send(fd, s, n, MSG_NOSIGNAL);
        if (r < 0 && errno == ENOTSOCK)
            r = write(fd, s, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        s += r;
        n -= (size_t)r;
    }
    return true;
}

bool wire_fd_flush(struct wire_fd *w)
{
    bool ok = write_all(w->fd, w->buf, w->len);
    w->len = 0;
    w->gone = w->gone || !ok;
    return ok;
}

bool wire_fd_put(void *ctx, const void *p, size_t n)
{
    struct wire_fd *w = ctx;
    if (w->len + n <= sizeof w->buf) {
        memcpy(w->buf + w->len, p, n);
        w->len += n;
        return true;
    }
    if (!wire_fd_flush(w))
        return false;
    if (n >= sizeof w->buf) {
        bool ok = write_all(w->fd, p, n);
        w->gone = w->gone || !ok;
        return ok;
    }
    memcpy(w->buf, p, n);
    w->len = n;
    return true;
}

bool wire_mem_get(void *ctx, void *p, size_t n)
{
    struct wire_mem *m = ctx;
    if (n > m->n - m->pos)
        return false;
    memcpy(p, m->p + m->pos, n);
    m->pos += n;
    return true;
}

bool wire_buf_put(void *ctx, const void *p, size_t n)
{
    buf_add(ctx, p, n);
    return true;
}

uint64_t ebook_wire_sample(const void *bytes, size_t n)
{
    const unsigned char *b = bytes;
    uint64_t len = n;
    uint64_t h = fnv1a(FNV_OFFSET, &len, sizeof len);
    h = fnv1a(h, b, n < SAMPLE ? n : SAMPLE);
    if (n > SAMPLE) {
        size_t tail = n - SAMPLE < SAMPLE ? n - SAMPLE : SAMPLE;
        h = fnv1a(h, b + n - tail, tail);
    }
    return h;
}

/* ---- encoding ---- */

static bool put_u8(struct wire_sink *s, unsigned v)
{
    unsigned char c = (unsigned char)v;
    return s->put(s->ctx, &c, 1);
}

static bool put_u32(struct wire_sink *s, uint32_t v)
{
    unsigned char b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    return s->put(s->ctx, b, sizeof b);
}

static bool put_u64(struct wire_sink *s, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    return s->put(s->ctx, b, sizeof b);
}

static bool put_str(struct wire_sink *s, const char *str)
{
    if (!str)
        return put_u32(s, NO_STR);
    size_t n = strlen(str);
    if (n > EBOOK_WIRE_STR_MAX)
        n = EBOOK_WIRE_STR_MAX;   /* never more than a reader takes */
    return put_u32(s, (uint32_t)n) && s->put(s->ctx, str, n);
}

bool ebook_wire_put_hello(struct wire_sink *s)
{
    return s->put(s->ctx, "QCV1", 4) && put_u32(s, EBOOK_VERSION) &&
           put_u32(s, EBOOK_WIRE_VERSION);
}

bool ebook_wire_put_request(struct wire_sink *s, const struct ebook_wire_req *r)
{
    size_t n = r->path ? 0 : r->n;
    return s->put(s->ctx, "QRQ1", 4) && put_u32(s, (uint32_t)r->op) &&
           put_u32(s, (uint32_t)r->format) && put_u64(s, r->head) &&
           put_str(s, r->name ? r->name : "") && put_str(s, r->path) && put_u64(s, r->dev) &&
           put_u64(s, r->ino) && put_u64(s, r->size) && put_u64(s, (uint64_t)r->mtime_ns) &&
           put_u64(s, r->sample) && put_u64(s, n) && (n == 0 || s->put(s->ctx, r->bytes, n));
}

static bool put_meta(struct wire_sink *s, const struct parse_meta *m)
{
    uint64_t bits;
    memcpy(&bits, &m->series_index, sizeof bits);
    if (!put_str(s, m->series) || !put_u64(s, bits) || !put_str(s, m->summary) ||
        !put_u32(s, (uint32_t)m->n_tags))
        return false;
    for (size_t i = 0; i < m->n_tags; i++)
        if (!put_str(s, m->tags[i]))
            return false;
    return put_str(s, m->rating) && put_str(s, m->status) && put_str(s, m->source_url) &&
           put_str(s, m->language) && put_str(s, m->published) && put_str(s, m->updated);
}

static bool put_ebook(struct wire_sink *s, const struct ebook *eb)
{
    const struct parse_result *pr = &eb->pr;
    if (!put_u64(s, eb->len) || (eb->len && !s->put(s->ctx, eb->text, eb->len)) ||
        !put_str(s, eb->format) || !put_str(s, pr->title) || !put_str(s, pr->author) ||
        !put_str(s, pr->one_chapter_why) || !put_u64(s, pr->body) ||
        !put_u8(s, pr->fanficfare) || !put_meta(s, &pr->meta) || !put_u64(s, pr->n_ch))
        return false;
    for (size_t i = 0; i < pr->n_ch; i++) {
        const struct parse_chapter *c = &pr->ch[i];
        if (!put_u64(s, c->start) || !put_u64(s, c->end) || !put_u64(s, c->front_end) ||
            !put_u64(s, c->body) || !put_u64(s, c->back) || !put_u32(s, (uint32_t)c->number) ||
            !put_str(s, c->title))
            return false;
    }
    if (!put_u64(s, eb->n_blocks))
        return false;
    for (size_t i = 0; i < eb->n_blocks; i++) {
        const struct block *b = &eb->blocks[i];
        unsigned char rec[18];
        for (int k = 0; k < 8; k++) {
            rec[k] = (unsigned char)((uint64_t)b->off >> (8 * k));
            rec[8 + k] = (unsigned char)((uint64_t)b->end >> (8 * k));
        }
        rec[16] = b->kind;
        rec[17] = b->flags;
        if (!s->put(s->ctx, rec, sizeof rec))
            return false;
    }
    return s->put(s->ctx, "QEND", 4);
}

bool ebook_wire_put_reply(struct wire_sink *s, int status, const struct ebook *eb, size_t total,
                          const char *msg)
{
    if (!s->put(s->ctx, "QRP1", 4) || !put_u8(s, (unsigned)status))
        return false;
    if (status == EBOOK_WIRE_OK)
        return put_u64(s, total) && put_ebook(s, eb);
    if (status == EBOOK_WIRE_ERROR)
        return put_str(s, msg && *msg ? msg : "no reason given");
    return true;
}

/* ---- decoding ---- */

/* The reader's state: the source and the first thing found wrong. */
struct rd {
    struct wire_source *s;
    const char *why;   /* static text; NULL while all is well */
};

static bool get(struct rd *r, void *p, size_t n, const char *what)
{
    if (r->why)
        return false;
    if (!r->s->get(r->s->ctx, p, n)) {
        r->why = what;
        return false;
    }
    return true;
}

static bool get_u8(struct rd *r, unsigned *v)
{
    unsigned char c;
    if (!get(r, &c, 1, "the reply ends early"))
        return false;
    *v = c;
    return true;
}

static bool get_u32(struct rd *r, uint32_t *v)
{
    unsigned char b[4];
    if (!get(r, b, sizeof b, "the reply ends early"))
        return false;
    *v = 0;
    for (int i = 0; i < 4; i++)
        *v |= (uint32_t)b[i] << (8 * i);
    return true;
}

static bool get_u64(struct rd *r, uint64_t *v)
{
    unsigned char b[8];
    if (!get(r, b, sizeof b, "the reply ends early"))
        return false;
    *v = 0;
    for (int i = 0; i < 8; i++)
        *v |= (uint64_t)b[i] << (8 * i);
    return true;
}

/* A size_t from a u64 no larger than max. */
static bool get_size(struct rd *r, size_t max, size_t *v, const char *what)
{
    uint64_t u;
    if (!get_u64(r, &u))
        return false;
    if (u > max) {
        r->why = what;
        return false;
    }
    *v = (size_t)u;
    return true;
}

/* n bytes into a malloc'd buffer grown as they arrive (a lying length
 * costs what was really sent), NUL-terminated. */
static char *get_bytes(struct rd *r, size_t n)
{
    size_t cap = (n < CHUNK ? n : CHUNK) + 1;
    char *p = xmalloc(cap);
    size_t have = 0;
    while (have < n) {
        size_t k = n - have < CHUNK ? n - have : CHUNK;
        if (have + k + 1 > cap) {
            size_t want = cap * 2 < have + k + 1 ? have + k + 1 : cap * 2;
            cap = want < n + 1 ? want : n + 1;
            p = xrealloc(p, cap);
        }
        if (!get(r, p + have, k, "the reply ends early")) {
            free(p);
            return NULL;
        }
        have += k;
    }
    p[n] = '\0';
    return p;
}

/* A str field: *out malloc'd or NULL (NO_STR); false on a broken one. */
static bool get_str(struct rd *r, char **out)
{
    *out = NULL;
    uint32_t n;
    if (!get_u32(r, &n))
        return false;
    if (n == NO_STR)
        return true;
    if (n > EBOOK_WIRE_STR_MAX) {
        r->why = "a string longer than allowed";
        return false;
    }
    *out = get_bytes(r, n);
    return *out != NULL;
}

static bool get_magic(struct rd *r, const char *magic, const char *what)
{
    char m[4];
    if (!get(r, m, sizeof m, what))
        return false;
    if (memcmp(m, magic, sizeof m) != 0) {
        r->why = what;
        return false;
    }
    return true;
}

static char *why_of(struct rd *r, const char *fallback)
{
    return xstrdup(r->why ? r->why : fallback);
}

bool ebook_wire_get_hello(struct wire_source *s, char **err)
{
    struct rd r = {s, NULL};
    uint32_t ev = 0, wv = 0;
    if (!get_magic(&r, "QCV1", "not a quire converter") || !get_u32(&r, &ev) ||
        !get_u32(&r, &wv)) {
        set_err(err, "%s", r.why);
        return false;
    }
    if (ev != EBOOK_VERSION || wv != EBOOK_WIRE_VERSION) {
        set_err(err, "for another quire (ebook version %u wire %u, this quire's are %d and %d)",
                ev, wv, EBOOK_VERSION, EBOOK_WIRE_VERSION);
        return false;
    }
    return true;
}

void ebook_wire_req_free(struct ebook_wire_req *r)
{
    if (!r)
        return;
    free((void *)(uintptr_t)r->name);
    free(r->path);
    free((void *)(uintptr_t)r->bytes);
    memset(r, 0, sizeof *r);
}

bool ebook_wire_get_request(struct wire_source *s, struct ebook_wire_req *q, char **err)
{
    memset(q, 0, sizeof *q);
    struct rd r = {s, NULL};
    char m[4];
    if (!s->get(s->ctx, m, 1))
        return false;   /* closed between requests: no error */
    if (!get(&r, m + 1, 3, "the request ends early") || memcmp(m, "QRQ1", 4) != 0) {
        set_err(err, "%s", r.why ? r.why : "not a request");
        return false;
    }
    uint32_t op = 0, format = 0;
    uint64_t mtime = 0;
    char *name = NULL;
    size_t n = 0;
    bool ok = get_u32(&r, &op) && get_u32(&r, &format) && get_u64(&r, &q->head) &&
              get_str(&r, &name) && get_str(&r, &q->path) && get_u64(&r, &q->dev) &&
              get_u64(&r, &q->ino) && get_u64(&r, &q->size) && get_u64(&r, &mtime) &&
              get_u64(&r, &q->sample) &&
              get_size(&r, EBOOK_WIRE_BYTES_MAX, &n, "more bytes than allowed");
    q->name = name;
    if (ok && (op < EBOOK_WIRE_READ_FILE || op > EBOOK_WIRE_READ_HEAD || !q->name ||
               (format != EBOOK_HTML && format != EBOOK_EPUB) ||
               (op == EBOOK_WIRE_READ_FILE && !q->path) || (q->path && n))) {
        r.why = "a request out of shape";
        ok = false;
    }
    if (ok) {
        q->op = (int)op;
        q->format = (int)format;
        q->mtime_ns = (int64_t)mtime;
        q->n = n;
        if (!q->path) {
            q->bytes = (const unsigned char *)get_bytes(&r, n);
            ok = q->bytes != NULL;
        }
    }
    if (!ok) {
        set_err(err, "%s", r.why);
        ebook_wire_req_free(q);
    }
    return ok;
}

/* parse_result_free's work, done here: this module is under decode.c's
 * door and parse_text.o uses decode.o, so it may not call parse_text.o
 * (tests/arch/t_layers.sh); parse_meta.o is below both.  It frees every
 * field the wire carries. */
static void free_result(struct parse_result *pr)
{
    parse_meta_free(&pr->meta);
    free(pr->title);
    free(pr->author);
    free(pr->one_chapter_why);
    for (size_t i = 0; i < pr->n_ch; i++)
        free(pr->ch[i].title);
    free(pr->ch);
    memset(pr, 0, sizeof *pr);
}

void ebook_wire_free(struct ebook *eb)
{
    if (!eb)
        return;
    free(eb->text);
    free(eb->blocks);
    free(eb->format);
    free_result(&eb->pr);
    memset(eb, 0, sizeof *eb);
}

static bool get_meta(struct rd *r, struct parse_meta *m)
{
    uint64_t bits;
    uint32_t n_tags;
    if (!get_str(r, &m->series) || !get_u64(r, &bits) || !get_str(r, &m->summary) ||
        !get_u32(r, &n_tags))
        return false;
    memcpy(&m->series_index, &bits, sizeof bits);
    size_t cap = 0;
    for (uint32_t i = 0; i < n_tags; i++) {
        if (m->n_tags == cap) {
            XGROW(m->tags, cap, m->n_tags + 1);
        }
        if (!get_str(r, &m->tags[m->n_tags]))
            return false;
        if (!m->tags[m->n_tags]) {
            r->why = "a missing tag";
            return false;
        }
        m->n_tags++;
    }
    return get_str(r, &m->rating) && get_str(r, &m->status) && get_str(r, &m->source_url) &&
           get_str(r, &m->language) && get_str(r, &m->published) && get_str(r, &m->updated);
}

/* Chapters in order, each inside the text and its parts in order (as
 * derived.c checks them). */
static bool get_chapters(struct rd *r, struct ebook *eb)
{
    struct parse_result *pr = &eb->pr;
    uint64_t count;
    if (!get_u64(r, &count))
        return false;
    size_t cap = 0, prev_end = pr->body;
    for (uint64_t i = 0; i < count; i++) {
        if (pr->n_ch == cap) {
            XGROW(pr->ch, cap, pr->n_ch + 1);
        }
        struct parse_chapter *c = &pr->ch[pr->n_ch];
        memset(c, 0, sizeof *c);
        uint64_t v[5];
        uint32_t number;
        for (int k = 0; k < 5; k++)
            if (!get_u64(r, &v[k]))
                return false;
        if (!get_u32(r, &number))
            return false;
        if (!(v[0] >= prev_end && v[0] <= v[2] && v[2] <= v[3] && v[3] <= v[4] &&
              v[4] <= v[1] && v[1] <= eb->len)) {
            r->why = "a chapter out of order or outside the text";
            return false;
        }
        c->start = (size_t)v[0];
        c->end = (size_t)v[1];
        c->front_end = (size_t)v[2];
        c->body = (size_t)v[3];
        c->back = (size_t)v[4];
        c->number = (int)number;
        if (!get_str(r, &c->title))
            return false;
        pr->n_ch++;
        prev_end = c->end;
    }
    return true;
}

static bool get_blocks(struct rd *r, struct ebook *eb)
{
    uint64_t count;
    if (!get_u64(r, &count))
        return false;
    size_t cap = 0, prev = 0;
    for (uint64_t i = 0; i < count; i++) {
        unsigned char rec[18];
        if (!get(r, rec, sizeof rec, "the reply ends early"))
            return false;
        uint64_t off = 0, end = 0;
        for (int k = 0; k < 8; k++) {
            off |= (uint64_t)rec[k] << (8 * k);
            end |= (uint64_t)rec[8 + k] << (8 * k);
        }
        if (off > end || end > eb->len || off < prev || rec[16] > BLOCK_VERSE || rec[17] > 15) {
            r->why = "a block out of order, outside the text or of no known kind";
            return false;
        }
        if (eb->n_blocks == cap) {
            XGROW(eb->blocks, cap, eb->n_blocks + 1);
        }
        struct block *b = &eb->blocks[eb->n_blocks++];
        b->off = (size_t)off;
        b->end = (size_t)end;
        b->kind = rec[16];
        b->flags = rec[17];
        prev = b->off;
    }
    return true;
}

static bool get_ebook(struct rd *r, struct ebook *eb)
{
    unsigned ffare;
    if (!get_size(r, EBOOK_WIRE_TEXT_MAX, &eb->len, "a text longer than allowed"))
        return false;
    eb->text = get_bytes(r, eb->len);
    if (!eb->text)
        return false;
    eb->cap_text = eb->len + 1;
    struct parse_result *pr = &eb->pr;
    if (!get_str(r, &eb->format) || !get_str(r, &pr->title) || !get_str(r, &pr->author) ||
        !get_str(r, &pr->one_chapter_why) || !get_size(r, eb->len, &pr->body, "a body outside the text") ||
        !get_u8(r, &ffare) || !get_meta(r, &pr->meta) || !get_chapters(r, eb) ||
        !get_blocks(r, eb))
        return false;
    pr->fanficfare = ffare != 0;
    eb->cap_ch = pr->n_ch;
    eb->cap_blocks = eb->n_blocks;
    return get_magic(r, "QEND", "the reply does not end where it should");
}

int ebook_wire_get_reply(struct wire_source *s, struct ebook *out, size_t *total, char **err)
{
    memset(out, 0, sizeof *out);
    struct rd r = {s, NULL};
    unsigned status = 0;
    if (!get_magic(&r, "QRP1", "not a reply") || !get_u8(&r, &status)) {
        set_err(err, "%s", r.why);
        return -1;
    }
    if (status == EBOOK_WIRE_CHANGED)
        return EBOOK_WIRE_CHANGED;
    if (status == EBOOK_WIRE_ERROR) {
        char *msg = NULL;
        if (!get_str(&r, &msg) || !msg || !*msg || strchr(msg, '\n')) {
            free(msg);
            set_err(err, "%s", r.why ? r.why : "an error reply without one line");
            return -1;
        }
        if (err) {
            free(*err);
            *err = msg;
        } else {
            free(msg);
        }
        return EBOOK_WIRE_ERROR;
    }
    if (status != EBOOK_WIRE_OK) {
        set_err(err, "a reply of no known status");
        return -1;
    }
    uint64_t t;
    if (!get_u64(&r, &t) || !get_ebook(&r, out)) {
        ebook_wire_free(out);
        char *why = why_of(&r, "a reply out of shape");
        set_err(err, "%s", why);
        free(why);
        return -1;
    }
    if (total)
        *total = t > SIZE_MAX ? SIZE_MAX : (size_t)t;
    return EBOOK_WIRE_OK;
}
