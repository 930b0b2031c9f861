#!/bin/sh
# t_ui_shelf.sh — the library as a reading list, in tmux: each sort's order
# on screen, each view's stories, both remembered after a restart; a series
# of three story.ini folders (titles not in part order) shown in part order
# under its name, `]` at the last chapter of part 1 opening part 2; the
# info screen `i` (library and reader) with its fields, escaped.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

L="$TMPD/lib"
# prose WORDS SEED: WORDS words in paragraphs of 60
prose() {
    awk -v n="$1" -v s="$2" 'BEGIN { for (i = 1; i <= n; i++)
        printf "%s%s", (i % 7 == 1 ? "Word" : "word") (i * s % 89),
               (i % 60 == 0 ? ".\n\n" : i % 9 == 0 ? ". " : " "); print "." }'
}
# story DIR TITLE AUTHOR SERIES INDEX WORDS-A-CHAPTER DATE: a story.ini
# folder of two chapters, its files last modified on DATE
story() {
    mkdir -p "$L/$1"
    { printf 'title = %s\n' "$2"
      [ -n "$3" ] && printf 'author = %s\n' "$3"
      [ -n "$4" ] && printf 'series = %s\n' "$4"
      [ -n "$5" ] && printf 'series_index = %s\n' "$5"; } >"$L/$1/story.ini"
    for c in 1 2; do
        { printf 'Chapter %s\n\n' "$c"; prose "$6" "$c$6"; } >"$L/$1/ch$c.txt"
    done
    touch -d "$7" "$L/$1/story.ini" "$L/$1/ch1.txt" "$L/$1/ch2.txt"
}
# The series: titles in alphabetical order are parts 2, 1, 3.
story road-a "Autumn Leaves" "Ann Writer" "The Long Road" 2 300 2024-01-01
story road-b "Bitter Spring" "Ann Writer" "The Long Road" 1 400 2023-12-01
story road-c "Cold Harbour" "Ann Writer" "The Long Road" 3 200 2024-04-01
story dune "Dune Sea" "Zed Zero" "" "" 900 2024-03-01
story echo "Echo Lake" "Bob Brown" "" "" 100 2024-05-01
story marsh "Marsh Lights" "" "" "" 600 2024-02-01

# The rows on screen, top to bottom: the series heading as [Road], each
# story by its first word.
order() {
    ui_screen | sed '1d;$d' | sed -n 's/^ *\([0-9.]*\. \)\{0,1\}\(The Long Road\|Autumn\|Bitter\|Cold\|Dune\|Echo\|Marsh\).*/\2/p' |
        sed 's/The Long Road/[Road]/' | tr '\n' ' ' | sed 's/ $//'
}
head_has() { ui_line 1 | grep -qF -- "$1"; }
prefs() { cat "$XDG_STATE_HOME/quire/library-view" 2>/dev/null; }

ui_start 80 24 -L "$L"
check "six stories" ui_wait '6 stories in'
check "the header says the sort" head_has 'by last read'
check_eq "nothing read: the series grouped under its name, in part order, then by title" \
    "$(order)" "[Road] Bitter Autumn Cold Dune Echo Marsh"
check "the parts are numbered" ui_wait '^ +1\. Bitter Spring +by Ann Writer'
check "the heading counts its parts" ui_wait 'The Long Road +\(series, 3 parts\)'
check "the heading is not selected: the first part is" reverse_on 'Bitter Spring'
check "the bottom line names the new keys" status_has 's sort  v view  i info'
check_eq "no file before a choice is made" "$(prefs)" ""
ui_keys h
check "the help lists the sort" ui_wait 's +sort by: last read, last updated, title, author, length'
check "the view" ui_wait 'v +show: all, unread, reading, caught up, new chapters'
check "and the info screen" ui_wait 'i +the story.s info'
ui_keys q

# Sorts: s cycles last read -> last updated -> title -> author -> length.
ui_keys s
check "s: by last updated" head_has 'by last updated'
check_eq "newest first; the series where its newest part stands" \
    "$(order)" "Echo [Road] Bitter Autumn Cold Dune Marsh"
check "the choice is written to the state folder" sh -c \
    'grep -qx "sort = last-updated" "$1"' _ "$XDG_STATE_HOME/quire/library-view"
ui_keys s
check "s: by title" head_has 'by title'
check_eq "by title: the series where its first title stands" \
    "$(order)" "[Road] Bitter Autumn Cold Dune Echo Marsh"
ui_keys s
check "s: by author" head_has 'by author'
check_eq "by author, no author last" "$(order)" "[Road] Bitter Autumn Cold Echo Dune Marsh"
ui_keys s
check "s: by length" head_has 'by length'
check_eq "most words first; the series where its longest part stands" \
    "$(order)" "Dune Marsh [Road] Bitter Autumn Cold Echo"
