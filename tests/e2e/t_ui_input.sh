#!/bin/sh
# t_ui_input.sh — how the reader takes input, in tmux: the mouse (wheel and
# buttons only, never motion tracking; `mouse = no` turns it off), q on a
# story opened by its path, ...
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

STORY="The Worst Betrayal"
mouse_flags() {
    $UI_T display -p -t q '#{mouse_standard_flag}#{mouse_button_flag}#{mouse_all_flag}'
}

# 1. The mouse: button events (1000) only.  tmux reports the modes the
#    program in the pane turned on: standard (1000), button (1002), all
#    motion (1003).
ui_start 80 24 -L "$LIBDIR" "$STORY"
check_eq "the mouse reports buttons and the wheel (1000), no motion (1002, 1003)" \
    "$(mouse_flags)" "100"
ui_keys q
$UI_T send-keys -t q q
ui_dead >/dev/null

# A terminal description whose XM asks for all-motion tracking (1003):
# quire still asks for buttons only, and the wheel still scrolls.
if command -v tic >/dev/null 2>&1 && command -v infocmp >/dev/null 2>&1; then
    TI="$TMPD/terminfo"
    mkdir -p "$TI"
    { infocmp -x tmux-256color | sed '/^#/d; s/^tmux-256color|[^,]*,/quire-motion|tmux with an all-motion XM,/'
      printf '\tXM=\\E[?1003%%?%%p1%%{1}%%=%%th%%el%%;,\n'; } >"$TI/src"
    if tic -x -o "$TI" "$TI/src" 2>/dev/null; then
        ui_run 80 24 "env TERMINFO=$TI TERM=quire-motion $(ui_quote "$QUIRE" -L "$LIBDIR" "$STORY")"
        check_eq "an XM asking for all motion (1003): buttons only all the same" \
            "$(mouse_flags)" "100"
        T1=$(ui_top)
        ui_raw "$(printf '\033[Ma!!')" 1
        check "and the wheel scrolls" [ "$(ui_top)" != "$T1" ]
        ui_keys q
        $UI_T send-keys -t q q
        ui_dead >/dev/null
    else
        fail "tic could not compile a test terminal description"
    fi
else
    echo "tic/infocmp missing: skipping the XM test" >&2
fi

# mouse = no: no mouse reports at all (the terminal keeps the mouse).
mkdir -p "$XDG_CONFIG_HOME/quire"
printf 'mouse = no\n' >"$XDG_CONFIG_HOME/quire/config"
check_eq "mouse = no passes --config-check" "$("$QUIRE" --config-check >/dev/null 2>&1; echo $?)" 0
check "--config-check prints it" sh -c '"$1" --config-check | grep -q "^mouse = no$"' sh "$QUIRE"
ui_start 80 24 -L "$LIBDIR" "$STORY"
check_eq "mouse = no: no mouse mode is on" \
    "$($UI_T display -p -t q '#{mouse_any_flag}')" "0"
ui_keys q
$UI_T send-keys -t q q
ui_dead >/dev/null
rm -f "$XDG_CONFIG_HOME/quire/config"
printf 'mouse = maybe\n' >"$TMPD/badmouse"
check_eq "mouse = maybe is a problem for --config-check" \
    "$("$QUIRE" --config "$TMPD/badmouse" --config-check >/dev/null 2>&1; echo $?)" 1

# 2. A story opened by its path: q quits at once, as less does (no
#    one-story library on the way out); the place is saved all the same.
cp "$LIBDIR/Almost Heaven/003_e00f50334e6292c3.txt" "$TMPD/one.txt"
ui_start 80 24 "$TMPD/one.txt"
ui_keys Space
PCT1=$(ui_status | sed -n 's/.* \([0-9][0-9]*%\) #.*/\1/p')
check "Space moved into the story" [ -n "$PCT1" ] && [ "$PCT1" != "0%" ]
$UI_T send-keys -t q q
check_eq "a file opened by its path: q quits, status 0, screen restored" "$(ui_dead)" "0 0"
check "and no library screen was drawn on the way out" not_shown 'stories? in'
ui_start 80 24 "$TMPD/one.txt"
check_eq "opened again: at the place left" \
    "$(ui_status | sed -n 's/.* \([0-9][0-9]*%\) #.*/\1/p')" "$PCT1"
$UI_T send-keys -t q q
ui_dead >/dev/null
# A story named by its title still goes back to the library.
ui_start 80 24 -L "$LIBDIR" "$STORY"
ui_keys q
check "a story named by its title: q goes back to the library" ui_wait 'stories in'
$UI_T send-keys -t q q
ui_dead >/dev/null

finish
