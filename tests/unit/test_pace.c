/* test_pace.c — the reader's pace: samples in, words per minute out (pauses
 * and skims left out, the default before enough are measured), the file's
 * round trip, merging two paces, a corrupt or newer file.  Time is the
 * test's own clock: numbers passed to pace_turn, never the machine's. */
#include "check.h"
#include "pace.h"
#include "story.h"
#include "util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* n turns `secs` apart, `words` words each, from clock *t on. */
static size_t turns(struct pace *p, double *t, int n, double secs, size_t words)
{
    size_t took = 0;
    for (int i = 0; i < n; i++) {
        *t += secs;
        took += pace_turn(p, *t, words);
    }
    return took;
}

static void test_estimate(void)
{
    struct pace *p = pace_new();
    double t = 1.7e9;
    CHECK("no samples: the default", pace_wpm(p) == PACE_DEFAULT_WPM);
    CHECK("the first turn measures nothing", !pace_turn(p, t, 300));
    /* 9 samples of 300 words a minute: not enough yet */
    CHECK_INT("nine good turns", turns(p, &t, 9, 60, 300), 9);
    CHECK("nine samples: still the default", pace_wpm(p) == PACE_DEFAULT_WPM);
    /* a pause, a skim, a fast page, a page of a few words: all left out */
    CHECK("a pause of ten minutes left out", !pace_turn(p, t += 600, 300));
    CHECK("half a second a page left out", !pace_turn(p, t += 0.5, 300));
    CHECK("3000 words a minute left out", !pace_turn(p, t += 6, 300));
    CHECK("a page of 5 words left out", !pace_turn(p, t += 60, 5));
    CHECK_INT("still nine samples", p->n_smp, 9);
    CHECK("the tenth sample", pace_turn(p, t += 60, 300));
    CHECK_INT("ten samples: the reader's pace", (long long)(pace_wpm(p) + 0.5), 300);
    /* a break: the next turn is the first of a new measure */
    pace_break(p);
    CHECK("after a break the next turn measures nothing", !pace_turn(p, t += 30, 300));
    /* the median: a few odd samples do not move it */
    CHECK("a slow page counts", pace_turn(p, t += 170, 200));
    CHECK_INT("one slow page does not move the median", (long long)(pace_wpm(p) + 0.5), 300);
    /* a new habit: PACE_KEEP samples at 100 wpm replace the old ones */
    turns(p, &t, PACE_KEEP, 120, 200);
    CHECK_INT("only the newest kept", p->n_smp, PACE_KEEP);
    CHECK_INT("the new pace", (long long)(pace_wpm(p) + 0.5), 100);
    CHECK("time left: 1000 words at 100 wpm", pace_time_left(p, 1000) > 9.99 &&
                                                  pace_time_left(p, 1000) < 10.01);
    CHECK("time left with no pace: the default", pace_time_left(NULL, 2500) == 10.0);
    pace_free(p);
}

static void test_format(void)
{
    char b[32];
    CHECK_STR("under a minute", pace_format(0.4, b, sizeof b), "< 1 min");
    CHECK_STR("nothing left", pace_format(0, b, sizeof b), "< 1 min");
    CHECK_STR("a minute", pace_format(1, b, sizeof b), "1 min");
    CHECK_STR("rounded up", pace_format(13.2, b, sizeof b), "14 min");
    CHECK_STR("an hour", pace_format(60, b, sizeof b), "1 h");
    CHECK_STR("hours and minutes", pace_format(125, b, sizeof b), "2 h 5 min");
}

static char *tmpdir(void)
{
    char tmpl[] = "/tmp/quire-test-pace-XXXXXX";
    char *d = mkdtemp(tmpl);
    return d ? xstrdup(d) : NULL;
}

static void rmrf(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *p = xasprintf("%s/%s", dir, e->d_name);
        unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

static int count_bad(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += strncmp(e->d_name, "pace.bad-", 9) == 0;
    if (d)
        closedir(d);
    return n;
}

static void put_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(s, f);
        fclose(f);
    }
}

