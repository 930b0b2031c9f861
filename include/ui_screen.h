/* ui_screen.h — the screens' shared state and the screen objects; internal
 * to ui*.c, which are the only files that include curses.
 *
 * A screen is a `const struct ui_mode`: a table of callbacks (init is its
 * `enter`, free its `leave`, then resize, key, draw), as tmux's
 * window_mode.  The main loop in ui.c owns which screen is shown (the
 * library or the reader) and switches when a screen asks it to (ui_go);
 * over it at most one overlay (a menu, the help) and over both at most one
 * prompt line; the topmost takes the keys.  A frame is werase, the
 * screen's or the overlay's draw, the prompt's, one doupdate.
 *
 * Who calls whom (no cycle; `nm` on the objects shows it):
 *   ui.c (terminal, loop, switching, the whole-story takeover)
 *     -> ui_reader.c, ui_library.c (the screens)
 *       -> ui_menu.c (list scrolling, menus, help, the prompt line)
 *         -> ui_text.c (drawing text, the bottom line, messages),
 *            ui_keys.c (key tables)
 *   ui.c also calls ui_menu.c, ui_text.c and ui_keys.c itself;
 *   ui_reader.c -> ui_view.c (the reader core), ui_history.c (searches)
 * A screen never calls another screen; menus and the prompt call back
 * whoever opened them through the function they were given. */
#ifndef QUIRE_UI_SCREEN_H
#define QUIRE_UI_SCREEN_H

#include <curses.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "bookmarks.h"
#include "config.h"
#include "library.h"
#include "loader.h"
#include "pace.h"
#include "search.h"
#include "shelf.h"
#include "seen.h"
#include "ui_internal.h"
#include "util.h"

struct ui;

struct ui_mode {
    const char *name;
    /* Screens: become the screen shown, on story s (the library selects
     * it, the reader opens it, at its saved place when at_saved).  False:
     * nothing changed, ui->msg says why.  NULL for overlays. */
    bool (*enter)(struct ui *ui, struct story *s, bool at_saved);
    /* Stop being shown (the reader saves its place and closes the story;
     * an overlay frees what it holds). */
    void (*leave)(struct ui *ui);
    /* Fit to LINES x COLS; called just before draw.  May be NULL. */
    void (*resize)(struct ui *ui);
    void (*key)(struct ui *ui, int key);
    void (*draw)(struct ui *ui);
    /* Once every turn of the loop, key or not (periodic save; ui->idle_turn
     * says which).  May be NULL. */
    void (*tick)(struct ui *ui);
    /* While the open story is partial: would `key` (to this screen or to an
     * overlay on it) need the whole story?  NULL: never. */
    bool (*needs_whole)(struct ui *ui, int key);
    /* The key table (ended by an ACT_NONE row); NULL: the screen reads
     * keys otherwise (the prompt line). */
    const struct ui_binding *keys;
    /* Overlays: drawn instead of the screen (menus) rather than over its
     * bottom line (the prompt). */
    bool covers;
};

/* The screens, and the overlays ui_menu.c opens. */
extern const struct ui_mode ui_mode_reader, ui_mode_library;
extern const struct ui_mode ui_mode_menu, ui_mode_help, ui_mode_prompt;
extern const struct ui_mode ui_mode_info;

enum ui_screen_id { UI_SCREEN_LIBRARY, UI_SCREEN_READER };

/* A scrolling list: n items, the selected one, the first one shown. */
struct ui_list {
    size_t n, sel, top;
};

/* Called with the index of the item chosen (Enter); the menu is closed. */
typedef void ui_choose_fn(struct ui *ui, size_t sel);
/* Called as the prompt's text changes / when it ends (run: Enter; else
 * Esc or Backspace on nothing); the prompt is closed after `done`. */
typedef void ui_prompt_fn(struct ui *ui, const char *text);
typedef void ui_prompt_done_fn(struct ui *ui, const char *text, bool run);

