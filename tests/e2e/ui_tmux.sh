# tests/e2e/ui_tmux.sh — drive quire inside tmux for the t_ui_*.sh suites.
# Source it after tests/lib.sh.
#
# Every session runs on a private socket (quire-$$, no user config) at a
# fixed size, with LANG/TERM set and HOME/XDG_* from lib.sh, and with
# QUIRE_TEST_FRAMES=1 so quire shows "#N" (frames drawn) at the right end of
# its bottom line.  Nothing here sleeps and then asserts: every wait polls
# for an event, usually a NEW frame, and ends the moment it comes, the
# moment quire has exited (it will draw nothing more: the wait fails at
# once, after one last look), or at the deadline (UI_DEADLINE tenths of a
# second), whichever is first.  Polls are 0.02 s apart for the first 0.2 s
# (a frame usually comes within a few milliseconds), then 0.1 s.
# A wait inside ui_start, ui_keys, ui_type, ui_raw or ui_resize that reaches
# the deadline with quire alive is a failure of the suite (the frame it
# waited for never came): no suite passes the slow way, through deadlines
# running out.  UI_DEADLINE counts the polls' sleeps, so on a loaded machine
# (slow tmux commands between the sleeps) one lost frame could cost minutes.
#
#   ui_start W H ARGS...   start quire ARGS in a W x H pane, wait for a frame
#   ui_run W H CMD         the same with a shell command line
#   ui_keys KEY...         send tmux key names, wait for one frame per key
#   ui_type TEXT           send literal text, one frame per character
#   ui_raw BYTES N         send raw bytes (e.g. mouse sequences), wait for N frames
#   ui_resize W H          resize the pane, wait for a new frame
#   ui_screen              the pane's text;  ui_line N: line N (1-based)
#   ui_top                 the first line, leading spaces removed
#   ui_status              the last line
#   ui_wait REGEX          wait until the pane shows REGEX (grep -E)
#   ui_dead                wait until quire has exited; prints "STATUS ALTSCREEN"
#   ui_exited              true once quire (the pane's program) has exited
#   ui_until CMD...        poll until CMD succeeds (or quire has exited)
command -v tmux >/dev/null 2>&1 || { echo "tmux is not installed: skipping" >&2; finish; }

UI_T="tmux -L quire-$$ -f /dev/null"
UI_DEADLINE=${UI_DEADLINE:-150}
# At exit: stop our tmux server, let quire finish saving into $TMPD (it
# gets SIGHUP), then remove $TMPD.
# ui_gone PID: true once the process has exited.  A zombie has: the tmux
# server is a daemon and a quire whose server has gone an orphan, so their
# parent is PID 1, which may reap them late (here 1.5 s after the exit,
# every time), and kill -0 is true for a zombie.  Without /proc, kill -0.
ui_gone() {
    kill -0 "$1" 2>/dev/null || return 0
    [ -d /proc/self ] || return 1   # no /proc: alive, as kill -0 says
    case $(sed -n 's/^State:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null) in
    Z*|X*|"") return 0 ;;   # a zombie, or reaped meanwhile
    esac
    return 1
}
# ui_stop_quire: stop our tmux server and give quire (SIGHUP) up to 3 s to
# finish saving and exit.
ui_stop_quire() {
    p=$($UI_T display -p -t q '#{pane_pid}' 2>/dev/null)
    $UI_T kill-server >/dev/null 2>&1
    i=0
    while [ -n "$p" ] && ! ui_gone "$p" && [ "$i" -lt 30 ]; do
        sleep 0.1
        i=$((i + 1))
    done
}
ui_cleanup() {
    ui_stop_quire
    rm -rf "$TMPD"
}
trap ui_cleanup EXIT
LIBDIR="$TOP/sample_library"

ui_screen() { $UI_T capture-pane -p -t q 2>/dev/null; }
ui_line() { ui_screen | sed -n "${1}p"; }
ui_top() { ui_line 1 | sed 's/^ *//'; }
ui_status() { ui_screen | tail -n 1; }
ui_frame() {
    f=$(ui_status | sed -n 's/.*#\([0-9][0-9]*\) *$/\1/p')
    echo "${f:-0}"
}

# The polling clock: ui_tick sleeps the next interval and adds it to
# UI_WAITED (hundredths of a second); ui_waiting is true until the deadline.
ui_tick() {
    if [ "$UI_WAITED" -lt 20 ]; then
        sleep 0.02; UI_WAITED=$((UI_WAITED + 2))
    else
        sleep 0.1; UI_WAITED=$((UI_WAITED + 10))
    fi
}
ui_waiting() { [ "$UI_WAITED" -lt $((UI_DEADLINE * 10)) ]; }

