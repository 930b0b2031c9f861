/* epub.c — an EPUB (2 or 3) as a derived text: the zip container read in
 * memory (epub_zip.c), the OPF package document (metadata, manifest,
 * spine), the table of contents (EPUB 3 nav document or EPUB 2 NCX), and
 * every spine document handed to html_append() in reading order with the
 * role the package gives it (chapter, continuation, front or back matter).
 *
 * Nothing is extracted to disk: entries are inflated into memory, bounded
 * (epub_zip.c).  Entry
 * names are only names: an href is resolved against the document that
 * names it (percent-decoding, `.` and `..` inside the container, never
 * above its root) and looked up; a `../x` entry can never be reached.
 * XML (container.xml, OPF, NCX, nav) is parsed by libxml2 with recovery
 * on, network off, no DTD loaded and no entity substituted; text is
 * collected without descending into entity references except short
 * internal ones (so an external entity naming /etc/passwd shows nothing,
 * and an expansion bomb costs nothing). */
#include "ebook_int.h"
#include "epub_int.h"
#include "parse_int.h"
#include "util.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

/* The longest internal entity whose text is kept (bytes); longer ones,
 * and ones that name other entities, are dropped. */
#define EPUB_ENTITY_MAX  64

/* ---------------------------------------------------------------------- */
/* XML helpers                                                             */

static xmlDocPtr xml_parse(const char *bytes, size_t n)
{
    if (n > INT32_MAX)
        return NULL;
    return xmlReadMemory(bytes, (int)n, "epub.xml", NULL, XML_OPTS);
}

/* Is node an element with local name `name` (any namespace)? */
static bool is_el(const xmlNode *nd, const char *name)
{
    return nd && nd->type == XML_ELEMENT_NODE && nd->name &&
           strcasecmp((const char *)nd->name, name) == 0;
}

/* Attribute `name` of element nd, any namespace (malloc'd by libxml2:
 * free with xmlFree), or NULL. */
static char *attr(const xmlNode *nd, const char *name)
{
    for (xmlAttr *a = nd->properties; a; a = a->next) {
        if (a->name && strcmp((const char *)a->name, name) == 0) {
            xmlChar *v = xmlNodeListGetString(nd->doc, a->children, 1);
            if (v)
                return (char *)v;
        }
    }
    return NULL;
}

static void text_walk(const xmlNode *nd, struct buf *b, int depth)
{
    for (; nd; nd = nd->next) {
        if (b->len > ((size_t)1 << 20))
            return;
        switch (nd->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            if (nd->content)
                buf_adds(b, (const char *)nd->content);
            break;
        case XML_ELEMENT_NODE:
            if (depth < 64)
                text_walk(nd->children, b, depth + 1);
            break;
        case XML_ENTITY_REF_NODE: {
            /* A short internal entity made of text only is kept (a
             * declared &nbsp;); anything else shows nothing. */
            const xmlEntity *e = (const xmlEntity *)nd->children;
            if (e && e->type == XML_ENTITY_DECL && e->etype == XML_INTERNAL_GENERAL_ENTITY &&
                e->content && strlen((const char *)e->content) <= EPUB_ENTITY_MAX &&
                !strchr((const char *)e->content, '&') && !strchr((const char *)e->content, '<'))
                buf_adds(b, (const char *)e->content);
            break;
        }
        default:
            break;
        }
    }
}

/* The text of element nd, white space collapsed to single spaces and
 * trimmed (malloc'd; "" when none). */
static char *node_text(const xmlNode *nd)
{
    struct buf raw = {0};
    text_walk(nd->children, &raw, 0);
    char *t = esax_collapse_ws(NULL, raw.data ? raw.data : "", raw.len);
    buf_free(&raw);
    return t;
}

/* First element below nd (depth-first, nd excluded) named `name`.  Only
 * elements are descended into: an entity reference's children are its
 * declaration's, shared by every reference (a bomb is a DAG of them). */
static xmlNode *find_el(xmlNode *nd, const char *name, int depth)
{
    if (depth > 256)
        return NULL;
    for (xmlNode *c = nd ? nd->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(c, name))
            return c;
        xmlNode *r = find_el(c, name, depth + 1);
        if (r)
            return r;
    }
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* The package (struct epub and its parts: epub_int.h)                     */

static void epub_free(struct epub *ep)
{
    ezip_close(&ep->z);
    free(ep->opf_path);
    free(ep->items);   /* their strings and the TOC's are in ep->ar */
    free(ep->spine);
    free(ep->nonlinear);
    free(ep->toc);
    for (size_t i = 0; i < ep->n_marks; i++) {
        free(ep->marks[i].path);
        free(ep->marks[i].frag);
    }
    free(ep->marks);
    free(ep->by_id);
    free(ep->toc_bytes);
    esax_arena_free(&ep->ar);
    memset(ep, 0, sizeof *ep);
}

/* The first item whose id is `id`, or SIZE_MAX: a look in the hash
 * table ep->by_id once index_ids made it (a spine of 3,000 itemrefs would
 * otherwise cost millions of strcmp; sorting the ids cost 9 million
 * instructions at 3,240 items), else a walk. */
static size_t item_by_id(const struct epub *ep, const char *id)
{
    if (!id)
        return SIZE_MAX;
    if (!ep->by_id) {
        for (size_t i = 0; i < ep->n_items; i++)
            if (ep->items[i].id && strcmp(ep->items[i].id, id) == 0)
                return i;
        return SIZE_MAX;
    }
    size_t mask = ep->n_by_id - 1;
    for (size_t h = fnv1a(FNV_OFFSET, id, strlen(id)) & mask;; h = (h + 1) & mask) {
        size_t i = ep->by_id[h];
        if (i == SIZE_MAX)
            return SIZE_MAX;
        if (strcmp(ep->items[i].id, id) == 0)
            return i;
    }
}

/* ep->by_id: the items with an id in a hash table of n_by_id slots (a
 * power of two, at least twice as many as the items: linear probing,
 * SIZE_MAX empty), each id's first item only (as the walk finds it). */
static void index_ids(struct epub *ep)
{
    size_t n = 16;
    while (n < 2 * ep->n_items)
        n *= 2;
    ep->by_id = xmalloc(n * sizeof *ep->by_id);
    ep->n_by_id = n;
    for (size_t h = 0; h < n; h++)
        ep->by_id[h] = SIZE_MAX;
    for (size_t i = 0; i < ep->n_items; i++) {
        const char *id = ep->items[i].id;
        if (!id)
            continue;
        size_t h = fnv1a(FNV_OFFSET, id, strlen(id)) & (n - 1);
        while (ep->by_id[h] != SIZE_MAX && strcmp(ep->items[ep->by_id[h]].id, id) != 0)
            h = (h + 1) & (n - 1);
        if (ep->by_id[h] == SIZE_MAX)
            ep->by_id[h] = i;   /* a later item with the same id is not kept */
    }
}

static size_t item_by_path(const struct epub *ep, const char *path)
{
    for (size_t i = 0; i < ep->n_items; i++)
        if (strcmp(ep->items[i].path, path) == 0)
            return i;
    for (size_t i = 0; i < ep->n_items; i++)
        if (strcasecmp(ep->items[i].path, path) == 0)
            return i;
    return SIZE_MAX;
}

/* The OPF path from META-INF/container.xml; else the first *.opf entry;
 * NULL when neither. */
static char *find_opf(struct epub *ep, char **err, bool *failed)
{
    char *bytes;
    size_t n;
    int r = ezip_read(&ep->z, "META-INF/container.xml", &bytes, &n, err);
    if (r < 0) {
        *failed = true;
        return NULL;
    }
    if (r > 0) {
        xmlDocPtr doc = xml_parse(bytes, n);
        free(bytes);
        char *path = NULL;
        if (doc) {
            xmlNode *root = xmlDocGetRootElement(doc);
            for (xmlNode *rf = root ? find_el(root, "rootfile", 0) : NULL; rf; rf = rf->next) {
                if (!is_el(rf, "rootfile"))
                    continue;
                char *mt = attr(rf, "media-type");
                char *fp = attr(rf, "full-path");
                bool ok = fp && (!mt || strcmp(mt, "application/oebps-package+xml") == 0);
                if (ok)
                    path = esax_resolve("", fp, NULL);
                xmlFree(mt);
                xmlFree(fp);
                if (path && ezip_find(&ep->z, path) >= 0)
                    break;
                free(path);
                path = NULL;
            }
            xmlFreeDoc(doc);
        }
        if (path)
            return path;
    }
    size_t ne = ezip_count(&ep->z);
    for (size_t i = 0; i < ne; i++) {
        const char *name = ezip_name(&ep->z, i);
        size_t l = name ? strlen(name) : 0;
        if (l > 4 && strcasecmp(name + l - 4, ".opf") == 0)
            return xstrdup(name);
    }
    return NULL;
}

/* DRM: META-INF/encryption.xml naming anything but fonts under a font
 * obfuscation algorithm, Adobe ADEPT's rights.xml, Apple's sinf.xml. */
