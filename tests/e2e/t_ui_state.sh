#!/bin/sh
# t_ui_state.sh — the state folder as the screens meet it, in tmux.
# 1. The search history is written under its lock (search-history.lock, the
#    one a merge of conflict copies takes) and a search never waits for it:
#    while another process holds the lock a search is done and recalled at
#    once, and written with the next search that finds the lock free, or at
#    the end of the run (which waits for it).  What the other process wrote
#    meanwhile is kept.
# 2. The warnings of the merge of conflict copies at start are on the first
#    screen's bottom line (stderr is behind the screen), and said on stderr
#    when quire quits; without the screen (--render) they go to stderr.
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

# 1. The search history and its lock.
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


# 2. A conflict copy that cannot be read: kept aside with a warning.
printf 'not a bookmarks file\n' >"$SD/bookmarks.sync-conflict-20261203-120000-ZZZZZZZ"
ui_run 100 24 "$(ui_quote "$QUIRE" "$F") 2>$(ui_quote "$TMPD/err")"
check "the merge's warning is on the first screen" status_has 'unreadable conflict copy'
check_eq "and not on stderr behind the screen" "$(wc -c <"$TMPD/err" | tr -d ' ')" 0
$UI_T send-keys -t q q
ui_dead >/dev/null
check_eq "said on stderr once quire quits" \
    "$(grep -c '^quire: .*bookmarks.sync-conflict-20261203-120000-ZZZZZZZ: unreadable conflict copy' "$TMPD/err")" 1
check "the copy was kept aside" sh -c 'ls "$1" | grep -q "^bookmarks.bad-"' sh "$SD"

# Two of them: the first is shown, saying how many there are.
printf 'not a bookmarks file\n' >"$SD/bookmarks.sync-conflict-20261203-120000-YYYYYYY"
printf 'quire-pace 9\n' >"$SD/pace.sync-conflict-20261203-120000-YYYYYYY"
ui_run 100 24 "$(ui_quote "$QUIRE" "$F") 2>$(ui_quote "$TMPD/err")"
check "two warnings: the first, and how many" status_has '1 of 2: bookmarks.sync-conflict'
$UI_T send-keys -t q q
ui_dead >/dev/null
check_eq "both on stderr once quire quits" "$(grep -c '^quire: ' "$TMPD/err")" 2
check "the pace copy's warning names its format" \
    grep -q 'pace.sync-conflict-20261203-120000-YYYYYYY: written by a newer quire (format 9)' "$TMPD/err"

# Without the screen the warning goes to stderr at once.
printf 'not a bookmarks file\n' >"$SD/bookmarks.sync-conflict-20261203-120000-XXXXXXX"
"$QUIRE" --render "$F" >/dev/null 2>"$TMPD/err"
check "--render: the warning on stderr" grep -q 'unreadable conflict copy' "$TMPD/err"

ui_stop_server
finish
