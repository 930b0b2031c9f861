/* html.c — an HTML or XHTML document as quire's derived text (ebook_int.h).
 *
 * libxml2 parses (its HTML parser for tag soup, its XML parser for
 * XHTML; never the network, never a DTD, never an external entity, never
 * an entity's replacement text: an entity reference the XML parser leaves
 * in the tree shows as nothing unless it names an HTML character entity).
 * Then one walk of the tree, iterative (no recursion, so no depth limit),
 * writes the derived text block by block:
 *
 *   - inline text with HTML's white space collapsed, `*`, `_` and `\`
 *     escaped with a backslash, em/i/cite as `*...*` and strong/b as
 *     `**...**` (markers opened lazily at the first character, closed at
 *     the element's end, a line's end or the block's end, so white space
 *     always stays outside them);
 *   - a paragraph (p, div, ... any block element) is a BLOCK_PARA, or a
 *     BLOCK_VERSE when `<br>` split it into lines; two `<br>` in a row end
 *     the paragraph; headings are BLOCK_HEADING; lists, tables and `pre`
 *     one BLOCK_VERSE each (`- `/`1. ` markers, cells joined by ` | `);
 *   - `<hr>`, a paragraph that is only a scene-break marker and (when the
 *     document does not use them as mere spacing) an empty paragraph
 *     between text are one BLOCK_BREAK `* * *`;
 *   - blocks in a blockquote carry BLOCK_QUOTE; notes and prefaces
 *     BLOCK_FRONT, end notes and afterwords BLOCK_BACK.
 *
 * A first pass over the tree decides what the document is (AO3 download,
 * AO3 work page, FanFicFare, other HTML), which elements are chapter
 * headings, and reads the metadata; the second pass writes the text.
 * Blocks are separated by one blank line; block [off, end) never includes
 * the separator.  Deterministic: nothing depends on addresses or time. */
#include "ebook_int.h"
#include "parse.h"
#include "util.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

/* What kind of document a standalone file is. */
enum hmode { M_GENERIC, M_AO3_DL, M_AO3_PAGE, M_FFF };

/* Marks set on nodes (node->_private) by the first pass. */
#define MARK_CHAPTER ((void *)1) /* a chapter heading */
#define MARK_HEADING ((void *)2) /* the heading of an EPUB chapter document */
#define MARK_LAYOUT ((void *)3)  /* a table used for layout, its rows and cells */

/* What an open element does, kept on the walk's stack until it closes. */
enum what {
    W_INLINE, W_BLOCK, W_PARA, W_HEAD, W_EM, W_STRONG, W_LIST, W_LI, W_TABLE,
    W_ROW, W_CELL, W_PRE, W_QUOTE, W_Q, W_ROOT, W_UNDER, W_STRIKE,
};

struct frame {
    xmlNode *n;
    uint8_t what;     /* enum what */
    uint8_t flags;    /* c->flags before this element */
    size_t mark;      /* output position at open (empty paragraph test) */
    int counter;      /* ol: the next item number */
    bool ordered;
    char style;       /* ol: its type, how items are numbered: 1 a A i I */
};

struct conv {
    struct ebook *eb;
    struct buf out;       /* eb->text while converting */
    size_t blk_cap;
    enum html_role role;
    enum hmode mode;

    /* The block being built. */
    struct buf para;
    size_t line_start;    /* para offset where the current line's text starts */
    size_t line_begin;    /* para offset where the current line starts (a list
                             marker before line_start) */
    size_t lines;         /* line ends in para */
    bool space;           /* collapsed white space pending */
    int want[4];          /* depth of open elements wanting each style of
                             STYLES: italic, bold, underline, strike */
    char open[8];         /* markers written and not yet closed: 'i', 'b',
                             'u', 's' */
    int n_open;
    size_t *mk;           /* para offsets of the marker bytes written */
    size_t n_mk, mk_cap;
    size_t nospace_at;    /* para offset where a pending space is dropped
                             (after a list marker or a cell separator) */

    uint8_t flags;        /* BLOCK_FRONT / BLOCK_BACK / BLOCK_QUOTE from context */
    int in_head, in_list, in_table, in_pre;
    bool chapter_head;    /* the heading being built opens a chapter */
    bool break_pending;
    uint8_t last_kind;    /* kind of the chapter's last block; 0xff: none */
    bool spacer_breaks;   /* an empty <p> between text is a scene break */
    bool pre_chapter;     /* before the first chapter heading of a file that has some */

    /* Anchors not yet placed, and the caller's list. */
    struct html_anchor **anchors;
    size_t *n_anchors, anchor_cap, first_pending;

    /* Class names a <style> hides (`.name{display:none}`). */
    char **hidden;
    size_t n_hidden;
    /* Class names a <style> underlines or strikes through, and which. */
    char **deco;
    char deco_kind[64];
    size_t n_deco;
};

/* ---- small helpers --------------------------------------------------- */

/* The first bytes compared before xmlStrcasecmp: equal letters, either
 * case, have equal bytes with 0x20 set, so a mismatch there is a mismatch. */
static inline bool is_elem(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->name &&
           (n->name[0] | 0x20) == ((unsigned char)name[0] | 0x20) &&
           xmlStrcasecmp(n->name, (const xmlChar *)name) == 0;
}

/* The value of attribute a when it is one text node (as libxml2 builds
 * most), without a copy; else NULL (the caller asks xmlNodeGetContent).
 * An attribute without children is the empty value. */
static const char *attr_text(const xmlAttr *a)
{
    const xmlNode *t = a->children;
    if (!t)
        return "";
    if (t->type == XML_TEXT_NODE && !t->next)
        return t->content ? (const char *)t->content : "";
    return NULL;
}

static char *attr(const xmlNode *n, const char *name)
{
    if (!n || n->type != XML_ELEMENT_NODE)
        return NULL;
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        if (xmlStrcasecmp(a->name, (const xmlChar *)name) != 0)
            continue;
        xmlChar *v = xmlNodeGetContent((const xmlNode *)a);
        char *s = xstrdup(v ? (const char *)v : "");
        xmlFree(v);
        return s;
    }
    return NULL;
}

static bool has_attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (xmlStrcasecmp(a->name, (const xmlChar *)name) == 0)
            return true;
    return false;
}

/* Is `word` one of the white-space separated words of attribute `name`?
 * The value is read in place when it is one text node. */
static bool attr_has(const xmlNode *n, const char *name, const char *word)
{
    if (!n || n->type != XML_ELEMENT_NODE || !n->properties)
        return false;
    const xmlAttr *a = n->properties;
    while (a && xmlStrcasecmp(a->name, (const xmlChar *)name) != 0)
        a = a->next;
    if (!a)
        return false;
    const char *in_place = attr_text(a);
    char *v = in_place ? NULL : attr(n, name);
    const char *val = in_place ? in_place : v;
    bool found = false;
    size_t w = strlen(word);
    for (const char *p = val; *p && !found;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        const char *e = p;
        while (*e && !isspace((unsigned char)*e))
            e++;
        found = (size_t)(e - p) == w && strncasecmp(p, word, w) == 0;
        p = e;
    }
    free(v);
    return found;
}

static bool has_class(const xmlNode *n, const char *cls) { return attr_has(n, "class", cls); }

/* Does the element's epub:type (or its ARIA role "doc-WORD") say word? */
static bool epub_type_has(const xmlNode *n, const char *word)
{
    /* no attribute: none of the three below can say it */
    if (!n || n->type != XML_ELEMENT_NODE || !n->properties)
        return false;
    if (attr_has(n, "epub:type", word))
        return true;
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (a->ns && a->ns->prefix && !xmlStrcmp(a->ns->prefix, (const xmlChar *)"epub") &&
            !xmlStrcmp(a->name, (const xmlChar *)"type")) {
            const char *in_place = attr_text(a);
            xmlChar *v = in_place ? NULL : xmlNodeGetContent((const xmlNode *)a);
            bool hit = false;
            size_t w = strlen(word);
            for (const char *p = in_place ? in_place : v ? (const char *)v : ""; *p && !hit;) {
                while (*p == ' ')
                    p++;
                const char *e = p;
                while (*e && *e != ' ')
                    e++;
                hit = (size_t)(e - p) == w && !strncmp(p, word, w);
                p = e;
            }
            xmlFree(v);
            if (hit)
                return true;
        }
    /* "doc-" and word, cut at 63 bytes as before */
    char role[64];
    size_t w = strlen(word);
    if (w > sizeof role - 5)
        w = sizeof role - 5;
    memcpy(role, "doc-", 4);
    memcpy(role + 4, word, w);
    role[4 + w] = '\0';
    return attr_has(n, "role", role);
}

static bool id_is(const xmlNode *n, const char *id)
{
    char *v = attr(n, "id");
    bool r = v && strcmp(v, id) == 0;
    free(v);
    return r;
}

static bool id_starts(const xmlNode *n, const char *prefix)
{
    char *v = attr(n, "id");
    bool r = v && strncmp(v, prefix, strlen(prefix)) == 0;
    free(v);
    return r;
}

static bool is_ws(unsigned char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f'; }

/* Collapse white space (and U+00A0) of s into single spaces, trimmed. */
static char *collapse(const char *s)
{
    size_t n = s ? strlen(s) : 0, k = 0;
    char *r = xmalloc(n + 1);
    bool sp = false;
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if (is_ws(*p) || (p[0] == 0xC2 && p[1] == 0xA0)) {
            if (*p == 0xC2)
                p++;
            sp = true;
            continue;
        }
        if (sp && k)
            r[k++] = ' ';
        sp = false;
        r[k++] = (char)*p;
    }
    r[k] = '\0';
    return r;
}

/* The element's style attribute, white space and case aside (malloc'd), or
 * NULL. */
static char *style_of(const xmlNode *n)
{
    char *st = attr(n, "style");
    if (st) {
        char *q = st;
        for (char *p = st; *p; p++)
            if (!is_ws((unsigned char)*p))
                *q++ = (char)tolower((unsigned char)*p);
        *q = '\0';
    }
    return st;
}

/* Does a <span>'s style say `text-decoration: ...what...` (underline,
 * line-through): its style attribute, a class a <style> rule gives it, or
 * a class named for it (FanFicFare's EPUB underlines with `span.u` in a
 * stylesheet file html.c never sees)? */
static bool style_says(const struct conv *c, const xmlNode *n, const char *what)
{
    if (!is_elem(n, "span"))
        return false;
    char kind = strcmp(what, "underline") == 0 ? 'u' : 's';
    for (size_t i = 0; i < c->n_deco; i++)
        if (c->deco_kind[i] == kind && has_class(n, c->deco[i]))
            return true;
    if (kind == 'u' ? has_class(n, "u") || has_class(n, "underline")
                    : has_class(n, "strike") || has_class(n, "strikethrough") ||
                          has_class(n, "line-through"))
        return true;
    char *st = style_of(n);
    const char *d = st ? strstr(st, "text-decoration") : NULL;
    bool yes = false;
    if (d) {
        const char *e = strchr(d, ';');
        const char *w = strstr(d, what);
        yes = w && (!e || w < e);
    }
    free(st);
    return yes;
}

