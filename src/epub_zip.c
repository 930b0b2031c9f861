/* epub_zip.c — the EPUB reader's zip container, read in memory with
 * libarchive (epub_int.h: ezip_*).
 *
 * ezip_open walks the archive once with libarchive's seekable zip reader
 * (the one that reads the central directory) and keeps each entry's name,
 * declared size, encryption and where its data starts (bytes into the
 * archive), in the order libarchive gives them (by local header offset).
 * When a local header is damaged (the seekable reader reads them all) the
 * streamable reader walks instead, stepping over it.  Names go into one
 * hash table, by the name with ASCII letters folded (exact matches first).
 *
 * ezip_read reads one entry without walking again: a second libarchive
 * reader, the streamable one, is opened on the archive's bytes from the
 * entry's local header on.  Where that header starts is the nearest
 * "PK\3\4" before the data that libarchive itself confirms: read from
 * there, it names the same entry and puts its data at the same byte.
 * When no place is confirmed (of the first EZIP_TRIES tried), or the
 * streamable reading fails or gives another size than the directory
 * declares (a stored entry whose size is only in a data descriptor), the
 * entry is read through a seekable walk instead, which goes on from the
 * last such read when it can.  Either way the data is inflated into memory through a
 * bounded loop (EZIP_ENTRY_MAX, EZIP_RATIO_MAX past EZIP_RATIO_FROM,
 * EZIP_TOTAL_MAX) that never trusts the sizes the archive declares.
 * Nothing is written to disk, and a name is only a key: `../x` or `/x`
 * is looked up like any other and never extracted. */
#include "epub_int.h"
#include "util.h"

#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

/* Limits on what one EPUB may make us inflate (bytes). */
#define EZIP_ENTRY_MAX   ((uint64_t)64 << 20)   /* one entry, inflated */
#define EZIP_RATIO_FROM  ((uint64_t)1 << 20)    /* ratio checked past this */
#define EZIP_RATIO_MAX   100                     /* inflated : compressed */
#define EZIP_TOTAL_MAX   ((uint64_t)512 << 20)  /* all entries read */
#define EZIP_ENTRIES_MAX 100000                  /* entries in the directory */
/* A local header: 30 bytes, then the name and the extra field (each at
 * most 65,535 bytes). */
#define EZIP_LOCAL_MIN   30
#define EZIP_LOCAL_MAX   (30 + 2 * 65535)
/* "PK\3\4"s tried as an entry's local header before it is walked to
 * instead (a name or extra field full of them costs no more). */
#define EZIP_TRIES       8

struct ezip_entry {
    size_t name;        /* offset of its NUL-terminated name in z->names */
    size_t name_len;    /* bytes */
    uint64_t data;      /* where its data starts, bytes into the archive */
    uint64_t size;      /* inflated, as the directory declares */
    uint64_t local;     /* where its local header starts, once found; 0 */
    bool size_set;
    bool local_set;
    bool encrypted;
};

/* ---------------------------------------------------------------------- */
/* Names                                                                   */

/* FNV-1a of the name (n bytes) with ASCII letters folded. */
static uint32_t name_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        h = (h ^ c) * 16777619u;
    }
    return h;
}

