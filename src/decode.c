/* decode.c — a file's bytes to UTF-8 text.  See decode.h.
 *
 * Valid UTF-8 is mapped read-only and used in place (after a BOM), so a
 * large story costs page cache, not private memory.  UTF-16 (with a BOM) and
 * Windows-1252 are converted by hand into a malloc'd buffer, with CR LF and
 * lone CR turned into LF on the way.  Nothing is dropped: every byte that
 * cannot be decoded becomes U+FFFD and is counted. */
#include "decode.h"
#include "ebook_door.h"
#include "mapguard.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unistr.h>

/* Windows-1252 0x80..0x9F; 0 marks the five bytes it leaves undefined. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

/* Append code point c as UTF-8 at out; returns bytes written (1..4). */
static size_t put_utf8(char *out, uint32_t c)
{
    unsigned char *o = (unsigned char *)out;
    if (c < 0x80) {
        o[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (unsigned char)(0xC0 | (c >> 6));
        o[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (c >> 12));
        o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (c >> 18));
    o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

/* Line-end normaliser shared by the converters: CR LF -> LF, CR -> LF. */
struct eol {
    bool after_cr;
};

/* Emit c (already decoded) into out with line ends normalised; returns bytes. */
static size_t emit(struct eol *st, char *out, uint32_t c)
{
    if (c == '\n' && st->after_cr) {
        st->after_cr = false;
        return 0;
    }
    st->after_cr = (c == '\r');
    return put_utf8(out, c == '\r' ? '\n' : c);
}

static char *convert_cp1252(const unsigned char *b, size_t n, size_t *out_len, size_t *invalid)
{
    char *out = xmalloc(n * 3 + 1);
    size_t o = 0;
    struct eol st = {false};
    for (size_t i = 0; i < n; i++) {
        uint32_t c = b[i];
        if (c >= 0x80 && c < 0xA0) {
            c = cp1252_high[c - 0x80];
            if (!c) {
                c = 0xFFFD;
                (*invalid)++;
            }
        }
        o += emit(&st, out + o, c);
    }
    out[o] = '\0';
    *out_len = o;
    return xrealloc(out, o + 1);
}

/* UTF-16 without its BOM; big-endian when `be`.  Lone surrogates and an odd
 * trailing byte become U+FFFD (counted).  *nul counts U+0000 code units,
 * which are also replaced. */
static char *convert_utf16(const unsigned char *b, size_t n, bool be, size_t *out_len,
                           size_t *invalid, size_t *nul)
{
    char *out = xmalloc(n / 2 * 3 + 8);
    size_t o = 0;
    struct eol st = {false};
    size_t i = 0;
    while (i + 1 < n) {
        uint32_t u = be ? (uint32_t)(b[i] << 8 | b[i + 1]) : (uint32_t)(b[i + 1] << 8 | b[i]);
        i += 2;
        uint32_t c = u;
        if (u >= 0xD800 && u < 0xDC00) {
            uint32_t u2 = 0;
            if (i + 1 < n)
                u2 = be ? (uint32_t)(b[i] << 8 | b[i + 1]) : (uint32_t)(b[i + 1] << 8 | b[i]);
            if (u2 >= 0xDC00 && u2 < 0xE000) {
                c = 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00);
                i += 2;
            } else {
                c = 0xFFFD;
                (*invalid)++;
            }
        } else if (u >= 0xDC00 && u < 0xE000) {
            c = 0xFFFD;
            (*invalid)++;
        } else if (u == 0) {
            c = 0xFFFD;
            (*invalid)++;
            (*nul)++;
        }
        o += emit(&st, out + o, c);
    }
    if (i < n) {             /* odd trailing byte */
        o += emit(&st, out + o, 0xFFFD);
        (*invalid)++;
    }
    out[o] = '\0';
    *out_len = o;
    return xrealloc(out, o + 1);
}

/* Does the text hold nothing but white space (ASCII, NBSP, ideographic
 * space, BOM, the U+2000 spaces)? */
static bool text_is_blank(const char *t, size_t n)
{
    const unsigned char *s = (const unsigned char *)t;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c == ' ' || (c >= '\t' && c <= '\r')) {
            i++;
            continue;
        }
        if (c < 0x80)
            return false;
        ucs4_t uc;
        int k = u8_mbtouc(&uc, s + i, n - i);
        if (!(uc == 0xA0 || uc == 0x3000 || uc == 0xFEFF || (uc >= 0x2000 && uc <= 0x200B) ||
              uc == 0x2028 || uc == 0x2029 || uc == 0x85))
            return false;
        i += (size_t)(k > 0 ? k : 1);
    }
    return true;
}

