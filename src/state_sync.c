/* state_sync.c — the table of state files and the merging of other copies
 * of them: conflict copies at start, files given to --merge-state.  See
 * state_sync.h; docs/FORMATS.md ("Sync") has the rules. */
#include "state_sync.h"
#include "bookmarks.h"
#include "pace.h"
#include "seen.h"
#include "shelf.h"
#include "statefile.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- the search history: lines, no times ---------------------------------
 * (docs/FORMATS.md "Search history"; ui_history.c reads and writes it) */

#define HISTORY_MAX 100    /* lines kept, as ui_history.c keeps them */

/* The lines of [s, s+n) appended to *lines (pointers into s, lengths). */
struct lines {
    const char **p;
    size_t *len;
    size_t n, cap, cap_len;
};

static void lines_add(struct lines *l, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        const char *e = memchr(s + i, '\n', n - i);
        size_t end = e ? (size_t)(e - s) : n;
        size_t k = end - i;
        if (k && s[i + k - 1] == '\r')
            k--;
        bool have = k == 0;
        for (size_t j = 0; j < l->n && !have; j++)
            have = l->len[j] == k && memcmp(l->p[j], s + i, k) == 0;
        if (!have) {
            XGROW(l->p, l->cap, l->n + 1);
            XGROW(l->len, l->cap_len, l->n + 1);
            l->p[l->n] = s + i;
            l->len[l->n++] = k;
        }
        i = end + 1;
    }
}

/* a's searches, then b's that a does not have, the last HISTORY_MAX. */
static char *history_merge(const char *a, size_t alen, const char *b, size_t blen, size_t *len,
                           struct statefile_check *ca, struct statefile_check *cb)
{
    memset(ca, 0, sizeof *ca);
    memset(cb, 0, sizeof *cb);
    struct lines l = {0};
    if (a)
        lines_add(&l, a, alen);
    lines_add(&l, b, blen);
    struct buf o = {0};
    buf_add(&o, "", 0);
    for (size_t i = l.n > HISTORY_MAX ? l.n - HISTORY_MAX : 0; i < l.n; i++) {
        buf_add(&o, l.p[i], l.len[i]);
        buf_addc(&o, '\n');
    }
    free(l.p);
    free(l.len);
    *len = o.len;
    return o.data;
}

/* The seen-chapters record (seen.h): per story the union of chapters, per
 * chapter `seen` over `known`, then the later WHEN; a's record on a tie
 * (it is merged last). */
static char *seen_merge_files(const char *a, size_t alen, const char *b, size_t blen,
                              size_t *len, struct statefile_check *ca,
                              struct statefile_check *cb)
{
    memset(ca, 0, sizeof *ca);
    memset(cb, 0, sizeof *cb);
    size_t bad_a = 0, bad_b = 0;
    char *err = NULL;
    struct seen *sb = seen_parse(b, blen, &bad_b, &err);
    free(err);
    err = NULL;
    struct seen *sa = a ? seen_parse(a, alen, &bad_a, &err) : NULL;
    free(err);
    if (!sb || (a && !sa)) {
        struct statefile_check *c = !sb ? cb : ca;
        c->status = STATEFILE_UNREADABLE;
        c->why = "not a seen-chapters file this quire reads";
        seen_close(sa);
        seen_close(sb);
        return NULL;
    }
    ca->status = bad_a ? STATEFILE_SOME_BAD : STATEFILE_OK;
    ca->bad = bad_a;
    cb->status = bad_b ? STATEFILE_SOME_BAD : STATEFILE_OK;
    cb->bad = bad_b;
    if (sa)
        seen_merge(sb, sa);
    char *out = seen_format(sb, len);
    seen_close(sa);
    seen_close(sb);
    return out;
}

/* The reading pace (pace.h): the union of page-turn samples, per story the
 * newer fold choice (a's on a tie). */
static char *pace_merge_files(const char *a, size_t alen, const char *b, size_t blen,
                              size_t *len, struct statefile_check *ca,
                              struct statefile_check *cb)
{
    memset(ca, 0, sizeof *ca);
    memset(cb, 0, sizeof *cb);
    struct pace *pa = pace_new(), *pb = pace_new();
    int ra = a ? pace_parse(pa, a, alen) : 0;
    int rb = pace_parse(pb, b, blen);
    char *out = NULL;
    if (ra || rb) {
        struct statefile_check *c = rb ? cb : ca;
        c->status = (rb ? rb : ra) > 0 ? STATEFILE_NEWER : STATEFILE_UNREADABLE;
        c->version = rb ? pace_file_version(b, blen) : pace_file_version(a, alen);
        c->why = "not a pace file this quire reads";
    } else {
        pace_merge(pa, pb);
        out = pace_format_file(pa, len);
    }
    pace_free(pa);
    pace_free(pb);
    return out;
}

