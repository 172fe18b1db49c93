#!/usr/bin/env bats
# Datasets come out valid (issue 11): labels that name or embed their image
# (Pascal VOC, LabelMe), COCO files, missing labels, partners kept inside
# their folder, reruns that never take outputs for inputs, runs that do
# nothing, and inputs named as a user names them. The sets are those of
# data/datasets (tools/gen_datasets.py); the results are read by
# tests/tools/check_datasets.py with Python's json, xml.etree and PIL.

load helpers
bats_require_minimum_version 1.5.0

SETS="$ROOT/data/datasets"
CHECK="$ROOT/tests/tools/check_datasets.py"

setup() {
    need_python
    T="$BATS_TEST_TMPDIR"
}

# Copies data/datasets/$1 to $T/$1, so that a test may change it.
copy_set() {
    cp -R "$SETS/$1" "$T/$1"
}

# --- labels that name or embed their image -----------------------------

@test "LabelMe: imagePath, imageData (the bytes written) and the size describe each output" {
    run_split --seed 3 -n 2 --labels "$SETS/labelme" --label-ext .json \
        "$SETS/labelme" "$T/out"
    [ "$status" -eq 0 ]
    [ "$(wc -l <<<"$out")" -eq 6 ]
    [[ "$err" == *"6 label files written, 0 images without a label"* ]]
    run "$PY" "$CHECK" labelme "$SETS/labelme" "$T/out" <<<"$out"
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    # The label "船" is kept as UTF-8, not escaped.
    grep -q '"label": "船"' "$T/out/img_001_"*.json
}

@test "LabelMe: labels written elsewhere name their image relative to themselves" {
    run_split --seed 3 --labels "$SETS/labelme" --label-ext .json --labels-out "$T/lab/x" \
        "$SETS/labelme" "$T/img"
    [ "$status" -eq 0 ]
    run "$PY" "$CHECK" labelme "$SETS/labelme" "$T/lab/x" <<<"$out"
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    grep -q '"imagePath": "../../img/img_002_' "$T/lab/x/img_002_"*.json
}

