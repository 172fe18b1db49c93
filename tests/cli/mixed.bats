#!/usr/bin/env bats
# Every format a dataset holds (data/mixed: WebP, TIFF, HEIF, AVIF, JPEG
# and PNG with metadata, mislabelled files) comes out as expect.tsv says,
# checked by PIL and a TIFF tag reader of its own (tests/tools/check_mixed.py),
# not by noiseaug's decoders.

load helpers

MIXED="$ROOT/data/mixed"
REFUSED="$ROOT/tests/fixtures/refused"
CHECK="$ROOT/tests/tools/check_mixed.py"

setup() {
    T="$BATS_TEST_TMPDIR"
}

# The formats of data/mixed need libtiff, libwebp and libheif: the pure-stb
# build names them as skipped instead (its own test below).
need_full_build() {
    [ "${CODEC:-turbo}" = turbo ] || skip "the pure-stb build does not read WebP, TIFF or HEIF"
}

@test "mixed: the folder of every fixture runs with exit 0, every mode, as expect.tsv says" {
    need_full_build
    need_python
    for mode in ps addGauss mixGauss addPic mixPic; do
        run_split --seed 5 -m "$mode" --manifest "$T/$mode.jsonl" "$MIXED" "$T/$mode"
        [ "$status" -eq 0 ] || { echo "$mode: $err"; false; }
        # One output per fixture, and no failure.
        [ "$(wc -l <<<"$out")" -eq "$(($(wc -l <"$MIXED/expect.tsv") - 1))" ]
        grep -q "^noiseaug: $MIXED/tiff_pages.tif: 2 pages; only the first is written$" <<<"$err"
        "$PY" "$CHECK" "$MIXED" "$T/$mode.jsonl"
    done
}

@test "mixed: --strip writes no metadata, and the manifest says so" {
    need_full_build
    need_python
    run_split --seed 5 -m ps --strip --manifest "$T/m.jsonl" "$MIXED" "$T/o"
    [ "$status" -eq 0 ]
    "$PY" "$CHECK" --strip "$MIXED" "$T/m.jsonl"
}

@test "mixed: -j 1 and -j 2 write the same bytes" {
    need_full_build
    run_split --seed 9 -j 1 "$MIXED" "$T/a"
    [ "$status" -eq 0 ]
    local first="$out"
    run_split --seed 9 -j 2 "$MIXED" "$T/b"
    [ "$status" -eq 0 ]
    [ "$(with_out_as "$T/a" "$first")" = "$(with_out_as "$T/b" "$out")" ]
    diff -r "$T/a" "$T/b"
}

@test "mixed: -v names each file whose bytes disagree with its name" {
    need_full_build
    run_split --seed 5 -m ps -v "$MIXED" "$T/o"
    [ "$status" -eq 0 ]
    grep -qx "noiseaug: $MIXED/mislabelled_webp.jpg: holds WebP, not JPEG as its name says: read as WebP, written as JPEG" <<<"$err"
    grep -qx "noiseaug: $MIXED/alpha_png.jpg: holds PNG, not JPEG as its name says: read as PNG, written as JPEG" <<<"$err"
    grep -qx "noiseaug: $MIXED/jpeg_named.png: holds JPEG, not PNG as its name says: read as JPEG, written as PNG" <<<"$err"
    # Not without -v.
    run_split --seed 5 -m ps "$MIXED" "$T/p"
    [ "$status" -eq 0 ]
    [[ "$err" != *"as its name says"* ]]
}

@test "mixed: alpha written as JPEG is counted once per run, and metadata a format cannot hold is named under -v" {
    need_full_build
    mkdir "$T/in"
    cp "$MIXED/png_rgba.png" "$MIXED/webp_alpha.webp" "$MIXED/alpha_png.jpg" "$MIXED/png_icc_dpi.png" "$T/in"/
    run_split --seed 5 -m ps -f jpg -v "$T/in" "$T/o"
    [ "$status" -eq 0 ]
    grep -qx "noiseaug: 3 images with alpha written in a format without it (JPEG): the alpha was dropped, not composited; -f png or webp keeps it" <<<"$err"
    grep -qx "noiseaug: $T/in/png_icc_dpi.png: colour, text not kept: JPEG cannot hold them" <<<"$err"
    # The alpha is dropped, not composited: a transparent pixel keeps its
    # colour (PIL reads the JPEG as RGB with 3 bands).
    need_python
    "$PY" - "$T/o/png_rgba_ps.jpg" <<'PY'
import sys
from PIL import Image
im = Image.open(sys.argv[1])
assert im.format == "JPEG" and im.mode == "RGB", (im.format, im.mode)
PY
    # -f png keeps the alpha: no warning.
    run_split --seed 5 -m ps -f png "$T/in" "$T/p"
    [ "$status" -eq 0 ]
    [[ "$err" != *"alpha was dropped"* ]]
}

