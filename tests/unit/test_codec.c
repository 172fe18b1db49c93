/* Unit tests for codec, its format table, pngwrite, the fixture encoders,
 * jpeginfo and image_orient, on the fixtures in data/formats and
 * data/unsupported (run from the repo root). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "codec.h"
#include "fileio.h"
#include "jpeginfo.h"
#include "noise.h"
#include "pngwrite.h"
#include "scan.h"
#include "path.h"
/* Linked into this test only (see the Makefile): not part of noiseaug. */
#include "../../tools/fixture_encoders.h"

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

/* Decodes with the default pixel limit. */
static int decode(const unsigned char *data, size_t len, image_t *img, char *err, size_t errlen)
{
    return codec_decode(data, len, CODEC_DEFAULT_MAX_PIXELS, img, err, errlen);
}

static int load_limited(const char *dir, const char *name, uint64_t max_pixels, image_t *img,
                        char *err, size_t errlen)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unsigned char *data;
    size_t len;
    if (fileio_read_all(path, &data, &len, err, errlen) != 0)
        return -1;
    int rc = codec_decode(data, len, max_pixels, img, err, errlen);
    free(data);
    return rc;
}

static int load(const char *dir, const char *name, image_t *img, char *err, size_t errlen)
{
    return load_limited(dir, name, CODEC_DEFAULT_MAX_PIXELS, img, err, errlen);
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
            if (decode(enc.data, enc.len, &back, err, sizeof err) != 0)
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
    assert_int_equal(decode(junk, sizeof junk, &img, err, sizeof err), -1);
    assert_string_equal(err, "cannot decode: not a known image format, or corrupt");
    assert_int_equal(decode(junk, 0, &img, err, sizeof err), -1);
    assert_string_equal(err, "cannot decode: empty file");
}

static void pixel_limit_is_checked_before_decoding(void **state)
{
    (void)state;
    image_t img;
    char err[512];
    /* tall.png is 1 x 3000: just allowed */
    assert_int_equal(load_limited("data/formats", "tall.png", 3000, &img, err, sizeof err), 0);
    image_free(&img);
    assert_int_equal(load_limited("data/formats", "tall.png", 2999, &img, err, sizeof err), -1);
    assert_string_equal(err, "image too large: 1x3000 is over the limit of 2999 pixels (--max-pixels)");
    assert_int_equal(load_limited("data/formats", "progressive.jpg", 2999, &img, err,
                                  sizeof err), -1);
    /* The limit is the caller's, not left behind for the next decode. */
    assert_int_equal(load("data/formats", "tall.png", &img, err, sizeof err), 0);
    image_free(&img);
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
    /* 16-bit samples of every byte pattern and of each channel count,
     * through the writer and back through stb. */
    enum { W = 37, H = 23 };
    uint16_t px[W * H * 4];
    for (size_t i = 0; i < sizeof px / sizeof px[0]; i++)
        px[i] = (uint16_t)(i * 2654435761u >> 7);
    for (int c = 1; c <= 4; c++) {
        pngwrite_image_t in = { W, H, c, px };
        unsigned char *png;
        size_t len;
        assert_int_equal(pngwrite_encode(&in, inflate_free_zlib, &png, &len), 0);
        image_t img;
        char err[512];
        assert_int_equal(decode(png, len, &img, err, sizeof err), 0);
        assert_int_equal(img.bits, 16);
        assert_int_equal(img.channels, c);
        assert_memory_equal(img.pixels, px, (size_t)W * H * (size_t)c * 2);
        image_free(&img);
        free(png);
    }
    pngwrite_image_t bad = { W, H, 5, px };
    unsigned char *png;
    size_t len;
    assert_int_equal(pngwrite_encode(&bad, inflate_free_zlib, &png, &len), -1);
    /* The CRC of "IEND" is a constant every PNG ends with. */
    assert_int_equal(pngwrite_crc32(0, (const unsigned char *)"IEND", 4), 0xAE426082u);
}

/* The fixture-only PNG kinds (tools/fixture_encoders.c): plain and
 * interlaced RGBA, and a palette image, read back by the codec. */
