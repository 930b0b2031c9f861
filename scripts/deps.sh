#!/bin/sh
# Install quire's build and test dependencies when they are missing.
# Debian/Ubuntu (apt-get), as root or through sudo; elsewhere it says what is
# missing and goes on.  Quiet when nothing is missing; safe to run again.
#
#   build:  C compiler and C library headers, make, pkg-config,
#           libncurses-dev (ncursesw), libunistring-dev, libxml2-dev and
#           libarchive-dev (the EPUB/HTML converter), and for its static
#           link nettle-dev, liblzma-dev, libzstd-dev, libbz2-dev,
#           zlib1g-dev, libicu-dev, libstdc++-N-dev (g++ on a fresh system)
#   tests:  tmux (screen tests), clang + its runtime (warnings-clang,
#           libFuzzer), mandoc (man page lint), valgrind, less (benchmarks),
#           syncthing + curl (t_syncthing), git (t_sync's merge driver)
#           pandoc (EPUBs of generated stories; those checks skip without it)
missing=""
need() { case " $missing " in *" $1 "*) ;; *) missing="$missing $1" ;; esac; }
have() { command -v "$1" >/dev/null 2>&1; }
have_hdr() { [ -f "/usr/include/$1" ] || ls /usr/include/*/"$1" >/dev/null 2>&1; }

have cc || need gcc
have make || need make
have_hdr stdio.h || need libc6-dev
# Compile and link a probe rather than look for a header by name: ICU ships
# its own unicode/unistr.h, which a name search would take for ours.
links() { printf '%s\n' "$2" 'int main(void) { return 0; }' |
          cc -x c - -o /dev/null "$1" >/dev/null 2>&1; }
have cc && { links -lunistring '#include <unistr.h>
#include <uniwidth.h>' || need libunistring-dev; }
have cc || need libunistring-dev
have_hdr ncursesw/curses.h || need libncurses-dev
have_hdr libxml2/libxml/HTMLparser.h || need libxml2-dev
have_hdr archive.h || need libarchive-dev
# The converter is linked static-pie when these archives are all there
# (the Makefile's CONVERTER_LIBS), else dynamically; Debian 12's
# libarchive-dev and libxml2-dev do not bring the others' -dev packages.
have_a() { case $(cc -print-file-name="$1" 2>/dev/null) in /*) return 0 ;; esac; return 1; }
if have cc; then
    have_a libarchive.a || need libarchive-dev
    have_a libxml2.a || need libxml2-dev
    have_a libicuuc.a || need libicu-dev
    have_a libnettle.a || need nettle-dev
    have_a liblzma.a || need liblzma-dev
    have_a libzstd.a || need libzstd-dev
    have_a libbz2.a || need libbz2-dev
    have_a libz.a || need zlib1g-dev
    have_a libstdc++.a || need "libstdc++-$(cc -dumpversion | cut -d. -f1)-dev"
else   # a fresh system: the same, g++ bringing its libstdc++-N-dev
    for p in libarchive-dev libxml2-dev libicu-dev nettle-dev liblzma-dev libzstd-dev \
             libbz2-dev zlib1g-dev g++; do
        need "$p"
    done
fi
have pkg-config || need pkg-config
have tmux || need tmux
have mandoc || need mandoc
have valgrind || need valgrind
have less || need less
have syncthing || need syncthing
have curl || need curl
have git || need git
have pandoc || need pandoc
locale -a 2>/dev/null | grep -qi '^c\.utf-\{0,1\}8$' || need locales

# clang, and libFuzzer from its runtime package: Debian 12 ships it in
# libclang-rt-14-dev (libclang-rt-dev depends on the default version).
fuzzer_ok() {
    printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\n%s\n' \
        'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; return (int)n * 0; }' |
        clang -fsanitize=fuzzer -x c - -o /dev/null >/dev/null 2>&1
}
if ! have clang; then
    need clang
    need libclang-rt-dev
elif ! fuzzer_ok; then
    major=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
    if [ -n "$major" ] && have apt-cache && apt-cache show "libclang-rt-$major-dev" >/dev/null 2>&1; then
        need "libclang-rt-$major-dev"
    else
        need libclang-rt-dev
    fi
fi

[ -z "$missing" ] && exit 0
echo "deps: missing:$missing" >&2
if ! have apt-get; then
    echo "deps: no apt-get here; install the packages above by hand" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if have sudo && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
        echo "deps: not root and no sudo; install the packages above by hand" >&2
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
apt_log=$(mktemp)
trap 'rm -f "$apt_log"' EXIT
$SUDO apt-get update -qq >"$apt_log" 2>&1 || { echo "deps: apt-get update failed:" >&2; tail -n 5 "$apt_log" >&2; }
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 $missing >"$apt_log" 2>&1; then
    echo "deps: apt-get install failed for:$missing" >&2
    tail -n 15 "$apt_log" >&2
    exit 1
fi
echo "deps: installed:$missing" >&2
