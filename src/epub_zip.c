/* epub_zip.c — the EPUB reader's zip container, read in memory with
 * libzip (epub_int.h: ezip_*).  Nothing is extracted to disk: entries are
 * inflated into memory through a bounded loop (EZIP_ENTRY_MAX,
 * EZIP_RATIO_MAX past EZIP_RATIO_FROM, EZIP_TOTAL_MAX) that never trusts
 * the sizes the archive declares. */
#include "epub_int.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

/* Limits on what one EPUB may make us inflate (bytes). */
#define EZIP_ENTRY_MAX   ((uint64_t)64 << 20)   /* one entry, inflated */
#define EZIP_RATIO_FROM  ((uint64_t)1 << 20)    /* ratio checked past this */
#define EZIP_RATIO_MAX   100                     /* inflated : compressed */
#define EZIP_TOTAL_MAX   ((uint64_t)512 << 20)  /* all entries read */
#define EZIP_ENTRIES_MAX 100000                  /* entries in the directory */
bool ezip_open(const void *bytes, size_t n, struct epub_zip *z, char **err)
{
    memset(z, 0, sizeof *z);
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(n ? bytes : "", n, 0, &ze);
    if (!src) {
        set_err(err, "cannot read the zip archive: %s", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return false;
    }
    z->za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!z->za) {
        int code = zip_error_code_zip(&ze);
        bool pk = n >= 4 && memcmp(bytes, "PK\3\4", 4) == 0;
        if (code == ZIP_ER_NOZIP && !pk)
            set_err(err, "not a zip archive");
        else if (code == ZIP_ER_NOZIP || code == ZIP_ER_INCONS || code == ZIP_ER_EOF ||
                 code == ZIP_ER_SEEK || code == ZIP_ER_READ)
            set_err(err, "damaged zip archive (truncated?): %s", zip_error_strerror(&ze));
        else
            set_err(err, "cannot open the zip archive: %s", zip_error_strerror(&ze));
        zip_source_free(src);
        zip_error_fini(&ze);
        return false;
    }
    zip_error_fini(&ze);
    zip_int64_t ne = zip_get_num_entries(z->za, 0);
    if (ne == 0 && n < 22) {
        /* libzip opens nothing at all as an empty archive. */
        set_err(err, "not a zip archive");
        zip_discard(z->za);
        z->za = NULL;
        return false;
    }
    if (ne < 0 || ne > EZIP_ENTRIES_MAX) {
        set_err(err, "zip archive with %lld entries: refused (at most %d)", (long long)ne,
                EZIP_ENTRIES_MAX);
        zip_discard(z->za);
        z->za = NULL;
        return false;
    }
    return true;
}

void ezip_close(struct epub_zip *z)
{
    if (z->za)
        zip_discard(z->za);
    z->za = NULL;
}

long ezip_find(const struct epub_zip *z, const char *name)
{
    zip_int64_t i = zip_name_locate(z->za, name, 0);
    if (i < 0)
        i = zip_name_locate(z->za, name, ZIP_FL_NOCASE);
    return i;
}

int ezip_read(struct epub_zip *z, const char *name, char **out, size_t *len, char **err)
{
    long idx = ezip_find(z, name);
    if (idx < 0)
        return 0;
    zip_stat_t st;
    zip_stat_init(&st);
    uint64_t comp = 0;
    if (zip_stat_index(z->za, (zip_uint64_t)idx, 0, &st) == 0 && (st.valid & ZIP_STAT_COMP_SIZE))
        comp = st.comp_size;
    zip_file_t *f = zip_fopen_index(z->za, (zip_uint64_t)idx, 0);
    if (!f) {
        zip_error_t *ze = zip_get_error(z->za);
        int code = zip_error_code_zip(ze);
        if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP)
            set_err(err, "DRM-protected: cannot be read (%s is encrypted)", name);
        else
            set_err(err, "damaged zip entry %s: %s", name, zip_error_strerror(ze));
        return -1;
    }
    size_t cap = 0, n = 0;
    char *buf = NULL;
    int rc = 1;
    for (;;) {
        if (cap - n < 2) {
            size_t ncap = cap ? cap * 2 : 16384;
            if (ncap > EZIP_ENTRY_MAX + 2)
                ncap = EZIP_ENTRY_MAX + 2;
            buf = xrealloc(buf, ncap);
            cap = ncap;
        }
        zip_int64_t got = zip_fread(f, buf + n, cap - n - 1);
        if (got < 0) {
            set_err(err, "damaged zip entry %s: %s", name, zip_file_strerror(f));
            rc = -1;
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > EZIP_ENTRY_MAX) {
            set_err(err, "zip bomb: %s inflates past %llu MiB: refused", name,
                    (unsigned long long)(EZIP_ENTRY_MAX >> 20));
            rc = -1;
            break;
        }
        if (n > EZIP_RATIO_FROM && (comp == 0 || n / comp > EZIP_RATIO_MAX)) {
            set_err(err, "zip bomb: %s inflates more than %d times its size: refused", name,
                    EZIP_RATIO_MAX);
            rc = -1;
            break;
        }
        if (z->inflated + n > EZIP_TOTAL_MAX) {
            set_err(err, "zip bomb: entries inflate past %llu MiB in all: refused",
                    (unsigned long long)(EZIP_TOTAL_MAX >> 20));
            rc = -1;
            break;
        }
    }
    zip_fclose(f);
    if (rc < 0) {
        free(buf);
        return -1;
    }
    if (!buf)
        buf = xmalloc(1);
    buf[n] = '\0';
    z->inflated += n;
    *out = buf;
    *len = n;
    return 1;
}

size_t ezip_count(const struct epub_zip *z)
{
    zip_int64_t ne = zip_get_num_entries(z->za, 0);
    return ne > 0 ? (size_t)ne : 0;
}

const char *ezip_name(const struct epub_zip *z, size_t i)
{
    return zip_get_name(z->za, (zip_uint64_t)i, 0);
}
