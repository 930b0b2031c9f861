/* library.c — opening a library: the orchestration of the build passes
 * (build.h) and the snapshot.  See library.h.
 *
 * library_open() works in six steps:
 *   1. scan (scan.c): candidate files, story.ini folders, what was skipped;
 *      when the walk's digest is that of the saved snapshot (snapshot.c),
 *      the saved library is the answer and nothing below runs;
 *   2. per-file analysis (analyse.c): everything that depends on one file
 *      alone, from the index cache (cache.c) when the file is unchanged;
 *      story.ini files (storyini.c);
 *   3. grouping (group.c);
 *   4. editions (editions.c);
 *   5. assembly (assemble.c): per story, file order, chapters, titles,
 *      identity; stories sorted by title;
 *   6. the library saved as the snapshot of the walk.
 * Chapter blocks are never parsed here: chapter_blocks() (story.c) does it
 * on demand. */
#include "library.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "cache.h"
#include "ebook_door.h"
#include "snapshot.h"
#include "util.h"

void build_init(struct build *b, struct library *lib)
{
    b->lib = lib;
    b->diag = diag_list(&lib->notes, &lib->n_notes, &b->cap_notes);
    b->first_skip = b->scan.n_skipped;
    b->ini = xcalloc(b->scan.n_ini + 1, sizeof *b->ini);
}

void build_free(struct build *b)
{
    for (size_t i = 0; i < b->n_files; i++) {
        free(b->files[i].relpath);
        free(b->files[i].title);
        free(b->files[i].author);
        parse_meta_free(&b->files[i].meta);
    }
    free(b->files);
    for (size_t i = 0; i < b->n_pc; i++) {
        free(b->pc[i].title);
        free(b->pc[i].lead);
        free(b->pc[i].sketch);
    }
    free(b->pc);
    for (size_t i = 0; i < b->n_groups; i++)
        free(b->groups[i].tkey);
    free(b->groups);
    if (b->ini)
        for (size_t i = 0; i < b->scan.n_ini; i++)
            ini_free(&b->ini[i]);
    free(b->ini);
    free(b->slot);
    free(b->src_file);
    free(b->skip_file);
    scan_result_free(&b->scan);
}

/* ---- stopping a build from another thread ------------------------------- */

struct library_stop {
    atomic_bool stop;
    pthread_mutex_t writing;   /* held by a build while it writes a cache file */
};

struct library_stop *library_stop_new(void)
{
    struct library_stop *ls = xcalloc(1, sizeof *ls);
    atomic_init(&ls->stop, false);
    pthread_mutex_init(&ls->writing, NULL);
    return ls;
}

void library_stop_set(struct library_stop *ls)
{
    atomic_store(&ls->stop, true);
    pthread_mutex_lock(&ls->writing);   /* a write under way ends first */
    pthread_mutex_unlock(&ls->writing);
}

bool library_stopped(struct library_stop *ls)
{
    return ls && atomic_load(&ls->stop);
}

void library_stop_free(struct library_stop *ls)
{
    if (!ls)
        return;
    pthread_mutex_destroy(&ls->writing);
    free(ls);
}

/* May a build given ls write a cache file now?  True with the write held
 * open (write_done ends it); false once stopped (nothing is written). */
static bool write_begin(struct library_stop *ls)
{
    if (!ls)
        return true;
    pthread_mutex_lock(&ls->writing);
    if (!atomic_load(&ls->stop))
        return true;
    pthread_mutex_unlock(&ls->writing);
    return false;
}

static void write_done(struct library_stop *ls)
{
    if (ls)
        pthread_mutex_unlock(&ls->writing);
}

/* snapshot_save of a built library, on a thread of its own. */
struct snap_job {
    const struct library *lib;
    uint64_t digest;
    struct snapshot_origin o;
    struct library_stop *ls;
};

static void *snap_run(void *arg)
{
    struct snap_job *j = arg;
    if (write_begin(j->ls)) {
        snapshot_save(j->lib->root, j->digest, j->lib, &j->o, NULL);   /* best effort */
        write_done(j->ls);
    }
    return NULL;
}

/* The stories of the files added to b (grouped, ordered, editions
 * matched), saved as the snapshot when b->snap (unless ls is stopped);
 * frees b's scratch (on two threads, while the snapshot is written: the
 * scratch it reads, the sources' and skips' origins, is freed after it). */
static struct library *library_build(struct build *b, struct library_stop *ls)
{
    struct library *lib = b->lib;
    group_files(b);
    match_editions(b);
    assemble_stories(b);
    /* hand the skipped list over */
    lib->skipped = b->scan.skipped;
    lib->n_skipped = b->scan.n_skipped;
    b->scan.skipped = NULL;
    b->scan.n_skipped = b->scan.cap_skipped = 0;
    size_t *src_file = b->src_file, *skip_file = b->skip_file;
    struct snap_job j = {lib, b->digest, {src_file, skip_file, b->first_skip}, ls};
    pthread_t t;
    bool threaded = b->snap && b->threads > 1 && b->spawn && b->spawn(&t, snap_run, &j);
    if (b->snap && !threaded)
        snap_run(&j);
    b->src_file = NULL;
    b->skip_file = NULL;
    build_free(b);
    if (threaded)
        pthread_join(t, NULL);
    free(src_file);
    free(skip_file);
    return lib;
}

