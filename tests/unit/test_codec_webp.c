/* Unit tests for codec_webp.c and codec_heif.c. The inputs are made here,
 * with libwebp's and libheif's own encoders, so every expected value is
 * known exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "codec_formats.h"

#ifdef NOISEAUG_WITH_LIBWEBP
#include <webp/decode.h>
#include <webp/encode.h>
#include <webp/mux.h>
#endif
#ifdef NOISEAUG_WITH_LIBHEIF
#include <libheif/heif.h>
#endif
/* x265 3.5 leaks a few blocks per encoder it opens; only the test's
 * encoding (never noiseaug, which only decodes HEIF) is hidden from the
 * leak checker. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LEAKS_IGNORED_BEGIN() __lsan_disable()
#define LEAKS_IGNORED_END() __lsan_enable()
#else
#define LEAKS_IGNORED_BEGIN() ((void)0)
#define LEAKS_IGNORED_END() ((void)0)
#endif

#ifdef NOISEAUG_WITH_LIBWEBP
/* An asymmetric pattern: every pixel and channel differs from its
 * neighbours and mirror images, so a flip, a turn or a channel swap shows. */
static uint8_t pattern(int x, int y, int c)
{
    return (uint8_t)(x * 7 + y * 31 + c * 85 + (x * y) % 13);
}

/* A w x h image of the pattern with c channels (alpha, when present, the
 * pattern too). */
static void make_pattern(image_t *img, int w, int h, int c)
{
    assert_int_equal(image_alloc(img, w, h, c, 8), 0);
    uint8_t *p = img->pixels;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int k = 0; k < c; k++)
                p[((size_t)y * w + x) * c + k] = pattern(x, y, k);
}

#endif

#if defined(NOISEAUG_WITH_LIBWEBP) || defined(NOISEAUG_WITH_LIBHEIF)
/* Colours of the four quadrants (top left, top right, bottom left,
 * bottom right), far enough apart that lossy coding cannot confuse them. */
static const uint8_t quadrant[4][4] = {
    { 220, 30, 30, 255 }, { 30, 200, 40, 128 }, { 30, 40, 210, 0 }, { 230, 220, 40, 60 },
};

static int quadrant_of(int x, int y, int w, int h)
{
    return (y >= h / 2) * 2 + (x >= w / 2);
}

static uint8_t *quadrant_pixels(int w, int h, int c)
{
    uint8_t *p = malloc((size_t)w * h * c);
    assert_non_null(p);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            memcpy(p + ((size_t)y * w + x) * c, quadrant[quadrant_of(x, y, w, h)], (size_t)c);
    return p;
}

/* Checks the centre of each quadrant against its colour within tol. */
static void check_quadrants(const image_t *img, int tol)
{
    const uint8_t *p = img->pixels;
    int w = img->width, h = img->height;
    for (int q = 0; q < 4; q++) {
        int x = (q % 2) * w / 2 + w / 4, y = (q / 2) * h / 2 + h / 4;
        for (int c = 0; c < img->channels; c++) {
            int got = p[((size_t)y * w + x) * img->channels + c];
            int want = quadrant[q][c];
            if (got < want - tol || got > want + tol)
                fail_msg("quadrant %d channel %d: %d, expected %d +- %d", q, c, got, want, tol);
        }
    }
}

/* A little-endian EXIF TIFF structure with two IFD0 entries: Orientation
 * and a SHORT tag 0x0128 (ResolutionUnit) = 2, which must survive. */
static size_t make_exif(unsigned char *b, int orientation)
{
    static const unsigned char head[] = { 'I', 'I', 42, 0, 8, 0, 0, 0, 2, 0 };
    memset(b, 0, 40);
    memcpy(b, head, sizeof head);
    unsigned char *e = b + 10;
    e[0] = 0x12; e[1] = 0x01; e[2] = 3; e[4] = 1; e[8] = (unsigned char)orientation;
    e += 12;
    e[0] = 0x28; e[1] = 0x01; e[2] = 3; e[4] = 1; e[8] = 2;
    return 10 + 24 + 4;
}

#endif

#ifdef NOISEAUG_WITH_LIBWEBP

static int decode(const unsigned char *data, size_t len, image_t *img, char *err, size_t n)
{
    return codec_webp_decode(data, len, CODEC_DEFAULT_MAX_PIXELS, img, err, n);
}

