/* STUB — replaced by the library issue. */
#include "library.h"
#include "util.h"
#include <stdlib.h>
struct library *library_open(const char *root, char **err) { set_err(err, "%s: not implemented", root); return NULL; }
void library_free(struct library *lib) { (void)lib; }
struct story *library_find(struct library *lib, const char *title, bool *ambiguous) { (void)lib; (void)title; *ambiguous = false; return NULL; }
struct story *library_find_id(struct library *lib, const char *id) { (void)lib; (void)id; return NULL; }
const struct edition *chapter_text(const struct chapter *c, const char **text) { *text = c->ed[0].src->text; return &c->ed[0]; }
const struct block *chapter_blocks(struct chapter *c, size_t *n) { *n = c->n_blocks; return c->blocks; }
void story_drop_blocks(struct story *s, size_t keep_lo, size_t keep_hi) { (void)s; (void)keep_lo; (void)keep_hi; }
double story_percent(const struct story *s, size_t ci, size_t off) { (void)s; (void)ci; (void)off; return 0; }
int library_print(const struct library *lib, FILE *out, bool tsv, bool verbose) { (void)lib; (void)out; (void)tsv; (void)verbose; return 0; }