static void test_file(void)
{
    char *dir = tmpdir();
    if (!CHECK("a temporary folder", dir != NULL))
        return;
    char *path = xasprintf("%s/pace", dir);
    struct pace *p = pace_open(dir, true);
    CHECK("no file: nothing measured", p->n_smp == 0 && !p->warning);
    double t = 1.7e9;
    turns(p, &t, 12, 30, 200);   /* 400 wpm */
    pace_fold_set(p, "0123456789abcdef", true, 1000);
    pace_fold_set(p, "fedcba9876543210", false, 1000);
    CHECK_INT("saved", pace_save(p), 0);
    CHECK("clean after saving", !p->dirty);
    pace_free(p);

    p = pace_open(dir, true);
    CHECK_INT("read back: the samples", p->n_smp, 11);
    CHECK_INT("read back: the pace", (long long)(pace_wpm(p) + 0.5), 400);
    CHECK_INT("read back: folded", pace_fold_get(p, "0123456789abcdef"), 1);
    CHECK_INT("read back: shown", pace_fold_get(p, "fedcba9876543210"), 0);
    CHECK_INT("never chosen", pace_fold_get(p, "00000000000000aa"), -1);
    CHECK("no warning", !p->warning);
    pace_free(p);

    /* two runs save: each keeps the other's samples */
    struct pace *a = pace_open(dir, true), *b = pace_open(dir, true);
    double ta = 1.8e9, tb = 1.9e9;
    turns(a, &ta, 3, 60, 100);
    turns(b, &tb, 3, 60, 150);
    pace_save(a);
    pace_save(b);
    CHECK_INT("both runs' samples on disk", b->n_smp, 11 + 2 + 2);
    pace_free(a);
    pace_free(b);

    /* a corrupt file: kept aside at the next save, a new one begun */
    put_file(path, "quire-pace 1\nengine\t\nroot\t\ns\t1\t2\nend\t1\t0000000000000000\n");
    p = pace_open(dir, true);
    CHECK("corrupt: a warning", p->warning && strstr(p->warning, "unreadable"));
    CHECK("corrupt: the default pace", pace_wpm(p) == PACE_DEFAULT_WPM);
    CHECK_INT("not moved before saving", count_bad(dir), 0);
    pace_fold_set(p, "0123456789abcdef", true, 2000);
    CHECK_INT("saved over it", pace_save(p), 0);
    CHECK_INT("the corrupt file kept aside", count_bad(dir), 1);
    pace_free(p);
    p = pace_open(dir, true);
    CHECK("the new file reads", !p->warning && pace_fold_get(p, "0123456789abcdef") == 1);
    pace_free(p);

    /* a newer quire's file is never replaced */
    const char *newer = "quire-pace 2\nwhatever\n";
    put_file(path, newer);
    p = pace_open(dir, true);
    CHECK("newer: a warning", p->warning && strstr(p->warning, "newer"));
    pace_fold_set(p, "0123456789abcdef", false, 3000);
    CHECK("newer: not saved", pace_save(p) == 0 || p->readonly);
    size_t len = 0;
    char *back = read_file(path, &len, NULL);
    CHECK_STR("newer: the file as it was", back, newer);
    free(back);
    pace_free(p);
    free(path);
    rmrf(dir);
    free(dir);
}

