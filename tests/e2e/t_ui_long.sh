#!/bin/sh
# t_ui_long.sh — a long story file opens from its head at once and the
# whole story arrives from the loader thread without moving the reader
# (QUIRE_TEST_LOAD_GATE holds it back until the test lets it go, so the
# tests can see both states and then wait for the arrival itself;
# QUIRE_TEST_LOAD_DELAY_MS holds it a minute where the test quits first); keys that need the whole story wait for it; a saved place past
# the head opens where it was; Windows-1252 and UTF-16 files alike.  In tmux.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

F="$TMPD/alice.txt"
cp "$TOP/tests/data/corpus/alice-in-wonderland_pg11-0.txt" "$F"
N=$("$QUIRE" --list --tsv "$F" | wc -l | tr -d ' ')
check_eq "Alice has twelve chapters" "$N" 12
held() { ui_run 80 24 "env QUIRE_TEST_LOAD_DELAY_MS=$1 $(ui_quote "$QUIRE" "$F")"; }
# gated FILE: FILE opened with the whole story held back until `release`
GATE="$TMPD/load-gate"
gated() { rm -f "$GATE"; ui_run 80 24 "env QUIRE_TEST_LOAD_GATE=$GATE $(ui_quote "$QUIRE" "$1")"; }
release() { : >"$GATE"; }
ELL=$(printf '\342\200\246')

# 1. The first screen before the whole story is read; moves inside the
#    head do not wait; the whole story arrives under the same top line.
gated "$F"
check "the first screen shows the story's text" ui_wait "Alice"
check "the chapter count is not known yet (1/$ELL)" status_has "1/$ELL"
ui_keys Space b j j j
TOP3=$(ui_top)
check "Space, b and j move inside the head without waiting" status_has "/$ELL"
release
check "the whole story arrives (1/12)" ui_wait " 1/12 "
check_eq "and the top line stays where it was" "$(ui_top)" "$TOP3"
ui_keys t
check "the contents list the last chapter" ui_wait "CHAPTER XII"
ui_keys Escape
$UI_T send-keys -t q q   # opened by its path: q quits
check_eq "quits cleanly" "$(ui_dead)" "0 0"

# 1b. A key that waits for the whole story says so on the bottom line, and
#     q quits meanwhile (the whole story held back for a minute: before,
#     t waited the minute on an unchanged screen).
S0=$XDG_STATE_HOME
XDG_STATE_HOME="$TMPD/state-wait"   # no saved place: the head is shown
held 60000
ui_keys t
check "t says what it waits for" ui_wait "reading the whole story"
check "over the story's text" ui_wait "Alice"
$UI_T send-keys -t q q
check_eq "q quits while it waits" "$(ui_dead)" "0 0"
XDG_STATE_HOME="$TMPD/state-wait2"
held 60000
ui_keys q
check_eq "q quits at once before the whole story is read" "$(ui_dead)" "0 0"
XDG_STATE_HOME=$S0

# 2. Keys that need the whole story wait for it: search, contents.
gated "$F"
ui_keys /
ui_type "the Queen, turning purple"
ui_keys Enter
release
check "a search from the head finds text in the last chapter" ui_until status_has " 12/12 "
check "the match is on the screen" ui_wait "said the Queen, turning purple"
$UI_T send-keys -t q q
ui_dead >/dev/null
ui_start 80 24 "$F"   # the place the search left, past the head: the whole story first
ui_keys t
check "t waits for the whole story and lists chapter XII" ui_wait "CHAPTER XII"
ui_keys Escape
# 3. A place far past the head: saved on quitting, reopened there.
ui_keys 9 5 %
check "95% of the story's text is in the last chapter" status_has " 12/12 "
TOP90=$(ui_top)
$UI_T send-keys -t q q
ui_dead >/dev/null
held 1500
check "reopened past the head: the whole story at once" status_has " 12/12 "
check_eq "at the same top line" "$(ui_top)" "$TOP90"
$UI_T send-keys -t q q
check_eq "quits cleanly again" "$(ui_dead)" "0 0"

