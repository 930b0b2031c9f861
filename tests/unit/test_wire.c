/* test_wire.c — the bytes between quire and its converter (ebook_wire.h)
 * and the door that speaks them (ebook_door.h).
 *
 * The wire: a conversion sent and read back is the same ebook, field by
 * field (tests/data's EPUB and HTML files always, ../shared's corpus when
 * it is there); every truncation of a reply, and each kind of garbage
 * (wrong magic, unknown status, chapters or blocks out of order or
 * outside the text, a lying length, an error of two lines), is refused
 * with a reason and nothing kept; requests and the hello round-trip and
 * refuse a wrong version.
 *
 * The door (needs build/quire-convert, which `make quire` builds; skipped
 * with a note without it): a file read through the converter process is
 * the same ebook as converted here, by path, by bytes, and by bytes whose
 * file changed under the same name; a converter killed mid-request or
 * answering garbage gives "converter failed: ..." and the next file is
 * read by a fresh one, as after an idle one was killed; no child is left
 * unreaped; the converter bounds its memory, CPU and core files; reads one
 * after another start one converter, not one per file. */
#include "check.h"
#include "ebook.h"
#include "ebook_door.h"
#include "ebook_wire.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static bool same_str(const char *a, const char *b)
{
    return (!a || !b) ? a == b : strcmp(a, b) == 0;
}

/* Every field of two ebooks equal (the private capacities aside). */
static bool same_ebook(const struct ebook *a, const struct ebook *b)
{
    const struct parse_result *p = &a->pr, *q = &b->pr;
    const struct parse_meta *m = &p->meta, *n = &q->meta;
    if (a->len != b->len || memcmp(a->text, b->text, a->len) != 0 || b->text[b->len] != '\0' ||
        !same_str(a->format, b->format) || !same_str(p->title, q->title) ||
        !same_str(p->author, q->author) || !same_str(p->one_chapter_why, q->one_chapter_why) ||
        p->body != q->body || p->fanficfare != q->fanficfare || p->n_ch != q->n_ch ||
        a->n_blocks != b->n_blocks)
        return false;
    if (!same_str(m->series, n->series) || memcmp(&m->series_index, &n->series_index,
                                                  sizeof m->series_index) != 0 ||
        !same_str(m->summary, n->summary) || m->n_tags != n->n_tags ||
        !same_str(m->rating, n->rating) || !same_str(m->status, n->status) ||
        !same_str(m->source_url, n->source_url) || !same_str(m->language, n->language) ||
        !same_str(m->published, n->published) || !same_str(m->updated, n->updated))
        return false;
    for (size_t i = 0; i < m->n_tags; i++)
        if (!same_str(m->tags[i], n->tags[i]))
            return false;
    for (size_t i = 0; i < p->n_ch; i++) {
        const struct parse_chapter *c = &p->ch[i], *d = &q->ch[i];
        if (c->start != d->start || c->end != d->end || c->front_end != d->front_end ||
            c->body != d->body || c->back != d->back || c->number != d->number ||
            !same_str(c->title, d->title))
            return false;
    }
    for (size_t i = 0; i < a->n_blocks; i++) {
        const struct block *x = &a->blocks[i], *y = &b->blocks[i];
        if (x->off != y->off || x->end != y->end || x->kind != y->kind || x->flags != y->flags)
            return false;
    }
    return true;
}

static bool all_zero(const struct ebook *eb)
{
    static const struct ebook zero;
    return memcmp(eb, &zero, sizeof zero) == 0;
}

/* The reply carrying eb (malloc'd, *len bytes). */
static char *reply_of(int status, const struct ebook *eb, size_t total, const char *msg,
                      size_t *len)
{
    struct buf b = {0};
    struct wire_sink s = {wire_buf_put, &b};
    CHECK("the reply is written", ebook_wire_put_reply(&s, status, eb, total, msg));
    *len = b.len;
    return b.data;
}

/* Decode [p, p+n) as a reply: its status, *out and *err as given. */
static int decode(const char *p, size_t n, struct ebook *out, size_t *total, char **err)
{
    struct wire_mem m = {(const unsigned char *)p, n, 0};
    struct wire_source src = {wire_mem_get, &m};
    return ebook_wire_get_reply(&src, out, total, err);
}

