/* para_piece.c — where a paragraph longer than PARSE_PARA_MAX is cut into
 * pieces (parse_piece_end, see parse.h): a leaf that the block parser
 * (parse_blocks.c) and the HTML converter (html.c) both ask, so that the
 * converter needs no more of the parser than this. */
#include "parse.h"

#include <stdint.h>
#include <unigbrk.h>

size_t parse_piece_end(const char *t, size_t p, size_t e, bool hyphen_joins)
{
    size_t w = p + PARSE_PARA_MAX, lo = w - PARSE_CUT_LOOK;
    for (size_t k = w; k > lo; k--)
        if (t[k - 1] == ' ' || (t[k - 1] == '\n' && !(hyphen_joins && t[k - 2] == '-')))
            return k;
    const uint8_t *u = (const uint8_t *)t;
    size_t g = lo;
    while (g > p && (u[g] & 0xC0) == 0x80)
        g--;
    size_t best = 0;
    for (const uint8_t *q = u + g; q && q < u + w; q = u8_grapheme_next(q, u + e))
        if ((size_t)(q - u) > p)
            best = (size_t)(q - u);
    if (best > lo)
        return best;
    while (w > p + 1 && (u[w] & 0xC0) == 0x80)
        w--;
    return w;
}
