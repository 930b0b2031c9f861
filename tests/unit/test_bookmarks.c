/* test_bookmarks.c — the bookmark store: file format, corrupt files, merging,
 * positions that survive renames, inserted chapters and edited text.
 *
 * Without arguments: the unit tests.  With a mode it is a helper program for
 * tests/e2e/t_bookmarks.sh:
 *   test_bookmarks hammer DIR CHILDREN SAVES SECS  children save at once; verify
 *   test_bookmarks killloop DIR ITERATIONS     SIGKILL savers at random moments
 *   test_bookmarks saver DIR ID SAVES SECS     one process saving in a loop
 * (hammer and saver stop after SAVES saves or SECS seconds, then save a
 * final update at offset 999999; SAVES -1: forever)
 *   test_bookmarks check FILE                  exit 0 when FILE parses whole
 *   test_bookmarks last DIR ID                 print the last offset of ID
 *   test_bookmarks setpos LIB DIR TITLE N TEXT save the last position at TEXT
 *                                              in chapter N of story TITLE
 *   test_bookmarks where LIB DIR TITLE         print "N TEXT" where it is now
 *   test_bookmarks setmark LIB DIR TITLE L N TEXT   the same for mark L
 *   test_bookmarks delmark LIB DIR TITLE L     delete mark L
 *   test_bookmarks wheremark LIB DIR TITLE L   where mark L is now
 * (setpos, setmark and delmark save with WHEN $BM_WHEN when it is set) */
#include "bookmarks.h"
#include "output.h"
#include "state_sync.h"
#include "statefile.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"
#include "tstory.h"

/* ---- hand-built stories ------------------------------------------------- */

/* A story of n chapters laid end to end in one source at `path`.  Its id
 * comes from the title and the opening of its first chapter, a chapter's key
 * from the chapter's own text (as the library does: never the path). */
static void tbuild(struct tstory *t, const char *title, const char *path, const char **chs,
                   size_t n)
{
    tstory_lay(t, title, path, chs, n);
    for (size_t i = 0; i < n; i++) {
        struct chapter *c = &t->ch[i];
        c->base = t->ed[i].start;
        /* title: the first line of the chapter */
        const char *nl = strchr(chs[i], '\n');
        c->title = xstrndup(chs[i], nl ? (size_t)(nl - chs[i]) : strlen(chs[i]));
        size_t klen = strlen(chs[i]) < 64 ? strlen(chs[i]) : 64;
        hex16(fnv1a(FNV_OFFSET, chs[i], klen), c->key);
    }
    t->s.total = t->src.len;
    uint64_t h = fnv1a(FNV_OFFSET, title, strlen(title));
    h = fnv1a(h, chs[0], strlen(chs[0]) < 64 ? strlen(chs[0]) : 64);
    hex16(h, t->s.id);
}

/* Offset of `needle` in the story's text (absolute). */
static size_t at(const struct tstory *t, const char *needle)
{
    const char *p = strstr(t->text, needle);
    return p ? (size_t)(p - t->text) : (size_t)-1;
}

/* ---- scratch folders, files, stderr -------------------------------------- */

static void put_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static char *get_file(const char *path, size_t *len)
{
    size_t l;
    char *d = read_file(path, &l, NULL);
    if (len)
        *len = d ? l : 0;
    return d;
}

/* Names in dir starting with prefix: how many, and the first (malloc'd). */
static int count_prefix(const char *dir, const char *prefix, char **first)
{
    int n = 0;
    if (first)
        *first = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) {
            if (first && !*first)
                *first = xasprintf("%s/%s", dir, e->d_name);
            n++;
        }
    closedir(d);
    return n;
}

static int saved_fd = -1;
static char *cap_path;

static void capture_begin(const char *dir)
{
    fflush(stderr);
    free(cap_path);
    cap_path = xasprintf("%s.stderr", dir);
    int fd = open(cap_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    saved_fd = dup(2);
    dup2(fd, 2);
    close(fd);
}

/* Stop capturing; the captured text (malloc'd). */
static char *capture_end(void)
{
    fflush(stderr);
    dup2(saved_fd, 2);
    close(saved_fd);
    char *s = get_file(cap_path, NULL);
    unlink(cap_path);
    return s ? s : xstrdup("");
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static struct bm_pos mkpos(const char *key, size_t ch, size_t off, time_t when)
{
    struct bm_pos p;
    memset(&p, 0, sizeof p);
    snprintf(p.chapter_key, sizeof p.chapter_key, "%s", key);
    p.chapter = ch;
    p.off = off;
    p.when = when;
    p.percent = 12.5;
    snprintf(p.context, sizeof p.context, "ctx %zu", off);
    return p;
}

/* ---- tests -------------------------------------------------------------- */

static void test_round_trip(void)
{
    char *dir = scratch_dir("bm");
    char *sub = xasprintf("%s/state/quire", dir);
    struct bookmarks *b = bookmarks_open(sub, true);
    CHECK("a fresh store has no positions", bookmarks_most_recent(b) == NULL);
    CHECK("a fresh store warns of nothing", bookmarks_warning(b) == NULL);

    const char *odd = "Tabs\there, new\nlines, back\\slash, \xc3\xa9t\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac, "
                      "\x01" "ctl";
    struct bm_pos p = mkpos("0123456789abcdef", 41, 123456789, 1700000000);
    p.percent = 42.17;
    snprintf(p.context, sizeof p.context, "%s", "\xe2\x80\x9cQuoted,\xe2\x80\x9d she said \\ back");
    p.n_chapters = 57;
    snprintf(p.chapter_title, sizeof p.chapter_title, "%s", "Chapter 42: \xc3\x9c" "ber\tall");
    bookmarks_set_last(b, "aaaa000011112222", odd, &p);
    struct bm_pos m = mkpos("fedcba9876543210", 2, 7, 1700000100);
    bookmarks_set_mark(b, "aaaa000011112222", NULL, 'q', &m);
    m.off = 8;
    bookmarks_set_mark(b, "aaaa000011112222", NULL, 'Z', &m);
    struct bm_pos q = mkpos("", 0, 0, 1600000000);
    q.context[0] = '\0';
    bookmarks_set_last(b, "bbbb", "Plain", &q);
    CHECK_INT("saving a new store works", bookmarks_save(b), 0);
    bookmarks_close(b);

    char *path = xasprintf("%s/bookmarks", sub);
    size_t len;
    char *data = get_file(path, &len);
    CHECK("the state folder and file were created", data != NULL);
    CHECK("the file starts with the magic line and version",
          data && strncmp(data, "quire-bookmarks 1\n", 18) == 0);
    CHECK("fields are tab-separated with tabs, newlines and backslashes escaped",
          data && strstr(data, "story\taaaa000011112222\t1700000000\tTabs\\there, new\\nlines, "
                               "back\\\\slash, \xc3\xa9t\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac, \\x01ctl\t"));
    CHECK("a last-position line holds every field",
          data && strstr(data, "last\taaaa000011112222\t0123456789abcdef\t41\t123456789\t42.17\t"
                               "1700000000\t\xe2\x80\x9cQuoted,\xe2\x80\x9d she said \\\\ back\t57\t"
                               "Chapter 42: \xc3\x9c" "ber all\t"));
    CHECK("a mark line names its letter",
          data && strstr(data, "mark\taaaa000011112222\tq\tfedcba9876543210\t2\t7\t12.50\t1700000100\t"));
    CHECK("the file ends with a line end", data && len > 0 && data[len - 1] == '\n');
    CHECK("the lock file sits beside it", count_prefix(sub, "bookmarks.lock", NULL) == 1);
    CHECK("no temporary file is left", count_prefix(sub, "bookmarks.tmp.", NULL) == 0);

    b = bookmarks_open(sub, true);
    struct bm_pos g;
    CHECK("the last position reads back", bookmarks_get_last(b, "aaaa000011112222", &g));
    CHECK_STR("chapter key", g.chapter_key, "0123456789abcdef");
    CHECK_INT("chapter index", g.chapter, 41);
    CHECK_INT("offset", g.off, 123456789);
    CHECK("percent to two decimals", g.percent > 42.169 && g.percent < 42.171);
    CHECK_INT("when", g.when, 1700000000);
    CHECK_STR("context with UTF-8 and a backslash", g.context,
              "\xe2\x80\x9cQuoted,\xe2\x80\x9d she said \\ back");
    CHECK_INT("chapters then", g.n_chapters, 57);
    CHECK_STR("chapter title then (a tab becomes a space)", g.chapter_title,
              "Chapter 42: \xc3\x9c" "ber all");
    char letters[53];
    bookmarks_marks(b, "aaaa000011112222", letters);
    CHECK_STR("marks listed a-z then A-Z", letters, "qZ");
    CHECK("mark q reads back", bookmarks_get_mark(b, "aaaa000011112222", 'q', &g) && g.off == 7 &&
                               g.when == 1700000100);
    CHECK("mark Z reads back", bookmarks_get_mark(b, "aaaa000011112222", 'Z', &g) && g.off == 8);
    CHECK("an unset mark is absent", !bookmarks_get_mark(b, "aaaa000011112222", 'a', &g));
    CHECK("a bad letter is absent", !bookmarks_get_mark(b, "aaaa000011112222", '1', &g));
    CHECK("an empty context reads back", bookmarks_get_last(b, "bbbb", &g) && g.context[0] == 0);
    CHECK_STR("the most recent story", bookmarks_most_recent(b), "aaaa000011112222");
    bookmarks_marks(b, "nope", letters);
    CHECK_STR("an unknown story has no marks", letters, "");

    /* The title with its control character, through the listing. */
    FILE *f = tmpfile();
    CHECK_INT("printing works", output_bookmarks(b, NULL, f), 0);
    rewind(f);
    char out[4096] = "";
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    fclose(f);
    CHECK("the listing shows the saved title, tab and LF as spaces, other controls visibly",
          strstr(out, "Tabs here, new lines, back\\slash, \xc3\xa9t\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac, ^Actl"
                      "  (not in the library)\n") != NULL);

    /* format -> parse -> format is the identity. */
    size_t l1, l2, bad = 9;
    char *f1 = bookmarks_format(b, &l1);
    struct bookmarks *p2 = bookmarks_parse(f1, l1, &bad, NULL);
    CHECK("the formatted store parses", p2 != NULL && bad == 0);
    char *f2 = bookmarks_format(p2, &l2);
    CHECK("format(parse(format)) is the same bytes", l1 == l2 && memcmp(f1, f2, l1) == 0);
    CHECK("the file is exactly the formatted store", l1 == len && memcmp(f1, data, len) == 0);
    CHECK_INT("saving a parsed (detached) store does nothing", bookmarks_save(p2), 0);
    free(f1);
    free(f2);
    bookmarks_close(p2);
    bookmarks_close(b);
    free(data);
    free(path);
    free(sub);
    scratch_remove(dir);
    free(dir);
}

static void test_forward_compatible(void)
{
    char *dir = scratch_dir("bm");
    char *path = xasprintf("%s/bookmarks", dir);
    const char *file =
        "quire-bookmarks 1\tsome future header field\n"
        "# a comment\n"
        "story\tabc\t100\tKept title\tfuture story field\n"
        "last\tabc\tk1\t0\t5\t1.00\t100\tctx\t3\tOne\tfuture1\tfuture2\n"
        "shelf\tabc\tFavourites\n"
        "\n"
        "last\tdef\tk2\t1\t9\t50\t200\tc2\n"    /* without the optional fields */
        "mark\tdef\tb\tk2\t1\t10\t50.5\t201\t\n";
    put_file(path, file, strlen(file));
    struct bookmarks *b = bookmarks_open(dir, true);
    CHECK("a file with unknown records and extra fields gives no warning",
          bookmarks_warning(b) == NULL);
    struct bm_pos g;
    CHECK("known records of a newer file are read",
          bookmarks_get_last(b, "abc", &g) && g.off == 5 && g.n_chapters == 3);
    CHECK("optional trailing fields may be missing",
          bookmarks_get_last(b, "def", &g) && g.off == 9 && g.n_chapters == 0 &&
          !strcmp(g.context, "c2") && g.chapter_title[0] == 0);
    CHECK("a mark with an empty context", bookmarks_get_mark(b, "def", 'b', &g) && g.off == 10 &&
                                          g.percent == 50.5);
    struct bm_pos p = mkpos("k9", 0, 1, 300);
    bookmarks_set_last(b, "ghi", "New", &p);
    CHECK_INT("saving works", bookmarks_save(b), 0);
    bookmarks_close(b);
    char *data = get_file(path, NULL);
    CHECK("unknown record lines survive a rewrite", data && strstr(data, "\nshelf\tabc\tFavourites\n"));
    CHECK("comments survive a rewrite", data && strstr(data, "\n# a comment\n"));
    CHECK("future fields of an untouched record survive",
          data && strstr(data, "\tOne\tfuture1\tfuture2\n") && strstr(data, "\tKept title\tfuture story field\n"));
    CHECK("blank lines are dropped", data && !strstr(data, "\n\n"));
    CHECK("no copy was kept aside (nothing was bad)", count_prefix(dir, "bookmarks.bad-", NULL) == 0);
    free(data);

    /* A record this process replaces loses the old record's future fields. */
    b = bookmarks_open(dir, true);
    p = mkpos("k1", 0, 6, 400);
    bookmarks_set_last(b, "abc", NULL, &p);
    bookmarks_close(b);
    data = get_file(path, NULL);
    CHECK("a replaced record is written whole, without stale extras",
          data && !strstr(data, "future1") && strstr(data, "last\tabc\tk1\t0\t6\t"));
    free(data);

    /* CR LF line ends (an editor on Windows): read, written back with LF. */
    const char *crlf = "quire-bookmarks 1\r\nstory\tw\t5\tWin\r\n"
                       "last\tw\tk\t0\t3\t1\t5\tc\t1\tOne\r\r\n";
    put_file(path, crlf, strlen(crlf));
    b = bookmarks_open(dir, true);
    CHECK("a CR LF file reads without complaint",
          bookmarks_warning(b) == NULL && bookmarks_get_last(b, "w", &g) && g.off == 3 &&
          !strcmp(g.chapter_title, "One"));
    p = mkpos("k", 0, 4, 6);
    bookmarks_set_last(b, "w", NULL, &p);
    bookmarks_close(b);
    data = get_file(path, NULL);
    CHECK("and is written back with LF", data && !strchr(data, '\r') && strstr(data, "\tWin\n"));
    free(data);
    free(path);
    scratch_remove(dir);
    free(dir);
}

/* Two unreadable files in the same second: two kept copies, none replaced. */
static void test_kept_twice(void)
{
    char *dir = scratch_dir("bm");
    char *path = xasprintf("%s/bookmarks", dir);
    put_file(path, "first garbage\n", 14);
    struct bookmarks *b = bookmarks_open(dir, true);
    bookmarks_close(b);
    put_file(path, "second garbage\n", 15);
    b = bookmarks_open(dir, true);
    bookmarks_close(b);
    const char *third = "quire-bookmarks 1\nbad\\line\nstory\tx\t1\tbad\\q\n";
    put_file(path, third, strlen(third));
    b = bookmarks_open(dir, true);
    const char *w = bookmarks_warning(b);
    CHECK("a file with a bad line names the line", w && strstr(w, "bookmarks:3: 1 unreadable line skipped"));
    bookmarks_close(b);
    CHECK_INT("every unreadable file is kept under its own name",
              count_prefix(dir, "bookmarks.bad-", NULL), 3);
    char *now = get_file(path, NULL);
    CHECK("the file with a bad line is rewritten without it, the odd line kept",
          now && !strcmp(now, "quire-bookmarks 1\nbad\\line\n"));
    free(now);
    DIR *d = opendir(dir);
    struct dirent *e;
    int firsts = 0, seconds = 0, thirds = 0;
    while (d && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "bookmarks.bad-", 14) != 0)
            continue;
        char *p = xasprintf("%s/%s", dir, e->d_name);
        char *c = get_file(p, NULL);
        firsts += c && !strcmp(c, "first garbage\n");
        seconds += c && !strcmp(c, "second garbage\n");
        thirds += c && strstr(c, "bad\\q") != NULL;
        free(c);
        free(p);
    }
    if (d)
        closedir(d);
    CHECK("each kept copy holds its own file", firsts == 1 && seconds == 1 && thirds == 1);
    free(path);
    scratch_remove(dir);
    free(dir);
}

