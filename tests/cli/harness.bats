#!/usr/bin/env bats
# tests/run-all itself: nothing passes by mistake. Each test runs the
# runner on stand-in "unit test binaries" (scripts that print what cmocka
# prints) and checks the summary and the exit status.

load helpers

# A stand-in binary: prints cmocka's lines for $1 passed tests, then runs $2.
fake_unit() {
    local path="$BATS_TEST_TMPDIR/$3"
    cat >"$path" <<SCRIPT
#!/usr/bin/env bash
echo "[==========] Running $1 test(s)."
echo "[  PASSED  ] $1 test(s)."
$2
SCRIPT
    chmod +x "$path"
    echo "$path"
}

# Runs the runner with no bats files, no golden and no replay.
run_runner() {
    run_binary env -u NOISEAUG -u CODEC -u REPLAY TEST_TIME_SCALE=1 BATS_FILES= \
        SANITIZER_LOG_DIR="$BATS_TEST_TMPDIR/san" "$ROOT/tests/run-all" "$@"
}

@test "harness: a binary that passes its tests, then exits 3, fails the run" {
    run_runner "$(fake_unit 2 'exit 3' exits3)"
    [ "$status" -eq 1 ]
    grep -q "exits3: exited with status 3" <<<"$out"
    [ "$(tail -n 1 <<<"$out")" = "3 passed, 1 failed, 0 skipped" ]
}

@test "harness: a binary that passes and exits 0 passes" {
    run_runner "$(fake_unit 2 'exit 0' fine)"
    [ "$status" -eq 0 ]
    [ "$(tail -n 1 <<<"$out")" = "3 passed, 0 failed, 0 skipped" ]
}

@test "harness: a crash and a hang are failures named after the binary" {
    run_binary env -u NOISEAUG -u CODEC -u REPLAY TEST_TIME_SCALE=1 UNIT_TIME_LIMIT=1 BATS_FILES= \
        SANITIZER_LOG_DIR="$BATS_TEST_TMPDIR/san" "$ROOT/tests/run-all" \
        "$(fake_unit 1 'kill -SEGV $$' crashes)" "$(fake_unit 1 'sleep 30' hangs)"
    [ "$status" -eq 1 ]
    grep -q "crashes: killed by signal 11" <<<"$out"
    grep -q "hangs: timed out after 1 s" <<<"$out"
    [ "$(tail -n 1 <<<"$out")" = "3 passed, 2 failed, 0 skipped" ]
}

@test "harness: a cmocka failure is counted once, by name" {
    local t="$BATS_TEST_TMPDIR/fails"
    cat >"$t" <<'SCRIPT'
#!/bin/sh
echo "[ RUN      ] good"
echo "[       OK ] good"
echo "[ RUN      ] bad"
echo "[  FAILED  ] bad"
echo "[==========] 2 test(s) run."
echo "[  PASSED  ] 1 test(s)."
echo "[  FAILED  ] 1 test(s), listed below:"
echo "[  FAILED  ] bad"
exit 1
SCRIPT
    chmod +x "$t"
    run_runner "$t"
    [ "$status" -eq 1 ]
    grep -q "  fails: bad$" <<<"$out"
    [ "$(tail -n 1 <<<"$out")" = "2 passed, 1 failed, 0 skipped" ]
}

@test "harness: a sanitizer report fails the step it appeared in, even at exit 0" {
    mkdir -p "$BATS_TEST_TMPDIR/san"
    local t
    t="$(fake_unit 1 "echo 'ERROR: LeakSanitizer: detected memory leaks' >$BATS_TEST_TMPDIR/san/asan.123" leaks)"
    run_runner "$t" "$(fake_unit 1 'exit 0' clean)"
    [ "$status" -eq 1 ]
    grep -q "leaks: sanitizer report (ERROR: LeakSanitizer: detected memory leaks)" <<<"$out"
    # Blamed once, on the step it appeared in; the next step is clean.
    [ "$(tail -n 1 <<<"$out")" = "3 passed, 1 failed, 0 skipped" ]
}

@test "harness: a bare '! cmd' line in a bats file fails the lint" {
    local copy="$BATS_TEST_TMPDIR/repo"
    mkdir -p "$copy/tests/cli"
    cp "$ROOT/tests/run-all" "$copy/tests/"
    # The "!" comes from a variable, so that this file passes its own lint.
    local b='!'
    printf '@test "x" {\n    %s false\n    true && %s true\n    { %s true; }\n    [ %s -e /none ]\n    run %s false\n}\n' \
        "$b" "$b" "$b" "$b" "$b" >"$copy/tests/cli/bad.bats"
    run_binary env -u NOISEAUG -u CODEC -u REPLAY BATS_FILES= "$copy/tests/run-all"
    [ "$status" -eq 1 ]
    grep -qF "tests/cli/bad.bats:2:    $b false" <<<"$out"
    grep -qF "tests/cli/bad.bats:3:    true && $b true" <<<"$out"
    grep -qF "tests/cli/bad.bats:4:    { $b true; }" <<<"$out"
    # The forms that can fail are not flagged.
    [ -z "$(grep -e "bad.bats:5:" -e "bad.bats:6:" <<<"$out")" ]
    grep -q "lint: bats assertions: exited with status 1" <<<"$out"
}

@test "harness: a failing bats test is a failure, named" {
    local copy="$BATS_TEST_TMPDIR/repo"
    mkdir -p "$copy/tests/cli"
    cp "$ROOT/tests/run-all" "$copy/tests/"
    printf '@test "passes" {\n    true\n}\n@test "fails" {\n    [ 1 -eq 2 ]\n}\n' >"$copy/tests/cli/some.bats"
    run_binary env -u NOISEAUG -u CODEC -u REPLAY -u BATS_FILES "$copy/tests/run-all"
    [ "$status" -eq 1 ]
    grep -q "some.bats: 2 fails" <<<"$out"
    [ "$(tail -n 1 <<<"$out")" = "2 passed, 1 failed, 0 skipped" ]
}
