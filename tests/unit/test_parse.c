/* test_parse.c — headings, chapters, blocks, scene breaks, emphasis (parse.h). */
#include <ctype.h>
#include "check.h"
#include "shared.h"
#include "randtext.h"
#include "decode.h"
#include "norm.h"
#include "parse.h"
#include "parse_int.h"
#include "uchar.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#define DATA "tests/data/parse/"

/* ---- helpers ---- */

static struct source *load(const char *path)
{
    enum decode_reject why;
    char *err = NULL;
    struct source *s = decode_open(path, &why, &err);
    if (!s)
        fprintf(stderr, "cannot load %s: %s\n", path, err ? err : "rejected");
    free(err);
    return s;
}

struct counts {
    size_t para, heading, brk, verse, front, back, gaps;
};

static struct counts count_blocks(const struct source *s, const struct parse_result *r)
{
    struct counts c = {0};
    for (size_t i = 0; i < r->n_ch; i++) {
        const struct parse_chapter *ch = &r->ch[i];
        struct block *b;
        size_t n = parse_blocks_body(s->text, ch->start, ch->end, ch->front_end, ch->body, ch->back, &b);
        for (size_t k = 0; k < n; k++) {
            switch (b[k].kind) {
            case BLOCK_PARA: c.para++; break;
            case BLOCK_HEADING: c.heading++; break;
            case BLOCK_BREAK:
                if (b[k].flags == 0) {
                    c.brk++;
                    c.gaps += b[k].off == b[k].end;
                }
                break;
            case BLOCK_VERSE: c.verse++; break;
            }
            c.front += (b[k].flags & BLOCK_FRONT) != 0;
            c.back += (b[k].flags & BLOCK_BACK) != 0;
        }
        free(b);
    }
    return c;
}

static bool text_at(const struct source *s, size_t off, const char *want)
{
    size_t n = strlen(want);
    return off + n <= s->len && memcmp(s->text + off, want, n) == 0;
}

/* ---- headings ---- */

static void heading_yes(const char *line, int want_num, const char *want_title)
{
    int num = -99;
    char *title = NULL;
    bool ok = parse_is_heading(line, strlen(line), &num, &title);
    if (!CHECK(line, ok))
        return;
    CHECK_INT(line, num, want_num);
    CHECK_STR(line, title, want_title);
    free(title);
}

static void heading_no(const char *line)
{
    char *title = NULL;
    bool ok = parse_is_heading(line, strlen(line), NULL, &title);
    CHECK(line, !ok);
    free(title);
}

static void test_headings(void)
{
    heading_yes("Chapter 12", 12, "Chapter 12");
    heading_yes("Chapter 12: The Guild", 12, "Chapter 12: The Guild");
    /* the display title: emphasis markers and an escaping backslash go, an
     * escaped backslash stays */
    heading_yes("Chapter 3: _Ace\\'s_ Day", 3, "Chapter 3: Ace's Day");
    heading_yes("Chapter 4: Back\\\\'s Day", 4, "Chapter 4: Back\\'s Day");
    heading_yes("CHAPTER XII.", 12, "CHAPTER XII.");
    heading_yes("CHAPTER I. Down the Rabbit-Hole", 1, "CHAPTER I. Down the Rabbit-Hole");
    heading_yes("Chapter Twelve", 12, "Chapter Twelve");
    heading_yes("Chapter Twenty-One", 21, "Chapter Twenty-One");
    heading_yes("Chapter the First", 1, "Chapter the First");
    heading_yes("chapter iv", 4, "chapter iv");
    heading_yes("   Chapter    3  ", 3, "Chapter 3");
    heading_yes("**Chapter I: Future Aspirations**", 1, "Chapter I: Future Aspirations");
    heading_yes("## Chapter 7 - Home", 7, "Chapter 7 - Home");
    heading_yes("Prologue", PARSE_PROLOGUE, "Prologue");
    heading_yes("Epilogue", PARSE_EPILOGUE, "Epilogue");
    heading_yes("Epilogue: Ten Years Later", PARSE_EPILOGUE, "Epilogue: Ten Years Later");
    heading_yes("Letter 1", 1, "Letter 1");
    heading_yes("I", 1, "I");
    heading_yes("II.", 2, "II.");
    heading_yes("XIV", 14, "XIV");
    heading_yes("12.", 12, "12.");
    heading_yes("BOOK ONE: 1805", 1, "BOOK ONE: 1805");
    heading_yes("FIRST EPILOGUE: 1813 - 20", 1, "FIRST EPILOGUE: 1813 - 20");
    heading_yes("PREMI\xC3\x88RE PARTIE", 1, "PREMI\xC3\x88RE PARTIE");
    heading_yes("ADVENTURE I. A SCANDAL IN BOHEMIA", 1, "ADVENTURE I. A SCANDAL IN BOHEMIA");
    heading_yes("VII. THE ADVENTURE OF THE BLUE CARBUNCLE", 7, "VII. THE ADVENTURE OF THE BLUE CARBUNCLE");
    heading_yes("\xE7\xAC\xAC\xE4\xB8\x80\xE5\x9B\x9E\xE3\x80\x80\xE7\x94\x84\xE5\xA3\xAB\xE9\x9A\xB1",
                1, "\xE7\xAC\xAC\xE4\xB8\x80\xE5\x9B\x9E\xE3\x80\x80\xE7\x94\x84\xE5\xA3\xAB\xE9\x9A\xB1");
    /* 第二十三回, 第一百二十回, 第一一六回 (digit by digit), 第12章 */
    heading_yes("\xE7\xAC\xAC\xE4\xBA\x8C\xE5\x8D\x81\xE4\xB8\x89\xE5\x9B\x9E", 23,
                "\xE7\xAC\xAC\xE4\xBA\x8C\xE5\x8D\x81\xE4\xB8\x89\xE5\x9B\x9E");
    heading_yes("\xE7\xAC\xAC\xE4\xB8\x80\xE7\x99\xBE\xE4\xBA\x8C\xE5\x8D\x81\xE5\x9B\x9E", 120,
                "\xE7\xAC\xAC\xE4\xB8\x80\xE7\x99\xBE\xE4\xBA\x8C\xE5\x8D\x81\xE5\x9B\x9E");
    heading_yes("\xE7\xAC\xAC\xE4\xB8\x80\xE4\xB8\x80\xE5\x85\xAD\xE5\x9B\x9E", 116,
                "\xE7\xAC\xAC\xE4\xB8\x80\xE4\xB8\x80\xE5\x85\xAD\xE5\x9B\x9E");
    heading_yes("\xE7\xAC\xAC" "12" "\xE7\xAB\xA0", 12, "\xE7\xAC\xAC" "12" "\xE7\xAB\xA0");

    heading_no("He could feel her pain, her shock at his dismissal.");
    heading_no("Chapter 12 of the book was long");
    heading_no("Chapters");
    heading_no("Letter from home");
    heading_no("I am here.");
    heading_no("I saw him");
    heading_no("MIX");
    heading_no("2004");
    heading_no("1985: the year it rained");
    heading_no("Part of me wanted to stay");
    heading_no("Introduction to the art of war");
    heading_no("V. Smith said hello.");
    heading_no("*** START OF THIS PROJECT GUTENBERG EBOOK ALICE ***");
    heading_no("The Worst Betrayal by TwilightChild");
    heading_no("First, he went home");
    /* 第四回中… and 第二回了． are prose that starts with a chapter reference */
    heading_no("\xE7\xAC\xAC\xE5\x9B\x9B\xE5\x9B\x9E\xE4\xB8\xAD\xE6\x97\xA2\xE5\xB0\x87");
    heading_no("\xE7\xAC\xAC\xE4\xBA\x8C\xE5\x9B\x9E\xE4\xBA\x86\xEF\xBC\x8E");
    heading_no("");
}

/* ---- breaks ---- */

/* analyse.c's richness skips parse_is_break_line on a line whose first
 * byte is an ASCII letter or digit other than o, x, O, X and 0: such a
 * line is never a break line. */
static void test_break_lines_word_first(void)
{
    static const char rest[] = "oOxX0*-~=#. _'\"!?";
    unsigned seed = 3;
    bool never = true;
    char line[8];
    for (int c = '0'; c <= 'z'; c++) {
        int l = c | 0x20;
        if (!((l >= 'a' && l <= 'z' && l != 'o' && l != 'x') || (c >= '1' && c <= '9')))
            continue;
        for (int k = 0; k < 2000; k++) {
            line[0] = (char)c;
            size_t n = 1 + (size_t)k % 7;
            for (size_t i = 1; i < n; i++) {
                line[i] = rest[rt_next(&seed) % (sizeof rest - 1)];
            }
            if (parse_is_break_line(line, n)) {
                fprintf(stderr, "a break line starting with a word byte: %.*s\n", (int)n, line);
                never = false;
            }
        }
    }
    CHECK("a line opening with a letter or digit but o x O X 0 is no break line", never);
    CHECK("oOo is a break line (the exception is needed)", parse_is_break_line("oOo", 3));
    CHECK("XXX is a break line", parse_is_break_line("x x x", 5));
}

/* parse_is_break_line's fast path (a first byte that is an ASCII letter
 * or digit but o x O X 0: no break line) against its general path: the
 * same line after a space does not take the fast path, the answer must be
 * the same. */
static void test_break_lines_fast_path(void)
{
    static const char *const bits[] = {"a", "o", "O", "x", "X", "0", "7", "Z", "*", "-", "~",
                                       "=", "#", ".", " ", "'", "\xC2\xA7", "\xE2\x80\x94"};
    unsigned seed = 11;
    bool same = true;
    char line[64];
    for (int k = 0; k < 30000 && same; k++) {
        size_t n = 1;
        line[0] = ' ';
        int parts = 1 + k % 9;
        rt_pieces(line, &n, bits, sizeof bits / sizeof *bits, parts, &seed);
        same = parse_is_break_line(line + 1, n - 1) == parse_is_break_line(line, n);
        if (!same)
            fprintf(stderr, "break line: fast and general paths differ on \"%.*s\"\n",
                    (int)(n - 1), line + 1);
    }
    CHECK("break lines: the fast path answers as the general path (30,000 lines)", same);
}

/* parse_break_memo answers as parse_is_break_line along a text of lines
 * that repeat (runs of "***", equal lines at other places, one byte
 * changed, lines longer than the memo keeps). */
static void test_break_memo(void)
{
    static const char *const lines[] = {"***", "***", "* * *", "**", "***", "a", "oOo", "oOx",
                                        "~~~~~~~~~~~~~~~~~~~~", "~~~~~~~~~~~~~~~~~~~~", "#", "",
                                        "--", "---", "\xE2\x80\x94\xE2\x80\x94\xE2\x80\x94",
                                        "...", "***"};
    unsigned seed = 31;
    struct buf t = {0};
    size_t off[4000], len[4000];
    for (int k = 0; k < 4000; k++) {
        const char *l = lines[rt_next(&seed) % (sizeof lines / sizeof *lines)];
        off[k] = t.len;
        len[k] = strlen(l);
        buf_adds(&t, l);
        buf_addc(&t, '\n');
    }
    struct parse_brk_memo m = {0};
    bool same = true;
    size_t yes = 0;
    for (int k = 0; k < 4000 && same; k++) {
        bool want = parse_is_break_line(t.data + off[k], len[k]);
        same = parse_break_memo(&m, t.data + off[k], len[k]) == want;
        yes += want;
        if (!same)
            fprintf(stderr, "parse_break_memo differs on line %d: %.*s\n", k, (int)len[k],
                    t.data + off[k]);
    }
    buf_free(&t);
    CHECK("parse_break_memo answers as parse_is_break_line (4,000 lines)", same);
    CHECK("parse_break_memo: break lines among them", yes > 1000);
}

/* parse_count_lf (memchr over long lines, eight bytes at a time over
 * short ones) as a count byte by byte: short and long lines, LF next to
 * bytes one bit away from it (0x0B, 0x8A, 0x0E) and at every alignment. */
