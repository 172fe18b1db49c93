/* normal: equiprobable bins with linear interpolation and exact tails. */
#include "normal.h"

#include <math.h>
#include <pthread.h>

static double knots[NORMAL_BINS + 1];
static pthread_once_t knots_once = PTHREAD_ONCE_INIT;

double normal_quantile(double p)
{
    /* Acklam's rational approximation (relative error below 1.2e-9), then
     * one Halley step against erfc, which brings it to double precision. */
    static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
                                -2.759285104469687e+02, 1.383577518672690e+02,
                                -3.066479806614716e+01, 2.506628277459239e+00 };
    static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
                                -1.556989798598866e+02, 6.680131188771972e+01,
                                -1.328068155288572e+01 };
    static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
                                -2.400758277161838e+00, -2.549732539343734e+00,
                                4.374664141464968e+00, 2.938163982698783e+00 };
    static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
                                2.445134137142996e+00, 3.754408661907416e+00 };
    const double p_low = 0.02425;
    double x;
    if (p < p_low || p > 1 - p_low) {
        double q = sqrt(-2 * log(p < p_low ? p : 1 - p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        if (p > 1 - p_low)
            x = -x;
    } else {
        double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    const double sqrt_2pi = 2.5066282746310002;
    double e = 0.5 * erfc(-x / sqrt(2.0)) - p;
    double u = e * sqrt_2pi * exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

static void build_knots(void)
{
    knots[0] = -INFINITY;
    knots[NORMAL_BINS] = INFINITY;
    knots[NORMAL_BINS / 2] = 0.0;
    for (unsigned i = 1; i < NORMAL_BINS / 2; i++) {
        /* Exactly symmetric, so the body has mean 0 to the last bit. */
        double z = normal_quantile((double)i / NORMAL_BINS);
        knots[i] = z;
        knots[NORMAL_BINS - i] = -z;
    }
}

const double *normal_knots(void)
{
    pthread_once(&knots_once, build_knots);
    return knots;
}

double normal_tail(uint32_t draw, rng_t *rng)
{
    /* Inversion inside the outer bin: u uniform in (0, 1/NORMAL_BINS). */
    double u = ((double)(rng_next(rng) >> 11) + 0.5) * 0x1.0p-53 / NORMAL_BINS;
    double z = normal_quantile(u);
    return (draw >> NORMAL_FRAC_BITS) == 0 ? z : -z;
}

double normal_from_draw(uint32_t draw, rng_t *rng)
{
    if (normal_is_tail(draw))
        return normal_tail(draw, rng);
    const double *k = normal_knots();
    uint32_t bin = draw >> NORMAL_FRAC_BITS;
    uint32_t frac = draw & ((1u << NORMAL_FRAC_BITS) - 1);
    /* The point sits at the centre of its 1/2^20 sub-interval. */
    double t = (2.0 * frac + 1.0) / (2.0 * (1u << NORMAL_FRAC_BITS));
    return k[bin] + (k[bin + 1] - k[bin]) * t;
}

double normal_next(rng_t *rng)
{
    uint32_t draw = (uint32_t)(rng_next(rng) >> (64 - NORMAL_DRAW_BITS));
    return normal_from_draw(draw, rng);
}
