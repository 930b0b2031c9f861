#!/bin/sh
# t_ui_input.sh — how the reader takes input, in tmux: the mouse (wheel and
# buttons only, never motion tracking; `mouse = no` turns it off), q on a
# story opened by its path, a count before ] and [, the contents' chapter
# number and filter, TERM=dumb and LANG=C, search history and "hit N of M",
# key remaps checked by --config-check and shown in the footers.
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

# 3. A count before ] or [ moves that many chapters; the contents take a
#    chapter number and filter by the text typed.
C12="$TMPD/twelve.txt"
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
    w=$(echo "Rain Bridge Harbour Winter Garden Letters Lighthouse Ashes Crossing Lantern Return Morning" | cut -d' ' -f$i)
    printf 'Chapter %d: %s\n\n' "$i" "$w"
    for k in 1 2 3 4 5 6; do
        printf 'This is the text of chapter %d, where the %s waits for someone to notice it at last, and the days go by one after another without a word.\n\n' "$i" "$w"
    done
done >"$C12"
check_eq "the test story has twelve chapters" "$("$QUIRE" --list --tsv "$C12" | wc -l | tr -d ' ')" 12
ui_start 80 24 "$C12"
ui_keys 3 ']'
check "3] moves three chapters on (1 -> 4)" status_has ' 4/12 '
ui_keys 2 '['
check "2[ moves two back (4 -> 2)" status_has ' 2/12 '
ui_keys ']'
check "] alone still moves one" status_has ' 3/12 '
ui_keys 4 0 ']'
check "40] stops at the last chapter" status_has ' 12/12 '
ui_keys "'" "'"
check "'' goes back to where the count jump started" status_has ' 3/12 '
ui_keys t 1 0
check "digits in the contents select that chapter" reverse_on '10. Chapter 10'
check_eq "and the count says which" "$(ui_status | sed -n 's/.* \([0-9]*\/[0-9]*\) #.*/\1/p')" "10/12"
ui_keys Enter
check "Enter jumps to it" status_has ' 10/12 '
ui_keys t 9 9
check "a number past the end says so" ui_wait 'no entry 99 here \(1-12\)'
ui_keys /
ui_type 'lightHOUSE'
check "the filter shows only the matching chapter" ui_wait '7\. Chapter 7: Lighthouse'
check "and hides the others" not_shown 'Chapter 8: Ashes'
ui_keys Enter
check "Enter keeps the filter" ui_wait 'filter: lightHOUSE'
ui_keys Enter
check "and Enter chooses the chapter shown" status_has ' 7/12 '
ui_keys t /
ui_type 'zzz'
ui_keys Enter
check "a filter that matches nothing says so" ui_wait 'nothing matches "zzz"'
ui_keys Escape
check "Esc drops the filter: every chapter again" ui_wait '12\. Chapter 12: Morning'
ui_keys Escape
check "and Esc again closes the contents" status_has ' 7/12 '
$UI_T send-keys -t q q
ui_dead >/dev/null

# 4. TERM=dumb: one clear line and status 1, not a blank reader.  LANG=C:
#    a character the locale cannot show is a '?' in each of its columns,
#    never dropped.
printf 'A Story\n\nAlice didn\342\200\231t say caf\303\251 or \346\227\245\346\234\254 at all.\n' >"$TMPD/c.txt"
D0=$UI_DEADLINE
UI_DEADLINE=5   # no frame is expected: do not wait long for one
ui_run 80 24 "env TERM=dumb $(ui_quote "$QUIRE" "$TMPD/c.txt") 2>'$TMPD/dumb.err'" 2>/dev/null
UI_DEADLINE=$D0
check_eq "TERM=dumb: exit status 1" "$(ui_dead)" "1 0"
check_eq "with one line on stderr" "$(grep -c . "$TMPD/dumb.err")" 1
check "naming TERM and what to do" grep -q 'TERM=dumb cannot move the cursor.*quire --render' "$TMPD/dumb.err"
ui_run 80 24 "env LC_ALL=C LANG=C $(ui_quote "$QUIRE" "$TMPD/c.txt")"
check "LANG=C: the story opens" ui_wait 'Alice'
check "a curly apostrophe is a '?', not dropped" ui_wait "Alice didn\?t say caf\? or \?\?\?\? at all\."
$UI_T send-keys -t q q
check_eq "LANG=C: quits cleanly" "$(ui_dead)" "0 0"

