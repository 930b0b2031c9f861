/* assemble.c — the assembly pass of the library build: each group of
 * files becomes a story, in named steps (build_story): the files' reading
 * order (story.ini `order`, else heading numbers, else natural file-name
 * order), the chapters (edition clusters, file by file: a chapter one
 * edition lacks keeps its place among the shared ones), each
 * chapter's editions, title and key, the story's title, author and folder,
 * its place in a series (story.ini), its identity, and its notes; then the
 * stories sorted by title.  See build.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "norm.h"
#include "util.h"

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* File name without folder and extension, malloc'd. */
static char *name_of_file(const char *relpath)
{
    const char *base = base_name(relpath);
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return xstrndup(base, n);
}

static char *dir_of(const char *relpath)
{
    const char *s = strrchr(relpath, '/');
    return s ? xstrndup(relpath, (size_t)(s - relpath)) : xstrdup(".");
}

struct forder {
    int file;
    long rank;      /* final order */
    int number;     /* first heading number, or PARSE_NO_NUMBER */
    int rep;        /* edition cluster of that numbered chapter */
};

static _Thread_local struct build *sort_ctx;   /* qsort has no context argument */

static int cmp_file_name(const void *p, const void *q)
{
    const struct forder *x = p, *y = q;
    const char *a = sort_ctx->files[x->file].relpath, *b = sort_ctx->files[y->file].relpath;
    int c = natcmp(a, b);
    return c ? c : strcmp(a, b);
}

