/* test_derived.c — the derived-text cache (derived.h): a conversion
 * written and read back (text, blocks, chapters, title, author, format);
 * nothing used when it is off, for another stamp of the file, another
 * EBOOK_VERSION, another file's path, or a file corrupt or cut short (then
 * the door converts again and rewrites it: decode.h's ebook stub); a
 * chapters section out of order refused without a leak; the folder
 * bounded to DERIVED_MAX_FILES.  With QUIRE_FUZZ_SEEDS, fuzz_derived's
 * seeds written (write_seeds). */
#include "check.h"
#include "scratch.h"
#include "decode.h"
#include "derived.h"
#include "util.h"

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* The same length as fuzz_derived's folder (its seeds hold this path):
 * fixed under /tmp, not scratch_dir's $TMPDIR. */
static char dir[] = "/tmp/quire-derived-XXXXXX";

static const char story[] = "The Tale\n\nChapter 1\n\nIt was *dark*.\n\nChapter 2\n\nIt was light.\n";

/* A conversion of `story` by hand: two chapters, five blocks. */
static void make_ebook(struct ebook *eb)
{
    memset(eb, 0, sizeof *eb);
    eb->text = xstrdup(story);
    eb->len = strlen(story);
    static const struct block b[] = {
        {0, 8, BLOCK_HEADING, BLOCK_FRONT}, {10, 19, BLOCK_HEADING, 0}, {21, 35, BLOCK_PARA, 0},
        {37, 46, BLOCK_HEADING, 0},         {48, 61, BLOCK_PARA, BLOCK_QUOTE},
    };
    eb->n_blocks = sizeof b / sizeof *b;
    eb->blocks = xmalloc(sizeof b);
    memcpy(eb->blocks, b, sizeof b);
    eb->format = xstrdup("EPUB 3");
    eb->pr.title = xstrdup("The Tale");
    eb->pr.author = NULL;
    eb->pr.n_ch = 2;
    eb->pr.ch = xcalloc(2, sizeof *eb->pr.ch);
    eb->pr.ch[0] = (struct parse_chapter){0, 37, 10, 19, 37, xstrdup("Chapter 1"), 1};
    eb->pr.ch[1] = (struct parse_chapter){37, eb->len, 37, 46, eb->len, xstrdup("Two\nlines"), 2};
}

static void free_ebook(struct ebook *eb)
{
    free(eb->text);
    free(eb->blocks);
    free(eb->format);
    parse_result_free(&eb->pr);
}

static char *write_file(const char *name, const char *data)
{
    char *p = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    CHECK("a file is written", f && fputs(data, f) >= 0 && fclose(f) == 0);
    return p;
}

static char *slurp(const char *path, size_t *n)
{
    char *e = NULL;
    char *s = read_file(path, n, &e);
    free(e);
    return s;
}

/* The first `needle` in h[0, n), or NULL. */
static char *find(char *h, size_t n, const char *needle)
{
    size_t l = strlen(needle);
    for (size_t i = 0; i + l <= n; i++)
        if (memcmp(h + i, needle, l) == 0)
            return h + i;
    return NULL;
}

static void put(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "w");
    CHECK("rewritten", f && fwrite(data, 1, n, f) == n && fclose(f) == 0);
}

/* The header's digest of the derived file d (its `sum` line: the header
 * up to that line, then the len bytes of text at t) made right again after
 * a change to the header. */
static void reseal_header(char *d, size_t t, size_t len)
{
    char *sum = strstr(d, "\nsum ");
    uint64_t h = fnv1a(FNV_OFFSET, d, (size_t)(sum + 1 - d));
    h = fnv1a(h, d + t, len);
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
    memcpy(sum + 5, hex, 16);
}

/* Does the derived file of `path` open (and so would be used)? */
static bool opens(const char *path)
{
    struct derived_key k;
    struct derived d;
    bool ok = derived_key_of(path, &k) && derived_open(path, &k, &d);
    derived_close(&d);
    return ok;
}

/* The chapters section f[coff, n)'s digests made right for its bytes:
 * each group's (its line: "group START AT DIGEST"), then the last line's
 * (the head lines and the group lines: "csum DIGEST TABLE"). */
static void reseal(char *f, size_t n, size_t coff)
{
    char *sec = f + coff;
    size_t len = n - coff, body = len - 39;
    size_t table = (size_t)strtoull(sec + body + 22, NULL, 16);
    size_t first = table;
    for (char *g = sec + table; g < sec + body;) {
        char *nl = memchr(g, '\n', (size_t)(sec + body - g));
        size_t at = (size_t)strtoull(strchr(g + 6, ' ') + 1, NULL, 10);
        char *next = nl + 1;
        size_t end = next < sec + body ? (size_t)strtoull(strchr(next + 6, ' ') + 1, NULL, 10)
                                       : table;
        if (first == table)
            first = at;
        char hex[17];
        snprintf(hex, sizeof hex, "%016llx",
                 (unsigned long long)fnv1a(FNV_OFFSET, sec + at, end - at));
        memcpy(nl - 16, hex, 16);
        g = next;
    }
    uint64_t h = fnv1a(FNV_OFFSET, sec, first);
    h = fnv1a(h, sec + table, body - table);
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
    memcpy(sec + body + 5, hex, 16);
}

