#!/usr/bin/env bats
# Outputs as an independent decoder (Python PIL) sees them. A codec bug
# that is symmetric, such as an R/B swap or a vertical flip made by both an
# encoder and noiseaug's own decoder, passes every test that reads outputs
# back through noiseaug (imginfo, check_fidelity). Here each file is read
# by PIL, and what it must hold is computed from the input as PIL reads it,
# and from the README's rules (tests/tools/pixcheck.py). The
# committed fixtures show an asymmetric "F" in distinct colours, so a flip,
# a mirror or a channel swap changes many samples.

load helpers
load pixels
FORMATS="$ROOT/data/formats"

# The build under test: $CODEC as the Makefile sets it, or else what the
# binary says of itself. The pure-stb build writes every JPEG with three
# components.
codec() {
    if [ -n "${CODEC:-}" ]; then
        echo "$CODEC"
    elif "$NOISEAUG" --version | grep -q 'pure-stb'; then
        echo stb
    else
        echo turbo
    fi
}

# Copies every committed fixture (data/images and data/formats) into $1,
# as <stem>-<ext>.<ext>, so that grey.jpg and grey.tga do not claim one
# output name. It leaves out pnm_grey16.pgm, whose 16-bit samples noiseaug
# reads byte-swapped (stb_image 2.27 keeps the file's byte order; see the
# PNM tests). It prints the number of files.
all_fixtures() {
    local f b n=0
    mkdir -p "$1"
    for f in "$DATA"/* "$FORMATS"/*; do
        b="${f##*/}"
        [ "$b" != pnm_grey16.pgm ] || continue
        cp "$f" "$1/${b%.*}-${b##*.}.${b##*.}"
        n=$((n + 1))
    done
    echo "$n"
}

setup() {
    need_pil
}

@test "-m none: each fixture comes out, in every format, as PIL shows the input" {
    local in="$BATS_TEST_TMPDIR/in" n f
    n="$(all_fixtures "$in")"
    [ "$n" -ge 30 ]
    # The pixels of PNG, BMP and TGA outputs are the input's as PIL decodes
    # it. They are turned upright by EXIF, brought to 8 bits (/257, rounded)
    # where the format needs that, and given the format's channels. JPEG
    # outputs must be within 2.5 levels on average. pixcheck checks that a
    # flip, a mirror or an R/B swap of each F is more than twice as far,
    # so the tolerance cannot hide one. With --format bmp, a grey PNG goes
    # through noiseaug's decoder and stb's BMP writer, and PIL reads both
    # ends, so a symmetric swap or flip still shows.
    for f in keep png jpg bmp tga; do
        augment "$n" "$BATS_TEST_TMPDIR/$f.lines" --seed 1 -m none --format "$f" "$in" "$BATS_TEST_TMPDIR/$f"
        check none "$BATS_TEST_TMPDIR/$f.lines" "$(codec)" || { echo "format $f"; false; }
        check info "$IMGINFO" "$BATS_TEST_TMPDIR/$f.lines" "$(codec)" || { echo "format $f"; false; }
    done
}

# One mode on every fixture, written in each format. The PNG outputs keep
# the input's channels and depth, so they are checked against the mode's
# rule from the inputs: exactly for addPic and mixPic, whose partner pixcheck
# fits itself, and within bounds for the random modes. The noise depends on
# the seed, the input's name and the copy index, not on the format, so the
# keep, jpg, bmp and tga outputs must hold the PNG outputs' pixels: exactly,
# or within JPEG's loss. For every output, PIL and noiseaug's own decoder
# (imginfo) agree on width, height, channels, depth and alpha plane, and
# these match the input's as fitted to the format.
check_mode_everywhere() {
    local mode="$1" in="$BATS_TEST_TMPDIR/in" n f
    n="$(all_fixtures "$in")"
    for f in png keep jpg bmp tga; do
        augment "$n" "$BATS_TEST_TMPDIR/$f.lines" --seed 1 --modes "$mode" --format "$f" \
            "$in" "$BATS_TEST_TMPDIR/$f"
    done
    check suite "$mode" "$(codec)" "$IMGINFO" "$BATS_TEST_TMPDIR/png.lines" \
        "$BATS_TEST_TMPDIR/keep.lines" "$BATS_TEST_TMPDIR/jpg.lines" \
        "$BATS_TEST_TMPDIR/bmp.lines" "$BATS_TEST_TMPDIR/tga.lines"
}

@test "ps in every format: PIL sees changed samples only at 0 or max" {
    check_mode_everywhere ps
}

@test "addGauss in every format: PIL sees every sample within 0.9x + 0.1(mean +- 7 std)" {
    check_mode_everywhere addGauss
}

@test "mixGauss in every format: PIL sees few samples changed, each within mean +- 7 std" {
    check_mode_everywhere mixGauss
}

@test "addPic in every format: PIL sees round(0.9x + 0.1p) of the named, fitted partner" {
    check_mode_everywhere addPic
}

@test "mixPic in every format: PIL sees changed samples equal to the named, fitted partner's" {
    check_mode_everywhere mixPic
}