struct ui_menu {
    char *title;
    char **items;            /* owned */
    size_t n_items;
    size_t *shown;           /* the items shown (all, or those the filter
                                matches): indexes into items; list.n of them */
    struct ui_list list;
    ui_choose_fn *choose;    /* called with an index into items */
    ui_choose_fn *remove;    /* `d` (delete_mark) on an item: called with its
                                index into items, the menu still open; NULL:
                                the menu deletes nothing (ui_menu_on_delete) */
    char *filter;            /* NULL: none */
    unsigned long number;    /* digits typed: item `number` selected */
};

struct ui_prompt {
    char lead;               /* shown before the text: '/', '?' */
    struct buf text;         /* UTF-8 being edited */
    ui_prompt_fn *changed;
    ui_prompt_done_fn *done;
    struct ui_history *hist; /* Up/Down recall from it; NULL: none */
    size_t back;             /* the entry shown (ui_history_get), 0: typed */
    char *typed;             /* the text typed before Up */
};

#define UI_SEEN_LATER 8   /* long chapters whose seen marking waits */

struct ui_reader {
    bool open;
    struct story *s;
    struct ui_view v;
    /* search */
    struct search *srch;
    char *needle;
    bool srch_back;
    bool prompt_back;        /* the search prompt open is '?' */
    bool have_hit;
    size_t hit_ci, hit_off, hit_end;
    /* every hit of the search (for "hit N of M"), found at its first step */
    struct ui_hit *hits;
    size_t n_hits;
    bool hits_known, hits_more;
    char nth[64];            /* "hit N of M" for the current hit */
    char hint[32];           /* a key's name for a message */
    /* number typed before a key, and a key waiting for its letter */
    unsigned long count;
    bool have_count;
    /* the count as the action in hand takes it: given or not, its value,
     * and how often a move repeats (1 without one, at most 10000) */
    bool arg_given;
    unsigned long arg, times;
    int pending;             /* 'm' or '\'' (the key that waits), 0 none */
    char letters[64];        /* the bookmarks menu: each item's letter */
    /* where the reader was before the last jump ('' returns) */
    bool have_prev;
    size_t prev_ci, prev_off;
    /* the chapters on screen (seen_want_*, set by each frame) and the ones
     * last marked seen (seen.h), after the frame is out (the tick): marked
     * again only when they change; lo > hi: none */
    size_t seen_lo, seen_hi, seen_want_lo, seen_want_hi;
    /* long chapters shown but not marked yet (on a turn with no key) */
    size_t seen_later[UI_SEEN_LATER], n_seen_later;
    /* a partial story opened at its saved place: when the whole story
     * comes and the top line is still `opened_at`, on to the first new
     * chapter as a whole story opens (go_to_new) */
    bool new_after_whole;
    struct ui_addr opened_at;
    /* saving: the position is written at most every UI_SAVE_EVERY s */
    bool unsaved;
    time_t saved_at;
    /* the reader's pace: where the last page turn left the top line */
    size_t turn_ci, turn_off;
};

struct ui_libscreen {
    struct shelf_row *rows;  /* the rows shown (shelf_rows): stories and
                                series headings; list.n of them */
    struct shelf_facts *facts;   /* per story (shelf_facts_fill) */
    bool *keep;              /* per story: matches the filter */
    size_t n_shown;          /* story rows among the rows */
    struct ui_list list;     /* never selects a heading */
    char *filter;            /* NULL: none */
    bool typing;             /* the filter prompt is open */
    enum shelf_sort sort;
    enum shelf_view view;
    char *prefs;             /* the sort and view's state file; NULL: none */
    bool status_col;         /* some story says complete / in progress */
    bool stale;              /* the rows are made again at the next draw */
};

