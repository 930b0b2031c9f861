/* loader.c — library_open on a background thread (see loader.h). */
#include "loader.h"

#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "derived.h"
#include "ebook_door.h"
#include "util.h"

extern char **environ;

struct loader {
    pthread_t thread;
    char *root;
    struct library_stop *ls;   /* loader_free stops the build with it */
    atomic_bool done;      /* set by the thread as its last act but one */
    atomic_bool stop;      /* loader_free: the test delay ends at once */
    atomic_int refs;       /* the caller's, and the thread's while it runs:
                              the last one let go of frees the loader */
    bool started;          /* loader_go ran */
    bool threaded;         /* ... and started the thread (not yet joined) */
    struct library *lib;   /* the result, until taken */
    char *err;
};

/* Free l and what it holds. */
static void destroy(struct loader *l)
{
    library_free(l->lib);
    library_stop_free(l->ls);
    free(l->err);
    free(l->root);
    free(l);
}

/* Let go of one hold on l: the last frees it. */
static void let_go(struct loader *l)
{
    if (atomic_fetch_sub(&l->refs, 1) == 1)
        destroy(l);
}

static void *loader_main(void *arg)
{
    struct loader *l = arg;
    /* QUIRE_TEST_LOAD_DELAY_MS: the end-to-end tests hold the whole story
     * back to see the screen before it arrives; QUIRE_TEST_LOAD_GATE=PATH
     * holds it back until PATH exists, so that a test lets it go when it
     * has seen what it wanted and then waits for the event, not for a
     * delay to run out. */
    const char *d = getenv("QUIRE_TEST_LOAD_DELAY_MS");
    long ms = d ? strtol(d, NULL, 10) : 0;
    /* in steps, so that quitting meanwhile (loader_free) need not wait */
    for (; ms > 0 && !atomic_load(&l->stop); ms -= 10)
        nanosleep(&(struct timespec){.tv_nsec = (ms < 10 ? ms : 10) * 1000000L}, NULL);
    const char *gate = getenv("QUIRE_TEST_LOAD_GATE");
    while (gate && *gate && access(gate, F_OK) != 0 && !atomic_load(&l->stop))
        nanosleep(&(struct timespec){.tv_nsec = 5 * 1000000L}, NULL);
    if (!atomic_load(&l->stop))
        l->lib = library_open_stoppable(l->root, l->ls, &l->err);
    if (!atomic_load(&l->stop))
        malloc_trim(0);   /* the reader lives on: give back the build's heap */
    atomic_store(&l->done, true);
    let_go(l);   /* left by loader_free (quitting), the thread frees l */
    return NULL;
}

/* loader_main on a thread of its own: background work for the door. */
static void *loader_thread(void *arg)
{
    ebook_door_background();   /* the screen's requests never wait for its */
    return loader_main(arg);
}

struct loader *loader_new(const char *root)
{
    struct loader *l = xcalloc(1, sizeof *l);
    l->root = xstrdup(root);
    l->ls = library_stop_new();
    atomic_init(&l->done, false);
    atomic_init(&l->stop, false);
    atomic_init(&l->refs, 1);
    return l;
}

void loader_go(struct loader *l)
{
    if (!l || l->started)
        return;
    l->started = true;
    atomic_store(&l->refs, 2);   /* the thread's hold, let go as it ends */
    /* The thread takes no signals meant for the process (SIGTERM, SIGWINCH,
     * ...): they go to the main thread, whose wait for a key they cut
     * short.  Faults stay deliverable to the thread that makes them. */
    sigset_t all, old;
    sigfillset(&all);
    int sync_sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof sync_sigs / sizeof *sync_sigs; i++)
        sigdelset(&all, sync_sigs[i]);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    l->threaded = pthread_create(&l->thread, NULL, loader_thread, l) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!l->threaded)
        loader_main(l);   /* no thread: the caller waits for it now */
}

bool loader_ready(struct loader *l)
{
    return l && atomic_load(&l->done);
}

static void join(struct loader *l)
{
    if (l->threaded) {
        pthread_join(l->thread, NULL);
        l->threaded = false;
    }
}

struct library *loader_wait(struct loader *l, char **err)
{
    *err = NULL;
    if (!l)
        return NULL;
    loader_go(l);
    join(l);
    struct library *lib = l->lib;
    *err = l->err;
    l->lib = NULL;
    l->err = NULL;
    return lib;
}

/* Is l converting an ebook through the converter (a first reading, no
 * derived file yet) whose derived file would be kept? */
static bool converting_ebook(const struct loader *l)
{
    return l->threaded && !atomic_load(&l->done) && ebook_door_loaded() &&
           ebook_door_maybe(l->root, NULL, 0) && derived_enabled() && derived_keeps_builds();
}

/* Finish l's conversion in a process of its own, detached from the
 * terminal (its own session, /dev/null for its input and output):
 * this quire run on the one file with `--render --chapter 1`, which reads
 * the whole story (converting it and keeping its derived file, as the
 * loader would have) and prints one chapter to nowhere.  True when it was
 * started. */
static bool spawn_finisher(const struct loader *l)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    if (posix_spawn_file_actions_init(&fa) != 0)
        return false;
    if (posix_spawnattr_init(&at) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return false;
    }
    for (int fd = 0; fd < 3; fd++)
        posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", fd ? O_WRONLY : O_RDONLY, 0);
    sigset_t none, dfl;
    sigemptyset(&none);
    sigfillset(&dfl);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dfl);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
    char *argv[] = {"quire", "--render", "--chapter", "1", "--width", "80", "--", l->root, NULL};
    pid_t pid;
    bool ok = posix_spawn(&pid, "/proc/self/exe", &fa, &at, argv, environ) == 0;
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    return ok;   /* never waited for: init reaps it once this quire is gone */
}

void loader_free(struct loader *l)
{
    if (!l)
        return;
    atomic_store(&l->stop, true);
    /* A conversion under way is finished in a process of its own: q is
     * never held up by it (checked before the stop, which would make the
     * build keep nothing). */
    if (converting_ebook(l))
        spawn_finisher(l);
    /* The build stops at its next pass and writes nothing more; a write
     * of the caches under way is waited for (never left half done). */
    library_stop_set(l->ls);
    if (l->threaded && !atomic_load(&l->done)) {
        /* q is not held up by the pass under way (the analysis of a
         * 32 MB story: a quarter of a second): the thread is left to end
         * with the process, or to free l if it ends first.  It touches
         * nothing but its own library, and writes nothing now. */
        pthread_detach(l->thread);
        l->threaded = false;
    }
    join(l);   /* a thread that is done (or none) */
    let_go(l);
}
