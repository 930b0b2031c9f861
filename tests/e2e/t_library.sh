# t_library.sh — `quire --list` over real and fixture libraries: grouping,
# chapter order, editions, encodings, junk, and the error exits.
. "$(dirname "$0")/../lib.sh"

DATA="$TOP/tests/data/library"
TAB=$(printf '\t')

# tsv DIR — the --list --tsv listing of library DIR.
tsv() { "$QUIRE" --list --tsv -L "$1" 2>/dev/null; }
# stories LISTING — how many stories.
stories() { printf '%s\n' "$1" | cut -f1 | sort -u | grep -c .; }
# chapters LISTING TITLE — how many chapters the story TITLE has.
chapters() { printf '%s\n' "$1" | awk -F'\t' -v t="$2" '$2 == t' | grep -c .; }
# field LISTING TITLE CHAPTER_NO COLUMN — one field of one chapter line.
field() { printf '%s\n' "$1" | awk -F'\t' -v t="$2" -v c="$3" -v k="$4" '$2 == t && $4 == c { print $k }'; }

# --- The five seed stories, flat ---------------------------------------
check_seeds() {   # $1 = folder holding the five seed files, $2 = label
    out=$(tsv "$1")
    check_eq "$2: three stories" "$(stories "$out")" 3
    check_eq "$2: The Worst Betrayal has two chapters" "$(chapters "$out" "The Worst Betrayal")" 2
    check_eq "$2: by TwilightChild" "$(field "$out" "The Worst Betrayal" 1 3)" TwilightChild
    check_eq "$2: chapter 1 from 000" "$(field "$out" "The Worst Betrayal" 1 7)" 000_977516cc94ba2ab9.txt
    check_eq "$2: chapter 2 from 001" "$(field "$out" "The Worst Betrayal" 2 7)" 001_f36c8488a464cd0d.txt
    check_eq "$2: Almost Heaven has one chapter" "$(chapters "$out" "Almost Heaven")" 1
    check_eq "$2: titled The Martyr" "$(field "$out" "Almost Heaven" 1 5)" "The Martyr"
    # 002 and 004: one story, one chapter, two editions, 004 preferred
    line=$(printf '%s\n' "$out" | grep "002_48b722d619b5015f.txt")
    check_eq "$2: 002 and 004 are one chapter" "$(printf '%s\n' "$line" | grep -c .)" 1
    check_eq "$2: the prologue's files, 004 first" "$(printf '%s\n' "$line" | cut -f7)" \
        "004_16cf96708da75563.txt;002_48b722d619b5015f.txt"
    check_eq "$2: titled Prologue" "$(printf '%s\n' "$line" | cut -f5)" "Prologue"
    story=$(printf '%s\n' "$line" | cut -f1)
    check_eq "$2: and alone in its story" "$(printf '%s\n' "$out" | awk -F'\t' -v s="$story" '$1 == s' | grep -c .)" 1
}
if [ -n "$SHARED" ] && [ -d "$SHARED/seeds" ]; then
    check_seeds "$SHARED/seeds" "shared seeds"
fi
mkdir -p "$TMPD/seeds"
cp "$TOP"/sample_library/*/*.txt "$TMPD/seeds/"
check_seeds "$TMPD/seeds" "flattened sample"

# --- The bundled sample library -----------------------------------------
out=$(tsv "$TOP/sample_library")
check_eq "sample: three stories" "$(stories "$out")" 3
check_eq "sample: story.ini names the prologue's story" "$(chapters "$out" "Untitled Prologue")" 1
check_eq "sample: its editions, 004 first" "$(field "$out" "Untitled Prologue" 1 7)" \
    "Untitled Prologue/004_16cf96708da75563.txt;Untitled Prologue/002_48b722d619b5015f.txt"
check_eq "sample: stories in title order" "$(printf '%s\n' "$out" | cut -f2 | uniq | tr '\n' '|')" \
    "Almost Heaven|The Worst Betrayal|Untitled Prologue|"
human=$("$QUIRE" --list -L "$TOP/sample_library")
check "sample: --list exits 0" "$QUIRE" --list -L "$TOP/sample_library"
check "sample: human listing names the author" sh -c 'printf "%s" "$1" | grep -q "by TwilightChild"' - "$human"
check "sample: human listing numbers chapters" sh -c 'printf "%s" "$1" | grep -q "^ *2  Chapter 2"' - "$human"
check_eq "sample: no tabs in the human form" "$(printf '%s' "$human" | grep -c "$TAB")" 0
# TARGET by title: the README's example leaves out the leading "The".
for q in "the worst betrayal" "worst betrayal" "betrayal" "WORST"; do
    check_eq "sample: '$q' names The Worst Betrayal" \
        "$("$QUIRE" --render -w 60 -L "$TOP/sample_library" "$q" 2>&1 | head -n 1 | sed 's/^ *//')" \
        "The Worst Betrayal by TwilightChild"