struct corrupt_case {
    const char *what;
    const char *data;
    size_t len;          /* 0: strlen */
    int whole;           /* 1: moved aside whole; 0: bad lines skipped, copy kept */
    const char *good_id; /* a record that must survive, or NULL */
};

static void test_corrupt(void)
{
    static char huge[200000];
    memcpy(huge, "quire-bookmarks 1\nstory\tok\t1\tGood\nlast\tok\tk\t0\t1\t0\t1\t", 52);
    memset(huge + 52, 'x', sizeof huge - 53 - 60);
    memcpy(huge + sizeof huge - 61, "\nlast\tz\tk\t0\t1\t2\t3\tc\n", 21);
    size_t huge_len = sizeof huge - 61 + 21;
    static const char with_nul[] =
        "quire-bookmarks 1\nlast\tok\tk\t0\t1\t0\t1\tc\nstory\tx\t1\tnul\0here\n";
    static const char binary[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0";
    const struct corrupt_case cases[] = {
        {"an empty file", "", 1 /* patched below */, 1, NULL},
        {"a wrong magic line", "quire-bookmarkz 1\nlast\tok\tk\t0\t1\t0\t1\tc\n", 0, 1, NULL},
        {"a binary file", binary, sizeof binary - 1, 1, NULL},
        {"garbage text", "hello world\nthis is not a store\n", 0, 1, NULL},
        {"a magic line without a version", "quire-bookmarks\n", 0, 1, NULL},
        {"version zero", "quire-bookmarks 0\n", 0, 1, NULL},
        {"only a magic line without its end", "quire-bookmarks 1", 0, 1, NULL},
        {"a truncated last line",
         "quire-bookmarks 1\nlast\tok\tk\t0\t1\t0\t1\tc\nlast\tcut\tk\t0\t1\t0\t1", 0, 0, "ok"},
        {"a huge line", huge, 0, 0, "z"},
        {"bad numbers",
         "quire-bookmarks 1\nlast\tok\tk\t0\t1\t0\t1\tc\nlast\tx\tk\t-1\t1\t0\t1\tc\n"
         "last\ty\tk\t0\t99999999999999999999999\t0\t1\tc\nlast\tw\tk\t0\t1\t101\t1\tc\n"
         "last\tv\tk\t0\t1\t1e3\t1\tc\nlast\tu\tk\t0\t1\t5\tnow\tc\n", 0, 0, "ok"},
        {"a bad escape and a bad letter",
         "quire-bookmarks 1\nlast\tok\tk\t0\t1\t0\t1\tc\nstory\tx\t1\tbad\\q\n"
         "mark\tx\t7\tk\t0\t1\t0\t1\tc\nstory\ty\t1\tnul\\x00\n", 0, 0, "ok"},
        {"invalid UTF-8 in a line",
         "quire-bookmarks 1\nlast\tok\tk\t0\t1\t0\t1\tc\nstory\tx\t1\tbad \xff\xfe\n", 0, 0, "ok"},
        {"a NUL inside a line", with_nul, sizeof with_nul - 1, 0, "ok"},
        {"missing fields", "quire-bookmarks 1\nlast\tok\tk\t0\t1\t0\t1\tc\nlast\tshort\tk\t0\n"
                           "story\tnotitle\t5\n", 0, 0, "ok"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const struct corrupt_case *c = &cases[i];
        size_t len = i == 0 ? 0 : c->len ? c->len : strlen(c->data);
        if (c->data == huge)
            len = huge_len;
        char *dir = scratch_dir("bm");
        char *path = xasprintf("%s/bookmarks", dir);
        put_file(path, c->data, len);
        capture_begin(dir);
        struct bookmarks *b = bookmarks_open(dir, false);
        struct bm_pos p = mkpos("k", 0, 3, 50);
        bookmarks_set_last(b, "mine", "Mine", &p);
        int saved = bookmarks_save(b);
        p.off = 4;
        p.when = 51;
        bookmarks_set_last(b, "mine", "Mine", &p);
        int saved2 = bookmarks_save(b);
        bookmarks_close(b);
        char *err = capture_end();
        char *what = xasprintf("%s: ", c->what);
        char *kept = NULL;
        int n_bad = count_prefix(dir, "bookmarks.bad-", &kept);
        size_t klen = 0;
        char *kdata = kept ? get_file(kept, &klen) : NULL;
        char *msg;
        msg = xasprintf("%skept aside exactly once", what);
        CHECK(msg, n_bad == 1);
        free(msg);
        msg = xasprintf("%sthe kept copy holds every original byte", what);
        CHECK(msg, kdata && klen == len && memcmp(kdata, c->data, len) == 0);
        free(msg);
        msg = xasprintf("%sone warning line, naming both files", what);
        CHECK(msg, count_lines(err) == 1 && strstr(err, path) && kept && strstr(err, kept) &&
                   strncmp(err, "quire: ", 7) == 0);
        free(msg);
        if (c->whole) {
            char *want = xasprintf("quire: %s: unreadable bookmarks, kept as %s\n", path,
                                   kept ? kept : "?");
            msg = xasprintf("%sthe warning says so", what);
            CHECK_STR(msg, err, want);
            free(msg);
            free(want);
        }
        msg = xasprintf("%sreading and saving go on", what);
        CHECK(msg, saved == 0 && saved2 == 0);
        free(msg);
        struct bookmarks *r = bookmarks_open(dir, true);
        struct bm_pos g;
        msg = xasprintf("%sthe new file is whole and holds the new position", what);
        CHECK(msg, bookmarks_warning(r) == NULL && bookmarks_get_last(r, "mine", &g) && g.off == 4);
        free(msg);
        if (c->good_id) {
            msg = xasprintf("%sthe good records are kept", what);
            CHECK(msg, bookmarks_get_last(r, c->good_id, &g));
            free(msg);
        }
        bookmarks_close(r);
        free(kdata);
        free(kept);
        free(err);
        free(what);
        free(path);
        scratch_remove(dir);
        free(dir);
    }
}

static void test_newer_version(void)
{
    char *dir = scratch_dir("bm");
    char *path = xasprintf("%s/bookmarks", dir);
    const char *file = "quire-bookmarks 2\nsomething\tnew\n";
    put_file(path, file, strlen(file));
    capture_begin(dir);
    struct bookmarks *b = bookmarks_open(dir, false);
    struct bm_pos p = mkpos("k", 0, 3, 50);
    bookmarks_set_last(b, "mine", "Mine", &p);
    int r1 = bookmarks_save(b);
    int r2 = bookmarks_save(b);
    bookmarks_close(b);
    char *err = capture_end();
    char *data = get_file(path, NULL);
    CHECK("a newer format's file is never replaced", data && !strcmp(data, file));
    CHECK("saving over a newer format fails", r1 == -1 && r2 == -1);
    CHECK("nothing was moved aside", count_prefix(dir, "bookmarks.bad-", NULL) == 0);
    char *want = xasprintf("quire: %s: written by a newer quire (format 2); bookmarks are not saved\n",
                           path);
    CHECK_STR("one warning for a newer format", err, want);
    free(want);
    size_t bad;
    char *perr = NULL;
    CHECK("bookmarks_parse refuses a newer format", !bookmarks_parse(file, strlen(file), &bad, &perr));
    CHECK("with a reason", perr && strstr(perr, "newer"));
    free(perr);
    free(err);
    free(data);
    free(path);
    scratch_remove(dir);
    free(dir);
}

static void test_merge(void)
{
    char *dir = scratch_dir("bm");
    struct bookmarks *a = bookmarks_open(dir, true);
    struct bookmarks *b = bookmarks_open(dir, true);
    struct bm_pos p = mkpos("k", 0, 1, 1000);
    bookmarks_set_last(a, "xa", "Story A", &p);
    bookmarks_set_mark(a, "shared", "Shared", 'a', &p);
    p.off = 2;
    bookmarks_set_last(b, "xb", "Story B", &p);
    bookmarks_set_mark(b, "shared", "Shared", 'b', &p);
    CHECK_INT("first saver", bookmarks_save(a), 0);
    CHECK_INT("second saver", bookmarks_save(b), 0);
    struct bookmarks *c = bookmarks_open(dir, true);
    struct bm_pos g;
    CHECK("a story only the first process knew is kept", bookmarks_get_last(c, "xa", &g) && g.off == 1);
    CHECK("the second process's story is there", bookmarks_get_last(c, "xb", &g) && g.off == 2);
    char letters[53];
    bookmarks_marks(c, "shared", letters);
    CHECK_STR("marks of one story merge per letter", letters, "ab");
    CHECK("the saver adopted the other's records", bookmarks_get_last(b, "xa", &g) && g.off == 1);
    bookmarks_close(c);

    /* Newer wins, whoever saves last. */
    p = mkpos("k", 0, 10, 2000);
    bookmarks_set_last(a, "s", "S", &p);
    p = mkpos("k", 0, 20, 3000);
    bookmarks_set_last(b, "s", "S", &p);
    bookmarks_save(b);
    bookmarks_save(a);
    c = bookmarks_open(dir, true);
    CHECK("the newer position wins though the older was saved later",
          bookmarks_get_last(c, "s", &g) && g.off == 20);
    bookmarks_close(c);
    CHECK("and the late saver now holds the newer one", bookmarks_get_last(a, "s", &g) && g.off == 20);

    /* A tie goes to the process saving its own change. */
    p = mkpos("k", 0, 30, 4000);
    bookmarks_set_last(a, "s", NULL, &p);
    bookmarks_save(a);
    p.off = 31;
    bookmarks_set_last(b, "s", NULL, &p);
    bookmarks_save(b);
    c = bookmarks_open(dir, true);
    CHECK("a tie goes to the change saved last", bookmarks_get_last(c, "s", &g) && g.off == 31);
    bookmarks_close(c);
    /* A's copy (off 30, same second) is stale and clean: saving A's other
     * changes must not bring it back. */
    p = mkpos("k", 0, 5, 4000);
    bookmarks_set_last(a, "other", "Other", &p);
    bookmarks_save(a);
    c = bookmarks_open(dir, true);
    CHECK("a stale copy never overrides the file", bookmarks_get_last(c, "s", &g) && g.off == 31);
    bookmarks_close(c);

    /* Titles: newer wins too. */
    p = mkpos("k", 0, 40, 5000);
    bookmarks_set_last(b, "s", "S renamed", &p);
    bookmarks_save(b);
    bookmarks_close(a);
    a = bookmarks_open(dir, true);
    FILE *f = tmpfile();
    output_bookmarks(a, NULL, f);
    rewind(f);
    char out[4096];
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    fclose(f);
    CHECK("the newer title is listed", strstr(out, "S renamed  (not in the library)") != NULL);
    CHECK("the most recent story is listed first", strncmp(out, "S renamed", 9) == 0);
    CHECK_STR("most recent", bookmarks_most_recent(a), "s");

    /* A deleted file: what this process knows is written back. */
    char *path = xasprintf("%s/bookmarks", dir);
    unlink(path);
    p = mkpos("k", 0, 1, 6000);
    bookmarks_set_last(a, "new", "New", &p);
    bookmarks_save(a);
    c = bookmarks_open(dir, true);
    CHECK("after the file vanished, the known records are written again",
          bookmarks_get_last(c, "xa", &g) && bookmarks_get_last(c, "s", &g) && g.off == 40 &&
          bookmarks_get_last(c, "new", &g));
    bookmarks_close(c);

    /* Saving with nothing changed does no I/O at all. */
    unlink(path);
    CHECK_INT("an idle save succeeds", bookmarks_save(a), 0);
    struct stat st;
    CHECK("an idle save touches nothing", stat(path, &st) != 0 && errno == ENOENT);
    /* The same place again in the most recent story changes nothing... */
    p.when = 6100;
    bookmarks_set_last(a, "new", "New", &p);
    bookmarks_save(a);
    CHECK("re-setting the same place in the newest story writes nothing",
          stat(path, &st) != 0 && errno == ENOENT);
    /* ...but in another story it makes that story the most recent. */
    bookmarks_get_last(a, "xa", &p);
    p.when = 6200;
    bookmarks_set_last(a, "xa", "Story A", &p);
    CHECK_STR("returning to a story at its place makes it the most recent",
              bookmarks_most_recent(a), "xa");
    bookmarks_save(a);
    CHECK("and that is saved", stat(path, &st) == 0);
    c = bookmarks_open(dir, true);
    CHECK_STR("as the file says", bookmarks_most_recent(c), "xa");
    bookmarks_close(c);

    /* A temp file left by a killed process is removed by the next save. */
    char *tmp = xasprintf("%s/bookmarks.tmp.99999", dir);
    put_file(tmp, "junk", 4);
    p.off = 77;
    p.when = 7000;
    bookmarks_set_last(a, "xa", NULL, &p);
    bookmarks_save(a);
    CHECK("a killed process's temp file is cleaned up", stat(tmp, &st) != 0);
    free(tmp);
    free(path);

    /* Bad ids are ignored, NULL is safe. */
    bookmarks_set_last(a, "has space", "X", &p);
    bookmarks_set_last(a, "", "X", &p);
    bookmarks_set_mark(a, "ok", "X", '!', &p);
    CHECK("bad ids and letters are ignored",
          !bookmarks_get_last(a, "has space", &g) && !bookmarks_get_mark(a, "ok", '!', &g));
    bookmarks_close(NULL);
    CHECK("a NULL store has nothing", !bookmarks_get_last(NULL, "x", &g) &&
                                      bookmarks_most_recent(NULL) == NULL &&
                                      bookmarks_save(NULL) == 0);
    bookmarks_close(a);
    bookmarks_close(b);
    scratch_remove(dir);
    free(dir);
}

static void test_unwritable(void)
{
    char *dir = scratch_dir("bm");
    char *sdir;
    bool root = geteuid() == 0;
    if (root) {
        /* root writes anywhere: a folder below a regular file can't exist. */
        char *file = xasprintf("%s/plainfile", dir);
        put_file(file, "x", 1);
        sdir = xasprintf("%s/x/quire", file);
        free(file);
    } else {
        char *ro = xasprintf("%s/ro", dir);
        mkdir(ro, 0500);
        sdir = xasprintf("%s/state/quire", ro);
        free(ro);
    }
    capture_begin(dir);
    struct bookmarks *b = bookmarks_open(sdir, false);
    struct bm_pos p = mkpos("k", 0, 1, 100);
    bookmarks_set_last(b, "s", "S", &p);
    int r1 = bookmarks_save(b);
    p.off = 2;
    bookmarks_set_last(b, "s", "S", &p);
    int r2 = bookmarks_save(b);
    struct bm_pos g;
    bool kept = bookmarks_get_last(b, "s", &g) && g.off == 2;
    bookmarks_close(b);
    char *err = capture_end();
    CHECK("an unwritable state folder fails the save", r1 == -1 && r2 == -1);
    CHECK("but the position is kept in memory", kept);
    CHECK_INT("one warning, however many saves", count_lines(err), 1);
    CHECK("the warning says bookmarks are not saved",
          strncmp(err, "quire: ", 7) == 0 && strstr(err, "bookmarks are not saved"));
    free(err);

    /* Quiet: nothing printed, the warning kept for the caller. */
    capture_begin(dir);
    b = bookmarks_open(sdir, true);
    bookmarks_set_last(b, "s", "S", &p);
    bookmarks_save(b);
    const char *w = bookmarks_warning(b);
    CHECK("quiet keeps the warning for the caller", w && strstr(w, "not saved"));
    bookmarks_close(b);
    err = capture_end();
    CHECK_STR("quiet prints nothing", err, "");
    free(err);
    free(sdir);

    /* No $XDG_STATE_HOME and no $HOME: no folder at all. */
    char *home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
    char *xsh = getenv("XDG_STATE_HOME") ? xstrdup(getenv("XDG_STATE_HOME")) : NULL;
    unsetenv("HOME");
    unsetenv("XDG_STATE_HOME");
    b = bookmarks_open(NULL, true);
    CHECK("without HOME the store has no file", bookmarks_path(b) == NULL);
    bookmarks_set_last(b, "s", "S", &p);
    CHECK("and saving fails with a warning",
          bookmarks_save(b) == -1 && bookmarks_warning(b) && strstr(bookmarks_warning(b), "HOME"));
    CHECK("positions are still kept in memory", bookmarks_get_last(b, "s", &g));
    bookmarks_close(b);
    if (home)
        setenv("HOME", home, 1);
    free(home);
    char *xdg = xasprintf("%s/xdg", dir);
    setenv("XDG_STATE_HOME", xdg, 1);
    b = bookmarks_open(NULL, true);
    char *want = xasprintf("%s/quire/bookmarks", xdg);
    CHECK_STR("the default folder is $XDG_STATE_HOME/quire", bookmarks_path(b), want);
    free(want);
    bookmarks_close(b);
    if (xsh)
        setenv("XDG_STATE_HOME", xsh, 1);
    else
        unsetenv("XDG_STATE_HOME");
    free(xsh);
    free(xdg);

    /* Reading a store in a folder that can't be written still works. */
    if (!root) {
        char *rd = xasprintf("%s/rd", dir);
        struct bookmarks *w2 = bookmarks_open(rd, true);
        bookmarks_set_last(w2, "s", "S", &p);
        bookmarks_close(w2);
        chmod(rd, 0500);
        w2 = bookmarks_open(rd, true);
        CHECK("a read-only folder's store is read", bookmarks_get_last(w2, "s", &g));
        bookmarks_close(w2);
        free(rd);
    }
    scratch_remove(dir);
    free(dir);
}

/* A bookmarks file that is a symbolic link (a dotfiles link into a synced
 * folder) stays a link; saves replace the file it names, atomically. */
static void test_symlink(void)
{
    char *dir = scratch_dir("bm");
    char *state = xasprintf("%s/state", dir);
    char *synced = xasprintf("%s/synced", dir);
    mkdir(state, 0700);
    mkdir(synced, 0700);
    char *link = xasprintf("%s/bookmarks", state);
    char *target = xasprintf("%s/quire-bookmarks", synced);
    /* A relative link to a file that does not exist yet. */
    CHECK("symlink", symlink("../synced/quire-bookmarks", link) == 0);

    struct bookmarks *b = bookmarks_open(state, true);
    struct bm_pos p = mkpos("k1", 0, 10, 1000);
    bookmarks_set_last(b, "aaaa000011112222", "Linked", &p);
    CHECK_INT("the first save through a dangling link works", bookmarks_save(b), 0);
    struct stat st;
    CHECK("the bookmarks file is still a link", lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    char *got = get_file(target, NULL);
    CHECK("the file it names holds the position", got && strstr(got, "aaaa000011112222"));
    free(got);
    p.off = 20;
    p.when = 2000;
    bookmarks_set_last(b, "aaaa000011112222", "Linked", &p);
    CHECK_INT("a second save works", bookmarks_save(b), 0);
    bookmarks_close(b);
    CHECK("still a link after the second save", lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    CHECK("the target is a regular file", lstat(target, &st) == 0 && S_ISREG(st.st_mode));
    CHECK_INT("no temporary file left in the target's folder",
              count_prefix(synced, "quire-bookmarks.tmp.", NULL), 0);
    CHECK_INT("nor in the state folder", count_prefix(state, "bookmarks.tmp.", NULL), 0);

    b = bookmarks_open(state, true);
    struct bm_pos back;
    CHECK("read back through the link",
          bookmarks_get_last(b, "aaaa000011112222", &back) && back.off == 20);
    bookmarks_close(b);

    scratch_remove(dir);
    free(target);
    free(link);
    free(synced);
    free(state);
    free(dir);
}

static const char *CH1 = "Chapter 1: Arrival\n\nThe train came in late. Anna stepped down onto the "
                         "platform and looked for a face she knew.\n\nNobody came.\n";
static const char *CH2 = "Chapter 2: The House\n\nThe house stood at the end of the lane, its "
                         "shutters closed against the rain.\n\n* * *\n\nInside, the clocks had "
                         "stopped at a quarter past nine, every one of them.\n";
static const char *CH3 = "Chapter 3: Letters\n\nShe found the letters under the floorboards, tied "
                         "with a green ribbon, \xe2\x80\x9cto be opened when I am gone.\xe2\x80\x9d\n\n"
                         "The first was dated the winter of the great frost.\n";
static const char *NEW2 = "Chapter 2: An Interlude\n\nMeanwhile, far away, a man named Ivo counted "
                          "his coins and decided to go north.\n";

static void test_positions(void)
{
    struct tstory t;
    const char *chs[] = {CH1, CH2, CH3};
    tbuild(&t, "The Clocks", "lib/old-name.txt", chs, 3);
    size_t off = at(&t, "stopped at a quarter");
    struct bm_pos p;
    bookmarks_make_pos(&t.s, 1, off, &p);
    CHECK_STR("the position names its chapter by key", p.chapter_key, t.ch[1].key);
    CHECK_INT("the index hint", p.chapter, 1);
    CHECK_INT("the offset is from the chapter start", p.off, off - t.ed[1].start);
    CHECK_STR("the context: 48 bytes, white space as single spaces", p.context,
              "stopped at a quarter past nine, every one of the");
    CHECK_INT("context length", strlen(p.context), 48);
    CHECK_STR("the chapter title is kept for listings", p.chapter_title, "Chapter 2: The House");
    CHECK_INT("chapters then", p.n_chapters, 3);
    double want = 100.0 * (double)off / (double)t.s.total;
    CHECK("percent through the story", p.percent > want - 0.01 && p.percent < want + 0.01);
    CHECK("when is now", p.when > 1600000000);

    /* A position across a line end: the newline becomes a space. */
    bookmarks_make_pos(&t.s, 0, at(&t, "knew.\n"), &p);
    CHECK_STR("line ends in the context are single spaces", p.context, "knew. Nobody came. ");

    /* Inside a multi-byte character: back to its start; context whole chars. */
    size_t q = at(&t, "\xe2\x80\x9cto be");
    bookmarks_make_pos(&t.s, 2, q + 1, &p);
    CHECK_INT("an offset inside a character moves to its start", p.off, q - t.ed[2].start);
    CHECK("the context begins with the whole character",
          strncmp(p.context, "\xe2\x80\x9cto be", 8) == 0);
    bookmarks_make_pos(&t.s, 2, q - 46, &p);
    CHECK_INT("the context never splits a character (stops before it)", strlen(p.context), 46);
    size_t ci, o;
    CHECK("resolving in the same story", bookmarks_resolve(&t.s, &p, &ci, &o));
    CHECK("finds the same place", ci == 2 && o == q - 46);

    /* Out of range inputs are clamped. */
    bookmarks_make_pos(&t.s, 99, t.s.total + 100, &p);
    CHECK("a chapter past the end is the last", p.chapter == 2);
    struct bm_pos far = p;
    far.off = 1u << 30;
    far.context[0] = '\0';
    CHECK("an offset past the chapter's end", bookmarks_resolve(&t.s, &far, &ci, &o));
    CHECK("is clamped to the chapter's last character",
          ci == 2 && o < t.ed[2].end && o >= t.ed[2].start);
    struct story empty = {0};
    CHECK("a story without chapters has no place", !bookmarks_resolve(&empty, &p, &ci, &o));
    tstory_free(&t);
}

/* Save a position in one build of a story, read it in another. */
static bool carry(struct tstory *from, size_t ci, size_t off, struct tstory *to, size_t *rci,
                  size_t *roff)
{
    char *dir = scratch_dir("bm");
    struct bookmarks *b = bookmarks_open(dir, true);
    struct bm_pos p;
    bookmarks_make_pos(&from->s, ci, off, &p);
    bookmarks_set_last(b, from->s.id, from->s.title, &p);
    bookmarks_close(b);
    b = bookmarks_open(dir, true);
    struct bm_pos g;
    bool ok = bookmarks_get_last(b, to->s.id, &g) && bookmarks_resolve(&to->s, &g, rci, roff);
    bookmarks_close(b);
    scratch_remove(dir);
    free(dir);
    return ok;
}

static void test_identity(void)
{
    const char *chs[] = {CH1, CH2, CH3};
    struct tstory a, b;
    tbuild(&a, "The Clocks", "lib/the-clocks.txt", chs, 3);
    tbuild(&b, "The Clocks", "elsewhere/renamed/Clocks (1).txt", chs, 3);
    size_t off = at(&a, "the great frost"), ci, o;
    CHECK("a renamed file is the same story", !strcmp(a.s.id, b.s.id));
    CHECK("the renamed story keeps its position", carry(&a, 2, off, &b, &ci, &o));
    CHECK("at the same chapter and text", ci == 2 && !strncmp(b.text + o, "the great frost", 15));
    tstory_free(&b);

    /* The author inserts a new chapter 2: chapter 3 is now the fourth. */
    const char *chs2[] = {CH1, NEW2, CH2, CH3};
    tbuild(&b, "The Clocks", "lib/the-clocks.txt", chs2, 4);
    CHECK("adding a chapter keeps the story's identity", !strcmp(a.s.id, b.s.id));
    CHECK("and its position", carry(&a, 2, off, &b, &ci, &o));
    CHECK("in the same chapter, now the fourth", ci == 3);
    CHECK("at the same text", !strncmp(b.text + o, "the great frost", 15));
    off = at(&a, "clocks had");
    CHECK("a position in the old chapter 2", carry(&a, 1, off, &b, &ci, &o));
    CHECK("moves with it to the third", ci == 2 && !strncmp(b.text + o, "clocks had", 10));
    tstory_free(&b);
    tstory_free(&a);
}

/* Records saved under an earlier id of a story (its alias: the first id
 * rule, before a chapter came in front) are found under its id now, and
 * the file follows at the next save that writes it. */
static void test_adopt(void)
{
    const char *OLD = "00000000000000aa", *NEW = "00000000000000bb", *OTHER = "00000000000000cc";
    const char *chs[] = {CH1, CH2, CH3};
    struct tstory t, u;
    tbuild(&t, "The Clocks", "lib/the-clocks.txt", chs, 3);
    tbuild(&u, "Other", "lib/other.txt", chs, 2);
    memcpy(t.s.id, NEW, 17);
    char alias[2][17];
    memcpy(alias[0], OLD, 17);
    memcpy(alias[1], OTHER, 17);    /* also another story's own id */
    t.s.alias = alias;
    t.s.n_alias = 2;
    memcpy(u.s.id, OTHER, 17);
    struct story both[2] = {t.s, u.s};
    struct library lib = {.stories = both, .n_stories = 2};

    const char *file =
        "quire-bookmarks 1\n"
        "story\t00000000000000aa\t1000\tThe Clocks\n"
        "last\t00000000000000aa\tk2\t1\t30\t40.00\t1000\tthe house\t3\tChapter 2\n"
        "mark\t00000000000000aa\ta\tk1\t0\t5\t1.00\t900\tarrival\t3\tChapter 1\n"
        "last\t00000000000000bb\tk1\t0\t1\t0.50\t800\tolder\t3\tChapter 1\n"
        "last\t00000000000000cc\tk1\t0\t7\t9.00\t950\tother's own\t2\tChapter 1\n";
    struct bookmarks *b = bookmarks_parse(file, strlen(file), NULL, NULL);
    CHECK("the old-format file parses", b != NULL);
    struct bm_pos pos;
    CHECK("before: nothing under the new id but an older place",
          b && bookmarks_get_last(b, NEW, &pos) && pos.off == 1);
    bookmarks_adopt(b, &lib);
    CHECK("after: the last place saved under the alias, the newer one",
          bookmarks_get_last(b, NEW, &pos) && pos.off == 30 && pos.when == 1000 &&
          !strcmp(pos.context, "the house"));
    char letters[64];
    bookmarks_marks(b, NEW, letters);
    CHECK_STR("its marks come along", letters, "a");
    CHECK("the mark's place", bookmarks_get_mark(b, NEW, 'a', &pos) && pos.off == 5);
    CHECK("nothing is left under the alias", !bookmarks_get_last(b, OLD, &pos));
    CHECK("an alias that is another story's id keeps that story's records",
          bookmarks_get_last(b, OTHER, &pos) && pos.off == 7);
    const char *rid = bookmarks_most_recent(b);
    CHECK_STR("the most recent story is the new id (--resume)", rid ? rid : "", NEW);
    const char *id, *title;
    size_t n = 0;
    bool old_listed = false;
    for (size_t i = 0; bookmarks_story(b, i, &id, &title); i++, n++)
        old_listed |= !strcmp(id, OLD);
    CHECK("the listing holds the story once, under its id", n == 2 && !old_listed);
    bookmarks_close(b);

    /* In a folder: adopting alone writes nothing; the next save moves the
     * file's records, including one another process wrote meanwhile under
     * the old id. */
    char *dir = scratch_dir("bm");
    char *path = xasprintf("%s/bookmarks", dir);
    put_file(path, file, strlen(file));
    b = bookmarks_open(dir, true);
    bookmarks_adopt(b, &lib);
    CHECK("adopting reads as moved", bookmarks_get_last(b, NEW, &pos) && pos.off == 30);
    CHECK("a save with nothing changed writes nothing", bookmarks_save(b) == 0);
    char *got = get_file(path, NULL);
    CHECK_STR("the file is as it was", got ? got : "", file);
    free(got);
    char *meanwhile = xasprintf("%smark\t00000000000000aa\tb\tk3\t2\t9\t80.00\t1100\tlater\t3\tChapter 3\n",
                                file);
    put_file(path, meanwhile, strlen(meanwhile));
    struct bm_pos mine = mkpos("k3", 2, 11, 1200);
    bookmarks_set_mark(b, OTHER, "Other", 'z', &mine);
    CHECK("the next save succeeds", bookmarks_save(b) == 0);
    got = get_file(path, NULL);
    CHECK("the file no longer names the old id", got && !strstr(got, OLD));
    CHECK("it holds the story's last place under its id",
          got && strstr(got, "last\t00000000000000bb\tk2\t1\t30\t"));
    CHECK("and the mark written under the old id meanwhile",
          got && strstr(got, "mark\t00000000000000bb\tb\tk3\t2\t9\t"));
    CHECK("and mark a", got && strstr(got, "mark\t00000000000000bb\ta\tk1\t0\t5\t"));
    free(got);
    bookmarks_close(b);
    b = bookmarks_open(dir, true);
    CHECK("read again without adopting: the place is under the id",
          bookmarks_get_last(b, NEW, &pos) && pos.off == 30);
    bookmarks_marks(b, NEW, letters);
    CHECK_STR("with both marks", letters, "ab");
    bookmarks_close(b);
    free(meanwhile);
    free(path);
    scratch_remove(dir);
    free(dir);
    tstory_free(&u);
    tstory_free(&t);
}

static void test_reanchor(void)
{
    const char *chs[] = {CH1, CH2, CH3};
    struct tstory a, b;
    tbuild(&a, "The Clocks", "x.txt", chs, 3);
    size_t off = at(&a, "every one of them"), ci, o;

    /* A paragraph added before the place (the chapter's key, from its
     * opening, is unchanged). */
    char *ed = xasprintf("Chapter 2: The House\n\nThe house stood at the end of the lane, its "
                         "shutters closed against the rain. A dog barked somewhere, twice, and "
                         "then was quiet.\n\nAn added paragraph, with more words in it than "
                         "before.\n\n* * *\n\nInside, the clocks had stopped at a quarter past "
                         "nine, every one of them.\n");
    const char *chs2[] = {CH1, ed, CH3};
    tbuild(&b, "The Clocks", "x.txt", chs2, 3);
    strcpy(b.ch[1].key, a.ch[1].key);
    CHECK("text added before the place", carry(&a, 1, off, &b, &ci, &o));
    CHECK("the place is found again by its context",
          ci == 1 && !strncmp(b.text + o, "every one of them", 17));
    tstory_free(&b);
    free(ed);

    /* Re-wrapped lines (different spacing): white space runs match. */
    ed = xasprintf("Chapter 2: The House\n\nThe house stood at the end of the lane, its\n"
                   "shutters closed against the rain.\n\n* * *\n\nInside, the clocks had stopped\n"
                   "at a quarter past nine,   every one\r\nof them.\n");
    const char *chs3[] = {CH1, ed, CH3};
    tbuild(&b, "The Clocks", "x.txt", chs3, 3);
    strcpy(b.ch[1].key, a.ch[1].key);
    off = at(&a, "stopped at a quarter");
    CHECK("re-wrapped text", carry(&a, 1, off, &b, &ci, &o));
    CHECK("the context matches across changed line breaks",
          ci == 1 && !strncmp(b.text + o, "stopped\nat a quarter", 20));
    tstory_free(&b);
    free(ed);

    /* The chapter's opening was edited (new key) and a chapter inserted
     * before it: found by its context in the other chapters. */
    char *ed3 = xasprintf("Chapter 3: The Letters\n\nShe found the letters under the "
                          "floorboards, tied with a green ribbon, \xe2\x80\x9cto be opened when I "
                          "am gone.\xe2\x80\x9d\n\nThe first was dated the winter of the great frost.\n");
    const char *chs4[] = {CH1, NEW2, CH2, ed3};
    tbuild(&b, "The Clocks", "x.txt", chs4, 4);
    CHECK("an edited chapter has a new key", strcmp(b.ch[3].key, a.ch[2].key) != 0);
    off = at(&a, "dated the winter");
    CHECK("position in an edited and moved chapter", carry(&a, 2, off, &b, &ci, &o));
    CHECK("is found by its context", ci == 3 && !strncmp(b.text + o, "dated the winter", 16));
    tstory_free(&b);
    free(ed3);

    /* The context is gone: the offset is kept, clamped, on a character start. */
    const char *gone = "Chapter 2: The House\n\n\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e "
                       "\xe3\x81\xa0\xe3\x81\x91\xe3\x80\x82\n";
    const char *chs5[] = {CH1, gone, CH3};
    tbuild(&b, "The Clocks", "x.txt", chs5, 3);
    strcpy(b.ch[1].key, a.ch[1].key);
    off = at(&a, "rain.") + 1;
    CHECK("a context that is gone", carry(&a, 1, off, &b, &ci, &o));
    CHECK("keeps the chapter and lands on a character start inside it",
          ci == 1 && o >= b.ed[1].start && o < b.ed[1].end &&
          ((unsigned char)b.text[o] & 0xC0) != 0x80);
    tstory_free(&b);

    /* Of two matches the nearer to the saved offset wins. */
    const char *twice = "Chapter 9\n\nAgain and again and again the bell rang out.\n\n"
                        "Again and again and again the bell rang out.\n";
    const char *c6[] = {twice};
    tstory_free(&a);
    tbuild(&a, "Bells", "b.txt", c6, 1);
    size_t second = at(&a, "\nAgain") + 1;
    struct bm_pos p;
    bookmarks_make_pos(&a.s, 0, second, &p);
    p.off += 5;   /* as if 5 bytes were added before it */
    CHECK("two candidate places", bookmarks_resolve(&a.s, &p, &ci, &o));
    CHECK("the nearer one is chosen", o == second);
    tstory_free(&a);
}

static void test_print(void)
{
    char *dir = scratch_dir("bm");
    struct bookmarks *b = bookmarks_open(dir, true);
    FILE *f = tmpfile();
    CHECK_INT("printing an empty store", output_bookmarks(b, NULL, f), 0);
    rewind(f);
    char out[4096];
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    fclose(f);
    char *want = xasprintf("no saved positions yet (%s/bookmarks)\n", dir);
    CHECK_STR("a clear line when there are none", out, want);
    free(want);

    const char *chs[] = {CH1, CH2, CH3};
    struct tstory t;
    tbuild(&t, "The Clocks", "x.txt", chs, 3);
    struct bm_pos p;
    bookmarks_make_pos(&t.s, 2, at(&t, "great frost"), &p);
    struct tm tm = {.tm_year = 124, .tm_mon = 5, .tm_mday = 10, .tm_hour = 15, .tm_min = 30,
                    .tm_isdst = -1};
    time_t base = mktime(&tm);
    p.when = base;
    int pc_last = (int)(p.percent + 0.5);
    bookmarks_set_last(b, t.s.id, "Old Title", &p);
    bookmarks_make_pos(&t.s, 0, at(&t, "Nobody"), &p);
    p.when = base - 3600;
    int pc_mark = (int)(p.percent + 0.5);
    bookmarks_set_mark(b, t.s.id, NULL, 'a', &p);
    struct bm_pos q = mkpos("zz", 4, 9, base - 86400);
    q.percent = 66.6;
    q.n_chapters = 9;
    strcpy(q.chapter_title, "Five Go Away");
    bookmarks_set_last(b, "gone0000", "A Lost Story", &q);

    struct library lib = {0};
    lib.stories = &t.s;
    lib.n_stories = 1;
    f = tmpfile();
    CHECK_INT("printing works", output_bookmarks(b, &lib, f), 0);
    rewind(f);
    n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    fclose(f);
    char *expect = xasprintf(
        "The Clocks\n"
        "  last    2024-06-10 15:30  %3d%%  chapter 3/3: Chapter 3: Letters\n"
        "  mark a  2024-06-10 14:30  %3d%%  chapter 1/3: Chapter 1: Arrival\n"
        "A Lost Story  (not in the library)\n"
        "  last    2024-06-09 15:30   67%%  chapter 5/9: Five Go Away\n", pc_last, pc_mark);
    CHECK_STR("the listing: current titles for stories in the library, saved ones else", out,
              expect);
    CHECK("percents are what make_pos computed", pc_last > 90 && pc_mark > 10 && pc_mark < 30);
    free(expect);
    bookmarks_close(b);
    tstory_free(&t);
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        b = bookmarks_open(dir, true);
        CHECK_INT("a write error is reported", output_bookmarks(b, NULL, full), -1);
        bookmarks_close(b);
        fclose(full);
    }
    scratch_remove(dir);
    free(dir);
}

/* ---- helper modes for tests/e2e/t_bookmarks.sh --------------------------- */

/* Seconds since some fixed moment (monotonic). */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The offset of every writer's final update (after at most `saves` others
 * or `secs` seconds: fsync speed varies a hundredfold between machines). */
#define FINAL 999999

static int mode_hammer(const char *dir, int children, int saves, double secs)
{
    int fd[2];
    if (pipe(fd) != 0)
        return 1;
    for (int k = 0; k < children; k++) {
        pid_t pid = fork();
        if (pid < 0)
            return 1;
        if (pid == 0) {
            close(fd[0]);
            struct bookmarks *b = bookmarks_open(dir, false);
            char own[32];
            snprintf(own, sizeof own, "own%d", k);
            double end = now_s() + secs;
            int i;
            for (i = 0; i <= saves; i++) {
                bool last = i == saves || now_s() > end;
                size_t off = last ? FINAL : (size_t)i;
                struct bm_pos p = mkpos("k", 0, off, time(NULL));
                bookmarks_set_last(b, own, own, &p);
                bookmarks_set_mark(b, "shared", "Shared", (char)('a' + k), &p);
                p.off = (size_t)k * 1000000 + off;
                bookmarks_set_last(b, "shared", "Shared", &p);
                if (bookmarks_save(b) != 0)
                    _exit(2);
                if (last)
                    break;
            }
            bookmarks_close(b);
            int done = i + 1;
            if (write(fd[1], &done, sizeof done) != sizeof done)
                _exit(3);
            _exit(0);
        }
    }
    close(fd[1]);
    int bad = 0, status, total = 0, done;
    while (read(fd[0], &done, sizeof done) == sizeof done)
        total += done;
    close(fd[0]);
    while (wait(&status) > 0)
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            bad++;
    if (bad) {
        fprintf(stderr, "hammer: %d children failed\n", bad);
        return 1;
    }
    char *path = xasprintf("%s/bookmarks", dir);
    size_t len, nbad = 0;
    char *data = get_file(path, &len);
    struct bookmarks *b = data ? bookmarks_parse(data, len, &nbad, NULL) : NULL;
    int fails = 0;
    if (!b || nbad) {
        fprintf(stderr, "hammer: the file does not parse whole\n");
        fails++;
    }
    for (int k = 0; b && k < children; k++) {
        char own[32];
        snprintf(own, sizeof own, "own%d", k);
        struct bm_pos g;
        if (!bookmarks_get_last(b, own, &g) || g.off != FINAL) {
            fprintf(stderr, "hammer: %s lost its final update\n", own);
            fails++;
        }
        if (!bookmarks_get_mark(b, "shared", (char)('a' + k), &g) || g.off != FINAL) {
            fprintf(stderr, "hammer: mark %c of the shared story lost its final update\n",
                    'a' + k);
            fails++;
        }
    }
    struct bm_pos g;
    if (b && (!bookmarks_get_last(b, "shared", &g) || g.off % 1000000 != FINAL)) {
        fprintf(stderr, "hammer: the shared story does not hold a final update\n");
        fails++;
    }
    if (count_prefix(dir, "bookmarks.bad-", NULL) || count_prefix(dir, "bookmarks.tmp.", NULL)) {
        fprintf(stderr, "hammer: stray files in the folder\n");
        fails++;
    }
    printf("hammer: %d processes, %d saves in all\n", children, total);
    bookmarks_close(b);
    free(data);
    free(path);
    return fails ? 1 : 0;
}

/* Stories in the file (a parse), or -1 when it is not whole. */
static long file_stories(const char *path)
{
    size_t len, nbad = 0;
    char *data = get_file(path, &len);
    if (!data)
        return 0;
    struct bookmarks *b = bookmarks_parse(data, len, &nbad, NULL);
    long n = -1;
    if (b && nbad == 0) {
        size_t flen;
        char *f = bookmarks_format(b, &flen);
        n = 0;
        for (char *s = f; (s = strstr(s, "\nlast\t")) != NULL; s++)
            n++;
        if (flen != len || memcmp(f, data, len) != 0)
            n = -1;     /* our files are always exactly the formatted store */
        free(f);
    }
    bookmarks_close(b);
    free(data);
    return n;
}

static int mode_killloop(const char *dir, int iterations)
{
    char *path = xasprintf("%s/bookmarks", dir);
    long prev = 0;
    int fails = 0;
    srand((unsigned)getpid());
    for (int it = 0; it < iterations; it++) {
        pid_t pid = fork();
        if (pid < 0)
            return 1;
        if (pid == 0) {
            struct bookmarks *b = bookmarks_open(dir, true);
            for (int i = 0;; i++) {
                char id[32];
                snprintf(id, sizeof id, "s%d", (it * 7 + i) % 300);
                struct bm_pos p = mkpos("k", 0, (size_t)i, time(NULL));
                bookmarks_set_last(b, id, "A title\twith a tab", &p);
                bookmarks_save(b);
            }
        }
        struct timespec ts = {0, (long)(rand() % 5000) * 1000};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        long n = file_stories(path);
        if (n < 0) {
            fprintf(stderr, "killloop: iteration %d: the file is not whole\n", it);
            fails++;
        } else if (n < prev) {
            fprintf(stderr, "killloop: iteration %d: stories went from %ld to %ld\n", it, prev, n);
            fails++;
        } else {
            prev = n;
        }
    }
    if (count_prefix(dir, "bookmarks.bad-", NULL)) {
        fprintf(stderr, "killloop: a file was found unreadable\n");
        fails++;
    }
    /* The next save removes the killed processes' temp files. */
    struct bookmarks *b = bookmarks_open(dir, false);
    struct bm_pos p = mkpos("k", 0, 1, time(NULL));
    bookmarks_set_last(b, "final", "Final", &p);
    if (bookmarks_save(b) != 0 || count_prefix(dir, "bookmarks.tmp.", NULL)) {
        fprintf(stderr, "killloop: temp files left after a save\n");
        fails++;
    }
    bookmarks_close(b);
    printf("%ld stories after %d kills\n", prev, iterations);
    free(path);
    return fails ? 1 : 0;
}

static int mode_saver(const char *dir, const char *id, int saves, double secs)
{
    struct bookmarks *b = bookmarks_open(dir, false);
    int ret = 0;
    double end = now_s() + secs;
    for (int i = 0; saves < 0 || i <= saves; i++) {
        bool last = i == saves || (saves >= 0 && now_s() > end);
        struct bm_pos p = mkpos("k", 0, last ? FINAL : (size_t)i, time(NULL));
        bookmarks_set_last(b, id, id, &p);
        if (bookmarks_save(b) != 0)
            ret = 1;
        if (last)
            break;
    }
    bookmarks_close(b);
    return ret;
}

static int mode_last(const char *dir, const char *id)
{
    struct bookmarks *b = bookmarks_open(dir, false);
    struct bm_pos g;
    int ret = 1;
    if (bookmarks_get_last(b, id, &g)) {
        printf("%zu\n", g.off);
        ret = 0;
    }
    bookmarks_close(b);
    return ret;
}

/* Open the library and find the story titled `title`; NULL after a message. */
static struct library *open_story(const char *libdir, const char *title, struct story **s)
{
    char *err = NULL;
    struct library *lib = library_open(libdir, &err);
    if (!lib) {
        fprintf(stderr, "%s\n", err ? err : libdir);
        free(err);
        return NULL;
    }
    bool amb = false;
    *s = library_find(lib, title, &amb);
    if (!*s) {
        fprintf(stderr, "%s: no such story\n", title);
        library_free(lib);
        return NULL;
    }
    return lib;
}

/* The WHEN the helper modes save with: $BM_WHEN when set (seconds), else
 * 0 (now). */
static time_t mode_when(void)
{
    const char *w = getenv("BM_WHEN");
    return w && *w ? (time_t)atoll(w) : 0;
}

/* Save the last position (letter 0) or mark `letter` at the first `needle`
 * in chapter `chno` (from 1). */
static int mode_setpos(const char *libdir, const char *dir, const char *title, char letter,
                       int chno, const char *needle)
{
    struct story *s;
    struct library *lib = open_story(libdir, title, &s);
    if (!lib)
        return 1;
    int ret = 1;
    if (chno >= 1 && (size_t)chno <= s->n_ch) {
        const char *text;
        const struct edition *e = chapter_text(&s->ch[chno - 1], &text);
        const char *hit = memmem(text + e->start, e->end - e->start, needle, strlen(needle));
        if (hit) {
            struct bm_pos p;
            bookmarks_make_pos(s, (size_t)chno - 1, (size_t)(hit - text), &p);
            p.when = mode_when();
            struct bookmarks *b = bookmarks_open(dir, false);
            if (letter)
                bookmarks_set_mark(b, s->id, s->title, letter, &p);
            else
                bookmarks_set_last(b, s->id, s->title, &p);
            ret = bookmarks_save(b) == 0 ? 0 : 1;
            bookmarks_close(b);
        }
    }
    library_free(lib);
    return ret;
}

/* Delete mark `letter` of the story. */
static int mode_delmark(const char *libdir, const char *dir, const char *title, char letter)
{
    struct story *s;
    struct library *lib = open_story(libdir, title, &s);
    if (!lib)
        return 1;
    struct bookmarks *b = bookmarks_open(dir, false);
    int ret = bookmarks_delete_mark(b, s->id, letter, mode_when()) && bookmarks_save(b) == 0
              ? 0 : 1;
    bookmarks_close(b);
    library_free(lib);
    return ret;
}

/* Print where the story's last position (letter 0) or mark is now:
 * "CHAPTER_NO TEXT..." with 20 bytes of text (line ends as spaces). */
static int mode_where(const char *libdir, const char *dir, const char *title, char letter)
{
    struct story *s;
    struct library *lib = open_story(libdir, title, &s);
    if (!lib)
        return 1;
    struct bookmarks *b = bookmarks_open(dir, false);
    struct bm_pos p;
    size_t ci, off;
    int ret = 1;
    bool have = letter ? bookmarks_get_mark(b, s->id, letter, &p) : bookmarks_get_last(b, s->id, &p);
    if (have && bookmarks_resolve(s, &p, &ci, &off)) {
        const char *text;
        const struct edition *e = chapter_text(&s->ch[ci], &text);
        char out[21];
        size_t n = 0;
        for (; n < 20 && off + n < e->end; n++)
            out[n] = text[off + n] == '\n' || text[off + n] == '\r' ? ' ' : text[off + n];
        out[n] = '\0';
        printf("%zu %s\n", ci + 1, out);
        ret = 0;
    }
    bookmarks_close(b);
    library_free(lib);
    return ret;
}


/* ---- records made for syncing (docs/FORMATS.md, "Sync") ------------------ */

/* The device id in the folder's device file ("" when none). */
static void folder_device(const char *dir, char *out)
{
    out[0] = '\0';
    char *first = NULL;
    if (count_prefix(dir, "device-", &first) == 1) {
        char *d = get_file(first, NULL);
        if (d && strncmp(d, "quire-device 1\n", 15) == 0 && strlen(d) == 32)
            snprintf(out, 17, "%.16s", d + 15);
        free(d);
    }
    free(first);
}

/* Parse `file` and return the last position's offset of story `id` (or
 * -1), the marks of it in *letters (53 bytes). */
static long parsed_last(const char *file, const char *id, char *letters)
{
    char *err = NULL;
    struct bookmarks *b = bookmarks_parse(file, strlen(file), NULL, &err);
    free(err);
    struct bm_pos g;
    long off = b && bookmarks_get_last(b, id, &g) ? (long)g.off : -1;
    if (letters)
        bookmarks_marks(b, id, letters);
    bookmarks_close(b);
    return off;
}

static void test_sync_records(void)
{
    char *dir = scratch_dir("bm");
    char *path = xasprintf("%s/bookmarks", dir);
    time_t now = time(NULL);
    time_t t = now - 1000;

    /* The device id: made at the first save, once, and on every record. */
    struct bookmarks *a = bookmarks_open(dir, true);
    CHECK_INT("opening makes no device file", count_prefix(dir, "device-", NULL), 0);
    struct bm_pos p = mkpos("k", 0, 10, t);
    bookmarks_set_last(a, "s1", "One", &p);
    bookmarks_set_mark(a, "s1", NULL, 'a', &p);
    CHECK_INT("a save works", bookmarks_save(a), 0);
    char dev[17];
    folder_device(dir, dev);
    CHECK_INT("the first save made one device file", count_prefix(dir, "device-", NULL), 1);
    CHECK_INT("a device id is 16 hex digits", (long long)strspn(dev, "0123456789abcdef"), 16);
    char *data = get_file(path, NULL);
    char *want = xasprintf("\tctx 10\t0\t\t%s\n", dev);
    CHECK("every record carries the device id", data && strstr(data, want) &&
                                                count_lines(data) == 4);
    free(want);
    free(data);
    char again[17], other[17];
    CHECK("the id is read again, not made anew",
          statefile_device(dir, true, again, NULL) && !strcmp(again, dev));
    char *dir2 = scratch_dir("bm");
    CHECK("another state folder (another machine) has another id",
          statefile_device(dir2, true, other, NULL) && strcmp(other, dev) != 0);
    scratch_remove(dir2);
    free(dir2);

    /* Equal WHEN: the greater device id wins, in either order of lines. */
    const char *tie1 = "quire-bookmarks 1\n"
                       "last\tx\tk\t0\t1\t0\t500\tc\t1\tT\tbbbb\n"
                       "last\tx\tk\t0\t2\t0\t500\tc\t1\tT\taaaa\n";
    const char *tie2 = "quire-bookmarks 1\n"
                       "last\tx\tk\t0\t2\t0\t500\tc\t1\tT\taaaa\n"
                       "last\tx\tk\t0\t1\t0\t500\tc\t1\tT\tbbbb\n";
    CHECK("a tie of WHEN goes to the greater device id (its line first)",
          parsed_last(tie1, "x", NULL) == 1);
    CHECK("and the same when its line comes last", parsed_last(tie2, "x", NULL) == 1);
    const char *tie3 = "quire-bookmarks 1\n"
                       "last\tx\tk\t0\t2\t0\t500\tc\t1\tT\n"
                       "last\tx\tk\t0\t1\t0\t501\tc\t1\tT\taaaa\n";
    CHECK("a later WHEN beats any device", parsed_last(tie3, "x", NULL) == 1);

    /* Tombstones: a deleted mark is remembered with its time. */
    struct bookmarks *b = bookmarks_open(dir, true);   /* another process: holds 'a' */
    CHECK("no mark 'z' to delete", !bookmarks_delete_mark(a, "s1", 'z', 0));
    CHECK("deleting mark 'a'", bookmarks_delete_mark(a, "s1", 'a', t + 10));
    struct bm_pos g;
    CHECK("a deleted mark is gone at once", !bookmarks_get_mark(a, "s1", 'a', &g));
    char letters[53];
    bookmarks_marks(a, "s1", letters);
    CHECK_STR("and not listed", letters, "");
    CHECK_INT("the deletion is saved", bookmarks_save(a), 0);
    data = get_file(path, NULL);
    want = xasprintf("unmark\ts1\ta\t%lld\t%s\n", (long long)(t + 10), dev);
    CHECK("the file holds the tombstone, not the mark",
          data && strstr(data, want) && !strstr(data, "mark\ts1\ta\tk"));
    free(want);
    free(data);
    p = mkpos("k", 0, 20, t + 5);
    bookmarks_set_last(b, "s2", "Two", &p);
    bookmarks_save(b);   /* b still has mark 'a' (older) in memory */
    CHECK("a process that still had the mark does not bring it back",
          !bookmarks_get_mark(b, "s1", 'a', &g));
    p = mkpos("k", 0, 30, t + 5);
    bookmarks_set_mark(b, "s1", NULL, 'a', &p);
    bookmarks_save(b);
    CHECK("a mark set before the deletion (a slow machine) loses to it",
          !bookmarks_get_mark(b, "s1", 'a', &g));
    p = mkpos("k", 0, 40, t + 20);
    bookmarks_set_mark(b, "s1", NULL, 'a', &p);
    bookmarks_save(b);
    bookmarks_close(b);
    b = bookmarks_open(dir, true);
    CHECK("a mark set after the deletion wins over it",
          bookmarks_get_mark(b, "s1", 'a', &g) && g.off == 40);
    bookmarks_close(b);
    bookmarks_close(a);

    /* In files: tombstone against mark, both orders; a full tie deletes. */
    char *f1 = xasprintf("quire-bookmarks 1\n"
                         "unmark\tx\tb\t%lld\taaaa\n"
                         "mark\tx\tb\tk\t0\t7\t0\t%lld\tc\n"
                         "last\tx\tk\t0\t1\t0\t%lld\tc\n",
                         (long long)t, (long long)(t - 1), (long long)t);
    parsed_last(f1, "x", letters);
    CHECK_STR("a tombstone beats an older mark", letters, "");
    free(f1);
    f1 = xasprintf("quire-bookmarks 1\n"
                   "mark\tx\tb\tk\t0\t7\t0\t%lld\tc\n"
                   "unmark\tx\tb\t%lld\n",
                   (long long)(t + 1), (long long)t);
    parsed_last(f1, "x", letters);
    CHECK_STR("a newer mark beats a tombstone", letters, "b");
    free(f1);
    f1 = xasprintf("quire-bookmarks 1\n"
                   "unmark\tx\tb\t%lld\tdd\n"
                   "mark\tx\tb\tk\t0\t7\t0\t%lld\tc\t0\t\tdd\n",
                   (long long)t, (long long)t);
    parsed_last(f1, "x", letters);
    CHECK_STR("a full tie: the later line (the mark) counts", letters, "b");

    /* Old tombstones are dropped when the file is written. */
    char *f2 = xasprintf("quire-bookmarks 1\n"
                         "last\tx\tk\t0\t1\t0\t%lld\tc\n"
                         "unmark\tx\tc\t%lld\n"
                         "unmark\tx\td\t%lld\n",
                         (long long)t, (long long)(now - 401 * 86400LL),
                         (long long)(now - 300 * 86400LL));
    char *err = NULL;
    struct bookmarks *pb = bookmarks_parse(f2, strlen(f2), NULL, &err);
    size_t len;
    data = bookmarks_format(pb, &len);
    CHECK("a tombstone older than 400 days is dropped; a younger one kept",
          data && !strstr(data, "unmark\tx\tc") && strstr(data, "unmark\tx\td"));
    free(data);
    bookmarks_close(pb);
    free(f2);
    free(f1);

    /* Clock skew: a WHEN more than a day ahead of this clock counts as now. */
    f2 = xasprintf("quire-bookmarks 1\n"
                   "story\tx\t%lld\tFuture\n"
                   "last\tx\tk\t0\t1\t0\t%lld\tc\n"
                   "mark\tx\ta\tk\t0\t1\t0\t%lld\tc\n",
                   (long long)(now + 400 * 86400LL), (long long)(now + 400 * 86400LL),
                   (long long)(now + 3600));
    put_file(path, f2, strlen(f2));
    free(f2);
    a = bookmarks_open(dir, true);
    CHECK("a WHEN a year ahead is read as the time it was read",
          bookmarks_get_last(a, "x", &g) && g.when >= now && g.when <= time(NULL));
    CHECK("a WHEN an hour ahead is believed",
          bookmarks_get_mark(a, "x", 'a', &g) && g.when == now + 3600);
    p = mkpos("k", 0, 99, time(NULL) + 1);
    bookmarks_set_last(a, "x", NULL, &p);
    bookmarks_save(a);
    bookmarks_close(a);
    a = bookmarks_open(dir, true);
    CHECK("so a position read later here wins over it",
          bookmarks_get_last(a, "x", &g) && g.off == 99);
    bookmarks_close(a);
    CHECK("the clamp is off when this clock is before the floor (itself wrong)",
          statefile_clamp_when(STATEFILE_CLOCK_FLOOR + 100 * 86400, STATEFILE_CLOCK_FLOOR - 1) ==
          STATEFILE_CLOCK_FLOOR + 100 * 86400);

    /* Lines git writes around a conflict are dropped; both sides read. */
    const char *git = "quire-bookmarks 1\n"
                      "<<<<<<< HEAD\n"
                      "last\tx\tk\t0\t1\t0\t500\tc\n"
                      "||||||| merged common ancestors\n"
                      "last\tx\tk\t0\t0\t0\t400\tc\n"
                      "=======\n"
                      "last\tx\tk\t0\t2\t0\t600\tc\n"
                      ">>>>>>> other\n";
    pb = bookmarks_parse(git, strlen(git), NULL, &err);
    data = bookmarks_format(pb, &len);
    CHECK("git's conflict markers are dropped, the newer record counts",
          parsed_last(git, "x", NULL) == 2 && data && !strstr(data, "<<<") && !strstr(data, "==="));
    free(data);
    bookmarks_close(pb);
    free(err);
    free(path);
    scratch_remove(dir);
    free(dir);
}

/* The same chapter as its own file (ending with its line end) and inside a
 * file with the next chapter (ending without one): a place at its last
 * words, saved on one machine, opens at them on the other. */
static void test_context_at_end(void)
{
    const char *own[] = {"Chapter 1: One\n\nIt began.\n",
                         "Chapter 2: Two\n\nThe clocks stopped at a quarter past nine.\n"};
    const char *joined[] = {"Chapter 1: One\n\nIt began.\n\n",
                            "Chapter 2: Two\n\nThe clocks stopped at a quarter past nine.",
                            "\n\nChapter 3: Three\n\nMore.\n"};
    struct tstory a, b;
    tbuild(&a, "Clocks", "a/ch.txt", own, 2);
    tbuild(&b, "Clocks", "b/all.md", joined, 3);
    struct bm_pos p;
    bookmarks_make_pos(&a.s, 1, at(&a, "a quarter"), &p);
    p.off += 7;   /* the chapter starts elsewhere in the other file */
    size_t ci, off;
    CHECK("a context ending at its chapter's end is found where the chapter ends sooner",
          bookmarks_resolve(&b.s, &p, &ci, &off) && ci == 1 && off == at(&b, "a quarter"));
    p.off = 10000;   /* past the chapter's end there: searched from the end back */
    CHECK("an offset past the chapter's end is found by its context from the end",
          bookmarks_resolve(&b.s, &p, &ci, &off) && ci == 1 && off == at(&b, "a quarter"));
    tstory_free(&a);
    tstory_free(&b);
}

/* ---- conflict copies and --merge-state (state_sync.c) ---------------------- */

static void test_conflict_copies(void)
{
    char *dir = scratch_dir("bm");
    char *path = xasprintf("%s/bookmarks", dir);
    long long t = (long long)time(NULL) - 5000;
    char *mine = xasprintf("quire-bookmarks 1\n"
                           "story\ts\t%lld\tShared\tdddd\n"
                           "last\ts\tk\t0\t10\t1\t%lld\tc\t3\tOne\tdddd\n"
                           "mark\ts\ta\tk\t0\t11\t1\t%lld\tc\t3\tOne\tdddd\n"
                           "mark\ts\tb\tk\t0\t12\t1\t%lld\tc\t3\tOne\tdddd\n",
                           t, t, t, t);
    put_file(path, mine, strlen(mine));
    /* Syncthing's name since v0.14: the other machine's file. */
    char *theirs = xasprintf("quire-bookmarks 1\n"
                             "last\ts\tk\t0\t20\t2\t%lld\tc\t3\tOne\teeee\n"
                             "unmark\ts\ta\t%lld\teeee\n"
                             "mark\ts\tc\tk\t0\t13\t1\t%lld\tc\t3\tOne\teeee\n"
                             "last\ts2\tk\t0\t5\t1\t%lld\tc\n",
                             t + 5, t + 1, t + 2, t);
    char *c1 = xasprintf("%s/bookmarks.sync-conflict-20261203-101500-ABCDEFG", dir);
    put_file(c1, theirs, strlen(theirs));
    /* The older name, without a device: an older position, an unknown line. */
    char *older = xasprintf("quire-bookmarks 1\n"
                            "last\ts\tk\t0\t15\t2\t%lld\tc\n"
                            "shelf\ts\tFavourites\n", t + 3);
    char *c2 = xasprintf("%s/bookmarks.sync-conflict-20261203-101600", dir);
    put_file(c2, older, strlen(older));
    char *c3 = xasprintf("%s/bookmarks.sync-conflict-20261203-101700-XYZ", dir);
    put_file(c3, "garbage\n", 8);
    char *c4 = xasprintf("%s/bookmarks.sync-conflict-20261203-101800-BAD", dir);
    const char *half = "quire-bookmarks 1\nlast\ts3\tk\t0\t7\t1\t100\tc\nlast\tbroken\n";
    put_file(c4, half, strlen(half));
    char *other = xasprintf("%s/bookmarks.sync-conflict-notastamp", dir);
    put_file(other, "x", 1);
    CHECK("Syncthing's names are conflict copies",
          statefile_is_conflict("bookmarks.sync-conflict-20261203-101500-ABCDEFG", "bookmarks") &&
          statefile_is_conflict("bookmarks.sync-conflict-20261203-101500", "bookmarks") &&
          !statefile_is_conflict("bookmarks.sync-conflict-2026120-101500", "bookmarks") &&
          !statefile_is_conflict("bookmarks.sync-conflict-20261203-101500-", "bookmarks") &&
          !statefile_is_conflict("bookmarks.sync-conflict-20261203-101500-A/B", "bookmarks") &&
          !statefile_is_conflict("search-history.sync-conflict-20261203-101500", "bookmarks"));

    char **notes = NULL;
    size_t n_notes = 0, cap_notes = 0;
    struct diag_sink sink = diag_list(&notes, &n_notes, &cap_notes);
    size_t merged = state_sync_copies(dir, &sink);
    CHECK_INT("two copies merged whole and one in part", (long long)merged, 3);
    struct bookmarks *b = bookmarks_open(dir, true);
    struct bm_pos g;
    char letters[53];
    bookmarks_marks(b, "s", letters);
    CHECK("the newest position wins (the other machine's)",
          bookmarks_get_last(b, "s", &g) && g.off == 20);
    CHECK_STR("marks of both are kept; the deleted one stays deleted", letters, "bc");
    CHECK("stories only a copy had are there",
          bookmarks_get_last(b, "s2", &g) && bookmarks_get_last(b, "s3", &g) && g.off == 7);
    bookmarks_close(b);
    char *data = get_file(path, NULL);
    CHECK("lines of unknown kinds from a copy are kept",
          data && strstr(data, "\nshelf\ts\tFavourites\n"));
    CHECK("the title and its device survive", data && strstr(data, "\tShared\tdddd\n"));
    free(data);
    struct stat st;
    CHECK("merged copies are removed", stat(c1, &st) != 0 && stat(c2, &st) != 0);
    CHECK("copies that could not be read whole are not lost but kept aside",
          stat(c3, &st) != 0 && stat(c4, &st) != 0 &&
          count_prefix(dir, "bookmarks.bad-", NULL) == 2);
    CHECK("a name that is no conflict copy is left alone", stat(other, &st) == 0);
    CHECK_INT("one warning for each copy kept aside", (long long)n_notes, 2);
    for (size_t i = 0; i < n_notes; i++)
        free(notes[i]);
    n_notes = 0;

    /* The copy goes only after the merged file is written. */
    put_file(c1, theirs, strlen(theirs));
    char *blocked = xasprintf("%s/bookmarks.tmp.%ld", dir, (long)getpid());
    mkdir(blocked, 0700);   /* write_file_atomic's temporary name: cannot be made */
    const char *newer = "quire-bookmarks 1\nlast\tz\tk\t0\t1\t1\t100\tc\n";
    put_file(c1, newer, strlen(newer));
    data = get_file(path, NULL);
    merged = state_sync_copies(dir, &sink);
    char *after = get_file(path, NULL);
    CHECK("when the merged file cannot be written nothing is merged",
          merged == 0 && data && after && strcmp(data, after) == 0);
    CHECK("and the copy stays", stat(c1, &st) == 0);
    CHECK_INT("with a warning", (long long)n_notes, 1);
    rmdir(blocked);
    merged = state_sync_copies(dir, &sink);
    b = bookmarks_open(dir, true);
    CHECK("the next start merges it", merged == 1 && stat(c1, &st) != 0 &&
                                      bookmarks_get_last(b, "z", &g));
    bookmarks_close(b);
    free(after);
    free(data);
    free(blocked);

    /* The bookmarks a symbolic link into a synced folder: the copies lie
     * beside the file it names, and are merged there. */
    char *synced = scratch_dir("bm");
    char *real_bm = xasprintf("%s/bookmarks", synced);
    const char *r1 = "quire-bookmarks 1\nlast\tlinked\tk\t0\t1\t1\t100\tc\n";
    put_file(real_bm, r1, strlen(r1));
    char *linkdir = scratch_dir("bm");
    char *link_bm = xasprintf("%s/bookmarks", linkdir);
    CHECK("a link to the synced file", symlink(real_bm, link_bm) == 0);
    char *lc = xasprintf("%s/bookmarks.sync-conflict-20261203-101500-ABCDEFG", synced);
    const char *r2 = "quire-bookmarks 1\nlast\tfar\tk\t0\t2\t1\t100\tc\n";
    put_file(lc, r2, strlen(r2));
    merged = state_sync_copies(linkdir, &sink);
    b = bookmarks_open(linkdir, true);
    CHECK("a copy beside the file a link names is merged into it",
          merged == 1 && bookmarks_get_last(b, "far", &g) && bookmarks_get_last(b, "linked", &g) &&
          stat(lc, &st) != 0);
    struct stat lst;
    CHECK("and the link stays a link", lstat(link_bm, &lst) == 0 && S_ISLNK(lst.st_mode));
    bookmarks_close(b);
    scratch_remove(linkdir);
    scratch_remove(synced);
    free(lc);
    free(link_bm);
    free(linkdir);
    free(real_bm);
    free(synced);

    /* Ties across machines: the greater device id, whichever file is ours. */
    const char *lo = "quire-bookmarks 1\nlast\tx\tk\t0\t1\t0\t500\tc\t1\tT\taaaa\n";
    const char *hi = "quire-bookmarks 1\nlast\tx\tk\t0\t2\t0\t500\tc\t1\tT\tbbbb\n";
    struct statefile_check ca, cb;
    size_t len;
    char *m1 = bookmarks_merge_files(lo, strlen(lo), hi, strlen(hi), &len, &ca, &cb);
    char *m2 = bookmarks_merge_files(hi, strlen(hi), lo, strlen(lo), &len, &ca, &cb);
    CHECK("both machines pick the same record on a tie of WHEN",
          m1 && m2 && !strcmp(m1, m2) && strstr(m1, "\t2\t0.00\t500\t"));
    free(m1);
    free(m2);

    /* The search history: lines of both, each once. */
    char *hist = xasprintf("%s/search-history", dir);
    put_file(hist, "alpha\nbeta\n", 11);
    char *hc = xasprintf("%s/search-history.sync-conflict-20261203-101500-ABCDEFG", dir);
    put_file(hc, "beta\ngamma\n", 11);
    merged = state_sync_copies(dir, &sink);
    data = get_file(hist, NULL);
    CHECK_STR("the search history merges line by line", data, "alpha\nbeta\ngamma\n");
    CHECK("and its copy is gone", merged == 1 && stat(hc, &st) != 0);
    free(data);

    /* --merge-state: by kind, into the folder or into a file; the files given stay. */
    char *given = xasprintf("%s/from-laptop", dir);
    const char *lap = "quire-bookmarks 1\nlast\tlap\tk\t0\t3\t1\t100\tc\n";
    put_file(given, lap, strlen(lap));
    char *given_h = xasprintf("%s/search-history.orig", dir);
    put_file(given_h, "delta\n", 6);
    char *junk = xasprintf("%s/notes.txt", dir);
    put_file(junk, "hello\n", 6);
    char *files[] = {given, given_h};
    int rc = state_sync_merge(dir, NULL, files, 2, &sink);
    b = bookmarks_open(dir, true);
    data = get_file(hist, NULL);
    CHECK("--merge-state merges each file into its kind's file",
          rc == 0 && bookmarks_get_last(b, "lap", &g) && bookmarks_get_last(b, "s", &g) && data &&
          strstr(data, "\ndelta\n"));
    CHECK("and leaves the files given", stat(given, &st) == 0 && stat(given_h, &st) == 0);
    bookmarks_close(b);
    free(data);
    size_t before = n_notes;
    char *bad[] = {junk, given};
    rc = state_sync_merge(dir, NULL, bad, 2, &sink);
    CHECK("a file of no kind is an error of one line; the others are merged",
          rc == 1 && n_notes == before + 1 && strstr(notes[before], "notes.txt: not a quire state file"));
    char *into = xasprintf("%s/git-ours", dir);
    const char *ours = "quire-bookmarks 1\nlast\tours\tk\t0\t4\t1\t100\tc\n";
    put_file(into, ours, strlen(ours));
    char *one[] = {given};
    rc = state_sync_merge(dir, into, one, 1, &sink);
    data = get_file(into, NULL);
    CHECK("--into merges into that file (git's %A)",
          rc == 0 && data && strstr(data, "last\tours\t") && strstr(data, "last\tlap\t"));
    free(data);
    char *hone[] = {given_h};
    rc = state_sync_merge(dir, into, hone, 1, &sink);
    CHECK("a file of another kind is not merged into it", rc == 1);

    for (size_t i = 0; i < n_notes; i++)
        free(notes[i]);
    free(notes);
    char *frees[] = {into, junk, given_h, given, hc, hist, other, c4, c3, c2, c1, older, theirs,
                     mine, path};
    for (size_t i = 0; i < sizeof frees / sizeof *frees; i++)
        free(frees[i]);
    scratch_remove(dir);
    free(dir);
}

int main(int argc, char **argv)
{
    if (argc >= 2) {
        if (!strcmp(argv[1], "hammer") && argc == 6)
            return mode_hammer(argv[2], atoi(argv[3]), atoi(argv[4]), atof(argv[5]));
        if (!strcmp(argv[1], "killloop") && argc == 4)
            return mode_killloop(argv[2], atoi(argv[3]));
        if (!strcmp(argv[1], "saver") && argc == 6)
            return mode_saver(argv[2], argv[3], atoi(argv[4]), atof(argv[5]));
        if (!strcmp(argv[1], "check") && argc == 3)
            return file_stories(argv[2]) >= 0 ? 0 : 1;
        if (!strcmp(argv[1], "setpos") && argc == 7)
            return mode_setpos(argv[2], argv[3], argv[4], 0, atoi(argv[5]), argv[6]);
        if (!strcmp(argv[1], "setmark") && argc == 8)
            return mode_setpos(argv[2], argv[3], argv[4], argv[5][0], atoi(argv[6]), argv[7]);
        if (!strcmp(argv[1], "delmark") && argc == 6)
            return mode_delmark(argv[2], argv[3], argv[4], argv[5][0]);
        if (!strcmp(argv[1], "where") && argc == 5)
            return mode_where(argv[2], argv[3], argv[4], 0);
        if (!strcmp(argv[1], "wheremark") && argc == 6)
            return mode_where(argv[2], argv[3], argv[4], argv[5][0]);
        if (!strcmp(argv[1], "last") && argc == 4)
            return mode_last(argv[2], argv[3]);
        fprintf(stderr, "usage: %s [hammer DIR N SAVES SECS | killloop DIR N | saver DIR ID N SECS | "
                        "check FILE | last DIR ID | setpos LIB DIR TITLE N TEXT | setmark LIB DIR TITLE L N TEXT | "
                        "delmark LIB DIR TITLE L | where LIB DIR TITLE | wheremark LIB DIR TITLE L]\n", argv[0]);
        return 2;
    }
    setenv("TZ", "UTC", 1);
    tzset();
    test_round_trip();
    test_forward_compatible();
    test_corrupt();
    test_kept_twice();
    test_newer_version();
    test_merge();
    test_sync_records();
    test_conflict_copies();
    test_context_at_end();
    test_unwritable();
    test_symlink();
    test_positions();
    test_identity();
    test_adopt();
    test_reanchor();
    test_print();
    free(cap_path);
    return check_summary();
}
