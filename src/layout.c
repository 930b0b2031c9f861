/* STUB — replaced by the layout issue. */
#include "layout.h"
#include <stdlib.h>
void line_vec_free(struct line_vec *lv) { free(lv->v); lv->v = NULL; lv->n = lv->cap = 0; }
void layout_block(const struct layout_opts *o, const char *text, const struct block *blocks, size_t n_blocks, size_t bi, struct line_vec *out)
{ (void)o; (void)text; (void)blocks; (void)n_blocks; (void)bi; (void)out; }
void layout_chapter(const struct layout_opts *o, const char *text, const struct block *blocks, size_t n_blocks, const char *title, struct line_vec *out)
{ (void)o; (void)text; (void)blocks; (void)n_blocks; (void)title; (void)out; }
size_t layout_runs(const struct layout_opts *o, const char *text, const char *title, const struct line *ln, struct run *out, size_t max)
{ (void)o; (void)text; (void)title; (void)ln; (void)out; (void)max; return 0; }
size_t layout_line_at(const struct line_vec *lv, size_t off) { (void)lv; (void)off; return 0; }
int layout_width(const char *s, size_t n) { (void)s; return (int)n; }
