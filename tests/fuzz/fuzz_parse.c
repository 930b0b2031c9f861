/* fuzz_parse.c — libFuzzer target: decode any bytes, parse the text, split
 * every chapter into blocks and scan every block for emphasis, checking the
 * invariants the pager relies on (chapters tile the text, blocks are ordered
 * and inside their chapter).
 *
 *   clang -fsanitize=fuzzer,address -Iinclude -D_GNU_SOURCE tests/fuzz/fuzz_parse.c \
 *         src/decode.c src/parse_*.c src/announce.c src/break_line.c src/heading*.c src/matter.c src/markup.c \
 *         src/uchar.c src/util.c -lunistring */
#include "decode.h"
#include "parse.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum decode_reject why;
    struct source *src = decode_bytes("fuzz", data, size, &why);
    if (!src)
        return 0;
    const char *t = src->text;
    struct parse_result r;
    parse_text(t, src->len, &r);
    if (!parse_chapters_tile(&r, src->len))
        abort();
    for (size_t i = 0; i < r.n_ch; i++) {
        const struct parse_chapter *c = &r.ch[i];
        (void)parse_count_words(t, c->body, c->back);
        struct block *b;
        size_t n = parse_blocks_body(t, c->start, c->end, c->front_end, c->body, c->back, &b);
        size_t prev_end = c->start;
        for (size_t k = 0; k < n; k++) {
            if (b[k].off > b[k].end || b[k].off < prev_end || b[k].end > c->end)
                abort();
            prev_end = b[k].end;
            size_t len = b[k].end - b[k].off;
            uint8_t *cls = xmalloc(len + 1);
            markup_scan(t + b[k].off, len, cls);
            free(cls);
        }
        free(b);
        n = parse_blocks(t, c->start, c->end, c->front_end, c->back, &b);
        free(b);
    }
    parse_result_free(&r);
    decode_free(src);
    return 0;
}
