# scripts/inproc.sh — sourced by the in-process benches (bench_ui.sh,
# bench_keys.sh, bench_layout.sh): build a program from one .c file and the
# binary's objects (not the mains, nor the converter's: libxml2,
# libarchive), after `make quire`.  Sets INPROC to the program's path.
# Usage: inproc_build SOURCE.c NAME
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
