#!/bin/sh
# scripts/bench.sh — `make bench`: quire against less (and fmt) on large
# inputs, side by side in one run, printed as ratios.  docs/BENCHMARKS.md
# explains the method and records a run.
#
# Inputs are generated into a temporary folder from ../shared/corpus (the
# novels of the test corpus): serials of 1, 4, 16 and 32 MB and a library of
# 10,000 chapter files (2,000 stories x 5).  Without ../shared the bench says
# so and exits 0.
#
# Measured in a real terminal (tests/bench/ptytime.c: a pty of 80x24,
# TERM=xterm-256color, LANG=C.UTF-8), each figure the median of $RUNS runs:
#   first   time to the first screen (a word of chapter 1's first paragraph)
#           quire with a cold index cache, with a warm one, and less; the
#           median of $FIRST_RUNS rounds, each one run of the three in turn
#           (a slow moment of the machine falls on all three alike)
#   search  `/velvet quasar lantern` typed on the first screen, until the
#           word after the phrase (Zanzibarine) is drawn
#   end     quire `100%` / less `G`, until the story's last word is drawn;
#           then anonymous memory (smaps_rollup), RSS and peak RSS (VmHWM)
#   resize  80x24 -> 100x30 at the end of the story, until it is redrawn
# and the first screen of the largest serial with CR LF line ends, in
# Windows-1252 and in UTF-16 (converted with iconv),
# and `quire --list` of the 10,000-file library with a cold and a warm cache
# (hyperfine when present, else the shell's clock), the cold one on one
# thread too; and `--render` of 1 MB of each pathological input (gencorpus
# patho) against 1 MB of prose, in ms and (valgrind) instructions.
# Issue 17: each serial reopened at a place saved at 0%, 50% and 99% against
# `less +Np`; private memory and peak RSS after each step (fresh, search to
# the end, 100%, resize, reopened at 50%) beside less's; 50 MB with no
# line end and in five lines: first screen against less, G, a search, 100%.
#
# Environment: RUNS (default 5), FIRST_RUNS (default 15), SIZES (default
# "1 4 16 32"), KEEP=1 keeps the generated inputs (their folder is printed).
set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$(pwd)
RUNS=${RUNS:-5}
FIRST_RUNS=${FIRST_RUNS:-15}
SIZES=${SIZES:-"1 4 16 32"}

SHARED=""
[ -d "$TOP/../shared/corpus/gutenberg" ] && SHARED=$(cd "$TOP/../shared" && pwd)
if [ -z "$SHARED" ]; then
    echo "bench: ../shared/corpus is not here: no corpus to build the inputs from; skipped"
    exit 0
fi
G=$SHARED/corpus/gutenberg
. "$TOP/scripts/novels.sh"
if [ -z "$NOVELS" ]; then
    echo "bench: no corpus novels under $G; skipped"
    exit 0
fi

# --- tools: less and hyperfine from Debian when missing --------------------
missing=""
command -v less >/dev/null 2>&1 || missing="$missing less"
command -v hyperfine >/dev/null 2>&1 || missing="$missing hyperfine"
if [ -n "$missing" ] && command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO=sudo
    echo "bench: installing$missing" >&2
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing \
        >/dev/null 2>&1 || { $SUDO apt-get update -qq >/dev/null 2>&1;
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        $missing >/dev/null 2>&1; } || echo "bench: could not install$missing" >&2
fi
if ! command -v less >/dev/null 2>&1; then
    echo "bench: less is not installed and could not be; skipped"
    exit 0
fi
HAVE_HF=0
command -v hyperfine >/dev/null 2>&1 && HAVE_HF=1

[ -x ./quire ] || { echo "bench: build ./quire first (make bench does)" >&2; exit 1; }
mkdir -p build/bench
CC=${CC:-cc}
$CC -O2 -o build/ptytime tests/bench/ptytime.c -lutil || exit 1
$CC -O2 -o build/gencorpus tests/bench/gencorpus.c || exit 1
PT=$TOP/build/ptytime
Q=$TOP/quire

