/* Unit tests for the noise functions and the mode table.
 *
 * Statistical checks use a 256x256 image, so n = 196608 colour samples for
 * RGB, and bounds of 4 standard deviations derived from the binomial or
 * normal distribution of the statistic; a correct kernel fails one with
 * probability below 1e-4, and the seeds are fixed, so results repeat.
 * Each runs at both depths: 16-bit images use the 8-bit values times 257
 * (S below), so every mean and standard deviation scales by S. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "noise.h"

enum { SIDE = 256 };

/* A checkerboard of two values: mean (lo+hi)/2, std (hi-lo)/2. Alpha, when
 * present, is a ramp that each test checks is left untouched. */
static image_t checkerboard(int channels, uint32_t lo, uint32_t hi, int bits)
{
    image_t img;
    assert_int_equal(image_alloc(&img, SIDE, SIDE, channels, bits), 0);
    size_t i = 0;
    for (int y = 0; y < SIDE; y++)
        for (int x = 0; x < SIDE; x++)
            for (int c = 0; c < channels; c++, i++) {
                int alpha = channels % 2 == 0 && c == channels - 1;
                uint32_t v = alpha ? (uint32_t)(x + y) % 256 * (bits == 16 ? 257u : 1u)
                                   : ((x + y) % 2 ? hi : lo);
                if (bits == 16)
                    ((uint16_t *)img.pixels)[i] = (uint16_t)v;
                else
                    ((uint8_t *)img.pixels)[i] = (uint8_t)v;
            }
    return img;
}

static uint32_t at(const image_t *img, size_t i)
{
    return img->bits == 16 ? ((const uint16_t *)img->pixels)[i]
                           : ((const uint8_t *)img->pixels)[i];
}

static int is_alpha(const image_t *img, size_t i)
{
    return img->channels % 2 == 0 && i % (size_t)img->channels == (size_t)img->channels - 1;
}

static void assert_alpha_kept(const image_t *before, const image_t *after)
{
    size_t n = image_sample_count(before);
    for (size_t i = 0; i < n; i++)
        if (is_alpha(before, i))
            assert_int_equal(at(before, i), at(after, i));
}

static image_t copy_of(const image_t *img)
{
    image_t c;
    assert_int_equal(image_alloc(&c, img->width, img->height, img->channels, img->bits), 0);
    memcpy(c.pixels, img->pixels, image_sample_count(img) * (size_t)(img->bits / 8));
    return c;
}

/* Binomial proportion bound: 4 sd of k/n around p. */
static double four_sd(double p, double n)
{
    return 4 * sqrt(p * (1 - p) / n);
}

static void colour_stats_skip_alpha(void **state)
{
    (void)state;
    image_t img = checkerboard(4, 100, 160, 8);
    double mean, std;
    noise_colour_stats(&img, &mean, &std);
    assert_true(fabs(mean - 130) < 1e-9);
    assert_true(fabs(std - 30) < 1e-9);
    image_free(&img);
}

/* Runs body for channels 1..4 at 8 and 16 bits, with S the depth scale. */
#define FOR_EACH_SHAPE(channels, bits, S)                                       \
    for (int bits = 8; bits <= 16; bits += 8)                                   \
        for (int channels = 1, S = bits == 16 ? 257 : 1; channels <= 4; channels++)

