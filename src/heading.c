/* heading.c — which lines are chapter headings, as a table of forms.  See
 * parse_int.h.
 *
 * Each row of `forms` below is one grammar a heading line can follow: an
 * example, the language of its fixed words, what it yields (the kind of
 * heading; how its number is written; whether a title follows) and the
 * function that recognises it.  heading_classify() strips decoration
 * ("## Chapter 1", "**Chapter I: …**", "~Chapter 2~") and walks the table:
 * the first row whose recogniser accepts the line decides.  The words the
 * rows need (chapter words, number words in each language) are in
 * heading_words.c.  To add a heading style, add a row here; to add a
 * language, add a row there. */
#include "parse_int.h"
#include "uchar.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unictype.h>

/* How a form writes its number. */
enum hnum {
    HN_CJK,       /* a Chinese numeral between 第 and a counter: 第一百二十回 */
    HN_ARABIC,    /* 1-999, starting the line */
    HN_ROMAN,     /* an upper-case roman numeral 1-300, starting the line */
    HN_KEYWORD,   /* after the opening word: arabic (#12 too), roman in any case, or words */
    HN_OWN,       /* the opening word's own (Prologue sorts first, Epilogue last) */
    HN_WORDS,     /* number words before a part word: FIRST EPILOGUE, PREMIÈRE PARTIE */
};

/* Whether a title follows the number. */
enum htitle {
    HT_NONE,      /* nothing, or only . : ) */
    HT_MAY,       /* a separator and a title, or a space and a capitalised title, or nothing */
    HT_NEED,      /* a separator, a space and a capitalised title that is not a sentence */
};

/* The line being classified, and what every row asks of its first word
 * (looked up once). */
struct hline {
    const char *s;
    size_t a, b;               /* the line, trimmed, decoration stripped */
    bool latin;                /* it starts with an ASCII letter */
    size_t e;                  /* the end of its first word (of letters, any script), or a */
    int roman;                 /* the first word as an upper-case roman numeral, or -1 */
    const struct hw_word *w;   /* the first word as a heading word, or NULL */
};

struct heading_form;
/* Does line l follow form f?  If so sets h->num and h->has_title (a false
 * return leaves them to the next row). */
typedef bool heading_recognise_fn(const struct hline *l, const struct heading_form *f,
                                  struct hinfo *h);

/* One heading grammar: a row of the table.  `num` and `title` say what the
 * row yields; numeral_form reads them (arabic or roman, bare or titled),
 * the other recognisers have one number form each.  Rows are tried in
 * order and the first that accepts decides; no line is accepted by two of
 * today's rows, so a new row that overlaps another decides by its place. */
struct heading_form {
    const char *example;     /* a line of this form */
    const char *lang;        /* language of its words: a heading_words.c row, or NULL
                                for the words of every row */
    int kind;                /* what it yields: enum hkind */
    enum hnum num;           /* how its number is written */
    enum htitle title;       /* whether a title follows */
    int opener;              /* the heading word that opens it (enum hw_type), or 0 */
    const char *prefix;      /* HN_CJK: what comes before the number (第, 제), or "" */
    const char *counters;    /* HN_CJK: the counter characters after the number */
    heading_recognise_fn *recognise;
};

static heading_recognise_fn counter_form, numeral_form, keyword_form, alone_form,
    ordinal_form, words_form;

/* The counted forms: a prefix, a number, a counter character. */
#define ZH_CH    "回章節节集幕話话"   /* chapter counters: 第三回 第3章 第3話 */
#define ZH_PT    "卷部篇"             /* part counters: 第一卷 */

