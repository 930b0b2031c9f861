#!/bin/sh
# t_ui_ident.sh — the screens with a bookmarks file an earlier quire wrote
# (tests/e2e/ident_fixture.sh) after a chapter 0 came in front of a story
# and another story's files were renamed (issue 14 item 9): the library
# shows both stories as read, not new; a story opens at its saved place and
# its mark jumps where it was set; quitting saves under the ids of now and
# the old ids are gone from the file.  In tmux.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"
. "$(dirname "$0")/ident_fixture.sh"

L="$TMPD/lib"
ident_library "$L"
ident_state "$XDG_STATE_HOME"
ident_change "$L"
BM="$XDG_STATE_HOME/quire/bookmarks"

ui_start 80 24 -L "$L"
check "the library screen lists the stories" ui_wait "The Quiet Year"
check "the clocks are read, not new (75%)" \
    sh -c 'printf "%s\n" "$1" | grep "The Clocks of Ardmore" | grep -q " 75%"' sh "$(ui_screen)"
check "the quiet year is read, not new (68%)" \
    sh -c 'printf "%s\n" "$1" | grep "The Quiet Year" | grep -q " 68%"' sh "$(ui_screen)"
check "no story shows as new" sh -c '! printf "%s\n" "$1" | grep -q " new "' sh "$(ui_screen)"
ui_keys Enter
check "the story read last is selected and opens at its place" \
    ui_wait "^ *The water rose over the low fields, hour 8\."
check_eq "its saved place is the top line" "$(ui_top)" "The water rose over the low fields, hour 8."
ui_keys q
check "back in the library" ui_wait "The Clocks of Ardmore"
ui_keys Down Enter   # sorted by last read: the clocks, read before, come next
check "the clocks open at the saved place" ui_wait "^ *The rooms were cold and the dust lay thick on every sill, room 20\."
check_eq "the saved place is the top line" "$(ui_top)" \
    "The rooms were cold and the dust lay thick on every sill, room 20."
ui_keys "'" a
check "mark a jumps to where it was set: chapter 1, now the second" ui_wait "Chapter 1: Arrival"
check "the chapter before it is not on screen" sh -c '! printf "%s\n" "$1" | grep -q "Years earlier"' \
    sh "$(ui_screen)"
ui_keys Space q q
check_eq "quits cleanly" "$(ui_dead)" "0 0"
check "the save wrote the file" test -s "$BM"
check "the old id of the clocks is gone from the file" sh -c "! grep -q '$OLD_CLOCKS' '$BM'"
check "and the quiet year's" sh -c "! grep -q '$OLD_QUIET' '$BM'"
check_eq "the clocks' mark a is kept under the new id" \
    "$(grep -c '^mark	[0-9a-f]*	a	90f23925bdff0282	0	0	' "$BM")" 1
check_eq "the quiet year's mark b too" \
    "$(grep -c '^mark	[0-9a-f]*	b	42a0429d584ea445	1	480	' "$BM")" 1
out=$(TZ=UTC "$QUIRE" --bookmarks -L "$L" 2>&1)
check "--bookmarks afterwards: nothing missing from the library" \
    sh -c '! printf "%s\n" "$1" | grep -q "not in the library"' sh "$out"
check "--bookmarks afterwards: mark b kept" \
    sh -c 'printf "%s\n" "$1" | grep -q "^  mark b  2026-12-03 10:00   68%  chapter 1/2: Chapter 1$"' sh "$out"
finish
