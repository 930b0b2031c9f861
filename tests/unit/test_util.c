/* test_util.c — natural order, buffers, atomic writes, bounded reads of
 * state files. */
#include "check.h"
#include "scratch.h"
#include "util.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* sorted_find: found where it is, else where it would be inserted;
 * token_ok: the state files' id rule. */
static void test_sorted_find(void)
{
    struct item { int n; char id[8]; } v[] = {{1, "b"}, {2, "d"}, {3, "f"}};
    bool found;
    size_t off = offsetof(struct item, id);
    CHECK("found in the middle", sorted_find(v, 3, sizeof *v, off, "d", &found) == 1 && found);
    CHECK("before all", sorted_find(v, 3, sizeof *v, off, "a", &found) == 0 && !found);
    CHECK("between", sorted_find(v, 3, sizeof *v, off, "e", &found) == 2 && !found);
    CHECK("after all", sorted_find(v, 3, sizeof *v, off, "g", &found) == 3 && !found);
    CHECK("an empty array", sorted_find(v, 0, sizeof *v, off, "b", &found) == 0 && !found);
    CHECK("a token", token_ok("ab12", 4, 16));
    CHECK("too long", !token_ok("ab12", 4, 3));
    CHECK("empty", !token_ok("", 0, 3));
    CHECK("no space", !token_ok("a b", 3, 16));
    CHECK("no backslash", !token_ok("a\\b", 3, 16));
    CHECK("no byte past ASCII", !token_ok("a\xc3\xa9", 3, 16));
}

/* hex_digit: the percent-escapes of EPUB hrefs and of the state files'
 * quoted names: every byte value, against the digits' own order. */
static void test_hex_digit(void)
{
    static const char digits[] = "0123456789abcdef";
    int wrong = 0;
    for (int c = -1; c < 256; c++) {
        const char *lo = c > 0 ? strchr(digits, c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c) : NULL;
        int want = lo ? (int)(lo - digits) : -1;
        if (hex_digit(c) != want)
            wrong++;
    }
    CHECK("hex_digit: 0-9, a-f and A-F are 0..15, every other byte and EOF -1", wrong == 0);
    CHECK("hex_digit: 'F' is 15, 'g' is not a digit", hex_digit('F') == 15 && hex_digit('g') == -1);
}

int main(void)
{
    test_sorted_find();
    test_hex_digit();
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

    char *dir = scratch_dir("util");
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
    err = NULL;

    /* State files: regular only, bounded, never blocking. */
    CHECK("read_file_max reads a file of exactly max bytes",
          (got = read_file_max(file, 5, &len, &err)) != NULL && len == 5);
    free(got);
    errno = 0;
    CHECK("read_file_max refuses a file over max", read_file_max(file, 4, &len, &err) == NULL);
    CHECK_INT("with EFBIG", errno, EFBIG);
    CHECK("saying how large is allowed", err && strstr(err, "larger than 4 bytes") != NULL);
    char *fifo = xasprintf("%s/fifo", path);
    CHECK("mkfifo", mkfifo(fifo, 0600) == 0);
    errno = 0;
    CHECK("a FIFO with no writer is refused at once", read_file_max(fifo, 100, &len, &err) == NULL);
    CHECK_INT("with ENODEV", errno, ENODEV);
    CHECK("saying what it is", err && strstr(err, "not a regular file but a FIFO") != NULL);
    CHECK("read_file refuses /dev/zero (never reads it)", read_file("/dev/zero", &len, &err) == NULL);
    CHECK("saying what it is", err && strstr(err, "a character device") != NULL);
    CHECK("read_file refuses a folder", read_file(path, &len, &err) == NULL);
    CHECK_INT("with EISDIR", errno, EISDIR);
    struct stat st;
    const char *why = NULL;
    int fd = open_regular(file, 100, &st, &why);
    CHECK("open_regular opens a regular file", fd >= 0 && st.st_size == 5);
    if (fd >= 0)
        close(fd);
    unlink(fifo);
    free(fifo);
    free(err);
    unlink(file);
    free(file);
    free(path);
    scratch_remove(dir);
    CHECK("cleanup", access(dir, F_OK) != 0);
    free(dir);
    return check_summary();
}
