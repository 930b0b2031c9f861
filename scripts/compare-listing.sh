#!/bin/sh
# scripts/compare-listing.sh OLD NEW [LIBRARY...] — does a cold library
# build of NEW give what OLD's gives?  For a change to the build's speed
# that must not change a byte (issue 17, the cold listing).
#
# OLD and NEW are quire binaries.  For each LIBRARY (default: every folder
# of tests/data/library, sample_library, tests/data/corpus and, when
# ../shared is here, each folder of ../shared/corpus), with
# QUIRE_BUILD_THREADS=1 and 2, each binary runs with an empty cache:
#   `--list` (cold), then `--list --tsv --verbose` (from the snapshot the
#   first run wrote), then again cold `--list --tsv --verbose`;
# and stdout, stderr, the exit status, the index cache and the snapshot
# are compared (their `engine` line, which names the binary, and the
# `end` line that seals it are left out).
# Both binaries use one EPUB/HTML converter, QUIRE_CONVERTER (default
# build/quire-convert): the caches record the converter's identity.
# Prints each difference and exits 1 when there is any, else 0.
USAGE='[LIBRARY...]' TAG=cmplist
# shellcheck source=scripts/compare_common.sh
. "$(dirname "$0")/compare_common.sh"
if [ $# -eq 0 ]; then
    set -- "$TOP"/tests/data/library/* "$TOP/sample_library" "$TOP/tests/data/corpus"
    [ -d "$TOP/../shared/corpus" ] && for d in "$TOP"/../shared/corpus/*/; do set -- "$@" "${d%/}"; done
fi
QUIRE_CONVERTER=${QUIRE_CONVERTER:-$TOP/build/quire-convert}
export QUIRE_CONVERTER

# run WHICH BINARY LIB THREADS: outputs into $W/WHICH/
run() {
    o=$W/$1
    rm -rf "$o"
    mkdir -p "$o/c" "$o/c2" "$o/s"
    env QUIRE_BUILD_THREADS="$4" XDG_CACHE_HOME="$o/c" XDG_STATE_HOME="$o/s" XDG_CONFIG_HOME="$o/s" \
        "$2" --list "$3" >"$o/1.out" 2>"$o/1.err"
    echo $? >"$o/1.rc"
    env QUIRE_BUILD_THREADS="$4" XDG_CACHE_HOME="$o/c" XDG_STATE_HOME="$o/s" XDG_CONFIG_HOME="$o/s" \
        "$2" --list --tsv --verbose "$3" >"$o/2.out" 2>"$o/2.err"
    echo $? >"$o/2.rc"
    env QUIRE_BUILD_THREADS="$4" XDG_CACHE_HOME="$o/c2" XDG_STATE_HOME="$o/s" XDG_CONFIG_HOME="$o/s" \
        "$2" --list --tsv --verbose "$3" >"$o/3.out" 2>"$o/3.err"
    echo $? >"$o/3.rc"
    for f in "$o"/c/quire/index-* "$o"/c/quire/library-*; do
        [ -f "$f" ] || continue
        grep -a -v -e '^engine	' -e '^end	' "$f" >"$o/$(basename "$f" | cut -d- -f1).cache"
    done
}

bad=0
n=0
for lib in "$@"; do
    [ -e "$lib" ] || { echo "compare-listing: $lib: no such file or folder" >&2; bad=1; continue; }
    for t in 1 2; do
        run old "$old" "$lib" "$t"
        run new "$new" "$lib" "$t"
        for f in 1.out 1.err 1.rc 2.out 2.err 2.rc 3.out 3.err 3.rc index.cache library.cache; do
            n=$((n + 1))
            [ -f "$W/old/$f" ] || [ -f "$W/new/$f" ] || continue
            if ! cmp -s "$W/old/$f" "$W/new/$f"; then
                echo "DIFFERS: $lib, $t thread(s), $f"
                diff "$W/old/$f" "$W/new/$f" 2>&1 | head -n 8
                bad=1
            fi
        done
    done
done
[ "$bad" = 0 ] && echo "compare-listing: $n outputs, all the same"
exit "$bad"
