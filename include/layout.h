/* layout.h — blocks of source text to display lines, at a given width.
 *
 * Layer: layout.  Pure: a function of (text, blocks, options); no terminal,
 * no I/O, no globals.  Both `--render` (render.c) and the screen (ui_*.c)
 * draw from it; nothing else lays out text.
 *
 * Units: `off`/`end` are byte offsets into the source text; `cols` and
 * `width` are display columns (wcwidth: East Asian wide = 2, combining = 0);
 * never mix the two.
 *
 * A laid-out line does not copy text: it names a byte range of the source
 * and how to draw it.  layout_runs() turns a line into the visible pieces
 * (whitespace folded, emphasis markers hidden, soft hyphens resolved) with
 * their attributes. */
#ifndef QUIRE_LAYOUT_H
#define QUIRE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse.h"

enum layout_wrap {
    WRAP_OPTIMAL,   /* minimum raggedness over a paragraph (default) */
    WRAP_GREEDY,    /* first fit */
};

struct layout_opts {
    int width;               /* text column in display columns, >= 1 */
    enum layout_wrap wrap;
    const char *break_glyph; /* scene-break line, UTF-8; NULL = "* * *" */
};

enum line_kind {
    LINE_TEXT,      /* part of a paragraph or verse */
    LINE_BLANK,     /* the gap between blocks */
    LINE_HEADING,   /* chapter heading, centred */
    LINE_BREAK,     /* scene break glyph, centred */
    LINE_TITLE,     /* heading synthesised from the chapter title (no source
                       heading): off/end index the title string, not the text */
};

enum line_attr {
    LATTR_DIM = 1,      /* front/back matter */
    LATTR_BOLD = 2,     /* headings */
};

struct line {
    size_t off, end;    /* source bytes this line shows (markers included,
                           trailing spaces excluded); off == end for blanks */
    uint16_t cols;      /* display width of what is drawn, indent excluded */
    uint16_t indent;    /* columns to skip before drawing (centring, verse) */
    uint8_t kind;       /* enum line_kind */
    uint8_t attr;       /* enum line_attr bits */
    uint8_t hyphen;     /* draw a '-' after the text (soft hyphen or a word
                           split across lines) */
    uint8_t block_first;/* 1 on a block's first line */
    uint32_t block;     /* index of the block this line came from */
};

struct line_vec {
    struct line *v;
    size_t n, cap;
};
void line_vec_free(struct line_vec *lv);

/* Lay out one block (index `bi` of `blocks`) and append its lines to *out,
 * followed by the blank line that separates it from the next block (none
 * after the last block, `bi == n_blocks - 1`).  A scene break appends a
 * blank, the centred glyph and a blank, never two blanks in a row. */
void layout_block(const struct layout_opts *o, const char *text,
                  const struct block *blocks, size_t n_blocks, size_t bi,
                  struct line_vec *out);

/* Lay out a whole chapter: when its first block is not a heading, it starts
 * with LINE_TITLE lines made from `title` (may be NULL: none).  Appends to
 * *out. */
void layout_chapter(const struct layout_opts *o, const char *text,
                    const struct block *blocks, size_t n_blocks,
                    const char *title, struct line_vec *out);

/* A visible piece of a line: `n` bytes at `s` (points into the source text,
 * the title, the glyph, or a static " " / "-"), drawn with `attr`. */
enum run_attr { RUN_ITALIC = 1, RUN_BOLD = 2, RUN_DIM = 4, RUN_MATCH = 8 };
struct run {
    const char *s;
    size_t n;            /* bytes */
    uint16_t cols;       /* display columns */
    uint8_t attr;        /* enum run_attr bits */
    size_t src_off;      /* source offset of s (for search highlighting);
                            (size_t)-1 for synthetic pieces */
};

/* The pieces of line `ln`, in order, with whitespace runs folded to one
 * space and markers hidden.  `text` is the source text; `title` the chapter
 * title (for LINE_TITLE).  Writes at most `max` runs to `out`, returns how
 * many it needed.  Indent is NOT included (the caller skips ln->indent). */
size_t layout_runs(const struct layout_opts *o, const char *text, const char *title,
                   const struct line *ln, struct run *out, size_t max);

/* Position mapping.  Index of the line that shows byte `off` (the last line
 * whose off <= off among text-bearing lines; 0 when none). */
size_t layout_line_at(const struct line_vec *lv, size_t off);

/* Display width of UTF-8 s[0..n) as the screen draws it (wcwidth; control
 * characters 0; U+00AD soft hyphen 0). */
int layout_width(const char *s, size_t n);

#endif