done

# --- Fixture layouts ----------------------------------------------------
out=$(tsv "$DATA")
check_eq "story.ini order: opening first" "$(field "$out" "Ordered Tale" 1 7)" "ini_order/opening.txt"
check_eq "story.ini order: then middle" "$(field "$out" "Ordered Tale" 2 7)" "ini_order/middle.txt"
check_eq "story.ini order: finale last" "$(field "$out" "Ordered Tale" 3 7)" "ini_order/finale.txt"
check_eq "story.ini author" "$(field "$out" "Ordered Tale" 1 3)" "Ann Writer"
check_eq "natural order: ch1" "$(field "$out" "Natural Tale" 1 7)" "ini_natural/ch1.txt"
check_eq "natural order: ch2 before ch10" "$(field "$out" "Natural Tale" 2 7)" "ini_natural/ch2.txt"
check_eq "natural order: ch10" "$(field "$out" "Natural Tale" 3 7)" "ini_natural/ch10.txt"
check_eq "roman numerals: four chapters in one file" "$(chapters "$out" "The Roman Road")" 4
check_eq "roman numerals: chapter 4 is IV" \
    "$(field "$out" "The Roman Road" 4 5 | grep -c '^Chapter IV')" 1
check_eq "names disagree with numbers: b.txt holds chapter 1" "$(field "$out" "Numbers Game" 1 7)" "misnamed/b.txt"
check_eq "names disagree with numbers: c.txt holds chapter 2" "$(field "$out" "Numbers Game" 2 7)" "misnamed/c.txt"
check_eq "names disagree with numbers: a.txt holds chapter 3" "$(field "$out" "Numbers Game" 3 7)" "misnamed/a.txt"
check_eq "Windows-1252 + CRLF: title" "$(chapters "$out" "Café Nights")" 1
check_eq "Windows-1252 + CRLF: author" "$(field "$out" "Café Nights" 1 3)" "Zoë Brontë"
check_eq "UTF-16 with BOM" "$(field "$out" "Wide Road" 1 3)" "Eve Sixteen"
check_eq "CJK title and author" "$(field "$out" "紅樓夢" 1 3)" "曹雪芹"
check_eq "editions: two chapters" "$(chapters "$out" "Twin Editions")" 2
check_eq "editions: the rich one preferred" "$(field "$out" "Twin Editions" 1 7)" \
    "editions/rich.txt;editions/plain.txt"
check_eq "editions: a title-less copy joins its story" "$(field "$out" "Twin Editions" 2 7)" \
    "editions/ch2.txt;editions/loose copy.txt"
check_eq "nested folders: one story" "$(chapters "$out" "Nested Tale")" 2
check_eq "nested folders: deeper file second" "$(field "$out" "Nested Tale" 2 7)" "nested/part2/deeper/y.txt"
check_eq "junk: only the real story" "$(printf '%s\n' "$out" | grep -c 'junk/')" 1
check_eq "hidden files are not read" "$(printf '%s\n' "$out" | grep -c 'Hidden')" 0
check_eq "ten stories in the fixtures" "$(stories "$out")" 10
check_eq "every line has seven fields" "$(printf '%s\n' "$out" | awk -F'\t' 'NF != 7' | grep -c .)" 0
check_eq "words are numbers" "$(printf '%s\n' "$out" | awk -F'\t' '$6 !~ /^[0-9]+$/' | grep -c .)" 0

verbose=$("$QUIRE" --list --verbose -L "$DATA")
for junk in "junk/binary.bin: binary" "junk/empty.txt: empty" "junk/image.png: binary" "junk/blank.txt: empty"; do
    check "--verbose reports $junk" sh -c 'printf "%s" "$1" | grep -qF "$2"' - "$verbose" "$junk"
