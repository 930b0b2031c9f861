#!/bin/sh
# t_ui_valgrind.sh — a short interactive session under valgrind, in tmux:
# no memory errors, no definite leaks, exit status 0.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"
command -v valgrind >/dev/null 2>&1 || { echo "valgrind is not installed: skipping" >&2; finish; }
UI_DEADLINE=600   # valgrind is slow
QUIRE=$QUIRE_DYN   # see lib.sh
[ -x "$QUIRE" ] || { fail "$QUIRE is missing (make check builds it)"; finish; }
VG="valgrind -q --suppressions=$TOP/tests/e2e/ncurses.supp --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite"
ui_run 80 24 "$VG $(ui_quote "$QUIRE" -L "$LIBDIR") 2>'$TMPD/vg'"
check "the library under valgrind" ui_wait 'stories in'
check "quire runs under valgrind" sh -c "ls -l /proc/\$1/exe | grep -q memcheck" _ "$(ui_pid)"
ui_keys / && ui_type 'worst' && ui_keys Enter Enter
check "a story opens" ui_wait ' 1/2 '
ui_keys Space Space b j k ']' '[' G g a Space a t j Enter
ui_keys / && ui_type 'Hey Tim' && ui_keys Enter n N
ui_keys m a G "'" a B Escape h q 5 0 % 
ui_resize 40 10
ui_resize 1 1
ui_resize 80 24
ui_raw "$(printf '\033[Ma!!')" 1
ui_keys q j k h q
$UI_T send-keys -t q q
check_eq "exit status 0 under valgrind (99 would be a memory error or a definite leak)" "$(ui_dead)" "0 0"
if [ -s "$TMPD/vg" ]; then fail "valgrind reported:"; cat "$TMPD/vg" >&2; else pass; fi

# A long story file: its head on screen while the loader thread reads it
# whole (held back until the test lets it go), then the take-over, moves, search, quit.
F="$TMPD/alice.txt"
cp "$TOP/tests/data/corpus/alice-in-wonderland_pg11-0.txt" "$F"
rm -f "$TMPD/gate"
ui_run 80 24 "env QUIRE_TEST_LOAD_GATE=$TMPD/gate $VG $(ui_quote "$QUIRE" "$F") 2>'$TMPD/vg2'"
check "a long story's head under valgrind" ui_wait 'Alice'
ui_keys j j
: >"$TMPD/gate"   # the whole story let go
check "the whole story arrives under valgrind" ui_wait ' 1/12 '
ui_keys Space ']' t Enter
ui_keys / && ui_type 'turning purple' && ui_keys Enter
$UI_T send-keys -t q q   # opened by its path: q quits
check_eq "the long story: exit status 0 under valgrind" "$(ui_dead)" "0 0"
if [ -s "$TMPD/vg2" ]; then fail "valgrind reported (long story):"; cat "$TMPD/vg2" >&2; else pass; fi

# A search held (QUIRE_TEST_HOLD_SEARCH) and stopped with Esc, then one
# with a key typed meanwhile, let go: the stop and the keys handed back.
rm -f "$TMPD/hold"
ui_run 80 24 "env QUIRE_TEST_HOLD_SEARCH=$TMPD/hold $VG $(ui_quote "$QUIRE" "$F") 2>'$TMPD/vg3'"
check "a held search under valgrind" ui_wait 'Alice'
ui_keys / && ui_type 'Mock Turtle' && ui_keys Enter Escape
check "Esc stopped it" status_has "search stopped"
ui_keys / && ui_type 'turning purple' && ui_keys Enter
$UI_T send-keys -t q j
: >"$TMPD/hold"
check "let go: the hit" ui_wait 'turning purple'
$UI_T send-keys -t q q
check_eq "held searches: exit status 0 under valgrind" "$(ui_dead)" "0 0"
if [ -s "$TMPD/vg3" ]; then fail "valgrind reported (held searches):"; cat "$TMPD/vg3" >&2; else pass; fi
# q while the loader's build is held (QUIRE_TEST_HOLD_BUILD: the process
# ends without waiting for it, its thread left to end with the process):
# no memory error, no definite leak.
rm -f "$TMPD/hold-build" "$TMPD/hold-build.held"
touch -t 202001010000 "$F"   # a build, not the snapshot: a fresh cache
XDG_CACHE_HOME="$TMPD/cache-held"
XDG_STATE_HOME="$TMPD/state-held"   # no place saved: the head is shown
ui_run 80 24 "env QUIRE_TEST_HOLD_BUILD=$TMPD/hold-build $VG $(ui_quote "$QUIRE" "$F") 2>'$TMPD/vg4'"
check "a held build under valgrind" ui_wait 'Alice'
check "the build is held" ui_until test -e "$TMPD/hold-build.held"
ui_keys t
check "t waits for it" status_has "reading the whole story"
$UI_T send-keys -t q q
check_eq "q during the held build: exit status 0 under valgrind" "$(ui_dead)" "0 0"
if [ -s "$TMPD/vg4" ]; then fail "valgrind reported (held build):"; cat "$TMPD/vg4" >&2; else pass; fi
finish
