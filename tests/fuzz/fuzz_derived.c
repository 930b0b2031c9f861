/* fuzz_derived.c — any bytes as the derived-text file (derived.h, FORMATS.md
 * "Derived-text cache") of one fixed ebook file: never a crash, a leak or
 * undefined behaviour; whatever opens has its text NUL-terminated inside
 * the mapping and every block inside the text and in order; chapters that
 * read have title, author and format as strings and every chapter inside
 * the text and in order (start <= front_end <= body <= back <= end, as
 * the index cache's pieces are); a head (derived_chapters with a head
 * inside the text) is read whenever the whole is and is its first
 * chapters.
 *
 * So that mutations reach past the identity and digest checks, the target
 * made one ebook file once (a mkdtemp folder, XDG_CACHE_HOME inside it;
 * the folder of a run that was killed is removed by the next run),
 * rewrites the input's key, path and plugin lines to that file's (the
 * padding line ends after the sum line take up the difference in length,
 * so the text stays where the header says it is), and turns the digest
 * comparisons off (derived_skip_digests, for tests and fuzzing): the
 * blocks and the chapters section are then checked as they are.  An
 * input whose chapters length is not what the file's length says (bytes
 * put in or taken out of the chapters section) is tried again with it
 * made so, so that such damage reaches the section's parser too.
 *
 * Seeds: tests/fuzz/corpus/derived/valid-* (accepted: run.sh checks),
 * derived files of small conversions written by test_derived:
 *   QUIRE_FUZZ_SEEDS=tests/fuzz/corpus/derived build/unit/test_derived
 * Dictionary: tests/fuzz/derived.dict. */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "derived.h"
#include "ebook_door.h"
#include "fuzz.h"
#include "util.h"

/* The same length as test_derived's folder, so that a seed's path line is
 * as long as the one it is rewritten to. */
#define DIR_PREFIX "quire-fzderiv-"
static char dir[] = "/tmp/" DIR_PREFIX "XXXXXX";
static char *ebook, *dpath, *cache, *cache_quire, *lock;
static char *key_line, *path_line, *plugin_line;   /* each with its '\n' */
static struct derived_key key;

static void cleanup(void)
{
    unlink(dpath);
    unlink(ebook);
    rmdir(cache_quire);
    rmdir(cache);
    unlink(lock);
    rmdir(dir);
}

static int remove_one(const char *path, const struct stat *st, int kind, struct FTW *ftw)
{
    (void)st, (void)kind, (void)ftw;
    remove(path);
    return 0;
}

/* A run's folder holds the file "lock", locked (flock) while the run
 * lives.  A run killed before its atexit (a crash, the hang guard of
 * tests/fuzz/run.sh, SIGKILL) leaves a folder whose lock anyone can take:
 * each run removes such folders before it makes its own.  A folder with
 * no lock yet (a run that is just starting) is left alone. */
static void remove_dead_runs(void)
{
    DIR *d = opendir("/tmp");
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, DIR_PREFIX, strlen(DIR_PREFIX)) != 0)
            continue;
        char *top = xasprintf("/tmp/%s", e->d_name);
        char *l = xasprintf("%s/lock", top);
        int fd = open(l, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
            nftw(top, remove_one, 8, FTW_DEPTH | FTW_PHYS);
        if (fd >= 0)
            close(fd);
        free(l);
        free(top);
    }
    closedir(d);
}

