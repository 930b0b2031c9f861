#!/bin/sh
# t_ui_notes.sh — `a` folds and unfolds a story's notes (author's notes,
# disclaimers, summaries: front and back matter), each run of them one
# dimmed line; the choice is kept per story across runs, and `notes =` in
# the config is the default.  In tmux.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

F="$TMPD/notes.txt"
{
    printf 'Chapter One\n\n'
    printf 'Disclaimer: I do not own these characters, they belong to their author.\n\n'
    printf 'A/N: Thanks to everyone who reviewed the last story. This one is longer.\n\n'
    i=0
    while [ $i -lt 30 ]; do
        printf 'The story paragraph number %d goes on with zebra words.\n\n' $i
        i=$((i + 1))
    done
    printf 'A/N: Please review! The next chapter comes soon.\n\n'
    printf 'Chapter Two\n\n'
    i=0
    while [ $i -lt 30 ]; do
        printf 'Second chapter paragraph %d of the story.\n\n' $i
        i=$((i + 1))
    done
} >"$F"

ui_start 80 24 "$F"
check "notes are shown by default" ui_wait 'Disclaimer: I do not own'
check "the author's note too" ui_wait 'A/N: Thanks to everyone'
ui_keys a
check "a folds them into one line" ui_wait '^ *disclaimer, 2 paragraphs$'
check "the disclaimer's words are gone" not_shown 'I do not own'
check "the note's words are gone" not_shown 'Thanks to everyone'
check "the story text follows" ui_wait 'The story paragraph number 0 goes'
check "the fold line is dim" sgr_on 'disclaimer, 2 paragraphs' 2
check "the bottom line says so" status_has 'notes folded'
ui_keys G
check "the closing note is folded too" ui_wait "^ *author's note, 1 paragraph$"
check "its words are gone" not_shown 'Please review'
ui_keys g a
check "a again unfolds" ui_wait 'Disclaimer: I do not own'
check "and says so" status_has 'notes shown'
check "no fold line left" not_shown 'disclaimer, 2 paragraphs'
ui_keys a q
check_eq "quits" "$(ui_dead)" "0 0"

ui_start 80 24 "$F"
check "the choice survives quitting and reopening" ui_wait '^ *disclaimer, 2 paragraphs$'
check "still folded" not_shown 'I do not own'
ui_keys q
ui_dead >/dev/null

# The config's default: folded for a story never chosen, a choice wins.
mkdir -p "$XDG_CONFIG_HOME/quire"
printf 'notes = folded\n' >"$XDG_CONFIG_HOME/quire/config"
XDG_STATE_HOME="$TMPD/state2"
ui_start 80 24 "$F"
check "notes = folded: folded from the start" ui_wait '^ *disclaimer, 2 paragraphs$'
ui_keys a q
ui_dead >/dev/null
ui_start 80 24 "$F"
check "the story's own choice (shown) wins over the config" ui_wait 'Disclaimer: I do not own'
ui_keys q
check_eq "quits" "$(ui_dead)" "0 0"
printf 'notes = sideways\n' >"$XDG_CONFIG_HOME/quire/config"
check "a bad value is a config problem" sh -c '"$1" --config-check 2>&1 | grep -q "notes: .sideways. is not shown or folded"' _ "$QUIRE"
finish
