#!/usr/bin/env bats
# Hostile inputs, faults and signals: one clear line per bad file, the rest
# done, nothing half-written, and the exit code tells the truth.

load helpers

# The fault-injection build (make FAULTS=1), for faults a root test cannot
# make for real.
faulty() {
    [ -x "${NOISEAUG_FAULTS:-}" ] || skip "fault-injection build not given (NOISEAUG_FAULTS)"
}

run_faulty() {
    run_binary "$NOISEAUG_FAULTS" "$@"
}

# A folder with the samples plus one bad entry made by the command given.
with_bad() {
    IN="$BATS_TEST_TMPDIR/in"
    mkdir -p "$IN"
    cp "$DATA"/* "$IN"/
    (cd "$IN" && eval "$1")
}

# Exactly one stderr line names $1, it says $2, the exit code is 1, and
# every good sample was written (modes without partners, so that the bad
# file cannot fail a good one as its partner).
expect_one_error() {
    [ "$status" -eq 1 ] || { echo "status $status: $err"; return 1; }
    [ "$(grep -cF -- "$1" <<<"$err")" -eq 1 ] || { echo "$err"; return 1; }
    grep -F -- "$1" <<<"$err" | grep -qF -- "$2" || { echo "$err"; return 1; }
    [ "$(printf '%s\n' "$out" | grep -c ' --> ')" -eq "$(ls "$DATA" | wc -l)" ] || { echo "$out"; return 1; }
    [ -z "$(ls -A "$BATS_TEST_TMPDIR/out" | grep '^\.noiseaug-tmp')" ]
}

MODES="--modes ps,addGauss,mixGauss"

@test "bad input: zero-byte file" {
    with_bad ': >zero.jpg'
    run_split --seed 1 $MODES "$IN" "$BATS_TEST_TMPDIR/out"
    expect_one_error "$IN/zero.jpg" "cannot decode: empty file"
}

@test "bad input: truncated JPEG and truncated PNG" {
    with_bad "head -c 2000 f_photo.jpg >cut.jpg"
    run_split --seed 1 $MODES "$IN" "$BATS_TEST_TMPDIR/out"
    expect_one_error "$IN/cut.jpg" "cannot decode:"
    rm -rf "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
    with_bad "head -c 300 f_rgba.png >cut.png"
    run_split --seed 1 $MODES "$IN" "$BATS_TEST_TMPDIR/out"
    expect_one_error "$IN/cut.png" "cannot decode: truncated PNG (the data ends before the image does)"
}

@test "bad input: random bytes and a text file with image names" {
    with_bad "head -c 5000 /dev/urandom >noise.png; echo 'just some text' >notes.jpg"
    run_split --seed 1 $MODES "$IN" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 1 ]
    [ "$(grep -c 'noise.png: cannot decode: ' <<<"$err")" -eq 1 ]
    [ "$(grep -c 'notes.jpg: cannot decode: not a known image format, or corrupt' <<<"$err")" -eq 1 ]
    [ "$(printf '%s\n' "$out" | wc -l)" -eq "$(ls "$DATA" | wc -l)" ]
}

@test "bad input: a directory named x.jpg, a dangling symlink, a symlink loop" {
    with_bad "mkdir x.jpg; ln -s missing.png dangling.png; ln -s loop2.jpg loop1.jpg; ln -s loop1.jpg loop2.jpg"
    run_split --seed 1 $MODES "$IN" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 1 ]
    [ "$(grep -c "$IN/x.jpg: is a directory" <<<"$err")" -eq 1 ]
    [ "$(grep -c "$IN/dangling.png: dangling symbolic link" <<<"$err")" -eq 1 ]
    [ "$(grep -c "$IN/loop1.jpg: symbolic link loop" <<<"$err")" -eq 1 ]
    [ "$(printf '%s\n' "$out" | wc -l)" -eq "$(ls "$DATA" | wc -l)" ]
    [[ "$err" == *"4 failed"* ]]
}

@test "bad input: a directory symlink loop under -r is not followed" {
    with_bad "mkdir sub; ln -s .. sub/up; cp f_rgb.png sub/inner.png"
    run_split --seed 1 -r $MODES "$IN" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    [ "$(printf '%s\n' "$out" | wc -l)" -eq $(( $(ls "$DATA" | wc -l) + 1 )) ]
}

@test "bad input: unreadable, removed after the scan, truncated while read (fault hooks)" {
    faulty
    with_bad "cp f_photo.jpg secret.jpg"
    NOISEAUG_FAULT=read:EACCES:secret run_faulty --seed 1 $MODES "$IN" "$BATS_TEST_TMPDIR/out"
    expect_one_error "$IN/secret.jpg" "cannot open: Permission denied"
    rm -rf "$BATS_TEST_TMPDIR/out"
    cp "$DATA/f_photo.jpg" "$IN/vanish.jpg"
    NOISEAUG_FAULT=gone:vanish run_faulty --seed 1 $MODES "$IN" "$BATS_TEST_TMPDIR/out"
    [ "$(grep -c "$IN/vanish.jpg: cannot open: No such file or directory" <<<"$err")" -eq 1 ]
    [ "$status" -eq 1 ]
    rm -rf "$BATS_TEST_TMPDIR/out"
    rm -f "$IN/vanish.jpg" "$IN/secret.jpg"
    cp "$DATA/f_photo.jpg" "$IN/shrinks.jpg"
    NOISEAUG_FAULT=shrink:shrinks run_faulty --seed 1 $MODES "$IN" "$BATS_TEST_TMPDIR/out"
    expect_one_error "$IN/shrinks.jpg" "cannot decode: "
}

@test "names with spaces, newlines, unicode and a leading dash" {
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    cp "$DATA/f_rgb.png" "$in/a b.png"
    cp "$DATA/f_rgb.png" "$in/new"$'\n'"line.png"
    cp "$DATA/f_photo.jpg" "$in/日本.jpg"
    cp "$DATA/f_grey.png" "$in/-x.png"
    run_split --seed 1 -- "$in" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    [ "$(find "$BATS_TEST_TMPDIR/out" -type f -printf x | wc -c)" -eq 4 ]
    ls "$BATS_TEST_TMPDIR/out"/日本_*.jpg "$BATS_TEST_TMPDIR/out"/-x_*.png >/dev/null
}

@test "faults: OUT_DIR that cannot be created gives exit 2 before any work" {
    run_split --seed 1 "$DATA" /proc/noiseaug-cannot-be-here
    [ "$status" -eq 2 ]
    [ -z "$out" ]
    [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]
    [[ "$err" == "noiseaug: /proc/noiseaug-cannot-be-here: cannot create directory: "* ]]
}

@test "faults: disk full while writing (a small tmpfs when we may mount one)" {
    [ "$(id -u)" -eq 0 ] || skip "mounting a tmpfs needs root"
    local mnt="$BATS_TEST_TMPDIR/tiny"
    mkdir "$mnt"
    mount -t tmpfs -o size=48k tmpfs "$mnt" 2>/dev/null || skip "cannot mount a tmpfs here"
    run_split --seed 1 -f bmp "$DATA" "$mnt/out"
    local files
    files="$(ls -A "$mnt/out")"
    umount "$mnt" 2>/dev/null || true
    [ "$status" -eq 1 ]
    grep -q "cannot write: No space left on device" <<<"$err"
    [ -z "$(grep '^\.noiseaug-tmp' <<<"$files")" ]
    # Every line names a whole file; the others are reported.
    [ "$(printf '%s\n' "$out" | grep -c ' --> ')" -eq "$(grep -c . <<<"$files")" ]
}

@test "faults: ENOSPC and EIO on one output (fault hook): reported, no temporary left" {
    faulty
    for code in ENOSPC EIO; do
        rm -rf "$BATS_TEST_TMPDIR/out"
        NOISEAUG_FAULT="write:$code:f_photo_" run_faulty --seed 1 $MODES "$DATA" "$BATS_TEST_TMPDIR/out"
        [ "$status" -eq 1 ]
        local want="No space left on device"
        [ "$code" = EIO ] && want="Input/output error"
        [ "$(grep -c "f_photo.jpg: cannot write: $want" <<<"$err")" -eq 1 ]
        [ -z "$(ls -A "$BATS_TEST_TMPDIR/out" | grep -e '^\.noiseaug-tmp' -e '^f_photo_')" ]
        [ "$(ls "$BATS_TEST_TMPDIR/out" | wc -l)" -eq $(( $(ls "$DATA" | wc -l) - 1 )) ]
    done
}

# 40 copies of a sample, so a run takes long enough to be interrupted.
many() {
    MANY="$BATS_TEST_TMPDIR/many"
    mkdir -p "$MANY"
    for i in $(seq -w 1 40); do ln -s "$DATA/f_photo.jpg" "$MANY/p$i.jpg"; done
}

@test "SIGINT, SIGTERM and SIGHUP: in-flight work finishes, the rest is cancelled, lines match files" {
    faulty
    many
    local -A code=([INT]=130 [TERM]=143 [HUP]=129)
    for sig in INT TERM HUP; do
        rm -rf "$BATS_TEST_TMPDIR/out"
        NOISEAUG_FAULT=delay:150 "$NOISEAUG_FAULTS" -j 2 --seed 3 "$MANY" "$BATS_TEST_TMPDIR/out" \
            >"$BATS_TEST_TMPDIR/stdout" 2>"$BATS_TEST_TMPDIR/stderr" &
        local pid=$!
        scaled_sleep 0.6
        kill -s "$sig" "$pid"
        local rc=0
        wait "$pid" || rc=$?
        [ "$rc" -eq "${code[$sig]}" ]
        grep -q "not started (interrupted)" "$BATS_TEST_TMPDIR/stderr"
        [ -z "$(ls -A "$BATS_TEST_TMPDIR/out" | grep '^\.noiseaug-tmp')" ]
        # Every file written has its line, and nothing else has one.
        diff <(sed 's|.* --> .*/||' "$BATS_TEST_TMPDIR/stdout" | sort) <(ls "$BATS_TEST_TMPDIR/out" | sort)
        [ "$(ls "$BATS_TEST_TMPDIR/out" | wc -l)" -lt 40 ]
        # The summary accounts for all 40 outputs: the ones never submitted
        # are "not started" as much as the queued ones that were cancelled.
        local written not_started
        written=$(sed -n 's/.*noiseaug: \([0-9]*\) written, 0 failed.*/\1/p' "$BATS_TEST_TMPDIR/stderr")
        not_started=$(sed -n 's/.*, \([0-9]*\) not started (interrupted).*/\1/p' "$BATS_TEST_TMPDIR/stderr")
        [ "$written" -eq "$(ls "$BATS_TEST_TMPDIR/out" | wc -l)" ]
        [ $((written + not_started)) -eq 40 ]
    done
}

