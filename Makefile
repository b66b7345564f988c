# zhibu - plain Makefile (no autotools). `make run` serves the demo, `make test` runs the suite.
#
#   make            build ./zhibu
#   make run        install missing packages (root) or say which, build, seed and serve the demo on :8080
#   make test       unit + end-to-end tests, then the same suite under ASan+UBSan
#   make asan       build the ASan+UBSan variant into build/asan/
#   make lint       clang-format check and the banned-function check
#   make fuzz       run every libFuzzer driver, FUZZ_BUDGET seconds in total (default 140)
#   make bench      wrk against the ceiling server and zhibu, prints a table

CC       ?= cc
BUILD    ?= build/release
SAN      ?=
NPROC    := $(shell nproc 2>/dev/null || echo 2)
PKGS      = libmicrohttpd libcurl libcjson sqlite3 expat libsodium
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lmbedcrypto -lpthread -lm

WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
           -Wno-format-nonliteral
OPT      = -O2 -g
ifeq ($(SAN),1)
OPT      = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -I. $(WARN) $(OPT) $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL = $(OPT) $(LDFLAGS)

CORE_SRCS := $(filter-out bot/app/main.c,$(shell find bot webhook handlers -name '*.c' | sort))
CORE_OBJS := $(CORE_SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_SRCS := $(shell find tests/unit -name '*.c' | sort)
UNIT_BINS := $(UNIT_SRCS:%.c=$(BUILD)/%)
E2E_UTIL  := $(wildcard tests/e2e/*_util.c)
E2E_SRCS  := $(filter-out $(E2E_UTIL),$(wildcard tests/e2e/*.c))
E2E_BINS  := $(E2E_SRCS:%.c=$(BUILD)/%)
FAKE_SRCS := $(wildcard tests/fakes/*.c)
FAKE_BINS := $(FAKE_SRCS:%.c=$(BUILD)/%)
BIN       := $(BUILD)/zhibu

.PHONY: all run test test-asan asan lint fuzz bench deps clean tests-built

all: zhibu

zhibu: $(BIN)
	@if [ "$(BUILD)" = build/release ]; then cp $(BIN) zhibu; fi

$(BIN): $(BUILD)/obj/bot/app/main.o $(BUILD)/libzhibu.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

$(BUILD)/libzhibu.a: $(CORE_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libzhibu.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -o $@ $< $(BUILD)/libzhibu.a $(PKG_LIBS) -lcmocka

# Every tests/e2e/*_util.c is a helper linked into each e2e program.
$(BUILD)/tests/e2e/%: tests/e2e/%.c $(E2E_UTIL) $(E2E_UTIL:.c=.h) $(BUILD)/libzhibu.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -o $@ $< $(E2E_UTIL) $(BUILD)/libzhibu.a $(PKG_LIBS) -lcmocka

$(BUILD)/tests/fakes/%: tests/fakes/%.c $(BUILD)/libzhibu.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -o $@ $< $(BUILD)/libzhibu.a $(PKG_LIBS)

tests-built: $(BIN) $(UNIT_BINS) $(E2E_BINS) $(FAKE_BINS)

deps:
	@scripts/deps.sh build

run:
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory zhibu
	./zhibu demo seed --config config/zhibu.example.json
	./zhibu serve --config config/zhibu.example.json

# The README's test command: the suite on the normal build, then under ASan+UBSan.
test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory -j$(NPROC) tests-built
	@scripts/run-tests.sh $(BUILD)
	@$(MAKE) --no-print-directory test-asan

test-asan:
	@$(MAKE) --no-print-directory -j$(NPROC) BUILD=build/asan SAN=1 tests-built
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		scripts/run-tests.sh build/asan

asan:
	@$(MAKE) --no-print-directory -j$(NPROC) BUILD=build/asan SAN=1 tests-built

lint:
	@scripts/lint.sh

FUZZ_BUDGET ?= 140
fuzz:
	@scripts/deps.sh fuzz
	@scripts/fuzz.sh $(FUZZ_BUDGET)

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory zhibu
	@tests/bench/run.sh

clean:
	rm -rf build zhibu

-include $(shell find build -name '*.d' 2>/dev/null)
