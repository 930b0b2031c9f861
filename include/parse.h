/* parse.h — recognising a story's structure in one decoded text.
 *
 * Layer: text.  Pure functions of (text, range): no I/O, no globals.
 * Two levels:
 *  - parse_text(): what the file announces (title, author, metadata, table
 *    of contents) and where its chapters are (headings split one file into
 *    several chapters; Project Gutenberg licence text is front/back matter).
 *  - parse_blocks(): one chapter's text as the blocks the pager lays out:
 *    paragraphs (hard-wrapped lines joined), headings, scene breaks, verse
 *    and lists (lines kept as they are), with front/back matter flagged.
 * And markup_*: emphasis markers inside a paragraph. */
#ifndef QUIRE_PARSE_H
#define QUIRE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Chapter numbers used for ordering. */
#define PARSE_NO_NUMBER  (-1)      /* heading carried no number */
#define PARSE_PROLOGUE   0         /* sorts first */
#define PARSE_EPILOGUE   1000000   /* sorts last (plus its own number) */

struct parse_chapter {
    size_t start, end;   /* byte range of the chapter; chapters tile the text
                            from parse_result.body to the end */
    size_t front_end;    /* [start, front_end) is front matter: for the first
                            chapter the Gutenberg header, title page, contents,
                            disclaimers before its heading; == start when none */
    size_t body;         /* first byte after the heading line(s); == front_end
                            when the chapter has no heading */
    size_t back;         /* [back, end) is back matter (Gutenberg licence,
                            closing notes recognised at file level); == end
                            when none */
    char *title;         /* display title ("Chapter 3: The Guild", "Prologue",
                            "CHAPTER I. Down the Rabbit-Hole"), malloc'd; NULL if
                            the chapter has no heading */
    int number;          /* PARSE_* above, or the heading's number (1-based) */
};

/* What a story says about itself beyond its title and author: EPUB OPF
 * metadata, AO3's preface, FanFicFare's title page or `Label: value`
 * lines.  Every field may be missing (NULL / 0); strings are UTF-8,
 * malloc'd, one line each except `summary`. */
struct parse_meta {
    char *series;        /* series name ("Part 2 of The Long Road" gives
                            "The Long Road") */
    double series_index; /* the story's place in the series (1-based; a
                            fraction allowed, calibre writes 1.5); 0: not said */
    char *summary;       /* plain text; paragraphs separated by "\n\n" */
    char **tags;         /* fandoms, relationships, characters, additional
                            tags, EPUB subjects: each once, in file order */
    size_t n_tags;
    char *rating;        /* "Teen And Up Audiences", "T", ... */
    char *status;        /* "complete" or "in progress" when the file says */
    char *source_url;    /* the story's web address (dc:source, AO3 work URL,
                            FanFicFare's storyUrl) */
    char *language;      /* as given (BCP 47 when from an OPF) */
    char *published;     /* dates as YYYY-MM-DD when the file gives one */
    char *updated;
};

/* Free the fields of *m and zero it; NULL is a no-op. */
void parse_meta_free(struct parse_meta *m);

/* A deep copy of *src into *dst (whose old contents are not freed). */
void parse_meta_copy(struct parse_meta *dst, const struct parse_meta *src);

/* Does *m say nothing at all? */
bool parse_meta_empty(const struct parse_meta *m);

struct parse_result {
    struct parse_meta meta; /* what the file says about the story; the TXT
                               parser fills none of it yet */
    char *title;         /* the story title the file announces, or NULL */
    char *author;        /* the author it announces, or NULL */
    size_t body;         /* where the first chapter starts: 0, or after the
                            announcement lines (title/author/metadata) when the
                            parser chooses to leave them out of the text */
    bool fanficfare;     /* FanFicFare TXT layout recognised */
    char *one_chapter_why; /* when the text has two or more heading-like
                              lines and is still one chapter: why, in
                              words for --list --verbose (malloc'd); else
                              NULL */
    struct parse_chapter *ch;  /* chapters in file order; at least one when
                                  the text has any words */
    size_t n_ch;
};

