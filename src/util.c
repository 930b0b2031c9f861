/* util.c — allocation, buffers, errors, files.  See util.h. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void oom(void)
{
    fputs("quire: out of memory\n", stderr);
    exit(1);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    if (n == 0) {
        free(p);
        return NULL;
    }
    p = realloc(p, n);
    if (!p)
        oom();
    return p;
}

void *xreallocarray(void *p, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        oom();
    size_t total = count * size;
    return xrealloc(p, total ? total : 1);
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *s = xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

void xgrow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            oom();
        n *= 2;
    }
    *arr = xreallocarray(*arr, n, size);
    *cap = n;
}

void buf_add(struct buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap;
        char *d = b->data;
        xgrow((void **)&d, &cap, b->len + n + 1, 1);
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
    buf_add(b, &c, 1);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    buf_adds(b, s);
    free(s);
}

void buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void set_err(char **err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    free(*err);
    *err = xvasprintf(fmt, ap);
    va_end(ap);
}

void warnx_q(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("quire: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

void hex16(uint64_t h, char out[17])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        out[i] = digits[h & 15];
        h >>= 4;
    }
    out[16] = '\0';
}

int natcmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            while (*a == '0' && isdigit((unsigned char)a[1]))
                a++;
            while (*b == '0' && isdigit((unsigned char)b[1]))
                b++;
            size_t na = 0, nb = 0;
            while (isdigit((unsigned char)a[na]))
                na++;
            while (isdigit((unsigned char)b[nb]))
                nb++;
            if (na != nb)
                return na < nb ? -1 : 1;
            int c = memcmp(a, b, na);
            if (c)
                return c < 0 ? -1 : 1;
            a += na;
            b += nb;
            continue;
        }
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca != cb)
            return ca < cb ? -1 : 1;
        a++;
        b++;
    }
    if (*a || *b)
        return *a ? 1 : -1;
    return 0;
}

static _Atomic bool warn_quiet_flag;

void warn_set_quiet(bool quiet)
{
    warn_quiet_flag = quiet;
}

bool warn_is_quiet(void)
{
    return warn_quiet_flag;
}

int open_regular(const char *path, size_t max, struct stat *st, const char **why)
{
    /* O_NONBLOCK: opening a FIFO for reading returns at once instead of
     * waiting for a writer (it changes nothing for a regular file). */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        *why = strerror(errno);
        return -1;
    }
    int e = 0;
    if (fstat(fd, st) != 0) {
        e = errno;
        *why = strerror(e);
    } else if (S_ISDIR(st->st_mode)) {
        e = EISDIR;
        *why = strerror(e);
    } else if (!S_ISREG(st->st_mode)) {
        static const char *const what[] = {
            "not a regular file but a FIFO", "not a regular file but a character device",
            "not a regular file but a block device", "not a regular file but a socket",
            "not a regular file"};
        e = ENODEV;
        *why = S_ISFIFO(st->st_mode) ? what[0] : S_ISCHR(st->st_mode) ? what[1]
             : S_ISBLK(st->st_mode) ? what[2] : S_ISSOCK(st->st_mode) ? what[3] : what[4];
    } else if ((uintmax_t)st->st_size > max) {
        e = EFBIG;
        *why = "too large";
    }
    if (e) {
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

char *read_file_max(const char *path, size_t max, size_t *len, char **err)
{
    struct stat st;
    const char *why;
    int fd = open_regular(path, max, &st, &why);
    if (fd < 0) {
        int e = errno;
        if (e == EFBIG)
            set_err(err, "%s: larger than %zu bytes", path, max);
        else
            set_err(err, "%s: %s", path, why);
        errno = e;
        return NULL;
    }
    struct buf b = {0};
    buf_add(&b, "", 0);
    char tmp[65536];
    for (;;) {
        /* Never more than max bytes, even from a file growing meanwhile. */
        size_t want = max - b.len < sizeof tmp ? max - b.len + 1 : sizeof tmp;
        ssize_t n = read(fd, tmp, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || b.len + (size_t)n > max) {
            int e = n < 0 ? errno : EFBIG;
            if (n < 0)
                set_err(err, "%s: %s", path, strerror(e));
            else
                set_err(err, "%s: larger than %zu bytes", path, max);
            close(fd);
            buf_free(&b);
            errno = e;
            return NULL;
        }
        if (n == 0)
            break;
        buf_add(&b, tmp, (size_t)n);
    }
    close(fd);
    *len = b.len;
    return b.data;
}

char *read_file(const char *path, size_t *len, char **err)
{
    return read_file_max(path, READ_FILE_MAX, len, err);
}

int write_file_atomic(const char *path, const void *data, size_t len, char **err)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        set_err(err, "%s: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    const char *p = data;
    size_t left = len;
    while (left) {
        ssize_t n = write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        p += n;
        left -= (size_t)n;
    }
    if (fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        goto fail;
    free(tmp);
    /* Make the rename itself durable. */
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    else
        strcpy(dir, ".");
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    free(dir);
    return 0;
fail:
    set_err(err, "%s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    return -1;
}

char *link_target(const char *path, char **err)
{
    char *cur = xstrdup(path);
    for (int hops = 0; hops < 40; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            return cur;   /* not a link (or nothing there yet): the file itself */
        size_t cap = (size_t)st.st_size + 1 > 256 ? (size_t)st.st_size + 1 : 256;
        char *to = NULL;
        ssize_t n;
        for (;;) {
            to = xrealloc(to, cap);
            n = readlink(cur, to, cap);
            if (n < 0 || (size_t)n < cap)
                break;
            cap *= 2;   /* the link grew meanwhile */
        }
        if (n < 0) {
            set_err(err, "%s: %s", cur, strerror(errno));
            free(to);
            free(cur);
            return NULL;
        }
        to[n] = '\0';
        if (to[0] != '/') {
            /* Relative to the folder the link is in. */
            const char *slash = strrchr(cur, '/');
            if (slash) {
                char *abs = xasprintf("%.*s/%s", (int)(slash - cur), cur, to);
                free(to);
                to = abs;
            }
        }
        free(cur);
        cur = to;
    }
    set_err(err, "%s: %s", path, strerror(ELOOP));
    free(cur);
    return NULL;
}

int mkdir_p(const char *path, char **err)
{
    char *p = xstrdup(path);
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0700) != 0 && errno != EEXIST) {
                set_err(err, "%s: %s", p, strerror(errno));
                free(p);
                return -1;
            }
            *s = c;
            if (!c)
                break;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        set_err(err, "%s: %s", path, "not a folder");
        free(p);
        return -1;
    }
    free(p);
    return 0;
}

