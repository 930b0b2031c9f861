#!/bin/sh
# t_ident.sh — a story keeps its bookmarks when a chapter is added in front
# of it or its files are renamed so that another sorts first (issue 14 item
# 9), including the bookmarks file an earlier quire wrote under the ids of
# its time (tests/e2e/ident_fixture.sh): `--bookmarks` lists each story
# with its place and marks, `--resume` opens the story read last, and the
# file is not rewritten by a listing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ident_fixture.sh"
export TZ=UTC

L="$TMPD/lib"
ident_library "$L"
ident_state "$XDG_STATE_HOME"
BM="$XDG_STATE_HOME/quire/bookmarks"
cp "$BM" "$TMPD/bookmarks.old"

# As the files were: the old ids still name both stories.
want_before="The Quiet Year
  last    2026-12-03 10:00   68%  chapter 2/2: Chapter 2
  mark b  2026-12-03 10:00   68%  chapter 2/2: Chapter 2
The Clocks of Ardmore
  last    2026-12-03 10:00   75%  chapter 2/2: Chapter 2: The House
  mark a  2026-12-03 10:00    0%  chapter 1/2: Chapter 1: Arrival"
check_eq "the old file, the files as they were: both stories and their places" \
    "$("$QUIRE" --bookmarks -L "$L" 2>&1)" "$want_before"

# A chapter 0 in front of the clocks; quiet/a.txt renamed, b.txt first now.
ident_change "$L"
check_eq "the change reorders the quiet year's chapters" \
    "$("$QUIRE" --list --tsv -L "$L" | cut -f2,4,7 | tr '\t' ' ')" \
    "The Clocks of Ardmore 1 clocks/zero.txt
The Clocks of Ardmore 2 clocks/one.txt
The Clocks of Ardmore 3 clocks/two.txt
The Quiet Year 1 quiet/b.txt
The Quiet Year 2 quiet/c.txt"
out=$("$QUIRE" --bookmarks -L "$L" 2>&1)
check "no story is said to be missing from the library" \
    sh -c '! printf "%s\n" "$1" | grep -q "not in the library"' sh "$out"
want_after="The Quiet Year
  last    2026-12-03 10:00   68%  chapter 1/2: Chapter 1
  mark b  2026-12-03 10:00   68%  chapter 1/2: Chapter 1
The Clocks of Ardmore
  last    2026-12-03 10:00   75%  chapter 3/3: Chapter 2: The House
  mark a  2026-12-03 10:00    0%  chapter 2/3: Chapter 1: Arrival"
check_eq "--bookmarks: each story with its place and marks, in the chapters they are in now" \
    "$out" "$want_after"
check "a listing does not rewrite the bookmarks file" cmp "$BM" "$TMPD/bookmarks.old"

# --resume (piped: the story printed): the quiet year, read last.
out=$("$QUIRE" --resume -L "$L" 2>&1)
check "--resume picks the story read last under its old id" \
    sh -c 'printf "%s\n" "$1" | grep -q "In spring the ice broke on the river"' sh "$out"
check "and prints that story, not the listing" \
    sh -c '! printf "%s\n" "$1" | grep -q "Clocks of Ardmore"' sh "$out"

# Moved, and renamed again so that the first file sorts first once more:
# the places follow the text (the quiet year's place is in chapter 2 again).
mkdir -p "$L/shelf/deep"
mv "$L/clocks" "$L/shelf/deep/ardmore"
mv "$L/quiet/b.txt" "$L/quiet/zz.txt"
check_eq "moved and renamed again: the same places" \
    "$("$QUIRE" --bookmarks -L "$L" 2>&1)" "The Quiet Year
  last    2026-12-03 10:00   68%  chapter 2/2: Chapter 2
  mark b  2026-12-03 10:00   68%  chapter 2/2: Chapter 2
The Clocks of Ardmore
  last    2026-12-03 10:00   75%  chapter 3/3: Chapter 2: The House
  mark a  2026-12-03 10:00    0%  chapter 2/3: Chapter 1: Arrival"

finish
