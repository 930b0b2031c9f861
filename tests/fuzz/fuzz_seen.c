/* fuzz_seen.c — libFuzzer target: arbitrary bytes as a seen-chapters file.
 *
 * Properties checked beyond "no crash, no leak, no undefined behaviour":
 *  - a refusal always says why;
 *  - a store that parses formats to a file that parses with no bad line;
 *  - formatting is a fixed point: format(parse(format(x))) == format(x);
 *  - merging a store into itself changes nothing, and merging it into an
 *    empty store gives it back.
 *
 * Seeds: tests/fuzz/corpus/seen/; run with `make fuzz` (tests/fuzz/run.sh). */
#include "seen.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t bad = 0;
    char *err = NULL;
    struct seen *s = seen_parse((const char *)data, size, &bad, &err);
    if (!s) {
        if (!err)
            abort();
        free(err);
        return 0;
    }
    size_t l1, l2, l3, l4, bad2 = 1;
    char *f1 = seen_format(s, &l1);
    struct seen *s2 = seen_parse(f1, l1, &bad2, NULL);
    if (!s2 || bad2 != 0)
        abort();                /* what we write must read back whole */
    char *f2 = seen_format(s2, &l2);
    if (l1 != l2 || memcmp(f1, f2, l1) != 0)
        abort();                /* and read back the same */
    seen_merge(s2, s);
    char *f3 = seen_format(s2, &l3);
    if (l1 != l3 || memcmp(f1, f3, l1) != 0)
        abort();                /* a store merged with itself is itself */
    struct seen *e = seen_parse("quire-seen 1\n", 13, NULL, NULL);
    seen_merge(e, s);
    char *f4 = seen_format(e, &l4);
    if (l1 != l4 || memcmp(f1, f4, l1) != 0)
        abort();                /* merged into nothing: the same store */
    free(f1);
    free(f2);
    free(f3);
    free(f4);
    seen_close(e);
    seen_close(s2);
    seen_close(s);
    return 0;
}