static void test_count_lf(void)
{
    static const char *const bits[] = {"\n", "\n\n", "a", "\x0B", "\x8A", "\x0E", "\x0A\x8A",
                                       "\xFF", "\x00", "a long line of prose, as it goes on"};
    unsigned seed = 29;
    bool same = true;
    struct buf b = {0};
    for (int k = 0; k < 3000 && same; k++) {
        b.len = 0;
        int parts = k % 2 ? 1 + k % 700 : 1 + k % 40;
        for (int i = 0; i < parts; i++) {
            const char *bit = bits[rt_next(&seed) % (k % 3 ? 7 : 10)];
            buf_add(&b, bit, strlen(bit) ? strlen(bit) : 1);
        }
        for (size_t from = 0; from < 9 && from <= b.len && same; from++) {
            size_t want = 0;
            for (size_t i = from; i < b.len; i++)
                want += b.data[i] == '\n';
            same = parse_count_lf(b.data + from, b.len - from) == want;
            if (!same)
                fprintf(stderr, "parse_count_lf: %zu bytes from %zu: wrong count\n", b.len, from);
        }
    }
    buf_free(&b);
    CHECK("parse_count_lf counts as a byte by byte count (3,000 strings)", same);
}

/* parse_trim (uch_trim with the common case inline) as uch_trim on random
 * strings of ASCII, controls, Unicode spaces and invalid bytes. */
static void test_parse_trim(void)
{
    static const char *const bits[] = {"a", "Z", "0", "~", " ", "\t", "\n", "\r", "\f", "\v",
                                       "\x01", "\x1F", "\x7F", "\xC2\xA0", "\xE3\x80\x80",
                                       "\xE2\x80\x83", "\xE2\x80\xAF", "\xEF\xBB\xBF",
                                       "\xC3\xA9", "\x80", "\xFF", "\xE2\x80"};
    unsigned seed = 13;
    bool same = true;
    char s[96];
    for (int k = 0; k < 30000 && same; k++) {
        size_t n = 0;
        int parts = k % 12;
        rt_pieces(s, &n, bits, sizeof bits / sizeof *bits, parts, &seed);
        unsigned r0 = rt_next(&seed), r1 = rt_next(&seed);
        size_t a0 = n ? r0 % (n + 1) : 0, b0 = n;
        if (n > a0)
            b0 = a0 + r1 % (n - a0 + 1);
        size_t a1 = a0, b1 = b0, a2 = a0, b2 = b0;
        parse_trim(s, &a1, &b1);
        uch_trim(s, &a2, &b2);
        same = a1 == a2 && b1 == b2;
        if (!same)
            fprintf(stderr, "parse_trim [%zu, %zu) of \"%.*s\": [%zu, %zu), uch_trim [%zu, %zu)\n",
                    a0, b0, (int)n, s, a1, b1, a2, b2);
    }
    CHECK("parse_trim as uch_trim on 30,000 random ranges", same);
}

static void test_break_lines(void)
{
    const char *yes[] = {"***", "* * *", "***   ***   ******   ***   ******   ***   ***",
                         "       *       *       *       *       *", "  *    *    *    *    *    *    *",
                         "~~~", "---", "___", "- - -", "oOo", "xXx", "-x-x-", "=====", "#", "\xC2\xA7",
                         "\xE2\x81\x82", "<><><>", "~*~*~", "xxxxxx", "\xE2\x80\x94\xE2\x80\x94\xE2\x80\x94",
                         "*", NULL};
    const char *no[] = {"", "   ", "*** START OF THIS PROJECT GUTENBERG EBOOK DRACULA ***",
                        "***September 7, 2004***", "...", "\xE2\x80\xA6", "\"...\"", "?!", "XX", "XXX",
                        "I", "A/N: thanks", "The end.", "\xE2\x80\x94", "(...)", NULL};
    for (int i = 0; yes[i]; i++)
        CHECK(yes[i], parse_is_break_line(yes[i], strlen(yes[i])));
    for (int i = 0; no[i]; i++)
        CHECK(no[i], !parse_is_break_line(no[i], strlen(no[i])));
}

/* ---- emphasis ---- */

/* Render s with hidden bytes removed and italic/bold spans bracketed. */
static char *show(const char *s)
{
    size_t n = strlen(s);
    uint8_t *cls = xmalloc(n + 1);
    markup_scan(s, n, cls);
    struct buf b = {0};
    uint8_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        if (cls[i] & MARKUP_HIDDEN)
            continue;
        uint8_t a = cls[i] & (MARKUP_ITALIC | MARKUP_BOLD);
        if (a != prev) {
            if (prev)
                buf_addc(&b, '>');
            if (a)
                buf_adds(&b, a == MARKUP_ITALIC ? "<i:" : a == MARKUP_BOLD ? "<b:" : "<bi:");
            prev = a;
        }
        buf_addc(&b, s[i]);
    }
    if (prev)
        buf_addc(&b, '>');
    buf_add(&b, "", 0);
    free(cls);
    return b.data;
}

/* The emphasis rules as the plain search states them: for every opener,
 * a scan for its closer.  markup_scan must mark exactly the same bytes
 * while skipping searches it knows will fail.  ASCII only: a space, a
 * letter or digit, anything else. */
static int ref_side(const char *s, size_t n, size_t i, bool before)
{
    if (before ? i == 0 : i >= n)
        return 0;
    unsigned char c = (unsigned char)s[before ? i - 1 : i];
    if (c == ' ' || c == '\n')
        return 0;
    return isalnum(c) ? 2 : 1;
}

static void ref_markup_scan(const char *s, size_t n, uint8_t *cls)
{
    bool lit[64] = {false};
    memset(cls, 0, n);
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == '\\' && ispunct((unsigned char)s[i + 1])) {
            cls[i] = MARKUP_HIDDEN;
            lit[++i] = true;
        }
    for (size_t i = 0; i < n; i++) {
        char m = s[i];
        if ((m != '*' && m != '_') || (cls[i] & MARKUP_HIDDEN) || lit[i])
            continue;
        size_t r = i;
        while (r < n && s[r] == m && !(cls[r] & MARKUP_HIDDEN) && !lit[r])
            r++;
        size_t k = r - i;
        if (k > 3 || ref_side(s, n, i, true) == 2 || ref_side(s, n, r, false) == 0) {
            i = r - 1;
            continue;
        }
        size_t j = r, found = n;
        while (j < n) {
            if (s[j] != m || (cls[j] & MARKUP_HIDDEN) || lit[j]) {
                j++;
                continue;
            }
            size_t e = j;
            while (e < n && s[e] == m && !lit[e])
                e++;
            if (e - j == k && ref_side(s, n, j, true) != 0 && ref_side(s, n, e, false) != 2) {
                found = j;
                break;
            }
            j = e;
        }
        if (found == n) {
            i = r - 1;
            continue;
        }
        uint8_t attr = k == 1 ? MARKUP_ITALIC : k == 2 ? MARKUP_BOLD : (MARKUP_ITALIC | MARKUP_BOLD);
        for (size_t q = r; q < found; q++)
            cls[q] |= attr;
        for (size_t q = i; q < r; q++)
            cls[q] = MARKUP_HIDDEN;
        for (size_t q = found; q < found + k; q++)
            cls[q] = MARKUP_HIDDEN;
        i = r - 1;
    }
    for (size_t i = 0; i < n; i++)
        if (cls[i] & MARKUP_HIDDEN)
            cls[i] = MARKUP_HIDDEN;
}

/* markup_scan against the plain search on 300,000 random strings of
 * markers, escapes, letters, spaces and punctuation; then a paragraph of
 * 40,000 openers without a closer (one pass, not one per opener) that
 * still finds the emphasis at its end. */
static void test_markup_same_as_plain_search(void)
{
    static const char alpha[] = "**__\\\\a1 .\n'";
    char s[32];
    uint8_t got[32], want[32];
    unsigned x = 12345;
    bool same = true;
    for (int t = 0; t < 300000 && same; t++) {
        x = x * 1103515245u + 12345u;
        size_t n = (x >> 16) % 25;
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            s[i] = alpha[(x >> 16) % (sizeof alpha - 1)];
        }
        markup_scan(s, n, got);
        ref_markup_scan(s, n, want);
        if (memcmp(got, want, n) != 0) {
            same = false;
            fprintf(stderr, "markup differs on [%.*s]\n", (int)n, s);
        }
    }
    CHECK("markup_scan marks what the plain search marks", same);

    struct buf b = {0};
    for (int i = 0; i < 40000; i++)
        buf_adds(&b, "*open wide ");
    buf_adds(&b, "and _this_ at last.");
    uint8_t *cls = xmalloc(b.len);
    markup_scan(b.data, b.len, cls);
    size_t marked = 0;
    for (size_t i = 0; i < b.len; i++)
        marked += cls[i] != 0;
    const char *this = strstr(b.data, "_this_");
    CHECK("40,000 unclosed openers: only the last emphasis is marked",
          marked == 6 && (cls[this - b.data] & MARKUP_HIDDEN) &&
              (cls[this - b.data + 1] & MARKUP_ITALIC));
    free(cls);
    buf_free(&b);
}

/* Pathological input is linear (issue 14 item 2, issue 17): 1 MB of
 * nested emphasis `*a *a … a* a*` (each opener's closer half a megabyte
 * on; the plain search and painting each pair's range cost a search of
 * half the paragraph per pair, minutes in all) is marked completely; so
 * is every pair.  Run in make check: a quadratic pass hangs it. */
static void test_markup_nested_linear(void)
{
    size_t pairs = 1u << 18, n = pairs * 6;
    char *s = xmalloc(n);
    for (size_t p = 0; p < pairs; p++) {
        memcpy(s + 3 * p, "*a ", 3);
        memcpy(s + 3 * pairs + 3 * p, " a*", 3);
    }
    uint8_t *cls = xmalloc(n);
    markup_scan(s, n, cls);
    size_t hidden = 0, italic = 0;
    for (size_t i = 0; i < n; i++) {
        hidden += cls[i] == MARKUP_HIDDEN;
        italic += (cls[i] & MARKUP_ITALIC) != 0;
    }
    CHECK_INT("1 MB of nested emphasis: every marker hidden", hidden, 2 * pairs);
    CHECK_INT("and everything between the outer pair italic", italic, n - 2 * pairs);
    free(cls);
    free(s);
}

static void markup_is(const char *in, const char *want)
{
    char *got = show(in);
    CHECK_STR(in, got, want);
    free(got);
}

/* markup_scan answers a paragraph with no backslash, `*` or `_` without
 * its loops (every class 0).  The same text with " *" after it (a star
 * that opens and closes nothing) takes the loops: its first bytes must get
 * the same classes, also with the converter's underline and strike marks. */
static void test_markup_fast_path(void)
{
    static const char *const bits[] = {"a", "word", " ", "\n", ".", ",", "'", "\"", "\xC3\xA9",
                                       "\xE2\x80\x94", "\x0E", "\x0F", "\x1C", "\x1D", "/"};
    unsigned seed = 23;
    bool same = true;
    size_t styled = 0;
    char s[160];
    uint8_t c1[160], c2[160];
    for (int k = 0; k < 20000 && same; k++) {
        size_t n = 0;
        int parts = 1 + k % 40;
        rt_pieces(s, &n, bits, sizeof bits / sizeof *bits, parts, &seed);
        memcpy(s + n, " *", 2);
        markup_scan(s, n, c1);
        markup_scan(s, n + 2, c2);
        same = memcmp(c1, c2, n) == 0;
        for (size_t i = 0; i < n; i++)
            styled += c1[i] != 0;
        if (!same)
            fprintf(stderr, "markup_scan: fast and general classes differ: \"%.*s\"\n", (int)n, s);
    }
    CHECK("markup: a paragraph without markers classed as by the general path", same);
    CHECK("markup: the converter's marks still classed there", styled > 1000);
}

/* markup.c's side_class answers an ASCII character by its own rule
 * (space: ' ' and '\t'-'\r'; word: letters and digits): the same as
 * uch_is_space and uch_is_alnum on all 128, and so is parse_ascii_alnum. */
