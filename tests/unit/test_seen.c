/* test_seen.c — the seen-chapters store: the file format (parse, write,
 * unknown lines, bad lines), the merge, new and revised chapters of a
 * story that gained chapters, note-only chapters, aliases, and the file on
 * disk (save, reload, a corrupt file kept aside, two stores saving). */
#include "seen.h"
#include "util.h"

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"
#include "tstory.h"

/* ---- hand-built stories ------------------------------------------------- */

/* A story titled `title` of n chapters laid end to end in one source; a
 * chapter's key is its first line (as the library keys a chapter by its
 * opening), its text is all of it.  A chapter whose text starts with "N:"
 * is a note-only chapter (back == body). */
static void tbuild(struct tstory *t, const char *title, const char **chs, size_t n)
{
    tstory_lay(t, title, "t.txt", chs, n);
    for (size_t i = 0; i < n; i++) {
        if (strncmp(chs[i], "N:", 2) == 0)
            t->ed[i].back = t->ed[i].body;
        struct chapter *c = &t->ch[i];
        c->title = xasprintf("Chapter %zu", i + 1);
        const char *nl = strchr(chs[i], '\n');
        size_t klen = nl ? (size_t)(nl - chs[i]) : strlen(chs[i]);
        hex16(fnv1a(FNV_OFFSET, chs[i], klen), c->key);
    }
    hex16(fnv1a(FNV_OFFSET, title, strlen(title)), t->s.id);
    story_sum_bytes(&t->s);
}

/* ---- scratch folders ---------------------------------------------------- */

