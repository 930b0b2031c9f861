/* ebook_door.c — the EPUB/HTML plugin, loaded on first use.  See
 * ebook_door.h. */
#include "ebook_door.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#ifndef QUIRE_NO_PLUGIN
#include <dlfcn.h>
#endif

#include "util.h"

#ifndef QUIRE_PLUGINDIR
#define QUIRE_PLUGINDIR "/usr/local/lib/quire"
#endif
#define PLUGIN_FILE "quire-ebook.so"

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const struct ebook_plugin *plugin;   /* set once loaded and checked */
static char *load_why;                      /* why not, when it is not */

static bool name_ends(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    return n > e && strcasecmp(name + n - e, ext) == 0;
}

/* The name says ebook (or the bytes a zip: an EPUB named otherwise). */
static bool surely_ebook(const char *name, const unsigned char *head, size_t n)
{
    return name_ends(name, ".epub") || name_ends(name, ".html") || name_ends(name, ".htm") ||
           name_ends(name, ".xhtml") ||
           (n >= 4 && memcmp(head, "PK\x03\x04", 4) == 0);
}

bool ebook_door_text_name(const char *name)
{
    return name_ends(name, ".txt") || name_ends(name, ".md");
}

bool ebook_door_maybe(const char *name, const unsigned char *head, size_t n)
{
    if (ebook_door_text_name(name))
        return false;
    if (surely_ebook(name, head, n))
        return true;
    size_t i = n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\n' || head[i] == '\r'))
        i++;
    return i < n && head[i] == '<';
}

#ifdef QUIRE_NO_PLUGIN
static void load(void)
{
    load_why = xstrdup("this quire is linked statically and cannot load " PLUGIN_FILE
                       " (build it with STATIC_DEPS=1)");
}

char *ebook_door_identity(void)
{
    return xstrdup("none");
}
#else
static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The first candidate that exists (malloc'd), or NULL. */
static char *find_plugin(void)
{
    const char *env = getenv("QUIRE_PLUGIN");
    if (env && *env)
        return xstrdup(env);
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            static const char *const rel[] = {
                "../lib/quire/" PLUGIN_FILE,   /* installed: BINDIR/../lib/quire */
                "build/" PLUGIN_FILE,          /* the source tree: ./quire, ./build */
                PLUGIN_FILE,                   /* a binary in its build folder */
            };
            for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
                char *p = xasprintf("%s/%s", self, rel[i]);
                if (is_file(p))
                    return p;
                free(p);
            }
        }
    }
    if (is_file(QUIRE_PLUGINDIR "/" PLUGIN_FILE))
        return xstrdup(QUIRE_PLUGINDIR "/" PLUGIN_FILE);
    return NULL;
}

char *ebook_door_identity(void)
{
    char *path = find_plugin();
    struct stat st;
    char *id = path && stat(path, &st) == 0
                   ? xasprintf("%lld %lld", (long long)st.st_size,
                               (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec)
                   : xstrdup("none");
    free(path);
    return id;
}

static void load(void)
{
    char *path = find_plugin();
    if (!path) {
        load_why = xstrdup("no " PLUGIN_FILE " (looked beside the binary and in "
                           QUIRE_PLUGINDIR ")");
        return;
    }
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        load_why = xstrdup(e ? e : path);   /* names the plugin or the library missing */
        free(path);
        return;
    }
    const struct ebook_plugin *p = dlsym(h, EBOOK_PLUGIN_SYMBOL);
    if (!p) {
        load_why = xasprintf("%s: no %s in it", path, EBOOK_PLUGIN_SYMBOL);
    } else if (p->version != EBOOK_VERSION || p->size != sizeof *p ||
               p->ebook_size != sizeof(struct ebook)) {
        load_why = xasprintf("%s is for another quire (ebook version %d, this quire's is %d)",
                             path, p->version, EBOOK_VERSION);
    } else {
        plugin = p;
        free(path);
        return;   /* kept loaded until exit */
    }
    dlclose(h);
    free(path);
}
#endif

static const struct ebook_plugin *get(char **why)
{
    pthread_once(&load_once, load);
    if (!plugin)
        set_err(why, "EPUB/HTML support not installed: %s", load_why);
    return plugin;
}

bool ebook_door_loaded(void)
{
    return plugin != NULL;
}

int ebook_door_sniff(const char *name, const unsigned char *head, size_t n, char **why)
{
    if (!ebook_door_maybe(name, head, n))
        return EBOOK_NONE;
    char *e = NULL;
    const struct ebook_plugin *p = get(&e);
    if (p) {
        return (int)p->sniff(name, head, n);
    }
    if (!surely_ebook(name, head, n)) {
        free(e);
        return EBOOK_NONE;
    }
    if (why)
        *why = e;
    else
        free(e);
    return -1;
}

bool ebook_door_read(const char *path, enum ebook_format f, struct ebook *out, char **err)
{
    memset(out, 0, sizeof *out);
    const struct ebook_plugin *p = get(err);
    return p && p->read_file(path, f, out, err);
}

bool ebook_door_read_head(const char *name, enum ebook_format f, const void *bytes, size_t n,
                          size_t head, struct ebook *out, size_t *total, char **err)
{
    memset(out, 0, sizeof *out);
    const struct ebook_plugin *p = get(err);
    return p && p->read_head(name, f, bytes, n, head, out, total, err);
}

bool ebook_door_read_bytes(const char *name, enum ebook_format f, const void *bytes, size_t n,
                           struct ebook *out, char **err)
{
    memset(out, 0, sizeof *out);
    const struct ebook_plugin *p = get(err);
    return p && p->read_bytes(name, f, bytes, n, out, err);
}

void ebook_door_free(struct ebook *eb)
{
    if (!eb)
        return;
    if (plugin) {
        plugin->free(eb);
        return;
    }
    /* Never loaded: nothing the plugin made can be here. */
    memset(eb, 0, sizeof *eb);
}
