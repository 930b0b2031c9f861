/* ebook.h — EPUB and HTML story files as text quire can lay out.
 *
 * Layer: text.  The one door through which a story that is not plain text
 * enters quire: an EPUB (zip container, OPF, spine, nav/NCX, XHTML
 * chapters: epub.c) or an HTML file (an AO3 download or saved work page,
 * FanFicFare's HTML, any HTML story: html.c) becomes a *derived text*
 * (UTF-8, LF line ends, in the plain-text dialect the TXT path reads:
 * blank lines between paragraphs, `*italic*`, `**bold**`, a backslash
 * before a literal `*`, `_` or `\`; underline and strikethrough, which
 * the dialect has no marker for, between the control characters of
 * parse.h's MARKUP_U_ON/OFF and MARKUP_S_ON/OFF) together with what the converter knows
 * for certain and the TXT path would have to guess: the chapters (struct
 * parse_result, offsets into the derived text), every block of the text
 * (struct block: paragraphs, headings, scene breaks, verse for `<br>`
 * lines, front/back matter flags for notes and summaries) and the story's
 * metadata (struct parse_meta).
 *
 * Positions in an ebook story are byte offsets into the derived text.  The
 * conversion is deterministic: the same file gives the same bytes under
 * the same EBOOK_VERSION, so the index cache and the snapshot may keep
 * offsets and re-derive the text on first use.  A change to the output of
 * the conversion bumps EBOOK_VERSION.
 *
 * Safety: nothing is ever written to disk; no network, no external
 * entity or DTD is ever loaded; entity expansion, zip entry sizes and
 * inflate ratios are bounded (epub.c says the limits); ill-formed markup
 * is recovered as browsers do; elements nest up to 65,536 deep (deeper
 * text is dropped: html.c HTML_MAX_DEPTH). */
#ifndef QUIRE_EBOOK_H
#define QUIRE_EBOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "parse.h"

/* Bump whenever the derived text, blocks or chapters of any input change. */
#define EBOOK_VERSION 4   /* 2: note-only chapters are all matter; 3: underline
                             and strike markers (parse.h MARKUP_U_ON ...),
                             verse over PARSE_PARA_MAX in pieces, text
                             nested deeper than 256 elements kept, forum
                             pages' posts only, <ol type>, back-link
                             arrows and visibility:hidden not shown;
                             4: a part's chapters, pandoc's preamble and
                             title block front matter, layout tables,
                             heading lines, void elements' children */

enum ebook_format {
    EBOOK_NONE = 0,   /* plain text: the TXT path (decode.h, parse.h) */
    EBOOK_HTML,       /* .html .htm .xhtml, or text that opens as HTML */
    EBOOK_EPUB,       /* a zip container (.epub, or PK\3\4 + an epub mimetype) */
};

struct ebook {
    char *text;           /* the derived text, NUL-terminated (malloc'd) */
    size_t len;           /* bytes of text, the NUL not counted */
    struct parse_result pr;  /* title, author, meta; chapters tiling the
                                text from pr.body, their ranges and titles
                                as parse_text would give them */
    struct block *blocks; /* every block of the text in order (malloc'd);
                             each lies inside one chapter's [start, end) */
    size_t n_blocks;
    char *format;         /* what the file was read as, for --list
                             --verbose: "EPUB 3", "EPUB 2 (FanFicFare)",
                             "HTML (AO3 download)", "HTML (AO3 work page)",
                             "HTML (FanFicFare)", "HTML" (malloc'd) */
    /* private to the converters: what text (bytes), blocks and pr.ch
       (entries) have room for, so that appending document after document
       grows them geometrically; whoever reallocates one of them sets its
       capacity */
    size_t cap_text, cap_blocks, cap_ch;
};

/* Which door a file takes, from its name (extension, case-insensitive) and
 * its first n bytes (a zip's local header and `mimetype` entry; `<html`,
 * `<!DOCTYPE html` or an XHTML root after a BOM and white space).  A .txt
 * or .md name is always EBOOK_NONE. */
enum ebook_format ebook_sniff(const char *name, const unsigned char *head, size_t n);

/* Read the file at `path` as format `f` (EBOOK_HTML or EBOOK_EPUB) into
 * *out (caller frees with ebook_free).  On failure returns false, leaves
 * *out empty and sets *err to one line saying why, without the path
 * ("not a zip archive", "DRM-protected: cannot be read", "no OPF package
 * document", ...; malloc'd).  Never crashes, never hangs, on any input. */
bool ebook_read_file(const char *path, enum ebook_format f, struct ebook *out, char **err);

/* The first chapters of the EPUB at `path` (f must be EBOOK_EPUB), for a
 * first screen before the whole is converted: the spine read until the
 * chapters before the last one converted hold `head` bytes (the last is
 * dropped), so that their text, blocks and chapters are byte for byte
 * those ebook_read_file gives for the whole file.  *total (may be NULL):
 * the whole text's length guessed from the share of the spine read.
 * False with *err when the file has no such head (fewer chapters: read it
 * whole) or cannot be read. */
bool ebook_read_file_head(const char *path, enum ebook_format f, size_t head, struct ebook *out,
                          size_t *total, char **err);

/* The same for the file's bytes in memory (a mapping: only the zip's
 * directory and the documents converted are touched); `name` a label. */
bool ebook_read_bytes_head(const char *name, enum ebook_format f, const void *bytes, size_t n,
                           size_t head, struct ebook *out, size_t *total, char **err);

/* The same for bytes in memory (tests, fuzzing); `name` is a label only. */
bool ebook_read_bytes(const char *name, enum ebook_format f, const void *bytes, size_t n,
                      struct ebook *out, char **err);

/* Free everything *eb holds and zero it; NULL is a no-op. */
void ebook_free(struct ebook *eb);

#endif
