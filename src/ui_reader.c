/* ui_reader.c — the reading screen: draws the lines of the reader core
 * (ui_view.c) in a centred column with a status line, and turns keys from
 * the key table into moves, searches, bookmarks and menus.
 *
 * The position saved is (chapter, byte offset of the top line's first
 * character): on leaving the story, on quitting, on SIGTERM/SIGHUP/SIGINT
 * (through ui_run) and at most every UI_SAVE_EVERY seconds after a move. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ebook_door.h"
#include "ui_screen.h"
#include "vis.h"

#define MAX_HITS 128

int ui_reader_rows(void)
{
    return LINES >= 2 ? LINES - 1 : 1;
}

int ui_reader_width(const struct ui *ui)
{
    int w = ui->cfg && ui->cfg->width > 0 ? ui->cfg->width : 72;
    if (COLS < w)
        w = COLS;
    return w < 1 ? 1 : w;
}

/* ---- positions and saving ----------------------------------------------- */

/* A warning from the pace file (unreadable and kept aside, not saved), once
 * on the bottom line. */
static void pace_news(struct ui *ui)
{
    if (!ui->pace || !ui->pace->warning)
        return;
    ui_msg(ui, "%s", ui->pace->warning);
    free(ui->pace->warning);
    ui->pace->warning = NULL;
}

static void reader_save(struct ui *ui)
{
    struct ui_reader *rd = &ui->rd;
    if (!rd->open || !ui->bm)
        return;
    struct bm_pos pos;
    memset(&pos, 0, sizeof pos);
    bookmarks_make_pos(rd->s, rd->v.top.ci, ui_view_off(&rd->v), &pos);
    pos.percent = ui_view_percent(&rd->v);   /* 100 with the last line on screen */
    struct bm_pos was;
    if (rd->s->partial && bookmarks_get_last(ui->bm, rd->s->id, &was)) {
        /* A partial story does not know every chapter: the count is the
         * one saved before when larger; and the chapters from a saved
         * place on (library_open_at: not from the file's start) are
         * numbered from the place saved before. */
        if (was.n_chapters > pos.n_chapters)
            pos.n_chapters = was.n_chapters;
        for (size_t k = 0; rd->s->ch[0].ed[0].start > 0 && k < rd->s->n_ch; k++)
            if (strcmp(rd->s->ch[k].key, was.chapter_key) == 0 && was.chapter >= k) {
                pos.chapter = was.chapter - k + pos.chapter;
                break;
            }
    }
    bookmarks_set_last(ui->bm, rd->s->id, rd->s->title, &pos);
    ui_bm_save(ui);
    pace_save(ui->pace);
    pace_news(ui);
    rd->unsaved = false;
    rd->saved_at = time(NULL);
}

#define SEEN_LATER_BYTES ((size_t)1 << 20)   /* a chapter marked seen later */

/* The chapters the last frame showed are seen (seen.h), each once while
 * it stays on the screen; after the frame is out, as marking a chapter
 * seen the first time reads all of it (its hash: about 5 ms a MiB).  On a
 * turn with a key (`all` false) a chapter over SEEN_LATER_BYTES is only
 * noted (seen_later), so that the key does not wait for it; a turn with
 * no key, the contents and leaving the story mark those too (`all`). */
static void mark_seen(struct ui *ui, bool all)
{
    struct ui_reader *rd = &ui->rd;
    if (!ui->seen || !rd->open || rd->s->partial)
        return;
    size_t lo = rd->seen_want_lo, hi = rd->seen_want_hi;
    if (lo <= hi && !(lo == rd->seen_lo && hi == rd->seen_hi)) {
        for (size_t ci = lo; ci <= hi && ci < rd->s->n_ch; ci++) {
            if (!(ci < rd->seen_lo || ci > rd->seen_hi || rd->seen_lo > rd->seen_hi))
                continue;
            const struct edition *e = &rd->s->ch[ci].ed[0];
            size_t k = 0;
            while (k < rd->n_seen_later && rd->seen_later[k] != ci)
                k++;
            if (!all && e->end - e->start > SEEN_LATER_BYTES && k < UI_SEEN_LATER) {
                if (k == rd->n_seen_later)
                    rd->seen_later[rd->n_seen_later++] = ci;
            } else if (k == rd->n_seen_later) {
                seen_mark(ui->seen, rd->s, ci);
            }
        }
        rd->seen_lo = lo;
        rd->seen_hi = hi;
    }
    if (all)
        while (rd->n_seen_later)
            seen_mark(ui->seen, rd->s, rd->seen_later[--rd->n_seen_later]);
}

/* The periodic save; the chapters on screen marked seen (a long one on a
 * turn with no key: mark_seen). */
static void reader_tick(struct ui *ui)
{
    struct ui_reader *rd = &ui->rd;
    mark_seen(ui, ui->idle_turn);
    if (rd->open && rd->unsaved && time(NULL) - rd->saved_at >= UI_SAVE_EVERY)
        reader_save(ui);
}

static void reader_leave(struct ui *ui);

/* Drop the hits counted for "hit N of M" (a new search, another story). */
static void forget_hits(struct ui_reader *rd)
{
    free(rd->hits);
    rd->hits = NULL;
    rd->n_hits = 0;
    rd->hits_known = false;
    rd->hits_more = false;
}

/* A reader who had read the story to its end (the saved place in its last
 * screen: percent 100) and comes back to new chapters opens at the start
 * of the first new one after that place, and the bottom line says so; a
 * reader in the middle keeps their place (seen.h: what is new). */
static void go_to_new(struct ui *ui, struct story *s, const struct bm_pos *pos, size_t ci)
{
    if (s->partial)
        return;
    size_t n = seen_count_new(ui->seen, s);
    if (!n)
        return;
    /* The end: 100%, or the last screen of the place's chapter when every
     * chapter after it is new or a note (a hiatus notice after the last
     * chapter read keeps the percent under 100). */
    bool at_end = pos->percent >= 99.995;
    if (!at_end) {
        enum seen_kind *k = xcalloc(s->n_ch, sizeof *k);
        seen_chapters(ui->seen, s, SEEN_CHECK_KEYS, k);
        bool rest = true;
        for (size_t c = ci + 1; c < s->n_ch && rest; c++)
            rest = k[c] == SEEN_NEW || s->ch[c].note;
        free(k);
        size_t lo, hi;
        story_text_range(s, ci, &lo, &hi);
        struct ui_view *v = &ui->rd.v;   /* at the saved place: is the
                                            chapter's last line on screen? */
        struct ui_addr a = v->top;
        for (int r = 0; rest && !at_end && r < v->rows && a.ci == ci; r++) {
            const struct line *ln = ui_view_line(v, &a);
            at_end = (ln && ln->end >= hi) || !ui_view_next(v, &a);
        }
    }
    if (!at_end)
        return;
    size_t first = seen_first_new(ui->seen, s, ci);
    if (first >= s->n_ch || !ui_view_chapter_entry(&ui->rd.v, first))
        return;
    ui_msg(ui, "%zu new chapter%s since you last read: chapter %zu of %zu", n,
           n == 1 ? "" : "s", first + 1, s->n_ch);
}