# ui_exited: true once the pane's program has exited (the pane stays, dead,
# with its last screen: remain-on-exit).  tmux with libutempter can miss a
# child's SIGCHLD and leave the pane "alive" around a zombie (tmux/tmux#311,
# #4559), so each look first pokes our own private server (by its pid) with
# SIGCHLD; it reaps what has exited and goes on.
# With no pane (or no server) left to ask, quire is gone too: true as well.
ui_exited() {
    [ -n "$UI_SPID" ] && kill -CHLD "$UI_SPID" 2>/dev/null
    d=$($UI_T display -p -t q '#{pane_dead}' 2>/dev/null) || return 0
    [ "$d" = 1 ]
}

# ui_wait_frame N: wait until the frame number is at least N.  At the
# deadline UI_LOST is 1 (0 otherwise).
ui_wait_frame() {
    UI_WAITED=0
    UI_LOST=0
    while ui_waiting; do
        [ "$(ui_frame)" -ge "$1" ] && return 0
        if ui_exited; then
            [ "$(ui_frame)" -ge "$1" ] && return 0
            # a key that quits (q) draws no frame and exits 0: nothing to
            # say; an exit with a failing status is worth a line (the
            # checks after it say what it cost)
            st=$($UI_T display -p -t q '#{pane_dead_status}' 2>/dev/null)
            case $st in
            '' | 0) ;;
            *) echo "quire exited (status $st) before frame $1 (at $(ui_frame))" >&2 ;;
            esac
            return 1
        fi
        ui_tick
    done
    echo "timed out waiting for frame $1 (at $(ui_frame))" >&2
    ui_screen >&2
    UI_LOST=1
    return 1
}

# ui_lost WHAT: after a wait that failed; a failure of the suite when it
# reached the deadline.  Returns 1 (the wait's status) all the same.
ui_lost() {
    [ "$UI_LOST" = 1 ] && fail "$1: no new frame came (the wait ran to its deadline, quire alive)"
    return 1
}

ui_wait() {
    UI_WAITED=0
    while ui_waiting; do
        ui_screen | grep -Eq -- "$1" && return 0
        if ui_exited; then
            ui_screen | grep -Eq -- "$1" && return 0
            echo "quire exited without showing /$1/" >&2
            ui_screen >&2
            return 1
        fi
        ui_tick
    done
    echo "timed out waiting for /$1/" >&2
    ui_screen >&2
    return 1
}

# ui_stop_server: end our tmux server, if any, and wait until it has gone:
# kill-server returns before the server has exited, and a new session asked
# for meanwhile reaches the dying server ("server exited unexpectedly").
# Gone is exited (ui_gone), not yet reaped.
ui_stop_server() {
    spid=$($UI_T display -p '#{pid}' 2>/dev/null)
    $UI_T kill-server >/dev/null 2>&1
    [ -n "$spid" ] || return 0
    UI_WAITED=0
    while ! ui_gone "$spid" && ui_waiting; do ui_tick; done
}

ui_run() {
    w=$1; h=$2; shift 2
    ui_stop_server
    UI_LAST_FRAME=0   # a new quire counts its frames from 1
    $UI_T new-session -d -s q -x "$w" -y "$h" \
        -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 -e HOME="$HOME" -e XDG_STATE_HOME="$XDG_STATE_HOME" \
        -e XDG_CONFIG_HOME="$XDG_CONFIG_HOME" -e XDG_CACHE_HOME="$XDG_CACHE_HOME" \
        -e QUIRE_TEST_FRAMES=1 \
        "unset LINES COLUMNS QUIRE_LIBRARY; TERM=tmux-256color; export TERM; exec $*" \; \
        set-option -t q remain-on-exit on
    UI_SPID=$($UI_T display -p '#{pid}' 2>/dev/null)
    ui_wait_frame 1 || ui_lost "start $*"
}

# Quote each argument for the shell command line tmux runs.
ui_quote() {
    out=""
    for a in "$@"; do
        out="$out '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
    done
    printf '%s' "$out"
}

ui_start() {
    w=$1; h=$2; shift 2
    ui_run "$w" "$h" "$(ui_quote "$QUIRE" "$@")"
}

ui_keys() {
    f=$(ui_frame)
    n=0
    for k in "$@"; do
        $UI_T send-keys -t q "$k"
        n=$((n + 1))
    done
    ui_wait_frame $((f + n)) || ui_lost "keys $*"
}

ui_type() {
    f=$(ui_frame)
    n=$(printf '%s' "$1" | wc -m)
    $UI_T send-keys -t q -l "$1"
    ui_wait_frame $((f + n)) || ui_lost "typing $1"
}

ui_raw() {
    f=$(ui_frame)
    $UI_T send-keys -t q -l "$1"
    ui_wait_frame $((f + $2)) || ui_lost "raw input ($2 frames)"
}