static void salt_pepper_rate(void **state)
{
    (void)state;
    FOR_EACH_SHAPE(channels, bits, S) {
        image_t img = checkerboard(channels, 100 * S, 160 * S, bits), before = copy_of(&img);
        uint32_t max = bits == 16 ? 65535 : 255;
        rng_t r;
        rng_seed(&r, (uint64_t)(channels + bits));
        assert_int_equal(noise_apply(NOISE_PS, &img, NULL, &r, 0.05), 0);
        size_t n = image_sample_count(&img), colour = 0, salt = 0, pepper = 0;
        for (size_t i = 0; i < n; i++) {
            if (is_alpha(&img, i))
                continue;
            colour++;
            uint32_t v = at(&img, i);
            if (v == max)
                salt++;
            else if (v == 0)
                pepper++;
            else
                assert_int_equal(v, at(&before, i));
        }
        /* Each of salt and pepper is Binomial(colour, 0.025). */
        assert_true(fabs((double)salt / colour - 0.025) < four_sd(0.025, colour));
        assert_true(fabs((double)pepper / colour - 0.025) < four_sd(0.025, colour));
        assert_alpha_kept(&before, &img);
        image_free(&img);
        image_free(&before);
    }
}

static void add_gauss_moments(void **state)
{
    (void)state;
    /* x in {100, 160}·S: mean 130·S, std 30·S; out = 0.9x + 0.1g with
     * g ~ N(130·S, 30·S), so out - 0.9x - 13·S ~ N(0, (3·S)^2) plus rounding
     * (uniform, var 1/12). Clipping cannot happen: 0.9·160 + 13 + 4·3 < 255.
     * Bounds at 4 sd: mean within 4·3·S/sqrt(n); variance (3·S)^2 + 1/12
     * within 4·(3·S)^2·sqrt(2/n). */
    FOR_EACH_SHAPE(channels, bits, S) {
        image_t img = checkerboard(channels, 100 * S, 160 * S, bits), before = copy_of(&img);
        rng_t r;
        rng_seed(&r, 100 + (uint64_t)(channels + bits));
        assert_int_equal(noise_apply(NOISE_ADD_GAUSS, &img, NULL, &r, 0.1), 0);
        size_t n = image_sample_count(&img), colour = 0;
        double sum = 0, sum_sq = 0;
        for (size_t i = 0; i < n; i++) {
            if (is_alpha(&img, i))
                continue;
            colour++;
            double d = (double)at(&img, i) - 0.9 * at(&before, i) - 13.0 * S;
            sum += d;
            sum_sq += d * d;
        }
        double mean = sum / colour, var = sum_sq / colour - mean * mean;
        double sd = 3.0 * S;
        assert_true(fabs(mean) < 4 * sd / sqrt(colour));
        assert_true(fabs(var - (sd * sd + 1.0 / 12)) < 4 * sd * sd * sqrt(2.0 / colour));
        assert_alpha_kept(&before, &img);
        image_free(&img);
        image_free(&before);
    }
}

static void mix_gauss_rate_and_values(void **state)
{
    (void)state;
    /* A sample is replaced with probability 0.05 by round(g), g ~ N(130·S,
     * 30·S). Replacements equal to the old value (P about 0.008/S) go
     * unseen, so the visible rate is 0.05·(1 - 0.008/S), well inside the
     * 4 sd bound. Visible replacements have mean 130·S (the hidden ones sit
     * symmetrically at 130·S +- 30·S) within 4·30·S/sqrt(m), and sd 30·S
     * (removing mass at exactly one sd leaves the variance unchanged)
     * within 4·30·S/sqrt(2m). */
    FOR_EACH_SHAPE(channels, bits, S) {
        image_t img = checkerboard(channels, 100 * S, 160 * S, bits), before = copy_of(&img);
        rng_t r;
        rng_seed(&r, 200 + (uint64_t)(channels + bits));
        assert_int_equal(noise_apply(NOISE_MIX_GAUSS, &img, NULL, &r, 0.05), 0);
        size_t n = image_sample_count(&img), colour = 0, changed = 0;
        double sum = 0, sum_sq = 0;
        for (size_t i = 0; i < n; i++) {
            if (is_alpha(&img, i))
                continue;
            colour++;
            if (at(&img, i) != at(&before, i)) {
                changed++;
                sum += at(&img, i);
                sum_sq += (double)at(&img, i) * at(&img, i);
            }
        }
        double rate = (double)changed / colour;
        assert_true(fabs(rate - 0.05) < four_sd(0.05, colour));
        double mean = sum / changed, sd = sqrt(sum_sq / changed - mean * mean);
        assert_true(fabs(mean - 130.0 * S) < 4 * 30.0 * S / sqrt(changed));
        assert_true(fabs(sd - 30.0 * S) < 4 * 30.0 * S / sqrt(2.0 * changed));
        assert_alpha_kept(&before, &img);
        image_free(&img);
        image_free(&before);
    }
}

