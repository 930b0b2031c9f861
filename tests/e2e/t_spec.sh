#!/bin/sh
# t_spec.sh — promises of SPEC.md (the user-visible contract) that no other
# suite proved end to end, checked through the command line:
#  - piped output is --render at 72 columns; piped with no story named and
#    several stories, the listing (man page, DESCRIPTION);
#  - the story's own control characters never reach the output: they are
#    shown as less shows them (^[, ^G, ^?, <U+009B>);
#  - every scene-break form renders as one centred "* * *" between blanks;
#  - no line wider than -w, wide characters 2 columns, a long word split
#    between grapheme clusters, never inside one; no word lost or reordered;
#  - chapter headings of several languages split one file; a repeating
#    Markdown heading level; a contents list at the top is not a chapter;
#  - files grouped into one story by what they announce: "Title by Author",
#    a title line then "by Author", labelled "Title:"/"Author:" fields.
. "$(dirname "$0")/../lib.sh"
LIB=$TMPD/lib
mkdir -p "$LIB"
TAB=$(printf '\t')

# no_ctrl FILE: FILE holds no C0 control but line feeds, no DEL, no C1.
no_ctrl() {
    ! LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1" &&
        ! grep -q "$(printf '[\302][\200-\237]')" "$1"
}
# words FILE: the words of FILE, one a line.
words() { tr -s ' \n' '\n\n' <"$1" | grep -v '^$'; }

# --- Invocation: piped stdout behaves as --render -----------------------
"$QUIRE" -L "$TOP/sample_library" "worst betrayal" >"$TMPD/piped" 2>"$TMPD/err" </dev/null
check_eq "piped, a story named: exit 0" "$?" 0
"$QUIRE" --render -w 72 -L "$TOP/sample_library" "worst betrayal" >"$TMPD/r72"
check "piped output is --render -w 72 (72 when stdout is not a terminal)" \
    cmp -s "$TMPD/piped" "$TMPD/r72"
check_eq "a title matches case-insensitively, by a unique prefix" \
    "$("$QUIRE" -L "$TOP/sample_library" "WORST B" | md5sum)" "$(md5sum <"$TMPD/r72")"
"$QUIRE" -L "$TOP/sample_library" >"$TMPD/piped" 2>"$TMPD/err" </dev/null
check_eq "piped, no story named: exit 0" "$?" 0
check "piped, no story named, several stories: the listing (documented)" \
    cmp -s "$TMPD/piped" "$(
        "$QUIRE" --list -L "$TOP/sample_library" >"$TMPD/list"; echo "$TMPD/list")"

# --tsv: an unknown author is an empty field; no header line; numbers from 1.
"$QUIRE" --list --tsv -L "$TOP/sample_library" >"$TMPD/tsv"
check_eq "--tsv: Almost Heaven's unknown author is an empty field" \
    "$(awk -F'\t' '$2 == "Almost Heaven" { print "[" $3 "]" }' "$TMPD/tsv")" "[]"
check_eq "--tsv: no header line (the first line is story 1, chapter 1)" \
    "$(head -n 1 "$TMPD/tsv" | cut -f1,4)" "1${TAB}1"

# --- Output never garbles the terminal: a story's own controls ----------
printf 'Bad Bytes by Someone\n\nChapter 1\n\nShe said \033[2Jhello\033]0;TITLE\007 there and \302\233left\n\nA second paragraph with a bell \007 and DEL \177 inside.\n' \
    >"$LIB/ctrl.txt"
"$QUIRE" --render -w 60 "$LIB/ctrl.txt" >"$TMPD/out" 2>"$TMPD/err"
check_eq "a story with control characters renders: exit 0" "$?" 0
check "--render passes none of the story's control characters" no_ctrl "$TMPD/out"
check "the words around them are kept" grep -q 'She said.*there and' "$TMPD/out"
check "the next paragraph is kept" grep -q 'A second paragraph with a bell' "$TMPD/out"
check "ESC, BEL and a C1 control are shown as ^[, ^G and <U+009B>, as less shows them" \
    grep -qF 'She said ^[[2Jhello^[]0;TITLE^G there and <U+009B>left' "$TMPD/out"
check "BEL and DEL between spaces are shown as ^G and ^?" \
    grep -qF 'a bell ^G and DEL ^? inside.' "$TMPD/out"

