#!/bin/sh
# t_ebook.sh — EPUB and HTML stories through the ebook door (issue 15):
# the plugin (build/quire-ebook.so) loaded on the first ebook file only,
# and a clear skip without it.
. "$(dirname "$0")/../lib.sh"

L=$TMPD/lib
mkdir -p "$L"
cat >"$L/story.html" <<'HTML'
<!DOCTYPE html>
<html><head><title>The Glass Orchard</title></head>
<body>
<h1>Chapter 1: Seeds</h1>
<p>The orchard was made of glass, and <em>nobody</em> knew who had planted it.</p>
<p>Mira walked between the rows every morning.</p>
<h1>Chapter 2: Frost</h1>
<p>Winter came early that year; the glass trees rang in the wind.</p>
</body></html>
HTML
printf 'Plain Tale\n\nOnce there was a plain story told in plain text.\n' >"$L/plain.txt"

# --- without the plugin: the ebook is skipped with the reason, the rest is read
QUIRE_PLUGIN=/nonexistent/quire-ebook.so "$QUIRE" --list --verbose "$L" >"$TMPD/np.out" 2>"$TMPD/np.err"
check_eq "no plugin: --list --verbose succeeds" "$?" 0
check "no plugin: the TXT story is listed" grep -q "^plain$" "$TMPD/np.out"
check "no plugin: the HTML file is skipped, saying why" \
    grep -q "story.html: EPUB/HTML support not installed: .*nonexistent" "$TMPD/np.out"
check_eq "no plugin: nothing on stderr" "$(cat "$TMPD/np.err")" ""
# A text file that only starts like markup is still a text without it.
mkdir -p "$TMPD/lt"
printf '<3 A Love Letter\n\nDear reader, this is plain text that starts with a heart.\n' >"$TMPD/lt/heart"
check_eq "no plugin: a text starting with '<' is read as text" \
    "$(QUIRE_PLUGIN=/nonexistent "$QUIRE" --list --tsv "$TMPD/lt" 2>&1 | cut -f6)" "15"

# --- the plugin is loaded for an ebook only (the dynamic loader says so)
if ldd "$QUIRE" >/dev/null 2>&1; then
    LD_DEBUG=files "$QUIRE" --list "$L/plain.txt" >/dev/null 2>"$TMPD/ld.txt"
    check_eq "a TXT story never loads the plugin" "$(grep -c 'quire-ebook' "$TMPD/ld.txt")" 0
    if [ -f "$TOP/src/ebook.c" ]; then   # the converters are there to build it
        LD_DEBUG=files "$QUIRE" --list "$L" >/dev/null 2>"$TMPD/ld.html"
        check "a library with an HTML file loads it" grep -q 'quire-ebook.so' "$TMPD/ld.html"
    fi
fi

finish
