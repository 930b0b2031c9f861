/* ptytime — time what a terminal program shows, as a reader would see it.
 *
 * Runs a command on a pseudo-terminal of a fixed size and follows a script
 * of steps given as arguments before `--`:
 *
 *   wait:TEXT     wait until TEXT appears in the output (since the last
 *                 step) and print the milliseconds it took
 *   send:KEYS     write KEYS to the program (\r \e \n escapes understood)
 *   resize:CxR    set the window size and send SIGWINCH (the clock restarts)
 *   mem           print the program's anonymous and resident memory (KiB)
 *                 from /proc/PID/smaps_rollup, and its peak resident
 *                 memory (VmHWM of /proc/PID/status)
 *   cpu           print the program's CPU time so far (ms; from
 *                 /proc/PID/schedstat, else user+system clock ticks),
 *                 its running children's included (quire's EPUB/HTML
 *                 converter is a process of its own: its work counts).
 *                 The program is stopped (SIGSTOP) while it is read and
 *                 then continued: the CPU time of a thread that is running
 *                 moves only at the scheduler's tick or when it stops
 *                 running (every 4 ms at HZ=250), so a program still busy
 *                 after its frame, as quire and less both are, read up
 *                 to a tick low
 *   faults        print the program's page faults so far, minor and major,
 *                 every thread's (from /proc/PID/stat)
 *   exit          wait until the program has ended (its process reaped)
 *                 and print the milliseconds it took since the last step
 *                 that restarted the clock (a send: `q` to the end)
 *
 * Output: one line per timed step, "STEP VALUE", for scripts/bench.sh.
 * Exit status 1 when a wait times out (10 s) or the program dies early.
 *
 *   ptytime -s 80x24 wait:Chapter send:G wait:End mem send:q -- ./quire f.txt
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char out[1 << 22];
static size_t out_len, mark;
static int master = -1;
static pid_t child;
static bool reaped;   /* the cpu step's waitpid found the program gone */

/* Read whatever is available within `ms`; returns 0 on EOF/error. */
static int pump(int ms)
{
    struct pollfd p = {.fd = master, .events = POLLIN};
    if (poll(&p, 1, ms) <= 0)
        return 1;
    char buf[65536];
    ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0)
        return 0;
    if (out_len + (size_t)n > sizeof out) {   /* keep the tail */
        size_t keep = sizeof out / 2;
        size_t drop = out_len - keep;
        memmove(out, out + drop, keep);
        out_len = keep;
        mark = mark > drop ? mark - drop : 0;
    }
    memcpy(out + out_len, buf, (size_t)n);
    out_len += (size_t)n;
    return 1;
}

static void unescape(const char *s, char *d, size_t *n)
{
    size_t k = 0;
    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            *d++ = *s == 'r' ? '\r' : *s == 'n' ? '\n' : *s == 'e' ? 27 : *s == 't' ? '\t' : *s;
        } else {
            *d++ = *s;
        }
        k++;
    }
    *n = k;
}

/* Nanoseconds on a CPU of process `pid`'s main thread (its schedstat),
 * or -1. */
static long long sched_ns(long pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/schedstat", pid);
    FILE *f = fopen(path, "r");
    unsigned long long ns = 0;
    int got = f && fscanf(f, "%llu", &ns) == 1;
    if (f)
        fclose(f);
    return got ? (long long)ns : -1;
}

/* Nanoseconds on a CPU of the running children of `pid` (any of its
 * threads' children: /proc/PID/task/TID/children), each one's main
 * thread. */
static long long children_ns(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return 0;
    long long sum = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char cpath[320];
        snprintf(cpath, sizeof cpath, "/proc/%d/task/%s/children", (int)pid, e->d_name);
        FILE *f = fopen(cpath, "r");
        long c;
        while (f && fscanf(f, "%ld", &c) == 1) {
            long long ns = sched_ns(c);
            if (ns > 0)
                sum += ns;
        }
        if (f)
            fclose(f);
    }
    closedir(d);
    return sum;
}

static void proc_field(const char *file, const char *key, char *val, size_t vn)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)child, file);
    FILE *f = fopen(path, "r");
    val[0] = '\0';
    if (!f)
        return;
    char line[256];
    size_t kl = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, kl) == 0) {
            snprintf(val, vn, "%ld", strtol(line + kl, NULL, 10));
            break;
        }
    fclose(f);
}

/* The fields of /proc/PID/stat after the command's name (from the
 * state on), read into buf; NULL when it cannot be read. */
static const char *stat_fields(pid_t pid, char *buf, size_t n)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    const char *p = f && fgets(buf, (int)n, f) ? strrchr(buf, ')') : NULL;
    if (f)
        fclose(f);
    return p ? p + 2 : NULL;
}