static void test_merge(void)
{
    struct pace *a = pace_new(), *b = pace_new();
    double t = 1.7e9;
    turns(a, &t, 6, 60, 300);
    turns(b, &t, 6, 60, 300);
    pace_fold_set(a, "0123456789abcdef", true, 100);
    pace_fold_set(b, "0123456789abcdef", false, 200);   /* newer */
    pace_fold_set(b, "1111111111111111", true, 50);
    pace_fold_set(a, "2222222222222222", true, 300);
    pace_fold_set(b, "2222222222222222", false, 200);   /* older */
    a->dirty = false;
    pace_merge(a, b);
    CHECK_INT("merged: the union of samples", a->n_smp, 10);
    CHECK_INT("merged: enough for the reader's pace", (long long)(pace_wpm(a) + 0.5), 300);
    CHECK_INT("merged: the newer choice wins", pace_fold_get(a, "0123456789abcdef"), 0);
    CHECK_INT("merged: a story only b knew", pace_fold_get(a, "1111111111111111"), 1);
    CHECK_INT("merged: the older choice loses", pace_fold_get(a, "2222222222222222"), 1);
    CHECK("merged: changed", a->dirty);
    a->dirty = false;
    pace_merge(a, b);
    CHECK("merging again changes nothing", !a->dirty);
    CHECK_INT("no sample twice", a->n_smp, 10);
    /* a tie keeps the choice already there */
    struct pace *d = pace_new();
    pace_fold_set(d, "2222222222222222", false, 300);
    a->dirty = false;
    pace_merge(a, d);
    CHECK_INT("merged: on a tie, into's choice", pace_fold_get(a, "2222222222222222"), 1);
    CHECK("merged: a tie changes nothing", !a->dirty);
    pace_free(d);
    /* the file text round-trips */
    size_t len;
    char *txt = pace_format_file(a, &len);
    struct pace *c = pace_new();
    CHECK_INT("its own text parses", pace_parse(c, txt, len), 0);
    CHECK_INT("the same samples", c->n_smp, a->n_smp);
    CHECK_INT("the same folds", c->n_fold, a->n_fold);
    txt[len - 3] ^= 1;   /* the checksum */
    CHECK_INT("a changed checksum is refused", pace_parse(c, txt, len), -1);
    free(txt);
    pace_free(a);
    pace_free(b);
    pace_free(c);
}

/* Past 50,000 stories the oldest choice is forgotten, the file stays small. */
static void test_many(void)
{
    struct pace *p = pace_new();
    char id[17];
    for (long i = 0; i <= 50000; i++) {
        snprintf(id, sizeof id, "%016lx", (unsigned long)i);
        pace_fold_set(p, id, true, 1000 + i);
    }
    CHECK_INT("50,000 choices kept", p->n_fold, 50000);
    CHECK_INT("the oldest forgotten", pace_fold_get(p, "0000000000000000"), -1);
    CHECK_INT("the newest kept", pace_fold_get(p, "000000000000c350"), 1);
    size_t len;
    char *txt = pace_format_file(p, &len);
    CHECK("the file stays under 4 MiB", len < ((size_t)4 << 20));
    struct pace *q = pace_new();
    CHECK_INT("and reads back", pace_parse(q, txt, len), 0);
    CHECK_INT("every choice", q->n_fold, 50000);
    free(txt);
    pace_free(p);
    pace_free(q);
}

/* A fold choice saved under a story's earlier id (an alias) is found, as
 * its bookmarks are; not when that id is another story's own. */
static void test_fold_alias(void)
{
    struct pace *p = pace_new();
    char alias[2][17] = {"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"};
    struct story st[2] = {{0}};
    snprintf(st[0].id, sizeof st[0].id, "%s", "1111111111111111");
    st[0].alias = alias;
    st[0].n_alias = 2;
    snprintf(st[1].id, sizeof st[1].id, "%s", "2222222222222222");
    struct library lib = {.stories = st, .n_stories = 2};
    CHECK_INT("no choice anywhere: -1", pace_fold_story(p, &st[0], &lib), -1);
    pace_fold_set(p, "aaaaaaaaaaaaaaaa", true, 1000);
    CHECK_INT("pace_fold_get alone does not see it", pace_fold_get(p, st[0].id), -1);
    CHECK_INT("the choice under its old id is found", pace_fold_story(p, &st[0], &lib), 1);
    pace_fold_set(p, "bbbbbbbbbbbbbbbb", false, 2000);
    CHECK_INT("of two aliases the newer choice", pace_fold_story(p, &st[0], &lib), 0);
    pace_fold_set(p, st[0].id, true, 500);
    CHECK_INT("a choice under its own id wins", pace_fold_story(p, &st[0], &lib), 1);
    struct pace *q = pace_new();
    pace_fold_set(q, "2222222222222222", true, 1000);
    snprintf(alias[0], sizeof alias[0], "%s", "2222222222222222");
    CHECK_INT("an alias that is another story's id: its choice, not ours",
              pace_fold_story(q, &st[0], &lib), -1);
    CHECK_INT("without the library it is taken", pace_fold_story(q, &st[0], NULL), 1);
    pace_free(q);
    pace_free(p);
}

int main(void)
{
    test_fold_alias();
    test_many();
    test_estimate();
    test_format();
    test_file();
    test_merge();
    return check_summary();
}
