#!/bin/sh
# t_ui_change.sh — a story file that changes on disk while it is read:
# cut short under the reader (it used to die of SIGBUS: the text is
# mapped), then grown (a serial updated).  The reader lives on, says so on
# the bottom line, and shows the text the file holds now.  In tmux.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

# Pride and Prejudice's size (690 KB): Alice four times over.
F="$TMPD/long.txt"
A="$TOP/tests/data/corpus/alice-in-wonderland_pg11-0.txt"
cat "$A" "$A" "$A" "$A" >"$F"
check "the story is long (read from its head, then whole)" test "$(wc -c <"$F")" -gt 600000

ui_start 80 24 "$F"
check "the whole story arrives" ui_wait " 1/[0-9]+ "
ui_keys Space Space
# Cut short while open (what a downloader rewriting it in place does).
# The reader notices between keys (or when a page past the new end is
# touched, which would have been SIGBUS); either way it reads the file
# again.
truncate -s 4096 "$F"
check "the bottom line says the file changed" ui_wait "file changed on disk"
ui_keys G
check "the reader is alive after G" ui_alive
check "the last screen shows the file's last text" ui_wait "I wonder what Latitud"

# Grown (a serial with a new chapter): picked up the same way.
ui_keys g
{ printf '\n\nChapter 99\n\nThe serial goes on: zebra quokka marmalade.\n'
  i=0; while [ $i -lt 60 ]; do printf '\nMore of the new chapter, paragraph %d.\n' $i; i=$((i + 1)); done
  printf '\nThe very end of the serial so far.\n'; } >>"$F"
check "the growth is noticed" ui_wait "file changed on disk"
ui_keys ] G
check "] and G show the new chapter's end" ui_wait "The very end of the serial so far"
check "the new chapter is counted" status_has " 2/2 "
check "still alive" ui_alive
ui_keys q q
check_eq "quits cleanly" "$(ui_dead)" "0 0"
finish
