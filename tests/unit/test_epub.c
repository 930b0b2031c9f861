/* test_epub.c — the EPUB reader (epub.c) through the ebook door (ebook.h):
 * container, OPF metadata, spine, nav/NCX, roles of spine documents,
 * chapters split at TOC anchors; every bad input the issue lists (not a
 * zip, truncated, zip bomb, `../` names, missing or broken container.xml
 * or OPF, missing spine items, ill-formed XHTML, XXE, entity bombs, DRM);
 * EPUBs pandoc makes from generated stories; the real EPUBs of
 * ../shared/corpus/ebooks (skipped with a note when absent).
 *
 * The test writes its own EPUBs in memory with libarchive. */
#include "check.h"
#include "shared.h"
#include "decode.h"
#include "ebook.h"
#include "ebook_int.h"
#include "epub_int.h"
#include "parse.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

/* ---- a tiny zip writer ---- */

struct zfile {
    const char *name;
    const char *data;   /* NUL-terminated unless len is set */
    size_t len;
    int how;            /* ZF_DEFLATE (false), ZF_STORE (true), ... */
};
enum {
    ZF_DEFLATE,         /* deflated */
    ZF_STORE,           /* stored */
    ZF_STORE_UNSIZED,   /* stored, its sizes only in a data descriptor after it */
    ZF_CRYPT            /* deflated; with one such file, every file of the zip
                           is encrypted (traditional PKWARE, password "x") */
};

/* The zip of files[0, n) in memory (malloc'd, *len bytes), written by
 * libarchive. */
static unsigned char *mkzip(const struct zfile *files, size_t n, size_t *len)
{
    size_t cap = 4096;
    for (size_t i = 0; i < n; i++)
        cap += 2 * ((files[i].len ? files[i].len : strlen(files[i].data)) + strlen(files[i].name)) + 512;
    unsigned char *out = xmalloc(cap);
    bool crypt = false;
    for (size_t i = 0; i < n; i++)
        crypt = crypt || files[i].how == ZF_CRYPT;
    struct archive *a = archive_write_new();
    if (!a || archive_write_set_format_zip(a) != ARCHIVE_OK ||
        archive_write_set_options(a, "zip:hdrcharset=UTF-8") != ARCHIVE_OK ||   /* the UTF-8 flag */
        (crypt && (archive_write_set_options(a, "zip:encryption=zipcrypt") != ARCHIVE_OK ||
                   archive_write_set_passphrase(a, "x") != ARCHIVE_OK)) ||
        archive_write_open_memory(a, out, cap, len) != ARCHIVE_OK) {
        fprintf(stderr, "mkzip: %s\n", a ? archive_error_string(a) : "out of memory");
        exit(2);
    }
    for (size_t i = 0; i < n; i++) {
        size_t l = files[i].len ? files[i].len : strlen(files[i].data);
        int how = files[i].how;
        if (how == ZF_STORE || how == ZF_STORE_UNSIZED)
            archive_write_zip_set_compression_store(a);
        else
            archive_write_zip_set_compression_deflate(a);
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname_utf8(e, files[i].name);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        if (how != ZF_STORE_UNSIZED)
            archive_entry_set_size(e, (la_int64_t)l);
        if (archive_write_header(a, e) < ARCHIVE_WARN ||
            archive_write_data(a, files[i].data, l) != (la_ssize_t)l) {
            fprintf(stderr, "mkzip: %s: %s\n", files[i].name, archive_error_string(a));
            exit(2);
        }
        archive_entry_free(e);
    }
    if (archive_write_close(a) != ARCHIVE_OK) {
        fprintf(stderr, "mkzip: close: %s\n", archive_error_string(a));
        exit(2);
    }
    archive_write_free(a);
    return out;
}

/* ---- a small EPUB builder ---- */

#define MIMETYPE {"mimetype", "application/epub+zip", 0, true}
#define CONTAINER(opf)                                                                           \
    {"META-INF/container.xml",                                                                   \
     "<?xml version=\"1.0\"?><container version=\"1.0\" "                                       \
     "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles>"                   \
     "<rootfile full-path=\"" opf "\" media-type=\"application/oebps-package+xml\"/>"         \
     "</rootfiles></container>", 0, false}

#define XHTML(body)                                                                              \
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" " \
    "xmlns:epub=\"http://www.idpf.org/2007/ops\"><head><title>t</title></head><body>" body     \
    "</body></html>"

/* Everything a conversion gives, as one string to compare (malloc'd). */
static char *dump(bool ok, const struct ebook *eb, const char *err)
{
    struct buf b = {0};
    if (!ok) {
        buf_printf(&b, "error %s", err ? err : "?");
        return b.data;
    }
    const struct parse_meta *m = &eb->pr.meta;
    buf_printf(&b, "%s|%s|%s|%zu|%s|%s|%g|%s|%s|%s|%s|%s|%s|%zu\n", eb->format ? eb->format : "",
               eb->pr.title ? eb->pr.title : "", eb->pr.author ? eb->pr.author : "", eb->pr.body,
               m->series ? m->series : "", m->summary ? m->summary : "", m->series_index,
               m->rating ? m->rating : "", m->status ? m->status : "",
               m->source_url ? m->source_url : "", m->language ? m->language : "",
               m->published ? m->published : "", m->updated ? m->updated : "", m->n_tags);
    for (size_t i = 0; i < m->n_tags; i++)
        buf_printf(&b, "tag %s\n", m->tags[i]);
    for (size_t i = 0; i < eb->pr.n_ch; i++) {
        const struct parse_chapter *c = &eb->pr.ch[i];
        buf_printf(&b, "ch %zu %zu %zu %zu %zu %d %s\n", c->start, c->front_end, c->body, c->back,
                   c->end, c->number, c->title ? c->title : "(none)");
    }
    for (size_t i = 0; i < eb->n_blocks; i++)
        buf_printf(&b, "b %zu %zu %u %u\n", eb->blocks[i].off, eb->blocks[i].end,
                   eb->blocks[i].kind, eb->blocks[i].flags);
    buf_add(&b, eb->text, eb->len);
    return b.data;
}

static int slow_same, slow_differ;

/* The fast readings of the nav and the OPF (epub.c's SAX
 * readers) against libxml2's tree (QUIRE_TEST_EPUB_TREE=1) on the same bytes:
 * the same conversion, byte for byte, or the same error.  Counted; a
 * difference is reported by what. */
static void check_slow(const char *what, const unsigned char *z, size_t n, bool ok,
                       const struct ebook *eb, const char *err)
{
    struct ebook slow;
    char *serr = NULL;
    setenv("QUIRE_TEST_EPUB_TREE", "1", 1);
    bool sok = ebook_read_bytes("test.epub", EBOOK_EPUB, z, n, &slow, &serr);
    unsetenv("QUIRE_TEST_EPUB_TREE");
    char *a = dump(ok, eb, err), *b = dump(sok, &slow, serr);
    if (strcmp(a, b) == 0) {
        slow_same++;
    } else {
        slow_differ++;
        char msg[512];
        snprintf(msg, sizeof msg, "%s: the fast nav/OPF reading equals libxml2's tree", what);
        CHECK(msg, false);
        if (getenv("TEST_EPUB_DIFF")) {
            FILE *fa = fopen("/tmp/ce/diff-fast", "w"), *fb = fopen("/tmp/ce/diff-slow", "w");
            fputs(a, fa);
            fputs(b, fb);
            fclose(fa);
            fclose(fb);
        }
    }
    free(a);
    free(b);
    free(serr);
    if (sok)
        ebook_free(&slow);
}

static bool read_epub(const unsigned char *z, size_t n, struct ebook *eb, char **err)
{
    *err = NULL;
    bool ok = ebook_read_bytes("test.epub", EBOOK_EPUB, z, n, eb, err);
    check_slow("an EPUB of the tests", z, n, ok, eb, *err);
    return ok;
}

static bool read_files(const struct zfile *f, size_t n, struct ebook *eb, char **err)
{
    size_t len;
    unsigned char *z = mkzip(f, n, &len);
    bool ok = read_epub(z, len, eb, err);
    free(z);
    return ok;
}

/* Does the derived text contain s? */
static bool has(const struct ebook *eb, const char *s)
{
    return eb->text && strstr(eb->text, s) != NULL;
}

static const char *title_of(const struct ebook *eb, size_t i)
{
    return i < eb->pr.n_ch && eb->pr.ch[i].title ? eb->pr.ch[i].title : "(none)";
}

/* The flags of the block holding the first byte of s in the text, or -1. */
static int flags_at(const struct ebook *eb, const char *s)
{
    const char *p = eb->text ? strstr(eb->text, s) : NULL;
    if (!p)
        return -1;
    size_t off = (size_t)(p - eb->text);
    for (size_t i = 0; i < eb->n_blocks; i++)
        if (eb->blocks[i].off <= off && off < eb->blocks[i].end)
            return eb->blocks[i].flags;
    return -1;
}

/* The chapter holding the first byte of s, or -1. */
static long chapter_at(const struct ebook *eb, const char *s)
{
    const char *p = eb->text ? strstr(eb->text, s) : NULL;
    if (!p)
        return -1;
    size_t off = (size_t)(p - eb->text);
    for (size_t i = 0; i < eb->pr.n_ch; i++)
        if (eb->pr.ch[i].start <= off && off < eb->pr.ch[i].end)
            return (long)i;
    return -1;
}

/* The ebook's invariants: chapters tile [pr.body, len), each ordered
 * start <= front_end <= body <= back <= end; blocks ordered, each inside
 * one chapter. */
static bool well_formed(const struct ebook *eb)
{
    if (!eb->text || strlen(eb->text) != eb->len)
        return false;
    if (eb->pr.n_ch == 0)
        return eb->len == 0 || parse_count_words(eb->text, 0, eb->len) == 0;
    if (!parse_chapters_tile(&eb->pr, eb->len))
        return false;
    size_t prev = 0, ci = 0;
    for (size_t i = 0; i < eb->n_blocks; i++) {
        const struct block *b = &eb->blocks[i];
        if (b->off > b->end || b->off < prev || b->end > eb->len)
            return false;
        prev = b->end;
        while (ci < eb->pr.n_ch && eb->pr.ch[ci].end <= b->off && b->off != b->end)
            ci++;
        if (ci < eb->pr.n_ch && b->off != b->end &&
            (b->off < eb->pr.ch[ci].start || b->end > eb->pr.ch[ci].end))
            return false;
    }
    return true;
}

/* Reads the EPUB of f[0, n) into *eb and checks, as "<what>: read" and
 * "<what>: well formed", that it reads and that the ebook is well formed
 * (the second check only when it reads).  True when it read: the caller
 * then frees *eb; false with the error printed to stderr and freed,
 * nothing left to free. */
static bool read_well(const char *what, const struct zfile *f, size_t n, struct ebook *eb)
{
    char *err, msg[128];
    bool ok = read_files(f, n, eb, &err);
    snprintf(msg, sizeof msg, "%s: read", what);
    CHECK(msg, ok);
    if (!ok) {
        fprintf(stderr, "%s: %s\n", what, err ? err : "?");
        free(err);
        return false;
    }
    snprintf(msg, sizeof msg, "%s: well formed", what);
    CHECK(msg, well_formed(eb));
    return true;
}

/* Frees what a reading left: the ebook when it read (ok), else the error. */
static void release(bool ok, struct ebook *eb, char *err)
{
    if (ok)
        ebook_free(eb);
    else
        free(err);
}

/* ---- a well-formed EPUB 3 ---- */

