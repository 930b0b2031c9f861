/* test_heading.c — chapter headings as real downloads write them (issue 20).
 *
 * One GENERATED story per heading style: a title line, a "by Author" line,
 * then 4-9 chapters with random titles and random prose.  For each the
 * test asserts the chapter count, each chapter's title (the heading's own
 * words) and where each chapter starts, and that no word is lost: the
 * chapters' bodies hold exactly the prose that was written.  Then the
 * negative controls (lines that look like headings and are not, layouts
 * that split right before issue 20 and must still), and checks on the
 * language table of src/heading_words.c.
 *
 * The random choices come from a seeded generator; the seed is printed
 * first, and QUIRE_TEST_SEED=N runs the same stories again. */
#include "check.h"
#include "parse.h"
#include "parse_int.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the generator ---- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;   /* xorshift64 */
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

static const char *const title_words[] = {
    "Silver", "River", "Winter", "Garden", "Letters", "Morning", "Candle", "Forest", "Ashes",
    "Harbour", "Lantern", "Promise", "Thunder", "Willow", "Glass", "Crossing", "Orchard",
    "Embers", "Tides", "Homecoming",
};
static const char *const prose_words[] = {
    "the", "river", "ran", "under", "a", "grey", "sky", "and", "she", "walked", "home",
    "slowly", "through", "wet", "fields", "while", "he", "waited", "by", "old", "gate",
    "with", "letters", "in", "his", "coat", "nobody", "knew", "why", "bells", "rang",
};
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* A random title of 1-3 capitalised words. */
static void make_title(char *out, size_t size)
{
    int n = 1 + (int)rnd(3);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strncat(out, " ", size - strlen(out) - 1);
        strncat(out, title_words[rnd(N_OF(title_words))], size - strlen(out) - 1);
    }
}

/* Random prose: 3-8 paragraphs of 12-40 words, each a sentence (a
 * chapter needs 150 bytes, 4 lines, or 2 lines of 80 bytes to be one: has_content in parse_text.c). */
static void add_prose(struct buf *b, const char *nl)
{
    int paras = 3 + (int)rnd(6);
    for (int p = 0; p < paras; p++) {
        int n = 12 + (int)rnd(29);
        for (int i = 0; i < n; i++) {
            const char *w = prose_words[rnd(N_OF(prose_words))];
            if (i == 0) {
                buf_addc(b, (char)(w[0] - 'a' + 'A'));
                buf_adds(b, w + 1);
            } else {
                buf_addc(b, ' ');
                buf_adds(b, w);
            }
        }
        buf_adds(b, ".");
        buf_adds(b, nl);
        buf_adds(b, nl);
    }
}

/* ---- heading styles ---- */

static const char *const roman[] = {"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"};
static const char *const en_words[] = {"", "One", "Two", "Three", "Four", "Five", "Six", "Seven",
                                       "Eight", "Nine"};
static const char *const ru_words[] = {"", "первая", "вторая", "третья", "четвёртая", "пятая",
                                       "шестая", "седьмая", "восьмая", "девятая"};
