/* fuzz_wire.c — any bytes as what quire-convert says back to quire
 * (ebook_wire.h): never a crash, never a read outside the input, never a
 * leak; a reply refused keeps nothing; a reply accepted is a sound ebook
 * (chapters in order inside the text, blocks inside it, the text
 * NUL-terminated) that writes back and reads back the same.  The same
 * bytes are also tried as a request (the converter's side) and as a
 * hello.  Seeds: real replies (tests/fuzz/corpus/wire, valid-*). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebook_wire.h"
#include "fuzz.h"
#include "util.h"

static bool sound(const struct ebook *eb)
{
    if (!eb->text || eb->text[eb->len] != '\0' || eb->pr.body > eb->len)
        return false;
    size_t prev = eb->pr.body;
    for (size_t i = 0; i < eb->pr.n_ch; i++) {
        const struct parse_chapter *c = &eb->pr.ch[i];
        if (c->start < prev || c->start > c->front_end || c->front_end > c->body ||
            c->body > c->back || c->back > c->end || c->end > eb->len)
            return false;
        prev = c->end;
    }
    for (size_t i = 0; i < eb->n_blocks; i++)
        if (eb->blocks[i].off > eb->blocks[i].end || eb->blocks[i].end > eb->len)
            return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy, so ASan sees any read past the end */
    unsigned char *copy = malloc(size ? size : 1);
    if (!copy)
        abort();
    memcpy(copy, data, size);

    struct wire_mem m = {copy, size, 0};
    struct wire_source src = {wire_mem_get, &m};
    struct ebook eb;
    size_t total = 0;
    char *err = NULL;
    int r = ebook_wire_get_reply(&src, &eb, &total, &err);
    static const struct ebook zero;
    if (r != EBOOK_WIRE_OK && memcmp(&eb, &zero, sizeof zero) != 0)
        abort();   /* a refused reply keeps nothing */
    if ((r == -1 || r == EBOOK_WIRE_ERROR) && (!err || !*err || strchr(err, '\n')))
        abort();   /* refused or an error: one line saying why */
    if (getenv("FUZZ_SAY"))   /* a seed's check: is it accepted? */
        fprintf(stderr, "fuzz_wire: %s\n", r == EBOOK_WIRE_OK ? "accepted" : "refused");
    if (r == EBOOK_WIRE_OK) {
        if (!sound(&eb))
            abort();
        struct buf b = {0};
        struct wire_sink s = {wire_buf_put, &b};
        if (!ebook_wire_put_reply(&s, EBOOK_WIRE_OK, &eb, total, NULL))
            abort();
        struct wire_mem m2 = {(const unsigned char *)b.data, b.len, 0};
        struct wire_source src2 = {wire_mem_get, &m2};
        struct ebook again;
        size_t total2 = 0;
        if (ebook_wire_get_reply(&src2, &again, &total2, &err) != EBOOK_WIRE_OK ||
            total2 != total || again.len != eb.len || memcmp(again.text, eb.text, eb.len) != 0 ||
            again.n_blocks != eb.n_blocks || again.pr.n_ch != eb.pr.n_ch ||
            m2.pos != b.len)
            abort();
        ebook_wire_free(&again);
        free(b.data);
        ebook_wire_free(&eb);
    }
    free(err);
    err = NULL;

    m.pos = 0;
    struct ebook_wire_req q;
    if (ebook_wire_get_request(&src, &q, &err)) {
        if (!q.name || (!q.path && !q.bytes) || (q.path && q.n))
            abort();
        ebook_wire_req_free(&q);
    }
    free(err);
    err = NULL;
    m.pos = 0;
    ebook_wire_get_hello(&src, &err);
    free(err);
    free(copy);
    return 0;
}