/* eb sent and read back: the same, total too. */
static bool round_trip(const struct ebook *eb, size_t total)
{
    size_t len;
    char *data = reply_of(EBOOK_WIRE_OK, eb, total, NULL, &len);
    struct ebook got;
    size_t t = 0;
    char *err = NULL;
    bool ok = decode(data, len, &got, &t, &err) == EBOOK_WIRE_OK && t == total &&
              same_ebook(eb, &got);
    if (err)
        fprintf(stderr, "test_wire: %s\n", err);
    ebook_wire_free(&got);
    free(err);
    free(data);
    return ok;
}

static enum ebook_format format_of(const char *path)
{
    size_t n = strlen(path);
    return n > 5 && strcmp(path + n - 5, ".epub") == 0 ? EBOOK_EPUB : EBOOK_HTML;
}

static bool is_ebook_name(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".epub") == 0) ||
           (n > 5 && strcmp(name + n - 5, ".html") == 0) ||
           (n > 6 && strcmp(name + n - 6, ".xhtml") == 0);
}

/* Every EPUB and HTML file in dir (one level down too). */
static size_t round_trip_dir(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t done = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *p = xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode) && depth > 0) {
            done += round_trip_dir(p, depth - 1);
        } else if (S_ISREG(st.st_mode) && is_ebook_name(e->d_name)) {
            struct ebook eb;
            char *err = NULL;
            if (ebook_read_file(p, format_of(p), &eb, &err)) {
                char *what = xasprintf("sent and read back, the same: %s", p);
                CHECK(what, round_trip(&eb, eb.len));
                free(what);
                done++;
                ebook_free(&eb);
            }
            free(err);
        }
        free(p);
    }
    closedir(d);
    return done;
}