static void fixture_pngs_round_trip(void **state)
{
    (void)state;
    enum { W = 37, H = 23 };
    uint8_t px[W * H * 4];
    for (size_t i = 0; i < sizeof px; i++)
        px[i] = (uint8_t)(i * 2654435761u >> 13);
    image_t img;
    char err[512];
    unsigned char *png;
    size_t len;
    for (int interlace = 0; interlace <= 1; interlace++) {
        fixture_png_t in = { W, H, 4, px, NULL, 0, interlace };
        assert_int_equal(fixture_encode_png(&in, inflate_free_zlib, &png, &len), 0);
        assert_int_equal(png[28], interlace);  /* IHDR's interlace method */
        assert_int_equal(decode(png, len, &img, err, sizeof err), 0);
        assert_int_equal(img.bits, 8);
        assert_int_equal(img.channels, 4);
        assert_memory_equal(img.pixels, px, sizeof px);
        image_free(&img);
        free(png);
    }
    uint8_t idx[W * H];
    unsigned char pal[4 * 3] = { 255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9 };
    for (size_t i = 0; i < sizeof idx; i++)
        idx[i] = (uint8_t)(i % 4);
    fixture_png_t in = { W, H, 1, idx, pal, 4, 0 };
    assert_int_equal(fixture_encode_png(&in, inflate_free_zlib, &png, &len), 0);
    assert_int_equal(decode(png, len, &img, err, sizeof err), 0);
    assert_int_equal(img.channels, 3);
    for (size_t i = 0; i < sizeof idx; i++)
        assert_memory_equal((uint8_t *)img.pixels + 3 * i, pal + 3 * idx[i], 3);
    image_free(&img);
    free(png);
}

/* The fixture-only JPEG kinds: a progressive one reads back as the image
 * it was made from (within JPEG's loss), a CMYK one is refused in words. */
static void fixture_jpegs(void **state)
{
    (void)state;
    image_t rgb, cmyk;
    char err[512];
    assert_int_equal(image_alloc(&rgb, 24, 16, 3, 8), 0);
    assert_int_equal(image_alloc(&cmyk, 24, 16, 4, 8), 0);
    for (size_t i = 0; i < image_sample_count(&rgb); i++)  /* smooth ramps */
        ((uint8_t *)rgb.pixels)[i] = (uint8_t)(40 + 4 * (i / 3 % 24) + 5 * (i / 72) + 30 * (i % 3));
    memset(cmyk.pixels, 40, image_sample_count(&cmyk));
    codec_buffer_t p = { 0 }, c = { 0 };
    int rp = fixture_encode_jpeg(&rgb, 95, FIXTURE_JPEG_PROGRESSIVE, &p, err, sizeof err);
    int rc = fixture_encode_jpeg(&cmyk, 95, FIXTURE_JPEG_CMYK, &c, err, sizeof err);
#ifdef NOISEAUG_WITH_TURBOJPEG
    image_t back;
    assert_int_equal(rp, 0);
    assert_int_equal(rc, 0);
    assert_int_equal(decode(p.data, p.len, &back, err, sizeof err), 0);
    assert_int_equal(back.channels, 3);
    for (size_t i = 0; i < image_sample_count(&rgb); i++) {
        int d = ((uint8_t *)back.pixels)[i] - ((uint8_t *)rgb.pixels)[i];
        assert_true(d >= -24 && d <= 24);
    }
    image_free(&back);
    assert_int_equal(decode(c.data, c.len, &back, err, sizeof err), -1);
    assert_string_equal(err, "unsupported: CMYK JPEG (4 colour components); convert it to RGB first");
    /* CMYK takes 4 channels, progressive 1 or 3. */
    assert_int_equal(fixture_encode_jpeg(&rgb, 95, FIXTURE_JPEG_CMYK, &c, err, sizeof err), -1);
    assert_int_equal(fixture_encode_jpeg(&cmyk, 95, FIXTURE_JPEG_PROGRESSIVE, &c, err,
                                         sizeof err), -1);
#else
    assert_int_equal(rp, -1);
    assert_int_equal(rc, -1);
    assert_string_equal(err, "cannot encode: JPEG variants need the libjpeg-turbo build");
#endif
    codec_buffer_free(&p);
    codec_buffer_free(&c);
    image_free(&rgb);
    image_free(&cmyk);
}

/* --- the format table ------------------------------------------------------ */

/* The extensions noiseaug takes as inputs, and the format each is written
 * in: the behaviour the table must keep. */