static void test_ascii_classes(void)
{
    bool same = true;
    for (unsigned c = 0; c < 0x80; c++) {
        unsigned l = c | 0x20;
        bool space = c == ' ' || (c >= '\t' && c <= '\r');
        bool word = (l >= 'a' && l <= 'z') || (c >= '0' && c <= '9');
        bool quote = c == '"' || c == '\'';
        if (uch_is_space(c) != space || uch_is_alnum(c) != word ||
            parse_ascii_alnum((unsigned char)c) != word || uch_is_quote(c, UCH_Q_ANY) != quote) {
            fprintf(stderr, "ASCII class of 0x%02X differs\n", c);
            same = false;
        }
    }
    CHECK("the ASCII space, word and quote rules are uch_is_space's, uch_is_alnum's and "
          "uch_is_quote's", same);
    markup_is("x*a\tb*\ty *c*\x7F", "x*a\tb*\ty <i:c>\x7F");
    markup_is("\x0B*v*\x0C and 9*9*", "\x0B<i:v>\x0C and 9*9*");
    markup_is("a *\x0Bv* b *\rw* c", "a *\x0Bv* b *\rw* c");   /* a space after: no opener */
}

static void test_markup(void)
{
    markup_is("Until he felt *her*.", "Until he felt <i:her>.");
    markup_is("It was *very* much _so_ indeed", "It was <i:very> much <i:so> indeed");
    markup_is("*several words here* then", "<i:several words here> then");
    markup_is("a **bold** move", "a <b:bold> move");
    markup_is("***September 7, 2004***", "<bi:September 7, 2004>");
    markup_is("snake_case_name stays", "snake_case_name stays");
    markup_is("2*3*4 = 24", "2*3*4 = 24");
    markup_is("a lone * star", "a lone * star");
    markup_is("* * *", "* * *");
    markup_is("unmatched *marker here", "unmatched *marker here");
    markup_is("footnote mark*", "footnote mark*");
    markup_is("wrapped *across a\r\nline end* fine", "wrapped <i:across a\r\nline end> fine");
    markup_is("\xE2\x80\x9C*Spike*,\xE2\x80\x9D she said", "\xE2\x80\x9C<i:Spike>,\xE2\x80\x9D she said");
    markup_is("P\\*T\\*E\\*N", "P*T*E*N");
    /* issue 14 item 14: Markdown escapes before any ASCII punctuation */
    markup_is("the school\\'s \\$5 \\\"fee\\\" \\. done", "the school's $5 \"fee\" . done");
    markup_is("a \\\\ backslash, \\*not\\* emphasis", "a \\ backslash, *not* emphasis");
    markup_is("C:\\Users\\ann \\o/ \\1", "C:\\Users\\ann \\o/ \\1");
    markup_is("\\\\*both\\\\*", "\\<i:both\\>");
    markup_is("_5 May._--I must", "<i:5 May.>--I must");
}

static void test_words(void)
{
    const char *s = "Don\xE2\x80\x99t stop \xE2\x80\x94 now, 3.14 e-mail";
    CHECK_INT("words: apostrophes join, dashes separate", parse_count_words(s, 0, strlen(s)), 5);
    const char *c = "\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97 ok";
    CHECK_INT("each ideograph is a word", parse_count_words(c, 0, strlen(c)), 4);
    CHECK_INT("punctuation alone is no word", parse_count_words("* * * -- ...", 0, 12), 0);
    CHECK_INT("range is respected", parse_count_words("one two three", 4, 7), 1);
}

/* ---- seeds ---- */

static void test_seeds(void)
{
    struct {
        const char *path, *title, *author, *ch_title;
        int number;
        size_t breaks;
    } seeds[] = {
        {"sample_library/The Worst Betrayal/000_977516cc94ba2ab9.txt", "The Worst Betrayal",
         "TwilightChild", NULL, PARSE_NO_NUMBER, 3},
        {"sample_library/The Worst Betrayal/001_f36c8488a464cd0d.txt", "The Worst Betrayal",
         "TwilightChild", NULL, PARSE_NO_NUMBER, 5},
        {"sample_library/Untitled Prologue/002_48b722d619b5015f.txt", NULL, NULL, NULL,
         PARSE_NO_NUMBER, 0},
        {"sample_library/Almost Heaven/003_e00f50334e6292c3.txt", "Almost Heaven", NULL,
         "The Martyr", 1, 1},
        {"sample_library/Untitled Prologue/004_16cf96708da75563.txt", NULL, NULL, "Prologue",
         PARSE_PROLOGUE, 3},
    };
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        struct source *s = load(seeds[i].path);
        if (!CHECK("seed loads", s != NULL))
            continue;
        struct parse_result r;
        parse_text(s->text, s->len, &r);
        CHECK_STR(seeds[i].path, r.title, seeds[i].title);
        CHECK_STR(seeds[i].path, r.author, seeds[i].author);
        CHECK_INT("each seed is one chapter", r.n_ch, 1);
        CHECK("chapters tile the text", parse_chapters_tile(&r, s->len));
        if (r.n_ch) {
            CHECK_STR("chapter title", r.ch[0].title, seeds[i].ch_title);
            CHECK_INT("chapter number", r.ch[0].number, seeds[i].number);
        }
        struct counts c = count_blocks(s, &r);
        CHECK_INT("scene breaks in the seed", c.brk, seeds[i].breaks);
        parse_result_free(&r);
        decode_free(s);
    }

    /* 000: the disclaimer and note are front matter; the story starts after
     * the blank gap, which is not a scene break. */
    struct source *s = load("sample_library/The Worst Betrayal/000_977516cc94ba2ab9.txt");
    if (s) {
        struct parse_result r;
        parse_text(s->text, s->len, &r);
        CHECK("the announcement is left out of the text", text_at(s, r.body, "Disclaimer:"));
        CHECK("front matter ends where the story starts", text_at(s, r.ch[0].front_end, "Even now"));
        struct block *b;
        size_t n = parse_blocks(s->text, r.ch[0].start, r.ch[0].end, r.ch[0].start, r.ch[0].back, &b);
        CHECK("disclaimer is front matter", n > 3 && b[0].flags == BLOCK_FRONT &&
                                                text_at(s, b[0].off, "Disclaimer"));
        CHECK("note is front matter", n > 3 && b[1].flags == BLOCK_FRONT && text_at(s, b[1].off, "Note:"));
        CHECK("the story is not", n > 3 && b[2].flags == 0 && b[2].kind == BLOCK_PARA &&
                                      text_at(s, b[2].off, "Even now"));
        free(b);
        parse_result_free(&r);
        decode_free(s);
    }

    /* 003: a reply after two blank lines is not a break; a change of scene is. */
    s = load("sample_library/Almost Heaven/003_e00f50334e6292c3.txt");
    if (s) {
        struct parse_result r;
        parse_text(s->text, s->len, &r);
        struct block *b;
        size_t n = parse_blocks_body(s->text, r.ch[0].start, r.ch[0].end, r.ch[0].front_end,
                                     r.ch[0].body, r.ch[0].back, &b);
        CHECK("the chapter title line is a heading block",
              n > 0 && b[0].kind == BLOCK_HEADING && text_at(s, b[0].off, "The Martyr"));
        for (size_t k = 1; k < n; k++) {
            if (text_at(s, b[k].off, "\"Was. It was true."))
                CHECK("dialogue reply after a gap: no break", b[k - 1].kind != BLOCK_BREAK);
            if (text_at(s, b[k].off, "The tension was too cloying"))
                CHECK("scene change after a gap: a break", b[k - 1].kind == BLOCK_BREAK &&
                                                              b[k - 1].off == b[k - 1].end);
        }
        free(b);
        parse_result_free(&r);
        decode_free(s);
    }

    /* 004: " Chapter 1" / "Prologue"; three explicit breaks; closing A/N. */
    s = load("sample_library/Untitled Prologue/004_16cf96708da75563.txt");
    if (s) {
        struct parse_result r;
        parse_text(s->text, s->len, &r);
        CHECK("the heading and its name are the heading lines", text_at(s, r.ch[0].body - 9, "Prologue"));
        CHECK("the closing A/N is back matter", text_at(s, r.ch[0].back, "A/N:"));
        struct block *b;
        size_t n = parse_blocks_body(s->text, r.ch[0].start, r.ch[0].end, r.ch[0].front_end,
                                     r.ch[0].body, r.ch[0].back, &b);
        CHECK("last block is the A/N, flagged back matter",
              n > 0 && b[n - 1].flags == BLOCK_BACK && text_at(s, b[n - 1].off, "A/N:"));
        size_t explicit_breaks = 0;
        for (size_t k = 0; k < n; k++)
            explicit_breaks += b[k].kind == BLOCK_BREAK && b[k].end > b[k].off;
        CHECK_INT("exactly three `***   ***` lines", explicit_breaks, 3);
        free(b);
        /* without knowing the chapter's body, the heading is still recognised */
        n = parse_blocks(s->text, 0, s->len, 0, s->len, &b);
        CHECK("plain parse_blocks finds the heading and the A/N",
              n > 2 && b[0].kind == BLOCK_HEADING && b[n - 1].flags == BLOCK_BACK);
        free(b);
        parse_result_free(&r);
        decode_free(s);
    }
}

/* ---- fixtures ---- */

static void test_fixtures(void)
{
    struct source *s = load(DATA "roman.txt");
    if (s) {
        struct parse_result r;
        parse_text(s->text, s->len, &r);
        CHECK_STR("title from 'Title' + 'by Author'", r.title, "THE ROMAN BOOK");
        CHECK_STR("author", r.author, "A. Writer");
        CHECK_INT("the contents list is not five extra chapters", r.n_ch, 5);
        if (r.n_ch == 5) {
            CHECK_INT("roman IX", r.ch[4].number, 9);
            CHECK_STR("title as written", r.ch[0].title, "CHAPTER I.");
            CHECK("contents are front matter of chapter 1",
                  text_at(s, r.ch[0].front_end, "CHAPTER I.") && r.ch[0].front_end > r.ch[0].start + 60);
        }
        CHECK("tiles", parse_chapters_tile(&r, s->len));
        parse_result_free(&r);
        decode_free(s);
    }
    s = load(DATA "spelled.txt");
    if (s) {
        struct parse_result r;
        parse_text(s->text, s->len, &r);
        CHECK_INT("spelled-out chapters", r.n_ch, 4);
        if (r.n_ch == 4) {
            CHECK_INT("One", r.ch[0].number, 1);
            CHECK_INT("Two", r.ch[1].number, 2);
            CHECK_INT("Twenty-One", r.ch[2].number, 21);
            CHECK_INT("Epilogue sorts last", r.ch[3].number, PARSE_EPILOGUE);
            CHECK_STR("title kept", r.ch[1].title, "Chapter Two: The Road");
        }
        parse_result_free(&r);
        decode_free(s);
    }
    s = load(DATA "bare_roman.txt");
    if (s) {
        struct parse_result r;
        parse_text(s->text, s->len, &r);
        CHECK_INT("bare numerals alone are chapters", r.n_ch, 4);
        if (r.n_ch == 4)
            CHECK_INT("IV.", r.ch[3].number, 4);
        parse_result_free(&r);
        decode_free(s);
    }
    s = load(DATA "fanficfare.txt");
    if (s) {
        struct parse_result r;
        parse_text(s->text, s->len, &r);
        CHECK("FanFicFare layout recognised", r.fanficfare);
        CHECK_STR("its title", r.title, "The Long Road Home");
        CHECK_STR("its author", r.author, "inkwell_writer");
        CHECK_INT("its chapters (not the contents list)", r.n_ch, 3);
        if (r.n_ch == 3) {
            CHECK_STR("tab-indented chapter title", r.ch[1].title, "The Middle");
            CHECK("metadata and contents are front matter", text_at(s, r.ch[0].front_end, "\tStarting Out"));
            CHECK("End file. is back matter", text_at(s, r.ch[2].back, "End file."));
            struct counts c = count_blocks(s, &r);
            CHECK_INT("one * * * per chapter", c.brk, 3);
        }
        CHECK("tiles", parse_chapters_tile(&r, s->len));
        parse_result_free(&r);
        decode_free(s);
    }
    s = load(DATA "wide.txt");
    if (s) {
        struct parse_result r;
        parse_text(s->text, s->len, &r);
        CHECK_INT("第…章 chapters", r.n_ch, 3);
        if (r.n_ch == 3) {
            CHECK_INT("第十二章 is 12", r.ch[2].number, 12);
            CHECK_STR("CJK title", r.ch[1].title, "\xE7\xAC\xAC\xE4\xBA\x8C\xE7\xAB\xA0\xE3\x80\x80\xE7\xBB\xA7\xE7\xBB\xAD");
            struct block *b;
            size_t n = parse_blocks_body(s->text, r.ch[1].start, r.ch[1].end, r.ch[1].front_end,
                                         r.ch[1].body, r.ch[1].back, &b);
            CHECK_INT("indented lines are paragraphs (heading + 4)", n, 5);
            free(b);
        }
        parse_result_free(&r);
        decode_free(s);
    }
    s = load(DATA "one_per_line.txt");
    if (s) {
        struct parse_result r;
        parse_text(s->text, s->len, &r);
        struct counts c = count_blocks(s, &r);
        CHECK_INT("one paragraph per line without blank lines", c.para, 11);
        CHECK_INT("the one blank gap is a lost break", c.brk, 1);
        parse_result_free(&r);
        decode_free(s);
    }
    s = load(DATA "cp1252_crlf.txt");
    if (s) {
        struct parse_result r;
        parse_text(s->text, s->len, &r);
        CHECK_STR("Windows-1252 title by author", r.title, "Le Secret");
        CHECK("French 'Note :' is front matter", text_at(s, r.ch[0].front_end, "Il dit"));
        parse_result_free(&r);
        decode_free(s);
    }
}

