#!/bin/sh
# scripts/compare-convert.sh OLD NEW [EPUB...] — do two EPUB/HTML
# converters (quire-convert programs) give the same conversions?  For a
# change under the converter (its zip layer, its link) that must not
# change a byte.
#
# OLD and NEW are converter programs, selected through QUIRE_CONVERTER;
# the quire binary is $QUIRE (default ./quire).  For each EPUB (default:
# tests/data/epub/*.epub, the fuzz_epub seeds, and every *.epub under
# ../shared/corpus when it is here), each converter, with an empty cache:
#   `quire --render -w 80 EPUB`, and
#   `quire --list --tsv --verbose LIB` of a library holding only EPUB;
# stdout, stderr and the exit status are compared.  Then the same for
# damaged copies of each (cut at half its size, and at its size less 100
# bytes): their exit status and the first line of stderr up to the first
# ':' after "archive" or "entry" (the underlying library's own words may
# differ) are compared.
# Prints each difference and exits 1 when there is any, else 0.
USAGE='[EPUB...]' TAG=cmpconv
# shellcheck source=scripts/compare_common.sh
. "$(dirname "$0")/compare_common.sh"
QUIRE=${QUIRE:-$TOP/quire}
if [ $# -eq 0 ]; then
    set -- "$TOP"/tests/data/epub/*.epub "$TOP"/tests/fuzz/corpus/epub/*
    if [ -d "$TOP/../shared/corpus" ]; then
        for f in $(find -L "$TOP/../shared/corpus" -name '*.epub' | sort); do set -- "$@" "$f"; done
    fi
fi

# run WHICH CONVERTER FILE: outputs into $W/WHICH/
run() {
    o=$W/$1
    rm -rf "$o"
    mkdir -p "$o/c" "$o/c2" "$o/s" "$o/lib"
    cp "$3" "$o/lib/book.epub"
    env QUIRE_CONVERTER="$2" XDG_CACHE_HOME="$o/c" XDG_STATE_HOME="$o/s" XDG_CONFIG_HOME="$o/s" \
        "$QUIRE" --render -w 80 "$o/lib/book.epub" >"$o/r.out" 2>"$o/r.err"
    echo $? >"$o/r.rc"
    env QUIRE_CONVERTER="$2" XDG_CACHE_HOME="$o/c2" XDG_STATE_HOME="$o/s" XDG_CONFIG_HOME="$o/s" \
        "$QUIRE" --list --tsv --verbose "$o/lib" >"$o/l.out" 2>"$o/l.err"
    echo $? >"$o/l.rc"
    # The library's path is in the listing: make it one for both.
    sed -i "s|$o/|W/|g" "$o/r.out" "$o/r.err" "$o/l.out" "$o/l.err"
    for e in r l; do
        sed -n '1s/\(\(archive\|entry\)[^:]*\):.*/\1/p' "$o/$e.err" >"$o/$e.err1"
    done
}

# compare FILE WHAT OUTPUTS...
compare() {
    f=$1 what=$2
    shift 2
    for x in "$@"; do
        n=$((n + 1))
        if ! cmp -s "$W/old/$x" "$W/new/$x"; then
            echo "DIFFERS: $f ($what), $x"
            diff "$W/old/$x" "$W/new/$x" 2>&1 | head -n 8
            bad=1
        fi
    done
}

bad=0
n=0
for f in "$@"; do
    [ -f "$f" ] || { echo "compare-convert: $f: no such file" >&2; bad=1; continue; }
    run old "$old" "$f"
    run new "$new" "$f"
    compare "$f" whole r.out r.err r.rc l.out l.err l.rc
    size=$(wc -c <"$f")
    for cut in $((size / 2)) $((size - 100)); do
        [ "$cut" -gt 0 ] || continue
        head -c "$cut" "$f" >"$W/cut.epub"
        run old "$old" "$W/cut.epub"
        run new "$new" "$W/cut.epub"
        compare "$f" "cut at $cut bytes" r.rc r.err1 l.rc l.err1
    done
done
[ "$bad" = 0 ] && echo "compare-convert: $n outputs, all the same"
exit "$bad"
