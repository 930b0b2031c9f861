/* test_config.c — the config file: defaults, every key, problems reported
 * with their line numbers and never fatal, line ends, ~, key remaps, and the
 * --config-check round trip. */
#include "check.h"
#include "scratch.h"
#include "config.h"
#include "util.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Diagnostics collected in memory. */
static char *diag_text;
static size_t diag_len;

static FILE *diag_open(void)
{
    free(diag_text);
    diag_text = NULL;
    diag_len = 0;
    return open_memstream(&diag_text, &diag_len);
}

/* Load `text` as the file "cfg"; the diagnostics end up in diag_text. */
static int load(struct config *c, const char *text)
{
    FILE *d = diag_open();
    int n = config_load_mem(c, text, strlen(text), "cfg", d);
    fclose(d);
    return n;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

/* config_print, as a malloc'd string. */
static char *printed(const struct config *c)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    config_print(c, f);
    fclose(f);
    return s;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_defaults(const char *tmp)
{
    struct config c;
    config_init(&c);
    CHECK_INT("default width is 72 columns", c.width, 72);
    CHECK("default wrap is optimal", c.wrap == WRAP_OPTIMAL);
    CHECK_STR("default scene break", c.break_glyph, "* * *");
    CHECK_STR("default theme", c.theme, "default");
    CHECK("no library by default", c.library == NULL);
    CHECK_INT("no remaps by default", c.n_remap, 0);
    config_free(&c);

    /* No config file at the XDG place: defaults, no complaint. */
    char *xdg = xasprintf("%s/xdg-empty", tmp);
    setenv("XDG_CONFIG_HOME", xdg, 1);
    FILE *d = diag_open();
    CHECK_INT("a missing default config file is no problem", config_load(&c, NULL, d), 0);
    fclose(d);
    CHECK_INT("and says nothing", (int)diag_len, 0);
    CHECK("nothing read", c.path == NULL);
    CHECK_INT("defaults kept", c.width, 72);
    config_free(&c);

    /* The default place is $XDG_CONFIG_HOME/quire/config. */
    char *dir = xasprintf("%s/quire", xdg);
    char *err = NULL;
    CHECK("make config folder", mkdir_p(dir, &err) == 0);
    char *file = xasprintf("%s/config", dir);
    write_text(file, "width = 66\n");
    d = diag_open();
    CHECK_INT("the XDG config file is read", config_load(&c, NULL, d), 0);
    fclose(d);
    CHECK_INT("its width counts", c.width, 66);
    CHECK_STR("path names the file read", c.path, file);
    config_free(&c);
    CHECK("config_free leaves it zeroed", c.path == NULL && c.theme == NULL);
    config_free(&c);   /* twice is harmless */
    unlink(file);
    rmdir(dir);
    free(file);
    free(dir);
    free(xdg);
    unsetenv("XDG_CONFIG_HOME");
}

static void test_every_key(void)
{
    struct config c;
    setenv("HOME", "/home/reader", 1);
    int n = load(&c, "# a comment\n"
                     "\n"
                     "library = /srv/stories\n"
                     "width = 60\n"
                     "wrap = greedy\n"
                     "scene_break = ⁂\n"
                     "theme = dark\n"
                     "key.next_page = x\n"
                     "key.quit = C-c\n");
    CHECK_INT("a good file has no problems", n, 0);
    CHECK_INT("and prints nothing", (int)diag_len, 0);
    CHECK_STR("library", c.library, "/srv/stories");
    CHECK_INT("width", c.width, 60);
    CHECK("wrap greedy", c.wrap == WRAP_GREEDY);
    CHECK_STR("scene_break keeps UTF-8", c.break_glyph, "⁂");
    CHECK_STR("theme", c.theme, "dark");
    CHECK_INT("two remaps", c.n_remap, 2);
    CHECK_STR("remap 1 action", c.remap[0].action, "next_page");
    CHECK_STR("remap 1 key", c.remap[0].key, "x");
    CHECK_STR("remap 2 action", c.remap[1].action, "quit");
    CHECK_STR("remap 2 key", c.remap[1].key, "C-c");
    config_free(&c);

    const char *themes[] = {"default", "dark", "light", "plain"};
    for (int i = 0; i < 4; i++) {
        char *t = xasprintf("theme = %s\n", themes[i]);
        CHECK_INT("each theme is accepted", load(&c, t), 0);
        CHECK_STR("and kept", c.theme, themes[i]);
        config_free(&c);
        free(t);
    }
    CHECK_INT("wrap optimal", load(&c, "wrap = greedy\nwrap = optimal\n"), 0);
    CHECK("the last setting counts", c.wrap == WRAP_OPTIMAL);
    config_free(&c);
    CHECK_INT("width bounds: 20", load(&c, "width = 20"), 0);
    CHECK_INT("  accepted without a final newline", c.width, 20);
    config_free(&c);
    CHECK_INT("width bounds: 1000", load(&c, "width=1000"), 0);
    CHECK_INT("  accepted without spaces", c.width, 1000);
    config_free(&c);
    CHECK_INT("notes: shown by default", load(&c, ""), 0);
    CHECK("  not folded", !c.notes_folded);
    config_free(&c);
    CHECK_INT("notes = folded", load(&c, "notes = folded\n"), 0);
    CHECK("  folded", c.notes_folded);
    char *pr = printed(&c);
    CHECK("  printed back", pr && strstr(pr, "\nnotes = folded\n"));
    free(pr);
    config_free(&c);
    CHECK_INT("notes = shown after folded", load(&c, "notes = folded\nnotes = shown\n"), 0);
    CHECK("  the last one counts", !c.notes_folded);
    config_free(&c);
    CHECK_INT("notes = sideways is a problem", load(&c, "notes = sideways\n"), 1);
    CHECK("  said so", strstr(diag_text, "cfg:1: notes: 'sideways' is not shown or folded") != NULL);
    CHECK("  the default kept", !c.notes_folded);
    config_free(&c);
}

static void test_bad_values(void)
{
    struct config c;
    int n = load(&c, "width = 72\n"
                     "width = 19\n"
                     "width = 1001\n"
                     "width = 7x\n"
                     "width =\n"
                     "wrap = sideways\n"
                     "theme = neon\n"
                     "scene_break =\n"
                     "scene_break = \"   \"\n"
                     "scene_break = 12345678901234567890123456789012345678901\n"
                     "scene_break = \xff\xfe\n"
                     "library =\n"
                     "width = -5\n"
                     "width = 99999999999999999999\n");
    CHECK_INT("every bad value is one problem", n, 13);
    CHECK_INT("one line each", count_lines(diag_text), 13);
    CHECK("line 2 named", strstr(diag_text, "quire: cfg:2: width: '19'") != NULL);
    CHECK("line 3 named", strstr(diag_text, "quire: cfg:3: width: '1001'") != NULL);
    CHECK("the bounds are said", strstr(diag_text, "from 20 to 1000") != NULL);
    CHECK("line 6 wrap", strstr(diag_text, "cfg:6: wrap: 'sideways' is not optimal or greedy") != NULL);
    CHECK("line 7 theme", strstr(diag_text, "cfg:7: theme: 'neon'") != NULL);
    CHECK("line 8 empty glyph", strstr(diag_text, "cfg:8: scene_break") != NULL);
    CHECK("line 9 invisible glyph", strstr(diag_text, "cfg:9: scene_break: the glyph shows nothing") != NULL);
    CHECK("line 10 too wide", strstr(diag_text, "cfg:10: scene_break: the glyph is wider than 40 columns") != NULL);
    CHECK("line 11 not UTF-8", strstr(diag_text, "cfg:11: scene_break: the glyph is not valid UTF-8") != NULL);
    CHECK("line 12 empty library", strstr(diag_text, "cfg:12: library") != NULL);
    CHECK("line 14 huge number", strstr(diag_text, "cfg:14: width") != NULL);
    CHECK("bad bytes are not echoed raw", strchr(diag_text, '\xff') == NULL);
    CHECK_INT("the last good width stays", c.width, 72);
    CHECK("wrap default kept", c.wrap == WRAP_OPTIMAL);
    CHECK_STR("theme default kept", c.theme, "default");
    CHECK_STR("glyph default kept", c.break_glyph, "* * *");
    CHECK("library still unset", c.library == NULL);
    config_free(&c);

    n = load(&c, "colour = red\n"
                 "Width = 50\n"
                 "just some words\n"
                 "= 5\n"
                 "width = 50\n"
                 "theme = dark\x01\n");
    CHECK_INT("unknown keys, a line without '=', no key, a control character", n, 5);
    CHECK("unknown key named with its line", strstr(diag_text, "quire: cfg:1: unknown key 'colour'") != NULL);
    CHECK("keys are case-sensitive", strstr(diag_text, "cfg:2: unknown key 'Width'") != NULL);
    CHECK("not key = value", strstr(diag_text, "cfg:3: not a 'key = value' line") != NULL);
    CHECK("missing key", strstr(diag_text, "cfg:4: a key is missing") != NULL);
    CHECK("control character", strstr(diag_text, "cfg:6: theme: a control character") != NULL);
    CHECK_INT("a good line after bad ones still counts", c.width, 50);
    CHECK_STR("the bad theme is not taken", c.theme, "default");
    config_free(&c);

    /* A NUL byte in the middle of the file only spoils its own line. */
    static const char nul[] = "width = 30\nwi\0dth = 40\nwrap = greedy\n";
    FILE *d = diag_open();
    n = config_load_mem(&c, nul, sizeof nul - 1, "cfg", d);
    fclose(d);
    CHECK_INT("a NUL byte is one problem", n, 1);
    CHECK("on line 2", strstr(diag_text, "cfg:2:") != NULL);
    CHECK_INT("line 1 read", c.width, 30);
    CHECK("line 3 read", c.wrap == WRAP_GREEDY);
    config_free(&c);
}

static void test_syntax(void)
{
    struct config c;
    int n = load(&c, "   # indented comment\n"
                     "\t\n"
                     "#width = 30\n"
                     "\t width\t=\t44 \t\n"
                     "scene_break = # # #\n");
    CHECK_INT("comments, blanks and tabs are fine", n, 0);
    CHECK_INT("a commented-out setting is ignored; tabs around are dropped", c.width, 44);
    CHECK_STR("a # inside a value is part of it", c.break_glyph, "# # #");
    config_free(&c);

    n = load(&c, "width = 30\r\nwrap = greedy\r\nbogus = 1\r\ntheme = light\r\n");
    CHECK_INT("CRLF: only the bad line is a problem", n, 1);
    CHECK("CRLF: line numbers count CRLF once", strstr(diag_text, "cfg:3: unknown key 'bogus'") != NULL);
    CHECK_INT("CRLF width", c.width, 30);
    CHECK("CRLF wrap", c.wrap == WRAP_GREEDY);
    CHECK_STR("CRLF: no CR left in values", c.theme, "light");
    config_free(&c);

    n = load(&c, "width = 31\rbogus = 1\rtheme = plain\r");
    CHECK_INT("old Mac CR line ends", n, 1);
    CHECK("CR: line 2", strstr(diag_text, "cfg:2:") != NULL);
    CHECK_STR("CR: value", c.theme, "plain");
    config_free(&c);

    n = load(&c, "\xef\xbb\xbfwidth = 33\n");
    CHECK_INT("a UTF-8 BOM is skipped", n, 0);
    CHECK_INT("and the first line is read", c.width, 33);
    config_free(&c);

    n = load(&c, "scene_break = \"  -~-  \"\nlibrary = \"/a b \"\n");
    CHECK_INT("quoted values", n, 0);
    CHECK_STR("quotes keep inner spaces", c.break_glyph, "  -~-  ");
    CHECK_STR("quoted library", c.library, "/a b ");
    config_free(&c);

    n = load(&c, "library = /x = y\n");
    CHECK_STR("a value may hold '='", c.library, "/x = y");
    config_free(&c);
}

static void test_home(void)
{
    struct config c;
    setenv("HOME", "/home/reader", 1);
    load(&c, "library = ~/stories\n");
    CHECK_STR("~/ is the home folder", c.library, "/home/reader/stories");
    config_free(&c);
    load(&c, "library = ~\n");
    CHECK_STR("~ alone", c.library, "/home/reader");
    config_free(&c);
    setenv("HOME", "/home/slash/", 1);
    load(&c, "library = ~/s\n");
    CHECK_STR("no doubled slash", c.library, "/home/slash/s");
    config_free(&c);
    load(&c, "library = ~other/s\n");
    CHECK_STR("~user is left alone", c.library, "~other/s");
    config_free(&c);
    load(&c, "library = /a/~/b\n");
    CHECK_STR("~ inside a path is left alone", c.library, "/a/~/b");
    config_free(&c);
    unsetenv("HOME");
    load(&c, "library = ~/s\n");
    CHECK_STR("without HOME ~ stays", c.library, "~/s");
    config_free(&c);
    setenv("HOME", "/home/reader", 1);
}

static void test_remaps(void)
{
    struct config c;
    int n = load(&c, "key.a = Space\n"
                     "key.b = pgdn\n"
                     "key.c = PageUp\n"
                     "key.d = C-D\n"
                     "key.e = é\n"
                     "key.f = F12\n"
                     "key.g = \" \"\n"
                     "key.h = ?\n"
                     "key.i = escape\n"
                     "key.j = #\n"
                     "key.k = end\n"
                     "key.search_back = \"\n");
    CHECK_INT("valid key names", n, 0);
    CHECK_INT("all stored", c.n_remap, 12);
    const char *want[] = {"Space", "PgDn", "PgUp", "C-d", "é", "F12", "Space", "?", "Esc", "#", "End", "\""};
    for (int i = 0; i < 12 && i < c.n_remap; i++)
        CHECK_STR("canonical key name", c.remap[i].key, want[i]);
    CHECK_STR("action with underscore", c.remap[11].action, "search_back");
    config_free(&c);

    n = load(&c, "key.a = xy\n"
                 "key.b = C-1\n"
                 "key.c = F13\n"
                 "key.d = F0\n"
                 "key.Next = x\n"
                 "key. = x\n"
                 "key.e =\n"
                 "key.f = \xcc\x81\n"
                 "key.g = \xff\n"
                 "key.next-page = x\n"
                 "key.abcdefghijklmnopqrstuvwxyzabcdef = x\n");
    CHECK_INT("bad remaps are each one problem", n, 11);
    CHECK("two letters", strstr(diag_text, "cfg:1: key.a: 'xy' is not a key name") != NULL);
    CHECK("C- needs a letter", strstr(diag_text, "cfg:2: key.b:") != NULL);
    CHECK("F13", strstr(diag_text, "cfg:3:") != NULL);
    CHECK("upper-case action", strstr(diag_text, "cfg:5: key.Next: an action name is letters a-z and _") != NULL);
    CHECK("empty action", strstr(diag_text, "cfg:6: key.:") != NULL);
    CHECK("a lone combining mark is no key", strstr(diag_text, "cfg:8:") != NULL);
    CHECK("a dash in an action", strstr(diag_text, "cfg:10:") != NULL);
    CHECK("an action too long", strstr(diag_text, "cfg:11:") != NULL);
    CHECK_INT("none stored", c.n_remap, 0);
    config_free(&c);

    n = load(&c, "key.quit = x\nkey.quit = x\nkey.quit = y\nkey.help = x\n");
    CHECK_INT("repeats are fine", n, 0);
    CHECK_INT("an exact repeat is stored once; another key or action is added", c.n_remap, 3);
    config_free(&c);

    struct buf b = {0};
    for (int i = 0; i < CONFIG_MAX_REMAPS + 3; i++)
        buf_printf(&b, "key.a%c%c = F%d\n", 'a' + i / 26, 'a' + i % 26, 1 + i % 12);
    n = load(&c, b.data);
    CHECK_INT("too many remaps: the extra ones are problems", n, 3);
    CHECK_INT("and the table is full, not overrun", c.n_remap, CONFIG_MAX_REMAPS);
    config_free(&c);
    buf_free(&b);

    char out[32];
    CHECK("config_key_name: Enter", config_key_name("return", out) && strcmp(out, "Enter") == 0);
    CHECK("config_key_name: Tab", config_key_name("TAB", out) && strcmp(out, "Tab") == 0);
    CHECK("config_key_name: Left", config_key_name("left", out) && strcmp(out, "Left") == 0);
    CHECK("config_key_name: rejects empty", !config_key_name("", out));
    CHECK("config_key_name: rejects NULL", !config_key_name(NULL, out));
    CHECK("config_key_name: rejects a control character", !config_key_name("\x01", out));
}

static void test_files(const char *tmp)
{
    struct config c;
    FILE *d = diag_open();
    char *missing = xasprintf("%s/no-such-config", tmp);
    CHECK_INT("a named file that is missing is one problem", config_load(&c, missing, d), 1);
    fclose(d);
    CHECK("that says so", strstr(diag_text, "No such file") != NULL);
    CHECK("naming the file", strstr(diag_text, missing) != NULL);
    CHECK_INT("one line", count_lines(diag_text), 1);
    CHECK_INT("defaults in force", c.width, 72);
    config_free(&c);
    free(missing);

    d = diag_open();
    CHECK_INT("a folder as the config is one problem", config_load(&c, tmp, d), 1);
    fclose(d);
    CHECK("it says why", strstr(diag_text, "Is a directory") != NULL);
    CHECK_STR("defaults in force", c.theme, "default");
    config_free(&c);

    char *file = xasprintf("%s/locked", tmp);
    write_text(file, "width = 40\n");
    if (geteuid() != 0) {   /* root reads anything: nothing to test then */
        chmod(file, 0);
        d = diag_open();
        CHECK_INT("an unreadable file is one problem", config_load(&c, file, d), 1);
        fclose(d);
        CHECK("permission denied", strstr(diag_text, "Permission denied") != NULL);
        CHECK_INT("defaults in force", c.width, 72);
        config_free(&c);
        chmod(file, 0600);
    }
    d = diag_open();
    CHECK_INT("a readable named file", config_load(&c, file, d), 0);
    fclose(d);
    CHECK_INT("is read", c.width, 40);
    CHECK_STR("and named", c.path, file);
    config_free(&c);

    /* Something huge is not a config file. */
    FILE *f = fopen(file, "w");
    for (int i = 0; f && i < 70000; i++)
        fputs("# padding line\n", f);
    if (f)
        fclose(f);
    d = diag_open();
    CHECK_INT("a file over 1 MiB is refused", config_load(&c, file, d), 1);
    fclose(d);
    CHECK("saying so", strstr(diag_text, "larger than 1 MiB") != NULL);
    config_free(&c);
    unlink(file);
    free(file);
}

static void test_round_trip(void)
{
    struct config c, c2;
    setenv("HOME", "/h", 1);
    load(&c, "library = ~/my \"stories\" \n"
             "width = 101\n"
             "wrap = greedy\n"
             "scene_break = \" ~ \"\n"
             "theme = plain\n"
             "key.next_page = pagedown\n"
             "key.quit = \"\n"
             "key.top = \" \"\n");
    char *p1 = printed(&c);
    FILE *d = diag_open();
    int n = config_load_mem(&c2, p1, strlen(p1), "printed", d);
    fclose(d);
    CHECK_INT("config_print output reads back without problems", n, 0);
    char *p2 = printed(&c2);
    CHECK_STR("and prints the same again", p2, p1);
    CHECK_STR("library survives", c2.library, c.library);
    CHECK_STR("glyph with spaces survives", c2.break_glyph, " ~ ");
    CHECK_INT("width survives", c2.width, 101);
    CHECK("wrap survives", c2.wrap == WRAP_GREEDY);
    CHECK_INT("remaps survive", c2.n_remap, 3);
    CHECK("printed lines are key = value", strstr(p1, "\nwidth = 101\n") != NULL);
    CHECK("remap printed canonical", strstr(p1, "\nkey.next_page = PgDn\n") != NULL);
    free(p1);
    free(p2);
    config_free(&c);
    config_free(&c2);

    config_init(&c);
    p1 = printed(&c);
    load(&c2, p1);
    p2 = printed(&c2);
    CHECK_STR("the defaults round-trip", p2, p1);
    CHECK("an unset library prints as a comment", strstr(p1, "# library") != NULL);
    free(p1);
    free(p2);
    config_free(&c);
    config_free(&c2);
}

int main(void)
{
    char *tmp = scratch_dir("config");
    test_defaults(tmp);
    test_every_key();
    test_bad_values();
    test_syntax();
    test_home();
    test_remaps();
    test_files(tmp);
    test_round_trip();
    free(diag_text);
    scratch_remove(tmp);
    CHECK("cleanup", access(tmp, F_OK) != 0);
    free(tmp);
    return check_summary();
}