/* Adds ICCP and EXIF chunks to a plain WebP with libwebpmux. */
static WebPData with_chunks(const uint8_t *webp, size_t len, const unsigned char *icc,
                            size_t icc_len, const unsigned char *exif, size_t exif_len)
{
    WebPData image = { webp, len }, out = { NULL, 0 };
    WebPMux *mux = WebPMuxCreate(&image, 1);
    assert_non_null(mux);
    WebPData i = { icc, icc_len }, e = { exif, exif_len };
    if (icc_len > 0)
        assert_int_equal(WebPMuxSetChunk(mux, "ICCP", &i, 1), WEBP_MUX_OK);
    if (exif_len > 0)
        assert_int_equal(WebPMuxSetChunk(mux, "EXIF", &e, 1), WEBP_MUX_OK);
    assert_int_equal(WebPMuxAssemble(mux, &out), WEBP_MUX_OK);
    WebPMuxDelete(mux);
    return out;
}

static void lossless_rgba_is_exact(void **state)
{
    (void)state;
    image_t src, img, back;
    make_pattern(&src, 33, 21, 4);
    /* One transparent pixel, whose colour is still data; the rest seen. */
    uint8_t *p = src.pixels;
    for (size_t i = 0; i < 33 * 21; i++)
        p[i * 4 + 3] |= 1;
    p[0] = 200; p[1] = 100; p[2] = 50; p[3] = 0;
    char err[256] = "";

    /* libwebp's own lossless file decodes to its pixels. */
    uint8_t *webp = NULL;
    size_t len = WebPEncodeLosslessRGBA(src.pixels, 33, 21, 33 * 4, &webp);
    assert_true(len > 0);
    assert_int_equal(decode(webp, len, &img, err, sizeof err), 0);
    assert_int_equal(img.width, 33);
    assert_int_equal(img.height, 21);
    assert_int_equal(img.channels, 4);
    assert_int_equal(img.bits, 8);
    assert_int_equal(img.alpha, 1);
    assert_int_equal(img.codec_hint, 1);
    assert_int_equal(img.source_format, CODEC_WEBP);
    /* Every visible pixel is exact (the simple API may clear the colour
     * under alpha 0, so the first pixel is checked through our encoder). */
    assert_memory_equal((uint8_t *)img.pixels + 4, p + 4, 33 * 21 * 4 - 4);
    codec_header_t h;
    assert_int_equal(codec_webp_probe(webp, len, CODEC_DEFAULT_MAX_PIXELS, &h), 0);
    assert_int_equal(h.width, 33);
    assert_int_equal(h.height, 21);
    assert_int_equal(h.channels, 4);
    assert_int_equal(h.bits, 8);
    assert_int_equal(h.turned, 0);
    WebPFree(webp);
    image_free(&img);

    /* Our lossless encoder keeps everything, the invisible colour too. */
    codec_buffer_t out = { 0 };
    assert_int_equal(codec_webp_encode(&src, 1, 75, &out, err, sizeof err), 0);
    assert_memory_equal(out.data, "RIFF", 4);
    assert_memory_equal(out.data + 12, "VP8L", 4);  /* no metadata: the plain format */
    assert_int_equal(decode(out.data, out.len, &back, err, sizeof err), 0);
    assert_int_equal(back.channels, 4);
    assert_int_equal(back.codec_hint, 1);
    assert_memory_equal(back.pixels, src.pixels, 33 * 21 * 4);
    image_free(&back);
    codec_buffer_free(&out);
    image_free(&src);
}

static void lossy_within_tolerance(void **state)
{
    (void)state;
    int w = 64, h = 48;
    uint8_t *rgb = quadrant_pixels(w, h, 3);
    uint8_t *webp = NULL;
    size_t len = WebPEncodeRGB(rgb, w, h, w * 3, 90, &webp);
    assert_true(len > 0);
    image_t img;
    char err[256] = "";
    assert_int_equal(decode(webp, len, &img, err, sizeof err), 0);
    assert_int_equal(img.width, w);
    assert_int_equal(img.height, h);
    assert_int_equal(img.channels, 3);
    assert_int_equal(img.alpha, 0);
    assert_int_equal(img.codec_hint, 0);
    assert_int_equal(img.source_format, CODEC_WEBP);
    check_quadrants(&img, 8);

    /* Our lossy encoder: still lossy, still the colours, deterministic. */
    codec_buffer_t a = { 0 }, b = { 0 };
    assert_int_equal(codec_webp_encode(&img, 0, 90, &a, err, sizeof err), 0);
    assert_int_equal(codec_webp_encode(&img, 0, 90, &b, err, sizeof err), 0);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    assert_memory_equal(a.data + 12, "VP8 ", 4);
    image_t back;
    assert_int_equal(decode(a.data, a.len, &back, err, sizeof err), 0);
    assert_int_equal(back.codec_hint, 0);
    assert_int_equal(back.channels, 3);
    check_quadrants(&back, 12);
    /* A lower quality gives a smaller file: quality reaches libwebp. */
    codec_buffer_t low = { 0 };
    assert_int_equal(codec_webp_encode(&img, 0, 10, &low, err, sizeof err), 0);
    assert_true(low.len < a.len);
    codec_buffer_free(&low);
    codec_buffer_free(&a);
    codec_buffer_free(&b);
    image_free(&back);
    image_free(&img);
    WebPFree(webp);
    free(rgb);
}