/* Are a and b (n bytes each) the same name, ASCII case ignored? */
static bool name_eq_folded(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

/* One table of every entry (z->slots: z->n_slots of them, a power of
 * two at least twice the entries; a slot holds an entry index + 1, 0 when
 * empty), by the hash of its name with ASCII letters folded, linear
 * probing, filled in entry order.  Entries whose names fold alike start
 * at the same slot, so along that probe run they lie in the order of
 * their indices: the first exact match met is the first entry of that
 * name, and the first folded match the first entry of that folded name.
 * (Two tables, exact and folded, cost twice the hashing: 1.7 million
 * instructions at 3,242 entries.) */
static void index_names(struct epub_zip *z)
{
    size_t ns = 16;
    while (ns < 2 * z->n_e)
        ns *= 2;
    z->n_slots = ns;
    z->slots = xcalloc(ns, sizeof *z->slots);
    for (size_t i = 0; i < z->n_e; i++) {
        size_t s = name_hash(z->names + z->e[i].name, z->e[i].name_len) & (ns - 1);
        while (z->slots[s])
            s = (s + 1) & (ns - 1);
        z->slots[s] = (uint32_t)(i + 1);
    }
}

/* An entry's name as libarchive gives it for the locale: the zip's own
 * bytes for a name it does not mark UTF-8, the name in the locale's
 * encoding for one it does (NULL when the locale cannot hold it: ezip_open
 * walks again under C.UTF-8).  Not archive_entry_pathname_utf8: under "C"
 * it opens an iconv for every name (19M instructions for 3,242 names). */
static const char *entry_name(struct archive_entry *ae)
{
    return archive_entry_pathname(ae);
}

/* libarchive's error for a, on one line (some end with a line feed), in
 * buf[0, size). */
static const char *why(struct archive *a, char *buf, size_t size)
{
    const char *s = archive_error_string(a);
    snprintf(buf, size, "%s", s && *s ? s : "unknown error");
    size_t n = strlen(buf);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)buf[i] < ' ')
            buf[i] = ' ';
    while (n && buf[n - 1] == ' ')
        buf[--n] = '\0';
    return buf;
}

/* ---------------------------------------------------------------------- */
/* The directory                                                           */

/* A reader of bytes[0, n) with the seekable zip format; NULL (*err set)
 * when libarchive cannot open it. */
static struct archive *open_seekable(const void *bytes, size_t n, char **err)
{
    char wb[256];
    struct archive *a = archive_read_new();
    if (!a) {
        set_err(err, "cannot read the zip archive: out of memory");
        return NULL;
    }
    archive_read_support_format_zip_seekable(a);
    if (archive_read_open_memory(a, bytes, n) != ARCHIVE_OK) {
        bool pk = n >= 4 && memcmp(bytes, "PK\3\4", 4) == 0;
        if (pk)
            set_err(err, "damaged zip archive (truncated?): %s", why(a, wb, sizeof wb));
        else
            set_err(err, "not a zip archive");
        archive_read_free(a);
        return NULL;
    }
    return a;
}

/* One walk of z's archive into z->e and z->names (what was there
 * before is let go): with the seekable reader, or with the streamable
 * one (`stream`), which reads the local headers one after another and
 * steps over what is not one.  1 done; 0 when libarchive cannot open the
 * archive, -1 when it stopped at a damaged entry (*err set for both; the
 * entries before it are kept).  *unnamed set when some name could not be
 * converted for the current locale (libarchive gives no name then). */
static int walk(struct epub_zip *z, bool stream, bool *unnamed, char **err)
{
    char wb[256];
    z->n_e = 0;
    struct archive *a;
    if (stream) {
        a = archive_read_new();
        if (!a)
            return 0;
        archive_read_support_format_zip_streamable(a);
        if (archive_read_open_memory(a, z->bytes, z->n) != ARCHIVE_OK) {
            set_err(err, "damaged zip archive (truncated?): %s", why(a, wb, sizeof wb));
            archive_read_free(a);
            return 0;
        }
    } else if (!(a = open_seekable(z->bytes, z->n, err))) {
        return 0;
    }
    size_t cap = 0, names_cap = 0, names_len = 0;
    int rc = 1;
    for (;;) {
        struct archive_entry *ae;
        int r = archive_read_next_header(a, &ae);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            set_err(err, "damaged zip archive (truncated?): %s", why(a, wb, sizeof wb));
            rc = -1;
            break;
        }
        if (z->n_e == EZIP_ENTRIES_MAX) {
            set_err(err, "zip archive with more than %d entries: refused", EZIP_ENTRIES_MAX);
            rc = 0;
            break;
        }
        const char *nm = entry_name(ae);
        if (!nm) {
            *unnamed = true;
            nm = "";
        }
        size_t len = strlen(nm);
        if (names_cap - names_len < len + 1) {
            names_cap = (names_cap + len + 1) * 2;
            z->names = xrealloc(z->names, names_cap);
        }
        memcpy(z->names + names_len, nm, len + 1);
        if (z->n_e == cap) {
            cap = cap ? cap * 2 : 64;
            z->e = xreallocarray(z->e, cap, sizeof *z->e);
        }
        struct ezip_entry *e = &z->e[z->n_e++];
        memset(e, 0, sizeof *e);
        e->name = names_len;
        e->name_len = len;
        names_len += len + 1;
        e->data = (uint64_t)archive_filter_bytes(a, 0);
        e->size_set = archive_entry_size_is_set(ae);
        e->size = e->size_set ? (uint64_t)archive_entry_size(ae) : 0;
        e->encrypted = archive_entry_is_encrypted(ae);
    }
    archive_read_free(a);
    return rc;
}

