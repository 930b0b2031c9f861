/* tstory.h — stories built by hand for the unit tests of what keeps a
 * reader's state (test_bookmarks, test_seen): no file, no parser.
 *
 * tstory_lay(T, TITLE, PATH, CHS, N) makes T a story titled TITLE (by no
 * author, in no folder) of the N (at most TSTORY_MAX) chapters CHS laid
 * end to end in one source named PATH: chapter i is the bytes of CHS[i],
 * one edition with no front or back matter, numbered i + 1.  Its text is
 * malloc'd; the caller then gives each chapter its key and title (a
 * malloc'd one, or NULL) and the story its id.  tstory_free(T) frees the
 * text and the chapters' titles.  TITLE and PATH are kept, not copied. */
#ifndef QUIRE_TEST_TSTORY_H
#define QUIRE_TEST_TSTORY_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "story.h"
#include "util.h"

#define TSTORY_MAX 8

struct tstory {
    struct story s;
    struct source src;
    struct chapter ch[TSTORY_MAX];
    struct edition ed[TSTORY_MAX];
    char *text;
};

static inline void tstory_lay(struct tstory *t, const char *title, const char *path,
                              const char **chs, size_t n)
{
    memset(t, 0, sizeof *t);
    struct buf b = {0};
    size_t start[TSTORY_MAX + 1];
    for (size_t i = 0; i < n; i++) {
        start[i] = b.len;
        buf_adds(&b, chs[i]);
    }
    start[n] = b.len;
    t->text = b.data;
    t->src.path = (char *)(uintptr_t)path;
    t->src.text = t->text;
    t->src.len = b.len;
    for (size_t i = 0; i < n; i++) {
        struct edition *e = &t->ed[i];
        e->src = &t->src;
        e->relpath = (char *)(uintptr_t)path;
        e->start = e->front_end = e->body = start[i];
        e->end = e->back = start[i + 1];
        t->ch[i].ed = e;
        t->ch[i].n_ed = 1;
        t->ch[i].number = (int)i + 1;
    }
    t->s.title = (char *)(uintptr_t)title;
    t->s.author = (char *)(uintptr_t)"";
    t->s.dir = (char *)(uintptr_t)"";
    t->s.ch = t->ch;
    t->s.n_ch = n;
}

static inline void tstory_free(struct tstory *t)
{
    for (size_t i = 0; i < t->s.n_ch; i++)
        free(t->ch[i].title);
    free(t->text);
}

#endif
