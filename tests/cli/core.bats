#!/usr/bin/env bats
# End-to-end tests of the core command: noiseaug [OPTIONS] IN_DIR OUT_DIR.

load helpers

@test "help and version exit 0" {
    run "$NOISEAUG" --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"Usage: noiseaug [OPTIONS] IN_DIR OUT_DIR"* ]]
    [[ "$output" == *"Exit status"* ]]
    run "$NOISEAUG" -V
    [ "$status" -eq 0 ]
    [[ "$output" == "noiseaug "* ]]
}

@test "usage errors exit 2 with a hint" {
    for args in "-j 0 a b" "-j abc a b" "-j -1 a b" "-j 1x a b" "--seed x a b" \
                "--seed 18446744073709551616 a b" "--modes ps,foo a b" \
                "--modes , a b" "--bogus a b" "-Z a b" "a" "" "-j"; do
        # shellcheck disable=SC2086
        run_split $args
        [ "$status" -eq 2 ] || { echo "args '$args' gave $status"; false; }
        [[ "$err" == "noiseaug: "* ]] || { echo "args '$args': $err"; false; }
        [[ "$err" == *"Try 'noiseaug --help'." ]] || { echo "args '$args': $err"; false; }
        [ -z "$out" ]
    done
}

@test "a missing input directory exits 2" {
    run_split "$BATS_TEST_TMPDIR/nope" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 2 ]
    [[ "$err" == *"nope: cannot read directory: No such file or directory" ]]
}

@test "data/: one line per image, in sorted order, outputs decode alike" {
    run_split -j 2 --seed 1 "$DATA" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    local n
    n=$(ls "$DATA" | wc -l)
    [ "$(printf '%s\n' "$out" | wc -l)" -eq "$n" ]
    # Input column is the sorted listing, joined with the path as given.
    diff <(printf '%s\n' "$out" | sed 's/ --> .*//') \
         <(LC_ALL=C ls "$DATA" | awk -v p="$DATA/" '{ print p $0 }')
    # Output column is OUT_DIR as given plus <stem>_<tag>.<ext>.
    printf '%s\n' "$out" | sed 's/.* --> //' | while read -r o; do
        [[ "$o" == "$BATS_TEST_TMPDIR/out/"* ]]
    done
    check_outputs_match_inputs
    [[ "$err" == *"noiseaug: $n written, 0 failed, 0 skipped in "*", seed 1" ]]
    # Nothing else in OUT_DIR: no temporary files left behind.
    [ "$(ls -A "$BATS_TEST_TMPDIR/out" | wc -l)" -eq "$n" ]
}

@test "same seed: -j 1 and -j 4 write identical bytes and stdout" {
    run_split -j 1 --seed 99 "$DATA" "$BATS_TEST_TMPDIR/o1"
    [ "$status" -eq 0 ]
    local out1="$out"
    run_split -j 4 --seed 99 "$DATA" "$BATS_TEST_TMPDIR/o4"
    [ "$status" -eq 0 ]
    [ "$(with_out_as "$BATS_TEST_TMPDIR/o1" "$out1")" = "$(with_out_as "$BATS_TEST_TMPDIR/o4" "$out")" ]
    diff -r "$BATS_TEST_TMPDIR/o1" "$BATS_TEST_TMPDIR/o4"
}

@test "different seeds give different outputs; no seed prints the one used" {
    run_split --seed 1 "$DATA" "$BATS_TEST_TMPDIR/a"
    local a="$out"
    run_split --seed 2 "$DATA" "$BATS_TEST_TMPDIR/b"
    [ "$(with_out_as "$BATS_TEST_TMPDIR/a" "$a")" != "$(with_out_as "$BATS_TEST_TMPDIR/b" "$out")" ]
    run_split "$DATA" "$BATS_TEST_TMPDIR/c"
    [ "$status" -eq 0 ]
    local seed
    seed="$(sed -n 's/.*, seed \([0-9]*\)$/\1/p' <<<"$err")"
    [ -n "$seed" ]
    # Re-running with the printed seed reproduces the run.
    local first="$out"
    run_split --seed "$seed" "$DATA" "$BATS_TEST_TMPDIR/d"
    [ "$(with_out_as "$BATS_TEST_TMPDIR/c" "$first")" = "$(with_out_as "$BATS_TEST_TMPDIR/d" "$out")" ]
    diff -r "$BATS_TEST_TMPDIR/c" "$BATS_TEST_TMPDIR/d"
}

