/* STUB — replaced by the bookmarks issue. */
#include "bookmarks.h"
#include <stdlib.h>
struct bookmarks *bookmarks_open(const char *dir, bool quiet) { (void)dir; (void)quiet; return NULL; }
void bookmarks_close(struct bookmarks *b) { (void)b; }
const char *bookmarks_warning(const struct bookmarks *b) { (void)b; return NULL; }
bool bookmarks_get_last(const struct bookmarks *b, const char *story_id, struct bm_pos *out) { (void)b; (void)story_id; (void)out; return false; }
void bookmarks_set_last(struct bookmarks *b, const char *story_id, const char *title, const struct bm_pos *pos) { (void)b; (void)story_id; (void)title; (void)pos; }
bool bookmarks_get_mark(const struct bookmarks *b, const char *story_id, char letter, struct bm_pos *out) { (void)b; (void)story_id; (void)letter; (void)out; return false; }
void bookmarks_set_mark(struct bookmarks *b, const char *story_id, const char *title, char letter, const struct bm_pos *pos) { (void)b; (void)story_id; (void)title; (void)letter; (void)pos; }
void bookmarks_marks(const struct bookmarks *b, const char *story_id, char *buf) { (void)b; (void)story_id; buf[0] = 0; }
const char *bookmarks_most_recent(const struct bookmarks *b) { (void)b; return NULL; }
int bookmarks_save(struct bookmarks *b) { (void)b; return 0; }
void bookmarks_make_pos(struct story *s, size_t ci, size_t off, struct bm_pos *out) { (void)s; (void)ci; (void)off; (void)out; }
bool bookmarks_resolve(struct story *s, const struct bm_pos *pos, size_t *ci, size_t *off) { (void)s; (void)pos; (void)ci; (void)off; return false; }
int bookmarks_print(const struct bookmarks *b, struct library *lib, FILE *out) { (void)b; (void)lib; (void)out; return 0; }
