/* ebook_convert.c — main of quire-convert, the converter process: the
 * EPUB/HTML converters of ebook.h (linked with libxml2 and libarchive) serving
 * quire's door (ebook_door.h) one request after another over its standard
 * input and output (ebook_wire.h), until the door closes them.
 *
 * Layer: main (a program of its own; never linked into quire).  It bounds
 * itself: address space (CONVERT_AS_MAX) and CPU time per request
 * (CONVERT_CPU_SECONDS, past which the kernel kills it), no core files,
 * so that a file slipping past the converters' own limits (a zip bomb, a
 * pathological document) costs the reader one file's error line, never
 * the reader itself.  Its standard error goes where the door sends it
 * (nowhere). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ebook.h"
#include "ebook_wire.h"
#include "util.h"

extern char **environ;

/* Address space: the 32 MB HTML file peaks near 200 MB; 4 GiB is
 * generous and still bounded. */
#define CONVERT_AS_MAX ((rlim_t)4 << 30)
/* CPU seconds one request may take (a 32 MB EPUB takes under 2). */
#define CONVERT_CPU_SECONDS 120

static struct wire_fd in = {.fd = 0}, out = {.fd = 1};

/* Let the CPU limit run from now: the soft limit is cumulative, so it is
 * moved on before each request (the hard limit stays where it was). */
static void cpu_limit_from_now(void)
{
    struct rusage ru;
    struct rlimit rl;
    if (getrusage(RUSAGE_SELF, &ru) != 0 || getrlimit(RLIMIT_CPU, &rl) != 0)
        return;
    rlim_t soft = (rlim_t)ru.ru_utime.tv_sec + (rlim_t)ru.ru_stime.tv_sec + CONVERT_CPU_SECONDS;
    if (rl.rlim_max != RLIM_INFINITY && soft > rl.rlim_max)
        soft = rl.rlim_max;
    rl.rlim_cur = soft;
    setrlimit(RLIMIT_CPU, &rl);
}

static void set_limits(void)
{
    struct rlimit rl = {0, 0};
    setrlimit(RLIMIT_CORE, &rl);
    if (getrlimit(RLIMIT_AS, &rl) == 0 &&
        (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > CONVERT_AS_MAX)) {
        rl.rlim_cur = CONVERT_AS_MAX;
        rl.rlim_max = CONVERT_AS_MAX;
        setrlimit(RLIMIT_AS, &rl);
    }
}

/* Tests: QUIRE_TEST_CONVERT_<what>=TEXT acts when the request's name holds
 * TEXT. */
static bool test_hook(const char *what, const char *name)
{
    const char *v = getenv(what);
    return v && *v && strstr(name, v);
}

/* The file the door described, mapped: NULL (and *changed) when it is
 * not that file any more, NULL with *err when it cannot be read. */
static void *map_described(const struct ebook_wire_req *q, size_t *len, bool *changed,
                           char **err)
{
    int fd = open(q->path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        *changed = true;
        return NULL;
    }
    int64_t mt = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_dev != q->dev || (uint64_t)st.st_ino != q->ino ||
        (uint64_t)st.st_size != q->size || mt != q->mtime_ns || st.st_size == 0) {
        close(fd);
        *changed = true;
        return NULL;
    }
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        set_err(err, "cannot map the file: %s", strerror(errno));
        return NULL;
    }
    *len = (size_t)st.st_size;
    if (ebook_wire_sample(m, *len) != q->sample) {
        munmap(m, *len);
        *changed = true;
        return NULL;
    }
    return m;
}

