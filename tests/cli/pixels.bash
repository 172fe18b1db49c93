# Shared by the pixel tests (partner.bats, strength.bats, independent.bats):
# the independent checker (tests/tools/pixcheck.py, Python with PIL) and a
# noiseaug run that must succeed with a known number of lines.

PIXCHECK="$ROOT/tests/tools/pixcheck.py"
FORMATS="$ROOT/data/formats"

# Python with PIL. Debian's python3-pil is in /usr/bin/python3. A python3
# that comes earlier on PATH (pyenv, a venv) may lack it, so that one is only
# the fallback. Without PIL the test is skipped, saying why.
need_pil() {
    if /usr/bin/python3 -c 'import PIL' 2>/dev/null; then
        PY=/usr/bin/python3
    elif python3 -c 'import PIL' 2>/dev/null; then
        PY=python3
    else
        skip "Python PIL not found (Debian: apt-get install python3-pil)"
    fi
}

# Runs a pixcheck command and shows what it says; fails when the check fails.
check() {
    run "$PY" "$PIXCHECK" "$@"
    echo "$output"
    [ "$status" -eq 0 ]
}

# Runs noiseaug, which must succeed and print $1 lines; keeps the lines in
# file $2.
augment() {
    local want="$1" lines="$2"
    shift 2
    run_split "$@"
    [ "$status" -eq 0 ] || { echo "noiseaug $*: exit $status: $err"; return 1; }
    [ "$(printf '%s\n' "$out" | grep -c ' --> ')" -eq "$want" ] ||
        { echo "noiseaug $*: want $want lines, got: $out"; return 1; }
    printf '%s\n' "$out" >"$lines"
}
