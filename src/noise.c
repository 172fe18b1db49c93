/* noise: the five pixel functions.
 *
 * Sparse modes (ps, mixGauss, mixPic) visit only the selected samples, using
 * geometric gaps between hits, so their cost tracks the hit rate. Samples are
 * addressed by colour index k; with alpha present, k maps to pixel k/cc and
 * channel k%cc, which keeps alpha out of every computation. */
#include "noise.h"

#include <math.h>
#include <string.h>

static const char *const mode_names[NOISE_MODE_COUNT] = {
    "ps", "addGauss", "mixGauss", "addPic", "mixPic",
};

const char *noise_mode_name(noise_mode_t mode)
{
    return (unsigned)mode < NOISE_MODE_COUNT ? mode_names[mode] : "?";
}

int noise_mode_parse(const char *name, size_t len)
{
    for (int m = 0; m < NOISE_MODE_COUNT; m++)
        if (strlen(mode_names[m]) == len && memcmp(mode_names[m], name, len) == 0)
            return m;
    return -1;
}

int noise_mode_needs_partner(noise_mode_t mode)
{
    return mode == NOISE_ADD_PIC || mode == NOISE_MIX_PIC;
}

static uint32_t sample_get(const image_t *img, size_t i)
{
    return img->bits == 16 ? ((const uint16_t *)img->pixels)[i]
                           : ((const uint8_t *)img->pixels)[i];
}

static void sample_set(image_t *img, size_t i, uint32_t v)
{
    if (img->bits == 16)
        ((uint16_t *)img->pixels)[i] = (uint16_t)v;
    else
        ((uint8_t *)img->pixels)[i] = (uint8_t)v;
}

/* Rounds to nearest and clips to [0, max]. */
static uint32_t round_clip(double v, uint32_t max)
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
static size_t colour_index(const image_t *img, size_t k)
{
    size_t cc = (size_t)image_colour_channels(img);
    if (cc == (size_t)img->channels)
        return k;
    return (k / cc) * (size_t)img->channels + k % cc;
}

void noise_colour_stats(const image_t *img, double *mean, double *std)
{
    size_t n = colour_sample_count(img);
    /* Exact integer sums: 65535^2 * n stays below 2^64 for n < 4.2e9
     * samples, far above what the pixel limit lets through. */
    uint64_t sum = 0, sum_sq = 0;
    for (size_t k = 0; k < n; k++) {
        uint64_t v = sample_get(img, colour_index(img, k));
        sum += v;
        sum_sq += v * v;
    }
    double m = (double)sum / (double)n;
    double var = (double)sum_sq / (double)n - m * m;
    *mean = m;
    *std = var > 0.0 ? sqrt(var) : 0.0;
}

/* Index of the next selected colour sample at or after `from`, or n when
 * there is none. Selection is Bernoulli(rate) per sample, realised as a
 * geometric gap so that each hit costs one draw. */
static size_t next_hit(rng_t *rng, double rate, double log1m_rate,
                       size_t from, size_t n)
{
    if (from >= n || rate <= 0.0)
        return n;
    if (rate >= 1.0)
        return from;
    uint64_t gap = rng_geometric_gap(rng, log1m_rate);
    return gap >= n - from ? n : from + (size_t)gap;
}

void noise_salt_pepper(image_t *img, rng_t *rng, double amount)
{
    uint32_t max = image_max_value(img);
    size_t n = colour_sample_count(img);
    double l = log1p(-amount);
    for (size_t k = next_hit(rng, amount, l, 0, n); k < n;
         k = next_hit(rng, amount, l, k + 1, n)) {
        /* Salt or pepper with equal odds: each is amount/2 overall. */
        uint32_t v = (rng_next(rng) >> 63) ? max : 0;
        sample_set(img, colour_index(img, k), v);
    }
}