W=$(mktemp -d "${TMPDIR:-/tmp}/quire-bench.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "bench: inputs kept in $W"; else trap 'rm -rf "$W"' EXIT; fi
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color PTYTIME_TERM=xterm-256color
export HOME="$W/home" XDG_CONFIG_HOME="$W/config"
unset QUIRE_LIBRARY QUIRE_NO_CACHE LESS LESSOPEN LESSCLOSE
mkdir -p "$HOME"
RES=$TOP/build/bench/results.txt
: >"$RES"

# --- inputs ------------------------------------------------------------------
echo "bench: machine: $(nproc) CPU ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: generating inputs in $W from$(for n in $NOVELS; do printf ' %s' "$(basename "$n")"; done)"
for s in $SIZES; do
    # shellcheck disable=SC2086
    ./build/gencorpus serial "$s" "$W/serial-$s.txt" $NOVELS || exit 1
done
# shellcheck disable=SC2086
./build/gencorpus library "$W/lib" 2000 5 $NOVELS || exit 1
# The cache does not store files modified within the last second (their
# mtime may not show a change made in the same clock tick): let it pass.
sleep 2

# --- helpers -------------------------------------------------------------------
# median of the numbers on stdin ("-" when none)
median() { sort -n | awk '{a[NR]=$1} END {if (!NR) print "-"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
# value of step $1 (e.g. wait:Zanzibarine, or a mem field like hwm_kib) in ptytime output $2
step() { awk -v k="$1" '$1 == k {print $2} $1 == "mem" {for (i = 2; i <= NF; i++) {split($i, kv, "="); if (kv[1] == k) print kv[2]}}' "$2" | tail -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f\n", a / b}'; }
record() { echo "$*" >>"$RES"; }

# run_pt NAME CACHE_DIR -- ptytime arguments...: one run, output in $W/pt.out;
# a fresh state folder each time (no saved position), the given cache folder.
run_pt() {
    name=$1; cache=$2; shift 2
    rm -rf "$W/state"
    XDG_STATE_HOME="$W/state" XDG_CACHE_HOME="$cache" "$PT" -s 80x24 "$@" >"$W/pt.out" 2>"$W/pt.err" ||
        echo "bench: $name: $(cat "$W/pt.err")" >&2
}

# collect NAME KEY CACHE_MODE ptytime-args...: the median of KEY over $RUNS
# runs.  CACHE_MODE cold: a new empty cache each run; warm: $W/cache-warm
# (primed by a first run that is not counted); none: irrelevant (less).
collect() {
    name=$1; key=$2; mode=$3; shift 3
    : >"$W/vals"
    [ "$mode" = warm ] && run_pt "$name" "$W/cache-warm" "$@"
    i=0
    while [ $i -lt "$RUNS" ]; do
        cache="$W/cache-warm"
        if [ "$mode" = cold ]; then rm -rf "$W/cache-cold"; cache="$W/cache-cold"; fi
        run_pt "$name" "$cache" "$@"
        v=$(step "$key" "$W/pt.out")
        [ -n "$v" ] && echo "$v" >>"$W/vals"
        i=$((i + 1))
    done
    median <"$W/vals"
}

FIRST=wait:Ossingtonmoor
# first_screen KEY FILE [STEP...]: $FIRST_RUNS rounds of one quire run with
# the warm cache, one with an empty cache and one less run (unless
# FS_LESS=0), each to the first screen (then STEPs); prints the three
# medians of KEY ("-" for less when it did not run).
FS_LESS=1
first_screen() {
    key=$1 f=$2; shift 2
    : >"$W/v-qw"; : >"$W/v-qc"; : >"$W/v-l"
    run_pt first "$W/cache-warm" $FIRST "$@" send:qq -- "$Q" "$f"   # primes the warm cache
    i=0
    while [ $i -lt "$FIRST_RUNS" ]; do
        run_pt first "$W/cache-warm" $FIRST "$@" send:qq -- "$Q" "$f"
        step "$key" "$W/pt.out" >>"$W/v-qw"
        rm -rf "$W/cache-cold"
        run_pt first "$W/cache-cold" $FIRST "$@" send:qq -- "$Q" "$f"
        step "$key" "$W/pt.out" >>"$W/v-qc"
        if [ "$FS_LESS" = 1 ]; then
            run_pt first "$W/cache-none" $FIRST "$@" send:q -- less "$f"
            step "$key" "$W/pt.out" >>"$W/v-l"
        fi
        i=$((i + 1))
    done
    echo "$(median <"$W/v-qw") $(median <"$W/v-qc") $(median <"$W/v-l")"
}
# quire's q leaves the reader for the library screen; the second q quits
# (less quits at the first).
PHRASE='velvet quasar lantern'
echo
printf '%-6s %-22s %9s %9s %9s %8s %8s\n' "size" "measure" "quire" "q-cold" "less" "ratio" "r-cold"
for s in $SIZES; do
    f="$W/serial-$s.txt"
    bytes=$(wc -c <"$f")
    # first screen
    set -- $(first_screen $FIRST "$f"); qw=$1 qc=$2 lf=$3
    printf '%-6s %-22s %9s %9s %9s %8s %8s\n' "${s}MB" "first screen (ms)" "$qw" "$qc" "$lf" "$(ratio "$qw" "$lf")" "$(ratio "$qc" "$lf")"
    # the same, as CPU time used until the first screen (immune to load)
    set -- $(first_screen cpu "$f" cpu); qwc=$1 qcc=$2 lfc=$3
    printf '%-6s %-22s %9s %9s %9s %8s %8s\n' "${s}MB" "  CPU to first (ms)" "$qwc" "$qcc" "$lfc" "$(ratio "$qwc" "$lfc")" "$(ratio "$qcc" "$lfc")"
    record "first $s $bytes quire_warm=$qw quire_cold=$qc less=$lf quire_warm_cpu=$qwc quire_cold_cpu=$qcc less_cpu=$lfc"
    # search near the end
    qs=$(collect search wait:Zanzibarine warm $FIRST "send:/$PHRASE\\r" wait:Zanzibarine send:qq -- "$Q" "$f")
    ls_=$(collect search wait:Zanzibarine none $FIRST "send:/$PHRASE\\r" wait:Zanzibarine send:q -- less "$f")
    printf '%-6s %-22s %9s %9s %9s %8s\n' "${s}MB" "search near end (ms)" "$qs" "" "$ls_" "$(ratio "$qs" "$ls_")"
    record "search $s quire=$qs less=$ls_"
    # end of the story, memory, resize (quire: 100%; less: G)
    run_pt end "$W/cache-warm" $FIRST send:100% wait:Quembertonia mem resize:100x30 wait:Quembertonia cpu send:qq -- "$Q" "$f"
    cp "$W/pt.out" "$W/q-end.out"
    run_pt end "$W/cache-none" $FIRST send:G wait:Quembertonia mem resize:100x30 wait:Quembertonia cpu send:q -- less "$f"
    cp "$W/pt.out" "$W/l-end.out"
    # the same end with an empty cache: the loader reads the whole file
    rm -rf "$W/cache-cold"
    run_pt end "$W/cache-cold" $FIRST send:100% wait:Quembertonia mem send:qq -- "$Q" "$f"
    qac=$(step anon_kib "$W/pt.out")
    qe=$(collect end wait:Quembertonia warm $FIRST send:100% wait:Quembertonia send:qq -- "$Q" "$f")
    le=$(collect end wait:Quembertonia none $FIRST send:G wait:Quembertonia send:q -- less "$f")
    printf '%-6s %-22s %9s %9s %9s %8s\n' "${s}MB" "to the end (ms)" "$qe" "" "$le" "$(ratio "$qe" "$le")"
    qa=$(step anon_kib "$W/q-end.out"); la=$(step anon_kib "$W/l-end.out")
    qh=$(step hwm_kib "$W/q-end.out"); lh=$(step hwm_kib "$W/l-end.out")
    qr=$(step rss_kib "$W/q-end.out"); lr=$(step rss_kib "$W/l-end.out")
    printf '%-6s %-22s %9s %9s %9s %8s\n' "${s}MB" "anon KiB at end" "$qa" "${qac:--}" "$la" "$(ratio "$qa" "$la")"
    printf '%-6s %-22s %9s %9s %9s %8s\n' "${s}MB" "peak RSS KiB at end" "$qh" "" "$lh" "$(ratio "$qh" "$lh")"
    # resize: the second wait:Quembertonia in each run
    qz=$(awk '$1 == "wait:Quembertonia" {n++; if (n == 2) print $2}' "$W/q-end.out")
    lz=$(awk '$1 == "wait:Quembertonia" {n++; if (n == 2) print $2}' "$W/l-end.out")
    : >"$W/zq"; : >"$W/zl"
    i=0
    while [ $i -lt "$RUNS" ]; do
        run_pt resize "$W/cache-warm" $FIRST send:100% wait:Quembertonia resize:100x30 wait:Quembertonia send:qq -- "$Q" "$f"
        awk '$1 == "wait:Quembertonia" {n++; if (n == 2) print $2}' "$W/pt.out" >>"$W/zq"
        run_pt resize "$W/cache-none" $FIRST send:G wait:Quembertonia resize:100x30 wait:Quembertonia send:q -- less "$f"
        awk '$1 == "wait:Quembertonia" {n++; if (n == 2) print $2}' "$W/pt.out" >>"$W/zl"
        i=$((i + 1))
    done
    [ -s "$W/zq" ] && qz=$(median <"$W/zq")
    [ -s "$W/zl" ] && lz=$(median <"$W/zl")
    printf '%-6s %-22s %9s %9s %9s %8s\n' "${s}MB" "resize repaint (ms)" "${qz:--}" "" "${lz:--}" "$(ratio "${qz:--}" "${lz:--}")"
    qcpu=$(step cpu "$W/q-end.out"); lcpu=$(step cpu "$W/l-end.out")
    printf '%-6s %-22s %9s %9s %9s %8s\n' "${s}MB" "CPU ms, whole run" "${qcpu:--}" "" "${lcpu:--}" "$(ratio "${qcpu:--}" "${lcpu:--}")"
    record "end $s quire=$qe less=$le quire_anon=$qa quire_anon_cold=${qac:--} less_anon=$la quire_rss=$qr less_rss=$lr quire_hwm=$qh less_hwm=$lh quire_resize=${qz:--} less_resize=${lz:--} quire_cpu=${qcpu:--} less_cpu=${lcpu:--}"
done

# --- EPUB (issue 15): each serial as an EPUB of one XHTML document per
# chapter (split at its "Chapter N" lines; 3,236 chapters at 32 MB), made
# here with awk and zip; its first screen with a warm cache (the derived
# text of an earlier reading: derived.h) and a cold one (everything
# converted first), against less on the same text as TXT; private memory
# (anon) after the first screen and at the end, beside the 1 MB EPUB's;
# reopened at a place saved at 50% and 99% (from the derived file) against
# `less +50p`/`+99p` on the TXT.
# make_epub TXT EPUB: the EPUB of a serial
make_epub() {
    d="$W/epub-build"
    rm -rf "$d"
    mkdir -p "$d/META-INF" "$d/OEBPS"
    printf 'application/epub+zip' >"$d/mimetype"
    printf '<?xml version="1.0"?>\n<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>\n' >"$d/META-INF/container.xml"
    awk -v dir="$d/OEBPS" '
        function esc(t) { gsub(/&/, "\\&amp;", t); gsub(/</, "\\&lt;", t); gsub(/>/, "\\&gt;", t); return t }
        function para() { if (p != "") printf "<p>%s</p>\n", esc(p) >f; p = "" }
        function close_ch() { if (f != "") { para(); printf "</body></html>\n" >f; close(f) } }
        NR == 1 { title = $0; sub(/ by .*/, "", title); author = $0; sub(/.* by /, "", author); next }
        /^Chapter [0-9]+$/ {
            close_ch(); n++
            f = sprintf("%s/c%05d.xhtml", dir, n)
            printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>%s</title></head><body><h1>%s</h1>\n", $0, $0 >f
            man = man sprintf("<item id=\"c%d\" href=\"c%05d.xhtml\" media-type=\"application/xhtml+xml\"/>", n, n)
            spine = spine sprintf("<itemref idref=\"c%d\"/>", n)
            nav = nav sprintf("<li><a href=\"c%05d.xhtml\">%s</a></li>", n, $0)
            next
        }
        f == "" { next }
        /^[ \t]*$/ { para(); next }
        { p = p == "" ? $0 : p " " $0 }
        END {
            close_ch()
            g = dir "/nav.xhtml"
            printf "<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\"><body><nav epub:type=\"toc\"><ol>%s</ol></nav></body></html>\n", nav >g
            close(g)
            g = dir "/content.opf"
            printf "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\"><metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>%s</dc:title><dc:creator>%s</dc:creator></metadata><manifest><item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>%s</manifest><spine>%s</spine></package>\n", esc(title), esc(author), man, spine >g
            close(g)
        }' "$1"
    rm -f "$2"
    (cd "$d" && zip -X0 -q "$2" mimetype && zip -X6 -q -r "$2" META-INF OEBPS)
    rm -rf "$d"
}
# wait_finisher FILE: a cold reading quit on its first screen leaves the
# rest of the conversion to a detached `quire --render --chapter 1 FILE`
# (loader.c), which would run on into the next rounds and slow them (about
# 1.5 s of CPU at 32 MB): wait until no such process is left (at most a
# minute) before going on.  The number of rounds that had to wait, and the
# longest wait, are printed with the figures.  (Waiting for its derived
# file instead was not enough: on a loaded machine rounds waited the whole
# minute, and the next round's `rm -rf` of the cache met files still being
# written.)
FIN_WAITS=0 FIN_MAX=0
wait_finisher() {
    j=0
    while pgrep -f -- "--render --chapter 1 .*-- $1\$" >/dev/null 2>&1 && [ $j -lt 600 ]; do
        sleep 0.1
        j=$((j + 1))
    done
    [ $j -gt 0 ] && FIN_WAITS=$((FIN_WAITS + 1))
    [ $j -gt "$FIN_MAX" ] && FIN_MAX=$j
}
if command -v zip >/dev/null 2>&1; then
    echo
    echo "== EPUB (median of $FIRST_RUNS rounds; warm: derived text and index cache kept, cold: emptied; less: the TXT)"
    printf '%-6s %-22s %9s %9s %9s %8s %8s\n' "size" "measure" "quire" "q-cold" "less" "ratio" "r-cold"
    for s in $SIZES; do
        t="$W/serial-$s.txt" e="$W/serial-$s.epub"
        make_epub "$t" "$e"
        touch -d '1 minute ago' "$e"
        for key in wait cpu; do
            : >"$W/v-ew"; : >"$W/v-ec"; : >"$W/v-el"
            rm -rf "$W/cache-epub"
            # the first reading, to the end: the whole story converted (on
            # the loader's thread) and kept as the derived text
            run_pt epub "$W/cache-epub" $FIRST send:100% wait:Quembertonia send:qq -- "$Q" "$e"
            i=0
            while [ $i -lt "$FIRST_RUNS" ]; do
                run_pt epub "$W/cache-epub" $FIRST cpu send:qq -- "$Q" "$e"
                step "$([ $key = wait ] && echo $FIRST || echo cpu)" "$W/pt.out" >>"$W/v-ew"
                rm -rf "$W/cache-epub-cold"
                run_pt epub "$W/cache-epub-cold" $FIRST cpu send:qq -- "$Q" "$e"
                step "$([ $key = wait ] && echo $FIRST || echo cpu)" "$W/pt.out" >>"$W/v-ec"
                wait_finisher "$e"
                run_pt epub "$W/cache-none" $FIRST cpu send:q -- less "$t"
                step "$([ $key = wait ] && echo $FIRST || echo cpu)" "$W/pt.out" >>"$W/v-el"
                i=$((i + 1))
            done
            ew=$(median <"$W/v-ew"); ec=$(median <"$W/v-ec"); el=$(median <"$W/v-el")
            label="EPUB first screen (ms)"; [ $key = cpu ] && label="  CPU to first (ms)"
            printf '%-6s %-22s %9s %9s %9s %8s %8s\n' "${s}MB" "$label" "$ew" "$ec" "$el" "$(ratio "$ew" "$el")" "$(ratio "$ec" "$el")"
            record "epub_first $s key=$key quire_warm=$ew quire_cold=$ec less_txt=$el"
            echo "       (cold rounds that waited for the finisher: $FIN_WAITS of $FIRST_RUNS, longest $((FIN_MAX * 100)) ms)"
            FIN_WAITS=0 FIN_MAX=0
        done
        # private memory: after the first screen, at the end (100%)
        rm -rf "$W/state"
        XDG_STATE_HOME="$W/state" XDG_CACHE_HOME="$W/cache-epub" "$PT" -s 80x24 $FIRST mem \
            send:100% wait:Quembertonia mem send:qq -- "$Q" "$e" >"$W/em.out" 2>/dev/null
        ea1=$(awk '$1 == "mem" {c++; if (c == 1) for (i = 2; i <= NF; i++) {split($i, kv, "="); if (kv[1] == "anon_kib") print kv[2]}}' "$W/em.out")
        ea2=$(awk '$1 == "mem" {c++; if (c == 2) for (i = 2; i <= NF; i++) {split($i, kv, "="); if (kv[1] == "anon_kib") print kv[2]}}' "$W/em.out")
        eh=$(step hwm_kib "$W/em.out")
        printf '%-6s %-22s %9s %9s %9s\n' "${s}MB" "EPUB anon KiB first/end" "${ea1:--}" "${ea2:--}" ""
        printf '%-6s %-22s %9s\n' "${s}MB" "EPUB peak RSS KiB" "${eh:--}"
        record "epub_mem $s anon_first=${ea1:--} anon_end=${ea2:--} hwm=${eh:--}"
        # reopened at a place saved at 50% and 99% (warm: the derived file
        # from the reading above), against less +Np on the TXT
        for p in 50 99; do
            case $p in 50) m=Meridianholt;; 99) m=Ultimabrook;; esac
            rm -rf "$W/state-eat"
            XDG_STATE_HOME="$W/state-eat" XDG_CACHE_HOME="$W/cache-epub" "$PT" -s 80x24 $FIRST \
                send:$p% wait:$m send:qq -- "$Q" "$e" >/dev/null 2>&1
            : >"$W/v-eaw"; : >"$W/v-eac"; : >"$W/v-elw"; : >"$W/v-elc"
            i=0
            while [ $i -lt "$FIRST_RUNS" ]; do
                XDG_STATE_HOME="$W/state-eat" XDG_CACHE_HOME="$W/cache-epub" "$PT" -s 80x24 \
                    wait:$m cpu send:qq -- "$Q" "$e" >"$W/pt.out" 2>/dev/null
                step wait:$m "$W/pt.out" >>"$W/v-eaw"; step cpu "$W/pt.out" >>"$W/v-eac"
                "$PT" -s 80x24 wait:$m cpu send:q -- less +${p}p "$t" >"$W/pt.out" 2>/dev/null
                step wait:$m "$W/pt.out" >>"$W/v-elw"; step cpu "$W/pt.out" >>"$W/v-elc"
                i=$((i + 1))
            done
            eaw=$(median <"$W/v-eaw"); eac=$(median <"$W/v-eac")
            elw=$(median <"$W/v-elw"); elc=$(median <"$W/v-elc")
            printf '%-6s %-22s %9s %9s %9s %8s %8s\n' "${s}MB" "EPUB reopened $p% ms" "$eaw" "" "$elw" \
                "$(ratio "$eaw" "$elw")" ""
            printf '%-6s %-22s %9s %9s %9s %8s %8s\n' "${s}MB" "  CPU (ms)" "$eac" "" "$elc" \
                "$(ratio "$eac" "$elc")" ""
            record "epub_reopen $s at=$p quire=$eaw less=$elw quire_cpu=$eac less_cpu=$elc"
        done
    done
else
    echo "bench: zip is not installed: the EPUB figures are skipped"
fi

# --- reopened at the saved place (issue 17): the place saved by one run
# (N%, then q), the next run timed until the place's marker is drawn,
# against `less +Np`; Meridianholt marks 50% of the bytes, Ultimabrook 99%.
echo
echo "== reopened at the saved place (median of $RUNS; warm: index cache kept, cold: emptied before each run)"
printf '%-6s %-5s %9s %9s %9s %8s %8s %9s %9s %8s %8s %8s\n' "size" "at" "quire" "q-cold" "less" \
    "ratio" "r-cold" "anon KiB" "less anon" "q-cpu" "l-cpu" "r-cpu"
for s in $SIZES; do
    f="$W/serial-$s.txt"
    for p in 0 50 99; do
        case $p in 0) m=Ossingtonmoor;; 50) m=Meridianholt;; 99) m=Ultimabrook;; esac
        rm -rf "$W/state-at" "$W/cache-at"
        XDG_STATE_HOME="$W/state-at" XDG_CACHE_HOME="$W/cache-at" "$PT" -s 80x24 $FIRST send:$p% \
            wait:$m send:qq -- "$Q" "$f" >/dev/null 2>&1
        [ $p = 0 ] && XDG_STATE_HOME="$W/state-at" XDG_CACHE_HOME="$W/cache-at" "$PT" -s 80x24 \
            $FIRST send:qq -- "$Q" "$f" >/dev/null 2>&1
        : >"$W/v-aw"; : >"$W/v-ac"; : >"$W/v-al"; : >"$W/v-am"; : >"$W/v-alm"
        : >"$W/v-aqc"; : >"$W/v-alc"
        i=0
        while [ $i -lt "$RUNS" ]; do
            XDG_STATE_HOME="$W/state-at" XDG_CACHE_HOME="$W/cache-at" "$PT" -s 80x24 wait:$m cpu mem \
                send:qq -- "$Q" "$f" >"$W/pt.out" 2>/dev/null
            step wait:$m "$W/pt.out" >>"$W/v-aw"; step anon_kib "$W/pt.out" >>"$W/v-am"
            step cpu "$W/pt.out" >>"$W/v-aqc"
            rm -rf "$W/cache-at-cold"
            XDG_STATE_HOME="$W/state-at" XDG_CACHE_HOME="$W/cache-at-cold" "$PT" -s 80x24 wait:$m \
                send:qq -- "$Q" "$f" >"$W/pt.out" 2>/dev/null
            step wait:$m "$W/pt.out" >>"$W/v-ac"
            "$PT" -s 80x24 wait:$m cpu mem send:q -- less +${p}p "$f" >"$W/pt.out" 2>/dev/null
            step wait:$m "$W/pt.out" >>"$W/v-al"; step anon_kib "$W/pt.out" >>"$W/v-alm"
            step cpu "$W/pt.out" >>"$W/v-alc"
            i=$((i + 1))
        done
        aw=$(median <"$W/v-aw"); ac=$(median <"$W/v-ac"); al=$(median <"$W/v-al")
        am=$(median <"$W/v-am"); alm=$(median <"$W/v-alm")
        aqc=$(median <"$W/v-aqc"); alc=$(median <"$W/v-alc")
        printf '%-6s %-5s %9s %9s %9s %8s %8s %9s %9s %8s %8s %8s\n' "${s}MB" "$p%" "$aw" "$ac" "$al" \
            "$(ratio "$aw" "$al")" "$(ratio "$ac" "$al")" "$am" "$alm" "$aqc" "$alc" \
            "$(ratio "$aqc" "$alc")"
        record "reopen $s at=$p quire=$aw quire_cold=$ac less=$al quire_anon=$am less_anon=$alm" \
            "quire_cpu=$aqc less_cpu=$alc"
    done
