/* parse.c — a story's structure in one decoded text.  See parse.h.
 *
 * parse_text() makes one pass over the lines.  Cheap tests pick out the few
 * lines that could be headings (short, starting with a keyword, a numeral or
 * 第); everything else only adds to a "content" count for the heading before
 * it.  The chapter structure is then decided on that short list:
 *
 *   - Heading forms are ranked.  Keyword headings (`Chapter 12`, `Letter 1`,
 *     `ADVENTURE I.`, `第一回`) and numeral-plus-title headings (`VII. THE
 *     ADVENTURE OF…`) are chapters.  Bare numerals (`I.`, `II`) are chapters
 *     only when nothing stronger is present (Die Verwandlung, Madame Bovary);
 *     otherwise they are sub-parts inside a chapter (Sherlock Holmes).  Part
 *     headings (`BOOK ONE: 1805`, `PREMIÈRE PARTIE`, `FIRST EPILOGUE`) open
 *     the chapter that follows them and prefix its title.
 *   - A heading with (almost) no text before the next heading is not a
 *     chapter: a run of them is a table of contents (front matter), a part
 *     heading, or a repeated heading (Hong Lou Meng has one).
 *   - Weak forms (bare numerals, numeral + title, part headings) must stand
 *     alone between blank lines; keyword forms need a blank on one side (or
 *     none in a text without blank lines); 第…回 needs nothing.
 *   - The Project Gutenberg header (to `*** START OF`) and footer (from
 *     `*** END OF` / `End of the Project Gutenberg`) are front and back
 *     matter.  FanFicFare TXT files use their own tab-indented headings.
 *
 * parse_blocks() works on one chapter at a time and is described there. */
#include "parse.h"
#include "decode.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unictype.h>
#include <unistr.h>

/* ------------------------------------------------------------------ */
/* Character helpers                                                   */

/* Decode the character at s[i] (i < n); returns its length (>= 1). */
static size_t dec(const char *s, size_t i, size_t n, ucs4_t *uc)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        *uc = c;
        return 1;
    }
    int k = u8_mbtouc(uc, (const uint8_t *)s + i, n - i);
    return k > 0 ? (size_t)k : 1;
}

/* Start of the character that ends just before s[i] (i > 0). */
static size_t prev_char(const char *s, size_t i)
{
    size_t j = i - 1;
    int guard = 3;
    while (j > 0 && guard-- > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
        j--;
    return j;
}

static bool is_space_uc(ucs4_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xA0 || c == 0x3000 || c == 0xFEFF ||
           (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F || c == 0x85;
}

/* Width in bytes of horizontal white space at s[i], or 0. */
static size_t space_at(const char *s, size_t i, size_t n)
{
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r' || c == '\n')
        return 1;
    if (c < 0x80)
        return 0;
    if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0)
        return 2;
    if (c == 0xE3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x80)
        return 3;
    if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBB && (unsigned char)s[i + 2] == 0xBF)
        return 3;
    if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
        ((unsigned char)s[i + 2] <= 0x8B || (unsigned char)s[i + 2] == 0xAF))
        return 3;
    return 0;
}

/* Trim white space from both ends of s[*a, *b). */
static void trim(const char *s, size_t *a, size_t *b)
{
    size_t k;
    while (*a < *b && (k = space_at(s, *a, *b)) > 0)
        *a += k;
    while (*a < *b) {
        size_t p = prev_char(s, *b);
        if (p < *a || space_at(s, p, *b) == 0)
            break;
        *b = p;
    }
}

static bool is_alnum_uc(ucs4_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    return uc_is_alnum(c);
}

