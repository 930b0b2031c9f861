/* main.c — options, choosing the library and story, and dispatch to the
 * commands (--list, --render, --bookmarks) or the screens.
 *
 * Exit status: 0 success, 1 runtime failure, 2 usage error.  Every error is
 * one line on stderr, "quire: WHAT: WHY". */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bookmarks.h"
#include "seen.h"
#include "config.h"
#include "derived.h"
#include "diag.h"
#include "ebook_door.h"
#include "layout.h"
#include "library.h"
#include "loader.h"
#include "output.h"
#include "render.h"
#include "state_sync.h"
#include "ui.h"
#include "util.h"

enum { EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* A story file longer than HEAD_MIN bytes opens on the screen from its
 * head (library_open_head) while a loader reads all of it. */
#define HEAD_MIN   ((size_t)128 * 1024)

/* Bytes of that head: four per cell of the terminal (two screens of
 * prose, more than one of CJK), between 8 and 256 KiB.  The head is parsed
 * before the first frame, so it is kept to what the screen can show. */
static size_t head_bytes(void)
{
    size_t cells = 80 * 24;
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
        cells = (size_t)ws.ws_row * ws.ws_col;
    size_t n = cells * 4;
    return n < 8 * 1024 ? 8 * 1024 : n > 256 * 1024 ? 256 * 1024 : n;
}

enum {
    OPT_LIST = 256, OPT_TSV, OPT_VERBOSE, OPT_RENDER, OPT_CHAPTER, OPT_BOOKMARKS,
    OPT_RESUME, OPT_CONFIG_CHECK, OPT_WRAP, OPT_CONFIG, OPT_MERGE_STATE, OPT_INTO,
};

static const struct option long_opts[] = {
    {"library", required_argument, NULL, 'L'},
    {"list", no_argument, NULL, OPT_LIST},
    {"tsv", no_argument, NULL, OPT_TSV},
    {"verbose", no_argument, NULL, OPT_VERBOSE},
    {"render", no_argument, NULL, OPT_RENDER},
    {"width", required_argument, NULL, 'w'},
    {"chapter", required_argument, NULL, OPT_CHAPTER},
    {"wrap", required_argument, NULL, OPT_WRAP},
    {"bookmarks", no_argument, NULL, OPT_BOOKMARKS},
    {"resume", no_argument, NULL, OPT_RESUME},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"config-check", no_argument, NULL, OPT_CONFIG_CHECK},
    {"merge-state", no_argument, NULL, OPT_MERGE_STATE},
    {"into", required_argument, NULL, OPT_INTO},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
    fputs("usage: quire [OPTIONS] [TARGET]\n"
          "Read long plain-text stories in the terminal.\n"
          "TARGET: a library folder, a story folder, a text file, or a story title.\n"
          "\n"
          "  -L, --library DIR   library folder (default: $QUIRE_LIBRARY, config, sample)\n"
          "      --list          print the stories and their chapters, then exit\n"
          "      --tsv           with --list: one tab-separated line per chapter\n"
          "      --verbose       with --list: also skipped files and notes\n"
          "      --render        print the text as the pager lays it out, then exit\n"
          "  -w, --width N       text column width for --render (columns)\n"
          "      --chapter N     with --render: only chapter N\n"
          "      --wrap STYLE    line breaking: optimal (default) or greedy\n"
          "      --bookmarks     print every saved position, then exit\n"
          "      --resume        open the most recently read story where it was left\n"
          "      --config FILE   read settings from FILE instead of the default\n"
          "      --config-check  print the effective settings, then exit\n"
          "      --merge-state FILE...  merge state files (sync conflict copies, git's\n"
          "                      versions) into the state folder, then exit\n"
          "      --into FILE     with --merge-state: merge into FILE instead (git)\n"
          "  -h, --help          this help\n"
          "  -V, --version       the version\n"
          "\n"
          "Keys inside the reader: press h.  Manual: man quire.\n", f);
}

/* One "quire: ..." line on stderr, through the diagnostics channel: a
 * file name, title or argument it echoes shows its control bytes visibly
 * (vis.h). */
