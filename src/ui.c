/* ui.c — the interactive screens' entry point: terminal setup and
 * restoration, signals, the main loop, and the pieces every screen shares
 * (bottom line, menus, the prompt line, drawing text that never overflows).
 *
 * Terminal: setlocale (LC_CTYPE only: character widths and wide input;
 * the other categories would cost a dozen file reads before the first
 * frame and change nothing quire shows) before the screen starts; cbreak,
 * noecho, keypad, no cursor, ESC delay 25 ms, default colours, mouse
 * wheel, no typeahead check (no poll of the keyboard every few lines of a
 * frame).  The heap pages curses is about to allocate are populated in one
 * call first (prefault_screen_heap).  A frame is werase + draw + one
 * doupdate, never clear(), so nothing flickers.  (ncurses 6.4 writes a
 * frame out at every cursor move, about one write per line, until the
 * first endwin: an endwin + doupdate at start would make it one write, but
 * leaving and entering the screen again, with the terminal modes set twice
 * more, cost the first screen 0.9 ms here.)
 *
 * Signals: SIGTERM, SIGHUP and SIGINT set a flag; the loop waits for keys
 * with a 250 ms timeout, notices it, saves the position, restores the
 * terminal and returns 0.  SIGSEGV, SIGABRT, SIGBUS and SIGFPE restore the
 * terminal (best effort) and die of the same signal.
 *
 * Test hook: QUIRE_TEST_FRAMES=1 shows "#N", the number of frames drawn,
 * at the right end of the bottom line, so a test can wait for a new frame. */
#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wchar.h>

#include "mapguard.h"
#include "ui.h"
#include "ui_screen.h"
#include "watch.h"

static volatile sig_atomic_t ui_stop_signal;
static volatile sig_atomic_t ui_winch;

static void on_stop(int sig)
{
    ui_stop_signal = sig;
}

/* Our own SIGWINCH handler (curses leaves a handler it finds in place): the
 * flag is looked at before every wait for a key, so a resize that lands
 * while a frame is being drawn is not left until the wait times out. */
static void on_winch(int sig)
{
    (void)sig;
    ui_winch = 1;
}

/* A pending resize: tell curses the new size.  True when there was one. */
static bool take_resize(void)
{
    if (!ui_winch)
        return false;
    ui_winch = 0;
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
        resizeterm(ws.ws_row, ws.ws_col);
        clearok(curscr, TRUE);   /* the terminal may have moved what it showed */
    }
    return true;
}

static void on_crash(int sig)
{
    endwin();   /* not async-signal-safe; best effort before dying */
    raise(sig); /* SA_RESETHAND: the default action now */
}

static void signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;   /* no SA_RESTART: get_wch returns at once */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_winch;
    sigaction(SIGWINCH, &sa, NULL);
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
}

static void signals_restore(void)
{
    int sigs[] = {SIGTERM, SIGHUP, SIGINT, SIGWINCH, SIGSEGV, SIGABRT, SIGBUS, SIGFPE};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
}

/* ---- shared helpers ----------------------------------------------------- */

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
    if (w && (!ui->bm_warning || strcmp(w, ui->bm_warning) != 0)) {
        free(ui->bm_warning);
        ui->bm_warning = xstrdup(w);
        ui_msg(ui, "%s", w);
    }
}

/* Decode one character; bad bytes become U+FFFD, one byte at a time. */
static size_t next_wc(const char *s, size_t n, wchar_t *wc)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t r = mbrtowc(wc, s, n, &st);
    if (r == 0)
        r = 1;
    if (r == (size_t)-1 || r == (size_t)-2) {
        *wc = 0xFFFD;
        r = 1;
    }
    return r;
}

static int wc_cols(wchar_t wc)
{
    if (wc == 0xAD)
        return -1;   /* soft hyphen: never drawn */
    return wcwidth(wc);
}

