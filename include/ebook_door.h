/* ebook_door.h — the binary's way to the EPUB/HTML converters (ebook.h),
 * which live in a plugin loaded on the first ebook file only.
 *
 * Layer: text.  Why a plugin: libxml2 and libzip linked into `quire`
 * would cost every start-up the dynamic loading of both (+3 ms against a
 * 7 ms first screen of a TXT story, docs/BENCHMARKS.md), so the
 * converters (ebook.c, html.c, epub.c and the text objects they use) are
 * built into quire-ebook.so (ebook_plugin.c: its one exported symbol,
 * EBOOK_PLUGIN_SYMBOL) and dlopen'd by this file the first time a file
 * may be an ebook.  A TXT library never loads it.
 *
 * Where the plugin is looked for, first found wins: $QUIRE_PLUGIN (a path;
 * the only place tried when set, tests use it); next to the binary as
 * installed (BINDIR/../lib/quire/quire-ebook.so); the source tree's build
 * folder (./build/quire-ebook.so beside ./quire, or the plugin beside a
 * binary built into the build folder); the PLUGINDIR quire was built for.
 *
 * Never crashes for a missing plugin, a missing libxml2 or libzip, or a
 * plugin of another EBOOK_VERSION: the file is not read and the reason
 * says so ("EPUB/HTML support not installed: ..."). */
#ifndef QUIRE_EBOOK_DOOR_H
#define QUIRE_EBOOK_DOOR_H

#include <stdbool.h>
#include <stddef.h>

#include "ebook.h"

/* The plugin's one exported object, a `const struct ebook_plugin`. */
#define EBOOK_PLUGIN_SYMBOL "quire_ebook_plugin"

/* What the plugin exports: the ebook.h functions, and the version and size
 * of the interface it was built for (checked by the door before any call). */
struct ebook_plugin {
    int version;             /* EBOOK_VERSION the plugin was built with */
    size_t size;             /* sizeof (struct ebook_plugin) then */
    size_t ebook_size;       /* sizeof (struct ebook) then */
    enum ebook_format (*sniff)(const char *name, const unsigned char *head, size_t n);
    bool (*read_file)(const char *path, enum ebook_format f, struct ebook *out, char **err);
    bool (*read_bytes)(const char *name, enum ebook_format f, const void *bytes, size_t n,
                       struct ebook *out, char **err);
    void (*free)(struct ebook *eb);
    bool (*read_head)(const char *name, enum ebook_format f, const void *bytes, size_t n,
                      size_t head, struct ebook *out, size_t *total, char **err);
};

/* May a file named `name` whose first n bytes are `head` be an ebook?  A
 * cheap test that never loads the plugin: true for a name ending in .epub,
 * .html, .htm or .xhtml (any case), a zip's local header, or a first
 * character '<' (after a UTF-8 BOM and white space); false for .txt and
 * .md names.  ebook_door_sniff decides. */
bool ebook_door_maybe(const char *name, const unsigned char *head, size_t n);

/* Which door the file takes (ebook_sniff, through the plugin).  Loads the
 * plugin when ebook_door_maybe is true.  Without a plugin: EBOOK_NONE for
 * a file that is only maybe an ebook (a text starting with '<' reads as
 * text), else -1 with *why set (malloc'd, one line:
 * "EPUB/HTML support not installed: quire-ebook.so: cannot open ...") for
 * a file its name or zip header says is one. */
int ebook_door_sniff(const char *name, const unsigned char *head, size_t n, char **why);

/* ebook_read_bytes_head through the plugin (false with *err when there
 * is no head or no plugin); *out freed with ebook_door_free. */
bool ebook_door_read_head(const char *name, enum ebook_format f, const void *bytes, size_t n,
                          size_t head, struct ebook *out, size_t *total, char **err);

/* ebook_read_bytes through the plugin (the file mapped by the caller,
 * guarded: mapguard.h); false with *err as ebook_door_read. */
bool ebook_door_read_bytes(const char *name, enum ebook_format f, const void *bytes, size_t n,
                           struct ebook *out, char **err);

/* ebook_read_file through the plugin; false with *err (malloc'd, without
 * the path) when the converter refuses the file or the plugin is not
 * there.  *out is freed with ebook_door_free. */
bool ebook_door_read(const char *path, enum ebook_format f, struct ebook *out, char **err);

/* ebook_free through the plugin; an all-zero *eb (or NULL) is a no-op and
 * needs no plugin. */
void ebook_door_free(struct ebook *eb);

/* Which plugin the door loads or would load, without loading it: the size
 * and modification time (ns) of the file found as above, "SIZE MTIME_NS",
 * or "none" when there is none (malloc'd).  The caches keep it beside what
 * a conversion gave (cache.c, snapshot.c), so a rebuilt or reinstalled
 * plugin is noticed even when EBOOK_VERSION stayed the same.  A stat or
 * two; computed afresh on each call. */
char *ebook_door_identity(void);

/* Whether a file of this name is always read as text (.txt and .md, any
 * case): what the ebook plugin is, and whether it is there, cannot change
 * how it reads. */
bool ebook_door_text_name(const char *name);

/* Whether the plugin is loaded (tests: a TXT library never loads it). */
bool ebook_door_loaded(void);

#endif
