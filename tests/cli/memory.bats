#!/usr/bin/env bats
# --max-memory: the budget of decoded bytes shared by the workers. A job
# reserves its file's length and three times its image's decoded size
# before it decodes, and
# waits while the run is over the budget; a job over the whole budget runs
# alone. The budget changes when work happens, never what is written.

load helpers

setup() {
    need_python
}

# The reservation noiseaug makes for the largest image of folder $1 (ps:
# no partner): the file's length plus 3 x width x height x channels x bytes
# per sample, from imginfo's "W H C BITS" line, in MiB with one decimal, as
# --stats prints.
largest_reservation() {
    local f best=0 w h c bits cost
    for f in "$1"/*; do
        read -r w h c bits _ < <("$IMGINFO" "$f")
        cost=$((3 * w * h * c * bits / 8 + $(stat -c %s "$f")))
        [ "$cost" -gt "$best" ] && best=$cost
    done
    awk -v b="$best" 'BEGIN { printf "%.1f", b / 1048576 }'
}

@test "--max-memory 1: every job runs alone, reserving what its image needs; the bytes are those of no budget" {
    local t="$BATS_TEST_TMPDIR"
    run_split -j 2 --seed 1 --modes ps --stats --max-memory 1 "$DATA" "$t/small"
    [ "$status" -eq 0 ]
    local want
    want="$(largest_reservation "$DATA")"
    grep -q "^noiseaug: memory: at most $want MiB of decoded images reserved at once (budget 0.0 MiB, [0-9]* jobs waited)$" <<<"$err"
    local small_out="$out"
    run_split -j 2 --seed 1 --modes ps --stats --max-memory 0 "$DATA" "$t/none"
    [ "$status" -eq 0 ]
    grep -q "^noiseaug: memory: at most [0-9.]* MiB of decoded images reserved at once$" <<<"$err"
    [ "$(with_out_as "$t/small" "$small_out")" == "$(with_out_as "$t/none" "$out")" ]
    (cd "$t/small" && sha256sum *) >"$t/s1"
    (cd "$t/none" && sha256sum *) >"$t/s2"
    cmp "$t/s1" "$t/s2"
}

@test "--max-memory bounds the peak: four 2000x2000 RGB images at -j 2 under a budget of one" {
    local t="$BATS_TEST_TMPDIR"
    mkdir "$t/in"
    # Noise, so PNG cannot shrink them: 11.4 MiB decoded each, and about as
    # much of file, so about 46 MiB reserved per job.
    "$PY" - "$t/in" <<'PY' || skip "Python PIL not found"
import os, sys
from PIL import Image
for n in "abcd":
    Image.effect_noise((2000, 2000), 80).convert("RGB").save(os.path.join(sys.argv[1], n + ".png"))
PY
    "$PY" "$ROOT/tests/tools/maxrss.py" "$t/rss_free" \
        "$NOISEAUG" -j 2 --seed 1 --modes ps --max-memory 0 "$t/in" "$t/o1" >/dev/null 2>&1
    "$PY" "$ROOT/tests/tools/maxrss.py" "$t/rss_budget" \
        "$NOISEAUG" -j 2 --seed 1 --modes ps --stats --max-memory 40M "$t/in" "$t/o2" \
        >/dev/null 2>"$t/err"
    cat "$t/err" "$t/rss_free" "$t/rss_budget"
    # One job at a time: the reservations never overlap, and at least one
    # of the three that followed the first had to wait.
    grep -q "^noiseaug: memory: at most $(largest_reservation "$t/in") MiB of decoded images reserved at once (budget 40.0 MiB, [1-9][0-9]* jobs waited)$" "$t/err"
    # Two jobs at once hold two images; one at a time about one. The
    # difference is at least the 11.4 MiB of one decoded image (in KiB),
    # whatever the build's own overhead.
    [ $(( $(cat "$t/rss_free") - $(cat "$t/rss_budget") )) -gt 11718 ]
    cmp <(cd "$t/o1" && sha256sum *) <(cd "$t/o2" && sha256sum *)
}

@test "--max-memory takes sizes with binary suffixes and refuses others" {
    run_split --max-memory 2x "$DATA" "$BATS_TEST_TMPDIR/o"
    [ "$status" -eq 2 ]
    grep -q "^noiseaug: invalid --max-memory '2x' (expected a size in bytes such as 4G, 512M or 0)$" <<<"$err"
    run_split --stats --max-memory 1GiB --seed 1 "$DATA" "$BATS_TEST_TMPDIR/o"
    [ "$status" -eq 0 ]
    grep -q "(budget 1024.0 MiB, " <<<"$err"
    run_split --stats --max-memory 3k --seed 1 "$DATA" "$BATS_TEST_TMPDIR/o2"
    [ "$status" -eq 0 ]
    grep -q "(budget 0.0 MiB, " <<<"$err"
}
