#!/bin/sh
# tests/run.sh [NAME...] — run the suites and add up their closing lines.
#
# A suite is a unit-test binary (build/unit/test_*) or a shell script
# (tests/*/t_*.sh), named test_parse, t_cli, ...  With NAMEs (shell
# patterns: t_ui_*), only the suites they match run; a NAME that matches
# none is one failure.  Each suite ends with "N passed, N failed"; a suite
# that dies without that line counts as one failure.
#
# Suites run side by side, QUIRE_TEST_JOBS at a time (default: three times
# the cores, at least 4; most of a screen suite's time is waiting for tmux),
# each with its own scratch folder and tmux server.  Their lines come out in
# the order below all the same, each with the suite's wall time and CPU
# time; the last line printed is the total, "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
jobs=${QUIRE_TEST_JOBS:-$(( $(nproc 2>/dev/null || echo 2) * 3 ))}
[ "$jobs" -ge 4 ] || [ -n "$QUIRE_TEST_JOBS" ] || jobs=4
[ "$jobs" -ge 1 ] || jobs=1
work=$(mktemp -d "${TMPDIR:-/tmp}/quire-run.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

# The suites, in output order: "NAME COMMAND..." lines.
for t in build/unit/test_*; do
    [ -x "$t" ] && echo "$(basename "$t") $t"
done >"$work/all"
for t in tests/*/t_*.sh; do
    [ -f "$t" ] && echo "$(basename "$t" .sh) sh $t"
done >>"$work/all"

# Only the suites named, if any were.
total_p=0
total_f=0
if [ $# -gt 0 ]; then
    : >"$work/list"
    for pat in "$@"; do
        hit=0
        while read -r name cmd; do
            case $name in
            $pat) hit=1
                  grep -q "^$name " "$work/list" || echo "$name $cmd" >>"$work/list" ;;
            esac
        done <"$work/all"
        if [ "$hit" -eq 0 ]; then
            echo "FAIL: no suite is named $pat (make check T='test_parse t_cli t_ui_*')" >&2
            total_f=$((total_f + 1))
        fi
    done
    # keep the output order of the full run
    grep -Fxf "$work/list" "$work/all" >"$work/sel"
else
    cp "$work/all" "$work/sel"
fi

now() { date +%s.%N 2>/dev/null | sed 's/\.N$/.0/'; }

# A token pool of $jobs lines in a FIFO: a suite takes one to start and
# gives it back when it ends.
mkfifo "$work/pool" || exit 1
exec 3<>"$work/pool"
i=0
while [ "$i" -lt "$jobs" ]; do echo >&3; i=$((i + 1)); done

# Start every suite in the background; suite N (N in output order) writes
# $work/N.log (its output), N.pid, N.time, N.cpu and, last, N.rc.  The
# slowest suites start first (make check from a fresh clone on a 2-core
# machine at 1b5470a, docs/TESTING.md), so that none of them is left running
# alone at the end.
slow="t_valgrind t_fuzz test_search t_ebook t_ui_long t_ui_library t_layers t_bookmarks t_new t_ui_shelf t_ui_input test_layout"
awk '{ print NR, $0 }' "$work/sel" >"$work/numbered"
for s in $slow; do
    awk -v s="$s" '$2 == s' "$work/numbered"
done >"$work/start"
awk -v slow=" $slow " 'index(slow, " " $2 " ") == 0' "$work/numbered" >>"$work/start"
# Interrupted: SIGTERM to every suite running (its own exit trap cleans up,
# tmux servers too) and to every one still waiting for its turn.
pids=""
trap 'kill $pids $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null; exit 130' INT TERM
while read -r n name cmd; do
    (
        read -r _ <&3
        s=$(now)
        case $name in
        test_*) export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ;;
        esac
        $cmd >"$work/$n.log" 2>&1 </dev/null &
        echo $! >"$work/$n.pid"
        wait $!
        rc=$?
        awk -v s="$s" -v e="$(now)" 'BEGIN { printf "%.1f\n", e - s }' >"$work/$n.time"
        # The CPU (user + system) of the processes the suite waited for:
        # a figure the machine's load hardly moves (a tmux server and what
        # runs in it are not among them).
        # (times is a builtin: in a pipeline it would run in a fork, which
        # has no children's times yet)
        times >"$work/$n.times"
        awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); t += p[1] * 60 + p[2] }
                       printf "%.1f\n", t }' "$work/$n.times" >"$work/$n.cpu"
        echo "$rc" >"$work/$n.rc.new"
        mv "$work/$n.rc.new" "$work/$n.rc"
        echo >&3
    ) &
    pids="$pids $!"
done <"$work/start"

# Collect in order, each as it ends (the polls let a signal in at once).
n=0
while read -r name cmd; do
    n=$((n + 1))
    while [ ! -f "$work/$n.rc" ]; do sleep 0.1; done
    rc=$(cat "$work/$n.rc" 2>/dev/null || echo 1)
    log=$work/$n.log
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
    printf '%-28s %-26s %6s s  (cpu %s s)\n' "$name" "$p passed, $f failed" \
        "$(cat "$work/$n.time" 2>/dev/null)" "$(cat "$work/$n.cpu" 2>/dev/null)"
    total_p=$((total_p + p))
    total_f=$((total_f + f))
done <"$work/sel"
wait
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