static const struct { const char *ext; int format, output; } inputs[] = {
    { "jpg", CODEC_JPEG, CODEC_JPEG }, { "jpeg", CODEC_JPEG, CODEC_JPEG },
    { "png", CODEC_PNG, CODEC_PNG },   { "bmp", CODEC_BMP, CODEC_BMP },
    { "tga", CODEC_TGA, CODEC_TGA },   { "gif", CODEC_GIF, CODEC_PNG },
    { "psd", CODEC_PSD, CODEC_PNG },   { "pic", CODEC_PIC, CODEC_PNG },
    { "pnm", CODEC_PNM, CODEC_PNG },   { "ppm", CODEC_PNM, CODEC_PNG },
    { "pgm", CODEC_PNM, CODEC_PNG },   { "hdr", CODEC_HDR, CODEC_PNG },
    { "jfif", CODEC_JPEG, CODEC_JPEG }, { "jpe", CODEC_JPEG, CODEC_JPEG },
#ifdef NOISEAUG_WITH_LIBWEBP
    { "webp", CODEC_WEBP, CODEC_WEBP }, { "tif", CODEC_TIFF, CODEC_TIFF },
    { "tiff", CODEC_TIFF, CODEC_TIFF }, { "heic", CODEC_HEIF, CODEC_PNG },
    { "heif", CODEC_HEIF, CODEC_PNG },  { "avif", CODEC_AVIF, CODEC_PNG },
#endif
};

static void every_input_extension_maps_to_its_format(void **state)
{
    (void)state;
    size_t listed = 0;
    for (int f = 0; f < CODEC_FORMAT_COUNT; f++) {
        const codec_format_info_t *info = codec_format_info(f);
        assert_non_null(info);
        assert_non_null(info->name);
        assert_non_null(info->exts[0]);
        for (const char *const *e = info->exts; *e != NULL; e++) {
            char upper[16];
            size_t i = 0;
            for (; (*e)[i] != '\0' && i + 1 < sizeof upper; i++)
                upper[i] = (char)((*e)[i] - ((*e)[i] >= 'a' && (*e)[i] <= 'z' ? 32 : 0));
            upper[i] = '\0';
            assert_int_equal(codec_format_of_ext(*e), f);
            assert_int_equal(codec_format_of_ext(upper), f);  /* any case */
            assert_int_equal(codec_can_read_ext(*e), info->read != CODEC_READ_NO);
            assert_int_equal(codec_output_format(*e), info->output);
            listed += info->read != CODEC_READ_NO;
        }
        /* Read formats are written somewhere, in a format that is written. */
        if (info->read != CODEC_READ_NO) {
            assert_non_null(codec_format_info(info->output));
            assert_true(codec_format_info(info->output)->write);
        } else {
            assert_int_equal(info->output, -1);
        }
    }
    /* Exactly the inputs of the list above, each as it says. */
    assert_int_equal(listed, sizeof inputs / sizeof inputs[0]);
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        assert_int_equal(codec_format_of_ext(inputs[i].ext), inputs[i].format);
        assert_true(codec_can_read_ext(inputs[i].ext));
        assert_int_equal(codec_output_format(inputs[i].ext), inputs[i].output);
    }
    assert_int_equal(codec_format_of_ext(""), -1);
    assert_int_equal(codec_format_of_ext("txt"), -1);
    assert_false(codec_can_read_ext("txt"));
    assert_int_equal(codec_output_format("txt"), -1);
    assert_null(codec_format_info(-1));
    assert_null(codec_format_info(CODEC_FORMAT_COUNT));
}

static void formats_named_but_not_read(void **state)
{
    (void)state;
    static const struct { const char *ext, *name; } named[] = {
#ifndef NOISEAUG_WITH_LIBWEBP
        { "webp", "WebP" }, { "tif", "TIFF" }, { "tiff", "TIFF" }, { "heic", "HEIF" },
        { "heif", "HEIF" }, { "avif", "AVIF" },
#endif
        { "jxl", "JPEG XL" },
        { "jp2", "JPEG 2000" }, { "j2k", "JPEG 2000" }, { "ico", "ICO" }, { "svg", "SVG" },
        { "dng", "camera raw" }, { "cr2", "camera raw" }, { "nef", "camera raw" },
        { "arw", "camera raw" },
    };
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        int f = codec_format_of_ext(named[i].ext);
        assert_true(f >= 0);
        assert_string_equal(codec_format_info(f)->name, named[i].name);
        assert_int_equal(codec_format_info(f)->read, CODEC_READ_NO);
        assert_false(codec_format_info(f)->write);
        assert_false(codec_can_read_ext(named[i].ext));
    }
    assert_string_equal(scan_unread_format("JXL"), "JPEG XL");
    assert_null(scan_unread_format("png"));
    assert_null(scan_unread_format("hdr"));  /* an input, refused by content */
    assert_int_equal(codec_format_info(CODEC_HDR)->read, CODEC_READ_REFUSED);
}

