# shellcheck shell=sh
# scripts/inproc.sh — sourced by the in-process benches (bench_ui.sh,
# bench_keys.sh, bench_layout.sh): build a program from one .c file and the
# binary's objects (not the mains, nor the converter's: libxml2,
# libarchive), after `make quire`.  Sets INPROC to the program's path.
# Usage: inproc_build SOURCE.c NAME (inproc_setup below for a whole bench)
inproc_build() {
    make -s quire >/dev/null || return 1
    _b=${BUILD:-build}
    _objs=$(for f in src/*.c; do n=${f#src/}; n=${n%.c}; case $n in
        main | ebook_convert | ebook | html | epub | epub_sax | epub_zip) ;;
        *) echo "$_b/obj/$n.o" ;; esac; done)
    _ccf=$(pkg-config --cflags ncursesw 2>/dev/null || true)
    _cl=$(pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw)
    INPROC="$_b/$2"
    # shellcheck disable=SC2086
    ${CC:-cc} -std=c11 -O2 -g -Iinclude -Itests/bench -D_GNU_SOURCE -DNCURSES_WIDECHAR=1 $_ccf \
        -o "$INPROC" "$1" $_objs $_cl -lunistring -pthread -ldl
}

# inproc_setup SOURCE.c NAME TAG: inproc_build, then BENCH (the program),
# TMP (a new folder quire-TAG.XXXXXX, removed on exit) and LC_ALL=C.UTF-8.
inproc_setup() {
    inproc_build "$1" "$2" || return 1
    BENCH=$INPROC
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/quire-$3.XXXXXX") || return 1
    trap 'rm -rf "$TMP"' EXIT
    export LC_ALL=C.UTF-8
}

# inproc_night: $BENCH on one chapter of about 8 MB, $TMP/big/night.txt
# ("A Very Long Night"): the sample's paragraphs over and over, ending
# with the one rare word `zyxwvut`, which it searches for.
inproc_night() {
    mkdir -p "$TMP/big"
    {
        echo "A Very Long Night by Bench Writer"
        echo
        _i=0
        while [ $_i -lt 280 ]; do
            sed '1d' "sample_library/The Worst Betrayal/000_977516cc94ba2ab9.txt"
            sed '1d' "sample_library/The Worst Betrayal/001_f36c8488a464cd0d.txt"
            _i=$((_i + 1))
        done
        echo "The one word nobody says: zyxwvut."
    } >"$TMP/big/night.txt"
    echo "== one huge chapter ($(wc -c <"$TMP/big/night.txt") bytes)"
    "$BENCH" "$TMP/big" "A Very Long Night" the zyxwvut
}
