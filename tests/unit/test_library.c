/* test_library.c — folders of files into stories: grouping, order,
 * editions, identity, lookups, percentages, printing. */
#include "check.h"
#include "bookmarks.h"
#include "cache.h"
#include "library.h"
#include "norm.h"
#include "scan.h"
#include "watch.h"
#include "output.h"
#include "loader.h"
#include "util.h"
#include "scratch.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static const char *const vocab[] = {
    "river", "lantern", "whisper", "stone", "harbour", "velvet", "morning", "thistle",
    "copper", "shadow", "garden", "anchor", "meadow", "silver", "window", "thunder",
    "candle", "orchard", "paper", "violet", "bridge", "winter", "feather", "marble",
    "kettle", "signal", "hollow", "ember", "cradle", "pebble", "quiet", "lattice",
    "saddle", "tunnel", "beacon", "willow", "ribbon", "cellar", "falcon", "gravel",
    "the", "a", "and", "of", "she", "he", "was", "into", "under", "beside", "never",
    "slowly", "again", "every", "other", "small", "bright", "cold", "old", "green",
};

/* A paragraph-rich text of `words` words, different for every seed, with
 * curly quotes every so often when `curly`, straight ones otherwise. */
static char *prose(unsigned seed, size_t words, bool curly)
{
    struct buf b = {0};
    unsigned x = seed * 2654435761u + 12345u;
    for (size_t i = 0; i < words; i++) {
        x = x * 1103515245u + 12345u;
        const char *w = vocab[(x >> 16) % (sizeof vocab / sizeof *vocab)];
        if (i % 17 == 3)
            buf_adds(&b, curly ? "\xe2\x80\x9c" : "\"");
        buf_adds(&b, w);
        if (i % 17 == 6)
            buf_adds(&b, curly ? "\xe2\x80\x9d" : "\"");
        if (i % 40 == 39)
            buf_adds(&b, ".\n\n");
        else if (i % 11 == 10)
            buf_adds(&b, ". ");
        else
            buf_addc(&b, ' ');
    }
    buf_adds(&b, "\n");
    return b.data;
}

static void put_bytes(const char *dir, const char *rel, const void *content, size_t len)
{
    free(scratch_put(dir, rel, content, len));
}

static void put(const char *dir, const char *rel, const char *content)
{
    put_bytes(dir, rel, content, strlen(content));
}

/* put, the file made an hour old: the index cache keeps only files not
 * just changed. */
static void put_aged(const char *dir, const char *rel, const char *content)
{
    put(dir, rel, content);
    char *path = xasprintf("%s/%s", dir, rel);
    struct timeval tv[2];
    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec -= 3600;
    tv[1] = tv[0];
    utimes(path, tv);
    free(path);
}

/* A chapter file: "TITLE by AUTHOR", "Chapter N", prose. */
static void put_chapter(const char *dir, const char *rel, const char *story, int n, unsigned seed)
{
    char *body = prose(seed, 300, true);
    char *text = story ? xasprintf("%s\n\nChapter %d\n\n%s", story, n, body)
                       : xasprintf("Chapter %d\n\n%s", n, body);
    put(dir, rel, text);
    free(text);
    free(body);
}

static char *tempdir(void)
{
    char *d = xstrdup("/tmp/quire-lib-XXXXXX");
    if (!mkdtemp(d)) {
        perror("mkdtemp");
        exit(1);
    }
    return d;
}

static void rmtree(const char *d)
{
    char *cmd = xasprintf("chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", d, d);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup of %s failed\n", d);
    free(cmd);
}

static const struct skipped *find_skipped(const struct library *lib, const char *rel)
{
    for (size_t i = 0; i < lib->n_skipped; i++)
        if (strcmp(lib->skipped[i].relpath, rel) == 0)
            return &lib->skipped[i];
    return NULL;
}

/* Print to a string. */
static char *printed(const struct library *lib, bool tsv)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    output_list(lib, NULL, f, tsv, false);
    fclose(f);
    return s;
}

static void test_errors(void)
{
    char *err = NULL;
    CHECK("a missing library is an error", library_open("/nonexistent/quire-lib", &err) == NULL);
    CHECK_STR("which says PATH: WHY", err, "/nonexistent/quire-lib: No such file or directory");
    free(err);
    library_free(NULL);
}

static void test_grouping_and_order(void)
{
    char *d = tempdir();
    /* announced story across two folders; names disagree with numbers */
    put_chapter(d, "one/a.txt", "Lantern Road by Mara Quill", 3, 1);
    put_chapter(d, "two/b.txt", "Lantern  road by Mara  Quill", 1, 2);
    put_chapter(d, "one/c.txt", "Lantern Road by Mara Quill", 2, 3);
    /* story.ini with natural order */
    put(d, "nat/story.ini",
        "title = Natural\nauthor = N. Atural\nseries = Nature Walks\nseries_index = two\n");
    char *p = prose(10, 200, false);
    put(d, "nat/ch10.txt", p);
    free(p);
    p = prose(11, 200, false);
    put(d, "nat/ch2.txt", p);
    free(p);
    p = prose(12, 200, false);
    put(d, "nat/ch1.txt", p);
    free(p);
    /* story.ini with order */
    put(d, "ord/story.ini", "title = Ordered\norder = zeta.txt alpha.txt\nbogus line\n"
                            "series_index = two\n");
    p = prose(20, 200, false);
    put(d, "ord/alpha.txt", p);
    free(p);
    p = prose(21, 200, false);
    put(d, "ord/zeta.txt", p);
    free(p);
    /* no title: named after the file */
    p = prose(30, 200, false);
    put(d, "loose/Some Notes.txt", p);
    free(p);

    char *err = NULL;
    struct library *lib = library_open(d, &err);
    CHECK("opens", lib != NULL);
    if (!lib)
        goto out;
    CHECK_INT("four stories", lib->n_stories, 4);
    bool amb;
    struct story *s = library_find(lib, "lantern road", &amb);
    CHECK("same title and author, case and spacing aside, are one story", s && s->n_ch == 3);
    if (s && s->n_ch == 3) {
        CHECK_STR("ordered by the numbers in the text (1)", s->ch[0].ed[0].relpath, "two/b.txt");
        CHECK_STR("ordered by the numbers in the text (2)", s->ch[1].ed[0].relpath, "one/c.txt");
        CHECK_STR("ordered by the numbers in the text (3)", s->ch[2].ed[0].relpath, "one/a.txt");
        CHECK_STR("author kept", s->author, "Mara Quill");
        CHECK("words counted", s->ch[0].words >= 290 && s->ch[0].words <= 310);
        CHECK("bases add up", s->ch[1].base == s->ch[0].ed[0].end - s->ch[0].ed[0].start);
    }
    s = library_find(lib, "Natural", &amb);
    CHECK("story.ini names the folder's story", s && s->n_ch == 3);
    if (s && s->n_ch == 3) {
        CHECK_STR("natural order: ch1", s->ch[0].ed[0].relpath, "nat/ch1.txt");
        CHECK_STR("natural order: ch2", s->ch[1].ed[0].relpath, "nat/ch2.txt");
        CHECK_STR("natural order: ch10", s->ch[2].ed[0].relpath, "nat/ch10.txt");
        CHECK_STR("untitled chapters are numbered by position", s->ch[2].title, "Chapter 3");
        CHECK_STR("author from story.ini", s->author, "N. Atural");
        CHECK_STR("dir is the story.ini folder", s->dir, "nat");
        CHECK_STR("series from story.ini", s->meta.series, "Nature Walks");
        CHECK("a series_index that is no number is no part", s->meta.series_index == 0);
    }
    s = library_find(lib, "ordered", &amb);
    CHECK("story.ini order", s && s->n_ch == 2 && strcmp(s->ch[0].ed[0].relpath, "ord/zeta.txt") == 0);
    CHECK_STR("no author: empty", s ? s->author : NULL, "");
    bool noted = false;
    for (size_t i = 0; i < lib->n_notes; i++)
        noted |= strstr(lib->notes[i], "ord/story.ini:3") != NULL;
    CHECK("a bad story.ini line is a note with its line number", noted);
    noted = false;
    for (size_t i = 0; i < lib->n_notes; i++)
        noted |= strstr(lib->notes[i], "nat/story.ini:4: series_index 'two'") != NULL;
    CHECK("a series_index that is no number is a note", noted);
    CHECK("a story.ini without series names none", s && !s->meta.series && !s->meta.series_index);
    s = library_find(lib, "some notes", &amb);
    CHECK("a title-less file is named after its file", s && strcmp(s->title, "Some Notes") == 0);

    /* display order: by title */
    for (size_t i = 1; i < lib->n_stories; i++)
        CHECK("stories sorted by title", natcmp(lib->stories[i - 1].title, lib->stories[i].title) <= 0);

    /* lookups */
    CHECK("prefix finds", library_find(lib, "Lan", &amb) != NULL && !amb);
    CHECK("no match", library_find(lib, "zzz", &amb) == NULL && !amb);
    s = library_find(lib, "road", &amb);
    CHECK("a later word of the title finds", s && strcmp(s->title, "Lantern Road") == 0);
    s = library_find(lib, "n", &amb);
    CHECK("a title prefix beats a later word (Natural over Some Notes)",
          s && strcmp(s->title, "Natural") == 0 && !amb);
    CHECK("the middle of a word does not match", library_find(lib, "otes", &amb) == NULL);
    s = &lib->stories[0];
    CHECK("find by id", library_find_id(lib, s->id) == s);
    CHECK("unknown id", library_find_id(lib, "0000000000000000") == NULL);

    /* TSV */
    char *tsv = printed(lib, true);
    CHECK("tsv line for an ordered chapter",
          tsv && strstr(tsv, "\tOrdered\t\t1\tChapter 1\t200\tord/zeta.txt\n") != NULL);
    CHECK("tsv: story numbers from 1", tsv && strncmp(tsv, "1\t", 2) == 0);
    free(tsv);
    char *human = printed(lib, false);
    CHECK("human form names the author", human && strstr(human, "by Mara Quill") != NULL);
    free(human);
    library_free(lib);
out:
    free(err);
    rmtree(d);
    free(d);
}

/* Chapter numbers that restart per book cannot order files across books. */
static void test_restarting_numbers(void)
{
    char *d = tempdir();
    put_chapter(d, "book1/ch1.txt", "Two Books by Bo", 1, 100);
    put_chapter(d, "book1/ch2.txt", "Two Books by Bo", 2, 101);
    put_chapter(d, "book2/ch1.txt", "Two Books by Bo", 1, 102);
    put_chapter(d, "book2/ch2.txt", "Two Books by Bo", 2, 103);
    char *t = xasprintf("Two Books by Bo\n\nPrologue\n\n%s", "It began before the first book. "
                        "Nobody remembered how, but everybody remembered the river.\n");
    put(d, "zz-prologue.txt", t);
    free(t);
    struct library *lib = library_open(d, NULL);
    struct story *s = lib && lib->n_stories == 1 ? &lib->stories[0] : NULL;
    CHECK("one story of five chapters", s && s->n_ch == 5);
    if (s && s->n_ch == 5) {
        CHECK_STR("a prologue comes first, whatever its name", s->ch[0].ed[0].relpath, "zz-prologue.txt");
        CHECK_STR("then book 1 chapter 1", s->ch[1].ed[0].relpath, "book1/ch1.txt");
        CHECK_STR("book 1 chapter 2", s->ch[2].ed[0].relpath, "book1/ch2.txt");
        CHECK_STR("book 2 chapter 1", s->ch[3].ed[0].relpath, "book2/ch1.txt");
        CHECK_STR("book 2 chapter 2", s->ch[4].ed[0].relpath, "book2/ch2.txt");
    }
    library_free(lib);
    rmtree(d);
    free(d);
}