/* An ebook whose text is not here yet (listed from the index cache): its
 * first screen maps its derived file or converts it again, maybe after
 * the converter's work for another book (ebook_door_busy): the bottom
 * line of the screen still up says so first.  Test hook:
 * QUIRE_TEST_HOLD_OPEN=FILE holds it there, keys kept, until FILE exists. */
static void say_opening(struct ui *ui, const struct story *s)
{
    const struct source *src = s->ch[0].ed[0].src;
    if (ui->frames == 0 || src->text || src->fmt == EBOOK_NONE)
        return;
    ui_busy_say(ui, "%s %s\xe2\x80\xa6",
                ebook_door_busy() ? "waiting for the converter (busy with another book) to open"
                                  : "opening",
                s->title);
    const char *hold = getenv("QUIRE_TEST_HOLD_OPEN");
    while (hold && *hold && access(hold, F_OK) != 0 && ui_busy_poll(ui, UI_CTX_LIBRARY, 10))
        ;
}

static bool reader_enter(struct ui *ui, struct story *s, bool at_saved)
{
    if (s->n_ch == 0) {
        ui_msg(ui, "%s: no chapters to read", s->title);
        return false;
    }
    say_opening(ui, s);
    reader_leave(ui);
    struct ui_reader *rd = &ui->rd;
    int fold = pace_fold_story(ui->pace, s, ui->lib);   /* the story's choice, else the config's */
    struct layout_opts lo = {
        .width = ui_reader_width(ui),
        .wrap = ui->cfg ? ui->cfg->wrap : WRAP_OPTIMAL,
        .break_glyph = ui->cfg ? ui->cfg->break_glyph : NULL,
        .fold_notes = fold >= 0 ? fold == 1 : ui->cfg && ui->cfg->notes_folded,
    };
    ui_view_init(&rd->v, s, &lo, ui_reader_rows());
    struct bm_pos pos;
    size_t ci, off;
    if (at_saved && ui->bm && bookmarks_get_last(ui->bm, s->id, &pos) &&
        bookmarks_resolve(s, &pos, &ci, &off)) {
        ui_view_goto(&rd->v, ci, off);
        go_to_new(ui, s, &pos, ci);
        rd->new_after_whole = s->partial;   /* its new chapters are not known yet */
        rd->opened_at = rd->v.top;
    }
    seen_open_story(ui->seen, s);   /* a story read for the first time */
    rd->open = true;
    rd->s = s;
    rd->saved_at = time(NULL);
    pace_break(ui->pace);
    pace_news(ui);
    rd->turn_ci = rd->v.top.ci;
    rd->turn_off = ui_view_off(&rd->v);
    rd->seen_lo = rd->seen_want_lo = 1;
    rd->seen_hi = rd->seen_want_hi = 0;
    ui_busy_end(ui);   /* say_opening's message, and keys typed meanwhile */
    return true;
}

/* Save the place and close the story (also on quitting and on a signal:
 * the main loop makes every screen leave). */
static void reader_leave(struct ui *ui)
{
    struct ui_reader *rd = &ui->rd;
    if (!rd->open)
        return;
    mark_seen(ui, true);
    reader_save(ui);
    search_free(rd->srch);
    free(rd->needle);
    forget_hits(rd);
    ui_view_free(&rd->v);
    memset(rd, 0, sizeof *rd);
}

static void remember_place(struct ui_reader *rd)
{
    rd->have_prev = true;
    rd->prev_ci = rd->v.top.ci;
    rd->prev_off = ui_view_off(&rd->v);
}

static void jump_to(struct ui_reader *rd, size_t ci, size_t off)
{
    remember_place(rd);
    ui_view_goto(&rd->v, ci, off);
}

/* Source range [lo, hi) of chapter *ci shown on the screen now. */
static void visible_range(struct ui_reader *rd, size_t *ci, size_t *lo, size_t *hi)
{
    struct ui_view *v = &rd->v;
    struct ui_addr a = v->top;
    *ci = a.ci;
    *lo = ui_view_off_of(v, &a);
    *hi = *lo;
    for (int r = 0; r < v->rows; r++) {
        const struct line *ln = ui_view_line(v, &a);
        if (ln && ln->kind != LINE_BLANK && ln->kind != LINE_TITLE && ln->end > *hi)
            *hi = ln->end;
        if (!ui_view_next(v, &a))
            break;
    }
}

/* ---- drawing -------------------------------------------------------------- */

struct hits {
    size_t lo[MAX_HITS], hi[MAX_HITS];
    size_t n;
    size_t cur;   /* index of the current hit, or MAX_HITS */
};

static void find_hits(struct ui_reader *rd, struct hits *h)
{
    h->n = 0;
    h->cur = MAX_HITS;
    if (!rd->srch)
        return;
    size_t ci, lo, hi;
    visible_range(rd, &ci, &lo, &hi);
    const char *text;
    const struct edition *ed = chapter_text(&rd->s->ch[ci], &text);
    size_t from = lo, a, b;
    if (hi > ed->end)
        hi = ed->end;
    while (h->n < MAX_HITS && from < hi &&
           search_find(rd->srch, text, ed->start, hi, from, false, &a, &b)) {
        if (a >= hi)
            break;
        if (rd->have_hit && rd->hit_ci == ci && rd->hit_off == a)
            h->cur = h->n;
        h->lo[h->n] = a;
        h->hi[h->n] = b > a ? b : a + 1;
        h->n++;
        from = a + 1;
    }
}

static attr_t run_attr(const struct ui *ui, unsigned ra)
{
    attr_t a = A_NORMAL;
    if (ra & RUN_ITALIC)
        a |= ui->a_italic;
    if (ra & RUN_BOLD)
        a |= ui->a_bold;
    if (ra & RUN_DIM)
        a |= ui->a_dim;
    if (ra & RUN_MATCH)
        a |= ui->a_match;
    if (ra & RUN_UNDERLINE)
        a |= ui->a_under;
    return a;
}

/* ui_put, struck through for a struck run.  Curses has no strikethrough
 * attribute (ncurses 6.4 has none, and a terminal's smxx cannot be sent
 * between curses' own updates), so each character is followed by U+0336
 * COMBINING LONG STROKE OVERLAY, which the terminal draws across its
 * cell; a terminal without it still shows the text as it is. */
