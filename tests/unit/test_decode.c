/* test_decode.c — decoding files into UTF-8 text (decode.h). */
#include "check.h"
#include "decode.h"
#include "mapguard.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DATA "tests/data/parse/"

static size_t count_sub(const char *s, size_t n, const char *sub)
{
    size_t k = strlen(sub), c = 0;
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, sub, k) == 0)
            c++;
    return c;
}

static bool contains(const struct source *s, const char *sub)
{
    return count_sub(s->text, s->len, sub) > 0;
}

static struct source *open_ok(const char *path)
{
    enum decode_reject why = DECODE_ERROR;
    char *err = NULL;
    struct source *s = decode_open(path, &why, &err);
    if (!s)
        fprintf(stderr, "could not open %s: %d %s\n", path, why, err ? err : "");
    free(err);
    return s;
}

static enum decode_reject reject_of(const char *path, char **errp)
{
    enum decode_reject why = DECODE_OK;
    char *err = NULL;
    struct source *s = decode_open(path, &why, &err);
    decode_free(s);
    if (errp)
        *errp = err;
    else
        free(err);
    return s ? DECODE_OK : why;
}

static void test_lines(void)
{
    const char *t = "one\r\ntwo\rthree\nfour";
    size_t pos = 0, l, le, n = 0;
    const char *want[] = {"one", "two", "three", "four"};
    while (decode_next_line(t, strlen(t), &pos, &l, &le)) {
        if (n < 4)
            CHECK("LF, CR LF and lone CR all end a line",
                  le - l == strlen(want[n]) && memcmp(t + l, want[n], le - l) == 0);
        n++;
    }
    CHECK_INT("four lines from mixed line ends", n, 4);

    const char *t2 = "a\r\n\r\n\rb\r";
    pos = 0;
    n = 0;
    size_t lens[8];
    while (decode_next_line(t2, strlen(t2), &pos, &l, &le) && n < 8)
        lens[n++] = le - l;
    CHECK_INT("blank lines survive CR LF / CR: a, '', '', b", n, 4);
    CHECK("blank lines have zero length", n == 4 && lens[1] == 0 && lens[2] == 0 && lens[3] == 1);
    pos = 0;
    CHECK("empty text has no lines", !decode_next_line("", 0, &pos, &l, &le));
}

static void test_utf8(void)
{
    struct source *s = open_ok("sample_library/Almost Heaven/003_e00f50334e6292c3.txt");
    CHECK("a seed story opens", s != NULL);
    if (s) {
        CHECK("valid UTF-8 is UTF-8", s->enc == ENC_UTF8);
        CHECK("valid UTF-8 is mapped, not copied", s->map != NULL && s->owned == NULL &&
                                                        s->text == (const char *)s->map);
        CHECK_INT("nothing invalid in a clean file", s->invalid, 0);
        CHECK("text starts with the title", strncmp(s->text, "Almost Heaven", 13) == 0);
        CHECK_INT("size recorded", s->size, 8115);
        CHECK("mtime recorded", s->mtime > 0);
    }
    decode_free(s);

    s = open_ok("tests/data/corpus/alice-in-wonderland_pg11-0.txt");
    CHECK("Alice opens", s != NULL);
    if (s) {
        CHECK("BOM is recognised", s->enc == ENC_UTF8_BOM);
        CHECK("text starts after the BOM", strncmp(s->text, "Project Gutenberg", 17) == 0);
        CHECK("CR LF noticed", s->crlf);
        CHECK_INT("length excludes the BOM", s->len, 173595 - 3);
    }
    decode_free(s);

    enum decode_reject why;
    char buf[] = "\xEF\xBB\xBFhello\n";
    s = decode_bytes("mem", buf, sizeof buf - 1, &why);
    CHECK("decode_bytes copies valid UTF-8", s && s->owned && s->enc == ENC_UTF8_BOM);
    if (s) {
        buf[3] = 'J';
        CHECK("the caller's buffer is not referenced", s->len == 6 && s->text[0] == 'h');
    }
    decode_free(s);
    decode_free(NULL);
}

/* One bad byte must not turn a UTF-8 story into mojibake (issue 14 #13):
 * seed 003 (the sample library's copy) with FF FE inserted is UTF-8 with
 * two U+FFFD, every curly quote intact. */