static bool is_drm(struct epub *ep)
{
    if (ezip_find(&ep->z, "META-INF/rights.xml") >= 0 ||
        ezip_find(&ep->z, "META-INF/sinf.xml") >= 0)
        return true;
    char *bytes, *e = NULL;
    size_t n;
    int r = ezip_read(&ep->z, "META-INF/encryption.xml", &bytes, &n, &e);
    free(e);
    if (r < 0)
        return true;
    if (r == 0)
        return false;
    bool drm = false;
    xmlDocPtr doc = xml_parse(bytes, n);
    if (!doc) {
        /* Unreadable: say DRM when it names a content document. */
        drm = strstr(bytes, ".xhtml") || strstr(bytes, ".html") || strstr(bytes, ".htm");
        free(bytes);
        return drm;
    }
    free(bytes);
    /* Each EncryptedData: its EncryptionMethod and CipherReference. */
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *stack[64];
    size_t sp = 0;
    if (root)
        stack[sp++] = root;
    while (sp && !drm) {
        xmlNode *nd = stack[--sp];
        for (xmlNode *c = nd->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE)
                continue;
            if (is_el(c, "EncryptedData")) {
                xmlNode *m = find_el(c, "EncryptionMethod", 0);
                xmlNode *cr = find_el(c, "CipherReference", 0);
                char *alg = m ? attr(m, "Algorithm") : NULL;
                char *uri = cr ? attr(cr, "URI") : NULL;
                bool font_alg = alg && (strcmp(alg, "http://www.idpf.org/2008/embedding") == 0 ||
                                        strcmp(alg, "http://ns.adobe.com/pdf/enc#RC") == 0);
                size_t ul = uri ? strlen(uri) : 0;
                bool font = false;
                static const char *const fext[] = {".otf", ".ttf", ".woff", ".woff2", ".odttf"};
                for (size_t k = 0; k < sizeof fext / sizeof *fext; k++) {
                    size_t fl = strlen(fext[k]);
                    if (ul > fl && strcasecmp(uri + ul - fl, fext[k]) == 0)
                        font = true;
                }
                if (uri && !(font_alg && font))
                    drm = true;
                xmlFree(alg);
                xmlFree(uri);
            } else if (sp < sizeof stack / sizeof *stack) {
                stack[sp++] = c;
            }
        }
    }
    xmlFreeDoc(doc);
    return drm;
}

/* YYYY-MM-DD from a date string (its first 10 bytes when they have that
 * shape; a bare year or year-month as given), or NULL. */
static char *epub_date(const char *s)
{
    size_t l = strlen(s);
    if (l >= 10 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[3]) && s[4] == '-' &&
        isdigit((unsigned char)s[5]) && s[7] == '-' && isdigit((unsigned char)s[9]))
        return xstrndup(s, 10);
    if (l == 4 || l == 7)
        return isdigit((unsigned char)s[0]) ? xstrdup(s) : NULL;
    return NULL;
}

/* Paragraph breaks for the description's HTML. */
static bool is_block_name(const char *n)
{
    static const char *const names[] = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5",
                                        "h6", "blockquote", "tr", "ul", "ol", "hr", "dd", "dt"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcasecmp(n, names[i]) == 0)
            return true;
    return false;
}

static void html_text_walk(const xmlNode *nd, struct buf *b, int depth)
{
    for (; nd; nd = nd->next) {
        if (b->len > ((size_t)1 << 20))
            return;
        if (nd->type == XML_TEXT_NODE || nd->type == XML_CDATA_SECTION_NODE) {
            if (nd->content)
                buf_adds(b, (const char *)nd->content);
        } else if (nd->type == XML_ELEMENT_NODE) {
            const char *n = (const char *)nd->name;
            if (strcasecmp(n, "script") == 0 || strcasecmp(n, "style") == 0)
                continue;
            bool blk = is_block_name(n);
            if (blk)
                buf_adds(b, "\n\n");
            if (depth < 64)
                html_text_walk(nd->children, b, depth + 1);
            if (blk)
                buf_adds(b, "\n\n");
        }
    }
}

/* A description (often HTML) as plain text: paragraphs separated by
 * "\n\n", white space inside them collapsed; NULL when it has no text. */
static char *strip_html(const char *s)
{
    size_t n = strlen(s);
    struct buf raw = {0};
    htmlDocPtr doc = n && n < INT32_MAX
                         ? htmlReadMemory(s, (int)n, "description", "UTF-8",
                                          HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                              HTML_PARSE_NOWARNING | HTML_PARSE_NONET)
                         : NULL;
    if (doc) {
        html_text_walk(xmlDocGetRootElement(doc), &raw, 0);
        xmlFreeDoc(doc);
    } else {
        buf_adds(&raw, s);
    }
    /* Collapse: runs of white space with two or more '\n' are paragraph
     * breaks, other runs one space. */
    struct buf b = {0};
    for (size_t i = 0; i < raw.len;) {
        unsigned char c = (unsigned char)raw.data[i];
        bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
        /* U+00A0 no-break space counts as white space here. */
        bool nbsp = c == 0xC2 && i + 1 < raw.len && (unsigned char)raw.data[i + 1] == 0xA0;
        if (!ws && !nbsp) {
            buf_addc(&b, (char)c);
            i++;
            continue;
        }
        int nl = 0;
        while (i < raw.len) {
            c = (unsigned char)raw.data[i];
            if (c == '\n') {
                nl++;
                i++;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                i++;
            } else if (c == 0xC2 && i + 1 < raw.len && (unsigned char)raw.data[i + 1] == 0xA0) {
                i += 2;
            } else {
                break;
            }
        }
        if (b.len == 0 || i >= raw.len)
            continue;
        if (nl >= 2 || (doc == NULL && nl >= 2))
            buf_adds(&b, "\n\n");
        else
            buf_addc(&b, ' ');
    }
    buf_free(&raw);
    if (!b.data || b.len == 0) {
        buf_free(&b);
        return NULL;
    }
    /* Without paragraphs from markup, keep the text's own blank lines. */
    return b.data;
}

static void add_tag(struct parse_meta *m, const char *t)
{
    if (!t || !*t)
        return;
    for (size_t i = 0; i < m->n_tags; i++)
        if (strcmp(m->tags[i], t) == 0)
            return;
    m->tags = xreallocarray(m->tags, m->n_tags + 1, sizeof *m->tags);
    m->tags[m->n_tags++] = xstrdup(t);
}

/* Decode the five XML entities in s, in place: calibre escapes AO3's
 * titles twice ("&amp;amp;" in the OPF), FanFicFare its authors. */
