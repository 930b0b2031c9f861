/* STUB — replaced by the layout issue. */
#include "search.h"
#include <stdlib.h>
struct search *search_new(const char *needle, size_t n) { (void)needle; (void)n; return NULL; }
void search_free(struct search *s) { (void)s; }
bool search_find(const struct search *s, const char *text, size_t lo, size_t hi, size_t from, bool backward, size_t *hit, size_t *hit_end)
{ (void)s; (void)text; (void)lo; (void)hi; (void)from; (void)backward; (void)hit; (void)hit_end; return false; }