static void test_utf8_bad_bytes(void)
{
    char *err = NULL;
    size_t n = 0;
    char *seed = read_file("sample_library/Almost Heaven/003_e00f50334e6292c3.txt", &n, &err);
    CHECK("seed 003 reads", seed != NULL);
    if (!seed) {
        free(err);
        return;
    }
    const char *at = strstr(seed, "Buffy paced");
    CHECK("the place to insert is there", at != NULL);
    size_t cut = at ? (size_t)(at - seed) : 0;
    char *bad = xmalloc(n + 2);
    memcpy(bad, seed, cut);
    memcpy(bad + cut, "\xFF\xFE", 2);
    memcpy(bad + cut + 2, seed + cut, n - cut);
    enum decode_reject why;
    struct source *s = decode_bytes("bad.txt", bad, n + 2, &why);
    CHECK("it still opens", s != NULL);
    if (s) {
        CHECK("as UTF-8, not Windows-1252", s->enc == ENC_UTF8);
        CHECK_INT("each bad byte counted", s->invalid, 2);
        CHECK_INT("each bad byte is one U+FFFD", count_sub(s->text, s->len, "\xEF\xBF\xBD"), 2);
        CHECK_INT("two U+FFFD (3 bytes each) in place of two bytes", s->len, n + 6);
        CHECK("in place of the bad bytes",
              memcmp(s->text + cut, "\xEF\xBF\xBD\xEF\xBF\xBD" "Buffy paced", 17) == 0);
        CHECK_INT("no mojibake curly quote", count_sub(s->text, s->len, "\xC3\xA2\xE2\x82\xAC"), 0);
        CHECK_INT("every curly quote as it was", count_sub(s->text, s->len, "\xE2\x80\x9C"),
                  count_sub(seed, n, "\xE2\x80\x9C"));
        CHECK("the rest byte for byte", memcmp(s->text + cut + 6, seed + cut, n - cut) == 0);
    }
    decode_free(s);
    /* Windows-1252 with one accidental UTF-8 pair stays Windows-1252. */
    const char w[] = "caf\xE9 na\xEFve r\xE9sum\xE9 \xC3\xA9 \xE0 la \xFC" "ber\n";
    s = decode_bytes("w.txt", w, sizeof w - 1, &why);
    CHECK("mostly lone high bytes: Windows-1252", s && s->enc == ENC_CP1252);
    decode_free(s);
    free(bad);
    free(seed);
}

static void test_cp1252(void)
{
    struct source *s = open_ok(DATA "cp1252_crlf.txt");
    CHECK("Windows-1252 file opens", s != NULL);
    if (!s)
        return;
    CHECK("invalid UTF-8 is read as Windows-1252", s->enc == ENC_CP1252);
    CHECK("0x93/0x94 are curly double quotes", contains(s, "\xE2\x80\x9C" "bonjour" "\xE2\x80\x9D"));
    CHECK("0x92 is a right single quote", contains(s, "s\xE2\x80\x99" "en"));
    CHECK("0x85 is an ellipsis", contains(s, "alla\xE2\x80\xA6"));
    CHECK("0x96 is an en dash", contains(s, "\xE2\x80\x93"));
    CHECK("0xA0 is a no-break space", contains(s, "Note\xC2\xA0:"));
    CHECK("0xE9 is e-acute", contains(s, "ind\xC3\xA9" "fini"));
    CHECK_INT("the undefined byte 0x81 is counted", s->invalid, 1);
    CHECK("and shown as U+FFFD, not dropped", contains(s, ": \xEF\xBF\xBD ici"));
    CHECK("CR LF normalised to LF", memchr(s->text, '\r', s->len) == NULL && !s->crlf);
    CHECK("converted text is owned, not mapped", s->owned && !s->map);
    decode_free(s);

    s = open_ok("tests/data/corpus/die-verwandlung-de_pg22367-8.latin1.txt");
    if (s) {
        CHECK("Latin-1 Kafka decodes without invalid bytes", s->invalid == 0 && s->enc == ENC_CP1252);
        CHECK_INT("its 49 NBSP bytes become U+00A0", count_sub(s->text, s->len, "\xC2\xA0"), 49);
        CHECK("umlauts decode", contains(s, "Tr\xC3\xA4umen"));
    }
    decode_free(s);
}

