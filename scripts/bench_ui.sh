#!/bin/sh
# scripts/bench_ui.sh — time the reading screen in process (tests/bench/bench_ui.c):
# page turn, percent jump, resize and search step at 200x60, CPU time per
# step including the frame (werase + draw + doupdate to /dev/null).
# Stories: the sample "The Worst Betrayal", a generated 8 MB story with one
# huge chapter (lazy layout), and a Gutenberg novel from ../shared if present.
# Usage: sh scripts/bench_ui.sh   (from the source tree; `make` first)
set -e
cd "$(dirname "$0")/.."
. scripts/inproc.sh
inproc_setup tests/bench/bench_ui.c bench_ui bench

echo "== sample story"
"$BENCH" sample_library "The Worst Betrayal" the "Hey Tim"

# One chapter of about 8 MB: the sample's paragraphs over and over.
inproc_night

SHARED=""
[ -d ../shared/corpus/gutenberg ] && SHARED=../shared/corpus/gutenberg
if [ -n "$SHARED" ]; then
    f=$(ls -S "$SHARED"/*.txt 2>/dev/null | head -n 1)
    if [ -n "$f" ]; then
        mkdir -p "$TMP/gb" && cp "$f" "$TMP/gb/"
        echo "== $(basename "$f") (Project Gutenberg, from ../shared)"
        "$BENCH" "$TMP/gb" "$(basename "$f" .txt)" the "Project Gutenberg"
    fi
fi
