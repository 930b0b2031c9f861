/* heading_words.c — the words and numerals chapter headings are written in.
 * See parse_int.h.
 *
 * The words come from one row per language below, each field one line of
 * words separated by spaces.  To teach the parser a language, add a row:
 * the heading forms (heading.c) take their words from every row.  The
 * lookups read `words`, the rows' words sorted for binary search, which
 * the build writes: this file compiled with -DHW_GENERATE is a program
 * that prints them (the Makefile's $(BUILD)/gen/heading_words.inc), and
 * compiled as usual it includes what that printed.  So the rows are the
 * one place the words are written, and nothing is built at start (a
 * story's head is parsed before its first screen, and building the table
 * from the rows was 0.35M instructions of it, docs/BENCHMARKS.md). */
#include "parse_int.h"
#include "uchar.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>

#ifdef HW_GENERATE

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
     .part = "partie livre tome",
     .opening = "prologue préface",
     .closing = "épilogue postface",
     .unnumbered = "interlude",
     .numbers = "un|une|premier|première|premiere deux|deuxième|deuxieme|second|seconde "
                "trois|troisième|troisieme quatre|quatrième|quatrieme cinq|cinquième|cinquieme "
                "six|sixième|sixieme sept|septième|septieme huit|huitième|huitieme "
                "neuf|neuvième|neuvieme dix|dixième|dixieme"},
    {.lang = "de",
     .chapter = "kapitel",
     .part = "teil buch",
     .opening = "prolog vorwort",
     .closing = "epilog nachwort",
     .unnumbered = "zwischenspiel",
     .numbers = "erster|erstes|erste|eins zweiter|zweites|zweite|zwei dritter|drittes|dritte|drei "
                "vierter|viertes|vierte|vier fünfter|fünftes|fünfte|fünf "
                "sechster|sechstes|sechste|sechs siebter|siebtes|siebte|sieben "
                "achter|achtes|achte|acht neunter|neuntes|neunte|neun zehnter|zehntes|zehnte|zehn"},
    {.lang = "es",
     .chapter = "capítulo capitulo cap",
     .part = "parte libro",
     .opening = "prólogo prologo prefacio",
     .closing = "epílogo epilogo",
     .unnumbered = "interludio",
     .numbers = "uno|primero|primera|primer dos|segundo|segunda tres|tercero|tercera|tercer "
                "cuatro|cuarto|cuarta cinco|quinto|quinta seis|sexto|sexta "
                "siete|séptimo|séptima|septimo|septima ocho|octavo|octava nueve|noveno|novena "
                "diez|décimo|décima|decimo|decima"},
    {.lang = "pt",
     .chapter = "capítulo capitulo cap",
     .part = "parte livro",
     .opening = "prólogo prologo prefácio",
     .closing = "epílogo epilogo",
     .unnumbered = "interlúdio",
     .numbers = "um|uma|primeiro|primeira dois|duas|segundo|segunda três|tres|terceiro|terceira "
                "quatro|quarto|quarta cinco|quinto|quinta seis|sexto|sexta sete|sétimo|sétima "
                "oito|oitavo|oitava nove|nono|nona dez|décimo|décima"},
    {.lang = "it",
     .chapter = "capitolo cap",
     .part = "parte libro",
     .opening = "prologo prefazione",
     .closing = "epilogo",
     .unnumbered = "interludio",
     .numbers = "uno|primo|prima due|secondo|seconda tre|terzo|terza quattro|quarto|quarta "
                "cinque|quinto|quinta sei|sesto|sesta sette|settimo|settima otto|ottavo|ottava "
                "nove|nono|nona dieci|decimo|decima"},
    {.lang = "nl",
     .chapter = "hoofdstuk",
     .part = "deel boek",
     .opening = "proloog voorwoord",
     .closing = "epiloog nawoord",
     .numbers = "een|één|eerste twee|tweede drie|derde vier|vierde vijf|vijfde zes|zesde "
                "zeven|zevende acht|achtste negen|negende tien|tiende"},
    {.lang = "ru",
     .chapter = "глава",
     .part = "часть том книга",
     .opening = "пролог предисловие",
     .closing = "эпилог послесловие",
     .unnumbered = "интерлюдия",
     .numbers = "первая|первый|первое|один|одна вторая|второй|второе|два|две "
                "третья|третий|третье|три четвёртая|четвёртый|четвертая|четвертый|четыре "
                "пятая|пятый|пять шестая|шестой|шесть седьмая|седьмой|семь "
                "восьмая|восьмой|восемь девятая|девятый|девять десятая|десятый|десять"},
    {.lang = "uk",
     .chapter = "розділ глава",
     .part = "частина том книга",
     .opening = "пролог передмова",
     .closing = "епілог післямова",
     .numbers = "перша|перший|перше|один|одна друга|другий|друге|два|дві третя|третій|третє|три "
                "четверта|четвертий|чотири шоста|шостий|шість=6 сьома|сьомий|сім "
                "восьма|восьмий|вісім десята|десятий|десять=10"},
    {.lang = "pl",
     .chapter = "rozdział",
     .part = "część księga",
     .opening = "prolog wstęp",
     .closing = "epilog",
     .numbers = "pierwszy|pierwsza|jeden drugi|druga|dwa trzeci|trzecia|trzy "
                "czwarty|czwarta|cztery piąty|piąta|pięć szósty|szósta|sześć "
                "siódmy|siódma|siedem ósmy|ósma|osiem dziewiąty|dziewiąta|dziewięć "
                "dziesiąty|dziesiąta|dziesięć"},
    {.lang = "cs",
     .chapter = "kapitola",
     .part = "část díl kniha",
     .opening = "prolog úvod",
     .closing = "epilog doslov",
     .numbers = "první|jeden|jedna druhá|druhý|dva|dvě třetí|tři čtvrtá|čtvrtý|čtyři "
                "pátá|pátý|pět šestá|šestý|šest sedmá|sedmý|sedm osmá|osmý|osm "
                "devátá|devátý|devět desátá|desátý|deset"},
    {.lang = "id",
     .chapter = "bab",
     .part = "bagian jilid buku",
     .opening = "prolog prakata",
     .closing = "epilog",
     .numbers = "satu|pertama|kesatu dua|kedua tiga|ketiga empat|keempat lima|kelima "
                "enam|keenam tujuh|ketujuh delapan|kedelapan sembilan|kesembilan "
                "sepuluh|kesepuluh"},
    {.lang = "vi",
     .chapter = "chương hồi",
     .part = "phần quyển tập",
     .article = "thứ",
     .numbers = "một|nhất hai|nhì ba tư|bốn năm sáu bảy tám chín mười"},
    {.lang = "tr",
     .chapter = "bölüm",
     .part = "kısım cilt kitap",
     .opening = "önsöz prolog giriş",
     .closing = "sonsöz epilog",
     .numbers = "bir|birinci iki|ikinci üç|üçüncü dört|dördüncü beş|beşinci altı|altıncı "
                "yedi|yedinci sekiz|sekizinci dokuz|dokuzuncu onuncu"},
    /* Chinese, Japanese and Korean chapters are counted, not named
     * (第三章, 第3話, 제3장): heading.c's counter rows.  Here are their
     * headings of one word. */
    {.lang = "zh",
     .opening = "序章 楔子 序幕 引子",
     .closing = "尾声 尾聲 终章 終章 后记 後記",
     .unnumbered = "番外"},
    {.lang = "ja",
     .chapter = "チャプター",
     .opening = "プロローグ 序章",
     .closing = "エピローグ 終章",
     .unnumbered = "幕間"},
    {.lang = "ko",
     .chapter = "챕터",
     .opening = "프롤로그 서장",
     .closing = "에필로그 종장",
     .unnumbered = "외전 번외"},
};

