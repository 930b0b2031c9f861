#!/bin/sh
# t_fuzz.sh — make check's fuzz smoke: every fuzz target built, run on its
# seeds and then on FUZZ_SMOKE_RUNS mutations of them (default 2000; a tenth
# of that for the slow text targets parse, html and layout), and every text
# target once on each of run.sh's large generated inputs.  It ends when the
# runs are done, never at a time; `make fuzz` is the long run.
exec sh "$(dirname "$0")/run.sh" -runs "${FUZZ_SMOKE_RUNS:-2000}"