static void put_file(const char *path, const char *data)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, strlen(data), f) != strlen(data) || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static int count_prefix(const char *dir, const char *prefix)
{
    int n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

/* ---- tests -------------------------------------------------------------- */

static const char *v1[] = {
    "Harry woke.\nIt was cold, and the castle was quiet.\n",
    "The letter came.\nNobody had expected an owl at this hour.\n",
    "They left at dawn.\nThe road was long.\n",
};
static const char *v2[] = {
    "Harry woke.\nIt was cold, and the castle was quiet.\n",
    "The letter came.\nNobody had expected an owl at this hour.\n",
    "They left at dawn.\nThe road was long.\n",
    "N: sorry for the wait, this is not a chapter!\n",
    "The inn was full.\nThey slept in the stable.\n",
    "Morning again.\nThe horses were gone.\n",
};

static void test_format(void)
{
    const char *file = "quire-seen 1\textra header\n"
                       "chapter\tabc\t0123456789abcdef\t3\tseen\t00000000000000ff\t100\t1700000000\n"
                       "chapter\tabc\t1111111111111111\t0\tknown\t\t\t-5\tnewer field\n"
                       "\n"
                       "future\tline\tkept\n";
    size_t bad = 9;
    char *err = NULL;
    struct seen *s = seen_parse(file, strlen(file), &bad, &err);
    CHECK("a good file parses", s != NULL);
    CHECK_INT("no bad lines", bad, 0);
    CHECK("the story is there", seen_has(s, "abc"));
    CHECK("another is not", !seen_has(s, "abd"));
    size_t len;
    char *out = seen_format(s, &len);
    CHECK_STR("written back: sorted, extra fields dropped, unknown lines kept", out,
              "quire-seen 1\n"
              "chapter\tabc\t0123456789abcdef\t3\tseen\t00000000000000ff\t100\t1700000000\n"
              "chapter\tabc\t1111111111111111\t0\tknown\t\t\t-5\n"
              "future\tline\tkept\n");
    struct seen *again = seen_parse(out, len, &bad, &err);
    size_t len2;
    char *out2 = seen_format(again, &len2);
    CHECK_STR("what is written reads back the same", out2, out);
    free(out);
    free(out2);
    seen_close(s);
    seen_close(again);

    const char *bads = "quire-seen 1\n"
                       "chapter\tabc\tkey\t0\tread\t\t\t1\n"             /* unknown state */
                       "chapter\tabc\tkey\t0\tseen\tzz\t\t1\n"         /* bad digest */
                       "chapter\tabc\tkey\t0\tseen\t\t\tsoon\n"          /* bad when */
                       "chapter\ta b\tkey\t0\tseen\t\t\t1\n"             /* bad id */
                       "chapter\tabc\tkey\t0\n"                     /* fields missing */
                       "chapter\tabc\tkey\t01\tseen\t\t\t1\n"          /* bad index */
                       "chapter\tabc\tkey\t0\tseen\t\t5\t1\n"          /* a size, no digest */
                       "chapter\tabc\tgood\t0\tseen\t\t\t1\n"
                       "chapter\tabc\tcut\t0\tseen\t\t\t1";               /* no line end */
    s = seen_parse(bads, strlen(bads), &bad, &err);
    CHECK("bad lines do not make the file unreadable", s != NULL);
    CHECK_INT("each bad line counted", bad, 8);
    out = seen_format(s, &len);
    CHECK_STR("the good line kept", out, "quire-seen 1\nchapter\tabc\tgood\t0\tseen\t\t\t1\n");
    free(out);
    seen_close(s);

    CHECK("no magic: unreadable", seen_parse("quire-bookmarks 1\n", 18, NULL, &err) == NULL);
    free(err);
    err = NULL;
    CHECK("empty: unreadable", seen_parse("", 0, NULL, &err) == NULL);
    free(err);
    err = NULL;
    CHECK("a newer format is refused", seen_parse("quire-seen 2\n", 13, NULL, &err) == NULL);
    CHECK("and says so", err && strstr(err, "newer"));
    free(err);
}

/* A story's records come together in the file, so the parse checks an id
 * once and takes the lines after it with the same id unchecked: ids that
 * only begin or end like it, a bad one after a good one, and a NUL in a
 * later line must each still be read as their own. */
static void test_same_id(void)
{
    static const char file[] = "quire-seen 1\n"
                               "chapter\tabc\tk1\t0\tseen\t\t\t1\n"
                               "chapter\tabc\tk2\t1\tknown\t\t\t1\n"
                               "chapter\tabc\\\tk3\t0\tseen\t\t\t1\n"    /* bad id after a good one */
                               "chapter\tab\tk4\t0\tseen\t\t\t1\n"       /* a prefix: its own story */
                               "chapter\tabcd\tk5\t0\tseen\t\t\t1\n"     /* longer: its own story */
                               "later\tx\0y\n"     /* a NUL (in a line of a later kind): bad */
                               "chapter\tabc\tk6\t2\tseen\t\t\t1\n";
    size_t bad = 0;
    char *err = NULL;
    struct seen *s = seen_parse(file, sizeof file - 1, &bad, &err);
    CHECK("the file parses", s != NULL);
    CHECK_INT("the bad id and the NUL line are bad, no other", bad, 2);
    CHECK("every good id is a story", seen_has(s, "abc") && seen_has(s, "ab") && seen_has(s, "abcd"));
    CHECK("the bad id is none", !seen_has(s, "abc\\"));
    size_t len = 0;
    char *out = seen_format(s, &len);
    CHECK_STR("each record under its own story", out,
              "quire-seen 1\n"
              "chapter\tab\tk4\t0\tseen\t\t\t1\n"
              "chapter\tabc\tk1\t0\tseen\t\t\t1\n"
              "chapter\tabc\tk2\t1\tknown\t\t\t1\n"
              "chapter\tabc\tk6\t2\tseen\t\t\t1\n"
              "chapter\tabcd\tk5\t0\tseen\t\t\t1\n");
    free(out);
    free(err);
    seen_close(s);
}

static void test_merge(void)
{
    const char *a = "quire-seen 1\n"
                    "chapter\ts1\tk1\t0\tknown\t\t\t100\n"
                    "chapter\ts1\tk2\t0\tseen\t0000000000000001\t100\t100\n"
                    "chapter\ts1\tk3\t0\tseen\t0000000000000001\t100\t300\n"
                    "only-a\n";
    const char *b = "quire-seen 1\n"
                    "chapter\ts1\tk1\t0\tseen\t0000000000000002\t100\t50\n"
                    "chapter\ts1\tk2\t0\tseen\t0000000000000002\t100\t200\n"
                    "chapter\ts1\tk3\t0\tseen\t0000000000000002\t100\t200\n"
                    "chapter\ts1\tk4\t0\tknown\t\t\t10\n"
                    "chapter\ts2\tk1\t0\tknown\t\t\t10\n";
    struct seen *sa = seen_parse(a, strlen(a), NULL, NULL);
    struct seen *sb = seen_parse(b, strlen(b), NULL, NULL);
    seen_merge(sa, sb);
    size_t len;
    char *out = seen_format(sa, &len);
    CHECK_STR("union per story; seen beats known; the later WHEN wins", out,
              "quire-seen 1\n"
              "chapter\ts1\tk1\t0\tseen\t0000000000000002\t100\t50\n"
              "chapter\ts1\tk2\t0\tseen\t0000000000000002\t100\t200\n"
              "chapter\ts1\tk3\t0\tseen\t0000000000000001\t100\t300\n"
              "chapter\ts1\tk4\t0\tknown\t\t\t10\n"
              "chapter\ts2\tk1\t0\tknown\t\t\t10\n"
              "only-a\n");
    free(out);
    /* merging the other way round gives the same records */
    struct seen *sa2 = seen_parse(a, strlen(a), NULL, NULL);
    seen_merge(sb, sa2);
    out = seen_format(sb, &len);
    CHECK("the merge is symmetric", strstr(out, "chapter\ts1\tk3\t0\tseen\t0000000000000001\t100\t300\n") &&
                                     strstr(out, "chapter\ts1\tk1\t0\tseen\t0000000000000002\t100\t50\n"));
    free(out);
    seen_close(sa);
    seen_close(sb);
    seen_close(sa2);
}

/* The parser adds a record after the last one without a search when the
 * file is in its own order (stories by id, keys sorted): a file out of
 * that order, with a key twice, must read as the same store, and a store
 * of many stories saved after one story changed keeps every other story's
 * lines byte for byte. */
static void test_order(void)
{
    const char *sorted = "quire-seen 1\n"
                         "chapter\ta1\tk1\t0\tknown\t\t\t5\n"
                         "chapter\ta1\tk2\t1\tseen\t00000000000000aa\t9\t7\n"
                         "chapter\ta1\tk3\t2\tknown\t\t\t5\n"
                         "chapter\tb2\tk1\t0\tknown\t\t\t5\n"
                         "chapter\tc3\tk0\t0\tknown\t\t\t5\n";
    const char *shuffled = "quire-seen 1\n"
                           "chapter\tc3\tk0\t0\tknown\t\t\t5\n"
                           "chapter\ta1\tk3\t2\tknown\t\t\t5\n"
                           "chapter\ta1\tk2\t1\tknown\t\t\t3\n"
                           "chapter\tb2\tk1\t0\tknown\t\t\t5\n"
                           "chapter\ta1\tk1\t0\tknown\t\t\t5\n"
                           "chapter\ta1\tk2\t1\tseen\t00000000000000aa\t9\t7\n"
                           "chapter\ta1\tk2\t1\tknown\t\t\t8\n";
    struct seen *a = seen_parse(sorted, strlen(sorted), NULL, NULL);
    struct seen *b = seen_parse(shuffled, strlen(shuffled), NULL, NULL);
    size_t la, lb;
    char *oa = seen_format(a, &la), *ob = seen_format(b, &lb);
    CHECK_STR("a file in its own order is written back as it is", oa, sorted);
    CHECK_STR("out of order, a key twice: the same records (seen beats known)", ob, sorted);
    CHECK("every story found", seen_has(b, "a1") && seen_has(b, "b2") && seen_has(b, "c3"));
    free(oa);
    free(ob);
    seen_close(a);
    seen_close(b);

    /* 60 stories of 40 chapters on disk; one story read again */
    char *dir = scratch_dir("seen");
    char *path = xasprintf("%s/seen", dir);
    struct buf f = {0};
    buf_printf(&f, "quire-seen 1\n");
    for (int st = 0; st < 60; st++)
        for (int c = 0; c < 40; c++)
            buf_printf(&f, "chapter\tstory%02d\tkey%04d\t%d\t%s\t%s\t%s\t%d\n", st, c, c,
                       c % 3 ? "known" : "seen", c % 3 ? "" : "00000000000000b1",
                       c % 3 ? "" : "42", 1700000000 + st * 100 + c);
    CHECK_INT("the store is written", write_file_atomic(path, f.data, f.len, NULL), 0);
    struct tstory t;
    tbuild(&t, "Road", v1, 3);
    struct seen *s = seen_open(dir, true);
    seen_open_story(s, &t.s);
    seen_mark(s, &t.s, 0);
    CHECK_INT("saved", seen_save(s), 0);
    seen_close(s);
    size_t n;
    char *now = read_file(path, &n, NULL);
    size_t kept = 0, lines = 0;
    for (const char *p = f.data + strlen("quire-seen 1\n"); p < f.data + f.len;) {
        const char *e = strchr(p, '\n') + 1;
        char *line = xstrndup(p, (size_t)(e - p));
        kept += now && strstr(now, line) != NULL;
        lines++;
        free(line);
        p = e;
    }
    CHECK_INT("every other story's line is kept byte for byte", kept, lines);
    CHECK("and the story read is there", now && strstr(now, t.s.id));
    free(now);
    buf_free(&f);
    tstory_free(&t);
    free(path);
    scratch_remove(dir);
    free(dir);
}

static void test_new(void)
{
    struct tstory t1, t2;
    tbuild(&t1, "Road", v1, 3);
    tbuild(&t2, "Road", v2, 6);
    struct seen *s = seen_parse("quire-seen 1\n", 13, NULL, NULL);

    CHECK_INT("a story never met has nothing new", seen_count_new(s, &t2.s), 0);
    CHECK("and no record", !seen_has(s, t2.s.id));
    CHECK("meeting it without a position makes no record", !seen_meet(s, &t1.s, NULL));

    struct bm_pos last = {.chapter = 2, .when = 1000};
    memcpy(last.chapter_key, t1.ch[2].key, 17);
    CHECK("met with a saved position: recorded", seen_meet(s, &t1.s, &last));
    CHECK("a second meeting changes nothing", !seen_meet(s, &t1.s, &last));
    CHECK_INT("the story as it was has nothing new", seen_count_new(s, &t1.s), 0);

    CHECK_INT("re-downloaded with 3 more (one a note): 2 new", seen_count_new(s, &t2.s), 2);
    CHECK("the note chapter is a note", t2.ch[3].note && !t1.ch[2].note);
    CHECK("the note chapter is not new", !seen_is_new(s, &t2.s, 3));
    CHECK("chapter 5 is new", seen_is_new(s, &t2.s, 4));
    CHECK("chapter 3 is not", !seen_is_new(s, &t2.s, 2));
    CHECK_INT("the first new chapter after the position", seen_first_new(s, &t2.s, 3), 4);
    CHECK_INT("from a later place it wraps round", seen_first_new(s, &t2.s, 5), 5);
    CHECK_INT("none new: n_ch", seen_first_new(s, &t1.s, 0), 3);

    /* A reader in the middle: chapters after the place are not new. */
    struct seen *m = seen_parse("quire-seen 1\n", 13, NULL, NULL);
    last.chapter = 0;
    memcpy(last.chapter_key, t1.ch[0].key, 17);
    seen_meet(m, &t1.s, &last);
    CHECK_INT("unread chapters the story had are not new", seen_count_new(m, &t2.s), 2);

    /* Opening it keeps them new until they are seen. */
    seen_open_story(s, &t2.s);
    CHECK_INT("opened: still 2 new", seen_count_new(s, &t2.s), 2);
    seen_mark(s, &t2.s, 4);
    CHECK_INT("one seen: 1 new", seen_count_new(s, &t2.s), 1);
    /* A story never read is recorded whole when first opened. */
    struct seen *f = seen_parse("quire-seen 1\n", 13, NULL, NULL);
    seen_open_story(f, &t1.s);
    CHECK("first opened: a record", seen_has(f, t1.s.id));
    CHECK_INT("its later chapters are new", seen_count_new(f, &t2.s), 2);
    seen_close(f);
    seen_close(m);
    seen_close(s);
    tstory_free(&t1);
    tstory_free(&t2);
}

static void test_revised(void)
{
    const char *a[] = {"Harry woke.\nIt was cold.\n", "The letter came.\nAn owl.\n"};
    const char *b[] = {"Harry woke.\nIt was warm, and the sun was out.\n",
                       "The letter came.\nAn owl.\n"};
    const char *c[] = {"Harry woke.\n\xe2\x80\x9cIt\xe2\x80\x9d  was   cold.\n",
                       "The letter came.\nAn owl.\n"};
    struct tstory ta, tb, tc;
    tbuild(&ta, "Sun", a, 2);
    tbuild(&tb, "Sun", b, 2);
    tbuild(&tc, "Sun", c, 2);
    struct seen *s = seen_parse("quire-seen 1\n", 13, NULL, NULL);
    seen_open_story(s, &ta.s);
    CHECK("a known chapter never seen is not revised", !seen_is_revised(s, &tb.s, 0));
    seen_mark(s, &ta.s, 0);
    CHECK("seen as it is: not revised", !seen_is_revised(s, &ta.s, 0));
    CHECK("rewritten after it was read: revised", seen_is_revised(s, &tb.s, 0));
    CHECK("the story has a revised chapter", seen_any_revised(s, &tb.s));
    CHECK("the unread chapter is not revised", !seen_is_revised(s, &tb.s, 1));
    CHECK("another edition (quotes, spacing) is not a revision", !seen_is_revised(s, &tc.s, 0));
    CHECK("nor is the story", !seen_any_revised(s, &tc.s));
    /* Its opening rewritten: a new key where the seen chapter was. */
    const char *d[] = {"Harry slept late.\nIt was cold.\n", "The letter came.\nAn owl.\n"};
    const char *e[] = {"Harry woke.\nIt was cold.\n", "An owl at the window.\n",
                       "The letter came.\nAn owl.\n"};
    struct tstory td, te;
    tbuild(&td, "Sun", d, 2);
    tbuild(&te, "Sun", e, 3);
    enum seen_kind k[3];
    CHECK_INT("a rewritten opening is not new", seen_chapters(s, &td.s, SEEN_CHECK_KEYS, k), 0);
    CHECK_INT("but revised", k[0], SEEN_REVISED);
    CHECK_INT("the unread chapter is only known", k[1], SEEN_KNOWN);
    CHECK_INT("a chapter inserted in the middle is new", seen_chapters(s, &te.s, SEEN_CHECK_TEXT, k), 1);
    CHECK("and the others keep their kind", k[0] == SEEN_READ && k[1] == SEEN_NEW &&
                                           k[2] == SEEN_KNOWN);
    tstory_free(&td);
    tstory_free(&te);
    /* Rewritten to the very same size: the contents' check finds it; so
     * does the library row's, which reads the text of a chapter whose file
     * was written after it was seen (and only then). */
    const char *f[] = {"Harry woke.\nIt was cald.\n", "The letter came.\nAn owl.\n"};
    struct tstory tf;
    tbuild(&tf, "Sun", f, 2);
    tf.src.mtime = (long long)time(NULL) + 5;   /* downloaded again after it was read */
    CHECK("same size: the text check finds it", seen_is_revised(s, &tf.s, 0));
    CHECK("the row's check too: its file was written since", seen_any_revised(s, &tf.s));
    seen_chapters(s, &tf.s, SEEN_CHECK_SIZE, k);
    CHECK_INT("and seen_chapters with it", k[0], SEEN_REVISED);
    tstory_free(&tf);
    tbuild(&tf, "Sun", f, 2);
    tf.src.mtime = (long long)time(NULL) - 3600;   /* as it was (a file older than the read) */
    seen_chapters(s, &tf.s, SEEN_CHECK_SIZE, k);
    CHECK_INT("a file not written since: its text is not read", k[0], SEEN_READ);
    tstory_free(&tf);
    tbuild(&tf, "Sun", a, 2);
    tf.src.mtime = (long long)time(NULL) + 5;
    seen_chapters(s, &tf.s, SEEN_CHECK_SIZE, k);
    CHECK_INT("a file written since with the chapter as it was: read, not revised", k[0],
              SEEN_READ);
    tstory_free(&tf);
    seen_mark(s, &tb.s, 0);
    CHECK("read again: no longer revised", !seen_any_revised(s, &tb.s));
    CHECK_INT("and never new", seen_count_new(s, &tb.s), 0);
    seen_close(s);
    tstory_free(&ta);
    tstory_free(&tb);
    tstory_free(&tc);
}

static void test_adopt(void)
{
    struct tstory t;
    tbuild(&t, "Road", v1, 3);
    char old[17] = "00000000000000aa";
    struct seen *s = seen_parse("quire-seen 1\n", 13, NULL, NULL);
    struct story moved = t.s;
    memcpy(moved.id, old, 17);
    seen_open_story(s, &moved);
    char (*alias)[17] = xcalloc(1, sizeof *alias);
    memcpy(alias[0], old, 17);
    t.s.alias = alias;
    t.s.n_alias = 1;
    struct library lib = {.stories = &t.s, .n_stories = 1};
    CHECK("not under the story's id yet", !seen_has(s, t.s.id));
    seen_adopt(s, &lib);
    CHECK("records under an alias move to the id", seen_has(s, t.s.id) && !seen_has(s, old));
    CHECK_INT("and count as before", seen_count_new(s, &t.s), 0);
    free(alias);
    seen_close(s);
    tstory_free(&t);
}

static void test_disk(void)
{
    char *dir = scratch_dir("seen");
    char *path = xasprintf("%s/seen", dir);
    struct tstory t1, t2;
    tbuild(&t1, "Road", v1, 3);
    tbuild(&t2, "Road", v2, 6);

    struct seen *s = seen_open(dir, true);
    CHECK("no file, no warning", seen_warning(s) == NULL);
    seen_open_story(s, &t1.s);
    seen_mark(s, &t1.s, 0);
    CHECK_INT("saved", seen_save(s), 0);
    seen_close(s);
    struct stat sb;
    CHECK("the file is there", stat(path, &sb) == 0);
    CHECK_INT("no temporary file left", count_prefix(dir, "seen.tmp."), 0);

    s = seen_open(dir, true);
    CHECK_INT("read back: the new chapters are new", seen_count_new(s, &t2.s), 2);

    /* Another process records the new version meanwhile; ours marks a
     * chapter: both are kept. */
    struct seen *other = seen_open(dir, true);
    seen_mark(other, &t2.s, 4);
    seen_mark(other, &t2.s, 5);
    seen_close(other);
    seen_mark(s, &t1.s, 1);
    seen_close(s);
    s = seen_open(dir, true);
    CHECK_INT("the other process's records kept", seen_count_new(s, &t2.s), 0);
    CHECK("and ours", !seen_is_revised(s, &t1.s, 1) && seen_has(s, t1.s.id));
    seen_close(s);

    /* Opening and closing with nothing changed writes nothing. */
    struct stat before, after;
    stat(path, &before);
    chmod(path, 0400);   /* a write would replace it: a new inode */
    s = seen_open(dir, true);
    seen_close(s);
    stat(path, &after);
    CHECK("nothing changed, nothing written", before.st_ino == after.st_ino &&
                                               after.st_mode == before.st_mode - 0200);
    chmod(path, 0600);

    /* A conflict copy merged into the open store is saved with it. */
    const char *conflict = "quire-seen 1\nchapter\tfromsync\tk\t0\tseen\t\t\t5\n";
    struct seen *c = seen_parse(conflict, strlen(conflict), NULL, NULL);
    s = seen_open(dir, true);
    seen_merge(s, c);
    CHECK_INT("saved", seen_save(s), 0);
    seen_close(s);
    seen_close(c);
    s = seen_open(dir, true);
    CHECK("the merged records are in the file", seen_has(s, "fromsync") && seen_has(s, t1.s.id));
    seen_close(s);

    /* A corrupt file is moved aside with a warning, not lost. */
    put_file(path, "garbage\n");
    s = seen_open(dir, true);
    CHECK("warned", seen_warning(s) && strstr(seen_warning(s), "unreadable seen chapters, kept as"));
    CHECK_INT("kept aside", count_prefix(dir, "seen.bad-"), 1);
    {
        char *w = xstrdup(seen_warning(s));
        char *kept = strstr(w, "kept as ");
        size_t klen;
        char *data = kept ? read_file(kept + 8, &klen, NULL) : NULL;
        CHECK_STR("the kept file is the file as it was", data, "garbage\n");
        free(data);
        free(w);
    }
    CHECK("an empty store", !seen_has(s, t1.s.id));
    seen_open_story(s, &t1.s);
    CHECK_INT("a save writes a new file", seen_save(s), 0);
    seen_close(s);

    /* Unreadable lines: the file is copied aside whole and rewritten. */
    put_file(path, "quire-seen 1\nchapter\tx\tk\t0\tseen\t\t\t1\nchapter\tbroken\n");
    s = seen_open(dir, true);
    CHECK("warned of the line", seen_warning(s) && strstr(seen_warning(s), ":3: 1 unreadable line"));
    CHECK_INT("a second copy aside", count_prefix(dir, "seen.bad-"), 2);
    CHECK("the good record read", seen_has(s, "x"));
    seen_close(s);
    size_t len;
    char *data = read_file(path, &len, NULL);
    CHECK_STR("the file rewritten clean", data, "quire-seen 1\nchapter\tx\tk\t0\tseen\t\t\t1\n");
    free(data);

    /* A newer format is left alone. */
    put_file(path, "quire-seen 7\nwhatever\n");
    s = seen_open(dir, true);
    seen_open_story(s, &t1.s);
    CHECK("a newer file is not written", seen_save(s) != 0);
    seen_close(s);
    data = read_file(path, &len, NULL);
    CHECK_STR("and stays as it was", data, "quire-seen 7\nwhatever\n");
    free(data);

    tstory_free(&t1);
    tstory_free(&t2);
    scratch_remove(dir);
    free(path);
    free(dir);
}

int main(void)
{
    test_format();
    test_merge();
    test_order();
    test_same_id();
    test_new();
    test_revised();
    test_adopt();
    test_disk();
    return check_summary();
}
