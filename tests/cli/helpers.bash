# Shared set-up for the CLI tests: paths to the binaries and the corpus.
ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
NOISEAUG="${NOISEAUG:-$ROOT/noiseaug}"
IMGINFO="${IMGINFO:-$ROOT/build/turbo/imginfo}"
GEN_SAMPLES="${GEN_SAMPLES:-$ROOT/build/turbo/gen_samples}"
DATA="$ROOT/data/images"
CORPUS="$ROOT/../shared/corpus/photos"

# Skips the test, saying why, when the shared corpus is not there.
need_corpus() {
    [ -d "$CORPUS" ] || skip "shared corpus not found at $CORPUS"
}

# Runs a binary with stdout and stderr captured apart, in $out and $err,
# and its exit code in $status.
run_binary() {
    local bin="$1" rc=0
    shift
    "$bin" "$@" >"$BATS_TEST_TMPDIR/stdout" 2>"$BATS_TEST_TMPDIR/stderr" || rc=$?
    status=$rc
    out="$(cat "$BATS_TEST_TMPDIR/stdout")"
    err="$(cat "$BATS_TEST_TMPDIR/stderr")"
}

# Runs noiseaug that way.
run_split() {
    run_binary "$NOISEAUG" "$@"
}

# Checks that every "IN --> OUT" line of $out names an output that exists
# and decodes with the input's width, height and channels.
check_outputs_match_inputs() {
    while IFS= read -r line; do
        local in="${line%% --> *}" o="${line##* --> }"
        [ -f "$o" ] || { echo "missing output $o"; return 1; }
        local want got
        want="$("$IMGINFO" "$in" | cut -d' ' -f1-3)"
        got="$("$IMGINFO" "$o" | cut -d' ' -f1-3)"
        [ "$want" = "$got" ] || { echo "$in ($want) -> $o ($got)"; return 1; }
    done <<<"$out"
}

# Copies stdin to stdout with every "$1" replaced by "$2", as literal
# strings: test folders and the checkout may hold any character, and a
# regex (sed) would read some of them as syntax.
replace_literal() {
    awk -v a="$1" -v b="$2" '{ out = ""; s = $0
        while ((i = index(s, a)) > 0) { out = out substr(s, 1, i - 1) b; s = substr(s, i + length(a)) }
        print out s }'
}

# Prints result lines ($2) with the output folder $1 shown as OUT, so that
# runs into different folders compare equal. Only " --> $1/" is replaced:
# never a piece of the checkout's own path, which may be anything.
with_out_as() {
    local pattern=" --> $1/" text="$2"
    printf '%s\n' "${text//"$pattern"/ --> OUT/}"
}

# Sleeps $1 seconds times TEST_TIME_SCALE: sanitizer builds run several
# times slower, so the fixed waits of the signal tests grow with them.
scaled_sleep() {
    sleep "$(awk -v s="$1" -v k="${TEST_TIME_SCALE:-1}" 'BEGIN { print s * k }')"
}

# Sets PY to a Python 3 (Debian's first), or skips the test saying why.
need_python() {
    local py
    for py in /usr/bin/python3 python3; do
        command -v "$py" >/dev/null 2>&1 && { PY=$py; return 0; }
    done
    skip "python3 not found"
}
