/* ebook_door.c — the EPUB/HTML converter process, started on first use and
 * kept as a coprocess.  See ebook_door.h. */
#include "ebook_door.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ebook_wire.h"
#include "util.h"

#ifndef QUIRE_PLUGINDIR
#define QUIRE_PLUGINDIR "/usr/local/lib/quire"
#endif
#define CONVERTER_FILE "quire-convert"

extern char **environ;

/* One coprocess: its socket (both ways), its buffers. */
struct conv {
    pid_t pid;            /* 0: no process in this slot */
    int fd;
    bool busy;            /* a thread holds it for a request */
    bool bg;              /* ... a background thread (ebook_door_background) */
    bool fresh;           /* started, its hello not read yet (it is read
                             after the first request is sent: one wait
                             for the new process, not two) */
    struct wire_fd *rx, *tx;
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_idle = PTHREAD_COND_INITIALIZER;
/* The pool, and after it the reserve: a converter only for a foreground
 * request made while every one of the pool is at work and one of them for
 * a background thread (the loader converting another book). */
#define RESERVE EBOOK_DOOR_CONVERTERS
static struct conv pool[EBOOK_DOOR_CONVERTERS + 1];
static _Thread_local bool background;   /* ebook_door_background ran here */
static atomic_bool started;   /* a converter was started (ebook_door_loaded) */
static bool exit_hook;        /* pool_exit registered (under pool_lock) */

static pthread_once_t find_once = PTHREAD_ONCE_INIT;
static char *conv_path;   /* the converter found, once per process */

static bool name_ends(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    return n > e && strcasecmp(name + n - e, ext) == 0;
}

/* The name says ebook (or the bytes a zip: an EPUB named otherwise). */
static bool surely_ebook(const char *name, const unsigned char *head, size_t n)
{
    return name_ends(name, ".epub") || name_ends(name, ".html") || name_ends(name, ".htm") ||
           name_ends(name, ".xhtml") ||
           (n >= 4 && memcmp(head, "PK\x03\x04", 4) == 0);
}

bool ebook_door_text_name(const char *name)
{
    return name_ends(name, ".txt") || name_ends(name, ".md");
}

bool ebook_door_maybe(const char *name, const unsigned char *head, size_t n)
{
    if (ebook_door_text_name(name))
        return false;
    if (surely_ebook(name, head, n))
        return true;
    size_t i = n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\n' || head[i] == '\r'))
        i++;
    return i < n && head[i] == '<';
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The first candidate that exists (malloc'd), or NULL. */
static char *find_converter(void)
{
    const char *env = getenv("QUIRE_CONVERTER");
    if (env && *env)
        return xstrdup(env);
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            static const char *const rel[] = {
                "../lib/quire/" CONVERTER_FILE,   /* installed: BINDIR/../lib/quire */
                "build/" CONVERTER_FILE,          /* the source tree: ./quire, ./build */
                CONVERTER_FILE,                   /* a binary in its build folder */
            };
            for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
                char *p = xasprintf("%s/%s", self, rel[i]);
                if (is_file(p))
                    return p;
                free(p);
            }
        }
    }
    if (is_file(QUIRE_PLUGINDIR "/" CONVERTER_FILE))
        return xstrdup(QUIRE_PLUGINDIR "/" CONVERTER_FILE);
    return NULL;
}

