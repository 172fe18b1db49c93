/* Unit tests for codec, pngwrite, jpeginfo and image_orient, on the
 * fixtures in data/formats and data/unsupported (run from the repo root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "codec.h"
#include "fileio.h"
#include "jpeginfo.h"
#include "noise.h"
#include "scan.h"
#include "path.h"

typedef struct {
    const char *name;
    int width, height, channels, bits;
} fixture_t;

static const fixture_t fixtures[] = {
    { "anim.gif", 64, 48, 3, 8 },        { "composite.psd", 64, 48, 3, 8 },
    { "exif_1.jpg", 96, 64, 3, 8 },      { "exif_6.jpg", 96, 64, 3, 8 },
    { "grey.jpg", 96, 64, 1, 8 },        { "progressive.jpg", 96, 64, 3, 8 },
    { "grey.tga", 50, 30, 1, 8 },        { "image.tga", 50, 30, 3, 8 },
    { "rgba.tga", 50, 30, 4, 8 },        { "image.bmp", 50, 30, 3, 8 },
    { "rgba.bmp", 50, 30, 4, 8 },        { "grey_alpha.png", 48, 40, 2, 8 },
    { "rgba.png", 72, 72, 4, 8 },        { "palette.png", 64, 48, 3, 8 },
    { "interlaced.png", 61, 47, 3, 8 },  { "grey16.png", 64, 48, 1, 16 },
    { "rgb16.png", 64, 48, 3, 16 },      { "rgba16.png", 40, 30, 4, 16 },
    { "grey_alpha16.png", 40, 30, 2, 16 }, { "one.png", 1, 1, 3, 8 },
    { "wide.png", 4000, 1, 3, 8 },       { "tall.png", 1, 3000, 1, 8 },
    { "pnm_grey.pgm", 40, 30, 1, 8 },    { "pnm_rgb.ppm", 40, 30, 3, 8 },
    { "pnm_grey16.pgm", 40, 30, 1, 16 }, { "pnm_any.pnm", 40, 30, 3, 8 },
};

static int load(const char *dir, const char *name, image_t *img, char *err, size_t errlen)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unsigned char *data;
    size_t len;
    if (fileio_read_all(path, &data, &len, err, errlen) != 0)
        return -1;
    int rc = codec_decode(data, len, img, err, errlen);
    free(data);
    return rc;
}

static uint32_t sample(const image_t *img, size_t i)
{
    return img->bits == 16 ? ((uint16_t *)img->pixels)[i] : ((uint8_t *)img->pixels)[i];
}

static int setup(void **state)
{
    (void)state;
    codec_init();
    return 0;
}

static void fixtures_decode_with_their_shape(void **state)
{
    (void)state;
    for (size_t f = 0; f < sizeof fixtures / sizeof fixtures[0]; f++) {
        image_t img;
        char err[512];
        int rc = load("data/formats", fixtures[f].name, &img, err, sizeof err);
        if (rc != 0)
            fail_msg("%s: %s", fixtures[f].name, err);
        if (img.width != fixtures[f].width || img.height != fixtures[f].height ||
            img.channels != fixtures[f].channels || img.bits != fixtures[f].bits)
            fail_msg("%s: %dx%dx%d %d-bit", fixtures[f].name, img.width, img.height,
                     img.channels, img.bits);
        image_free(&img);
    }
}

/* Each mode on each fixture, encoded in its output format and decoded
 * again: same shape and depth, and alpha byte-identical. Partners of a
 * different shape, depth and channel count exercise the partner fitting. */
