/* layout_internal.h — what layout.c and layout_runs.c share: the scratch
 * buffers, the character tests both walks use (inline: they run for every
 * byte laid out) and three helpers.  Private to src/layout*.c. */
#ifndef QUIRE_LAYOUT_INTERNAL_H
#define QUIRE_LAYOUT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistr.h>

#include "layout.h"
#include "uchar.h"

#define DEFAULT_GLYPH "* * *"
#define MAX_WIDTH 30000      /* widest column laid out (fits uint16_t cols) */
#define VERSE_TAB 4          /* verse indentation: tab stops every 4 columns */
#define QUOTE_INDENT 4       /* a quotation (BLOCK_QUOTE) is indented by this many columns */
#define PARA_WINDOW (1u << 20)   /* bytes of a paragraph laid out at once */

struct layout_scratch {
    /* folded paragraph */
    char *f; size_t fcap;
    struct { size_t fi, si; } *pt;  /* folded -> source map (map_point) */
    size_t npt, ptcap;
    uint8_t *fcls; size_t fccap;    /* folded byte -> MARKUP_* bits */
    char *brk; size_t bcap;         /* line-break opportunities over f */
    char *gb; size_t gcap;          /* grapheme breaks (long words, runs) */
    struct seg *seg; size_t scap;
    long long *pre; size_t pcap;    /* prefix widths of segments */
    long long *best; size_t becap;
    size_t *from; size_t frcap;
    /* emphasis classes of one block, by source offset - cls_off */
    uint8_t *cls; size_t ccap;
    const char *cls_text; size_t cls_off, cls_end; bool cls_valid, cls_any;
};

/* For tests only (false at start): true, the layout takes its general
 * path wherever a fast path would answer (plain words' segments, a single
 * line end folded, white space that cannot vanish), so that a test can
 * compare the two.  The fast paths must give the same lines and runs. */
extern bool lay_general_only;

static inline bool is_ctrl(uint32_t c)
{
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0);
}

/* Columns of the visible form a control character (is_ctrl, not is_ws) is
 * drawn as, by the rule of vis.h: "^[" for a C0 control or DEL (2), and
 * "<U+009B>" for a C1 control (8). */
static inline int ctrl_cols(uint32_t c)
{
    return c < 0x80 ? 2 : 8;
}

/* Columns of c as a story's text draws it: layout_char_width, except
 * that a control character is drawn in its visible form (ctrl_cols). */
static inline int shown_width(uint32_t c)
{
    if (c >= 0xA0 || (c >= 0x20 && c < 0x7F))
        return layout_char_width(c);
    return is_ctrl(c) ? ctrl_cols(c) : 0;
}

/* Whitespace that folds: ASCII blanks and line ends, NEL, LS, PS.
 * (NBSP and the other Unicode spaces are drawn as they are.) */
static inline bool is_ws(uint32_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0x2028 || c == 0x2029;
}

static inline bool is_lineend(uint32_t c)
{
    return (c >= '\n' && c <= '\r') || c == 0x85 || c == 0x2028 || c == 0x2029;
}

static inline bool is_hangul(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F) ||
           (c >= 0xA960 && c <= 0xA97F) || (c >= 0xAC00 && c <= 0xD7FF);
}

/* Characters of CJK text that a hard wrap may separate with no space meant:
 * wide ideographs, kana, fullwidth punctuation, and the narrow quotation
 * marks and dashes such text mixes in.  Hangul is written with spaces. */
static inline bool is_cjk_wide(uint32_t c)
{
    return c >= 0x1100 && !is_hangul(c) && layout_char_width(c) == 2;
}

static inline bool is_cjk_punct(uint32_t c)
{
    return uch_is_quote(c, UCH_Q_CJK_MIX) || c == 0x2014 || c == 0x2026 || c == 0x00B7;
}