@test "a second Ctrl-C exits at once and leaves no temporary file" {
    faulty
    many
    NOISEAUG_FAULT=slowwrite:5000 "$NOISEAUG_FAULTS" -j 2 --seed 3 "$MANY" "$BATS_TEST_TMPDIR/out" \
        >/dev/null 2>&1 &
    local pid=$!
    scaled_sleep 0.8
    [ -n "$(ls -A "$BATS_TEST_TMPDIR/out" | grep '^\.noiseaug-tmp')" ]  # writes are in flight
    kill -INT "$pid"
    scaled_sleep 0.2
    local t0=$SECONDS
    kill -INT "$pid"
    local rc=0
    wait "$pid" || rc=$?
    [ "$rc" -eq 130 ]
    [ $((SECONDS - t0)) -le 2 ]  # well before the 5 s writes would end
    [ -z "$(ls -A "$BATS_TEST_TMPDIR/out")" ]
}

@test "resume: a rerun with --skip-existing after Ctrl-C completes the set" {
    faulty
    many
    NOISEAUG_FAULT=delay:150 "$NOISEAUG_FAULTS" -j 2 --seed 5 "$MANY" "$BATS_TEST_TMPDIR/out" >/dev/null 2>&1 &
    local pid=$!
    scaled_sleep 0.6
    kill -INT "$pid"
    wait "$pid" || true
    [ "$(ls "$BATS_TEST_TMPDIR/out" | wc -l)" -lt 40 ]
    run_split -j 2 --seed 5 --skip-existing "$MANY" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 0 ]
    run_split -j 2 --seed 5 "$MANY" "$BATS_TEST_TMPDIR/whole"
    diff -r "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/whole"
}

