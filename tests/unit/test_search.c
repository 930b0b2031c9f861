/* test_search.c — search.c: case- and normalisation-insensitive search with
 * exact source offsets, forward and backward, on cluster boundaries. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "parse.h"
#include "search.h"
#include "util.h"

/* Find `needle` in `text` forward from `from`; returns the hit offset or -1,
 * and the hit's end in *end. */
static long find(const char *text, const char *needle, size_t from, bool back, size_t *end)
{
    struct search *s = search_new(needle, strlen(needle));
    size_t h = 0, e = 0;
    bool ok = s && search_find(s, text, 0, strlen(text), from, back, &h, &e);
    search_free(s);
    if (end)
        *end = e;
    return ok ? (long)h : -1;
}

static void test_basic(void)
{
    size_t e;
    const char *t = "The Cat sat on the mat. THE END.";
    CHECK_INT("finds a word", find(t, "cat", 0, false, &e), 4);
    CHECK_INT("hit end is exact", e, 7);
    CHECK_INT("case-insensitive", find(t, "the end", 0, false, NULL), 24);
    CHECK_INT("forward from an offset skips earlier hits", find(t, "the", 1, false, NULL), 15);
    CHECK_INT("a hit starting exactly at from counts", find(t, "the", 15, false, NULL), 15);
    CHECK_INT("backward finds the last hit before from", find(t, "the", 24, true, NULL), 15);
    CHECK_INT("backward from the end", find(t, "the", strlen(t), true, NULL), 24);
    CHECK_INT("backward: nothing before the first", find(t, "the", 0, true, NULL), -1);
    CHECK_INT("no match", find(t, "dog", 0, false, NULL), -1);
    CHECK("an empty needle compiles to nothing", search_new("  \n ", 4) == NULL);
    search_free(NULL);
}

static void test_unicode(void)
{
    size_t e;
    const char *t = "Die Stra\xc3\x9f" "e war lang. Ein Caf\xc3\xa9 und CAF\xc3\x89, cafe.";
    CHECK_INT("STRASSE finds Stra\xc3\x9f" "e", find(t, "STRASSE", 0, false, &e), 4);
    CHECK_INT("its end is after the \xc3\x9f" "e", e, 11);
    CHECK_INT("stra\xc3\x9f" "e finds itself", find(t, "stra\xc3\x9f" "e", 0, false, NULL), 4);
    CHECK_INT("caf\xc3\xa9 finds Caf\xc3\xa9", find(t, "caf\xc3\xa9", 0, false, NULL), 26);
    CHECK_INT("and CAF\xc3\x89", find(t, "caf\xc3\xa9", 27, false, NULL), 36);
    CHECK_INT("decomposed e + U+0301 matches precomposed", find(t, "cafe\xcc\x81", 0, false, NULL), 26);
    CHECK_INT("cafe does not match inside Caf\xc3\xa9 (cluster boundary)", find(t, "cafe", 0, false, NULL), 43);

    const char *lig = "A \xef\xac\x81" "ne day, a fine one.";
    CHECK_INT("fi finds the \xef\xac\x81 ligature", find(lig, "fine", 0, false, &e), 2);
    CHECK_INT("the ligature hit ends in the source", e, 7);

    const char *greek = "\xce\xa3\xce\x9f\xce\xa6\xce\x9f\xce\xa3 and \xcf\x83\xce\xbf\xcf\x86\xce\xbf\xcf\x82";
    CHECK_INT("final sigma: \xcf\x83\xce\xbf\xcf\x86\xce\xbf\xcf\x82 finds \xce\xa3\xce\x9f\xce\xa6\xce\x9f\xce\xa3",
              find(greek, "\xcf\x83\xce\xbf\xcf\x86\xce\xbf\xcf\x82", 0, false, NULL), 0);
    CHECK_INT("and the lower-case one after it",
              find(greek, "\xce\xa3\xce\x9f\xce\xa6\xce\x9f\xce\xa3", 1, false, NULL), 15);

    const char *cjk = "\xe6\xad\xa4\xe9\x96\x8b\xe5\x8d\xb7\xe7\xac\xac\xe4\xb8\x80\xe5\x9b\x9e"
                      "\xe4\xb9\x9f\xef\xbc\x8e\xe4\xbd\x9c\xe8\x80\x85";
    CHECK_INT("CJK", find(cjk, "\xe7\xac\xac\xe4\xb8\x80\xe5\x9b\x9e", 0, false, &e), 9);
    CHECK_INT("CJK hit end", e, 18);
    CHECK_INT("fullwidth \xef\xbc\x8e matches a full stop (NFKD)", find(cjk, "\xe4\xb9\x9f.", 0, false, NULL), 18);

    const char *flags = "\xf0\x9f\x87\xab\xf0\x9f\x87\xb7\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa";
    CHECK_INT("a flag is found whole", find(flags, "\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa", 0, false, NULL), 8);
    CHECK_INT("never half a flag", find(flags, "\xf0\x9f\x87\xb7\xf0\x9f\x87\xa9", 0, false, NULL), -1);

    const char *shy = "a hy\xc2\xadphen\xc2\xad" "ated word";
    CHECK_INT("soft hyphens are ignored", find(shy, "hyphenated", 0, false, &e), 2);
    CHECK_INT("end past the soft hyphens", e, 16);
}

