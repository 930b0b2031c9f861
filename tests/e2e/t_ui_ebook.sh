#!/bin/sh
# t_ui_ebook.sh — an EPUB on the reading screen, in tmux: its italics in
# italics, its front matter dimmed; and a place saved while only the TXT
# of the story existed is where the reader opens the EPUB that replaced it
# (the position found again by the text around it, as for an edited TXT);
# and a search finds a phrase whatever its emphasis (HTML and TXT).
# The EPUB is made by pandoc from the same story; skipped without pandoc.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

# Underline and strikethrough from HTML (<u>, <s>): underlined in the
# terminal's underline, struck with U+0336 over each character (curses has
# no strikethrough attribute); the words themselves unchanged.
U=$TMPD/under
mkdir -p "$U"
printf '<html><body><h1>Chapter 1</h1><p>Plain words, <u>underlined words</u> and <s>struck words</s> end here.</p></body></html>\n' \
    >"$U/marks.html"
ui_start 80 24 "$U/marks.html"
check "an HTML story with u and s opens" ui_wait "end here"
check "<u> is underlined" sgr_on 'underlined' 4
check "<s> is struck: a stroke over each character" \
    sh -c 'printf "%s\n" "$1" | grep -qF "$2"' _ "$(ui_screen)" \
    "$(printf 's\314\266t\314\266r\314\266u\314\266c\314\266k\314\266')"
check "no marker is shown" not_shown "$(printf '[\016\017\034\035]')"
ui_keys q
check_eq "quits cleanly" "$(ui_dead)" "0 0"

# A phrase is found whatever its emphasis: search skips the markers the
# screen hides (an HTML file's <u>, <em>, <s>, <b>; a TXT's *big*, _big_,
# **big**), and the hit's reverse video covers the words.  An escaped
# \*big\* is shown with its stars, and is no hit.
# reversed_on TEXT: the text in reverse video on the first line with TEXT.
reversed_on() {
    $UI_T capture-pane -p -e -t q | grep -F -- "$1" | head -n 1 |
        sed -e "s/$(printf '\033')\\[\\([0-9;]*\\)m/<\\1>/g" \
            -e 's/<\([0-9;]*;\)\{0,1\}7\(;[0-9;]*\)\{0,1\}>/{/g' \
            -e 's/<0\{0,1\}>/}/g' -e 's/<27>/}/g' -e 's/<[0-9;]*>//g' |
        sed -n 's/^[^{]*{\([^}]*\)}.*/\1/p' | tr -d '{'
}
printf '<html><body><h1>Chapter 1</h1><p>First the <u>big</u> dog ran.</p><p>Then the <em>big</em> dog sat.</p><p>Last the <s>big</s> dog slept.</p><p>And the <b>big</b> dog <i>woke</i>.</p></body></html>\n' \
    >"$U/dogs.html"
ui_start 80 24 "$U/dogs.html"
check "an HTML story with emphasis opens" ui_wait "dog woke"
ui_keys / && ui_type 'the big dog' && ui_keys Enter
check "the big dog finds the underlined big: hit 1 of 4" status_has 'hit 1 of 4'
check_eq "its reverse video covers the words" "$(reversed_on 'ran.')" "the big dog"
ui_keys n
check "n: the italic one, hit 2 of 4" status_has 'hit 2 of 4'
check_eq "covered too" "$(reversed_on 'sat.')" "the big dog"
ui_keys n n
check "the struck and the bold one: hit 4 of 4" status_has 'hit 4 of 4'
ui_keys q
check_eq "quits cleanly" "$(ui_dead)" "0 0"
printf 'Dogs\nby A. Writer\n\nFirst the *big* dog ran.\n\nThen the _big_\ndog sat.\n\nAnd the **big** dog woke, the \\*big\\* dog not.\n' \
    >"$U/dogs.txt"