__attribute__((format(printf, 2, 3)))
static void complain(enum diag_level level, const char *fmt, ...)
{
    struct diag_sink s = diag_stream(stderr);
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(&s, level, fmt, ap);
    va_end(ap);
}

/* Report a usage error "quire: WHAT: WHY (try ...)" and return status 2. */
static int usage_error(const char *what, const char *why)
{
    complain(DIAG_ERROR, "%s: %s (try 'quire --help')", what, why);
    return EXIT_USAGE;
}

/* The exit status once everything is printed: 0, or 1 with a message when
 * stdout could not take it (a full disk, /dev/full, a closed pipe). */
static int stdout_done(void)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return 0;
    complain(DIAG_ERROR, "stdout: write error");
    return EXIT_RUNTIME;
}

/* Parse a positive decimal number; false when s is not one. */
static bool parse_count(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 100000)
        return false;
    *out = v;
    return true;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* The bundled sample library: the source tree's when the binary runs from
 * it, the installed copy next to the binary (BINDIR/../share/quire, so a
 * staged DESTDIR install or a moved PREFIX works), else the DATADIR the
 * binary was built for. */
static char *sample_library(const char *argv0)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            char *p = xasprintf("%s/sample_library", self);
            if (is_dir(p))
                return p;
            free(p);
            p = xasprintf("%s/../share/quire/sample_library", self);
            char *real = realpath(p, NULL);
            free(p);
            if (real && is_dir(real))
                return real;
            free(real);
        }
    }
    (void)argv0;
    if (is_dir(QUIRE_DATADIR "/sample_library"))
        return xstrdup(QUIRE_DATADIR "/sample_library");
    return xstrdup("sample_library");
}

/* What the command line asked for. */
struct opts {
    bool list, tsv, verbose, render, show_bookmarks, resume, config_check, merge_state;
    const char *library, *config_path, *wrap, *into;
    const char *target;      /* TARGET, or NULL */
    long width, chapter;     /* 0: not given */
};

/* Parse the command line into *o.  Returns -1 to go on, else the exit
 * status (after --help, --version or a usage error). */
static int parse_options(int argc, char **argv, struct opts *o)
{
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":L:w:hV", long_opts, NULL)) != -1) {
        switch (c) {
        case 'L': o->library = optarg; break;
        case OPT_LIST: o->list = true; break;
        case OPT_TSV: o->tsv = true; break;
        case OPT_VERBOSE: o->verbose = true; break;
        case OPT_RENDER: o->render = true; break;
        case 'w':
            if (!parse_count(optarg, &o->width))
                return usage_error("--width", "not a width of at least 1");
            break;
        case OPT_CHAPTER:
            if (!parse_count(optarg, &o->chapter))
                return usage_error("--chapter", "not a chapter number");
            break;
        case OPT_WRAP:
            if (strcmp(optarg, "optimal") && strcmp(optarg, "greedy"))
                return usage_error("--wrap", "must be optimal or greedy");
            o->wrap = optarg;
            break;
        case OPT_BOOKMARKS: o->show_bookmarks = true; break;
        case OPT_RESUME: o->resume = true; break;
        case OPT_CONFIG: o->config_path = optarg; break;
        case OPT_CONFIG_CHECK: o->config_check = true; break;
        case OPT_MERGE_STATE: o->merge_state = true; break;
        case OPT_INTO: o->into = optarg; break;
        case 'h': usage(stdout); return stdout_done();
        case 'V': printf("quire %s\n", QUIRE_VERSION); return stdout_done();
        case ':':
            return usage_error(argv[optind - 1], "needs a value");
        default:
            return usage_error(argv[optind - 1], "unknown option");
        }
    }
    if (o->into && !o->merge_state)
        return usage_error("--into", "goes with --merge-state");
    if (o->merge_state) {   /* FILE... instead of TARGET */
        if (optind >= argc)
            return usage_error("--merge-state", "needs the files to merge");
        if (o->list || o->render || o->show_bookmarks || o->config_check || o->resume)
            return usage_error("--merge-state", "goes with no other command");
        return -1;
    }
    if (argc - optind > 1)
        return usage_error(argv[optind + 1], "only one target, please");
    o->target = optind < argc ? argv[optind] : NULL;
    if (o->tsv && !o->list)
        return usage_error("--tsv", "goes with --list");
    if (o->verbose && !o->list)
        return usage_error("--verbose", "goes with --list");
    if ((o->list ? 1 : 0) + (o->render ? 1 : 0) + (o->show_bookmarks ? 1 : 0) +
        (o->config_check ? 1 : 0) > 1)
        return usage_error("--list, --render, --bookmarks, --config-check", "choose one");
    /* --list prints no text and opens no reader: these would do nothing */
    const char *idle = o->chapter ? "--chapter" : o->width ? "--width" : o->wrap ? "--wrap"
                     : o->resume ? "--resume" : NULL;
    if (o->list && idle)
        return usage_error(idle, "does not go with --list");
    if (o->chapter && !o->render && isatty(STDOUT_FILENO))
        return usage_error("--chapter", "goes with --render");
    return -1;
}

