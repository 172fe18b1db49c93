/* Unit tests for plan: output names, mode and partner draws. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "plan.h"
#include "path.h"

static void assert_name(const char *input, const char *tag, const char *want)
{
    char *got = plan_output_name(input, tag, -1);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void output_names(void **state)
{
    (void)state;
    assert_name("a.jpg", "ps", "a_ps.jpg");
    assert_name("c.JPEG", "addGauss", "c_addGauss.JPEG");  /* spelling kept */
    assert_name("x.tar.png", "mixGauss", "x.tar_mixGauss.png");
    assert_name("t.tga", "add_b", "t_add_b.tga");
    assert_name("m.bmp", "mix_a", "m_mix_a.bmp");
    /* Formats the encoder cannot write become PNG. */
    assert_name("b.gif", "ps", "b_ps.png");
    assert_name("s.PSD", "ps", "s_ps.png");
    assert_name("h.hdr", "ps", "h_ps.png");
    assert_name("p.pgm", "ps", "p_ps.png");
    assert_name("q.PNG", "ps", "q_ps.PNG");
}

static plan_config_t config(uint64_t seed)
{
    plan_config_t c;
    plan_defaults(&c);
    c.seed = seed;
    return c;
}

/* Only the given modes, weight 1 each. */
static plan_config_t only(uint64_t seed, int a, int b)
{
    plan_config_t c = config(seed);
    for (int m = 0; m < NOISE_MODE_COUNT; m++)
        c.weight[m] = m == a || m == b ? 1.0 : 0.0;
    return c;
}

static void deterministic_and_partner_never_self(void **state)
{
    (void)state;
    enum { N = 500 };
    char *names[N];
    for (int i = 0; i < N; i++) {
        names[i] = malloc(16);
        snprintf(names[i], 16, "img_%04d.jpg", i);
    }
    plan_config_t cfg = config(7);
    int seen[NOISE_MODE_COUNT] = { 0 };
    for (size_t i = 0; i < N; i++) {
        plan_t a, b;
        assert_int_equal(plan_make(&cfg, names, N, i, 0, &a), 0);
        assert_int_equal(plan_make(&cfg, names, N, i, 0, &b), 0);
        assert_int_equal(a.mode, b.mode);
        assert_int_equal(a.partner, b.partner);
        assert_string_equal(a.out_name, b.out_name);
        assert_memory_equal(&a.rng, &b.rng, sizeof a.rng);
        seen[a.mode]++;
        if (noise_mode_needs_partner(a.mode)) {
            assert_true(a.partner >= 0 && a.partner < N);
            assert_int_not_equal(a.partner, (long)i);
            char want[64];
            snprintf(want, sizeof want, "img_%04zu_%s_img_%04ld.jpg", i,
                     a.mode == NOISE_ADD_PIC ? "add" : "mix", a.partner);
            assert_string_equal(a.out_name, want);
        } else {
            assert_int_equal(a.partner, -1);
        }
        plan_free(&a);
        plan_free(&b);
    }
    /* Each mode is Binomial(500, 1/5): mean 100, sd ~8.9; 4 sd = 36. */
    for (int m = 0; m < NOISE_MODE_COUNT; m++)
        assert_true(seen[m] > 100 - 36 && seen[m] < 100 + 36);
    for (int i = 0; i < N; i++)
        free(names[i]);
}

static void lone_image_is_its_own_partner(void **state)
{
    (void)state;
    char *names[] = { "only.png" };
    plan_config_t cfg = only(1, NOISE_MIX_PIC, NOISE_MIX_PIC);
    plan_t p;
    assert_int_equal(plan_make(&cfg, names, 1, 0, 0, &p), 0);
    assert_int_equal(p.mode, NOISE_MIX_PIC);
    assert_int_equal(p.partner, 0);
    assert_string_equal(p.out_name, "only_mix_only.png");
    plan_free(&p);
}

static void restricted_modes_only(void **state)
{
    (void)state;
    char *names[] = { "a.jpg", "b.jpg", "c.jpg", "d.jpg" };
    for (uint64_t seed = 0; seed < 50; seed++)
        for (size_t i = 0; i < 4; i++) {
            plan_config_t cfg = only(seed, NOISE_PS, NOISE_ADD_PIC);
            plan_t p;
            assert_int_equal(plan_make(&cfg, names, 4, i, 0, &p), 0);
            assert_true(p.mode == NOISE_PS || p.mode == NOISE_ADD_PIC);
            plan_free(&p);
        }
}

static void seed_changes_plan(void **state)
{
    (void)state;
    /* Over 64 seeds, a single image must not always get the same plan. */
    char *names[] = { "a.jpg", "b.jpg", "c.jpg" };
    int differs = 0;
    plan_t first;
    plan_config_t cfg = config(0);
    assert_int_equal(plan_make(&cfg, names, 3, 0, 0, &first), 0);
    for (uint64_t seed = 1; seed < 64; seed++) {
        plan_t p;
        cfg.seed = seed;
        assert_int_equal(plan_make(&cfg, names, 3, 0, 0, &p), 0);
        differs |= strcmp(p.out_name, first.out_name) != 0;
        plan_free(&p);
    }
    plan_free(&first);
    assert_true(differs);
}

