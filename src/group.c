/* group.c — the grouping pass of the library build: which files are one
 * story.  A story.ini folder is one story; elsewhere files announcing the
 * same (title, author), compared folded, are one story; a title without an
 * author joins the one story with that title; a file announcing nothing is
 * its own story for now (editions.c may join it to another).  See build.h. */
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "norm.h"
#include "util.h"

static int group_new(struct build *b, int ini, char *tkey, bool loose)
{
    XGROW(b->groups, b->cap_groups, b->n_groups + 1);
    b->groups[b->n_groups] = (struct group){ini, tkey, loose, (int)b->n_groups};
    return (int)b->n_groups++;
}

int group_find(struct build *b, int g)
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

void group_files(struct build *b)
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
            char *ft = norm_fold(f->title), *fa = f->author ? norm_fold(f->author) : NULL;
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
