/* test_cache.c — the index cache and the library snapshot: their file
 * formats survive every kind of damage, an entry (a snapshot) is used only
 * while its file (its folder) is unchanged, and a library listed from
 * either is the library read from the files, text read only when a
 * chapter is opened. */
#include "cache.h"
#include "check.h"
#include "scratch.h"
#include "library.h"
#include "output.h"
#include "rec.h"
#include "scan.h"
#include "snapshot.h"
#include "util.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char *tmp;   /* the scratch folder (main) */

static void put_file(const char *rel, const char *content, int age_s)
{
    char *path = scratch_put(tmp, rel, content, strlen(content));
    /* an old mtime: files changed within the last second are never cached */
    struct timespec ts[2];
    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[0].tv_sec -= age_s;
    ts[1] = ts[0];
    utimensat(AT_FDCWD, path, ts, 0);
    free(path);
}

static const char *const vocab[] = {
    "river", "lantern", "whisper", "stone", "harbour", "velvet", "morning", "thistle",
    "copper", "shadow", "garden", "anchor", "meadow", "silver", "window", "thunder",
    "candle", "orchard", "paper", "violet", "bridge", "winter", "feather", "marble",
    "the", "a", "and", "of", "she", "he", "was", "into", "under", "beside", "never",
};

/* `words` words of prose, different per seed; curly quotes and a scene
 * break when `rich`, straight quotes and none otherwise. */
static void prose(struct buf *b, unsigned seed, size_t words, bool rich)
{
    unsigned x = seed * 2654435761u + 12345u;
    for (size_t i = 0; i < words; i++) {
        x = x * 1103515245u + 12345u;
        if (i % 17 == 3)
            buf_adds(b, rich ? "\xe2\x80\x9c" : "\"");
        buf_adds(b, vocab[(x >> 16) % (sizeof vocab / sizeof *vocab)]);
        if (i % 17 == 6)
            buf_adds(b, rich ? "\xe2\x80\x9d" : "\"");
        if (i == words / 2)
            buf_adds(b, rich ? ".\n\n* * *\n\n" : ".\n\n");
        else if (i % 40 == 39)
            buf_adds(b, ".\n\n");
        else
            buf_addc(b, ' ');
    }
    buf_adds(b, ".\n");
}

/* A chapter file: announcement, heading, prose. */
static void put_chapter(const char *rel, const char *announce, const char *heading,
                        unsigned seed, bool rich)
{
    struct buf b = {0};
    buf_printf(&b, "%s\n\n%s\n\n", announce, heading);
    prose(&b, seed, 300, rich);
    put_file(rel, b.data, 3600);
    buf_free(&b);
}

static char *lib_root(void) { return xasprintf("%s/lib", tmp); }

/* An entry with every kind of field, including awkward strings. */
static void sample_file(struct cache_file *f, unsigned seed)
{
    *f = (struct cache_file){
        .enc = ENC_UTF8_BOM, .len = 5000 + seed, .invalid = 2, .crlf = true, .sketched = true,
        .title = xstrdup("Tab\there, \\back\\, new\nline"),
        .author = seed % 2 ? xstrdup("Ann \xc3\x89lise") : NULL,
        .n_pc = 2,
    };
    f->pc = xcalloc(2, sizeof *f->pc);
    for (size_t i = 0; i < 2; i++) {
        struct cache_piece *p = &f->pc[i];
        p->start = i * 2000;
        p->title_end = p->start + 5;
        p->front_end = p->start + 10;
        p->body = p->start + 30;
        p->back = p->start + 1900;
        p->end = p->start + 2000;
        p->number = i ? -1 : 1000000 + (int)seed;
        p->words = 321 + i;
        p->richness = -5 + (int)i;
        p->title = i ? NULL : xstrdup("Chapter 1: \"Quotes\"\r");
        p->lead = xmalloc(8);
        memcpy(p->lead, "ab\0c\td\\", 8);   /* even a NUL survives */
        p->lead_len = 8;
        p->n_sketch = 3;
        p->sketch = xmalloc(3 * sizeof *p->sketch);
        p->sketch[0] = 0;
        p->sketch[1] = 0x0123456789abcdefULL + seed;
        p->sketch[2] = UINT64_MAX;
    }
}

static struct cache_stamp old_stamp(unsigned seed)
{
    return (struct cache_stamp){.size = 4000 + seed, .mtime_ns = 1000000000LL * (1600000000 + seed) + 7,
                                .dev = 2049, .ino = 100 + seed, .ok = true};
}

/* Find an entry by parsing a cache and looking it up with a matching stat:
 * only possible through cache_get with a real file, so compare formats. */