struct ui {
    struct library *lib;
    struct library **libp;   /* the caller's pointer to lib (ui_run) */
    struct loader *loader;   /* the whole library being read while the open
                                story is partial; NULL once taken */
    struct bookmarks *bm;
    struct pace *pace;       /* the reader's pace and fold choices; NULL: none */
    struct seen *seen;       /* seen chapters (ui_start.seen), or NULL */
    struct seen **seen_later;   /* ui_start.seen_later until the store is open */
    const struct config *cfg;
    const struct ui_mode *screen;    /* the library or the reader */
    const struct ui_mode *overlay;   /* a menu or the help; NULL */
    const struct ui_mode *line;      /* the prompt line over both; NULL */
    struct {                 /* a switch a screen asked for (ui_go) */
        bool pending;
        enum ui_screen_id to;
        struct story *s;
        bool at_saved;
    } go;
    struct ui_reader rd;
    struct ui_libscreen ls;
    struct ui_menu menu;
    struct ui_info *info;    /* the info screen's own (ui_info.c); NULL */
    struct ui_prompt prompt;
    struct ui_history search_hist;   /* searches typed, across runs */
    char msg[256];           /* shown on the bottom line until the next key */
    bool busy_said;          /* msg is ui_busy_say's: ui_busy_end clears it */
    bool idle_turn;          /* this turn of the main loop had no key: the
                                screen's tick may do slower work */
    volatile sig_atomic_t *stop_signal;   /* ui.c's: SIGINT, SIGTERM, SIGHUP caught */
    void (*draw_now)(struct ui *ui);      /* ui.c's ui_draw, for ui_busy_say: a frame
                                             from inside a handler, no call up to ui.c */
    unsigned long frames;
    bool test_frames;        /* QUIRE_TEST_FRAMES=1: show the frame number */
    bool quit;
    bool alone;              /* ui_start.alone: no library screen to go back to */
    struct story *start;     /* the story the reader opens on, or NULL */
    bool start_at_saved;     /* ... at its saved place (ui_start.resume) */
    char *bm_warning;        /* the last bookmark-store warning shown */
    attr_t a_italic, a_dim, a_bold, a_status, a_match, a_cur, a_sel;
    attr_t a_under;          /* underlined text (<u> in an ebook) */
    bool strike;             /* draw struck text (<s>) struck: ui_reader.c */
};

/* The keys that mean Enter, for the key tables' rows. */
#define UI_ENTERS '\n', '\r', UI_KC(KEY_ENTER)

#define UI_SAVE_EVERY 5      /* seconds between periodic position saves */

/* Ask the main loop to show screen `to` on story s once the key in hand is
 * handled. */
static inline void ui_go(struct ui *ui, enum ui_screen_id to, struct story *s)
{
    ui->go.pending = true;
    ui->go.to = to;
    ui->go.s = s;
    ui->go.at_saved = true;
}

/* ui.c */
void ui_state_init(struct ui *ui, struct library *lib, struct bookmarks *bm,
                   const struct config *cfg);
void ui_state_free(struct ui *ui);
void ui_attrs_init(struct ui *ui);   /* after the screen exists */
/* Hand `key` to the prompt, the overlay or the screen (the topmost), then
 * make any switch asked for. */
void ui_dispatch(struct ui *ui, int key);
void ui_draw(struct ui *ui);


/* ui_text.c */
/* Long work in a key's handler (a search through a long story): a key
 * must never wait unannounced, and q, Esc and Ctrl-C must work.
 * ui_busy_say shows what the program is doing on the bottom line (a frame
 * drawn now).  ui_busy_poll looks at the keys typed meanwhile, waiting up
 * to `ms` milliseconds for the first (0: not at all), and says whether the
 * work is to go on: false on Esc (dropped), on the quit key of key table
 * ctx (kept: it acts once the work has stopped), on Ctrl-C (SIGINT stops
 * the work, not quire) and on SIGTERM or SIGHUP (quire then quits as
 * ever).  Other keys are kept (ui_busy_keep, at most 32).  ui_busy_end:
 * the work is over; the keys kept are handed back in the order typed, and
 * a message ui_busy_say left is cleared. */
