#!/bin/sh
# t_ui_pace.sh — the time left in the chapter on the status line, from the
# reader's own pace, in tmux.  Time is the test's: QUIRE_TEST_CLOCK names a
# file holding the clock (seconds), set before each page turn, so nothing
# here depends on how fast the machine is.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

# Chapter 1: its heading (2 words) and 2,998 words of story text, after an
# author's note that is not counted; 3,000 words are 12 min at 250 wpm.
F="$TMPD/pace.txt"
{
    printf 'Chapter One\n\n'
    printf 'A/N: thanks to everyone who reviewed, this note has many words in it\n'
    printf 'that are not the story and are never counted as what is left to read.\n\n'
    i=0
    while [ $i -lt 299 ]; do
        printf 'alpha bravo charlie delta echo foxtrot golf hotel india juliet.\n\n'
        i=$((i + 1))
    done
    printf 'the first chapter ends after these eight words.\n\n'
    printf 'Chapter Two\n\n'
    i=0
    while [ $i -lt 100 ]; do
        printf 'kilo lima mike november oscar papa quebec romeo sierra tango.\n\n'
        i=$((i + 1))
    done
} >"$F"
CLK="$TMPD/clock"
echo 1700000000 >"$CLK"
quire_at() { ui_run "$1" 24 "env $(ui_quote "QUIRE_TEST_CLOCK=$CLK" "$QUIRE" "$F")"; }
# The minutes the status line shows left in the chapter ("<" for < 1 min).
mins() {
    ui_status | sed -n -e 's/.* < 1 min left in chapter .*/</p' -e t \
        -e 's/.* \([0-9][0-9]*\) min left in chapter .*/\1/p'
}
# n page turns, `secs` seconds of the test's clock apart.
turns() {
    turns_n=$1
    while [ "$turns_n" -gt 0 ]; do
        echo $(($(cat "$CLK") + $2)) >"$CLK"
        ui_keys Space
        turns_n=$((turns_n - 1))
    done
}

quire_at 80
check "the status line shows the time left in the chapter" status_has 'min left in chapter'
check_eq "no pace measured: 3,000 words at 250 wpm, the note left out" "$(mins)" 12
check "the percent is still there" ui_wait ' 0% #'

# A slow reader: a page (about 120 words) a minute.
turns 12 60
SLOW=$(mins)
check "a slow pace gives more minutes than the default" [ "${SLOW:-0}" -gt 12 ]
echo $(($(cat "$CLK") + 3600)) >"$CLK"
ui_keys Space
ui_keys b
check_eq "back a page: the figure follows the place, the pace kept" "$(mins)" "$SLOW"
ui_keys q
check_eq "quits" "$(ui_dead)" "0 0"
check "the pace file is kept in the state folder" test -s "$XDG_STATE_HOME/quire/pace"

# A new session at the same place reads the pace saved.
quire_at 80
check_eq "the pace is kept across sessions" "$(mins)" "$SLOW"

# Narrow: the time left is dropped first, the percent stays.
ui_resize 40 24
check "at 40 columns the percent is still shown" ui_wait '[0-9]+% #'
check "at 40 columns the time left is dropped" sh -c '! echo "$1" | grep -q "min left"' _ "$(ui_status)"
ui_keys q
ui_dead >/dev/null

# A fast reader, in another state folder: a page every 6 seconds.
XDG_STATE_HOME="$TMPD/state2"
quire_at 80
check_eq "a new state folder: the default pace again" "$(mins)" 12
turns 12 6
FAST=$(mins)
check "a fast pace gives fewer minutes than the slow one at the same place" \
    [ "$(echo "$FAST" | tr '<' 0)" -lt "$SLOW" ]
check "a fast pace gives fewer minutes than the default" [ "$(echo "$FAST" | tr '<' 0)" -lt 12 ]
ui_keys G
check_eq "at the chapter's end: under a minute" "$(mins)" "<"
ui_keys q
check_eq "quits" "$(ui_dead)" "0 0"

# A pace file written by the test (tests/data/pace: twelve samples each):
# the same 3,000 words are 30 min at 100 wpm and 3 min at 1,000.
for wpm in 100 1000; do
    XDG_STATE_HOME="$TMPD/state-$wpm"
    mkdir -p "$XDG_STATE_HOME/quire"
    cp "$TOP/tests/data/pace/wpm$wpm" "$XDG_STATE_HOME/quire/pace"
    quire_at 80
    check_eq "a pace file of $wpm wpm: the minutes follow it" "$(mins)" $((3000 / wpm))
    ui_keys i
    check "and the info screen's time left is at that pace" \
        ui_wait "^ Time left .*\\(at your pace, $wpm words a minute\\)"
    ui_keys q q
    check_eq "quits" "$(ui_dead)" "0 0"
done

# A pace file that cannot be read: said on the bottom line, the default
# pace, kept aside at the next save (a fold choice here), never lost.
printf 'quire-pace 1\nnot a record\n' >"$XDG_STATE_HOME/quire/pace"
quire_at 80
check "an unreadable pace file is said on the bottom line" status_has 'unreadable'
ui_keys g
check_eq "and the default pace is used" "$(mins)" 12
ui_keys a q
check_eq "quits" "$(ui_dead)" "0 0"
check "the unreadable file is kept aside" sh -c 'ls "$1"/quire/pace.bad-* >/dev/null' _ "$XDG_STATE_HOME"
check "a new pace file is written" grep -q '^quire-pace 1$' "$XDG_STATE_HOME/quire/pace"
finish
