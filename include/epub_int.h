/* epub_int.h — what epub.c, epub_sax.c and epub_zip.c share: private to
 * the EPUB reader, included by those three only.  epub_zip.c reads the
 * zip container; epub.c reads the
 * OPF's metadata and guide, the tree-walked TOC and the spine documents;
 * epub_sax.c reads the OPF's manifest and spine, the nav and the NCX from
 * libxml2's SAX events, and holds the string arena, href resolution and
 * the TOC list both use. */
#ifndef QUIRE_EPUB_INT_H
#define QUIRE_EPUB_INT_H

#include <locale.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

/* How every XML file of an EPUB is parsed: recovering, no network, quiet. */
#define XML_OPTS (XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_COMPACT)

/* ---- Strings kept for the whole reading ----
 * The book's item and TOC strings (ids, paths, media types, labels: six
 * for each of 3,000 chapters) are cut from big blocks and let go
 * together: mallocs and frees of them were 10 million instructions of a
 * cold first screen.  A zeroed struct arena is empty. */
struct arena {
    char **blocks;
    size_t n_blocks;
    char *cur;          /* the block being cut */
    size_t used, size;  /* bytes of it */
};

/* n bytes (not initialised) in a, kept until esax_arena_free(a). */
char *esax_arena_alloc(struct arena *a, size_t n);
/* s[0, n) and a NUL, in a. */
char *esax_arena_dup(struct arena *a, const char *s, size_t n);
/* s (NULL: NULL), in a. */
char *esax_arena_str(struct arena *a, const char *s);
/* Every string cut from a let go; a left empty. */
void esax_arena_free(struct arena *a);
/* src's strings kept in dst from now on (let go with it); src left
 * empty. */
void esax_arena_take(struct arena *dst, struct arena *src);

/* ---- Paths inside the container ---- */

/* Resolve `href` as written in the container file `from` (a path inside
 * the container, "" for the root) to the entry path it names: relative to
 * from's folder, percent-decoded, `.` and `..` applied but never above the
 * root.  The fragment (after '#', decoded) goes to *frag (malloc'd, NULL
 * when none; frag may be NULL).  Returns NULL for a reference outside the
 * container (a URL with a scheme) or to nothing; an empty path names
 * `from` itself.  The path is malloc'd. */
char *esax_resolve(const char *from, const char *href, char **frag);
/* esax_resolve with the path and fragment in ar (not malloc'd). */
char *esax_resolve_in(struct arena *ar, const char *from, const char *href, char **frag);

/* raw[0, len) with each run of white space (space, tab, CR, LF, FF) made
 * one space, none at the start or the end: the text of a TOC label or a
 * metadata element as epub.c's node_text gives it.  In ar, or malloc'd
 * when ar is NULL; "" when there is no text. */
char *esax_collapse_ws(struct arena *ar, const char *raw, size_t len);

/* Does the space-separated list `list` (NULL: none) hold `word`, ignoring
 * case? */
bool esax_has_word(const char *list, const char *word);

/* ---- The package ---- */

/* ---- The container (epub_zip.c) ----
 * The zip read in memory: nothing is written to disk, every entry is
 * inflated through a bounded loop that never trusts the sizes the
 * archive declares, and a name is only a name (a `../x` or `/x` entry is
 * looked up like any other, never extracted).  Zeroed: nothing open. */
struct ezip_entry;   /* epub_zip.c */
struct archive;      /* libarchive's */
struct epub_zip {
    const unsigned char *bytes;   /* the archive, n bytes (the caller's) */
    size_t n;
    struct ezip_entry *e;         /* the directory, n_e entries */
    size_t n_e;
    char *names;                  /* their names, each NUL-terminated */
    uint32_t *slots;              /* the names' hash table (epub_zip.c) */
    size_t n_slots;
    locale_t loc;                 /* C.UTF-8 when a name needed it, else 0 */
    struct archive *walker;       /* the seekable walk of the last entry read
                                     by walking, or NULL */
    uint64_t walk_data;           /* where the data of the entry it gave
                                     last starts (bytes into the archive) */
    uint64_t inflated;            /* bytes inflated so far, all entries */
};

/* Open the zip archive bytes[0, n) (kept by the caller until
 * ezip_close).  False with *err set when it is not a zip ("not a zip
 * archive"), is damaged ("damaged zip archive (truncated?): ..."), or has
 * more than 100,000 entries. */
bool ezip_open(const void *bytes, size_t n, struct epub_zip *z, char **err);
/* Let go of what ezip_open took; z left zeroed. */
void ezip_close(struct epub_zip *z);
/* The index of entry `name`, exact first, then ignoring ASCII case; -1
 * when there is none. */
long ezip_find(const struct epub_zip *z, const char *name);
/* How many entries the directory holds, and the name of entry i (in the
 * order of their local headers in the archive; i < ezip_count). */
size_t ezip_count(const struct epub_zip *z);
const char *ezip_name(const struct epub_zip *z, size_t i);
/* Inflate entry `name` (looked up as ezip_find) into a malloc'd
 * NUL-terminated buffer (*out, *len bytes, the NUL not counted).  Returns
 * 1 when read, 0 when there is no such entry (nothing set), -1 on an
 * error (*err set): a zip bomb (an entry past 64 MiB inflated, or past
 * 100 times its compressed size once over 1 MiB, or 512 MiB inflated
 * from all entries of z), a damaged entry, an encrypted one
 * ("DRM-protected: cannot be read (NAME is encrypted)"). */
int ezip_read(struct epub_zip *z, const char *name, char **out, size_t *len, char **err);