/* The library screen's sort and view (shelf.h): the newer choice, whole
 * (the later `when`; a's on a tie, and a's over one without a `when`). */
static char *library_view_merge(const char *a, size_t alen, const char *b, size_t blen,
                                size_t *len, struct statefile_check *ca,
                                struct statefile_check *cb)
{
    memset(ca, 0, sizeof *ca);
    memset(cb, 0, sizeof *cb);
    enum shelf_sort s = SHELF_BY_READ;
    enum shelf_view v = SHELF_ALL;
    long long wa = 0, wb = 0;
    int rb = shelf_prefs_parse(b, blen, &s, &v, &wb);
    int ra = a ? shelf_prefs_parse(a, alen, &s, &v, &wa) : 0;
    if (ra || rb) {
        struct statefile_check *c = rb ? cb : ca;
        int r = rb ? rb : ra;
        c->status = r > 0 ? STATEFILE_NEWER : STATEFILE_UNREADABLE;
        c->version = r > 0 ? (unsigned long)r : 0;
        c->why = "not a library-view file";
        return NULL;
    }
    time_t now = time(NULL);
    bool theirs =
        !a || statefile_clamp_when((time_t)wb, now) > statefile_clamp_when((time_t)wa, now);
    const char *src = theirs ? b : a;
    size_t n = theirs ? blen : alen;
    char *out = xmalloc(n + 1);
    memcpy(out, src, n);
    out[n] = '\0';
    *len = n;
    return out;
}

/* ---- the table ------------------------------------------------------------
 * A new state file is one row: its name in the folder, its magic word (the
 * first line's first word; NULL: known by name), its merge. */

struct state_kind {
    const char *name;
    const char *magic;
    statefile_merge_fn merge;
};

static const struct state_kind kinds[] = {
    {"bookmarks", "quire-bookmarks", bookmarks_merge_files},
    {"search-history", NULL, history_merge},
    {"seen", "quire-seen", seen_merge_files},
    {"pace", "quire-pace", pace_merge_files},
    {"library-view", "quire-library-view", library_view_merge},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

/* The kind whose magic word starts data (up to a space, tab or line end). */
static const struct state_kind *kind_of_data(const char *data, size_t len)
{
    size_t w = 0;
    while (w < len && data[w] != ' ' && data[w] != '\t' && data[w] != '\n' && data[w] != '\r')
        w++;
    for (size_t i = 0; i < N_KINDS; i++)
        if (kinds[i].magic && strlen(kinds[i].magic) == w && memcmp(data, kinds[i].magic, w) == 0)
            return &kinds[i];
    return NULL;
}

/* The kind without a magic word that a file's name names: NAME, or
 * NAME.anything (a conflict copy, a kept-aside file). */
static const struct state_kind *kind_of_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (size_t i = 0; i < N_KINDS; i++) {
        size_t nl = strlen(kinds[i].name);
        if (!kinds[i].magic && strncmp(base, kinds[i].name, nl) == 0 &&
            (base[nl] == '\0' || base[nl] == '.'))
            return &kinds[i];
    }
    return NULL;
}

/* ---- merging files into one ---------------------------------------------- */

enum outcome {
    OUT_SKIPPED,      /* not read (an error was reported) */
    OUT_MERGED,       /* merged whole */
    OUT_MERGED_BAD,   /* merged, some lines unreadable */
    OUT_UNREADABLE,   /* not merged: unreadable */
    OUT_NEWER,        /* not merged: a newer format */
};

/* Read a state file: its bytes (malloc'd), NULL when missing (*missing)
 * or unreadable (*err). */
static char *read_state(const char *path, size_t *len, bool *missing, char **err)
{
    *missing = false;
    char *data = read_file_max(path, READ_FILE_MAX, len, err);
    if (!data && errno == ENOENT) {
        *missing = true;
        free(*err);
        *err = NULL;
    }
    return data;
}