static void test_format_round_trip(void)
{
    struct cache *c = cache_new_memory();
    for (unsigned i = 0; i < 3; i++) {
        struct cache_file f;
        sample_file(&f, i);
        char rel[32];
        snprintf(rel, sizeof rel, "dir %u/ch\t%u.txt", i, i);
        struct cache_stamp st = old_stamp(i);
        cache_put(c, rel, &st, &f);
        CHECK("cache_put takes the entry's allocations", f.pc == NULL && f.title == NULL);
    }
    struct cache_file sk = {.skip = xstrdup("binary")};
    struct cache_stamp st = old_stamp(9);
    cache_put(c, "picture.jpg", &st, &sk);
    CHECK_INT("four entries stored", cache_count(c), 4);

    size_t len;
    char *data = cache_format(c, &len);
    CHECK("the file starts with its versioned magic line (with the ebook conversion's)",
          strncmp(data, "quire-index 4 ebook ", 20) == 0);
    struct cache *d = cache_new_memory();
    CHECK_INT("a written cache reads back whole", cache_parse(d, data, len), 4);
    size_t len2;
    char *data2 = cache_format(d, &len2);
    CHECK("what was read writes out byte for byte the same", len2 == len && memcmp(data, data2, len) == 0);
    free(data2);

    /* damage of every kind: the cache is refused whole, never half-trusted */
    char *bad = xmalloc(len + 1);
    int refused = 0, tried = 0;
    for (size_t cut = 0; cut < len; cut += cut < 200 ? 1 : 7) {
        tried++;
        refused += cache_parse(d, data, cut) == -1 && cache_count(d) == 0;
    }
    CHECK_INT("every truncated cache is refused", refused, tried);
    refused = tried = 0;
    for (size_t i = 0; i < len; i += 3) {
        memcpy(bad, data, len);
        bad[i] ^= 0x20;
        tried++;
        refused += cache_parse(d, bad, len) == -1;
    }
    CHECK_INT("every flipped byte is noticed", refused, tried);
    memcpy(bad, data, len);
    memcpy(bad, "quire-index 5", 13);
    CHECK("a newer format is not read", cache_parse(d, bad, len) == -1);
    memcpy(bad, data, len);
    memcpy(bad, "quire-index 2", 13);
    CHECK("an older format (before ebooks) is not read", cache_parse(d, bad, len) == -1);
    memcpy(bad, data, len);
    bad[strlen("quire-index 4 ebook ")] = (char)(bad[strlen("quire-index 4 ebook ")] + 1);
    CHECK("another ebook conversion's cache is not read", cache_parse(d, bad, len) == -1);
    CHECK("an empty file is no cache", cache_parse(d, "", 0) == -1);
    CHECK("a foreign file is no cache", cache_parse(d, "hello\nworld\n", 12) == -1);
    free(bad);
    free(data);
    cache_free(c);
    cache_free(d);
}

/* An ebook's entry: its format, the name it was read as, its metadata and
 * a converter's skip reason come back as they were stored. */
static void test_ebook_entry(void)
{
    struct cache *c = cache_new_memory();
    struct cache_file f;
    sample_file(&f, 3);
    f.enc = ENC_UTF8;
    f.invalid = 0;
    f.fmt = EBOOK_EPUB;
    f.format = xstrdup("EPUB 3 (AO3)");
    f.meta.series = xstrdup("The Long\tRoad");
    f.meta.series_index = 2.5;
    f.meta.summary = xstrdup("One.\n\nTwo.");
    f.meta.status = xstrdup("complete");
    f.meta.source_url = xstrdup("https://archiveofourown.org/works/1");
    f.meta.n_tags = 2;
    f.meta.tags = xcalloc(2, sizeof *f.meta.tags);
    f.meta.tags[0] = xstrdup("Fluff");
    f.meta.tags[1] = xstrdup("Angst");
    struct cache_stamp st = old_stamp(1);
    cache_put(c, "work.epub", &st, &f);
    struct cache_file sk = {.skip = xstrdup("DRM-protected: cannot be read")};
    st = old_stamp(2);
    cache_put(c, "locked.epub", &st, &sk);
    size_t len;
    char *data = cache_format(c, &len);
    struct cache *d = cache_new_memory();
    CHECK_INT("an ebook's entries read back", cache_parse(d, data, len), 2);
    char path[512];
    snprintf(path, sizeof path, "%s/none", tmp);
    st = old_stamp(1);
    struct stat sb = {.st_size = st.size, .st_mtim = {st.mtime_ns / 1000000000LL,
                                                       st.mtime_ns % 1000000000LL},
                      .st_dev = (dev_t)st.dev, .st_ino = (ino_t)st.ino};
    struct cache_stamp got_st;
    const struct cache_file *g = cache_get(d, path, "work.epub", &sb, &got_st);
    CHECK("the ebook's entry is found", g != NULL);
    if (g) {
        CHECK_INT("its format", g->fmt, EBOOK_EPUB);
        CHECK_STR("what it was read as", g->format, "EPUB 3 (AO3)");
        CHECK_STR("its series", g->meta.series, "The Long\tRoad");
        CHECK("its place in the series", g->meta.series_index == 2.5);
        CHECK_STR("its summary", g->meta.summary, "One.\n\nTwo.");
        CHECK_STR("its status", g->meta.status, "complete");
        CHECK("its tags", g->meta.n_tags == 2 && strcmp(g->meta.tags[1], "Angst") == 0);
        CHECK("no rating given, none read", g->meta.rating == NULL);
        struct source *s = cache_stub_source(path, g, &got_st);
        CHECK("its stub source knows it is an ebook", s->fmt == EBOOK_EPUB && s->text == NULL &&
              s->format && strcmp(s->format, "EPUB 3 (AO3)") == 0);
        decode_free(s);
    }
    st = old_stamp(2);
    sb.st_size = st.size;
    sb.st_mtim.tv_sec = st.mtime_ns / 1000000000LL;
    sb.st_mtim.tv_nsec = st.mtime_ns % 1000000000LL;
    sb.st_ino = (ino_t)st.ino;
    sb.st_dev = (dev_t)st.dev;
    g = cache_get(d, path, "locked.epub", &sb, &got_st);
    CHECK("a converter's skip reason is kept", g && g->skip &&
          strcmp(g->skip, "DRM-protected: cannot be read") == 0);
    free(data);
    cache_free(c);
    cache_free(d);

    /* A zip of well-compressed chapters: its derived text is many times
     * the file's size (a text file's is at most three times) and the
     * entry still reads (else every warm open converts it again). */
    c = cache_new_memory();
    sample_file(&f, 3);
    f.enc = ENC_UTF8;
    f.invalid = 0;
    f.fmt = EBOOK_EPUB;
    f.format = xstrdup("EPUB 3");
    st = old_stamp(3);
    st.size = 1000;   /* the text (5003 bytes) is five times the zip */
    cache_put(c, "small.epub", &st, &f);
    data = cache_format(c, &len);
    d = cache_new_memory();
    CHECK_INT("an ebook's text five times its file's size reads back", cache_parse(d, data, len), 1);
    free(data);
    cache_free(c);
    cache_free(d);
}

