/* noise: the mode table and the five kernels, written for speed.
 *
 * Throughput targets 1 GB/s of samples per core, so:
 * - Sparse modes (ps, mixGauss, mixPic) visit only the selected samples.
 *   Selection is Bernoulli(rate) per sample, realised as geometric gaps
 *   between hits, so a 5% rate costs one draw per ~20 samples.
 * - Gaussian draws take 20 random bits each (three per 64-bit number) and
 *   go through normal.h's equiprobable bins, whose per-image fixed-point
 *   tables stay in L1; the rare outer bins are sampled exactly.
 * - Blends are integer fixed point with 16 fractional bits.
 * - Dense loops have one sample type and no alpha test inside, so the
 *   compiler can vectorise them; `bits` is a compile-time constant in each
 *   specialised copy (see the *_impl functions).
 *
 * Samples are addressed by colour index k; with alpha present, k maps to
 * pixel k/cc and channel k%cc, which keeps alpha out of every computation. */
#include "noise.h"

#include "normal.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define INLINE static inline __attribute__((always_inline))

/* Hot loops built twice, for AVX2 and for baseline x86-64, and picked at
 * load time. They compute the same integers either way, so the bytes
 * written never depend on the CPU. ThreadSanitizer builds go without: its
 * runtime is not ready when the loader runs the clones' resolvers. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(NOISEAUG_NO_SIMD_CLONES)
#define SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SIMD_CLONES
#endif

/* --- sample access ---------------------------------------------------- */

INLINE uint32_t load(const void *p, size_t i, int bits)
{
    return bits == 16 ? ((const uint16_t *)p)[i] : ((const uint8_t *)p)[i];
}

INLINE void store(void *p, size_t i, uint32_t v, int bits)
{
    if (bits == 16)
        ((uint16_t *)p)[i] = (uint16_t)v;
    else
        ((uint8_t *)p)[i] = (uint8_t)v;
}

/* Rounds to nearest and clips to [0, max]. */
INLINE uint32_t round_clip(double v, uint32_t max)
{
    if (!(v > 0.0))  /* also catches NaN */
        return 0;
    if (v >= (double)max)
        return max;
    return (uint32_t)(v + 0.5);
}

static size_t colour_sample_count(const image_t *img)
{
    return (size_t)img->width * (size_t)img->height *
           (size_t)image_colour_channels(img);
}

/* Buffer index of colour sample k. */
INLINE size_t colour_index(const image_t *img, size_t k)
{
    size_t cc = (size_t)image_colour_channels(img);
    if (cc == (size_t)img->channels)
        return k;
    return (k / cc) * (size_t)img->channels + k % cc;
}

/* Fixed-point weight with 16 fractional bits, clamped to [0, 1]. */
/* Fraction bits of the fixed-point blends. 16 keep 8-bit arithmetic in 32
 * bits; 16-bit samples need 32, or the weight's rounding (up to 2^-17)
 * would move results by up to 0.4 of a level. */
#define FRAC_BITS(bits) ((bits) == 16 ? 32 : 16)

/* Weight w in [0, 1] as a fixed-point fraction with `frac` bits. */
static uint64_t fixed_weight(double w, int frac)
{
    double one = (double)(1ull << frac);
    if (!(w > 0.0))
        return 0;
    if (w >= 1.0)
        return 1ull << frac;
    return (uint64_t)floor(w * one + 0.5);
}

/* --- statistics ------------------------------------------------------- */

/* Sum and sum of squares of up to 2^15 8-bit samples: 255^2 · 2^15 < 2^32. */
SIMD_CLONES
static void sums8(const uint8_t *b, size_t len, uint64_t *sum, uint64_t *sum_sq)
{
    uint32_t s = 0, q = 0;
    for (size_t i = 0; i < len; i++) {
        s += b[i];
        q += (uint32_t)b[i] * b[i];
    }
    *sum = s;
    *sum_sq = q;
}

