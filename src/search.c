/* search.c — case- and normalisation-insensitive search (see search.h).
 *
 * Both needle and text are folded the same way: every grapheme cluster is
 * case-folded with compatibility decomposition (u8_casefold, NFKD), and a
 * whitespace run becomes one space.  The text is folded a chunk at a time
 * into a window that remembers, for every folded byte, the source offset of
 * its cluster and whether it starts one; memmem finds the needle in the
 * window and a hit counts only when it begins and ends on cluster
 * boundaries.  A line end after a hyphenated word's hyphen folds to
 * nothing, as the layout shows it ("Saint-Romain" finds "Saint-\nRomain"),
 * and so does a backslash escaping ASCII punctuation ("school\'s").
 * Emphasis markers the layout may hide (`*`, `_`, the converter's
 * underline and strike bytes) fold to nothing too, unless the needle holds
 * that character (see search.h for the rule; marker_end below).
 * ASCII is folded inline; single-code-point clusters go through
 * a small per-call cache, so u8_casefold runs about once per distinct
 * character rather than once per character. */
#include "search.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unigbrk.h>
#include <uninorm.h>
#include <unistr.h>

#include "parse.h"
#include "uchar.h"
#include "util.h"

#define CHUNK (64 * 1024)        /* source bytes folded per step */
#define STRETCH_MAX (256 * 1024) /* longest non-ASCII stretch folded at once */
#define CACHE_SLOTS 4096
#define TICK_BYTES (256 * 1024) /* source bytes read between two ticks */

/* One character's folding, remembered: folding is a pure function of the
 * character, so a search keeps its slots from one search_find to the next. */
struct cache_slot { uint32_t c; uint8_t len; char f[15]; };

/* What win_fold's ASCII path looks at an ASCII byte for, one table
 * lookup per byte: the marker bytes search may skip, one bit each (a needle
 * without the character skips it in the text), white space, a backslash. */
enum { MARKERS_ALL = 63, C_SPACE = 64, C_BACKSLASH = 128 };
static const uint8_t ASCII_CLASS[128] = {
    ['*'] = 1, ['_'] = 2, ['\x0E'] = 4, ['\x0F'] = 8, ['\x1C'] = 16, ['\x1D'] = 32,
    [' '] = C_SPACE, ['\t'] = C_SPACE, ['\n'] = C_SPACE, ['\v'] = C_SPACE, ['\f'] = C_SPACE,
    ['\r'] = C_SPACE, ['\\'] = C_BACKSLASH,
};

/* A search's pace (search_pace): written as it reads, through the const
 * pointer search_find takes, as the cache is. */
struct pace {
    bool (*tick)(void *ctx);   /* NULL: no ticks */
    void *ctx;
    size_t since;     /* source bytes read since the last tick */
    bool stopped;     /* the tick said stop */
    bool in_tick;     /* a search inside the tick neither ticks nor counts */
};

struct search {
    char *fold;       /* folded needle */
    size_t len;
    uint8_t skip;     /* ASCII_CLASS bits of the markers folded to nothing */
    struct cache_slot *cache;   /* CACHE_SLOTS, shared by its windows */
    struct pace *pace;
};

/* A folded window of the text. */
struct window {
    char *f;          /* folded bytes */
    size_t *src;      /* source offset of each folded byte's cluster; src[n] = end */
    uint8_t *first;   /* 1 where a cluster's folding starts; first[n] = 1 */
    size_t n, cap;
    size_t pos;       /* next source byte to fold */
    size_t lo;        /* first source byte the window may read */
    size_t min;       /* the search's lo: marker_end looks back to it */
    uint8_t skip;     /* the search's marker bits */
    size_t kept_to;   /* end of the last marker run kept as text */
    char *gb;         /* grapheme breaks of one stretch */
    size_t gcap;
    struct cache_slot *cache;
    bool own_cache;   /* win_free frees it (else it is the search's) */
};

