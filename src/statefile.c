/* statefile.c — what the state folder's files share for syncing: the
 * device id, conflict copies' names, locks, keeping bad files aside, clock
 * skew, and the load/repair flow of the stores' files.  See statefile.h;
 * docs/FORMATS.md ("Sync") has the why. */
#include "statefile.h"
#include "diag.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEVICE_MAGIC "quire-device 1\n"
#define DEVICE_MAX   256     /* bytes of a device file read */

/* ---- the device id ------------------------------------------------------- */

/* What names this machine: /etc/machine-id's first line, else the host
 * name, else "" (malloc'd). */
static char *machine_name(void)
{
    size_t len = 0;
    char *err = NULL;
    char *id = read_file_max("/etc/machine-id", 256, &len, &err);
    free(err);
    if (id) {
        id[strcspn(id, "\n")] = '\0';
        if (id[0])
            return id;
        free(id);
    }
    char host[HOST_NAME_MAX + 1] = "";
    if (gethostname(host, sizeof host) != 0)
        host[0] = '\0';
    host[sizeof host - 1] = '\0';
    return xstrdup(host);
}

/* DIR/device-KEY (malloc'd). */
static char *device_path(const char *dir)
{
    char *machine = machine_name();
    char *real = realpath(dir, NULL);
    const char *where = real ? real : dir;
    uint64_t h = fnv1a(FNV_OFFSET, "quire-device", 13);
    h = fnv1a(h, machine, strlen(machine) + 1);
    h = fnv1a(h, where, strlen(where) + 1);
    char key[17];
    hex16(h, key);
    free(machine);
    free(real);
    return xasprintf("%s/device-%s", dir, key);
}

/* The id in a device file's bytes into out; false when it has none. */
static bool device_parse(const char *data, size_t len, char *out)
{
    size_t ml = strlen(DEVICE_MAGIC);
    if (len < ml + STATEFILE_DEVICE_LEN + 1 || memcmp(data, DEVICE_MAGIC, ml) != 0 ||
        data[ml + STATEFILE_DEVICE_LEN] != '\n')
        return false;
    for (size_t i = 0; i < STATEFILE_DEVICE_LEN; i++) {
        char c = data[ml + i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    memcpy(out, data + ml, STATEFILE_DEVICE_LEN);
    out[STATEFILE_DEVICE_LEN] = '\0';
    return true;
}

static bool device_read(const char *path, char *out)
{
    size_t len = 0;
    char *err = NULL;
    char *data = read_file_max(path, DEVICE_MAX, &len, &err);
    free(err);
    bool ok = data && device_parse(data, len, out);
    free(data);
    return ok;
}

/* 64 random bits: getrandom, else /dev/urandom, else the clock and pid. */
static uint64_t random64(void)
{
    uint64_t v = 0;
    if (getrandom(&v, sizeof v, 0) == (ssize_t)sizeof v)
        return v;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, &v, sizeof v);
        close(fd);
        if (n == (ssize_t)sizeof v)
            return v;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t seed[3] = {(uint64_t)ts.tv_sec, (uint64_t)ts.tv_nsec, (uint64_t)getpid()};
    return fnv1a(FNV_OFFSET, seed, sizeof seed);
}

bool statefile_device(const char *dir, bool create, char *out, char **err)
{
    out[0] = '\0';
    if (!dir)
        return false;
    char *path = device_path(dir);
    if (device_read(path, out) || !create) {
        free(path);
        return out[0] != '\0';
    }
    if (mkdir_p(dir, err) != 0) {
        free(path);
        return false;
    }
    char id[17];
    hex16(random64(), id);
    char *data = xasprintf("%s%s\n", DEVICE_MAGIC, id);
    /* Written whole under a temporary name, then linked to its name: the
     * first of two processes making one at once wins, and both use it.  A
     * file there that holds no id (cut short, edited) is replaced. */
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    bool ok = false;
    if (write_file_atomic(tmp, data, strlen(data), err) == 0) {
        if (link(tmp, path) == 0)
            ok = true;
        else if (errno == EEXIST && device_read(path, out))
            ok = true;
        else if (errno == EEXIST)
            ok = rename(tmp, path) == 0;
        if (!ok && !out[0])
            set_err(err, "%s: %s", path, strerror(errno));
        unlink(tmp);
    }
    if (ok && !out[0])
        memcpy(out, id, sizeof id);
    free(tmp);
    free(data);
    free(path);
    return ok;
}

/* ---- conflict copies ----------------------------------------------------- */

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool statefile_is_conflict(const char *name, const char *base)
{
    size_t bl = strlen(base);
    static const char tag[] = ".sync-conflict-";
    size_t tl = sizeof tag - 1;
    if (strncmp(name, base, bl) != 0 || strncmp(name + bl, tag, tl) != 0)
        return false;
    const char *s = name + bl + tl;   /* YYYYMMDD-HHMMSS[-DEVICE] */
    if (strlen(s) < 15 || !digits(s, 8) || s[8] != '-' || !digits(s + 9, 6))
        return false;
    s += 15;
    if (*s == '\0')
        return true;
    if (*s++ != '-' || *s == '\0')
        return false;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
            return false;
    return true;
}

/* ---- locks and bad files ------------------------------------------------- */

/* DIR/NAME.lock opened (folder and file made) and flock'd with `op`:
 * the fd, or -1 with *err (*busy when LOCK_NB found it held). */
static int lock_take(const char *dir, const char *name, int op, bool *busy, char **err)
{
    if (busy)
        *busy = false;
    if (mkdir_p(dir, err) != 0)
        return -1;
    char *lp = xasprintf("%s/%s.lock", dir, name);
    int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        set_err(err, "%s: %s", lp, strerror(errno));
        free(lp);
        return -1;
    }
    while (flock(fd, op) != 0) {
        if (errno != EINTR) {
            if (errno == EWOULDBLOCK && busy)
                *busy = true;
            else
                set_err(err, "%s: %s", lp, strerror(errno));
            close(fd);
            free(lp);
            return -1;
        }
    }
    free(lp);
    return fd;
}

