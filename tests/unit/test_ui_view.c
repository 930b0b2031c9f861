/* test_ui_view.c — the reader core (ui_view.c) without a terminal: the
 * position model, paging against a whole-chapter layout, resize keeping
 * the first character at the top, laziness, search across chapters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "library.h"
#include "search.h"
#include "ui_internal.h"

/* The whole chapter laid out at once, to compare the lazy view with. */
static void whole(struct story *s, size_t ci, int width, struct line_vec *lv)
{
    struct layout_opts lo = {.width = width, .wrap = WRAP_OPTIMAL, .break_glyph = NULL};
    const char *text;
    size_t nb;
    chapter_text(&s->ch[ci], &text);
    const struct block *b = chapter_blocks(&s->ch[ci], &nb);
    memset(lv, 0, sizeof *lv);
    layout_chapter(&lo, text, b, nb, s->ch[ci].title, lv);
}

static bool same_line(const struct line *a, const struct line *b)
{
    return a->off == b->off && a->end == b->end && a->kind == b->kind && a->cols == b->cols;
}

static void test_story(struct story *s, const char *name)
{
    char what[256];
    struct layout_opts lo = {.width = 72, .wrap = WRAP_OPTIMAL, .break_glyph = NULL};
    struct ui_view v;
    ui_view_init(&v, s, &lo, 23);

    /* Walking line by line gives exactly layout_chapter's lines. */
    for (size_t ci = 0; ci < s->n_ch; ci++) {
        struct line_vec lv;
        whole(s, ci, 72, &lv);
        struct ui_addr a = ui_view_first(&v, ci);
        size_t i = 0;
        bool ok = true;
        do {
            const struct line *ln = ui_view_line(&v, &a);
            if (!ln || i >= lv.n || !same_line(ln, &lv.v[i]))
                ok = false;
            i++;
        } while (ok && ui_view_next(&v, &a));
        snprintf(what, sizeof what, "%s ch %zu: lazy lines are layout_chapter's lines", name, ci + 1);
        CHECK(what, ok && i == lv.n);
        /* and backwards */
        a = ui_view_last(&v, ci);
        size_t back = 1;
        while (ui_view_prev(&v, &a))
            back++;
        snprintf(what, sizeof what, "%s ch %zu: walking back meets every line", name, ci + 1);
        CHECK_INT(what, (long)back, (long)lv.n);
        line_vec_free(&lv);
    }

    /* Every line's offset leads back to that line (or, for a blank, to the
     * line with text after it), at several widths. */
    int widths[] = {72, 40, 13, 2, 1};
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
        ui_view_resize(&v, widths[w], 23);
        bool ok = true;
        for (size_t ci = 0; ci < s->n_ch && ok; ci++) {
            struct ui_addr a = ui_view_first(&v, ci);
            do {
                const struct line *ln = ui_view_line(&v, &a);
                size_t off = ui_view_off_of(&v, &a);
                struct ui_addr b = ui_view_addr_of(&v, ci, off);
                /* a title wrapped over several lines stands for its start */
                bool title_ok = ln->kind == LINE_TITLE && b.seg == a.seg && b.idx <= a.idx &&
                                ui_view_line(&v, &b)->kind == LINE_TITLE;
                if (ln->kind != LINE_BLANK && !title_ok &&
                    (b.seg != a.seg || b.idx != a.idx)) {
                    fprintf(stderr, "  width %d ch %zu seg %zu idx %zu kind %d off %zu -> seg %zu idx %zu\n",
                            widths[w], ci, a.seg, a.idx, ln->kind, off, b.seg, b.idx);
                    ok = false;
                }
            } while (ok && ui_view_next(&v, &a));
        }
        snprintf(what, sizeof what, "%s: every line's offset finds the line again at width %d",
                 name, widths[w]);
        CHECK(what, ok);
    }

    /* Resize: from every line at 72 columns, to 1, 40 and back to 72: the
     * top line comes back (the anchor byte is kept). */
    ui_view_resize(&v, 72, 23);
    bool ok = true;
    for (size_t ci = 0; ci < s->n_ch && ok; ci++) {
        struct ui_addr a = ui_view_first(&v, ci);
        do {
            v.top = a;
            size_t off = ui_view_off(&v);
            ui_view_resize(&v, 1, 23);
            size_t off1 = ui_view_off(&v);
            ui_view_resize(&v, 40, 23);
            ui_view_resize(&v, 72, 23);
            const struct line *ln = ui_view_line(&v, &a);
            if (off1 != off || (ln->kind != LINE_BLANK && ln->kind != LINE_TITLE &&
                                (v.top.ci != a.ci || v.top.seg != a.seg || v.top.idx != a.idx))) {
                fprintf(stderr, "  resize round trip: ch %zu seg %zu idx %zu off %zu -> %zu\n",
                        ci, a.seg, a.idx, off, off1);
                ok = false;
            }
            a = ui_view_addr_of(&v, ci, off);   /* the cache was rebuilt */
        } while (ok && ui_view_next(&v, &a));
    }
    snprintf(what, sizeof what, "%s: 72 -> 1 -> 40 -> 72 columns keeps the top line", name);
    CHECK(what, ok);

    /* Paging: forward through the story then back lands where it began. */
    ui_view_resize(&v, 72, 23);
    ui_view_chapter(&v, 0);
    size_t pages = 0;
    while (ui_view_page_down(&v))
        pages++;
    snprintf(what, sizeof what, "%s: paging forward ends in the last chapter", name);
    CHECK(what, v.top.ci == s->n_ch - 1 && ui_view_at_end(&v));
    size_t back = 0;
    while (ui_view_page_up(&v))
        back++;
    snprintf(what, sizeof what, "%s: paging back returns to the first line", name);
    CHECK(what, v.top.ci == 0 && v.top.seg == ui_view_first(&v, 0).seg &&
                    v.top.idx == ui_view_first(&v, 0).idx);
    snprintf(what, sizeof what, "%s: as many pages back as forward", name);
    CHECK_INT(what, (long)back, (long)pages);
    ui_view_free(&v);
}