# --- Scene breaks: each form is one centred "* * *" ---------------------
{
    printf 'Breaks by Tester\n\nChapter 1\n\n'
    n=0
    for sep in '***' '* * *' '***   ***' '~~~' '---' 'oOo' 'xXx' '#' '§' '⁂'; do
        n=$((n + 1))
        printf 'Scene %s opens here and goes on for a while so that it is prose.\n\n%s\n\n' "$n" "$sep"
    done
    printf 'The last scene closes the chapter.\n'
} >"$LIB/breaks.txt"
"$QUIRE" --render -w 40 "$LIB/breaks.txt" >"$TMPD/out"
check_eq "ten separator forms: ten scene-break lines" "$(grep -c '^ *\* \* \*$' "$TMPD/out")" 10
check_eq "each centred in the 40-column text" \
    "$(grep '^ *\* \* \*$' "$TMPD/out" | sort -u)" "                 * * *"
check_eq "no separator line shown as itself" \
    "$(grep -c -e '~~~' -e 'oOo' -e 'xXx' -e '§' -e '⁂' -e '^ *#$' -e '^---$' "$TMPD/out")" 0
check "a blank line on each side of every break" sh -c \
    "grep -B1 -A1 '^ *\* \* \*\$' \"\$1\" | grep -v -e '\* \* \*' -e '^--\$' | grep -q . && exit 1 || exit 0" \
    sh "$TMPD/out"
check_eq "every scene's words are there, in order" \
    "$(grep -o 'Scene [0-9]*' "$TMPD/out" | tr '\n' ' ')" \
    "Scene 1 Scene 2 Scene 3 Scene 4 Scene 5 Scene 6 Scene 7 Scene 8 Scene 9 Scene 10 "

# --- Pager layout: widths, grapheme clusters, words ---------------------
{
    printf 'Widths by Tester\n\nChapter 1\n\n'
    printf '紅樓夢第一回甄士隱夢幻識通靈賈雨村風塵懷閨秀此開卷第一回也作者自云因曾歷過一番夢幻之後\n\n'
    # a 30-letter word, each letter e + COMBINING ACUTE (one cluster, 1 column)
    w=""; i=0
    while [ $i -lt 30 ]; do w="${w}e$(printf '\314\201')"; i=$((i + 1)); done
    printf 'Long %s word.\n\n' "$w"
    printf 'Plain words of a plain paragraph, hard wrapped\nat the end of each source line, to be joined again.\n'
} >"$LIB/widths.txt"
for W in 7 12 31; do
    "$QUIRE" --render -w "$W" "$LIB/widths.txt" >"$TMPD/out"
    check "-w $W: no line wider than $W columns (CJK counted 2, marks 0)" \
        test "$(wc -L <"$TMPD/out")" -le "$W"
    check "-w $W: no line starts with a combining mark (clusters kept whole)" \
        sh -c "! grep -q '^$(printf '\314\201')' \"\$1\"" sh "$TMPD/out"
    check_eq "-w $W: the 30 accented letters are all there" \
        "$(grep -o "e$(printf '\314\201')" "$TMPD/out" | wc -l | tr -d ' ')" 30
    check_eq "-w $W: every CJK character is there, in order" \
        "$(tr -d ' \n' <"$TMPD/out" | grep -o '紅樓夢.*之後')" \
        "紅樓夢第一回甄士隱夢幻識通靈賈雨村風塵懷閨秀此開卷第一回也作者自云因曾歷過一番夢幻之後"
done
"$QUIRE" --render -w 20 "$LIB/widths.txt" >"$TMPD/out"
check_eq "a hard-wrapped paragraph: no word lost, added or reordered" \
    "$(words "$TMPD/out" | grep -A 100 '^Plain$' | tr '\n' ' ')" \
    "Plain words of a plain paragraph, hard wrapped at the end of each source line, to be joined again. "

