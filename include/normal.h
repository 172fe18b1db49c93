/* normal: standard normal deviates from 20 random bits, for the Gaussian
 * noise modes.
 *
 * The unit interval is cut into NORMAL_BINS equiprobable bins at the knots
 * z_i = PHI^-1(i / NORMAL_BINS). The top NORMAL_BIN_BITS of a 20-bit draw
 * pick a bin and the low NORMAL_FRAC_BITS a point inside it, by linear
 * interpolation between the bin's knots; the two outer bins, which reach to
 * infinity, are sampled exactly by inversion with a fresh 53-bit uniform.
 * Every bin therefore has exactly its normal mass, the tails are exact, and
 * inside a bin the deviate is within 0.016 of the exact quantile of the same
 * point (the worst case, next to the tails; within 0.001 for the 99.3% of
 * draws in bins 8 to 2039). The knots are few enough (2 KiB of doubles, 16 KiB of per-image
 * fixed-point tables) to stay in L1, which is what makes a Gaussian draw
 * per sample affordable. */
#ifndef NOISEAUG_NORMAL_H
#define NOISEAUG_NORMAL_H

#include <stdint.h>

#include "rng.h"

#define NORMAL_BIN_BITS 11
#define NORMAL_FRAC_BITS 9
#define NORMAL_BINS (1u << NORMAL_BIN_BITS)
#define NORMAL_DRAW_BITS (NORMAL_BIN_BITS + NORMAL_FRAC_BITS)  /* 20 */

/* The knots z_0 .. z_NORMAL_BINS; z_0 = -inf and z_NORMAL_BINS = +inf.
 * Computed once, thread-safely, on first use. */
const double *normal_knots(void);

/* Inverse of the standard normal CDF, to double precision, 0 < p < 1. */
double normal_quantile(double p);

/* True when a 20-bit draw falls in one of the two outer bins. */
static inline int normal_is_tail(uint32_t draw)
{
    uint32_t bin = draw >> NORMAL_FRAC_BITS;
    return bin == 0 || bin == NORMAL_BINS - 1;
}

/* An exact deviate from an outer bin; draws one number from rng. */
double normal_tail(uint32_t draw, rng_t *rng);

/* A standard normal deviate from a 20-bit draw (and, in the outer bins,
 * one more number from rng). */
double normal_from_draw(uint32_t draw, rng_t *rng);

/* A standard normal deviate straight from the stream. */
double normal_next(rng_t *rng);

#endif