/* The derived file `good` (n bytes, its chapters section at coff) of
 * the ebook at `path` with the byte `at` bytes into the first `needle`
 * of its chapters section made `to`, the chapters' digests made right:
 * does the text open and its chapters not (and leave nothing behind)? */
static bool chapters_refused(const char *path, const char *good, size_t n, size_t coff,
                             const char *needle, size_t at, char to)
{
    if (n < coff + 22)
        return false;
    char *bad = xmalloc(n);
    memcpy(bad, good, n);
    char *p = find(bad + coff, n - coff, needle);
    bool refused = false;
    if (p) {
        p[at] = to;
        reseal(bad, n, coff);
        char *dp = derived_path(path);
        put(dp, bad, n);
        free(dp);
        struct derived_key k;
        struct derived d;
        if (derived_key_of(path, &k) && derived_open(path, &k, &d)) {
            struct parse_result pr;
            char *format = NULL;
            refused = !derived_chapters(&d, 0, &pr, &format) && pr.n_ch == 0 && !pr.ch &&
                      !pr.title && !format;
            derived_chapters_free(&pr);
            free(format);
            derived_close(&d);
        }
    }
    free(bad);
    return refused;
}

static void test_round_trip(void)
{
    char *path = write_file("tale.epub", "not really a zip: the key is what counts");
    struct ebook eb;
    make_ebook(&eb);
    struct derived_key k;
    CHECK("the file's key", derived_key_of(path, &k));
    derived_enable(false);
    CHECK_INT("off: nothing written", derived_write(path, &k, &eb, NULL), 1);
    char *dp = derived_path(path);
    CHECK("the derived file is in the cache folder", dp && strstr(dp, "/quire/derived-"));
    CHECK("off: no file", dp && access(dp, F_OK) != 0);
    derived_enable(true);
    CHECK_INT("on: written", derived_write(path, &k, &eb, NULL), 0);
    CHECK("on: the file is there", dp && access(dp, F_OK) == 0);
    struct derived d;
    CHECK("it opens", derived_open(path, &k, &d));
    CHECK("the same text", d.len == eb.len && memcmp(d.text, eb.text, eb.len) == 0 &&
                               d.text[d.len] == '\0');
    CHECK("the same blocks", d.n_blocks == eb.n_blocks &&
                                 memcmp(d.blocks, eb.blocks, eb.n_blocks * sizeof *eb.blocks) == 0);
    struct parse_result pr;
    char *format = NULL;
    CHECK("its chapters read back", derived_chapters(&d, 0, &pr, &format));
    CHECK_STR("title", pr.title, "The Tale");
    CHECK("no author", pr.author == NULL);
    CHECK_STR("format", format, "EPUB 3");
    CHECK_INT("two chapters", pr.n_ch, 2);
    if (pr.n_ch == 2) {
        CHECK("chapter 1's offsets", pr.ch[0].start == 0 && pr.ch[0].end == 37 &&
                                          pr.ch[0].front_end == 10 && pr.ch[0].body == 19 &&
                                          pr.ch[0].back == 37 && pr.ch[0].number == 1);
        CHECK_STR("chapter 1's title", pr.ch[0].title, "Chapter 1");
        CHECK_STR("a title with a line end", pr.ch[1].title, "Two\nlines");
        CHECK_INT("chapter 2's end", pr.ch[1].end, eb.len);
    }
    parse_result_free(&pr);
    free(format);
    CHECK("a head of 20 bytes: the first chapter, whole",
          derived_chapters(&d, 20, &pr, &format) && pr.n_ch == 1 && pr.ch[0].end == 37 &&
              format && strcmp(pr.title, "The Tale") == 0);
    parse_result_free(&pr);
    free(format);
    CHECK("a head past the first chapter: both",
          derived_chapters(&d, 38, &pr, &format) && pr.n_ch == 2);
    parse_result_free(&pr);
    free(format);
    /* a window (library_open_at): from a chapter's start on */
    size_t c2 = eb.pr.ch[1].start;
    CHECK("from chapter 2's start: chapter 2 alone, its title kept",
          derived_chapters_from(&d, c2, 0, &pr, &format) && pr.n_ch == 1 &&
              pr.ch[0].start == c2 && pr.ch[0].end == eb.len && pr.ch[0].title &&
              strcmp(pr.ch[0].title, "Two\nlines") == 0);
    parse_result_free(&pr);
    free(format);
    CHECK("from a byte inside chapter 1: the next chapter on",
          derived_chapters_from(&d, 5, 0, &pr, &format) && pr.n_ch == 1 && pr.ch[0].start == c2);
    parse_result_free(&pr);
    free(format);
    CHECK("from past the last chapter's start: none, and no error",
          derived_chapters_from(&d, c2 + 1, 0, &pr, &format) && pr.n_ch == 0);
    parse_result_free(&pr);
    free(format);
    CHECK("from 0 to 20 bytes: the head's", derived_chapters_from(&d, 0, 20, &pr, &format) &&
                                                pr.n_ch == 1 && pr.ch[0].end == 37);
    parse_result_free(&pr);
    free(format);
    derived_close(&d);
    CHECK("closed: zeroed", d.map == NULL && d.text == NULL);

    struct derived_key other = k;
    other.mtime_ns += 1;
    CHECK("another stamp of the file: not used", !derived_open(path, &other, &d));
    other = k;
    other.ino += 1;
    CHECK("another inode: not used", !derived_open(path, &other, &d));
    derived_enable(false);
    CHECK("off: not used", !derived_open(path, &k, &d));
    derived_enable(true);
    /* Converted by another plugin (rebuilt, same EBOOK_VERSION): its text
     * may differ, so it is not used; the same plugin again, it is. */
    char *saved = getenv("QUIRE_CONVERTER") ? xstrdup(getenv("QUIRE_CONVERTER")) : NULL;
    char *fake = write_file("fake-plugin.so", "a plugin of another build");
    setenv("QUIRE_CONVERTER", fake, 1);
    CHECK("converted by another plugin: not used", !derived_open(path, &k, &d));
    if (saved)
        setenv("QUIRE_CONVERTER", saved, 1);
    else
        unsetenv("QUIRE_CONVERTER");
    CHECK("the same plugin again: used", derived_open(path, &k, &d));
    derived_close(&d);
    free(saved);
    free(fake);

    /* Corruptions of a good file, each noticed. */
    size_t n;
    char *good = slurp(dp, &n);
    CHECK("read back whole", good != NULL && n > eb.len);
    char *bad = xmalloc(n);
    const char *at = strstr(good, "The Tale\n\nChapter");   /* the text */
    size_t t = at ? (size_t)(at - good) : 0;
    memcpy(bad, good, n);
    bad[t + 3] ^= 1;
    put(dp, bad, n);
    CHECK("a byte of the text changed: not used", !opens(path));
    put(dp, good, n - 1);
    CHECK("cut short by a byte: not used", !opens(path));
    put(dp, good, t + 10);
    CHECK("cut in the text: not used", !opens(path));
    put(dp, "", 0);
    CHECK("empty: not used", !opens(path));
    /* a block past the text's end (the blocks follow the text's NUL, at
       a multiple of 8) */
    memcpy(bad, good, n);
    size_t boff = (t + eb.len + 1 + 7) & ~(size_t)7;
    struct block wild = {0, eb.len + 100, BLOCK_PARA, 0};
    memcpy(bad + boff, &wild, sizeof wild);
    put(dp, bad, n);
    CHECK("a block outside the text: not used", !opens(path));
    /* ... for a first screen (derived_open_head) it opens, and the blocks
       of a part are checked when it is shown: the part without that
       block is given, any part with it refused */
    {
        struct derived_key hk;
        struct derived hdd;
        CHECK("opened for a first screen, no block given yet",
              derived_key_of(path, &hk) && derived_open_head(path, &hk, &hdd) &&
                  hdd.n_blocks == 0 && !hdd.blocks);
        CHECK("the part after the bad block: its blocks given",
              derived_blocks_in(&hdd, 10, 40) && hdd.n_blocks == 3 && hdd.blocks[0].off == 10 &&
                  hdd.blocks[2].off == 37 && hdd.blocks[2].end == 46);
        CHECK("the part that holds it: refused, the blocks given before kept",
              !derived_blocks_in(&hdd, 0, 40) && hdd.n_blocks == 3 && hdd.blocks[0].off == 10);
        CHECK("a range past the text: refused", !derived_blocks_in(&hdd, 40, eb.len + 1));
        derived_close(&hdd);
    }
    /* blocks out of order: a part whose neighbours do not bound it
       (the one before begins after its start) is refused */
    memcpy(bad, good, n);
    struct block late = {30, 35, BLOCK_PARA, 0};
    memcpy(bad + boff, &late, sizeof late);   /* block 0 now after block 1 */
    put(dp, bad, n);
    CHECK("blocks out of order: not used", !opens(path));
    {
        struct derived_key hk;
        struct derived hdd;
        bool opened = derived_key_of(path, &hk) && derived_open_head(path, &hk, &hdd);
        CHECK("opened for a first screen", opened);
        CHECK("a part after the blocks out of order: given",
              opened && derived_blocks_in(&hdd, 37, (size_t)eb.len) && hdd.n_blocks == 2);
        CHECK("a part they are in: refused", opened && !derived_blocks_in(&hdd, 0, 37) &&
                                                 !derived_blocks_in(&hdd, 5, 37));
        if (opened)
            derived_close(&hdd);
    }
    /* another EBOOK_VERSION, its digest right */
    char *v = strstr(good, " ebook ");
    if (v) {
        memcpy(bad, good, n);
        char *vb = bad + (v - good) + 7;
        *vb = *vb == '9' ? '8' : (char)(*vb + 1);
        reseal_header(bad, t, eb.len);
        put(dp, bad, n);
        CHECK("another EBOOK_VERSION: not used", !opens(path));
    }
    /* a version 1 file (one digest over the chapters, no groups), its
       header's digest right: not used (converted again) */
    if (strncmp(good, "quire-derived 2 ", 16) == 0) {
        memcpy(bad, good, n);
        bad[14] = '1';
        reseal_header(bad, t, eb.len);
        put(dp, bad, n);
        CHECK("a version 1 file: not used", !opens(path));
        put(dp, good, n);
        CHECK("the same file as version 2: used", opens(path));
    } else {
        CHECK("the file is version 2", false);
    }
    /* the chapters section corrupted: the text is sound, the chapters not */
    memcpy(bad, good, n);
    char *ch = find(bad + boff, n - boff, "Chapter 1");
    if (ch)
        ch[0] = 'c';
    put(dp, bad, n);
    CHECK("a byte of the chapters changed: the text still opens", opens(path));
    struct derived_key kk;
    derived_key_of(path, &kk);
    if (derived_open(path, &kk, &d)) {
        CHECK("but its chapters are not used", !derived_chapters(&d, 0, &pr, &format) &&
                                                   pr.n_ch == 0 && !format);
        derived_close(&d);
    }
    /* chapters out of order, the chapters' digest right: refused, and
       the title read before freed (fuzz_derived found it leaked) */
    size_t coff = boff + eb.n_blocks * sizeof(struct block);
    /* chapter 2 starts at 36, inside chapter 1 */
    CHECK("its digests made right with nothing changed: the chapters are used",
          !chapters_refused(path, good, n, coff, "\nch 37 ", 5, '7'));
    CHECK("a chapter out of order: the chapters are not used (nor leaked: ASan)",
          chapters_refused(path, good, n, coff, "\nch 37 ", 5, '6'));
    /* chapter 1's back matter starts at 17, inside its heading (body 19) */
    CHECK("back matter before the body: the chapters are not used",
          chapters_refused(path, good, n, coff, "\nch 0 37 10 19 37 ", 15, '1'));
    /* another file's derived file under this one's name */
    char *path2 = write_file("other.epub", "another book");
    struct derived_key k2;
    derived_key_of(path2, &k2);
    CHECK_INT("the other's written", derived_write(path2, &k2, &eb, NULL), 0);
    char *dp2 = derived_path(path2);
    size_t n2;
    char *o = slurp(dp2, &n2);
    if (o)
        put(dp, o, n2);
    CHECK("another file's derived file: not used", !opens(path) && opens(path2));
    free(o);
    free(dp2);
    free(path2);
    put(dp, good, n);
    CHECK("the good file again: used", opens(path));

    /* Bytes changed at random (a fixed seed), 400 times: never a crash
     * (ASan), and whatever opens has its text and blocks inside the file
     * and its chapters, when read, inside the text. */
    unsigned long r = 12345;
    int opened = 0, sound = 1;
    for (int round = 0; round < 400; round++) {
        memcpy(bad, good, n);
        for (int hit = 0; hit < 1 + round % 3; hit++) {
            r = r * 6364136223846793005UL + 1442695040888963407UL;
            bad[(r >> 33) % n] = (char)(r >> 13);
        }
        put(dp, bad, n);
        struct derived_key rk;
        struct derived rd;
        if (derived_key_of(path, &rk) && derived_open(path, &rk, &rd)) {
            opened++;
            for (size_t b = 0; b < rd.n_blocks; b++)
                sound &= rd.blocks[b].off <= rd.blocks[b].end && rd.blocks[b].end <= rd.len;
            struct parse_result rp;
            char *rf = NULL;
            if (derived_chapters(&rd, 0, &rp, &rf))
                for (size_t c = 0; c < rp.n_ch; c++)
                    sound &= rp.ch[c].start <= rp.ch[c].end && rp.ch[c].end <= rd.len;
            derived_chapters_free(&rp);
            free(rf);
            derived_close(&rd);
        }
    }
    CHECK("random damage: whatever opens is sound", sound);
    CHECK("random damage: most of it is noticed", opened < 200);
    put(dp, good, n);

    /* the ebook changed after the key was taken: nothing written */
    unlink(dp);
    char *again = write_file("tale.epub", "now a longer file than it was before");
    free(again);
    CHECK_INT("changed while converting: not written", derived_write(path, &k, &eb, NULL), 1);
    CHECK("no file", access(dp, F_OK) != 0);
    free(bad);
    free(good);
    free(dp);
    free(path);
    free_ebook(&eb);
}

