# tests/e2e/losttag_fixture.sh — sourced by t_ui_losttag.sh.
#
# A story whose text has lone letters before lost closing tags ("i/i",
# "b/b", "u/u": markup that lost its angle brackets), where norm_word
# reported the end of the text up to quire 0.1 at a8a2cbf, and the state
# files that quire wrote for a reader of it (read into chapter 3, every
# chapter on the screen once).  The story has no title of its own (it is
# named after its file), so its id is made of its first chapter's opening.
#
#   lt_story FILE    write the story
#   lt_state DIR     write that quire's bookmarks and seen files under DIR/quire

lt_paras() {   # TEXT N: N numbered paragraphs
    i=1
    while [ $i -le "$2" ]; do printf '%s %d.\n\n' "$1" $i; i=$((i + 1)); done
}

lt_story() {
    {
        printf 'Chapter 1\n\nThe keeper i/i climbed the stair at dusk and lit the great lamp for the ships.\n\n'
        lt_paras 'He trimmed the wick and wrote the weather in the log, line' 30
        printf 'Chapter 2\n\nThe ships b/b came in at dawn, their sails grey with the salt of the long crossing.\n\n'
        lt_paras 'The harbour master counted the hulls and the barrels, hour' 30
        printf 'Chapter 3\n\nThe storm came in the night and the keeper did not sleep.\n\n'
        lt_paras 'The wind tore at the shutters, gust' 10
        printf 'One word he wrote u/u and then no more that night.\n\n'
        lt_paras 'The sea broke over the rocks below the tower, wave' 80
    } >"$1"
}

lt_state() {
    mkdir -p "$1/quire"
    T="$(printf '\t')"
    cat >"$1/quire/bookmarks" <<END
quire-bookmarks 1
story${T}0ac1a3b17314d296${T}1796317563${T}lantern${T}6127fceda7c7f327
last${T}0ac1a3b17314d296${T}285cfbfc8f8065ec${T}2${T}471${T}49.76${T}1796317563${T}One word he wrote u/u and then no more that nigh${T}3${T}Chapter 3${T}6127fceda7c7f327
END
    cat >"$1/quire/seen" <<END
quire-seen 1
chapter${T}0ac1a3b17314d296${T}0f939462706df5af${T}1${T}seen${T}ec48ec27413c155c${T}2007${T}1796317563
chapter${T}0ac1a3b17314d296${T}285cfbfc8f8065ec${T}2${T}seen${T}81737c4a98a80f18${T}4994${T}1796317563
chapter${T}0ac1a3b17314d296${T}c9901d9d62e304fe${T}0${T}seen${T}08dfe74bd6ea2370${T}2002${T}1796317563
END
}
