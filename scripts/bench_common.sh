# shellcheck shell=sh
# scripts/bench_common.sh — sourced, from the top of the tree with TOP set
# to it, by the benches that time quire and `less` in a pseudo-terminal
# with build/ptytime (tests/bench/coldepub.sh, tests/bench/reopen.sh,
# scripts/bench_split.sh).  Sourcing sets G (the shared Gutenberg folder)
# and NOVELS (scripts/novels.sh) and defines:
#   bench_setup NAME: builds build/ptytime (PT, its path) and
#     build/gencorpus; makes the temporary folder W (quire-NAME.XXXXXX,
#     removed on exit) and a clean environment: C.UTF-8, xterm-256color,
#     HOME and XDG_CONFIG_HOME inside W, no QUIRE_LIBRARY, QUIRE_NO_CACHE,
#     QUIRE_CONVERTER nor less settings.  Fails when a build fails.
#   med: the median of the numbers on stdin, one a line ("-" for none).
#   ratio A B: A / B to two places ("-" when either is "-" or B is 0).
# shellcheck disable=SC2034   # G is novels.sh's and the benches'
G=$TOP/../shared/corpus/gutenberg
# shellcheck disable=SC1091   # scripts/novels.sh, checked on its own
. "$TOP/scripts/novels.sh"

bench_setup() {
    CC=${CC:-cc}
    mkdir -p build
    $CC -O2 -o build/ptytime tests/bench/ptytime.c -lutil || return 1
    $CC -O2 -o build/gencorpus tests/bench/gencorpus.c || return 1
    # shellcheck disable=SC2034   # the benches' ptytime
    PT=$TOP/build/ptytime
    W=$(mktemp -d "${TMPDIR:-/tmp}/quire-$1.XXXXXX") || return 1
    trap 'rm -rf "$W"' EXIT
    export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color PTYTIME_TERM=xterm-256color
    export HOME="$W/home" XDG_CONFIG_HOME="$W/config"
    unset QUIRE_LIBRARY QUIRE_NO_CACHE QUIRE_CONVERTER LESS LESSOPEN LESSCLOSE
    mkdir -p "$HOME"
}

med() { sort -n | awk '{a[NR]=$1} END {if (!NR) print "-"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f\n", a / b}'; }
