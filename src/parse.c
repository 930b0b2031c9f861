/* STUB — replaced by the library issue. */
#include "parse.h"
#include "util.h"
#include <stdlib.h>
void parse_text(const char *text, size_t len, struct parse_result *out)
{ (void)text; *out = (struct parse_result){0}; (void)len; }
void parse_result_free(struct parse_result *r) { (void)r; }
size_t parse_count_words(const char *text, size_t start, size_t end) { (void)text; return end - start; }
size_t parse_blocks(const char *text, size_t start, size_t end, size_t front_end, size_t back, struct block **out)
{ (void)text; (void)front_end; (void)back; *out = xmalloc(sizeof **out); (*out)[0] = (struct block){start, end, BLOCK_PARA, 0}; return 1; }
void markup_scan(const char *s, size_t n, uint8_t *cls) { (void)s; for (size_t i = 0; i < n; i++) cls[i] = 0; }
bool parse_is_break_line(const char *s, size_t n) { (void)s; (void)n; return false; }
bool parse_is_heading(const char *s, size_t n, int *num, char **title) { (void)s; (void)n; (void)num; (void)title; return false; }
