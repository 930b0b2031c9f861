/* test_shelf.c — the library as a reading list (shelf.h): each sort's
 * order, each view's filter, series grouped in part order in every sort,
 * the next part, the facts read from the store and the files, and the
 * remembered sort and view. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"
#include "shelf.h"
#include "util.h"

/* A library built in memory: stories by title (the library's own order),
 * each with an author, words (one chapter), a series and part. */
struct spec {
    const char *title, *author, *series;
    double part;
    size_t words;
    long long mtime;
};

static struct library *make_lib(const struct spec *sp, size_t n)
{
    struct library *lib = xcalloc(1, sizeof *lib);
    lib->root = xstrdup("lib");
    lib->stories = xcalloc(n, sizeof *lib->stories);
    lib->n_stories = n;
    lib->src = xcalloc(n, sizeof *lib->src);
    lib->n_src = n;
    for (size_t i = 0; i < n; i++) {
        struct story *s = &lib->stories[i];
        s->title = xstrdup(sp[i].title);
        s->author = xstrdup(sp[i].author);
        s->dir = xstrdup(".");
        snprintf(s->id, sizeof s->id, "%016zx", i + 1);
        s->meta.series = sp[i].series ? xstrdup(sp[i].series) : NULL;
        s->meta.series_index = sp[i].part;
        lib->src[i] = xcalloc(1, sizeof *lib->src[i]);
        lib->src[i]->path = xstrdup(sp[i].title);
        lib->src[i]->mtime = sp[i].mtime;
        s->ch = xcalloc(1, sizeof *s->ch);
        s->n_ch = 1;
        s->ch[0].title = xstrdup("Chapter 1");
        s->ch[0].words = sp[i].words;
        s->ch[0].ed = xcalloc(1, sizeof *s->ch[0].ed);
        s->ch[0].n_ed = 1;
        s->ch[0].ed[0].src = lib->src[i];
        s->ch[0].ed[0].relpath = xstrdup(sp[i].title);
    }
    return lib;
}

/* The rows as text: titles separated by spaces, a series heading as
 * "[Series]". */
static char *rows_text(const struct library *lib, const struct shelf_facts *f, enum shelf_sort s,
                       enum shelf_view v, const bool *keep)
{
    struct shelf_row *rows = xcalloc(2 * lib->n_stories + 1, sizeof *rows);
    size_t n = shelf_rows(lib, f, s, v, keep, rows);
    struct buf b = {0};
    buf_adds(&b, "");
    for (size_t i = 0; i < n; i++) {
        const struct story *st = &lib->stories[rows[i].story];
        if (rows[i].heading)
            buf_printf(&b, "%s[%s]", i ? " " : "", st->meta.series);
        else
            buf_printf(&b, "%s%s", i ? " " : "", st->title);
    }
    free(rows);
    return b.data;
}

#define CHECK_ROWS(what, lib, f, s, v, keep, want)                  \
    do {                                                            \
        char *got_ = rows_text((lib), (f), (s), (v), (keep));       \
        CHECK_STR((what), got_, (want));                            \
        free(got_);                                                 \
    } while (0)

/* Stories in title order: A..F, the series "Road" of three parts whose
 * titles are not in part order (Delta is part 1, Bravo part 2, Foxtrot
 * part 3). */
static const struct spec lib_spec[] = {
    {"Alpha", "Zed", NULL, 0, 500, 100},
    {"Bravo", "Ann", "Road", 2, 100, 300},
    {"Charlie", "", NULL, 0, 900, 200},
    {"Delta", "Ann", "Road", 1, 300, 500},
    {"Echo", "Bob", NULL, 0, 50, 400},
    {"Foxtrot", "Ann", "road", 3, 700, 50},
};
#define N_SPEC (sizeof lib_spec / sizeof *lib_spec)

static void facts_of(struct shelf_facts *f)
{
    memset(f, 0, N_SPEC * sizeof *f);
    for (size_t i = 0; i < N_SPEC; i++) {
        f[i].words = lib_spec[i].words;
        f[i].updated = lib_spec[i].mtime;
    }
    /* Echo read last, Alpha before it, Delta (part 1) long ago; Alpha and
     * Delta read to the end */
    f[4] = (struct shelf_facts){.read = true, .percent = 40, .last_read = 3000, .words = 50,
                                .updated = 400};
    f[0] = (struct shelf_facts){.read = true, .percent = 100, .last_read = 2000, .words = 500,
                                .updated = 100};
    f[3] = (struct shelf_facts){.read = true, .percent = 100, .last_read = 1000, .words = 300,
                                .updated = 500};
}