/* Is this element hidden from readers (never shown, never walked)? */
static bool hidden(const struct conv *c, const xmlNode *n)
{
    static const char *const never[] = {
        "script", "style", "head", "title", "template", "svg", "math", "object", "iframe",
        "noscript", "select", "button", "input", "textarea", "map", "audio", "video",
    };
    /* the first letters of never[]: no other name is one of them */
    if (n->name && memchr("abhimnostv", n->name[0] | 0x20, 10))
        for (size_t i = 0; i < sizeof never / sizeof *never; i++)
            if (is_elem(n, never[i]))
                return true;
    /* the cheap case first: every test below reads an attribute */
    if (!n->properties)
        return false;
    /* a forum quote's "Click to expand..." (XenForo) is no text */
    if (has_class(n, "bbCodeBlock-expandLink"))
        return true;
    /* a note's link back to its marker drawn as an arrow (pandoc's "↩︎",
       Standard Ebooks' "↩"): nothing a pager can follow; a link back that
       is the note's number stays */
    if (is_elem(n, "a") && (attr_has(n, "role", "doc-backlink") || epub_type_has(n, "backlink") ||
                            has_class(n, "footnote-back"))) {
        xmlChar *t = xmlNodeGetContent(n);
        bool mark = true;
        for (const xmlChar *q = t; q && *q && mark; q++)
            mark = !isalnum(*q);
        xmlFree(t);
        if (mark)
            return true;
    }
    /* page numbers of the printed book (epub:type pagebreak) are no text */
    if (has_attr(n, "hidden") || attr_has(n, "aria-hidden", "true") || epub_type_has(n, "pagebreak"))
        return true;
    char *st = style_of(n);
    if (st) {
        /* display:none, visibility:hidden, white space and case aside */
        bool none = strstr(st, "display:none") != NULL || strstr(st, "visibility:hidden") != NULL;
        free(st);
        if (none)
            return true;
    }
    for (size_t i = 0; i < c->n_hidden; i++)
        if (has_class(n, c->hidden[i]))
            return true;
    /* AO3's landmark headings ("Chapter Text") are for screen readers */
    if ((c->mode == M_AO3_PAGE || c->mode == M_AO3_DL) &&
        (has_class(n, "landmark") || has_class(n, "toc-heading")))
        return true;
    return false;
}

/* Text of a subtree (hidden elements and entity references skipped),
 * white space collapsed.  Bounded by the subtree's size. */
static void text_of_rec(const struct conv *c, const xmlNode *n, struct buf *b)
{
    /* iterative: the tree may be deep */
    const xmlNode *top = n, *p = n;
    while (p) {
        bool down = false;
        if (p->type == XML_TEXT_NODE || p->type == XML_CDATA_SECTION_NODE) {
            if (p->content)
                buf_adds(b, (const char *)p->content);
        } else if (p->type == XML_ELEMENT_NODE && (p == top || !c || !hidden(c, p))) {
            if (is_elem(p, "br") || is_elem(p, "p") || is_elem(p, "div") || is_elem(p, "td"))
                buf_addc(b, ' ');
            if (is_elem(p, "img")) {
                char *alt = attr(p, "alt");
                if (alt && *alt) {
                    buf_addc(b, ' ');
                    buf_adds(b, alt);
                    buf_addc(b, ' ');
                }
                free(alt);
            }
            down = p->children != NULL;
        }
        if (down) {
            p = p->children;
            continue;
        }
        while (p && p != top && !p->next)
            p = p->parent;
        if (!p || p == top)
            break;
        p = p->next;
    }
}

static char *text_of(const struct conv *c, const xmlNode *n)
{
    struct buf b = {0};
    text_of_rec(c, n, &b);
    char *s = collapse(b.data);
    buf_free(&b);
    return s;
}

/* Text t (malloc'd, freed here) appended to b after `sep` (when b holds
 * text already); an empty t adds nothing: the texts of several elements
 * joined. */
static void join_text(struct buf *b, char *t, const char *sep)
{
    if (*t) {
        if (b->len)
            buf_adds(b, sep);
        buf_adds(b, t);
    }
    free(t);
}

/* Iterative pre-order: the node after p within top, descending unless skip. */
static xmlNode *next_node(xmlNode *p, const xmlNode *top, bool skip)
{
    if (!skip && p->type == XML_ELEMENT_NODE && p->children)
        return p->children;
    while (p && p != top && !p->next)
        p = p->parent;
    if (!p || p == top)
        return NULL;
    return p->next;
}

/* ---- metadata -------------------------------------------------------- */

static void set_once(char **field, const char *v)
{
    if (!*field && v && *v)
        *field = xstrdup(v);
}

static void add_tag(struct parse_meta *m, const char *t, size_t n)
{
    while (n && (t[0] == ' '))
        t++, n--;
    while (n && (t[n - 1] == ' ' || t[n - 1] == ','))
        n--;
    if (!n)
        return;
    for (size_t i = 0; i < m->n_tags; i++)
        if (strlen(m->tags[i]) == n && memcmp(m->tags[i], t, n) == 0)
            return;
    m->tags = xreallocarray(m->tags, m->n_tags + 1, sizeof *m->tags);
    m->tags[m->n_tags++] = xstrndup(t, n);
}

/* A date YYYY-MM-DD found in v, or NULL. */
static char *find_date(const char *v)
{
    for (const char *p = v; *p; p++) {
        if (strlen(p) >= 10 && isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
            isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) && p[4] == '-' &&
            isdigit((unsigned char)p[5]) && isdigit((unsigned char)p[6]) && p[7] == '-' &&
            isdigit((unsigned char)p[8]) && isdigit((unsigned char)p[9]))
            return xstrndup(p, 10);
    }
    return NULL;
}

static void set_date(char **field, const char *v)
{
    if (*field)
        return;
    *field = find_date(v);
}

/* "Chapters: 3/3" complete, "3/5" or "3/?" in progress. */
static void chapters_status(struct parse_meta *m, const char *v)
{
    const char *sl = strchr(v, '/');
    if (!sl || m->status)
        return;
    const char *a = sl;
    while (a > v && isdigit((unsigned char)a[-1]))
        a--;
    if (a == sl)
        return;
    long done = strtol(a, NULL, 10);
    const char *b = sl + 1;
    while (*b == ' ')
        b++;
    if (*b == '?')
        m->status = xstrdup("in progress");
    else if (isdigit((unsigned char)*b))
        m->status = xstrdup(strtol(b, NULL, 10) == done ? "complete" : "in progress");
}

/* AO3's stats line: "Published: 2019-01-15 Updated: ... Chapters: 2/5 Words: 5193". */
static void ao3_stats(struct parse_meta *m, const char *v)
{
    const char *p;
    if ((p = strstr(v, "Published:")))
        set_date(&m->published, p + 10);
    if ((p = strstr(v, "Updated:")))
        set_date(&m->updated, p + 8);
    if ((p = strstr(v, "Completed:"))) {
        set_date(&m->updated, p + 10);
        set_once(&m->status, "complete");
    }
    if ((p = strstr(v, "Chapters:")))
        chapters_status(m, p + 9);
}

/* A `Label: value` pair from AO3's tags list or FanFicFare's title page. */
static void meta_label(struct parse_meta *m, const char *label, const char *v)
{
    char l[64];
    size_t n = 0;
    for (const char *p = label; *p && n + 1 < sizeof l; p++)
        if (*p != ':')
            l[n++] = (char)tolower((unsigned char)*p);
    while (n && l[n - 1] == ' ')
        n--;
    l[n] = '\0';
    if (!strcmp(l, "rating")) {
        set_once(&m->rating, v);
    } else if (!strcmp(l, "fandom") || !strcmp(l, "fandoms") || !strcmp(l, "relationship") ||
               !strcmp(l, "relationships") || !strcmp(l, "character") || !strcmp(l, "characters") ||
               !strcmp(l, "additional tags") || !strcmp(l, "category") || !strcmp(l, "categories") ||
               !strcmp(l, "genre") || !strcmp(l, "genres")) {
        /* AO3 and FanFicFare join tags with ", " */
        const char *p = v;
        while (*p) {
            const char *e = strstr(p, ", ");
            size_t k = e ? (size_t)(e - p) : strlen(p);
            add_tag(m, p, k);
            p += k + (e ? 2 : 0);
        }
    } else if (!strcmp(l, "series")) {
        if (m->series)
            return;
        const char *part = strstr(v, "Part ");
        const char *of = part ? strstr(part, " of ") : NULL;
        if (part && of && isdigit((unsigned char)part[5])) {
            /* AO3: "Part 2 of The Long Road" (a work page: "« Previous
               Work Part 2 of the The Long Road series Next Work »") */
            m->series_index = strtod(part + 5, NULL);
            char *name = xstrdup(of + 4);
            char *ser = strstr(name, " series");
            if (ser) {
                *ser = '\0';
                if (!strncmp(name, "the ", 4))
                    memmove(name, name + 4, strlen(name + 4) + 1);
            }
            m->series = name;
        } else {
            /* FanFicFare: "Name [12]" */
            char *s = xstrdup(v);
            char *br = strrchr(s, '[');
            if (br && br > s && br[-1] == ' ' && isdigit((unsigned char)br[1])) {
                m->series_index = strtod(br + 1, NULL);
                br[-1] = '\0';
            }
            m->series = s;
        }
    } else if (!strcmp(l, "stats")) {
        ao3_stats(m, v);
    } else if (!strcmp(l, "published")) {
        set_date(&m->published, v);
    } else if (!strcmp(l, "updated")) {
        set_date(&m->updated, v);
    } else if (!strcmp(l, "completed")) {
        set_date(&m->updated, v);
        set_once(&m->status, "complete");
    } else if (!strcmp(l, "status")) {
        if (!strncasecmp(v, "complete", 8))
            set_once(&m->status, "complete");
        else if (*v)
            set_once(&m->status, "in progress");
    } else if (!strcmp(l, "chapters")) {
        chapters_status(m, v);
    } else if (!strcmp(l, "language")) {
        set_once(&m->language, v);
    } else if (!strcmp(l, "summary") || !strcmp(l, "description")) {
        set_once(&m->summary, v);
    } else if (!strcmp(l, "story url") || !strcmp(l, "source") || !strcmp(l, "url")) {
        set_once(&m->source_url, v);
    }
}

/* A summary: the paragraphs of n, "\n\n" between them. */
static char *summary_of(const struct conv *c, const xmlNode *n)
{
    struct buf b = {0};
    bool any_p = false;
    for (xmlNode *p = n->children; p; p = p->next) {
        if (!is_elem(p, "p"))
            continue;
        any_p = true;
        join_text(&b, text_of(c, p), "\n\n");
    }
    if (!any_p)
        return text_of(c, n);
    return b.data ? b.data : xstrdup("");
}

/* ---- the first pass: what the document is ---------------------------- */

/* `.name{...display:none...}` rules of the document's <style> elements,
 * and `.name{...text-decoration: underline | line-through...}` ones (the
 * underline and strike of FanFicFare's `span.u`). */