static void copies_weights_and_ranges(void **state)
{
    (void)state;
    char *names[] = { "dir/a.jpg", "dir/b.png" };
    plan_config_t cfg = config(3);
    cfg.copies = 3;
    /* Copy k is named _k, and each copy has its own stream. */
    plan_t p0, p1;
    assert_int_equal(plan_make(&cfg, names, 2, 0, 0, &p0), 0);
    assert_int_equal(plan_make(&cfg, names, 2, 0, 1, &p1), 0);
    size_t n0 = strlen(p0.out_name);
    assert_string_equal(p0.out_name + n0 - 6, "_0.jpg");
    assert_true(strncmp(p0.out_name, "a_", 2) == 0);  /* no directory in the name */
    assert_memory_not_equal(&p0.rng, &p1.rng, sizeof p0.rng);
    plan_free(&p0);
    plan_free(&p1);
    /* Weights: ps:3,mixGauss:1 gives ps 3/4 of the time; over 4000 draws
     * Binomial(4000, 0.75) has sd 27.4, so 4 sd is 110. */
    for (int m = 0; m < NOISE_MODE_COUNT; m++)
        cfg.weight[m] = 0;
    cfg.weight[NOISE_PS] = 3;
    cfg.weight[NOISE_MIX_GAUSS] = 1;
    cfg.copies = 1;
    cfg.strength[NOISE_PS] = (plan_range_t){ 0.02, 0.08 };
    int ps = 0;
    double lo = 1, hi = 0, sum = 0;
    for (unsigned seed = 0; seed < 4000; seed++) {
        plan_t p;
        cfg.seed = seed;
        assert_int_equal(plan_make(&cfg, names, 2, 0, 0, &p), 0);
        assert_true(p.mode == NOISE_PS || p.mode == NOISE_MIX_GAUSS);
        if (p.mode == NOISE_PS) {
            ps++;
            lo = p.strength < lo ? p.strength : lo;
            hi = p.strength > hi ? p.strength : hi;
            sum += p.strength;
        } else {
            assert_true(p.strength == 0.05);  /* the default mix rate */
        }
        plan_free(&p);
    }
    assert_true(abs(ps - 3000) < 110);
    /* Uniform on [0.02, 0.08]: inside, and mean 0.05 within 4 sd of the
     * mean, 4 · 0.06/sqrt(12 · ps). */
    assert_true(lo >= 0.02 && hi <= 0.08 && lo < 0.021 && hi > 0.079);
    assert_true(fabs(sum / ps - 0.05) < 4 * 0.06 / sqrt(12.0 * ps));
}

/* A partner that cannot be used is replaced from the plan's own stream:
 * the same draws for the same plan, never the image itself, the output
 * renamed after the new partner; the fallback turns addPic into addGauss
 * and mixPic into mixGauss, with their own strengths. */
static void partner_redraws_and_fallback(void **state)
{
    (void)state;
    char *names[] = { "a.jpg", "b.png", "c.jpg", "d.jpg", "e.png" };
    plan_config_t cfg = config(11);
    for (int m = 0; m < NOISE_MODE_COUNT; m++)
        cfg.weight[m] = m == NOISE_ADD_PIC;
    cfg.strength[NOISE_ADD_GAUSS] = (plan_range_t){ 0.3, 0.3 };
    int seen[5] = { 0 };
    for (unsigned seed = 0; seed < 200; seed++) {
        plan_t p, q;
        cfg.seed = seed;
        assert_int_equal(plan_make(&cfg, names, 5, 2, 0, &p), 0);
        assert_int_equal(plan_make(&cfg, names, 5, 2, 0, &q), 0);
        for (int t = 0; t < 3; t++) {
            assert_int_equal(plan_redraw_partner(&cfg, names, 5, 2, &p), 0);
            assert_int_equal(plan_redraw_partner(&cfg, names, 5, 2, &q), 0);
            assert_int_equal(p.partner, q.partner);  /* deterministic */
            assert_true(p.partner != 2 && p.partner >= 0 && p.partner < 5);
            seen[p.partner]++;
            char want[64];
            char *stem = path_stem(names[p.partner]);
            snprintf(want, sizeof want, "c_add_%s.jpg", stem);
            free(stem);
            assert_string_equal(p.out_name, want);
        }
        assert_int_equal(p.fallback_from, -1);
        assert_int_equal(plan_fall_back(&cfg, names, 2, &p), 0);
        assert_int_equal(p.mode, NOISE_ADD_GAUSS);
        assert_int_equal(p.fallback_from, NOISE_ADD_PIC);
        assert_int_equal(p.partner, -1);
        assert_true(p.strength == 0.3);
        assert_string_equal(p.out_name, "c_addGauss.jpg");
        plan_free(&p);
        plan_free(&q);
    }
    /* Every other image is drawn (600 draws, 150 expected each). */
    assert_int_equal(seen[2], 0);
    for (int i = 0; i < 5; i++)
        assert_true(i == 2 || seen[i] > 100);
    /* mixPic falls back to mixGauss, keeping the copy suffix. */
    for (int m = 0; m < NOISE_MODE_COUNT; m++)
        cfg.weight[m] = m == NOISE_MIX_PIC;
    cfg.copies = 2;
    plan_t p;
    assert_int_equal(plan_make(&cfg, names, 5, 0, 1, &p), 0);
    assert_int_equal(plan_fall_back(&cfg, names, 0, &p), 0);
    assert_int_equal(p.mode, NOISE_MIX_GAUSS);
    assert_string_equal(p.out_name, "a_mixGauss_1.jpg");
    plan_free(&p);
}

