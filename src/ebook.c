/* ebook.c — the door for EPUB and HTML stories (ebook.h): reading a file
 * through epub.c or html.c, closing the result (html_finish) and freeing
 * it.  Which door a file takes (ebook_sniff) is ebook_sniff.c's: quire
 * itself links that, and not this. */
#include "ebook_int.h"
#include "util.h"

#include <libxml/parser.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* libxml2 must be set up once before two threads parse (the library
 * build analyses files on two threads: library.c). */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
}

bool ebook_read_bytes(const char *name, enum ebook_format f, const void *bytes, size_t n,
                      struct ebook *out, char **err)
{
    memset(out, 0, sizeof *out);
    pthread_once(&xml_once, xml_init);
    bool ok;
    if (f == EBOOK_HTML) {
        ok = html_read(name, bytes, n, out, err);
    } else if (f == EBOOK_EPUB) {
        ok = epub_read(name, bytes, n, out, err);
    } else {
        set_err(err, "not an EPUB or HTML file");
        return false;
    }
    if (!ok) {
        ebook_free(out);
        return false;
    }
    html_finish(out);
    return true;
}

bool ebook_read_bytes_head(const char *name, enum ebook_format f, const void *bytes, size_t n,
                           size_t head, struct ebook *out, size_t *total, char **err)
{
    memset(out, 0, sizeof *out);
    if (f != EBOOK_EPUB || head == 0) {
        set_err(err, "no head: only an EPUB is read in part");
        return false;
    }
    pthread_once(&xml_once, xml_init);
    if (!epub_read_head(name, bytes, n, head, out, total, err)) {
        ebook_free(out);
        return false;
    }
    html_finish(out);
    return true;
}

bool ebook_read_file_head(const char *path, enum ebook_format f, size_t head, struct ebook *out,
                          size_t *total, char **err)
{
    memset(out, 0, sizeof *out);
    size_t len;
    char *e = NULL;
    char *bytes = read_file(path, &len, &e);
    if (!bytes) {
        free(e);
        set_err(err, "cannot read the file");
        return false;
    }
    bool ok = ebook_read_bytes_head(path, f, bytes, len, head, out, total, err);
    free(bytes);
    return ok;
}

bool ebook_read_file(const char *path, enum ebook_format f, struct ebook *out, char **err)
{
    memset(out, 0, sizeof *out);
    size_t len;
    char *e = NULL;
    char *bytes = read_file(path, &len, &e);
    if (!bytes) {
        /* read_file says "PATH: WHY"; the contract wants the why alone */
        const char *why = e ? strrchr(e, ':') : NULL;
        set_err(err, "%s", why && why[1] ? why + 2 : "cannot read the file");
        free(e);
        return false;
    }
    bool ok = ebook_read_bytes(path, f, bytes, len, out, err);
    free(bytes);
    return ok;
}

void ebook_free(struct ebook *eb)
{
    if (!eb)
        return;
    free(eb->text);
    free(eb->blocks);
    free(eb->format);
    parse_result_free(&eb->pr);
    memset(eb, 0, sizeof *eb);
}
