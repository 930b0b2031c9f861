#!/bin/sh
# t_new.sh — what is new since I last read (issue 16): a story read to its
# end in tmux, then downloaded again with more chapters (one of them only
# an author's note): `(N new)` in --list, `+N new` on the library row,
# opening at the first new chapter with the bottom line saying so, the
# contents' marks; a rewritten read chapter is `revised`; FanFicFare's
# `(new) ` title prefix and `N. ` numbers change nothing; a story never
# opened has nothing new; the index cache and the snapshot keep it all; a
# corrupt `seen` file is kept aside with a warning.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

LIB="$TMPD/lib"
SEEN="$XDG_STATE_HOME/quire/seen"
mkdir -p "$LIB"

# gen N [MODE]: The Long Road (or $TITLE) with chapters 1..N, in FanFicFare's TXT
# layout (title page, labels, chapter titles indented by a tab).  Chapter
# 4 of a story of more than 3 is only an author's note.  MODE rw: chapter
# 2's opening rewritten; word: one word late in chapter 1 changed; same:
# that word changed to one of the same length (the file keeps its size).
gen() {
    printf '%s\n\nby Wren Hollis\n\n\nStatus: In-Progress\nChapters: %d\n\n' "${TITLE:-The Long Road}" "$1"
    i=1
    while [ "$i" -le "$1" ]; do
        printf '\n\n\tChapter %d\n\n' "$i"
        if [ "$i" = 4 ]; then
            printf 'A/N: Sorry, everyone, this is not a chapter. Exams are coming and I am going on hiatus until June. The story is not abandoned!\n\n'
            i=$((i + 1))
            continue
        fi
        [ "$i" = 2 ] && [ "$2" = rw ] &&
            printf 'The inn burned down in the night, and nobody ever learned why.\n\n'
        printf 'Chapter %d begins on the road north, where the rain never stops.\n\n' "$i"
        j=1
        while [ "$j" -le 12 ]; do
            w=walked
            [ "$i" = 1 ] && [ "$j" = 11 ] && [ "$2" = word ] && w=trudged
            [ "$i" = 1 ] && [ "$j" = 11 ] && [ "$2" = same ] && w=strode
            printf 'Paragraph %d of chapter %d: they %s on through mud and cold, talking of home and of the sea.\n\n' "$j" "$i" "$w"
            j=$((j + 1))
        done
        i=$((i + 1))
    done
    printf '\nEnd file.\n'
}
ink() {
    printf 'Ink by Someone Else\n\n'
    i=1
    while [ "$i" -le "$1" ]; do
        printf '\nChapter %d\n\nThe ink ran down page %d, and the scribe swore at the lamp again.\n\nHe lit it twice more before the dawn came grey over the roofs.\n' "$i" "$i"
        i=$((i + 1))
    done
}
gen 3 >"$LIB/road.txt"
ink 2 >"$LIB/ink.txt"
list() { "$QUIRE" --list -L "$LIB" 2>"$TMPD/list.err"; }
road() { list | grep -A1 '^The Long Road' | tail -n 1; }

check_eq "nothing new before anything was read" "$(list | grep -c 'new')" 0

# Read The Long Road to its end: ] ] G, then quit (the place is saved).
ui_start 80 24 -L "$LIB" "The Long Road"
ui_keys ] ] G
check "at the end: 100%" status_has "100%"
ui_keys q q
check_eq "quits cleanly" "$(ui_dead)" "0 0"
check "the seen file is written" test -s "$SEEN"
check_eq "three chapters seen" "$(grep -c "	seen	" "$SEEN")" 3
check_eq "no (N new) for what was read" "$(road)" "  by Wren Hollis; 3 chapters, 720 words"

# Downloaded again with three more chapters, one of them only a note.
gen 6 >"$LIB/road.txt"
ink 4 >"$LIB/ink.txt"
check_eq "--list: (2 new) after the chapter count; the note is no story words" "$(road)" \
    "  by Wren Hollis; 6 chapters (2 new), 1200 words"
check "the note chapter is listed as a note" sh -c "'$QUIRE' --list -L '$LIB' | grep -q '^     4  Chapter 4 (author.s note)\$'"
check_eq "a story never opened has nothing new" "$(list | grep -A1 '^Ink' | tail -n 1)" \
    "  by Someone Else; 4 chapters, 108 words"
first=$(list)
check_eq "the same from the snapshot (a second listing)" "$(list)" "$first"
check_eq "and with the caches gone" "$(rm -rf "$XDG_CACHE_HOME"; list)" "$first"

# FanFicFare's "(new) " prefix and "N. " numbers on the new chapters'
# title lines change nothing.
sed 's/^\tChapter 5$/\t5. (new) Chapter 5/; s/^\tChapter 6$/\t(new) 6. Chapter 6/' "$LIB/road.txt" >"$TMPD/r" &&
    mv "$TMPD/r" "$LIB/road.txt"