/* Binary: any NUL byte, or a sample whose control bytes (other than the
 * white-space ones, ESC and the DOS end-of-file mark) exceed 1 in 8. */
static bool bytes_look_binary(const unsigned char *b, size_t n)
{
    if (memchr(b, 0, n))
        return true;
    /* the control bytes that count, as a table: a sum with no branch */
    static const unsigned char is_ctl[256] = {
        [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1,
        [0x07] = 1, [0x08] = 1, [0x0E] = 1, [0x0F] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1,
        [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1,
        [0x1C] = 1, [0x1D] = 1, [0x1E] = 1, [0x1F] = 1, [0x7F] = 1,
    };
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const uint64_t low7 = ones * 0x7F;
    size_t m = n < 65536 ? n : 65536, ctl = 0, i = 0;
    for (; i + 8 <= m; i += 8) {
        uint64_t x, del;
        memcpy(&x, b + i, sizeof x);
        del = x ^ (ones * 0x7F);
        /* A byte under 0x20 or 0x7F in these 8 (a line end, often): is
         * it one is_ctl counts, under 0x09, over 0x0D and under 0x20, or
         * 0x7F?  Exact for "any" (the bit tricks may mark the wrong byte,
         * never a word without one), so a line end or a tab alone does
         * not send the 8 bytes to the table. */
        if (!((((x - ones * 0x20) & ~x) | ((del - ones) & ~del)) & highs))
            continue;
        uint64_t under9 = (x - ones * 0x09) & ~x;
        uint64_t e_to_1f = (ones * (127 + 0x20) - (x & low7)) & ~x & ((x & low7) + ones * (127 - 0x0D));
        if ((under9 | e_to_1f | ((del - ones) & ~del)) & highs) {
            for (size_t k = i; k < i + 8; k++)
                ctl += is_ctl[b[k]];
        }
    }
    for (; i < m; i++)
        ctl += is_ctl[b[i]];
    return ctl * 8 > m;
}

/* u8_check(t, n) == NULL, faster on ASCII: eight bytes at a time while
 * they are ASCII, and u8_check on each multi-byte sequence alone (its
 * lead byte says how long it is). */
static bool utf8_valid(const unsigned char *t, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint64_t x;
        while (i + 8 <= n && (memcpy(&x, t + i, sizeof x), !(x & 0x8080808080808080ULL)))
            i += 8;
        while (i < n && t[i] < 0x80)
            i++;
        if (i >= n)
            break;
        size_t len = t[i] >= 0xF0 ? 4 : t[i] >= 0xE0 ? 3 : 2;
        if (len > n - i)
            len = n - i;
        if (u8_check(t + i, len) != NULL)
            return false;
        i += len;
    }
    return true;
}

/* Text that is overwhelmingly UTF-8 with a few bad bytes (a stray byte
 * from a bad copy, an editor's slip) is UTF-8, not Windows-1252: its valid
 * multi-byte characters outnumber its invalid bytes UTF8_MAJORITY to one.
 * (Real Windows-1252 text has almost no valid multi-byte sequences: each
 * accented letter is a lone high byte.)  *bad: the invalid bytes. */
#define UTF8_MAJORITY 4
static bool mostly_utf8(const unsigned char *t, size_t n, size_t *bad)
{
    size_t good = 0;
    *bad = 0;
    for (size_t i = 0; i < n;) {
        if (t[i] < 0x80) {
            i++;
            continue;
        }
        ucs4_t uc;
        int k = u8_mbtoucr(&uc, t + i, n - i);
        if (k > 0) {
            good++;
            i += (size_t)k;
        } else {
            (*bad)++;
            i++;
        }
    }
    return *bad > 0 && good >= UTF8_MAJORITY * *bad;
}

/* The UTF-8 text t[0, n) with each invalid byte (bad of them) replaced by
 * U+FFFD; malloc'd and NUL-terminated, its length in *olen. */
static char *repair_utf8(const unsigned char *t, size_t n, size_t bad, size_t *olen)
{
    char *o = xmalloc(n + 2 * bad + 1);
    size_t j = 0;
    for (size_t i = 0; i < n;) {
        if (t[i] < 0x80) {
            o[j++] = (char)t[i++];
            continue;
        }
        ucs4_t uc;
        int k = u8_mbtoucr(&uc, t + i, n - i);
        if (k > 0) {
            memcpy(o + j, t + i, (size_t)k);
            j += (size_t)k;
            i += (size_t)k;
        } else {
            memcpy(o + j, "\xEF\xBF\xBD", 3);
            j += 3;
            i++;
        }
    }
    o[j] = '\0';
    *olen = j;
    return o;
}

static struct source *source_new(const char *path)
{
    struct source *s = xcalloc(1, sizeof *s);
    s->path = xstrdup(path);
    return s;
}

/* Bytes of a file's head the ebook door sniffs. */
#define SNIFF_BYTES 4096

/* Take the conversion *eb (moved) as src's text. */
static void source_take_ebook(struct source *src, enum ebook_format f, struct ebook *eb)
{
    src->eb = xmalloc(sizeof *src->eb);
    *src->eb = *eb;
    memset(eb, 0, sizeof *eb);
    src->fmt = f;
    if (!src->format)
        src->format = xstrdup(src->eb->format ? src->eb->format : "ebook");
    src->enc = ENC_UTF8;
    src->text = src->eb->text ? src->eb->text : "";
    src->len = src->eb->text ? src->eb->len : 0;
    src->invalid = 0;
    src->crlf = false;
}

/* The derived-cache key of the file src was stat'ed as (stamp_from). */
static struct derived_key source_key(const struct source *src)
{
    return (struct derived_key){
        .size = src->size, .mtime_ns = src->mtime_ns, .dev = src->dev, .ino = src->ino,
    };
}

/* src's ebook text and blocks from now on the mapping d (moved): the
 * converted ones are freed.  Called before anything points into them. */
static void source_use_derived(struct source *src, struct derived *d)
{
    struct ebook *eb = src->eb;
    struct ebook old = {.text = eb->text, .blocks = eb->blocks};
    ebook_door_free(&old);
    /* a read-only mapping: nothing writes an ebook's text or blocks once
       converted */
    char *base = d->map;
    eb->text = base + (d->text - base);
    eb->len = d->len;
    eb->blocks = (void *)(base + ((const char *)d->blocks - base));
    eb->n_blocks = d->n_blocks;
    eb->cap_text = eb->cap_blocks = 0;
    src->text = d->text;
    src->len = d->len;
    src->derived = *d;
    memset(d, 0, sizeof *d);
}

/* Keep src's fresh conversion (key k: the file before converting) as its
 * derived file, and use that file's mapping instead of the conversion's
 * memory.  Nothing happens when the derived cache is off. */
static void source_keep_derived(struct source *src, const struct derived_key *k)
{
    char *e = NULL;
    if (derived_write(src->path, k, src->eb, &e) != 0) {
        free(e);   /* a cache: the story reads on from memory */
        return;
    }
    struct derived d;
    if (derived_open(src->path, k, &d) && d.len == src->len)
        source_use_derived(src, &d);
    else
        derived_close(&d);
}

/* Convert the ebook file at src->path (format f), mapped at map[0, n),
 * into src. */
static enum decode_reject decode_ebook(struct source *src, enum ebook_format f, const void *map,
                                       size_t n, char **err)
{
    struct ebook eb;
    char *e = NULL;
    if (!ebook_door_read_bytes(src->path, f, map, n, &eb, &e)) {
        ebook_door_free(&eb);
        if (err) {
            free(*err);
            *err = e ? e : xstrdup("cannot be read");
        } else {
            free(e);
        }
        return DECODE_EBOOK;
    }
    free(e);
    source_take_ebook(src, f, &eb);
    if (text_is_blank(src->text, src->len))
        return DECODE_EMPTY;
    if (derived_keeps_builds()) {
        struct derived_key k = source_key(src);
        source_keep_derived(src, &k);
    }
    return DECODE_OK;
}

/* Decode bytes b[0..n) into src.  `stable` is true when b stays valid for the
 * source's life (a mapping owned by src), so valid UTF-8 is used in place. */
static enum decode_reject decode_into(struct source *src, const unsigned char *b, size_t n,
                                      bool stable)
{
    if (n == 0)
        return DECODE_EMPTY;
    if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
        bool be = b[0] == 0xFE;
        size_t nul = 0, olen = 0;
        src->owned = convert_utf16(b + 2, n - 2, be, &olen, &src->invalid, &nul);
        src->text = src->owned;
        src->len = olen;
        src->enc = be ? ENC_UTF16BE : ENC_UTF16LE;
        if (nul * 8 > (n - 2) / 2 + 1) /* UTF-32, or binary data after a BOM */
            return DECODE_BINARY;
    } else {
        if (bytes_look_binary(b, n))
            return DECODE_BINARY;
        bool bom = n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF;
        const unsigned char *t = bom ? b + 3 : b;
        size_t tn = bom ? n - 3 : n;
        if (utf8_valid(t, tn)) {
            src->enc = bom ? ENC_UTF8_BOM : ENC_UTF8;
            if (stable) {
                src->text = (const char *)t;
            } else {
                src->owned = xmalloc(tn + 1);
                memcpy(src->owned, t, tn);
                src->owned[tn] = '\0';
                src->text = src->owned;
            }
            src->len = tn;
            src->crlf = memchr(t, '\r', tn) != NULL;
        } else if (mostly_utf8(t, tn, &src->invalid)) {
            src->enc = bom ? ENC_UTF8_BOM : ENC_UTF8;
            src->owned = repair_utf8(t, tn, src->invalid, &src->len);
            src->text = src->owned;
            src->crlf = memchr(t, '\r', tn) != NULL;
        } else {
            size_t olen = 0;
            src->invalid = 0;
            src->owned = convert_cp1252(b, n, &olen, &src->invalid);
            src->text = src->owned;
            src->len = olen;
            src->enc = ENC_CP1252;
        }
    }
    if (text_is_blank(src->text, src->len))
        return DECODE_EMPTY;
    return DECODE_OK;
}

