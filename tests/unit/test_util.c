/* test_util.c — natural order, buffers, atomic writes. */
#include "check.h"
#include "util.h"

#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    CHECK("ch2 before ch10", natcmp("ch2", "ch10") < 0);
    CHECK("ch10 after ch9", natcmp("ch10", "ch9") > 0);
    CHECK("case-insensitive equal", natcmp("Ch01.txt", "ch1.txt") == 0);
    CHECK("prefix sorts first", natcmp("a", "ab") < 0);

    struct buf b = {0};
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%d,", i);
    CHECK("buf grows and stays terminated", b.len == strlen(b.data));
    CHECK("buf keeps content", strncmp(b.data, "0,1,2,", 6) == 0);
    buf_free(&b);

    char dir[] = "/tmp/quire-util-XXXXXX";
    CHECK("mkdtemp", mkdtemp(dir) != NULL);
    char *path = xasprintf("%s/sub/deeper", dir);
    char *err = NULL;
    CHECK("mkdir_p makes nested folders", mkdir_p(path, &err) == 0);
    char *file = xasprintf("%s/f.txt", path);
    CHECK("atomic write", write_file_atomic(file, "hello", 5, &err) == 0);
    size_t len = 0;
    char *got = read_file(file, &len, &err);
    CHECK_STR("read back", got, "hello");
    free(got);
    CHECK("read_file of a missing file fails", read_file("/nonexistent/x", &len, &err) == NULL);
    CHECK("and says why", err && strstr(err, "No such file") != NULL);
    free(err);
    unlink(file);
    free(file);
    free(path);
    char *cmd = xasprintf("rm -rf '%s'", dir);
    CHECK("cleanup", system(cmd) == 0);
    free(cmd);
    return check_summary();
}