static void unescape_once(char *s)
{
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''},
                {"&apos;", '\''}};
    if (!s)
        return;
    char *w = s;
    for (const char *r = s; *r;) {
        size_t k = 0;
        if (*r == '&')
            for (; k < sizeof ents / sizeof *ents; k++)
                if (strncmp(r, ents[k].ent, strlen(ents[k].ent)) == 0)
                    break;
        if (*r == '&' && k < sizeof ents / sizeof *ents) {
            *w++ = ents[k].c;
            r += strlen(ents[k].ent);
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

/* Is s a web address? */
static bool is_url(const char *s)
{
    return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

/* The EPUB 3 `refines` meta with property `prop` for element id `id`. */
static char *refine(xmlNode *metadata, const char *id, const char *prop)
{
    if (!id)
        return NULL;
    for (xmlNode *c = metadata->children; c; c = c->next) {
        if (!is_el(c, "meta"))
            continue;
        char *r = attr(c, "refines");
        char *p = attr(c, "property");
        bool hit = r && p && r[0] == '#' && strcmp(r + 1, id) == 0 && strcmp(p, prop) == 0;
        xmlFree(r);
        xmlFree(p);
        if (hit)
            return node_text(c);
    }
    return NULL;
}

/* Fill out's title, author and meta from the OPF's <metadata>. */
static void read_metadata(struct epub *ep, xmlNode *md, struct ebook *out)
{
    struct parse_meta *m = &out->pr.meta;
    char *first_title = NULL, *main_title = NULL;
    struct buf authors = {0};
    char *calibre_series = NULL, *calibre_index = NULL, *coll = NULL, *coll_pos = NULL;
    char *id_url = NULL, *status = NULL;
    for (xmlNode *c = md->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *nm = (const char *)c->name;
        char *id = attr(c, "id");
        if (strcmp(nm, "title") == 0) {
            char *t = node_text(c);
            char *tt = refine(md, id, "title-type");
            if (*t && !first_title)
                first_title = xstrdup(t);
            if (*t && tt && strcmp(tt, "main") == 0 && !main_title)
                main_title = xstrdup(t);
            free(tt);
            free(t);
        } else if (strcmp(nm, "creator") == 0) {
            char *role = attr(c, "role");
            char *r3 = refine(md, id, "role");
            const char *rl = role ? role : r3;
            if (!rl || strcmp(rl, "aut") == 0) {
                char *t = node_text(c);
                if (*t) {
                    if (authors.len)
                        buf_adds(&authors, " & ");
                    buf_adds(&authors, t);
                }
                free(t);
            }
            xmlFree(role);
            free(r3);
        } else if (strcmp(nm, "language") == 0) {
            char *t = node_text(c);
            if (*t && !m->language)
                m->language = xstrdup(t);
            free(t);
        } else if (strcmp(nm, "subject") == 0) {
            char *t = node_text(c);
            if (ep->fff && (strcmp(t, "Completed") == 0 || strcmp(t, "In-Progress") == 0)) {
                if (!status)
                    status = xstrdup(strcmp(t, "Completed") == 0 ? "complete" : "in progress");
            } else if (!(ep->fff && strncmp(t, "Last Update", 11) == 0)) {
                add_tag(m, t);
            }
            free(t);
        } else if (strcmp(nm, "description") == 0) {
            if (!m->summary) {
                char *t = node_text(c);
                m->summary = strip_html(t);
                free(t);
            }
        } else if (strcmp(nm, "source") == 0) {
            char *t = node_text(c);
            if (!m->source_url && is_url(t))
                m->source_url = xstrdup(t);
            free(t);
        } else if (strcmp(nm, "identifier") == 0) {
            char *t = node_text(c);
            const char *u = strncasecmp(t, "url:", 4) == 0 ? t + 4 : t;
            if (!id_url && is_url(u))
                id_url = xstrdup(u);
            free(t);
        } else if (strcmp(nm, "date") == 0) {
            char *t = node_text(c);
            char *ev = attr(c, "event");
            char *d = epub_date(t);
            if (d && ev && strcmp(ev, "modification") == 0) {
                if (!m->updated)
                    m->updated = d, d = NULL;
            } else if (d && !m->published) {
                m->published = d, d = NULL;
            }
            free(d);
            xmlFree(ev);
            free(t);
        } else if (strcmp(nm, "meta") == 0) {
            char *name = attr(c, "name");
            char *content = attr(c, "content");
            char *prop = attr(c, "property");
            char *refines = attr(c, "refines");
            if (name && content) {
                if (strcmp(name, "calibre:series") == 0 && !calibre_series)
                    calibre_series = xstrdup(content);
                else if (strcmp(name, "calibre:series_index") == 0 && !calibre_index)
                    calibre_index = xstrdup(content);
            } else if (prop && !refines) {
                if (strcmp(prop, "belongs-to-collection") == 0 && !coll) {
                    char *ct = refine(md, id, "collection-type");
                    char *pos = refine(md, id, "group-position");
                    /* A series says so, or gives the story's place in it;
                     * a bare collection is not a series. */
                    if ((ct && strcmp(ct, "series") == 0) || (!ct && pos)) {
                        coll = node_text(c);
                        coll_pos = pos, pos = NULL;
                    }
                    free(pos);
                    free(ct);
                } else if (strcmp(prop, "dcterms:modified") == 0 && !m->updated) {
                    char *t = node_text(c);
                    m->updated = epub_date(t);
                    free(t);
                }
            }
            xmlFree(name);
            xmlFree(content);
            xmlFree(prop);
            xmlFree(refines);
        }
        xmlFree(id);
    }
    out->pr.title = main_title ? main_title : first_title;
    if (main_title)
        free(first_title);
    out->pr.author = authors.data;
    if (ep->ao3 || ep->fff) {
        unescape_once(out->pr.title);
        unescape_once(out->pr.author);
    }
    if (calibre_series && *calibre_series) {
        m->series = calibre_series, calibre_series = NULL;
        if (calibre_index)
            m->series_index = strtod(calibre_index, NULL);
    } else if (coll && *coll) {
        m->series = coll, coll = NULL;
        if (coll_pos)
            m->series_index = strtod(coll_pos, NULL);
    }
    if (!(m->series_index > 0 && m->series_index < 1e9))
        m->series_index = 0;
    if (!m->source_url && id_url)
        m->source_url = id_url, id_url = NULL;
    if (status && !m->status)
        m->status = status, status = NULL;
    free(calibre_series);
    free(calibre_index);
    free(coll);
    free(coll_pos);
    free(id_url);
    free(status);
}

/* Recognise the producer: AO3 (publisher "Archive of Our Own" or an
 * archiveofourown.org address), FanFicFare (its contributor/identifier). */
static void read_producer(struct epub *ep, xmlNode *md)
{
    for (xmlNode *c = md->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *nm = (const char *)c->name;
        if (strcmp(nm, "publisher") && strcmp(nm, "contributor") && strcmp(nm, "identifier") &&
            strcmp(nm, "source"))
            continue;
        char *t = node_text(c);
        if (strcmp(t, "Archive of Our Own") == 0 || strstr(t, "archiveofourown.org"))
            ep->ao3 = true;
        if (strncasecmp(t, "FanFicFare", 10) == 0 || strncmp(t, "fanficfare-uid:", 15) == 0)
            ep->fff = true;
        free(t);
    }
}

/* NCX navPoints, depth-first. */
static void read_ncx_points(struct epub *ep, const char *from, xmlNode *nd, int depth,
                            const char *parent_path)
{
    if (depth > 32)
        return;
    for (xmlNode *c = nd->children; c; c = c->next) {
        if (!is_el(c, "navPoint"))
            continue;
        xmlNode *lab = find_el(c, "navLabel", 0);
        xmlNode *txt = lab ? find_el(lab, "text", 0) : NULL;
        xmlNode *cont = NULL;
        for (xmlNode *k = c->children; k; k = k->next)
            if (is_el(k, "content"))
                cont = k;
        char *label = txt ? node_text(txt) : xstrdup("");
        char *src = cont ? attr(cont, "src") : NULL;
        size_t before = ep->n_toc;
        if (src)
            esax_add_toc(ep, from, src, label, depth, parent_path);
        const char *me = ep->n_toc > before ? ep->toc[ep->n_toc - 1].path : parent_path;
        char *mine = me ? xstrdup(me) : NULL;
        read_ncx_points(ep, from, c, depth + 1, mine);
        free(mine);
        free(label);
        xmlFree(src);
    }
}

/* A nav document's <nav epub:type="toc"> (else its first <nav>). */
static xmlNode *find_toc_nav(xmlNode *nd, xmlNode **first, int depth)
{
    if (depth > 256)
        return NULL;
    for (xmlNode *c = nd->children; c; c = c->next) {
        if (is_el(c, "nav")) {
            char *t = attr(c, "type");
            bool toc = t && esax_has_word(t, "toc");
            xmlFree(t);
            if (toc)
                return c;
            if (!*first)
                *first = c;
        }
        xmlNode *r = c->type == XML_ELEMENT_NODE ? find_toc_nav(c, first, depth + 1) : NULL;
        if (r)
            return r;
    }
    return NULL;
}

/* Entries of a nav's lists: each <li> with an <a href>, nested <ol>s deeper. */
static void read_nav_list(struct epub *ep, const char *from, xmlNode *ol, int depth,
                          const char *parent_path)
{
    if (depth > 32)
        return;
    for (xmlNode *li = ol->children; li; li = li->next) {
        if (!is_el(li, "li"))
            continue;
        const char *me = parent_path;
        char *mine = NULL;
        for (xmlNode *c = li->children; c; c = c->next) {
            if (is_el(c, "a")) {
                char *href = attr(c, "href");
                char *label = node_text(c);
                size_t before = ep->n_toc;
                if (href)
                    esax_add_toc(ep, from, href, label, depth, parent_path);
                if (ep->n_toc > before) {
                    free(mine);
                    mine = xstrdup(ep->toc[ep->n_toc - 1].path);
                    me = mine;
                }
                xmlFree(href);
                free(label);
            } else if (is_el(c, "ol") || is_el(c, "ul")) {
                read_nav_list(ep, from, c, depth + 1, me);
            }
        }
        free(mine);
    }
}

/* The nav document's landmarks that open back matter inside a document. */
static void read_landmarks(struct epub *ep, const char *from, xmlNode *nd, int depth)
{
    if (depth > 256)
        return;
    for (xmlNode *c = nd->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(c, "a")) {
            char *t = attr(c, "type");
            char *href = attr(c, "href");
            esax_add_mark(ep, from, t, href);
            xmlFree(t);
            xmlFree(href);
        } else {
            read_landmarks(ep, from, c, depth + 1);
        }
    }
}

static void find_landmarks(struct epub *ep, const char *from, xmlNode *nd, int depth)
{
    if (depth > 256)
        return;
    for (xmlNode *c = nd->children; c; c = c->next) {
        if (is_el(c, "nav")) {
            char *t = attr(c, "type");
            if (t && esax_has_word(t, "landmarks"))
                read_landmarks(ep, from, c, 0);
            xmlFree(t);
        } else if (c->type == XML_ELEMENT_NODE) {
            find_landmarks(ep, from, c, depth + 1);
        }
    }
}

/* The TOC read so far let go (its strings stay in ep->ar), and the
 * landmarks with it. */
static void toc_drop(struct epub *ep)
{
    free(ep->toc);
    ep->toc = NULL;
    ep->n_toc = ep->cap_toc = 0;
    for (size_t i = 0; i < ep->n_marks; i++) {
        free(ep->marks[i].path);
        free(ep->marks[i].frag);
    }
    ep->n_marks = 0;
}

/* Can toc_prefix_ok see through the TOC document's bytes not read,
 * s[0, n)?  Not when they hold a percent escape or a character
 * reference: an href could spell a document's name there without its
 * bytes. */
static bool toc_rest_plain(const char *s, size_t n)
{
    if (memchr(s, '%', n))
        return false;
    for (const char *p = s, *e = s + n; (p = memchr(p, '&', (size_t)(e - p))) != NULL; p++)
        if (p + 1 < e && p[1] == '#')
            return false;
    return true;
}

/* Is item `it` among the first m documents of the spine? */
static bool in_spine_head(const struct epub *ep, size_t it, size_t m)
{
    for (size_t k = 0; k < ep->n_spine && k < m; k++)
        if (ep->spine[k] == it)
            return true;
    return false;
}

static void read_toc_doc(struct epub *ep, int t, const char *path, char *bytes, size_t n,
                         size_t stop);

/* The table of contents: the nav document's, else the NCX's; nothing when
 * both are missing or unreadable (errors other than bombs are ignored).
 * stop_after (0: none), for a head: the stream reading may stop after as
 * many entries (esax_read_nav_upto), the document then kept in
 * ep->toc_bytes for toc_prefix_ok; not when the document is itself one
 * of the spine's first stop_after (its own entries' hrefs need not name
 * it) or what is not read does not let toc_prefix_ok check it. */
static bool read_toc(struct epub *ep, size_t stop_after, char **err)
{
    size_t tries[2] = {ep->nav_item, ep->ncx_item};
    for (int t = 0; t < 2 && ep->n_toc == 0; t++) {
        if (tries[t] == SIZE_MAX)
            continue;
        const char *path = ep->items[tries[t]].path;
        char *bytes;
        size_t n;
        int r = ezip_read(&ep->z, path, &bytes, &n, err);
        if (r < 0)
            return false;
        if (r == 0)
            continue;
        read_toc_doc(ep, t, path, bytes, n, in_spine_head(ep, tries[t], stop_after) ? 0 : stop_after);
    }
    return true;
}

/* The TOC document `path` (bytes[0, n), taken: freed, or kept in
 * ep->toc_bytes when read in part), the nav (t 0) or the NCX (t 1), read
 * into ep->toc and ep->marks: from the stream, stopping after `stop`
 * entries (0: never) unless what is not read then cannot be checked,
 * else from libxml2's tree. */
static void read_toc_doc(struct epub *ep, int t, const char *path, char *bytes, size_t n,
                         size_t stop)
{
    size_t rest;
    bool sax = t == 0 ? esax_read_nav_upto(ep, path, bytes, n, stop, &rest)
                      : esax_read_ncx_upto(ep, path, bytes, n, stop, &rest);
    if (sax && rest < n && !toc_rest_plain(bytes + rest, n - rest)) {
        toc_drop(ep);   /* read it all after all */
        sax = t == 0 ? esax_read_nav_upto(ep, path, bytes, n, 0, &rest)
                     : esax_read_ncx_upto(ep, path, bytes, n, 0, &rest);
    }
    if (sax && rest < n) {
        ep->toc_bytes = bytes;
        ep->toc_path = path;
        ep->toc_n = n;
        ep->toc_rest = rest;
        ep->toc_ncx = t == 1;
        return;
    }
    if (sax) {
        free(bytes);
        return;
    }
    xmlDocPtr doc = xml_parse(bytes, n);
    free(bytes);
    if (!doc)
        return;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (root && t == 0) {
        xmlNode *first = NULL;
        xmlNode *nav = find_toc_nav(root, &first, 0);
        if (!nav)
            nav = first;
        xmlNode *ol = NULL;
        for (xmlNode *c = nav ? nav->children : NULL; c && !ol; c = c->next)
            if (is_el(c, "ol") || is_el(c, "ul"))
                ol = c;
        if (ol)
            read_nav_list(ep, path, ol, 0, NULL);
        find_landmarks(ep, path, root, 0);
    } else if (root) {
        xmlNode *map = is_el(root, "navMap") ? root : find_el(root, "navMap", 0);
        if (map)
            read_ncx_points(ep, path, map, 0, NULL);
    }
    xmlFreeDoc(doc);
}

/* A manifest item: its href resolved against the OPF (none: not kept);
 * its strings copied into ep->ar, or taken as they are when `kept` (they
 * are in ep->ar already). */
static void add_item(struct epub *ep, char *id, const char *href, char *media, char *props,
                     bool kept)
{
    char *path = esax_resolve_in(&ep->ar, ep->opf_path, href, NULL);
    if (!path)
        return;
    XGROW(ep->items, ep->cap_items, ep->n_items + 1);
    struct epub_item *it = &ep->items[ep->n_items++];
    memset(it, 0, sizeof *it);
    it->id = kept ? id : esax_arena_str(&ep->ar, id);
    it->path = path;
    it->media = kept ? media : esax_arena_str(&ep->ar, media);
    it->props = kept ? props : esax_arena_str(&ep->ar, props);
    if (it->props && esax_has_word(it->props, "nav") && ep->nav_item == SIZE_MAX)
        ep->nav_item = ep->n_items - 1;
    if (it->media && strcmp(it->media, "application/x-dtbncx+xml") == 0 &&
        ep->ncx_item == SIZE_MAX)
        ep->ncx_item = ep->n_items - 1;
}

/* A spine itemref in pass 0 (linear items) or 1 (the others); *cap is
 * what ep->spine has room for. */
static void add_itemref_at(struct epub *ep, size_t it, bool nonlin, int pass, bool *in_spine,
                           size_t *cap);

static void add_itemref(struct epub *ep, const char *idref, const char *lin, int pass,
                        bool *in_spine, size_t *cap)
{
    add_itemref_at(ep, item_by_id(ep, idref), lin && strcmp(lin, "no") == 0, pass, in_spine, cap);
}

/* add_itemref of item `it` (SIZE_MAX: none), found already. */
static void add_itemref_at(struct epub *ep, size_t it, bool nonlin, int pass, bool *in_spine,
                           size_t *cap)
{
    if (it == SIZE_MAX || nonlin != (pass == 1))
        return;
    if (in_spine[it])
        return;   /* listed twice: read once */
    in_spine[it] = true;
    if (ep->n_spine + 1 > *cap) {
        *cap = *cap ? *cap * 2 : 32;
        ep->spine = xreallocarray(ep->spine, *cap, sizeof *ep->spine);
        ep->nonlinear = xreallocarray(ep->nonlinear, *cap, sizeof *ep->nonlinear);
    }
    ep->spine[ep->n_spine] = it;
    ep->nonlinear[ep->n_spine++] = nonlin;
}

/* Read the OPF: metadata into out, manifest, spine, nav/NCX items. */
static bool read_opf(struct epub *ep, struct ebook *out, char **err)
{
    char *bytes;
    size_t n;
    int r = ezip_read(&ep->z, ep->opf_path, &bytes, &n, err);
    if (r == 0)
        set_err(err, "no OPF package document");
    if (r <= 0)
        return false;
    struct opf_sax sx;
    xmlDocPtr doc = esax_opf_parse(bytes, n, &sx);
    if (!doc)
        doc = xml_parse(bytes, n);
    free(bytes);
    xmlNode *pkg = doc ? xmlDocGetRootElement(doc) : NULL;
    if (pkg && !is_el(pkg, "package"))
        pkg = find_el(pkg, "package", 0);
    if (!pkg) {
        esax_opf_free(&sx);
        xmlFreeDoc(doc);
        set_err(err, "broken OPF package document (%s)", ep->opf_path);
        return false;
    }
    char *ver = attr(pkg, "version");
    ep->version = ver && ver[0] >= '3' ? 3 : 2;
    xmlFree(ver);
    xmlNode *md = find_el(pkg, "metadata", 0);
    if (md) {
        read_producer(ep, md);
        read_metadata(ep, md, out);
    }
    ep->nav_item = ep->ncx_item = SIZE_MAX;
    xmlNode *man = find_el(pkg, "manifest", 0);
    /* the items: from the stream (sx, whose strings ep keeps) or from
       the tree, in order */
    esax_arena_take(&ep->ar, &sx.ar);
    for (size_t q = 0; q < sx.n_recs; q++) {
        struct opf_rec *rc = &sx.recs[q];
        if (man && rc->parent == man && rc->kind == OPF_ITEM) {
            add_item(ep, rc->a[0], rc->a[1], rc->a[2], rc->a[3], true);
        }
    }
    for (xmlNode *c = man ? man->children : NULL; c; c = c->next) {
        if (!is_el(c, "item"))
            continue;
        char *a[4] = {attr(c, "id"), attr(c, "href"), attr(c, "media-type"), attr(c, "properties")};
        add_item(ep, a[0], a[1], a[2], a[3], false);
        for (int k = 0; k < 4; k++)
            xmlFree(a[k]);
    }
    index_ids(ep);
    bool *in_spine = xcalloc(ep->n_items ? ep->n_items : 1, sizeof *in_spine);
    xmlNode *spine = find_el(pkg, "spine", 0);
    if (spine) {
        char *toc = attr(spine, "toc");
        size_t ti = item_by_id(ep, toc);
        if (ti != SIZE_MAX)
            ep->ncx_item = ti;
        xmlFree(toc);
        size_t cap = 0;
        /* the stream's itemrefs' items, looked up once for both passes */
        size_t *ref_item = xmalloc((sx.n_recs ? sx.n_recs : 1) * sizeof *ref_item);
        for (size_t q = 0; q < sx.n_recs; q++) {
            const struct opf_rec *rc = &sx.recs[q];
            ref_item[q] = rc->parent == spine && rc->kind == OPF_ITEMREF ? item_by_id(ep, rc->a[0])
                                                                         : SIZE_MAX;
        }
        /* Linear items in order, then the non-linear ones (notes and the
         * like: kept, as back matter). */
        for (int pass = 0; pass < 2; pass++) {
            for (size_t q = 0; q < sx.n_recs; q++) {
                const struct opf_rec *rc = &sx.recs[q];
                if (ref_item[q] != SIZE_MAX)
                    add_itemref_at(ep, ref_item[q], rc->a[1] && strcmp(rc->a[1], "no") == 0, pass,
                                   in_spine, &cap);
            }
            for (xmlNode *c = spine->children; c; c = c->next) {
                if (!is_el(c, "itemref"))
                    continue;
                char *idref = attr(c, "idref");
                char *lin = attr(c, "linear");
                add_itemref(ep, idref, lin, pass, in_spine, &cap);
                xmlFree(idref);
                xmlFree(lin);
            }
        }
        free(ref_item);
    }
    free(in_spine);
    /* EPUB 2 guide: cover, title page, contents, copyright are front
     * matter; a colophon is back matter. */
    xmlNode *guide = find_el(pkg, "guide", 0);
    for (xmlNode *c = guide ? guide->children : NULL; c; c = c->next) {
        if (!is_el(c, "reference"))
            continue;
        char *type = attr(c, "type");
        char *href = attr(c, "href");
        char *path = esax_resolve(ep->opf_path, href, NULL);
        size_t it = path ? item_by_path(ep, path) : SIZE_MAX;
        if (it != SIZE_MAX && type) {
            if (strcmp(type, "cover") == 0 || strcmp(type, "title-page") == 0 ||
                strcmp(type, "toc") == 0 || strcmp(type, "copyright-page") == 0)
                ep->items[it].guide = 1;
            else if (strcmp(type, "colophon") == 0)
                ep->items[it].guide = 2;
        }
        free(path);
        xmlFree(type);
        xmlFree(href);
    }
    esax_opf_free(&sx);
    xmlFreeDoc(doc);
    return true;
}

/* ---------------------------------------------------------------------- */
/* Spine documents                                                         */

enum doc_kind { DOC_BODY, DOC_FRONT, DOC_BACK };

/* The `epub:type` words of the document's <body> and the elements that
 * open it, max_tags tags in all (read from the bytes: cheap, and fine on
 * tag soup), into words (a space-separated list), at most cap bytes. */
static void doc_types(const char *s, size_t n, int max_tags, char *words, size_t cap)
{
    words[0] = '\0';
    const char *end = s + n;
    const char *body = NULL;
    for (const char *p = s; p + 5 < end; p++)
        if (p[0] == '<' && strncasecmp(p + 1, "body", 4) == 0 && !isalnum((unsigned char)p[5])) {
            body = p;
            break;
        }
    if (!body)
        return;
    /* Look at the tags in the first 2 KiB after <body. */
    const char *lim = end - body > 2048 ? body + 2048 : end;
    size_t w = 0;
    int tags = 0;
    for (const char *p = body; p < lim && tags < max_tags; p++) {
        if (*p != '<')
            continue;
        if (p + 1 < lim && (p[1] == '/' || p[1] == '!' || p[1] == '?'))
            continue;
        tags++;
        const char *gt = memchr(p, '>', (size_t)(lim - p));
        if (!gt)
            break;
        for (const char *q = p; q + 10 < gt; q++) {
            if (strncmp(q, "epub:type=", 10) != 0)
                continue;
            char quote = q[10];
            if (quote != '"' && quote != '\'')
                break;
            const char *v = q + 11;
            const char *ve = memchr(v, quote, (size_t)(gt - v));
            if (!ve)
                break;
            size_t l = (size_t)(ve - v);
            if (w + l + 2 < cap) {
                memcpy(words + w, v, l);
                w += l;
                words[w++] = ' ';
                words[w] = '\0';
            }
            break;
        }
        p = gt;
    }
}

/* Is `id` the id of the first element inside the document's <body>
 * (AO3's div#preface / div#chapters / div#afterword, Gutenberg's
 * section#pg-header)?  Read from the bytes: cheap, fine on tag soup. */
static bool doc_first_id(const char *s, size_t n, const char *id)
{
    const char *end = s + n, *p = s;
    for (; p + 5 < end; p++)
        if (p[0] == '<' && strncasecmp(p + 1, "body", 4) == 0 && !isalnum((unsigned char)p[5]))
            break;
    if (p + 5 >= end)
        return false;
    const char *gt = memchr(p, '>', (size_t)(end - p));
    for (p = gt ? gt + 1 : end; p < end; p++) {
        if (*p != '<')
            continue;
        if (p + 1 < end && (p[1] == '/' || p[1] == '!' || p[1] == '?'))
            continue;
        gt = memchr(p, '>', (size_t)(end - p));
        if (!gt)
            return false;
        size_t il = strlen(id);
        for (const char *q = p; q + 4 + il < gt; q++) {
            if (strncmp(q, " id=", 4) != 0 || (q[4] != '"' && q[4] != '\''))
                continue;
            return strncmp(q + 5, id, il) == 0 && q[5 + il] == q[4];
        }
        return false;
    }
    return false;
}

/* The file name of path without folders and extension, lower case, in
 * out (cap bytes). */
static void stem_of(const char *path, char *out, size_t cap)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t l = strcspn(b, ".");
    if (l >= cap)
        l = cap - 1;
    for (size_t i = 0; i < l; i++)
        out[i] = (char)tolower((unsigned char)b[i]);
    out[l] = '\0';
}

/* What the package says spine document `it` is, from its manifest entry,
 * its name and the first tags of its body (the <body> tag alone when the
 * TOC points at anchors inside it: a <section epub:type="frontmatter">
 * that opens a document of chapters is not the whole document). */
static enum doc_kind doc_kind(const struct epub *ep, size_t it, const char *s, size_t n,
                              bool anchored)
{
    const struct epub_item *item = &ep->items[it];
    if (it == ep->nav_item)
        return DOC_FRONT;
    if (item->guide)
        return item->guide == 1 ? DOC_FRONT : DOC_BACK;
    char stem[64];
    stem_of(item->path, stem, sizeof stem);
    static const char *const front[] = {
        "cover", "titlepage", "title_page", "title-page", "toc_page", "log_page", "toc", "nav",
        "halftitlepage", "imprint", "copyright", "frontmatter", "wrap0000"};
    static const char *const back[] = {"colophon", "uncopyright", "backmatter"};
    for (size_t i = 0; i < sizeof front / sizeof *front; i++)
        if (strcmp(stem, front[i]) == 0)
            return DOC_FRONT;
    for (size_t i = 0; i < sizeof back / sizeof *back; i++)
        if (strcmp(stem, back[i]) == 0)
            return DOC_BACK;
    if (item->id && strcmp(item->id, "pg-header") == 0)
        return DOC_FRONT;
    if (item->id && strcmp(item->id, "pg-footer") == 0)
        return DOC_BACK;
    if (ep->ao3) {
        if (doc_first_id(s, n, "preface"))
            return DOC_FRONT;
        if (doc_first_id(s, n, "afterword"))
            return DOC_BACK;
    }
    if (doc_first_id(s, n, "pg-header"))
        return DOC_FRONT;
    if (doc_first_id(s, n, "pg-footer"))
        return DOC_BACK;
    char types[256];
    doc_types(s, n, anchored ? 1 : 3, types, sizeof types);
    static const char *const ftypes[] = {"frontmatter", "titlepage", "halftitlepage", "toc",
                                         "cover", "imprint"};
    static const char *const btypes[] = {"backmatter", "colophon"};
    for (size_t i = 0; i < sizeof btypes / sizeof *btypes; i++)
        if (esax_has_word(types, btypes[i]))
            return DOC_BACK;
    for (size_t i = 0; i < sizeof ftypes / sizeof *ftypes; i++)
        if (esax_has_word(types, ftypes[i]))
            return DOC_FRONT;
    return DOC_BODY;
}

/* Is this TOC entry's label one that names front or back matter rather
 * than a chapter (a "Title Page", "Contents" or licence entry)? */
static enum doc_kind label_kind(const char *label)
{
    static const char *const front[] = {"title page", "table of contents", "contents", "cover",
                                        "preface"};
    for (size_t i = 0; i < sizeof front / sizeof *front; i++)
        if (strcasecmp(label, front[i]) == 0)
            return DOC_FRONT;
    if (strcasestr(label, "gutenberg license") || strcasestr(label, "gutenberg licence") ||
        strcasecmp(label, "colophon") == 0 || strcasecmp(label, "afterword") == 0)
        return DOC_BACK;
    return DOC_BODY;
}

/* A book in parts, one document a part (pandoc's EPUB of "# PART" and
 * "## I" headings at its default chapter level): the entries nested
 * under a part in the part's own document are its chapters, not parts of
 * one chapter, titled "PART, an em dash, CHAPTER" as parse_text.c titles
 * them in a TXT, so that the TXT and the EPUB of one book have the same
 * chapters and are one story.  A part is an entry whose label
 * heading_classify calls a part heading (PREMIERE PARTIE, Book One:
 * 1805).  The part's own entry becomes its first chapter (its heading and
 * any epigraph open it); the others lose `sub`.  Once per TOC read. */
static void part_chapters(struct epub *ep)
{
    for (size_t i = 0; i < ep->n_toc; i++) {
        struct epub_toc *p = &ep->toc[i];
        struct hinfo h;
        if (p->sub || !p->label || heading_classify(p->label, strlen(p->label), &h) != H_PART)
            continue;
        char *first = NULL;
        for (size_t j = i + 1; j < ep->n_toc && ep->toc[j].depth > p->depth; j++) {
            struct epub_toc *c = &ep->toc[j];
            if (c->depth != p->depth + 1 || !c->sub || !c->label || !c->label[0])
                continue;
            size_t pl = strlen(p->label), cl = strlen(c->label);
            char *t = esax_arena_alloc(&ep->ar, pl + 5 + cl + 1);
            memcpy(t, p->label, pl);
            memcpy(t + pl, " \xE2\x80\x94 ", 5);
            memcpy(t + pl + 5, c->label, cl + 1);
            if (!first) {
                first = t;   /* the part's entry opens it; this one stays sub */
            } else {
                c->label = t;
                c->sub = false;
            }
        }
        if (first)
            p->label = first;
    }
}

/* The chapter-opening TOC entries for document `path`, in TOC order:
 * their indices into ep->toc in idx (malloc'd); returns the count.
 * An entry nested under one in the same document is a part of that
 * chapter, not a chapter. */
static size_t toc_for(const struct epub *ep, const char *path, size_t **idx)
{
    size_t n = 0;
    *idx = NULL;
    for (size_t i = 0; i < ep->n_toc; i++) {
        if (ep->toc[i].sub || strcmp(ep->toc[i].path, path) != 0)
            continue;
        bool dup = false;
        for (size_t k = 0; k < n; k++) {
            const struct epub_toc *o = &ep->toc[(*idx)[k]];
            dup |= (o->frag == NULL && ep->toc[i].frag == NULL) ||
                   (o->frag && ep->toc[i].frag && strcmp(o->frag, ep->toc[i].frag) == 0);
        }
        if (dup)
            continue;
        *idx = xreallocarray(*idx, n + 1, sizeof **idx);
        (*idx)[n++] = i;
    }
    return n;
}

/* The offset of anchor `id` among anchors [from, n), or SIZE_MAX. */
static size_t anchor_off(const struct html_anchor *a, size_t from, size_t n, const char *id)
{
    for (size_t i = from; i < n; i++)
        if (a[i].id && strcmp(a[i].id, id) == 0)
            return a[i].off;
    return SIZE_MAX;
}

/* Move off to a block boundary: the start of the first block that ends
 * after it (so a cut never falls inside a block); eb->len when none. */
static size_t block_floor(const struct ebook *eb, size_t off)
{
    for (size_t i = 0; i < eb->n_blocks; i++)
        if (eb->blocks[i].end > off)
            return eb->blocks[i].off;
    return eb->len;
}

/* A chapter boundary at off (block_floor's): when off is the end of the
 * text, after its last block and before the separator the next block
 * writes, the text first gets that separator's line end (html.c's
 * write_block and open_chapter then add only the second, so the text is
 * the same), and the boundary is after it: the chapter before ends with
 * its line, as a head cut there ends (html_finish), so a head is the
 * whole's first chapters byte for byte.  The boundary, in bytes. */
static size_t chapter_edge(struct ebook *eb, size_t off)
{
    if (off < eb->len || eb->len == 0 || eb->text[eb->len - 1] == '\n')
        return off;
    struct buf b = {eb->text, eb->len, eb->cap_text};
    buf_addc(&b, '\n');
    eb->text = b.data;
    eb->len = b.len;
    eb->cap_text = b.cap;
    return eb->len;
}

/* Blocks starting in [from, to) become back matter. */
static void mark_back(struct ebook *eb, size_t from, size_t to)
{
    for (size_t i = 0; i < eb->n_blocks; i++)
        if (eb->blocks[i].off >= from && eb->blocks[i].off < to)
            eb->blocks[i].flags = (uint8_t)((eb->blocks[i].flags & ~BLOCK_FRONT) | BLOCK_BACK);
}

/* Where the body of a chapter starting at off begins: the end of a
 * heading block that starts it (as html.c sets it), else off. */
static size_t heading_body(const struct ebook *eb, size_t off, size_t end)
{
    for (size_t i = 0; i < eb->n_blocks; i++) {
        if (eb->blocks[i].end <= off)
            continue;
        if (eb->blocks[i].kind == BLOCK_HEADING && eb->blocks[i].off < end) {
            return eb->blocks[i].end;
        }
        break;
    }
    return off;
}

static size_t szmax(size_t a, size_t b)
{
    return a > b ? a : b;
}

/* Make chapter ci begin at off (a block boundary inside it): the text
 * before moves to the chapter before, or for the first chapter becomes
 * its front matter. */
static void chapter_start_at(struct ebook *eb, size_t ci, size_t off)
{
    struct parse_chapter *c = &eb->pr.ch[ci];
    if (off <= c->start || off >= c->end)
        return;
    size_t old = c->start;
    if (ci > 0) {
        struct parse_chapter *p = &eb->pr.ch[ci - 1];
        if (p->back == old)
            p->back = off;
        p->end = off;
        c->start = off;
    } else {
        for (size_t i = 0; i < eb->n_blocks; i++)
            if (eb->blocks[i].off >= old && eb->blocks[i].end <= off)
                eb->blocks[i].flags |= BLOCK_FRONT;
    }
    c->front_end = szmax(c->front_end, off);
    c->body = szmax(c->body, c->front_end);
    if (c->body == off)
        c->body = heading_body(eb, off, c->end);
    c->back = szmax(c->back, c->body);
}

/* Split the chapter holding off (a block boundary) in two there; the
 * second gets `title`. */
static void chapter_split(struct ebook *eb, size_t off, const char *title)
{
    size_t ci = SIZE_MAX;
    for (size_t i = 0; i < eb->pr.n_ch; i++)
        if (eb->pr.ch[i].start < off && off < eb->pr.ch[i].end)
            ci = i;
    if (ci == SIZE_MAX)
        return;
    eb->pr.ch = xreallocarray(eb->pr.ch, eb->pr.n_ch + 1, sizeof *eb->pr.ch);
    eb->cap_ch = eb->pr.n_ch + 1;
    memmove(&eb->pr.ch[ci + 2], &eb->pr.ch[ci + 1], (eb->pr.n_ch - ci - 1) * sizeof *eb->pr.ch);
    eb->pr.n_ch++;
    struct parse_chapter *c = &eb->pr.ch[ci], *d = &eb->pr.ch[ci + 1];
    memset(d, 0, sizeof *d);
    d->start = d->front_end = off;
    d->end = c->end;
    d->back = c->back > off ? c->back : c->end;
    d->body = heading_body(eb, off, d->end);
    if (d->body > d->back)
        d->body = d->back;
    d->title = xstrdup(title);
    int num = PARSE_NO_NUMBER;
    char *t = NULL;
    if (parse_is_heading(title, strlen(title), &num, &t))
        d->number = num;
    else
        d->number = PARSE_NO_NUMBER;
    free(t);
    c->end = off;
    if (c->back > off)
        c->back = off;
    if (c->body > off)
        c->body = off;
    if (c->front_end > off)
        c->front_end = off;
}

/* A chapter opening with a part's heading and then its own (a part's
 * first chapter, part_chapters): both are its heading, as in a TXT; its
 * body begins after the second.  ci: the chapter. */
static void part_heads(struct ebook *eb, size_t ci)
{
    struct parse_chapter *c = &eb->pr.ch[ci];
    size_t i = 0;
    while (i < eb->n_blocks && eb->blocks[i].off < c->front_end)
        i++;
    if (i + 1 >= eb->n_blocks)
        return;
    const struct block *p = &eb->blocks[i], *h = &eb->blocks[i + 1];
    struct hinfo hi;
    if (p->kind != BLOCK_HEADING || h->kind != BLOCK_HEADING || h->end > c->back ||
        h->end <= c->body ||
        heading_classify(eb->text + p->off, p->end - p->off, &hi) != H_PART)
        return;
    c->body = h->end;
}

/* The conversion state across spine documents. */
struct epub_conv {
    bool have_toc;       /* some TOC entry names a body document */
    bool chapter_open;   /* a chapter has been opened */
    bool in_back;        /* back matter has begun after the chapters */
    enum html_role last; /* role of the document before */
};

/* Convert spine item k and append it to out.  Returns false only on an
 * error that ends the whole reading (*err set: a zip bomb); a missing or
 * unparseable document is skipped. */
static bool epub_convert_item(struct epub *ep, size_t k, struct epub_conv *cv, struct ebook *out,
                              char **err)
{
    const struct epub_item *item = &ep->items[ep->spine[k]];
    char *bytes;
    size_t n;
    int r = ezip_read(&ep->z, item->path, &bytes, &n, err);
    if (r < 0)
        return false;
    if (r == 0)
        return true;   /* a spine item naming nothing: skipped */
    if (item->media && !strstr(item->media, "html") && !strstr(item->media, "xml")) {
        free(bytes);   /* an image or other non-text spine item */
        return true;
    }
    size_t *idx;
    size_t nt = toc_for(ep, item->path, &idx);
    bool anchored = false;
    for (size_t i = 0; i < nt; i++)
        anchored |= ep->toc[idx[i]].frag != NULL;
    enum doc_kind kind = doc_kind(ep, ep->spine[k], bytes, n, anchored);
    /* Entries naming front or back matter do not make chapters. */
    size_t keep = 0;
    for (size_t i = 0; i < nt; i++) {
        enum doc_kind lk = label_kind(ep->toc[idx[i]].label);
        if (lk == DOC_BODY)
            idx[keep++] = idx[i];
        else if (i == 0 && kind == DOC_BODY && !(ep->toc[idx[i]].frag))
            kind = lk;
    }
    nt = keep;
    if (kind == DOC_BODY && ep->nonlinear[k])
        kind = DOC_BACK;
    enum html_role role;
    const char *title = NULL;
    if (kind == DOC_FRONT && !cv->chapter_open)
        role = HTML_FRONT;
    else if (kind == DOC_FRONT)
        role = cv->in_back ? HTML_BACK : HTML_FRONT;
    else if (kind == DOC_BACK)
        role = HTML_BACK;
    else if (nt > 0) {
        role = HTML_CHAPTER;
        title = ep->toc[idx[0]].label;
        if (!*title)
            title = NULL;
    } else if (!cv->have_toc)
        role = HTML_CHAPTER;
    else if (cv->in_back)
        role = HTML_BACK;
    else if (cv->chapter_open)
        role = cv->last == HTML_FRONT ? HTML_FRONT : HTML_CONTINUED;
    else
        role = HTML_FRONT;
    /* pandoc's section for the text before a book's first heading (titled
       by the book, marked "unnumbered"): front matter of the chapter after
       it, as a TXT's text before its first heading is, when one follows */
    if (role == HTML_CHAPTER && !cv->chapter_open && title && out->pr.title &&
        strcasecmp(title, out->pr.title) == 0 && memmem(bytes, n, "unnumbered", 10)) {
        for (size_t j = idx[0] + 1; j < ep->n_toc; j++)
            if (!ep->toc[j].sub && strcmp(ep->toc[j].path, item->path) != 0 &&
                label_kind(ep->toc[j].label) == DOC_BODY) {
                role = HTML_FRONT;
                title = NULL;
                break;
            }
    }
    /* Back matter ends with a chapter: a document before it that
     * continues nothing stays back matter. */
    if (role == HTML_BACK && cv->chapter_open)
        cv->in_back = true;

    struct html_anchor *anchors = NULL;
    size_t n_anchors = 0;
    size_t doc_start = out->len;
    size_t ch_before = out->pr.n_ch;
    bool ok = html_append(out, bytes, n, true, role, title, &anchors, &n_anchors);
    if (!ok) {
        for (size_t i = 0; i < n_anchors; i++)
            free(anchors[i].id);
        free(anchors);
        anchors = NULL;
        n_anchors = 0;
        ok = html_append(out, bytes, n, false, role, title, &anchors, &n_anchors);
    }
    free(bytes);
    if (ok) {
        if (role == HTML_CHAPTER) {
            cv->chapter_open = true;
            cv->in_back = false;
        }
        cv->last = role;
        /* Back matter a landmark opens inside this document. */
        size_t back_at = SIZE_MAX;
        for (size_t i = 0; i < ep->n_marks; i++) {
            if (strcmp(ep->marks[i].path, item->path) != 0)
                continue;
            size_t off = anchor_off(anchors, 0, n_anchors, ep->marks[i].frag);
            if (off != SIZE_MAX && off > doc_start && off < back_at)
                back_at = block_floor(out, off);
        }
        if (back_at != SIZE_MAX)
            mark_back(out, back_at, out->len);
        /* AO3's chapter end notes (calibre keeps their id, not their
         * class): back matter of the chapter, up to the next chapter the
         * TOC places in the same document. */
        for (size_t i = 0; ep->ao3 && i < n_anchors; i++) {
            const char *id = anchors[i].id;
            if (!id || strncmp(id, "endnotes", 8) != 0 || !isdigit((unsigned char)id[8]) ||
                anchors[i].off < doc_start)
                continue;
            size_t from = block_floor(out, anchors[i].off), to = out->len;
            for (size_t j = 0; j < nt; j++) {
                const struct epub_toc *t = &ep->toc[idx[j]];
                size_t o = t->frag ? anchor_off(anchors, 0, n_anchors, t->frag) : SIZE_MAX;
                if (o != SIZE_MAX && o > from && o < to)
                    to = block_floor(out, o);
            }
            mark_back(out, from, to);
        }
        /* Chapters the TOC places inside this document at anchors. */
        if (role == HTML_CHAPTER && out->pr.n_ch > ch_before) {
            size_t ci = out->pr.n_ch - 1;
            for (size_t i = 0; i < nt; i++) {
                const struct epub_toc *t = &ep->toc[idx[i]];
                if (!t->frag)
                    continue;
                size_t off = anchor_off(anchors, 0, n_anchors, t->frag);
                if (off == SIZE_MAX || off < doc_start)
                    continue;
                off = block_floor(out, off);
                if (off >= back_at)
                    continue;
                if (i == 0)
                    chapter_start_at(out, ci, chapter_edge(out, off));
                else if (t->label[0])
                    chapter_split(out, chapter_edge(out, off), t->label);
            }
            part_heads(out, ci);
        }
    }
    for (size_t i = 0; i < n_anchors; i++)
        free(anchors[i].id);
    free(anchors);
    free(idx);
    return true;
}

/* Does block text s[0, n) open Project Gutenberg's footer ("*** END OF
 * THE PROJECT GUTENBERG EBOOK ...", "End of the Project Gutenberg
 * EBook ...")?  Escapes, asterisks and spaces before it are skipped. */
static bool pg_footer(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == '\\' || s[i] == '*' || s[i] == ' '))
        i++;
    static const char *const heads[] = {"END OF THE PROJECT GUTENBERG", "END OF PROJECT GUTENBERG"};
    for (size_t k = 0; k < sizeof heads / sizeof *heads; k++) {
        size_t l = strlen(heads[k]);
        if (n - i >= l && strncasecmp(s + i, heads[k], l) == 0)
            return true;
    }
    return false;
}

