/* gencorpus — large, deterministic inputs for scripts/bench.sh.
 *
 *   gencorpus serial MB OUT NOVEL...
 *       one file of about MB megabytes: a line "The Long Serial by Bench
 *       Author", then chapters "Chapter N" (about 6-14 KB each) of paragraphs
 *       drawn from the novels.  Marker words for the timing harness:
 *         Ossingtonmoor   in the first paragraph (first screen)
 *         "velvet quasar lantern" ... Zanzibarine   a phrase near the end
 *                         (search), on one source line
 *         Quembertonia    in the last paragraph (end of the story)
 *         Meridianholt    short paragraphs around the middle of the bytes
 *                         (50%: a place reopened, less +50p)
 *         Ultimabrook     the same around 99% of the bytes (less +99p): the
 *                         file ends where 99% falls in their middle
 *   gencorpus library DIR STORIES CHAPTERS NOVEL...
 *       STORIES x CHAPTERS files under DIR/<a..t>/, each announcing
 *       "Title by Author" and one "Chapter K" heading, 1-7 KB of text.
 *
 *   gencorpus patho KIND OUT
 *       one megabyte of input that once made a pass quadratic (issues 14
 *       and 17): KIND is breaks (`***` lines), blanks (blank lines),
 *       headings ("Chapter N" lines), onechar (one-letter lines), emphasis
 *       (`*a *a … a* a*`, one paragraph) or underscores (the same with `_`).
 *
 * NOVELS are UTF-8 Project Gutenberg texts: BOM, CR and the Gutenberg
 * header/licence are stripped; paragraphs that look like headings are
 * dropped so the only chapter headings are the generated ones.  The same
 * arguments always give the same bytes (a fixed xorshift generator). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;
static unsigned long long next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static size_t rand_in(size_t lo, size_t hi) { return lo + (size_t)(next_rand() % (hi - lo + 1)); }

static char **para;
static size_t *para_len;
static size_t n_para, cap_para;

static void die(const char *what)
{
    fprintf(stderr, "gencorpus: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int looks_like_heading(const char *p, size_t n)
{
    static const char *const words[] = {"CHAPTER", "Chapter", "BOOK", "Book", "LETTER", "Letter",
                                        "PART", "Part ", "VOLUME", "STAVE", "ADVENTURE", "EPILOGUE",
                                        "Epilogue", "PROLOGUE", "Prologue", "CONTENTS", "Contents", NULL};
    while (n && isspace((unsigned char)*p))
        p++, n--;
    for (int i = 0; words[i]; i++)
        if (n >= strlen(words[i]) && memcmp(p, words[i], strlen(words[i])) == 0)
            return 1;
    /* short lines without lower-case letters: titles, roman numerals */
    const char *nl = memchr(p, '\n', n);
    size_t first = nl ? (size_t)(nl - p) : n;
    if (first < 60) {
        int lower = 0;
        for (size_t i = 0; i < first; i++)
            if (islower((unsigned char)p[i]))
                lower = 1;
        if (!lower)
            return 1;
    }
    return n < 40;
}

static void add_para(const char *p, size_t n)
{
    while (n && (p[n - 1] == '\n' || p[n - 1] == ' '))
        n--;
    if (looks_like_heading(p, n) || memmem(p, n, "Gutenberg", 9))
        return;
    if (n_para == cap_para) {
        cap_para = cap_para ? cap_para * 2 : 4096;
        para = realloc(para, cap_para * sizeof *para);
        para_len = realloc(para_len, cap_para * sizeof *para_len);
        if (!para || !para_len)
            die("realloc");
    }
    para[n_para] = malloc(n);
    if (!para[n_para])
        die("malloc");
    memcpy(para[n_para], p, n);
    para_len[n_para++] = n;
}

