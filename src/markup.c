/* markup.c — emphasis markers inside a paragraph (`*word*`, `_word_`,
 * `**bold**`).  See markup_scan in parse.h. */
#include "parse.h"
#include "uchar.h"

#include <stdint.h>
#include <string.h>

/* side_class of an ASCII character: uch_is_space and uch_is_alnum there
 * (test_parse checks the 128). */
static inline int ascii_class(unsigned char c)
{
    unsigned char l = c | 0x20;
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return 0;
    return (l >= 'a' && l <= 'z') || (c >= '0' && c <= '9') ? 2 : 1;
}

/* Character class around a marker run: 0 edge/space, 1 punctuation, 2 word. */
static int side_class(const char *s, size_t n, size_t i, bool before)
{
    if (before) {
        if (i == 0)
            return 0;
        if ((unsigned char)s[i - 1] < 0x80)   /* a character of its own */
            return ascii_class((unsigned char)s[i - 1]);
        size_t p = uch_prev(s, i);
        uint32_t c;
        uch_decode(s, p, n, &c);
        if (uch_is_space(c))
            return 0;
        return uch_is_alnum(c) ? 2 : 1;
    }
    if (i >= n)
        return 0;
    if ((unsigned char)s[i] < 0x80)
        return ascii_class((unsigned char)s[i]);
    uint32_t c;
    uch_decode(s, i, n, &c);
    if (uch_is_space(c))
        return 0;
    return uch_is_alnum(c) ? 2 : 1;
}

/* Bits markup_scan keeps in cls[] while it works, cleared before it
 * returns (the MARKUP_* bits are 1, 2 and 4). */
enum {
    M_LITERAL = 8,      /* the character after an escaping backslash */
    M_ITAL_ON = 16,     /* an italic range starts at this byte */
    M_ITAL_OFF = 32,    /* an italic range ends before this byte */
    M_BOLD_ON = 64,
    M_BOLD_OFF = 128,
};

/* The first closer of k markers m at or after `from` (a run boundary):
 * a run of exactly k unhidden m after a non-space, before an edge, space
 * or punctuation.  n when there is none. */
static size_t find_closer(const char *s, size_t n, const uint8_t *cls, char m, size_t k,
                          size_t from, size_t *scanned)
{
    size_t j = from;
    while (j < n) {
        if (s[j] != m || (cls[j] & (MARKUP_HIDDEN | M_LITERAL))) {
            j++;
            continue;
        }
        size_t e = j;
        while (e < n && s[e] == m && !(cls[e] & M_LITERAL))
            e++;
        if (e - j == k && side_class(s, n, j, true) != 0 && side_class(s, n, e, false) != 2) {
            *scanned = e;
            return j;
        }
        j = e;
    }
    *scanned = n;
    return n;
}

/* The converter's underline and strike markers (parse.h): each opener
 * with the next closer of its kind, at word edges; the bytes between get
 * the style, but for hidden ones.  Linear: the spans of one kind never
 * overlap. */
static void pair_converter_marks(const char *s, size_t n, uint8_t *cls)
{
    static const char on[2] = {MARKUP_U_ON, MARKUP_S_ON}, off[2] = {MARKUP_U_OFF, MARKUP_S_OFF};
    static const uint8_t style[2] = {MARKUP_UNDERLINE, MARKUP_STRIKE};
    size_t open[2] = {n, n};
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < 2; k++) {
            if (s[i] == on[k]) {
                open[k] = side_class(s, n, i, true) == 2 ? n : i;
            } else if (s[i] == off[k] && open[k] < n) {
                if (side_class(s, n, i + 1, false) != 2) {
                    for (size_t q = open[k] + 1; q < i; q++)
                        if (!(cls[q] & MARKUP_HIDDEN))
                            cls[q] |= style[k];
                    cls[open[k]] = cls[i] = MARKUP_HIDDEN;
                }
                open[k] = n;
            }
        }
    }
}

void markup_scan(const char *s, size_t n, uint8_t *cls)
{
    memset(cls, 0, n);
    /* Most paragraphs hold no backslash and no marker: then every class
     * is 0 (the loops below would set nothing), found by memchr instead of
     * three tests a byte.  The converter's marks are looked for at the end
     * all the same. */
    bool slash = memchr(s, '\\', n) != NULL;
    if (!slash && !memchr(s, '*', n) && !memchr(s, '_', n))
        goto converter;
    /* A backslash before ASCII punctuation is a Markdown escape, in any
     * file: Markdown exports leave them in .txt files too (`school\'s`,
     * `\$5`), and in prose a backslash comes before a letter, a digit or
     * a space if at all ("C:\Users"), never before punctuation. */
    for (size_t i = 0; slash && i + 1 < n; i++)
        if (s[i] == '\\' && uch_escapable(s[i + 1])) {
            cls[i] = MARKUP_HIDDEN;
            cls[++i] = M_LITERAL;
        }
    /* seen[marker][k]: the search for a closer of k `*` (0) or `_` (1) has
     * looked at everything before this offset.  What it passed over was no
     * closer then and is none later (markers only ever become hidden), and
     * openers come in order, so the next search of that kind goes on from
     * there: each kind of search crosses the paragraph once, whatever the
     * nesting (`*a *a … a* a*` is linear). */
    size_t seen[2][4] = {{0}};
    for (size_t i = 0; i < n; i++) {
        char m = s[i];
        if ((m != '*' && m != '_') || (cls[i] & (MARKUP_HIDDEN | M_LITERAL)))
            continue;
        size_t r = i;
        while (r < n && s[r] == m && !(cls[r] & (MARKUP_HIDDEN | M_LITERAL)))
            r++;
        size_t k = r - i;
        /* An opener: after an edge, space or punctuation; before a
         * non-space.  Runs longer than 3 are decoration. */
        if (k > 3 || side_class(s, n, i, true) == 2 || side_class(s, n, r, false) == 0) {
            i = r - 1;
            continue;
        }
        size_t *from = &seen[m == '_'][k];
        if (*from < r)
            *from = r;
        size_t found = find_closer(s, n, cls, m, k, *from, from);
        if (found < n) {
            for (size_t q = i; q < r; q++)
                cls[q] |= MARKUP_HIDDEN;
            for (size_t q = found; q < found + k; q++)
                cls[q] |= MARKUP_HIDDEN;
            /* the range [r, found) is painted in the sweep below: painting
             * it here would cost its length per pair */
            if (k & 1) {
                cls[r] |= M_ITAL_ON;
                cls[found] |= M_ITAL_OFF;
            }
            if (k >= 2) {
                cls[r] |= M_BOLD_ON;
                cls[found] |= M_BOLD_OFF;
            }
        }
        /* continue inside: nested markers of another kind may match */
        i = r - 1;
    }
    size_t ital = 0, bold = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = cls[i];
        ital += (c & M_ITAL_ON) != 0;
        ital -= (c & M_ITAL_OFF) != 0;
        bold += (c & M_BOLD_ON) != 0;
        bold -= (c & M_BOLD_OFF) != 0;
        if (c & MARKUP_HIDDEN)
            c = MARKUP_HIDDEN;      /* a marker shows nothing, so no style */
        else
            c = (uint8_t)((ital ? MARKUP_ITALIC : 0) | (bold ? MARKUP_BOLD : 0));
        cls[i] = c;
    }
converter:
    /* a converter's underline or strike opener: memchr, so that a TXT
       paragraph pays two fast scans for them, not a test per byte */
    if (memchr(s, MARKUP_U_ON, n) || memchr(s, MARKUP_S_ON, n))
        pair_converter_marks(s, n, cls);
}
