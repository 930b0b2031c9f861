#!/bin/sh
# bench_layout.sh — layout speed against fmt(1) on the same text.
#
#   sh scripts/bench_layout.sh [FILE] [WIDTH]
#
# Default FILE: War and Peace from the shared corpus (3.3 MB).  Builds
# build/bench_layout from scripts/bench_layout.c and the optimised objects,
# then prints layout CPU times (best of 5), and the wall and CPU times of
# `quire --render -w WIDTH` and `fmt -w WIDTH` on the same file.
cd "$(dirname "$0")/.." || exit 1
F=${1:-../shared/corpus/gutenberg/war-and-peace_pg2600-0.txt}
[ -f "$F" ] || F=../../shared/corpus/gutenberg/war-and-peace_pg2600-0.txt
W=${2:-72}
[ -f "$F" ] || { echo "bench_layout: no text to measure (give a FILE)"; exit 0; }
. scripts/inproc.sh
inproc_build scripts/bench_layout.c bench_layout || exit 1
./build/bench_layout "$F" "$W" 5
# CPU time of a command in ms: `perf stat` task-clock (mean of 5 runs) when
# perf works, else /usr/bin/time user+system (best of 5, 10 ms resolution).
# Wall time is meaningless on a loaded machine.
cpu_ms() {
    if perf stat -r 5 -x, -e task-clock -o build/bench_perf "$@" >/dev/null 2>&1; then
        awk -F, '/task-clock/ { printf "%.1f", $1 }' build/bench_perf
        return
    fi
    b=
    for i in 1 2 3 4 5; do
        /usr/bin/time -o build/bench_time -f '%U %S' "$@" >/dev/null 2>&1
        t=$(tail -n 1 build/bench_time | awk '{ printf "%d", ($1 + $2) * 1000 }')
        if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
    done
    echo "$b"
}
# Wall time of a command in ms (hyperfine's mean of 10 runs), "-" without
# hyperfine.  quire --render lays out on two threads: CPU and wall differ.
wall_ms() {
    command -v hyperfine >/dev/null 2>&1 || { echo "-"; return; }
    hyperfine -N -w 2 -r 10 --export-csv build/bench_hf.csv "$*" >/dev/null 2>&1 || { echo "-"; return; }
    awk -F, 'NR == 2 { printf "%.1f", $2 * 1000 }' build/bench_hf.csv
}
echo "  wall time of whole programs on the same file (side by side):"
echo "  quire --render -w $W: $(wall_ms ./quire --render -w "$W" "$F") ms"
echo "  fmt -w $W:            $(wall_ms fmt -w "$W" "$F") ms"
echo "  CPU time of whole programs on the same file:"
echo "  quire --render -w $W (read, parse, lay out, print): $(cpu_ms ./quire --render -w "$W" "$F") ms"
echo "  fmt -w $W:                                         $(cpu_ms fmt -w "$W" "$F") ms"
