#!/bin/sh
# t_ui_reader.sh — every key of the reading screen, in tmux, against the
# lines `quire --render` lays out for the same story at the same width.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

STORY="The Worst Betrayal"
ROWS=23   # an 80x24 pane: 23 text rows and the status line
render() { "$QUIRE" --render -w 72 --chapter "$1" -L "$LIBDIR" "$STORY" | trimmed; }
R1=$(render 1)
R2=$(render 2)
r1() { printf '%s\n' "$R1" | sed -n "$1"; }
r2() { printf '%s\n' "$R2" | sed -n "$1"; }
LAST1=$(printf '%s\n' "$R1" | grep -v '^$' | tail -n 1)
# The text rows of the screen, trimmed, without the empty rows at the end.
page() { ui_screen | head -n "$ROWS" | trimmed | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }
pct() { ui_status | sed -n 's/.* \([0-9][0-9]*\)% #.*/\1/p'; }

check "the story renders (needs the library and layout modules)" [ "$(printf '%s\n' "$R1" | wc -l)" -gt 50 ]

ui_start 80 24 -L "$LIBDIR" "$STORY"
check_eq "opens at the start of chapter 1" "$(page)" "$(r1 1,${ROWS}p)"
check "status: story title" status_has 'The Worst Betrayal'
check "status: chapter 1/2" status_has ' 1/2 '
check_eq "status: 0% at the start" "$(pct)" 0
check "the status line is in reverse video" sgr_on ' 1/2 ' 7
check "front matter is dim" sgr_on 'Disclaimer:' 2
check "the chapter title is bold" sgr_on 'Chapter 1' 1
check "*her* is in italics (tmux-256color has sitm)" sgr_on 'Until he felt' 3
check "and its markers are hidden" ui_wait '^ *Until he felt her\.$'
check "no line is wider than the 72-column text column (centred: 4 + 72)" \
    [ "$(ui_screen | head -n $ROWS | while IFS= read -r l; do printf '%s\n' "$l" | wc -L; done | sort -n | tail -n 1)" -le 76 ]

# Next page / previous page: every key of each pair.
for pair in "Space b" "f PPage" "NPage Left" "Right b"; do
    set -- $pair
    ui_keys "$1"
    check_eq "$1 shows the next page" "$(page)" "$(r1 $((ROWS + 1)),$((2 * ROWS))p)"
    ui_keys "$2"
    check_eq "$2 goes back a page" "$(page)" "$(r1 1,${ROWS}p)"
done

# One line down / up.
for pair in "j k" "Down Up" "Enter k"; do
    set -- $pair
    ui_keys "$1"
    check_eq "$1 moves one line down" "$(ui_top)" "$(r1 2p)"
    ui_keys "$2"
    check_eq "$2 moves one line up" "$(ui_top)" "$(r1 1p)"
done
ui_keys 3 j
check_eq "a count repeats a move (3 j)" "$(ui_top)" "$(r1 4p)"
ui_keys g

# Mouse wheel (X10 sequences as tmux-256color's kmous announces): 3 lines.
ui_raw "$(printf '\033[Ma!!')" 1
check_eq "wheel down scrolls three lines" "$(ui_top)" "$(r1 4p)"
ui_raw "$(printf '\033[M`!!')" 1
check_eq "wheel up scrolls back" "$(ui_top)" "$(r1 1p)"

# Chapters.
ui_keys ']'
check "] shows chapter 2/2" status_has ' 2/2 '
check_eq "] opens chapter 2 at its heading" "$(page)" "$(r2 1,${ROWS}p)"
ui_keys ']'
check "] on the last chapter says so" status_has 'last chapter'
ui_keys '['
check "[ shows chapter 1/2" status_has ' 1/2 '
check_eq "[ opens chapter 1 at its start" "$(page)" "$(r1 1,${ROWS}p)"

# Start / end of the chapter.
for pair in "G g" "End Home"; do
    set -- $pair
    ui_keys "$1"
    check_eq "$1: the chapter's last line is the last row" "$(page | tail -n 1)" "$LAST1"
    check "$1: still chapter 1" status_has ' 1/2 '
    ui_keys "$2"
    check_eq "$2: back at the chapter's first line" "$(ui_top)" "$(r1 1p)"
done

# A page turn at a chapter's end goes on into the next chapter, which starts
# with its heading; a page back from there returns to the end of chapter 1.
ui_keys G Space
check "Space at the end of chapter 1 opens 2/2" status_has ' 2/2 '
check_eq "the next chapter starts at its heading" "$(ui_top)" "$(r2 1p)"
ui_keys b
check_eq "b at a chapter's start shows the previous chapter's end" "$(page | tail -n 1)" "$LAST1"
ui_keys g

# Contents.
ui_keys t
check "t opens the contents" ui_wait 'Contents'
check "contents lists chapter 2" ui_wait '^ *2\. '
ui_keys j Enter
check "Enter in the contents jumps to chapter 2" status_has ' 2/2 '
check_eq "at chapter 2's heading" "$(ui_top)" "$(r2 1p)"
ui_keys t Escape
check "Esc closes the contents" not_shown 'Contents' 
ui_keys t q
check "q closes the contents (and stays in the story)" status_has ' 2/2 '

