/* vis.c — text made safe to print (see vis.h). */
#include "vis.h"

#include <stdio.h>
#include <string.h>
#include <unistr.h>

void vis_add(struct buf *o, const char *s, size_t n)
{
    const uint8_t *t = (const uint8_t *)s;
    size_t i = 0;
    while (i < n) {
        size_t run = i;   /* printable ASCII goes in one piece */
        while (run < n && t[run] >= 0x20 && t[run] < 0x7f)
            run++;
        if (run > i) {
            buf_add(o, s + i, run - i);
            i = run;
            continue;
        }
        uint8_t c = t[i];
        if (c == '\t' || c == '\n' || c == '\r') {
            buf_addc(o, ' ');
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            buf_addc(o, '^');
            buf_addc(o, c == 0x7f ? '?' : (char)(c + '@'));
            i++;
        } else {
            ucs4_t uc;
            int k = u8_mbtoucr(&uc, t + i, n - i);
            if (k < 1) {
                buf_printf(o, "<%02X>", c);
                i++;
            } else if (uc >= 0x80 && uc <= 0x9f) {
                buf_printf(o, "<U+%04X>", (unsigned)uc);
                i += (size_t)k;
            } else {
                buf_add(o, s + i, (size_t)k);
                i += (size_t)k;
            }
        }
    }
    if (!o->data)
        buf_add(o, "", 0);
}

char *vis_str(const char *s)
{
    struct buf o = {0};
    vis_add(&o, s, strlen(s));
    return o.data;
}
