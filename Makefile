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
  CODEC_PKGS := libturbojpeg libdeflate libtiff-4 libwebp libwebpmux libwebpdemux libheif
  CODEC_DEFS := -DNOISEAUG_WITH_TURBOJPEG -DNOISEAUG_WITH_LIBDEFLATE \
                -DNOISEAUG_WITH_LIBTIFF -DNOISEAUG_WITH_LIBWEBP -DNOISEAUG_WITH_LIBHEIF
else ifeq ($(CODEC),stb)
  BUILD      := build/stb
  BIN        := build/stb/noiseaug
  CODEC_PKGS :=
  CODEC_DEFS :=
else
  $(error CODEC must be turbo or stb, not '$(CODEC)')
endif

# Sanitizer builds (make check-asan, make check-tsan) live beside the plain
# ones: SAN=asan is AddressSanitizer with UndefinedBehaviorSanitizer, SAN=tsan
# ThreadSanitizer.
SAN ?=
ifeq ($(SAN),asan)
  BUILD     := $(BUILD)-asan
  BIN       := $(BUILD)/noiseaug
  SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else ifeq ($(SAN),tsan)
  BUILD     := $(BUILD)-tsan
  BIN       := $(BUILD)/noiseaug
  SAN_FLAGS := -fsanitize=thread -DNOISEAUG_NO_SIMD_CLONES
else ifneq ($(SAN),)
  $(error SAN must be asan or tsan, not '$(SAN)')
endif

# FAULTS=1 builds the fault-injection binary the reliability tests use
# (NOISEAUG_FAULT, see src/fileio.c); it is never installed.
ifeq ($(FAULTS),1)
  BUILD     := $(BUILD)-faults
  BIN       := $(BUILD)/noiseaug
  CPPFLAGS  += -DNOISEAUG_FAULT_INJECTION
endif

CFLAGS     ?= -O2 -g
# WERROR=-Werror turns warnings into errors; CI builds that way, since the
# build is warning-free. It reaches the sub-makes of `make test`.
WERROR     ?=
WARNINGS   := -Wall -Wextra -Wpedantic $(WERROR)
CPPFLAGS   += -Iinclude -DNOISEAUG_VERSION='"$(VERSION)"' -D_POSIX_C_SOURCE=200809L $(CODEC_DEFS)
# Recursive (=) so that pkg-config runs after `make deps` has installed it.
ALL_CFLAGS  = -std=c11 $(WARNINGS) $(CFLAGS) $(SAN_FLAGS) $(shell $(PKG_CONFIG) --cflags libuv stb jansson libxml-2.0 $(CODEC_PKGS))
LIBS        = $(SAN_FLAGS) $(shell $(PKG_CONFIG) --libs libuv jansson libxml-2.0 $(CODEC_PKGS)) -lm -lpthread