/* Grey and grey+alpha are written as RGB and RGBA of the same values. */
static void grey_expands(void **state)
{
    (void)state;
    char err[256] = "";
    for (int c = 1; c <= 2; c++) {
        image_t src, back;
        make_pattern(&src, 17, 9, c);
        codec_buffer_t out = { 0 };
        assert_int_equal(codec_webp_encode(&src, 1, 75, &out, err, sizeof err), 0);
        assert_int_equal(decode(out.data, out.len, &back, err, sizeof err), 0);
        assert_int_equal(back.channels, c == 1 ? 3 : 4);
        const uint8_t *s = src.pixels, *d = back.pixels;
        for (size_t i = 0; i < 17 * 9; i++) {
            for (int k = 0; k < 3; k++)
                assert_int_equal(d[i * back.channels + k], s[i * c]);
            if (c == 2)
                assert_int_equal(d[i * 4 + 3], s[i * 2 + 1]);
        }
        image_free(&back);
        image_free(&src);
        codec_buffer_free(&out);
    }
}

static void icc_and_exif_survive_and_exif_turns(void **state)
{
    (void)state;
    int w = 40, h = 30;
    image_t src;
    make_pattern(&src, w, h, 3);
    uint8_t *plain = NULL;
    size_t plain_len = WebPEncodeLosslessRGB(src.pixels, w, h, w * 3, &plain);
    assert_true(plain_len > 0);
    unsigned char icc[333];
    for (size_t i = 0; i < sizeof icc; i++)
        icc[i] = (unsigned char)(i * 37 + 5);
    unsigned char exif[64], upright[64];
    size_t exif_len = make_exif(exif, 6);
    make_exif(upright, 1);

    /* With and without JPEG's "Exif\0\0" before the TIFF structure. */
    for (int prefixed = 0; prefixed < 2; prefixed++) {
        unsigned char chunk[80];
        size_t chunk_len = 0;
        if (prefixed) {
            memcpy(chunk, "Exif\0\0", 6);
            chunk_len = 6;
        }
        memcpy(chunk + chunk_len, exif, exif_len);
        chunk_len += exif_len;
        WebPData file = with_chunks(plain, plain_len, icc, sizeof icc, chunk, chunk_len);

        codec_header_t hd;
        assert_int_equal(codec_webp_probe(file.bytes, file.size, CODEC_DEFAULT_MAX_PIXELS,
                                          &hd), 0);
        assert_int_equal(hd.width, w);
        assert_int_equal(hd.height, h);
        assert_int_equal(hd.turned, 1);

        image_t img;
        char err[256] = "";
        assert_int_equal(decode(file.bytes, file.size, &img, err, sizeof err), 0);
        /* Orientation 6: turned 90 degrees clockwise, so the stored left
         * column, read upwards, is the displayed top row. */
        assert_int_equal(img.width, h);
        assert_int_equal(img.height, w);
        const uint8_t *p = img.pixels;
        for (int y = 0; y < img.height; y++)
            for (int x = 0; x < img.width; x++)
                for (int c = 0; c < 3; c++)
                    assert_int_equal(p[((size_t)y * img.width + x) * 3 + c],
                                     pattern(y, h - 1 - x, c));
        assert_int_equal(img.meta.icc_len, sizeof icc);
        assert_memory_equal(img.meta.icc, icc, sizeof icc);
        assert_int_equal(img.meta.exif_len, exif_len);
        assert_memory_equal(img.meta.exif, upright, exif_len);

        /* Written again, it carries both in the extended format, and reads
         * back the same, without a second turn. */
        codec_buffer_t out = { 0 };
        assert_int_equal(codec_webp_encode(&img, 1, 75, &out, err, sizeof err), 0);
        assert_memory_equal(out.data + 12, "VP8X", 4);
        image_t back;
        assert_int_equal(decode(out.data, out.len, &back, err, sizeof err), 0);
        assert_int_equal(back.width, h);
        assert_int_equal(back.height, w);
        assert_memory_equal(back.pixels, img.pixels, (size_t)w * h * 3);
        assert_int_equal(back.meta.icc_len, sizeof icc);
        assert_memory_equal(back.meta.icc, icc, sizeof icc);
        assert_int_equal(back.meta.exif_len, exif_len);
        assert_memory_equal(back.meta.exif, upright, exif_len);
        assert_int_equal(codec_webp_probe(out.data, out.len, CODEC_DEFAULT_MAX_PIXELS, &hd), 0);
        assert_int_equal(hd.turned, 0);
        image_free(&back);
        codec_buffer_free(&out);
        image_free(&img);
        WebPDataClear(&file);
    }
    WebPFree(plain);
    image_free(&src);
}