static void test_utf16(void)
{
    const char *want = "Title Line by Some Author\n\nFirst paragraph \xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80.\n"
                       "Second line\nThird line\n";
    const char *files[] = {DATA "utf16le.txt", DATA "utf16be.txt"};
    for (int i = 0; i < 2; i++) {
        struct source *s = open_ok(files[i]);
        CHECK("UTF-16 file with BOM opens", s != NULL);
        if (!s)
            continue;
        CHECK("byte order recognised", s->enc == (i == 0 ? ENC_UTF16LE : ENC_UTF16BE));
        CHECK("UTF-16 converted exactly (surrogate pair, CR LF and CR -> LF)",
              s->len == strlen(want) && memcmp(s->text, want, s->len) == 0);
        CHECK_INT("nothing invalid", s->invalid, 0);
        decode_free(s);
    }
    struct source *s = open_ok(DATA "utf16le_odd.txt");
    CHECK("odd-length UTF-16 opens", s != NULL);
    if (s) {
        CHECK_INT("the odd trailing byte is counted", s->invalid, 1);
        CHECK("and becomes U+FFFD", s->len == 6 && memcmp(s->text, "ab\n\xEF\xBF\xBD", 6) == 0);
    }
    decode_free(s);
    s = open_ok(DATA "utf16le_lone.txt");
    if (s) {
        CHECK_INT("a lone surrogate is counted", s->invalid, 1);
        CHECK("and becomes U+FFFD between its neighbours", contains(s, "x\xEF\xBF\xBDy"));
    }
    decode_free(s);
    enum decode_reject why;
    s = decode_bytes("mem", "\xFF\xFE", 2, &why);
    CHECK("a UTF-16 BOM alone is empty", !s && why == DECODE_EMPTY);
}

