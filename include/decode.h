/* decode.h — turning a file's bytes into UTF-8 text quire can lay out.
 *
 * Layer: text (no curses, no layout).  Owner of `struct source`.
 *
 * Rules (SPEC.md "Library"): UTF-8 with or without BOM; UTF-16 LE/BE with a
 * BOM; text that is overwhelmingly UTF-8 (its valid multi-byte characters
 * outnumber its invalid bytes four to one) is UTF-8 with U+FFFD for each
 * invalid byte; anything else that is not valid UTF-8 is Windows-1252.
 * Bytes Windows-1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) become
 * U+FFFD.  Every U+FFFD put in is counted in `invalid`; nothing is dropped.
 *
 * Line ends are NOT rewritten: valid UTF-8 files are mapped as they are (so
 * a 32 MB story costs no private memory), and CR LF / lone CR stay in the
 * text.  Every consumer walks lines with decode_next_line(), which treats
 * LF, CR LF and lone CR alike.  Converted encodings (UTF-16, Windows-1252)
 * are normalised to LF while converting.
 *
 * An EPUB or HTML file (ebook_door_sniff on its name and first bytes) is
 * not decoded here but converted by the ebook door (ebook.h,
 * ebook_door.h): its source's text is the derived text, and the source
 * holds the conversion (blocks, chapters, metadata, format).  With the
 * derived-text cache on (derived.h), the converted text and blocks are
 * written to a derived file and used from its mapping (file-backed, not
 * private memory); an ebook stub (below) is then loaded from that file
 * without converting again, without the plugin.
 *
 * All offsets anywhere in quire are byte offsets into source.text. */
#ifndef QUIRE_DECODE_H
#define QUIRE_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "derived.h"
#include "ebook.h"

enum source_encoding {
    ENC_UTF8,      /* UTF-8, no BOM (invalid > 0: bad bytes replaced, text owned) */
    ENC_UTF8_BOM,  /* valid UTF-8 after a BOM (text starts after it) */
    ENC_UTF16LE,   /* converted from UTF-16LE with BOM */
    ENC_UTF16BE,   /* converted from UTF-16BE with BOM */
    ENC_CP1252,    /* converted from Windows-1252 */
};

struct source {
    char *path;          /* path as opened (malloc'd) */
    const char *text;    /* UTF-8, BOM removed; NOT NUL-terminated when mapped */
    size_t len;          /* bytes in text */
    enum source_encoding enc;
    size_t invalid;      /* bytes that could not be decoded (now U+FFFD) */
    bool crlf;           /* the text contains CR line ends (CR LF or lone CR) */
    long long mtime;     /* file's modification time, seconds */
    long long size;      /* file's size in bytes on disk */
    long long mtime_ns;  /* the same in nanoseconds; 0: not known yet */
    unsigned long long dev, ino;   /* the file's device and inode; 0: not known yet */
    enum ebook_format fmt;  /* EBOOK_NONE: a text file; else an ebook whose
                               text is the derived text (enc ENC_UTF8) */
    struct ebook *eb;    /* an ebook's conversion: text is eb->text, and it
                            holds the blocks, chapters (eb->pr), metadata
                            and format name; NULL for a text file and for an
                            ebook stub not loaded yet (or whose file changed) */
    char *format;        /* an ebook: what it was read as ("EPUB 3 (AO3)",
                            "HTML"; malloc'd, kept by stubs too); NULL for text */
    /* private */
    void *map;           /* mmap'd region (or NULL) */
    size_t map_len;
    char *owned;         /* malloc'd converted text (or NULL) */
    struct derived derived;   /* an ebook whose text and blocks are its
                                 derived file mapped (derived.h), or zeroed */
};

/* Why a file is not text (see decode_open). */
enum decode_reject {
    DECODE_OK = 0,
    DECODE_EMPTY,        /* zero bytes, or only whitespace */
    DECODE_BINARY,       /* NUL bytes (outside UTF-16) or mostly control bytes */
    DECODE_ERROR,        /* could not be opened or read, or an ebook with
                            no converter installed: see *err */
    DECODE_EBOOK,        /* an ebook the converter refused: *err says why,
                            without the path ("DRM-protected: cannot be
                            read", "not a zip archive", ...) */
};

/* Open and decode the file at `path` (an ebook: convert it, see above).
 * On success returns a source the caller frees with decode_free(); on
 * failure returns NULL, sets *why and, for DECODE_ERROR, *err ("PATH:
 * strerror", "PATH: EPUB/HTML support not installed: ..."), for
 * DECODE_EBOOK *err (the converter's reason).  Never crashes on any
 * input. */
struct source *decode_open(const char *path, enum decode_reject *why, char **err);

/* decode_open, except that a file of up to 64 KiB is read into memory
 * (src->owned) instead of mapped: for the library build, which lets go of
 * each text once analysed (decode_unload). */
struct source *decode_open_read(const char *path, enum decode_reject *why, char **err);

struct stat;

/* decode_open_read of a file whose stat *st the caller just took (the
 * library walk's): the file is not stat'ed again after it is opened (a
 * syscall a file in a build of 10,000), its size and stamp are *st's.  A
 * file that changed in between reads as decode_open_read says (shrunk:
 * what is there; grown: its first st_size bytes); the walk's stamp then
 * tells the next listing that it changed. */
