/* heading_words.c — the words and numerals chapter headings are written in.
 * See parse_int.h.
 *
 * The words come from one row per language below, each field one line of
 * words separated by spaces.  To teach the parser a language, add a row:
 * the heading forms (heading.c) take their words from every row.  The
 * rows are read once into one table sorted for binary search, built with
 * pthread_once (the reader and the loader may parse at once, loader.h). */
#include "parse_int.h"
#include "uchar.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>

/* One language's heading words, lower case UTF-8.  In the number lines the
 * k-th group of words (from 1) means k, in the tens line 10(k+1) (twenty,
 * thirty, ...); a group "a|b|c" spells one number several ways; "=N" after
 * a group gives it the value N, and the groups after it count on from N. */
struct hw_lang {
    const char *lang;       /* ISO 639-1 code */
    const char *chapter;    /* HW_CHAPTER: "Chapter 12", "Kapitel 3" */
    const char *part;       /* HW_PART: "Book One", "Partie II" */
    const char *opening;    /* HW_ALONE sorting first (PARSE_PROLOGUE) */
    const char *closing;    /* HW_ALONE sorting last (PARSE_EPILOGUE) */
    const char *unnumbered; /* HW_ALONE with no number (PARSE_NO_NUMBER) */
    const char *article;    /* HW_ARTICLE: "Chapter the First" */
    const char *numbers;    /* HW_NUMBER */
    const char *tens;       /* HW_TENS */
};

static const struct hw_lang langs[] = {
    {.lang = "en",
     .chapter = "chapter chap ch letter adventure episode stave canto section",
     .part = "book part volume vol",
     .opening = "prologue prelude preface foreword introduction",
     .closing = "epilogue afterword",
     .unnumbered = "interlude",
     .article = "the",
     .numbers = "one|first two|second three|third four|fourth five|fifth six|sixth seven|seventh "
                "eight|eighth nine|ninth ten|tenth eleven|eleventh twelve|twelfth "
                "thirteen|thirteenth fourteen|fourteenth fifteen|fifteenth sixteen|sixteenth "
                "seventeen|seventeenth eighteen|eighteenth nineteen|nineteenth "
                "twentieth=20 thirtieth=30 fortieth=40 fiftieth=50 sixtieth=60 seventieth=70 "
                "eightieth=80 ninetieth=90 hundred|hundredth=100",
     .tens = "twenty thirty forty fifty sixty seventy eighty ninety"},
    {.lang = "fr",
     .chapter = "chapitre",
     .part = "partie livre",
     .numbers = "premier|premi\xc3\xa8re|premiere deuxi\xc3\xa8me|deuxieme|seconde "
                "troisi\xc3\xa8me|troisieme quatri\xc3\xa8me|quatrieme cinqui\xc3\xa8me|cinquieme"},
    {.lang = "de",
     .chapter = "kapitel",
     .part = "teil buch",
     .opening = "prolog",
     .closing = "epilog",
     .numbers = "erster|erstes|erste zweiter|zweites|zweite dritter|drittes|dritte"},
    {.lang = "es",
     .chapter = "capitulo"},
};

static struct hw_word *words;   /* every word of every row, sorted (kept to the end) */
static size_t n_words, cap_words;

/* Add one line's words: the k-th group (from 0) means first + k*step
 * unless it says "=N". */
static void add_line(const char *lang, const char *line, int type, int first, int step)
{
    int val = first;
    for (const char *p = line; p && *p;) {
        const char *g = p;                      /* one group: a|b|c[=N] */
        while (*p && *p != ' ')
            p++;
        const char *ge = p, *eq = memchr(g, '=', (size_t)(p - g));
        if (eq) {
            val = atoi(eq + 1);
            ge = eq;
        }
        for (const char *w = g; w < ge;) {
            const char *we = memchr(w, '|', (size_t)(ge - w));
            if (!we)
                we = ge;
            XGROW(words, cap_words, n_words + 1);
            words[n_words++] = (struct hw_word){xstrndup(w, (size_t)(we - w)), type, val, lang};
            w = we + 1;
        }
        val += step;
        while (*p == ' ')
            p++;
    }
}

static int word_cmp(const void *x, const void *y)
{
    return strcmp(((const struct hw_word *)x)->w, ((const struct hw_word *)y)->w);
}

static void build_words(void)
{
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        const struct hw_lang *l = &langs[i];
        add_line(l->lang, l->chapter, HW_CHAPTER, 0, 0);
        add_line(l->lang, l->part, HW_PART, 0, 0);
        add_line(l->lang, l->opening, HW_ALONE, PARSE_PROLOGUE, 0);
        add_line(l->lang, l->closing, HW_ALONE, PARSE_EPILOGUE, 0);
        add_line(l->lang, l->unnumbered, HW_ALONE, PARSE_NO_NUMBER, 0);
        add_line(l->lang, l->article, HW_ARTICLE, 0, 0);
        add_line(l->lang, l->numbers, HW_NUMBER, 1, 1);
        add_line(l->lang, l->tens, HW_TENS, 20, 10);
    }
    qsort(words, n_words, sizeof *words, word_cmp);
}

const struct hw_word *hw_lookup(const char *s, size_t a, size_t e)
{
    static pthread_once_t built = PTHREAD_ONCE_INIT;
    pthread_once(&built, build_words);
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
    struct hw_word key = {buf, 0, 0, NULL};
    return bsearch(&key, words, n_words, sizeof *words, word_cmp);
}

size_t hw_word_end(const char *s, size_t a, size_t b)
{
    size_t i = a;
    while (i < b) {
        unsigned char c = (unsigned char)s[i];
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
            i++;
        } else if (c >= 0x80) {
            uint32_t uc;
            size_t k = uch_decode(s, i, b, &uc);
            if (!uc_is_alpha(uc))
                break;
            i += k;
        } else {
            break;
        }
    }
    return i;
}

/* A number in words at s[*p] ("twelve", "Twenty-One", "twenty one",
 * "Third", "Première").  Advances *p past it.  -1 if none. */
int hw_number_words(const char *s, size_t *p, size_t b)
{
    size_t a = *p, e = hw_word_end(s, a, b);
    const struct hw_word *w = hw_lookup(s, a, e);
    if (!w || (w->type != HW_NUMBER && w->type != HW_TENS))
        return -1;
    int v = w->val;
    *p = e;
    if (w->type == HW_TENS && e < b && (s[e] == '-' || s[e] == ' ')) {
        size_t a2 = e + 1, e2 = hw_word_end(s, a2, b);
        const struct hw_word *u = hw_lookup(s, a2, e2);
        if (u && u->type == HW_NUMBER && u->val >= 1 && u->val <= 9) {
            v += u->val;
            *p = e2;
        }
    }
    return v;
}

/* Chinese numeral at s[*p]: positional (二十三, 一百二十) or digit-by-digit
 * (一一六, 一零零).  ASCII and full-width digits too.  -1 if none. */
int hw_cjk_number(const char *s, size_t *p, size_t b)
{
    size_t i = *p;
    int digits[16];
    int nd = 0;
    bool positional = false;
    long total = 0, cur = -1;
    while (i < b && nd < 15) {
        uint32_t c;
        size_t k = uch_decode(s, i, b, &c);
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
int hw_roman(const char *s, size_t a, size_t b)
{
    if (b <= a || b - a > 12)
        return -1;
    bool upper = uch_is_upper_ascii(s[a]);
    int total = 0;
    for (size_t i = a; i < b; i++) {
        int v = roman_value(s[i]);
        if (!v || uch_is_upper_ascii(s[i]) != upper)
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
