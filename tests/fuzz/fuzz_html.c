/* fuzz_html.c — libFuzzer target: any bytes through the HTML converter,
 * as a standalone HTML file (libxml2's HTML parser) and as an EPUB's XHTML
 * chapter (its XML parser), checking what ebook.h promises: the text
 * NUL-terminated, chapters tiling it from pr.body with ordered ranges,
 * blocks in order, inside their chapter, no paragraph piece longer than
 * PARSE_PARA_MAX; and every block scanned for emphasis as the pager does. */
#include "ebook.h"
#include "ebook_int.h"
#include "parse.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check(const struct ebook *eb)
{
    const struct parse_result *r = &eb->pr;
    if (!eb->text || eb->text[eb->len] != '\0' || !parse_chapters_tile(r, eb->len) || !eb->format)
        abort();
    size_t prev = 0, k = 0;
    for (size_t i = 0; i < eb->n_blocks; i++) {
        const struct block *b = &eb->blocks[i];
        if (b->off > b->end || b->off < prev || b->end > eb->len || b->kind > BLOCK_VERSE)
            abort();
        while (k < r->n_ch && b->off >= r->ch[k].end)
            k++;
        if (k == r->n_ch || b->off < r->ch[k].start || b->end > r->ch[k].end)
            abort();
        if (b->kind == BLOCK_PARA && b->end - b->off > PARSE_PARA_MAX)
            abort();
        uint8_t *cls = xmalloc(b->end - b->off + 1);
        markup_scan(eb->text + b->off, b->end - b->off, cls);
        free(cls);
        prev = b->end;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ebook eb;
    char *err = NULL;
    if (ebook_read_bytes("fuzz.html", EBOOK_HTML, data, size, &eb, &err)) {
        check(&eb);
        ebook_free(&eb);
    } else {
        if (!err || strchr(err, '\n'))
            abort();
        free(err);
    }
    /* the same bytes as two XHTML documents of an EPUB */
    memset(&eb, 0, sizeof eb);
    struct html_anchor *an = NULL;
    size_t n_an = 0;
    html_append(&eb, data, size, true, HTML_FRONT, NULL, NULL, NULL);
    html_append(&eb, data, size, true, HTML_CHAPTER, size & 1 ? "Chapter 1" : NULL, &an, &n_an);
    html_append(&eb, data, size / 2, false, HTML_CONTINUED, NULL, &an, &n_an);
    html_finish(&eb);
    check(&eb);
    for (size_t i = 0; i < n_an; i++) {
        if (an[i].off > eb.len)
            abort();
        free(an[i].id);
    }
    free(an);
    ebook_free(&eb);
    return 0;
}