static void style_hidden(struct conv *c, const char *css_in)
{
    /* comments out first */
    char *css = xstrdup(css_in), *w = css;
    for (const char *r = css_in; *r;) {
        if (r[0] == '/' && r[1] == '*') {
            const char *e = strstr(r + 2, "*/");
            r = e ? e + 2 : r + strlen(r);
            *w++ = ' ';
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    const char *p = css;
    while (p && *p) {
        const char *ob = strchr(p, '{');
        if (!ob)
            break;
        const char *cb = strchr(ob, '}');
        if (!cb)
            break;
        bool none = false;
        char deco = 0;   /* 'u' underline, 's' line-through */
        for (const char *q = ob; q + 15 <= cb && !deco; q++)
            if (!strncmp(q, "text-decoration", 15)) {
                const char *e = memchr(q, ';', (size_t)(cb - q));
                size_t m = (size_t)((e ? e : cb) - q);
                char *decl = xstrndup(q, m);
                deco = strstr(decl, "line-through") ? 's' : strstr(decl, "underline") ? 'u' : 0;
                free(decl);
            }
        for (const char *q = ob; q + 4 <= cb; q++)
            if (!strncmp(q, "none", 4)) {
                const char *d = q;
                while (d > ob && (d[-1] == ' ' || d[-1] == ':'))
                    d--;
                none = d - 7 >= ob && !strncmp(d - 7, "display", 7);
                if (none)
                    break;
            }
        if (none || deco) {
            const char *s = p;
            while (s < ob) {
                while (s < ob && (is_ws((unsigned char)*s) || *s == ','))
                    s++;
                const char *e = s;
                while (e < ob && *e != ',')
                    e++;
                const char *z = e;
                while (z > s && is_ws((unsigned char)z[-1]))
                    z--;
                /* exactly ".name" */
                bool simple = z - s > 1 && *s == '.';
                for (const char *k = s + 1; simple && k < z; k++)
                    simple = isalnum((unsigned char)*k) || *k == '-' || *k == '_';
                if (simple && none && c->n_hidden < 64) {
                    c->hidden = xreallocarray(c->hidden, c->n_hidden + 1, sizeof *c->hidden);
                    c->hidden[c->n_hidden++] = xstrndup(s + 1, (size_t)(z - s - 1));
                } else if (simple && deco && c->n_deco < 64) {
                    c->deco = xreallocarray(c->deco, c->n_deco + 1, sizeof *c->deco);
                    c->deco_kind[c->n_deco] = deco;
                    c->deco[c->n_deco++] = xstrndup(s + 1, (size_t)(z - s - 1));
                }
                s = e;
            }
        }
        p = cb + 1;
    }
    free(css);
}

static xmlNode *find_id(xmlNode *root, const char *id)
{
    for (xmlNode *p = root; p; p = next_node(p, root, false))
        if (p->type == XML_ELEMENT_NODE && id_is(p, id))
            return p;
    return NULL;
}

static int head_level(const xmlNode *n)
{
    if (!n || n->type != XML_ELEMENT_NODE || (n->name[0] | 0x20) != 'h' || !n->name[1] || n->name[2])
        return 0;
    int d = n->name[1] - '0';
    return d >= 1 && d <= 6 ? d : 0;
}

/* Fold for comparing a TOC title with a heading: letters and digits only,
 * ASCII lowercased. */
static char *fold(const char *s)
{
    char *r = xmalloc(strlen(s) + 1), *q = r;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0x80 || isalnum(*p))
            *q++ = (char)tolower(*p);
    *q = '\0';
    return r;
}

/* The AO3 metadata list (dl: dt label, dd value). */
static void read_dl(struct conv *c, const xmlNode *dl)
{
    struct parse_meta *m = &c->eb->pr.meta;
    char *label = NULL;
    for (xmlNode *p = dl->children; p; p = p->next) {
        if (is_elem(p, "dt")) {
            free(label);
            label = text_of(NULL, p);
        } else if (is_elem(p, "dd") && label) {
            if (has_class(p, "stats")) {
                /* a work page: a nested dl of dt/dd pairs */
                struct buf b = {0};
                for (xmlNode *q = p; q; q = next_node(q, p, false))
                    if (is_elem(q, "dt") || is_elem(q, "dd")) {
                        char *t = text_of(NULL, q);
                        buf_printf(&b, "%s ", t);
                        free(t);
                    }
                if (b.data)
                    ao3_stats(m, b.data);
                buf_free(&b);
                continue;
            }
            /* tags: one per link (or per li), else the text */
            size_t before = m->n_tags;
            bool tagsy = strncasecmp(label, "Rating", 6) && strncasecmp(label, "Series", 6) &&
                         strncasecmp(label, "Stats", 5) && strncasecmp(label, "Language", 8);
            if (tagsy) {
                char l[64];
                snprintf(l, sizeof l, "%s", label);
                size_t k = strlen(l);
                while (k && (l[k - 1] == ':' || l[k - 1] == ' '))
                    l[--k] = '\0';
                bool want = !strcasecmp(l, "Fandom") || !strcasecmp(l, "Fandoms") ||
                            !strcasecmp(l, "Relationship") || !strcasecmp(l, "Relationships") ||
                            !strcasecmp(l, "Character") || !strcasecmp(l, "Characters") ||
                            !strcasecmp(l, "Additional Tags") || !strcasecmp(l, "Category") ||
                            !strcasecmp(l, "Categories");
                if (want)
                    for (xmlNode *q = p; q; q = next_node(q, p, false))
                        if (is_elem(q, "a")) {
                            char *t = text_of(NULL, q);
                            add_tag(m, t, strlen(t));
                            free(t);
                        }
                if (!want || m->n_tags != before)
                    continue;
            }
            /* a work page's series: "Part 1 of X" in span.position, then
               the previous/next links */
            xmlNode *pos = NULL;
            for (xmlNode *q = p; q && !pos; q = next_node(q, p, false))
                if (has_class(q, "position"))
                    pos = q;
            char *v = text_of(NULL, pos ? pos : p);
            meta_label(m, label, v);
            free(v);
        }
    }
    free(label);
}

/* Join the texts of a[rel=author] under n with ", " (AO3 bylines). */
static char *authors_of(xmlNode *n)
{
    struct buf b = {0};
    for (xmlNode *p = n; p; p = next_node(p, n, false))
        if (is_elem(p, "a") && attr_has(p, "rel", "author"))
            join_text(&b, text_of(NULL, p), ", ");
    if (!b.data) {
        char *t = text_of(NULL, n);
        if (!strncmp(t, "by ", 3))
            memmove(t, t + 3, strlen(t + 3) + 1);
        return t;
    }
    return b.data;
}

/* The element that stands for heading n: its hgroup when it has one
 * (a number and a title, `<hgroup><h2>I</h2><p>The Eve</p></hgroup>`,
 * are one heading). */
static xmlNode *heading_node(xmlNode *n)
{
    return n->parent && is_elem(n->parent, "hgroup") ? n->parent : n;
}

/* A chapter title from heading element n: an hgroup's lines joined with
 * ": " ("I: The Eve of the War"), else its text. */
static char *title_of(const struct conv *c, xmlNode *n)
{
    if (!is_elem(n, "hgroup"))
        return text_of(c, n);
    struct buf b = {0};
    for (xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || hidden(c, k))
            continue;
        join_text(&b, text_of(c, k), ": ");
    }
    return b.data ? b.data : xstrdup("");
}

static void mark_chapter(xmlNode *n, size_t *count)
{
    n = heading_node(n);
    if (n->_private != MARK_CHAPTER)
        (*count)++;
    n->_private = MARK_CHAPTER;
}

/* AO3 download: div#preface, div#chapters, div#afterword. */
static void scan_ao3_dl(struct conv *c, xmlNode *root, xmlNode *preface, xmlNode *chapters)
{
    struct parse_result *pr = &c->eb->pr;
    for (xmlNode *p = preface; p; p = next_node(p, preface, false)) {
        if (is_elem(p, "dl") && has_class(p, "tags"))
            read_dl(c, p);
        else if (is_elem(p, "h1") && !pr->title)
            pr->title = text_of(NULL, p);
        else if (is_elem(p, "div") && has_class(p, "byline") && !pr->author)
            pr->author = authors_of(p);
        else if (is_elem(p, "p") && has_class(p, "message") && !pr->meta.source_url) {
            for (xmlNode *a = p; a; a = next_node(a, p, false)) {
                char *h = is_elem(a, "a") ? attr(a, "href") : NULL;
                if (h && strstr(h, "/works/"))
                    set_once(&pr->meta.source_url, h);
                free(h);
            }
        } else if (is_elem(p, "p") && !pr->meta.summary) {
            char *t = text_of(NULL, p);
            if (!strcmp(t, "Summary")) {
                xmlNode *q = p->next;
                while (q && q->type != XML_ELEMENT_NODE)
                    q = q->next;
                if (is_elem(q, "blockquote"))
                    pr->meta.summary = summary_of(c, q);
            }
            free(t);
        }
    }
    char *lang = attr(root, "lang");
    if (lang)
        set_once(&pr->meta.language, lang);
    free(lang);
    size_t n = 0;
    for (xmlNode *p = chapters; p; p = next_node(p, chapters, false))
        if (is_elem(p, "h2") && has_class(p, "heading"))
            mark_chapter(p, &n);
}

/* AO3 work page saved from a browser: the metadata list outside the
 * work, div#workskin inside it. */
static void scan_ao3_page(struct conv *c, xmlNode *root, xmlNode *skin)
{
    struct parse_result *pr = &c->eb->pr;
    for (xmlNode *p = root; p; p = next_node(p, root, false)) {
        if (is_elem(p, "dl") && has_class(p, "work") && has_class(p, "meta")) {
            read_dl(c, p);
        } else if (is_elem(p, "link") && attr_has(p, "rel", "canonical")) {
            char *h = attr(p, "href");
            set_once(&pr->meta.source_url, h);
            free(h);
        } else if (is_elem(p, "meta") && !pr->meta.source_url) {
            char *pp = attr(p, "property");
            if (pp && !strcmp(pp, "og:url")) {
                char *h = attr(p, "content");
                set_once(&pr->meta.source_url, h);
                free(h);
            }
            free(pp);
        }
    }
    /* no canonical link: the work's own links name its number */
    for (xmlNode *p = root; p && !pr->meta.source_url; p = next_node(p, root, false)) {
        char *h = is_elem(p, "a") ? attr(p, "href") : NULL;
        const char *w = h ? strstr(h, "/works/") : NULL;
        if (w && (w == h || strstr(h, "archiveofourown.org/works/") == w - 19) &&
            isdigit((unsigned char)w[7])) {
            char *url = xasprintf("https://archiveofourown.org/works/%ld", strtol(w + 7, NULL, 10));
            pr->meta.source_url = url;
        }
        free(h);
    }
    size_t n = 0;
    for (xmlNode *p = skin; p; p = next_node(p, skin, false)) {
        if (is_elem(p, "h2") && has_class(p, "title") && !pr->title)
            pr->title = text_of(NULL, p);
        else if (is_elem(p, "h3") && has_class(p, "byline") && !pr->author)
            pr->author = authors_of(p);
        else if (is_elem(p, "div") && has_class(p, "summary") && !pr->meta.summary &&
                 p->parent && has_class(p->parent, "preface") && !has_class(p->parent, "chapter")) {
            for (xmlNode *q = p->children; q; q = q->next)
                if (is_elem(q, "blockquote"))
                    pr->meta.summary = summary_of(c, q);
        } else if (is_elem(p, "h3") && has_class(p, "title") && p->parent &&
                   has_class(p->parent, "chapter"))
            mark_chapter(p, &n);
    }
}

/* FanFicFare's HTML: h1 "Title by Author", a table of `Label: value`
 * rows, "Table of Contents", then <a name="sectionNNNN"><h2>. */
static void scan_fff(struct conv *c, xmlNode *body)
{
    struct parse_result *pr = &c->eb->pr;
    size_t n = 0;
    for (xmlNode *p = body; p; p = next_node(p, body, false)) {
        if (is_elem(p, "h1") && !pr->title) {
            for (xmlNode *a = p->children; a; a = a->next)
                if (is_elem(a, "a")) {
                    if (has_class(a, "authorlink")) {
                        char *t = text_of(NULL, a);
                        if (!pr->author) {
                            pr->author = t;
                        } else {
                            char *j = xasprintf("%s, %s", pr->author, t);
                            free(pr->author);
                            free(t);
                            pr->author = j;
                        }
                    } else if (!pr->title) {
                        pr->title = text_of(NULL, a);
                        char *h = attr(a, "href");
                        set_once(&pr->meta.source_url, h);
                        free(h);
                    }
                }
        } else if (is_elem(p, "tr")) {
            xmlNode *cell[2];
            int k = 0;
            for (xmlNode *q = p->children; q && k < 2; q = q->next)
                if (is_elem(q, "td") || is_elem(q, "th"))
                    cell[k++] = q;
            if (k == 2) {
                char *l = text_of(NULL, cell[0]);
                char *v = text_of(NULL, cell[1]);
                meta_label(&pr->meta, l, v);
                free(l);
                free(v);
            }
        } else if (is_elem(p, "h2")) {
            const xmlNode *a = p->parent;
            if (!is_elem(a, "a")) {
                a = p->prev;
                while (a && a->type != XML_ELEMENT_NODE)
                    a = a->prev;
            }
            char *nm = is_elem(a, "a") ? attr(a, "name") : NULL;
            if (nm && !strncmp(nm, "section", 7))
                mark_chapter(p, &n);
            free(nm);
        }
    }
}

/* The text of n (hidden elements skipped) when it is short: at most
 * `cap` - 1 bytes from at most 64 nodes, into t (white space as it is);
 * false when longer.  Bounded, for a look at every element. */
