# tests/e2e/sync_fixture.sh — two machines' libraries holding the same two
# stories at different paths, under different file names and split into
# files differently (sourced by t_sync.sh and t_syncthing.sh).
#
#   sync_libraries DIR_A DIR_B   make the two libraries
#   sync_offline_edits T         what both machines do while not syncing,
#                                through the suite's `at MACHINE WHEN ...`
# The stories: "The Clocks of Ardmore" (3 chapters) and "The Ledger of Ivo"
# (2 chapters).  Texts quoted in the suites: "a quarter past nine" (Clocks
# ch 2), "the great frost" (Clocks ch 3), "Nobody came" (Clocks ch 1),
# "counted his coins" (Ivo ch 1), "north before the snow" (Ivo ch 2).
clocks_ch() {   # NUMBER
    case $1 in
    1) printf 'Chapter 1: Arrival\n\nThe train came in late. Anna stepped down onto the platform and looked for a face she knew. Nobody came.\n' ;;
    2) printf 'Chapter 2: The House\n\nThe house stood at the end of the lane, its shutters closed against the rain. Inside, the clocks had stopped at a quarter past nine.\n' ;;
    3) printf 'Chapter 3: Letters\n\nShe found the letters under the floorboards, tied with a green ribbon. The first was dated the winter of the great frost, and it began without a greeting.\n' ;;
    esac
}
ivo_ch() {
    case $1 in
    1) printf 'Chapter 1: Coins\n\nIn the back room of the inn a man named Ivo counted his coins twice and wrote the sum in a ledger with a red spine.\n' ;;
    2) printf 'Chapter 2: The Road\n\nHe paid the innkeeper, shouldered his pack and decided to go north before the snow closed the passes.\n' ;;
    esac
}
sync_libraries() {
    mkdir -p "$1/clocks" "$2/Reading/Fan fiction/Ardmore"
    for n in 1 2 3; do
        { printf 'The Clocks of Ardmore by Anna Example\n\n'; clocks_ch $n; } >"$1/clocks/ch$n.txt"
    done
    { printf 'The Ledger of Ivo by Piet Example\n\n'; ivo_ch 1; printf '\n'; ivo_ch 2; } >"$1/ledger.txt"
    # Machine B: the same texts, one file per story, other names and places.
    { printf 'The Clocks of Ardmore by Anna Example\n\n'; clocks_ch 1; printf '\n'; clocks_ch 2;
      printf '\n'; clocks_ch 3; } >"$2/Reading/Fan fiction/Ardmore/Ardmore (complete).md"
    for n in 1 2; do
        { printf 'The Ledger of Ivo by Piet Example\n\n'; ivo_ch $n; } >"$2/Reading/ivo-$n.txt"
    done
}

# Offline.  A: reads on in Clocks, deletes mark a.  B: reads Ivo, sets mark
# c, goes back in Clocks (earlier than A's reading), sets mark a again
# before A's deletion, deletes mark d.  Times from T + 50 to T + 110.
sync_offline_edits() {   # T
    at A $(($1 + 100)) setpos "The Clocks" 3 "the great frost"
    at A $(($1 + 110)) delmark "The Clocks" a
    at B $(($1 + 50)) setpos "The Ledger" 2 "north before"
    at B $(($1 + 60)) setmark "The Clocks" c 3 "the great frost"
    at B $(($1 + 70)) setpos "The Clocks" 2 "a quarter past nine"
    at B $(($1 + 80)) setmark "The Clocks" a 2 "a quarter past nine"
    at B $(($1 + 90)) delmark "The Clocks" d
}
