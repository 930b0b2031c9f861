#!/bin/sh
# tests/data/epub/make.sh — remake the .epub fixtures here from the
# bundles of tests/fuzz/corpus/epub (valid-*, gutenberg): each "@@ NAME"
# line opens an entry running to the next one (fuzz_epub.c reads the same
# format).  The mimetype entry goes first and stored, as OCF wants.
# Needs zip(1); the fixtures are committed, so tests never run this.
set -e
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/../../fuzz/corpus/epub
for b in "$corpus"/valid-* "$corpus"/gutenberg; do
    name=$(basename "$b")
    tmp=$(mktemp -d)
    awk -v dir="$tmp" '
        /^@@ / { if (out) close(out); f = substr($0, 4); out = dir "/" f;
                 d = out; sub(/\/[^\/]*$/, "", d); system("mkdir -p \"" d "\"");
                 printf "" > out; first = 1; next }
        out { if (!first) printf "\n" >> out; printf "%s", $0 >> out; first = 0 }
    ' "$b"
    rm -f "$here/$name.epub"
    (cd "$tmp" && zip -X -q -0 "$here/$name.epub" mimetype &&
        find . -type f ! -name mimetype | sed 's|^\./||' | sort | zip -X -q -9 "$here/$name.epub" -@)
    rm -rf "$tmp"
done
