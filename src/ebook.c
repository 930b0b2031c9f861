/* ebook.c — the door for EPUB and HTML stories (ebook.h): which door a
 * file takes, reading it through epub.c or html.c, closing the result
 * (html_finish) and freeing it. */
#include "ebook_int.h"
#include "util.h"

#include <libxml/parser.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Does name end with ext (case-insensitive, ext with its dot)? */
static bool ends_with(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    return n >= e && strcasecmp(name + n - e, ext) == 0;
}

enum ebook_format ebook_sniff(const char *name, const unsigned char *head, size_t n)
{
    if (name && (ends_with(name, ".txt") || ends_with(name, ".md")))
        return EBOOK_NONE;
    if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
        /* the EPUB container names its mimetype first; a zip named .epub
           is tried as one too (and refused with a clear error if not) */
        static const char mt[] = "application/epub+zip";
        bool named = name && ends_with(name, ".epub");
        for (size_t i = 30; i + sizeof mt - 1 <= n && i < 30 + 64 + sizeof mt; i++)
            if (memcmp(head + i, mt, sizeof mt - 1) == 0)
                return EBOOK_EPUB;
        return named ? EBOOK_EPUB : EBOOK_NONE;
    }
    if (name && ends_with(name, ".epub"))
        return EBOOK_EPUB;
    if (name && (ends_with(name, ".html") || ends_with(name, ".htm") || ends_with(name, ".xhtml")))
        return EBOOK_HTML;
    /* after a BOM and white space (and comments or an XML declaration):
       an HTML document's opening */
    size_t i = 0;
    if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
        i = 3;
    for (int rounds = 0; rounds < 8; rounds++) {
        while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
            i++;
        if (i + 4 <= n && memcmp(head + i, "<!--", 4) == 0) {
            const unsigned char *e = NULL;
            for (size_t k = i + 4; k + 3 <= n && !e; k++)
                if (memcmp(head + k, "-->", 3) == 0)
                    e = head + k + 3;
            if (!e)
                return EBOOK_NONE;
            i = (size_t)(e - head);
            continue;
        }
        if (i + 5 <= n && memcmp(head + i, "<?xml", 5) == 0) {
            const unsigned char *e = memchr(head + i, '>', n - i);
            if (!e)
                return EBOOK_NONE;
            i = (size_t)(e - head) + 1;
            continue;
        }
        break;
    }
    static const char *const opens[] = {"<!doctype html", "<html"};
    for (size_t k = 0; k < sizeof opens / sizeof *opens; k++) {
        size_t len = strlen(opens[k]);
        if (i + len < n && strncasecmp((const char *)head + i, opens[k], len) == 0) {
            unsigned char after = head[i + len];
            if (after == ' ' || after == '>' || after == '\t' || after == '\r' || after == '\n')
                return EBOOK_HTML;
        }
    }
    return EBOOK_NONE;
}

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
