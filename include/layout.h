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
 * (whitespace folded, emphasis markers hidden, soft hyphens resolved,
 * control characters in their visible form) with their attributes. */
#ifndef QUIRE_LAYOUT_H
#define QUIRE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse.h"
#include "wrap.h"   /* enum layout_wrap */

struct layout_opts {
    int width;               /* text column in display columns, >= 1 */
    enum layout_wrap wrap;
    const char *break_glyph; /* scene-break line, UTF-8; NULL = "* * *" */
    bool fold_notes;         /* each run of notes as one LINE_FOLD line
                                (layout_is_note); false: shown */
};

enum line_kind {
    LINE_TEXT,      /* part of a paragraph or verse */
    LINE_BLANK,     /* the gap between blocks */
    LINE_HEADING,   /* chapter heading, centred */
    LINE_BREAK,     /* scene break glyph, centred */
    LINE_TITLE,     /* heading synthesised from the chapter title (no source
                       heading): off/end index the title string, not the text */
    LINE_FOLD,      /* a run of notes folded (fold_notes): one dimmed line,
                       "author's note, 3 paragraphs"; off/end the run's
                       bytes, from its first block's start */
};

/* What a folded run of notes is called on its LINE_FOLD line. */
enum fold_label {
    FOLD_NOTE,        /* "author's note" */
    FOLD_DISCLAIMER,  /* the run's first paragraph begins "Disclaimer" */
    FOLD_SUMMARY,     /* ... "Summary" */
    FOLD_LICENCE,     /* ... mentions Project Gutenberg in its first 200 bytes */
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
    uint16_t fold_n;    /* LINE_FOLD: paragraphs folded (at most 65535) */
    uint8_t fold_label; /* LINE_FOLD: enum fold_label */
    size_t boff, bend;  /* that block's byte range (layout_runs rescans the
                           block's emphasis markers from it); for LINE_TITLE
                           the title's range; for a blank, its block's */
};

struct line_vec {
    struct line *v;
    size_t n, cap;
};
void line_vec_free(struct line_vec *lv);

/* Reusable buffers for layout_block_s / layout_runs_s, so that laying out
 * a whole story allocates almost nothing per paragraph.  Not shared between
 * threads.  layout_block / layout_runs make a temporary one per call. */
struct layout_scratch;
struct layout_scratch *layout_scratch_new(void);
void layout_scratch_free(struct layout_scratch *sc);   /* NULL is a no-op */

/* Is block b a note, folded under fold_notes: front or back matter (an
 * author's note, a disclaimer, a summary, a licence: BLOCK_FRONT or
 * BLOCK_BACK) that is a paragraph or verse, not a heading or a break. */
bool layout_is_note(const struct block *b);

/* The index of the last of blocks[0, n_blocks) (sorted by off) that
 * starts at or before the byte `off`: 0 when none does (n_blocks > 0).
 * O(log n). */
size_t layout_block_at(const struct block *blocks, size_t n_blocks, size_t off);

/* Where a position goes while notes are folded: a byte inside a run of
 * notes, after its first byte, moves to the end of the run (the story
 * text after it); any other byte stays.  O(log n + run). */
size_t layout_fold_skip(const struct block *blocks, size_t n_blocks, size_t off);

/* Lay out one block (index `bi` of `blocks`) and append its lines to *out,
 * followed by the blank line that separates it from the next block (none
 * after the last block, `bi == n_blocks - 1`, nor before a block with
 * BLOCK_CONT: the piece of a long paragraph reads on from this one).  A scene break appends a
 * blank, the centred glyph and a blank, never two blanks in a row.
 * With fold_notes, the first block of a run of notes (layout_is_note)
 * appends one LINE_FOLD line for the whole run (and a blank when a block
 * that is not a note follows the run); the run's other blocks append
 * nothing. */
void layout_block(const struct layout_opts *o, const char *text,
                  const struct block *blocks, size_t n_blocks, size_t bi,
                  struct line_vec *out);

/* layout_block with caller-owned scratch buffers (the fast path). */
void layout_block_s(const struct layout_opts *o, const char *text,
                    const struct block *blocks, size_t n_blocks, size_t bi,
                    struct line_vec *out, struct layout_scratch *sc);

/* Lay out a whole chapter: when no BLOCK_HEADING comes before its first
 * block that is not front matter, LINE_TITLE lines made from `title` (may be
 * NULL: none), then a blank, are put before that block.  Appends to *out;
 * never ends with a blank line. */
void layout_chapter(const struct layout_opts *o, const char *text,
                    const struct block *blocks, size_t n_blocks,
                    const char *title, struct line_vec *out);
void layout_chapter_s(const struct layout_opts *o, const char *text,
                      const struct block *blocks, size_t n_blocks,
                      const char *title, struct line_vec *out,
                      struct layout_scratch *sc);

