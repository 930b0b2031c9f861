#!/bin/sh
# t_layers.sh — the layering of quire, read from the objects themselves.
#
# From the symbols of build/obj/*.o (nm), object A uses object B when A
# needs a symbol B defines.  Against the layer table tests/arch/layers.mk
# this fails on:
#   unplaced A.o          an object (or a tests/unit/test_*.c) in no layer,
#                         or a table entry with no src/NAME.c
#   up A.o -> B.o         A uses B and B's layer is above A's
#   cycle A.o -> B.o      A uses B and B leads back to A (a loop)
#   curses A.o            A, outside the ui layer, uses a curses symbol
# Each violation is printed with the symbols behind it.  The violations in
# tests/arch/pending.txt (the same keys, one a line) are printed but
# tolerated, and each pending entry must still occur: the list only shrinks.
#
# QUIRE_OBJ_DIR names another object folder (default build/obj).
. "$(dirname "$0")/../lib.sh"
OBJ=${QUIRE_OBJ_DIR:-$TOP/build/obj}
TABLE=$TOP/tests/arch/layers.mk
PENDING=$TOP/tests/arch/pending.txt
NM=${NM:-nm}

command -v "$NM" >/dev/null 2>&1 || { fail "nm is not installed (binutils)"; finish; }
# The objects of the sources there are (an object left from a source since
# removed is not part of the program): every one must be built.
objs=""
for c in "$TOP"/src/*.c; do
    n=$(basename "$c" .c)
    if [ -f "$OBJ/$n.o" ]; then objs="$objs $OBJ/$n.o"; else
        fail "$OBJ/$n.o is missing (make quire builds it)"
    fi
done
[ -n "$objs" ] || finish

# The table: "KIND NAME LAYER RANK" lines, KIND obj or unit, RANK the
# layer's place from the bottom (1 = base).
awk '
    { sub(/#.*/, "") }
    /\\$/ { sub(/\\$/, ""); held = held $0 " "; next }
    { line = held $0; held = "" }
    line ~ /^[ \t]*[A-Za-z_]+[ \t]*:?=/ {
        name = line; sub(/[ \t]*:?=.*/, "", name); sub(/^[ \t]*/, "", name)
        val = line; sub(/^[^=]*=/, "", val)
        vars[name] = val
    }
    END {
        n = split(vars["LAYERS"], order, " ")
        for (i = 1; i <= n; i++) {
            m = split(vars["LAYER_" order[i]], w, " ")
            for (j = 1; j <= m; j++) print "obj", w[j], order[i], i
            m = split(vars["UNIT_" order[i]], w, " ")
            for (j = 1; j <= m; j++) print "unit", w[j], order[i], i
        }
    }' "$TABLE" >"$TMPD/table"
check "the layer table names its layers (LAYERS in tests/arch/layers.mk)" \
    grep -q '^obj ' "$TMPD/table"

# Every object, source and unit test placed exactly once; every entry real.
for o in $objs; do
    n=$(basename "$o" .o)
    c=$(grep -c "^obj $n " "$TMPD/table")
    if [ "$c" -eq 1 ]; then pass; else
        fail "unplaced $n.o: put $n in exactly one LAYER_* list of tests/arch/layers.mk (it is in $c)"
    fi
done
for u in "$TOP"/tests/unit/test_*.c; do
    n=$(basename "$u" .c)
    c=$(grep -c "^unit $n " "$TMPD/table")
    if [ "$c" -eq 1 ]; then pass; else
        fail "unplaced $n: put $n in exactly one UNIT_* list of tests/arch/layers.mk (it is in $c)"
    fi
done
while read -r kind n layer rank; do
    case $kind in
    obj) f=$TOP/src/$n.c ;;
    *) f=$TOP/tests/unit/$n.c ;;
    esac
    if [ -f "$f" ]; then pass; else
        fail "tests/arch/layers.mk places $n in $layer, but there is no ${f#"$TOP"/}"
    fi
done <"$TMPD/table"

# The curses symbols: whatever the curses libraries that quire-dyn loads
# define (else the libraries the compiler would link).
curses_libs=$(ldd "$QUIRE_DYN" 2>/dev/null | awk '$1 ~ /^lib(ncurses|tinfo)/ && $3 ~ /^\// { print $3 }')
if [ -z "$curses_libs" ]; then
    for l in libncursesw.so.6 libtinfo.so.6 libncursesw.so.5 libtinfo.so.5; do
        p=$(${CC:-cc} -print-file-name=$l 2>/dev/null)
        case $p in /*) [ -f "$p" ] && curses_libs="$curses_libs $p" ;; esac
    done
fi
for l in $curses_libs; do
    "$NM" -D --defined-only "$l" 2>/dev/null
done | awk 'NF >= 3 { print $3 } NF == 2 { print $2 }' | sed 's/@.*//' | sort -u >"$TMPD/curses"
check "the curses libraries' symbols were found (for the curses rule)" \
    grep -qx 'initscr' "$TMPD/curses"

# The symbols: "OBJECT U SYMBOL" and "OBJECT D SYMBOL" lines.
for o in $objs; do
    n=$(basename "$o" .o)
    "$NM" -P -g "$o" | awk -v o="$n.o" '
        $2 == "U" || $2 == "w" || $2 == "v" { print o, "U", $1; next }
        NF >= 2 { print o, "D", $1 }'
done >"$TMPD/syms"