/* ---- blocks on small texts ---- */

/* Does block b of t hold `want`? */
static bool text_is(const char *t, struct block b, const char *want)
{
    size_t n = strlen(want);
    for (size_t i = b.off; i + n <= b.end; i++)
        if (memcmp(t + i, want, n) == 0)
            return true;
    return false;
}

static size_t blocks_of(const char *t, struct block **b)
{
    return parse_blocks(t, 0, strlen(t), 0, strlen(t), b);
}

static void test_blocks(void)
{
    struct block *b;
    const char *t = "One line\nwrapped here.\n\nSecond paragraph.\n\n\n\nAfter a gap.\n\nMore.\n\nAnd more.\n";
    size_t n = blocks_of(t, &b);
    CHECK_INT("hard-wrapped paragraphs + one lost break", n, 6);
    if (n == 6) {
        CHECK("wrapped lines are one paragraph", b[0].kind == BLOCK_PARA && b[0].end == 22);
        CHECK("the 3-blank gap is a break", b[2].kind == BLOCK_BREAK && b[2].off == b[2].end);
    }
    free(b);

    t = "A.\n\n\nB.\n\n\nC.\n\n\nD.\n";
    n = blocks_of(t, &b);
    CHECK_INT("two blank lines everywhere: no lost breaks", n, 4);
    free(b);

    t = "Prose line one.\n\n    A verse line\n      indented more\n\nProse again and on.\n\n"
        "More prose here.\n\nAnd here.\n";
    n = blocks_of(t, &b);
    CHECK("indented lines in unindented text are verse", n >= 2 && b[1].kind == BLOCK_VERSE);
    free(b);

    t = "Text.\n\n  *    *    *\n\n    *    *    *\n\n  *    *    *\n\nMore text.\n";
    n = blocks_of(t, &b);
    CHECK_INT("a three-line star block is one break", n, 3);
    CHECK("it is a break", n == 3 && b[1].kind == BLOCK_BREAK);
    free(b);

    t = "Text here.\r\n\r\n***\r\n\r\nMore text.\r\n";
    n = blocks_of(t, &b);
    CHECK("CRLF text: explicit break", n == 3 && b[1].kind == BLOCK_BREAK && b[1].end - b[1].off == 3);
    free(b);

    /* a line under the heading, then two blank lines (Dracula's "DR.
     * SEWARD'S DIARY--_continued_."): no lost break after it */
    t = "CHAPTER XIII\n\nDR. SEWARD'S DIARY--_continued_.\n\n\nThe funeral was\narranged.\n\n"
        "More.\n\nAnd more.\n\nThen this.\n";
    n = parse_blocks_body(t, 0, strlen(t), 0, 14, strlen(t), &b);
    CHECK_INT("a dateline under a heading: heading, dateline, 4 paragraphs", n, 6);
    CHECK("no break after the dateline", n == 6 && b[0].kind == BLOCK_HEADING &&
                                            b[1].kind == BLOCK_PARA && b[2].kind == BLOCK_PARA);
    free(b);
    t = "Some text\nhere.\n\nA line.\n\n\nThe funeral was\narranged.\n\nMore.\n\nAnd more.\n";
    n = blocks_of(t, &b);
    CHECK("the same gap between story paragraphs is a break", n == 6 && b[2].kind == BLOCK_BREAK);
    free(b);

    n = blocks_of("", &b);
    CHECK_INT("empty range: no blocks", n, 0);
    free(b);
}

/* 200,000 scene-break lines are one break, and 100,000 of them between
 * paragraphs are 100,000 breaks (issue 14 item 2: merging them one memmove at a time
 * took 30 s for 1 MB). */
/* Runs of equal lines (issue 17: one-letter lines laid out at 5-7 times
 * prose's cost): a heading line's class is looked up once per run of
 * equal lines (scan_lines), the front matter walk stops at a first
 * paragraph of story text however long (matter_front_end).  The
 * chapters, titles and front matter found are those of the text. */
static void test_equal_line_runs(void)
{
    struct buf b = {0};
    buf_adds(&b, "Chapter 1\n\n");
    for (int i = 0; i < 100000; i++)
        buf_adds(&b, "a\n");
    buf_adds(&b, "\nChapter 2\n\nShe came back at dawn, and the lanterns were still lit.\n"
                 "Nobody had slept; the harbour waited for her word.\n\n"
                 "Chapter 2\n\nA second heading of the same words, and more text under it.\n"
                 "It goes on for a while, long enough to be a chapter of its own.\n");
    struct parse_result r;
    parse_text(b.data, b.len, &r);
    CHECK_INT("100,000 one-letter lines under a heading, then two more: three chapters",
              r.n_ch, 3);
    if (r.n_ch == 3) {
        CHECK_STR("the first", r.ch[0].title, "Chapter 1");
        CHECK_STR("the second", r.ch[1].title, "Chapter 2");
        CHECK_STR("the third, the same line again", r.ch[2].title, "Chapter 2");
        CHECK("the second begins at its heading",
              r.ch[1].start == (size_t)(strstr(b.data, "\nChapter 2") + 1 - b.data));
        CHECK("no front matter in a chapter of one-letter lines",
              r.ch[0].front_end == r.ch[0].start);
    }
    parse_result_free(&r);
    buf_free(&b);

    /* a note over 64 KiB long before the story: still front matter, the
     * story from the paragraph after it */
    struct buf n = {0};
    buf_adds(&n, "Disclaimer: I own nothing of this.\n");
    while (n.len < 100 * 1024)
        buf_adds(&n, "nothing at all\n");
    buf_adds(&n, "\n\n\nThe story starts here, on a quiet morning.\n");
    size_t story = n.len - strlen("The story starts here, on a quiet morning.\n");
    CHECK("a note of 100 KiB is front matter all the same",
          matter_front_end(n.data, 0, n.len) == story);
    /* and 100 KiB of story text first: no front matter */
    CHECK("100 KiB of text first: no front matter",
          matter_front_end(n.data + 12, 0, n.len - 12) == 0);
    buf_free(&n);
}

/* read_lines finds the lines of a chapter without CR by one search for LF
 * a line; with a CR anywhere in the chapter it reads them as
 * decode_next_line does.  The same chapter with one CR after its end
 * (a blank line more, nothing else) takes the general path: its blocks
 * must be the same. */
static void test_blocks_lf_only(void)
{
    const char *files[] = {"tests/data/corpus/alice-in-wonderland_pg11-0.txt",
                           "tests/data/corpus/die-verwandlung-de_pg22367-8.latin1.txt",
                           DATA "fanficfare.txt", DATA "roman.txt", DATA "spelled.txt",
                           DATA "one_per_line.txt", DATA "wide.txt"};
    size_t chapters = 0, blocks = 0;
    bool same = true;
    for (size_t f = 0; f < sizeof files / sizeof *files && same; f++) {
        struct source *s = load(files[f]);
        if (!CHECK(files[f], s != NULL))
            continue;
        /* its lines ended by LF alone (CR LF and a lone CR made LF) */
        char *u = xmalloc(s->len + 1);
        size_t len = 0;
        for (size_t i = 0; i < s->len; i++) {
            if (s->text[i] == '\r' && i + 1 < s->len && s->text[i + 1] == '\n')
                continue;
            u[len++] = s->text[i] == '\r' ? '\n' : s->text[i];
        }
        struct parse_result r;
        parse_text(u, len, &r);
        char *t = xmalloc(len + 1);
        for (size_t i = 0; i < r.n_ch && same; i++) {
            const struct parse_chapter *ch = &r.ch[i];
            memcpy(t, u, ch->end);
            t[ch->end] = '\r';
            memcpy(t + ch->end + 1, u + ch->end, len - ch->end);
            struct block *b1, *b2;
            size_t n1 = parse_blocks_body(u, ch->start, ch->end, ch->front_end, ch->body,
                                          ch->back, &b1);
            size_t back2 = ch->back >= ch->end ? ch->end + 1 : ch->back;
            size_t n2 = parse_blocks_body(t, ch->start, ch->end + 1, ch->front_end, ch->body,
                                          back2, &b2);
            same = n1 == n2;
            for (size_t k = 0; k < n1 && same; k++)
                same = b1[k].off == b2[k].off && b1[k].end == b2[k].end &&
                       b1[k].kind == b2[k].kind && b1[k].flags == b2[k].flags;
            if (!same)
                fprintf(stderr, "%s: chapter %zu: blocks differ with a CR after it\n", files[f], i);
            chapters++;
            blocks += n1;
            free(b1);
            free(b2);
        }
        free(t);
        free(u);
        parse_result_free(&r);
        decode_free(s);
    }
    CHECK("blocks: a chapter without CR read as with one (the LF-only lines)", same);
    CHECK("blocks: LF-only lines compared on many chapters", chapters >= 20 && blocks > 1000);
}

static void test_blocks_break_run(void)
{
    size_t lines = 200000;
    char *t = xmalloc(lines * 5 + 1);
    for (size_t i = 0; i < lines; i++)
        memcpy(t + 4 * i, "***\n", 4);
    struct block *b;
    size_t n = parse_blocks(t, 0, 4 * lines, 0, 4 * lines, &b);
    CHECK_INT("200,000 break lines in a row: one break", n, 1);
    CHECK("it spans them all", n == 1 && b[0].kind == BLOCK_BREAK && b[0].off == 0 &&
                                  b[0].end == 4 * lines - 1);
    free(b);
    for (size_t i = 0; i < lines; i++)
        memcpy(t + 5 * i, i % 2 ? "xyz\n\n" : "***\n\n", 5);
    n = parse_blocks(t, 0, 5 * lines, 0, 5 * lines, &b);
    CHECK_INT("100,000 breaks between 100,000 paragraphs: all kept", n, lines);
    CHECK("they alternate", n == lines && b[0].kind == BLOCK_BREAK && b[1].kind == BLOCK_PARA &&
                                b[lines - 1].kind == BLOCK_PARA);
    free(b);
    free(t);
}

/* Markdown headings: a one-line `## Title` is a heading whose range is its
 * title (the markers never shown); `#` alone stays a scene break, and a
 * line that only starts with `# ` before a lower-case word stays text. */