/* The default build reads and writes WebP and TIFF and reads HEIF and
 * AVIF, written as PNG; .jfif and .jpe are JPEG in both builds. */
static void library_formats_by_build(void **state)
{
    (void)state;
    assert_int_equal(codec_format_of_ext("JFIF"), CODEC_JPEG);
    assert_int_equal(codec_format_of_ext("jpe"), CODEC_JPEG);
    assert_int_equal(codec_output_format("jfif"), CODEC_JPEG);
#ifdef NOISEAUG_WITH_LIBWEBP
    assert_int_equal(codec_output_format("webp"), CODEC_WEBP);
    assert_int_equal(codec_output_format("tiff"), CODEC_TIFF);
    assert_int_equal(codec_output_format("heic"), CODEC_PNG);
    assert_int_equal(codec_output_format("avif"), CODEC_PNG);
    assert_true(codec_format_info(CODEC_TIFF)->write);
    assert_int_equal(codec_format_info(CODEC_TIFF)->max_bits, 16);
    assert_int_equal(codec_format_info(CODEC_WEBP)->max_bits, 8);
    assert_null(scan_unread_format("webp"));
#else
    assert_string_equal(scan_unread_format("WEBP"), "WebP");
    assert_string_equal(scan_unread_format("tif"), "TIFF");
#endif
}

/* The file's format by its signature must be the one its extension names. */
static void sniff_dir(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int seen = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[512], err[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unsigned char *data;
        size_t len;
        if (fileio_read_all(path, &data, &len, err, sizeof err) != 0)
            fail_msg("%s: %s", path, err);
        int want = codec_format_of_ext(path_ext(e->d_name)), got = codec_sniff(data, len);
        if (got != want)
            fail_msg("%s sniffs as %s, not %s", path,
                     got >= 0 ? codec_format_info(got)->name : "nothing",
                     codec_format_info(want)->name);
        free(data);
        seen++;
    }
    closedir(d);
    assert_true(seen > 0);
}

static void signatures_recognise_every_fixture(void **state)
{
    (void)state;
    sniff_dir("data/formats");
    sniff_dir("data/unsupported");
    sniff_dir("data/images");
    static const unsigned char junk[] = "this is not an image";
    assert_int_equal(codec_sniff(junk, sizeof junk), -1);
    assert_int_equal(codec_sniff(junk, 0), -1);
    /* Signatures that reach past the data do not match. */
    assert_int_equal(codec_sniff((const unsigned char *)"\x89PNG", 4), -1);
    assert_int_equal(codec_sniff((const unsigned char *)"RIFF\0\0\0\0WEBP", 12), -1);
}