/* Answer one request; false when the door is gone. */
static bool serve(const struct ebook_wire_req *q)
{
    struct wire_sink s = {wire_fd_put, &out};
    struct ebook eb;
    memset(&eb, 0, sizeof eb);
    char *err = NULL;
    size_t total = 0;
    bool ok;
    if (test_hook("QUIRE_TEST_CONVERT_DIE", q->name))
        raise(SIGKILL);
    if (test_hook("QUIRE_TEST_CONVERT_GARBAGE", q->name)) {
        static const char junk[] = "QRP1\001garbage, not an ebook";
        return s.put(s.ctx, junk, sizeof junk - 1) && wire_fd_flush(&out);
    }
    if (q->op == EBOOK_WIRE_READ_FILE) {
        ok = ebook_read_file(q->path, (enum ebook_format)q->format, &eb, &err);
    } else {
        const void *bytes = q->bytes;
        size_t n = q->n;
        void *map = NULL;
        if (q->path) {
            bool changed = false;
            map = map_described(q, &n, &changed, &err);
            if (!map) {
                bool sent = changed ? ebook_wire_put_reply(&s, EBOOK_WIRE_CHANGED, NULL, 0, NULL)
                                    : ebook_wire_put_reply(&s, EBOOK_WIRE_ERROR, NULL, 0, err);
                free(err);
                return sent && wire_fd_flush(&out);
            }
            bytes = map;
        }
        if (q->op == EBOOK_WIRE_READ_HEAD)
            ok = ebook_read_bytes_head(q->name, (enum ebook_format)q->format, bytes, n,
                                       (size_t)q->head, &eb, &total, &err);
        else
            ok = ebook_read_bytes(q->name, (enum ebook_format)q->format, bytes, n, &eb, &err);
        if (map)
            munmap(map, n);
    }
    bool sent = ok ? ebook_wire_put_reply(&s, EBOOK_WIRE_OK, &eb, total, NULL)
                   : ebook_wire_put_reply(&s, EBOOK_WIRE_ERROR, NULL, 0,
                                          err ? err : "cannot be read");
    ebook_free(&eb);
    free(err);
    return sent && wire_fd_flush(&out);
}

/* The environment with its TZ entry moved to the front (the rest in
 * their order), so that getenv("TZ") finds it at once. */
static void tz_first(void)
{
    size_t n = 0, tz = 0;
    while (environ[n]) {
        if (strncmp(environ[n], "TZ=", 3) == 0 && !tz)
            tz = n + 1;
        n++;
    }
    if (tz <= 1)
        return;
    char **e = malloc((n + 1) * sizeof *e);   /* kept: the environment */
    if (!e)
        return;
    e[0] = environ[tz - 1];
    for (size_t i = 0, k = 1; i < n; i++)
        if (i != tz - 1)
            e[k++] = environ[i];
    e[n] = NULL;
    environ = e;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("quire-convert %s (ebook version %d, wire version %d)\n", QUIRE_VERSION,
               EBOOK_VERSION, EBOOK_WIRE_VERSION);
        return 0;
    }
    if (argc != 2 || strcmp(argv[1], "--serve") != 0) {
        fprintf(stderr, "quire-convert: the EPUB/HTML converter of quire, started by quire "
                        "itself (quire-convert --serve); not for use by hand\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    /* libarchive turns every zip entry's DOS time into a time_t with
     * mktime, which without TZ stats /etc/localtime each time (3,242
     * times for a long EPUB); nothing here shows a local time.  "UTC"
     * names a tzfile (read once; glibc tries one for any TZ), which
     * mktime computes from faster than from a POSIX rule such as "UTC0";
     * without the file it is UTC all the same.  TZ goes first in the
     * environment: each mktime looks it up with getenv, which walks the
     * environment to it (6,484 walks at 3,242 entries). */
    setenv("TZ", "UTC", 1);
    tz_first();
    set_limits();
    const char *log = getenv("QUIRE_TEST_CONVERTER_LOG");
    if (log && *log) {
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        self[n > 0 ? n : 0] = '\0';
        FILE *f = fopen(log, "a");
        if (f) {
            fprintf(f, "start %ld %s\n", (long)getpid(), self);
            fclose(f);
        }
    }
    struct wire_sink s = {wire_fd_put, &out};
    if (!ebook_wire_put_hello(&s) || !wire_fd_flush(&out))
        return 1;
    struct wire_source src = {wire_fd_get, &in};
    for (;;) {
        struct ebook_wire_req q;
        char *err = NULL;
        if (!ebook_wire_get_request(&src, &q, &err)) {
            if (!err)
                return 0;   /* the door closed: done */
            ebook_wire_put_reply(&s, EBOOK_WIRE_ERROR, NULL, 0, err);
            wire_fd_flush(&out);
            free(err);
            return 1;   /* the stream is lost: the door starts another */
        }
        cpu_limit_from_now();
        bool alive = serve(&q);
        ebook_wire_req_free(&q);
        if (!alive)
            return 0;
    }
}
