#!/bin/sh
# t_ui_busy.sh — a search that takes long says so on the bottom line, and
# Esc, Ctrl-C and q work while it runs (issue 17: every key answers, or the
# bottom line says what it waits for).  QUIRE_TEST_HOLD_SEARCH=FILE makes a
# search say what it searches for at once and hold, keys still read, until
# FILE exists: the test sees the message while the search is held, then
# lets it go (`release`) or presses a key.  In tmux.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

F="$TMPD/alice.txt"
cp "$TOP/tests/data/corpus/alice-in-wonderland_pg11-0.txt" "$F"
HOLD="$TMPD/hold"
held() { rm -f "$HOLD"; ui_run 80 24 "env QUIRE_TEST_HOLD_SEARCH=$HOLD $(ui_quote "$QUIRE" "$F")"; }
release() { : >"$HOLD"; }
LQ=$(printf '\342\200\234') RQ=$(printf '\342\200\235') ELL=$(printf '\342\200\246')
top_is() { [ "$(ui_top)" = "$1" ]; }
status_lacks() { ! ui_status | grep -qF -- "$1"; }
# search TEXT: type a search at the prompt; Enter draws the held frame
search() { ui_keys /; ui_type "$1"; ui_keys Enter; }

# 1. The message while the search works, then the hit once it is let go.
held
check "the first screen" ui_wait "Alice"
TOP0=$(ui_top)
search "turning purple"
check "the bottom line says what the search looks for" \
    status_has "searching for ${LQ}turning purple${RQ}${ELL}"
check_eq "the screen has not moved yet" "$(ui_top)" "$TOP0"
release
check "let go, the search finds its hit" ui_wait "said the Queen, turning purple"
check "and the message is gone" status_lacks "searching for"
check "the hit is counted" status_has "hit 1 of 1"
TOPHIT=$(ui_top)
ui_keys j
TOPHITJ=$(ui_top)
check "j after the hit moves one line" test "$TOPHITJ" != "$TOPHIT"

# 2. Esc stops a held search and leaves the place where it was; the search
#    is kept: n runs it again.
ui_keys g
rm -f "$HOLD"
ui_keys 1 0 %
TOP10=$(ui_top)
search "the Mock Turtle"
check "held again: said" status_has "searching for ${LQ}the Mock Turtle${RQ}"
ui_keys Escape
check "Esc: the bottom line says the search stopped" status_has "search stopped: the Mock Turtle"
check_eq "Esc: the place is where it was" "$(ui_top)" "$TOP10"
ui_keys j
check "the next key is the reader's again (j moved one line)" \
    test "$(ui_top)" != "$TOP10"
ui_keys k
release
ui_keys n
check "n runs the stopped search again and finds the Mock Turtle" ui_wait "Mock Turtle"
check "counted" status_has " of "

# 3. Ctrl-C stops a held search (not quire), the place kept.
rm -f "$HOLD"
ui_keys g
TOPG=$(ui_top)
search "Tweedledum"
check "held: said" status_has "searching for ${LQ}Tweedledum${RQ}"
ui_keys C-c
check "Ctrl-C: the search stopped" status_has "search stopped: Tweedledum"
check_eq "Ctrl-C: the place kept" "$(ui_top)" "$TOPG"
check "and quire goes on" test "$(ui_exited && echo gone || echo alive)" = alive

# 4. q during a held search quits at once (a story opened by its path).
search "Cheshire Cat"
check "held: said" status_has "searching for ${LQ}Cheshire Cat${RQ}"
$UI_T send-keys -t q q
check_eq "q quits during the search" "$(ui_dead)" "0 0"

# 5. Keys typed while the search works are not lost: handed back after it
#    (a fresh state folder: opened at the start, as in 1).
XDG_STATE_HOME="$TMPD/state-fresh"
held
check "the first screen again" ui_wait "Alice"
search "turning purple"
check "held: said" status_has "searching for ${LQ}turning purple"
$UI_T send-keys -t q j
release
check "let go: the hit, then the j typed during the search moved one line" \
    ui_until top_is "$TOPHITJ"
$UI_T send-keys -t q q
check_eq "quits" "$(ui_dead)" "0 0"

