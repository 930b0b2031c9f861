/* parse_meta.c — a story's metadata (struct parse_meta): free, copy, test.
 * See parse.h.
 *
 * Its own object, below parse_text.o and ebook_wire.o alike: the wire's
 * decoder frees a half-read result's metadata, and ebook_wire.o may not call
 * parse_text.o (parse_text.o uses decode.o, which uses the ebook door and so
 * the wire: tests/arch/t_layers.sh refuses the cycle). */
#include "parse.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void parse_meta_free(struct parse_meta *m)
{
    if (!m)
        return;
    free(m->series);
    free(m->summary);
    for (size_t i = 0; i < m->n_tags; i++)
        free(m->tags[i]);
    free(m->tags);
    free(m->rating);
    free(m->status);
    free(m->source_url);
    free(m->language);
    free(m->published);
    free(m->updated);
    memset(m, 0, sizeof *m);
}

static char *dup_opt(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void parse_meta_copy(struct parse_meta *dst, const struct parse_meta *src)
{
    *dst = (struct parse_meta){
        .series = dup_opt(src->series), .series_index = src->series_index,
        .summary = dup_opt(src->summary), .rating = dup_opt(src->rating),
        .status = dup_opt(src->status), .source_url = dup_opt(src->source_url),
        .language = dup_opt(src->language), .published = dup_opt(src->published),
        .updated = dup_opt(src->updated),
    };
    if (src->n_tags) {
        dst->tags = xcalloc(src->n_tags, sizeof *dst->tags);
        for (size_t i = 0; i < src->n_tags; i++)
            dst->tags[i] = xstrdup(src->tags[i] ? src->tags[i] : "");
        dst->n_tags = src->n_tags;
    }
}

bool parse_meta_empty(const struct parse_meta *m)
{
    return !m->series && m->series_index == 0 && !m->summary && !m->n_tags && !m->rating &&
           !m->status && !m->source_url && !m->language && !m->published && !m->updated;
}
