#!/usr/bin/env bats
# Every kind of file comes out right: channels, depth, size, alpha, EXIF
# orientation; what cannot be read is refused or named, never written wrong.

load helpers

FORMATS="$ROOT/data/formats"
UNSUPPORTED="$ROOT/data/unsupported"

# Each output line's input and output agree on width, height, channels,
# bits and the alpha plane (fields 1-4 and 6 of imginfo).
check_fidelity() {
    while IFS= read -r line; do
        local in="${line%% --> *}" o="${line##* --> }"
        local want got
        want="$("$IMGINFO" "$in" | cut -d' ' -f1-4,6)"
        got="$("$IMGINFO" "$o" | cut -d' ' -f1-4,6)"
        # stb_image_write writes every JPEG with three components: in the
        # pure-stb build a grey JPEG comes back as grey-valued RGB.
        if [ "${CODEC:-turbo}" = stb ] && [[ "$o" == *.jpg ]] && [[ "$want" == *" 1 8 -" ]]; then
            want="${want/ 1 8 -/ 3 8 -}"
        fi
        [ "$want" = "$got" ] || { echo "$in ($want) -> $o ($got)"; return 1; }
    done <<<"$out"
}

@test "formats: every mode keeps channels, depth, size and alpha" {
    local n
    n=$(ls "$FORMATS" | wc -l)
    for mode in ps addGauss mixGauss addPic mixPic; do
        run_split --seed 1 --modes "$mode" "$FORMATS" "$BATS_TEST_TMPDIR/$mode"
        [ "$status" -eq 0 ] || { echo "$mode: $err"; false; }
        [ "$(printf '%s\n' "$out" | wc -l)" -eq "$n" ]
        check_fidelity || { echo "mode $mode"; false; }
    done
}

@test "formats: outputs are written in the documented format" {
    run_split --seed 1 --modes ps "$FORMATS" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    local o="$BATS_TEST_TMPDIR/out"
    for f in anim_ps.png composite_ps.png pnm_grey_ps.png pnm_rgb_ps.png pnm_grey16_ps.png \
             pnm_any_ps.png grey16_ps.png \
             image_ps.bmp rgba_ps.bmp image_ps.tga grey_ps.tga progressive_ps.jpg \
             grey_ps.jpg rgb16_ps.png exif_6_ps.jpg; do
        [ -f "$o/$f" ] || { echo "missing $f"; ls "$o"; false; }
    done
    # 16-bit inputs give 16-bit PNGs: bit depth byte 24 of the file is 16.
    for f in rgb16_ps.png grey16_ps.png rgba16_ps.png grey_alpha16_ps.png; do
        [ "$(od -An -tu1 -j24 -N1 "$o/$f" | tr -d ' ')" = 16 ] || { echo "$f"; false; }
    done
}

@test "unsupported: CMYK, HDR and a dimension bomb refused in words, others named as skipped" {
    run_split --seed 1 "$UNSUPPORTED" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 1 ]
    [ -z "$out" ]
    grep -qx "noiseaug: $UNSUPPORTED/cmyk.jpg: unsupported: CMYK JPEG (4 colour components); convert it to RGB first" <<<"$err"
    grep -q "^noiseaug: $UNSUPPORTED/scene.hdr: unsupported: Radiance HDR holds floating-point samples" <<<"$err"
    grep -qx "noiseaug: skipped 1 JPEG 2000 file that noiseaug cannot read: scan.jp2" <<<"$err"
    grep -qx "noiseaug: skipped 1 JPEG XL file that noiseaug cannot read: photo.jxl" <<<"$err"
    grep -qx "noiseaug: $UNSUPPORTED/bomb.png: image too large: 100000x100000 is over the limit of 268435456 pixels (--max-pixels)" <<<"$err"
    [[ "$err" == *"0 written, 3 failed, 2 skipped"* ]]
    [ "$(ls -A "$BATS_TEST_TMPDIR/out" | wc -l)" -eq 0 ]
}

@test "a folder of JPEG XL files does not come out empty without a word" {
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    for i in 1 2 3 4 5 6 7; do cp "$UNSUPPORTED/photo.jxl" "$in/p$i.jxl"; done
    run_split --seed 1 "$in" "$BATS_TEST_TMPDIR/out"
    grep -qx "noiseaug: skipped 7 JPEG XL files that noiseaug cannot read: p1.jxl, p2.jxl, p3.jxl, p4.jxl, p5.jxl and 2 more" <<<"$err"
}

@test "pixel limit: the largest allowed image works, one pixel more is refused" {
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    cp "$FORMATS/wide.png" "$in/"   # 4000 x 1
    run_split --seed 1 --max-pixels 4000 "$in" "$BATS_TEST_TMPDIR/a"
    [ "$status" -eq 0 ]
    run_split --seed 1 --max-pixels 3999 "$in" "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 1 ]
    grep -qx "noiseaug: $in/wide.png: image too large: 4000x1 is over the limit of 3999 pixels (--max-pixels)" <<<"$err"
}

