# tests/e2e/ident_fixture.sh — sourced by t_ident.sh and t_ui_ident.sh.
#
# Two stories as a reader had them, and the bookmarks file quire wrote for
# them before story ids changed (issue 14 item 9): written by the quire of
# that time (the commit before the id rule of docs/FORMATS.md "Story
# ids"), which identified a story by its title, author and the opening of
# its FIRST chapter.  Its ids are copied here verbatim; the texts below
# are byte for byte the files it read, so the ids stay right only while
# the opening (lead) of a chapter is computed as it was then.
#
#   ident_library DIR     write the two stories under DIR (clocks/, quiet/)
#   ident_state DIR       write the old bookmarks file as DIR/quire/bookmarks
#   ident_change DIR      a chapter 0 in front of the clocks; quiet/a.txt
#                         renamed c.txt, so b.txt sorts first
OLD_CLOCKS=f89c13dc44d7e0eb
OLD_QUIET=aabbbfb7efffa626

ident_para() {   # TEXT N: N numbered paragraphs
    i=0
    while [ $i -lt "$2" ]; do printf '%s %d.\n\n' "$1" $i; i=$((i + 1)); done
}

ident_chapter() {   # FILE NUMBER TITLE TEXT
    printf 'The Clocks of Ardmore by Anna Example\n\nChapter %s: %s\n\n%s\n' "$2" "$3" "$4" >"$1"
}

ident_library() {
    mkdir -p "$1/clocks" "$1/quiet"
    ident_chapter "$1/clocks/one.txt" 1 Arrival "The train came in late. Anna stepped down onto the platform and looked for a face she knew. Nobody came.
$(ident_para 'She waited by the clock and counted the minutes, line' 40)"
    ident_chapter "$1/clocks/two.txt" 2 "The House" "The house stood at the end of the lane, its shutters closed against the rain. Inside, the clocks had stopped at a quarter past nine.
$(ident_para 'The rooms were cold and the dust lay thick on every sill, room' 40)"
    printf 'The Quiet Year by Bo Writer\n\nSnow fell on the village all through the first week, and the mill stood silent.\n\n%s' \
        "$(ident_para 'Nobody walked the long road to the river, day' 30)" >"$1/quiet/a.txt"
    printf 'The Quiet Year by Bo Writer\n\nIn spring the ice broke on the river with a sound like guns, and the children ran to see.\n\n%s' \
        "$(ident_para 'The water rose over the low fields, hour' 30)" >"$1/quiet/b.txt"
}

ident_state() {
    mkdir -p "$1/quire"
    T="$(printf '\t')"
    cat >"$1/quire/bookmarks" <<END
quire-bookmarks 1
story${T}aabbbfb7efffa626${T}1796292010${T}The Quiet Year
last${T}aabbbfb7efffa626${T}42a0429d584ea445${T}1${T}480${T}67.65${T}1796292010${T}The water rose over the low fields, hour 8. The ${T}2${T}Chapter 2
mark${T}aabbbfb7efffa626${T}b${T}42a0429d584ea445${T}1${T}480${T}67.65${T}1796292010${T}The water rose over the low fields, hour 8. The ${T}2${T}Chapter 2
story${T}f89c13dc44d7e0eb${T}1796292005${T}The Clocks of Ardmore
last${T}f89c13dc44d7e0eb${T}f850d9a7ee050109${T}1${T}1544${T}74.91${T}1796292005${T}The rooms were cold and the dust lay thick on ev${T}2${T}Chapter 2: The House
mark${T}f89c13dc44d7e0eb${T}a${T}90f23925bdff0282${T}0${T}0${T}0.00${T}1796292004${T}The Clocks of Ardmore by Anna Example Chapter 1:${T}2${T}Chapter 1: Arrival
END
}

ident_change() {
    printf 'The Clocks of Ardmore by Anna Example\n\nChapter 0: Before\n\nYears earlier, the clockmaker had locked the door and gone away.\n' \
        >"$1/clocks/zero.txt"
    mv "$1/quiet/a.txt" "$1/quiet/c.txt"
}
