#!/bin/sh
# t_fuzz.sh — make check's fuzz smoke: every fuzz target built and run for a
# few seconds (FUZZ_SMOKE_SECONDS, default 4) on its corpus, and every text
# target once on each of run.sh's large generated inputs.  `make fuzz` is
# the long run.
exec sh "$(dirname "$0")/run.sh" "${FUZZ_SMOKE_SECONDS:-4}"