@test "EXIF orientations 1-8 come out as an independent decoder shows them" {
    [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import PIL' 2>/dev/null ||
        skip "Python PIL (python3-pil) not installed"
    run_split --seed 1 --modes none "$FORMATS" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    /usr/bin/python3 - "$FORMATS" "$BATS_TEST_TMPDIR/out" <<'PY'
import sys
from PIL import Image, ImageOps, ImageChops, ImageStat
src, out = sys.argv[1], sys.argv[2]
for o in range(1, 9):
    shown = ImageOps.exif_transpose(Image.open(f"{src}/exif_{o}.jpg")).convert("RGB")
    ours = Image.open(f"{out}/exif_{o}_none.jpg").convert("RGB")
    assert shown.size == ours.size == (96, 64), (o, shown.size, ours.size)
    # Re-encoding at quality 95 moves samples by a few levels; a wrong turn
    # moves the bars of the F by tens of pixels and the mean by far more.
    diff = max(ImageStat.Stat(ImageChops.difference(shown, ours)).mean)
    assert diff < 4, (o, diff)
    # The stored pixels of 2..8 are not upright, so the check has teeth.
    if o > 1:
        raw = Image.open(f"{src}/exif_{o}.jpg").convert("RGB")
        assert raw.size != ours.size or max(ImageStat.Stat(ImageChops.difference(raw, ours)).mean) > 10, o
PY
}

@test "16-bit PNG outputs open in an independent decoder (PIL)" {
    [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import PIL' 2>/dev/null ||
        skip "Python PIL (python3-pil) not installed"
    run_split --seed 1 --modes addGauss "$FORMATS" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    /usr/bin/python3 - "$BATS_TEST_TMPDIR/out" <<'PY'
import sys
from PIL import Image
out = sys.argv[1]
for name, size in (("grey16", (64, 48)), ("rgb16", (64, 48)), ("rgba16", (40, 30)),
                   ("grey_alpha16", (40, 30))):
    im = Image.open(f"{out}/{name}_addGauss.png")
    im.load()
    assert im.size == size, (name, im.size)
    assert im.info.get("interlace", 0) == 0
    if name == "grey16":
        # PIL keeps 16-bit grey as I;16: values above 255 prove the depth.
        assert im.mode in ("I;16", "I;16B", "I"), im.mode
        lo, hi = im.getextrema()
        assert hi > 255, (lo, hi)
PY
}

@test "two inputs with one output name: the first keeps it, the second fails" {
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    cp "$FORMATS/anim.gif" "$in/a.gif"
    cp "$FORMATS/rgba.png" "$in/a.png"
    run_split --seed 1 --modes ps "$in" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 1 ]
    [ "$out" = "$in/a.gif --> $BATS_TEST_TMPDIR/out/a_ps.png" ]
    grep -qx "noiseaug: $in/a.png: output name a_ps.png is already taken by a.gif; not written" <<<"$err"
    # The file is a.gif's: 3 channels (the GIF has no transparency), not 4.
    [ "$("$IMGINFO" "$BATS_TEST_TMPDIR/out/a_ps.png" | cut -d' ' -f3)" = 3 ]
}

@test "damaged JPEGs are refused with the reason, never written grey or garbled" {
    [ "${CODEC:-turbo}" = turbo ] || skip "the stb build's JPEG reader does not report corrupt data"
    local in="$BATS_TEST_TMPDIR/in" src="$ROOT/data/images/f_photo.jpg" size sof
    mkdir "$in"
    size=$(stat -c %s "$src")
    # Cut at half, then an end-of-image marker, so that it looks whole.
    { head -c $((size / 2)) "$src"; printf '\377\331'; } >"$in/cut_eoi.jpg"
    head -c $((size / 2)) "$src" >"$in/cut.jpg"
    # Tables only: start and end of image, no frame.
    printf '\377\330\377\331' >"$in/tables.jpg"
    # Three stray bytes before the end marker.
    { head -c $((size - 2)) "$src"; printf '\0\0\0\377\331'; } >"$in/stray.jpg"
    # The frame header claims 512 rows; the data holds 120.
    cp "$src" "$in/tall.jpg"
    sof=$(LC_ALL=C grep -obUaP '\xff\xc0' "$src" | head -n 1 | cut -d: -f1)
    printf '\002\000' | dd of="$in/tall.jpg" bs=1 seek=$((sof + 5)) conv=notrunc status=none
    run_split --seed 1 --modes ps "$in" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 1 ]
    [ -z "$out" ]
    [ -z "$(ls -A "$BATS_TEST_TMPDIR/out")" ]
    local c="noiseaug: $in"
    grep -qx "$c/cut.jpg: cannot decode: truncated JPEG (the data ends before the image does)" <<<"$err"
    grep -qx "$c/cut_eoi.jpg: cannot decode: corrupt JPEG data: premature end of data segment" <<<"$err"
    grep -qx "$c/tables.jpg: cannot decode: JPEG without an image frame (tables only)" <<<"$err"
    grep -qx "$c/stray.jpg: cannot decode: corrupt JPEG data: 3 extraneous bytes before marker 0xd9" <<<"$err"
    grep -qx "$c/tall.jpg: cannot decode: corrupt JPEG data: premature end of data segment" <<<"$err"
    [[ "$err" == *"0 written, 5 failed"* ]]
}