/* A file announcing a title but no author joins the one story with that
 * title; title-only files with one title form one story. */
static void test_title_only(void)
{
    char *d = tempdir();
    put_chapter(d, "a.txt", "Lantern Road by Mara Quill", 1, 110);
    put_chapter(d, "b.txt", "Lantern Road", 2, 111);
    put_chapter(d, "c.txt", "Solo Title", 2, 112);
    put_chapter(d, "d.txt", "Solo Title", 1, 113);
    put_chapter(d, "e.txt", "Twice Told by One", 1, 114);
    put_chapter(d, "f.txt", "Twice Told by Another", 1, 115);
    put_chapter(d, "g.txt", "Twice Told", 2, 116);
    struct library *lib = library_open(d, NULL);
    bool amb;
    struct story *s = lib ? library_find(lib, "Lantern Road", &amb) : NULL;
    CHECK("title-only file joins the story with that title", s && s->n_ch == 2);
    CHECK_STR("which keeps its author", s ? s->author : NULL, "Mara Quill");
    s = lib ? library_find(lib, "Solo Title", &amb) : NULL;
    CHECK("title-only files with one title are one story", s && s->n_ch == 2);
    CHECK_STR("ordered by their numbers", s && s->n_ch == 2 ? s->ch[0].ed[0].relpath : NULL, "d.txt");
    CHECK_INT("a title two authors share: three stories", lib ? lib->n_stories : 0, 5);
    library_free(lib);
    rmtree(d);
    free(d);
}

static void test_ambiguous(void)
{
    char *d = tempdir();
    put_chapter(d, "a.txt", "Storm Front by A", 1, 40);
    put_chapter(d, "b.txt", "Storm Warning by B", 1, 41);
    put_chapter(d, "c.txt", "Storm by C", 1, 42);
    struct library *lib = library_open(d, NULL);
    bool amb = false;
    CHECK("ambiguous prefix finds nothing", lib && library_find(lib, "sto", &amb) == NULL);
    CHECK("and says it is ambiguous", amb);
    struct story *s = lib ? library_find(lib, " STORM ", &amb) : NULL;
    CHECK("an exact title wins over prefixes", s && strcmp(s->title, "Storm") == 0);
    /* library_find_all: the candidates (for --list NAME and the message) */
    bool match[3] = {false, false, false}, exact = true;
    size_t n = lib && lib->n_stories == 3 ? library_find_all(lib, "sto", match, &exact) : 0;
    CHECK("find_all: every story an ambiguous prefix matches", n == 3 && match[0] && match[1] &&
                                                                 match[2] && !exact);
    n = lib && lib->n_stories == 3 ? library_find_all(lib, "storm w", match, &exact) : 0;
    CHECK("find_all: a unique prefix, one story", n == 1 && !exact && match[2] && !match[0] && !match[1]);
    n = lib && lib->n_stories == 3 ? library_find_all(lib, "storm", match, &exact) : 0;
    CHECK("find_all: an exact title, that story alone", n == 1 && exact && match[0] &&
                                                          strcmp(lib->stories[0].title, "Storm") == 0);
    n = lib && lib->n_stories == 3 ? library_find_all(lib, "nothing", match, &exact) : 9;
    CHECK("find_all: no match, none marked", n == 0 && !match[0] && !match[1] && !match[2]);
    library_free(lib);
    rmtree(d);
    free(d);
}

static void test_editions(void)
{
    char *d = tempdir();
    char *rich = prose(50, 400, true);
    char *plain = prose(50, 400, false);
    /* the plain one also lost markup and spacing */
    struct buf pb = {0};
    for (const char *s = plain; *s; s++) {
        if (s[0] == '.' && s[1] == ' ')
            buf_adds(&pb, ". ");
        buf_addc(&pb, *s);
    }
    char *t = xasprintf("Twin by Ivy\n\nChapter 1\n\n%s\n* * *\n\n%s", rich, rich);
    put(d, "rich.txt", t);
    free(t);
    t = xasprintf("Twin by Ivy\n\nChapter 1\n\n%s\n\n%s", pb.data, pb.data);
    put(d, "plain.txt", t);
    free(t);
    put_chapter(d, "two.txt", "Twin by Ivy", 2, 51);
    /* a loose copy of chapter 2: no title, straight quotes */
    char *c2 = prose(51, 300, false);
    t = xasprintf("Chapter 2\n\n%s", c2);
    put(d, "zz copy.txt", t);
    free(t);
    free(c2);

    struct library *lib = library_open(d, NULL);
    CHECK("editions: one story", lib && lib->n_stories == 1);
    if (lib && lib->n_stories == 1) {
        struct story *s = &lib->stories[0];
        CHECK_INT("two chapters", s->n_ch, 2);
        if (s->n_ch == 2) {
            CHECK_INT("chapter 1 has two editions", s->ch[0].n_ed, 2);
            CHECK_STR("the richer edition is preferred", s->ch[0].ed[0].relpath, "rich.txt");
            CHECK("richness ranks it", s->ch[0].ed[0].richness > s->ch[0].ed[1].richness);
            CHECK_INT("the loose copy joined chapter 2", s->ch[1].n_ed, 2);
            CHECK_STR("as its second edition", s->ch[1].n_ed == 2 ? s->ch[1].ed[1].relpath : "",
                      "zz copy.txt");
        }
        char *tsv = printed(lib, true);
        CHECK("tsv lists both files, preferred first",
              tsv && strstr(tsv, "\trich.txt;plain.txt\n") != NULL);
        free(tsv);
    }
    /* each edition alone gives the same chapter key */
    char *rp = xasprintf("%s/rich.txt", d), *pp = xasprintf("%s/plain.txt", d);
    struct library *a = library_open(rp, NULL), *b = library_open(pp, NULL);
    CHECK("single files open", a && b && a->n_stories == 1 && b->n_stories == 1);
    if (a && b && a->n_stories == 1 && b->n_stories == 1 && lib && lib->n_stories == 1) {
        CHECK_STR("edition-independent chapter key", a->stories[0].ch[0].key,
                  b->stories[0].ch[0].key);
        CHECK_STR("and the merged chapter has it", lib->stories[0].ch[0].key,
                  a->stories[0].ch[0].key);
        CHECK_STR("single file: path is its name", a->stories[0].ch[0].ed[0].relpath, "rich.txt");
    }
    library_free(a);
    library_free(b);
    library_free(lib);
    free(rp);
    free(pp);
    free(rich);
    free(plain);
    buf_free(&pb);
    rmtree(d);
    free(d);
}

/* Editions with gaps (a chapter one file lacks): the merged order is the
 * story's.  Stories generated from a seeded generator with random titles
 * and chapter counts: one edition lacking a random set of chapters (the
 * first, a middle one, the last, several), the other whole, the gappy one
 * first or second in file order; two editions each lacking other chapters;
 * and unnumbered chapters (Markdown headings with titles only), whose
 * place is where the edition that has them puts them. */
struct gap_story {
    char title[64];
    int n;                  /* chapters 1..n */
    bool numbered;
    unsigned miss[2];       /* per edition: bit c-1 set when chapter c is missing */
};

static unsigned gap_rand(unsigned *x)
{
    *x = *x * 1103515245u + 12345u;
    return (*x >> 16) & 0x7fff;
}