/* Parse the whole text [0, len).  Fills *out (caller frees with
 * parse_result_free).  Never fails: text with no structure is one chapter
 * with no title. */
void parse_text(const char *text, size_t len, struct parse_result *out);

/* The rule every parse of a text of len bytes with chapters obeys: they
 * tile [r->body, len), one after another, and each is in order, start <=
 * front_end <= body <= back <= end.  False when it has no chapter.  (For
 * the tests and fuzz targets that check a parse, a conversion or a cache
 * read back.) */
bool parse_chapters_tile(const struct parse_result *r, size_t len);

/* parse_text, and the words of each chapter's text after its heading
 * counted in the same pass: returns a malloc'd array (caller frees) of
 * out->n_ch counts, [i] being parse_count_words(text, ch[i].body,
 * ch[i].back) (0 for a note-only chapter, whose back == body).  The
 * library build wants the counts; the count parse_text makes anyway to
 * tell a note-only chapter stops at a few hundred words. */
size_t *parse_text_counted(const char *text, size_t len, struct parse_result *out);
void parse_result_free(struct parse_result *r);

enum block_kind {
    BLOCK_PARA,      /* a paragraph: source lines joined, reflowed */
    BLOCK_HEADING,   /* a chapter heading line (centred, bold) */
    BLOCK_BREAK,     /* a scene break (explicit marker or lost-separator gap);
                        off..end covers the marker line, or is empty for a gap */
    BLOCK_VERSE,     /* lines kept as they are (indented verse, shaped text,
                        labelled lines, numbered lists, a table of contents) */
};

enum block_flag {
    BLOCK_FRONT = 1, /* front matter: disclaimer, author's note, A/N, licence header */
    BLOCK_BACK  = 2, /* back matter: closing A/N, Gutenberg licence */
    BLOCK_CONT  = 4, /* continues the paragraph before it (a piece of a
                        paragraph longer than PARSE_PARA_MAX): no blank line
                        before it; it reads on as the same paragraph, except
                        that the line before the cut may end short */
    BLOCK_QUOTE = 8, /* inside a quotation (an HTML blockquote): indented
                        by the pager; only the ebook door sets it */
};

/* The longest paragraph block parse_blocks makes, in bytes.  A longer
 * paragraph (a file with no line end) becomes consecutive BLOCK_PARA
 * pieces that tile it, each at most this long, cut just after a space
 * (or a line end not after a hyphen) found in the last 4 KiB before the
 * limit, else at a grapheme cluster boundary; every piece after the first
 * has BLOCK_CONT and all keep the paragraph's other flags.  So a reader
 * that lays out only the blocks it shows needs memory for those only. */
#define PARSE_PARA_MAX ((size_t)64 << 10)

/* How far before the limit a piece's cut looks for a space, in bytes. */
#define PARSE_CUT_LOOK ((size_t)4 << 10)

/* Where the piece of a long paragraph t[p, e) ends (p + PARSE_PARA_MAX <
 * e), as a byte offset in (p, p + PARSE_PARA_MAX]: just after the last
 * space or line end in the PARSE_CUT_LOOK bytes before the limit (with
 * hyphen_joins, not a line end after a hyphen: a hyphenated word joined
 * across lines); else at the last grapheme cluster boundary before the
 * limit (found from a character boundary up to PARSE_CUT_LOOK bytes before
 * it); a cluster longer than that is cut at a character boundary.  The
 * block parser's cut (hyphen_joins) and the HTML converter's (not: its
 * line ends are <br>). */
size_t parse_piece_end(const char *t, size_t p, size_t e, bool hyphen_joins);

struct block {
    size_t off, end; /* byte range in the source text */
    uint8_t kind;    /* enum block_kind */
    uint8_t flags;   /* enum block_flag bits */
};

/* Split [start, end) of text into blocks.  *out is malloc'd (caller frees);
 * returns the count.  Blank lines separate blocks and are not blocks
 * themselves, except where a run of them stands for a lost scene break.
 * A paragraph longer than PARSE_PARA_MAX is several blocks (BLOCK_CONT).
 * Blocks inside [start, front_end) get BLOCK_FRONT and blocks inside
 * [back, end) get BLOCK_BACK (pass front_end = start and back = end when the
 * caller knows of none); leading disclaimers/author's notes and a closing
 * A/N are recognised here too.  Offsets come from struct parse_chapter. */