# 3b. The same place in a copy without the byte order mark (plain UTF-8,
#     read in place): reopened, the chapter that holds the place is read
#     from there at once (library_open_at), before the whole story: no
#     chapter number yet; the whole arrives under the same top line.  g
#     (the chapter's start) does not wait; [ (the chapter before, not in
#     what was read) waits for the whole story.
P="$TMPD/alice-plain.txt"
tail -c +4 "$F" >"$P"
S0=$XDG_STATE_HOME
XDG_STATE_HOME="$TMPD/state-plain"
ui_start 80 24 "$P"
ui_keys 9 5 %
check "plain UTF-8: 95% is in the last chapter" status_has " 12/12 "
TOPP=$(ui_top)
$UI_T send-keys -t q q
ui_dead >/dev/null
# On quitting, what the next opening parses (the head, the window at the
# place, their chapters' blocks) went into the parse memo (pmemo.h): the
# reopening finds all of it there and writes nothing.
MEMO="$XDG_CACHE_HOME/quire/parses"
M1=$(cksum <"$MEMO" 2>/dev/null)
check "the parse memo holds a chapter's blocks" grep -q "^b	" "$MEMO"
gated "$P"
check "reopened at the place before the whole story (no chapter number)" status_has "$ELL CHAPTER XII"
check_eq "at the same top line" "$(ui_top)" "$TOPP"
release
check "the whole story arrives (12/12)" ui_wait " 12/12 "
check_eq "and the top line stays where it was" "$(ui_top)" "$TOPP"
$UI_T send-keys -t q q
ui_dead >/dev/null
check_eq "the reopening parsed nothing the memo did not hold" "$(cksum <"$MEMO" 2>/dev/null)" "$M1"
gated "$P"
check "reopened at the place again" status_has "$ELL CHAPTER XII"
ui_keys g
check "g goes to the chapter's start without waiting" status_has "$ELL CHAPTER XII"
check "its heading on the screen" ui_wait "CHAPTER XII. Alice.s Evidence"
ui_keys [
release
check "[ waits for the whole story and shows chapter XI" ui_until status_has " 11/12 "
$UI_T send-keys -t q q
check_eq "quits cleanly" "$(ui_dead)" "0 0"
XDG_STATE_HOME=$S0

# 3c. A place saved at the story's start (q at once above, the whole
#     story held back a minute) is in the head: reopened from it at once
#     (1/...), not after the whole story (before, a place in the head's
#     last chapter was read as past the head: this file has a byte order
#     mark, so the reader waited the minute for the whole story).
S0=$XDG_STATE_HOME
XDG_STATE_HOME="$TMPD/state-wait2"
check "a place was saved at the start" grep -q "^last" "$XDG_STATE_HOME/quire/bookmarks"
held 60000
check "reopened at the start: from the head, before the whole story (1/$ELL)" status_has "1/$ELL"
ui_keys q
check_eq "q quits at once" "$(ui_dead)" "0 0"
XDG_STATE_HOME=$S0

# 3d. Generated long stories (plain UTF-8, every word unique): 150
#     chapters; 4 chapters of 120 KB; one chapter with no heading at all
#     (the place far into its chapter: its start and the place's lines
#     are read, not the bytes between).  Each read to 50% and to 99%,
#     then reopened there: the chapter that holds the place is read from
#     there (library_open_at), and the screen is the one reading there
#     showed, before the whole story arrives and after (bottom line and
#     all); the saved place does not move when the whole story arrives.
gen() {   # gen CHAPTERS PARAGRAPHS HEADINGS(1/0) > FILE
    awk -v nc="$1" -v np="$2" -v hd="$3" 'BEGIN {
        print "The Generated Road by Gen Author"; print ""
        for (c = 1; c <= nc; c++) {
            if (hd) printf "Chapter %d\n\n", c
            for (p = 1; p <= np; p++) {
                l = ""
                for (w = 1; w <= 40; w++) l = l sprintf("w%dc%dp%d ", w, c, p)
                print l "end."; print ""
            }
        }
    }'
}
gen 150 12 1 >"$TMPD/gen-150.txt"
gen 4 300 1 >"$TMPD/gen-4.txt"
gen 1 1200 0 >"$TMPD/gen-1.txt"
S0=$XDG_STATE_HOME
bm_last() { grep "^last" "$XDG_STATE_HOME/quire/bookmarks" | cut -f3-5; }
for nch in 150 4 1; do   # (ui_keys uses $n)
    GEN="$TMPD/gen-$nch.txt"
    for at in 50 99; do
        XDG_STATE_HOME="$TMPD/state-gen-$nch-$at"
        ui_start 80 24 "$GEN"
        ui_type "$at%"
        check "$nch chapters, $at%: read there (the whole story: n/$nch)" \
            ui_until status_has "/$nch "
        BODY=$(ui_screen | sed '$d')
        STAT=$(ui_status | sed 's/#[0-9]* *$//')
        $UI_T send-keys -t q q
        ui_dead >/dev/null
        PLACE=$(bm_last)
        gated "$GEN"
        check "$nch chapters, $at%: reopened before the whole story (no chapter count)" \
            status_has "$ELL"
        check_eq "$nch chapters, $at%: the screen reading there showed" "$(ui_screen | sed '$d')" \
            "$BODY"
        release
        check "$nch chapters, $at%: the whole story arrives" ui_until status_has "/$nch "
        check_eq "$nch chapters, $at%: the same screen after it" "$(ui_screen | sed '$d')" "$BODY"
        check_eq "$nch chapters, $at%: and the same bottom line" \
            "$(ui_status | sed 's/#[0-9]* *$//')" "$STAT"
        $UI_T send-keys -t q q
        check_eq "$nch chapters, $at%: quits cleanly" "$(ui_dead)" "0 0"
        check_eq "$nch chapters, $at%: the saved place did not move" "$(bm_last)" "$PLACE"
        # quitting before the whole story arrives: the place saved again
        # is the same, chapter number and count too (--bookmarks shows
        # them when the file is gone)
        BMS=$(grep "^last" "$XDG_STATE_HOME/quire/bookmarks" | cut -f3-5,9)
        ui_run 80 24 "env QUIRE_TEST_LOAD_DELAY_MS=60000 $(ui_quote "$QUIRE" "$GEN")"
        ui_keys q
        check_eq "$nch chapters, $at%: quit before the whole story: quits" "$(ui_dead)" "0 0"
        check_eq "$nch chapters, $at%: the same place, chapter number and count" \
            "$(grep "^last" "$XDG_STATE_HOME/quire/bookmarks" | cut -f3-5,9)" "$BMS"
    done