static void test_sorts(void)
{
    struct library *lib = make_lib(lib_spec, N_SPEC);
    struct shelf_facts f[N_SPEC];
    facts_of(f);
    CHECK_ROWS("title: the library's order, the series where its first part by title is", lib,
               f, SHELF_BY_TITLE, SHELF_ALL, NULL,
               "Alpha [Road] Delta Bravo Foxtrot Charlie Echo");
    CHECK_ROWS("last read: newest first, never read after (by title)", lib, f, SHELF_BY_READ,
               SHELF_ALL, NULL, "Echo Alpha [Road] Delta Bravo Foxtrot Charlie");
    CHECK_ROWS("last updated: newest first; a series by its newest part", lib, f,
               SHELF_BY_UPDATED, SHELF_ALL, NULL,
               "[Road] Delta Bravo Foxtrot Echo Charlie Alpha");
    CHECK_ROWS("author: by name, no author last", lib, f, SHELF_BY_AUTHOR, SHELF_ALL, NULL,
               "[Road] Delta Bravo Foxtrot Echo Alpha Charlie");
    CHECK_ROWS("length: most words first; a series by its longest part", lib, f,
               SHELF_BY_LENGTH, SHELF_ALL, NULL,
               "Charlie [Road] Delta Bravo Foxtrot Alpha Echo");

    /* views */
    CHECK_ROWS("unread: no saved position", lib, f, SHELF_BY_TITLE, SHELF_UNREAD, NULL,
               "[Road] Bravo Foxtrot Charlie");
    CHECK_ROWS("reading: a position short of the end", lib, f, SHELF_BY_TITLE, SHELF_READING,
               NULL, "Echo");
    CHECK_ROWS("caught up: read to the end", lib, f, SHELF_BY_TITLE, SHELF_CAUGHT_UP, NULL,
               "Alpha [Road] Delta");
    CHECK_ROWS("new chapters: none known yet", lib, f, SHELF_BY_TITLE, SHELF_NEW, NULL, "");
    f[2].new_chapters = 2;
    CHECK_ROWS("new chapters: a story with some", lib, f, SHELF_BY_TITLE, SHELF_NEW, NULL,
               "Charlie");
    f[0].new_chapters = 1;
    CHECK_ROWS("read to the end with new chapters is not caught up", lib, f, SHELF_BY_TITLE,
               SHELF_CAUGHT_UP, NULL, "[Road] Delta");
    f[0].new_chapters = f[2].new_chapters = 0;

    /* the filter (keep) and a view together */
    bool keep[N_SPEC] = {true, false, true, false, true, true};
    CHECK_ROWS("a filter keeps only its stories; a series shows the parts kept, where the "
               "first part kept stands", lib, f, SHELF_BY_TITLE, SHELF_ALL, keep,
               "Alpha Charlie Echo [road] Foxtrot");

    /* a part with no index goes after the indexed ones */
    lib->stories[1].meta.series_index = 0;
    CHECK_ROWS("a part without an index after the numbered parts", lib, f, SHELF_BY_TITLE,
               SHELF_ALL, NULL, "Alpha [Road] Delta Foxtrot Bravo Charlie Echo");
    lib->stories[1].meta.series_index = 2;

    /* the next part */
    CHECK("part 1 -> part 2", shelf_next_part(lib, &lib->stories[3]) == &lib->stories[1]);
    CHECK("part 2 -> part 3 (series name case aside)",
          shelf_next_part(lib, &lib->stories[1]) == &lib->stories[5]);
    CHECK("the last part has none", shelf_next_part(lib, &lib->stories[5]) == NULL);
    CHECK("a story of no series has none", shelf_next_part(lib, &lib->stories[0]) == NULL);
    lib->stories[5].meta.series_index = 1.5;
    CHECK("a part 1.5 comes between 1 and 2",
          shelf_next_part(lib, &lib->stories[3]) == &lib->stories[5]);
    library_free(lib);
}

static void test_facts(void)
{
    struct library *lib = make_lib(lib_spec, N_SPEC);
    lib->stories[2].meta.updated = xstrdup("2021-03-04");
    lib->stories[4].meta.updated = xstrdup("not a date");
    char *dir = scratch_dir("test-shelf");
    struct bookmarks *bm = bookmarks_open(dir, true);
    struct bm_pos pos = {.percent = 37.5, .when = 1234};
    strcpy(pos.chapter_key, "0000000000000001");
    bookmarks_set_last(bm, lib->stories[1].id, lib->stories[1].title, &pos);
    struct shelf_facts f[N_SPEC];
    shelf_facts_fill(lib, bm, NULL, f);
    CHECK("a saved position is read", f[1].read && f[1].percent == 37.5 && f[1].last_read == 1234);
    CHECK("no position: unread", !f[0].read && f[0].last_read == 0);
    CHECK_INT("words: the chapters' words", f[5].words, 700);
    CHECK_INT("updated: the files' newest mtime", f[0].updated, 100);
    CHECK_INT("updated: the story's own date when it says (2021-03-04 UTC)", f[2].updated,
              1614816000);
    CHECK_INT("a date that is not one: the mtime", f[4].updated, 400);
    CHECK("unread is in view unread", shelf_in_view(&f[0], SHELF_UNREAD));
    CHECK("37.5% is reading", shelf_in_view(&f[1], SHELF_READING) &&
                              !shelf_in_view(&f[1], SHELF_CAUGHT_UP));
    f[1].percent = 99.99;
    CHECK("99.99% is still reading", shelf_in_view(&f[1], SHELF_READING));
    f[1].percent = 100;
    CHECK("100% is caught up", shelf_in_view(&f[1], SHELF_CAUGHT_UP) &&
                               !shelf_in_view(&f[1], SHELF_READING));
    shelf_facts_fill(lib, NULL, NULL, f);
    CHECK("no store: nothing read", !f[1].read);
    bookmarks_close(bm);
    scratch_remove(dir);
    free(dir);
    library_free(lib);
}

