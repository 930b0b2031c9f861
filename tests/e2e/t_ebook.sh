#!/bin/sh
# t_ebook.sh — EPUB and HTML stories through the ebook door (issue 15):
# listed and rendered like TXT stories, each file's format said by --list
# --verbose, a clear skip for each bad input, the same listing from the
# index cache and the snapshot, the TXT and the EPUB of one story one story
# with two editions; the converter (build/quire-convert) started on the first
# ebook file only, and a clear skip without it.  Real files from ../shared
# when it is there; else only files this test makes (HTML written here,
# EPUBs made with pandoc when it is installed).
. "$(dirname "$0")/../lib.sh"

list() { QUIRE_NO_CACHE=1 "$QUIRE" --list "$@"; }
have_pandoc=false
command -v pandoc >/dev/null 2>&1 && have_pandoc=true
$have_pandoc || echo "t_ebook: pandoc is not installed: the EPUB checks use ../shared only" >&2

L=$TMPD/lib
mkdir -p "$L"
cat >"$L/story.html" <<'HTML'
<!DOCTYPE html>
<html><head><title>The Glass Orchard</title>
<style>p { color: red }</style><script>var hidden = "never shown";</script></head>
<body>
<h1>Chapter 1: Seeds</h1>
<p>The orchard was made of glass, and <em>nobody</em> knew who had planted it.</p>
<p>Mira walked between the rows every morning &amp; counted the trees.</p>
<hr>
<p>Roses are red,<br>glass is blue.</p>
<h1>Chapter 2: Frost</h1>
<p>Winter came early that year; the glass trees rang in the wind.</p>
</body></html>
HTML
printf 'Plain Tale\n\nOnce there was a plain story told in plain text.\n' >"$L/plain.txt"

# --- an HTML story the test wrote: listed, its format said, rendered
out=$(list --tsv "$L/story.html" 2>&1)
check_eq "HTML: chapters and titles from its h1 headings" "$(printf '%s\n' "$out" | cut -f4,5)" \
    "$(printf '1\tChapter 1: Seeds\n2\tChapter 2: Frost')"
check_eq "HTML: words of each chapter (scripts and styles never counted)" \
    "$(printf '%s\n' "$out" | cut -f6 | tr '\n' ' ')" "29 12 "
check "HTML: --list --verbose says how it was read" \
    sh -c 'QUIRE_NO_CACHE=1 "$1" --list --verbose "$2" | grep -q "story.html: read as HTML$"' _ "$QUIRE" "$L"
r=$("$QUIRE" --render --chapter 1 -w 60 "$L/story.html" 2>&1)
check "--render: the chapter's text" sh -c 'printf "%s\n" "$1" | grep -q "Mira walked between the rows every morning & counted"' _ "$r"
check "--render: no markup, no script, no style" sh -c '! printf "%s\n" "$1" | grep -Eq "<p>|<em>|never shown|color: red|&amp;"' _ "$r"
check "--render: a <br> keeps its line" sh -c 'printf "%s\n" "$1" | grep -qx "Roses are red,"' _ "$r"
check "--render: emphasis markers are not shown" sh -c 'printf "%s\n" "$1" | grep -q "and nobody knew"' _ "$r"
printf '<html><body><p>Plain, <u>underlined words</u> and <s>struck</s> and half<u>way</u>.</p></body></html>\n' \
    >"$TMPD/marks.html"
check_eq "--render: underlined and struck text plain, as italics are" \
    "$("$QUIRE" --render -w 60 "$TMPD/marks.html" 2>&1 | tail -n 1)" "Plain, underlined words and struck and halfway."
check "--render: no marker byte in the output" sh -c \
    '! "$1" --render -w 60 "$2" | LC_ALL=C grep -q "$(printf "[\016\017\034\035]")"' _ "$QUIRE" "$TMPD/marks.html"
check_eq "--render: chapter 2 is chapter 2" \
    "$("$QUIRE" --render --chapter 2 -w 60 "$L/story.html" 2>&1 | grep -c 'Winter came early')" 1

