#!/bin/sh
# t_headings.sh — chapter headings through the command line (issue 20):
# --list --tsv titles, --render --chapter N, and --list --verbose saying
# why a text with heading-like lines is still one chapter.  The parse
# itself is tested story by story in tests/unit/test_heading.c.
. "$(dirname "$0")/../lib.sh"

para='The rain had not stopped for three days, and the river rose past the old mill. Nobody in the village could remember a spring like it, not even the oldest of them.'
# story FILE HEADING... : a title page, then one chapter per heading
story() {
    f=$1; shift
    { printf 'A Long Way Home\n\nby Sam Writer\n\n'
      for h in "$@"; do printf '%s\n\n%s\n\n%s\n\n' "$h" "$para" "$para"; done; } >"$f"
}

story "$TMPD/colon.txt" "Chapter 1: The Boy Who Lived" "Chapter 2: The Vanishing Glass" \
    "Chapter 3: Letters" "Chapter 4: The Keeper"
check_eq "Chapter N: Title after a by-Author line: the titles as written" \
    "$("$QUIRE" --list --tsv "$TMPD/colon.txt" | cut -f5 | paste -sd '|' -)" \
    "Chapter 1: The Boy Who Lived|Chapter 2: The Vanishing Glass|Chapter 3: Letters|Chapter 4: The Keeper"
check "--render --chapter 3 starts with its heading" sh -c \
    '"$1" --render --chapter 3 -w 60 "$2" | grep -v "^ *$" | head -n 1 | grep -q "Chapter 3: Letters"' \
    sh "$QUIRE" "$TMPD/colon.txt"

# Short chapters: two short paragraphs under each heading (about 120
# bytes) are text, not the entries of a table of contents.
short='Some prose here that goes on for a while. More prose follows it.'
{ printf 'The Long Road\nby Some Author\n\n'
  for i in 1 2 3 4 5; do printf 'Chapter %d: Title %d\n\n%s\n\n%s\n\n' "$i" "$i" "$short" "$short"; done; } \
    >"$TMPD/short.txt"
check_eq "short chapters are chapters, not a table of contents" \
    "$("$QUIRE" --list --tsv "$TMPD/short.txt" | cut -f5,6 | paste -sd '|' -)" \
    "$(printf 'Chapter %d: Title %d\t26|' 1 1 2 2 3 3 4 4 5 5 | sed 's/|$//')"

# Shorter still: one line of text under each heading ("She ran.") is a
# chapter when no later heading repeats its number; a table of contents
# whose entries the chapters repeat stays front matter.
{ printf 'The Long Road\nby Some Author\n\n'
  for i in 1 2 3 4; do printf 'Chapter %d: Title %d\n\nShe ran.\n\n' "$i" "$i"; done; } >"$TMPD/tiny.txt"
check_eq "one short line under each heading: four chapters" \
    "$("$QUIRE" --list --tsv "$TMPD/tiny.txt" | cut -f5,6 | paste -sd '|' -)" \
    "$(printf 'Chapter %d: Title %d\t2|' 1 1 2 2 3 3 4 4 | sed 's/|$//')"
{ printf 'The Long Road\nby Some Author\n\nContents\n\n'
  for i in 1 2 3 4; do printf 'Chapter %d\nIn which things happen.\n\n' "$i"; done
  for i in 1 2 3 4; do printf 'Chapter %d\n\n%s\n\n%s\n\n' "$i" "$para" "$para"; done; } >"$TMPD/toc.txt"
check_eq "a contents list the chapters repeat is not chapters" \
    "$("$QUIRE" --list --tsv "$TMPD/toc.txt" | cut -f5 | paste -sd '|' -)" \
    "Chapter 1|Chapter 2|Chapter 3|Chapter 4"

# Markdown escapes in a chapter title: the escaping backslash goes, an
# escaped backslash stays.
story "$TMPD/esc.txt" "Chapter 1: Ace\\'s Day" "Chapter 2: Back\\\\'s Day" "Chapter 3: Rain" "Chapter 4: End"
check_eq "escapes in titles" "$("$QUIRE" --list --tsv "$TMPD/esc.txt" | cut -f5 | paste -sd '|' -)" \
    "Chapter 1: Ace's Day|Chapter 2: Back\\'s Day|Chapter 3: Rain|Chapter 4: End"

story "$TMPD/ru.txt" "Глава 1. Начало" "Глава 2. Дорога" "Глава 3. Дом" "Глава 4. Конец"
check_eq "Russian headings" "$("$QUIRE" --list --tsv "$TMPD/ru.txt" | cut -f5 | paste -sd '|' -)" \
    "Глава 1. Начало|Глава 2. Дорога|Глава 3. Дом|Глава 4. Конец"

{ printf '# A Long Way Home\n\n'
  for t in Arrival 'The House' Letters 'The Key'; do printf '## %s\n\n%s\n\n%s\n\n' "$t" "$para" "$para"; done; } \
    >"$TMPD/story.md"
check_eq "Markdown: the repeating ## level is the chapter level" \
    "$("$QUIRE" --list --tsv "$TMPD/story.md" | cut -f5 | paste -sd '|' -)" "Arrival|The House|Letters|The Key"

printf 'A Story\n\n%s\nChapter 1: Start\n%s\nChapter 2: Next\n%s\n\n%s\n' "$para" "$para" "$para" "$para" \
    >"$TMPD/inline.txt"
out=$("$QUIRE" --list --verbose "$TMPD/inline.txt")
check "two heading-like lines in one chapter: --list --verbose says why" sh -c \
    'printf "%s\n" "$1" | grep -q "inline.txt: 2 heading-like lines (the first is line 4, \"Chapter 1: Start\") but one chapter: they do not stand apart"' \
    sh "$out"
out=$("$QUIRE" --list --verbose "$TMPD/colon.txt")
check "a story that splits has no such note" sh -c '! printf "%s\n" "$1" | grep -q "heading-like"' sh "$out"

finish
