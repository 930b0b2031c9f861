/* output.c — what quire prints for a person or a script: `--list` (human
 * form and TSV) and its --verbose part, and `--bookmarks`.  See output.h. */
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "vis.h"


/* Text from a story, a file name or a state file, as vis.h shows it: no
 * control character reaches the terminal, and a TSV field holds no tab. */
static void put_text(FILE *out, const char *s)
{
    struct buf b = {0};
    vis_add(&b, s, strlen(s));
    fwrite(b.data, 1, b.len, out);
    buf_free(&b);
}

/* Human form (one block per story, a blank line between stories):
 *
 *   The Worst Betrayal
 *     by TwilightChild; 2 chapters, 5123 words
 *        1  Chapter 1 (2451 words)
 *        2  Chapter 2 (2672 words)
 *
 * "author unknown" replaces "by ..." when the story names none; a
 * note-only chapter (struct chapter.note) says "(author's note)" instead
 * of its words.  With
 * --verbose each chapter is followed by its files (preferred edition first),
 * and after the stories come the skipped files with their reasons and the
 * notes.  In TSV form the verbose part goes to stderr, so stdout stays one
 * line per chapter.  With `only`, the stories i with only[i] (numbered as
 * in the whole list); the verbose part is the whole library's. */
int output_list(const struct library *lib, const bool *only, FILE *out, bool tsv, bool verbose)
{
    return output_list_seen(lib, only, NULL, out, tsv, verbose);
}

/* With the seen-chapters store, a story with new chapters reads
 *
 *     by TwilightChild; 4 chapters (2 new), 9876 words
 */
