#!/bin/sh
# t_ui_longline.sh — a file with no line end read on a terminal: the
# parser cuts its one paragraph into pieces (BLOCK_CONT) and the reader
# lays out only the pieces it shows, so its memory stays bounded by what
# is shown, not by the paragraph.  The first screen shows text, G and 100%
# show the end, a search finds a word near the end, q exits 0; the
# reader's peak resident memory (VmHWM) after G stays under a bound (it
# laid out the whole paragraph before: ~1 byte of line records per byte).
# In tmux.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

F="$TMPD/oneline.txt"
MB=${LONGLINE_MB:-20}
# MB megabytes of words and spaces, no line end; the last words are
# "zebra finale" (awk: no python needed).
awk -v mb="$MB" 'BEGIN { split("lorem ipsum dolor sit amet consectetur adipiscing elit sed do", w, " ");
             n = 0; srand(1); lim = mb * 1024 * 1024;
             while (n < lim) { x = w[int(rand() * 10) + 1] " "; printf "%s", x; n += length(x) }
             printf "quagga zebra finale" }' >"$F"
check "the file has no line end" test "$(wc -l <"$F")" -eq 0

# From its head: with the whole file held back (QUIRE_TEST_LOAD_GATE: until
# the test lets it go)
# the first frame shows the start, the chapter count not known yet (the
# head used to be refused for want of a line end: the first frame waited
# for the whole file); G waits for the whole story and shows its end.
ELL=$(printf '\342\200\246')
rm -f "$TMPD/gate"
ui_run 100 40 "env QUIRE_TEST_LOAD_GATE=$TMPD/gate $(ui_quote "$QUIRE" "$F")"
check "the first frame comes from the head (1/$ELL)" status_has "1/$ELL"
check "and shows the start of the line" ui_wait "lorem|ipsum|dolor"
ui_keys G
: >"$TMPD/gate"
check "G waits for the whole story and shows the end" ui_wait "zebra finale"
$UI_T send-keys -t q q
check_eq "q exits 0" "$(ui_dead)" "0 0"

ui_start 100 40 "$F"
check "the first screen shows text" ui_wait "lorem|ipsum|dolor"
ui_keys G
check "G shows the end" ui_wait "zebra finale"
# VmHWM of the pane's process (quire itself: ui_run execs it), in kB
hwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$(ui_pid)/status"; }
if [ -r "/proc/$(ui_pid)/status" ]; then
    # the file itself is mapped and read (MB of file-backed pages), plus
    # the laid-out pieces near the screen and the loader's work
    LIMIT=$(( (MB + 28) * 1024 ))
    H=$(hwm)
    echo "peak RSS after G: $H kB (bound $LIMIT kB)"
    check "peak memory after G stays under $((MB + 28)) MB" test "${H:-999999999}" -lt "$LIMIT"
fi
ui_keys g
check "g goes back to the start" not_shown "zebra finale"
ui_keys 1 0 0 %
check "100% shows the end" ui_wait "zebra finale"
ui_keys g /
ui_type "quagga"
ui_keys Enter
check "a search from the start finds a word near the end" ui_wait "quagga zebra finale"
check "and highlights it" reverse_on "quagga"
if [ -r "/proc/$(ui_pid)/status" ]; then
    H=$(hwm)
    echo "peak RSS after the search: $H kB"
    check "and after the search too" test "${H:-999999999}" -lt "$LIMIT"
fi
ui_resize 60 30
check "a resize keeps the end on the screen" ui_wait "finale"
$UI_T send-keys -t q q
check_eq "q exits 0" "$(ui_dead)" "0 0"
finish