@test "--modes restricts the tags" {
    run_split --seed 3 --modes ps,mixGauss "$DATA" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    [ -z "$(grep -vE '_(ps|mixGauss)\.[A-Za-z]+$' <<<"$out")" ]
    run_split --seed 3 --modes addPic "$DATA" "$BATS_TEST_TMPDIR/out2"
    [ "$status" -eq 0 ]
    [ "$(grep -c -- '_add_f_' <<<"$out")" -eq "$(ls "$DATA" | wc -l)" ]
}

@test "a corrupt file: one error line naming it, exit 1, the rest written" {
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    cp "$DATA"/* "$in"/
    printf 'this is not a jpeg' >"$in/bad.jpg"
    # Partners are drawn from the whole set, so use modes without partners
    # to keep the failure to the corrupt file itself.
    run_split --seed 5 --modes ps,addGauss,mixGauss "$in" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 1 ]
    [ "$(grep -c 'bad.jpg' <<<"$err")" -eq 1 ]
    grep -q "^noiseaug: $in/bad.jpg: cannot decode: " <<<"$err"
    [ "$(printf '%s\n' "$out" | wc -l)" -eq "$(ls "$DATA" | wc -l)" ]
    [[ "$out" != *bad* ]]
    [[ "$err" == *"written, 1 failed, 0 skipped"* ]]
}

@test "non-image files are skipped and counted; hidden files ignored" {
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    cp "$DATA/f_rgb.png" "$in/"
    echo hi >"$in/readme.txt"
    echo hi >"$in/notes.md"
    cp "$DATA/f_rgb.png" "$in/.hidden.png"
    run_split --seed 1 "$in" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ]
    [[ "$err" == *"1 written, 0 failed, 2 skipped"* ]]
}

@test "OUT_DIR is created with its parents; paths are joined as given" {
    run_split --seed 1 "$DATA/" "$BATS_TEST_TMPDIR/x/y/z/"
    [ "$status" -eq 0 ]
    [ -d "$BATS_TEST_TMPDIR/x/y/z" ]
    # A trailing slash is not doubled.
    [[ "$out" != *//* ]]
    grep -q "^$DATA/f_rgb.png --> $BATS_TEST_TMPDIR/x/y/z/f_rgb_" <<<"$out"
}

@test "in place (OUT_DIR = IN_DIR): inputs are never overwritten" {
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    cp "$DATA"/* "$in"/
    # An input named like the output f_grey.png would get under ps.
    cp "$DATA/f_rgb.png" "$in/f_grey_ps.png"
    local before
    before="$(cd "$in" && sha256sum -- *)"
    run_split --seed 1 --modes ps "$in" "$in"
    (cd "$in" && sha256sum -c --quiet <<<"$before")
    [ "$status" -eq 0 ]
    # Named as f_grey.png's output, it is taken for an earlier run's: not
    # an input, and not overwritten either, but kept and listed, as a rerun
    # keeps what the first run wrote.
    [[ "$err" == *", 1 already there"* ]]
    grep -qx "$in/f_grey.png --> $in/f_grey_ps.png" <<<"$out"
    # The others were written beside their inputs, and this run's outputs
    # were not taken as inputs (the scan came first): one line per other
    # input, no more.
    [ -f "$in/f_rgb_ps.png" ]
    [ "$(printf '%s\n' "$out" | wc -l)" -eq "$(ls "$DATA" | wc -l)" ]
}

@test "outputs keep the input format, others become PNG" {
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    cp "$DATA/f_photo.jpg" "$in/A.JPEG"
    cp "$DATA/f_tile.tga" "$in/t.tga"
    cp "$DATA/f_wide.bmp" "$in/w.bmp"
    # stb reads PNM; a tiny binary PGM becomes PNG.
    printf 'P5\n2 2\n255\n\x00\x40\x80\xff' >"$in/g.pgm"
    run_split --seed 1 --modes ps "$in" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    grep -q '/A_ps.JPEG$' <<<"$out"
    grep -q '/t_ps.tga$' <<<"$out"
    grep -q '/w_ps.bmp$' <<<"$out"
    grep -q '/g_ps.png$' <<<"$out"
    [ "$(head -c 4 "$BATS_TEST_TMPDIR/out/g_ps.png" | od -An -c | tr -d ' ')" = '211PNG' ]
    [ "$(head -c 2 "$BATS_TEST_TMPDIR/out/A_ps.JPEG" | od -An -tx1 | tr -d ' ')" = 'ffd8' ]
    check_outputs_match_inputs
}

@test "corpus: 70 lines in order, all five tags, outputs decode alike" {
    need_corpus
    run_split -j 2 --seed 7 "$CORPUS" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    [ "$(printf '%s\n' "$out" | wc -l)" -eq 70 ]
    diff <(printf '%s\n' "$out" | sed 's/ --> .*//') \
         <(LC_ALL=C ls "$CORPUS" | awk -v p="$CORPUS/" '{ print p $0 }')
    for tag in _ps. _addGauss. _mixGauss. _add_img_ _mix_img_; do
        grep -q -- "$tag" <<<"$out" || { echo "no $tag"; false; }
    done
    check_outputs_match_inputs
}

