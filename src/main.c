/* main.c — options, choosing the library and story, and dispatch to the
 * commands (--list, --render, --bookmarks) or the screens.
 *
 * Exit status: 0 success, 1 runtime failure, 2 usage error.  Every error is
 * one line on stderr, "quire: WHAT: WHY". */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bookmarks.h"
#include "config.h"
#include "layout.h"
#include "library.h"
#include "loader.h"
#include "render.h"
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
    OPT_RESUME, OPT_CONFIG_CHECK, OPT_WRAP, OPT_CONFIG,
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
          "  -h, --help          this help\n"
          "  -V, --version       the version\n"
          "\n"
          "Keys inside the reader: press h.  Manual: man quire.\n", f);
}

/* Report a usage error "quire: WHAT: WHY (try ...)" and return status 2. */
static int usage_error(const char *what, const char *why)
{
    fprintf(stderr, "quire: %s: %s (try 'quire --help')\n", what, why);
    return EXIT_USAGE;
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
    bool list = false, tsv = false, verbose = false, render = false;
    bool show_bookmarks = false, resume = false, config_check = false;
    const char *library = NULL, *config_path = NULL, *wrap = NULL;
    long width = 0, chapter = 0;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":L:w:hV", long_opts, NULL)) != -1) {
        switch (c) {
        case 'L': library = optarg; break;
        case OPT_LIST: list = true; break;
        case OPT_TSV: tsv = true; break;
        case OPT_VERBOSE: verbose = true; break;
        case OPT_RENDER: render = true; break;
        case 'w':
            if (!parse_count(optarg, &width))
                return usage_error("--width", "not a width of at least 1");
            break;
        case OPT_CHAPTER:
            if (!parse_count(optarg, &chapter))
                return usage_error("--chapter", "not a chapter number");
            break;
        case OPT_WRAP:
            if (strcmp(optarg, "optimal") && strcmp(optarg, "greedy"))
                return usage_error("--wrap", "must be optimal or greedy");
            wrap = optarg;
            break;
        case OPT_BOOKMARKS: show_bookmarks = true; break;
        case OPT_RESUME: resume = true; break;
        case OPT_CONFIG: config_path = optarg; break;
        case OPT_CONFIG_CHECK: config_check = true; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("quire %s\n", QUIRE_VERSION); return 0;
        case ':':
            return usage_error(argv[optind - 1], "needs a value");
        default:
            return usage_error(argv[optind - 1], "unknown option");
        }
    }
    if (argc - optind > 1)
        return usage_error(argv[optind + 1], "only one target, please");
    const char *target = optind < argc ? argv[optind] : NULL;
    if (tsv && !list)
        return usage_error("--tsv", "goes with --list");
    if (chapter && !render && isatty(STDOUT_FILENO))
        return usage_error("--chapter", "goes with --render");
    if ((list ? 1 : 0) + (render ? 1 : 0) + (show_bookmarks ? 1 : 0) + (config_check ? 1 : 0) > 1)
        return usage_error("--list, --render, --bookmarks, --config-check", "choose one");

    struct config cfg;
    int config_problems = config_load(&cfg, config_path, stderr);
    if (config_check)   /* key remaps are checked against the screens' tables */
        config_problems += ui_config_check(&cfg, stderr);
    if (wrap)
        cfg.wrap = strcmp(wrap, "greedy") == 0 ? WRAP_GREEDY : WRAP_OPTIMAL;
    if (config_check) {
        /* The settings in force, then a verdict: 1 when the file had problems. */
        config_print(&cfg, stdout);
        config_free(&cfg);
        if (fflush(stdout) != 0) {
            warnx_q("stdout: write error");
            return EXIT_RUNTIME;
        }
        return config_problems ? EXIT_RUNTIME : 0;
    }

    /* Which library: -L, $QUIRE_LIBRARY, config, bundled sample.  A TARGET
     * that is a folder or file is read on its own. */
    char *libpath = NULL;
    bool target_is_path = target && exists(target);
    if (target_is_path)
        libpath = xstrdup(target);
    else if (library)
        libpath = xstrdup(library);
    else if (getenv("QUIRE_LIBRARY") && *getenv("QUIRE_LIBRARY"))
        libpath = xstrdup(getenv("QUIRE_LIBRARY"));
    else if (cfg.library)
        libpath = xstrdup(cfg.library);
    else
        libpath = sample_library(argv[0]);

    int status = 0;
    char *err = NULL;
    struct bookmarks *bm = NULL;
    struct library *lib = NULL;
    struct loader *loader = NULL;
    struct stat tsb;
    if (target_is_path && !list && !render && !show_bookmarks && isatty(STDOUT_FILENO) &&
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
            loader = loader_new(libpath);   /* started after the first frame */
    }
    if (!lib)
        lib = library_open(libpath, &err);
    if (show_bookmarks) {
        /* Saved positions are listed even when the library is gone: the
         * store keeps each story's title. */
        bm = bookmarks_open(NULL, false);
        if (bookmarks_print(bm, lib, stdout) != 0)
            status = EXIT_RUNTIME;
        goto out;
    }
    if (!lib) {
        warnx_q("%s", err ? err : libpath);
        status = EXIT_RUNTIME;
        goto out;
    }
    if (list) {
        if (library_print(lib, stdout, tsv, verbose) != 0) {
            warnx_q("stdout: write error");
            status = EXIT_RUNTIME;
        }
        goto out;
    }

    struct story *story = NULL;
    if (target && !target_is_path) {
        bool ambiguous = false;
        story = library_find(lib, target, &ambiguous);
        if (!story) {
            warnx_q("%s: %s", target, ambiguous ? "more than one story starts so; say more"
                                                : "no such story in the library");
            status = EXIT_RUNTIME;
            goto out;
        }
    } else if (target_is_path && lib->n_stories == 1) {
        story = &lib->stories[0];
    }

    bool to_terminal = isatty(STDOUT_FILENO);
    if (render || !to_terminal) {
        if (!story && lib->n_stories == 1)
            story = &lib->stories[0];
        if (!story && resume) {
            bm = bookmarks_open(NULL, true);
            const char *id = bookmarks_most_recent(bm);
            story = id ? library_find_id(lib, id) : NULL;
        }
        if (!story) {
            if (lib->n_stories == 0) {
                warnx_q("%s: no stories here", libpath);
                status = EXIT_RUNTIME;
                goto out;
            }
            /* Piped with several stories: the listing is the useful output. */
            if (!render) {
                if (library_print(lib, stdout, false, false) != 0)
                    status = EXIT_RUNTIME;
                goto out;
            }
            warnx_q("%s: which story? name one (see quire --list)", libpath);
            status = EXIT_USAGE;
            goto out;
        }
        struct layout_opts lo = {
            .width = width ? (int)width : cfg.width,
            .wrap = cfg.wrap,
            .break_glyph = cfg.break_glyph,
        };
        if (!width && to_terminal) {
            struct winsize ws;
            if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_col < lo.width)
                lo.width = ws.ws_col;
        }
        if (render_story(story, &lo, (size_t)chapter, stdout, &err) != 0) {
            warnx_q("%s", err ? err : "render failed");
            status = EXIT_RUNTIME;
        }
        goto out;
    }

    /* The reader lives on: give back the heap library_open's per-file
     * analysis used, so a long story's reader holds only what it uses.
     * (--list and --render exit soon after; they skip this.) */
    malloc_trim(0);
    bm = bookmarks_open(NULL, false);
    struct ui_start start = {.story = story, .resume = resume || story != NULL, .loader = loader,
                             .alone = target_is_path && story != NULL};
    if (resume && !story) {
        const char *id = bookmarks_most_recent(bm);
        start.story = id ? library_find_id(lib, id) : NULL;
        if (!start.story)
            warnx_q("--resume: no story read yet; opening the library");
    }
    status = ui_run(&lib, bm, &cfg, &start, &err);
    if (status != 0 && err)
        warnx_q("%s", err);

out:
    loader_free(loader);
    bookmarks_close(bm);
    library_free(lib);
    config_free(&cfg);
    free(libpath);
    free(err);
    if (fflush(stdout) != 0 && status == 0) {
        warnx_q("stdout: write error");
        status = EXIT_RUNTIME;
    }
    return status;
}