done
XDG_STATE_HOME=$S0

# 4. The same story in Windows-1252 and in UTF-16 (converted as it is
#    read): from the head too, and the whole arrives under the same line.
S0=$XDG_STATE_HOME
for enc in WINDOWS-1252 UTF-16; do
    G="$TMPD/alice-$enc.txt"
    tail -c +4 "$F" | iconv -f UTF-8 -t "$enc" >"$G" || fail "iconv to $enc"
    XDG_STATE_HOME="$TMPD/state-$enc"   # not the place saved at 95% above
    gated "$G"
    check "$enc: the first screen from the head" ui_wait "Alice"
    check "$enc: before the whole story is read (1/$ELL)" status_has "1/$ELL"
    ui_keys j j
    T=$(ui_top)
    release
    check "$enc: the whole story arrives (1/12)" ui_wait " 1/12 "
    check_eq "$enc: and the top line stays where it was" "$(ui_top)" "$T"
    $UI_T send-keys -t q q
    check_eq "$enc: quits cleanly" "$(ui_dead)" "0 0"
done
XDG_STATE_HOME=$S0

# 5. SIGTERM while the whole story is still being read: a clean exit.
XDG_STATE_HOME="$TMPD/state-term"   # no saved place: the head is shown
gated "$F"
ui_keys j
kill -TERM "$(ui_pid)"
check_eq "SIGTERM during the load: status 0, screen restored" "$(ui_dead)" "0 0"
finish