ui_keys s
check "s: back to last read" head_has 'by last read'

# j never stops on a heading: from the last story above the series down
# into it, and up out of it again.
ui_keys s s s s    # by length: Dune Marsh [Road] ...
ui_keys g j
check "j: Marsh Lights" reverse_on 'Marsh Lights'
ui_keys j
check "j over the heading onto part 1" reverse_on 'Bitter Spring'
ui_keys k
check "k over the heading back up" reverse_on 'Marsh Lights'
ui_keys s    # last read again

# Read two stories: Dune Sea a page in, then (a second later, so their
# times differ) Echo Lake to its end.
ui_keys /
ui_type 'dune'
ui_keys Enter Enter
check "Dune Sea open" status_has 'Dune Sea · 1/2'
ui_keys Space q Escape
now=$(date +%s)
while [ "$(date +%s)" = "$now" ]; do sleep 0.05; done
ui_keys /
ui_type 'echo'
ui_keys Enter Enter
ui_keys ']' G q Escape
check_eq "last read first (newest first), then the rest by title" \
    "$(order)" "Echo Dune [Road] Bitter Autumn Cold Marsh"
check "Echo Lake is read to the end" sh -c "printf '%s\n' \"\$1\" | grep -Eq '100% +just now'" _ \
    "$(ui_screen | grep 'Echo Lake')"

# Views: v cycles all -> unread -> reading -> caught up -> new chapters.
ui_keys v
check "v: unread" head_has '4 of 6 stories: unread'
check_eq "unread: no saved place" "$(order)" "[Road] Bitter Autumn Cold Marsh"
ui_keys v
check "v: reading" head_has '1 of 6 stories: reading'
check_eq "reading: a place short of the end" "$(order)" "Dune"
ui_keys v
check "v: caught up" head_has '1 of 6 stories: caught up'
check_eq "caught up: read to the end" "$(order)" "Echo"
ui_keys v
check "v: new chapters" head_has '0 of 6 stories: new chapters'
check "none yet, and how to leave the view" ui_wait 'No story is new: v shows the next view'
ui_keys v
check "v: all again" head_has '6 stories in'

# Remembered: by author, unread, across a restart.
ui_keys s s s v
check "by author, unread" head_has 'unread'
ui_keys q
ui_dead >/dev/null
check_eq "the file says so" "$(prefs | head -n 3)" "$(printf 'quire-library-view 1\nsort = author\nview = unread')"
check "with when it was chosen" sh -c 'prefs() { cat "$1"; }; prefs "$1" | grep -Eqx "when = [0-9]+"' _ "$XDG_STATE_HOME/quire/library-view"
ui_start 80 24 -L "$L"
check "a new run keeps the sort" head_has 'by author'
check "and the view" head_has '4 of 6 stories: unread'
check_eq "and shows that order" "$(order)" "[Road] Bitter Autumn Cold Marsh"
ui_keys v v v v    # all
ui_keys s s        # last read
ui_keys q
ui_dead >/dev/null

# ] at the last chapter of part 1 opens part 2 at its start.
ui_start 80 24 -L "$L"
ui_keys /
ui_type 'bitter'
ui_keys Enter Enter
check "part 1 open" status_has 'Bitter Spring'
ui_keys ']'
check "] to its last chapter" status_has '2/2'
ui_keys ']'
check "] at the last chapter: the next part, said on the bottom line" \
    status_has 'the next part (2) of The Long Road: Autumn Leaves'
ui_keys j
check "part 2 is open at its first chapter" status_has 'Autumn Leaves · 1/2'
ui_keys Space
TOP2=$(ui_top)
ui_keys q Escape
ui_keys /
ui_type 'bitter'
ui_keys Enter Enter
check "part 1 again, at its last chapter" status_has 'Bitter Spring · 2/2'
ui_keys ']' C-l   # C-l: the note gone, the status line back
check "] opens part 2 where it was left" status_has 'Autumn Leaves · 1/2'
check_eq "the same top line" "$(ui_top)" "$TOP2"
ui_keys G
ui_keys ']' ']'
check "part 2's last chapter: ] opens part 3" status_has 'the next part (3) of The Long Road: Cold Harbour'
ui_keys ']' ']'
check "the last part's last chapter: ] says so" status_has 'this is the last chapter'

