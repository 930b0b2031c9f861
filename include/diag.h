/* diag.h — one channel for diagnostics: the library's notes, config
 * problems, bookmark warnings (and, next, parse problems).
 *
 * Layer: base (above util only; no story types).  A diagnostic is a level
 * and one line of text, never with a line end.  A sink says where it goes:
 * printed on a stream as "quire: TEXT" (TEXT shown as vis.h says: a
 * file name or title in it cannot send control bytes), kept in a list of strings (the
 * library's notes, which --list --verbose shows and the snapshot saves),
 * or both; and it counts what went through it, by level.  The text is the
 * caller's, unchanged: the level does not appear in it (a config problem
 * is "quire: FILE:LINE: WHY" as it always was). */
#ifndef QUIRE_DIAG_H
#define QUIRE_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

enum diag_level {
    DIAG_NOTE,       /* worth knowing, changes nothing (a file read as
                        Windows-1252, a chapter with two editions) */
    DIAG_WARNING,    /* something was ignored or not done; quire goes on
                        (an unknown config key, bookmarks not saved) */
    DIAG_ERROR,      /* what was asked for cannot be done */
};
#define DIAG_LEVELS 3

struct diag_sink {
    FILE *stream;         /* print "quire: TEXT\n" here; NULL: not printed */
    char ***list;         /* append a malloc'd copy of TEXT to *list; NULL:
                             not kept */
    size_t *n, *cap;      /* *list's entries and allocated slots */
    int count[DIAG_LEVELS];   /* diagnostics reported, by level */
};

/* A sink that prints on `stream` (NULL: stderr). */
struct diag_sink diag_stream(FILE *stream);

/* A sink that keeps the texts in *list (n and cap as XGROW grows them). */
struct diag_sink diag_list(char ***list, size_t *n, size_t *cap);

/* Report one diagnostic through s. */
void diag_report(struct diag_sink *s, enum diag_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_vreport(struct diag_sink *s, enum diag_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Diagnostics of every level that went through s. */
int diag_total(const struct diag_sink *s);

#endif
