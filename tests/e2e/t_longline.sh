# t_longline.sh — a file with no line end (one paragraph of 20 MB) is laid
# out a window at a time: --render finishes under a 250 MB address-space
# limit (it needed 350 MB of memory before: about 17 bytes of scratch for
# each byte of the paragraph), every word comes out once and in order, and
# no line is wider than the column.
. "$(dirname "$0")/../lib.sh"

F="$TMPD/oneline.txt"
# 20 MB of words and spaces, no line end (awk: no python needed).
awk 'BEGIN { split("lorem ipsum dolor sit amet consectetur adipiscing elit sed do", w, " ");
             n = 0; s = ""; srand(1);
             while (n < 20 * 1024 * 1024) { x = w[int(rand() * 10) + 1] " "; printf "%s", x; n += length(x) } }' >"$F"
check "the file is 20 MB with no line end" sh -c '[ "$(wc -c <"$1")" -ge 20971520 ] && [ "$(wc -l <"$1")" -eq 0 ]' _ "$F"

( ulimit -v 256000; exec "$QUIRE" --render -w 72 "$F" ) >"$TMPD/out" 2>"$TMPD/err"
check_eq "--render finishes under a 250 MB limit" "$?" 0
check_eq "and says nothing on stderr" "$(cat "$TMPD/err")" ""
check_eq "the title quire gives it (no heading in the text)" "$(head -n 1 "$TMPD/out" | tr -d ' ')" "Chapter1"
check_eq "every word once, in order" "$(tail -n +3 "$TMPD/out" | tr -d ' \n' | cksum)" "$(tr -d ' \n' <"$F" | cksum)"
check_eq "no line wider than 72 columns" "$(awk 'length > 72' "$TMPD/out" | wc -l | tr -d ' ')" 0
check "about 20 MB / 72 columns of lines" test "$(wc -l <"$TMPD/out")" -gt 280000
finish