# 5. Search: which hit of how many; / then Up recalls earlier searches, in
#    a later run too (the state folder's search-history).
ui_start 80 24 "$C12"
ui_keys 0 %
ui_keys /
ui_type 'Harbour waits'
ui_keys Enter
check "a search says which hit of how many (6 in chapter 3)" status_has 'hit 1 of 6'
check "in the chapter it found" status_has ' 3/12 '
ui_keys n
check "n: the next hit" status_has 'hit 2 of 6'
ui_keys N
check "N: back to the first" status_has 'hit 1 of 6'
ui_keys /
ui_type 'Lantern waits'
ui_keys Enter
check "a second search" status_has ' 10/12 '
$UI_T send-keys -t q q
ui_dead >/dev/null
check_eq "both are kept in the state folder, oldest first" \
    "$(cat "$XDG_STATE_HOME/quire/search-history")" "$(printf 'Harbour waits\nLantern waits')"
ui_start 80 24 "$C12"
ui_keys / Up
check "a later run: / then Up recalls the last search" ui_wait '^/Lantern waits'
ui_keys Up
check "Up again: the one before" ui_wait '^/Harbour waits'
ui_keys Down
check "Down: the later one" ui_wait '^/Lantern waits'
ui_keys Up Enter
check "Enter runs the search recalled" ui_wait 'the Harbour waits'
check "and says hit 1 of 6" status_has 'hit 1 of 6'
ui_keys / Up Enter
check "the same search again moves to the front, not twice in the file" \
    [ "$(grep -c 'Harbour waits' "$XDG_STATE_HOME/quire/search-history")" = 1 ]
check_eq "the last search is the last line" "$(tail -n 1 "$XDG_STATE_HOME/quire/search-history")" "Harbour waits"
$UI_T send-keys -t q q
ui_dead >/dev/null

# 6. Key remaps: an unknown action fails --config-check with its line; the
#    footers name the keys in force.
printf 'width = 60\nkey.bogus = y\nkey.line_down = x\n' >"$TMPD/keys.conf"
"$QUIRE" --config "$TMPD/keys.conf" --config-check >/dev/null 2>"$TMPD/keys.err"
check_eq "key.bogus = y: --config-check exits 1" "$?" 1
check "naming the file, line 2 and the action" grep -q "keys.conf:2: key.bogus = y: no such action" "$TMPD/keys.err"
check_eq "one line" "$(grep -c . "$TMPD/keys.err")" 1
mkdir -p "$XDG_CONFIG_HOME/quire"
printf 'key.bogus = y\nkey.line_down = x\nkey.close = c\nkey.filter = s\n' >"$XDG_CONFIG_HOME/quire/config"
ui_run 80 24 "$(ui_quote "$QUIRE" -L "$LIBDIR") 2>/dev/null"
check "the problem is said on the bottom line at start" ui_wait 'config has 1 key remap problem'
ui_keys j
check "the library footer names the remapped filter key" status_has 'Enter read  s filter  h help  q quit'
ui_keys h
check "the help footer names the remapped keys (x scrolls, c closes)" status_has 'x/k scroll  c close'
ui_keys c
ui_keys Enter t
check "the contents footer too" status_has 'Enter choose  c close'
ui_keys c q
$UI_T send-keys -t q q
ui_dead >/dev/null
rm -f "$XDG_CONFIG_HOME/quire/config"

finish
