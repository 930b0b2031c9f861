/* render.c — `--render`: chapters laid out by layout.c, printed as plain
 * UTF-8 (indent as spaces, runs' bytes, no escape codes). */
#include "render.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

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

int render_story(struct story *s, const struct layout_opts *o, size_t chapter,
                 FILE *out, char **err)
{
    if (chapter > s->n_ch) {
        set_err(err, "--chapter %zu: the story has %zu chapter%s", chapter, s->n_ch,
                s->n_ch == 1 ? "" : "s");
        return -1;
    }
    size_t lo = chapter ? chapter - 1 : 0, hi = chapter ? chapter : s->n_ch;
    struct layout_scratch *sc = layout_scratch_new();
    struct line_vec lv = {0};
    struct run *runs = NULL;
    size_t cap = 0;
    struct buf b = {0};
    int rc = 0;
    XGROW(runs, cap, 64);
    for (size_t ci = lo; ci < hi && rc == 0; ci++) {
        struct chapter *c = &s->ch[ci];
        const char *text;
        size_t nb;
        chapter_text(c, &text);
        const struct block *blocks = chapter_blocks(c, &nb);
        lv.n = 0;
        layout_chapter_s(o, text, blocks, nb, c->title, &lv, sc);
        if (ci > lo)
            buf_addc(&b, '\n');
        for (size_t i = 0; i < lv.n; i++) {
            render_line(o, text, c->title, &lv.v[i], sc, &runs, &cap, &b);
            if (b.len >= 1 << 16) {
                if (fwrite(b.data, 1, b.len, out) != b.len)
                    rc = -1;
                b.len = 0;
            }
        }
        if (!chapter && s->n_ch > 64)
            story_drop_blocks(s, ci + 1, ci + 1);   /* bound memory on huge stories */
    }
    if (rc == 0 && b.len && fwrite(b.data, 1, b.len, out) != b.len)
        rc = -1;
    if (rc == 0 && fflush(out) != 0)
        rc = -1;
    if (rc != 0)
        set_err(err, "output: %s", strerror(errno ? errno : EIO));
    buf_free(&b);
    free(runs);
    line_vec_free(&lv);
    layout_scratch_free(sc);
    return rc;
}
