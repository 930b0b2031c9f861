#!/bin/sh
# t_ui_losttag.sh — a reader's state survives the lost-tag fix of
# norm_word (tests/e2e/losttag_fixture.sh): a story whose text has "i/i",
# "b/b" and "u/u", and the bookmarks and seen files the quire before the
# fix wrote for it.  That quire's walk over the words stopped at each of
# them, so its chapter digests cover less text than the digests of now,
# and a story id or chapter key made of the whole opening would differ.
# With the fixed quire the story is still read (not new, not revised), it
# opens at its saved place, and the contents mark no chapter revised.
# In tmux.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"
. "$(dirname "$0")/losttag_fixture.sh"

L="$TMPD/lib"
mkdir -p "$L"
lt_story "$L/lantern.txt"
lt_state "$XDG_STATE_HOME"

check "the saved place is the story's (its id is the one the old quire saved)" \
    sh -c '"$1" --bookmarks -L "$2" | grep -q "50%  chapter 3/3"' sh "$QUIRE" "$L"

ui_start 100 24 -L "$L"
check "the library lists the story" ui_wait "lantern"
check "read to 50%, not new" \
    sh -c 'printf "%s\n" "$1" | grep "lantern" | grep -q " 50%"' sh "$(ui_screen)"
check "no chapter is new or revised" not_shown "new|revised"
ui_keys Enter
check "it opens at its saved place" ui_wait "^ *One word he wrote u/u and then no more that night\."
check_eq "the saved place is the top line" "$(ui_top)" "One word he wrote u/u and then no more that night."
ui_keys t
check "the contents list the chapters" ui_wait "3\. Chapter 3"
check "and mark none revised (each digest is the old quire's)" not_shown "revised|new"
ui_keys Escape q q
check_eq "quits cleanly" "$(ui_dead)" "0 0"
tab=$(printf '\t')
check "the seen records are kept under the same id" \
    [ "$(grep -c "^chapter${tab}0ac1a3b17314d296${tab}" "$XDG_STATE_HOME/quire/seen")" = 3 ]
finish