/* Progress counts the story's text only and is 100% with its last line on
 * the screen (issue 14 #10); 100% shows a full last screen. */
static void test_percent(struct story *s, const char *name, int rows)
{
    char what[256];
    struct layout_opts lo = {.width = 72, .wrap = WRAP_OPTIMAL, .break_glyph = NULL};
    struct ui_view v;
    ui_view_init(&v, s, &lo, rows);
    size_t last = s->n_ch - 1, lo0, hi0, lo1, hi1;
    story_text_range(s, 0, &lo0, &hi0);
    story_text_range(s, last, &lo1, &hi1);
    snprintf(what, sizeof what, "%s: the story's first byte of text is 0%%", name);
    CHECK(what, story_percent(s, 0, lo0) == 0);
    snprintf(what, sizeof what, "%s: its last byte of text is 100%%", name);
    CHECK(what, story_percent(s, last, hi1) == 100);

    size_t ci, off;
    ui_view_percent_pos(&v, 100, &ci, &off);
    ui_view_goto(&v, ci, off);
    snprintf(what, sizeof what, "%s: 100%% shows 100%%", name);
    CHECK(what, ui_view_percent(&v) == 100);
    /* a full screen whose last line shows the last byte of text */
    struct ui_addr a = v.top;
    int shown = 1;
    while (shown < rows && ui_view_next(&v, &a))
        shown++;
    struct ui_addr want = ui_view_addr_of(&v, last, hi1 > lo1 ? hi1 - 1 : lo1);
    snprintf(what, sizeof what, "%s: 100%% is a full screen", name);
    CHECK_INT(what, shown, rows);
    snprintf(what, sizeof what, "%s: its last line is the story's last line of text", name);
    CHECK(what, a.ci == want.ci && a.seg == want.seg && a.idx == want.idx);
    /* one line further back the last line is off the screen */
    ui_view_line_up(&v);
    snprintf(what, sizeof what, "%s: a line before that is under 100%%", name);
    CHECK(what, ui_view_percent(&v) < 100 && ui_view_percent(&v) > 95);
    /* G in the last chapter: 100% */
    ui_view_goto(&v, last, lo1);
    ui_view_chapter_end(&v);
    snprintf(what, sizeof what, "%s: G in the last chapter shows 100%%", name);
    CHECK(what, ui_view_percent(&v) == 100);
    ui_view_free(&v);
}

/* Notes folded: the lazy view walks the folded layout, a position inside
 * a note moves to the story text after it, the words left count story
 * text only, and folding keeps the place. */
