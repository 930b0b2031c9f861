/* bench_keys.c — every reader key timed in process (issue 17: "no key waits
 * more than 50 ms"): the real reader (ui_reader.c, ui_view.c) fed keys
 * through ui_dispatch and drawing one frame per key onto /dev/null at
 * 100x40, CPU time per key (the handler and its frame).  Each key is
 * pressed at several places in the story (the start, 25/50/75%, the end)
 * and the worst and the mean are reported.
 *
 *   bench_keys LIBRARY STORY COMMON RARE_NEAR_END
 *
 * COMMON is a frequent word; RARE_NEAR_END a word found once, near the end
 * of the story.  Built and run by scripts/bench_keys.sh. */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pace.h"
#include "ui_screen.h"
#include "bench_open.h"

static void report(const char *what, const struct stat_acc *a)
{
    printf("| %-44s | %5ld | %9.2f | %9.2f |\n", what, a->n,
           a->n ? a->sum / (double)a->n * 1e3 : 0.0, a->max * 1e3);
}

/* Keys: plain bytes, "\e" Escape, "\n" Enter. */
static void press(struct ui *ui, const char *keys)
{
    for (const char *k = keys; *k; k++)
        ui_dispatch(ui, *k == '\033' ? UI_KEY_ESC : (unsigned char)*k);
}

/* Go to percent p without timing it. */
static void place(struct ui *ui, int p)
{
    size_t ci, off;
    ui_view_percent_pos(&ui->rd.v, (double)p, &ci, &off);
    ui_view_goto(&ui->rd.v, ci, off);
    ui_draw(ui);
}

/* `setup` untimed (may be NULL), then `keys` timed with one frame, at
 * each place. */
static void key_row(struct ui *ui, const char *label, const char *setup, const char *keys)
{
    static const int places[] = {0, 25, 50, 75, 100};
    struct stat_acc a = {0};
    for (size_t i = 0; i < sizeof places / sizeof *places; i++) {
        place(ui, places[i]);
        if (setup) {
            press(ui, setup);
            ui_draw(ui);
        }
        double t0 = cpu_now();
        press(ui, keys);
        ui_draw(ui);
        acc(&a, cpu_now() - t0);
        if (ui->overlay || ui->line) {   /* close a menu or the prompt, untimed */
            press(ui, "\033");
            ui_draw(ui);
        }
    }
    report(label, &a);
}

/* A new search for `needle` typed at the prompt from the start of the
 * story, then `steps` n. */
static void search_rows(struct ui *ui, const char *needle, const char *what, int steps)
{
    char label[128];
    struct stat_acc first = {0}, next = {0}, prev = {0};
    for (int r = 0; r < 3; r++) {
        place(ui, 0);
        press(ui, "/");
        buf_adds(&ui->prompt.text, needle);
        double t0 = cpu_now();
        press(ui, "\n");
        ui_draw(ui);
        acc(&first, cpu_now() - t0);
    }
    for (int i = 0; i < steps; i++) {
        double t0 = cpu_now();
        press(ui, "n");
        ui_draw(ui);
        acc(&next, cpu_now() - t0);
    }
    for (int i = 0; i < steps; i++) {
        double t0 = cpu_now();
        press(ui, "N");
        ui_draw(ui);
        acc(&prev, cpu_now() - t0);
    }
    snprintf(label, sizeof label, "/%s (%s), first", needle, what);
    report(label, &first);
    snprintf(label, sizeof label, "  then n");
    report(label, &next);
    snprintf(label, sizeof label, "  then N");
    report(label, &prev);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: bench_keys LIBRARY STORY COMMON RARE_NEAR_END\n");
        return 2;
    }
    setlocale(LC_ALL, "");
    struct bench_term bt;
    if (!bench_open("bench_keys", argv[1], argv[2], 40, 100, &bt))
        return 1;
    struct story *s = bt.s;
    struct config cfg;
    struct ui ui;
    bench_ui_init(&ui, &cfg, bt.lib, 72);
    ui.pace = pace_new();
    double open_t = bench_first_frame(&ui, s), t0;
    printf("%s: %zu chapters, %zu bytes, 100x40; open + first frame %.2f ms CPU\n\n", s->title,
           s->n_ch, s->total, open_t * 1e3);
    printf("| key | presses | mean ms | max ms |\n|---|---:|---:|---:|\n");
    key_row(&ui, "Space (page down)", NULL, " ");
    key_row(&ui, "b (page up)", NULL, "b");
    key_row(&ui, "j (line down)", NULL, "j");
    key_row(&ui, "k (line up)", NULL, "k");
    key_row(&ui, "] (next chapter)", NULL, "]");
    key_row(&ui, "[ (previous chapter)", NULL, "[");
    key_row(&ui, "g (chapter start)", NULL, "g");
    key_row(&ui, "G (chapter end)", NULL, "G");
    key_row(&ui, "50% (digits, then %)", "50", "%");
    key_row(&ui, "100%", "100", "%");
    key_row(&ui, "t (contents)", NULL, "t");
    key_row(&ui, "t then Enter (jump)", "t", "\n");
    key_row(&ui, "m a (set a mark)", "m", "a");
    key_row(&ui, "' a (jump to the mark)", "'", "a");
    key_row(&ui, "'' (back)", "'", "'");
    key_row(&ui, "B (list marks)", NULL, "B");
    key_row(&ui, "i (info)", NULL, "i");
    key_row(&ui, "a (fold notes)", NULL, "a");
    key_row(&ui, "h (help)", NULL, "h");
    struct stat_acc rs = {0};
    for (int i = 0; i < 10; i++) {
        place(&ui, i * 10);
        t0 = cpu_now();
        resizeterm(i % 2 ? 40 : 30, i % 2 ? 100 : 80);
        ui_draw(&ui);
        acc(&rs, cpu_now() - t0);
    }
    resizeterm(40, 100);
    report("resize 100x40 <-> 80x30", &rs);
    search_rows(&ui, argv[3], "frequent", 200);
    search_rows(&ui, argv[4], "found once, near the end", 3);
    search_rows(&ui, "qqxqqzz", "not found", 3);
    ui_state_free(&ui);
    bench_close(&bt);
    return 0;
}
