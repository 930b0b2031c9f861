/* fuzz.h — the libFuzzer entry point every tests/fuzz/fuzz_*.c defines.
 *
 * The Makefile force-includes this header (-include) when it builds a fuzz
 * target, so the definition always has a prototype.  A target returns 0 and
 * aborts (abort() or a sanitizer report) when an invariant is broken. */
#ifndef QUIRE_FUZZ_H
#define QUIRE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
