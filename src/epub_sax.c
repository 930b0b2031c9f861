/* epub_sax.c — the EPUB reader's stream readings and what they share with
 * epub.c: the OPF's manifest and spine, the nav document and the NCX read
 * from libxml2's SAX events (each giving up, for epub.c to read the tree
 * instead, on anything the tree would read otherwise), and under them the
 * string arena, href resolution inside the container and the TOC list.
 * epub_int.h says what epub.c calls. */
#include "epub_int.h"
#include "util.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>

/* ---------------------------------------------------------------------- */
/* Strings kept for the whole reading                                      */

#define ARENA_BLOCK ((size_t)64 * 1024)

char *esax_arena_alloc(struct arena *a, size_t n)
{
    if (!a->cur || a->size - a->used < n) {
        size_t sz = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        a->blocks = xreallocarray(a->blocks, a->n_blocks + 1, sizeof *a->blocks);
        a->cur = a->blocks[a->n_blocks++] = xmalloc(sz);
        a->used = 0;
        a->size = sz;
    }
    char *p = a->cur + a->used;
    a->used += n;
    return p;
}

/* s[0, n) and a NUL, in a. */
char *esax_arena_dup(struct arena *a, const char *s, size_t n)
{
    char *p = esax_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* s (NULL: NULL), in a. */
char *esax_arena_str(struct arena *a, const char *s)
{
    return s ? esax_arena_dup(a, s, strlen(s)) : NULL;
}

void esax_arena_take(struct arena *dst, struct arena *src)
{
    if (!src->n_blocks)
        return;
    dst->blocks = xreallocarray(dst->blocks, dst->n_blocks + src->n_blocks, sizeof *dst->blocks);
    memcpy(dst->blocks + dst->n_blocks, src->blocks, src->n_blocks * sizeof *src->blocks);
    dst->n_blocks += src->n_blocks;
    free(src->blocks);
    memset(src, 0, sizeof *src);   /* dst->cur stays the block it cuts */
}

void esax_arena_free(struct arena *a)
{
    for (size_t i = 0; i < a->n_blocks; i++)
        free(a->blocks[i]);
    free(a->blocks);
    memset(a, 0, sizeof *a);
}

/* ---------------------------------------------------------------------- */
/* Paths inside the container                                              */

/* s[0, n) with %XX decoded (malloc'd). */
static char *pct_decode(const char *s, size_t n)
{
    char *o = xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int h, l;
        if (s[i] == '%' && i + 2 < n && (h = hex_digit((unsigned char)s[i + 1])) >= 0 &&
            (l = hex_digit((unsigned char)s[i + 2])) >= 0 && (h || l)) {
            o[k++] = (char)(h * 16 + l);
            i += 2;
        } else {
            o[k++] = s[i];
        }
    }
    o[k] = '\0';
    return o;
}

/* esax_resolve's common case, in one allocation: an href of letters,
 * digits, '_', '-', '.' and inner single '/'s, with no "." or ".."
 * segment (and no scheme, '%', '?' or white space), then an optional
 * fragment without '%': from's folder joined to it.  NULL (nothing set)
 * when the href is not of that kind.  A book of 3,000 chapters resolves
 * 6,000 such hrefs before its first screen. */
static char *resolve_plain(struct arena *ar, const char *from, const char *href, char **frag)
{
    size_t i = 0, seg = 0;
    for (;; i++) {
        unsigned char c = (unsigned char)href[i];
        if (isalnum(c) || c == '_' || c == '-' || c == '.') {
            seg++;
            continue;
        }
        if (c == '/' && seg > 0 && !(seg == 1 && href[i - 1] == '.') &&
            !(seg == 2 && href[i - 1] == '.' && href[i - 2] == '.')) {
            seg = 0;
            continue;
        }
        if (c != '\0' && c != '#')
            return NULL;
        break;
    }
    /* the last segment: not empty, ".", ".." */
    if (seg == 0 || (seg == 1 && href[i - 1] == '.') ||
        (seg == 2 && href[i - 1] == '.' && href[i - 2] == '.'))
        return NULL;
    const char *hash = href[i] == '#' ? href + i : NULL;
    if (hash && strchr(hash, '%'))
        return NULL;
    const char *slash = strrchr(from, '/');
    size_t dl = slash ? (size_t)(slash - from) : 0;
    char *out = ar ? esax_arena_alloc(ar, dl + 1 + i + 1) : xmalloc(dl + 1 + i + 1);
    memcpy(out, from, dl);
    size_t o = dl;
    if (dl)
        out[o++] = '/';
    memcpy(out + o, href, i);
    out[o + i] = '\0';
    if (frag)
        *frag = !hash || !hash[1] ? NULL : ar ? esax_arena_str(ar, hash + 1) : xstrdup(hash + 1);
    return out;
}

