#!/bin/sh
# t_ui_library.sh — the library screen, saving the place (leaving, quitting,
# SIGTERM, SIGHUP, periodically), --resume, key remaps, and the terminal
# restored after every way out, in tmux.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

sel_of() { ui_status | sed -n 's/.* \([0-9][0-9]*\/[0-9][0-9]*\) #.*/\1/p'; }
row_of() { ui_screen | grep -F -- "$1"; }
NST=$("$QUIRE" --list --tsv -L "$LIBDIR" | cut -f1 | sort -u | wc -l)
check "the sample library has stories (needs the library module)" [ "$NST" -ge 3 ]

# A fresh start: every story listed, with author, chapters, "new".
ui_start 80 24 -L "$LIBDIR"
check "the library lists its stories" ui_wait "$NST stories in"
check "a story with its author" ui_wait 'The Worst Betrayal +by TwilightChild'
check "and its chapter count, unread" sh -c "printf '%s\n' \"\$1\" | grep -Eq '2 ch +new'" _ \
    "$(row_of 'The Worst Betrayal')"
check_eq "the first story selected when nothing was read" "$(sel_of)" "1/$NST"

# Moving.
ui_keys j
check_eq "j moves down" "$(sel_of)" "2/$NST"
ui_keys k
check_eq "k moves up" "$(sel_of)" "1/$NST"
ui_keys Down Down
check_eq "Down moves down" "$(sel_of)" "3/$NST"
ui_keys Up
check_eq "Up moves up" "$(sel_of)" "2/$NST"
ui_keys G
check_eq "G: the last story" "$(sel_of)" "$NST/$NST"
ui_keys g
check_eq "g: the first story" "$(sel_of)" "1/$NST"
ui_keys End
check_eq "End: the last story" "$(sel_of)" "$NST/$NST"
ui_keys Home
check_eq "Home: the first story" "$(sel_of)" "1/$NST"
ui_keys NPage
check_eq "PgDn: a page down (to the last here)" "$(sel_of)" "$NST/$NST"
ui_keys PPage
check_eq "PgUp: a page up" "$(sel_of)" "1/$NST"
ui_raw "$(printf '\033[Ma!!')" 1
check_eq "the mouse wheel moves the selection" "$(sel_of)" "2/$NST"
ui_raw "$(printf '\033[M`!!')" 1
check_eq "and back" "$(sel_of)" "1/$NST"

# Filter by title or author, case-insensitive, as you type.
ui_keys /
ui_type 'worst'
check "/ filters by title as you type" ui_wait '^/worst'
check "only the matching story is left" not_shown 'Untitled Prologue'
check "the match is listed" ui_wait 'The Worst Betrayal'
ui_keys Enter
check_eq "Enter keeps the filter" "$(sel_of)" "1/1"
ui_keys Escape
check "Esc shows every story again (the same one selected)" \
    sh -c "[ \"\${1#*/}\" = $NST ] && [ \"\${1%/*}\" != 1 ]" _ "$(sel_of)"
ui_keys /
ui_type 'TWILIGHT'
ui_keys Enter
check_eq "the filter finds an author, ignoring case" "$(sel_of)" "1/1"
check "by that author" ui_wait 'The Worst Betrayal'
ui_keys /
ui_type 'nothing like this'
ui_keys Escape
check "Esc in the prompt drops the filter" sh -c "[ \"\${1#*/}\" = $NST ]" _ "$(sel_of)"

# Help from the library.
ui_keys h
check "h shows the keys" ui_wait 'In the library'
check "including the reader's" ui_wait 'While reading'
ui_keys q

# Open a story, read a little, go back: progress and when are shown.
ui_keys /
ui_type 'worst'
ui_keys Enter Enter
check "Enter opens the story" ui_wait ' 1/2 '
ui_keys Space Space j
TOP=$(ui_top)
ui_keys q
check "q goes back to the library" ui_wait 'stories'
check "the story now shows its progress" sh -c "printf '%s\n' \"\$1\" | grep -Eq '2 ch +[0-9]+% +just now'" _ \
    "$(row_of 'The Worst Betrayal')"