static void test_atx_headings(void)
{
    const char *t = "# A Long Way Home\n\nSome text of the story goes here.\n\n"
                    "## The House ##\n\nMore text.\n\n#\n\n# of people counted\n";
    struct block *b;
    size_t n = parse_blocks(t, 0, strlen(t), 0, strlen(t), &b);
    CHECK_INT("atx: six blocks", n, 6);
    if (n == 6) {
        CHECK("'# A Long Way Home' is a heading of its title",
              b[0].kind == BLOCK_HEADING && strncmp(t + b[0].off, "A Long Way Home", b[0].end - b[0].off) == 0 &&
                  b[0].end - b[0].off == 15);
        CHECK("'## The House ##' is a heading, closing run left out",
              b[2].kind == BLOCK_HEADING && b[2].end - b[2].off == 9 &&
                  strncmp(t + b[2].off, "The House", 9) == 0);
        CHECK("'#' alone is a scene break", b[4].kind == BLOCK_BREAK);
        CHECK("'# of people counted' stays text, markers and all",
              b[5].kind == BLOCK_PARA && t[b[5].off] == '#');
    }
    free(b);
}

/* Issue 14 item 11: lists and labelled lines keep their lines (verse);
 * a contents list in front matter is one compact block. */
static void test_lists(void)
{
    struct block *b;
    const char *t = "Title: The Long Way\nAuthor: A. Writer\nPosting Date: June 25, 2008 [EBook #11]\n"
                    "Release Date: March, 1994\n\nIt was a dark night and the rain\nfell on the town.\n";
    size_t n = blocks_of(t, &b);
    CHECK("a Gutenberg header's fields keep their lines",
          n == 2 && b[0].kind == BLOCK_VERSE && b[1].kind == BLOCK_PARA);
    free(b);

    t = "Category: Harry Potter\nGenre: Drama, Romance\nStatus: Completed\n"
        "Summary: Harry walks home. It is a long road, and he is not alone\non it.\n\nText.\n";
    n = blocks_of(t, &b);
    CHECK("FanFicFare's labels keep their lines, a wrapped value too",
          n == 2 && b[0].kind == BLOCK_VERSE);
    free(b);

    t = "   I. A Scandal in Bohemia\n  II. The Red-headed League\n III. A Case of Identity\n"
        "VIII. The Adventure of the Speckled Band\n  IX. The Adventure of the Engineer's Thumb\n"
        "\nTo Sherlock Holmes she is always the woman. I have seldom heard\nhim mention her "
        "under any other name. In his eyes she\neclipses and predominates the whole of her "
        "sex. It was not\nthat he felt any emotion akin to love for Irene Adler. All\n"
        "emotions, and that one particularly, were abhorrent to his cold.\n";
    n = blocks_of(t, &b);
    CHECK("a numbered contents list is one block of lines, indents and all",
          n == 2 && b[0].kind == BLOCK_VERSE && b[0].off == 0 && text_is(t, b[0], "IX. The Adventure"));
    free(b);

    t = "Note: the rain fell all day, and the river\nrose past the old mill until nobody in\n"
        "the village could remember a spring like it.\n\nMore.\n";
    n = blocks_of(t, &b);
    CHECK("a paragraph that opens with a label is still a paragraph", n == 2 && b[0].kind == BLOCK_PARA);
    free(b);

    t = "1. The first of these\nwas the hardest.\n\n2. The second was easy and\nquick to do.\n\nDone.\n";
    n = blocks_of(t, &b);
    CHECK("numbered paragraphs stay paragraphs", n == 3 && b[0].kind == BLOCK_PARA && b[1].kind == BLOCK_PARA);
    free(b);

    /* War and Peace: CONTENTS, then entries with blank lines between */
    t = "CONTENTS\n\n\n    BOOK ONE: 1805\n\n    CHAPTER I\n\n    CHAPTER II\n\n    CHAPTER III\n\n"
        "\n\n\nCHAPTER I\n\nWell, Prince, so Genoa and Lucca are now\njust family estates.\n";
    size_t fe = (size_t)(strstr(t, "\n\n\n\nCHAPTER I") - t) + 4;
    n = parse_blocks_body(t, 0, strlen(t), fe, fe + 10, strlen(t), &b);
    CHECK_INT("front-matter contents: CONTENTS, one list, the heading, the text", n, 4);
    CHECK("the list is one block of lines", n == 4 && b[1].kind == BLOCK_VERSE &&
                                            (b[1].flags & BLOCK_FRONT) && text_is(t, b[1], "CHAPTER III"));
    CHECK("the chapter's own heading stays one", n == 4 && b[2].kind == BLOCK_HEADING && !b[2].flags);
    free(b);
    t = "Chapter 1\n\nChapter 2\n\nChapter 3\n\nText.\n";
    n = blocks_of(t, &b);
    CHECK("outside front matter, such lines are not merged", n == 4);
    free(b);
}

/* The title and author a text announces, from a string. */
static void announces(const char *text, const char *title, const char *author)
{
    struct parse_result r;
    parse_text(text, strlen(text), &r);
    CHECK_STR(text, r.title, title);
    CHECK_STR(text, r.author, author);
    parse_result_free(&r);
}

/* Issue 14 item 15: an author whose name ends with a period (initials)
 * in "Title by Author"; a sentence ending in a period is still none. */
static void test_announce(void)
{
    const char *story = "\n\nChapter 1\n\nIt was a dark night and the rain fell on the town.\n";
    char buf[512];
    snprintf(buf, sizeof buf, "The Long Way Home by Tomasz W.%s", story);
    announces(buf, "The Long Way Home", "Tomasz W.");
    snprintf(buf, sizeof buf, "Letters by J.R.R.%s", story);
    announces(buf, "Letters", "J.R.R.");
    snprintf(buf, sizeof buf, "A Quiet Year by Sam Jones Jr.%s", story);
    announces(buf, "A Quiet Year", "Sam Jones Jr.");
    snprintf(buf, sizeof buf, "The Long Way Home by Tomasz W%s", story);
    announces(buf, "The Long Way Home", "Tomasz W");
    snprintf(buf, sizeof buf, "He was saved by Tomasz in the end.%s", story);
    announces(buf, NULL, NULL);

    /* issue 14 item 14: Markdown's bold title and "By Author" lines, after
     * notes, or first (then they leave the text) */
    const char *md = "**Disclaimer: I own nothing.**\n\n**Note: thanks to my beta.**\n\n"
                     "**The Fabric of Things**\n\n**By Someone100**\n\n**Chapter I: Start**\n\n"
                     "It was a long day at school\\'s end, and the rain fell on the town.\n";
    announces(md, "The Fabric of Things", "Someone100");
    struct parse_result r;
    parse_text(md, strlen(md), &r);
    CHECK("the notes before it stay in the text", r.body == 0);
    parse_result_free(&r);
    md = "__A Quiet Year__\n\n__by A. N. Author__\n\nChapter 1\n\nIt was a dark night.\n";
    announces(md, "A Quiet Year", "A. N. Author");
    parse_text(md, strlen(md), &r);
    CHECK("a first bold title leaves the text", r.body == (size_t)(strstr(md, "\n\nChapter") - md + 1));
    parse_result_free(&r);
    announces("**Bold words here**\n\n**by the way, no.**\n\nChapter 1\n\nText here.\n", NULL, NULL);
}

/* The kind of the block of chapter `ch` that holds `want`, or -1. */
static int kind_of_block_with(const struct source *s, const struct parse_result *r, size_t ch,
                              const char *want)
{
    struct block *b;
    size_t n = parse_blocks_body(s->text, r->ch[ch].start, r->ch[ch].end, r->ch[ch].front_end,
                                 r->ch[ch].body, r->ch[ch].back, &b);
    int kind = -1;
    for (size_t k = 0; k < n && kind < 0; k++)
        if (memmem(s->text + b[k].off, b[k].end - b[k].off, want, strlen(want)))
            kind = b[k].kind;
    free(b);
    return kind;
}

/* Front-matter headings of chapter `ch` (a contents list made of them). */
static size_t front_headings(const struct source *s, const struct parse_result *r, size_t ch)
{
    struct block *b;
    size_t n = parse_blocks_body(s->text, r->ch[ch].start, r->ch[ch].end, r->ch[ch].front_end,
                                 r->ch[ch].body, r->ch[ch].back, &b), h = 0;
    for (size_t k = 0; k < n; k++)
        h += b[k].kind == BLOCK_HEADING && (b[k].flags & BLOCK_FRONT);
    free(b);
    return h;
}

/* ---- real books (always: copies in tests/data/corpus) ---- */

static void test_alice_kafka(void)
{
    struct source *s = load("tests/data/corpus/alice-in-wonderland_pg11-0.txt");
    if (s) {
        struct parse_result r;
        parse_text(s->text, s->len, &r);
        CHECK_INT("Alice: 12 chapters", r.n_ch, 12);
        CHECK_STR("Alice title from the Title: field", r.title, "Alice\xE2\x80\x99s Adventures in Wonderland");
        CHECK_STR("Alice author", r.author, "Lewis Carroll");
        if (r.n_ch == 12) {
            CHECK_STR("chapter I", r.ch[0].title, "CHAPTER I. Down the Rabbit-Hole");
            CHECK_STR("chapter XII", r.ch[11].title, "CHAPTER XII. Alice\xE2\x80\x99s Evidence");
            CHECK_INT("numbers from roman", r.ch[11].number, 12);
            CHECK("the Gutenberg header is front matter", text_at(s, r.ch[0].front_end, "CHAPTER I."));
            CHECK("the licence is back matter", text_at(s, r.ch[11].back, "End of Project Gutenberg"));
        }
        CHECK("tiles", parse_chapters_tile(&r, s->len));
        CHECK_INT("Alice: the Gutenberg header's dates keep their lines (issue 14 item 11)",
                  kind_of_block_with(s, &r, 0, "Posting Date:"), BLOCK_VERSE);
        struct counts c = count_blocks(s, &r);
        CHECK_INT("Alice: three star blocks, three breaks", c.brk, 3);
        CHECK("Alice has verse (poems, the Mouse's Tale)", c.verse >= 10);
        /* The Mouse's Tale is verse, in one block. */
        bool tale = false;
        for (size_t i = 0; i < r.n_ch; i++) {
            struct block *b;
            size_t n = parse_blocks_body(s->text, r.ch[i].start, r.ch[i].end, r.ch[i].front_end,
                                         r.ch[i].body, r.ch[i].back, &b);
            for (size_t k = 0; k < n; k++)
                if (b[k].kind == BLOCK_VERSE && text_at(s, b[k].off, "         \xE2\x80\x98" "Fury said"))
                    tale = b[k].end - b[k].off > 500;
            free(b);
        }
        CHECK("the Mouse's Tale is one verse block", tale);
        parse_result_free(&r);
        decode_free(s);
    }
    s = load("tests/data/corpus/die-verwandlung-de_pg22367-8.latin1.txt");
    if (s) {
        struct parse_result r;
        parse_text(s->text, s->len, &r);
        CHECK_INT("Die Verwandlung: I., II., III.", r.n_ch, 3);
        if (r.n_ch == 3) {
            CHECK_STR("bare numeral title", r.ch[1].title, "II.");
            CHECK_INT("its number", r.ch[2].number, 3);
        }
        CHECK_STR("title", r.title, "Die Verwandlung");
        struct counts c = count_blocks(s, &r);
        CHECK_INT("no scene breaks in Kafka", c.brk, 0);
        parse_result_free(&r);
        decode_free(s);
    }
}

/* ---- the corpus, when present ---- */