done
check "--verbose reports the story.ini problem" sh -c 'printf "%s" "$1" | grep -q "ini_natural/story.ini:3"' - "$verbose"
check "--tsv --verbose keeps stdout TSV" sh -c '"$1" --list --tsv --verbose -L "$2" 2>/dev/null | awk -F"\t" "NF != 7 {exit 1}"' - "$QUIRE" "$DATA"

# A single file is a library of its story.
out=$("$QUIRE" --list --tsv "$DATA/roman.txt")
check_eq "single file: four chapters" "$(chapters "$out" "The Roman Road")" 4
check_eq "single file: path is its name" "$(field "$out" "The Roman Road" 1 7)" "roman.txt"

# as_user CMD... — run CMD as an ordinary user, so permissions bite even
# when the suite runs as root (via setpriv as nobody); status 77 when that
# is impossible.
chmod 711 "$TMPD"
as_user() {
    if [ "$(id -u)" -ne 0 ]; then "$@"
    elif command -v setpriv >/dev/null 2>&1; then
        setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
    else return 77
    fi
}

# Symlink loop, broken symlink and unreadable file, made here (git keeps
# neither modes nor these links).
cp -R "$DATA" "$TMPD/lib"
chmod -R a+rX "$TMPD/lib"
ln -s .. "$TMPD/lib/nested/up"
ln -s nowhere.txt "$TMPD/lib/junk/broken.txt"
chmod 000 "$TMPD/lib/junk/real.txt"
mkdir "$TMPD/lib/closed"
cp "$DATA/roman.txt" "$TMPD/lib/closed/"
chmod 000 "$TMPD/lib/closed"
out=$(tsv "$TMPD/lib")
check_eq "symlink loop: no story twice" "$(printf '%s\n' "$out" | grep -c 'Nested Tale')" 2
verbose=$("$QUIRE" --list --verbose -L "$TMPD/lib")
check "symlink loop reported" sh -c 'printf "%s" "$1" | grep -q "nested/up/: symlink loop"' - "$verbose"
check "broken symlink reported" sh -c 'printf "%s" "$1" | grep -q "junk/broken.txt: broken symlink"' - "$verbose"
if as_user true; then
    out=$(as_user "$QUIRE" --list --tsv -L "$TMPD/lib" 2>/dev/null)
    check_eq "unreadable file and folder: the rest is listed" "$(stories "$out")" 9
    check_eq "unreadable file: not a story" "$(printf '%s\n' "$out" | grep -c 'junk/real.txt')" 0
    verbose=$(as_user "$QUIRE" --list --verbose -L "$TMPD/lib" 2>&1)
    check "unreadable file reported" sh -c 'printf "%s" "$1" | grep -q "junk/real.txt: Permission denied"' - "$verbose"
    check "unreadable folder reported" sh -c 'printf "%s" "$1" | grep -q "closed/: Permission denied"' - "$verbose"
fi
chmod 755 "$TMPD/lib/closed"
chmod 644 "$TMPD/lib/junk/real.txt"

