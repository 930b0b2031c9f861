/* ui.c — the interactive screens' entry point: terminal setup and
 * restoration, signals, the main loop, switching between the screens
 * (ui_screen.h), and taking the loader's whole story over from the partial
 * one, at start when the saved place is past the head and later when the
 * loader is done or a key needs it.
 *
 * Terminal: setlocale (LC_CTYPE only: character widths and wide input;
 * the other categories would cost a dozen file reads before the first
 * frame and change nothing quire shows) before the screen starts; cbreak,
 * noecho, keypad, no cursor, ESC delay 25 ms, default colours, mouse
 * wheel and buttons (never motion tracking; `mouse = no` in the config: no
 * mouse at all), no typeahead check (no poll of the keyboard every few lines of a
 * frame).  The heap pages curses is about to allocate are populated in one
 * call first (prefault_screen_heap).  A frame is werase + draw + one
 * doupdate, never clear(), so nothing flickers.  (ncurses 6.4 writes a
 * frame out at every cursor move, about one write per line, until the
 * first endwin: an endwin + doupdate at start would make it one write, but
 * leaving and entering the screen again, with the terminal modes set twice
 * more, cost the first screen 0.9 ms here.)  After the first frame the
 * loop waits up to 1 ms for a key (give_way) before the work that follows
 * it, so that the terminal, not quire, has the CPU while it shows it.
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
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "mapguard.h"
#include "pmemo.h"
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

/* ---- frames, keys and switching screens ---------------------------------- */