done

# --- memory after each step (issue 17): private memory (Anonymous) and
# peak RSS after a fresh first screen, a search to the end, 100%, a resize;
# and after reopening at 50%; quire and less side by side.
echo
echo "== memory after each step (KiB: anon / peak RSS)"
printf '%-6s %-16s %17s %17s\n' "size" "step" "quire" "less"
for s in $SIZES; do
    f="$W/serial-$s.txt"
    rm -rf "$W/state-m"
    XDG_STATE_HOME="$W/state-m" XDG_CACHE_HOME="$W/cache-warm" "$PT" -s 80x24 $FIRST mem \
        "send:/$PHRASE\\r" wait:Zanzibarine mem send:100% wait:Quembertonia mem \
        resize:100x30 wait:Quembertonia mem send:qq -- "$Q" "$f" >"$W/mq.out" 2>/dev/null
    "$PT" -s 80x24 $FIRST mem "send:/$PHRASE\\r" wait:Zanzibarine mem send:G wait:Quembertonia mem \
        resize:100x30 wait:Quembertonia mem send:q -- less "$f" >"$W/ml.out" 2>/dev/null
    rm -rf "$W/state-m"
    XDG_STATE_HOME="$W/state-m" XDG_CACHE_HOME="$W/cache-warm" "$PT" -s 80x24 $FIRST send:50% \
        wait:Meridianholt send:qq -- "$Q" "$f" >/dev/null 2>&1
    XDG_STATE_HOME="$W/state-m" XDG_CACHE_HOME="$W/cache-warm" "$PT" -s 80x24 wait:Meridianholt \
        mem send:qq -- "$Q" "$f" >"$W/mr.out" 2>/dev/null
    "$PT" -s 80x24 wait:Meridianholt mem send:q -- less +50p "$f" >"$W/mrl.out" 2>/dev/null
    # nth KEY N FILE: the Nth value of KEY in a ptytime output
    nth() { awk -v k="$1" -v n="$2" '$1 == "mem" {c++; if (c == n) for (i = 2; i <= NF; i++) {split($i, kv, "="); if (kv[1] == k) print kv[2]}}' "$3"; }
    k=1
    for st in fresh search-end 100%/G resize; do
        qa=$(nth anon_kib $k "$W/mq.out"); qh=$(nth hwm_kib $k "$W/mq.out")
        la=$(nth anon_kib $k "$W/ml.out"); lh=$(nth hwm_kib $k "$W/ml.out")
        printf '%-6s %-16s %8s /%8s %8s /%8s\n' "${s}MB" "$st" "${qa:--}" "${qh:--}" "${la:--}" "${lh:--}"
        record "memstep $s step=$st quire_anon=${qa:--} quire_hwm=${qh:--} less_anon=${la:--} less_hwm=${lh:--}"
        k=$((k + 1))
    done
    qa=$(nth anon_kib 1 "$W/mr.out"); qh=$(nth hwm_kib 1 "$W/mr.out")
    la=$(nth anon_kib 1 "$W/mrl.out"); lh=$(nth hwm_kib 1 "$W/mrl.out")
    printf '%-6s %-16s %8s /%8s %8s /%8s\n' "${s}MB" "reopened at 50%" "${qa:--}" "${qh:--}" "${la:--}" "${lh:--}"
    record "memstep $s step=reopen50 quire_anon=${qa:--} quire_hwm=${qh:--} less_anon=${la:--} less_hwm=${lh:--}"