/* Old Gutenberg EPUBs put the licence inside the last chapter's document:
 * from the footer's first line on, the last chapter is back matter. */
static void mark_pg_footer(struct ebook *eb)
{
    if (!eb->pr.n_ch)
        return;
    const struct parse_chapter *c = &eb->pr.ch[eb->pr.n_ch - 1];
    for (size_t i = 0; i < eb->n_blocks; i++) {
        struct block *b = &eb->blocks[i];
        if (b->off < c->body || !pg_footer(eb->text + b->off, b->end - b->off))
            continue;
        for (; i < eb->n_blocks; i++)
            eb->blocks[i].flags = (uint8_t)((eb->blocks[i].flags & ~BLOCK_FRONT) | BLOCK_BACK);
        return;
    }
}

/* Keep only the chapters before the last one of out, and the text and
 * blocks they cover: a head whose chapters are final (the last one may
 * still grow with the documents after it). */
static void cut_last_chapter(struct ebook *out)
{
    size_t keep = out->pr.n_ch - 1;
    size_t cut = out->pr.ch[keep - 1].end;
    for (size_t i = keep; i < out->pr.n_ch; i++)
        free(out->pr.ch[i].title);
    out->pr.n_ch = keep;
    out->len = cut;
    out->text[cut] = '\0';
    size_t nb = out->n_blocks;
    while (nb > 0 && out->blocks[nb - 1].off >= cut)
        nb--;
    out->n_blocks = nb;
}

