# t_state.sh — a FIFO, a device or a folder where quire keeps its own
# files (the bookmarks, the config, the index cache and the library
# snapshot) is never waited on and never read without end: quire gives
# one line of warning and goes on.
#
# Each run waits for quire to exit.  So that an old quire, which blocked in
# open() on a FIFO, fails these checks instead of hanging, a feeder writes
# a line into the FIFO for as long as it is one; a /dev/zero link is read
# under a 1 GiB address-space limit, so reading it without end ends in
# "out of memory" (a failure) rather than in the machine's swap.
. "$(dirname "$0")/../lib.sh"

LIB="$TMPD/lib"
mkdir -p "$LIB"
cp -R "$TOP/sample_library/." "$LIB/"
find "$LIB" -type f -exec touch -d '1 hour ago' {} +
SDIR="$XDG_STATE_HOME/quire"
CDIR="$XDG_CONFIG_HOME/quire"
KDIR="$XDG_CACHE_HOME/quire"
mkdir -p "$SDIR" "$CDIR"

want_list=$(QUIRE_NO_CACHE=1 "$QUIRE" --list --tsv "$LIB" 2>/dev/null)
check "the library lists" test -n "$want_list"

# feed FIFO: write a line into FIFO each time a reader opens it, until it
# is no FIFO any more; its pid in $feeder.
feed() {
    ( while [ -p "$1" ]; do echo "junk" >"$1"; done ) 2>/dev/null &
    feeder=$! feeding=$1
}
# unfeed: stop the feeder.  It may sit in open() waiting for a reader (quire
# never opened the FIFO): the signal, then a reader of our own to complete
# that open, then SIGKILL, so the suite never waits on it (seen once under
# load: the suite hung there).
unfeed() {
    kill "$feeder" 2>/dev/null
    if [ -p "$feeding" ]; then exec 9<>"$feeding"; exec 9<&-; fi
    kill -9 "$feeder" 2>/dev/null
    wait "$feeder" 2>/dev/null
}

# run NAME ARGS...: quire ARGS under the memory limit; stdout in
# $TMPD/NAME.out, stderr in $TMPD/NAME.err, exit status in $rc.
run() {
    name=$1; shift
    ( ulimit -v 1048576; exec "$QUIRE" "$@" ) >"$TMPD/$name.out" 2>"$TMPD/$name.err"
    rc=$?
}

# one_warning NAME PATH KIND: stderr is one line naming PATH and KIND.
one_warning() {
    check_eq "$1: one line on stderr" "$(wc -l <"$TMPD/$1.err" | tr -d ' ')" 1
    check "$1: it names the file and what it is" \
        grep -qF "quire: $2: not a regular file but $3" "$TMPD/$1.err"
}

# ---- the bookmarks file --------------------------------------------------
BM="$SDIR/bookmarks"
mkfifo "$BM"
feed "$BM"
run bm-fifo --bookmarks -L "$LIB"
unfeed
check_eq "bookmarks FIFO: --bookmarks exits 0" "$rc" 0
one_warning bm-fifo "$BM" "a FIFO"
check "bookmarks FIFO: the warning says nothing is saved" grep -q "bookmarks are not saved" "$TMPD/bm-fifo.err"
check "bookmarks FIFO: still a FIFO (never replaced)" test -p "$BM"
check "bookmarks FIFO: nothing kept aside" sh -c '! ls "$1"/bookmarks.bad-* >/dev/null 2>&1' - "$SDIR"
rm -f "$BM"

ln -s /dev/zero "$BM"
run bm-zero --bookmarks -L "$LIB"
check_eq "bookmarks -> /dev/zero: --bookmarks exits 0" "$rc" 0
one_warning bm-zero "$BM" "a character device"
check "bookmarks -> /dev/zero: the link is left alone" test -L "$BM"
rm -f "$BM"

# ---- the config file -----------------------------------------------------
CF="$CDIR/config"
mkfifo "$CF"
feed "$CF"
run cf-fifo --config-check
unfeed
check_eq "config FIFO: --config-check says there was a problem" "$rc" 1
one_warning cf-fifo "$CF" "a FIFO"
check "config FIFO: the defaults are printed" grep -q "^wrap" "$TMPD/cf-fifo.out"
feed "$CF"
run cf-fifo-list --list --tsv "$LIB"
unfeed
check_eq "config FIFO: --list exits 0" "$rc" 0
check_eq "config FIFO: --list lists the library" "$(cat "$TMPD/cf-fifo-list.out")" "$want_list"
one_warning cf-fifo-list "$CF" "a FIFO"
rm -f "$CF"

ln -s /dev/zero "$CF"
run cf-zero --config-check
check_eq "config -> /dev/zero: --config-check says there was a problem" "$rc" 1
one_warning cf-zero "$CF" "a character device"
rm -f "$CF"

# ---- the cache files -----------------------------------------------------
run warm --list --tsv "$LIB"
snap=$(ls "$KDIR"/library-* 2>/dev/null | head -n 1)
index=$(ls "$KDIR"/index-* 2>/dev/null | head -n 1)
check "the cache holds a snapshot" test -n "$snap"
check "the cache holds an index" test -n "$index"

# the library snapshot (read first)
rm -f "$snap"
mkfifo "$snap"
feed "$snap"
run snap-fifo --list --tsv "$LIB"
unfeed
check_eq "snapshot FIFO: --list exits 0" "$rc" 0
check_eq "snapshot FIFO: --list lists the library" "$(cat "$TMPD/snap-fifo.out")" "$want_list"
one_warning snap-fifo "$snap" "a FIFO"
check "snapshot FIFO: replaced by a good snapshot" test -f "$snap"
run snap-after --list --tsv "$LIB"
check_eq "snapshot FIFO: the next run is quiet" "$(cat "$TMPD/snap-after.err")" ""

rm -f "$snap"
ln -s /dev/zero "$snap"
run snap-zero --bookmarks -L "$LIB"
check_eq "snapshot -> /dev/zero: --bookmarks exits 0" "$rc" 0
one_warning snap-zero "$snap" "a character device"

# the index (read when the snapshot is no use)
rm -f "$snap" "$index"
mkfifo "$index"
feed "$index"
run index-fifo --list --tsv "$LIB"
unfeed
check_eq "index FIFO: --list exits 0" "$rc" 0
check_eq "index FIFO: --list lists the library" "$(cat "$TMPD/index-fifo.out")" "$want_list"
one_warning index-fifo "$index" "a FIFO"

rm -f "$snap" "$index"
ln -s /dev/zero "$index"
run index-zero --list --tsv "$LIB"
check_eq "index -> /dev/zero: --list exits 0" "$rc" 0
one_warning index-zero "$index" "a character device"

finish
