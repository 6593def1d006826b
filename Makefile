# surrogate — build, test, benchmark.  `make V=1` shows full commands.
# Sources are discovered: src/<module>/*.c -> library (every folder but cli),
# src/cli/*.c -> the CLI,
# tests/test_*.c -> one Criterion binary each, bench/*.c -> benchmarks,
# tools/*.c -> helper tools, fuzz/fuzz_*.c -> libFuzzer targets.

CC      ?= cc
BUILD   ?= build
PKGS    := gsl nlopt openblas xlsxwriter libcjson libzip expat freexl
STD     := -std=c11 -D_POSIX_C_SOURCE=200809L
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
OPT     ?= -O2 -g
SAN     ?=
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# GSL links against OpenBLAS's CBLAS, not gslcblas.
PKG_LIBS   := $(filter-out -lgslcblas,$(shell pkg-config --libs $(PKGS) 2>/dev/null)) -lcsv -lpthread -lm
CFLAGS_ALL  = $(STD) $(WARN) $(SRC_WARN) $(OPT) $(SAN) -Isrc $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL = $(SAN) $(LDFLAGS)

ifeq ($(V),1)
Q :=
else
Q := @
endif

MODULES    := core io design analysis model optim report
LIB_SRCS   := $(foreach m,$(MODULES),$(wildcard src/$(m)/*.c))
CLI_SRCS   := $(wildcard src/cli/*.c)
# The MPI build (make mpi): src/cli/mpi/*.c + the CLI without its main.c.
MPI_SRCS   := $(wildcard src/cli/mpi/*.c)
MPI_BIN    := $(BUILD)/surrogate-mpi
MPI_CFLAGS  = $(shell pkg-config --cflags ompi-c 2>/dev/null)
MPI_LIBS    = $(shell pkg-config --libs ompi-c 2>/dev/null)
TEST_SRCS  := $(wildcard tests/test_*.c)
BENCH_SRCS := $(wildcard bench/*.c)
TOOL_SRCS  := $(wildcard tools/*.c)
FUZZ_NAMES := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
LIB_OBJS   := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS   := $(CLI_SRCS:%.c=$(BUILD)/%.o)
LIB        := $(BUILD)/libsurrogate.a
BIN        := $(BUILD)/surrogate
TEST_BINS  := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)
TOOL_BINS  := $(TOOL_SRCS:tools/%.c=$(BUILD)/%)

.PHONY: mpi all deps run test test-build check-layers test-sanitize mutate bench bench-accuracy bench-loop bench-scale install uninstall toml-decoder tools $(FUZZ_NAMES:%=fuzz-%) clean help
.DEFAULT_GOAL := all
.SECONDARY:

all: $(BIN) $(TOOL_BINS)

help:
	@echo "make run            install deps, build, run studies/brazing.toml"
	@echo "make test           install deps, build, run every test"
	@echo "make test-sanitize  the same tests under ASan + UBSan"
	@echo "make mutate         apply each deliberate bug of tools/mutations.txt; fail if a test misses one"
	@echo "make bench          benchmarks (figures, not pass/fail)"
	@echo "make bench-accuracy network vs Gaussian process on standard test functions"
	@echo "make bench-loop     the simulation loop against random search on test functions"
	@echo "make bench-scale    fit with default settings on 1,000 to 100,000 rows"
	@echo "make fuzz-NAME FUZZ_SECONDS=N   libFuzzer on fuzz/fuzz_NAME.c ($(FUZZ_NAMES))"
	@echo "make deps           install Debian packages (idempotent)"
	@echo "make install        binary, man pages, example study (PREFIX=$(PREFIX), DESTDIR=)"
	@echo "make uninstall      remove exactly what make install wrote"

# ---- dependencies ---------------------------------------------------------
DEB_PKGS := build-essential pkg-config libgsl-dev libnlopt-dev libopenblas-dev \
            libxlsxwriter-dev libcriterion-dev libcsv-dev libcjson-dev libzip-dev libexpat1-dev libfreexl-dev clang \
            libclang-rt-14-dev libreoffice-calc-nogui unzip man-db groff-base locales \
            libopenmpi-dev openmpi-bin
# A decimal-comma locale for the locale-independence test (test_cli_locale).
TEST_LOCALE := de_DE.UTF-8
deps:
	$(Q)missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing" >&2; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	$(Q)if ! locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\?8'; then \
	  echo "make deps: generating the $(TEST_LOCALE) locale" >&2; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO localedef -i de_DE -c -f UTF-8 -A /usr/share/locale/locale.alias $(TEST_LOCALE); \
	fi

# ---- build ----------------------------------------------------------------
# The library and the CLI (not tests, tools or benchmarks) also build with
# -Wconversion: every narrowing conversion in src/ is explicit.
$(BUILD)/src/%.o: SRC_WARN := -Wconversion
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(CLI_OBJS) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_ALL) $(CLI_OBJS) $(LIB) $(PKG_LIBS) -o $@

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_ALL) $< $(LIB) $(PKG_LIBS) -lcriterion -o $@

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIB)
	$(Q)$(CC) $(LDFLAGS_ALL) $< $(LIB) $(PKG_LIBS) -o $@

$(BUILD)/%: $(BUILD)/tools/%.o $(LIB)
	$(Q)$(CC) $(LDFLAGS_ALL) $< $(LIB) $(PKG_LIBS) -o $@

# ---- MPI build (doc/cluster.md) ---------------------------------------------
MPI_OBJS := $(MPI_SRCS:%.c=$(BUILD)/%.o) $(filter-out $(BUILD)/src/cli/main.o,$(CLI_OBJS))
$(BUILD)/src/cli/mpi/%.o: CFLAGS += $(MPI_CFLAGS)
$(MPI_BIN): $(MPI_OBJS) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_ALL) $(MPI_OBJS) $(LIB) $(PKG_LIBS) $(MPI_LIBS) -o $@
mpi: deps
	$(Q)$(MAKE) --no-print-directory $(MPI_BIN)

tools: $(TOOL_BINS)
toml-decoder: $(BUILD)/toml-decoder

# ---- run, test, bench -----------------------------------------------------
run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(BIN) run studies/brazing.toml

# The layering rule of doc/architecture.md, checked on every test build.
check-layers:
	$(Q)tools/check-layers.sh

test-build: check-layers $(BIN) $(MPI_BIN) $(TOOL_BINS) $(TEST_BINS)

# Every test binary runs even if one fails; the exit status reports any failure.
test: deps
	$(Q)$(MAKE) --no-print-directory test-build
	$(Q)fail=0; for t in $(TEST_BINS); do \
	  echo "== $$t"; SURROGATE_BIN=$(abspath $(BIN)) SURROGATE_BUILD=$(abspath $(BUILD)) \
	    SURROGATE_MPI_BIN=$(abspath $(MPI_BIN)) \
	    $$t --jobs=2 || fail=1; \
	done; \
	if [ $$fail = 0 ]; then echo "all test binaries passed"; else echo "SOME TESTS FAILED"; fi; \
	exit $$fail

SAN_FLAGS := -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer
test-sanitize: deps
	$(Q)$(MAKE) --no-print-directory test BUILD=build/san OPT="-O1 -g" SAN="$(SAN_FLAGS)"

# Mutation testing (tools/mutate): each deliberate bug of tools/mutations.txt
# on a copy of the tree must make one of its entry's test binaries fail.
# MUTATE_ONLY="id ..." runs only those entries.
mutate: deps
	$(Q)$(MAKE) --no-print-directory $(BIN) $(TEST_BINS)
	$(Q)tools/mutate tools/mutations.txt

bench: deps
	$(Q)$(MAKE) --no-print-directory $(BENCH_BINS) $(BIN)
	$(Q)for b in $(BENCH_BINS); do echo "== $$b"; SURROGATE_BIN=$(abspath $(BIN)) $$b || exit 1; done

# Network vs Gaussian process on standard test functions (a few minutes).
bench-accuracy: deps
	$(Q)$(MAKE) --no-print-directory $(BUILD)/bench/bench_accuracy
	$(Q)$(BUILD)/bench/bench_accuracy

bench-loop: deps
	$(Q)$(MAKE) --no-print-directory $(BUILD)/bench/bench_loop
	$(Q)$(BUILD)/bench/bench_loop

# `fit` with default settings from 1,000 to 100,000 rows (a few minutes).
bench-scale: deps
	$(Q)$(MAKE) --no-print-directory $(BUILD)/bench/bench_scale $(BIN)
	$(Q)SURROGATE_BIN=$(abspath $(BIN)) $(BUILD)/bench/bench_scale

# ---- install ----------------------------------------------------------------
# make install PREFIX=/usr/local DESTDIR=/staging: the binary, the two man
# pages, and the example study with its data under share/surrogate/ (the
# study's relative path ../data/brazing_l27.csv keeps working there).
# make uninstall removes exactly those files, then the example's directories
# if they are empty.  tests/test_install.c checks both.
PREFIX  ?= /usr/local
DESTDIR ?=
INSTALL ?= install
BINDIR  := $(DESTDIR)$(PREFIX)/bin
MANDIR  := $(DESTDIR)$(PREFIX)/share/man
DATADIR := $(DESTDIR)$(PREFIX)/share/surrogate
INSTALL_FILES := $(BINDIR)/surrogate $(MANDIR)/man1/surrogate.1 \
                 $(MANDIR)/man5/surrogate-study.5 \
                 $(DATADIR)/studies/brazing.toml $(DATADIR)/data/brazing_l27.csv

install: $(BIN)
	$(INSTALL) -d $(BINDIR) $(MANDIR)/man1 $(MANDIR)/man5 $(DATADIR)/studies $(DATADIR)/data
	$(INSTALL) -m 755 $(BIN) $(BINDIR)/surrogate
	$(INSTALL) -m 644 doc/surrogate.1 $(MANDIR)/man1/surrogate.1
	$(INSTALL) -m 644 doc/surrogate-study.5 $(MANDIR)/man5/surrogate-study.5
	$(INSTALL) -m 644 studies/brazing.toml $(DATADIR)/studies/brazing.toml
	$(INSTALL) -m 644 data/brazing_l27.csv $(DATADIR)/data/brazing_l27.csv

uninstall:
	rm -f $(INSTALL_FILES)
	-rmdir $(DATADIR)/studies $(DATADIR)/data $(DATADIR) 2>/dev/null

# ---- fuzzing (clang libFuzzer) ------------------------------------------
# make fuzz-NAME runs fuzz/fuzz_NAME.c on seeds fuzz/corpus-NAME (committed),
# growing fuzz/corpus-work-NAME (git-ignored).  The library is rebuilt with
# clang and the fuzz flags into $(BUILD)/fuzz/src.  Any input slower than
# 5 s counts as a failure (timeout-*).  FUZZ_ARGS adds libFuzzer options.
FUZZ_SECONDS ?= 60
FUZZ_ARGS    ?=
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -g -O1
FUZZ_OBJS  := $(LIB_SRCS:src/%.c=$(BUILD)/fuzz/src/%.o)
$(BUILD)/fuzz/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC fuzz $<")
	$(Q)clang $(STD) $(WARN) $(FUZZ_FLAGS) -Isrc $(PKG_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c $(FUZZ_OBJS)
	@$(if $(Q),echo "  LD fuzz $@")
	$(Q)clang $(STD) $(WARN) $(FUZZ_FLAGS) -Isrc $(PKG_CFLAGS) $^ $(PKG_LIBS) -o $@
$(FUZZ_NAMES:%=fuzz-%): fuzz-%: deps $(BUILD)/fuzz/fuzz_%
	@mkdir -p fuzz/corpus-work-$*
	$(BUILD)/fuzz/fuzz_$* -max_total_time=$(FUZZ_SECONDS) -timeout=5 -print_final_stats=1 \
	  $(FUZZ_ARGS) fuzz/corpus-work-$* fuzz/corpus-$*

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
