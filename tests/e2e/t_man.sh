#!/bin/sh
# t_man.sh — man/quire.1 is clean mdoc and documents what quire does:
# every option of --help and of main.c, every config key, the environment,
# the reader's keys, the exit statuses.
. "$(dirname "$0")/../lib.sh"
MAN=$TOP/man/quire.1
check "man/quire.1 exists" test -f "$MAN"
if ! command -v mandoc >/dev/null 2>&1; then
    echo "t_man: SKIP the mandoc checks: mandoc is not installed (scripts/deps.sh)" >&2
    finish
fi
lint=$(mandoc -Tlint -W warning "$MAN" 2>&1)
check_eq "mandoc -Tlint -W warning says nothing" "$lint" ""
page=$TMPD/page
mandoc -Tutf8 "$MAN" 2>/dev/null | sed "s/.\x08//g" >"$page"
check "the page renders" test -s "$page"

"$QUIRE" --help >"$TMPD/help" 2>&1
for opt in $(grep -o -- '--[a-z][a-z-]*' "$TMPD/help" | sort -u); do
    check "the man page documents $opt (from --help)" grep -q -- "$opt" "$page"
done
for opt in $(grep -o -- '^ *-[a-zA-Z],' "$TMPD/help" | tr -d ' ,'); do
    check "the man page documents $opt (from --help)" grep -q -- "$opt" "$page"
done
for opt in $(sed -n 's/^ *{"\([a-z-]*\)", *[a-z_]*_argument.*/\1/p' "$TOP/src/main.c"); do
    check "the man page documents --$opt (from main.c)" grep -q -- "--$opt" "$page"
done

# The config keys, as --config-check prints them.
mkdir -p "$XDG_CONFIG_HOME/quire"
printf 'library = /x\nkey.quit = q\n' >"$XDG_CONFIG_HOME/quire/config"
for key in $("$QUIRE" --config-check 2>/dev/null | sed -n 's/^\([a-z_]*\)[.]*[a-z_]* = .*/\1/p' | sort -u); do
    check "FILES documents config key '$key'" sh -c 'sed -n "/^FILES/,/^EXIT STATUS/p" "$1" | grep -q "^ *$2"' _ "$page" "$key"
done

for var in QUIRE_LIBRARY XDG_CONFIG_HOME XDG_STATE_HOME XDG_CACHE_HOME HOME LC_ALL LANG TERM; do
    check "ENVIRONMENT names $var" sh -c 'sed -n "/^ENVIRONMENT/,/^FILES/p" "$1" | grep -q "$2"' _ "$page" "$var"
done
for sec in NAME SYNOPSIS DESCRIPTION OPTIONS KEYS "THE LIBRARY" ENVIRONMENT FILES "EXIT STATUS" EXAMPLES "SEE ALSO"; do
    check "section $sec" grep -q "^$sec\$" "$page"
done
# The reader's keys (SPEC.md's table).
keys=$(sed -n '/^KEYS/,/^THE LIBRARY/p' "$page")
for k in Space f PgDn Right b PgUp Left j Down Enter k Up ']' '[' g Home G End t / '?' n N m "'" B % h q wheel; do
    check "KEYS has '$k'" sh -c 'printf "%s\n" "$1" | grep -qF -- "$2"' _ "$keys" "$k"
done
for f in '$XDG_CONFIG_HOME/quire/config' '$XDG_STATE_HOME/quire/' '$XDG_CACHE_HOME/quire/' story.ini FORMATS.md; do
    check "names $f" grep -qF -- "$f" "$page"
done
# Every action of the screens' key tables (each screen's rows, with their
# handlers, in src/ui*.c) is named, so that key.<action> remaps can be
# written from the man page.  Finding no action at all is a failure: the
# tables moved and this check must follow them.
acts=$(cat "$TOP"/src/ui*.c | sed -n 's/.*{ACT_[A-Z_]*, *"\([a-z_]*\)".*/\1/p' | sort -u)
check "the key tables' actions are found in src/ui*.c" test -n "$acts"
for act in $acts; do
    check "KEYS names the action '$act' (src/ui*.c)" sh -c 'printf "%s\n" "$1" | grep -q "[(, ]$2[,)]"' _ "$keys" "$act"
done
check "SEE ALSO less(1)" grep -q 'less(1)' "$page"
check "SEE ALSO fmt(1)" grep -q 'fmt(1)' "$page"
check "exit statuses 0 1 2" sh -c 'sed -n "/^EXIT STATUS/,/^EXAMPLES/p" "$1" | grep -c "^     [012] " | grep -q 3' _ "$page"
if command -v man >/dev/null 2>&1; then
    check "man -l renders it" sh -c 'MANPAGER=cat MANWIDTH=80 man -l "$1" 2>/dev/null | sed "s/.\x08//g" | grep -q "^NAME"' _ "$MAN"
fi
finish
