/* test_linebreak.c — do we call libunistring's UAX #14 line breaking right?
 *
 * Runs u8_possible_linebreaks(..., "UTF-8", ...) — exactly as layout.c
 * calls it — over the Unicode conformance file LineBreakTest-14.0.0.txt
 * (Unicode 14 is what libunistring 1.0 implements) and compares every
 * break opportunity.  A break before character k counts when p[k] is
 * POSSIBLE or HYPHENATION, or when character k-1 was MANDATORY.
 *
 * libunistring 1.0 is known to differ from the file on some lines; those
 * are listed in tests/data/linebreak/exemptions.txt, as rules (gnulib's
 * documented exemptions) and as single test strings (each with a reason).
 * The test asserts that every other line matches AND that the exemptions
 * are exactly what is listed (a listed line that starts matching, or a
 * different number of rule-exempt lines, fails) — so a libunistring
 * upgrade that changes behaviour is noticed.
 *
 * Sources: ../shared/corpus/unicode/LineBreakTest-14.0.0.txt when present;
 * always the excerpt tests/data/linebreak/LineBreakTest-excerpt.txt. */
#include <stdlib.h>
#include <string.h>
#include <unilbrk.h>
#include <unistr.h>

#include "check.h"
#include "util.h"

#define MAXCP 64

struct exempt_seq {
    char seq[256];        /* code points as written, e.g. "0029 0020 3000" */
    bool seen;
};

struct exemptions {
    struct exempt_seq *seq;
    size_t n;
    long rule_full, seq_full;       /* expected counts on the full file */
    long rule_excerpt, seq_excerpt; /* and on the excerpt */
};

static void load_exemptions(const char *path, struct exemptions *ex)
{
    memset(ex, 0, sizeof *ex);
    FILE *f = fopen(path, "r");
    if (!f) {
        CHECK("the exemption list can be read", false);
        return;
    }
    char line[1024];
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (!strncmp(line, "seq\t", 4)) {
            char *tab = strchr(line + 4, '\t');
            if (!tab)
                continue;
            XGROW(ex->seq, cap, ex->n + 1);
            size_t len = (size_t)(tab - (line + 4));
            if (len >= sizeof ex->seq[0].seq)
                len = sizeof ex->seq[0].seq - 1;
            memcpy(ex->seq[ex->n].seq, line + 4, len);
            ex->seq[ex->n].seq[len] = '\0';
            ex->seq[ex->n].seen = false;
            ex->n++;
        } else if (!strncmp(line, "count\t", 6)) {
            char which[32];
            long r, s;
            if (sscanf(line + 6, "%31s %ld %ld", which, &r, &s) == 3) {
                if (!strcmp(which, "full")) {
                    ex->rule_full = r;
                    ex->seq_full = s;
                } else if (!strcmp(which, "excerpt")) {
                    ex->rule_excerpt = r;
                    ex->seq_excerpt = s;
                }
            }
        }
    }
    fclose(f);
}

static bool is_newline_cp(uint32_t c)
{
    return c == 0x0A || c == 0x0B || c == 0x0C || c == 0x0D || c == 0x85 || c == 0x2028 ||
           c == 0x2029;
}

static bool is_ri(uint32_t c)
{
    return c >= 0x1F1E6 && c <= 0x1F1FF;
}

/* gnulib's documented exemptions (libunistring's chosen behaviour):
 *  - a space at the start of the text, or right after a newline (the
 *    library treats leading spaces as breakable indentation);
 *  - U+FFFC OBJECT REPLACEMENT CHARACTER (class CB, left to the caller);
 *  - a regional indicator followed by a combining mark or ZWJ. */
static const char *rule_exempt(const uint32_t *cp, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (cp[i] == 0x20 && (i == 0 || is_newline_cp(cp[i - 1])))
            return "space at start of text or after a newline";
        if (cp[i] == 0xFFFC)
            return "U+FFFC";
        if (is_ri(cp[i]) && i + 1 < n && (cp[i + 1] == 0x0308 || cp[i + 1] == 0x200D ||
                                          cp[i + 1] == 0x0001 || cp[i + 1] == 0x0300))
            return "regional indicator + combining mark";
    }
    return NULL;
}

struct result {
    long lines, ok, rule, seq, bad;
};