/* The rows' words, sorted by strcmp, equal words in row order, printed as
 * the initializers of `words`: the build's $(BUILD)/gen/heading_words.inc. */
struct row_word {
    struct hw_word w;
    size_t at;   /* its place in the rows: the order of equal words */
};

static struct row_word *all;
static size_t n_all, cap_all;

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
            XGROW(all, cap_all, n_all + 1);
            all[n_all] = (struct row_word){{xstrndup(w, (size_t)(we - w)), type, val, lang}, n_all};
            n_all++;
            w = we + 1;
        }
        val += step;
        while (*p == ' ')
            p++;
    }
}

static int by_word(const void *a, const void *b)
{
    const struct row_word *x = a, *y = b;
    int c = strcmp(x->w.w, y->w.w);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

int main(void)
{
    static const char *const types[] = {"0", "HW_CHAPTER", "HW_PART", "HW_ALONE",
                                        "HW_ARTICLE", "HW_NUMBER", "HW_TENS"};
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
    qsort(all, n_all, sizeof *all, by_word);
    printf("/* Written by the build from src/heading_words.c's rows (-DHW_GENERATE): "
           "do not edit. */\n");
    for (size_t i = 0; i < n_all; i++) {
        const struct hw_word *w = &all[i].w;
        char val[16];
        snprintf(val, sizeof val, "%d", w->val);
        printf("    {\"%s\", %s, %s, \"%s\"},\n", w->w, types[w->type],
               w->type != HW_ALONE ? val : w->val == PARSE_PROLOGUE ? "PARSE_PROLOGUE"
                                       : w->val == PARSE_EPILOGUE ? "PARSE_EPILOGUE"
                                                                  : "PARSE_NO_NUMBER",
               w->lang);
    }
    return ferror(stdout) || fflush(stdout) != 0;
}

#else

/* Every word of every row, sorted by strcmp, equal words in row order. */
static const struct hw_word words[] = {
#include "heading_words.inc"
};
#define N_WORDS (sizeof words / sizeof words[0])

/* s[a, e) in lower case into buf (size HW_MAX_WORD + 1): ASCII by hand,
 * the rest by libunistring (Ä, Ł, Ж, Ş, Ư); the dot above that lowering
 * a Turkish İ leaves is dropped (İKİNCİ -> ikinci).  0 when it does not
 * fit. */
static size_t fold_word(const char *s, size_t a, size_t e, char *buf)
{
    bool ascii = true;
    for (size_t i = a; i < e; i++)
        ascii &= (unsigned char)s[i] < 0x80;
    if (ascii) {
        if (e - a > HW_MAX_WORD)
            return 0;
        for (size_t i = a; i < e; i++)
            buf[i - a] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? (s[i] | 0x20) : s[i]);
        buf[e - a] = '\0';
        return e - a;
    }
    uint8_t low[HW_MAX_WORD * 2];
    size_t n = sizeof low;
    uint8_t *r = u8_tolower((const uint8_t *)s + a, e - a, NULL, NULL, low, &n);
    if (!r)
        return 0;
    size_t o = 0;
    for (size_t i = 0; i < n && o <= HW_MAX_WORD; i++) {
        if (r[i] == 0xCC && i + 1 < n && r[i + 1] == 0x87) {
            i++;                /* U+0307 COMBINING DOT ABOVE */
            continue;
        }
        if (o == HW_MAX_WORD) {
            o = HW_MAX_WORD + 1;
            break;
        }
        buf[o++] = (char)r[i];
    }
    if (r != low)
        free(r);
    if (o > HW_MAX_WORD)
        return 0;
    buf[o] = '\0';
    return o;
}