static void animated_is_refused(void **state)
{
    (void)state;
    WebPAnimEncoderOptions opts;
    assert_true(WebPAnimEncoderOptionsInit(&opts));
    WebPAnimEncoder *enc = WebPAnimEncoderNew(16, 16, &opts);
    assert_non_null(enc);
    WebPConfig config;
    assert_true(WebPConfigInit(&config));
    config.lossless = 1;
    for (int f = 0; f < 3; f++) {
        WebPPicture pic;
        assert_true(WebPPictureInit(&pic));
        pic.use_argb = 1;
        pic.width = pic.height = 16;
        assert_true(WebPPictureAlloc(&pic));
        for (int i = 0; i < 16 * 16; i++)
            pic.argb[i] = 0xff000000u | (uint32_t)(f * 80) << 16 | (uint32_t)i;
        assert_true(WebPAnimEncoderAdd(enc, &pic, f * 100, &config));
        WebPPictureFree(&pic);
    }
    assert_true(WebPAnimEncoderAdd(enc, NULL, 300, NULL));
    WebPData anim = { NULL, 0 };
    assert_true(WebPAnimEncoderAssemble(enc, &anim));
    WebPAnimEncoderDelete(enc);

    image_t img;
    char err[256] = "";
    assert_int_equal(decode(anim.bytes, anim.size, &img, err, sizeof err), -1);
    assert_string_equal(err, "unsupported: animated WebP (3 frames); noiseaug reads still "
                        "images");
    assert_null(img.pixels);
    codec_header_t h;
    assert_int_equal(codec_webp_probe(anim.bytes, anim.size, CODEC_DEFAULT_MAX_PIXELS, &h), -1);
    WebPDataClear(&anim);
}

/* Every cut of a lossless and a lossy file is refused, none half-filled. */
static void truncated_is_refused(void **state)
{
    (void)state;
    image_t src;
    make_pattern(&src, 40, 30, 3);
    uint8_t *files[2];
    size_t lens[2];
    lens[0] = WebPEncodeLosslessRGB(src.pixels, 40, 30, 120, &files[0]);
    lens[1] = WebPEncodeRGB(src.pixels, 40, 30, 120, 80, &files[1]);
    for (int f = 0; f < 2; f++) {
        assert_true(lens[f] > 0);
        char err[256] = "";
        image_t img;
        assert_int_equal(decode(files[f], lens[f] / 2, &img, err, sizeof err), -1);
        assert_non_null(strstr(err, "cannot decode: truncated WebP"));
        assert_null(img.pixels);
        for (size_t n = 1; n < lens[f]; n++) {
            err[0] = '\0';
            assert_int_equal(decode(files[f], n, &img, err, sizeof err), -1);
            assert_true(strncmp(err, "cannot decode: ", 15) == 0);
            assert_null(img.pixels);
        }
        assert_int_equal(decode(files[f], lens[f], &img, err, sizeof err), 0);
        image_free(&img);
        WebPFree(files[f]);
    }
    image_free(&src);
}

/* A RIFF WebP holding a VP8L header of w x h pixels and `body` bytes of
 * chunk, of which only `have` are present. */
