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

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unistr.h>

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

/* The stories of the files added to b (grouped, ordered, editions
 * matched), saved as the snapshot when b->snap; frees b's scratch. */
static struct library *library_build(struct build *b)
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
    if (b->snap) {
        struct snapshot_origin o = {b->src_file, b->skip_file, b->first_skip};
        snapshot_save(lib->root, b->digest, lib, &o, NULL);   /* best effort */
    }
    build_free(b);
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
    for (size_t i; (i = atomic_fetch_add(&pr->next, 1)) < n;)
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

static void *save_cache(void *arg)
{
    cache_save(arg, NULL);
    cache_free(arg);
    return NULL;
}

/* analyse_file for every scanned file, in 2 threads when there are enough
 * files: each file's analysis depends on that file alone, and they are
 * added to b in the files' order, so the result is the one-thread one. */
static void analyse_all(struct build *b)
{
    size_t n = b->scan.n_files;
    int threads = n >= PAR_MIN_FILES ? build_threads() : 1;
    if (threads < 2) {
        for (size_t i = 0; i < n; i++)
            analyse_one(b, i);
        return;
    }
    struct par pr = {.main = b, .pf = xcalloc(n, sizeof *pr.pf)};
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
        merge_one(b, &pr.pf[i]);
    free(pr.pf);
}

struct library *library_open(const char *root, char **err)
{
    struct build b = {0};
    if (scan_tree(root, &b.scan, err) != 0)
        return NULL;
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
    analyse_all(&b);
    /* The index cache is written (best effort: a cache that can't be
     * written is no error) while the stories are built: nothing below
     * touches it.  On one thread when the build is small. */
    struct cache *c = b.cache;
    b.cache = NULL;
    pthread_t saver;
    bool saving = b.scan.n_files >= PAR_MIN_FILES && build_threads() > 1 &&
                  start_thread(&saver, save_cache, c);
    if (!saving)
        save_cache(c);
    lib = library_build(&b);
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
            /* An EPUB or HTML file is converted whole (the door): no head. */
            free(bytes);
            scan_result_free(&b.scan);
            set_err(err, "%s: an EPUB or HTML file has no head to show first", path);
            return NULL;
        }
        /* Decoded as the whole file will be: the same encoding (a UTF-16
         * BOM or bytes that are not UTF-8 are in the head when they are in
         * the file's start; a head that is UTF-8 where the rest is not is
         * taken over by the reader as any changed text is), so the text is
         * a prefix of the whole file's and so are its offsets. */
        enum decode_reject why;
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
    analyse_source(&b, &b.scan.files[0], src, &st);
    lib = library_build(&b);
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
    if (src->enc == ENC_UTF8 || src->enc == ENC_UTF8_BOM)
        whole = (size_t)file_size - (src->enc == ENC_UTF8_BOM ? 3 : 0);
    else
        whole = (size_t)((double)file_size * (double)src->len / (double)raw);
    if (whole > s->total)
        s->total = whole;
    return lib;
}

/* ---- a long story reopened at a saved place ------------------------------ */

/* Bytes of text laid out after the saved place in the window read. */
#define AT_AFTER ((size_t)64 * 1024)
/* The most places the context is looked for at, nearest the estimate first. */
#define AT_TRIES 8

/* Does text[p, end) begin with `ctx` (bookmarks' context: each white
 * space run in the text is one space in it)?  Returns the length matched
 * in the text, 0 when it does not match. */
static size_t context_at(const char *t, size_t p, size_t end, const char *ctx)
{
    size_t q = p;
    for (const char *c = ctx; *c; c++) {
        if (*c == ' ') {
            if (q >= end || !(t[q] == ' ' || t[q] == '\t' || t[q] == '\n' || t[q] == '\r'))
                return 0;
            while (q < end && (t[q] == ' ' || t[q] == '\t' || t[q] == '\n' || t[q] == '\r'))
                q++;
        } else {
            if (q >= end || t[q] != *c)
                return 0;
            q++;
        }
    }
    return q - p;
}