static int put_text(const struct ui *ui, const struct run *r, int y, int x, int xmax,
                    const char *s, size_t n, attr_t a)
{
    if (!(r->attr & RUN_STRIKE) || !ui->strike)
        return ui_put(y, x, xmax, s, n, a);
    char buf[256];   /* at most 2 wide characters per 3 bytes: within ui_put's batch */
    size_t i = 0;
    while (i < n && x < xmax) {
        size_t k = 0;
        while (i < n && k + 6 <= sizeof buf) {
            unsigned char b = (unsigned char)s[i];
            size_t l = b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
            if (l > n - i)
                l = n - i;
            memcpy(buf + k, s + i, l);
            k += l;
            i += l;
            buf[k++] = '\xCC';   /* U+0336 */
            buf[k++] = '\xB6';
        }
        x = ui_put(y, x, xmax, buf, k, a);
    }
    return x;
}

/* Draw one run, highlighting the parts inside search hits. */
static int draw_run(struct ui *ui, int y, int x, int xmax, const struct run *r, const char *text,
                    attr_t base, const struct hits *h)
{
    bool literal = r->src_off != (size_t)-1 && r->s == text + r->src_off;
    if (h->n == 0 || r->src_off == (size_t)-1)
        return put_text(ui, r, y, x, xmax, r->s, r->n, base);
    if (!literal) {
        attr_t a = base;
        for (size_t k = 0; k < h->n; k++)
            if (r->src_off >= h->lo[k] && r->src_off < h->hi[k])
                a |= k == h->cur ? ui->a_cur : ui->a_match;
        return put_text(ui, r, y, x, xmax, r->s, r->n, a);
    }
    size_t pos = 0;
    while (pos < r->n) {
        size_t here = r->src_off + pos, stop = r->n;
        attr_t a = base;
        for (size_t k = 0; k < h->n; k++) {
            if (here >= h->lo[k] && here < h->hi[k]) {
                a |= k == h->cur ? ui->a_cur : ui->a_match;
                if (h->hi[k] - r->src_off < stop)
                    stop = h->hi[k] - r->src_off;
            } else if (h->lo[k] > here && h->lo[k] - r->src_off < stop) {
                stop = h->lo[k] - r->src_off;
            }
        }
        x = put_text(ui, r, y, x, xmax, r->s + pos, stop - pos, a);
        pos = stop;
    }
    return x;
}

static void draw_line(struct ui *ui, int y, int x0, int xmax, const struct line *ln, size_t ci,
                      const struct hits *h)
{
    static struct run *runs;
    static size_t cap;
    struct ui_reader *rd = &ui->rd;
    const char *text;
    chapter_text(&rd->s->ch[ci], &text);
    const char *title = rd->s->ch[ci].title;
    if (!runs) {
        cap = 64;
        runs = xmalloc(cap * sizeof *runs);
    }
    size_t n = layout_runs_s(&rd->v.lo, text, title, ln, rd->v.sc, runs, cap);
    if (n > cap) {
        cap = n;
        runs = xrealloc(runs, cap * sizeof *runs);
        n = layout_runs_s(&rd->v.lo, text, title, ln, rd->v.sc, runs, cap);
    }
    attr_t base = A_NORMAL;
    if (ln->attr & LATTR_DIM)
        base |= ui->a_dim;
    if (ln->attr & LATTR_BOLD || ln->kind == LINE_HEADING || ln->kind == LINE_TITLE)
        base |= ui->a_bold;
    int x = x0 + ln->indent;
    for (size_t i = 0; i < n && x < xmax; i++)
        x = draw_run(ui, y, x, xmax, &runs[i], text, base | run_attr(ui, runs[i].attr), h);
}

/* "14 min left in chapter" before the right part of the status line, from
 * the reader's pace, when the line has room for it: it is the first part
 * dropped on a narrow terminal, as soon as the left part would lose more
 * than its columns past `keep` (the story's title and chapter number, and
 * CHTITLE_KEEP columns of the chapter's title).  Not for a chapter cut
 * short (the last of a story's head). */
#define CHTITLE_KEEP 16
static void time_left(struct ui *ui, const char *left, int keep, char *right, size_t size)
{
    struct ui_reader *rd = &ui->rd;
    size_t ci = rd->v.top.ci;
    if (rd->s->partial && ci + 1 == rd->s->n_ch)
        return;
    char t[48], both[256];
    pace_format(pace_time_left(ui->pace, ui_view_words_left(&rd->v, ci, ui_view_off(&rd->v))),
                t, sizeof t);
    snprintf(both, sizeof both, "%s left in chapter  %s", t, right);
    int lc = ui_cols(left, strlen(left));
    int need = ui_cols(both, strlen(both)) + (ui->test_frames ? 8 : 0) + 3;
    size_t n = strlen(both);
    if (need + (lc < keep ? lc : keep) <= COLS && n < size)
        memcpy(right, both, n + 1);
}

/* The bottom line; `hit_shown`: the current search hit is on the screen
 * (its number goes beside the percent). */
static void status_line(struct ui *ui, bool hit_shown)
{
    struct ui_reader *rd = &ui->rd;
    struct story *s = rd->s;
    size_t ci = rd->v.top.ci;
    char left[512], right[128];
    int keep = 0;   /* columns of left that time_left leaves room for */
    if (ui->msg[0])
        snprintf(left, sizeof left, "%s", ui->msg);
    else if (rd->pending)
        snprintf(left, sizeof left, "%c: now a letter (a-z, A-Z)%s", rd->pending,
                 rd->pending == '\'' ? " or ' to go back" : "");
    else if (rd->have_count)
        snprintf(left, sizeof left, "%lu (then %% for a percent, or a move)", rd->count);
    else if (s->partial && s->ch[0].ed[0].start > 0)   /* opened at a place: nor the number */
        snprintf(left, sizeof left, "%s \xc2\xb7 \xe2\x80\xa6 %s", s->title, s->ch[ci].title);
    else if (s->partial)   /* the count is not known yet */
        snprintf(left, sizeof left, "%s \xc2\xb7 %zu/\xe2\x80\xa6 %s", s->title, ci + 1,
                 s->ch[ci].title);
    else {
        snprintf(left, sizeof left, "%s \xc2\xb7 %zu/%zu %s", s->title, ci + 1, s->n_ch,
                 s->ch[ci].title);
        size_t tl = strlen(s->ch[ci].title), ll = strlen(left);
        keep = ui_cols(left, tl < ll ? ll - tl : ll) + CHTITLE_KEEP;
    }
    if (!keep)
        keep = ui_cols(left, strlen(left));
    if (hit_shown && rd->nth[0])
        snprintf(right, sizeof right, "%s  %.0f%%", rd->nth, ui_view_percent(&rd->v));
    else
        snprintf(right, sizeof right, "%.0f%%", ui_view_percent(&rd->v));
    time_left(ui, left, keep, right, sizeof right);
    ui_bottom(ui, LINES - 1, left, right);
}