static void test_whitespace(void)
{
    size_t e;
    const char *t = "He said that\r\n   the dog\tbarked at  the\n\nmoon.";
    CHECK_INT("a phrase across a hard line break", find(t, "that the dog", 0, false, &e), 8);
    CHECK_INT("whose end is exact", e, 24);
    CHECK_INT("tabs and space runs match one space", find(t, "dog barked at the moon", 0, false, NULL), 21);
    CHECK_INT("needle whitespace folds too", find(t, "that \n  the", 0, false, NULL), 8);
    CHECK_INT("backward across a line break", find(t, "that the", strlen(t), true, NULL), 8);

    /* issue 14 item 8: shown joined, found joined */
    t = "la foire Saint-\nRomain et au-\r\n  dessus, so --\nthen";
    CHECK_INT("a word hyphenated at a line end is found whole", find(t, "Saint-Romain", 0, false, &e), 9);
    CHECK_INT("to its end", e, 22);
    CHECK_INT("across CR LF and an indent", find(t, "au-dessus", 0, false, NULL), 26);
    CHECK_INT("backward too", find(t, "saint-romain", strlen(t), true, NULL), 9);
    CHECK_INT("a punctuation dash keeps its space", find(t, "so -- then", 0, false, NULL), 41);
    CHECK_INT("and is not joined", find(t, "--then", 0, false, NULL), -1);

    /* issue 14 item 14: a Markdown escape's backslash is markup */
    t = "the school\\'s fee was \\$5, a \\\\ and C:\\Users";
    CHECK_INT("school's finds school\\'s", find(t, "school's", 0, false, &e), 4);
    CHECK_INT("to its end", e, 13);
    CHECK_INT("$5 finds \\$5", find(t, "was $5,", 0, false, NULL), 18);
    CHECK_INT("an escaped backslash is one", find(t, "a \\ and", 0, false, NULL), 27);
    CHECK_INT("a backslash before a letter is text", find(t, "C:\\Users", 0, false, NULL), 36);
}

/* What the layout shows as markup and not as text is skipped: emphasis
 * markers, the converter's underline and strike bytes, an escape's
 * backslash; a phrase running into an emphasised word is found. */