@test "corpus: -j 1 and -j 2 write identical bytes" {
    need_corpus
    run_split -j 2 --seed 7 "$CORPUS" "$BATS_TEST_TMPDIR/o2"
    local out2="$out"
    run_split -j 1 --seed 7 "$CORPUS" "$BATS_TEST_TMPDIR/o1"
    [ "$status" -eq 0 ]
    [ "$(with_out_as "$BATS_TEST_TMPDIR/o2" "$out2")" = "$(with_out_as "$BATS_TEST_TMPDIR/o1" "$out")" ]
    diff -r "$BATS_TEST_TMPDIR/o1" "$BATS_TEST_TMPDIR/o2"
}

@test "data/ is exactly what tools/gen_samples, gen_datasets.py and gen_mixed.py make" {
    # The committed samples come from the default (libjpeg-turbo) build;
    # the pure-stb build encodes JPEG and PNG differently.
    [ "${CODEC:-turbo}" = turbo ] || skip "samples are made by the default build"
    need_python
    "$GEN_SAMPLES" "$BATS_TEST_TMPDIR/data"
    "$PY" "$ROOT/tools/gen_datasets.py" "$BATS_TEST_TMPDIR/data/datasets"
    # HEIF and AVIF come from heif-enc (libheif-examples), which the suite
    # does not install: without it they are compared as committed.
    "$PY" "$ROOT/tools/gen_mixed.py" "$BATS_TEST_TMPDIR/data/mixed" "$BATS_TEST_TMPDIR/refused"
    if ! command -v heif-enc >/dev/null; then
        cp "$ROOT/data/mixed/heif_photo.heic" "$ROOT/data/mixed/avif_photo.avif" "$BATS_TEST_TMPDIR/data/mixed/"
    fi
    diff -r "$BATS_TEST_TMPDIR/data" "$ROOT/data"
    diff -r "$BATS_TEST_TMPDIR/refused" "$ROOT/tests/fixtures/refused"
}

@test "JPEG outputs keep the input's chroma subsampling" {
    need_corpus
    [ "${CODEC:-turbo}" = turbo ] || skip "the pure-stb build does not report subsampling"
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    # img_001 is 4:2:0 and img_006 4:2:2 in the shared corpus (hints 2, 1).
    cp "$CORPUS/img_001.jpg" "$CORPUS/img_006.jpg" "$in"/
    run_split --seed 1 --modes ps,addGauss "$in" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    while IFS= read -r line; do
        local i="${line%% --> *}" o="${line##* --> }"
        [ "$("$IMGINFO" "$i" | cut -d' ' -f5)" = "$("$IMGINFO" "$o" | cut -d' ' -f5)" ]
    done <<<"$out"
    [ "$("$IMGINFO" "$in/img_001.jpg" | cut -d' ' -f5)" = 2 ]
    [ "$("$IMGINFO" "$in/img_006.jpg" | cut -d' ' -f5)" = 1 ]
}

@test "docs: every option in --help is in the man page and the README" {
    run "$NOISEAUG" --help
    [ "$status" -eq 0 ]
    local opts
    opts="$(grep -oE -- '--[a-z][a-z-]+' <<<"$output" | sort -u)"
    [ -n "$opts" ]
    for o in $opts; do
        # groff writes each '-' of an option as '\-'.
        grep -qF -- "${o//-/\\-}" "$ROOT/doc/noiseaug.1" || { echo "man page lacks $o"; false; }
        grep -qF -- "$o" "$ROOT/README.md" || { echo "README lacks $o"; false; }
    done
    for code in 0 1 2 129 130 141 143; do
        grep -q "^\.B $code$" "$ROOT/doc/noiseaug.1"
        grep -qE "^\| ([0-9]+, )*$code(, [0-9]+)* \|" "$ROOT/README.md"
        grep -q "$code" <<<"$output"
    done
}

@test "make install puts the binary and the man page under DESTDIR" {
    make -s -C "$ROOT" install CODEC="${CODEC:-turbo}" DESTDIR="$BATS_TEST_TMPDIR/root" PREFIX=/usr >/dev/null
    [ -x "$BATS_TEST_TMPDIR/root/usr/bin/noiseaug" ]
    [ -f "$BATS_TEST_TMPDIR/root/usr/share/man/man1/noiseaug.1" ]
    "$BATS_TEST_TMPDIR/root/usr/bin/noiseaug" --version | grep -q '^noiseaug '
}
