/* output.h — the printed outputs: `--list` (and, with --verbose, the
 * skipped files and notes) and `--bookmarks`.
 *
 * Layer: build, above the model (story.h) and the bookmark store
 * (bookmarks.h); reads them, never changes them.  Called by main.c. */
#ifndef QUIRE_OUTPUT_H
#define QUIRE_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "bookmarks.h"
#include "seen.h"
#include "story.h"

/* Print the library as `--list` does (human form, or TSV as SPEC.md says),
 * with skipped files and notes when verbose; only the stories i with
 * only[i] when `only` is not NULL (`--list NAME`; a story keeps its number
 * in the whole list).  Returns 0, or -1 on a write error. */
int output_list(const struct library *lib, const bool *only, FILE *out, bool tsv,
                bool verbose);
/* The same with the seen-chapters store (NULL: none): a story with new
 * chapters (seen_count_new) has `(N new)` after its chapter count in the
 * human form; the TSV form is unchanged. */
int output_list_seen(const struct library *lib, const bool *only, const struct seen *seen,
                     FILE *out, bool tsv, bool verbose);

/* `quire --bookmarks`: every saved position, most recent first: story,
 * chapter, percent, when (format in output.c).  `b` and `lib` may be NULL.
 * Returns 0 or -1 on a write error. */
int output_bookmarks(const struct bookmarks *b, struct library *lib, FILE *out);

#endif