# Help, generated from the key table: every key of SPEC.md's table.
ui_resize 80 40
ROWS=39
ui_keys h
check "h opens the help" ui_wait 'Keys while reading'
HELP=$(ui_screen)
for keys in 'Space f PgDn Right' 'b PgUp Left' 'j Down Enter' 'k Up' ']' '[' 'g Home' 'G End' \
            't ' '/ ' '? ' 'n ' 'N ' 'm + letter' "' + letter" 'B ' 'digits + %' 'h F1' 'q ' \
            'wheel down' 'wheel up'; do
    if printf '%s\n' "$HELP" | sed 's/^ *//' | grep -qF -- "$keys"; then pass; else
        fail "help lists the key(s) [$keys]"; fi
done
ui_keys q
ui_resize 80 24
ROWS=23

# Search: a name that appears once, in chapter 2, from chapter 1's start.
ui_keys '[' g
ui_keys /
check "/ opens the prompt" ui_wait '^/'
ui_type 'Hey Timx'
ui_keys BSpace Enter
check "search finds the name in chapter 2" status_has ' 2/2 '
check "the match is on the screen" ui_wait 'Hey Tim'
check "the match is highlighted (reverse video)" reverse_on 'Tim' 
ui_keys n
check "n with a single match wraps around to it" ui_wait 'wrapped'
check "and it is still on the screen" ui_wait 'Hey Tim'
ui_keys / && ui_type 'zzqxj' && ui_keys Enter
check "a search that fails says: not found" ui_wait 'not found: zzqxj'
ui_keys / && ui_type 'abc' && ui_keys Escape
check "Esc cancels the prompt" not_shown '^/abc' 
ui_keys '?'
ui_type 'unchained'
ui_keys Enter
check "? searches backward into chapter 1" status_has ' 1/2 '
check "backward match on the screen" ui_wait 'unchained'
ui_keys ']' N
check "N repeats the search the other way (back to chapter 1)" ui_wait 'unchained'

# Named bookmarks.
ui_keys '[' g
TOP=$(ui_top)
ui_keys m a
check "m a sets bookmark a" ui_wait "bookmark 'a' set"
ui_keys G
check "moved away" [ "$(ui_top)" != "$TOP" ]
ui_keys "'" a
check_eq "' a returns to the bookmark" "$(ui_top)" "$TOP"
ui_keys "'" "'"
check_eq "'' goes back to where the jump started" "$(page | tail -n 1)" "$LAST1"
ui_keys "'" z
check "an unset bookmark says so" ui_wait "no bookmark 'z'"
ui_keys B
check "B lists the bookmarks" ui_wait '^ *a +[0-9]+%'
ui_keys Enter
check_eq "Enter in the list jumps" "$(ui_top)" "$TOP"
# d on a row of the list deletes that mark (action delete_mark): the list
# shows what is left, and the mark is gone for ' too.
ui_keys G m b B
check "the list has both marks" ui_wait '^ *b +[0-9]+%'
ui_keys d
check "d deletes the selected mark and says so" ui_wait "bookmark 'a' deleted"
check "the list shows the mark that is left" ui_wait '^ *b +[0-9]+%'
scr=$(ui_screen)
check "and not the deleted one" sh -c '! printf "%s\n" "$1" | grep -Eq "^ *a +[0-9]+%"' _ "$scr"
ui_keys Escape "'" a
check "the deleted mark cannot be jumped to" ui_wait "no bookmark 'a'"

# Percent.
ui_keys 5 0 %
p=$(pct)
check "50% goes to the middle of the story (at $p%)" test "${p:-0}" -ge 45 -a "${p:-0}" -le 55
ui_keys 1 0 0 %
check_eq "100% is the end of the story, and says 100%" "$(pct)" 100
ui_keys 0 %
check_eq "0% is the start" "$(ui_top)" "$(r1 1p)"

# Other keys.
ui_keys C-l
check_eq "C-l redraws the same page" "$(ui_top)" "$(r1 1p)"
ui_keys x
check "an unbound key says how to get help" ui_wait 'h lists the keys'

# q: back to the library; q there quits with status 0, terminal restored.
ui_keys q
check "q goes back to the library" ui_wait 'stories in'
$UI_T send-keys -t q q
check_eq "q in the library quits: status 0, normal screen" "$(ui_dead)" "0 0"

# Editions with gaps: a.txt lacks chapter 2, b.txt has it.  ] and [ and
# --resume follow the story's order (1, 2, 3, 4), not the files'.
G=$TMPD/gaplib
mkdir -p "$G"
gap_story "$G/a.txt" 1 3 4
gap_story "$G/b.txt" 1 2 3 4
ui_start 80 24 -L "$G" "Gap Story"
check "gap editions: opens at chapter 1/4" status_has ' 1/4 '
ui_keys ]
check "gap editions: ] goes to chapter 2, which a.txt lacks" ui_wait '^ *Chapter 2$'
check "gap editions: and says 2/4" status_has ' 2/4 '
ui_keys ]
check "gap editions: ] again goes to chapter 3" ui_wait '^ *Chapter 3$'
ui_keys q
check "gap editions: q goes back to the library" ui_wait 'stor(y|ies) in'
$UI_T send-keys -t q q
check_eq "gap editions: q quits" "$(ui_dead)" "0 0"
ui_start 80 24 -L "$G" --resume
check "gap editions: --resume reopens chapter 3" ui_wait '^ *Chapter 3$'
check "gap editions: as 3/4" status_has ' 3/4 '
ui_keys [
check "gap editions: [ goes back to chapter 2" ui_wait '^ *Chapter 2$'
ui_keys q
finish