static void test_rejects(void)
{
    CHECK("zero bytes is empty", reject_of(DATA "empty.txt", NULL) == DECODE_EMPTY);
    CHECK("only white space is empty", reject_of(DATA "blank.txt", NULL) == DECODE_EMPTY);
    CHECK("a BOM and newlines is empty", reject_of(DATA "bom_only.txt", NULL) == DECODE_EMPTY);
    CHECK("NUL bytes are binary", reject_of(DATA "binary.bin", NULL) == DECODE_BINARY);
    CHECK("mostly control bytes is binary", reject_of(DATA "controls.txt", NULL) == DECODE_BINARY);

    /* The line between text and binary: more than 1 control byte in 8.
     * DEL and C0 controls count; tab, the line ends, form feed, ESC and
     * the DOS end-of-file mark do not. */
    const char ctl[] = {0x01, 0x02, 0x07, 0x08, 0x0E, 0x10, 0x19, 0x1C, 0x1F, 0x7F, 0x05, 0x06,
                        0x03};
    const char free_ctl[] = {'\t', '\n', '\v', '\f', '\r', 0x1B, 0x1A};
    for (size_t k = 12; k <= 13; k++) {
        char buf[100];
        memset(buf, 'a', sizeof buf);
        for (size_t i = 0; i < k; i++)
            buf[i * 7] = ctl[i];
        for (size_t i = 0; i < sizeof free_ctl; i++)
            buf[i * 7 + 3] = free_ctl[i];
        enum decode_reject why = DECODE_OK;
        struct source *s = decode_bytes("mem", buf, sizeof buf, &why);
        CHECK(k == 12 ? "12 control bytes in 100 are text" : "13 control bytes in 100 are binary",
              k == 12 ? s != NULL : !s && why == DECODE_BINARY);
        decode_free(s);
    }

    /* The same line for any mix of bytes: the check eight bytes at a
     * time against a count byte by byte (a tab or a line end beside a
     * control byte, controls at every place in a word, every length). */
    static const unsigned char counts[] = {
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13,
        0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1C, 0x1D, 0x1E, 0x1F, 0x7F,
    };
    static const unsigned char other[] = {'a', 'Z', ' ', '~', '\t', '\n', '\v', '\f', '\r', 0x1A,
                                          0x1B, 0x20, 0x7E, 0x80, 0xC3, 0xA9, 0xE2, 0x09};
    unsigned x = 12345;
    size_t agree = 0, tries = 4000, binary = 0;
    for (size_t t = 0; t < tries; t++) {
        unsigned char buf[200];
        x = x * 1103515245u + 12345u;
        size_t n = 1 + (x >> 8) % sizeof buf, n_ctl = 0;
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            bool c = (x >> 10) % 100 < 9 + (t % 7);
            buf[i] = c ? counts[(x >> 16) % sizeof counts] : other[(x >> 16) % sizeof other];
            n_ctl += c;
        }
        bool want = n_ctl * 8 > n;
        enum decode_reject why = DECODE_OK;
        struct source *s = decode_bytes("mem", buf, n, &why);
        agree += want == (!s && why == DECODE_BINARY);
        binary += want;
        decode_free(s);
    }
    CHECK_INT("random bytes: binary exactly when more than 1 in 8 control bytes count", agree,
              tries);
    CHECK("and both verdicts are tried", binary > tries / 10 && binary < tries * 9 / 10);

    char *err = NULL;
    CHECK("a missing file is an error", reject_of(DATA "no-such-file.txt", &err) == DECODE_ERROR);
    CHECK_STR("error names the path and why", err, DATA "no-such-file.txt: No such file or directory");
    free(err);
    err = NULL;
    CHECK("a folder is an error, not a hang", reject_of("tests/data", &err) == DECODE_ERROR);
    CHECK_STR("folder error message", err, "tests/data: Is a directory");
    free(err);

    char dir[] = "/tmp/quire-decode-XXXXXX";
    if (mkdtemp(dir)) {
        char *fifo = xasprintf("%s/fifo", dir);
        if (mkfifo(fifo, 0600) == 0) {
            err = NULL;
            CHECK("a FIFO is refused without waiting for a writer",
                  reject_of(fifo, &err) == DECODE_ERROR);
            CHECK("FIFO error says why", err && strstr(err, "not a regular file"));
            free(err);
            unlink(fifo);
        }
        char *locked = xasprintf("%s/locked.txt", dir);
        FILE *f = fopen(locked, "w");
        if (f) {
            fputs("secret text\n", f);
            fclose(f);
            chmod(locked, 0);
            err = NULL;
            enum decode_reject why = reject_of(locked, &err);
            if (geteuid() != 0) {
                CHECK("an unreadable file is an error", why == DECODE_ERROR);
                CHECK("with the path and strerror", err && strstr(err, "Permission denied"));
            } else {
                CHECK("root reads the file anyway (chmod 000 does not bind root)", why == DECODE_OK);
            }
            free(err);
            unlink(locked);
        }
        free(locked);
        free(fifo);
        rmdir(dir);
    }
}

static void test_huge_line(void)
{
    size_t n = 5u << 20;
    char *big = xmalloc(n);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 26);
    enum decode_reject why;
    struct source *s = decode_bytes("big", big, n, &why);
    CHECK("5 MB without a newline decodes", s != NULL && s->len == n);
    if (s) {
        size_t pos = 0, l, le, lines = 0;
        while (decode_next_line(s->text, s->len, &pos, &l, &le))
            lines++;
        CHECK_INT("and is one line", lines, 1);
    }
    decode_free(s);
    free(big);
}

/* A mapped file cut short while its source is open: reading past the new
 * end must not raise SIGBUS (mapguard: zero pages, a flag); the stamp says
 * it changed; a file that grows is a change too. */