done

# --- huge paragraphs (issue 17): 50 MB with no line end, and five lines of
# 10 MB: the first screen against less's, G and 100% (the whole file read
# by the loader), the search of a word near the end; peak RSS.
echo
echo "== huge paragraphs, 50 MB (median of $RUNS; ms, KiB)"
awk 'BEGIN { printf "Openingword "; for (i = 0; i < 9999990; i++) printf "word "; printf "quagga zebra finale" }' >"$W/one50.txt"
awk 'BEGIN { printf "Openingword "; for (l = 0; l < 5; l++) { for (i = 0; i < 2000000; i++) printf "word "; printf "line%d\n", l }; print "quagga zebra finale" }' >"$W/few50.txt"
printf '%-10s %9s %9s %8s %9s %9s %9s %9s\n' "file" "first" "less" "ratio" "G" "100%" "search" "peak RSS"
for h in one50 few50; do
    : >"$W/v-hq"; : >"$W/v-hl"
    i=0
    while [ $i -lt "$RUNS" ]; do
        rm -rf "$W/state-h" "$W/cache-h"
        XDG_STATE_HOME="$W/state-h" XDG_CACHE_HOME="$W/cache-h" "$PT" -s 80x24 wait:Openingword \
            send:qq -- "$Q" "$W/$h.txt" >"$W/pt.out" 2>/dev/null
        step wait:Openingword "$W/pt.out" >>"$W/v-hq"
        "$PT" -s 80x24 wait:Openingword send:q -- less "$W/$h.txt" >"$W/pt.out" 2>/dev/null
        step wait:Openingword "$W/pt.out" >>"$W/v-hl"
        i=$((i + 1))
    done
    hq=$(median <"$W/v-hq"); hl=$(median <"$W/v-hl")
    rm -rf "$W/state-h" "$W/cache-h"
    XDG_STATE_HOME="$W/state-h" XDG_CACHE_HOME="$W/cache-h" "$PT" -s 80x24 wait:Openingword \
        send:G wait:finale send:g 'send:/zebra\r' wait:finale send:g send:100% wait:finale mem \
        send:qq -- "$Q" "$W/$h.txt" >"$W/pt.out" 2>/dev/null
    hg=$(awk '$1 == "wait:finale" {n++; if (n == 1) print $2}' "$W/pt.out")
    hs=$(awk '$1 == "wait:finale" {n++; if (n == 2) print $2}' "$W/pt.out")
    hp=$(awk '$1 == "wait:finale" {n++; if (n == 3) print $2}' "$W/pt.out")
    hh=$(step hwm_kib "$W/pt.out")
    printf '%-10s %9s %9s %8s %9s %9s %9s %9s\n' "$h" "$hq" "$hl" "$(ratio "$hq" "$hl")" "${hg:--}" "${hp:--}" "${hs:--}" "${hh:--}"
    record "huge $h first=$hq less=$hl G=${hg:--} pct100=${hp:--} search=${hs:--} hwm=${hh:--}"
