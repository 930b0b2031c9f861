# quire — build, test, install.  See README.md and docs/ARCHITECTURE.md.
#
#   make            build ./quire
#   make run        install missing build dependencies, build, open the sample library
#   make check      build and run every test; last line "N passed, N failed"
#   make bench      performance comparisons (docs/BENCHMARKS.md)
#   make fuzz       run every fuzz target for FUZZ_SECONDS each
#   make install / uninstall   (PREFIX, DESTDIR)

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/quire
VERSION := 0.1.0

CC      ?= cc
PKG_CONFIG ?= pkg-config
CURSES_CFLAGS := $(shell $(PKG_CONFIG) --cflags ncursesw 2>/dev/null)
CURSES_LIBS   := $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw)
# curses.h is included only by the ui module; its feature macros come from
# pkg-config there.  Everything else is built against POSIX + GNU.
WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wvla -Wpointer-arith \
           -Wcast-qual -Wundef -Wno-unused-parameter
WERROR  ?= -Werror
OPT     ?= -O2 -g
CPPFLAGS += -Iinclude -D_GNU_SOURCE -DNCURSES_WIDECHAR=1 \
            -DQUIRE_VERSION='"$(VERSION)"' -DQUIRE_DATADIR='"$(DATADIR)"'
CFLAGS  ?=
ALL_CFLAGS = -std=c11 $(OPT) $(WARN) $(WERROR) $(CFLAGS)
LDLIBS  += $(CURSES_LIBS) -lunistring

SRCS    := $(sort $(wildcard src/*.c))
LIBSRCS := $(filter-out src/main.c,$(SRCS))
OBJS    := $(SRCS:src/%.c=build/obj/%.o)
LIBOBJS := $(LIBSRCS:src/%.c=build/obj/%.o)
SAN_OBJS := $(LIBSRCS:src/%.c=build/san/%.o)
HDRS    := $(wildcard include/*.h)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/unit/%)
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all run check deps check-deps bench fuzz install uninstall clean \
        unit warnings-clang golden-update
all: quire

# Keep sanitizer objects between runs (they are intermediates of the tests).
.SECONDARY:

quire: $(OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $(OBJS) $(LDFLAGS) $(LDLIBS)

build/obj/%.o: src/%.c $(HDRS) | build/obj
	@$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

build/san/%.o: src/%.c $(HDRS) | build/san
	@$(CC) $(CPPFLAGS) -std=c11 -O1 -g $(WARN) $(WERROR) $(SAN_FLAGS) -c -o $@ $<

build/unit/%: tests/unit/%.c tests/unit/check.h $(SAN_OBJS) $(HDRS) | build/unit
	$(CC) $(CPPFLAGS) -Itests/unit -std=c11 -O1 -g $(WARN) $(WERROR) $(SAN_FLAGS) \
	    -o $@ $< $(SAN_OBJS) $(LDLIBS)

build/obj build/san build/unit build/fuzz:
	mkdir -p $@

unit: $(UNIT_BINS)

# Dependencies: install what is missing (Debian), when we can.
deps:
	@sh scripts/deps.sh

run: deps
	$(MAKE) quire
	./quire -L sample_library

check: deps
	$(MAKE) quire unit
	@sh tests/run.sh

warnings-clang:
	@for f in $(SRCS); do clang $(CPPFLAGS) -std=c11 $(WARN) -Werror -fsyntax-only $$f || exit 1; done

FUZZ_SECONDS ?= 60
fuzz:
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: deps quire
	@sh scripts/bench.sh

golden-update: quire
	@sh tests/golden/update.sh

install: quire
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/sample_library
	install -m 755 quire $(DESTDIR)$(BINDIR)/quire
	install -m 644 man/quire.1 $(DESTDIR)$(MANDIR)/man1/quire.1
	cp -R sample_library/. $(DESTDIR)$(DATADIR)/sample_library/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/quire $(DESTDIR)$(MANDIR)/man1/quire.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build quire
