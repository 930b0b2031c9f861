/* test_vis.c — the one escaping rule of every output (vis.h): C0 controls
 * in caret notation, tab/LF/CR as a space, C1 controls as <U+XXXX>, bytes
 * that are not UTF-8 as <XX>, everything printable unchanged. */
#include "check.h"
#include "util.h"
#include "vis.h"

#include <stdlib.h>
#include <string.h>

static void expect(const char *what, const char *in, size_t n, const char *want)
{
    struct buf b = {0};
    vis_add(&b, in, n);
    CHECK_STR(what, b.data, want);
    buf_free(&b);
}

/* A string literal, NULs included. */
#define EXPECT(what, lit, want) expect((what), (lit), sizeof(lit) - 1, (want))

int main(void)
{
    EXPECT("printable ASCII and UTF-8 unchanged", "A title \xc3\xa9t\xc3\xa9 \xe6\x97\xa5 \xc2\xa0!", "A title \xc3\xa9t\xc3\xa9 \xe6\x97\xa5 \xc2\xa0!");
    EXPECT("ESC and BEL in caret notation", "a\033]0;X\007b", "a^[]0;X^Gb");
    EXPECT("NUL, 0x1F and DEL", "\0\037\177", "^@^_^?");
    EXPECT("tab, LF and CR become spaces", "a\tb\nc\rd", "a b c d");
    EXPECT("C1 controls as code points (CSI, U+0080, U+009F)", "\xc2\x9b" "x\xc2\x80\xc2\x9f", "<U+009B>x<U+0080><U+009F>");
    EXPECT("a byte that is not UTF-8 as hex", "a\xff" "b\x80", "a<FF>b<80>");
    EXPECT("an overlong form is not UTF-8", "\xc0\x80", "<C0><80>");
    EXPECT("a surrogate is not UTF-8", "\xed\xa0\x80", "<ED><A0><80>");
    EXPECT("a sequence cut at the end", "ok\xe6\x97", "ok<E6><97>");
    EXPECT("nothing in, nothing out", "", "");
    char *s = vis_str("t\033[2Jx");
    CHECK_STR("vis_str", s, "t^[[2Jx");
    free(s);
    return check_summary();
}