/* Merge the files src[0..n) into `target`, a file of kind k: out[i] says
 * what became of src[i], chk[i] its reading.  The target is repaired as
 * the bookmark store does (an unreadable one moved aside, one with bad
 * lines copied aside first) and written atomically when anything was
 * merged.  0, or -1 when the target cannot be read or written (reported;
 * nothing counts as merged then). */
static int merge_into(const struct state_kind *k, const char *target, char *const *src, size_t n,
                      enum outcome *out, struct statefile_check *chk, struct diag_sink *sink)
{
    char *err = NULL;
    size_t curlen = 0;
    bool missing;
    char *cur = read_state(target, &curlen, &missing, &err);
    if (!cur && !missing) {
        diag_report(sink, DIAG_WARNING, "%s; not merged", err);
        free(err);
        return -1;
    }
    bool first = true, write = false;
    for (size_t i = 0; i < n; i++) {
        out[i] = OUT_SKIPPED;
        size_t len;
        bool gone;
        char *data = read_state(src[i], &len, &gone, &err);
        if (!data) {
            diag_report(sink, DIAG_WARNING, "%s", err ? err : src[i]);
            free(err);
            err = NULL;
            continue;
        }
        struct statefile_check ca;
        size_t olen = 0;
        char *merged = k->merge(cur, curlen, data, len, &olen, &ca, &chk[i]);
        if (first && cur && ca.status != STATEFILE_OK) {
            /* The target itself: kept aside as the bookmark store does. */
            if (ca.status == STATEFILE_NEWER) {
                diag_report(sink, DIAG_WARNING, "%s: written by a newer quire (format %lu); "
                            "not merged", target, ca.version);
                free(merged);
                free(data);
                free(cur);
                return -1;
            }
            char *to = statefile_keep_aside(target, NULL,
                                            ca.status == STATEFILE_UNREADABLE ? NULL : cur,
                                            curlen, &err);
            if (!to) {
                diag_report(sink, DIAG_WARNING, "%s: cannot be read whole, nor kept aside (%s); "
                            "not merged", target, err);
                free(err);
                free(merged);
                free(data);
                free(cur);
                return -1;
            }
            if (ca.status == STATEFILE_UNREADABLE)
                diag_report(sink, DIAG_WARNING, "%s: unreadable, kept as %s", target, to);
            else
                diag_report(sink, DIAG_WARNING, "%s:%zu: %zu unreadable line%s skipped, whole "
                            "file kept as %s", target, ca.first_bad, ca.bad,
                            ca.bad == 1 ? "" : "s", to);
            free(to);
            write = true;
            if (ca.status == STATEFILE_UNREADABLE) {
                free(cur);
                cur = NULL;
                curlen = 0;
                free(merged);
                merged = k->merge(NULL, 0, data, len, &olen, &ca, &chk[i]);
            }
        }
        first = false;
        free(data);
        if (!merged) {
            out[i] = chk[i].status == STATEFILE_NEWER ? OUT_NEWER : OUT_UNREADABLE;
            continue;
        }
        out[i] = chk[i].status == STATEFILE_SOME_BAD ? OUT_MERGED_BAD : OUT_MERGED;
        free(cur);
        cur = merged;
        curlen = olen;
        write = true;
    }
    int ret = 0;
    if (write && cur) {
        char *to = link_target(target, &err);
        if (!to || write_file_atomic(to, cur, curlen, &err) != 0) {
            diag_report(sink, DIAG_WARNING, "%s; not merged", err);
            for (size_t i = 0; i < n; i++)
                if (out[i] == OUT_MERGED || out[i] == OUT_MERGED_BAD)
                    out[i] = OUT_SKIPPED;
            ret = -1;
        }
        free(to);
    }
    free(err);
    free(cur);
    return ret;
}

/* ---- conflict copies at start --------------------------------------------- */

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in the folders state_sync_copies looked at, each folder read
 * once (the kinds' files are usually in one folder: it was read once per
 * kind).  Merging one kind's copies adds and removes only files whose
 * names begin with that kind's name, which are no other kind's copies. */
struct folder_names {
    char *dir;          /* NULL: an unused slot */
    char **name;        /* NULL when the folder could not be read */
    size_t n;
    bool ok;
};

