/* loader.h — opening a library on a background thread.
 *
 * Layer: build.  The reader shows the first screen of a long story from
 * library_open_head() while a loader reads the whole file with
 * library_open(); the screen takes the whole library over when it is ready.
 * The loader thread touches nothing but the library it builds (and the
 * caches on disk, which it stops writing once loader_free has run). */
#ifndef QUIRE_LOADER_H
#define QUIRE_LOADER_H

#include <stdbool.h>

#include "library.h"

struct loader;

/* A loader for library_open(root) (root is copied), not started yet: the
 * screen starts it once its first frame is out, so that reading the whole
 * file does not compete with the first frame for the CPU and the kernel's
 * page tables.  Never NULL. */
struct loader *loader_new(const char *root);

/* Start library_open on a new thread; a no-op when started already.  When
 * no thread can be started it runs library_open here and now. */
void loader_go(struct loader *l);

/* Has the thread finished?  Never blocks; false until loader_go. */
bool loader_ready(struct loader *l);

/* Wait for the thread (starting it first if need be) and take its library
 * (NULL with *err set, malloc'd, when library_open failed).  The library is
 * handed over once: a second call returns NULL with *err NULL. */
struct library *loader_wait(struct loader *l, char **err);

/* Free the loader and any library not taken, without waiting for the
 * build under way (NULL is a no-op).  Called as the process ends (q):
 * the build is stopped (library_stop_set: it writes nothing more to the
 * caches, and a write under way is finished first, so that no cache file
 * is left half written); a thread still in a pass (one file's analysis:
 * about a quarter of a second for a 32 MB story) is left to end with the
 * process, and frees the loader if it ends first.  When the thread is
 * converting an ebook through the plugin whose derived file would be
 * kept (a first reading, derived.h), the conversion is finished in a
 * process of its own, detached from the terminal (this binary,
 * `--render --chapter 1 -- ROOT`, output to /dev/null: it reads the
 * whole story and keeps its derived file). */
void loader_free(struct loader *l);

#endif
