/* standalone.c — a main() for the fuzz targets where libFuzzer is missing.
 *
 *   fuzz_X [-runs=N] [-max_total_time=S] [-seed=N] [-artifact_prefix=P]
 *          [-max_len=B] [-timeout=T] DIR|FILE...
 *
 * Feeds every file (folders: the regular files in them, not recursive) to
 * LLVMFuzzerTestOneInput as it is, then random mutations of them (byte
 * flips, inserts, deletions, splices, truncations, and now and then a slice
 * repeated into a run of up to 32 KiB, as pathological inputs are) until N
 * runs or S seconds are used (default: 1000 mutations).  As with libFuzzer,
 * files longer than B bytes are cut to B and no mutation is longer than B
 * (default: no limit).  tests/fuzz/run.sh adds large generated inputs.
 * Built with ASan+UBSan: a bug ends the process with the sanitizer's report,
 * and the input that did it is written to P"crash" first; an input that
 * runs longer than T seconds (default: no limit) is written to P"timeout"
 * and ends the process with status 1.  Other libFuzzer options are accepted
 * and ignored. */
#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>

#include "fuzz.h"

/* Optional in a target, as with libFuzzer. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

struct input {
    unsigned char *data;
    size_t len;
};

static struct input *inputs;
static size_t n_inputs, cap_inputs;
static const unsigned char *cur_data;
static size_t cur_len;
static const char *artifact_prefix = "";
static size_t max_len = SIZE_MAX;   /* bytes */
static unsigned timeout_s;          /* seconds per input; 0: none */

static void add_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap);
            if (!buf)
                abort();
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        if (got == 0)
            break;
        len += got;
        if (len >= max_len)
            break;
    }
    fclose(f);
    if (len > max_len)
        len = max_len;
    if (n_inputs == cap_inputs) {
        cap_inputs = cap_inputs ? cap_inputs * 2 : 64;
        inputs = realloc(inputs, cap_inputs * sizeof *inputs);
        if (!inputs)
            abort();
    }
    inputs[n_inputs].data = buf;
    inputs[n_inputs].len = len;
    n_inputs++;
}

static void add_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        add_file(path);
        return;
    }
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (!p)
            abort();
        snprintf(p, n, "%s/%s", path, e->d_name);
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
            add_file(p);
        free(p);
    }
    closedir(d);
}

/* Write the input being run to P<kind> and say so. */
static void save_input(const char *kind)
{
    size_t n = strlen(artifact_prefix) + strlen(kind) + 1;
    char *p = malloc(n);
    if (!p)
        return;
    snprintf(p, n, "%s%s", artifact_prefix, kind);
    FILE *f = fopen(p, "wb");
    if (f) {
        fwrite(cur_data, 1, cur_len, f);
        fclose(f);
        fprintf(stderr, "standalone: the input (%zu bytes) is saved in %s\n", cur_len, p);
    }
    free(p);
}

/* Save the input being run when a sanitizer ends the process. */
static void on_death(void)
{
    save_input("crash");
}

/* An input ran past -timeout: save it and stop (a finding, as in libFuzzer).
 * Runs in a signal handler: the target is stopped for good, so stdio and
 * malloc are not used again by it. */
static void on_alarm(int sig)
{
    (void)sig;
    fprintf(stderr, "standalone: an input of %zu bytes ran longer than %u s\n", cur_len, timeout_s);
    save_input("timeout");
    _exit(1);
}

static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned long long rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void run(const unsigned char *data, size_t len)
{
    /* An exact-size copy, so ASan sees reads past the end. */
    unsigned char *copy = malloc(len ? len : 1);
    if (!copy)
        abort();
    if (len)
        memcpy(copy, data, len);
    cur_data = copy;
    cur_len = len;
    if (timeout_s)
        alarm(timeout_s);
    LLVMFuzzerTestOneInput(copy, len);
    if (timeout_s)
        alarm(0);
    free(copy);
}

