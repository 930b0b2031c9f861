/* norm.c — text normalisation (see norm.h). */
#include "norm.h"

#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "uchar.h"

bool norm_ascii_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static void norm_add(struct buf *w, ucs4_t c)
{
    uint8_t tmp[6];
    int k = u8_uctomb(tmp, uc_tolower(c), (int)sizeof tmp);
    if (k > 0)
        buf_add(w, tmp, (size_t)k);
}

/* NORM_STOP 8 and 64 times over: the bytes 0x80 to 0xFF of the table. */
#define STOP8 NORM_STOP, NORM_STOP, NORM_STOP, NORM_STOP, NORM_STOP, NORM_STOP, NORM_STOP, NORM_STOP
#define STOP64 STOP8, STOP8, STOP8, STOP8, STOP8, STOP8, STOP8, STOP8

const unsigned char norm_fold_byte[256] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5', ['6'] = '6',
    ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g',
    ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n',
    ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u',
    ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
    ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g',
    ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
    ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u',
    ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z', ['/'] = NORM_STOP,
    [0x80] = STOP64, STOP64,
};

/* At a character that is no part of a word: true when the word read so
 * far is done (norm_word gives it), false when the walk goes on, because
 * no word has started or because the word was a lone lowercase i, b or u
 * (lost_tag), which is dropped. */
static inline bool word_done(struct buf *w, bool *lost_tag)
{
    if (!w->len)
        return false;
    if (*lost_tag && w->len == 1) {
        w->len = 0;
        *lost_tag = false;
        return false;
    }
    return true;
}

bool norm_word(struct norm *n, struct buf *w)
{
    const uint8_t *t = (const uint8_t *)n->t;
    if (!w->data)
        buf_add(w, "", 0);
    w->len = 0;
    bool lost_tag = false;   /* the word is a lowercase lone i, b or u */
    while (n->pos < n->end) {
        ucs4_t c;
        size_t at = n->pos;
        int k = 1;
        if (t[at] < 0x80) {
            c = t[at];
            if (norm_is_word_byte(norm_fold_byte[c])) {   /* fast path: a run of ASCII letters and digits */
                size_t e = at + 1, end = n->end;
                while (e < end && norm_is_word_byte(norm_fold_byte[t[e]]))
                    e++;
                size_t run = e - at;
                /* one letter at a word's start: a lone lowercase i, b or u */
                lost_tag = w->len == 0 && run == 1 && (c == 'i' || c == 'b' || c == 'u');
                if (w->len + run + 2 > w->cap) {
                    void *d = w->data;
                    xgrow(&d, &w->cap, w->len + run + 64, 1);
                    w->data = d;
                }
                char *d = w->data + w->len;   /* a local: no reload per byte */
                for (size_t i = at; i < e; i++)
                    *d++ = (char)norm_fold_byte[t[i]];
                w->len += run;
                n->pos = e;
                continue;
            }
            if (c != '/') {
                /* fast path: ASCII space and punctuation, neither a
                 * letter, a digit, an ideograph nor a combining mark: it
                 * ends a word as the general case below would */
                n->pos++;
                if (word_done(w, &lost_tag))
                    break;
                continue;
            }
        } else {
            k = u8_mbtouc(&c, t + at, n->end - at);
            if (k < 1)
                k = 1;
        }
        if (c == '/' && at + 1 < n->end && strchr("ibuIBU", t[at + 1]) &&
            (at + 2 >= n->end || !norm_ascii_alnum((char)t[at + 2]))) {
            /* a closing tag that lost its brackets */
            n->pos += 2;
            if (lost_tag && w->len == 1) {
                w->len = 0;   /* "i/i": the lone i goes too, and the text goes on */
                lost_tag = false;
                n->old_end = true;
            }
            if (w->len)
                break;
            continue;
        }
        if (uch_is_cjk_word(c, true)) {
            if (lost_tag && w->len == 1) {
                w->len = 0;   /* a lone i before an ideograph: dropped, not the end */
                n->old_end = true;
            }
            if (w->len)
                break;
            norm_add(w, c);
            n->pos += (size_t)k;
            break;
        }
        if (uc_is_alpha(c) || uc_is_digit(c)) {
            if (w->len == 0)
                lost_tag = c == 'i' || c == 'b' || c == 'u';
            else
                lost_tag = false;
            norm_add(w, c);
            n->pos += (size_t)k;
            continue;
        }
        n->pos += (size_t)k;
        if (uc_is_general_category(c, UC_CATEGORY_M))
            continue;   /* a combining mark stays inside its word */
        if (word_done(w, &lost_tag))
            break;
    }
    if (lost_tag && w->len == 1)
        w->len = 0;
    if (w->data)
        w->data[w->len] = '\0';
    return w->len > 0;
}

/* Normalised form of a short string (titles, authors): its words joined by
 * single spaces, up to the old end.  malloc'd. */
char *norm_string(const char *s)
{
    struct norm n = {s, 0, strlen(s), false};
    struct buf w = {0}, out = {0};
    buf_add(&out, "", 0);
    while (norm_word(&n, &w) && !n.old_end) {
        if (out.len)
            buf_addc(&out, ' ');
        buf_add(&out, w.data, w.len);
    }
    buf_free(&w);
    return out.data;
}

/* Case-folded, whitespace-collapsed, trimmed: how titles are compared. */
char *norm_fold(const char *s)
{
    size_t n = strlen(s), ascii = 0;
    while (ascii < n && (unsigned char)s[ascii] < 0x80)
        ascii++;
    if (ascii == n) {
        /* ASCII: case folding is lowercasing and NFC changes nothing;
         * the spaces are those uc_is_space finds there */
        char *out = xmalloc(n + 1);
        size_t len = 0;
        bool space = false;
        for (size_t i = 0; i < n; i++) {
            char c = s[i];
            if (c == ' ' || (c >= '\t' && c <= '\r')) {
                space = len > 0;
                continue;
            }
            if (space)
                out[len++] = ' ';
            space = false;
            out[len++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
        out[len] = '\0';
        return out;
    }
    n = 0;
    uint8_t *f = u8_casefold((const uint8_t *)s, strlen(s), NULL, UNINORM_NFC, NULL, &n);
    struct buf out = {0};
    buf_add(&out, "", 0);
    if (!f) {   /* only on invalid input or ENOMEM: fall back to bytes */
        f = (uint8_t *)xstrdup(s);
        n = strlen(s);
    }
    bool space = false;
    for (size_t i = 0; i < n;) {
        ucs4_t c;
        int k = u8_mbtouc(&c, f + i, n - i);
        if (k < 1)
            k = 1;
        if (uc_is_space(c) || c == 0xA0) {
            space = out.len > 0;
        } else {
            if (space)
                buf_addc(&out, ' ');
            space = false;
            buf_add(&out, f + i, (size_t)k);
        }
        i += (size_t)k;
    }
    free(f);
    return out.data;
}

/* Does text[from, to) hold a letter or digit? */
bool norm_has_word(const char *text, size_t from, size_t to)
{
    const uint8_t *t = (const uint8_t *)text;
    for (size_t i = from; i < to;) {
        if (t[i] < 0x80) {
            if (norm_ascii_alnum((char)t[i]))
                return true;
            i++;
            continue;
        }
        ucs4_t c;
        int k = u8_mbtouc(&c, t + i, to - i);
        if (uc_is_alpha(c) || uc_is_digit(c))
            return true;
        i += k > 0 ? (size_t)k : 1;
    }
    return false;
}
