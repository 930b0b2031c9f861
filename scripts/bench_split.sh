#!/bin/sh
# scripts/bench_split.sh OLD_QUIRE — the figures of the process split
# (docs/BENCHMARKS.md, "The process split"): ./quire (static-pie, EPUB/HTML
# through build/quire-convert) against OLD_QUIRE (a build of the tree
# before it, dynamic libc, its plugin found beside it) and `less`, in
# interleaved rounds (old, new, less; ROUNDS of them, default 21), medians:
#   - TXT first screen, fresh (no saved place), 1 and 32 MB: ptytime's
#     wall time to the first screen and its cpu (the reader's main thread);
#   - TXT reopened at a place saved at 50% (`less +50p`);
#   - EPUB (the serial converted as scripts/bench.sh does) first screen,
#     warm (derived file kept) and cold (caches emptied), wall; ptytime's
#     cpu does not count the converter process, so the cold conversion's
#     CPU is measured with perf stat (children included) on `--list`;
#   - perf stat -r 100 -e task-clock of `--version` (start-up alone) and
#     of `--render -w 80 --chapter 1` of the 1 MB TXT.
# PARTS (default "txt epub perf") picks the parts.  Needs ../shared's
# novels, less, zip, perf.  Inputs in a temporary folder.
set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$(pwd)
OLD=${1:?usage: scripts/bench_split.sh OLD_QUIRE}
NEW=$TOP/quire
ROUNDS=${ROUNDS:-21}
PARTS=${PARTS:-"txt epub perf"}
part() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }
. "$TOP/scripts/bench_common.sh"
[ -n "$NOVELS" ] || { echo "bench_split: no ../shared novels" >&2; exit 1; }
bench_setup split || exit 1
# make_epub, as scripts/bench.sh makes the bench's EPUBs
eval "$(sed -n '/^make_epub() {/,/^}/p' scripts/bench.sh)"
for s in 1 32; do
    # shellcheck disable=SC2086
    ./build/gencorpus serial "$s" "$W/serial-$s.txt" $NOVELS >/dev/null || exit 1
    make_epub "$W/serial-$s.txt" "$W/serial-$s.epub"
done
sleep 2   # the caches keep no file changed in the last second

step() { awk -v k="$1" '$1 == k {print $2}' "$2" | tail -n 1; }
FIRST=wait:Ossingtonmoor

# pt WHO STATE CACHE ptytime-steps... -- cmd: one run, output in $W/pt.out
pt() {
    st=$1 ca=$2; shift 2
    XDG_STATE_HOME="$st" XDG_CACHE_HOME="$ca" "$PT" -s 80x24 "$@" >"$W/pt.out" 2>/dev/null
}
# row LABEL FILE-PREFIX: medians and ratios of old, new and less
row() {
    o=$(med <"$W/$2.old") n=$(med <"$W/$2.new") l=$(med <"$W/$2.less")
    printf '%-34s %8s %8s %8s %7s %7s\n' "$1" "$o" "$n" "$l" "$(ratio "$o" "$l")" "$(ratio "$n" "$l")"
}
echo "bench_split: $ROUNDS rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %8s %8s %8s %7s %7s\n' "measure (ms, medians)" "old" "new" "less" "old/l" "new/l"

