#!/bin/sh
# t_ui_layers.sh — the screens' objects call one way (docs/ARCHITECTURE.md,
# "The screens"): read from their symbol tables (nm) which ui object calls
# which, and fail on a cycle (tsort), on a screen calling the other screen,
# and on a curses symbol in the objects that promise none.
. "$(dirname "$0")/../lib.sh"

OBJ="$TOP/build/obj"
if ! command -v nm >/dev/null 2>&1 || ! ls "$OBJ"/ui*.o >/dev/null 2>&1; then
    echo "nm or build/obj/ui*.o missing (make quire first): skipping" >&2
    finish
fi
defs() { nm -g --defined-only "$1" | awk '{print $3}'; }
uses() { nm -g --undefined-only "$1" | awk '{print $2}'; }
EDGES="$TMPD/edges"
: >"$EDGES"
for a in "$OBJ"/ui*.o; do
    uses "$a" | sort -u >"$TMPD/u"
    for b in "$OBJ"/ui*.o; do
        [ "$a" = "$b" ] && continue
        if defs "$b" | sort -u | comm -12 - "$TMPD/u" | grep -q .; then
            echo "$(basename "$a" .o) $(basename "$b" .o)" >>"$EDGES"
        fi
    done
done
check "the ui objects call each other (the graph is not empty)" [ -s "$EDGES" ]
check "no cycle between the ui objects" sh -c 'tsort "$1" >/dev/null 2>&1' _ "$EDGES"
no_edge() { ! grep -Eq "$1" "$EDGES"; }
check "the reader does not call the library screen" no_edge '^ui_reader ui_library$'
check "the library screen does not call the reader" no_edge '^ui_library ui_reader$'
check "menus and the prompt call no screen" no_edge '^ui_menu (ui|ui_reader|ui_library)$'
check "the main loop is called by no other ui object" no_edge ' ui$'
check "the drawing helpers call no screen, menu or loop" no_edge '^ui_text '
for o in ui_view ui_history ui_keys; do
    check "$o.o uses no curses function" \
        sh -c '! nm -g --undefined-only "$1" | grep -Eq " (w?move|waddn?w?str|newterm|initscr|wrefresh|doupdate|getch|get_wch|attrset|mvaddnwstr|tigetstr|endwin)$"' _ "$OBJ/$o.o"
done
finish
