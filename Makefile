# quire — build, test, install.  See README.md and docs/ARCHITECTURE.md.
#
#   make            build ./quire
#   make run        install missing build dependencies, build, open the sample library
#   make check      build and run every test; last line "N passed, N failed"
#                   (T='t_cli test_parse t_ui_*': only those suites)
#   make bench      performance comparisons (docs/BENCHMARKS.md)
#   make fuzz       run every fuzz target for FUZZ_SECONDS each (default 60)
#   make install / uninstall   (PREFIX, DESTDIR)
#   make warnings-clang        every source through clang -Werror: a whole
#                              clang build (-O0) in build/clang
#
# BUILD names the folder for objects (default build/) and BIN the binary
# (default ./quire), so a second build (another compiler, another PREFIX)
# can live beside the first: make CC=clang BUILD=build/clang BIN=build/clang/quire

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/quire
LIBDIR  ?= $(PREFIX)/lib
PLUGINDIR ?= $(LIBDIR)/quire
VERSION := 0.1.0

CC      ?= cc
CLANG   ?= clang
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
CPPFLAGS += -Iinclude -D_GNU_SOURCE -DNCURSES_WIDECHAR=1 -DQUIRE_VERSION='"$(VERSION)"'
CFLAGS  ?=
ALL_CFLAGS = -std=c11 $(OPT) $(PIE_CFLAGS) $(WARN) $(WERROR) $(CFLAGS)
LDLIBS  += $(CURSES_LIBS) -lunistring -pthread
# The EPUB/HTML converters (ebook.c, html.c, epub.c, epub_sax.c, epub_zip.c)
# use libxml2 and libarchive.  They are not linked into the binary: they are
# built into the converter program $(BUILD)/quire-convert, which
# quire starts as a coprocess on the first ebook file (ebook_door.c;
# docs/ARCHITECTURE.md says why).  Unit tests and fuzz targets link them
# directly.
EBOOK_CFLAGS := $(shell $(PKG_CONFIG) --cflags libxml-2.0 libarchive 2>/dev/null || echo -I/usr/include/libxml2)
EBOOK_LIBS   := $(shell $(PKG_CONFIG) --libs libxml-2.0 libarchive 2>/dev/null || echo -lxml2 -larchive)
CPPFLAGS += $(patsubst -I%,-isystem %,$(EBOOK_CFLAGS))

# How the binary is linked (STATIC_DEPS):
#   static  everything, the C library too, into one static executable at a
#         fixed address: no dynamic loader and no relocation before main
#         (10 page faults and 0.1-0.3 ms less per start than pie,
#         docs/BENCHMARKS.md "A static executable at a fixed address").
#         EPUB and HTML are read all the same: the converter, which parses
#         the untrusted XML and zips, is a program of its own and keeps
#         its randomized addresses (static-pie).
#   pie   the same as a static position-independent executable (0.25 ms
#         less CPU per start than 1).
#   1     libunistring and ncursesw statically, the C library dynamically.
#   0     all dynamically, as a distribution would.
# auto (the default) takes static when the C library's and the others'
# static archives are there, else 1 when those of the others are, else 0.  The
# terminfo database and the locale are still read at run time.  The unit
# tests link dynamically, and $(BUILD)/quire-dyn (the same objects linked
# dynamically) is what valgrind runs: it cannot watch a static malloc.
# The converter $(BUILD)/quire-convert is static-pie too when STATIC_DEPS
# is pie and every archive its libraries need is there (CONVERTER_STATIC
# below), else dynamic.
STATIC_DEPS ?= auto
STATIC_LIBS := -lunistring -lncursesw -ltinfo -pthread
have_archive = $(filter /%,$(shell $(CC) -print-file-name=$(1) 2>/dev/null))
ifeq ($(STATIC_DEPS),auto)
  ifneq ($(and $(call have_archive,libunistring.a),$(call have_archive,libncursesw.a),$(call have_archive,libtinfo.a)),)
    STATIC_DEPS := $(if $(call have_archive,libc.a),static,1)
  endif