char *esax_resolve(const char *from, const char *href, char **frag)
{
    if (frag)
        *frag = NULL;
    if (!href)
        return NULL;
    char *plain = resolve_plain(NULL, from, href, frag);
    if (plain)
        return plain;
    while (*href == ' ' || *href == '\t' || *href == '\n' || *href == '\r')
        href++;
    /* A scheme: letters, digits, + - . then ':' before any '/', '?' or '#'. */
    for (const char *p = href; *p && *p != '/' && *p != '?' && *p != '#'; p++) {
        if (*p == ':') {
            if (p > href && isalpha((unsigned char)href[0]))
                return NULL;
            break;
        }
        if (!isalnum((unsigned char)*p) && *p != '+' && *p != '-' && *p != '.')
            break;
    }
    size_t plen = strcspn(href, "#?");
    const char *hash = strchr(href, '#');
    if (frag && hash && hash[1])
        *frag = pct_decode(hash + 1, strlen(hash + 1));
    char *path = pct_decode(href, plen);
    /* sized once: the path never grows past from's folder and href */
    struct buf b = {0};
    b.cap = strlen(from) + plen + 2;
    b.data = xmalloc(b.cap);
    b.data[0] = '\0';
    if (path[0] == '\0') {
        buf_adds(&b, from);
    } else {
        if (path[0] != '/') {
            const char *slash = strrchr(from, '/');
            if (slash)
                buf_add(&b, from, (size_t)(slash - from));
        }
        /* Walk the segments of path onto b. */
        const char *p = path;
        while (*p) {
            size_t sl = strcspn(p, "/");
            if (sl == 0 || (sl == 1 && p[0] == '.')) {
                /* nothing */
            } else if (sl == 2 && p[0] == '.' && p[1] == '.') {
                char *last = b.data ? strrchr(b.data, '/') : NULL;
                if (last) {
                    b.len = (size_t)(last - b.data);
                    b.data[b.len] = '\0';
                } else if (b.data) {
                    b.len = 0;
                    b.data[0] = '\0';
                }
            } else {
                if (b.len)
                    buf_addc(&b, '/');
                buf_add(&b, p, sl);
            }
            p += sl;
            if (*p == '/')
                p++;
        }
    }
    free(path);
    if (!b.data || b.len == 0) {
        buf_free(&b);
        if (frag) {
            free(*frag);
            *frag = NULL;
        }
        return NULL;
    }
    return b.data;
}

/* esax_resolve with the path and fragment in ar. */
char *esax_resolve_in(struct arena *ar, const char *from, const char *href, char **frag)
{
    if (frag)
        *frag = NULL;
    char *p = href ? resolve_plain(ar, from, href, frag) : NULL;
    if (p || !href)
        return p;
    char *f = NULL;
    char *m = esax_resolve(from, href, frag ? &f : NULL);
    p = esax_arena_str(ar, m);
    if (frag)
        *frag = esax_arena_str(ar, f);
    free(m);
    free(f);
    return p;
}

/* ---------------------------------------------------------------------- */
/* Shared helpers                                                          */

/* Does the space-separated list `list` hold `word`? */
bool esax_has_word(const char *list, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = list; p && *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        size_t l = strcspn(p, " \t\n");
        if (l == wl && strncasecmp(p, word, wl) == 0)
            return true;
        p += l;
    }
    return false;
}

void esax_add_toc(struct epub *ep, const char *from, const char *href, const char *label,
                  int depth, const char *parent_path)
{
    char *frag;
    char *path = esax_resolve_in(&ep->ar, from, href, &frag);
    if (!path)
        return;
    XGROW(ep->toc, ep->cap_toc, ep->n_toc + 1);
    struct epub_toc *t = &ep->toc[ep->n_toc++];
    t->path = path;
    t->frag = frag;
    t->label = esax_arena_str(&ep->ar, label);
    t->depth = depth;
    t->sub = parent_path && strcmp(parent_path, path) == 0;
}

void esax_add_mark(struct epub *ep, const char *from, const char *type, const char *href)
{
    if (!type || !href ||
        !(esax_has_word(type, "backmatter") || esax_has_word(type, "rearnotes") ||
          esax_has_word(type, "colophon")))
        return;
    char *frag;
    char *path = esax_resolve(from, href, &frag);
    if (path && frag) {
        XGROW(ep->marks, ep->cap_marks, ep->n_marks + 1);
        ep->marks[ep->n_marks++] = (struct epub_mark){path, frag};
    } else {
        free(path);
        free(frag);
    }
}

/* ---- the nav document read as a stream ----------------------------------
 * A nav of 3,000 entries built as a tree and walked cost 25 million
 * instructions (libxml2's nodes made and freed, each attribute copied
 * out); esax_read_nav gives the same entries and landmarks (the tree
 * walk's rules: find_toc_nav, read_nav_list, node_text, find_landmarks)
 * from libxml2's SAX events, keeping nothing but them.  What it does not
 * read the same way (a declared entity, an attribute value holding a
 * reference or empty in a rebuilt value, elements nested past
 * NAV_SAX_DEPTH) makes it give up: the caller reads the tree. */

#define NAV_SAX_DEPTH 200

struct attr_view;

/* What the nav's and the NCX's SAX readings share, first in each one's
 * state (the parser context's _private): libxml2's events go through the
 * toc_* handlers below, which keep the depth and give up past
 * NAV_SAX_DEPTH, to these.  start: an element opens at t.depth (its
 * parent at t.depth - 1); end: the element at t.depth ends; text: raw
 * text inside t.depth's element, cont when it goes on the last event's
 * text (one tree node).  None is called once bail is set. */
struct toc_sax {
    bool bail;           /* gave up: the tree is read instead */
    int depth;           /* open elements */
    bool text_run;       /* the last event was text (one tree node) */
    void (*start)(void *s, const char *ln, size_t ll, const struct attr_view *v);
    void (*end)(void *s);
    void (*text)(void *s, const char *ch, size_t len, bool cont);
    /* A head's reading that may stop (esax_read_nav_upto): */
    size_t stop_after;   /* entries wanted before stopping; 0: read all */
    bool want_stop;      /* end set it: an entry list closed past stop_after */
    bool stopped;        /* libxml2 was stopped there ... */
    size_t rest;         /* ... and bytes[rest, n) were never read */
    const char *bytes;   /* the document, to check the stop offset */
    size_t n;
};

/* What an open element is to one TOC candidate's reading. */
enum nav_role { NR_NONE, NR_NAV, NR_LIST, NR_LI, NR_A };

struct nav_frame {
    enum nav_role role;
    int ld;              /* list depth (read_nav_list's depth) */
    long parent;         /* the list's parent entry (index in ents), -1 none */
    long me;             /* NR_LI: the last entry of this li, else parent */
    char *href;          /* NR_A: its href (malloc'd) or NULL */
};