/* `--config-check`: the settings in force, then a verdict: 1 when the
 * file had problems. */
static int config_check(const struct config *cfg, int config_problems)
{
    config_print(cfg, stdout);
    if (fflush(stdout) != 0) {
        complain(DIAG_ERROR, "stdout: write error");
        return EXIT_RUNTIME;
    }
    return config_problems ? EXIT_RUNTIME : 0;
}

/* Which library: -L, $QUIRE_LIBRARY, config, bundled sample.  A TARGET
 * that is a folder or file is read on its own (*target_is_path). */
static char *library_path(const struct opts *o, const struct config *cfg, const char *argv0,
                          bool *target_is_path)
{
    *target_is_path = o->target && exists(o->target);
    if (*target_is_path)
        return xstrdup(o->target);
    if (o->library)
        return xstrdup(o->library);
    if (getenv("QUIRE_LIBRARY") && *getenv("QUIRE_LIBRARY"))
        return xstrdup(getenv("QUIRE_LIBRARY"));
    if (cfg->library)
        return xstrdup(cfg->library);
    return sample_library(argv0);
}

/* A long file with no head (one HTML document is converted whole): read
 * on the loader's thread while the terminal says so and q quits
 * (ui_wait_loader).  NULL, with *quit set when q was pressed. */
static struct library *open_whole_said(const char *path, bool *quit)
{
    struct loader *l = loader_new(path);
    loader_go(l);
    const char *name = strrchr(path, '/');
    char *say = xasprintf("%s %s\xe2\x80\xa6 (q quits)",
                          ebook_door_text_name(path) ? "reading" : "converting",
                          name ? name + 1 : path);
    struct library *lib = NULL;
    char *err = NULL;
    if (ui_wait_loader(l, say))
        lib = loader_wait(l, &err);   /* NULL: library_open says why */
    else
        *quit = true;
    free(err);
    free(say);
    loader_free(l);   /* quitting: a conversion under way is finished apart */
    return lib;
}

/* The library from the head of a long story file given as TARGET, on a
 * terminal, with *loader made for the whole file; a file with no head
 * read whole, said (open_whole_said); NULL otherwise, *quit set when q
 * was pressed meanwhile. */
static struct library *open_head(const struct opts *o, bool target_is_path,
                                 const char *libpath, struct loader **loader, bool *quit)
{
    struct library *lib = NULL;
    const char *target = o->target;
    struct stat tsb;
    if (target_is_path && !o->list && !o->render && !o->show_bookmarks && isatty(STDOUT_FILENO) &&
        isatty(STDIN_FILENO) && stat(target, &tsb) == 0 && S_ISREG(tsb.st_mode) &&
        (size_t)tsb.st_size > HEAD_MIN) {
        /* A long story: the first screen comes from the file's head.  The
         * loader thread allocates from the main arena, so that what it
         * frees is given back by malloc_trim like the rest (a thread arena
         * keeps its top: +1.7 MB of private memory for a 32 MB story). */
        mallopt(M_ARENA_MAX, 1);
        char *herr = NULL;
        lib = library_open_head(libpath, head_bytes(), &herr);
        free(herr);
        if (lib)
            *loader = loader_new(libpath);   /* started after the first frame */
        else
            lib = open_whole_said(libpath, quit);
    }
    return lib;
}

