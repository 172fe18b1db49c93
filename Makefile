# noiseaug — see README.md. `make demo` and `make test` set everything up.
#
#   make                 build ./noiseaug (libjpeg-turbo + libdeflate + stb)
#   make CODEC=stb       build build/stb/noiseaug with stb only
#   make demo | test | bench | install | clean

VERSION    := 0.3.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
CC         ?= cc
PKG_CONFIG ?= pkg-config
CODEC      ?= turbo

ifeq ($(CODEC),turbo)
  BUILD      := build/turbo
  BIN        := noiseaug
  CODEC_PKGS := libturbojpeg libdeflate
  CODEC_DEFS := -DNOISEAUG_WITH_TURBOJPEG -DNOISEAUG_WITH_LIBDEFLATE
else ifeq ($(CODEC),stb)
  BUILD      := build/stb
  BIN        := build/stb/noiseaug
  CODEC_PKGS :=
  CODEC_DEFS :=
else
  $(error CODEC must be turbo or stb, not '$(CODEC)')
endif

CFLAGS     ?= -O2 -g
WARNINGS   := -Wall -Wextra -Wpedantic
CPPFLAGS   += -Iinclude -DNOISEAUG_VERSION='"$(VERSION)"' -D_POSIX_C_SOURCE=200809L $(CODEC_DEFS)
# Recursive (=) so that pkg-config runs after `make deps` has installed it.
ALL_CFLAGS  = -std=c11 $(WARNINGS) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags libuv stb $(CODEC_PKGS))
LIBS        = $(shell $(PKG_CONFIG) --libs libuv $(CODEC_PKGS)) -lm -lpthread

LIB_SRC := src/cli.c src/codec.c src/fileio.c src/image.c src/jpeginfo.c src/manifest.c src/nameset.c src/noise.c \
           src/normal.c src/pipeline.c src/plan.c src/pngwrite.c src/report.c \
           src/ring.c src/rng.c src/scan.c
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/%.o)
HEADERS := $(wildcard include/*.h)

.PHONY: all deps demo test check bench gallery install uninstall clean data

all: $(BIN)

$(BUILD)/%.o: src/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BIN): $(LIB_OBJ) $(BUILD)/main.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# Small programs that link the codec module: the sample generator and the
# decoder the CLI tests use to check outputs.
$(BUILD)/gen_samples $(BUILD)/imginfo $(BUILD)/gallery: $(BUILD)/%: tools/%.c $(LIB_OBJ)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

# --- setup -------------------------------------------------------------
# Debian packages the build and the tests need. tools/install-deps installs
# the missing ones (apt-get, through sudo when not root) and does nothing
# when all are present.
# python3-pil is the independent decoder some tests check outputs against.
DEB_PACKAGES := pkg-config libuv1-dev libstb-dev libturbojpeg0-dev libdeflate-dev \
                libcmocka-dev bats python3-pil
deps:
	@./tools/install-deps $(DEB_PACKAGES)

# --- demo ----------------------------------------------------------------
demo: deps
	$(MAKE) $(BIN)
	rm -rf demo-out
	./$(BIN) --seed 1 data/images demo-out
	@echo "Noisy copies are in demo-out/."

# Regenerates data/ from tools/gen_samples.c; the result is committed.
data: $(BUILD)/gen_samples
	$(BUILD)/gen_samples data

# The README's picture: data/images/f_photo.jpg and its five noisy versions,
# drawn by noiseaug's own code.
gallery: $(BUILD)/gallery
	$(BUILD)/gallery data/images/f_photo.jpg data/images/f_rgb.png doc/gallery.png

# --- tests ---------------------------------------------------------------
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs cmocka) $(LIBS)

TEST_ENV = NOISEAUG=$(abspath $(BIN)) IMGINFO=$(abspath $(BUILD)/imginfo) \
           GEN_SAMPLES=$(abspath $(BUILD)/gen_samples) CODEC=$(CODEC)

# Builds and runs everything, without the setup step.
check: $(BIN) $(UNIT_TESTS) $(BUILD)/imginfo $(BUILD)/gen_samples
	$(TEST_ENV) ./tests/run-all $(UNIT_TESTS)

# Both builds are tested: the default one and the pure-stb one.
test: deps
	$(MAKE) check CODEC=turbo
	$(MAKE) check CODEC=stb

# --- install -------------------------------------------------------------
MANDIR     ?= $(PREFIX)/share/man

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/noiseaug
	install -m 0644 doc/noiseaug.1 $(DESTDIR)$(MANDIR)/man1/noiseaug.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/noiseaug $(DESTDIR)$(MANDIR)/man1/noiseaug.1

clean:
	rm -rf build noiseaug demo-out

# --- benchmark -----------------------------------------------------------
# The baselines (OpenCV + numba, ImageMagick) are installed when possible;
# bench/run.py skips, with a message, whatever is still missing.
BENCH_PACKAGES := python3 python3-opencv python3-numba imagemagick
bench: deps
	-@./tools/install-deps $(BENCH_PACKAGES)
	$(MAKE) CODEC=turbo noiseaug build/turbo/kernels build/turbo/pngtune build/turbo/gen_samples
	/usr/bin/env python3 bench/run.py | tee build/bench/README-table.md

$(BUILD)/kernels $(BUILD)/pngtune: $(BUILD)/%: bench/%.c $(LIB_OBJ)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

# The noise kernels are the one place where -O3's vectoriser pays (make
# bench: kernels); the rest of the code is built as CFLAGS says.
$(BUILD)/noise.o: CFLAGS += -O3