static const struct heading_form forms[] = {
    /* example,            lang, yields,     number,     title,   opener,     prefix, counters, recogniser */
    {"第一回",            "zh", H_CJK,      HN_CJK,     HT_MAY,  0,          "第", ZH_CH,  counter_form},
    {"第一卷",            "zh", H_PART,     HN_CJK,     HT_MAY,  0,          "第", ZH_PT,  counter_form},
    {"제3장",             "ko", H_CJK,      HN_CJK,     HT_MAY,  0,          "제", "장화", counter_form},
    {"3장",               "ko", H_CJK,      HN_CJK,     HT_MAY,  0,          "",   "장화", counter_form},
    {"제1부",             "ko", H_PART,     HN_CJK,     HT_MAY,  0,          "제", "부",   counter_form},
    {"3話",               "ja", H_CJK,      HN_CJK,     HT_MAY,  0,          "",   "話",   counter_form},
    {"12.",               NULL, H_BARE,     HN_ARABIC,  HT_NONE, 0,          NULL, NULL,   numeral_form},
    {"12. The Guild",     NULL, H_NUMTITLE, HN_ARABIC,  HT_NEED, 0,          NULL, NULL,   numeral_form},
    {"XII.",              NULL, H_BARE,     HN_ROMAN,   HT_NONE, 0,          NULL, NULL,   numeral_form},
    {"VII. THE GUILD",    NULL, H_NUMTITLE, HN_ROMAN,   HT_NEED, 0,          NULL, NULL,   numeral_form},
    {"TWELVE",            NULL, H_BARE,     HN_WORDS,   HT_NONE, 0,          NULL, NULL,   words_form},
    {"Chapter 12: Guild", NULL, H_CHAPTER,  HN_KEYWORD, HT_MAY,  HW_CHAPTER, NULL, NULL,   keyword_form},
    {"BOOK ONE: 1805",    NULL, H_PART,     HN_KEYWORD, HT_MAY,  HW_PART,    NULL, NULL,   keyword_form},
    {"Prologue",          NULL, H_WORD,     HN_OWN,     HT_MAY,  HW_ALONE,   NULL, NULL,   alone_form},
    {"Первая глава: Имя", NULL, H_CHAPTER,  HN_WORDS,   HT_MAY,  HW_CHAPTER, NULL, NULL,   ordinal_form},
    {"FIRST EPILOGUE",    NULL, H_PART,     HN_WORDS,   HT_MAY,  0,          NULL, NULL,   ordinal_form},
};
#define N_FORMS (sizeof forms / sizeof forms[0])

#define EN_DASH "\xE2\x80\x93"
#define EM_DASH "\xE2\x80\x94"

/* Do the 3 bytes at s spell an en or em dash? */
static bool is_long_dash(const char *s)
{
    return memcmp(s, EN_DASH, 3) == 0 || memcmp(s, EM_DASH, 3) == 0;
}

/* A title after a heading's number: short, not ending in , or ; */
static bool title_ok(const char *s, size_t a, size_t b, size_t max_words)
{
    if (b <= a)
        return true;
    if (b - a > 160 || uch_count_spaced(s, a, b) > max_words)
        return false;
    uint32_t e = uch_last(s, a, b);
    return e != ',' && e != ';';
}

/* After a number at s[p]: nothing, a separator (. : ) - – —) and an
 * optional title, or a space and a capitalised title.  Sets has_title. */
static bool heading_rest(const char *s, size_t p, size_t b, bool *has_title, size_t max_words)
{
    size_t q = p, k;
    bool spaced = false;
    while (q < b && (k = uch_space_at(s, q, b)) > 0) {
        q += k;
        spaced = true;
    }
    *has_title = false;
    if (q >= b)
        return true;
    uint32_t c;
    size_t cl = uch_decode(s, q, b, &c);
    if (c == '.' || c == ':' || c == ')' || c == '-' || c == 0x2013 || c == 0x2014 || c == 0xFF1A ||
        c == 0x3001 || c == ',' || ((c == '|' || c == '~') && spaced)) {
        if (c == ',' && !spaced)
            return false;
        q += cl;
        while (q < b && (s[q] == '-' || s[q] == '.'))
            q++;
        while (q < b && (k = uch_space_at(s, q, b)) > 0)
            q += k;
        *has_title = q < b;
        return title_ok(s, q, b, max_words);
    }
    if (!spaced)
        return false;
    if (!(uch_is_upper(c) || (c >= '0' && c <= '9') || uch_is_quote(c, UCH_Q_ANY) || c == '(' ||
          (c >= 0x80 && !uc_is_lower(c))))
        return false;
    *has_title = true;
    return title_ok(s, q, b, max_words);
}

/* Parse the number after a keyword at s[*p]: arabic, roman (any case) or
 * words.  -1 if none. */