struct source *decode_bytes(const char *path, const void *bytes, size_t len,
                            enum decode_reject *why)
{
    struct source *src = source_new(path);
    src->size = (long long)len;
    *why = decode_into(src, bytes, len, false);
    if (*why != DECODE_OK) {
        decode_free(src);
        return NULL;
    }
    return src;
}

static void stamp_from(struct source *src, const struct stat *st)
{
    src->mtime = (long long)st->st_mtime;
    src->mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
    src->size = (long long)st->st_size;
    src->dev = (unsigned long long)st->st_dev;
    src->ino = (unsigned long long)st->st_ino;
}

/* Map n bytes of the open regular file fd read-only, guarded against the
 * file shrinking (mapguard.h).  MAP_FAILED on failure (errno set). */
static void *decode_map(int fd, size_t n)
{
    void *map = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map != MAP_FAILED)
        mapguard_add(map, n);
    return map;
}

/* The regular file at `path` mapped whole (guarded), *n its bytes; NULL
 * when it cannot be (or is empty).  Unmap with unmap_path. */
static void *map_path(const char *path, size_t *n)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return NULL;
    struct stat st;
    void *map = MAP_FAILED;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (unsigned long long)st.st_size <= SIZE_MAX / 4) {
        *n = (size_t)st.st_size;
        map = decode_map(fd, *n);
    }
    close(fd);
    return map == MAP_FAILED ? NULL : map;
}

