/* uchar.c — character rules shared by the modules that read text.  See
 * uchar.h. */
#include "uchar.h"

#include <string.h>
#include <strings.h>
#include <unictype.h>

bool uch_is_space(uint32_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xA0 || c == 0x3000 || c == 0xFEFF ||
           (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F || c == 0x85;
}

void uch_trim(const char *s, size_t *a, size_t *b)
{
    size_t k;
    while (*a < *b && (k = uch_space_at(s, *a, *b)) > 0)
        *a += k;
    while (*a < *b) {
        size_t p = uch_prev(s, *b);
        if (p < *a || uch_space_at(s, p, *b) == 0)
            break;
        *b = p;
    }
}

bool uch_is_alnum(uint32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    return uc_is_alnum(c);
}

bool uch_is_upper(uint32_t c)
{
    return c < 0x80 ? (c >= 'A' && c <= 'Z') : uc_is_upper(c);
}

static bool is_letter(uint32_t c)
{
    return c < 0x80 ? ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') : uc_is_alpha(c);
}

bool uch_hyphen_joins(const char *s, size_t lo, size_t hi, size_t i, size_t j)
{
    if (i < lo + 2 || j >= hi)
        return false;
    size_t h;
    if (s[i - 1] == '-')
        h = i - 1;
    else if (i >= lo + 4 && memcmp(s + i - 3, "\xE2\x80\x90", 3) == 0)
        h = i - 3;
    else
        return false;
    if (!memchr(s + i, '\n', j - i) && !memchr(s + i, '\r', j - i))
        return false;
    size_t p = uch_prev(s, h);
    if (p < lo)
        return false;
    uint32_t before, after;
    uch_decode(s, p, h, &before);
    uch_decode(s, j, hi, &after);
    return is_letter(before) && is_letter(after);
}

uint32_t uch_first(const char *s, size_t a, size_t b)
{
    uint32_t c;
    uch_decode(s, a, b, &c);
    return c;
}

uint32_t uch_last(const char *s, size_t a, size_t b)
{
    uint32_t c;
    size_t p = uch_prev(s, b);
    if (p < a)
        p = a;
    uch_decode(s, p, b, &c);
    return c;
}

size_t uch_count_chars(const char *s, size_t a, size_t b)
{
    size_t n = 0;
    for (size_t i = a; i < b; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

size_t uch_count_spaced(const char *s, size_t a, size_t b)
{
    size_t n = 0;
    bool in = false;
    for (size_t i = a; i < b;) {
        size_t k = uch_space_at(s, i, b);
        if (k) {
            in = false;
            i += k;
        } else {
            if (!in)
                n++;
            in = true;
            i++;
        }
    }
    return n;
}

bool uch_has_prefix_ci(const char *s, size_t a, size_t b, const char *w)
{
    size_t n = strlen(w);
    return b - a >= n && strncasecmp(s + a, w, n) == 0;
}

/* The one list of quotation marks: each mark and the sets it is in. */
bool uch_is_quote(uint32_t c, unsigned sets)
{
    enum { ANY = UCH_Q_ANY, SPEECH = UCH_Q_SPEECH, OPENS = UCH_Q_OPENS, CURLY = UCH_Q_CURLY,
           MIX = UCH_Q_CJK_MIX };
    unsigned in;
    switch (c) {
    case '"':    in = ANY | SPEECH | OPENS | MIX; break;
    case '\'':   in = ANY | OPENS | MIX; break;
    case 0x2018: in = ANY | OPENS | CURLY | MIX; break;           /* ‘ */
    case 0x2019: in = ANY | CURLY | MIX; break;                   /* ’ */
    case 0x201A: in = ANY | MIX; break;                           /* ‚ */
    case 0x201B: in = MIX; break;                                 /* ‛ */
    case 0x201C: in = ANY | SPEECH | OPENS | CURLY | MIX; break;  /* “ */
    case 0x201D: in = ANY | SPEECH | OPENS | CURLY | MIX; break;  /* ” */
    case 0x201E: in = ANY | SPEECH | OPENS | MIX; break;          /* „ */
    case 0x201F: in = MIX; break;                                 /* ‟ */
    case 0xAB:   in = ANY | SPEECH | OPENS; break;                /* « */
    case 0xBB:   in = ANY | SPEECH | OPENS; break;                /* » */
    case 0x2039: in = ANY; break;                                 /* ‹ */
    case 0x203A: in = ANY; break;                                 /* › */
    case 0x300C: in = ANY | SPEECH | OPENS; break;                /* 「 */
    case 0x300D: in = ANY; break;                                 /* 」 */
    case 0x300E: in = ANY; break;                                 /* 『 */
    case 0x300F: in = ANY; break;                                 /* 』 */
    default:     in = 0;
    }
    return (in & sets) != 0;
}