# --- Chapters in one file ------------------------------------------------
chapters_of() { "$QUIRE" --list --tsv "$1" | grep -c .; }
titles_of() { "$QUIRE" --list --tsv "$1" | cut -f5 | tr '\n' '|'; }
para='This paragraph is the story text of the chapter, long enough to be prose.'
multi() {   # multi FILE HEADING...: one file, a chapter under each heading
    f=$1; shift
    { printf 'Many Tongues by Polyglot\n\n'
      for h in "$@"; do printf '%s\n\n%s\n\n%s\n\n' "$h" "$para" "$para"; done; } >"$f"
}
multi "$LIB/ru.txt" 'Глава 1' 'Глава 2' 'Глава 3'
check_eq "Russian 'Глава N' headings: three chapters" "$(chapters_of "$LIB/ru.txt")" 3
multi "$LIB/de.txt" 'Kapitel 1: Der Anfang' 'Kapitel 2: Die Mitte' 'Kapitel 3: Das Ende'
check_eq "German 'Kapitel N: Titel': three chapters" "$(chapters_of "$LIB/de.txt")" 3
check_eq "with their titles" "$(titles_of "$LIB/de.txt")" "Kapitel 1: Der Anfang|Kapitel 2: Die Mitte|Kapitel 3: Das Ende|"
multi "$LIB/zh.txt" '第1章' '第2章' '第3章'
check_eq "Chinese '第N章': three chapters" "$(chapters_of "$LIB/zh.txt")" 3
multi "$LIB/en.txt" 'Chapter Twelve' 'CHAPTER XIII.' 'Ch 14 - The Ford' 'Epilogue'
check_eq "'Chapter Twelve', 'CHAPTER XIII.', 'Ch 14 - Title', 'Epilogue': four chapters" \
    "$(chapters_of "$LIB/en.txt")" 4
{ printf '# The Markdown Tale\n\nby Marker\n\n'
  for n in 1 2 3; do printf '## Part %s\n\n%s\n\n### A smaller heading\n\n%s\n\n' "$n" "$para" "$para"; done
} >"$LIB/tale.md"
check_eq "Markdown: the repeating '##' level is the chapter level" "$(chapters_of "$LIB/tale.md")" 3
{ printf 'Listed Tale by Lister\n\nContents\n\nChapter 1: Morning\nChapter 2: Noon\nChapter 3: Night\n\n'
  for t in 'Chapter 1: Morning' 'Chapter 2: Noon' 'Chapter 3: Night'; do
      printf '%s\n\n%s\n\n%s\n\n' "$t" "$para" "$para"; done
} >"$LIB/toc.txt"
check_eq "a table of contents at the top is not a chapter" "$(titles_of "$LIB/toc.txt")" "Chapter 1: Morning|Chapter 2: Noon|Chapter 3: Night|"

# --- Grouping files into stories by what they announce ------------------
G=$TMPD/group
mkdir -p "$G"
printf 'The Long Walk by Walker\n\nChapter 1\n\n%s\n' "$para" >"$G/a.txt"
printf 'The Long Walk by Walker\n\nChapter 2\n\n%s\n' "$para" >"$G/b.txt"
printf 'Second Road\nby Driver\n\nChapter 1\n\n%s\n' "$para" >"$G/c.txt"
printf 'Second Road\nby Driver\n\nChapter 2\n\n%s\n' "$para" >"$G/d.txt"
printf 'Title: Field Notes\nAuthor: Labeller\n\nChapter 1\n\n%s\n' "$para" >"$G/e.txt"
printf 'Title: Field Notes\nAuthor: Labeller\n\nChapter 2\n\n%s\n' "$para" >"$G/f.txt"
"$QUIRE" --list --tsv -L "$G" >"$TMPD/out"
check_eq "three stories from six files" "$(cut -f1 "$TMPD/out" | sort -u | wc -l | tr -d ' ')" 3
for s in "The Long Walk${TAB}Walker" "Second Road${TAB}Driver" "Field Notes${TAB}Labeller"; do
    check_eq "$(printf '%s' "$s" | tr '\t' '/'): two chapters" \
        "$(grep -c "^[0-9]*${TAB}${s}${TAB}" "$TMPD/out")" 2
done

# --- -L's default: $QUIRE_LIBRARY, else `library` in the config --------
D=$TMPD/deflib
mkdir -p "$D" "$XDG_CONFIG_HOME/quire"
printf 'Config Shelf by Keeper\n\nChapter 1\n\n%s\n' "$para" >"$D/one.txt"
printf 'library = %s\n' "$D" >"$XDG_CONFIG_HOME/quire/config"
check_eq "no -L, no \$QUIRE_LIBRARY: the config's library" \
    "$("$QUIRE" --list --tsv | cut -f2)" "Config Shelf"
check_eq "\$QUIRE_LIBRARY comes before the config's library" \
    "$(QUIRE_LIBRARY=$TOP/sample_library "$QUIRE" --list --tsv | cut -f2 | sort -u | wc -l | tr -d ' ')" 3
check_eq "-L comes before \$QUIRE_LIBRARY" \
    "$(QUIRE_LIBRARY=$TOP/sample_library "$QUIRE" -L "$D" --list --tsv | cut -f2)" "Config Shelf"
rm "$XDG_CONFIG_HOME/quire/config"