static int keyword_number(const char *s, size_t *p, size_t b)
{
    size_t q = *p;
    if (q < b && s[q] == '#')
        q++;
    if (q < b && uch_is_digit(s[q])) {
        long v = 0;
        size_t st = q;
        while (q < b && uch_is_digit(s[q]) && q - st < 7)
            v = v * 10 + (s[q++] - '0');
        if (q < b && uch_is_digit(s[q]))
            return -1;
        /* "Chapter 1a"/"Chapter 3rd": a letter glued on is not a heading */
        if (q < b && ((s[q] | 0x20) >= 'a' && (s[q] | 0x20) <= 'z'))
            return -1;
        *p = q;
        return (int)v;
    }
    size_t e = hw_word_end(s, q, b);
    if (e == q)
        return -1;
    int r = hw_roman(s, q, e);
    if (r > 0) {
        *p = e;
        return r;
    }
    size_t w = q;
    int v = hw_number_words(s, &w, b);
    if (v > 0) {
        *p = w;
        return v;
    }
    return -1;
}


/* ---- the recognisers ---- */

/* Does the UTF-8 string set hold the character c? */
static bool in_set(const char *set, uint32_t c)
{
    size_t n = strlen(set);
    for (size_t i = 0; i < n;) {
        uint32_t x;
        i += uch_decode(set, i, n, &x);
        if (x == c)
            return true;
    }
    return false;
}

/* A prefix (第, 제 or nothing), a number, a counter (回, 章, 장), then
 * nothing or a separator and a title.  Spaces may stand around the
 * number: 第 3 章, 제 3 장. */
static bool counter_form(const struct hline *l, const struct heading_form *f, struct hinfo *h)
{
    const char *s = l->s;
    size_t a = l->a, b = l->b, k = strlen(f->prefix);
    if (b - a < k + 2 || memcmp(s + a, f->prefix, k) != 0)
        return false;
    size_t p = a + k, sp;
    while (k && p < b && (sp = uch_space_at(s, p, b)) > 0)
        p += sp;
    if (!k && !(uch_is_digit(s[p]) || (unsigned char)s[p] == 0xEF))
        return false;           /* no prefix: ASCII or full-width digits only (3장) */
    int v = hw_cjk_number(s, &p, b);
    if (v < 0 || p >= b)
        return false;
    while (k && p < b && (sp = uch_space_at(s, p, b)) > 0)
        p += sp;
    if (p >= b)
        return false;
    uint32_t u;
    p += uch_decode(s, p, b, &u);
    if (!in_set(f->counters, u))
        return false;
    if (p < b) {
        uint32_t nx;
        uch_decode(s, p, b, &nx);
        if (!(uch_space_at(s, p, b) || nx == 0xFF1A || nx == ':' || nx == 0x3001 || nx == 0xFF0E ||
              nx == '.' || nx == 0x300C || nx == 0x300E || nx == 0x3010 || nx == 0xFF08 ||
              nx == '('))
            return false;       /* 第四回中… is prose */
        if (b - a > 200)
            return false;
        h->has_title = true;
    }
    h->num = v;
    return true;
}

/* The number a numeral form starts with: sets *p after it; -1 if none. */
static int numeral_at(const struct hline *l, enum hnum num, size_t *p)
{
    const char *s = l->s;
    size_t a = l->a, b = l->b, e = l->e;
    if (num == HN_ROMAN) {
        /* upper case, and only before the end or . : ) ("I am" is no numeral) */
        if (!l->latin || l->roman <= 0 || l->roman > 300 ||
            !(e == b || s[e] == '.' || s[e] == ':' || s[e] == ')'))
            return -1;
        *p = e;
        return l->roman;
    }
    size_t q = a;
    long v = 0;
    while (q < b && uch_is_digit(s[q]) && q - a < 5)
        v = v * 10 + (s[q++] - '0');
    if (q == a || (q < b && uch_is_digit(s[q])) || v <= 0 || v > 999)
        return -1;
    *p = q;
    return (int)v;
}

/* " - ", " – ", " — " at s[p]: the offset of the space after the
 * dash, or 0. */
static size_t spaced_dash(const char *s, size_t p, size_t b)
{
    if (p >= b || s[p] != ' ')
        return 0;
    size_t q = p + 1;
    if (q < b && s[q] == '-')
        q++;
    else if (b - q >= 3 && is_long_dash(s + q))
        q += 3;
    else
        return 0;
    return q < b && s[q] == ' ' ? q : 0;
}

/* A numeral alone or with . : ) (HT_NONE), or followed by . : ) and a
 * capitalised title that is not a sentence (HT_NEED). */