/* A stat of the file at path as the stamp st describes (cache_get's sb). */
static struct stat stat_of_stamp(struct cache_stamp st)
{
    struct stat sb;
    memset(&sb, 0, sizeof sb);
    sb.st_size = st.size;
    sb.st_mtim.tv_sec = st.mtime_ns / 1000000000LL;
    sb.st_mtim.tv_nsec = st.mtime_ns % 1000000000LL;
    sb.st_dev = (dev_t)st.dev;
    sb.st_ino = (ino_t)st.ino;
    return sb;
}

/* A rebuilt plugin (same EBOOK_VERSION, another file) is noticed: the
 * entries of files it may read are not used, a .txt file's still are, and
 * the snapshot digest of a library with an ebook changes while a TXT
 * library's does not.  The plugin is only looked at, never loaded (it is
 * not even a plugin here). */
static void test_plugin_identity(void)
{
    put_file("plug/quire-convert", "first build", 5);
    char *plug = xasprintf("%s/plug/quire-convert", tmp);
    setenv("QUIRE_CONVERTER", plug, 1);
    struct cache *c = cache_new_memory();
    struct cache_file f;
    sample_file(&f, 1);
    f.enc = ENC_UTF8;
    f.invalid = 0;
    f.fmt = EBOOK_EPUB;
    f.format = xstrdup("EPUB 3");
    struct cache_stamp st_epub = old_stamp(1), st_txt = old_stamp(2), st_skip = old_stamp(3);
    cache_put(c, "work.epub", &st_epub, &f);
    sample_file(&f, 2);
    cache_put(c, "plain.txt", &st_txt, &f);
    struct cache_file sk = {.skip = xstrdup("not a zip archive")};
    cache_put(c, "bad.epub", &st_skip, &sk);
    size_t len;
    char *data = cache_format(c, &len);
    CHECK("an ebook's entry names the plugin that read it",
          strstr(data, "\t11 ") != NULL && strstr(data, "\twork.epub\n") != NULL);

    struct cache *d = cache_new_memory();
    CHECK_INT("the entries read back", cache_parse(d, data, len), 3);
    struct stat sb_epub = stat_of_stamp(st_epub), sb_txt = stat_of_stamp(st_txt),
                sb_skip = stat_of_stamp(st_skip);
    struct cache_stamp got;
    CHECK("the same plugin: the ebook's entry is used",
          cache_get(d, "/none", "work.epub", &sb_epub, &got) != NULL);
    CHECK("the same plugin: the converter's skip is used",
          cache_get(d, "/none", "bad.epub", &sb_skip, &got) != NULL);
    uint64_t digest_epub[2], digest_txt[2];
    struct scan_result scan = {0}, scan_txt = {0};
    char *err = NULL;
    put_file("lib/a.txt", "A Story\n\nSome words of a story.\n", 5);
    put_file("lib/b.epub", "not really an epub", 5);
    put_file("txtlib/a.txt", "A Story\n\nSome words of a story.\n", 5);
    char *lib = xasprintf("%s/lib", tmp), *txtlib = xasprintf("%s/txtlib", tmp);
    bool settled;
    CHECK("the libraries are walked", scan_tree(lib, &scan, &err) == 0 &&
          scan_tree(txtlib, &scan_txt, &err) == 0);
    digest_epub[0] = snapshot_digest(lib, &scan, &settled);
    digest_txt[0] = snapshot_digest(txtlib, &scan_txt, &settled);

    put_file("plug/quire-convert", "second build!", 5);   /* rebuilt */
    struct cache *e = cache_new_memory();
    CHECK_INT("under a rebuilt plugin the file still reads", cache_parse(e, data, len), 3);
    CHECK("a rebuilt plugin: the ebook's entry is not used",
          cache_get(e, "/none", "work.epub", &sb_epub, &got) == NULL);
    CHECK("a rebuilt plugin: the converter's skip is not used",
          cache_get(e, "/none", "bad.epub", &sb_skip, &got) == NULL);
    CHECK("a rebuilt plugin: a .txt file's entry is still used",
          cache_get(e, "/none", "plain.txt", &sb_txt, &got) != NULL);
    digest_epub[1] = snapshot_digest(lib, &scan, &settled);
    digest_txt[1] = snapshot_digest(txtlib, &scan_txt, &settled);
    CHECK("a rebuilt plugin: a library with an ebook is built again",
          digest_epub[0] != digest_epub[1]);
    CHECK("a rebuilt plugin: a TXT library's snapshot stays good", digest_txt[0] == digest_txt[1]);

    setenv("QUIRE_CONVERTER", "/nonexistent/quire-convert", 1);
    struct cache *g = cache_new_memory();
    cache_parse(g, data, len);
    CHECK("no plugin at all: the ebook's entry is not used",
          cache_get(g, "/none", "work.epub", &sb_epub, &got) == NULL);

    /* a PLUGIN field where there must be none, or none where one must be */
    char *spoiled = xasprintf("%.*s", (int)len, data);
    char *at = strstr(spoiled, "\twork.epub\n");
    char *tab = at;
    while (tab > spoiled && tab[-1] != '\t')
        tab--;   /* the start of the PLUGIN field */
    size_t plen;
    char *body = xasprintf("%.*s%s", (int)(tab - spoiled), spoiled, at);   /* PLUGIN emptied */
    char *end = strstr(body, "\nend\t");
    end[1] = '\0';
    char *sealed = cache_seal(body, strlen(body), &plen);
    CHECK("an ebook's entry without its plugin is refused", cache_parse(g, sealed, plen) == -1);
    free(sealed);
    free(body);
    free(spoiled);

    unsetenv("QUIRE_CONVERTER");
    scan_result_free(&scan);
    scan_result_free(&scan_txt);
    free(lib);
    free(txtlib);
    free(data);
    free(plug);
    cache_free(c);
    cache_free(d);
    cache_free(e);
    cache_free(g);
}