done

# The largest serial with CR LF line ends, in Windows-1252 and in UTF-16:
# its first screen comes from the file's head all the same (less shows
# UTF-16 as bytes and never draws the marker: no ratio there).
small=$(echo $SIZES | awk '{print $1}'); large=$(echo $SIZES | awk '{print $NF}')
big="$W/serial-$large.txt"
sed 's/$/\r/' "$big" >"$W/v-crlf.txt"
iconv -f UTF-8 -t WINDOWS-1252//TRANSLIT "$big" >"$W/v-cp1252.txt" 2>/dev/null
iconv -f UTF-8 -t UTF-16 "$big" >"$W/v-utf16.txt"
for v in crlf cp1252 utf16; do
    FS_LESS=1
    [ $v = utf16 ] && FS_LESS=0
    set -- $(first_screen $FIRST "$W/v-$v.txt"); qw=$1 qc=$2 lf=$3
    printf '%-6s %-22s %9s %9s %9s %8s %8s\n' "$(wc -c <"$W/v-$v.txt" | awk '{printf "%.0f", $1 / 1048576}')MB" "first screen, $v" "$qw" "$qc" "$lf" "$(ratio "$qw" "$lf")" "$(ratio "$qc" "$lf")"
    record "first_$v quire_warm=$qw quire_cold=$qc less=$lf"