static size_t vp8l_header(unsigned char *b, int w, int h, uint32_t body, uint32_t have)
{
    uint32_t riff = 4 + 8 + have;
    uint32_t bits = (uint32_t)(w - 1) | (uint32_t)(h - 1) << 14;
    unsigned char head[] = {
        'R', 'I', 'F', 'F', (unsigned char)riff, (unsigned char)(riff >> 8), 0, 0,
        'W', 'E', 'B', 'P', 'V', 'P', '8', 'L',
        (unsigned char)body, (unsigned char)(body >> 8), (unsigned char)(body >> 16), 0, 0x2f,
        (unsigned char)bits, (unsigned char)(bits >> 8), (unsigned char)(bits >> 16),
        (unsigned char)(bits >> 24),
    };
    memcpy(b, head, sizeof head);
    memset(b + sizeof head, 0, have > 5 ? have - 5 : 0);
    return 20 + have;
}

static void header_bomb_is_refused(void **state)
{
    (void)state;
    unsigned char b[64];
    image_t img;
    char err[256] = "";
    /* The chunk claims 100000 bytes; the file has 5. */
    size_t n = vp8l_header(b, 12000, 12000, 100000, 5);
    assert_int_equal(decode(b, n, &img, err, sizeof err), -1);
    assert_string_equal(err, "cannot decode: truncated WebP (its VP8L chunk needs 100000 "
                        "bytes, the file has 5)");
    assert_null(img.pixels);
    /* The RIFF size claims more than the file. */
    n = vp8l_header(b, 12000, 12000, 5, 5);
    b[5] = 0x10;
    assert_int_equal(decode(b, n, &img, err, sizeof err), -1);
    assert_non_null(strstr(err, "truncated WebP (the file has 25 of its"));
    /* Sizes that agree but a bitstream that ends: refused by libwebp. */
    n = vp8l_header(b, 300, 200, 9, 9);
    assert_int_equal(decode(b, n, &img, err, sizeof err), -1);
    assert_true(strncmp(err, "cannot decode: ", 15) == 0);
    assert_null(img.pixels);
    /* The pixel limit applies before anything is allocated. */
    n = vp8l_header(b, 12000, 12000, 9, 9);
    assert_int_equal(codec_webp_decode(b, n, 1000, &img, err, sizeof err), -1);
    assert_string_equal(err, "image too large: 12000x12000 is over the limit of 1000 pixels "
                        "(--max-pixels)");
    codec_header_t h;
    assert_int_equal(codec_webp_probe(b, n, 1000, &h), -1);
    /* Not a WebP at all. */
    assert_int_equal(decode((const unsigned char *)"RIFF\4\0\0\0WEBP", 12, &img, err,
                            sizeof err), -1);
    assert_true(strncmp(err, "cannot decode: ", 15) == 0);
}

static void encode_limits(void **state)
{
    (void)state;
    image_t big;
    char err[256] = "";
    codec_buffer_t out = { 0 };
    assert_int_equal(image_alloc(&big, 16384, 1, 3, 8), 0);
    assert_int_equal(codec_webp_encode(&big, 1, 75, &out, err, sizeof err), -1);
    assert_string_equal(err, "cannot encode: WebP holds at most 16383 x 16383 pixels, "
                        "not 16384x1");
    assert_null(out.data);
    image_free(&big);
    image_t deep;
    assert_int_equal(image_alloc(&deep, 4, 4, 3, 16), 0);
    assert_int_equal(codec_webp_encode(&deep, 1, 75, &out, err, sizeof err), -1);
    assert_null(out.data);
    image_free(&deep);

    /* The largest side WebP holds is written. */
    image_t edge;
    assert_int_equal(image_alloc(&edge, 16383, 1, 3, 8), 0);
    assert_int_equal(codec_webp_encode(&edge, 1, 75, &out, err, sizeof err), 0);
    image_t back;
    assert_int_equal(decode(out.data, out.len, &back, err, sizeof err), 0);
    assert_int_equal(back.width, 16383);
    image_free(&back);
    image_free(&edge);
    codec_buffer_free(&out);
}

static void lossless_is_deterministic(void **state)
{
    (void)state;
    image_t src;
    make_pattern(&src, 50, 40, 4);
    char err[256] = "";
    codec_buffer_t a = { 0 }, b = { 0 };
    assert_int_equal(codec_webp_encode(&src, 1, 75, &a, err, sizeof err), 0);
    assert_int_equal(codec_webp_encode(&src, 1, 75, &b, err, sizeof err), 0);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    codec_buffer_free(&a);
    codec_buffer_free(&b);
    image_free(&src);
}

#endif /* NOISEAUG_WITH_LIBWEBP */

#ifdef NOISEAUG_WITH_LIBHEIF