static bool short_text(const struct conv *c, xmlNode *n, char *t, size_t cap)
{
    size_t k = 0, seen = 0;
    for (xmlNode *p = n; p; p = next_node(p, n, p != n && p->type == XML_ELEMENT_NODE && hidden(c, p))) {
        if (++seen > 64)
            return false;
        if (p->type == XML_TEXT_NODE && p->content) {
            size_t l = strlen((const char *)p->content);
            if (k + l >= cap)
                return false;
            memcpy(t + k, p->content, l);
            k += l;
        } else if (is_elem(p, "br") || is_elem(p, "img")) {
            return false;   /* two lines, or a picture: no heading line */
        }
    }
    t[k] = '\0';
    return true;
}

static bool name_in(const xmlNode *n, const char *const *names);

/* Is inline element n on a line of its own: nothing but white space
 * between it and a br, a block or its parent's ends? */
static bool alone_on_line(const xmlNode *n)
{
    static const char *const line_ends[] = {"br", "hr", "p", "div", "center", "blockquote", "table",
                                            "ul", "ol", "dl", "pre", "section", "article", NULL};
    for (int dir = 0; dir < 2; dir++)
        for (const xmlNode *s = dir ? n->next : n->prev; s; s = dir ? s->next : s->prev) {
            if (s->type == XML_TEXT_NODE) {
                for (const xmlChar *q = s->content; q && *q; q++)
                    if (!is_ws(*q))
                        return false;
                continue;
            }
            if (s->type != XML_ELEMENT_NODE)
                continue;
            if (name_in(s, line_ends) || head_level(s))
                break;
            return false;
        }
    return true;
}

/* No h1-h3 level gives chapters (an old page's chapter headings are a
 * centred bold line, a paragraph): the elements that are a line of their
 * own (a p, div or center; a b, strong, font or span alone on its line)
 * whose text parse_is_heading reads as a TXT's heading line open
 * chapters, when two or more do; the outermost such element is marked. */
static void scan_heading_lines(struct conv *c, xmlNode *root)
{
    static const char *const blocks[] = {"p", "div", "center", NULL};
    static const char *const inl[] = {"b", "strong", "font", "span", NULL};
    xmlNode **hit = NULL;
    size_t n = 0, cap = 0;
    for (xmlNode *p = root; p;) {
        bool is = false;
        char t[128];
        if (p->type == XML_ELEMENT_NODE && !hidden(c, p) &&
            (name_in(p, blocks) || (name_in(p, inl) && alone_on_line(p))) &&
            short_text(c, p, t, sizeof t)) {
            char *s = collapse(t);
            is = *s && parse_is_heading(s, strlen(s), NULL, NULL);
            free(s);
        }
        if (is) {
            XGROW(hit, cap, n + 1);
            hit[n++] = p;
        }
        p = next_node(p, root, is || (p->type == XML_ELEMENT_NODE && hidden(c, p)));
    }
    size_t count = 0;
    for (size_t i = 0; n >= 2 && i < n; i++)
        mark_chapter(hit[i], &count);
    free(hit);
}

/* Any other HTML: the h1-h3 level whose headings most often read as
 * chapter headings (parse_is_heading; the higher level on a tie, a lone
 * one too) is the chapter level; with none, the highest level that
 * repeats. */
static void scan_generic(struct conv *c, xmlNode *root)
{
    struct parse_result *pr = &c->eb->pr;
    size_t count[4] = {0}, named[4] = {0};
    xmlNode *first_h1 = NULL;
    char *meta_title = NULL;
    for (xmlNode *p = root; p; p = next_node(p, root, p->type == XML_ELEMENT_NODE && hidden(c, p) && !is_elem(p, "head"))) {
        if (is_elem(p, "title") && !pr->title) {
            char *t = text_of(NULL, p);
            if (*t)
                pr->title = t;
            else
                free(t);
        } else if (is_elem(p, "meta")) {
            char *nm = attr(p, "name");
            if (nm && (!strcasecmp(nm, "author") || !strcasecmp(nm, "dc.creator")) && !pr->author) {
                char *v = attr(p, "content");
                if (v && *v)
                    pr->author = collapse(v);
                free(v);
            } else if (nm && (!strcasecmp(nm, "dc.title") || !strcasecmp(nm, "title"))) {
                char *v = attr(p, "content");
                if (v && *v && !meta_title)
                    meta_title = collapse(v);
                free(v);
            } else if (nm && !strcasecmp(nm, "description")) {
                char *v = attr(p, "content");
                if (v && *v && !pr->meta.summary)
                    pr->meta.summary = collapse(v);
                free(v);
            }
            free(nm);
        }
        int lv = head_level(p);
        if (lv >= 1 && lv <= 3 && !hidden(c, p)) {
            if (lv == 1 && !first_h1)
                first_h1 = p;
            char *t = text_of(c, p);
            count[lv]++;
            if (parse_is_heading(t, strlen(t), NULL, NULL))
                named[lv]++;
            free(t);
        }
    }
    if (!pr->title && first_h1)
        pr->title = text_of(c, first_h1);
    if (!pr->title)
        pr->title = meta_title;
    else
        free(meta_title);
    char *lang = attr(root, "lang");
    if (!lang)
        lang = attr(root, "xml:lang");
    if (lang)
        set_once(&pr->meta.language, lang);
    free(lang);
    /* the level with the most headings that read as chapter headings;
       with none, the highest level that repeats */
    int best = 0;
    for (int lv = 1; lv <= 3; lv++)
        if (named[lv] && (!best || named[lv] > named[best]))
            best = lv;
    for (int lv = 1; lv <= 3 && !best; lv++)
        if (count[lv] >= 2)
            best = lv;
    if (!best) {
        scan_heading_lines(c, root);
        return;
    }
    /* when few of the level read as chapters (a saved web page's other
       h1s), only those are */
    bool only_named = named[best] && named[best] * 2 <= count[best];
    size_t n = 0;
    for (xmlNode *p = root; p; p = next_node(p, root, p->type == XML_ELEMENT_NODE && hidden(c, p)))
        if (head_level(p) == best) {
            char *t = text_of(c, p);
            /* pandoc's title block (header > h1.title) is the story's
               title, not a chapter: front matter */
            bool title_block = has_class(p, "title") && is_elem(p->parent, "header") && count[best] >= 2;
            if (*t && !title_block && (!only_named || parse_is_heading(t, strlen(t), NULL, NULL)))
                mark_chapter(p, &n);
            free(t);
        }
}

/* Does the subtree show any text or image (white space and U+00A0 aside)? */
static bool shows_something(const struct conv *c, xmlNode *n)
{
    for (xmlNode *p = n; p; p = next_node(p, n, p != n && p->type == XML_ELEMENT_NODE && hidden(c, p))) {
        if (is_elem(p, "img"))
            return true;
        if ((p->type == XML_TEXT_NODE || p->type == XML_CDATA_SECTION_NODE) && p->content)
            for (const unsigned char *q = p->content; *q; q++) {
                if (q[0] == 0xC2 && q[1] == 0xA0)
                    q++;
                else if (!is_ws(*q))
                    return true;
            }
    }
    return false;
}

/* The story text of a saved page from a site whose chapter pages we know
 * (the rest is the site: menus, reviews, buttons): FanFiction.Net's and
 * FictionPress's div#storytext, Royal Road's one div.chapter-content.
 * Its title and author when the page says them; NULL when none. */
static xmlNode *story_container(struct conv *c, xmlNode *root)
{
    struct parse_result *pr = &c->eb->pr;
    xmlNode *story = find_id(root, "storytext"), *profile = find_id(root, "profile_top");
    if (story && profile) {
        /* FanFiction.Net: <b class=xcontrast_txt>Title</b>, the author's /u/ link */
        for (xmlNode *p = profile; p; p = next_node(p, profile, false)) {
            if (is_elem(p, "b") && has_class(p, "xcontrast_txt")) {
                free(pr->title);
                pr->title = text_of(NULL, p);
            } else if (is_elem(p, "a") && !pr->author) {
                char *h = attr(p, "href");
                if (h && !strncmp(h, "/u/", 3))
                    pr->author = text_of(NULL, p);
                free(h);
            }
        }
        return story;
    }
    xmlNode *one = NULL;
    size_t n = 0;
    for (xmlNode *p = root; p && n < 2; p = next_node(p, root, false))
        if (is_elem(p, "div") && has_class(p, "chapter-content")) {
            one = p;
            n++;
        }
    return n == 1 ? one : NULL;
}

/* The first element under n (n included) with class cls, or NULL. */
static xmlNode *find_class(xmlNode *n, const char *cls)
{
    for (xmlNode *p = n; p; p = next_node(p, n, false))
        if (p->type == XML_ELEMENT_NODE && has_class(p, cls))
            return p;
    return NULL;
}

/* A saved page of a XenForo forum thread (SpaceBattles, Sufficient
 * Velocity, Questionable Questing: a thread's page or its threadmarks'
 * reader page): its posts are article.message elements, each with its
 * text in a .message-body and, when the author marked it as a chapter, a
 * .threadmarkLabel.  Only the posts' text is the story, never the site
 * around them: the threadmarked posts when there are any (the story's
 * chapters, titled by their threadmarks), else every post (titled "Post N
 * by AUTHOR").  Their bodies are moved under a new element, each after a
 * chapter heading (MARK_CHAPTER) made for it, which the walk then reads
 * instead of the page.  The story's title is the thread's (h1.p-title-value),
 * its author the first post's.  NULL: no such posts. */
static xmlNode *forum_posts(struct conv *c, xmlNode *root)
{
    struct post {
        xmlNode *body, *label;
        char *author;
    } *v = NULL;
    size_t n = 0, cap = 0, marked = 0;
    for (xmlNode *p = root; p;) {
        bool post = is_elem(p, "article") && has_class(p, "message") &&
                    (has_class(p, "message--post") || has_class(p, "js-post"));
        xmlNode *body = post ? find_class(p, "message-body") : NULL;
        if (body) {
            XGROW(v, cap, n + 1);
            v[n] = (struct post){body, find_class(p, "threadmarkLabel"), attr(p, "data-author")};
            marked += v[n].label != NULL;
            n++;
        }
        p = next_node(p, root, body != NULL);   /* a post holds no post */
    }
    if (!n)
        return NULL;
    struct parse_result *pr = &c->eb->pr;
    xmlNode *h1 = find_class(root, "p-title-value");
    char *t = h1 ? text_of(NULL, h1) : NULL;
    if (t && *t) {
        free(pr->title);
        pr->title = t;
    } else {
        free(t);
    }
    if (!pr->author && v[0].author && *v[0].author)
        pr->author = collapse(v[0].author);
    xmlNode *box = xmlNewDocNode(root->doc, NULL, (const xmlChar *)"div", NULL);
    xmlAddChild(root, box);
    for (xmlNode *p = root; p; p = next_node(p, root, false))
        if (p->_private == MARK_CHAPTER)
            p->_private = NULL;   /* the page's headings open no chapter */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!marked || v[i].label) {
            xmlNode *h = xmlNewDocNode(root->doc, NULL, (const xmlChar *)"h2", NULL);
            char *label = v[i].label ? text_of(NULL, v[i].label) : NULL;
            char *title = label && *label ? xstrdup(label)
                        : v[i].author && *v[i].author ? xasprintf("Post %zu by %s", ++k, v[i].author)
                                                      : xasprintf("Post %zu", ++k);
            xmlNodeAddContent(h, (const xmlChar *)title);
            free(title);
            free(label);
            h->_private = MARK_CHAPTER;
            xmlAddChild(box, h);
            xmlUnlinkNode(v[i].body);
            xmlAddChild(box, v[i].body);
        }
        free(v[i].author);
    }
    free(v);
    return box;
}

/* The chapter title a site page gives outside its story text: the chapter
 * heading the first pass found, else the selected entry of the page's
 * chapter menu (FanFiction.Net's select#chap_select).  NULL: none. */