struct nav_cand {
    bool on;             /* this candidate nav has been met */
    bool done;           /* ... and closed */
    bool list_chosen;    /* its first ol/ul child is read */
    int nav_depth;       /* depth of its nav element */
    int a_depth;         /* depth of the open NR_A, -1 none */
    struct buf label;    /* the open NR_A's raw text */
    bool label_stop;     /* text_walk's 1 MiB cut reached */
    struct epub_toc *ents;
    size_t n_ents, cap_ents;
    struct nav_frame fr[NAV_SAX_DEPTH + 2];
};

struct nav_sax {
    struct toc_sax t;
    struct epub *ep;
    const char *from;
    struct nav_cand c[2];   /* 0: the first nav; 1: the first toc nav */
    /* landmarks (find_landmarks/read_landmarks): per depth, 0 plain,
       1 inside a landmarks nav, 2 not looked into */
    unsigned char lm[NAV_SAX_DEPTH + 2];
};

/* An element's attributes as libxml2's SAX2 start gives them. */
struct attr_view {
    const xmlChar **x;
    int nx;
};

static char *sax_attr(bool *bail, struct arena *ar, const xmlChar **attrs, int nb,
                      const char *name);

/* Attribute `name` (any namespace), as sax_attr. */
static char *view_attr(bool *bail, const struct attr_view *v, const char *name)
{
    return sax_attr(bail, NULL, v->x, v->nx, name);
}

/* Attribute `name` (any namespace) of a SAX2 start: its value copied (in
 * ar, else malloc'd), as attr() reads it from the tree; NULL when absent;
 * sets *bail for a value attr() would read otherwise. */
static char *sax_attr(bool *bail, struct arena *ar, const xmlChar **attrs, int nb,
                      const char *name)
{
    for (int i = 0; i < nb; i++) {
        const xmlChar **a = attrs + 5 * i;
        /* an undeclared prefix stays in the tree's name ("p:type") */
        if (strcmp((const char *)a[0], name) != 0 || (a[1] && !a[2]))
            continue;
        const char *v = (const char *)a[3], *e = (const char *)a[4];
        if (memchr(v, '&', (size_t)(e - v)) || (v == e && *e == '\0')) {
            *bail = true;   /* a rebuilt value: entities, or nothing */
            return NULL;
        }
        return ar ? esax_arena_dup(ar, v, (size_t)(e - v)) : xstrndup(v, (size_t)(e - v));
    }
    return NULL;
}

/* Is the local name n[0, l) `name`, ignoring case (is_el's test)? */
static bool name_is(const char *n, size_t l, const char *name)
{
    return strncasecmp(n, name, l) == 0 && name[l] == '\0';
}

/* node_text's white space rule over raw text (epub.c's node_text uses it
 * too). */
char *esax_collapse_ws(struct arena *ar, const char *raw, size_t len)
{
    char *out = ar ? esax_arena_alloc(ar, len + 1) : xmalloc(len + 1);   /* never longer */
    size_t o = 0;
    bool space = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)raw[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            space = o > 0;
            continue;
        }
        if (space)
            out[o++] = ' ';
        space = false;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return out;
}

static void cand_start(struct nav_sax *s, struct nav_cand *c, const char *ln, size_t ll,
                       const struct attr_view *v)
{
    int d = s->t.depth;   /* the new element's depth (parent at d - 1) */
    struct nav_frame *p = &c->fr[d - 1], *f = &c->fr[d];
    memset(f, 0, sizeof *f);
    f->role = NR_NONE;
    if (p->role == NR_NAV && !c->list_chosen && (name_is(ln, ll, "ol") || name_is(ln, ll, "ul"))) {
        c->list_chosen = true;
        *f = (struct nav_frame){NR_LIST, 0, -1, -1, NULL};
    } else if (p->role == NR_LIST && name_is(ln, ll, "li")) {
        *f = (struct nav_frame){NR_LI, p->ld, p->parent, p->parent, NULL};
    } else if (p->role == NR_LI && name_is(ln, ll, "a")) {
        *f = (struct nav_frame){NR_A, p->ld, p->parent, -1, view_attr(&s->t.bail, v, "href")};
        c->a_depth = d;
        c->label.len = 0;
        c->label_stop = false;
    } else if (p->role == NR_LI && (name_is(ln, ll, "ol") || name_is(ln, ll, "ul")) && p->ld + 1 <= 32) {
        *f = (struct nav_frame){NR_LIST, p->ld + 1, p->me, -1, NULL};
    }
}

/* The open NR_A at depth d ends: its entry (esax_add_toc's). */
static void cand_end_a(struct nav_sax *s, struct nav_cand *c, int d)
{
    struct nav_frame *f = &c->fr[d], *li = &c->fr[d - 1];
    c->a_depth = -1;
    if (f->href) {
        char *frag;
        char *path = esax_resolve_in(&s->ep->ar, s->from, f->href, &frag);
        if (path) {
            char *label = esax_collapse_ws(&s->ep->ar, c->label.data ? c->label.data : "", c->label.len);
            XGROW(c->ents, c->cap_ents, c->n_ents + 1);
            const char *pp = f->parent >= 0 ? c->ents[f->parent].path : NULL;
            c->ents[c->n_ents] = (struct epub_toc){path, frag, label, f->ld,
                                                   pp && strcmp(pp, path) == 0};
            li->me = (long)c->n_ents++;
        }
        free(f->href);
        f->href = NULL;
    }
}

