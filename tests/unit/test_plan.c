/* Unit tests for plan: output names, mode and partner draws. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plan.h"

static void assert_name(const char *input, const char *tag, const char *want)
{
    char *got = plan_output_name(input, tag);
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

static void stems(void **state)
{
    (void)state;
    char *s = plan_stem("a.b.jpg");
    assert_string_equal(s, "a.b");
    free(s);
    s = plan_stem("noext");
    assert_string_equal(s, "noext");
    free(s);
}

static plan_modes_t all_modes(void)
{
    plan_modes_t m;
    for (int i = 0; i < NOISE_MODE_COUNT; i++)
        m.weight[i] = 1.0;
    return m;
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
    plan_modes_t modes = all_modes();
    int seen[NOISE_MODE_COUNT] = { 0 };
    for (size_t i = 0; i < N; i++) {
        plan_t a, b;
        assert_int_equal(plan_make(&modes, 7, names, N, i, &a), 0);
        assert_int_equal(plan_make(&modes, 7, names, N, i, &b), 0);
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
    plan_modes_t modes = { { 0 } };
    modes.weight[NOISE_MIX_PIC] = 1.0;
    plan_t p;
    assert_int_equal(plan_make(&modes, 1, names, 1, 0, &p), 0);
    assert_int_equal(p.mode, NOISE_MIX_PIC);
    assert_int_equal(p.partner, 0);
    assert_string_equal(p.out_name, "only_mix_only.png");
    plan_free(&p);
}

static void restricted_modes_only(void **state)
{
    (void)state;
    char *names[] = { "a.jpg", "b.jpg", "c.jpg", "d.jpg" };
    plan_modes_t modes = { { 0 } };
    modes.weight[NOISE_PS] = 1.0;
    modes.weight[NOISE_ADD_PIC] = 1.0;
    for (uint64_t seed = 0; seed < 50; seed++)
        for (size_t i = 0; i < 4; i++) {
            plan_t p;
            assert_int_equal(plan_make(&modes, seed, names, 4, i, &p), 0);
            assert_true(p.mode == NOISE_PS || p.mode == NOISE_ADD_PIC);
            plan_free(&p);
        }
}

static void seed_changes_plan(void **state)
{
    (void)state;
    /* Over 64 seeds, a single image must not always get the same plan. */
    char *names[] = { "a.jpg", "b.jpg", "c.jpg" };
    plan_modes_t modes = all_modes();
    int differs = 0;
    plan_t first;
    assert_int_equal(plan_make(&modes, 0, names, 3, 0, &first), 0);
    for (uint64_t seed = 1; seed < 64; seed++) {
        plan_t p;
        assert_int_equal(plan_make(&modes, seed, names, 3, 0, &p), 0);
        differs |= strcmp(p.out_name, first.out_name) != 0;
        plan_free(&p);
    }
    plan_free(&first);
    assert_true(differs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(output_names),
        cmocka_unit_test(stems),
        cmocka_unit_test(deterministic_and_partner_never_self),
        cmocka_unit_test(lone_image_is_its_own_partner),
        cmocka_unit_test(restricted_modes_only),
        cmocka_unit_test(seed_changes_plan),
    };
    return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
