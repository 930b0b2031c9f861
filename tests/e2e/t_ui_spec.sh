#!/bin/sh
# t_ui_spec.sh — SPEC.md's --render width when standard output IS a
# terminal (the other suites pipe it): the pager's column, 72 or the
# terminal's width if narrower; -w wins; the config's width sets the
# column.  Each case runs `quire --render` as the program of a tmux pane and
# compares the whole output (tmux history, wrapped rows joined) with
# `quire --render -w N` piped.
# And `h`, "help: every key": in an 80-column terminal no help row is cut
# off at the screen's edge; a long one goes on in a row of its own.
# And the bookmark list's delete_mark action, remapped in the config (SPEC.md
# names the action for that).
# And "Output never garbles the terminal": a story's ESC sequences (clear
# the screen, set the window title, red) are shown on the reader's screen
# as less shows them ("^[[2J"), and do nothing to the terminal.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

LIB=$TOP/sample_library
STORY="The Worst Betrayal"

# tty_render W ARGS...: the text `quire ARGS` prints to a W-column
# terminal, trailing spaces trimmed, into $TMPD/tty.  quire runs under a shell that then
# prints "quire-done-STATUS" and waits for input, so the pane stays alive
# (tmux may drop the last output of a pane whose program exits) and that
# line is the event to wait for.  Sets $tty_rc to quire's status.
tty_render() {
    w=$1; shift
    ui_stop_server
    $UI_T new-session -d -s q -x "$w" -y 20 -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 \
        -e HOME="$HOME" -e XDG_STATE_HOME="$XDG_STATE_HOME" \
        -e XDG_CONFIG_HOME="$XDG_CONFIG_HOME" -e XDG_CACHE_HOME="$XDG_CACHE_HOME" \
        "unset LINES COLUMNS QUIRE_LIBRARY; TERM=tmux-256color; export TERM;$(ui_quote "$QUIRE" "$@"); echo quire-done-\$?; read x"
    ui_wait '^quire-done-[0-9]+$' 2>/dev/null
    $UI_T capture-pane -p -J -S - -E - -t q >"$TMPD/cap"
    tty_rc=$(sed -n 's/^quire-done-\([0-9]*\)$/\1/p' "$TMPD/cap")
    sed -n '/^quire-done-/q; p' "$TMPD/cap" | sed 's/ *$//' >"$TMPD/tty"
}
piped() { "$QUIRE" "$@" | sed 's/ *$//'; }

tty_render 50 --render --chapter 1 -L "$LIB" "$STORY"
out=$(cat "$TMPD/tty")
check_eq "a 50-column terminal: --render exits 0" "$tty_rc" 0
check "a 50-column terminal: the output is there" test "$(printf '%s\n' "$out" | wc -l)" -gt 100
check_eq "a 50-column terminal: --render lays out at 50 (narrower than 72)" \
    "$out" "$(piped --render -w 50 --chapter 1 -L "$LIB" "$STORY")"

tty_render 100 --render --chapter 2 -L "$LIB" "$STORY"
out=$(cat "$TMPD/tty")
check_eq "a 100-column terminal: --render lays out at 72, the pager's column" \
    "$out" "$(piped --render -w 72 --chapter 2 -L "$LIB" "$STORY")"

tty_render 50 --render -w 30 --chapter 1 -L "$LIB" "$STORY"
out=$(cat "$TMPD/tty")
check_eq "-w 30 on a 50-column terminal: 30 columns" \
    "$out" "$(piped --render -w 30 --chapter 1 -L "$LIB" "$STORY")"

printf 'width = 40\n' >"$TMPD/width40"
tty_render 100 --config "$TMPD/width40" --render --chapter 1 -L "$LIB" "$STORY"
out=$(cat "$TMPD/tty")
check_eq "width = 40 in the config, a 100-column terminal: 40 columns" \
    "$out" "$(piped --render -w 40 --chapter 1 -L "$LIB" "$STORY")"

# Help at 80 columns: the rows that are longer than the screen go on below.
ui_start 80 45 -L "$LIB" "$STORY"
ui_keys h
check "h opens the help" ui_wait 'Keys while reading'
check "the i row's last word is shown, on a row of its own" ui_wait '^ {22}files$'
check "the t row's end: '/ filters'" ui_wait '^ {22}/ filters$'
check "the ] row's end: 'part'" ui_wait '^ {22}part$'
ui_keys q q
ui_keys h
check "the library's help: the s row goes on below" ui_wait '^ {22}\(kept for the next run\)$'
check "the library's help: the i row's last word too" ui_wait '^ {22}files$'

# key.delete_mark = x: x on a row of the bookmark list deletes that mark.
mkdir -p "$XDG_CONFIG_HOME/quire"
printf 'key.delete_mark = x\n' >"$XDG_CONFIG_HOME/quire/config"
ui_start 80 24 -L "$LIB" "$STORY"
ui_keys m a G m b B
check "B lists both marks" ui_wait '^ *b +[0-9]+%'
ui_keys x
check "key.delete_mark = x: x deletes the selected mark" ui_wait "bookmark 'a' deleted"
scr=$(ui_screen)
check "and the list no longer shows it" sh -c '! printf "%s\n" "$1" | grep -Eq "^ *a +[0-9]+%"' _ "$scr"
ui_keys Escape "'" a
check "the deleted mark cannot be jumped to" ui_wait "no bookmark 'a'"
rm "$XDG_CONFIG_HOME/quire/config"

# A story's control characters on the reader's screen: shown, not obeyed.
printf 'Garble Test by Tester\n\nChapter 1\n\nBefore the escapes. \033[2J\033[H\033]0;PWNED\007\033[31mRED after them.\n\nThe next paragraph follows.\n' \
    >"$TMPD/garble.txt"
ui_start 80 24 "$TMPD/garble.txt"
check "the reader opens a story with ESC sequences" ui_wait 'The next paragraph follows\.'
scr=$(ui_screen)
check "ESC, BEL shown as ^[ and ^G on the screen, in place" sh -c \
    'printf "%s\n" "$1" | grep -qF "Before the escapes. ^[[2J^[[H^[]0;PWNED^G^[[31mRED after them."' _ "$scr"
check "\\033[2J did not clear the screen: the chapter heading is still there" sh -c \
    'printf "%s\n" "$1" | grep -q "Chapter 1"' _ "$scr"
check_eq "\\033]0;... did not set the terminal's title" \
    "$($UI_T display -p -t q '#{pane_title}' | grep -c PWNED)" 0
check "\\033[31m turned nothing red" sh -c \
    '! $1 capture-pane -p -e -t q | grep -Eq "$(printf "\033")\\[([0-9]+;)*31(;[0-9]+)*m"' _ "$UI_T"

# A binary file opened by its path on a terminal: no screen at all, the
# one line that says why, status 1.
printf 'bin\000ary\000\000\000data' >"$TMPD/data.bin"
ui_run 80 24 "$(ui_quote "$QUIRE" "$TMPD/data.bin") 2>$(ui_quote "$TMPD/bin.err")" 2>/dev/null
check_eq "a binary file by its path: status 1, the normal screen" "$(ui_dead)" "1 0"
check_eq "and one line on stderr that says why" "$(cat "$TMPD/bin.err")" "quire: $TMPD/data.bin: binary"

finish
