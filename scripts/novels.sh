# shellcheck shell=sh
# scripts/novels.sh — sourced by the benches (bench.sh, bench_keys.sh, and
# through scripts/bench_common.sh bench_split.sh, tests/bench/reopen.sh and
# tests/bench/coldepub.sh): the Project Gutenberg novels their
# generated stories are made of (gencorpus serial/library), from the
# folder $G.  Sets NOVELS to the paths found, in this order ("" when none).
NOVELS=""
for _n in frankenstein_pg84-0.txt pride-and-prejudice_pg1342-0.txt dracula_pg345.txt \
          adventures-of-sherlock-holmes_pg1661.txt alice-in-wonderland_pg11-0.txt \
          war-and-peace_pg2600-0.txt; do
    [ -f "$G/$_n" ] && NOVELS="$NOVELS $G/$_n"
done
