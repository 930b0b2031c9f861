#!/bin/sh
# t_golden.sh — `quire --render` against the checked-in golden files, and
# properties of --render a reader relies on:
#  - output identical to tests/golden/NAME.wN (see tests/golden/cases);
#  - every line fits in N columns (wc -L: display width, wcwidth-based);
#  - scene breaks: seed 004 has exactly three centred "* * *" lines;
#  - emphasis markers hidden (seed 000: *her*);
#  - CJK hard wraps joined without spaces (Hong Lou Meng, from the corpus);
#  - words hyphenated at a line end joined (Madame Bovary, from the corpus);
#  - --chapter out of range is an error naming the chapter count;
#  - every corpus text, at several widths, fits (when the corpus is here).
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
# in a git worktree the shared corpus is two levels up
[ -z "$SHARED" ] && [ -d "$TOP/../../shared/corpus" ] && SHARED=$(cd "$TOP/../../shared" && pwd)
WIDTHS="20 40 72"
G=tests/golden

# width WIDTH FILE: passes when no line of FILE is wider than WIDTH columns
fits() {
    max=$(wc -L <"$2")
    [ "$max" -le "$1" ]
}

# no_ctrl FILE: passes when FILE holds no control character but newlines
no_ctrl() {
    ! LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1"
}

while IFS='	' read -r name target; do
    case $name in ''|'#'*) continue ;; esac
    for w in $WIDTHS; do
        out="$TMPD/$name.w$w"
        if ! "$QUIRE" --render -w "$w" "$target" >"$out" 2>"$TMPD/err"; then
            fail "$name at $w: quire --render failed: $(head -n 1 "$TMPD/err")"
            continue
        fi
        if [ ! -f "$G/$name.w$w" ]; then
            fail "$name at $w: no golden file $G/$name.w$w (make golden-update)"
        elif cmp -s "$out" "$G/$name.w$w"; then
            pass
        else
            fail "$name at $w: differs from $G/$name.w$w"
            diff "$G/$name.w$w" "$out" | head -n 10 >&2
        fi
        check "$name at $w: every line fits in $w columns" fits "$w" "$out"
        check "$name at $w: no escape codes or control characters" no_ctrl "$out"
    done
done <"$G/cases"

# seed 004 (the prologue's richer edition): three scene breaks, centred
out=$("$QUIRE" --render -w 72 "sample_library/Untitled Prologue")
check_eq "seed 004 has exactly three scene-break lines" \
    "$(printf '%s\n' "$out" | grep -c '^ *\* \* \*$')" 3
check_eq "the break glyph is centred in 72 columns" \
    "$(printf '%s\n' "$out" | grep -m 1 '\* \* \*')" "                                 * * *"
check "a blank line on each side of every scene break" \
    sh -c "printf '%s\n' \"\$1\" | grep -B1 -A1 '^ *\* \* \*\$' | grep -v -e '\* \* \*' -e '^--\$' | grep -qv '^\$' && exit 1 || exit 0" sh "$out"

# seed 000: *her* in italics, the markers not shown
out=$("$QUIRE" --render -w 72 --chapter 1 "sample_library/The Worst Betrayal")
check "emphasis markers are hidden (000: *her*)" sh -c "! printf '%s' \"\$1\" | grep -q '[*]her[*]'" sh "$out"
check "the emphasised word is kept (000: felt her.)" sh -c "printf '%s' \"\$1\" | tr '\n' ' ' | grep -q 'felt her\.'" sh "$out"

# --chapter
"$QUIRE" --render -w 40 --chapter 9 "sample_library/The Worst Betrayal" >/dev/null 2>"$TMPD/err"
check_eq "--chapter out of range exits 1" "$?" 1
check_eq "--chapter out of range says how many there are" "$(cat "$TMPD/err")" \
    "quire: --chapter 9: the story has 2 chapters"
{
    "$QUIRE" --render -w 40 --chapter 1 "sample_library/The Worst Betrayal"
    echo
    "$QUIRE" --render -w 40 --chapter 2 "sample_library/The Worst Betrayal"
} >"$TMPD/parts"
"$QUIRE" --render -w 40 "sample_library/The Worst Betrayal" >"$TMPD/whole"
check "chapters 1 and 2 with a blank line between are the whole story" cmp -s "$TMPD/parts" "$TMPD/whole"
check_eq "--render -w 1 still fits one column" \
    "$("$QUIRE" --render -w 1 "sample_library/Almost Heaven" | wc -L)" 1

# CJK: hard-wrapped lines joined without a space (corpus only)
if [ -n "$SHARED" ]; then
    HLM="$SHARED/corpus/gutenberg/hong-lou-meng-zh_pg24264-0.txt"
    "$QUIRE" --render -w 40 "$HLM" >"$TMPD/hlm" 2>/dev/null
    check "Hong Lou Meng at 40 columns fits" fits 40 "$TMPD/hlm"
    check "CJK lines join with no space (隱去，而借)" \
        sh -c "tr -d '\n' <'$TMPD/hlm' | grep -q '隱去，而借'"
    check "no space is put between two ideographs at a join" \
        sh -c "! tr -d '\n' <'$TMPD/hlm' | grep -q '隱去， 而借'"
    check "no line starts with an ideographic full stop (kinsoku)" \
        sh -c "! grep -q '^ *。' '$TMPD/hlm'"
    # issue 14 item 8: a word hyphenated at a line end is shown whole
    "$QUIRE" --render -w 72 "$SHARED/corpus/gutenberg/madame-bovary-fr_pg14155-8.latin1.txt" \
        >"$TMPD/mb" 2>/dev/null
    check "Madame Bovary: la foire Saint-Romain, joined" \
        sh -c "tr '\n' ' ' <'$TMPD/mb' | grep -q 'foire Saint-Romain'"
    check "Madame Bovary: no letter, hyphen, space, letter (was 71 lines)" \
        sh -c "! grep -q '[[:alpha:]]- [[:alpha:]]' '$TMPD/mb'"
    for f in "$SHARED"/corpus/gutenberg/*.txt; do
        for w in 13 33 72; do
            "$QUIRE" --render -w "$w" "$f" >"$TMPD/c" 2>/dev/null
            check "$(basename "$f") at $w fits" fits "$w" "$TMPD/c"
        done
    done
else
    echo "skip: no corpus for the CJK and whole-corpus checks"
fi
finish
