#!/bin/sh
# t_fuzz.sh — make check's fuzz smoke: every fuzz target built and run for a
# few seconds (FUZZ_SMOKE_SECONDS, default 5) on its corpus.  `make fuzz` is
# the long run.
exec sh "$(dirname "$0")/run.sh" "${FUZZ_SMOKE_SECONDS:-5}"