static void test_corpus(void)
{
    const char *dir = shared_dir("corpus/gutenberg");
    if (!dir) {
        printf("corpus not found: skipping corpus tests\n");
        return;
    }
    struct {
        const char *file;
        size_t chapters;
        long breaks;       /* explicit breaks; -1: not checked */
        const char *first, *last;
    } books[] = {
        {"pride-and-prejudice_pg1342-0.txt", 61, 6, "Chapter 1", "Chapter 61"},
        {"frankenstein_pg84-0.txt", 28, 0, "Letter 1", "Chapter 24"},
        {"dracula_pg345.txt", 27, 131, "CHAPTER I. JONATHAN HARKER'S JOURNAL", NULL},
        {"adventures-of-sherlock-holmes_pg1661.txt", 12, 0, "ADVENTURE I. A SCANDAL IN BOHEMIA",
         "XII. THE ADVENTURE OF THE COPPER BEECHES"},
        {"madame-bovary-fr_pg14155-8.latin1.txt", 35, 0, "PREMI\xC3\x88RE PARTIE \xE2\x80\x94 I",
         "TROISI\xC3\x88ME PARTIE \xE2\x80\x94 XI"},
        {"war-and-peace_pg2600-0.txt", 365, 0, "BOOK ONE: 1805 \xE2\x80\x94 CHAPTER I",
         "SECOND EPILOGUE \xE2\x80\x94 CHAPTER XII"},
        {"hong-lou-meng-zh_pg24264-0.txt", 120, -1, NULL, NULL},
        {"alice-in-wonderland_pg11-0.txt", 12, 3, NULL, NULL},
        {"die-verwandlung-de_pg22367-8.latin1.txt", 3, 0, "I.", "III."},
    };
    for (size_t i = 0; i < sizeof books / sizeof books[0]; i++) {
        char *path = xasprintf("%s/%s", dir, books[i].file);
        struct source *s = load(path);
        free(path);
        if (!CHECK(books[i].file, s != NULL))
            continue;
        struct parse_result r;
        parse_text(s->text, s->len, &r);
        CHECK_INT(books[i].file, r.n_ch, books[i].chapters);
        CHECK("tiles", parse_chapters_tile(&r, s->len));
        if (r.n_ch == books[i].chapters) {
            if (books[i].first)
                CHECK_STR(books[i].file, r.ch[0].title, books[i].first);
            if (books[i].last)
                CHECK_STR(books[i].file, r.ch[r.n_ch - 1].title, books[i].last);
        }
        if (books[i].breaks >= 0) {
            size_t explicit_breaks = 0;
            for (size_t k = 0; k < r.n_ch; k++) {
                struct block *b;
                size_t n = parse_blocks_body(s->text, r.ch[k].start, r.ch[k].end, r.ch[k].front_end,
                                             r.ch[k].body, r.ch[k].back, &b);
                for (size_t q = 0; q < n; q++)
                    explicit_breaks += b[q].kind == BLOCK_BREAK && b[q].end > b[q].off && !b[q].flags;
                free(b);
            }
            CHECK_INT(books[i].file, explicit_breaks, books[i].breaks);
        }
        if (strstr(books[i].file, "hong-lou-meng") && r.n_ch == 120) {
            bool in_order = true;
            for (size_t k = 0; k < 120; k++)
                if (r.ch[k].number != (int)k + 1)
                    in_order = false;
            CHECK("Hong Lou Meng: 第一回 … 第一二零回 numbered 1..120 in order", in_order);
        }
        if (strstr(books[i].file, "dracula")) {
            /* issue 14 item 12: no scene break after the line under the
             * heading of chapters XIII and XV */
            size_t after_sub = 0;
            for (size_t k = 0; k < r.n_ch; k++) {
                struct block *b;
                size_t n = parse_blocks_body(s->text, r.ch[k].start, r.ch[k].end, r.ch[k].front_end,
                                             r.ch[k].body, r.ch[k].back, &b);
                for (size_t q = 1; q < n; q++)
                    after_sub += b[q].kind == BLOCK_BREAK &&
                                 text_at(s, b[q - 1].off, "DR. SEWARD'S DIARY--_continued_.");
                free(b);
            }
            CHECK_INT("Dracula: no break after \"DIARY--continued.\"", after_sub, 0);
        }
        /* issue 14 item 11: contents lists keep their lines, compactly */
        if (strstr(books[i].file, "sherlock") && r.n_ch == 12)
            CHECK_INT("Sherlock Holmes: the contents is a list",
                      kind_of_block_with(s, &r, 0, "XII. The Adventure of the Copper Beeches"), BLOCK_VERSE);
        if (strstr(books[i].file, "war-and-peace") && r.n_ch == 365) {
            CHECK_INT("War and Peace: the contents is a list, no screens of headings",
                      front_headings(s, &r, 0), 0);
            CHECK_INT("War and Peace: the contents is a list",
                      kind_of_block_with(s, &r, 0, "CHAPTER XXVIII"), BLOCK_VERSE);
        }
        if (strstr(books[i].file, "war-and-peace") && r.n_ch == 365)
            CHECK_STR("the epilogues are parts", r.ch[r.n_ch - 13].title,
                      "FIRST EPILOGUE: 1813 - 20 \xE2\x80\x94 CHAPTER XVI");
        parse_result_free(&r);
        decode_free(s);
    }
}

/* ---- robustness ---- */

static void test_robust(void)
{
    struct parse_result r;
    parse_text("", 0, &r);
    CHECK("empty text: one empty chapter", r.n_ch == 1 && r.ch[0].start == 0 && r.ch[0].end == 0);
    parse_result_free(&r);
    parse_result_free(NULL);

    size_t big_n = 5u << 20;
    char *big = xmalloc(big_n);
    for (size_t i = 0; i < big_n; i++)
        big[i] = (i % 7 == 6) ? ' ' : (char)('a' + i % 26);
    parse_text(big, big_n, &r);
    CHECK("a 5 MB line is one chapter", r.n_ch == 1 && r.ch[0].end == big_n);
    struct block *bb;
    size_t nbb = parse_blocks(big, 0, big_n, 0, big_n, &bb);
    /* one paragraph in pieces of at most PARSE_PARA_MAX bytes that tile it,
     * each cut just after a space, the later ones continuing the first */
    bool tiled = nbb >= big_n / PARSE_PARA_MAX && bb[0].off == 0 && bb[nbb - 1].end == big_n;
    bool small = true, after_space = true, cont = bb[0].flags == 0;
    for (size_t i = 0; i < nbb; i++) {
        tiled = tiled && bb[i].kind == BLOCK_PARA && (i == 0 || bb[i].off == bb[i - 1].end);
        small = small && bb[i].end - bb[i].off <= PARSE_PARA_MAX;
        after_space = after_space && (i + 1 == nbb || big[bb[i].end - 1] == ' ');
        cont = cont && (i == 0 || bb[i].flags == BLOCK_CONT);
    }
    CHECK("a 5 MB line is paragraph pieces that tile it", tiled);
    CHECK("each piece at most PARSE_PARA_MAX bytes", small);
    CHECK("each cut just after a space", after_space);
    CHECK("all pieces but the first continue the one before", cont);
    free(bb);
    /* no space at all: cuts at character boundaries (3-byte characters) */
    for (size_t i = 0; i + 3 <= big_n; i += 3)
        memcpy(big + i, "\xE4\xB8\x80", 3);
    size_t cjk_n = big_n / 3 * 3;
    nbb = parse_blocks(big, 0, cjk_n, 0, cjk_n, &bb);
    bool whole = nbb > 1 && bb[nbb - 1].end == cjk_n;
    for (size_t i = 0; i < nbb; i++)
        whole = whole && bb[i].off % 3 == 0 && bb[i].end - bb[i].off <= PARSE_PARA_MAX &&
                (i == 0 || bb[i].off == bb[i - 1].end);
    CHECK("a line with no space is cut between characters", whole);
    free(bb);
    /* a hard-wrapped paragraph of short lines: cut after a line end, never
     * after a hyphen that joins a word across lines */
    for (size_t i = 0; i < big_n; i++)
        big[i] = i % 10 == 9 ? '\n' : i % 20 == 8 ? '-' : 'a';
    nbb = parse_blocks(big, 0, big_n, 0, big_n, &bb);
    CHECK("hyphenated line ends: cut elsewhere", nbb > 1 && bb[0].end < PARSE_PARA_MAX &&
                                                  bb[0].end % 20 == 0 && bb[1].flags == BLOCK_CONT);
    free(bb);
    parse_result_free(&r);
    free(big);

    unsigned int seed = 12345;
    char buf[600];
    const char pieces[] = "Chapter 1\n\n*** \r\nI.\n\n\t第一回 _x_ **A/N:** by X\n";
    for (int iter = 0; iter < 400; iter++) {
        size_t n = 0;
        while (n < sizeof buf - 1) {
            unsigned int v = rt_next(&seed);
            if (v % 3 == 0)
                buf[n++] = pieces[v % (sizeof pieces - 1)];
            else
                buf[n++] = (char)(v & 0xFF);
        }
        parse_text(buf, n, &r);
        bool ok = parse_chapters_tile(&r, n);
        for (size_t i = 0; i < r.n_ch && ok; i++) {
            struct block *b;
            size_t nb = parse_blocks_body(buf, r.ch[i].start, r.ch[i].end, r.ch[i].front_end,
                                          r.ch[i].body, r.ch[i].back, &b);
            for (size_t k = 0; k < nb; k++) {
                if (b[k].off > b[k].end || b[k].off < r.ch[i].start || b[k].end > r.ch[i].end ||
                    (k && b[k].off < b[k - 1].end))
                    ok = false;
                uint8_t cls[700];
                if (b[k].end - b[k].off < sizeof cls)
                    markup_scan(buf + b[k].off, b[k].end - b[k].off, cls);
            }
            free(b);
        }
        if (!ok) {
            CHECK("random bytes: chapters tile and blocks are ordered", false);
            parse_result_free(&r);
            break;
        }
        parse_result_free(&r);
    }
    CHECK("random input survived", true);
}

/* Issue 16: a chapter that is only an author's note is all matter (back ==
 * body: no story text); a short chapter of story with a note is not;
 * FanFicFare's "(new) " and "N. " marks are not part of its titles. */
static bool note_chapter(const char *text, size_t ci, size_t *n_ch)
{
    struct parse_result r;
    parse_text(text, strlen(text), &r);
    *n_ch = r.n_ch;
    bool note = ci < r.n_ch && r.ch[ci].back == r.ch[ci].body && r.ch[ci].body < r.ch[ci].end;
    parse_result_free(&r);
    return note;
}