static image_t constant(int w, int h, int channels, int bits, uint32_t v)
{
    image_t img;
    assert_int_equal(image_alloc(&img, w, h, channels, bits), 0);
    size_t n = image_sample_count(&img);
    for (size_t i = 0; i < n; i++) {
        if (bits == 16)
            ((uint16_t *)img.pixels)[i] = (uint16_t)v;
        else
            ((uint8_t *)img.pixels)[i] = (uint8_t)v;
    }
    return img;
}

static void add_pic_is_rounded_blend(void **state)
{
    (void)state;
    /* Every pair (x, p) of 8-bit values: |out - (0.9x + 0.1p)| <= 1/2. */
    image_t img, partner;
    assert_int_equal(image_alloc(&img, 256, 256, 1, 8), 0);
    assert_int_equal(image_alloc(&partner, 256, 256, 1, 8), 0);
    for (int x = 0; x < 256; x++)
        for (int p = 0; p < 256; p++) {
            ((uint8_t *)img.pixels)[x * 256 + p] = (uint8_t)x;
            ((uint8_t *)partner.pixels)[x * 256 + p] = (uint8_t)p;
        }
    /* addPic draws no random numbers, so it needs no stream. */
    assert_int_equal(noise_apply(NOISE_ADD_PIC, &img, &partner, NULL, 0.1), 0);
    for (int x = 0; x < 256; x++)
        for (int p = 0; p < 256; p++) {
            double want = 0.9 * x + 0.1 * p;
            assert_true(fabs(((uint8_t *)img.pixels)[x * 256 + p] - want) <= 0.5 + 1e-9);
        }
    image_free(&img);
    image_free(&partner);
}

static void add_pic_is_rounded_blend_16(void **state)
{
    (void)state;
    /* 16-bit pairs on a coarse grid: |out - (0.9x + 0.1p)| <= 1/2 plus the
     * fixed-point error, at most 65535·2^-31 with 32 fraction bits. */
    enum { STEPS = 256 };
    image_t img, partner;
    assert_int_equal(image_alloc(&img, STEPS, STEPS, 1, 16), 0);
    assert_int_equal(image_alloc(&partner, STEPS, STEPS, 1, 16), 0);
    for (int a = 0; a < STEPS; a++)
        for (int b = 0; b < STEPS; b++) {
            ((uint16_t *)img.pixels)[a * STEPS + b] = (uint16_t)(a * 257 + b % 7);
            ((uint16_t *)partner.pixels)[a * STEPS + b] = (uint16_t)(b * 257 + a % 5);
        }
    image_t before = copy_of(&img);
    assert_int_equal(noise_apply(NOISE_ADD_PIC, &img, &partner, NULL, 0.1), 0);
    for (size_t i = 0; i < STEPS * STEPS; i++) {
        double want = 0.9 * at(&before, i) + 0.1 * at(&partner, i);
        assert_true(fabs(at(&img, i) - want) <= 0.5 + 65535.0 / 2147483648.0);
    }
    image_free(&img);
    image_free(&partner);
    image_free(&before);
}

static void add_pic_keeps_alpha(void **state)
{
    (void)state;
    image_t img = checkerboard(4, 100, 160, 8), before = copy_of(&img);
    image_t partner = constant(SIDE, SIDE, 3, 8, 0);
    assert_int_equal(noise_apply(NOISE_ADD_PIC, &img, &partner, NULL, 0.1), 0);
    for (size_t i = 0; i < image_sample_count(&img); i++)
        if (!is_alpha(&img, i))
            assert_int_equal(at(&img, i), at(&before, i) == 100 ? 90 : 144);
    assert_alpha_kept(&before, &img);
    image_free(&img);
    image_free(&before);
    image_free(&partner);
}