INLINE void colour_stats_impl(const image_t *img, double *mean, double *std,
                              int bits)
{
    const void *p = img->pixels;
    size_t n = image_sample_count(img);
    size_t ch = (size_t)img->channels, cc = (size_t)image_colour_channels(img);
    /* Exact integer sums: 65535^2 * n stays below 2^64 for n < 4.2e9
     * samples, far above what the pixel limit lets through. Blocks of 2^15
     * samples keep 8-bit squares in 32 bits, which vectorises better. */
    uint64_t sum = 0, sum_sq = 0;
    for (size_t start = 0; start < n; start += 32768) {
        size_t end = n - start > 32768 ? start + 32768 : n;
        uint64_t s = 0, q = 0;
        if (cc == ch && bits == 8) {
            sums8((const uint8_t *)p + start, end - start, &s, &q);
        } else if (cc == ch) {
            for (size_t i = start; i < end; i++) {
                uint64_t v = load(p, i, bits);
                s += v;
                q += v * v;
            }
        } else {
            for (size_t i = start; i < end; i++) {
                uint64_t v = load(p, i, bits);
                uint64_t keep = i % ch != cc;  /* 0 for alpha */
                s += v * keep;
                q += v * v * keep;
            }
        }
        sum += s;
        sum_sq += q;
    }
    size_t count = n / ch * cc;
    double m = (double)sum / (double)count;
    double var = (double)sum_sq / (double)count - m * m;
    *mean = m;
    *std = var > 0.0 ? sqrt(var) : 0.0;
}

void noise_colour_stats(const image_t *img, double *mean, double *std)
{
    if (img->bits == 16)
        colour_stats_impl(img, mean, std, 16);
    else
        colour_stats_impl(img, mean, std, 8);
}

/* --- sparse selection ------------------------------------------------- */

/* Geometric gaps for Bernoulli(rate) selection. */
typedef struct {
    double inv_log1m;  /* 1 / log(1 - rate) */
    int all;           /* rate >= 1: every sample */
    int none;          /* rate <= 0: no sample */
} selector_t;

static selector_t selector(double rate)
{
    selector_t s = { 0.0, rate >= 1.0, !(rate > 0.0) };
    if (!s.all && !s.none)
        s.inv_log1m = 1.0 / log1p(-rate);
    return s;
}

/* Index of the next selected sample at or after `from`, or n. The draw's
 * low bit is returned in *spare_bit for callers that need a coin flip; the
 * gap uses the top 53 bits, so the two are independent. */
INLINE size_t next_hit(const selector_t *s, rng_t *rng, size_t from, size_t n,
                       unsigned *spare_bit)
{
    if (s->none || from >= n)
        return n;
    uint64_t r = rng_next(rng);
    *spare_bit = (unsigned)(r & 1);  /* rng_gap uses the top 53 bits only */
    if (s->all)
        return from;
    double g = rng_gap(r, s->inv_log1m);
    if (!(g < (double)(n - from)))
        return n;
    return from + (size_t)g;
}

/* --- salt and pepper -------------------------------------------------- */

INLINE void salt_pepper_impl(image_t *img, rng_t *rng, double amount, int bits)
{
    uint32_t max = bits == 16 ? 65535u : 255u;
    size_t n = colour_sample_count(img);
    selector_t s = selector(amount);
    unsigned coin = 0;
    for (size_t k = next_hit(&s, rng, 0, n, &coin); k < n;
         k = next_hit(&s, rng, k + 1, n, &coin))
        store(img->pixels, colour_index(img, k), coin ? max : 0, bits);
}

/* The kernels below have the one signature of the mode table; each
 * ignores what its mode does not use. */
static int salt_pepper(image_t *img, const image_t *partner, rng_t *rng, double amount)
{
    (void)partner;
    if (img->bits == 16)
        salt_pepper_impl(img, rng, amount, 16);
    else
        salt_pepper_impl(img, rng, amount, 8);
    return 0;
}

/* --- Gaussian modes --------------------------------------------------- */

enum { GAUSS_BLOCK = 1024, GAUSS_SUB = 128 };  /* multiples of 8 */

