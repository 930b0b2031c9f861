#!/bin/sh
# t_ui_derived.sh — a long EPUB read twice, in tmux: the first time it is
# converted (the converter process started) and its derived text kept in
# the cache (derived.h); the second time its first screen comes from that
# file alone (its first chapters, library_open_head) and the whole story
# from it too: the converter's start log (QUIRE_TEST_CONVERTER_LOG) shows
# it is never started, and every screen is the
# first time's.  A place saved while only the head was there is where the
# story opens again from a fresh conversion (the head's offsets are the
# whole's).  The EPUB is zipped here (60 chapters, about 700 KB of text);
# skipped without zip.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ui_tmux.sh"

if ! command -v zip >/dev/null 2>&1; then
    echo "t_ui_derived: zip is not installed: skipped" >&2
    finish
fi

E=$TMPD/epub
mkdir -p "$E/META-INF" "$E/OEBPS"
printf 'application/epub+zip' >"$E/mimetype"
cat >"$E/META-INF/container.xml" <<'EOF'
<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>
EOF
# 60 chapters of 40 paragraphs of words drawn from a list (a fixed seed):
# varied enough that the zip stays over the 128 KiB a head is made for.
awk -v dir="$E/OEBPS" 'BEGIN {
    srand(15);
    n = split("lantern keeper harbour tide wick log weather ship quiet dawn gull rope stair " \
              "window storm salt beacon reef cliff mist oar lamp oil glass bell night north " \
              "south east west gale swell anchor chart compass deck hull keel mast sail", w, " ");
    for (c = 1; c <= 60; c++) {
        f = sprintf("%s/ch%02d.xhtml", dir, c);
        printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>Chapter %d</title></head><body><h1>Chapter %d</h1>\n", c, c >f;
        for (p = 1; p <= 40; p++) {
            s = sprintf("Watch %d line %d:", c, p);
            for (k = 0; k < 40; k++) s = s " " w[int(rand() * n) + 1];
            if (p == 3) s = s " the <i>quiet</i> hour";
            printf "<p>%s.</p>\n", s >f;
        }
        printf "</body></html>\n" >f;
        close(f);
        man = man sprintf("<item id=\"c%d\" href=\"ch%02d.xhtml\" media-type=\"application/xhtml+xml\"/>", c, c);
        spine = spine sprintf("<itemref idref=\"c%d\"/>", c);
        nav = nav sprintf("<li><a href=\"ch%02d.xhtml\">Chapter %d</a></li>", c, c);
    }
    f = dir "/nav.xhtml";
    printf "<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\"><body><nav epub:type=\"toc\"><ol>%s</ol></nav></body></html>\n", nav >f;
    close(f);
    f = dir "/content.opf";
    printf "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\"><metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>The Long Watch</dc:title><dc:creator>Ada Quill</dc:creator></metadata><manifest><item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>%s</manifest><spine>%s</spine></package>\n", man, spine >f;
    close(f);
}'
B=$TMPD/watch.epub
(cd "$E" && zip -X0 -q "$B" mimetype && zip -X9 -q -r "$B" META-INF OEBPS)
check "the EPUB is made, over 128 KiB" test "$(wc -c <"$B")" -gt 131072
# older than the index cache's one second of doubt
touch -d '1 minute ago' "$B"

page() { ui_screen | head -n 23; }   # the text rows, the status line left out
# the first lines of text on the page (a place restored starts at its
# words, not at the blank row that may have been above them)
words() { page | grep -v '^ *$' | head -n 6; }
# how many converters the run NAME started
converter_starts() { cat "$TMPD"/conv."$1" 2>/dev/null | grep -c '^start '; }
# quire with the converters' start log in $TMPD/conv.NAME
ld_run() {
    name=$1; shift
    ui_run 80 24 "env QUIRE_TEST_CONVERTER_LOG=$TMPD/conv.$name $(ui_quote "$QUIRE" "$@")"
}

# Cold: converted through the converter, the derived file written.
ld_run cold "$B"
check "cold: the first chapter" ui_wait "Watch 1 line 1:"
first_cold=$(page)
ui_raw '50%' 1
check "cold: half way, chapter 30 or 31" ui_wait "Watch 3[01] line"
half_cold=$(page)
ui_keys q
check_eq "cold: quits" "$(ui_dead)" "0 0"
check "cold: the converter converted it" test "$(converter_starts cold)" -gt 0
check "cold: the derived file is kept" sh -c 'ls "$1"/quire/derived-* >/dev/null' _ "$XDG_CACHE_HOME"
rm -rf "$XDG_STATE_HOME"   # no saved place: it opens at the start again