/* Where layout_chapter puts the title: the index of the block the title
 * lines go before (n_blocks when the chapter has no blocks), or (size_t)-1
 * when a heading makes the title unnecessary.  For screens that lay out
 * block by block. */
size_t layout_title_before(const struct block *blocks, size_t n_blocks);

/* Append the centred LINE_TITLE lines for `title` followed by one blank
 * line; their `block` is `bi`.  Nothing when title is NULL or blank. */
void layout_title(const struct layout_opts *o, const char *title, size_t bi,
                  struct line_vec *out, struct layout_scratch *sc);

/* A visible piece of a line: `n` bytes at `s` (points into the source text,
 * the title, the glyph, or a static " " / "-" / a control character's
 * visible form such as "^["), drawn with `attr`.  A control character is
 * always a run of its own whose src_off is the control's source offset
 * (its `n` bytes are the form's, not the source's). */
enum run_attr { RUN_ITALIC = 1, RUN_BOLD = 2, RUN_DIM = 4, RUN_MATCH = 8, RUN_UNDERLINE = 16,
                RUN_STRIKE = 32 };
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
/* layout_runs with scratch buffers: the block's emphasis scan is kept in
 * `sc` and reused for the next line of the same block.  The cache is keyed
 * by (text pointer, block range): use a fresh scratch (or keep using it only
 * for the same texts) if a text buffer may be freed and another allocated at
 * the same address. */
size_t layout_runs_s(const struct layout_opts *o, const char *text, const char *title,
                     const struct line *ln, struct layout_scratch *sc,
                     struct run *out, size_t max);

/* What layout does, in short (the rules a reader sees):
 *  - Paragraph text is folded: line ends (LF, CR LF, CR, NEL, LS, PS), tabs
 *    and runs of blanks become one space, or nothing when a line end falls
 *    between two CJK characters (hard-wrapped Chinese/Japanese; Hangul keeps
 *    its space); leading/trailing blanks vanish.
 *  - A control character that does not fold (C0 but tab and the line ends,
 *    DEL, C1 but NEL) is never passed to the terminal: it is drawn in its
 *    visible form, vis.h's rule, as `less` shows it ("^[" for ESC, "^G",
 *    "^?" for DEL: 2 columns; "<U+009B>" for a C1 control: 8 columns), in
 *    the attributes of the text around it, and lines are broken with it
 *    that wide (UAX #14 attaches a C0 control to the character before).
 *  - Breaks only at UAX #14 opportunities (u8_possible_linebreaks over the
 *    folded paragraph); a word wider than the column is cut at grapheme
 *    cluster boundaries with a '-' drawn at each cut (when there is room).
 *  - A soft hyphen is invisible; where the line breaks after it, a '-' is
 *    drawn and counted.
 *  - WRAP_OPTIMAL minimises the sum of squared trailing slack of every line
 *    but a paragraph's last (centred headings and titles count the last
 *    line too, so they come out balanced).  A paragraph block continued
 *    by a BLOCK_CONT block (the parser's pieces of a paragraph over
 *    PARSE_PARA_MAX) reads on with no blank line; its last line may end
 *    short.  A block longer than 1 MiB
 *    (a file with no line end) is laid out a window of 1 MiB at a time,
 *    each window's last line laid out again with the next, so the scratch
 *    memory stays bounded; its lines are optimal within each window.
 *  - Verse keeps its lines and their indentation (at most half the column;
 *    tabs every 4 columns), wrapping long lines with a 2-column hanging
 *    indent.
 *  - A grapheme cluster wider than the room its line has (only at tiny
 *    widths: a wide character at width 1, a 6-column emoji family at width
 *    5, a control's "^[" at width 1 or "<U+009B>" below width 8) is drawn
 *    anyway, on a line of its own that is wider than the column
 *    (its `cols` says how wide): the text is never replaced.  Every other
 *    line fits the column.
 *  - The scene-break glyph is centred; when it is wider than the column (or
 *    empty) a single "*" is drawn instead. */

/* Position mapping.  Index of the line that shows byte `off` (the last line
 * whose off <= off among text-bearing lines, i.e. all kinds but LINE_BLANK
 * and LINE_TITLE; 0 when none).  O(log n). */
size_t layout_line_at(const struct line_vec *lv, size_t off);

/* Display width of UTF-8 s[0..n) as the screen draws it (wcwidth; control
 * characters 0, as wcwidth has them: the layout counts a story's controls
 * by their visible form instead; U+00AD soft hyphen 0).
 *
 * Locale-independent: libunistring uc_width(c, "UTF-8") corrected to agree
 * with glibc's wcwidth() in a UTF-8 locale (which is what ncursesw uses) on
 * the code points where the two differ (UNICODE_NCURSES.md section 2;
 * test_layout checks every code point against wcwidth under C.UTF-8).
 * The one deliberate difference is U+00AD, which quire never draws. */
int layout_width(const char *s, size_t n);

/* Width of one code point as layout_width counts it (0 for controls). */
int layout_char_width(uint32_t c);

#endif