static void nav_on_start(void *u, const char *ln, size_t ll, const struct attr_view *v)
{
    struct nav_sax *s = u;
    int d = s->t.depth;
    /* the root itself is never the nav (the tree walks start below it) */
    bool nav = d > 1 && name_is(ln, ll, "nav");
    /* the TOC candidates */
    if (nav && !s->c[0].on) {
        s->c[0].on = true;
        s->c[0].nav_depth = d;
    }
    if (nav && !s->c[1].on) {
        char *t = view_attr(&s->t.bail, v, "type");
        if (t && esax_has_word(t, "toc")) {
            s->c[1].on = true;
            s->c[1].nav_depth = d;
            s->c[0].done = true;   /* the toc nav wins: the first nav is not read on */
        }
        free(t);
    }
    for (int k = 0; k < 2; k++) {
        struct nav_cand *c = &s->c[k];
        if (!c->on || c->done)
            continue;
        if (c->nav_depth == d) {
            memset(&c->fr[d], 0, sizeof c->fr[d]);
            c->fr[d].role = NR_NAV;
        } else {
            cand_start(s, c, ln, ll, v);
        }
    }
    /* landmarks */
    unsigned char pl = s->lm[d - 1];
    s->lm[d] = 0;
    if (pl == 2) {
        s->lm[d] = 2;
    } else if (pl == 1) {
        if (name_is(ln, ll, "a")) {
            s->lm[d] = 2;
            char *t = view_attr(&s->t.bail, v, "type");
            char *href = view_attr(&s->t.bail, v, "href");
            esax_add_mark(s->ep, s->from, t, href);
            free(t);
            free(href);
        } else {
            s->lm[d] = 1;
        }
    } else if (nav) {
        char *t = view_attr(&s->t.bail, v, "type");
        s->lm[d] = t && esax_has_word(t, "landmarks") ? 1 : 2;
        free(t);
    }
}

static void nav_on_end(void *u)
{
    struct nav_sax *s = u;
    int d = s->t.depth;
    for (int k = 0; k < 2; k++) {
        struct nav_cand *c = &s->c[k];
        if (!c->on || c->done)
            continue;
        if (c->nav_depth == d)
            c->done = true;
        else if (c->fr[d].role == NR_A)
            cand_end_a(s, c, d);
        /* a head: the toc nav's top-level entry closed, and enough read */
        else if (k == 1 && s->t.stop_after && c->fr[d].role == NR_LI && c->fr[d].ld == 0 &&
                 c->n_ents >= s->t.stop_after)
            s->t.want_stop = true;
    }
}

static void nav_on_text(void *u, const char *ch, size_t len, bool cont)
{
    struct nav_sax *s = u;
    for (int k = 0; k < 2; k++) {
        struct nav_cand *c = &s->c[k];
        if (!c->on || c->done || c->a_depth < 0 || s->t.depth - c->a_depth > 64)
            continue;
        /* text_walk: a node starts only while the text is under 1 MiB */
        if (!cont && c->label.len > ((size_t)1 << 20))
            c->label_stop = true;
        if (!c->label_stop)
            buf_add(&c->label, ch, len);
    }
}

/* An element opens, to t->start. */
static void toc_open(struct toc_sax *t, const char *ln, size_t ll, const struct attr_view *v)
{
    t->text_run = false;
    if (t->bail)
        return;
    if (++t->depth > NAV_SAX_DEPTH) {
        t->bail = true;
        return;
    }
    t->start(t, ln, ll, v);
}

/* The innermost open element ends, to t->end. */
static void toc_close(struct toc_sax *t)
{
    t->text_run = false;
    if (t->bail || t->depth <= 0)
        return;
    t->end(t);
    t->depth--;
}

/* Text, to t->text. */
static void toc_chars(struct toc_sax *t, const char *ch, size_t len)
{
    bool cont = t->text_run;   /* the same text node as the last chunk */
    t->text_run = true;
    if (!t->bail)
        t->text(t, ch, len, cont);
}

/* libxml2's SAX2 events, to a toc_sax.  Recovering, libxml2 may abandon
 * a start tag it could not finish (its node made, then popped, with no
 * end event): each event first closes what libxml2's element stack
 * (nameNr) no longer holds, as the tree has it: ended there, empty. */
static void toc_sync(void *ctx)
{
    xmlParserCtxtPtr ctxt = ctx;
    struct toc_sax *t = ctxt->_private;
    while (!t->bail && t->depth > ctxt->nameNr)
        toc_close(t);
}

static void toc_start(void *ctx, const xmlChar *ln, const xmlChar *prefix, const xmlChar *uri,
                      int nb_ns, const xmlChar **ns, int nb, int nb_def, const xmlChar **attrs)
{
    (void)nb_ns, (void)ns, (void)nb_def;
    toc_sync(ctx);
    struct toc_sax *t = ((xmlParserCtxtPtr)ctx)->_private;
    struct attr_view v = {attrs, nb};
    /* an undeclared prefix stays in the tree's name ("p:nav"): no name
       read here has a colon */
    if (prefix && !uri)
        ln = (const xmlChar *)":";
    toc_open(t, (const char *)ln, strlen((const char *)ln), &v);
}

/* t asked to stop after the end tag of `ln` just read: stop libxml2
 * there when the bytes not read yet are exactly bytes[rest, n) of the
 * document (one input, read without conversion: UTF-8 or ASCII, whose
 * offsets are the file's), else read on. */