char *ebook_door_identity(void)
{
    char *path = find_converter();
    struct stat st;
    char *id = path && stat(path, &st) == 0
                   ? xasprintf("%lld %lld", (long long)st.st_size,
                               (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec)
                   : xstrdup("none");
    free(path);
    return id;
}

static void find(void)
{
    conv_path = find_converter();
}

/* The converter's path, or NULL with *why ("EPUB/HTML support not
 * installed: ..."). */
static const char *converter(char **why)
{
    pthread_once(&find_once, find);
    if (!conv_path)
        set_err(why, "EPUB/HTML support not installed: no " CONVERTER_FILE
                     " (looked beside the binary and in " QUIRE_PLUGINDIR ")");
    return conv_path;
}

bool ebook_door_loaded(void)
{
    return atomic_load(&started);
}

/* At exit: a converter still working for this process is killed (its
 * work would be lost; the detached finisher, loader.c, redoes it), an
 * idle one sees its socket close and ends; both are reaped, so that none
 * is left a zombie where nothing else reaps orphans. */
static void pool_exit(void)
{
    for (size_t i = 0; i <= RESERVE; i++) {
        pid_t pid = pool[i].pid;
        if (pid <= 0)
            continue;
        if (pool[i].busy)
            kill(pid, SIGKILL);
        close(pool[i].fd);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
}

/* End c's process and reap it.  Its socket is closed first: a converter
 * waiting for a request ends on that.  One that closed its end (it died
 * or is dying: c->rx or c->tx saw it gone) is waited for; one still there
 * (it answered garbage) is killed.  Returns its wait status, or -1 when
 * our kill ended it (or it is unknown). */
static int conv_end(struct conv *c)
{
    bool gone = c->rx->gone || c->tx->gone;
    close(c->fd);
    int st = -1;
    pid_t r;
    while ((r = waitpid(c->pid, &st, gone ? 0 : WNOHANG)) < 0 && errno == EINTR)
        ;
    if (r != c->pid) {
        kill(c->pid, SIGKILL);
        while ((r = waitpid(c->pid, &st, 0)) < 0 && errno == EINTR)
            ;
        if (r != c->pid || (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL))
            st = -1;
    }
    free(c->rx);
    free(c->tx);
    c->pid = 0;
    c->fd = -1;
    c->rx = c->tx = NULL;
    return st;
}

/* Start a converter into c: socket, spawn (its hello is read with the
 * first request: conv_hello).  False with *why. */
static bool conv_start(struct conv *c, char **why)
{
    const char *path = converter(why);
    if (!path)
        return false;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        set_err(why, "converter failed: no socket: %s", strerror(errno));
        return false;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    sigset_t none, dfl;
    sigemptyset(&none);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGPIPE);
    sigaddset(&dfl, SIGINT);
    sigaddset(&dfl, SIGTERM);
    sigaddset(&dfl, SIGHUP);
    sigaddset(&dfl, SIGBUS);
    sigaddset(&dfl, SIGSEGV);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dfl);
    /* its own process group: the terminal's signals (^C, ^Z) are the
       reader's to handle, and it ends when the reader closes its socket */
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETPGROUP);
    char serve[] = "--serve";
    char *self = xstrdup(path);
    char *argv[] = {self, serve, NULL};
    pid_t pid;
    int e = posix_spawn(&pid, path, &fa, &at, argv, environ);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    free(self);
    close(sv[1]);
    if (e != 0) {
        close(sv[0]);
        set_err(why, "EPUB/HTML support not installed: %s: %s", path, strerror(e));
        return false;
    }
    c->pid = pid;
    c->fd = sv[0];
    c->rx = xcalloc(1, sizeof *c->rx);
    c->tx = xcalloc(1, sizeof *c->tx);
    c->rx->fd = c->tx->fd = sv[0];
    c->fresh = true;
    atomic_store(&started, true);
    return true;
}

/* Read a fresh converter's hello: true when it is a converter of this
 * quire; else it is ended and reaped, false with *why ("EPUB/HTML
 * support not installed: ..."). */
static bool conv_hello(struct conv *c, char **why)
{
    c->fresh = false;
    struct wire_source src = {wire_fd_get, c->rx};
    char *e = NULL;
    if (ebook_wire_get_hello(&src, &e))
        return true;
    int st = conv_end(c);   /* waited for when it closed, else killed */
    if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 127)
        set_err(why, "EPUB/HTML support not installed: %s cannot run (a library it needs "
                     "is missing?)", conv_path);
    else
        set_err(why, "EPUB/HTML support not installed: %s: %s", conv_path, e);
    free(e);
    return false;
}

/* c is idle again: a thread waiting may take it (each looks: the reserve
 * is not for everyone). */
static void release(struct conv *c)
{
    pthread_mutex_lock(&pool_lock);
    c->busy = false;
    c->bg = false;
    pthread_cond_broadcast(&pool_idle);
    pthread_mutex_unlock(&pool_lock);
}

void ebook_door_background(void)
{
    background = true;
}

/* The slot this thread's request would take now (under pool_lock): an
 * idle converter, else a free slot of the pool; for a foreground request
 * when the pool is all at work and part of it for a background thread,
 * the reserve (idle or free).  NULL: the request waits. */