static void test_markers(void)
{
    size_t e;
    const char *t = "the *big* dog";
    CHECK_INT("*big*: the big dog is found", find(t, "the big dog", 0, false, &e), 0);
    CHECK_INT("to the end of dog", e, 13);
    CHECK_INT("_big_", find("the _big_ dog", "the big dog", 0, false, NULL), 0);
    CHECK_INT("**big** (bold)", find("the **big** dog", "the big dog", 0, false, NULL), 0);
    CHECK_INT("***big*** (bold italic)", find("the ***big*** dog", "the big dog", 0, false, NULL), 0);
    CHECK_INT("a span of words", find("so *the big* dog", "so the big dog", 0, false, NULL), 0);
    t = "the \x0e" "big\x0f dog and the \x1c" "big\x1d dog";
    CHECK_INT("underlined (SO/SI)", find(t, "the big dog", 0, false, &e), 0);
    CHECK_INT("its end", e, 13);
    CHECK_INT("struck (FS/GS)", find(t, "the big dog", 1, false, NULL), 18);
    CHECK_INT("nested underline and italics",
              find("the \x0e*big*\x0f dog", "the big dog", 0, false, NULL), 0);
    CHECK_INT("spaces inside the underline are one",
              find("the \x0e big \x0f dog", "the big dog", 0, false, NULL), 0);

    /* at the needle's start and end */
    t = "*The big* dog, *the big dog*.";
    CHECK_INT("a marker before the needle: the hit starts at the word", find(t, "the big", 0, false, &e), 1);
    CHECK_INT("a marker after it is folded with it", e, 9);
    CHECK_INT("markers at both ends", find(t, "the big dog", 2, false, &e), 16);
    CHECK_INT("the closing marker is inside the hit", e, 28);
    CHECK_INT("backward across markers", find(t, "the big dog", strlen(t), true, NULL), 16);
    CHECK_INT("backward: the first one", find(t, "big dog", 16, true, NULL), 5);

    /* folding still works across markers */
    CHECK_INT("case", find("The *BIG* Dog", "the big dog", 0, false, NULL), 0);
    CHECK_INT("NFKD: a ligature in italics", find("a *\xef\xac\x81ne* day", "a fine day", 0, false, NULL), 0);
    CHECK_INT("a marker before a non-ASCII letter",
              find("an *\xc3\x89" "clair* too", "an \xc3\xa9" "clair too", 0, false, &e), 0);
    CHECK_INT("its end", e, 16);
    CHECK_INT("Cyrillic in italics", find("*\xd1\x81\xd0\xbb\xd0\xbe\xd0\xb2\xd0\xbe* x",
                                          "\xd1\x81\xd0\xbb\xd0\xbe\xd0\xb2\xd0\xbe x", 0, false, NULL), 1);

    /* never a marker the layout shows */
    CHECK_INT("snake_case is one word, shown with its _", find("a snake_case here", "snakecase", 0, false, NULL), -1);
    CHECK_INT("2*3 shows its *", find("so 2*3 is", "23", 0, false, NULL), -1);
    CHECK_INT("5 * 3 shows its *", find("so 5 * 3 is", "5 3", 0, false, NULL), -1);
    CHECK_INT("an underline opener inside a word is shown",
              find("a\x0e" "b c\x0f", "ab", 0, false, NULL), -1);

    /* escapes: the backslash is markup, the character after it text */
    t = "5 \\* 3 is *big*";
    CHECK_INT("an escaped \\* is a star: 5 * 3", find(t, "5 * 3", 0, false, &e), 0);
    CHECK_INT("to the 3", e, 6);
    CHECK_INT("and the escape in the needle is the same", find(t, "5 \\* 3", 0, false, NULL), 0);
    CHECK_INT("it is not skipped as a marker is", find(t, "5 3", 0, false, NULL), -1);
    CHECK_INT("but the markers after it are", find(t, "3 is big", 0, false, NULL), 5);

    /* a needle holding the marker character searches it as text */
    t = "the *big* dog";
    CHECK_INT("*big* finds the source", find(t, "*big*", 0, false, &e), 4);
    CHECK_INT("to its closing star", e, 9);
    CHECK_INT("the big* does not find the big (the star is text)", find(t, "the big*", 0, false, NULL), -1);
    CHECK_INT("snake_case finds snake_case", find("a snake_case", "snake_case", 0, false, NULL), 2);
    CHECK_INT("but a needle with _ still skips *", find("a *b_c* d", "a b_c d", 0, false, NULL), 0);
    CHECK_INT("a fullwidth star (NFKD *) in the needle is a star",
              find("a *b* c", "\xef\xbc\x8a" "b", 0, false, NULL), 2);

    /* a long run kept as text is decided once, not once per star (that
     * was quadratic: 200,000 stars between two letters) */
    struct buf b = {0};
    buf_adds(&b, "x a");
    for (int i = 0; i < 200000; i++)
        buf_addc(&b, '*');
    buf_adds(&b, "b, the *big* dog");
    CHECK_INT("past a long run of stars between letters", find(b.data, "the big dog", 0, false, NULL),
              (long)b.len - 13);
    CHECK_INT("which is text: a*...*b is not ab", find(b.data, "ab", 0, false, NULL), -1);
    CHECK_INT("backward too", find(b.data, "the big dog", b.len, true, NULL), (long)b.len - 13);
    buf_free(&b);
}

/* The rule never hides a real hit: in 3,000 random paragraphs of words, spaces
 * and markers, every stretch of the text as markup_scan leaves it shown
 * (its hidden bytes dropped) that holds no marker character is found where
 * it is shown. */
