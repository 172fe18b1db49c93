#!/usr/bin/env bats
# Dataset-pipeline options: labels, copies, recursion, lists, shards, resume,
# dry runs, the manifest, originals, formats, weights and strengths, and the
# progress/quiet/verbose messages.

load helpers

LABELS="$ROOT/data/labels"
PY=/usr/bin/python3

need_python() {
    [ -x "$PY" ] || skip "python3 not installed (the JSON checks use it)"
}

# Lines of $out with OUT_DIR replaced, for comparing runs into two folders.
lines_without() {
    replace_literal "$1" OUT <<<"$out"
}

@test "labels: copied under the output stem, a missing one counted" {
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    cp "$DATA"/* "$in"/
    cp "$DATA/f_rgb.png" "$in/unlabelled.png"
    run_split --seed 4 --labels "$LABELS" --labels-out "$BATS_TEST_TMPDIR/lab" \
        "$in" "$BATS_TEST_TMPDIR/img"
    [ "$status" -eq 0 ]
    [[ "$err" == *"7 label files written, 1 images without a label"* ]]
    grep -q "^noiseaug: 1 image has no label in $LABELS: $in/unlabelled.png " <<<"$err"
    while IFS= read -r line; do
        local i="${line%% --> *}" o="${line##* --> }"
        local stem in_stem
        stem="$(basename "${o%.*}")"
        in_stem="$(basename "${i%.*}")"
        if [ "$in_stem" = unlabelled ]; then
            [ ! -e "$BATS_TEST_TMPDIR/lab/$stem.txt" ]
        else
            cmp "$LABELS/$in_stem.txt" "$BATS_TEST_TMPDIR/lab/$stem.txt"
        fi
    done <<<"$out"
    # Without --labels-out they go beside the images.
    run_split --seed 4 --labels "$LABELS" "$DATA" "$BATS_TEST_TMPDIR/both"
    [ "$(ls "$BATS_TEST_TMPDIR/both"/*.txt | wc -l)" -eq 7 ]
}

@test "copies: 3 per input, distinct bytes, copy order, _k names" {
    run_split --seed 5 -n 3 "$DATA" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    local n
    n=$(ls "$DATA" | wc -l)
    [ "$(printf '%s\n' "$out" | wc -l)" -eq $((3 * n)) ]
    [ "$(ls "$BATS_TEST_TMPDIR/out" | wc -l)" -eq $((3 * n)) ]
    [ "$(cd "$BATS_TEST_TMPDIR/out" && sha256sum -- * | cut -d' ' -f1 | sort -u | wc -l)" -eq $((3 * n)) ]
    # The three lines of each input are together, copies 0, 1, 2.
    printf '%s\n' "$out" | sed 's/.*_\([0-9]\)\.[A-Za-z]*$/\1/' | paste -sd' ' |
        grep -qx "$(for i in $(seq "$n"); do printf '0 1 2 '; done | sed 's/ $//')"
}

@test "shards: the union of 0/3, 1/3 and 2/3 is the unsharded run, byte for byte" {
    run_split --seed 6 "$DATA" "$BATS_TEST_TMPDIR/all"
    [ "$status" -eq 0 ]
    local whole
    whole="$(lines_without "$BATS_TEST_TMPDIR/all" | sort)"
    local parts=""
    for k in 0 1 2; do
        run_split --seed 6 --shard "$k/3" "$DATA" "$BATS_TEST_TMPDIR/shards"
        [ "$status" -eq 0 ]
        [ -z "$out" ] || parts+="$(lines_without "$BATS_TEST_TMPDIR/shards")"$'\n'
    done
    [ "$(printf '%s' "$parts" | sort)" = "$whole" ]
    diff -r "$BATS_TEST_TMPDIR/all" "$BATS_TEST_TMPDIR/shards"
}

@test "dry run: writes nothing, prints the lines a real run prints" {
    run_split --seed 8 -n 2 --dry-run --manifest "$BATS_TEST_TMPDIR/m.jsonl" \
        "$DATA" "$BATS_TEST_TMPDIR/dry"
    [ "$status" -eq 0 ]
    [ ! -e "$BATS_TEST_TMPDIR/dry" ]
    local dry
    dry="$(lines_without "$BATS_TEST_TMPDIR/dry")"
    [ "$(grep -c '"status":"dry-run"' "$BATS_TEST_TMPDIR/m.jsonl")" -eq "$(printf '%s\n' "$out" | wc -l)" ]
    run_split --seed 8 -n 2 "$DATA" "$BATS_TEST_TMPDIR/real"
    [ "$dry" = "$(lines_without "$BATS_TEST_TMPDIR/real")" ]
}

@test "manifest: parses as JSON Lines and matches the files" {
    need_python
    run_split --seed 9 --manifest "$BATS_TEST_TMPDIR/m.jsonl" --ps-amount 0.02:0.2 \
        "$ROOT/data/formats" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    printf '%s\n' "$out" >"$BATS_TEST_TMPDIR/lines"
    IMGINFO="$IMGINFO" "$PY" - "$BATS_TEST_TMPDIR/m.jsonl" "$BATS_TEST_TMPDIR/lines" <<'PY'
import json, os, subprocess, sys
records = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
lines = open(sys.argv[2]).read().splitlines()
assert len(records) == len(lines), (len(records), len(lines))
keys = {"input", "output", "mode", "strength", "partner", "seed", "copy", "width",
        "height", "channels", "bits", "status", "error", "encoder", "metadata"}
for r, line in zip(records, lines):
    assert set(r) == keys, r
    assert line == f"{r['input']} --> {r['output']}", (line, r)
    assert r["status"] == "ok" and r["error"] is None and r["seed"] == "9"
    assert r["encoder"] in ("libjpeg-turbo+libdeflate", "stb"), r
    # Of the samples only the EXIF ones carry metadata; their EXIF is kept.
    want = ["exif"] if os.path.basename(r["input"]).startswith("exif_") else []
    assert r["metadata"] == want, r
    assert os.path.isfile(r["output"])
    w, h, c, bits = subprocess.run([os.environ["IMGINFO"], r["input"]], capture_output=True,
                                   text=True, check=True).stdout.split()[:4]
    assert (r["width"], r["height"], r["channels"], r["bits"]) == (int(w), int(h), int(c), int(bits)), r
    if r["mode"] == "ps":
        assert 0.02 <= r["strength"] <= 0.2
    assert (r["partner"] is not None) == (r["mode"] in ("addPic", "mixPic")), r
PY
}

@test "skip-existing: after deleting half the outputs, exactly those are rewritten" {
    run_split --seed 10 "$DATA" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    local first="$out"
    cp -a "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/ref"
    local deleted kept
    deleted="$(ls "$BATS_TEST_TMPDIR/out" | sed -n '1~2p')"
    kept="$(ls "$BATS_TEST_TMPDIR/out" | sed -n '2~2p')"
    (cd "$BATS_TEST_TMPDIR/out" && rm -- $deleted)
    touch -d '2001-01-01' "$BATS_TEST_TMPDIR/out"/*
    run_split --seed 10 --skip-existing --manifest "$BATS_TEST_TMPDIR/m.jsonl" "$DATA" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    [ "$out" = "$first" ]
    diff -r "$BATS_TEST_TMPDIR/ref" "$BATS_TEST_TMPDIR/out"
    for f in $kept; do  # untouched: still dated 2001
        [ "$(stat -c %Y "$BATS_TEST_TMPDIR/out/$f")" -lt 1000000000 ]
    done
    for f in $deleted; do
        [ "$(stat -c %Y "$BATS_TEST_TMPDIR/out/$f")" -gt 1000000000 ]
    done
    [ "$(grep -c '"status":"skipped"' "$BATS_TEST_TMPDIR/m.jsonl")" -eq "$(echo "$kept" | wc -w)" ]
    [[ "$err" == *"already there"* ]]
}

@test "recursive: subdirectories mirrored, sorted by relative path" {
    local in="$BATS_TEST_TMPDIR/in"
    mkdir -p "$in/b/deep" "$in/a" "$in/.hidden"
    cp "$DATA/f_rgb.png" "$in/top.png"
    cp "$DATA/f_photo.jpg" "$in/a/x.jpg"
    cp "$DATA/f_grey.png" "$in/b/deep/y.png"
    cp "$DATA/f_rgb.png" "$in/.hidden/z.png"
    ln -s .. "$in/b/up"
    run_split --seed 11 -r --labels "$in" "$in" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    [ "$(printf '%s\n' "$out" | sed 's/ --> .*//' | replace_literal "$in/" "" | paste -sd,)" = "a/x.jpg,b/deep/y.png,top.png" ]
    [ -n "$(ls "$BATS_TEST_TMPDIR/out/a"/x_*.jpg)" ]
    [ -n "$(ls "$BATS_TEST_TMPDIR/out/b/deep"/y_*.png)" ]
    check_outputs_match_inputs
    # Without -r, only the top level.
    run_split --seed 11 "$in" "$BATS_TEST_TMPDIR/flat"
    [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ]
}

