/* mapguard.h — surviving a mapped file that shrinks under quire.
 *
 * Layer: base (tests/arch/layers.mk; no knowledge of what is mapped).
 *
 * Valid UTF-8 stories are read through a read-only mmap of the file.  When
 * another program truncates or rewrites the file in place, touching a page
 * past its new end raises SIGBUS, which would kill quire and lose the
 * unsaved position.  A mapping registered here is guarded instead: the
 * SIGBUS handler maps anonymous zero pages (MAP_FIXED) over the faulting
 * page and the rest of that mapping, raises a flag and returns, so the
 * read that faulted reads zero bytes and goes on.  The caller notices the
 * change between keys (mapguard_take_fault, or the file's stamp; see
 * watch.h) and reads the file again.  A SIGBUS outside every registered
 * mapping goes to the handler that was installed before (the ui's crash
 * handler, a sanitizer's), or kills the process as it would have.
 *
 * Up to MAPGUARD_SLOTS mappings are guarded at once; more are mapped
 * unguarded (as before).  Safe to call from any thread. */
#ifndef QUIRE_MAPGUARD_H
#define QUIRE_MAPGUARD_H

#include <stdbool.h>
#include <stddef.h>

#define MAPGUARD_SLOTS 1024

/* Install the SIGBUS handler unless it is already the one in force; the
 * handler found is kept and called for faults outside guarded mappings.
 * Call again after anyone else sets a SIGBUS handler (ui_run does). */
void mapguard_install(void);

/* Guard [base, base + len) (a mapping made by mmap; len in bytes, rounded
 * up to whole pages here).  Installs the handler.  false when every slot is
 * taken (the mapping is then unguarded). */
bool mapguard_add(const void *base, size_t len);

/* Stop guarding the mapping starting at base (before munmap). */
void mapguard_remove(const void *base);

/* Whether a guarded mapping faulted since the last call; clears the flag. */
bool mapguard_take_fault(void);

#endif
