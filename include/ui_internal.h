/* ui_internal.h — shared between the ui_*.c files; not a public contract.
 *
 * Three parts (the search history, ui_history.c, is the third):
 *  - the reader core (ui_view.c): the position model and lazy layout of a
 *    story, with no curses at all, so it can be unit-tested and timed;
 *  - the key table (ui_keys.c): key bindings as data, shared by the
 *    dispatcher and the generated help screen.
 *
 * Position model: the reader's position is (chapter index, byte offset of
 * the first character on the top line) in the chapter's preferred edition
 * (absolute offset into its source text).  A screen line is only ever a
 * cached address valid for the current width. */
#ifndef QUIRE_UI_INTERNAL_H
#define QUIRE_UI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "layout.h"
#include "library.h"
#include "search.h"

/* ---- reader core (ui_view.c) ------------------------------------------ */

/* A chapter is laid out lazily as segments: segment b+1 holds the lines of
 * block b, and the synthetic title lines (layout_title) at the head of the
 * segment of block `title_before` when the chapter has no heading of its
 * own; segment 0 holds them only when the chapter has no blocks.  A segment
 * is laid out on first use. */
struct ui_seg {
    struct line_vec lv;
    bool done;
};

struct ui_chap {
    struct ui_seg *seg;      /* NULL: nothing laid out for this chapter */
    size_t nseg;             /* n_blocks + 1 */
    const struct block *blocks;
    size_t n_blocks;
    size_t title_before;     /* layout_title_before(); (size_t)-1: no title */
    const char *text;        /* preferred edition's source text */
    const struct edition *ed;
    size_t *wsuf;            /* wsuf[b]: words of story text in blocks b..;
                                NULL until counted (ui_view_words_left) */
};

/* A line's address at the current width: chapter, segment, index. */
struct ui_addr {
    size_t ci, seg, idx;
};

struct ui_view {
    struct story *s;
    struct layout_opts lo;   /* width = the text column now */
    struct ui_chap *chap;    /* one per chapter of s */
    struct ui_addr top;      /* the top line */
    /* The byte the position names: kept while the top line stays where a
     * jump or resize put it, so 100 -> 60 -> 100 columns comes back to the
     * same line (the top line's own first byte would drift). */
    bool anchored;
    struct ui_addr anchor_top;
    size_t anchor_off;
    int rows;                /* text rows on the screen, >= 1 */
    struct layout_scratch *sc;   /* reused by layout and drawing */
    size_t laid_blocks;      /* blocks laid out so far (for tests/bench) */
};

/* Start viewing story `s` (at least one chapter) at its first line. */
void ui_view_init(struct ui_view *v, struct story *s, const struct layout_opts *lo, int rows);
void ui_view_free(struct ui_view *v);

/* Change the text width (drops every cached layout) and the number of text
 * rows, keeping the same first character at the top. */
void ui_view_resize(struct ui_view *v, int width, int rows);

/* The line at `a` (laid out on demand); NULL when `a` is past the end. */
const struct line *ui_view_line(struct ui_view *v, const struct ui_addr *a);
/* Step to the next / previous line within the chapter; false at its end /
 * start (a unchanged). */
bool ui_view_next(struct ui_view *v, struct ui_addr *a);
bool ui_view_prev(struct ui_view *v, struct ui_addr *a);
/* First and last line of chapter ci. */
struct ui_addr ui_view_first(struct ui_view *v, size_t ci);
struct ui_addr ui_view_last(struct ui_view *v, size_t ci);
/* The line showing byte `off` of chapter ci (offsets at or before the
 * chapter's start give its first line, the synthetic title included). */
struct ui_addr ui_view_addr_of(struct ui_view *v, size_t ci, size_t off);
/* The source offset a line stands for: its first byte; a title line stands
 * for the chapter's start; a blank line for the next line with text. */
size_t ui_view_off_of(struct ui_view *v, const struct ui_addr *a);

/* The current position: the byte a jump or resize anchored at while the
 * top line has not moved since, else the top line's first byte. */
size_t ui_view_off(struct ui_view *v);
void ui_view_goto(struct ui_view *v, size_t ci, size_t off);
/* Percent (0..100) through the story's text (story_percent) of the top
 * line; 100 once the story's last line of text is on the screen. */