static void drop_pieces(struct cache_file *f)
{
    for (size_t i = 0; i < f->n_pc; i++) {
        free(f->pc[i].title);
        free(f->pc[i].lead);
        free(f->pc[i].sketch);
    }
    f->n_pc = 0;
}

/* A cache whose checksum is right but whose fields are not: each field is
 * range-checked on its own. */
static void test_field_validation(void)
{
    struct cache_file f;
    struct cache_stamp st = old_stamp(1);
    size_t len;
    char *data;
    struct cache *c, *d = cache_new_memory();

#define SPOILED(what, stmt)                                   \
    do {                                                      \
        c = cache_new_memory();                               \
        sample_file(&f, 1);                                   \
        stmt;                                                 \
        cache_put(c, "a.txt", &st, &f);                       \
        data = cache_format(c, &len);                         \
        CHECK(what, cache_parse(d, data, len) == -1);         \
        free(data);                                           \
        cache_free(c);                                        \
    } while (0)

    SPOILED("front matter beyond the body is refused", f.pc[0].front_end = f.pc[0].body + 1);
    SPOILED("an announcement beyond the front matter is refused", f.pc[0].title_end = f.pc[0].front_end + 1);
    SPOILED("a chapter ending before its back matter is refused", f.pc[1].back = f.pc[1].end + 1);
    SPOILED("offsets beyond the text are refused", f.pc[1].end = f.len + 1);
    SPOILED("more invalid bytes than text is refused", f.invalid = f.len + 1);
    SPOILED("an unsorted sketch is refused", f.pc[0].sketch[1] = UINT64_MAX);
    SPOILED("an unknown encoding is refused", f.enc = (enum source_encoding)7);
    SPOILED("a file with no chapters is refused", drop_pieces(&f));
    SPOILED("a text far longer than its file is refused", f.len = 100000);
    SPOILED("an empty skip reason is refused", (cache_file_clear(&f), f.skip = xstrdup("")));
    SPOILED("a skip reason of two lines is refused",
            (cache_file_clear(&f), f.skip = xstrdup("not a zip\narchive")));
    SPOILED("an ebook without its format name is refused", f.fmt = EBOOK_EPUB);
    SPOILED("a format name on a text file is refused", f.format = xstrdup("HTML"));
    SPOILED("an unknown ebook format is refused", (f.fmt = (enum ebook_format)9, f.format = xstrdup("X")));
    SPOILED("a lead too long to be one is refused",
            (free(f.pc[0].lead), f.pc[0].lead = xcalloc(5000, 1), f.pc[0].lead_len = 5000));
#undef SPOILED

    cache_free(d);
}

/* cache_get trusts an entry only while size, mtime, device and inode hold. */
static void test_stamps(void)
{
    put_file("stamp/a.txt", "The Tale by Someone\n\nChapter 1\n\nWords here.\n", 3600);
    char *path = xasprintf("%s/stamp/a.txt", tmp);
    struct cache *c = cache_new_memory();
    struct cache_stamp st;
    CHECK("an empty cache has no entry", cache_get(c, path, "a.txt", NULL, &st) == NULL);
    CHECK("cache_get stats the file for the caller", st.ok && st.size == 44);
    struct cache_file f;
    sample_file(&f, 0);
    cache_put(c, "a.txt", &st, &f);
    struct cache_stamp st2;
    const struct cache_file *got = cache_get(c, path, "a.txt", NULL, &st2);
    CHECK("an unchanged file's entry is used", got != NULL);
    CHECK_STR("the entry holds what was stored", got ? got->author : "", NULL);
    CHECK("another path has no entry", cache_get(c, path, "b.txt", NULL, &st2) == NULL);

    put_file("stamp/a.txt", "The Tale by Someone\n\nChapter 1\n\nWords here!\n", 3600);
    CHECK("same size but another mtime: not used", cache_get(c, path, "a.txt", NULL, &st2) == NULL);
    put_file("stamp/a.txt", "The Tale by Someone\n\nChapter 1\n\nMore words here.\n", 3600);
    CHECK("another size: not used", cache_get(c, path, "a.txt", NULL, &st2) == NULL);

    /* a file changed just now is not stored: its mtime may not show the
     * next change made within the same clock tick */
    put_file("stamp/new.txt", "Fresh by Someone\n\nChapter 1\n\nWords.\n", 0);
    char *np = xasprintf("%s/stamp/new.txt", tmp);
    cache_get(c, np, "new.txt", NULL, &st2);
    sample_file(&f, 0);
    size_t before = cache_count(c);
    cache_put(c, "new.txt", &st2, &f);
    CHECK_INT("a file modified within the last second is not cached", cache_count(c), before);
    CHECK("and its entry is not offered", cache_get(c, np, "new.txt", NULL, &st2) == NULL);
    free(np);
    free(path);
    cache_free(c);
}

/* Everything a listing shows, as one string. */
static char *listing(struct library *lib)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    output_list(lib, NULL, f, false, true);   /* human form: skipped files and notes too */
    for (size_t i = 0; i < lib->n_stories; i++) {
        const struct story *st = &lib->stories[i];
        fprintf(f, "id %s total %zu series %s #%g\n", st->id, st->total,
                st->meta.series ? st->meta.series : "-", st->meta.series_index);
        for (size_t c = 0; c < st->n_ch; c++)
            fprintf(f, " key %s base %zu words %zu ed %zu [%zu,%zu) body %zu back %zu\n",
                    st->ch[c].key, st->ch[c].base, st->ch[c].words, st->ch[c].n_ed,
                    st->ch[c].ed[0].start, st->ch[c].ed[0].end, st->ch[c].ed[0].body,
                    st->ch[c].ed[0].back);
    }
    fclose(f);
    return s;
}

static size_t stubs(const struct library *lib)
{
    size_t n = 0;
    for (size_t i = 0; i < lib->n_src; i++)
        n += lib->src[i]->text == NULL;
    return n;
}

