#!/bin/sh
# tests/golden/update.sh — regenerate the golden layout files (make
# golden-update).  Run it only after a deliberate layout change, then read
# `git diff tests/golden` before committing: every changed line is a change
# users will see.
cd "$(dirname "$0")/../.." || exit 1
[ -x ./quire ] || { echo "update.sh: build quire first (make)" >&2; exit 1; }
export LC_ALL=C.UTF-8 HOME=/nonexistent XDG_CONFIG_HOME=/nonexistent XDG_STATE_HOME=/nonexistent
unset QUIRE_LIBRARY
WIDTHS="20 40 72"
n=0
while IFS='	' read -r name target; do
    case $name in ''|'#'*) continue ;; esac
    for w in $WIDTHS; do
        if ! ./quire --render -w "$w" "$target" >"tests/golden/$name.w$w"; then
            echo "update.sh: quire --render -w $w '$target' failed" >&2
            exit 1
        fi
        n=$((n + 1))
    done
done <tests/golden/cases
echo "update.sh: wrote $n golden files; review them with git diff tests/golden"
