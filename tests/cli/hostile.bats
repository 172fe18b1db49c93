#!/usr/bin/env bats
# The hostile corpus (tests/tools/hostile_corpus.py, made afresh for each
# run): every committed fixture cut short at five points, a Softimage PIC
# whole and cut, and header-only bombs. Each bad file gets exactly its one
# line with the true reason, nothing bad is written, nothing crashes, and
# no temporary file is left. make check-asan runs this under ASan, UBSan
# and LeakSanitizer, over the whole corpus.

load helpers

setup() {
    need_python
    CORPUS_DIR="$BATS_TEST_TMPDIR/hostile"
    "$PY" "$ROOT/tests/tools/hostile_corpus.py" "$ROOT/data/formats" "$CORPUS_DIR"
    mv "$CORPUS_DIR/expect.tsv" "$BATS_TEST_TMPDIR/expect.tsv"
}

@test "hostile corpus: each bad file is refused with its reason; the good ones are written" {
    local rc=0 n_bad=0 n_ok=0 name want
    # The bombs claim 16384 x 16384, just within the default pixel limit,
    # so it is the truncation check that refuses them.
    "$PY" "$ROOT/tests/tools/maxrss.py" "$BATS_TEST_TMPDIR/rss" \
        "$NOISEAUG" -j 2 --seed 1 --modes ps "$CORPUS_DIR" "$BATS_TEST_TMPDIR/out" \
        >"$BATS_TEST_TMPDIR/stdout" 2>"$BATS_TEST_TMPDIR/stderr" || rc=$?
    [ "$rc" -eq 1 ]
    # Bounded memory: one bomb allocated would take 1 GiB (16384 x 16384
    # x 4 bytes) and more; the whole run takes about 14 MB, and under ASan
    # a few times that. 256 MiB tells the two apart in every build.
    [ "$(cat "$BATS_TEST_TMPDIR/rss")" -lt 262144 ]
    while IFS=$'\t' read -r name want; do
        if [ "$want" = ok ]; then
            n_ok=$((n_ok + 1))
            grep -qF "$CORPUS_DIR/$name --> " "$BATS_TEST_TMPDIR/stdout" ||
                { echo "no output line for $name"; return 1; }
        else
            n_bad=$((n_bad + 1))
            [ "$(grep -cF "noiseaug: $CORPUS_DIR/$name: " "$BATS_TEST_TMPDIR/stderr")" -eq 1 ] ||
                { echo "not one message for $name"; grep -F "$name" "$BATS_TEST_TMPDIR/stderr"; return 1; }
            grep -qF "noiseaug: $CORPUS_DIR/$name: $want" "$BATS_TEST_TMPDIR/stderr" ||
                { echo "$name: want '$want', got:"; grep -F "$name" "$BATS_TEST_TMPDIR/stderr"; return 1; }
        fi
    done <"$BATS_TEST_TMPDIR/expect.tsv"
    # Nothing else: one line per good file, and only their outputs on disk.
    [ "$(grep -c ' --> ' "$BATS_TEST_TMPDIR/stdout")" -eq "$n_ok" ]
    [ "$(ls -A "$BATS_TEST_TMPDIR/out" | wc -l)" -eq "$n_ok" ]
    grep -q "$n_ok written, $n_bad failed" "$BATS_TEST_TMPDIR/stderr"
    [ "$n_bad" -ge 150 ]
}

@test "a top-down BMP comes out as PIL reads it, not flipped" {
    load pixels
    need_pil
    mkdir "$BATS_TEST_TMPDIR/td"
    cp "$CORPUS_DIR/top_down.bmp" "$BATS_TEST_TMPDIR/td/"
    run_split --seed 1 --modes none "$BATS_TEST_TMPDIR/td" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    run "$PY" -c 'import sys
from PIL import Image
a, b = (Image.open(p).convert("RGB") for p in sys.argv[1:])
sys.exit(0 if a.size == b.size and list(a.getdata()) == list(b.getdata()) else 1)' \
        "$ROOT/data/formats/image.bmp" "$BATS_TEST_TMPDIR/out/top_down_none.bmp"
    [ "$status" -eq 0 ]
}