/* The names in `dir`, from `seen` (N_KINDS slots) or read now. */
static const struct folder_names *folder_names(struct folder_names *seen, const char *dir)
{
    size_t i = 0;
    for (; i < N_KINDS && seen[i].dir; i++)
        if (strcmp(seen[i].dir, dir) == 0)
            return &seen[i];
    if (i == N_KINDS)
        i = N_KINDS - 1;   /* never: one folder a kind at most */
    struct folder_names *f = &seen[i];
    size_t cap = 0;
    for (size_t k = 0; k < f->n; k++)
        free(f->name[k]);
    free(f->name);
    free(f->dir);
    *f = (struct folder_names){xstrdup(dir), NULL, 0, false};
    DIR *d = opendir(dir);
    if (!d)
        return f;
    f->ok = true;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        XGROW(f->name, cap, f->n + 1);
        f->name[f->n++] = xstrdup(e->d_name);
    }
    closedir(d);
    return f;
}

static void folder_names_free(struct folder_names *seen)
{
    for (size_t i = 0; i < N_KINDS; i++) {
        for (size_t k = 0; k < seen[i].n; k++)
            free(seen[i].name[k]);
        free(seen[i].name);
        free(seen[i].dir);
    }
}

/* The conflict copies of DIR/NAME, sorted (malloc'd paths; *n of them). */
static char **find_copies(struct folder_names *seen, const char *dir, const char *name,
                          size_t *n)
{
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    const struct folder_names *f = folder_names(seen, dir);
    if (!f->ok)
        return NULL;
    for (size_t i = 0; i < f->n; i++)
        if (statefile_is_conflict(f->name[i], name)) {
            XGROW(v, cap, *n + 1);
            v[(*n)++] = xasprintf("%s/%s", dir, f->name[i]);
        }
    if (*n > 1)
        qsort(v, *n, sizeof *v, cmp_path);
    return v;
}

static size_t sync_kind(struct folder_names *seen, const char *dir, const struct state_kind *k,
                        struct diag_sink *sink)
{
    /* The copies lie beside the file the sync tool sees: when DIR/NAME is
     * a symbolic link into a synced folder, beside the file it names. */
    char *target = xasprintf("%s/%s", dir, k->name);
    char *err = NULL;
    char *real = link_target(target, &err);
    free(err);
    err = NULL;
    if (!real)
        real = xstrdup(target);
    char *slash = strrchr(real, '/');
    char *folder = slash ? xstrndup(real, (size_t)(slash - real)) : xstrdup(".");
    size_t n;
    char **copies = find_copies(seen, folder[0] ? folder : "/", slash ? slash + 1 : real, &n);
    free(folder);
    if (n == 0) {
        free(real);
        free(target);
        return 0;
    }
    size_t merged = 0;
    int lk = statefile_lock(dir, k->name, &err);
    if (lk < 0) {
        diag_report(sink, DIAG_WARNING, "%s; conflict copies not merged", err);
        free(err);
        err = NULL;
    } else {
        enum outcome *out = xcalloc(n, sizeof *out);
        struct statefile_check *chk = xcalloc(n, sizeof *chk);
        merge_into(k, target, copies, n, out, chk, sink);
        /* Only now, with the merged file written and synced: the copies go. */
        for (size_t i = 0; i < n; i++) {
            char *to = NULL;
            if (out[i] == OUT_MERGED) {
                if (unlink(copies[i]) == 0)
                    merged++;
                continue;
            }
            if (out[i] == OUT_MERGED_BAD || out[i] == OUT_UNREADABLE)
                to = statefile_keep_aside(copies[i], real, NULL, 0, &err);
            if (out[i] == OUT_MERGED_BAD) {
                merged++;
                diag_report(sink, DIAG_WARNING, "%s:%zu: %zu unreadable line%s skipped, the "
                            "rest merged; whole copy kept as %s", copies[i], chk[i].first_bad,
                            chk[i].bad, chk[i].bad == 1 ? "" : "s", to ? to : copies[i]);
            } else if (out[i] == OUT_UNREADABLE) {
                diag_report(sink, DIAG_WARNING, "%s: unreadable conflict copy (%s), kept as %s",
                            copies[i], chk[i].why ? chk[i].why : "?", to ? to : copies[i]);
            } else if (out[i] == OUT_NEWER) {
                diag_report(sink, DIAG_WARNING, "%s: written by a newer quire (format %lu); "
                            "left as it is", copies[i], chk[i].version);
            }
            free(to);
            free(err);
            err = NULL;
        }
        free(out);
        free(chk);
        close(lk);
    }
    for (size_t i = 0; i < n; i++)
        free(copies[i]);
    free(copies);
    free(real);
    free(target);
    return merged;
}