@test "VOC: filename, path and size name the output; objects and comments kept" {
    run_split --seed 5 -n 2 --labels "$SETS/voc/Annotations" --label-ext .xml \
        --labels-out "$T/Annotations" "$SETS/voc/JPEGImages" "$T/JPEGImages"
    [ "$status" -eq 0 ]
    [[ "$err" == *"6 label files written"* ]]
    run "$PY" "$CHECK" voc "$SETS/voc/Annotations" "$T/Annotations" <<<"$out"
    [ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "a label that does not parse is named; its image is written and the run exits 1" {
    copy_set labelme
    printf '{"imagePath": "img_002.png", "shapes": [' >"$T/labelme/img_002.json"
    copy_set voc
    printf '<annotation><filename>x</annotation>\n' >"$T/voc/Annotations/000003.xml"
    run_split --seed 3 --labels "$T/labelme" --label-ext .json "$T/labelme" "$T/out"
    [ "$status" -eq 1 ]
    grep -qE "^noiseaug: $T/labelme/img_002.json: not valid JSON: line 1 .*; the image is written without it$" <<<"$err"
    [ "$(ls "$T/out"/img_002_*.png | wc -l)" -eq 1 ]
    [ "$(ls "$T/out"/img_002_*.json 2>/dev/null | wc -l)" -eq 0 ]
    [ "$(ls "$T/out"/*.json | wc -l)" -eq 2 ]
    run_split --seed 3 --labels "$T/voc/Annotations" --label-ext .xml "$T/voc/JPEGImages" "$T/v"
    [ "$status" -eq 1 ]
    grep -qE "^noiseaug: $T/voc/Annotations/000003.xml: not well-formed XML: line [0-9]+: .*; the image is written without it$" <<<"$err"
    [ -f "$(ls "$T/v"/000003_*.png)" ]
}

@test "XML and JSON bombs are not expanded, and nothing is fetched" {
    copy_set voc
    local a="$T/voc/Annotations/000002.xml"
    {
        echo '<?xml version="1.0"?>'
        echo '<!DOCTYPE annotation [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
        for i in 1 2 3 4 5 6 7 8 9; do
            echo "<!ENTITY $(printf "\\x$(printf %x $((97 + i)))") \"&$(printf "\\x$(printf %x $((96 + i)))");&$(printf "\\x$(printf %x $((96 + i)))");&$(printf "\\x$(printf %x $((96 + i)))");&$(printf "\\x$(printf %x $((96 + i)))");&$(printf "\\x$(printf %x $((96 + i)))");&$(printf "\\x$(printf %x $((96 + i)))");&$(printf "\\x$(printf %x $((96 + i)))");&$(printf "\\x$(printf %x $((96 + i)))");&$(printf "\\x$(printf %x $((96 + i)))");&$(printf "\\x$(printf %x $((96 + i)))");\">"
        done
        echo '<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        echo '<annotation><filename>&j;</filename><folder>&x;</folder></annotation>'
    } >"$a"
    run_split --seed 5 -m ps --labels "$T/voc/Annotations" --label-ext .xml \
        "$T/voc/JPEGImages" "$T/out"
    # Either refused in words or written without expanding: never 10^10 bytes.
    [ "$status" -le 1 ]
    local written="$T/out/000002_ps.xml"
    if [ -f "$written" ]; then
        [ "$(stat -c %s "$written")" -lt 100000 ]
        run ! grep -q "root:" "$written"
    else
        grep -q "000002.xml: " <<<"$err"
    fi
}

@test "other label extensions are copied byte for byte, and every file is counted" {
    copy_set yolo
    printf '\x89PNG mask' >"$T/yolo/labels/train/a.png"
    printf '\x93NUMPY' >"$T/yolo/labels/train/b.npy"
    run_split --seed 2 --labels "$T/yolo/labels/train" --label-ext .txt,.png,.npy \
        --labels-out "$T/lab" "$T/yolo/images/train" "$T/img"
    [ "$status" -eq 0 ]
    [[ "$err" == *"4 label files written, 0 images without a label"* ]]
    cmp "$T/yolo/labels/train/a.png" "$T"/lab/a_*.png
    cmp "$T/yolo/labels/train/b.npy" "$T"/lab/b_*.npy
    cmp "$T/yolo/labels/train/a.txt" "$T"/lab/a_*.txt
}

# --- missing labels -------------------------------------------------------

@test "a --labels path that is not a readable folder is a usage error" {
    run_split --labels "$SETS/yolo/label" "$SETS/yolo/images/train" "$T/o"
    [ "$status" -eq 2 ]
    [[ "$err" == *"--labels $SETS/yolo/label is not a readable directory"* ]]
    run_split --labels "$SETS/yolo/labels/train/a.txt" "$SETS/yolo/images/train" "$T/o"
    [ "$status" -eq 2 ]
    [ ! -e "$T/o" ]
}

@test "images without a label are counted and named; --require-labels fails them" {
    copy_set yolo
    rm "$T/yolo/labels/train/b.txt"
    run_split --seed 1 --labels "$T/yolo/labels/train" "$T/yolo/images/train" "$T/o"
    [ "$status" -eq 0 ]
    grep -qx "noiseaug: 1 image has no label in $T/yolo/labels/train: $T/yolo/images/train/b.png (YOLO reads an image without one as background; -v names each, --require-labels fails them)" <<<"$err"
    [[ "$err" == *"1 label files written, 1 images without a label"* ]]
    run_split --seed 1 --require-labels --labels "$T/yolo/labels/train" \
        "$T/yolo/images/train" "$T/r"
    [ "$status" -eq 1 ]
    grep -qx "noiseaug: $T/yolo/images/train/b.png: no label in $T/yolo/labels/train (--require-labels)" <<<"$err"
    [ "$(ls "$T/r" | grep -c '^b_')" -eq 0 ]
    [ "$(ls "$T/r" | grep -c '^a_')" -eq 2 ]
}

@test "YOLO (Ultralytics layout) with -r: labels mirror the splits" {
    run_split -r --seed 7 --include-originals --labels "$SETS/yolo/labels" \
        --labels-out "$T/aug/labels" "$SETS/yolo/images" "$T/aug/images"
    [ "$status" -eq 0 ]
    [[ "$err" == *"6 label files written, 0 images without a label"* ]]
    [ -f "$T/aug/labels/val/c.txt" ]
    cmp "$SETS/yolo/labels/val/c.txt" "$T/aug/labels/val/c.txt"
    [ "$(ls "$T/aug/labels/train" | wc -l)" -eq 4 ]
}

# --- COCO --------------------------------------------------------------------

COCO_JSON="$SETS/coco/annotations/instances_train2017.json"

@test "COCO: the outputs' file holds every output once, with its input's annotations" {
    run_split --seed 9 -n 2 --coco "$COCO_JSON" --coco-out "$T/aug/instances.json" \
        "$SETS/coco/train2017" "$T/aug/train2017"
    [ "$status" -eq 0 ]
    [ "$(wc -l <<<"$out")" -eq 10 ]
    run "$PY" "$CHECK" coco "$COCO_JSON" "$T/aug/instances.json" "$SETS/coco/train2017" \
        "$T/aug/train2017" 2 0 <<<"$out"
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    # The image the file names that is not in the folder, and the image in
    # the folder it does not name, are counted; -v names them.
    grep -q "1 image of $COCO_JSON is not in $SETS/coco/train2017" <<<"$err"
    grep -q "1 image has no label in $COCO_JSON: $SETS/coco/train2017/000000000077.png" <<<"$err"
    run_split --seed 9 -v --coco "$COCO_JSON" --coco-out "$T/v.json" \
        "$SETS/coco/train2017" "$T/v"
    grep -q "000000000042.jpg" <<<"$err"
}

@test "COCO: originals included, default file name, and -j never changes a byte" {
    run_split --seed 9 -j 1 --include-originals --coco "$COCO_JSON" \
        "$SETS/coco/train2017" "$T/a"
    [ "$status" -eq 0 ]
    [ -f "$T/a/instances_train2017.json" ]
    run "$PY" "$CHECK" coco "$COCO_JSON" "$T/a/instances_train2017.json" \
        "$SETS/coco/train2017" "$T/a" 1 1 <<<"$out"
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    run_split --seed 9 -j 2 --include-originals --coco "$COCO_JSON" \
        "$SETS/coco/train2017" "$T/b"
    cmp "$T/a/instances_train2017.json" "$T/b/instances_train2017.json"
}

@test "COCO: 3 shards merged by the README recipe equal the unsharded run" {
    run_split --seed 9 -n 3 --include-originals --coco "$COCO_JSON" \
        --coco-out "$T/all.json" "$SETS/coco/train2017" "$T/out"
    [ "$status" -eq 0 ]
    local k
    for k in 0 1 2; do
        run_split --seed 9 -n 3 --include-originals --shard "$k/3" --coco "$COCO_JSON" \
            "$SETS/coco/train2017" "$T/sharded"
        [ "$status" -eq 0 ]
        [ -f "$T/sharded/instances_train2017.shard-$k-of-3.json" ]
    done
    local merged want
    merged="$("$PY" "$CHECK" merge "$T/merged.json" "$T"/sharded/*.shard-*.json)"
    want="$("$PY" "$CHECK" canon "$T/all.json")"
    [ "$merged" = "$want" ]
    diff -r -x '*.json' "$T/out" "$T/sharded"
}

@test "COCO: a file that does not parse, or is not COCO, is a setup error" {
    printf '{"images": [' >"$T/bad.json"
    run_split --coco "$T/bad.json" "$SETS/coco/train2017" "$T/o"
    [ "$status" -eq 2 ]
    grep -q "^noiseaug: $T/bad.json: " <<<"$err"
    printf '[1, 2]\n' >"$T/list.json"
    run_split --coco "$T/list.json" "$SETS/coco/train2017" "$T/o"
    [ "$status" -eq 2 ]
    grep -q "^noiseaug: $T/list.json: " <<<"$err"
    run_split --coco "$T/missing.json" "$SETS/coco/train2017" "$T/o"
    [ "$status" -eq 2 ]
    # Ids that would overflow: the images are written, the file is not.
    printf '{"images": [{"id": 9223372036854775800, "file_name": "000000000009.jpg"}], "annotations": []}' >"$T/big.json"
    run_split --seed 1 -n 20 --coco "$T/big.json" "$SETS/coco/train2017" "$T/big"
    [ "$status" -eq 1 ]
    grep -q "^noiseaug: $T/big/big.json: cannot write the COCO file: the new ids would pass the largest 64-bit integer" <<<"$err"
    [ ! -e "$T/big/big.json" ]
}

@test "COCO: --require-labels fails the images the file does not name" {
    run_split --seed 9 --require-labels --coco "$COCO_JSON" --coco-out "$T/c.json" \
        "$SETS/coco/train2017" "$T/o"
    [ "$status" -eq 1 ]
    grep -qx "noiseaug: $SETS/coco/train2017/000000000077.png: not in $COCO_JSON (--require-labels)" <<<"$err"
    [ -f "$T/c.json" ]
}

# --- partners -----------------------------------------------------------------

# Prints "input folder|partner folder" for each partner of manifest $1,
# both relative to IN_DIR $2 (the manifest names partners that way).
partner_folders() {
    "$PY" -c '
import json, os, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("partner"):
        print(os.path.dirname(os.path.relpath(r["input"], sys.argv[2])) + "|" +
              os.path.dirname(r["partner"]))
' "$1" "$2"
}

# Checks that manifest $1 (IN_DIR $2) has $3 partners, each from its
# input's own folder.
partners_stay_home() {
    local pairs a b
    pairs="$(partner_folders "$1" "$2")"
    [ "$(wc -l <<<"$pairs")" -eq "$3" ] || { echo "$(wc -l <<<"$pairs") partners, want $3"; return 1; }
    while IFS='|' read -r a b; do
        [ "$a" = "$b" ] || { echo "$a drew from $b"; return 1; }
    done <<<"$pairs"
}

@test "partners: with -r they come from the input's own folder, so splits never mix" {
    run_split -r --seed 1 -n 6 -m addPic,mixPic --manifest "$T/m.jsonl" "$SETS/inet" "$T/o"
    [ "$status" -eq 0 ]
    partners_stay_home "$T/m.jsonl" "$SETS/inet" 36
    # --partners all draws across folders (the first draws already do).
    run_split -r --seed 1 -n 6 -m addPic --partners all --manifest "$T/all.jsonl" \
        "$SETS/inet" "$T/all"
    [ "$status" -eq 0 ]
    partner_folders "$T/all.jsonl" "$SETS/inet" | awk -F'|' '$1 != $2 { n++ } END { exit !(n > 0) }'
}

@test "partners: --partners DIR draws from another folder's images" {
    run_split --seed 4 -n 3 -m addPic,mixPic --partners "$SETS/yolo/images/val" \
        --manifest "$T/m.jsonl" "$SETS/yolo/images/train" "$T/o"
    [ "$status" -eq 0 ]
    # Partners are named relative to their folder, as inputs to IN_DIR.
    [ "$(grep -c '"partner":"c.png"' "$T/m.jsonl")" -eq 6 ]
    grep -q "_add_c_[0-2]\.\|_mix_c_[0-2]\." <<<"$out"
    run_split --partners "$T/none" "$SETS/yolo/images/train" "$T/p"
    [ "$status" -eq 2 ]
}

# --- reruns ----------------------------------------------------------------

@test "reruns in place: the second run writes nothing new and fails nothing" {
    copy_set labelme
    run_split --seed 8 --labels "$T/labelme" --label-ext .json "$T/labelme" "$T/labelme"
    [ "$status" -eq 0 ]
    local first
    first="$(cd "$T/labelme" && ls | sort)"
    [ "$(wc -l <<<"$first")" -eq 12 ]
    run_split --seed 8 --labels "$T/labelme" --label-ext .json "$T/labelme" "$T/labelme"
    [ "$status" -eq 0 ]
    [[ "$err" == *"0 written, 0 failed, 9 skipped, 3 already there"* ]]
    [ "$(cd "$T/labelme" && ls | sort)" = "$first" ]
    run_split --seed 8 -r "$T/labelme" "$T/labelme"
    [ "$status" -eq 0 ]
    [ "$(cd "$T/labelme" && ls | sort)" = "$first" ]
}

@test "reruns with OUT_DIR inside IN_DIR and -r: OUT_DIR is never scanned" {
    copy_set inet
    run_split -r --seed 2 "$T/inet" "$T/inet/aug"
    [ "$status" -eq 0 ]
    [ "$(wc -l <<<"$out")" -eq 6 ]
    run_split -r --seed 2 "$T/inet" "$T/inet/aug"
    [ "$status" -eq 0 ]
    [ "$(wc -l <<<"$out")" -eq 6 ]
    [ ! -e "$T/inet/aug/aug" ]
    [ "$(find "$T/inet/aug" -type f | wc -l)" -eq 6 ]
    # --labels-out inside IN_DIR is left out too.
    copy_set yolo
    run_split -r --seed 2 --labels "$T/yolo/labels" --labels-out "$T/yolo/images/lab" \
        "$T/yolo/images" "$T/yolo/images/out"
    [ "$status" -eq 0 ]
    run_split -r --seed 2 --labels "$T/yolo/labels" --labels-out "$T/yolo/images/lab" \
        "$T/yolo/images" "$T/yolo/images/out"
    [ "$status" -eq 0 ]
    [ "$(wc -l <<<"$out")" -eq 3 ]
}

@test "reruns with another seed into the same OUT_DIR warn once, with the count" {
    run_split --seed 1 "$DATA" "$T/o"
    [ "$status" -eq 0 ]
    run_split --seed 1 "$DATA" "$T/o"
    [ "$status" -eq 0 ]
    run ! grep -q "mix two augmentations" <<<"$err"
    run_split --seed 2 "$DATA" "$T/o"
    [ "$status" -eq 0 ]
    [ "$(grep -c "mix two augmentations" <<<"$err")" -eq 1 ]
    grep -q "^noiseaug: $T/o: already holds [1-7] outputs\? of these inputs that this run does not write" <<<"$err"
    # In place as well.
    copy_set labelme
    run_split --seed 1 "$T/labelme" "$T/labelme"
    run_split --seed 2 "$T/labelme" "$T/labelme"
    [ "$status" -eq 0 ]
    grep -q "already holds [1-3] outputs\? of these inputs" <<<"$err"
}

# --- runs that do nothing ---------------------------------------------------

@test "a folder tree without -r exits 1 and says to use -r" {
    run_split "$SETS/inet" "$T/o"
    [ "$status" -eq 1 ]
    grep -qx "noiseaug: no image processed: $SETS/inet holds no image directly, but 6 in its subdirectories; add -r to descend into them" <<<"$err"
}

@test "a folder of JPEG XL files only exits 1 and names the format" {
    mkdir "$T/jxl"
    printf '\377\012\0\0' >"$T/jxl/a.jxl"
    run_split "$T/jxl" "$T/o"
    [ "$status" -eq 1 ]
    grep -qx "noiseaug: skipped 1 JPEG XL file that noiseaug cannot read: a.jxl" <<<"$err"
    grep -qx "noiseaug: no image processed: $T/jxl holds only images in formats noiseaug cannot read (named above)" <<<"$err"
}

@test "an empty list or an empty folder exits 1 saying so" {
    : >"$T/empty.txt"
    run_split --files-from "$T/empty.txt" "$T/o"
    [ "$status" -eq 1 ]
    grep -qx "noiseaug: no image processed: the list $T/empty.txt names no image" <<<"$err"
    mkdir "$T/e"
    run_split "$T/e" "$T/o"
    [ "$status" -eq 1 ]
    grep -q "^noiseaug: no image processed: $T/e holds no image (extensions read: " <<<"$err"
}

@test "CRLF lists work, and a named file that is skipped is a named failure" {
    printf 'train/a.jpg\r\ntrain/b.png\r\nnotes.txt\r\n' >"$T/list.txt"
    cp -R "$SETS/yolo/images" "$T/images"
    echo hi >"$T/images/notes.txt"
    run_split --seed 1 --files-from "$T/list.txt" "$T/images" "$T/o"
    [ "$status" -eq 1 ]
    [ "$(wc -l <<<"$out")" -eq 2 ]
    [ -f "$(ls "$T"/o/train/a_*.jpg)" ]
    grep -q "notes.txt: not read: '.txt' is not an image extension noiseaug reads" <<<"$err"
}

# --- inputs as a user names them ------------------------------------------------

@test "--files-from LIST IN_DIR OUT_DIR: entries, labels and outputs relative to IN_DIR" {
    printf 'train/a.jpg\nval/c.png\n' >"$T/list.txt"
    run_split --seed 1 --files-from "$T/list.txt" --labels "$SETS/yolo/labels" \
        --labels-out "$T/lab" "$SETS/yolo/images" "$T/o"
    [ "$status" -eq 0 ]
    [[ "$err" == *"2 label files written, 0 images without a label"* ]]
    [ -f "$(ls "$T"/o/train/a_*.jpg)" ]
    [ -f "$(ls "$T"/o/val/c_*.png)" ]
    [ -f "$(ls "$T"/lab/val/c_*.txt)" ]
    grep -q "^$SETS/yolo/images/train/a.jpg --> $T/o/train/a_" <<<"$out"
    # The old form, without IN_DIR, still takes paths as listed.
    (cd "$SETS/yolo/images" && printf 'train/a.jpg\n' | "$NOISEAUG" --seed 1 \
        --files-from - "$T/old" >"$T/old.out" 2>"$T/old.err")
    [ -f "$(ls "$T"/old/train/a_*.jpg)" ]
}

@test "image operands work like cp's: outputs straight into OUT_DIR" {
    run_split --seed 1 "$SETS/yolo/images/train/a.jpg" "$SETS/yolo/images/val/c.png" "$T/o"
    [ "$status" -eq 0 ]
    [ "$(wc -l <<<"$out")" -eq 2 ]
    [ "$(ls "$T/o" | wc -l)" -eq 2 ]
    [ -f "$(ls "$T"/o/c_*.png)" ]
    run_split "$SETS/yolo/images/train/a.jpg" "$T/missing.png" "$T/o2"
    [ "$status" -eq 1 ]
    grep -q "^noiseaug: $T/missing.png: " <<<"$err"
    run_split "$SETS/yolo/images/train/a.jpg" "$SETS/yolo/images" "$T/o3"
    [ "$status" -eq 2 ]
}

@test "--include and --exclude pick images by name or by path, repeatably" {
    run_split -r --seed 1 --dry-run --include '*.png' "$SETS/inet" "$T/o"
    [ "$status" -eq 0 ]
    [ "$(wc -l <<<"$out")" -eq 3 ]
    run_split -r --seed 1 --dry-run --exclude 'val' --exclude '*_1.*' "$SETS/inet" "$T/o"
    [ "$status" -eq 0 ]
    [ "$(wc -l <<<"$out")" -eq 2 ]
    run_split -r --seed 1 --dry-run --include 'train/n01/*' "$SETS/inet" "$T/o"
    [ "$(wc -l <<<"$out")" -eq 2 ]
    run_split -r --include '*.gif' "$SETS/inet" "$T/o"
    [ "$status" -eq 1 ]
    grep -qx "noiseaug: no image processed: --include/--exclude left out all 6 images of $SETS/inet" <<<"$err"
}

# --- adversary's findings ------------------------------------------------------

@test "--coco-out and --manifest never replace an input; --coco-out's folder is made first" {
    copy_set coco
    local before
    before="$(sha256sum "$T"/coco/train2017/*)"
    run_split --seed 7 --coco "$COCO_JSON" --coco-out "$T/coco/train2017/000000000009.jpg" \
        "$T/coco/train2017" "$T/o"
    [ "$status" -eq 2 ]
    grep -qx "noiseaug: $T/coco/train2017/000000000009.jpg: --coco-out names an image file; give it a name such as out.json" <<<"$err"
    cp "$T/coco/annotations/instances_train2017.json" "$T/coco/train2017/notes.json"
    run_split --seed 7 --manifest "$T/coco/train2017/000000000025.png" "$T/coco/train2017" "$T/o"
    [ "$status" -eq 2 ]
    [ "$before" = "$(sha256sum "$T"/coco/train2017/*.jpg "$T"/coco/train2017/*.png)" ]
    [ ! -e "$T/o" ]
    # The README's recipe, into folders that do not exist yet.
    run_split --seed 7 --coco "$COCO_JSON" --coco-out "$T/aug/annotations/instances.json" \
        "$T/coco/train2017" "$T/aug/train2017"
    [ "$status" -eq 0 ]
    [ -f "$T/aug/annotations/instances.json" ]
    # A --coco-out that is a folder is refused before any work.
    run_split --seed 7 --coco "$COCO_JSON" --coco-out "$T/aug" "$T/coco/train2017" "$T/x"
    [ "$status" -eq 2 ]
    [ ! -e "$T/x" ]
}

@test "COCO: duplicate keys are refused, and parse errors stay on one line" {
    printf '{"images": [{"id": 1, "file_name": "a.jpg"}], "annotations": [{"id": 1, "image_id": 1, "id": 500}]}' >"$T/dup.json"
    run_split --coco "$T/dup.json" "$SETS/coco/train2017" "$T/o"
    [ "$status" -eq 2 ]
    grep -qx "noiseaug: $T/dup.json: cannot read the COCO file: line 1: not valid JSON: duplicate object key near '\"id\"'" <<<"$err"
    printf '{"info": "a\\\nb\033[31m", "images": [], "annotations": []}' >"$T/esc.json"
    run_split --coco "$T/esc.json" "$SETS/coco/train2017" "$T/o"
    [ "$status" -eq 2 ]
    [ "$(wc -l <<<"$err")" -eq 1 ]
    run ! grep -q $'\033' <<<"$err"
}

@test "partners: with --files-from LIST IN_DIR they stay in the listed folders too" {
    (cd "$SETS/inet" && find . -type f | sed 's|^\./||' | sort) >"$T/list"
    run_split --seed 7 -n 4 -m addPic,mixPic --manifest "$T/m.jsonl" --files-from "$T/list" \
        "$SETS/inet" "$T/o"
    [ "$status" -eq 0 ]
    partners_stay_home "$T/m.jsonl" "$SETS/inet" 24
}