/* w·(mean + std·z) + 1/2 in 16.16 fixed point, for any deviate z. */
static int64_t gauss_fixed(uint64_t wq, int frac, double mean, double std, double z)
{
    return (int64_t)floor((double)wq * (mean + std * z) + 0.5) + (1ll << (frac - 1));
}

/* Per-image fixed-point form of w·(mean + std·z) on each normal bin: the
 * value at the bin's lower knot plus the rounding half (base), and the
 * bin's width (step). The two outer bins hold zeros; their samples are
 * redone exactly. For 8-bit images every value fits in 32 bits: |base| <
 * 2^27 and step·1023 < 2^31 even at w = 1 and std = 127.5; 16 KiB in all,
 * so the table stays in L1 beside the block. */
typedef struct {
    double mean, std;
    uint64_t wq;
    int frac;
    int32_t base32[NORMAL_BINS], step32[NORMAL_BINS];
    int64_t base64[NORMAL_BINS], step64[NORMAL_BINS];
} gauss_table_t;

INLINE void gauss_table_init(gauss_table_t *t, uint64_t wq, double mean,
                             double std, int bits)
{
    const double *k = normal_knots();
    memset(t, 0, sizeof *t);
    t->mean = mean;
    t->std = std;
    t->wq = wq;
    t->frac = FRAC_BITS(bits);
    for (unsigned i = 1; i < NORMAL_BINS - 1; i++) {
        int64_t base = gauss_fixed(wq, t->frac, mean, std, k[i]);
        int64_t step = (int64_t)floor((double)wq * std * (k[i + 1] - k[i]) + 0.5);
        if (bits == 16) {
            t->base64[i] = base;
            t->step64[i] = step;
        } else {
            t->base32[i] = (int32_t)base;
            t->step32[i] = (int32_t)step;
        }
    }
}

#define FRAC_MASK ((1u << NORMAL_FRAC_BITS) - 1)

/* 8-bit noise for a block: draw j is the top 20 bits of 32-bit word j of
 * the stream (two per 64-bit number); the value inside its bin is linear
 * interpolation at the centre of the draw's sub-interval,
 * base + step·(2·frac + 1)/2^10. Plain arrays and no branches, so the
 * compiler vectorises it; the AVX2 copy uses gathers. Both compute the same
 * integers, so the bytes written do not depend on the CPU. */
/* Returns nonzero when any draw of the block fell in an outer bin. */
SIMD_CLONES
static uint32_t gauss_noise8(const gauss_table_t *t, const uint32_t *words,
                             int32_t *noise, size_t count)
{
    uint32_t tails = 0;
    for (size_t j = 0; j < count; j++) {
        uint32_t d = words[j] >> 12;
        uint32_t bin = d >> NORMAL_FRAC_BITS;
        int32_t odd = 2 * (int32_t)(d & FRAC_MASK) + 1;
        noise[j] = t->base32[bin] + ((t->step32[bin] * odd) >> (NORMAL_FRAC_BITS + 1));
        tails |= ((bin + 1) & (NORMAL_BINS - 1)) <= 1;
    }
    return tails;
}