@test "PNM: 16-bit samples are big-endian and any maximum value is scaled, as PIL reads them" {
    load pixels
    need_pil
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    # stb 2.27 swapped the bytes of 16-bit samples and ignored a maximum
    # value other than 255 or 65535 (pnm.c now reads PNM).
    "$PY" - "$in" <<'PY'
import os, struct, sys
d = sys.argv[1]
vals = [0x0102, 0x1234, 0xABCD, 0xFF00, 0x00FF, 0x8000, 0x0001, 0xFFFF, 0x7F7F]
open(os.path.join(d, "g16.pgm"), "wb").write(b"P5\n3 3\n65535\n" + b"".join(struct.pack(">H", v) for v in vals))
open(os.path.join(d, "g1000.pgm"), "wb").write(b"P5 3 3 1000\n" + b"".join(struct.pack(">H", v % 1001) for v in vals))
open(os.path.join(d, "g15.pgm"), "wb").write(b"P5\n# a comment\n3 3\n15\n" + bytes([0, 1, 2, 3, 7, 8, 14, 15, 9]))
open(os.path.join(d, "c100.ppm"), "wb").write(b"P6\n3 1\n100\n" + bytes([0, 50, 100, 1, 99, 33, 66, 10, 90]))
PY
    run_split --seed 1 --modes none "$in" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    run "$PY" - "$in" "$BATS_TEST_TMPDIR/out" <<'PY'
import os, sys
from PIL import Image
d, o = sys.argv[1:]
for name in ("g16", "g1000", "g15", "c100"):
    src = [p for p in os.listdir(d) if p.startswith(name + ".")][0]
    a, b = Image.open(os.path.join(d, src)), Image.open(os.path.join(o, name + "_none.png"))
    assert list(a.getdata()) == list(b.getdata()), (name, list(a.getdata()), list(b.getdata()))
print("ok")
PY
    echo "$output"
    [ "$status" -eq 0 ]
    # A sample above the maximum value is a corrupt file.
    printf 'P5\n2 1\n100\n\001\377' >"$in/over.pgm"
    run_split --seed 1 --modes none "$in" "$BATS_TEST_TMPDIR/out2"
    [ "$status" -eq 1 ]
    grep -qx "noiseaug: $in/over.pgm: cannot decode: corrupt PNM (a sample of 255 is above the maximum value 100)" <<<"$err"
}

@test "a progressive JPEG of 1896 scans is refused in both builds, before decoding its scans" {
    # tests/fixtures/many-scans.jpg is valid (djpeg decodes it); libjpeg-turbo
    # refuses more than 500 scans (TJFLAG_LIMITSCANS), which a 329 KB file
    # used to spend 12-15 s on; the stb build counts them itself.
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    cp "$ROOT/tests/fixtures/many-scans.jpg" "$ROOT/data/images/f_photo.jpg" "$in/"
    run_split --seed 1 --modes ps "$in" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 1 ]
    grep -qx "noiseaug: $in/many-scans.jpg: cannot decode: progressive JPEG image has more than 500 scans" <<<"$err"
    [ "$out" == "$in/f_photo.jpg --> $BATS_TEST_TMPDIR/out/f_photo_ps.jpg" ]
}

@test "arithmetic-coded JPEGs, flat and tiny, are read: the density bound is for Huffman coding" {
    [ "${CODEC:-turbo}" = turbo ] || skip "stb's JPEG reader does not read arithmetic coding"
    # tests/fixtures/arith-*.jpg: made with libjpeg's arith_code = TRUE, one
    # flat grey 1000x1000 (125 bytes), one flat RGB 4000x4000 (208 bytes).
    mkdir "$BATS_TEST_TMPDIR/in"
    cp "$ROOT"/tests/fixtures/arith-*.jpg "$BATS_TEST_TMPDIR/in/"
    run_split --seed 1 --modes none "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    [ "$("$IMGINFO" "$BATS_TEST_TMPDIR/out/arith-flat-1000-grey_none.jpg" | cut -d' ' -f1-3)" = "1000 1000 1" ]
    [ "$("$IMGINFO" "$BATS_TEST_TMPDIR/out/arith-flat-4000-rgb_none.jpg" | cut -d' ' -f1-3)" = "4000 4000 3" ]
}