static void toc_stop(xmlParserCtxtPtr ctxt, struct toc_sax *t, const char *ln)
{
    t->want_stop = false;
    xmlParserInputPtr in = ctxt->input;
    if (t->bail || ctxt->inputNr != 1 || !in || !in->buf || in->buf->encoder || !in->base ||
        in->cur < in->base)
        return;
    size_t off = (size_t)in->consumed + (size_t)(in->cur - in->base);
    /* the end tag just before it, "</li>" ("</li >", "</h:li>"), as a
       check of the arithmetic */
    if (off == 0 || off > t->n || t->bytes[off - 1] != '>')
        return;
    size_t q = off - 1, ll = strlen(ln);
    while (q > 0 && (t->bytes[q - 1] == ' ' || t->bytes[q - 1] == '\t' ||
                     t->bytes[q - 1] == '\r' || t->bytes[q - 1] == '\n'))
        q--;
    if (q < ll + 2 || memcmp(t->bytes + q - ll, ln, ll) != 0 ||
        (t->bytes[q - ll - 1] != '/' && t->bytes[q - ll - 1] != ':'))
        return;
    t->stopped = true;
    t->rest = off;
    xmlStopParser(ctxt);
}

static void toc_end(void *ctx, const xmlChar *ln, const xmlChar *prefix, const xmlChar *uri)
{
    (void)prefix, (void)uri;
    toc_sync(ctx);
    struct toc_sax *t = ((xmlParserCtxtPtr)ctx)->_private;
    toc_close(t);
    if (t->want_stop)
        toc_stop(ctx, t, (const char *)ln);
}

static void toc_text(void *ctx, const xmlChar *ch, int len)
{
    toc_sync(ctx);
    struct toc_sax *t = ((xmlParserCtxtPtr)ctx)->_private;
    toc_chars(t, (const char *)ch, (size_t)len);
}

/* a node of its own (CDATA, a reference, a comment, a PI): the text
 * after it is another node */
static void toc_node(void *ctx)
{
    toc_sync(ctx);
    ((struct toc_sax *)((xmlParserCtxtPtr)ctx)->_private)->text_run = false;
}

static void toc_cdata(void *ctx, const xmlChar *ch, int len)
{
    struct toc_sax *t = ((xmlParserCtxtPtr)ctx)->_private;
    toc_node(ctx);
    toc_chars(t, (const char *)ch, (size_t)len);
    toc_node(ctx);
}

static void toc_reference(void *ctx, const xmlChar *name)
{
    (void)name;   /* an undeclared entity: text_walk shows nothing of it */
    toc_node(ctx);
}

static void toc_comment(void *ctx, const xmlChar *text)
{
    (void)text;
    toc_node(ctx);
}

static void toc_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    (void)target, (void)data;
    toc_node(ctx);
}

static void toc_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
                            const xmlChar *sys, xmlChar *content)
{
    (void)name, (void)type, (void)pub, (void)sys, (void)content;
    ((struct toc_sax *)((xmlParserCtxtPtr)ctx)->_private)->bail = true;   /* the tree's rules */
}

/* The handlers a stream reading puts in place of the tree builder's
 * (the others stay libxml2's SAX2 ones). */
struct sax_events {
    startElementNsSAX2Func start;
    endElementNsSAX2Func end;
    charactersSAXFunc text;   /* characters and ignorable white space */
    cdataBlockSAXFunc cdata;
    referenceSAXFunc reference;
    commentSAXFunc comment;
    processingInstructionSAXFunc pi;
    entityDeclSAXFunc entity_decl;
};

/* bytes[0, n) parsed by libxml2 as xml_parse parses it (XML_OPTS), its
 * events to ev's handlers with `priv` as the context's _private.  The
 * document libxml2 kept (recovering, as xmlReadMemory keeps it; NULL:
 * none) is returned to be freed; *parsed (parsed may be NULL) false
 * when there was no parser to make (n past INT32_MAX, no memory):
 * nothing read. */
static xmlDocPtr sax_run(const char *bytes, size_t n, const struct sax_events *ev, void *priv,
                         bool *parsed)
{
    xmlParserCtxtPtr ctxt = n <= INT32_MAX ? xmlCreateMemoryParserCtxt(bytes, (int)n) : NULL;
    if (parsed)
        *parsed = ctxt != NULL;
    if (!ctxt)
        return NULL;
    xmlSAXHandler *h = ctxt->sax;
    h->startElementNs = ev->start;
    h->endElementNs = ev->end;
    h->characters = ev->text;
    h->ignorableWhitespace = ev->text;
    h->cdataBlock = ev->cdata;
    h->reference = ev->reference;
    h->entityDecl = ev->entity_decl;
    h->comment = ev->comment;
    h->processingInstruction = ev->pi;
    ctxt->_private = priv;
    xmlCtxtUseOptions(ctxt, XML_OPTS);
    xmlParseDocument(ctxt);
    xmlDocPtr doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    xmlFreeParserCtxt(ctxt);
    return doc;
}

/* bytes[0, n) parsed by libxml2 (recovering, as xml_parse) with its
 * events to t; what is still open at the end (a truncated document) is
 * closed, as the tree holds it.  The document (or NULL: none; the tree
 * walk reads nothing then) is returned to be freed; t->bail when t gave
 * up. */
static xmlDocPtr toc_parse(const char *bytes, size_t n, struct toc_sax *t)
{
    static const struct sax_events ev = {toc_start,     toc_end,     toc_text, toc_cdata,
                                         toc_reference, toc_comment, toc_pi,   toc_entity_decl};
    bool parsed;
    t->bytes = bytes;
    t->n = n;
    xmlDocPtr doc = sax_run(bytes, n, &ev, t, &parsed);
    if (!parsed) {
        t->bail = true;
        return NULL;
    }
    while (!t->bail && t->depth > 0)
        toc_close(t);
    return doc;
}

static void cand_free(struct nav_cand *c)
{
    free(c->ents);   /* their strings are in the epub's arena */
    for (int d = 0; d < NAV_SAX_DEPTH + 2; d++)
        free(c->fr[d].href);
    buf_free(&c->label);
}

static struct nav_sax *nav_state(struct epub *ep, const char *path)
{
    struct nav_sax *s = xcalloc(1, sizeof *s);
    s->t.start = nav_on_start;
    s->t.end = nav_on_end;
    s->t.text = nav_on_text;
    s->ep = ep;
    s->from = path;
    s->c[0].a_depth = s->c[1].a_depth = -1;
    return s;
}