check "the story just read is selected (reverse video)" reverse_on 'The Worst Betrayal'
ui_keys Enter
check_eq "Enter reopens it at the same line" "$(ui_top)" "$TOP"
ui_keys q q
check_eq "q q: quit with status 0 and the normal screen back" "$(ui_dead)" "0 0"

# A new run selects the story read last.
ui_start 80 24 -L "$LIBDIR"
check "the last-read story is selected in a new run" reverse_on 'The Worst Betrayal'
check "no other row is selected" sh -c "! printf '%s\n' \"\$1\" | grep -q Untitled" _ \
    "$($UI_T capture-pane -p -e -t q | grep -E "$(printf '\033')\\[([0-9]+;)*7(;[0-9]+)*m")"
ui_keys q
ui_dead >/dev/null

# --resume reopens the last story at the same line.
ui_start 80 24 -L "$LIBDIR" --resume
check "--resume opens the last story" ui_wait ' 1/2 '
check_eq "--resume: the same top line" "$(ui_top)" "$TOP"

# SIGTERM: saved, terminal restored, status 0.
ui_keys ']' Space j j
TOP2=$(ui_top)
kill -TERM "$(ui_pid)"
check_eq "SIGTERM ends it cleanly (status 0, normal screen)" "$(ui_dead)" "0 0"
ui_start 80 24 -L "$LIBDIR" --resume
check_eq "the place was saved on SIGTERM" "$(ui_top)" "$TOP2"
check "in chapter 2" status_has ' 2/2 '

# SIGHUP the same.
ui_keys b
TOP3=$(ui_top)
kill -HUP "$(ui_pid)"
check_eq "SIGHUP ends it cleanly" "$(ui_dead)" "0 0"
ui_start 80 24 -L "$LIBDIR" --resume
check_eq "the place was saved on SIGHUP" "$(ui_top)" "$TOP3"

# C-c (SIGINT) the same.
ui_keys Space
TOP4=$(ui_top)
$UI_T send-keys -t q C-c
check_eq "C-c ends it cleanly" "$(ui_dead)" "0 0"
ui_start 80 24 -L "$LIBDIR" --resume
check_eq "the place was saved on C-c" "$(ui_top)" "$TOP4"

# Periodically: a move is written within a few seconds while reading.
ui_keys g
before=$("$QUIRE" --bookmarks -L "$LIBDIR" | grep -o '[0-9]*%  chapter [0-9/]*')
ui_keys Space Space Space
saved=""
i=0
while [ $i -lt 100 ]; do
    now=$("$QUIRE" --bookmarks -L "$LIBDIR" | grep -o '[0-9]*%  chapter [0-9/]*')
    [ "$now" != "$before" ] && { saved=1; break; }
    sleep 0.1
    i=$((i + 1))
done
check "the place is saved while reading (within 10 s)" [ -n "$saved" ]
check "still running" ui_alive

# A crash signal: the terminal is restored even then.
kill -SEGV "$(ui_pid)"
check_eq "SIGSEGV: dies of it with the normal screen back" "$(ui_dead)" "signal 11 0"

# Key remaps from the config; an unknown action is a one-line warning.
mkdir -p "$XDG_CONFIG_HOME/quire"
printf 'key.next_page = x\nkey.no_such_action = y\n' >"$XDG_CONFIG_HOME/quire/config"
ui_run 80 24 "$(ui_quote "$QUIRE" -L "$LIBDIR" "The Worst Betrayal") 2>'$TMPD/err'"
ui_keys g
T0=$(ui_top)
ui_keys x
check "a remapped key (x = next_page) turns the page" [ "$(ui_top)" != "$T0" ]
ui_keys h
check "help shows the remapped key" ui_wait '^ *Space f PgDn Right x +next page'
ui_keys q q q
ui_dead >/dev/null
check "unknown action: a warning naming it" grep -q 'no_such_action' "$TMPD/err"
check_eq "one line" "$(grep -c . "$TMPD/err")" 1

# A state folder that cannot be written: a warning on the bottom line (not
# garbage from stderr over the screen), and reading goes on.
rm -f "$XDG_CONFIG_HOME/quire/config"
: >"$TMPD/not-a-folder"
ui_run 80 24 "env XDG_STATE_HOME='$TMPD/not-a-folder/state' $(ui_quote "$QUIRE" -L "$LIBDIR" "The Worst Betrayal") 2>'$TMPD/err2'"
ui_keys m a
check "an unwritable store: a warning on the bottom line" ui_wait 'quire|state|bookmark'
check "the warning names the folder" ui_wait 'not-a-folder'
check "and fits the bottom line: its end is there" status_has 'bookmarks are not saved'
ui_keys Space
check "reading goes on" status_has ' 1/2 '
ui_keys q q
check_eq "quits with status 0" "$(ui_dead)" "0 0"
check_eq "the warning is said again on stderr at exit, once" \
    "$(grep -c 'not-a-folder.*bookmarks are not saved' "$TMPD/err2")" 1

# Renamed library folder and files, and another terminal width: --resume
# still lands on the same text.
rm -rf "$XDG_STATE_HOME"
cp -R "$LIBDIR" "$TMPD/libA"
ui_start 100 30 -L "$TMPD/libA" "The Worst Betrayal"
ui_keys ']' Space Space j j j
TOPW=$(ui_top)
WORD=$(printf '%s\n' "$TOPW" | sed 's/^ *//; s/[ ,.;:!?].*//')
ui_keys q q
ui_dead >/dev/null
PCT=$("$QUIRE" --bookmarks | grep -o '[0-9]*%  chapter [0-9/]*')
mv "$TMPD/libA" "$TMPD/libB"
(cd "$TMPD/libB/The Worst Betrayal" && mv 000_977516cc94ba2ab9.txt "part one.txt" &&
    mv 001_f36c8488a464cd0d.txt "part two.txt")
mv "$TMPD/libB/The Worst Betrayal" "$TMPD/libB/twb"
check_eq "--bookmarks: the same place after the renames" \
    "$("$QUIRE" --bookmarks | grep -o '[0-9]*%  chapter [0-9/]*')" "$PCT"
ui_start 60 20 -L "$TMPD/libB" --resume
check "renamed, 60 columns: --resume opens chapter 2/2" status_has ' 2/2 '
check "and the top line holds the word that was on top ($WORD)" top_has_word "$WORD"
ui_keys q q
check_eq "quits with status 0 after the renames" "$(ui_dead)" "0 0"

# Two instances at once, each reading its own story: both places are kept.
rm -rf "$XDG_STATE_HOME"
ui_start 80 24 -L "$LIBDIR" "The Worst Betrayal"
ui_keys Space Space Space
$UI_T new-session -d -s q2 -x 80 -y 24 \
    -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 -e HOME="$HOME" -e XDG_STATE_HOME="$XDG_STATE_HOME" \
    -e XDG_CONFIG_HOME="$XDG_CONFIG_HOME" -e XDG_CACHE_HOME="$XDG_CACHE_HOME" \
    "TERM=tmux-256color; export TERM; exec $(ui_quote "$QUIRE" -L "$LIBDIR" "Almost Heaven")"
check "a second instance opens its story" ui_until sh -c "$UI_T capture-pane -p -t q2 | tail -n 1 | grep -q 'Almost Heaven'"
$UI_T send-keys -t q2 Space Space
check "the second instance moves on" ui_until sh -c "$UI_T capture-pane -p -t q2 | tail -n 1 | grep -Eq ' [1-9][0-9]?%'"
$UI_T send-keys -t q2 q q
ui_keys q q
ui_dead >/dev/null
# The second session ends when its quire exits (no remain-on-exit there);
# the SIGCHLD pokes are ui_exited's (a missed SIGCHLD would keep it).
UI_WAITED=0
while $UI_T has-session -t q2 2>/dev/null && ui_waiting; do
    kill -CHLD "$UI_SPID" 2>/dev/null
    ui_tick
done
marks=$("$QUIRE" --bookmarks)
check "both stories' places are kept (The Worst Betrayal)" \
    sh -c 'printf "%s\n" "$1" | grep -A1 "The Worst Betrayal" | grep -Eq "[1-9][0-9]?%"' _ "$marks"
check "both stories' places are kept (Almost Heaven)" \
    sh -c 'printf "%s\n" "$1" | grep -A1 "Almost Heaven" | grep -Eq "[1-9][0-9]?%"' _ "$marks"
finish