size_t state_sync_copies(const char *dir, struct diag_sink *sink)
{
    char *own = dir ? NULL : xdg_dir("STATE");
    const char *d = dir ? dir : own;
    size_t merged = 0;
    struct folder_names seen[N_KINDS] = {{0}};
    for (size_t i = 0; d && i < N_KINDS; i++)
        merged += sync_kind(seen, d, &kinds[i], sink);
    folder_names_free(seen);
    free(own);
    return merged;
}

/* ---- --merge-state ---------------------------------------------------------- */

/* The kind of the file at path (reported when it has none): by its first
 * line, else by its name. */
static const struct state_kind *kind_of_file(const char *path, struct diag_sink *sink)
{
    size_t len;
    char *err = NULL;
    char *data = read_file_max(path, READ_FILE_MAX, &len, &err);
    if (!data) {
        diag_report(sink, DIAG_ERROR, "%s", err);
        free(err);
        return NULL;
    }
    const struct state_kind *k = kind_of_data(data, len);
    free(data);
    if (!k)
        k = kind_of_name(path);
    if (!k)
        diag_report(sink, DIAG_ERROR, "%s: not a quire state file (its first line names no kind)",
                    path);
    return k;
}

int state_sync_merge(const char *dir, const char *into, char *const *files, size_t n,
                     struct diag_sink *sink)
{
    int errors = diag_total(sink);
    char *own = dir || into ? NULL : xdg_dir("STATE");
    const char *d = dir ? dir : own;
    if (!d && !into) {
        diag_report(sink, DIAG_ERROR, "no state folder ($XDG_STATE_HOME and $HOME are unset)");
        return 1;
    }
    const struct state_kind *into_kind = NULL;
    if (into && access(into, F_OK) == 0 && !(into_kind = kind_of_file(into, sink))) {
        free(own);
        return 1;
    }
    /* One kind at a time: its files together, under its lock. */
    const struct state_kind **kind = xcalloc(n + 1, sizeof *kind);
    for (size_t i = 0; i < n; i++) {
        kind[i] = kind_of_file(files[i], sink);
        if (kind[i] && into_kind && kind[i] != into_kind) {
            diag_report(sink, DIAG_ERROR, "%s: a %s file cannot be merged into %s (%s)", files[i],
                        kind[i]->name, into, into_kind->name);
            kind[i] = NULL;
        }
        if (kind[i] && into && !into_kind)
            into_kind = kind[i];
    }
    char **group = xcalloc(n + 1, sizeof *group);
    enum outcome *out = xcalloc(n + 1, sizeof *out);
    struct statefile_check *chk = xcalloc(n + 1, sizeof *chk);
    for (size_t ki = 0; ki < N_KINDS; ki++) {
        const struct state_kind *k = &kinds[ki];
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (kind[i] == k)
                group[m++] = files[i];
        if (m == 0)
            continue;
        char *err = NULL;
        int lk = -1;
        char *target;
        if (into) {
            target = xstrdup(into);
        } else {
            target = xasprintf("%s/%s", d, k->name);
            if ((lk = statefile_lock(d, k->name, &err)) < 0) {
                diag_report(sink, DIAG_ERROR, "%s; not merged", err);
                free(err);
                free(target);
                continue;
            }
        }
        merge_into(k, target, group, m, out, chk, sink);
        for (size_t i = 0; i < m; i++) {
            if (out[i] == OUT_MERGED_BAD)
                diag_report(sink, DIAG_ERROR, "%s:%zu: %zu unreadable line%s skipped, the rest "
                            "merged", group[i], chk[i].first_bad, chk[i].bad,
                            chk[i].bad == 1 ? "" : "s");
            else if (out[i] == OUT_UNREADABLE)
                diag_report(sink, DIAG_ERROR, "%s: unreadable %s file (%s); not merged", group[i],
                            k->name, chk[i].why ? chk[i].why : "?");
            else if (out[i] == OUT_NEWER)
                diag_report(sink, DIAG_ERROR, "%s: written by a newer quire (format %lu); not "
                            "merged", group[i], chk[i].version);
        }
        if (lk >= 0)
            close(lk);
        free(target);
    }
    free(group);
    free(out);
    free(chk);
    free(kind);
    free(own);
    return diag_total(sink) > errors ? 1 : 0;
}