static int gap_bits(unsigned v)
{
    int n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

/* The title of unnumbered chapter c of story si: two capitalised words. */
static void gap_heading(int si, int c, char out[64])
{
    snprintf(out, 64, "%s %s", vocab[(si + 3 * c) % 40], vocab[(c * 7) % 40]);
    out[0] = (char)(out[0] - 'a' + 'A');
    char *sp = strchr(out, ' ');
    sp[1] = (char)(sp[1] - 'a' + 'A');
}

static void put_gap_edition(const char *d, int si, const struct gap_story *g, int e)
{
    struct buf b = {0};
    buf_adds(&b, g->title);
    buf_adds(&b, " by Wren Gappe\n\n");
    for (int c = 1; c <= g->n; c++) {
        if (g->miss[e] >> (c - 1) & 1)
            continue;
        char *body = prose((unsigned)(si * 100 + c + 7000), 300, true);
        char name[64];
        gap_heading(si, c, name);
        char *h = g->numbered ? xasprintf("Chapter %d\n\n", c) : xasprintf("## %s\n\n", name);
        buf_adds(&b, h);
        buf_adds(&b, body);
        buf_adds(&b, "\n");
        free(h);
        free(body);
    }
    char rel[64];
    snprintf(rel, sizeof rel, "s%02d/%c_edition.%s", si, e ? 'b' : 'a', g->numbered ? "txt" : "md");
    put(d, rel, b.data);
    buf_free(&b);
}

/* Chapter c (1-based) of story g is s->ch[i]: by number, else by title. */
static bool gap_is(const struct story *s, size_t i, int si, const struct gap_story *g, int c)
{
    if (g->numbered)
        return s->ch[i].number == c;
    char want[64];
    gap_heading(si, c, want);
    return strcmp(s->ch[i].title, want) == 0;
}

static void test_edition_gaps(void)
{
    enum { N_STORIES = 40 };
    char *d = tempdir();
    struct gap_story g[N_STORIES];
    unsigned x = 20261204u;
    for (int si = 0; si < N_STORIES; si++) {
        struct gap_story *s = &g[si];
        snprintf(s->title, sizeof s->title, "%c%s %s %d", 'A' + si % 26,
                 vocab[gap_rand(&x) % 40], vocab[gap_rand(&x) % 40], si);
        s->n = 3 + (int)(gap_rand(&x) % 10);
        unsigned all = (1u << s->n) - 1;
        s->numbered = si % 4 != 3;
        s->miss[0] = s->miss[1] = 0;
        int gappy = (int)(gap_rand(&x) % 2);     /* which file lacks chapters */
        switch (si) {
        case 0: s->miss[gappy] = 1; break;                        /* the first */
        case 1: s->miss[gappy] = 1u << (s->n - 1); break;         /* the last */
        case 2: s->miss[gappy] = 1u << (s->n / 2); break;         /* a middle one */
        case 3: s->miss[gappy] = 1u << 1; break;                  /* unnumbered, the second */
        default:
            /* several (never all); from story 20 on both files lack some,
             * never the same ones */
            while (!s->miss[gappy] || gap_bits(all & ~s->miss[gappy]) < (si >= 20 ? 2 : 1))
                s->miss[gappy] = gap_rand(&x) & all;
            if (si >= 20) {
                unsigned rest = all & ~s->miss[gappy];
                while (!s->miss[!gappy] || s->miss[!gappy] == rest)
                    s->miss[!gappy] = gap_rand(&x) & rest;
            }
        }
        /* unnumbered files lacking chapters on both sides leave adjacent
         * gaps ambiguous: only the editions' own orders are checked then */
        put_gap_edition(d, si, s, 0);
        put_gap_edition(d, si, s, 1);
    }
    setenv("QUIRE_NO_CACHE", "1", 1);
    struct library *lib = library_open(d, NULL);
    unsetenv("QUIRE_NO_CACHE");
    CHECK_INT("edition gaps: every story found", lib ? lib->n_stories : 0, N_STORIES);
    int in_order = 0, whole = 0, own_orders = 0, strict = 0;
    for (int si = 0; lib && si < N_STORIES; si++) {
        const struct gap_story *gs = &g[si];
        bool amb;
        const struct story *s = library_find(lib, gs->title, &amb);
        if (!s || s->n_ch != (size_t)gs->n) {
            printf("  story %d (%s): %zu chapters, want %d\n", si, gs->title,
                   s ? s->n_ch : 0, gs->n);
            continue;
        }
        whole++;
        bool ambiguous = !gs->numbered && gs->miss[0] && gs->miss[1];
        strict += !ambiguous;
        bool ok = true;
        for (int c = 1; c <= gs->n && !ambiguous; c++)
            ok &= gap_is(s, (size_t)c - 1, si, gs, c);
        in_order += ok && !ambiguous;
        /* each edition's chapters keep their order in the merged list */
        bool own = true;
        for (int e = 0; e < 2; e++) {
            size_t i = 0;
            for (int c = 1; c <= gs->n; c++) {
                if (gs->miss[e] >> (c - 1) & 1)
                    continue;
                while (i < s->n_ch && !gap_is(s, i, si, gs, c))
                    i++;
                own &= i < s->n_ch;
            }
        }
        own_orders += own;
        if (!ok || !own) {
            printf("  story %d (%s, %s, missing %#x / %#x):", si, gs->title,
                   gs->numbered ? "numbered" : "titles", gs->miss[0], gs->miss[1]);
            for (size_t i = 0; i < s->n_ch; i++)
                printf(" [%d %s]", s->ch[i].number, s->ch[i].title);
            printf("\n");
        }
    }
    CHECK_INT("edition gaps: every story has all its chapters", whole, N_STORIES);
    CHECK_INT("edition gaps: every story's chapters in the story's order", in_order, strict);
    CHECK("edition gaps: most stories are checked strictly", strict >= N_STORIES * 3 / 4);
    CHECK_INT("edition gaps: every edition's order kept", own_orders, N_STORIES);
    library_free(lib);
    rmtree(d);
    free(d);
}

/* A place read in an edition lacking chapter 2 is found again, in the same
 * chapter and at the same words, once the fuller edition joins the story
 * and chapter 2 takes its place before it. */
static void test_edition_gap_bookmark(void)
{
    char *d = tempdir();
    struct gap_story g = {"Kept Place", 4, true, {1u << 1, 0}};
    put_gap_edition(d, 41, &g, 0);
    char *path = xasprintf("%s/s41", d);
    setenv("QUIRE_NO_CACHE", "1", 1);
    struct library *a = library_open(path, NULL);
    struct bm_pos pos = {0};
    char before[40] = "";
    bool made = a && a->n_stories == 1 && a->stories[0].n_ch == 3 &&
                a->stories[0].ch[1].number == 3;
    CHECK("gap bookmark: the gappy edition alone has chapters 1, 3, 4", made);
    if (made) {
        const char *t;
        const struct edition *e = chapter_text(&a->stories[0].ch[1], &t);
        size_t off = e->body + (e->back - e->body) / 2;
        while (off < e->back && t[off] != ' ')
            off++;
        off++;
        snprintf(before, sizeof before, "%.30s", t + off);
        bookmarks_make_pos(&a->stories[0], 1, off, &pos);
    }
    put_gap_edition(d, 41, &g, 1);
    struct library *b = library_open(path, NULL);
    unsetenv("QUIRE_NO_CACHE");
    size_t ci = 0, off = 0;
    bool ok = made && b && b->n_stories == 1 && b->stories[0].n_ch == 4 &&
              bookmarks_resolve(&b->stories[0], &pos, &ci, &off);
    CHECK("gap bookmark: with both editions, four chapters and the place resolves", ok);
    if (ok) {
        CHECK_INT("gap bookmark: in chapter 3, now the third", (long)ci, 2);
        CHECK_INT("gap bookmark: whose number is 3", b->stories[0].ch[ci].number, 3);
        const char *t;
        chapter_text(&b->stories[0].ch[ci], &t);
        CHECK("gap bookmark: at the same words", strncmp(t + off, before, strlen(before)) == 0);
    }
    library_free(a);
    library_free(b);
    free(path);
    rmtree(d);
    free(d);
}

/* Renaming and moving files keeps ids and keys; adding a chapter keeps the
 * other chapters' keys and the story id. */
static void test_identity(void)
{
    char *d1 = tempdir(), *d2 = tempdir();
    for (int i = 1; i <= 5; i++) {
        char rel[32];
        snprintf(rel, sizeof rel, "ch%d.txt", i);
        if (i != 2)
            put_chapter(d1, rel, "Keyed by Kay", i, (unsigned)(60 + i));
        snprintf(rel, sizeof rel, "deep/er/part-%02d.txt", 10 - i);
        put_chapter(d2, rel, "Keyed by Kay", i, (unsigned)(60 + i));
    }
    char *p = prose(70, 120, true);
    put(d1, "untitled.txt", p);
    put(d2, "renamed elsewhere/other.txt", p);
    free(p);
    struct library *a = library_open(d1, NULL), *b = library_open(d2, NULL);
    CHECK("both open", a && b);
    bool amb;
    struct story *sa = a ? library_find(a, "keyed", &amb) : NULL;
    struct story *sb = b ? library_find(b, "keyed", &amb) : NULL;
    CHECK("story found in both", sa && sb && sa->n_ch == 4 && sb->n_ch == 5);
    if (sa && sb && sa->n_ch == 4 && sb->n_ch == 5) {
        CHECK_STR("story id survives moves, renames and a new chapter 2", sa->id, sb->id);
        CHECK_STR("chapter 1 key", sa->ch[0].key, sb->ch[0].key);
        CHECK_STR("chapter 5 key unchanged by adding chapter 2", sa->ch[3].key, sb->ch[4].key);
        CHECK("chapters have different keys", strcmp(sb->ch[0].key, sb->ch[1].key) != 0);
        CHECK_INT("id is 16 hex digits", strspn(sa->id, "0123456789abcdef"), 16);
    }
    /* a title-less story: named after its file, identified by its text */
    struct story *ua = NULL, *ub = NULL;
    for (size_t i = 0; a && i < a->n_stories; i++)
        if (strcmp(a->stories[i].title, "untitled") == 0)
            ua = &a->stories[i];
    for (size_t i = 0; b && i < b->n_stories; i++)
        if (strcmp(b->stories[i].title, "other") == 0)
            ub = &b->stories[i];
    CHECK("title-less stories named after their files", ua && ub);
    if (ua && ub)
        CHECK_STR("renaming a title-less file keeps its id", ua->id, ub->id);
    library_free(a);
    library_free(b);
    rmtree(d1);
    rmtree(d2);
    free(d1);
    free(d2);
}

/* The id comes from what a story says about itself (issue 14 item 9):
 * files renamed so that another sorts first, or a chapter 0 added in
 * front, keep a titled story's id; the first rule's id (title, author,
 * opening of chapter 1) stays among its aliases for records saved under
 * it; an untitled story's new first chapter changes its id, but the old id
 * is an alias. */
static struct story *only_story(struct library *lib, const char *title)
{
    bool amb;
    return lib ? library_find(lib, title, &amb) : NULL;
}

static void test_identity_by_what_it_says(void)
{
    char *d1 = tempdir(), *d2 = tempdir(), *d3 = tempdir();
    char *p1 = prose(91, 200, true), *p2 = prose(92, 200, true), *p0 = prose(90, 80, true);
    char *a = xasprintf("The Quiet Year by Bo Writer\n\n%s", p1);
    char *b = xasprintf("The Quiet Year by Bo Writer\n\n%s", p2);
    put(d1, "quiet/a.txt", a);
    put(d1, "quiet/b.txt", b);
    put(d2, "quiet/c.txt", a);      /* a renamed: b sorts first now */
    put(d2, "quiet/b.txt", b);
    put_chapter(d1, "clocks/one.txt", "Clocks of Ardmore by Anna Example", 1, 93);
    put_chapter(d1, "clocks/two.txt", "Clocks of Ardmore by Anna Example", 2, 94);
    put_chapter(d3, "clocks/one.txt", "Clocks of Ardmore by Anna Example", 1, 93);
    put_chapter(d3, "clocks/two.txt", "Clocks of Ardmore by Anna Example", 2, 94);
    put_chapter(d3, "clocks/zero.txt", "Clocks of Ardmore by Anna Example", 0, 95);
    /* an untitled story (a story.ini folder naming only the author) */
    char *u1 = xasprintf("Chapter 1\n\n%s", p1), *u2 = xasprintf("Chapter 2\n\n%s", p2);
    char *u0 = xasprintf("Chapter 0\n\n%s", p0);
    put(d1, "untitled/story.ini", "author = Nobody Known\n");
    put(d1, "untitled/1.txt", u1);
    put(d1, "untitled/2.txt", u2);
    put(d3, "untitled/story.ini", "author = Nobody Known\n");
    put(d3, "untitled/1.txt", u1);
    put(d3, "untitled/2.txt", u2);
    put(d3, "untitled/0.txt", u0);
    /* the same title by another author, another title by the same author */
    put_chapter(d1, "x/one.txt", "Clocks of Ardmore by Someone Else", 1, 93);
    put_chapter(d1, "y/one.txt", "Clocks of Bantry by Anna Example", 1, 93);
    struct library *l1 = library_open(d1, NULL), *l2 = library_open(d2, NULL);
    struct library *l3 = library_open(d3, NULL);
    struct story *q1 = only_story(l1, "The Quiet Year"), *q2 = only_story(l2, "The Quiet Year");
    CHECK("the quiet year in both", q1 && q2 && q1->n_ch == 2 && q2->n_ch == 2);
    if (q1 && q2 && q1->n_ch == 2 && q2->n_ch == 2) {
        CHECK_STR("the files reordered: chapter 1 is the other file's",
                  q2->ch[0].key, q1->ch[1].key);
        CHECK_STR("a rename that reorders the files keeps the id", q2->id, q1->id);
        CHECK("the first rule's id (with the old first chapter) is an alias",
              q1->n_alias == 2 && story_has_alias(q2, q1->alias[0]));
    }
    struct story *c1 = NULL, *c3 = only_story(l3, "Clocks of Ardmore");
    for (size_t i = 0; l1 && i < l1->n_stories; i++)
        if (!strcmp(l1->stories[i].title, "Clocks of Ardmore") &&
            !strcmp(l1->stories[i].author, "Anna Example"))
            c1 = &l1->stories[i];
    CHECK("the clocks in both", c1 && c3 && c1->n_ch == 2 && c3->n_ch == 3);
    if (c1 && c3 && c1->n_ch == 2 && c3->n_ch == 3) {
        CHECK_STR("chapter 0 comes first", c3->ch[1].key, c1->ch[0].key);
        CHECK_STR("a chapter 0 added in front keeps the id", c3->id, c1->id);
        CHECK("the id saved before it came is an alias", story_has_alias(c3, c1->alias[0]));
        CHECK("a story's own id is never its alias", !story_has_alias(c3, c3->id));
    }
    size_t differ = 0, titled = 0;
    for (size_t i = 0; l1 && i < l1->n_stories; i++)
        for (size_t j = i + 1; j < l1->n_stories; j++)
            differ += strcmp(l1->stories[i].id, l1->stories[j].id) != 0;
    titled = l1 ? l1->n_stories : 0;
    CHECK_INT("five different stories, five different ids", differ, titled * (titled - 1) / 2);
    CHECK_INT("five stories", titled, 5);
    struct story *n1 = NULL, *n3 = NULL;
    for (size_t i = 0; l1 && i < l1->n_stories; i++)
        if (!strcmp(l1->stories[i].author, "Nobody Known"))
            n1 = &l1->stories[i];
    for (size_t i = 0; l3 && i < l3->n_stories; i++)
        if (!strcmp(l3->stories[i].author, "Nobody Known"))
            n3 = &l3->stories[i];
    CHECK("the untitled story in both", n1 && n3 && n1->n_ch == 2 && n3->n_ch == 3);
    if (n1 && n3 && n1->n_ch == 2 && n3->n_ch == 3) {
        CHECK("untitled: a new first chapter gives another id", strcmp(n1->id, n3->id) != 0);
        CHECK("but the old id is an alias", story_has_alias(n3, n1->id));
        /* the reader's story found again in the library read anew after
         * the chapter came (no file of its own to go by) */
        struct story old = {.id = ""};
        memcpy(old.id, n1->id, sizeof old.id);
        CHECK("watch_find finds the story by the alias", watch_find(l3, &old) == n3);
    }
    library_free(l1);
    library_free(l2);
    library_free(l3);
    free(a); free(b); free(u0); free(u1); free(u2); free(p0); free(p1); free(p2);
    rmtree(d1);
    rmtree(d2);
    rmtree(d3);
    free(d1);
    free(d2);
    free(d3);
}

/* Two story.ini folders naming the same title and author are two stories
 * with two ids. */
static void test_identity_twins(void)
{
    char *d = tempdir();
    put(d, "one/story.ini", "title = Twins\nauthor = Same Hand\n");
    put(d, "two/story.ini", "title = Twins\nauthor = Same Hand\n");
    put_chapter(d, "one/a.txt", NULL, 1, 97);
    put_chapter(d, "two/a.txt", NULL, 1, 98);
    struct library *lib = library_open(d, NULL);
    CHECK("two stories", lib && lib->n_stories == 2);
    if (lib && lib->n_stories == 2)
        CHECK("with two ids", strcmp(lib->stories[0].id, lib->stories[1].id) != 0);
    library_free(lib);
    rmtree(d);
    free(d);
}

static void test_skipping(void)
{
    char *d = tempdir();
    put_chapter(d, "real.txt", "Real by Ray", 1, 80);
    put(d, "empty.txt", "");
    char bin[64];
    memcpy(bin, "\x89PNG\r\n\x1a\n", 8);
    memset(bin + 8, 1, sizeof bin - 8);
    bin[20] = '\0';
    char *path = xasprintf("%s/image.png", d);
    FILE *f = fopen(path, "wb");
    fwrite(bin, 1, sizeof bin, f);
    fclose(f);
    free(path);
    put_chapter(d, ".hidden.txt", "Hidden by Hyde", 1, 81);
    put_chapter(d, ".dir/in.txt", "Hidden Too by Hyde", 1, 82);
    put_chapter(d, "sub/inner.txt", "Inner by Ina", 1, 83);
    char *link = xasprintf("%s/sub/loop", d);
    CHECK("symlink made", symlink("..", link) == 0);
    free(link);
    link = xasprintf("%s/sub/again.txt", d);
    CHECK("file symlink made", symlink("../real.txt", link) == 0);
    free(link);
    link = xasprintf("%s/dangling.txt", d);
    CHECK("dangling symlink made", symlink("nowhere.txt", link) == 0);
    free(link);
    char *locked = xasprintf("%s/locked.txt", d);
    put_chapter(d, "locked.txt", "Locked by Lok", 1, 84);
    chmod(locked, 0);
    bool root = access(locked, R_OK) == 0;   /* root reads anything */
    free(locked);

    char *err = NULL;
    struct library *lib = library_open(d, &err);
    CHECK("a library with junk opens", lib != NULL);
    if (lib) {
        CHECK_INT("junk, hidden and unreadable files are not stories", lib->n_stories, root ? 3 : 2);
        const struct skipped *k = find_skipped(lib, "empty.txt");
        CHECK("empty file skipped", k && strcmp(k->why, "empty") == 0);
        k = find_skipped(lib, "image.png");
        CHECK("binary file skipped", k && strcmp(k->why, "binary") == 0);
        k = find_skipped(lib, "sub/loop/");
        CHECK("symlink loop detected", k && strstr(k->why, "loop"));
        CHECK("hidden files are not even skipped entries", !find_skipped(lib, ".hidden.txt"));
        k = find_skipped(lib, "sub/again.txt");
        CHECK("a file reached twice is read once", k && strstr(k->why, "same file as real.txt"));
        k = find_skipped(lib, "dangling.txt");
        CHECK("a broken symlink is skipped, saying so", k && strstr(k->why, "broken symlink"));
        if (!root) {
            k = find_skipped(lib, "locked.txt");
            CHECK("unreadable file skipped with its reason", k && strstr(k->why, "ermission"));
        }
        char *s = NULL;
        size_t n = 0;
        FILE *m = open_memstream(&s, &n);
        output_list(lib, NULL, m, false, true);
        fclose(m);
        CHECK("--verbose lists skipped files with reasons", s && strstr(s, "image.png: binary"));
        free(s);
    }
    library_free(lib);
    free(err);
    rmtree(d);
    free(d);
}

static void test_blocks_and_percent(void)
{
    char *d = tempdir();
    put_chapter(d, "1.txt", "Pages by Pia", 1, 90);
    put_chapter(d, "2.txt", "Pages by Pia", 2, 91);
    struct library *lib = library_open(d, NULL);
    CHECK("opens", lib && lib->n_stories == 1 && lib->stories[0].n_ch == 2);
    if (lib && lib->n_stories == 1 && lib->stories[0].n_ch == 2) {
        struct story *s = &lib->stories[0];
        CHECK("blocks not parsed at open", !s->ch[0].parsed && !s->ch[1].parsed);
        size_t n = 0;
        const struct block *bl = chapter_blocks(&s->ch[1], &n);
        CHECK("blocks on demand", bl && n > 0 && s->ch[1].parsed);
        const struct edition *e1 = &s->ch[1].ed[0];
        CHECK("blocks lie inside the chapter", n && bl[0].off >= e1->start && bl[n - 1].end <= e1->end);
        story_drop_blocks(s, 0, 0);
        CHECK("dropped outside the window", !s->ch[1].parsed && s->ch[1].blocks == NULL);
        const char *text;
        const struct edition *e0 = chapter_text(&s->ch[0], &text);
        CHECK("chapter_text gives the source text", text == e0->src->text);
        CHECK("0% at the start", story_percent(s, 0, e0->start) == 0);
        double mid = story_percent(s, 1, e1->start);
        CHECK("second chapter starts midway", mid > 30 && mid < 70);
        CHECK("100% at the end", story_percent(s, 1, e1->end) == 100);
    }
    library_free(lib);
    rmtree(d);
    free(d);
}

static void test_tsv_fields(void)
{
    char *d = tempdir();
    put(d, "s/story.ini", "title = Tab\there\n");
    char *p = prose(95, 50, false);
    put(d, "s/x.txt", p);
    free(p);
    struct library *lib = library_open(d, NULL);
    char *tsv = lib ? printed(lib, true) : NULL;
    CHECK("a tab inside a title becomes a space", tsv && strncmp(tsv, "1\tTab here\t\t1\t", 14) == 0);
    free(tsv);
    library_free(lib);
    rmtree(d);
    free(d);
}

/* The head of the long story file `path` (library_open_head with `head`
 * bytes) names the story and its whole chapters exactly as the whole file
 * does; its percentages are against the whole file's length (exactly when
 * the text is the file's bytes, within 5% when it was converted). */
static void check_head(const char *what, const char *path, size_t head, bool exact_total)
{
    char *err = NULL;
    struct library *whole = library_open(path, &err);
    free(err);
    err = NULL;
    struct library *hl = library_open_head(path, head, &err);
    free(err);
    char *m = xasprintf("%s: the whole file is one story", what);
    CHECK(m, whole && whole->n_stories == 1);
    free(m);
    m = xasprintf("%s: its head is one story", what);
    CHECK(m, hl && hl->n_stories == 1);
    free(m);
    if (whole && hl && whole->n_stories == 1 && hl->n_stories == 1) {
        const struct story *w = &whole->stories[0], *h = &hl->stories[0];
        bool same = h->partial && !w->partial && strcmp(h->id, w->id) == 0 &&
                    strcmp(h->title, w->title) == 0 && strcmp(h->author, w->author) == 0;
        m = xasprintf("%s: a partial story, the same id, title and author", what);
        CHECK(m, same);
        free(m);
        m = xasprintf("%s: fewer chapters in the head", what);
        CHECK(m, h->n_ch >= 2 && h->n_ch < w->n_ch);
        free(m);
        same = true;
        for (size_t i = 0; i + 1 < h->n_ch; i++)
            same &= strcmp(h->ch[i].key, w->ch[i].key) == 0 &&
                    h->ch[i].ed[0].start == w->ch[i].ed[0].start &&
                    h->ch[i].ed[0].end == w->ch[i].ed[0].end &&
                    h->ch[i].base == w->ch[i].base && strcmp(h->ch[i].title, w->ch[i].title) == 0;
        m = xasprintf("%s: whole chapters of the head: same keys, offsets and titles", what);
        CHECK(m, same);
        free(m);
        const struct source *hs = h->ch[0].ed[0].src, *ws = w->ch[0].ed[0].src;
        m = xasprintf("%s: the head's text is the start of the whole text, on a whole line", what);
        CHECK(m, hs->enc == ws->enc && hs->len < ws->len && memcmp(hs->text, ws->text, hs->len) == 0 &&
                     hs->text[hs->len - 1] == '\n');
        free(m);
        m = xasprintf("%s: percentages against the whole file", what);
        CHECK(m, exact_total ? h->total == w->total
                             : h->total > w->total * 0.95 && h->total < w->total * 1.05);
        free(m);
    }
    library_free(hl);
    library_free(whole);
}

/* UTF-16 (with BOM) of text whose characters are all below U+0100. */
static char *utf16_of(const char *latin1, bool be, size_t *len)
{
    size_t n = strlen(latin1);
    unsigned char *out = xmalloc(2 * n + 2);
    out[0] = be ? 0xFE : 0xFF;
    out[1] = be ? 0xFF : 0xFE;
    for (size_t i = 0; i < n; i++) {
        out[2 + 2 * i + (be ? 1 : 0)] = (unsigned char)latin1[i];
        out[2 + 2 * i + (be ? 0 : 1)] = 0;
    }
    *len = 2 * n + 2;
    return (char *)out;
}

/* A story of 40 chapters of 900 words (prose seeded from `seed`), each
 * opening with `lead`, CR LF line ends, after the line "TITLE by Ann
 * Teller". */
static void long_story(struct buf *b, const char *title, unsigned seed, bool curly,
                       const char *lead)
{
    buf_printf(b, "%s by Ann Teller\r\n\r\n", title);
    for (int c = 1; c <= 40; c++) {
        char *p = prose((unsigned)c + seed, 900, curly);
        buf_printf(b, "Chapter %d\r\n\r\n%s%s\r\n", c, lead, p);
        free(p);
    }
}

/* The bookmark's context of text[p...]: up to 48 bytes, each white space
 * run one space (as bookmarks_place.c saves it). */
static void context_of(const char *t, size_t p, size_t len, char out[49])
{
    size_t n = 0;
    while (p < len && n < 48) {
        if (t[p] == ' ' || t[p] == '\n' || t[p] == '\r' || t[p] == '\t') {
            if (n && out[n - 1] != ' ')
                out[n++] = ' ';
            p++;
        } else {
            out[n++] = t[p++];
        }
    }
    out[n] = '\0';
}

/* A story file in a directory of its own, opened whole. */
struct story_file {
    char *dir;              /* a new directory (tempdir), removed by story_file_done */
    char *path;             /* dir/name, the story file */
    struct library *whole;  /* library_open(path), NULL when it failed */
};

/* Writes `text` to the file `name` of a new directory and opens it whole
 * (an error of library_open is dropped: whole is NULL). */
static void story_file_open(struct story_file *sf, const char *name, const char *text)
{
    sf->dir = tempdir();
    put(sf->dir, name, text);
    sf->path = xasprintf("%s/%s", sf->dir, name);
    char *err = NULL;
    sf->whole = library_open(sf->path, &err);
    free(err);
}

/* Frees the library and the names of *sf and removes its directory. */
static void story_file_done(struct story_file *sf)
{
    library_free(sf->whole);
    free(sf->path);
    rmtree(sf->dir);
    free(sf->dir);
}

/* The story file `path` reopened at byte `place` of chapter i of w (the
 * whole story, place in its chapter's text): its head of 8 KiB, then
 * library_open_at with the place's offset in the chapter, its context
 * (context_of) and its percent.  *head is the head (the caller frees it
 * and the result); *err as library_open_head and library_open_at leave it. */
static struct library *reopen_at(const char *path, const struct story *w, size_t i, size_t place,
                                 struct library **head, char **err)
{
    const char *wt;
    const struct edition *we = chapter_text(&w->ch[i], &wt);
    char ctx[49];
    context_of(wt, place, we->src->len, ctx);
    *head = library_open_head(path, 8 * 1024, err);
    return library_open_at(*head, w->ch[i].key, place - we->start, ctx, story_percent(w, i, place), err);
}

/* A long story reopened at a saved place past its head: the chapter that
 * holds it is read from there (library_open_at), with the whole story's
 * key, offsets and title, without the rest of the file. */
static void test_open_at(void)
{
    struct buf b = {0};
    long_story(&b, "The Far Road", 800, true, "");
    struct story_file sf;
    story_file_open(&sf, "far.txt", b.data);
    const char *d = sf.dir, *path = sf.path;
    struct library *whole = sf.whole;
    char *err = NULL;
    CHECK("the whole story", whole && whole->n_stories == 1 && whole->stories[0].n_ch == 40);
    if (!whole || whole->n_stories != 1 || whole->stories[0].n_ch != 40) {
        story_file_done(&sf);
        buf_free(&b);
        return;
    }
    const struct story *w = &whole->stories[0];
    const char *wt;
    const struct edition *we = chapter_text(&w->ch[24], &wt);
    size_t place = we->body + 700;
    while (wt[place] != ' ')
        place++;
    place++;   /* a word's start, 700 bytes into chapter 25's text */
    char ctx[49];
    context_of(wt, place, we->src->len, ctx);
    size_t off = place - we->start;
    double pct = story_percent(w, 24, place);

    struct library *head = library_open_head(path, 8 * 1024, &err);
    struct library *at = library_open_at(head, w->ch[24].key, off, ctx, pct, &err);
    CHECK("the place's chapter opens from where it was", at && at->n_stories == 1);
    if (at && at->n_stories == 1) {
        const struct story *a = &at->stories[0];
        CHECK("a partial story with the whole story's id, title and author",
              a->partial && strcmp(a->id, w->id) == 0 && strcmp(a->title, w->title) == 0 &&
                  strcmp(a->author, w->author) == 0);
        /* about the head's size past the place (8 KiB here), in whole lines */
        bool same = a->n_ch >= 1 && a->n_ch < 20;
        for (size_t i = 0; same && i + 1 < a->n_ch; i++) {
            const struct edition *ae = &a->ch[i].ed[0], *e = &w->ch[24 + i].ed[0];
            same = strcmp(a->ch[i].key, w->ch[24 + i].key) == 0 && ae->start == e->start &&
                   ae->end == e->end && ae->body == e->body &&
                   strcmp(a->ch[i].title, w->ch[24 + i].title) == 0;
        }
        CHECK("its whole chapters: the whole story's keys, offsets and titles", same);
        const char *at_text;
        const struct edition *ae = chapter_text(&a->ch[0], &at_text);
        CHECK("the chapter's text is the file's",
              memcmp(at_text + ae->start, wt + we->start, we->end - we->start) == 0);
        double ap = story_percent(a, 0, place);
        CHECK("its percent is about the whole story's", ap > pct - 2 && ap < pct + 2);
        CHECK("no more is read than the head's size past the place (in whole lines)",
              a->ch[a->n_ch - 1].ed[0].end <= place + 16 * 1024);
    }
    library_free(at);
    library_free(head);
    /* A place on white space (the top line begins at a line end): its
     * context begins with a space, and the place is found as well. */
    size_t sp = we->body + 1500;
    while (wt[sp] != ' ')
        sp++;
    char sctx[49] = " ", rest[49];
    context_of(wt, sp + 1, we->src->len, rest);
    memcpy(sctx + 1, rest, 47);   /* 48 bytes at most, as saved */
    sctx[48] = '\0';
    head = library_open_head(path, 8 * 1024, &err);
    at = library_open_at(head, w->ch[24].key, sp - we->start, sctx, story_percent(w, 24, sp),
                         &err);
    CHECK("a context that begins with a space: the place's chapter opens",
          at && at->n_stories == 1 && strcmp(at->stories[0].ch[0].key, w->ch[24].key) == 0 &&
              at->stories[0].ch[0].ed[0].start == we->start);
    library_free(at);
    library_free(head);
    err = NULL;
    head = library_open_head(path, 8 * 1024, &err);
    CHECK("another chapter's key there: not found",
          library_open_at(head, w->ch[23].key, off, ctx, pct, &err) == NULL && err);
    free(err);
    err = NULL;
    CHECK("a context the file does not hold: not found",
          library_open_at(head, w->ch[24].key, off, "nowhere in this story at all", pct, &err) ==
                  NULL && err);
    free(err);
    err = NULL;
    library_free(head);
    /* a byte that is not UTF-8 in the window: the whole file is repaired
     * as it is decoded (U+FFFD, three bytes for one), so its offsets are
     * not the file's: refused (the reader waits for the whole story) */
    char *bad = xstrdup(b.data);
    bad[place + 100] = (char)0xFF;
    put(d, "bad.txt", bad);
    char *badpath = xasprintf("%s/bad.txt", d);
    head = library_open_head(badpath, 8 * 1024, &err);
    CHECK("a byte that is not UTF-8 after the place: not opened there",
          head && library_open_at(head, w->ch[24].key, off, ctx, pct, &err) == NULL && err);
    free(err);
    err = NULL;
    library_free(head);
    free(badpath);
    free(bad);
    /* with a byte order mark the file is decoded whole, never mapped */
    struct buf bom = {0};
    buf_adds(&bom, "\xef\xbb\xbf");
    buf_adds(&bom, b.data);
    put(d, "bom.txt", bom.data);
    char *bpath = xasprintf("%s/bom.txt", d);
    head = library_open_head(bpath, 8 * 1024, &err);
    CHECK("a file with a BOM is not opened at a place",
          head && library_open_at(head, w->ch[24].key, off, ctx, pct, &err) == NULL && err);
    free(err);
    library_free(head);
    free(bpath);
    buf_free(&bom);
    buf_free(&b);
    story_file_done(&sf);
}

/* A place at the start of a paragraph written on one line longer than
 * what is read past a place (a story with a paragraph per line): the
 * window is read to that line's end, so the place opens from where it
 * was (before, the window was cut back to the line's start: not found,
 * and the reader waited for the whole story). */
static void test_open_at_long_line(void)
{
    struct buf b = {0};
    buf_adds(&b, "The Long Line by Ann Teller\n\n");
    for (int c = 1; c <= 40; c++) {
        char *p = prose((unsigned)c + 300, 900, false);
        buf_printf(&b, "Chapter %d\n\n%s\n", c, p);
        free(p);
        if (c == 25) {   /* 100 KB of one paragraph on one line */
            buf_adds(&b, "\n");
            for (int i = 0; i < 12000; i++)
                buf_printf(&b, "word%d ", i);
            buf_adds(&b, "end.\n");
        }
    }
    struct story_file sf;
    story_file_open(&sf, "line.txt", b.data);
    const struct story *w = sf.whole && sf.whole->n_stories == 1 ? &sf.whole->stories[0] : NULL;
    CHECK("the whole story", w && w->n_ch == 40);
    if (w && w->n_ch == 40) {
        const char *wt;
        const struct edition *we = chapter_text(&w->ch[24], &wt);
        const char *line = strstr(wt + we->start, "word0 ");
        CHECK("the long line is in chapter 25", line && (size_t)(line - wt) < we->end);
        size_t place = line ? (size_t)(line - wt) : we->start;
        char *err = NULL;
        struct library *head;
        struct library *at = reopen_at(sf.path, w, 24, place, &head, &err);
        CHECK("a place before a line longer than the window: its chapter opens",
              at && at->n_stories == 1 &&
                  strcmp(at->stories[0].ch[0].key, w->ch[24].key) == 0 &&
                  at->stories[0].ch[0].ed[0].start == we->start &&
                  at->stories[0].ch[0].ed[0].end >= (size_t)(strstr(line, "end.") - wt));
        library_free(at);
        library_free(head);
        free(err);
    }
    buf_free(&b);
    story_file_done(&sf);
}

/* A story of one long chapter (no headings) reopened deep in it: the
 * chapter's start and the place's lines are read, not the bytes between
 * (open_long); the chapter is the whole story's (start, heading, title,
 * key) and goes on past the place; at the end of the file its back matter
 * is the whole story's. */
static void test_open_at_long_chapter(void)
{
    struct buf b = {0};
    buf_adds(&b, "One Long Chapter by Ann Teller\n\n");
    for (int c = 1; c <= 40; c++) {
        char *p = prose((unsigned)c + 500, 1500, false);
        buf_printf(&b, "%s\n\n", p);
        free(p);
    }
    struct story_file sf;
    story_file_open(&sf, "one.txt", b.data);
    const struct story *w = sf.whole && sf.whole->n_stories == 1 ? &sf.whole->stories[0] : NULL;
    char *err = NULL;
    CHECK("the whole story: one chapter", w && w->n_ch == 1 && b.len > 300 * 1024);
    for (int k = 0; w && w->n_ch == 1 && k < 2; k++) {
        const char *wt;
        const struct edition *we = chapter_text(&w->ch[0], &wt);
        /* 60% in, and the last line's start (the window reaches the end) */
        size_t place = k == 0 ? we->start + (we->end - we->start) * 6 / 10 : we->end;
        while (k && place > we->start && wt[place - 1] == '\n')
            place--;   /* the last line's end */
        while (place > we->start && wt[place - 1] != '\n')
            place--;
        struct library *head;
        struct library *at = reopen_at(sf.path, w, 0, place, &head, &err);
        const struct story *a = at && at->n_stories == 1 ? &at->stories[0] : NULL;
        const struct edition *ae = a && a->n_ch == 1 ? &a->ch[0].ed[0] : NULL;
        CHECK(k ? "at the last line: its chapter opens" : "60% in: its chapter opens", ae);
        if (ae) {
            CHECK("the whole story's chapter: key, title, start, heading, announcement",
                  strcmp(a->ch[0].key, w->ch[0].key) == 0 &&
                      strcmp(a->ch[0].title, w->ch[0].title) == 0 && ae->start == we->start &&
                      ae->body == we->body && ae->front_end == we->front_end &&
                      ae->title_end == we->title_end);
            CHECK("it goes on past the place, about the head's size",
                  ae->end > place && ae->end <= place + 16 * 1024 &&
                      (k == 0 || (ae->end == we->end && ae->back == we->back)));
            CHECK("the bytes between were not read: words of its start only",
                  a->ch[0].words < w->ch[0].words / 4);
        }
        library_free(at);
        library_free(head);
        free(err);
        err = NULL;
    }
    buf_free(&b);
    story_file_done(&sf);
}

/* A long story file opens from its head in every encoding quire reads,
 * and a loader reads the whole file on its own thread. */
static void test_head_and_loader(void)
{
    char *d = tempdir();
    struct buf b = {0};
    long_story(&b, "The Long Road", 500, true, "");
    put(d, "long.txt", b.data);
    char *path = xasprintf("%s/long.txt", d);
    check_head("UTF-8, CR LF", path, 64 * 1024, true);
    char *err = NULL;
    struct library *whole = library_open(path, &err);

    /* The same story in Windows-1252 and UTF-16: the head decodes as the
     * whole file does (a caf\xe9 in every chapter, CR LF line ends). */
    struct buf l1 = {0};
    long_story(&l1, "The Caf\xe9 Road", 700, false, "The caf\xe9 was open. ");
    put(d, "cp1252.txt", l1.data);
    char *cpath = xasprintf("%s/cp1252.txt", d);
    check_head("Windows-1252", cpath, 64 * 1024, false);
    for (int be = 0; be <= 1; be++) {
        size_t n16;
        char *u16 = utf16_of(l1.data, be, &n16);
        put_bytes(d, be ? "u16be.txt" : "u16le.txt", u16, n16);
        free(u16);
        char *upath = xasprintf("%s/%s", d, be ? "u16be.txt" : "u16le.txt");
        /* an odd head: the cut must not split a code unit */
        check_head(be ? "UTF-16BE" : "UTF-16LE", upath, 64 * 1024 + 1, false);
        free(upath);
    }

    /* Lines longer than the head: the head is read again longer until
     * cutting it back to a line end keeps at least half of it; a first line
     * longer than 1 MiB is refused (the caller opens the whole file). */
    struct buf lw = {0};
    buf_adds(&lw, "The Wide Road by Ann Teller\n\n");
    for (int c = 1; c <= 6; c++) {
        buf_printf(&lw, "Chapter %d\n\n", c);
        char *p = prose((unsigned)c + 900, 6000, false);
        for (char *q = p; *q; q++)
            if (*q == '\n' && q[1])
                *q = ' ';   /* the chapter is one line of some 35 KB */
        buf_adds(&lw, p);
        buf_adds(&lw, "\n");
        free(p);
    }
    put(d, "wide.txt", lw.data);
    char *wpath = xasprintf("%s/wide.txt", d);
    check_head("chapters of one line each, a head of 8 KiB", wpath, 8 * 1024, true);
    struct buf huge = {0};
    buf_adds(&huge, "The Endless Road by Ann Teller. ");
    while (huge.len < 1100 * 1024)
        buf_adds(&huge, "and she walked on and on ");
    buf_adds(&huge, "\n");
    put(d, "huge.txt", huge.data);
    char *hpath = xasprintf("%s/huge.txt", d);
    /* No line end in the head at all: cut back to a whole word (it used to
     * be refused, and the first screen waited for the whole file). */
    struct library *hh = library_open_head(hpath, 8 * 1024, &err);
    struct library *hw = library_open(hpath, &err);
    CHECK("a head without a line end opens, partial, as the same story",
          hh && hw && hh->n_stories == 1 && hw->n_stories == 1 && hh->stories[0].partial &&
              strcmp(hh->stories[0].id, hw->stories[0].id) == 0);
    if (hh && hw && hh->n_src == 1 && hw->n_src == 1) {
        const struct source *hs = hh->src[0], *ws = hw->src[0];
        CHECK("its text is the start of the whole text, cut after a whole word",
              hs->len > 4 * 1024 && hs->len <= 8 * 1024 && hs->len < ws->len &&
                  memcmp(hs->text, ws->text, hs->len) == 0 && hs->text[hs->len - 1] == ' ');
    }
    library_free(hh);
    library_free(hw);
    /* ... and with no space either: cut back to a whole character. */
    struct buf wide = {0};
    buf_adds(&wide, "\xc3\xa9t\xc3\xa9");
    while (wide.len < 300 * 1024)
        buf_adds(&wide, "\xc3\xa9\xe2\x80\x94\xf0\x9f\x93\x96");   /* 2, 3 and 4 bytes */
    put(d, "nospace.txt", wide.data);
    char *npath = xasprintf("%s/nospace.txt", d);
    for (size_t cut = 8 * 1024; cut < 8 * 1024 + 9; cut++) {
        hh = library_open_head(npath, cut, &err);
        char *m = xasprintf("no space: a head of %zu bytes ends on a whole character", cut);
        CHECK(m, hh && hh->n_src == 1 && hh->src[0]->len + 4 > cut && hh->src[0]->len <= cut &&
                     memcmp(hh->src[0]->text, wide.data, hh->src[0]->len) == 0 &&
                     ((unsigned char)wide.data[hh->src[0]->len] & 0xC0) != 0x80);
        free(m);
        library_free(hh);
    }
    free(npath);
    buf_free(&wide);
    CHECK("a missing file is refused", library_open_head("/nonexistent/q.txt", 4096, &err) == NULL);
    free(err);
    err = NULL;

    /* The loader gives what library_open gives, once. */
    struct loader *l = loader_new(path);
    CHECK("a loader is not started until told", l != NULL && !loader_ready(l));
    loader_go(l);
    loader_go(l);   /* twice: a no-op */
    for (int i = 0; i < 2000 && !loader_ready(l); i++)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    CHECK("once started it finishes on its own", loader_ready(l));
    err = NULL;
    struct library *got = loader_wait(l, &err);
    CHECK("it reads the whole story",
          got && whole && got->n_stories == 1 &&
              got->stories[0].n_ch == whole->stories[0].n_ch &&
              strcmp(got->stories[0].id, whole->stories[0].id) == 0);
    CHECK("handed over once", loader_wait(l, &err) == NULL && err == NULL);
    CHECK("ready after the wait", loader_ready(l));
    loader_free(l);
    library_free(got);
    /* A loader freed without a wait (started or not), one waited for
     * without being started, and one that fails. */
    loader_free(loader_new(path));
    l = loader_new(path);
    loader_go(l);
    loader_free(l);
    l = loader_new(path);
    got = loader_wait(l, &err);
    CHECK("a wait starts a loader not yet started", got && got->n_stories == 1);
    library_free(got);
    loader_free(l);
    l = loader_new("/nonexistent/folder");
    got = loader_wait(l, &err);
    CHECK("a failed load says why", !got && err && strstr(err, "/nonexistent/folder"));
    free(err);
    loader_free(l);

    library_free(whole);
    free(hpath);
    free(wpath);
    free(cpath);
    free(path);
    buf_free(&huge);
    buf_free(&lw);
    buf_free(&l1);
    buf_free(&b);
    rmtree(d);
    free(d);
}

/* Files in the folder d (0 when there is none). */
static int files_in(const char *d)
{
    DIR *dir = opendir(d);
    int n = 0;
    for (struct dirent *e; dir && (e = readdir(dir)) != NULL;)
        n += e->d_name[0] != '.';
    if (dir)
        closedir(dir);
    return n;
}

/* Threads of this process (/proc/self/task). */
static int threads_now(void)
{
    return files_in("/proc/self/task");
}

/* A build another thread stops (quitting while the loader reads a long
 * story): it gives up and writes nothing to the caches; loader_free does
 * not wait for a pass under way (QUIRE_TEST_HOLD_BUILD holds the build
 * after its analysis, the stop not looked at, as a long parse would). */
static void test_stop(void)
{
    char *d = tempdir(), *cache_dir = tempdir();
    char *old_cache = getenv("XDG_CACHE_HOME") ? xstrdup(getenv("XDG_CACHE_HOME")) : NULL;
    char *old_off = getenv("QUIRE_NO_CACHE") ? xstrdup(getenv("QUIRE_NO_CACHE")) : NULL;
    setenv("XDG_CACHE_HOME", cache_dir, 1);
    unsetenv("QUIRE_NO_CACHE");
    char *qdir = xasprintf("%s/quire", cache_dir);
    struct buf b = {0};
    long_story(&b, "The Stopped Road", 510, true, "");
    put_aged(d, "long.txt", b.data);   /* old enough for the index cache */
    char *path = xasprintf("%s/long.txt", d);

    /* Stopped before it starts: NULL, said, nothing written. */
    struct library_stop *ls = library_stop_new();
    CHECK("a stop is not set when made", !library_stopped(ls) && !library_stopped(NULL));
    library_stop_set(ls);
    CHECK("set, it is seen", library_stopped(ls));
    char *err = NULL;
    struct library *lib = library_open_stoppable(path, ls, &err);
    CHECK("a stopped build gives no library and says so",
          !lib && err && strstr(err, "stopped") != NULL);
    free(err);
    err = NULL;
    CHECK("and writes no cache file", files_in(qdir) == 0);
    library_stop_free(ls);

    /* A folder of many files (analysed on two threads), stopped: the same. */
    char *many = tempdir();
    for (int i = 0; i < 40; i++) {
        char *rel = xasprintf("s%02d.txt", i), *txt = prose((unsigned)i + 700, 300, false);
        put_aged(many, rel, txt);
        free(rel);
        free(txt);
    }
    ls = library_stop_new();
    library_stop_set(ls);
    lib = library_open_stoppable(many, ls, &err);
    CHECK("a stopped folder build gives no library", !lib && err);
    free(err);
    err = NULL;
    CHECK("nor any cache file", files_in(qdir) == 0);
    library_stop_free(ls);

    /* Not stopped, the same builds write their caches: the checks above
     * can fail. */
    ls = library_stop_new();
    lib = library_open_stoppable(many, ls, &err);
    CHECK("not stopped, the folder is read", lib && lib->n_stories > 0);
    library_free(lib);
    CHECK("and its caches written", files_in(qdir) > 0);
    library_stop_free(ls);
    rmtree(qdir);

    /* The loader freed while its build is held (a pass a stop cannot cut
     * short): loader_free returns without waiting for it; let go, the
     * build sees the stop and writes nothing, and its thread ends. */
    char *hold = xasprintf("%s/hold", cache_dir), *held = xasprintf("%s/hold.held", cache_dir);
    setenv("QUIRE_TEST_HOLD_BUILD", hold, 1);
    int threads0 = threads_now();
    struct loader *l = loader_new(path);
    loader_go(l);
    while (access(held, F_OK) != 0)   /* the build reaches the hold */
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    CHECK("held: the loader is not done", !loader_ready(l));
    loader_free(l);   /* before the change: waited for the hold forever */
    CHECK("loader_free returns while the build is held", access(hold, F_OK) != 0);
    put(cache_dir, "hold", "");
    while (threads_now() > threads0)   /* the thread ends (and frees l) */
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    CHECK("let go, the stopped build writes no cache file", files_in(qdir) == 0);
    unsetenv("QUIRE_TEST_HOLD_BUILD");

    /* A loader freed after its build is done keeps what it wrote. */
    l = loader_new(path);
    loader_go(l);
    while (!loader_ready(l))
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    loader_free(l);
    CHECK("a loader let finish writes its caches", files_in(qdir) > 0);

    if (old_cache) {
        setenv("XDG_CACHE_HOME", old_cache, 1);
        free(old_cache);
    } else {
        unsetenv("XDG_CACHE_HOME");
    }
    if (old_off) {
        setenv("QUIRE_NO_CACHE", old_off, 1);
        free(old_off);
    }
    free(hold);
    free(held);
    free(path);
    free(qdir);
    buf_free(&b);
    rmtree(many);
    free(many);
    rmtree(d);
    free(d);
    rmtree(cache_dir);
    free(cache_dir);
}

/* The edition offset rule (story.h): what the builder fixes, the snapshot
 * checks; one rule for both. */
static void test_offset_rule(void)
{
    struct edition good = {.start = 2, .title_end = 3, .front_end = 4, .body = 5, .back = 8,
                           .end = 9};
    CHECK("offsets in order are valid", edition_offsets_ok(&good, 9));
    CHECK("an end past the text is not", !edition_offsets_ok(&good, 8));
    struct edition e = good;
    edition_offsets_fix(&e, 9);
    CHECK("fixing valid offsets changes nothing", memcmp(&e, &good, sizeof e) == 0);
    unsigned seed = 7;
    size_t bad = 0, fixed = 0;
    for (int i = 0; i < 20000; i++) {
        size_t v[6];
        for (int k = 0; k < 6; k++) {
            seed = seed * 1103515245u + 12345u;
            v[k] = (seed >> 16) % 12;
        }
        size_t len = v[0] % 10;
        struct edition r = {.start = v[1], .title_end = v[2], .front_end = v[3], .body = v[4],
                            .back = v[5], .end = v[0]};
        bad += !edition_offsets_ok(&r, len);
        edition_offsets_fix(&r, len);
        fixed += edition_offsets_ok(&r, len);
    }
    CHECK("most random offsets break the rule", bad > 10000);
    CHECK_INT("every fixed edition obeys it", fixed, 20000);
    struct story st = {.partial = true};
    story_end_partial(&st);
    CHECK("story_end_partial ends a partial story", !st.partial);
}

/* Does chapter ci of the story titled `title` hold `want` (its text read
 * now if the build let go of it)? */
static bool chapter_holds(struct library *lib, const char *title, size_t ci, const char *want)
{
    struct story *st = only_story(lib, title);
    if (!st || ci >= st->n_ch)
        return false;
    const char *t = NULL;
    const struct edition *e = chapter_text(&st->ch[ci], &t);
    return t && e->end > e->start && memmem(t + e->start, e->end - e->start, want, strlen(want));
}

/* A build of many files lets go of their texts once analysed (a listing of
 * 10,000 files kept them all mapped): opening a story reads them again, a
 * converted Windows-1252 file too.  A small build keeps them. */
static void test_texts_let_go(void)
{
    for (int many = 0; many <= 1; many++) {
        char *d = tempdir();
        int n = many ? 20 : 3;
        for (int i = 1; i <= n; i++) {
            char rel[32];
            snprintf(rel, sizeof rel, "road/c%02d.txt", i);
            put_chapter(d, rel, "Lantern Road by Mara Quill", i, (unsigned)i);
        }
        const char w1252[] = "Caf\xe9 Noir by Ines Ar\xe9valo\n\nChapter 1\n\nThe caf\xe9 "
                             "was empty, and the rain came down \x93like nails\x94 on the "
                             "glass, so she ordered another and waited.\n";
        put_bytes(d, "noir.txt", w1252, sizeof w1252 - 1);
        char *err = NULL;
        struct library *lib = library_open(d, &err);
        CHECK("the library opens", lib != NULL);
        size_t kept = 0;
        for (size_t i = 0; lib && i < lib->n_src; i++)
            kept += lib->src[i]->text != NULL;
        if (many)
            CHECK_INT("21 files: no text kept after the build", kept, 0);
        else
            CHECK_INT("4 files: every text kept", kept, 4);
        CHECK("a chapter's text is there when asked for",
              chapter_holds(lib, "Lantern Road", 1, "Chapter 2\n"));
        CHECK("the last chapter's too", chapter_holds(lib, "Lantern Road", (size_t)n - 1,
                                                      many ? "Chapter 20\n" : "Chapter 3\n"));
        CHECK("and a converted file's, converted again",
              chapter_holds(lib, "Caf\xc3\xa9 Noir", 0, "\xe2\x80\x9clike nails\xe2\x80\x9d"));
        library_free(lib);
        free(err);
        rmtree(d);
        free(d);
    }
}

/* The lead and sketch the build stores for text[from, to), as the build
 * made them with norm_word for every word (before the sketch hashed
 * plain ASCII words as it read them): the reference. */
static void reference_fingerprint(const char *t, size_t from, size_t to, struct buf *lead,
                                  uint64_t **sk, size_t *n_sk)
{
    struct norm n = {.t = t, .pos = from, .end = to};
    struct buf w = {0};
    uint64_t win[5] = {0};
    size_t nw = 0;
    *sk = NULL;
    *n_sk = 0;
    buf_add(lead, "", 0);
    while (norm_word(&n, &w)) {
        if (lead->len < 400 && !n.old_end)   /* the lead stops at the old end (norm.h) */
            buf_add(lead, w.data, w.len < 400 - lead->len ? w.len : 400 - lead->len);
        memmove(win, win + 1, 4 * sizeof *win);
        win[4] = fnv1a(FNV_OFFSET, w.data, w.len);
        if (++nw < 5)
            continue;
        uint64_t h = 0;
        for (int i = 0; i < 5; i++)
            h = (h << 7 | h >> 57) ^ win[i];
        h = norm_mix64(h);
        if (h % 8 == 0) {
            *sk = xreallocarray(*sk, *n_sk + 1, sizeof **sk);
            (*sk)[(*n_sk)++] = h;
        }
    }
    buf_free(&w);
    for (size_t i = 1; i < *n_sk; i++)   /* sorted, unique */
        for (size_t j = i; j > 0 && (*sk)[j - 1] > (*sk)[j]; j--) {
            uint64_t x = (*sk)[j];
            (*sk)[j] = (*sk)[j - 1];
            (*sk)[j - 1] = x;
        }
    size_t u = *n_sk ? 1 : 0;
    for (size_t i = 1; i < *n_sk; i++)
        if ((*sk)[i] != (*sk)[u - 1])
            (*sk)[u++] = (*sk)[i];
    *n_sk = u;
}

/* Opens the library folder d once, checking as `what` that it opens (its
 * sources' records go to the cache), and frees it. */
static void open_once(const char *what, const char *d)
{
    char *err = NULL;
    struct library *lib = library_open(d, &err);
    CHECK(what, lib != NULL);
    library_free(lib);
    free(err);
}

/* The sketch hashes a plain ASCII word as it reads it and hands every
 * other word to norm_word: the index cache's leads and sketches are what
 * norm_word's words give, around every case norm_word treats apart (a
 * lone lowercase i, b or u, markup that lost its brackets, '/', letters
 * past ASCII, combining marks, CJK, digits, a word at the text's end). */
static void test_sketch_words(void)
{
    static const char *const odd[] = {
        "i", "b", "u", "I", "B", "U", "word/i", "/b", "a/b", "x/", "and/or", "caf\xc3\xa9",
        "na\xc3\xaf" "ve", "\xc3\x89" "cole", "don\xe2\x80\x99" "t", "\xe2\x80\x9c" "quoted\xe2\x80\x9d",
        "e\xcc\x81" "t\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "1984", "A1", "\xe2\x80\x94", "--",
        "it's", "  ", "\t", "\xc2\xa0", "(i)", "[b]", "uu", "ib", "x\xe2\x80\xa6" "y", "ABC", "/",
    };
    char *d = tempdir(), *cache_dir = tempdir();
    char *old_cache = getenv("XDG_CACHE_HOME") ? xstrdup(getenv("XDG_CACHE_HOME")) : NULL;
    setenv("XDG_CACHE_HOME", cache_dir, 1);
    const char *ends[] = {"plain ending", "i", "caf\xc3\xa9", "x/i"};
    for (int k = 0; k < 4; k++) {
        struct buf b = {0};
        buf_printf(&b, "Chapter 1\n\n");
        unsigned x = 77u + (unsigned)k;
        for (int i = 0; i < 3000; i++) {
            x = x * 1103515245u + 12345u;
            bool strange = (x >> 16) % 5 == 0;
            const char *w = strange ? odd[(x >> 8) % (sizeof odd / sizeof *odd)]
                                    : vocab[(x >> 16) % (sizeof vocab / sizeof *vocab)];
            if (k == 3 && i == 2800)
                w = "i/i";   /* norm_word's walk ends there (a lone i, then /i) */
            buf_adds(&b, w);
            buf_adds(&b, i % 13 == 12 ? ".\n\n" : (x & 0x100) ? ", " : " ");
        }
        buf_adds(&b, ends[k]);   /* no line end after the last word */
        char rel[32];
        snprintf(rel, sizeof rel, "f%d.txt", k);
        put_aged(d, rel, b.data);
        buf_free(&b);
    }
    open_once("the library of strange words opens", d);
    struct cache *c = cache_open(d);
    for (int k = 0; k < 4; k++) {
        char rel[32];
        snprintf(rel, sizeof rel, "f%d.txt", k);
        char *path = xasprintf("%s/%s", d, rel);
        size_t len = 0;
        char *rerr = NULL;
        char *text = read_file(path, &len, &rerr);
        free(rerr);
        struct stat sb;
        struct cache_stamp st;
        const struct cache_file *cf = stat(path, &sb) == 0 ? cache_get(c, path, rel, &sb, &st) : NULL;
        CHECK("each file is in the index cache, sketched", cf && !cf->skip && cf->sketched && cf->n_pc == 1);
        if (cf && !cf->skip && cf->n_pc == 1 && text) {
            const struct cache_piece *p = &cf->pc[0];
            struct buf lead = {0};
            uint64_t *sk;
            size_t n_sk;
            reference_fingerprint(text, p->body, p->back, &lead, &sk, &n_sk);
            CHECK("the lead is norm_word's words", p->lead_len == lead.len &&
                  memcmp(p->lead, lead.data, lead.len) == 0);
            CHECK("the sketch is norm_word's words' shingles", p->n_sketch == n_sk &&
                  (!n_sk || memcmp(p->sketch, sk, n_sk * sizeof *sk) == 0));
            CHECK("and there is a sketch to compare", n_sk > 50);
            buf_free(&lead);
            free(sk);
        }
        free(text);
        free(path);
    }
    cache_free(c);
    if (old_cache) {
        setenv("XDG_CACHE_HOME", old_cache, 1);
        free(old_cache);
    } else {
        unsetenv("XDG_CACHE_HOME");
    }
    rmtree(d);
    rmtree(cache_dir);
    free(d);
    free(cache_dir);
}

/* Richness counts per line: a text with LF line ends (walked without a
 * search for CR) scores as the same text with CR LF and with lone CR
 * ends (decode_next_line), and the markup it counts is seen. */
static void test_richness_line_ends(void)
{
    char *d = tempdir(), *cache_dir = tempdir();
    char *old_cache = getenv("XDG_CACHE_HOME") ? xstrdup(getenv("XDG_CACHE_HOME")) : NULL;
    setenv("XDG_CACHE_HOME", cache_dir, 1);
    const char *ends[] = {"\n", "\r\n", "\r"};
    for (int k = 0; k < 3; k++) {
        struct buf b = {0};
        buf_printf(&b, "Chapter 1%s%s", ends[k], ends[k]);
        for (int i = 0; i < 60; i++) {
            buf_printf(&b, "%s \xe2\x80\x9c%s\xe2\x80\x9d said the *%s* i went/i, %s%s",
                       vocab[i % 40], vocab[(i + 3) % 40], vocab[(i + 7) % 40],
                       vocab[(i + 11) % 40], ends[k]);
            if (i % 10 == 9)
                buf_printf(&b, "%s* * *%s%s", ends[k], ends[k], ends[k]);
        }
        char rel[32];
        snprintf(rel, sizeof rel, "e%d.txt", k);
        put_aged(d, rel, b.data);
        buf_free(&b);
    }
    open_once("the library of three line ends opens", d);
    struct cache *c = cache_open(d);
    int rich[3] = {0};
    for (int k = 0; k < 3; k++) {
        char rel[32];
        snprintf(rel, sizeof rel, "e%d.txt", k);
        char *path = xasprintf("%s/%s", d, rel);
        struct stat sb;
        struct cache_stamp st;
        const struct cache_file *cf = stat(path, &sb) == 0 ? cache_get(c, path, rel, &sb, &st) : NULL;
        CHECK("each file is in the index cache", cf && !cf->skip && cf->n_pc >= 1);
        if (cf && !cf->skip && cf->n_pc >= 1)
            rich[k] = cf->pc[cf->n_pc - 1].richness;
        free(path);
    }
    CHECK("curly quotes, emphasis and breaks count, lost tags against", rich[0] != 0);
    CHECK_INT("LF and CR LF: one richness", rich[1], rich[0]);
    CHECK_INT("LF and lone CR: one richness", rich[2], rich[0]);
    cache_free(c);
    if (old_cache) {
        setenv("XDG_CACHE_HOME", old_cache, 1);
        free(old_cache);
    } else {
        unsetenv("XDG_CACHE_HOME");
    }
    rmtree(d);
    rmtree(cache_dir);
    free(d);
    free(cache_dir);
}

/* A large library's shared samples are counted and its stories
 * assembled on two threads (the later postings, the later groups on a
 * thread of their own): the editions found, the stories, their order and
 * ids, and the notes in their order are one thread's. */
static void test_assembly_threads(void)
{
    char *d = tempdir();
    for (int i = 0; i < 40; i++) {
        char rel[64];
        /* every story has notes: story.ini names a missing file and
         * leaves one out; every third has a loose file that is an
         * edition of its first chapter */
        snprintf(rel, sizeof rel, "s%02d/story.ini", i);
        char *ini = xasprintf("title = Story %d\norder = c2.txt gone.txt\n", i);
        put(d, rel, ini);
        free(ini);
        for (int c = 1; c <= 2; c++) {
            snprintf(rel, sizeof rel, "s%02d/c%d.txt", i, c);
            put_chapter(d, rel, NULL, c, (unsigned)(i * 10 + c));
        }
        if (i % 3 == 0) {
            snprintf(rel, sizeof rel, "loose/copy%02d.txt", i);
            put_chapter(d, rel, NULL, 1, (unsigned)(i * 10 + 1));
        }
    }
    setenv("QUIRE_NO_CACHE", "1", 1);
    struct library *lib[2];
    char *printed_by[2];
    for (int t = 0; t < 2; t++) {
        setenv("QUIRE_BUILD_THREADS", t ? "2" : "1", 1);
        char *err = NULL;
        lib[t] = library_open(d, &err);
        free(err);
        printed_by[t] = lib[t] ? printed(lib[t], true) : NULL;
    }
    unsetenv("QUIRE_BUILD_THREADS");
    unsetenv("QUIRE_NO_CACHE");
    CHECK("both builds open", lib[0] && lib[1]);
    if (lib[0] && lib[1]) {
        CHECK_INT("40 stories", lib[0]->n_stories, 40);
        CHECK_INT("the same stories on two threads", lib[1]->n_stories, lib[0]->n_stories);
        bool same = lib[0]->n_stories == lib[1]->n_stories;
        for (size_t i = 0; same && i < lib[0]->n_stories; i++)
            same = strcmp(lib[0]->stories[i].id, lib[1]->stories[i].id) == 0 &&
                   strcmp(lib[0]->stories[i].title, lib[1]->stories[i].title) == 0 &&
                   lib[0]->stories[i].n_ch == lib[1]->stories[i].n_ch;
        CHECK("in the same order, with the same ids and chapters", same);
        CHECK("notes for every story", lib[0]->n_notes >= 80);
        CHECK_INT("as many notes on two threads", lib[1]->n_notes, lib[0]->n_notes);
        same = lib[0]->n_notes == lib[1]->n_notes;
        for (size_t i = 0; same && i < lib[0]->n_notes; i++)
            same = strcmp(lib[0]->notes[i], lib[1]->notes[i]) == 0;
        CHECK("the same notes in the same order", same);
        size_t joined = 0;
        for (size_t i = 0; i < lib[0]->n_notes; i++)
            joined += strstr(lib[0]->notes[i], "so it joins it") != NULL;
        CHECK_INT("a loose copy joins its story (an edition) in both halves", joined, 14);
        CHECK("the same listing", printed_by[0] && printed_by[1] &&
              strcmp(printed_by[0], printed_by[1]) == 0);
    }
    for (int t = 0; t < 2; t++) {
        library_free(lib[t]);
        free(printed_by[t]);
    }
    rmtree(d);
    free(d);
}

static int cmp_nat_then_bytes(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int c = natcmp(x, y);
    return c ? c : strcmp(x, y);
}

/* A folder's files are walked in natural name order (natcmp, then
 * bytes): the walk's comparison, which skips the names' common start,
 * orders every pair as natcmp does, around digit runs, leading zeros
 * and case. */
static void test_walk_order(void)
{
    static const char *const parts[] = {"ch", "Ch", "CH", "0", "00", "1", "01", "001", "9", "10",
                                        "099", "100", "-", "_", "a", "b", "B", "x1", "x01"};
    char *d = tempdir();
    char *names[300];
    size_t n = 0;
    unsigned x = 99;
    while (n < 300) {
        char name[64] = "s";
        for (int k = 0; k < 4; k++) {
            x = x * 1103515245u + 12345u;
            strcat(name, parts[(x >> 16) % (sizeof parts / sizeof *parts)]);
        }
        strcat(name, ".txt");
        bool dup = false;
        for (size_t i = 0; i < n && !dup; i++)
            dup = strcmp(names[i], name) == 0;
        if (dup)
            continue;
        names[n++] = xstrdup(name);
        put(d, name, "Some words.\n");
    }
    struct scan_result r;
    char *err = NULL;
    CHECK("the folder is walked", scan_tree(d, &r, &err) == 0);
    qsort(names, n, sizeof *names, cmp_nat_then_bytes);
    bool same = r.n_files == n;
    for (size_t i = 0; same && i < n; i++)
        same = strcmp(r.files[i].relpath, names[i]) == 0;
    CHECK("in natural order, as natcmp orders the names", same);
    scan_result_free(&r);
    free(err);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    rmtree(d);
    free(d);
}

int main(void)
{
    test_offset_rule();
    test_errors();
    test_grouping_and_order();
    test_restarting_numbers();
    test_title_only();
    test_ambiguous();
    test_editions();
    test_edition_gaps();
    test_edition_gap_bookmark();
    test_identity();
    test_identity_by_what_it_says();
    test_identity_twins();
    test_skipping();
    test_blocks_and_percent();
    test_tsv_fields();
    test_head_and_loader();
    test_stop();
    test_open_at();
    test_open_at_long_line();
    test_open_at_long_chapter();
    test_texts_let_go();
    test_sketch_words();
    test_richness_line_ends();
    test_assembly_threads();
    test_walk_order();
    return check_summary();
}
