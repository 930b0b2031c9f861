#!/bin/sh
# t_sync.sh — the state folder synced between two machines (issue 18,
# docs/FORMATS.md "Sync"): conflict copies named as Syncthing names them,
# merged by the next start of quire and gone, nothing lost and no deleted
# mark back; the same story at different paths, under different file
# names, opening at the same text on both; `quire --merge-state`; the git
# merge driver recipe with a real `git merge`.
#
# A "machine" is a state folder and a library.  Positions and marks are set
# by the helper modes of build/unit/test_bookmarks (the store's own code,
# the stories found by the real library: tests/unit/test_bookmarks.c), with
# their times given ($BM_WHEN) so that which is newer is known; quire
# itself merges (on start) and lists (--bookmarks).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sync_fixture.sh"

H="$TOP/build/unit/test_bookmarks"
if [ ! -x "$H" ]; then
    echo "t_sync: $H missing (run make unit); skipped" >&2
    finish
fi

LA="$TMPD/A/books"
LB="$TMPD/B/home/me"
sync_libraries "$LA" "$LB"
SA="$TMPD/A/state/quire"      # XDG_STATE_HOME=$TMPD/A/state
SB="$TMPD/B/state/quire"
T=$(( $(date +%s) - 100000 ))  # the machines' clock for the first saves

