/* fuzz_epub.c — libFuzzer target: the EPUB reader (epub.c) behind
 * ebook_read_bytes, checking ebook.h's invariants on what it returns
 * (chapters tile the derived text from pr.body, each ordered start <=
 * front_end <= body <= back <= end and ending at a line end; blocks
 * ordered and inside the text;
 * an error leaves the ebook empty with a message).
 *
 * Input: bytes starting with "PK" are read as the zip itself.  Anything
 * else is a bundle the target zips first (entries stored, so mutations
 * reach the XML and not only the zip's checksums):
 *
 *     @@ mimetype
 *     application/epub+zip
 *     @@ META-INF/container.xml
 *     <container>...</container>
 *
 * each "@@ NAME" line opening an entry that runs to the next such line.
 * Seeds: tests/fuzz/corpus/epub (bundles) and tests/data/epub (.epub).
 *
 * Every input is read twice: as quire reads it, and with
 * QUIRE_TEST_EPUB_TREE=1 (the OPF and the nav through libxml2's tree only);
 * the two conversions must be the same byte for byte (epub.c's fast
 * readings stand in for the tree only where they read it the same).  And
 * its heads (ebook_read_bytes_head), the nav or NCX read only in part,
 * must be the whole conversion's first chapters byte for byte. */
#include "ebook.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

/* Zip the bundle data[0, n) into a malloc'd buffer (*len), with
 * libarchive; NULL when it names no entry. */
static unsigned char *bundle_zip(const char *data, size_t n, size_t *len)
{
    /* Every byte of the bundle at most once in a stored entry, and up to
     * 64 entries' headers (names under 512 bytes) and the directory. */
    size_t cap = n + 64 * 2048 + 4096;
    unsigned char *out = malloc(cap);
    struct archive *a = archive_write_new();
    if (!out || !a || archive_write_set_format_zip(a) != ARCHIVE_OK ||
        archive_write_zip_set_compression_store(a) != ARCHIVE_OK ||
        archive_write_open_memory(a, out, cap, len) != ARCHIVE_OK)
        abort();
    size_t entries = 0;
    const char *p = data, *end = data + n;
    while (p < end) {
        /* find the next "@@ " at a line start */
        if (!(end - p >= 3 && memcmp(p, "@@ ", 3) == 0 && (p == data || p[-1] == '\n'))) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            p = nl ? nl + 1 : end;
            continue;
        }
        const char *name = p + 3;
        const char *nl = memchr(name, '\n', (size_t)(end - name));
        const char *name_end = nl ? nl : end;
        const char *body = nl ? nl + 1 : end;
        const char *q = body;
        while (q < end && !(end - q >= 3 && memcmp(q, "@@ ", 3) == 0 && q[-1] == '\n')) {
            const char *n2 = memchr(q, '\n', (size_t)(end - q));
            q = n2 ? n2 + 1 : end;
        }
        size_t blen = (size_t)(q - body);
        if (blen && body[blen - 1] == '\n')
            blen--;   /* the line end before the next "@@" */
        char nm[512];
        size_t nl_len = (size_t)(name_end - name);
        if (nl_len && nl_len < sizeof nm && entries < 64) {
            memcpy(nm, name, nl_len);
            nm[nl_len] = '\0';
            struct archive_entry *e = archive_entry_new();
            if (!e)
                abort();
            archive_entry_copy_pathname(e, nm);
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_perm(e, 0644);
            archive_entry_set_size(e, (la_int64_t)blen);
            if (archive_write_header(a, e) >= ARCHIVE_WARN &&
                archive_write_data(a, body, blen) == (la_ssize_t)blen)
                entries++;
            archive_entry_free(e);
        }
        p = q;
    }
    if (archive_write_close(a) != ARCHIVE_OK || !entries) {
        free(out);
        out = NULL;
    }
    archive_write_free(a);
    return out;
}

static void check(const struct ebook *eb)
{
    if (!eb->text || strlen(eb->text) != eb->len || !eb->format)
        abort();
    const struct parse_result *pr = &eb->pr;
    if (!parse_chapters_tile(pr, eb->len))
        abort();
    for (size_t i = 0; i < pr->n_ch; i++) {
        const struct parse_chapter *c = &pr->ch[i];
        /* a chapter ends with its line, as a head cut after it does */
        if (c->end > 0 && eb->text[c->end - 1] != '\n')
            abort();
        (void)parse_count_words(eb->text, c->body, c->back);
    }
    size_t prev = 0;
    for (size_t i = 0; i < eb->n_blocks; i++) {
        const struct block *b = &eb->blocks[i];
        if (b->off > b->end || b->off < prev || b->end > eb->len)
            abort();
        prev = b->end;
    }
}

