/* test_kv.c — the key = value reader (kv.h) in both of its syntaxes
 * (config, story.ini) and the diagnostics channel (diag.h): levels,
 * counts, a stream sink's exact lines, a list sink's kept texts. */
#include "check.h"
#include "diag.h"
#include "kv.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const struct kv_syntax config_like = {.comment = "#", .cr_ends_line = true,
                                             .unquote = true};
static const struct kv_syntax ini_like = {.comment = "#;[", .cr_ends_line = false};

/* Every call as one line of text: "LINE:key=val" or "LINE:!PROBLEM". */
static void collect(void *ctx, const struct kv_line *l)
{
    struct buf *b = ctx;
    if (l->problem)
        buf_printf(b, "%zu:!%d\n", l->line, (int)l->problem);
    else
        buf_printf(b, "%zu:%.*s=%.*s\n", l->line, (int)l->key_len, l->key, (int)l->val_len,
                   l->val);
}

static char *read_kv(const char *text, size_t len, const struct kv_syntax *syn)
{
    struct buf b = {0};
    buf_add(&b, "", 0);
    kv_read(text, len, syn, collect, &b);
    return b.data;
}

static void test_kv(void)
{
    const char *t = "\xef\xbb\xbf# c\n a = 1 \r\n\n;x\nb=\"  q  \"\rc\n=d\n e\t=\t\n";
    char *got = read_kv(t, strlen(t), &config_like);
    CHECK_STR("config: BOM, comments, CR LF and lone CR, quotes, problems", got,
              "2:a=1\n4:!2\n5:b=  q  \n6:!2\n7:!3\n8:e=\n");
    free(got);
    got = read_kv(t, strlen(t), &ini_like);
    CHECK_STR("story.ini: ; and [ are comments, only LF ends a line, CRs trimmed, no unquoting",
              got, "2:a=1\n5:b=\"  q  \"\rc\n6:!3\n7:e=\n");
    free(got);
    const char nul[] = "a = 1\nb\0 = 2\nc = 3";
    got = read_kv(nul, sizeof nul - 1, &config_like);
    CHECK_STR("a NUL byte is a problem of its line; the last line needs no line end", got,
              "1:a=1\n2:!1\n3:c=3\n");
    free(got);
    got = read_kv("\0 = x\n", 6, &config_like);
    CHECK_STR("a line that starts with NUL is not taken for a comment", got, "1:!1\n");
    free(got);
    got = read_kv("\r= x\n", 5, &ini_like);
    CHECK_STR("story.ini: a key of trimmed bytes only is an empty key, not a missing one",
              got, "1:=x\n");
    free(got);
}

static void test_diag(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct diag_sink s = diag_stream(f);
    diag_report(&s, DIAG_WARNING, "%s:%d: %s", "cfg", 3, "unknown key 'x'");
    diag_report(&s, DIAG_NOTE, "a note");
    fclose(f);
    CHECK_STR("a stream sink prints quire: TEXT lines, the level not shown", text,
              "quire: cfg:3: unknown key 'x'\nquire: a note\n");
    CHECK_INT("warnings counted", s.count[DIAG_WARNING], 1);
    CHECK_INT("notes counted", s.count[DIAG_NOTE], 1);
    CHECK_INT("total", diag_total(&s), 2);
    free(text);

    char **list = NULL;
    size_t n = 0, cap = 0;
    struct diag_sink l = diag_list(&list, &n, &cap);
    for (int i = 0; i < 20; i++)
        diag_report(&l, DIAG_NOTE, "note %d", i);
    CHECK_INT("a list sink keeps every text", n, 20);
    CHECK("in order", n == 20 && strcmp(list[0], "note 0") == 0 && strcmp(list[19], "note 19") == 0);
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
    struct diag_sink quiet = {0};
    diag_report(&quiet, DIAG_ERROR, "nowhere");
    CHECK_INT("a sink with no stream and no list still counts", quiet.count[DIAG_ERROR], 1);
}

int main(void)
{
    test_kv();
    test_diag();
    return check_summary();
}
