#!/bin/sh
# tests/fuzz/run.sh [SECONDS | -runs N] — build every fuzz target
# (tests/fuzz/fuzz_*.c) and fuzz each, FUZZ_JOBS at a time (default: the
# cores); one check per target: it built and ran without a finding.
#
#   SECONDS (default 60)  each target fuzzed for SECONDS, from its seeds and
#                         the inputs earlier runs found (`make fuzz`, the
#                         long run: time is what it spends)
#   -runs N               each target runs its seeds, then N mutations (the
#                         slow text targets parse, html and layout N/10);
#                         the run ends when they are done, never at a time
#                         (make check's smoke, tests/fuzz/t_fuzz.sh)
#
# With clang's libFuzzer the targets are real libFuzzer binaries; without it
# (FUZZ_MODE=standalone, or no working `clang -fsanitize=fuzzer`) they are
# linked by $CC with tests/fuzz/standalone.c, which replays and mutates the
# same corpus under ASan+UBSan.
#
# Seeds of target fuzz_NAME: tests/fuzz/corpus/NAME and tests/data/NAME;
# text targets (all but config, bookmarks, pace and seen) also get the
# sample library and the small texts of tests/data, and are fuzzed with
# inputs up to 1 MiB (-max_len; 64 KiB for the others).  A long run keeps
# the inputs it finds in build/fuzz/corpus/NAME for the next long run; the
# smoke keeps none (it fuzzes from the seeds alone, so it costs the same
# every time).  Each text target also runs once on every large input of
# big_inputs below (pathological structure, 1 MiB; 192 KiB for layout,
# which checks every line it lays out): one check per target, which fails
# on a crash or on an input running past BIG_TIMEOUT seconds (a hang
# guard: 120 under libFuzzer, 30 standalone, 16 and 50 times the CPU of the
# slowest of them here; a pass that is quadratic in the input takes many
# minutes).  Findings: build/fuzz/artifacts/.  And fuzz_derived, killed,
# leaves a folder in /tmp that its next run removes (two checks).
#
# The fuzzing of a target and its large inputs are separate jobs; their
# output comes out in target order all the same, each target's whole.
. "$(dirname "$0")/../lib.sh"
SECONDS_EACH=60
SMOKE_RUNS=""
case ${1:-} in
-runs) SMOKE_RUNS=${2:?"-runs needs a count"} ;;
-runs=*) SMOKE_RUNS=${1#-runs=} ;;
?*) SECONDS_EACH=$1 ;;
esac
JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
[ "$JOBS" -ge 1 ] 2>/dev/null || JOBS=1
cd "$TOP" || exit 1
MAKE=${MAKE:-make}
CLANG=${CLANG:-clang}
B=build/fuzz

mode=${FUZZ_MODE:-}
if [ -z "$mode" ]; then
    mode=standalone
    printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\n%s\n' \
        'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
        >"$TMPD/probe.c"
    "$CLANG" -fsanitize=fuzzer "$TMPD/probe.c" -o "$TMPD/probe" >/dev/null 2>&1 && mode=libfuzzer
fi
if [ "$mode" = libfuzzer ]; then bindir=$B/lf; else bindir=$B/sa; fi
# The large inputs' hang guard, per input: the slowest of them takes 7.5 s
# of CPU under libFuzzer's instrumentation (fuzz_parse, mixed), 0.6 s
# standalone; two jobs at a time on a loaded machine stretch that.
if [ "$mode" = libfuzzer ]; then BIG_TIMEOUT=${BIG_TIMEOUT:-120}; else BIG_TIMEOUT=${BIG_TIMEOUT:-30}; fi
if [ -n "$SMOKE_RUNS" ]; then
    echo "fuzz: $mode, seeds then $SMOKE_RUNS mutations per target ($((SMOKE_RUNS / 10)) for parse, html, layout), $JOBS at a time"
else
    echo "fuzz: $mode, ${SECONDS_EACH}s per target, $JOBS at a time"
fi
mkdir -p "$B/artifacts"

targets=""
for src in tests/fuzz/fuzz_*.c; do
    [ -f "$src" ] && targets="$targets $(basename "$src" .c)"