/* A head whose TOC was read only in part (ep->toc_bytes): would the
 * whole TOC have converted its first n_conv spine documents the same?
 * Yes when some entry read names a body document of the spine (have_toc:
 * the whole TOC's has one then too), and the bytes not read name none of
 * those documents: each document's file name is plain ASCII (no white
 * space, which libxml2 folds in attribute values, and nothing XML
 * escapes) and does not occur in them (toc_rest_plain: no escape could
 * spell it either), and none is the TOC document itself or a folder
 * above it (an href "#x" or "." names those without their name).  A
 * landmark is an href too, so the landmarks those bytes hold are
 * covered as well.  Entries for the other documents change nothing the
 * head converted. */
static bool toc_prefix_ok(const struct epub *ep, size_t n_conv, bool have_toc)
{
    if (!ep->toc_bytes)
        return true;
    if (!have_toc)
        return false;
    const char *rest = ep->toc_bytes + ep->toc_rest;
    size_t rn = ep->toc_n - ep->toc_rest;
    for (size_t k = 0; k < n_conv && k < ep->n_spine; k++) {
        const char *path = ep->items[ep->spine[k]].path;
        size_t pl = strlen(path);
        if (strncmp(ep->toc_path, path, pl) == 0 &&
            (ep->toc_path[pl] == '\0' || ep->toc_path[pl] == '/'))
            return false;
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        size_t bl = strlen(base);
        if (bl == 0)
            return false;
        for (size_t i = 0; i < bl; i++) {
            unsigned char c = (unsigned char)base[i];
            if (c <= ' ' || c >= 0x7f || strchr("&<>\"'%", c))
                return false;
        }
        if (memmem(rest, rn, base, bl))
            return false;
    }
    return true;
}