# A first reading whose head read the nav only in part (its first five
# entries: QUIRE_TEST_EPUB_TOC_STOP, the converter's): the same first
# screen; once the loader has the whole story its contents list all 60
# chapters, and the last one opens.
XDG_CACHE_HOME_WAS=$XDG_CACHE_HOME
XDG_CACHE_HOME=$TMPD/cache-tocstop
XDG_STATE_HOME=$TMPD/state-tocstop
export XDG_CACHE_HOME XDG_STATE_HOME
ui_run 80 24 "env QUIRE_TEST_EPUB_TOC_STOP=5 $(ui_quote "$QUIRE" "$B")"
check "nav read in part: the first chapter" ui_wait "Watch 1 line 1:"
check_eq "nav read in part: the same first screen" "$(page)" "$first_cold"
check "nav read in part: then the whole story" ui_until status_has "/60 "
ui_keys t
ui_type 60
check "nav read in part: the contents reach chapter 60" ui_wait "60\\. Chapter 60"
ui_keys Enter
check "nav read in part: chapter 60 opens from them" ui_wait "Watch 60 line 1:"
ui_keys q
check_eq "nav read in part: quits" "$(ui_dead)" "0 0"
XDG_CACHE_HOME=$XDG_CACHE_HOME_WAS
XDG_STATE_HOME=$TMPD/state
export XDG_CACHE_HOME XDG_STATE_HOME
rm -rf "$XDG_STATE_HOME"

# Warm: the head from the derived file, then the whole from it and the
# index cache; the converter never started.
ld_run warm "$B"
check "warm: the first chapter" ui_wait "Watch 1 line 1:"
check_eq "warm: the same first screen" "$(page)" "$first_cold"
check "warm: italics from the converter's text" sgr_on 'quiet' 3
ui_raw '50%' 1
check "warm: half way" ui_wait "Watch 3[01] line"
check_eq "warm: the same page half way" "$(page)" "$half_cold"
ui_keys q
check_eq "warm: quits" "$(ui_dead)" "0 0"
check_eq "warm: the converter is not started" "$(converter_starts warm)" 0

# Reopened deep (50%, 99%) from the derived file: the chapter that holds
# the place and the ones after it, before the whole story (held back a
# minute): the screen reading there showed, the converter never started; the
# whole story then arrives under the same screen.
ELL=$(printf '\342\200\246')
for at in 50 99; do
    XDG_STATE_HOME="$TMPD/state-at-$at"
    ui_start 80 24 "$B"
    ui_type "$at%"
    check "at $at%: read there (the whole story: n/60)" ui_until status_has "/60 "
    body=$(page)
    ui_keys q
    check_eq "at $at%: quits" "$(ui_dead)" "0 0"
    ui_run 80 24 "env QUIRE_TEST_LOAD_DELAY_MS=60000 \
QUIRE_TEST_CONVERTER_LOG=$TMPD/conv.at$at $(ui_quote "$QUIRE" "$B")"
    check "at $at%: reopened before the whole story (no chapter count)" \
        ui_until status_has "$ELL"
    check_eq "at $at%: the screen reading there showed" "$(page)" "$body"
    ui_keys q
    check_eq "at $at%: q quits at once" "$(ui_dead)" "0 0"
    check_eq "at $at%: the converter is not started" "$(converter_starts at$at)" 0
    ui_start 80 24 "$B"
    check "at $at%: the whole story" ui_until status_has "/60 "
    check_eq "at $at%: the same screen from the whole story" "$(page)" "$body"
    ui_keys q
    check_eq "at $at%: quits again" "$(ui_dead)" "0 0"
done

