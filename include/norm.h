/* norm.h — text normalisation for identity and matching: the words of a
 * text as the library compares them, and folded titles.
 *
 * Layer: text, under every pass (no story types).  Used by the model
 * (story.c: titles compared folded) and the build passes (analysis, grouping,
 * editions, assembly).
 *
 * Normalised text: lowercase letters and digits, word by word.  Quotes,
 * punctuation, spacing and line ends vanish; so does markup that lost its
 * angle brackets on the way (`i word/i`, `/b`), so two editions of a text
 * give the same words.  Each CJK ideograph or kana is a word of its own; a
 * combining mark stays inside its word. */
#ifndef QUIRE_NORM_H
#define QUIRE_NORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* A walk over the text t[pos, end) (bytes, UTF-8). */
/* A byte as a word sees it, for fast paths over ASCII: an ASCII letter or
 * digit folded to lower case (norm_word's rule); 0 for ASCII space and
 * punctuation, which end a word; NORM_STOP for '/' and every byte over
 * 0x7F, which only norm_word's general walk knows what to do with. */
#define NORM_STOP 0xFF
extern const unsigned char norm_fold_byte[256];

/* Is this norm_fold_byte value a letter or digit (not 0, not NORM_STOP)? */
static inline bool norm_is_word_byte(unsigned char l)
{
    return (unsigned char)(l - 1) < 0x7F;
}

struct norm {
    const char *t;
    size_t pos, end;
    /* Set by norm_word (start it false) once the walk has gone on past the
     * place where the norm_word of quire up to 0.1 (before the lost-tag
     * fix) reported the end of the text: a lone i, b or u right before a
     * lost closing tag ("i/i") or an ideograph.  The words returned before
     * it was set are all that walk gave: story ids and chapter keys are
     * still made of them (so they do not change), and seen accepts the
     * digest of them that such a quire saved. */
    bool old_end;
};

/* The next normalised word into w (replaced; NUL-terminated, w->len bytes
 * without the NUL).  false at the end, and only there. */
bool norm_word(struct norm *n, struct buf *w);

/* Normalised form of a short string (titles, authors): its words joined by
 * single spaces, up to the old end (struct norm: story ids are made of
 * it).  malloc'd. */
char *norm_string(const char *s);

/* Case-folded (NFC), whitespace (and U+00A0) collapsed to one space,
 * trimmed: how titles are compared.  malloc'd. */
char *norm_fold(const char *s);

/* Is c an ASCII letter or digit? */
bool norm_ascii_alnum(char c);

/* Does text[from, to) hold a letter or digit (any script)? */
bool norm_has_word(const char *text, size_t from, size_t to);

/* A 64-bit mixing function (a bijection): spreads hash bits for sampling
 * and hash tables.  Inline: the build calls it for every word it samples. */
static inline uint64_t norm_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

#endif
