/* test_pmemo.c — the parse memo (pmemo.h): a parse it gives back is the
 * parse of the same bytes, field for field; other bytes, a damaged file,
 * another build's file or caches turned off are parsed afresh; the file
 * keeps the newest PMEMO_KEEP parses. */
#include "check.h"
#include "decode.h"
#include "parse.h"
#include "pmemo.h"
#include "rec.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[] = "/tmp/quire-test-pmemo.XXXXXX";
static char *memo_file;

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Does *a hold what *b does (every field), and the counts too? */
static bool same_parse(const struct parse_result *a, const size_t *wa,
                       const struct parse_result *b, const size_t *wb)
{
    const struct parse_meta *x = &a->meta, *y = &b->meta;
    bool ok = same_str(a->title, b->title) && same_str(a->author, b->author) &&
              same_str(a->one_chapter_why, b->one_chapter_why) && a->body == b->body &&
              a->fanficfare == b->fanficfare && a->n_ch == b->n_ch &&
              same_str(x->series, y->series) && x->series_index == y->series_index &&
              same_str(x->summary, y->summary) && same_str(x->rating, y->rating) &&
              same_str(x->status, y->status) && same_str(x->source_url, y->source_url) &&
              same_str(x->language, y->language) && same_str(x->published, y->published) &&
              same_str(x->updated, y->updated) && x->n_tags == y->n_tags;
    for (size_t i = 0; ok && i < x->n_tags; i++)
        ok = same_str(x->tags[i], y->tags[i]);
    for (size_t i = 0; ok && i < a->n_ch; i++) {
        const struct parse_chapter *c = &a->ch[i], *d = &b->ch[i];
        ok = c->start == d->start && c->end == d->end && c->front_end == d->front_end &&
             c->body == d->body && c->back == d->back && c->number == d->number &&
             same_str(c->title, d->title) && wa[i] == wb[i];
    }
    return ok;
}

/* Parse text[0, len) through the memo; true when the result is the plain
 * parse's; *hit as pmemo_parse says. */
static bool memo_matches(const char *text, size_t len, bool *hit)
{
    struct parse_result fresh = {0}, m = {0};
    size_t *wf = parse_text_counted(text, len, &fresh);
    size_t *wm = pmemo_parse(text, len, &m, hit);
    bool ok = same_parse(&fresh, wf, &m, wm);
    parse_result_free(&fresh);
    parse_result_free(&m);
    free(wf);
    free(wm);
    return ok;
}

/* The same blocks, field by field (not their padding). */
static bool same_blocks(const struct block *a, size_t na, const struct block *b, size_t nb)
{
    bool ok = na == nb;
    for (size_t k = 0; ok && k < na; k++)
        ok = a[k].off == b[k].off && a[k].end == b[k].end && a[k].kind == b[k].kind &&
             a[k].flags == b[k].flags;
    return ok;
}

struct text {
    char *t;
    size_t len;
};

/* Heads and windows of the test files: their first 8 KiB, and 24 KiB from
 * a third of the way in (cut at a line start, as a window is). */
static size_t texts_of(const char *path, struct text *out)
{
    enum decode_reject why;
    char *err = NULL;
    struct source *s = decode_open(path, &why, &err);
    free(err);
    if (!s)
        return 0;
    size_t n = 0, head = s->len < 8192 ? s->len : 8192;
    out[n++] = (struct text){xstrndup(s->text, head), head};
    if (s->len > 3 * 8192) {
        size_t a = s->len / 3;
        while (a < s->len && s->text[a - 1] != '\n')
            a++;
        size_t e = a + 24576 < s->len ? a + 24576 : s->len;
        out[n++] = (struct text){xstrndup(s->text + a, e - a), e - a};
    }
    decode_free(s);
    return n;
}

static void flip_byte_in_memo(void)
{
    size_t len = 0;
    char *err = NULL;
    char *d = read_file(memo_file, &len, &err);
    free(err);
    if (!d || len < 100)
        return;
    d[len / 2] ^= 0x01;
    FILE *f = fopen(memo_file, "wb");
    if (f) {
        fwrite(d, 1, len, f);
        fclose(f);
    }
    free(d);
}

