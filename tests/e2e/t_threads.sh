#!/bin/sh
# t_threads.sh — the per-file analysis of a library build runs on two
# threads (library.c, analyse_all) and gives what one thread gives: the
# listing (--verbose notes included), the index cache and the library
# snapshot are byte-identical with QUIRE_BUILD_THREADS=1 and =2, from an
# empty cache and from a cache that holds some of the files.
. "$(dirname "$0")/../lib.sh"

LIB="$TMPD/lib"
mkdir -p "$LIB"
cp -R "$TOP/sample_library/." "$LIB/"
cp -R "$TOP/tests/data/library/." "$LIB/"
mkdir -p "$LIB/parse" "$LIB/corpus"
cp "$TOP/tests/data/parse/"*.txt "$LIB/parse/" 2>/dev/null
cp "$TOP/tests/data/corpus/"* "$LIB/corpus/"
# Enough files for two threads to share (the build analyses fewer than 16
# on one): from ../shared's fan fiction when it is here, else copies.
if [ -n "$SHARED" ] && [ -d "$SHARED/corpus/fanfic" ]; then
    mkdir -p "$LIB/fanfic"
    find "$SHARED/corpus/fanfic" -type f -name '*.txt' | sort | head -n 60 |
        while IFS= read -r f; do cp "$f" "$LIB/fanfic/"; done
fi
for i in 1 2 3 4 5 6 7 8 9; do
    mkdir -p "$LIB/copies/$i"
    cp "$TOP/tests/data/library/roman.txt" "$LIB/copies/$i/roman.txt"
done
# Files modified within the last second are never cached: age them.
find "$LIB" -type f -exec touch -d '1 hour ago' {} +
n=$(find "$LIB" -type f | wc -l)
check "the library has more than 16 files ($n)" test "$n" -gt 16

# list THREADS CACHE: the listing and the verbose listing with the cache
# folder CACHE; the cache files copied beside them as CACHE.index and
# CACHE.snap.
list() {
    QUIRE_BUILD_THREADS=$1 XDG_CACHE_HOME="$2" "$QUIRE" --list --verbose "$LIB" >"$2.verbose" 2>&1
    rm -f "$2"/quire/library-*   # the tsv listing builds again from the index cache
    QUIRE_BUILD_THREADS=$1 XDG_CACHE_HOME="$2" "$QUIRE" --list --tsv "$LIB" >"$2.tsv" 2>&1
    cat "$2"/quire/index-* >"$2.index" 2>/dev/null
    cat "$2"/quire/library-* >"$2.snap" 2>/dev/null
}
list 1 "$TMPD/c1"
list 2 "$TMPD/c2"
check "a listing" test -s "$TMPD/c1.tsv"
check "with notes (--verbose)" grep -q "read as" "$TMPD/c1.verbose"
check "and an index cache" test -s "$TMPD/c1.index"
check "the verbose listing is the same on two threads" cmp "$TMPD/c1.verbose" "$TMPD/c2.verbose"
check "the listing from the index cache too" cmp "$TMPD/c1.tsv" "$TMPD/c2.tsv"
check "the index cache is the same bytes" cmp "$TMPD/c1.index" "$TMPD/c2.index"
check "and so is the snapshot" cmp "$TMPD/c1.snap" "$TMPD/c2.snap"

# Some files in the cache, some not: two changed, one new.
for f in "$LIB/roman.txt" "$LIB/copies/3/roman.txt"; do
    printf '\nA line added.\n' >>"$f"
done
cp "$TOP/tests/data/library/roman.txt" "$LIB/copies/new.txt"
find "$LIB" -type f -exec touch -d '30 minutes ago' {} +
list 1 "$TMPD/c1"
list 2 "$TMPD/c2"
check "a partly cached build: the same listing" cmp "$TMPD/c1.verbose" "$TMPD/c2.verbose"
check "a partly cached build: the same index cache" cmp "$TMPD/c1.index" "$TMPD/c2.index"
check "a partly cached build: the same snapshot" cmp "$TMPD/c1.snap" "$TMPD/c2.snap"
finish