static void test_markers_shown(void)
{
    static const char alpha[] = "ab *_*_\\.\x0e\x0f\x1c\x1d";
    unsigned r = 12345;
    size_t tried = 0, missed = 0;
    char first_miss[64] = "";
    for (int round = 0; round < 3000; round++) {
        char p[24];
        size_t n = 4 + round % 17;
        for (size_t i = 0; i < n; i++) {
            r = r * 1103515245u + 12345u;
            p[i] = alpha[(r >> 16) % (sizeof alpha - 1)];
        }
        p[n] = '\0';
        uint8_t cls[24];
        markup_scan(p, n, cls);
        /* the shown text, cut at every marker character it still shows */
        char seg[24];
        size_t k = 0, at = 0;   /* at: where its first non-space is */
        bool blank = true;
        for (size_t i = 0; i <= n; i++) {
            bool cut = i == n;
            if (!cut && (cls[i] & MARKUP_HIDDEN))
                continue;
            if (!cut && strchr("*_\\\x0e\x0f\x1c\x1d", p[i]))
                cut = true;
            if (!cut) {
                if (p[i] != ' ' && blank)
                    at = i;
                blank &= p[i] == ' ';
                seg[k++] = p[i];
                continue;
            }
            seg[k] = '\0';
            struct search *s = search_new(seg, k);
            if (s) {
                size_t h, e;
                tried++;
                /* found where its first character is shown */
                bool ok = search_find(s, p, 0, n, at, false, &h, &e) && h == at;
                if (!ok && missed++ == 0)
                    snprintf(first_miss, sizeof first_miss, "%s", p);
                search_free(s);
            }
            k = 0;
            blank = true;
        }
    }
    char label[160];
    snprintf(label, sizeof label, "every shown stretch is found (%zu tried, %zu missed; first: %s)",
             tried, missed, first_miss);
    CHECK(label, missed == 0 && tried > 5000);
}

/* Chunk boundaries: hits straddling the 64 KB fold steps, both ways. */
static void test_long(void)
{
    size_t n = 300000;
    char *t = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        t[i] = "abcdefgh \n"[i % 10];
    t[n] = '\0';
    const char *mark = "Stra\xc3\x9f" "e";   /* 7 bytes */
    size_t at[] = {65530, 131070, 200001, 299990};
    for (size_t i = 0; i < 4; i++)
        memcpy(t + at[i], mark, 7);
    struct search *s = search_new("STRASSE", 7);
    size_t h, e, from = 0, k = 0;
    bool all = true;
    while (search_find(s, t, 0, n, from, false, &h, &e)) {
        if (k >= 4 || h != at[k] || e != at[k] + 7)
            all = false;
        k++;
        from = h + 1;
    }
    CHECK("forward finds every hit across chunk boundaries, offsets exact", all && k == 4);
    from = n;
    k = 4;
    all = true;
    while (search_find(s, t, 0, n, from, true, &h, &e)) {
        if (k == 0 || h != at[k - 1])
            all = false;
        k--;
        from = h;
    }
    CHECK("backward finds them all in reverse", all && k == 0);
    CHECK("within [lo, hi): a hit ending past hi is not found",
          !search_find(s, t, 0, at[0] + 6, 0, false, &h, &e));
    CHECK("within [lo, hi): lo excludes earlier hits",
          search_find(s, t, at[0] + 1, n, 0, false, &h, &e) && h == at[1]);
    search_free(s);

    /* speed: 32 MB with no hit, mostly ASCII with some accents */
    size_t big = 32u << 20;
    char *b = xmalloc(big);
    for (size_t i = 0; i < big; i++)
        b[i] = "The quick brown fox jumps over the lazy dog.\n"[i % 45];
    for (size_t i = 1000; i + 2 < big; i += 997) {
        b[i] = (char)0xc3;
        b[i + 1] = (char)0xa9;
    }
    s = search_new("zebra crossing", 14);
    clock_t c0 = clock();
    bool hit = search_find(s, b, 0, big, 0, false, &h, &e);
    double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    printf("32 MB forward search, no hit: %.3f s (sanitizer build)\n", secs);
    CHECK("no false hit in 32 MB", !hit);
    CHECK("32 MB searched in under 5 s even under sanitizers", secs < 5.0);
    search_free(s);
    free(b);
    free(t);
}

