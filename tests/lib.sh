# tests/lib.sh — sourced by the shell test suites.
#
#   check "what" COMMAND...      passes when COMMAND exits 0
#   check_eq "what" GOT WANT     passes when the two strings are equal
#   finish                       prints "N passed, N failed" and exits
#
# Paths: $TOP is the source tree, $QUIRE the binary ($QUIRE_DYN for
# valgrind), $SHARED ../shared when it exists (corpus tests skip themselves
# without it), $TMPD a private scratch folder removed at exit.  HOME and
# the XDG folders point into $TMPD so a test never touches the user's own
# bookmarks or config.
TOP=$(cd "$(dirname "$0")/../.." 2>/dev/null && pwd)
[ -f "$TOP/Makefile" ] || TOP=$(cd "$(dirname "$0")/.." && pwd)
QUIRE="$TOP/quire"
# The same objects linked dynamically (make check builds it): valgrind
# watches malloc only in a dynamically linked program, and ./quire may be
# one static executable.
QUIRE_DYN="$TOP/build/quire-dyn"
SHARED=""
[ -d "$TOP/../shared/corpus" ] && SHARED=$(cd "$TOP/../shared" && pwd)
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/quire-test.XXXXXX")
trap 'rm -rf "$TMPD"' EXIT
# Killed (an interrupted make check): the exit trap still cleans up.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
export HOME="$TMPD/home" XDG_STATE_HOME="$TMPD/state" XDG_CONFIG_HOME="$TMPD/config" \
       XDG_CACHE_HOME="$TMPD/cache" LC_ALL=C.UTF-8
unset QUIRE_LIBRARY QUIRE_CONVERTER
mkdir -p "$HOME"
T_PASSED=0
T_FAILED=0

pass() { T_PASSED=$((T_PASSED + 1)); }
fail() { T_FAILED=$((T_FAILED + 1)); echo "FAIL $(basename "$0"): $*" >&2; }

check() {
    what=$1; shift
    if "$@" >/dev/null 2>&1; then pass; else fail "$what"; fi
}

check_eq() {
    if [ "$2" = "$3" ]; then pass; else
        fail "$1: got [$2], want [$3]"
    fi
}

finish() {
    echo "$T_PASSED passed, $T_FAILED failed"
    [ "$T_FAILED" -eq 0 ]
    exit $?
}

# Editions with gaps (t_library, t_ui_reader): two editions of one story,
# one lacking chapters the other has.
# gap_story FILE CHAPTER... — "Gap Story by Wren" with those chapters,
# each the same text in every edition.
gap_story() {
    f=$1
    shift
    { printf 'Gap Story by Wren\n\n'
      for c in "$@"; do
          printf 'Chapter %s\n\n' "$c"
          awk -v c="$c" 'BEGIN { split("river lantern stone harbour velvet morning thistle copper shadow garden anchor meadow", w, " ")
              x = c * 7919; for (p = 0; p < 6; p++) { s = ""; for (i = 0; i < 45; i++) { x = (x * 1103 + 12345) % 65521; s = s w[x % 12 + 1] " " } print s "end.\n" } }'
      done; } >"$f"
}