/* TOC entries a head reads before it may stop reading the nav or NCX
 * (read_toc): enough for the chapters of any first screen in most books
 * (the head stops at 256 KiB of text at most); toc_prefix_ok says when
 * they were not.  QUIRE_TEST_EPUB_TOC_STOP=N (tests) sets it. */
#define HEAD_TOC_STOP 256

static size_t head_toc_stop(void)
{
    const char *v = getenv("QUIRE_TEST_EPUB_TOC_STOP");
    if (v && *v) {
        long l = strtol(v, NULL, 10);
        return l > 0 ? (size_t)l : 0;
    }
    return HEAD_TOC_STOP;
}

static atomic_size_t heads_partial, heads_again;

void epub_head_toc_counts(size_t *partial, size_t *again)
{
    *partial = atomic_load(&heads_partial);
    *again = atomic_load(&heads_again);
}

bool epub_read(const char *name, const void *bytes, size_t n, struct ebook *out, char **err)
{
    return epub_read_head(name, bytes, n, 0, out, NULL, err);
}

static bool read_head(const void *bytes, size_t n, size_t head, size_t toc_stop,
                      struct ebook *out, size_t *total, char **err);

bool epub_read_head(const char *name, const void *bytes, size_t n, size_t head, struct ebook *out,
                    size_t *total, char **err)
{
    (void)name;
    return read_head(bytes, n, head, head ? head_toc_stop() : 0, out, total, err);
}

