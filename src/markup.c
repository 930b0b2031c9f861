/* markup.c — emphasis markers inside a paragraph (`*word*`, `_word_`,
 * `**bold**`).  See markup_scan in parse.h. */
#include "parse.h"
#include "uchar.h"

#include <stdint.h>
#include <string.h>

/* Character class around a marker run: 0 edge/space, 1 punctuation, 2 word. */
static int side_class(const char *s, size_t n, size_t i, bool before)
{
    if (before) {
        if (i == 0)
            return 0;
        size_t p = uch_prev(s, i);
        uint32_t c;
        uch_decode(s, p, n, &c);
        if (uch_is_space(c))
            return 0;
        return uch_is_alnum(c) ? 2 : 1;
    }
    if (i >= n)
        return 0;
    uint32_t c;
    uch_decode(s, i, n, &c);
    if (uch_is_space(c))
        return 0;
    return uch_is_alnum(c) ? 2 : 1;
}

void markup_scan(const char *s, size_t n, uint8_t *cls)
{
    memset(cls, 0, n);
    /* no_closer[marker][k]: a search for a closer of k `*` (0) or `_` (1)
     * from there on found none.  Nothing that is not a closer becomes one
     * later (markers are only ever hidden), so a later opener of the same
     * kind need not search again: one pass over a paragraph full of
     * unmatched openers, instead of one pass per opener. */
    size_t no_closer[2][4] = {{SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX},
                              {SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX}};
    for (size_t i = 0; i < n; i++) {
        char m = s[i];
        if (m == '\\' && i + 1 < n && (s[i + 1] == '*' || s[i + 1] == '_')) {
            cls[i] = MARKUP_HIDDEN;     /* \* and \_ are literal markers */
            i++;
            continue;
        }
        if ((m != '*' && m != '_') || (cls[i] & MARKUP_HIDDEN))
            continue;
        size_t r = i;
        while (r < n && s[r] == m && !(cls[r] & MARKUP_HIDDEN))
            r++;
        size_t k = r - i;
        /* An opener: after an edge, space or punctuation; before a
         * non-space.  Runs longer than 3 are decoration. */
        if (k > 3 || side_class(s, n, i, true) == 2 || side_class(s, n, r, false) == 0) {
            i = r - 1;
            continue;
        }
        /* Find a closer: the same run length, after a non-space, before an
         * edge, space or punctuation. */
        size_t *nc = &no_closer[m == '_'][k];
        size_t j = r < *nc ? r : n, found = n;
        while (j < n) {
            if (s[j] == '\\') {
                j += 2;
                continue;
            }
            if (s[j] != m || (cls[j] & MARKUP_HIDDEN)) {
                j++;
                continue;
            }
            size_t e = j;
            while (e < n && s[e] == m)
                e++;
            if (e - j == k && side_class(s, n, j, true) != 0 && side_class(s, n, e, false) != 2) {
                found = j;
                break;
            }
            j = e;
        }
        if (found == n) {
            if (r < *nc)
                *nc = r;
            i = r - 1;
            continue;
        }
        uint8_t attr = k == 1 ? MARKUP_ITALIC : k == 2 ? MARKUP_BOLD : (MARKUP_ITALIC | MARKUP_BOLD);
        for (size_t q = i; q < r; q++)
            cls[q] = MARKUP_HIDDEN;
        for (size_t q = found; q < found + k; q++)
            cls[q] = MARKUP_HIDDEN;
        for (size_t q = r; q < found; q++)
            cls[q] |= attr;
        /* continue inside: nested markers of another kind may match */
        i = r - 1;
    }
}