static void written_formats_extensions_depths_and_alpha(void **state)
{
    (void)state;
    static const struct { int format; const char *ext; int bits, alpha; } written[] = {
        { CODEC_JPEG, "jpg", 8, 0 }, { CODEC_PNG, "png", 16, 1 },
        { CODEC_BMP, "bmp", 8, 1 },  { CODEC_TGA, "tga", 8, 1 },
#ifdef NOISEAUG_WITH_LIBWEBP
        { CODEC_WEBP, "webp", 8, 1 }, { CODEC_TIFF, "tif", 16, 1 },
#endif
    };
    int count = 0;
    for (int f = 0; f < CODEC_FORMAT_COUNT; f++)
        count += codec_format_info(f)->write;
    assert_int_equal(count, (int)(sizeof written / sizeof written[0]));
    for (size_t i = 0; i < sizeof written / sizeof written[0]; i++) {
        int f = written[i].format;
        const codec_format_info_t *info = codec_format_info(f);
        assert_true(info->write);
        assert_int_equal(info->output, f);
        assert_string_equal(codec_format_ext(f), written[i].ext);
        assert_int_equal(info->max_bits, written[i].bits);
        assert_int_equal(info->alpha, written[i].alpha);
        /* What the table says is what the encoder does: RGBA at the
         * deepest depth comes back with alpha exactly when it keeps it,
         * and deeper samples are refused. */
        for (int bits = 8; bits <= 16; bits += 8) {
            image_t img, back;
            assert_int_equal(image_alloc(&img, 9, 7, 4, bits), 0);
            memset(img.pixels, 0x5A, image_sample_count(&img) * (size_t)(bits / 8));
            codec_buffer_t enc = { 0 };
            char err[512];
            int rc = codec_encode(&img, (codec_format_t)f, 90, &enc, err, sizeof err);
            image_free(&img);
            if (bits > info->max_bits) {
                assert_int_equal(rc, -1);
                assert_string_equal(err, "cannot encode: 16-bit samples need PNG or TIFF");
                continue;
            }
            assert_int_equal(rc, 0);
            assert_int_equal(decode(enc.data, enc.len, &back, err, sizeof err), 0);
            assert_int_equal(back.channels == 4 || back.channels == 2, info->alpha);
            assert_int_equal(back.bits, bits);
            image_free(&back);
            codec_buffer_free(&enc);
        }
    }
    /* Inputs are written with their output format's extension. */
    assert_string_equal(codec_format_ext(codec_output_format("gif")), "png");
    assert_string_equal(codec_format_ext(codec_output_format("JPEG")), "jpg");
}

/* No fixture decodes deeper, or with more alpha, than its format's row
 * says. */