static void unmap_path(void *map, size_t n)
{
    if (!map)
        return;
    mapguard_remove(map);
    munmap(map, n);
}

bool decode_changed(struct source *src)
{
    if (!src->mtime)
        return false;   /* not read from a file (decode_bytes: a file's head) */
    struct stat st;
    if (stat(src->path, &st) != 0)
        return true;
    long long ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    if ((long long)st.st_size != src->size || (long long)st.st_mtime != src->mtime)
        return true;
    if (!src->mtime_ns || !src->ino) {
        /* A source from the index cache knows size and seconds only. */
        stamp_from(src, &st);
        return false;
    }
    return ns != src->mtime_ns || (unsigned long long)st.st_ino != src->ino ||
           (unsigned long long)st.st_dev != src->dev;
}

void decode_restamp(struct source *src)
{
    struct stat st;
    if (stat(src->path, &st) == 0)
        stamp_from(src, &st);
}

/* decode_open_read reads files up to this size (bytes) into memory rather
 * than map them: a mapping costs a page fault per page and its unmapping
 * a TLB flush on every thread of a library build; a small copy, little. */
#define DECODE_READ_MAX (64 * 1024)

/* decode_open for the n-byte regular file open as fd (closed here), read
 * whole into src->owned.  A file that shrank since fstat is what was read;
 * one that grew, its first n bytes. */
