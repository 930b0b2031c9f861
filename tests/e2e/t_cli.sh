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
# No output passes control bytes (issue 14, item 5): a title, an author, a
# chapter title, a file name, a saved title and an echoed argument holding
# ESC, BEL, a C1 CSI or a byte that is not UTF-8 are shown visibly (^[, ^G,
# <U+009B>, <FF>), on a pipe, in every output mode.
EV=$TMPD/evil
mkdir -p "$EV"
printf 'The Evil\033]0;PWNED\007 Story by Bad\033[2J Author\n\nChapter 2: Second\033]2;TITLE\033\\\n\nMore text here.\n' >"$EV/evil.txt"
printf 'A C1 \302\233 title by X\n\nChapter 1\n\nText.\n' >"$EV/c1$(printf '\377')name.txt"
# clean FILE: no C0 control but LF and tab, no DEL, no C1 control, valid UTF-8.
clean() {
    [ "$(tr -d '\000-\010\013-\037\177' <"$1" | wc -c)" -eq "$(wc -c <"$1")" ] &&
        ! LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$1" &&
        iconv -f UTF-8 -t UTF-8 <"$1" >/dev/null 2>&1
}
for mode in "--list" "--list --tsv" "--list --verbose" "--list --tsv --verbose"; do
    # shellcheck disable=SC2086
    run $mode "$EV"
    check_eq "$mode of hostile names: exit 0" "$rc" 0
    check "$mode: stdout passes no control byte" clean "$out"
    check "$mode: stderr passes no control byte" clean "$errf"
    check "$mode: ESC and BEL shown as ^[ and ^G" grep -qF 'The Evil^[]0;PWNED^G Story' "$out"
    check "$mode: the author's ESC shown" grep -qF 'Bad^[[2J Author' "$out"
    check "$mode: the chapter title's ESC shown" grep -qF 'Second^[]2;TITLE^[\' "$out"
    check "$mode: a C1 control shown as <U+009B>" grep -qF 'A C1 <U+009B> title' "$out"
done
run --list --tsv "$EV"
check "--tsv: a file name's bad byte shown as <FF>" grep -qF 'c1<FF>name.txt' "$out"
check "--tsv: still seven fields a line" sh -c '! awk -F"\t" "NF != 7" "$1" | grep -q .' _ "$out"
run --list --verbose "$EV"
check "--verbose: a file name's bad byte shown as <FF>" grep -qF 'file: c1<FF>name.txt' "$out"
mkdir -p "$TMPD/evst/quire"
printf 'quire-bookmarks 1\nstory\t00000000deadbeef\t1796289000\tGone\033]0;X\007 \302\233 Story\nlast\t00000000deadbeef\t0123456789abcdef\t3\t100\t12.50\t1796289000\tctx\t9\tChap\033[2J 4\n' \
    >"$TMPD/evst/quire/bookmarks"
XDG_STATE_HOME=$TMPD/evst run --bookmarks -L "$EV"
check_eq "--bookmarks with a hostile saved title: exit 0" "$rc" 0
check "--bookmarks passes no control byte" clean "$out"
check "--bookmarks shows the title's controls" grep -qF 'Gone^[]0;X^G <U+009B> Story  (not in the library)' "$out"
check "--bookmarks shows the chapter title's controls" grep -qF 'chapter 4/9: Chap^[[2J 4' "$out"
XDG_STATE_HOME="$TMPD/st$(printf '\033')ate" run --bookmarks -L "$EV"
check "--bookmarks echoes a state path with ESC visibly" grep -qF "st^[ate" "$out"
check "and passes no control byte" clean "$out"
one_error "a story name with ESC" 1 -L "$EV" "$(printf 'no\033]0;X\007such')"
check "the echoed name shows its controls" grep -qF 'quire: no^[]0;X^Gsuch: no such story' "$errf"
check "the error passes no control byte" clean "$errf"
one_error "a library path with ESC" 1 --list -L "$TMPD/no$(printf '\033[2J')where"
check "the echoed path shows its controls" grep -qF 'no^[[2Jwhere' "$errf"
check "the error passes no control byte" clean "$errf"
printf 'colour = red\n' >"$TMPD/cf$(printf '\033')g"
run --config "$TMPD/cf$(printf '\033')g" --config-check
check "a config problem echoes its file name visibly" grep -qF "cf^[g:1: unknown key 'colour'" "$errf"
check "and passes no control byte" clean "$errf"
one_error "an unknown option with ESC" 2 "--x$(printf '\033')y"
check "the echoed option shows its controls" grep -qF -- '--x^[y' "$errf"
# --list NAME (issue 14, item 18): that story, or exit 1; an ambiguous name
# lists its candidates and exits 1 with one line; options --list cannot
# use are usage errors (status 2, one line), as --tsv alone is.
D=$TOP/tests/data/library
run --list -L "$D" nosuchstory
check_eq "--list NAME with no such story: exit 1" "$rc" 1
check_eq "one line on stderr" "$(lines "$errf")" 1
check "it says so" grep -q '^quire: nosuchstory: no such story in the library$' "$errf"
check_eq "and lists nothing" "$(lines "$out")" 0
run --list --tsv -L "$D" "roman road"
check_eq "--list NAME: exit 0" "$rc" 0
check_eq "--list NAME lists that story alone" "$(cut -f2 "$out" | sort -u)" "The Roman Road"
check_eq "numbered as in the whole list" "$(cut -f1 "$out" | sort -u)" \
    "$("$QUIRE" --list --tsv -L "$D" 2>/dev/null | awk -F'\t' '$2 == "The Roman Road" {print $1}' | sort -u)"
run --list -L "$D" "the roman road"
check "--list NAME, human form" grep -q '^The Roman Road$' "$out"
check_eq "one story: one title line" "$(grep -c '^  by ' "$out")" 1
run --list --tsv -L "$D" n
check_eq "an ambiguous NAME: exit 1" "$rc" 1
check_eq "one line on stderr" "$(lines "$errf")" 1
check "it says how many match" grep -q '^quire: n: 3 stories match; say more' "$errf"
check_eq "the candidates are listed" "$(cut -f2 "$out" | sort -u | tr '\n' '|')" \
    "Natural Tale|Nested Tale|Numbers Game|"
run -L "$D" n
check_eq "an ambiguous story name to read: exit 1" "$rc" 1
check "its one line names the candidates" \
    grep -q '^quire: n: more than one story starts so; say more (Natural Tale; Nested Tale; Numbers Game)$' "$errf"
one_error "--list --chapter 2" 2 --list --chapter 2
check "it names --chapter" grep -q -- '--chapter: does not go with --list' "$errf"
one_error "-w 40 --list" 2 -w 40 --list
check "it names --width" grep -q -- '--width: does not go with --list' "$errf"
one_error "--resume --list" 2 --resume --list
check "it names --resume" grep -q -- '--resume: does not go with --list' "$errf"
one_error "--list --wrap greedy" 2 --list --wrap greedy
finish