static const char OPF3[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"uid\">\n"
    "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
    "<dc:identifier id=\"uid\">urn:uuid:1234</dc:identifier>\n"
    "<dc:title id=\"sub\">A Subtitle Here</dc:title>\n"
    "<dc:title id=\"t\">The Lamp &amp; the Lighthouse</dc:title>\n"
    "<meta property=\"title-type\" refines=\"#t\">main</meta>\n"
    "<meta property=\"title-type\" refines=\"#sub\">subtitle</meta>\n"
    "<dc:creator id=\"a1\">Mara Quill</dc:creator>\n"
    "<meta property=\"role\" refines=\"#a1\" scheme=\"marc:relators\">aut</meta>\n"
    "<dc:creator id=\"a2\">Ivo Penn</dc:creator>\n"
    "<dc:creator id=\"ill\">Sam Ink</dc:creator>\n"
    "<meta property=\"role\" refines=\"#ill\" scheme=\"marc:relators\">ill</meta>\n"
    "<dc:language>en-GB</dc:language>\n"
    "<dc:subject>Sea</dc:subject><dc:subject>Lighthouses</dc:subject><dc:subject>Sea</dc:subject>\n"
    "<dc:description>&lt;p&gt;A keeper &lt;i&gt;waits&lt;/i&gt;.&lt;/p&gt;&lt;p&gt;The sea answers.&lt;/p&gt;</dc:description>\n"
    "<dc:source>https://example.org/lamp</dc:source>\n"
    "<dc:date>2020-05-06T10:00:00Z</dc:date>\n"
    "<meta property=\"dcterms:modified\">2021-07-08T09:10:11Z</meta>\n"
    "<meta property=\"belongs-to-collection\" id=\"c\">Coast Tales</meta>\n"
    "<meta property=\"collection-type\" refines=\"#c\">series</meta>\n"
    "<meta property=\"group-position\" refines=\"#c\">2.5</meta>\n"
    "</metadata>\n"
    "<manifest>\n"
    "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n"
    "<item id=\"tp\" href=\"Text/title_page.xhtml\" media-type=\"application/xhtml+xml\"/>\n"
    "<item id=\"c1\" href=\"Text/ch%201.xhtml\" media-type=\"application/xhtml+xml\"/>\n"
    "<item id=\"c1b\" href=\"./Text/../Text/ch1b.xhtml\" media-type=\"application/xhtml+xml\"/>\n"
    "<item id=\"c2\" href=\"Text/ch2.xhtml\" media-type=\"application/xhtml+xml\"/>\n"
    "<item id=\"col\" href=\"Text/colophon.xhtml\" media-type=\"application/xhtml+xml\"/>\n"
    "<item id=\"notes\" href=\"Text/notes.xhtml\" media-type=\"application/xhtml+xml\"/>\n"
    "</manifest>\n"
    "<spine><itemref idref=\"notes\" linear=\"no\"/><itemref idref=\"tp\"/><itemref idref=\"nav\"/>"
    "<itemref idref=\"c1\"/><itemref idref=\"c1b\"/>"
    "<itemref idref=\"c2\"/><itemref idref=\"col\"/></spine>\n"
    "</package>\n";

static const char NAV3[] =
    XHTML("<nav epub:type=\"landmarks\"><ol><li><a href=\"Text/colophon.xhtml\">Colophon</a></li></ol></nav>"
          "<nav epub:type=\"toc\"><h1>Contents</h1><ol>"
          "<li><a href=\"Text/ch%201.xhtml\">One: The Lamp</a></li>"
          "<li><a href=\"Text/ch2.xhtml#top\">Two: The Light</a></li>"
          "</ol></nav>");

static void test_epub3(void)
{
    struct zfile f[] = {
        MIMETYPE,
        CONTAINER("OEBPS/content.opf"),
        {"OEBPS/content.opf", OPF3, 0, false},
        {"OEBPS/nav.xhtml", NAV3, 0, false},
        {"OEBPS/Text/title_page.xhtml", XHTML("<h1>The Lamp</h1><p>by Mara Quill</p>"), 0, false},
        {"OEBPS/Text/ch 1.xhtml", XHTML("<h1>One: The Lamp</h1><p>Alpha words begin the <i>first</i> chapter.</p>"), 0, false},
        {"OEBPS/Text/ch1b.xhtml", XHTML("<p>Bravo continues the first chapter after a split.</p>"), 0, false},
        {"OEBPS/Text/ch2.xhtml", XHTML("<h1 id=\"top\">Two: The Light</h1><p>Charlie opens the second chapter.</p>"), 0, false},
        {"OEBPS/Text/colophon.xhtml", XHTML("<p>Delta colophon typeset in a font.</p>"), 0, false},
        {"OEBPS/Text/notes.xhtml", XHTML("<p>Echo note kept at the back.</p>"), 0, false},
    };
    struct ebook eb;
    if (!read_well("epub3", f, sizeof f / sizeof *f, &eb))
        return;
    CHECK_STR("epub3: format", eb.format, "EPUB 3");
    CHECK_STR("epub3: the main title, not the subtitle", eb.pr.title, "The Lamp & the Lighthouse");
    CHECK_STR("epub3: authors (aut or no role), not the illustrator", eb.pr.author,
              "Mara Quill & Ivo Penn");
    CHECK_STR("epub3: language", eb.pr.meta.language, "en-GB");
    CHECK_INT("epub3: subjects once each", eb.pr.meta.n_tags, 2);
    if (eb.pr.meta.n_tags == 2) {
        CHECK_STR("epub3: tag 1", eb.pr.meta.tags[0], "Sea");
        CHECK_STR("epub3: tag 2", eb.pr.meta.tags[1], "Lighthouses");
    }
    CHECK_STR("epub3: description as text", eb.pr.meta.summary, "A keeper waits.\n\nThe sea answers.");
    CHECK_STR("epub3: source", eb.pr.meta.source_url, "https://example.org/lamp");
    CHECK_STR("epub3: series", eb.pr.meta.series, "Coast Tales");
    CHECK("epub3: series index", eb.pr.meta.series_index == 2.5);
    CHECK_STR("epub3: published", eb.pr.meta.published, "2020-05-06");
    CHECK_STR("epub3: updated", eb.pr.meta.updated, "2021-07-08");
    CHECK_INT("epub3: two chapters (title page, contents, colophon, notes are not)", eb.pr.n_ch, 2);
    CHECK_STR("epub3: chapter 1 title from the nav", title_of(&eb, 0), "One: The Lamp");
    CHECK_STR("epub3: chapter 2 title from the nav", title_of(&eb, 1), "Two: The Light");
    CHECK("epub3: every document's words", has(&eb, "Alpha") && has(&eb, "Bravo") &&
                                               has(&eb, "Charlie") && has(&eb, "Delta") &&
                                               has(&eb, "Echo"));
    CHECK("epub3: reading order", has(&eb, "Alpha") && strstr(eb.text, "Alpha") < strstr(eb.text, "Bravo") &&
                                      strstr(eb.text, "Bravo") < strstr(eb.text, "Charlie") &&
                                      strstr(eb.text, "Charlie") < strstr(eb.text, "Delta") &&
                                      strstr(eb.text, "Delta") < strstr(eb.text, "Echo"));
    CHECK_INT("epub3: a split file continues chapter 1", chapter_at(&eb, "Bravo"), 0);
    CHECK_INT("epub3: chapter 2 holds its text", chapter_at(&eb, "Charlie"), 1);
    CHECK("epub3: the title page is front matter", flags_at(&eb, "by Mara Quill") >= 0 &&
                                                      (flags_at(&eb, "by Mara Quill") & BLOCK_FRONT));
    CHECK("epub3: the colophon is back matter", flags_at(&eb, "Delta") >= 0 &&
                                                   (flags_at(&eb, "Delta") & BLOCK_BACK));
    CHECK("epub3: a non-linear item is kept, as back matter",
          flags_at(&eb, "Echo") >= 0 && (flags_at(&eb, "Echo") & BLOCK_BACK));
    CHECK("epub3: story text is neither", flags_at(&eb, "Charlie") == 0);
    ebook_free(&eb);
}

/* ---- EPUB 2 with an NCX, calibre metadata ---- */

static const char OPF2[] =
    "<?xml version='1.0' encoding='utf-8'?>\n"
    "<package xmlns=\"http://www.idpf.org/2007/opf\" unique-identifier=\"uuid_id\" version=\"2.0\">\n"
    "<metadata xmlns:calibre=\"http://calibre.kovidgoyal.net/2009/metadata\" "
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:opf=\"http://www.idpf.org/2007/opf\">\n"
    "<dc:title>Salt Roads</dc:title>\n"
    "<dc:creator opf:role=\"aut\">Ada Brine</dc:creator>\n"
    "<dc:creator opf:role=\"edt\">Not An Author</dc:creator>\n"
    "<meta name=\"calibre:series\" content=\"Salt\"/>\n"
    "<meta name=\"calibre:series_index\" content=\"3\"/>\n"
    "<dc:identifier opf:scheme=\"URL\">URL:http://stories.example/s/42</dc:identifier>\n"
    "<dc:date>1999</dc:date>\n"
    "</metadata>\n"
    "<manifest>\n"
    "<item id=\"ncx\" href=\"toc.ncx\" media-type=\"application/x-dtbncx+xml\"/>\n"
    "<item id=\"a\" href=\"a.html\" media-type=\"application/xhtml+xml\"/>\n"
    "<item id=\"b\" href=\"b.html\" media-type=\"application/xhtml+xml\"/>\n"
    "<item id=\"gone\" href=\"gone.html\" media-type=\"application/xhtml+xml\"/>\n"
    "<item id=\"evil\" href=\"../../evil.html\" media-type=\"application/xhtml+xml\"/>\n"
    "</manifest>\n"
    "<spine toc=\"ncx\"><itemref idref=\"a\"/><itemref idref=\"nosuch\"/><itemref idref=\"gone\"/>"
    "<itemref idref=\"evil\"/><itemref idref=\"b\"/></spine>\n"
    "</package>\n";

static const char NCX2[] =
    "<?xml version='1.0' encoding='utf-8'?>\n"
    "<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\"><navMap>\n"
    "<navPoint id=\"p1\" playOrder=\"1\"><navLabel><text>Chapter 1: Harbour</text></navLabel>"
    "<content src=\"a.html\"/>"
    "<navPoint id=\"p1a\"><navLabel><text>A part</text></navLabel><content src=\"a.html#part\"/></navPoint>"
    "</navPoint>\n"
    "<navPoint id=\"p2\" playOrder=\"2\"><navLabel><text>Chapter 2: Reef</text></navLabel>"
    "<content src=\"b.html\"/></navPoint>\n"
    "</navMap></ncx>\n";

static void test_epub2(void)
{
    struct zfile f[] = {
        MIMETYPE,
        CONTAINER("OPS/content.opf"),
        {"OPS/content.opf", OPF2, 0, false},
        {"OPS/toc.ncx", NCX2, 0, false},
        {"OPS/a.html", XHTML("<h2>Chapter 1: Harbour</h2><p>Foxtrot sails.</p><p id=\"part\">Golf part two.</p>"), 0, false},
        {"OPS/b.html", XHTML("<h2>Chapter 2: Reef</h2><p>Hotel reef.</p>"), 0, false},
        /* Named with ../: only a name, never reachable. */
        {"../evil.html", XHTML("<p>Indigo must not appear.</p>"), 0, false},
        {"evil.html", XHTML("<p>Juliet resolves inside the root.</p>"), 0, false},
    };
    struct ebook eb;
    if (!read_well("epub2", f, sizeof f / sizeof *f, &eb))
        return;
    CHECK_STR("epub2: format, and the spine document the zip lacks said with it", eb.format,
              "EPUB 2; 1 document of its spine is missing: OPS/gone.html");
    CHECK_STR("epub2: title", eb.pr.title, "Salt Roads");
    CHECK_STR("epub2: author (role aut only)", eb.pr.author, "Ada Brine");
    CHECK_STR("epub2: calibre series", eb.pr.meta.series, "Salt");
    CHECK("epub2: calibre series index", eb.pr.meta.series_index == 3);
    CHECK_STR("epub2: URL identifier as the source", eb.pr.meta.source_url, "http://stories.example/s/42");
    CHECK_STR("epub2: a bare year", eb.pr.meta.published, "1999");
    CHECK_INT("epub2: chapters from the NCX (a nested part in the same file is not one)", eb.pr.n_ch, 2);
    CHECK_STR("epub2: chapter 1", title_of(&eb, 0), "Chapter 1: Harbour");
    CHECK_STR("epub2: chapter 2", title_of(&eb, 1), "Chapter 2: Reef");
    CHECK("epub2: missing spine items skipped, the rest read", has(&eb, "Foxtrot") && has(&eb, "Hotel"));
    CHECK("epub2: nested part kept in its chapter", chapter_at(&eb, "Golf") == 0);
    CHECK("epub2: an entry named ../evil.html is never reached", !has(&eb, "Indigo"));
    CHECK("epub2: ../../evil.html from OPS/ stops at the root", has(&eb, "Juliet"));
    ebook_free(&eb);
}

/* ---- one document, several chapters at anchors (Gutenberg's shape) ---- */

static void test_anchors(void)
{
    static const char opf[] =
        "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"2.0\">"
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Three Tales</dc:title>"
        "<dc:creator>Anon</dc:creator></metadata>"
        "<manifest><item id=\"ncx\" href=\"toc.ncx\" media-type=\"application/x-dtbncx+xml\"/>"
        "<item id=\"pg-header\" href=\"h.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"all\" href=\"all.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"pg-footer\" href=\"f.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>"
        "<spine toc=\"ncx\"><itemref idref=\"pg-header\"/><itemref idref=\"all\"/><itemref idref=\"pg-footer\"/></spine></package>";
    static const char ncx[] =
        "<?xml version=\"1.0\"?><ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\"><navMap>"
        "<navPoint><navLabel><text>Three Tales</text></navLabel><content src=\"h.xhtml#top\"/></navPoint>"
        "<navPoint><navLabel><text>Contents</text></navLabel><content src=\"h.xhtml#toc\"/></navPoint>"
        "<navPoint><navLabel><text>I. THE FIRST</text></navLabel><content src=\"all.xhtml#c1\"/>"
        "<navPoint><navLabel><text>I.</text></navLabel><content src=\"all.xhtml#c1p\"/></navPoint></navPoint>"
        "<navPoint><navLabel><text>II. THE SECOND</text></navLabel><content src=\"all.xhtml#c2\"/></navPoint>"
        "<navPoint><navLabel><text>III. THE THIRD</text></navLabel><content src=\"all.xhtml#c3\"/></navPoint>"
        "<navPoint><navLabel><text>THE FULL PROJECT GUTENBERG LICENSE</text></navLabel><content src=\"f.xhtml#lic\"/></navPoint>"
        "</navMap></ncx>";
    struct zfile f[] = {
        MIMETYPE,
        CONTAINER("content.opf"),
        {"content.opf", opf, 0, false},
        {"toc.ncx", ncx, 0, false},
        {"h.xhtml", XHTML("<h1 id=\"top\">Three Tales</h1><h2 id=\"toc\">Contents</h2><p>Kilo header words.</p>"), 0, false},
        {"all.xhtml", XHTML("<p>Lima stray preamble.</p>"
                            "<div id=\"c1\"><h2>I. THE FIRST</h2><h3 id=\"c1p\">I.</h3><p>Mike first tale.</p></div>"
                            "<h2 id=\"c2\">II. THE SECOND</h2><p>November second tale.</p>"
                            "<h2 id=\"c3\">III. THE THIRD</h2><p>Oscar third tale.</p>"), 0, false},
        {"f.xhtml", XHTML("<h2 id=\"lic\">THE FULL PROJECT GUTENBERG LICENSE</h2><p>Papa licence terms.</p>"), 0, false},
    };
    struct ebook eb;
    if (!read_well("anchors", f, sizeof f / sizeof *f, &eb))
        return;
    CHECK_INT("anchors: three chapters from one file", eb.pr.n_ch, 3);
    CHECK_STR("anchors: chapter 1", title_of(&eb, 0), "I. THE FIRST");
    CHECK_STR("anchors: chapter 2", title_of(&eb, 1), "II. THE SECOND");
    CHECK_STR("anchors: chapter 3", title_of(&eb, 2), "III. THE THIRD");
    CHECK_INT("anchors: Mike in chapter 1", chapter_at(&eb, "Mike"), 0);
    CHECK_INT("anchors: November in chapter 2", chapter_at(&eb, "November"), 1);
    CHECK_INT("anchors: Oscar in chapter 3", chapter_at(&eb, "Oscar"), 2);
    CHECK("anchors: the header is front matter", flags_at(&eb, "Kilo") > 0 && (flags_at(&eb, "Kilo") & BLOCK_FRONT));
    CHECK("anchors: text before the first anchor is front matter",
          flags_at(&eb, "Lima") > 0 && (flags_at(&eb, "Lima") & BLOCK_FRONT));
    CHECK("anchors: the licence is back matter, not a chapter",
          flags_at(&eb, "Papa") > 0 && (flags_at(&eb, "Papa") & BLOCK_BACK));
    if (eb.pr.n_ch == 3) {
        const struct parse_chapter *c = &eb.pr.ch[1];
        CHECK("anchors: chapter 2's heading before its body",
              c->body > c->start && strstr(eb.text + c->start, "II. THE SECOND") == eb.text + c->body -
                  strlen("II. THE SECOND") - (eb.text[c->body - 1] == '\n'));
        CHECK("anchors: chapter 3's words are its body",
              parse_count_words(eb.text, eb.pr.ch[2].body, eb.pr.ch[2].back) == 3);
    }
    ebook_free(&eb);
}

/* ---- a book in parts, one document a part (pandoc's EPUB at its default
 * chapter level of a book whose chapters are "##" under "# PART"s): the
 * chapters the TOC nests under a part are chapters, titled as the TXT
 * parser titles them ("PART — CHAPTER"), so that the TXT and the EPUB of
 * one book have the same chapters (editions.c pairs chapters). ---- */

static void test_part_chapters(void)
{
    static const char opf[] =
        "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\">"
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>In Parts</dc:title>"
        "<dc:creator>Anon</dc:creator></metadata>"
        "<manifest><item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>"
        "<item id=\"p1\" href=\"p1.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"p2\" href=\"p2.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"s\" href=\"s.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>"
        "<spine><itemref idref=\"p1\"/><itemref idref=\"p2\"/><itemref idref=\"s\"/></spine></package>";
    static const char nav[] =
        XHTML("<nav epub:type=\"toc\"><ol>"
              "<li><a href=\"p1.xhtml#part-one\">PREMIÈRE PARTIE</a><ol>"
              "<li><a href=\"p1.xhtml#i\">I</a></li><li><a href=\"p1.xhtml#ii\">II</a></li></ol></li>"
              "<li><a href=\"p2.xhtml#part-two\">Book Two: 1806</a><ol>"
              "<li><a href=\"p2.xhtml#c1\">Chapter I</a><ol><li><a href=\"p2.xhtml#c1s\">A Section</a></li></ol></li>"
              "<li><a href=\"p2.xhtml#c2\">Chapter II</a></li></ol></li>"
              "<li><a href=\"s.xhtml#story\">The Story</a><ol><li><a href=\"s.xhtml#s1\">I.</a></li>"
              "<li><a href=\"s.xhtml#s2\">II.</a></li></ol></li>"
              "</ol></nav>");
    struct zfile f[] = {
        MIMETYPE,
        CONTAINER("content.opf"),
        {"content.opf", opf, 0, false},
        {"nav.xhtml", nav, 0, false},
        {"p1.xhtml", XHTML("<section id=\"part-one\"><h1>PREMIÈRE PARTIE</h1><section id=\"i\"><h2>I</h2>"
                           "<p>Alpha first chapter.</p></section><section id=\"ii\"><h2>II</h2>"
                           "<p>Bravo second chapter.</p></section></section>"), 0, false},
        {"p2.xhtml", XHTML("<h1 id=\"part-two\">Book Two: 1806</h1><p>Charlie part epigraph.</p>"
                           "<h2 id=\"c1\">Chapter I</h2><p>Delta third chapter.</p><h3 id=\"c1s\">A Section</h3>"
                           "<p>Echo its section.</p><h2 id=\"c2\">Chapter II</h2><p>Foxtrot fourth chapter.</p>"), 0, false},
        {"s.xhtml", XHTML("<h1 id=\"story\">The Story</h1><h2 id=\"s1\">I.</h2><p>Golf story part one.</p>"
                          "<h2 id=\"s2\">II.</h2><p>Hotel story part two.</p>"), 0, false},
    };
    struct ebook eb;
    if (!read_well("parts", f, sizeof f / sizeof *f, &eb))
        return;
    CHECK_INT("parts: a part's chapters are chapters; a story's sections are not", eb.pr.n_ch, 5);
    CHECK_STR("parts: chapter 1 titled as the TXT parser would", title_of(&eb, 0), "PREMIÈRE PARTIE — I");
    CHECK_STR("parts: chapter 2", title_of(&eb, 1), "PREMIÈRE PARTIE — II");
    CHECK_STR("parts: chapter 3", title_of(&eb, 2), "Book Two: 1806 — Chapter I");
    CHECK_STR("parts: chapter 4", title_of(&eb, 3), "Book Two: 1806 — Chapter II");
    CHECK_STR("parts: a story (no part) keeps its sections", title_of(&eb, 4), "The Story");
    CHECK_INT("parts: Alpha in chapter 1", chapter_at(&eb, "Alpha"), 0);
    CHECK_INT("parts: the part's heading and the chapter's are chapter 1's heading, not its words",
              (long)parse_count_words(eb.text, eb.pr.ch[0].body, eb.pr.ch[0].back), 3);
    CHECK_INT("parts: Bravo in chapter 2", chapter_at(&eb, "Bravo"), 1);
    CHECK_INT("parts: the part's heading and epigraph open its first chapter", chapter_at(&eb, "Charlie"), 2);
    CHECK_INT("parts: the part heading too", chapter_at(&eb, "Book Two: 1806"), 2);
    CHECK_INT("parts: a chapter's section stays in it", chapter_at(&eb, "Echo"), 2);
    CHECK_INT("parts: Foxtrot in chapter 4", chapter_at(&eb, "Foxtrot"), 3);
    CHECK_INT("parts: the story's sections in one chapter", chapter_at(&eb, "Hotel"), 4);
    ebook_free(&eb);
}

/* ---- pandoc's section for the text before a book's first heading:
 * titled by the book, class "unnumbered"; front matter of chapter 1, as
 * a TXT's text before its first heading is, not a chapter ---- */

static void test_pandoc_preamble(void)
{
    static const char opf[] =
        "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\">"
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Harbor Book</dc:title>"
        "<dc:creator>Anon</dc:creator></metadata>"
        "<manifest><item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>"
        "<item id=\"c1\" href=\"ch001.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"c2\" href=\"ch002.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"c3\" href=\"ch003.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>"
        "<spine><itemref idref=\"c1\"/><itemref idref=\"c2\"/><itemref idref=\"c3\"/></spine></package>";
    static const char nav[] =
        XHTML("<nav epub:type=\"toc\"><ol>"
              "<li><a href=\"ch001.xhtml#harbor-book\">Harbor Book</a></li>"
              "<li><a href=\"ch002.xhtml#chapter-i\">Chapter I</a></li>"
              "<li><a href=\"ch003.xhtml#chapter-ii\">Chapter II</a></li></ol></nav>");
    struct zfile f[] = {
        MIMETYPE,
        CONTAINER("content.opf"),
        {"content.opf", opf, 0, false},
        {"nav.xhtml", nav, 0, false},
        {"ch001.xhtml", XHTML("<section id=\"harbor-book\" class=\"level1 unnumbered\">"
                              "<h1 class=\"unnumbered\">Harbor Book</h1><p>HARBOR BOOK</p><p>Alpha edition line.</p></section>"), 0, false},
        {"ch002.xhtml", XHTML("<section id=\"chapter-i\" class=\"level1\"><h1>Chapter I</h1><p>Bravo first chapter.</p></section>"), 0, false},
        {"ch003.xhtml", XHTML("<section id=\"chapter-ii\" class=\"level1\"><h1>Chapter II</h1><p>Charlie second chapter.</p></section>"), 0, false},
    };
    struct ebook eb;
    if (!read_well("pandoc preamble", f, sizeof f / sizeof *f, &eb))
        return;
    CHECK_INT("pandoc preamble: two chapters, not three", eb.pr.n_ch, 2);
    CHECK_STR("pandoc preamble: chapter 1 is the first heading's", title_of(&eb, 0), "Chapter I");
    CHECK("pandoc preamble: its text is front matter of chapter 1",
          chapter_at(&eb, "Alpha") == 0 && flags_at(&eb, "Alpha") > 0 && (flags_at(&eb, "Alpha") & BLOCK_FRONT));
    CHECK_INT("pandoc preamble: chapter 1's words its own", (long)parse_count_words(eb.text, eb.pr.ch[0].body, eb.pr.ch[0].back), 3);
    ebook_free(&eb);
    /* the same document not marked unnumbered (a chapter titled as its
       book): a chapter */
    f[4].data = XHTML("<section id=\"harbor-book\" class=\"level1\"><h1>Harbor Book</h1><p>Alpha first words.</p></section>");
    if (!read_well("chapter titled as its book", f, sizeof f / sizeof *f, &eb))
        return;
    CHECK_INT("a chapter titled as its book stays a chapter", eb.pr.n_ch, 3);
    ebook_free(&eb);
}

/* ---- no nav, no NCX: spine order, titles from headings ---- */

static void test_no_toc(void)
{
    static const char opf[] =
        "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\">"
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Bare</dc:title></metadata>"
        "<manifest><item id=\"x\" href=\"x.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"y\" href=\"y.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"nav\" href=\"missing-nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/></manifest>"
        "<spine><itemref idref=\"x\"/><itemref idref=\"y\"/></spine></package>";
    struct zfile f[] = {
        MIMETYPE,
        CONTAINER("p.opf"),
        {"p.opf", opf, 0, false},
        {"x.xhtml", XHTML("<h1>Chapter One</h1><p>Quebec first.</p>"), 0, false},
        {"y.xhtml", XHTML("<h1>Chapter Two</h1><p>Romeo second.</p>"), 0, false},
    };
    struct ebook eb;
    if (!read_well("no toc", f, sizeof f / sizeof *f, &eb))
        return;
    CHECK_INT("no toc: a chapter per spine document", eb.pr.n_ch, 2);
    CHECK_STR("no toc: title from the heading", title_of(&eb, 0), "Chapter One");
    CHECK_STR("no toc: title from the heading 2", title_of(&eb, 1), "Chapter Two");
    CHECK("no toc: spine order", has(&eb, "Quebec") && has(&eb, "Romeo") &&
                                     strstr(eb.text, "Quebec") < strstr(eb.text, "Romeo"));
    ebook_free(&eb);
}

/* ---- container.xml missing or broken; OPF missing ---- */

static const char MINI_OPF[] =
    "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"2.0\">"
    "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Mini</dc:title></metadata>"
    "<manifest><item id=\"x\" href=\"x.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>"
    "<spine><itemref idref=\"x\"/></spine></package>";

static void test_container(void)
{
    struct ebook eb;
    char *err;
    {
        struct zfile f[] = {
            MIMETYPE,
            {"book/mini.opf", MINI_OPF, 0, false},
            {"book/x.xhtml", XHTML("<p>Sierra mini.</p>"), 0, false},
        };
        bool ok = read_files(f, 3, &eb, &err);
        CHECK("no container.xml: the first .opf is used", ok && has(&eb, "Sierra"));
        if (ok)
            CHECK_STR("no container.xml: title", eb.pr.title, "Mini");
        else
            free(err);
        ebook_free(&eb);
    }
    {
        struct zfile f[] = {
            MIMETYPE,
            {"META-INF/container.xml", "<container><rootfiles><rootfile full-path=", 0, false},
            {"book/mini.opf", MINI_OPF, 0, false},
            {"book/x.xhtml", XHTML("<p>Sierra mini.</p>"), 0, false},
        };
        bool ok = read_files(f, 4, &eb, &err);
        CHECK("broken container.xml: the first .opf is used", ok && has(&eb, "Sierra"));
        if (!ok)
            free(err);
        ebook_free(&eb);
    }
    {
        struct zfile f[] = {
            MIMETYPE,
            CONTAINER("nowhere/content.opf"),
            {"book/mini.opf", MINI_OPF, 0, false},
            {"book/x.xhtml", XHTML("<p>Sierra mini.</p>"), 0, false},
        };
        bool ok = read_files(f, 4, &eb, &err);
        CHECK("container.xml naming a missing OPF: the first .opf is used", ok && has(&eb, "Sierra"));
        if (!ok)
            free(err);
        ebook_free(&eb);
    }
    {
        struct zfile f[] = {
            MIMETYPE,
            CONTAINER("content.opf"),
            {"x.xhtml", XHTML("<p>Sierra mini.</p>"), 0, false},
        };
        bool ok = read_files(f, 3, &eb, &err);
        CHECK("no OPF: refused", !ok);
        CHECK_STR("no OPF: says so", err, "no OPF package document");
        CHECK("no OPF: the ebook is left empty", eb.text == NULL && eb.pr.n_ch == 0);
        free(err);
    }
    {
        struct zfile f[] = {
            MIMETYPE,
            CONTAINER("content.opf"),
            {"content.opf", "this is not xml at all", 0, false},
        };
        bool ok = read_files(f, 3, &eb, &err);
        CHECK("broken OPF: refused", !ok);
        CHECK("broken OPF: says so", err && strstr(err, "OPF"));
        free(err);
    }
}

/* ---- not a zip, truncated, too big ---- */

static void test_bad_zip(void)
{
    struct ebook eb;
    char *err;
    const char *txt = "Just some text, not a zip archive at all.\n";
    CHECK("not a zip: refused", !read_epub((const unsigned char *)txt, strlen(txt), &eb, &err));
    CHECK_STR("not a zip: says so", err, "not a zip archive");
    free(err);
    CHECK("empty: refused", !read_epub((const unsigned char *)"", 0, &eb, &err));
    CHECK_STR("empty: not a zip", err, "not a zip archive");
    free(err);

    struct zfile f[] = {
        MIMETYPE,
        CONTAINER("book/mini.opf"),
        {"book/mini.opf", MINI_OPF, 0, false},
        {"book/x.xhtml", XHTML("<p>Sierra mini.</p>"), 0, false},
    };
    size_t len;
    unsigned char *z = mkzip(f, 4, &len);
    size_t cuts[] = {len / 2, len - 10, 30};
    for (size_t i = 0; i < 3; i++) {
        bool ok = read_epub(z, cuts[i], &eb, &err);
        CHECK("truncated: refused", !ok);
        CHECK("truncated: a clear error", err && (strstr(err, "truncated") || strstr(err, "damaged")));
        if (!err || !strstr(err, "truncated"))
            fprintf(stderr, "truncated at %zu of %zu: %s\n", cuts[i], len, err ? err : "(none)");
        free(err);
        if (ok)
            ebook_free(&eb);
    }
    /* A flipped byte in a deflated entry: a damaged entry, not a crash. */
    unsigned char *bad = xmalloc(len);
    memcpy(bad, z, len);
    size_t at = 0;
    for (size_t i = 0; i + 12 < len; i++)
        if (memcmp(bad + i, "book/x.xhtml", 12) == 0) {
            at = i + 12 + 4;   /* into its data after the local header */
            break;
        }
    if (at && at < len)
        bad[at] ^= 0x55;
    bool ok = read_epub(bad, len, &eb, &err);
    CHECK("damaged entry: an error or a skip, never a crash", ok || err);
    if (ok)
        ebook_free(&eb);
    free(err);
    free(bad);
    free(z);
}

/* A zip bomb: a small entry inflating past the ratio limit. */
static void test_bomb(void)
{
    size_t big = (size_t)3 << 20;   /* 3 MiB of one byte: about 3 KiB deflated */
    char *zeros = xmalloc(big + 64);
    memset(zeros, 'a', big);
    static const char pre[] = "<html><body><p>";
    memcpy(zeros, pre, strlen(pre));
    struct zfile f[] = {
        MIMETYPE,
        CONTAINER("book/mini.opf"),
        {"book/mini.opf", MINI_OPF, 0, false},
        {"book/x.xhtml", zeros, big, false},
    };
    struct ebook eb;
    char *err;
    bool ok = read_files(f, 4, &eb, &err);
    CHECK("zip bomb: refused", !ok);
    CHECK("zip bomb: says so", err && strstr(err, "zip bomb") && strstr(err, "refused"));
    free(err);
    /* The same bomb as the OPF. */
    struct zfile g[] = {
        MIMETYPE,
        CONTAINER("book/mini.opf"),
        {"book/mini.opf", zeros, big, false},
    };
    ok = read_files(g, 3, &eb, &err);
    CHECK("zip bomb OPF: refused", !ok && err && strstr(err, "zip bomb"));
    free(err);
    /* 1 MiB of the same byte is still read (the ratio counts past 1 MiB). */
    size_t small = (size_t)900 << 10;
    memcpy(zeros + small - 20, "</p></body></html>", 18);
    struct zfile h[] = {
        MIMETYPE,
        CONTAINER("book/mini.opf"),
        {"book/mini.opf", MINI_OPF, 0, false},
        {"book/x.xhtml", zeros, small - 2, false},
    };
    ok = read_files(h, 4, &eb, &err);
    CHECK("900 KiB of one letter: read", ok);
    release(ok, &eb, err);
    free(zeros);
}

/* ---- the container's reading (epub_zip.c) ---- */

/* head, then "PK\7\10", the CRC-32 of head, its length twice (a data
 * descriptor's fields) and the end of a comment: malloc'd, *len bytes. */
static char *fake_descriptor(const char *head, size_t *len)
{
    size_t hl = strlen(head);
    static const char tail[] = " --><!-- the end -->";
    char *f = xmalloc(hl + 16 + sizeof tail);
    memcpy(f, head, hl);
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < hl; i++) {
        crc ^= (unsigned char)head[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    crc = ~crc;
    size_t l = hl;
    memcpy(f + l, "PK\x07\x08", 4);
    l += 4;
    for (int b = 0; b < 4; b++)
        f[l++] = (char)(crc >> (8 * b));
    for (int k = 0; k < 2; k++)
        for (int b = 0; b < 4; b++)
            f[l++] = (char)(hl >> (8 * b));
    memcpy(f + l, tail, sizeof tail);
    *len = l + sizeof tail - 1;
    return f;
}

/* The spine's documents in reverse order in the zip, so that each is
 * read after one that lies behind it; some stored, some with their sizes
 * only in a data descriptor; names found ignoring case only when no name
 * is the same exactly; an encrypted zip. */
static void test_zip_reading(void)
{
    enum { N = 40 };
    struct buf opf = {0};
    buf_printf(&opf, "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" "
                     "version=\"2.0\"><metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
                     "<dc:title>Order</dc:title></metadata><manifest>");
    for (int k = 1; k <= N; k++)
        buf_printf(&opf, "<item id=\"c%d\" href=\"Text/C%d.xhtml\" media-type=\"application/xhtml+xml\"/>",
                   k, k);
    buf_printf(&opf, "</manifest><spine>");
    for (int k = 1; k <= N; k++)
        buf_printf(&opf, "<itemref idref=\"c%d\"/>", k);
    buf_printf(&opf, "</spine></package>");
    struct zfile f[N + 3];
    char *docs[N], *names[N];
    f[0] = (struct zfile)MIMETYPE;
    f[1] = (struct zfile)CONTAINER("book/o.opf");
    f[2] = (struct zfile){"book/o.opf", opf.data, 0, ZF_DEFLATE};
    for (int k = 1; k <= N; k++) {
        docs[k - 1] = xasprintf(XHTML("<h1>Chapter %d</h1><p>Marker%03d and on.</p>"), k, k);
        /* Upper case in the OPF, lower case in the zip for some. */
        names[k - 1] = xasprintf(k % 3 == 0 ? "book/text/c%d.xhtml" : "book/Text/C%d.xhtml", k);
        f[3 + N - k] = (struct zfile){names[k - 1], docs[k - 1], 0,
                                      k % 4 == 0 ? ZF_STORE_UNSIZED : k % 4 == 1 ? ZF_STORE : ZF_DEFLATE};
    }
    struct ebook eb;
    char *err;
    bool ok = read_files(f, N + 3, &eb, &err);
    if (CHECK("zip order against the spine: read", ok)) {
        const char *prev = eb.text;
        int in_order = 0;
        for (int k = 1; k <= N; k++) {
            char m[32];
            snprintf(m, sizeof m, "Marker%03d and", k);
            const char *at = strstr(eb.text, m);
            in_order += at && at > prev;
            prev = at ? at : prev;
        }
        CHECK_INT("every chapter, in spine order, whatever the zip's order", in_order, N);
        CHECK_INT("one chapter each", eb.pr.n_ch, N);
        CHECK("stored entries with a data descriptor: read whole",
              has(&eb, "Marker004 and on.") && has(&eb, "Marker040 and on."));
        ebook_free(&eb);
    } else {
        fprintf(stderr, "test_epub: zip order: %s\n", err ? err : "?");
        free(err);
    }
    for (int k = 0; k < N; k++) {
        free(docs[k]);
        free(names[k]);
    }
    free(opf.data);

    /* Stored entries, their sizes only after them, that hold what a
     * streaming reader takes for their end: "PK\7\10" and the CRC-32 of
     * the bytes before it (the parsers are not troubled: they are in a
     * comment after the document).  They must be read whole all the
     * same, from the sizes in the central directory: the OPF, then the
     * chapter that lies before it in the zip. */
    {
        static const char opf_head[] =
            "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"2.0\">"
            "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Descriptor</dc:title>"
            "</metadata><manifest><item id=\"x\" href=\"x.xhtml\" media-type=\"application/xhtml+xml\"/>"
            "</manifest><spine><itemref idref=\"x\"/></spine></package><!-- ";
        static const char x_head[] = XHTML("<p>Victor, after the fake descriptor.</p>") "<!-- ";
        size_t ol, xl;
        char *fake_opf = fake_descriptor(opf_head, &ol);
        char *fake_x = fake_descriptor(x_head, &xl);
        struct zfile d[] = {
            MIMETYPE,
            CONTAINER("book/d.opf"),
            {"book/x.xhtml", fake_x, xl, ZF_STORE_UNSIZED},
            {"book/d.opf", fake_opf, ol, ZF_STORE_UNSIZED},
        };
        size_t zl;
        unsigned char *zb = mkzip(d, 4, &zl);
        CHECK("a fake data descriptor: the fixture holds it",
              memmem(zb, zl, fake_opf + sizeof opf_head - 1, 12) != NULL);
        ok = read_epub(zb, zl, &eb, &err);
        CHECK("a fake data descriptor inside a stored entry: read whole",
              ok && has(&eb, "Victor, after the fake descriptor.") && eb.pr.title &&
              !strcmp(eb.pr.title, "Descriptor"));
        release(ok, &eb, err);
        free(zb);
        free(fake_opf);
        free(fake_x);
    }

    /* A damaged local header of an entry the book never reads (a style
     * sheet): the rest is read all the same, as when only the central
     * directory was read. */
    {
        struct zfile d[] = {
            MIMETYPE,
            CONTAINER("book/mini.opf"),
            {"book/style.css", "p { margin: 0 }", 0, ZF_DEFLATE},
            {"book/mini.opf", MINI_OPF, 0, ZF_DEFLATE},
            {"book/x.xhtml", XHTML("<p>Xray past a broken header.</p>"), 0, ZF_DEFLATE},
        };
        size_t zl;
        unsigned char *zb = mkzip(d, 5, &zl);
        unsigned char *nm = memmem(zb, zl, "book/style.css", 14);   /* its local header's */
        bool broke = nm && nm - zb >= 30 && !memcmp(nm - 30, "PK\3\4", 4);
        if (broke)
            memcpy(nm - 30, "XXXX", 4);
        CHECK("a damaged local header: the fixture has it", broke);
        ok = read_epub(zb, zl, &eb, &err);
        CHECK("a damaged local header of an unread entry: the book is read",
              ok && has(&eb, "Xray past a broken header."));
        release(ok, &eb, err);
        free(zb);
    }

    /* Exact first: with a.xhtml and A.xhtml both there, each is its own. */
    static const char two_opf[] =
        "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"2.0\">"
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Two</dc:title></metadata>"
        "<manifest><item id=\"u\" href=\"A.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"l\" href=\"a.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"b\" href=\"B.XHTML\" media-type=\"application/xhtml+xml\"/></manifest>"
        "<spine><itemref idref=\"u\"/><itemref idref=\"l\"/><itemref idref=\"b\"/></spine></package>";
    struct zfile g[] = {
        MIMETYPE,
        CONTAINER("book/two.opf"),
        {"book/two.opf", two_opf, 0, ZF_DEFLATE},
        {"book/a.xhtml", XHTML("<h1>One</h1><p>Lower alpha.</p>"), 0, ZF_DEFLATE},
        {"book/A.xhtml", XHTML("<h1>Two</h1><p>Upper alpha.</p>"), 0, ZF_DEFLATE},
        {"book/b.xhtml", XHTML("<h1>Three</h1><p>Bravo by another case.</p>"), 0, ZF_DEFLATE},
    };
    ok = read_files(g, 6, &eb, &err);
    if (CHECK("names in two cases: read", ok)) {
        const char *up = strstr(eb.text, "Upper alpha"), *low = strstr(eb.text, "Lower alpha");
        CHECK("A.xhtml is A.xhtml, a.xhtml is a.xhtml (exact names first)", up && low && up < low);
        CHECK("B.XHTML finds b.xhtml (ASCII case ignored when no name is exact)",
              has(&eb, "Bravo by another case"));
        ebook_free(&eb);
    } else {
        free(err);
    }

    /* Names twice in the zip: the first entry of a name is the one read,
     * exactly (x.xhtml) or, with no exact name, ignoring case (Y.XHTML:
     * y.xhtml before Y.xhtml); the later entries never. */
    static const char dup_opf[] =
        "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"2.0\">"
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Twice</dc:title></metadata>"
        "<manifest><item id=\"x\" href=\"x.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"y\" href=\"Y.XHTML\" media-type=\"application/xhtml+xml\"/></manifest>"
        "<spine><itemref idref=\"x\"/><itemref idref=\"y\"/></spine></package>";
    struct zfile d[] = {
        MIMETYPE,
        CONTAINER("book/dup.opf"),
        {"book/dup.opf", dup_opf, 0, ZF_DEFLATE},
        {"book/y.xhtml", XHTML("<h1>One</h1><p>Yankee first.</p>"), 0, ZF_DEFLATE},
        {"book/x.xhtml", XHTML("<h1>Two</h1><p>Xray first.</p>"), 0, ZF_DEFLATE},
        {"book/Y.xhtml", XHTML("<h1>Three</h1><p>Yankee second.</p>"), 0, ZF_DEFLATE},
        {"book/x.xhtml", XHTML("<h1>Four</h1><p>Xray second.</p>"), 0, ZF_DEFLATE},
    };
    ok = read_files(d, 7, &eb, &err);
    if (CHECK("names twice: read", ok)) {
        CHECK("x.xhtml twice: the first one read", has(&eb, "Xray first") && !has(&eb, "Xray second"));
        CHECK("Y.XHTML (no exact name): the first of y.xhtml and Y.xhtml read",
              has(&eb, "Yankee first") && !has(&eb, "Yankee second"));
        ebook_free(&eb);
    } else {
        free(err);
    }

    /* A UTF-8 name (the zip says so), named percent-encoded by the OPF,
     * whatever the locale. */
    static const char utf8_opf[] =
        "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"2.0\">"
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Caf\xc3\xa9</dc:title></metadata>"
        "<manifest><item id=\"c\" href=\"caf%C3%A9.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"d\" href=\"na\xc3\xafve.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>"
        "<spine><itemref idref=\"c\"/><itemref idref=\"d\"/></spine></package>";
    struct zfile u[] = {
        MIMETYPE,
        CONTAINER("book/u.opf"),
        {"book/u.opf", utf8_opf, 0, ZF_DEFLATE},
        {"book/caf\xc3\xa9.xhtml", XHTML("<h1>One</h1><p>Uniform in a caf\xc3\xa9.</p>"), 0, ZF_DEFLATE},
        {"book/na\xc3\xafve.xhtml", XHTML("<h1>Two</h1><p>Uniform, na\xc3\xafvely.</p>"), 0, ZF_STORE},
    };
    ok = read_files(u, 5, &eb, &err);
    CHECK("UTF-8 entry names: both documents read",
          ok && has(&eb, "Uniform in a caf\xc3\xa9.") && has(&eb, "Uniform, na\xc3\xafvely."));
    release(ok, &eb, err);

    /* An encrypted zip: refused as DRM, saying which entry. */
    struct zfile h[] = {
        MIMETYPE,
        CONTAINER("book/mini.opf"),
        {"book/mini.opf", MINI_OPF, 0, ZF_CRYPT},
        {"book/x.xhtml", XHTML("<p>Whiskey, encrypted.</p>"), 0, ZF_CRYPT},
    };
    ok = read_files(h, 4, &eb, &err);
    CHECK("encrypted entries: refused", !ok);
    CHECK("encrypted entries: DRM-protected, naming one",
          err && !strncmp(err, "DRM-protected: cannot be read (", 31) && strstr(err, " is encrypted)"));
    if (ok)
        ebook_free(&eb);
    free(err);
}

/* ---- ill-formed XHTML, XXE, entity bombs ---- */

/* ezip_find's rule, by brute force: the first entry named `q` exactly,
 * else the first named so ignoring ASCII case, else -1. */
static long find_rule(const struct epub_zip *z, const char *q)
{
    size_t n = ezip_count(z), ql = strlen(q);
    for (size_t i = 0; i < n; i++)
        if (strcmp(ezip_name(z, i), q) == 0)
            return (long)i;
    for (size_t i = 0; i < n; i++) {
        const char *a = ezip_name(z, i);
        size_t k = 0;
        while (k < ql && a[k] && (a[k] == q[k] || ((a[k] | 32) == (q[k] | 32) &&
                                                    (a[k] | 32) >= 'a' && (a[k] | 32) <= 'z')))
            k++;
        if (k == ql && a[k] == '\0')
            return (long)i;
    }
    return -1;
}

static unsigned lookup_rand(unsigned long *r, unsigned n)
{
    *r = *r * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((*r >> 33) % n);
}

/* Archives of names in several cases, some twice: every name looked up
 * as it is, in upper and lower case, with letters' cases flipped at
 * random and with its last byte changed, as the rule says. */
static void test_zip_lookup(void)
{
    static const char *const pick[] = {"a.xhtml", "A.xhtml", "OEBPS/Text/ch1.xhtml",
                                       "oebps/text/CH1.xhtml", "META-INF/container.xml",
                                       "meta-inf/Encryption.xml", "x/y/z.css", "img.png",
                                       "IMG.png", "c.opf"};
    unsigned long r = 12345;
    long lookups = 0, wrong = 0;
    for (int round = 0; round < 20; round++) {
        size_t n = 2 + lookup_rand(&r, 120);
        struct zfile *f = xcalloc(n, sizeof *f);
        char (*names)[64] = xcalloc(n, sizeof *names);
        f[0] = (struct zfile)MIMETYPE;
        for (size_t i = 1; i < n; i++) {
            if (lookup_rand(&r, 2))
                snprintf(names[i], sizeof names[i], "%s", pick[lookup_rand(&r, 10)]);
            else {
                unsigned d = lookup_rand(&r, 4), e = lookup_rand(&r, 30);
                snprintf(names[i], sizeof names[i], "d%u/f%u.xhtml", d, e);
            }
            for (char *c = names[i]; *c; c++)
                if (lookup_rand(&r, 5) == 0 && ((*c | 32) >= 'a' && (*c | 32) <= 'z'))
                    *c ^= 32;
            f[i] = (struct zfile){names[i], "x", 0, ZF_DEFLATE};
        }
        size_t len;
        unsigned char *zb = mkzip(f, n, &len);
        struct epub_zip z;
        char *err = NULL;
        if (!zb || !ezip_open(zb, len, &z, &err)) {
            CHECK("a zip of names in several cases: opened", false);
            free(err);
        } else {
            for (size_t i = 0; i < ezip_count(&z); i++) {
                char q[64];
                for (int v = 0; v < 5; v++) {
                    snprintf(q, sizeof q, "%s", ezip_name(&z, i));
                    for (char *c = q; *c; c++) {
                        bool letter = (*c | 32) >= 'a' && (*c | 32) <= 'z';
                        if (letter && (v == 1 ? *c >= 'a' : v == 2 ? *c <= 'Z' : v == 3 && lookup_rand(&r, 2)))
                            *c ^= 32;
                    }
                    if (v == 4 && q[0])
                        q[strlen(q) - 1] ^= 1;
                    lookups++;
                    wrong += ezip_find(&z, q) != find_rule(&z, q);
                }
            }
            static const char *const drm[] = {"META-INF/rights.xml", "META-INF/encryption.xml",
                                              "META-INF/ENCRYPTION.XML", ""};
            for (int k = 0; k < 4; k++, lookups++)
                wrong += ezip_find(&z, drm[k]) != find_rule(&z, drm[k]);
            ezip_close(&z);
        }
        free(zb);
        free(f);
        free(names);
    }
    char msg[160];
    snprintf(msg, sizeof msg, "ezip_find: the first exact name, else the first ignoring ASCII case "
                              "(%ld lookups, %ld not)", lookups, wrong);
    CHECK(msg, lookups > 1000 && wrong == 0);
}

static void one_doc(const char *doc, const char *opf, struct ebook *eb, char **err, bool *ok)
{
    struct zfile f[] = {
        MIMETYPE,
        CONTAINER("book/mini.opf"),
        {"book/mini.opf", opf ? opf : MINI_OPF, 0, false},
        {"book/x.xhtml", doc, 0, false},
    };
    *ok = read_files(f, 4, eb, err);
}

static void test_hostile_xml(void)
{
    struct ebook eb;
    char *err;
    bool ok;
    one_doc("<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><body>"
            "<p>Tango unclosed <b>bold <i>both</p><p>Uniform after<br></p><div>Victor end",
            NULL, &eb, &err, &ok);
    CHECK("ill-formed XHTML: recovered", ok && has(&eb, "Tango") && has(&eb, "Uniform") && has(&eb, "Victor"));
    release(ok, &eb, err);

    one_doc("<p>Whiskey tag soup <p>with no root & stray < signs <b>here", NULL, &eb, &err, &ok);
    CHECK("tag soup: recovered", ok && has(&eb, "Whiskey") && has(&eb, "here"));
    release(ok, &eb, err);

    static const char xxe[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE html [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> "
        "<!ENTITY pub PUBLIC \"-//x//y\" \"file:///etc/hostname\"> ]>\n"
        "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>Xray &xxe; &pub; seen.</p></body></html>";
    static const char xxe_opf[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE package [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
        "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"2.0\">"
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Leak &xxe;</dc:title>"
        "<dc:creator>&xxe;</dc:creator><dc:description>&xxe;</dc:description></metadata>"
        "<manifest><item id=\"x\" href=\"x.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>"
        "<spine><itemref idref=\"x\"/></spine></package>";
    one_doc(xxe, xxe_opf, &eb, &err, &ok);
    CHECK("XXE: read", ok && has(&eb, "Xray"));
    if (ok) {
        CHECK("XXE: nothing of /etc/passwd in the text", !has(&eb, "root:") && !has(&eb, "/bin/"));
        CHECK("XXE: nothing of /etc/passwd in the title",
              eb.pr.title && !strstr(eb.pr.title, "root") && strncmp(eb.pr.title, "Leak", 4) == 0);
        CHECK("XXE: nothing in the author", !eb.pr.author || !strstr(eb.pr.author, "root"));
        CHECK("XXE: nothing in the summary", !eb.pr.meta.summary || !strstr(eb.pr.meta.summary, "root"));
        ebook_free(&eb);
    } else {
        free(err);
    }

    /* Entities referring to entities in the OPF's metadata, before the
     * manifest: the search for <manifest> must not walk into them (it
     * once walked the DTD's declarations round and round: found by
     * fuzz_epub, tests/fuzz/corpus/epub/entity-walk). */
    static const char walk_opf[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE package [ <!ENTITY a \"aaaa\"> "
        "<!ENTITY b \"&a;&a;&a;&a;\"> <!ENTITY c \"x&b;&b;&b;&b;\"> ]>\n"
        "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"2.0\">"
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>T &c; &b;</dc:title></metadata>"
        "<manifest><item id=\"x\" href=\"x.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>"
        "<spine><itemref idref=\"x\"/></spine></package>";
    one_doc(XHTML("<p>Alpha after entities.</p>"), walk_opf, &eb, &err, &ok);
    CHECK("nested entities before the manifest: read", ok && has(&eb, "Alpha after"));
    if (ok) {
        CHECK_STR("nested entities: entities naming entities show nothing", eb.pr.title, "T");
        ebook_free(&eb);
    } else {
        free(err);
    }

    /* Billion laughs, in the OPF and in a chapter. */
    struct buf lol = {0};
    buf_adds(&lol, "<?xml version=\"1.0\"?>\n<!DOCTYPE x [ <!ENTITY l0 \"lol\">");
    for (int i = 1; i <= 12; i++)
        buf_printf(&lol, "<!ENTITY l%d \"&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;\">", i,
                   i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    buf_adds(&lol, "]>\n");
    struct buf doc = {0}, opf = {0};
    buf_add(&doc, lol.data, lol.len);
    buf_adds(&doc, "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>Yankee &l12; end.</p></body></html>");
    buf_add(&opf, lol.data, lol.len);
    buf_adds(&opf, "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"2.0\">"
                   "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Laughs &l12;</dc:title>"
                   "<dc:description>&l12;</dc:description></metadata>"
                   "<manifest><item id=\"x\" href=\"x.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>"
                   "<spine><itemref idref=\"x\"/></spine></package>");
    one_doc(doc.data, opf.data, &eb, &err, &ok);
    CHECK("entity bomb: finishes with a result", ok || err);
    if (ok) {
        CHECK("entity bomb: bounded text", eb.len < ((size_t)1 << 20));
        CHECK("entity bomb: bounded title", eb.pr.title && strlen(eb.pr.title) < 1000);
        CHECK("entity bomb: bounded summary", !eb.pr.meta.summary || strlen(eb.pr.meta.summary) < 1000);
        ebook_free(&eb);
    } else {
        free(err);
    }
    buf_free(&lol);
    buf_free(&doc);
    buf_free(&opf);
}

/* ---- DRM ---- */

static void test_drm(void)
{
    static const char enc_content[] =
        "<?xml version=\"1.0\"?><encryption xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\" "
        "xmlns:enc=\"http://www.w3.org/2001/04/xmlenc#\"><enc:EncryptedData>"
        "<enc:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#aes128-cbc\"/>"
        "<enc:CipherData><enc:CipherReference URI=\"book/x.xhtml\"/></enc:CipherData>"
        "</enc:EncryptedData></encryption>";
    static const char enc_font[] =
        "<?xml version=\"1.0\"?><encryption xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\" "
        "xmlns:enc=\"http://www.w3.org/2001/04/xmlenc#\"><enc:EncryptedData>"
        "<enc:EncryptionMethod Algorithm=\"http://www.idpf.org/2008/embedding\"/>"
        "<enc:CipherData><enc:CipherReference URI=\"book/fonts/f.otf\"/></enc:CipherData>"
        "</enc:EncryptedData></encryption>";
    struct ebook eb;
    char *err;
    struct zfile f[] = {
        MIMETYPE,
        CONTAINER("book/mini.opf"),
        {"book/mini.opf", MINI_OPF, 0, false},
        {"book/x.xhtml", "\x13\x37 encrypted bytes \x99", 0, false},
        {"META-INF/encryption.xml", enc_content, 0, false},
    };
    CHECK("DRM: refused", !read_files(f, 5, &eb, &err));
    CHECK_STR("DRM: says so", err, "DRM-protected: cannot be read");
    free(err);

    struct zfile g[] = {
        MIMETYPE,
        CONTAINER("book/mini.opf"),
        {"book/mini.opf", MINI_OPF, 0, false},
        {"book/x.xhtml", XHTML("<p>Zulu with an obfuscated font.</p>"), 0, false},
        {"META-INF/encryption.xml", enc_font, 0, false},
    };
    bool ok = read_files(g, 5, &eb, &err);
    CHECK("font obfuscation only: read", ok && has(&eb, "Zulu"));
    release(ok, &eb, err);

    struct zfile h[] = {
        MIMETYPE,
        CONTAINER("book/mini.opf"),
        {"book/mini.opf", MINI_OPF, 0, false},
        {"book/x.xhtml", XHTML("<p>Zulu.</p>"), 0, false},
        {"META-INF/rights.xml", "<rights/>", 0, false},
    };
    CHECK("Adobe rights.xml: refused", !read_files(h, 5, &eb, &err));
    CHECK_STR("Adobe rights.xml: DRM", err, "DRM-protected: cannot be read");
    free(err);
}


/* ---- real EPUBs (../shared/corpus/ebooks) ---- */

static bool read_path(const char *path, enum ebook_format f, struct ebook *eb)
{
    char *err = NULL;
    bool ok = ebook_read_file(path, f, eb, &err);
    if (!ok)
        fprintf(stderr, "%s: %s\n", path, err ? err : "?");
    size_t len;
    char *e = NULL, *bytes = f == EBOOK_EPUB ? read_file(path, &len, &e) : NULL;
    if (bytes)
        check_slow(path, (const unsigned char *)bytes, len, ok, eb, err);
    free(bytes);
    free(e);
    free(err);
    return ok;
}

/* Words of chapter i's story text: [body, back). */
static size_t body_words(const struct ebook *eb, size_t i)
{
    return parse_count_words(eb->text, eb->pr.ch[i].body, eb->pr.ch[i].back);
}

/* Does any chapter's story text [body, back) contain s? */
static bool in_story_text(const struct ebook *eb, const char *s)
{
    for (size_t i = 0; i < eb->pr.n_ch; i++) {
        const struct parse_chapter *c = &eb->pr.ch[i];
        const char *p = eb->text + c->body;
        size_t sl = strlen(s);
        for (const char *q = p; q + sl <= eb->text + c->back; q++)
            if (memcmp(q, s, sl) == 0)
                return true;
    }
    return false;
}

/* The heads of the EPUB at `path` (ebook_read_file_head) against its
 * whole conversion `whole`: for heads of a few sizes, each that is made
 * holds whole chapters with the same text bytes, blocks, offsets and
 * titles as the whole's first ones, and at least the bytes asked.  The
 * number of heads made (a short book may have none). */
static int check_heads(const char *label, const char *path, const struct ebook *whole)
{
    size_t sizes[] = {1, 4096, whole->len / 4, whole->len / 2, whole->len * 3 / 4};
    int made = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        struct ebook h;
        char *err = NULL;
        size_t total = 0;
        bool ok = ebook_read_file_head(path, EBOOK_EPUB, sizes[i] ? sizes[i] : 1, &h, &total, &err);
        free(err);
        if (!ok)
            continue;
        made++;
        char what[600];
        bool same = h.pr.n_ch >= 1 && h.pr.n_ch < whole->pr.n_ch && h.len <= whole->len &&
                    memcmp(h.text, whole->text, h.len) == 0 &&
                    h.len == whole->pr.ch[h.pr.n_ch - 1].end && h.len >= sizes[i] &&
                    h.n_blocks <= whole->n_blocks &&
                    (h.n_blocks == whole->n_blocks || whole->blocks[h.n_blocks].off >= h.len) &&
                    strcmp(h.format, whole->format) == 0 && total > 0;
        for (size_t k = 0; same && k < h.n_blocks; k++)   /* field by field: padding */
            same = h.blocks[k].off == whole->blocks[k].off &&
                   h.blocks[k].end == whole->blocks[k].end &&
                   h.blocks[k].kind == whole->blocks[k].kind &&
                   h.blocks[k].flags == whole->blocks[k].flags;
        for (size_t c = 0; same && c < h.pr.n_ch; c++) {
            const struct parse_chapter *a = &h.pr.ch[c], *b = &whole->pr.ch[c];
            same = a->start == b->start && a->end == b->end && a->front_end == b->front_end &&
                   a->body == b->body && a->back == b->back && a->number == b->number &&
                   (a->title == NULL) == (b->title == NULL) &&
                   (!a->title || strcmp(a->title, b->title) == 0);
        }
        same = same && (h.pr.title == NULL) == (whole->pr.title == NULL) &&
               (!h.pr.title || strcmp(h.pr.title, whole->pr.title) == 0);
        snprintf(what, sizeof what, "%s: a head of %zu bytes is the whole's first %zu chapters",
                 label, sizes[i], h.pr.n_ch);
        CHECK(what, same);
        ebook_free(&h);
    }
    return made;
}

struct real {
    const char *file, *format, *title, *author;
    size_t n_ch;
    const char *first, *last;   /* chapter titles as the book's TOC says */
};

static const struct real REAL[] = {
    {"ao3/ao3dl_1055387_testing-backdating.epub", "EPUB 2 (AO3)", "testing backdating & previewing",
     "testy", 1, "testing backdating & previewing", "testing backdating & previewing"},
    {"ao3/ao3dl_17434637_disrupt.epub", "EPUB 2 (AO3)", "Disrupt", "testy", 2,
     "Small Batch Hashtag", "Try-hard Brunch"},
    {"epub3-samples/idpf-src_wasteland_7zip-repack-mimetype-last.epub", "EPUB 3", "The Waste Land",
     "T.S. Eliot", 5, "I. THE BURIAL OF THE DEAD", "V. WHAT THE THUNDER SAID"},
    {"epub3-samples/w3c_css-epub-writing-mode.epub", "EPUB 3", "css-epub-writing-mode",
     "Wendy Reid", 1, "Link to main page", "Link to main page"},
    {"epub3-samples/w3c_lay-fxl-layout-pre-paginated.epub", "EPUB 3",
     "lay-fxl-layout-pre-paginated", "Wendy Reid", 4, "Page 1", "Page 4"},
    {"fanficfare/fff_test1_s1.epub", "EPUB 2 (FanFicFare)", "Test Story Title 1", "Test Author aa",
     9, "Prologue tests:[bare amp(&) qt(') amp(&) gt(>) lt(<) ATnT(AT&T) L(£) Onna(女)]",
     "Chapter 8"},
    {"fanficfare/fff_test1_s12.epub", "EPUB 3 (FanFicFare)", "Test Story Title 12",
     "Test Author aa", 9,
     "Prologue tests:[bare amp(&) qt(') amp(&) gt(>) lt(<) ATnT(AT&T) L(£) Onna(女)]", "Chapter 8"},
    {"fanficfare/fff_test1_s664.epub", "EPUB 2 (FanFicFare)", NULL, NULL, 9,
     "Prologue tests:[bare amp(&) qt(') amp(&) gt(>) lt(<) ATnT(AT&T) L(£) Onna(女)]", "Chapter 8"},
    {"fanficfare/fff_test1_s1001_v1.epub", "EPUB 2 (FanFicFare)", "Growing Story 1001",
     "Test Author aa", 3, "Prologue", "Chapter 2, 雨の日"},
    {"fanficfare/fff_test1_s1001_v2.epub", "EPUB 2 (FanFicFare)", "Growing Story 1001",
     "Test Author aa", 6, "Prologue", "Epilogue"},
    {"gutenberg/pg11-images_alice-epub2.epub", "EPUB 2", "Alice's Adventures in Wonderland",
     "Lewis Carroll", 12, "CHAPTER I. Down the Rabbit-Hole", "CHAPTER XII. Alice’s Evidence"},
    {"gutenberg/pg1661-images-3_sherlock-holmes.epub", "EPUB 3", "The Adventures of Sherlock Holmes",
     "Arthur Conan Doyle", 12, "I. A SCANDAL IN BOHEMIA", "XII. THE ADVENTURE OF THE COPPER BEECHES"},
    {"standardebooks/h-g-wells_the-war-of-the-worlds.epub", "EPUB 3", "The War of the Worlds",
     "H. G. Wells", 29, "Book I: The Coming of the Martians", "X: The Epilogue"},
};

static void test_real(void)
{
    int real_heads = 0;
    const char *dir = shared_dir("corpus/ebooks");
    if (!dir) {
        printf("test_epub: ../shared/corpus/ebooks absent: real EPUBs skipped\n");
        return;
    }
    char path[8192];
    for (size_t i = 0; i < sizeof REAL / sizeof *REAL; i++) {
        const struct real *r = &REAL[i];
        snprintf(path, sizeof path, "%s/%s", dir, r->file);
        struct ebook eb;
        bool ok = read_path(path, EBOOK_EPUB, &eb);
        char what[512];
        snprintf(what, sizeof what, "real %s: read", r->file);
        CHECK(what, ok);
        if (!ok)
            continue;
        snprintf(what, sizeof what, "real %s: well formed", r->file);
        CHECK(what, well_formed(&eb));
        snprintf(what, sizeof what, "real %s: format", r->file);
        CHECK_STR(what, eb.format, r->format);
        snprintf(what, sizeof what, "real %s", r->file);
        real_heads += check_heads(what, path, &eb);
        if (r->title) {
            snprintf(what, sizeof what, "real %s: title", r->file);
            CHECK_STR(what, eb.pr.title, r->title);
            snprintf(what, sizeof what, "real %s: author", r->file);
            CHECK_STR(what, eb.pr.author, r->author);
        }
        snprintf(what, sizeof what, "real %s: chapters", r->file);
        CHECK_INT(what, eb.pr.n_ch, r->n_ch);
        snprintf(what, sizeof what, "real %s: first chapter", r->file);
        CHECK_STR(what, title_of(&eb, 0), r->first);
        snprintf(what, sizeof what, "real %s: last chapter", r->file);
        CHECK_STR(what, title_of(&eb, eb.pr.n_ch - 1), r->last);
        for (size_t k = 0; k < eb.pr.n_ch; k++)
            if (body_words(&eb, k) == 0) {
                /* but a chapter that is only an author's note (FanFicFare's
                   update adds "Author's Note: Thank You") is all matter */
                const char *t = title_of(&eb, k);
                snprintf(what, sizeof what, "real %s: chapter %zu has story text", r->file, k + 1);
                CHECK(what, r->n_ch == 4 || strstr(r->file, "war-of-the-worlds") ||
                                (t && strncmp(t, "Author's Note", 13) == 0));
            }
        /* Licences, colophons, imprints are never story text. */
        snprintf(what, sizeof what, "real %s: no licence or colophon as story text", r->file);
        CHECK(what, !in_story_text(&eb, "Project Gutenberg") && !in_story_text(&eb, "Standard Ebooks") &&
                        !in_story_text(&eb, "NOTES ON \"THE WASTE LAND\""));
        ebook_free(&eb);
    }

    /* The AO3 EPUB and the AO3 HTML of one work: the same story. */
    printf("test_epub: %d heads of the real EPUBs made and checked against their whole\n", real_heads);
    CHECK("real EPUBs: several have heads (a chapter per document)", real_heads >= 5);
    static const char *const ao3[] = {"ao3/ao3dl_1055387_testing-backdating", "ao3/ao3dl_17434637_disrupt"};
    for (size_t i = 0; i < 2; i++) {
        struct ebook e, h;
        snprintf(path, sizeof path, "%s/%s.epub", dir, ao3[i]);
        bool ok = read_path(path, EBOOK_EPUB, &e);
        snprintf(path, sizeof path, "%s/%s.html", dir, ao3[i]);
        bool ok2 = read_path(path, EBOOK_HTML, &h);
        CHECK("AO3 EPUB and HTML: both read", ok && ok2);
        if (ok && ok2) {
            CHECK_STR("AO3 EPUB = HTML: title", e.pr.title, h.pr.title);
            CHECK_STR("AO3 EPUB = HTML: author", e.pr.author, h.pr.author);
            CHECK_INT("AO3 EPUB = HTML: chapters", e.pr.n_ch, h.pr.n_ch);
            CHECK_STR("AO3 EPUB = HTML: summary", e.pr.meta.summary, h.pr.meta.summary);
            CHECK_STR("AO3 EPUB = HTML: series", e.pr.meta.series, h.pr.meta.series);
            for (size_t k = 0; k < e.pr.n_ch && k < h.pr.n_ch; k++) {
                char what[128];
                snprintf(what, sizeof what, "AO3 EPUB = HTML: %s chapter %zu words", ao3[i], k + 1);
                CHECK_INT(what, body_words(&e, k), body_words(&h, k));
                if (e.pr.n_ch > 1) {
                    snprintf(what, sizeof what, "AO3 EPUB = HTML: %s chapter %zu title", ao3[i], k + 1);
                    CHECK_STR(what, title_of(&e, k), title_of(&h, k));
                }
            }
        }
        if (ok)
            ebook_free(&e);
        if (ok2)
            ebook_free(&h);
    }

    /* FanFicFare: the EPUB and the TXT of one story (tests/data/fanficfare
     * holds the TXT): the same chapter titles and words per chapter. */
    static const char *const fff[] = {"fff_test1_s1", "fff_test1_s12", "fff_test1_s664"};
    for (size_t i = 0; i < 3; i++) {
        struct ebook e;
        snprintf(path, sizeof path, "%s/fanficfare/%s.epub", dir, fff[i]);
        bool ok = read_path(path, EBOOK_EPUB, &e);
        snprintf(path, sizeof path, "tests/data/fanficfare/%s.txt", fff[i]);
        enum decode_reject why;
        char *err = NULL;
        struct source *src = decode_open(path, &why, &err);
        free(err);
        CHECK("FanFicFare EPUB and TXT: both read", ok && src);
        if (ok && src) {
            struct parse_result r;
            parse_text(src->text, src->len, &r);
            CHECK_STR("FanFicFare EPUB = TXT: title", e.pr.title, r.title);
            CHECK_STR("FanFicFare EPUB = TXT: author", e.pr.author, r.author);
            CHECK_INT("FanFicFare EPUB = TXT: chapters", e.pr.n_ch, r.n_ch);
            for (size_t k = 0; k < e.pr.n_ch && k < r.n_ch; k++) {
                char what[128];
                snprintf(what, sizeof what, "FanFicFare EPUB = TXT: %s chapter %zu title", fff[i], k + 1);
                CHECK_STR(what, title_of(&e, k), r.ch[k].title ? r.ch[k].title : "(none)");
                snprintf(what, sizeof what, "FanFicFare EPUB = TXT: %s chapter %zu words", fff[i], k + 1);
                CHECK_INT(what, body_words(&e, k),
                          parse_count_words(src->text, r.ch[k].body, r.ch[k].back));
            }
            parse_result_free(&r);
        }
        if (ok)
            ebook_free(&e);
        decode_free(src);
    }

    /* An update: v2 has every chapter of v1, the same, and more. */
    struct ebook v1, v2;
    snprintf(path, sizeof path, "%s/fanficfare/fff_test1_s1001_v1.epub", dir);
    bool ok1 = read_path(path, EBOOK_EPUB, &v1);
    snprintf(path, sizeof path, "%s/fanficfare/fff_test1_s1001_v2.epub", dir);
    bool ok2 = read_path(path, EBOOK_EPUB, &v2);
    if (ok1 && ok2) {
        CHECK("FanFicFare update: more chapters", v2.pr.n_ch > v1.pr.n_ch);
        for (size_t k = 0; k < v1.pr.n_ch && k < v2.pr.n_ch; k++) {
            CHECK_STR("FanFicFare update: the same chapter titles", title_of(&v1, k), title_of(&v2, k));
            CHECK_INT("FanFicFare update: the same words", body_words(&v1, k), body_words(&v2, k));
        }
        CHECK_STR("FanFicFare update: in progress, then complete", v1.pr.meta.status, "in progress");
        CHECK_STR("FanFicFare update: complete", v2.pr.meta.status, "complete");
    }
    if (ok1)
        ebook_free(&v1);
    if (ok2)
        ebook_free(&v2);
}

/* ---- the fixtures in tests/data/epub (also the fuzz seeds) ---- */

static void test_fixtures(void)
{
    struct ebook eb;
    if (read_path("tests/data/epub/valid-epub3.epub", EBOOK_EPUB, &eb)) {
        CHECK("fixture epub3: well formed", well_formed(&eb));
        CHECK_STR("fixture epub3: title", eb.pr.title, "The Lamp");
        CHECK_STR("fixture epub3: series", eb.pr.meta.series, "Coast");
        CHECK("fixture epub3: series index", eb.pr.meta.series_index == 2);
        CHECK_INT("fixture epub3: chapters (a nested part in the same file is not one)", eb.pr.n_ch, 2);
        CHECK_STR("fixture epub3: chapter 2", title_of(&eb, 1), "Two");
        CHECK_INT("fixture epub3: text before the anchor ends chapter 1", chapter_at(&eb, "Before."), 0);
        CHECK("fixture epub3: a landmark's back matter",
              flags_at(&eb, "A note.") > 0 && (flags_at(&eb, "A note.") & BLOCK_BACK));
        CHECK("fixture epub3: story text before it", flags_at(&eb, "Waves.") == 0);
        CHECK_INT("fixture epub3: chapter 2's words (its part heading too)", body_words(&eb, 1), 5);
        ebook_free(&eb);
    } else {
        CHECK("fixture epub3: read", false);
    }
    if (read_path("tests/data/epub/valid-epub2.epub", EBOOK_EPUB, &eb)) {
        CHECK("fixture epub2: well formed", well_formed(&eb));
        CHECK_STR("fixture epub2: format", eb.format, "EPUB 2 (FanFicFare)");
        CHECK_STR("fixture epub2: status", eb.pr.meta.status, "in progress");
        CHECK_STR("fixture epub2: source", eb.pr.meta.source_url, "http://stories.example/s/42");
        CHECK_STR("fixture epub2: published", eb.pr.meta.published, "1999-01-02");
        CHECK_INT("fixture epub2: the title page is not a chapter", eb.pr.n_ch, 2);
        CHECK("fixture epub2: the title page is front matter",
              flags_at(&eb, "Salt Roads by") > 0 && (flags_at(&eb, "Salt Roads by") & BLOCK_FRONT));
        ebook_free(&eb);
    } else {
        CHECK("fixture epub2: read", false);
    }
    if (read_path("tests/data/epub/gutenberg.epub", EBOOK_EPUB, &eb)) {
        CHECK("fixture gutenberg: well formed", well_formed(&eb));
        CHECK_INT("fixture gutenberg: two tales in one file", eb.pr.n_ch, 2);
        CHECK("fixture gutenberg: the header is front matter",
              flags_at(&eb, "The Project Gutenberg eBook") > 0 &&
                  (flags_at(&eb, "The Project Gutenberg eBook") & BLOCK_FRONT));
        CHECK("fixture gutenberg: the licence is back matter", !in_story_text(&eb, "Licence") &&
                                                                  !in_story_text(&eb, "END OF"));
        CHECK_INT("fixture gutenberg: tale 2's words", body_words(&eb, 1), 2);
        ebook_free(&eb);
    } else {
        CHECK("fixture gutenberg: read", false);
    }
}

/* ---- EPUBs pandoc makes from generated stories ---- */

static unsigned long rng_state;
static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((rng_state >> 33) % n);
}

static void rnd_word(struct buf *b)
{
    static const char *const syl[] = {"ka", "lo", "mi", "ren", "sa", "tor", "vel", "an", "is",
                                      "dra", "po", "qu", "el", "ith", "mar", "zu"};
    unsigned n = 1 + rnd(3);
    for (unsigned i = 0; i < n; i++)
        buf_adds(b, syl[rnd(sizeof syl / sizeof *syl)]);
}

static void test_pandoc(void)
{
    if (system("command -v pandoc >/dev/null 2>&1") != 0) {
        printf("test_epub: pandoc not installed: generated EPUBs skipped\n");
        return;
    }
    const char *env = getenv("QUIRE_SEED");
    unsigned long seed = env ? strtoul(env, NULL, 10) : (unsigned long)time(NULL);
    printf("test_epub: pandoc stories, seed %lu (QUIRE_SEED=%lu to repeat)\n", seed, seed);
    rng_state = seed;
    char tmpl[] = "/tmp/quire-epub-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir) {
        CHECK("pandoc: a temporary folder", false);
        return;
    }
    for (int story = 0; story < 4; story++) {
        const char *to = story % 2 ? "epub2" : "epub3";
        struct buf title = {0}, author = {0}, md = {0};
        rnd_word(&title);
        title.data[0] = (char)(title.data[0] - 32);
        buf_addc(&title, ' ');
        rnd_word(&title);
        rnd_word(&author);
        author.data[0] = (char)(author.data[0] - 32);
        buf_adds(&author, " ");
        rnd_word(&author);
        author.data[author.len - 1 - 0] = author.data[author.len - 1];
        buf_printf(&md, "---\ntitle: %s\nauthor: %s\n---\n\n", title.data, author.data);
        unsigned n_ch = 1 + rnd(12);
        size_t words[16] = {0};
        char *titles[16];
        for (unsigned c = 0; c < n_ch; c++) {
            struct buf t = {0};
            buf_printf(&t, "Chapter %u: ", c + 1);
            rnd_word(&t);
            titles[c] = t.data;
            buf_printf(&md, "# %s\n\n", t.data);
            unsigned paras = 1 + rnd(6);
            for (unsigned p = 0; p < paras; p++) {
                unsigned nw = 5 + rnd(60);
                for (unsigned w = 0; w < nw; w++) {
                    if (w)
                        buf_addc(&md, ' ');
                    rnd_word(&md);
                }
                words[c] += nw;
                buf_adds(&md, ".\n\n");
            }
        }
        char mdpath[256], epath[256], cmd[1024];
        snprintf(mdpath, sizeof mdpath, "%s/s%d.md", dir, story);
        snprintf(epath, sizeof epath, "%s/s%d.epub", dir, story);
        FILE *f = fopen(mdpath, "w");
        fwrite(md.data, 1, md.len, f);
        fclose(f);
        snprintf(cmd, sizeof cmd, "pandoc -f markdown -t %s -o '%s' '%s' 2>/dev/null", to, epath, mdpath);
        int rc = system(cmd);
        CHECK("pandoc: made the EPUB", rc == 0);
        struct ebook eb;
        if (rc == 0 && read_path(epath, EBOOK_EPUB, &eb)) {
            char what[256];
            snprintf(what, sizeof what, "pandoc %s story %d: format", to, story);
            CHECK_STR(what, eb.format, story % 2 ? "EPUB 2" : "EPUB 3");
            snprintf(what, sizeof what, "pandoc %s story %d: title", to, story);
            CHECK_STR(what, eb.pr.title, title.data);
            snprintf(what, sizeof what, "pandoc %s story %d: author", to, story);
            CHECK_STR(what, eb.pr.author, author.data);
            snprintf(what, sizeof what, "pandoc %s story %d: chapters", to, story);
            CHECK_INT(what, eb.pr.n_ch, n_ch);
            for (unsigned c = 0; c < n_ch && c < eb.pr.n_ch; c++) {
                snprintf(what, sizeof what, "pandoc %s story %d: chapter %u title", to, story, c + 1);
                CHECK_STR(what, title_of(&eb, c), titles[c]);
                snprintf(what, sizeof what, "pandoc %s story %d: chapter %u words", to, story, c + 1);
                CHECK_INT(what, body_words(&eb, c), words[c]);
            }
            CHECK("pandoc: well formed", well_formed(&eb));
            ebook_free(&eb);
        }
        for (unsigned c = 0; c < n_ch; c++)
            free(titles[c]);
        remove(mdpath);
        remove(epath);
        buf_free(&title);
        buf_free(&author);
        buf_free(&md);
    }
    rmdir(dir);
}

/* A long generated EPUB: 40 documents of a chapter each, a front page
 * and a back page; its heads are its first chapters exactly. */
static void test_heads(void)
{
    struct zfile f[48];
    char *bufs[48] = {0}, *names[48] = {0};
    size_t n = 0;
    f[n++] = (struct zfile)MIMETYPE;
    f[n++] = (struct zfile)CONTAINER("OEBPS/content.opf");
    struct buf opf = {0}, nav = {0};
    buf_adds(&opf, "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\">"
                   "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Forty</dc:title>"
                   "<dc:creator>Ann Head</dc:creator></metadata><manifest>"
                   "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>"
                   "<item id=\"front\" href=\"front.xhtml\" media-type=\"application/xhtml+xml\"/>");
    buf_adds(&nav, "<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\" "
                   "xmlns:epub=\"http://www.idpf.org/2007/ops\"><body><nav epub:type=\"toc\"><ol>");
    struct buf spine = {0};
    buf_adds(&spine, "<itemref idref=\"front\"/>");
    for (int c = 1; c <= 40; c++) {
        struct buf x = {0};
        buf_printf(&x, "<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>c</title>"
                       "</head><body><h1>Chapter %d</h1>", c);
        for (int p = 0; p < 12; p++)
            buf_printf(&x, "<p>Line %d of chapter %d, the <i>lamp</i> lit%s</p>", p, c,
                       p == 5 ? "<br/>and a second line" : "");
        if (c % 7 == 0)
            buf_adds(&x, "<hr/><p>After a break.</p>");
        buf_adds(&x, "</body></html>");
        char name[64];
        snprintf(name, sizeof name, "OEBPS/c%02d.xhtml", c);
        bufs[n] = x.data;
        names[n] = xstrdup(name);
        f[n] = (struct zfile){names[n], x.data, 0, false};
        n++;
        buf_printf(&opf, "<item id=\"c%d\" href=\"c%02d.xhtml\" media-type=\"application/xhtml+xml\"/>", c, c);
        buf_printf(&spine, "<itemref idref=\"c%d\"/>", c);
        buf_printf(&nav, "<li><a href=\"c%02d.xhtml\">Chapter %d</a></li>", c, c);
    }
    buf_adds(&opf, "<item id=\"back\" href=\"back.xhtml\" media-type=\"application/xhtml+xml\"/></manifest><spine>");
    buf_adds(&spine, "<itemref idref=\"back\" linear=\"no\"/>");
    buf_printf(&opf, "%s</spine></package>", spine.data);
    buf_adds(&nav, "</ol></nav></body></html>");
    f[n++] = (struct zfile){"OEBPS/content.opf", opf.data, 0, false};
    f[n++] = (struct zfile){"OEBPS/nav.xhtml", nav.data, 0, false};
    f[n++] = (struct zfile){"OEBPS/front.xhtml", XHTML("<h1>Forty</h1><p>by Ann Head</p>"), 0, false};
    f[n++] = (struct zfile){"OEBPS/back.xhtml", XHTML("<p>Colophon: set in a font.</p>"), 0, false};
    size_t zlen;
    unsigned char *z = mkzip(f, n, &zlen);
    char path[] = "/tmp/quire-heads-XXXXXX";
    int fd = mkstemp(path);
    CHECK("heads: a temporary file", fd >= 0 && write(fd, z, zlen) == (ssize_t)zlen && close(fd) == 0);
    struct ebook whole;
    bool ok = read_path(path, EBOOK_EPUB, &whole);
    CHECK("heads: the whole reads, 40 chapters", ok && whole.pr.n_ch == 40);
    if (ok) {
        CHECK_INT("heads: every size asked gives a head", check_heads("heads", path, &whole), 5);
        struct ebook h;
        char *err = NULL;
        CHECK("heads: none when the head would be the whole",
              !ebook_read_file_head(path, EBOOK_EPUB, whole.len, &h, NULL, &err) && err);
        free(err);
        err = NULL;
        CHECK("heads: none of an HTML file",
              !ebook_read_file_head(path, EBOOK_HTML, 10, &h, NULL, &err) && err);
        free(err);
        ebook_free(&whole);
    }
    unlink(path);
    free(z);
    for (size_t i = 0; i < n; i++)
        if (bufs[i]) {
            free(bufs[i]);
            free(names[i]);
        }
    buf_free(&opf);
    buf_free(&nav);
    buf_free(&spine);
}

/* A TOC anchor after the last block of its document: the fuzz finding of
 * valid-epub3 cut inside ch2.xhtml just after `<h1 id="b"` (an unclosed
 * start tag libxml2 abandons, its id still an anchor, at the end of the
 * text).  The chapter "Two" it starts holds no block of that document; the
 * one before must end with its line end, in the whole as in a head cut
 * there (a head's text ends with one), so that every head is the whole's
 * first chapters byte for byte.  `tail`: the colophon after it, or none. */
static void cut_heading_book(bool tail)
{
    static const char opf[] =
        "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\">"
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>The Lamp</dc:title>"
        "<dc:creator>Mara Quill</dc:creator></metadata><manifest>"
        "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>"
        "<item id=\"tp\" href=\"Text/title_page.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"c1\" href=\"Text/ch%201.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"c2\" href=\"Text/ch2.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"col\" href=\"Text/colophon.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "</manifest><spine><itemref idref=\"tp\"/><itemref idref=\"c1\"/><itemref idref=\"c2\"/>"
        "<itemref idref=\"col\" linear=\"no\"/></spine></package>";
    static const char opf_short[] =
        "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\">"
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>The Lamp</dc:title>"
        "</metadata><manifest>"
        "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>"
        "<item id=\"c1\" href=\"Text/ch%201.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"c2\" href=\"Text/ch2.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "</manifest><spine><itemref idref=\"c1\"/><itemref idref=\"c2\"/></spine></package>";
    struct zfile f[] = {
        MIMETYPE,
        CONTAINER("OEBPS/content.opf"),
        {"OEBPS/content.opf", tail ? opf : opf_short, 0, false},
        {"OEBPS/nav.xhtml",
         XHTML("<nav epub:type=\"toc\"><ol><li><a href=\"Text/ch%201.xhtml\">One</a></li>"
               "<li><a href=\"Text/ch2.xhtml#b\">Two</a><ol><li><a href=\"Text/ch2.xhtml#c\">Two, "
               "part</a></li></ol></li></ol></nav>"),
         0, false},
        {"OEBPS/Text/ch 1.xhtml",
         XHTML("<h1>One</h1><p>The keeper <i>lit</i> the lamp.</p><hr/><p>Night came.</p>"), 0, false},
        {"OEBPS/Text/ch2.xhtml",
         "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"
         "<body><p>Before.</p><h1 id=\"b\"",
         0, false},
        {"OEBPS/Text/title_page.xhtml", XHTML("<h1>The Lamp</h1><p>by Mara Quill</p>"), 0, false},
        {"OEBPS/Text/colophon.xhtml", XHTML("<p>Set in type.</p>"), 0, false},
    };
    const char *what = tail ? "cut heading" : "cut heading last";
    char msg[200];
    size_t zlen;
    unsigned char *z = mkzip(f, tail ? 8 : 6, &zlen);
    char path[] = "/tmp/quire-cuthead-XXXXXX";
    int fd = mkstemp(path);
    CHECK("cut heading: a temporary file",
          fd >= 0 && write(fd, z, zlen) == (ssize_t)zlen && close(fd) == 0);
    struct ebook whole;
    bool ok = read_path(path, EBOOK_EPUB, &whole);
    snprintf(msg, sizeof msg, "%s: the whole reads, chapters One and Two", what);
    CHECK(msg, ok && whole.pr.n_ch == 2 && strcmp(title_of(&whole, 0), "One") == 0 &&
                   strcmp(title_of(&whole, 1), "Two") == 0);
    if (ok && whole.pr.n_ch == 2) {
        snprintf(msg, sizeof msg, "%s: \"Before.\" ends chapter One", what);
        CHECK_INT(msg, chapter_at(&whole, "Before."), 0);
        /* every chapter ends with its line end, as a head cut there does */
        bool lines = true;
        for (size_t i = 0; i < whole.pr.n_ch; i++)
            lines = lines && whole.pr.ch[i].end > 0 && whole.text[whole.pr.ch[i].end - 1] == '\n';
        snprintf(msg, sizeof msg, "%s: each chapter ends at a line end", what);
        CHECK(msg, lines);
        snprintf(msg, sizeof msg, "%s: the text is one blank line between blocks", what);
        CHECK(msg, !strstr(whole.text, "\n\n\n"));
        if (tail) {
            /* the heads of 1 byte and of a quarter of the text: chapter One */
            CHECK("cut heading: its heads are the whole's first chapters",
                  check_heads("cut heading", path, &whole) >= 2);
        }
    }
    if (ok)
        ebook_free(&whole);
    unlink(path);
    free(z);
}

static void test_cut_heading(void)
{
    cut_heading_book(true);
    cut_heading_book(false);
}

/* ---- the nav and the OPF read fast: the same as libxml2's tree ---- */

/* An EPUB of three chapter documents with this nav and OPF manifest and
 * spine text (%s: the nav's body; the OPF's manifest items are fixed). */
static bool read_navopf(const char *nav, const char *opf_extra, struct ebook *eb, char **err)
{
    struct buf opf = {0};
    if (opf_extra && strncmp(opf_extra, "<?xml", 5) == 0)   /* a whole OPF */
        buf_adds(&opf, opf_extra);
    else
        buf_printf(&opf,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<package xmlns=\"http://www.idpf.org/2007/opf\" "
               "version=\"3.0\"><metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
               "<dc:title>Navs</dc:title><dc:creator>Ann Nav</dc:creator></metadata>%s</package>",
               opf_extra ? opf_extra
                         : "<manifest>\n<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" "
                           "properties=\"nav\"/>\n<item id=\"a\" href=\"a.xhtml\" media-type=\"application/xhtml+xml\"/>"
                           "<item id=\"b\" href=\"b.xhtml\" media-type=\"application/xhtml+xml\"/>"
                           "<item id=\"c\" href=\"c.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>"
                           "<spine><itemref idref=\"a\"/><itemref idref=\"b\"/><itemref idref=\"c\"/></spine>");
    struct zfile f[] = {
        MIMETYPE,
        CONTAINER("content.opf"),
        {"content.opf", opf.data, 0, false},
        {"nav.xhtml", nav, 0, false},
        {"a.xhtml", XHTML("<h1>A</h1><p>Alpha words here.</p><p id=\"mid\">Alpha middle.</p>"), 0, false},
        {"b.xhtml", XHTML("<h1>B</h1><p>Beta words here.</p>"), 0, false},
        {"c.xhtml", XHTML("<h1>C</h1><p>Gamma words here.</p><p id=\"end\">Gamma end notes.</p>"), 0, false},
    };
    bool ok = read_files(f, sizeof f / sizeof *f, eb, err);
    buf_free(&opf);
    return ok;
}

#define NAVDOC(body)                                                                             \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" "     \
    "xmlns:epub=\"http://www.idpf.org/2007/ops\"><head><title>n</title></head><body>" body       \
    "</body></html>"

static void test_fast_xml(void)
{
    static const struct {
        const char *what, *nav, *opf;
        size_t n_ch;
        const char *t0, *t1;
    } cases[] = {
        {"plain", NAVDOC("<nav epub:type=\"toc\"><ol><li><a href=\"a.xhtml\">First</a></li>"
                         "<li><a href=\"b.xhtml\">Second</a></li><li><a href=\"c.xhtml\">Third</a></li></ol></nav>"),
         NULL, 3, "First", "Second"},
        {"references, CDATA, a comment and markup in labels",
         NAVDOC("<nav epub:type=\"toc\"><ol><li><a href=\"a.xhtml\"> Fish &amp; <![CDATA[Chips <x>]]>"
                "<!-- no --> &#233;&#x2014;<span>end</span>\n</a></li>"
                "<li><a href=\"b.xhtml\">B&lt;b&gt;</a></li><li><a href=\"c.xhtml\">C</a></li></ol></nav>"),
         NULL, 3, "Fish & Chips <x> \xc3\xa9\xe2\x80\x94" "end", "B<b>"},
        {"a first nav that is not the toc, then the toc, then landmarks",
         NAVDOC("<nav><ol><li><a href=\"c.xhtml\">Wrong</a></li></ol></nav>"
                "<section><nav epub:type=\"toc\"><h1>Contents</h1><ul><li><a href=\"a.xhtml\">One</a>"
                "<ol><li><a href=\"a.xhtml#mid\">One, part</a></li></ol></li>"
                "<li><span>no link</span><ol><li><a href=\"b.xhtml\">Two</a></li></ol></li>"
                "<li><a href=\"c.xhtml\">Three</a></li></ul></nav></section>"
                "<nav epub:type=\"landmarks\"><ol><li><a epub:type=\"backmatter\" href=\"c.xhtml#end\">Notes</a>"
                "</li></ol></nav>"),
         NULL, 3, "One", "Two"},
        {"no toc nav: the first nav", NAVDOC("<nav id=\"x\"><ol><li><a href=\"a.xhtml\">Un</a></li>"
                                             "<li><a href=\"c.xhtml\">Trois</a></li></ol></nav>"),
         NULL, 2, "Un", "Trois"},
        {"a prefixed nav and attributes in single quotes",
         "<?xml version='1.0'?><h:html xmlns:h='http://www.w3.org/1999/xhtml' "
         "xmlns:e='http://www.idpf.org/2007/ops'><h:body><h:nav e:type='toc'><h:ol>"
         "<h:li><h:a href='a.xhtml'>Pa</h:a></h:li><h:li><h:a href='b.xhtml'>Pb</h:a></h:li>"
         "<h:li><h:a href='c.xhtml'>Pc</h:a></h:li></h:ol></h:nav></h:body></h:html>",
         NULL, 3, "Pa", "Pb"},
        {"an undeclared prefix", NAVDOC("<q:nav epub:type=\"toc\"><ol><li><a href=\"a.xhtml\">X</a></li></ol></q:nav>"),
         NULL, 3, "A", "B"},   /* "q:nav" is no nav: chapters from the headings */
        {"an undeclared attribute prefix", NAVDOC("<nav q:type=\"toc\"><ol><li><a href=\"a.xhtml\">Q1</a></li>"
                                                  "<li><a href=\"b.xhtml\">Q2</a></li></ol></nav>"),
         NULL, 2, "Q1", "Q2"},
        {"a reference in an href (libxml2's SAX reading)",
         NAVDOC("<nav epub:type=\"toc\"><ol><li><a href=\"a.xhtml#x&amp;y\">Amp</a></li>"
                "<li><a href=\"b.xhtml\">Bee</a></li><li><a href=\"c.xhtml\">Cee</a></li></ol></nav>"),
         NULL, 3, "Amp", "Bee"},
        {"a declared entity (libxml2's tree)",
         "<?xml version=\"1.0\"?><!DOCTYPE html [<!ENTITY nb \"N&#160;B\">]><html "
         "xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\"><body>"
         "<nav epub:type=\"toc\"><ol><li><a href=\"a.xhtml\">&nb;</a></li><li><a href=\"b.xhtml\">Bb</a></li>"
         "</ol></nav></body></html>",
         NULL, 2, "N\xc2\xa0" "B", "Bb"},
        {"ill-formed (libxml2 recovers)",
         NAVDOC("<nav epub:type=\"toc\"><ol><li><a href=\"a.xhtml\">Open<li><a href=\"b.xhtml\">Bad</a></ol>"),
         NULL, 3, "?", "?"},
        {"a start tag libxml2 abandons (no end event; the tree keeps it, empty)",
         NAVDOC("<nav epub:type=\"toc\"><ol><li><a href=.a.xhtml\">One</a></li><li><a href=\"b.xhtml#b\">Two</a>"
                "<ol><li><a href=\"c.xhtml\">Three</a></li></ol></li></ol></nav>"),
         NULL, 0, "?", "?"},
        {"an item start tag libxml2 abandons",
         NAVDOC("<nav epub:type=\"toc\"><ol><li><a href=\"a.xhtml\">I1</a></li><li><a href=\"b.xhtml\">I2</a>"
                "</li></ol></nav>"),
         "<manifest><item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>"
         "<item id=\"a\" href=\"a.xhtml\" media-type=application/xhtml+xml\"/>text<!-- c -->"
         "<item id=\"b\" href=\"b.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>"
         "<spine><itemref idref=\"a\"/><itemref idref=\"b\"/></spine>",
         0, "?", "?"},
        {"an OPF whose manifest is inside an unclosed dc:creator, an item with text",
         NAVDOC("<nav epub:type=\"toc\"><ol><li><a href=\"a.xhtml\">U1</a></li><li><a href=\"b.xhtml\">U2</a>"
                "</li></ol></nav>"),
         "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\"><metadata "
         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Nested</dc:title><dc:creator>Ann <manifest>"
         "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>"
         "<item id=\"a\" href=\"a.xhtml\" media-type=\"application/xhtml+xml\">Inside</item>"
         "<item id=\"b\" href=\"b.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>"
         "<spine><itemref idref=\"a\"/><itemref idref=\"b\"/></spine></package>",
         0, "?", "?"},
        {"an NCX (EPUB 2)",
         "<?xml version=\"1.0\"?><ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\">"
         "<head/><docTitle><text>Book</text></docTitle><navMap>"
         "<navPoint id=\"p1\" playOrder=\"1\"><navLabel><text>N &amp; One</text></navLabel>"
         "<content src=\"a.xhtml\"/></navPoint>"
         "<navPoint id=\"p2\"><navLabel><text>Two<!-- x --> <![CDATA[too]]></text><text>not this</text>"
         "</navLabel><content src=\"c.xhtml\"/><content src=\"b.xhtml\"/>"
         "<navPoint id=\"p2a\"><navLabel><text>Two, part</text></navLabel><content src=\"b.xhtml#x\"/>"
         "</navPoint></navPoint>"
         "<navPoint id=\"p3\"><navPoint id=\"p3a\"><navLabel><text>Label from inside</text></navLabel>"
         "<content src=\"a.xhtml#mid\"/></navPoint><content src=\"c.xhtml\"/></navPoint>"
         "</navMap><navMap><navPoint><navLabel><text>Second map</text></navLabel><content src=\"a.xhtml\"/>"
         "</navPoint></navMap></ncx>",
         "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"2.0\"><metadata "
         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Ncx</dc:title></metadata><manifest>"
         "<item id=\"ncx\" href=\"nav.xhtml\" media-type=\"application/x-dtbncx+xml\"/>"
         "<item id=\"a\" href=\"a.xhtml\" media-type=\"application/xhtml+xml\"/>"
         "<item id=\"b\" href=\"b.xhtml\" media-type=\"application/xhtml+xml\"/>"
         "<item id=\"c\" href=\"c.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>"
         "<spine toc=\"ncx\"><itemref idref=\"a\"/><itemref idref=\"b\"/><itemref idref=\"c\"/></spine></package>",
         4, "N & One", "Label from inside"},
        {"an NCX libxml2 recovers (an unclosed navPoint, a bad attribute)",
         "<?xml version=\"1.0\"?><ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\"><navMap>"
         "<navPoint><navLabel><text>R1</text></navLabel><content src=\"a.xhtml\"/>"
         "<navPoint><navLabel><text>R2</text></navLabel><content src=b.xhtml\"/></navPoint>"
         "<navPoint><navLabel><text>R3</text></navLabel><content src=\"c.xhtml\"/>",
         "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"2.0\"><metadata/>"
         "<manifest><item id=\"ncx\" href=\"nav.xhtml\" media-type=\"application/x-dtbncx+xml\"/>"
         "<item id=\"a\" href=\"a.xhtml\" media-type=\"application/xhtml+xml\"/>"
         "<item id=\"b\" href=\"b.xhtml\" media-type=\"application/xhtml+xml\"/>"
         "<item id=\"c\" href=\"c.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>"
         "<spine toc=\"ncx\"><itemref idref=\"a\"/><itemref idref=\"b\"/><itemref idref=\"c\"/></spine></package>",
         0, "?", "?"},
        {"white space in an attribute, an empty one",
         NAVDOC("<nav epub:type=\"toc\" class=\"\"><ol><li><a href=\"a.xhtml\n\">Ws</a></li>"
                "<li><a href=\"b.xhtml\">Wb</a></li><li><a href=\"c.xhtml\">Wc</a></li></ol></nav>"),
         NULL, 2, "Wb", "Wc"},   /* libxml2 makes the newline a space: "a.xhtml " names nothing */
        {"an OPF with prefixes, comments and a non-linear item",
         NAVDOC("<nav epub:type=\"toc\"><ol><li><a href=\"a.xhtml\">O1</a></li><li><a href=\"b.xhtml\">O2</a>"
                "</li><li><a href=\"c.xhtml\">O3</a></li></ol></nav>"),
         "<opf:manifest xmlns:opf=\"http://www.idpf.org/2007/opf\"><!-- items -->"
         "<opf:item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>"
         "<opf:item id=\"c\" href=\"c.xhtml\" media-type=\"application/xhtml+xml\"></opf:item>"
         "<opf:item id=\"a\" href=\"a.xhtml\" media-type=\"application/xhtml+xml\"/>"
         "<opf:item id=\"b\" href=\"b.xhtml\" media-type=\"application/xhtml+xml\"/></opf:manifest>"
         "<spine toc=\"ncx\"><itemref idref=\"c\" linear=\"no\"/><itemref idref=\"a\"/>"
         "<itemref idref=\"b\"/><itemref idref=\"a\"/></spine>",
         2, "O1", "O2"},
        {"an OPF with two manifests (libxml2's reading)",
         NAVDOC("<nav epub:type=\"toc\"><ol><li><a href=\"b.xhtml\">M2</a></li></ol></nav>"),
         "<manifest><item id=\"b\" href=\"b.xhtml\" media-type=\"application/xhtml+xml\"/>"
         "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/></manifest>"
         "<manifest><item id=\"a\" href=\"a.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>"
         "<spine><itemref idref=\"a\"/><itemref idref=\"b\"/></spine>",
         1, "M2", NULL},
        {"an OPF with an entity in the manifest (libxml2's tree)",
         NAVDOC("<nav epub:type=\"toc\"><ol><li><a href=\"a.xhtml\">E1</a></li><li><a href=\"b.xhtml\">E2</a>"
                "</li></ol></nav>"),
         "<manifest><item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>"
         "<item id=\"a\" href=\"a&#46;xhtml\" media-type=\"application/xhtml+xml\"/>"
         "<item id=\"b\" href=\"b.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>"
         "<spine><itemref idref=\"a\"/><itemref idref=\"b\"/></spine>",
         2, "E1", "E2"},
    };
    int before = slow_same;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct ebook eb;
        char *err = NULL;
        bool ok = read_navopf(cases[i].nav, cases[i].opf, &eb, &err);
        char what[256];
        snprintf(what, sizeof what, "fast xml, %s: read", cases[i].what);
        CHECK(what, ok);
        if (!ok) {
            free(err);
            continue;
        }
        if (strcmp(cases[i].t0, "?") != 0) {
            snprintf(what, sizeof what, "fast xml, %s: chapters", cases[i].what);
            CHECK_INT(what, eb.pr.n_ch, cases[i].n_ch);
            snprintf(what, sizeof what, "fast xml, %s: first title", cases[i].what);
            CHECK_STR(what, title_of(&eb, 0), cases[i].t0);
            if (cases[i].t1) {
                snprintf(what, sizeof what, "fast xml, %s: second title", cases[i].what);
                CHECK_STR(what, title_of(&eb, 1), cases[i].t1);
            }
        }
        ebook_free(&eb);
    }
    CHECK_INT("fast xml: every case compared with libxml2's tree", slow_same - before,
              (int)(sizeof cases / sizeof *cases));
}

/* ---- a head's TOC read in part (epub.c's read_toc, toc_prefix_ok) ---- */

struct tocbook {
    int n;                 /* chapter documents, c001.xhtml ... */
    bool ncx;              /* EPUB 2: the TOC is an NCX, there is no nav */
    bool no_nav_file;      /* the nav item names no file of the zip */
    bool reversed;         /* the TOC lists the chapters last to first */
    bool nav_in_spine;     /* the nav document opens the spine */
    const char *href39;    /* chapter 39's href as the TOC writes it, or NULL */
    const char *label40;   /* chapter 40's label, or NULL ("Chapter 40") */
    const char *tail;      /* in the nav's body after the toc nav, or NULL */
    const char *prolog;    /* the TOC document's bytes before "<?xml", or NULL */
    const char *encoding;  /* its XML declaration's encoding ("UTF-8" if NULL) */
    bool title_page;       /* a FanFicFare title page (labels: rating, genre)
                              opens the spine, in no TOC */
    int pg_line_in;        /* this chapter has a paragraph opening like
                              Gutenberg's footer (0: none) */
};

/* The EPUB tb describes, written to a temporary file (its path, malloc'd). */
static char *tocbook_file(const struct tocbook *tb)
{
    struct zfile *f = xcalloc((size_t)tb->n + 8, sizeof *f);
    char **own = xcalloc(2 * (size_t)tb->n, sizeof *own);   /* names and documents */
    size_t n = 0, n_own = 0;
    f[n++] = (struct zfile)MIMETYPE;
    f[n++] = (struct zfile)CONTAINER("OEBPS/content.opf");
    struct buf opf = {0}, spine = {0}, toc = {0};
    buf_printf(&opf, "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"%s\">"
                     "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Tocs</dc:title>"
                     "<dc:creator>Ann Toc</dc:creator></metadata><manifest>",
               tb->ncx ? "2.0" : "3.0");
    if (tb->ncx)
        buf_adds(&opf, "<item id=\"ncx\" href=\"toc.ncx\" media-type=\"application/x-dtbncx+xml\"/>");
    else
        buf_adds(&opf, "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>");
    if (tb->nav_in_spine)
        buf_adds(&spine, "<itemref idref=\"nav\"/>");
    if (tb->title_page) {
        buf_adds(&opf, "<item id=\"tp\" href=\"title_page.xhtml\" media-type=\"application/xhtml+xml\"/>");
        buf_adds(&spine, "<itemref idref=\"tp\"/>");
        f[n++] = (struct zfile){"OEBPS/title_page.xhtml",
                                XHTML("<h3>Tocs</h3><div><b>Rating:</b> Teen<br/><b>Genre:</b> Drama, "
                                      "Sea<br/><b>Status:</b> Completed<br/></div>"),
                                0, false};
    }
    for (int c = 1; c <= tb->n; c++) {
        struct buf x = {0};
        buf_printf(&x, "<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>c</title>"
                       "</head><body><h1>Chapter %d</h1>", c);
        for (int p = 0; p < 6; p++)
            buf_printf(&x, "<p>Line %d of chapter %d, by the <i>lamp</i>.</p>", p, c);
        if (c == tb->pg_line_in)
            buf_adds(&x, "<p>End of the Project Gutenberg mention, in a story.</p>");
        buf_adds(&x, "<p id=\"notes\">Notes at the end of it.</p></body></html>");
        char name[64];
        snprintf(name, sizeof name, "OEBPS/c%03d.xhtml", c);
        own[n_own++] = x.data;
        own[n_own] = xstrdup(name);
        f[n++] = (struct zfile){own[n_own++], x.data, 0, false};
        buf_printf(&opf, "<item id=\"c%d\" href=\"c%03d.xhtml\" media-type=\"application/xhtml+xml\"/>", c, c);
        buf_printf(&spine, "<itemref idref=\"c%d\"/>", c);
    }
    for (int i = 0; i < tb->n; i++) {
        int c = tb->reversed ? tb->n - i : i + 1;
        char href[64], label[64];
        snprintf(href, sizeof href, "c%03d.xhtml", c);
        snprintf(label, sizeof label, "Chapter %d", c);
        const char *h = c == 39 && tb->href39 ? tb->href39 : href;
        const char *l = c == 40 && tb->label40 ? tb->label40 : label;
        if (tb->ncx)
            buf_printf(&toc, "<navPoint id=\"p%d\" playOrder=\"%d\"><navLabel><text>%s</text></navLabel>"
                             "<content src=\"%s\"/></navPoint>\n", c, i + 1, l, h);
        else
            buf_printf(&toc, "<li><a href=\"%s\">%s</a></li>\n", h, l);
    }
    buf_printf(&opf, "</manifest><spine%s>%s</spine></package>", tb->ncx ? " toc=\"ncx\"" : "", spine.data);
    struct buf doc = {0};
    buf_adds(&doc, tb->prolog ? tb->prolog : "");
    buf_printf(&doc, "<?xml version=\"1.0\" encoding=\"%s\"?>\n", tb->encoding ? tb->encoding : "UTF-8");
    if (tb->ncx)
        buf_printf(&doc, "<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" "
                         "version=\"2005-1\"><head/><docTitle><text>Tocs</text></docTitle><navMap>\n%s</navMap></ncx>",
                   toc.data);
    else
        buf_printf(&doc, "<html xmlns=\"http://www.w3.org/1999/xhtml\" "
                         "xmlns:epub=\"http://www.idpf.org/2007/ops\"><head><title>n</title></head><body>"
                         "<nav epub:type=\"toc\"><ol>\n%s</ol></nav>%s</body></html>",
                   toc.data, tb->tail ? tb->tail : "");
    f[n++] = (struct zfile){"OEBPS/content.opf", opf.data, 0, false};
    if (!tb->no_nav_file)
        f[n++] = (struct zfile){tb->ncx ? "OEBPS/toc.ncx" : "OEBPS/nav.xhtml", doc.data, 0, false};
    size_t zlen;
    unsigned char *z = mkzip(f, n, &zlen);
    char *path = xstrdup("/tmp/quire-tocheads-XXXXXX");
    int fd = mkstemp(path);
    CHECK("toc heads: a temporary file", fd >= 0 && write(fd, z, zlen) == (ssize_t)zlen && close(fd) == 0);
    free(z);
    for (size_t i = 0; i < n_own; i++)
        free(own[i]);
    free(own);
    free(f);
    buf_free(&opf);
    buf_free(&spine);
    buf_free(&toc);
    buf_free(&doc);
    return path;
}

/* The heads of tb's EPUB with the TOC read in part after `stop` entries
 * (0: the default) are the whole's first chapters (check_heads); how
 * many heads came from the TOC read in part, and how many read it again
 * whole, through *partial and *again. */
static void tocbook_heads(const char *what, const struct tocbook *tb, int stop, size_t *partial,
                          size_t *again)
{
    char *path = tocbook_file(tb);
    struct ebook whole;
    bool ok = read_path(path, EBOOK_EPUB, &whole);
    char msg[256];
    snprintf(msg, sizeof msg, "toc heads, %s: the whole reads, %d chapters", what, tb->n);
    CHECK(msg, ok && whole.pr.n_ch == (size_t)tb->n);
    size_t p0, a0, p1, a1;
    epub_head_toc_counts(&p0, &a0);
    if (ok) {
        char v[16];
        snprintf(v, sizeof v, "%d", stop);
        if (stop)
            setenv("QUIRE_TEST_EPUB_TOC_STOP", v, 1);
        snprintf(msg, sizeof msg, "toc heads, %s (stop %d)", what, stop);
        CHECK(msg, check_heads(msg, path, &whole) >= 3);
        /* and each head the one the whole TOC makes, metadata included */
        size_t sizes[] = {1, 4096, whole.len / 2};
        for (size_t i = 0; i < 3; i++) {
            struct ebook h[2];
            char *err[2] = {NULL, NULL}, *d[2];
            size_t total[2] = {0, 0};
            bool hok[2];
            for (int w = 0; w < 2; w++) {
                if (w)
                    setenv("QUIRE_TEST_EPUB_TOC_STOP", "0", 1);
                hok[w] = ebook_read_file_head(path, EBOOK_EPUB, sizes[i], &h[w], &total[w], &err[w]);
                d[w] = dump(hok[w], &h[w], err[w]);
            }
            if (stop)
                setenv("QUIRE_TEST_EPUB_TOC_STOP", v, 1);
            else
                unsetenv("QUIRE_TEST_EPUB_TOC_STOP");
            snprintf(msg, sizeof msg, "toc heads, %s (stop %d): the head of %zu bytes is the whole TOC's",
                     what, stop, sizes[i]);
            CHECK(msg, strcmp(d[0], d[1]) == 0 && total[0] == total[1]);
            for (int w = 0; w < 2; w++) {
                free(d[w]);
                free(err[w]);
                if (hok[w])
                    ebook_free(&h[w]);
            }
        }
        unsetenv("QUIRE_TEST_EPUB_TOC_STOP");
        ebook_free(&whole);
    }
    epub_head_toc_counts(&p1, &a1);
    *partial = p1 - p0;
    *again = a1 - a0;
    unlink(path);
    free(path);
}

static void test_toc_heads(void)
{
    size_t part, again;
    struct tocbook flat = {.n = 40};
    tocbook_heads("a flat nav", &flat, 3, &part, &again);
    CHECK("toc heads: a flat nav is read in part for a small head", part >= 1);
    struct tocbook deflt = {.n = 300};
    tocbook_heads("300 chapters", &deflt, 0, &part, &again);
    CHECK("toc heads: 300 entries, the default stop reads the nav in part", part >= 1);
    CHECK_INT("toc heads: ... and never again", (int)again, 0);
    struct tocbook ncx = {.n = 40, .ncx = true};
    tocbook_heads("an NCX", &ncx, 3, &part, &again);
    CHECK("toc heads: an NCX is read in part for a small head", part >= 1);
    struct tocbook rev = {.n = 40, .reversed = true};
    tocbook_heads("the nav in reverse", &rev, 3, &part, &again);
    CHECK("toc heads: a nav whose order is not the spine's is read again whole",
          part == 0 && again >= 1);
    /* Gutenberg's footer marks the last chapter of the whole book only:
       never the last one of a head (which is not the book's last) */
    for (int c = 1; c <= 12; c++) {
        struct tocbook pg = {.n = 40, .pg_line_in = c};
        tocbook_heads("a Gutenberg footer line in an early chapter", &pg, 0, &part, &again);
    }
    struct tocbook tprev = {.n = 40, .reversed = true, .title_page = true};
    tocbook_heads("a title page, the nav in reverse", &tprev, 3, &part, &again);
    CHECK("toc heads: a title page's labels, the head converted again: read again whole",
          part == 0 && again >= 1);
    struct tocbook ncxrev = {.n = 40, .ncx = true, .reversed = true};
    tocbook_heads("the NCX in reverse", &ncxrev, 3, &part, &again);
    CHECK("toc heads: ... and an NCX's", part == 0 && again >= 1);
    struct tocbook gone = {.n = 40, .no_nav_file = true};
    tocbook_heads("no nav file", &gone, 3, &part, &again);
    CHECK("toc heads: a nav missing: no TOC, nothing read again", part == 0 && again == 0);
    struct tocbook inspine = {.n = 40, .nav_in_spine = true};
    tocbook_heads("the nav in the spine", &inspine, 3, &part, &again);
    CHECK("toc heads: a nav the head may convert is read whole", part == 0 && again == 0);
    struct tocbook pct = {.n = 40, .href39 = "c%30%339.xhtml"};
    tocbook_heads("a percent escape after the stop", &pct, 3, &part, &again);
    CHECK("toc heads: an href escaped after the stop: the nav is read whole at once",
          part == 0 && again == 0);
    struct tocbook cref = {.n = 40, .label40 = "Chapter&#8217;s end"};
    tocbook_heads("a character reference after the stop", &cref, 3, &part, &again);
    CHECK("toc heads: a character reference after the stop: read whole at once",
          part == 0 && again == 0);
    struct tocbook bom = {.n = 40, .prolog = "\xef\xbb\xbf"};
    tocbook_heads("a nav with a byte order mark", &bom, 3, &part, &again);
    CHECK("toc heads: a nav after a byte order mark is read in part", part >= 1);
    struct tocbook latin = {.n = 40, .encoding = "ISO-8859-1"};
    tocbook_heads("a Latin-1 nav", &latin, 3, &part, &again);
    CHECK("toc heads: a nav libxml2 converts is read whole (its offsets are not the file's)",
          part == 0 && again == 0);
    struct tocbook ncxbom = {.n = 40, .ncx = true, .prolog = "\xef\xbb\xbf"};
    tocbook_heads("an NCX with a byte order mark", &ncxbom, 3, &part, &again);
    CHECK("toc heads: an NCX after a byte order mark is read in part", part >= 1);
    struct tocbook land = {.n = 40, .tail = "<nav epub:type=\"landmarks\"><ol><li><a epub:type=\"backmatter\" "
                                             "href=\"c001.xhtml#notes\">Notes</a></li></ol></nav>"};
    tocbook_heads("a landmark after the stop", &land, 3, &part, &again);
    CHECK("toc heads: a landmark into the head after the stop: read again whole",
          part == 0 && again >= 1);
}

int main(void)
{
    test_epub3();
    test_epub2();
    test_anchors();
    test_part_chapters();
    test_pandoc_preamble();
    test_no_toc();
    test_container();
    test_bad_zip();
    test_bomb();
    test_zip_reading();
    test_zip_lookup();
    test_hostile_xml();
    test_drm();
    test_fixtures();
    test_real();
    test_pandoc();
    test_heads();
    test_cut_heading();
    test_fast_xml();
    test_toc_heads();
    printf("test_epub: %d conversions the same through libxml2's tree, %d not\n", slow_same,
           slow_differ);
    CHECK("fast nav/OPF readings: compared on many EPUBs", slow_same >= 40);
    return check_summary();
}