static struct source *decode_read(struct source *src, int fd, size_t n,
                                  enum decode_reject *why, char **err)
{
    char *buf = xmalloc(n + 1);
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, buf + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            int e = errno;
            close(fd);
            free(buf);
            *why = DECODE_ERROR;
            set_err(err, "%s: %s", src->path, strerror(e));
            decode_free(src);
            return NULL;
        }
        if (k == 0)
            break;
        got += (size_t)k;
    }
    close(fd);
    buf[got] = '\0';
    char *ewhy = NULL;
    int f = got ? ebook_door_sniff(src->path, (const unsigned char *)buf,
                                   got < SNIFF_BYTES ? got : SNIFF_BYTES, &ewhy)
                : EBOOK_NONE;
    if (f != EBOOK_NONE) {
        if (f < 0) {
            free(buf);
            *why = DECODE_ERROR;
            set_err(err, "%s: %s", src->path, ewhy);
            free(ewhy);
            decode_free(src);
            return NULL;
        }
        /* converted from the bytes read, as from a mapping */
        *why = decode_ebook(src, (enum ebook_format)f, buf, got, err);
        free(buf);
        if (*why != DECODE_OK) {
            decode_free(src);
            return NULL;
        }
        return src;
    }
    *why = decode_into(src, (const unsigned char *)buf, got, true);
    if (src->owned)
        free(buf);          /* converted: the copy read is no longer needed */
    else
        src->owned = buf;   /* the text is in it (after a BOM, if any) */
    if (*why != DECODE_OK) {
        decode_free(src);
        return NULL;
    }
    return src;
}

/* decode_open, and decode_open_read when `read_small`; `known`: the
 * file's stat as the caller has it (not asked again), or NULL. */