static void setup(void)
{
    remove_dead_runs();
    if (!mkdtemp(dir))
        abort();
    lock = xasprintf("%s/lock", dir);
    int lfd = open(lock, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (lfd < 0 || flock(lfd, LOCK_EX) != 0)
        abort();   /* held (lfd stays open) until the process ends */
    if (getenv("FUZZ_SAY"))   /* for run.sh's check of a killed run */
        fprintf(stderr, "fuzz_derived: folder %s\n", dir);
    cache = xasprintf("%s/cache", dir);
    cache_quire = xasprintf("%s/quire", cache);
    ebook = xasprintf("%s/book.epub", dir);
    setenv("XDG_CACHE_HOME", cache, 1);
    unsetenv("QUIRE_NO_CACHE");
    /* no plugin: its identity is "none" wherever the binary is */
    char *plugin = xasprintf("%s/no-converter", dir);
    setenv("QUIRE_CONVERTER", plugin, 1);
    free(plugin);
    FILE *f = fopen(ebook, "w");
    if (!f || fputs("the ebook fuzz_derived's inputs are the derived files of\n", f) < 0 ||
        fclose(f) != 0 || mkdir(cache, 0700) != 0 || mkdir(cache_quire, 0700) != 0)
        abort();
    const struct timespec t[2] = {{1700000000, 123456789}, {1700000000, 123456789}};
    if (utimensat(AT_FDCWD, ebook, t, 0) != 0 || !derived_key_of(ebook, &key))
        abort();
    dpath = derived_path(ebook);
    char *real = realpath(ebook, NULL);
    char *id = ebook_door_identity();
    if (!dpath || !real)
        abort();
    key_line = xasprintf("key %lld %lld %llu %llu\n", key.size, key.mtime_ns, key.dev, key.ino);
    path_line = xasprintf("path %s\n", real);
    plugin_line = xasprintf("plugin %s\n", id);
    free(real);
    free(id);
    derived_enable(true);
    derived_skip_digests(true);
    atexit(cleanup);
}

static bool starts(const char *s, size_t n, const char *w)
{
    size_t l = strlen(w);
    return n >= l && memcmp(s, w, l) == 0;
}

/* data with its key, path and plugin lines (those before the first "sum "
 * line, in the first 8 KiB) replaced by the fixed file's, and its text
 * line by text_line unless NULL, the padding after the sum line grown or
 * shrunk by as much as they changed. */
static void rewrite(const char *data, size_t size, const char *text_line, struct buf *out)
{
    size_t p = 0;
    while (p < size && p < 8192) {
        const char *nl = memchr(data + p, '\n', size - p);
        if (!nl)
            break;
        size_t l = (size_t)(nl - (data + p)) + 1;
        const char *line = data + p;
        p += l;
        if (starts(line, l, "sum ")) {
            buf_add(out, line, l);
            size_t run = 0;
            while (p + run < size && data[p + run] == '\n')
                run++;
            if (out->len > p)
                p += out->len - p < run ? out->len - p : run;
            while (out->len < p)
                buf_addc(out, '\n');
            break;
        }
        if (starts(line, l, "key "))
            buf_adds(out, key_line);
        else if (starts(line, l, "path "))
            buf_adds(out, path_line);
        else if (starts(line, l, "plugin "))
            buf_adds(out, plugin_line);
        else if (text_line && starts(line, l, "text "))
            buf_adds(out, text_line);
        else
            buf_add(out, line, l);
    }
    buf_add(out, data + p, size - p);
}

/* The text line of the header in b with its chapters length made what
 * the file's length says (malloc'd), or NULL when it is that already or
 * there is no such line. */
static char *chapters_fixed(const struct buf *b)
{
    const char *t = NULL;
    for (size_t p = 0; p < b->len && p < 8192;) {
        const char *nl = memchr(b->data + p, '\n', b->len - p);
        if (!nl || starts(b->data + p, b->len - p, "sum "))
            break;
        if (starts(b->data + p, b->len - p, "text ")) {
            t = b->data + p;
            break;
        }
        p = (size_t)(nl - b->data) + 1;
    }
    size_t len, at, n, cl;
    if (!t || sscanf(t, "text %zu at %zu blocks %zu chapters %zu", &len, &at, &n, &cl) != 4 ||
        at > b->len || len > b->len || n > b->len / sizeof(struct block))
        return NULL;
    size_t coff = ((at + len + 1 + 7) & ~(size_t)7) + n * sizeof(struct block);
    if (coff > b->len || b->len - coff == cl)
        return NULL;
    return xasprintf("text %zu at %zu blocks %zu chapters %zu\n", len, at, n, b->len - coff);
}

static void put(const char *data, size_t size)
{
    FILE *f = fopen(dpath, "w");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
}

/* Chapters read from d: strings whole, each chapter inside the text. */
static void check_chapters(const struct derived *d, const struct parse_result *pr,
                           const char *format)
{
    /* strlen: ASan reports a string without its NUL */
    if ((pr->title && strlen(pr->title) > d->map_len) ||
        (pr->author && strlen(pr->author) > d->map_len) || (format && strlen(format) > d->map_len))
        abort();
    if (pr->body > d->len || pr->meta.n_tags || pr->meta.series || pr->meta.summary)
        abort();
    size_t prev = pr->body;
    for (size_t i = 0; i < pr->n_ch; i++) {
        const struct parse_chapter *c = &pr->ch[i];
        if (c->start < prev || c->start > c->front_end || c->front_end > c->body ||
            c->body > c->back || c->back > c->end || c->end > d->len ||
            (c->title && strlen(c->title) > d->map_len))
            abort();
        prev = c->end;
    }
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The bytes of b as the derived file: checked as the top says; true
 * when it opens and its chapters read. */
static bool try(const struct buf *b)
{
    put(b->data, b->len);
    struct derived d;
    bool opened = derived_open(ebook, &key, &d);
    bool whole = false;
    if (opened) {
        const char *m = d.map, *end = m + d.map_len;
        const char *bs = (const char *)(const void *)d.blocks;
        if (d.text < m || d.len >= (size_t)(end - d.text) || d.text[d.len] != '\0' ||
            (d.n_blocks && (bs <= d.text + d.len || bs > end ||
                            d.n_blocks > (size_t)(end - bs) / sizeof *d.blocks)))
            abort();
        for (size_t i = 0; i < d.n_blocks; i++)
            if (d.blocks[i].off > d.blocks[i].end || d.blocks[i].end > d.len ||
                (i && d.blocks[i].off < d.blocks[i - 1].off))
                abort();
        struct parse_result all, head;
        char *fa = NULL, *fh = NULL;
        whole = derived_chapters(&d, 0, &all, &fa);
        if (whole)
            check_chapters(&d, &all, fa);
        else if (all.n_ch || all.ch || all.title || all.author || fa)
            abort();
        size_t h = d.len / 2 + 1;   /* inside the text (or just past an empty one) */
        bool got = derived_chapters(&d, h, &head, &fh);
        if (got)
            check_chapters(&d, &head, fh);
        if (whole) {
            /* the head: the first chapters of the whole, up to the first
               that ends at or past h with a body */
            if (!got || head.n_ch > all.n_ch || !same_str(head.title, all.title) ||
                !same_str(head.author, all.author) || !same_str(fh, fa) || head.body != all.body)
                abort();
            for (size_t i = 0; i < head.n_ch; i++) {
                const struct parse_chapter *x = &head.ch[i], *y = &all.ch[i];
                if (x->start != y->start || x->end != y->end || x->front_end != y->front_end ||
                    x->body != y->body || x->back != y->back || x->number != y->number ||
                    !same_str(x->title, y->title))
                    abort();
                /* it stops only after the first chapter that is enough */
                bool enough = x->end >= h && x->body < x->back;
                if (enough && i + 1 < head.n_ch)
                    abort();
                if (!enough && i + 1 == head.n_ch && head.n_ch < all.n_ch)
                    abort();
            }
            if (head.n_ch < all.n_ch && !head.n_ch)
                abort();
        }
        derived_chapters_free(&all);
        derived_chapters_free(&head);
        free(fa);
        free(fh);
        derived_close(&d);
        if (d.map || d.text)
            abort();
    }
    /* opened for a first screen (derived_open_head): whenever the full
       check opens, it opens too; the blocks of any range it gives are
       inside the text, in order, and begin in the range; when the full
       check opened, a range gives what it holds there */
    struct derived hd;
    bool hopen = derived_open_head(ebook, &key, &hd);
    if (opened && !hopen)
        abort();
    if (hopen) {
        if (hd.n_blocks || hd.blocks)
            abort();
        size_t cut[] = {0, hd.len / 3, hd.len / 2, hd.len};
        for (size_t a = 0; a < 4; a++)
            for (size_t z = a; z < 4; z++) {
                if (!derived_blocks_in(&hd, cut[a], cut[z])) {
                    if (opened)
                        abort();   /* sound blocks: every range is given */
                    continue;
                }
                for (size_t i = 0; i < hd.n_blocks; i++)
                    if (hd.blocks[i].off > hd.blocks[i].end || hd.blocks[i].end > hd.len ||
                        hd.blocks[i].off < cut[a] || hd.blocks[i].off >= cut[z] ||
                        (i && hd.blocks[i].off < hd.blocks[i - 1].off))
                        abort();
            }
        derived_close(&hd);
    }
    return opened && whole;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dpath)
        setup();
    struct buf b = {0};
    rewrite((const char *)data, size, NULL, &b);
    bool ok = try(&b);
    if (getenv("FUZZ_SAY"))   /* a seed's check: is it accepted? */
        fprintf(stderr, "fuzz_derived: %s\n", ok ? "accepted" : "refused");
    /* Bytes put in or taken out of the chapters section change the file's
       length: tried again with the header's chapters length to match, so
       that they reach the section's parser. */
    char *fixed = chapters_fixed(&b);
    if (fixed) {
        struct buf c = {0};
        rewrite((const char *)data, size, fixed, &c);
        try(&c);
        buf_free(&c);
        free(fixed);
    }
    buf_free(&b);
    return 0;
}