void ui_busy_say(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool ui_busy_poll(struct ui *ui, enum ui_ctx ctx, int ms);
void ui_busy_keep(int rc, wint_t wc);
void ui_busy_end(struct ui *ui);
/* Is `key` the quit key of table ctx, nothing (prompt, menu) over it? */
bool ui_busy_quit_key(const struct ui *ui, enum ui_ctx ctx, int key);
void ui_msg(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Write the bookmark store now; a new warning from it (unwritable folder,
 * file moved aside) goes to the bottom line, since stderr is the screen. */
void ui_bm_save(struct ui *ui);
/* Draw UTF-8 s[0..n) at (y, x) with attr, never past column xmax (exclusive)
 * and never a control character; returns the column after it.  Columns are
 * layout_char_width's, as the text was laid out with. */
int ui_put(int y, int x, int xmax, const char *s, size_t n, attr_t attr);
/* Display columns of s[0..n) as ui_put draws it. */
int ui_cols(const char *s, size_t n);
/* The bottom line: `left` then `right` flush right, in the status attribute;
 * the frame number is appended in test mode. */
void ui_bottom(struct ui *ui, int y, const char *left, const char *right);
/* The handler of every "redraw" key row (C-l): repaint the whole terminal. */
void ui_redraw(struct ui *ui, enum ui_action act, int key);

/* ui_menu.c */
/* Rows of a list screen: the title takes row 0 and the hint the last row
 * when there is room; *rows >= 1. */
void ui_list_rows(int *first, int *rows);
/* Bring the selection into view in `rows` rows. */
void ui_list_fit(struct ui_list *l, int rows);
/* Move the selection by a list action (line, scroll, page, top, bottom;
 * `page` items a page); false when `act` is none of them.  `scroll`: the
 * list has no selection (help), the view itself scrolls. */
bool ui_list_move(struct ui_list *l, enum ui_action act, size_t page, bool scroll);
/* Open a menu over the screen: title and items are taken (malloc'd);
 * Enter calls choose(ui, index). */
void ui_menu_open(struct ui *ui, char *title, char **items, size_t n, size_t sel,
                  ui_choose_fn *choose);
/* The help: lines to scroll through (taken). */
void ui_help_open(struct ui *ui, char *title, char **items, size_t n);
void ui_menu_close(struct ui *ui);
/* The open menu's items can be deleted (`d`, action delete_mark): remove
 * is called with the selected item's index into the items; it may reopen
 * the menu with what is left. */
void ui_menu_on_delete(struct ui *ui, ui_choose_fn *remove);
/* The prompt line: `changed` (may be NULL) after each edit, `done` at the
 * end. */
void ui_prompt_open(struct ui *ui, char lead, ui_prompt_fn *changed, ui_prompt_done_fn *done);
/* Up and Down in the open prompt recall the entries of h. */
void ui_prompt_history(struct ui *ui, struct ui_history *h);
/* Is `key` the one that ends the prompt with its text (Enter)? */
bool ui_prompt_enter(int key);

/* ui_reader.c */
int ui_reader_rows(void);                    /* text rows for LINES */
int ui_reader_width(const struct ui *ui);    /* text column for COLS */
/* The open story is now `ns`, the whole story of the partial one open
 * (same file): keep the place, the search hit and the '' place; a reader
 * who has not moved yet and whose story the whole one names differently
 * goes to the place saved under the new name. */
void ui_reader_adopt(struct ui *ui, struct story *ns);

/* ui_info.c */
/* The info screen over the screen, on story s: what it says about itself,
 * its words, chapters and files, when last read and the time left from
 * `percent` through it (>= 0: the reader is there now; < 0: from its saved
 * position). */
void ui_info_open(struct ui *ui, const struct story *s, double percent);
/* "just now", "5 min ago", "3 days ago", a date; "-" for 0. */
void ui_info_when(time_t when, char *buf, size_t size);

/* ui_library.c */
/* Build the list for ui->lib (the last-read story selected); free it. */
void ui_library_init(struct ui *ui);
void ui_library_free(struct ui *ui);

#endif
