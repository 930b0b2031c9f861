/* STUB — replaced by the reader issue.  The only file that includes curses. */
#include "ui.h"
#include "util.h"
int ui_run(struct library *lib, struct bookmarks *bm, const struct config *cfg, const struct ui_start *start, char **err)
{ (void)lib; (void)bm; (void)cfg; (void)start; set_err(err, "terminal: not implemented"); return 1; }