static void test_shrink_while_mapped(void)
{
    char path[] = "/tmp/quire-dec-XXXXXX";
    int fd = mkstemp(path);
    CHECK("mkstemp", fd >= 0);
    long page = sysconf(_SC_PAGESIZE);
    size_t n = (size_t)page * 4;
    char *text = xmalloc(n);
    for (size_t i = 0; i < n; i++)
        text[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
    CHECK("write", write(fd, text, n) == (ssize_t)n);
    close(fd);
    struct source *src = open_ok(path);
    CHECK("the file is mapped, not copied", src && src->map != NULL);
    CHECK("not changed yet", src && !decode_changed(src));
    (void)mapguard_take_fault();
    CHECK("truncate", truncate(path, 100) == 0);
    CHECK("the change is seen by its stamp", src && decode_changed(src));
    /* A page past the new end: SIGBUS without the guard. */
    volatile const char *p = src ? src->text : text;
    char past = p[n - 10];
    char within = p[50];
    CHECK("the read past the end gives a zero byte", past == 0);
    CHECK("the text before the cut is still there", within == text[50]);
    CHECK("the fault raised the flag", mapguard_take_fault());
    CHECK("the flag is cleared once taken", !mapguard_take_fault());
    decode_free(src);

    src = open_ok(path);
    CHECK("the cut file opens", src && src->len == 100);
    FILE *f = fopen(path, "a");
    CHECK("append", f && fputs("more text\n", f) >= 0 && fclose(f) == 0);
    CHECK("a grown file is a change", src && decode_changed(src));
    if (src)
        decode_restamp(src);
    CHECK("restamped: no change until the next one", src && !decode_changed(src));
    decode_free(src);
    /* A source not read from a file (a file's head, decode_bytes) has no
     * stamp to compare: never "changed", even under its file's name. */
    enum decode_reject why;
    src = decode_bytes(path, "head of a file\n", 15, &why);
    CHECK("a decode_bytes source is never changed", src && !decode_changed(src));
    decode_free(src);
    unlink(path);
    free(text);
}

/* An HTML file through the ebook door (the plugin build/quire-convert,
 * which `make quire` builds; skipped with a note without it): a source
 * owning the derived text and the converter's blocks; a stub of it (the
 * index cache's) converted again on first use when it has the length it
 * recorded, else blank text of that length (every cached offset inside). */
static void test_ebook(void)
{
    const char *plugin = getenv("QUIRE_CONVERTER");
    if (!plugin || !*plugin)
        setenv("QUIRE_CONVERTER", "build/quire-convert", 1);
    plugin = getenv("QUIRE_CONVERTER");
    if (access(plugin, R_OK) != 0) {
        fprintf(stderr, "test_decode: no %s (make quire): the ebook checks skipped\n", plugin);
        return;
    }
    char dir[] = "/tmp/quire-dec-XXXXXX";
    CHECK("mkdtemp", mkdtemp(dir) != NULL);
    char *path = xasprintf("%s/story.html", dir);
    const char *html = "<html><head><title>Door</title></head><body><h1>Chapter 1</h1>"
                       "<p>Through the <em>door</em> it came.</p><hr><p>And went.</p></body></html>\n";
    FILE *f = fopen(path, "w");
    CHECK("the HTML file is written", f && fputs(html, f) >= 0 && fclose(f) == 0);
    enum decode_reject why = DECODE_OK;
    char *err = NULL;
    struct source *s = decode_open(path, &why, &err);
    CHECK("an HTML file opens", s != NULL);
    if (s) {
        CHECK_INT("through the door: an HTML source", s->fmt, EBOOK_HTML);
        CHECK_STR("what it was read as", s->format, "HTML");
        CHECK("its text is the derived text, no markup",
              s->eb && s->text == s->eb->text && strstr(s->text, "Through the *door* it came.") &&
                  !memchr(s->text, '<', s->len));
        CHECK("it holds the converter's blocks, a scene break among them",
              s->eb && s->eb->n_blocks >= 4 && s->eb->blocks[2].kind == BLOCK_BREAK);
        CHECK_INT("text, decoded as UTF-8", s->enc, ENC_UTF8);
        struct source *st = decode_stub(path, ENC_UTF8, s->len, 0, false, s->size, s->mtime);
        st->fmt = EBOOK_HTML;
        CHECK("a stub of it is converted again on first use", decode_load_stub(st) &&
              st->len == s->len && memcmp(st->text, s->text, s->len) == 0 && st->eb);
        decode_free(st);
        st = decode_stub(path, ENC_UTF8, s->len + 7, 0, false, s->size, s->mtime);
        st->fmt = EBOOK_HTML;
        bool same = decode_load_stub(st);
        CHECK("a stub whose length is not the conversion's says so", !same);
        size_t blank = 0;
        for (size_t i = 0; st->text && i < st->len; i++)
            blank += st->text[i] == '\n';
        CHECK("and is that many bytes of blank lines", st->len == s->len + 7 && blank == st->len);
        decode_free(st);
        decode_free(s);
    }
    free(err);
    char *cmd = xasprintf("rm -rf '%s'", dir);
    CHECK("cleanup", system(cmd) == 0);
    free(cmd);
    free(path);
}

/* decode_open_read (the library build's) gives what decode_open gives,
 * from a copy for a file of up to 64 KiB and a mapping above that. */
static void test_open_read(void)
{
    const char *files[] = {"roman.txt", "wide.txt", "binary.bin", "controls.txt",
                           "utf16be.txt", "utf16le.txt", "cp1252_crlf.txt", "blank.txt",
                           "utf16le_lone.txt", "utf16le_odd.txt", "bom_only.txt", "empty.txt",
                           "no-such-file.txt"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char *path = xasprintf(DATA "%s", files[i]);
        enum decode_reject w1 = DECODE_OK, w2 = DECODE_OK;
        char *e1 = NULL, *e2 = NULL;
        struct source *a = decode_open(path, &w1, &e1), *b = decode_open_read(path, &w2, &e2);
        bool same = (a == NULL) == (b == NULL) && w1 == w2 &&
                    (e1 == NULL) == (e2 == NULL) && (!e1 || strcmp(e1, e2) == 0);
        if (a && b)
            same = a->len == b->len && memcmp(a->text, b->text, a->len) == 0 &&
                   a->enc == b->enc && a->invalid == b->invalid && a->crlf == b->crlf &&
                   a->size == b->size && a->mtime_ns == b->mtime_ns;
        CHECK(path, same);
        if (b && b->enc == ENC_UTF8)
            CHECK("a small file is read, not mapped", b->owned != NULL && b->map == NULL);
        decode_free(a);
        decode_free(b);
        free(e1);
        free(e2);
        free(path);
    }
    char path[] = "/tmp/quire-dec-XXXXXX";
    int fd = mkstemp(path);
    CHECK("mkstemp", fd >= 0);
    struct buf big = {0};
    while (big.len <= 64 * 1024)
        buf_adds(&big, "A line of text that goes on for a while.\n");
    CHECK("write", write(fd, big.data, big.len) == (ssize_t)big.len);
    close(fd);
    enum decode_reject why = DECODE_OK;
    struct source *s = decode_open_read(path, &why, NULL);
    CHECK("a file over 64 KiB is mapped", s && s->map != NULL && s->owned == NULL &&
                                          s->len == big.len);
    decode_unload(s);
    CHECK("and let go of", s && s->text == NULL && s->map == NULL && s->len == big.len);
    CHECK("then read again on first use", s && decode_load_stub(s) && s->text &&
                                          memcmp(s->text, big.data, big.len) == 0);
    decode_free(s);
    /* With the walk's stat: the same source as decode_open_read, and the
     * stat given is the one used (no second stat after the open): told
     * the file has 13 bytes, 13 are read. */
    struct stat sb;
    CHECK("stat", stat(path, &sb) == 0);
    enum decode_reject w2 = DECODE_OK;
    s = decode_open_read(path, &why, NULL);
    struct source *t = decode_open_read_stat(path, &sb, &w2, NULL);
    CHECK("with the walk's stat: the same text and stamp", s && t && s->len == t->len &&
          memcmp(s->text, t->text, s->len) == 0 && s->size == t->size &&
          s->mtime_ns == t->mtime_ns && s->ino == t->ino && w2 == why);
    decode_free(s);
    decode_free(t);
    sb.st_size = 13;
    t = decode_open_read_stat(path, &sb, &w2, NULL);
    CHECK("and its size is the one given, not asked again",
          t && t->len == 13 && memcmp(t->text, big.data, 13) == 0 && t->size == 13);
    decode_free(t);
    unlink(path);
    buf_free(&big);
}

int main(void)
{
    test_lines();
    test_utf8();
    test_utf8_bad_bytes();
    test_cp1252();
    test_utf16();
    test_rejects();
    test_huge_line();
    test_shrink_while_mapped();
    test_ebook();
    test_open_read();
    CHECK_STR("encoding names", decode_encoding_name(ENC_CP1252), "Windows-1252");
    CHECK_STR("encoding names", decode_encoding_name(ENC_UTF16LE), "UTF-16LE");
    return check_summary();
}
