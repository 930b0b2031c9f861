#!/bin/sh
# scripts/bench_keys.sh — every reader key timed in process
# (tests/bench/bench_keys.c): CPU per key with its frame at 100x40, worst
# and mean over presses at the start, 25/50/75% and the end (issue 17: no
# key waits over 50 ms unannounced).  Stories: an 8 MB story of one huge
# chapter, and the 32 MB bench serial (gencorpus, from ../shared's novels)
# when ../shared is present.  Waits that are not the key's own work (the
# loader, the converter) are measured in a terminal: docs/BENCHMARKS.md.
# Usage: sh scripts/bench_keys.sh   (from the source tree)
set -e
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
. scripts/inproc.sh
inproc_setup tests/bench/bench_keys.c bench_keys keys

inproc_night

G=../shared/corpus/gutenberg
. scripts/novels.sh
if [ -n "$NOVELS" ]; then
    ${CC:-cc} -O2 -o "$BUILD/gencorpus" tests/bench/gencorpus.c
    mkdir -p "$TMP/serial"
    # shellcheck disable=SC2086
    "$BUILD/gencorpus" serial 32 "$TMP/serial/serial-32.txt" $NOVELS >/dev/null
    echo
    echo "== the 32 MB bench serial"
    "$BENCH" "$TMP/serial" "The Long Serial" the Zanzibarine
fi