static void test_prefs(void)
{
    char *dir = scratch_dir("test-shelf");
    char *path = xasprintf("%s/sub/library-view", dir);
    enum shelf_sort s = SHELF_BY_READ;
    enum shelf_view v = SHELF_ALL;
    shelf_prefs_load(path, &s, &v);
    CHECK("no file: the defaults stay", s == SHELF_BY_READ && v == SHELF_ALL);
    char *err = NULL;
    CHECK("saved (its folder made)", shelf_prefs_save(path, SHELF_BY_AUTHOR, SHELF_CAUGHT_UP,
                                                      &err) == 0);
    size_t len = 0;
    char *text = read_file(path, &len, NULL);
    const char *want = "quire-library-view 1\nsort = author\nview = caught-up\nwhen = ";
    CHECK("the file: sort, view and when", text && strncmp(text, want, strlen(want)) == 0);
    long long when = -1;
    enum shelf_sort ps = SHELF_BY_READ;
    enum shelf_view pv = SHELF_ALL;
    CHECK_INT("it parses", shelf_prefs_parse(text, len, &ps, &pv, &when), 0);
    time_t now = time(NULL);
    CHECK("stamped with the time it was saved", when > 0 && when <= now && now - when < 3600);
    CHECK("and its choice", ps == SHELF_BY_AUTHOR && pv == SHELF_CAUGHT_UP);
    free(text);
    CHECK_INT("a file without when: 0", (shelf_prefs_parse("quire-library-view 1\nsort = title\n",
                                                           34, &ps, &pv, &when), when), 0);
    CHECK("and its sort read", ps == SHELF_BY_TITLE);
    CHECK_INT("a newer format: its number", shelf_prefs_parse("quire-library-view 3\n", 21, &ps,
                                                               &pv, &when), 3);
    CHECK_INT("not this kind: -1", shelf_prefs_parse("quire-pace 1\n", 13, &ps, &pv, &when), -1);
    shelf_prefs_load(path, &s, &v);
    CHECK("read back", s == SHELF_BY_AUTHOR && v == SHELF_CAUGHT_UP);
    for (int k = 0; k < SHELF_N_SORTS; k++) {
        enum shelf_sort got = SHELF_BY_READ;
        shelf_prefs_save(path, (enum shelf_sort)k, SHELF_NEW, NULL);
        shelf_prefs_load(path, &got, &v);
        CHECK("every sort round-trips", got == (enum shelf_sort)k && v == SHELF_NEW);
    }
    /* what it does not know changes nothing */
    FILE *fp = fopen(path, "w");
    fputs("quire-library-view 1\nsort = nonsense\nview = unread\nbogus\n", fp);
    fclose(fp);
    s = SHELF_BY_TITLE;
    shelf_prefs_load(path, &s, &v);
    CHECK("an unknown name is ignored, the rest read", s == SHELF_BY_TITLE && v == SHELF_UNREAD);
    fp = fopen(path, "w");
    fputs("quire-library-view 2\nsort = author\n", fp);
    fclose(fp);
    shelf_prefs_load(path, &s, &v);
    CHECK("another version of the file is not read", s == SHELF_BY_TITLE);
    scratch_remove(dir);
    CHECK("cleanup", access(dir, F_OK) != 0);
    free(path);
    free(dir);
    free(err);
}

static void test_labels(void)
{
    CHECK_STR("a sort's label", shelf_sort_label(SHELF_BY_UPDATED), "last updated");
    CHECK_STR("a view's label", shelf_view_label(SHELF_CAUGHT_UP), "caught up");
    CHECK_STR("out of range", shelf_view_label(SHELF_N_VIEWS), "?");
}

int main(void)
{
    test_sorts();
    test_facts();
    test_prefs();
    test_labels();
    return check_summary();
}
