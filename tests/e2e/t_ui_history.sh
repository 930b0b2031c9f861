#!/bin/sh
# t_ui_history.sh — the search history is written under its lock
# (search-history.lock, the one a merge of conflict copies takes) and a
# search never waits for it: while another process holds the lock a search
# is done and recalled at once, and written with the next search that finds
# the lock free, or at the end of the run (which waits for it).  What the
# other process wrote meanwhile is kept.  In tmux.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

F="$TMPD/story.txt"
{
    printf 'Chapter One\n\n'
    for w in alpha bravo charlie delta; do
        printf 'A paragraph about %s and nothing else at all.\n\n' "$w"
    done
} >"$F"
SD="$XDG_STATE_HOME/quire"
H="$SD/search-history"
mkdir -p "$SD"
printf 'older search\n' >"$H"

# hold LINE: another process takes the lock and does what a merge (or
# another quire) does under it: reads the file, and at `release` replaces
# it with what it read and LINE.  A search written meanwhile without the
# lock would be lost.
hold() {
    rm -f "$TMPD/held" "$TMPD/release"
    flock "$SD/search-history.lock" sh -c \
        'cp "$2" "$2.other"; : >"$3"; while [ ! -e "$4" ]; do sleep 0.05; done
         printf "%s\n" "$1" >>"$2.other"; mv "$2.other" "$2"' \
        sh "$1" "$H" "$TMPD/held" "$TMPD/release" &
    HOLDER=$!
    ui_until test -e "$TMPD/held"
}
release() {
    : >"$TMPD/release"
    wait "$HOLDER"
}

ui_start 80 24 "$F"
hold "from a merge"
check "the other process holds the lock" test -e "$TMPD/held"
ui_keys /
ui_type 'alpha'
ui_keys Enter
check "a search while the lock is held is done at once (a frame came)" status_has 'hit 1 of 1'
check_eq "it is not written while the lock is held" "$(grep -c alpha "$H")" 0
ui_keys / Up
check "it is recalled at once" ui_wait '^/alpha'
ui_keys Enter
release
ui_keys /
ui_type 'bravo'
ui_keys Enter
check "the next search" status_has 'hit 1 of 1'
check_eq "with the lock free both are written, after what the other process added" \
    "$(cat "$H")" "$(printf 'older search\nfrom a merge\nalpha\nbravo')"

# At the end of the run a pending search is written: quire waits for the lock.
hold "from another quire"
ui_keys /
ui_type 'charlie'
ui_keys Enter
check "a search while the lock is held again" status_has 'hit 1 of 1'
$UI_T send-keys -t q q
check "quire waits for the lock at the end of the run" ui_alive
release
check_eq "then exits" "$(ui_dead)" "0 0"
check_eq "and the pending search is written after the other's line" \
    "$(cat "$H")" "$(printf 'older search\nfrom a merge\nalpha\nbravo\nfrom another quire\ncharlie')"

ui_stop_server
finish
