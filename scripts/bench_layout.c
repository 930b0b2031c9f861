/* bench_layout.c — time quire's layout on one text (see bench_layout.sh).
 *
 * Decodes and parses the file once (not timed), then times:
 *  - laying out every chapter (layout_chapter_s) at the width,
 *  - the same plus producing every line's runs (what --render prints),
 *  - re-laying out one screen: the blocks around an offset in the middle
 *    of the text, as the pager does after a resize (about 40 lines). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode.h"
#include "layout.h"
#include "parse.h"
#include "search.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_layout FILE [WIDTH] [REPEAT]\n");
        return 2;
    }
    int width = argc > 2 ? atoi(argv[2]) : 72;
    int repeat = argc > 3 ? atoi(argv[3]) : 5;
    enum decode_reject why;
    char *err = NULL;
    struct source *src = decode_open(argv[1], &why, &err);
    if (!src) {
        fprintf(stderr, "bench_layout: %s: cannot read\n", argv[1]);
        return 1;
    }
    double t0 = now();
    struct parse_result pr;
    parse_text(src->text, src->len, &pr);
    struct block **bl = calloc(pr.n_ch, sizeof *bl);
    size_t *nb = calloc(pr.n_ch, sizeof *nb), total_blocks = 0;
    for (size_t c = 0; c < pr.n_ch; c++) {
        const struct parse_chapter *ch = &pr.ch[c];
        nb[c] = parse_blocks(src->text, ch->start, ch->end, ch->front_end, ch->back, &bl[c]);
        total_blocks += nb[c];
    }
    double t_parse = now() - t0;
    struct layout_opts o = {.width = width, .wrap = WRAP_OPTIMAL};
    struct layout_scratch *sc = layout_scratch_new();
    struct line_vec lv = {0};
    struct run runs[1024];
    double best_lay = 1e9, best_runs = 1e9, best_greedy = 1e9;
    size_t lines = 0;
    for (int r = 0; r < repeat; r++) {
        for (int mode = 0; mode < 3; mode++) {
            o.wrap = mode == 2 ? WRAP_GREEDY : WRAP_OPTIMAL;
            double a = now();
            lines = 0;
            for (size_t c = 0; c < pr.n_ch; c++) {
                lv.n = 0;
                layout_chapter_s(&o, src->text, bl[c], nb[c], pr.ch[c].title, &lv, sc);
                lines += lv.n;
                if (mode == 1)
                    for (size_t i = 0; i < lv.n; i++)
                        layout_runs_s(&o, src->text, pr.ch[c].title, &lv.v[i], sc, runs, 1024);
            }
            double d = now() - a;
            double *b = mode == 0 ? &best_lay : mode == 1 ? &best_runs : &best_greedy;
            if (d < *b)
                *b = d;
        }
    }
    /* one screen: from the block holding the middle byte of the text,
     * blocks until 40 lines are laid out, plus their runs */
    size_t cbig = 0, mid = src->len / 2, bmid = 0;
    for (size_t c = 0; c < pr.n_ch; c++)
        if (pr.ch[c].start <= mid && mid < pr.ch[c].end)
            cbig = c;
    for (size_t b = 0; b < nb[cbig]; b++)
        if (bl[cbig][b].off <= mid)
            bmid = b;
    o.wrap = WRAP_OPTIMAL;
    double best_screen = 1e9;
    size_t screen_lines = 0, screen_bytes = 0;
    for (int r = 0; r < 200; r++) {
        double a = now();
        lv.n = 0;
        for (size_t b = bmid; b < nb[cbig] && lv.n < 40; b++)
            layout_block_s(&o, src->text, bl[cbig], nb[cbig], b, &lv, sc);
        for (size_t i = 0; i < lv.n; i++)
            layout_runs_s(&o, src->text, NULL, &lv.v[i], sc, runs, 1024);
        double d = now() - a;
        screen_lines = lv.n;
        screen_bytes = lv.n ? lv.v[lv.n - 1].end - lv.v[0].off : 0;
        if (d < best_screen)
            best_screen = d;
    }
    printf("%s: %zu bytes, %zu chapters, %zu blocks, %zu lines at width %d\n", argv[1],
           src->len, pr.n_ch, total_blocks, lines, width);
    printf("  parse (once, not layout):           %8.1f ms\n", t_parse * 1e3);
    printf("  layout, optimal (best of %d):        %8.1f ms\n", repeat, best_lay * 1e3);
    printf("  layout, greedy:                      %8.1f ms\n", best_greedy * 1e3);
    printf("  layout + runs of every line:         %8.1f ms\n", best_runs * 1e3);
    printf("  one screen (%zu lines, %zu bytes) + runs: %8.3f ms\n", screen_lines, screen_bytes,
           best_screen * 1e3);
    /* search: the text repeated to 32 MB, a needle that is not there */
    size_t big = 32u << 20;
    char *hay = malloc(big);
    for (size_t off = 0; off < big; off += src->len)
        memcpy(hay + off, src->text, big - off < src->len ? big - off : src->len);
    struct search *se = search_new("zebra crossing", 14);
    double best_search = 1e9;
    for (int r = 0; r < 3; r++) {
        size_t h, he;
        double a = now();
        if (search_find(se, hay, 0, big, 0, false, &h, &he))
            printf("  (unexpected hit at %zu)\n", h);
        double d = now() - a;
        if (d < best_search)
            best_search = d;
    }
    printf("  search 32 MB (this text repeated), no hit: %8.1f ms\n", best_search * 1e3);
    search_free(se);
    free(hay);
    line_vec_free(&lv);
    layout_scratch_free(sc);
    for (size_t c = 0; c < pr.n_ch; c++)
        free(bl[c]);
    free(bl);
    free(nb);
    parse_result_free(&pr);
    decode_free(src);
    free(err);
    return 0;
}
