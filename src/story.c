/* story.c — the story model: freeing, finding, a chapter's text and
 * blocks, percentages, and the rules every library obeys.  See story.h. */
#include "story.h"

#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "norm.h"
#include "pmemo.h"
#include "util.h"

/* What story s owns (not s itself). */
static void story_clear(struct story *s)
{
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
    free(s->alias);
    parse_meta_free(&s->meta);
}

void library_free(struct library *lib)
{
    if (!lib)
        return;
    for (size_t i = 0; i < lib->n_stories; i++)
        story_clear(&lib->stories[i]);
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
 * Rules */

bool edition_offsets_ok(const struct edition *e, size_t len)
{
    return e->start <= e->title_end && e->title_end <= e->front_end &&
           e->front_end <= e->body && e->body <= e->back && e->back <= e->end &&
           e->end <= len;
}

void edition_offsets_fix(struct edition *e, size_t len)
{
    if (e->end > len)
        e->end = len;
    if (e->start > e->end)
        e->start = e->end;
    if (e->front_end < e->start || e->front_end > e->end)
        e->front_end = e->start;
    if (e->body < e->front_end || e->body > e->end)
        e->body = e->front_end;
    if (e->back < e->body || e->back > e->end)
        e->back = e->end;
    if (e->title_end < e->start || e->title_end > e->front_end)
        e->title_end = e->start;
}

void story_sum_bytes(struct story *s)
{
    size_t base = 0;
    for (size_t c = 0; c < s->n_ch; c++) {
        const struct edition *e = &s->ch[c].ed[0];
        s->ch[c].base = base;
        s->ch[c].note = e->back <= e->body && e->body < e->end;
        base += e->end - e->start;
    }
    s->total = base;
}

void story_end_partial(struct story *s)
{
    s->partial = false;
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
    char *want = norm_fold(title);
    size_t wl = strlen(want);
    /* The best tier that any story reaches, and how many reach it. */
    struct story *best = NULL;
    int best_tier = 0;
    size_t n_best = 0;
    for (size_t i = 0; i < lib->n_stories && best_tier < 3; i++) {
        char *have = norm_fold(lib->stories[i].title);
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

size_t library_find_all(const struct library *lib, const char *title, bool *match,
                        bool *exact)
{
    *exact = false;
    if (!lib || !title)
        return 0;
    char *want = norm_fold(title);
    size_t wl = strlen(want);
    int *tier = xcalloc(lib->n_stories + 1, sizeof *tier);
    int best = 0;
    for (size_t i = 0; i < lib->n_stories; i++) {
        char *have = norm_fold(lib->stories[i].title);
        tier[i] = title_match(have, want, wl);
        free(have);
        if (tier[i] > best)
            best = tier[i];
    }
    free(want);
    size_t n = 0;
    for (size_t i = 0; i < lib->n_stories; i++) {
        match[i] = best > 0 && tier[i] == best;
        n += match[i];
    }
    free(tier);
    *exact = best == 3;
    return n;
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

bool story_has_alias(const struct story *s, const char *id)
{
    for (size_t i = 0; id && i < s->n_alias; i++)
        if (strcmp(s->alias[i], id) == 0)
            return true;
    return false;
}

const struct edition *chapter_text(const struct chapter *c, const char **text)
{
    decode_load_stub(c->ed[0].src);   /* read now if listed from the cache */
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

/* An ebook's chapter: the converter's blocks inside [e->start, e->end)
 * (it knows the verse, breaks and notes the TXT parser would guess). */
static size_t ebook_blocks(const struct edition *e, struct block **out)
{
    const struct ebook *eb = e->src->eb;
    size_t lo = 0, hi = eb->n_blocks;
    while (lo < hi) {            /* the first block at or after start */
        size_t mid = lo + (hi - lo) / 2;
        if (eb->blocks[mid].off < e->start)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    while (lo + n < eb->n_blocks && eb->blocks[lo + n].end <= e->end)
        n++;
    *out = xmalloc((n ? n : 1) * sizeof **out);
    if (n)
        memcpy(*out, eb->blocks + lo, n * sizeof **out);
    return n;
}

const struct block *chapter_blocks(struct chapter *c, size_t *n)
{
    if (!c->parsed) {
        const struct edition *e = &c->ed[0];
        decode_load_stub(e->src);
        if (e->src->eb)
            c->n_blocks = ebook_blocks(e, &c->blocks);
        else
            c->n_blocks = pmemo_blocks(e->src->text, e->start, e->end, e->front_end, e->body,
                                       e->back, &c->blocks);
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

void story_text_range(const struct story *s, size_t ci, size_t *lo, size_t *hi)
{
    const struct edition *e = &s->ch[ci].ed[0];
    *lo = e->front_end < e->start || e->front_end > e->end ? e->start : e->front_end;
    *hi = e->back < *lo || e->back > e->end ? e->end : e->back;
    if (s->ch[ci].note)   /* a note-only chapter has no story text */
        *lo = *hi;
}

/* Bytes of story text (story_text_range) before chapter ci, in *before,
 * and in the whole story (the return value). */
static size_t story_text_bytes(const struct story *s, size_t ci, size_t *before)
{
    size_t sum = 0;
    *before = 0;
    for (size_t i = 0; i < s->n_ch; i++) {
        size_t lo, hi;
        story_text_range(s, i, &lo, &hi);
        if (i == ci)
            *before = sum;
        sum += hi - lo;
    }
    return sum;
}

double story_percent(const struct story *s, size_t ci, size_t off)
{
    if (!s->n_ch || !s->total)
        return 0;
    if (ci >= s->n_ch)
        return 100;
    size_t before, lo, hi;
    size_t sum = s->partial ? 0 : story_text_bytes(s, ci, &before);
    if (!sum) {   /* a story's head (its total is an estimate), or no text */
        const struct edition *e = &s->ch[ci].ed[0];
        size_t in = off <= e->start ? 0 : off >= e->end ? e->end - e->start : off - e->start;
        double p = 100.0 * (double)(s->ch[ci].base + in) / (double)s->total;
        return p > 100 ? 100 : p;
    }
    story_text_range(s, ci, &lo, &hi);
    size_t in = off <= lo ? 0 : off >= hi ? hi - lo : off - lo;
    double p = 100.0 * (double)(before + in) / (double)sum;
    return p > 100 ? 100 : p;
}

void story_percent_pos(const struct story *s, double pct, size_t *ci, size_t *off)
{
    if (pct < 0)
        pct = 0;
    if (pct > 100)
        pct = 100;
    size_t before;
    size_t sum = s->partial ? 0 : story_text_bytes(s, 0, &before);
    if (pct <= 0 && s->n_ch) {   /* 0%: the very start, front matter shown */
        *ci = 0;
        *off = s->ch[0].ed[0].start;
        return;
    }
    size_t target = (size_t)((double)(sum ? sum : s->total) * pct / 100.0), at = 0;
    for (size_t i = 0; i < s->n_ch; i++) {
        const struct edition *ed = &s->ch[i].ed[0];
        size_t lo = ed->start, hi = ed->end;
        if (sum)
            story_text_range(s, i, &lo, &hi);
        else
            at = s->ch[i].base;
        size_t len = hi - lo;
        if (target < at + len || i + 1 == s->n_ch) {
            size_t in = target > at ? target - at : 0;
            if (in > len)
                in = len;
            *ci = i;
            *off = lo + in;
            return;
        }
        at += len;
    }
    *ci = 0;
    *off = s->n_ch ? s->ch[0].ed[0].start : 0;
}