done
FS_LESS=1

# memory growth: quire's anonymous memory at the end, largest vs smallest story
# end_field SIZE KEY: KEY's value in the "end SIZE" record
end_field() {
    awk -v s="$1" -v k="$2" '$1 == "end" && $2 == s {for (i = 3; i <= NF; i++) {split($i, kv, "="); if (kv[1] == k) print kv[2]}}' "$RES"
}
# growth KEY LABEL RECORD: print and record KEY at the largest size minus the smallest
growth() {
    g_small=$(end_field "$small" "$1"); g_large=$(end_field "$large" "$1")
    if [ -n "$g_small" ] && [ -n "$g_large" ] && [ "$g_small" != "-" ] && [ "$g_large" != "-" ]; then
        d=$((g_large - g_small))
        verdict="within 2 MB"
        [ "$d" -gt 2048 ] && verdict="MORE than 2 MB"
        echo "$2: quire anon at the end ${large} MB - ${small} MB = $d KiB ($verdict)"
        record "$3 anon_kib=$d"
    fi
}
growth quire_anon "memory growth" growth
growth quire_anon_cold "memory growth, cold cache" growth_cold

# --- the library of 10,000 files -------------------------------------------
echo
nfiles=$(find "$W/lib" -type f | wc -l)
echo "library: $W/lib, $nfiles files ($(du -sk "$W/lib" | cut -f1) KiB)"
now_ms() { date +%s%N | awk '{printf "%.1f\n", $1 / 1e6}'; }
list_once() {   # cache folder; prints ms
    t0=$(now_ms)
    XDG_CACHE_HOME="$1" XDG_STATE_HOME="$W/state" "$Q" --list "$W/lib" >"$W/list.out" 2>&1
    t1=$(now_ms)
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", b - a}'
}
rm -rf "$W/lc"
cold=$(list_once "$W/lc")
cp "$W/list.out" "$W/list-cold.out"
warm_sh=$(list_once "$W/lc")
same=no
cmp -s "$W/list.out" "$W/list-cold.out" && same=yes
if [ "$HAVE_HF" = 1 ]; then
    XDG_CACHE_HOME="$W/lc" XDG_STATE_HOME="$W/state" hyperfine -N -w 2 -r 10 \
        --export-json "$W/hf-warm.json" "$Q --list $W/lib" >/dev/null 2>&1
    XDG_CACHE_HOME="$W/lc2" XDG_STATE_HOME="$W/state" hyperfine -N -r 3 \
        --prepare "rm -rf $W/lc2" --export-json "$W/hf-cold.json" "$Q --list $W/lib" >/dev/null 2>&1
    hf() { sed -n "s/^ *\"$2\": \\([0-9.e+-]*\\),*$/\\1/p" "$1" | head -n 1 | awk '{printf "%.1f\n", $1 * 1000}'; }
    warm=$(hf "$W/hf-warm.json" median); warm_cpu=$(awk -v u="$(hf "$W/hf-warm.json" user)" -v s="$(hf "$W/hf-warm.json" system)" 'BEGIN {printf "%.1f\n", u + s}')
    cold=$(hf "$W/hf-cold.json" median); cold_cpu=$(awk -v u="$(hf "$W/hf-cold.json" user)" -v s="$(hf "$W/hf-cold.json" system)" 'BEGIN {printf "%.1f\n", u + s}')
    how="hyperfine median"
