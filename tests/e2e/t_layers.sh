#!/bin/sh
# t_layers.sh — the layers of docs/ARCHITECTURE.md, read from the symbol
# graph of the objects (nm on build/obj/*.o, which `make` builds first):
#   - no two objects outside the ui reach each other (no cycle: a module
#     that needs another is below it, never beside it);
#   - no library object uses a symbol of layout, render, search, the ui or
#     main, and no layout object one of the ui or main;
#   - no object outside the ui uses a curses symbol (those libncursesw and
#     libtinfo define), so the library and the layout build without curses.
# The ui objects' own graph is the ui's business (issue 13).
. "$(dirname "$0")/../lib.sh"
OBJ=$TOP/build/obj
if ! command -v nm >/dev/null 2>&1 || [ ! -f "$OBJ/main.o" ]; then
    echo "t_layers: nm or $OBJ/main.o missing (run make); skipped" >&2
    finish
fi

# The layer of an object, by name.
layer() {
    case $1 in
    ui|ui_*) echo ui ;;
    main) echo top ;;
    layout|render|search) echo layout ;;
    *) echo library ;;
    esac
}

# "OBJ DEF SYM" and "OBJ USE SYM" lines for every object.
G=$TMPD/graph
for o in "$OBJ"/*.o; do
    n=$(basename "$o" .o)
    nm "$o" | awk -v n="$n" '
        NF == 3 && $2 ~ /^[TDBRCGS]$/ { print n, "DEF", $3 }
        NF == 2 && $1 == "U" { print n, "USE", $2 }'
done >"$G"
# Edges "A B" (A uses a symbol B defines), each once.
awk '$2 == "DEF" { def[$3] = $1 } $2 == "USE" { use[NR] = $1 " " $3 }
     END { for (k in use) { split(use[k], p, " "); if ((p[2] in def) && def[p[2]] != p[1]) print p[1], def[p[2]] } }' \
    "$G" | sort -u >"$TMPD/edges"
check "the symbol graph has edges (nm read the objects)" test -s "$TMPD/edges"

# 1. No cycle among the objects outside the ui: the transitive closure of
#    the edges has no pair both ways.
cycles=$(grep -v -E '^ui[ _]|^ui_[a-z]* |[ ]ui(_[a-z]*)?$' "$TMPD/edges" | awk '
    { e[$1, $2] = 1; node[$1] = 1; node[$2] = 1 }
    END {
        for (k in node) for (i in node) if ((i, k) in e) for (j in node) if ((k, j) in e) e[i, j] = 1
        for (i in node) for (j in node) if (i < j && ((i, j) in e) && ((j, i) in e)) print i " <-> " j
    }')
check_eq "no cycle between objects outside the ui" "$cycles" ""

# 2. No call into a higher layer.
up=$(while read -r a b; do
    la=$(layer "$a") lb=$(layer "$b")
    case $la:$lb in
    library:layout|library:ui|library:top|layout:ui|layout:top) echo "$a -> $b" ;;
    esac
done <"$TMPD/edges")
check_eq "no object calls a higher layer" "$up" ""

# 3. Curses symbols only in the ui.
libs=""
for l in libncursesw.so.6 libtinfo.so.6 libncursesw.so libtinfo.so; do
    p=$(ldconfig -p 2>/dev/null | awk -v l="$l" '$1 == l { print $NF; exit }')
    [ -n "$p" ] && [ -f "$p" ] && libs="$libs $p"
done
if [ -z "$libs" ]; then
    echo "t_layers: libncursesw not found by ldconfig; the curses check is skipped" >&2
else
    # shellcheck disable=SC2086
    nm -D --defined-only $libs 2>/dev/null | awk 'NF == 3 { print $3 }' | sed 's/@.*//' |
        sort -u >"$TMPD/curses"
    check "the curses libraries list their symbols" test -s "$TMPD/curses"
    outside=$(awk '$2 == "USE" && $1 !~ /^ui(_|$)/ { print $3, $1 }' "$G" | sort -u |
        join - "$TMPD/curses" | awk '{ print $2 ": " $1 }')
    check_eq "no curses symbol outside the ui objects" "$outside" ""
    inside=$(awk '$2 == "USE" && $1 ~ /^ui(_|$)/ { print $3 }' "$G" | sort -u | join - "$TMPD/curses" | head -n 1)
    check "the check can see curses symbols (the ui uses some)" test -n "$inside"
fi
finish