ui_start 80 24 "$U/dogs.txt"
check "a TXT story with emphasis opens" ui_wait "dog woke"
ui_keys / && ui_type 'the big dog' && ui_keys Enter
check "the big dog finds *big*: hit 1 of 3 (not the escaped one)" status_has 'hit 1 of 3'
check_eq "its reverse video covers the words" "$(reversed_on 'ran.')" "the big dog"
ui_keys n
check "n: _big_ across a line end, hit 2 of 3" status_has 'hit 2 of 3'
check_eq "covered too" "$(reversed_on 'sat.')" "the big dog"
ui_keys N N
check "N from the first: backward to **big**, hit 3 of 3" status_has 'hit 3 of 3'
check_eq "covered: the bold hit, not the escaped stars" "$(reversed_on 'woke')" "the big dog"
ui_keys q
check_eq "quits cleanly" "$(ui_dead)" "0 0"

if ! command -v pandoc >/dev/null 2>&1; then
    echo "t_ui_ebook: pandoc is not installed: skipped" >&2
    finish
fi

L=$TMPD/lib
mkdir -p "$L"
# One story as Markdown: the TXT (title and author announced as TXT
# stories do) and the EPUB pandoc makes of it.
body() {
    for c in 1 2 3; do
        printf '# Chapter %d: Watch %d\n\n' "$c" "$c"
        # The TXT has a note the EPUB lost: every later offset in the
        # chapter moves, so the place must be found by its text.
        [ "$c" = 2 ] && [ "$1" = txt ] && printf 'A/N: Thank you for reading, this chapter is long.\n\n'
        p=1
        while [ $p -le 30 ]; do
            printf 'Paragraph %d of watch %d: the keeper trimmed the wick and wrote in the log, line after line, the weather and the ships and the *quiet* hours before dawn.\n\n' "$p" "$c"
            p=$((p + 1))
        done
    done
}
{ printf 'The Lantern Keeper\nby Ada Quill\n\n'; body txt; } >"$L/keeper.txt"
{ printf '%% The Lantern Keeper\n%% Ada Quill\n\n'; body epub; } >"$TMPD/keeper.md"
pandoc "$TMPD/keeper.md" -o "$TMPD/keeper.epub" 2>/dev/null
check "pandoc made the EPUB" test -s "$TMPD/keeper.epub"
check_eq "the TXT and the EPUB are the same story (title, author, chapters)" \
    "$(QUIRE_NO_CACHE=1 "$QUIRE" --list --tsv "$TMPD/keeper.epub" | cut -f2-5)" \
    "$(QUIRE_NO_CACHE=1 "$QUIRE" --list --tsv "$L/keeper.txt" | cut -f2-5)"

# Read the TXT into chapter 2, two pages down, and quit: the place is saved.
ui_start 80 24 -L "$L" "The Lantern Keeper"
check "the TXT opens" ui_wait "Paragraph 1 of watch 1"
ui_keys ']' Space Space
check "in chapter 2" status_has ' 2/3 '
page() { ui_screen | head -n 23; }   # the text rows, the status line left out
page_txt=$(page)
check "two pages into chapter 2" sh -c 'printf "%s\n" "$1" | grep -q "Paragraph [0-9]* of watch 2"' _ "$page_txt"
ui_keys q q
check_eq "quits cleanly" "$(ui_dead)" "0 0"

# The reader replaces the TXT with the EPUB.
rm "$L/keeper.txt"
cp "$TMPD/keeper.epub" "$L/keeper.epub"
ui_start 80 24 -L "$L" "The Lantern Keeper"
check "the EPUB opens where the TXT was left" ui_wait "of watch 2"
check "in chapter 2 still" status_has ' 2/3 '
check_eq "the same page of text" "$(page)" "$page_txt"
check "*quiet* is in italics" sgr_on 'quiet' 3
check "and its markers are hidden" not_shown '\*quiet\*'
ui_keys '[' g
check "chapter 1 opens with the EPUB's title page" ui_wait "Ada Quill"
check "dimmed, as front matter is" sgr_on 'Ada Quill' 2
ui_keys q q
check_eq "quits cleanly" "$(ui_dead)" "0 0"

# Opened by its path, as `quire work.epub`: the same story, where it was
# left last (chapter 1's start, its title page).
ui_start 80 24 "$L/keeper.epub"
check "by its path: the EPUB opens where it was left" ui_wait "Ada Quill"
check "by its path: chapter 1 of 3" status_has ' 1/3 '
ui_keys q
check_eq "by its path: q quits, as in less" "$(ui_dead)" "0 0"
finish