static char *site_chapter_title(const struct conv *c, xmlNode *root, xmlNode *story)
{
    char *t = NULL;
    for (xmlNode *p = root; p; p = next_node(p, root, p == story)) {
        if (p->type != XML_ELEMENT_NODE || p == story)
            continue;
        if (p->_private == MARK_CHAPTER && !t) {
            t = title_of(c, p);
            p->_private = NULL;
        }
    }
    if (t)
        return t;
    xmlNode *sel = find_id(root, "chap_select");
    for (xmlNode *o = sel ? sel->children : NULL; o; o = o->next)
        if (is_elem(o, "option") && has_attr(o, "selected"))
            return text_of(NULL, o);
    return NULL;
}

/* Empty <p> elements used as spacing everywhere are not scene breaks. */
static void count_spacers(struct conv *c, xmlNode *root)
{
    size_t empty = 0, full = 0;
    for (xmlNode *p = root; p; p = next_node(p, root, false))
        if (is_elem(p, "p")) {
            if (shows_something(c, p))
                full++;
            else
                empty++;
        }
    c->spacer_breaks = empty * 4 <= full;
}

/* Does table cell n hold a story's text rather than a datum: a heading,
 * a rule, a quotation, a centred line, or 80 words or more?  Looks at 256
 * nodes at most (a cell of more is no datum either), so that tables
 * nested deep cost a bounded look each. */
static bool story_cell(xmlNode *n)
{
    size_t seen = 0, words = 0;
    for (xmlNode *p = n; p; p = next_node(p, n, p != n && is_elem(p, "table"))) {
        if (++seen > 256)
            return true;
        if (head_level(p) || is_elem(p, "hr") || is_elem(p, "blockquote") || is_elem(p, "center"))
            return true;
        if (p->type == XML_TEXT_NODE && p->content) {
            bool in_word = false;
            for (const xmlChar *q = p->content; *q; q++) {
                bool ws = is_ws(*q);
                words += !ws && !in_word;
                in_word = !ws;
            }
            if (words >= 80)
                return true;
        }
    }
    return false;
}

/* Tables used for layout (HTML 4 pages: the story in a cell beside a
 * column of links) are marked MARK_LAYOUT, with their own rows and cells
 * (not a nested table's): the walk reads them as blocks, not as rows of
 * cells.  A table is for layout when one of its cells is a story_cell. */
static void mark_layout_tables(xmlNode *root)
{
    for (xmlNode *t = root; t; t = next_node(t, root, false)) {
        if (!is_elem(t, "table"))
            continue;
        bool layout = false;
        for (xmlNode *p = t; p && !layout; p = next_node(p, t, p != t && is_elem(p, "table")))
            if (is_elem(p, "td") || is_elem(p, "th"))
                layout = story_cell(p);
        if (!layout)
            continue;
        for (xmlNode *p = t; p;
             p = next_node(p, t, p != t && (is_elem(p, "table") || is_elem(p, "td") || is_elem(p, "th"))))
            if (p == t || is_elem(p, "tr") || is_elem(p, "td") || is_elem(p, "th"))
                p->_private = MARK_LAYOUT;
    }
}

/* ---- writing blocks -------------------------------------------------- */

static void place_anchors(struct conv *c, size_t off)
{
    if (!c->anchors)
        return;
    for (size_t i = c->first_pending; i < *c->n_anchors; i++)
        (*c->anchors)[i].off = off;
    c->first_pending = *c->n_anchors;
}

static struct parse_chapter *cur_chapter(struct conv *c)
{
    return c->eb->pr.n_ch ? &c->eb->pr.ch[c->eb->pr.n_ch - 1] : NULL;
}

static void add_block(struct conv *c, size_t off, size_t end, uint8_t kind, uint8_t flags)
{
    struct ebook *eb = c->eb;
    if (eb->n_blocks + 1 > c->blk_cap)
        xgrow((void **)&eb->blocks, &c->blk_cap, eb->n_blocks + 1, sizeof *eb->blocks);
    eb->blocks[eb->n_blocks++] = (struct block){off, end, kind, flags};
}

/* Where a piece of long verse (lines kept, <br>) starting at p ends
 * (p + PARSE_PARA_MAX < e): after the last line end in its second half,
 * so each piece starts a line; else as a paragraph's piece (parse_piece_end). */
static size_t verse_piece_end(const char *t, size_t p, size_t e)
{
    size_t half = p + PARSE_PARA_MAX / 2;
    const char *nl = memrchr(t + half, '\n', PARSE_PARA_MAX - PARSE_PARA_MAX / 2);
    return nl ? (size_t)(nl - t) + 1 : parse_piece_end(t, p, e, false);
}

/* Append text as one block of this kind (the separator before it). */
static void write_block(struct conv *c, const char *s, size_t n, uint8_t kind, uint8_t flags)
{
    struct buf *o = &c->out;
    if (o->len && !(o->len >= 2 && o->data[o->len - 1] == '\n' && o->data[o->len - 2] == '\n'))
        buf_adds(o, o->data[o->len - 1] == '\n' ? "\n" : "\n\n");
    size_t off = o->len;
    buf_add(o, s, n);
    place_anchors(c, off);
    if ((kind == BLOCK_PARA || kind == BLOCK_VERSE) && n > PARSE_PARA_MAX) {
        size_t p = off, e = o->len;
        while (e - p > PARSE_PARA_MAX) {
            size_t k = kind == BLOCK_VERSE ? verse_piece_end(o->data, p, e)
                                           : parse_piece_end(o->data, p, e, false);
            add_block(c, p, k, kind, flags);
            p = k;
            flags |= BLOCK_CONT;
        }
        add_block(c, p, e, kind, flags);
    } else {
        add_block(c, off, o->len, kind, flags);
    }
    c->last_kind = kind;
}

static uint8_t block_flags(const struct conv *c)
{
    uint8_t f = c->flags;
    if (c->pre_chapter)
        f |= BLOCK_FRONT;
    return f;
}

static void emit_break_if_pending(struct conv *c)
{
    if (!c->break_pending)
        return;
    c->break_pending = false;
    write_block(c, "* * *", 5, BLOCK_BREAK, block_flags(c));
}

/* A scene break wanted here: only between text blocks of a chapter. */
static void want_break(struct conv *c)
{
    if (c->last_kind == BLOCK_PARA || c->last_kind == BLOCK_VERSE)
        c->break_pending = true;
}

/* The styles of want[], in the order their markers open. */
static const char STYLES[4] = {'i', 'b', 'u', 's'};

/* Is ch a marker byte put_mark writes? */
static bool is_mark_byte(char ch)
{
    return ch == '*' || ch == MARKUP_U_ON || ch == MARKUP_U_OFF || ch == MARKUP_S_ON ||
           ch == MARKUP_S_OFF;
}

/* Write a style marker ('i': `*`, 'b': `**`, 'u' and 's': the converter's
 * underline and strike openers and closers of parse.h), remembering
 * where. */
static void put_mark(struct conv *c, char k, bool on)
{
    size_t n = k == 'b' ? 2 : 1;
    char m = k == 'u' ? (on ? MARKUP_U_ON : MARKUP_U_OFF)
           : k == 's' ? (on ? MARKUP_S_ON : MARKUP_S_OFF) : '*';
    if (c->n_mk + n > c->mk_cap)
        xgrow((void **)&c->mk, &c->mk_cap, c->n_mk + n, sizeof *c->mk);
    for (size_t i = 0; i < n; i++) {
        c->mk[c->n_mk++] = c->para.len;
        buf_addc(&c->para, m);
    }
}

/* Close the markers opened after (and with) open[from]. */
static void close_from(struct conv *c, int from)
{
    while (c->n_open > from)
        put_mark(c, c->open[--c->n_open], false);
}

/* An element wanting style k is closed: its marker (and any opened after
 * it, reopened lazily) closed when no other element wants it. */
static void unwant(struct conv *c, int k)
{
    if (--c->want[k] > 0)
        return;
    char *at = memchr(c->open, STYLES[k], (size_t)c->n_open);
    if (at)
        close_from(c, (int)(at - c->open));
}

/* Close every emphasis marker written (at a line's or a block's end). */
static void close_marks(struct conv *c) { close_from(c, 0); }

/* The markers markup_scan does not recognise (emphasis inside a word,
 * `un*done*`) are taken out again: the reader sees the words, plain,
 * never a stray `*`.  Removing one can unpair another: a few rounds. */
static void drop_stray_marks(struct conv *c)
{
    struct buf *p = &c->para;
    for (int round = 0; round < 4 && c->n_mk; round++) {
        uint8_t *cls = xmalloc(p->len + 1);
        markup_scan(p->data, p->len, cls);
        size_t w = 0, r = 0, k = 0, kept = 0;
        bool dropped = false;
        for (r = 0; r < p->len; r++) {
            bool is_mk = k < c->n_mk && c->mk[k] == r;
            if (is_mk) {
                k++;
                if (!(cls[r] & MARKUP_HIDDEN)) {
                    dropped = true;
                    continue;
                }
                c->mk[kept++] = w;
            }
            p->data[w++] = p->data[r];
        }
        p->len = w;
        p->data[w] = '\0';
        c->n_mk = kept;
        free(cls);
        if (!dropped)
            break;
    }
    c->n_mk = 0;
}

/* The chapter opened by a heading: it starts where the next block will
 * (the first chapter at pr.body, what comes before it its front matter). */
static void open_chapter(struct conv *c, const char *title)
{
    struct ebook *eb = c->eb;
    struct buf *o = &c->out;
    if (o->len && !(o->len >= 2 && o->data[o->len - 1] == '\n' && o->data[o->len - 2] == '\n'))
        buf_adds(o, o->data[o->len - 1] == '\n' ? "\n" : "\n\n");
    size_t here = o->len;
    size_t start = eb->pr.n_ch ? here : eb->pr.body;
    if (eb->pr.n_ch)
        cur_chapter(c)->end = here;
    if (eb->pr.n_ch + 1 > eb->cap_ch) {
        eb->cap_ch = 2 * eb->pr.n_ch + 4;
        eb->pr.ch = xreallocarray(eb->pr.ch, eb->cap_ch, sizeof *eb->pr.ch);
    }
    struct parse_chapter *ch = &eb->pr.ch[eb->pr.n_ch++];
    *ch = (struct parse_chapter){
        .start = start, .end = SIZE_MAX, .front_end = here, .body = here, .back = SIZE_MAX,
        .title = title && *title ? xstrdup(title) : NULL, .number = PARSE_NO_NUMBER,
    };
    int num;
    if (ch->title && parse_is_heading(ch->title, strlen(ch->title), &num, NULL))
        ch->number = num;
    c->break_pending = false;
    c->last_kind = 0xff;
    c->pre_chapter = false;
}

/* Is the block text (escapes removed) a scene-break marker line? */
static bool is_marker(const char *s, size_t n)
{
    if (n > 80)
        return false;
    char t[96];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n)
            i++;
        t[k++] = s[i];
    }
    return parse_is_break_line(t, k);
}

/* End the block being built. */
static void flush(struct conv *c)
{
    close_marks(c);
    struct buf *p = &c->para;
    while (p->len && (p->data[p->len - 1] == '\n' || p->data[p->len - 1] == ' ')) {
        if (p->data[p->len - 1] == '\n')
            c->lines--;
        p->data[--p->len] = '\0';
    }
    c->space = false;
    c->nospace_at = SIZE_MAX;
    drop_stray_marks(c);
    if (!p->len) {
        c->line_start = c->line_begin = 0;
        c->lines = 0;
        return;
    }
    uint8_t kind = c->in_head       ? BLOCK_HEADING
                   : c->in_list || c->in_table || c->in_pre || c->lines ? BLOCK_VERSE
                                                                         : BLOCK_PARA;
    uint8_t flags = block_flags(c);
    if (kind == BLOCK_PARA && is_marker(p->data, p->len)) {
        want_break(c);
    } else if (kind == BLOCK_HEADING && c->chapter_head) {
        struct parse_chapter *ch = cur_chapter(c);
        write_block(c, p->data, p->len, kind, flags & (uint8_t)~(BLOCK_FRONT | BLOCK_BACK));
        if (ch) {
            ch->front_end = c->eb->blocks[c->eb->n_blocks - 1].off;
            ch->body = c->eb->blocks[c->eb->n_blocks - 1].end;
        }
        c->chapter_head = false;
    } else {
        emit_break_if_pending(c);
        write_block(c, p->data, p->len, kind, flags);
    }
    p->len = 0;
    p->data[0] = '\0';
    c->line_start = c->line_begin = 0;
    c->lines = 0;
}