static void load_novel(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die(path);
    char *t = NULL;
    size_t len = 0, cap = 0;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + got > cap) {
            cap = (len + got) * 2;
            t = realloc(t, cap);
            if (!t)
                die("realloc");
        }
        memcpy(t + len, chunk, got);
        len += got;
    }
    fclose(f);
    /* strip CR, BOM */
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        if (t[i] != '\r')
            t[w++] = t[i];
    len = w;
    size_t s = 0, e = len;
    if (len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0)
        s = 3;
    char *start = memmem(t, len, "*** START OF", 12);
    if (start) {
        char *nl = memchr(start, '\n', len - (size_t)(start - t));
        if (nl)
            s = (size_t)(nl - t) + 1;
    }
    static const char *const ends[] = {"*** END OF", "End of the Project Gutenberg",
                                       "End of Project Gutenberg", "END OF THE PROJECT GUTENBERG",
                                       "END OF THIS PROJECT GUTENBERG", NULL};
    for (int k = 0; ends[k]; k++) {
        char *end = memmem(t + s, e - s, ends[k], strlen(ends[k]));
        if (end)
            e = (size_t)(end - t);
    }
    /* paragraphs: runs of non-blank lines */
    size_t i = s;
    while (i < e) {
        while (i < e && isspace((unsigned char)t[i]))
            i++;
        size_t ps = i;
        while (i < e) {
            char *nl = memchr(t + i, '\n', e - i);
            size_t le = nl ? (size_t)(nl - t) : e;
            int blank = 1;
            for (size_t k = i; k < le; k++)
                if (!isspace((unsigned char)t[k]))
                    blank = 0;
            if (blank)
                break;
            i = le < e ? le + 1 : e;
        }
        if (i > ps)
            add_para(t + ps, i - ps);
    }
    free(t);
}

static void put(FILE *f, const char *s, size_t n)
{
    if (fwrite(s, 1, n, f) != n)
        die("write");
}

/* Paragraphs for one chapter of about `want` bytes, from a random place. */
static size_t write_text(FILE *f, size_t want)
{
    size_t idx = (size_t)(next_rand() % n_para), done = 0;
    while (done < want) {
        put(f, para[idx], para_len[idx]);
        put(f, "\n\n", 2);
        done += para_len[idx] + 2;
        idx = (idx + rand_in(1, 3)) % n_para;
    }
    return done;
}

/* A run of short paragraphs holding `word`, about 15 KB, written where a
 * chapter's text crosses `at` bytes: whatever a reader or less shows of
 * the region around that place holds the word. */
static size_t write_marks(FILE *f, const char *word)
{
    size_t done = 0;
    for (int i = 0; i < 400; i++) {
        char p[96];
        int n = snprintf(p, sizeof p, "%s stood by the gate, %d.\n\n", word, i + 1);
        put(f, p, (size_t)n);
        done += (size_t)n;
    }
    return done;
}

/* The serial's last chapter, about `want` bytes of text around the search
 * phrase, then the closing paragraph. */
static size_t write_last(FILE *f, size_t want)
{
    static const char tail_para[] =
        "At the harbour the old keeper said the words velvet quasar lantern,\n"
        "and Zanzibarine laughed until the tide came in.\n\n";
    static const char last_para[] = "So ends the tale, as they say in Quembertonia.\n";
    size_t half = want / 2, done = write_text(f, half);
    put(f, tail_para, sizeof tail_para - 1);
    done += sizeof tail_para - 1 + write_text(f, want > half ? want - half : 1);
    put(f, last_para, sizeof last_para - 1);
    return done + sizeof last_para - 1;
}

