#!/bin/sh
# Install quire's build and test dependencies when they are missing.
# Debian/Ubuntu only; elsewhere it says what is missing and goes on.
missing=""
have_hdr() { [ -f "/usr/include/$1" ] || [ -f "/usr/include/x86_64-linux-gnu/$1" ] || \
             ls /usr/include/*/"$1" >/dev/null 2>&1; }
have_hdr unistr.h || missing="$missing libunistring-dev"
have_hdr ncursesw/curses.h || missing="$missing libncurses-dev"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
command -v cc >/dev/null 2>&1 || missing="$missing gcc"
command -v make >/dev/null 2>&1 || missing="$missing make"
command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
command -v clang >/dev/null 2>&1 || missing="$missing clang"
[ -e /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a ] || \
    ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 || \
    missing="$missing libclang-rt-dev"
command -v mandoc >/dev/null 2>&1 || missing="$missing mandoc"
command -v valgrind >/dev/null 2>&1 || missing="$missing valgrind"
command -v less >/dev/null 2>&1 || missing="$missing less"
locale -a 2>/dev/null | grep -qi '^c.utf-\?8$' || missing="$missing locales"
[ -z "$missing" ] && exit 0
echo "deps: missing:$missing" >&2
if ! command -v apt-get >/dev/null 2>&1; then
    echo "deps: no apt-get here; install the packages above by hand" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "deps: not root and no sudo; install the packages above by hand" >&2
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null || echo "deps: apt-get update failed" >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
    echo "deps: apt-get install failed for:$missing" >&2; exit 1; }
echo "deps: installed:$missing" >&2