static bool numeral_form(const struct hline *l, const struct heading_form *f, struct hinfo *h)
{
    const char *s = l->s;
    size_t b = l->b;
    size_t p;
    int v = numeral_at(l, f->num, &p);
    if (v < 0)
        return false;
    h->num = v;
    bool sep = p < b && (s[p] == '.' || s[p] == ':' || s[p] == ')');
    if (f->title == HT_NONE)
        return p == b || (sep && p + 1 == b);
    size_t dash = spaced_dash(s, p, b);
    if (dash) {
        p = dash - 1;           /* "12 - The Guild", "12 – The Guild" */
        sep = true;
    }
    if (!sep || p + 1 == b)
        return false;
    p++;
    size_t q = p, k;
    while (q < b && (k = uch_space_at(s, q, b)) > 0)
        q += k;
    if (q == p || q >= b)
        return false;
    uint32_t c;
    uch_decode(s, q, b, &c);
    if (!(uch_is_upper(c) || uch_is_quote(c, UCH_Q_ANY)))
        return false;
    if (b - q > 100 || uch_count_spaced(s, q, b) > 12)
        return false;
    uint32_t e = uch_last(s, q, b);
    if (e == '.' || e == ',' || e == ';' || e == ':')
        return false;
    h->has_title = true;
    return true;
}

/* The line's first word when it is a heading word of the form's opening
 * class and language; sets *e after it. */
static const struct hw_word *opening_word(const struct hline *l, const struct heading_form *f,
                                          size_t *e)
{
    const struct hw_word *w = l->w;
    if (!w || w->type != f->opener || (f->lang && strcmp(f->lang, w->lang) != 0))
        return NULL;
    *e = l->e;
    return w;
}

/* A chapter or part word, a number, an optional title: "Chapter 12: The
 * Guild", "CHAPTER XII.", "Chapter the First", "BOOK ONE: 1805". */
static bool keyword_form(const struct hline *l, const struct heading_form *f, struct hinfo *h)
{
    const char *s = l->s;
    size_t b = l->b;
    size_t q;
    if (!opening_word(l, f, &q))
        return false;
    if (q < b && s[q] == '.')
        q++;
    if (q >= b || (uch_space_at(s, q, b) == 0 && !uch_is_digit(s[q])))
        return false;           /* "Chapter 12", "Ch.12", "Chapter12" */
    while (q < b && uch_space_at(s, q, b))
        q += uch_space_at(s, q, b);
    size_t q2 = hw_word_end(s, q, b);
    const struct hw_word *th = hw_lookup(s, q, q2);
    if (th && th->type == HW_ARTICLE && q2 < b && s[q2] == ' ')
        q = q2 + 1;                     /* Chapter the First */
    int v = keyword_number(s, &q, b);
    if (v < 0)
        return false;
    if (b - q > 4 && memcmp(s + q, " of ", 4) == 0 && uch_is_digit(s[q + 4])) {
        size_t r = q + 4;       /* "Chapter 3 of 12" */
        while (r < b && uch_is_digit(s[r]))
            r++;
        q = r;
    }
    if (!heading_rest(s, q, b, &h->has_title, 15))
        return false;
    h->num = v;
    return true;
}

/* Number words alone, capitalised: "ONE", "Twenty-One". */
static bool words_form(const struct hline *l, const struct heading_form *f, struct hinfo *h)
{
    const char *s = l->s;
    size_t a = l->a, b = l->b, q = a;
    if (!l->latin || !uch_is_upper_ascii(s[a]) || !l->w || l->e - a < 3 ||
        (l->w->type != HW_NUMBER && l->w->type != HW_TENS))
        return false;           /* "Um" and "Un" are more often words */
    int v = hw_number_words(s, &q, b);
    if (v <= 0)
        return false;
    if (q != b)
        return false;           /* "Three." is a line of dialogue more often */
    h->num = v;
    return true;
}

/* A word that is a heading of its own: "Prologue", "Epilogue: After". */
static bool alone_form(const struct hline *l, const struct heading_form *f, struct hinfo *h)
{
    const char *s = l->s;
    size_t b = l->b;
    size_t e;
    const struct hw_word *w = opening_word(l, f, &e);
    if (!w || !heading_rest(s, e, b, &h->has_title, 15))
        return false;
    h->num = w->val;
    return true;
}

/* Number words, then a part word or a numbered heading word: "FIRST
 * EPILOGUE: 1813 - 20", "SECOND EPILOGUE", "PREMIÈRE PARTIE"; or, in the
 * row whose opener is HW_CHAPTER, a chapter word, then nothing or a
 * separator and a title: "Первая глава", "Birinci Bölüm: Yol" ("One
 * Chapter Later" is prose). */
