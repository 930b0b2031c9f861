#!/bin/sh
# tests/run.sh — run every suite and add up their closing lines.
#
# A suite is a unit-test binary (build/unit/test_*) or a shell script
# (tests/*/t_*.sh).  Each ends with "N passed, N failed"; a suite that dies
# without that line counts as one failure.  The last line printed here is the
# total, "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
total_p=0
total_f=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run_suite() {
    name=$1; shift
    "$@" >"$log" 2>&1
    rc=$?
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        p=0; f=1
        echo "FAIL $name: exited $rc without a result line" >&2
        tail -n 20 "$log" >&2
    else
        p=${line%% passed*}
        f=${line#*, }; f=${f%% failed*}
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "FAIL $name: exit status $rc" >&2; fi
        [ "$f" -ne 0 ] && grep -E '^FAIL|ERROR|Sanitizer|runtime error' "$log" | head -n 40 >&2
    fi
    printf '%-28s %s\n' "$name" "$p passed, $f failed"
    total_p=$((total_p + p))
    total_f=$((total_f + f))
}
for t in build/unit/test_*; do
    [ -x "$t" ] || continue
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_suite "$(basename "$t")" "$t"
done
for t in tests/*/t_*.sh; do
    [ -f "$t" ] || continue
    run_suite "$(basename "$t" .sh)" sh "$t"
done
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