check_eq "FanFicFare's marks: the same listing" "$(list)" "$first"

# The library row, then opening: the first new chapter, and the message.
ui_start 100 24 -L "$LIB"
check "the library row says +2 new" ui_wait "The Long Road .* 6 ch  \+2 new"
check "a story never opened says nothing new" not_shown "Ink .*new,|Ink .*\+[0-9]+ new"
ui_keys Enter
check "the bottom line says so" ui_wait "2 new chapters since you last read: chapter 5 of 6"
check_eq "opened at the first new chapter's start (its title line as the file has it)" \
    "$(ui_top)" "5. (new) Chapter 5"
check "its text below" ui_wait "Chapter 5 begins on the road north"
ui_keys t
check "the contents mark the chapter not seen yet" ui_wait "6\. Chapter 6  · new"
check "and the note chapter" ui_wait "4\. Chapter 4  · note"
check "a chapter seen is not marked" not_shown "5\. Chapter 5  · new"
ui_keys Escape q
check "back in the library: +1 new" ui_wait "The Long Road .* 6 ch  \+1 new"
ui_keys q
check_eq "quits cleanly" "$(ui_dead)" "0 0"
check_eq "--list agrees" "$(road)" "  by Wren Hollis; 6 chapters (1 new), 1200 words"

# A reader in the middle keeps their place: read chapter 3, then one more
# chapter comes.
ui_start 100 24 -L "$LIB" "The Long Road"
ui_keys t 3 Enter
check "in chapter 3" status_has " 3/6 "
ui_keys q q
ui_dead >/dev/null
gen 7 >"$LIB/road.txt"
ui_start 100 24 -L "$LIB" "The Long Road"
check "one in the middle keeps their place" status_has " 3/7 "
check "without the message" not_shown "since you last read"
ui_keys q q
ui_dead >/dev/null

# Chapters rewritten after they were read: revised, not new.
gen 7 rw >"$LIB/road.txt"
check_eq "a rewritten opening is not new" "$(road)" "  by Wren Hollis; 7 chapters (2 new), 1452 words"
ui_start 100 24 -L "$LIB"
check "the row says revised" ui_wait "The Long Road .* 7 ch  \+2 new, revised"
ui_keys q
ui_dead >/dev/null
gen 7 word >"$LIB/road.txt"
ui_start 100 24 -L "$LIB"
check "a word changed late in a read chapter: revised" ui_wait "The Long Road .* 7 ch  \+2 new, revised"
ui_keys Enter t
check "the contents mark it" ui_wait "1\. Chapter 1  · revised"
ui_keys Escape q q
ui_dead >/dev/null

# A read chapter rewritten to the very same size (one word for another as
# long): the row says revised, as the contents do.
LIB3="$TMPD/lib3"
mkdir -p "$LIB3"
TITLE="The Same Road" gen 3 >"$LIB3/road.txt"
ui_start 100 24 -L "$LIB3" "The Same Road"
ui_keys q q
ui_dead >/dev/null
ui_start 100 24 -L "$LIB3"
check "read, nothing revised" not_shown "revised"
ui_keys q
ui_dead >/dev/null
# the file is written again after the second the chapter was seen in
tab=$(printf '\t')
seen_at=$(grep "${tab}seen${tab}" "$SEEN" | cut -f 8 | sort -n | tail -n 1)
while [ "$(date +%s)" -le "${seen_at:-0}" ]; do sleep 0.1; done
TITLE="The Same Road" gen 3 same >"$LIB3/road.txt"
check_eq "a rewrite to the very same size" "$(wc -c <"$LIB3/road.txt")" \
    "$(TITLE="The Same Road" gen 3 | wc -c)"
ui_start 100 24 -L "$LIB3"
check "the row says revised" ui_wait "The Same Road .* 3 ch  revised"
ui_keys Enter t
check "as the contents do" ui_wait "1\. Chapter 1  · revised"
ui_keys Escape q q
ui_dead >/dev/null

# A long story (over 128 KiB: its first screen comes from its head, the
# rest after) opened by its path, read to its end, then downloaded again
# with two more chapters: once the whole story is in, on to the first new
# one, as a story opened from the library does.
big() {
    printf 'The Long Haul\n\nby Wren Hollis\n\n'
    i=1
    while [ "$i" -le "$1" ]; do
        printf '\nChapter %d\n\nChapter %d opens on the long haul east, in the wind.\n\n' "$i" "$i"
        j=1
        while [ "$j" -le 70 ]; do
            printf 'Line %d of chapter %d: the carts rolled on past the fields and the slow grey river.\n\n' "$j" "$i"
            j=$((j + 1))
        done
        i=$((i + 1))
    done
}
mkdir -p "$TMPD/haul"
HAUL="$TMPD/haul/haul.txt"
big 25 >"$HAUL"
check "the story is over 128 KiB" [ "$(wc -c <"$HAUL")" -gt 131072 ]
ui_start 100 24 "$HAUL"
ui_keys 1 0 0 %
check "read to its end" status_has "100%"
$UI_T send-keys -t q q
ui_dead >/dev/null
big 27 >"$HAUL"
ui_start 100 24 "$HAUL"
check "by its path: when the whole story is in, the first new chapter" \
    ui_wait "2 new chapters since you last read: chapter 26 of 27"