static void test_round_trip(void)
{
    CHECK("tests/data's EPUBs and HTML: sent and read back",
          round_trip_dir("tests/data/epub", 0) + round_trip_dir("tests/data/html", 0) >= 5);
    size_t n = round_trip_dir("../shared/corpus/ebooks", 1) +
               round_trip_dir("../shared/corpus/fanfic", 0);
    if (n == 0)
        fprintf(stderr, "test_wire: no ../shared corpus: its round trips skipped\n");

    /* everything set, metadata and all */
    struct ebook eb;
    memset(&eb, 0, sizeof eb);
    eb.text = xstrdup("Title\n\nChapter 1\n\nSome words.\n");
    eb.len = strlen(eb.text);
    eb.format = xstrdup("EPUB 3");
    eb.pr.title = xstrdup("Title");
    eb.pr.author = NULL;
    eb.pr.one_chapter_why = xstrdup("why");
    eb.pr.body = 7;
    eb.pr.fanficfare = true;
    eb.pr.meta.series = xstrdup("The Long Road");
    eb.pr.meta.series_index = 1.5;
    eb.pr.meta.summary = xstrdup("One.\n\nTwo.");
    eb.pr.meta.n_tags = 2;
    eb.pr.meta.tags = xcalloc(2, sizeof *eb.pr.meta.tags);
    eb.pr.meta.tags[0] = xstrdup("Fluff");
    eb.pr.meta.tags[1] = xstrdup("");
    eb.pr.meta.updated = xstrdup("2024-01-02");
    eb.pr.n_ch = 1;
    eb.pr.ch = xcalloc(1, sizeof *eb.pr.ch);
    eb.pr.ch[0] = (struct parse_chapter){.start = 7, .end = eb.len, .front_end = 7, .body = 17,
                                         .back = eb.len, .title = xstrdup("Chapter 1"),
                                         .number = PARSE_EPILOGUE + 2};
    eb.n_blocks = 2;
    eb.blocks = xcalloc(2, sizeof *eb.blocks);
    eb.blocks[0] = (struct block){7, 16, BLOCK_HEADING, 0};
    eb.blocks[1] = (struct block){18, 29, BLOCK_PARA, BLOCK_FRONT | BLOCK_QUOTE};
    CHECK("every field sent and read back", round_trip(&eb, 123456789));

    /* garbage in the fields: each refused, nothing kept */
    static const char *const bad[] = {
        "a chapter ending past the text: refused", "a block past the text: refused",
        "a block of no known kind: refused", "blocks out of order: refused",
        "a chapter's parts out of order: refused", "a chapter before the body: refused",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct ebook e = eb;
        struct parse_chapter ch = eb.pr.ch[0];
        struct block bl[2] = {eb.blocks[0], eb.blocks[1]};
        e.pr.ch = &ch;
        e.blocks = bl;
        switch (i) {
        case 0: ch.end = eb.len + 1; ch.back = ch.end; break;
        case 1: bl[1].end = eb.len + 1; break;
        case 2: bl[0].kind = 9; break;
        case 3: bl[0].off = 20; bl[0].end = 21; break;
        case 4: ch.body = ch.back + 1; break;
        case 5: ch.start = 3; ch.front_end = 3; break;
        }
        size_t len;
        char *data = reply_of(EBOOK_WIRE_OK, &e, 0, NULL, &len);
        struct ebook got;
        char *err = NULL;
        CHECK(bad[i], decode(data, len, &got, NULL, &err) == -1 && all_zero(&got) && err);
        free(err);
        free(data);
    }

    /* every truncation of a reply refused cleanly */
    size_t len;
    char *data = reply_of(EBOOK_WIRE_OK, &eb, 7, NULL, &len);
    bool all_refused = true;
    for (size_t cut = 0; cut < len; cut++) {
        struct ebook got;
        char *err = NULL;
        if (decode(data, cut, &got, NULL, &err) != -1 || !all_zero(&got) || !err)
            all_refused = false;
        free(err);
    }
    CHECK("every truncation of a reply is refused, nothing kept", all_refused);
    /* a lying length: a text said to be 1 GiB in a short reply */
    memcpy(data + 4 + 1 + 8, "\x00\x00\x00\x40\x00\x00\x00\x00", 8);
    struct ebook got;
    char *err = NULL;
    CHECK("a text longer than what follows: refused",
          decode(data, len, &got, NULL, &err) == -1 && all_zero(&got));
    CHECK_STR("saying why", err, "the reply ends early");
    memcpy(data + 4 + 1 + 8, "\x00\x00\x00\x00\x01\x00\x00\x00", 8);
    CHECK("a text longer than allowed: refused", decode(data, len, &got, NULL, &err) == -1);
    CHECK_STR("saying why", err, "a text longer than allowed");
    data[0] = 'X';
    CHECK("a wrong magic: refused", decode(data, len, &got, NULL, &err) == -1);
    CHECK_STR("saying why", err, "not a reply");
    data[0] = 'Q';
    data[4] = 7;
    CHECK("an unknown status: refused", decode(data, len, &got, NULL, &err) == -1);
    free(data);
    free(err);
    err = NULL;
    ebook_free(&eb);

    /* error and changed replies */
    data = reply_of(EBOOK_WIRE_ERROR, NULL, 0, "DRM-protected: cannot be read", &len);
    CHECK("an error reply", decode(data, len, &got, NULL, &err) == EBOOK_WIRE_ERROR);
    CHECK_STR("carries the converter's line", err, "DRM-protected: cannot be read");
    free(data);
    data = reply_of(EBOOK_WIRE_ERROR, NULL, 0, "two\nlines", &len);
    CHECK("an error of two lines: refused", decode(data, len, &got, NULL, &err) == -1);
    free(data);
    data = reply_of(EBOOK_WIRE_CHANGED, NULL, 0, NULL, &len);
    CHECK("a changed reply", decode(data, len, &got, NULL, &err) == EBOOK_WIRE_CHANGED);
    free(data);
    free(err);
    static const char junk[] = "QRP1\001garbage, not an ebook";
    err = NULL;
    CHECK("the converter's test garbage: refused",
          decode(junk, sizeof junk - 1, &got, NULL, &err) == -1 && all_zero(&got) && err);
    free(err);
}

