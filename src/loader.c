/* loader.c — library_open on a background thread (see loader.h). */
#include "loader.h"

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "util.h"

struct loader {
    pthread_t thread;
    char *root;
    atomic_bool done;      /* set by the thread as its last act */
    atomic_bool stop;      /* loader_free: the test delay ends at once */
    bool started;          /* loader_go ran */
    bool threaded;         /* ... and started the thread (not yet joined) */
    struct library *lib;   /* the result, until taken */
    char *err;
};

static void *loader_main(void *arg)
{
    struct loader *l = arg;
    /* QUIRE_TEST_LOAD_DELAY_MS: the end-to-end tests hold the whole story
     * back to see the screen before it arrives. */
    const char *d = getenv("QUIRE_TEST_LOAD_DELAY_MS");
    long ms = d ? strtol(d, NULL, 10) : 0;
    /* in steps, so that quitting meanwhile (loader_free) need not wait */
    for (; ms > 0 && !atomic_load(&l->stop); ms -= 10)
        nanosleep(&(struct timespec){.tv_nsec = (ms < 10 ? ms : 10) * 1000000L}, NULL);
    if (!atomic_load(&l->stop))
        l->lib = library_open(l->root, &l->err);
    malloc_trim(0);   /* the reader lives on: give back the build's heap */
    atomic_store(&l->done, true);
    return NULL;
}

struct loader *loader_new(const char *root)
{
    struct loader *l = xcalloc(1, sizeof *l);
    l->root = xstrdup(root);
    atomic_init(&l->done, false);
    atomic_init(&l->stop, false);
    return l;
}

void loader_go(struct loader *l)
{
    if (!l || l->started)
        return;
    l->started = true;
    /* The thread takes no signals meant for the process (SIGTERM, SIGWINCH,
     * ...): they go to the main thread, whose wait for a key they cut
     * short.  Faults stay deliverable to the thread that makes them. */
    sigset_t all, old;
    sigfillset(&all);
    int sync_sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof sync_sigs / sizeof *sync_sigs; i++)
        sigdelset(&all, sync_sigs[i]);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    l->threaded = pthread_create(&l->thread, NULL, loader_main, l) == 0;
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

void loader_free(struct loader *l)
{
    if (!l)
        return;
    atomic_store(&l->stop, true);
    join(l);
    library_free(l->lib);
    free(l->err);
    free(l->root);
    free(l);
}