double ui_view_percent(struct ui_view *v);
/* Chapter and offset at `pct` percent of the story's text; at 100, the top
 * of a full last screen whose last line is the story's last line of text. */
void ui_view_percent_pos(struct ui_view *v, double pct, size_t *ci, size_t *off);

/* Fold (or unfold) the notes (layout_opts.fold_notes): every layout is
 * dropped and the reader stays at the same byte, or, inside a note now
 * folded, at the story text after it. */
void ui_view_set_fold(struct ui_view *v, bool fold);

/* Words of story text (blocks that are not front or back matter, counted
 * as parse_count_words counts) in chapter ci from byte `off` to the
 * chapter's end.  The chapter's words are counted once, on first use. */
size_t ui_view_words_left(struct ui_view *v, size_t ci, size_t off);
/* The same from byte `off` of chapter ci to the story's end (every later
 * chapter's blocks are parsed and counted on first use): with
 * pace_time_left, the time left in the story. */
size_t ui_view_story_words_left(struct ui_view *v, size_t ci, size_t off);
/* Words of story text from (ci0, off0) on to (ci1, off1): read between two
 * page turns.  0 when (ci1, off1) is not after it in the same or the next
 * chapter (a jump, not reading). */
size_t ui_view_words_read(struct ui_view *v, size_t ci0, size_t off0, size_t ci1, size_t off1);

/* Movement.  Every one returns false when it could not move (start or end
 * of the story). */
bool ui_view_at_end(struct ui_view *v);        /* chapter's last line on screen */
bool ui_view_line_down(struct ui_view *v);     /* at a chapter's end: next chapter */
bool ui_view_line_up(struct ui_view *v);       /* at its start: previous chapter's last page */
bool ui_view_page_down(struct ui_view *v);
bool ui_view_page_up(struct ui_view *v);
bool ui_view_chapter(struct ui_view *v, size_t ci);   /* to chapter ci's start */
/* Where a contents entry leads: chapter ci's start, except that the first
 * chapter's front matter (licence header, title page, table of contents)
 * is passed over to its heading. */
bool ui_view_chapter_entry(struct ui_view *v, size_t ci);
void ui_view_chapter_end(struct ui_view *v);          /* last page of this chapter */

/* Search the whole story for `srch` starting at (ci, from) forward, or
 * backward from there; wraps around the story once (sets *wrapped).  On a
 * hit sets *hci, *hoff, *hend and returns true.  Hits inside folded notes
 * are passed over (here and in ui_view_all_hits).  A search the tick of
 * its pace stopped (search.h: search_pace) ends at once, not found. */
bool ui_view_search(struct ui_view *v, const struct search *srch, size_t ci, size_t from,
                    bool backward, size_t *hci, size_t *hoff, size_t *hend, bool *wrapped);

/* A search hit's place: chapter and source offset. */
struct ui_hit {
    size_t ci, off;
};

/* Every hit of `srch` in the story in reading order, at most `max` of them,
 * into *hits (malloc'd, NULL when none); returns how many, with *more set
 * when there were more than `max`; the hits so far when the search's
 * pace stopped it (search_stopped). */
size_t ui_view_all_hits(struct ui_view *v, const struct search *srch, size_t max,
                        struct ui_hit **hits, bool *more);

/* Drop cached layouts of chapters far from the top line (bounded memory). */
void ui_view_trim(struct ui_view *v);

/* ---- search history (ui_history.c) ------------------------------------- */

#define UI_HISTORY_MAX 100

struct ui_history {
    char *path;              /* the file; NULL: this run only */
    char **items;            /* oldest first */
    size_t n;
    bool loaded;
    char **pending;          /* searches not yet in the file (its lock was held) */
    size_t n_pending, cap_pending;
};

/* An empty history kept in `path` (NULL: none); nothing is read yet. */
void ui_history_init(struct ui_history *h, const char *path);
/* Write what is pending (waiting for the lock) and free. */
void ui_history_free(struct ui_history *h);
/* Read the file the first time (later calls do nothing). */
void ui_history_load(struct ui_history *h);
/* Add a search (its first line; an equal older one is dropped) and write
 * the file under its lock, merged with what another run may have added
 * meanwhile.  Never waits: while another process holds the lock the search
 * is pending, written by a later add or by ui_history_free (which waits). */
