/* rng: xoshiro256** seeded through splitmix64.
 *
 * xoshiro256** passes BigCrush, has a 2^256-1 period and costs a few
 * cycles per 64 bits. splitmix64 spreads one key over the 256-bit state so
 * that nearby keys do not give correlated streams. */
#include "rng.h"

#include <math.h>

/* GCC and Clang provide 128-bit integers on 64-bit targets. */
__extension__ typedef unsigned __int128 u128_t;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t rng_key(uint64_t seed, const char *name, uint32_t copy)
{
    /* FNV-1a over the name, started from the seed, then two splitmix rounds
     * that fold in the copy index and repair FNV's weak avalanche. */
    uint64_t h = 0xCBF29CE484222325ull ^ seed;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 0x100000001B3ull;
    uint64_t x = h;
    uint64_t a = splitmix64(&x);
    x = a ^ ((uint64_t)copy << 32 | copy) ^ seed;
    return splitmix64(&x);
}

void rng_seed(rng_t *r, uint64_t key)
{
    uint64_t x = key;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    /* An all-zero state would be a fixed point; splitmix64 is a bijection
     * of its counter, so four zeros in a row cannot happen, but be sure. */
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
        r->s[0] = 1;
}

uint64_t rng_below(rng_t *r, uint64_t n)
{
    /* Lemire's multiply-and-reject: unbiased, rarely loops. */
    u128_t m = (u128_t)rng_next(r) * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t threshold = (0 - n) % n;
        while (low < threshold) {
            m = (u128_t)rng_next(r) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double rng_unit(rng_t *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}