static struct conv *pick(void)
{
    struct conv *empty = NULL;
    bool bg_at_work = false;
    for (size_t i = 0; i < RESERVE; i++) {
        struct conv *c = &pool[i];
        bg_at_work = bg_at_work || (c->busy && c->bg);
        if (c->busy)
            continue;
        if (c->pid > 0)
            return c;
        if (!empty)
            empty = c;
    }
    if (empty)
        return empty;
    if (!background && bg_at_work && !pool[RESERVE].busy)
        return &pool[RESERVE];
    return NULL;
}

/* QUIRE_TEST_BUSY_CONVERTER=FILE: before the first foreground request (or
 * look at ebook_door_busy), a background thread takes a converter and
 * holds it at work until FILE exists, as the loader converting another
 * book would. */
static const char *busy_file;
static atomic_bool busy_holding;

static struct conv *acquire(char **why);

static void *hold_busy(void *arg)
{
    (void)arg;
    background = true;
    char *why = NULL;
    struct conv *c = acquire(&why);
    free(why);
    atomic_store(&busy_holding, true);
    while (access(busy_file, F_OK) != 0)
        nanosleep(&(struct timespec){.tv_nsec = 5 * 1000000L}, NULL);
    if (c)
        release(c);
    return NULL;
}

static void test_busy(void)
{
    static atomic_bool once;
    const char *f = getenv("QUIRE_TEST_BUSY_CONVERTER");
    if (!f || !*f || background || atomic_exchange(&once, true))
        return;
    busy_file = f;
    pthread_t t;
    if (pthread_create(&t, NULL, hold_busy, NULL) != 0)
        return;
    pthread_detach(t);
    while (!atomic_load(&busy_holding))
        nanosleep(&(struct timespec){.tv_nsec = 1000000L}, NULL);
}

/* A converter for this thread's request (pick's), started when its slot
 * is free, else wait for one to be idle.  NULL with *why. */
static struct conv *acquire(char **why)
{
    test_busy();
    pthread_mutex_lock(&pool_lock);
    if (!exit_hook) {
        exit_hook = true;
        atexit(pool_exit);
    }
    struct conv *c;
    while ((c = pick()) == NULL)
        pthread_cond_wait(&pool_idle, &pool_lock);
    c->busy = true;
    c->bg = background;
    pthread_mutex_unlock(&pool_lock);
    if (c->pid > 0 || conv_start(c, why))
        return c;
    release(c);
    return NULL;
}

bool ebook_door_busy(void)
{
    test_busy();
    pthread_mutex_lock(&pool_lock);
    bool wait = pick() == NULL;
    pthread_mutex_unlock(&pool_lock);
    return wait;
}

/* c broke mid-request (died, was killed, answered garbage): end and reap
 * it, and say why in *err ("converter failed: ..."); the next request
 * starts a fresh one. */
static void conv_broke(struct conv *c, const char *what, char **err)
{
    int st = conv_end(c);
    if (st != -1 && WIFSIGNALED(st))
        set_err(err, "converter failed: killed by signal %d (%s)", WTERMSIG(st),
                strsignal(WTERMSIG(st)));
    else if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 0)
        set_err(err, "converter failed: it exited with status %d: %s", WEXITSTATUS(st), what);
    else
        set_err(err, "converter failed: %s", what);
}

/* Did an idle converter end since its last reply (killed from outside,
 * say)?  Then its socket reads as closed, without waiting. */