/* The directory, z->bytes read: the seekable walk; when it stops at a
 * damaged local header (an image nobody reads, say: libzip, which read
 * only the central directory, never saw it), the streamable walk, which
 * steps over it, as far as it goes.  1, 0 or -1 as walk. */
static int read_directory(struct epub_zip *z, bool *unnamed, char **err)
{
    char *e1 = NULL;
    int r = walk(z, false, unnamed, &e1);
    if (r < 0) {
        char *e2 = NULL;
        if (walk(z, true, unnamed, &e2) != 0 && z->n_e > 0)
            r = 1;
        free(e2);
    }
    if (r <= 0)
        set_err(err, "%s", e1 ? e1 : "damaged zip archive");
    free(e1);
    return r;
}

bool ezip_open(const void *bytes, size_t n, struct epub_zip *z, char **err)
{
    memset(z, 0, sizeof *z);
    if (n < 22) {   /* not even an end of central directory */
        bool pk = n >= 4 && memcmp(bytes, "PK\3\4", 4) == 0;
        if (pk)
            set_err(err, "damaged zip archive (truncated?): %zu bytes", n);
        else
            set_err(err, "not a zip archive");
        return false;
    }
    z->bytes = bytes;
    z->n = n;
    bool unnamed = false;
    int r = read_directory(z, &unnamed, err);
    if (r > 0 && unnamed) {
        /* A name libarchive would not convert for the locale (a UTF-8
         * name under "C"): walk again under C.UTF-8, and read under it. */
        z->loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
        if (z->loc) {
            locale_t old = uselocale(z->loc);
            r = read_directory(z, &unnamed, err);
            uselocale(old);
        }
    }
    if (r <= 0) {
        ezip_close(z);
        return false;
    }
    index_names(z);
    return true;
}

void ezip_close(struct epub_zip *z)
{
    if (z->loc)
        freelocale(z->loc);
    if (z->walker)
        archive_read_free(z->walker);
    free(z->e);
    free(z->names);
    free(z->slots);
    memset(z, 0, sizeof *z);
}

long ezip_find(const struct epub_zip *z, const char *name)
{
    if (!z->n_slots)
        return -1;
    size_t n = strlen(name), mask = z->n_slots - 1;
    long folded = -1;
    for (size_t s = name_hash(name, n) & mask; z->slots[s]; s = (s + 1) & mask) {
        long i = (long)z->slots[s] - 1;
        const struct ezip_entry *e = &z->e[i];
        if (e->name_len != n || !name_eq_folded(z->names + e->name, name, n))
            continue;
        if (memcmp(z->names + e->name, name, n) == 0)
            return i;   /* the first entry of this exact name */
        if (folded < 0)
            folded = i;   /* the first of this folded name */
    }
    return folded;
}

size_t ezip_count(const struct epub_zip *z)
{
    return z->n_e;
}

const char *ezip_name(const struct epub_zip *z, size_t i)
{
    return i < z->n_e ? z->names + z->e[i].name : NULL;
}