size_t parse_blocks(const char *text, size_t start, size_t end, size_t front_end,
                    size_t back, struct block **out);

/* parse_blocks knowing where the chapter's heading lines end: the lines in
 * [front_end, body) become one BLOCK_HEADING whatever they say (a chapter
 * title such as "The Martyr" that only parse_text recognised, a heading plus
 * its subtitle, a 第…回 line and its underline).  Pass the chapter's
 * parse_chapter.body; parse_blocks() is this with body == front_end. */
size_t parse_blocks_body(const char *text, size_t start, size_t end, size_t front_end,
                         size_t body, size_t back, struct block **out);

/* Words in text[start, end): runs containing a letter or digit; each CJK
 * ideograph counts as one word. */
size_t parse_count_words(const char *text, size_t start, size_t end);

/* Is a chapter whose text after its heading is text[from, to) and whose
 * display title is `title` (may be NULL) only an author's note?  Yes when
 * its title says so ("Author's Note", "A/N: Thank You", "Chapter 12:
 * Hiatus", "Notice"; up to 2000 words), or when it is short (up to 300
 * words) and every paragraph reads as a note (A/N:, Author's Note:,
 * Disclaimer:...) or it says it is a notice ("this is not a chapter",
 * "on hiatus", "not an update").  parse_text makes such a chapter all
 * matter (back == body: struct chapter.note); the EPUB and HTML readers
 * may ask the same of their chapters. */
bool parse_note_chapter(const char *text, size_t from, size_t to, const char *title);

/* Emphasis inside one paragraph [s, s+n): fills cls[i] for every byte with
 * MARKUP_* bits: a marker byte (the `*` or `_` of `*word*` / `_word_`, the
 * backslash of a Markdown escape `\'` `\*` before ASCII punctuation, see
 * uch_escapable) gets MARKUP_HIDDEN, the bytes between gets MARKUP_ITALIC
 * (MARKUP_BOLD for `**`; the converter's markers below).
 * Linear in n whatever the nesting.  A lone or unmatched
 * `*`/`_`, an intra-word `snake_case`, or a `*` used as a footnote mark keeps
 * class 0 and is shown. */
enum { MARKUP_ITALIC = 1, MARKUP_HIDDEN = 2, MARKUP_BOLD = 4, MARKUP_UNDERLINE = 8,
       MARKUP_STRIKE = 16 };
void markup_scan(const char *s, size_t n, uint8_t *cls);

/* Underline and strikethrough, which the TXT dialect has no marker for:
 * the EPUB/HTML converter (html.c, for <u>, <s>, <del>, ...) writes one of
 * these control characters before the text and its closer after it.
 * markup_scan pairs an opener with the next closer of its kind when no
 * letter or digit comes right before the opener nor right after the
 * closer (a span that starts or ends inside a word is dropped, so the
 * words stay whole), hides both and gives the bytes between
 * MARKUP_UNDERLINE or MARKUP_STRIKE.  They are no text: layout, --render
 * and the words never show or count them.  A TXT story has no use for
 * control characters (decode.c counts them as signs of a binary file); one
 * that holds such a pair anyway is drawn underlined or struck. */
#define MARKUP_U_ON '\x0E'    /* SO */
#define MARKUP_U_OFF '\x0F'   /* SI */
#define MARKUP_S_ON '\x1C'    /* FS */
#define MARKUP_S_OFF '\x1D'   /* GS */

/* Is this line (without terminator) an explicit scene-break marker line
 * (`***`, `* * *`, `~~~`, `---`, `oOo`, `xXx`, `#`, `§`, `⁂`, ...)? */
bool parse_is_break_line(const char *s, size_t n);

/* Is this line a chapter heading?  If so, and num/title are not NULL, sets
 * *num (PARSE_* or the number) and *title (malloc'd display title). */
bool parse_is_heading(const char *s, size_t n, int *num, char **title);

#endif