static struct heif_error write_cb(struct heif_context *ctx, const void *data, size_t size,
                                  void *user)
{
    (void)ctx;
    struct heif_error ok = { heif_error_Ok, heif_suberror_Unspecified, "" };
    if (bytebuf_append(user, data, size) != 0)
        ok.code = heif_error_Memory_allocation_error;
    return ok;
}

/* Encodes the quadrant image (w x h, c channels, 8 bits; or 10 bits when
 * MAKE_TEN_BITS is set) with libheif, with an ICC profile and EXIF when
 * given; MAKE_PREMULTIPLIED stores the values as they are, losslessly,
 * marked as premultiplied by alpha.
 * Returns 0, or -1 when this libheif cannot encode the format. */
enum { MAKE_TEN_BITS = 1, MAKE_PREMULTIPLIED = 2 };

static int heif_make(enum heif_compression_format format, int w, int h, int c, int flags,
                     const unsigned char *icc, size_t icc_len, const unsigned char *exif,
                     size_t exif_len, codec_buffer_t *out)
{
    if (!heif_have_encoder_for_format(format))
        return -1;
    struct heif_context *ctx = heif_context_alloc();
    struct heif_encoder *enc = NULL;
    if (heif_context_get_encoder_for_format(ctx, format, &enc).code != heif_error_Ok) {
        heif_context_free(ctx);
        return -1;
    }
    int ten = (flags & MAKE_TEN_BITS) != 0;
    if (flags & MAKE_PREMULTIPLIED)
        assert_int_equal(heif_encoder_set_lossless(enc, 1).code, heif_error_Ok);
    else
        assert_int_equal(heif_encoder_set_lossy_quality(enc, 90).code, heif_error_Ok);
    struct heif_image *img = NULL;
    enum heif_chroma chroma = ten ? (c == 4 ? heif_chroma_interleaved_RRGGBBAA_LE
                                            : heif_chroma_interleaved_RRGGBB_LE)
                                  : (c == 4 ? heif_chroma_interleaved_RGBA
                                            : heif_chroma_interleaved_RGB);
    assert_int_equal(heif_image_create(w, h, heif_colorspace_RGB, chroma, &img).code,
                     heif_error_Ok);
    assert_int_equal(heif_image_add_plane(img, heif_channel_interleaved, w, h,
                                          ten ? 10 : 8).code, heif_error_Ok);
    int stride;
    uint8_t *plane = heif_image_get_plane(img, heif_channel_interleaved, &stride);
    uint8_t *src = quadrant_pixels(w, h, c);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w * c; x++) {
            unsigned v = src[(size_t)y * w * c + x];
            if (ten) {
                v = v << 2 | v >> 6;
                plane[(size_t)y * stride + 2 * x] = (uint8_t)v;
                plane[(size_t)y * stride + 2 * x + 1] = (uint8_t)(v >> 8);
            } else {
                plane[(size_t)y * stride + x] = (uint8_t)v;
            }
        }
    free(src);
    heif_image_set_premultiplied_alpha(img, (flags & MAKE_PREMULTIPLIED) != 0);
    if (icc_len > 0)
        assert_int_equal(heif_image_set_raw_color_profile(img, "prof", icc, icc_len).code,
                         heif_error_Ok);
    struct heif_image_handle *handle = NULL;
    LEAKS_IGNORED_BEGIN();
    struct heif_error e = heif_context_encode_image(ctx, img, enc, NULL, &handle);
    LEAKS_IGNORED_END();
    int rc = -1;
    if (e.code == heif_error_Ok) {
        if (exif_len > 0)
            assert_int_equal(heif_context_add_exif_metadata(ctx, handle, exif,
                                                            (int)exif_len).code,
                             heif_error_Ok);
        struct heif_writer writer = { 1, write_cb };
        rc = heif_context_write(ctx, &writer, out).code == heif_error_Ok ? 0 : -1;
        heif_image_handle_release(handle);
    } else {
        print_message("libheif cannot encode this: %s\n", e.message);
    }
    heif_image_release(img);
    heif_encoder_release(enc);
    heif_context_free(ctx);
    return rc;
}