/* The cache file of KIND ("index", "library") for the library root
 * `root` (NULL: the test library), when it exists. */
static char *cache_path_of(const char *kind, const char *root)
{
    char *canon = NULL;
    char *dflt = xasprintf("%s/lib", tmp);
    char *path = rec_cache_path(kind, root ? root : dflt, &canon);
    free(canon);
    free(dflt);
    if (path && access(path, F_OK) != 0) {
        free(path);
        path = NULL;
    }
    return path;
}

static char *cache_path(const char *kind) { return cache_path_of(kind, NULL); }
static char *index_path(void) { return cache_path("index"); }

/* Remove the snapshot of root (NULL: the test library), so the next open
 * reads the index cache. */
static void drop_snapshot(const char *root)
{
    char *snap = cache_path_of("library", root);
    if (snap)
        unlink(snap);
    free(snap);
}

/* Write the k-th kind of damage to data[0, n) (a cache file) over path:
 * truncated, a flipped byte, a foreign file, empty, a NUL after the end. */
#define DAMAGE_KINDS 5
static void damage(const char *path, const char *data, size_t n, int k)
{
    struct buf bad = {0};
    if (k == 0)
        buf_add(&bad, data, n / 2);
    else if (k == 1) {
        buf_add(&bad, data, n);
        bad.data[n / 3] ^= 4;
    } else if (k == 2)
        buf_adds(&bad, "\x89PNG\r\n\x1a\n not a cache");
    else if (k == 3)
        buf_add(&bad, "", 0);
    else
        buf_add(&bad, data, n + 1);
    write_file_atomic(path, bad.data ? bad.data : "", bad.len, NULL);
    buf_free(&bad);
}

static void test_library_from_cache(void)
{
    char *cache_home = xasprintf("%s/cache", tmp);
    setenv("XDG_CACHE_HOME", cache_home, 1);
    unsetenv("QUIRE_NO_CACHE");
    free(cache_home);
    char *root = lib_root();
    put_chapter("lib/tale/ch1.txt", "The Long Tale by Ann Author", "Chapter 1", 1, true);
    put_chapter("lib/tale/ch2.txt", "The Long Tale by Ann Author", "Chapter 2", 2, true);
    put_chapter("lib/tale/ch2-plain.txt", "The Long Tale by Ann Author", "Chapter 2", 2, false);
    struct buf ob = {0};
    buf_adds(&ob, "Other Story\nby B. Writer\n\nChapter One\n\n");
    prose(&ob, 3, 200, false);
    buf_adds(&ob, "\nChapter Two\n\n");
    prose(&ob, 4, 200, false);
    put_file("lib/other.txt", ob.data, 3600);
    put_file("lib/latin1.txt", "Caf\xe9 Story by C\n\nChapter 1\n\nd\xe9j\xe0 vu.\n", 3600);
    put_file("lib/empty.txt", "", 3600);
    put_file("lib/binary.dat", "\x01\x02", 3600);

    char *err = NULL;
    struct library *a = library_open(root, &err);
    CHECK("the library opens", a != NULL);
    if (!a)
        return;
    char *la = listing(a);
    char *idx = index_path();
    CHECK("the first listing writes the index cache", idx != NULL);
    CHECK_INT("a library read from the files has its texts", stubs(a), 0);

    drop_snapshot(NULL);   /* this part is about the index cache */
    struct library *b = library_open(root, &err);
    char *lb = listing(b);
    CHECK_STR("the listing from the cache is the listing from the files", lb, la);
    CHECK_INT("listing from the cache reads no text", stubs(b), b->n_src);
    /* opening a chapter reads its file, and only that one */
    struct story *s = library_find(b, "The Long Tale", NULL);
    CHECK("the story is found by title", s != NULL);
    if (s && s->n_ch >= 2) {
        const char *text = NULL;
        const struct edition *e = chapter_text(&s->ch[1], &text);
        CHECK("chapter_text reads a cached file on first use", text != NULL);
        CHECK("the chapter's range holds its heading",
              text && memmem(text + e->start, e->end - e->start, "Chapter 2", 9));
        CHECK_INT("only the opened chapter's file was read", stubs(b), b->n_src - 1);
        size_t nb = 0;
        const struct block *bl = chapter_blocks(&s->ch[0], &nb);
        CHECK("blocks of a cached chapter parse", bl != NULL && nb >= 2);
        CHECK_INT("two editions of chapter 2 are one chapter", s->ch[1].n_ed, 2);
        CHECK("the preferred edition is the richer one (scene break kept)",
              strstr(s->ch[1].ed[0].relpath, "plain") == NULL);
    }
    struct story *c1252 = library_find(b, "Caf\xc3\xa9 Story", NULL);
    if (c1252 && c1252->n_ch) {
        const char *text = NULL;
        const struct edition *e = chapter_text(&c1252->ch[0], &text);
        CHECK("a converted (Windows-1252) file decodes on first use",
              text && memmem(text + e->start, e->end - e->start, "d\xc3\xa9j\xc3\xa0", 6));
    } else {
        CHECK("the Windows-1252 story is listed", false);
    }

    /* a changed file is read again; the others still come from the cache */
    buf_adds(&ob, "\nChapter Three\n\n");
    prose(&ob, 5, 200, false);
    put_file("lib/other.txt", ob.data, 3600);
    buf_free(&ob);
    struct library *c = library_open(root, &err);
    struct story *o = library_find(c, "Other Story", NULL);
    CHECK_INT("a changed file is read again (three chapters now)", o ? (long long)o->n_ch : -1, 3);
    CHECK_INT("only the changed file was read", stubs(c), c->n_src - 1);

    /* damage to the cache file: ignored, same listing, replaced */
    library_free(c);
    c = library_open(root, &err);   /* cache now holds the new other.txt */
    char *lc = listing(c);
    if (idx) {
        size_t n = 0;
        char *data = read_file(idx, &n, NULL);
        CHECK("the cache file is there", data != NULL);
        int variants = 0, same = 0;
        for (int k = 0; data && k < DAMAGE_KINDS; k++) {
            damage(idx, data, n, k);
            drop_snapshot(NULL);   /* else the library comes from the snapshot */
            struct library *d = library_open(root, &err);
            char *ld = d ? listing(d) : NULL;
            variants++;
            same += ld && strcmp(ld, lc) == 0 && stubs(d) == 0;
            free(ld);
            library_free(d);
            size_t n2 = 0;
            char *again = read_file(idx, &n2, NULL);
            CHECK("a damaged cache is replaced by a good one", again && n2 > 100 &&
                  strncmp(again, "quire-index 4 ebook ", 20) == 0);
            free(again);
        }
        CHECK_INT("a damaged cache is ignored: same listing, files read", same, variants);
        free(data);
    }
    /* and the cache off: QUIRE_NO_CACHE */
    setenv("QUIRE_NO_CACHE", "1", 1);
    struct library *e = library_open(root, &err);
    CHECK_INT("QUIRE_NO_CACHE=1 reads every file", stubs(e), 0);
    unsetenv("QUIRE_NO_CACHE");
    library_free(e);

    /* a cached file that changes after the listing: offsets stay inside */
    struct library *f = library_open(root, &err);
    struct story *t = f ? library_find(f, "Other Story", NULL) : NULL;
    CHECK_INT("listed from the cache", f ? (long long)stubs(f) : -1, f ? (long long)f->n_src : 0);
    put_file("lib/other.txt", "Other Story\nby B. Writer\n\nshort now\n", 3600);
    if (t && t->n_ch == 3) {
        const char *text = NULL;
        const struct edition *ed = chapter_text(&t->ch[2], &text);
        CHECK("a file shortened after listing still gives text for every offset",
              text && ed->end <= ed->src->len && text[ed->end - 1] == '\n');
    }
    library_free(f);
    free(lc);
    free(idx);
    free(la);
    free(lb);
    library_free(a);
    library_free(b);
    library_free(c);
    free(root);
    free(err);
}