static bool conv_ended(struct conv *c)
{
    char b;
    ssize_t r = recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    return !(r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
}

/* One request through a converter.  The door's result: true with *out,
 * false with *err. */
static bool call(struct ebook_wire_req *q, struct ebook *out, size_t *total, char **err)
{
    memset(out, 0, sizeof *out);
    struct conv *c = acquire(err);
    if (!c)
        return false;
    if (!c->fresh && conv_ended(c)) {
        /* it ended between requests: reaped, and this file goes to a
           fresh one (it was never this file's doing) */
        c->rx->gone = true;
        conv_end(c);
        if (!conv_start(c, err)) {
            release(c);
            return false;
        }
    }
    for (int round = 0; round < 2; round++) {
        struct wire_sink s = {wire_fd_put, c->tx};
        struct wire_source src = {wire_fd_get, c->rx};
        c->rx->pos = c->rx->len = 0;
        c->tx->len = 0;
        bool sent = ebook_wire_put_request(&s, q) && wire_fd_flush(c->tx);
        if (c->fresh && !conv_hello(c, err)) {
            release(c);
            return false;
        }
        if (!sent) {
            conv_broke(c, "the request could not be sent", err);
            break;
        }
        char *why = NULL;
        int r = ebook_wire_get_reply(&src, out, total, &why);
        if (r == EBOOK_WIRE_CHANGED && q->path && q->bytes && round == 0) {
            /* not the file the caller mapped: send the bytes */
            free(q->path);
            q->path = NULL;
            continue;
        }
        if (r == EBOOK_WIRE_OK || r == EBOOK_WIRE_ERROR) {
            if (r == EBOOK_WIRE_ERROR && err) {
                free(*err);
                *err = why;
                why = NULL;
            }
            release(c);
            free(why);
            return r == EBOOK_WIRE_OK;
        }
        char *what = xasprintf("its reply was refused: %s", why ? why : "no reply");
        conv_broke(c, what, err);
        free(what);
        free(why);
        break;
    }
    release(c);
    return false;
}

int ebook_door_sniff(const char *name, const unsigned char *head, size_t n, char **why)
{
    if (!ebook_door_maybe(name, head, n))
        return EBOOK_NONE;
    enum ebook_format f = ebook_sniff(name, head, n);
    if (f == EBOOK_NONE)
        return EBOOK_NONE;
    char *e = NULL;
    const char *conv = converter(&e);
    if (conv && access(conv, X_OK) == 0)
        return (int)f;
    if (conv)
        set_err(&e, "EPUB/HTML support not installed: %s: %s", conv, strerror(errno));
    if (!surely_ebook(name, head, n)) {
        free(e);   /* without the converter, a text starting with '<' reads as text */
        return EBOOK_NONE;
    }
    if (why)
        *why = e;
    else
        free(e);
    return -1;
}

/* The request for bytes the caller holds: by path when `name` is the
 * regular file of n bytes they came from, else the bytes themselves. */
static void describe(struct ebook_wire_req *q, const char *name, const void *bytes, size_t n)
{
    q->name = name;
    q->bytes = bytes;
    q->n = n;
    struct stat st;
    char *real = n > 0 && stat(name, &st) == 0 && S_ISREG(st.st_mode) &&
                         (uint64_t)st.st_size == n
                     ? realpath(name, NULL)
                     : NULL;
    if (!real)
        return;
    q->path = real;
    q->dev = (uint64_t)st.st_dev;
    q->ino = (uint64_t)st.st_ino;
    q->size = (uint64_t)st.st_size;
    q->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    q->sample = ebook_wire_sample(bytes, n);
}

bool ebook_door_read(const char *path, enum ebook_format f, struct ebook *out, char **err)
{
    struct ebook_wire_req q = {.op = EBOOK_WIRE_READ_FILE, .format = f, .name = path};
    q.path = realpath(path, NULL);
    if (!q.path)
        q.path = xstrdup(path);
    bool ok = call(&q, out, NULL, err);
    free(q.path);
    return ok;
}

bool ebook_door_read_head(const char *name, enum ebook_format f, const void *bytes, size_t n,
                          size_t head, struct ebook *out, size_t *total, char **err)
{
    memset(out, 0, sizeof *out);
    if (f != EBOOK_EPUB || head == 0) {
        set_err(err, "no head: only an EPUB is read in part");
        return false;
    }
    struct ebook_wire_req q = {.op = EBOOK_WIRE_READ_HEAD, .format = f, .head = head};
    describe(&q, name, bytes, n);
    bool ok = call(&q, out, total, err);
    free(q.path);
    return ok;
}

bool ebook_door_read_bytes(const char *name, enum ebook_format f, const void *bytes, size_t n,
                           struct ebook *out, char **err)
{
    struct ebook_wire_req q = {.op = EBOOK_WIRE_READ_BYTES, .format = f};
    describe(&q, name, bytes, n);
    bool ok = call(&q, out, NULL, err);
    free(q.path);
    return ok;
}

void ebook_door_free(struct ebook *eb)
{
    ebook_wire_free(eb);
}