/* ---- the per-file analysis on several threads --------------------------- */

/* Fewer files than this are analysed on the calling thread alone, and
 * keep their texts after the analysis. */
#define PAR_MIN_FILES 16

/* analyse_file for scan file i; in a build of many files, the texts it
 * read are let go of at once (decode_unload): nothing in the build reads
 * them again, and a story's text is read again when it is opened, as
 * from the index cache.  A listing of 10,000 files kept them all mapped
 * (10,000 mappings unmapped one by one at the end). */
static void analyse_one(struct build *b, size_t i)
{
    size_t s0 = b->lib->n_src;
    analyse_file(b, &b->scan.files[i]);
    if (b->scan.n_files >= PAR_MIN_FILES)
        for (size_t k = s0; k < b->lib->n_src; k++)
            decode_unload(b->lib->src[k]);
}

/* Threads for the per-file analysis: QUIRE_BUILD_THREADS (1 or 2, for the
 * tests that compare the two), else 2 when two CPUs are online, else 1. */
static int build_threads(void)
{
    const char *e = getenv("QUIRE_BUILD_THREADS");
    if (e && (strcmp(e, "1") == 0 || strcmp(e, "2") == 0))
        return e[0] - '0';
    return sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 2 : 1;
}

/* One file's analysis, made apart from the build: a build of its own
 * (its own library for the source and the notes, its own skipped list,
 * a child of the index cache) that merge_one adds to the real one. */
struct par_file {
    struct build b;
    struct library lib;
};

struct par {
    struct build *main;
    struct par_file *pf;
    atomic_size_t next;   /* the next file to take */
    struct library_stop *ls;   /* stopped: no more files are taken */
};

static void par_analyse(struct par *pr, size_t i)
{
    struct par_file *f = &pr->pf[i];
    struct build *b = &f->b;
    b->lib = &f->lib;
    b->diag = diag_list(&f->lib.notes, &f->lib.n_notes, &b->cap_notes);
    b->scan = pr->main->scan;   /* files and n_files; its own skipped list */
    b->scan.skipped = NULL;
    b->scan.n_skipped = b->scan.cap_skipped = 0;
    b->cache = pr->main->cache ? cache_new_child(pr->main->cache) : NULL;
    b->snap = true;
    analyse_one(b, i);
    /* Held until the merge: no more room than the file's results need
     * (10,000 files' spare capacity came to tens of megabytes). */
    if (b->n_files < b->cap_files) {
        b->files = xreallocarray(b->files, b->n_files ? b->n_files : 1, sizeof *b->files);
        b->cap_files = b->n_files ? b->n_files : 1;
    }
    if (b->n_pc < b->cap_pc) {
        b->pc = xreallocarray(b->pc, b->n_pc ? b->n_pc : 1, sizeof *b->pc);
        b->cap_pc = b->n_pc ? b->n_pc : 1;
    }
}

static void *par_worker(void *arg)
{
    struct par *pr = arg;
    size_t n = pr->main->scan.n_files;
    for (size_t i; !library_stopped(pr->ls) && (i = atomic_fetch_add(&pr->next, 1)) < n;)
        par_analyse(pr, i);
    return NULL;
}

/* Add file f's analysis to b as analyse_file on b would have, and free
 * what is left of f: sources, skips, notes, files and pieces go after
 * b's, their indices moved along; the cache child's entries into b's. */
static void merge_one(struct build *b, struct par_file *f)
{
    struct build *s = &f->b;
    struct library *lib = b->lib;
    for (size_t k = 0; k < f->lib.n_src; k++) {
        /* lib->src has room: analyse_all sized it for every file's */
        XGROW(b->src_file, b->cap_src_file, lib->n_src + 1);
        b->src_file[lib->n_src] = s->src_file[k];
        lib->src[lib->n_src++] = f->lib.src[k];
    }
    for (size_t k = 0; k < s->scan.n_skipped; k++) {
        XGROW(b->scan.skipped, b->scan.cap_skipped, b->scan.n_skipped + 1);
        b->scan.skipped[b->scan.n_skipped++] = s->scan.skipped[k];
    }
    for (size_t k = 0; k < s->n_skip_file; k++) {
        XGROW(b->skip_file, b->cap_skip_file, b->n_skip_file + 1);
        b->skip_file[b->n_skip_file++] = s->skip_file[k];
    }
    for (size_t k = 0; k < f->lib.n_notes; k++) {
        build_note(b, "%s", f->lib.notes[k]);
        free(f->lib.notes[k]);
    }
    int file0 = (int)b->n_files, pc0 = (int)b->n_pc;
    XGROW(b->files, b->cap_files, b->n_files + s->n_files);
    for (size_t k = 0; k < s->n_files; k++) {
        b->files[b->n_files] = s->files[k];
        b->files[b->n_files++].first_piece += pc0;
    }
    XGROW(b->pc, b->cap_pc, b->n_pc + s->n_pc);
    for (size_t k = 0; k < s->n_pc; k++) {
        struct piece *p = &b->pc[b->n_pc++];
        *p = s->pc[k];
        p->file += file0;
        p->cluster += pc0;
        if (p->next >= 0)
            p->next += pc0;
    }
    if (!s->snap)
        b->snap = false;
    cache_adopt(b->cache, s->cache);
    free(f->lib.src);
    free(f->lib.notes);
    free(s->scan.skipped);
    free(s->skip_file);
    free(s->src_file);
    free(s->files);
    free(s->pc);
}