/* The listing of the library at root read from its files alone. */
static char *fresh_listing(const char *root)
{
    setenv("QUIRE_NO_CACHE", "1", 1);
    char *err = NULL;
    struct library *lib = library_open(root, &err);
    unsetenv("QUIRE_NO_CACHE");
    char *l = lib ? listing(lib) : xasprintf("error: %s", err ? err : "?");
    library_free(lib);
    free(err);
    return l;
}

/* Open root; *from_snapshot: every source is a stub although the index
 * cache was removed first (so it can only have come from the snapshot). */
static char *open_listing(const char *root, bool *from_snapshot)
{
    char *idx = cache_path_of("index", root);
    if (idx)
        unlink(idx);
    free(idx);
    char *err = NULL;
    struct library *lib = library_open(root, &err);
    char *l = lib ? listing(lib) : xasprintf("error: %s", err ? err : "?");
    *from_snapshot = lib && lib->n_src && stubs(lib) == lib->n_src;
    library_free(lib);
    free(err);
    return l;
}

/* What a change to the folder must do: the next open builds the library
 * again (same as from the files) and saves a snapshot the one after uses. */
static void expect_rebuilt(const char *what, const char *root)
{
    bool snap = false;
    char *fresh = fresh_listing(root);
    char *got = open_listing(root, &snap);
    char *msg = xasprintf("%s: the listing is the files' listing", what);
    CHECK_STR(msg, got, fresh);
    free(msg);
    msg = xasprintf("%s: the stale snapshot is not used", what);
    CHECK(msg, !snap);
    free(msg);
    free(got);
    got = open_listing(root, &snap);
    msg = xasprintf("%s: the next open comes from the new snapshot", what);
    CHECK(msg, snap && strcmp(got, fresh) == 0);
    free(msg);
    free(got);
    free(fresh);
}

/* The body of a snapshot file (its `end` line cut off), with field `field`
 * (0 = the kind letter) of the first line of kind `kind` set to `value`
 * (NULL: the line is dropped), sealed again. */
static char *mutate(const char *data, size_t len, char kind, int field, const char *value,
                    size_t *out_len)
{
    struct buf b = {0};
    size_t body = len;
    while (body > 0 && !(body >= 1 && data[body - 1] == '\n' && strncmp(data + body, "end\t", 4) == 0))
        body--;
    bool done = false;
    for (size_t p = 0; p < body;) {
        const char *nl = memchr(data + p, '\n', body - p);
        size_t e = nl ? (size_t)(nl - data) + 1 : body;
        if (!done && data[p] == kind && data[p + 1] == '\t') {
            done = true;
            if (value) {
                int f = 0;
                for (size_t i = p; i < e; i++) {
                    if (data[i] == '\t' || data[i] == '\n') {
                        if (f == field)
                            buf_adds(&b, value);
                        buf_addc(&b, data[i]);
                        f++;
                    } else if (f != field) {
                        buf_addc(&b, data[i]);
                    }
                }
            }
        } else {
            buf_add(&b, data + p, e - p);
        }
        p = e;
    }
    size_t n = 0;
    for (size_t i = 0; i < b.len; i++)
        n += (i == 0 || b.data[i - 1] == '\n') && b.data[i] == 'T' && b.data[i + 1] == '\t';
    rec_seal(&b, n);
    *out_len = b.len;
    return b.data;
}

