#!/bin/sh
# tests/bench/reopen.sh — the bench's "reopened at the saved place" rounds
# (scripts/bench.sh) on their own, for comparing builds: each QUIRE binary
# given and `less +Np`, interleaved round by round, medians of ptytime's
# wall (ms to the place's marker), cpu (ms, the main thread's) and page
# faults (every thread's, when the marker is seen).
#
#   sh tests/bench/reopen.sh [QUIRE...]     (default ./quire; a path with a slash)
# Environment: ROUNDS (21), SIZES ("1 32"), AT ("0 50 99"); PIN, a command
# put before every timed ptytime (quire's and less's alike): PIN="taskset
# -c 0" puts the program and its terminal on one core, as on a machine
# whose other core is busy.
# Needs ../shared/corpus; the place is saved by a run that sends N% then qq,
# as the bench does; markers Ossingtonmoor (0%), Meridianholt (50%),
# Ultimabrook (99%).  Not a test: it asserts nothing, make check skips it.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd)
[ -d "$TOP/../shared/corpus/gutenberg" ] || { echo "reopen.sh: no ../shared/corpus"; exit 0; }
[ $# -gt 0 ] || set -- "$TOP/quire"
ROUNDS=${ROUNDS:-21}
SIZES=${SIZES:-"1 32"}
AT=${AT:-"0 50 99"}
PIN=${PIN:-}
. "$TOP/scripts/bench_common.sh"
bench_setup reopen || exit 1
for s in $SIZES; do
    # shellcheck disable=SC2086
    ./build/gencorpus serial "$s" "$W/serial-$s.txt" $NOVELS || exit 1
done
sleep 2   # the index cache keeps no file modified in the last second
echo "reopen.sh: $ROUNDS rounds, load $(cut -d' ' -f1-3 /proc/loadavg)${PIN:+, under $PIN}"
for s in $SIZES; do
    f="$W/serial-$s.txt"
    for p in $AT; do
        case $p in 0) m=Ossingtonmoor;; 50) m=Meridianholt;; 99) m=Ultimabrook;; esac
        k=0
        for q in "$@"; do
            k=$((k + 1))
            st="$W/state-$k" ca="$W/cache-$k"
            rm -rf "$st" "$ca"
            XDG_STATE_HOME="$st" XDG_CACHE_HOME="$ca" "$PT" -s 80x24 wait:Ossingtonmoor "send:$p%" \
                "wait:$m" send:qq -- "$q" "$f" >/dev/null 2>&1
            [ "$p" = 0 ] && XDG_STATE_HOME="$st" XDG_CACHE_HOME="$ca" "$PT" -s 80x24 \
                wait:Ossingtonmoor send:qq -- "$q" "$f" >/dev/null 2>&1
            : >"$W/w$k"; : >"$W/c$k"; : >"$W/f$k"
        done
        : >"$W/wl"; : >"$W/cl"; : >"$W/fl"
        i=0
        while [ $i -lt "$ROUNDS" ]; do
            k=0
            for q in "$@"; do
                k=$((k + 1))
                # shellcheck disable=SC2086   # PIN is a command and its arguments
                XDG_STATE_HOME="$W/state-$k" XDG_CACHE_HOME="$W/cache-$k" $PIN "$PT" -s 80x24 \
                    "wait:$m" cpu faults send:qq -- "$q" "$f" >"$W/o" 2>/dev/null
                awk '$1 ~ /^wait:/ {print $2}' "$W/o" >>"$W/w$k"
                awk '$1 == "cpu" {print $2}' "$W/o" >>"$W/c$k"
                awk '$1 == "faults" {print $2}' "$W/o" >>"$W/f$k"
            done
            # shellcheck disable=SC2086
            $PIN "$PT" -s 80x24 "wait:$m" cpu faults send:q -- less "+${p}p" "$f" >"$W/o" 2>/dev/null
            awk '$1 ~ /^wait:/ {print $2}' "$W/o" >>"$W/wl"
            awk '$1 == "cpu" {print $2}' "$W/o" >>"$W/cl"
            awk '$1 == "faults" {print $2}' "$W/o" >>"$W/fl"
            i=$((i + 1))
        done
        k=0
        for q in "$@"; do
            k=$((k + 1))
            printf '%4sMB %3s%%  %-28s wall %6s  cpu %6s  faults %5s\n' "$s" "$p" "$q" \
                "$(med <"$W/w$k")" "$(med <"$W/c$k")" "$(med <"$W/f$k")"
        done
        printf '%4sMB %3s%%  %-28s wall %6s  cpu %6s  faults %5s\n' "$s" "$p" "less +${p}p" \
            "$(med <"$W/wl")" "$(med <"$W/cl")" "$(med <"$W/fl")"
    done
done
