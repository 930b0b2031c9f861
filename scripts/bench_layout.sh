#!/bin/sh
# bench_layout.sh — layout speed against fmt(1) on the same text.
#
#   sh scripts/bench_layout.sh [FILE] [WIDTH]
#
# Default FILE: War and Peace from the shared corpus (3.3 MB).  Builds
# build/bench_layout from scripts/bench_layout.c and the optimised objects,
# then prints layout CPU times (best of 5), `quire --render` wall time and
# `fmt -w WIDTH` wall time on the same file.
cd "$(dirname "$0")/.." || exit 1
F=${1:-../shared/corpus/gutenberg/war-and-peace_pg2600-0.txt}
[ -f "$F" ] || F=../../shared/corpus/gutenberg/war-and-peace_pg2600-0.txt
W=${2:-72}
[ -f "$F" ] || { echo "bench_layout: no text to measure (give a FILE)"; exit 0; }
make -s quire || exit 1
OBJS=$(ls build/obj/*.o | grep -v '/main\.o$')
cc -std=c11 -O2 -Iinclude -D_GNU_SOURCE -o build/bench_layout scripts/bench_layout.c $OBJS \
   $(pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw) -lunistring || exit 1
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
echo "  CPU time of whole programs on the same file:"
echo "  quire --render -w $W (read, parse, lay out, print): $(cpu_ms ./quire --render -w "$W" "$F") ms"
echo "  fmt -w $W:                                         $(cpu_ms fmt -w "$W" "$F") ms"
