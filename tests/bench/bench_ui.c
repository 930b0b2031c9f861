/* bench_ui.c — page turn and search step of the reading screen, timed in
 * process: the real reader (ui_view.c + ui_reader.c) drawing through
 * ncurses onto /dev/null at 200x60, one frame per step (werase, draw,
 * doupdate), CPU time per step.
 *
 *   bench_ui LIBRARY STORY [NEEDLE_COMMON NEEDLE_RARE]
 *
 * Built and run by scripts/bench_ui.sh. */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui_screen.h"
#include "bench_open.h"

static void report(const char *what, const struct stat_acc *a)
{
    printf("  %-44s %6ld steps  mean %8.1f us  max %8.1f us\n", what, a->n,
           a->n ? a->sum / (double)a->n * 1e6 : 0.0, a->max * 1e6);
}

static void run_search(struct ui *ui, const char *needle, int steps, const char *what)
{
    struct stat_acc a = {0};
    ui_view_chapter(&ui->rd.v, 0);
    ui_dispatch(ui, '/');
    buf_adds(&ui->prompt.text, needle);
    double t0 = cpu_now();
    ui_dispatch(ui, '\n');
    ui_draw(ui);
    acc(&a, cpu_now() - t0);
    for (int i = 1; i < steps; i++) {
        t0 = cpu_now();
        ui_dispatch(ui, 'n');
        ui_draw(ui);
        acc(&a, cpu_now() - t0);
    }
    char label[128];
    snprintf(label, sizeof label, "%s \"%s\"", what, needle);
    report(label, &a);
}

static void bench_width(struct library *lib, struct story *s, int width, const char *common,
                        const char *rare)
{
    struct config cfg;
    struct ui ui;
    bench_ui_init(&ui, &cfg, lib, width);
    double open_t = bench_first_frame(&ui, s), t0;
    printf("%s: %zu chapters, %zu bytes; text column %d in a %dx%d screen\n", s->title, s->n_ch,
           s->total, ui_reader_width(&ui), COLS, LINES);
    printf("  %-44s %27.1f us\n", "open + first frame", open_t * 1e6);

    /* Page turns forward through the whole story, then back. */
    struct stat_acc fwd = {0}, back = {0};
    for (;;) {
        t0 = cpu_now();
        bool moved = ui_view_page_down(&ui.rd.v);
        ui_draw(&ui);
        acc(&fwd, cpu_now() - t0);
        if (!moved || fwd.n > 200000)
            break;
    }
    for (;;) {
        t0 = cpu_now();
        bool moved = ui_view_page_up(&ui.rd.v);
        ui_draw(&ui);
        acc(&back, cpu_now() - t0);
        if (!moved || back.n > 200000)
            break;
    }
    report("page turn forward (Space), whole story", &fwd);
    report("page turn back (b), whole story", &back);

    /* The same without drawing: the reader core alone (position, lazy
     * layout, the runs of every line on the page). */
    struct stat_acc core = {0};
    struct run runs[512];
    int w = ui.rd.v.lo.width;
    ui_view_resize(&ui.rd.v, w - 1, ui.rd.v.rows);   /* drop the layout cache */
    ui_view_resize(&ui.rd.v, w, ui.rd.v.rows);
    ui_view_chapter(&ui.rd.v, 0);
    for (;;) {
        t0 = cpu_now();
        bool moved = ui_view_page_down(&ui.rd.v);
        struct ui_addr a = ui.rd.v.top;
        for (int r = 0; r < ui.rd.v.rows; r++) {
            const struct line *ln = ui_view_line(&ui.rd.v, &a);
            if (!ln)
                break;
            const char *text;
            chapter_text(&s->ch[a.ci], &text);
            layout_runs_s(&ui.rd.v.lo, text, s->ch[a.ci].title, ln, ui.rd.v.sc, runs, 512);
            if (!ui_view_next(&ui.rd.v, &a))
                break;
        }
        acc(&core, cpu_now() - t0);
        if (!moved || core.n > 200000)
            break;
    }
    report("page turn, reader core only (no curses)", &core);

    /* Jump to 50% then resize 200 -> 120 -> 200 columns. */
    struct stat_acc jump = {0}, rs = {0};
    for (int i = 0; i < 20; i++) {
        t0 = cpu_now();
        size_t ci, off;
        ui_view_percent_pos(&ui.rd.v, (double)(i * 5 % 100), &ci, &off);
        ui_view_goto(&ui.rd.v, ci, off);
        ui_draw(&ui);
        acc(&jump, cpu_now() - t0);
        t0 = cpu_now();
        resizeterm(60, i % 2 ? 200 : 120);
        ui_draw(&ui);
        acc(&rs, cpu_now() - t0);
    }
    resizeterm(60, 200);
    report("percent jump (digits %)", &jump);
    report("resize (relayout around the top line)", &rs);

    run_search(&ui, common, 2000, "search step (n), frequent word");
    run_search(&ui, rare, 50, "search step (n), word found once");
    ui_state_free(&ui);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_ui LIBRARY STORY [COMMON RARE]\n");
        return 2;
    }
    setlocale(LC_ALL, "");
    struct bench_term bt;
    if (!bench_open("bench_ui", argv[1], argv[2], 60, 200, &bt))
        return 1;
    const char *common = argc > 3 ? argv[3] : "the";
    const char *rare = argc > 4 ? argv[4] : "Hey Tim";
    bench_width(bt.lib, bt.s, 72, common, rare);
    bench_width(bt.lib, bt.s, 200, common, rare);
    bench_close(&bt);
    return 0;
}
