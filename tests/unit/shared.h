/* shared.h — where the unit tests find the shared corpus, which they read
 * when it is there and skip when it is not (never copied into the
 * project).
 *
 * shared_dir(SUB) is the folder SUB ("corpus/gutenberg", "seeds") of the
 * shared corpus: under $QUIRE_SHARED when set, else ../shared (beside a
 * checkout) or ../../shared (beside a worktree), the first that has it;
 * NULL when none has.  The path, with no '/' at its end, is in a static
 * buffer that the next call reuses. */
#ifndef QUIRE_TEST_SHARED_H
#define QUIRE_TEST_SHARED_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static inline const char *shared_dir(const char *sub)
{
    static char buf[4096];
    const char *env = getenv("QUIRE_SHARED");
    const char *tries[] = {env, "../shared", "../../shared"};
    for (int i = 0; i < 3; i++) {
        if (!tries[i] || !*tries[i])
            continue;
        snprintf(buf, sizeof buf, "%s/%s", tries[i], sub);
        struct stat st;
        if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
            return buf;
    }
    return NULL;
}

#endif
