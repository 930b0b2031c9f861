/* randtext.h — the unit tests' random inputs: one small generator whose
 * sequence each test fixes by its seed (a failure repeats), and strings
 * made of pieces drawn from a list. */
#ifndef QUIRE_TEST_RANDTEXT_H
#define QUIRE_TEST_RANDTEXT_H

#include <stddef.h>
#include <string.h>

/* The next number of *seed's sequence (0 to 32767). */
static inline unsigned rt_next(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 16;
}

/* Append `parts` pieces drawn from bits[0, nbits) to s at *n (bytes); the
 * caller's s has room for `parts` of the longest piece.  No NUL added. */
static inline void rt_pieces(char *s, size_t *n, const char *const *bits, size_t nbits,
                             int parts, unsigned *seed)
{
    for (int i = 0; i < parts; i++) {
        const char *bit = bits[rt_next(seed) % nbits];
        size_t len = strlen(bit);
        memcpy(s + *n, bit, len);
        *n += len;
    }
}

#endif
