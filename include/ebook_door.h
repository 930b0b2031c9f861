/* ebook_door.h — the binary's way to the EPUB/HTML converters (ebook.h),
 * which run in a process of their own, started on the first ebook file.
 *
 * Layer: text.  Why a process: libxml2 and libarchive linked into `quire`
 * would cost every start-up the dynamic loading of both (+3 ms against a
 * 7 ms first screen of a TXT story, docs/BENCHMARKS.md), and loading them
 * later (dlopen) needs a dynamic C library, which costs every start-up
 * 0.25 ms more than a static-pie binary.  So the converters (ebook.c,
 * html.c, epub.c and the text objects they use) are built into a
 * dynamically linked program, quire-convert (ebook_convert.c), and quire,
 * static-pie where it can be, starts it the first time a file needs a
 * conversion and keeps it as a coprocess: requests and replies go over a
 * socket pair in the bytes of ebook_wire.h, one after another.  One
 * converter serves every thread (the listing's workers, the loader): a
 * thread calling the door while it is busy waits for it (a pool of
 * EBOOK_DOOR_CONVERTERS, built as 1: measured, a converter per thread
 * lists no faster and makes the first screen of a long EPUB's first
 * reading slower, docs/BENCHMARKS.md "The process split") -- except a
 * foreground request (the screen opening a book) made while the pool is
 * at work for a background thread (ebook_door_background: the loader
 * converting another book): it gets a converter of its own, the reserve,
 * started in under a millisecond, so that no key waits for the other
 * book's conversion.  Test hook QUIRE_TEST_BUSY_CONVERTER=FILE: before
 * the first foreground request (or ebook_door_busy), a background thread takes a converter
 * and holds it at work until FILE exists.  A TXT
 * library never starts one, and which door a file takes (ebook_sniff,
 * ebook_sniff.c) needs none.
 *
 * Where the converter is looked for, first found wins: $QUIRE_CONVERTER
 * (a path; the only place tried when set, tests use it); next to the
 * binary as installed (BINDIR/../lib/quire/quire-convert); the source
 * tree's build folder (./build/quire-convert beside ./quire, or the
 * converter beside a binary built into the build folder); the PLUGINDIR
 * quire was built for.
 *
 * Never crashes, never hangs for a missing converter, one that cannot run
 * (a missing libxml2 or libarchive), one of another EBOOK_VERSION, or one that
 * crashes, is killed or answers garbage mid-request: the file is not read
 * and the reason says so in one line ("EPUB/HTML support not installed:
 * ..." when it is missing or cannot start, "converter failed: ..." when it
 * broke); the broken converter is reaped and the next file starts a fresh
 * one.  No SIGPIPE is raised in quire (the socket is written with
 * MSG_NOSIGNAL); our ends of the socket are close-on-exec; the converter
 * runs in its own process group, bounds its own memory and CPU time
 * (ebook_convert.c), and a converter still busy when quire exits is
 * killed.  Test hooks: QUIRE_TEST_CONVERTER_LOG=FILE (each converter
 * appends "start PID" when it starts), QUIRE_TEST_CONVERT_DIE=TEXT and
 * QUIRE_TEST_CONVERT_GARBAGE=TEXT (the converter kills itself, or answers
 * garbage, on a request whose name holds TEXT). */
#ifndef QUIRE_EBOOK_DOOR_H
#define QUIRE_EBOOK_DOOR_H

#include <stdbool.h>
#include <stddef.h>

#include "ebook.h"

/* Converter processes at most at once: a thread calling the door takes
 * an idle one, else starts one in a free slot, else waits for one to be
 * idle.  1: one converter shared under a mutex (build with
 * -DEBOOK_DOOR_CONVERTERS=N to try N). */
#ifndef EBOOK_DOOR_CONVERTERS
#define EBOOK_DOOR_CONVERTERS 1
#endif

/* Would a request this thread makes now wait for another thread's to be
 * done (every converter it may take at work)?  The screen says so first.
 * With the reserve, a foreground thread waits only for another
 * foreground request.  Never blocks for long, starts nothing. */
bool ebook_door_busy(void);

/* This thread's requests are background work (the loader's reading of a
 * whole story): they never take the reserve, and a foreground request
 * never waits for them.  For the rest of the thread's life. */
void ebook_door_background(void);

/* May a file named `name` whose first n bytes are `head` be an ebook?  A
 * cheap test that never starts the converter: true for a name ending in .epub,
 * .html, .htm or .xhtml (any case), a zip's local header, or a first
 * character '<' (after a UTF-8 BOM and white space); false for .txt and
 * .md names.  ebook_door_sniff decides. */
bool ebook_door_maybe(const char *name, const unsigned char *head, size_t n);

/* Which door the file takes (ebook_sniff, linked into quire: no
 * converter is started).  When ebook_sniff says EPUB or HTML and no
 * converter is found: EBOOK_NONE for a file that is only maybe an ebook
 * (a text starting with '<' reads as text), else -1 with *why set
 * (malloc'd, one line: "EPUB/HTML support not installed: no
 * quire-convert ...") for a file its name or zip header says is one. */
int ebook_door_sniff(const char *name, const unsigned char *head, size_t n, char **why);

/* ebook_read_bytes_head through the converter (false with *err when
 * there is no head or no converter); *out freed with ebook_door_free.
 * The bytes are the caller's mapping of the file `name`: when `name` is a
 * regular file of n bytes, the converter is sent its path, device, inode,
 * size, mtime and a sample of the bytes (ebook_wire_sample) and maps it
 * itself; if it finds another file there it says so and the bytes are
 * sent over the socket, as they are for any other name. */
bool ebook_door_read_head(const char *name, enum ebook_format f, const void *bytes, size_t n,
                          size_t head, struct ebook *out, size_t *total, char **err);

/* ebook_read_bytes through the converter (the file mapped by the caller,
 * guarded: mapguard.h; sent as ebook_door_read_head sends it); false with
 * *err as ebook_door_read. */
bool ebook_door_read_bytes(const char *name, enum ebook_format f, const void *bytes, size_t n,
                           struct ebook *out, char **err);

/* ebook_read_file through the converter (sent the real path); false with
 * *err (malloc'd, without the path) when the converter refuses the file,
 * is not there or broke.  *out is freed with ebook_door_free. */
bool ebook_door_read(const char *path, enum ebook_format f, struct ebook *out, char **err);

/* Free what a door's conversion holds (ebook_wire_free: everything is
 * this process's heap); an all-zero *eb (or NULL) is a no-op. */
void ebook_door_free(struct ebook *eb);

/* Which converter the door starts or would start, without starting it:
 * the size and modification time (ns) of the file found as above,
 * "SIZE MTIME_NS", or "none" when there is none (malloc'd).  The caches
 * keep it beside what a conversion gave (cache.c, snapshot.c, derived.c),
 * so a rebuilt or reinstalled converter is noticed even when
 * EBOOK_VERSION stayed the same.  A stat or two; computed afresh on each
 * call. */
char *ebook_door_identity(void);

/* Whether a file of this name is always read as text (.txt and .md, any
 * case): what the converter is, and whether it is there, cannot change
 * how it reads. */
bool ebook_door_text_name(const char *name);

/* Whether this process has started a converter (a TXT library never
 * does). */
bool ebook_door_loaded(void);

#endif