/* s's entries to ep->toc (when `take`), then s freed; the landmarks s
 * added to ep->marks after the first `marks_before` dropped unless taken. */
static void nav_state_end(struct nav_sax *s, bool take, size_t marks_before)
{
    struct epub *ep = s->ep;
    if (take) {
        struct nav_cand *c = s->c[1].on ? &s->c[1] : &s->c[0];
        ep->toc = c->ents;
        ep->n_toc = c->n_ents;
        ep->cap_toc = c->cap_ents;
        c->ents = NULL;
        c->n_ents = c->cap_ents = 0;
    } else {
        for (size_t i = marks_before; i < ep->n_marks; i++) {
            free(ep->marks[i].path);
            free(ep->marks[i].frag);
        }
        ep->n_marks = marks_before;
    }
    cand_free(&s->c[0]);
    cand_free(&s->c[1]);
    free(s);
}

/* QUIRE_TEST_EPUB_TREE=1 (tests): the OPF, the nav and the NCX through
 * libxml2's tree only, to compare the SAX readings with. */
static bool epub_slow(void)
{
    const char *v = getenv("QUIRE_TEST_EPUB_TREE");
    return v && *v == '1';
}

/* The nav document at `path` (bytes[0, n)) read into ep->toc and
 * ep->marks as read_toc's tree walk would, from libxml2's SAX events.
 * False when it gave up (nothing added): read the tree. */
bool esax_read_nav(struct epub *ep, const char *path, const char *bytes, size_t n)
{
    size_t rest;
    return esax_read_nav_upto(ep, path, bytes, n, 0, &rest);
}

bool esax_read_nav_upto(struct epub *ep, const char *path, const char *bytes, size_t n,
                        size_t stop_after, size_t *rest)
{
    *rest = n;
    if (epub_slow())
        return false;
    size_t marks_before = ep->n_marks;
    struct nav_sax *s = nav_state(ep, path);
    s->t.stop_after = stop_after;
    xmlDocPtr doc = toc_parse(bytes, n, &s->t);
    bool ok = !s->t.bail;
    if (ok && s->t.stopped)
        *rest = s->t.rest;
    nav_state_end(s, ok && doc, marks_before);
    xmlFreeDoc(doc);
    return ok;
}

/* ---- the NCX read as a stream -------------------------------------------
 * An EPUB 2 book (FanFicFare's are) has its table of contents only in the
 * NCX: 3,000 navPoints for 3,000 chapters.  esax_read_ncx keeps, from
 * libxml2's SAX events, only the navPoints read_ncx_points would read
 * (the first navMap's, each a direct child of the map or of such a
 * navPoint, 32 deep) with their label (the text of the first `text`
 * element under the first navLabel under the navPoint) and src (of its
 * last direct `content` child), then adds the entries in the tree walk's
 * order.  It gives up as esax_read_nav does. */

struct ncx_point {
    long parent;          /* index of the navPoint it is in, -1: the map */
    int depth;            /* read_ncx_points's depth */
    int el_depth;         /* its element's depth */
    int label_depth;      /* its navLabel's depth: 0 not met; -1 done */
    int text_depth;       /* its text element's depth: 0 not met; -1 done */
    struct buf text;      /* that text, raw */
    bool text_stop;       /* text_walk's 1 MiB cut */
    char *src;            /* of its last direct content child (malloc'd) */
    long first_child, next_sib;   /* the kept points in it, in order */
};

struct ncx_sax {
    struct toc_sax t;
    int map_depth;        /* the navMap's depth: 0 not met, -1 closed */
    struct ncx_point *pts;
    size_t n_pts, cap_pts;
    long open[NAV_SAX_DEPTH + 2];   /* per depth: the navPoint there, or -1 */
    long ostack[NAV_SAX_DEPTH + 2]; /* the open kept navPoints, outermost first */
    int n_open;
    long last_child[NAV_SAX_DEPTH + 2];   /* per open point (by ostack slot),
                                             and [n_open] for the map: the
                                             last kept point in it */
    long first_top;       /* the map's first kept point */
};

static void ncx_on_start(void *u, const char *ln, size_t ll, const struct attr_view *v)
{
    struct ncx_sax *s = u;
    int d = s->t.depth;
    s->open[d] = -1;
    if (s->map_depth == 0 && name_is(ln, ll, "navMap")) {
        s->map_depth = d;
        return;
    }
    if (s->map_depth <= 0)
        return;
    long par = s->open[d - 1];
    /* labels: the first navLabel below each open navPoint, then the first
       text below that navLabel */
    for (int k = 0; k < s->n_open; k++) {
        struct ncx_point *p = &s->pts[s->ostack[k]];
        if (p->label_depth == 0 && name_is(ln, ll, "navLabel"))
            p->label_depth = d;
        else if (p->label_depth > 0 && p->text_depth == 0 && d > p->label_depth &&
                 name_is(ln, ll, "text"))
            p->text_depth = d;
    }
    bool in_map = d == s->map_depth + 1;
    if (name_is(ln, ll, "navPoint") && (in_map || par >= 0)) {
        int depth = in_map ? 0 : s->pts[par].depth + 1;
        if (depth > 32)
            return;
        XGROW(s->pts, s->cap_pts, s->n_pts + 1);
        long me = (long)s->n_pts++;
        struct ncx_point *p = &s->pts[me];
        memset(p, 0, sizeof *p);
        p->parent = in_map ? -1 : par;
        p->depth = depth;
        p->el_depth = d;
        p->first_child = p->next_sib = -1;
        /* linked after the last kept point of its parent (the map: the
           slot past the open points; a point: its ostack slot) */
        int slot = in_map ? 0 : s->n_open;   /* in_map: nothing is open */
        long last = s->last_child[slot];
        if (last >= 0)
            s->pts[last].next_sib = me;
        else if (in_map)
            s->first_top = me;
        else
            s->pts[par].first_child = me;
        s->last_child[slot] = me;
        s->open[d] = me;
        s->ostack[s->n_open++] = me;
        s->last_child[s->n_open] = -1;
    } else if (par >= 0 && name_is(ln, ll, "content")) {
        struct ncx_point *p = &s->pts[par];
        free(p->src);
        p->src = view_attr(&s->t.bail, v, "src");
    }
}