/* A line break inside the block (<br>, a line end in <pre>). */
static void line_break(struct conv *c)
{
    if (c->in_head) {
        c->space = true;
        return;
    }
    close_marks(c);
    struct buf *p = &c->para;
    if (p->len == c->line_start) {
        /* an empty line: in <pre> and lists keep it as a block break; two
           <br> in a row end the paragraph */
        if (p->len && !c->in_table && !c->in_list)
            flush(c);
        return;
    }
    buf_addc(p, '\n');
    c->lines++;
    c->line_start = c->line_begin = p->len;
    c->space = false;
}

static void new_line(struct conv *c)
{
    if (c->para.len > c->line_begin) {
        close_marks(c);
        while (c->para.len > c->line_begin && c->para.data[c->para.len - 1] == ' ')
            c->para.data[--c->para.len] = '\0';
        buf_addc(&c->para, '\n');
        c->lines++;
        c->line_start = c->line_begin = c->para.len;
    }
    c->space = false;
}

/* A block element opens: a new line in a heading, a space inside a list
 * item or a table cell (their text stays on its line), else the
 * paragraph before it ends. */
static void block_open(struct conv *c)
{
    if (c->in_head)
        new_line(c);
    else if (c->in_list || c->in_table)
        c->space = true;
    else
        flush(c);
}

/* buf_add and buf_addc for the text's hot path: the same bytes, the call
 * made only when the buffer must grow. */
static inline void para_add(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 <= b->cap) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
    } else {
        buf_add(b, s, n);
    }
}

static inline void para_addc(struct buf *b, char ch)
{
    if (b->len + 2 <= b->cap) {
        b->data[b->len++] = ch;
        b->data[b->len] = '\0';
    } else {
        buf_addc(b, ch);
    }
}

/* Open the markers of the styles wanted and not open yet. */
static void open_wanted(struct conv *c)
{
    /* bold before italic (`***x***` reads as both), then underline, strike */
    static const int order[4] = {1, 0, 2, 3};
    for (int j = 0; j < 4; j++) {
        int k = order[j];
        if (c->want[k] && c->n_open < 8 && !memchr(c->open, STYLES[k], (size_t)c->n_open)) {
            put_mark(c, STYLES[k], true);
            c->open[c->n_open++] = STYLES[k];
        }
    }
}

/* Before the first character of a run of text: the pending space and the
 * emphasis markers wanted.  Small enough to inline into add_text; the
 * markers are the rare case. */
static inline void before_text(struct conv *c)
{
    struct buf *p = &c->para;
    if (c->space) {
        if (p->len > c->line_start && p->len != c->nospace_at)
            para_addc(p, ' ');
        c->space = false;
    }
    if (c->want[0] | c->want[1] | c->want[2] | c->want[3])
        open_wanted(c);
}

/* The bytes that end a run of plain text in add_text: white space (as
 * is_ws) and the bytes escaped ('*', '_', '\\'). */
static const bool ends_run[256] = {
    [' '] = true, ['\t'] = true, ['\n'] = true, ['\r'] = true, ['\f'] = true,
    ['*'] = true, ['_'] = true,   ['\\'] = true,
};

/* Text as a reader sees it: escaped; white space collapsed unless in <pre>. */
static void add_text(struct conv *c, const char *s, size_t n)
{
    struct buf *p = &c->para;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (c->in_pre && (ch == '\n' || ch == '\r')) {
            if (ch == '\r' && i + 1 < n && s[i + 1] == '\n')
                i++;
            line_break(c);
            continue;
        }
        if (is_ws(ch)) {
            if (c->in_pre && p->len > c->line_start) {
                para_addc(p, ' ');
            } else if (c->in_pre) {
                para_addc(p, ' ');
                c->line_start = p->len;
            } else {
                c->space = true;
            }
            continue;
        }
        /* U+00A0 alone on a line is no text */
        if (ch == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0 && p->len == c->line_start &&
            !c->in_pre) {
            i++;
            continue;
        }
        before_text(c);
        if (ch == '*' || ch == '_' || ch == '\\')
            para_addc(p, '\\');
        /* the run of plain bytes up to the next special one */
        size_t j = i + 1;
        while (j < n && !ends_run[(unsigned char)s[j]])
            j++;
        para_add(p, s + i, j - i);
        i = j - 1;
    }
}

/* An ordered list's marker for item k, numbered as its type says (`1`,
 * `a`/`A`: a..z, aa.., `i`/`I`: Roman numerals), as browsers and pandoc
 * draw it; decimal where the style has no numeral for k. */
static void put_number(struct buf *b, int k, char style)
{
    char t[32];
    size_t n = 0;
    if ((style == 'a' || style == 'A') && k >= 1) {
        for (unsigned v = (unsigned)k; v && n < sizeof t; v /= 26) {
            v--;
            t[n++] = (char)(style + (char)(v % 26));
        }
        for (size_t i = 0; i < n / 2; i++) {
            char x = t[i];
            t[i] = t[n - 1 - i];
            t[n - 1 - i] = x;
        }
    } else if ((style == 'i' || style == 'I') && k >= 1 && k < 4000) {
        static const int val[] = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
        static const char *const sym[] = {"m", "cm", "d", "cd", "c", "xc", "l", "xl", "x",
                                          "ix", "v", "iv", "i"};
        for (int i = 0, v = k; v; ) {
            if (v < val[i]) {
                i++;
                continue;
            }
            for (const char *q = sym[i]; *q; q++)
                t[n++] = style == 'I' ? (char)toupper((unsigned char)*q) : *q;
            v -= val[i];
        }
    } else {
        n = (size_t)snprintf(t, sizeof t, "%d", k);
    }
    buf_add(b, t, n);
    buf_adds(b, ". ");
}

/* ---- the walk -------------------------------------------------------- */

static bool name_in(const xmlNode *n, const char *const *names)
{
    for (; *names; names++)
        if (xmlStrcasecmp(n->name, (const xmlChar *)*names) == 0)
            return true;
    return false;
}

static const char *const block_names[] = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "figure",
    "figcaption", "address", "details", "summary", "center", "body", "html",
    "form", "fieldset", "legend", "caption", "hgroup", "dialog", NULL,
};

static bool noteref(const xmlNode *n, char **label)
{
    char *href = attr(n, "href");
    bool internal = href && strchr(href, '#');
    free(href);
    if (!internal)
        return false;
    bool typed = epub_type_has(n, "noteref");
    bool in_sup = is_elem(n->parent, "sup");
    char *t = text_of(NULL, n);
    size_t k = strlen(t);
    /* strip brackets the text already has */
    char *s = t;
    while (*s == '[' || *s == '(')
        s++, k--;
    while (k && (s[k - 1] == ']' || s[k - 1] == ')'))
        k--;
    bool shortmark = k > 0 && k <= 4;
    for (size_t i = 0; shortmark && i < k; i++)
        shortmark = !isalpha((unsigned char)s[i]) || (k <= 3 && islower((unsigned char)s[i]) && strchr("ivx", s[i]));
    if ((typed || in_sup || shortmark) && k > 0 && k <= 16) {
        *label = xstrndup(s, k);
        free(t);
        return true;
    }
    free(t);
    return false;
}

/* Record n's id (and an a's name) as an anchor placed at the next block. */
static void anchor_of(struct conv *c, const xmlNode *n)
{
    if (!c->anchors)
        return;
    char *id = attr(n, "id");
    if (!id && is_elem(n, "a"))
        id = attr(n, "name");
    if (!id)
        return;
    if (*c->n_anchors + 1 > c->anchor_cap)
        xgrow((void **)c->anchors, &c->anchor_cap, *c->n_anchors + 1, sizeof **c->anchors);
    (*c->anchors)[(*c->n_anchors)++] = (struct html_anchor){id, SIZE_MAX};
}

/* An AO3 chapter's meta group, its classes renamed (calibre's EPUB): a
 * div whose child is the chapter's h2.heading. */
static bool ao3_chapter_meta(const xmlNode *n)
{
    if (!is_elem(n, "div"))
        return false;
    for (const xmlNode *k = n->children; k; k = k->next)
        if (is_elem(k, "h2") && has_class(k, "heading"))
            return true;
    return false;
}

/* Context flags an element gives its blocks (AO3's notes and prefaces,
 * FanFicFare's notes, blockquotes). */
static uint8_t context_flags(const struct conv *c, const xmlNode *n, uint8_t f)
{
    if (is_elem(n, "blockquote"))
        f |= BLOCK_QUOTE;
    if (c->mode == M_AO3_DL || c->mode == M_AO3_PAGE) {
        if (id_is(n, "afterword") || has_class(n, "afterword") || id_starts(n, "endnotes") ||
            (has_class(n, "end") && has_class(n, "notes")) || id_is(n, "children")) {
            f = (uint8_t)((f & ~BLOCK_FRONT) | BLOCK_BACK);
        } else if (id_is(n, "preface") || has_class(n, "preface") || has_class(n, "meta") ||
                   has_class(n, "summary") || has_class(n, "notes") || ao3_chapter_meta(n)) {
            if (!(f & BLOCK_BACK))
                f |= BLOCK_FRONT;
        }
    }
    if (has_class(n, "fff_chapter_notes"))
        f |= BLOCK_FRONT;
    return f;
}