/* Standard output is not a terminal, or --render: the story laid out on
 * stdout, or the listing when the library holds several and none was
 * named.  Returns the exit status. */
static int print_story(const struct opts *o, struct library *lib, struct story *story,
                       const struct config *cfg, const char *libpath, bool to_terminal,
                       struct bookmarks **bm, char **err)
{
    if (!story && lib->n_stories == 1)
        story = &lib->stories[0];
    if (!story && o->resume) {
        *bm = bookmarks_open(NULL, true);
        bookmarks_adopt(*bm, lib);
        const char *id = bookmarks_most_recent(*bm);
        story = id ? library_find_id(lib, id) : NULL;
    }
    if (!story) {
        if (lib->n_stories == 0) {
            complain(DIAG_ERROR, "%s: no stories here", libpath);
            return EXIT_RUNTIME;
        }
        if (o->resume && o->render) {   /* nothing read yet in this library */
            complain(DIAG_ERROR, "--resume: no story of %s read yet; name one (see quire --list)",
                     libpath);
            return EXIT_RUNTIME;
        }
        /* Piped with several stories: the listing is the useful output. */
        if (!o->render)
            return output_list(lib, NULL, stdout, false, false) != 0 ? EXIT_RUNTIME : 0;
        complain(DIAG_ERROR, "%s: which story? name one (see quire --list)", libpath);
        return EXIT_USAGE;
    }
    struct layout_opts lo = {
        .width = o->width ? (int)o->width : cfg->width,
        .wrap = cfg->wrap,
        .break_glyph = cfg->break_glyph,
    };
    if (!o->width && to_terminal) {
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_col < lo.width)
            lo.width = ws.ws_col;
    }
    if (render_story(story, &lo, (size_t)o->chapter, stdout, err) != 0) {
        complain(DIAG_ERROR, "%s", *err ? *err : "render failed");
        return EXIT_RUNTIME;
    }
    return 0;
}

/* The warnings of the merge of conflict copies at start when the run opens
 * the screen: said on its first screen (ui_start.notes), not on stderr
 * before it; what no screen took is printed at the end of main. */
static char **start_notes;
static size_t n_start_notes, cap_start_notes;

/* The screens: the story (or the library) in the reader until it quits.
 * Returns the exit status. */
static int read_story(const struct opts *o, struct library **lib, struct story *story,
                      bool target_is_path, struct config *cfg, struct loader **loader,
                      struct bookmarks **bm, struct seen **seen, char **err)
{
    /* The heap library_open's per-file analysis used is given back after
     * the first frame (ui.c's main_loop), not here: newterm would fault
     * the same pages in again before the first frame. */
    *bm = bookmarks_open(NULL, false);
    bookmarks_adopt(*bm, *lib);
    struct ui_start start = {.story = story, .resume = o->resume || story != NULL,
                             .loader = *loader, .head = *loader ? head_bytes() : 0,
                             .alone = target_is_path && story != NULL,
                             .notes = start_notes, .n_notes = n_start_notes};
    if (o->resume && !story) {
        const char *id = bookmarks_most_recent(*bm);
        start.story = id ? library_find_id(*lib, id) : NULL;
        if (!start.story)
            complain(DIAG_WARNING, "--resume: no story read yet; opening the library");
    }
    /* The seen store: parsed before the first frame only when that frame
     * needs it (ui.h, ui_start.seen_later): a story opened at once leaves
     * it to the ui. */
    if (start.story) {
        start.seen_later = seen;
    } else {
        *seen = seen_open(NULL, false);
        seen_meet_library(*seen, *lib, *bm);
        start.seen = *seen;
    }
    int status = ui_run(lib, *bm, cfg, &start, err);
    if (status == 0) {   /* the screen showed the notes (and said them again after) */
        for (size_t i = 0; i < n_start_notes; i++)
            free(start_notes[i]);
        n_start_notes = 0;
    }
    if (status != 0 && *err)
        complain(DIAG_ERROR, "%s", *err);
    return status;
}

