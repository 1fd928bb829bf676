# heaplens - plain make, libraries found with pkg-config.
#
#   make              build ./heaplens
#   make deps         install missing Debian packages, fetch the Go grammar,
#                     generate the protobuf-c code (all under build/)
#   make demo         run heaplens on samples/ (runs make deps first if needed)
#   make check        run every test layer (runs make deps first if needed)
#   make fuzz         build the libFuzzer targets under build/fuzz/
#
# Switches: DEVELOPER=1 (strict warnings, -Werror), SANITIZE=address,undefined,
# VALGRIND=1 (black-box tests under valgrind), V=1 (show commands).

VERSION = 0.1.0

CC ?= cc
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config

# The Debian packages heaplens builds and tests with, and what each provides.
BUILD_PACKAGES = build-essential pkg-config libev-dev libjansson-dev \
	zlib1g-dev libprotobuf-c-dev protobuf-c-compiler libtree-sitter-dev \
	libcurl4-openssl-dev golang-github-google-pprof-dev
TEST_PACKAGES = golang-go valgrind procps jq \
	neovim emacs-nox elpa-eglot elpa-go-mode vim vim-ale gopls chromium
PACKAGES = $(BUILD_PACKAGES) $(TEST_PACKAGES)

PPROF_PROTO_DIR = /usr/share/gocode/src/github.com/google/pprof/proto
GO_GRAMMAR = tree-sitter-go@0.23.4

B = build
O = $(B)/obj

PKGS = jansson libprotobuf-c tree-sitter zlib
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

BASE_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-DHEAPLENS_VERSION='"$(VERSION)"' -I. -I$(B)/proto $(PKG_CFLAGS)
ifdef DEVELOPER
WARN_CFLAGS = -Wall -Wextra -pedantic -Werror -Wstrict-prototypes \
	-Wmissing-prototypes -Wshadow -Wformat=2 -Wwrite-strings -Wvla \
	-fno-common
else
WARN_CFLAGS = -Wall
endif
ifdef SANITIZE
SAN_FLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
endif

ALL_CFLAGS = $(BASE_CFLAGS) $(WARN_CFLAGS) $(SAN_FLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) -pthread $(LDFLAGS)
LIBS = $(PKG_LIBS) -lev -lm -pthread

ifndef V
QUIET_CC = @echo '   ' CC $@;
QUIET_AR = @echo '   ' AR $@;
QUIET_LINK = @echo '   ' LINK $@;
QUIET_GEN = @echo '   ' GEN $@;
endif

