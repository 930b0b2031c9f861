/* fuzz_cache.c — any bytes as an index cache file: never a crash, never a
 * read outside the input; what is accepted writes back byte for byte and
 * reads back to the same entries.  Each input is tried as it is (the
 * checksum refuses nearly all) and sealed with a valid closing line
 * (cache_seal), so the field checks behind the checksum are reached. */
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "fuzz.h"

static void try(const char *data, size_t size)
{
    struct cache *c = cache_new_memory();
    /* an exact-size copy, so ASan sees any read past the end */
    char *copy = malloc(size ? size : 1);
    if (!copy)
        abort();
    memcpy(copy, data, size);
    long n = cache_parse(c, copy, size);
    if (n < -1 || (n == -1 && cache_count(c) != 0) || (n >= 0 && (size_t)n != cache_count(c)))
        abort();
    if (n >= 0) {
        size_t len;
        char *out = cache_format(c, &len);
        struct cache *d = cache_new_memory();
        if (cache_parse(d, out, len) != n)
            abort();
        size_t len2;
        char *out2 = cache_format(d, &len2);
        if (len2 != len || memcmp(out, out2, len) != 0)
            abort();
        free(out);
        free(out2);
        cache_free(d);
    }
    free(copy);
    cache_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    try((const char *)data, size);
    size_t len;
    char *sealed = cache_seal((const char *)data, size, &len);
    try(sealed, len);
    free(sealed);
    return 0;
}