/* Start fn(arg) on a thread that takes no signals meant for the process
 * (as the loader's thread): they go to the thread that waits for keys. */
static bool start_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
    sigset_t all, old;
    sigfillset(&all);
    int sync_sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof sync_sigs / sizeof *sync_sigs; i++)
        sigdelset(&all, sync_sigs[i]);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    bool ok = pthread_create(t, NULL, fn, arg) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return ok;
}

/* The index cache to save, unless the build is stopped first. */
struct cache_job {
    struct cache *c;
    struct library_stop *ls;
};

static void *save_cache(void *arg)
{
    struct cache_job *j = arg;
    if (write_begin(j->ls)) {
        cache_save(j->c, NULL);
        write_done(j->ls);
    }
    cache_free(j->c);
    return NULL;
}

/* analyse_file for every scanned file, in 2 threads when there are enough
 * files: each file's analysis depends on that file alone, and they are
 * added to b in the files' order, so the result is the one-thread one.
 * Once ls is stopped no more files are analysed (the build is given up:
 * what was analysed is merged, to be freed with the rest). */
static void analyse_all(struct build *b, struct library_stop *ls)
{
    size_t n = b->scan.n_files;
    int threads = n >= PAR_MIN_FILES ? build_threads() : 1;
    if (threads < 2) {
        for (size_t i = 0; i < n && !library_stopped(ls); i++)
            analyse_one(b, i);
        return;
    }
    struct par pr = {.main = b, .pf = xcalloc(n, sizeof *pr.pf), .ls = ls};
    atomic_init(&pr.next, 0);
    pthread_t t;
    bool threaded = start_thread(&t, par_worker, &pr);
    par_worker(&pr);   /* this thread is the other worker */
    if (threaded)
        pthread_join(t, NULL);
    size_t n_src = b->lib->n_src;
    for (size_t i = 0; i < n; i++)
        n_src += pr.pf[i].lib.n_src;
    b->lib->src = xreallocarray(b->lib->src, n_src ? n_src : 1, sizeof *b->lib->src);
    for (size_t i = 0; i < n; i++)
        if (pr.pf[i].b.lib)   /* not taken once stopped: nothing to merge */
            merge_one(b, &pr.pf[i]);
    free(pr.pf);
}

/* QUIRE_TEST_HOLD_BUILD=FILE: wait until FILE exists (library.h), having
 * made FILE.held to say the build got there. */
static void hold_for_test(void)
{
    const char *hold = getenv("QUIRE_TEST_HOLD_BUILD");
    if (!hold || !*hold || access(hold, F_OK) == 0)
        return;
    char *held = xasprintf("%s.held", hold);
    int fd = open(held, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0)
        close(fd);
    free(held);
    while (access(hold, F_OK) != 0)
        nanosleep(&(struct timespec){.tv_nsec = 5 * 1000000L}, NULL);
}

/* A build given up once stopped: *err says so, NULL. */
static struct library *stopped(const char *root, char **err)
{
    set_err(err, "%s: stopped", root);
    return NULL;
}

struct library *library_open(const char *root, char **err)
{
    return library_open_stoppable(root, NULL, err);
}

struct library *library_open_stoppable(const char *root, struct library_stop *ls, char **err)
{
    struct build b = {0};
    if (scan_tree(root, &b.scan, err) != 0)
        return NULL;
    if (library_stopped(ls)) {
        scan_result_free(&b.scan);
        return stopped(root, err);
    }
    b.digest = snapshot_digest(root, &b.scan, &b.snap);
    struct library *lib = snapshot_load(root, &b.scan, b.digest);
    if (lib) {
        scan_result_free(&b.scan);
        return lib;
    }
    lib = xcalloc(1, sizeof *lib);
    lib->root = xstrdup(root);
    build_init(&b, lib);
    for (size_t i = 0; i < b.scan.n_ini; i++)
        ini_read(&b, i);
    b.cache = cache_open(root);
    b.threads = b.scan.n_files >= PAR_MIN_FILES ? build_threads() : 1;
    b.spawn = start_thread;
    analyse_all(&b, ls);
    hold_for_test();
    if (library_stopped(ls)) {   /* given up: nothing is written */
        cache_free(b.cache);
        b.cache = NULL;
        build_free(&b);
        library_free(lib);
        return stopped(root, err);
    }
    /* The index cache is written (best effort: a cache that can't be
     * written is no error) while the stories are built: nothing below
     * touches it.  On one thread when the build is small.  Not when the
     * build is stopped meanwhile (write_begin). */
    struct cache_job cj = {b.cache, ls};
    b.cache = NULL;
    pthread_t saver;
    bool saving = b.scan.n_files >= PAR_MIN_FILES && build_threads() > 1 &&
                  start_thread(&saver, save_cache, &cj);
    if (!saving)
        save_cache(&cj);
    lib = library_build(&b, ls);
    if (saving)
        pthread_join(saver, NULL);
    return lib;
}

/* bytes[0, n) cut back to the end of its last whole line, in the encoding
 * its first bytes show: after a UTF-16 BOM a line ends with a LF code unit
 * (never half of one); else with a LF byte (UTF-8 and Windows-1252 alike).
 * 0 when no line ends in it. */
