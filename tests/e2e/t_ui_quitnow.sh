#!/bin/sh
# t_ui_quitnow.sh — q always works at once (issue 17): q while the loader
# reads the whole story ends the process without waiting for the build
# under way (QUIRE_TEST_HOLD_BUILD holds the build after its analysis, a
# pass that cannot be cut short, until the test lets it go: the process
# must end while it is still held), the place is saved and the stopped
# build writes no cache file; and an ebook opened from the library while
# the converter is at work for another book (QUIRE_TEST_BUSY_CONVERTER
# holds one busy, as the loader converting a book would) opens without
# waiting for it: a second converter serves it.  In tmux.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

F="$TMPD/alice.txt"
cp "$TOP/tests/data/corpus/alice-in-wonderland_pg11-0.txt" "$F"
touch -t 202001010000 "$F"   # old enough for the index cache
check "Alice is longer than a head (128 KiB): read by the loader" \
    test "$(wc -c <"$F")" -gt 131072
ELL=$(printf '\342\200\246')
HOLD="$TMPD/hold-build"
# the build's cache files (the index cache, the snapshot): not the parse
# memo, which the reader itself writes after its first frame (pmemo.h)
cache_files() { find "$XDG_CACHE_HOME" -type f ! -name parses 2>/dev/null | wc -l | tr -d ' '; }

# 1. q during "reading the whole story" while the build is held: the
#    process ends, the hold still in place.
rm -f "$HOLD" "$HOLD.held"
ui_run 80 24 "env QUIRE_TEST_HOLD_BUILD=$HOLD $(ui_quote "$QUIRE" "$F")"
check "the first screen, from the head" ui_wait "Alice"
ui_keys Space Space j
TOPA=$(ui_top)
check "the loader's build reaches the hold" ui_until test -e "$HOLD.held"
ui_keys t   # the contents need the whole story: it waits, and says so
check "t waits for the whole story and says so" status_has "reading the whole story$ELL (q quits)"
$UI_T send-keys -t q q
check_eq "q ends the process (before: it waited for the build)" "$(ui_dead)" "0 0"
check "the build was still held when it ended" test ! -e "$HOLD"
check "the place was saved" grep -q "^last" "$XDG_STATE_HOME/quire/bookmarks"
check_eq "the stopped build wrote no cache file" "$(cache_files)" 0
: >"$HOLD"

# 2. Reopened: at the place saved, and the whole story read (the build
#    let finish writes its caches: the check above can fail).
ui_start 80 24 "$F"
check_eq "reopened at the place saved" "$(ui_top)" "$TOPA"
check "the whole story arrives" ui_until status_has "/12 "
$UI_T send-keys -t q q
check_eq "quits" "$(ui_dead)" "0 0"
check "a build let finish writes its caches" test "$(cache_files)" -gt 0

# 3. An HTML story listed from the index cache, opened from the library
#    while the one converter is held at work for another book: it opens
#    at once (the hold never let go), a second converter started for it;
#    the bottom line said "opening", not "waiting for the converter".
H="$TMPD/alice.html"
alice_html "$F" "$H"
L="$TMPD/lib"
listed_library "$L" "$H"
BUSY="$TMPD/busy"
OPEN="$TMPD/hold-open"
LOG="$TMPD/converters.log"
rm -f "$BUSY" "$OPEN" "$LOG"
ui_run 80 24 "env QUIRE_TEST_BUSY_CONVERTER=$BUSY QUIRE_TEST_HOLD_OPEN=$OPEN QUIRE_TEST_CONVERTER_LOG=$LOG $(ui_quote "$QUIRE" -L "$L")"
check "the library lists the HTML story" ui_wait "Alice"
ui_keys Enter
check "opening it: the bottom line says so" status_has "opening Alice$ELL"
check "not that it waits for the converter" \
    not_shown "waiting for the converter"
: >"$OPEN"
check "the story's first screen, the converter still held busy" \
    ui_until status_has "1/12 CHAPTER I"
check "the busy converter was never let go" test ! -e "$BUSY"
check_eq "two converters: the busy one and the one that opened the story" \
    "$(grep -c '^start' "$LOG")" 2
ui_keys q
check "q: back to the library" ui_wait "1 story in"
$UI_T send-keys -t q q
check_eq "q again: quit, the busy converter still held" "$(ui_dead)" "0 0"
: >"$BUSY"
# 4. A place saved past the head of a file with a byte order mark (Alice
#    has one: not read from where it was) waits for the whole story before
#    the first screen: the terminal's line says so and q quits, the build
#    still held (before: nothing said, q not read).
S0=$XDG_STATE_HOME
XDG_STATE_HOME="$TMPD/state-far"
ui_start 80 24 "$F"
ui_type "90%"
check "read at 90%: the whole story (n/12)" ui_until status_has "/12 "
$UI_T send-keys -t q q
check_eq "quits" "$(ui_dead)" "0 0"
PLACE=$(grep "^last" "$XDG_STATE_HOME/quire/bookmarks")
check "a place was saved" test -n "$PLACE"
C0=$XDG_CACHE_HOME
XDG_CACHE_HOME="$TMPD/cache-far"   # empty: a build, not the snapshot
rm -f "$HOLD" "$HOLD.held"
ui_stop_server
$UI_T new-session -d -s q -x 80 -y 24 \
    -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 -e HOME="$HOME" -e XDG_STATE_HOME="$XDG_STATE_HOME" \
    -e XDG_CONFIG_HOME="$XDG_CONFIG_HOME" -e XDG_CACHE_HOME="$XDG_CACHE_HOME" \
    -e QUIRE_TEST_FRAMES=1 -e QUIRE_TEST_HOLD_BUILD="$HOLD" \
    "unset LINES COLUMNS QUIRE_LIBRARY; TERM=tmux-256color; export TERM; exec $(ui_quote "$QUIRE" "$F")" \; \
    set-option -t q remain-on-exit on
UI_SPID=$($UI_T display -p '#{pid}' 2>/dev/null)   # poked by ui_exited
check "before the first screen, the terminal says it reads the whole story" \
    ui_wait "reading the whole story$ELL \(q quits\)"
check "the build is held" ui_until test -e "$HOLD.held"
$UI_T send-keys -t q q
check_eq "q quits before any screen, the build held" "$(ui_dead)" "0 0"
check "the build was still held" test ! -e "$HOLD"
check "the line said is taken back" not_shown "reading the whole"
check_eq "the place saved is the same" "$(grep "^last" "$XDG_STATE_HOME/quire/bookmarks")" "$PLACE"
: >"$HOLD"
XDG_CACHE_HOME=$C0
XDG_STATE_HOME=$S0
finish