struct source *decode_open_read_stat(const char *path, const struct stat *st,
                                     enum decode_reject *why, char **err);

/* The regular file at `path` mapped whole as UTF-8 text (ENC_UTF8, in
 * place, guarded as decode_open's mappings are) WITHOUT checking it: for
 * a place reopened in a long file (library_open_at), whose caller checks
 * the bytes it hands on (u8_check) and reads no others.  `crlf` is not
 * set.  NULL with *err set when the file cannot be mapped, is shorter
 * than 3 bytes or starts with a byte order mark (UTF-8's or UTF-16's:
 * those files are decoded whole). */
struct source *decode_map_unchecked(const char *path, char **err);

/* Decode bytes already in memory (tests, fuzzing).  `path` is only a label.
 * The bytes are copied or converted; the caller keeps its buffer. */
struct source *decode_bytes(const char *path, const void *bytes, size_t len,
                            enum decode_reject *why);

/* A source for the file at `path` whose text is not read yet (text NULL):
 * what an earlier decoding of it found (encoding, len bytes of text,
 * invalid, crlf) and the file's size (bytes) and mtime (seconds) then.
 * The index cache makes these for files it lists (cache_stub_source);
 * decode_load_stub reads the text on first use.  Free with decode_free. */
struct source *decode_stub(const char *path, enum source_encoding enc, size_t len,
                           size_t invalid, bool crlf, long long size, long long mtime);

/* The ebook at `path` from its derived file alone (derived.h: the cache
 * on, and a sound derived file made from the file as it is now): text and
 * blocks the file's mapping, chapters, title, author and format name from
 * it, no plugin, no conversion.  All its chapters when head is 0; else
 * only the first ones holding `head` bytes of text (whole chapters, the
 * last not a bare heading): a head for the first screen whose offsets,
 * chapters and text are the whole story's, its blocks only those of its
 * chapters (derived_blocks_in: the others are not checked).  NULL when
 * there is no such file. */
struct source *decode_open_derived(const char *path, size_t head);

/* The blocks of src (decode_open_derived's) from now on those that begin
 * in [from, to) bytes of its text (derived_blocks_in: checked then), for
 * the chapters of a window of the story (library_open_at).  False, the
 * blocks unchanged, when they do not check out or src has no derived
 * file. */
bool decode_derived_blocks(struct source *src, size_t from, size_t to);

/* The first chapters of the EPUB at `path` (its first n bytes `first`
 * say it is one: ebook_door_sniff) converted through the plugin
 * (ebook_door_read_head: chapters up to `head` bytes of text, whole, the
 * whole conversion's first ones byte for byte): a head for the first
 * screen of a story read for the first time.  *total: the whole text's
 * length guessed.  Its text is owned and never written to the derived
 * cache (it is not the whole).  NULL when the file is no EPUB, has no
 * such head (a few chapters: convert it whole) or the plugin is not
 * there. */
struct source *decode_open_ebook_head(const char *path, const unsigned char *first, size_t n,
                                      size_t head, size_t *total);

/* Make sure a stub's text is there (decode_stub): a no-op for a source
 * that has text, else map the file when it is still the valid UTF-8 the
 * stub describes, or decode it now; an ebook stub (fmt set after
 * decode_stub) is mapped from its derived file (derived.h) when that was
 * made from the file as it is now, else converted again (and the derived
 * file written when the cache is on), and must give `len` bytes.  If the file
 * changed since it was cached (another length), or cannot be read any
 * more, the text is still `len` bytes long
 * (the readable part, then blank lines) so every cached offset stays inside
 * it; returns false in that case, true when the text is the cached one. */
bool decode_load_stub(struct source *src);

/* Let go of a text file's text (a mapping or a converted copy): src
 * becomes the stub decode_stub would make of what it knows, read again by
 * decode_load_stub on first use.  An ebook's conversion, a stub and NULL
 * are left as they are.  For a build of many files, whose texts are all
 * analysed first and mostly never read again. */
void decode_unload(struct source *src);

/* Free a source; NULL is a no-op. */
void decode_free(struct source *src);

/* Whether the file at src->path is no longer the one src was read from:
 * gone, or its size, modification time (ns), device or inode differ (a
 * stamp field not known yet is learnt here, the first time the size and
 * seconds agree).  One stat; false for a source not read from a file
 * (decode_bytes, which library_open_head uses for a file's head). */
bool decode_changed(struct source *src);

/* Take the file's present stamp as src's own, so that decode_changed is
 * false until the file changes again (after a failed re-read). */
void decode_restamp(struct source *src);

/* Human name of an encoding, e.g. "UTF-8", "Windows-1252". */
const char *decode_encoding_name(enum source_encoding enc);

/* Walk lines: given *pos (a line start), sets [*line, *line_end) to the line
 * without its terminator and advances *pos past the terminator (LF, CR LF or
 * lone CR).  Returns false when *pos >= end. */
bool decode_next_line(const char *text, size_t end, size_t *pos,
                      size_t *line, size_t *line_end);

#endif