static void fixtures_fit_their_formats_depth_and_alpha(void **state)
{
    (void)state;
    int deepest[CODEC_FORMAT_COUNT] = { 0 };
    for (size_t f = 0; f < sizeof fixtures / sizeof fixtures[0]; f++) {
        int format = codec_format_of_ext(path_ext(fixtures[f].name));
        const codec_format_info_t *info = codec_format_info(format);
        assert_non_null(info);
        assert_true(fixtures[f].bits <= info->max_bits);
        assert_true(fixtures[f].channels % 2 != 0 || info->alpha);
        if (fixtures[f].bits > deepest[format])
            deepest[format] = fixtures[f].bits;
    }
    /* The 16-bit formats have 16-bit fixtures. */
    assert_int_equal(deepest[CODEC_PNG], 16);
    assert_int_equal(deepest[CODEC_PNM], 16);
    /* PSD has none in data/formats: a 2 x 1 16-bit RGB one, raw planes,
     * which stb_image 2.27 reads as 8-bit (see the table in codec.c). */
    unsigned char psd[26 + 12 + 2 + 2 * 1 * 3 * 2] = { '8', 'B', 'P', 'S', 0, 1 };
    psd[13] = 3;   /* channels */
    psd[17] = 1;   /* height */
    psd[21] = 2;   /* width */
    psd[23] = 16;  /* depth */
    psd[25] = 3;   /* RGB */
    for (size_t i = 40; i < sizeof psd; i++)
        psd[i] = (unsigned char)(i * 37);
    image_t img;
    char err[512];
    assert_int_equal(decode(psd, sizeof psd, &img, err, sizeof err), 0);
    assert_int_equal(img.bits, 8);
    assert_int_equal(codec_sniff(psd, sizeof psd), CODEC_PSD);
    assert_true(img.bits <= codec_format_info(CODEC_PSD)->max_bits);
    image_free(&img);
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

/* Scans counted from marker to marker, against what the encoders wrote:
 * one for a baseline file, libjpeg-turbo's progressive script, and the
 * 1896 of tests/fixtures/many-scans.jpg (tools/many_scans.c). */
static void jpeg_scans_are_counted(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        size_t scans;
    } files[] = {
        { "data/formats/exif_1.jpg", 1 },
        { "data/formats/grey.jpg", 1 },
        { "data/formats/progressive.jpg", 10 },
        { "tests/fixtures/many-scans.jpg", 1896 },
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        unsigned char *data;
        size_t len;
        char err[256];
        assert_int_equal(fileio_read_all(files[i].path, &data, &len, err, sizeof err), 0);
        size_t got = jpeginfo_scan_count(data, len);
        if (got != files[i].scans)
            fail_msg("%s: %zu scans, want %zu", files[i].path, got, files[i].scans);
        free(data);
    }
    static const unsigned char none[] = { 0xFF, 0xD8, 0xFF, 0xD9 };
    assert_int_equal(jpeginfo_scan_count(none, sizeof none), 0);
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

/* --- every message states the true reason ------------------------------ */

/* A file of the table: the bytes of a fixture (name, cut to `keep` bytes
 * when keep > 0), or `bytes` itself. */
typedef struct {
    const char *what;       /* the case, for a failure's message */
    const char *fixture;    /* in data/formats or data/unsupported, or NULL */
    size_t keep;            /* 0: whole */
    const unsigned char *bytes;
    size_t len;
    uint64_t max_pixels;    /* 0: the default */
    const char *want;       /* the whole message, or its start when it ends in '*' */
} message_case_t;

static const unsigned char bmp_zero_width[] = {
    'B', 'M', 122, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0,
    0, 0, 0, 0, 10, 0, 0, 0, 1, 0, 24, 0, 0, 0, 0, 0, 68, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
static const unsigned char bmp_header_bomb[] = {
    'B', 'M', 54, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0,
    0, 0x40, 0, 0, 0, 0x40, 0, 0, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
static const unsigned char ppm_eleven_digits[] = "P6\n99999999999 1\n255\n\0\0\0";
static const unsigned char jpeg_tables_only[] = { 0xFF, 0xD8, 0xFF, 0xD9 };
static const unsigned char text[] = "not an image at all";

/* A PNG header of 16384 x 16384 RGBA16 (2 GiB decoded) and 40,000 bytes
 * of data, enough for the density bound: stb's int sizes refuse it, once
 * with the reason "corrupt JPEG". CRCs are left 0: stb does not check them. */
static unsigned char big_png[8 + 25 + 12 + 40000];
static void make_big_png(void)
{
    static const unsigned char head[] = {
        0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',
        0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0x40, 0, 0, 0, 0x40, 0, 16, 6, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0x9C, 0x40, 'I', 'D', 'A', 'T',
    };
    memcpy(big_png, head, sizeof head);
}

static const message_case_t message_cases[] = {
    { "empty", NULL, 0, text, 0, 0, "cannot decode: empty file" },
    { "text", NULL, 0, text, sizeof text - 1, 0,
      "cannot decode: not a known image format, or corrupt" },
    { "zero width: no image, not a large one", NULL, 0, bmp_zero_width,
      sizeof bmp_zero_width, 0, "cannot decode: the header gives a size of 0x10" },
    { "header-only bomb", NULL, 0, bmp_header_bomb, sizeof bmp_header_bomb, 0,
      "cannot decode: truncated BMP (16384x16384 pixels cannot fit in 54 bytes)" },
    { "PNM number overflow", NULL, 0, ppm_eleven_digits, sizeof ppm_eleven_digits - 1, 0,
      "cannot decode: PNM header number of 11 digits*" },
    /* Cut inside IDAT: stb said "unknown PNG chunk type" or "corrupt PNG". */
    { "PNG cut short", "rgb16.png", 400, NULL, 0, 0,
      "cannot decode: truncated PNG (the data ends before the image does)" },
    { "BMP cut short", "image.bmp", 3000, NULL, 0, 0,
      "cannot decode: truncated BMP (the data ends before the image does)" },
    /* After a failed JPEG, the reason is this file's own, never stale. */
    { "too large", "wide.png", 0, NULL, 0, 3999,
      "image too large: 4000x1 is over the limit of 3999 pixels (--max-pixels)" },
    { "2 GiB decoded: more than stb reads", NULL, 0, big_png, sizeof big_png, 0,
      "unsupported: 16384x16384 pixels of 4 16-bit channels are 2.0 GiB decoded; stb_image "
      "reads less than 2 GiB" },
    { "too large, stb's reader", "image.tga", 0, NULL, 0, 100,
      "image too large: 50x30 is over the limit of 100 pixels (--max-pixels)" },
    { "HDR", "scene.hdr", 0, NULL, 0, 0,
      "unsupported: Radiance HDR holds floating-point samples, and noiseaug reads and "
      "writes 8- and 16-bit images only" },
    { "CMYK", "cmyk.jpg", 0, NULL, 0, 0,
      "unsupported: CMYK JPEG (4 colour components); convert it to RGB first" },
#ifdef NOISEAUG_WITH_TURBOJPEG
    { "tables-only JPEG", NULL, 0, jpeg_tables_only, sizeof jpeg_tables_only, 0,
      "cannot decode: JPEG without an image frame (tables only)" },
    { "JPEG cut short", "exif_1.jpg", 900, NULL, 0, 0,
      "cannot decode: truncated JPEG (the data ends before the image does)" },
#else
    { "tables-only JPEG", NULL, 0, jpeg_tables_only, sizeof jpeg_tables_only, 0,
      "cannot decode: *" },
    { "JPEG cut short", "exif_1.jpg", 900, NULL, 0, 0,
      "cannot decode: truncated JPEG (the data ends before the image does)" },
#endif
};

/* Reads a fixture from data/formats or data/unsupported. */
static unsigned char *read_fixture(const char *name, size_t *len)
{
    static const char *const dirs[] = { "data/formats", "data/unsupported" };
    char err[256];
    for (int d = 0; d < 2; d++) {
        char path[512];
        unsigned char *data;
        snprintf(path, sizeof path, "%s/%s", dirs[d], name);
        if (fileio_read_all(path, &data, len, err, sizeof err) == 0)
            return data;
    }
    fail_msg("fixture %s not found", name);
    return NULL;
}

static void check_message(const message_case_t *c)
{
    size_t len = c->len;
    unsigned char *owned = c->fixture != NULL ? read_fixture(c->fixture, &len) : NULL;
    const unsigned char *data = owned != NULL ? owned : c->bytes;
    if (c->keep > 0) {
        assert_true(c->keep < len);  /* a cut must cut */
        len = c->keep;
    }
    char err[512] = "";
    image_t img = { 0 };
    int rc = codec_decode(data, len, c->max_pixels ? c->max_pixels : CODEC_DEFAULT_MAX_PIXELS,
                          &img, err, sizeof err);
    free(owned);
    if (rc == 0)
        image_free(&img);
    size_t n = strlen(c->want);
    int prefix = n > 0 && c->want[n - 1] == '*';
    if (rc == 0 || (prefix ? strncmp(err, c->want, n - 1) != 0 : strcmp(err, c->want) != 0))
        fail_msg("%s: got \"%s\", want \"%s\"", c->what, rc == 0 ? "(decoded)" : err, c->want);
}

/* Each message pinned, in table order and again each after a corrupt JPEG
 * decoded on the same thread, whose reason must not leak into the next. */
static void every_message_states_the_true_reason(void **state)
{
    (void)state;
    size_t n = sizeof message_cases / sizeof message_cases[0];
    make_big_png();
    for (size_t i = 0; i < n; i++)
        check_message(&message_cases[i]);
    size_t jlen;
    unsigned char *jpeg = read_fixture("exif_1.jpg", &jlen);
    for (size_t i = 0; i < n; i++) {
        char err[256];
        image_t img = { 0 };
        jpeg[jlen / 2] ^= 0xFF;
        jpeg[jlen / 2 + 7] ^= 0x55;
        if (codec_decode(jpeg, jlen / 2 + 40, CODEC_DEFAULT_MAX_PIXELS, &img, err,
                         sizeof err) == 0)
            image_free(&img);
        check_message(&message_cases[i]);
    }
    free(jpeg);
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
        cmocka_unit_test(fixture_pngs_round_trip),
        cmocka_unit_test(fixture_jpegs),
        cmocka_unit_test(every_input_extension_maps_to_its_format),
        cmocka_unit_test(formats_named_but_not_read),
        cmocka_unit_test(library_formats_by_build),
        cmocka_unit_test(signatures_recognise_every_fixture),
        cmocka_unit_test(written_formats_extensions_depths_and_alpha),
        cmocka_unit_test(fixtures_fit_their_formats_depth_and_alpha),
        cmocka_unit_test(jpeginfo_tolerates_malformed_exif),
        cmocka_unit_test(orient_matches_hand_computed),
        cmocka_unit_test(jpeg_scans_are_counted),
        cmocka_unit_test(every_message_states_the_true_reason),
    };
    return cmocka_run_group_tests_name("codec", tests, setup, NULL);
}