static void test_note_chapters(void)
{
    const char *story_a = "Chapter 1\n\nThe ink ran down the page, and the scribe swore at "
                          "the lamp, which had gone out again in the draught.\n\nHe lit it twice "
                          "more before the dawn came grey over the roofs of the town.\n\n";
    const char *cases[][2] = {
        {"Chapter 2\n\nA/N: Sorry, everyone, I know you wanted a chapter. Exams are coming "
         "and I will be back in June. The story is not abandoned.\n\nAuthor's Note: thank you "
         "all for the reviews, they keep me going.\n\n", "only note paragraphs"},
        {"Chapter 2\n\nHi all! This is not a chapter, sorry. I have moved house and have no "
         "internet until next month, so updates will be slow for a while.\n\nLove, W.\n\n",
         "a notice: not a chapter"},
        {"Chapter 2: Hiatus\n\nI need a break from this story for a few weeks to plan the "
         "second arc properly, and to rest. Thank you for understanding.\n\nSee you soon.\n\n",
         "a title that says so"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *t = xasprintf("%s%s", story_a, cases[i][0]);
        size_t n;
        CHECK(cases[i][1], note_chapter(t, 1, &n));
        CHECK_INT(cases[i][1], n, 2);
        CHECK("the chapter before is story", !note_chapter(t, 0, &n));
        free(t);
    }
    const char *story_b = "Chapter 2\n\nA/N: for my friend R., who asked for this.\n\nThe "
                          "scribe woke before the bells. The lamp had gone out and the page was "
                          "ruined, the ink run into the margins like rain down a window.\n\n"
                          "He started again.\n\n";
    char *t = xasprintf("%s%s", story_a, story_b);
    size_t n;
    CHECK("a short chapter with a note and story is story", !note_chapter(t, 1, &n));
    free(t);

    /* By the title alone, up to 2000 words (FanFicFare's growing-story
     * sample titles a full-length chapter "Author's Note: Thank You"). */
    struct buf lorem = {0};
    for (int i = 0; i < 40; i++)
        buf_adds(&lorem, "Lorem ipsum dolor sit amet, consectetur adipisicing elit.\n\n");
    const char *titled[][3] = {
        {"Author's Note: Thank You", "1", "a title that begins 'Author's Note'"},
        {"Author\xe2\x80\x99s Note", "1", "with a curly apostrophe"},
        {"Chapter 9: Hiatus!", "1", "a title that is 'Hiatus' after the chapter's number"},
        {"Notice Me, Senpai", "0", "a title that only begins like 'Notice'"},
        {"The Author's Notebook", "0", "a title that holds the words later"},
        {NULL, "0", "no title"},
    };
    for (size_t i = 0; i < sizeof titled / sizeof *titled; i++)
        CHECK(titled[i][2], parse_note_chapter(lorem.data, 0, lorem.len, titled[i][0]) ==
                                (titled[i][1][0] == '1'));
    CHECK("an empty text is no note", !parse_note_chapter("", 0, 0, "Author's Note"));
    const char *notice = "Sorry all, this ISN\xe2\x80\x99T A CHAPTER: the next one comes soon.\n";
    CHECK("a notice in capitals, with a curly apostrophe",
          parse_note_chapter(notice, 0, strlen(notice), NULL));
    const char *almost = "Sorry all, this isn't achapter, and nothing is on hiatu.\n";
    CHECK("nor a near miss", !parse_note_chapter(almost, 0, strlen(almost), NULL));
    buf_free(&lorem);

    /* The word limits, to the word: 2000 under a note's title, 300 for
     * a text of note paragraphs alone. */
    for (int extra = 0; extra <= 1; extra++) {
        struct buf big = {0};
        for (int i = 0; i < 2000 + extra; i++)
            buf_adds(&big, i % 10 == 9 ? "word\n\n" : "word ");
        CHECK(extra ? "2001 words under a note's title are a chapter"
                    : "2000 words under a note's title are a note",
              parse_note_chapter(big.data, 0, big.len, "Author's Note") == !extra);
        buf_free(&big);
        struct buf an = {0};
        buf_adds(&an, "A/N:");
        for (int i = 1; i < 300 + extra; i++)
            buf_adds(&an, " thanks");
        buf_adds(&an, "\n\n");
        CHECK(extra ? "a note paragraph of 301 words is a chapter"
                    : "a note paragraph of 300 words is a note",
              parse_note_chapter(an.data, 0, an.len, NULL) == !extra);
        CHECK_INT("and its words are counted", parse_count_words(an.data, 0, an.len),
                  300 + extra);
        buf_free(&an);
    }

    const char *fff = "The Road\n\nby Wren\n\n\nStatus: In-Progress\nChapters: 3\n\n\n"
                      "\tChapter 1\n\nThey walked north in the rain, talking of home, and "
                      "the road went on and on under the grey sky of the late year.\n\n\n"
                      "\t2. (new) Chapter 2\n\nThe inn was full, so they slept in the stable "
                      "with the horses, and woke with straw in their hair and hands.\n\n\n"
                      "\t(new) 3. Interlude\n\nMorning came grey and cold over the hills, and "
                      "the horses were gone, and so was the innkeeper with them.\n\n\n"
                      "\t7. Not the number\n\nA fourth chapter whose title starts with a "
                      "number that is not its place in the story, kept as it is.\n";
    struct parse_result r;
    parse_text(fff, strlen(fff), &r);
    CHECK_INT("FanFicFare: four chapters", r.n_ch, 4);
    if (r.n_ch == 4) {
        CHECK_STR("'N. (new) ' left out", r.ch[1].title, "Chapter 2");
        CHECK_INT("and its number is the title's", r.ch[1].number, 2);
        CHECK_STR("'(new) N. ' left out", r.ch[2].title, "Interlude");
        CHECK_STR("a number that is not the place stays", r.ch[3].title, "7. Not the number");
    }
    parse_result_free(&r);
}

/* The library's normalised words (norm.h): what edition matching and
 * story ids are made of, so any change to them is a change of ids.  A
 * combining mark neither splits a word nor stays in it. */
/* Every word norm_word gives of s, joined by spaces; *cut: the words
 * before old_end was set (all of them when it never was). */
static char *norm_walk(const char *s, char **cut)
{
    struct norm n = {.t = s, .pos = 0, .end = strlen(s)};
    struct buf w = {0}, out = {0};
    buf_add(&out, "", 0);
    *cut = NULL;
    while (norm_word(&n, &w)) {
        if (n.old_end && !*cut)
            *cut = xstrdup(out.data);
        if (out.len)
            buf_addc(&out, ' ');
        buf_add(&out, w.data, w.len);
    }
    if (!*cut)
        *cut = xstrdup(out.data);
    buf_free(&w);
    return out.data;
}

/* A lone i, b or u right before its lost closing tag ("i/i") or before an
 * ideograph is dropped and the walk goes on: norm_word reported the end of
 * the text there, and every later word was lost to sketches and digests.
 * Where that end was is kept (old_end): norm_string, the lead of keys and
 * ids, and the digest an older quire saved stop there still. */
static void test_norm_lost_tag(void)
{
    const char *cases[][3] = {
        /* text, every word, the words before the old end */
        {"one i/i two three", "one two three", "one"},
        {"one b/B, two u/u four", "one two four", "one"},
        {"one i\xe6\x97\xa5 two", "one \xe6\x97\xa5 two", "one"},
        {"i/i", "", ""},
        {"one i/i", "one", "one"},
        {"one b /b two, word/i end", "one two word end", "one two word end"},
        {"I/i x", "i x", "i x"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *cut, *all = norm_walk(cases[i][0], &cut);
        char label[96];
        snprintf(label, sizeof label, "norm_word walks all of \"%s\"", cases[i][0]);
        CHECK_STR(label, all, cases[i][1]);
        snprintf(label, sizeof label, "old_end after \"%s\"", cases[i][2]);
        CHECK_STR(label, cut, cases[i][2]);
        char *ns = norm_string(cases[i][0]);
        snprintf(label, sizeof label, "norm_string of \"%s\": ids stay", cases[i][0]);
        CHECK_STR(label, ns, cases[i][2]);
        free(ns);
        free(cut);
        free(all);
    }
}

static void test_norm_words(void)
{
    const char *cases[][2] = {
        {"\"Hello,  World!\" -- i said/i; b it's 3rd-rate.", "hello world said it s 3rd rate"},
        {"I went; i u, b: the /b end/u", "i went the end"},
        {"Caf\xc3\xa9 na\xc3\xafve \xc3\x89T\xc3\x89\t(\xe2\x80\x9cquoted\xe2\x80\x9d)",
         "caf\xc3\xa9 na\xc3\xafve \xc3\xa9t\xc3\xa9 quoted"},
        {"e\xcc\x81t\xc3\xa9, \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e!",
         "et\xc3\xa9 \xe6\x97\xa5 \xe6\x9c\xac \xe8\xaa\x9e"},
        {"a/b c/d x/i, /i", "a c d x"},
        {" ... --- !!! ", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = norm_string(cases[i][0]);
        CHECK_STR(cases[i][0], got, cases[i][1]);
        free(got);
    }
    /* Titles compared folded: case, runs of white space (and U+00A0) */
    const char *folds[][2] = {
        {"  The\tAmber  BRIDGE \r\n", "the amber bridge"},
        {"A-B: C's \x1f\"D\"", "a-b: c's \x1f\"d\""},
        {"Caf\xc3\x89 \xc2\xa0 NOIR\xe2\x80\x83x", "caf\xc3\xa9 noir x"},
        {"STRASSE Stra\xc3\x9f""e", "strasse strasse"},
        {" \t ", ""},
    };
    for (size_t i = 0; i < sizeof folds / sizeof *folds; i++) {
        char *got = norm_fold(folds[i][0]);
        CHECK_STR(folds[i][0], got, folds[i][1]);
        free(got);
    }
}

/* ---- parse_text_counted: the words counted in the parse (issue 17) ---- */

/* Does parse_text_counted give parse_text's chapters, and for each the
 * words parse_count_words counts in its [body, back)?  Counts the
 * chapters checked into *n_ch and their words into *words. */
static bool counted_same(const char *t, size_t len, size_t *n_ch, size_t *words)
{
    struct parse_result a, b;
    parse_text(t, len, &a);
    size_t *w = parse_text_counted(t, len, &b);
    bool same = w && a.n_ch == b.n_ch && a.body == b.body;
    for (size_t i = 0; same && i < a.n_ch; i++) {
        const struct parse_chapter *x = &a.ch[i], *y = &b.ch[i];
        same = x->start == y->start && x->end == y->end && x->front_end == y->front_end &&
               x->body == y->body && x->back == y->back && x->number == y->number &&
               (x->title ? y->title && strcmp(x->title, y->title) == 0 : !y->title) &&
               w[i] == parse_count_words(t, y->body, y->back);
        *words += w[i];
    }
    *n_ch += a.n_ch;
    free(w);
    parse_result_free(&a);
    parse_result_free(&b);
    return same;
}

/* A file of the folder dir: counted_same on each (decoded as the build
 * decodes it); how many files. */
static size_t counted_same_dir(const char *dir, bool *same, size_t *n_ch, size_t *words)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !strstr(e->d_name, ".txt"))
            continue;
        char *path = xasprintf("%s/%s", dir, e->d_name);
        struct source *s = load(path);
        if (s) {
            if (!counted_same(s->text, s->len, n_ch, words)) {
                fprintf(stderr, "parse_text_counted differs on %s\n", path);
                *same = false;
            }
            decode_free(s);
            n++;
        }
        free(path);
    }
    closedir(d);
    return n;
}

static void test_counted_words(void)
{
    size_t n_ch = 0, words = 0;
    /* a chapter far over the note limits is counted to its end */
    struct buf t = {0};
    buf_add(&t, "Chapter 1\n\n", 11);
    for (int i = 0; i < 5000; i++)
        buf_add(&t, i % 12 == 11 ? "word.\n\n" : "word ", 5 + 2 * (i % 12 == 11));
    buf_add(&t, "\n\nChapter 2\n\n", 13);
    for (int i = 0; i < 2500; i++)
        buf_add(&t, "\xE2\x80\x9C" "don\xE2\x80\x99t\xE2\x80\x9D \xE2\x80\x94 ", 17);
    struct parse_result r;
    size_t *w = parse_text_counted(t.data, t.len, &r);
    CHECK_INT("counted: two chapters", r.n_ch, 2);
    if (r.n_ch == 2) {
        CHECK_INT("counted: 5000 words, past the note limits", w[0], 5000);
        CHECK_INT("counted: curly quotes join, dashes separate", w[1], 2500);
    }
    free(w);
    parse_result_free(&r);
    CHECK("counted: a long text as parse_text, words as parse_count_words",
          counted_same(t.data, t.len, &n_ch, &words));
    buf_free(&t);

    /* a note-only chapter has no story words */
    const char *note = "Chapter 1\n\nThe ink ran down the page, and the scribe swore at the lamp, "
                       "which had gone out again.\n\nHe lit it twice more before the dawn came "
                       "grey over the roofs of the town, and the bells rang.\n\nChapter 2\n\n"
                       "A/N: Sorry, everyone, I know you wanted a chapter. Exams are coming and "
                       "I will be back in June.\n\nChapter 3\n\nThe dawn came, and the ink dried "
                       "on the page where the scribe had left it, and the lamp went out.\n\nHe "
                       "slept until the bells of noon woke him, and he swore again.\n\n";
    w = parse_text_counted(note, strlen(note), &r);
    CHECK("counted: the note is a chapter whose back is its body",
          r.n_ch == 3 && r.ch[1].back == r.ch[1].body);
    if (r.n_ch == 3)
        CHECK("counted: the note's words are 0, the others counted",
              w[1] == 0 && w[0] == parse_count_words(note, r.ch[0].body, r.ch[0].back) &&
                  w[0] > 20 && w[2] > 20);
    free(w);
    parse_result_free(&r);

    /* random texts of words, headings, notes, CJK, dashes, CR LF */
    static const char *const bits[] = {
        "Chapter 7\n\n", "Chapter 12: Rain\n\n", "A/N: thanks for reading!\n\n", "word ",
        "the quick brown fox ", "don't ", "\xE2\x80\x9Cquoted\xE2\x80\x9D ", "\xE2\x80\x94",
        "\xE2\x80\xA6 ", "\xE4\xB8\xAD\xE6\x96\x87", "caf\xC3\xA9 ", "\xC3\x97 ", "* * *\n\n",
        "\r\n", "\n", "\n\n", "Author's Note\n\n", "This is not a chapter.\n\n", "3.14 ",
        "e-mail ", "\t", "\xD0\x93\xD0\xBB\xD0\xB0\xD0\xB2\xD0\xB0 1\n\n", "-- ", "  ",
    };
    bool same = true;
    struct buf rt = {0};
    unsigned seed = 17;
    for (int k = 0; k < 300; k++) {
        rt.len = 0;
        int n = 20 + k * 7;
        for (int i = 0; i < n; i++) {
            const char *bit = bits[rt_next(&seed) % (sizeof bits / sizeof *bits)];
            buf_add(&rt, bit, strlen(bit));
        }
        same = counted_same(rt.data ? rt.data : "", rt.len, &n_ch, &words) && same;
    }
    buf_free(&rt);
    CHECK("counted: 300 random texts as parse_text, words as parse_count_words", same);

    /* the corpus: the copies here, and ../shared's when present */
    same = true;
    size_t files = counted_same_dir("tests/data/corpus", &same, &n_ch, &words);
    const char *dir = shared_dir("corpus/gutenberg");
    if (dir) {
        files += counted_same_dir(dir, &same, &n_ch, &words);
        char *ff = xasprintf("%s/../fanfic", dir);
        files += counted_same_dir(ff, &same, &n_ch, &words);
        free(ff);
    }
    /* scan_lines ends lines at LF alone when the text has no CR: the
     * same text with CR LF line ends has the same chapters */
    struct source *al = load("tests/data/corpus/alice-in-wonderland_pg11-0.txt");
    if (CHECK("alice loaded", al != NULL)) {
        struct buf lf = {0}, crlf = {0};
        for (size_t i = 0; i < al->len; i++)
            if (al->text[i] != '\r') {
                if (al->text[i] == '\n')
                    buf_add(&crlf, "\r", 1);
                buf_add(&lf, al->text + i, 1);
                buf_add(&crlf, al->text + i, 1);
            }
        struct parse_result x, y;
        parse_text(lf.data, lf.len, &x);
        parse_text(crlf.data, crlf.len, &y);
        bool eq = x.n_ch == y.n_ch && x.n_ch >= 12;
        for (size_t i = 0; eq && i < x.n_ch; i++)
            eq = x.ch[i].title && y.ch[i].title && strcmp(x.ch[i].title, y.ch[i].title) == 0 &&
                 parse_count_words(lf.data, x.ch[i].body, x.ch[i].back) ==
                     parse_count_words(crlf.data, y.ch[i].body, y.ch[i].back);
        CHECK("LF and CR LF line ends: the same chapters, titles and words", eq);
        parse_result_free(&x);
        parse_result_free(&y);
        buf_free(&lf);
        buf_free(&crlf);
        decode_free(al);
    }
    CHECK("counted: the corpus files were read", files >= 2);
    CHECK("counted: corpus texts as parse_text, words as parse_count_words", same);
    printf("counted: %zu files, %zu chapters, %zu words\n", files, n_ch, words);
}

