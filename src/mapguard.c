/* mapguard.c — zero pages instead of SIGBUS over a shrunk mapped file.
 * See mapguard.h.
 *
 * The registry is two arrays of atomics the handler scans without a lock:
 * a slot is claimed by a compare-and-swap on its base, its length written
 * after; removal clears the length first, so the handler never sees a
 * length without its base.  The handler's work is async-signal-safe: atomic
 * loads, one mmap, a flag store. */
#include "mapguard.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static _Atomic uintptr_t g_base[MAPGUARD_SLOTS];
static _Atomic size_t g_len[MAPGUARD_SLOTS];
static volatile sig_atomic_t g_faulted;
static struct sigaction g_prev;          /* the handler before ours */
static uintptr_t g_page = 4096;
static pthread_mutex_t g_install = PTHREAD_MUTEX_INITIALIZER;

static void on_sigbus(int sig, siginfo_t *si, void *ctx);

/* Hand a fault that is not ours to the handler installed before. */
static void chain(int sig, siginfo_t *si, void *ctx)
{
    if (g_prev.sa_flags & SA_SIGINFO) {
        if (g_prev.sa_sigaction && g_prev.sa_sigaction != on_sigbus) {
            g_prev.sa_sigaction(sig, si, ctx);
            return;
        }
    } else if (g_prev.sa_handler != SIG_DFL && g_prev.sa_handler != SIG_IGN) {
        g_prev.sa_handler(sig);
        return;
    }
    /* Default: die of it.  Returning re-runs the faulting access. */
    signal(sig, SIG_DFL);
}

static void on_sigbus(int sig, siginfo_t *si, void *ctx)
{
    uintptr_t a = (uintptr_t)si->si_addr;
    for (size_t i = 0; i < MAPGUARD_SLOTS; i++) {
        uintptr_t b = atomic_load(&g_base[i]);
        size_t n = atomic_load(&g_len[i]);
        if (!b || !n || a < b || a - b >= n)
            continue;
        uintptr_t pg = a & ~(g_page - 1);
        /* Every page from here to the mapping's end is past the file's new
         * end (a file shrinks from its end): one call covers them all. */
        void *z = mmap((void *)pg, b + n - pg, PROT_READ,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (z != MAP_FAILED) {
            g_faulted = 1;
            return;
        }
        break;
    }
    chain(sig, si, ctx);
}

void mapguard_install(void)
{
    pthread_mutex_lock(&g_install);
    struct sigaction cur;
    if (sigaction(SIGBUS, NULL, &cur) == 0 &&
        !((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_sigbus)) {
        long ps = sysconf(_SC_PAGESIZE);
        if (ps > 0)
            g_page = (uintptr_t)ps;
        g_prev = cur;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_sigbus;
        sa.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGBUS, &sa, NULL);
    }
    pthread_mutex_unlock(&g_install);
}

bool mapguard_add(const void *base, size_t len)
{
    if (!base || !len)
        return false;
    mapguard_install();
    size_t n = (len + g_page - 1) & ~(size_t)(g_page - 1);
    for (size_t i = 0; i < MAPGUARD_SLOTS; i++) {
        uintptr_t zero = 0;
        if (atomic_compare_exchange_strong(&g_base[i], &zero, (uintptr_t)base)) {
            atomic_store(&g_len[i], n);
            return true;
        }
    }
    return false;
}

void mapguard_remove(const void *base)
{
    for (size_t i = 0; i < MAPGUARD_SLOTS; i++)
        if (atomic_load(&g_base[i]) == (uintptr_t)base) {
            atomic_store(&g_len[i], 0);
            atomic_store(&g_base[i], 0);
            return;
        }
}

bool mapguard_take_fault(void)
{
    bool f = g_faulted != 0;
    g_faulted = 0;
    return f;
}
