# noiseaug — see README.md. `make demo` and `make test` set everything up.

VERSION  := 0.1.0
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
CC       ?= cc
PKG_CONFIG ?= pkg-config

CFLAGS   ?= -O2 -g
WARNINGS := -Wall -Wextra -Wpedantic
CPPFLAGS += -Iinclude -DNOISEAUG_VERSION='"$(VERSION)"' -D_POSIX_C_SOURCE=200809L
ALL_CFLAGS = -std=c11 $(WARNINGS) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags libuv stb 2>/dev/null)
LDLIBS   += $(shell $(PKG_CONFIG) --libs libuv 2>/dev/null) -lm -lpthread

BUILD    := build
LIB_SRC  := src/cli.c src/codec.c src/fileio.c src/image.c src/noise.c \
            src/pipeline.c src/plan.c src/report.c src/ring.c src/rng.c src/scan.c
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/%.o)

.PHONY: all deps demo test unit cli-test install uninstall clean data

all: noiseaug

$(BUILD)/%.o: src/%.c $(wildcard include/*.h) | $(BUILD)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD):
	mkdir -p $@

noiseaug: $(LIB_OBJ) $(BUILD)/main.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# --- setup -------------------------------------------------------------
# Debian packages the build and the tests need; deps installs the missing
# ones and does nothing when all are present.
DEB_PACKAGES := pkg-config libuv1-dev libstb-dev libcmocka-dev bats
deps:
	@./tools/install-deps $(DEB_PACKAGES)

# --- demo ----------------------------------------------------------------
demo: deps
	$(MAKE) noiseaug
	rm -rf demo-out
	./noiseaug --seed 1 data/images demo-out
	@echo "Noisy copies are in demo-out/."

# --- sample data ---------------------------------------------------------
$(BUILD)/gen_samples: tools/gen_samples.c $(BUILD)/codec.o $(BUILD)/image.o
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $^ -lm

$(BUILD)/imginfo: tools/imginfo.c $(BUILD)/codec.o $(BUILD)/image.o $(BUILD)/fileio.o
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $^ -lm

# Regenerates data/ from its generator; the result is committed.
data: $(BUILD)/gen_samples
	$(BUILD)/gen_samples data

# --- tests ---------------------------------------------------------------
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ) | $(BUILD)
	@mkdir -p $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LDLIBS)

unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done

cli-test: noiseaug $(BUILD)/gen_samples $(BUILD)/imginfo
	bats tests/cli

test: deps
	$(MAKE) noiseaug $(UNIT_TESTS) $(BUILD)/gen_samples $(BUILD)/imginfo
	./tests/run-all $(UNIT_TESTS)

# --- install -------------------------------------------------------------
install: noiseaug
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 noiseaug $(DESTDIR)$(BINDIR)/noiseaug

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/noiseaug

clean:
	rm -rf $(BUILD) noiseaug demo-out