int main(int argc, char **argv)
{
    int cols = 80, rows = 24, i;
    int first_step = 1;
    if (argc > 2 && strcmp(argv[1], "-s") == 0) {
        if (sscanf(argv[2], "%dx%d", &cols, &rows) != 2)
            return 2;
        first_step = 3;
    }
    int dash = -1;
    for (i = first_step; i < argc; i++)
        if (strcmp(argv[i], "--") == 0) {
            dash = i;
            break;
        }
    if (dash < 0 || dash + 1 >= argc) {
        fprintf(stderr, "usage: ptytime [-s COLSxROWS] STEP... -- COMMAND [ARG...]\n");
        return 2;
    }
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    double t0 = now_ms();
    child = forkpty(&master, NULL, NULL, &ws);
    if (child < 0) {
        perror("forkpty");
        return 1;
    }
    if (child == 0) {
        setenv("TERM", getenv("PTYTIME_TERM") ? getenv("PTYTIME_TERM") : "xterm-256color", 1);
        unsetenv("LINES");
        unsetenv("COLUMNS");
        execvp(argv[dash + 1], argv + dash + 1);
        _exit(127);
    }
    int status = 0;
    for (i = first_step; i < dash; i++) {
        const char *st = argv[i];
        if (strncmp(st, "wait:", 5) == 0) {
            const char *want = st + 5;
            for (;;) {
                if (memmem(out + mark, out_len - mark, want, strlen(want))) {
                    printf("%s %.2f\n", st, now_ms() - t0);
                    mark = out_len;
                    break;
                }
                if (now_ms() - t0 > 10000 || !pump(50)) {
                    fprintf(stderr, "ptytime: timed out at %s\n", st);
                    status = 1;
                    goto done;
                }
            }
        } else if (strncmp(st, "send:", 5) == 0) {
            char keys[256];
            size_t n;
            if (strlen(st + 5) >= sizeof keys)
                return 2;
            unescape(st + 5, keys, &n);
            while (pump(0) && out_len > mark) {
                /* drain what is pending so the next wait sees only new output */
                struct pollfd p = {.fd = master, .events = POLLIN};
                if (poll(&p, 1, 0) <= 0)
                    break;
            }
            mark = out_len;
            if (write(master, keys, n) != (ssize_t)n)
                status = 1;
            t0 = now_ms();
        } else if (strncmp(st, "resize:", 7) == 0) {
            if (sscanf(st + 7, "%dx%d", &cols, &rows) != 2)
                return 2;
            ws.ws_col = (unsigned short)cols;
            ws.ws_row = (unsigned short)rows;
            mark = out_len;
            t0 = now_ms();
            ioctl(master, TIOCSWINSZ, &ws);
            kill(child, SIGWINCH);
        } else if (strcmp(st, "faults") == 0) {
            char buf[1024];
            const char *p = stat_fields(child, buf, sizeof buf);
            unsigned long mn = 0, mj = 0;
            if (p && sscanf(p, "%*c %*d %*d %*d %*d %*d %*u %lu %*u %lu", &mn, &mj) == 2)
                printf("faults %lu %lu\n", mn, mj);
        } else if (strcmp(st, "exit") == 0) {
            /* keep reading its output (it may block on a full terminal) */
            while (!reaped) {
                if (waitpid(child, NULL, WNOHANG) == child) {
                    reaped = true;
                    break;
                }
                if (now_ms() - t0 > 10000) {
                    fprintf(stderr, "ptytime: timed out at exit\n");
                    status = 1;
                    goto done;
                }
                if (!pump(1))
                    usleep(200);   /* the terminal closed: the process is ending */
            }
            printf("exit %.2f\n", now_ms() - t0);
        } else if (strcmp(st, "mem") == 0) {
            char anon[32], rss[32], hwm[32];
            proc_field("smaps_rollup", "Anonymous:", anon, sizeof anon);
            proc_field("smaps_rollup", "Rss:", rss, sizeof rss);
            proc_field("status", "VmHWM:", hwm, sizeof hwm);
            printf("mem anon_kib=%s rss_kib=%s hwm_kib=%s\n", anon, rss, hwm);
        } else if (strcmp(st, "cpu") == 0) {
            char buf[1024];
            /* schedstat: nanoseconds on a CPU (exact); stat: clock ticks */
            /* stopped, its threads' times are brought up to date */
            int wst = 0;
            bool stopped = false;
            if (!reaped && kill(child, SIGSTOP) == 0 && waitpid(child, &wst, WUNTRACED) == child) {
                stopped = WIFSTOPPED(wst);
                reaped = !stopped;   /* it had ended: reaped now, not waited for again */
            }
            long long ns = sched_ns((long)child);
            long long cns = children_ns(child);
            if (stopped)
                kill(child, SIGCONT);
            if (ns >= 0) {
                printf("cpu %.2f\n", (double)(ns + cns) / 1e6);
                fflush(stdout);
                continue;
            }
            const char *p = stat_fields(child, buf, sizeof buf);
            unsigned long ut = 0, stime = 0;
            if (p && sscanf(p, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &stime) == 2)
                printf("cpu %.1f\n", (ut + stime) * 1000.0 / sysconf(_SC_CLK_TCK));
        } else {
            fprintf(stderr, "ptytime: unknown step %s\n", st);
            return 2;
        }
        fflush(stdout);
    }
done:
    /* Give the program a moment to quit by itself, then make sure. */
    for (i = 0; i < 40 && !reaped; i++) {
        pump(25);
        if (waitpid(child, NULL, WNOHANG) == child)
            return status;
    }
    if (reaped)
        return status;
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    return status;
}