@test "files-from: NUL-separated odd names (space, newline, unicode, leading dash)" {
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    cp "$DATA/f_rgb.png" "$in/with space.png"
    cp "$DATA/f_rgb.png" "$in/new"$'\n'"line.png"
    cp "$DATA/f_photo.jpg" "$in/ünïcødé.jpg"
    cp "$DATA/f_grey.png" "$in/-dash.png"
    cd "$BATS_TEST_TMPDIR"
    find in -type f -print0 | sort -z >list0
    run_split --seed 12 --files-from list0 -0 out
    [ "$status" -eq 0 ]
    [ "$(find out/in -type f -printf x | wc -c)" -eq 4 ]
    [ -n "$(ls out/in/ünïcødé_*.jpg)" ]
    [ -n "$(ls out/in/-dash_*.png)" ]
    [ -n "$(ls out/in/with\ space_*.png)" ]
    # The same through stdin with '-'.
    local via_file="$out"
    "$NOISEAUG" --seed 12 --files-from - -0 out2 <list0 >stdout2 2>/dev/null
    [ "${via_file//out\//X/}" = "$(sed 's|out2/|X/|g' stdout2)" ]
    diff -r out out2
    # A '..' in a listed path would leave OUT_DIR: refused, not written.
    printf '../in/with space.png\n' >listdd
    mkdir sub && cd sub
    run_split --seed 12 --files-from ../listdd ../out3
    [ "$status" -eq 1 ]
    [[ "$err" == *"'..' component"* ]]
}