static size_t head_whole_lines(const unsigned char *b, size_t n)
{
    if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
        size_t lo = b[0] == 0xFF ? 0 : 1;   /* where a unit keeps its low byte */
        n &= ~(size_t)1;
        while (n >= 4 && !(b[n - 2 + lo] == '\n' && b[n - 1 - lo] == 0))
            n -= 2;
        return n >= 4 ? n : 0;
    }
    while (n && b[n - 1] != '\n')
        n--;
    return n;
}

/* bytes[0, n), which holds no line end, cut back to the end of its last
 * whole word (a space or tab ends it), else to the end of its last whole
 * character, in the encoding its first bytes show (as head_whole_lines):
 * a long paragraph on one line (a file with no line end at all) opens from
 * its head too, its last paragraph cut as a head's last chapter may be.
 * 0 when not even one character is whole. */
static size_t head_whole_words(const unsigned char *b, size_t n)
{
    if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
        size_t lo = b[0] == 0xFF ? 0 : 1;
        n &= ~(size_t)1;
        for (size_t k = n; k >= 4; k -= 2)
            if ((b[k - 2 + lo] == ' ' || b[k - 2 + lo] == '\t') && b[k - 1 - lo] == 0)
                return k;
        /* no space: never end on the first half of a surrogate pair */
        if (n >= 4 && (b[n - 1 - lo] & 0xFC) == 0xD8)
            n -= 2;
        return n >= 4 ? n : 0;
    }
    for (size_t k = n; k > 0; k--)
        if (b[k - 1] == ' ' || b[k - 1] == '\t')
            return k;
    /* no space: end before a character the cut splits (its lead byte
     * wants more continuation bytes than follow it) */
    size_t k = n;
    while (k && (b[k - 1] & 0xC0) == 0x80 && n - k < 3)
        k--;
    if (k && b[k - 1] >= 0xC0) {
        size_t want = b[k - 1] >= 0xF0 ? 4 : b[k - 1] >= 0xE0 ? 3 : 2;
        if (n - (k - 1) < want)
            return k - 1;
    }
    return n;
}

/* A head whose last line end comes before its middle is read again four
 * times longer, up to this many bytes (a story with a paragraph per line,
 * a chapter per line). */
#define HEAD_GROW_MAX ((size_t)1024 * 1024)

struct library *library_open_head(const char *path, size_t head, char **err)
{
    struct build b = {0};
    if (scan_tree(path, &b.scan, err) != 0)
        return NULL;
    struct source *src = NULL;
    size_t raw = 0;   /* bytes of the file the head holds */
    size_t ebook_total = 0;   /* an ebook's whole derived text (bytes, maybe a guess) */
    /* scan_tree stat'ed the one regular file it found */
    const struct stat *sb = b.scan.n_files == 1 ? &b.scan.files[0].st : NULL;
    FILE *f = sb ? fopen(path, "rb") : NULL;
    if (f) {
        if (!head)
            head = 1;
        unsigned char *bytes = NULL;
        size_t got = 0;
        for (;;) {
            bytes = xrealloc(bytes, head);
            got += fread(bytes + got, 1, head - got, f);
            if (ebook_door_maybe(path, bytes, got))
                break;   /* not text: its lines say nothing */
            /* More follows: whole lines only (the last one goes on); and
             * at least half the bytes read, or the screen may show little
             * more than a heading. */
            raw = got == head ? head_whole_lines(bytes, got) : got;
            if (raw == 0 && got == head) {
                /* No line end at all: one long paragraph, whole words. */
                raw = head_whole_words(bytes, got);
                break;
            }
            if (raw >= got / 2 || got < head || head >= HEAD_GROW_MAX)
                break;
            head = head * 4 < HEAD_GROW_MAX ? head * 4 : HEAD_GROW_MAX;
        }
        fclose(f);
        if (ebook_door_maybe(path, bytes, got)) {
            /* An EPUB or HTML file: its first chapters from its derived
             * file when it has one (read before), else an EPUB's first
             * chapters converted (the door), else no head (converted
             * whole). */
            src = decode_open_derived(path, head);
            if (src)
                ebook_total = src->len;
            else
                src = decode_open_ebook_head(path, bytes, got, head, &ebook_total);
            free(bytes);
            if (!src) {
                scan_result_free(&b.scan);
                set_err(err, "%s: an EPUB or HTML file has no head to show first", path);
                return NULL;
            }
            bytes = NULL;
            raw = 0;
        }
        /* Decoded as the whole file will be: the same encoding (a UTF-16
         * BOM or bytes that are not UTF-8 are in the head when they are in
         * the file's start; a head that is UTF-8 where the rest is not is
         * taken over by the reader as any changed text is), so the text is
         * a prefix of the whole file's and so are its offsets. */
        enum decode_reject why;
        if (!src)
            src = raw ? decode_bytes(path, bytes, raw, &why) : NULL;
        free(bytes);
    }
    if (!src) {
        scan_result_free(&b.scan);
        set_err(err, "%s: no whole character of text in the head of the file", path);
        return NULL;
    }
    struct library *lib = xcalloc(1, sizeof *lib);
    lib->root = xstrdup(path);
    build_init(&b, lib);
    struct cache_stamp st = {0};
    off_t file_size = sb->st_size;   /* library_build frees the scan */
    b.memo = true;
    analyse_source(&b, &b.scan.files[0], src, &st);
    lib = library_build(&b, NULL);
    if (lib->n_stories != 1) {
        library_free(lib);
        set_err(err, "%s: the head of the file holds no story", path);
        return NULL;
    }
    struct story *s = &lib->stories[0];
    s->partial = true;   /* the builder sets it; story_end_partial ends it */
    /* Percentages against the whole file: its size (a BOM aside) when the
     * text is the file's bytes; for a converted encoding, the size scaled
     * as the head's bytes grew or shrank in conversion (an estimate until
     * the whole story arrives). */
    size_t whole;
    if (src->eb)
        whole = ebook_total;   /* the derived file's text, or a guess from a head's */
    else if (src->enc == ENC_UTF8 || src->enc == ENC_UTF8_BOM)
        whole = (size_t)file_size - (src->enc == ENC_UTF8_BOM ? 3 : 0);
    else
        whole = (size_t)((double)file_size * (double)src->len / (double)raw);
    if (whole > s->total)
        s->total = whole;
    return lib;
}