endif
ifeq ($(STATIC_DEPS),static)
BIN_LIBS := -static $(STATIC_LIBS)
PIE_CFLAGS := -fPIE
else ifeq ($(STATIC_DEPS),pie)
BIN_LIBS := -static-pie $(STATIC_LIBS)
PIE_CFLAGS := -fPIE
else ifeq ($(STATIC_DEPS),1)
BIN_LIBS := -Wl,-Bstatic $(filter-out -pthread,$(STATIC_LIBS)) -Wl,-Bdynamic -pthread
else
BIN_LIBS := $(LDLIBS)
endif
# The converter's link (CONVERTER_STATIC): 1 static-pie, libxml2 and
# libarchive and what they use inside it (ICU's data, nettle, the
# decompressors; CPU at its start 1.1 ms, dynamically 4.1: docs/BENCHMARKS.md
# "The converter's link"); 0 dynamic.  auto takes 1 with STATIC_DEPS static
# or pie and every archive of CONVERTER_STATIC_LIBS there (scripts/deps.sh
# installs them).  Debian's libzip has no static archive: the converter
# reads zips with libarchive.
CONVERTER_STATIC ?= auto
CONVERTER_STATIC_LIBS := -larchive -lxml2 -licuuc -licudata -lnettle -llzma -lzstd -lbz2 -lz \
                         -lunistring -lstdc++ -lm -lpthread
ifeq ($(CONVERTER_STATIC),auto)
  CONVERTER_STATIC := 0
  ifneq ($(filter static pie,$(STATIC_DEPS)),)
    ifeq ($(strip $(foreach l,$(filter -l%,$(CONVERTER_STATIC_LIBS)),$(if $(call have_archive,lib$(l:-l%=%).a),,$(l)))),)
      CONVERTER_STATIC := 1
    endif
  endif
endif
ifeq ($(CONVERTER_STATIC),1)
CONVERTER_LIBS := -static-pie $(CONVERTER_STATIC_LIBS)
else
CONVERTER_LIBS := -Wl,--as-needed $(EBOOK_LIBS) -lunistring -pthread
endif

BUILD   ?= build
BIN     ?= quire