/* 8-bit blend of a block with its noise: (keep·x + noise) >> 16, clipped. */
SIMD_CLONES
static void gauss_apply8(uint8_t *q, const int32_t *noise, size_t count, int32_t keep)
{
    for (size_t j = 0; j < count; j++) {
        int32_t v = (keep * q[j] + noise[j]) >> 16;
        q[j] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

/* Fixed-point noise for one draw of any depth, outer bins exact. */
static int64_t gauss_noise_one(const gauss_table_t *t, uint32_t d, rng_t *rng, int bits)
{
    if (normal_is_tail(d))
        return gauss_fixed(t->wq, t->frac, t->mean, t->std, normal_tail(d, rng));
    uint32_t bin = d >> NORMAL_FRAC_BITS;
    int64_t odd = 2 * (int64_t)(d & FRAC_MASK) + 1;
    if (bits == 16)
        return t->base64[bin] + ((t->step64[bin] * odd) >> (NORMAL_FRAC_BITS + 1));
    return t->base32[bin] + ((t->step32[bin] * odd) >> (NORMAL_FRAC_BITS + 1));
}

/* Four xoshiro256** generators run side by side, one per vector lane:
 * four independent dependency chains, and one SIMD instruction per step
 * where the CPU has 256-bit integer vectors. GCC's vector extension keeps
 * this portable; the lanes give the same numbers on every CPU. */
typedef uint64_t u64x4_t __attribute__((vector_size(32)));

typedef struct {
    u64x4_t s0, s1, s2, s3;
} rng_lanes_t;

static void lanes_seed(rng_lanes_t *v, rng_t *rng)
{
    for (int l = 0; l < 4; l++) {
        rng_t lane;
        rng_seed(&lane, rng_next(rng));
        v->s0[l] = lane.s[0];
        v->s1[l] = lane.s[1];
        v->s2[l] = lane.s[2];
        v->s3[l] = lane.s[3];
    }
}

/* Fills words with `count` 32-bit values, count a multiple of 8. */
SIMD_CLONES
static void lanes_fill(rng_lanes_t *v, uint32_t *words, size_t count)
{
    u64x4_t s0 = v->s0, s1 = v->s1, s2 = v->s2, s3 = v->s3;
    for (size_t j = 0; j < count; j += 8) {
        u64x4_t x = s1 * 5;
        u64x4_t r = ((x << 7) | (x >> 57)) * 9;
        u64x4_t t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 45) | (s3 >> 19);
        memcpy(words + j, &r, sizeof r);
    }
    v->s0 = s0;
    v->s1 = s1;
    v->s2 = s2;
    v->s3 = s3;
}

INLINE int add_gauss_impl(image_t *img, rng_t *rng, double weight, int bits)
{
    double mean, std;
    colour_stats_impl(img, &mean, &std, bits);
    /* out = (1-w)·x + w·(mean + std·z), in 16.16 fixed point. */
    const int frac = FRAC_BITS(bits);
    uint64_t wq = fixed_weight(weight, frac);
    int64_t keep = (int64_t)((1ull << frac) - wq);
    const int64_t max = bits == 16 ? 65535 : 255;
    gauss_table_t *t = malloc(sizeof *t);
    if (t == NULL)
        return -1;
    gauss_table_init(t, wq, mean, std, bits);

    void *p = img->pixels;
    size_t ch = (size_t)img->channels, cc = (size_t)image_colour_channels(img);
    size_t n = colour_sample_count(img);
    /* The bulk draws come from four lanes seeded off the image's stream;
     * the stream itself still serves the rare exact tails. */
    rng_lanes_t lanes;
    lanes_seed(&lanes, rng);
    uint32_t words[GAUSS_BLOCK];
    int32_t noise32[GAUSS_BLOCK];
    for (size_t k0 = 0; k0 < n; k0 += GAUSS_BLOCK) {
        size_t count = n - k0 < GAUSS_BLOCK ? n - k0 : GAUSS_BLOCK;
        lanes_fill(&lanes, words, (count + 7) & ~(size_t)7);
        if (bits == 8 && cc == ch) {
            /* The fast path: vectorised noise, then exact redo of the few
             * draws (1 in 1024) that fall in an outer bin. */
            for (size_t s0 = 0; s0 < count; s0 += GAUSS_SUB) {
                size_t len = count - s0 < GAUSS_SUB ? count - s0 : GAUSS_SUB;
                if (gauss_noise8(t, words + s0, noise32 + s0, len))
                    for (size_t j = s0; j < s0 + len; j++)
                        if (normal_is_tail(words[j] >> 12))
                            noise32[j] = (int32_t)gauss_noise_one(t, words[j] >> 12, rng, 8);
            }
            gauss_apply8((uint8_t *)p + k0, noise32, count, (int32_t)keep);
            continue;
        }
        for (size_t j = 0; j < count; j++) {
            size_t i = colour_index(img, k0 + j);
            int64_t v = (keep * (int64_t)load(p, i, bits) +
                         gauss_noise_one(t, words[j] >> 12, rng, bits)) >> frac;
            store(p, i, (uint32_t)(v < 0 ? 0 : v > max ? max : v), bits);
        }
    }
    free(t);
    return 0;
}

static int add_gauss(image_t *img, const image_t *partner, rng_t *rng, double weight)
{
    (void)partner;
    if (img->bits == 16)
        return add_gauss_impl(img, rng, weight, 16);
    return add_gauss_impl(img, rng, weight, 8);
}

INLINE void mix_gauss_impl(image_t *img, rng_t *rng, double rate, int bits)
{
    double mean, std;
    colour_stats_impl(img, &mean, &std, bits);
    uint32_t max = bits == 16 ? 65535u : 255u;
    size_t n = colour_sample_count(img);
    selector_t s = selector(rate);
    unsigned coin;
    for (size_t k = next_hit(&s, rng, 0, n, &coin); k < n;
         k = next_hit(&s, rng, k + 1, n, &coin)) {
        double g = mean + std * normal_next(rng);
        store(img->pixels, colour_index(img, k), round_clip(g, max), bits);
    }
}

static int mix_gauss(image_t *img, const image_t *partner, rng_t *rng, double rate)
{
    (void)partner;
    if (img->bits == 16)
        mix_gauss_impl(img, rng, rate, 16);
    else
        mix_gauss_impl(img, rng, rate, 8);
    return 0;
}

/* --- partners --------------------------------------------------------- */

/* Source row and column under output pixel (x, y): pixel centres map to
 * the source pixel beneath them, floor((x + 1/2) · sw / dw). */
INLINE size_t nearest(size_t x, size_t src_len, size_t dst_len)
{
    return ((2 * x + 1) * src_len) / (2 * dst_len);
}

/* Converts one sample between bit depths with rounding. */
INLINE uint32_t convert_depth(uint32_t v, int from_bits, int to_bits)
{
    if (from_bits == to_bits)
        return v;
    if (to_bits == 16)
        return v * 257u;
    return (v + 128u) / 257u;
}

/* Colour channel c (of cc_out) of the partner pixel starting at sample
 * `base`, converted to the image's channels and depth. */
static uint32_t partner_value(const image_t *src, size_t base, int c, int cc_out,
                              int out_bits)
{
    int cc_src = image_colour_channels(src);
    uint32_t v;
    if (cc_out > 1 && c < cc_src) {
        v = load(src->pixels, base + (size_t)c, src->bits);
    } else if (cc_src >= 3) {
        /* Grey from colour, and the bands an RGB partner lacks (the
         * near-infrared of an RGB+NIR image): Rec. 601 luma, rounded. */
        uint64_t r = load(src->pixels, base, src->bits),
                 g = load(src->pixels, base + 1, src->bits),
                 b = load(src->pixels, base + 2, src->bits);
        v = (uint32_t)((299 * r + 587 * g + 114 * b + 500) / 1000);
    } else {
        v = load(src->pixels, base, src->bits);  /* grey, or the first of two bands */
    }
    return convert_depth(v, src->bits, out_bits);
}

/* Fills row y of the partner, fitted to img, into `row` (cc samples per
 * pixel, img's depth). `cols` maps each output column to its source
 * sample offset within a source row. */
static void fit_row(const image_t *src, const image_t *img, const size_t *cols,
                    size_t y, void *row)
{
    size_t sy = nearest(y, (size_t)src->height, (size_t)img->height);
    size_t row_base = sy * (size_t)src->width * (size_t)src->channels;
    int cc = image_colour_channels(img);
    size_t w = (size_t)img->width;
    int same = src->bits == img->bits && image_colour_channels(src) == cc;
    if (same && src->bits == 8 && cc == 3) {
        const uint8_t *s = (const uint8_t *)src->pixels + row_base;
        uint8_t *d = row;
        for (size_t x = 0; x < w; x++)
            memcpy(d + 3 * x, s + cols[x], 3);
        return;
    }
    size_t k = 0;
    for (size_t x = 0; x < w; x++)
        for (int c = 0; c < cc; c++)
            store(row, k++, partner_value(src, row_base + cols[x], c, cc, img->bits),
                  img->bits);
}

/* Column map of fit_row, malloc'd; NULL without memory. */
static size_t *column_map(const image_t *src, const image_t *img)
{
    size_t w = (size_t)img->width;
    size_t *cols = malloc(w * sizeof *cols);
    if (cols != NULL)
        for (size_t x = 0; x < w; x++)
            cols[x] = nearest(x, (size_t)src->width, w) * (size_t)src->channels;
    return cols;
}

int noise_fit_partner(const image_t *src, const image_t *img, image_t *out)
{
    int cc = image_colour_channels(img);
    if (image_alloc(out, img->width, img->height, cc, img->bits) != 0)
        return -1;
    out->alpha = 0;  /* colour channels only, however many */
    size_t *cols = column_map(src, img);
    if (cols == NULL) {
        image_free(out);
        return -1;
    }
    size_t row_bytes = (size_t)img->width * (size_t)cc * (size_t)(img->bits / 8);
    for (size_t y = 0; y < (size_t)img->height; y++)
        fit_row(src, img, cols, y, (char *)out->pixels + y * row_bytes);
    free(cols);
    return 0;
}

/* (keep·x + w·p + 1/2) >> frac, keep + w = 2^frac: 32-bit arithmetic for
 * 8-bit samples (vectorises well), 64-bit for 16-bit ones. */
INLINE uint32_t blend(uint64_t keep, uint64_t wq, uint32_t x, uint32_t p, int bits)
{
    if (bits == 16)
        return (uint32_t)((keep * x + wq * p + (1ull << 31)) >> 32);
    return ((uint32_t)keep * x + (uint32_t)wq * p + 32768u) >> 16;
}

INLINE void add_pic_row(void *p, const void *q, size_t pixels, size_t ch,
                        size_t cc, uint64_t keep, uint64_t wq, int bits)
{
    if (ch == cc) {
        size_t n = pixels * cc;
        for (size_t i = 0; i < n; i++)
            store(p, i, blend(keep, wq, load(p, i, bits), load(q, i, bits), bits), bits);
        return;
    }
    for (size_t x = 0; x < pixels; x++)
        for (size_t c = 0; c < cc; c++) {
            size_t i = x * ch + c;
            store(p, i, blend(keep, wq, load(p, i, bits), load(q, x * cc + c, bits), bits),
                  bits);
        }
}

INLINE int add_pic_impl(image_t *img, const image_t *partner, double blend_weight, int bits)
{
    uint64_t wq = fixed_weight(blend_weight, FRAC_BITS(bits));
    uint64_t keep = (1ull << FRAC_BITS(bits)) - wq;
    size_t w = (size_t)img->width, ch = (size_t)img->channels;
    size_t cc = (size_t)image_colour_channels(img);
    size_t row_samples = w * ch;
    size_t *cols = column_map(partner, img);
    void *row = malloc(w * cc * (size_t)(bits / 8));
    if (cols == NULL || row == NULL) {
        free(cols);
        free(row);
        return -1;
    }
    for (size_t y = 0; y < (size_t)img->height; y++) {
        fit_row(partner, img, cols, y, row);
        void *p = (char *)img->pixels + y * row_samples * (size_t)(bits / 8);
        add_pic_row(p, row, w, ch, cc, keep, wq, bits);
    }
    free(cols);
    free(row);
    return 0;
}

/* addPic draws nothing: rng stays untouched, as the golden outputs need. */
static int add_pic(image_t *img, const image_t *partner, rng_t *rng, double blend_weight)
{
    (void)rng;
    if (img->bits == 16)
        return add_pic_impl(img, partner, blend_weight, 16);
    return add_pic_impl(img, partner, blend_weight, 8);
}

INLINE void mix_pic_impl(image_t *img, const image_t *partner, rng_t *rng,
                         double rate, int bits)
{
    size_t n = colour_sample_count(img);
    size_t cc = (size_t)image_colour_channels(img), w = (size_t)img->width;
    size_t sw = (size_t)partner->width, sh = (size_t)partner->height;
    selector_t s = selector(rate);
    unsigned coin;
    for (size_t k = next_hit(&s, rng, 0, n, &coin); k < n;
         k = next_hit(&s, rng, k + 1, n, &coin)) {
        size_t pixel = k / cc, c = k % cc, x = pixel % w, y = pixel / w;
        size_t base = (nearest(y, sh, (size_t)img->height) * sw + nearest(x, sw, w)) *
                      (size_t)partner->channels;
        store(img->pixels, colour_index(img, k),
              partner_value(partner, base, (int)c, (int)cc, bits), bits);
    }
}

static int mix_pic(image_t *img, const image_t *partner, rng_t *rng, double rate)
{
    if (img->bits == 16)
        mix_pic_impl(img, partner, rng, rate, 16);
    else
        mix_pic_impl(img, partner, rng, rate, 8);
    return 0;
}

/* --- the mode table --------------------------------------------------- */

/* NOISE_NONE's kernel: the --modes none diagnostic times decode and
 * encode alone. */
static int no_noise(image_t *img, const image_t *partner, rng_t *rng, double strength)
{
    (void)img;
    (void)partner;
    (void)rng;
    (void)strength;
    return 0;
}

/* Every strength is a share of samples or a blend weight, so [0, 1]. The
 * defaults are those of the competition script this tool replaces. mixGauss
 * and mixPic share --mix-rate. */
static const noise_mode_info_t modes[NOISE_MODE_COUNT + 1] = {
    /* name, needs partner, fallback, { parameter, option, default, lo, hi }, kernel */
    [NOISE_PS] = { "ps", 0, NOISE_PS, { "amount", "ps-amount", 0.05, 0, 1 }, salt_pepper },
    [NOISE_ADD_GAUSS] = { "addGauss", 0, NOISE_ADD_GAUSS,
                          { "weight", "gauss-weight", 0.1, 0, 1 }, add_gauss },
    [NOISE_MIX_GAUSS] = { "mixGauss", 0, NOISE_MIX_GAUSS,
                          { "rate", "mix-rate", 0.05, 0, 1 }, mix_gauss },
    [NOISE_ADD_PIC] = { "addPic", 1, NOISE_ADD_GAUSS, { "blend", "blend", 0.1, 0, 1 }, add_pic },
    [NOISE_MIX_PIC] = { "mixPic", 1, NOISE_MIX_GAUSS, { "rate", "mix-rate", 0.05, 0, 1 }, mix_pic },
    [NOISE_NONE] = { "none", 0, NOISE_NONE, { NULL, NULL, 0, 0, 0 }, no_noise },
};

const noise_mode_info_t *noise_mode_info(noise_mode_t mode)
{
    return (unsigned)mode <= NOISE_NONE ? &modes[mode] : NULL;
}

int noise_apply(noise_mode_t mode, image_t *img, const image_t *partner, rng_t *rng,
                double strength)
{
    const noise_mode_info_t *info = noise_mode_info(mode);
    return info != NULL ? info->apply(img, partner, rng, strength) : -1;
}

const char *noise_mode_name(noise_mode_t mode)
{
    const noise_mode_info_t *info = noise_mode_info(mode);
    return info != NULL ? info->name : "?";
}

int noise_mode_parse(const char *name, size_t len)
{
    /* The five only: 'none' is not a mode one can mix with others. */
    for (int m = 0; m < NOISE_MODE_COUNT; m++)
        if (strlen(modes[m].name) == len && memcmp(modes[m].name, name, len) == 0)
            return m;
    return -1;
}

double noise_default_strength(noise_mode_t mode)
{
    const noise_mode_info_t *info = noise_mode_info(mode);
    return info != NULL ? info->strength.def : 0.0;
}

noise_mode_t noise_mode_fallback(noise_mode_t mode)
{
    const noise_mode_info_t *info = noise_mode_info(mode);
    return info != NULL ? (noise_mode_t)info->fallback : mode;
}

int noise_mode_needs_partner(noise_mode_t mode)
{
    const noise_mode_info_t *info = noise_mode_info(mode);
    return info != NULL && info->needs_partner;
}