static void mix_pic_rate_and_source(void **state)
{
    (void)state;
    FOR_EACH_SHAPE(channels, bits, S) {
        image_t img = checkerboard(channels, 100 * S, 160 * S, bits), before = copy_of(&img);
        int cc = channels - (channels % 2 == 0);
        image_t partner = constant(SIDE, SIDE, cc, bits, 7u * (uint32_t)S);
        rng_t r;
        rng_seed(&r, 300 + (uint64_t)(channels + bits));
        assert_int_equal(noise_apply(NOISE_MIX_PIC, &img, &partner, &r, 0.05), 0);
        size_t n = image_sample_count(&img), colour = 0, changed = 0;
        for (size_t i = 0; i < n; i++) {
            if (is_alpha(&img, i))
                continue;
            colour++;
            if (at(&img, i) != at(&before, i)) {
                assert_int_equal(at(&img, i), 7 * S);
                changed++;
            }
        }
        assert_true(fabs((double)changed / colour - 0.05) < four_sd(0.05, colour));
        assert_alpha_kept(&before, &img);
        image_free(&img);
        image_free(&before);
        image_free(&partner);
    }
}

static void same_stream_same_result(void **state)
{
    (void)state;
    image_t a = checkerboard(3, 10, 200, 8), b = checkerboard(3, 10, 200, 8);
    rng_t ra, rb;
    rng_seed(&ra, 9);
    rng_seed(&rb, 9);
    assert_int_equal(noise_apply(NOISE_ADD_GAUSS, &a, NULL, &ra, 0.1), 0);
    assert_int_equal(noise_apply(NOISE_ADD_GAUSS, &b, NULL, &rb, 0.1), 0);
    assert_memory_equal(a.pixels, b.pixels, image_sample_count(&a));
    image_free(&a);
    image_free(&b);
}

static void fit_partner_upscale_nearest(void **state)
{
    (void)state;
    /* 2x2 grey -> 4x4: output pixel centres (x+0.5)*2/4 map 0,1->0 and 2,3->1. */
    image_t src, target = constant(4, 4, 1, 8, 0), out;
    assert_int_equal(image_alloc(&src, 2, 2, 1, 8), 0);
    uint8_t s[] = { 10, 20, 30, 40 };
    memcpy(src.pixels, s, 4);
    assert_int_equal(noise_fit_partner(&src, &target, &out), 0);
    uint8_t want[] = { 10, 10, 20, 20, 10, 10, 20, 20, 30, 30, 40, 40, 30, 30, 40, 40 };
    assert_memory_equal(out.pixels, want, 16);
    image_free(&src);
    image_free(&target);
    image_free(&out);
}

static void fit_partner_downscale_nearest(void **state)
{
    (void)state;
    /* 4x4 -> 2x2: centres (x+0.5)*4/2 = 1, 3, so pixels (1,1) (3,1) (1,3) (3,3).
     * 3x3 -> 2x2: centres 0.75, 2.25 floor to 0 and 2. */
    image_t src, target = constant(2, 2, 1, 8, 0), out;
    assert_int_equal(image_alloc(&src, 4, 4, 1, 8), 0);
    for (int i = 0; i < 16; i++)
        ((uint8_t *)src.pixels)[i] = (uint8_t)i;
    assert_int_equal(noise_fit_partner(&src, &target, &out), 0);
    uint8_t want[] = { 5, 7, 13, 15 };
    assert_memory_equal(out.pixels, want, 4);
    image_free(&out);
    image_free(&src);
    assert_int_equal(image_alloc(&src, 3, 3, 1, 8), 0);
    for (int i = 0; i < 9; i++)
        ((uint8_t *)src.pixels)[i] = (uint8_t)i;
    assert_int_equal(noise_fit_partner(&src, &target, &out), 0);
    uint8_t want3[] = { 0, 2, 6, 8 };
    assert_memory_equal(out.pixels, want3, 4);
    image_free(&src);
    image_free(&target);
    image_free(&out);
}