static bool is_space(uint32_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

/* The class of the character at text[i] (after) or before it (!after),
 * as markup.c sees a marker's sides: 0 edge or space, 1 punctuation, 2 a
 * letter or digit.  Reads text[lo, hi). */
static int side_class(const char *text, size_t lo, size_t hi, size_t i, bool after)
{
    if (after ? i >= hi : i <= lo)
        return 0;
    uint32_t c;
    if (after)
        uch_decode(text, i, hi, &c);
    else
        uch_decode(text, uch_prev(text, i), hi, &c);
    if (uch_is_space(c))
        return 0;
    return uch_is_alnum(c) ? 2 : 1;
}

/* If text[i] is a marker the window skips, the end of what it skips, else
 * i.  A superset of what markup_scan hides, decided from the marker's
 * neighbours alone (no pairing, so folding can start anywhere):
 * - a run of `*` or `_` (not escaped: an escape's character is folded as
 *   text before this is asked) unless it stands between two letters or
 *   digits ("snake_case", "2*3") or between two spaces or edges
 *   ("5 * 3", a `* * *` line): markup_scan hides no other marker run;
 * - an underline or strike opener unless a letter or digit comes before
 *   it, a closer unless one comes after it (markup_scan's rule). */
static size_t marker_end(struct window *w, const char *text, size_t hi, size_t i)
{
    unsigned char b = (unsigned char)text[i];
    if (b >= 0x80 || !(ASCII_CLASS[b] & w->skip & MARKERS_ALL) || i < w->kept_to)
        return i;   /* (the rest of a run kept: decided once per run) */
    if (b == MARKUP_U_ON || b == MARKUP_S_ON)
        return side_class(text, w->min, hi, i, false) == 2 ? i : i + 1;
    if (b == MARKUP_U_OFF || b == MARKUP_S_OFF)
        return side_class(text, w->min, hi, i + 1, true) == 2 ? i : i + 1;
    size_t a = i, r = i + 1;
    while (a > w->min && text[a - 1] == (char)b)
        a--;   /* the run's start, when folding began inside it */
    while (r < hi && text[r] == (char)b)
        r++;
    int before = side_class(text, w->min, hi, a, false), after = side_class(text, w->min, hi, r, true);
    if (before == after && before != 1) {
        w->kept_to = r;
        return i;
    }
    return r;
}

static void win_grow(struct window *w, size_t need)
{
    size_t cap = w->cap ? w->cap : 4096;
    while (cap < need)
        cap *= 2;
    w->f = xrealloc(w->f, cap);
    w->src = xreallocarray(w->src, cap, sizeof *w->src);
    w->first = xrealloc(w->first, cap);
    w->cap = cap;
}

/* Room for `more` folded bytes and the end entry. */
static inline void win_reserve(struct window *w, size_t more)
{
    if (w->n + more + 1 > w->cap)
        win_grow(w, w->n + more + 1);
}

/* uch_hyphen_joins, asked only after a hyphen (`-` or U+2010's last
 * byte): most white space follows no hyphen. */
static inline bool hyphen_joins(const char *text, size_t lo, size_t hi, size_t i, size_t j)
{
    return i > lo && (text[i - 1] == '-' || (unsigned char)text[i - 1] == 0x90) &&
           uch_hyphen_joins(text, lo, hi, i, j);
}

static void win_put(struct window *w, const char *s, size_t n, size_t src)
{
    win_reserve(w, n);
    memcpy(w->f + w->n, s, n);
    for (size_t k = 0; k < n; k++) {
        w->src[w->n + k] = src;
        w->first[w->n + k] = k == 0;
    }
    w->n += n;
}

/* Fold one cluster s[0, n) into w (source offset src). */
static void fold_cluster(struct window *w, const char *s, size_t n, size_t src)
{
    ucs4_t c = 0;
    int l = u8_mbtouc(&c, (const uint8_t *)s, n);
    bool single = (size_t)l == n;
    if (single && ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF))) {
        win_put(w, s, n, src);   /* CJK ideographs: no case, no decomposition */
        return;
    }
    if (single && c == 0xAD)
        return;               /* a soft hyphen is invisible: "hy-phen" finds "hyphen" */
    struct cache_slot *slot = NULL;
    if (single) {
        slot = &w->cache[(c * 2654435761u) % CACHE_SLOTS];
        if (slot->len && slot->c == c) {
            win_put(w, slot->f, slot->len, src);
            return;
        }
    }
    uint8_t tmp[64];
    size_t tl = sizeof tmp;
    uint8_t *r = u8_casefold((const uint8_t *)s, n, NULL, UNINORM_NFKD, tmp, &tl);
    if (!r) {                 /* cannot happen for valid UTF-8; keep the bytes */
        win_put(w, s, n, src);
        return;
    }
    if (tl > 0)
        win_put(w, (const char *)r, tl, src);
    if (slot && tl > 0 && tl <= sizeof slot->f) {
        slot->c = c;
        slot->len = (uint8_t)tl;
        memcpy(slot->f, r, tl);
    }
    if (r != tmp)
        free(r);
}

