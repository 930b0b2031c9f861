/* pmemo.h — the parse memo: the parse of a story's head or of the window
 * read at a saved place, kept by its bytes, so that a story reopened
 * analyses no more text before its first frame than a fresh open.
 *
 * Layer: text (uses parse.h and the record format of rec.h).
 *
 * The memo is the cache folder's file `parses` (docs/FORMATS.md): a record
 * file (rec.h) stamped with the build of quire (rec_engine), holding the
 * last PMEMO_KEEP parses, each keyed by rec_sum of the text and its length
 * in bytes.  A text that is not byte for byte the one parsed has another
 * key (a file changed on disk is parsed again); a damaged or foreign file
 * is not used.  QUIRE_NO_CACHE turns it off as it does the index cache. */
#ifndef QUIRE_PMEMO_H
#define QUIRE_PMEMO_H
#include <stdbool.h>
#include <stddef.h>

#include "parse.h"

/* The longest text the memo keeps a parse of (bytes): a head or a window
 * is some KiB; a whole story is parsed as it always was. */
#define PMEMO_MAX_TEXT ((size_t)256 << 10)
/* How many entries (parses and chapters' blocks) the file keeps (the
 * newest): a story reopened uses three or four. */
#define PMEMO_KEEP 32
/* An entry longer than this (bytes of its lines) is not kept, and the
 * file's older entries are not copied past PMEMO_MAX_FILE bytes: every
 * opening reads the file whole (its checksum). */
#define PMEMO_MAX_ENTRY ((size_t)64 << 10)
#define PMEMO_MAX_FILE ((size_t)512 << 10)

/* parse_text_counted(text, len, out): the same result and counts, from
 * the memo when this build of quire parsed the same len bytes before and
 * saved it, else parsed now and kept (in memory) for pmemo_save.  *hit
 * (may be NULL) says whether the memo gave it.  Thread-safe. */
size_t *pmemo_parse(const char *text, size_t len, struct parse_result *out, bool *hit);

/* parse_blocks_body(text, start, end, front_end, body, back, out): the
 * same blocks, from the memo when this build of quire parsed a chapter of
 * the same bytes with its heading and matter at the same places before
 * and saved it, else parsed now and kept for pmemo_save.  The memo is
 * looked at only while armed (pmemo_arm), so only while a story opens:
 * other callers parse as they always did.  Thread-safe. */
size_t pmemo_blocks(const char *text, size_t start, size_t end, size_t front_end, size_t body,
                    size_t back, struct block **out);

/* How many look-ups the memo answered in this process (parses and
 * blocks): for the tests. */
size_t pmemo_hits(void);

/* Arm (true) or disarm the blocks' look-ups; pmemo_save disarms. */
void pmemo_arm(bool on);

/* Write the parses and blocks kept since the last save into the memo
 * file, newest first, with the file's other entries up to PMEMO_KEEP;
 * nothing when there are none; disarms.  Failures are silent (a cache).
 * Thread-safe. */
void pmemo_save(void);

#endif
