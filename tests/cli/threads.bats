#!/usr/bin/env bats
# The pipeline at -j 8 (many threads on few cores, so jobs finish out of
# order): the same bytes and lines as -j 1. Run under ThreadSanitizer by
# make check-tsan.

load helpers

@test "-j 8 writes what -j 1 writes: formats, copies, labels, manifest" {
    for j in 1 8; do
        run_split -j "$j" --seed 21 -n 2 --labels "$ROOT/data/labels" \
            --manifest "$BATS_TEST_TMPDIR/m$j.jsonl" "$ROOT/data/formats" "$BATS_TEST_TMPDIR/o$j"
        [ "$status" -eq 0 ] || { echo "$err"; false; }
        # Only the output folder differs; the checkout's path may hold "/o1/".
        with_out_as "$BATS_TEST_TMPDIR/o$j" "$out" >"$BATS_TEST_TMPDIR/lines$j"
        replace_literal "$BATS_TEST_TMPDIR/o$j/" OUT/ <"$BATS_TEST_TMPDIR/m$j.jsonl" >"$BATS_TEST_TMPDIR/mm$j"
    done
    diff -r "$BATS_TEST_TMPDIR/o1" "$BATS_TEST_TMPDIR/o8"
    diff "$BATS_TEST_TMPDIR/lines1" "$BATS_TEST_TMPDIR/lines8"
    diff "$BATS_TEST_TMPDIR/mm1" "$BATS_TEST_TMPDIR/mm8"
}

@test "-j 8 on the corpus writes what -j 1 writes" {
    need_corpus
    run_split -j 8 --seed 22 "$CORPUS" "$BATS_TEST_TMPDIR/o8"
    [ "$status" -eq 0 ]
    local lines8="$out"
    run_split -j 1 --seed 22 "$CORPUS" "$BATS_TEST_TMPDIR/o1"
    [ "$(with_out_as "$BATS_TEST_TMPDIR/o8" "$lines8")" = "$(with_out_as "$BATS_TEST_TMPDIR/o1" "$out")" ]
    diff -r "$BATS_TEST_TMPDIR/o1" "$BATS_TEST_TMPDIR/o8"
}
