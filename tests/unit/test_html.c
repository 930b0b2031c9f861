/* test_html.c — the HTML converter (html.c) and the ebook door (ebook.c). */
#include "check.h"
#include "ebook.h"
#include "ebook_int.h"
#include "parse.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* --dump FILE: the derived text with each block's kind and flags. */
static int dump(const char *path)
{
    struct ebook eb;
    char *err = NULL;
    if (!ebook_read_file(path, EBOOK_HTML, &eb, &err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    printf("format: %s\ntitle: %s\nauthor: %s\n", eb.format, eb.pr.title ? eb.pr.title : "-",
           eb.pr.author ? eb.pr.author : "-");
    const struct parse_meta *m = &eb.pr.meta;
    printf("series: %s [%g]\nrating: %s\nstatus: %s\nurl: %s\nlang: %s\npub: %s upd: %s\n",
           m->series ? m->series : "-", m->series_index, m->rating ? m->rating : "-",
           m->status ? m->status : "-", m->source_url ? m->source_url : "-",
           m->language ? m->language : "-", m->published ? m->published : "-",
           m->updated ? m->updated : "-");
    for (size_t i = 0; i < m->n_tags; i++)
        printf("tag: %s\n", m->tags[i]);
    printf("summary: %s\n", m->summary ? m->summary : "-");
    size_t b = 0;
    for (size_t k = 0; k < eb.pr.n_ch; k++) {
        const struct parse_chapter *c = &eb.pr.ch[k];
        printf("=== chapter %zu [%zu %zu %zu %zu %zu) #%d %s\n", k + 1, c->start, c->front_end,
               c->body, c->back, c->end, c->number, c->title ? c->title : "-");
        for (; b < eb.n_blocks && eb.blocks[b].off < c->end; b++) {
            const struct block *x = &eb.blocks[b];
            static const char *const kinds[] = {"P", "H", "B", "V"};
            printf("%s%s%s%s%s| %.*s\n", kinds[x->kind], x->flags & BLOCK_FRONT ? "f" : "",
                   x->flags & BLOCK_BACK ? "b" : "", x->flags & BLOCK_CONT ? "c" : "",
                   x->flags & BLOCK_QUOTE ? "q" : "", (int)(x->end - x->off), eb.text + x->off);
        }
    }
    ebook_free(&eb);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--dump"))
        return dump(argv[2]);
    return check_summary();
}