# i in the reader: the info screen over it; q goes back to the reader.
ui_keys i
check "i in the reader: the info screen" ui_wait '^ Story info'
check "the series and part" ui_wait 'Series +The Long Road, part 3'
check "read now" ui_wait 'Last read +now, at'
check "the time left from here: half of 400 words at 250 a minute" \
    ui_wait '^ Time left +1 min \(at 250 words a minute, until your pace is known\)'
ui_keys q
check "q closes it, back to the reader" status_has 'Cold Harbour · 2/2'
ui_keys q Escape

# i in the library on the selected story: the fields.
ui_keys g
ui_keys /
ui_type 'marsh'
ui_keys Enter i
words=$("$QUIRE" --list --tsv -L "$L" | awk -F'\t' '$2 == "Marsh Lights" { w += $6 } END { print w }')
mins=$(awk -v w="$words" 'BEGIN { printf "%d", w / 250 + 0.5 }')
check "the title" ui_wait '^ Title +Marsh Lights$'
check "no author: no author line" not_shown '^ Author'
grouped=$(echo "$words" | sed -e :a -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/;ta')
check "its words, counted as --list counts them ($grouped)" ui_wait "^ Words +$grouped\$"
check "its chapters" ui_wait '^ Chapters +2$'
check "never read" ui_wait '^ Last read +never$'
check "the time left at 250 words a minute" ui_wait "^ Time left +$mins min \\(at 250 words a minute, until your pace is known\\)"
check "its files, relative, with their format" ui_wait '^ Files +marsh/ch1\.txt \(text, 1 chapter\)'
check "the second file" ui_wait '^ +marsh/ch2\.txt \(text, 1 chapter\)'
ui_keys i
check "i closes it" ui_wait 'stories matching'
ui_keys Escape
ui_keys q
ui_dead >/dev/null

# What a story.ini says is escaped on the info screen: a control
# character shows as ^[, never reaches the terminal.
printf 'title = Odd One\nseries = Bad\033Name\nseries_index = 1\n' >"$L/dune/story.ini"
ui_start 80 24 -L "$L"
ui_keys /
ui_type 'odd'
ui_keys Enter i
check "a control character in the series is shown escaped" ui_wait 'Series +Bad\^\[Name, part 1'
ui_keys q q
check_eq "quit cleanly" "$(ui_dead)" "0 0"

# A story with two editions of a chapter (the sample library): each file
# once, the shown one first, the other as another edition.
ui_start 80 24 -L "$LIBDIR"
ui_keys /
ui_type 'untitled'
ui_keys Enter i
check "the file shown" ui_wait '^ Files +Untitled Prologue/004_16cf96708da75563\.txt \(text, 1 chapter\)'
check "the other edition" ui_wait '^ +Untitled Prologue/002_48b722d619b5015f\.txt \(text, another edition'
ui_keys q q
ui_dead >/dev/null

# An AO3 download (HTML written for the tests): its preface's metadata on
# the info screen: series and part, status, summary, tags, source, format.
AL="$TMPD/ao3lib"
mkdir -p "$AL"
cp "$TOP/tests/data/html/ao3_download.html" "$AL/"
ui_start 100 40 -L "$AL"
check "the AO3 story is listed" ui_wait 'The Lighthouse Keeper'
ui_keys i
check "its info: the series and its part" ui_wait '^ Series +Coastal Tales, part 2'
check "its status" ui_wait '^ Status +complete'
check "its summary" ui_wait 'A keeper, a gull, and the sea\.'
check "its file, read as an AO3 download" ui_wait '^ Files? +ao3_download\.html \(HTML \(AO3 download\)'
ui_keys q q
ui_dead >/dev/null

# The same keys under valgrind: no memory error, no definite leak.
if command -v valgrind >/dev/null 2>&1 && [ -x "$QUIRE_DYN" ]; then
    UI_DEADLINE=600
    VG="valgrind -q --suppressions=$TOP/tests/e2e/ncurses.supp --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite"
    ui_run 80 24 "$VG $(ui_quote "$QUIRE_DYN" -L "$L") 2>'$TMPD/vg'"
    check "the library under valgrind" ui_wait 'stories in'
    ui_keys s s v v v v v s s s i j G q
    ui_keys / && ui_type 'bitter' && ui_keys Enter Enter
    ui_keys ']' ']' i j q h q ']' ']' q
    ui_resize 30 8
    ui_keys i
    ui_resize 80 24
    ui_keys q q
    check_eq "exit status 0 under valgrind (99: a memory error or a definite leak)" \
        "$(ui_dead)" "0 0"
    if [ -s "$TMPD/vg" ]; then fail "valgrind reported:"; cat "$TMPD/vg" >&2; else pass; fi
else
    echo "valgrind or $QUIRE_DYN missing: the valgrind part skipped" >&2
fi

finish
