/* search.h — Unicode case-insensitive search in source text.
 *
 * Layer: layout (pure; no curses).  The needle and the text are compared
 * after case folding and compatibility normalisation (libunistring
 * u8_casefold, NFKD), cluster by cluster, so "strasse" finds "Straße" and
 * "cafe" finds... only "cafe"; a hit is reported as a byte range of the
 * ORIGINAL text.  Whitespace runs (including line ends inside a paragraph)
 * match a single space in the needle. */
#ifndef QUIRE_SEARCH_H
#define QUIRE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

struct search;   /* a compiled needle */

/* Compile `needle` (UTF-8, n bytes).  NULL when it folds to nothing.  A
 * compiled needle remembers how characters fold as it searches (a cache
 * search_find writes through the const pointer): use one from one thread
 * at a time. */
struct search *search_new(const char *needle, size_t n);
void search_free(struct search *s);   /* NULL is a no-op */

/* Find the first hit starting at or after `from` (forward) or the last hit
 * starting before `from` (backward) within text[lo, hi).  On success sets
 * [*hit, *hit_end) and returns true. */
bool search_find(const struct search *s, const char *text, size_t lo, size_t hi,
                 size_t from, bool backward, size_t *hit, size_t *hit_end);

/* Every hit within text[lo, hi), in order, overlapping ones too (the
 * hits search_find gives from lo, then from each hit's start + 1), each
 * passed to each(ctx, hit, hit_end) until it returns false; one pass over
 * the text.  Returns how many were passed. */
size_t search_each(const struct search *s, const char *text, size_t lo, size_t hi,
                   bool (*each)(void *ctx, size_t hit, size_t hit_end), void *ctx);

#endif