int statefile_lock(const char *dir, const char *name, char **err)
{
    return lock_take(dir, name, LOCK_EX, NULL, err);
}

int statefile_lock_try(const char *dir, const char *name, bool *busy, char **err)
{
    return lock_take(dir, name, LOCK_EX | LOCK_NB, busy, err);
}

void statefile_clean_temps(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    size_t pl = strlen(prefix);
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, pl) != 0)
            continue;
        char *p = xasprintf("%s/%s", dir, e->d_name);
        unlink(p);
        free(p);
    }
    closedir(d);
}

/* Candidate n (from 0) of a kept-aside name for `path` (malloc'd). */
static char *bad_name(const char *path, int n)
{
    time_t now = time(NULL);
    struct tm tm;
    char stamp[32] = "0";
    if (localtime_r(&now, &tm))
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    return n ? xasprintf("%s.bad-%s-%d", path, stamp, n + 1)
             : xasprintf("%s.bad-%s", path, stamp);
}

/* Write data to a new file `to` (O_EXCL), fsynced.  0, or an errno. */
static int write_new(const char *to, const char *data, size_t len)
{
    int fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return errno;
    size_t done = 0;
    while (done < len) {
        ssize_t k = write(fd, data + done, len - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        done += (size_t)k;
    }
    int e = done < len ? (errno ? errno : EIO) : fsync(fd) != 0 ? errno : 0;
    close(fd);
    if (e)
        unlink(to);
    return e;
}

char *statefile_keep_aside(const char *path, const char *as, const char *data, size_t len,
                           char **err)
{
    for (int n = 0; n < 1000; n++) {
        char *to = bad_name(as ? as : path, n);
        int e;
        if (data) {
            e = write_new(to, data, len);
        } else if (renameat2(AT_FDCWD, path, AT_FDCWD, to, RENAME_NOREPLACE) == 0) {
            e = 0;
        } else {
            e = errno;
            if (e == EINVAL || e == ENOSYS || e == ENOTSUP) {
                /* The file system cannot rename without replacing. */
                e = link(path, to) == 0 ? 0 : errno;
                if (e == 0)
                    unlink(path);
            }
        }
        if (e == 0)
            return to;
        free(to);
        if (e != EEXIST) {
            set_err(err, "%s", strerror(e));
            return NULL;
        }
    }
    set_err(err, "too many kept copies");
    return NULL;
}

/* ---- reading a state file, repairing it ---------------------------------- */

void statefile_warn(const struct statefile_say *say, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = xvasprintf(fmt, ap);
    va_end(ap);
    struct diag_sink sink = {.stream = say->quiet ? NULL : stderr};
    diag_report(&sink, DIAG_WARNING, "%s", m);
    free(*say->warning);
    *say->warning = m;
}

void statefile_warn_write(const struct statefile_say *say, const char *what,
                          const char *not_saved)
{
    if (!say->warned || !*say->warned)
        statefile_warn(say, "%s; %s", what, not_saved);
    if (say->warned)
        *say->warned = true;
}

/* A file the store must not write: said, and the store read-only. */
static int refuse(const struct statefile_say *say)
{
    if (say->readonly)
        *say->readonly = true;
    return -1;
}

/* The file could not be read whole (c->why): moved aside when the lock is
 * held, else left and said. */
static int load_unreadable(const struct statefile_kind *k, const char *path, const char *why,
                           enum statefile_hold hold, const char *lockerr,
                           const struct statefile_say *say, bool *repair)
{
    const char *sp = k->name ? " " : "", *name = k->name ? k->name : "";
    if (hold == STATEFILE_PROBE) {
        *repair = true;
        return 0;
    }
    char *err = NULL;
    char *to = hold == STATEFILE_HELD ? statefile_keep_aside(path, NULL, NULL, 0, &err) : NULL;
    int ret = 0;
    if (to) {
        statefile_warn(say, "%s: unreadable%s%s, kept as %s", path, sp, name, to);
    } else {
        statefile_warn(say, "%s: unreadable%s%s (%s), left in place (%s); %s", path, sp, name,
                       why ? why : "not this kind of file", lockerr ? lockerr : err,
                       k->not_saved);
        ret = refuse(say);
    }
    free(to);
    free(err);
    return ret;
}

/* The file was read but c->bad lines were skipped: a copy of it kept aside
 * when the lock is held (*rewrite: write it clean), else left and said. */
static int load_some_bad(const struct statefile_kind *k, const char *path, const char *data,
                         size_t len, const struct statefile_check *c, enum statefile_hold hold,
                         const char *lockerr, const struct statefile_say *say, bool *rewrite,
                         bool *repair)
{
    if (hold == STATEFILE_PROBE) {
        *repair = true;
        return 0;
    }
    const char *s = c->bad == 1 ? "" : "s";
    char *err = NULL;
    char *to = hold == STATEFILE_HELD ? statefile_keep_aside(path, NULL, data, len, &err) : NULL;
    int ret = 0;
    if (to) {
        statefile_warn(say, "%s:%zu: %zu unreadable line%s skipped, whole file kept as %s", path,
                       c->first_bad, c->bad, s, to);
        *rewrite = true;
    } else {
        statefile_warn(say, "%s:%zu: %zu unreadable line%s skipped, file left as it is (%s); %s",
                       path, c->first_bad, c->bad, s, lockerr ? lockerr : err, k->not_saved);
        ret = refuse(say);
    }
    free(to);
    free(err);
    return ret;
}

int statefile_load(const struct statefile_kind *k, const char *path, void *into,
                   enum statefile_hold hold, const char *lockerr,
                   const struct statefile_say *say, bool *rewrite, bool *repair)
{
    *rewrite = *repair = false;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;   /* no file (or no folder) yet */
        statefile_warn(say, "%s: %s; %s", path, strerror(errno), k->not_saved);
        return refuse(say);
    }
    char *err = NULL;
    size_t len = 0;
    char *data = NULL;
    /* Anything but a regular file (a FIFO, /dev/zero) is refused by
     * read_file_max without waiting or reading: never replaced either. */
    if (!S_ISREG(sb.st_mode) || (uintmax_t)sb.st_size <= k->max) {
        data = read_file_max(path, k->max, &len, &err);
        if (!data && errno != EFBIG) {
            statefile_warn(say, "%s; %s", err, k->not_saved);
            free(err);
            return refuse(say);
        }
        free(err);
    }
    struct statefile_check c = {.status = STATEFILE_UNREADABLE, .why = "too big"};
    if (data)
        k->parse(into, data, len, &c);
    int ret = 0;
    switch (c.status) {
    case STATEFILE_OK:
        break;
    case STATEFILE_NEWER:
        k->clear(into);
        statefile_warn(say, "%s: written by a newer quire (format %lu); %s", path, c.version,
                       k->not_saved);
        ret = refuse(say);
        break;
    case STATEFILE_UNREADABLE:
        k->clear(into);
        ret = load_unreadable(k, path, c.why, hold, lockerr, say, repair);
        break;
    case STATEFILE_SOME_BAD:
        ret = load_some_bad(k, path, data, len, &c, hold, lockerr, say, rewrite, repair);
        break;
    }
    free(data);
    return ret;
}

