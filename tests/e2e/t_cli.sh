#!/bin/sh
# t_cli.sh — the command line: --help, --version, usage errors and exit
# statuses (0 success, 1 runtime failure, 2 usage error; every error one
# "quire: " line on stderr), and the --config-check round trip.
. "$(dirname "$0")/../lib.sh"
out=$TMPD/out
errf=$TMPD/err

# run ARGS...: runs quire, sets $rc, stdout in $out, stderr in $errf.
run() {
    "$QUIRE" "$@" >"$out" 2>"$errf" </dev/null
    rc=$?
}
lines() { wc -l <"$1" | tr -d ' '; }

# One usage or runtime error: status WANT, exactly one stderr line that
# starts "quire: ", nothing on stdout.
one_error() {
    what=$1 want=$2; shift 2
    run "$@"
    check_eq "$what: exit status" "$rc" "$want"
    check_eq "$what: one line on stderr" "$(lines "$errf")" 1
    check "$what: the line starts 'quire: '" grep -q '^quire: ' "$errf"
    check_eq "$what: nothing on stdout" "$(lines "$out")" 0
}

# --help
run --help
check_eq "--help exits 0" "$rc" 0
check_eq "--help says nothing on stderr" "$(lines "$errf")" 0
for opt in --list --render --bookmarks --resume --library --tsv --width --chapter \
           --config --config-check --version --help; do
    check "--help names $opt" grep -q -- "$opt" "$out"
done
check "--help starts with a usage line" sh -c 'head -n 1 "$1" | grep -q "^usage: quire"' _ "$out"
check "--help fits in 24 lines" test "$(lines "$out")" -le 24
check "--help fits in 80 columns" sh -c '! awk "length > 80" "$1" | grep -q .' _ "$out"
help=$(cat "$out")
run -h
check_eq "-h is --help" "$(cat "$out")" "$help"

# Every long option main.c knows is in --help.
for opt in $(sed -n 's/^ *{"\([a-z-]*\)", *[a-z_]*_argument.*/\1/p' "$TOP/src/main.c"); do
    check "--help names --$opt (from main.c)" grep -q -- "--$opt\\b" "$out"
done

# --version
version=$(sed -n 's/^VERSION *:*= *//p' "$TOP/Makefile")
run --version
check_eq "--version exits 0" "$rc" 0
check_eq "--version prints quire VERSION" "$(cat "$out")" "quire $version"
run -V
check_eq "-V is --version" "$(cat "$out")" "quire $version"

# Usage errors: status 2, one line.
one_error "an unknown option" 2 --no-such-option
check "it names the option" grep -q -- '--no-such-option' "$errf"
one_error "an unknown short option" 2 -x
one_error "an option without its value" 2 --width
one_error "--width 0" 2 --width 0 --render
one_error "--width abc" 2 -w abc --render
one_error "--width -3" 2 --width=-3 --render
one_error "--chapter 0" 2 --render --chapter 0
one_error "--wrap sideways" 2 --render --wrap sideways
one_error "--tsv without --list" 2 --tsv
check "it says what goes with what" grep -q -- '--list' "$errf"
one_error "--list with --render" 2 --list --render
one_error "two targets" 2 --list a b

# Runtime errors: status 1, one line.
one_error "a missing library" 1 -L "$TMPD/no-such-folder" --list
check "it names the folder" grep -q "no-such-folder" "$errf"
QUIRE_LIBRARY=$TMPD/also-missing run --list
check_eq "QUIRE_LIBRARY missing: exit 1" "$rc" 1
check "QUIRE_LIBRARY is the library when -L is not given" grep -q "also-missing" "$errf"
check_eq "QUIRE_LIBRARY missing: one line" "$(lines "$errf")" 1

# --config-check: the settings, as config lines that read back the same.
mkdir -p "$XDG_CONFIG_HOME/quire"
cat >"$XDG_CONFIG_HOME/quire/config" <<'CFG'
# my settings
library = ~/stories
width = 64
wrap = greedy
scene_break = "  ⁂  "
theme = light
key.next_page = pagedown
key.quit = C-Q
CFG
run --config-check
check_eq "--config-check exits 0 on a good file" "$rc" 0
check_eq "and says nothing on stderr" "$(lines "$errf")" 0
check "the default config file is read" grep -q '^width = 64$' "$out"
check "~ is expanded" grep -q "^library = $HOME/stories\$" "$out"
check "key names come out canonical" grep -q '^key.quit = C-q$' "$out"
cp "$out" "$TMPD/printed1"
run --config "$TMPD/printed1" --config-check
check_eq "the printed settings read back cleanly" "$rc" 0
check_eq "with nothing on stderr" "$(lines "$errf")" 0
check_eq "and print the same settings" "$(grep -v '^#' "$out")" "$(grep -v '^#' "$TMPD/printed1")"
run --config "$TMPD/printed1" --config-check --wrap optimal
check "--wrap overrides the config file" grep -q '^wrap = optimal$' "$out"

printf 'width = 9\ncolour = red\nwrap = greedy\n' >"$TMPD/bad"
run --config "$TMPD/bad" --config-check
check_eq "--config-check on a file with problems exits 1" "$rc" 1
check_eq "one stderr line per problem" "$(lines "$errf")" 2
check "with file and line" grep -q "^quire: $TMPD/bad:1: width" "$errf"
check "unknown keys named" grep -q "^quire: $TMPD/bad:2: unknown key 'colour'" "$errf"
check "the good lines still count" grep -q '^wrap = greedy$' "$out"
check "bad values keep the default" grep -q '^width = 72$' "$out"
run --config "$TMPD/missing-config" --config-check
check_eq "a missing --config file: exit 1" "$rc" 1
check "and named" grep -q "missing-config" "$errf"

# A bad config never stops quire.
run --config "$TMPD/bad" --version
check_eq "a bad config does not stop quire" "$rc" 0
run --config "$TMPD/bad" -L "$TMPD/no-such-folder" --list
check_eq "a bad config: the real failure still decides the status" "$rc" 1
check "problems and error both reported" test "$(lines "$errf")" -eq 3
finish
