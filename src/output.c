/* output.c — what quire prints for a person or a script: `--list` (human
 * form and TSV) and its --verbose part.  See output.h. */
#include "output.h"

#include <stdio.h>


/* A field for TSV: tabs, CR and LF become spaces. */
static void put_field(FILE *out, const char *s)
{
    for (; *s; s++)
        putc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, out);
}

/* One line of human text: control characters become spaces. */
static void put_text(FILE *out, const char *s)
{
    for (; *s; s++)
        putc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, out);
}

/* Human form (one block per story, a blank line between stories):
 *
 *   The Worst Betrayal
 *     by TwilightChild; 2 chapters, 5123 words
 *        1  Chapter 1 (2451 words)
 *        2  Chapter 2 (2672 words)
 *
 * "author unknown" replaces "by ..." when the story names none.  With
 * --verbose each chapter is followed by its files (preferred edition first),
 * and after the stories come the skipped files with their reasons and the
 * notes.  In TSV form the verbose part goes to stderr, so stdout stays one
 * line per chapter. */
int output_list(const struct library *lib, FILE *out, bool tsv, bool verbose)
{
    for (size_t i = 0; i < lib->n_stories; i++) {
        const struct story *s = &lib->stories[i];
        size_t words = 0;
        for (size_t c = 0; c < s->n_ch; c++)
            words += s->ch[c].words;
        if (!tsv) {
            if (i)
                putc('\n', out);
            put_text(out, s->title);
            putc('\n', out);
            fputs("  ", out);
            if (*s->author) {
                fputs("by ", out);
                put_text(out, s->author);
            } else {
                fputs("author unknown", out);
            }
            fprintf(out, "; %zu chapter%s, %zu words\n", s->n_ch, s->n_ch == 1 ? "" : "s", words);
        }
        for (size_t c = 0; c < s->n_ch; c++) {
            const struct chapter *ch = &s->ch[c];
            if (tsv) {
                fprintf(out, "%zu\t", i + 1);
                put_field(out, s->title);
                putc('\t', out);
                put_field(out, s->author);
                fprintf(out, "\t%zu\t", c + 1);
                put_field(out, ch->title);
                fprintf(out, "\t%zu\t", ch->words);
                for (size_t e = 0; e < ch->n_ed; e++) {
                    if (e)
                        putc(';', out);
                    put_field(out, ch->ed[e].relpath);
                }
                putc('\n', out);
            } else {
                fprintf(out, "  %4zu  ", c + 1);
                put_text(out, ch->title);
                fprintf(out, " (%zu words)\n", ch->words);
                if (verbose)
                    for (size_t e = 0; e < ch->n_ed; e++) {
                        fputs(e ? "          also: " : "          file: ", out);
                        put_text(out, ch->ed[e].relpath);
                        putc('\n', out);
                    }
            }
        }
    }
    if (verbose) {
        FILE *v = tsv ? stderr : out;
        if (!tsv && lib->n_stories)
            putc('\n', v);
        fprintf(v, "%zu skipped file%s\n", lib->n_skipped, lib->n_skipped == 1 ? "" : "s");
        for (size_t i = 0; i < lib->n_skipped; i++) {
            fputs("  ", v);
            put_text(v, lib->skipped[i].relpath);
            fputs(": ", v);
            put_text(v, lib->skipped[i].why);
            putc('\n', v);
        }
        fprintf(v, "%zu note%s\n", lib->n_notes, lib->n_notes == 1 ? "" : "s");
        for (size_t i = 0; i < lib->n_notes; i++) {
            fputs("  ", v);
            put_text(v, lib->notes[i]);
            putc('\n', v);
        }
    }
    fflush(out);
    return ferror(out) ? -1 : 0;
}