static void walk(struct conv *c, xmlNode *top)
{
    struct frame *st = NULL;
    size_t n_st = 0, cap = 0;
    xmlNode *p = top;
    bool first_done = false;
    while (p) {
        bool skip = true;
        if (p->type == XML_TEXT_NODE || p->type == XML_CDATA_SECTION_NODE) {
            if (p->content)
                add_text(c, (const char *)p->content, strlen((const char *)p->content));
        } else if (p->type == XML_ENTITY_REF_NODE) {
            /* never the entity's replacement text; an HTML character
               entity name (XHTML without its DTD) is that character */
            const htmlEntityDesc *d = htmlEntityLookup(p->name);
            uint8_t u[8];
            int k = d ? u8_uctomb(u, d->value, (int)sizeof u) : 0;
            if (k > 0)
                add_text(c, (const char *)u, (size_t)k);
        } else if (p->type == XML_ELEMENT_NODE && !(first_done && hidden(c, p))) {
            first_done = true;
            anchor_of(c, p);
            struct frame f = {.n = p, .what = W_INLINE, .flags = c->flags};
            /* (a heading line scan_heading_lines marked is a heading) */
            int lv = is_elem(p, "hgroup") || (p->_private == MARK_CHAPTER && !head_level(p)) ? 1
                                                                                         : head_level(p);
            char *label = NULL;
            if (is_elem(p, "br")) {
                line_break(c);
            } else if (is_elem(p, "hr")) {
                if (!c->in_list && !c->in_table) {
                    flush(c);
                    want_break(c);
                }
            } else if (is_elem(p, "img")) {
                char *alt = attr(p, "alt");
                char *a = alt ? collapse(alt) : NULL;
                before_text(c);
                if (a && *a) {
                    buf_adds(&c->para, "[image: ");
                    add_text(c, a, strlen(a));
                    buf_adds(&c->para, "]");
                } else {
                    buf_adds(&c->para, "[image]");
                }
                free(a);
                free(alt);
            } else if (is_elem(p, "a") && noteref(p, &label)) {
                before_text(c);
                buf_addc(&c->para, '[');
                add_text(c, label, strlen(label));
                buf_addc(&c->para, ']');
                free(label);
            } else {
                skip = false;
                c->flags = context_flags(c, p, c->flags);
                if (lv) {
                    if (c->in_head) {
                        /* a heading in an hgroup: a line of the heading */
                        new_line(c);
                        f.what = W_INLINE;
                    } else if (c->in_list || c->in_table) {
                        f.what = W_INLINE;
                    } else {
                        flush(c);
                        f.what = W_HEAD;
                        c->in_head++;
                        if (p->_private == MARK_CHAPTER || p->_private == MARK_HEADING) {
                            if (p->_private == MARK_CHAPTER) {
                                char *t = title_of(c, p);
                                open_chapter(c, t);
                                free(t);
                            }
                            c->chapter_head = true;
                        }
                    }
                } else if (is_elem(p, "em") || is_elem(p, "i") || is_elem(p, "cite") ||
                           is_elem(p, "var") || is_elem(p, "dfn")) {
                    f.what = W_EM;
                    c->want[0]++;
                } else if (is_elem(p, "q")) {
                    /* an inline quotation: its marks, as browsers draw them */
                    f.what = W_Q;
                    add_text(c, "\xE2\x80\x9C", 3);
                } else if (is_elem(p, "strong") || is_elem(p, "b")) {
                    f.what = W_STRONG;
                    c->want[1]++;
                } else if (is_elem(p, "u") || is_elem(p, "ins") || style_says(c, p, "underline")) {
                    f.what = W_UNDER;
                    c->want[2]++;
                } else if (is_elem(p, "s") || is_elem(p, "strike") || is_elem(p, "del") ||
                           style_says(c, p, "line-through")) {
                    f.what = W_STRIKE;
                    c->want[3]++;
                } else if (is_elem(p, "ul") || is_elem(p, "ol") || is_elem(p, "menu")) {
                    if (!c->in_list && !c->in_table)
                        flush(c);
                    else
                        new_line(c);
                    f.what = W_LIST;
                    f.ordered = is_elem(p, "ol");
                    char *s = attr(p, "start");
                    f.counter = s ? atoi(s) : 1;
                    free(s);
                    s = attr(p, "type");
                    f.style = s && strlen(s) == 1 && strchr("aAiI", s[0]) ? s[0] : '1';
                    free(s);
                    c->in_list++;
                } else if (is_elem(p, "li")) {
                    f.what = W_LI;
                    new_line(c);
                    struct frame *lf = NULL;
                    for (size_t k = n_st; k-- > 0;)
                        if (st[k].what == W_LIST) {
                            lf = &st[k];
                            break;
                        }
                    for (int k = 1; k < c->in_list; k++)
                        buf_adds(&c->para, "  ");
                    if (lf && lf->ordered)
                        put_number(&c->para, lf->counter++, lf->style);
                    else
                        buf_adds(&c->para, "- ");
                    c->line_start = c->nospace_at = c->para.len;
                } else if (p->_private == MARK_LAYOUT) {
                    /* a layout table, row or cell: a block of the text */
                    f.what = W_BLOCK;
                    block_open(c);
                } else if (is_elem(p, "table") || is_elem(p, "dl")) {
                    /* a table: one line a row, its cells after " | "; a
                       list of terms: one line each, "term: definition" */
                    if (!c->in_list && !c->in_table)
                        flush(c);
                    else
                        new_line(c);
                    f.what = W_TABLE;
                    c->in_table++;
                } else if (is_elem(p, "tr") || is_elem(p, "dt")) {
                    f.what = W_ROW;
                    new_line(c);
                } else if (is_elem(p, "td") || is_elem(p, "th") || is_elem(p, "dd")) {
                    f.what = W_CELL;
                    if (c->para.len > c->line_start) {
                        close_marks(c);
                        const char *d = c->para.data + c->para.len;
                        while (d > c->para.data + c->line_start && is_mark_byte(d[-1]))
                            d--;
                        buf_adds(&c->para, d[-1] == ':' ? " " : is_elem(p, "dd") ? ": " : " | ");
                        c->nospace_at = c->para.len;
                    }
                    c->space = false;
                } else if (is_elem(p, "pre") || is_elem(p, "listing") || is_elem(p, "xmp")) {
                    if (!c->in_list && !c->in_table)
                        flush(c);
                    f.what = W_PRE;
                    c->in_pre++;
                } else if (is_elem(p, "blockquote")) {
                    if (!c->in_list && !c->in_table)
                        flush(c);
                    f.what = W_QUOTE;
                } else if (name_in(p, block_names)) {
                    f.what = is_elem(p, "p") ? W_PARA : W_BLOCK;
                    block_open(c);
                }
                f.mark = c->out.len;
                if (!p->children) {
                    /* opened and closed at once: handled below */
                }
                XGROW(st, cap, n_st + 1);
                st[n_st++] = f;
            }
        }
        /* A void element with children (`<hr>`, `<br>`, `<img>` left
           unclosed in XHTML: libxml2's recovery makes the rest of the
           parent its children) is walked into: those are the text after
           it, which HTML would have read as its siblings. */
        if (skip && p->children && p->type == XML_ELEMENT_NODE &&
            (is_elem(p, "br") || is_elem(p, "hr") || is_elem(p, "img")))
            skip = false;
        /* descend, or close the elements this step leaves */
        if (!skip && p->children) {
            p = p->children;
            continue;
        }
        for (;;) {
            if (n_st && st[n_st - 1].n == p) {
                struct frame f = st[--n_st];
                switch (f.what) {
                case W_HEAD:
                    flush(c);
                    c->in_head--;
                    c->chapter_head = false;
                    break;
                case W_EM:
                    unwant(c, 0);
                    break;
                case W_STRONG:
                    unwant(c, 1);
                    break;
                case W_UNDER:
                    unwant(c, 2);
                    break;
                case W_STRIKE:
                    unwant(c, 3);
                    break;
                case W_Q:
                    add_text(c, "\xE2\x80\x9D", 3);
                    break;
                case W_LIST:
                    c->in_list--;
                    if (!c->in_list && !c->in_table)
                        flush(c);
                    break;
                case W_TABLE:
                    c->in_table--;
                    if (!c->in_list && !c->in_table)
                        flush(c);
                    break;
                case W_PRE:
                    if (!c->in_list && !c->in_table)
                        flush(c);
                    c->in_pre--;
                    break;
                case W_QUOTE:
                case W_BLOCK:
                case W_PARA:
                    if (c->in_list || c->in_table || c->in_head) {
                        c->space = true;
                    } else {
                        bool empty = c->para.len == 0 && c->out.len == f.mark;
                        flush(c);
                        if (f.what == W_PARA && empty && c->out.len == f.mark && c->spacer_breaks)
                            want_break(c);
                    }
                    break;
                default:
                    break;
                }
                c->flags = f.flags;
            }
            if (p == top) {
                p = NULL;
                break;
            }
            if (p->next) {
                p = p->next;
                break;
            }
            p = p->parent;
            if (!p)
                break;
        }
    }
    flush(c);
    free(st);
}

/* ---- entry points ---------------------------------------------------- */

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void quiet_structured(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

/* XHTML without its DTD (most EPUBs) still says &nbsp; &mdash; ...: each
 * HTML character entity the document does not declare itself becomes a
 * character reference before parsing.  Malloc'd; NULL when none. */
static char *html_entities(const char *s, size_t n, size_t *out_n)
{
    bool declares = memmem(s, n, "<!ENTITY", 8) != NULL;
    char decl[48];
    struct buf b = {0};
    size_t last = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '&')
            continue;
        size_t j = i + 1;
        while (j < n && j - i <= 32 && isalnum((unsigned char)s[j]))
            j++;
        if (j >= n || s[j] != ';' || j == i + 1 || j - i > 32)
            continue;
        char name[40];
        memcpy(name, s + i + 1, j - i - 1);
        name[j - i - 1] = '\0';
        if (!strcmp(name, "amp") || !strcmp(name, "lt") || !strcmp(name, "gt") ||
            !strcmp(name, "quot") || !strcmp(name, "apos"))
            continue;
        /* a name the document declares itself is its own (and never
           expanded: see walk) */
        int dl = snprintf(decl, sizeof decl, "<!ENTITY %s", name);
        if (declares && memmem(s, n, decl, (size_t)dl))
            continue;
        const htmlEntityDesc *d = htmlEntityLookup((const xmlChar *)name);
        if (!d)
            continue;
        buf_add(&b, s + last, i - last);
        buf_printf(&b, "&#%u;", d->value);
        last = j + 1;
        i = j;
    }
    if (!b.data)
        return NULL;
    buf_add(&b, s + last, n - last);
    *out_n = b.len;
    return b.data;
}

/* How deep libxml2 lets elements nest before it drops what is deeper: its
 * default, 256, loses the text of real files (a story in 300 nested divs
 * of a page builder).  Not XML_PARSE_HUGE, which would lift the depth
 * limit too but also libxml2's entity amplification check: an entity bomb
 * in an attribute value (which XML expands) would then run unbounded.
 * The parsers keep their element stacks on the heap (a depth costs a few
 * pointers) and html.c's walk is iterative. */
#define HTML_MAX_DEPTH 65536

static void raise_depth(void)
{
    if (xmlParserMaxDepth < HTML_MAX_DEPTH)
        xmlParserMaxDepth = HTML_MAX_DEPTH;
}

/* Is s (n bytes) valid UTF-8?  As u8_check, which sees only the runs of
 * bytes >= 0x80: an ASCII byte is a character of its own and never part
 * of a longer one, so s is valid when each such run is.  ASCII is skipped
 * 8 bytes at a time. */
static bool is_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            memcpy(&w, s + i, sizeof w);
            if (w & UINT64_C(0x8080808080808080))
                break;
        }
        while (i < n && s[i] < 0x80)
            i++;
        size_t j = i;
        while (j < n && s[j] >= 0x80)
            j++;
        if (j > i && u8_check(s + i, j - i))
            return false;
        i = j;
    }
    return true;
}

static xmlDoc *parse_doc(const void *bytes, size_t n, bool xml)
{
    static pthread_once_t depth_once = PTHREAD_ONCE_INIT;
    pthread_once(&depth_once, raise_depth);
    xmlSetGenericErrorFunc(NULL, quiet);
    xmlSetStructuredErrorFunc(NULL, quiet_structured);
    if (n > (size_t)INT32_MAX)
        return NULL;
    if (xml) {
        int opt = XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                  XML_PARSE_NOCDATA;
        size_t m = 0;
        char *fixed = html_entities(bytes, n, &m);
        xmlDoc *d = xmlReadMemory(fixed ? fixed : bytes, fixed ? (int)m : (int)n, NULL, NULL, opt);
        free(fixed);
        return d;
    }
    /* No charset declared: UTF-8 when it is (libxml2 would assume Latin-1),
       else Windows-1252 as browsers do. */
    const char *enc = NULL;
    const char *s = bytes;
    size_t look = n < 4096 ? n : 4096;
    bool declared = false;
    for (size_t i = 0; i + 7 <= look && !declared; i++)
        declared = strncasecmp(s + i, "charset", 7) == 0 ||
                   (i + 8 <= look && strncasecmp(s + i, "encoding", 8) == 0);
    if (n >= 2 && ((s[0] == '\xff' && s[1] == '\xfe') || (s[0] == '\xfe' && s[1] == '\xff')))
        declared = true;
    if (!declared)
        enc = is_utf8(bytes, n) ? "UTF-8" : "windows-1252";
    int opt = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET;
    return htmlReadMemory(bytes, (int)n, NULL, enc, opt);
}

static void conv_free(struct conv *c)
{
    buf_free(&c->para);
    free(c->mk);
    for (size_t i = 0; i < c->n_hidden; i++)
        free(c->hidden[i]);
    free(c->hidden);
    for (size_t i = 0; i < c->n_deco; i++)
        free(c->deco[i]);
    free(c->deco);
}

