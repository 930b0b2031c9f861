/* uchar.h — character rules shared by the modules that read text: decoding
 * one character, white space, letters, quotation marks, CJK words.
 *
 * Layer: base (uses only libunistring).  Positions are byte offsets into
 * UTF-8 text; a range [a, b) is bytes.  Invalid UTF-8 decodes one byte at a
 * time, never past the range's end.  The rules each module reads text by
 * are written here once; where two modules mean different things (which
 * quotation marks, whether kana is a word), the difference is a named set
 * or a parameter, not a second copy. */
#ifndef QUIRE_UCHAR_H
#define QUIRE_UCHAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unictype.h>
#include <unistr.h>

/* Decode the character at s[i] (i < n) into *uc; returns its length in
 * bytes (>= 1, also for an invalid byte). */
static inline size_t uch_decode(const char *s, size_t i, size_t n, uint32_t *uc)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        *uc = c;
        return 1;
    }
    int k = u8_mbtouc(uc, (const uint8_t *)s + i, n - i);
    return k > 0 ? (size_t)k : 1;
}

/* Start of the character that ends just before s[i] (i > 0): at most three
 * continuation bytes back. */
static inline size_t uch_prev(const char *s, size_t i)
{
    size_t j = i - 1;
    int guard = 3;
    while (j > 0 && guard-- > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
        j--;
    return j;
}

/* White space as the parser reads it: ASCII blanks and line ends, NEL,
 * no-break space, the U+2000-U+200B spaces, narrow no-break space, medium
 * mathematical space, ideographic space, BOM. */
bool uch_is_space(uint32_t c);

/* Width in bytes of the white space character at s[i] (i < n), or 0: the
 * ASCII blanks and line ends, no-break space, ideographic space, BOM, the
 * U+2000-U+200B spaces and U+202F. */
static inline size_t uch_space_at(const char *s, size_t i, size_t n)
{
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r' || c == '\n')
        return 1;
    if (c < 0x80)
        return 0;
    if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0)
        return 2;
    if (c == 0xE3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x80)
        return 3;
    if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBB && (unsigned char)s[i + 2] == 0xBF)
        return 3;
    if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
        ((unsigned char)s[i + 2] <= 0x8B || (unsigned char)s[i + 2] == 0xAF))
        return 3;
    return 0;
}

/* ASCII digit / ASCII capital. */
static inline bool uch_is_digit(char c) { return c >= '0' && c <= '9'; }
static inline bool uch_is_upper_ascii(char c) { return c >= 'A' && c <= 'Z'; }

/* Narrow [*a, *b) past the white space (uch_space_at) at both ends. */
void uch_trim(const char *s, size_t *a, size_t *b);

/* A letter or digit of any script. */
bool uch_is_alnum(uint32_t c);
/* An upper case letter (any script that has case). */
bool uch_is_upper(uint32_t c);

/* Is c an ASCII punctuation character, which a backslash before it
 * escapes (the Markdown rule: `\'`, `\$`, `\*`, `\\`)?  The backslash is
 * markup: hidden on screen (markup_scan) and skipped by search. */
static inline bool uch_escapable(char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

/* Does the white-space run s[i, j) end a line broken after the hyphen of
 * a hyphenated word ("Saint-\nRomain", "au-\ndessus")?  It holds a line
 * end, a letter and a hyphen (`-` or U+2010) come before it and a letter
 * after it.  Such a run is shown and searched as nothing: the word is
 * whole again.  A dash used as punctuation (`--`, ` -`) keeps its space.
 * Reads s[lo, hi) only. */
bool uch_hyphen_joins(const char *s, size_t lo, size_t hi, size_t i, size_t j);

/* First / last character of s[a, b) (b > a). */
uint32_t uch_first(const char *s, size_t a, size_t b);
uint32_t uch_last(const char *s, size_t a, size_t b);

/* Characters (not bytes) of s[a, b). */
size_t uch_count_chars(const char *s, size_t a, size_t b);
/* Runs of non-white-space in s[a, b) (uch_space_at separates them). */
size_t uch_count_spaced(const char *s, size_t a, size_t b);

/* Does s[a, b) start with the ASCII word w, case-insensitively? */
bool uch_has_prefix_ci(const char *s, size_t a, size_t b, const char *w);

/* Quotation marks.  One list of them (uchar.c), each mark in the sets it
 * belongs to; every module asks for the set that is its rule:
 *   UCH_Q_ANY     every mark that opens or closes dialogue:
 *                 " ' “ ” ‘ ’ „ ‚ « » ‹ › 「 」 『 』  (parse: headings,
 *                 titles, break lines)
 *   UCH_Q_SPEECH  marks that show a paragraph holds speech; single marks
 *                 are left out (they are apostrophes too) and so are the
 *                 closing-only ones: " “ ” „ « » 「  (parse: lost breaks)
 *   UCH_Q_OPENS   what a paragraph of speech opens with: UCH_Q_SPEECH and
 *                 ‘ '  (parse: lost breaks)
 *   UCH_Q_CURLY   typographer's quotes ‘ ’ “ ” (library: how rich an
 *                 edition's markup is)
 *   UCH_Q_CJK_MIX the ASCII and General Punctuation marks CJK text mixes
 *                 in, " ' and U+2018-U+201F: a hard wrap beside them joins
 *                 with no space (layout) */
enum uch_quote_set {
    UCH_Q_ANY = 1,
    UCH_Q_SPEECH = 2,
    UCH_Q_OPENS = 4,
    UCH_Q_CURLY = 8,
    UCH_Q_CJK_MIX = 16,
};
/* Is c a quotation mark of any of the sets (UCH_Q_* bits)? */
bool uch_is_quote(uint32_t c, unsigned sets);

/* Is c a CJK character that is a word of its own: an ideograph, or with
 * kana set, hiragana and katakana (U+3040-U+30FF) too.  Word counts take
 * ideographs only (a run of kana is one word, as a run of letters is);
 * the library's normalised text takes kana too, so two editions of a
 * Japanese text split into the same words. */
static inline bool uch_is_cjk_word(uint32_t c, bool kana)
{
    return uc_is_property_ideographic(c) || (kana && c >= 0x3040 && c <= 0x30FF);
}

#endif
