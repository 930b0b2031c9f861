/* kv.h — one reader of `key = value` lines, for the config file and
 * story.ini.
 *
 * Layer: base (above util only).  The reader splits lines, trims, drops
 * blank and comment lines and finds the key and the value; the caller
 * decides what a key means and how a problem is worded (so each file keeps
 * its own messages), given the line number (from 1, after a leading UTF-8
 * BOM, which is skipped).  The two files differ in a few rules, set by
 * struct kv_syntax.  Works on (pointer, length): any bytes. */
#ifndef QUIRE_KV_H
#define QUIRE_KV_H

#include <stdbool.h>
#include <stddef.h>

struct kv_syntax {
    const char *comment;   /* a line whose first non-blank byte is one of
                              these is skipped ("#"; story.ini "#;[") */
    bool cr_ends_line;     /* LF, CR LF and lone CR end a line (config);
                              false: only LF does, and CRs at a line's end
                              are trimmed like blanks (story.ini) */
    bool unquote;          /* a value wrapped in one pair of double quotes
                              loses them (config) */
};

enum kv_problem {
    KV_OK,
    KV_NUL,          /* the line holds a NUL byte */
    KV_NO_EQUALS,    /* not a `key = value` line */
    KV_NO_KEY,       /* '=' first (a key that is only trimmed bytes is
                        an empty key, not this) */
};

struct kv_line {
    size_t line;           /* line number, from 1 */
    enum kv_problem problem;
    const char *key;       /* trimmed (KV_OK only) */
    size_t key_len;
    const char *val;       /* trimmed, unquoted by the syntax (KV_OK only) */
    size_t val_len;
};

/* Call fn(ctx, line) for every line of text[0, len) that is not blank or a
 * comment: a key and value, or a problem. */
void kv_read(const char *text, size_t len, const struct kv_syntax *syn,
             void (*fn)(void *ctx, const struct kv_line *l), void *ctx);

#endif