SRCS    := $(sort $(wildcard src/*.c))
OBJS    := $(SRCS:src/%.c=$(BUILD)/obj/%.o)
HDRS    := $(wildcard include/*.h)
# Files the build writes and sources include: $(BUILD)/gen (below).
CPPFLAGS += -I$(BUILD)/gen
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_NAMES := $(UNIT_SRCS:tests/unit/%.c=%)
UNIT_BINS := $(UNIT_NAMES:%=$(BUILD)/unit/%)

# The layers, bottom to top, and which objects and unit tests are in each:
# LAYERS, LAYER_<layer> (source names) and UNIT_<layer> (unit test names).
include tests/arch/layers.mk
# $(call layers_upto,L,LIST): the layers of LIST from the first up to L.
layers_upto = $(if $(2),$(firstword $(2)) $(if $(filter $(1),$(firstword $(2))),,$(call layers_upto,$(1),$(wordlist 2,$(words $(2)),$(2)))))
# $(call unit_layer,TEST): the layer of a unit test (empty when unplaced).
unit_layer = $(strip $(foreach l,$(LAYERS),$(if $(filter $(1),$(UNIT_$(l))),$(l))))
# $(call unit_objs,TEST): the sanitizer objects it links (the two mains
# never).
unit_objs = $(if $(call unit_layer,$(1)),$(patsubst %,$(BUILD)/san/%.o,$(filter-out main ebook_convert,$(foreach l,$(call layers_upto,$(call unit_layer,$(1)),$(LAYERS)),$(LAYER_$(l))))))
# The fuzz targets link the layers up to layout: no screens, no curses.
FUZZ_LIBSRCS := $(patsubst %,src/%.c,$(filter-out ebook_convert,$(foreach l,$(call layers_upto,layout,$(LAYERS)),$(LAYER_$(l)))))
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/%.c=%)
# The converter program: its main (ebook_convert.c) and, from an archive of
# the base and text objects, those it uses (the converters and what they
# call: not the parse memo, the caches or the block parser), linked with
# libxml2 and libarchive; tests/arch/t_layers.sh checks that it holds
# exactly the objects its main reaches.  The binary is built without the
# converter-only objects (they are compiled into $(BUILD)/obj all the
# same: tests/arch/t_layers.sh reads them).
CONVERTER_ONLY := ebook html epub epub_sax epub_zip ebook_convert
CONVERTER_ONLY_OBJS := $(filter $(CONVERTER_ONLY:%=$(BUILD)/obj/%.o),$(OBJS))
BIN_OBJS := $(filter-out $(CONVERTER_ONLY_OBJS),$(OBJS))
CONVERTER_MAIN := $(BUILD)/obj/ebook_convert.o
CONVERTER_AR := $(BUILD)/converter.a
CONVERTER_AR_OBJS := $(filter $(patsubst %,$(BUILD)/obj/%.o,$(LAYER_base) $(LAYER_text)),$(OBJS))
# Only once the converters are there (src/ebook.c).
CONVERTER := $(if $(wildcard src/ebook.c),$(BUILD)/quire-convert)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all run check deps check-deps bench fuzz fuzz-bins install uninstall clean \
        unit warnings-clang golden-update FORCE
all: $(BIN) $(CONVERTER)

# Keep sanitizer objects between runs (they are intermediates of the tests).
.SECONDARY:

# Stamps: objects are rebuilt when the compiler or flags change, and main.o
# (which holds the installed data folder) when DATADIR changes, so
# `make; make PREFIX=/opt/q install` installs a binary built for /opt/q.
$(BUILD)/flags: FORCE | $(BUILD)/obj
	@f='$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(BIN_LIBS) $(CONVERTER_LIBS)'; \
	 [ "$$f" = "$$(cat $@ 2>/dev/null)" ] || printf '%s\n' "$$f" >$@
$(BUILD)/datadir: FORCE | $(BUILD)/obj
	@[ '$(DATADIR) $(PLUGINDIR)' = "$$(cat $@ 2>/dev/null)" ] || printf '%s\n' '$(DATADIR) $(PLUGINDIR)' >$@

# `make quire` builds the converter too (order-only: a new converter does
# not relink the binary).
$(BIN): $(BIN_OBJS) $(CONVERTER_ONLY_OBJS) | $(CONVERTER)
	$(CC) $(ALL_CFLAGS) -o $@ $(BIN_OBJS) $(LDFLAGS) $(BIN_LIBS)
$(BUILD)/quire-dyn: $(BIN_OBJS) | $(CONVERTER)
	@$(CC) $(ALL_CFLAGS) -o $@ $(BIN_OBJS) $(LDFLAGS) $(LDLIBS)
$(CONVERTER_AR): $(CONVERTER_AR_OBJS)
	@rm -f $@ && $(AR) rcs $@ $(CONVERTER_AR_OBJS)
$(BUILD)/quire-convert: $(CONVERTER_MAIN) $(CONVERTER_AR) $(BUILD)/flags
	$(CC) $(ALL_CFLAGS) -o $@ $(CONVERTER_MAIN) $(CONVERTER_AR) $(LDFLAGS) $(CONVERTER_LIBS)

$(BUILD)/obj/main.o: src/main.c $(HDRS) $(BUILD)/flags $(BUILD)/datadir | $(BUILD)/obj
	@$(CC) $(CPPFLAGS) -DQUIRE_DATADIR='"$(DATADIR)"' $(ALL_CFLAGS) -c -o $@ $<
$(BUILD)/obj/ebook_door.o: src/ebook_door.c $(HDRS) $(BUILD)/flags $(BUILD)/datadir | $(BUILD)/obj
	@$(CC) $(CPPFLAGS) -DQUIRE_PLUGINDIR='"$(PLUGINDIR)"' $(ALL_CFLAGS) -c -o $@ $<
$(BUILD)/obj/%.o: src/%.c $(HDRS) $(BUILD)/flags | $(BUILD)/obj
	@$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/san/%.o: src/%.c $(HDRS) | $(BUILD)/san
	@$(CC) $(CPPFLAGS) -std=c11 -O1 -g $(WARN) $(WERROR) $(SAN_FLAGS) -c -o $@ $<

# A unit test links the objects of its own layer and of the layers below
# it, never one above (tests/arch/layers.mk): a call from a lower layer
# into a higher one fails to link here.
$(BUILD)/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(HDRS) | $(BUILD)/unit
	@$(if $(call unit_layer,$*),,echo "$*: place it in one UNIT_* list of tests/arch/layers.mk" >&2; exit 1;) \
	 $(CC) $(CPPFLAGS) -Itests/unit -std=c11 -O1 -g $(WARN) $(WERROR) $(SAN_FLAGS) \
	    -o $@ $< $(filter %.o,$^) $(LDLIBS) $(EBOOK_LIBS)
$(foreach t,$(UNIT_NAMES),$(eval $(BUILD)/unit/$(t): $(call unit_objs,$(t))))

$(BUILD)/obj $(BUILD)/san $(BUILD)/unit $(BUILD)/fuzz/lf $(BUILD)/fuzz/sa $(BUILD)/gen:
	@mkdir -p $@

# The heading words sorted for src/heading_words.c's lookups, written from
# its language rows by that file compiled as a program (-DHW_GENERATE,
# with util.c), so that the rows are the one place the words are written.
HW_TABLE := $(BUILD)/gen/heading_words.inc
$(HW_TABLE): src/heading_words.c src/util.c $(HDRS) | $(BUILD)/gen
	@$(CC) $(CPPFLAGS) -DHW_GENERATE -std=c11 -O1 $(WARN) $(WERROR) -o $(BUILD)/gen/heading_words \
	    src/heading_words.c src/util.c
	@$(BUILD)/gen/heading_words >$@.tmp && mv $@.tmp $@
$(BUILD)/obj/heading_words.o $(BUILD)/san/heading_words.o $(BUILD)/fuzz/lf/heading_words.o: $(HW_TABLE)

unit: $(UNIT_BINS)

# Dependencies: install what is missing (Debian), when we can.
deps:
	@sh scripts/deps.sh

run: deps
	@$(MAKE) --no-print-directory $(BIN)
	$(if $(filter /%,$(BIN)),$(BIN),./$(BIN)) -L sample_library

# Nothing may print after tests/run.sh's total: it is the last recipe line
# and silent (@).  The sub-make sees the packages deps just installed.
# Build in parallel unless the caller already gave -j.
# make check T='test_parse t_cli t_ui_*' runs only the suites named (unit
# test binaries and shell suites; shell patterns, as tests/run.sh matches
# them) and builds only what they need: the binaries, the unit tests named.
JOBS := $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(shell nproc 2>/dev/null || echo 2))
# (T from the command line only: not a T that happens to be in the environment.)
CHECK_T := $(if $(filter command line,$(origin T)),$(T))
# The whole run also builds the fuzz targets here, in parallel with the rest,
# linked with the standalone driver (tests/fuzz/standalone.c) to the unit
# tests' sanitizer objects: the smoke's bounded runs need no coverage
# guidance, and libFuzzer's own objects (every source compiled once more by
# clang) would cost more to build than the smoke costs to run.  `make fuzz`
# uses libFuzzer when clang can link a fuzzer.  make check
# FUZZ_MODE=libfuzzer smokes with libFuzzer.
CLOSE := )
CHECK_UNITS = $(shell for n in $(UNIT_NAMES); do for p in $(foreach t,$(CHECK_T),'$(t)'); do \
    case $$n in $$p$(CLOSE) echo $$n; break;; esac; done; done)
CHECK_BUILD = $(if $(CHECK_T),$(CHECK_UNITS),unit warnings-clang fuzz-bins)
CHECK_FUZZ_MODE := $(if $(filter command line,$(origin FUZZ_MODE)),$(FUZZ_MODE),standalone)
check: deps
	@$(MAKE) --no-print-directory $(JOBS) FUZZ_MODE=$(CHECK_FUZZ_MODE) \
	    $(BIN) $(BUILD)/quire-dyn $(patsubst test_%,$(BUILD)/unit/test_%,$(CHECK_BUILD))
	@FUZZ_MODE=$(CHECK_FUZZ_MODE) sh tests/run.sh $(foreach t,$(CHECK_T),'$(t)')

# Every source, test and fuzz target through clang with our warnings as
# errors: the tests and fuzz targets by -fsyntax-only, the sources in the
# whole program built and linked by clang in build/clang (the two in
# parallel under -j).  That build is -O0 (CLANG_OPT): clang's warnings come
# from its front end, the same at every -O, and -O2 made it cost five times
# as much.
CLANG_OPT ?= -O0
.PHONY: clang-syntax clang-build
warnings-clang: clang-syntax clang-build
clang-syntax:
	@for f in $(UNIT_SRCS); do \
	    $(CLANG) $(CPPFLAGS) -Itests/unit -std=c11 $(WARN) -Werror -fsyntax-only $$f || exit 1; \
	 done
	@for f in $(FUZZ_SRCS) tests/fuzz/standalone.c; do \
	    $(CLANG) $(CPPFLAGS) $(FUZZ_INCLUDE) -std=c11 $(WARN) -Werror -fsyntax-only $$f || exit 1; \
	 done
clang-build:
	@$(MAKE) --no-print-directory CC=$(CLANG) BUILD=$(BUILD)/clang BIN=$(BUILD)/clang/quire \
	    OPT='$(CLANG_OPT)' WERROR=-Werror $(BUILD)/clang/quire >/dev/null

# Fuzzing.  tests/fuzz/fuzz_*.c are libFuzzer targets.  With clang's
# libFuzzer: $(BUILD)/fuzz/lf/<target>; without it, the same target linked
# with tests/fuzz/standalone.c (replays and mutates the corpus) by $(CC):
# $(BUILD)/fuzz/sa/<target>.  tests/fuzz/run.sh picks and runs them.
# Every fuzz file sees the LLVMFuzzerTestOneInput prototype (tests/fuzz/fuzz.h).
FUZZ_INCLUDE := -include tests/fuzz/fuzz.h
FUZZ_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_LF_OBJS := $(FUZZ_LIBSRCS:src/%.c=$(BUILD)/fuzz/lf/%.o)
# The standalone driver reuses the unit tests' sanitizer objects.
FUZZ_SA_OBJS := $(FUZZ_LIBSRCS:src/%.c=$(BUILD)/san/%.o)
FUZZ_MODE ?= libfuzzer
ifeq ($(FUZZ_MODE),libfuzzer)
FUZZ_BINS := $(FUZZ_NAMES:%=$(BUILD)/fuzz/lf/%)
else
FUZZ_BINS := $(FUZZ_NAMES:%=$(BUILD)/fuzz/sa/%)
endif
fuzz-bins: $(FUZZ_BINS)

$(BUILD)/fuzz/lf/%.o: src/%.c $(HDRS) | $(BUILD)/fuzz/lf
	@$(CLANG) $(CPPFLAGS) -std=c11 -O1 -g $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(BUILD)/fuzz/lf/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_LF_OBJS) $(HDRS) | $(BUILD)/fuzz/lf
	@$(CLANG) $(CPPFLAGS) $(FUZZ_INCLUDE) -std=c11 -O1 -g $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer \
	    -o $@ $< $(FUZZ_LF_OBJS) $(LDLIBS) $(EBOOK_LIBS)
$(BUILD)/fuzz/sa/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h tests/fuzz/standalone.c $(FUZZ_SA_OBJS) $(HDRS) | $(BUILD)/fuzz/sa
	@$(CC) $(CPPFLAGS) $(FUZZ_INCLUDE) -std=c11 -O1 -g $(WARN) $(FUZZ_FLAGS) \
	    -o $@ $< tests/fuzz/standalone.c $(FUZZ_SA_OBJS) $(LDLIBS) $(EBOOK_LIBS)

FUZZ_SECONDS ?= 60
fuzz:
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

# (quire-dyn: the dynamically linked build the bench runs under callgrind
# for its instruction counts; valgrind cannot follow a static malloc)
bench: deps $(BIN) $(BUILD)/quire-dyn
	@sh scripts/bench.sh

golden-update: $(BIN)
	@sh tests/golden/update.sh

# install puts exactly these files; uninstall removes exactly them (and the
# sample library and converter folders it made).
install: $(BIN) $(CONVERTER)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/sample_library
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/quire
	$(if $(CONVERTER),install -d $(DESTDIR)$(PLUGINDIR))
	$(if $(CONVERTER),install -m 755 $(CONVERTER) $(DESTDIR)$(PLUGINDIR)/quire-convert)
	install -m 644 man/quire.1 $(DESTDIR)$(MANDIR)/man1/quire.1
	cp -R sample_library/. $(DESTDIR)$(DATADIR)/sample_library/
	chmod -R u=rwX,go=rX $(DESTDIR)$(DATADIR)/sample_library

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/quire $(DESTDIR)$(MANDIR)/man1/quire.1
	rm -rf $(DESTDIR)$(DATADIR)/sample_library
	rm -f $(DESTDIR)$(PLUGINDIR)/quire-convert
	@rmdir $(DESTDIR)$(DATADIR) $(DESTDIR)$(PLUGINDIR) 2>/dev/null || true

clean:
	rm -rf $(BUILD) quire
