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
# text targets (all but config, bookmarks and pace) also get the sample library
# and the small texts of tests/data, are fuzzed with inputs up to 1 MiB
# (-max_len; 64 KiB for the others), and after fuzzing each runs once on
# every large input of big_inputs below (pathological structure, 1 MiB;
# 192 KiB for layout, which checks every line it lays out): one check per
# target, which fails on a crash or on an input running past BIG_TIMEOUT
# seconds (a hang guard, 6 times the slowest of them here; a pass that is
# quadratic in the input takes minutes).  Findings: build/fuzz/artifacts/.
. "$(dirname "$0")/../lib.sh"
SECONDS_EACH=${1:-60}
BIG_TIMEOUT=${BIG_TIMEOUT:-30}
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
            config|bookmarks|pace|seen|wire) ;;
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
    case $name in
    config|bookmarks|pace|seen|wire) max_len=65536 ;;
    *) max_len=1048576 ;;
    esac
    # shellcheck disable=SC2086
    if "$bindir/$target" -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=2048 \
            -max_len="$max_len" -print_final_stats=1 $dict \
            -artifact_prefix="$B/artifacts/$target-" \
            "$work" "$(seeds "$name")" >"$log" 2>&1; then
        pass
        runs=$(grep -E '^stat::number_of_executed_units|standalone:' "$log" | tail -n 1)
        echo "$target: clean ($runs)"
    else
        fail "$target: a finding (see $B/artifacts/)"
        grep -E 'ERROR|runtime error|SUMMARY|Test unit written|standalone:|==[0-9]+==' "$log" | head -n 20 >&2
    fi
    [ "$max_len" -gt 65536 ] || continue
    case $name in
    layout) size=196608 ;;
    *) size=1048576 ;;
    esac
    big="$TMPD/big-$size"
    [ -d "$big" ] || big_inputs "$big" "$size"
    bad=""
    for f in "$big"/*; do
        if ! "$bindir/$target" -runs=0 -timeout="$BIG_TIMEOUT" -rss_limit_mb=2048 \
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
done
finish
