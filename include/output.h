/* output.h — the printed outputs: `--list` (and, with --verbose, the
 * skipped files and notes).
 *
 * Layer: library, above the model (story.h); reads a library, never
 * changes one.  Called by main.c. */
#ifndef QUIRE_OUTPUT_H
#define QUIRE_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "story.h"

/* Print the library as `--list` does (human form, or TSV as SPEC.md says),
 * with skipped files and notes when verbose.  Returns 0, or -1 on a write
 * error. */
int output_list(const struct library *lib, FILE *out, bool tsv, bool verbose);

#endif
