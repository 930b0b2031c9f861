/* ui_text.c — what every screen draws with: text that never overflows its
 * columns and never passes a control character to the terminal, measured
 * with the layout's width function (layout_char_width) so a line the
 * layout fitted to the column fits on the screen; the bottom line; the
 * message shown on it until the next key. */
#include <curses.h>
#include <langinfo.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "layout.h"
#include "ui_screen.h"

void ui_msg(struct ui *ui, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
    va_end(ap);
}

void ui_bm_save(struct ui *ui)
{
    if (!ui->bm)
        return;
    bookmarks_save(ui->bm);
    const char *w = bookmarks_warning(ui->bm);
    if (ui->seen && seen_save(ui->seen) != 0 && !w)
        w = seen_warning(ui->seen);   /* the seen chapters share the saves */
    if (w && (!ui->bm_warning || strcmp(w, ui->bm_warning) != 0)) {
        free(ui->bm_warning);
        ui->bm_warning = xstrdup(w);
        ui_msg(ui, "%s", w);
    }
}

void ui_redraw(struct ui *ui, enum ui_action act, int key)
{
    (void)ui;
    (void)act;
    (void)key;
    clearok(curscr, TRUE);
}

/* Decode one UTF-8 character of s[0..n) (n >= 1) into *c; a byte that does
 * not start a well-formed sequence becomes U+FFFD, one byte at a time.
 * Returns the bytes used. */
static size_t next_char(const char *s, size_t n, uint32_t *c)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len;
    uint32_t v, min;
    if (u[0] < 0x80) {
        *c = u[0];
        return 1;
    } else if (u[0] >= 0xC2 && u[0] <= 0xDF) {
        len = 2, v = u[0] & 0x1F, min = 0x80;
    } else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
        len = 3, v = u[0] & 0x0F, min = 0x800;
    } else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
        len = 4, v = u[0] & 0x07, min = 0x10000;
    } else {
        *c = 0xFFFD;
        return 1;
    }
    if (len > n) {
        *c = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *c = 0xFFFD;
            return 1;
        }
        v = v << 6 | (u[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) {
        *c = 0xFFFD;
        return 1;
    }
    *c = v;
    return len;
}

/* Columns of c as drawn, or -1 for what is never drawn: controls (C0, DEL,
 * C1) and the soft hyphen. */
static int char_cols(uint32_t c)
{
    if (c < 0x20 || (c >= 0x7F && c < 0xA0) || c == 0xAD)
        return -1;
    return layout_char_width(c);
}

/* Can the terminal's locale encode c (c >= 0x80)?  Always in a UTF-8
 * locale; under LANG=C, no: such a character is drawn as '?' in each of
 * its columns rather than left for curses to drop. */
static bool can_show(uint32_t c)
{
    static int utf8 = -1;
    if (utf8 < 0)
        utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    if (utf8)
        return true;
    char mb[MB_LEN_MAX];
    mbstate_t st;
    memset(&st, 0, sizeof st);
    return wcrtomb(mb, (wchar_t)c, &st) != (size_t)-1;
}

int ui_cols(const char *s, size_t n)
{
    int cols = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        i += next_char(s + i, n - i, &c);
        int w = char_cols(c);
        if (w > 0)
            cols += w;
    }
    return cols;
}

int ui_put(int y, int x, int xmax, const char *s, size_t n, attr_t attr)
{
    wchar_t wbuf[256];
    int nw = 0, start = x;
    if (y < 0 || y >= LINES || x < 0)
        return x;
    if (xmax > COLS)
        xmax = COLS;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        i += next_char(s + i, n - i, &c);
        int w = char_cols(c);
        if (w < 0)
            continue;            /* control characters are never drawn */
        if (w == 0 && nw == 0 && x == start)
            continue;            /* a mark with nothing to sit on */
        if (x + w > xmax)
            break;
        int copies = 1;
        if (c >= 0x80 && !can_show(c)) {
            if (w == 0)
                continue;        /* a mark on the '?' before it */
            c = '?';
            copies = w;
        }
        if (nw + copies >= (int)(sizeof wbuf / sizeof wbuf[0]) - 1) {
            mvaddnwstr(y, start, wbuf, nw);
            start = x;
            nw = 0;
        }
        for (int k = 0; k < copies; k++)
            wbuf[nw++] = (wchar_t)c;
        x += w;
    }
    if (nw > 0) {
        attr_t old;
        short pair;
        attr_get(&old, &pair, NULL);
        attrset(attr);
        mvaddnwstr(y, start, wbuf, nw);
        attrset(old);
    }
    return x;
}

/* s shortened to at most `cols` columns into out: its longest word (a run
 * without spaces, a path as a rule) loses its start to "…", so the words
 * around it stay whole and a path keeps its last folders; when that is not
 * enough, s is copied as it is (ui_put cuts it at the end). */