# --- bad input: one skip each, with the reason; the rest is read; exit 0
B=$TMPD/bad
mkdir -p "$B"
printf 'Good Story\n\nA story with enough words to be a story at all.\n' >"$B/good.txt"
printf 'hello, this is not a zip\n' >"$B/notzip.epub"
if $have_pandoc; then
    printf '%% Locked\n%% Nobody\n\n# One\n\nText of the locked book.\n' >"$TMPD/locked.md"
    pandoc "$TMPD/locked.md" -o "$TMPD/locked.epub" 2>/dev/null
    head -c 400 "$TMPD/locked.epub" >"$B/truncated.epub"
    if command -v zip >/dev/null 2>&1; then
        # a spine document the zip lacks: read without it, a note saying so
        printf '%% Gappy\n%% Nobody\n\n# One\n\nText of chapter one.\n\n# Two\n\nText of chapter two.\n' >"$TMPD/gappy.md"
        pandoc "$TMPD/gappy.md" -o "$B/gappy.epub" 2>/dev/null && zip -q -d "$B/gappy.epub" EPUB/text/ch002.xhtml
    fi
    cp "$TMPD/locked.epub" "$B/drm.epub"
    mkdir -p "$TMPD/drm/META-INF"
    printf '<?xml version="1.0"?>\n<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:CipherData><enc:CipherReference URI="EPUB/text/ch001.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>\n' \
        >"$TMPD/drm/META-INF/encryption.xml"
    if command -v zip >/dev/null 2>&1; then
        (cd "$TMPD/drm" && zip -q "$B/drm.epub" META-INF/encryption.xml)
    else
        rm -f "$B/drm.epub"
    fi
fi
QUIRE_NO_CACHE=1 "$QUIRE" --list --verbose "$B" >"$TMPD/bad.out" 2>"$TMPD/bad.err"
check_eq "bad input: --list succeeds" "$?" 0
check_eq "bad input: nothing on stderr" "$(cat "$TMPD/bad.err")" ""
check "bad input: the good story is listed" grep -q "^good$" "$TMPD/bad.out"
check "not a zip: skipped, saying so" grep -q "^  notzip.epub: not a zip archive$" "$TMPD/bad.out"
if $have_pandoc; then
    check "truncated: skipped, saying so" grep -q "^  truncated.epub: .*zip archive" "$TMPD/bad.out"
    [ -f "$B/gappy.epub" ] && check "a spine document missing: read, a note saying which" grep -q \
        "^  gappy.epub: read as EPUB 3; 1 document of its spine is missing: EPUB/text/ch002.xhtml$" "$TMPD/bad.out"
    [ -f "$B/gappy.epub" ] && check "and the rest is read" grep -q "^Gappy$" "$TMPD/bad.out"
    [ -f "$B/drm.epub" ] &&
        check "DRM: skipped, saying so" grep -q "^  drm.epub: DRM-protected: cannot be read$" "$TMPD/bad.out"
fi
check "missing converter: skipped, saying so" sh -c \
    'QUIRE_CONVERTER=/nonexistent/quire-convert QUIRE_NO_CACHE=1 "$1" --list --verbose "$2" |
     grep -q "^  notzip.epub: EPUB/HTML support not installed: .*nonexistent"' _ "$QUIRE" "$B"

