#!/bin/sh
# t_fanficfare.sh — FanFicFare's own TXT, as FanFicFare 4.59 writes it by
# default (tests/data/fanficfare, Apache-2.0: see NOTICE there), lists as
# the story FanFicFare downloaded: nine chapters with its chapter titles.
#
# The layout: CR LF; title, "by Author", a Label: value block, a TABLE OF
# CONTENTS repeating every title; each chapter's title indented by the 8
# spaces FanFicFare's wrapping makes of a tab (the first title wrapped
# over two lines), then a "### Chapter title from site" repeat.
. "$(dirname "$0")/../lib.sh"

D="$TOP/tests/data/fanficfare"
want_titles='Prologue tests:[bare amp(&) qt('"'"') amp(&) gt(>) lt(<) ATnT(AT&T) L(£) Onna(女)]
Chapter 1, Xenos on Cinnabar
Chapter 2, Sinmay on Kintikin
Chapter 3, "Over" Cinnabar
Chapter 4 & 4.5
Chapter 5 < 5.4
Chapter A & B < C > D
Chapter 7
Chapter 8'

for sid in 1 12 664; do
    f="$D/fff_test1_s$sid.txt"
    "$QUIRE" --list --tsv "$f" >"$TMPD/s$sid.tsv" 2>"$TMPD/s$sid.err"
    check_eq "s$sid: --list --tsv succeeds" "$?" 0
    check_eq "s$sid: nine chapters" "$(wc -l <"$TMPD/s$sid.tsv" | tr -d ' ')" 9
    check_eq "s$sid: FanFicFare's chapter titles, in order" "$(cut -f5 "$TMPD/s$sid.tsv")" "$want_titles"
    check_eq "s$sid: one story" "$(cut -f1 "$TMPD/s$sid.tsv" | sort -u)" 1
    check_eq "s$sid: the lorem chapters have the same number of words" \
        "$(sed -n '2,9p' "$TMPD/s$sid.tsv" | cut -f6 | sort -u | wc -l | tr -d ' ')" 1
done
check_eq "s1: title and author from the title page" "$(head -n 1 "$TMPD/s1.tsv" | cut -f2,3)" \
    "$(printf 'Test Story Title 1\tTest Author aa')"
check_eq "s664: the title wrapped over two lines is read whole" "$(head -n 1 "$TMPD/s664.tsv" | cut -f2)" \
    "Test Story Title 664tests:[bare amp(&) qt(') amp(&) gt(>) lt(<) ATnT(AT&T) L(£) Onna(女)]"

# The table of contents is front matter, not a chapter: the first chapter
# rendered starts with its own title, and the contents are not in it.
out=$("$QUIRE" --render --chapter 2 -w 72 "$D/fff_test1_s1.txt" 2>&1)
check "chapter 2 renders its title" sh -c 'printf "%s\n" "$1" | grep -q "Chapter 1, Xenos on Cinnabar"' sh "$out"
check "chapter 2 holds its text" sh -c 'printf "%s\n" "$1" | grep -q "Lorem ipsum"' sh "$out"
check "chapter 2 does not hold the contents" sh -c '! printf "%s\n" "$1" | grep -q "TABLE OF CONTENTS"' sh "$out"

finish
