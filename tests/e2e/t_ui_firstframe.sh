#!/bin/sh
# t_ui_firstframe.sh — the first frame goes to the terminal before the
# work that follows it: after the frame's last write quire waits for a key
# (ui.c, give_way) before it starts the loader's thread, parses the seen
# store or writes the parse memo, so that on a busy machine the kernel's
# tty worker and the terminal, not quire's own work, get the CPU to show
# the frame (before, they waited for quire's time slice to run out).
# Read from an strace of the run: the order of the system calls, never
# their times.  A long story (it has a loader) opened from its head and
# reopened at a saved place past the head; the reopened screen is the one
# reading there showed.  In tmux; skipped without strace (or ptrace).
. "$(dirname "$0")/../lib.sh"
if ! command -v strace >/dev/null 2>&1 || ! strace -f -o /dev/null true 2>/dev/null; then
    echo "strace is missing or cannot trace here: skipping" >&2
    finish
fi
. "$(dirname "$0")/ui_tmux.sh"

# A long plain UTF-8 story (600 KB, 60 chapters, every word unique): a
# place far into it is reopened from there (library_open_at), before the
# whole story.
F="$TMPD/road.txt"
awk 'BEGIN {
    print "The Generated Road by Gen Author"; print ""
    for (c = 1; c <= 60; c++) {
        printf "Chapter %d\n\n", c
        for (p = 1; p <= 20; p++) {
            l = ""
            for (w = 1; w <= 40; w++) l = l sprintf("w%dc%dp%d ", w, c, p)
            print l "end."; print ""
        }
    }
}' >"$F"
TR="$TMPD/trace"

# traced FILE: quire on FILE under strace (its writes, waits for input and
# thread starts, in order), until its first frame; the whole story held
# back (QUIRE_TEST_LOAD_GATE, in the loader's thread) until `release`.
GATE="$TMPD/load-gate"
traced() {
    rm -f "$TR" "$GATE"
    ui_run 80 24 "env QUIRE_TEST_LOAD_GATE=$GATE strace -f -qq -s 4096 \
-e trace=write,poll,ppoll,clone,clone3 -o $(ui_quote "$TR") $(ui_quote "$QUIRE" "$1")"
}
release() { : >"$GATE"; }
# order: the trace's lines from the frame's last write to the loader's
# thread, summed up: "frame" (a write to the terminal), "wait" (a wait for
# a key on standard input), "thread" (the first thread started); one word
# a line, repeats squeezed.
order() {
    awk '/clone3?\(/ { print "thread"; exit }
         /write\(1, / { print "frame"; next }
         /poll\(\[\{fd=0, events=POLLIN\}\], 1, / { print "wait" }' "$TR" | uniq
}

# 1. Opened from its head (the whole story read afterwards by the loader).
traced "$F"
check "the first frame shows the story" ui_wait "The Generated Road"
release
check "the whole story arrives (1/60)" ui_until status_has " 1/60 "
$UI_T send-keys -t q q
check_eq "quits cleanly" "$(ui_dead)" "0 0"
check "the loader's thread was started" grep -Eq 'clone3?\(' "$TR"
check_eq "frame, then a wait for a key, then the loader's thread" "$(order | tr '\n' ' ')" \
    "frame wait thread "
check "the frame's text was written before the thread" \
    sh -c "sed '/clone3\\{0,1\\}(/q' '$TR' | grep 'write(1, ' | grep -q 'w1c1p1 '"

# 2. Reopened at a saved place past the head (library_open_at, the parse
#    memo warm: the issue-17 bench's case).
ui_start 80 24 "$F"
ui_type "90%"
check "read at 90% (the whole story: n/60)" ui_until status_has "/60 "
BODY=$(ui_screen | sed '$d')
$UI_T send-keys -t q q
ui_dead >/dev/null
traced "$F"
check "reopened before the whole story (no chapter count)" status_has "$(printf '\342\200\246')"
check_eq "reopened: the screen reading there showed" "$(ui_screen | sed '$d')" "$BODY"
release
check "reopened: the whole story arrives (n/60)" ui_until status_has "/60 "
check_eq "reopened: the same screen after it" "$(ui_screen | sed '$d')" "$BODY"
$UI_T send-keys -t q q
check_eq "reopened: quits cleanly" "$(ui_dead)" "0 0"
check_eq "reopened: frame, then a wait for a key, then the loader's thread" \
    "$(order | tr '\n' ' ')" "frame wait thread "

finish