static size_t entries_in_memo(void)
{
    size_t len = 0, n = 0;
    char *err = NULL;
    char *d = read_file(memo_file, &len, &err);
    free(err);
    for (size_t i = 0; d && i + 1 < len; i++)
        n += (i == 0 || d[i - 1] == '\n') && d[i] == 'p' && d[i + 1] == '\t';
    free(d);
    return n;
}

int main(void)
{
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    setenv("XDG_CACHE_HOME", tmp, 1);
    unsetenv("QUIRE_NO_CACHE");
    memo_file = xasprintf("%s/quire/parses", tmp);

    static const char *const files[] = {
        "tests/data/corpus/alice-in-wonderland_pg11-0.txt",
        "tests/data/corpus/die-verwandlung-de_pg22367-8.latin1.txt",
        "tests/data/fanficfare/fff_test1_s1.txt", "tests/data/fanficfare/fff_test1_s12.txt",
        "tests/data/fanficfare/fff_test1_s664.txt", "tests/data/parse/roman.txt",
        "tests/data/parse/spelled.txt", "tests/data/parse/fanficfare.txt",
        "tests/data/parse/one_per_line.txt", "tests/data/parse/controls.txt",
        "tests/data/golden/hyphens.txt"};
    struct text t[2 * sizeof files / sizeof *files + 24];
    size_t n = 0;
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        n += texts_of(files[i], t + n);
    CHECK("the test texts were read", n >= 12);
    for (int k = 0; k < 24; k++) {   /* and stories of k + 1 chapters: more than the memo keeps */
        struct buf b = {0};
        buf_printf(&b, "Story %d\nby Someone\n\n", k);
        for (int c = 1; c <= k + 1; c++)
            buf_printf(&b, "Chapter %d\n\nShe went %d times round the garden, and %d more.\n\n", c, c, k);
        t[n++] = (struct text){b.data, b.len};
    }

    /* First: parsed, not from the memo; then saved, then from it. */
    size_t fresh_ok = 0, missed = 0, hit_ok = 0, hits = 0;
    for (size_t i = 0; i < n; i++) {
        bool hit = true;
        fresh_ok += memo_matches(t[i].t, t[i].len, &hit);
        missed += !hit;
    }
    CHECK_INT("a parse the memo never saw is parsed", missed, n);
    CHECK_INT("and is the plain parse", fresh_ok, n);
    struct stat st;
    CHECK("nothing is written before pmemo_save", stat(memo_file, &st) != 0);
    pmemo_save();
    CHECK_INT("the memo keeps the newest PMEMO_KEEP", entries_in_memo(),
              n < PMEMO_KEEP ? n : PMEMO_KEEP);
    size_t from = n > PMEMO_KEEP ? n - PMEMO_KEEP : 0;
    for (size_t i = from; i < n; i++) {
        bool hit = false;
        hit_ok += memo_matches(t[i].t, t[i].len, &hit);
        hits += hit;
    }
    CHECK_INT("the saved parses come from the memo", hits, n - from);
    CHECK_INT("field for field the plain parse's", hit_ok, n - from);
    bool meta_seen = false;
    for (size_t i = from; i < n; i++) {
        struct parse_result r = {0};
        free(pmemo_parse(t[i].t, t[i].len, &r, NULL));
        meta_seen |= r.title != NULL && r.author != NULL && r.n_ch > 1;
        parse_result_free(&r);
    }
    CHECK("a kept parse has a title, an author and chapters", meta_seen);

    /* Another byte: another key, parsed afresh (and right). */
    struct text last = t[n - 1];
    last.t[last.len / 2] ^= 0x20;
    bool hit = true;
    CHECK("a changed byte is parsed again, right", memo_matches(last.t, last.len, &hit));
    CHECK("not from the memo", !hit);
    last.t[last.len / 2] ^= 0x20;
    pmemo_save();
    CHECK("more texts than the memo keeps", n > PMEMO_KEEP);
    CHECK_INT("the file still holds PMEMO_KEEP at most", entries_in_memo(), PMEMO_KEEP);
    hit = false;
    CHECK("an entry kept over a save is still right", memo_matches(last.t, last.len, &hit));
    CHECK("and from the memo", hit);

    /* A damaged file is not used (the file is read once until a save). */
    flip_byte_in_memo();
    pmemo_save();
    hit = true;
    CHECK("with a damaged file the parse is right", memo_matches(last.t, last.len, &hit));
    CHECK("and not from the file", !hit);
    pmemo_save();   /* written anew over the damaged one */
    hit = false;
    CHECK("a save over a damaged file works", memo_matches(last.t, last.len, &hit) && hit);

    /* Another build's file (its engine line another, its checksum right)
     * is not used. */
    size_t len = 0;
    char *err = NULL;
    char *d = read_file(memo_file, &len, &err);
    char *eng = d ? strstr(d, "\nengine\t") : NULL;
    char *endl = d ? strstr(d, "\nend\t") : NULL;
    CHECK("the memo has an engine line and an end line", eng && endl);
    if (eng && endl) {
        eng[8] = eng[8] == 'x' ? 'y' : 'x';
        struct buf b = {0};
        buf_add(&b, d, (size_t)(endl - d) + 1);
        rec_seal(&b, entries_in_memo());
        FILE *f = fopen(memo_file, "wb");
        fwrite(b.data, 1, b.len, f);
        fclose(f);
        buf_free(&b);
    }
    free(d);
    free(err);
    pmemo_save();
    hit = true;
    CHECK("another build's memo is not used", memo_matches(last.t, last.len, &hit) && !hit);

    /* Blocks: every chapter of the test files, parsed in place, in a
     * buffer of its own (the key is the chapter's bytes: parse_blocks_body
     * must read nothing around them), through the memo armed (parsed,
     * then saved, then from the memo) and disarmed. */
    size_t chapters = 0, isolated_ok = 0, first_ok = 0, again_ok = 0, disarmed_ok = 0;
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        enum decode_reject why;
        char *e2 = NULL;
        struct source *src = decode_open(files[f], &why, &e2);
        free(e2);
        if (!src)
            continue;
        struct parse_result pr = {0};
        parse_text(src->text, src->len, &pr);
        for (size_t i = 0; i < pr.n_ch && i < 40; i++) {
            const struct parse_chapter *c = &pr.ch[i];
            struct block *ref = NULL, *iso = NULL, *m1 = NULL, *m2 = NULL, *m3 = NULL;
            size_t nr = parse_blocks_body(src->text, c->start, c->end, c->front_end, c->body,
                                          c->back, &ref);
            char *own = xmalloc(c->end - c->start + 1);
            memcpy(own, src->text + c->start, c->end - c->start);
            size_t ni = parse_blocks_body(own, 0, c->end - c->start, c->front_end - c->start,
                                          c->body - c->start, c->back - c->start, &iso);
            bool same = ni == nr;
            for (size_t k = 0; same && k < nr; k++)
                same = iso[k].off + c->start == ref[k].off && iso[k].end + c->start == ref[k].end &&
                       iso[k].kind == ref[k].kind && iso[k].flags == ref[k].flags;
            isolated_ok += same;
            pmemo_arm(true);
            size_t h1 = pmemo_hits();
            size_t n1 = pmemo_blocks(src->text, c->start, c->end, c->front_end, c->body, c->back, &m1);
            pmemo_save();
            size_t h0 = pmemo_hits();
            bool first_missed = h0 == h1;
            pmemo_arm(true);
            size_t n2 = pmemo_blocks(src->text, c->start, c->end, c->front_end, c->body, c->back, &m2);
            pmemo_save();   /* nothing new: the map let go */
            size_t n3 = pmemo_blocks(src->text, c->start, c->end, c->front_end, c->body, c->back, &m3);
            first_ok += same_blocks(m1, n1, ref, nr) && first_missed;
            again_ok += same_blocks(m2, n2, ref, nr) && pmemo_hits() == h0 + 1;
            disarmed_ok += same_blocks(m3, n3, ref, nr) && pmemo_hits() == h0 + 1;
            chapters++;
            free(own);
            free(ref);
            free(iso);
            free(m1);
            free(m2);
            free(m3);
        }
        parse_result_free(&pr);
        decode_free(src);
    }
    CHECK("chapters to parse into blocks", chapters >= 50);
    CHECK_INT("a chapter's blocks depend on its bytes alone", isolated_ok, chapters);
    CHECK_INT("blocks parsed through the memo are parse_blocks_body's", first_ok, chapters);
    CHECK_INT("blocks from the memo are parse_blocks_body's", again_ok, chapters);
    CHECK_INT("disarmed, the blocks are parse_blocks_body's", disarmed_ok, chapters);
    /* a saved chapter's blocks are used: one kept, then looked up */
    {
        const char *txt = "Chapter 1\n\nOne line.\n\nAnother line,\nand its end.\n";
        size_t len2 = strlen(txt);
        struct block *a = NULL, *b2 = NULL;
        pmemo_arm(true);
        size_t na = pmemo_blocks(txt, 0, len2, 0, 10, len2, &a);
        pmemo_save();
        size_t before = entries_in_memo();
        char *d2 = read_file(memo_file, &len, &err);
        free(err);
        CHECK("the chapter's blocks are in the file", d2 && strstr(d2, "\nb\t"));
        free(d2);
        pmemo_arm(true);
        size_t nb = pmemo_blocks(txt, 0, len2, 0, 10, len2, &b2);
        pmemo_save();
        CHECK("and read back the same", same_blocks(a, na, b2, nb));
        CHECK_INT("a look-up that finds them adds nothing", entries_in_memo(), before);
        free(a);
        free(b2);
    }

    /* A chapter of 20,000 short paragraphs: its blocks (over
     * PMEMO_MAX_ENTRY written) are parsed, right, and not kept. */
    {
        struct buf big = {0};
        buf_adds(&big, "Chapter 1\n\n");
        for (int k = 0; k < 20000; k++)
            buf_adds(&big, "a.\n\n");
        struct block *a = NULL, *b2 = NULL, *ref = NULL;
        size_t nr = parse_blocks_body(big.data, 0, big.len, 0, 11, big.len, &ref);
        pmemo_arm(true);
        size_t na = pmemo_blocks(big.data, 0, big.len, 0, 11, big.len, &a);
        pmemo_save();
        size_t h = pmemo_hits();
        pmemo_arm(true);
        size_t nb = pmemo_blocks(big.data, 0, big.len, 0, 11, big.len, &b2);
        pmemo_save();
        CHECK("a chapter of 20,000 blocks", nr >= 20000);
        CHECK("is parsed right through the memo", same_blocks(a, na, ref, nr) &&
                                                   same_blocks(b2, nb, ref, nr));
        CHECK("and not kept (too long an entry)", pmemo_hits() == h);
        struct stat sb;
        CHECK("the memo stays small", stat(memo_file, &sb) == 0 &&
                                      (size_t)sb.st_size < PMEMO_MAX_FILE + PMEMO_MAX_ENTRY);
        free(a);
        free(b2);
        free(ref);
        buf_free(&big);
    }

    /* QUIRE_NO_CACHE: nothing read, nothing written. */
    pmemo_save();
    unlink(memo_file);
    setenv("QUIRE_NO_CACHE", "1", 1);
    hit = true;
    CHECK("with caches off the parse is right", memo_matches(t[0].t, t[0].len, &hit) && !hit);
    pmemo_save();
    CHECK("and no memo is written", stat(memo_file, &st) != 0);
    unsetenv("QUIRE_NO_CACHE");

    for (size_t i = 0; i < n; i++)
        free(t[i].t);
    char *rm = xasprintf("rm -rf '%s'", tmp);
    if (system(rm) != 0)
        fprintf(stderr, "could not remove %s\n", tmp);
    free(rm);
    free(memo_file);
    return check_summary();
}