# at MACHINE WHEN MODE ARGS...: the helper on machine A or B at time WHEN.
at() {
    m=$1 w=$2 mode=$3; shift 3
    if [ "$m" = A ]; then lib=$LA dir=$SA; else lib=$LB dir=$SB; fi
    BM_WHEN=$w "$H" "$mode" "$lib" "$dir" "$@"
}
# quire_on MACHINE ARGS...: quire with that machine's HOME and library.
quire_on() {
    m=$1; shift
    if [ "$m" = A ]; then lib=$LA; else lib=$LB; fi
    HOME="$TMPD/$m/home" XDG_STATE_HOME="$TMPD/$m/state" "$QUIRE" -L "$lib" "$@"
}
# where MACHINE TITLE [LETTER]: "CHAPTER TEXT" of the last position or mark
# (20 bytes of text, without the line ends that may follow at a chapter's
# end).
where() {
    if [ $# -eq 3 ]; then at "$1" 0 wheremark "$2" "$3"; else at "$1" 0 where "$2"; fi |
        sed 's/ *$//'
}

# no_mark MACHINE TITLE LETTER: the story has no such mark there.
no_mark() { ! at "$1" 0 wheremark "$2" "$3" >/dev/null 2>&1; }

# ---- 1. both machines in sync, then each reads offline ----------------------
at A $T setpos "The Clocks" 1 "Nobody came"
at A $((T + 1)) setmark "The Clocks" a 1 "Nobody came"
at A $((T + 2)) setmark "The Clocks" b 2 "a quarter past nine"
at A $((T + 3)) setmark "The Clocks" d 2 "a quarter past nine"
mkdir -p "$SB"
cp -p "$SA"/* "$SB"/          # synced: B has all of A's folder
check_eq "synced: B finds A's place in its own files" "$(where B "The Clocks")" "1 Nobody came."

# Offline (sync_fixture.sh).
sync_offline_edits "$T"
check_eq "A made its device id file" "$(ls "$SA" | grep -c '^device-')" 1
check_eq "B made its own beside A's (another name)" "$(ls "$SB" | grep -c '^device-')" 2

# Syncthing meets both changed: one version keeps the name everywhere, the
# other becomes bookmarks.sync-conflict-DATE-TIME-DEVICE on both machines
# (and each machine's device file reaches the other).
cp "$SB/bookmarks" "$TMPD/b-version"
cp "$SA/bookmarks" "$SB/bookmarks"
COPY=bookmarks.sync-conflict-20261203-114501-B7QK2XA
cp "$TMPD/b-version" "$SA/$COPY"
cp "$TMPD/b-version" "$SB/$COPY"
cp -p "$SA"/device-* "$SB"/ 2>/dev/null
cp -p "$SB"/device-* "$SA"/ 2>/dev/null
# The older spelling (no device) of a copy from a third look at the folder:
# an older position, and a line a newer quire wrote.
printf 'quire-bookmarks 1\nlast\t%s\tk\t0\t1\t0\t%s\tc\nshelf\tsomething new\n' \
    "$(sed -n 's/^story\t\([^\t]*\)\t.*\tThe Clocks of Ardmore.*/\1/p' "$SA/bookmarks")" \
    $((T + 5)) >"$TMPD/old-copy"
cp "$TMPD/old-copy" "$SA/bookmarks.sync-conflict-20261203-114502"
cp "$TMPD/old-copy" "$SB/bookmarks.sync-conflict-20261203-114502"

# ---- 2. the next start merges -------------------------------------------------
for m in A B; do
    quire_on $m --bookmarks >"$TMPD/$m.list" 2>"$TMPD/$m.err"
    check_eq "$m: quire --bookmarks succeeds" "$?" 0
    check_eq "$m: without a word on stderr" "$(cat "$TMPD/$m.err")" ""
done
check_eq "A: the conflict copies are merged and gone" "$(ls "$SA" | grep -c 'sync-conflict')" 0
check_eq "B: the conflict copies are merged and gone" "$(ls "$SB" | grep -c 'sync-conflict')" 0
check "both machines merged the same copies into the same file" cmp "$SA/bookmarks" "$SB/bookmarks"
check "a line of a newer quire from a copy is kept" grep -q '^shelf	something new$' "$SA/bookmarks"
for m in A B; do
    check_eq "$m: the newest place in Clocks wins (A's, read later)" \
        "$(where $m "The Clocks")" "3 the great frost, and"
    check_eq "$m: the place in Ivo that only B read" "$(where $m "The Ledger")" \
        "2 north before the sno"
    check_eq "$m: mark b (A's, untouched) is kept" "$(where $m "The Clocks" b)" \
        "2 a quarter past nine."
    check_eq "$m: mark c (set on B) is kept" "$(where $m "The Clocks" c)" "3 the great frost, and"
    check "$m: mark a, deleted on A after B set it, stays deleted" no_mark $m "The Clocks" a
    check "$m: mark d, deleted on B, stays deleted" no_mark $m "The Clocks" d
    check "$m: --bookmarks lists the merged marks" \
        sh -c "grep -q '^  mark b ' '$TMPD/$m.list' && grep -q '^  mark c ' '$TMPD/$m.list' &&
               ! grep -q '^  mark [ad] ' '$TMPD/$m.list' && grep -q '^The Ledger of Ivo' '$TMPD/$m.list'"
done
check "the deletions are kept as tombstones" \
    sh -c "grep -q '^unmark	[^	]*	a	' '$SA/bookmarks' && grep -q '^unmark	[^	]*	d	' '$SA/bookmarks'"
quire_on A --bookmarks >"$TMPD/A2.list" 2>&1
check "a second start changes nothing" cmp "$SA/bookmarks" "$SB/bookmarks"

# A copy that cannot be read is kept aside, never lost.
printf 'not a bookmarks file\n' >"$SA/bookmarks.sync-conflict-20261203-120000-ZZZZZZZ"
quire_on A --bookmarks >/dev/null 2>"$TMPD/bad.err"
check_eq "an unreadable copy: one warning" "$(wc -l <"$TMPD/bad.err" | tr -d ' ')" 1
check "it names the copy and where it was kept" grep -q 'unreadable conflict copy.*kept as .*bookmarks\.bad-' "$TMPD/bad.err"
check "its bytes are kept" sh -c "cat '$SA'/bookmarks.bad-* | grep -q 'not a bookmarks file'"
check_eq "and the copy's name is free again" "$(ls "$SA" | grep -c 'sync-conflict')" 0

# The search history's copies merge too (line union).
printf 'frost\nclocks\n' >"$SA/search-history"
printf 'clocks\nIvo\n' >"$SA/search-history.sync-conflict-20261203-120100-B7QK2XA"
quire_on A --bookmarks >/dev/null 2>&1
check_eq "the search history merges its conflict copy" "$(cat "$SA/search-history")" \
    "$(printf 'frost\nclocks\nIvo')"
check_eq "and the copy is gone" "$(ls "$SA" | grep -c 'sync-conflict')" 0

# ---- 3. quire --merge-state ----------------------------------------------------
at B $((T + 200)) setmark "The Ledger" z 1 "counted his coins"
cp "$SB/bookmarks" "$TMPD/from-b"
quire_on A --merge-state "$TMPD/from-b" 2>"$TMPD/ms.err"
check_eq "--merge-state exits 0" "$?" 0
check_eq "and says nothing" "$(cat "$TMPD/ms.err")" ""
check_eq "the given file's mark is in A's store" "$(where A "The Ledger" z)" "1 counted his coins tw"
check "the given file is left as it was" cmp "$SB/bookmarks" "$TMPD/from-b"
printf 'hello\n' >"$TMPD/notes.txt"
quire_on A --merge-state "$TMPD/notes.txt" "$TMPD/missing" "$TMPD/from-b" 2>"$TMPD/ms2.err"
check_eq "--merge-state with bad files exits 1" "$?" 1
check_eq "one line for each bad file" "$(wc -l <"$TMPD/ms2.err" | tr -d ' ')" 2
check "a file of no kind is named so" grep -q "^quire: $TMPD/notes.txt: not a quire state file" "$TMPD/ms2.err"
quire_on A --merge-state 2>/dev/null
check_eq "--merge-state without files is a usage error" "$?" 2

# ---- 4. the git merge driver ---------------------------------------------------
if command -v git >/dev/null 2>&1; then
    G="$TMPD/G/state/quire"    # the state folder is the repository
    mkdir -p "$G"
    gitq() { git -C "$G" -c user.name=t -c user.email=t@example.org -c init.defaultBranch=home "$@"; }
    gat() { BM_WHEN=$1 "$H" "$2" "$LA" "$G" "$3" "$4" "$5" ${6:+"$6"}; }
    gitq init -q
    gitq config merge.quire.driver "'$QUIRE' --merge-state --into %A %B"
    printf 'bookmarks merge=quire\nsearch-history merge=union\n' >"$G/.gitattributes"
    printf '*.lock\n*.tmp.*\n' >"$G/.gitignore"
    gat $T setpos "The Clocks" 1 "Nobody came"
    gitq add -A && gitq commit -q -m base
    gitq checkout -q -b laptop
    gat $((T + 10)) setmark "The Clocks" a 1 "Nobody came"
    gat $((T + 20)) setpos "The Clocks" 2 "a quarter past nine"
    gitq commit -q -a -m laptop
    gitq checkout -q home
    gat $((T + 15)) setmark "The Clocks" b 3 "the great frost"
    gat $((T + 5)) setpos "The Ledger" 1 "counted his coins"
    gitq commit -q -a -m desktop
    cp -R "$G" "$TMPD/G-plain"
    gitq merge -q -m merge laptop >"$TMPD/git.out" 2>&1
    check_eq "git merge with the quire driver succeeds" "$?" 0
    check "no conflict markers are left" sh -c "! grep -q '^[<=>]\{7\}' '$G/bookmarks'"
    check_eq "the laptop's newer place wins" "$(BM_WHEN=0 "$H" where "$LA" "$G" "The Clocks")" \
        "2 a quarter past nine."
    check_eq "the laptop's mark is there" "$(BM_WHEN=0 "$H" wheremark "$LA" "$G" "The Clocks" a | sed 's/ *$//')" \
        "1 Nobody came."
    check_eq "and the desktop's" "$(BM_WHEN=0 "$H" wheremark "$LA" "$G" "The Clocks" b)" \
        "3 the great frost, and"
    check_eq "and the desktop's other story" "$(BM_WHEN=0 "$H" where "$LA" "$G" "The Ledger")" \
        "1 counted his coins tw"
    check "the merge is committed clean" sh -c "[ -z \"\$(git -C '$G' status --porcelain)\" ]"
    # Without the driver the same merge conflicts (so the driver did the work).
    git -C "$TMPD/G-plain" config --unset merge.quire.driver
    rm "$TMPD/G-plain/.gitattributes"
    git -C "$TMPD/G-plain" -c user.name=t -c user.email=t@example.org merge -q -m merge laptop \
        >/dev/null 2>&1
    check "without the driver git cannot merge the two bookmarks files" [ $? -ne 0 ]
else
    echo "t_sync: git not installed; the merge driver recipe is not tested" >&2
fi


# The seen-chapters record and the reading pace merge the same way: a
# Syncthing conflict copy of each is merged on the next start and removed;
# chapters and samples of both sides kept, the newer fold choice wins.
S3="$TMPD/C/state/quire"
mkdir -p "$S3"
tab=$(printf '\t')
printf 'quire-seen 1\nchapter%s1111111111111111%saaaaaaaaaaaaaaaa%s0%sseen%s0ee1b4e24d5ddd72%s1424%s1796297802\n' \
    "$tab" "$tab" "$tab" "$tab" "$tab" "$tab" "$tab" > "$S3/seen"
printf 'quire-seen 1\nchapter%s2222222222222222%sbbbbbbbbbbbbbbbb%s3%sknown%s%s%s1796297900\n' \
    "$tab" "$tab" "$tab" "$tab" "$tab" "$tab" "$tab" > "$S3/seen.sync-conflict-20261203-101010-ABCDEFG"
HOME="$TMPD/C/home" XDG_STATE_HOME="$TMPD/C/state" "$QUIRE" -L "$LA" --bookmarks >/dev/null 2>"$TMPD/err3"
check "a conflict copy of the seen record is removed once merged" \
    [ ! -e "$S3/seen.sync-conflict-20261203-101010-ABCDEFG" ]
check "the seen record keeps this side's chapter" grep -q "^chapter${tab}1111111111111111${tab}aaaaaaaaaaaaaaaa${tab}0${tab}seen" "$S3/seen"
check "and gains the other side's" grep -q "^chapter${tab}2222222222222222${tab}bbbbbbbbbbbbbbbb${tab}3${tab}known" "$S3/seen"
check_eq "and says nothing" "$(cat "$TMPD/err3")" ""
# pace: files written by the pace code itself (the test data), one a copy
cp "$TOP/tests/data/pace/wpm100" "$S3/pace"
cp "$TOP/tests/data/pace/wpm1000" "$S3/pace.sync-conflict-20261203-101010-ABCDEFG"
n100=$(grep -c '^s	' "$S3/pace")
n1000=$(grep -c '^s	' "$S3/pace.sync-conflict-20261203-101010-ABCDEFG")
HOME="$TMPD/C/home" XDG_STATE_HOME="$TMPD/C/state" "$QUIRE" -L "$LA" --bookmarks >/dev/null 2>"$TMPD/err3"
check "a conflict copy of the pace is removed once merged" \
    [ ! -e "$S3/pace.sync-conflict-20261203-101010-ABCDEFG" ]
nboth=$(grep -c '^s	' "$S3/pace")
check_eq "the pace keeps the samples of both sides" "$nboth" "$((n100 + n1000))"
check_eq "and says nothing" "$(cat "$TMPD/err3")" ""
# library-view (the library screen's sort and view): the newer choice wins
# whole, by its `when`; the file's own on a tie or over one without.
printf 'quire-library-view 1\nsort = title\nview = all\nwhen = 1796297800\n' >"$S3/library-view"
printf 'quire-library-view 1\nsort = author\nview = unread\nwhen = 1796297900\n' \
    >"$S3/library-view.sync-conflict-20261203-101010-ABCDEFG"
HOME="$TMPD/C/home" XDG_STATE_HOME="$TMPD/C/state" "$QUIRE" -L "$LA" --bookmarks >/dev/null 2>"$TMPD/err3"
check "a conflict copy of the library view is removed once merged" \
    [ ! -e "$S3/library-view.sync-conflict-20261203-101010-ABCDEFG" ]
check_eq "the newer choice (the copy's) wins" "$(cat "$S3/library-view")" \
    "$(printf 'quire-library-view 1\nsort = author\nview = unread\nwhen = 1796297900')"
check_eq "and says nothing" "$(cat "$TMPD/err3")" ""
printf 'quire-library-view 1\nsort = length\nview = new\nwhen = 1796297000\n' \
    >"$S3/library-view.sync-conflict-20261203-101011-ABCDEFG"
printf 'quire-library-view 1\nsort = title\n' >"$S3/library-view.sync-conflict-20261203-101012-ABCDEFG"
HOME="$TMPD/C/home" XDG_STATE_HOME="$TMPD/C/state" "$QUIRE" -L "$LA" --bookmarks >/dev/null 2>"$TMPD/err3"
check_eq "older copies (and one without when) change nothing" "$(cat "$S3/library-view")" \
    "$(printf 'quire-library-view 1\nsort = author\nview = unread\nwhen = 1796297900')"
check_eq "and are gone" "$(ls "$S3" | grep -c 'library-view.sync-conflict')" 0
# Copies of several kinds in the folder at once (it is read once a start):
# each kind merges its own, one start merges them all.
printf 'frost\n' >"$S3/search-history"
printf 'Ivo\n' >"$S3/search-history.sync-conflict-20261203-101020-ABCDEFG"
printf 'quire-library-view 1\nsort = length\nview = all\nwhen = 1796297950\n' \
    >"$S3/library-view.sync-conflict-20261203-101020-ABCDEFG"
HOME="$TMPD/C/home" XDG_STATE_HOME="$TMPD/C/state" "$QUIRE" -L "$LA" --bookmarks >/dev/null 2>"$TMPD/err3"
check_eq "two kinds' copies in one start: the search history's merged" "$(cat "$S3/search-history")" \
    "$(printf 'frost\nIvo')"
check "and the library view's" grep -qx 'sort = length' "$S3/library-view"
check_eq "and both copies are gone" "$(ls "$S3" | grep -c 'sync-conflict')" 0
check_eq "and it says nothing" "$(cat "$TMPD/err3")" ""
printf 'quire-library-view 1\nsort = last-updated\nview = reading\nwhen = 1796298000\n' >"$TMPD/lv"
HOME="$TMPD/C/home" XDG_STATE_HOME="$TMPD/C/state" "$QUIRE" --merge-state "$TMPD/lv" 2>"$TMPD/err3"
check "--merge-state knows the library view by its first line" grep -qx 'sort = last-updated' "$S3/library-view"


# `state_dir =` in the config puts the state folder elsewhere (a synced
# folder): --merge-state writes there, not under $XDG_STATE_HOME.
D="$TMPD/D"
mkdir -p "$D/cfg/quire"
printf 'state_dir = ~/sync/quire-state\n' >"$D/cfg/quire/config"
printf 'quire-bookmarks 1\nstory\tabc\t1700000000\tA Title\n' >"$D/bm"
HOME="$D" XDG_CONFIG_HOME="$D/cfg" XDG_STATE_HOME="$D/xdg" "$QUIRE" --merge-state "$D/bm" 2>"$TMPD/err4"
check "with state_dir set, the merge goes to that folder" grep -q 'A Title' "$D/sync/quire-state/bookmarks"
check "and not to \$XDG_STATE_HOME" [ ! -e "$D/xdg/quire/bookmarks" ]
check_eq "and says nothing" "$(cat "$TMPD/err4")" ""
printf 'state_dir = relative/folder\n' >"$D/cfg/quire/config"
HOME="$D" XDG_CONFIG_HOME="$D/cfg" XDG_STATE_HOME="$D/xdg" "$QUIRE" --merge-state "$D/bm" 2>"$TMPD/err4"
check "a state_dir that is not absolute is reported with its line" grep -q 'config:1: state_dir' "$TMPD/err4"
check "and the usual folder is used" grep -q 'A Title' "$D/xdg/quire/bookmarks"

finish
