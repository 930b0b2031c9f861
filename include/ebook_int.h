/* ebook_int.h — what epub.c and html.c share: private to the ebook door
 * (ebook.h), included by epub.c, html.c and ebook.c only.
 *
 * epub.c reads the container, the OPF and the table of contents, and
 * hands each spine document to html_append(), which converts it and
 * appends its text and blocks to the ebook being built, opening a chapter
 * where the role says so.  A standalone HTML file is one html_append()
 * with HTML_STANDALONE: html.c then finds the chapters itself (AO3's
 * structure, FanFicFare's, else h1-h3 headings). */
#ifndef QUIRE_EBOOK_INT_H
#define QUIRE_EBOOK_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "ebook.h"

/* What an EPUB says a spine document is. */
enum html_role {
    HTML_STANDALONE,   /* a whole .html file: find chapters, title, meta */
    HTML_CHAPTER,      /* an EPUB document that opens a chapter (in the TOC) */
    HTML_CONTINUED,    /* an EPUB document that continues the chapter before
                          (not in the TOC: a split file) */
    HTML_FRONT,        /* front matter (cover, title page, TOC page, AO3
                          preface, FanFicFare title_page/toc_page/log_page):
                          its blocks get BLOCK_FRONT; metadata it states
                          (AO3 preface, FanFicFare's `Label: value`) fills
                          eb->pr.meta fields still empty */
    HTML_BACK,         /* back matter (AO3 afterword, colophon,
                          endnotes): BLOCK_BACK */
};

/* An element id seen in a document and the offset (bytes into eb->text)
 * where the text after it starts: epub.c splits chapters at the TOC's
 * `file.xhtml#id` targets with these. */
struct html_anchor {
    char *id;          /* malloc'd */
    size_t off;
};

/* Convert one HTML (xml false: libxml2's HTML parser, recovering tag
 * soup) or XHTML (xml true: the XML parser, recovering; no network, no
 * DTD, no external entities) document and append it to eb: eb->text
 * grows (kept NUL-terminated), its blocks are appended to eb->blocks,
 * and for HTML_CHAPTER a new chapter is opened in eb->pr.ch titled
 * `title` (the TOC's label; NULL: from the document's first heading).
 * The document's anchors are appended to *anchors (may be NULL when not
 * wanted).  Returns false only on a document that cannot be parsed at
 * all (nothing appended). */
bool html_append(struct ebook *eb, const void *bytes, size_t n, bool xml, enum html_role role,
                 const char *title, struct html_anchor **anchors, size_t *n_anchors);

/* Close the ebook once every document is appended: the last chapter's end
 * (and every range) made to fit the text, blocks checked to lie inside
 * their chapters, a story with no chapters given one.  Called by
 * ebook_read_* after the format's reader. */
void html_finish(struct ebook *eb);

/* The EPUB reader (epub.c) and the HTML reader (html.c) behind
 * ebook_read_bytes. */
bool epub_read(const char *name, const void *bytes, size_t n, struct ebook *out, char **err);
/* epub_read stopped early (head > 0): only the spine documents up to the
 * first after which the chapters but the last hold `head` bytes of text,
 * and only those chapters kept (the last is dropped: the documents after
 * it might still add to it).  Their text, blocks and chapters are
 * byte for byte the whole conversion's; *total (may be NULL) guesses the
 * whole text's length from the share of the spine read.  False with *err
 * when there is no such head (the whole file is fewer chapters): the
 * caller converts it whole.  head 0: epub_read. */
bool epub_read_head(const char *name, const void *bytes, size_t n, size_t head, struct ebook *out,
                    size_t *total, char **err);
bool html_read(const char *name, const void *bytes, size_t n, struct ebook *out, char **err);

#endif
