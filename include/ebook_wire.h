/* ebook_wire.h — the bytes between quire and its converter process
 * (quire-convert, ebook_door.h): a request to convert one file and the
 * reply that carries the whole struct ebook back, or one error line.
 *
 * Layer: text.  Both sides use this module: the door (ebook_door.c)
 * writes requests and reads replies, the converter (ebook_convert.c)
 * reads requests and writes replies.  The reader of either is a parser of
 * bytes from another process: every length is bounded and checked, every
 * count is grown as its items arrive (a lying length costs at most what
 * was really sent), and a decoded ebook is checked as derived.c checks
 * its files (chapters in order inside the text, blocks inside the text,
 * in order, of known kinds) before anyone sees it.  A truncated or
 * garbled stream is refused with a reason, never half used.
 *
 * Format (all integers little-endian, fixed width; "str" is a u32 length
 * then that many bytes, 0xFFFFFFFF for NULL):
 *   hello    "QCV1" u32 EBOOK_VERSION u32 EBOOK_WIRE_VERSION
 *            (the converter's first words, before any request)
 *   request  "QRQ1" u32 op u32 format u64 head str name str path
 *            u64 dev u64 ino u64 size s64 mtime_ns u64 sample
 *            u64 n, then n bytes (n is 0 when path is given)
 *   reply    "QRP1" u8 status: 0 error: str message;
 *            1 ok: u64 total, the ebook (below); 2 changed: the path
 *            is not the file the door described (it resends the bytes)
 *   ebook    u64 len, len bytes of text; str format; str title; str author;
 *            str one_chapter_why; u64 body; u8 fanficfare;
 *            meta: str series, u64 series_index (the double's bits),
 *            str summary, u32 n_tags + n_tags str, str rating, status,
 *            source_url, language, published, updated;
 *            u64 n_ch, each: u64 start end front_end body back, u32 number,
 *            str title; u64 n_blocks, each: u64 off end, u8 kind flags;
 *            then "QEND". */
#ifndef QUIRE_EBOOK_WIRE_H
#define QUIRE_EBOOK_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ebook.h"

/* Bump when the bytes above change. */
#define EBOOK_WIRE_VERSION 1

/* Bounds, in bytes: a string field (a title, the summary, an error line),
 * the text (a derived text past this is refused, as the converter's own
 * limits refuse such a file first), the bytes of a request. */
#define EBOOK_WIRE_STR_MAX ((size_t)16 << 20)
#define EBOOK_WIRE_TEXT_MAX ((size_t)1 << 31)
#define EBOOK_WIRE_BYTES_MAX ((size_t)1 << 31)

enum ebook_wire_op {
    EBOOK_WIRE_READ_FILE = 1,   /* ebook_read_file(path) */
    EBOOK_WIRE_READ_BYTES,      /* ebook_read_bytes(name, bytes or path's) */
    EBOOK_WIRE_READ_HEAD,       /* ebook_read_bytes_head(name, ..., head) */
};

/* A reply's status. */
enum ebook_wire_status {
    EBOOK_WIRE_ERROR = 0,
    EBOOK_WIRE_OK = 1,
    EBOOK_WIRE_CHANGED = 2,
};

struct ebook_wire_req {
    int op;                       /* enum ebook_wire_op */
    int format;                   /* enum ebook_format */
    uint64_t head;                /* READ_HEAD: bytes of head wanted */
    const char *name;             /* a label (the caller's name); never NULL */
    char *path;                   /* the file to read, or NULL: bytes below */
    /* READ_BYTES/READ_HEAD with a path: the file the caller mapped, which
       the converter checks before it reads (else it answers CHANGED) */
    uint64_t dev, ino, size;
    int64_t mtime_ns;
    uint64_t sample;              /* ebook_wire_sample of the caller's bytes */
    const unsigned char *bytes;   /* when path is NULL: the file's bytes */
    size_t n;                     /* bytes of them */
};

/* Where the encoder writes and the decoder reads: put/get all n bytes or
 * return false (the stream is broken). */
struct wire_sink {
    bool (*put)(void *ctx, const void *p, size_t n);
    void *ctx;
};
struct wire_source {
    bool (*get)(void *ctx, void *p, size_t n);
    void *ctx;
};

/* A buffered file descriptor (a socket or pipe) as sink or source;
 * reads and writes retry on EINTR and short counts; a write never raises
 * SIGPIPE on a socket (MSG_NOSIGNAL).  Zero it, set fd. */
struct wire_fd {
    int fd;
    bool gone;                   /* the other end closed it (a read saw its
                                    end, or a write failed) */
    size_t pos, len;             /* the unread part of buf (source), or
                                    the bytes waiting in it (sink: len) */
    unsigned char buf[1 << 16];
};
bool wire_fd_get(void *ctx, void *p, size_t n);
bool wire_fd_put(void *ctx, const void *p, size_t n);
/* Write what waits in the sink's buffer; false when the fd is broken. */
bool wire_fd_flush(struct wire_fd *w);

/* Bytes in memory as a source (tests, the fuzz target). */
struct wire_mem {
    const unsigned char *p;
    size_t n, pos;
};
bool wire_mem_get(void *ctx, void *p, size_t n);

/* A growing buffer (struct buf of util.h) as a sink. */
bool wire_buf_put(void *ctx, const void *p, size_t n);

/* A cheap fingerprint of n bytes: their length and the FNV-1a hash of the
 * first and last 4 KiB.  The door sends it with a path; the converter
 * compares it with the file it maps. */
uint64_t ebook_wire_sample(const void *bytes, size_t n);

/* The converter's hello; and the door's reading of it: true when it is
 * a hello of this EBOOK_VERSION and EBOOK_WIRE_VERSION, else false with
 * *err (malloc'd, one line). */
bool ebook_wire_put_hello(struct wire_sink *s);
bool ebook_wire_get_hello(struct wire_source *s, char **err);

/* Write a request (r->bytes written when r->path is NULL). */
bool ebook_wire_put_request(struct wire_sink *s, const struct ebook_wire_req *r);

/* Read a request into *r (name, path and bytes malloc'd: free with
 * ebook_wire_req_free).  False with *err when the stream ends before its
 * first byte (*err NULL: the door closed it) or holds no valid request. */
bool ebook_wire_get_request(struct wire_source *s, struct ebook_wire_req *r, char **err);
void ebook_wire_req_free(struct ebook_wire_req *r);

/* Write a reply: EBOOK_WIRE_OK with *eb and total, EBOOK_WIRE_ERROR with
 * msg, EBOOK_WIRE_CHANGED with neither. */
bool ebook_wire_put_reply(struct wire_sink *s, int status, const struct ebook *eb, size_t total,
                          const char *msg);

/* Read a reply.  Returns its status: EBOOK_WIRE_OK with *out filled (free
 * with ebook_wire_free) and *total set (may be NULL); EBOOK_WIRE_ERROR
 * with *err the converter's message; EBOOK_WIRE_CHANGED; or -1 when the
 * bytes are no valid reply (truncated, too long, out of order), with *err
 * saying why.  *out is all zero unless OK. */
int ebook_wire_get_reply(struct wire_source *s, struct ebook *out, size_t *total, char **err);

/* Free what a decoded reply holds (every part malloc'd by this process,
 * as ebook_free frees a conversion) and zero it; NULL is a no-op. */
void ebook_wire_free(struct ebook *eb);

#endif