# 6. A long HTML file has no head: it is converted whole before the first
#    screen, the terminal saying so, and q quits meanwhile.  The loader is
#    held by QUIRE_TEST_LOAD_GATE until the test lets it go.  (Started as
#    ui_run starts quire, without waiting for a frame: none comes yet.)
H="$TMPD/alice.html"
alice_html "$F" "$H"
check "the HTML file is longer than a head (128 KiB)" test "$(wc -c <"$H")" -gt 131072
GATE="$TMPD/gate"
launch() {
    ui_stop_server
    $UI_T new-session -d -s q -x 80 -y 24 \
        -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 -e HOME="$HOME" -e XDG_STATE_HOME="$XDG_STATE_HOME" \
        -e XDG_CONFIG_HOME="$XDG_CONFIG_HOME" -e XDG_CACHE_HOME="$XDG_CACHE_HOME" \
        -e QUIRE_TEST_FRAMES=1 \
        "unset LINES COLUMNS QUIRE_LIBRARY; TERM=tmux-256color; export TERM; exec $*" \; \
        set-option -t q remain-on-exit on
    UI_SPID=$($UI_T display -p '#{pid}' 2>/dev/null)   # poked by ui_exited
}
rm -f "$GATE"
launch "env QUIRE_TEST_LOAD_GATE=$GATE $(ui_quote "$QUIRE" "$H")"
check "the terminal says the file is being converted" \
    ui_wait "converting alice.html${ELL} \(q quits\)"
$UI_T send-keys -t q q
check_eq "q quits at once, before any screen" "$(ui_dead)" "0 0"
check "the line said is taken back" not_shown "converting"
rm -f "$GATE"
launch "env QUIRE_TEST_LOAD_GATE=$GATE $(ui_quote "$QUIRE" "$H")"
check "converting, again" ui_wait "converting alice.html"
$UI_T send-keys -t q j   # typed meanwhile: handed to the screen
: >"$GATE"
check "let go: the first screen" ui_wait_frame 1
check "shows the story" ui_wait "Alice"
check "then the j typed while it was converted draws a second frame" ui_wait_frame 2
$UI_T send-keys -t q q
check_eq "and q quits" "$(ui_dead)" "0 0"

# 6b. A chapter over 1 MiB is marked seen on a turn with no key (its hash
#     would hold the key up), or when the story is left: shown, passed
#     with keys and left at once, it is still marked.
B="$TMPD/big.txt"
{
    printf 'A Big Night by Bench Writer\n\nChapter 1\n\n'
    awk 'BEGIN { for (i = 0; i < 15000; i++) printf "Line %d of the long night, and the lamp burned low over the harbour wall.\n\n", i }'
    printf 'Chapter 2\n\nThe morning came.\n'
} >"$B"
check "its first chapter is over 1 MiB" test "$(wc -c <"$B")" -gt 1100000
XDG_STATE_HOME="$TMPD/state-big"
ui_start 80 24 "$B"
$UI_T send-keys -t q 0 % ] q   # 0%: the whole story, on chapter 1; ], q at once
check_eq "quits" "$(ui_dead)" "0 0"
check_eq "both chapters are marked seen" "$(grep -c "	seen	" "$XDG_STATE_HOME/quire/seen")" 2

# 7. An ebook listed from the index cache has no text yet: opened from the
#    library, its first screen maps its derived file or converts it again
#    (maybe after the converter's work for another book); the library's
#    bottom line says so first (QUIRE_TEST_HOLD_OPEN holds it there).
L="$TMPD/lib"
listed_library "$L" "$H"
OPEN="$TMPD/hold-open"
rm -f "$OPEN"
ui_run 80 24 "env QUIRE_TEST_HOLD_OPEN=$OPEN $(ui_quote "$QUIRE" -L "$L")"
check "the library lists the HTML story" ui_wait "Alice"
ui_keys Enter
check "opening it: the bottom line says so" status_has "opening Alice${ELL}"
: >"$OPEN"
check "let go: the story's first screen" ui_until status_has "1/12 CHAPTER I"
check "the message is gone" status_lacks "opening"
ui_keys q
check "q: back to the library" ui_wait "1 story in"
$UI_T send-keys -t q q
check_eq "q again: quit" "$(ui_dead)" "0 0"
finish