/* What the spine's documents appended to out let go (the text, blocks
 * and chapters), and the metadata as it was before them (*meta0, moved
 * in: html_append adds what FanFicFare's and AO3's front pages say). */
static void conv_reset(struct ebook *out, struct parse_meta *meta0)
{
    free(out->text);
    free(out->blocks);
    for (size_t i = 0; i < out->pr.n_ch; i++)
        free(out->pr.ch[i].title);
    free(out->pr.ch);
    out->text = NULL;
    out->blocks = NULL;
    out->pr.ch = NULL;
    out->len = out->n_blocks = out->pr.n_ch = 0;
    out->cap_text = out->cap_blocks = out->cap_ch = 0;
    parse_meta_free(&out->pr.meta);
    out->pr.meta = *meta0;
    memset(meta0, 0, sizeof *meta0);
}

/* epub_read_head, the TOC read in part when toc_stop (read_toc).  When
 * toc_prefix_ok cannot prove that part converted the head as the whole
 * TOC would, the TOC is read whole and the head converted again (the
 * zip and the OPF as they were). */
static bool read_head(const void *bytes, size_t n, size_t head, size_t toc_stop,
                      struct ebook *out, size_t *total, char **err)
{
    struct epub ep;
    struct parse_meta meta0;
    memset(&ep, 0, sizeof ep);
    memset(&meta0, 0, sizeof meta0);
    memset(out, 0, sizeof *out);
    if (!ezip_open(bytes, n, &ep.z, err))
        return false;
    bool failed = false;
    if (is_drm(&ep)) {
        set_err(err, "DRM-protected: cannot be read");
        goto fail;
    }
    ep.opf_path = find_opf(&ep, err, &failed);
    if (!ep.opf_path) {
        if (!failed)
            set_err(err, "no OPF package document");
        goto fail;
    }
    if (!read_opf(&ep, out, err))
        goto fail;
    if (!read_toc(&ep, toc_stop, err))
        goto fail;
    part_chapters(&ep);
    if (ep.toc_bytes)   /* the metadata before the documents, if they must be converted again */
        parse_meta_copy(&meta0, &out->pr.meta);
    size_t k, guess = 0;
    for (;;) {
        struct epub_conv cv = {0};
        for (size_t i = 0; i < ep.n_toc && !cv.have_toc; i++) {
            size_t it = item_by_path(&ep, ep.toc[i].path);
            for (size_t j = 0; j < ep.n_spine && it != SIZE_MAX; j++)
                if (ep.spine[j] == it && label_kind(ep.toc[i].label) == DOC_BODY)
                    cv.have_toc = true;
        }
        for (k = 0; k < ep.n_spine; k++) {
            if (!epub_convert_item(&ep, k, &cv, out, err))
                goto fail;
            /* A head: stop once the chapters before the last one hold
             * `head` bytes and the last of those has a body
             * (analyse_source joins a bare heading to the chapter after
             * it). */
            size_t nc = out->pr.n_ch;
            if (head && nc >= 2 && out->pr.ch[nc - 2].end >= head &&
                out->pr.ch[nc - 2].body < out->pr.ch[nc - 2].end && k + 1 < ep.n_spine) {
                cut_last_chapter(out);
                /* the whole text, guessed from the spine read so far */
                guess = (size_t)((double)out->len * (double)ep.n_spine / (double)(k + 1));
                k++;
                break;
            }
        }
        if (toc_prefix_ok(&ep, k, cv.have_toc))
            break;
        /* the TOC read in part may have made another head: read its
           document (kept) whole */
        atomic_fetch_add(&heads_again, 1);
        conv_reset(out, &meta0);
        toc_drop(&ep);
        char *tb = ep.toc_bytes;
        ep.toc_bytes = NULL;
        read_toc_doc(&ep, ep.toc_ncx, ep.toc_path, tb, ep.toc_n, 0);
        part_chapters(&ep);
    }
    parse_meta_free(&meta0);
    if (head && k >= ep.n_spine) {
        set_err(err, "no head: the whole file is its first chapters");
        goto fail;
    }
    if (ep.toc_bytes)
        atomic_fetch_add(&heads_partial, 1);
    if (head && total)
        *total = guess;
    /* the whole book's last chapter only: a head's last chapter never is
       (the chapter cut after it comes later) */
    if (!head)
        mark_pg_footer(out);
    /* spine documents the zip does not hold: skipped, said with the
       format (--list --verbose's note), the whole spine's in a head too */
    size_t missing = 0;
    const char *first_missing = NULL;
    for (size_t j = 0; j < ep.n_spine; j++)
        if (ezip_find(&ep.z, ep.items[ep.spine[j]].path) < 0 && !missing++)
            first_missing = ep.items[ep.spine[j]].path;
    for (const char *q = first_missing; q && *q; q++)
        if ((unsigned char)*q < ' ')
            first_missing = "(a name with control characters)";   /* one line */
    char *gone = missing == 1 ? xasprintf("; 1 document of its spine is missing: %s", first_missing)
                 : missing ? xasprintf("; %zu documents of its spine are missing, the first %s",
                                       missing, first_missing)
                           : NULL;
    out->format = xasprintf("EPUB %d%s%s", ep.version,
                            ep.ao3 ? " (AO3)" : ep.fff ? " (FanFicFare)" : "", gone ? gone : "");
    free(gone);
    epub_free(&ep);
    return true;
fail:
    parse_meta_free(&meta0);
    epub_free(&ep);
    /* leave *out empty (not through ebook_free: ebook.c calls us) */
    free(out->text);
    free(out->blocks);
    free(out->format);
    parse_result_free(&out->pr);
    memset(out, 0, sizeof *out);
    return false;
}