/* The titles of the stories an ambiguous `name` matches, "A; B; C"
 * (malloc'd). */
static char *candidates(const struct library *lib, const char *name)
{
    bool *match = xcalloc(lib->n_stories + 1, sizeof *match);
    bool exact;
    library_find_all(lib, name, match, &exact);
    struct buf b = {0};
    buf_add(&b, "", 0);
    for (size_t i = 0; i < lib->n_stories; i++)
        if (match[i])
            buf_printf(&b, "%s%s", b.len ? "; " : "", lib->stories[i].title);
    free(match);
    return b.data;
}

/* `--list [NAME]`: the library, or the story NAME names (a TARGET that is
 * not a file or folder); an ambiguous NAME lists its candidates and exits
 * 1, as no match does.  Returns the exit status. */
static int list_stories(const struct opts *o, const struct library *lib, bool target_is_path,
                        struct bookmarks **bm, struct seen **seen)
{
    bool *only = NULL;
    int status = 0;
    if (o->target && !target_is_path) {
        only = xcalloc(lib->n_stories + 1, sizeof *only);
        bool exact;
        size_t n = library_find_all(lib, o->target, only, &exact);
        if (n == 0) {
            complain(DIAG_ERROR, "%s: no such story in the library", o->target);
            free(only);
            return EXIT_RUNTIME;
        }
        if (n > 1 && !exact) {
            complain(DIAG_ERROR, "%s: %zu stories match; say more (they are listed)",
                     o->target, n);
            status = EXIT_RUNTIME;
        }
    }
    /* `(N new)` after a story's chapter count: stories read before this
     * store existed are met first (seen_meet), so they show none. */
    *bm = bookmarks_open(NULL, false);
    bookmarks_adopt(*bm, lib);
    *seen = seen_open(NULL, false);
    seen_meet_library(*seen, lib, *bm);
    if (output_list_seen(lib, only, *seen, stdout, o->tsv, o->verbose) != 0) {
        complain(DIAG_ERROR, "stdout: write error");
        status = EXIT_RUNTIME;
    }
    free(only);
    return status;
}

/* The library opened: --bookmarks, --list, or the story named. */
static int dispatch(const struct opts *o, struct library **lib, const char *libpath,
                    bool target_is_path, struct config *cfg, struct loader **loader,
                    struct bookmarks **bm, struct seen **seen, char **err)
{
    if (o->show_bookmarks) {
        /* Saved positions are listed even when the library is gone: the
         * store keeps each story's title. */
        *bm = bookmarks_open(NULL, false);
        bookmarks_adopt(*bm, *lib);
        if (output_bookmarks(*bm, *lib, stdout) != 0) {
            complain(DIAG_ERROR, "stdout: write error");
            return EXIT_RUNTIME;
        }
        return 0;
    }
    if (!*lib) {
        complain(DIAG_ERROR, "%s", *err ? *err : libpath);
        return EXIT_RUNTIME;
    }
    if (o->list)
        return list_stories(o, *lib, target_is_path, bm, seen);
    /* A file given by its path that was skipped: say why (binary, empty,
     * DRM-protected, not a zip archive, ...), as --list --verbose would. */
    if (target_is_path && (*lib)->n_stories == 0 && (*lib)->n_skipped == 1 && !is_dir(o->target)) {
        complain(DIAG_ERROR, "%s: %s", o->target, (*lib)->skipped[0].why);
        return EXIT_RUNTIME;
    }
    struct story *story = NULL;
    if (o->target && !target_is_path) {
        bool ambiguous = false;
        story = library_find(*lib, o->target, &ambiguous);
        if (!story && ambiguous) {
            char *which = candidates(*lib, o->target);
            complain(DIAG_ERROR, "%s: more than one story starts so; say more (%s)", o->target,
                     which);
            free(which);
            return EXIT_RUNTIME;
        }
        if (!story) {
            complain(DIAG_ERROR, "%s: no such story in the library", o->target);
            return EXIT_RUNTIME;
        }
    } else if (target_is_path && (*lib)->n_stories == 1) {
        story = &(*lib)->stories[0];
    }
    bool to_terminal = isatty(STDOUT_FILENO);
    if (o->render || !to_terminal)
        return print_story(o, *lib, story, cfg, libpath, to_terminal, bm, err);
    return read_story(o, lib, story, target_is_path, cfg, loader, bm, seen, err);
}

