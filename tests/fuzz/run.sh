#!/bin/sh
# tests/fuzz/run.sh [SECONDS] — build every fuzz target (tests/fuzz/fuzz_*.c)
# and run each for SECONDS (default 60); one check per target: it built and
# ran without a finding.  `make fuzz` runs it with FUZZ_SECONDS; make check
# runs it through t_fuzz.sh for a few seconds each.
#
# With clang's libFuzzer the targets are real libFuzzer binaries; without it
# (FUZZ_MODE=standalone, or no working `clang -fsanitize=fuzzer`) they are
# linked by $CC with tests/fuzz/standalone.c, which replays and mutates the
# same corpus under ASan+UBSan.
#
# Corpus of target fuzz_NAME: build/fuzz/corpus/NAME (new inputs land there,
# kept between runs) seeded from tests/fuzz/corpus/NAME and tests/data/NAME;
# text targets (all but config and bookmarks) also get the sample library
# and the small texts of tests/data.  Findings: build/fuzz/artifacts/.
. "$(dirname "$0")/../lib.sh"
SECONDS_EACH=${1:-60}
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
echo "fuzz: $mode, ${SECONDS_EACH}s per target"
mkdir -p "$B/artifacts"

# seeds NAME: a folder holding copies of the seed files (flat, so names
# with spaces need no quoting).
seeds() {
    dir="$TMPD/seeds/$1"
    if [ ! -d "$dir" ]; then
        mkdir -p "$dir"
        {
            for d in "tests/fuzz/corpus/$1" "tests/fuzz/corpus/fuzz_$1" "tests/data/$1"; do
                [ -d "$d" ] && find "$d" -type f
            done
            case $1 in
            config|bookmarks) ;;
            *) find sample_library tests/data -type f -size -256k 2>/dev/null ;;
            esac
        } | sort -u | {
            i=0
            while IFS= read -r f; do
                i=$((i + 1))
                cp "$f" "$dir/seed$i"
            done
        }
    fi
    printf '%s\n' "$dir"
}

for src in tests/fuzz/fuzz_*.c; do
    [ -f "$src" ] || continue
    target=$(basename "$src" .c)
    name=${target#fuzz_}
    log="$TMPD/$target.log"
    if ! $MAKE --no-print-directory -s FUZZ_MODE="$mode" "$bindir/$target" >"$log" 2>&1; then
        fail "$target: does not build"
        tail -n 20 "$log" >&2
        continue
    fi
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
    work="$B/corpus/$name"
    mkdir -p "$work"
    dict=""
    [ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
    # shellcheck disable=SC2086
    if "$bindir/$target" -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=2048 \
            -max_len=65536 -print_final_stats=1 $dict \
            -artifact_prefix="$B/artifacts/$target-" \
            "$work" "$(seeds "$name")" >"$log" 2>&1; then
        pass
        runs=$(grep -E '^stat::number_of_executed_units|standalone:' "$log" | tail -n 1)
        echo "$target: clean ($runs)"
    else
        fail "$target: a finding (see $B/artifacts/)"
        grep -E 'ERROR|runtime error|SUMMARY|Test unit written|standalone:|==[0-9]+==' "$log" | head -n 20 >&2
    fi
done
finish