PROTOCOL_SRCS = $(wildcard protocol/*.c)
ANALYZER_SRCS = $(wildcard analyzers/*.c analyzers/*/*.c)
SERVER_SRCS = $(filter-out server/main.c,$(wildcard server/*.c))
LIB_SRCS = $(PROTOCOL_SRCS) $(ANALYZER_SRCS) $(SERVER_SRCS)
LIB_OBJS = $(LIB_SRCS:%.c=$(O)/%.o) $(O)/gen/profile.pb-c.o \
	$(O)/gen/go-parser.o
UNIT_SRCS = $(wildcard tests/unit/*.c)
UNIT_OBJS = $(UNIT_SRCS:%.c=$(O)/%.o)
FUZZ_NAMES = $(patsubst tests/fuzz/%-fuzzer.c,%,$(wildcard tests/fuzz/*-fuzzer.c))
FUZZ_REPLAYS = $(FUZZ_NAMES:%=$(B)/fuzz/replay-%)

PROTO_C = $(B)/proto/profile.pb-c.c
GO_PARSER_C = $(B)/tree-sitter-go/package/src/parser.c

all: heaplens

heaplens: $(O)/server/main.o $(B)/libheaplens.a
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(B)/libheaplens.a: $(LIB_OBJS)
	$(QUIET_AR)rm -f $@ && ar rcs $@ $^

# Objects rebuild when the flags change (a SANITIZE or DEVELOPER switch).
$(B)/FLAGS: FORCE
	@mkdir -p $(B)
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' > $@.new
	@if cmp -s $@ $@.new; then rm $@.new; else mv $@.new $@; fi

$(O)/%.o: %.c $(B)/FLAGS | check-libs $(PROTO_C)
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# Generated and third-party code: built, never committed, never warned about.
$(O)/gen/profile.pb-c.o: $(PROTO_C) $(B)/FLAGS
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(BASE_CFLAGS) $(SAN_FLAGS) $(CFLAGS) -w -c -o $@ $<

$(O)/gen/go-parser.o: $(GO_PARSER_C) $(B)/FLAGS
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) -std=c11 -I$(dir $<) $(SAN_FLAGS) -O1 -g0 -w -c -o $@ $<

$(PROTO_C): | check-libs
	@test -f $(PPROF_PROTO_DIR)/profile.proto || { echo "heaplens: missing $(PPROF_PROTO_DIR)/profile.proto (install golang-github-google-pprof-dev, or run 'make deps')" >&2; exit 1; }
	@command -v protoc-c >/dev/null || { echo "heaplens: missing protoc-c (install protobuf-c-compiler, or run 'make deps')" >&2; exit 1; }
	@mkdir -p $(B)/proto
	$(QUIET_GEN)protoc-c --c_out=$(B)/proto --proto_path=$(PPROF_PROTO_DIR) $(PPROF_PROTO_DIR)/profile.proto

$(GO_PARSER_C):
	@command -v npm >/dev/null || { echo "heaplens: missing npm (install npm, or run 'make deps')" >&2; exit 1; }
	@mkdir -p $(B)/tree-sitter-go
	$(QUIET_GEN)cd $(B)/tree-sitter-go && rm -rf package *.tgz && \
		npm pack --silent $(GO_GRAMMAR) >/dev/null && tar xzf *.tgz && \
		touch package/src/parser.c

# One line per missing library, naming the Debian package that provides it.
check-libs:
	@missing=0; \
	for p in jansson:libjansson-dev libprotobuf-c:libprotobuf-c-dev \
		tree-sitter:libtree-sitter-dev zlib:zlib1g-dev; do \
		$(PKG_CONFIG) --exists $${p%%:*} 2>/dev/null || { \
		echo "heaplens: missing library $${p%%:*} (install $${p#*:}, or run 'make deps')" >&2; missing=1; }; \
	done; \
	test -f /usr/include/ev.h || { echo "heaplens: missing library libev (install libev-dev, or run 'make deps')" >&2; missing=1; }; \
	exit $$missing

# Install what is missing. Cheap when nothing is: one dpkg query. npm is
# wanted as a command: some machines have it from a nodejs package.
deps:
	@missing=$$(dpkg-query -W -f='$${Package} $${Status}\n' $(PACKAGES) 2>/dev/null | \
		awk '$$NF == "installed" { ok[$$1] = 1 } END { split("$(PACKAGES)", p, " "); \
		for (i in p) if (!(p[i] in ok)) printf "%s ", p[i] }'); \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
		echo "heaplens: installing $$missing"; \
		sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
			--no-install-recommends $$missing >/dev/null || exit 1; \
	fi
	@$(MAKE) --no-print-directory $(PROTO_C) $(GO_PARSER_C)

# Test programs.
$(B)/unit-tests: $(UNIT_OBJS) $(B)/libheaplens.a
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(B)/rpc-run: tests/rpc/rpc-run.c $(B)/FLAGS | check-libs
	$(QUIET_CC)$(CC) $(BASE_CFLAGS) -D_GNU_SOURCE $(WARN_CFLAGS) $(CFLAGS) -o $@ $< $(PKG_LIBS)

test-programs: heaplens $(B)/unit-tests $(B)/rpc-run $(FUZZ_REPLAYS)

demo:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory heaplens $(B)/rpc-run
	@tests/demo.sh

check:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory test-programs
	@VALGRIND=$(VALGRIND) tests/run

# libFuzzer targets: clang, with the protocol sources and the sources a
# target lists in FUZZ_SRCS_name (objects in FUZZ_OBJS_name) compiled in so
# that they are instrumented. Run one with, e.g.,
#   build/fuzz/frame-fuzzer -max_total_time=60 -max_len=16384 NEWDIR tests/fuzz/corpus/frame
FUZZ_CC = clang
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer $(FUZZ_SAN)
FUZZ_TARGETS = $(FUZZ_NAMES:%=$(B)/fuzz/%-fuzzer)
FUZZ_SRCS_pprof = analyzers/pprof.c analyzers/frames.c analyzers/lines.c \
	analyzers/flame.c
FUZZ_OBJS_pprof = $(B)/fuzz/profile.pb-c.o
FUZZ_SRCS_escape = analyzers/escape.c
FUZZ_SRCS_gctrace = analyzers/gctrace.c
FUZZ_SRCS_goroutines = analyzers/goroutines.c analyzers/pprof.c
FUZZ_OBJS_goroutines = $(B)/fuzz/profile.pb-c.o
FUZZ_SRCS_leakcheck = $(wildcard analyzers/leakcheck/*.c)
FUZZ_OBJS_leakcheck = $(O)/gen/go-parser.o

fuzz: $(FUZZ_TARGETS)

.SECONDEXPANSION:
$(B)/fuzz/%-fuzzer: tests/fuzz/%-fuzzer.c $(PROTOCOL_SRCS) $$(FUZZ_SRCS_$$*) \
		$$(FUZZ_OBJS_$$*) $(B)/FLAGS | check-libs
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(FUZZ_CC) $(BASE_CFLAGS) $(WARN_CFLAGS) $(FUZZ_FLAGS) \
		-o $@ $< $(PROTOCOL_SRCS) $(FUZZ_SRCS_$*) $(FUZZ_OBJS_$*) \
		$(PKG_LIBS) -lev -lm

# Generated code: instrumented like the rest, never warned about.
$(B)/fuzz/profile.pb-c.o: $(PROTO_C) $(B)/FLAGS
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(FUZZ_CC) $(BASE_CFLAGS) -g -O1 -fsanitize=fuzzer-no-link \
		$(FUZZ_SAN) -w -c -o $@ $<

# Replay each corpus with its own target and the normal compiler, in make
# check: build/fuzz/replay-NAME runs tests/fuzz/corpus/NAME. Their objects
# are kept, not deleted as intermediate files.
.SECONDARY: $(O)/tests/fuzz/driver.o $(FUZZ_NAMES:%=$(O)/tests/fuzz/%-fuzzer.o)
$(B)/fuzz/replay-%: $(O)/tests/fuzz/driver.o $(O)/tests/fuzz/%-fuzzer.o \
		$(B)/libheaplens.a
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

clean:
	rm -rf $(O) $(B)/libheaplens.a $(B)/unit-tests $(B)/rpc-run \
		$(B)/fuzz $(B)/FLAGS heaplens

distclean:
	rm -rf $(B) heaplens

bench: heaplens $(B)/rpc-run
	@bench/run

.PHONY: all deps demo check fuzz clean distclean check-libs test-programs FORCE bench

-include $(wildcard $(O)/*/*.d $(O)/*/*/*.d)