int main(int argc, char **argv)
{
    /* Scratch buffers of a few hundred KiB (search windows, layout) are
     * allocated and freed at every step: keep them in the heap instead of
     * a fresh mapping each time (glibc would learn this threshold only
     * after freeing a large mapping, which the main thread may never do
     * when the loader thread builds the library).  Fresh pages cost a
     * page fault each. */
    mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
    struct opts o = {0};
    int status = parse_options(argc, argv, &o);
    if (status >= 0)
        return status;
    struct config cfg;
    int config_problems = config_load(&cfg, o.config_path, stderr);
    if (cfg.state_dir)
        xdg_set_dir("STATE", cfg.state_dir);   /* `state_dir =`: before any state is read */
    struct diag_sink sink = diag_stream(stderr);
    if (o.merge_state) {
        status = state_sync_merge(NULL, o.into, argv + optind, (size_t)(argc - optind), &sink);
        config_free(&cfg);
        return status;
    }
    if (!o.list && !o.config_check) {   /* a sync tool's conflict copies, before any reading */
        bool screen = !o.render && !o.show_bookmarks && isatty(STDIN_FILENO) &&
                      isatty(STDOUT_FILENO);
        struct diag_sink notes = diag_list(&start_notes, &n_start_notes, &cap_start_notes);
        state_sync_copies(NULL, screen ? &notes : &sink);
    }
    if (o.config_check)   /* key remaps are checked against the screens' tables */
        config_problems += ui_config_check(&cfg, stderr);
    if (o.wrap)
        cfg.wrap = strcmp(o.wrap, "greedy") == 0 ? WRAP_GREEDY : WRAP_OPTIMAL;
    if (o.config_check) {
        status = config_check(&cfg, config_problems);
        config_free(&cfg);
        return status;
    }

    /* An ebook read (not listed) keeps its converted text as a file
     * (derived.h): reopened, it needs no conversion and no private copy.
     * A folder's first build converts every ebook in it: only the one
     * read is kept, when it is first read from the index cache. */
    derived_enable(!o.list && !o.show_bookmarks);
    bool target_is_path;
    char *libpath = library_path(&o, &cfg, argv[0], &target_is_path);
    struct stat lsb;
    derived_keep_builds(stat(libpath, &lsb) == 0 && S_ISREG(lsb.st_mode));
    char *err = NULL;
    struct bookmarks *bm = NULL;
    struct seen *seen = NULL;
    struct loader *loader = NULL;
    bool quit = false;   /* q while a file with no head was converted */
    struct library *lib = open_head(&o, target_is_path, libpath, &loader, &quit);
    if (!lib && !quit)
        lib = library_open(libpath, &err);
    status = quit ? 0 : dispatch(&o, &lib, libpath, target_is_path, &cfg, &loader, &bm, &seen, &err);

    loader_free(loader);
    seen_close(seen);
    bookmarks_close(bm);
    library_free(lib);
    config_free(&cfg);
    free(libpath);
    free(err);
    for (size_t i = 0; i < n_start_notes; i++) {   /* no screen showed them */
        complain(DIAG_WARNING, "%s", start_notes[i]);
        free(start_notes[i]);
    }
    free(start_notes);
    if (fflush(stdout) != 0 && status == 0) {
        complain(DIAG_ERROR, "stdout: write error");
        status = EXIT_RUNTIME;
    }
    return status;
}