static void every_mode_keeps_shape_depth_and_alpha(void **state)
{
    (void)state;
    image_t partner8, partner16;
    char err[512];
    assert_int_equal(load("data/formats", "rgba.png", &partner8, err, sizeof err), 0);
    assert_int_equal(load("data/formats", "grey16.png", &partner16, err, sizeof err), 0);
    for (size_t f = 0; f < sizeof fixtures / sizeof fixtures[0]; f++) {
        for (int m = 0; m < NOISE_MODE_COUNT; m++) {
            image_t img, back;
            assert_int_equal(load("data/formats", fixtures[f].name, &img, err, sizeof err), 0);
            size_t n = image_sample_count(&img), bps = (size_t)img.bits / 8;
            unsigned char *before = malloc(n * bps);
            memcpy(before, img.pixels, n * bps);
            rng_t r;
            rng_seed(&r, (uint64_t)(f * 8 + (size_t)m));
            const image_t *partner = img.bits == 16 ? &partner8 : &partner16;
            assert_int_equal(noise_apply((noise_mode_t)m, &img, partner, &r,
                                         noise_default_strength((noise_mode_t)m)), 0);
            int format = codec_output_format(path_ext(fixtures[f].name));
            codec_buffer_t enc = { 0 };
            if (codec_encode(&img, (codec_format_t)format, 95, &enc, err, sizeof err) != 0)
                fail_msg("%s mode %d: %s", fixtures[f].name, m, err);
            if (codec_decode(enc.data, enc.len, &back, err, sizeof err) != 0)
                fail_msg("%s mode %d: %s", fixtures[f].name, m, err);
#ifndef NOISEAUG_WITH_TURBOJPEG
            /* stb_image_write writes every JPEG with three components, so
             * the pure-stb build gives grey JPEGs back as grey-valued RGB
             * (README, "Formats"). */
            if (format == CODEC_JPEG && img.channels == 1 && back.channels == 3)
                back.channels = 1;
#endif
            if (back.width != img.width || back.height != img.height ||
                back.channels != img.channels || back.bits != img.bits)
                fail_msg("%s mode %d: came back %dx%dx%d %d-bit", fixtures[f].name, m,
                         back.width, back.height, back.channels, back.bits);
            if (img.channels % 2 == 0) {
                size_t c = (size_t)img.channels;
                for (size_t i = c - 1; i < n; i += c) {
                    uint32_t was = img.bits == 16 ? ((uint16_t *)before)[i] : before[i];
                    assert_int_equal(sample(&img, i), was);   /* noise kept it */
                    assert_int_equal(sample(&back, i), was);  /* codec kept it */
                }
            }
            if (format != CODEC_JPEG)  /* lossless formats give back every sample */
                assert_memory_equal(back.pixels, img.pixels, n * bps);
            free(before);
            codec_buffer_free(&enc);
            image_free(&img);
            image_free(&back);
        }
    }
    image_free(&partner8);
    image_free(&partner16);
}

/* Dominant channel (0 R, 1 G, 2 B) at a point given in fractions. */
static int dominant(const image_t *img, double fx, double fy)
{
    size_t x = (size_t)(fx * img->width), y = (size_t)(fy * img->height);
    const uint8_t *p = (const uint8_t *)img->pixels + (y * (size_t)img->width + x) * 3;
    return p[0] > p[1] && p[0] > p[2] ? 0 : p[1] > p[2] ? 1 : 2;
}

static void exif_orientations_come_out_upright(void **state)
{
    (void)state;
    /* The F (see tools/gen_samples.c) spans x 0.30-0.65, y 0.20-0.80: red
     * top bar, green middle bar, blue stem on the left. */
    for (int o = 1; o <= 8; o++) {
        char name[32], err[512];
        snprintf(name, sizeof name, "exif_%d.jpg", o);
        image_t img;
        assert_int_equal(load("data/formats", name, &img, err, sizeof err), 0);
        assert_int_equal(img.width, 96);
        assert_int_equal(img.height, 64);
        if (dominant(&img, 0.55, 0.25) != 0 || dominant(&img, 0.45, 0.50) != 1 ||
            dominant(&img, 0.33, 0.70) != 2 || dominant(&img, 0.62, 0.70) == 2)
            fail_msg("orientation %d is not upright", o);
        image_free(&img);
    }
}

