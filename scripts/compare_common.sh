# shellcheck shell=sh
# scripts/compare_common.sh — sourced (`.`) first by the scripts that
# compare two builds' outputs, compare-convert.sh and compare-listing.sh,
# with USAGE set to what their usage line says after OLD NEW and TAG to
# the name of their temporary folder.  It takes OLD and NEW off the
# arguments into old and new (exits 2, with the usage line, without them),
# goes to the top of the tree (TOP), makes the folder W
# (quire-TAG.XXXXXX, removed on exit) and a clean environment: C.UTF-8,
# HOME inside W, no QUIRE_LIBRARY nor QUIRE_NO_CACHE.
# shellcheck disable=SC2034   # old, new and TOP are the scripts'
set -u
[ $# -ge 2 ] || { echo "usage: $0 OLD NEW $USAGE" >&2; exit 2; }
old=$1
new=$2
shift 2
cd "$(dirname "$0")/.." || exit 2
TOP=$(pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/quire-$TAG.XXXXXX") || exit 2
trap 'rm -rf "$W"' EXIT
export LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME="$W/home"
unset QUIRE_LIBRARY QUIRE_NO_CACHE
mkdir -p "$HOME"