static bool is_upper_ascii(char c) { return c >= 'A' && c <= 'Z'; }
/* Upper case letter (any script that has case). */
static bool is_upper_uc(ucs4_t c) { return c < 0x80 ? (c >= 'A' && c <= 'Z') : uc_is_upper(c); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Quotation marks that open or close dialogue. */
static bool is_quote_uc(ucs4_t c)
{
    return c == '"' || c == '\'' || c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 ||
           c == 0xAB || c == 0xBB || c == 0x201E || c == 0x201A || c == 0x2039 || c == 0x203A ||
           c == 0x300C || c == 0x300D || c == 0x300E || c == 0x300F;
}

/* Count characters (not bytes) of s[a, b). */
static size_t char_count(const char *s, size_t a, size_t b)
{
    size_t n = 0;
    for (size_t i = a; i < b; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

/* Words separated by white space in s[a, b). */
static size_t word_count_simple(const char *s, size_t a, size_t b)
{
    size_t n = 0;
    bool in = false;
    for (size_t i = a; i < b;) {
        size_t k = space_at(s, i, b);
        if (k) {
            in = false;
            i += k;
        } else {
            if (!in)
                n++;
            in = true;
            i++;
        }
    }
    return n;
}

/* Last character of s[a, b) (b > a). */
static ucs4_t last_uc(const char *s, size_t a, size_t b)
{
    ucs4_t c;
    size_t p = prev_char(s, b);
    if (p < a)
        p = a;
    dec(s, p, b, &c);
    return c;
}

static ucs4_t first_uc(const char *s, size_t a, size_t b)
{
    ucs4_t c;
    dec(s, a, b, &c);
    return c;
}

/* Case-insensitive ASCII prefix test of s[a, b) against word w. */
static bool has_prefix_ci(const char *s, size_t a, size_t b, const char *w)
{
    size_t n = strlen(w);
    return b - a >= n && strncasecmp(s + a, w, n) == 0;
}

/* A copy of s[a, b) with white-space runs folded to one space (one U+3000
 * when the run holds one), trimmed. */
static char *tidy(const char *s, size_t a, size_t b)
{
    trim(s, &a, &b);
    char *out = xmalloc(b - a + 1);
    size_t o = 0;
    bool ideo = false, pending = false;
    for (size_t i = a; i < b;) {
        size_t k = space_at(s, i, b);
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
static char *tidy_title(const char *s, size_t a, size_t b)
{
    char *t = tidy(s, a, b);
    size_t n = strlen(t);
    uint8_t *cls = xmalloc(n + 1);
    markup_scan(t, n, cls);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (cls[i] & MARKUP_HIDDEN)
            continue;
        if (t[i] == '\\' && i + 1 < n && strchr("'\"*_`#[]()-!.", t[i + 1]))
            continue;   /* Markdown escape: Ace\'s */
        t[o++] = t[i];
    }
    while (o > 0 && (t[o - 1] == ':' || t[o - 1] == ' '))
        o--;            /* "Interlude II:" */
    t[o] = '\0';
    free(cls);
    return t;
}

/* ------------------------------------------------------------------ */
/* Numbers                                                             */

static int roman_value(char c)
{
    switch (c | 0x20) {
    case 'i': return 1;
    case 'v': return 5;
    case 'x': return 10;
    case 'l': return 50;
    case 'c': return 100;
    case 'd': return 500;
    case 'm': return 1000;
    }
    return 0;
}

/* Parse a canonical roman numeral s[a, b) (one case throughout); -1 if not. */
static int parse_roman(const char *s, size_t a, size_t b)
{
    if (b <= a || b - a > 12)
        return -1;
    bool upper = is_upper_ascii(s[a]);
    int total = 0;
    for (size_t i = a; i < b; i++) {
        int v = roman_value(s[i]);
        if (!v || is_upper_ascii(s[i]) != upper)
            return -1;
        int nx = i + 1 < b ? roman_value(s[i + 1]) : 0;
        if (nx > v)
            total -= v;
        else
            total += v;
    }
    if (total <= 0 || total > 3999)
        return -1;
    /* Round trip: reject non-canonical strings such as "IIII" or "DIM". */
    static const int vals[] = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
    static const char *syms[] = {"m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i"};
    char buf[32];
    size_t o = 0;
    int t = total;
    for (int k = 0; k < 13 && o < 20; k++)
        while (t >= vals[k] && o < 20) {
            for (const char *q = syms[k]; *q; q++)
                buf[o++] = *q;
            t -= vals[k];
        }
    if (o != b - a)
        return -1;
    for (size_t i = 0; i < o; i++)
        if ((s[a + i] | 0x20) != buf[i])
            return -1;
    return total;
}

/* Every word the heading grammar knows, looked up by binary search in a
 * table sorted once (lower-case, UTF-8). */
enum wtype { W_CHAP, W_PART, W_WORD, W_NUM, W_TENS, W_THE };
struct wentry {
    const char *w;
    int type;
    int val;
};
static struct wentry words_tab[] = {
    {"chapter", W_CHAP, 0}, {"chap", W_CHAP, 0}, {"ch", W_CHAP, 0}, {"letter", W_CHAP, 0},
    {"adventure", W_CHAP, 0}, {"episode", W_CHAP, 0}, {"stave", W_CHAP, 0},
    {"canto", W_CHAP, 0}, {"section", W_CHAP, 0}, {"kapitel", W_CHAP, 0},
    {"chapitre", W_CHAP, 0}, {"capitulo", W_CHAP, 0},
    {"book", W_PART, 0}, {"part", W_PART, 0}, {"volume", W_PART, 0}, {"vol", W_PART, 0},
    {"partie", W_PART, 0}, {"livre", W_PART, 0}, {"teil", W_PART, 0}, {"buch", W_PART, 0},
    {"prologue", W_WORD, PARSE_PROLOGUE}, {"prolog", W_WORD, PARSE_PROLOGUE},
    {"prelude", W_WORD, PARSE_PROLOGUE}, {"preface", W_WORD, PARSE_PROLOGUE},
    {"foreword", W_WORD, PARSE_PROLOGUE}, {"introduction", W_WORD, PARSE_PROLOGUE},
    {"epilogue", W_WORD, PARSE_EPILOGUE}, {"epilog", W_WORD, PARSE_EPILOGUE},
    {"afterword", W_WORD, PARSE_EPILOGUE}, {"interlude", W_WORD, PARSE_NO_NUMBER},
    {"the", W_THE, 0},
    {"one", W_NUM, 1}, {"two", W_NUM, 2}, {"three", W_NUM, 3}, {"four", W_NUM, 4},
    {"five", W_NUM, 5}, {"six", W_NUM, 6}, {"seven", W_NUM, 7}, {"eight", W_NUM, 8},
    {"nine", W_NUM, 9}, {"ten", W_NUM, 10}, {"eleven", W_NUM, 11}, {"twelve", W_NUM, 12},
    {"thirteen", W_NUM, 13}, {"fourteen", W_NUM, 14}, {"fifteen", W_NUM, 15},
    {"sixteen", W_NUM, 16}, {"seventeen", W_NUM, 17}, {"eighteen", W_NUM, 18},
    {"nineteen", W_NUM, 19},
    {"first", W_NUM, 1}, {"second", W_NUM, 2}, {"third", W_NUM, 3}, {"fourth", W_NUM, 4},
    {"fifth", W_NUM, 5}, {"sixth", W_NUM, 6}, {"seventh", W_NUM, 7}, {"eighth", W_NUM, 8},
    {"ninth", W_NUM, 9}, {"tenth", W_NUM, 10}, {"eleventh", W_NUM, 11},
    {"twelfth", W_NUM, 12}, {"thirteenth", W_NUM, 13}, {"fourteenth", W_NUM, 14},
    {"fifteenth", W_NUM, 15}, {"sixteenth", W_NUM, 16}, {"seventeenth", W_NUM, 17},
    {"eighteenth", W_NUM, 18}, {"nineteenth", W_NUM, 19},
    {"twenty", W_TENS, 20}, {"thirty", W_TENS, 30}, {"forty", W_TENS, 40},
    {"fifty", W_TENS, 50}, {"sixty", W_TENS, 60}, {"seventy", W_TENS, 70},
    {"eighty", W_TENS, 80}, {"ninety", W_TENS, 90},
    {"twentieth", W_NUM, 20}, {"thirtieth", W_NUM, 30}, {"fortieth", W_NUM, 40},
    {"fiftieth", W_NUM, 50}, {"sixtieth", W_NUM, 60}, {"seventieth", W_NUM, 70},
    {"eightieth", W_NUM, 80}, {"ninetieth", W_NUM, 90}, {"hundred", W_NUM, 100},
    {"hundredth", W_NUM, 100},
    /* French and German ordinals of part headings */
    {"premier", W_NUM, 1}, {"premi\xc3\xa8re", W_NUM, 1}, {"premiere", W_NUM, 1},
    {"deuxi\xc3\xa8me", W_NUM, 2}, {"deuxieme", W_NUM, 2}, {"seconde", W_NUM, 2},
    {"troisi\xc3\xa8me", W_NUM, 3}, {"troisieme", W_NUM, 3},
    {"quatri\xc3\xa8me", W_NUM, 4}, {"quatrieme", W_NUM, 4},
    {"cinqui\xc3\xa8me", W_NUM, 5}, {"cinquieme", W_NUM, 5},
    {"erster", W_NUM, 1}, {"erstes", W_NUM, 1}, {"erste", W_NUM, 1}, {"zweiter", W_NUM, 2},
    {"zweites", W_NUM, 2}, {"zweite", W_NUM, 2}, {"dritter", W_NUM, 3},
    {"drittes", W_NUM, 3}, {"dritte", W_NUM, 3},
};
#define N_WORDS (sizeof words_tab / sizeof words_tab[0])

static int wentry_cmp(const void *x, const void *y)
{
    return strcmp(((const struct wentry *)x)->w, ((const struct wentry *)y)->w);
}

static void words_sort(void)
{
    qsort(words_tab, N_WORDS, sizeof words_tab[0], wentry_cmp);
}

/* Look up the word s[a, e) (ASCII case and Latin-1 capitals folded).  The
 * table is sorted once, safely when two threads parse at once (the reader
 * and the loader, loader.h). */
static const struct wentry *lookup_word(const char *s, size_t a, size_t e)
{
    static pthread_once_t sorted = PTHREAD_ONCE_INIT;
    pthread_once(&sorted, words_sort);
    char buf[24];
    if (e <= a || e - a >= sizeof buf)
        return NULL;
    size_t n = 0;
    for (size_t i = a; i < e; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c | 0x20);
        else if (i > a && (unsigned char)s[i - 1] == 0xC3 && c >= 0x80 && c <= 0x9E && c != 0x97)
            c = (unsigned char)(c + 0x20);  /* È -> è */
        buf[n++] = (char)c;
    }
    buf[n] = '\0';
    struct wentry key = {buf, 0, 0};
    return bsearch(&key, words_tab, N_WORDS, sizeof words_tab[0], wentry_cmp);
}

/* End of an alphabetic word starting at s[a] (ASCII letters and UTF-8
 * letters, for PREMIÈRE). */
static size_t word_end(const char *s, size_t a, size_t b)
{
    size_t i = a;
    while (i < b) {
        unsigned char c = (unsigned char)s[i];
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
            i++;
        } else if (c >= 0x80) {
            ucs4_t uc;
            size_t k = dec(s, i, b, &uc);
            if (!uc_is_alpha(uc))
                break;
            i += k;
        } else {
            break;
        }
    }
    return i;
}

/* Parse an English number at s[*p] ("twelve", "Twenty-One", "twenty one",
 * "Third", "Première").  Advances *p past it.  -1 if none. */
static int parse_number_words(const char *s, size_t *p, size_t b)
{
    size_t a = *p, e = word_end(s, a, b);
    const struct wentry *w = lookup_word(s, a, e);
    if (!w || (w->type != W_NUM && w->type != W_TENS))
        return -1;
    int v = w->val;
    *p = e;
    if (w->type == W_TENS && e < b && (s[e] == '-' || s[e] == ' ')) {
        size_t a2 = e + 1, e2 = word_end(s, a2, b);
        const struct wentry *u = lookup_word(s, a2, e2);
        if (u && u->type == W_NUM && u->val >= 1 && u->val <= 9) {
            v += u->val;
            *p = e2;
        }
    }
    return v;
}

/* Chinese numeral at s[*p]: positional (二十三, 一百二十) or digit-by-digit
 * (一一六, 一零零).  ASCII and full-width digits too.  -1 if none. */
static int parse_cjk_number(const char *s, size_t *p, size_t b)
{
    size_t i = *p;
    int digits[16];
    int nd = 0;
    bool positional = false;
    long total = 0, cur = -1;
    while (i < b && nd < 15) {
        ucs4_t c;
        size_t k = dec(s, i, b, &c);
        int d = -1, mult = 0;
        switch (c) {
        case 0x96F6: case 0x3007: d = 0; break;             /* 零 〇 */
        case 0x4E00: d = 1; break;                          /* 一 */
        case 0x4E8C: case 0x4E24: d = 2; break;             /* 二 两 */
        case 0x4E09: d = 3; break;
        case 0x56DB: d = 4; break;
        case 0x4E94: d = 5; break;
        case 0x516D: d = 6; break;
        case 0x4E03: d = 7; break;
        case 0x516B: d = 8; break;
        case 0x4E5D: d = 9; break;
        case 0x5341: mult = 10; break;                      /* 十 */
        case 0x767E: mult = 100; break;                     /* 百 */
        case 0x5343: mult = 1000; break;                    /* 千 */
        default:
            if (c >= '0' && c <= '9')
                d = (int)(c - '0');
            else if (c >= 0xFF10 && c <= 0xFF19)
                d = (int)(c - 0xFF10);
        }
        if (d < 0 && !mult)
            break;
        if (mult) {
            positional = true;
            total += (cur < 0 ? 1 : cur) * mult;
            cur = -1;
        } else {
            digits[nd++] = d;
            cur = d;
        }
        i += k;
    }
    if (i == *p)
        return -1;
    *p = i;
    if (positional)
        return (int)(total + (cur > 0 ? cur : 0));
    long v = 0;
    for (int k = 0; k < nd; k++)
        v = v * 10 + digits[k];
    return v > 100000 ? -1 : (int)v;
}

/* ------------------------------------------------------------------ */
/* Headings                                                            */

enum hkind {
    H_NONE,
    H_CHAPTER,   /* keyword + number: Chapter 12, CHAPTER XII., Letter 1, ADVENTURE I. */
    H_WORD,      /* Prologue, Epilogue, Interlude, Preface ... */
    H_CJK,       /* 第一回 */
    H_NUMTITLE,  /* VII. THE ADVENTURE OF THE BLUE CARBUNCLE */
    H_BARE,      /* I / II. / 12 */
    H_PART,      /* BOOK ONE: 1805, PART II, FIRST EPILOGUE, PREMIÈRE PARTIE, 第一卷 */
    H_SPECIAL,   /* decided by context: FanFicFare tab heading, announced chapter title */
};

struct hinfo {
    int kind;
    int num;
    size_t a, b;       /* the heading text (decoration stripped) */
    bool has_title;    /* words after the number */
};

static bool is_deco(char c)
{
    return c == '#' || c == '*' || c == '_' || c == '=' || c == '~';
}

static bool title_ok(const char *s, size_t a, size_t b, size_t max_words)
{
    if (b <= a)
        return true;
    if (b - a > 160 || word_count_simple(s, a, b) > max_words)
        return false;
    ucs4_t e = last_uc(s, a, b);
    return e != ',' && e != ';';
}

/* After a number at s[p]: nothing, a separator (. : ) - – —) and an
 * optional title, or a space and a capitalised title.  Sets has_title. */
static bool heading_rest(const char *s, size_t p, size_t b, bool *has_title, size_t max_words)
{
    size_t q = p, k;
    bool spaced = false;
    while (q < b && (k = space_at(s, q, b)) > 0) {
        q += k;
        spaced = true;
    }
    *has_title = false;
    if (q >= b)
        return true;
    ucs4_t c;
    size_t cl = dec(s, q, b, &c);
    if (c == '.' || c == ':' || c == ')' || c == '-' || c == 0x2013 || c == 0x2014 || c == 0xFF1A ||
        c == 0x3001 || c == ',') {
        if (c == ',' && !spaced)
            return false;
        q += cl;
        while (q < b && (s[q] == '-' || s[q] == '.'))
            q++;
        while (q < b && (k = space_at(s, q, b)) > 0)
            q += k;
        *has_title = q < b;
        return title_ok(s, q, b, max_words);
    }
    if (!spaced)
        return false;
    if (!(is_upper_uc(c) || (c >= '0' && c <= '9') || is_quote_uc(c) || c == '(' ||
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
    if (q < b && is_digit(s[q])) {
        long v = 0;
        size_t st = q;
        while (q < b && is_digit(s[q]) && q - st < 7)
            v = v * 10 + (s[q++] - '0');
        if (q < b && is_digit(s[q]))
            return -1;
        /* "Chapter 1a"/"Chapter 3rd": a letter glued on is not a heading */
        if (q < b && ((s[q] | 0x20) >= 'a' && (s[q] | 0x20) <= 'z'))
            return -1;
        *p = q;
        return (int)v;
    }
    size_t e = word_end(s, q, b);
    if (e == q)
        return -1;
    int r = parse_roman(s, q, e);
    if (r > 0) {
        *p = e;
        return r;
    }
    size_t w = q;
    int v = parse_number_words(s, &w, b);
    if (v > 0) {
        *p = w;
        return v;
    }
    return -1;
}

/* Classify one line (no terminator).  Pure: looks at nothing else. */
static int classify(const char *s, size_t n, struct hinfo *h)
{
    size_t a = 0, b = n;
    memset(h, 0, sizeof *h);
    h->num = PARSE_NO_NUMBER;
    trim(s, &a, &b);
    if (b <= a || b - a > 240)
        return H_NONE;
    /* Markdown and decoration: "## Chapter 1", "**Chapter I: …**", "~Chapter 2~". */
    while (a < b && is_deco(s[a])) {
        a++;
        while (a < b && s[a] == ' ')
            a++;
    }
    while (b > a && (is_deco(s[b - 1]) || s[b - 1] == ' '))
        b--;
    if (b <= a)
        return H_NONE;
    h->a = a;
    h->b = b;
    unsigned char c0 = (unsigned char)s[a];
    size_t p = a;

    /* 第…回 / 第…章 */
    if (c0 == 0xE7 && b - a >= 6 && memcmp(s + a, "\xE7\xAC\xAC", 3) == 0) {
        p = a + 3;
        int v = parse_cjk_number(s, &p, b);
        if (v < 0 || p >= b)
            return H_NONE;
        ucs4_t u;
        size_t k = dec(s, p, b, &u);
        int kind;
        if (u == 0x56DE || u == 0x7AE0 || u == 0x7BC0 || u == 0x8282 || u == 0x96C6 || u == 0x5E55)
            kind = H_CJK;                   /* 回 章 節 节 集 幕 */
        else if (u == 0x5377 || u == 0x90E8 || u == 0x7BC7)
            kind = H_PART;                  /* 卷 部 篇 */
        else
            return H_NONE;
        p += k;
        if (p < b) {
            ucs4_t nx;
            size_t k2 = dec(s, p, b, &nx);
            if (!(space_at(s, p, b) || nx == 0xFF1A || nx == ':' || nx == 0x3001 || nx == 0xFF0E ||
                  nx == '.'))
                return H_NONE;      /* 第四回中… is prose */
            (void)k2;
            if (b - a > 200)
                return H_NONE;
            h->has_title = true;
        }
        h->num = v;
        h->kind = kind;
        return kind;
    }

    if (is_digit((char)c0)) {
        long v = 0;
        while (p < b && is_digit(s[p]) && p - a < 5)
            v = v * 10 + (s[p++] - '0');
        if (p < b && is_digit(s[p]))
            return H_NONE;
        if (v <= 0 || v > 999)
            return H_NONE;
        h->num = (int)v;
        goto numeral;
    }
    if (!((c0 | 0x20) >= 'a' && (c0 | 0x20) <= 'z'))
        return H_NONE;

    {
        size_t e = word_end(s, a, b);
        int r = is_upper_ascii((char)c0) ? parse_roman(s, a, e) : -1;
        if (r > 0 && r <= 300 && (e == b || s[e] == '.' || s[e] == ':' || s[e] == ')')) {
            h->num = r;
            p = e;
            goto numeral;
        }
        const struct wentry *w = lookup_word(s, a, e);
        if (!w)
            return H_NONE;
        if (w->type == W_CHAP || w->type == W_PART) {
            bool part = w->type == W_PART;
            size_t q = e;
            if (q < b && s[q] == '.')
                q++;
            if (q >= b || space_at(s, q, b) == 0)
                return H_NONE;
            while (q < b && space_at(s, q, b))
                q += space_at(s, q, b);
            size_t q2 = word_end(s, q, b);
            const struct wentry *th = lookup_word(s, q, q2);
            if (th && th->type == W_THE && q2 < b && s[q2] == ' ')
                q = q2 + 1;                     /* Chapter the First */
            int v = keyword_number(s, &q, b);
            if (v < 0)
                return H_NONE;
            if (!heading_rest(s, q, b, &h->has_title, 15))
                return H_NONE;
            h->num = v;
            h->kind = part ? H_PART : H_CHAPTER;
            return h->kind;
        }
        if (w->type == W_WORD) {
            if (!heading_rest(s, e, b, &h->has_title, 15))
                return H_NONE;
            h->num = w->val;
            h->kind = H_WORD;
            return H_WORD;
        }
        /* FIRST EPILOGUE: 1813 - 20, SECOND EPILOGUE, PREMIÈRE PARTIE */
        size_t q = a;
        int v = parse_number_words(s, &q, b);
        if (v > 0 && q < b && s[q] == ' ') {
            size_t w2 = q + 1, we = word_end(s, w2, b);
            const struct wentry *k2 = lookup_word(s, w2, we);
            if (k2 && (k2->type == W_PART || (k2->type == W_WORD && k2->val != PARSE_NO_NUMBER))) {
                if (!heading_rest(s, we, b, &h->has_title, 15))
                    return H_NONE;
                h->num = v;
                h->kind = H_PART;
                return H_PART;
            }
        }
        return H_NONE;
    }

numeral:
    /* A numeral alone, with a dot, or followed by a title. */
    if (p == b) {
        h->kind = H_BARE;
        return H_BARE;
    }
    if (s[p] == '.' || s[p] == ':' || s[p] == ')') {
        p++;
        if (p == b) {
            h->kind = H_BARE;
            return H_BARE;
        }
        size_t q = p, k;
        while (q < b && (k = space_at(s, q, b)) > 0)
            q += k;
        if (q == p || q >= b)
            return H_NONE;
        ucs4_t c;
        dec(s, q, b, &c);
        if (!(is_upper_uc(c) || is_quote_uc(c)))
            return H_NONE;
        if (b - q > 100 || word_count_simple(s, q, b) > 12)
            return H_NONE;
        ucs4_t e = last_uc(s, q, b);
        if (e == '.' || e == ',' || e == ';' || e == ':')
            return H_NONE;
        h->has_title = true;
        h->kind = H_NUMTITLE;
        return H_NUMTITLE;
    }
    return H_NONE;
}

bool parse_is_heading(const char *s, size_t n, int *num, char **title)
{
    struct hinfo h;
    if (classify(s, n, &h) == H_NONE)
        return false;
    if (num)
        *num = h.num;
    if (title)
        *title = tidy(s, h.a, h.b);
    return true;
}

/* ------------------------------------------------------------------ */
/* Scene-break lines                                                   */

bool parse_is_break_line(const char *s, size_t n)
{
    size_t a = 0, b = n;
    trim(s, &a, &b);
    if (b <= a || b - a > 400)
        return false;
    size_t syms = 0, letters = 0, nonq = 0;
    bool lower = false, upper = false, only_x = true;
    ucs4_t single = 0;
    for (size_t i = a; i < b;) {
        size_t k = space_at(s, i, b);
        if (k) {
            i += k;
            continue;
        }
        ucs4_t c;
        i += dec(s, i, b, &c);
        if (c == 'o' || c == 'x' || c == 'O' || c == 'X' || c == '0') {
            letters++;
            if (c == 'o' || c == 'x')
                lower = true;
            else
                upper = true;
            if (c != 'X')
                only_x = false;
            continue;
        }
        if (is_alnum_uc(c))
            return false;           /* words: "*** START OF …", "***Later…***" */
        syms++;
        single = c;
        /* Punctuation that makes a line of dialogue, not a separator. */
        if (!(c == '.' || c == 0x2026 || c == '?' || c == '!' || is_quote_uc(c) || c == ',' ||
              c == ';' || c == '(' || c == ')' || c == '[' || c == ']' || c == 0x2014 ||
              c == 0x2013 || c == 0x3002 || c == 0xFF0E))
            nonq++;
    }
    if (letters) {
        /* oOo, xXx, -x-x-, OoOoO, xxxxx — but not a roman numeral like "XX". */
        if (letters + syms < 3)
            return false;
        if (only_x && !syms && letters < 5)
            return false;
        return (lower && upper) || syms > 0 || letters >= 3;
    }
    if (!nonq) {
        /* only dashes/dots/quotes: "———" is a break, "..." and "—" are not */
        return syms >= 3 && (single == 0x2014 || single == 0x2013) ;
    }
    if (syms == 1) {
        return single == '#' || single == 0xA7 || single == 0x2042 || single == '*' ||
               single == 0x203B || single == 0x2606 || single == 0x2605 || single == '~' ||
               single == 0x25C6 || single == 0x2756 || single == 0x2022 || single == '+' ||
               single == 0xFF0A;
    }
    return syms >= 2;
}

/* ------------------------------------------------------------------ */
/* Front and back matter paragraphs                                     */

static bool para_starts_with(const char *s, size_t a, size_t b, const char *const *list)
{
    /* Skip emphasis and brackets wrapped around a note: **Disclaimer:**, (A/N: …) */
    while (a < b && (s[a] == '*' || s[a] == '_' || s[a] == '(' || s[a] == '[' || s[a] == '#' ||
                     s[a] == ' ' || s[a] == '~'))
        a++;
    for (int i = 0; list[i]; i++) {
        const char *w = list[i];
        size_t wl = strlen(w);
        bool colon = w[wl - 1] == ':';
        if (colon)
            wl--;
        if (b - a < wl || strncasecmp(s + a, w, wl) != 0)
            continue;
        size_t q = a + wl;
        if (!colon) {
            if (q >= b)
                return true;
            ucs4_t c;
            dec(s, q, b, &c);
            if (!is_alnum_uc(c))
                return true;
            continue;
        }
        /* "Note:", "Note :", "Note\u00a0:", "Notes -" */
        while (q < b && space_at(s, q, b))
            q += space_at(s, q, b);
        while (q < b && (s[q] == '*' || s[q] == '_'))
            q++;
        if (q < b && (s[q] == ':' || s[q] == '-' || (unsigned char)s[q] == 0xEF))
            return true;
    }
    return false;
}

static const char *const front_words[] = {
    "Disclaimer", "A/N", "AN:", "A.N.", "Author's Note", "Author\xe2\x80\x99s Note", "Authors Note",
    "Author's Notes", "Note:", "Notes:", "Summary:", "Warning:", "Warnings:", "Rating:", "Rated:",
    "Pairing:", "Pairings:", "Spoilers:", "Spoiler:", "Dedication", "Dedicated to", "Beta:",
    "Beta'd", "Betaed", "Beta read", "Beta-read", "Beta reader", "Category:", "Categories:",
    "Genre:", "Characters:", "Timeline:", "Feedback:", "Archive:", "Word count:", "Words:",
    "Fandom:", "Title:", "Author:", "Chapter summary", "Acknowledgements:", "Acknowledgments:",
    "Self-Promotion:", "Setting:", "Series:", "Thanks to", "(See the end of the chapter", NULL};

static const char *const back_words[] = {
    "A/N", "AN:", "A.N.", "Author's Note", "Author\xe2\x80\x99s Note", "Authors Note", "Note:",
    "Notes:", "End Notes", "Please review", "Please read and review", "Review please",
    "Reviews are", "R&R", "Read and review", "Thanks for reading", "Thank you for reading",
    "Chapter references:", "End of chapter", "Author\\'s Note", "Author\\'s Endnote",
    "Author's Endnote", "Endnote", "Endnotes", "PS:", "PPS:", "Thank you to", "Thanks to",
    "Thanks for the reviews", NULL};

/* Walk paragraphs (runs of non-blank lines) of t[from, end).  Calls back
 * with [a, b) of each paragraph and the number of blank lines before it. */
struct para_it {
    const char *t;
    size_t pos, end;
};

static bool para_next(struct para_it *it, size_t *pa, size_t *pb, int *gap)
{
    size_t l, le;
    int blanks = 0;
    bool in = false;
    size_t a = 0, b = 0;
    while (it->pos < it->end) {
        size_t save = it->pos;
        if (!decode_next_line(it->t, it->end, &it->pos, &l, &le))
            break;
        size_t ta = l, tb = le;
        trim(it->t, &ta, &tb);
        if (ta == tb) {
            if (in) {
                it->pos = save;
                break;
            }
            blanks++;
            continue;
        }
        if (!in) {
            a = l;
            in = true;
        }
        b = le;
    }
    if (!in)
        return false;
    *pa = a;
    *pb = b;
    *gap = blanks;
    return true;
}

/* Where the leading front matter of t[from, end) ends: the start of the
 * first paragraph that is story text.  Front matter is a run of paragraphs
 * that begin like a disclaimer or note; the paragraphs just after it still
 * belong to it when a wide blank gap (2+ lines) follows within two
 * paragraphs (the seeds' "notes, then 2-3 blank lines, then the story").
 * Returns `from` when there is none. */
static size_t front_scan(const char *t, size_t from, size_t end)
{
    struct para_it it = {t, from, end};
    size_t a, b;
    int gap;
    size_t starts[8];
    int gaps[8];
    size_t ends[8];
    int n = 0, matched = 0;
    bool stop = false;
    while (n < 8 && para_next(&it, &a, &b, &gap)) {
        starts[n] = a;
        ends[n] = b;
        gaps[n] = gap;
        n++;
        size_t ta = a, tb = b;
        trim(t, &ta, &tb);
        if (!stop && n - 1 == matched && para_starts_with(t, ta, tb, front_words)) {
            matched++;
            continue;
        }
        stop = true;
        if (n > matched + 3)
            break;
    }
    if (!matched)
        return from;
    /* Story text starts at paragraph `matched`, unless a wide gap comes a
     * little later (a note running over two paragraphs). */
    int first_story = matched;
    if (matched < n && gaps[matched] < 2) {
        for (int k = matched + 1; k < n && k <= matched + 2; k++)
            if (gaps[k] >= 2) {
                first_story = k;
                break;
            }
    }
    (void)ends;
    return first_story < n ? starts[first_story] : end;
}

/* Where the closing notes of t[from, end) start (the start of the first
 * back-matter paragraph), or `end` when there are none.  A closing note
 * begins like an author's note or a plea for reviews; the first of them
 * must be among the last four paragraphs, earlier ones chain back at most
 * ten paragraphs apart; everything after the earliest is back matter. */
static size_t back_scan(const char *t, size_t from, size_t end)
{
    /* Only the tail matters: start at a blank line in the last 6 KB. */
    if (end - from > 6144) {
        size_t w = end - 6144, pos = w, l, le;
        decode_next_line(t, end, &pos, &l, &le);        /* skip a partial line */
        while (decode_next_line(t, end, &pos, &l, &le)) {
            size_t a = l, b = le;
            trim(t, &a, &b);
            if (a == b)
                break;
        }
        if (pos < end)
            from = pos;
    }
    struct para_it it = {t, from, end};
    size_t a, b;
    int gap;
    enum { RING = 16, MAX_RUN = 10 };
    size_t ring[RING];
    bool hit[RING];
    int n = 0;
    while (para_next(&it, &a, &b, &gap)) {
        size_t ta = a, tb = b;
        trim(t, &ta, &tb);
        ring[n % RING] = a;
        hit[n % RING] = para_starts_with(t, ta, tb, back_words);
        n++;
    }
    /* The earliest note among the last paragraphs from which no more than
     * MAX_RUN plain paragraphs separate one note from the next or the end. */
    int lo = n > RING ? n - RING : 0, best = -1, plain = 0;
    for (int k = n - 1; k >= lo && k > 0; k--) {
        if (hit[k % RING]) {
            best = k;
            plain = 0;
        } else if (++plain > MAX_RUN || (best < 0 && plain > 3)) {
            break;
        }
    }
    return best > 0 ? ring[best % RING] : end;
}

/* The line before the line starting at *p (> lo): sets [*a, *b) without its
 * terminator and moves *p to its start. */
static bool prev_line(const char *t, size_t lo, size_t *p, size_t *a, size_t *b)
{
    if (*p <= lo)
        return false;
    size_t e = *p;
    if (t[e - 1] == '\n') {
        e--;
        if (e > lo && t[e - 1] == '\r')
            e--;
    } else if (t[e - 1] == '\r') {
        e--;
    }
    size_t s = e;
    while (s > lo && t[s - 1] != '\n' && t[s - 1] != '\r')
        s--;
    *a = s;
    *b = e;
    *p = s;
    return true;
}

/* A chapter's preamble written before its heading (disclaimer, summary,
 * rating; then short title/byline lines), as fan fiction sites repeat it
 * on every chapter: where it starts in t[lo, start), or `start`.  Closing
 * notes of the previous chapter (A/N, "please review") are not taken. */
static size_t preamble_start(const char *t, size_t lo, size_t start)
{
    size_t p = start, best = start, a, b;
    int other = 0;
    for (int k = 0; k < 16; k++) {
        size_t pa = 0, pb = 0;
        int lines = 0;
        bool any = false;
        while (prev_line(t, lo, &p, &a, &b)) {
            size_t ta = a, tb = b;
            trim(t, &ta, &tb);
            if (ta == tb) {
                if (any) {
                    break;
                }
                continue;
            }
            if (!any)
                pb = tb;
            any = true;
            pa = ta;
            lines++;
        }
        if (!any)
            break;
        bool fm = para_starts_with(t, pa, pb, front_words) && !para_starts_with(t, pa, pb, back_words);
        if (fm) {
            size_t q = pa;      /* back to its line start */
            while (q > lo && t[q - 1] != '\n' && t[q - 1] != '\r')
                q--;
            best = q;
            other = 0;
        } else if (lines > 1 || char_count(t, pa, pb) > 80) {
            /* a longer note paragraph may follow the labelled one */
            if (++other > 2)
                break;
        }
    }
    return best;
}

/* ------------------------------------------------------------------ */
/* parse_text                                                          */

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

static bool line_starts(const char *t, size_t a, size_t b, const char *w)
{
    return has_prefix_ci(t, a, b, w);
}

/* Is this the Gutenberg START or END marker line?  1 start, 2 end. */
static int pg_marker(const char *t, size_t a, size_t b)
{
    if (b - a < 10)
        return 0;
    if (t[a] == '*') {
        size_t q = a;
        while (q < b && (t[q] == '*' || t[q] == ' '))
            q++;
        if (line_starts(t, q, b, "START OF") || line_starts(t, q, b, "START OF THE PROJECT"))
            return 1;
        if (line_starts(t, q, b, "END OF"))
            return 2;
        if (line_starts(t, q, b, "END*THE SMALL PRINT"))
            return 1;
        return 0;
    }
    if (line_starts(t, a, b, "End of the Project Gutenberg") ||
        line_starts(t, a, b, "End of Project Gutenberg"))
        return 2;
    return 0;
}

static void add_cand(struct scan *sc, size_t off, size_t le, size_t next, const struct hinfo *h,
                     bool blank_before)
{
    XGROW(sc->c, sc->cap, sc->n + 1);
    struct cand *c = &sc->c[sc->n++];
    memset(c, 0, sizeof *c);
    c->off = off;
    c->line_end = le;
    c->next = next;
    c->h = *h;
    c->blank_before = blank_before;
    c->blank_after = true;      /* until a non-blank line follows directly */
}

/* Could this trimmed line be a heading?  Cheap first test. */
static bool maybe_heading(const char *t, size_t a, size_t b)
{
    if (b - a > 240)
        return false;
    unsigned char c = (unsigned char)t[a];
    if (c < 0x80)
        return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || is_digit((char)c) || is_deco((char)c);
    return c == 0xE7;   /* 第 */
}

/* Lines announcing title and author at the top of the file.  Sets title /
 * author and returns the offset where the text proper starts (after the
 * announcement), or 0.  *ann_ch receives the start of a chapter-title line
 * ("Almost Heaven" / "The Martyr"), or (size_t)-1. */
struct top_line {
    size_t a, b, ta, tb, next;
    int blanks_before;
};

static int top_lines(const char *t, size_t len, struct top_line *tl, int max)
{
    size_t pos = 0, l, le;
    int n = 0, blanks = 0;
    while (n < max && decode_next_line(t, len, &pos, &l, &le)) {
        size_t ta = l, tb = le;
        trim(t, &ta, &tb);
        if (ta == tb) {
            blanks++;
            continue;
        }
        tl[n] = (struct top_line){l, le, ta, tb, pos, blanks};
        blanks = 0;
        n++;
    }
    return n;
}

/* A short line that could be a title: not a sentence. */
static bool titleish(const char *t, size_t a, size_t b, size_t max_bytes, size_t max_words)
{
    while (b > a && (t[b - 1] == '_' || t[b - 1] == '*'))
        b--;
    while (a < b && (t[a] == '_' || t[a] == '*'))
        a++;
    if (b <= a || b - a > max_bytes || word_count_simple(t, a, b) > max_words)
        return false;
    ucs4_t f = first_uc(t, a, b), e = last_uc(t, a, b);
    if (is_quote_uc(f) || f == '(' || f == '-' || f == '*')
        return false;
    if (e == '.' || e == ',' || e == ';' || e == ':' || e == 0x2026 || is_quote_uc(e) ||
        e == 0x3002 || e == 0xFF0C)
        return false;
    if (parse_is_break_line(t + a, b - a))
        return false;
    return true;
}

/* "Title by Author" on one line: sets the two spans. */
static bool title_by_author(const char *t, size_t a, size_t b, size_t *ta, size_t *tb,
                            size_t *aa, size_t *ab)
{
    if (b - a > 200)
        return false;
    ucs4_t e = last_uc(t, a, b);
    if (e == '.' || e == ',' || e == ';' || e == ':' || e == '!' || e == '?' || is_quote_uc(e))
        return false;
    /* the last " by " */
    size_t at = 0;
    bool found = false;
    for (size_t i = a; i + 4 <= b; i++)
        if ((t[i] == ' ') && (t[i + 1] == 'b' || t[i + 1] == 'B') && t[i + 2] == 'y' &&
            t[i + 3] == ' ') {
            at = i;
            found = true;
        }
    if (!found || at <= a)
        return false;
    size_t xa = a, xb = at, ya = at + 4, yb = b;
    trim(t, &xa, &xb);
    trim(t, &ya, &yb);
    if (xa == xb || ya == yb || yb - ya > 60 || word_count_simple(t, ya, yb) > 4 ||
        word_count_simple(t, xa, xb) > 14)
        return false;
    ucs4_t te = last_uc(t, xa, xb);
    if (te == ',' || te == ';')
        return false;
    ucs4_t f = first_uc(t, xa, xb);
    if (is_quote_uc(f) && word_count_simple(t, xa, xb) > 6)
        return false;
    /* An author of several words is capitalised ("Lewis Carroll"); one
     * lower-case word is a user name ("anafabula"). */
    if (word_count_simple(t, ya, yb) > 1 && !is_upper_ascii(t[ya]) && (unsigned char)t[ya] < 0x80)
        return false;
    *ta = xa; *tb = xb; *aa = ya; *ab = yb;
    return true;
}

static bool is_label_line(const char *t, size_t a, size_t b)
{
    /* "Status: Completed", "Published: 2010-01-01" */
    size_t i = a;
    if (i >= b || !is_upper_ascii(t[i]))
        return false;
    while (i < b && i - a < 30 && t[i] != ':')
        i++;
    return i < b && t[i] == ':' && i + 1 < b && t[i + 1] == ' ';
}

/* Decide the announcement.  Returns the body offset. */
static size_t announce(const char *t, size_t len, const struct scan *sc, struct parse_result *r,
                       bool fff, size_t *ch_title_line)
{
    struct top_line all[9];
    int n = top_lines(t, len, all, 9);
    *ch_title_line = (size_t)-1;
    /* A note before the title ("Note : …" / "Crise" / "Un : Kiba"): the
     * rules below apply after it, and the note stays in the text. */
    int skip = 0;
    while (skip < 3 && skip < n &&
           para_starts_with(t, all[skip].ta, all[skip].tb, front_words))
        skip++;
    struct top_line *tl = all + skip;
    n -= skip;
    if (n > 6)
        n = 6;
    if (sc->pg) {
        if (sc->title_b > sc->title_a)
            r->title = tidy(t, sc->title_a, sc->title_b);
        if (sc->author_b > sc->author_a)
            r->author = tidy(t, sc->author_a, sc->author_b);
        return 0;
    }
    if (n == 0)
        return 0;
    struct hinfo h;
    /* Labelled fields at the very top. */
    if (sc->title_b > sc->title_a && sc->title_line <= 30) {
        r->title = tidy(t, sc->title_a, sc->title_b);
        if (sc->author_b > sc->author_a)
            r->author = tidy(t, sc->author_a, sc->author_b);
        return 0;
    }
    if (classify(t + tl[0].a, tl[0].b - tl[0].a, &h) != H_NONE)
        return 0;
    size_t xa, xb, ya, yb;
    if (title_by_author(t, tl[0].ta, tl[0].tb, &xa, &xb, &ya, &yb)) {
        r->title = tidy(t, xa, xb);
        r->author = tidy(t, ya, yb);
        return skip ? 0 : tl[0].next;
    }
    if (n < 2 || !titleish(t, tl[0].ta, tl[0].tb, 120, 14))
        return 0;
    /* Title, then "by Author" */
    if (has_prefix_ci(t, tl[1].ta, tl[1].tb, "by ") && tl[1].tb - tl[1].ta < 80) {
        size_t aa = tl[1].ta + 3, ab = tl[1].tb;
        trim(t, &aa, &ab);
        if (aa < ab && word_count_simple(t, aa, ab) <= 5) {
            r->title = tidy(t, tl[0].ta, tl[0].tb);
            r->author = tidy(t, aa, ab);
            /* FanFicFare's title page stays in the text as front matter */
            return fff || skip ? 0 : tl[1].next;
        }
    }
    /* Title, then a chapter-title line, then the text. */
    if (n >= 3 && tl[1].blanks_before >= 1 && tl[2].blanks_before >= 1) {
        int k = classify(t + tl[1].a, tl[1].b - tl[1].a, &h);
        if (k != H_NONE) {
            r->title = tidy(t, tl[0].ta, tl[0].tb);
            return skip ? 0 : tl[0].next;
        }
        if (titleish(t, tl[1].ta, tl[1].tb, 100, 10)) {
            r->title = tidy(t, tl[0].ta, tl[0].tb);
            *ch_title_line = tl[1].a;
            return skip ? 0 : tl[0].next;
        }
    }
    return 0;
}

/* Enough text after a heading for it to open a chapter (a table of contents
 * entry has none, or a subtitle and a page number). */
static bool has_content(size_t bytes, size_t lines)
{
    return bytes >= 150 || lines >= 4;
}

static bool chapter_level(int kind, bool strong, bool numtitle, bool bare)
{
    switch (kind) {
    case H_CHAPTER: case H_WORD: case H_CJK: case H_SPECIAL:
        return true;
    case H_NUMTITLE:
        return numtitle;
    case H_BARE:
        return bare && !strong && !numtitle;
    }
    return false;
}

/* The subtitle line of a heading that carries no title of its own: the next
 * non-blank line when it is short, stands alone and is not a sentence.
 * Returns its span via sa, sb and the offset after it, or 0. */
static size_t find_subtitle(const char *t, size_t from, size_t end, size_t *sa, size_t *sb,
                            struct hinfo *sh)
{
    size_t pos = from, l, le;
    int blanks = 0;
    while (decode_next_line(t, end, &pos, &l, &le)) {
        size_t a = l, b = le;
        trim(t, &a, &b);
        if (a == b) {
            if (++blanks > 4)
                return 0;
            continue;
        }
        if (parse_is_break_line(t + a, b - a))
            continue;           /* an underline: 第五回 / ----- / title */
        int k = classify(t + l, le - l, sh);
        if (k != H_NONE && k != H_WORD)
            return 0;
        if (k == H_NONE && !titleish(t, a, b, 120, 10))
            return 0;
        /* must stand alone: a blank line (or the end) after it */
        size_t p2 = pos, l2, le2;
        if (decode_next_line(t, end, &p2, &l2, &le2)) {
            size_t a2 = l2, b2 = le2;
            trim(t, &a2, &b2);
            if (a2 != b2 && !parse_is_break_line(t + a2, b2 - a2))
                return 0;
        }
        *sa = a;
        *sb = b;
        return pos;
    }
    return 0;
}

/* Offset just after the heading line and an underline below it (directly
 * or after blank lines: 第二回 / blank / -----). */
static size_t after_underline(const char *t, size_t next, size_t end)
{
    size_t pos = next, l, le;
    for (int k = 0; k < 3 && decode_next_line(t, end, &pos, &l, &le); k++) {
        size_t a = l, b = le;
        trim(t, &a, &b);
        if (a == b)
            continue;
        if (parse_is_break_line(t + a, b - a) && (t[a] == '-' || t[a] == '=' || t[a] == '_'))
            return pos;
        break;
    }
    return next;
}

static void scan_lines(struct scan *sc, size_t from, bool fff)
{
    const char *t = sc->t;
    size_t pos = from, l, le;
    bool prev_blank = true;
    struct cand *last = NULL;
    size_t line_no = 0;
    while (decode_next_line(t, sc->len, &pos, &l, &le)) {
        line_no++;
        sc->n_lines++;
        size_t a = l, b = le;
        trim(t, &a, &b);
        if (a == b) {
            sc->n_blank++;
            prev_blank = true;
            continue;
        }
        if (last && last->next == l)
            last->blank_after = false;
        /* Gutenberg markers and header fields */
        if ((t[a] == '*' || t[a] == 'E') && !sc->pg_end) {
            int m = pg_marker(t, a, b);
            if (m == 1 && !sc->pg) {
                sc->pg = true;
                sc->pg_start = pos;
                sc->n = 0;          /* anything before START is licence header */
                last = NULL;
                sc->pre_bytes = sc->pre_lines = 0;
                prev_blank = true;
                continue;
            }
            if (m == 2 && (sc->pg || line_no > 20)) {
                sc->pg_end = l;
                break;
            }
        }
        if (line_no < 120 && !sc->pg) {
            if (!sc->title_b && line_starts(t, a, b, "Title:") &&
                (line_no < 40 || b - a < 200)) {
                sc->title_line = line_no;
                sc->title_a = a + 6;
                sc->title_b = b;
                trim(t, &sc->title_a, &sc->title_b);
            } else if (!sc->author_b && line_starts(t, a, b, "Author:")) {
                sc->author_a = a + 7;
                sc->author_b = b;
                trim(t, &sc->author_a, &sc->author_b);
            }
        }
        if (fff) {
            if (b - a == 9 && memcmp(t + a, "End file.", 9) == 0) {
                sc->fff_end = l;
                break;
            }
            if (t[l] == '\t' && prev_blank && b - a < 300) {
                struct hinfo h = {H_SPECIAL, PARSE_NO_NUMBER, a, b, true};
                add_cand(sc, l, le, pos, &h, prev_blank);
                last = &sc->c[sc->n - 1];
                prev_blank = false;
                continue;
            }
        } else if ((prev_blank || b - a <= 60 || (unsigned char)t[a] == 0xE7) &&
                   maybe_heading(t, a, b)) {
            /* a heading stands after a blank line or is short (then a blank
             * line follows it); 第…回 may stand anywhere */
            struct hinfo h;
            if (classify(t + l, le - l, &h) != H_NONE) {
                h.a += l;
                h.b += l;
                add_cand(sc, l, le, pos, &h, prev_blank);
                last = &sc->c[sc->n - 1];
                prev_blank = false;
                continue;
            }
        }
        prev_blank = false;
        if (b - a <= 80 && !is_alnum_uc(first_uc(t, a, b)) && parse_is_break_line(t + a, b - a))
            continue;       /* separators are not content */
        if (last) {
            last->content_bytes += b - a;
            last->content_lines++;
        } else {
            sc->pre_bytes += b - a;
            sc->pre_lines++;
        }
    }
}

/* Keep or drop candidates by the context their form needs. */
static void filter_context(struct scan *sc, bool few_blanks)
{
    for (size_t i = 0; i < sc->n; i++) {
        struct cand *c = &sc->c[i];
        switch (c->h.kind) {
        case H_CJK: case H_SPECIAL:
            c->keep = true;
            break;
        case H_CHAPTER: case H_WORD:
            c->keep = few_blanks || c->blank_before || c->blank_after;
            break;
        default:
            c->keep = c->blank_before && c->blank_after;
        }
    }
}

static void add_chapter(struct parse_result *r, size_t *cap, size_t start)
{
    XGROW(r->ch, *cap, r->n_ch + 1);
    struct parse_chapter *c = &r->ch[r->n_ch++];
    memset(c, 0, sizeof *c);
    c->start = c->front_end = c->body = start;
    c->number = PARSE_NO_NUMBER;
}

/* Is a FanFicFare title page at the top: title, "by Author", then labelled
 * metadata lines? */
static bool detect_fff(const char *text, size_t len)
{
    struct top_line tl[2];
    if (top_lines(text, len, tl, 2) != 2 || !has_prefix_ci(text, tl[1].ta, tl[1].tb, "by "))
        return false;
    size_t pos = tl[1].next, l, le;
    int labels = 0;
    for (int k = 0; k < 60 && decode_next_line(text, len, &pos, &l, &le); k++) {
        size_t la = l, lb = le;
        trim(text, &la, &lb);
        if (la < lb && text[l] == '\t')
            break;
        if (is_label_line(text, la, lb))
            labels++;
    }
    return labels >= 2;
}

/* The display title of chapter head c; sets *number and *body (after the
 * heading lines). */
static char *head_title(const char *text, size_t len, const struct cand *c, bool word_sub,
                        size_t n_ch, int *number, size_t *body)
{
    *body = after_underline(text, c->next, len);
    *number = c->h.num;
    if (c->h.kind == H_SPECIAL) {
        int num;
        if (parse_is_heading(text + c->h.a, c->h.b - c->h.a, &num, NULL))
            *number = num;
        else
            *number = (int)n_ch;
        return tidy_title(text, c->h.a, c->h.b);
    }
    char *ht = tidy_title(text, c->h.a, c->h.b);
    if (word_sub || c->h.has_title || c->h.kind == H_WORD)
        return ht;
    struct hinfo sh;
    size_t sa, sb;
    size_t after = find_subtitle(text, *body, len, &sa, &sb, &sh);
    if (!after)
        return ht;
    *body = after;
    char *st = tidy_title(text, sa, sb);
    if (sh.kind == H_WORD) {        /* " Chapter 1" / "Prologue" */
        *number = sh.num;
        free(ht);
        return st;
    }
    size_t hl = strlen(ht);
    const char *sep = c->h.kind == H_CJK ? "\xE3\x80\x80"
                      : (hl && (ht[hl - 1] == '.' || ht[hl - 1] == ':')) ? " " : ". ";
    char *t = xasprintf("%s%s%s", ht, sep, st);
    free(ht);
    free(st);
    return t;
}

void parse_text(const char *text, size_t len, struct parse_result *out)
{
    memset(out, 0, sizeof *out);
    struct scan sc = {0};
    sc.t = text;
    sc.len = len;
    sc.fff_end = len;

    bool fff = detect_fff(text, len);
    scan_lines(&sc, 0, fff);
    if (fff && sc.n == 0)
        fff = false;
    size_t end = sc.pg_end ? sc.pg_end : sc.fff_end;

    size_t ch_title_line;
    out->body = announce(text, len, &sc, out, fff, &ch_title_line);
    out->fanficfare = fff;
    size_t body = out->body;

    /* The chapter-title line of "Title / Chapter title / text". */
    if (ch_title_line != (size_t)-1) {
        struct hinfo h = {H_SPECIAL, PARSE_NO_NUMBER, 0, 0, true};
        size_t pos = ch_title_line, l, le;
        decode_next_line(text, len, &pos, &l, &le);
        h.a = l;
        h.b = le;
        trim(text, &h.a, &h.b);
        XGROW(sc.c, sc.cap, sc.n + 1);
        memmove(sc.c + 1, sc.c, sc.n * sizeof *sc.c);
        sc.n++;
        sc.c[0] = (struct cand){.off = l, .line_end = le, .next = pos, .h = h,
                                .blank_before = true, .blank_after = true,
                                .content_bytes = sc.pre_bytes, .content_lines = sc.pre_lines};
        sc.pre_bytes = sc.pre_lines = 0;
    }

    size_t first = 0;           /* candidates inside the announcement don't count */
    while (first < sc.n && sc.c[first].off < body)
        first++;
    filter_context(&sc, sc.n_blank * 20 < sc.n_lines);

    /* Which forms are chapters here? */
    bool strong = false, has_chapterish = false, has_part = false;
    int n_numtitle = 0, n_bare = 0;
    for (size_t i = first; i < sc.n; i++) {
        struct cand *c = &sc.c[i];
        if (!c->keep)
            continue;
        bool content = has_content(c->content_bytes, c->content_lines);
        switch (c->h.kind) {
        case H_CHAPTER: case H_CJK: case H_SPECIAL:
            strong = has_chapterish = true;
            break;
        case H_WORD: has_chapterish = true; break;
        case H_NUMTITLE: n_numtitle += content; break;
        case H_BARE: n_bare += content; break;
        case H_PART: has_part = true; break;
        }
    }
    bool numtitle = n_numtitle >= 2, bare = n_bare >= 2;
    bool parts_are_chapters = has_part && !has_chapterish && !numtitle && !bare;

    /* Keep the chapter-level and part headings; a demoted heading's text
     * counts as content of the heading before it. */
    size_t nk = 0;
    struct cand *k = xmalloc((sc.n + 1) * sizeof *k);
    for (size_t i = first; i < sc.n; i++) {
        struct cand *c = &sc.c[i];
        if (c->keep && (chapter_level(c->h.kind, strong, numtitle, bare) || c->h.kind == H_PART)) {
            k[nk++] = *c;
        } else if (nk) {
            k[nk - 1].content_bytes += c->content_bytes + (c->line_end - c->off);
            k[nk - 1].content_lines += c->content_lines + 1;
        } else {
            sc.pre_bytes += c->content_bytes + (c->line_end - c->off);
            sc.pre_lines += c->content_lines + 1;
        }
    }

    /* Chapter heads are headings followed by text.  The text-less headings
     * just before a head are its part heading or a repeat of it (they open
     * its chapter), or a table of contents (left where it is: front matter
     * of the first chapter). */
    size_t cap = 0, run_start = 0;
    char *part_title = NULL;
    for (size_t i = 0; i < nk; i++) {
        struct cand *c = &k[i];
        if (!has_content(c->content_bytes, c->content_lines) && i + 1 < nk)
            continue;
        size_t j = i;
        bool word_sub = false;
        while (j > run_start) {
            const struct cand *p = &k[j - 1];
            bool dup = p->h.kind == c->h.kind && p->h.num == c->h.num;
            bool part = p->h.kind == H_PART && !parts_are_chapters;
            bool numbered_then_word = j == i && c->h.kind == H_WORD && p->h.kind == H_CHAPTER &&
                                      !p->h.has_title;
            if (!(dup || part || numbered_then_word))
                break;
            word_sub |= numbered_then_word;
            j--;
        }
        for (size_t q = j; q < i; q++)
            if (k[q].h.kind == H_PART && !parts_are_chapters) {
                free(part_title);
                part_title = tidy_title(text, k[q].h.a, k[q].h.b);
            }
        size_t start = k[j].off;
        if (out->n_ch == 0) {
            if (!sc.pg && !fff && sc.pre_bytes >= 3000 && start > body) {
                /* a long untitled opening is a chapter of its own */
                add_chapter(out, &cap, body);
                out->ch[0].front_end = out->ch[0].body = front_scan(text, body, start);
                add_chapter(out, &cap, start);
            } else {
                add_chapter(out, &cap, body);   /* all before the heading: front matter */
                out->ch[0].front_end = start;
            }
        } else {
            add_chapter(out, &cap, start);
        }
        struct parse_chapter *ch = &out->ch[out->n_ch - 1];
        bool is_part_head = c->h.kind == H_PART && !parts_are_chapters;
        if (is_part_head) {         /* a part with an introduction of its own */
            free(part_title);
            part_title = NULL;
        }
        char *title = head_title(text, len, c, word_sub, out->n_ch, &ch->number, &ch->body);
        if (part_title && c->h.kind != H_SPECIAL) {
            ch->title = xasprintf("%s \xE2\x80\x94 %s", part_title, title);
            free(title);
        } else {
            ch->title = title;
        }
        run_start = i + 1;
    }
    free(part_title);
    free(k);

    if (out->n_ch == 0) {
        add_chapter(out, &cap, body);
        size_t fe = sc.pg ? sc.pg_start : body;
        out->ch[0].front_end = out->ch[0].body = front_scan(text, fe, end);
    }
    /* Per-chapter preambles belong to the chapter they introduce. */
    for (size_t i = 1; i < out->n_ch; i++) {
        size_t s2 = preamble_start(text, out->ch[i - 1].body, out->ch[i].start);
        if (s2 < out->ch[i].start)
            out->ch[i].start = s2;
    }
    /* Chapters tile [body, len): each ends where the next starts. */
    for (size_t i = 0; i < out->n_ch; i++) {
        struct parse_chapter *ch = &out->ch[i];
        ch->end = i + 1 < out->n_ch ? out->ch[i + 1].start : len;
        if (ch->body > ch->end)
            ch->body = ch->end;
        if (ch->front_end > ch->body)
            ch->front_end = ch->body;
        ch->back = ch->end;
    }
    /* Closing notes of each chapter; the Gutenberg licence or FanFicFare's
     * "End file." after the last. */
    for (size_t i = 0; i < out->n_ch; i++) {
        struct parse_chapter *ch = &out->ch[i];
        size_t lim = i + 1 == out->n_ch && end < len ? (end > ch->body ? end : ch->body) : ch->end;
        size_t bk = back_scan(text, ch->body, lim);
        ch->back = bk > ch->body ? bk : lim;
    }
    free(sc.c);
}

void parse_result_free(struct parse_result *r)
{
    if (!r)
        return;
    free(r->title);
    free(r->author);
    for (size_t i = 0; i < r->n_ch; i++)
        free(r->ch[i].title);
    free(r->ch);
    memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------------ */
/* Words                                                               */

/* Word counting, one token at a time.  A token is a run of characters up
 * to white space, an en/em dash, an ellipsis or CJK punctuation; it is a
 * word when it holds a letter or digit.  Each ideograph is a word of its
 * own.  ASCII, Latin-1 letters and curly quotes take fast paths. */
size_t parse_count_words(const char *text, size_t start, size_t end)
{
    static const uint8_t ascii[128] = {
        ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1,
        ['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2, ['5'] = 2, ['6'] = 2, ['7'] = 2,
        ['8'] = 2, ['9'] = 2,
        ['A'] = 2, ['B'] = 2, ['C'] = 2, ['D'] = 2, ['E'] = 2, ['F'] = 2, ['G'] = 2, ['H'] = 2,
        ['I'] = 2, ['J'] = 2, ['K'] = 2, ['L'] = 2, ['M'] = 2, ['N'] = 2, ['O'] = 2, ['P'] = 2,
        ['Q'] = 2, ['R'] = 2, ['S'] = 2, ['T'] = 2, ['U'] = 2, ['V'] = 2, ['W'] = 2, ['X'] = 2,
        ['Y'] = 2, ['Z'] = 2,
        ['a'] = 2, ['b'] = 2, ['c'] = 2, ['d'] = 2, ['e'] = 2, ['f'] = 2, ['g'] = 2, ['h'] = 2,
        ['i'] = 2, ['j'] = 2, ['k'] = 2, ['l'] = 2, ['m'] = 2, ['n'] = 2, ['o'] = 2, ['p'] = 2,
        ['q'] = 2, ['r'] = 2, ['s'] = 2, ['t'] = 2, ['u'] = 2, ['v'] = 2, ['w'] = 2, ['x'] = 2,
        ['y'] = 2, ['z'] = 2,
    };
    const unsigned char *s = (const unsigned char *)text;
    size_t n = 0, i = start;
    unsigned has = 0;
    while (i < end) {
        unsigned char c = s[i];
        if (c < 0x80) {
            unsigned k = ascii[c], sp = k & 1u, al = k >> 1;
            i++;
            n += has & sp;      /* branch-free: word ends at a space */
            has = (has | al) & (sp ^ 1u);
            continue;
        }
        if (c == 0xC3 && i + 1 < end && s[i + 1] >= 0x80 && s[i + 1] <= 0xBF &&
            s[i + 1] != 0x97 && s[i + 1] != 0xB7) {
            i += 2;
            has = 1;
            continue;
        }
        if (c == 0xE2 && i + 2 < end && s[i + 1] == 0x80 && s[i + 2] >= 0x98 && s[i + 2] <= 0x9F) {
            i += 3;             /* quotation marks belong to the word they touch */
            continue;
        }
        ucs4_t uc;
        i += dec(text, i, end, &uc);
        if (is_space_uc(uc) || uc == 0x2014 || uc == 0x2013 || uc == 0x2026 || uc == 0x3002 ||
            uc == 0xFF0C || uc == 0x3001) {
            n += has;
            has = 0;
        } else if (uc_is_property_ideographic(uc)) {
            n += has + 1;
            has = 0;
        } else if (!has && uc_is_alnum(uc)) {
            has = 1;
        }
    }
    return n + has;
}

/* ------------------------------------------------------------------ */
/* Emphasis                                                            */

/* Character class around a marker run: 0 edge/space, 1 punctuation, 2 word. */
static int side_class(const char *s, size_t n, size_t i, bool before)
{
    if (before) {
        if (i == 0)
            return 0;
        size_t p = prev_char(s, i);
        ucs4_t c;
        dec(s, p, n, &c);
        if (is_space_uc(c))
            return 0;
        return is_alnum_uc(c) ? 2 : 1;
    }
    if (i >= n)
        return 0;
    ucs4_t c;
    dec(s, i, n, &c);
    if (is_space_uc(c))
        return 0;
    return is_alnum_uc(c) ? 2 : 1;
}

void markup_scan(const char *s, size_t n, uint8_t *cls)
{
    memset(cls, 0, n);
    /* no_closer[marker][k]: a search for a closer of k `*` (0) or `_` (1)
     * from there on found none.  Nothing that is not a closer becomes one
     * later (markers are only ever hidden), so a later opener of the same
     * kind need not search again: one pass over a paragraph full of
     * unmatched openers, instead of one pass per opener. */
    size_t no_closer[2][4] = {{SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX},
                              {SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX}};
    for (size_t i = 0; i < n; i++) {
        char m = s[i];
        if (m == '\\' && i + 1 < n && (s[i + 1] == '*' || s[i + 1] == '_')) {
            cls[i] = MARKUP_HIDDEN;     /* \* and \_ are literal markers */
            i++;
            continue;
        }
        if ((m != '*' && m != '_') || (cls[i] & MARKUP_HIDDEN))
            continue;
        size_t r = i;
        while (r < n && s[r] == m && !(cls[r] & MARKUP_HIDDEN))
            r++;
        size_t k = r - i;
        /* An opener: after an edge, space or punctuation; before a
         * non-space.  Runs longer than 3 are decoration. */
        if (k > 3 || side_class(s, n, i, true) == 2 || side_class(s, n, r, false) == 0) {
            i = r - 1;
            continue;
        }
        /* Find a closer: the same run length, after a non-space, before an
         * edge, space or punctuation. */
        size_t *nc = &no_closer[m == '_'][k];
        size_t j = r < *nc ? r : n, found = n;
        while (j < n) {
            if (s[j] == '\\') {
                j += 2;
                continue;
            }
            if (s[j] != m || (cls[j] & MARKUP_HIDDEN)) {
                j++;
                continue;
            }
            size_t e = j;
            while (e < n && s[e] == m)
                e++;
            if (e - j == k && side_class(s, n, j, true) != 0 && side_class(s, n, e, false) != 2) {
                found = j;
                break;
            }
            j = e;
        }
        if (found == n) {
            if (r < *nc)
                *nc = r;
            i = r - 1;
            continue;
        }
        uint8_t attr = k == 1 ? MARKUP_ITALIC : k == 2 ? MARKUP_BOLD : (MARKUP_ITALIC | MARKUP_BOLD);
        for (size_t q = i; q < r; q++)
            cls[q] = MARKUP_HIDDEN;
        for (size_t q = found; q < found + k; q++)
            cls[q] = MARKUP_HIDDEN;
        for (size_t q = r; q < found; q++)
            cls[q] |= attr;
        /* continue inside: nested markers of another kind may match */
        i = r - 1;
    }
}

/* ------------------------------------------------------------------ */
/* parse_blocks                                                        */

struct pline {
    size_t a, b;        /* line without terminator */
    size_t ta, tb;      /* trimmed */
    size_t next;        /* start of the next line */
    int indent;         /* leading white space in columns */
    bool blank, brk;
};

static int indent_cols(const char *t, size_t a, size_t b)
{
    int cols = 0;
    for (size_t i = a; i < b;) {
        unsigned char c = (unsigned char)t[i];
        if (c == ' ') {
            cols++;
            i++;
        } else if (c == '\t') {
            cols += 4;
            i++;
        } else {
            size_t k = space_at(t, i, b);
            if (!k)
                break;
            cols += k == 3 && c == 0xE3 ? 2 : 1;
            i += k;
        }
    }
    return cols;
}

struct blist {
    struct block *v;
    size_t n, cap;
    int *gap;           /* blank lines before each block */
    size_t gcap;
};

static void bl_add(struct blist *bl, size_t off, size_t end, int kind, int gap)
{
    XGROW(bl->v, bl->cap, bl->n + 1);
    XGROW(bl->gap, bl->gcap, bl->n + 1);
    bl->v[bl->n] = (struct block){off, end, (uint8_t)kind, 0};
    bl->gap[bl->n] = gap;
    bl->n++;
}

/* Does paragraph [a, b) contain a quotation mark? */
static bool has_quote(const char *t, size_t a, size_t b)
{
    for (size_t i = a; i < b;) {
        ucs4_t c;
        i += dec(t, i, b, &c);
        if (c == '"' || c == 0x201C || c == 0x201D || c == 0xAB || c == 0xBB || c == 0x201E ||
            c == 0x300C)
            return true;
    }
    return false;
}

/* A one-line paragraph that labels what follows rather than telling the
 * story: a date line, a diary or letter header in _emphasis_ or brackets,
 * a salutation ending in a comma, a signature in capitals.  Blank lines
 * around such lines are layout, not scene breaks. */
static bool label_like(const char *t, size_t a, size_t b)
{
    size_t ta = a, tb = b;
    trim(t, &ta, &tb);
    if (ta >= tb || memchr(t + ta, '\n', tb - ta) || char_count(t, ta, tb) > 50)
        return false;
    if (t[ta] == '_' || t[ta] == '(' || t[ta] == '[' || t[tb - 1] == ',')
        return true;
    bool lower = false;
    for (size_t i = ta; i < tb;) {
        ucs4_t c;
        i += dec(t, i, tb, &c);
        if (c >= '0' && c <= '9')
            return true;
        if (c < 0x80 ? (c >= 'a' && c <= 'z') : uc_is_lower(c))
            lower = true;
    }
    return !lower;
}

static bool opens_with_quote(const char *t, size_t a, size_t b)
{
    size_t ta = a, tb = b;
    trim(t, &ta, &tb);
    while (ta < tb && (t[ta] == '*' || t[ta] == '_'))
        ta++;
    if (ta >= tb)
        return false;
    ucs4_t c = first_uc(t, ta, tb);
    return c == '"' || c == 0x201C || c == 0x201D || c == 0xAB || c == 0xBB || c == 0x201E ||
           c == 0x2018 || c == '\'' || c == 0x300C || c == 0x2014 || (c == '-' && tb - ta > 2 &&
           t[ta + 1] == '-');
}

size_t parse_blocks_body(const char *text, size_t start, size_t end, size_t front_end,
                         size_t body, size_t back, struct block **out)
{
    if (front_end < start)
        front_end = start;
    if (body < front_end)
        body = front_end;
    if (back > end || back < start)
        back = end;
    /* 1. lines */
    struct pline *L = NULL;
    size_t nl = 0, lcap = 0;
    size_t pos = start, l, le;
    while (decode_next_line(text, end, &pos, &l, &le)) {
        XGROW(L, lcap, nl + 1);
        struct pline *p = &L[nl++];
        p->a = l;
        p->b = le;
        p->ta = l;
        p->tb = le;
        trim(text, &p->ta, &p->tb);
        p->next = pos;
        p->blank = p->ta == p->tb;
        p->indent = p->blank ? 0 : indent_cols(text, l, le);
        p->brk = !p->blank && p->tb - p->ta <= 400 && parse_is_break_line(text + p->ta, p->tb - p->ta);
    }

    /* 2. paragraph mode: one paragraph per line when lines inside runs are
     * long (not hard-wrapped). */
    size_t in_runs = 0, long_lines = 0;
    for (size_t i = 0; i < nl; i++) {
        if (L[i].blank)
            continue;
        bool run = (i > 0 && !L[i - 1].blank) || (i + 1 < nl && !L[i + 1].blank);
        if (!run)
            continue;
        in_runs++;
        if (char_count(text, L[i].ta, L[i].tb) > 100)
            long_lines++;
    }
    bool line_mode = in_runs >= 3 && long_lines * 4 >= in_runs;
    /* Indented first lines (and no blank lines needed): in a text where most
     * lines are indented, each indented line starts a paragraph. */
    size_t n_text = 0, n_indented = 0;
    for (size_t i = 0; i < nl; i++)
        if (!L[i].blank) {
            n_text++;
            n_indented += L[i].indent >= 2;
        }
    bool all_indented = n_indented * 2 > n_text;

    /* 3. split into raw blocks */
    struct blist bl = {0};
    int gap = 0;
    size_t i = 0;
    while (i < nl) {
        struct pline *p = &L[i];
        if (p->blank) {
            gap++;
            i++;
            continue;
        }
        if (p->a < body && p->a >= front_end) {
            /* heading region: one heading block for all its lines */
            size_t j = i;
            while (j + 1 < nl && L[j + 1].a < body)
                j++;
            while (j > i && L[j].blank)
                j--;
            bl_add(&bl, p->a, L[j].b, BLOCK_HEADING, gap);
            gap = 0;
            i = j + 1;
            continue;
        }
        if (p->brk) {
            bl_add(&bl, p->a, p->b, BLOCK_BREAK, gap);
            gap = 0;
            i++;
            continue;
        }
        size_t j = i;
        while (j + 1 < nl && !L[j + 1].blank && !L[j + 1].brk && !line_mode &&
               !(L[j + 1].a >= front_end && L[j + 1].a < body) &&
               !(L[j + 1].indent >= 2 && (L[j].indent < 2 || all_indented)))
            j++;
        bl_add(&bl, p->a, L[j].b, BLOCK_PARA, gap);
        gap = 0;
        i = j + 1;
    }

    /* 4. verse: all lines indented, in a text whose paragraphs mostly are not */
    size_t n_para = 0, n_ind = 0;
    for (size_t b = 0; b < bl.n; b++)
        if (bl.v[b].kind == BLOCK_PARA) {
            n_para++;
            size_t o = bl.v[b].off, e = bl.v[b].off;
            (void)e;
            if (indent_cols(text, o, bl.v[b].end) >= 2)
                n_ind++;
        }
    bool indent_normal = n_ind * 2 > n_para || all_indented;
    if (!indent_normal && !line_mode) {
        size_t li = 0;
        for (size_t b = 0; b < bl.n; b++) {
            if (bl.v[b].kind != BLOCK_PARA)
                continue;
            while (li < nl && L[li].a < bl.v[b].off)
                li++;
            bool all = true;
            size_t q = li;
            for (; q < nl && L[q].a < bl.v[b].end; q++)
                if (L[q].indent < 2)
                    all = false;
            if (all)
                bl.v[b].kind = BLOCK_VERSE;
        }
    }

    /* 5. headings: a one-line block standing alone that reads as a heading */
    for (size_t b = 0; b < bl.n; b++) {
        struct block *v = &bl.v[b];
        if (v->kind != BLOCK_PARA && v->kind != BLOCK_VERSE)
            continue;
        if (memchr(text + v->off, '\n', v->end - v->off) || memchr(text + v->off, '\r', v->end - v->off))
            continue;
        bool alone = (b == 0 || bl.gap[b] > 0) && (b + 1 == bl.n || bl.gap[b + 1] > 0);
        if (!alone && !line_mode)
            continue;
        struct hinfo h;
        int k = classify(text + v->off, v->end - v->off, &h);
        if (k == H_NONE)
            continue;
        if (line_mode && !alone && k != H_CHAPTER && k != H_WORD && k != H_CJK)
            continue;
        v->kind = BLOCK_HEADING;
    }
    /* an underline right below a heading belongs to it */
    for (size_t b = 1; b < bl.n; b++)
        if (bl.v[b].kind == BLOCK_BREAK && bl.gap[b] == 0 && bl.v[b - 1].kind == BLOCK_HEADING) {
            bl.v[b - 1].end = bl.v[b].end;
            memmove(bl.v + b, bl.v + b + 1, (bl.n - b - 1) * sizeof *bl.v);
            memmove(bl.gap + b, bl.gap + b + 1, (bl.n - b - 1) * sizeof *bl.gap);
            bl.n--;
            b--;
        }
    /* consecutive break lines are one break (Alice's three-line star block) */
    for (size_t b = 1; b < bl.n; b++)
        if (bl.v[b].kind == BLOCK_BREAK && bl.v[b - 1].kind == BLOCK_BREAK) {
            bl.v[b - 1].end = bl.v[b].end;
            memmove(bl.v + b, bl.v + b + 1, (bl.n - b - 1) * sizeof *bl.v);
            memmove(bl.gap + b, bl.gap + b + 1, (bl.n - b - 1) * sizeof *bl.gap);
            bl.n--;
            b--;
        }

    /* 6. front and back matter */
    size_t first_text = body;
    for (size_t b = 0; b < bl.n; b++)
        if (bl.v[b].off >= body && bl.v[b].kind != BLOCK_HEADING) {
            first_text = bl.v[b].off;
            break;
        }
    size_t fe2 = front_scan(text, first_text, back);
    size_t bk2 = back_scan(text, first_text, back);
    if (bk2 < fe2)
        bk2 = back;
    for (size_t b = 0; b < bl.n; b++) {
        struct block *v = &bl.v[b];
        if (v->off < front_end || (v->off >= first_text && v->off < fe2))
            v->flags |= BLOCK_FRONT;
        if (v->off >= back || v->off >= bk2)
            v->flags |= BLOCK_BACK;
    }

    /* 7. lost scene breaks.  The usual gap between paragraphs is the most
     * common blank-run length (0 in one-paragraph-per-line texts, 1 in most,
     * 2 in some).  A gap of at least max(2, twice the usual) between two
     * paragraphs of story text stands for a lost separator — unless it is a
     * pause in dialogue: the next paragraph opens with a quotation mark and
     * the one before holds one.  Gaps next to headings, breaks, verse or the
     * front/back matter boundary are layout, not breaks. */
    int hist[4] = {0};
    for (size_t b = 1; b < bl.n; b++)
        if (bl.v[b].kind == BLOCK_PARA && bl.v[b - 1].kind == BLOCK_PARA)
            hist[bl.gap[b] < 3 ? bl.gap[b] : 3]++;
    int mode = 0;
    for (int g = 1; g < 4; g++)
        if (hist[g] > hist[mode])
            mode = g;
    int need = mode * 2 > 2 ? mode * 2 : 2;
    struct blist res = {0};
    for (size_t b = 0; b < bl.n; b++) {
        struct block *v = &bl.v[b];
        if (b > 0 && bl.gap[b] >= need && v->kind == BLOCK_PARA && bl.v[b - 1].kind == BLOCK_PARA &&
            v->flags == 0 && bl.v[b - 1].flags == 0 &&
            !label_like(text, v->off, v->end) && !label_like(text, bl.v[b - 1].off, bl.v[b - 1].end) &&
            !(opens_with_quote(text, v->off, v->end) &&
              has_quote(text, bl.v[b - 1].off, bl.v[b - 1].end))) {
            /* the gap starts on the line after the previous paragraph */
            size_t g = bl.v[b - 1].end;
            size_t gp = g, gl, gle;
            decode_next_line(text, end, &gp, &gl, &gle);
            XGROW(res.v, res.cap, res.n + 1);
            res.v[res.n++] = (struct block){gp, gp, BLOCK_BREAK, 0};
        }
        XGROW(res.v, res.cap, res.n + 1);
        res.v[res.n++] = *v;
    }
    free(bl.v);
    free(bl.gap);
    free(L);
    *out = res.v ? res.v : xmalloc(sizeof **out);
    return res.n;
}

size_t parse_blocks(const char *text, size_t start, size_t end, size_t front_end,
                    size_t back, struct block **out)
{
    return parse_blocks_body(text, start, end, front_end, front_end, back, out);
}