static void fit_partner_channels_and_depth(void **state)
{
    (void)state;
    /* Grey partner on an RGBA image: replicated into 3 colour channels. */
    image_t grey = constant(1, 1, 1, 8, 77), rgba = constant(1, 1, 4, 8, 0), out;
    assert_int_equal(noise_fit_partner(&grey, &rgba, &out), 0);
    assert_int_equal(out.channels, 3);
    uint8_t want[] = { 77, 77, 77 };
    assert_memory_equal(out.pixels, want, 3);
    image_free(&out);
    /* RGBA partner on a grey image: Rec. 601 luma, alpha ignored.
     * 0.299*200 + 0.587*100 + 0.114*50 = 124.2 -> 124. */
    uint8_t px[] = { 200, 100, 50, 0 };
    memcpy(rgba.pixels, px, 4);
    image_t g1 = constant(1, 1, 1, 8, 0);
    assert_int_equal(noise_fit_partner(&rgba, &g1, &out), 0);
    assert_int_equal(out.channels, 1);
    assert_int_equal(((uint8_t *)out.pixels)[0], 124);
    image_free(&out);
    /* 8 -> 16 bits by x257, 16 -> 8 bits by /257 rounded. */
    image_t g16 = constant(1, 1, 1, 16, 0);
    assert_int_equal(noise_fit_partner(&grey, &g16, &out), 0);
    assert_int_equal(((uint16_t *)out.pixels)[0], 77 * 257);
    image_free(&out);
    image_t src16 = constant(1, 1, 1, 16, 1000);  /* 1000/257 = 3.89 -> 4 */
    assert_int_equal(noise_fit_partner(&src16, &g1, &out), 0);
    assert_int_equal(((uint8_t *)out.pixels)[0], 4);
    image_free(&out);
    image_free(&grey);
    image_free(&rgba);
    image_free(&g1);
    image_free(&g16);
    image_free(&src16);
}

static void mode_names_round_trip(void **state)
{
    (void)state;
    for (int m = 0; m < NOISE_MODE_COUNT; m++) {
        const char *name = noise_mode_name((noise_mode_t)m);
        assert_string_equal(name, noise_mode_info((noise_mode_t)m)->name);
        assert_int_equal(noise_mode_parse(name, strlen(name)), m);
    }
    assert_string_equal(noise_mode_name(NOISE_PS), "ps");
    assert_string_equal(noise_mode_name(NOISE_ADD_GAUSS), "addGauss");
    assert_string_equal(noise_mode_name(NOISE_MIX_GAUSS), "mixGauss");
    assert_string_equal(noise_mode_name(NOISE_ADD_PIC), "addPic");
    assert_string_equal(noise_mode_name(NOISE_MIX_PIC), "mixPic");
    assert_string_equal(noise_mode_name(NOISE_NONE), "none");
    assert_int_equal(noise_mode_parse("addgauss", 8), -1);
    assert_int_equal(noise_mode_parse("ps", 1), -1);
    assert_int_equal(noise_mode_parse("none", 4), -1);  /* not one of the five */
}

/* Every entry is complete, and each strength has its default inside its
 * range, which lies in the [0, 1] that cli's range parser allows. */
