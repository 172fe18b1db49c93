#!/usr/bin/env bats
# The default strengths are pinned from the pixels, with tolerances derived
# from the statistics rather than tuned to pass. The checks live in
# tests/tools/pixcheck.py; each one prints the share or moments it measured
# beside what it wanted.
#
# Counts of changed samples are binomial. Over n samples that each change
# with probability p, the count has mean np and standard deviation
# sqrt(np(1-p)). A bound of six standard deviations fails a correct build
# with probability below 2e-9, and it still separates every pair of
# strengths checked here. On a 512x512 RGB image (n = 786,432) at p = 0.05,
# six sigma is 0.0015 of the share, and 0.10 is 34 such bounds away.

load helpers
load pixels

setup() {
    need_pil
}

@test "ps: by default 2.5% of samples become 0 and 2.5% become 255" {
    local in="$BATS_TEST_TMPDIR/in"
    # 512x512 RGB, every sample 100: any 0 or 255 is noise. Each half has
    # p = 0.025, and six sigma of its share is 0.0011. A default of 0.10
    # (0.05 a half) is 24 bounds away.
    check make bigflat "$in"
    augment 1 "$BATS_TEST_TMPDIR/lines" --seed 1 --modes ps "$in" "$BATS_TEST_TMPDIR/out"
    check ps "$BATS_TEST_TMPDIR/lines" 0.05
}

@test "ps --ps-amount 0.2: 10% of samples become 0 and 10% become 255" {
    local in="$BATS_TEST_TMPDIR/in"
    check make bigflat "$in"
    augment 1 "$BATS_TEST_TMPDIR/lines" --seed 1 --modes ps --ps-amount 0.2 "$in" "$BATS_TEST_TMPDIR/out"
    check ps "$BATS_TEST_TMPDIR/lines" 0.2
}

@test "addGauss: by default 0.9x + 0.1g, with g ~ N(mean, std) of the image" {
    local in="$BATS_TEST_TMPDIR/in"
    # A checkerboard of 28 and 228: mean 128, population std 100. Where
    # x = 228 the output must have mean 0.9·228 + 0.1·128 = 218 and std
    # 0.1·100 = 10 (and where x = 28, mean 38). Over 393,216 samples, six
    # sigma is 0.096 on the mean and 0.068 on the std. pixcheck adds the
    # generator's documented inexactness (0.002 std) and the exact effect of
    # clipping at 0 and 255 (the means are 3.7 std from them). A weight of
    # 0.2 gives mean 208 and std 20.
    check make twovalued "$in"
    augment 1 "$BATS_TEST_TMPDIR/lines" --seed 1 --modes addGauss "$in" "$BATS_TEST_TMPDIR/out"
    check addgauss "$BATS_TEST_TMPDIR/lines" 0.1
    [ "$(grep -c '^addGauss ok: ' <<<"$output")" -eq 2 ]
}

@test "mixGauss: by default 5% of samples are replaced by g ~ N(mean, std)" {
    local in="$BATS_TEST_TMPDIR/in"
    # A flat image cannot show this: its std is 0, so g equals x. On the
    # 28/228 checkerboard, a replacement equals the original only when
    # round(128 + 100z) hits x, with probability 0.0024. The expected share
    # of visible changes is therefore 0.05 × (1 - 0.0024), and pixcheck
    # computes it from the normal distribution function, clipping included.
    # Six sigma is 0.0015 of the share.
    check make twovalued "$in"
    augment 1 "$BATS_TEST_TMPDIR/lines" --seed 1 --modes mixGauss "$in" "$BATS_TEST_TMPDIR/out"
    check mixgauss "$BATS_TEST_TMPDIR/lines" 0.05
}

@test "mixPic: by default 5% of samples take the partner's value" {
    local in="$BATS_TEST_TMPDIR/in"
    # Two flat 512x512 images, (30, 60, 90) and (200, 170, 140). Each is the
    # other's only possible partner, and every sample differs from its
    # partner's, so every replacement shows. Six sigma is 0.0015 of the share.
    check make mixpair "$in"
    augment 2 "$BATS_TEST_TMPDIR/lines" --seed 1 --modes mixPic "$in" "$BATS_TEST_TMPDIR/out"
    check mixpic "$BATS_TEST_TMPDIR/lines" 0.05
    grep -qx 'pair pa pb [0-9]* 786432' <<<"$output"
    grep -qx 'pair pb pa [0-9]* 786432' <<<"$output"
}

@test "--gauss-weight and --mix-rate reach the pixels" {
    local in="$BATS_TEST_TMPDIR/in"
    check make twovalued "$in"
    check make mixpair "$BATS_TEST_TMPDIR/pair"
    augment 1 "$BATS_TEST_TMPDIR/ag" --seed 1 --modes addGauss --gauss-weight 0.05 "$in" "$BATS_TEST_TMPDIR/o1"
    check addgauss "$BATS_TEST_TMPDIR/ag" 0.05
    augment 1 "$BATS_TEST_TMPDIR/mg" --seed 1 --modes mixGauss --mix-rate 0.15 "$in" "$BATS_TEST_TMPDIR/o2"
    check mixgauss "$BATS_TEST_TMPDIR/mg" 0.15
    augment 2 "$BATS_TEST_TMPDIR/mp" --seed 1 --modes mixPic --mix-rate 0.15 "$BATS_TEST_TMPDIR/pair" "$BATS_TEST_TMPDIR/o3"
    check mixpic "$BATS_TEST_TMPDIR/mp" 0.15
}