void ui_history_add(struct ui_history *h, const char *text);
/* The search `back` steps back (1: the latest), or NULL. */
const char *ui_history_get(const struct ui_history *h, size_t back);

/* ---- key table (ui_keys.c) --------------------------------------------- */

/* A key: a character (its code point), UI_KC(KEY_*) for a curses key code,
 * or one of the pseudo keys below. */
#define UI_KC(k) (0x1000000 | (k))
#define UI_KEY_ESC        0x1b
#define UI_KEY_WHEEL_UP   0x2000001
#define UI_KEY_WHEEL_DOWN 0x2000002

/* The key tables: one per screen that takes keys (the menus and the help
 * share one), registered by the main loop with ui_keys_init. */
enum ui_ctx {
    UI_CTX_READER,
    UI_CTX_LIBRARY,
    UI_CTX_MENU,
    UI_N_CTX
};

enum ui_action {
    ACT_NONE = 0,
    ACT_PAGE_DOWN, ACT_PAGE_UP, ACT_LINE_DOWN, ACT_LINE_UP,
    ACT_NEXT_CHAPTER, ACT_PREV_CHAPTER, ACT_TOP, ACT_BOTTOM,
    ACT_CONTENTS, ACT_SEARCH_FWD, ACT_SEARCH_BACK, ACT_SEARCH_NEXT, ACT_SEARCH_PREV,
    ACT_SET_MARK, ACT_JUMP_MARK, ACT_LIST_MARKS, ACT_DIGIT, ACT_PERCENT,
    ACT_HELP, ACT_QUIT, ACT_SCROLL_DOWN, ACT_SCROLL_UP, ACT_REDRAW,
    ACT_OPEN, ACT_FILTER, ACT_CLOSE,
    ACT_SORT, ACT_VIEW, ACT_INFO,
    ACT_FOLD_NOTES,
    ACT_DELETE_MARK,
};

#define UI_MAX_KEYS 12

struct ui;

/* A row of a key table: an action, its keys and its handler.  A table is
 * an array of rows ended by one whose action is ACT_NONE. */
struct ui_binding {
    enum ui_action action;
    const char *name;        /* action name for config remaps */
    const char *keyhelp;     /* how help shows the keys (NULL: list them) */
    const char *help;        /* what it does */
    int keys[UI_MAX_KEYS + 1];   /* ended by 0 (at most UI_MAX_KEYS keys) */
    /* Runs the action; `key` is the key that was pressed. */
    void (*run)(struct ui *ui, enum ui_action act, int key);
};

/* Register the tables (one per enum ui_ctx, each ended by an ACT_NONE row)
 * with their default keys, then apply cfg's remaps (NULL: none).
 * Problems (unknown key or action name) are printed one line each to
 * `diag` as "quire: ..." and skipped; returns how many. */
int ui_keys_init(const struct config *cfg, FILE *diag,
                 const struct ui_binding *const tables[UI_N_CTX]);
/* The row `key` is bound to in context ctx, or NULL. */
const struct ui_binding *ui_keys_find(enum ui_ctx ctx, int key);
/* The name of the key to show for action `act` of context ctx in a hint
 * ("Enter", "q"): the key a config remap added, else `prefer` when it is
 * one of the action's keys, else its first; "?" when the action has no
 * key.  Written into buf (>= 16 bytes). */
const char *ui_keys_hint(enum ui_ctx ctx, enum ui_action act, int prefer, char *buf,
                         size_t size);
/* The action bound to `key` in context ctx, or ACT_NONE. */
enum ui_action ui_keys_lookup(enum ui_ctx ctx, int key);
/* Display name of a key ("Space", "PgDn", "C-l", "x") into buf (>= 16 bytes). */
const char *ui_key_name(int key, char *buf, size_t size);
/* Parse a key name as the config writes it; -1 when unknown. */
int ui_key_parse(const char *name);
/* The help lines for context ctx: "keys  text" strings, malloc'd array of
 * malloc'd strings; *n set. */
char **ui_keys_help(enum ui_ctx ctx, size_t *n);

#endif