static void mode_table_is_complete(void **state)
{
    (void)state;
    for (int m = 0; m < NOISE_MODE_COUNT; m++) {
        const noise_mode_info_t *info = noise_mode_info((noise_mode_t)m);
        assert_non_null(info);
        assert_non_null(info->name);
        assert_non_null(info->apply);
        assert_non_null(info->strength.name);
        assert_non_null(info->strength.option);
        assert_true(0.0 <= info->strength.lo && info->strength.lo <= info->strength.def);
        assert_true(info->strength.def <= info->strength.hi && info->strength.hi <= 1.0);
        assert_true(noise_default_strength((noise_mode_t)m) == info->strength.def);
    }
    const noise_mode_info_t *none = noise_mode_info(NOISE_NONE);
    assert_non_null(none);
    assert_non_null(none->apply);
    assert_null(none->strength.option);
    assert_true(noise_default_strength(NOISE_NONE) == 0.0);
    assert_null(noise_mode_info((noise_mode_t)(NOISE_NONE + 1)));
    assert_string_equal(noise_mode_name((noise_mode_t)(NOISE_NONE + 1)), "?");
}

/* The defaults and options of the competition script, as --help says. */
static void mode_defaults_and_options(void **state)
{
    (void)state;
    static const struct {
        noise_mode_t mode;
        double def;
        const char *option;
    } want[] = {
        { NOISE_PS, 0.05, "ps-amount" },    { NOISE_ADD_GAUSS, 0.1, "gauss-weight" },
        { NOISE_MIX_GAUSS, 0.05, "mix-rate" }, { NOISE_ADD_PIC, 0.1, "blend" },
        { NOISE_MIX_PIC, 0.05, "mix-rate" },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_true(noise_default_strength(want[i].mode) == want[i].def);
        assert_string_equal(noise_mode_info(want[i].mode)->strength.option, want[i].option);
    }
}

static void partner_only_for_pic_modes(void **state)
{
    (void)state;
    for (int m = 0; m <= NOISE_NONE; m++) {
        int pic = m == NOISE_ADD_PIC || m == NOISE_MIX_PIC;
        assert_int_equal(noise_mode_needs_partner((noise_mode_t)m), pic);
        assert_int_equal(noise_mode_info((noise_mode_t)m)->needs_partner, pic);
    }
}

/* NOISE_NONE goes through the same dispatch as the others and changes
 * neither the pixels nor the random stream. */
static void apply_none_changes_nothing(void **state)
{
    (void)state;
    FOR_EACH_SHAPE(channels, bits, S) {
        image_t img = checkerboard(channels, 100 * S, 160 * S, bits), before = copy_of(&img);
        rng_t r, r0;
        rng_seed(&r, 400);
        r0 = r;
        assert_int_equal(noise_apply(NOISE_NONE, &img, NULL, &r, 0.5), 0);
        assert_memory_equal(img.pixels, before.pixels,
                            image_sample_count(&img) * (size_t)(bits / 8));
        assert_memory_equal(&r, &r0, sizeof r);
        image_free(&img);
        image_free(&before);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(colour_stats_skip_alpha),
        cmocka_unit_test(salt_pepper_rate),
        cmocka_unit_test(add_gauss_moments),
        cmocka_unit_test(mix_gauss_rate_and_values),
        cmocka_unit_test(add_pic_is_rounded_blend),
        cmocka_unit_test(add_pic_is_rounded_blend_16),
        cmocka_unit_test(add_pic_keeps_alpha),
        cmocka_unit_test(mix_pic_rate_and_source),
        cmocka_unit_test(same_stream_same_result),
        cmocka_unit_test(fit_partner_upscale_nearest),
        cmocka_unit_test(fit_partner_downscale_nearest),
        cmocka_unit_test(fit_partner_channels_and_depth),
        cmocka_unit_test(mode_names_round_trip),
        cmocka_unit_test(mode_table_is_complete),
        cmocka_unit_test(mode_defaults_and_options),
        cmocka_unit_test(partner_only_for_pic_modes),
        cmocka_unit_test(apply_none_changes_nothing),
    };
    return cmocka_run_group_tests_name("noise", tests, NULL, NULL);
}