@test "include-originals in place: inputs never touched, originals not duplicated" {
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    cp "$DATA"/* "$in"/
    cp "$LABELS"/* "$in"/
    local before
    before="$(cd "$in" && sha256sum -- * | sort)"
    run_split --seed 13 --include-originals --labels "$in" "$in" "$in"
    [ "$status" -eq 0 ]
    (cd "$in" && sha256sum -c --quiet <<<"$before")
    # A separate OUT_DIR gets the originals and their labels too.
    run_split --seed 13 --include-originals --labels "$LABELS" "$DATA" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    for f in "$DATA"/*; do
        cmp "$f" "$BATS_TEST_TMPDIR/out/$(basename "$f")"
        local stem
        stem="$(basename "${f%.*}")"
        cmp "$LABELS/$stem.txt" "$BATS_TEST_TMPDIR/out/$stem.txt"
    done
    [ "$(printf '%s\n' "$out" | wc -l)" -eq $((2 * $(ls "$DATA" | wc -l))) ]
}

@test "format and quality: -f png converts, -q changes the JPEG" {
    run_split --seed 14 -f png "$DATA" "$BATS_TEST_TMPDIR/png"
    [ "$status" -eq 0 ]
    [ -z "$(grep -v '\.png$' <<<"$out")" ]
    check_outputs_match_inputs
    run_split --seed 14 -m ps -q 50 "$DATA" "$BATS_TEST_TMPDIR/q50"
    run_split --seed 14 -m ps "$DATA" "$BATS_TEST_TMPDIR/q95"
    [ "$(stat -c %s "$BATS_TEST_TMPDIR/q50/f_photo_ps.jpg")" -lt "$(stat -c %s "$BATS_TEST_TMPDIR/q95/f_photo_ps.jpg")" ]
    # 16-bit as JPEG: 8-bit JPEG, same size and channels.
    mkdir "$BATS_TEST_TMPDIR/in16"
    cp "$ROOT/data/formats/rgb16.png" "$BATS_TEST_TMPDIR/in16/"
    run_split --seed 14 -f jpg "$BATS_TEST_TMPDIR/in16" "$BATS_TEST_TMPDIR/jpg"
    [ "$status" -eq 0 ]
    [ "$("$IMGINFO" "$BATS_TEST_TMPDIR/jpg"/rgb16_*.jpg | cut -d' ' -f1-4)" = "64 48 3 8" ]
    # Converting can make two inputs share a name: caught, not overwritten.
    run_split --seed 14 -m ps -f jpg "$ROOT/data/formats" "$BATS_TEST_TMPDIR/all"
    [ "$status" -eq 1 ]
    grep -q "image.tga: output name image_ps.jpg is already taken by image.bmp; not written" <<<"$err"
}

@test "weights: -m ps:9,mixGauss:1 favours ps about 9 to 1" {
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    for i in $(seq 1 200); do ln -s "$DATA/f_grey.png" "$in/g$i.png"; done
    run_split --seed 15 --dry-run -m ps:9,mixGauss:1 "$in" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    local ps
    ps=$(grep -c '_ps\.png$' <<<"$out")
    [ "$(grep -c '_mixGauss\.png$' <<<"$out")" -eq $((200 - ps)) ]
    # Binomial(200, 0.9): mean 180, sd 4.2; 4 sd either side.
    [ "$ps" -ge 163 ] && [ "$ps" -le 197 ]
}

@test "progress on stderr only; quiet and verbose" {
    run_split --seed 16 --progress "$DATA" "$BATS_TEST_TMPDIR/p"
    [ "$status" -eq 0 ]
    [[ "$err" == *"img/s"* ]]
    [[ "$out" != *"img/s"* ]]
    run_split --seed 16 "$DATA" "$BATS_TEST_TMPDIR/np"  # stderr is not a terminal
    [[ "$err" != *"ETA"* ]]
    run_split --seed 16 -Q "$DATA" "$BATS_TEST_TMPDIR/q"
    [ -z "$err" ]
    [ "$(printf '%s\n' "$out" | wc -l)" -eq "$(ls "$DATA" | wc -l)" ]
    run_split --seed 16 -v "$DATA" "$BATS_TEST_TMPDIR/v"
    [ "$(grep -c ' ms$' <<<"$err")" -eq "$(ls "$DATA" | wc -l)" ]
}

@test "every validation error exits 2 with a hint" {
    for args in "--copies 0 a b" "--copies x a b" "--shard 3/3 a b" "--shard 1 a b" \
                "--shard a/2 a b" "--skip-existing a b" "--ps-amount 2 a b" \
                "--blend 0.5:0.2 a b" "--mix-rate -1 a b" "--gauss-weight x a b" \
                "-m ps:0 a b" "-m ps:x a b" "--format gif a b" "-q 0 a b" "-q 101 a b" \
                "--labels-out x a b" "-0 a b" \
                "--files-from l a b c" "--files-from l" "-r --files-from l o" \
                "--max-pixels 0 a b"; do
        # shellcheck disable=SC2086
        run_split $args
        [ "$status" -eq 2 ] || { echo "args '$args' gave $status: $err"; false; }
        [[ "$err" == *"Try 'noiseaug --help'." ]] || { echo "args '$args': $err"; false; }
    done
}

@test "an OUT_DIR that cannot be created is one error, exit 2, before any work" {
    touch "$BATS_TEST_TMPDIR/file"
    run_split --seed 1 "$DATA" "$BATS_TEST_TMPDIR/file/out"
    [ "$status" -eq 2 ]
    [ -z "$out" ]
    [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]
    [[ "$err" == "noiseaug: $BATS_TEST_TMPDIR/file/out: cannot create directory: Not a directory" ]]
}

@test "files-from in place: './a.png' in the list still protects a.png" {
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    cp "$DATA/f_rgb.png" "$in/a.png"
    cp "$DATA/f_grey.png" "$in/a_ps.png"
    local before
    before="$(cd "$in" && sha256sum -- *)"
    printf './a.png\n./a_ps.png\n' >"$in/list"
    cd "$in"
    run_split --seed 1 -m ps --files-from list .
    (cd "$in" && sha256sum -c --quiet <<<"$before")
    [ "$status" -eq 1 ]
    grep -qx "noiseaug: ./a.png: output name a_ps.png is an input file; not overwritten" <<<"$err"
}

@test "OUT_DIR inside IN_DIR with -r: its files are never inputs, and a rerun writes the same set" {
    local in="$BATS_TEST_TMPDIR/in"
    mkdir -p "$in/sub" "$in/aug"
    cp "$DATA/f_rgb.png" "$in/a.png"
    cp "$DATA/f_grey.png" "$in/sub/b.png"
    cp "$DATA/f_tile.tga" "$in/aug/left_from_before.tga"
    run_split --seed 4 -r --modes ps "$in" "$in/aug"
    [ "$status" -eq 0 ]
    [ "$(with_out_as "$in/aug" "$out")" = "$in/a.png --> OUT/a_ps.png
$in/sub/b.png --> OUT/sub/b_ps.png" ]
    local first="$out"
    run_split --seed 4 -r --modes ps "$in" "$in/aug"
    [ "$status" -eq 0 ]
    [ "$out" = "$first" ]
    [ "$(cd "$in/aug" && find . -type f | LC_ALL=C sort | paste -sd' ')" = "./a_ps.png ./left_from_before.tga ./sub/b_ps.png" ]
}

@test "an input listed from inside OUT_DIR is never overwritten by another input's output" {
    local o="$BATS_TEST_TMPDIR/o"
    mkdir -p "$o/x"
    cp "$DATA/f_photo.jpg" "$o/x/a.jpg"
    cp "$DATA/f_photo.jpg" "$o/a_ps.jpg"
    cp "$o/a_ps.jpg" "$BATS_TEST_TMPDIR/kept.jpg"
    cd "$o/x"
    printf 'a.jpg\n%s\n' "$o/a_ps.jpg" >list
    run_split --seed 1 --modes ps --files-from list "$o"
    [ "$status" -eq 1 ]
    grep -qx "noiseaug: a.jpg: output name a_ps.jpg is an input file; not overwritten" <<<"$err"
    cmp "$o/a_ps.jpg" "$BATS_TEST_TMPDIR/kept.jpg"
}

@test "--skip-existing keeps only whole images: a cut file or a folder at an output path is made again" {
    run_split --seed 9 --modes ps "$DATA" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    local first="$out" o="$BATS_TEST_TMPDIR/out"
    cp -r "$o" "$BATS_TEST_TMPDIR/whole"
    head -c 100 "$BATS_TEST_TMPDIR/whole/f_rgb_ps.png" >"$o/f_rgb_ps.png"   # cut short
    : >"$o/f_photo_ps.jpg"                                                 # empty
    rm "$o/f_grey_ps.png" && mkdir "$o/f_grey_ps.png"                       # a folder
    run_split --seed 9 --modes ps --skip-existing "$DATA" "$o"
    # The folder cannot be replaced: that one output fails, and says why.
    [ "$status" -eq 1 ]
    grep -qx "noiseaug: $DATA/f_grey.png: cannot rename into place: Is a directory" <<<"$err"
    [[ "$err" == *"2 written, 1 failed, 0 skipped, 4 already there"* ]]
    rmdir "$o/f_grey_ps.png"
    cp "$BATS_TEST_TMPDIR/whole/f_grey_ps.png" "$o/"
    diff -r "$o" "$BATS_TEST_TMPDIR/whole"
}
