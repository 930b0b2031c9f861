/* fuzz_bookmarks.c — libFuzzer target: arbitrary bytes as a bookmarks file.
 *
 * Properties checked beyond "no crash, no leak, no undefined behaviour":
 *  - a store that parses formats to a file that parses with no bad line;
 *  - formatting is a fixed point: format(parse(format(x))) == format(x);
 *  - every lookup and the --bookmarks listing work on whatever was parsed.
 *
 * Seeds: tests/fuzz/corpus/bookmarks/; dictionary: tests/fuzz/bookmarks.dict;
 * run with `make fuzz` (tests/fuzz/run.sh). */
#include "bookmarks.h"
#include "output.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Does the store hold a story with this id? */
static bool holds(const struct bookmarks *b, const char *id)
{
    const char *i, *t;
    for (size_t k = 0; bookmarks_story(b, k, &i, &t); k++)
        if (strcmp(i, id) == 0)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t bad = 0;
    char *err = NULL;
    struct bookmarks *b = bookmarks_parse((const char *)data, size, &bad, &err);
    if (!b) {
        if (!err)
            abort();            /* a refusal always says why */
        free(err);
        return 0;
    }
    size_t l1, l2, bad2 = 1;
    char *f1 = bookmarks_format(b, &l1);
    struct bookmarks *b2 = bookmarks_parse(f1, l1, &bad2, NULL);
    if (!b2 || bad2 != 0)
        abort();                /* what we write must read back whole */
    char *f2 = bookmarks_format(b2, &l2);
    if (l1 != l2 || memcmp(f1, f2, l1) != 0)
        abort();                /* and read back the same */

    const char *id = bookmarks_most_recent(b);
    struct bm_pos p;
    if (id && !bookmarks_get_last(b, id, &p))
        abort();
    char letters[53];
    bookmarks_marks(b, id ? id : "x", letters);
    for (const char *l = letters; *l; l++)
        if (!bookmarks_get_mark(b, id, *l, &p))
            abort();
    static FILE *null;
    if (!null)
        null = fopen("/dev/null", "w");
    if (null)
        output_bookmarks(b, NULL, null);

    /* A story whose aliases are the store's first two ids (bookmarks_adopt):
     * afterwards neither is in the store, the story's id holds the newest
     * last position of the three, and the store still writes a whole file. */
    const char *i0, *i1, *t;
    static const char *const ZID = "zzzzzzzzzzzzzzzz";   /* the story's id */
    if (bookmarks_story(b2, 0, &i0, &t) && strlen(i0) <= 16 && !holds(b2, ZID)) {
        struct story s;
        memset(&s, 0, sizeof s);
        char alias[2][17];
        snprintf(alias[0], sizeof alias[0], "%s", i0);
        s.alias = alias;
        s.n_alias = 1;
        if (bookmarks_story(b2, 1, &i1, &t) && strlen(i1) <= 16 && strcmp(i1, ZID) != 0)
            snprintf(alias[s.n_alias++], sizeof alias[0], "%s", i1);
        memcpy(s.id, ZID, 17);
        time_t newest = 0;
        bool any = false;
        for (size_t k = 0; k < s.n_alias; k++)
            if (bookmarks_get_last(b2, alias[k], &p) && (!any || p.when > newest)) {
                newest = p.when;
                any = true;
            }
        struct library lib = {.stories = &s, .n_stories = 1};
        bookmarks_adopt(b2, &lib);
        for (size_t k = 0; k < s.n_alias; k++)
            if (bookmarks_get_last(b2, alias[k], &p))
                abort();        /* moved away */
        if (any != bookmarks_get_last(b2, s.id, &p) || (any && p.when != newest))
            abort();            /* the newest place is kept */
        size_t l3, bad3 = 1;
        char *f3 = bookmarks_format(b2, &l3);
        struct bookmarks *b3 = bookmarks_parse(f3, l3, &bad3, NULL);
        if (!b3 || bad3 != 0)
            abort();
        bookmarks_close(b3);
        free(f3);
    }
    free(f1);
    free(f2);
    bookmarks_close(b2);
    bookmarks_close(b);
    return 0;
}
