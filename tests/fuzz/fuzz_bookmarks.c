/* fuzz_bookmarks.c — libFuzzer target: arbitrary bytes as a bookmarks file.
 *
 * Properties checked beyond "no crash, no leak, no undefined behaviour":
 *  - a store that parses formats to a file that parses with no bad line;
 *  - formatting is a fixed point: format(parse(format(x))) == format(x);
 *  - every lookup and the --bookmarks listing work on whatever was parsed.
 *
 * Seeds: tests/fuzz/corpus/bookmarks/; dictionary: tests/fuzz/bookmarks.dict;
 * run with `make fuzz` (tests/fuzz/run.sh). */
#include "bookmarks.h"
#include "output.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t bad = 0;
    char *err = NULL;
    struct bookmarks *b = bookmarks_parse((const char *)data, size, &bad, &err);
    if (!b) {
        if (!err)
            abort();            /* a refusal always says why */
        free(err);
        return 0;
    }
    size_t l1, l2, bad2 = 1;
    char *f1 = bookmarks_format(b, &l1);
    struct bookmarks *b2 = bookmarks_parse(f1, l1, &bad2, NULL);
    if (!b2 || bad2 != 0)
        abort();                /* what we write must read back whole */
    char *f2 = bookmarks_format(b2, &l2);
    if (l1 != l2 || memcmp(f1, f2, l1) != 0)
        abort();                /* and read back the same */

    const char *id = bookmarks_most_recent(b);
    struct bm_pos p;
    if (id && !bookmarks_get_last(b, id, &p))
        abort();
    char letters[53];
    bookmarks_marks(b, id ? id : "x", letters);
    for (const char *l = letters; *l; l++)
        if (!bookmarks_get_mark(b, id, *l, &p))
            abort();
    static FILE *null;
    if (!null)
        null = fopen("/dev/null", "w");
    if (null)
        output_bookmarks(b, NULL, null);
    free(f1);
    free(f2);
    bookmarks_close(b2);
    bookmarks_close(b);
    return 0;
}