done

# Build them all in one make (its own -j); when it fails, a target is built
# when make has nothing left to do for it.
# shellcheck disable=SC2086
all_built=false
$MAKE --no-print-directory -s -k -j"$JOBS" FUZZ_MODE="$mode" \
    $(for t in $targets; do printf '%s ' "$bindir/$t"; done) >"$TMPD/build.log" 2>&1 && all_built=true
built() {
    [ -x "$bindir/$1" ] || return 1
    $all_built || $MAKE --no-print-directory -q FUZZ_MODE="$mode" "$bindir/$1" >/dev/null 2>&1
}

# copy_flat DIR: copy the files named on stdin into DIR as seed1, seed2, ...
# (flat, so names with spaces need no quoting).
copy_flat() {
    mkdir -p "$1"
    i=0
    while IFS= read -r f; do
        i=$((i + 1))
        cp "$f" "$1/seed$i"
    done
}
# seeds NAME: the folders of its seeds, one a line.  Its own in
# $TMPD/seeds/NAME (tests/fuzz/corpus/NAME, tests/data/NAME); a text
# target's also $TMPD/seeds/texts, the sample library and the small texts of
# tests/data, copied once for all of them.
seeds() {
    dir="$TMPD/seeds/$1"
    if ! small_target "$1" && [ ! -d "$TMPD/seeds/texts" ]; then
        find sample_library tests/data -type f -size -256k 2>/dev/null | sort -u >"$TMPD/texts.list"
        copy_flat "$TMPD/seeds/texts" <"$TMPD/texts.list"
    fi
    if [ ! -d "$dir" ]; then
        for d in "tests/fuzz/corpus/$1" "tests/fuzz/corpus/fuzz_$1" "tests/data/$1"; do
            [ -d "$d" ] && find "$d" -type f
        done | sort -u | {
            if small_target "$1"; then cat; else grep -vxF -f "$TMPD/texts.list"; fi
        } | copy_flat "$dir"
    fi
    echo "$dir"
    small_target "$1" || echo "$TMPD/seeds/texts"
}

# big_inputs DIR BYTES: write the large inputs into DIR, each BYTES long
# (one line of awk per input: the unit repeated, i counting from 0).
big_inputs() {
    mkdir -p "$1"
    big() {   # NAME AWK-EXPRESSION-FOR-ONE-UNIT
        awk -v n="$BYTES" "BEGIN { s = 0; for (i = 0; s < n; i++) { u = $2; printf \"%s\", u; s += length(u) } }" |
            head -c "$BYTES" >"$DIR/$1"
    }
    DIR=$1 BYTES=$2
    big blank-lines '(i % 3 == 0 ? "\n" : i % 3 == 1 ? " \n" : "\r\n")'
    big headings '"Chapter " i "\n\n"'
    big one-line '"word" i " "'
    big paragraph '"line " i " of a hard-wrapped paragraph with no end\n"'
    big emphasis '(i % 5 == 4 ? "\n" : i % 3 == 0 ? "a *b " : i % 3 == 1 ? "_c **d " : "~e ")'
    big mixed '(i % 4 == 0 ? "* * *\n" : i % 4 == 1 ? "\n" : i % 4 == 2 ? "CHAPTER " i "\n" : "*He* said _so_ **now**.\n")'
    # Runs of scene-break lines, touching and apart (issue 14, item 2:
    # quadratic in parse_blocks.c's merge_blocks when this was written).
    big separator-lines '(i % 4 == 0 ? "***\n" : i % 4 == 1 ? "* * *\n" : i % 4 == 2 ? "*_*_*_*\n" : "~~~\n")'
    big separators-apart '"* * *\n\n"'
}

# run_bin COMMAND...: run it in the background, its pid in the job's pid
# file (an interrupted run stops it), and wait for it.
run_bin() {
    "$@" &
    echo $! >"$TMPD/$JOB.pid"
    wait $!
}

small_target() { case $1 in config|bookmarks|pace|seen|wire) return 0 ;; esac; return 1; }
big_size() { if [ "$1" = layout ]; then echo 196608; else echo 1048576; fi; }