static void heif_check(enum heif_compression_format format, int c, int source_format)
{
    unsigned char icc[200], exif[64], upright[64];
    for (size_t i = 0; i < sizeof icc; i++)
        icc[i] = (unsigned char)(i * 13 + 1);
    size_t exif_len = make_exif(exif, 6);
    make_exif(upright, 1);
    codec_buffer_t file = { 0 };
    if (heif_make(format, 64, 48, c, 0, icc, sizeof icc, exif, exif_len, &file) != 0) {
        print_message("no libheif encoder for %s: skipped\n",
                      format == heif_compression_AV1 ? "AV1" : "HEVC");
        skip();
    }
    image_t img;
    char err[256] = "";
    assert_int_equal(codec_heif_decode(file.data, file.len, CODEC_DEFAULT_MAX_PIXELS, &img,
                                       err, sizeof err), 0);
    assert_int_equal(img.width, 64);
    assert_int_equal(img.height, 48);
    assert_int_equal(img.channels, c);
    assert_int_equal(img.bits, 8);
    assert_int_equal(img.alpha, c == 4);
    assert_int_equal(img.source_format, source_format);
    check_quadrants(&img, 16);
    assert_int_equal(img.meta.icc_len, sizeof icc);
    assert_memory_equal(img.meta.icc, icc, sizeof icc);
    /* EXIF orientation is not a HEIF transform: the pixels stay, the
     * block reads as upright. */
    assert_int_equal(img.meta.exif_len, exif_len);
    assert_memory_equal(img.meta.exif, upright, exif_len);
    image_free(&img);

    codec_header_t h;
    assert_int_equal(codec_heif_probe(file.data, file.len, CODEC_DEFAULT_MAX_PIXELS, &h), 0);
    assert_int_equal(h.width, 64);
    assert_int_equal(h.height, 48);
    assert_int_equal(h.channels, c);
    assert_int_equal(h.bits, 8);
    assert_int_equal(h.turned, 0);
    assert_int_equal(codec_heif_probe(file.data, file.len, 100, &h), -1);
    assert_int_equal(codec_heif_decode(file.data, file.len, 100, &img, err, sizeof err), -1);
    assert_string_equal(err, "image too large: 64x48 is over the limit of 100 pixels "
                        "(--max-pixels)");

    /* Cut anywhere, it is refused. */
    for (size_t n = 1; n < file.len; n += file.len / 23 + 1) {
        err[0] = '\0';
        assert_int_equal(codec_heif_decode(file.data, n, CODEC_DEFAULT_MAX_PIXELS, &img, err,
                                           sizeof err), -1);
        assert_true(strncmp(err, "cannot decode: ", 15) == 0 ||
                    strncmp(err, "unsupported: ", 13) == 0);
        assert_null(img.pixels);
    }
    assert_int_equal(codec_heif_decode(file.data, file.len / 2, CODEC_DEFAULT_MAX_PIXELS, &img,
                                       err, sizeof err), -1);
    char want[64];
    snprintf(want, sizeof want, "cannot decode: truncated %s (its '",
             source_format == CODEC_AVIF ? "AVIF" : "HEIF");
    assert_true(strncmp(err, want, strlen(want)) == 0);
    codec_buffer_free(&file);
}

static void heic_rgb(void **state)
{
    (void)state;
    heif_check(heif_compression_HEVC, 3, CODEC_HEIF);
}

static void heic_alpha(void **state)
{
    (void)state;
    heif_check(heif_compression_HEVC, 4, CODEC_HEIF);
}

static void avif_rgb(void **state)
{
    (void)state;
    heif_check(heif_compression_AV1, 3, CODEC_AVIF);
}

/* A 10-bit image reads as 16-bit samples, scaled to the full range.
 * (libaom 3.6 aborts on 10-bit RGB input through libheif 1.15, so the
 * file is HEVC.) */
static void heic_ten_bits(void **state)
{
    (void)state;
    codec_buffer_t file = { 0 };
    if (heif_make(heif_compression_HEVC, 64, 48, 3, MAKE_TEN_BITS, NULL, 0, NULL, 0,
                  &file) != 0) {
        print_message("libheif cannot encode 10-bit HEVC: skipped\n");
        skip();
    }
    image_t img;
    char err[256] = "";
    assert_int_equal(codec_heif_decode(file.data, file.len, CODEC_DEFAULT_MAX_PIXELS, &img,
                                       err, sizeof err), 0);
    assert_int_equal(img.bits, 16);
    assert_int_equal(img.channels, 3);
    assert_int_equal(img.source_format, CODEC_HEIF);
    const uint16_t *p = img.pixels;
    for (int q = 0; q < 4; q++) {
        int x = (q % 2) * 32 + 16, y = (q / 2) * 24 + 12;
        for (int c = 0; c < 3; c++) {
            int want = quadrant[q][c] * 257, got = p[((size_t)y * 64 + x) * 3 + c];
            if (got < want - 16 * 257 || got > want + 16 * 257)
                fail_msg("quadrant %d channel %d: %d, expected about %d", q, c, got, want);
        }
    }
    codec_header_t h;
    assert_int_equal(codec_heif_probe(file.data, file.len, CODEC_DEFAULT_MAX_PIXELS, &h), 0);
    assert_int_equal(h.bits, 16);
    image_free(&img);
    codec_buffer_free(&file);
}

