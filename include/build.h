/* build.h — the library build's one tree: what the passes that turn a
 * folder walk into stories share.  Private to the build: included by
 * library.c (the orchestration) and the pass files below, by nothing else.
 *
 * The passes, in the order library_open runs them (docs/ARCHITECTURE.md):
 *   analyse.c   per-file analysis: decode, parse_text (an ebook: the
 *               door's conversion and chapters), and per chapter its
 *               words, richness, normalised lead and shingle sketch
 *               (+ the index cache glue: a file's results stored/restored);
 *   storyini.c  story.ini files (through kv.h);
 *   group.c     grouping files into stories (story.ini folders, announced
 *               title and author, loose files);
 *   editions.c  edition matching (shared sampled 5-grams), loose files
 *               joining the story their text belongs to;
 *   assemble.c  per story: file order, chapters, editions, titles, identity;
 *               stories sorted.
 * Inclusion: build.h includes story.h, scan.h, diag.h (and what they
 * include); a pass includes build.h and lower headers (norm.h, cache.h,
 * decode.h, parse.h, kv.h, util.h), never library.h or snapshot.h. */
#ifndef QUIRE_BUILD_H
#define QUIRE_BUILD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "scan.h"
#include "story.h"

/* Normalised bytes hashed for chapter keys and story ids. */
#define LEAD_BYTES 400

struct cache;
struct cache_stamp;

/* One chapter as one file holds it, before editions are matched. */
struct piece {
    size_t start, end, front_end, body, back;
    size_t title_end;       /* [start, title_end): the file's announcement */
    char *title;            /* heading title (malloc'd) or NULL */
    int number;
    size_t words;           /* in [body, back) */
    int richness;
    char *lead;             /* first LEAD_BYTES normalised bytes after the
                               heading and any leading notes (malloc'd) */
    size_t lead_len;
    uint64_t *sketch;       /* sampled shingle hashes, sorted, unique */
    size_t n_sketch;
    /* matching */
    int file;               /* index in build.files */
    int cluster;            /* representative piece of its edition cluster */
    int next;               /* next piece in the same cluster, or -1 */
    size_t cluster_size;    /* valid at the representative */
};

struct lfile {
    struct source *src;
    char *relpath;
    int ini;                /* scan_result.ini index or -1 */
    char *title, *author;   /* announced (malloc'd) or NULL */
    struct parse_meta meta; /* what the file says of its story (an ebook's
                               OPF, AO3 preface, FanFicFare title page) */
    int first_piece;        /* its pieces are [first_piece, first_piece+n_pc) */
    int n_pc;
    int group;
};

/* A story being assembled. */
struct group {
    int ini;                /* story.ini index or -1 */
    char *tkey;             /* folded "title\x1fauthor" for announced groups */
    bool loose;             /* one title-less file with one chapter */
    int parent;             /* union-find */
};

/* A parsed story.ini. */
struct ini {
    char *title, *author;   /* NULL when the key is absent */
    char **order;           /* names from `order =` */
    size_t n_order;
    bool has_order;
    char *series;           /* `series =`: NULL when absent or empty */
    double series_index;    /* `series_index =` (> 0; a fraction allowed);
                               0 when absent or not a number */
};

struct build {
    struct library *lib;
    struct scan_result scan;
    struct lfile *files;
    size_t n_files, cap_files;
    struct piece *pc;
    size_t n_pc, cap_pc;
    struct group *groups;
    size_t n_groups, cap_groups;
    struct ini *ini;        /* one per scan.ini */
    int *slot;              /* per piece: scratch for build_story, -1 */
    struct diag_sink diag;  /* the library's notes (build_note) */
    size_t cap_notes;
    struct cache *cache;    /* the index cache (cache.h) */
    /* the snapshot (snapshot.h): where sources and skips came from */
    bool snap;              /* save one when the library is built */
    uint64_t digest;
    size_t *src_file;       /* per lib->src: its index in scan.files */
    size_t cap_src_file;
    size_t *skip_file;      /* per build skip: its index in scan.files */
    size_t n_skip_file, cap_skip_file;
    size_t first_skip;      /* scan.skipped before the build's own */
    /* threads the passes may use (library.c sets them): how many (1: the
     * calling thread alone), and how to start one that takes no signals;
     * spawn false: run on the calling thread */
    int threads;
    bool (*spawn)(pthread_t *t, void *(*fn)(void *), void *arg);
    /* a story's head or a window at a place (library.c): a text's parse
     * through the parse memo (pmemo.h) */
    bool memo;
};

/* A note for --list --verbose (kept in the library's notes). */
#define build_note(b, ...) diag_report(&(b)->diag, DIAG_NOTE, __VA_ARGS__)

/* Start a build of `lib` (lib->root set) on the walk in b->scan: the notes
 * channel and one story.ini slot per scan.ini. */
void build_init(struct build *b, struct library *lib);

/* Free the build's scratch (the scan included); the library is not
 * touched. */
void build_free(struct build *b);

/* --- analyse.c ----------------------------------------------------------- */

/* Read scan file sf (from the index cache when it is fresh there) and add
 * its pieces; a file decode rejects, or with no words, is recorded as
 * skipped. */
void analyse_file(struct build *b, const struct scan_file *sf);

/* Add a decoded file (the build takes src): split it into pieces; stored
 * in the index cache (when b->cache) stamped with *st. */
void analyse_source(struct build *b, const struct scan_file *sf, struct source *src,
                    const struct cache_stamp *st);

/* --- storyini.c ---------------------------------------------------------- */

/* Read scan.ini[idx] into b->ini[idx]; problems are notes. */
void ini_read(struct build *b, size_t idx);

void ini_free(struct ini *ini);

/* --- group.c ------------------------------------------------------------- */

/* Give every file a group: a story.ini folder is one; files announcing the
 * same (title, author) are one; a title without an author joins the one
 * story of that title; a file announcing nothing is a group of its own
 * (loose when it holds one chapter). */
void group_files(struct build *b);

/* The representative of group g (union-find, with path halving). */
int group_find(struct build *b, int g);

/* --- editions.c ---------------------------------------------------------- */

/* Cluster pieces that are editions of one chapter (their sampled 5-grams
 * mostly shared), and join loose files to the story of their cluster. */
void match_editions(struct build *b);

/* --- assemble.c ---------------------------------------------------------- */

/* The stories of the final groups into b->lib, sorted by title; notes for
 * editions, joined loose files and story.ini folders without text. */
void assemble_stories(struct build *b);

#endif
