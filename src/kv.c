/* kv.c — the `key = value` line reader (see kv.h). */
#include "kv.h"

#include <string.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Trailing bytes trimmed: blanks, and CR when a CR does not end a line. */
static bool is_trailing(const struct kv_syntax *syn, char c)
{
    return is_blank(c) || (!syn->cr_ends_line && c == '\r');
}

/* One line s[0, n) without its line end. */
static void kv_line(const struct kv_syntax *syn, size_t line, const char *s, size_t n,
                    void (*fn)(void *, const struct kv_line *), void *ctx)
{
    while (n && is_blank(*s))
        s++, n--;
    while (n && is_trailing(syn, s[n - 1]))
        n--;
    if (n == 0 || (s[0] && strchr(syn->comment, s[0])))
        return;
    struct kv_line l = {.line = line};
    const char *eq = memchr(s, '=', n);
    if (memchr(s, '\0', n))
        l.problem = KV_NUL;
    else if (!eq)
        l.problem = KV_NO_EQUALS;
    if (l.problem) {
        fn(ctx, &l);
        return;
    }
    const char *k = s, *v = eq + 1;
    size_t kn = (size_t)(eq - s), vn = n - kn - 1;
    while (kn && is_trailing(syn, k[kn - 1]))
        kn--;
    while (vn && is_blank(*v))
        v++, vn--;
    if (eq == s) {
        l.problem = KV_NO_KEY;
        fn(ctx, &l);
        return;
    }
    if (syn->unquote && vn >= 2 && v[0] == '"' && v[vn - 1] == '"')
        v++, vn -= 2;
    l.key = k;
    l.key_len = kn;
    l.val = v;
    l.val_len = vn;
    fn(ctx, &l);
}

void kv_read(const char *text, size_t len, const struct kv_syntax *syn,
             void (*fn)(void *ctx, const struct kv_line *l), void *ctx)
{
    size_t i = 0, line = 1;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < len) {
        size_t start = i;
        while (i < len && text[i] != '\n' && !(syn->cr_ends_line && text[i] == '\r'))
            i++;
        kv_line(syn, line, text + start, i - start, fn, ctx);
        if (i < len && text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
            i++;
        if (i < len)
            i++;
        line++;
    }
}