/* Decode the character at s[i] (i < n); sets *c, returns its length. */
static inline int get_char(const char *s, size_t i, size_t n, uint32_t *c)
{
    unsigned char b = (unsigned char)s[i];
    if (b < 0x80) {
        *c = b;
        return 1;
    }
    ucs4_t u;
    int l = u8_mbtouc(&u, (const uint8_t *)s + i, n - i);
    *c = u;
    return l < 1 ? 1 : l;
}

/* The character that ends just before s[i] (i > lo). */
static inline uint32_t prev_char(const char *s, size_t lo, size_t i)
{
    size_t k = i - 1;
    while (k > lo && i - k < 4 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    uint32_t c;
    get_char(s, k, i, &c);
    return c;
}

/* End of the whitespace run starting at s[i] (bounded by hi); sets *nl when
 * it holds a line end. */
static inline size_t ws_run_end(const char *s, size_t i, size_t hi, bool *nl)
{
    *nl = false;
    while (i < hi) {
        uint32_t c;
        int l = get_char(s, i, hi, &c);
        if (!is_ws(c))
            break;
        if (is_lineend(c))
            *nl = true;
        i += (size_t)l;
    }
    return i;
}

/* Does the whitespace run s[i, j) inside [lo, hi) vanish instead of
 * becoming a space?  Only a line end between two CJK characters does, or
 * one after a hyphenated word's hyphen (uch_hyphen_joins). */
static inline bool ws_run_vanishes(const char *s, size_t lo, size_t hi, size_t i, size_t j, bool nl)
{
    if (!nl || i <= lo || j >= hi)
        return false;
    /* the common case: ASCII on both sides and no hyphen before: no CJK
     * character beside it, no hyphenated word (its '-' or U+2010 ends
     * just before the run) */
    if ((unsigned char)s[i - 1] < 0x80 && s[i - 1] != '-' && (unsigned char)s[j] < 0x80 &&
        !lay_general_only)
        return false;
    if (uch_hyphen_joins(s, lo, hi, i, j))
        return true;            /* "Saint-\nRomain" */
    uint32_t a = prev_char(s, lo, i), b;
    get_char(s, j, hi, &b);
    return (is_cjk_wide(a) || is_cjk_wide(b)) &&
           (is_cjk_wide(a) || is_cjk_punct(a)) && (is_cjk_wide(b) || is_cjk_punct(b));
}

/* Is text[i] a single line end (LF) that folds to one space by the rule of
 * ws_run_vanishes's common case: inside [lo, hi), after a printable ASCII
 * byte that is no hyphen and before a printable ASCII byte that is no
 * space?  Both walks (fold, runs_walk) take it without decoding. */
static inline bool lone_lf_space(const char *text, size_t lo, size_t hi, size_t i)
{
    if (text[i] != '\n' || i <= lo || i + 1 >= hi || lay_general_only)
        return false;
    unsigned char a = (unsigned char)text[i - 1], b = (unsigned char)text[i + 1];
    return (unsigned char)(a - 0x21) < 0x5E && a != '-' && (unsigned char)(b - 0x21) < 0x5E;
}

/* The visible form of control character c (is_ctrl): a static ASCII
 * string of *n bytes and ctrl_cols(c) columns ("^[", "^?", "<U+009B>"). */
const char *lay_ctrl_form(uint32_t c, size_t *n);
/* Options with the width clamped to what a line can describe. */
struct layout_opts lay_norm_opts(const struct layout_opts *o);
/* The scene-break glyph that fits the column: the configured one, or "*". */
const char *lay_glyph_for(const struct layout_opts *o, int *cols);
/* The text of a LINE_FOLD line as pieces of static ASCII strings (at most
 * LAY_FOLD_PIECES): "author's note, 3 paragraphs", shortened to
 * "author's note, 3" and then "3 notes"... when the column is narrower.
 * Returns how many; *cols their width. */
#define LAY_FOLD_PIECES 12
size_t lay_fold_pieces(int width, unsigned label, unsigned n, const char **s, size_t *len,
                       int *cols);
/* Emphasis classes of text[off, end) in sc->cls (cached per block). */
const uint8_t *lay_block_classes(struct layout_scratch *sc, const char *text,
                                 size_t off, size_t end);

#endif
