#!/bin/sh
# compare_baseline.sh BASE NEW [LIBRARY...]: the library outputs of two
# quire binaries, byte for byte.  For every library (default: every folder
# and file under tests/data/library, the sample library and, when present,
# ../shared/corpus/fanfic): --list, --list --tsv, --list --verbose and
# --list --tsv --verbose (stdout and stderr), each run cold (empty cache),
# warm on its own cache, and warm on the other binary's cache (the index
# cache and the library snapshot must be read both ways); --bookmarks on a
# state file the BASE binary wrote; --render -w 72 of every story of the
# sample library.  Prints each difference and "N same, N different".
set -u
base=$1 new=$2
shift 2
if [ $# -eq 0 ]; then
    set -- tests/data/library/* tests/data/library sample_library
    [ -d ../shared/corpus/fanfic ] && set -- "$@" ../shared/corpus/fanfic
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
same=0 diff=0
run() {   # run BIN HOME ARGS... > out
    b=$1 h=$2
    shift 2
    HOME=$h XDG_CACHE_HOME=$h/cache XDG_STATE_HOME=$h/state XDG_CONFIG_HOME=$h/config \
        "$b" "$@" 2>&1
    echo "exit $?"
}
check() {   # check LABEL FILE1 FILE2
    if cmp -s "$2" "$3"; then
        same=$((same + 1))
    else
        diff=$((diff + 1))
        echo "DIFFERENT: $1"
        diff "$2" "$3" | head -10
    fi
}
for lib in "$@"; do
    for mode in "--list" "--list --tsv" "--list --verbose" "--list --tsv --verbose"; do
        # cold, then warm on its own cache, then on the other's cache
        for who in base new; do
            rm -rf "$tmp/h-$who"; mkdir -p "$tmp/h-$who"
        done
        # shellcheck disable=SC2086
        run "$base" "$tmp/h-base" $mode "$lib" > "$tmp/b1"
        # shellcheck disable=SC2086
        run "$new" "$tmp/h-new" $mode "$lib" > "$tmp/n1"
        check "$lib $mode cold" "$tmp/b1" "$tmp/n1"
        # shellcheck disable=SC2086
        run "$base" "$tmp/h-base" $mode "$lib" > "$tmp/b2"
        # shellcheck disable=SC2086
        run "$new" "$tmp/h-new" $mode "$lib" > "$tmp/n2"
        check "$lib $mode warm" "$tmp/b2" "$tmp/n2"
        # each binary on the cache the other one wrote
        # shellcheck disable=SC2086
        run "$new" "$tmp/h-base" $mode "$lib" > "$tmp/n3"
        check "$lib $mode new on base's cache" "$tmp/b1" "$tmp/n3"
        # shellcheck disable=SC2086
        run "$base" "$tmp/h-new" $mode "$lib" > "$tmp/b3"
        check "$lib $mode base on new's cache" "$tmp/b1" "$tmp/b3"
    done
done
# --bookmarks: with no store, then (BOOKMARKS_FILE=FILE) on a store the
# base binary wrote, with the sample library and the test libraries
rm -rf "$tmp/hb"; mkdir -p "$tmp/hb/state/quire"
for w in base new; do
    eval bin=\$$w
    run "$bin" "$tmp/hb" --bookmarks > "$tmp/bm-$w"
done
check "--bookmarks (empty store)" "$tmp/bm-base" "$tmp/bm-new"
if [ -n "${BOOKMARKS_FILE:-}" ] && [ -f "$BOOKMARKS_FILE" ]; then
    cp "$BOOKMARKS_FILE" "$tmp/hb/state/quire/bookmarks"
    for w in base new; do
        eval bin=\$$w
        for lib in sample_library tests/data/library; do
            run "$bin" "$tmp/hb" -L "$lib" --bookmarks > "$tmp/bm-$w"
            QUIRE_LIBRARY=$lib run "$bin" "$tmp/hb" --bookmarks >> "$tmp/bm-$w"
        done
    done
    check "--bookmarks ($BOOKMARKS_FILE)" "$tmp/bm-base" "$tmp/bm-new"
fi
# render every story of the sample library at 72 columns
for s in "Almost Heaven" "The Worst Betrayal" "Untitled Prologue"; do
    rm -rf "$tmp/hr"; mkdir -p "$tmp/hr"
    run "$base" "$tmp/hr" --render -w 72 "sample_library/$s" > "$tmp/rb"
    run "$new" "$tmp/hr" --render -w 72 "sample_library/$s" > "$tmp/rn"
    check "--render $s" "$tmp/rb" "$tmp/rn"
done
echo "$same same, $diff different"
[ "$diff" -eq 0 ]