# The graph: "A B SYMBOL" when A uses SYMBOL defined by B; then every
# violation as "KEY<TAB>DETAIL" in $TMPD/found.
awk -v table="$TMPD/table" -v curses="$TMPD/curses" '
    BEGIN {
        while ((getline l < table) > 0) {
            split(l, f, " ")
            if (f[1] == "obj") { layer[f[2] ".o"] = f[3]; rank[f[2] ".o"] = f[4] }
        }
        while ((getline l < curses) > 0) is_curses[l] = 1
    }
    $2 == "D" { def[$3] = $1; objs[$1] = 1; next }
    $2 == "U" { nu++; ua[nu] = $1; us[nu] = $3; objs[$1] = 1 }
    END {
        nn = 0
        for (o in objs) node[++nn] = o
        for (i = 1; i <= nu; i++) {
            a = ua[i]; s = us[i]
            if (s in def && def[s] != a) {
                b = def[s]
                if (!((a, b) in edge)) { edge[a, b] = s } else { edge[a, b] = edge[a, b] " " s }
            } else if (!(s in def) && (s in is_curses) && layer[a] != "ui") {
                if (a in cur) { cur[a] = cur[a] " " s } else { cur[a] = s }
            }
        }
        for (k in edge) {
            split(k, ab, SUBSEP); a = ab[1]; b = ab[2]
            if ((a in rank) && (b in rank) && rank[a] < rank[b])
                printf "up %s -> %s\t%s (%s) uses %s (%s): %s\n", a, b, a, layer[a], b, layer[b], edge[k]
        }
        for (a in cur)
            printf "curses %s\t%s (%s) uses curses: %s\n", a, a, layer[a], cur[a]
        # Cycles: every use A -> B where B leads back to A (the transitive
        # closure), with the whole loop group named.
        for (k in edge) reach[k] = 1
        for (m = 1; m <= nn; m++) for (i = 1; i <= nn; i++) {
            if (!((node[i], node[m]) in reach)) continue
            for (j = 1; j <= nn; j++)
                if ((node[m], node[j]) in reach) reach[node[i], node[j]] = 1
        }
        for (k in edge) {
            split(k, ab, SUBSEP); a = ab[1]; b = ab[2]
            if (!((b, a) in reach)) continue
            grp = ""
            for (j = 1; j <= nn; j++)
                if ((a, node[j]) in reach && (node[j], a) in reach) grp = grp " " node[j]
            printf "cycle %s -> %s\t%s uses %s (%s) and %s leads back to %s (the loop is among:%s)\n", a, b, a, b, edge[k], b, a, grp
        }
    }' "$TMPD/syms" | sort >"$TMPD/found"

# The converter holds the objects its main reaches and no others: a base
# or text object is in quire-convert (one of its global symbols is) exactly
# when ebook_convert.o reaches it through the uses above.
CONV=$(dirname "$OBJ")/quire-convert
if [ -f "$CONV" ] && [ -f "$OBJ/ebook_convert.o" ]; then
    "$NM" -P "$CONV" | awk '{ print $1 }' | sort -u >"$TMPD/conv_syms"
    awk -v start=ebook_convert.o '
        $2 == "D" { def[$3] = $1; next }
        { nu++; ua[nu] = $1; us[nu] = $3 }
        END {
            for (i = 1; i <= nu; i++)
                if ((us[i] in def) && def[us[i]] != ua[i]) uses[ua[i]] = uses[ua[i]] " " def[us[i]]
            seen[start] = 1; q[1] = start; h = 1; t = 1
            while (h <= t) {
                n = split(uses[q[h++]], b, " ")
                for (j = 1; j <= n; j++) if (!(b[j] in seen)) { seen[b[j]] = 1; q[++t] = b[j] }
            }
            for (o in seen) print o
        }' "$TMPD/syms" | sort >"$TMPD/conv_reach"
    check "the converter reaches its own main" grep -qx ebook_convert.o "$TMPD/conv_reach"
    while read -r kind n layer rank; do
        [ "$kind" = obj ] && { [ "$layer" = base ] || [ "$layer" = text ]; } || continue
        [ -f "$OBJ/$n.o" ] || continue
        linked=$(awk -v o="$n.o" '$1 == o && $2 == "D" { print $3 }' "$TMPD/syms" |
            sort -u | comm -12 - "$TMPD/conv_syms" | head -n 1)
        if grep -qx "$n.o" "$TMPD/conv_reach"; then
            check "quire-convert holds $n.o, which ebook_convert.o reaches" test -n "$linked"
        elif [ -n "$linked" ]; then
            fail "quire-convert links $n.o (it defines $linked), which ebook_convert.o never uses"
        else
            pass
        fi
    done <"$TMPD/table"
fi

# The pending list without comments and blank lines.
{ [ -f "$PENDING" ] && sed 's/#.*//; s/[ \t]*$//; /^$/d' "$PENDING"; } | sort >"$TMPD/pending"

# Every violation fails unless it is pending; each object gets its checks.
while IFS="$(printf '\t')" read -r key detail; do
    if grep -qxF -- "$key" "$TMPD/pending"; then
        echo "pending (tests/arch/pending.txt): $key: $detail"
    else
        echo "$key" >>"$TMPD/new"
        fail "$key: $detail"
    fi
done <"$TMPD/found"
touch "$TMPD/new"
new=" $(tr '\n' ' ' <"$TMPD/new")"
for o in $objs; do
    n=${o##*/}
    case $new in *" up $n -> "*) fail "$n calls a higher layer" ;; *) pass ;; esac
    case $new in *" curses $n "*) fail "$n uses curses outside the ui" ;; *) pass ;; esac
    case $new in *" cycle $n -> "*) fail "$n is in a cycle" ;; *) pass ;; esac
done
# Every pending entry still occurs (remove it from pending.txt once fixed).
while read -r key; do
    if cut -f1 "$TMPD/found" | grep -qxF -- "$key"; then pass; else
        fail "tests/arch/pending.txt lists \"$key\", which no longer occurs: remove the line"
    fi
done <"$TMPD/pending"
finish