/* One random variant of a random input, into a fresh buffer. */
static unsigned char *mutate(size_t *out_len)
{
    static const char *const tokens[] = {"\n", "\r\n", "\r", " = ", "=", "#", "\"", "\t",
                                         "\xc3\xa9", "\xe2\x81\x82", "\xcc\x81", "\xff",
                                         "\xef\xbb\xbf", "***", "Chapter 1", "by ", "\0"};
    const struct input *in = &inputs[rng() % n_inputs];
    size_t len = in->len;
    /* room: the longest this mutant may become (bytes) */
    size_t room = len + 64;
    bool grow = len > 0 && rng() % 32 == 0;
    if (grow)
        room = len + 32768;
    if (room > max_len)
        room = max_len;
    if (room < len)
        room = len;
    unsigned char *b = malloc(room + 1);
    if (!b)
        abort();
    memcpy(b, in->data, len);
    if (grow) {
        /* A slice (up to 256 bytes, to its line end when there is one)
         * repeated into a long run: runs of separator lines, headings,
         * blank lines, emphasis markers. */
        size_t from = rng() % len, n = 1 + rng() % 256;
        if (n > len - from)
            n = len - from;
        const unsigned char *nl = memchr(in->data + from, '\n', n);
        if (nl)
            n = (size_t)(nl - (in->data + from)) + 1;
        size_t at = rng() % (len + 1), times = (room - len) / n;
        if (times > 1)
            times = 1 + rng() % times;
        memmove(b + at + times * n, b + at, len - at);
        for (size_t k = 0; k < times; k++)
            memcpy(b + at + k * n, in->data + from, n);
        len += times * n;
    }
    int edits = 1 + (int)(rng() % 4);
    for (int i = 0; i < edits; i++) {
        size_t pos = len ? rng() % (len + 1) : 0;
        switch (rng() % 6) {
        case 0:   /* flip a bit */
            if (len)
                b[pos % len] ^= (unsigned char)(1u << (rng() % 8));
            break;
        case 1:   /* a random byte */
            if (len)
                b[pos % len] = (unsigned char)rng();
            break;
        case 2: { /* delete a run */
            size_t n = len ? 1 + rng() % 16 : 0;
            if (pos + n > len)
                n = len - pos;
            memmove(b + pos, b + pos + n, len - pos - n);
            len -= n;
            break;
        }
        case 3: { /* insert a token */
            const char *t = tokens[rng() % (sizeof tokens / sizeof tokens[0])];
            size_t n = *t ? strlen(t) : 1;
            if (len + n > room)
                break;
            memmove(b + pos + n, b + pos, len - pos);
            memcpy(b + pos, t, n);
            len += n;
            break;
        }
        case 4:   /* truncate */
            len = pos;
            break;
        default: { /* splice bytes from another input */
            const struct input *o = &inputs[rng() % n_inputs];
            if (!o->len)
                break;
            size_t from = rng() % o->len, n = 1 + rng() % 16;
            if (from + n > o->len)
                n = o->len - from;
            if (len + n > room)
                break;
            memmove(b + pos + n, b + pos, len - pos);
            memcpy(b + pos, o->data + from, n);
            len += n;
            break;
        }
        }
    }
    *out_len = len;
    return b;
}

int main(int argc, char **argv)
{
    long runs = -1, seconds = -1;
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {   /* the options first: -max_len cuts the files */
        const char *a = argv[i];
        if (strncmp(a, "-runs=", 6) == 0)
            runs = atol(a + 6);
        else if (strncmp(a, "-max_total_time=", 16) == 0)
            seconds = atol(a + 16);
        else if (strncmp(a, "-seed=", 6) == 0)
            rng_state ^= (unsigned long long)atoll(a + 6) * 0x2545f4914f6cdd1dULL;
        else if (strncmp(a, "-artifact_prefix=", 17) == 0)
            artifact_prefix = a + 17;
        else if (strncmp(a, "-max_len=", 9) == 0 && atol(a + 9) > 0)
            max_len = (size_t)atol(a + 9);
        else if (strncmp(a, "-timeout=", 9) == 0 && atol(a + 9) > 0)
            timeout_s = (unsigned)atol(a + 9);
    }
    for (int i = 1; i < argc; i++)
        if (argv[i][0] != '-')
            add_path(argv[i]);
    if (runs < 0 && seconds < 0)
        runs = 1000;
    __sanitizer_set_death_callback(on_death);
    signal(SIGALRM, on_alarm);

    run((const unsigned char *)"", 0);
    for (size_t i = 0; i < n_inputs; i++)
        run(inputs[i].data, inputs[i].len);
    long done = 0;
    time_t start = time(NULL);
    while (n_inputs > 0) {
        if (runs >= 0 && done >= runs)
            break;
        if (seconds >= 0 && time(NULL) - start >= seconds)
            break;
        size_t len;
        unsigned char *b = mutate(&len);
        run(b, len);
        free(b);
        done++;
    }
    fprintf(stderr, "standalone: %zu inputs, %ld mutations, no failure\n", n_inputs, done);
    for (size_t i = 0; i < n_inputs; i++)
        free(inputs[i].data);
    free(inputs);
    return 0;
}