static void elide(const char *s, int cols, char *out, size_t size)
{
    size_t n = strlen(s);
    int total = ui_cols(s, n);
    snprintf(out, size, "%s", s);
    if (total <= cols || cols < 1)
        return;
    size_t a = 0, b = 0;   /* the longest word, bytes [a, b) */
    int best = -1;
    for (size_t i = 0; i < n;) {
        while (i < n && s[i] == ' ')
            i++;
        size_t j = i;
        while (j < n && s[j] != ' ')
            j++;
        int w = ui_cols(s + i, j - i);
        if (w > best) {
            best = w;
            a = i;
            b = j;
        }
        i = j;
    }
    int excess = total - cols + 1;   /* + the ellipsis */
    if (best - excess < 4)
        return;
    size_t k = a;
    int dropped = 0;
    while (k < b && dropped < excess) {
        uint32_t c;
        size_t len = next_char(s + k, b - k, &c);
        int w = char_cols(c);
        dropped += w > 0 ? w : 0;
        k += len;
    }
    snprintf(out, size, "%.*s\xe2\x80\xa6%s", (int)a, s, s + k);
}

void ui_bottom(struct ui *ui, int y, const char *left, const char *right)
{
    char rbuf[128];
    if (y < 0 || y >= LINES)
        return;
    if (ui->test_frames)
        snprintf(rbuf, sizeof rbuf, "%s #%lu", right ? right : "", ui->frames);
    else
        snprintf(rbuf, sizeof rbuf, "%s", right ? right : "");
    attrset(ui->a_status);
    mvhline(y, 0, ' ', COLS);
    attrset(A_NORMAL);
    int rcols = ui_cols(rbuf, strlen(rbuf));
    int rx = COLS - rcols - 1;
    if (rx < 1)
        rx = COLS - rcols;
    int lmax = rx > 1 ? rx - 1 : 0;
    if (rcols > COLS) {
        lmax = COLS;
        rx = COLS;   /* no room for the right part */
    }
    char fit[512];
    if (ui->msg[0] && strcmp(left, ui->msg) == 0) {   /* a message: shortened to fit */
        elide(left, lmax - (1 < COLS ? 1 : 0), fit, sizeof fit);
        left = fit;
    }
    ui_put(y, 1 < COLS ? 1 : 0, lmax, left, strlen(left), ui->a_status);
    if (rx < COLS)
        ui_put(y, rx < 0 ? 0 : rx, COLS, rbuf, strlen(rbuf), ui->a_status);
}

/* ---- long work: keys typed meanwhile ---------------------------------------- */

/* Keys typed during a wait or a long piece of work, handed back in the
 * order typed when it is over (ui_busy_end). */
static struct held_key { int rc; wint_t wc; } held[32];
static size_t n_held;

void ui_busy_keep(int rc, wint_t wc)
{
    if (n_held < sizeof held / sizeof *held)
        held[n_held++] = (struct held_key){rc, wc};
}

bool ui_busy_quit_key(const struct ui *ui, enum ui_ctx ctx, int key)
{
    return !ui->line && !ui->overlay && ui_keys_lookup(ctx, key) == ACT_QUIT;
}

void ui_busy_say(struct ui *ui, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
    va_end(ap);
    ui->busy_said = true;
    ui->draw_now(ui);
}

bool ui_busy_poll(struct ui *ui, enum ui_ctx ctx, int ms)
{
    for (;;) {
        if (*ui->stop_signal == SIGINT) {   /* Ctrl-C: stop the work, not quire */
            *ui->stop_signal = 0;
            return false;
        }
        if (*ui->stop_signal)
            return false;   /* SIGTERM, SIGHUP: the main loop quits */
        timeout(ms);
        ms = 0;             /* wait for the first key only */
        wint_t wc;
        int rc = get_wch(&wc);
        if (rc == ERR)
            return true;
        if (rc == KEY_CODE_YES && wc == KEY_MOUSE)
            continue;
        int key = rc == KEY_CODE_YES ? UI_KC((int)wc) : (int)wc;
        if (key == UI_KEY_ESC)
            return false;   /* Esc: stop, and nothing else */
        ui_busy_keep(rc, wc);
        if (ui_busy_quit_key(ui, ctx, key))
            return false;   /* q: stop, then q does what it does */
    }
}

void ui_busy_end(struct ui *ui)
{
    if (ui->busy_said)
        ui->msg[0] = '\0';
    ui->busy_said = false;
    while (n_held--)   /* the last one pushed first */
        if (held[n_held].rc == KEY_CODE_YES)
            ungetch((int)held[n_held].wc);
        else
            unget_wch(held[n_held].wc);
    n_held = 0;
}