int output_list_seen(const struct library *lib, const bool *only, const struct seen *seen,
                     FILE *out, bool tsv, bool verbose)
{
    bool first = true;
    for (size_t i = 0; i < lib->n_stories; i++) {
        const struct story *s = &lib->stories[i];
        if (only && !only[i])
            continue;
        size_t words = 0;
        for (size_t c = 0; c < s->n_ch; c++)
            words += s->ch[c].words;
        if (!tsv) {
            if (!first)
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
            size_t fresh = seen_count_new(seen, s);
            fprintf(out, "; %zu chapter%s", s->n_ch, s->n_ch == 1 ? "" : "s");
            if (fresh)
                fprintf(out, " (%zu new)", fresh);
            fprintf(out, ", %zu words\n", words);
        }
        first = false;
        for (size_t c = 0; c < s->n_ch; c++) {
            const struct chapter *ch = &s->ch[c];
            if (tsv) {
                fprintf(out, "%zu\t", i + 1);
                put_text(out, s->title);
                putc('\t', out);
                put_text(out, s->author);
                fprintf(out, "\t%zu\t", c + 1);
                put_text(out, ch->title);
                fprintf(out, "\t%zu\t", ch->words);
                for (size_t e = 0; e < ch->n_ed; e++) {
                    if (e)
                        putc(';', out);
                    put_text(out, ch->ed[e].relpath);
                }
                putc('\n', out);
            } else {
                fprintf(out, "  %4zu  ", c + 1);
                put_text(out, ch->title);
                if (ch->note)   /* a note-only chapter: no story words */
                    fputs(" (author's note)\n", out);
                else
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
        if (!tsv && !first)
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

/* ---------------------------------------------------------------------
 * --bookmarks */

/* The listing, most recent story first:
 *
 *   TITLE
 *     last    YYYY-MM-DD HH:MM   42%  chapter 3/12: CHAPTER TITLE
 *     mark a  YYYY-MM-DD HH:MM    7%  chapter 1/12: CHAPTER TITLE
 *
 * A story is followed by "  (not in the library)" after its title when
 * `lib` does not hold it; its chapters are then shown as saved.  Stories are
 * ordered by their newest position (last or mark), newest first; within a
 * story the last position comes first, then the marks a-z, A-Z.  Times are
 * local.  Titles are shown as vis.h says.  With no positions
 * at all the one line is "no saved positions yet (PATH)". */

struct print_item {
    const char *id, *title;
    time_t newest;
};

static int cmp_items(const void *pa, const void *pb)
{
    const struct print_item *a = pa, *b = pb;
    if (a->newest != b->newest)
        return a->newest > b->newest ? -1 : 1;
    return strcmp(a->id, b->id);
}

static void put_clean(struct buf *o, const char *s)
{
    vis_add(o, s, strlen(s));
}

/* A saved percent as shown: rounded to a whole number the way the store
 * keeps it (hundredths, NaN and out of range clamped to 0..100). */
static int whole_percent(double pc)
{
    long h = !(pc >= 0) ? 0 : pc >= 100 ? 10000 : (long)(pc * 100 + 0.5);
    return (int)(h + 50) / 100;
}

static void put_pos(struct buf *o, const char *label, const struct bm_pos *p, struct story *st)
{
    char when[32] = "?";
    struct tm tm;
    time_t t = p->when;
    if (localtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    buf_printf(o, "  %-7s %s  %3d%%  ", label, when, whole_percent(p->percent));
    size_t ci, off;
    if (st && bookmarks_resolve(st, p, &ci, &off)) {
        buf_printf(o, "chapter %zu/%zu", ci + 1, st->n_ch);
        if (st->ch[ci].title && st->ch[ci].title[0]) {
            buf_adds(o, ": ");
            put_clean(o, st->ch[ci].title);
        }
    } else {
        buf_printf(o, "chapter %zu", p->chapter + 1);
        if (p->n_chapters)
            buf_printf(o, "/%zu", p->n_chapters);
        if (p->chapter_title[0]) {
            buf_adds(o, ": ");
            put_clean(o, p->chapter_title);
        }
    }
    buf_addc(o, '\n');
}

/* The stories of b with any saved position, newest first; *n of them. */
static struct print_item *bookmark_items(const struct bookmarks *b, size_t *n_out)
{
    struct print_item *items = NULL;
    size_t n = 0, cap = 0;
    const char *id, *title;
    for (size_t i = 0; bookmarks_story(b, i, &id, &title); i++) {
        struct bm_pos pos;
        bool any = bookmarks_get_last(b, id, &pos);
        time_t newest = any ? pos.when : 0;
        char letters[64];
        bookmarks_marks(b, id, letters);
        for (const char *l = letters; *l; l++)
            if (bookmarks_get_mark(b, id, *l, &pos)) {
                if (!any || pos.when > newest)
                    newest = pos.when;
                any = true;
            }
        if (any) {
            XGROW(items, cap, n + 1);
            items[n++] = (struct print_item){id, title, newest};
        }
    }
    if (n)
        qsort(items, n, sizeof *items, cmp_items);
    *n_out = n;
    return items;
}

int output_bookmarks(const struct bookmarks *b, struct library *lib, FILE *out)
{
    struct buf o = {0};
    size_t n;
    struct print_item *items = bookmark_items(b, &n);
    for (size_t i = 0; i < n; i++) {
        const char *id = items[i].id;
        struct story *st = NULL;
        for (size_t k = 0; lib && k < lib->n_stories && !st; k++)
            if (strcmp(lib->stories[k].id, id) == 0)
                st = &lib->stories[k];
        if (st) {
            put_clean(&o, st->title);
        } else {
            put_clean(&o, items[i].title[0] ? items[i].title : id);
            buf_adds(&o, "  (not in the library)");
        }
        buf_addc(&o, '\n');
        struct bm_pos pos;
        if (bookmarks_get_last(b, id, &pos))
            put_pos(&o, "last", &pos, st);
        char letters[64];
        bookmarks_marks(b, id, letters);
        for (const char *l = letters; *l; l++)
            if (bookmarks_get_mark(b, id, *l, &pos)) {
                char label[8];
                snprintf(label, sizeof label, "mark %c", *l);
                put_pos(&o, label, &pos, st);
            }
    }
    if (n == 0) {
        const char *path = b ? bookmarks_path(b) : NULL;
        buf_adds(&o, "no saved positions yet (");
        put_clean(&o, path ? path : "no state folder");
        buf_adds(&o, ")\n");
    }
    free(items);
    size_t w = o.len ? fwrite(o.data, 1, o.len, out) : 0;
    int ret = w == o.len && fflush(out) == 0 && !ferror(out) ? 0 : -1;
    buf_free(&o);
    return ret;
}