/* Fold text[w->pos, ...) into the window until at least `upto` is folded
 * (or hi is reached).  Stops only on cluster boundaries outside whitespace
 * runs. */
static void win_fold(struct window *w, const char *text, size_t hi, size_t upto)
{
    size_t i = w->pos;
    while (i < hi && (i < upto)) {
        unsigned char b = (unsigned char)text[i];
        bool next_ascii = i + 1 >= hi || (unsigned char)text[i + 1] < 0x80;
        if (b < 0x80 && next_ascii) {
            uint8_t k = ASCII_CLASS[b];   /* 0 for most: a letter, digit or punctuation */
            if (k & C_SPACE) {
                /* a whitespace run: one space */
                size_t j = i + 1;
                while (j < hi) {
                    unsigned char d = (unsigned char)text[j];
                    if (d < 0x80) {
                        if (!(ASCII_CLASS[d] & C_SPACE))
                            break;
                        j++;
                        continue;
                    }
                    ucs4_t c;
                    int l = u8_mbtouc(&c, (const uint8_t *)text + j, hi - j);
                    if (!is_space(c))
                        break;
                    j += (size_t)l;
                }
                /* none in "Saint-\nRomain"; one where a skipped marker
                 * parts two runs ("big \x0F dog") */
                if (!(w->n && w->f[w->n - 1] == ' ') && !hyphen_joins(text, w->lo, hi, i, j))
                    win_put(w, " ", 1, i);
                i = j;
                continue;
            }
            if (k & w->skip) {
                size_t e = marker_end(w, text, hi, i);
                if (e > i) {
                    i = e;   /* `*big*` is "big", as shown */
                    continue;
                }
            }
            if ((k & C_BACKSLASH) && i + 1 < hi && uch_escapable(text[i + 1]))
                b = (unsigned char)text[++i];   /* an escape: "school\'s" is "school's" */
            win_reserve(w, 1);
            w->f[w->n] = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
            w->src[w->n] = i;
            w->first[w->n] = 1;
            w->n++;
            i++;
            continue;
        }
        /* A stretch with non-ASCII: from i up to the next ASCII byte that
         * follows non-ASCII (an ASCII character never extends a cluster). */
        size_t j = i + 1;
        while (j < hi && j - i < STRETCH_MAX &&
               !((unsigned char)text[j] < 0x80 && (unsigned char)text[j - 1] >= 0x80))
            j++;
        while (j < hi && ((unsigned char)text[j] & 0xC0) == 0x80)
            j++;
        size_t n = j - i;
        XGROW(w->gb, w->gcap, n + 1);
        u8_grapheme_breaks((const uint8_t *)text + i, n, w->gb);
        size_t a = i;
        while (a < j) {
            size_t e = a + 1;
            while (e < j && !w->gb[e - i])
                e++;
            /* the spaces beyond ASCII start with 0xC2, 0xE1, 0xE2 or 0xE3 */
            unsigned char lead = (unsigned char)text[a];
            ucs4_t c = lead;
            if (lead >= 0x80 && (lead == 0xC2 || (lead >= 0xE1 && lead <= 0xE3)))
                u8_mbtouc(&c, (const uint8_t *)text + a, j - a);
            if (is_space(c)) {
                /* whitespace run (may continue past the stretch) */
                size_t k = a;
                while (k < hi) {
                    ucs4_t d;
                    int l = u8_mbtouc(&d, (const uint8_t *)text + k, hi - k);
                    if (!is_space(d))
                        break;
                    k += (size_t)l;
                }
                if (!(w->n && w->f[w->n - 1] == ' ') && !hyphen_joins(text, w->lo, hi, a, k))
                    win_put(w, " ", 1, a);
                if (k > j) {
                    j = k;
                    break;
                }
                a = k;
                continue;
            }
            if (e - a == 1 && lead < 0x80 && (ASCII_CLASS[lead] & w->skip)) {
                size_t m = marker_end(w, text, hi, a);
                if (m > a) {   /* a marker before a non-ASCII letter */
                    a = m;
                    continue;
                }
            }
            fold_cluster(w, text + a, e - a, a);
            a = e;
        }
        i = j > a ? j : a;
    }
    /* markers right after the last character are folded with it: a hit's
     * end (the next folded byte's source offset) is then the same in
     * every window */
    if (w->skip)
        while (i < hi && i >= upto) {
            size_t m = marker_end(w, text, hi, i);
            if (m == i)
                break;
            i = m;
        }
    w->pos = i;
    win_reserve(w, 0);
    w->src[w->n] = i;
    w->first[w->n] = 1;
}