# job_fuzz TARGET: its valid* seeds accepted, then fuzzing without a finding.
job_fuzz() {
    target=$1
    name=${target#fuzz_}
    log="$TMPD/$target.log"
    # A seed named valid* must be accepted by its target (which says so
    # on stderr when FUZZ_SAY is set), or fuzzing starts from nothing.
    for v in "tests/fuzz/corpus/$name"/valid*; do
        [ -f "$v" ] || continue
        if FUZZ_SAY=1 "$bindir/$target" -runs=0 "$v" 2>&1 | grep -q ': accepted$'; then
            pass
        else
            fail "$target: its seed $v is not accepted"
        fi
    done
    dict=""
    [ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
    if small_target "$name"; then max_len=65536; else max_len=1048576; fi
    seeddirs=$(seeds "$name")
    if [ -n "$SMOKE_RUNS" ]; then
        work="$TMPD/corpus/$name"
        case $name in
        parse|html|layout) mutations=$((SMOKE_RUNS / 10)) ;;
        *) mutations=$SMOKE_RUNS ;;
        esac
        # libFuzzer counts the seeds it replays as runs, the standalone
        # driver only its mutations.
        runs=$mutations
        # shellcheck disable=SC2086
        [ "$mode" = libfuzzer ] && runs=$((mutations + $(find $seeddirs -type f | wc -l)))
        limit="-runs=$runs"
    else
        work="$B/corpus/$name"
        limit="-max_total_time=$SECONDS_EACH"
    fi
    mkdir -p "$work"
    # shellcheck disable=SC2086
    if run_bin "$bindir/$target" $limit -timeout=20 -rss_limit_mb=2048 \
            -max_len="$max_len" -print_final_stats=1 $dict \
            -artifact_prefix="$B/artifacts/$target-" \
            "$work" $seeddirs >"$log" 2>&1; then
        pass
        runs=$(grep -E '^stat::number_of_executed_units|standalone:' "$log" | tail -n 1)
        echo "$target: clean ($runs)"
    else
        fail "$target: a finding (see $B/artifacts/)"
        grep -E 'ERROR|runtime error|SUMMARY|Test unit written|standalone:|==[0-9]+==' "$log" | head -n 20 >&2
    fi
}