/* ---- a long story reopened at a saved place ------------------------------ */

/* Bytes read after the saved place: the head's size (library_open_head
 * sized it to the screen: four bytes a cell, longer for long lines), at
 * least this many. */
#define AT_AFTER_MIN ((size_t)8 * 1024)
/* The most places the context is looked for at, nearest the estimate first. */
#define AT_TRIES 8
/* A place further than this into its chapter: the chapter's start and
 * the place's lines are read apart (open_long), AT_CHAPTER_HEAD bytes of
 * the chapter's start. */
#define AT_LONG ((size_t)64 * 1024)
#define AT_CHAPTER_HEAD ((size_t)16 * 1024)
/* Bytes either side of the estimate looked at first. */
#define AT_NEAR ((size_t)8 * 1024)

/* White space as the bookmarks' context folds it (bookmarks_place.c). */
static bool is_blank_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Does text[p, end) begin with `ctx` (bookmarks' context: each white
 * space run in the text is one space in it)?  Returns the length matched
 * in the text, 0 when it does not match. */
static size_t context_at(const char *t, size_t p, size_t end, const char *ctx)
{
    size_t q = p;
    for (const char *c = ctx; *c; c++) {
        if (*c == ' ') {
            if (q >= end || !is_blank_byte(t[q]))
                return 0;
            while (q < end && is_blank_byte(t[q]))
                q++;
        } else {
            if (q >= end || t[q] != *c)
                return 0;
            q++;
        }
    }
    return q - p;
}

/* Where library_open_at looks for a saved place: text[lo, hi) around
 * the estimate `est`; the place is at least `off` bytes in (its chapter's
 * start is before it); the places already tried. */
struct at_find {
    const char *t;
    size_t lo, hi, est, off;
    const char *context;
    size_t tried[AT_TRIES];
    size_t n_tried;
};

/* The distance between two offsets. */
static size_t dist(size_t a, size_t b)
{
    return a > b ? a - b : b - a;
}

/* Up to `max` places in [slo, shi] where f's context begins, not yet
 * tried, nearest the estimate first, into cand; returns how many.  The
 * context's first word is looked for (memmem); a context that begins
 * with a space (a place on white space) begins at every byte of the
 * white space run before that word (looking for the empty word instead
 * tried every byte). */
static size_t at_candidates(const struct at_find *f, size_t slo, size_t shi, size_t *cand,
                            size_t max)
{
    const char *t = f->t;
    size_t lead = strspn(f->context, " ");
    const char *word = f->context + lead;
    size_t first = strcspn(word, " ");
    size_t n = 0;
    size_t wend = shi + first < f->hi ? shi + first : f->hi;   /* words begin by shi */
    for (size_t q = slo + lead; first > 0 && max > 0 && q + first <= wend;) {
        const char *m = memmem(t + q, wend - q, word, first);
        if (!m)
            break;
        size_t w = (size_t)(m - t);
        q = w + 1;
        size_t at = w;   /* the first byte that may begin the context */
        if (lead)
            while (at > slo && is_blank_byte(t[at - 1]))
                at--;
        for (; at <= w; at++) {
            if (at < f->off || !context_at(t, at, f->hi, f->context))
                continue;
            bool seen = false;
            for (size_t i = 0; i < f->n_tried; i++)
                seen = seen || f->tried[i] == at;
            if (seen)
                continue;
            size_t d = dist(at, f->est);
            size_t k = n < max ? n++ : max;
            while (k > 0 && dist(cand[k - 1], f->est) > d) {
                if (k < max)
                    cand[k] = cand[k - 1];
                k--;
            }
            if (k < max)
                cand[k] = at;
        }
    }
    return n;
}

/* Swap two values of the same type. */
#define SWAP(a, b)                                                                                 \
    do {                                                                                           \
        __typeof__(a) swap_tmp_ = (a);                                                             \
        (a) = (b);                                                                                 \
        (b) = swap_tmp_;                                                                           \
    } while (0)

/* Where a window read from the place at `at` of text[0, len) ends:
 * about `after` bytes past it, at the end of a whole line, and never
 * before half of them (the screen at the place must be whole): when the
 * last line end before at + after comes earlier, the line that goes on
 * is read to its end, up to HEAD_GROW_MAX bytes past the place.  The end
 * of the text ends it too.  `at` when no such line end is found. */