static void ncx_on_end(void *u)
{
    struct ncx_sax *s = u;
    int d = s->t.depth;
    if (d == s->map_depth)
        s->map_depth = -1;
    for (int k = 0; k < s->n_open; k++) {
        struct ncx_point *p = &s->pts[s->ostack[k]];
        if (p->text_depth == d)
            p->text_depth = -1;
        if (p->label_depth == d)
            p->label_depth = -1;
    }
    if (s->n_open && s->pts[s->ostack[s->n_open - 1]].el_depth == d) {
        s->n_open--;   /* a kept point closes */
        /* a head: a top-level point of the map closed, and enough read */
        if (s->n_open == 0 && s->map_depth > 0 && s->t.stop_after &&
            s->n_pts >= s->t.stop_after)
            s->t.want_stop = true;
    }
}

static void ncx_on_text(void *u, const char *ch, size_t len, bool cont)
{
    struct ncx_sax *s = u;
    for (int k = 0; k < s->n_open; k++) {
        struct ncx_point *p = &s->pts[s->ostack[k]];
        if (p->text_depth <= 0 || s->t.depth - p->text_depth > 64)
            continue;
        if (!cont && p->text.len > ((size_t)1 << 20))
            p->text_stop = true;
        if (!p->text_stop)
            buf_add(&p->text, ch, len);
    }
}

/* read_ncx_points over the points kept from `first` on (siblings in
 * order), each before the points in it. */
static void ncx_add(struct epub *ep, const char *from, const struct ncx_sax *s, long first,
                    const char *parent_path)
{
    for (long i = first; i >= 0; i = s->pts[i].next_sib) {
        const struct ncx_point *p = &s->pts[i];
        size_t before = ep->n_toc;
        if (p->src) {
            const char *raw = p->text.data ? p->text.data : "";
            esax_add_toc(ep, from, p->src, esax_collapse_ws(&ep->ar, raw, p->text.len), p->depth,
                    parent_path);
        }
        const char *me = ep->n_toc > before ? ep->toc[ep->n_toc - 1].path : parent_path;
        ncx_add(ep, from, s, p->first_child, me);
    }
}

/* The NCX at `path` (bytes[0, n)) read into ep->toc as read_toc's tree
 * walk would, from libxml2's SAX events.  False when it gave up (nothing
 * added): read the tree. */
bool esax_read_ncx(struct epub *ep, const char *path, const char *bytes, size_t n)
{
    size_t rest;
    return esax_read_ncx_upto(ep, path, bytes, n, 0, &rest);
}

bool esax_read_ncx_upto(struct epub *ep, const char *path, const char *bytes, size_t n,
                        size_t stop_after, size_t *rest)
{
    *rest = n;
    if (epub_slow())
        return false;
    struct ncx_sax *s = xcalloc(1, sizeof *s);
    s->t.start = ncx_on_start;
    s->t.end = ncx_on_end;
    s->t.text = ncx_on_text;
    s->t.stop_after = stop_after;
    s->first_top = -1;
    s->last_child[0] = -1;
    xmlDocPtr doc = toc_parse(bytes, n, &s->t);
    bool ok = !s->t.bail;
    if (ok && s->t.stopped)
        *rest = s->t.rest;
    if (ok && doc)
        ncx_add(ep, path, s, s->first_top, NULL);
    for (size_t i = 0; i < s->n_pts; i++) {
        buf_free(&s->pts[i].text);
        free(s->pts[i].src);
    }
    free(s->pts);
    free(s);
    xmlFreeDoc(doc);
    return ok;
}

/* ---- the OPF's manifest and spine read as a stream ----------------------
 * The OPF is built as a tree (its metadata and guide are read from it),
 * but for the manifest's items and the spine's itemrefs, 6,000 of them in
 * a book of 3,000 chapters: those are taken from libxml2's SAX events
 * (their attributes as attr() would read them) and never built, which
 * halves what the tree costs to make and free.  On anything those
 * attributes would read otherwise (see sax_attr), a declared entity, or
 * an element inside an item, the caller parses the plain tree. */

/* An item or itemref of `parent`: its attributes kept, the element skipped. */
static void opf_record(struct opf_sax *s, const xmlNode *parent, int kind,
                       const struct attr_view *v)
{
    static const char *const names[2][4] = {{"id", "href", "media-type", "properties"},
                                            {"idref", "linear", NULL, NULL}};
    XGROW(s->recs, s->cap_recs, s->n_recs + 1);
    struct opf_rec *r = &s->recs[s->n_recs++];
    memset(r, 0, sizeof *r);
    r->parent = parent;
    r->kind = kind;
    /* sax_attr for each name, in one walk of the attributes: the first
       of each name (any namespace) is the one read; 19,000 sax_attr
       calls cost 3 million instructions at 3,240 items */
    for (int i = 0; i < v->nx; i++) {
        const xmlChar **a = v->x + 5 * i;
        if (a[1] && !a[2])
            continue;   /* an undeclared prefix stays in the tree's name */
        for (int k = 0; k < 4 && names[kind][k]; k++) {
            if (r->a[k] || strcmp((const char *)a[0], names[kind][k]) != 0)
                continue;
            const char *val = (const char *)a[3], *e = (const char *)a[4];
            if (memchr(val, '&', (size_t)(e - val)) || (val == e && *e == '\0'))
                s->bail = true;   /* a rebuilt value: as sax_attr */
            else
                r->a[k] = esax_arena_dup(&s->ar, val, (size_t)(e - val));
            break;
        }
    }
}

