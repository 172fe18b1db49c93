/* Unit tests for rng: determinism, independent streams, distributions. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rng.h"

static void same_key_same_stream(void **state)
{
    (void)state;
    rng_t a, b;
    rng_seed(&a, rng_key(7, "a.jpg", 0));
    rng_seed(&b, rng_key(7, "a.jpg", 0));
    for (int i = 0; i < 1000; i++)
        assert_int_equal(rng_next(&a), rng_next(&b));
}

static void distinct_keys_distinct_streams(void **state)
{
    (void)state;
    /* Keys that differ in one place each: seed, one name byte, copy. */
    uint64_t keys[] = {
        rng_key(7, "a.jpg", 0), rng_key(8, "a.jpg", 0),
        rng_key(7, "b.jpg", 0), rng_key(7, "a.jpg", 1),
        rng_key(7, "a.jpg ", 0), rng_key(0, "", 0),
    };
    size_t n = sizeof keys / sizeof keys[0];
    uint64_t first[6][4];
    for (size_t i = 0; i < n; i++) {
        rng_t r;
        rng_seed(&r, keys[i]);
        for (int j = 0; j < 4; j++)
            first[i][j] = rng_next(&r);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            assert_int_not_equal(keys[i], keys[j]);
            for (int k = 0; k < 4; k++)
                assert_int_not_equal(first[i][k], first[j][k]);
        }
}

static void below_is_uniform(void **state)
{
    (void)state;
    /* Chi-square goodness of fit over 16 bins, 160000 draws, df = 15.
     * The 1 - 1e-6 quantile of chi2(15) is about 57.3 (Wilson-Hilferty:
     * 15 * (1 - 2/135 + 4.75 * sqrt(2/135))^3), so a sound generator fails
     * this with probability below one in a million. */
    enum { BINS = 16, DRAWS = 160000 };
    uint64_t seeds[] = { 1, 2, 0xDEADBEEF };
    for (size_t s = 0; s < 3; s++) {
        rng_t r;
        rng_seed(&r, rng_key(seeds[s], "chi", 0));
        long count[BINS] = { 0 };
        for (int i = 0; i < DRAWS; i++) {
            uint64_t v = rng_below(&r, BINS);
            assert_true(v < BINS);
            count[v]++;
        }
        double expected = (double)DRAWS / BINS, chi2 = 0;
        for (int b = 0; b < BINS; b++)
            chi2 += (count[b] - expected) * (count[b] - expected) / expected;
        assert_true(chi2 < 57.3);
    }
}

static void below_handles_awkward_bounds(void **state)
{
    (void)state;
    rng_t r;
    rng_seed(&r, 42);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(rng_below(&r, 1), 0);
        assert_true(rng_below(&r, 3) < 3);
        assert_true(rng_below(&r, UINT64_MAX) < UINT64_MAX);
    }
}

static void unit_interval(void **state)
{
    (void)state;
    rng_t r;
    rng_seed(&r, 5);
    /* Mean of U(0,1) is 1/2 with sd sqrt(1/12/n); 4 sd at n = 1e5 is 0.0037. */
    double sum = 0;
    for (int i = 0; i < 100000; i++) {
        double u = rng_unit(&r);
        assert_true(u >= 0.0 && u < 1.0);
        sum += u;
    }
    assert_true(fabs(sum / 100000 - 0.5) < 4 * sqrt(1.0 / 12 / 100000));
}

static void geometric_gap_mean(void **state)
{
    (void)state;
    /* Failures before a success at p: mean (1-p)/p, variance (1-p)/p^2. */
    enum { N = 100000 };
    const double p = 0.05;
    rng_t r;
    rng_seed(&r, 3);
    double sum = 0;
    for (int i = 0; i < N; i++)
        sum += floor(rng_gap(rng_next(&r), 1.0 / log1p(-p)));
    double mean = (1 - p) / p, sd_of_mean = sqrt((1 - p) / (p * p) / N);
    assert_true(fabs(sum / N - mean) < 4 * sd_of_mean);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_key_same_stream),
        cmocka_unit_test(distinct_keys_distinct_streams),
        cmocka_unit_test(below_is_uniform),
        cmocka_unit_test(below_handles_awkward_bounds),
        cmocka_unit_test(unit_interval),
        cmocka_unit_test(geometric_gap_mean),
    };
    return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