static bool ordinal_form(const struct hline *l, const struct heading_form *f, struct hinfo *h)
{
    const char *s = l->s;
    size_t a = l->a, b = l->b;
    if (!l->w || (l->w->type != HW_NUMBER && l->w->type != HW_TENS))
        return false;
    size_t q = a;
    int v = hw_number_words(s, &q, b);
    if (v <= 0 || q >= b || s[q] != ' ')
        return false;
    size_t w2 = q + 1, we = hw_word_end(s, w2, b);
    const struct hw_word *k = hw_lookup(s, w2, we);
    if (!k)
        return false;
    bool numbered_word = k->type == HW_PART || (k->type == HW_ALONE && k->val != PARSE_NO_NUMBER);
    if (f->opener == HW_CHAPTER ? k->type != HW_CHAPTER : !numbered_word)
        return false;
    if (f->lang && strcmp(f->lang, k->lang) != 0)
        return false;
    if (!heading_rest(s, we, b, &h->has_title, 15))
        return false;
    if (f->opener == HW_CHAPTER && h->has_title) {
        size_t q2 = we, sp;
        while (q2 < b && (sp = uch_space_at(s, q2, b)) > 0)
            q2 += sp;
        uint32_t c;
        uch_decode(s, q2, b, &c);
        if (!(c == '.' || c == ':' || c == '-' || c == 0x2013 || c == 0x2014 || c == 0xFF1A))
            return false;
    }
    h->num = v;
    return true;
}

/* ---- the walk ---- */

int heading_markdown(const char *s, size_t n, struct hinfo *h)
{
    size_t a = 0, b = n;
    uch_trim(s, &a, &b);
    size_t q = a;
    while (q < b && s[q] == '#')
        q++;
    int level = (int)(q - a);
    if (level < 1 || level > 6 || q >= b || s[q] != ' ')
        return 0;
    while (b > q && (s[b - 1] == '#' || s[b - 1] == ' '))
        b--;                    /* "## Title ##" */
    uch_trim(s, &q, &b);
    if (b <= q || b - q > 120 || uch_count_spaced(s, q, b) > 15 ||
        parse_is_break_line(s + q, b - q))
        return 0;
    uint32_t e = uch_last(s, q, b);
    if (e == ',' || e == ';' || uc_is_lower(uch_first(s, q, b)))
        return 0;               /* "# not a heading": a title starts with a capital */
    memset(h, 0, sizeof *h);
    *h = (struct hinfo){H_MD, PARSE_NO_NUMBER, q, b, true, level};
    return level;
}

bool heading_is_deco(char c)
{
    return c == '#' || c == '*' || c == '_' || c == '=' || c == '~';
}

/* A heading enclosed in brackets or between dashes: "[Chapter 1]",
 * "【第3章】", "- Chapter 1 -", "-- Chapter 1 --", "— Chapter 1 —".
 * Narrows [*a, *b) to what is inside (trimmed). */
static void strip_enclosing(const char *s, size_t *a, size_t *b)
{
    size_t x = *a, y = *b;
    if (y - x >= 3 && s[x] == '[' && s[y - 1] == ']') {
        x++;
        y--;
    } else if (y - x >= 7 && memcmp(s + x, "\xE3\x80\x90", 3) == 0 &&   /* 【 】 */
               memcmp(s + y - 3, "\xE3\x80\x91", 3) == 0) {
        x += 3;
        y -= 3;
    } else {
        size_t dx = x, dy = y;
        while (dx < y && (s[dx] == '-' || (y - dx >= 3 && is_long_dash(s + dx))))
            dx += s[dx] == '-' ? 1 : 3;
        while (dy > dx && (s[dy - 1] == '-' || (dy - dx >= 3 && is_long_dash(s + dy - 3))))
            dy -= s[dy - 1] == '-' ? 1 : 3;
        /* dashes on both sides, each followed/preceded by a space */
        if (dx == x || dy == y || dx >= dy || s[dx] != ' ' || s[dy - 1] != ' ')
            return;
        x = dx;
        y = dy;
    }
    uch_trim(s, &x, &y);
    if (x < y) {
        *a = x;
        *b = y;
    }
}

/* Could a line whose text (decoration stripped) starts with byte c0 and
 * whose first word is l follow any row of `forms`?  Every row needs one of:
 * a digit first (the arabic numerals, 3장, 3話), a byte of UTF-8 first (第,
 * 제, full-width digits, a heading word in another script), an upper-case
 * roman numeral first word, or a first word that is a heading word.  A
 * line with none of these is refused without walking the rows. */
