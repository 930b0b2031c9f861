# t_cache.sh — the index cache and the library snapshot seen from outside:
# a second listing comes from $XDG_CACHE_HOME/quire/ and says the same; a
# changed file is read again; a damaged, foreign or unwritable cache never
# shows, never fails; text read lazily from the cache renders the same as
# text read at once.
. "$(dirname "$0")/../lib.sh"

LIB="$TMPD/lib"
mkdir -p "$LIB"
cp -R "$TOP/sample_library/." "$LIB/"
cp "$TOP/tests/data/parse/"*.txt "$LIB/" 2>/dev/null
# Files modified within the last second are never cached: age them.
find "$LIB" -type f -exec touch -d '1 hour ago' {} +
CDIR="$XDG_CACHE_HOME/quire"

list() { "$QUIRE" --list --tsv "$LIB" 2>"$TMPD/err"; }
# Both files' magic lines carry the ebook conversion's version.
EV=$(sed -n 's/^#define EBOOK_VERSION \([0-9]*\).*/\1/p' "$TOP/include/ebook.h")
index() { ls "$CDIR"/index-* 2>/dev/null | head -n 1; }
snapshot() { ls "$CDIR"/library-* 2>/dev/null | head -n 1; }

first=$(list)
check "the first listing works" test -n "$first"
check "the first listing writes an index cache" test -n "$(index)"
head1=$(head -n 1 "$(index)" 2>/dev/null)
check_eq "the cache file opens with its versioned magic line" "$head1" "quire-index 4 ebook $EV"
check "the first listing writes a library snapshot" test -n "$(snapshot)"
check_eq "the snapshot opens with its versioned magic line" "$(head -n 1 "$(snapshot)")" \
    "quire-library 3 ebook $EV"
second=$(list)
check_eq "the listing from the cache is the same" "$second" "$first"
check_eq "and says nothing on stderr" "$(cat "$TMPD/err")" ""

# --render: text read lazily from the cache is the text read at once
story=$(printf '%s\n' "$first" | cut -f2 | head -n 1)
cold=$(QUIRE_NO_CACHE=1 "$QUIRE" --render -w 60 -L "$LIB" "$story" 2>&1)
warm=$("$QUIRE" --render -w 60 -L "$LIB" "$story" 2>&1)
check "a story renders" test -n "$warm"
check_eq "rendering from the cache is rendering from the files" "$warm" "$cold"

# a changed file is read again
f=$(find "$LIB" -type f -name '*.txt' | sort | head -n 1)
printf '\n\nChapter 99\n\nA chapter the author added later, with words enough to count as one.\n' >>"$f"
touch -d '10 minutes ago' "$f"
changed=$(list)
fresh=$(QUIRE_NO_CACHE=1 "$QUIRE" --list --tsv "$LIB" 2>/dev/null)
check_eq "a changed file is read again" "$changed" "$fresh"
n_before=$(printf '%s\n' "$first" | wc -l)
n_after=$(printf '%s\n' "$changed" | wc -l)
check_eq "the added chapter shows" "$n_after" "$((n_before + 1))"
first=$fresh

# damage KIND FILE MAGIC: a damaged copy of FILE (a cache file whose
# magic line starts MAGIC) written over it
damage() {
    case $1 in
    truncated) head -c 200 "$2" >"$TMPD/c" ;;
    garbage) head -c 3000 /dev/urandom >"$TMPD/c" ;;
    foreign) printf '%s 99\nsomething else entirely\n' "$3" >"$TMPD/c" ;;
    empty) : >"$TMPD/c" ;;
    flipped) sed 's/Chapter/ChapteR/' "$2" >"$TMPD/c" ;;
    esac
    cp "$TMPD/c" "$2"
}

# damage of every kind, to the index cache (the snapshot removed, else the
# listing would come from it) and to the snapshot (the index cache
# removed: files read again): same listing, no message, exit 0, replaced
for file in index snapshot; do
    if [ $file = index ]; then magic="quire-index 4 ebook $EV"; else magic="quire-library 3 ebook $EV"; fi
    for kind in truncated garbage foreign empty flipped; do
        damage $kind "$($file)" "${magic% *}"
        if [ $file = index ]; then rm -f "$(snapshot)"; else rm -f "$(index)"; fi
        out=$(list); rc=$?
        check_eq "a $kind $file: same listing" "$out" "$first"
        check_eq "a $kind $file: exit 0" "$rc" 0
        check_eq "a $kind $file: nothing on stderr" "$(cat "$TMPD/err")" ""
        check_eq "a $kind $file is replaced by a good one" "$(head -n 1 "$($file)")" "$magic"
    done
done

# a cache folder that cannot be made: listing goes on, silently
: >"$TMPD/afile"
out=$(XDG_CACHE_HOME="$TMPD/afile" "$QUIRE" --list --tsv "$LIB" 2>"$TMPD/err"); rc=$?
check_eq "an unusable cache folder: same listing" "$out" "$first"
check_eq "an unusable cache folder: exit 0" "$rc" 0
check_eq "an unusable cache folder: nothing on stderr" "$(cat "$TMPD/err")" ""

# QUIRE_NO_CACHE=1 neither reads nor writes it
rm -rf "$CDIR"
QUIRE_NO_CACHE=1 "$QUIRE" --list "$LIB" >/dev/null 2>&1
check "QUIRE_NO_CACHE=1 writes no cache" test -z "$(index)$(snapshot)"

# files just written are not cached (their next change may keep the mtime)
rm -rf "$CDIR"
mkdir -p "$TMPD/new"
printf 'Brand New by Someone\n\nChapter 1\n\nJust written, moments ago, and read at once.\n' >"$TMPD/new/a.txt"
"$QUIRE" --list "$TMPD/new" >/dev/null 2>&1
check "a library of files written just now leaves no cache" test -z "$(index)$(snapshot)"

finish