int ui_cols(const char *s, size_t n)
{
    int cols = 0;
    for (size_t i = 0; i < n;) {
        wchar_t wc;
        i += next_wc(s + i, n - i, &wc);
        int w = wc_cols(wc);
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
        wchar_t wc;
        i += next_wc(s + i, n - i, &wc);
        int w = wc_cols(wc);
        if (w < 0)
            continue;            /* control characters are never drawn */
        if (w == 0 && nw == 0 && x == start)
            continue;            /* a mark with nothing to sit on */
        if (x + w > xmax)
            break;
        if (nw >= (int)(sizeof wbuf / sizeof wbuf[0]) - 1) {
            mvaddnwstr(y, start, wbuf, nw);
            start = x;
            nw = 0;
        }
        wbuf[nw++] = wc;
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
    ui_put(y, 1 < COLS ? 1 : 0, lmax, left, strlen(left), ui->a_status);
    if (rx < COLS)
        ui_put(y, rx < 0 ? 0 : rx, COLS, rbuf, strlen(rbuf), ui->a_status);
}

/* ---- menus -------------------------------------------------------------- */

void ui_menu_open(struct ui *ui, enum ui_menu_kind kind, char *title, char **items, size_t n,
                  size_t sel)
{
    ui_menu_close(ui);
    ui->menu.kind = kind;
    ui->menu.title = title;
    ui->menu.items = items;
    ui->menu.n = n;
    ui->menu.sel = sel < n ? sel : 0;
    ui->menu.top = 0;
}

void ui_menu_close(struct ui *ui)
{
    struct ui_menu *m = &ui->menu;
    for (size_t i = 0; i < m->n; i++)
        free(m->items[i]);
    free(m->items);
    free(m->title);
    free(m->letters);
    memset(m, 0, sizeof *m);
}

/* Rows for menu items: the title takes row 0 and the hint the last row
 * when there is room. */
static void menu_rows(int *first, int *rows)
{
    *first = LINES >= 3 ? 1 : 0;
    int bottom = LINES >= 2 ? 1 : 0;
    *rows = LINES - *first - bottom;
    if (*rows < 1)
        *rows = 1;
}

static void menu_draw(struct ui *ui)
{
    struct ui_menu *m = &ui->menu;
    int first, rows;
    menu_rows(&first, &rows);
    if (m->sel < m->top)
        m->top = m->sel;
    if (m->sel >= m->top + (size_t)rows)
        m->top = m->sel - (size_t)rows + 1;
    if (first)
        ui_put(0, 1 < COLS ? 1 : 0, COLS, m->title, strlen(m->title), ui->a_bold);
    for (int r = 0; r < rows && m->top + (size_t)r < m->n; r++) {
        size_t i = m->top + (size_t)r;
        attr_t a = i == m->sel && m->kind != MENU_HELP ? ui->a_sel : A_NORMAL;
        if (a != A_NORMAL) {
            attrset(a);
            mvhline(first + r, 0, ' ', COLS);
            attrset(A_NORMAL);
        }
        ui_put(first + r, 1 < COLS ? 1 : 0, COLS, m->items[i], strlen(m->items[i]), a);
    }
    if (LINES >= 2) {
        char right[64];
        snprintf(right, sizeof right, "%zu/%zu", m->n ? m->sel + 1 : 0, m->n);
        const char *hint = m->kind == MENU_HELP ? "j/k scroll  q close"
                                                : "Enter choose  Esc close";
        ui_bottom(ui, LINES - 1, ui->msg[0] ? ui->msg : hint, right);
    }
}

static void menu_key(struct ui *ui, int key)
{
    struct ui_menu *m = &ui->menu;
    int first, rows;
    menu_rows(&first, &rows);
    size_t page = (size_t)rows;
    switch (ui_keys_lookup(UI_CTX_MENU, key)) {
    case ACT_LINE_DOWN:
    case ACT_SCROLL_DOWN:
        if (m->kind == MENU_HELP) {   /* help scrolls, it has no selection */
            if (m->top + page < m->n)
                m->top++;
            m->sel = m->top;
        } else if (m->sel + 1 < m->n) {
            m->sel++;
        }
        break;
    case ACT_LINE_UP:
    case ACT_SCROLL_UP:
        if (m->kind == MENU_HELP) {
            if (m->top > 0)
                m->top--;
            m->sel = m->top;
        } else if (m->sel > 0) {
            m->sel--;
        }
        break;
    case ACT_PAGE_DOWN:
        m->sel = m->sel + page < m->n ? m->sel + page : (m->n ? m->n - 1 : 0);
        if (m->kind == MENU_HELP)
            m->top = m->sel;
        break;
    case ACT_PAGE_UP:
        m->sel = m->sel > page ? m->sel - page : 0;
        if (m->kind == MENU_HELP)
            m->top = m->sel;
        break;
    case ACT_TOP:
        m->sel = 0;
        m->top = 0;
        break;
    case ACT_BOTTOM:
        m->sel = m->n ? m->n - 1 : 0;
        break;
    case ACT_OPEN:
        if (m->kind == MENU_HELP)
            ui_menu_close(ui);
        else
            ui_reader_menu_choose(ui);
        break;
    case ACT_CLOSE:
        ui_menu_close(ui);
        break;
    case ACT_REDRAW:
        clearok(curscr, TRUE);
        break;
    default:
        break;
    }
}

/* ---- the prompt line ----------------------------------------------------- */

void ui_prompt_open(struct ui *ui, enum ui_prompt_kind kind, char lead)
{
    buf_free(&ui->prompt.text);
    ui->prompt.kind = kind;
    ui->prompt.lead = lead;
    buf_adds(&ui->prompt.text, "");
}

static void prompt_finish(struct ui *ui, bool run)
{
    enum ui_prompt_kind kind = ui->prompt.kind;
    if (kind == PROMPT_FILTER)
        ui_library_prompt_done(ui, run);
    else
        ui_reader_prompt_done(ui, run);
    ui->prompt.kind = PROMPT_NONE;
    buf_free(&ui->prompt.text);
}

static void prompt_key(struct ui *ui, int key)
{
    struct buf *t = &ui->prompt.text;
    bool changed = false;
    if (key == 27) {
        prompt_finish(ui, false);
        return;
    }
    if (key == '\n' || key == '\r' || key == UI_KC(KEY_ENTER)) {
        prompt_finish(ui, true);
        return;
    }
    if (key == UI_KC(KEY_BACKSPACE) || key == 127 || key == 8) {
        if (t->len == 0) {          /* Backspace on nothing cancels, as in less */
            prompt_finish(ui, false);
            return;
        }
        size_t i = t->len - 1;
        while (i > 0 && ((unsigned char)t->data[i] & 0xC0) == 0x80)
            i--;
        t->len = i;
        t->data[i] = '\0';
        changed = true;
    } else if (key == 0x15) {       /* C-u: clear */
        t->len = 0;
        t->data[0] = '\0';
        changed = true;
    } else if (key >= 32 && key != 127 && !(key & 0x3000000) && t->len < 512) {
        char mb[MB_LEN_MAX + 1];
        mbstate_t st;
        memset(&st, 0, sizeof st);
        size_t n = wcrtomb(mb, (wchar_t)key, &st);
        if (n != (size_t)-1) {
            buf_add(t, mb, n);
            changed = true;
        }
    }
    if (changed && ui->prompt.kind == PROMPT_FILTER)
        ui_library_prompt_changed(ui);
}

static void prompt_draw(struct ui *ui)
{
    int y = LINES - 1, xmax = COLS;
    move(y, 0);
    clrtoeol();
    if (ui->test_frames) {
        char fr[32];
        snprintf(fr, sizeof fr, " #%lu", ui->frames);
        int w = (int)strlen(fr);
        if (w + 2 < COLS) {
            xmax = COLS - w;
            ui_put(y, xmax, COLS, fr, strlen(fr), A_DIM);
        }
    }
    char lead[2] = {ui->prompt.lead, 0};
    int x = ui_put(y, 0, xmax, lead, 1, A_BOLD);
    /* Show the end of the text when it does not fit. */
    const char *s = ui->prompt.text.data ? ui->prompt.text.data : "";
    size_t n = strlen(s);
    while (n > 0 && x + ui_cols(s, n) >= xmax) {
        size_t skip = 1;
        while (skip < n && ((unsigned char)s[skip] & 0xC0) == 0x80)
            skip++;
        s += skip;
        n -= skip;
    }
    x = ui_put(y, x, xmax, s, n, A_NORMAL);
    move(y, x < COLS ? x : COLS - 1);
}

/* ---- frames and the loop ------------------------------------------------ */

void ui_draw(struct ui *ui)
{
    ui->frames++;
    werase(stdscr);
    if (ui->menu.kind != MENU_NONE)
        menu_draw(ui);
    else if (ui->in_reader)
        ui_reader_draw(ui);
    else
        ui_library_draw(ui);
    if (ui->prompt.kind != PROMPT_NONE) {
        prompt_draw(ui);
        curs_set(1);
    } else {
        curs_set(0);
    }
    wnoutrefresh(stdscr);
    doupdate();
}

static int read_key(struct ui *ui, bool *timed_out)
{
    wint_t wc;
    int rc = get_wch(&wc);
    *timed_out = false;
    if (rc == ERR) {
        *timed_out = true;
        return 0;
    }
    if (rc == KEY_CODE_YES) {
        if (wc == KEY_MOUSE) {
            MEVENT ev;
            if (getmouse(&ev) != OK)
                return 0;
            if (ev.bstate & BUTTON4_PRESSED)
                return UI_KEY_WHEEL_UP;
            if (ev.bstate & BUTTON5_PRESSED)
                return UI_KEY_WHEEL_DOWN;
            return 0;
        }
        return UI_KC((int)wc);
    }
    (void)ui;
    return (int)wc;
}

static void dispatch(struct ui *ui, int key)
{
    if (key == UI_KC(KEY_RESIZE))
        return;   /* the next frame lays out for the new size */
    ui->msg[0] = '\0';
    if (ui->prompt.kind != PROMPT_NONE)
        prompt_key(ui, key);
    else if (ui->menu.kind != MENU_NONE)
        menu_key(ui, key);
    else if (ui->in_reader)
        ui_reader_key(ui, key);
    else
        ui_library_key(ui, key);
}

void ui_take_whole(struct ui *ui)
{
    if (!ui->loader)
        return;
    char *err = NULL;
    struct library *whole = loader_wait(ui->loader, &err);
    ui->loader = NULL;
    if (!whole || whole->n_stories != 1) {
        /* Keep reading the head; say why the rest is missing. */
        if (ui->rd.open)
            ui->rd.s->partial = false;
        ui_msg(ui, "only the start of the story could be read: %s",
               err ? err : "the file changed");
        library_free(whole);
        free(err);
        return;
    }
    free(err);
    struct story *ns = &whole->stories[0];
    struct story *os = ui->rd.open ? ui->rd.s : NULL;
    /* The head named the story differently (its id): a reader who has not
     * moved yet goes to the place saved under the whole story's id. */
    bool reid = os && strcmp(os->id, ns->id) != 0 && !ui->rd.unsaved;
    ui_reader_adopt(ui, ns);
    struct bm_pos pos;
    size_t ci, off;
    if (reid && ui->bm && bookmarks_get_last(ui->bm, ns->id, &pos) &&
        bookmarks_resolve(ns, &pos, &ci, &off))
        ui_view_goto(&ui->rd.v, ci, off);
    ui_library_free(ui);
    struct library *old = ui->lib;
    ui->lib = whole;
    if (ui->libp)
        *ui->libp = whole;
    ui_library_init(ui);
    ui_library_select(ui, ns);
    library_free(old);
}

void ui_state_init(struct ui *ui, struct library *lib, struct bookmarks *bm,
                   const struct config *cfg)
{
    memset(ui, 0, sizeof *ui);
    ui->lib = lib;
    ui->bm = bm;
    ui->cfg = cfg;
    const char *tf = getenv("QUIRE_TEST_FRAMES");
    ui->test_frames = tf && strcmp(tf, "1") == 0;
    ui_library_init(ui);
}

void ui_state_free(struct ui *ui)
{
    ui_reader_close(ui);
    ui_menu_close(ui);
    buf_free(&ui->prompt.text);
    ui_library_free(ui);
    free(ui->bm_warning);
    ui->bm_warning = NULL;
}

void ui_attrs_init(struct ui *ui)
{
    const char *theme = ui->cfg && ui->cfg->theme ? ui->cfg->theme : "default";
    bool plain = strcmp(theme, "plain") == 0;
    ui->a_italic = (term_attrs() & A_ITALIC) ? A_ITALIC : A_UNDERLINE;
    ui->a_dim = A_DIM;
    ui->a_bold = A_BOLD;
    ui->a_status = A_REVERSE;
    ui->a_match = A_REVERSE;
    ui->a_cur = A_REVERSE | A_BOLD | A_UNDERLINE;
    ui->a_sel = A_REVERSE;
    if (plain) {
        ui->a_italic = A_NORMAL;
        ui->a_dim = A_NORMAL;
        ui->a_bold = A_NORMAL;
    }
    if (has_colors() && start_color() == OK && use_default_colors() == OK && !plain) {
        /* Colours only for highlights; text keeps the terminal's own. */
        if (strcmp(theme, "dark") == 0 && init_pair(1, COLOR_BLACK, COLOR_YELLOW) == OK)
            ui->a_match = COLOR_PAIR(1);
        else if (strcmp(theme, "light") == 0 && init_pair(1, COLOR_BLACK, COLOR_CYAN) == OK)
            ui->a_match = COLOR_PAIR(1);
        if (strcmp(theme, "dark") == 0 && init_pair(2, COLOR_WHITE, COLOR_BLUE) == OK)
            ui->a_status = COLOR_PAIR(2);
        else if (strcmp(theme, "light") == 0 && init_pair(2, COLOR_BLACK, COLOR_WHITE) == OK)
            ui->a_status = COLOR_PAIR(2);
    }
}

/* Populate, in one madvise call, the heap pages newterm is about to
 * allocate: its three windows hold a cchar_t per cell (at 80x24 some 40
 * fresh pages), and a fresh page costs a fault on first touch — about
 * 10 µs on a paravirtualised machine, against about 1 µs a page for the
 * one call.  The block goes straight back to malloc (main's
 * M_TRIM_THRESHOLD keeps it in the heap) and newterm takes it from there:
 * 0.3 ms of a 5.5 ms first screen here (docs/BENCHMARKS.md).  A kernel
 * without MADV_POPULATE_WRITE (before Linux 5.14) says EINVAL: no harm. */
static void prefault_screen_heap(void)
{
#ifdef MADV_POPULATE_WRITE
    size_t cells = 80 * 24;
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
        cells = (size_t)ws.ws_row * ws.ws_col;
    size_t n = cells * 3 * sizeof(cchar_t) + 64 * 1024;
    if (n > 2 * 1024 * 1024)
        n = 2 * 1024 * 1024;
    char *p = malloc(n);
    if (!p)
        return;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t e = ((uintptr_t)p + n) & ~(page - 1);
    if (e > a)
        (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
    free(p);
#endif
}

/* The open story's file changed on disk (cut short, grown, replaced; see
 * watch.h): read the library again and keep the reader's place as
 * ui_take_whole does.  True when the screen must be drawn again. */
static bool reread_changed(struct ui *ui)
{
    if (!ui->in_reader || !ui->rd.open || ui->loader || !watch_story_changed(ui->rd.s))
        return false;
    char *err = NULL;
    struct library *fresh = library_open(ui->lib->root, &err);
    struct story *ns = watch_find(fresh, ui->rd.s);
    if (!ns) {
        watch_restamp(ui->rd.s);
        ui_msg(ui, "the file changed on disk and cannot be read again%s%s", err ? ": " : "",
               err ? err : "");
        library_free(fresh);
        free(err);
        return true;
    }
    free(err);
    ui_reader_adopt(ui, ns);
    ui_library_free(ui);
    struct library *old = ui->lib;
    ui->lib = fresh;
    if (ui->libp)
        *ui->libp = fresh;
    ui_library_init(ui);
    ui_library_select(ui, ns);
    library_free(old);
    ui_msg(ui, "the file changed on disk: read again");
    return true;
}

int ui_run(struct library **lib, struct bookmarks *bm, const struct config *cfg,
           const struct ui_start *start, char **err)
{
    setlocale(LC_CTYPE, "");
    ui_keys_init(cfg, stderr);   /* warnings before the screen starts */
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        set_err(err, "terminal: standard input and output must be a terminal");
        return 1;
    }
    const char *term = getenv("TERM");
    prefault_screen_heap();
    SCREEN *scr = newterm(NULL, stdout, stdin);
    if (!scr) {
        set_err(err, "terminal: cannot use TERM=%s", term ? term : "(unset)");
        return 1;
    }
    set_term(scr);
    if (bm)
        bookmarks_set_quiet(bm, true);   /* stderr is the screen now */
    warn_set_quiet(true);
    signals_install();
    mapguard_install();   /* after the crash handler, which it calls for other faults */
    set_escdelay(25);
    typeahead(-1);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    timeout(250);
    mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);

    struct ui *ui = xmalloc(sizeof *ui);
    ui_state_init(ui, *lib, bm, cfg);
    ui->libp = lib;
    ui->loader = start ? start->loader : NULL;
    ui_attrs_init(ui);
    if (start && start->story) {
        if (ui_reader_open(ui, start->story, start->resume))
            ui_library_select(ui, start->story);
    }

    bool dirty = true;
    while (!ui->quit && !ui_stop_signal) {
        if (reread_changed(ui))
            dirty = true;
        if (dirty) {
            ui_draw(ui);
            dirty = false;
            loader_go(ui->loader);   /* the first frame is out: read the rest */
        }
        if (take_resize()) {   /* the next frame lays out for the new size */
            dirty = true;
            continue;
        }
        timeout(ui->loader ? 20 : 250);   /* look often for the whole story */
        bool timed_out;
        int key = read_key(ui, &timed_out);
        bool had_msg = ui->msg[0] != '\0';
        if (ui->loader && loader_ready(ui->loader)) {
            ui_take_whole(ui);
            dirty = true;   /* the chapter count and percent are now known */
        }
        if (ui->in_reader)
            ui_reader_tick(ui);
        if (timed_out) {
            if (!had_msg && ui->msg[0])
                dirty = true;   /* the periodic save had news */
            continue;
        }
        dirty = true;
        if (key)
            dispatch(ui, key);
    }
    /* A signal or q: the position is saved in ui_reader_close. */
    ui_state_free(ui);
    free(ui);
    endwin();
    signals_restore();
    delscreen(scr);
    warn_set_quiet(false);
    if (bm)
        bookmarks_set_quiet(bm, false);
    return 0;
}