/* The document's <style> rules that hide classes. */
static void read_styles(struct conv *c, xmlNode *root)
{
    for (xmlNode *p = root; p; p = next_node(p, root, false))
        if (is_elem(p, "style")) {
            xmlChar *css = xmlNodeGetContent(p);
            if (css)
                style_hidden(c, (const char *)css);
            xmlFree(css);
        }
}

static xmlNode *body_of(xmlNode *root)
{
    for (xmlNode *p = root; p; p = next_node(p, root, false))
        if (is_elem(p, "body"))
            return p;
    return root;
}

/* Does block b say "*** START OF|END OF THE PROJECT GUTENBERG EBOOK"
 * (`what` "START" or "END"; escapes aside)? */
static bool pg_marker(const struct ebook *eb, const struct block *b, const char *what)
{
    char t[160];
    size_t k = 0;
    if (b->off == b->end || (eb->text[b->off] != '\\' && eb->text[b->off] != '*'))
        return false;
    for (size_t i = b->off; i < b->end && k + 1 < sizeof t; i++)
        if (eb->text[i] != '\\')
            t[k++] = eb->text[i];
    t[k] = '\0';
    const char *p = t;
    while (*p == '*' || *p == ' ')
        p++;
    size_t w = strlen(what);
    if (p == t || strncasecmp(p, what, w) || strncasecmp(p + w, " OF TH", 6))
        return false;
    return strcasestr(p, "PROJECT GUTENBERG") != NULL;
}

/* Project Gutenberg's header and licence inside a document (its EPUBs
 * put them in the first and last): front matter up to "*** START OF
 * THE PROJECT GUTENBERG EBOOK ... ***", back matter from "*** END OF". */
static void pg_matter(struct ebook *eb, size_t first)
{
    for (size_t i = first; i < eb->n_blocks; i++) {
        if (pg_marker(eb, &eb->blocks[i], "START"))
            for (size_t k = first; k <= i; k++)
                eb->blocks[k].flags = (uint8_t)((eb->blocks[k].flags & ~BLOCK_BACK) | BLOCK_FRONT);
        if (pg_marker(eb, &eb->blocks[i], "END")) {
            for (size_t k = i; k < eb->n_blocks; k++)
                eb->blocks[k].flags = (uint8_t)((eb->blocks[k].flags & ~BLOCK_FRONT) | BLOCK_BACK);
            break;
        }
    }
}

bool html_append(struct ebook *eb, const void *bytes, size_t n, bool xml, enum html_role role,
                 const char *title, struct html_anchor **anchors, size_t *n_anchors)
{
    xmlDoc *doc = parse_doc(bytes, n, xml);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        if (doc)
            xmlFreeDoc(doc);
        return false;
    }
    struct conv c = {
        .eb = eb, .role = role, .mode = M_GENERIC, .last_kind = 0xff, .nospace_at = SIZE_MAX,
        .anchors = anchors, .n_anchors = n_anchors,
    };
    c.out.data = eb->text;
    c.out.len = eb->len;
    /* the arrays grow geometrically across documents too (an EPUB of
       3,000 chapters appends 3,000 times): the ebook keeps their
       capacities; the caller's anchors have room for what they hold */
    c.out.cap = eb->text ? eb->cap_text : 0;
    c.blk_cap = eb->blocks ? eb->cap_blocks : 0;
    if (anchors) {
        c.anchor_cap = *anchors ? *n_anchors : 0;
        c.first_pending = *n_anchors;
    }
    /* continue after the chapter's last block */
    if (eb->n_blocks && eb->pr.n_ch)
        c.last_kind = eb->blocks[eb->n_blocks - 1].kind;
    read_styles(&c, root);
    count_spacers(&c, root);
    mark_layout_tables(root);
    xmlNode *top = body_of(root);

    if (role == HTML_STANDALONE) {
        xmlNode *preface = find_id(root, "preface"), *chapters = find_id(root, "chapters");
        xmlNode *skin = find_id(root, "workskin");
        bool fff = false;
        for (xmlNode *p = root; p && !fff; p = next_node(p, root, false))
            fff = is_elem(p, "a") && (has_class(p, "authorlink") || attr_has(p, "name", "TOCTOP"));
        if (skin) {
            c.mode = M_AO3_PAGE;
            scan_ao3_page(&c, root, skin);
            top = skin;
            free(eb->format);
            eb->format = xstrdup("HTML (AO3 work page)");
        } else if (preface && chapters) {
            c.mode = M_AO3_DL;
            scan_ao3_dl(&c, root, preface, chapters);
            free(eb->format);
            eb->format = xstrdup("HTML (AO3 download)");
        } else if (fff) {
            c.mode = M_FFF;
            scan_fff(&c, top);
            free(eb->format);
            eb->format = xstrdup("HTML (FanFicFare)");
        } else {
            scan_generic(&c, root);
            xmlNode *story = story_container(&c, root), *forum = NULL;
            if (!story && (forum = forum_posts(&c, root)) != NULL) {
                top = forum;
                free(eb->format);
                eb->format = xstrdup("HTML (forum thread)");
            } else if (story) {
                /* a saved page of a site we know: only its story text, the
                   chapter titled by the page's heading for it */
                char *t = site_chapter_title(&c, root, story);
                if (t)
                    open_chapter(&c, t);
                free(t);
                top = story;
            }
        }
        /* text before the first chapter heading is front matter */
        for (xmlNode *p = top; p && !c.pre_chapter; p = next_node(p, top, false))
            c.pre_chapter = p->type == XML_ELEMENT_NODE && p->_private == MARK_CHAPTER;
    }
    /* an AO3 EPUB's documents: notes and hidden headings as in the download */
    if (role != HTML_STANDALONE &&
        (find_id(root, "preface") || find_id(root, "chapters") || find_id(root, "afterword")))
        c.mode = M_AO3_DL;
    if (role == HTML_CHAPTER) {
        /* the first heading equal to the TOC's title (folded) is the
           chapter's heading; with no title, the first h1-h3 gives it */
        char *want = title ? fold(title) : NULL;
        xmlNode *head = NULL;
        char *got = NULL;
        for (xmlNode *p = top; p && !head;
             p = next_node(p, top, p->type == XML_ELEMENT_NODE && hidden(&c, p))) {
            int lv = is_elem(p, "hgroup") ? 1 : head_level(p);
            if (!lv || (!want && lv > 3))
                continue;
            char *t = text_of(&c, p);
            char *f = fold(t);
            if (want ? (*f && !strcmp(f, want)) : *t != '\0') {
                head = heading_node(p);
                if (head == p && is_elem(p, "hgroup") && !want) {
                    free(t);
                    t = title_of(&c, p);
                }
                if (head != p && !want) {
                    free(t);
                    t = title_of(&c, head);
                }
                got = t;
                t = NULL;
            }
            free(f);
            free(t);
        }
        open_chapter(&c, title ? title : got);
        free(want);
        free(got);
        if (head)
            head->_private = MARK_HEADING;
    } else if (role == HTML_FRONT) {
        c.flags = BLOCK_FRONT;
        /* what a title page states: AO3's preface, FanFicFare's labels */
        xmlNode *pre = find_id(root, "preface");
        if (pre)
            scan_ao3_dl(&c, root, pre, NULL);
        /* FanFicFare's title page: "<b>Label:</b> value<br/>" */
        for (xmlNode *p = top; p; p = next_node(p, top, false))
            if (is_elem(p, "b") || is_elem(p, "strong") || is_elem(p, "span")) {
                char *l = text_of(NULL, p);
                size_t k = strlen(l);
                if (k > 1 && k < 40 && l[k - 1] == ':') {
                    struct buf v = {0};
                    for (xmlNode *q = p->next; q && !is_elem(q, "br") && !is_elem(q, "b") &&
                                               !is_elem(q, "strong") && !is_elem(q, "p");
                         q = q->next) {
                        char *t = q->type == XML_TEXT_NODE ? collapse((const char *)q->content)
                                                           : text_of(NULL, q);
                        if (*t) {
                            if (v.len)
                                buf_addc(&v, ' ');
                            buf_adds(&v, t);
                        }
                        free(t);
                    }
                    if (v.data)
                        meta_label(&eb->pr.meta, l, v.data);
                    buf_free(&v);
                }
                free(l);
            }
    } else if (role == HTML_BACK) {
        c.flags = BLOCK_BACK;
    }
    size_t first_block = eb->n_blocks;
    walk(&c, top);
    /* marks must not survive into another use of the nodes */
    xmlFreeDoc(doc);
    if (c.anchors)
        place_anchors(&c, c.out.len);
    eb->text = c.out.data;
    eb->len = c.out.len;
    eb->cap_text = c.out.cap;
    eb->cap_blocks = c.blk_cap;
    if (!eb->text) {
        eb->text = xstrdup("");
        eb->len = 0;
        eb->cap_text = 1;
    }
    pg_matter(eb, first_block);
    conv_free(&c);
    return true;
}

void html_finish(struct ebook *eb)
{
    struct parse_result *pr = &eb->pr;
    if (!eb->text) {
        eb->text = xstrdup("");
        eb->len = 0;
        eb->cap_text = 1;
    }
    /* one line end after the last block */
    if (eb->len && eb->text[eb->len - 1] != '\n') {
        eb->cap_text = eb->len + 2;
        eb->text = xrealloc(eb->text, eb->cap_text);
        eb->text[eb->len++] = '\n';
        eb->text[eb->len] = '\0';
    }
    if (pr->n_ch == 0) {
        pr->ch = xcalloc(1, sizeof *pr->ch);
        eb->cap_ch = 1;
        pr->n_ch = 1;
        pr->ch[0] = (struct parse_chapter){.start = pr->body, .front_end = pr->body, .body = pr->body,
                                           .back = SIZE_MAX, .number = PARSE_NO_NUMBER};
        /* leading front blocks are the chapter's front matter */
        size_t i = 0;
        while (i < eb->n_blocks && (eb->blocks[i].flags & BLOCK_FRONT))
            i++;
        if (i && i < eb->n_blocks)
            pr->ch[0].front_end = pr->ch[0].body = eb->blocks[i].off;
    }
    pr->ch[pr->n_ch - 1].end = eb->len;
    size_t b = 0;
    for (size_t k = 0; k < pr->n_ch; k++) {
        struct parse_chapter *ch = &pr->ch[k];
        if (ch->end > eb->len)
            ch->end = eb->len;
        if (ch->start > ch->end)
            ch->start = ch->end;
        if (ch->front_end < ch->start || ch->front_end > ch->end)
            ch->front_end = ch->start;
        if (ch->body < ch->front_end || ch->body > ch->end)
            ch->body = ch->front_end;
        /* back matter: the chapter's trailing BLOCK_BACK blocks */
        size_t first = b;
        while (b < eb->n_blocks && eb->blocks[b].off < ch->end)
            b++;
        size_t back = ch->end, j = b;
        while (j > first && (eb->blocks[j - 1].flags & BLOCK_BACK) && eb->blocks[j - 1].off >= ch->body)
            back = eb->blocks[--j].off;
        ch->back = back;
        /* a chapter that is only an author's note (FanFicFare's "Author's
           Note: Thank You", a hiatus notice) is all matter, as parse_text
           makes it for a TXT: no story words, never a new chapter */
        if (ch->body < ch->back && parse_note_chapter(eb->text, ch->body, ch->back, ch->title)) {
            for (size_t q = first; q < b; q++)
                if (eb->blocks[q].off >= ch->body)
                    eb->blocks[q].flags |= BLOCK_BACK;
            ch->back = ch->body;
        }
    }
    if (!eb->format)
        eb->format = xstrdup("HTML");
}

bool html_read(const char *name, const void *bytes, size_t n, struct ebook *out, char **err)
{
    (void)name;
    memset(out, 0, sizeof *out);
    if (!html_append(out, bytes, n, false, HTML_STANDALONE, NULL, NULL, NULL)) {
        /* nothing was appended: *out stays empty */
        set_err(err, "not an HTML document");
        return false;
    }
    return true;
}
