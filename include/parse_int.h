/* parse_int.h — declarations shared by the parser's files, private to them
 * (src/heading.c, src/heading_words.c, src/matter.c, src/parse_text.c,
 * src/announce.c, src/parse_blocks.c).  The contract for everyone else is
 * parse.h.
 *
 *   heading_words.c  hw_       the words and numerals headings are written
 *                              in: one row per language
 *   heading.c        heading_  the heading forms (a table of recognisers),
 *                              display titles
 *   matter.c         matter_   front and back matter: disclaimers, notes,
 *                              pleas for reviews, per-chapter preambles
 *   parse_text.c     parse_    a whole file: chapters
 *   announce.c       parse_    a whole file: its announcement (title, author)
 *   parse_blocks.c   parse_    one chapter's blocks
 * (break_line.c, scene-break lines, uses only parse_trim here; markup.c,
 * emphasis, needs only parse.h.) */
#ifndef QUIRE_PARSE_INT_H
#define QUIRE_PARSE_INT_H

#include "parse.h"
#include "uchar.h"

#include <stdbool.h>
#include <stddef.h>

/* ---- heading_words.c ---- */

/* What a heading word is (the field of heading_words.c's language table it
 * comes from). */
enum hw_type {
    HW_CHAPTER = 1, /* opens a chapter heading before its number: Chapter 12 */
    HW_PART,        /* opens a part heading: Book One, Partie II */
    HW_ALONE,       /* a heading of its own: Prologue, Epilogue, Interlude */
    HW_ARTICLE,     /* may stand between the word and the number: Chapter the First */
    HW_NUMBER,      /* a number: twelve, Third, Première */
    HW_TENS,        /* a number a unit may follow: Twenty-One */
};

struct hw_word {
    const char *w;      /* lower case UTF-8 */
    int type;           /* enum hw_type */
    int val;            /* HW_NUMBER/HW_TENS: the number; HW_ALONE: PARSE_* */
    const char *lang;   /* the language row it comes from ("en") */
};

/* The longest heading word, in bytes of UTF-8 (lower case). */
#define HW_MAX_WORD 40

/* The word s[a, e) (case folded in every script), or NULL. */
const struct hw_word *hw_lookup(const char *s, size_t a, size_t e);
/* Checks on heading_words.c's table, for the unit test: how many words
 * two rows give different meanings (type or value; *msg names the first),
 * whether a word is written in lower case as it must be, and the sorted
 * words one by one (i < hw_n_words()). */
size_t hw_conflicts(char *msg, size_t size);
bool hw_is_lower(const char *w);
size_t hw_n_words(void);
const struct hw_word *hw_word_at(size_t i);
/* End of the alphabetic word starting at s[a] (ASCII and UTF-8 letters). */
size_t hw_word_end(const char *s, size_t a, size_t b);
/* A number in words at s[*p] ("twelve", "Twenty-One", "twenty one",
 * "Third", "Première"); advances *p past it.  -1 if none. */
int hw_number_words(const char *s, size_t *p, size_t b);
/* A Chinese numeral at s[*p]: positional (二十三, 一百二十) or digit by
 * digit (一一六), ASCII and full-width digits too; advances *p.  -1 if none. */
int hw_cjk_number(const char *s, size_t *p, size_t b);
/* The canonical roman numeral s[a, b) (one case throughout), or -1. */
int hw_roman(const char *s, size_t a, size_t b);

/* ---- heading.c ---- */

enum hkind {
    H_NONE,
    H_CHAPTER,   /* keyword + number: Chapter 12, CHAPTER XII., Letter 1, ADVENTURE I. */
    H_WORD,      /* Prologue, Epilogue, Interlude, Preface ... */
    H_CJK,       /* 第一回 */
    H_NUMTITLE,  /* VII. THE ADVENTURE OF THE BLUE CARBUNCLE */
    H_BARE,      /* I / II. / 12 */
    H_PART,      /* BOOK ONE: 1805, PART II, FIRST EPILOGUE, PREMIÈRE PARTIE, 第一卷 */
    H_SPECIAL,   /* decided by context: FanFicFare tab heading, announced chapter title */
    H_MD,        /* a Markdown heading with no chapter word: ## The Guild (heading_markdown) */
};

struct hinfo {
    int kind;          /* enum hkind */
    int num;           /* PARSE_* or the heading's number */
    size_t a, b;       /* the heading text (decoration stripped) */
    bool has_title;    /* words after the number */
    int level;         /* the line's Markdown heading level (## is 2), or 0 */
};

/* Classify one line s[0, n) (no terminator): which heading form it is, or
 * H_NONE.  Pure: looks at nothing else.  Fills *h (offsets relative to s). */
int heading_classify(const char *s, size_t n, struct hinfo *h);
/* heading_classify() walking every row of its table for every line, with
 * no quick refusal first: the reference the unit test compares it with. */
int heading_classify_full(const char *s, size_t n, struct hinfo *h);
/* Is line s[0, n) a Markdown heading, "## The Guild" (1 to 6 #, a space,
 * a short title not starting in lower case)?  Returns its level and fills *h (kind H_MD, the title
 * span, level), or 0.  Called for lines heading_classify() refuses. */