static void test_snapshot(void)
{
    char *root = xasprintf("%s/snap", tmp);
    put_chapter("snap/tale/ch1.txt", "The Long Tale by Ann Author", "Chapter 1", 11, true);
    put_chapter("snap/tale/ch2.txt", "The Long Tale by Ann Author", "Chapter 2", 12, true);
    put_chapter("snap/tale/ch2-plain.txt", "The Long Tale by Ann Author", "Chapter 2", 12, false);
    put_chapter("snap/loose/part-a.txt", "Chapter 1", "", 13, true);
    put_chapter("snap/ini/first.txt", "Chapter 1", "", 14, true);
    put_chapter("snap/ini/second.txt", "Chapter 2", "", 15, true);
    put_file("snap/ini/story.ini", "title = Ordered Story\norder = second.txt first.txt\n"
             "series = The Order\nseries_index = 3\n", 3600);
    put_file("snap/latin1.txt", "Caf\xe9 Story by C\n\nChapter 1\n\nd\xe9j\xe0 vu.\n", 3600);
    put_file("snap/empty.txt", "", 3600);
    put_file("snap/binary.dat", "\x01\x02", 3600);

    bool snap = false;
    char *fresh = fresh_listing(root);
    char *first = open_listing(root, &snap);
    CHECK_STR("a first open lists what the files hold", first, fresh);
    CHECK("a first open builds the library (no snapshot yet)", !snap);
    char *path = cache_path_of("library", root);
    CHECK("and saves a snapshot", path != NULL);
    char *second = open_listing(root, &snap);
    CHECK("the next open comes from the snapshot (no index cache, no text read)", snap);
    CHECK_STR("a library from its snapshot is the library built from the files", second, fresh);
    CHECK("with its story.ini series and place", second && strstr(second, "series The Order #3\n"));
    CHECK("the snapshot leaves the index cache alone", cache_path_of("index", root) == NULL);
    free(first);
    free(second);

    /* its stubs read their text on first use */
    char *err = NULL;
    struct library *lib = library_open(root, &err);
    struct story *s = lib ? library_find(lib, "The Long Tale", NULL) : NULL;
    if (s && s->n_ch == 2) {
        const char *text = NULL;
        const struct edition *e = chapter_text(&s->ch[1], &text);
        CHECK("a chapter from the snapshot reads its text",
              text && memmem(text + e->start, e->end - e->start, "Chapter 2", 9));
        CHECK_INT("with both editions", s->ch[1].n_ed, 2);
        size_t nb = 0;
        CHECK("and parses into blocks", chapter_blocks(&s->ch[0], &nb) && nb >= 2);
    } else {
        CHECK("the story with two editions is in the snapshot's library", false);
    }
    struct story *o = lib ? library_find(lib, "Ordered Story", NULL) : NULL;
    CHECK("story.ini's order holds", o && o->n_ch == 2 &&
          strstr(o->ch[0].ed[0].relpath, "second.txt") != NULL);
    CHECK_STR("story.ini's series holds", o ? o->meta.series : NULL, "The Order");
    CHECK("and its part (3)", o && o->meta.series_index == 3);
    library_free(lib);

    /* every change to the folder is seen */
    put_chapter("snap/tale/ch2.txt", "The Long Tale by Ann Author", "Chapter 2", 16, true);
    expect_rebuilt("a file changed", root);
    put_file("snap/ini/story.ini",
             "title = Renamed Story\norder = first.txt second.txt\nseries = The Long Road\n"
             "series_index = 2.5\n", 3000);
    expect_rebuilt("story.ini changed", root);
    put_chapter("snap/tale/ch3.txt", "The Long Tale by Ann Author", "Chapter 3", 17, true);
    expect_rebuilt("a file added", root);
    char *a = xasprintf("%s/loose/part-a.txt", root), *b = xasprintf("%s/loose/part-b.txt", root);
    CHECK("rename", rename(a, b) == 0);
    expect_rebuilt("a file renamed", root);
    unlink(b);
    expect_rebuilt("a file removed", root);
    free(a);
    free(b);
    char *again = open_listing(root, &snap);
    CHECK("an unchanged folder: from the snapshot again", snap);
    free(again);

    /* damage: same listing, rebuilt, replaced by a good snapshot */
    free(fresh);
    fresh = fresh_listing(root);
    free(path);
    path = cache_path_of("library", root);
    size_t n = 0;
    char *data = path ? read_file(path, &n, NULL) : NULL;
    CHECK("the snapshot file is there", data != NULL);
    for (int k = 0; data && k < DAMAGE_KINDS; k++) {
        damage(path, data, n, k);
        char *what = xasprintf("a damaged snapshot (%d)", k);
        expect_rebuilt(what, root);
        free(what);
    }

    /* field checks behind the checksum: each mutation refused */
    struct scan_result scan;
    bool settled = false;
    if (data && scan_tree(root, &scan, &err) == 0) {
        uint64_t digest = snapshot_digest(root, &scan, &settled);
        CHECK("an aged folder is settled", settled);
        size_t len = 0;
        char *same = mutate(data, n, 'Z', 0, NULL, &len);   /* no such line: resealed as is */
        struct library *ok = snapshot_parse(same, len, NULL, NULL, root, &scan, digest);
        CHECK("the snapshot resealed parses", ok != NULL);
        CHECK("under another digest it does not", !snapshot_parse(same, len, NULL, NULL, root,
                                                                 &scan, digest + 1));
        library_free(ok);
        free(same);
        static const struct {
            char kind;
            int field;
            const char *value;
            const char *why;
        } bad[] = {
            {'E', 3, "99999999", "an edition past its source's end"},
            {'E', 2, "99", "an edition starting after its end"},
            {'E', 1, "999", "an edition of a source that is not there"},
            {'X', 0, NULL, "a file neither read nor skipped"},
            {'X', 1, "999", "a source of a file the walk did not find"},
            {'X', 2, "9", "an unknown encoding"},
            {'K', 0, NULL, "a skip missing"},
            {'T', 1, "0", "a story of no chapters"},
            {'T', 1, "99", "a story with chapters missing"},
            {'T', 2, "nothex0123456789", "a story id that is not hex"},
            {'T', 4, "", "a story without a title"},
            {'T', 3, "0123456789abcdef0123", "aliases that are not whole ids"},
            {'T', 3, "0123456789ABCDEF", "an alias that is not lowercase hex"},
            {'C', 1, "0", "a chapter of no editions"},
            {'C', 1, "5", "a chapter with editions missing"},
            {'C', 5, "", "a chapter without a title"},
            {'E', 0, NULL, "an edition missing"},
            {'N', 1, "", "an empty note"},
            {'C', 2, "x", "a chapter number that is not a number"},
            {'M', 10, "3", "a story's meta with tags missing"},
            {'M', 2, "x", "a series index that is not a number"},
        };
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
            char *m = mutate(data, n, bad[i].kind, bad[i].field, bad[i].value, &len);
            struct library *got = snapshot_parse(m, len, NULL, NULL, root, &scan, digest);
            char *msg = xasprintf("refused: %s", bad[i].why);
            CHECK(msg, got == NULL);
            free(msg);
            library_free(got);
            free(m);
        }
        /* a snapshot of the format before aliases (version 1), resealed:
         * refused, so it is rebuilt rather than misread */
        char *v1 = xmalloc(n + 1);
        memcpy(v1, data, n);
        v1[n] = '\0';
        char *mg = strstr(v1, "quire-library 3 ebook ");
        CHECK("the snapshot is format 3 (ebooks), with the ebook conversion's version", mg == v1);
        if (mg) {
            mg[strlen("quire-library ")] = '1';
            char *m = mutate(v1, n, 'Z', 0, NULL, &len);
            struct library *got = snapshot_parse(m, len, NULL, NULL, root, &scan, digest);
            CHECK("refused: a snapshot of format 1", got == NULL);
            library_free(got);
            free(m);
        }
        free(v1);
        scan_result_free(&scan);
    }
    free(data);

    /* a folder written just now is not saved (its next change might keep
     * the stamps) */
    drop_snapshot(root);
    put_chapter("snap/tale/ch4.txt", "The Long Tale by Ann Author", "Chapter 4", 18, true);
    put_file("snap/tale/ch4.txt", "The Long Tale by Ann Author\n\nChapter 4\n\nNew words.\n", 0);
    again = open_listing(root, &snap);
    char *none = cache_path_of("library", root);
    CHECK("a folder with a file written just now leaves no snapshot", none == NULL);
    free(none);
    free(again);
    free(fresh);
    free(path);
    free(root);
    free(err);
}