check "is on screen" ui_wait "Chapter 26 opens on the long haul"
$UI_T send-keys -t q q
check_eq "quits cleanly" "$(ui_dead)" "0 0"

# The last chapter is a hiatus notice: the end of the chapter before it
# is the end (its percent stays under 100).  A reader at that chapter's
# start keeps their place; one at its end goes on to the new chapters.
LIB2="$TMPD/lib2"
mkdir -p "$LIB2"
TITLE="The Short Road"
gen 4 >"$LIB2/road.txt"
ui_start 100 24 -L "$LIB2" "The Short Road"
ui_keys t 3 Enter
check "at chapter 3's start" status_has " 3/4 "
ui_keys q q
ui_dead >/dev/null
gen 6 >"$LIB2/road.txt"
ui_start 100 24 -L "$LIB2" "The Short Road"
check "at a chapter's start before the new ones: the place kept" status_has " 3/6 "
ui_keys G
check "at its end, the note after it: under 100%" not_shown "100%"
ui_keys q q
ui_dead >/dev/null
gen 7 >"$LIB2/road.txt"
ui_start 100 24 -L "$LIB2" "The Short Road"
check "at its end: on to the first new chapter" ui_wait "3 new chapters since you last read: chapter 5 of 7"
ui_keys q q
ui_dead >/dev/null

# A corrupt seen file is kept aside with a warning; nothing else breaks.
printf 'not a seen file\n' >"$SEEN"
list >/dev/null
check "the warning says where it was kept" grep -q "unreadable seen chapters, kept as .*seen.bad-" "$TMPD/list.err"
check "the bad file is kept" sh -c "ls '$XDG_STATE_HOME/quire/' | grep -q '^seen.bad-'"
check "the listing goes on" sh -c "'$QUIRE' --list -L '$LIB' | grep -q '^The Long Road'"

# A story reopened from its head does not read the seen store before its
# first frame (issue 17): with the store's lock held by another process
# and a bad line to repair (so reading it waits for the lock), the first
# frame comes at once (before, it waited for the lock); the store is read
# after it, and every other story's record is kept byte for byte.
if command -v flock >/dev/null 2>&1; then   # (util-linux)
    F="$TMPD/alice.txt"
    cp "$TOP/tests/data/corpus/alice-in-wonderland_pg11-0.txt" "$F"
    ui_start 80 24 "$F"
    ui_keys Space
    ui_keys q
    ui_dead >/dev/null
    printf 'chapter\t0123456789abcdef\tfedcba9876543210\t3\tseen\t00000000000000aa\t120\t1700000000\n' >>"$SEEN"
    printf 'chapter\t0123456789abcdef\tfedcba9876543211\t4\tknown\t\t\t1700000001\n' >>"$SEEN"
    printf 'chapter\tnot a good line\n' >>"$SEEN"
    grep "0123456789abcdef" "$SEEN" >"$TMPD/others"
    LOCK="$XDG_STATE_HOME/quire/seen.lock"
    sh -c 'exec 9>"$1"; flock 9; exec sleep 600' _ "$LOCK" &
    LP=$!
    UI_WAITED=0
    while flock -n "$LOCK" true && ui_waiting; do ui_tick; done
    check "another process holds the seen store's lock" sh -c "! flock -n '$LOCK' true"
    ui_run 80 24 "env QUIRE_TEST_LOAD_DELAY_MS=60000 $(ui_quote "$QUIRE" "$F")"
    check "reopened from its head: the first frame while the seen store waits for its lock" \
        ui_wait "Alice"
    kill "$LP"
    wait "$LP" 2>/dev/null
    check "once read, its warning on the bottom line" ui_until status_has "unreadable line skipped"
    ui_keys q
    check_eq "q quits once the store is read" "$(ui_dead)" "0 0"
    joined_has() { $UI_T capture-pane -p -J -S - -t q | grep -q -- "$1"; }   # (wrapped, scrolled)
    check "and the warning said on stderr after the screen" \
        joined_has "quire: .*seen:[0-9]*: 1 unreadable line skipped"
    check "the bad line's file was kept aside" sh -c "ls '$XDG_STATE_HOME/quire/' | grep -q '^seen.bad-'"
    check_eq "the other story's records are kept byte for byte" \
        "$(grep "0123456789abcdef" "$SEEN")" "$(cat "$TMPD/others")"
    check "and Alice's records too" grep -q "^chapter.[0-9a-f]*.[0-9a-f]*.0.seen." "$SEEN"
else
    echo "t_new: no flock: the seen store's lock part skipped"
fi
finish
