#!/bin/sh
# tests/bench/coldepub.sh — the bench's cold first EPUB screen
# (scripts/bench.sh "EPUB ... cold": the first reading, an empty cache) on
# its own, for comparing converters: each QUIRE=CONVERTER pair given, and
# `less` on the same story as TXT, interleaved round by round; medians of
# ptytime's wall (ms to the first screen's marker) and cpu (ms: quire's
# main thread and its converter's main thread; a thread that has ended
# is not counted, so a converter working on two threads shows less than
# it spent: read its own figures for that, BENCHMARKS.md).
#
#   sh tests/bench/coldepub.sh [QUIRE=CONVERTER...]
#       (default ./quire=build/quire-convert; paths with a slash)
# Environment: ROUNDS (11), SIZES ("1 4 16 32").
# Needs ../shared/corpus and zip; the EPUBs are made by scripts/bench.sh's
# make_epub.  Each cold round waits for the detached finisher the reading
# leaves behind (bench.sh's wait_finisher).  Not a test: it asserts
# nothing, make check skips it.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd)
[ -d "$TOP/../shared/corpus/gutenberg" ] || { echo "coldepub.sh: no ../shared/corpus"; exit 0; }
command -v zip >/dev/null 2>&1 || { echo "coldepub.sh: no zip"; exit 0; }
[ $# -gt 0 ] || set -- "$TOP/quire=$TOP/build/quire-convert"
ROUNDS=${ROUNDS:-11}
SIZES=${SIZES:-"1 4 16 32"}
. "$TOP/scripts/bench_common.sh"
bench_setup coldepub || exit 1
eval "$(sed -n '/^make_epub() {/,/^}/p; /^wait_finisher() {/,/^}/p' scripts/bench.sh)"
FIN_WAITS=0 FIN_MAX=0
for s in $SIZES; do
    # shellcheck disable=SC2086
    ./build/gencorpus serial "$s" "$W/serial-$s.txt" $NOVELS || exit 1
    make_epub "$W/serial-$s.txt" "$W/serial-$s.epub"
    touch -d '1 minute ago' "$W/serial-$s.epub"
done
echo "coldepub.sh: $ROUNDS rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
for s in $SIZES; do
    e="$W/serial-$s.epub"
    : >"$W/wl"; : >"$W/cl"
    k=0
    for pair in "$@"; do k=$((k + 1)); : >"$W/w$k"; : >"$W/c$k"; done
    i=0
    while [ $i -lt "$ROUNDS" ]; do
        k=0
        for pair in "$@"; do
            k=$((k + 1))
            rm -rf "$W/cache" "$W/state"
            QUIRE_CONVERTER="${pair#*=}" XDG_STATE_HOME="$W/state" XDG_CACHE_HOME="$W/cache" \
                "$PT" -s 80x24 wait:Ossingtonmoor cpu send:qq -- "${pair%%=*}" "$e" >"$W/o" 2>/dev/null
            awk '$1 ~ /^wait:/ {print $2}' "$W/o" >>"$W/w$k"
            awk '$1 == "cpu" {print $2}' "$W/o" >>"$W/c$k"
            wait_finisher "$e"
        done
        "$PT" -s 80x24 wait:Ossingtonmoor cpu send:q -- less "$W/serial-$s.txt" >"$W/o" 2>/dev/null
        awk '$1 ~ /^wait:/ {print $2}' "$W/o" >>"$W/wl"
        awk '$1 == "cpu" {print $2}' "$W/o" >>"$W/cl"
        i=$((i + 1))
    done
    wl=$(med <"$W/wl"); cl=$(med <"$W/cl")
    k=0
    for pair in "$@"; do
        k=$((k + 1))
        w=$(med <"$W/w$k"); c=$(med <"$W/c$k")
        printf '%4sMB  %-44s wall %7s (%5sx less)  cpu %7s (%5sx less)\n' "$s" "$pair" \
            "$w" "$(ratio "$w" "$wl")" "$c" "$(ratio "$c" "$cl")"
    done
    printf '%4sMB  %-44s wall %7s               cpu %7s\n' "$s" "less (the TXT)" "$wl" "$cl"
done
echo "(cold rounds that waited for the finisher: $FIN_WAITS, longest $((FIN_MAX * 100)) ms)"