/* A library of one file: a story opened for reading maps its text only
 * when the reader needs it, from the cache of that one file. */
static void test_single_file(void)
{
    struct buf b = {0};
    buf_adds(&b, "Serial by Writer\n\n");
    for (int i = 1; i <= 40; i++)
    {
        buf_printf(&b, "Chapter %d\n\n", i);
        prose(&b, (unsigned)i, 150, i % 2);
        buf_adds(&b, "\n");
    }
    put_file("single/serial.txt", b.data, 3600);
    buf_free(&b);
    char *path = xasprintf("%s/single/serial.txt", tmp);
    char *err = NULL;
    struct library *a = library_open(path, &err);
    struct library *c = library_open(path, &err);
    CHECK("a single file opens twice", a && c);
    if (a && c && c->n_stories == 1 && c->stories[0].n_ch == 40) {
        CHECK_INT("40 chapters", c->n_stories ? (long long)c->stories[0].n_ch : 0, 40);
        CHECK_INT("the second open maps nothing yet", stubs(c), 1);
        char *la = listing(a), *lc = listing(c);
        CHECK_STR("same story from the cache", lc, la);
        free(la);
        free(lc);
        const char *text = NULL;
        const struct edition *e = chapter_text(&c->stories[0].ch[39], &text);
        CHECK("the last chapter's text is there on first use",
              text && memmem(text + e->start, e->end - e->start, "Chapter 40", 10));
    } else {
        CHECK("a single file of 40 chapters lists 40 chapters", false);
    }
    library_free(a);
    library_free(c);
    free(path);
    free(err);
}

/* A lead is written as it is when it holds nothing to escape, escaped
 * when it holds any one of the bytes rec_put_str escapes: each alone in
 * a lead still reads back. */
static void test_lead_escapes(void)
{
    const char specials[] = {'\\', '\t', '\n', '\r', '\0', 'x'};
    for (size_t k = 0; k < sizeof specials; k++) {
        struct cache *c = cache_new_memory();
        struct cache_file f;
        sample_file(&f, 1);
        for (size_t i = 0; i < f.n_pc; i++) {
            free(f.pc[i].lead);
            f.pc[i].lead = xmalloc(6);
            memcpy(f.pc[i].lead, "ab?cd", 6);
            f.pc[i].lead[2] = specials[k];
            f.pc[i].lead_len = 5;
        }
        struct cache_stamp st = old_stamp(1);
        cache_put(c, "a.txt", &st, &f);
        size_t len, len2;
        char *data = cache_format(c, &len);
        struct cache *d = cache_new_memory();
        bool ok = cache_parse(d, data, len) == 1;
        char *data2 = cache_format(d, &len2);
        ok = ok && len2 == len && memcmp(data, data2, len) == 0;
        /* the lead's line holds no raw special byte: one P line a piece */
        size_t p_lines = 0;
        for (size_t i = 0; i + 2 < len; i++)
            p_lines += data[i] == '\n' && data[i + 1] == 'P' && data[i + 2] == '\t';
        CHECK(k + 1 < sizeof specials ? "a lead with a byte to escape reads back"
                                      : "a lead with none reads back", ok && p_lines == 2);
        free(data);
        free(data2);
        cache_free(c);
        cache_free(d);
    }
}

int main(void)
{
    test_lead_escapes();
    tmp = scratch_dir("test-cache");
    test_format_round_trip();
    test_ebook_entry();
    test_plugin_identity();
    test_field_validation();
    test_stamps();
    test_library_from_cache();
    test_snapshot();
    test_single_file();
    scratch_remove(tmp);
    free(tmp);
    return check_summary();
}
