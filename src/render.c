/* STUB — replaced by the layout issue. */
#include "render.h"
#include "util.h"
int render_story(struct story *s, const struct layout_opts *o, size_t chapter, FILE *out, char **err)
{ (void)s; (void)o; (void)chapter; (void)out; set_err(err, "render: not implemented"); return -1; }
