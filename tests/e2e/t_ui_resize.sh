#!/bin/sh
# t_ui_resize.sh — resizing at any moment keeps the same first character at
# the top; tiny terminals (1 column, 1 row, 1x1) never crash or show
# garbage; wide (CJK) characters; in tmux.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

CJK="$TOP/tests/data/ui/cjk"
first_word() { printf '%s\n' "$1" | sed 's/^ *//; s/[ ,.;:!?].*//'; }
lead() { ui_line "$1" | sed 's/[^ ].*//' | wc -c; }   # leading spaces + 1

ui_start 100 24 -L "$LIBDIR" "The Worst Betrayal"
ui_keys ']' j j j j j
T100=$(ui_top)
W=$(first_word "$T100")
check "a word at the top ($W)" [ -n "$W" ]
check_eq "the 72-column text is centred in 100 columns" "$(lead 1)" 15
ui_resize 60 24
check "at 60 columns the top line still holds the word $W" sh -c "printf '%s\n' \"\$1\" | grep -qw -- \"\$2\"" _ "$(ui_top)" "$W"
check "at 60 columns the text fills the width (no margin)" [ "$(ui_screen | head -n 23 | grep -c '^[^ ]')" -gt 5 ]
ui_resize 100 24
check_eq "back at 100 columns: the same top line" "$(ui_top)" "$T100"
check "still chapter 2/2" status_has ' 2/2 '

# Down to 1x1 and back: no crash, the same place.
ui_resize 1 1
check "alive at 1x1" ui_alive
ui_resize 100 24
check_eq "back from 1x1: the same top line" "$(ui_top)" "$T100"
ui_resize 100 1
check "one row: the text row shows the top line (no status line)" ui_until top_has_word "$W"
ui_resize 1 24
first_is() { [ "$(ui_line 1)" = "$1" ]; }
check "one column: the first letter of the top word" ui_until first_is "$(printf '%s' "$W" | cut -c1)"
check "one column: alive" ui_alive
check "one column: no line wider than 1" [ "$(widest)" -le 1 ]
ui_resize 100 24
check_eq "and back again" "$(ui_top)" "$T100"

# In the middle of a search prompt.
ui_keys /
ui_type 'Tim, Slim'
ui_resize 50 20
check "the prompt survives a resize" ui_wait '^/Tim, Slim'
ui_resize 3 2
check "the prompt at 3x2: alive" ui_alive
ui_resize 100 24
ui_keys Enter
check "the search runs after the resizes" ui_wait 'Hey Tim, Slim'

# In a menu, and in the help.
ui_keys t
ui_resize 30 6
check "the contents at 30x6" ui_wait '^ *Contents'
ui_resize 1 1
ui_resize 100 24
check "the contents after 1x1" ui_wait '^ *2\. '
ui_keys Escape h
ui_resize 40 5
check "the help at 40x5" ui_wait 'Keys while reading'
ui_resize 100 24
ui_keys q

# The library screen at small sizes.
ui_keys q
check "library" ui_wait 'stories in'
ui_resize 1 1
ui_resize 20 3
check "library at 20x3: alive" ui_alive
ui_resize 80 24
check "library back at 80x24" ui_wait 'The Worst Betrayal'
ui_keys q
check_eq "quits cleanly after all that" "$(ui_dead)" "0 0"

# A story in Chinese and Japanese: wide characters, 2 columns each.
narrower_than() { [ "$(widest)" -le "$1" ]; }
ui_start 80 24 -L "$CJK"
ui_keys Enter
check "the CJK story opens" ui_wait '山中有一间小屋'
check "its title in the status line" status_has '山中小屋'
check "no line is wider than 80 columns" narrower_than 80
ui_resize 30 10
ui_keys j j j
TC=$(ui_top)
check "a line of CJK text at the top at 30 columns (not the heading)" \
    sh -c "[ -n \"\$1\" ] && [ \$(printf '%s' \"\$1\" | wc -c) -gt \$(printf '%s' \"\$1\" | wc -m) ] && ! printf '%s' \"\$1\" | grep -q Chapter" _ "$TC"
ui_resize 2 24
check "2 columns: one wide character per line" ui_until narrower_than 2
check "2 columns: alive" ui_alive
ui_resize 1 24
check "1 column: nothing wider than 1 (a wide character shows as ?)" ui_until narrower_than 1
check "1 column: alive" ui_alive
ui_resize 7 24
# At 7 columns the counter shows (" 6% #9"): wait for that frame, or it
# could come after the pane took 30 columns and pass for that size's
# (the stale 1-column screen is narrower than 7 at once).
frame_after() { [ "$(ui_frame)" -gt "$1" ]; }
check "7 columns: a frame drawn at that size" ui_until frame_after "$UI_LAST_FRAME"
check "7 columns: wide characters never cut in half" ui_until narrower_than 7
ui_resize 30 10
check_eq "back at 30 columns: the same top line" "$(ui_top)" "$TC"
ui_resize 80 24
ui_keys ']'
check "chapter 2 in Japanese" ui_wait '雨の日には'
ui_keys / && ui_type '橋' && ui_keys Enter
check "search finds a CJK character" reverse_on '橋'
ui_keys q q
check_eq "quits cleanly" "$(ui_dead)" "0 0"
finish