static void test_fold(struct story *s)
{
    const char *text;
    size_t nb;
    const struct edition *e = chapter_text(&s->ch[0], &text);
    const struct block *b = chapter_blocks(&s->ch[0], &nb);
    size_t note = nb, story_words = 0;
    for (size_t i = 0; i < nb; i++) {
        if (note == nb && layout_is_note(&b[i]))
            note = i;
        if (!(b[i].flags & (BLOCK_FRONT | BLOCK_BACK)) && b[i].kind != BLOCK_BREAK)
            story_words += parse_count_words(text, b[i].off, b[i].end);
    }
    if (!CHECK("chapter 1 has a note (its disclaimer)", note < nb))
        return;
    struct layout_opts lo = {.width = 72, .wrap = WRAP_OPTIMAL, .fold_notes = true};
    struct line_vec lv = {0};
    layout_chapter(&lo, text, b, nb, s->ch[0].title, &lv);
    struct ui_view v;
    ui_view_init(&v, s, &lo, 23);
    struct ui_addr a = ui_view_first(&v, 0);
    size_t i = 0, folds = 0;
    bool same = true;
    do {
        const struct line *ln = ui_view_line(&v, &a);
        if (i >= lv.n || !same_line(ln, &lv.v[i]))
            same = false;
        folds += ln->kind == LINE_FOLD;
        i++;
    } while (ui_view_next(&v, &a));
    CHECK("folded: the view's lines are layout_chapter's", same && i == lv.n);
    CHECK("folded: a fold line", folds >= 1);
    size_t run_end = b[note].end;
    for (size_t k = note; k < nb && layout_is_note(&b[k]); k++)
        run_end = b[k].end;
    ui_view_goto(&v, 0, b[note].off + 5);
    const struct line *top = ui_view_line(&v, &v.top);
    CHECK("inside a folded note: the story text after it",
          top && (top->kind == LINE_TITLE || (top->kind != LINE_FOLD && top->off >= run_end)));
    struct ui_addr up = v.top;
    CHECK("the fold line just above it", ui_view_prev(&v, &up) && ui_view_prev(&v, &up) &&
                                             ui_view_line(&v, &up)->kind == LINE_FOLD);
    CHECK_INT("words left: story text only", ui_view_words_left(&v, 0, e->start), story_words);
    size_t words_folded = ui_view_words_left(&v, 0, e->start);
    /* unfold at a place in the story text: the same place */
    size_t mid = b[nb / 2].off;
    ui_view_goto(&v, 0, mid);
    ui_view_set_fold(&v, false);
    CHECK_INT("unfolding keeps the place", ui_view_off(&v), mid);
    CHECK("and shows it", ui_view_line(&v, &v.top)->off == mid);
    CHECK_INT("words left the same folded or not", ui_view_words_left(&v, 0, e->start),
              words_folded);
    size_t left = ui_view_words_left(&v, 0, mid);
    CHECK("words read between two places", ui_view_words_read(&v, 0, e->start, 0, mid) ==
                                               story_words - left);
    CHECK_INT("a jump back reads nothing", ui_view_words_read(&v, 0, mid, 0, e->start), 0);
    size_t later = 0;
    for (size_t c = 1; c < s->n_ch; c++)
        later += ui_view_words_left(&v, c, 0);
    CHECK("the story has more than one chapter of words", s->n_ch > 1 && later > 0);
    CHECK_INT("words left in the story: this chapter's and every later one's",
              ui_view_story_words_left(&v, 0, mid), left + later);
    CHECK("a page turn into the next chapter reads on",
          ui_view_words_read(&v, 0, mid, 1, s->ch[1].ed[0].start) == left);
    /* a search finds a note's words while shown, passes over them folded */
    struct search *sr = search_new(text + b[note].off, 20);
    size_t hci, hoff, hend;
    bool wrapped;
    CHECK("shown: a note's words are found",
          ui_view_search(&v, sr, 0, e->start, false, &hci, &hoff, &hend, &wrapped) &&
              hci == 0 && hoff == b[note].off);
    ui_view_set_fold(&v, true);
    bool found = ui_view_search(&v, sr, 0, e->start, false, &hci, &hoff, &hend, &wrapped);
    CHECK("folded: not found inside the folded note",
          !found || hci != 0 || hoff < b[note].off || hoff >= run_end);
    struct ui_hit *hits;
    bool more;
    size_t nh = ui_view_all_hits(&v, sr, 1000, &hits, &more);
    bool inside = false;
    for (size_t k = 0; k < nh; k++)
        inside |= hits[k].ci == 0 && hits[k].off >= b[note].off && hits[k].off < run_end;
    CHECK("folded: no hit counted inside it", !inside);
    free(hits);
    search_free(sr);
    ui_view_free(&v);
    line_vec_free(&lv);
}

