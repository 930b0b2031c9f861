/* loader.h — opening a library on a background thread.
 *
 * Layer: library.  The reader shows the first screen of a long story from
 * library_open_head() while a loader reads the whole file with
 * library_open(); the screen takes the whole library over when it is ready.
 * The loader thread touches nothing but the library it builds (and the
 * index cache on disk). */
#ifndef QUIRE_LOADER_H
#define QUIRE_LOADER_H

#include <stdbool.h>

#include "library.h"

struct loader;

/* Start library_open(root) on a new thread (root is copied).  NULL when no
 * thread can be started: the caller opens the library itself. */
struct loader *loader_start(const char *root);

/* Has the thread finished?  Never blocks. */
bool loader_ready(struct loader *l);

/* Wait for the thread and take its library (NULL with *err set, malloc'd,
 * when library_open failed).  The library is handed over once: a second
 * call returns NULL with *err NULL. */
struct library *loader_wait(struct loader *l, char **err);

/* Wait for the thread and free the loader and any library not taken; NULL
 * is a no-op. */
void loader_free(struct loader *l);

#endif