void ui_draw(struct ui *ui)
{
    ui->frames++;
    werase(stdscr);
    const struct ui_mode *o = ui->overlay;
    if (!o || !o->covers) {
        if (ui->screen->resize)
            ui->screen->resize(ui);
        ui->screen->draw(ui);
    }
    if (o)
        o->draw(ui);
    if (ui->line)
        ui->line->draw(ui);
    curs_set(ui->line ? 1 : 0);
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

static const struct ui_mode *const screens[] = {
    [UI_SCREEN_LIBRARY] = &ui_mode_library,
    [UI_SCREEN_READER] = &ui_mode_reader,
};

/* The switch a screen asked for (ui_go): the new screen enters on the
 * story named, then the old one leaves (the reader saves and closes). */
static void switch_screen(struct ui *ui)
{
    if (!ui->go.pending)
        return;
    ui->go.pending = false;
    if (ui->go.to == UI_SCREEN_LIBRARY && ui->alone) {
        ui->quit = true;   /* a story opened by its path: q quits */
        return;
    }
    const struct ui_mode *to = screens[ui->go.to], *from = ui->screen;
    if (!to->enter(ui, ui->go.s, ui->go.at_saved))
        return;
    if (from != to)
        from->leave(ui);
    ui->screen = to;
}

/* ---- the loader's whole story ---------------------------------------------- */

/* No more of the stories of lib is coming: what they hold is all there is
 * (the model's story_end_partial, the only writer of `partial`). */
static void head_is_all(struct library *lib)
{
    for (size_t i = 0; i < lib->n_stories; i++)
        story_end_partial(&lib->stories[i]);
}

/* Replace the library by `fresh`, in which ns is the open story (or the
 * one to select): the reader keeps its place by byte offset, the library
 * screen selects ns, and the old library is freed. */
static void adopt_library(struct ui *ui, struct library *fresh, struct story *ns)
{
    bookmarks_adopt(ui->bm, fresh);   /* records under an earlier id of a story */
    seen_meet_library(ui->seen, fresh, ui->bm);
    if (ui->screen == &ui_mode_reader)
        ui_reader_adopt(ui, ns);
    ui_library_free(ui);
    struct library *old = ui->lib;
    ui->lib = fresh;
    if (ui->libp)
        *ui->libp = fresh;
    ui_library_init(ui);
    ui_mode_library.enter(ui, ns, false);
    library_free(old);
}

/* Wait for the loader's whole story, the bottom line saying so once the
 * screen is up (a key must never wait unannounced), the terminal's line
 * before it (ui_wait_loader): keys typed meanwhile are handed back
 * afterwards, but the quit key (and a signal) end the wait: false then,
 * ui->quit set. */
static bool wait_whole(struct ui *ui)
{
    if (loader_ready(ui->loader))
        return true;
    if (ui->frames == 0) {
        loader_go(ui->loader);
        if (ui_wait_loader(ui->loader, "reading the whole story\xe2\x80\xa6 (q quits)"))
            return true;
        ui->quit = true;
        return false;
    }
    ui_msg(ui, "reading the whole story\xe2\x80\xa6 (q quits)");
    ui_draw(ui);
    bool quit = false;
    enum ui_ctx ctx = ui->screen == &ui_mode_reader ? UI_CTX_READER : UI_CTX_LIBRARY;
    timeout(2);   /* look often: the wait ends the moment the story is in */
    while (!loader_ready(ui->loader) && !ui_stop_signal) {
        wint_t wc;
        int rc = get_wch(&wc);
        if (rc == ERR || (rc == KEY_CODE_YES && wc == KEY_MOUSE))
            continue;
        if (ui_busy_quit_key(ui, ctx, rc == KEY_CODE_YES ? UI_KC((int)wc) : (int)wc)) {
            quit = true;
            break;
        }
        ui_busy_keep(rc, wc);
    }
    ui->msg[0] = '\0';
    ui_busy_end(ui);   /* the keys kept, handed back */
    if (quit || ui_stop_signal) {
        ui->quit = true;
        return false;
    }
    return true;
}

/* ---- a wait before the screen starts ---------------------------------------- */

/* ASCII keys typed during ui_wait_loader, handed to the screen when it
 * starts (terminal_open); Esc and what comes with it (an arrow's
 * sequence) are dropped. */
static unsigned char early_keys[32];
static size_t n_early;
static volatile sig_atomic_t early_int;

static void on_early_int(int sig)
{
    early_int = sig;
}

/* Bytes to the terminal, best effort (nothing to do if it fails). */
static void tty_say(const char *s, size_t n)
{
    ssize_t w = write(STDOUT_FILENO, s, n);
    (void)w;
}

bool ui_wait_loader(struct loader *l, const char *say)
{
    if (loader_ready(l))
        return true;
    struct termios old, raw;
    bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {   /* keys one by one, unechoed; Ctrl-C still a signal */
        raw = old;
        raw.c_lflag &= (tcflag_t)~(ICANON | ECHO);
        raw.c_cc[VMIN] = 0;
        raw.c_cc[VTIME] = 0;
        raw.c_cc[VSUSP] = _POSIX_VDISABLE;   /* no stop with the modes changed */
        tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    }
    struct sigaction sa, old_int, old_term, old_hup;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_early_int;   /* no SA_RESTART: poll returns at once */
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);
    tty_say("\r", 1);
    tty_say(say, strlen(say));
    bool go = true;
    while (!loader_ready(l) && !early_int) {
        struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
        if (poll(&p, 1, 10) <= 0)
            continue;
        unsigned char c;
        if (read(STDIN_FILENO, &c, 1) != 1)
            continue;
        if (c == 'q') {
            go = false;
            break;
        }
        if (c == 0x1b) {   /* Esc, or a sequence (an arrow): dropped whole */
            while (read(STDIN_FILENO, &c, 1) == 1)
                continue;
        } else if (c < 0x80 && n_early < sizeof early_keys) {
            early_keys[n_early++] = c;
        }
    }
    if (early_int)
        go = false;
    static const char erase[] = "\r\033[K";   /* the line said, taken back */
    tty_say(erase, sizeof erase - 1);
    if (tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    if (!go)
        n_early = 0;
    return go;
}

/* Take the loader's whole library over from the partial one, waiting for
 * it if need be (wait_whole); the open story keeps its place, the library
 * screen its selection.  No-op without a loader.  When the whole story
 * cannot be had, the head is all there is (said on the bottom line when
 * reading).  False when the quit key ended the wait (nothing taken). */
static bool take_whole(struct ui *ui)
{
    if (!ui->loader)
        return true;
    if (!wait_whole(ui))
        return false;
    char *err = NULL;
    struct library *whole = loader_wait(ui->loader, &err);
    ui->loader = NULL;
    if (!whole || whole->n_stories != 1) {
        /* Keep reading the head; say why the rest is missing. */
        head_is_all(ui->lib);
        if (ui->screen == &ui_mode_reader)
            ui_msg(ui, "only the start of the story could be read: %s",
                   err ? err : "the file changed");
        library_free(whole);
        free(err);
        return true;
    }
    free(err);
    adopt_library(ui, whole, &whole->stories[0]);
    return true;
}

/* Does the head of the partial story s hold the place saved for it: in one
 * of its chapters but the last, or in the last (which the head may cut) a
 * screen's worth of bytes before the cut (two bytes a cell, as the
 * reader's moves inside a head count them: ui_reader.c's head_margin)?
 * A place saved at the story's start is in the head's one chapter. */
static bool head_holds_saved(const struct ui *ui, const struct story *s)
{
    struct bm_pos pos;
    if (!ui->bm || !bookmarks_get_last(ui->bm, s->id, &pos))
        return true;
    for (size_t i = 0; i < s->n_ch; i++) {
        if (strcmp(s->ch[i].key, pos.chapter_key) != 0)
            continue;
        if (i + 1 < s->n_ch)
            return true;
        size_t cells = 80 * 24;   /* the screen is not open yet */
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
            cells = (size_t)ws.ws_row * ws.ws_col;
        const struct edition *e = &s->ch[i].ed[0];
        return pos.off < e->end - e->start && e->start + pos.off + 2 * cells <= e->end;
    }
    return false;
}

void ui_dispatch(struct ui *ui, int key)
{
    if (key == UI_KC(KEY_RESIZE))
        return;   /* the next frame lays out for the new size */
    ui->msg[0] = '\0';
    if (ui->loader && ui->screen->needs_whole && ui->screen->needs_whole(ui, key) &&
        !take_whole(ui))
        return;   /* q while waiting for it: quitting */
    if (ui->line)
        ui->line->key(ui, key);
    else if (ui->overlay)
        ui->overlay->key(ui, key);
    else
        ui->screen->key(ui, key);
    switch_screen(ui);
}

void ui_state_init(struct ui *ui, struct library *lib, struct bookmarks *bm,
                   const struct config *cfg)
{
    memset(ui, 0, sizeof *ui);
    ui->stop_signal = &ui_stop_signal;
    ui->draw_now = ui_draw;
    ui->lib = lib;
    ui->bm = bm;
    ui->cfg = cfg;
    const char *tf = getenv("QUIRE_TEST_FRAMES");
    ui->test_frames = tf && strcmp(tf, "1") == 0;
    ui->screen = &ui_mode_library;
    ui_library_init(ui);
}

void ui_state_free(struct ui *ui)
{
    if (ui->line)
        ui->line->leave(ui);
    if (ui->overlay)
        ui->overlay->leave(ui);
    ui_mode_reader.leave(ui);   /* saves the place */
    ui_menu_close(ui);
    ui_library_free(ui);
    ui_history_free(&ui->search_hist);
    pace_free(ui->pace);
    ui->pace = NULL;
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
    ui->a_under = A_UNDERLINE;
    ui->strike = !plain;
    ui->a_status = A_REVERSE;
    ui->a_match = A_REVERSE;
    ui->a_cur = A_REVERSE | A_BOLD | A_UNDERLINE;
    ui->a_sel = A_REVERSE;
    if (plain) {
        ui->a_italic = A_NORMAL;
        ui->a_dim = A_NORMAL;
        ui->a_bold = A_NORMAL;
        ui->a_under = A_NORMAL;
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
 * take_whole does.  True when the screen must be drawn again. */
static bool reread_changed(struct ui *ui)
{
    if (ui->screen != &ui_mode_reader || !ui->rd.open || ui->loader ||
        !watch_story_changed(ui->rd.s))
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
    adopt_library(ui, fresh, ns);
    ui_msg(ui, "the file changed on disk: read again");
    return true;
}

/* The mouse reports buttons and the wheel only, never motion: a terminal
 * description whose XM string (what curses sends to turn mouse reports on)
 * asks for motion tracking, 1002 (while a button is held) or 1003 (all
 * motion), is made to ask for 1000 (presses and releases) before curses
 * first reads it, so that the terminal's own drag-to-select and copy keep
 * working.  The string is edited in place, digit for digit, and only when
 * it names one of those modes. */
static void mouse_buttons_only(void)
{
    char *xm = tigetstr("XM");
    if (!xm || xm == (char *)-1)
        return;
    for (char *p = xm; (p = strstr(p, "100")) != NULL; p += 3)
        if ((p[3] == '2' || p[3] == '3') && (p[4] < '0' || p[4] > '9') &&
            (p == xm || p[-1] < '0' || p[-1] > '9'))
            p[3] = '0';
}

/* The terminal: a new screen on stdin/stdout in the reader's modes (keys
 * raw, no echo, keypad, no cursor, the mouse's buttons and wheel only when
 * the config allows).  NULL with *err when TERM names no terminal or one
 * that cannot move the cursor (TERM=dumb). */
static SCREEN *terminal_open(const struct config *cfg, char **err)
{
    const char *term = getenv("TERM");
    prefault_screen_heap();
    SCREEN *scr = newterm(NULL, stdout, stdin);
    if (!scr) {
        set_err(err, "terminal: cannot use TERM=%s", term ? term : "(unset)");
        return NULL;
    }
    set_term(scr);
    const char *cup = tigetstr("cup");
    if (!cup || cup == (char *)-1) {
        /* TERM=dumb and the like: a screen that cannot be drawn on. */
        endwin();
        delscreen(scr);
        set_err(err, "terminal: TERM=%s cannot move the cursor, so the reader cannot draw; "
                "set TERM to the terminal's name, or read with: quire --render FILE | less",
                term ? term : "(unset)");
        return NULL;
    }
    set_escdelay(25);
    typeahead(-1);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    timeout(250);
    while (n_early)   /* typed while the story was converted: the last first */
        ungetch(early_keys[--n_early]);
    if (!cfg || cfg->mouse) {
        mouse_buttons_only();
        mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
        mouseinterval(0);
    }
    return scr;
}

/* Open the seen store the caller left to the ui (ui_start.seen_later),
 * once, and meet the library with it as read_story did (seen_meet_library).
 * on_screen: the screen is up, so the store is quiet and its warning (an
 * unreadable file kept aside) goes to the bottom line and to stderr when
 * quire quits; else it is said on stderr now.  true when a message was
 * set. */
static bool seen_now(struct ui *ui, bool on_screen)
{
    if (ui->seen || !ui->seen_later)
        return false;
    ui->seen = *ui->seen_later = seen_open(NULL, on_screen);
    ui->seen_later = NULL;
    seen_meet_library(ui->seen, ui->lib, ui->bm);
    const char *w = seen_warning(ui->seen);
    if (!on_screen || !w || (ui->bm_warning && strcmp(w, ui->bm_warning) == 0))
        return false;
    free(ui->bm_warning);
    ui->bm_warning = xstrdup(w);
    ui_msg(ui, "%s", w);
    return true;
}

/* What the next opening of the text file at `path` will parse before its
 * first frame, parsed now into the parse memo (pmemo.h): its head of
 * `head` bytes, the window library_open_at reads at the place the
 * bookmarks now hold, and the blocks of their chapters.  Run as quire
 * quits, once the screen is gone: nobody waits for it, and the next
 * opening at this place parses nothing. */
static void warm_next_open(const char *path, size_t head, const struct bookmarks *bm)
{
    char *err = NULL;
    struct library *h = library_open_head(path, head, &err);
    free(err);
    if (!h)
        return;
    pmemo_arm(true);
    struct library *at = NULL;
    struct bm_pos pos;
    if (h->n_stories == 1 && bm && bookmarks_get_last(bm, h->stories[0].id, &pos)) {
        err = NULL;
        at = library_open_at(h, pos.chapter_key, pos.off, pos.context, pos.percent, &err);
        free(err);
    }
    const struct library *libs[2] = {h, at};
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; libs[k] && libs[k]->n_stories == 1 && i < libs[k]->stories[0].n_ch; i++) {
            size_t n;
            (void)chapter_blocks(&libs[k]->stories[0].ch[i], &n);
        }
    }
    pmemo_save();
    library_free(at);
    library_free(h);
}

/* The screens' state for ui_run: the library, the store, the search
 * history's file, the loader and the story to open (its whole text first
 * when the saved place is past its head).  Sets *story. */
static struct ui *state_open(struct library **lib, struct bookmarks *bm,
                             const struct config *cfg, const struct ui_start *start,
                             struct story **story)
{
    struct ui *ui = xmalloc(sizeof *ui);
    ui_state_init(ui, *lib, bm, cfg);
    ui->libp = lib;
    char *state = xdg_dir("STATE");
    if (state) {
        char *hp = xasprintf("%s/search-history", state);
        ui_history_init(&ui->search_hist, hp);   /* read at the first search */
        free(hp);
        ui->pace = pace_open(state, true);
        free(state);
    }
    ui->loader = start ? start->loader : NULL;
    ui->seen = start ? start->seen : NULL;
    ui->seen_later = start && !start->seen ? start->seen_later : NULL;
    ui->alone = start && start->alone && start->story;
    *story = start ? start->story : NULL;
    if (*story && ui->loader && !head_holds_saved(ui, *story)) {
        /* A saved place past the head: the chapter that holds it, read
         * from where the place was (library_open_at); when it is not found
         * there, the whole story before the first frame. */
        struct library *head = ui->lib;
        struct bm_pos pos;
        char *err = NULL;
        struct library *at = bookmarks_get_last(ui->bm, (*story)->id, &pos)
            ? library_open_at(head, pos.chapter_key, pos.off, pos.context, pos.percent, &err)
            : NULL;
        free(err);
        if (at) {
            ui_library_free(ui);
            ui->lib = at;
            *lib = at;
            ui_library_init(ui);
            library_free(head);
        } else {
            seen_now(ui, false);   /* the whole story's first frame needs it */
            take_whole(ui);
        }
        if (ui->lib != head)
            *story = &ui->lib->stories[0];
    }
    /* A partial story's first frame shows nothing from the seen store (no
     * new chapters before the whole story: go_to_new, seen_open_story and
     * mark_seen wait for it; the library's rows are made again when it is
     * shown): parsing the store waits until that frame is out. */
    if (!*story || !(*story)->partial)
        seen_now(ui, false);
    return ui;
}

/* After the first frame, before the work that follows it (the loader's
 * thread, the seen store, the parse memo's write, the heap's trim): wait
 * up to GIVE_WAY_MS for a key, as `less` does after its frame.  The frame
 * is written, but the kernel's tty worker that hands it to the terminal,
 * and the terminal that draws it, need a CPU: with the other core busy
 * they waited until quire's time slice ran out (perf sched: the worker
 * woken by the frame's first write ran 0.95 ms later, when the slice
 * ended, after the loader's thread was started).  sched_yield did not
 * help (measured; the process is in its terminal session's scheduling
 * group).  A key already typed ends the wait at once; one ncurses holds
 * (typed during a wait for the whole story) costs the 1 ms. */
#define GIVE_WAY_MS 1
static void give_way(void)
{
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    (void)poll(&p, 1, GIVE_WAY_MS);
}

/* Frames and keys until q or a signal: a frame when anything changed, the
 * loader's whole story taken over when it is ready, the file re-read when
 * it changed on disk, the screen's tick (periodic saves). */
static void main_loop(struct ui *ui)
{
    bool dirty = true, trimmed = false;
    while (!ui->quit && !ui_stop_signal) {
        if (reread_changed(ui))
            dirty = true;
        if (dirty) {
            ui_draw(ui);
            dirty = false;
            if (!trimmed)
                give_way();   /* the first frame shown before the work after it */
            loader_go(ui->loader);   /* the first frame is out: read the rest */
            if (seen_now(ui, true))      /* and the seen store (state_open) */
                dirty = true;
        }
        if (!trimmed) {
            /* The reader lives on: give back the heap the library's
             * analysis used (after the first frame: trimmed before it,
             * the same pages were faulted in again for the screen). */
            pmemo_save();   /* the head's or window's parse, for the next open */
            malloc_trim(0);
            trimmed = true;
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
            take_whole(ui);
            dirty = true;   /* the chapter count and percent are now known */
        }
        ui->idle_turn = timed_out;
        if (ui->screen->tick)
            ui->screen->tick(ui);
        if (timed_out) {
            if (!had_msg && ui->msg[0])
                dirty = true;   /* the periodic save had news */
            continue;
        }
        dirty = true;
        if (key)
            ui_dispatch(ui, key);
    }
}

int ui_config_check(const struct config *cfg, FILE *diag)
{
    const struct ui_binding *const tables[UI_N_CTX] = {
        [UI_CTX_READER] = ui_mode_reader.keys,
        [UI_CTX_LIBRARY] = ui_mode_library.keys,
        [UI_CTX_MENU] = ui_mode_menu.keys,
    };
    return ui_keys_init(cfg, diag, tables);
}

/* A warning for the bottom line with the state folder's paths as bare file
 * names (malloc'd): its whole text is said on stderr when quire quits. */
static char *state_names(const char *note)
{
    char *dir = xdg_dir("STATE");
    size_t dl = dir ? strlen(dir) : 0;
    struct buf b = {0};
    buf_add(&b, "", 0);
    for (const char *p = note; *p;) {
        if (dl && strncmp(p, dir, dl) == 0 && p[dl] == '/')
            p += dl + 1;
        else
            buf_addc(&b, *p++);
    }
    free(dir);
    return b.data;
}

int ui_run(struct library **lib, struct bookmarks *bm, const struct config *cfg,
           const struct ui_start *start, char **err)
{
    setlocale(LC_CTYPE, "");
    int key_problems = ui_config_check(cfg, stderr);   /* before the screen starts */
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        set_err(err, "terminal: standard input and output must be a terminal");
        return 1;
    }
    struct story *story;
    pmemo_arm(true);   /* the first frame's blocks through the memo (pmemo_save disarms) */
    struct ui *ui = state_open(lib, bm, cfg, start, &story);
    SCREEN *scr = ui->quit ? NULL : terminal_open(cfg, err);   /* q before the screen */
    if (!scr) {
        bool quit = ui->quit;
        ui_state_free(ui);
        free(ui);
        return quit ? 0 : 1;
    }
    char *opening_warning = NULL;   /* already on stderr */
    if (bm && bookmarks_warning(bm))
        opening_warning = xstrdup(bookmarks_warning(bm));
    if (bm)
        bookmarks_set_quiet(bm, true);   /* stderr is the screen now */
    seen_set_quiet(ui->seen, true);
    warn_set_quiet(true);
    signals_install();
    mapguard_install();   /* after the crash handler, which it calls for other faults */

    ui_attrs_init(ui);
    if (key_problems)   /* stderr is hidden behind the screen now */
        ui_msg(ui, "the config has %d key remap problem%s: quire --config-check shows %s",
               key_problems, key_problems > 1 ? "s" : "", key_problems > 1 ? "them" : "it");
    if (start && start->n_notes) {   /* the merge's warnings: stderr is hidden too */
        char *note = state_names(start->notes[0]);
        if (start->n_notes > 1)
            ui_msg(ui, "1 of %zu: %s", start->n_notes, note);
        else
            ui_msg(ui, "%s", note);
        free(note);
    }
    if (story) {
        ui_go(ui, UI_SCREEN_READER, story);
        ui->go.at_saved = start->resume;
        switch_screen(ui);
        if (ui->screen == &ui_mode_reader)
            ui_mode_library.enter(ui, story, false);   /* selected below it */
    }
    main_loop(ui);
    /* A long text file read from its head: its next opening, prepared
     * once the screen is gone (warm_next_open). */
    const struct story *rs = ui->rd.open ? ui->rd.s : NULL;
    char *warm = start && start->loader && start->alone && start->head && !ui_stop_signal &&
                         rs && rs->n_ch && rs->ch[0].ed[0].src->fmt == EBOOK_NONE
                     ? xstrdup(ui->lib->root)
                     : NULL;
    /* A signal or q: the position is saved as the reader leaves. */
    ui_mode_reader.leave(ui);
    /* A store warning shown on the bottom line (bookmarks not saved) is
     * said again on stderr once the screen is gone, unless it is the one
     * stderr had before the screen started. */
    char *warning = ui->bm_warning;
    ui->bm_warning = NULL;
    if (warning && opening_warning && strcmp(warning, opening_warning) == 0) {
        free(warning);
        warning = NULL;
    }
    free(opening_warning);
    struct seen *seen = ui->seen;   /* the caller's, maybe opened here */
    ui_state_free(ui);
    free(ui);
    endwin();
    signals_restore();
    delscreen(scr);
    warn_set_quiet(false);
    if (bm)
        bookmarks_set_quiet(bm, false);
    seen_set_quiet(seen, false);
    for (size_t i = 0; start && i < start->n_notes; i++)
        warnx_q("%s", start->notes[i]);
    if (warm)
        warm_next_open(warm, start->head, bm);
    free(warm);
    if (warning)
        warnx_q("%s", warning);
    free(warning);
    return 0;
}
