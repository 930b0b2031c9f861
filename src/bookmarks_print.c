/* bookmarks_print.c — quire --bookmarks: the saved positions listed. */
#include "bookmarks_internal.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unistr.h>


/* ---- quire --bookmarks -------------------------------------------------- */

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
 * local.  Control characters in titles print as spaces.  With no positions
 * at all the one line is "no saved positions yet (PATH)". */

struct print_item {
    const struct bm_story *s;
    time_t newest;
};

static int cmp_items(const void *pa, const void *pb)
{
    const struct print_item *a = pa, *b = pb;
    if (a->newest != b->newest)
        return a->newest > b->newest ? -1 : 1;
    return strcmp(a->s->id, b->s->id);
}

static void put_clean(struct buf *o, const char *s)
{
    for (; *s; s++)
        buf_addc(o, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

static void put_pos(struct buf *o, const char *label, const struct bm_pos *p, struct story *st)
{
    char when[32] = "?";
    struct tm tm;
    time_t t = p->when;
    if (localtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    buf_printf(o, "  %-7s %s  %3d%%  ", label, when, (int)(bm_hundredths(p->percent) + 50) / 100);
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

int bookmarks_print(const struct bookmarks *b, struct library *lib, FILE *out)
{
    struct buf o = {0};
    struct print_item *items = xcalloc(b ? b->s.n + 1 : 1, sizeof *items);
    size_t n = 0;
    for (size_t i = 0; b && i < b->s.n; i++) {
        const struct bm_story *s = &b->s.st[i];
        bool any = s->last.set;
        time_t newest = s->last.set ? s->last.pos.when : 0;
        for (int l = 0; s->mark && l < BM_N_LETTERS; l++)
            if (s->mark[l].set) {
                if (!any || s->mark[l].pos.when > newest)
                    newest = s->mark[l].pos.when;
                any = true;
            }
        if (any)
            items[n++] = (struct print_item){s, newest};
    }
    qsort(items, n, sizeof *items, cmp_items);
    for (size_t i = 0; i < n; i++) {
        const struct bm_story *s = items[i].s;
        struct story *st = NULL;
        for (size_t k = 0; lib && k < lib->n_stories && !st; k++)
            if (strcmp(lib->stories[k].id, s->id) == 0)
                st = &lib->stories[k];
        if (st) {
            put_clean(&o, st->title);
        } else {
            put_clean(&o, s->title[0] ? s->title : s->id);
            buf_adds(&o, "  (not in the library)");
        }
        buf_addc(&o, '\n');
        if (s->last.set)
            put_pos(&o, "last", &s->last.pos, st);
        for (int l = 0; s->mark && l < BM_N_LETTERS; l++)
            if (s->mark[l].set) {
                char label[8];
                snprintf(label, sizeof label, "mark %c", bm_index_letter(l));
                put_pos(&o, label, &s->mark[l].pos, st);
            }
    }
    if (n == 0)
        buf_printf(&o, "no saved positions yet (%s)\n",
                   b && b->path ? b->path : "no state folder");
    free(items);
    size_t w = fwrite(o.data, 1, o.len, out);
    int ret = w == o.len && fflush(out) == 0 && !ferror(out) ? 0 : -1;
    buf_free(&o);
    return ret;
}
