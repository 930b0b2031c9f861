/* check.h — the unit tests' helper: CHECK("what", expr) counts and reports.
 *
 * Each test program includes this once, calls CHECK for every assertion and
 * ends main() with `return check_summary();`, which prints the closing line
 * "N passed, N failed" that tests/run.sh adds up.  A failed check prints the
 * file, line and what was expected, and the program goes on. */
#ifndef QUIRE_TEST_CHECK_H
#define QUIRE_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(what, expr) check_one((what), (expr) ? 1 : 0, __FILE__, __LINE__, #expr)

/* CHECK_STR: equal NUL-terminated strings (NULL only equals NULL). */
#define CHECK_STR(what, got, want) check_str((what), (got), (want), __FILE__, __LINE__)
/* CHECK_INT: equal integers, printing both on failure. */
#define CHECK_INT(what, got, want) check_int((what), (long long)(got), (long long)(want), __FILE__, __LINE__)

static inline int check_one(const char *what, int ok, const char *file, int line, const char *expr)
{
    if (ok) {
        check_passed++;
    } else {
        check_failed++;
        fprintf(stderr, "FAIL %s:%d: %s (%s)\n", file, line, what, expr);
    }
    return ok;
}

static inline int check_str(const char *what, const char *got, const char *want, const char *file, int line)
{
    int ok = (got == NULL || want == NULL) ? got == want : strcmp(got, want) == 0;
    if (!ok) {
        fprintf(stderr, "FAIL %s:%d: %s: got \"%s\", want \"%s\"\n", file, line, what,
                got ? got : "(null)", want ? want : "(null)");
        check_failed++;
    } else {
        check_passed++;
    }
    return ok;
}

static inline int check_int(const char *what, long long got, long long want, const char *file, int line)
{
    if (got != want) {
        fprintf(stderr, "FAIL %s:%d: %s: got %lld, want %lld\n", file, line, what, got, want);
        check_failed++;
        return 0;
    }
    check_passed++;
    return 1;
}

static inline int check_summary(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