/* ---------------------------------------------------------------------- */
/* One entry                                                               */

/* The compressed bytes entry i may hold, at most: from its data to the
 * next entry's local header (or the archive's end).  The ratio check's
 * denominator: a little more than the entry's own (a data descriptor, the
 * next header's extra field, after the last entry the central directory). */
static uint64_t comp_bound(const struct epub_zip *z, size_t i)
{
    const struct ezip_entry *e = &z->e[i];
    uint64_t end = z->n;
    if (i + 1 < z->n_e) {
        const struct ezip_entry *x = &z->e[i + 1];
        uint64_t lim = EZIP_LOCAL_MIN + (uint64_t)x->name_len;
        if (x->data >= lim && x->data - lim >= e->data)
            end = x->data - lim;
    }
    return end > e->data ? end - e->data : 0;
}

/* The data of the entry a stands at (called `name` in errors), inflated
 * into a malloc'd buffer with a NUL after it (*out, *len).  1 read, -1 on
 * a zip bomb, -2 on a damaged entry (*err set for both). */
static int read_data(struct epub_zip *z, struct archive *a, const char *name, uint64_t comp,
                     char **out, size_t *len, char **err)
{
    char wb[256];
    size_t cap = 0, n = 0;
    char *buf = NULL;
    for (;;) {
        if (cap - n < 2) {
            size_t ncap = cap ? cap * 2 : 16384;
            if (ncap > EZIP_ENTRY_MAX + 2)
                ncap = EZIP_ENTRY_MAX + 2;
            buf = xrealloc(buf, ncap);
            cap = ncap;
        }
        la_ssize_t got = archive_read_data(a, buf + n, cap - n - 1);
        if (got < 0) {
            set_err(err, "damaged zip entry %s: %s", name, why(a, wb, sizeof wb));
            free(buf);
            return -2;
        }
        if (got == 0) {
            buf[n] = '\0';
            *out = buf;
            *len = n;
            return 1;
        } else if ((n += (size_t)got) > EZIP_ENTRY_MAX) {
            set_err(err, "zip bomb: %s inflates past %llu MiB: refused", name,
                    (unsigned long long)(EZIP_ENTRY_MAX >> 20));
        } else if (n > EZIP_RATIO_FROM && (comp == 0 || n / comp > EZIP_RATIO_MAX)) {
            set_err(err, "zip bomb: %s inflates more than %d times its size: refused", name,
                    EZIP_RATIO_MAX);
        } else if (z->inflated + n > EZIP_TOTAL_MAX) {
            set_err(err, "zip bomb: entries inflate past %llu MiB in all: refused",
                    (unsigned long long)(EZIP_TOTAL_MAX >> 20));
        } else {
            continue;
        }
        free(buf);
        return -1;
    }
}

/* A streamable reader standing at the data of entry i, its local header
 * at `at`: NULL when libarchive does not read there the entry's name with
 * its data at the entry's place. */
static struct archive *open_streamable_at(const struct epub_zip *z, size_t i, uint64_t at)
{
    const struct ezip_entry *e = &z->e[i];
    struct archive *a = archive_read_new();
    if (!a)
        return NULL;
    archive_read_support_format_zip_streamable(a);
    struct archive_entry *ae;
    if (archive_read_open_memory(a, z->bytes + at, (size_t)(z->n - at)) == ARCHIVE_OK &&
        archive_read_next_header(a, &ae) >= ARCHIVE_WARN) {
        const char *nm = entry_name(ae);
        if (nm && strcmp(nm, z->names + e->name) == 0 &&
            (uint64_t)archive_filter_bytes(a, 0) == e->data - at)
            return a;
    }
    archive_read_free(a);
    return NULL;
}

/* Entry i (asked for as `name`) through a streamable reader at its local
 * header: 1 read, 0 when it cannot be read that way (nothing set: a
 * damaged entry is read again by a walk, which says what is wrong), -1
 * on a zip bomb (*err set). */