static void test_request(void)
{
    static const unsigned char bytes[] = "<html><body><p>Hi</p></body></html>";
    struct ebook_wire_req q = {.op = EBOOK_WIRE_READ_HEAD, .format = EBOOK_EPUB, .head = 65536,
                               .name = "story.epub", .bytes = bytes, .n = sizeof bytes - 1};
    struct buf b = {0};
    struct wire_sink s = {wire_buf_put, &b};
    CHECK("a request with bytes is written", ebook_wire_put_request(&s, &q));
    struct wire_mem m = {(const unsigned char *)b.data, b.len, 0};
    struct wire_source src = {wire_mem_get, &m};
    struct ebook_wire_req r;
    char *err = NULL;
    CHECK("and read back", ebook_wire_get_request(&src, &r, &err));
    CHECK("the same", r.op == q.op && r.format == q.format && r.head == q.head && !r.path &&
                          same_str(r.name, q.name) && r.n == q.n &&
                          memcmp(r.bytes, bytes, q.n) == 0);
    ebook_wire_req_free(&r);
    CHECK("then the end of the stream: no request, no error",
          !ebook_wire_get_request(&src, &r, &err) && !err);
    bool all_refused = true;
    for (size_t cut = 1; cut < b.len; cut++) {
        struct wire_mem t = {(const unsigned char *)b.data, cut, 0};
        struct wire_source ts = {wire_mem_get, &t};
        if (ebook_wire_get_request(&ts, &r, &err) || !err)
            all_refused = false;
        free(err);
        err = NULL;
    }
    CHECK("every truncation of a request is refused with a reason", all_refused);
    b.data[4] = 9;   /* op */
    m.pos = 0;
    CHECK("an unknown op: refused", !ebook_wire_get_request(&src, &r, &err) && err);
    free(err);
    err = NULL;
    free(b.data);

    struct ebook_wire_req p = {.op = EBOOK_WIRE_READ_BYTES, .format = EBOOK_HTML,
                               .name = "x.html", .path = xstrdup("/tmp/x.html"), .dev = 1,
                               .ino = 2, .size = 3, .mtime_ns = -4, .sample = 5,
                               .bytes = bytes, .n = 3};
    struct buf c = {0};
    struct wire_sink cs = {wire_buf_put, &c};
    CHECK("a request by path is written", ebook_wire_put_request(&cs, &p));
    struct wire_mem cm = {(const unsigned char *)c.data, c.len, 0};
    struct wire_source csrc = {wire_mem_get, &cm};
    CHECK("and read back", ebook_wire_get_request(&csrc, &r, &err));
    CHECK("the same, without the bytes",
          same_str(r.path, "/tmp/x.html") && r.dev == 1 && r.ino == 2 && r.size == 3 &&
              r.mtime_ns == -4 && r.sample == 5 && r.n == 0 && !r.bytes);
    ebook_wire_req_free(&r);
    free(p.path);
    free(c.data);

    struct buf h = {0};
    struct wire_sink hs = {wire_buf_put, &h};
    CHECK("the hello is written", ebook_wire_put_hello(&hs));
    struct wire_mem hm = {(const unsigned char *)h.data, h.len, 0};
    struct wire_source hsrc = {wire_mem_get, &hm};
    CHECK("and accepted", ebook_wire_get_hello(&hsrc, &err));
    h.data[4] = (char)(EBOOK_VERSION + 1);
    hm.pos = 0;
    CHECK("another ebook version's: refused", !ebook_wire_get_hello(&hsrc, &err));
    CHECK("saying so", err && strstr(err, "for another quire"));
    free(h.data);
    free(err);

    unsigned char big[10000];
    memset(big, 'a', sizeof big);
    uint64_t s0 = ebook_wire_sample(big, sizeof big);
    big[9999] = 'b';
    CHECK("the sample sees a change in the last 4 KiB", ebook_wire_sample(big, sizeof big) != s0);
    CHECK("and a change of length", ebook_wire_sample(big, sizeof big - 1) != s0);
}

/* A socket carries a large reply whole (buffered reads and writes, a
 * large text read straight to its place). */
struct writer {
    int fd;
    const struct ebook *eb;
    bool ok;
};

static void *write_reply(void *arg)
{
    struct writer *w = arg;
    struct wire_fd *out = xcalloc(1, sizeof *out);
    out->fd = w->fd;
    struct wire_sink s = {wire_fd_put, out};
    w->ok = ebook_wire_put_reply(&s, EBOOK_WIRE_OK, w->eb, 1, NULL) && wire_fd_flush(out);
    free(out);
    close(w->fd);
    return NULL;
}