static void reader_resize(struct ui *ui)
{
    ui_view_resize(&ui->rd.v, ui_reader_width(ui), ui_reader_rows());
}

static void reader_draw(struct ui *ui)
{
    struct ui_reader *rd = &ui->rd;
    struct ui_view *v = &rd->v;
    int width = ui_reader_width(ui);
    int x0 = (COLS - width) / 2;
    if (x0 < 0)
        x0 = 0;
    int xmax = x0 + width < COLS ? x0 + width : COLS;
    struct hits h;
    find_hits(rd, &h);
    struct ui_addr a = v->top;
    for (int y = 0; y < v->rows; y++) {
        const struct line *ln = ui_view_line(v, &a);
        if (!ln)
            break;
        draw_line(ui, y, x0, xmax, ln, a.ci, &h);
        if (!ui_view_next(v, &a))
            break;
    }
    if (LINES >= 2)
        status_line(ui, h.cur != MAX_HITS);
    rd->seen_want_lo = v->top.ci;   /* marked seen by the tick */
    rd->seen_want_hi = a.ci;
}

/* ---- search ----------------------------------------------------------------- */

#define MAX_COUNTED 100000UL   /* hits counted for "hit N of M" */

/* A search's pace (search.h): once it has read a little (the first tick,
 * after 256 KiB, a few ms) the bottom line says what it is searching for,
 * and between ticks keys are looked at: Esc, q and Ctrl-C stop it
 * (ui_busy_poll).  Test hook: QUIRE_TEST_HOLD_SEARCH=FILE says so at once
 * and holds the search, keys still looked at, until FILE exists. */
struct seek {
    struct ui *ui;
    const char *hold;   /* QUIRE_TEST_HOLD_SEARCH, or NULL */
    bool said;
};

static bool seek_tick(void *ctx)
{
    struct seek *k = ctx;
    if (!k->said) {
        k->said = true;
        ui_busy_say(k->ui, "searching for \xe2\x80\x9c%s\xe2\x80\x9d\xe2\x80\xa6 (Esc stops)",
                    k->ui->rd.needle);
    }
    if (!ui_busy_poll(k->ui, UI_CTX_READER, 0))
        return false;
    while (k->hold && access(k->hold, F_OK) != 0)
        if (!ui_busy_poll(k->ui, UI_CTX_READER, 10))
            return false;
    k->hold = NULL;
    return true;
}

/* Start the pace of rd->srch (before any search through it). */
static void seek_begin(struct ui *ui, struct seek *k)
{
    *k = (struct seek){.ui = ui, .hold = getenv("QUIRE_TEST_HOLD_SEARCH")};
    if (k->hold && !*k->hold)
        k->hold = NULL;
    bool go = !k->hold || seek_tick(k);   /* the hook: said and held first */
    search_pace(ui->rd.srch, seek_tick, k);
    if (!go)
        search_stop(ui->rd.srch);
}

/* End the pace; true when it stopped the search. */
static bool seek_end(struct ui *ui, struct seek *k)
{
    (void)k;
    bool stopped = search_stopped(ui->rd.srch);
    search_pace(ui->rd.srch, NULL, NULL);
    ui_busy_end(ui);
    return stopped;
}

/* Every hit of the search, for "hit N of M" (once per search).  False when
 * the pace stopped it: nothing known then. */
static bool count_hits(struct ui_reader *rd)
{
    if (rd->hits_known)
        return true;
    rd->n_hits = ui_view_all_hits(&rd->v, rd->srch, MAX_COUNTED, &rd->hits, &rd->hits_more);
    if (search_stopped(rd->srch)) {
        forget_hits(rd);
        return false;
    }
    rd->hits_known = true;
    return true;
}

/* "hit N of M" for the current hit (every hit found once per search). */
static void hit_number(struct ui_reader *rd, char *out, size_t size)
{
    count_hits(rd);
    size_t lo = 0, hi = rd->n_hits;   /* the first hit at or after the current one */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct ui_hit *h = &rd->hits[mid];
        if (h->ci < rd->hit_ci || (h->ci == rd->hit_ci && h->off < rd->hit_off))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < rd->n_hits && rd->hits_more)
        snprintf(out, size, "hit %lu of %lu+", (unsigned long)lo + 1, (unsigned long)rd->n_hits);
    else if (lo < rd->n_hits)
        snprintf(out, size, "hit %lu of %lu", (unsigned long)lo + 1, (unsigned long)rd->n_hits);
    else
        snprintf(out, size, "hit of more than %lu", (unsigned long)rd->n_hits);
}

/* The hit ui_view_search would find from (ci, from), taken from the
 * hits counted (all of them: not hits_more): forward the first at or
 * after it, else the first of all (wrapped); backward the last before it,
 * else the last of all (wrapped).  Its end is found by a search_find from
 * it.  False when there is none (or, never expected, the end is not
 * found there). */
