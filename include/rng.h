/* rng: a small, seedable, splittable generator (xoshiro256**).
 *
 * Every image owns a stream keyed by (seed, relative name, copy index), so
 * results never depend on which thread ran a job or in what order. */
#ifndef NOISEAUG_RNG_H
#define NOISEAUG_RNG_H

#include <math.h>
#include <stdint.h>

typedef struct {
    uint64_t s[4];
} rng_t;

/* Hashes (seed, name, copy) into a 64-bit key; equal inputs, equal keys. */
uint64_t rng_key(uint64_t seed, const char *name, uint32_t copy);

/* Seeds a stream from a 64-bit key; distinct keys give unrelated streams. */
void rng_seed(rng_t *r, uint64_t key);

/* Next 64 uniformly distributed bits. Inline: the dense noise kernels call
 * it once per four samples. */
static inline uint64_t rng_next(rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t x = s[1] * 5;
    uint64_t result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* Uniform integer in [0, n) without modulo bias; n must be > 0. */
uint64_t rng_below(rng_t *r, uint64_t n);

/* Uniform double in [0, 1) with 53 random bits. */
double rng_unit(rng_t *r);

/* The geometric gap a 64-bit draw stands for: the number of failures
 * before the next success in Bernoulli(p) trials, by inversion,
 * log(U) / log(1 - p) with U in (0, 1] from the draw's top 53 bits (floor
 * it for the count). inv_log1m_p is 1 / log(1 - p), 0 < p < 1. The low bits
 * are left for the caller, so sparse selection costs one draw per hit. */
static inline double rng_gap(uint64_t draw, double inv_log1m_p)
{
    double u = (double)((draw >> 11) + 1) * 0x1.0p-53;
    return log(u) * inv_log1m_p;
}

#endif