# Every module but main.c: a new module needs no edit here.
LIB_SRC := $(filter-out src/main.c,$(sort $(wildcard src/*.c)))
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/%.o)
HEADERS := $(wildcard include/*.h)

.PHONY: all deps demo test check check-asan check-tsan golden fuzz bench gallery install uninstall clean data many-scans

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

# The encoders only the fixtures need (progressive and CMYK JPEG, palette
# and interlaced PNG) stay out of noiseaug: only the sample generator and
# the codec's unit test link them.
FIXTURE_OBJ := $(BUILD)/tools/fixture_encoders.o
$(FIXTURE_OBJ): tools/fixture_encoders.c tools/fixture_encoders.h $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<
$(BUILD)/gen_samples $(BUILD)/tests/test_codec: $(FIXTURE_OBJ)

# --- setup -------------------------------------------------------------
# Debian packages the build and the tests need. tools/install-deps installs
# the missing ones (apt-get, through sudo when not root) and does nothing
# when all are present.
# python3-pil is the independent decoder some tests check outputs against;
# strace counts the opens of a bad partner (partner.bats); jansson and
# libxml2 read and rewrite JSON (LabelMe, COCO) and XML (Pascal VOC) labels;
# libtiff, libwebp and libheif (with its HEVC and AV1 decoders, which
# Debian 12 links in) read the formats stb does not.
DEB_PACKAGES := pkg-config libuv1-dev libstb-dev libturbojpeg0-dev libdeflate-dev \
                libcmocka-dev bats python3-pil strace \
                libjansson-dev libxml2-dev libtiff-dev libwebp-dev libheif-dev
deps:
	@./tools/install-deps $(DEB_PACKAGES)

# --- demo ----------------------------------------------------------------
demo: deps
	$(MAKE) $(BIN)
	rm -rf demo-out
	./$(BIN) --seed 1 data/images demo-out
	@echo "Noisy copies are in demo-out/."

# Regenerates data/ from tools/gen_samples.c, the small datasets of
# data/datasets/ from data/images (tools/gen_datasets.py), and the WebP,
# TIFF, HEIF, AVIF and metadata fixtures of data/mixed/ and
# tests/fixtures/refused/ with Debian's PIL and heif-enc
# (tools/gen_mixed.py); the result is committed.
data: $(BUILD)/gen_samples
	$(BUILD)/gen_samples data
	/usr/bin/env python3 tools/gen_datasets.py data/datasets
	/usr/bin/python3 tools/gen_mixed.py data/mixed tests/fixtures/refused

# The README's picture: data/images/f_photo.jpg and its five noisy versions,
# drawn by noiseaug's own code.
gallery: $(BUILD)/gallery
	$(BUILD)/gallery data/images/f_photo.jpg data/images/f_rgb.png doc/gallery.png

# --- tests ---------------------------------------------------------------
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Isrc $(ALL_CFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs cmocka) $(LIBS)

FAULTS_BIN = $(BUILD)-faults/noiseaug
# Sanitizer reports go to files here, so that tests/run-all sees a report
# from any process, even one whose exit status a test does not look at.
SANITIZER_LOG_DIR = $(abspath $(BUILD))/sanitizer-logs
# Sanitizer builds run several times slower: time limits and the sleeps of
# the signal tests scale with TEST_TIME_SCALE (tests/run-all, helpers.bash).
TEST_TIME_SCALE ?= 1
TEST_ENV = NOISEAUG=$(abspath $(BIN)) IMGINFO=$(abspath $(BUILD)/imginfo) \
           GEN_SAMPLES=$(abspath $(BUILD)/gen_samples) CODEC=$(CODEC) \
           NOISEAUG_FAULTS=$(abspath $(FAULTS_BIN)) \
           REPLAY=$(abspath $(BUILD)/replay) REPLAY_INPUTS="$(REPLAY_INPUTS)" \
           SANITIZER_LOG_DIR=$(SANITIZER_LOG_DIR) TEST_TIME_SCALE=$(TEST_TIME_SCALE)

# The fuzz target without libFuzzer: replays the regressions and the
# sample files through decode -> every mode -> encode.
$(BUILD)/replay: tests/fuzz/fuzz_codec.c tests/fuzz/replay_main.c $(LIB_OBJ)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

REPLAY_INPUTS = $(wildcard tests/fuzz/regressions/*) data/images/* data/formats/* data/unsupported/* \
                $(filter-out %.tsv,$(wildcard data/mixed/*)) $(wildcard tests/fixtures/refused/*)

# Builds and runs everything, without the setup step: tests/run-all runs
# the lint, the replay, the golden comparison, the unit tests and the CLI
# tests, and fails on any failure, crash, timeout or sanitizer report.
check: $(BIN) $(UNIT_TESTS) $(BUILD)/imginfo $(BUILD)/gen_samples $(BUILD)/replay
	$(MAKE) FAULTS=1 $(FAULTS_BIN)
	rm -rf $(SANITIZER_LOG_DIR) && mkdir -p $(SANITIZER_LOG_DIR)
	$(TEST_ENV) ./tests/run-all $(UNIT_TESTS)

# Rewrites tests/golden/$(CODEC) from the current build. Only for a change
# meant to alter output bytes; say why in the commit message.
golden: $(BIN)
	tests/golden/run $(abspath $(BIN)) tests/golden/$(CODEC)

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (and
# LeakSanitizer): any report fails the run.
SAN_LOGS = $(abspath $(BUILD))-asan/sanitizer-logs
check-asan:
	ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:log_path=$(SAN_LOGS)/asan \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path=$(SAN_LOGS)/ubsan \
	    $(MAKE) check SAN=asan TEST_TIME_SCALE=3

# The end-to-end tests under ThreadSanitizer, the pipeline at -j 8 among them.
TSAN_BUILD := $(BUILD)-tsan
check-tsan:
	$(MAKE) SAN=tsan $(TSAN_BUILD)/noiseaug $(TSAN_BUILD)/imginfo $(TSAN_BUILD)/gen_samples
	rm -rf $(TSAN_BUILD)/sanitizer-logs && mkdir -p $(TSAN_BUILD)/sanitizer-logs
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:log_path=$(abspath $(TSAN_BUILD))/sanitizer-logs/tsan \
	    NOISEAUG=$(abspath $(TSAN_BUILD)/noiseaug) \
	    IMGINFO=$(abspath $(TSAN_BUILD)/imginfo) GEN_SAMPLES=$(abspath $(TSAN_BUILD)/gen_samples) \
	    CODEC=$(CODEC) SANITIZER_LOG_DIR=$(abspath $(TSAN_BUILD))/sanitizer-logs TEST_TIME_SCALE=5 \
	    BATS_FILES="tests/cli/core.bats tests/cli/pipeline.bats tests/cli/threads.bats" ./tests/run-all

# Both builds are tested: the default one and the pure-stb one; then the
# sanitizer runs. CI also builds with -Werror (see .ci/run).
test: deps
	$(MAKE) check CODEC=turbo
	$(MAKE) check CODEC=stb
	$(MAKE) check-asan
	$(MAKE) check-tsan

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
	$(MAKE) CODEC=turbo noiseaug build/turbo/kernels build/turbo/pngtune build/turbo/gen_samples \
	    build/turbo/cocobench
	/usr/bin/env python3 bench/run.py | tee build/bench/README-table.md

$(BUILD)/kernels $(BUILD)/pngtune $(BUILD)/cocobench: $(BUILD)/%: bench/%.c $(LIB_OBJ)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

# The noise kernels are the one place where -O3's vectoriser pays (make
# bench: kernels); the rest of the code is built as CFLAGS says.
$(BUILD)/noise.o: CFLAGS += -O3

# --- reliability: fuzzing and sanitizers ---------------------------------
FUZZ_SECONDS ?= 60
FUZZ_DIR     := build/fuzz
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_PACKAGES := clang libclang-rt-14-dev

$(FUZZ_DIR)/fuzz_codec: tests/fuzz/fuzz_codec.c $(LIB_SRC) $(HEADERS)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) $(CPPFLAGS) -std=c11 $(shell $(PKG_CONFIG) --cflags libuv stb jansson libxml-2.0 $(CODEC_PKGS)) \
	    -o $@ tests/fuzz/fuzz_codec.c $(LIB_SRC) $(LIBS)

# The committed fixture of 1896 scans (tests/fixtures/many-scans.jpg), made
# again with libjpeg's own API: cjpeg reads at most 100 scans.
many-scans:
	@./tools/install-deps libjpeg62-turbo-dev
	$(CC) $(CFLAGS) tools/many_scans.c -ljpeg -o $(BUILD)/many_scans
	$(BUILD)/many_scans tests/fixtures/many-scans.jpg

# make fuzz FUZZ_SECONDS=N: fuzzes from the sample images for N seconds;
# crashes land in $(FUZZ_DIR)/ as crash-* files, to be kept in
# tests/fuzz/regressions/.
fuzz: deps
	@./tools/install-deps $(FUZZ_PACKAGES)
	$(MAKE) $(FUZZ_DIR)/fuzz_codec
	mkdir -p $(FUZZ_DIR)/corpus
	cp data/images/* data/formats/* data/unsupported/* data/mixed/* tests/fixtures/refused/* \
	    tests/fuzz/regressions/* $(FUZZ_DIR)/corpus/ 2>/dev/null || true
	rm -f $(FUZZ_DIR)/corpus/expect.tsv
	# Seeds of every format, cut short, and the PIC and header-only bombs.
	python3 tests/tools/hostile_corpus.py data/formats $(FUZZ_DIR)/hostile && \
	    cp $(FUZZ_DIR)/hostile/* $(FUZZ_DIR)/corpus/ && rm -f $(FUZZ_DIR)/corpus/expect.tsv
	cd $(FUZZ_DIR) && ./fuzz_codec -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 corpus