/* Drop the first `k` folded bytes. */
static void win_shift(struct window *w, size_t k)
{
    if (k == 0)
        return;
    memmove(w->f, w->f + k, w->n - k);
    memmove(w->src, w->src + k, (w->n - k + 1) * sizeof *w->src);
    memmove(w->first, w->first + k, w->n - k + 1);
    w->n -= k;
}

/* A window from source byte pos, folding with `cache` (a search's), or
 * with a cache of its own when NULL. */
static void win_init(struct window *w, size_t pos, struct cache_slot *cache)
{
    memset(w, 0, sizeof *w);
    w->pos = w->lo = w->min = pos;
    w->own_cache = cache == NULL;
    w->cache = cache ? cache : xcalloc(CACHE_SLOTS, sizeof *w->cache);
    win_reserve(w, 0);
    w->src[0] = pos;
    w->first[0] = 1;
}

/* A window of search s over text[lo, ...) from source byte pos. */
static void win_search(struct window *w, const struct search *s, size_t lo, size_t pos)
{
    win_init(w, pos, s->cache);
    w->min = lo;
    w->skip = s->skip;
}

static void win_free(struct window *w)
{
    free(w->f);
    free(w->src);
    free(w->first);
    free(w->gb);
    if (w->own_cache)
        free(w->cache);
}

struct search *search_new(const char *needle, size_t n)
{
    struct window w;
    win_init(&w, 0, NULL);
    /* trim surrounding whitespace: a needle " word " finds "word" */
    win_fold(&w, needle, n, n);
    size_t a = 0, e = w.n;
    while (a < e && w.f[a] == ' ')
        a++;
    while (e > a && w.f[e - 1] == ' ')
        e--;
    struct search *s = NULL;
    if (e > a) {
        s = xmalloc(sizeof *s);
        s->len = e - a;
        s->fold = xmalloc(s->len);
        memcpy(s->fold, w.f + a, s->len);
        s->cache = w.cache;   /* what folding the needle learnt, kept */
        s->pace = xcalloc(1, sizeof *s->pace);
        w.own_cache = false;
        /* a marker character the needle holds is text to it */
        s->skip = MARKERS_ALL;
        for (size_t k = 0; k < s->len; k++)
            if ((unsigned char)s->fold[k] < 0x80)
                s->skip &= (uint8_t)~ASCII_CLASS[(unsigned char)s->fold[k]];
    }
    win_free(&w);
    return s;
}

void search_free(struct search *s)
{
    if (!s)
        return;
    free(s->fold);
    free(s->cache);
    free(s->pace);
    free(s);
}

void search_pace(struct search *s, bool (*tick)(void *ctx), void *ctx)
{
    if (!s)
        return;
    s->pace->tick = tick;
    s->pace->ctx = ctx;
    s->pace->since = 0;
    s->pace->stopped = false;
}

void search_stop(struct search *s)
{
    if (s)
        s->pace->stopped = true;
}

bool search_stopped(const struct search *s)
{
    return s && s->pace->stopped;
}

/* `bytes` more source bytes read: the tick when TICK_BYTES have been read
 * since the last one.  False when the search is to stop. */
static bool paced(const struct search *s, size_t bytes)
{
    struct pace *p = s->pace;
    if (!p->tick || p->in_tick)
        return true;
    if (p->stopped)
        return false;
    p->since += bytes;
    if (p->since < TICK_BYTES)
        return true;
    p->since = 0;
    p->in_tick = true;
    p->stopped = !p->tick(p->ctx);
    p->in_tick = false;
    return !p->stopped;
}

/* A safe place to start folding at or before `pos`: after a line end, or
 * a character start, not before lo. */
static size_t safe_start(const char *text, size_t lo, size_t pos)
{
    if (pos <= lo)
        return lo;
    size_t limit = pos - lo > 4096 ? pos - 4096 : lo;
    for (size_t i = pos; i > limit; i--)
        if (text[i - 1] == '\n')
            return i;
    while (pos > lo && ((unsigned char)text[pos] & 0xC0) == 0x80)
        pos--;
    return pos;
}

