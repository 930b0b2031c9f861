/* diag.c — the diagnostics channel (see diag.h). */
#include "diag.h"

#include <stdlib.h>

#include "util.h"
#include "vis.h"

struct diag_sink diag_stream(FILE *stream)
{
    return (struct diag_sink){.stream = stream ? stream : stderr};
}

struct diag_sink diag_list(char ***list, size_t *n, size_t *cap)
{
    return (struct diag_sink){.list = list, .n = n, .cap = cap};
}

void diag_vreport(struct diag_sink *s, enum diag_level level, const char *fmt, va_list ap)
{
    char *text = xvasprintf(fmt, ap);
    if ((unsigned)level < DIAG_LEVELS)
        s->count[level]++;
    if (s->stream) {
        char *shown = vis_str(text);   /* it may echo a file name or a title */
        fprintf(s->stream, "quire: %s\n", shown);
        free(shown);
    }
    if (s->list) {
        XGROW(*s->list, *s->cap, *s->n + 1);
        (*s->list)[(*s->n)++] = text;
    } else {
        free(text);
    }
}

void diag_report(struct diag_sink *s, enum diag_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(s, level, fmt, ap);
    va_end(ap);
}

int diag_total(const struct diag_sink *s)
{
    int n = 0;
    for (int i = 0; i < DIAG_LEVELS; i++)
        n += s->count[i];
    return n;
}