static size_t window_end(const char *t, size_t len, size_t at, size_t after)
{
    if (len - at <= after)
        return len;
    size_t e = at + after;
    while (e > at && t[e - 1] != '\n')
        e--;   /* whole lines */
    if (e - at >= after / 2)
        return e;
    size_t lim = len - at <= HEAD_GROW_MAX ? len : at + HEAD_GROW_MAX;
    const char *nl = memchr(t + at + after, '\n', lim - (at + after));
    if (nl)
        return (size_t)(nl - t) + 1;
    return lim == len ? len : at;
}

/* The library of the story in text[s0, e0) analysed as a file of its own
 * (offsets from s0), or NULL when it is not one story of valid UTF-8 with
 * a chapter, its text the bytes as they are (nothing repaired: the file's
 * offsets are its offsets moved by s0). */
static struct library *window_build(const char *path, const char *text, size_t s0, size_t e0)
{
    enum decode_reject why;
    struct source *src = decode_bytes(path, text + s0, e0 - s0, &why);
    if (!src)
        return NULL;
    if (src->enc != ENC_UTF8 || src->invalid != 0 || src->len != e0 - s0) {
        decode_free(src);
        return NULL;
    }
    struct build b = {0};   /* b.snap false: no snapshot of a window */
    char *err = NULL;
    if (scan_tree(path, &b.scan, &err) != 0 || b.scan.n_files != 1) {
        free(err);
        scan_result_free(&b.scan);
        decode_free(src);
        return NULL;
    }
    struct library *lib = xcalloc(1, sizeof *lib);
    lib->root = xstrdup(path);
    build_init(&b, lib);
    struct cache_stamp st = {0};
    b.memo = true;
    analyse_source(&b, &b.scan.files[0], src, &st);
    lib = library_build(&b, NULL);
    if (lib->n_stories != 1 || lib->n_src != 1 || lib->src[0] != src ||
        lib->stories[0].n_ch == 0) {
        library_free(lib);
        return NULL;
    }
    return lib;
}

/* window_build's library moved to the file: offsets from the file's
 * start, the text the mapped file `full` (which it then holds). */
static void window_adopt(struct library *lib, struct source *full, size_t s0)
{
    struct story *s = &lib->stories[0];
    for (size_t i = 0; i < s->n_ch; i++) {
        struct chapter *c = &s->ch[i];
        for (size_t k = 0; k < c->n_ed; k++) {
            struct edition *e = &c->ed[k];
            e->src = full;
            e->start += s0;
            e->end += s0;
            e->front_end += s0;
            e->body += s0;
            e->back += s0;
            e->title_end += s0;
        }
        c->base = c->ed[0].start;   /* a partial story's percent: bytes of the file */
    }
    full->crlf = lib->src[0]->crlf;
    decode_free(lib->src[0]);
    lib->src[0] = full;
}

/* The library of the story in text[s0, e0) of the mapped file `full`,
 * its offsets moved to the file's (`full` then holds its text), or NULL
 * when that window does not begin with the chapter `key`. */
static struct library *open_window(const char *path, struct source *full, size_t s0, size_t e0,
                                   const char *key)
{
    struct library *lib = window_build(path, full->text, s0, e0);
    if (!lib)
        return NULL;
    const struct chapter *c = &lib->stories[0].ch[0];
    if (strcmp(c->key, key) != 0 || c->ed[0].start != 0 ||
        (s0 > 0 && c->ed[0].title_end != 0)) {   /* a title only at the file's start */
        library_free(lib);
        return NULL;
    }
    window_adopt(lib, full, s0);
    return lib;
}

/* A place `at` further than AT_LONG into its chapter, which begins at s0:
 * the chapter's start (its heading, title and key: AT_CHAPTER_HEAD bytes)
 * and the place's lines to e0 are read apart, not the bytes between (a
 * story of one long chapter reopened deep).  The chapter's start is
 * open_window's; the place's lines (from the start of its line) must hold
 * no chapter heading, no announcement and no front matter: the chapter
 * goes on to e0 (its back matter the lines' own when e0 is the file's
 * end).  NULL when it is not so (the caller then reads the whole window). */
static struct library *open_long(const char *path, struct source *full, size_t s0, size_t at,
                                 size_t e0, const char *key)
{
    const char *t = full->text;
    size_t q = at;
    while (q > s0 && t[q - 1] != '\n')
        q--;   /* the place's line */
    size_t a1 = window_end(t, full->len, s0, AT_CHAPTER_HEAD);
    if (a1 <= s0 || a1 >= q)
        return NULL;
    struct library *tail = window_build(path, t, q, e0);
    if (!tail)
        return NULL;
    const struct story *ts = &tail->stories[0];
    const struct edition *te = &ts->ch[0].ed[0];
    bool plain = ts->n_ch == 1 && ts->ch[0].n_ed == 1 && te->start == 0 && te->end == e0 - q &&
                 te->body == 0 && te->front_end == 0 && te->title_end == 0;
    size_t back = e0 == full->len ? q + te->back : e0;
    library_free(tail);
    if (!plain)
        return NULL;
    struct library *lib = open_window(path, full, s0, a1, key);
    if (!lib)
        return NULL;
    struct story *s = &lib->stories[0];
    struct edition *e = &s->ch[0].ed[0];
    if (s->n_ch != 1 || s->ch[0].n_ed != 1 || e->end != a1 || e->back != a1 || e->body >= a1) {
        library_free(lib);   /* a chapter or back matter ends in its start, or no text begins */
        return NULL;
    }
    e->end = e0;
    e->back = back;
    return lib;
}

