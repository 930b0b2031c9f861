/* ui_info.c — the info screen (`i`, in the library on the selected story
 * and in the reader): an overlay showing what a story says about itself
 * (title, author, series and part, status, rating, summary, tags, source
 * URL, language, dates), its words and chapters, when it was last read
 * and the time left, and its files and editions.  Every string from the
 * story passes vis.h's escaping before it is drawn; lines are wrapped to
 * the terminal's width as they are drawn, so a resize rewraps them.  q,
 * Esc, Left and the info key itself close it; the menus' keys scroll. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pace.h"
#include "ui_screen.h"
#include "vis.h"

#define LABEL_COLS 12   /* the labels' column, then the values */

/* One entry: a label ("" for a paragraph of its own) and its text, both
 * escaped already; a paragraph is indented and wrapped as prose. */
struct info_item {
    char *label, *text;
    bool para;
};

struct ui_info {
    char *title;
    struct info_item *items;
    size_t n;
    size_t top;            /* the first wrapped line shown */
    size_t lines;          /* wrapped lines at the last draw */
};

/* ---- hooks ------------------------------------------------------------------ */

/* Minutes to read `words` more at the reader's pace (pace.h), and how the
 * pace was found, for the screen (into how[0, size)). */
static double minutes_left(const struct ui *ui, double words, char *how, size_t size)
{
    double wpm = pace_wpm(ui->pace);
    if (ui->pace && ui->pace->n_smp >= PACE_MIN_SAMPLES)
        snprintf(how, size, "at your pace, %.0f words a minute", wpm);
    else
        snprintf(how, size, "at %.0f words a minute, until your pace is known", wpm);
    return pace_time_left(ui->pace, words < 0 ? 0 : (size_t)words);
}

/* The format a file of story s was read as: its source's (an ebook's
 * "EPUB 3 (AO3)", "HTML"), else text in its encoding. */
static const char *file_format(const struct story *s, const char *relpath)
{
    for (size_t c = 0; c < s->n_ch; c++)
        for (size_t e = 0; e < s->ch[c].n_ed; e++) {
            const struct edition *ed = &s->ch[c].ed[e];
            if (strcmp(ed->relpath, relpath) != 0)
                continue;
            if (ed->src->format)
                return ed->src->format;
            return ed->src->enc == ENC_UTF8 || ed->src->enc == ENC_UTF8_BOM
                       ? "text" : decode_encoding_name(ed->src->enc);
        }
    return "text";
}

/* ---- building the entries ---------------------------------------------------- */

static void add_item(struct ui_info *in, const char *label, const char *text, bool para)
{
    in->items = xreallocarray(in->items, in->n + 1, sizeof *in->items);
    in->items[in->n++] = (struct info_item){xstrdup(label), vis_str(text), para};
}

/* An entry, when there is something to say. */
static void add(struct ui_info *in, const char *label, const char *text, bool para)
{
    if (text && *text)
        add_item(in, label, text, para);
}

/* 12,345 */
static void thousands(size_t v, char *buf, size_t size)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%zu", v);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < size; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

static void duration(double minutes, char *buf, size_t size)
{
    long m = (long)(minutes + 0.5);
    if (m < 1)
        snprintf(buf, size, "under a minute");
    else if (m < 60)
        snprintf(buf, size, "%ld min", m);
    else
        snprintf(buf, size, "%ld h %02ld min", m / 60, m % 60);
}

void ui_info_when(time_t when, char *buf, size_t size)
{
    time_t now = time(NULL);
    double d = difftime(now, when);
    if (when == 0)
        snprintf(buf, size, "-");
    else if (d < 60)
        snprintf(buf, size, "just now");
    else if (d < 3600)
        snprintf(buf, size, "%.0f min ago", d / 60);
    else if (d < 86400)
        snprintf(buf, size, "%.0f h ago", d / 3600);
    else if (d < 86400 * 14)
        snprintf(buf, size, "%.0f days ago", d / 86400);
    else {
        struct tm tm;
        localtime_r(&when, &tm);
        strftime(buf, size, "%Y-%m-%d", &tm);
    }
}

/* The files of s in reading order, each once, with the chapters it gives
 * (shown) and the chapters it is another edition of. */
static void add_files(struct ui_info *in, const struct story *s)
{
    size_t nf = 0;
    const char **files = NULL;
    for (size_t c = 0; c < s->n_ch; c++)
        for (size_t e = 0; e < s->ch[c].n_ed; e++) {
            const char *p = s->ch[c].ed[e].relpath;
            size_t k = 0;
            while (k < nf && strcmp(files[k], p) != 0)
                k++;
            if (k == nf) {
                files = xreallocarray(files, nf + 1, sizeof *files);
                files[nf++] = p;
            }
        }
    for (size_t k = 0; k < nf; k++) {
        size_t shown = 0, other = 0;
        for (size_t c = 0; c < s->n_ch; c++)
            for (size_t e = 0; e < s->ch[c].n_ed; e++)
                if (strcmp(s->ch[c].ed[e].relpath, files[k]) == 0) {
                    if (e == 0)
                        shown++;
                    else
                        other++;
                }
        struct buf b = {0};
        buf_printf(&b, "%s (%s", files[k], file_format(s, files[k]));
        if (shown)
            buf_printf(&b, ", %zu %s", shown, shown == 1 ? "chapter" : "chapters");
        if (other)
            buf_printf(&b, ", another edition of %zu %s", other, other == 1 ? "chapter" : "chapters");
        buf_adds(&b, ")");
        add(in, k == 0 ? (nf == 1 ? "File" : "Files") : "", b.data, false);
        buf_free(&b);
    }
    free(files);
}