/* The folder keeps at most DERIVED_MAX_FILES derived files, the newest. */
/* A writer killed before its rename left its temporary file: removed at
 * the next write once stale, though the folder is within its bounds; a
 * fresh one (another writer's, still writing) is left alone. */
/* A story of 200 chapters ("Chapter N\n\nWords of N.\n\n", a heading
 * block and a paragraph each): its chapters section holds four groups.
 * A window read from any chapter (derived_chapters_from) is the whole's
 * chapters from there; a byte changed in the third group's lines refuses
 * a window that reads that group, and the whole, but not a window that
 * reads other groups alone (each group's digest is checked as it is
 * read). */
static void test_groups(void)
{
    enum { NCH = 200 };
    struct ebook eb;
    memset(&eb, 0, sizeof eb);
    struct buf t = {0};
    eb.pr.ch = xcalloc(NCH, sizeof *eb.pr.ch);
    eb.blocks = xcalloc(2 * NCH, sizeof *eb.blocks);
    for (size_t i = 0; i < NCH; i++) {
        size_t a = t.len;
        buf_printf(&t, "Chapter %zu\n\n", i + 1);
        size_t h = t.len;
        buf_printf(&t, "Words of %zu.\n\n", i + 1);
        eb.blocks[eb.n_blocks++] = (struct block){a, h - 2, BLOCK_HEADING, 0};
        eb.blocks[eb.n_blocks++] = (struct block){h, t.len - 2, BLOCK_PARA, 0};
        eb.pr.ch[i] = (struct parse_chapter){a, t.len, a, h, t.len, xasprintf("Chapter %zu", i + 1),
                                             (int)i + 1};
    }
    eb.pr.n_ch = NCH;
    eb.len = t.len;
    eb.text = t.data;
    eb.format = xstrdup("EPUB 3");
    eb.pr.title = xstrdup("Many");
    char *path = write_file("many.epub", "two hundred chapters");
    struct derived_key k;
    derived_key_of(path, &k);
    CHECK_INT("200 chapters written", derived_write(path, &k, &eb, NULL), 0);
    struct derived d;
    struct parse_result all, w;
    char *fa = NULL, *fw = NULL;
    bool opened = derived_open(path, &k, &d);
    CHECK("they open", opened && derived_chapters(&d, 0, &all, &fa) && all.n_ch == NCH);
    bool same = opened && all.n_ch == NCH;
    for (size_t i = 0; same && i < NCH; i += 7) {
        const struct parse_chapter *c = &eb.pr.ch[i];
        /* from chapter i's start, and from inside chapter i - 1 */
        size_t from[] = {c->start, c->start - (i ? 3 : 0)};
        for (int f = 0; f < 2 && same; f++) {
            same = derived_chapters_from(&d, from[f], c->start + 1, &w, &fw) && w.n_ch == 1 &&
                   w.ch[0].start == c->start && w.ch[0].end == c->end &&
                   strcmp(w.ch[0].title, c->title) == 0 && strcmp(w.title, "Many") == 0 &&
                   strcmp(fw, "EPUB 3") == 0;
            derived_chapters_free(&w);
            free(fw);
            fw = NULL;
        }
    }
    CHECK("a window from any chapter: that chapter, as the whole has it", same);
    CHECK("a window to the end: every chapter from there",
          opened && derived_chapters_from(&d, eb.pr.ch[150].start, 0, &w, &fw) && w.n_ch == 50 &&
              w.ch[49].end == eb.len && strcmp(w.ch[49].title, "Chapter 200") == 0);
    derived_chapters_free(&w);
    free(fw);
    fw = NULL;
    derived_chapters_free(&all);
    free(fa);
    fa = NULL;
    if (opened)
        derived_close(&d);
    /* a byte of chapter 140's title (group 3 of 4) changed, no digest
       made right */
    char *dp = derived_path(path);
    size_t n = 0;
    char *f = slurp(dp, &n);
    char *hit = f ? find(f, n, " t 11\nChapter 140\n") : NULL;   /* its title field */
    CHECK("chapter 140's title is in the file", hit != NULL);
    if (hit) {
        hit[6] = 'c';
        put(dp, f, n);
    }
    opened = derived_open(path, &k, &d);
    CHECK("the text still opens", opened);
    CHECK("a window in the first group: read",
          opened && derived_chapters_from(&d, eb.pr.ch[10].start, eb.pr.ch[10].start + 1, &w, &fw) &&
              w.n_ch == 1 && strcmp(w.ch[0].title, "Chapter 11") == 0);
    derived_chapters_free(&w);
    free(fw);
    fw = NULL;
    CHECK("a window in the third group: refused",
          opened && !derived_chapters_from(&d, eb.pr.ch[130].start, eb.pr.ch[130].start + 1, &w,
                                           &fw) && w.n_ch == 0 && !fw);
    CHECK("a window from the second group read into the third: refused",
          opened && !derived_chapters_from(&d, eb.pr.ch[120].start, eb.pr.ch[135].start, &w, &fw));
    CHECK("a window in the last group: read",
          opened && derived_chapters_from(&d, eb.pr.ch[199].start, 0, &w, &fw) && w.n_ch == 1);
    derived_chapters_free(&w);
    free(fw);
    fw = NULL;
    CHECK("the whole: refused", opened && !derived_chapters(&d, 0, &all, &fa) && all.n_ch == 0);
    if (opened)
        derived_close(&d);
    free(f);
    free(dp);
    unlink(path);
    free(path);
    free(t.data);
    eb.text = NULL;
    free(eb.blocks);
    free(eb.format);
    parse_result_free(&eb.pr);
}