/* Swap two values of the same type. */
#define SWAP(a, b)                                                                                 \
    do {                                                                                           \
        __typeof__(a) swap_tmp_ = (a);                                                             \
        (a) = (b);                                                                                 \
        (b) = swap_tmp_;                                                                           \
    } while (0)

/* The library of the story in text[s0, e0) of the mapped file `full`,
 * its offsets moved to the file's (`full` then holds its text), or NULL
 * when that window does not begin with the chapter `key`. */
static struct library *open_window(const char *path, struct source *full, size_t s0, size_t e0,
                                   const char *key)
{
    if (u8_check((const uint8_t *)full->text + s0, e0 - s0) != NULL)
        return NULL;
    enum decode_reject why;
    struct source *src = decode_bytes(path, full->text + s0, e0 - s0, &why);
    if (!src)
        return NULL;
    if (src->enc != ENC_UTF8) {
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
    analyse_source(&b, &b.scan.files[0], src, &st);
    lib = library_build(&b);
    struct story *s = lib->n_stories == 1 ? &lib->stories[0] : NULL;
    if (!s || lib->n_src != 1 || lib->src[0] != src || s->n_ch == 0 ||
        strcmp(s->ch[0].key, key) != 0 || s->ch[0].ed[0].start != 0 ||
        (s0 > 0 && s->ch[0].ed[0].title_end != 0)) {   /* a title only at the file's start */
        library_free(lib);
        return NULL;
    }
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
    full->crlf = src->crlf;
    lib->src[0] = full;
    decode_free(src);
    return lib;
}

struct library *library_open_at(struct library *head, const char *key, size_t off,
                                const char *context, double percent, char **err)
{
    if (!head || head->n_stories != 1 || head->n_src != 1 || head->src[0]->enc != ENC_UTF8 ||
        !key || !key[0] || !context || strlen(context) < 8) {
        set_err(err, "no place to open at");
        return NULL;
    }
    struct story *hs = &head->stories[0];
    struct source *full = decode_map_unchecked(head->root, err);
    if (!full)
        return NULL;
    size_t len = full->len;
    /* Where the place was, by its percent (two decimals) of the file; its
     * context is looked for around that, nearest first. */
    double p = percent < 0 ? 0 : percent > 100 ? 100 : percent;
    size_t est = (size_t)((double)len * p / 100.0);
    size_t radius = 64 * 1024 + len / 2048;
    size_t lo = est > radius ? est - radius : 0, hi = est + radius < len ? est + radius : len;
    size_t cand[AT_TRIES], n = 0;   /* the nearest matches, nearest first */
    size_t first = strcspn(context, " ");
    for (size_t q = lo; q + first <= hi;) {
        const char *m = memmem(full->text + q, hi - q, context, first);
        if (!m)
            break;
        size_t at = (size_t)(m - full->text);
        q = at + 1;
        if (at < off || !context_at(full->text, at, hi, context))
            continue;
        size_t d = at > est ? at - est : est - at;
        size_t k = n < AT_TRIES ? n++ : AT_TRIES;
        while (k > 0 && (cand[k - 1] > est ? cand[k - 1] - est : est - cand[k - 1]) > d) {
            if (k < AT_TRIES)
                cand[k] = cand[k - 1];
            k--;
        }
        if (k < AT_TRIES)
            cand[k] = at;
    }
    for (size_t i = 0; i < n; i++) {
        size_t s0 = cand[i] - off;
        if (s0 > 0 && full->text[s0 - 1] != '\n')
            continue;   /* a chapter begins on a line */
        size_t e0 = cand[i] + AT_AFTER < len ? cand[i] + AT_AFTER : len;
        while (e0 < len && e0 > cand[i] && full->text[e0 - 1] != '\n')
            e0--;   /* whole lines */
        if (e0 <= cand[i])
            continue;
        struct library *lib = open_window(head->root, full, s0, e0, key);
        if (!lib)
            continue;
        /* The story is the head's: its title, author, id and the rest. */
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
        return lib;
    }
    decode_free(full);
    set_err(err, "%s: the saved place was not found near %.2f%%", head->root, p);
    return NULL;
}
