/* ui_screen.h — the screens' shared state; internal to ui*.c, which are the
 * only files that include curses.
 *
 * One `struct ui` holds everything the screens need: the library screen,
 * the reader, at most one menu (contents, bookmarks, help) and at most one
 * prompt line (search, filter) on top.  The main loop in ui.c draws a frame
 * (werase, draw, one doupdate), waits for a key with a timeout, and hands the
 * key to whatever is on top. */
#ifndef QUIRE_UI_SCREEN_H
#define QUIRE_UI_SCREEN_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "bookmarks.h"
#include "config.h"
#include "library.h"
#include "search.h"
#include "ui_internal.h"
#include "util.h"

enum ui_menu_kind { MENU_NONE, MENU_CONTENTS, MENU_MARKS, MENU_HELP };
enum ui_prompt_kind { PROMPT_NONE, PROMPT_SEARCH_FWD, PROMPT_SEARCH_BACK, PROMPT_FILTER };

struct ui_menu {
    enum ui_menu_kind kind;
    char *title;
    char **items;            /* owned */
    size_t n, sel, top;
    char *letters;           /* MENU_MARKS: the mark letter of each item */
};

struct ui_prompt {
    enum ui_prompt_kind kind;
    char lead;               /* shown before the text: '/', '?' */
    struct buf text;         /* UTF-8 being edited */
};

struct ui_reader {
    bool open;
    struct story *s;
    struct ui_view v;
    /* search */
    struct search *srch;
    char *needle;
    bool srch_back;
    bool have_hit;
    size_t hit_ci, hit_off, hit_end;
    /* number typed before a key, and a key waiting for its letter */
    unsigned long count;
    bool have_count;
    int pending;             /* 'm' or '\'' (the key that waits), 0 none */
    /* where the reader was before the last jump ('' returns) */
    bool have_prev;
    size_t prev_ci, prev_off;
    /* saving: the position is written at most every UI_SAVE_EVERY s */
    bool unsaved;
    time_t saved_at;
};

struct ui_libscreen {
    size_t *idx;             /* stories shown (indexes into lib->stories) */
    size_t n;
    size_t sel, top;
    char *filter;            /* NULL: none */
};

struct ui {
    struct library *lib;
    struct library **libp;   /* the caller's pointer to lib (ui_run) */
    struct loader *loader;   /* the whole library being read while the open
                                story is partial; NULL once taken */
    struct bookmarks *bm;
    const struct config *cfg;
    bool in_reader;          /* else the library screen */
    struct ui_reader rd;
    struct ui_libscreen ls;
    struct ui_menu menu;
    struct ui_prompt prompt;
    char msg[256];           /* shown on the bottom line until the next key */
    unsigned long frames;
    bool test_frames;        /* QUIRE_TEST_FRAMES=1: show the frame number */
    bool quit;
    char *bm_warning;        /* the last bookmark-store warning shown */
    attr_t a_italic, a_dim, a_bold, a_status, a_match, a_cur, a_sel;
};

#define UI_SAVE_EVERY 5      /* seconds between periodic position saves */

/* ui.c */
void ui_state_init(struct ui *ui, struct library *lib, struct bookmarks *bm,
                   const struct config *cfg);
void ui_state_free(struct ui *ui);
void ui_attrs_init(struct ui *ui);   /* after the screen exists */
void ui_msg(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Write the bookmark store now; a new warning from it (unwritable folder,
 * file moved aside) goes to the bottom line, since stderr is the screen. */
void ui_bm_save(struct ui *ui);
/* Draw UTF-8 s[0..n) at (y, x) with attr, never past column xmax (exclusive)
 * and never a control character; returns the column after it. */
int ui_put(int y, int x, int xmax, const char *s, size_t n, attr_t attr);
/* Display columns of s[0..n) as ui_put draws it. */
int ui_cols(const char *s, size_t n);
/* The bottom line: `left` then `right` flush right, in the status attribute;
 * the frame number is appended in test mode. */
void ui_bottom(struct ui *ui, int y, const char *left, const char *right);
void ui_menu_open(struct ui *ui, enum ui_menu_kind kind, char *title, char **items, size_t n,
                  size_t sel);
void ui_menu_close(struct ui *ui);
void ui_prompt_open(struct ui *ui, enum ui_prompt_kind kind, char lead);
void ui_draw(struct ui *ui);
/* Take the loader's whole library over from the partial one, waiting for
 * it if need be; the open story keeps its place.  No-op without a loader. */
void ui_take_whole(struct ui *ui);

/* ui_reader.c */
bool ui_reader_open(struct ui *ui, struct story *s, bool at_saved);
void ui_reader_close(struct ui *ui);
void ui_reader_save(struct ui *ui);          /* write the last position now */
void ui_reader_tick(struct ui *ui);          /* periodic save */
void ui_reader_key(struct ui *ui, int key);
void ui_reader_draw(struct ui *ui);
void ui_reader_menu_choose(struct ui *ui);   /* Enter in contents/marks */
void ui_reader_prompt_done(struct ui *ui, bool run);
/* The open story is now `ns`, the whole story of the partial one open
 * (same file): keep the place, the search hit and the '' place. */
void ui_reader_adopt(struct ui *ui, struct story *ns);
int ui_reader_rows(void);                    /* text rows for LINES */
int ui_reader_width(const struct ui *ui);    /* text column for COLS */

/* ui_library.c */
void ui_library_init(struct ui *ui);
void ui_library_free(struct ui *ui);
void ui_library_key(struct ui *ui, int key);
void ui_library_draw(struct ui *ui);
void ui_library_select(struct ui *ui, const struct story *s);
void ui_library_prompt_changed(struct ui *ui);
void ui_library_prompt_done(struct ui *ui, bool keep);

#endif