void statefile_open(const struct statefile_kind *k, const char *dir, const char *lockname,
                    const char *tmp_prefix, const char *path, void *into,
                    const struct statefile_say *say)
{
    bool rewrite, repair;
    if (statefile_load(k, path, into, STATEFILE_PROBE, NULL, say, &rewrite, &repair) != 0 ||
        !repair)
        return;
    k->clear(into);
    char *err = NULL;
    int lk = statefile_lock(dir, lockname, &err);
    if (lk < 0) {
        /* Cannot repair: keep what can be read, never replace the file. */
        statefile_load(k, path, into, STATEFILE_REFUSED, err, say, &rewrite, &repair);
        free(err);
        return;
    }
    statefile_clean_temps(dir, tmp_prefix);
    if (statefile_load(k, path, into, STATEFILE_HELD, NULL, say, &rewrite, &repair) == 0 &&
        rewrite && k->format) {
        size_t len;
        char *data = k->format(into, &len);
        char *to = link_target(path, &err);
        if (!to || write_file_atomic(to, data, len, &err) != 0)
            statefile_warn_write(say, err ? err : path, k->not_saved);
        free(to);
        free(data);
    }
    close(lk);
    free(err);
}

void statefile_block_stops(sigset_t *old)
{
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTSTP);
    sigaddset(&stop, SIGTTIN);
    sigaddset(&stop, SIGTTOU);
    sigprocmask(SIG_BLOCK, &stop, old);
}

/* ---- merge order and clock skew -------------------------------------------- */

int statefile_newer(time_t a, const char *da, time_t b, const char *db)
{
    if (a != b)
        return a > b ? 1 : -1;
    int c = strcmp(da, db);
    return c > 0 ? 1 : c < 0 ? -1 : 0;
}

time_t statefile_clamp_when(time_t when, time_t now)
{
    if (now < STATEFILE_CLOCK_FLOOR)
        return when;
    return when > now && when - now > STATEFILE_SKEW ? now : when;
}
