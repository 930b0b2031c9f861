#!/bin/sh
# scripts/compare-outputs.sh [BASE] [TEXT...] — is ./quire's output the
# same as a base version's?  For a change that must not change behaviour.
#
# BASE is a quire binary, or a git commit (default 137a915, the commit
# before the architecture work of issue 13), built here in a temporary git
# worktree.  ./quire is built first when it is missing.  Compared, with
# each binary in its own fresh HOME and XDG folders, twice (the second time
# with the caches the first run wrote):
#   - `--render -w W` at W = 1, 33 and 72 of every text: tests/data/corpus/*,
#     the targets of tests/golden/cases, every story of sample_library,
#     ../shared/corpus/gutenberg/* and ../shared/seeds/* when they exist,
#     and every TEXT given (a file or a story folder);
#   - `--list --tsv` and `--list` of every test library (tests/data/library/*,
#     sample_library) and of every TEXT;
#   - stdout, stderr and the exit status of each;
#   - the bookmark records a fixed reading session in tmux writes (open a
#     story from the library, move, next chapter, set a mark, back to the
#     library, open another, quit), the times and device ids masked.
# Prints each difference (the command and the start of a diff) and exits 1
# when there is any, 0 when every output is the same.
cd "$(dirname "$0")/.." || exit 1
TOP=$(pwd)
base=${1:-137a915}
[ $# -gt 0 ] && shift
# Abs paths of the extra texts (before anything changes folder).
extra=""
for t in "$@"; do
    [ -e "$t" ] || { echo "compare-outputs: $t: no such file or folder" >&2; exit 2; }
    extra="$extra
$(cd "$(dirname "$t")" && pwd)/$(basename "$t")"
done
work=$(mktemp -d "${TMPDIR:-/tmp}/quire-compare.XXXXXX") || exit 2
wt=""
cleanup() {
    [ -n "$wt" ] && git -C "$TOP" worktree remove --force "$wt" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

[ -x ./quire ] || make -s quire >/dev/null || { echo "compare-outputs: cannot build ./quire" >&2; exit 2; }
new=$TOP/quire
if [ -f "$base" ] && [ -x "$base" ]; then
    old=$(cd "$(dirname "$base")" && pwd)/$(basename "$base")
elif git -C "$TOP" rev-parse -q --verify "$base^{commit}" >/dev/null; then
    wt=$work/base
    git -C "$TOP" worktree add -q --detach "$wt" "$base" || exit 2
    echo "compare-outputs: building $base in $wt"
    make -C "$wt" -s -j"$(nproc 2>/dev/null || echo 2)" quire >"$work/build.log" 2>&1 ||
        { cat "$work/build.log" >&2; echo "compare-outputs: $base does not build" >&2; exit 2; }
    old=$wt/quire
else
    echo "compare-outputs: $base is neither an executable nor a commit" >&2
    exit 2
fi
echo "compare-outputs: $new against $old"

# The texts to render and the libraries to list, one a line.
SHARED=""
for s in "$TOP/../shared" "$TOP/../../shared"; do
    [ -d "$s/corpus" ] && { SHARED=$(cd "$s" && pwd); break; }
done
{
    for f in tests/data/corpus/*; do [ -f "$f" ] && echo "$TOP/$f"; done
    sed -n '/^[^#]/s/^[^	]*	//p' tests/golden/cases | while IFS= read -r t; do echo "$TOP/$t"; done
    for d in sample_library/*/; do [ -d "$d" ] && echo "$TOP/${d%/}"; done
    if [ -n "$SHARED" ]; then
        for f in "$SHARED"/corpus/gutenberg/* "$SHARED"/seeds/*; do [ -f "$f" ] && echo "$f"; done
    fi
    [ -n "$extra" ] && printf '%s\n' "$extra" | sed '/^$/d'
} | awk '!seen[$0]++' >"$work/texts"
{
    for d in tests/data/library/*; do [ -e "$d" ] && echo "$TOP/$d"; done
    echo "$TOP/sample_library"
    [ -n "$extra" ] && printf '%s\n' "$extra" | sed '/^$/d'
} | awk '!seen[$0]++' >"$work/libs"

# outputs WHICH BINARY PASS: every command's stdout, stderr and status into
# $work/WHICH/PASS/N.{out,err,rc}, N numbering the lines of $work/cmds.
: >"$work/cmds"
while IFS= read -r t; do
    for w in 1 33 72; do printf 'render\t%s\t%s\n' "$w" "$t"; done
done <"$work/texts" >>"$work/cmds"
while IFS= read -r l; do
    printf 'tsv\t-\t%s\n' "$l"
    printf 'list\t-\t%s\n' "$l"
done <"$work/libs" >>"$work/cmds"
outputs() {
    which=$1 bin=$2
    h=$work/$which/home
    mkdir -p "$h"
    for pass in 1 2; do
        o=$work/$which/$pass
        mkdir -p "$o"
        n=0
        while IFS='	' read -r what w t; do
            n=$((n + 1))
            # a library folder with -L, a file or story folder as the target
            case $what in
            render) set -- --render -w "$w" "$t" ;;
            tsv) if [ -d "$t" ]; then set -- -L "$t" --list --tsv; else set -- --list --tsv "$t"; fi ;;
            list) if [ -d "$t" ]; then set -- -L "$t" --list; else set -- --list "$t"; fi ;;
            esac
            env -u QUIRE_LIBRARY HOME="$h" XDG_STATE_HOME="$h/state" XDG_CONFIG_HOME="$h/config" \
                XDG_CACHE_HOME="$h/cache" LC_ALL=C.UTF-8 \
                "$bin" "$@" >"$o/$n.out" 2>"$o/$n.err" </dev/null
            echo $? >"$o/$n.rc"
        done <"$work/cmds"
    done
}
outputs old "$old"
outputs new "$new"

differ=0
compared=0
for pass in 1 2; do
    n=0
    while IFS='	' read -r what w t; do
        n=$((n + 1))
        case $what in
        render) label="--render -w $w $t" ;;
        tsv) label="--list --tsv $t" ;;
        list) label="--list $t" ;;
        esac
        [ "$pass" = 2 ] && label="$label (again, cached)"
        for k in out err rc; do
            compared=$((compared + 1))
            if ! cmp -s "$work/old/$pass/$n.$k" "$work/new/$pass/$n.$k"; then
                differ=$((differ + 1))
                echo "DIFFERS ($k): quire $label"
                diff "$work/old/$pass/$n.$k" "$work/new/$pass/$n.$k" | head -n 12 | sed 's/^/    /'
            fi
        done
    done <"$work/cmds"
done

# The bookmarks of a scripted reading session, through the tmux helpers.
session() {
    (
        TMPD=$work/$1/tmux
        mkdir -p "$TMPD"
        finish() { :; }
        # what lib.sh would set, without its exit trap
        export HOME="$TMPD/home" XDG_STATE_HOME="$TMPD/state" XDG_CONFIG_HOME="$TMPD/config" \
               XDG_CACHE_HOME="$TMPD/cache" LC_ALL=C.UTF-8
        mkdir -p "$HOME"
        pass() { :; }
        fail() { echo "compare-outputs: session ($1): $*" >&2; }
        . "$TOP/tests/e2e/ui_tmux.sh"
        QUIRE=$2
        LIBDIR=$TOP/sample_library
        ui_start 80 24 -L "$LIBDIR" || fail "$1" "no first frame"
        ui_keys /
        ui_type worst
        ui_keys Enter Enter
        ui_wait ' 1/2 ' >/dev/null || fail "$1" "the story did not open"
        ui_keys Space Space j j ']' j m a Space q
        ui_wait ' stories' >/dev/null || fail "$1" "not back in the library"
        ui_keys Escape j Enter
        ui_keys Space G k m Z
        $UI_T send-keys -t q q q
        [ "$(ui_dead)" = "0 0" ] || fail "$1" "did not quit cleanly"
        # the times: story WHEN (3), last WHEN (7), mark WHEN (8); and the
        # DEVICE at the end of each record, which every fresh state folder
        # draws at random (docs/FORMATS.md "Sync")
        awk -F '\t' -v OFS='\t' '
            $1 == "story" { $3 = "T" } $1 == "last" { $7 = "T" } $1 == "mark" { $8 = "T" }
            ($1 == "story" || $1 == "last" || $1 == "mark") && length($NF) == 16 && $NF ~ /^[0-9a-f]+$/ { $NF = "D" }
            { print }' "$XDG_STATE_HOME/quire/bookmarks" >"$work/$1.bookmarks" 2>/dev/null ||
            fail "$1" "no bookmarks written"
    )
}
if command -v tmux >/dev/null 2>&1; then
    session old "$old"
    session new "$new"
    compared=$((compared + 1))
    if [ ! -s "$work/new.bookmarks" ] || ! cmp -s "$work/old.bookmarks" "$work/new.bookmarks"; then
        differ=$((differ + 1))
        echo "DIFFERS: the bookmark records of the reading session (times and devices masked)"
        diff "$work/old.bookmarks" "$work/new.bookmarks" | head -n 12 | sed 's/^/    /'
    fi
else
    echo "compare-outputs: tmux is not installed: the reading session is not compared" >&2
fi

echo "compare-outputs: $compared outputs compared ($(wc -l <"$work/texts" | tr -d ' ') texts at 3 widths, $(wc -l <"$work/libs" | tr -d ' ') libraries, twice), $differ differ"
[ "$differ" -eq 0 ]