/* ---- an ebook reopened at a saved place, from its derived file ---------- */

/* The library of the ebook whose whole derived text is full's, holding
 * the chapters *pr (moved; offsets full's, the last one cut at e0),
 * analysed as the whole story's chapters are: as a file of their own
 * that begins at the first one's start s0 (offsets from s0), then moved
 * to full's (which it then holds).  NULL when that is not one story that
 * begins with the chapter `key`. */
static struct library *open_derived_window(const char *path, struct source *full,
                                           struct parse_result *pr, size_t e0, const char *key)
{
    size_t s0 = pr->ch[0].start;
    struct source *win = xcalloc(1, sizeof *win);   /* borrows full's text */
    win->path = xstrdup(path);
    win->text = full->text + s0;
    win->len = e0 - s0;
    win->enc = ENC_UTF8;
    win->fmt = full->fmt;
    win->format = full->format ? xstrdup(full->format) : NULL;
    win->eb = xcalloc(1, sizeof *win->eb);
    win->eb->pr = *pr;
    memset(pr, 0, sizeof *pr);
    pr = &win->eb->pr;
    for (size_t j = 0; j < pr->n_ch; j++) {
        struct parse_chapter *c = &pr->ch[j];
        size_t *o[] = {&c->start, &c->end, &c->front_end, &c->body, &c->back};
        for (size_t m = 0; m < sizeof o / sizeof *o; m++)
            *o[m] = (*o[m] < e0 ? *o[m] : e0) - s0;
    }
    struct library *lib = NULL;
    struct build b = {0};   /* b.snap false: no snapshot of a window */
    char *e = NULL;
    if (scan_tree(path, &b.scan, &e) == 0 && b.scan.n_files == 1) {
        lib = xcalloc(1, sizeof *lib);
        lib->root = xstrdup(path);
        build_init(&b, lib);
        struct cache_stamp st = {0};
        b.memo = true;
        analyse_source(&b, &b.scan.files[0], win, &st);   /* n_ch > 0: keeps win */
        lib = library_build(&b, NULL);
    } else {
        scan_result_free(&b.scan);
    }
    free(e);
    /* analysed: its chapters are no longer wanted (and freeing its ebook
     * the plugin's way would free the text it borrows) */
    derived_chapters_free(&win->eb->pr);
    free(win->eb);
    win->eb = NULL;
    bool ok = lib && lib->n_stories == 1 && lib->n_src == 1 && lib->src[0] == win &&
              lib->stories[0].n_ch > 0 && strcmp(lib->stories[0].ch[0].key, key) == 0;
    if (ok) {
        window_adopt(lib, full, s0);   /* frees win's text: none is owned */
    } else {
        library_free(lib);   /* holds win, when it was built */
        if (!lib)
            decode_free(win);
    }
    return ok ? lib : NULL;
}

/* The most bytes an ebook's window holds past the place (its head's
 * chapters say little of the screen's size). */
#define AT_EBOOK_AFTER ((size_t)64 * 1024)

/* The window's story lib->stories[0] is the head's story hs: its title,
 * author, folder, aliases, metadata and id move over (hs keeps the
 * window's); it is partial, `len` bytes of text at least. */
static void take_head_story(struct library *lib, struct story *hs, size_t len)
{
    struct story *s = &lib->stories[0];
    SWAP(s->title, hs->title);
    SWAP(s->author, hs->author);
    SWAP(s->dir, hs->dir);
    SWAP(s->alias, hs->alias);
    SWAP(s->n_alias, hs->n_alias);
    SWAP(s->meta, hs->meta);
    memcpy(s->id, hs->id, sizeof s->id);
    s->partial = true;
    s->total = hs->total > len ? hs->total : len;
}

/* library_open_at for an ebook whose head came from its derived file
 * (hsrc): the context looked for in its text as in a text file's, each
 * place found tried as `off` bytes into a chapter that begins there; the
 * window is that chapter and the ones after it to about `after` bytes
 * past the place (the derived file's chapters, derived_chapters_from: to
 * the first with words that ends past it, cut at a line's end). */
