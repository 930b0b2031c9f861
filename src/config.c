/* STUB — replaced by the shipping issue. */
#include "config.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>
int config_load(struct config *c, const char *path, FILE *diag)
{ (void)path; (void)diag; memset(c, 0, sizeof *c); c->width = 72; c->wrap = WRAP_OPTIMAL; c->break_glyph = xstrdup("* * *"); c->theme = xstrdup("default"); return 0; }
void config_free(struct config *c) { free(c->library); free(c->break_glyph); free(c->theme); free(c->path); }
void config_print(const struct config *c, FILE *out) { fprintf(out, "width = %d\n", c->width); }