static bool may_be_heading(unsigned char c0, const struct hline *l)
{
    return uch_is_digit((char)c0) || c0 >= 0x80 || l->w || l->roman > 0;
}

/* heading_classify(), with `quick`: refuse the lines may_be_heading()
 * refuses before walking the table (the same answers; the unit test
 * compares both on every line of its corpora). */
static int classify(const char *s, size_t n, struct hinfo *h, bool quick)
{
    size_t a = 0, b = n;
    memset(h, 0, sizeof *h);
    h->num = PARSE_NO_NUMBER;
    uch_trim(s, &a, &b);
    if (b <= a || b - a > 240)
        return H_NONE;
    strip_enclosing(s, &a, &b);
    /* Markdown and decoration: "## Chapter 1", "**Chapter I: …**", "~Chapter 2~". */
    while (a < b && heading_is_deco(s[a])) {
        a++;
        while (a < b && s[a] == ' ')
            a++;
    }
    while (b > a && (heading_is_deco(s[b - 1]) || s[b - 1] == ' '))
        b--;
    if (b <= a)
        return H_NONE;
    h->a = a;
    h->b = b;
    struct hline l = {s, a, b, false, a, -1, NULL};
    unsigned char c0 = (unsigned char)s[a];
    l.latin = (c0 | 0x20) >= 'a' && (c0 | 0x20) <= 'z';
    if (l.latin || c0 >= 0x80)
        l.e = hw_word_end(s, a, b);
    if (l.e > a) {
        l.roman = uch_is_upper_ascii((char)c0) ? hw_roman(s, a, l.e) : -1;
        l.w = hw_lookup(s, a, l.e);
    }
    if (quick && !may_be_heading(c0, &l))
        return H_NONE;
    for (size_t i = 0; i < N_FORMS; i++) {
        struct hinfo try = *h;
        if (forms[i].recognise(&l, &forms[i], &try)) {
            *h = try;
            h->kind = forms[i].kind;
            return h->kind;
        }
    }
    return H_NONE;
}

int heading_classify(const char *s, size_t n, struct hinfo *h)
{
    return classify(s, n, h, true);
}

int heading_classify_full(const char *s, size_t n, struct hinfo *h)
{
    return classify(s, n, h, false);
}

bool parse_is_heading(const char *s, size_t n, int *num, char **title)
{
    struct hinfo h;
    if (heading_classify(s, n, &h) == H_NONE)
        return false;
    if (num)
        *num = h.num;
    if (title)
        *title = heading_title(s, h.a, h.b);
    return true;
}

/* ---- display titles ---- */

/* A copy of s[a, b) with white-space runs folded to one space (one U+3000
 * when the run holds one), trimmed. */
char *heading_tidy(const char *s, size_t a, size_t b)
{
    uch_trim(s, &a, &b);
    char *out = xmalloc(b - a + 1);
    size_t o = 0;
    bool ideo = false, pending = false;
    for (size_t i = a; i < b;) {
        size_t k = uch_space_at(s, i, b);
        if (k) {
            if (k == 3 && (unsigned char)s[i] == 0xE3)
                ideo = true;
            pending = true;
            i += k;
            continue;
        }
        if (pending) {
            if (ideo && o + 3 <= b - a) {
                memcpy(out + o, "\xE3\x80\x80", 3);
                o += 3;
            } else {
                out[o++] = ' ';
            }
            pending = ideo = false;
        }
        out[o++] = s[i++];
    }
    out[o] = '\0';
    return out;
}

/* A display title from s[a, b): tidied, with emphasis markers removed
 * ("_To Mrs. Saville_" -> "To Mrs. Saville"). */
char *heading_title(const char *s, size_t a, size_t b)
{
    char *t = heading_tidy(s, a, b);
    size_t n = strlen(t);
    uint8_t *cls = xmalloc(n + 1);
    markup_scan(t, n, cls);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (cls[i] & MARKUP_HIDDEN)
            continue;   /* emphasis markers, a Markdown escape's backslash */
        t[o++] = t[i];
    }
    while (o > 0 && (t[o - 1] == ':' || t[o - 1] == ' '))
        o--;            /* "Interlude II:" */
    t[o] = '\0';
    free(cls);
    return t;
}
