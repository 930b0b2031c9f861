/* fuzz_pace.c — any bytes as the state folder's pace file: never a crash;
 * what parses is within its bounds (at most PACE_KEEP samples, sorted,
 * folds sorted by id), is written back by pace_format_file to text that
 * parses to the same records, and merging it into itself changes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pace.h"

static void check_bounds(const struct pace *p)
{
    if (p->n_smp > PACE_KEEP)
        abort();
    for (size_t i = 1; i < p->n_smp; i++)
        if (p->smp[i].when < p->smp[i - 1].when)
            abort();
    for (size_t i = 0; i < p->n_fold; i++)
        if (strlen(p->fold[i].id) != 16 || (i && strcmp(p->fold[i - 1].id, p->fold[i].id) >= 0))
            abort();
    double w = pace_wpm(p);
    if (!(w > 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pace *p = pace_new();
    int r = pace_parse(p, (const char *)data, size);
    if (getenv("FUZZ_SAY"))   /* a seed's check: is it accepted? */
        fprintf(stderr, "fuzz_pace: %s\n", r == 0 ? "accepted" : "refused");
    if (r != 0) {
        if (p->n_smp || p->n_fold)
            abort();   /* a file that does not parse leaves the pace as it was */
        pace_free(p);
        return 0;
    }
    check_bounds(p);
    size_t n1, n2;
    char *t1 = pace_format_file(p, &n1);
    struct pace *q = pace_new();
    if (pace_parse(q, t1, n1) != 0)
        abort();   /* what is written reads back */
    char *t2 = pace_format_file(q, &n2);
    if (n1 != n2 || memcmp(t1, t2, n1) != 0)
        abort();   /* ... to the same records */
    p->dirty = false;
    pace_merge(p, q);
    if (p->dirty)
        abort();   /* merging the same records changes nothing */
    free(t1);
    free(t2);
    pace_free(p);
    pace_free(q);
    return 0;
}