else
    warm=$warm_sh; warm_cpu=-; cold_cpu=-
    how="one run, shell clock"
fi
# one file touched: the snapshot no longer matches the folder, the library
# is built again from the index cache (every file still a hit)
one=$(find "$W/lib" -type f -name '*.txt' | sort | head -n 1)
if [ "$HAVE_HF" = 1 ]; then
    XDG_CACHE_HOME="$W/lc" XDG_STATE_HOME="$W/state" hyperfine -N -w 1 -r 10 \
        --prepare "touch -d '2 hours ago' $one" \
        --export-json "$W/hf-touched.json" "$Q --list $W/lib" >/dev/null 2>&1
    touched=$(hf "$W/hf-touched.json" median)
else
    touch -d '2 hours ago' "$one"
    touched=$(list_once "$W/lc")
fi
touched_same=no
cmp -s "$W/list.out" "$W/list-cold.out" && touched_same=yes
# a corrupt cache (both files truncated in the middle) is ignored, then
# replaced
corrupt_ok=skipped
if ls "$W"/lc/quire/index-* "$W"/lc/quire/library-* >/dev/null 2>&1; then
    for c in "$W"/lc/quire/index-* "$W"/lc/quire/library-*; do
        sz=$(wc -c <"$c")
        head -c $((sz / 2)) "$c" >"$c.tmp" && mv "$c.tmp" "$c"
    done
    corrupt=$(list_once "$W/lc")
    corrupt_ok=no
    cmp -s "$W/list.out" "$W/list-cold.out" && corrupt_ok=yes
    again=$(list_once "$W/lc")
