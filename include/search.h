/* search.h — Unicode case-insensitive search in source text.
 *
 * Layer: layout (pure; no curses).  The needle and the text are compared
 * after case folding and compatibility normalisation (libunistring
 * u8_casefold, NFKD), cluster by cluster, so "strasse" finds "Straße" and
 * "cafe" finds... only "cafe"; a hit is reported as a byte range of the
 * ORIGINAL text.  Whitespace runs (including line ends inside a paragraph)
 * match a single space in the needle.
 *
 * What the layout shows as markup, not text, is skipped, so a phrase the
 * reader sees is found whatever its emphasis ("the big dog" finds
 * `the *big* dog`, `the _big_ dog`, an underlined or struck "big"):
 * - the backslash of a Markdown escape (`\*` is a literal star, `\'` an
 *   apostrophe: uch_escapable);
 * - a run of `*` or `_`, unless it stands between two letters or digits
 *   (`snake_case`, `2*3`) or between two spaces or edges (`5 * 3`, `* * *`):
 *   markup_scan (parse.h) hides no other marker run.  The rule looks at a
 *   run's neighbours only, not at its pairing: an unpaired `*sigh` is
 *   skipped too (a hit the screen shows with its star), but no marker the
 *   screen hides is ever searched as text;
 * - the converter's underline and strike markers (MARKUP_U_ON ...), an
 *   opener unless a letter or digit comes right before it, a closer unless
 *   one comes right after it (markup_scan's rule).
 * A needle holding one of these characters (after folding: `*`, `_`)
 * searches that character as text everywhere: "*big*" finds the source's
 * `*big*`.  A hit starts at its first character, never on a marker before
 * it; markers right after its last character are inside it. */
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

/* A long search's pace: while `tick` is set, a search through s calls
 * tick(ctx) after about every 256 KiB of text it has read, counted across
 * calls (so many short chapters tick as one long one).  When tick returns
 * false the search stops: that search_find returns false and search_each
 * the count so far, and every later call through s does the same at once
 * (search_stopped true) until search_pace is called again.  A search
 * through s inside the tick (the screen drawn again) neither ticks nor
 * counts.  search_pace(s, NULL, NULL) ends the pace. */
void search_pace(struct search *s, bool (*tick)(void *ctx), void *ctx);
/* Stop the searches through s now, as a tick returning false does. */
void search_stop(struct search *s);
/* Did the tick (or search_stop) stop the searches through s (since the last search_pace)? */
bool search_stopped(const struct search *s);

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