/* a and b (either may have failed) the same conversion? */
static bool same(bool ok_a, const struct ebook *a, const char *err_a, bool ok_b,
                 const struct ebook *b, const char *err_b)
{
    if (ok_a != ok_b)
        return false;
    if (!ok_a)
        return strcmp(err_a, err_b) == 0;
    if (a->len != b->len || memcmp(a->text, b->text, a->len) != 0 ||
        a->n_blocks != b->n_blocks || a->pr.n_ch != b->pr.n_ch || a->pr.body != b->pr.body ||
        strcmp(a->format, b->format) != 0)
        return false;
    for (size_t i = 0; i < a->n_blocks; i++)
        if (a->blocks[i].off != b->blocks[i].off || a->blocks[i].end != b->blocks[i].end ||
            a->blocks[i].kind != b->blocks[i].kind || a->blocks[i].flags != b->blocks[i].flags)
            return false;
    for (size_t i = 0; i < a->pr.n_ch; i++) {
        const struct parse_chapter *x = &a->pr.ch[i], *y = &b->pr.ch[i];
        if (x->start != y->start || x->front_end != y->front_end || x->body != y->body ||
            x->back != y->back || x->end != y->end || !x->title != !y->title ||
            (x->title && strcmp(x->title, y->title) != 0))
            return false;
    }
    const char *sa[] = {a->pr.title, a->pr.author, a->pr.meta.summary, a->pr.meta.series};
    const char *sb[] = {b->pr.title, b->pr.author, b->pr.meta.summary, b->pr.meta.series};
    for (size_t i = 0; i < 4; i++)
        if (!sa[i] != !sb[i] || (sa[i] && strcmp(sa[i], sb[i]) != 0))
            return false;
    return true;
}

/* Is h (a head) whole's first chapters, byte for byte? */
static bool head_of(const struct ebook *h, const struct ebook *whole)
{
    const struct parse_result *a = &h->pr, *b = &whole->pr;
    if (a->n_ch == 0 || a->n_ch >= b->n_ch || h->len != b->ch[a->n_ch - 1].end ||
        memcmp(h->text, whole->text, h->len) != 0 || h->n_blocks > whole->n_blocks ||
        strcmp(h->format, whole->format) != 0)
        return false;
    for (size_t i = 0; i < h->n_blocks; i++)
        if (h->blocks[i].off != whole->blocks[i].off || h->blocks[i].end != whole->blocks[i].end ||
            h->blocks[i].kind != whole->blocks[i].kind || h->blocks[i].flags != whole->blocks[i].flags)
            return false;
    if (h->n_blocks < whole->n_blocks && whole->blocks[h->n_blocks].off < h->len)
        return false;
    for (size_t i = 0; i < a->n_ch; i++) {
        const struct parse_chapter *x = &a->ch[i], *y = &b->ch[i];
        if (x->start != y->start || x->front_end != y->front_end || x->body != y->body ||
            x->back != y->back || x->end != y->end || !x->title != !y->title ||
            (x->title && strcmp(x->title, y->title) != 0))
            return false;
    }
    return true;
}

/* The heads of the bytes (of 1 byte and of half the whole's text), the
 * nav or NCX read in part after one entry (QUIRE_TEST_EPUB_TOC_STOP=1,
 * the most it can be wrong): each made is the whole's first chapters,
 * and the same head, metadata and error included, as with the whole TOC
 * read (QUIRE_TEST_EPUB_TOC_STOP=0). */
static void check_heads(const unsigned char *bytes, size_t len, const struct ebook *whole)
{
    size_t sizes[] = {1, whole->len / 2};
    for (size_t i = 0; i < 2; i++) {
        struct ebook h, w;
        char *err = NULL, *werr = NULL;
        size_t total = 0, wtotal = 0, sz = sizes[i] ? sizes[i] : 1;
        setenv("QUIRE_TEST_EPUB_TOC_STOP", "1", 1);
        bool ok = ebook_read_bytes_head("fuzz.epub", EBOOK_EPUB, bytes, len, sz, &h, &total, &err);
        setenv("QUIRE_TEST_EPUB_TOC_STOP", "0", 1);
        bool wok = ebook_read_bytes_head("fuzz.epub", EBOOK_EPUB, bytes, len, sz, &w, &wtotal, &werr);
        unsetenv("QUIRE_TEST_EPUB_TOC_STOP");
        if (!same(ok, &h, err, wok, &w, werr) || total != wtotal)
            abort();
        if (ok) {
            if (!head_of(&h, whole))
                abort();
            ebook_free(&h);
            ebook_free(&w);
        }
        free(err);
        free(werr);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *zipped = NULL;
    size_t len = size;
    const unsigned char *in = data;
    if (!(size >= 2 && data[0] == 'P' && data[1] == 'K')) {
        zipped = bundle_zip((const char *)data, size, &len);
        if (!zipped)
            return 0;
        in = zipped;
    }
    /* an exact-size copy, so ASan sees any read past the end */
    unsigned char *copy = malloc(len ? len : 1);
    if (!copy)
        abort();
    memcpy(copy, in, len);
    struct ebook eb;
    char *err = NULL;
    bool ok = ebook_read_bytes("fuzz.epub", EBOOK_EPUB, copy, len, &eb, &err);
    if (getenv("FUZZ_SAY"))   /* a seed's check: is it accepted? */
        fprintf(stderr, "fuzz_epub: %s\n", ok ? "accepted" : "refused");
    struct ebook slow;
    char *serr = NULL;
    setenv("QUIRE_TEST_EPUB_TREE", "1", 1);
    bool sok = ebook_read_bytes("fuzz.epub", EBOOK_EPUB, copy, len, &slow, &serr);
    unsetenv("QUIRE_TEST_EPUB_TREE");
    if (!same(ok, &eb, err, sok, &slow, serr))
        abort();
    if (sok)
        ebook_free(&slow);
    free(serr);
    if (ok) {
        if (err)
            abort();
        check(&eb);
        check_heads(copy, len, &eb);
        ebook_free(&eb);
    } else {
        if (!err || !*err || strchr(err, '\n') || eb.text || eb.pr.n_ch)
            abort();
        free(err);
    }
    free(copy);
    free(zipped);
    return 0;
}