/* A premultiplied image reads with straight alpha: each colour divided by
 * its alpha, 0 where transparent, clamped where it was above its alpha. */
static void heic_premultiplied(void **state)
{
    (void)state;
    codec_buffer_t file = { 0 };
    if (heif_make(heif_compression_HEVC, 64, 48, 4, MAKE_PREMULTIPLIED, NULL, 0, NULL, 0,
                  &file) != 0) {
        print_message("no libheif encoder for HEVC: skipped\n");
        skip();
    }
    static const uint8_t straight[4][4] = {
        { 220, 30, 30, 255 }, { 60, 255, 80, 128 }, { 0, 0, 0, 0 }, { 255, 255, 170, 60 },
    };
    image_t img;
    char err[256] = "";
    assert_int_equal(codec_heif_decode(file.data, file.len, CODEC_DEFAULT_MAX_PIXELS, &img,
                                       err, sizeof err), 0);
    assert_int_equal(img.channels, 4);
    assert_int_equal(img.alpha, 1);
    const uint8_t *p = img.pixels;
    for (int q = 0; q < 4; q++) {
        int x = (q % 2) * 32 + 16, y = (q / 2) * 24 + 12;
        for (int c = 0; c < 4; c++) {
            /* x265's "lossless" still rounds the colour conversion by a
             * step, which the division by alpha (60) makes up to 5. */
            int got = p[((size_t)y * 64 + x) * 4 + c], want = straight[q][c];
            if (got < want - 6 || got > want + 6)
                fail_msg("quadrant %d channel %d: %d, expected %d", q, c, got, want);
        }
    }
    image_free(&img);
    codec_buffer_free(&file);
}

static void heif_garbage_is_refused(void **state)
{
    (void)state;
    static const unsigned char box[] = { 0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c',
                                         0, 0, 0, 0, 'm', 'i', 'f', '1', 'h', 'e', 'i', 'c' };
    image_t img;
    char err[256] = "";
    assert_int_equal(codec_heif_decode(box, sizeof box, CODEC_DEFAULT_MAX_PIXELS, &img, err,
                                       sizeof err), -1);
    assert_true(strncmp(err, "cannot decode: damaged HEIF (libheif: ", 38) == 0);
    assert_null(img.pixels);
}

#endif /* NOISEAUG_WITH_LIBHEIF */

static int setup(void **state)
{
    (void)state;
#ifdef NOISEAUG_WITH_LIBHEIF
    heif_init(NULL);
#endif
    return 0;
}

static int teardown(void **state)
{
    (void)state;
#ifdef NOISEAUG_WITH_LIBHEIF
    heif_deinit();
#endif
    return 0;
}

#if !defined(NOISEAUG_WITH_LIBWEBP) && !defined(NOISEAUG_WITH_LIBHEIF)
static void built_without_libraries(void **state)
{
    (void)state;
    print_message("built without libwebp and libheif: nothing to test\n");
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
#ifdef NOISEAUG_WITH_LIBWEBP
        cmocka_unit_test(lossless_rgba_is_exact),
        cmocka_unit_test(lossy_within_tolerance),
        cmocka_unit_test(grey_expands),
        cmocka_unit_test(icc_and_exif_survive_and_exif_turns),
        cmocka_unit_test(animated_is_refused),
        cmocka_unit_test(truncated_is_refused),
        cmocka_unit_test(header_bomb_is_refused),
        cmocka_unit_test(encode_limits),
        cmocka_unit_test(lossless_is_deterministic),
#endif
#ifdef NOISEAUG_WITH_LIBHEIF
        cmocka_unit_test(heic_rgb),
        cmocka_unit_test(heic_alpha),
        cmocka_unit_test(avif_rgb),
        cmocka_unit_test(heic_ten_bits),
        cmocka_unit_test(heic_premultiplied),
        cmocka_unit_test(heif_garbage_is_refused),
#endif
#if !defined(NOISEAUG_WITH_LIBWEBP) && !defined(NOISEAUG_WITH_LIBHEIF)
        cmocka_unit_test(built_without_libraries),
#endif
    };
    return cmocka_run_group_tests_name("codec_webp", tests, setup, teardown);
}