static void test_stale_tmp(void)
{
    struct ebook eb;
    make_ebook(&eb);
    char *cdir = xasprintf("%s/cache/quire", dir);
    char *stale = xasprintf("%s/derived-0123456789abcdef.tmp.99999.0", cdir);
    char *fresh = xasprintf("%s/derived-0123456789abcdef.tmp.99999.1", cdir);
    FILE *tf = fopen(stale, "w");
    if (tf)
        fclose(tf);
    tf = fopen(fresh, "w");
    if (tf)
        fclose(tf);
    struct timeval old[2] = {{time(NULL) - 3600, 0}, {time(NULL) - 3600, 0}};
    CHECK("a stale temporary file is made", utimes(stale, old) == 0);
    char *p = write_file("tmp.epub", "one more");
    struct derived_key k;
    derived_key_of(p, &k);
    CHECK_INT("a write", derived_write(p, &k, &eb, NULL), 0);
    CHECK("the stale temporary file is gone", access(stale, F_OK) != 0);
    CHECK("a fresh one is left alone", access(fresh, F_OK) == 0);
    unlink(fresh);
    free(p);
    free(stale);
    free(fresh);
    free(cdir);
    free_ebook(&eb);
}

static void test_bound(void)
{
    struct ebook eb;
    make_ebook(&eb);
    char *first = NULL;
    for (int i = 0; i < DERIVED_MAX_FILES + 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "b%02d.epub", i);
        char *p = write_file(name, name);
        struct derived_key k;
        derived_key_of(p, &k);
        derived_write(p, &k, &eb, NULL);
        if (i == 0)
            first = p;
        else
            free(p);
        usleep(2000);   /* distinct modification times */
    }
    char *cdir = xasprintf("%s/cache/quire", dir);
    DIR *dp = opendir(cdir);
    int count = 0;
    struct dirent *de;
    while (dp && (de = readdir(dp)))
        count += strncmp(de->d_name, "derived-", 8) == 0;
    if (dp)
        closedir(dp);
    CHECK("at most DERIVED_MAX_FILES derived files", count > 0 && count <= DERIVED_MAX_FILES);
    CHECK("the oldest went first", first && !opens(first));
    free(first);
    free(cdir);
    free_ebook(&eb);
}

