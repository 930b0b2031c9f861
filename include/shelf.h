/* shelf.h — the library as a reading list: which stories the library
 * screen shows and in which order (a sort, a view, series grouped), the
 * next part of a series, and the sort and view remembered across runs.
 *
 * Layer: build (the model and the bookmark store; no curses, no layout),
 * so the ordering is a pure function of the library and what the store
 * says, tested without a terminal (tests/unit/test_shelf.c).
 *
 * Series: stories whose meta.series is set (story.ini's `series =`, the
 * files' own metadata) are grouped under one heading row per series, in
 * part order (meta.series_index; parts without an index after, by title);
 * in every sort the group stands where its first member in that sort
 * would stand. */
#ifndef QUIRE_SHELF_H
#define QUIRE_SHELF_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "bookmarks.h"
#include "seen.h"
#include "story.h"

enum shelf_sort {
    SHELF_BY_READ,      /* last read first; stories never read after, by title */
    SHELF_BY_UPDATED,   /* last updated first (shelf_facts.updated) */
    SHELF_BY_TITLE,     /* the library's own order (titles, natural order) */
    SHELF_BY_AUTHOR,    /* author (natural order, no author last), then title */
    SHELF_BY_LENGTH,    /* most words first */
    SHELF_N_SORTS
};

enum shelf_view {
    SHELF_ALL,
    SHELF_UNREAD,       /* no saved position */
    SHELF_READING,      /* a position short of the end */
    SHELF_CAUGHT_UP,    /* read to the end, nothing new since */
    SHELF_NEW,          /* new chapters since last read (seen_count_new, seen.h) */
    SHELF_N_VIEWS
};

/* What the store and the files say about one story, for sorting and
 * views. */
struct shelf_facts {
    bool read;              /* a saved position */
    double percent;         /* through the story there (0..100) */
    time_t last_read;       /* when saved; 0: never */
    long long updated;      /* seconds since the epoch: the day meta.updated
                               names (UTC midnight) when the story says, else
                               the newest modification time of its files */
    size_t words;           /* all chapters' words */
    size_t new_chapters;    /* seen_count_new (seen.h) */
};

/* The words shown for a sort and a view ("last read", "caught up"), and
 * the names the state file uses ("last-read", "caught-up"). */
const char *shelf_sort_label(enum shelf_sort s);
const char *shelf_view_label(enum shelf_view v);
const char *shelf_sort_name(enum shelf_sort s);
const char *shelf_view_name(enum shelf_view v);

/* Fill out[i] for every story of lib (lib->n_stories entries); bm may be
 * NULL (nothing read), seen too (no chapter is new: seen.h). */
void shelf_facts_fill(const struct library *lib, const struct bookmarks *bm,
                      const struct seen *seen, struct shelf_facts *out);

/* Is a story with these facts in view v?  A position at 99.995 % or more
 * is the end (percent is kept to two decimals). */
bool shelf_in_view(const struct shelf_facts *f, enum shelf_view v);

/* A row of the library screen: a story, or the heading of a series (then
 * `story` is its first part shown, whose meta.series names it). */
struct shelf_row {
    size_t story;           /* index into lib->stories */
    bool heading;
};

/* The rows to show: the stories in view v for which keep[i] is true
 * (keep NULL: all), in sort s, series grouped.  rows must hold
 * 2 * lib->n_stories entries; returns how many were written.  facts as
 * shelf_facts_fill gives them. */
size_t shelf_rows(const struct library *lib, const struct shelf_facts *facts, enum shelf_sort s,
                  enum shelf_view v, const bool *keep, struct shelf_row *rows);

/* The part after s in its series (the least series_index above s's, among
 * the library's stories of the same series), or NULL when s names no
 * series, has no index, or is the last part. */
struct story *shelf_next_part(const struct library *lib, const struct story *s);

/* The remembered sort and view: the state file at `path` (docs/FORMATS.md
 * "Library view"): a magic line `quire-library-view 1`, then `sort = NAME`
 * and `view = NAME` lines (shelf_sort_name, shelf_view_name) and `when =
 * SECONDS` (since the epoch: when the choice was made; a merge of two
 * copies keeps the newer).  Loading sets what the file says and leaves the
 * rest; a missing, unreadable or foreign file, a line or a name it does
 * not know change nothing (never an error).  Saving replaces the file
 * atomically (its folder made), stamped with the time now; 0, or -1 with
 * *err. */
void shelf_prefs_load(const char *path, enum shelf_sort *s, enum shelf_view *v);
int shelf_prefs_save(const char *path, enum shelf_sort s, enum shelf_view v, char **err);
/* A library-view file's bytes read into *s and *v (as shelf_prefs_load)
 * and *when (its `when`, 0 without one).  0; -1 when it is not a
 * library-view file; N (> 1) when it is of a newer format N (not read). */
int shelf_prefs_parse(const char *data, size_t len, enum shelf_sort *s, enum shelf_view *v,
                      long long *when);

#endif
