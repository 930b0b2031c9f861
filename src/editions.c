/* editions.c — the edition pass of the library build: chapters whose
 * normalised texts share most of their sampled word 5-grams are one
 * chapter with several editions.  Candidate pairs come from an inverted
 * index of the samples (analyse.c samples them), so there is no all-pairs
 * comparison.  A title-less one-chapter file whose chapter duplicates a
 * chapter of another story joins that story.  See build.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "norm.h"
#include "util.h"

/* Two chapters are editions of one another when at least MATCH_CONTAIN of
 * the smaller sample set is in the larger, the smaller has at least
 * MATCH_MIN samples and is at least MATCH_RATIO of the larger. */
#define MATCH_CONTAIN 0.7
#define MATCH_MIN 4
#define MATCH_RATIO 0.3
/* A sampled 5-gram found in more chapters than this is boilerplate
 * (a repeated disclaimer), not evidence of a shared text. */
#define POSTING_MAX 32


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
    size_t i = (size_t)norm_mix64(key) & (m->cap - 1);
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
    for (size_t i = (size_t)norm_mix64(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
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

/* Sort postings made in increasing piece order: LSD radix sort of the
 * hash bits alone, 16 bits a pass (the last pass 8); each pass is stable,
 * so equal hashes end up together with their pieces in increasing order,
 * as a sort of the whole 64 bits would leave them. */
static void sort_postings(uint64_t *p, size_t n)
{
    uint64_t *tmp = xmalloc((n ? n : 1) * sizeof *tmp);
    size_t *count = xmalloc(65536 * sizeof *count);
    uint64_t *const caller = p;
    for (int shift = PIECE_BITS; shift < 64; shift += 16) {
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
    if (p != caller) {   /* an odd number of passes: copy back */
        memcpy(caller, p, n * sizeof *p);
        tmp = p;
    }
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

/* Shared samples per eligible pair of pieces, from the postings' runs
 * starting in [from, to) (run starts: to is one, or total). */
struct count_job {
    const uint64_t *post;
    const struct pinfo *pi;
    size_t from, to;
    struct pairmap m;
};

static void *count_pairs(void *arg)
{
    struct count_job *c = arg;
    const uint64_t *post = c->post;
    for (size_t i = c->from; i < c->to;) {
        size_t j = i + 1;
        while (j < c->to && POST_HASH(post[j]) == POST_HASH(post[i]))
            j++;
        if (j - i >= 2 && j - i <= POSTING_MAX)
            for (size_t x = i; x < j; x++) {
                const struct pinfo *px = &c->pi[POST_PIECE(post[x])];
                for (size_t y = x + 1; y < j; y++) {
                    const struct pinfo *py = &c->pi[POST_PIECE(post[y])];
                    if (infos_eligible(px, py))
                        (*pairmap_slot(&c->m, pair_key(POST_PIECE(post[x]), POST_PIECE(post[y]))))++;
                }
            }
        i = j;
    }
    return NULL;
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

void match_editions(struct build *b)
{
    size_t total = 0;
    for (size_t i = 0; i < b->n_pc; i++)
        total += b->pc[i].n_sketch;
    if (b->n_pc < 2 || b->n_files < 2 || total == 0)
        return;     /* editions come from two files */
    if (b->n_pc >= (size_t)1 << PIECE_BITS) {
        build_note(b, "%zu chapters: too many to look for duplicate editions", b->n_pc);
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
    /* Shared samples counted per pair, on two threads in a large library:
     * the later postings (from a run's start) into a map of their own,
     * added to the first map after (the counts, not their order, are what
     * the rest reads). */
    struct count_job first = {post, pi, 0, total, {0}}, later = first;
    pthread_t t;
    bool threaded = false;
    if (b->threads > 1 && b->spawn && total >= 1024) {
        size_t mid = total / 2;
        while (mid < total && POST_HASH(post[mid]) == POST_HASH(post[mid - 1]))
            mid++;
        first.to = later.from = mid;
        threaded = b->spawn(&t, count_pairs, &later);
        if (!threaded)
            first.to = total;
    }
    count_pairs(&first);
    struct pairmap m = first.m;
    if (threaded) {
        pthread_join(t, NULL);
        for (size_t i = 0; i < later.m.cap; i++)
            if (later.m.keys[i])
                *pairmap_slot(&m, later.m.keys[i]) += later.m.vals[i];
        free(later.m.keys);
        free(later.m.vals);
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