/* Through the door (the plugin build/quire-convert; skipped without it):
 * an HTML file converted keeps its derived file and reads from its
 * mapping; a stub of it loads from that file; a corrupt file is noticed,
 * the file converted again and the derived file rewritten. */
static void test_door(void)
{
    const char *plugin = getenv("QUIRE_CONVERTER");
    if (!plugin || !*plugin)
        setenv("QUIRE_CONVERTER", "build/quire-convert", 1);
    plugin = getenv("QUIRE_CONVERTER");
    if (access(plugin, R_OK) != 0) {
        fprintf(stderr, "test_derived: no %s (make quire): the door checks skipped\n", plugin);
        return;
    }
    derived_enable(true);
    derived_keep_builds(true);
    char *path = write_file("door.html",
                            "<html><head><title>Door</title></head><body><h1>Chapter 1</h1>"
                            "<p>Through the <em>door</em> it came.</p><hr><p>And went.</p>"
                            "</body></html>\n");
    enum decode_reject why;
    char *err = NULL;
    struct source *s = decode_open(path, &why, &err);
    free(err);
    CHECK("an HTML file opens", s != NULL);
    if (!s)
        return;
    CHECK("its text is its derived file's mapping", s->derived.map != NULL && s->eb &&
                                                       s->text == s->derived.text &&
                                                       s->eb->text == s->text);
    CHECK("the converter's blocks, from the mapping",
          s->eb->n_blocks >= 4 && s->eb->blocks == s->derived.blocks &&
              s->eb->blocks[2].kind == BLOCK_BREAK);
    CHECK("its chapters kept for analysis", s->eb->pr.n_ch == 1);
    struct source *st = decode_stub(path, ENC_UTF8, s->len, 0, false, s->size, s->mtime);
    st->fmt = EBOOK_HTML;
    CHECK("a stub loads from the derived file", decode_load_stub(st) && st->derived.map &&
                                                    st->len == s->len &&
                                                    memcmp(st->text, s->text, s->len) == 0);
    CHECK("with its blocks", st->eb && st->eb->n_blocks == s->eb->n_blocks &&
                                 memcmp(st->eb->blocks, s->eb->blocks,
                                        s->eb->n_blocks * sizeof *s->eb->blocks) == 0);
    decode_free(st);
    char *dp = derived_path(path);
    size_t n;
    char *good = slurp(dp, &n);
    /* (s maps the derived file: rewritten in place below, it would change
       under s; quire itself only ever replaces it by a rename) */
    char *want = xmalloc(s->len + 1);
    memcpy(want, s->text, s->len);
    want[s->len] = '\0';
    if (good) {
        char *bad = xmalloc(n);
        memcpy(bad, good, n);
        char *w = find(bad, n, "*door*");   /* in the text, not the path */
        if (w)
            w[1] = 'D';
        put(dp, bad, n);
        st = decode_stub(path, ENC_UTF8, s->len, 0, false, s->size, s->mtime);
        st->fmt = EBOOK_HTML;
        CHECK("a corrupt derived file: converted again, the right text",
              decode_load_stub(st) && st->len == s->len &&
                  memcmp(st->text, want, s->len) == 0 && strstr(st->text, "*door*"));
        CHECK("and from the rewritten derived file", st->derived.map != NULL && opens(path));
        decode_free(st);
        free(bad);
        free(good);
    }
    free(want);
    free(dp);
    decode_free(s);
    free(path);

    /* A folder's build (keep_builds off): converted, not kept; the same
       file read from a stub is. */
    derived_keep_builds(false);
    path = write_file("folder.html", "<html><body><h1>Chapter 1</h1><p>In a folder.</p></body></html>\n");
    s = decode_open(path, &why, &err);
    free(err);
    err = NULL;
    char *fdp = derived_path(path);
    CHECK("a build in a folder: converted, no derived file",
          s && s->derived.map == NULL && fdp && access(fdp, F_OK) != 0);
    if (s) {
        st = decode_stub(path, ENC_UTF8, s->len, 0, false, s->size, s->mtime);
        st->fmt = EBOOK_HTML;
        CHECK("read from a stub: kept", decode_load_stub(st) && st->derived.map && opens(path));
        decode_free(st);
    }
    decode_free(s);
    free(fdp);
    free(path);
    derived_keep_builds(true);

    /* A head from the derived file: the whole's first chapters, the
       same offsets, titles and bytes. */
    struct buf h = {0};
    buf_adds(&h, "<html><head><title>Three</title></head><body>");
    for (int c = 1; c <= 3; c++) {
        buf_printf(&h, "<h1>Chapter %d</h1>", c);
        for (int p = 0; p < 40; p++)
            buf_printf(&h, "<p>Line %d of chapter %d, <i>said</i> the keeper.</p>", p, c);
    }
    buf_adds(&h, "</body></html>\n");
    path = write_file("three.html", h.data);
    buf_free(&h);
    s = decode_open(path, &why, &err);
    free(err);
    err = NULL;
    CHECK("three chapters converted", s && s->eb && s->eb->pr.n_ch == 3);
    struct source *hd = decode_open_derived(path, 10);
    struct source *all = decode_open_derived(path, 0);
    CHECK("a head of 10 bytes is the first chapter", hd && hd->eb && hd->eb->pr.n_ch == 1);
    CHECK("no head asked: every chapter", all && all->eb && all->eb->pr.n_ch == 3);
    if (s && s->eb && hd && all && all->eb->pr.n_ch == 3) {
        /* the head's blocks: the conversion's that begin in its chapter
           (derived_blocks_in), the whole's: all of them */
        size_t hend = hd->eb->pr.ch[0].end, nh = 0;
        while (nh < s->eb->n_blocks && s->eb->blocks[nh].off < hend)
            nh++;
        bool same = hd->len == s->len && memcmp(hd->text, s->text, s->len) == 0 &&
                    nh > 0 && nh < s->eb->n_blocks && hd->eb->n_blocks == nh &&
                    memcmp(hd->eb->blocks, s->eb->blocks, nh * sizeof *hd->eb->blocks) == 0 &&
                    all->eb->n_blocks == s->eb->n_blocks &&
                    memcmp(all->eb->blocks, s->eb->blocks, nh * sizeof *hd->eb->blocks) == 0 &&
                    hd->fmt == EBOOK_HTML && strcmp(hd->format, s->format) == 0;
        for (size_t i = 0; i < 3; i++) {
            const struct parse_chapter *a = &s->eb->pr.ch[i], *b = &all->eb->pr.ch[i];
            same = same && a->start == b->start && a->end == b->end &&
                   a->front_end == b->front_end && a->body == b->body && a->back == b->back &&
                   a->number == b->number && strcmp(a->title, b->title) == 0;
            if (i == 0)
                same = same && memcmp(&hd->eb->pr.ch[0], b, offsetof(struct parse_chapter, title)) == 0;
        }
        CHECK("the head's and the whole's text, blocks and chapters are the conversion's", same);
        CHECK_STR("the title too", hd->eb->pr.title, s->eb->pr.title);
    }
    decode_free(hd);
    decode_free(all);
    decode_free(s);
    unlink(path);
    CHECK("no file: no head", decode_open_derived(path, 10) == NULL);
    free(path);
}