static void build(struct ui *ui, struct ui_info *in, const struct story *s, double percent)
{
    const struct parse_meta *m = &s->meta;
    char buf[256];
    add(in, "Title", s->title, false);
    add(in, "Author", s->author, false);
    if (m->series && *m->series) {
        struct buf b = {0};
        if (m->series_index > 0)
            buf_printf(&b, "%s, part %g", m->series, m->series_index);
        else
            buf_adds(&b, m->series);
        add(in, "Series", b.data, false);
        buf_free(&b);
    }
    add(in, "Status", m->status, false);
    add(in, "Rating", m->rating, false);
    size_t words = 0;
    for (size_t c = 0; c < s->n_ch; c++)
        words += s->ch[c].words;
    thousands(words, buf, sizeof buf);
    add(in, "Words", buf, false);
    snprintf(buf, sizeof buf, "%zu", s->n_ch);
    add(in, "Chapters", buf, false);

    struct bm_pos pos;
    bool read = ui->bm && bookmarks_get_last(ui->bm, s->id, &pos);
    if (percent >= 0) {   /* open in the reader */
        snprintf(buf, sizeof buf, "now, at %.0f%%", percent);
        add(in, "Last read", buf, false);
    } else if (read) {
        char when[32];
        ui_info_when(pos.when, when, sizeof when);
        snprintf(buf, sizeof buf, "%s, at %.0f%%", when, pos.percent);
        add(in, "Last read", buf, false);
    } else {
        add(in, "Last read", "never", false);
    }
    if (percent < 0)
        percent = read ? pos.percent : 0;
    double left = (double)words * (100 - (percent > 100 ? 100 : percent)) / 100;
    if (left < 1) {
        add(in, "Time left", "none: read to the end", false);
    } else {
        char d[48], how[96];
        duration(minutes_left(ui, left, how, sizeof how), d, sizeof d);
        snprintf(buf, sizeof buf, "%s (%s)", d, how);
        add(in, "Time left", buf, false);
    }
    add(in, "Source", m->source_url, false);
    add(in, "Language", m->language, false);
    add(in, "Published", m->published, false);
    add(in, "Updated", m->updated, false);
    if (m->n_tags) {
        struct buf b = {0};
        for (size_t k = 0; k < m->n_tags; k++)
            buf_printf(&b, "%s%s", k ? ", " : "", m->tags[k]);
        add(in, "Tags", b.data, false);
        buf_free(&b);
    }
    if (m->summary && *m->summary) {
        add_item(in, "Summary", "", false);   /* the paragraphs under it */
        /* paragraphs: split at blank lines before escaping (vis shows a line
         * end as a space) */
        const char *p = m->summary;
        while (*p) {
            const char *e = strstr(p, "\n\n");
            size_t n = e ? (size_t)(e - p) : strlen(p);
            char *para = xstrndup(p, n);
            add(in, "", para, true);
            free(para);
            p += n;
            while (*p == '\n')
                p++;
        }
    }
    add_files(in, s);
}

static void info_free(struct ui_info *in)
{
    if (!in)
        return;
    for (size_t i = 0; i < in->n; i++) {
        free(in->items[i].label);
        free(in->items[i].text);
    }
    free(in->items);
    free(in->title);
    free(in);
}

void ui_info_open(struct ui *ui, const struct story *s, double percent)
{
    if (ui->overlay && ui->overlay->leave)
        ui->overlay->leave(ui);
    struct ui_info *in = xcalloc(1, sizeof *in);
    char kc[32], ki[32];
    ui_keys_hint(UI_CTX_MENU, ACT_CLOSE, 'q', kc, sizeof kc);
    ui_keys_hint(percent >= 0 ? UI_CTX_READER : UI_CTX_LIBRARY, ACT_INFO, 'i', ki, sizeof ki);
    in->title = xasprintf("Story info (%s, Esc or %s closes)", kc, ki);
    build(ui, in, s, percent);
    ui->info = in;
    ui->overlay = &ui_mode_info;
}

/* ---- drawing ------------------------------------------------------------------ */

/* Bytes of the UTF-8 character at s (1 for a bad byte). */
static size_t char_len(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    size_t k = c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    return k <= n ? k : 1;
}

/* The next line of text[0, n) in `cols` columns: its length in bytes
 * (spaces after it are *skip bytes more).  Breaks after the last space
 * that fits, else inside the word. */