/* Inside the skipped item (libxml2's element stack as deep as it)?  An
 * item whose start tag libxml2 abandoned (recovering: its node made, then
 * popped, no end event) is left when the stack is back above it. */
static bool opf_skipping(xmlParserCtxtPtr ctxt)
{
    struct opf_sax *s = ctxt->_private;
    if (s->skip && ctxt->nameNr < s->skip)
        s->skip = 0;
    return s->skip != 0;
}

/* Content inside a skipped item: the tree would hold it (an ill-formed
 * OPF may nest the manifest in an element whose text is read, such as
 * an unclosed dc:creator), so the plain tree is read instead. */
static bool opf_content_ok(xmlParserCtxtPtr ctxt)
{
    if (!opf_skipping(ctxt))
        return true;
    ((struct opf_sax *)ctxt->_private)->bail = true;
    return false;
}

static void opf_start(void *ctx, const xmlChar *ln, const xmlChar *prefix, const xmlChar *uri,
                      int nb_ns, const xmlChar **ns, int nb, int nb_def, const xmlChar **attrs)
{
    xmlParserCtxtPtr ctxt = ctx;
    struct opf_sax *s = ctxt->_private;
    if (opf_skipping(ctxt)) {
        s->bail = true;   /* an element inside an item: the tree's */
        return;
    }
    const xmlNode *p = ctxt->node;
    int kind = -1;
    size_t ll = prefix && !uri ? 0 : strlen((const char *)ln);   /* "p:item": no item */
    /* what the parent is (0 manifest, 1 spine, 2 neither), by its name:
       the same name as the last element's parent (libxml2's dictionary
       keeps one copy of each) is not compared again */
    if (ll && p && p->name && p->name != s->parent_name) {
        s->parent_name = p->name;
        s->parent_kind = strcasecmp((const char *)p->name, "manifest") == 0 ? 0
                         : strcasecmp((const char *)p->name, "spine") == 0  ? 1
                                                                           : 2;
    }
    if (ll && p && p->name && s->parent_kind == 0 && name_is((const char *)ln, ll, "item"))
        kind = OPF_ITEM;
    else if (ll && p && p->name && s->parent_kind == 1 && name_is((const char *)ln, ll, "itemref"))
        kind = OPF_ITEMREF;
    if (kind < 0 || s->bail) {
        xmlSAX2StartElementNs(ctx, ln, prefix, uri, nb_ns, ns, nb, nb_def, attrs);
        return;
    }
    struct attr_view v = {attrs, nb};
    opf_record(s, p, kind, &v);
    s->skip = ctxt->nameNr + 1;   /* its depth once libxml2 has pushed it */
    /* the tree builder's node stack as if the item were made: the parent
       again (libxml2 pops it itself when it abandons the start tag) */
    nodePush(ctxt, ctxt->node);
}

static void opf_end(void *ctx, const xmlChar *ln, const xmlChar *prefix, const xmlChar *uri)
{
    xmlParserCtxtPtr ctxt = ctx;
    struct opf_sax *s = ctxt->_private;
    if (opf_skipping(ctxt)) {
        if (ctxt->nameNr == s->skip) {
            s->skip = 0;   /* the item's own end */
            nodePop(ctxt);
        }
        return;
    }
    xmlSAX2EndElementNs(ctx, ln, prefix, uri);
}

static void opf_text(void *ctx, const xmlChar *ch, int len)
{
    if (opf_content_ok(ctx))
        xmlSAX2Characters(ctx, ch, len);
}

static void opf_cdata(void *ctx, const xmlChar *ch, int len)
{
    if (opf_content_ok(ctx))
        xmlSAX2CDataBlock(ctx, ch, len);
}

static void opf_reference(void *ctx, const xmlChar *name)
{
    if (opf_content_ok(ctx))
        xmlSAX2Reference(ctx, name);
}

static void opf_comment(void *ctx, const xmlChar *text)
{
    if (opf_content_ok(ctx))
        xmlSAX2Comment(ctx, text);
}

static void opf_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    if (opf_content_ok(ctx))
        xmlSAX2ProcessingInstruction(ctx, target, data);
}

static void opf_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
                            const xmlChar *sys, xmlChar *content)
{
    struct opf_sax *s = ((xmlParserCtxtPtr)ctx)->_private;
    s->bail = true;   /* declared entities: the plain tree's rules */
    xmlSAX2EntityDecl(ctx, name, type, pub, sys, content);
}

void esax_opf_free(struct opf_sax *s)
{
    esax_arena_free(&s->ar);   /* the recs' strings */
    free(s->recs);
    memset(s, 0, sizeof *s);
}

/* The OPF's tree without its items and itemrefs (in s->recs); NULL with
 * s empty when the tree must be read whole (xml_parse). */
xmlDocPtr esax_opf_parse(const char *bytes, size_t n, struct opf_sax *s)
{
    static const struct sax_events ev = {opf_start,     opf_end,     opf_text, opf_cdata,
                                         opf_reference, opf_comment, opf_pi,   opf_entity_decl};
    memset(s, 0, sizeof *s);
    if (n > INT32_MAX || epub_slow())
        return NULL;
    xmlDocPtr doc = sax_run(bytes, n, &ev, s, NULL);
    if (s->bail || !doc) {
        xmlFreeDoc(doc);
        esax_opf_free(s);
        return NULL;
    }
    return doc;
}