static int serial(double mb, const char *out)
{
    FILE *f = fopen(out, "wb");
    if (!f)
        die(out);
    size_t target = (size_t)(mb * 1024 * 1024), done = 0;
    /* The size aimed at: until the 99% marks are written, target; then the
     * size that puts 99% in the middle of the marks (a chapter's random
     * length after them would move 99% past them at 1 MB, where 1% is
     * shorter than the marks' run). */
    size_t end = target;
    const size_t last_min = 400;   /* a last chapter's text and closing lines, at least */
    const char *head = "The Long Serial by Bench Author\n\n";
    put(f, head, strlen(head));
    done += strlen(head);
    for (int ch = 1;; ch++) {   /* the last chapter always comes (and breaks) */
        char h[64];
        int hn = snprintf(h, sizeof h, "Chapter %d\n\n", ch);
        put(f, h, (size_t)hn);
        done += (size_t)hn;
        if (ch == 1) {
            const char *first = "Ossingtonmoor was quiet that morning.\n\n";
            put(f, first, strlen(first));
            done += strlen(first);
        }
        size_t want = rand_in(6000, 14000);
        if (done + want + 200 >= end) {       /* the last chapter */
            if (end != target)                /* after the 99% marks: end where aimed */
                want = end > done + last_min ? end - done - 200 : last_min;
            done += write_last(f, want);
            break;
        }
        /* the marks for 50% and 99%, centred on their place */
        size_t at50 = (target + 8000) / 2, at99 = (target + 8000) / 100 * 99;   /* the file ends some 8 KB past target */
        if (done + want + 6000 >= at50 && done + 6000 < at50 + want) {
            size_t before = at50 > done + 6000 ? at50 - done - 6000 : 0;
            done += write_text(f, before);
            done += write_marks(f, "Meridianholt");
            done += write_text(f, want > before ? want - before : 1);
        } else if (end == target && done + want + 6000 >= at99 && done + 6000 < at99 + want) {
            size_t before = at99 > done + 6000 ? at99 - done - 6000 : 0;
            done += write_text(f, before);
            size_t marks = write_marks(f, "Ultimabrook");
            done += marks;
            end = (done - marks / 2) * 100 / 99;
            size_t rest = want > before ? want - before : 1;
            if (done + rest + 200 + last_min >= end) {   /* 1% is short: this chapter is the last */
                done += write_last(f, end > done + last_min ? end - done - 200 : last_min);
                break;
            }
            done += write_text(f, rest);
        } else {
            done += write_text(f, want);
        }
    }
    if (fclose(f) != 0)
        die(out);
    return 0;
}

static const char *const adj[40] = {
    "Amber", "Silent", "Hollow", "Crimson", "Gilded", "Distant", "Broken", "Quiet",
    "Burning", "Frozen", "Hidden", "Last", "Lonely", "Midnight", "Northern", "Pale",
    "Restless", "Scarlet", "Secret", "Shattered", "Silver", "Sleeping", "Stolen", "Sunken",
    "Tangled", "Twilight", "Velvet", "Wandering", "Wild", "Winter", "Wicked", "Ashen",
    "Bitter", "Copper", "Drowned", "Emerald", "Fading", "Golden", "Iron", "Jade"};
static const char *const noun[50] = {
    "Harbour", "Crown", "Garden", "Lantern", "Mirror", "River", "Tower", "Orchard",
    "Letter", "Bridge", "Forest", "Island", "Kingdom", "Meadow", "Ocean", "Promise",
    "Road", "Shadow", "Song", "Star", "Storm", "Tide", "Valley", "Voice",
    "Winter", "Wolf", "Ember", "Feather", "Gate", "Heart", "Hearth", "Key",
    "Knight", "Lake", "Moon", "Oath", "Path", "Queen", "Rose", "Sea",
    "Sparrow", "Thorn", "Throne", "Veil", "Wall", "Well", "Wind", "Wing", "Chain", "Cloak"};
static const char *const first_name[20] = {
    "Ada", "Bram", "Cleo", "Dorian", "Elin", "Farah", "Gideon", "Hana", "Ivo", "Juno",
    "Kit", "Lior", "Mira", "Nico", "Oona", "Pax", "Quinn", "Rhea", "Soren", "Tamsin"};