/* parse_count_words's rule, a character at a time (the reference for
 * its fast paths): a token runs up to white space, an en/em dash, an
 * ellipsis or CJK punctuation and is a word when it holds a letter or
 * digit (curly quotation marks are neither); each ideograph is a word. */
static size_t ref_count_words(const char *t, size_t start, size_t end)
{
    size_t n = 0, i = start;
    bool has = false;
    while (i < end) {
        uint32_t uc;
        unsigned char c = (unsigned char)t[i];
        if (c < 0x80) {
            uc = c;
            i++;
        } else {
            i += uch_decode(t, i, end, &uc);
        }
        if (uch_is_space(uc) || uc == 0x2014 || uc == 0x2013 || uc == 0x2026 || uc == 0x3002 ||
            uc == 0xFF0C || uc == 0x3001) {
            n += has;
            has = false;
        } else if (uch_is_cjk_word(uc, false)) {
            n += has + 1;
            has = false;
        } else if (uc >= 0x2018 && uc <= 0x201F) {
            /* a quotation mark: part of the word it touches */
        } else if (uc < 0x80 ? uch_is_alnum(uc)
                             : uc_is_alnum(uc) || (uc >= 0xC0 && uc <= 0xFF && uc != 0xD7 &&
                                                   uc != 0xF7)) {
            has = true;
        }
    }
    return n + has;
}

/* parse_count_words against the reference on random strings (long words,
 * control bytes and bytes over 0x7F inside words, every alignment) and
 * on the corpus. */
static void test_words_reference(void)
{
    static const char *const bits[] = {
        "a", "word", "extraordinarily", "x1", "\x01", "\x7F", "!", "--", "'", " ", "  ", "\t",
        "\n", "\r\n", "\v", "\f", "\xC3\xA9", "\xC3\x97", "\xE2\x80\x94", "\xE2\x80\x99",
        "\xE2\x80\x9C", "\xE2\x80\xA6", "\xE4\xB8\xAD", "\xD0\x93\xD0\xBB", "\xE3\x80\x80",
        "\xE3\x80\x82", "\xF0\x9F\x98\x80", "\xFF", "\xC3", "0123456789", "ABCDEFGHIJKLMNOP",
    };
    struct buf b = {0};
    unsigned seed = 5;
    bool same = true;
    for (int k = 0; k < 20000 && same; k++) {
        b.len = 0;
        int n = 1 + k % 300;
        for (int i = 0; i < n; i++) {
            const char *bit = bits[rt_next(&seed) % (sizeof bits / sizeof *bits)];
            buf_add(&b, bit, strlen(bit));
        }
        for (size_t from = 0; from < 9 && from <= b.len && same; from++)
            same = parse_count_words(b.data, from, b.len) == ref_count_words(b.data, from, b.len);
        if (!same)
            fprintf(stderr, "parse_count_words differs from the reference: %.*s\n", (int)b.len,
                    b.data);
    }
    buf_free(&b);
    CHECK("words: parse_count_words as the reference on 20,000 random strings", same);
    struct source *al = load("tests/data/corpus/alice-in-wonderland_pg11-0.txt");
    if (CHECK("alice loaded", al != NULL)) {
        size_t w = parse_count_words(al->text, 0, al->len);
        CHECK_INT("words: Alice as the reference", w, ref_count_words(al->text, 0, al->len));
        CHECK("words: Alice has about 29,000 words", w > 25000 && w < 32000);
        decode_free(al);
    }
}

/* ---- matter_back_start against the forward walk it replaced ---- */

/* The closing notes' start as matter_back_start found it before it walked
 * back from the end: every paragraph of the range's last 6 KB judged in
 * order, the last 16 kept; the first paragraph never taken. */
static size_t back_start_forward(const char *t, size_t from, size_t end)
{
    if (end - from > 6144) {
        size_t pos = end - 6144, l, le;
        decode_next_line(t, end, &pos, &l, &le);
        bool blank = false;
        while (!blank && decode_next_line(t, end, &pos, &l, &le)) {
            size_t a = l, b = le;
            uch_trim(t, &a, &b);
            blank = a == b;
        }
        if (!blank)
            return end;
        from = pos;
    }
    size_t ring[16], pos = from, l, le, a = 0;
    bool hit[16], in = false;
    int n = 0;
    for (;;) {   /* paragraphs: runs of lines that are not blank */
        size_t save = pos;
        bool got = decode_next_line(t, end, &pos, &l, &le);
        size_t ta = l, tb = le;
        if (got)
            uch_trim(t, &ta, &tb);
        if (!got || ta == tb) {
            if (in) {
                size_t pa = a, pb = save;   /* to its last line's end */
                while (pb > pa && (t[pb - 1] == '\n' || t[pb - 1] == '\r'))
                    pb--;
                uch_trim(t, &pa, &pb);
                ring[n % 16] = a;
                hit[n % 16] = matter_is_back(t, pa, pb);
                n++;
                in = false;
            }
            if (!got)
                break;
            continue;
        }
        if (!in)
            a = l;
        in = true;
    }
    int lo = n > 16 ? n - 16 : 0, best = -1, plain = 0;
    for (int k = n - 1; k >= lo && k > 0; k--) {
        if (hit[k % 16]) {
            best = k;
            plain = 0;
        } else if (++plain > 10 || (best < 0 && plain > 3)) {
            break;
        }
    }
    return best > 0 ? ring[best % 16] : end;
}

static uint32_t mb_rng = 12345;
static uint32_t mb_rnd(uint32_t n)
{
    mb_rng = mb_rng * 1103515245u + 12345u;
    return (mb_rng >> 8) % n;
}

static void test_back_start(void)
{
    static const char *const lines[] = {
        "She went home.", "A/N: thanks for reading!", "Please review", "Thanks for reading",
        "**Author's Note:** more soon", "(A/N: sorry)", "Note: none", "PS: hi", "R&R",
        "The end came quietly, and the rain with it.", "  ", "\t", "\xc2\xa0", "",
        "Reviews are love", "Notes - later", "Thank you to my beta", "Endnotes",
        "An ordinary line that goes on for a while so as to be longer than the others."};
    static const char *const ends[] = {"\n", "\n", "\n", "\r\n", "\r"};
    static char buf[20000];
    int same = 0, notes = 0;
    for (int round = 0; round < 4000; round++) {
        size_t len = 0;
        size_t want = 1 + mb_rnd(round % 4 == 0 ? 19000 : 1500);
        while (len + 200 < sizeof buf && len < want) {
            const char *w = lines[mb_rnd((uint32_t)(sizeof lines / sizeof lines[0]))];
            memcpy(buf + len, w, strlen(w));
            len += strlen(w);
            if (mb_rnd(30) == 0)
                continue;   /* two pieces on one line */
            const char *e = ends[mb_rnd(5)];
            memcpy(buf + len, e, strlen(e));
            len += strlen(e);
        }
        size_t from = mb_rnd(4) ? 0 : mb_rnd((uint32_t)len + 1);
        size_t end = mb_rnd(3) ? len : from + mb_rnd((uint32_t)(len - from) + 1);
        size_t got = matter_back_start(buf, from, end), ref = back_start_forward(buf, from, end);
        if (got != ref) {
            fprintf(stderr, "round %d: [%zu, %zu): %zu, forward %zu\n", round, from, end, got, ref);
            break;
        }
        same++;
        notes += ref < end;
    }
    CHECK_INT("matter_back_start agrees with the forward walk on 4,000 texts", same, 4000);
    CHECK("some of them have closing notes", notes > 500);
    CHECK("some of them have none", notes < 3500);
}

/* parse_chapters_tile: the rule the parse checks above rely on fails on
 * each way a parse could break it. */
static void test_chapters_tile(void)
{
    struct parse_chapter ch[2] = {{.start = 5, .end = 50, .front_end = 5, .body = 12, .back = 50},
                                  {.start = 50, .end = 90, .front_end = 50, .body = 60, .back = 80}};
    struct parse_result r = {.body = 5, .ch = ch, .n_ch = 2};
    CHECK("two chapters tiling [body, len)", parse_chapters_tile(&r, 90));
    CHECK("not to another length", !parse_chapters_tile(&r, 91));
    ch[1].start = 51;
    ch[1].front_end = 51;
    CHECK("a gap between chapters", !parse_chapters_tile(&r, 90));
    ch[1].start = ch[1].front_end = 50;
    ch[0].body = 51;
    CHECK("a body after the back", !parse_chapters_tile(&r, 90));
    ch[0].body = 12;
    r.body = 0;
    CHECK("the first not at body", !parse_chapters_tile(&r, 90));
    r.body = 5;
    r.n_ch = 0;
    CHECK("no chapter", !parse_chapters_tile(&r, 90));
}

int main(void)
{
    test_chapters_tile();
    test_headings();
    test_break_lines();
    test_break_lines_word_first();
    test_break_lines_fast_path();
    test_parse_trim();
    test_count_lf();
    test_break_memo();
    test_blocks_lf_only();
    test_atx_headings();
    test_markup();
    test_markup_fast_path();
    test_ascii_classes();
    test_markup_same_as_plain_search();
    test_markup_nested_linear();
    test_words();
    test_words_reference();
    test_seeds();
    test_fixtures();
    test_blocks();
    test_blocks_break_run();
    test_equal_line_runs();
    test_announce();
    test_lists();
    test_alice_kafka();
    test_corpus();
    test_robust();
    test_note_chapters();
    test_counted_words();
    test_norm_words();
    test_norm_lost_tag();
    test_back_start();
    return check_summary();
}
