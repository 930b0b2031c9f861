/* bench_open.h — what the in-process screen benches (bench_ui.c,
 * bench_keys.c) share: a CPU clock, a step accumulator, and what they do
 * before they time anything: open the library, find the
 * story, bind the keys and make a curses screen that writes to /dev/null;
 * the reader's settings, its first frame, and what they free at the end.
 * A header of static functions: each bench is one program built from
 * its .c and the binary's objects (scripts/bench_ui.sh, bench_keys.sh). */
#ifndef QUIRE_BENCH_OPEN_H
#define QUIRE_BENCH_OPEN_H

#include <curses.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ui_screen.h"

/* This process's CPU time so far, seconds. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Steps timed: their count, sum and worst (seconds). */
struct stat_acc {
    double sum, max;
    long n;
};

static void acc(struct stat_acc *a, double t)
{
    a->sum += t;
    if (t > a->max)
        a->max = t;
    a->n++;
}

struct bench_term {
    struct library *lib;
    struct story *s;
    SCREEN *scr;
    FILE *out, *in;
};

/* Open library folder `dir` and its story `name` (the only story when the
 * name finds none), bind the keys, make the screen (set as current) of
 * `rows` x `cols`.  False, with a line on stderr under `prog`'s name, when
 * any of it fails. */
static bool bench_open(const char *prog, const char *dir, const char *name, int rows, int cols,
                       struct bench_term *t)
{
    char *err = NULL;
    t->lib = library_open(dir, &err);
    if (!t->lib) {
        fprintf(stderr, "%s: %s\n", prog, err ? err : dir);
        return false;
    }
    bool amb = false;
    t->s = library_find(t->lib, name, &amb);
    if (!t->s && t->lib->n_stories == 1)
        t->s = &t->lib->stories[0];
    if (!t->s) {
        fprintf(stderr, "%s: %s: no such story\n", prog, name);
        return false;
    }
    const struct ui_binding *const tables[UI_N_CTX] = {
        [UI_CTX_READER] = ui_mode_reader.keys,
        [UI_CTX_LIBRARY] = ui_mode_library.keys,
        [UI_CTX_MENU] = ui_mode_menu.keys,
    };
    ui_keys_init(NULL, NULL, tables);
    t->out = fopen("/dev/null", "w");
    t->in = fopen("/dev/null", "r");
    t->scr = t->out && t->in ? newterm("xterm-256color", t->out, t->in) : NULL;
    if (!t->scr) {
        fprintf(stderr, "%s: no terminal description for xterm-256color\n", prog);
        return false;
    }
    set_term(t->scr);
    resizeterm(rows, cols);
    return true;
}

/* Ends the screen and frees what bench_open made. */
static void bench_close(struct bench_term *t)
{
    endwin();
    delscreen(t->scr);
    fclose(t->out);
    fclose(t->in);
    library_free(t->lib);
}

/* The settings the benches read with: a text column of `width`, optimal
 * wrap, "* * *" for a scene break; nothing else set.  Then the state of
 * *ui for lib with them (cfg must outlive ui) and its attributes. */
static void bench_ui_init(struct ui *ui, struct config *cfg, struct library *lib, int width)
{
    static char glyph[] = "* * *";
    memset(cfg, 0, sizeof *cfg);
    cfg->width = width;
    cfg->wrap = WRAP_OPTIMAL;
    cfg->break_glyph = glyph;
    ui_state_init(ui, lib, NULL, cfg);
    ui_attrs_init(ui);
}

/* Opens story s in the reader of ui and draws its first frame: the CPU
 * seconds that took. */
static double bench_first_frame(struct ui *ui, struct story *s)
{
    double t0 = cpu_now();
    ui_mode_reader.enter(ui, s, false);
    ui->screen = &ui_mode_reader;
    ui_draw(ui);
    return cpu_now() - t0;
}

#endif