fi
# the cold listing analysed on one thread (QUIRE_BUILD_THREADS=1), side by
# side with the two threads above; the same output
cold1=-; same_threads=skipped
if [ "$HAVE_HF" = 1 ]; then
    QUIRE_BUILD_THREADS=1 XDG_CACHE_HOME="$W/lc3" XDG_STATE_HOME="$W/state" hyperfine -N -r 3 \
        --prepare "rm -rf $W/lc3" --export-json "$W/hf-cold1.json" "$Q --list $W/lib" >/dev/null 2>&1
    cold1=$(hf "$W/hf-cold1.json" median)
fi
rm -rf "$W/lc4"
QUIRE_BUILD_THREADS=1 XDG_CACHE_HOME="$W/lc4" XDG_STATE_HOME="$W/state" "$Q" --list "$W/lib" >"$W/list-1t.out" 2>&1
same_threads=no
cmp -s "$W/list-1t.out" "$W/list-cold.out" && same_threads=yes
printf '%-34s %9s ms (CPU %s ms)\n' "--list, cold cache" "$cold" "$cold_cpu"
printf '%-34s %9s ms  (2 threads / 1: %s; same listing: %s)\n' "--list, cold, one thread" "$cold1" "$(ratio "$cold" "$cold1")" "$same_threads"
record "list_threads cold1=$cold1 cold2=$cold same=$same_threads"
printf '%-34s %9s ms (CPU %s ms)  [%s]\n' "--list, warm cache" "$warm" "$warm_cpu" "$how"
printf '%-34s %9s\n' "warm / cold" "$(ratio "$warm" "$cold")"
printf '%-34s %9s\n' "warm within 200 ms" "$(awk -v w="$warm" 'BEGIN {print (w <= 200 ? "yes" : "NO")}')"
printf '%-34s %9s ms  (snapshot stale, index cache used; same listing: %s)\n' "--list, one file touched" "${touched:--}" "$touched_same"
printf '%-34s %9s\n' "same listing cold and warm" "$same"
printf '%-34s %9s (%s ms, then %s ms)\n' "corrupt cache: same listing" "$corrupt_ok" "${corrupt:--}" "${again:--}"
record "list files=$nfiles cold=$cold cold_cpu=$cold_cpu warm=$warm warm_cpu=$warm_cpu touched=${touched:--} same=$same corrupt_ok=$corrupt_ok corrupt=${corrupt:--} after_corrupt=${again:--}"

# --- pathological inputs (issues 14 and 17): 1 MB of each laid out by
# --render, against 1 MB of prose; every pass linear means within 3x
echo
echo "== pathological inputs, --render -w 80 (median of $RUNS runs)"
# shellcheck disable=SC2086
./build/gencorpus serial 1 "$W/prose-1.txt" $NOVELS >/dev/null || exit 1
render_ms() {
    for _ in $(seq "$RUNS"); do
        t0=$(date +%s%N); "$Q" --render -w 80 "$1" >/dev/null; t1=$(date +%s%N)
        echo $(((t1 - t0) / 1000000))
    done | median
}
prose_ms=$(render_ms "$W/prose-1.txt")
printf '%-34s %9s ms\n' "prose, 1 MB" "$prose_ms"
for k in breaks blanks headings onechar emphasis underscores; do
    ./build/gencorpus patho "$k" "$W/patho-$k.txt" || exit 1
    ms=$(render_ms "$W/patho-$k.txt")
    printf '%-34s %9s ms  %5sx prose\n' "$k, 1 MB" "$ms" "$(ratio "$ms" "$prose_ms")"
    record "patho kind=$k ms=$ms prose_ms=$prose_ms"
done
# the same as instructions (callgrind: exact and repeatable), when valgrind
# and the dynamically linked build are here
if command -v valgrind >/dev/null 2>&1 && [ -x build/quire-dyn ]; then
    instr() { valgrind --tool=callgrind --callgrind-out-file=/dev/null build/quire-dyn --render -w 80 "$1" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
    pi=$(instr "$W/prose-1.txt")
    printf '%-34s %12s instructions\n' "prose, 1 MB" "$pi"
    for k in breaks blanks headings onechar emphasis underscores; do
        ki=$(instr "$W/patho-$k.txt")
        printf '%-34s %12s instructions  %5sx prose\n' "$k, 1 MB" "$ki" "$(ratio "$ki" "$pi")"
        record "patho_instr kind=$k instr=$ki prose_instr=$pi"
    done
fi

# --- the other helpers' benches ------------------------------------------------
for b in scripts/bench_layout.sh scripts/bench_ui.sh; do
    if [ -f "$b" ]; then
        echo
        echo "== $b"
        sh "$b" || echo "bench: $b failed" >&2
    fi
done
echo
echo "bench: raw figures in $RES"
