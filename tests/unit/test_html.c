/* test_html.c — the HTML converter (html.c) and the ebook door (ebook.c). */
#include "check.h"
#include "ebook.h"
#include "ebook_int.h"
#include "epub_int.h"
#include "parse.h"
#include "util.h"

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --dump FILE: the derived text with each block's kind and flags (a
 * .xhtml FILE as an EPUB chapter document). */
static int dump(const char *path)
{
    struct ebook eb;
    char *err = NULL;
    size_t pl = strlen(path);
    if (pl > 6 && !strcmp(path + pl - 6, ".xhtml")) {
        /* an EPUB's XHTML document, as epub.c hands it over */
        size_t n;
        char *x = read_file(path, &n, &err);
        memset(&eb, 0, sizeof eb);
        if (!x || !html_append(&eb, x, n, true, HTML_CHAPTER, NULL, NULL, NULL)) {
            fprintf(stderr, "%s: cannot convert\n", path);
            free(x);
            free(err);
            return 1;
        }
        free(x);
        html_finish(&eb);
    } else if (!ebook_read_file(path, pl > 5 && !strcmp(path + pl - 5, ".epub") ? EBOOK_EPUB : EBOOK_HTML,
                                &eb, &err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    printf("format: %s\ntitle: %s\nauthor: %s\n", eb.format, eb.pr.title ? eb.pr.title : "-",
           eb.pr.author ? eb.pr.author : "-");
    const struct parse_meta *m = &eb.pr.meta;
    printf("series: %s [%g]\nrating: %s\nstatus: %s\nurl: %s\nlang: %s\npub: %s upd: %s\n",
           m->series ? m->series : "-", m->series_index, m->rating ? m->rating : "-",
           m->status ? m->status : "-", m->source_url ? m->source_url : "-",
           m->language ? m->language : "-", m->published ? m->published : "-",
           m->updated ? m->updated : "-");
    for (size_t i = 0; i < m->n_tags; i++)
        printf("tag: %s\n", m->tags[i]);
    printf("summary: %s\n", m->summary ? m->summary : "-");
    size_t b = 0;
    for (size_t k = 0; k < eb.pr.n_ch; k++) {
        const struct parse_chapter *c = &eb.pr.ch[k];
        printf("=== chapter %zu [%zu %zu %zu %zu %zu) #%d %s\n", k + 1, c->start, c->front_end,
               c->body, c->back, c->end, c->number, c->title ? c->title : "-");
        for (; b < eb.n_blocks && eb.blocks[b].off < c->end; b++) {
            const struct block *x = &eb.blocks[b];
            static const char *const kinds[] = {"P", "H", "B", "V"};
            printf("%s%s%s%s%s| %.*s\n", kinds[x->kind], x->flags & BLOCK_FRONT ? "f" : "",
                   x->flags & BLOCK_BACK ? "b" : "", x->flags & BLOCK_CONT ? "c" : "",
                   x->flags & BLOCK_QUOTE ? "q" : "", (int)(x->end - x->off), eb.text + x->off);
        }
    }
    ebook_free(&eb);
    return 0;
}


/* ---- helpers --------------------------------------------------------- */

static bool conv(const char *html, struct ebook *eb)
{
    char *err = NULL;
    bool ok = ebook_read_bytes("t.html", EBOOK_HTML, html, strlen(html), eb, &err);
    if (!ok) {
        fprintf(stderr, "conv: %s\n", err);
        free(err);
    }
    return ok;
}

/* An XHTML document through the EPUB path (role, title). */
static void conv_x(const char *x, enum html_role role, const char *title, struct ebook *eb)
{
    memset(eb, 0, sizeof *eb);
    html_append(eb, x, strlen(x), true, role, title, NULL, NULL);
    html_finish(eb);
}

/* The block whose text contains s, or NULL. */
static const struct block *block_with(const struct ebook *eb, const char *s)
{
    for (size_t i = 0; i < eb->n_blocks; i++) {
        const struct block *b = &eb->blocks[i];
        char *t = xstrndup(eb->text + b->off, b->end - b->off);
        bool hit = strstr(t, s) != NULL;
        free(t);
        if (hit)
            return b;
    }
    return NULL;
}

/* The text a reader sees of block b: markup_scan's hidden bytes left out;
 * *cls_of gets the class of the first byte of `word` in it (0 if absent). */
static char *shown(const struct ebook *eb, const struct block *b, const char *word, uint8_t *cls_of)
{
    size_t n = b->end - b->off;
    uint8_t *cls = xmalloc(n + 1);
    markup_scan(eb->text + b->off, n, cls);
    char *out = xmalloc(n + 1);
    uint8_t *oc = xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!(cls[i] & MARKUP_HIDDEN)) {
            oc[k] = cls[i];
            out[k++] = eb->text[b->off + i];
        }
    out[k] = '\0';
    if (cls_of) {
        char *w = word ? strstr(out, word) : NULL;
        *cls_of = w ? oc[w - out] : 0;
    }
    free(cls);
    free(oc);
    return out;
}

/* Do the words appear in the text in this order? (NULL-terminated) */
static bool in_order(const char *text, const char *const *words)
{
    const char *p = text;
    for (; *words; words++) {
        const char *q = strstr(p, *words);
        if (!q)
            return false;
        p = q + strlen(*words);
    }
    return true;
}

/* Every invariant ebook.h promises. */
static bool well_formed(const struct ebook *eb)
{
    const struct parse_result *r = &eb->pr;
    if (!eb->text || eb->text[eb->len] != '\0' || !parse_chapters_tile(r, eb->len))
        return false;
    size_t prev = 0, k = 0;
    for (size_t i = 0; i < eb->n_blocks; i++) {
        const struct block *b = &eb->blocks[i];
        if (b->off > b->end || b->off < prev || b->end > eb->len || b->kind > BLOCK_VERSE)
            return false;
        while (k < r->n_ch && b->off >= r->ch[k].end)
            k++;
        if (k == r->n_ch || b->off < r->ch[k].start || b->end > r->ch[k].end)
            return false;
        if ((b->kind == BLOCK_PARA || b->kind == BLOCK_VERSE) && b->end - b->off > PARSE_PARA_MAX)
            return false;
        prev = b->end;
    }
    return true;
}

/* ---- the rules, one small document each ------------------------------ */

static void test_paragraphs(void)
{
    struct ebook eb;
    CHECK("plain paragraphs convert",
          conv("<html><body><p>One   two\n three.</p><p>Four &amp; five&nbsp;six &lt;7&gt;.</p>"
               "</body></html>", &eb));
    CHECK_STR("white space collapsed, blank line between paragraphs, entities decoded", eb.text,
              "One two three.\n\nFour & five\xC2\xA0six <7>.\n");
    CHECK_INT("two paragraph blocks", eb.n_blocks, 2);
    CHECK_INT("a paragraph", eb.blocks[0].kind, BLOCK_PARA);
    CHECK_INT("one chapter", eb.pr.n_ch, 1);
    CHECK("well formed", well_formed(&eb));
    CHECK_STR("format", eb.format, "HTML");
    ebook_free(&eb);
}

static void test_emphasis(void)
{
    struct ebook eb;
    conv("<p>She said <em> never </em>again, <b>twice</b>, <i>un</i>done, "
         "<strong><em>both</em></strong> and <cite>The Book</cite>.</p>"
         "<p>A star * and snake_case and back\\slash, *not italic*.</p>", &eb);
    const struct block *b = block_with(&eb, "never");
    uint8_t cls = 0;
    char *s = b ? shown(&eb, b, "never", &cls) : NULL;
    CHECK_STR("what the reader sees", s,
              "She said never again, twice, undone, both and The Book.");
    CHECK("em is italic to markup_scan", cls & MARKUP_ITALIC);
    free(shown(&eb, b, "twice", &cls));
    CHECK("b is bold", cls & MARKUP_BOLD);
    free(shown(&eb, b, "both", &cls));
    CHECK("strong em is bold and italic", (cls & MARKUP_BOLD) && (cls & MARKUP_ITALIC));
    free(shown(&eb, b, "The Book", &cls));
    CHECK("cite is italic", cls & MARKUP_ITALIC);
    free(shown(&eb, b, "again", &cls));
    CHECK("no italic after the em", !(cls & MARKUP_ITALIC));
    CHECK("white space moved outside the markers", strstr(eb.text, "said *never* again") != NULL);
    free(s);
    b = block_with(&eb, "snake");
    s = b ? shown(&eb, b, "not italic", &cls) : NULL;
    CHECK_STR("literal * _ \\ shown as written", s,
              "A star * and snake_case and back\\slash, *not italic*.");
    CHECK("literal stars are not emphasis", cls == 0);
    free(s);
    ebook_free(&eb);
}

static char *words_of(const char *text);

/* <u>/<ins> and <s>/<strike>/<del> (and a span's text-decoration) reach
 * layout as underline and strike: the converter's control markers, paired
 * by markup_scan at word edges; a span inside a word is dropped so the
 * word stays whole; the words are those of the plain text. */
static void test_underline_strike(void)
{
    struct ebook eb;
    CHECK("u and s convert",
          conv("<p>She <u>underlined</u> the word, then <s>struck</s> it, <del>deleted two</del> "
               "and <strike>old</strike> and <ins>new</ins>; half<u>way</u> and <s>cut</s>ting "
               "stay whole; <span style=\"Text-Decoration: underline\">spanned</span>, "
               "<span style=\"text-decoration:line-through\">crossed</span>, "
               "<em><u>both styles</u></em>, <u>a <b>bold</b> inside</u>.</p>", &eb));
    const struct block *b = block_with(&eb, "underlined");
    uint8_t cls = 0;
    char *s = b ? shown(&eb, b, "underlined", &cls) : NULL;
    CHECK_STR("what the reader sees: the words, no markers", s,
              "She underlined the word, then struck it, deleted two and old and new; halfway "
              "and cutting stay whole; spanned, crossed, both styles, a bold inside.");
    CHECK("u is underlined", cls == MARKUP_UNDERLINE);
    free(shown(&eb, b, "struck", &cls));
    CHECK("s is struck", cls == MARKUP_STRIKE);
    free(shown(&eb, b, "two", &cls));
    CHECK("del is struck to its end", cls == MARKUP_STRIKE);
    free(shown(&eb, b, "old", &cls));
    CHECK("strike is struck", cls == MARKUP_STRIKE);
    free(shown(&eb, b, "new", &cls));
    CHECK("ins is underlined", cls == MARKUP_UNDERLINE);
    free(shown(&eb, b, "spanned", &cls));
    CHECK("a span's text-decoration: underline (case and spaces aside)", cls == MARKUP_UNDERLINE);
    free(shown(&eb, b, "crossed", &cls));
    CHECK("a span's text-decoration: line-through", cls == MARKUP_STRIKE);
    free(shown(&eb, b, "both styles", &cls));
    CHECK("em u is italic and underlined", cls == (MARKUP_ITALIC | MARKUP_UNDERLINE));
    free(shown(&eb, b, "bold", &cls));
    CHECK("b inside u is bold and underlined", cls == (MARKUP_BOLD | MARKUP_UNDERLINE));
    free(shown(&eb, b, " and old", &cls));
    CHECK("the space after a struck span is plain", cls == 0);
    free(shown(&eb, b, "way", &cls));
    CHECK("a span inside a word is dropped", cls == 0);
    CHECK("and no marker stays inside the word", strstr(eb.text, "halfway and cutting") != NULL);
    free(shown(&eb, b, " the word", &cls));
    CHECK("no underline after the u", cls == 0);
    char *w = words_of(s);
    CHECK_STR("the words are the plain text's", w,
              "She underlined the word then struck it deleted two and old and new halfway and "
              "cutting stay whole spanned crossed both styles a bold inside ");
    free(w);
    free(s);
    CHECK("well formed", well_formed(&eb));
    ebook_free(&eb);

    /* classes: one a <style> rule underlines or strikes, and FanFicFare's
       span.u (its EPUB's rule is in a stylesheet file) */
    CHECK("classes convert",
          conv("<html><head><style>.ul { color: red; text-decoration : underline }\n"
               ".gone, .x-s {text-decoration: line-through;}</style></head><body>"
               "<p><span class='ul'>ruled</span> and <span class='x-s'>crossed</span> and "
               "<span class='u'>fanficfare</span> and <span class='plain'>plain</span>.</p>"
               "</body></html>", &eb));
    b = block_with(&eb, "ruled");
    free(b ? shown(&eb, b, "ruled", &cls) : NULL);
    CHECK("a class a <style> underlines", cls == MARKUP_UNDERLINE);
    free(b ? shown(&eb, b, "crossed", &cls) : NULL);
    CHECK("a class a <style> strikes through", cls == MARKUP_STRIKE);
    free(b ? shown(&eb, b, "fanficfare", &cls) : NULL);
    CHECK("span.u is underlined", cls == MARKUP_UNDERLINE);
    free(b ? shown(&eb, b, "plain", &cls) : NULL);
    CHECK("another class is plain", cls == 0);
    ebook_free(&eb);

    /* markup_scan alone: pairs at word edges, nothing else */
    const char *t = "a \x0Eunder\x0F b \x1Cstrike\x1D c x\x0Ein\x0F d \x0Eopen only";
    size_t n = strlen(t);
    uint8_t c[64];
    markup_scan(t, n, c);
    CHECK("an underline pair: hidden markers", c[2] == MARKUP_HIDDEN && c[8] == MARKUP_HIDDEN);
    CHECK("an underline pair: the text between underlined", c[3] == MARKUP_UNDERLINE &&
          c[7] == MARKUP_UNDERLINE);
    CHECK("a strike pair: the text between struck", c[13] == MARKUP_STRIKE && c[12] == MARKUP_HIDDEN);
    size_t in = (size_t)(strstr(t, "in") - t);
    CHECK("a pair inside a word: nothing, its markers not hidden",
          c[in] == 0 && c[in - 1] == 0 && c[in + 2] == 0);
    size_t op = (size_t)(strstr(t, "open") - t);
    CHECK("an opener without a closer: nothing", c[op] == 0 && c[op - 1] == 0);
}

static void test_breaks(void)
{
    struct ebook eb;
    conv("<p>Before.</p><hr/><p>After.</p><p class='c'>* * *</p><p>Then.</p><p>oOo</p>"
         "<p>More.</p><p>&nbsp;</p><p>Last.</p><hr><hr><p>End.</p><hr>", &eb);
    size_t breaks = 0;
    for (size_t i = 0; i < eb.n_blocks; i++)
        if (eb.blocks[i].kind == BLOCK_BREAK) {
            breaks++;
            CHECK("a break reads * * *",
                  !strncmp(eb.text + eb.blocks[i].off, "* * *", 5) && eb.blocks[i].end - eb.blocks[i].off == 5);
        }
    CHECK_INT("hr, marker paragraphs, a spacer: one break each; two hr one break; none at the end",
              breaks, 5);
    static const char *const w[] = {"Before.", "* * *", "After.", "* * *", "Then.", "* * *", "More.",
                                    "* * *", "Last.", "* * *", "End.", NULL};
    CHECK("breaks between the text, in order", in_order(eb.text, w));
    CHECK("well formed", well_formed(&eb));
    ebook_free(&eb);
    /* empty paragraphs used as spacing everywhere are not breaks */
    conv("<p>A.</p><p> </p><p>B.</p><p> </p><p>C.</p><p>&nbsp;</p><p>D.</p>", &eb);
    breaks = 0;
    for (size_t i = 0; i < eb.n_blocks; i++)
        breaks += eb.blocks[i].kind == BLOCK_BREAK;
    CHECK_INT("spacers everywhere: no breaks", breaks, 0);
    ebook_free(&eb);
}

static void test_verse_lists_tables(void)
{
    struct ebook eb;
    conv("<p>Roses are red,<br>violets are blue,<br/>\n  sugar is sweet.</p>"
         "<div>Letter text<br><br>Second paragraph</div>"
         "<ul><li>apples</li><li>pears<ol><li>green</li><li>red</li></ol></li></ul>"
         "<table><tr><th>Name</th><th>Age</th></tr><tr><td>Ann</td><td><p>30</p></td></tr></table>"
         "<pre>  code  line\n    indented</pre>", &eb);
    const struct block *b = block_with(&eb, "Roses");
    CHECK("br makes verse", b && b->kind == BLOCK_VERSE);
    CHECK("lines kept", strstr(eb.text, "Roses are red,\nviolets are blue,\nsugar is sweet.") != NULL);
    b = block_with(&eb, "Letter text");
    CHECK("two br end a paragraph", b && b->kind == BLOCK_PARA && b->end - b->off == 11);
    CHECK("the second paragraph", (b = block_with(&eb, "Second")) && b->kind == BLOCK_PARA);
    CHECK("list markers, nested list indented",
          strstr(eb.text, "- apples\n- pears\n  1. green\n  2. red") != NULL);
    CHECK("a list is verse", (b = block_with(&eb, "apples")) && b->kind == BLOCK_VERSE);
    CHECK("table rows of cells", strstr(eb.text, "Name | Age\nAnn | 30") != NULL);
    CHECK("pre keeps its spaces", strstr(eb.text, "  code  line\n    indented") != NULL);
    ebook_free(&eb);
    /* a list of terms: a line a term, its definition after ": " (none
       more after a term ending in one) */
    conv("<dl><dt>Rating</dt><dd>General</dd><dt>Words:</dt><dd>500</dd></dl>", &eb);
    CHECK("dl rows of term: definition", strstr(eb.text, "Rating: General\nWords: 500") != NULL);
    ebook_free(&eb);
    conv("<ul><li><ul><li>inner one</li><li>inner two</li></ul></li><li>outer</li></ul>", &eb);
    CHECK("a nested list in an item with no text of its own: each item on its line",
          strstr(eb.text, "-\n  - inner one\n  - inner two\n- outer") != NULL);
    CHECK("well formed", well_formed(&eb));
    ebook_free(&eb);
}

/* A table used for layout (an old page's story in one cell beside its
 * links, HTML 4 style): its cells are blocks of the text, not a row of
 * cells; a data table beside it stays rows of cells. */
static void test_layout_table(void)
{
    struct buf b = {0};
    buf_adds(&b, "<html><body><table width='100%'><tr><td width='15%'><a href='a'>Home</a><br><a href='b'>Next</a></td><td>"
                 "<center><font size=4><b>Chapter 1</b></font></center><br><br>");
    for (int i = 0; i < 3; i++) {
        buf_adds(&b, "<font face='Arial'>");
        for (int k = 0; k < 30; k++)
            buf_printf(&b, "%s ", k ? "word" : "Start");
        buf_adds(&b, "end.</font><br><br>");
    }
    buf_adds(&b, "<center>* * *</center><br>After the break.<br><br>"
                 "<table border=1><tr><td>Ann</td><td>30</td></tr><tr><td>Bo</td><td>41</td></tr></table>"
                 "</td></tr></table></body></html>");
    struct ebook eb;
    conv(b.data, &eb);
    buf_free(&b);
    const struct block *x = block_with(&eb, "Start word");
    CHECK("a layout table's cell: its paragraphs are paragraphs", x && x->kind == BLOCK_PARA &&
          strncmp(eb.text + x->off, "Start word", 10) == 0);
    int paras = 0;
    for (size_t i = 0; i < eb.n_blocks; i++)
        paras += strncmp(eb.text + eb.blocks[i].off, "Start", 5) == 0;
    CHECK_INT("each of its three paragraphs a block of its own", paras, 3);
    CHECK("no cell separator between the links and the story", !strstr(eb.text, "Next | "));
    x = block_with(&eb, "* * *");
    CHECK("its scene break is a scene break", x && x->kind == BLOCK_BREAK);
    CHECK("a data table inside it: rows of cells", strstr(eb.text, "Ann | 30\nBo | 41") != NULL);
    CHECK("well formed", well_formed(&eb));
    ebook_free(&eb);
}

static void test_inline_things(void)
{
    struct ebook eb;
    conv("<h1>The Title</h1><p>A picture <img src='a.png' alt='a red *fox*'> and <img src='b.png'>."
         " A note<a href='#fn1'>1</a> and <sup><a href='#n2'>[2]</a></sup> and "
         "<a epub:type='noteref' href='notes.xhtml#x'>iii</a>; a <a href='#ch2'>link text</a>.</p>"
         "<blockquote><p>Quoted words.</p></blockquote>"
         "<p id='fn1'>1. The note.</p>", &eb);
    CHECK("image with alt", strstr(eb.text, "[image: a red \\*fox\\*]") != NULL);
    CHECK("image without alt", strstr(eb.text, "and [image].") != NULL);
    CHECK("note links as [1] [2] [iii]",
          strstr(eb.text, "A note[1] and [2] and [iii]; a link text.") != NULL);
    const struct block *b = block_with(&eb, "Quoted");
    CHECK("blockquote flagged", b && (b->flags & BLOCK_QUOTE));
    CHECK("the note kept where it is", block_with(&eb, "The note.") != NULL);
    b = block_with(&eb, "The Title");
    CHECK("h1 a heading", b && b->kind == BLOCK_HEADING);
    ebook_free(&eb);
    conv("<p>He said <q>go <em>now</em></q>. <ruby>\xE6\xBC\xA2<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>!</p>", &eb);
    CHECK("q gets its quotation marks", strstr(eb.text, "said \xE2\x80\x9Cgo *now*\xE2\x80\x9D.") != NULL);
    CHECK("ruby stays inline", strstr(eb.text, "\xE6\xBC\xA2(kan)!") != NULL);
    ebook_free(&eb);
    conv_x("<html xmlns='http://www.w3.org/1999/xhtml' xmlns:epub='http://www.idpf.org/2007/ops'><body>"
           "<p>End of one page<span epub:type='pagebreak' id='p12' title='12'>12</span> and the next.</p>"
           "<p>A <span role='doc-pagebreak'>13</span>page.</p></body></html>", HTML_CHAPTER, "X", &eb);
    CHECK("page numbers of the printed book not shown", strstr(eb.text, "End of one page and the next.") &&
                                                            strstr(eb.text, "A page.") && !strstr(eb.text, "12"));
    ebook_free(&eb);
}

/* The Text list, the items the other tests leave: ordered lists
 * numbered as their type says, footnotes reachable (the note's text in
 * the chapter, its marker a [N] link, a back-link arrow gone),
 * visibility:hidden never shown. */
static void test_text_items(void)
{
    struct ebook eb;
    conv("<ol type='a'><li>alpha</li><li>beta</li></ol><ol type='I' start='3'><li>third</li>"
         "<li>fourth</li></ol><ol type='i'><li>one</li></ol><ol type='x'><li>odd type</li></ol>"
         "<p>Shown.</p><p style='Visibility: hidden'>secret</p>", &eb);
    CHECK("ol type=a: letters", strstr(eb.text, "a. alpha\nb. beta") != NULL);
    CHECK("ol type=I from 3: Roman numerals", strstr(eb.text, "III. third\nIV. fourth") != NULL);
    CHECK("ol type=i: lowercase Roman", strstr(eb.text, "i. one") != NULL);
    CHECK("an unknown type: decimal", strstr(eb.text, "1. odd type") != NULL);
    CHECK("visibility:hidden is never shown", !strstr(eb.text, "secret"));
    ebook_free(&eb);
    conv_x("<html xmlns='http://www.w3.org/1999/xhtml' xmlns:epub='http://www.idpf.org/2007/ops'><body>"
           "<h1>One</h1><p>A claim<a epub:type='noteref' href='#n1' id='r1'>1</a> and more"
           "<a class='footnote-ref' href='#fn2' id='r2'><sup>2</sup></a>.</p><p>Story goes on.</p>"
           "<section epub:type='footnotes'><ol><li id='n1'><p>The first note."
           "<a href='#r1' class='footnote-back' role='doc-backlink'>\xE2\x86\xA9\xEF\xB8\x8E</a></p></li>"
           "<li id='fn2'><p>The second note. <a href='#r2' epub:type='backlink'>\xE2\x86\xA9</a></p></li>"
           "</ol></section>"
           "<aside epub:type='footnote' id='n3'><p><a href='#r3' role='doc-backlink'>3</a> A third.</p>"
           "</aside></body></html>", HTML_CHAPTER, "One", &eb);
    CHECK("note markers as [N]", strstr(eb.text, "A claim[1] and more[2].") != NULL);
    static const char *const order[] = {"[1]", "Story goes on.", "The first note.", "The second note.",
                                        "[3] A third.", NULL};
    CHECK("the notes' text is reachable, in the chapter after its markers", in_order(eb.text, order));
    CHECK("a back-link arrow is not shown", !strstr(eb.text, "\xE2\x86\xA9"));
    CHECK_INT("all in one chapter", eb.pr.n_ch, 1);
    CHECK("well formed", well_formed(&eb));
    ebook_free(&eb);
}

static void test_hidden(void)
{
    struct ebook eb;
    conv("<html><head><title>T</title><style>.x{display:none} p{color:red}</style>"
         "<script>var secret1;</script></head><body>"
         "<p>Shown one.</p><script>secret2()</script><style>.y{}</style>"
         "<template><p>secret3</p></template><p hidden>secret4</p>"
         "<p style='color: red; DISPLAY : none'>secret5</p><span aria-hidden='true'>secret6</span>"
         "<p class='a x'>secret7</p><p>Shown two.</p></body></html>", &eb);
    CHECK("nothing hidden shown", !strstr(eb.text, "secret"));
    static const char *const w[] = {"Shown one.", "Shown two.", NULL};
    CHECK("the rest shown", in_order(eb.text, w));
    CHECK_STR("title from <title>", eb.pr.title, "T");
    ebook_free(&eb);
}

static void test_chapters_generic(void)
{
    struct ebook eb;
    conv("<html><head><title>My Story</title><meta name='author' content='A. Writer'></head><body>"
         "<h1>My Story</h1><p>Foreword text.</p>"
         "<h2>Chapter 1: Start</h2><p>One.</p><h3>A subsection</h3><p>One more.</p>"
         "<h2>Chapter 2</h2><p>Two.</p><h2>Epilogue</h2><p>Three.</p></body></html>", &eb);
    CHECK_STR("title", eb.pr.title, "My Story");
    CHECK_STR("author from meta", eb.pr.author, "A. Writer");
    CHECK_INT("the repeating level h2 gives the chapters", eb.pr.n_ch, 3);
    if (eb.pr.n_ch == 3) {
        CHECK_STR("chapter title", eb.pr.ch[0].title, "Chapter 1: Start");
        CHECK_INT("chapter number", eb.pr.ch[0].number, 1);
        CHECK_INT("chapter 2 number", eb.pr.ch[1].number, 2);
        CHECK_STR("third title", eb.pr.ch[2].title, "Epilogue");
        CHECK("text before the first chapter is its front matter",
              block_with(&eb, "Foreword")->flags & BLOCK_FRONT);
        CHECK("the heading block opens the chapter's body",
              !strncmp(eb.text + eb.pr.ch[1].front_end, "Chapter 2", 9) &&
                  eb.pr.ch[1].body == eb.pr.ch[1].front_end + 9);
        CHECK("chapter 2's text inside it", strstr(eb.text + eb.pr.ch[1].body, "Two.") ==
                                                 eb.text + eb.pr.ch[1].body + 2);
    }
    CHECK("well formed", well_formed(&eb));
    ebook_free(&eb);
}

/* An old page with no h1-h3 chapter headings: its chapter headings are
 * lines of their own (a centred bold "Chapter 2", a paragraph "CHAPTER
 * III."), read as the TXT parser reads heading lines. */
static void test_chapters_lines(void)
{
    struct ebook eb;
    conv("<html><head><title>The Lost Key</title></head><body>"
         "<center><font size=5><b>The Lost Key</b></font><br>by Someone</center><p>"
         "<center><font size=4><b>Chapter 1</b></font></center><br><br>Alpha one text.<br><br>"
         "<center><font size=4><b>Chapter 2: The Door</b></font></center><br><br>Bravo two text.<br><br>"
         "<p align=center>CHAPTER III.</p><p>Charlie <b>Chapter 4</b> three text.</p>"
         "<p>Chapter 5 was never written, she said.</p></body></html>", &eb);
    CHECK_INT("three chapters from heading lines", eb.pr.n_ch, 3);
    if (eb.pr.n_ch == 3) {
        CHECK_STR("chapter 1 title", eb.pr.ch[0].title, "Chapter 1");
        CHECK_STR("chapter 2 title", eb.pr.ch[1].title, "Chapter 2: The Door");
        CHECK_INT("chapter 3 number", eb.pr.ch[2].number, 3);
        CHECK("text before the first chapter is its front matter",
              block_with(&eb, "by Someone") && (block_with(&eb, "by Someone")->flags & BLOCK_FRONT));
        CHECK("chapter 2's text in it", strstr(eb.text + eb.pr.ch[1].body, "Bravo") &&
                                            strstr(eb.text + eb.pr.ch[1].body, "Bravo") < eb.text + eb.pr.ch[1].end);
        CHECK("a heading word inside a sentence opens nothing",
              strstr(eb.text + eb.pr.ch[2].body, "Chapter 5 was never") != NULL);
    }
    CHECK("well formed", well_formed(&eb));
    ebook_free(&eb);
}

/* pandoc's standalone HTML: its title block (header > h1.title, the
 * author, the date) opens no chapter when the chapters are h1s too. */
static void test_title_block(void)
{
    struct ebook eb;
    conv("<html><head><title>Lamps</title></head><body>"
         "<header id='title-block-header'><h1 class='title'>Lamps</h1><p class='author'>A. Writer</p></header>"
         "<h1 id='chapter-1'>Chapter 1</h1><p>Alpha text.</p><h1 id='chapter-2'>Chapter 2</h1><p>Bravo text.</p>"
         "</body></html>", &eb);
    CHECK_INT("the title block opens no chapter", eb.pr.n_ch, 2);
    CHECK_STR("chapter 1 is the first chapter", eb.pr.n_ch ? eb.pr.ch[0].title : "", "Chapter 1");
    const struct block *b = block_with(&eb, "A. Writer");
    CHECK("the title block is front matter", b && (b->flags & BLOCK_FRONT));
    CHECK("well formed", well_formed(&eb));
    ebook_free(&eb);
    /* a first h1 equal to the title but no title block's: a chapter */
    conv("<html><head><title>Homecoming</title></head><body><h1>Homecoming</h1><p>Alpha text.</p>"
         "<h1>The Road</h1><p>Bravo text.</p></body></html>", &eb);
    CHECK_INT("a chapter titled as the story is a chapter", eb.pr.n_ch, 2);
    ebook_free(&eb);
}

static void test_chapters_page(void)
{
    struct ebook eb;
    /* a saved page: one h1 reads as a chapter, another h1 is the site's */
    conv("<h1>Chapter One</h1><p>Text of it.</p><h1><a href='/p'>Great Author</a></h1><p>Bio.</p>"
         "<h2>About</h2><h2>Contact</h2>", &eb);
    CHECK_INT("only the h1 that reads as a chapter opens one", eb.pr.n_ch, 1);
    CHECK_STR("its title", eb.pr.ch[0].title, "Chapter One");
    CHECK_INT("its number", eb.pr.ch[0].number, 1);
    ebook_free(&eb);
    /* plain titled chapters: the level that repeats */
    conv("<h1>Book</h1><h2>The Storm</h2><p>a</p><h2>The Calm</h2><p>b</p>", &eb);
    CHECK_INT("untitled-by-number chapters from the repeating level", eb.pr.n_ch, 2);
    CHECK_STR("second title", eb.pr.n_ch == 2 ? eb.pr.ch[1].title : NULL, "The Calm");
    CHECK_INT("no number", eb.pr.ch[0].number, PARSE_NO_NUMBER);
    ebook_free(&eb);
    /* saved chapter pages of sites we know: their story text only */
    conv("<html><head><title>Tale Chapter 2: Rain, a fanfic | FanFiction</title></head><body>"
         "<div id=top><a href='/'>FanFiction</a> | Just In | Community</div>"
         "<div id=profile_top><button>Follow/Fav</button><b class='xcontrast_txt'>Tale</b> By: "
         "<a class='xcontrast_txt' href='/u/1/writer'>writer</a> Rated: T - English - Words: 9</div>"
         "<select id=chap_select><option value=1>1. Sun<option value=2 selected>2. Rain</select>"
         "<div class='storytext xcontrast_txt nocopy' id='storytext'><p>It rained.</p><p>All day.</p></div>"
         "<div id=review><p>Post a review</p></div></body></html>", &eb);
    CHECK_STR("FanFiction.Net page: title", eb.pr.title, "Tale");
    CHECK_STR("FanFiction.Net page: author", eb.pr.author, "writer");
    CHECK_INT("FanFiction.Net page: one chapter", eb.pr.n_ch, 1);
    CHECK_STR("FanFiction.Net page: titled from the chapter menu", eb.pr.ch[0].title, "2. Rain");
    CHECK_STR("FanFiction.Net page: only the story", eb.text, "It rained.\n\nAll day.\n");
    ebook_free(&eb);
    conv("<html><body><nav><ul><li>Browse</li></ul></nav><h1>Chapter Seven</h1><h2>Great Story</h2>"
         "<div class='chapter-inner chapter-content'><p>Seven it is.</p></div><div>Comments(3)</div></body></html>", &eb);
    CHECK_STR("Royal Road page: the chapter heading outside the text titles it", eb.pr.ch[0].title, "Chapter Seven");
    CHECK_STR("Royal Road page: only the story", eb.text, "Seven it is.\n");
    ebook_free(&eb);
    conv("<html><head><meta name='DC.title' content='Meta  Title'></head><body><p>x</p></body></html>", &eb);
    CHECK_STR("no <title>, no h1: the title a meta gives", eb.pr.title, "Meta Title");
    ebook_free(&eb);
    /* one heading that is no chapter: one chapter without a title */
    conv("<h1>A Poem</h1><p>Lines.</p>", &eb);
    CHECK("a lone title heading opens no chapter", eb.pr.n_ch == 1 && eb.pr.ch[0].title == NULL);
    CHECK("and is a heading block", block_with(&eb, "A Poem")->kind == BLOCK_HEADING);
    ebook_free(&eb);
}

static void test_gutenberg(void)
{
    struct ebook eb;
    conv("<p>The Project Gutenberg eBook of Tales</p><p>*** START OF THE PROJECT GUTENBERG EBOOK TALES ***</p>"
         "<h2>CHAPTER I.</h2><p>Story text.</p><h2>CHAPTER II.</h2><p>More story.</p>"
         "<p>*** END OF THE PROJECT GUTENBERG EBOOK TALES ***</p><p>Updated editions will replace the previous one.</p>", &eb);
    const struct block *b;
    CHECK("PG header front matter", (b = block_with(&eb, "START OF")) && (b->flags & BLOCK_FRONT) &&
                                        (b = block_with(&eb, "eBook of Tales")) && (b->flags & BLOCK_FRONT));
    CHECK("PG licence back matter", (b = block_with(&eb, "Updated editions")) && (b->flags & BLOCK_BACK) &&
                                        eb.pr.n_ch == 2 && b->off >= eb.pr.ch[1].back);
    CHECK("the end marker too", (b = block_with(&eb, "END OF")) && (b->flags & BLOCK_BACK) && b->off == eb.pr.ch[1].back);
    CHECK("the story is not", (b = block_with(&eb, "More story")) && !(b->flags & (BLOCK_FRONT | BLOCK_BACK)));
    ebook_free(&eb);
}

static void test_hgroup(void)
{
    struct ebook eb;
    conv("<h1>Book</h1><section><hgroup><h2>I</h2><p>The Start</p></hgroup><p>One.</p></section>"
         "<section><hgroup><h2>II</h2><p>The End</p></hgroup><p>Two.</p></section>", &eb);
    CHECK_INT("hgroup chapters", eb.pr.n_ch, 2);
    if (eb.pr.n_ch == 2) {
        CHECK_STR("an hgroup's title: its lines joined", eb.pr.ch[1].title, "II: The End");
        CHECK_INT("its number", eb.pr.ch[1].number, 2);
        const struct block *b = block_with(&eb, "The End");
        CHECK("one heading block of two lines", b && b->kind == BLOCK_HEADING && b->off == eb.pr.ch[1].front_end &&
                                                    !strncmp(eb.text + b->off, "II\nThe End", 10));
    }
    ebook_free(&eb);
    static const char x[] = "<html xmlns='http://www.w3.org/1999/xhtml'><body><section><hgroup><h2>IV</h2>"
                            "<p>The Cylinder Opens</p></hgroup><p>Text.</p></section></body></html>";
    conv_x(x, HTML_CHAPTER, "IV: The Cylinder Opens", &eb);
    const struct block *b = block_with(&eb, "Cylinder");
    CHECK("EPUB: the hgroup equal to the TOC title is the chapter heading",
          b && b->kind == BLOCK_HEADING && eb.pr.ch[0].front_end == b->off && eb.pr.ch[0].body == b->end);
    ebook_free(&eb);
    conv_x(x, HTML_CHAPTER, NULL, &eb);
    CHECK_STR("EPUB, no TOC title: the hgroup's", eb.pr.ch[0].title, "IV: The Cylinder Opens");
    ebook_free(&eb);
}

/* An XHTML document whose void elements are written as HTML (`<hr>`,
 * `<br>`, `<img ...>` unclosed: pandoc passes a Markdown file's raw HTML
 * into its EPUB so): libxml2's recovery makes the rest of the parent the
 * void element's children, which are still text a reader must see, in
 * order (pandoc -t plain and browsers' HTML parsing show every word). */
static void test_unclosed_void(void)
{
    struct ebook eb;
    conv_x("<?xml version='1.0' encoding='UTF-8'?><html xmlns='http://www.w3.org/1999/xhtml'><body>"
           "<section><h1>The First Evening</h1><p>She waited.</p><hr>"
           "<p>The rose is red,<br />the violet blue.</p></section>"
           "<p>One<br>two <img src='lamp.png' alt='a lamp'>three</p><p>four and the end.</p>"
           "</body></html>",
           HTML_CHAPTER, "The First Evening", &eb);
    CHECK("an unclosed <hr>: the paragraph after it is read",
          in_order(eb.text, (const char *const[]){"She waited.", "The rose is red,", "the violet blue.", NULL}));
    const struct block *b = block_with(&eb, "* * *");
    CHECK("an unclosed <hr>: still a scene break", b && b->kind == BLOCK_BREAK);
    CHECK("an unclosed <br> and <img>: every word after them, in order",
          in_order(eb.text, (const char *const[]){"One", "two [image: a lamp]", "three", "four and the end.", NULL}));
    CHECK("an unclosed <br>: still a line break", strstr(eb.text, "One\n") != NULL);
    CHECK("well formed", well_formed(&eb));
    ebook_free(&eb);
}

static void test_xhtml_chapter(void)
{
    struct ebook eb;
    memset(&eb, 0, sizeof eb);
    static const char x1[] =
        "<?xml version='1.0' encoding='utf-8'?><html xmlns='http://www.w3.org/1999/xhtml' "
        "xmlns:epub='http://www.idpf.org/2007/ops'><body><section><h1 class='c'>CHAPTER  I.<br/>The Start</h1>"
        "<p>First&nbsp;words &amp; more.</p></section></body></html>";
    static const char x2[] =
        "<html xmlns='http://www.w3.org/1999/xhtml'><body><p>Continued text.</p></body></html>";
    static const char x3[] =
        "<html xmlns='http://www.w3.org/1999/xhtml'><body><h2>Other</h2><p>Chapter two text.</p></body></html>";
    static const char xf[] =
        "<html xmlns='http://www.w3.org/1999/xhtml'><body><p><b>Rating:</b> Mature</p></body></html>";
    struct html_anchor *an = NULL;
    size_t n_an = 0;
    CHECK("front page", html_append(&eb, xf, sizeof xf - 1, true, HTML_FRONT, NULL, NULL, NULL));
    CHECK("chapter", html_append(&eb, x1, sizeof x1 - 1, true, HTML_CHAPTER, "Chapter I. The Start", &an, &n_an));
    CHECK("continued", html_append(&eb, x2, sizeof x2 - 1, true, HTML_CONTINUED, NULL, NULL, NULL));
    CHECK("chapter 2", html_append(&eb, x3, sizeof x3 - 1, true, HTML_CHAPTER, "Two", NULL, NULL));
    html_finish(&eb);
    CHECK_INT("two chapters", eb.pr.n_ch, 2);
    CHECK_STR("rating from a front page", eb.pr.meta.rating, "Mature");
    CHECK("the front page is front matter", block_with(&eb, "Mature")->flags & BLOCK_FRONT);
    const struct block *b = block_with(&eb, "The Start");
    CHECK("the heading equal to the TOC title is the chapter heading",
          b && b->kind == BLOCK_HEADING && b->off == eb.pr.ch[0].front_end && b->end == eb.pr.ch[0].body);
    CHECK("XHTML &nbsp; without a DTD is a no-break space", strstr(eb.text, "First\xC2\xA0words & more.") != NULL);
    CHECK("continued text in chapter 1", (size_t)(strstr(eb.text, "Continued") - eb.text) < eb.pr.ch[0].end);
    CHECK_STR("chapter 2 titled by the TOC", eb.pr.ch[1].title, "Two");
    CHECK("a heading not equal to the title stays a heading of the text",
          (b = block_with(&eb, "Other")) && b->kind == BLOCK_HEADING && eb.pr.ch[1].body == eb.pr.ch[1].start);
    CHECK("well formed", well_formed(&eb));
    ebook_free(&eb);
    for (size_t i = 0; i < n_an; i++)
        free(an[i].id);
    free(an);
}

static void test_safety(void)
{
    struct ebook eb;
    /* an external entity naming /etc/passwd shows nothing of it */
    static const char xxe[] =
        "<?xml version='1.0'?><!DOCTYPE html [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>"
        "<!ENTITY xin SYSTEM 'http://127.0.0.1:1/x'>]>"
        "<html xmlns='http://www.w3.org/1999/xhtml'><body><p>Before &xxe; &xin; after.</p></body></html>";
    conv_x(xxe, HTML_CHAPTER, NULL, &eb);
    CHECK("XXE: nothing of /etc/passwd", !strstr(eb.text, "root:") && !strstr(eb.text, "/bin/"));
    CHECK("XXE: the text around it kept", strstr(eb.text, "Before") && strstr(eb.text, "after."));
    ebook_free(&eb);
    struct ebook eh;
    conv("<!DOCTYPE html [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]><html><body><p>A &xxe; B</p></body></html>", &eh);
    CHECK("XXE through the HTML parser: nothing", !strstr(eh.text, "root:"));
    ebook_free(&eh);
    /* a DTD subset declaring one name leaves HTML's other names working,
       and its own entity unexpanded */
    conv_x("<?xml version='1.0'?><!DOCTYPE html [<!ENTITY mine 'SECRET'>]>"
           "<html xmlns='http://www.w3.org/1999/xhtml'><body><p>a&nbsp;b &mine; c&mdash;d</p></body></html>",
           HTML_CHAPTER, NULL, &eb);
    CHECK("internal subset: &nbsp; &mdash; still characters", strstr(eb.text, "a\xC2\xA0" "b") &&
                                                                     strstr(eb.text, "c\xE2\x80\x94" "d"));
    CHECK("internal subset: its own entity never expanded", !strstr(eb.text, "SECRET"));
    ebook_free(&eb);
    /* billion laughs: bounded (libxml2 refuses the amplification, and an
       entity reference is never expanded by us) */
    struct buf b = {0};
    buf_adds(&b, "<?xml version='1.0'?><!DOCTYPE html [<!ENTITY l0 'ha'>");
    for (int i = 1; i <= 30; i++)
        buf_printf(&b, "<!ENTITY l%d '&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;'>", i, i - 1,
                   i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    buf_adds(&b, "]><html xmlns='http://www.w3.org/1999/xhtml'><body><p>Laugh: &l30;</p></body></html>");
    conv_x(b.data, HTML_CHAPTER, NULL, &eb);
    CHECK("entity bomb: output bounded", eb.len < 4096);
    CHECK("entity bomb: no laughter", !strstr(eb.text, "haha"));
    ebook_free(&eb);
    /* the same bomb in an attribute value, which XML expands (bounded by
       libxml2's amplification check, kept under XML_PARSE_HUGE) */
    char *at = strstr(b.data, "<p>Laugh: &l30;</p>");
    if (at) {
        b.len = (size_t)(at - b.data);
        buf_adds(&b, "<p title='&l30;'>Laugh</p></body></html>");
    }
    conv_x(b.data, HTML_CHAPTER, NULL, &eb);
    CHECK("entity bomb in an attribute: bounded, its text kept", eb.len < 4096 &&
          strstr(eb.text, "Laugh") && !strstr(eb.text, "haha"));
    ebook_free(&eb);
    buf_free(&b);
    /* deep nesting: no recursion to overflow */
    for (int i = 0; i < 100; i++)
        buf_adds(&b, "<div><b>");
    buf_adds(&b, "deep words");
    conv(b.data, &eb);
    CHECK("200 nested elements: the words come back", strstr(eb.text, "deep words") != NULL);
    CHECK("well formed", well_formed(&eb));
    ebook_free(&eb);
    /* deeper than libxml2's default limit of 256 elements: nothing lost,
       as HTML and as XHTML */
    struct buf d = {0};
    for (int x = 0; x < 2; x++) {
        buf_free(&d);
        buf_adds(&d, x ? "<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'><body>"
                       : "<html><body>");
        buf_adds(&d, "<p>shallow words</p>");
        for (int i = 0; i < 1000; i++)
            buf_adds(&d, "<div>");
        buf_adds(&d, "<p>deep words</p>");
        for (int i = 0; i < 1000; i++)
            buf_adds(&d, "</div>");
        buf_adds(&d, "<p>after words</p></body></html>");
        if (x)
            conv_x(d.data, HTML_CHAPTER, "One", &eb);
        else
            conv(d.data, &eb);
        static const char *const words[] = {"shallow words", "deep words", "after words", NULL};
        CHECK(x ? "1,000 nested divs (XHTML): every paragraph's text kept, in order"
                : "1,000 nested divs (HTML): every paragraph's text kept, in order",
              eb.text && in_order(eb.text, words));
        CHECK("well formed", well_formed(&eb));
        ebook_free(&eb);
    }
    buf_free(&d);
    for (int i = 0; i < 200000; i++)
        buf_adds(&b, "<div><i>");
    conv(b.data, &eb);
    CHECK("400,000 nested elements: no crash", well_formed(&eb));
    ebook_free(&eb);
    buf_free(&b);
    char *err = NULL;
    CHECK("an empty file: a clear error", !ebook_read_bytes("e.html", EBOOK_HTML, "", 0, &eb, &err));
    CHECK_STR("saying so", err, "not an HTML document");
    free(err);
}

/* Verse longer than PARSE_PARA_MAX (a 200 KiB block of <br> lines) is
 * split as a long paragraph is: pieces that tile it, the later ones
 * BLOCK_CONT, each cut at a line end, every line kept. */
static void test_long_verse(void)
{
    struct buf b = {0};
    buf_adds(&b, "<p>");
    int lines = 0;
    while (b.len < (size_t)220 << 10) {   /* 200 KiB of text once <br> is a line end */
        buf_printf(&b, "line %d of the long letter, written on and on<br>", lines);
        lines++;
    }
    buf_adds(&b, "the end</p>");
    struct ebook eb;
    conv(b.data, &eb);
    CHECK("200 KiB of verse in pieces", eb.len > (size_t)3 * PARSE_PARA_MAX && eb.n_blocks >= 4);
    bool verse = true, cont = true, at_lines = true;
    for (size_t i = 0; i < eb.n_blocks; i++) {
        const struct block *k = &eb.blocks[i];
        verse = verse && k->kind == BLOCK_VERSE;
        if (i) {
            cont = cont && (k->flags & BLOCK_CONT) && k->off == eb.blocks[i - 1].end;
            at_lines = at_lines && eb.text[k->off - 1] == '\n' && !strncmp(eb.text + k->off, "line ", 5);
        }
    }
    CHECK("every piece is verse", verse);
    CHECK("pieces tile it, each after the first BLOCK_CONT", cont && !(eb.blocks[0].flags & BLOCK_CONT));
    CHECK("each piece starts a line", at_lines);
    CHECK("well formed (each piece at most PARSE_PARA_MAX)", well_formed(&eb));
    size_t nl = 0;
    for (size_t i = 0; i < eb.len; i++)
        nl += eb.text[i] == '\n';
    CHECK_INT("every line kept", (long long)nl, (long long)lines + 1);
    char *last = xasprintf("line %d of the long letter, written on and on\nthe end\n", lines - 1);
    CHECK("the last lines as written", eb.len >= strlen(last) &&
          !strcmp(eb.text + eb.len - strlen(last), last));
    free(last);
    ebook_free(&eb);
    buf_free(&b);
}

static void test_long_paragraph(void)
{
    struct buf b = {0};
    buf_adds(&b, "<p>");
    for (int i = 0; i < 30000; i++)
        buf_printf(&b, "word%d ", i);
    buf_adds(&b, "</p>");
    struct ebook eb;
    conv(b.data, &eb);
    CHECK("a long paragraph in pieces", eb.n_blocks > 2);
    bool cont = true;
    for (size_t i = 1; i < eb.n_blocks; i++)
        cont = cont && (eb.blocks[i].flags & BLOCK_CONT) && eb.blocks[i].off == eb.blocks[i - 1].end;
    CHECK("pieces tile it, each after the first BLOCK_CONT", cont);
    CHECK("well formed (each piece at most PARSE_PARA_MAX)", well_formed(&eb));
    ebook_free(&eb);
    buf_free(&b);
}

static void test_encodings(void)
{
    struct ebook eb;
    static const char latin[] = "<html><body><p>caf\xE9 na\xEFve \x93quoted\x94</p></body></html>";
    conv(latin, &eb);
    CHECK("no charset and not UTF-8: Windows-1252", strstr(eb.text, "caf\xC3\xA9 na\xC3\xAFve \xE2\x80\x9Cquoted\xE2\x80\x9D") != NULL);
    ebook_free(&eb);
    static const char utf8[] = "<p>caf\xC3\xA9 \xE6\xB3\x95</p>";
    conv(utf8, &eb);
    CHECK("no charset, valid UTF-8: UTF-8 (libxml2 alone would read Latin-1)", strstr(eb.text, "caf\xC3\xA9 \xE6\xB3\x95") != NULL);
    ebook_free(&eb);
    static const char declared[] = "<html><head><meta charset='iso-8859-1'></head><body><p>\xE0 la</p></body></html>";
    conv(declared, &eb);
    CHECK("a declared charset is read", strstr(eb.text, "\xC3\xA0 la") != NULL);
    ebook_free(&eb);
    static const char crlf[] = "<p>one\r\ntwo</p>\r\n<p>three</p>";
    conv(crlf, &eb);
    CHECK_STR("CRLF is white space; the text has LF line ends", eb.text, "one two\n\nthree\n");
    ebook_free(&eb);
}

/* The same bytes give the same text, blocks and chapters. */
static void test_deterministic(const char *path)
{
    struct ebook a, b;
    char *err = NULL;
    if (!ebook_read_file(path, EBOOK_HTML, &a, &err)) {
        free(err);
        return;
    }
    if (!ebook_read_file(path, EBOOK_HTML, &b, &err)) {
        free(err);
        ebook_free(&a);
        return;
    }
    bool same = a.len == b.len && !memcmp(a.text, b.text, a.len) && a.n_blocks == b.n_blocks &&
                a.pr.n_ch == b.pr.n_ch;
    for (size_t k = 0; same && k < a.n_blocks; k++)
        same = a.blocks[k].off == b.blocks[k].off && a.blocks[k].end == b.blocks[k].end &&
               a.blocks[k].kind == b.blocks[k].kind && a.blocks[k].flags == b.blocks[k].flags;
    for (size_t k = 0; same && k < a.pr.n_ch; k++)
        same = a.pr.ch[k].start == b.pr.ch[k].start && a.pr.ch[k].body == b.pr.ch[k].body &&
               a.pr.ch[k].back == b.pr.ch[k].back && a.pr.ch[k].end == b.pr.ch[k].end;
    CHECK(path, same);
    ebook_free(&a);
    ebook_free(&b);
}

static void test_sniff(void)
{
    const unsigned char *h = (const unsigned char *)"\xEF\xBB\xBF  <!DOCTYPE html>\n<html>";
    CHECK_INT("doctype after a BOM", ebook_sniff("x", h, strlen((const char *)h)), EBOOK_HTML);
    CHECK_INT(".txt is always text", ebook_sniff("a.txt", h, strlen((const char *)h)), EBOOK_NONE);
    CHECK_INT(".htm by name", ebook_sniff("a.HTM", (const unsigned char *)"x", 1), EBOOK_HTML);
    CHECK_INT("prose is text", ebook_sniff("story", (const unsigned char *)"Chapter 1\n<html>", 16), EBOOK_NONE);
    static const unsigned char zip[] = "PK\3\4xxxxxxxxxxxxxxxxxxxxxxxxxxmimetypeapplication/epub+zip";
    CHECK_INT("an EPUB by its mimetype", ebook_sniff("book", zip, sizeof zip - 1), EBOOK_EPUB);
    CHECK_INT("an XHTML root after an XML declaration",
              ebook_sniff("c", (const unsigned char *)"<?xml version='1.0'?>\n<html xmlns='x'>", 38), EBOOK_HTML);
}

/* ---- words: what a reader reads, compared across extractions ----------- */

/* A word as compared: its ASCII letters and digits and its non-ASCII
 * bytes (punctuation, markers and brackets aside); superscript digits
 * (pandoc's <sup>) as digits. */
static void norm_word(const char *s, size_t n, struct buf *out)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == 0xC2 && i + 1 < n && ((unsigned char)s[i + 1] == 0xB2 || (unsigned char)s[i + 1] == 0xB3 ||
                                        (unsigned char)s[i + 1] == 0xB9)) {
            buf_addc(out, (unsigned char)s[i + 1] == 0xB9 ? '1' : (char)('2' + ((unsigned char)s[i + 1] - 0xB2)));
            i++;
        } else if (ch == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x81 &&
                   (unsigned char)s[i + 2] >= 0xB0 && (unsigned char)s[i + 2] <= 0xB9) {
            buf_addc(out, (char)('0' + ((unsigned char)s[i + 2] - 0xB0)));
            i += 2;
        } else if (ch >= 0x80 || (ch < 0x80 && ((ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z')))) {
            /* U+00A0 is a space, curly quotes and dashes are punctuation */
            if (ch == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
                buf_addc(out, ' ');
                i++;
                continue;
            }
            if (ch == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80) {
                buf_addc(out, ' ');
                i += 2;
                continue;
            }
            buf_addc(out, (char)ch);
        } else {
            buf_addc(out, ' ');
        }
    }
    buf_addc(out, ' ');
}

/* The words of text as one string, each followed by one space. */
static char *words_of(const char *text)
{
    struct buf b = {0};
    norm_word(text, strlen(text), &b);
    struct buf w = {0};
    bool sp = true;
    for (size_t i = 0; i < b.len; i++) {
        if (b.data[i] == ' ') {
            if (!sp)
                buf_addc(&w, ' ');
            sp = true;
        } else {
            buf_addc(&w, b.data[i]);
            sp = false;
        }
    }
    buf_free(&b);
    return w.data ? w.data : xstrdup("");
}

/* The text a reader sees: every block but breaks, markup hidden, image
 * labels ("[image: " ... "]") left out. */
static char *reader_text(const struct ebook *eb)
{
    struct buf b = {0};
    for (size_t i = 0; i < eb->n_blocks; i++) {
        if (eb->blocks[i].kind == BLOCK_BREAK)
            continue;
        char *t = shown(eb, &eb->blocks[i], NULL, NULL);
        for (char *p = t; *p;) {
            if (!strncmp(p, "[image: ", 8)) {
                p += 8;
            } else if (!strncmp(p, "[image]", 7)) {
                p += 7;
            } else {
                buf_addc(&b, *p++);
            }
        }
        if (!(i + 1 < eb->n_blocks && (eb->blocks[i + 1].flags & BLOCK_CONT)))
            buf_addc(&b, '\n');
        free(t);
    }
    return b.data ? b.data : xstrdup("");
}

/* First differing word of two word strings, for the failure message. */
static void show_diff(const char *what, const char *a, const char *b)
{
    size_t i = 0, wstart = 0, nword = 0;
    while (a[i] && a[i] == b[i]) {
        if (a[i] == ' ') {
            wstart = i + 1;
            nword++;
        }
        i++;
    }
    fprintf(stderr, "  %s: word %zu differs:\n    ours:   %.80s\n    pandoc: %.80s\n", what, nword,
            a + wstart, b + wstart);
}

/* The parts of a page the converter never shows, taken out before pandoc
 * reads it: CSS-hidden AO3 headings, screen-reader landmarks, everything
 * outside an AO3 work page's div#workskin. */
static char *visible_html(const char *path, size_t *len)
{
    htmlDocPtr d = htmlReadFile(path, NULL, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                                HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    if (!d)
        return NULL;
    xmlNode *root = xmlDocGetRootElement(d), *skin = NULL;
    xmlNode *p = root;
    while (p) {
        xmlNode *next = NULL;
        bool drop = false;
        if (p->type == XML_ELEMENT_NODE) {
            xmlChar *cl = xmlGetProp(p, (const xmlChar *)"class");
            xmlChar *id = xmlGetProp(p, (const xmlChar *)"id");
            drop = cl && (strstr((const char *)cl, "toc-heading") || strstr((const char *)cl, "landmark"));
            if (id && !strcmp((const char *)id, "workskin"))
                skin = p;
            xmlFree(cl);
            xmlFree(id);
        }
        if (!drop && p->type == XML_ELEMENT_NODE && p->children) {
            next = p->children;
        } else {
            xmlNode *q = p;
            while (q && !q->next)
                q = q->parent;
            next = q ? q->next : NULL;
        }
        if (drop) {
            xmlUnlinkNode(p);
            xmlFreeNode(p);
        }
        p = next;
    }
    xmlBufferPtr xb = xmlBufferCreate();
    if (skin) {
        xmlBufferCCat(xb, "<html><head><meta charset='utf-8'></head><body>");
        htmlNodeDump(xb, d, skin);
        xmlBufferCCat(xb, "</body></html>");
    } else {
        htmlNodeDump(xb, d, root);
    }
    *len = (size_t)xmlBufferLength(xb);
    char *r = xstrndup((const char *)xmlBufferContent(xb), *len);
    xmlBufferFree(xb);
    xmlFreeDoc(d);
    return r;
}

/* The words pandoc extracts from the visible part of the file; NULL
 * without pandoc. */
static char *pandoc_words(const char *path)
{
    if (system("pandoc --version >/dev/null 2>&1") != 0)
        return NULL;
    size_t n;
    char *html = visible_html(path, &n);
    if (!html)
        return NULL;
    char tmp[] = "/tmp/quire-html-XXXXXX";
    int fd = mkstemp(tmp);
    if (fd < 0 || write(fd, html, n) != (ssize_t)n) {
        free(html);
        return NULL;
    }
    close(fd);
    free(html);
    char *cmd = xasprintf("pandoc -f html -t plain --wrap=none '%s' 2>/dev/null", tmp);
    FILE *f = popen(cmd, "r");
    free(cmd);
    struct buf b = {0};
    char chunk[8192];
    size_t k;
    while (f && (k = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, k);
    if (f)
        pclose(f);
    unlink(tmp);
    /* pandoc's own image labels: "[alt]" keeps the alt words, as ours */
    char *w = words_of(b.data ? b.data : "");
    buf_free(&b);
    return w;
}

/* ---- the real files (../shared, skipped without it) ------------------- */

struct real {
    const char *file;
    const char *title, *author;
    size_t n_ch;
    const char *titles[4]; /* chapter titles, NULL: no heading */
    const char *format;
};

static const struct real reals[] = {
    {"ebooks/ao3/ao3dl_1055387_testing-backdating.html", "testing backdating & previewing", "testy", 1,
     {NULL}, "HTML (AO3 download)"},
    {"ebooks/ao3/ao3dl_17434637_disrupt.html", "Disrupt", "testy", 2,
     {"Small Batch Hashtag", "Try-hard Brunch"}, "HTML (AO3 download)"},
    {"ebooks/ao3/ao3dl_35152225_a-funeral-shroud-for-laertes.html",
     "A Funeral Shroud for Laertes - A Preface to the Third Edition of A Wheel Inside a Wheel",
     "natsinator", 1, {NULL}, "HTML (AO3 download)"},
    {"ebooks/ao3/ao3dl_37317859_first-as-farce.html", "First as Farce", "natsinator", 1, {NULL},
     "HTML (AO3 download)"},
    {"ebooks/ao3/ao3dl_41588007_and-the-big-wheel-keep.html",
     "And the Big Wheel Keep On Turning (Neon Burning Up Above)", "natsinator", 3,
     {"To Make This Fort Assume the Furniture of Home", "But That's a Secret Everybody Knows!",
      "Gethsemane Revisited; or, The Garden of Earthly Delights"},
     "HTML (AO3 download)"},
    {"fanfic/ao3_work17793689_chapter41980418.html", "Nobody Expects the Dragon Age Inquisition",
     "enigmalea", 1, {"Chapter 1: The Guild"}, "HTML (AO3 work page)"},
    {"fanfic/ao3_work37214506_chapter92848687.html", "AvengersGC", "Anonymous", 1, {"Chapter 1"},
     "HTML (AO3 work page)"},
    {"fanfic/ao3_work48582418_chapter122861680.html",
     "5 times Gotham (and everyone else except Bruce and Alfred) were Confused.", "rejected_bisexual", 1,
     {"Chapter 2: 2. Tim"}, "HTML (AO3 work page)"},
    {"fanfic/ao3_work923647_index.html", "the heart and the small change", "Alias (anafabula)", 1,
     {NULL}, "HTML (AO3 work page)"},
};

/* A saved page of a XenForo forum thread (SpaceBattles, Sufficient
 * Velocity): only its posts' text, the threadmarked ones as the chapters
 * (titled by their threadmarks), never the site around them; without
 * threadmarks every post. */
static void test_forum_page(void)
{
    static const char page[] =
        "<html><head><title>The Long Watch | Sufficient Velocity</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/forums'>Forums</a> <a href='/login'>Log in</a></nav>"
        "<div class='p-body-header'><h1 class='p-title-value'>The Long Watch</h1>"
        "<p>Thread starter Wren</p></div>"
        "<div class='block-body'>"
        "<article class='message message--post js-post hasThreadmark' data-author='Wren'>"
        "<div class='message-cell--threadmark-header'><label>Threadmarks</label>"
        "<span class='threadmarkLabel'>Chapter 1: Lights</span></div>"
        "<div class='message-user'><h4>Wren</h4><p>Member</p></div>"
        "<div class='message-content'><article class='message-body'><div class='bbWrapper'>"
        "The lighthouse stood dark for <i>nine</i> nights.<br><br>On the tenth, someone lit it."
        "</div></article><aside class='message-signature'>My other fics: lots</aside></div>"
        "<footer><a>Like</a> 173 <a>Reply</a></footer></article>"
        "<article class='message message--post js-post' data-author='Reader'>"
        "<article class='message-body'><div class='bbWrapper'>Great chapter, more please!</div></article>"
        "</article>"
        "<article class='message message--post js-post hasThreadmark' data-author='Wren'>"
        "<span class='threadmarkLabel'>Chapter 2: Keeper</span>"
        "<article class='message-body'><div class='bbWrapper'>"
        "<blockquote class='bbCodeBlock bbCodeBlock--quote'><div class='bbCodeBlock-content'>"
        "Who lit it?</div><div class='bbCodeBlock-expandLink'><a>Click to expand...</a></div>"
        "</blockquote>The keeper had come home.</div></article></article>"
        "</div><footer><p>Terms and rules</p></footer></body></html>";
    struct ebook eb;
    CHECK("a forum page converts", conv(page, &eb));
    CHECK_STR("read as a forum thread", eb.format, "HTML (forum thread)");
    CHECK_STR("its title: the thread's", eb.pr.title, "The Long Watch");
    CHECK_STR("its author: the first post's", eb.pr.author, "Wren");
    CHECK_INT("the threadmarked posts are the chapters", eb.pr.n_ch, 2);
    if (eb.pr.n_ch == 2) {
        CHECK_STR("titled by their threadmarks", eb.pr.ch[0].title, "Chapter 1: Lights");
        CHECK_STR("titled by their threadmarks (2)", eb.pr.ch[1].title, "Chapter 2: Keeper");
    }
    char *r = reader_text(&eb), *w = words_of(r);
    CHECK_STR("only the posts' words (each chapter's heading, its text)", w,
              "Chapter 1 Lights The lighthouse stood dark for nine nights On the tenth someone lit it "
              "Chapter 2 Keeper Who lit it The keeper had come home ");
    free(r);
    free(w);
    CHECK("well formed", well_formed(&eb));
    ebook_free(&eb);

    /* no threadmarks: every post, each a chapter */
    struct buf b = {0};
    buf_adds(&b, "<html><body><h1 class='p-title-value'>Idle Talk</h1>");
    for (int i = 1; i <= 3; i++)
        buf_printf(&b, "<article class='message message--post js-post' data-author='U%d'>"
                       "<h4>U%d</h4><article class='message-body'>post number %d</article>"
                       "<footer>Like Reply</footer></article>", i, i, i);
    buf_adds(&b, "</body></html>");
    CHECK("a thread page without threadmarks converts", conv(b.data, &eb));
    CHECK_INT("every post a chapter", eb.pr.n_ch, 3);
    if (eb.pr.n_ch == 3)
        CHECK_STR("titled by its place and author", eb.pr.ch[1].title, "Post 2 by U2");
    r = reader_text(&eb);
    CHECK("no site text", !strstr(r, "Like") && !strstr(r, "Idle Talk") && strstr(r, "post number 3"));
    free(r);
    ebook_free(&eb);
    buf_free(&b);
}

/* ../shared's saved SpaceBattles reader page: its three threadmarked
 * posts, nothing of the site. */
static void test_forum_real(const char *shared)
{
    char *path = xasprintf("%s/corpus/ebooks/fanfic-pages/spacebattles_reader_placeholder-text.html", shared);
    struct ebook eb;
    char *err = NULL;
    if (access(path, R_OK) != 0 || !CHECK("SpaceBattles page", ebook_read_file(path, EBOOK_HTML, &eb, &err))) {
        free(err);
        free(path);
        return;
    }
    CHECK_STR("SpaceBattles: the thread's title", eb.pr.title, "My Great Story");
    CHECK_STR("SpaceBattles: its starter", eb.pr.author, "User 1");
    CHECK_INT("SpaceBattles: a chapter per threadmark", eb.pr.n_ch, 3);
    char *r = reader_text(&eb), *w = words_of(r);
    CHECK_STR("SpaceBattles: only the posts' words", w,
              "threadmark description 771 post 1 content 1 Threadmark 1 post 2 content "
              "2 Threadmark 2 post 3 content ");
    free(r);
    free(w);
    ebook_free(&eb);
    free(path);
}

/* FanFicFare's test story underlines with span.u and strikes with <s>,
 * in its HTML and its EPUB alike. */
static void test_fff_underline(const char *shared)
{
    static const char *const files[] = {"fff_test1_s1.html", "fff_test1_s1.epub"};
    for (size_t i = 0; i < 2; i++) {
        char *path = xasprintf("%s/corpus/ebooks/fanficfare/%s", shared, files[i]);
        struct ebook eb;
        char *err = NULL;
        if (!CHECK(files[i], ebook_read_file(path, i ? EBOOK_EPUB : EBOOK_HTML, &eb, &err))) {
            free(err);
            free(path);
            continue;
        }
        const struct block *b = block_with(&eb, "Strike through");
        uint8_t u = 0, st = 0;
        free(b ? shown(&eb, b, "underline", &u) : NULL);
        free(b ? shown(&eb, b, "Strike through", &st) : NULL);
        CHECK(i ? "FanFicFare EPUB: span.u underlined" : "FanFicFare HTML: span.u underlined",
              u == MARKUP_UNDERLINE);
        CHECK(i ? "FanFicFare EPUB: <s> struck" : "FanFicFare HTML: <s> struck", st == MARKUP_STRIKE);
        ebook_free(&eb);
        free(path);
    }
}

static void test_real_files(const char *shared)
{
    for (size_t i = 0; i < sizeof reals / sizeof *reals; i++) {
        const struct real *r = &reals[i];
        char *path = xasprintf("%s/corpus/%s", shared, r->file);
        struct ebook eb;
        char *err = NULL;
        if (!CHECK(r->file, ebook_read_file(path, EBOOK_HTML, &eb, &err))) {
            fprintf(stderr, "  %s\n", err);
            free(err);
            free(path);
            continue;
        }
        CHECK_STR(r->file, eb.pr.title, r->title);
        CHECK_STR(r->file, eb.pr.author, r->author);
        CHECK_STR(r->file, eb.format, r->format);
        CHECK_INT(r->file, eb.pr.n_ch, r->n_ch);
        for (size_t k = 0; k < r->n_ch && k < eb.pr.n_ch; k++)
            CHECK_STR(r->file, eb.pr.ch[k].title, r->titles[k]);
        CHECK(r->file, well_formed(&eb));
        char *ours = reader_text(&eb);
        char *ow = words_of(ours);
        char *pw = pandoc_words(path);
        if (pw) {
            if (!CHECK(r->file, !strcmp(ow, pw)))
                show_diff(r->file, ow, pw);
        }
        free(pw);
        free(ow);
        free(ours);
        ebook_free(&eb);
        free(path);
    }
}

/* FanFicFare's HTML gives what the TXT of the same story gives. */
static void test_fanficfare(const char *shared)
{
    static const char *const ids[] = {"s1", "s12", "s664"};
    for (size_t i = 0; i < 3; i++) {
        char *h = xasprintf("%s/corpus/ebooks/fanficfare/fff_test1_%s.html", shared, ids[i]);
        char *t = xasprintf("tests/data/fanficfare/fff_test1_%s.txt", ids[i]);
        struct ebook eb;
        char *err = NULL;
        size_t tl;
        char *txt = read_file(t, &tl, &err);
        if (!CHECK(h, txt && ebook_read_file(h, EBOOK_HTML, &eb, &err))) {
            fprintf(stderr, "  %s\n", err ? err : "");
            free(err);
            free(txt);
            free(h);
            free(t);
            continue;
        }
        struct parse_result pr;
        parse_text(txt, tl, &pr);
        CHECK_STR(h, eb.format, "HTML (FanFicFare)");
        CHECK_STR(h, eb.pr.title, pr.title);
        CHECK_STR(h, eb.pr.author, pr.author);
        CHECK_INT(h, eb.pr.n_ch, pr.n_ch);
        for (size_t k = 0; k < pr.n_ch && k < eb.pr.n_ch; k++)
            CHECK_STR(h, eb.pr.ch[k].title, pr.ch[k].title);
        CHECK(h, well_formed(&eb));
        CHECK_STR(h, eb.pr.meta.published, "1975-03-15");
        CHECK(h, eb.pr.meta.source_url && strstr(eb.pr.meta.source_url, ids[i] + 1));
        char *ours = reader_text(&eb);
        char *ow = words_of(ours);
        char *pw = pandoc_words(h);
        if (pw && !CHECK(h, !strcmp(ow, pw)))
            show_diff(h, ow, pw);
        free(pw);
        free(ow);
        free(ours);
        parse_result_free(&pr);
        ebook_free(&eb);
        free(txt);
        free(h);
        free(t);
    }
}

static void test_ao3_meta(const char *shared)
{
    char *path = xasprintf("%s/corpus/ebooks/ao3/ao3dl_17434637_disrupt.html", shared);
    struct ebook eb;
    char *err = NULL;
    if (!CHECK("AO3 download read", ebook_read_file(path, EBOOK_HTML, &eb, &err))) {
        free(err);
        free(path);
        return;
    }
    const struct parse_meta *m = &eb.pr.meta;
    CHECK_STR("series", m->series, "Kitsch");
    CHECK("series index", m->series_index == 1);
    CHECK_STR("rating", m->rating, "Teen And Up Audiences");
    CHECK_STR("Chapters: 2/5 is in progress", m->status, "in progress");
    CHECK_STR("published", m->published, "2019-01-15");
    CHECK_STR("source", m->source_url, "http://archiveofourown.org/works/17434637");
    CHECK_STR("language", m->language, "en");
    CHECK("fandom a tag", m->n_tags == 1 && !strcmp(m->tags[0], "Testing"));
    CHECK("summary", m->summary && !strncmp(m->summary, "Unicorn et Retro", 16));
    const struct block *b = block_with(&eb, "Posted originally");
    CHECK("the preface is front matter of chapter 1",
          b && (b->flags & BLOCK_FRONT) && b->end <= eb.pr.ch[0].front_end);
    b = block_with(&eb, "Trust fund hot chicken");
    CHECK("a chapter summary is front matter", b && (b->flags & BLOCK_FRONT));
    b = block_with(&eb, "R+R!");
    CHECK("chapter end notes are back matter", b && (b->flags & BLOCK_BACK) && b->off >= eb.pr.ch[0].back &&
                                                   b->end <= eb.pr.ch[0].end);
    b = block_with(&eb, "TBC...");
    CHECK("the afterword is back matter of the last chapter",
          b && (b->flags & BLOCK_BACK) && b->off >= eb.pr.ch[1].back);
    CHECK("the CSS-hidden 'Preface' heading is not shown", !block_with(&eb, "Preface"));
    b = block_with(&eb, "Hoodie live-edge");
    CHECK("the chapter text is body", b && !(b->flags & (BLOCK_FRONT | BLOCK_BACK)) &&
                                          b->off >= eb.pr.ch[0].body);
    ebook_free(&eb);
    free(path);
    path = xasprintf("%s/corpus/fanfic/ao3_work17793689_chapter41980418.html", shared);
    if (ebook_read_file(path, EBOOK_HTML, &eb, &err)) {
        CHECK("a work page: no site navigation", !block_with(&eb, "Entire Work") && !block_with(&eb, "Kudos"));
        CHECK("a work page: no landmark heading", !block_with(&eb, "Chapter Text"));
        CHECK_STR("a work page: the series", eb.pr.meta.series, "Thedas Unveiled");
        CHECK_STR("a work page: 14/? in progress", eb.pr.meta.status, "in progress");
        CHECK_STR("a work page: its address", eb.pr.meta.source_url, "https://archiveofourown.org/works/17793689");
        CHECK_STR("a work page: the rating", eb.pr.meta.rating, "Mature");
        CHECK_INT("a work page: chapter number", eb.pr.ch[0].number, 1);
        ebook_free(&eb);
    } else {
        CHECK("a work page read", false);
        free(err);
    }
    free(path);
}

/* ---- random stories --------------------------------------------------- */

static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33) % n;
}

static void test_random(uint64_t seed)
{
    static const char *const vocab[] = {
        "alpha", "beta", "gamma", "don't", "star*light", "snake_case", "back\\slash", "caf\xC3\xA9",
        "\xE6\xB3\x95", "AT&amp;T", "&lt;tag&gt;", "x_y_z", "**bold**", "1.5", "—dash—", "Ünïcode",
    };
    printf("random stories: seed %llu\n", (unsigned long long)seed);
    rng_state = seed;
    for (int story = 0; story < 40; story++) {
        struct buf h = {0}, want = {0};
        size_t n_ch = 1 + rnd(12);
        char titles[12][64];
        buf_adds(&h, "<html><head><title>Story</title></head><body><h1>Story</h1>\n");
        for (size_t k = 0; k < n_ch; k++) {
            snprintf(titles[k], sizeof titles[k], "Chapter %zu: %s %s", k + 1, vocab[rnd(3)], vocab[rnd(3)]);
            buf_printf(&h, "<h2>%s</h2>\n", titles[k]);
            size_t paras = 1 + rnd(8);
            for (size_t p = 0; p < paras; p++) {
                buf_adds(&h, rnd(4) ? "<p>" : "<div>");
                size_t words = 1 + rnd(rnd(10) ? 60 : 3000);
                bool em = false;
                for (size_t w = 0; w < words; w++) {
                    const char *v = vocab[rnd(sizeof vocab / sizeof *vocab)];
                    if (!em && !rnd(10)) {
                        buf_adds(&h, "<em>");
                        em = true;
                    }
                    buf_adds(&h, v);
                    if (em && !rnd(4)) {
                        buf_adds(&h, "</em>");
                        em = false;
                    }
                    buf_adds(&h, rnd(5) ? " " : "\n  ");
                    /* the word as a reader reads it */
                    char *d = xstrdup(v);
                    char *q = d;
                    for (char *r = d; *r; r++) {
                        if (!strncmp(r, "&amp;", 5)) { *q++ = '&'; r += 4; }
                        else if (!strncmp(r, "&lt;", 4)) { *q++ = '<'; r += 3; }
                        else if (!strncmp(r, "&gt;", 4)) { *q++ = '>'; r += 3; }
                        else *q++ = *r;
                    }
                    *q = '\0';
                    buf_adds(&want, d);
                    buf_addc(&want, ' ');
                    free(d);
                }
                if (em)
                    buf_adds(&h, "</em>");
                buf_adds(&h, "</p>\n");
            }
        }
        buf_adds(&h, "</body></html>\n");
        struct ebook eb;
        if (!CHECK("random story converts", conv(h.data, &eb)))
            continue;
        bool ok = eb.pr.n_ch == n_ch;
        for (size_t k = 0; ok && k < n_ch; k++)
            ok = eb.pr.ch[k].title && !strcmp(eb.pr.ch[k].title, titles[k]);
        if (!CHECK("every chapter back, titled, in order", ok))
            fprintf(stderr, "  seed %llu story %d: %zu chapters, want %zu\n", (unsigned long long)seed, story,
                    eb.pr.n_ch, n_ch);
        /* the words of the body, headings aside */
        struct buf got = {0};
        for (size_t i = 0; i < eb.n_blocks; i++) {
            if (eb.blocks[i].kind != BLOCK_PARA)
                continue;
            char *t = shown(&eb, &eb.blocks[i], NULL, NULL);
            buf_adds(&got, t);
            if (!(i + 1 < eb.n_blocks && (eb.blocks[i + 1].flags & BLOCK_CONT)))
                buf_addc(&got, ' ');
            free(t);
        }
        char *gw = words_of(got.data ? got.data : ""), *ww = words_of(want.data);
        if (!CHECK("every word back, in order", !strcmp(gw, ww))) {
            fprintf(stderr, "  seed %llu story %d\n", (unsigned long long)seed, story);
            show_diff("random", gw, ww);
        }
        CHECK("well formed", well_formed(&eb));
        free(gw);
        free(ww);
        buf_free(&got);
        ebook_free(&eb);
        buf_free(&h);
        buf_free(&want);
    }
}

/* ---- the fixtures in tests/data/html (made for these tests) ----------- */

static bool read_fixture(const char *name, struct ebook *eb)
{
    char *path = xasprintf("tests/data/html/%s", name);
    char *err = NULL;
    bool ok = ebook_read_file(path, EBOOK_HTML, eb, &err);
    if (!ok)
        fprintf(stderr, "  %s: %s\n", path, err);
    free(err);
    free(path);
    return ok;
}

static void test_fixtures(void)
{
    struct ebook eb;
    const struct block *b;
    if (CHECK("AO3 download fixture", read_fixture("ao3_download.html", &eb))) {
        CHECK_STR("AO3: format", eb.format, "HTML (AO3 download)");
        CHECK_STR("AO3: title from the preface", eb.pr.title, "The Lighthouse Keeper");
        CHECK_STR("AO3: author from the byline", eb.pr.author, "quire_tests");
        CHECK_INT("AO3: one chapter per h2.heading", eb.pr.n_ch, 3);
        if (eb.pr.n_ch == 3) {
            CHECK_STR("AO3: chapter title", eb.pr.ch[1].title, "Chapter 2: The Gull");
            CHECK_INT("AO3: chapter number", eb.pr.ch[1].number, 2);
            CHECK_STR("AO3: a title that is only 'Chapter 3'", eb.pr.ch[2].title, "Chapter 3");
        }
        CHECK_STR("AO3: series", eb.pr.meta.series, "Coastal Tales");
        CHECK("AO3: series index", eb.pr.meta.series_index == 2);
        CHECK_STR("AO3: Chapters 3/3 and Completed: complete", eb.pr.meta.status, "complete");
        CHECK_STR("AO3: completed date as updated", eb.pr.meta.updated, "2020-06-02");
        CHECK_INT("AO3: fandom, relationships, additional tags", eb.pr.meta.n_tags, 4);
        if (eb.pr.meta.n_tags == 4)
            CHECK_STR("AO3: a relationship tag", eb.pr.meta.tags[1], "Keeper & Gull");
        CHECK("AO3: the hidden toc headings never shown", !block_with(&eb, "Preface") && !block_with(&eb, "Afterword"));
        CHECK("AO3: the preface is chapter 1's front matter",
              (b = block_with(&eb, "Written for the tests")) && (b->flags & BLOCK_FRONT) &&
                  b->end <= eb.pr.ch[0].front_end);
        CHECK("AO3: a chapter summary is front matter",
              (b = block_with(&eb, "The fog comes in")) && (b->flags & BLOCK_FRONT));
        CHECK("AO3: the chapter heading is not", (b = block_with(&eb, "Chapter 1: Fog")) && b->kind == BLOCK_HEADING &&
                                                      !(b->flags & BLOCK_FRONT));
        CHECK("AO3: end notes are back matter of their chapter",
              (b = block_with(&eb, "Thanks for reading")) && (b->flags & BLOCK_BACK) &&
                  b->off >= eb.pr.ch[0].back && b->end <= eb.pr.ch[0].end);
        CHECK("AO3: the afterword is back matter of the last chapter",
              (b = block_with(&eb, "The end of the tale")) && (b->flags & BLOCK_BACK) &&
                  eb.pr.n_ch == 3 && b->off >= eb.pr.ch[2].back);
        CHECK("AO3: a centred * * * is a break", (b = block_with(&eb, "* * *")) && b->kind == BLOCK_BREAK);
        CHECK("AO3: the tags list as label lines",
              (b = block_with(&eb, "Rating: General Audiences")) && b->kind == BLOCK_VERSE);
        CHECK("well formed", well_formed(&eb));
        ebook_free(&eb);
    }
    if (CHECK("AO3 work page fixture", read_fixture("ao3_work_page.html", &eb))) {
        CHECK_STR("page: format", eb.format, "HTML (AO3 work page)");
        CHECK_STR("page: title", eb.pr.title, "The Lighthouse Keeper");
        CHECK_STR("page: author", eb.pr.author, "quire_tests");
        CHECK_INT("page: the one chapter saved", eb.pr.n_ch, 1);
        CHECK_STR("page: its title", eb.pr.ch[0].title, "Chapter 2: The Gull");
        CHECK_INT("page: its number", eb.pr.ch[0].number, 2);
        CHECK("page: no navigation, kudos, comments, landmarks, scripts",
              !strstr(eb.text, "Browse") && !strstr(eb.text, "Kudos") && !strstr(eb.text, "Comments never") &&
                  !strstr(eb.text, "Chapter Text") && !strstr(eb.text, "Work Header") && !strstr(eb.text, "tracking"));
        CHECK_STR("page: series", eb.pr.meta.series, "Coastal Tales");
        CHECK_STR("page: 2/? in progress", eb.pr.meta.status, "in progress");
        CHECK_STR("page: language", eb.pr.meta.language, "English");
        CHECK_STR("page: address", eb.pr.meta.source_url, "https://archiveofourown.org/works/77");
        CHECK("page: notes front", (b = block_with(&eb, "A short one.")) && (b->flags & BLOCK_FRONT));
        CHECK("page: end notes back", (b = block_with(&eb, "More soon.")) && (b->flags & BLOCK_BACK) &&
                                          b->off >= eb.pr.ch[0].back);
        static const char *const w[] = {"A gull landed", "*she*", NULL};
        CHECK("page: the text", in_order(eb.text, w));
        CHECK("well formed", well_formed(&eb));
        ebook_free(&eb);
    }
    if (CHECK("FanFicFare fixture", read_fixture("fanficfare.html", &eb))) {
        CHECK_STR("FFF: format", eb.format, "HTML (FanFicFare)");
        CHECK_STR("FFF: title", eb.pr.title, "The Lighthouse Keeper");
        CHECK_STR("FFF: author", eb.pr.author, "quire_tests");
        CHECK_INT("FFF: chapters from the section headings, not the contents", eb.pr.n_ch, 2);
        if (eb.pr.n_ch == 2)
            CHECK_STR("FFF: chapter title", eb.pr.ch[1].title, "The Gull");
        CHECK_STR("FFF: status", eb.pr.meta.status, "in progress");
        CHECK_STR("FFF: rating", eb.pr.meta.rating, "K");
        CHECK_STR("FFF: summary", eb.pr.meta.summary, "A keeper, a gull, and the sea.");
        CHECK_STR("FFF: story URL", eb.pr.meta.source_url, "http://example.com/s/12");
        CHECK("FFF: the title page and contents are front matter",
              (b = block_with(&eb, "Table of Contents")) && (b->flags & BLOCK_FRONT) && b->end <= eb.pr.ch[0].front_end);
        CHECK("FFF: notes blocks are front matter", (b = block_with(&eb, "Author's Note")) && (b->flags & BLOCK_FRONT));
        CHECK("FFF: <br><br> ends a paragraph", (b = block_with(&eb, "A gull landed")) && b->kind == BLOCK_PARA);
        CHECK("FFF: <br> keeps lines", (b = block_with(&eb, "It looked")) && b->kind == BLOCK_VERSE);
        CHECK("well formed", well_formed(&eb));
        ebook_free(&eb);
    }
    if (CHECK("plain story fixture", read_fixture("plain_story.html", &eb))) {
        CHECK_STR("plain: title", eb.pr.title, "A Plain Story");
        CHECK_STR("plain: author", eb.pr.author, "Ann Example");
        CHECK_INT("plain: three h2 chapters", eb.pr.n_ch, 3);
        if (eb.pr.n_ch == 3) {
            CHECK_INT("plain: Prologue", eb.pr.ch[0].number, PARSE_PROLOGUE);
            CHECK_INT("plain: Chapter 2", eb.pr.ch[2].number, 2);
        }
        CHECK("plain: entities", strstr(eb.text, "letter\xE2\x80\x94the kind") && strstr(eb.text, "\xE2\x80\x9CRead it,\xE2\x80\x9D"));
        CHECK("plain: a spacer between text is a break", (b = block_with(&eb, "* * *")) && b->kind == BLOCK_BREAK);
        CHECK("plain: the h3 stays a heading inside chapter 2", (b = block_with(&eb, "Notes")) && b->kind == BLOCK_HEADING);
        CHECK("well formed", well_formed(&eb));
        ebook_free(&eb);
    }
    /* an EPUB chapter document, its anchors */
    size_t n;
    char *err = NULL;
    char *x = read_file("tests/data/html/chapter.xhtml", &n, &err);
    if (CHECK("XHTML fixture", x != NULL)) {
        memset(&eb, 0, sizeof eb);
        struct html_anchor *an = NULL;
        size_t n_an = 0;
        html_append(&eb, x, n, true, HTML_CHAPTER, "Chapter I: The Lamp", &an, &n_an);
        html_finish(&eb);
        CHECK_STR("XHTML: the TOC's title", eb.pr.ch[0].title, "Chapter I: The Lamp");
        CHECK("XHTML: the heading folded equal to it opens the body",
              (b = block_with(&eb, "The Lamp")) && b->kind == BLOCK_HEADING && eb.pr.ch[0].body == b->end);
        CHECK("XHTML: entities without the DTD", strstr(eb.text, "six\xC2\xA0o\xE2\x80\x99" "clock.[1]") != NULL);
        size_t scene = SIZE_MAX, sec = SIZE_MAX;
        for (size_t i = 0; i < n_an; i++) {
            if (!strcmp(an[i].id, "scene-2"))
                scene = an[i].off;
            if (!strcmp(an[i].id, "chapter-1"))
                sec = an[i].off;
        }
        CHECK("XHTML: an anchor at its paragraph", scene != SIZE_MAX && !strncmp(eb.text + scene, "The *Marguerite*", 16));
        CHECK("XHTML: the section's anchor at the heading", sec == b->off);
        CHECK("well formed", well_formed(&eb));
        for (size_t i = 0; i < n_an; i++)
            free(an[i].id);
        free(an);
        ebook_free(&eb);
    }
    free(x);
    free(err);
}

/* The fixtures' words against pandoc's (skipped without pandoc). */
static void test_fixture_words(void)
{
    static const char *const names[] = {"ao3_download.html", "ao3_work_page.html", "fanficfare.html",
                                        "plain_story.html"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *path = xasprintf("tests/data/html/%s", names[i]);
        char *pw = pandoc_words(path);
        struct ebook eb;
        if (pw && read_fixture(names[i], &eb)) {
            char *ours = reader_text(&eb);
            char *ow = words_of(ours);
            if (!CHECK(path, !strcmp(ow, pw)))
                show_diff(path, ow, pw);
            free(ow);
            free(ours);
            ebook_free(&eb);
        }
        free(pw);
        free(path);
    }
}

/* ---- an EPUB's documents through html_append, as epub.c hands them ---- */

/* An EPUB file read whole and opened with the EPUB reader's zip layer
 * (epub_zip.c). */
struct zipped {
    char *bytes;
    struct epub_zip z;
};

static bool zipped_open(struct zipped *zf, const char *path)
{
    size_t n;
    char *err = NULL;
    zf->bytes = read_file(path, &n, &err);
    if (zf->bytes && ezip_open(zf->bytes, n, &zf->z, &err))
        return true;
    fprintf(stderr, "test_html: %s: %s\n", path, err ? err : "?");
    free(err);
    free(zf->bytes);
    return false;
}

static void zipped_close(struct zipped *zf)
{
    ezip_close(&zf->z);
    free(zf->bytes);
}

static bool append_entry(struct zipped *zf, struct ebook *eb, const char *name, enum html_role role,
                         const char *title)
{
    size_t n;
    char *x = NULL, *err = NULL;
    bool ok = ezip_read(&zf->z, name, &x, &n, &err) > 0 &&
              html_append(eb, x, n, true, role, title, NULL, NULL);
    free(x);
    free(err);
    return ok;
}

static void test_epub_documents(const char *shared)
{
    char *path = xasprintf("%s/corpus/ebooks/fanficfare/fff_test1_s1.epub", shared);
    struct zipped zf;
    bool opened = zipped_open(&zf, path);
    free(path);
    if (CHECK("FanFicFare EPUB opens", opened)) {
        struct ebook eb;
        memset(&eb, 0, sizeof eb);
        bool ok = append_entry(&zf, &eb, "OEBPS/title_page.xhtml", HTML_FRONT, NULL);
        for (int k = 1; k <= 9; k++) {
            char name[64];
            snprintf(name, sizeof name, "OEBPS/file%04d.xhtml", k);
            ok = ok && append_entry(&zf, &eb, name, HTML_CHAPTER, NULL);
        }
        html_finish(&eb);
        CHECK("FFF EPUB: every document converts", ok);
        size_t tl;
        char *err = NULL;
        char *txt = read_file("tests/data/fanficfare/fff_test1_s1.txt", &tl, &err);
        struct parse_result pr;
        parse_text(txt ? txt : "", txt ? tl : 0, &pr);
        CHECK_INT("FFF EPUB: the TXT's chapters", eb.pr.n_ch, pr.n_ch);
        for (size_t k = 0; k < pr.n_ch && k < eb.pr.n_ch; k++)
            CHECK_STR("FFF EPUB: chapter titles from the first heading", eb.pr.ch[k].title, pr.ch[k].title);
        CHECK_STR("FFF EPUB: series from the title page", eb.pr.meta.series, "The Great Test");
        CHECK("FFF EPUB: series index", eb.pr.meta.series_index == 1);
        CHECK_STR("FFF EPUB: status", eb.pr.meta.status, "in progress");
        CHECK_STR("FFF EPUB: rating", eb.pr.meta.rating, "Tweenie");
        CHECK_STR("FFF EPUB: published", eb.pr.meta.published, "1975-03-15");
        CHECK("FFF EPUB: summary", eb.pr.meta.summary && !strncmp(eb.pr.meta.summary, "Description tests:", 18) &&
                                       strstr(eb.pr.meta.summary, "My first fic"));
        const struct block *b = block_with(&eb, "Relationships:");
        CHECK("FFF EPUB: the title page is front matter", b && (b->flags & BLOCK_FRONT) && b->end <= eb.pr.ch[0].front_end);
        CHECK("well formed", well_formed(&eb));
        parse_result_free(&pr);
        free(txt);
        free(err);
        ebook_free(&eb);
        zipped_close(&zf);
    }
    path = xasprintf("%s/corpus/ebooks/ao3/ao3dl_17434637_disrupt.epub", shared);
    opened = zipped_open(&zf, path);
    free(path);
    if (CHECK("AO3 EPUB opens", opened)) {
        struct ebook eb;
        memset(&eb, 0, sizeof eb);
        bool ok = append_entry(&zf, &eb, "Disrupt_split_000.xhtml", HTML_FRONT, NULL) &&
                  append_entry(&zf, &eb, "Disrupt_split_001.xhtml", HTML_FRONT, NULL) &&
                  append_entry(&zf, &eb, "Disrupt_split_002.xhtml", HTML_CHAPTER, "Small Batch Hashtag") &&
                  append_entry(&zf, &eb, "Disrupt_split_003.xhtml", HTML_CHAPTER, "Try-hard Brunch") &&
                  append_entry(&zf, &eb, "Disrupt_split_004.xhtml", HTML_BACK, NULL);
        html_finish(&eb);
        CHECK("AO3 EPUB: every document converts", ok);
        CHECK_INT("AO3 EPUB: two chapters", eb.pr.n_ch, 2);
        CHECK_STR("AO3 EPUB: series from the preface", eb.pr.meta.series, "Kitsch");
        CHECK_STR("AO3 EPUB: 2/5 in progress", eb.pr.meta.status, "in progress");
        CHECK("AO3 EPUB: the toc headings hidden (calibre kept the class)",
              !block_with(&eb, "Preface") && !block_with(&eb, "Afterword"));
        const struct block *b = block_with(&eb, "Small Batch Hashtag");
        CHECK("AO3 EPUB: the chapter heading, not front matter",
              b && b->kind == BLOCK_HEADING && !(b->flags & BLOCK_FRONT) && b->off == eb.pr.ch[0].front_end);
        CHECK("AO3 EPUB: the chapter summary front matter though calibre renamed its class",
              (b = block_with(&eb, "Trust fund hot chicken")) && (b->flags & BLOCK_FRONT));
        CHECK("AO3 EPUB: the chapter text is body", (b = block_with(&eb, "Hoodie live-edge")) &&
                                                          !(b->flags & (BLOCK_FRONT | BLOCK_BACK)));
        CHECK("AO3 EPUB: the afterword back matter of the last chapter",
              (b = block_with(&eb, "TBC...")) && (b->flags & BLOCK_BACK) && eb.pr.n_ch == 2 &&
                  b->off >= eb.pr.ch[1].back);
        CHECK("well formed", well_formed(&eb));
        ebook_free(&eb);
        zipped_close(&zf);
    }
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--dump"))
        return dump(argv[2]);
    test_paragraphs();
    test_emphasis();
    test_underline_strike();
    test_breaks();
    test_verse_lists_tables();
    test_inline_things();
    test_layout_table();
    test_hidden();
    test_text_items();
    test_chapters_generic();
    test_chapters_page();
    test_chapters_lines();
    test_title_block();
    test_hgroup();
    test_gutenberg();
    test_xhtml_chapter();
    test_unclosed_void();
    test_safety();
    test_long_paragraph();
    test_long_verse();
    test_forum_page();
    test_sniff();
    test_fixtures();
    test_fixture_words();
    test_encodings();
    test_deterministic("tests/data/html/ao3_download.html");
    test_deterministic("tests/data/html/plain_story.html");
    const char *seed = getenv("QUIRE_TEST_SEED");
    test_random(seed ? strtoull(seed, NULL, 10) : 20261203);
    if (access("../shared/corpus/ebooks/ao3", R_OK) == 0) {
        test_real_files("../shared");
        test_forum_real("../shared");
        test_fff_underline("../shared");
        test_fanficfare("../shared");
        test_ao3_meta("../shared");
        test_epub_documents("../shared");
    } else {
        printf("test_html: ../shared/corpus absent: real files skipped\n");
    }
    return check_summary();
}
