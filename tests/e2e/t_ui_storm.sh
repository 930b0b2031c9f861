#!/bin/sh
# t_ui_storm.sh — random resize storms, in tmux: bursts of random sizes (1x1,
# one column, one row, 2x2, huge, anything) sent one after another without
# waiting, to the reader, to the library screen and to a search prompt.
# After each storm quire is alive, the screen at the final size is the one
# it showed at that size before the storm (the same top line, no line wider
# than the pane, the status line in place), and at the end q quits with
# status 0 and the terminal restored.
#
# The sizes come from a seeded generator; the seed is printed, and
# STORM_SEED=N repeats a run.  STORM_SIZES sets the sizes per storm.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

SEED=${STORM_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
N=${STORM_SIZES:-40}
echo "t_ui_storm: seed $SEED (STORM_SEED=$SEED sh $0 repeats this run)"
RNG=$SEED
# rand N: a number in [0, N) from the seeded generator (an LCG), in $R.
rand() {
    RNG=$(((RNG * 1103515245 + 12345) % 2147483648))
    R=$(((RNG / 65536) % $1))
}

# storm W H: N random sizes in a burst, none waiting for quire, then the
# final size W x H.  Every other size goes through tmux (resize-window),
# the rest straight to the pane's terminal (stty; the kernel signals quire
# at once), because tmux 3.3 folds the resizes that come within 250 ms of
# each other into one: through tmux alone quire would see 4 sizes of 40.
# The final size goes through tmux, from another size, so that tmux's
# screen and quire's agree.
storm() {
    tty=$($UI_T display -p -t q '#{pane_tty}')
    last=""
    k=0   # (not i: the ui_tmux.sh helpers use i)
    while [ "$k" -lt "$N" ]; do
        rand 8
        case $R in
        0) w=1 h=1 ;;
        1) w=1; rand 80; h=$((R + 1)) ;;
        2) rand 300; w=$((R + 1)); h=1 ;;
        3) w=2 h=2 ;;
        4) rand 500; w=$((R + 500)); rand 100; h=$((R + 200)) ;;
        *) rand 250; w=$((R + 1)); rand 80; h=$((R + 1)) ;;
        esac
        if [ $((k % 2)) -eq 1 ] && stty -F "$tty" rows "$h" cols "$w" 2>/dev/null; then
            :
        else
            $UI_T resize-window -t q -x "$w" -y "$h"
            last="${w}x$h"
        fi
        k=$((k + 1))
    done
    [ "$last" = "${1}x$2" ] && $UI_T resize-window -t q -x $(($1 + 1)) -y "$2"
    $UI_T resize-window -t q -x "$1" -y "$2"
}

# settled W H TOP F0: the pane is W x H and quire has drawn a frame (after
# frame F0) whose top line is TOP: what it showed there before the storm.
settled() {
    [ "$($UI_T display -p -t q '#{pane_width}x#{pane_height}')" = "$1x$2" ] &&
        [ "$(ui_frame)" -gt "$4" ] && [ "$(ui_top)" = "$3" ]
}
# (and the library's "last read" times, which move on while a storm runs
# on a loaded machine: "just now" becomes "1 min ago")
unframed() { sed 's/#[0-9]* *$//; s/just now/WHEN/; s/[0-9][0-9]* min ago/WHEN/; s/   */  /g'; }
narrower_than() { [ "$(widest)" -le "$1" ]; }
lines_are() { [ "$(ui_screen | wc -l)" -eq "$1" ]; }

# A final size for a storm: big enough to show the frame counter and the
# story's title on the status line.
final_size() {
    rand 150; FW=$((R + 40))
    rand 40; FH=$((R + 8))
}

# after_storm WHERE W H TOP F0: the checks after a storm.
after_storm() {
    check "$1: alive after $N sizes" ui_alive
    check "$1: at ${2}x$3 the top line is the same as before the storm" ui_until settled "$2" "$3" "$4" "$5"
    check "$1: no line wider than $2 columns" narrower_than "$2"
    check "$1: $3 lines on the screen" lines_are "$3"
}

# ---- the reader -------------------------------------------------------------
ui_start 100 24 -L "$LIBDIR" "The Worst Betrayal"
ui_keys Space j j j
for round in 1 2 3; do
    final_size
    ui_resize "$FW" "$FH"
    T0=$(ui_top)
    check "reader, storm $round: a line at the top at ${FW}x$FH" [ -n "$T0" ]
    F0=$(ui_frame)
    storm "$FW" "$FH"
    after_storm "reader, storm $round" "$FW" "$FH" "$T0" "$F0"
    echo "reader, storm $round: frames $F0 to $(ui_frame), final size ${FW}x$FH"
    check "reader, storm $round: the status line is in place" status_has "The Worst Betrayal"
done
# Reading goes on from there.
T0=$(ui_top)
ui_keys j
check "the reader still moves after the storms" sh -c '[ "$1" != "$2" ]' _ "$(ui_top)" "$T0"

# ---- in the middle of a search prompt ---------------------------------------
ui_keys /
ui_type 'Tim, Slim'
final_size
F0=$(ui_frame)
storm "$FW" "$FH"
check "search prompt: alive after $N sizes" ui_alive
check "search prompt: the prompt keeps its text" ui_wait '^/Tim, Slim'
check "search prompt: no line wider than $FW columns" narrower_than "$FW"
ui_resize 100 24   # wide enough for the hit on one line
ui_keys Enter
check "search prompt: the search runs after the storm" ui_wait 'Hey Tim, Slim'

# ---- the library screen -----------------------------------------------------
ui_keys q
check "the library" ui_wait 'stories in'
# First a fixed case: a window of one list row, the last story chosen,
# then a tall one: all three stories show again (the list used to stay
# scrolled, the last story alone at the top above empty rows).
stories_shown() {
    [ "$(ui_screen | grep -c -e 'Almost Heaven' -e 'The Worst Betrayal' -e 'Untitled Prologue')" -eq 3 ]
}
check "library at 80x24: three stories" stories_shown
ui_resize 80 2
ui_keys j j
ui_resize 80 24
check "library: 80x2, the last story chosen, then 80x24: the three stories again" stories_shown
check "library: the last story is still the one chosen" status_has '3/3'
ui_keys k
for round in 1 2; do
    final_size
    ui_resize "$FW" "$FH"
    T0=$(ui_top)
    S0=$(ui_screen)
    F0=$(ui_frame)
    storm "$FW" "$FH"
    after_storm "library, storm $round" "$FW" "$FH" "$T0" "$F0"
    # (less the frame counter, and the spaces before it: it may have grown
    # by a digit and moved what stands to its left)
    check_eq "library, storm $round: the same screen as before the storm" "$(ui_screen | unframed)" \
        "$(printf '%s\n' "$S0" | unframed)"
done

$UI_T send-keys -t q q
check_eq "q quits with status 0, the terminal restored" "$(ui_dead)" "0 0"
# tests/run.sh shows a failed suite's FAIL lines only: the seed in one.
[ "$T_FAILED" -eq 0 ] ||
    echo "FAIL t_ui_storm.sh: the seed was $SEED: STORM_SEED=$SEED sh $0 repeats this run" >&2
finish