# An in-place tree: the samples, a subfolder, and a file that is not an
# image, so that partners are drawn again and some outputs renamed.
inplace_tree() {
    mkdir -p "$1/sub"
    cp "$DATA"/* "$1/"
    cp "$DATA/f_grey.png" "$1/sub/g.png"
    cp "$DATA/f_photo.jpg" "$1/sub/p.jpg"
    printf 'not an image' >"$1/zbad.png"
}

# Waits until tree $1 holds at least $2 files besides the 10 it started
# with (hidden temporaries not counted); fails after 20 s.
wait_for_outputs() {
    local i n
    for i in $(seq 1 400); do
        n=$(find "$1" -type f ! -name '.*' | wc -l)
        [ $((n - 10)) -ge "$2" ] && return 0
        sleep 0.05
    done
    return 1
}

@test "in place with -r, interrupted at several points and resumed with --skip-existing: exactly the uninterrupted run" {
    faulty
    local t="$BATS_TEST_TMPDIR" opts=(-r -n 2 -j 2 --seed 9)
    inplace_tree "$t/whole"
    run_split "${opts[@]}" "$t/whole" "$t/whole"
    [ "$status" -eq 1 ]  # zbad.png's own two outputs fail
    local whole_out="$out"
    # 9 images x 2 copies.
    [ "$(grep -c ' --> ' <<<"$whole_out")" -eq 18 ]
    local sig stop
    for stop in INT:1 INT:6 INT:13 KILL:9; do
        sig=${stop%%:*}
        rm -rf "$t/run"
        inplace_tree "$t/run"
        NOISEAUG_FAULT=delay:100 "$NOISEAUG_FAULTS" "${opts[@]}" "$t/run" "$t/run" \
            >/dev/null 2>&1 &
        local pid=$!
        wait_for_outputs "$t/run" "${stop#*:}"
        kill -s "$sig" "$pid"
        wait "$pid" || true
        local done_before
        done_before=$(($(find "$t/run" -type f ! -name '.*' | wc -l) - 10))
        [ "$done_before" -ge "${stop#*:}" ] && [ "$done_before" -lt 18 ]
        # The outputs already there are not inputs, and no draw changes.
        run_split "${opts[@]}" --skip-existing "$t/run" "$t/run"
        [ "$status" -eq 1 ]
        [ "$(grep -c '^noiseaug: .*: cannot decode' <<<"$err")" -eq 2 ]
        grep -q "noiseaug: $((18 - done_before)) written, 2 failed, $done_before skipped, $done_before already there in " <<<"$err"
        [ "${out//"$t/run/"/"$t/whole/"}" == "$whole_out" ]
        # A SIGKILL leaves the temporaries of the writes it cut short.
        diff -r -x '.noiseaug-tmp-*' "$t/whole" "$t/run"
    done
}

@test "in place, an earlier run's output is neither an input nor overwritten: it is kept" {
    local t="$BATS_TEST_TMPDIR"
    inplace_tree "$t/d"
    run_split -r --seed 9 "$t/d" "$t/d"
    [ "$status" -eq 1 ]
    cp -r "$t/d" "$t/before"
    # The same run again: each output is already there and kept as it is;
    # none is read as an input (no output of an output appears), and only
    # the bad files of the tree fail again.
    run_split -r --seed 9 -v "$t/d" "$t/d"
    [ "$status" -eq 1 ]
    grep -q "noiseaug: 0 written, [0-9]* failed, [0-9]* skipped, 9 already there" <<<"$err"
    [ "$(grep -c 'taken as an earlier run.s output, not an input$' <<<"$err")" -eq 9 ]
    diff -r "$t/before" "$t/d"
}

@test "SIGPIPE: noiseaug | head -1 stops quietly" {
    many
    local rc
    set +e
    "$NOISEAUG" -j 2 --seed 1 "$MANY" "$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/stderr" | head -1 >/dev/null
    rc=${PIPESTATUS[0]}
    set -e
    [ "$rc" -eq 141 ] || [ "$rc" -eq 0 ]  # 0 when all 40 lines fit before head left
    [ -z "$(grep -i -e "broken pipe" -e "error" "$BATS_TEST_TMPDIR/stderr")" ]
    [ "$(wc -l <"$BATS_TEST_TMPDIR/stderr")" -le 1 ]
    [ -z "$(ls -A "$BATS_TEST_TMPDIR/out" | grep '^\.noiseaug-tmp')" ]
}

@test "stdout closed before the end: quiet exit 141, also when every line is still buffered" {
    # A FIFO whose only reader is closed: every write to fd 8 fails with
    # EPIPE, at once and every time, with no race against a reader.
    local fifo="$BATS_TEST_TMPDIR/fifo" rc=0
    mkfifo "$fifo"
    exec 7<>"$fifo" 8>"$fifo"
    exec 7<&-
    "$NOISEAUG" --seed 1 "$DATA" "$BATS_TEST_TMPDIR/out" >&8 2>"$BATS_TEST_TMPDIR/stderr" || rc=$?
    exec 8>&-
    [ "$rc" -eq 141 ]
    [ -z "$(grep -i -e "broken pipe" -e "error" "$BATS_TEST_TMPDIR/stderr")" ]
}

@test "a corrupt partner never fails its image, and leaks nothing" {
    # Under make check-asan, LeakSanitizer reports the decoded input that a
    # failed partner load used to leave behind (tests/run-all reads it).
    # Since issue 10 the partner is drawn again, then the mode falls back
    # (partner.bats pins how); a.png is written either way.
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    cp "$DATA/f_rgb.png" "$in/a.png"
    printf 'not a png at all' >"$in/b.png"
    run_split --seed 1 --modes addPic "$in" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 1 ]
    grep -q "^noiseaug: $in/a.png: no usable partner in 4 draws (last: partner b.png: cannot decode: " <<<"$err"
    grep -q "^noiseaug: $in/b.png: cannot decode: " <<<"$err"
    [ "$(ls -A "$BATS_TEST_TMPDIR/out")" == "a_addGauss.png" ]
}

@test "a partner that fails for want of resources (EMFILE) fails the job: not remembered, no other draw" {
    faulty
    # Memory or descriptors running short says nothing about the file, and
    # another -j might have had them: a redraw would make the output depend
    # on timing. The job fails (a rerun completes it) and the file is tried
    # again by the next job that draws it.
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    cp "$DATA/f_rgb.png" "$in/a.png"
    cp "$DATA/f_grey.png" "$in/zz.png"
    NOISEAUG_FAULT=read:EMFILE:zz.png run_faulty --seed 1 -n 3 -j 1 --modes addPic \
        --manifest "$BATS_TEST_TMPDIR/m.jsonl" "$in" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 1 ]
    [ "$(grep -c "^noiseaug: $in/a.png: partner zz.png: cannot open: Too many open files$" <<<"$err")" -eq 3 ]
    [ "$(grep -c "^noiseaug: $in/zz.png: cannot open: Too many open files$" <<<"$err")" -eq 3 ]
    [ -z "$out" ]
    run grep -c partners_failed "$BATS_TEST_TMPDIR/m.jsonl"
    [ "$output" = 0 ]
}

@test "closed stdin, stdout or stderr: no abort, no message in the manifest, a closed stdout reported" {
    local o="$BATS_TEST_TMPDIR" rc
    # stdout closed: the images are written, the lost lines are reported, exit 1.
    rc=0
    "$NOISEAUG" --seed 1 "$DATA" "$o/a" >&- 2>"$o/err_a" || rc=$?
    [ "$rc" -eq 1 ]
    grep -q "^noiseaug: cannot write to standard output: Bad file descriptor$" "$o/err_a"
    [ "$(ls "$o/a" | wc -l)" -eq "$(ls "$DATA" | wc -l)" ]
    # stderr closed, with a manifest: the manifest holds records only.
    rc=0
    "$NOISEAUG" --seed 1 --manifest "$o/m.jsonl" "$DATA" "$o/b" >"$o/out_b" 2>&- || rc=$?
    [ "$rc" -eq 0 ]
    [ "$(grep -c . "$o/m.jsonl")" -eq "$(ls "$DATA" | wc -l)" ]
    [ -z "$(grep -v '^{"input":' "$o/m.jsonl")" ]
    # stdin closed: libuv does not abort.
    rc=0
    "$NOISEAUG" --seed 1 "$DATA" "$o/c" <&- >"$o/out_c" 2>"$o/err_c" || rc=$?
    [ "$rc" -eq 0 ]
    [ "$(grep -c ' --> ' "$o/out_c")" -eq "$(ls "$DATA" | wc -l)" ]
}

@test "stdout on a full disk is reported with exit 1, not taken for a closed pipe" {
    [ -w /dev/full ] || skip "/dev/full is not available here"
    local rc=0
    "$NOISEAUG" --seed 1 "$DATA" "$BATS_TEST_TMPDIR/out" >/dev/full 2>"$BATS_TEST_TMPDIR/stderr" || rc=$?
    [ "$rc" -eq 1 ]
    grep -q "^noiseaug: cannot write to standard output: No space left on device$" "$BATS_TEST_TMPDIR/stderr"
    [ "$(ls "$BATS_TEST_TMPDIR/out" | wc -l)" -eq "$(ls "$DATA" | wc -l)" ]
}

@test "a label that is a FIFO or a folder: its image fails and is not left without it; no hang" {
    local in="$BATS_TEST_TMPDIR/in" lab="$BATS_TEST_TMPDIR/lab" rc=0
    mkdir "$in" "$lab"
    cp "$DATA/f_rgb.png" "$in/a.png"
    cp "$DATA/f_photo.jpg" "$in/b.jpg"
    cp "$DATA/f_tile.tga" "$in/c.tga"
    echo "0 0.5 0.5 0.2 0.2" >"$lab/a.txt"
    mkfifo "$lab/b.txt"
    mkdir "$lab/c.txt"
    # timeout: a blocking open() of the FIFO used to hang here for good.
    timeout 60 "$NOISEAUG" --seed 1 --modes ps --labels "$lab" "$in" "$BATS_TEST_TMPDIR/out" \
        >"$BATS_TEST_TMPDIR/stdout" 2>"$BATS_TEST_TMPDIR/stderr" || rc=$?
    [ "$rc" -eq 1 ]
    grep -q "^noiseaug: $in/b.jpg: label $lab/b.txt: not a regular file$" "$BATS_TEST_TMPDIR/stderr"
    grep -q "^noiseaug: $in/c.tga: label $lab/c.txt: not a regular file$" "$BATS_TEST_TMPDIR/stderr"
    # Only the image whose label came through is there, with its label.
    [ "$(ls "$BATS_TEST_TMPDIR/out" | paste -sd' ')" = "a_ps.png a_ps.txt" ]
    [ "$(cat "$BATS_TEST_TMPDIR/stdout")" = "$in/a.png --> $BATS_TEST_TMPDIR/out/a_ps.png" ]
}

@test "an input over 2 GiB is refused from its size, before it is read" {
    local in="$BATS_TEST_TMPDIR/in"
    mkdir "$in"
    truncate -s 3000000000 "$in/huge.png" || skip "cannot make a sparse file here"
    run_split --seed 1 "$in" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 1 ]
    [ "$(head -n 1 <<<"$err")" = "noiseaug: $in/huge.png: unsupported: file of 3000000000 bytes, larger than 2 GiB" ]
    [ "$(grep -c . <<<"$err")" -eq 2 ]  # that line and the summary
}

@test "-r: a folder that cannot be read is reported with its reason, and the rest is done" {
    local in="$BATS_TEST_TMPDIR/in" long
    mkdir "$in"
    cp "$DATA/f_rgb.png" "$in/top.png"
    # 22 levels of 200 characters: past PATH_MAX, so opendir fails with
    # ENAMETOOLONG (an unreadable folder without needing another user).
    long=$(printf 'd%.0s' $(seq 200))
    (cd "$in" && for _ in $(seq 22); do mkdir "$long" && cd "$long" || exit 1; done &&
        cp "$DATA/f_grey.png" deep.png)
    run_split --seed 1 --modes ps -r "$in" "$BATS_TEST_TMPDIR/out"
    [ "$status" -eq 1 ]
    [ "$out" = "$in/top.png --> $BATS_TEST_TMPDIR/out/top_ps.png" ]
    [ "$(grep -c ': cannot read directory: File name too long$' <<<"$err")" -eq 1 ]
    grep -q "^noiseaug: $in/$long/" <<<"$err"
    [[ "$err" == *"1 written, 1 failed"* ]]
}

@test "worker threads that cannot all be created: fewer are used, with a word, instead of libuv's abort" {
    case "$NOISEAUG" in *-asan/*|*-tsan/*) skip "sanitizer runtimes need more address space than the limit leaves" ;; esac
    local rc=0
    # 400 MB of address space holds fewer than 50 of libuv's 8 MiB stacks.
    (ulimit -v 400000 && exec "$NOISEAUG" -j 200 --seed 1 "$DATA" "$BATS_TEST_TMPDIR/out") \
        >"$BATS_TEST_TMPDIR/stdout" 2>"$BATS_TEST_TMPDIR/stderr" || rc=$?
    cat "$BATS_TEST_TMPDIR/stderr"
    grep -qE '^noiseaug: only [0-9]+ of 200 worker threads could be started \(resource temporarily unavailable\); using [0-9]+, leaving memory for the images$' \
        "$BATS_TEST_TMPDIR/stderr"
    # What is left may still run short: an image may then fail with "out
    # of memory" (the stb build's PNG writer did, and aborted in an assert
    # before its allocations were guarded), but the run never aborts, and
    # every image is written or named.
    [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]
    local lines errors
    lines=$(grep -c ' --> ' "$BATS_TEST_TMPDIR/stdout" || true)
    errors=$(grep -c ': out of memory' "$BATS_TEST_TMPDIR/stderr" || true)
    [ $((lines + errors)) -eq "$(ls "$DATA" | wc -l)" ]
    [ "$errors" -eq 0 ] || [ "$rc" -eq 1 ]
}

@test "a stalled stdout reader cannot keep a second Ctrl-C from exiting at once" {
    many
    # A FIFO held open for reading but never read: once its 64 KiB fill up
    # (2,000 lines here), the loop thread blocks in the write.
    local fifo="$BATS_TEST_TMPDIR/fifo" rc=0 t0
    mkfifo "$fifo"
    exec 7<>"$fifo"
    "$NOISEAUG" -j 2 -n 50 --seed 3 --modes ps "$MANY" "$BATS_TEST_TMPDIR/out" >&7 2>/dev/null &
    local pid=$!
    scaled_sleep 2
    kill -INT "$pid"
    scaled_sleep 0.3
    t0=$SECONDS
    kill -INT "$pid"
    wait "$pid" || rc=$?
    exec 7>&-
    [ "$rc" -eq 130 ]
    [ $((SECONDS - t0)) -le 2 ]
    [ -z "$(ls -A "$BATS_TEST_TMPDIR/out" | grep '^\.noiseaug-tmp')" ]
}