static void unsupported_files_are_refused_in_words(void **state)
{
    (void)state;
    image_t img;
    char err[512];
    assert_int_equal(load("data/unsupported", "cmyk.jpg", &img, err, sizeof err), -1);
    assert_string_equal(err, "unsupported: CMYK JPEG (4 colour components); convert it to RGB first");
    assert_int_equal(load("data/unsupported", "scene.hdr", &img, err, sizeof err), -1);
    assert_true(strncmp(err, "unsupported: Radiance HDR", 25) == 0);
    static const unsigned char junk[] = "this is not an image";
    assert_int_equal(codec_decode(junk, sizeof junk, &img, err, sizeof err), -1);
    assert_string_equal(err, "cannot decode: not a known image format, or corrupt");
    assert_int_equal(codec_decode(junk, 0, &img, err, sizeof err), -1);
    assert_string_equal(err, "cannot decode: empty file");
}

static void pixel_limit_is_checked_before_decoding(void **state)
{
    (void)state;
    image_t img;
    char err[512];
    codec_set_max_pixels(3000);  /* tall.png is 1 x 3000: just allowed */
    assert_int_equal(load("data/formats", "tall.png", &img, err, sizeof err), 0);
    image_free(&img);
    codec_set_max_pixels(2999);
    assert_int_equal(load("data/formats", "tall.png", &img, err, sizeof err), -1);
    assert_string_equal(err, "image too large: 1x3000 is over the limit of 2999 pixels (--max-pixels)");
    assert_int_equal(load("data/formats", "progressive.jpg", &img, err, sizeof err), -1);
    codec_set_max_pixels(CODEC_DEFAULT_MAX_PIXELS);
}

static unsigned char *inflate_free_zlib(const unsigned char *data, size_t len, size_t *out_len)
{
    /* Stored (uncompressed) deflate blocks, so this test does not depend on
     * the codec's compressor: header 78 01, blocks of up to 65535 bytes,
     * Adler-32 trailer. */
    size_t blocks = len / 65535 + 1, cap = 2 + len + 5 * blocks + 4;
    unsigned char *z = malloc(cap), *p = z;
    *p++ = 0x78;
    *p++ = 0x01;
    size_t pos = 0;
    do {
        size_t n = len - pos > 65535 ? 65535 : len - pos;
        *p++ = pos + n == len;
        *p++ = (unsigned char)n;
        *p++ = (unsigned char)(n >> 8);
        *p++ = (unsigned char)~n;
        *p++ = (unsigned char)(~n >> 8);
        memcpy(p, data + pos, n);
        p += n;
        pos += n;
    } while (pos < len);
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < len; i++) {
        a = (a + data[i]) % 65521;
        b = (b + a) % 65521;
    }
    uint32_t adler = b << 16 | a;
    for (int k = 3; k >= 0; k--)
        *p++ = (unsigned char)(adler >> (8 * k));
    *out_len = (size_t)(p - z);
    return z;
}

static void pngwrite_round_trips(void **state)
{
    (void)state;
    /* 16-bit RGBA with every byte pattern, plain and interlaced, and a
     * palette image, each through the writer and back through stb. */
    enum { W = 37, H = 23 };
    uint16_t px[W * H * 4];
    for (size_t i = 0; i < sizeof px / sizeof px[0]; i++)
        px[i] = (uint16_t)(i * 2654435761u >> 7);
    for (int interlace = 0; interlace <= 1; interlace++) {
        pngwrite_image_t in = { W, H, 4, 16, px, NULL, 0, interlace };
        unsigned char *png;
        size_t len;
        assert_int_equal(pngwrite_encode(&in, inflate_free_zlib, &png, &len), 0);
        image_t img;
        char err[512];
        assert_int_equal(codec_decode(png, len, &img, err, sizeof err), 0);
        assert_int_equal(img.bits, 16);
        assert_int_equal(img.channels, 4);
        assert_memory_equal(img.pixels, px, sizeof px);
        image_free(&img);
        free(png);
    }
    uint8_t idx[W * H];
    unsigned char pal[4 * 3] = { 255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9 };
    for (size_t i = 0; i < sizeof idx; i++)
        idx[i] = (uint8_t)(i % 4);
    pngwrite_image_t in = { W, H, 1, 8, idx, pal, 4, 0 };
    unsigned char *png;
    size_t len;
    assert_int_equal(pngwrite_encode(&in, inflate_free_zlib, &png, &len), 0);
    image_t img;
    char err[512];
    assert_int_equal(codec_decode(png, len, &img, err, sizeof err), 0);
    assert_int_equal(img.channels, 3);
    for (size_t i = 0; i < sizeof idx; i++)
        assert_memory_equal((uint8_t *)img.pixels + 3 * i, pal + 3 * idx[i], 3);
    image_free(&img);
    free(png);
    /* The CRC of "IEND" is a constant every PNG ends with. */
    assert_int_equal(pngwrite_crc32(0, (const unsigned char *)"IEND", 4), 0xAE426082u);
}