static int cmp_number(const void *p, const void *q)
{
    const struct forder *x = p, *y = q;
    if (x->number != y->number)
        return x->number < y->number ? -1 : 1;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static int cmp_rank(const void *p, const void *q)
{
    const struct forder *x = p, *y = q;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* Order the files of one story: by story.ini `order` first (listed files in
 * that order, the rest after), then — among the rest — by heading number
 * where files have one (a prologue first, an epilogue last), keeping the
 * natural file-name order for files without numbers. */
static void order_files(struct build *b, struct forder *fo, size_t n, const struct ini *ini,
                        const char *ini_dir)
{
    sort_ctx = b;
    qsort(fo, n, sizeof *fo, cmp_file_name);
    for (size_t i = 0; i < n; i++) {
        fo[i].rank = (long)i;
        const struct lfile *f = &b->files[fo[i].file];
        fo[i].number = PARSE_NO_NUMBER;
        for (int k = 0; k < f->n_pc; k++)
            if (b->pc[f->first_piece + k].number != PARSE_NO_NUMBER) {
                fo[i].number = b->pc[f->first_piece + k].number;
                fo[i].rep = b->pc[f->first_piece + k].cluster;
                break;
            }
    }
    /* Heading numbers: numbered files take the numbered files' slots in
     * number order; prologues move to the front, epilogues to the end. */
    size_t nn = 0;
    for (size_t i = 0; i < n; i++)
        if (fo[i].number != PARSE_NO_NUMBER)
            nn++;
    if (nn > 1) {
        struct forder *num = xmalloc(nn * sizeof *num);
        size_t *slot = xmalloc(nn * sizeof *slot);
        size_t j = 0;
        for (size_t i = 0; i < n; i++)
            if (fo[i].number != PARSE_NO_NUMBER) {
                slot[j] = i;
                num[j++] = fo[i];
            }
        qsort(num, nn, sizeof *num, cmp_number);
        /* Two files both opening with, say, chapter 1 (book1/ch1.txt,
         * book2/ch1.txt) that are not editions of one chapter: the numbers
         * restart, so they cannot order the files; names do. */
        size_t clash = nn;
        for (j = 1; j < nn && clash == nn; j++)
            if (num[j].number == num[j - 1].number && num[j].rep != num[j - 1].rep &&
                num[j].number != PARSE_PROLOGUE && num[j].number < PARSE_EPILOGUE)
                clash = j;
        if (clash == nn)
            for (j = 0; j < nn; j++)
                fo[slot[j]] = num[j];
        else
            build_note(b, "%s, %s: both open with chapter %d; ordered by file name",
                 b->files[num[clash - 1].file].relpath, b->files[num[clash].file].relpath,
                 num[clash].number);
        free(num);
        free(slot);
    }
    for (size_t i = 0; i < n; i++) {
        fo[i].rank = (long)i + (long)n;
        if (fo[i].number == PARSE_PROLOGUE)
            fo[i].rank = (long)i;
        else if (fo[i].number >= PARSE_EPILOGUE)
            fo[i].rank = (long)i + 2 * (long)n;
    }
    /* story.ini order wins over everything. */
    if (ini && ini->has_order) {
        size_t dl = strcmp(ini_dir, ".") == 0 ? 0 : strlen(ini_dir) + 1;
        for (size_t k = 0; k < ini->n_order; k++) {
            const char *want = ini->order[k];
            long hit = -1;
            for (size_t i = 0; i < n && hit < 0; i++)
                if (strcmp(b->files[fo[i].file].relpath + dl, want) == 0)
                    hit = (long)i;
            for (size_t i = 0; i < n && hit < 0; i++)
                if (strcmp(base_name(b->files[fo[i].file].relpath), want) == 0)
                    hit = (long)i;
            if (hit < 0) {
                build_note(b, "%s%sstory.ini: order names '%s', which is not a text file here",
                     dl ? ini_dir : "", dl ? "/" : "", want);
                continue;
            }
            if (fo[hit].rank < 0)
                continue;   /* listed twice: the first place counts */
            fo[hit].rank = -(long)(ini->n_order - k) - 1;
        }
        for (size_t i = 0; i < n; i++)
            if (fo[i].rank >= 0)
                build_note(b, "%s: not in its story.ini order; placed after the listed files",
                     b->files[fo[i].file].relpath);
    }
    qsort(fo, n, sizeof *fo, cmp_rank);
    for (size_t i = 0; i < n; i++)
        fo[i].rank = (long)i;
}

/* Ordering of editions: richest first, then an EPUB or HTML edition (its
 * converter knows the verse, breaks and notes a TXT leaves to guessing),
 * then larger, then by path. */
static int cmp_edition(const void *p, const void *q)
{
    const struct edition *x = p, *y = q;
    if (x->richness != y->richness)
        return x->richness > y->richness ? -1 : 1;
    bool ex = x->src->fmt != EBOOK_NONE, ey = y->src->fmt != EBOOK_NONE;
    if (ex != ey)
        return ex ? -1 : 1;
    size_t lx = x->end - x->start, ly = y->end - y->start;
    if (lx != ly)
        return lx > ly ? -1 : 1;
    int c = natcmp(x->relpath, y->relpath);
    if (c)
        return c;
    c = strcmp(x->relpath, y->relpath);
    if (c)
        return c;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* One chapter of the merged order: an edition cluster and the heading
 * number of the piece that placed it (PARSE_NO_NUMBER when it had none). */
struct cpos {
    int rep;        /* cluster representative piece */
    int number;
};

/* A chapter new to the merged order, met in the file being merged: it goes
 * before cp[gap] (at the end when gap == nc), after the file's earlier new
 * chapters of the same gap (seq: its place in the file). */
struct cnew {
    int rep, number;
    size_t gap, seq;
};

static int cmp_cnew(const void *p, const void *q)
{
    const struct cnew *x = p, *y = q;
    if (x->gap != y->gap)
        return x->gap < y->gap ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The piece whose edition is ed (same file, same start). */
static const struct piece *piece_of(struct build *b, int rep, const struct edition *ed)
{
    for (int x = rep; x >= 0; x = b->pc[x].next)
        if (b->files[b->pc[x].file].src == ed->src && b->pc[x].start == ed->start)
            return &b->pc[x];
    return &b->pc[rep];
}


/* Step 1: the files of group g in reading order (fo[i].rank == i); *ini
 * and *ini_idx its story.ini, if any. */
static struct forder *story_files(struct build *b, int g, const int *files, size_t nf,
                                  const struct ini **ini, int *ini_idx)
{
    struct forder *fo = xmalloc((nf ? nf : 1) * sizeof *fo);
    for (size_t i = 0; i < nf; i++)
        fo[i] = (struct forder){files[i], 0, PARSE_NO_NUMBER, -1};
    *ini_idx = b->groups[g].ini;
    *ini = *ini_idx >= 0 ? &b->ini[*ini_idx] : NULL;
    const char *ini_dir = *ini_idx >= 0 ? b->scan.ini[*ini_idx].dir : ".";
    order_files(b, fo, nf, *ini, ini_dir);
    return fo;
}

/* Step 2, one file merged into the order cp[0..*nc): its chapters not yet
 * in it (new) go where the file puts them among the chapters it shares
 * with the order (anchors): between the anchors before and after them in
 * the file, ahead of any chapter of that stretch with a greater heading
 * number (when both have one), else at the stretch's end; before the
 * file's first anchor when none comes before them; at the order's end when
 * the file shares no chapter.  b->slot[rep] is rep's index in the order
 * (-1: not in it); new chapters are marked -2 while the file is read. */
static struct cpos *merge_file(struct build *b, const struct lfile *f, struct cpos *cp,
                               size_t *nc_io)
{
    size_t nc = *nc_io, n_new = 0, n_anchor = 0;
    for (int k = 0; k < f->n_pc; k++) {
        int rep = b->pc[f->first_piece + k].cluster;
        if (b->slot[rep] >= 0) {
            n_anchor++;
        } else if (b->slot[rep] == -1) {
            b->slot[rep] = -2;
            n_new++;
        }
    }
    if (!n_new)
        return cp;
    cp = xreallocarray(cp, nc + n_new, sizeof *cp);
    if (!n_anchor) {    /* a file of its own chapters: after the order's */
        for (int k = 0; k < f->n_pc; k++) {
            const struct piece *pc = &b->pc[f->first_piece + k];
            if (b->slot[pc->cluster] == -2) {
                b->slot[pc->cluster] = (int)nc;
                cp[nc++] = (struct cpos){pc->cluster, pc->number};
            }
        }
        *nc_io = nc;
        return cp;
    }
    /* next[k]: the index in the order of the file's first anchor at or
     * after piece k, nc when none */
    size_t *next = xmalloc(((size_t)f->n_pc + 1) * sizeof *next);
    next[f->n_pc] = nc;
    for (int k = f->n_pc - 1; k >= 0; k--) {
        int j = b->slot[b->pc[f->first_piece + k].cluster];
        next[k] = j >= 0 ? (size_t)j : next[k + 1];
    }
    struct cnew *nw = xmalloc(n_new * sizeof *nw);
    size_t m = 0, lo = 0;           /* lo: where the file's stretch begins */
    bool sorted = true;
    for (int k = 0; k < f->n_pc; k++) {
        const struct piece *pc = &b->pc[f->first_piece + k];
        int j = b->slot[pc->cluster];
        if (j >= 0) {
            lo = (size_t)j + 1;
            continue;
        }
        if (j != -2)
            continue;               /* met earlier in this file */
        b->slot[pc->cluster] = -3;
        size_t hi = next[k + 1] >= lo ? next[k + 1] : lo;
        size_t gap = hi;
        if (pc->number != PARSE_NO_NUMBER)
            for (size_t i = lo; i < hi; i++)
                if (cp[i].number != PARSE_NO_NUMBER && cp[i].number > pc->number) {
                    gap = i;
                    break;
                }
        if (m && gap < nw[m - 1].gap)
            sorted = false;
        nw[m] = (struct cnew){pc->cluster, pc->number, gap, m};
        m++;
        lo = gap;
    }
    free(next);
    if (!sorted)
        qsort(nw, m, sizeof *nw, cmp_cnew);
    /* merge from the back, in place */
    size_t i = nc, w = nc + m;
    while (m) {
        if (i > nw[m - 1].gap) {
            cp[--w] = cp[--i];
        } else {
            m--;
            cp[--w] = (struct cpos){nw[m].rep, nw[m].number};
        }
    }
    nc += n_new;
    for (size_t c = w; c < nc; c++)
        b->slot[cp[c].rep] = (int)c;
    free(nw);
    *nc_io = nc;
    return cp;
}

/* Step 2: the chapters in reading order, *nc of them: the edition
 * clusters of the files, merged file by file in reading order
 * (merge_file), so a chapter one edition lacks takes its place among the
 * chapters the editions share. */
static struct cpos *story_chapters(struct build *b, const struct forder *fo, size_t nf,
                                   size_t *nc_out)
{
    struct cpos *cp = NULL;
    size_t nc = 0;
    for (size_t i = 0; i < nf; i++)
        cp = merge_file(b, &b->files[fo[i].file], cp, &nc);
    for (size_t c = 0; c < nc; c++)
        b->slot[cp[c].rep] = -1;
    *nc_out = nc;
    return cp;
}

/* Step 3: chapter key: the lead most editions of cluster rep share (ties:
 * the smallest key); *lead set to the piece it came from. */
static void chapter_key(const struct build *b, int rep, char key[17], const struct piece **lead)
{
    char best[17] = "";
    size_t best_votes = 0;
    for (int x = rep; x >= 0; x = b->pc[x].next) {
        char k[17];
        hex16(fnv1a(FNV_OFFSET, b->pc[x].lead, b->pc[x].lead_len), k);
        size_t votes = 0;
        for (int y = rep; y >= 0; y = b->pc[y].next)
            if (b->pc[y].lead_len == b->pc[x].lead_len &&
                memcmp(b->pc[y].lead, b->pc[x].lead, b->pc[x].lead_len) == 0)
                votes++;
        if (votes > best_votes || (votes == best_votes && strcmp(k, best) < 0)) {
            best_votes = votes;
            *lead = &b->pc[x];
            memcpy(best, k, sizeof best);
        }
    }
    memcpy(key, best, 17);
}

/* Step 3: chapter c (cluster rep): its editions (richest first), title,
 * number, words and key; *lead the piece its key came from. */
static void chapter_fill(struct build *b, struct chapter *ch, int rep, size_t c,
                         const struct piece **lead)
{
    ch->n_ed = b->pc[rep].cluster_size;
    ch->ed = xcalloc(ch->n_ed, sizeof *ch->ed);
    size_t e = 0;
    for (int x = rep; x >= 0 && e < ch->n_ed; x = b->pc[x].next, e++) {
        const struct piece *p = &b->pc[x];
        const struct lfile *f = &b->files[p->file];
        ch->ed[e] = (struct edition){
            .src = f->src, .relpath = xstrdup(f->relpath),
            .start = p->start, .end = p->end, .front_end = p->front_end,
            .body = p->body, .back = p->back, .title_end = p->title_end,
            .richness = p->richness,
        };
    }
    ch->n_ed = e;
    qsort(ch->ed, ch->n_ed, sizeof *ch->ed, cmp_edition);
    const struct piece *pref = piece_of(b, rep, &ch->ed[0]);
    const char *title = pref->title;
    for (int x = rep; !title && x >= 0; x = b->pc[x].next)
        title = b->pc[x].title;
    ch->title = title ? xstrdup(title) : xasprintf("Chapter %zu", c + 1);
    ch->number = pref->number;
    ch->words = pref->words;
    chapter_key(b, rep, ch->key, lead);
}

/* Step 4: title, author and folder.  Title and author: story.ini's, else
 * the form most files announce (ties: the first in reading order), else
 * the folder's or the first file's name.  Returns whether the title was
 * taken from a file or folder name. */
static bool story_names(struct build *b, struct story *s, const struct forder *fo, size_t nf,
                        const struct ini *ini, int ini_idx)
{
    const struct lfile *first = NULL, *first_author = NULL;
    size_t best_t = 0, best_a = 0;
    for (size_t i = 0; i < nf; i++) {
        const struct lfile *f = &b->files[fo[i].file];
        size_t vt = 0, va = 0;
        for (size_t j = 0; j < nf; j++) {
            const struct lfile *o = &b->files[fo[j].file];
            if (f->title && o->title && strcmp(f->title, o->title) == 0)
                vt++;
            if (f->author && o->author && strcmp(f->author, o->author) == 0)
                va++;
        }
        if (vt > best_t) {
            best_t = vt;
            first = f;
        }
        if (va > best_a) {
            best_a = va;
            first_author = f;
        }
    }
    bool named_by_file = false;
    size_t nc = s->n_ch;
    if (ini && ini->title && *ini->title) {
        s->title = xstrdup(ini->title);
    } else if (first) {
        s->title = xstrdup(first->title);
    } else if (ini) {
        const char *dir = b->scan.ini[ini_idx].dir;
        s->title = strcmp(dir, ".") == 0 ? name_of_file(b->lib->root) : xstrdup(base_name(dir));
        named_by_file = true;
    } else {
        s->title = nc ? name_of_file(s->ch[0].ed[0].relpath) : xstrdup("?");
        named_by_file = true;
    }
    if (!*s->title) {
        free(s->title);
        s->title = xstrdup("(untitled)");
    }
    if (ini && ini->author)
        s->author = xstrdup(ini->author);
    else if (first_author)
        s->author = xstrdup(first_author->author);
    else
        s->author = xstrdup("");
    if (ini)
        s->dir = xstrdup(b->scan.ini[ini_idx].dir);
    else
        s->dir = nc ? dir_of(s->ch[0].ed[0].relpath) : xstrdup(".");
    return named_by_file;
}

/* Step 4b: what the story says of itself: the metadata of its first file
 * (in reading order) that has any; story.ini's `series =` and
 * `series_index =` win. */
static void story_meta(const struct build *b, struct story *s, const struct forder *fo,
                       size_t nf, const struct ini *ini)
{
    for (size_t i = 0; i < nf; i++) {
        const struct lfile *f = &b->files[fo[i].file];
        if (!parse_meta_empty(&f->meta)) {
            parse_meta_copy(&s->meta, &f->meta);
            break;
        }
    }
    if (ini && ini->series) {
        free(s->meta.series);
        s->meta.series = xstrdup(ini->series);
        s->meta.series_index = 0;   /* the file's place was in its series */
    }
    if (ini && ini->series_index > 0)
        s->meta.series_index = ini->series_index;
}

/* Step 5: identity (story.h, docs/FORMATS.md "Story ids"): the id from the
 * title and author as the text (or story.ini) gives them — never a file
 * name — and, for a story without a title of its own, the opening of its
 * first chapter; the aliases from the first rule (title, author and the
 * opening of chapter k) for its first chapters, so that records saved
 * before a chapter was added in front, or the files reordered, are found.
 * leads[c] is the lead chapter c's key came from (NULL: none); *first_rule
 * set to the first rule's id with chapter 1 (for ids two stories share). */
static void id_of(const char *nt, const char *na, const struct piece *lead, bool with_lead,
                  char out[17])
{
    uint64_t h = fnv1a(FNV_OFFSET, nt, strlen(nt) + 1);
    h = fnv1a(h, na, strlen(na) + 1);
    if (with_lead && lead)
        h = fnv1a(h, lead->lead, lead->lead_len);
    hex16(h, out);
}

static void story_identity(struct story *s, bool named_by_file, const struct piece *const *leads,
                           size_t n_leads, char first_rule[17])
{
    char *nt = named_by_file ? xstrdup("") : norm_string(s->title);
    char *na = norm_string(s->author);
    id_of(nt, na, n_leads ? leads[0] : NULL, named_by_file, s->id);
    id_of(nt, na, n_leads ? leads[0] : NULL, true, first_rule);
    s->alias = n_leads ? xcalloc(n_leads, sizeof *s->alias) : NULL;
    s->n_alias = 0;
    for (size_t c = 0; c < n_leads; c++) {
        char a[17];
        id_of(nt, na, leads[c], true, a);
        bool dup = strcmp(a, s->id) == 0;
        for (size_t k = 0; k < s->n_alias && !dup; k++)
            dup = strcmp(s->alias[k], a) == 0;
        if (!dup)
            memcpy(s->alias[s->n_alias++], a, sizeof a);
    }
    if (!s->n_alias) {
        free(s->alias);
        s->alias = NULL;
    }
    free(nt);
    free(na);
}

/* Step 6: notes: chapters with several editions, loose files that joined
 * by their text. */
static void story_notes(struct build *b, const struct story *s, int g, const struct forder *fo,
                        size_t nf, bool named_by_file)
{
    size_t nc = s->n_ch;
    for (size_t c = 0; c < nc; c++) {
        const struct chapter *ch = &s->ch[c];
        if (ch->n_ed < 2)
            continue;
        struct buf others = {0};
        for (size_t i = 1; i < ch->n_ed; i++)
            buf_printf(&others, "%s%s", i > 1 ? ", " : "", ch->ed[i].relpath);
        build_note(b, "%s: chapter %zu has %zu editions: %s (shown), %s", s->title, c + 1,
                   ch->n_ed, ch->ed[0].relpath, others.data);
        buf_free(&others);
    }
    for (size_t i = 0; i < nf; i++) {
        const struct lfile *f = &b->files[fo[i].file];
        if (f->group != g && b->groups[f->group].loose &&
            !(named_by_file && nc && strcmp(f->relpath, s->ch[0].ed[0].relpath) == 0))
            build_note(b, "%s: names no story; its text is a chapter of '%s', so it joins it",
                       f->relpath, s->title);
    }
}

/* Build story s from group g, whose files are files[0..nf), in the steps
 * above. */
static void build_story(struct build *b, int g, const int *files, size_t nf, struct story *s,
                        char first_rule[17])
{
    const struct ini *ini;
    int ini_idx;
    struct forder *fo = story_files(b, g, files, nf, &ini, &ini_idx);
    size_t nc;
    struct cpos *cp = story_chapters(b, fo, nf, &nc);
    s->n_ch = nc;
    s->ch = xcalloc(nc ? nc : 1, sizeof *s->ch);
    const struct piece *leads[STORY_MAX_ALIASES];   /* the leads the keys come from */
    size_t n_leads = nc < STORY_MAX_ALIASES ? nc : STORY_MAX_ALIASES;
    for (size_t c = 0; c < nc; c++) {
        const struct piece *lead = NULL;
        chapter_fill(b, &s->ch[c], cp[c].rep, c, &lead);
        if (c < n_leads)
            leads[c] = lead;
    }
    story_sum_bytes(s);
    bool named_by_file = story_names(b, s, fo, nf, ini, ini_idx);
    story_meta(b, s, fo, nf, ini);
    story_identity(s, named_by_file, leads, n_leads, first_rule);
    story_notes(b, s, g, fo, nf, named_by_file);
    free(fo);
    free(cp);
}

struct id_of_story {
    const char *id;
    size_t story;
};

static int cmp_id_of_story(const void *p, const void *q)
{
    const struct id_of_story *x = p, *y = q;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->story > y->story) - (x->story < y->story);
}

/* Two stories of one library with one id (two story.ini folders naming
 * the same title and author, say): each takes the first rule's id (with
 * the opening of its first chapter), so their records stay apart. */
static void ids_apart(struct library *lib, char (*first_rule)[17])
{
    size_t n = lib->n_stories;
    struct id_of_story *v = xmalloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (struct id_of_story){lib->stories[i].id, i};
    qsort(v, n, sizeof *v, cmp_id_of_story);
    bool *shared = xcalloc(n ? n : 1, sizeof *shared);
    for (size_t i = 1; i < n; i++)
        if (strcmp(v[i].id, v[i - 1].id) == 0)
            shared[v[i].story] = shared[v[i - 1].story] = true;
    for (size_t i = 0; i < n; i++) {
        struct story *s = &lib->stories[i];
        if (!shared[i] || strcmp(s->id, first_rule[i]) == 0)
            continue;
        memcpy(s->id, first_rule[i], 17);
        size_t k = 0;
        for (size_t j = 0; j < s->n_alias; j++)
            if (strcmp(s->alias[j], s->id) != 0)
                memmove(s->alias[k++], s->alias[j], 17);
        s->n_alias = k;
    }
    free(shared);
    free(v);
}

static int cmp_story(const void *p, const void *q)
{
    const struct story *x = p, *y = q;
    int c = natcmp(x->title, y->title);
    if (!c)
        c = strcmp(x->title, y->title);
    if (!c)
        c = natcmp(x->author, y->author);
    if (!c)
        c = strcmp(x->id, y->id);
    if (!c)
        c = strcmp(x->dir, y->dir);
    return c;
}

/* Stories of the groups [g0, g1) (files bucket[count[g], count[g + 1])
 * each; an empty group is none) into lib->stories from index s on. */
static void build_stories(struct build *b, const size_t *count, const int *bucket, size_t g0,
                          size_t g1, size_t s, char (*first_rule)[17])
{
    for (size_t g = g0; g < g1; g++)
        if (count[g + 1] > count[g]) {
            build_story(b, (int)g, bucket + count[g], count[g + 1] - count[g],
                        &b->lib->stories[s], first_rule[s]);
            s++;
        }
}

/* The later groups' stories, built on a thread of their own: a copy of
 * the build whose notes go to a list of its own (added after the earlier
 * groups' notes, so in the one-thread order).  Nothing else is shared
 * but read: a story's chapters are edition clusters of its own files
 * (editions never join pieces of two final groups), so b->slot's entries
 * are each one story's, and sort_ctx is per thread. */
struct later_half {
    struct build b;
    const size_t *count;
    const int *bucket;
    size_t g0, g1, s;
    char (*first_rule)[17];
    char **notes;
    size_t n_notes, cap_notes;
};

static void *later_half_run(void *arg)
{
    struct later_half *h = arg;
    build_stories(&h->b, h->count, h->bucket, h->g0, h->g1, h->s, h->first_rule);
    return NULL;
}

void assemble_stories(struct build *b)
{
    struct library *lib = b->lib;
    /* files bucketed by their final group (counting sort, file order kept) */
    size_t *count = xcalloc(b->n_groups + 1, sizeof *count);
    int *bucket = xmalloc((b->n_files ? b->n_files : 1) * sizeof *bucket);
    for (size_t i = 0; i < b->n_files; i++)
        count[group_find(b, b->files[i].group) + 1]++;
    size_t ns = 0;
    for (size_t g = 0; g < b->n_groups; g++) {
        ns += count[g + 1] > 0;
        count[g + 1] += count[g];
    }
    size_t *fill = xmalloc((b->n_groups + 1) * sizeof *fill);
    memcpy(fill, count, (b->n_groups + 1) * sizeof *fill);
    for (size_t i = 0; i < b->n_files; i++)
        bucket[fill[group_find(b, b->files[i].group)]++] = (int)i;
    b->slot = xmalloc((b->n_pc ? b->n_pc : 1) * sizeof *b->slot);
    for (size_t i = 0; i < b->n_pc; i++)
        b->slot[i] = -1;
    lib->stories = xcalloc(ns ? ns : 1, sizeof *lib->stories);
    char (*first_rule)[17] = xcalloc(ns ? ns : 1, sizeof *first_rule);
    /* Two threads when there are enough stories: the groups split where
     * half the files are, the later half on a thread of its own. */
    size_t gmid = b->n_groups, smid = ns;
    if (b->threads > 1 && b->spawn && ns >= 16) {
        gmid = 0;
        smid = 0;
        for (; gmid < b->n_groups && count[gmid] < b->n_files / 2; gmid++)
            smid += count[gmid + 1] > count[gmid];
    }
    struct later_half h = {.b = *b, .count = count, .bucket = bucket, .g0 = gmid,
                           .g1 = b->n_groups, .s = smid, .first_rule = first_rule};
    h.b.diag = diag_list(&h.notes, &h.n_notes, &h.cap_notes);
    pthread_t t;
    bool threaded = gmid < b->n_groups && b->spawn && b->spawn(&t, later_half_run, &h);
    build_stories(b, count, bucket, 0, gmid, 0, first_rule);
    if (threaded)
        pthread_join(t, NULL);
    else
        later_half_run(&h);
    for (size_t k = 0; k < h.n_notes; k++) {
        build_note(b, "%s", h.notes[k]);
        free(h.notes[k]);
    }
    free(h.notes);
    lib->n_stories = ns;
    ids_apart(lib, first_rule);
    free(first_rule);
    free(count);
    free(fill);
    free(bucket);
    qsort(lib->stories, lib->n_stories, sizeof *lib->stories, cmp_story);

    /* story.ini folders that hold no text */
    bool *used = xcalloc(b->scan.n_ini + 1, sizeof *used);
    for (size_t f = 0; f < b->n_files; f++)
        if (b->files[f].ini >= 0)
            used[b->files[f].ini] = true;
    for (size_t i = 0; i < b->scan.n_ini; i++)
        if (!used[i])
            build_note(b, "%s: a story.ini folder without text files", b->scan.ini[i].dir);
    free(used);
}
