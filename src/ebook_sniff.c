/* ebook_sniff.c — which door a file takes (ebook_sniff of ebook.h): from
 * its name and first bytes only, without libxml2 or libarchive, so that
 * quire links it and decides without starting the converter process
 * (ebook_door.h). */
#include "ebook.h"

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
