#!/bin/sh
# t_state_disk.sh — a state folder that cannot be written: a full disk and a
# read-only file system (small tmpfs mounts), and output sent to /dev/full.
# The reader keeps reading, says on its status line that the bookmarks are
# not saved, exits 0, and the positions saved before are neither lost nor
# damaged; `quire --bookmarks` still works.  An output command whose stdout
# is /dev/full says so and exits 1.
#
# The mounts need root (CAP_SYS_ADMIN): where `mount -t tmpfs` is refused
# (a container, a user account) those parts are skipped with a note.  Root
# ignores file permissions, so a read-only folder is a read-only remount
# of the tmpfs, not chmod.  Every mount is undone at exit.
. "$(dirname "$0")/../lib.sh"

# ---- 1. stdout on /dev/full: every output command fails with a message ----
if [ -c /dev/full ] && ! printf x >/dev/full 2>/dev/null; then
    # full CMD...: exit 1 and a one-line message on stderr naming the failure
    full() {
        "$QUIRE" "$@" >/dev/full 2>"$TMPD/full.err"
        rc=$?
        [ "$rc" -eq 1 ] && grep -Eq 'write error|No space left' "$TMPD/full.err" &&
            [ "$(wc -l <"$TMPD/full.err")" -eq 1 ]
    }
    check "--list to /dev/full: exit 1 and a message" full --list -L "$TOP/sample_library"
    check "--list --tsv to /dev/full: exit 1 and a message" full --list --tsv -L "$TOP/sample_library"
    check "--list --verbose to /dev/full: exit 1 and a message" \
        full --list --verbose -L "$TOP/sample_library"
    check "--render to /dev/full: exit 1 and a message" full --render "$TOP/sample_library/Almost Heaven"
    check "--config-check to /dev/full: exit 1 and a message" full --config-check
    check "--bookmarks to /dev/full: exit 1 and a message" full --bookmarks
    check "--help to /dev/full: exit 1 and a message" full --help
    check "--version to /dev/full: exit 1 and a message" full --version
else
    echo "t_state_disk: no /dev/full that refuses writes; its checks skipped" >&2
fi

. "$(dirname "$0")/ui_tmux.sh"

# ---- mounts, always undone ---------------------------------------------------
MOUNTS=""
disk_cleanup() {
    # quire first (it may be saving into a mount), then the mounts, then
    # ui_tmux.sh's cleanup (which removes $TMPD: never through a mount).
    ui_stop_quire
    for m in $MOUNTS; do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
    done
    ui_cleanup
}
trap disk_cleanup EXIT
trap 'exit 130' INT TERM HUP

# tmpfs DIR SIZE: mount a fresh tmpfs of SIZE at DIR (created); fails when
# mounting is not allowed here.
tmpfs() {
    mkdir -p "$1" && mount -t tmpfs -o "size=$2,mode=0700" quire-test "$1" 2>/dev/null || return 1
    MOUNTS="$1 $MOUNTS"
}

ST="$XDG_STATE_HOME"
if ! tmpfs "$ST" 64k; then
    echo "t_state_disk: cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN): full-disk and read-only checks skipped" >&2
    finish
fi
BM="$ST/quire/bookmarks"
STORY="The Worst Betrayal"
# A wide pane: the whole warning fits on the status line.
W=200

# reader: open the story by title at its saved position.
reader() { ui_start "$W" 24 -L "$LIBDIR" "$STORY"; }
# leave: q to the library, q to quit; prints the exit status and whether
# the alternate screen is still on.  Then the tmux server is stopped and
# waited for, so the next ui_start never meets a server on its way out.
leave() {
    ui_keys q
    ui_wait 'stories in' >/dev/null && $UI_T send-keys -t q q
    ui_dead
    spid=$($UI_T display -p '#{pid}' 2>/dev/null)
    $UI_T kill-server >/dev/null 2>&1
    [ -n "$spid" ] && ui_until sh -c '! kill -0 "$1"' _ "$spid"
}
moved_from() { [ "$(ui_top)" != "$1" ]; }
# no_temps: the state folder holds the bookmarks and their lock, nothing else
no_temps() {
    for f in "$ST/quire"/* "$ST/quire"/.[!.]*; do
        case ${f##*/} in
        bookmarks|bookmarks.lock|device-????????????????|seen|seen.lock|pace|pace.lock|library-view|search-history|search-history.lock|'*'|'.[!.]*') ;;
        *) return 1 ;;
        esac
    done
}

# ---- 2. a save that works, to compare with --------------------------------
reader
ui_keys Space j j
T1=$(ui_top)
check "a line at the top to come back to" [ -n "$T1" ]
ui_keys m a
check "mark a is set" status_has "bookmark 'a' set"
check_eq "quits with status 0" "$(leave)" "0 0"
check "the bookmarks file is written" [ -s "$BM" ]
cp "$BM" "$TMPD/bm.1"
L1=$("$QUIRE" --bookmarks 2>&1)
check "--bookmarks lists the story" sh -c 'printf "%s\n" "$1" | grep -qF "$2"' _ "$L1" "$STORY"