part txt && for s in 1 32; do
    f="$W/serial-$s.txt"
    for k in fw fc rw rc; do for who in old new less; do : >"$W/$k.$who"; done; done
    # a place saved at 50%, for each binary its own state
    for who in old new; do
        q=$OLD; [ $who = new ] && q=$NEW
        rm -rf "$W/st-$who" "$W/ca-$who"
        pt "$W/st-$who" "$W/ca-$who" $FIRST send:50% wait:Meridianholt send:qq -- "$q" "$f"
    done
    i=0
    while [ $i -lt "$ROUNDS" ]; do
        for who in old new; do
            q=$OLD; [ $who = new ] && q=$NEW
            rm -rf "$W/st-fresh"
            pt "$W/st-fresh" "$W/ca-$who" $FIRST cpu send:qq -- "$q" "$f"
            step $FIRST "$W/pt.out" >>"$W/fw.$who"; step cpu "$W/pt.out" >>"$W/fc.$who"
            pt "$W/st-$who" "$W/ca-$who" wait:Meridianholt cpu send:qq -- "$q" "$f"
            step wait:Meridianholt "$W/pt.out" >>"$W/rw.$who"; step cpu "$W/pt.out" >>"$W/rc.$who"
        done
        pt "$W/st-less" "$W/ca-less" $FIRST cpu send:q -- less "$f"
        step $FIRST "$W/pt.out" >>"$W/fw.less"; step cpu "$W/pt.out" >>"$W/fc.less"
        pt "$W/st-less" "$W/ca-less" wait:Meridianholt cpu send:q -- less +50p "$f"
        step wait:Meridianholt "$W/pt.out" >>"$W/rw.less"; step cpu "$W/pt.out" >>"$W/rc.less"
        i=$((i + 1))
    done
    row "TXT ${s} MB first screen, wall" fw
    row "TXT ${s} MB first screen, cpu" fc
    row "TXT ${s} MB reopened at 50%, wall" rw
    row "TXT ${s} MB reopened at 50%, cpu" rc
done

part epub && for s in 1 32; do
    e="$W/serial-$s.epub" t="$W/serial-$s.txt"
    for k in ew ec; do for who in old new less; do : >"$W/$k.$who"; done; done
    for who in old new; do
        q=$OLD; [ $who = new ] && q=$NEW
        rm -rf "$W/ce-$who"
        pt "$W/st-fresh" "$W/ce-$who" $FIRST send:100% wait:Quembertonia send:qq -- "$q" "$e"
    done
    i=0
    n=$ROUNDS; [ "$s" = 32 ] && n=$(( (ROUNDS + 2) / 3 ))
    while [ $i -lt "$n" ]; do
        for who in old new; do
            q=$OLD; [ $who = new ] && q=$NEW
            rm -rf "$W/st-fresh"
            pt "$W/st-fresh" "$W/ce-$who" $FIRST send:qq -- "$q" "$e"
            step $FIRST "$W/pt.out" >>"$W/ew.$who"
            rm -rf "$W/st-fresh" "$W/cold"
            pt "$W/st-fresh" "$W/cold" $FIRST send:qq -- "$q" "$e"
            step $FIRST "$W/pt.out" >>"$W/ec.$who"
            # the detached finisher of a cold first reading: let it end
            # before the next run (pgrep on its own command line)
            while pgrep -f -- "--chapter 1 --width 80 -- $e" >/dev/null 2>&1; do sleep 0.05; done
        done
        pt "$W/st-less" "$W/ca-less" $FIRST send:q -- less "$t"
        step $FIRST "$W/pt.out" >>"$W/ew.less"; cp "$W/ew.less" "$W/ec.less"
        i=$((i + 1))
    done
    row "EPUB ${s} MB first screen warm, wall" ew
    row "EPUB ${s} MB first screen cold, wall" ec
done

# perf stat: CPU of whole runs, children (the converter) included
ps_row() {
    label=$1 r=$2; shift 2
    o=$(perf stat -r "$r" -x, -e task-clock -- "$OLD" "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ {print $1}')
    n=$(perf stat -r "$r" -x, -e task-clock -- "$NEW" "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ {print $1}')
    printf '%-34s %8.3f %8.3f %8s %7s %7s\n' "$label" "$o" "$n" "" "" "$(ratio "$n" "$o")"
}
part perf || exit 0
echo "perf stat task-clock (ms, mean; last column new/old)"
ps_row "--version" 100 --version
ps_row "--render 1 MB TXT chapter 1" 100 --render -w 80 --chapter 1 "$W/serial-1.txt"
export QUIRE_NO_CACHE=1
ps_row "--list 1 MB EPUB, cold" 20 --list "$W/serial-1.epub"
ps_row "--list 32 MB EPUB, cold" 5 --list "$W/serial-32.epub"