static const char *const last_name[20] = {
    "Ashdown", "Blackwood", "Carrow", "Delacour", "Evers", "Fairweather", "Greaves",
    "Hawthorne", "Ingram", "Jessop", "Kestrel", "Lockhart", "Marlow", "Northcott",
    "Oakes", "Penhallow", "Quarry", "Ravensworth", "Sallow", "Thackeray"};

static int library(const char *dir, int stories, int chapters)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die(dir);
    for (int s = 0; s < stories; s++) {
        int a = s % 40, n = (s / 40) % 50;
        char title[128], author[96], sub[4096], path[4096 + 128];
        if (s < 2000)
            snprintf(title, sizeof title, "The %s %s", adj[a], noun[n]);
        else
            snprintf(title, sizeof title, "The %s %s %d", adj[a], noun[n], s / 2000 + 1);
        snprintf(author, sizeof author, "%s %s", first_name[(s * 7) % 20], last_name[(s * 3 + s / 20) % 20]);
        snprintf(sub, sizeof sub, "%s/%c", dir, 'a' + s % 20);
        if (mkdir(sub, 0755) != 0 && errno != EEXIST)
            die(sub);
        for (int c = 1; c <= chapters; c++) {
            snprintf(path, sizeof path, "%s/%s-%s-%d_ch%d.txt", sub, adj[a], noun[n], s, c);
            FILE *f = fopen(path, "wb");
            if (!f)
                die(path);
            fprintf(f, "%s by %s\n\nChapter %d\n\n", title, author, c);
            write_text(f, rand_in(1000, 7000));
            if (fclose(f) != 0)
                die(path);
        }
    }
    return 0;
}

/* One megabyte of KIND (see the top of the file) into out. */
static int patho(const char *kind, const char *out)
{
    const size_t mb = 1u << 20;
    FILE *f = fopen(out, "wb");
    if (!f)
        die(out);
    size_t n = 0;
    if (strcmp(kind, "breaks") == 0) {
        for (; n < mb; n += 4)
            fputs("***\n", f);
    } else if (strcmp(kind, "blanks") == 0) {
        fputs("Text.\n", f);
        for (n = 6; n < mb - 6; n++)
            fputc('\n', f);
        fputs("Text.\n", f);
    } else if (strcmp(kind, "headings") == 0) {
        for (int i = 1; n < mb; i++)
            n += (size_t)fprintf(f, "Chapter %d\n\n", i);
    } else if (strcmp(kind, "onechar") == 0) {
        for (; n < mb; n += 2)
            fputs("a\n", f);
    } else if (strcmp(kind, "emphasis") == 0 || strcmp(kind, "underscores") == 0) {
        const char *open = kind[0] == 'e' ? "*a " : "_a ", *close = kind[0] == 'e' ? " a*" : " a_";
        for (; n < mb / 2; n += 3)
            fputs(open, f);
        for (; n < mb; n += 3)
            fputs(close, f);
    } else {
        fprintf(stderr, "gencorpus: no such kind: %s\n", kind);
        fclose(f);
        return 2;
    }
    if (fclose(f) != 0)
        die(out);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "patho") == 0)
        return patho(argv[2], argv[3]);
    if (argc >= 5 && strcmp(argv[1], "serial") == 0) {
        for (int i = 4; i < argc; i++)
            load_novel(argv[i]);
        if (n_para < 100) {
            fprintf(stderr, "gencorpus: too little text in the novels\n");
            return 1;
        }
        return serial(atof(argv[2]), argv[3]);
    }
    if (argc >= 6 && strcmp(argv[1], "library") == 0) {
        for (int i = 5; i < argc; i++)
            load_novel(argv[i]);
        if (n_para < 100) {
            fprintf(stderr, "gencorpus: too little text in the novels\n");
            return 1;
        }
        return library(argv[2], atoi(argv[3]), atoi(argv[4]));
    }
    fprintf(stderr, "usage: gencorpus serial MB OUT NOVEL...\n"
                    "       gencorpus library DIR STORIES CHAPTERS NOVEL...\n"
                    "       gencorpus patho KIND OUT\n");
    return 2;
}