/* The config's `state_dir =` (xdg_set_dir), or NULL. */
static char *state_dir_set;

void xdg_set_dir(const char *kind, const char *dir)
{
    if (strcmp(kind, "STATE") != 0)
        return;
    free(state_dir_set);
    state_dir_set = dir ? xstrdup(dir) : NULL;
}

char *xdg_dir(const char *kind)
{
    if (state_dir_set && strcmp(kind, "STATE") == 0)
        return xstrdup(state_dir_set);
    char var[32];
    snprintf(var, sizeof var, "XDG_%s_HOME", kind);
    const char *v = getenv(var);
    if (v && v[0] == '/')
        return xasprintf("%s/quire", v);
    const char *home = getenv("HOME");
    if (!home || !*home)
        return NULL;
    const char *sub = strcmp(kind, "STATE") == 0 ? ".local/state"
                    : strcmp(kind, "CONFIG") == 0 ? ".config"
                    : ".cache";
    return xasprintf("%s/%s/quire", home, sub);
}

int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool token_ok(const char *s, size_t n, size_t max)
{
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || c == '\\')
            return false;
    }
    return true;
}

size_t sorted_find(const void *base, size_t n, size_t size, size_t off, const char *key,
                   bool *found)
{
    const char *b = base;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(b + mid * size + off, key);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}