static void run_file(const char *path, struct exemptions *ex, struct result *res, bool list)
{
    memset(res, 0, sizeof *res);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[4096];
    long lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        /* tokens: marks (× U+00D7, ÷ U+00F7) and hex code points */
        uint32_t cp[MAXCP];
        bool brk[MAXCP + 1];        /* brk[k]: break before cp[k] */
        size_t n = 0;
        char seq[256] = "";
        char *save = NULL;
        for (char *tok = strtok_r(line, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
            if (!strcmp(tok, "\xc3\x97") || !strcmp(tok, "\xc3\xb7")) {
                if (n < MAXCP + 1)
                    brk[n] = tok[1] == '\xb7';
                continue;
            }
            if (n >= MAXCP)
                break;
            cp[n++] = (uint32_t)strtoul(tok, NULL, 16);
            if (strlen(seq) + strlen(tok) + 2 < sizeof seq) {
                if (seq[0])
                    strcat(seq, " ");
                strcat(seq, tok);
            }
        }
        if (n == 0)
            continue;
        res->lines++;
        /* to UTF-8, remembering where each code point starts */
        uint8_t s[MAXCP * 4];
        size_t start[MAXCP], len = 0;
        for (size_t i = 0; i < n; i++) {
            start[i] = len;
            int l = u8_uctomb(s + len, cp[i], 4);
            len += l > 0 ? (size_t)l : 0;
        }
        char p[MAXCP * 4];
        u8_possible_linebreaks(s, len, "UTF-8", p);
        bool match = true;
        size_t first_diff = 0;
        for (size_t k = 1; k < n; k++) {
            bool got = p[start[k]] == UC_BREAK_POSSIBLE || p[start[k]] == UC_BREAK_HYPHENATION ||
                       p[start[k - 1]] == UC_BREAK_MANDATORY;
            if (got != brk[k] && match) {
                match = false;
                first_diff = k;
            }
        }
        if (match) {
            res->ok++;
            for (size_t i = 0; i < ex->n; i++)
                if (!strcmp(ex->seq[i].seq, seq))
                    fprintf(stderr, "%s:%ld: listed as an exemption but now matches: %s\n",
                            path, lineno, seq);
            continue;
        }
        const char *why = rule_exempt(cp, n);
        if (why) {
            res->rule++;
            continue;
        }
        bool listed = false;
        for (size_t i = 0; i < ex->n; i++)
            if (!strcmp(ex->seq[i].seq, seq)) {
                ex->seq[i].seen = true;
                listed = true;
            }
        if (listed) {
            res->seq++;
        } else {
            res->bad++;
            if (list)
                printf("seq\t%s\t%ld\t%zu\n", seq, lineno, first_diff);
            else
                fprintf(stderr, "%s:%ld: libunistring differs and no exemption says why: %s\n",
                        path, lineno, seq);
        }
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    bool list = argc > 1 && !strcmp(argv[1], "--list");
    struct exemptions ex;
    load_exemptions("tests/data/linebreak/exemptions.txt", &ex);
    CHECK("the exemption list names the real deviations", ex.n > 0);

    struct result r;
    const char *excerpt = "tests/data/linebreak/LineBreakTest-excerpt.txt";
    run_file(excerpt, &ex, &r, list);
    printf("excerpt: %ld lines, %ld match, %ld exempt by rule, %ld listed, %ld unexplained\n",
           r.lines, r.ok, r.rule, r.seq, r.bad);
    CHECK("the excerpt of LineBreakTest is there", r.lines >= 300);
    CHECK_INT("excerpt: every line not exempted matches libunistring", r.bad, 0);
    CHECK_INT("excerpt: rule-exempt lines as counted in exemptions.txt", r.rule, ex.rule_excerpt);
    CHECK_INT("excerpt: listed deviations as counted in exemptions.txt", r.seq, ex.seq_excerpt);

    /* $SHARED, or ../shared (a checkout), or ../../shared (a worktree) */
    const char *env = getenv("SHARED");
    char *cands[3] = {
        env && *env ? xasprintf("%s/corpus/unicode/LineBreakTest-14.0.0.txt", env) : NULL,
        xstrdup("../shared/corpus/unicode/LineBreakTest-14.0.0.txt"),
        xstrdup("../../shared/corpus/unicode/LineBreakTest-14.0.0.txt"),
    };
    const char *full = NULL;
    for (int i = 0; i < 3 && !full; i++) {
        FILE *f = cands[i] ? fopen(cands[i], "r") : NULL;
        if (f) {
            full = cands[i];
            fclose(f);
        }
    }
    if (!full) {
        printf("skip: LineBreakTest-14.0.0.txt not found (no shared corpus)\n");
        for (int i = 0; i < 3; i++)
            free(cands[i]);
        free(ex.seq);
        return check_summary();
    }
    for (size_t i = 0; i < ex.n; i++)
        ex.seq[i].seen = false;
    run_file(full, &ex, &r, list);
    printf("full: %ld lines, %ld match, %ld exempt by rule, %ld listed, %ld unexplained\n",
           r.lines, r.ok, r.rule, r.seq, r.bad);
    CHECK_INT("all 7654 test lines read", r.lines, 7654);
    CHECK_INT("full: every line not exempted matches libunistring", r.bad, 0);
    CHECK_INT("full: rule-exempt lines as counted in exemptions.txt", r.rule, ex.rule_full);
    CHECK_INT("full: listed deviations as counted in exemptions.txt", r.seq, ex.seq_full);
    size_t unseen = 0;
    for (size_t i = 0; i < ex.n; i++)
        if (!ex.seq[i].seen) {
            unseen++;
            fprintf(stderr, "exemption no longer needed: %s\n", ex.seq[i].seq);
        }
    CHECK_INT("every listed deviation still happens", unseen, 0);
    for (int i = 0; i < 3; i++)
        free(cands[i]);
    free(ex.seq);
    return check_summary();
}