int main(void)
{
    char *err = NULL;
    struct library *lib = library_open("sample_library", &err);
    CHECK("the sample library opens", lib != NULL);
    if (!lib)
        return check_summary();
    struct story *s = library_find(lib, "The Worst Betrayal", &(bool){false});
    CHECK("The Worst Betrayal is there", s != NULL);
    if (s) {
        test_story(s, "Worst Betrayal");
        test_fold(s);
        test_percent(s, "Worst Betrayal", 23);

        /* Laziness: opening in the middle of a chapter lays out only a few
         * blocks. */
        struct layout_opts lo = {.width = 72, .wrap = WRAP_OPTIMAL, .break_glyph = NULL};
        struct ui_view v;
        ui_view_init(&v, s, &lo, 60);
        size_t nb;
        chapter_blocks(&s->ch[1], &nb);
        v.laid_blocks = 0;
        ui_view_percent_pos(&v, 75, &(size_t){0}, &(size_t){0});
        size_t ci, off;
        ui_view_percent_pos(&v, 75, &ci, &off);
        ui_view_goto(&v, ci, off);
        ui_view_at_end(&v);
        CHECK("75% is in chapter 2", ci == 1);
        CHECK("going to 75% lays out only the blocks near it", v.laid_blocks < nb / 2);
        CHECK("the percent shown is about 75", ui_view_percent(&v) > 70 && ui_view_percent(&v) < 80);

        /* Search across chapters, forward and backward, with wrapping. */
        struct search *sr = search_new("Hey Tim", 7);
        size_t hci, hoff, hend;
        bool wrapped;
        const char *t0;
        const struct edition *e0 = chapter_text(&s->ch[0], &t0);
        CHECK("search forward from chapter 1 finds chapter 2",
              ui_view_search(&v, sr, 0, e0->start, false, &hci, &hoff, &hend, &wrapped) &&
                  hci == 1 && !wrapped);
        CHECK("search forward past the only hit wraps to it",
              ui_view_search(&v, sr, 1, hoff + 1, false, &hci, &hoff, &hend, &wrapped) &&
                  hci == 1 && wrapped);
        CHECK("search backward from chapter 1's start wraps into chapter 2",
              ui_view_search(&v, sr, 0, e0->start, true, &hci, &hoff, &hend, &wrapped) &&
                  hci == 1 && wrapped);
        /* a search its pace stopped (search.h) ends at once, not found,
         * and counts nothing; set again, it finds as before */
        search_stop(sr);
        struct ui_hit *hl = NULL;
        bool more = false;
        CHECK("a stopped search finds nothing",
              !ui_view_search(&v, sr, 0, e0->start, false, &hci, &hoff, &hend, &wrapped));
        CHECK("a stopped search counts nothing",
              ui_view_all_hits(&v, sr, 1000, &hl, &more) == 0 && !more);
        free(hl);
        search_pace(sr, NULL, NULL);
        CHECK("its pace set again, it finds chapter 2's hit",
              ui_view_search(&v, sr, 0, e0->start, false, &hci, &hoff, &hend, &wrapped) &&
                  hci == 1 && !wrapped);
        search_free(sr);
        sr = search_new("zzqxj", 5);
        CHECK("a missing word is not found",
              !ui_view_search(&v, sr, 0, e0->start, false, &hci, &hoff, &hend, &wrapped));
        search_free(sr);
        ui_view_free(&v);
    }
    library_free(lib);

    lib = library_open("tests/data/corpus/alice-in-wonderland_pg11-0.txt", &err);
    CHECK("Alice opens", lib != NULL && lib->n_stories == 1);
    if (lib && lib->n_stories == 1) {
        struct story *a = &lib->stories[0];
        size_t lo, hi;
        story_text_range(a, a->n_ch - 1, &lo, &hi);
        CHECK("Alice has back matter (the licence)", hi < a->ch[a->n_ch - 1].ed[0].end);
        test_percent(a, "Alice", 23);
        test_percent(a, "Alice", 5);
    }
    library_free(lib);

    /* issue 14 item 11: the contents entry of Alice's first chapter leads
     * to its heading, past the Gutenberg header; the second's to its start */
    lib = library_open("tests/data/golden", &err);
    struct story *alice = NULL;
    for (size_t i = 0; lib && i < lib->n_stories; i++)
        if (strncmp(lib->stories[i].title, "Alice", 5) == 0)
            alice = &lib->stories[i];
    CHECK("Alice opens", alice != NULL && alice->n_ch == 12);
    if (alice && alice->n_ch == 12) {
        struct layout_opts lo = {.width = 72, .wrap = WRAP_OPTIMAL, .break_glyph = NULL};
        struct ui_view v;
        ui_view_init(&v, alice, &lo, 23);
        const char *t;
        const struct edition *e = chapter_text(&alice->ch[0], &t);
        ui_view_chapter_entry(&v, 0);
        CHECK("chapter 1's entry: its heading at the top, not the licence header",
              v.top.ci == 0 && ui_view_off(&v) == e->front_end &&
                  strncmp(t + e->front_end, "CHAPTER I.", 10) == 0);
        e = chapter_text(&alice->ch[1], &t);
        ui_view_chapter_entry(&v, 1);
        CHECK("chapter 2's entry: its start", v.top.ci == 1 && ui_view_off(&v) == e->start);
        ui_view_free(&v);
    }
    library_free(lib);

    lib = library_open("tests/data/ui/cjk", &err);
    CHECK("the CJK story opens", lib != NULL && lib->n_stories == 1);
    if (lib && lib->n_stories == 1)
        test_story(&lib->stories[0], "CJK");
    library_free(lib);
    free(err);
    return check_summary();
}