# ---- 3. the disk fills up ---------------------------------------------------
dd if=/dev/zero of="$ST/fill" bs=1k >/dev/null 2>&1
check "the state disk is full" sh -c '! printf x >>"$1/probe" 2>/dev/null' _ "$ST"
rm -f "$ST/probe"
reader
check_eq "full disk: the reader opens at the saved place" "$(ui_top)" "$T1"
ui_keys j j j
T2=$(ui_top)
check "full disk: reading goes on" [ "$T2" != "$T1" ]
ui_keys m b
check "full disk: the status line says the bookmarks are not saved" status_has "not saved"
check "full disk: the reason is given" status_has "No space left on device"
ui_keys j j
check "full disk: still reading after the warning" moved_from "$T2"
ui_keys "'" a
check_eq "full disk: mark a (saved before) still works" "$(ui_top)" "$T1"
check_eq "full disk: q quits with status 0, the terminal restored" "$(leave)" "0 0"
check "full disk: the bookmarks file is unchanged" cmp -s "$BM" "$TMPD/bm.1"
check "full disk: no temporary file is left" no_temps
check_eq "full disk: --bookmarks still lists the saved place" "$("$QUIRE" --bookmarks 2>&1)" "$L1"

# Space again: the saved place was kept, and saving works again.
rm -f "$ST/fill"
reader
check_eq "space again: the reader opens at the place saved before the disk filled" "$(ui_top)" "$T1"
ui_keys j j j j
T3=$(ui_top)
ui_keys m c
check "space again: mark c is set" status_has "bookmark 'c' set"
check "space again: no warning" not_shown "not saved"
check_eq "space again: quits with status 0" "$(leave)" "0 0"
check "space again: the bookmarks file is written" sh -c '! cmp -s "$1" "$2"' _ "$BM" "$TMPD/bm.1"
cp "$BM" "$TMPD/bm.2"
L2=$("$QUIRE" --bookmarks 2>&1)

# ---- 4. the state folder is read-only ---------------------------------------
if mount -o remount,ro "$ST" 2>/dev/null && ! touch "$ST/probe" 2>/dev/null; then
    reader
    check_eq "read-only: the reader opens at the saved place" "$(ui_top)" "$T3"
    ui_keys j j j
    T4=$(ui_top)
    check "read-only: reading goes on" [ "$T4" != "$T3" ]
    ui_keys m d
    check "read-only: the status line says the bookmarks are not saved" status_has "not saved"
    check "read-only: the reason is given" status_has "Read-only file system"
    ui_keys j
    check "read-only: still reading after the warning" moved_from "$T4"
    ui_keys "'" c
    check_eq "read-only: mark c (saved before) still works" "$(ui_top)" "$T3"
    check_eq "read-only: q quits with status 0" "$(leave)" "0 0"
    check "read-only: the bookmarks file is unchanged" cmp -s "$BM" "$TMPD/bm.2"
    check_eq "read-only: --bookmarks still lists the saved place" "$("$QUIRE" --bookmarks 2>&1)" "$L2"
    check "read-only: --bookmarks exits 0" "$QUIRE" --bookmarks

    # A state folder that does not exist yet under a read-only folder.
    XDG_STATE_HOME="$ST/new" "$QUIRE" --bookmarks >"$TMPD/new.out" 2>&1
    check_eq "read-only, no folder yet: --bookmarks exits 0" "$?" 0
    check "read-only, no folder yet: says there are no positions" grep -q 'no saved positions' "$TMPD/new.out"
    XDG_STATE_HOME="$ST/new"
    reader
    ui_keys j j m e
    check "read-only, no folder yet: not saved, said on the status line" status_has "not saved"
    check_eq "read-only, no folder yet: q quits with status 0" "$(leave)" "0 0"
    XDG_STATE_HOME="$ST"
else
    echo "t_state_disk: cannot remount the tmpfs read-only: read-only checks skipped" >&2
fi

# ---- 5. the cache on a full disk: listing still works -----------------------
CA="$XDG_CACHE_HOME"
if tmpfs "$CA" 16k; then
    dd if=/dev/zero of="$CA/fill" bs=1k >/dev/null 2>&1
    want=$(XDG_CACHE_HOME="$TMPD/cache-ok" "$QUIRE" --list -L "$TOP/sample_library" 2>&1)
    got=$("$QUIRE" --list -L "$TOP/sample_library" 2>/dev/null)
    check_eq "a full cache disk: --list prints the same" "$got" "$want"
    check "a full cache disk: --list exits 0" "$QUIRE" --list -L "$TOP/sample_library"
    mount -o remount,ro "$CA" 2>/dev/null
    got=$("$QUIRE" --list -L "$TOP/sample_library" 2>/dev/null)
    check_eq "a read-only cache: --list prints the same" "$got" "$want"
fi
finish