static size_t next_line(const char *t, size_t n, int cols, size_t *skip)
{
    size_t i = 0, brk = 0;
    int w = 0;
    *skip = 0;
    while (i < n) {
        size_t k = char_len(t + i, n - i);
        int cw = ui_cols(t + i, k);
        if (w + cw > cols && i > 0)
            break;
        w += cw;
        i += k;
        if (t[i - 1] == ' ')
            brk = i;
    }
    if (i >= n)
        return n;
    size_t end = brk ? brk : i;
    while (end < n && t[end] == ' ')
        end++;
    size_t len = end;
    while (len > 0 && t[len - 1] == ' ')
        len--;
    *skip = end - len;
    return len;
}

/* Walk the wrapped lines; draw those in [top, top + rows) at row first.
 * Returns how many lines there are. */
static size_t lay(struct ui *ui, struct ui_info *in, size_t top, int first, int rows, bool draw)
{
    int x0 = 1 < COLS ? 1 : 0;
    int vx = COLS > LABEL_COLS + 20 ? x0 + LABEL_COLS : x0 + 2;   /* where values start */
    size_t line = 0;
    for (size_t i = 0; i < in->n; i++) {
        const struct info_item *it = &in->items[i];
        bool own_line = vx == x0 + 2 && *it->label;   /* narrow: the label above */
        if (own_line) {
            if (draw && line >= top && line < top + (size_t)rows)
                ui_put(first + (int)(line - top), x0, COLS, it->label, strlen(it->label),
                       ui->a_bold);
            line++;
        }
        int x = it->para ? x0 + 2 : vx;
        int cols = COLS - x - 1 > 8 ? COLS - x - 1 : 8;
        const char *t = it->text;
        size_t n = strlen(t), skip;
        bool first_line = true;
        do {
            size_t len = next_line(t, n, cols, &skip);
            if (draw && line >= top && line < top + (size_t)rows) {
                int y = first + (int)(line - top);
                if (first_line && !own_line && *it->label)
                    ui_put(y, x0, vx - 1, it->label, strlen(it->label), ui->a_bold);
                ui_put(y, x, COLS, t, len, A_NORMAL);
            }
            line++;
            first_line = false;
            t += len + skip;
            n -= len + skip;
        } while (n > 0);
        if (it->para && i + 1 < in->n && in->items[i + 1].para)
            line++;   /* a blank line between paragraphs */
    }
    return line;
}

static void info_draw(struct ui *ui)
{
    struct ui_info *in = ui->info;
    if (!in)
        return;
    int first, rows;
    ui_list_rows(&first, &rows);
    in->lines = lay(ui, in, 0, first, rows, false);
    size_t max_top = in->lines > (size_t)rows ? in->lines - (size_t)rows : 0;
    if (in->top > max_top)
        in->top = max_top;
    if (first)
        ui_put(0, 1 < COLS ? 1 : 0, COLS, in->title, strlen(in->title), ui->a_bold);
    lay(ui, in, in->top, first, rows, true);
    if (LINES >= 2) {
        char right[64], left[300], k1[32], k2[32], k3[32];
        snprintf(right, sizeof right, "%zu/%zu",
                 in->lines ? (in->top + (size_t)rows < in->lines ? in->top + (size_t)rows
                                                                 : in->lines)
                           : 0,
                 in->lines);
        ui_keys_hint(UI_CTX_MENU, ACT_LINE_DOWN, 'j', k1, sizeof k1);
        ui_keys_hint(UI_CTX_MENU, ACT_LINE_UP, 'k', k2, sizeof k2);
        ui_keys_hint(UI_CTX_MENU, ACT_CLOSE, 'q', k3, sizeof k3);
        if (ui->msg[0])
            snprintf(left, sizeof left, "%s", ui->msg);
        else
            snprintf(left, sizeof left, "%s/%s scroll  %s close", k1, k2, k3);
        ui_bottom(ui, LINES - 1, left, right);
    }
}

static void info_leave(struct ui *ui)
{
    info_free(ui->info);
    ui->info = NULL;
    if (ui->overlay == &ui_mode_info)
        ui->overlay = NULL;
}

static void info_key(struct ui *ui, int key)
{
    struct ui_info *in = ui->info;
    int first, rows;
    ui_list_rows(&first, &rows);
    bool info_key = ui_keys_lookup(UI_CTX_LIBRARY, key) == ACT_INFO ||
                    ui_keys_lookup(UI_CTX_READER, key) == ACT_INFO;
    enum ui_action act = ui_keys_lookup(UI_CTX_MENU, key);
    if (info_key || act == ACT_CLOSE || act == ACT_OPEN) {
        info_leave(ui);
        return;
    }
    /* scroll as the help does: the list is the wrapped lines, top the
     * first shown */
    struct ui_list l = {.n = in->lines, .sel = in->top, .top = in->top};
    if (act == ACT_BOTTOM)
        in->top = in->lines;   /* the draw keeps the last page full */
    else if (ui_list_move(&l, act, (size_t)rows, true))
        in->top = l.top;
    else if (act == ACT_REDRAW)
        ui_redraw(ui, act, key);
}

const struct ui_mode ui_mode_info = {
    .name = "info",
    .leave = info_leave,
    .key = info_key,
    .draw = info_draw,
    .covers = true,
};