# job_big TARGET: every large input once, none crashing or past BIG_TIMEOUT.
job_big() {
    target=$1
    name=${target#fuzz_}
    size=$(big_size "$name")
    big="$TMPD/big-$size"
    log="$TMPD/$target.big.log"
    bad=""
    for f in "$big"/*; do
        if ! run_bin "$bindir/$target" -runs=0 -timeout="$BIG_TIMEOUT" -rss_limit_mb=2048 \
                -artifact_prefix="$B/artifacts/$target-" "$f" >"$log" 2>&1; then
            bad="$bad $(basename "$f")"
            cp "$f" "$B/artifacts/$target-big-$(basename "$f")"
            grep -E 'ERROR|runtime error|SUMMARY|standalone:|==[0-9]+==' "$log" | head -n 5 >&2
        fi
    done
    if [ -z "$bad" ]; then
        pass
        echo "$target: clean on $(ls "$big" | wc -l) large inputs of $size bytes"
    else
        fail "$target: large inputs of $size bytes:$bad (a crash, or longer than ${BIG_TIMEOUT}s; copies in $B/artifacts/)"
    fi
}

# The jobs, "KIND TARGET" lines, longest first (the large inputs of the
# text targets, then the fuzzing), so that no long job starts last; a
# target that did not build is one failure, and no job.
: >"$TMPD/jobs"
: >"$TMPD/built"
for target in $targets; do
    name=${target#fuzz_}
    built "$target" || continue
    echo "$target" >>"$TMPD/built"
    seeds "$name" >/dev/null
    if ! small_target "$name"; then
        size=$(big_size "$name")
        [ -d "$TMPD/big-$size" ] || big_inputs "$TMPD/big-$size" "$size"
        echo "big $target" >>"$TMPD/jobs"
    fi
done
for target in $targets; do
    grep -qx "$target" "$TMPD/built" && echo "fuzz $target" >>"$TMPD/jobs"
done

# A token pool of $JOBS lines in a FIFO: a job takes one to start and gives
# it back when it ends.  Job KIND.TARGET writes KIND.TARGET.out and .err,
# .pid (its process, for an interruption) and, last, .count ("PASSED
# FAILED").
mkfifo "$TMPD/pool" || exit 1
exec 3<>"$TMPD/pool"
k=0
while [ "$k" -lt "$JOBS" ]; do echo >&3; k=$((k + 1)); done
pids=""
stop() { kill $pids $(cat "$TMPD"/*.pid 2>/dev/null) 2>/dev/null; exit "$1"; }
trap 'stop 129' HUP
trap 'stop 130' INT
trap 'stop 143' TERM
while read -r kind target; do
    (
        trap - HUP INT TERM EXIT
        read -r _ <&3
        JOB=$kind.$target T_PASSED=0 T_FAILED=0
        "job_$kind" "$target" >"$TMPD/$JOB.out" 2>"$TMPD/$JOB.err"
        echo "$T_PASSED $T_FAILED" >"$TMPD/$JOB.count"
        echo >&3
    ) &
    pids="$pids $!"
done <"$TMPD/jobs"
wait

# A fuzz_derived run killed before its atexit (the hang guard, a crash,
# SIGKILL) leaves its folder in /tmp; the next run removes it.  With
# FUZZ_SAY the target names its folder first: the run is killed once it
# has, and a run of one seed follows.
derived_killed() {
    b=$bindir/fuzz_derived
    mkdir -p "$TMPD/killed-seeds"
    cp tests/fuzz/corpus/derived/valid-tale "$TMPD/killed-seeds/"
    FUZZ_SAY=1 "$b" -runs=100000000 "$TMPD/killed-seeds" >/dev/null 2>"$TMPD/killed.log" &
    echo $! >"$TMPD/killed.pid"
    folder=""
    while kill -0 "$(cat "$TMPD/killed.pid")" 2>/dev/null; do
        folder=$(sed -n 's/^fuzz_derived: folder //p' "$TMPD/killed.log")
        [ -n "$folder" ] && break
        grep -qE '^fuzz_derived: (accepted|refused)' "$TMPD/killed.log" && break
        sleep 0.1
    done
    kill -9 "$(cat "$TMPD/killed.pid")" 2>/dev/null
    wait "$(cat "$TMPD/killed.pid")" 2>/dev/null
    rm -f "$TMPD/killed.pid"
    # it may have ended between two looks (the standalone driver runs its
    # one seed and exits): its log is whole now
    [ -n "$folder" ] || folder=$(sed -n 's/^fuzz_derived: folder //p' "$TMPD/killed.log")
    if [ -z "$folder" ]; then
        fail "fuzz_derived: names no folder under FUZZ_SAY before its first input"
        tail -n 5 "$TMPD/killed.log" >&2
        return
    fi
    check "fuzz_derived: a killed run leaves its folder ($folder)" test -d "$folder"
    "$b" -runs=0 "$TMPD/killed-seeds/valid-tale" >/dev/null 2>&1
    check "fuzz_derived: the next run removes the folder a killed run left" test ! -e "$folder"
}
grep -qx fuzz_derived "$TMPD/built" && derived_killed

# In target order: a build failure, or the fuzzing's output, then the large
# inputs'.
for target in $targets; do
    if ! grep -qx "$target" "$TMPD/built"; then
        fail "$target: does not build"
        grep -F -e "$target" -e rror "$TMPD/build.log" | head -n 20 >&2
        continue
    fi
    for kind in fuzz big; do
        grep -qx "$kind $target" "$TMPD/jobs" || continue
        JOB=$kind.$target
        cat "$TMPD/$JOB.out"
        cat "$TMPD/$JOB.err" >&2
        if read -r p f <"$TMPD/$JOB.count" 2>/dev/null; then
            T_PASSED=$((T_PASSED + p))
            T_FAILED=$((T_FAILED + f))
        else
            fail "$target: its $kind job ended without a count"
        fi
    done
done
finish