static int read_streamed(struct epub_zip *z, size_t i, const char *name, uint64_t comp,
                         char **out, size_t *len, char **err)
{
    struct ezip_entry *e = &z->e[i];
    struct archive *a = NULL;
    if (e->local_set) {
        a = open_streamable_at(z, i, e->local);
    } else if (e->data >= EZIP_LOCAL_MIN) {
        uint64_t lo = e->data > EZIP_LOCAL_MAX ? e->data - EZIP_LOCAL_MAX : 0;
        if (i > 0 && z->e[i - 1].data > lo)
            lo = z->e[i - 1].data;
        int tries = 0;
        for (uint64_t p = e->data - EZIP_LOCAL_MIN + 1; p-- > lo && !a && tries < EZIP_TRIES;) {
            if (z->bytes[p] == 'P' && memcmp(z->bytes + p, "PK\3\4", 4) == 0) {
                tries++;
                if ((a = open_streamable_at(z, i, p)) != NULL) {
                    e->local = p;
                    e->local_set = true;
                }
            }
        }
    }
    if (!a)
        return 0;
    char *e_err = NULL;
    int r = read_data(z, a, name, comp, out, len, &e_err);
    archive_read_free(a);
    if (r > 0 && e->size_set && *len != e->size) {
        free(*out);
        *out = NULL;
        return 0;
    }
    if (r == -1)
        set_err(err, "%s", e_err);
    free(e_err);
    return r == -2 ? 0 : r;
}

/* Entry i (asked for as `name`) through a seekable walk: z's walker goes
 * on from where it stopped when entry i's data is ahead of it, else a
 * new one starts from the first entry (so a book read in the zip's order
 * is walked once).  1 read, -1 on an error (*err set). */
static int read_walked(struct epub_zip *z, size_t i, const char *name, uint64_t comp, char **out,
                       size_t *len, char **err)
{
    char wb[256];
    uint64_t want = z->e[i].data;
    if (z->walker && z->walk_data >= want) {
        archive_read_free(z->walker);
        z->walker = NULL;
    }
    if (!z->walker) {
        char *e_err = NULL;
        z->walker = open_seekable(z->bytes, z->n, &e_err);
        z->walk_data = 0;
        if (!z->walker) {
            set_err(err, "damaged zip entry %s: %s", name, e_err);
            free(e_err);
            return -1;
        }
    }
    struct archive *a = z->walker;
    for (;;) {
        struct archive_entry *ae;
        int h = archive_read_next_header(a, &ae);
        if (h < ARCHIVE_WARN) {
            set_err(err, "damaged zip entry %s: %s", name,
                    h == ARCHIVE_EOF ? "not found again" : why(a, wb, sizeof wb));
            break;
        }
        z->walk_data = (uint64_t)archive_filter_bytes(a, 0);
        if (z->walk_data > want) {
            set_err(err, "damaged zip entry %s: not found again", name);
            return -1;   /* the walker can go on for a later entry */
        }
        if (z->walk_data == want) {
            int r = read_data(z, a, name, comp, out, len, err);
            if (r > 0)
                return 1;
            if (r == -1)   /* a zip bomb: the walker can go on */
                return -1;
            break;
        }
    }
    archive_read_free(a);
    z->walker = NULL;
    return -1;
}

int ezip_read(struct epub_zip *z, const char *name, char **out, size_t *len, char **err)
{
    long idx = ezip_find(z, name);
    if (idx < 0)
        return 0;
    size_t i = (size_t)idx;
    if (z->e[i].encrypted) {
        set_err(err, "DRM-protected: cannot be read (%s is encrypted)", name);
        return -1;
    }
    uint64_t comp = comp_bound(z, i);
    locale_t old = z->loc ? uselocale(z->loc) : (locale_t)0;
    int r = read_streamed(z, i, name, comp, out, len, err);
    if (r == 0)
        r = read_walked(z, i, name, comp, out, len, err);
    if (z->loc)
        uselocale(old);
    if (r > 0)
        z->inflated += *len;
    return r;
}