void noise_add_gauss(image_t *img, rng_t *rng, double weight)
{
    double mean, std;
    noise_colour_stats(img, &mean, &std);
    uint32_t max = image_max_value(img);
    size_t n = colour_sample_count(img);
    for (size_t k = 0; k < n; k++) {
        size_t i = colour_index(img, k);
        double g = mean + std * rng_normal(rng);
        double x = (double)sample_get(img, i);
        sample_set(img, i, round_clip((1.0 - weight) * x + weight * g, max));
    }
}

void noise_mix_gauss(image_t *img, rng_t *rng, double rate)
{
    double mean, std;
    noise_colour_stats(img, &mean, &std);
    uint32_t max = image_max_value(img);
    size_t n = colour_sample_count(img);
    double l = log1p(-rate);
    for (size_t k = next_hit(rng, rate, l, 0, n); k < n;
         k = next_hit(rng, rate, l, k + 1, n)) {
        double g = mean + std * rng_normal(rng);
        sample_set(img, colour_index(img, k), round_clip(g, max));
    }
}

/* Partner sample that sits under colour sample k of img. */
static uint32_t partner_at(const image_t *partner, size_t k)
{
    /* The fitted partner holds colour channels only, so k indexes it. */
    return sample_get(partner, k);
}

void noise_add_pic(image_t *img, const image_t *partner, double blend)
{
    uint32_t max = image_max_value(img);
    size_t n = colour_sample_count(img);
    for (size_t k = 0; k < n; k++) {
        size_t i = colour_index(img, k);
        double x = (double)sample_get(img, i);
        double p = (double)partner_at(partner, k);
        sample_set(img, i, round_clip((1.0 - blend) * x + blend * p, max));
    }
}

void noise_mix_pic(image_t *img, const image_t *partner, rng_t *rng, double rate)
{
    size_t n = colour_sample_count(img);
    double l = log1p(-rate);
    for (size_t k = next_hit(rng, rate, l, 0, n); k < n;
         k = next_hit(rng, rate, l, k + 1, n))
        sample_set(img, colour_index(img, k), partner_at(partner, k));
}

/* Converts one sample between bit depths with rounding. */
static uint32_t convert_depth(uint32_t v, int from_bits, int to_bits)
{
    if (from_bits == to_bits)
        return v;
    if (to_bits == 16)
        return v * 257u;
    return (v + 128u) / 257u;
}

int noise_fit_partner(const image_t *src, const image_t *img, image_t *out)
{
    int cc_out = image_colour_channels(img);
    int cc_src = image_colour_channels(src);
    if (image_alloc(out, img->width, img->height, cc_out, img->bits) != 0)
        return -1;
    size_t sw = (size_t)src->width, sh = (size_t)src->height;
    size_t dw = (size_t)img->width, dh = (size_t)img->height;
    size_t k = 0;
    for (size_t y = 0; y < dh; y++) {
        /* Centre of output row y, (y + 0.5)·sh/dh, floored, in integers. */
        size_t sy = ((2 * y + 1) * sh) / (2 * dh);
        for (size_t x = 0; x < dw; x++) {
            size_t sx = ((2 * x + 1) * sw) / (2 * dw);
            size_t base = (sy * sw + sx) * (size_t)src->channels;
            uint32_t c[3];
            if (cc_src == 1) {
                c[0] = c[1] = c[2] = sample_get(src, base);
            } else {
                for (int j = 0; j < 3; j++)
                    c[j] = sample_get(src, base + (size_t)j);
            }
            if (cc_out == 1) {
                uint32_t y601 = cc_src == 1 ? c[0]
                    : (uint32_t)((299ull * c[0] + 587ull * c[1] + 114ull * c[2] + 500) / 1000);
                sample_set(out, k++, convert_depth(y601, src->bits, img->bits));
            } else {
                for (int j = 0; j < 3; j++)
                    sample_set(out, k++, convert_depth(c[j], src->bits, img->bits));
            }
        }
    }
    return 0;
}