struct epub_item {
    char *id;
    char *path;      /* resolved entry path */
    char *media;     /* media-type */
    char *props;     /* properties (EPUB 3) */
    int guide;       /* 1 front, 2 back, from the EPUB 2 guide */
};

struct epub_toc {
    char *path;      /* resolved document path */
    char *frag;      /* fragment id or NULL */
    char *label;
    int depth;       /* 0 for the top level */
    bool sub;        /* a child pointing into its parent's document: a
                        part of a chapter, not a chapter */
};

/* An EPUB 3 landmark pointing inside a document: where its back matter
 * (epub:type backmatter, rearnotes, colophon) begins. */
struct epub_mark {
    char *path;
    char *frag;
};

struct epub {
    struct epub_zip z;
    char *opf_path;
    int version;               /* 2 or 3 */
    bool ao3, fff;
    struct epub_item *items;
    size_t n_items, cap_items;
    size_t *spine;             /* item indices, reading order: linear first */
    bool *nonlinear;
    size_t n_spine;
    size_t nav_item, ncx_item; /* SIZE_MAX when none */
    struct epub_toc *toc;
    size_t n_toc, cap_toc;
    struct epub_mark *marks;
    size_t n_marks, cap_marks;
    size_t *by_id;             /* items with an id, hashed: item_by_id */
    size_t n_by_id;
    struct arena ar;           /* the items' and the TOC's strings */
    /* A head's TOC read only in part (esax_read_nav_upto): the document
       (malloc'd), its path, its size, where the bytes not read start and
       which it is; toc_bytes NULL when the TOC was read whole. */
    char *toc_bytes;
    const char *toc_path;
    size_t toc_n, toc_rest;
    bool toc_ncx;              /* ... the NCX, not the nav */
};

/* A TOC entry appended to ep->toc: href resolved against the document
 * `from` (nothing added when it names nothing), label copied (both into
 * ep->ar), marked `sub` when its path is parent_path's (the entry it is
 * in, NULL at the top). */
void esax_add_toc(struct epub *ep, const char *from, const char *href, const char *label,
                  int depth, const char *parent_path);

/* An EPUB 3 landmark (an <a> of the landmarks nav, its epub:type `type`
 * and `href`, either may be NULL) appended to ep->marks (malloc'd) when
 * it is back matter (backmatter, rearnotes, colophon) and points inside
 * a document (href, resolved against `from`, has a fragment). */
void esax_add_mark(struct epub *ep, const char *from, const char *type, const char *href);

/* ---- The stream readings (epub_sax.c) ----
 * Each gives what the tree walk of epub.c gives, or gives up and leaves
 * the tree to be read.  QUIRE_TEST_EPUB_TREE=1 (tests) makes all three
 * give up at once. */

/* The nav document at `path` (bytes[0, n)) read into ep->toc and
 * ep->marks as read_toc's tree walk would (find_toc_nav, read_nav_list,
 * find_landmarks).  False when it gave up (nothing added): read the
 * tree. */
bool esax_read_nav(struct epub *ep, const char *path, const char *bytes, size_t n);
/* The NCX at `path` (bytes[0, n)) read into ep->toc as read_ncx_points
 * would.  False when it gave up (nothing added): read the tree. */
bool esax_read_ncx(struct epub *ep, const char *path, const char *bytes, size_t n);

/* esax_read_nav and esax_read_ncx for a head (epub_read_head): the same
 * reading, but libxml2 is stopped once `stop_after` entries (nav: of the
 * toc nav; NCX: navPoints of the first navMap, nested ones counted) are
 * read and a top-level entry has just closed, when the document is read
 * without conversion (UTF-8, one input).  *rest: where the bytes never
 * read start (n when read to the end; stop_after 0 never stops).  The
 * entries read are then the whole reading's first ones, as it gives
 * them; whether an entry after them would have changed what the head
 * converts is the caller's to check (epub.c's toc_prefix_ok). */
bool esax_read_nav_upto(struct epub *ep, const char *path, const char *bytes, size_t n,
                        size_t stop_after, size_t *rest);
bool esax_read_ncx_upto(struct epub *ep, const char *path, const char *bytes, size_t n,
                        size_t stop_after, size_t *rest);

/* Tests: how many heads (epub_read_head) this process made from a TOC
 * read in part (toc_prefix_ok said it was enough), and how many it read
 * again with the whole TOC (it was not). */
void epub_head_toc_counts(size_t *partial, size_t *again);

/* The OPF's manifest items and spine itemrefs, taken from the stream. */
enum { OPF_ITEM, OPF_ITEMREF };

struct opf_rec {
    const xmlNode *parent;   /* the manifest or spine element */
    int kind;
    char *a[4];              /* item: id href media-type properties;
                                itemref: idref linear */
};

struct opf_sax {
    struct arena ar;         /* the recs' strings */
    bool bail;
    int skip;                /* the skipped item's depth (libxml2's nameNr
                                inside it), 0 none */
    struct opf_rec *recs;
    size_t n_recs, cap_recs;
    const xmlChar *parent_name;   /* the last start's parent's name ... */
    int parent_kind;              /* ... 0 manifest, 1 spine, 2 other */
};

/* The OPF's tree (bytes[0, n), parsed as xml_parse parses it) without its
 * items and itemrefs, which go to s->recs (each with the tree element it
 * was in: compare with the manifest and spine nodes).  NULL with s empty
 * when the tree must be read whole; else free s with esax_opf_free and
 * the document with xmlFreeDoc. */
xmlDocPtr esax_opf_parse(const char *bytes, size_t n, struct opf_sax *s);
void esax_opf_free(struct opf_sax *s);

#endif