static bool pick_hit(struct ui_reader *rd, size_t ci, size_t from, bool backward, size_t *hci,
                     size_t *hoff, size_t *hend, bool *wrapped)
{
    size_t n = rd->n_hits, lo = 0, hi = n;
    if (n == 0)
        return false;
    while (lo < hi) {   /* the first hit at or after (ci, from) */
        size_t mid = lo + (hi - lo) / 2;
        const struct ui_hit *h = &rd->hits[mid];
        if (h->ci < ci || (h->ci == ci && h->off < from))
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t i;
    if (!backward) {
        *wrapped = lo == n;
        i = lo == n ? 0 : lo;
    } else {
        *wrapped = lo == 0;
        i = lo == 0 ? n - 1 : lo - 1;
    }
    *hci = rd->hits[i].ci;
    *hoff = rd->hits[i].off;
    const char *text;
    const struct edition *ed = chapter_text(&rd->s->ch[*hci], &text);
    size_t a;
    return search_find(rd->srch, text, ed->start, ed->end, *hoff, false, &a, hend) &&
           a == *hoff;
}

/* One step of the search: the next hit (the first: and every hit counted),
 * paced (seek_tick); a stopped step leaves everything where it was. */
static void search_step(struct ui *ui, bool reverse)
{
    struct ui_reader *rd = &ui->rd;
    if (!rd->srch) {
        ui_msg(ui, "no search yet: / or ? starts one");
        return;
    }
    bool backward = rd->srch_back != reverse;
    size_t vci, vlo, vhi, ci, from;
    visible_range(rd, &vci, &vlo, &vhi);
    if (rd->have_hit && rd->hit_ci == vci && rd->hit_off >= vlo && rd->hit_off < vhi) {
        ci = rd->hit_ci;       /* on from the hit on screen */
        from = backward ? rd->hit_off : rd->hit_off + 1;
    } else {
        ci = vci;              /* from the top of the screen */
        from = vlo;
    }
    size_t hci, hoff, hend;
    bool wrapped, found = false;
    struct seek k;
    seek_begin(ui, &k);
    /* every hit counted once (one pass: what "hit N of M" needs anyway),
     * then each step is a look in that list; a word with more hits than
     * are counted is frequent: ui_view_search finds the next one soon */
    bool listed = count_hits(rd) && !rd->hits_more;
    if (listed)
        found = pick_hit(rd, ci, from, backward, &hci, &hoff, &hend, &wrapped);
    if (!found && !(listed && rd->n_hits == 0) && !search_stopped(rd->srch))
        found = ui_view_search(&rd->v, rd->srch, ci, from, backward, &hci, &hoff, &hend,
                               &wrapped);
    if (seek_end(ui, &k)) {
        ui_msg(ui, "search stopped: %s", rd->needle);
        return;
    }
    if (!found) {
        rd->have_hit = false;
        ui_msg(ui, "not found: %s", rd->needle);
        return;
    }
    rd->have_hit = true;
    rd->hit_ci = hci;
    rd->hit_off = hoff;
    rd->hit_end = hend;
    if (!(hci == vci && hoff >= vlo && hoff < vhi))
        jump_to(rd, hci, hoff);
    hit_number(rd, rd->nth, sizeof rd->nth);
    if (wrapped)
        ui_msg(ui, "search wrapped around the story: %s", rd->needle);
}

/* The search prompt ended (the whole story is in: reader_needs_whole). */
static void search_done(struct ui *ui, const char *t, bool run)
{
    struct ui_reader *rd = &ui->rd;
    if (!run)
        return;
    bool back = rd->prompt_back;
    if (!*t) {                 /* empty: the last search again, this way */
        if (!rd->needle)
            return;
        rd->srch_back = back;
        search_step(ui, false);
        return;
    }
    struct search *s = search_new(t, strlen(t));
    if (!s) {
        ui_msg(ui, "nothing to search for in \"%s\"", t);
        return;
    }
    ui_history_add(&ui->search_hist, t);
    search_free(rd->srch);
    free(rd->needle);
    forget_hits(rd);
    rd->srch = s;
    rd->needle = xstrdup(t);
    rd->srch_back = back;
    rd->have_hit = false;
    search_step(ui, false);
}


/* ---- menus ------------------------------------------------------------------- */

static void contents_chosen(struct ui *ui, size_t ci)
{
    struct ui_reader *rd = &ui->rd;
    if (rd->open && ci < rd->s->n_ch) {
        remember_place(rd);
        ui_view_chapter_entry(&rd->v, ci);
    }
    rd->unsaved = true;
}

static void open_contents(struct ui *ui)
{
    struct story *s = ui->rd.s;
    char **items = xcalloc(s->n_ch, sizeof *items);
    enum seen_kind *k = xcalloc(s->n_ch, sizeof *k);   /* what is new (seen.h) */
    mark_seen(ui, true);   /* the chapters on screen are not new */
    seen_chapters(ui->seen, s, SEEN_CHECK_TEXT, k);
    for (size_t i = 0; i < s->n_ch; i++)
        items[i] = xasprintf("%3zu. %s%s", i + 1, s->ch[i].title,
                             k[i] == SEEN_NEW       ? "  \xc2\xb7 new"
                             : k[i] == SEEN_REVISED ? "  \xc2\xb7 revised"
                             : s->ch[i].note        ? "  \xc2\xb7 note"
                                                    : "");
    free(k);
    ui_menu_open(ui, xasprintf("Contents \xc2\xb7 %s", s->title), items, s->n_ch,
                 ui->rd.v.top.ci, contents_chosen);
}

static void goto_mark(struct ui *ui, char letter)
{
    struct ui_reader *rd = &ui->rd;
    struct bm_pos pos;
    size_t ci, off;
    if (letter == '\'') {
        if (!rd->have_prev) {
            ui_msg(ui, "no earlier place to go back to");
            return;
        }
        size_t pci = rd->prev_ci, poff = rd->prev_off;
        jump_to(rd, pci, poff);
        return;
    }
    if (!ui->bm || !bookmarks_get_mark(ui->bm, rd->s->id, letter, &pos)) {
        ui_msg(ui, "no bookmark '%c' in this story", letter);
        return;
    }
    if (!bookmarks_resolve(rd->s, &pos, &ci, &off)) {
        ui_msg(ui, "bookmark '%c' cannot be found", letter);
        return;
    }
    jump_to(rd, ci, off);
    ui_msg(ui, "bookmark '%c'", letter);
}

static void mark_chosen(struct ui *ui, size_t i)
{
    struct ui_reader *rd = &ui->rd;
    if (rd->open && i < strlen(rd->letters))
        goto_mark(ui, rd->letters[i]);
    rd->unsaved = true;
}

static void open_marks(struct ui *ui);

/* `d` on a row of the B list: the mark deleted (a tombstone, so a synced
 * copy that still has it does not bring it back), saved, the list shown
 * again with what is left. */
static void mark_deleted(struct ui *ui, size_t i)
{
    struct ui_reader *rd = &ui->rd;
    if (!rd->open || i >= strlen(rd->letters) || !ui->bm)
        return;
    char letter = rd->letters[i];
    if (!bookmarks_delete_mark(ui->bm, rd->s->id, letter, 0))
        return;
    ui_bm_save(ui);
    size_t sel = ui->menu.list.sel;
    ui_menu_close(ui);
    open_marks(ui);
    if (ui->overlay && ui->menu.list.n)
        ui->menu.list.sel = sel < ui->menu.list.n ? sel : ui->menu.list.n - 1;
    ui_msg(ui, "bookmark '%c' deleted", letter);
}

static void open_marks(struct ui *ui)
{
    struct ui_reader *rd = &ui->rd;
    char *letters = rd->letters;
    letters[0] = '\0';
    if (ui->bm)
        bookmarks_marks(ui->bm, rd->s->id, letters);
    size_t n = strlen(letters);
    if (n == 0) {
        ui_msg(ui, "no bookmarks in this story yet: m + letter sets one");
        return;
    }
    char **items = xcalloc(n, sizeof *items);
    for (size_t i = 0; i < n; i++) {
        struct bm_pos pos;
        size_t ci = 0, off = 0;
        if (bookmarks_get_mark(ui->bm, rd->s->id, letters[i], &pos) &&
            bookmarks_resolve(rd->s, &pos, &ci, &off))
            items[i] = xasprintf("%c  %3.0f%%  %zu/%zu %s", letters[i],
                                 story_percent(rd->s, ci, off), ci + 1, rd->s->n_ch,
                                 rd->s->ch[ci].title);
        else
            items[i] = xasprintf("%c  (cannot be found)", letters[i]);
    }
    ui_menu_open(ui, xasprintf("Bookmarks \xc2\xb7 %s", rd->s->title), items, n, 0, mark_chosen);
    ui_menu_on_delete(ui, mark_deleted);
}

static void set_mark(struct ui *ui, char letter)
{
    struct ui_reader *rd = &ui->rd;
    if (!ui->bm)
        return;
    struct bm_pos pos;
    memset(&pos, 0, sizeof pos);
    bookmarks_make_pos(rd->s, rd->v.top.ci, ui_view_off(&rd->v), &pos);
    bookmarks_set_mark(ui->bm, rd->s->id, rd->s->title, letter, &pos);
    ui_msg(ui, "bookmark '%c' set at %.0f%%", letter, ui_view_percent(&rd->v));
    ui_bm_save(ui);
}

/* ---- a partial story (library_open_head) --------------------------------- */

/* Does `key` need more of a partial story than its head?  Moves that stay
 * inside what the head holds whole do not: back, up, to a chapter's start,
 * forward one step while the top line is more than a screen's worth of
 * bytes (two per cell: the head main.c reads is four per cell) before the
 * cut, to the end or the next chapter when that chapter is whole.  Anything
 * that looks at the whole story (contents, search, marks, percent, the
 * library) does. */
static size_t head_margin(void)
{
    return (size_t)(LINES > 0 ? LINES : 1) * (size_t)(COLS > 0 ? COLS : 1) * 2;
}

static bool needs_whole(struct ui_reader *rd, int key)
{
    if (rd->pending)
        return true;
    const struct story *s = rd->s;
    size_t ci = rd->v.top.ci;
    size_t cut = s->ch[s->n_ch - 1].ed[0].end;   /* where the head ends */
    /* A story opened at a place (library_open_at) begins there: moves back
     * past its first chapter need the whole story too. */
    size_t from = s->ch[0].ed[0].start;
    switch (ui_keys_lookup(UI_CTX_READER, key)) {
    case ACT_NONE: case ACT_DIGIT: case ACT_HELP: case ACT_REDRAW:
    case ACT_SEARCH_FWD: case ACT_SEARCH_BACK: case ACT_SET_MARK:
        return false;
    case ACT_PAGE_UP: case ACT_LINE_UP: case ACT_SCROLL_UP:
        return from > 0 && (rd->have_count || ui_view_off(&rd->v) < from + head_margin());
    case ACT_TOP:   /* the chapter's start: a window begins at one */
        return false;
    case ACT_PREV_CHAPTER:
        return from > 0 && (rd->have_count || ci == 0);
    case ACT_PAGE_DOWN: case ACT_LINE_DOWN: case ACT_SCROLL_DOWN:
        /* a count could carry the move past the cut */
        return rd->have_count || ui_view_off(&rd->v) + head_margin() >= cut;
    case ACT_BOTTOM:
        return ci + 1 >= s->n_ch;
    case ACT_NEXT_CHAPTER:
        return rd->have_count || ci + 2 >= s->n_ch;
    default:
        return true;
    }
}

/* The main loop asks this before handing over a key while the open story
 * is partial: the search prompt's Enter searches the whole story; a menu
 * (the help: the others wait for the whole story to open) needs nothing. */
static bool reader_needs_whole(struct ui *ui, int key)
{
    struct ui_reader *rd = &ui->rd;
    if (ui->line)
        return ui_prompt_enter(key);
    if (ui->overlay)
        return false;
    if (ui->alone && ui_keys_lookup(UI_CTX_READER, key) == ACT_QUIT)
        return false;   /* q quits a story opened by its path at once */
    return rd->s->partial && needs_whole(rd, key);
}

/* Chapter of s whose preferred edition holds byte `off` of its text (the
 * last one starting at or before it). */
static size_t chapter_at(const struct story *s, size_t off)
{
    size_t best = 0;
    bool found = false;
    for (size_t i = 0; i < s->n_ch; i++) {
        const struct edition *e = &s->ch[i].ed[0];
        if (e->start > off)
            continue;
        if (off < e->end)
            return i;
        if (!found || e->start > s->ch[best].ed[0].start) {
            best = i;
            found = true;
        }
    }
    return best;
}

/* A place (ci, off) in the partial story os, in the whole story ns.
 * `same`: ns's text begins with os's bytes, so offsets carry over;
 * otherwise the place goes by its percent through the story. */
static void carry_place(const struct story *os, const struct story *ns, bool same, size_t *ci,
                        size_t *off)
{
    if (same) {
        *ci = chapter_at(ns, *off);
        return;
    }
    story_percent_pos(ns, story_percent(os, *ci, *off), ci, off);
}


void ui_reader_adopt(struct ui *ui, struct story *ns)
{
    struct ui_reader *rd = &ui->rd;
    if (!rd->open || ns->n_ch == 0)
        return;
    const struct story *os = rd->s;
    struct ui_addr t = rd->opened_at;   /* a partial story opened at its place: still there? */
    bool still = rd->new_after_whole && !rd->unsaved && t.ci == rd->v.top.ci &&
                 t.seg == rd->v.top.seg && t.idx == rd->v.top.idx;
    /* The head named the story differently (its id): a reader who has not
     * moved yet goes to the place saved under the whole story's id. */
    bool reid = strcmp(os->id, ns->id) != 0 && !rd->unsaved;
    const char *ot, *nt;
    const struct edition *oe = chapter_text(&os->ch[0], &ot);
    const struct edition *ne = chapter_text(&ns->ch[0], &nt);
    /* the bytes the partial story holds: its head, or the window a place
     * was opened in (library_open_at: the rest of its text is not read) */
    size_t from = oe->start, to = os->ch[os->n_ch - 1].ed[0].end;
    bool same = to <= ne->src->len && from <= to && memcmp(ot + from, nt + from, to - from) == 0;
    size_t ci = rd->v.top.ci, off = ui_view_off(&rd->v);
    carry_place(os, ns, same, &ci, &off);
    if (rd->have_prev)
        carry_place(os, ns, same, &rd->prev_ci, &rd->prev_off);
    if (rd->have_hit) {
        size_t len = rd->hit_end - rd->hit_off;
        carry_place(os, ns, same, &rd->hit_ci, &rd->hit_off);
        rd->hit_end = rd->hit_off + len;
        rd->have_hit = same;
    }
    forget_hits(rd);   /* counted in the partial story */
    struct layout_opts lo = rd->v.lo;
    int rows = rd->v.rows;
    ui_view_free(&rd->v);
    ui_view_init(&rd->v, ns, &lo, rows);
    ui_view_goto(&rd->v, ci, off);
    rd->s = ns;
    pace_break(ui->pace);   /* the next page turn measures from here */
    rd->turn_ci = ci;
    rd->turn_off = off;
    struct bm_pos pos;
    if (reid && ui->bm && bookmarks_get_last(ui->bm, ns->id, &pos) &&
        bookmarks_resolve(ns, &pos, &ci, &off))
        ui_view_goto(&rd->v, ci, off);
    rd->new_after_whole = false;
    if (still && ui->bm && bookmarks_get_last(ui->bm, ns->id, &pos) &&
        bookmarks_resolve(ns, &pos, &ci, &off)) {
        ui_view_goto(&rd->v, ci, off);   /* as a whole story opens */
        go_to_new(ui, ns, &pos, ci);
    }
    seen_open_story(ui->seen, ns);   /* the whole story, first read */
    rd->seen_lo = rd->seen_want_lo = 1;
    rd->seen_hi = rd->seen_want_hi = 0;
    rd->n_seen_later = 0;   /* (none: a partial story marks nothing) */
}

/* ---- keys: the handlers of the reader's key table ---------------------------- */

static bool is_letter(int key)
{
    return (key >= 'a' && key <= 'z') || (key >= 'A' && key <= 'Z');
}

/* Page, line and wheel moves, rd->times over (the wheel: three lines). */
static void act_move(struct ui *ui, enum ui_action act, int key)
{
    struct ui_view *v = &ui->rd.v;
    unsigned long times = ui->rd.times;
    bool down = act == ACT_PAGE_DOWN || act == ACT_LINE_DOWN || act == ACT_SCROLL_DOWN;
    if (act == ACT_SCROLL_DOWN || act == ACT_SCROLL_UP)
        times *= 3;
    for (unsigned long i = 0; i < times; i++) {
        bool moved = act == ACT_PAGE_DOWN ? ui_view_page_down(v)
                   : act == ACT_PAGE_UP   ? ui_view_page_up(v)
                   : down                 ? ui_view_line_down(v)
                                          : ui_view_line_up(v);
        if (!moved) {
            ui_msg(ui, down ? "the end of the story" : "the start of the story");
            break;
        }
    }
}

/* `]` at the last chapter: the next part of the story's series, at its
 * saved place or its start, said on the bottom line.  False: none. */
static bool open_next_part(struct ui *ui)
{
    struct story *next = shelf_next_part(ui->lib, ui->rd.s);
    if (!next || next->n_ch == 0)
        return false;
    ui_go(ui, UI_SCREEN_READER, next);
    char *series = vis_str(next->meta.series), *title = vis_str(next->title);
    ui_msg(ui, "the next part (%g) of %s: %s", next->meta.series_index, series, title);
    free(series);
    free(title);
    return true;
}

static void act_chapter(struct ui *ui, enum ui_action act, int key)
{
    struct ui_reader *rd = &ui->rd;
    struct ui_view *v = &rd->v;
    switch (act) {
    case ACT_NEXT_CHAPTER:   /* a count moves that many chapters */
        if (v->top.ci + 1 < rd->s->n_ch) {
            size_t left = rd->s->n_ch - 1 - v->top.ci;
            remember_place(rd);
            ui_view_chapter(v, v->top.ci + (rd->times < left ? rd->times : left));
        } else if (!open_next_part(ui)) {
            ui_msg(ui, "this is the last chapter");
        }
        break;
    case ACT_PREV_CHAPTER:
        remember_place(rd);
        if (v->top.ci > 0) {
            ui_view_chapter(v, v->top.ci - (rd->times < v->top.ci ? rd->times : v->top.ci));
        } else {
            ui_view_chapter(v, 0);
            ui_msg(ui, "this is the first chapter");
        }
        break;
    case ACT_TOP:
        remember_place(rd);
        ui_view_chapter(v, v->top.ci);
        break;
    default:   /* ACT_BOTTOM */
        remember_place(rd);
        ui_view_chapter_end(v);
        break;
    }
}

static void act_contents(struct ui *ui, enum ui_action act, int key)
{
    open_contents(ui);
}

static void act_search(struct ui *ui, enum ui_action act, int key)
{
    if (act == ACT_SEARCH_FWD || act == ACT_SEARCH_BACK) {
        ui->rd.prompt_back = act == ACT_SEARCH_BACK;
        ui_prompt_open(ui, act == ACT_SEARCH_BACK ? '?' : '/', NULL, search_done);
        ui_prompt_history(ui, &ui->search_hist);
    } else {
        search_step(ui, act == ACT_SEARCH_PREV);
    }
}

static void act_mark(struct ui *ui, enum ui_action act, int key)
{
    if (act == ACT_LIST_MARKS)
        open_marks(ui);
    else
        ui->rd.pending = act == ACT_SET_MARK ? 'm' : '\'';
}

static void act_digit(struct ui *ui, enum ui_action act, int key)
{
    struct ui_reader *rd = &ui->rd;
    if (rd->count < 100000000UL)
        rd->count = rd->count * 10 + (unsigned long)(key - '0');
    rd->have_count = true;
}

static void act_percent(struct ui *ui, enum ui_action act, int key)
{
    struct ui_reader *rd = &ui->rd;
    if (!rd->arg_given) {
        ui_msg(ui, "type the percent first, e.g. 50%%");
        return;
    }
    size_t ci, off;
    ui_view_percent_pos(&rd->v, (double)(rd->arg > 100 ? 100 : rd->arg), &ci, &off);
    jump_to(rd, ci, off);
}

/* `a`: fold or unfold the story's notes; the choice is kept per story. */
static void act_fold(struct ui *ui, enum ui_action act, int key)
{
    struct ui_reader *rd = &ui->rd;
    bool fold = !rd->v.lo.fold_notes;
    ui_view_set_fold(&rd->v, fold);
    forget_hits(rd);   /* a search passes over folded notes: count again */
    pace_fold_set(ui->pace, rd->s->id, fold, (long long)time(NULL));
    rd->unsaved = true;   /* saved with the place */
    ui_msg(ui, fold ? "notes folded (%s shows them)" : "notes shown (%s folds them)",
           ui_keys_hint(UI_CTX_READER, ACT_FOLD_NOTES, 'a', rd->hint, sizeof rd->hint));
}

static void act_help(struct ui *ui, enum ui_action act, int key)
{
    size_t n;
    char **items = ui_keys_help(UI_CTX_READER, &n);
    ui_help_open(ui, xstrdup("Keys while reading (q or Esc closes)"), items, n);
}

static void act_info(struct ui *ui, enum ui_action act, int key)
{
    ui_info_open(ui, ui->rd.s, ui_view_percent(&ui->rd.v));
}

static void act_quit(struct ui *ui, enum ui_action act, int key)
{
    ui_go(ui, UI_SCREEN_LIBRARY, ui->rd.s);
}

#define KC(k) UI_KC(k)

static const struct ui_binding reader_keys[] = {
    {ACT_PAGE_DOWN, "next_page", NULL, "next page; at a chapter's end, on into the next chapter",
     {' ', 'f', KC(KEY_NPAGE), KC(KEY_RIGHT)}, act_move},
    {ACT_PAGE_UP, "prev_page", NULL, "previous page", {'b', KC(KEY_PPAGE), KC(KEY_LEFT)},
     act_move},
    {ACT_LINE_DOWN, "line_down", NULL, "one line down", {'j', KC(KEY_DOWN), UI_ENTERS}, act_move},
    {ACT_LINE_UP, "line_up", NULL, "one line up", {'k', KC(KEY_UP)}, act_move},
    {ACT_NEXT_CHAPTER, "next_chapter", NULL,
     "next chapter (3] three on); at the last, the series' next part", {']'}, act_chapter},
    {ACT_PREV_CHAPTER, "prev_chapter", NULL, "previous chapter (3[ three back)", {'['},
     act_chapter},
    {ACT_TOP, "chapter_start", NULL, "start of the chapter", {'g', KC(KEY_HOME)}, act_chapter},
    {ACT_BOTTOM, "chapter_end", NULL, "end of the chapter", {'G', KC(KEY_END)}, act_chapter},
    {ACT_CONTENTS, "contents", NULL,
     "table of contents; Enter jumps, a number picks chapter N, / filters", {'t'},
     act_contents},
    {ACT_SEARCH_FWD, "search_forward", NULL, "search forward through the story", {'/'},
     act_search},
    {ACT_SEARCH_BACK, "search_backward", NULL, "search backward through the story", {'?'},
     act_search},
    {ACT_SEARCH_NEXT, "search_next", NULL, "repeat the search", {'n'}, act_search},
    {ACT_SEARCH_PREV, "search_prev", NULL, "repeat the search the other way", {'N'}, act_search},
    {ACT_SET_MARK, "set_mark", "%s + letter", "set a named bookmark", {'m'}, act_mark},
    {ACT_JUMP_MARK, "jump_mark", "%s + letter",
     "jump to a named bookmark ('' back to where you were)", {'\''}, act_mark},
    {ACT_LIST_MARKS, "list_marks", NULL, "list the bookmarks; Enter jumps", {'B'}, act_mark},
    {ACT_DIGIT, "count", "0-9", "a number: for %, or a count for moves",
     {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9'}, act_digit},
    {ACT_PERCENT, "percent", "digits + %s", "go to that percent of the story", {'%'},
     act_percent},
    {ACT_INFO, "info", NULL, "the story's info: series, summary, tags, words, time left, files",
     {'i'}, act_info},
    {ACT_FOLD_NOTES, "fold_notes", NULL,
     "fold / unfold author's notes, disclaimers and summaries", {'a'}, act_fold},
    {ACT_HELP, "help", NULL, "this help: every key", {'h', KC(KEY_F(1))}, act_help},
    {ACT_QUIT, "quit", NULL, "back to the library (a story opened by its path: quit)", {'q'},
     act_quit},
    {ACT_SCROLL_DOWN, "scroll_down", "wheel down", "scroll down", {UI_KEY_WHEEL_DOWN}, act_move},
    {ACT_SCROLL_UP, "scroll_up", "wheel up", "scroll up", {UI_KEY_WHEEL_UP}, act_move},
    {ACT_REDRAW, "redraw", NULL, "redraw the screen", {0x0c}, ui_redraw},
    {ACT_NONE, NULL, NULL, NULL, {0}, NULL},
};

/* The letter after m or ' (rd->pending). */
static void pending_key(struct ui *ui, int key)
{
    struct ui_reader *rd = &ui->rd;
    int p = rd->pending;
    rd->pending = 0;
    if (key == UI_KEY_ESC)
        return;
    if (p == 'm' && is_letter(key))
        set_mark(ui, (char)key);
    else if (p == '\'' && (is_letter(key) || key == '\''))
        goto_mark(ui, (char)key);
    else
        ui_msg(ui, "a bookmark is named by a letter, a-z or A-Z");
}

/* The clock page turns are timed by: time(), or under QUIRE_TEST_CLOCK
 * the number of seconds in the file it names (tests set the time). */
static double reader_now(void)
{
    const char *f = getenv("QUIRE_TEST_CLOCK");
    if (f && *f) {
        size_t len;
        char *s = read_file_max(f, 64, &len, NULL);
        double t = s ? strtod(s, NULL) : 0;
        free(s);
        return t;
    }
    return (double)time(NULL);
}

/* The top line moved by action `act`: a page forward is a page turn (the
 * words from the last turn's place to here, read since then, are a sample
 * of the reader's pace); lines forward read on; anything else (a jump,
 * back a page) starts the measure again. */
static void pace_moved(struct ui *ui, enum ui_action act)
{
    struct ui_reader *rd = &ui->rd;
    size_t ci = rd->v.top.ci, off = ui_view_off(&rd->v);
    if (act == ACT_LINE_DOWN || act == ACT_SCROLL_DOWN)
        return;
    if (act == ACT_PAGE_DOWN)
        pace_turn(ui->pace, reader_now(), ui_view_words_read(&rd->v, rd->turn_ci, rd->turn_off,
                                                             ci, off));
    else
        pace_break(ui->pace);
    rd->turn_ci = ci;
    rd->turn_off = off;
}

static void reader_key(struct ui *ui, int key)
{
    struct ui_reader *rd = &ui->rd;
    struct ui_view *v = &rd->v;
    struct ui_addr before = v->top;
    enum ui_action b_action = ACT_NONE;
    if (rd->pending) {
        pending_key(ui, key);
    } else {
        const struct ui_binding *b = ui_keys_find(UI_CTX_READER, key);
        b_action = b ? b->action : ACT_NONE;
        if (b && b->action == ACT_DIGIT) {
            b->run(ui, b->action, key);
            return;
        }
        /* The count typed before: the action's argument (for %) and how
         * often a move repeats. */
        rd->arg_given = rd->have_count;
        rd->arg = rd->have_count ? rd->count : 0;
        rd->times = rd->arg > 0 ? (rd->arg > 10000 ? 10000 : rd->arg) : 1;
        rd->have_count = false;
        rd->count = 0;
        if (b)
            b->run(ui, b->action, key);
        else if (key != UI_KEY_ESC)
            ui_msg(ui, "that key does nothing here: %s lists the keys",
                   ui_keys_hint(UI_CTX_READER, ACT_HELP, 'h', rd->hint, sizeof rd->hint));
    }
    if (v->top.ci != before.ci || v->top.seg != before.seg || v->top.idx != before.idx) {
        pace_moved(ui, b_action);
        rd->unsaved = true;
        if (v->top.ci != before.ci)
            ui_view_trim(v);
    }
}

const struct ui_mode ui_mode_reader = {
    .name = "reader",
    .enter = reader_enter,
    .leave = reader_leave,
    .resize = reader_resize,
    .key = reader_key,
    .draw = reader_draw,
    .tick = reader_tick,
    .needs_whole = reader_needs_whole,
    .keys = reader_keys,
};