# --- The man page's examples that name a sample story work as shown -----
grep '^\.Dl \$ quire .*\\(dq' "$TOP/man/quire.1" | sed 's/^\.Dl \$ //; s/\\(dq/"/g' >"$TMPD/examples"
check "the man page has examples naming a story" test -s "$TMPD/examples"
while IFS= read -r ex; do
    (cd "$TMPD" && eval "QUIRE_LIBRARY=\$TOP/sample_library \"\$QUIRE\" ${ex#quire }" \
        >"$TMPD/ex.out" 2>"$TMPD/ex.err" </dev/null)
    check_eq "man example '$ex': exit 0" "$?" 0
    check_eq "man example '$ex': nothing on stderr" "$(cat "$TMPD/ex.err")" ""
done <"$TMPD/examples"

# --- Options that go with --list: alone, a usage error (status 2) --------
for opt in --tsv --verbose; do
    "$QUIRE" -L "$TOP/sample_library" $opt "worst betrayal" >"$TMPD/out" 2>"$TMPD/err" </dev/null
    check_eq "$opt without --list: exit 2" "$?" 2
    check_eq "$opt without --list: one line, quire: WHAT: WHY" "$(cat "$TMPD/err")" \
        "quire: $opt: goes with --list (try 'quire --help')"
    check_eq "$opt without --list: nothing on stdout" "$(wc -c <"$TMPD/out" | tr -d ' ')" 0
done

# --- Files: the default places (XDG variables unset, empty or relative) --
H=$TMPD/h2
mkdir -p "$H/.config/quire"
printf 'width = 33\n' >"$H/.config/quire/config"
for how in unset empty relative; do
    case $how in
    unset) set -- env -u XDG_STATE_HOME -u XDG_CONFIG_HOME HOME="$H" ;;
    empty) set -- env XDG_STATE_HOME= XDG_CONFIG_HOME= HOME="$H" ;;
    relative) set -- env XDG_STATE_HOME=rel/state XDG_CONFIG_HOME=rel/config HOME="$H" ;;
    esac
    check_eq "XDG_STATE_HOME $how: the bookmarks under ~/.local/state/quire/" \
        "$(cd "$TMPD" && "$@" "$QUIRE" --bookmarks 2>&1)" \
        "no saved positions yet ($H/.local/state/quire/bookmarks)"
    check_eq "XDG_CONFIG_HOME $how: the config is ~/.config/quire/config" \
        "$(cd "$TMPD" && "$@" "$QUIRE" --config-check 2>&1 | grep '^width = ')" "width = 33"
done

# --- --resume --render with nothing read yet: no such story (status 1) ---
"$QUIRE" --resume --render -L "$TOP/sample_library" >"$TMPD/out" 2>"$TMPD/err" </dev/null
check_eq "--resume --render, nothing read: exit 1 (a runtime failure)" "$?" 1
check_eq "--resume --render, nothing read: one line that says so" "$(cat "$TMPD/err")" \
    "quire: --resume: no story of $TOP/sample_library read yet; name one (see quire --list)"
check_eq "--resume --render, nothing read: nothing on stdout" "$(wc -c <"$TMPD/out" | tr -d ' ')" 0

# --- A file opened by its path that is not a story: one line saying why --
S=$TMPD/skipped
mkdir -p "$S"
printf 'bin\000ary\000\000\000data' >"$S/data.bin"
: >"$S/empty.txt"
printf 'this is not a zip archive' >"$S/broken.epub"
for f in data.bin:binary empty.txt:empty broken.epub:"not a zip archive"; do
    name=${f%%:*} why=${f#*:}
    [ "$name" = broken.epub ] && [ ! -f "$TOP/build/quire-convert" ] && continue
    for mode in piped --render; do
        if [ "$mode" = piped ]; then set --; else set -- --render; fi
        "$QUIRE" "$@" "$S/$name" >"$TMPD/out" 2>"$TMPD/err" </dev/null
        check_eq "$name ($mode): exit 1" "$?" 1
        check_eq "$name ($mode): one line saying why" "$(cat "$TMPD/err")" "quire: $S/$name: $why"
    done
done

# An EPUB by its path without the converter: the one line says what is missing.
QUIRE_CONVERTER=$TMPD/no-such-converter "$QUIRE" "$TOP/tests/data/epub/valid-epub3.epub" \
    >"$TMPD/out" 2>"$TMPD/err" </dev/null
check_eq "an EPUB without the converter: exit 1" "$?" 1
check "an EPUB without the converter: one line naming the missing converter" sh -c \
    '[ "$(wc -l <"$1")" -eq 1 ] && grep -q "^quire: .*valid-epub3.epub: EPUB/HTML support not installed: .*no-such-converter" "$1"' \
    _ "$TMPD/err"

finish
