/* break_line.c — which lines are explicit scene-break markers (`***`,
 * `* * *`, `~~~`, `oOo`, `#`, `§`, ...): parse_is_break_line, see parse.h.
 * A leaf of the parser: the heading recognisers, the file-level passes and
 * the block passes all ask it, and it asks none of them. */
#include "parse.h"
#include "parse_int.h"
#include "uchar.h"

#include <stdint.h>

bool parse_is_break_line(const char *s, size_t n)
{
    /* The common case first, a line of words: one that starts with an
     * ASCII letter or digit other than those a separator is made of
     * (o x O X 0) is not one, as the loop below would find at its first
     * character (white space before it would have been trimmed). */
    if (n > 0) {
        unsigned char c0 = (unsigned char)s[0], l0 = c0 | 0x20;
        if ((l0 >= 'a' && l0 <= 'z' && l0 != 'o' && l0 != 'x') || (c0 >= '1' && c0 <= '9'))
            return false;
    }
    size_t a = 0, b = n;
    parse_trim(s, &a, &b);
    if (b <= a || b - a > 400)
        return false;
    size_t syms = 0, letters = 0, nonq = 0;
    bool lower = false, upper = false, only_x = true;
    uint32_t single = 0;
    for (size_t i = a; i < b;) {
        size_t k = uch_space_at(s, i, b);
        if (k) {
            i += k;
            continue;
        }
        uint32_t c;
        i += uch_decode(s, i, b, &c);
        if (c == 'o' || c == 'x' || c == 'O' || c == 'X' || c == '0') {
            letters++;
            if (c == 'o' || c == 'x')
                lower = true;
            else
                upper = true;
            if (c != 'X')
                only_x = false;
            continue;
        }
        /* (ASCII answered in place: the letters and digits of
         * uch_is_alnum, the quotation marks " and ' of UCH_Q_ANY) */
        if (c < 0x80 ? ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9')
                     : uch_is_alnum(c))
            return false;           /* words: "*** START OF …", "***Later…***" */
        syms++;
        single = c;
        /* Punctuation that makes a line of dialogue, not a separator. */
        if (!(c == '.' || c == 0x2026 || c == '?' || c == '!' ||
              (c < 0x80 ? c == '"' || c == '\'' : uch_is_quote(c, UCH_Q_ANY)) ||
              c == ',' || c == ';' || c == '(' || c == ')' || c == '[' || c == ']' ||
              c == 0x2014 || c == 0x2013 || c == 0x3002 || c == 0xFF0E))
            nonq++;
    }
    if (letters) {
        /* oOo, xXx, -x-x-, OoOoO, xxxxx — but not a roman numeral like "XX". */
        if (letters + syms < 3)
            return false;
        if (only_x && !syms && letters < 5)
            return false;
        return (lower && upper) || syms > 0 || letters >= 3;
    }
    if (!nonq) {
        /* only dashes/dots/quotes: "———" is a break, "..." and "—" are not */
        return syms >= 3 && (single == 0x2014 || single == 0x2013) ;
    }
    if (syms == 1) {
        return single == '#' || single == 0xA7 || single == 0x2042 || single == '*' ||
               single == 0x203B || single == 0x2606 || single == 0x2605 || single == '~' ||
               single == 0x25C6 || single == 0x2756 || single == 0x2022 || single == '+' ||
               single == 0xFF0A;
    }
    return syms >= 2;
}