# --- warm listings (index cache, then snapshot) print what the cold one did
W=$TMPD/warm
mkdir -p "$W"
cp "$L/story.html" "$B/notzip.epub" "$W/"
[ -f "$TMPD/locked.epub" ] && cp "$TMPD/locked.epub" "$W/"
[ -n "$SHARED" ] && cp "$SHARED"/corpus/ebooks/ao3/*.epub "$SHARED"/corpus/ebooks/ao3/ao3dl_17434637_disrupt.html "$W/"
touch -d '-10 seconds' "$W"/*   # the caches keep no file changed in the last second
cold=$(QUIRE_NO_CACHE=1 "$QUIRE" --list --verbose "$W" 2>&1)
first=$("$QUIRE" --list --verbose "$W" 2>&1)
check_eq "the first cached listing is the cold one" "$first" "$cold"
check "the index cache was written" sh -c 'ls "$1"/quire/index-* >/dev/null 2>&1' _ "$XDG_CACHE_HOME"
check "the snapshot was written" sh -c 'ls "$1"/quire/library-* >/dev/null 2>&1' _ "$XDG_CACHE_HOME"
check_eq "from the snapshot: the same listing" "$("$QUIRE" --list --verbose "$W" 2>&1)" "$cold"
rm -f "$XDG_CACHE_HOME"/quire/library-*
check_eq "from the index cache: the same listing" "$("$QUIRE" --list --verbose "$W" 2>&1)" "$cold"
check_eq "from the index cache: the same chapters" "$("$QUIRE" --list --tsv "$W" 2>&1)" \
    "$(QUIRE_NO_CACHE=1 "$QUIRE" --list --tsv "$W" 2>&1)"
# How many converters a run started (QUIRE_TEST_CONVERTER_LOG: each
# appends a line as it starts).
CLOG=$TMPD/convert.log
starts() {
    rm -f "$CLOG"
    QUIRE_TEST_CONVERTER_LOG=$CLOG "$@" >/dev/null 2>&1
    if [ -f "$CLOG" ]; then wc -l <"$CLOG" | tr -d ' '; else echo 0; fi
}
check_eq "a warm listing of ebooks does not even start the converter" "$(starts "$QUIRE" --list "$W")" 0
check_eq "an ebook listed from the cache still renders" \
    "$("$QUIRE" --render --chapter 2 -w 60 -L "$W" "The Glass Orchard" 2>&1 | grep -c 'Winter came early')" 1

# --- pandoc EPUBs of generated stories: chapters, titles and words as the
# Markdown they were made from gives them
if $have_pandoc; then
    P=$TMPD/gen
    mkdir -p "$P"
    seed=${QUIRE_TEST_SEED:-$$}
    echo "t_ebook: generated stories, seed $seed" >&2
    export P
    awk -v seed="$seed" 'BEGIN {
        srand(seed)
        split("amber bright cold dusk ember far glass harbor iron lantern moss night", w, " ")
        for (s = 1; s <= 3; s++) {
            f = ENVIRON["P"] "/story" s ".md"
            nch = 2 + int(rand() * 5)
            printf "%% Generated Story %d\n%% Writer %d\n\n", s, s > f
            for (c = 1; c <= nch; c++) {
                printf "# Chapter %d: %s\n\n", c, w[1 + int(rand() * 12)] > f
                np = 1 + int(rand() * 4)
                for (p = 0; p < np; p++) {
                    nw = 3 + int(rand() * 40)
                    line = ""
                    for (k = 0; k < nw; k++) line = line (k ? " " : "") w[1 + int(rand() * 12)]
                    print line ".\n" > f
                }
            }
            close(f)
        }
    }' </dev/null
    for s in 1 2 3; do
        pandoc "$P/story$s.md" -o "$P/story$s.epub" 2>/dev/null
        # The Markdown as a TXT: its chapters and words, named by the file
        sed '1,2d' "$P/story$s.md" >"$P/story$s.txt"
        want=$(QUIRE_NO_CACHE=1 "$QUIRE" --list --tsv "$P/story$s.txt" | cut -f4-6)
        got=$(QUIRE_NO_CACHE=1 "$QUIRE" --list --tsv "$P/story$s.epub" | cut -f4-6)
        check_eq "pandoc EPUB $s (seed $seed): chapters, titles and words as its Markdown's" "$got" "$want"
        check_eq "pandoc EPUB $s: title and author from its OPF" \
            "$(QUIRE_NO_CACHE=1 "$QUIRE" --list --tsv "$P/story$s.epub" | head -n 1 | cut -f2,3)" \
            "$(printf 'Generated Story %s\tWriter %s' "$s" "$s")"
        rm -f "$P/story$s.txt"
    done
    check "pandoc EPUB: read as EPUB 3" sh -c \
        'QUIRE_NO_CACHE=1 "$1" --list --verbose "$2" | grep -q "story1.epub: read as EPUB 3"' _ "$QUIRE" "$P"

    # An EPUB edition lacking chapters 2 and 4 of the TXT it goes with
    # (the EPUB first in file order): chapters in the story's order.
    PG=$TMPD/epubgap
    mkdir -p "$PG"
    for c in 1 2 3 4 5; do
        printf '# Chapter %s\n\n' "$c" >"$PG/c$c.md"
        awk -v c="$c" 'BEGIN { split("river lantern stone harbour velvet morning thistle copper shadow garden anchor meadow", w, " ")
            x = c * 7919; for (p = 0; p < 6; p++) { s = ""; for (i = 0; i < 45; i++) { x = (x * 1103 + 12345) % 65521; s = s w[x % 12 + 1] " " } print s "end.\n" } }' >>"$PG/c$c.md"
    done
    { printf '%% Gap Book\n%% Wren\n\n'; cat "$PG/c1.md" "$PG/c3.md" "$PG/c5.md"; } >"$PG/gap.md"
    pandoc "$PG/gap.md" -o "$PG/a_gap.epub" 2>/dev/null
    { printf 'Gap Book by Wren\n\n'; sed 's/^# //' "$PG"/c[1-5].md; } >"$PG/b_full.txt"
    rm -f "$PG"/*.md
    check_eq "EPUB edition lacking chapters: listed in the story's order" \
        "$(QUIRE_NO_CACHE=1 "$QUIRE" --list --tsv "$PG" | cut -f4,5 | tr '\t\n' ' ,')" \
        "1 Chapter 1,2 Chapter 2,3 Chapter 3,4 Chapter 4,5 Chapter 5,"
    check_eq "EPUB edition lacking chapters: chapter 3 has both editions" \
        "$(QUIRE_NO_CACHE=1 "$QUIRE" --list --tsv "$PG" | awk -F'\t' '$4 == 3 { print $7 }')" "a_gap.epub;b_full.txt"

    # A book in parts (# PART, ## CHAPTER): pandoc makes one document a
    # part, the chapters nested under it in its TOC.  Its TXT and its EPUB
    # are one story whose every chapter has both editions.
    PB=$TMPD/parts
    mkdir -p "$PB"
    awk -v seed="$seed" 'BEGIN {
        srand(seed)
        split("amber bright cold dusk ember far glass harbor iron lantern moss night oak pale quiet river", w, " ")
        printf "The Book of Parts\nby Some Writer\n\n"
        split("ONE TWO THREE", pn, " ")
        split("I II III", cn, " ")
        for (p = 1; p <= 3; p++) {
            printf "PART %s\n\n", pn[p]
            for (c = 1; c <= 3; c++) {
                printf "CHAPTER %s\n\n", cn[c]
                for (q = 0; q < 4; q++) {
                    line = ""
                    for (k = 0; k < 60; k++) line = line (k ? " " : "") w[1 + int(rand() * 16)]
                    print line ".\n"
                }
            }
        }
    }' </dev/null >"$PB/book.txt"
    sed -e '1,3d' -e 's/^PART /# PART /' -e 's/^CHAPTER /## CHAPTER /' "$PB/book.txt" >"$TMPD/book.md"
    pandoc "$TMPD/book.md" -M "title=The Book of Parts" -M "author=Some Writer" -o "$PB/book.epub" 2>/dev/null
    check_eq "pandoc EPUB of a book in parts: its chapters and titles as its TXT's" \
        "$(QUIRE_NO_CACHE=1 "$QUIRE" --list --tsv "$PB/book.epub" | cut -f5,6)" \
        "$(QUIRE_NO_CACHE=1 "$QUIRE" --list --tsv "$PB/book.txt" | cut -f5,6)"
    check_eq "a book in parts, TXT and EPUB: one story, all 9 chapters with both editions" \
        "$(QUIRE_NO_CACHE=1 "$QUIRE" --list --tsv "$PB" | cut -f1,7 | sort | uniq -c | tr -s ' ')" \
        " 9 1	book.epub;book.txt"
fi

# --- real files (../shared): titles, authors, chapters; a TXT and its
# EPUB are one story with two editions, the EPUB shown
if [ -n "$SHARED" ]; then
    E=$SHARED/corpus/ebooks
    R=$TMPD/real
    mkdir -p "$R"
    cp "$E/gutenberg/pg11-images_alice-epub2.epub" "$E/ao3/ao3dl_17434637_disrupt.epub" \
       "$E/ao3/ao3dl_41588007_and-the-big-wheel-keep.html" "$R/"
    out=$(list --tsv "$R" 2>&1)
    summary=$(printf '%s\n' "$out" | awk -F'\t' '{ n[$2 "\t" $3]++ } END { for (k in n) print k "\t" n[k] }' | sort)
    check_eq "real files: title, author and chapter count of each" "$summary" \
        "Alice's Adventures in Wonderland	Lewis Carroll	12
And the Big Wheel Keep On Turning (Neon Burning Up Above)	natsinator	3
Disrupt	testy	2"
    check_eq "Gutenberg EPUB 2: its chapter titles" \
        "$(printf '%s\n' "$out" | awk -F'\t' '$3 == "Lewis Carroll" && ($4 == 1 || $4 == 12) { print $5 }')" \
        "CHAPTER I. Down the Rabbit-Hole
CHAPTER XII. Alice’s Evidence"
    F=$TMPD/fff
    mkdir -p "$F"
    cp "$TOP/tests/data/fanficfare/fff_test1_s1.txt" "$E/fanficfare/fff_test1_s1.epub" "$F/"
    out=$(list --tsv "$F" 2>&1)
    check_eq "FanFicFare TXT + EPUB: one story of nine chapters" \
        "$(printf '%s\n' "$out" | cut -f1,2 | sort -u)" "$(printf '1\tTest Story Title 1')"
    check_eq "FanFicFare TXT + EPUB: every chapter has both editions" \
        "$(printf '%s\n' "$out" | cut -f7 | grep -c 'fff_test1_s1.epub;fff_test1_s1.txt')" 9
fi

# --- under valgrind (build/quire-dyn): converting, listing, skipping and
# reading an ebook listed from the caches (a stub converted again) leave no
# memory error and no leak
if command -v valgrind >/dev/null 2>&1 && [ -x "$QUIRE_DYN" ]; then
    V=$TMPD/vg
    mkdir -p "$V"
    cp "$L/story.html" "$B/notzip.epub" "$V/"
    [ -f "$TMPD/locked.epub" ] && cp "$TMPD/locked.epub" "$V/"
    touch -d '-10 seconds' "$V"/*
    vg() {
        valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
            --log-file="$TMPD/vg.log" "$QUIRE_DYN" "$@" >/dev/null 2>&1 </dev/null
        rc=$?
        [ "$rc" -ne 99 ] && [ ! -s "$TMPD/vg.log" ] || { head -n 20 "$TMPD/vg.log" >&2; return 1; }
    }
    check "valgrind: --list --verbose of ebooks, cold" vg --list --verbose "$V"
    check "valgrind: --render of an ebook from the index cache and snapshot" \
        vg --render -L "$V" "The Glass Orchard"
fi

# --- the converter: started for ebooks only; without it a clear skip
QUIRE_CONVERTER=/nonexistent/quire-convert "$QUIRE" --list --verbose "$L" >"$TMPD/np.out" 2>"$TMPD/np.err"
check_eq "no converter: --list --verbose succeeds" "$?" 0
check "no converter: the TXT story is listed" grep -q "^plain$" "$TMPD/np.out"
check "no converter: the HTML file is skipped, saying why" \
    grep -q "story.html: EPUB/HTML support not installed: .*nonexistent" "$TMPD/np.out"
check_eq "no converter: nothing on stderr" "$(cat "$TMPD/np.err")" ""
mkdir -p "$TMPD/lt"
printf '<3 A Love Letter\n\nDear reader, this is plain text that starts with a heart.\n' >"$TMPD/lt/heart"
check_eq "no converter: a text starting with '<' is read as text" \
    "$(QUIRE_CONVERTER=/nonexistent "$QUIRE" --list --tsv "$TMPD/lt" 2>&1 | cut -f6)" "15"
echo 'not a converter' >"$TMPD/fake.so"
check "a broken converter: a skip saying why, never a crash" sh -c \
    'QUIRE_CONVERTER="$3" QUIRE_NO_CACHE=1 "$1" --list --verbose "$2" | grep -q "story.html: EPUB/HTML support not installed: .*fake.so"' \
    _ "$QUIRE" "$L" "$TMPD/fake.so"
check_eq "a TXT story never starts the converter" "$(starts "$QUIRE" --list "$L/plain.txt")" 0
check_eq "a TXT story read through never starts it" \
    "$(starts "$QUIRE" --render -w 60 "$L/plain.txt")" 0
check_eq "a library with an HTML file starts one" \
    "$(QUIRE_NO_CACHE=1 starts "$QUIRE" --list "$L")" 1

# A rebuilt converter (same EBOOK_VERSION, its conversion maybe not) is
# noticed by both caches: the ebook library is read again by it, the TXT
# library is still listed from its snapshot without it.
if :; then
    RP=$TMPD/rebuilt
    mkdir -p "$RP/ebooks" "$RP/txt"
    cp "$TOP/build/quire-convert" "$RP/quire-convert"
    cp "$L/story.html" "$RP/ebooks/"
    cp "$L/plain.txt" "$RP/txt/"
    touch -d '-10 seconds' "$RP/quire-convert" "$RP"/ebooks/* "$RP"/txt/*
    for lib in ebooks txt; do   # cold, then warm: from the snapshot
        QUIRE_CONVERTER="$RP/quire-convert" "$QUIRE" --list "$RP/$lib" >/dev/null 2>&1
    done
    check_eq "the same converter: a warm listing does not start it" \
        "$(QUIRE_CONVERTER="$RP/quire-convert" starts "$QUIRE" --list "$RP/ebooks")" 0
    touch -d '-5 seconds' "$RP/quire-convert"   # rebuilt
    rm -f "$CLOG"
    QUIRE_TEST_CONVERTER_LOG=$CLOG QUIRE_CONVERTER="$RP/quire-convert" "$QUIRE" --list "$RP/ebooks" >"$TMPD/rp.out" 2>&1
    check "a rebuilt converter: the ebook library is read again by it" test -s "$CLOG"
    check "and still listed" grep -q "The Glass Orchard" "$TMPD/rp.out"
    check_eq "then its caches serve again without it" \
        "$(QUIRE_CONVERTER="$RP/quire-convert" starts "$QUIRE" --list "$RP/ebooks")" 0
    snap=$(ls "$XDG_CACHE_HOME"/quire/library-* | xargs ls -l --time-style=+%s.%N | md5sum)
    QUIRE_CONVERTER="$RP/quire-convert" "$QUIRE" --list "$RP/txt" >"$TMPD/rpt.out" 2>&1
    check "a rebuilt converter: the TXT library is listed" grep -q "^plain" "$TMPD/rpt.out"
    check_eq "from the snapshots as they were (none rewritten)" \
        "$(ls "$XDG_CACHE_HOME"/quire/library-* | xargs ls -l --time-style=+%s.%N | md5sum)" "$snap"
fi


# What is new in an EPUB re-downloaded (FanFicFare's own update of a story,
# ../shared): read to the end of v1 (a saved place in its last chapter),
# then v2 replaces it: two new chapters, and its "Author's Note: Thank
# You" chapter is a note (no story words, never new).
G1="${SHARED:+$SHARED/corpus/ebooks/fanficfare/fff_test1_s1001_v1.epub}"
H="$TOP/build/unit/test_bookmarks"
if [ -n "$G1" ] && [ -f "$G1" ] && [ -x "$H" ]; then
    GL="$TMPD/grow" GS="$TMPD/grow-state"
    mkdir -p "$GL" "$GS"
    cp "$G1" "$GL/story.epub"
    QUIRE_CONVERTER="$TOP/build/quire-convert" "$H" setpos "$GL" "$GS/quire" "Growing Story 1001" 3 \
        "Chapter title from site" >/dev/null
    XDG_STATE_HOME="$GS" "$QUIRE" --list "$GL" >"$TMPD/g1.out" 2>&1
    check "EPUB v1 read to its last chapter: nothing new" grep -q '; 3 chapters, ' "$TMPD/g1.out"
    cp "${G1%_v1.epub}_v2.epub" "$GL/story.epub"
    XDG_STATE_HOME="$GS" "$QUIRE" --list "$GL" >"$TMPD/g2.out" 2>&1
    check "EPUB v2 in its place: (2 new) after the chapter count" \
        grep -q '; 6 chapters (2 new), ' "$TMPD/g2.out"
    check "its author's-note chapter is a note, not story words" \
        grep -q "Author's Note: Thank You (author's note)" "$TMPD/g2.out"
else
    echo "t_ebook: ../shared's FanFicFare update (s1001 v1/v2) not here: what's new in an EPUB not tested" >&2
fi


# Two machines, one story in two formats (issue 18): FanFicFare's TXT in
# machine A's library, its EPUB in machine B's; a place saved on A, merged
# into B's state folder, opens on B at the same text.
E1="${SHARED:+$SHARED/corpus/ebooks/fanficfare/fff_test1_s1.epub}"
if [ -n "$E1" ] && [ -f "$E1" ] && [ -x "$H" ]; then
    MA="$TMPD/machA" MB="$TMPD/machB"
    mkdir -p "$MA/lib" "$MB/lib"
    cp "$TOP/tests/data/fanficfare/fff_test1_s1.txt" "$MA/lib/"
    cp "$E1" "$MB/lib/downloaded.epub"
    "$H" setpos "$MA/lib" "$MA/state/quire" "Test Story Title 1" 4 "adipisicing elit, sed do" >/dev/null
    XDG_STATE_HOME="$MB/state" "$QUIRE" --merge-state "$MA/state/quire/bookmarks" 2>"$TMPD/mm.err"
    check_eq "a TXT place merged into the EPUB machine's state: no message" "$(cat "$TMPD/mm.err")" ""
    check_eq "and it opens at the same text in the EPUB: chapter 4, the words saved" \
        "$(QUIRE_CONVERTER="$TOP/build/quire-convert" "$H" where "$MB/lib" "$MB/state/quire" "Test Story Title 1")" \
        "4 adipisicing elit, se"
else
    echo "t_ebook: ../shared's FanFicFare EPUB not here: a place across formats and machines not tested" >&2
fi

finish