/* A paragraph the parser cut into pieces (a line longer than
 * PARSE_PARA_MAX) is searched as the text it is: a phrase across a cut is
 * found where it starts. */
static void test_across_cut(void)
{
    static const char *w[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"};
    struct buf t = {0};
    unsigned r = 7;
    while (t.len < 3 * PARSE_PARA_MAX) {
        r = r * 1103515245u + 12345u;
        buf_adds(&t, w[(r >> 16) % 7]);
        buf_addc(&t, ' ');
    }
    struct block *bb;
    size_t nb = parse_blocks(t.data, 0, t.len, 0, t.len, &bb);
    CHECK("the line is cut into pieces", nb >= 3 && (bb[1].flags & BLOCK_CONT));
    size_t c = nb >= 2 ? bb[1].off : t.len / 2, a = c - 20, h = 0, e = 0;
    /* the phrase from 20 bytes before the cut to 20 after, from the word
     * it starts in */
    while (a > 0 && t.data[a - 1] != ' ')
        a--;
    struct search *s = search_new(t.data + a, c + 20 - a);
    bool found = search_find(s, t.data, 0, t.len, 0, false, &h, &e);
    while (found && h < a)
        found = search_find(s, t.data, 0, t.len, h + 1, false, &h, &e);
    CHECK("a phrase across the cut is found where it starts", found && h == a && e == c + 20);
    search_free(s);
    free(bb);
    buf_free(&t);
}

/* search_each (one pass) gives exactly the hits of search_find from the
 * start and then from each hit + 1: on a real novel and on text with
 * accents, case, repeated and overlapping hits, across 64 KiB windows. */
struct gathered {
    size_t n, cap, *at, *end;
};

static bool gather(void *ctx, size_t a, size_t b)
{
    struct gathered *g = ctx;
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 64;
        g->at = xrealloc(g->at, g->cap * sizeof *g->at);
        g->end = xrealloc(g->end, g->cap * sizeof *g->end);
    }
    g->at[g->n] = a;
    g->end[g->n++] = b;
    return true;
}

static void same_hits(const char *what, const char *text, size_t len, const char *needle)
{
    struct search *s = search_new(needle, strlen(needle));
    struct gathered g = {0};
    size_t n = search_each(s, text, 0, len, gather, &g);
    bool same = n == g.n;
    size_t k = 0, from = 0, h, e;
    while (search_find(s, text, 0, len, from, false, &h, &e)) {
        same &= k < g.n && g.at[k] == h && g.end[k] == e;
        k++;
        from = h + 1;
    }
    same &= k == g.n;
    char label[160];
    snprintf(label, sizeof label, "%s: \"%s\" found %zu times, as search_find finds them", what,
             needle, g.n);
    CHECK(label, same && g.n > 0);
    free(g.at);
    free(g.end);
    search_free(s);
}

static void test_each(void)
{
    size_t n = 0;
    char *err = NULL;
    char *t = read_file("tests/data/corpus/alice-in-wonderland_pg11-0.txt", &n, &err);
    CHECK("Alice is read", t != NULL);
    if (t) {
        same_hits("Alice", t, n, "the");
        same_hits("Alice", t, n, "Alice");
        same_hits("Alice", t, n, "e");
        same_hits("Alice", t, n, "said the");
        free(t);
    }
    free(err);
    struct buf b = {0};
    for (int i = 0; i < 20000; i++)
        buf_adds(&b, i % 3 ? "Caf\xc3\xa9 aaa CAFE\xcc\x81 " : "cafe\n\n");
    same_hits("accents and case", b.data, b.len, "caf\xc3\xa9");
    same_hits("overlapping", b.data, b.len, "aa");
    buf_free(&b);
    /* markers of every kind, at every distance from the 64 KiB windows'
     * edges (the pattern's length is prime to the window's) */
    static const char *marked[] = {
        "the *big* dog ", "the _big_ dog\n\n", "*the big dog*, ", "the \x0e" "big\x0f dog ",
        "the \x1c" "big dog\x1d. ", "the **big** dog ", "the \\*big\\* dog ", "the big_dog ",
        "the \x0e*big*\x0f dog ", "*\xc3\xa9t\xc3\xa9* big dog ",
    };
    for (int i = 0; i < 12000; i++)   /* about 190 KB: three windows */
        buf_adds(&b, marked[i % 10]);
    same_hits("markers", b.data, b.len, "the big dog");
    same_hits("markers", b.data, b.len, "big");
    same_hits("markers", b.data, b.len, "big dog");
    same_hits("markers", b.data, b.len, "*big*");
    same_hits("markers", b.data, b.len, "\xc3\xa9t\xc3\xa9 big");
    buf_free(&b);
}