static struct library *open_at_derived(struct library *head, const char *key, size_t off,
                                       const char *context, double percent, char **err)
{
    struct source *hsrc = head->src[0];
    const char *t = hsrc->text;
    size_t len = hsrc->len;
    /* Bytes read past the place: as many as the head's chapters hold (it
     * was sized to the screen, then made whole chapters: its text is the
     * whole derived text), at most AT_EBOOK_AFTER, at least AT_AFTER_MIN. */
    const struct story *hst = &head->stories[0];
    size_t after = hst->ch[hst->n_ch - 1].ed[0].end;
    after = after < AT_AFTER_MIN ? AT_AFTER_MIN : after > AT_EBOOK_AFTER ? AT_EBOOK_AFTER : after;
    double p = percent < 0 ? 0 : percent > 100 ? 100 : percent;
    size_t est = (size_t)((double)len * p / 100.0);
    size_t radius = 64 * 1024 + len / 2048;
    size_t lo = est > radius ? est - radius : 0, hi = est + radius < len ? est + radius : len;
    struct at_find f = {t, lo, hi, est, off, context, {0}, 0};
    struct library *lib = NULL;
    for (size_t r = AT_NEAR; !lib; r *= 8) {
        size_t slo = est > r && est - r > lo ? est - r : lo;
        size_t shi = est + r < hi ? est + r : hi;
        size_t cand[AT_TRIES];
        size_t n = at_candidates(&f, slo, shi, cand, AT_TRIES - f.n_tried);
        for (size_t c = 0; c < n && !lib; c++) {
            f.tried[f.n_tried++] = cand[c];
            size_t s0 = cand[c] - off;
            size_t e0 = window_end(t, len, cand[c], after);
            if (e0 <= cand[c])
                continue;
            /* the chapters from s0 to e0, the last one with words (a bare
             * heading is joined to the next as the whole story joins it) */
            struct parse_result pr;
            char *format = NULL;
            bool got = derived_chapters_from(&hsrc->derived, s0, e0, &pr, &format);
            free(format);
            if (got && pr.n_ch > 0 && pr.ch[0].start == s0) {
                if (pr.ch[pr.n_ch - 1].end < e0)
                    e0 = pr.ch[pr.n_ch - 1].end;   /* the story's end */
                /* the window's blocks alone are checked (derived_open_head) */
                if (e0 > cand[c] && decode_derived_blocks(hsrc, s0, e0))
                    lib = open_derived_window(head->root, hsrc, &pr, e0, key);
            }
            derived_chapters_free(&pr);
        }
        if ((slo == lo && shi == hi) || f.n_tried == AT_TRIES)
            break;
    }
    if (!lib) {
        /* the head's own blocks again (a window's were tried) */
        const struct story *hs = &head->stories[0];
        if (!decode_derived_blocks(hsrc, 0, hs->ch[hs->n_ch - 1].ed[0].end))
            hsrc->eb->n_blocks = 0;
        set_err(err, "%s: the saved place was not found near %.2f%%", head->root, p);
        return NULL;
    }
    head->src[0] = NULL;   /* now lib's (window_adopt): the head keeps no text */
    take_head_story(lib, &head->stories[0], len);
    return lib;
}

struct library *library_open_at(struct library *head, const char *key, size_t off,
                                const char *context, double percent, char **err)
{
    if (head && head->n_stories == 1 && head->n_src == 1 && head->src[0]->eb &&
        head->src[0]->derived.map && key && key[0] && context && strlen(context) >= 8)
        return open_at_derived(head, key, off, context, percent, err);
    if (!head || head->n_stories != 1 || head->n_src != 1 || head->src[0]->enc != ENC_UTF8 ||
        head->src[0]->fmt != EBOOK_NONE ||   /* an ebook's head: its file is no text */
        !key || !key[0] || !context || strlen(context) < 8) {
        set_err(err, "no place to open at");
        return NULL;
    }
    struct story *hs = &head->stories[0];
    struct source *full = decode_map_unchecked(head->root, err);
    if (!full)
        return NULL;
    size_t len = full->len;
    size_t after = head->src[0]->len > AT_AFTER_MIN ? head->src[0]->len : AT_AFTER_MIN;
    if (after > HEAD_GROW_MAX)
        after = HEAD_GROW_MAX;   /* window_end reads on up to that */
    /* Where the place was, by its percent (two decimals) of the file; its
     * context is looked for around that, nearest first. */
    double p = percent < 0 ? 0 : percent > 100 ? 100 : percent;
    size_t est = (size_t)((double)len * p / 100.0);
    size_t radius = 64 * 1024 + len / 2048;
    size_t lo = est > radius ? est - radius : 0, hi = est + radius < len ? est + radius : len;
    /* Looked for first within AT_NEAR bytes of the estimate, then in
     * ranges eight times wider, up to the radius: nearest first, as one
     * look over the whole range would find them, without reading it all
     * (a short first word, such as "e", is everywhere). */
    struct at_find f = {full->text, lo, hi, est, off, context, {0}, 0};
    for (size_t r = AT_NEAR;; r *= 8) {
        size_t slo = est > r && est - r > lo ? est - r : lo;
        size_t shi = est + r < hi ? est + r : hi;
        size_t cand[AT_TRIES];
        size_t n = at_candidates(&f, slo, shi, cand, AT_TRIES - f.n_tried);
        for (size_t i = 0; i < n; i++) {
            f.tried[f.n_tried++] = cand[i];
            size_t s0 = cand[i] - off;
            if (s0 > 0 && full->text[s0 - 1] != '\n')
                continue;   /* a chapter begins on a line */
            size_t e0 = window_end(full->text, len, cand[i], after);
            if (e0 <= cand[i])
                continue;
            struct library *lib = off > AT_LONG
                ? open_long(head->root, full, s0, cand[i], e0, key)
                : NULL;
            if (!lib)
                lib = open_window(head->root, full, s0, e0, key);
            if (!lib)
                continue;
            take_head_story(lib, hs, len);
            return lib;
        }
        if ((slo == lo && shi == hi) || f.n_tried == AT_TRIES)
            break;
    }
    decode_free(full);
    set_err(err, "%s: the saved place was not found near %.2f%%", head->root, p);
    return NULL;
}
