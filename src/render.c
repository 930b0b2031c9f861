/* render.c — `--render`: chapters laid out by layout.c, printed as plain
 * UTF-8 (indent as spaces, runs' bytes, no escape codes).
 *
 * Chapters are laid out in batches of about RENDER_BATCH source bytes by
 * two threads, each taking the next chapter not yet taken, and written in
 * order.  Layout is a pure function of a chapter's text and blocks, so the
 * output is the same byte for byte as one thread's.  A chapter is laid out
 * and printed a block at a time (the lines of one block in memory), and a
 * batch of one chapter is written out every RENDER_FLUSH bytes, so a file
 * with no line end (one paragraph in BLOCK_CONT pieces) needs memory for a
 * piece, not for the whole text twice over. */
#include "render.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define RENDER_BATCH ((size_t)4 << 20)
#define RENDER_FLUSH ((size_t)1 << 20)

/* Print one laid-out line followed by a newline into *b. */
static void render_line(const struct layout_opts *o, const char *text, const char *title,
                        const struct line *ln, struct layout_scratch *sc,
                        struct run **runs, size_t *cap, struct buf *b)
{
    size_t n = layout_runs_s(o, text, title, ln, sc, *runs, *cap);
    if (n > *cap) {
        XGROW(*runs, *cap, n);
        n = layout_runs_s(o, text, title, ln, sc, *runs, *cap);
    }
    if (n > 0)
        for (unsigned i = 0; i < ln->indent; i++)
            buf_addc(b, ' ');
    for (size_t i = 0; i < n; i++)
        buf_add(b, (*runs)[i].s, (*runs)[i].n);
    buf_addc(b, '\n');
}

/* A batch of chapters [lo, hi) of s laid out by two threads that take the
 * next chapter from a shared counter, each into that chapter's own buffer
 * (out[ci - lo]); a blank line goes before every chapter but the render's
 * first, `first`.  Only those chapters are touched, and their sources are
 * loaded beforehand (chapter_text), so the threads share nothing else. */
struct batch {
    const struct layout_opts *o;
    struct story *s;
    size_t lo, hi, first;
    atomic_size_t next;
    struct buf *out;
    FILE *direct;        /* one chapter, one thread: write it out as it comes */
    bool werr;           /* a write to `direct` failed */
};

/* Lay out chapter c as layout_chapter does, a block at a time, printing
 * each block's lines into b: blank lines are held back until a line with
 * text follows them (layout_chapter never ends with a blank). */
static void render_chapter(struct batch *bt, struct chapter *c, struct layout_scratch *sc,
                           struct line_vec *lv, struct run **runs, size_t *cap, struct buf *b)
{
    const char *text;
    size_t nb, blanks = 0;
    chapter_text(c, &text);
    const struct block *blocks = chapter_blocks(c, &nb);
    size_t t = layout_title_before(blocks, nb);
    for (size_t bi = 0; bi <= nb; bi++) {
        lv->n = 0;
        if (bi == t)
            layout_title(bt->o, c->title, bi, lv, sc);
        if (bi < nb)
            layout_block_s(bt->o, text, blocks, nb, bi, lv, sc);
        for (size_t i = 0; i < lv->n; i++) {
            if (lv->v[i].kind == LINE_BLANK) {
                blanks++;
                continue;
            }
            for (; blanks; blanks--)
                buf_addc(b, '\n');
            render_line(bt->o, text, c->title, &lv->v[i], sc, runs, cap, b);
        }
        if (bt->direct && b->len >= RENDER_FLUSH) {
            if (!bt->werr && fwrite(b->data, 1, b->len, bt->direct) != b->len)
                bt->werr = true;
            b->len = 0;
        }
    }
}

static void *batch_work(void *arg)
{
    struct batch *bt = arg;
    struct layout_scratch *sc = layout_scratch_new();
    struct line_vec lv = {0};
    struct run *runs = NULL;
    size_t cap = 0;
    XGROW(runs, cap, 64);
    for (size_t ci; (ci = atomic_fetch_add(&bt->next, 1)) < bt->hi;) {
        struct buf *b = &bt->out[ci - bt->lo];
        if (ci > bt->first)
            buf_addc(b, '\n');
        render_chapter(bt, &bt->s->ch[ci], sc, &lv, &runs, &cap, b);
    }
    free(runs);
    line_vec_free(&lv);
    layout_scratch_free(sc);
    return NULL;
}

static size_t chapter_bytes(const struct chapter *c)
{
    return c->ed[0].end - c->ed[0].start;
}

int render_story(struct story *s, const struct layout_opts *o, size_t chapter,
                 FILE *out, char **err)
{
    if (chapter > s->n_ch) {
        set_err(err, "--chapter %zu: the story has %zu chapter%s", chapter, s->n_ch,
                s->n_ch == 1 ? "" : "s");
        return -1;
    }
    size_t lo = chapter ? chapter - 1 : 0, hi = chapter ? chapter : s->n_ch;
    int rc = 0;
    for (size_t ci = lo; ci < hi && rc == 0;) {
        /* the batch [ci, e): about RENDER_BATCH bytes, at least a chapter */
        size_t e = ci, bytes = 0;
        while (e < hi && (e == ci || bytes + chapter_bytes(&s->ch[e]) <= RENDER_BATCH))
            bytes += chapter_bytes(&s->ch[e++]);
        for (size_t k = ci; k < e; k++) {
            const char *text;
            chapter_text(&s->ch[k], &text);   /* load shared sources here, not in two threads */
        }
        struct batch bt = {.o = o, .s = s, .lo = ci, .hi = e, .first = lo,
                           .direct = e - ci == 1 ? out : NULL};
        atomic_init(&bt.next, ci);
        bt.out = xcalloc(e - ci, sizeof *bt.out);
        pthread_t t;
        bool threaded = e - ci >= 2 && pthread_create(&t, NULL, batch_work, &bt) == 0;
        batch_work(&bt);
        if (threaded)
            pthread_join(t, NULL);
        if (bt.werr)
            rc = -1;
        for (size_t k = 0; k < e - ci; k++) {
            if (rc == 0 && bt.out[k].len &&
                fwrite(bt.out[k].data, 1, bt.out[k].len, out) != bt.out[k].len)
                rc = -1;
            buf_free(&bt.out[k]);
        }
        free(bt.out);
        if (!chapter && s->n_ch > 64)
            story_drop_blocks(s, e, e);   /* bound memory on huge stories */
        ci = e;
    }
    if (rc == 0 && fflush(out) != 0)
        rc = -1;
    if (rc != 0)
        set_err(err, "output: %s", strerror(errno ? errno : EIO));
    return rc;
}