/* strcmp(w, k) for k the n bytes at k (ending early at a NUL) with ASCII
 * capitals read as small letters: a lookup's key, folded as it is read. */
static int cmp_key(const char *w, const char *k, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)w[i], y = (unsigned char)k[i];
        if (y >= 'A' && y <= 'Z')
            y |= 0x20;
        if (x != y)
            return x < y ? -1 : 1;
        if (x == '\0')
            return 0;
    }
    return w[n] != '\0';
}

const struct hw_word *hw_lookup(const char *s, size_t a, size_t e)
{
    if (e <= a || e - a > HW_MAX_WORD * 2)
        return NULL;
    /* An ASCII word is folded as it is compared, the others first. */
    char buf[HW_MAX_WORD + 1];
    const char *k = s + a;
    size_t n = e - a;
    bool ascii = true;
    for (size_t i = a; i < e; i++)
        ascii &= (unsigned char)s[i] < 0x80;
    if (ascii ? n > HW_MAX_WORD : (n = fold_word(s, a, e, buf)) == 0)
        return NULL;
    if (!ascii)
        k = buf;
    /* The first of the equal words (they differ in their row only:
     * hw_conflicts() is 0). */
    size_t lo = 0, hi = N_WORDS;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_key(words[mid].w, k, n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < N_WORDS && cmp_key(words[lo].w, k, n) == 0 ? &words[lo] : NULL;
}

size_t hw_conflicts(char *msg, size_t size)
{
    size_t n = 0;
    if (size)
        msg[0] = '\0';
    for (size_t i = 1; i < N_WORDS; i++) {
        const struct hw_word *x = &words[i - 1], *y = &words[i];
        if (strcmp(x->w, y->w) != 0 || (x->type == y->type && x->val == y->val))
            continue;
        if (n++ == 0 && size)
            snprintf(msg, size, "\"%s\" is type %d value %d in %s but type %d value %d in %s",
                     x->w, x->type, x->val, x->lang, y->type, y->val, y->lang);
    }
    return n;
}

bool hw_is_lower(const char *w)
{
    size_t n = strlen(w);
    char buf[HW_MAX_WORD + 1];
    return n > 0 && fold_word(w, 0, n, buf) == n && memcmp(buf, w, n) == 0;
}

size_t hw_n_words(void)
{
    return N_WORDS;
}

const struct hw_word *hw_word_at(size_t i)
{
    return i < N_WORDS ? &words[i] : NULL;
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

#endif
