/* Unit tests for normal: quantiles, knots, and the sampler's distribution. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "normal.h"

static void quantile_matches_reference_values(void **state)
{
    (void)state;
    /* Reference values of PHI^-1 to 15 digits. */
    assert_true(fabs(normal_quantile(0.5)) < 1e-15);
    assert_true(fabs(normal_quantile(0.975) - 1.959963984540054) < 1e-12);
    assert_true(fabs(normal_quantile(0.02) + 2.053748910631823) < 1e-12);
    assert_true(fabs(normal_quantile(1e-10) + 6.361340902404056) < 1e-9);
    assert_true(fabs(normal_quantile(0.84134474606854293) - 1.0) < 1e-12);
}

static void knots_are_symmetric_and_increasing(void **state)
{
    (void)state;
    const double *k = normal_knots();
    assert_true(isinf(k[0]) && k[0] < 0);
    assert_true(isinf(k[NORMAL_BINS]) && k[NORMAL_BINS] > 0);
    assert_true(k[NORMAL_BINS / 2] == 0.0);
    for (unsigned i = 1; i < NORMAL_BINS; i++) {
        assert_true(k[i] < k[i + 1]);
        assert_true(k[i] == -k[NORMAL_BINS - i]);
    }
}

static void interpolation_error_is_small(void **state)
{
    (void)state;
    /* The claim in normal.h: inside a body bin the deviate is within 0.016
     * of the exact quantile of the same point, and within 0.001 in bins 8
     * to NORMAL_BINS - 9. */
    double worst = 0, worst_inner = 0;
    for (uint32_t bin = 1; bin < NORMAL_BINS - 1; bin++)
        for (uint32_t frac = 0; frac < 512; frac++) {
            uint32_t draw = bin << NORMAL_FRAC_BITS | frac;
            double u = ((double)draw + 0.5) / (1u << NORMAL_DRAW_BITS);
            double err = fabs(normal_from_draw(draw, NULL) - normal_quantile(u));
            worst = err > worst ? err : worst;
            if (bin >= 8 && bin < NORMAL_BINS - 8)
                worst_inner = err > worst_inner ? err : worst_inner;
        }
    assert_true(worst < 0.016);
    assert_true(worst_inner < 0.001);
}

static void tails_are_beyond_the_outer_knots(void **state)
{
    (void)state;
    const double *k = normal_knots();
    rng_t r;
    rng_seed(&r, 77);
    for (int i = 0; i < 2000; i++) {
        assert_true(normal_from_draw(0, &r) < k[1]);
        assert_true(normal_from_draw((NORMAL_BINS - 1) << NORMAL_FRAC_BITS, &r) >
                    k[NORMAL_BINS - 1]);
    }
}

static void moments_and_tail_mass(void **state)
{
    (void)state;
    enum { N = 1000000 };
    rng_t r;
    rng_seed(&r, 11);
    double sum = 0, sum_sq = 0, sum4 = 0;
    long beyond3 = 0;
    for (int i = 0; i < N; i++) {
        double z = normal_next(&r);
        sum += z;
        sum_sq += z * z;
        sum4 += z * z * z * z;
        beyond3 += fabs(z) > 3;
    }
    double mean = sum / N, var = sum_sq / N - mean * mean;
    /* For N(0,1): the sample mean has sd 1/sqrt(N), the sample variance
     * sd sqrt(2/N), the fourth moment (3) sd sqrt((105 - 9)/N). P(|z| > 3)
     * = 0.0026998, a binomial proportion. All checked at 4 sd. */
    assert_true(fabs(mean) < 4 / sqrt(N));
    assert_true(fabs(var - 1) < 4 * sqrt(2.0 / N));
    assert_true(fabs(sum4 / N - 3) < 4 * sqrt(96.0 / N));
    double p3 = 0.0026998;
    assert_true(fabs((double)beyond3 / N - p3) < 4 * sqrt(p3 * (1 - p3) / N));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quantile_matches_reference_values),
        cmocka_unit_test(knots_are_symmetric_and_increasing),
        cmocka_unit_test(interpolation_error_is_small),
        cmocka_unit_test(tails_are_beyond_the_outer_knots),
        cmocka_unit_test(moments_and_tail_mass),
    };
    return cmocka_run_group_tests_name("normal", tests, NULL, NULL);
}
