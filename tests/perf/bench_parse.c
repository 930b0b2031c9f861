/* bench_parse.c — how fast decode_open, parse_text and parse_count_words are
 * on one (large) file.  Not part of `make check`; build and run by hand:
 *
 *   W=../shared/corpus/gutenberg/war-and-peace_pg2600-0.txt
 *   sed -n '837,65700p' $W > /tmp/wp-body.txt                 # body only
 *   for i in 1 2 3 4 5 6 7 8 9 10; do cat /tmp/wp-body.txt; done > /tmp/wp10.txt
 *   cc -O2 -Iinclude -D_GNU_SOURCE -o /tmp/bench_parse tests/perf/bench_parse.c \
 *      src/decode.c src/parse_*.c src/announce.c src/break_line.c src/heading*.c src/matter.c src/markup.c src/uchar.c \
 *      src/util.c -lunistring && /tmp/bench_parse /tmp/wp10.txt
 *
 * Times are CPU time of this thread (the machine may be shared). */
#include "decode.h"
#include "parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_parse FILE\n");
        return 2;
    }
    enum decode_reject why;
    char *err = NULL;
    double t0 = now_ms();
    struct source *s = decode_open(argv[1], &why, &err);
    double t1 = now_ms();
    if (!s) {
        fprintf(stderr, "%s: not decoded (%d) %s\n", argv[1], (int)why, err ? err : "");
        free(err);
        return 1;
    }
    double best = 1e9;
    size_t n_ch = 0;
    for (int i = 0; i < 5; i++) {
        struct parse_result r;
        double a = now_ms();
        parse_text(s->text, s->len, &r);
        double b = now_ms();
        if (b - a < best)
            best = b - a;
        n_ch = r.n_ch;
        parse_result_free(&r);
    }
    double w0 = now_ms();
    size_t words = parse_count_words(s->text, 0, s->len);
    double w1 = now_ms();
    printf("%s: %zu bytes, decode_open %.1f ms, parse_text best of 5 %.1f ms, %zu chapters; "
           "parse_count_words %.1f ms (%zu words)\n",
           argv[1], s->len, t1 - t0, best, n_ch, w1 - w0, words);
    decode_free(s);
    return 0;
}