# A block of the derived file damaged far from the place (the 400th, in
# chapter 10 or so: its end past the text): only the blocks of the part
# shown are checked before the first screen (derived_open_head), so the
# place reopens from the derived file as before, the same screen; the
# whole story checks every block, refuses the file and converts the book
# again, under the same screen; the file is written again, sound.  With
# no saved place the damaged block is in the head: converted, the same
# first screen.
# conversions of the run NAME, by the dynamic loader's log of the plugin
# or a converter's start log, whichever the build writes
conversions() { cat "$TMPD"/ld."$1".* "$TMPD"/conv."$1" 2>/dev/null | grep -c 'quire-ebook\|^start '; }
damage_block() {   # block $1's end (bytes 8-15 of it) made huge
    for f in "$XDG_CACHE_HOME"/quire/derived-*; do
        hl=$(head -n 3 "$f" | sed -n 's/^text \([0-9]*\) at \([0-9]*\) .*/\1 \2/p')
        boff=$(( ( ${hl#* } + ${hl% *} + 1 + 7 ) / 8 * 8 + $1 * 24 ))
        printf '\377\377\377\377\377\377\377\377' |
            dd of="$f" bs=1 seek=$((boff + 8)) conv=notrunc 2>/dev/null
    done
}
check "a block is 24 bytes (the header says)" grep -aq '^quire-derived 2 ebook [0-9]* block 24 ' \
    "$XDG_CACHE_HOME"/quire/derived-*
place=$(grep "^last" "$XDG_STATE_HOME/quire/bookmarks" | cut -f3-5)
check "a place is saved at 99%" test -n "$place"
damage_block 400
ui_run 80 24 "env QUIRE_TEST_LOAD_DELAY_MS=60000 LD_DEBUG=files LD_DEBUG_OUTPUT=$TMPD/ld.bad99 \
QUIRE_TEST_CONVERTER_LOG=$TMPD/conv.bad99 $(ui_quote "$QUIRE" "$B")"
check "a block damaged far from 99%: reopened before the whole story" \
    ui_until status_has "$ELL"
check_eq "a block damaged far from 99%: the screen reading there showed" "$(page)" "$body"
ui_keys q
check_eq "a block damaged far from 99%: quits" "$(ui_dead)" "0 0"
check_eq "a block damaged far from 99%: from the derived file (not converted)" \
    "$(conversions bad99)" 0
ld_run bad99whole "$B"
check "a block damaged: the whole story (converted again)" ui_until status_has "/60 "
check_eq "a block damaged: the same screen from it" "$(page)" "$body"
ui_keys q
check_eq "a block damaged: quits" "$(ui_dead)" "0 0"
check "a block damaged: the whole story was converted again" \
    test "$(conversions bad99whole)" -gt 0
check_eq "a block damaged: the saved place did not move" \
    "$(grep "^last" "$XDG_STATE_HOME/quire/bookmarks" | cut -f3-5)" "$place"
ld_run bad99again "$B"
check "a block damaged: then reopened" ui_until status_has "/60 "
check_eq "a block damaged: the same screen again" "$(page)" "$body"
ui_keys q
check_eq "a block damaged: quits again" "$(ui_dead)" "0 0"
check_eq "a block damaged: the derived file was written sound again (not converted)" \
    "$(conversions bad99again)" 0
XDG_STATE_HOME=$TMPD/state
rm -rf "$XDG_STATE_HOME"
damage_block 0
ld_run badhead "$B"
check "a block of the head damaged: the first chapter" ui_wait "Watch 1 line 1:"
check_eq "a block of the head damaged: the same first screen" "$(page)" "$first_cold"
ui_keys q
check_eq "a block of the head damaged: quits" "$(ui_dead)" "0 0"
check "a block of the head damaged: converted again" test "$(conversions badhead)" -gt 0

# A place saved in the head: two pages into chapter 1, opened only from
# the head (the loader held back), then quit.
rm -rf "$XDG_STATE_HOME"
ui_run 80 24 "env QUIRE_TEST_LOAD_DELAY_MS=100000 $(ui_quote "$QUIRE" "$B")"
check "head: the first chapter" ui_wait "Watch 1 line 1:"
ui_keys Space Space
check "head: two pages on, still chapter 1" status_has ' 1/'
saved=$(words)
ui_keys q
check_eq "head: quits" "$(ui_dead)" "0 0"
# The caches gone: converted again, whole; the place is where it was.
rm -rf "$XDG_CACHE_HOME"
ld_run fresh "$B"
check "fresh: converted again" ui_wait "Watch 1 line"
check_eq "fresh: the place saved in the head, the same words" "$(words)" "$saved"
ui_keys q
check_eq "fresh: quits" "$(ui_dead)" "0 0"
check "fresh: through the converter" test "$(converter_starts fresh)" -gt 0

# Quit during the first reading, before the whole conversion (held back
# for good here): q quits at once, and the conversion is finished apart
# (a detached `quire --render --chapter 1`): the derived file appears, and
# the next reading needs no converter.
rm -rf "$XDG_CACHE_HOME" "$XDG_STATE_HOME"
ui_run 80 24 "env QUIRE_TEST_LOAD_DELAY_MS=100000 $(ui_quote "$QUIRE" "$B")"
check "quit early: the first chapter" ui_wait "Watch 1 line 1:"
ui_keys q
check_eq "quit early: q quits at once" "$(ui_dead)" "0 0"
derived_there() { ls "$XDG_CACHE_HOME"/quire/derived-* >/dev/null 2>&1; }
i=0
while ! derived_there && [ $i -lt 1200 ]; do   # the event, or two minutes
    sleep 0.1
    i=$((i + 1))
done
check "quit early: the derived file is written all the same" derived_there
ld_run after_quit "$B"
check "after quit: the first chapter" ui_wait "Watch 1 line 1:"
check_eq "after quit: the same first screen" "$(page)" "$first_cold"
ui_keys q
check_eq "after quit: quits" "$(ui_dead)" "0 0"
check_eq "after quit: the converter is not started" "$(converter_starts after_quit)" 0

# A corrupt derived file is noticed, never shown: converted again.
for f in "$XDG_CACHE_HOME"/quire/derived-*; do
    printf 'garbage' | dd of="$f" bs=1 seek=2000 conv=notrunc 2>/dev/null
done
check_eq "corrupt: --render gives the conversion's text" \
    "$("$QUIRE" --render -w 70 "$B" | md5sum)" "$(QUIRE_NO_CACHE=1 "$QUIRE" --render -w 70 "$B" | md5sum)"
finish
