/* fuzz_snapshot.c — any bytes as a library snapshot of a fixed folder walk:
 * never a crash, never a read outside the input; what is accepted is a
 * library that keeps every invariant (every edition inside its source,
 * percentages adding up) and writes back to bytes that read back to the
 * same library.  Each input is tried as it is and sealed with a valid
 * closing line (rec_seal), so the field checks behind the checksum are
 * reached.  Seed: tests/fuzz/corpus/snapshot/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "library.h"
#include "rec.h"
#include "scan.h"
#include "snapshot.h"

#define DIGEST 0x0123456789abcdefULL

/* The walk every input is checked against: three files and one entry the
 * walk itself skipped. */
static void fake_scan(struct scan_result *s)
{
    static const struct {
        const char *path, *rel;
        long size;
    } files[] = {{"lib/a.txt", "a.txt", 1000}, {"lib/b/c.txt", "b/c.txt", 500},
                 {"lib/d.bin", "d.bin", 10}};
    *s = (struct scan_result){0};
    for (size_t i = 0; i < 3; i++) {
        XGROW(s->files, s->cap_files, s->n_files + 1);
        struct scan_file *f = &s->files[s->n_files++];
        memset(f, 0, sizeof *f);
        f->path = xstrdup(files[i].path);
        f->relpath = xstrdup(files[i].rel);
        f->ini = -1;
        f->st.st_size = files[i].size;
        f->st.st_mtim.tv_sec = 1000000 + (long)i;
    }
    scan_skip(s, "e/", "symlink loop");
}

static void check_library(const struct library *lib)
{
    for (size_t i = 0; i < lib->n_stories; i++) {
        const struct story *s = &lib->stories[i];
        size_t sum = 0;
        if (!s->n_ch || !s->title || !s->author || !s->dir)
            abort();
        for (size_t c = 0; c < s->n_ch; c++) {
            const struct chapter *ch = &s->ch[c];
            if (!ch->n_ed || !ch->title || ch->base != sum)
                abort();
            for (size_t e = 0; e < ch->n_ed; e++) {
                const struct edition *ed = &ch->ed[e];
                if (!ed->src || !ed->relpath || ed->end > ed->src->len || ed->start > ed->title_end ||
                    ed->title_end > ed->front_end || ed->front_end > ed->body ||
                    ed->body > ed->back || ed->back > ed->end)
                    abort();
            }
            sum += ch->ed[0].end - ch->ed[0].start;
        }
        if (s->total != sum)
            abort();
    }
}

/* lib written back: where each source and skip came from, by name. */
static char *format_back(const struct library *lib, const struct scan_result *scan, size_t *len)
{
    size_t *src_file = calloc(lib->n_src + 1, sizeof *src_file);
    size_t *skip_file = calloc(lib->n_skipped + 1, sizeof *skip_file);
    if (!src_file || !skip_file)
        abort();
    for (size_t i = 0; i < lib->n_src; i++)
        for (size_t f = 0; f < scan->n_files; f++)
            if (strcmp(lib->src[i]->path, scan->files[f].path) == 0)
                src_file[i] = f;
    for (size_t k = scan->n_skipped; k < lib->n_skipped; k++)
        for (size_t f = 0; f < scan->n_files; f++)
            if (strcmp(lib->skipped[k].relpath, scan->files[f].relpath) == 0)
                skip_file[k - scan->n_skipped] = f;
    struct snapshot_origin o = {src_file, skip_file, scan->n_skipped};
    char *out = snapshot_format(NULL, NULL, DIGEST, lib, &o, len);
    free(src_file);
    free(skip_file);
    return out;
}

static void try(const char *data, size_t size, const struct scan_result *scan)
{
    /* an exact-size copy, so ASan sees any read past the end */
    char *copy = malloc(size ? size : 1);
    if (!copy)
        abort();
    memcpy(copy, data, size);
    struct library *lib = snapshot_parse(copy, size, NULL, NULL, "lib", scan, DIGEST);
    if (getenv("FUZZ_SAY"))   /* a seed's check: is it accepted? */
        fprintf(stderr, "fuzz_snapshot: %s\n", lib ? "accepted" : "refused");
    if (lib) {
        check_library(lib);
        size_t len, len2;
        char *out = format_back(lib, scan, &len);
        struct library *again = snapshot_parse(out, len, NULL, NULL, "lib", scan, DIGEST);
        if (!again)
            abort();
        char *out2 = format_back(again, scan, &len2);
        if (len2 != len || memcmp(out, out2, len) != 0)
            abort();
        free(out);
        free(out2);
        library_free(again);
        library_free(lib);
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scan_result scan;
    fake_scan(&scan);
    try((const char *)data, size, &scan);
    /* the count is that of the T lines */
    size_t n = 0;
    for (size_t i = 0; i + 1 < size; i++)
        n += (i == 0 || data[i - 1] == '\n') && data[i] == 'T' && data[i + 1] == '\t';
    struct buf b = {0};
    buf_add(&b, data, size);
    rec_seal(&b, n);
    try(b.data, b.len, &scan);
    buf_free(&b);
    scan_result_free(&scan);
    return 0;
}
