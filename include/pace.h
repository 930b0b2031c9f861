/* pace.h — the reader's own pace (words per minute, measured from page
 * turns across sessions) and the per-story reading choices (are notes
 * folded?), kept in the state folder as the file `pace`.
 *
 * Layer: build (state on disk, as the bookmarks are; no story, no layout).
 *
 * The estimate: a page turn `t` seconds after the one before it, with `w`
 * words read in between (the text shown, counted as parse_count_words
 * counts), is a sample of w / t * 60 words per minute.  It is left out when
 * it is a pause (t > PACE_PAUSE_S), a skim (t < PACE_SKIM_S, or over
 * PACE_MAX_WPM), or too short to say anything (w < PACE_MIN_WORDS).  The
 * newest PACE_KEEP good samples are kept; the pace is their median, and
 * PACE_DEFAULT_WPM until PACE_MIN_SAMPLES have been measured.
 *
 * The file (docs/FORMATS.md "Pace"): the record format of rec.h, magic
 * `quire-pace 1`, one line per sample (`s WHEN WORDS MS`) and one per
 * story whose notes the reader folded or unfolded (`f ID WHEN 0|1`), WHEN
 * in seconds since the epoch.  Saving locks DIR/pace.lock, re-reads the
 * file, merges ours into it (pace_merge), writes it atomically (a symbolic
 * link stays one) and unlocks; a file that cannot be read is kept aside as
 * DIR/pace.bad-YYYYMMDD-HHMMSS and a new one begun; one written by a newer
 * quire is read for nothing and never replaced.
 *
 * Units: words, seconds (double) for clocks, milliseconds in the file,
 * minutes for time left. */
#ifndef QUIRE_PACE_H
#define QUIRE_PACE_H

#include <stdbool.h>
#include <stddef.h>

#define PACE_DEFAULT_WPM 250.0
#define PACE_MIN_SAMPLES 10     /* good samples before the pace is the reader's */
#define PACE_KEEP 40            /* samples kept (the newest) */
#define PACE_PAUSE_S 180.0      /* longer between two turns: a pause */
#define PACE_SKIM_S 1.0         /* shorter between two turns: skimming */
#define PACE_MAX_WPM 2000.0     /* faster: skimming */
#define PACE_MIN_WORDS 20       /* fewer words between two turns: no sample */
#define PACE_VERSION 1          /* the file format this quire writes */

/* One good sample: a page turn at `when` (seconds since the epoch) after
 * `words` words read in `ms` milliseconds. */
struct pace_sample {
    long long when;
    unsigned long words;
    unsigned long ms;
};

/* A story's notes folded (1) or shown (0), chosen at `when`. */
struct pace_fold {
    char id[17];             /* the story's id, 16 hex digits */
    long long when;
    bool folded;
};

struct pace {
    char *dir;               /* the state folder; NULL: memory only */
    char *path;              /* DIR/pace */
    struct pace_sample *smp; /* oldest first, at most PACE_KEEP */
    size_t n_smp;
    struct pace_fold *fold;  /* sorted by id */
    size_t n_fold, cap_fold;
    bool dirty;              /* changed since the last save */
    bool readonly;           /* written by a newer quire: never saved */
    bool quiet;              /* warnings not printed on stderr */
    char *warning;           /* the last warning (malloc'd), or NULL */
    /* the turn before: its time and whether there is one */
    double last_turn;
    bool have_turn;
};

/* A pace kept in DIR/pace (dir NULL: the XDG state folder; when that is
 * unknown too, memory only), read now.  Problems with the file are a
 * warning (p->warning; on stderr unless quiet), never a failure. */
struct pace *pace_open(const char *dir, bool quiet);
/* A pace in memory only (tests, --render). */
struct pace *pace_new(void);
void pace_free(struct pace *p);   /* NULL is a no-op */

/* A page turn at `now` (seconds, from one clock: time() or a test's),
 * `words` words of story text read since the turn before.  Adds a sample
 * when the gap is one of reading (see above).  Returns whether it did. */
bool pace_turn(struct pace *p, double now, size_t words);
/* Forget the turn before (after a jump, a search, the story closed): the
 * next turn starts a new measure and gives no sample. */
void pace_break(struct pace *p);

/* Words per minute: the median of the samples kept, PACE_DEFAULT_WPM
 * with fewer than PACE_MIN_SAMPLES (p NULL: the default). */
double pace_wpm(const struct pace *p);
/* Minutes `words` words take at this reader's pace (p NULL: the default
 * pace).  The info screen's "time left in the story" and the status
 * line's "min left in chapter". */
double pace_time_left(const struct pace *p, size_t words);
/* "< 1 min", "14 min", "2 h 5 min" for a number of minutes (rounded up to
 * a whole minute) into buf; returns buf. */
const char *pace_format(double minutes, char *buf, size_t size);

/* The story's fold choice: 1 folded, 0 shown, -1 never chosen (the
 * config's default applies). */
int pace_fold_get(const struct pace *p, const char *id);
struct story;
struct library;
/* pace_fold_get for story st, as its bookmarks are found: the choice under
 * its id, else the newest one saved under one of its aliases (an id it had
 * before: struct story.alias) that is not another story's id in lib (lib
 * NULL: none is). */
int pace_fold_story(const struct pace *p, const struct story *st, const struct library *lib);
/* Remember the choice, made at `when` (seconds since the epoch). */
void pace_fold_set(struct pace *p, const char *id, bool folded, long long when);

/* Merge `from` into `into`: the union of their samples (one of each
 * (when, words, ms)), the newest PACE_KEEP kept; per story the newer fold
 * choice (on a tie, into's).  Sets into->dirty when into changed.  What
 * saving and a sync of two state folders both do. */
void pace_merge(struct pace *into, const struct pace *from);

/* The file's text of p (malloc'd, *len set). */
char *pace_format_file(const struct pace *p, size_t *len);
/* Parse a file's text into p (its samples and folds replaced).  0; -1 when
 * it cannot be read (p unchanged); 1 when a newer quire wrote it (p
 * unchanged). */
int pace_parse(struct pace *p, const char *data, size_t len);
/* The format a file's first line names (`quire-pace N`), 0 when none. */
unsigned long pace_file_version(const char *data, size_t len);

/* Write p to its file: lock, re-read, merge, replace, unlock.  Nothing
 * when nothing changed, in memory only, or read-only.  0 or -1 (p->warning
 * says why). */
int pace_save(struct pace *p);

#endif