# Renaming and moving files keeps story ids: same TSV apart from paths.
mkdir -p "$TMPD/moved/x/y"
cp "$TOP"/sample_library/*/*.txt "$TMPD/moved/x/y/"
(cd "$TMPD/moved/x/y" && mv 000_977516cc94ba2ab9.txt "part 1.txt" && mv 001_f36c8488a464cd0d.txt "part 2.txt")
check_eq "moved files: same stories and chapters" "$(tsv "$TMPD/moved" | cut -f1-6)" "$(tsv "$TMPD/seeds" | cut -f1-6)"

# --- Corpus novels ------------------------------------------------------
if [ -n "$SHARED" ]; then
    G="$SHARED/corpus/gutenberg"
    novel() {   # file title author chapters
        out=$("$QUIRE" --list --tsv "$G/$1")
        check_eq "$1: one story" "$(stories "$out")" 1
        check_eq "$1: title" "$(printf '%s\n' "$out" | head -n 1 | cut -f2)" "$2"
        check_eq "$1: author" "$(printf '%s\n' "$out" | head -n 1 | cut -f3)" "$3"
        check_eq "$1: chapters" "$(printf '%s\n' "$out" | grep -c .)" "$4"
    }
    novel alice-in-wonderland_pg11-0.txt "Alice’s Adventures in Wonderland" "Lewis Carroll" 12
    novel pride-and-prejudice_pg1342-0.txt "Pride and Prejudice" "Jane Austen" 61
    novel frankenstein_pg84-0.txt "Frankenstein" "Mary Wollstonecraft (Godwin) Shelley" 28
    novel dracula_pg345.txt "Dracula" "Bram Stoker" 27
    novel die-verwandlung-de_pg22367-8.latin1.txt "Die Verwandlung" "Franz Kafka" 3
fi

# --- Editions with gaps -------------------------------------------------
# Two editions of one story, one lacking chapters the other has: the
# chapters are listed in the story's order, whichever file comes first.
for order in gap-first gap-second; do
    G="$TMPD/gap-$order"
    mkdir -p "$G"
    if [ "$order" = gap-first ]; then
        gap_story "$G/a_gap.txt" 1 3 4 6
        gap_story "$G/b_full.txt" 1 2 3 4 5 6
    else
        gap_story "$G/a_full.txt" 1 2 3 4 5 6
        gap_story "$G/b_gap.txt" 2 3 5 6
    fi
    out=$(tsv "$G")
    check_eq "editions with gaps ($order): one story of six chapters" "$(chapters "$out" "Gap Story")" 6
    check_eq "editions with gaps ($order): chapters in the story's order" \
        "$(printf '%s\n' "$out" | cut -f5 | tr '\n' ,)" "Chapter 1,Chapter 2,Chapter 3,Chapter 4,Chapter 5,Chapter 6,"
    # --render --chapter counts in that order
    "$QUIRE" -L "$G" --render -w 60 --chapter 2 "Gap Story" >"$TMPD/gap.out" 2>&1
    check "editions with gaps ($order): --chapter 2 is chapter 2" grep -q "^ *Chapter 2$" "$TMPD/gap.out"
    check "editions with gaps ($order): and only it" sh -c '! grep -q "^ *Chapter [13-6]$" "$1"' _ "$TMPD/gap.out"
done
# two editions each lacking other chapters
G="$TMPD/gap-both"
mkdir -p "$G"
gap_story "$G/a.txt" 1 2 4 6
gap_story "$G/b.txt" 1 3 5 6
out=$(tsv "$G")
check_eq "editions each lacking chapters: the story's order" \
    "$(printf '%s\n' "$out" | cut -f5 | tr '\n' ,)" "Chapter 1,Chapter 2,Chapter 3,Chapter 4,Chapter 5,Chapter 6,"
check_eq "editions each lacking chapters: chapter 6 from both" "$(field "$out" "Gap Story" 6 7)" "a.txt;b.txt"

# --- Errors ---------------------------------------------------------------
"$QUIRE" --list -L "$TMPD/no such folder" >"$TMPD/o" 2>"$TMPD/e"
check_eq "missing library: exit 1" $? 1
check_eq "missing library: one line on stderr" "$(wc -l <"$TMPD/e")" 1
check_eq "missing library: quire: PATH: WHY" "$(cat "$TMPD/e")" "quire: $TMPD/no such folder: No such file or directory"
check_eq "missing library: nothing on stdout" "$(wc -c <"$TMPD/o")" 0
mkdir "$TMPD/locked"
chmod 000 "$TMPD/locked"
if as_user true; then
    as_user "$QUIRE" --list -L "$TMPD/locked" >/dev/null 2>"$TMPD/e"
    check_eq "unreadable library: exit 1" $? 1
    check_eq "unreadable library: says why" "$(cat "$TMPD/e")" "quire: $TMPD/locked: Permission denied"
fi
chmod 755 "$TMPD/locked"
"$QUIRE" --list --bogus >/dev/null 2>"$TMPD/e"
check_eq "bad option: exit 2" $? 2
check_eq "bad option: one line" "$(wc -l <"$TMPD/e")" 1
"$QUIRE" -L "$TOP/sample_library" "No Such Story" >/dev/null 2>"$TMPD/e"
check_eq "unknown title: exit 1" $? 1
check_eq "unknown title: one line" "$(grep -c '^quire: ' "$TMPD/e")" 1
"$QUIRE" -L "$DATA" "N" >/dev/null 2>"$TMPD/e"
check_eq "ambiguous title: exit 1" $? 1
check "ambiguous title: says so" grep -q "more than one" "$TMPD/e"
"$QUIRE" --list -L "$TMPD/locked" >/dev/null 2>&1
check_eq "empty library: --list still exits 0" $? 0

finish
