#!/bin/sh
# t_convert.sh — the converter process (ebook_door.h) as a reader meets it:
# a listing of many ebooks on several threads starts one converter
# (EBOOK_DOOR_CONVERTERS), not one per file; a TXT library, listed or read, never starts one; a
# converter killed mid-request costs that file a one-line error and the
# next file is read by a fresh one; one answering garbage the same; a
# missing or unrunnable converter is a clear skip and TXT still reads;
# no converter outlives the quire that started it.  The converter's test
# hooks: QUIRE_TEST_CONVERTER_LOG (a line per start), QUIRE_TEST_CONVERT_DIE
# and QUIRE_TEST_CONVERT_GARBAGE (on a file whose name holds the text).
. "$(dirname "$0")/../lib.sh"

CONV=$TOP/build/quire-convert
if [ ! -x "$CONV" ]; then
    echo "t_convert: no build/quire-convert (make quire): skipped" >&2
    finish
fi
CLOG=$TMPD/convert.log
# starts CMD...: how many converters CMD started
starts() {
    rm -f "$CLOG"
    QUIRE_TEST_CONVERTER_LOG=$CLOG "$@" >/dev/null 2>&1
    if [ -f "$CLOG" ]; then wc -l <"$CLOG" | tr -d ' '; else echo 0; fi
}
export QUIRE_NO_CACHE=1

# A library of 60 HTML stories and a TXT one.
L=$TMPD/lib
mkdir -p "$L"
i=1
while [ $i -le 60 ]; do
    printf '<html><head><title>Story %d</title></head><body><h1>Chapter 1</h1><p>The words of story %d.</p><h1>Chapter 2</h1><p>More words.</p></body></html>\n' \
        $i $i >"$L/story$i.html"
    i=$((i + 1))
done
printf 'A Plain Story\n\nChapter 1\n\nSome plain words of a plain story.\n' >"$L/plain.txt"

check_eq "60 ebooks listed: one converter started, not one per file" \
    "$(starts "$QUIRE" --list "$L")" 1
check_eq "all 61 stories listed" "$("$QUIRE" --list "$L" 2>&1 | grep -c '^Story [0-9]*$\|^A Plain Story$')" 61

T=$TMPD/txt
mkdir -p "$T"
cp "$L/plain.txt" "$T/"
printf '<3 Not HTML\n\nA text that starts with a heart is plain text.\n' >"$T/heart"
check_eq "a TXT library listed: no converter" "$(starts "$QUIRE" --list "$T")" 0
check_eq "a TXT story rendered: no converter" "$(starts "$QUIRE" --render -w 60 "$T/plain.txt")" 0

# Killed mid-request, and garbage: that file's error line, the rest read.
K=$TMPD/kill
mkdir -p "$K"
cp "$L/story1.html" "$K/a.html"
cp "$L/story2.html" "$K/die-here.html"
cp "$L/story3.html" "$K/garbage-here.html"
cp "$L/story4.html" "$K/z.html"
QUIRE_TEST_CONVERT_DIE=die-here QUIRE_TEST_CONVERT_GARBAGE=garbage-here \
    QUIRE_TEST_CONVERTER_LOG=$CLOG "$QUIRE" --list --verbose "$K" >"$TMPD/k.out" 2>"$TMPD/k.err"
check_eq "a converter killed mid-request: quire goes on (exit 0)" "$?" 0
check "that file: one line saying the converter failed" \
    grep -q "^  die-here.html: converter failed: killed by signal 9" "$TMPD/k.out"
check "a converter answering garbage: that file's line says so" \
    grep -q "^  garbage-here.html: converter failed: its reply was refused: " "$TMPD/k.out"
check "the file before is read" grep -q "^Story 1$" "$TMPD/k.out"
check "the file after is read" grep -q "^Story 4$" "$TMPD/k.out"
check_eq "nothing on stderr" "$(cat "$TMPD/k.err")" ""
check "a fresh converter after each failure" test "$(wc -l <"$CLOG")" -ge 3
QUIRE_TEST_CONVERT_DIE=die-here "$QUIRE" --render -w 60 "$K/die-here.html" >"$TMPD/kr.out" 2>"$TMPD/kr.err"
check "--render of a file whose converter dies: fails" test $? -ne 0
check "saying so in one line" sh -c 'grep -c "converter failed" "$1" | grep -qx 1' _ "$TMPD/kr.err"

# Missing, or not a program: a clear skip; TXT still read.
QUIRE_CONVERTER=$TMPD/none "$QUIRE" --list --verbose "$K" >"$TMPD/m.out" 2>&1
check "missing: each ebook skipped as not installed" \
    grep -q "^  a.html: EPUB/HTML support not installed: " "$TMPD/m.out"
check_eq "missing: a TXT story still read" \
    "$(QUIRE_CONVERTER=$TMPD/none "$QUIRE" --render -w 60 "$T/plain.txt" 2>&1 | grep -c 'plain words')" 1
mkdir -p "$TMPD/page"
printf '<html><head><title>Saved Page</title></head><body><p>Some words on a saved page.</p></body></html>\n' \
    >"$TMPD/page/saved"
check_eq "missing: HTML in a file not named so is read as text, not skipped" \
    "$(QUIRE_CONVERTER=$TMPD/none "$QUIRE" --list --tsv "$TMPD/page" 2>&1 | wc -l)" 1
printf '#!/bin/sh\necho not a converter\n' >"$TMPD/fake"
chmod +x "$TMPD/fake"
QUIRE_CONVERTER=$TMPD/fake "$QUIRE" --list --verbose "$K" >"$TMPD/f.out" 2>&1
check "a program that is no converter: not installed, saying why" \
    grep -q "^  a.html: EPUB/HTML support not installed: .*fake: not a quire converter" "$TMPD/f.out"

# No converter outlives its quire: each is reaped by it at exit (no
# zombie left for an init that may not reap).
rm -f "$CLOG"
QUIRE_TEST_CONVERTER_LOG=$CLOG "$QUIRE" --list "$L" >/dev/null 2>&1
check "the converters ended with their quire, reaped" sh -c '
    for pid in $(cut -d" " -f2 "$1"); do kill -0 "$pid" 2>/dev/null && exit 1; done; exit 0' _ "$CLOG"
finish