/* With QUIRE_FUZZ_SEEDS=FOLDER (not in make check): the seeds of
 * fuzz_derived, FOLDER/valid-NAME, the derived files of small
 * conversions of book.epub or book.html (as long a name as the fixed
 * ebook's the target rewrites their key, path and plugin lines to):
 * the hand conversion above, one with no chapters, and through the door
 * (when the plugin is there) an HTML file and tests/data/epub's EPUB 3. */
static void write_seeds(void)
{
    const char *out = getenv("QUIRE_FUZZ_SEEDS");
    if (!out || !*out)
        return;
    derived_enable(true);
    derived_keep_builds(true);
    struct ebook eb;
    make_ebook(&eb);
    struct ebook bare;
    memset(&bare, 0, sizeof bare);
    bare.text = xstrdup("Just one line, no chapters.\n");
    bare.len = strlen(bare.text);
    bare.format = xstrdup("HTML");
    bare.pr.author = xstrdup("A. N. Author");
    static const char html[] =
        "<html><head><title>Seed</title><meta name=\"author\" content=\"Some One\"/></head>"
        "<body><h1>Chapter 1</h1><p>It <em>was</em> a dark night.</p><hr/><p>Then day.</p>"
        "<h1>Chapter 2</h1><p>Line one<br/>line two</p><blockquote><p>A quote.</p></blockquote>"
        "<h1>Chapter 3</h1><p>The end.</p></body></html>\n";
    size_t epub_len = 0;
    char *epub = slurp("tests/data/epub/valid-epub3.epub", &epub_len);
    const struct {
        const char *seed, *file;
        const struct ebook *eb;
        const char *data;
        size_t len;
    } seeds[] = {
        {"valid-tale", "book.epub", &eb, NULL, 0},
        {"valid-nochapters", "book.html", &bare, NULL, 0},
        {"valid-html", "book.html", NULL, html, sizeof html - 1},
        {"valid-epub3", "book.epub", NULL, epub, epub_len},
    };
    bool door = access(getenv("QUIRE_CONVERTER") ? getenv("QUIRE_CONVERTER") : "", R_OK) == 0;
    for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) {
        if (!seeds[i].eb && (!door || !seeds[i].data))
            continue;
        char *path = xasprintf("%s/%s", dir, seeds[i].file);
        char *dp = derived_path(path);
        unlink(dp);
        if (seeds[i].eb) {
            put(path, "an ebook", 8);
            struct derived_key k;
            CHECK("seed: a key", derived_key_of(path, &k));
            CHECK_INT("seed: written", derived_write(path, &k, seeds[i].eb, NULL), 0);
        } else {
            put(path, seeds[i].data, seeds[i].len);
            enum decode_reject why;
            char *err = NULL;
            struct source *s = decode_open(path, &why, &err);
            free(err);
            CHECK("seed: converted", s && s->derived.map);
            decode_free(s);
        }
        size_t n;
        char *data = slurp(dp, &n);
        char *to = xasprintf("%s/%s", out, seeds[i].seed);
        CHECK("seed: derived file read", data != NULL && opens(path));
        if (data)
            put(to, data, n);
        free(to);
        free(data);
        free(dp);
        unlink(path);
        free(path);
    }
    free(epub);
    free_ebook(&eb);
    free_ebook(&bare);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 2;
    char *cache = xasprintf("%s/cache", dir);
    setenv("XDG_CACHE_HOME", cache, 1);
    unsetenv("QUIRE_NO_CACHE");
    test_round_trip();
    test_stale_tmp();
    test_groups();
    test_door();
    test_bound();
    write_seeds();
    derived_enable(false);
    scratch_remove(dir);
    CHECK("cleanup", access(dir, F_OK) != 0);
    free(cache);
    return check_summary();
}