static const char *const zh_nums[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
static const char *const es_words[] = {"", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete",
                                       "ocho", "nueve"};
static const char *const de_ord[] = {"", "Erstes", "Zweites", "Drittes", "Viertes", "Fünftes",
                                     "Sechstes", "Siebtes", "Achtes", "Neuntes"};
static const char *const fr_words[] = {"", "premier", "deux", "trois", "quatre", "cinq", "six",
                                       "sept",
                                       "huit", "neuf"};
static const char *const tr_ord[] = {"", "Birinci", "İkinci", "Üçüncü", "Dördüncü", "Beşinci",
                                     "Altıncı", "Yedinci", "Sekizinci", "Dokuzuncu"};
static const char *const ru_upper[] = {"", "ПЕРВАЯ", "ВТОРАЯ", "ТРЕТЬЯ", "ЧЕТВЁРТАЯ", "ПЯТАЯ",
                                       "ШЕСТАЯ", "СЕДЬМАЯ", "ВОСЬМАЯ", "ДЕВЯТАЯ"};

/* A heading style: `head` is the line as written and `want` the title the
 * reader must show, both with %-codes filled in by expand():
 *   %n the number (1-9)   %r the roman numeral   %w the English number word
 *   (%W in capitals)
 *   %u the Russian ordinal (%U in capitals)   %z the Chinese numeral
 *   %e the Spanish number word   %d the German ordinal   %f the French
 *   number word   %k the Turkish ordinal
 *   %t the title   %T the title in capitals   %l the title in lower case */
struct style {
    const char *name;
    const char *head;
    const char *want;
};

static const struct style styles[] = {
    /* English, the forms fan fiction uses most */
    {"chapter number", "Chapter %n", "Chapter %n"},
    {"chapter colon title", "Chapter %n: %t", "Chapter %n: %t"},
    {"chapter word colon title", "Chapter %w: %t", "Chapter %w: %t"},
    {"chapter roman colon title", "Chapter %r: %t", "Chapter %r: %t"},
    {"ch colon title", "Ch %n: %t", "Ch %n: %t"},
    {"ch. dash title", "Ch. %n - %t", "Ch. %n - %t"},
    {"capitals colon title", "CHAPTER %n: %T", "CHAPTER %n: %T"},
    {"capitals roman period", "CHAPTER %r. %T", "CHAPTER %r. %T"},
    {"chapter en dash title", "Chapter %n \xE2\x80\x93 %t", "Chapter %n \xE2\x80\x93 %t"},
    {"chapter em dash title", "Chapter %n\xE2\x80\x94%t", "Chapter %n\xE2\x80\x94%t"},
    {"chapter period title", "Chapter %n. %t", "Chapter %n. %t"},
    {"chapter hash number", "Chapter #%n: %t", "Chapter #%n: %t"},
    {"markdown chapter", "## Chapter %n: %t", "Chapter %n: %t"},
    {"bold chapter", "**Chapter %n: %t**", "Chapter %n: %t"},
    {"tilde chapter", "~Chapter %n~", "Chapter %n"},
    {"number period title", "%n. %t", "%n. %t"},
    {"number dash title", "%n - %t", "%n - %t"},
    {"number colon title", "%n: %t", "%n: %t"},
    {"number word alone", "%W", "%W"},
    {"ch. glued", "Ch.%n %t", "Ch.%n %t"},
    {"chapter glued", "Chapter%n: %t", "Chapter%n: %t"},
    {"chapter title in parentheses", "Chapter %n (%t)", "Chapter %n (%t)"},
    {"chapter title in quotes", "Chapter %n \"%t\"", "Chapter %n \"%t\""},
    {"underscores", "__Chapter %n__", "Chapter %n"},
    {"part colon title", "Part %n: %t", "Part %n: %t"},
    {"part word alone", "Part %w", "Part %w"},
    {"lower case", "chapter %n: %l", "chapter %n: %l"},
    {"leading zero", "Chapter 0%n", "Chapter 0%n"},
    {"of total", "Chapter %n of 9", "Chapter %n of 9"},
    {"pipe title", "Chapter %n | %t", "Chapter %n | %t"},
    {"tilde title", "Chapter %n ~ %t", "Chapter %n ~ %t"},
    {"in brackets", "[Chapter %n]", "Chapter %n"},
    {"between dashes", "- Chapter %n -", "Chapter %n"},
    {"between equals", "=== Chapter %n ===", "Chapter %n"},
    {"markdown title only", "## %t", "%t"},
    /* other languages */
    {"fr nbsp colon", "Chapitre %n\xC2\xA0: %t", "Chapitre %n : %t"},
    {"fr space colon", "Chapitre %n : %t", "Chapitre %n : %t"},
    {"de colon", "Kapitel %n: %t", "Kapitel %n: %t"},
    {"es accent", "Cap\xC3\xADtulo %n: %t", "Cap\xC3\xADtulo %n: %t"},
    {"es no accent", "Capitulo %n", "Capitulo %n"},
    {"es number word", "Cap\xC3\xADtulo %e: %t", "Cap\xC3\xADtulo %e: %t"},
    {"de ordinal first", "%d Kapitel", "%d Kapitel"},
    {"fr number word", "Chapitre %f", "Chapitre %f"},
    {"fr guillemets", "Chapitre %n \xC2\xAB %t \xC2\xBB", "Chapitre %n \xC2\xAB %t \xC2\xBB"},
    {"pt dash", "Cap\xC3\xADtulo %n - %t", "Cap\xC3\xADtulo %n - %t"},
    {"it colon", "Capitolo %n: %t", "Capitolo %n: %t"},
    {"nl colon", "Hoofdstuk %n: %t", "Hoofdstuk %n: %t"},
    {"ru period title", "Глава %n. %t", "Глава %n. %t"},
    {"ru number word", "Глава %u", "Глава %u"},
    {"ru capitals", "ГЛАВА %n", "ГЛАВА %n"},
    {"ru capital number word", "ГЛАВА %U", "ГЛАВА %U"},
    {"ru word first", "Глава %u: %t", "Глава %u: %t"},
    {"uk period title", "Розділ %n. %t", "Розділ %n. %t"},
    {"pl colon", "Rozdzia\xC5\x82 %n: %t", "Rozdzia\xC5\x82 %n: %t"},
    {"cs colon", "Kapitola %n: %t", "Kapitola %n: %t"},
    {"id colon", "Bab %n: %t", "Bab %n: %t"},
    {"id capitals roman", "BAB %r", "BAB %r"},
    {"pl capitals", "ROZDZIA\xC5\x81 %n", "ROZDZIA\xC5\x81 %n"},
    {"vi colon", "Ch\xC6\xB0\xC6\xA1ng %n: %t", "Ch\xC6\xB0\xC6\xA1ng %n: %t"},
    {"vi capitals", "CH\xC6\xAF\xC6\xA0NG %n: %T", "CH\xC6\xAF\xC6\xA0NG %n: %T"},
    {"tr word after", "%n. B\xC3\xB6l\xC3\xBCm", "%n. B\xC3\xB6l\xC3\xBCm"},
    {"tr colon", "B\xC3\xB6l\xC3\xBCm %n: %t", "B\xC3\xB6l\xC3\xBCm %n: %t"},
    {"tr ordinal first", "%k B\xC3\xB6l\xC3\xBCm", "%k B\xC3\xB6l\xC3\xBCm"},
    {"ja wa", "第%n話\xE3\x80\x80%t", "第%n話\xE3\x80\x80%t"},
    {"ja kanji number", "第%z章", "第%z章"},
    {"ja title in brackets", "第%n章「%t」", "第%n章「%t」"},
    {"ja lenticular brackets", "【第%n話】", "第%n話"},
    {"ko jang", "제%n장 %t", "제%n장 %t"},
    {"ko hwa", "%n화", "%n화"},
    {"ja wa without 第", "%n話", "%n話"},
    {"es capitals", "CAP\xC3\x8DTULO %n", "CAP\xC3\x8DTULO %n"},
    {"ko hwa period title", "%n화. %t", "%n화. %t"},
    {"zh zhang title", "第%z章 %t", "第%z章 %t"},
    {"zh full-width colon", "第%n章：%t", "第%n章：%t"},
};

static void expand(struct buf *b, const char *f, int n, const char *title)
{
    for (const char *p = f; *p; p++) {
        if (*p != '%') {
            buf_addc(b, *p);
            continue;
        }
        switch (*++p) {
        case 'n': buf_printf(b, "%d", n); break;
        case 'r': buf_adds(b, roman[n]); break;
        case 'w': buf_adds(b, en_words[n]); break;
        case 'W':
            for (const char *q = en_words[n]; *q; q++)
                buf_addc(b, (char)(*q >= 'a' && *q <= 'z' ? *q - 'a' + 'A' : *q));
            break;
        case 'u': buf_adds(b, ru_words[n]); break;
        case 'U': buf_adds(b, ru_upper[n]); break;
        case 'e': buf_adds(b, es_words[n]); break;
        case 'd': buf_adds(b, de_ord[n]); break;
        case 'f': buf_adds(b, fr_words[n]); break;
        case 'k': buf_adds(b, tr_ord[n]); break;
        case 'l':
            for (const char *q = title; *q; q++)
                buf_addc(b, (char)(*q >= 'A' && *q <= 'Z' ? *q - 'A' + 'a' : *q));
            break;
        case 'z': buf_adds(b, zh_nums[n]); break;
        case 't': buf_adds(b, title); break;
        case 'T':
            for (const char *q = title; *q; q++)
                buf_addc(b, (char)(*q >= 'a' && *q <= 'z' ? *q - 'a' + 'A' : *q));
            break;
        }
    }
}

/* ---- a generated story and what it must parse as ---- */

#define MAX_CH 12

struct story {
    struct buf text;
    int n;                      /* chapters written */
    size_t head[MAX_CH];        /* where each heading line starts */
    char *want[MAX_CH];         /* the title each must get */
    size_t prose_words;         /* words of all the chapters' prose */
};

static void story_free(struct story *s)
{
    buf_free(&s->text);
    for (int i = 0; i < s->n; i++)
        free(s->want[i]);
    memset(s, 0, sizeof *s);
}

/* Append chapter i (1-based) of style st. */
static void add_chapter(struct story *s, const struct style *st, int i, const char *nl)
{
    char title[80];
    make_title(title, sizeof title);
    struct buf w = {0};
    expand(&w, st->want, i, title);
    s->head[s->n] = s->text.len;
    s->want[s->n++] = xstrdup(w.data);
    buf_free(&w);
    expand(&s->text, st->head, i, title);
    buf_adds(&s->text, nl);
    buf_adds(&s->text, nl);
    size_t from = s->text.len;
    add_prose(&s->text, nl);
    s->prose_words += parse_count_words(s->text.data, from, s->text.len);
}

static void add_title_page(struct story *s, const char *nl)
{
    char title[80];
    make_title(title, sizeof title);
    buf_printf(&s->text, "The %s%s%sby Sam Writer%s%s", title, nl, nl, nl, nl);
}

/* Check r against s: count, titles, where each chapter starts, no word
 * lost (the bodies hold exactly the prose). */
static void check_story(const char *name, const struct story *s, const struct parse_result *r)
{
    char what[200];
    snprintf(what, sizeof what, "%s: chapter count", name);
    if (!CHECK_INT(what, r->n_ch, s->n))
        return;
    size_t words = 0;
    for (int i = 0; i < s->n; i++) {
        const struct parse_chapter *c = &r->ch[i];
        snprintf(what, sizeof what, "%s: chapter %d title", name, i + 1);
        CHECK_STR(what, c->title, s->want[i]);
        snprintf(what, sizeof what, "%s: chapter %d starts at its heading", name, i + 1);
        CHECK_INT(what, i == 0 ? c->front_end : c->start, s->head[i]);
        snprintf(what, sizeof what, "%s: chapter %d text after its heading", name, i + 1);
        CHECK(what, c->body > s->head[i]);
        words += parse_count_words(s->text.data, c->body, c->end);
    }
    snprintf(what, sizeof what, "%s: chapters hold every word of the prose", name);
    CHECK_INT(what, words, s->prose_words);
}

static void parse_story(const struct story *s, struct parse_result *r)
{
    parse_text(s->text.data, s->text.len, r);
}

/* ---- the tests ---- */

static void test_styles(void)
{
    for (size_t k = 0; k < N_OF(styles); k++) {
        const struct style *st = &styles[k];
        struct story s = {0};
        const char *nl = rnd(4) == 0 ? "\r\n" : "\n";
        add_title_page(&s, nl);
        int n = 4 + (int)rnd(6);
        for (int i = 1; i <= n; i++)
            add_chapter(&s, st, i, nl);
        struct parse_result r;
        parse_story(&s, &r);
        check_story(st->name, &s, &r);
        parse_result_free(&r);
        story_free(&s);
    }
}

/* A story of n "Chapter N: Title" chapters after `top` (title page and
 * whatever follows it). */
static void chapter_story(struct story *s, const char *top, int n)
{
    add_title_page(s, "\n");
    buf_adds(&s->text, top);
    for (int i = 1; i <= n; i++)
        add_chapter(s, &styles[1], i, "\n");
}

static void test_layouts(void)
{
    struct parse_result r;
    struct story s = {0};

    /* A note chapter added by a re-download. */
    int n = 4 + (int)rnd(4);
    chapter_story(&s, "", n);
    s.head[s.n] = s.text.len;
    s.want[s.n++] = xasprintf("Chapter %d: Author's Note", n + 1);
    buf_printf(&s.text, "Chapter %d: Author's Note\n\nThank you all for reading this far.\n",
               n + 1);
    s.prose_words += 7;
    parse_story(&s, &r);
    check_story("a note chapter at the end", &s, &r);
    parse_result_free(&r);
    story_free(&s);

    /* An A/N and a Disclaimer: paragraph open the first chapter. */
    chapter_story(&s, "A/N: Thanks for all the reviews, you are wonderful.\n\n"
                      "Disclaimer: I own nothing, the characters belong to their author.\n\n",
                  4 + (int)rnd(4));
    parse_story(&s, &r);
    check_story("A/N and Disclaimer at the top", &s, &r);
    parse_result_free(&r);
    story_free(&s);

    /* A compact table of contents at the top: one entry a line. */
    {
        struct buf toc = {0};
        int m = 6 + (int)rnd(3);
        buf_adds(&toc, "Table of Contents\n");
        for (int i = 1; i <= m; i++)
            buf_printf(&toc, "Chapter %d: Entry %d\n", i, i);
        buf_adds(&toc, "\n");
        chapter_story(&s, toc.data, m);
        buf_free(&toc);
        parse_story(&s, &r);
        check_story("a compact table of contents", &s, &r);
        parse_result_free(&r);
        story_free(&s);
    }

    /* A contents list with blank lines between its entries. */
    {
        struct buf toc = {0};
        int m = 4 + (int)rnd(4);
        buf_adds(&toc, "Contents\n\n");
        for (int i = 1; i <= m; i++)
            buf_printf(&toc, "Chapter %d\n\n", i);
        chapter_story(&s, toc.data, m);
        buf_free(&toc);
        parse_story(&s, &r);
        check_story("a contents list with blank lines", &s, &r);
        parse_result_free(&r);
        story_free(&s);
    }

    /* A title, a chapter title guessed from the layout ("Title / The
     * Beginning / text"), then bare numerals: the guess does not make the
     * numerals sub-parts of one chapter. */
    {
        struct story g = {0};
        buf_adds(&g.text, "A Story of Rivers\n\n");
        g.head[g.n] = g.text.len;
        g.want[g.n++] = xstrdup("The Beginning");
        buf_adds(&g.text, "The Beginning\n\n");
        size_t from = g.text.len;
        add_prose(&g.text, "\n");
        g.prose_words += parse_count_words(g.text.data, from, g.text.len);
        static const struct style bare = {"bare", "%r.", "%r."};
        int m = 3 + (int)rnd(5);
        for (int i = 1; i <= m; i++)
            add_chapter(&g, &bare, i, "\n");
        parse_story(&g, &r);
        check_story("a guessed chapter title, then roman numerals", &g, &r);
        parse_result_free(&r);
        story_free(&g);
    }

    /* An AO3 work page copied as text. */
    {
        struct story a = {0};
        add_title_page(&a, "\n");
        buf_adds(&a.text, "Rating:\nTeen And Up Audiences\nArchive Warning:\nNo Archive Warnings "
                          "Apply\nFandom:\nSome Fandom\nStats:\nPublished: 2020-01-01\n\n"
                          "Summary:\n\nThings happen.\n\n");
        int m = 4 + (int)rnd(4);
        for (int i = 1; i <= m; i++) {
            char title[80];
            make_title(title, sizeof title);
            a.head[a.n] = a.text.len;
            a.want[a.n++] = xasprintf("Chapter %d: %s", i, title);
            buf_printf(&a.text, "Chapter %d: %s\n\nNotes:\n\nA note.\n\nChapter Text\n\n", i,
                       title);
            a.prose_words += 5;
            size_t from = a.text.len;
            add_prose(&a.text, "\n");
            a.prose_words += parse_count_words(a.text.data, from, a.text.len);
        }
        parse_story(&a, &r);
        check_story("an AO3 page copied as text", &a, &r);
        parse_result_free(&r);
        story_free(&a);
    }

    /* FanFicFare's own TXT layout: CR LF, a metadata block with Status:,
     * a TABLE OF CONTENTS, titles indented by a tab or (wrapped) by 8
     * spaces, a ### repeat of the site's title, "End file.". */
    for (int spaces = 0; spaces < 2; spaces++) {
        struct story f = {0};
        int m = 4 + (int)rnd(4);
        char titles[MAX_CH][80];
        buf_adds(&f.text, "\r\n\r\n\r\nA Fine Story\r\n\r\nby Sam Writer\r\n\r\n\r\n\r\n"
                          "Category: Harry Potter\r\nStatus: Completed\r\nPublished: 2010-01-01\r\n"
                          "Updated: 2010-03-01\r\nWords: 12,345\r\n\r\n\r\n\r\n"
                          "TABLE OF CONTENTS\r\n\r\n\r\n");
        for (int i = 0; i < m; i++) {
            make_title(titles[i], sizeof titles[i]);
            buf_printf(&f.text, "%s\r\n\r\n", titles[i]);
        }
        buf_adds(&f.text, "\r\n\r\n");
        for (int i = 0; i < m; i++) {
            f.head[f.n] = f.text.len;
            f.want[f.n++] = xstrdup(titles[i]);
            buf_printf(&f.text, "%s%s\r\n\r\n\r\n### %s\r\n\r\n", spaces ? "        " : "\t",
                       titles[i], titles[i]);
            f.prose_words += parse_count_words(titles[i], 0, strlen(titles[i]));
            size_t from = f.text.len;
            add_prose(&f.text, "\r\n");
            f.prose_words += parse_count_words(f.text.data, from, f.text.len);
            buf_adds(&f.text, "\r\n\r\n");
        }
        buf_adds(&f.text, "End file.\r\n");
        f.prose_words += 2;
        parse_story(&f, &r);
        check_story(spaces ? "FanFicFare TXT, 8-space titles" : "FanFicFare TXT, tab titles", &f,
                    &r);
        CHECK("FanFicFare layout recognised", r.fanficfare);
        parse_result_free(&r);
        story_free(&f);
    }
}

/* Texts that must stay one chapter, or split as they did before. */
static void test_negative(void)
{
    struct parse_result r;
    struct story s = {0};

    /* Prose starting with heading words, dialogue quoting a heading, lines
     * in brackets or between dashes, a Markdown-like line in lower case:
     * each line twice (in random places), with prose around. */
    static const char *const lines[] = {
        "Chapter and verse, he could quote it all day long without tiring.\n\n",
        "Part of me wanted to stay, the other part wanted to run.\n\n",
        "Book lovers know the smell of an old library on a rainy day.\n\n",
        "“Chapter 3: The End,” she read aloud, and laughed.\n\n",
        "\"Chapter Four,\" he said. \"That is where it all goes wrong.\"\n\n",
        "Prologue to a disaster, that was what the party had been.\n\n",
        "Three.\n\n",
        "Um\n\n",
        "One of them laughed.\n\n",
        "- Wait, she said -\n\n",
        "[Author's note: sorry for the wait]\n\n",
        "# not a heading\n\n",
    };
    for (size_t k = 0; k < N_OF(lines); k++) {
        add_title_page(&s, "\n");
        for (int i = 0; i < 2; i++) {
            add_prose(&s.text, "\n");
            buf_adds(&s.text, lines[k]);
        }
        add_prose(&s.text, "\n");
        parse_story(&s, &r);
        char what[160];
        int ln = (int)strcspn(lines[k], "\n");
        snprintf(what, sizeof what, "one chapter with twice: %.*s", ln, lines[k]);
        CHECK_INT(what, r.n_ch, 1);
        snprintf(what, sizeof what, "and no heading-like line: %.*s", ln, lines[k]);
        CHECK(what, r.one_chapter_why == NULL);
        parse_result_free(&r);
        story_free(&s);
    }

    /* Gutenberg capitals. */
    add_title_page(&s, "\n");
    buf_adds(&s.text, "*** START OF THE PROJECT GUTENBERG EBOOK X ***\n\n");
    int n = 4 + (int)rnd(5);
    static const struct style caps = {"caps", "CHAPTER %r.", "CHAPTER %r."};
    for (int i = 1; i <= n; i++)
        add_chapter(&s, &caps, i, "\n");
    buf_adds(&s.text, "*** END OF THE PROJECT GUTENBERG EBOOK X ***\n");
    parse_story(&s, &r);
    CHECK_INT("Gutenberg capitals: chapter count", r.n_ch, n);
    for (int i = 0; i < n && i < (int)r.n_ch; i++)
        CHECK_STR("Gutenberg capitals: title", r.ch[i].title, s.want[i]);
    parse_result_free(&r);
    story_free(&s);

    /* Book / Part above chapters: the part prefixes the chapter titles. */
    add_title_page(&s, "\n");
    buf_adds(&s.text, "Book One\n\n");
    static const struct style plain = {"plain", "Chapter %n", "Book One \xE2\x80\x94 Chapter %n"};
    static const struct style plain2 = {"plain", "Chapter %n", "Book Two \xE2\x80\x94 Chapter %n"};
    add_chapter(&s, &plain, 1, "\n");
    add_chapter(&s, &plain, 2, "\n");
    buf_adds(&s.text, "Book Two\n\n");
    add_chapter(&s, &plain2, 3, "\n");
    add_chapter(&s, &plain2, 4, "\n");
    parse_story(&s, &r);
    CHECK_INT("Book above chapters: 4 chapters", r.n_ch, 4);
    for (int i = 0; i < 4 && i < (int)r.n_ch; i++)
        CHECK_STR("Book above chapters: title", r.ch[i].title, s.want[i]);
    parse_result_free(&r);
    story_free(&s);

    /* Chapter 12.5 and Chapter 3 (Part 2). */
    add_title_page(&s, "\n");
    static const struct style half = {"half", "Chapter 12.5: %t", "Chapter 12.5: %t"};
    static const struct style p2 = {"p2", "Chapter 3 (Part %n)", "Chapter 3 (Part %n)"};
    add_chapter(&s, &styles[1], 12, "\n");
    add_chapter(&s, &half, 0, "\n");
    add_chapter(&s, &styles[1], 13, "\n");
    add_chapter(&s, &p2, 1, "\n");
    add_chapter(&s, &p2, 2, "\n");
    parse_story(&s, &r);
    check_story("Chapter 12.5 and Chapter 3 (Part 2)", &s, &r);
    parse_result_free(&r);
    story_free(&s);

    /* Centred and underlined headings. */
    add_title_page(&s, "\n");
    n = 4 + (int)rnd(4);
    for (int i = 1; i <= n; i++) {
        s.head[s.n] = s.text.len;
        s.want[s.n++] = xasprintf("Chapter %d", i);
        if (i % 2)
            buf_printf(&s.text, "                         Chapter %d\n\n", i);
        else
            buf_printf(&s.text, "Chapter %d\n---------\n\n", i);
        size_t from = s.text.len;
        add_prose(&s.text, "\n");
        s.prose_words += parse_count_words(s.text.data, from, s.text.len);
    }
    parse_story(&s, &r);
    check_story("centred and underlined headings", &s, &r);
    parse_result_free(&r);
    story_free(&s);

    /* Two heading-like lines that still make one chapter say why. */
    const char *t = "A Story\n\nSome prose that goes on for a while.\nChapter 1: Start\n"
                    "More prose without a blank line before the heading.\nChapter 2: Next\n"
                    "And the rest of it.\n\nThe end of it all, at last.\n";
    parse_text(t, strlen(t), &r);
    CHECK_INT("headings inside paragraphs: one chapter", r.n_ch, 1);
    CHECK("and the parse says why", r.one_chapter_why != NULL &&
                                        strstr(r.one_chapter_why, "2 heading-like lines") != NULL);
    parse_result_free(&r);

    /* Markdown: "# Story" then "## Title" once is one titled chapter; then
     * "## Title" repeated makes chapters even with no title page. */
    buf_adds(&s.text, "# A Story\n\n");
    static const struct style md = {"md", "## %t", "%t"};
    add_chapter(&s, &md, 1, "\n");
    parse_story(&s, &r);
    check_story("Markdown: one ## title under # Story", &s, &r);
    parse_result_free(&r);
    n = 4 + (int)rnd(4);
    for (int i = 2; i <= n; i++)
        add_chapter(&s, &md, i, "\n");
    parse_story(&s, &r);
    check_story("Markdown: ## titles under # Story", &s, &r);
    parse_result_free(&r);
    story_free(&s);

    /* Two heading lines that head the one chapter together need no reason. */
    add_title_page(&s, "\n");
    buf_adds(&s.text, "Chapter 1\n\nPrologue\n\n");
    add_prose(&s.text, "\n");
    parse_story(&s, &r);
    CHECK_INT("Chapter 1 / Prologue over one text: one chapter", r.n_ch, 1);
    CHECK_STR("titled by the word heading", r.n_ch ? r.ch[0].title : NULL, "Prologue");
    CHECK("and no reason to give", r.one_chapter_why == NULL);
    parse_result_free(&r);
    story_free(&s);
}

/* heading_words.c's table `words` (its language rows' words, sorted by
 * the build): sorted, as the binary search needs, and every word found. */
static void test_rows_table(void)
{
    size_t unsorted = 0;
    for (size_t i = 1; i < hw_n_words(); i++)
        if (strcmp(hw_word_at(i - 1)->w, hw_word_at(i)->w) > 0) {
            if (unsorted++ == 0)
                fprintf(stderr, "  out of order: %s before %s\n", hw_word_at(i - 1)->w,
                        hw_word_at(i)->w);
        }
    CHECK_INT("the table of heading words is sorted", unsorted, 0);
    CHECK("the rows hold words", hw_n_words() > 500);
    /* Every word is found, as written and in ASCII capitals, with its
     * meaning; the word with a letter added only when that is a word. */
    size_t lost = 0, extra = 0;
    for (size_t i = 0; i < hw_n_words(); i++) {
        const struct hw_word *w = hw_word_at(i);
        char up[HW_MAX_WORD + 2], more[HW_MAX_WORD + 2];
        size_t m = strlen(w->w);
        for (size_t j = 0; j <= m; j++)
            up[j] = (char)(w->w[j] >= 'a' && w->w[j] <= 'z' ? w->w[j] - 0x20 : w->w[j]);
        snprintf(more, sizeof more, "%sx", w->w);
        const struct hw_word *x = hw_lookup(w->w, 0, m), *y = hw_lookup(up, 0, m),
                             *z = hw_lookup(more, 0, m + 1);
        lost += !x || !y || strcmp(x->w, w->w) != 0 || strcmp(y->w, w->w) != 0 ||
                x->type != w->type || x->val != w->val || y->type != w->type || y->val != w->val;
        bool is_word = false;
        for (size_t j = 0; j < hw_n_words(); j++)
            is_word |= strcmp(hw_word_at(j)->w, more) == 0;
        extra += (z != NULL) != is_word;
    }
    CHECK_INT("every table word is found, in capitals too", lost, 0);
    CHECK_INT("a table word with x added is found only when it is a word", extra, 0);
}

/* The language table: every language of issue 20 has a row, no word means
 * two things, every word is lower case, every chapter word makes a
 * heading. */
static void test_table(void)
{
    char msg[200];
    size_t n = hw_conflicts(msg, sizeof msg);
    if (!CHECK_INT("no word in two language rows with different meanings", n, 0))
        fprintf(stderr, "  %s\n", msg);
    static const char *const langs[] = {"en", "ru", "uk", "pl", "cs", "es", "pt", "it", "de",
                                        "fr", "nl", "id", "vi", "tr", "ja", "ko", "zh"};
    for (size_t k = 0; k < N_OF(langs); k++) {
        bool found = false;
        for (size_t i = 0; i < hw_n_words(); i++)
            found |= strcmp(hw_word_at(i)->lang, langs[k]) == 0;
        snprintf(msg, sizeof msg, "heading_words.c has a row for %s", langs[k]);
        CHECK(msg, found);
    }
    size_t not_lower = 0, not_heading = 0;
    for (size_t i = 0; i < hw_n_words(); i++) {
        const struct hw_word *w = hw_word_at(i);
        if (!hw_is_lower(w->w)) {
            fprintf(stderr, "  not lower case: %s (%s)\n", w->w, w->lang);
            not_lower++;
        }
        if (w->type != HW_CHAPTER)
            continue;
        char line[120];
        snprintf(line, sizeof line, "%s 3: The Guild", w->w);
        struct hinfo h;
        if (heading_classify(line, strlen(line), &h) != H_CHAPTER || h.num != 3) {
            fprintf(stderr, "  not a heading: %s\n", line);
            not_heading++;
        }
    }
    CHECK_INT("every heading word is written in lower case", not_lower, 0);
    CHECK_INT("every chapter word makes a heading: <word> 3: The Guild", not_heading, 0);
    /* Case folding in every script. */
    const char *up[] = {"ГЛАВА", "ROZDZIAŁ", "BÖLÜM", "KAPİTEL", "CHƯƠNG", "Capítulo"};
    for (size_t k = 0; k < N_OF(up); k++) {
        const struct hw_word *w = hw_lookup(up[k], 0, strlen(up[k]));
        snprintf(msg, sizeof msg, "capitals fold: %s", up[k]);
        CHECK(msg, w != NULL && w->type == HW_CHAPTER);
    }
    /* Words longer than any heading word are no heading word (and fit no
     * buffer: ASan watches). */
    const char *longs[] = {"chapterchapterchapterchapterchapterchapterchapterchapterchapter",
                           "ГЛАВАГЛАВАГЛАВАГЛАВАГЛАВАГЛАВАГЛАВАГЛАВА"};
    for (size_t k = 0; k < N_OF(longs); k++)
        CHECK("a long word is no heading word", hw_lookup(longs[k], 0, strlen(longs[k])) == NULL);
    const struct hw_word *w = hw_lookup("İKİNCİ", 0, strlen("İKİNCİ"));
    CHECK("Turkish dotted capitals fold: İKİNCİ is 2", w && w->val == 2);
    test_rows_table();
}

/* ---- the quick refusal: the same answers as the full walk ---- */

static long n_compared, n_differ, n_headings;

/* heading_classify() and heading_classify_full() on line s[0, n): the
 * same kind and the same fields. */
static void compare_line(const char *s, size_t n)
{
    struct hinfo q, f;
    int kq = heading_classify(s, n, &q), kf = heading_classify_full(s, n, &f);
    n_compared++;
    n_headings += kf != H_NONE;
    if (kq == kf && q.kind == f.kind && q.num == f.num && q.a == f.a && q.b == f.b &&
        q.has_title == f.has_title && q.level == f.level)
        return;
    if (n_differ++ < 5)
        fprintf(stderr, "  quick %d, full %d: \"%.*s\"\n", kq, kf, (int)(n > 80 ? 80 : n), s);
}

/* Every line of a file (LF, CRLF: the CR stays, as a line may hold it). */
static void compare_file(const char *path)
{
    size_t len;
    char *t = read_file(path, &len, NULL);
    if (!CHECK(path, t != NULL))
        return;
    for (size_t a = 0; a < len;) {
        const char *nl = memchr(t + a, '\n', len - a);
        size_t e = nl ? (size_t)(nl - t) : len;
        compare_line(t + a, e - a);
        a = e + 1;
    }
    free(t);
}

/* Pieces headings and prose are made of, for random lines. */
static const char *const pieces[] = {
    " ", " ", "  ", ".", ":", ")", "-", " - ", " – ", "—", "#", "## ", "**", "_", "~", "=",
    "[", "]", "【", "】", "\t", ",", ";", "'", "\"", "“", "(", "|", "12", "3", "999", "1000",
    "0", "XII", "VII", "iv", "IIII", "MMM", "I", "V", "第", "제", "回", "章", "卷", "장", "話",
    "부", "一", "二十三", "百", "３", "：", "、", "\xC3", "\xE2\x80", "\xFF", "The", "the",
    "Guild", "Silver River", "of", "stood by the gate", "Meridianholt", "Ossingtonmoor",
    "said", "İKİNCİ", "Première", "ГЛАВА", "Первая", "глава", "BÖLÜM", "Birinci", "CHƯƠNG",
    "Twenty", "-One", "one", "a", "Um", "Chapter", "chapter", "CH", "Ch.", "Letter", "Book",
    "PART", "Prologue", "EPILOGUE", "Interlude", "FIRST", "second", "Kapitel", "capítulo",
    "Rozdział", "プロローグ", "序章", "番外", "챕터",
};

static void random_line(char *out, size_t size)
{
    size_t o = 0;
    int k = 1 + (int)rnd(7);
    for (int i = 0; i < k; i++) {
        const char *p;
        char word[8];
        if (rnd(10) == 0) {         /* now and then a heading word of the table */
            p = hw_word_at(rnd((uint32_t)hw_n_words()))->w;
        } else if (rnd(12) == 0) {  /* or a few random bytes */
            size_t m = 1 + rnd(4);
            for (size_t j = 0; j < m; j++)
                word[j] = (char)(1 + rnd(255));
            word[m] = '\0';
            p = word;
        } else {
            p = pieces[rnd(N_OF(pieces))];
        }
        size_t m = strlen(p);
        if (o + m >= size)
            break;
        memcpy(out + o, p, m);
        o += m;
    }
    out[o] = '\0';
}

/* heading_classify()'s quick refusal of lines no row can accept gives the
 * answers of the full walk of the rows: on every line of the corpora of
 * tests/data and on random lines built from heading pieces. */
static void test_quick(void)
{
    static const char *const files[] = {
        "tests/data/corpus/alice-in-wonderland_pg11-0.txt",
        "tests/data/corpus/die-verwandlung-de_pg22367-8.latin1.txt",
        "tests/data/golden/hyphens.txt",
        "tests/data/golden/controls.txt",
        "tests/data/parse/bare_roman.txt",
        "tests/data/parse/roman.txt",
        "tests/data/parse/spelled.txt",
        "tests/data/parse/one_per_line.txt",
        "tests/data/parse/fanficfare.txt",
        "tests/data/parse/cp1252_crlf.txt",
        "tests/data/parse/wide.txt",
        "tests/data/fanficfare/fff_test1_s1.txt",
        "tests/data/fanficfare/fff_test1_s12.txt",
        "tests/data/fanficfare/fff_test1_s664.txt",
    };
    for (size_t k = 0; k < N_OF(files); k++)
        compare_file(files[k]);
    long from_files = n_headings;
    char line[256];
    for (int i = 0; i < 200000; i++) {
        random_line(line, sizeof line);
        compare_line(line, strlen(line));
    }
    printf("test_heading: quick against full on %ld lines (%ld headings, %ld in the files)\n",
           n_compared, n_headings, from_files);
    CHECK("the corpora hold headings to compare", from_files >= 20);
    CHECK("random lines hold headings to compare", n_headings - from_files >= 1000);
    CHECK_INT("quick refusal and full walk give the same answers", n_differ, 0);
}

int main(void)
{
    const char *env = getenv("QUIRE_TEST_SEED");
    uint64_t seed = env && *env ? strtoull(env, NULL, 10) : (uint64_t)time(NULL);
    printf("test_heading: seed %llu (QUIRE_TEST_SEED=%llu repeats this run)\n",
           (unsigned long long)seed, (unsigned long long)seed);
    rng_state = seed * 2654435761u + 88172645463325252ull;
    if (!rng_state)
        rng_state = 1;
    test_styles();
    test_layouts();
    test_negative();
    test_table();
    test_quick();
    return check_summary();
}