/* Is the hit at folded index p (len bytes) on cluster boundaries? */
static bool on_boundaries(const struct window *w, size_t p, size_t len)
{
    return w->first[p] && w->first[p + len];
}

size_t search_each(const struct search *s, const char *text, size_t lo, size_t hi,
                   bool (*each)(void *ctx, size_t hit, size_t hit_end), void *ctx)
{
    if (!s || !text || lo >= hi || search_stopped(s))
        return 0;
    struct window w;
    win_search(&w, s, lo, lo);
    size_t n = 0;
    bool more = true;
    while (more) {
        bool done = w.pos >= hi;
        size_t at = w.pos;
        if (!done)
            win_fold(&w, text, hi, w.pos + CHUNK);
        if (!paced(s, w.pos - at))
            break;
        done = w.pos >= hi;
        size_t p = 0;
        while (more && w.n >= s->len && p + s->len <= w.n) {
            const char *q = memmem(w.f + p, w.n - p, s->fold, s->len);
            if (!q)
                break;
            p = (size_t)(q - w.f);
            if (on_boundaries(&w, p, s->len)) {
                n++;
                more = each(ctx, w.src[p], w.src[p + s->len]);
            }
            p++;
        }
        if (done)
            break;
        /* the last len-1 folded bytes hold no whole hit yet: kept */
        win_shift(&w, w.n >= s->len ? w.n - s->len + 1 : 0);
    }
    win_free(&w);
    return n;
}

bool search_find(const struct search *s, const char *text, size_t lo, size_t hi,
                 size_t from, bool backward, size_t *hit, size_t *hit_end)
{
    if (!s || !text || lo >= hi || search_stopped(s))
        return false;
    if (from < lo)
        from = lo;
    if (from > hi)
        from = hi;
    struct window w;
    bool found = false;
    if (!backward) {
        win_search(&w, s, lo, safe_start(text, lo, from));
        /* folded a little at first, then in growing steps up to CHUNK: a
         * frequent word is found after a few hundred bytes, and counting
         * its hits (a search_find from each) must not fold CHUNK each */
        size_t step = 1024;
        for (;;) {
            bool done = w.pos >= hi;
            size_t at = w.pos;
            if (!done)
                win_fold(&w, text, hi, w.pos + step);
            if (!paced(s, w.pos - at))
                break;
            if (step < CHUNK)
                step = step * 4 < CHUNK ? step * 4 : CHUNK;
            done = w.pos >= hi;
            size_t p = 0;
            while (w.n >= s->len && p + s->len <= w.n) {
                const char *q = memmem(w.f + p, w.n - p, s->fold, s->len);
                if (!q)
                    break;
                p = (size_t)(q - w.f);
                if (w.src[p] >= from && on_boundaries(&w, p, s->len)) {
                    *hit = w.src[p];
                    *hit_end = w.src[p + s->len];
                    found = true;
                    break;
                }
                p++;
            }
            if (found || done)
                break;
            /* keep the last len-1 folded bytes: a hit may straddle */
            win_shift(&w, w.n >= s->len ? w.n - s->len + 1 : 0);
        }
        win_free(&w);
        return found;
    }
    /* backward: windows [a, b) stepping toward lo, each folded a little past
     * b so hits that start before b and end after it are seen */
    size_t b = from;
    while (b > lo && !found) {
        size_t a = safe_start(text, lo, b > lo + CHUNK ? b - CHUNK : lo);
        if (a >= b)
            a = safe_start(text, lo, b - 1);
        win_search(&w, s, lo, a);
        win_fold(&w, text, hi, b);
        /* fold past b until len folded bytes lie beyond it */
        size_t at_b = w.n;
        while (w.pos < hi && w.n < at_b + s->len + 1)
            win_fold(&w, text, hi, w.pos + 64);
        size_t p = 0;
        while (p + s->len <= w.n) {
            const char *q = memmem(w.f + p, w.n - p, s->fold, s->len);
            if (!q)
                break;
            p = (size_t)(q - w.f);
            if (w.src[p] >= a && w.src[p] < b && w.src[p] < from &&
                on_boundaries(&w, p, s->len)) {
                *hit = w.src[p];
                *hit_end = w.src[p + s->len];
                found = true;   /* keep looking for a later one */
            }
            p++;
        }
        win_free(&w);
        if (!found && !paced(s, b - a))
            return false;
        b = a;
    }
    return found;
}
