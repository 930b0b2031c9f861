/* bookmarks_place.c — positions in a story: making one from a place in the
 * reader, finding it again (re-anchoring by context).  See bookmarks.h. */
#include "bookmarks_internal.h"
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
        size_t k = bm_u8_char(t + p, end - p);
        if (k == 0 || n + k > BM_CTX)
            break;
        memcpy(ctx + n, t + p, k);
        n += k;
        p += k;
    }
    ctx[n] = '\0';
}

/* Does `ctx` match text[p, end), white space runs matching one space?  A
 * space that ends ctx also matches the chapter's end: the same chapter
 * ends with its line end in one file and without it in another (the next
 * chapter's file, or the next chapter in the same file). */
static bool ctx_match(const char *t, size_t p, size_t end, const char *ctx)
{
    for (size_t i = 0; ctx[i]; i++) {
        if (p >= end)
            return ctx[i] == ' ' && ctx[i + 1] == '\0';
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
        bool in = d == 0;   /* near == hi: nothing ahead, search behind */
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
    bm_copy_text(out->chapter_title, c->title ? c->title : "", BM_CHTITLE);
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