/* search_pace: ticks as the search reads, counted across calls; a tick
 * that says stop stops that search and every later one until the pace is
 * set again; a search inside the tick neither ticks nor stops. */
struct ticker {
    int calls, stop_at;     /* stop_at: the call that says stop (0: never) */
    struct search *s;       /* nested: search through s inside the tick */
    const char *text;
    size_t n;
    int depth, deepest;
    bool nested_found;
};

static bool tick(void *ctx)
{
    struct ticker *k = ctx;
    k->calls++;
    k->depth++;
    if (k->depth > k->deepest)
        k->deepest = k->depth;
    if (k->s) {
        size_t a, b;
        k->nested_found = search_find(k->s, k->text, 0, k->n, 0, false, &a, &b) && a == 0;
    }
    k->depth--;
    return k->stop_at == 0 || k->calls < k->stop_at;
}

static void test_pace(void)
{
    struct buf b = {0};
    buf_adds(&b, "needle at the start. ");
    while (b.len < 2 * 1024 * 1024)
        buf_adds(&b, "Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n");
    size_t last = b.len;
    buf_adds(&b, "And the needle at the end.\n");
    struct search *s = search_new("needle", 6);
    size_t a, e;

    struct ticker k = {0};
    search_pace(s, tick, &k);
    CHECK("paced: the hit at the end is found", search_find(s, b.data, 0, b.len, 1, false, &a, &e) &&
                                                    a == last + 8);
    CHECK("about one tick per 256 KiB read (2 MB: 7 or 8)", k.calls >= 7 && k.calls <= 8);
    CHECK("not stopped", !search_stopped(s));

    k = (struct ticker){.stop_at = 2};
    search_pace(s, tick, &k);
    CHECK("a tick saying stop: not found", !search_find(s, b.data, 0, b.len, 1, false, &a, &e));
    CHECK("stopped at the second tick", k.calls == 2 && search_stopped(s));
    CHECK("a later search stops at once", !search_find(s, b.data, 0, b.len, 0, false, &a, &e));
    CHECK("without ticking", k.calls == 2);
    CHECK("search_each too: nothing", search_each(s, b.data, 0, b.len, NULL, NULL) == 0);
    search_pace(s, NULL, NULL);
    CHECK("the pace set again: not stopped", !search_stopped(s));
    CHECK("found again", search_find(s, b.data, 0, b.len, 1, false, &a, &e) && a == last + 8);

    k = (struct ticker){.stop_at = 3};
    search_pace(s, tick, &k);
    CHECK("backward, stopped: not found", !search_find(s, b.data, 0, b.len, last, true, &a, &e));
    CHECK("backward ticks too", k.calls == 3 && search_stopped(s));

    /* many short ranges tick as one long one: 64 ranges of 32 KiB */
    k = (struct ticker){0};
    search_pace(s, tick, &k);
    for (size_t i = 1; i <= 64; i++)
        search_find(s, b.data, (i - 1) * 32768 + 1, i * 32768, 0, false, &a, &e);
    CHECK("short ranges: one tick per 256 KiB in all (2 MB: 7 or 8)", k.calls >= 7 && k.calls <= 8);

    /* a search inside the tick (a frame drawn) neither ticks nor stops */
    k = (struct ticker){.s = s, .text = b.data, .n = b.len};
    search_pace(s, tick, &k);
    CHECK("with a search in the tick: found", search_find(s, b.data, 0, b.len, 1, false, &a, &e) &&
                                                  a == last + 8);
    CHECK("the search in the tick found its hit", k.nested_found);
    CHECK("and never ticked itself", k.deepest == 1);

    search_pace(s, NULL, NULL);
    search_stop(s);
    CHECK("search_stop: stopped before any work", search_stopped(s) &&
                                                    !search_find(s, b.data, 0, b.len, 0, false, &a, &e));
    search_pace(s, NULL, NULL);
    search_free(s);
    buf_free(&b);
}

int main(void)
{
    test_basic();
    test_unicode();
    test_whitespace();
    test_markers();
    test_markers_shown();
    test_long();
    test_across_cut();
    test_each();
    test_pace();
    return check_summary();
}
