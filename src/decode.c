/* STUB — replaced by the library issue. */
#include "decode.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>
struct source *decode_open(const char *path, enum decode_reject *why, char **err)
{ (void)path; *why = DECODE_ERROR; set_err(err, "%s: not implemented", path); return NULL; }
struct source *decode_bytes(const char *path, const void *bytes, size_t len, enum decode_reject *why)
{ (void)path; (void)bytes; (void)len; *why = DECODE_EMPTY; return NULL; }
void decode_free(struct source *src) { (void)src; }
const char *decode_encoding_name(enum source_encoding enc) { (void)enc; return "UTF-8"; }
bool decode_next_line(const char *text, size_t end, size_t *pos, size_t *line, size_t *line_end)
{
    if (*pos >= end) return false;
    const char *nl = memchr(text + *pos, '\n', end - *pos);
    *line = *pos; *line_end = nl ? (size_t)(nl - text) : end; *pos = nl ? *line_end + 1 : end;
    return true;
}