static struct source *open_file(const char *path, bool read_small, const struct stat *known,
                                enum decode_reject *why, char **err)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        *why = DECODE_ERROR;
        set_err(err, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (known) {
        st = *known;
    } else if (fstat(fd, &st) != 0) {
        *why = DECODE_ERROR;
        set_err(err, "%s: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        *why = DECODE_ERROR;
        set_err(err, "%s: %s", path, S_ISDIR(st.st_mode) ? strerror(EISDIR) : "not a regular file");
        close(fd);
        return NULL;
    }
    struct source *src = source_new(path);
    stamp_from(src, &st);
    if (st.st_size == 0) {
        close(fd);
        decode_free(src);
        *why = DECODE_EMPTY;
        return NULL;
    }
    if ((unsigned long long)st.st_size > SIZE_MAX / 4) {
        close(fd);
        decode_free(src);
        *why = DECODE_ERROR;
        set_err(err, "%s: %s", path, strerror(EFBIG));
        return NULL;
    }
    size_t n = (size_t)st.st_size;
    if (read_small && n <= DECODE_READ_MAX)
        return decode_read(src, fd, n, why, err);
    void *map = decode_map(fd, n);
    int map_errno = errno;
    close(fd);
    if (map == MAP_FAILED) {
        decode_free(src);
        *why = DECODE_ERROR;
        set_err(err, "%s: %s", path, strerror(map_errno));
        return NULL;
    }
    /* An EPUB or HTML file goes through the ebook door, not the decoder. */
    char *ewhy = NULL;
    int f = ebook_door_sniff(path, map, n < SNIFF_BYTES ? n : SNIFF_BYTES, &ewhy);
    if (f != EBOOK_NONE) {
        /* converted from the mapping (guarded), no copy of the zip */
        *why = f < 0 ? DECODE_ERROR : decode_ebook(src, (enum ebook_format)f, map, n, err);
        mapguard_remove(map);
        munmap(map, n);
        if (f < 0) {
            set_err(err, "%s: %s", path, ewhy);
            free(ewhy);
            decode_free(src);
            return NULL;
        }
        if (*why != DECODE_OK) {
            decode_free(src);
            return NULL;
        }
        return src;
    }
    src->map = map;
    src->map_len = n;
    *why = decode_into(src, map, n, true);
    if (*why != DECODE_OK) {
        decode_free(src);
        return NULL;
    }
    if (src->owned) {            /* converted: the mapping is no longer needed */
        mapguard_remove(src->map);
        munmap(src->map, src->map_len);
        src->map = NULL;
        src->map_len = 0;
    } else {
        madvise(src->map, src->map_len, MADV_WILLNEED);
    }
    return src;
}

struct source *decode_open(const char *path, enum decode_reject *why, char **err)
{
    return open_file(path, false, NULL, why, err);
}

struct source *decode_open_read(const char *path, enum decode_reject *why, char **err)
{
    return open_file(path, true, NULL, why, err);
}

struct source *decode_open_read_stat(const char *path, const struct stat *st,
                                     enum decode_reject *why, char **err)
{
    return open_file(path, true, st, why, err);
}

struct source *decode_map_unchecked(const char *path, char **err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 3 ||
        (unsigned long long)st.st_size > SIZE_MAX / 4) {
        set_err(err, "%s: %s", path, fd < 0 ? strerror(errno) : "not a file to map");
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    size_t n = (size_t)st.st_size;
    void *map = decode_map(fd, n);
    close(fd);
    if (map == MAP_FAILED) {
        set_err(err, "%s: %s", path, strerror(errno));
        return NULL;
    }
    const unsigned char *b = map;
    if ((b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) || (b[0] == 0xFF && b[1] == 0xFE) ||
        (b[0] == 0xFE && b[1] == 0xFF)) {
        mapguard_remove(map);
        munmap(map, n);
        set_err(err, "%s: not plain UTF-8", path);
        return NULL;
    }
    struct source *src = source_new(path);
    stamp_from(src, &st);
    src->map = map;
    src->map_len = n;
    src->text = map;
    src->len = n;
    src->enc = ENC_UTF8;
    return src;
}

struct source *decode_open_derived(const char *path, size_t head)
{
    struct derived_key k;
    struct derived d;
    if (!derived_key_of(path, &k) || !derived_open_head(path, &k, &d))
        return NULL;
    struct parse_result pr;
    char *format;
    /* the blocks of the head's chapters alone are checked and given */
    if (!derived_chapters(&d, head, &pr, &format) || pr.n_ch == 0 ||
        !derived_blocks_in(&d, 0, head ? pr.ch[pr.n_ch - 1].end : d.len)) {
        derived_chapters_free(&pr);
        free(format);
        derived_close(&d);
        return NULL;
    }
    struct source *src = source_new(path);
    decode_restamp(src);
    src->eb = xcalloc(1, sizeof *src->eb);
    src->eb->pr = pr;
    src->eb->format = format;
    src->format = xstrdup(format ? format : "ebook");
    src->fmt = format && strncmp(format, "EPUB", 4) == 0 ? EBOOK_EPUB : EBOOK_HTML;
    src->enc = ENC_UTF8;
    source_use_derived(src, &d);
    return src;
}

bool decode_derived_blocks(struct source *src, size_t from, size_t to)
{
    if (!src->eb || !src->derived.map || !derived_blocks_in(&src->derived, from, to))
        return false;
    char *base = src->derived.map;   /* read-only, as source_use_derived */
    src->eb->blocks = (void *)(base + ((const char *)src->derived.blocks - base));
    src->eb->n_blocks = src->derived.n_blocks;
    return true;
}

struct source *decode_open_ebook_head(const char *path, const unsigned char *first, size_t n,
                                      size_t head, size_t *total)
{
    *total = 0;
    if (ebook_door_sniff(path, first, n, NULL) != EBOOK_EPUB)
        return NULL;
    struct ebook eb;
    char *e = NULL;
    size_t n_map = 0;
    void *map = map_path(path, &n_map);
    if (!map)
        return NULL;
    bool ok = ebook_door_read_head(path, EBOOK_EPUB, map, n_map, head, &eb, total, &e);
    unmap_path(map, n_map);
    free(e);
    if (!ok) {
        ebook_door_free(&eb);
        return NULL;
    }
    struct source *src = source_new(path);
    decode_restamp(src);
    source_take_ebook(src, EBOOK_EPUB, &eb);
    if (text_is_blank(src->text, src->len)) {
        decode_free(src);
        return NULL;
    }
    if (*total < src->len)
        *total = src->len;
    return src;   /* a head: never kept as the derived file */
}

struct source *decode_stub(const char *path, enum source_encoding enc, size_t len,
                           size_t invalid, bool crlf, long long size, long long mtime)
{
    struct source *s = source_new(path);
    s->len = len;
    s->enc = enc;
    s->invalid = invalid;
    s->crlf = crlf;
    s->size = size;
    s->mtime = mtime;
    return s;
}

void decode_unload(struct source *src)
{
    if (!src || !src->text || src->fmt != EBOOK_NONE)
        return;
    if (src->map) {
        mapguard_remove(src->map);
        munmap(src->map, src->map_len);
    }
    free(src->owned);
    src->map = NULL;
    src->map_len = 0;
    src->owned = NULL;
    src->text = NULL;
}

void decode_free(struct source *src)
{
    if (!src)
        return;
    if (src->map) {
        mapguard_remove(src->map);
        munmap(src->map, src->map_len);
    }
    free(src->owned);
    free(src->format);
    if (src->eb && src->derived.map) {
        /* text and blocks are the mapping's */
        src->eb->text = NULL;
        src->eb->blocks = NULL;
        src->eb->n_blocks = 0;
        if (ebook_door_loaded()) {
            ebook_door_free(src->eb);   /* a conversion's chapters and meta */
        } else {
            /* never converted here: the chapters are derived_chapters' */
            derived_chapters_free(&src->eb->pr);
            free(src->eb->format);
        }
        free(src->eb);
    } else if (src->eb) {
        ebook_door_free(src->eb);
        free(src->eb);
    }
    derived_close(&src->derived);
    free(src->path);
    free(src);
}

const char *decode_encoding_name(enum source_encoding enc)
{
    switch (enc) {
    case ENC_UTF8: return "UTF-8";
    case ENC_UTF8_BOM: return "UTF-8 (BOM)";
    case ENC_UTF16LE: return "UTF-16LE";
    case ENC_UTF16BE: return "UTF-16BE";
    case ENC_CP1252: return "Windows-1252";
    }
    return "unknown";
}

bool decode_next_line(const char *text, size_t end, size_t *pos,
                      size_t *line, size_t *line_end)
{
    size_t p = *pos;
    if (p >= end)
        return false;
    const char *nl = memchr(text + p, '\n', end - p);
    size_t lim = nl ? (size_t)(nl - text) : end;
    const char *cr = lim > p ? memchr(text + p, '\r', lim - p) : NULL;
    *line = p;
    if (cr) {
        size_t c = (size_t)(cr - text);
        *line_end = c;
        *pos = (c + 1 < end && text[c + 1] == '\n') ? c + 2 : c + 1;
    } else {
        *line_end = lim;
        *pos = nl ? lim + 1 : end;
    }
    return true;
}

/* Map a cached valid-UTF-8 file that is still as it was, without
 * checking its bytes again: no pass over the whole file before the first
 * paint.  False when anything differs (then decode it as usual). */
static bool map_unchanged(struct source *src)
{
    if (src->enc != ENC_UTF8 && src->enc != ENC_UTF8_BOM)
        return false;
    size_t bom = src->enc == ENC_UTF8_BOM ? 3 : 0;
    int fd = open(src->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return false;
    struct stat st;
    bool same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
                (long long)st.st_size == src->size && (long long)st.st_mtime == src->mtime &&
                (unsigned long long)st.st_size == (unsigned long long)src->len + bom;
    void *map = same ? decode_map(fd, (size_t)st.st_size) : MAP_FAILED;
    close(fd);
    if (map == MAP_FAILED)
        return false;
    if (bom && memcmp(map, "\xEF\xBB\xBF", 3) != 0) {
        mapguard_remove(map);
        munmap(map, (size_t)st.st_size);
        return false;
    }
    src->map = map;
    src->map_len = (size_t)st.st_size;
    src->text = (const char *)map + bom;
    madvise(map, src->map_len, MADV_WILLNEED);
    return true;
}

/* An ebook stub's text: its derived file when one made from the file as
 * the stub describes it is there (no plugin, no conversion), else the
 * file converted again (and kept as its derived file); true when that
 * gives the text the stub describes (same length), which src then holds. */
static bool ebook_unchanged(struct source *src)
{
    struct derived_key k;
    if (!derived_key_of(src->path, &k) || k.size != src->size ||
        k.mtime_ns / 1000000000LL != src->mtime)
        return false;
    struct derived d;
    if (derived_open(src->path, &k, &d)) {
        if (d.len == src->len) {
            madvise(d.map, d.map_len, MADV_WILLNEED);   /* the whole story is read */
            src->eb = xcalloc(1, sizeof *src->eb);
            source_use_derived(src, &d);
            return true;
        }
        derived_close(&d);
    }
    struct ebook eb;
    char *e = NULL;
    size_t n = 0;
    void *map = map_path(src->path, &n);
    bool ok = map && ebook_door_read_bytes(src->path, src->fmt, map, n, &eb, &e) &&
              eb.len == src->len;
    if (!map)
        memset(&eb, 0, sizeof eb);
    unmap_path(map, n);
    free(e);
    if (ok) {
        source_take_ebook(src, src->fmt, &eb);
        source_keep_derived(src, &k);
    }
    ebook_door_free(&eb);
    return ok;
}

bool decode_load_stub(struct source *src)
{
    if (src->text)
        return true;
    if (src->fmt != EBOOK_NONE ? ebook_unchanged(src) : map_unchanged(src))
        return true;
    enum decode_reject why = DECODE_OK;
    char *err = NULL;
    struct source *now = src->fmt != EBOOK_NONE ? NULL : decode_open(src->path, &why, &err);
    free(err);
    if (now && now->len == src->len && now->enc == src->enc && now->size == src->size) {
        src->text = now->text;
        src->map = now->map;
        src->map_len = now->map_len;
        src->owned = now->owned;
        src->invalid = now->invalid;
        src->crlf = now->crlf;
        src->mtime = now->mtime;
        free(now->path);
        free(now);
        return true;
    }
    /* Changed or gone: keep every cached offset inside the text. */
    char *t = xmalloc(src->len + 1);
    size_t keep = now ? (now->len < src->len ? now->len : src->len) : 0;
    if (keep)
        memcpy(t, now->text, keep);
    /* do not end on a partial UTF-8 sequence */
    size_t cut = keep;
    while (cut > 0 && ((unsigned char)t[cut - 1] & 0xC0) == 0x80)
        cut--;
    if (cut > 0 && (unsigned char)t[cut - 1] >= 0xC0)
        cut--;
    else
        cut = keep;
    memset(t + cut, '\n', src->len - cut);
    t[src->len] = '\0';
    src->owned = t;
    src->text = t;
    decode_free(now);
    return false;
}