/* In place, files named as outputs of the images beside them are earlier
 * outputs, judged against images only, whichever outputs exist. */
static void earlier_outputs_are_told_from_inputs(void **state)
{
    (void)state;
    char *given[] = {
        "a.jpg", "a_ps.jpg", "a_add_b.jpg", "a_mix_b_3.jpg", "a_addGauss_12.jpg",
        "a_ps.png",          /* a.jpg's outputs are .jpg: a genuine image */
        "a_ps_ps.jpg",       /* an output of a_ps, itself an output: an input */
        "b.png", "b_add_zz.png",  /* no image has the stem zz: an input */
        "c_ps.jpg",          /* no image c: an input */
        "sub/a_ps.jpg",      /* no a in sub: an input */
        "sub/d.png", "sub/d_mix_a.png",
        "b_add_a_ps.png",    /* partners come from every folder: sub/a_ps is an image */
        "b_addPic.png",      /* addPic is no tag */
    };
    size_t n = sizeof given / sizeof given[0];
    char **names = malloc(n * sizeof *names);
    for (size_t i = 0; i < n; i++)
        names[i] = given[i];
    size_t count = n, earlier_count;
    char **earlier;
    assert_int_equal(plan_split_earlier_outputs(names, &count, -1, NULL, 0, &earlier, &earlier_count), 0);
    const char *want_in[] = { "a.jpg", "a_ps.png", "a_ps_ps.jpg", "b.png", "b_add_zz.png",
                              "c_ps.jpg", "sub/a_ps.jpg", "sub/d.png", "b_addPic.png" };
    const char *want_out[] = { "a_ps.jpg", "a_add_b.jpg", "a_mix_b_3.jpg", "a_addGauss_12.jpg",
                               "sub/d_mix_a.png", "b_add_a_ps.png" };
    assert_int_equal(count, sizeof want_in / sizeof want_in[0]);
    assert_int_equal(earlier_count, sizeof want_out / sizeof want_out[0]);
    for (size_t i = 0; i < count; i++)
        assert_string_equal(names[i], want_in[i]);
    for (size_t i = 0; i < earlier_count; i++)
        assert_string_equal(earlier[i], want_out[i]);
    free(earlier);
    /* Only the images: nothing moves. */
    char *plain[] = { "x.png", "y.png" };
    count = 2;
    assert_int_equal(plan_split_earlier_outputs(plain, &count, -1, NULL, 0, &earlier, &earlier_count), 0);
    assert_int_equal(count, 2);
    assert_int_equal(earlier_count, 0);
    assert_null(earlier);
    free(names);
}

static void format_override_and_shards(void **state)
{
    (void)state;
    char *got = plan_output_name("x/a.png", "ps", 0 /* CODEC_JPEG */);
    assert_string_equal(got, "a_ps.jpg");
    free(got);
    got = plan_output_name("a.JPG", "ps", 0);
    assert_string_equal(got, "a_ps.JPG");  /* already JPEG: spelling kept */
    free(got);
    got = plan_output_name("a.gif", "ps", 3 /* CODEC_TGA */);
    assert_string_equal(got, "a_ps.tga");
    free(got);
    /* Shards partition the names: each in exactly one, roughly even. */
    int count[4] = { 0 };
    char name[32];
    for (int i = 0; i < 4000; i++) {
        snprintf(name, sizeof name, "img_%05d.jpg", i);
        count[plan_shard_of(name, 4)]++;
    }
    /* Binomial(4000, 1/4): sd 27.4; 4 sd = 110. */
    for (int k = 0; k < 4; k++)
        assert_true(abs(count[k] - 1000) < 110);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(output_names),
        cmocka_unit_test(deterministic_and_partner_never_self),
        cmocka_unit_test(lone_image_is_its_own_partner),
        cmocka_unit_test(restricted_modes_only),
        cmocka_unit_test(seed_changes_plan),
        cmocka_unit_test(copies_weights_and_ranges),
        cmocka_unit_test(partner_redraws_and_fallback),
        cmocka_unit_test(earlier_outputs_are_told_from_inputs),
        cmocka_unit_test(format_override_and_shards),
    };
    return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