static void jpeginfo_tolerates_malformed_exif(void **state)
{
    (void)state;
    /* SOI, APP1 Exif with one IFD0 entry (Orientation = v), then SOS. */
    unsigned char j[] = {
        0xFF, 0xD8, 0xFF, 0xE1, 0x00, 34, 'E', 'x', 'i', 'f', 0, 0,
        'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0,
        0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0,
        0xFF, 0xDA,
    };
    assert_int_equal(jpeginfo_orientation(j, sizeof j), 6);
    j[30] = 9;  /* out of range */
    assert_int_equal(jpeginfo_orientation(j, sizeof j), 1);
    j[30] = 6;
    j[12] = 'X';  /* bad byte order mark */
    assert_int_equal(jpeginfo_orientation(j, sizeof j), 1);
    j[12] = 'I';
    j[16] = 200;  /* IFD offset past the segment */
    assert_int_equal(jpeginfo_orientation(j, sizeof j), 1);
    j[16] = 8;
    j[5] = 200;  /* segment longer than the file */
    assert_int_equal(jpeginfo_orientation(j, sizeof j), 1);
    j[5] = 34;
    for (size_t cut = 0; cut < sizeof j; cut++)  /* every truncation */
        assert_true(jpeginfo_orientation(j, cut) >= 1);
    assert_int_equal(jpeginfo_orientation(j, sizeof j), 6);
}

static void orient_matches_hand_computed(void **state)
{
    (void)state;
    /* Stored 3 x 2 grey image:   1 2 3
     *                            4 5 6   and what each orientation shows. */
    static const uint8_t want[9][6] = {
        { 0 }, { 1, 2, 3, 4, 5, 6 }, { 3, 2, 1, 6, 5, 4 }, { 6, 5, 4, 3, 2, 1 },
        { 4, 5, 6, 1, 2, 3 }, { 1, 4, 2, 5, 3, 6 }, { 4, 1, 5, 2, 6, 3 },
        { 6, 3, 5, 2, 4, 1 }, { 3, 6, 2, 5, 1, 4 },
    };
    for (int o = 1; o <= 8; o++) {
        image_t img;
        assert_int_equal(image_alloc(&img, 3, 2, 1, 8), 0);
        for (int i = 0; i < 6; i++)
            ((uint8_t *)img.pixels)[i] = (uint8_t)(i + 1);
        assert_int_equal(image_orient(&img, o), 0);
        assert_int_equal(img.width, o >= 5 ? 2 : 3);
        assert_memory_equal(img.pixels, want[o], 6);
        image_free(&img);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixtures_decode_with_their_shape),
        cmocka_unit_test(every_mode_keeps_shape_depth_and_alpha),
        cmocka_unit_test(exif_orientations_come_out_upright),
        cmocka_unit_test(unsupported_files_are_refused_in_words),
        cmocka_unit_test(pixel_limit_is_checked_before_decoding),
        cmocka_unit_test(pngwrite_round_trips),
        cmocka_unit_test(jpeginfo_tolerates_malformed_exif),
        cmocka_unit_test(orient_matches_hand_computed),
    };
    return cmocka_run_group_tests_name("codec", tests, setup, NULL);
}