static void test_socket(void)
{
    struct ebook eb;
    memset(&eb, 0, sizeof eb);
    eb.len = 3 << 20;
    eb.text = xmalloc(eb.len + 1);
    for (size_t i = 0; i < eb.len; i++)
        eb.text[i] = (char)('a' + i % 23);
    eb.text[eb.len] = '\0';
    eb.n_blocks = 20000;
    eb.blocks = xcalloc(eb.n_blocks, sizeof *eb.blocks);
    for (size_t i = 0; i < eb.n_blocks; i++)
        eb.blocks[i] = (struct block){i * 100, i * 100 + 50, BLOCK_PARA, 0};
    int sv[2];
    CHECK("a socket pair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    struct writer w = {sv[1], &eb, false};
    pthread_t t;
    pthread_create(&t, NULL, write_reply, &w);
    struct wire_fd *in = xcalloc(1, sizeof *in);
    in->fd = sv[0];
    struct wire_source src = {wire_fd_get, in};
    struct ebook got;
    char *err = NULL;
    CHECK("3 MiB and 20,000 blocks over a socket: read",
          ebook_wire_get_reply(&src, &got, NULL, &err) == EBOOK_WIRE_OK);
    pthread_join(t, NULL);
    CHECK("written", w.ok);
    CHECK("the same", same_ebook(&eb, &got));
    ebook_wire_free(&got);
    ebook_free(&eb);
    free(in);
    free(err);
    close(sv[0]);
}

/* ---- the door, through build/quire-convert ---- */

static size_t starts(const char *log)
{
    size_t len = 0, n = 0;
    char *err = NULL;
    char *s = read_file(log, &len, &err);
    free(err);
    for (size_t i = 0; s && i < len; i++)
        n += s[i] == '\n';
    free(s);
    return n;
}

/* The pid on the log's last "start PID EXE" line, or -1. */
static pid_t last_pid(const char *log)
{
    size_t len = 0;
    char *err = NULL;
    char *s = read_file(log, &len, &err);
    free(err);
    long pid = -1;
    for (char *p = s; p && (p = strstr(p, "start ")) != NULL; p += 6)
        pid = strtol(p + 6, NULL, 10);
    free(s);
    return (pid_t)pid;
}

/* Has the child pid died (a zombie, not yet reaped)? */
static bool is_zombie(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    bool z = false;
    if (f && fgets(buf, sizeof buf, f)) {
        char *p = strrchr(buf, ')');
        z = p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
    }
    if (f)
        fclose(f);
    return z || !f;
}

static bool door_same(const char *path, const char *as)
{
    struct ebook want, got;
    char *e1 = NULL, *e2 = NULL;
    size_t len;
    char *bytes = read_file(path, &len, &e1);
    bool ok = bytes && ebook_read_file(path, format_of(path), &want, &e1);
    if (!ok) {
        free(bytes);
        free(e1);
        return false;
    }
    if (strcmp(as, "path") == 0)
        ok = ebook_door_read(path, format_of(path), &got, &e2);
    else
        ok = ebook_door_read_bytes(strcmp(as, "name") == 0 ? path : "no/such/file.epub",
                                   format_of(path), bytes, len, &got, &e2);
    ok = ok && same_ebook(&want, &got);
    if (e2)
        fprintf(stderr, "test_wire: %s: %s\n", path, e2);
    ebook_free(&want);
    ebook_door_free(&got);
    free(bytes);
    free(e1);
    free(e2);
    return ok;
}

static void test_door(const char *tmp)
{
    const char *conv = getenv("QUIRE_CONVERTER");
    if (!conv || !*conv)
        setenv("QUIRE_CONVERTER", "build/quire-convert", 1);
    conv = getenv("QUIRE_CONVERTER");
    if (access(conv, X_OK) != 0) {
        fprintf(stderr, "test_wire: no %s (make quire): the door checks skipped\n", conv);
        return;
    }
    char *log = xasprintf("%s/starts", tmp);
    setenv("QUIRE_TEST_CONVERTER_LOG", log, 1);
    setenv("QUIRE_TEST_CONVERT_DIE", "die-here", 1);
    setenv("QUIRE_TEST_CONVERT_GARBAGE", "garbage-here", 1);
    CHECK("nothing started yet", !ebook_door_loaded());

    static const char *const files[] = {"tests/data/epub/valid-epub3.epub",
                                        "tests/data/epub/valid-epub2.epub",
                                        "tests/data/html/ao3_download.html",
                                        "tests/data/html/fanficfare.html"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char *what = xasprintf("through the converter, by path: %s", files[i]);
        CHECK(what, door_same(files[i], "path"));
        free(what);
        what = xasprintf("by its mapping's name: %s", files[i]);
        CHECK(what, door_same(files[i], "name"));
        free(what);
        what = xasprintf("by bytes: %s", files[i]);
        CHECK(what, door_same(files[i], "bytes"));
        free(what);
    }
    CHECK("started", ebook_door_loaded());
    CHECK_INT("twelve reads one after another: one converter", starts(log), 1);
    /* it bounds itself: memory, CPU per request, no core file */
    char *lim_path = xasprintf("/proc/%ld/limits", (long)last_pid(log));
    size_t lim_len;
    char *lim_err = NULL;
    char *lim = read_file(lim_path, &lim_len, &lim_err);
    struct rlimit as;
    if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_max == RLIM_INFINITY)
        CHECK("the converter's limits: 4 GiB of address space",
              lim && strstr(lim, "Max address space         4294967296           4294967296"));
    CHECK("no core file", lim && strstr(lim, "Max core file size        0                    0"));
    CHECK("a CPU limit (soft)", lim && !strstr(lim, "Max cpu time              unlimited            "));
    free(lim);
    free(lim_err);
    free(lim_path);

    /* the head of an EPUB: the same as here */
    size_t len;
    char *err = NULL;
    const char *g = "tests/data/epub/gutenberg.epub";
    char *bytes = read_file(g, &len, &err);
    struct ebook want, got;
    size_t t1 = 0, t2 = 0;
    char *e1 = NULL, *e2 = NULL;
    bool h1 = ebook_read_bytes_head(g, EBOOK_EPUB, bytes, len, 2048, &want, &t1, &e1);
    bool h2 = ebook_door_read_head(g, EBOOK_EPUB, bytes, len, 2048, &got, &t2, &e2);
    CHECK("a head through the converter: as here", h1 == h2 && (!h1 || (same_ebook(&want, &got) &&
                                                                     t1 == t2)));
    CHECK("or the same error", h1 || same_str(e1, e2));
    if (h1)
        ebook_free(&want);
    if (h2)
        ebook_door_free(&got);
    free(e1);
    free(e2);
    e1 = e2 = NULL;

    /* the file changed under the same name (same size): the bytes rule */
    char *changed = xasprintf("%s/changed.epub", tmp);
    char *other = xmalloc(len);
    memset(other, 'x', len);
    FILE *f = fopen(changed, "w");
    CHECK("a file of the same size, other bytes", f && fwrite(other, 1, len, f) == len &&
                                                       fclose(f) == 0);
    bool c1 = ebook_read_bytes(changed, EBOOK_EPUB, bytes, len, &want, &e1);
    bool c2 = ebook_door_read_bytes(changed, EBOOK_EPUB, bytes, len, &got, &e2);
    CHECK("its name's file changed: the caller's bytes are converted",
          c1 && c2 && same_ebook(&want, &got));
    ebook_free(&want);
    ebook_door_free(&got);
    free(e1);
    free(e2);
    e1 = e2 = NULL;

    /* killed mid-request, then garbage: an error line, and a fresh one */
    CHECK("a converter killed mid-request: the file is not read",
          !ebook_door_read_bytes("die-here.epub", EBOOK_EPUB, bytes, len, &got, &e1));
    CHECK("saying so", e1 && strncmp(e1, "converter failed: ", 18) == 0 && !strchr(e1, '\n'));
    if (e1)
        fprintf(stderr, "test_wire: (expected) %s\n", e1);
    CHECK("the next file is read", door_same(files[0], "path"));
    CHECK("a converter answering garbage: the file is not read",
          !ebook_door_read_bytes("garbage-here.epub", EBOOK_EPUB, bytes, len, &got, &e2));
    CHECK("saying so", e2 && strncmp(e2, "converter failed: ", 18) == 0);
    if (e2)
        fprintf(stderr, "test_wire: (expected) %s\n", e2);
    CHECK("the next file is read", door_same(files[2], "bytes"));
    CHECK_INT("a fresh converter after each", starts(log), 3);
    int st;
    CHECK("no child left unreaped", waitpid(-1, &st, WNOHANG) <= 0);
    free(e1);
    free(e2);

    /* a converter's own error is the file's */
    CHECK("not a zip: refused by the converter",
          !ebook_door_read_bytes("bad.epub", EBOOK_EPUB, "not a zip", 9, &got, &err));
    CHECK_STR("with its line", err, "not a zip archive");
    CHECK_INT("and the converter goes on", starts(log), 3);
    free(err);

    /* an idle converter killed from outside: the next file goes to a
       fresh one, and is read */
    pid_t idle = last_pid(log);
    CHECK("the idle converter's pid", idle > 0 && kill(idle, SIGKILL) == 0);
    while (!is_zombie(idle))
        usleep(1000);   /* wait for the event: it is dead (not yet reaped) */
    CHECK("an idle converter killed: the next file is still read", door_same(files[1], "path"));
    CHECK_INT("by a fresh converter", starts(log), 4);
    CHECK("the killed one reaped", waitpid(idle, &st, WNOHANG) < 0 && errno == ECHILD);
    free(other);
    unlink(changed);
    free(changed);
    free(bytes);
    unlink(log);
    free(log);
}

int main(void)
{
    char tmp[] = "/tmp/quire-wire-XXXXXX";
    CHECK("mkdtemp", mkdtemp(tmp) != NULL);
    test_round_trip();
    test_request();
    test_socket();
    test_door(tmp);
    rmdir(tmp);
    return check_summary();
}