int heading_markdown(const char *s, size_t n, struct hinfo *h);
/* Decoration around a heading: # * _ = ~ */
bool heading_is_deco(char c);
/* A copy of s[a, b) with white-space runs folded to one space (one U+3000
 * when the run holds one), trimmed.  malloc'd. */
char *heading_tidy(const char *s, size_t a, size_t b);
/* A display title from s[a, b): tidied, emphasis markers and Markdown
 * escapes removed, a trailing colon dropped.  malloc'd. */
char *heading_title(const char *s, size_t a, size_t b);

/* ---- matter.c ---- */

/* Does paragraph t[a, b) begin like front matter (disclaimer, author's
 * note, summary, rating, ...) / like a closing note (A/N, plea for
 * reviews)? */
bool matter_is_front(const char *t, size_t a, size_t b);
bool matter_is_back(const char *t, size_t a, size_t b);
/* Where the leading front matter of t[from, end) ends (from when none). */
size_t matter_front_end(const char *t, size_t from, size_t end);
/* Where the closing notes of t[from, end) start (end when none). */
size_t matter_back_start(const char *t, size_t from, size_t end);
/* Where a chapter's preamble written before its heading starts in
 * t[lo, start), or start. */
size_t matter_preamble_start(const char *t, size_t lo, size_t start);


/* ---- parse_text's shared state (parse_text.c, announce.c) ---- */

/* A line that may be a heading, with what follows it. */
struct cand {
    size_t off, line_end, next;  /* line start, end (no terminator), next line */
    struct hinfo h;
    bool blank_before, blank_after;
    size_t content_bytes, content_lines; /* prose after it, to the next candidate */
    bool keep;
};

struct scan {
    const char *t;
    size_t len;
    struct cand *c;
    size_t n, cap;
    size_t pre_bytes, pre_lines;  /* prose before the first candidate */
    size_t n_lines, n_blank;
    size_t pg_start, pg_end;      /* after the START line; start of the footer */
    bool pg;
    size_t title_a, title_b, author_a, author_b; /* Title:/Author: fields */
    size_t title_line;            /* line number of the Title: field */
    size_t fff_end;               /* "End file." line, or len */
};

/* The first non-blank lines of a file (within its first 1,000 lines),
 * with the blank lines before each. */
struct top_line {
    size_t a, b, ta, tb, next;
    int blanks_before;
};

/* announce.c: the lines at the top of a file that announce its story. */
int parse_top_lines(const char *t, size_t len, struct top_line *tl, int max);
/* The index in tl of a FanFicFare title page's "by Author" line (the
 * second non-blank line, the third under a title wrapped over two), or 0. */
int parse_fff_by_line(const char *text, const struct top_line *tl, int n);
/* Could t[a, b) be a title: at most max_bytes and max_words, not prose? */
bool parse_titleish(const char *t, size_t a, size_t b, size_t max_bytes, size_t max_words);
/* A `Label: value` metadata line (`Status: Completed`)? */
bool parse_is_label_line(const char *t, size_t a, size_t b);
/* Title and author announced at the top: sets r->title and r->author and
 * returns where the text proper starts (after the announcement), or 0;
 * *ch_title_line: the start of a chapter-title line, or (size_t)-1. */
size_t parse_announce(const char *t, size_t len, const struct scan *sc, struct parse_result *r,
                      bool fff, size_t *ch_title_line);

/* ---- the per-line passes (parse_text.c, parse_blocks.c) ---- */

/* uch_trim with its common case inline: a line whose first and last bytes
 * are ASCII and not white space (nor control characters) is trimmed
 * already.  The same result as uch_trim(s, a, b) always. */
static inline void parse_trim(const char *s, size_t *a, size_t *b)
{
    if (*a < *b) {
        unsigned char f = (unsigned char)s[*a], l = (unsigned char)s[*b - 1];
        if (f > ' ' && f < 0x80 && l > ' ' && l < 0x80)
            return;
    }
    uch_trim(s, a, b);
}

/* parse_is_break_line with a memo of the last line asked (up to 16 bytes;
 * the pointer into a text that outlives the memo): a run of equal lines,
 * "***" again and again, is answered once.  Start from {0}. */
struct parse_brk_memo {
    const char *s;
    size_t n;
    bool brk;
};
static inline bool parse_break_memo(struct parse_brk_memo *m, const char *s, size_t n)
{
    if (m->s && n == m->n && (n == 0 || s[n - 1] == m->s[n - 1])) {   /* ("Chapter 12") */
        size_t i = 0;
        while (i < n && s[i] == m->s[i])
            i++;
        if (i == n)
            return m->brk;
    }
    m->brk = parse_is_break_line(s, n);
    m->s = n <= 16 ? s : NULL;
    m->n = n;
    return m->brk;
}

/* parse_blocks.c: the line feeds in s[0, n) (read_lines sizes its array
 * by them). */
size_t parse_count_lf(const char *s, size_t n);

/* Is c (a byte) an ASCII letter or digit?  uch_is_alnum for the first
 * byte of a character when it is ASCII; a lead byte (>= 0x80) is not. */
static inline bool parse_ascii_alnum(unsigned char c)
{
    unsigned char l = c | 0x20;
    return (l >= 'a' && l <= 'z') || (c >= '0' && c <= '9');
}

#endif