@test "mixed: five bands go only into TIFF; -f png says why" {
    need_full_build
    mkdir "$T/in"
    cp "$MIXED/tiff_5band.tif" "$T/in"/
    run_split --seed 5 -m ps -f png "$T/in" "$T/o"
    [ "$status" -eq 1 ]
    grep -qx "noiseaug: $T/in/tiff_5band.tif: cannot encode: PNG holds grey or RGB, with or without alpha; this image has 5 bands and no alpha: write it as TIFF (--format tif)" <<<"$err"
    [ -z "$(ls -A "$T/o")" ]
}

@test "mixed: animated, floating-point, CMYK, truncated and oversized files are refused in words" {
    need_full_build
    run_split --seed 5 -m ps "$REFUSED" "$T/o"
    [ "$status" -eq 1 ]
    [ -z "$out" ]
    grep -q "^noiseaug: $REFUSED/animated.webp: unsupported: animated WebP (3 frames)" <<<"$err"
    grep -q "^noiseaug: $REFUSED/float32.tif: unsupported: floating-point TIFF samples" <<<"$err"
    grep -q "^noiseaug: $REFUSED/cmyk.tif: unsupported: CMYK TIFF" <<<"$err"
    grep -q "^noiseaug: $REFUSED/truncated.tif: cannot decode: " <<<"$err"
    grep -q "^noiseaug: $REFUSED/truncated.webp: cannot decode: " <<<"$err"
    grep -q "^noiseaug: $REFUSED/bomb.tif: \(cannot decode\|image too large\): " <<<"$err"
    [[ "$err" == *"0 written, 6 failed"* ]]
    [ -z "$(ls -A "$T/o")" ]
}

@test "mixed: the pure-stb build names WebP, TIFF, HEIF and AVIF as skipped, and still reads .jfif" {
    [ "${CODEC:-turbo}" = stb ] || skip "the default build reads them (tests above)"
    run_split --seed 5 -m ps "$MIXED" "$T/o"
    grep -q "^noiseaug: skipped [0-9]* TIFF files that noiseaug cannot read: " <<<"$err"
    grep -q "^noiseaug: skipped [0-9]* WebP files that noiseaug cannot read: " <<<"$err"
    grep -q -- "--> $T/o/photo_ps.jfif$" <<<"$out"
    # The WebP named .jpg is refused by content, in words.
    grep -qx "noiseaug: $MIXED/mislabelled_webp.jpg: unsupported: WebP (the pure-stb build does not read it)" <<<"$err"
    [ "$status" -eq 1 ]
}

@test "mixed: a GDAL tag stored with the wrong type is left out, not written empty" {
    need_full_build
    need_python
    mkdir "$T/in"
    "$PY" - "$T/in/wrong.tif" <<'PY'
import sys
from PIL import Image, TiffImagePlugin
ifd = TiffImagePlugin.ImageFileDirectory_v2()
ifd[42112] = (1, 2)          # GDAL_METADATA is ASCII; here two SHORTs
ifd.tagtype[42112] = 3
ifd[42113] = "0"             # GDAL_NODATA, well formed: kept
ifd.tagtype[42113] = 2
Image.new("RGB", (8, 6), (10, 20, 30)).save(sys.argv[1], tiffinfo=ifd)
PY
    run_split --seed 5 -m ps "$T/in" "$T/o"
    [ "$status" -eq 0 ]
    "$PY" - "$T/o/wrong_ps.tif" <<'PY'
import sys
from PIL import Image
tags = Image.open(sys.argv[1]).tag_v2
assert 42112 not in tags, tags.get(42112)
assert tags.get(42113) == "0", tags.get(42113)
PY
}