# UI_LAST_FRAME: the highest frame number ui_resize has seen.  Below 8
# columns the counter is not shown, so coming back from such a size the
# frame to wait for is one after that (the pane shows the small size's
# stale text until quire draws: reading it then was a flaky check).
# A pane already at W x H is not resized (tmux does nothing, quire draws
# nothing): there is no frame to wait for.
UI_LAST_FRAME=0
ui_resize() {
    [ "$($UI_T display -p -t q '#{pane_width}x#{pane_height}' 2>/dev/null)" = "$1x$2" ] && return 0
    f=$(ui_frame)
    if [ "$f" -gt "$UI_LAST_FRAME" ]; then UI_LAST_FRAME=$f; else f=$UI_LAST_FRAME; fi
    $UI_T resize-window -t q -x "$1" -y "$2"
    if [ "$2" -ge 2 ] && [ "$1" -ge 8 ]; then
        ui_wait_frame $((f + 1)) || ui_lost "resize to $1x$2"
    else
        # Too small for the frame counter: wait for the pane to take the size.
        UI_WAITED=0
        while ui_waiting; do
            [ "$($UI_T display -p -t q '#{pane_width}x#{pane_height}')" = "$1x$2" ] && return 0
            ui_exited && return 1
            ui_tick
        done
        fail "resize to $1x$2: the pane did not take the size (the wait ran to its deadline)"
        return 1
    fi
}

# ui_dead: wait for the exit (ui_exited pokes tmux about a missed SIGCHLD).
ui_dead() {
    UI_WAITED=0
    while ui_waiting; do
        # The status (or the signal) can show up a moment after pane_dead.
        if ui_exited; then
            d=$($UI_T display -p -t q '#{pane_dead} #{pane_dead_status}#{pane_dead_signal}' 2>/dev/null) ||
                { echo "no tmux pane (the server is gone)"; return 1; }
            case $d in
            "1 "?*)
                $UI_T display -p -t q '#{pane_dead_status}#{?pane_dead_signal,signal #{pane_dead_signal},} #{alternate_on}'
                return 0;;
            esac
        fi
        ui_tick
    done
    echo "still running"
    return 1
}

ui_alive() { [ "$($UI_T display -p -t q '#{pane_dead}' 2>/dev/null)" = 0 ]; }
ui_pid() { $UI_T display -p -t q '#{pane_pid}'; }

# trimmed: strip leading and trailing spaces of every line of stdin
trimmed() { sed 's/^ *//; s/ *$//'; }
# alice_html TXT HTML: a Gutenberg text made one HTML file titled Alice,
# an h2 per "CHAPTER" line, a p per paragraph, & and < escaped (a long
# HTML story: it has no head, its conversion is whole).
alice_html() {
    awk 'BEGIN { print "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Alice</title></head><body>" }
         /^CHAPTER / { if (p != "") print "<p>" p "</p>"; p = ""; print "<h2>" $0 "</h2>"; next }
         /^$/ { if (p != "") print "<p>" p "</p>"; p = ""; next }
         { gsub(/&/, "\\&amp;"); gsub(/</, "\\&lt;"); p = p (p == "" ? "" : " ") $0 }
         END { if (p != "") print "<p>" p "</p>"; print "</body></html>" }' "$1" >"$2"
}

# listed_library DIR FILE: DIR a library of a copy of FILE, old enough for
# the index cache (a file changed in the last second is not kept), listed
# once so that a reader's open finds the story in the cache, text unread.
listed_library() {
    mkdir -p "$1"
    cp "$2" "$1/"
    touch -t 202001010000 "$1/$(basename "$2")"
    "$QUIRE" --list -L "$1" >/dev/null
}

# Predicates for check: the status line has TEXT (fixed string); the screen
# does not show REGEX; a line with TEXT has reverse video in it.
status_has() { ui_status | grep -qF -- "$1"; }
not_shown() { ! ui_screen | grep -Eq -- "$1"; }
reverse_on() {
    $UI_T capture-pane -p -e -t q | grep -F -- "$1" | grep -Eq "$(printf '\033')\\[([0-9]+;)*7(;[0-9]+)*m"
}

# ui_until CMD...: poll until CMD succeeds (for sizes too small to show the
# frame counter); fails at the deadline, or at once (after one last try)
# when quire has exited.
ui_until() {
    UI_WAITED=0
    while ui_waiting; do
        "$@" >/dev/null 2>&1 && return 0
        if ui_exited; then
            "$@" >/dev/null 2>&1 && return 0
            return 1
        fi
        ui_tick
    done
    return 1
}
# widest: the widest line of the pane in display columns (wc -L: the
# widest line of its input; one process, not one per line)
widest() { ui_screen | wc -L; }
top_has_word() { ui_screen | head -n 1 | grep -qw -- "$1"; }
# sgr_on TEXT N: the line with TEXT has SGR attribute N (1 bold, 2 dim,
# 3 italic, 4 underline, 7 reverse) switched on somewhere in it.
sgr_on() {
    $UI_T capture-pane -p -e -t q | grep -F -- "$1" | grep -Eq "$(printf '\033')\\[([0-9]+;)*$2(;[0-9]+)*m"
}
