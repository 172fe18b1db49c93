/* Unit tests for codec_tiff: TIFF inputs built here with libtiff (in a
 * scratch folder, then read into memory), decoded, re-encoded and read
 * back, with exact values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#ifdef NOISEAUG_WITH_LIBTIFF
#include <tiffio.h>

#include "codec_formats.h"
#include "scratch.h"

/* How to write one test TIFF. */
typedef struct {
    uint32_t w, h;
    uint16_t spp, bits, photometric, planar, compression, format;
    uint16_t nextra;
    uint16_t extra[4];
    uint32_t tile;        /* tile side; 0: strips */
    uint32_t rps;         /* rows per strip; 0: 7 */
    int pages;            /* 0: 1 */
    uint16_t orientation; /* 0: not written */
    int geo, icc_dpi;     /* add the GeoTIFF tags, the ICC profile and 300 dpi */
} spec_t;

static const double pixel_scale[3] = { 0.5, 0.25, 0 };
static const double tiepoint[6] = { 0, 0, 0, 440720.0, 3751320.0, 0 };
static const double transform[16] = { 1, 0, 0, 10, 0, -1, 0, 20, 0, 0, 1, 0, 0, 0, 0, 1 };
static const uint16_t geokeys[12] = { 1, 1, 0, 2, 1024, 0, 1, 1, 3072, 0, 1, 32611 };
static const double geodoubles[2] = { 6378137.0, 298.257223563 };
static const char geoascii[] = "WGS 84 / UTM zone 11N|";
static const char gdal_meta[] = "<GDALMetadata><Item name=\"a\">1</Item></GDALMetadata>";
static const char gdal_nodata[] = "-9999";

/* The sample at (x, y, c): distinct per channel and position, and above
 * 255 in 16 bits. */
static uint32_t sample(const spec_t *s, uint32_t x, uint32_t y, uint32_t c)
{
    if (s->compression == COMPRESSION_JPEG)  /* smooth, as JPEG keeps it close */
        return x * 4 + y * 4 + c * 40;
    uint32_t v = (x * 7 + y * 13 + c * 29 + 3) & 0xff;
    return s->bits == 16 ? (v * 257) ^ c : v;
}

static void put(const spec_t *s, unsigned char *p, size_t i, uint32_t v)
{
    if (s->bits == 16)
        ((uint16_t *)p)[i] = (uint16_t)v;
    else
        p[i] = (unsigned char)v;
}

/* Writes a TIFF as spec says into dir/name and reads it back into *len
 * bytes. */
static unsigned char *make_tiff(const char *dir, const char *name, const spec_t *s, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    TIFF *tif = TIFFOpen(path, "w");
    assert_non_null(tif);
    size_t bps = s->bits / 8;
    int pages = s->pages > 0 ? s->pages : 1;
    for (int page = 0; page < pages; page++) {
        TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, s->w);
        TIFFSetField(tif, TIFFTAG_IMAGELENGTH, s->h);
        TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, s->spp);
        TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, s->bits);
        TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, s->photometric);
        TIFFSetField(tif, TIFFTAG_PLANARCONFIG, s->planar ? s->planar : PLANARCONFIG_CONTIG);
        TIFFSetField(tif, TIFFTAG_COMPRESSION, s->compression ? s->compression : COMPRESSION_NONE);
        if (s->format)
            TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, s->format);
        if (s->nextra)
            TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, s->nextra, s->extra);
        if (s->photometric == PHOTOMETRIC_PALETTE) {
            uint16_t map[3][256];
            for (int i = 0; i < 256; i++) {
                map[0][i] = (uint16_t)(i * 257);
                map[1][i] = (uint16_t)((255 - i) * 257);
                map[2][i] = (uint16_t)((i * 3 & 255) * 257);
            }
            TIFFSetField(tif, TIFFTAG_COLORMAP, map[0], map[1], map[2]);
        }
        if (s->orientation)
            TIFFSetField(tif, TIFFTAG_ORIENTATION, s->orientation);
        if (s->compression == COMPRESSION_JPEG && s->photometric == PHOTOMETRIC_YCBCR)
            TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
        if (s->geo) {
            TIFFSetField(tif, 33550, (uint32_t)3, pixel_scale);
            TIFFSetField(tif, 33922, (uint32_t)6, tiepoint);
            TIFFSetField(tif, 34264, (uint32_t)16, transform);
            TIFFSetField(tif, 34735, (uint32_t)12, geokeys);
            TIFFSetField(tif, 34736, (uint32_t)2, geodoubles);
            TIFFSetField(tif, 34737, (uint32_t)sizeof geoascii, geoascii);
            TIFFSetField(tif, 42112, (uint32_t)sizeof gdal_meta, gdal_meta);
            TIFFSetField(tif, 42113, (uint32_t)sizeof gdal_nodata, gdal_nodata);
        }
        if (s->icc_dpi) {
            unsigned char icc[200];
            for (int i = 0; i < 200; i++)
                icc[i] = (unsigned char)(i * 31 + 7);
            TIFFSetField(tif, TIFFTAG_ICCPROFILE, (uint32_t)sizeof icc, icc);
            TIFFSetField(tif, TIFFTAG_XRESOLUTION, 300.0);
            TIFFSetField(tif, TIFFTAG_YRESOLUTION, 300.0);
            TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
        }
        int separate = s->planar == PLANARCONFIG_SEPARATE;
        uint32_t bw = s->tile ? s->tile : s->w;
        uint32_t bh = s->tile ? s->tile : (s->rps ? s->rps : 7);
        if (s->tile) {
            TIFFSetField(tif, TIFFTAG_TILEWIDTH, s->tile);
            TIFFSetField(tif, TIFFTAG_TILELENGTH, s->tile);
        } else {
            TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, bh);
        }
        size_t per_px = separate ? 1 : s->spp;
        unsigned char *block = calloc((size_t)bw * bh * per_px, bps);
        assert_non_null(block);
        uint32_t planes = separate ? s->spp : 1;
        uint32_t n = 0;
        for (uint32_t plane = 0; plane < planes; plane++) {
            for (uint32_t y0 = 0; y0 < s->h; y0 += bh) {
                for (uint32_t x0 = 0; x0 < s->w; x0 += bw) {
                    uint32_t rows = s->tile || y0 + bh <= s->h ? bh : s->h - y0;
                    memset(block, 0, (size_t)bw * bh * per_px * bps);
                    for (uint32_t y = 0; y < rows && y0 + y < s->h; y++)
                        for (uint32_t x = 0; x < bw && x0 + x < s->w; x++)
                            for (uint32_t c = 0; c < per_px; c++)
                                put(s, block, ((size_t)y * bw + x) * per_px + c,
                                    sample(s, x0 + x, y0 + y, separate ? plane : c));
                    tmsize_t size = (tmsize_t)((size_t)bw * rows * per_px * bps);
                    if (s->tile)
                        assert_true(TIFFWriteEncodedTile(tif, n, block, size) >= 0);
                    else
                        assert_true(TIFFWriteEncodedStrip(tif, n, block, size) >= 0);
                    n++;
                }
            }
        }
        free(block);
        assert_true(TIFFWriteDirectory(tif));
    }
    TIFFClose(tif);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc((size_t)n);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return data;
}

static int decode(const unsigned char *data, size_t len, image_t *img, char *err)
{
    return codec_tiff_decode(data, len, CODEC_DEFAULT_MAX_PIXELS, img, err, 256);
}

static uint32_t get(const image_t *img, uint32_t x, uint32_t y, uint32_t c)
{
    size_t i = ((size_t)y * (size_t)img->width + x) * (size_t)img->channels + c;
    return img->bits == 16 ? ((const uint16_t *)img->pixels)[i]
                           : ((const unsigned char *)img->pixels)[i];
}

/* The decoded pixels are exactly what spec wrote. */
static void assert_pixels(const image_t *img, const spec_t *s)
{
    assert_int_equal(img->width, s->w);
    assert_int_equal(img->height, s->h);
    assert_int_equal(img->channels, s->spp);
    assert_int_equal(img->bits, s->bits);
    for (uint32_t y = 0; y < s->h; y++)
        for (uint32_t x = 0; x < s->w; x++)
            for (uint32_t c = 0; c < s->spp; c++)
                if (get(img, x, y, c) != sample(s, x, y, c)) {
                    fail_msg("(%u,%u,%u) is %u, not %u", x, y, c, get(img, x, y, c),
                             sample(s, x, y, c));
                }
}

/* Encodes img with compression, decodes it again and returns it in *back;
 * *written gets the Compression tag of the file, read with libtiff. */
static void round_trip(const char *dir, const image_t *img, int compression, image_t *back,
                       uint16_t *written)
{
    codec_buffer_t buf = { 0 };
    char err[256] = "";
    assert_int_equal(codec_tiff_encode(img, compression, 90, &buf, err, sizeof err), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/round.tif", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf.data, 1, buf.len, f), buf.len);
    fclose(f);
    TIFF *tif = TIFFOpen(path, "r");
    assert_non_null(tif);
    uint16_t comp = 0;
    assert_true(TIFFGetField(tif, TIFFTAG_COMPRESSION, &comp));
    TIFFClose(tif);
    if (written != NULL)
        *written = comp;
    assert_int_equal(decode(buf.data, buf.len, back, err), 0);
    codec_buffer_free(&buf);
}

static void assert_same_pixels(const image_t *a, const image_t *b)
{
    assert_int_equal(a->width, b->width);
    assert_int_equal(a->height, b->height);
    assert_int_equal(a->channels, b->channels);
    assert_int_equal(a->bits, b->bits);
    assert_int_equal(a->alpha, b->alpha);
    assert_memory_equal(a->pixels, b->pixels, image_sample_count(a) * (size_t)(a->bits / 8));
}

static void test_grey8(void **state)
{
    spec_t s = { .w = 23, .h = 17, .spp = 1, .bits = 8, .photometric = PHOTOMETRIC_MINISBLACK };
    size_t len;
    unsigned char *data = make_tiff(*state, "g.tif", &s, &len);
    image_t img;
    char err[256] = "";
    assert_int_equal(decode(data, len, &img, err), 0);
    assert_pixels(&img, &s);
    assert_int_equal(img.alpha, 0);
    assert_int_equal(img.codec_hint, COMPRESSION_NONE);
    assert_int_equal(img.source_format, CODEC_TIFF);
    assert_int_equal(img.meta.pages, 1);
    assert_int_equal(img.meta.tag_count, 0);
    assert_int_equal(img.meta.has_resolution, 0);
    codec_header_t h;
    assert_int_equal(codec_tiff_probe(data, len, CODEC_DEFAULT_MAX_PIXELS, &h), 0);
    assert_int_equal(h.width, 23);
    assert_int_equal(h.height, 17);
    assert_int_equal(h.channels, 1);
    assert_int_equal(h.bits, 8);
    assert_int_equal(h.turned, 0);
    image_t back;
    uint16_t comp;
    round_trip(*state, &img, COMPRESSION_NONE, &back, &comp);
    assert_int_equal(comp, COMPRESSION_NONE);
    assert_same_pixels(&img, &back);
    image_free(&back);
    image_free(&img);
    free(data);
}

static void test_rgb16(void **state)
{
    spec_t s = { .w = 19, .h = 11, .spp = 3, .bits = 16, .photometric = PHOTOMETRIC_RGB };
    size_t len;
    unsigned char *data = make_tiff(*state, "rgb16.tif", &s, &len);
    image_t img, back;
    char err[256] = "";
    assert_int_equal(decode(data, len, &img, err), 0);
    assert_pixels(&img, &s);
    assert_int_equal(img.alpha, 0);
    assert_true(get(&img, 5, 5, 2) > 255);
    uint16_t comp;
    round_trip(*state, &img, -1, &back, &comp);
    assert_int_equal(comp, COMPRESSION_ADOBE_DEFLATE);
    assert_same_pixels(&img, &back);
    assert_pixels(&back, &s);
    image_free(&back);
    image_free(&img);
    free(data);
}

static void test_rgba_unassociated(void **state)
{
    spec_t s = { .w = 9, .h = 8, .spp = 4, .bits = 8, .photometric = PHOTOMETRIC_RGB,
                 .nextra = 1, .extra = { EXTRASAMPLE_UNASSALPHA } };
    size_t len;
    unsigned char *data = make_tiff(*state, "rgba.tif", &s, &len);
    image_t img, back;
    char err[256] = "";
    assert_int_equal(decode(data, len, &img, err), 0);
    assert_pixels(&img, &s);
    assert_int_equal(img.alpha, 1);
    round_trip(*state, &img, COMPRESSION_LZW, &back, NULL);
    assert_same_pixels(&img, &back);
    image_free(&back);
    image_free(&img);
    free(data);
}

static void test_five_bands(void **state)
{
    spec_t s = { .w = 10, .h = 9, .spp = 5, .bits = 16, .photometric = PHOTOMETRIC_RGB,
                 .nextra = 2, .extra = { EXTRASAMPLE_UNSPECIFIED, EXTRASAMPLE_UNSPECIFIED } };
    size_t len;
    unsigned char *data = make_tiff(*state, "bands.tif", &s, &len);
    image_t img, back;
    char err[256] = "";
    assert_int_equal(decode(data, len, &img, err), 0);
    assert_pixels(&img, &s);
    assert_int_equal(img.channels, 5);
    assert_int_equal(img.alpha, 0);
    round_trip(*state, &img, COMPRESSION_PACKBITS, &back, NULL);
    assert_int_equal(back.channels, 5);
    assert_int_equal(back.alpha, 0);
    assert_same_pixels(&img, &back);
    image_free(&back);
    image_free(&img);
    free(data);
}

static void test_planar_separate(void **state)
{
    spec_t s = { .w = 13, .h = 10, .spp = 3, .bits = 8, .photometric = PHOTOMETRIC_RGB,
                 .planar = PLANARCONFIG_SEPARATE, .rps = 4 };
    size_t len;
    unsigned char *data = make_tiff(*state, "planar.tif", &s, &len);
    image_t img;
    char err[256] = "";
    assert_int_equal(decode(data, len, &img, err), 0);
    assert_pixels(&img, &s);
    image_free(&img);
    free(data);
}

static void test_tiled(void **state)
{
    spec_t s = { .w = 40, .h = 24, .spp = 3, .bits = 8, .photometric = PHOTOMETRIC_RGB,
                 .tile = 16 };
    size_t len;
    unsigned char *data = make_tiff(*state, "tiled.tif", &s, &len);
    image_t img;
    char err[256] = "";
    assert_int_equal(decode(data, len, &img, err), 0);
    assert_pixels(&img, &s);
    image_free(&img);
    free(data);
    /* Tiles of separate planes, 16 bits. */
    spec_t p = { .w = 40, .h = 24, .spp = 2, .bits = 16, .photometric = PHOTOMETRIC_MINISBLACK,
                 .planar = PLANARCONFIG_SEPARATE, .tile = 16 };
    data = make_tiff(*state, "tiled2.tif", &p, &len);
    assert_int_equal(decode(data, len, &img, err), 0);
    assert_pixels(&img, &p);
    assert_int_equal(img.alpha, 0);  /* 2 channels without ExtraSamples alpha: bands */
    image_free(&img);
    free(data);
}

static void test_compressions_kept(void **state)
{
    static const uint16_t comps[] = { COMPRESSION_LZW, COMPRESSION_ADOBE_DEFLATE,
                                      COMPRESSION_DEFLATE, COMPRESSION_PACKBITS };
    for (size_t i = 0; i < sizeof comps / sizeof comps[0]; i++) {
        spec_t s = { .w = 30, .h = 20, .spp = 3, .bits = 8, .photometric = PHOTOMETRIC_RGB,
                     .compression = comps[i] };
        size_t len;
        unsigned char *data = make_tiff(*state, "comp.tif", &s, &len);
        image_t img, back;
        char err[256] = "";
        assert_int_equal(decode(data, len, &img, err), 0);
        assert_pixels(&img, &s);
        assert_int_equal(img.codec_hint, comps[i]);
        uint16_t comp = 0;
        round_trip(*state, &img, img.codec_hint, &back, &comp);
        assert_int_equal(comp, comps[i]);
        assert_int_equal(back.codec_hint, comps[i]);
        assert_same_pixels(&img, &back);
        image_free(&back);
        image_free(&img);
        free(data);
    }
}

/* Largest difference between img and a smooth gradient. */
static uint32_t jpeg_error(const image_t *img, const spec_t *s)
{
    uint32_t worst = 0;
    for (uint32_t y = 0; y < s->h; y++)
        for (uint32_t x = 0; x < s->w; x++)
            for (uint32_t c = 0; c < 3; c++) {
                uint32_t want = sample(s, x, y, c), got = get(img, x, y, c);
                uint32_t d = want > got ? want - got : got - want;
                worst = d > worst ? d : worst;
            }
    return worst;
}

static void test_jpeg(void **state)
{
    spec_t s = { .w = 16, .h = 16, .spp = 3, .bits = 8, .photometric = PHOTOMETRIC_YCBCR,
                 .compression = COMPRESSION_JPEG, .rps = 16 };
    size_t len;
    unsigned char *data = make_tiff(*state, "jpeg.tif", &s, &len);
    image_t img, back;
    char err[256] = "";
    assert_int_equal(decode(data, len, &img, err), 0);
    assert_int_equal(img.channels, 3);
    assert_int_equal(img.bits, 8);
    assert_int_equal(img.codec_hint, COMPRESSION_JPEG);
    assert_in_range(jpeg_error(&img, &s), 0, 24);
    uint16_t comp = 0;
    round_trip(*state, &img, COMPRESSION_JPEG, &back, &comp);
    assert_int_equal(comp, COMPRESSION_JPEG);
    assert_int_equal(back.channels, 3);
    assert_in_range(jpeg_error(&back, &s), 0, 32);
    image_free(&back);
    /* JPEG cannot hold alpha: Deflate instead. */
    image_t rgba;
    assert_int_equal(image_alloc(&rgba, 4, 4, 4, 8), 0);
    rgba.alpha = 1;
    round_trip(*state, &rgba, COMPRESSION_JPEG, &back, &comp);
    assert_int_equal(comp, COMPRESSION_ADOBE_DEFLATE);
    image_free(&back);
    image_free(&rgba);
    image_free(&img);
    free(data);
}

static void expect_refused(void **state, const spec_t *s, const char *reason)
{
    size_t len;
    unsigned char *data = make_tiff(*state, "refused.tif", s, &len);
    image_t img;
    char err[256] = "";
    assert_int_equal(decode(data, len, &img, err), -1);
    if (strstr(err, reason) == NULL)
        fail_msg("reason \"%s\" lacks \"%s\"", err, reason);
    assert_null(img.pixels);
    codec_header_t h;
    assert_int_equal(codec_tiff_probe(data, len, CODEC_DEFAULT_MAX_PIXELS, &h), -1);
    free(data);
}

static void test_refused_kinds(void **state)
{
    /* 16-bit (half) floats: the header is what counts. */
    expect_refused(state, &(spec_t){ .w = 4, .h = 4, .spp = 1, .bits = 16,
                                     .photometric = PHOTOMETRIC_MINISBLACK,
                                     .format = SAMPLEFORMAT_IEEEFP }, "unsupported: floating-point");
    expect_refused(state, &(spec_t){ .w = 4, .h = 4, .spp = 4, .bits = 8,
                                     .photometric = PHOTOMETRIC_SEPARATED },
                   "unsupported: CMYK TIFF; convert it to RGB first");
    expect_refused(state, &(spec_t){ .w = 4, .h = 4, .spp = 1, .bits = 16,
                                     .photometric = PHOTOMETRIC_MINISBLACK,
                                     .format = SAMPLEFORMAT_INT }, "unsupported: signed");
}

static void test_truncated(void **state)
{
    static const uint16_t comps[] = { COMPRESSION_NONE, COMPRESSION_ADOBE_DEFLATE };
    for (size_t i = 0; i < 2; i++) {
        spec_t s = { .w = 64, .h = 64, .spp = 3, .bits = 8, .photometric = PHOTOMETRIC_RGB,
                     .compression = comps[i] };
        size_t len;
        unsigned char *data = make_tiff(*state, "cut.tif", &s, &len);
        image_t img;
        char err[256] = "";
        assert_int_equal(decode(data, len / 2, &img, err), -1);
        if (strncmp(err, "cannot decode: ", 15) != 0)
            fail_msg("reason \"%s\"", err);
        assert_null(img.pixels);
        free(data);
    }
}

/* A little-endian TIFF of one IFD: side x side 8-bit grey in one strip of
 * count bytes, of which the file holds 16, right after the IFD. */
static size_t grey_ifd(unsigned char *p, uint16_t compression, uint32_t side, uint32_t count)
{
    static const uint16_t tags[][2] = { { 256, 4 }, { 257, 4 }, { 258, 3 }, { 259, 3 },
                                        { 262, 3 }, { 273, 4 }, { 277, 3 }, { 278, 4 },
                                        { 279, 4 } };
    uint32_t values[] = { side, side, 8, compression, 1, 8 + 2 + 9 * 12 + 4, 1, side, count };
    memset(p, 0, 256);
    memcpy(p, "II*\0\x08\0\0\0", 8);
    p[8] = 9;
    for (int i = 0; i < 9; i++) {
        unsigned char *e = p + 10 + 12 * i;
        e[0] = (unsigned char)tags[i][0];
        e[1] = (unsigned char)(tags[i][0] >> 8);
        e[2] = (unsigned char)tags[i][1];
        e[4] = 1;
        uint32_t v = values[i];
        e[8] = (unsigned char)v;
        e[9] = (unsigned char)(v >> 8);
        if (tags[i][1] == 4) {
            e[10] = (unsigned char)(v >> 16);
            e[11] = (unsigned char)(v >> 24);
        }
    }
    return 8 + 2 + 9 * 12 + 4 + 16;
}

static void test_header_bomb(void **state)
{
    (void)state;
    unsigned char file[256];
    char err[256] = "";
    image_t img;
    size_t len = grey_ifd(file, COMPRESSION_NONE, 60000, 16);
    /* With the default limit: too large. */
    assert_int_equal(decode(file, len, &img, err), -1);
    assert_non_null(strstr(err, "image too large"));
    /* With the limit raised: the strip cannot hold the pixels. */
    for (int i = 0; i < 2; i++) {
        len = grey_ifd(file, i == 0 ? COMPRESSION_NONE : COMPRESSION_ADOBE_DEFLATE, 60000, 16);
        err[0] = '\0';
        assert_int_equal(codec_tiff_decode(file, len, 1ull << 40, &img, err, sizeof err), -1);
        if (strstr(err, "cannot decode: truncated TIFF") == NULL)
            fail_msg("reason \"%s\"", err);
        codec_header_t h;
        assert_int_equal(codec_tiff_probe(file, len, 1ull << 40, &h), -1);
    }
}

/* The directory comes first and the strip is cut: refused from the header,
 * not filled with zeros. */
static void test_strip_cut(void **state)
{
    (void)state;
    unsigned char file[256];
    char err[256] = "";
    image_t img;
    size_t len = grey_ifd(file, COMPRESSION_NONE, 64, 4096);
    assert_int_equal(decode(file, len, &img, err), -1);
    assert_string_equal(err, "cannot decode: truncated TIFF (strip 0 ends past the end of the "
                             "file)");
    assert_null(img.pixels);
    /* The same strip whole decodes. */
    unsigned char *whole = calloc(1, len - 16 + 4096);
    assert_non_null(whole);
    memcpy(whole, file, len);
    memset(whole + len - 16, 77, 4096);
    assert_int_equal(decode(whole, len - 16 + 4096, &img, err), 0);
    assert_int_equal(img.width, 64);
    assert_int_equal(get(&img, 63, 63, 0), 77);
    image_free(&img);
    free(whole);
}

static void test_pages(void **state)
{
    spec_t s = { .w = 5, .h = 4, .spp = 1, .bits = 8, .photometric = PHOTOMETRIC_MINISBLACK,
                 .pages = 2 };
    size_t len;
    unsigned char *data = make_tiff(*state, "pages.tif", &s, &len);
    image_t img;
    char err[256] = "";
    assert_int_equal(decode(data, len, &img, err), 0);
    assert_pixels(&img, &s);
    assert_int_equal(img.meta.pages, 2);
    image_free(&img);
    free(data);
}

static void test_miniswhite(void **state)
{
    spec_t s = { .w = 6, .h = 5, .spp = 1, .bits = 8, .photometric = PHOTOMETRIC_MINISWHITE };
    size_t len;
    unsigned char *data = make_tiff(*state, "white.tif", &s, &len);
    image_t img;
    char err[256] = "";
    assert_int_equal(decode(data, len, &img, err), 0);
    for (uint32_t y = 0; y < 5; y++)
        for (uint32_t x = 0; x < 6; x++)
            assert_int_equal(get(&img, x, y, 0), 255 - sample(&s, x, y, 0));
    image_free(&img);
    free(data);
}

static void test_palette(void **state)
{
    spec_t s = { .w = 7, .h = 5, .spp = 1, .bits = 8, .photometric = PHOTOMETRIC_PALETTE };
    size_t len;
    unsigned char *data = make_tiff(*state, "palette.tif", &s, &len);
    image_t img;
    char err[256] = "";
    assert_int_equal(decode(data, len, &img, err), 0);
    assert_int_equal(img.channels, 3);
    assert_int_equal(img.bits, 8);
    assert_int_equal(img.alpha, 0);
    for (uint32_t y = 0; y < 5; y++)
        for (uint32_t x = 0; x < 7; x++) {
            uint32_t v = sample(&s, x, y, 0);
            assert_int_equal(get(&img, x, y, 0), v);
            assert_int_equal(get(&img, x, y, 1), 255 - v);
            assert_int_equal(get(&img, x, y, 2), v * 3 & 255);
        }
    codec_header_t h;
    assert_int_equal(codec_tiff_probe(data, len, CODEC_DEFAULT_MAX_PIXELS, &h), 0);
    assert_int_equal(h.channels, 3);
    image_free(&img);
    free(data);
}

static void test_orientation(void **state)
{
    /* Orientation 6: stored 3 wide and 2 high, shown turned clockwise. */
    spec_t s = { .w = 3, .h = 2, .spp = 1, .bits = 8, .photometric = PHOTOMETRIC_MINISBLACK,
                 .orientation = 6 };
    size_t len;
    unsigned char *data = make_tiff(*state, "turned.tif", &s, &len);
    image_t img;
    char err[256] = "";
    assert_int_equal(decode(data, len, &img, err), 0);
    assert_int_equal(img.width, 2);
    assert_int_equal(img.height, 3);
    /* The shown top-left is the stored bottom-left. */
    assert_int_equal(get(&img, 0, 0, 0), sample(&s, 0, 1, 0));
    assert_int_equal(get(&img, 1, 0, 0), sample(&s, 0, 0, 0));
    assert_int_equal(get(&img, 1, 2, 0), sample(&s, 2, 0, 0));
    codec_header_t h;
    assert_int_equal(codec_tiff_probe(data, len, CODEC_DEFAULT_MAX_PIXELS, &h), 0);
    assert_int_equal(h.width, 2);
    assert_int_equal(h.height, 3);
    assert_int_equal(h.turned, 1);
    image_free(&img);
    free(data);
}

static void assert_same_tags(const image_meta_t *a, const image_meta_t *b)
{
    assert_int_equal(a->tag_count, b->tag_count);
    for (size_t i = 0; i < a->tag_count; i++) {
        assert_int_equal(a->tags[i].tag, b->tags[i].tag);
        assert_int_equal(a->tags[i].type, b->tags[i].type);
        assert_int_equal(a->tags[i].count, b->tags[i].count);
        assert_int_equal(a->tags[i].len, b->tags[i].len);
        assert_memory_equal(a->tags[i].data, b->tags[i].data, a->tags[i].len);
    }
}

static void test_geotiff_tags(void **state)
{
    spec_t s = { .w = 8, .h = 6, .spp = 1, .bits = 16, .photometric = PHOTOMETRIC_MINISBLACK,
                 .geo = 1 };
    size_t len;
    unsigned char *data = make_tiff(*state, "geo.tif", &s, &len);
    image_t img, back;
    char err[256] = "";
    assert_int_equal(decode(data, len, &img, err), 0);
    const image_meta_t *m = &img.meta;
    assert_int_equal(m->tag_count, 8);
    static const struct { uint16_t tag, type; uint32_t count; const void *data; } want[] = {
        { 33550, TIFF_DOUBLE, 3, pixel_scale },  { 33922, TIFF_DOUBLE, 6, tiepoint },
        { 34264, TIFF_DOUBLE, 16, transform },   { 34735, TIFF_SHORT, 12, geokeys },
        { 34736, TIFF_DOUBLE, 2, geodoubles },   { 34737, TIFF_ASCII, sizeof geoascii, geoascii },
        { 42112, TIFF_ASCII, sizeof gdal_meta, gdal_meta },
        { 42113, TIFF_ASCII, sizeof gdal_nodata, gdal_nodata },
    };
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(m->tags[i].tag, want[i].tag);
        assert_int_equal(m->tags[i].type, want[i].type);
        assert_int_equal(m->tags[i].count, want[i].count);
        size_t size = want[i].count * (size_t)TIFFDataWidth((TIFFDataType)want[i].type);
        assert_int_equal(m->tags[i].len, size);
        assert_memory_equal(m->tags[i].data, want[i].data, size);
    }
    round_trip(*state, &img, img.codec_hint, &back, NULL);
    assert_same_tags(&img.meta, &back.meta);
    assert_same_pixels(&img, &back);
    image_free(&back);
    image_free(&img);
    free(data);
}

static void test_icc_resolution(void **state)
{
    spec_t s = { .w = 8, .h = 6, .spp = 3, .bits = 8, .photometric = PHOTOMETRIC_RGB,
                 .icc_dpi = 1 };
    size_t len;
    unsigned char *data = make_tiff(*state, "icc.tif", &s, &len);
    image_t img, back;
    char err[256] = "";
    assert_int_equal(decode(data, len, &img, err), 0);
    assert_int_equal(img.meta.icc_len, 200);
    for (int i = 0; i < 200; i++)
        assert_int_equal(img.meta.icc[i], (unsigned char)(i * 31 + 7));
    assert_int_equal(img.meta.has_resolution, 1);
    assert_int_equal(img.meta.res_unit, META_RES_INCH);
    assert_true(img.meta.res_x == 300.0 && img.meta.res_y == 300.0);
    round_trip(*state, &img, img.codec_hint, &back, NULL);
    assert_int_equal(back.meta.icc_len, 200);
    assert_memory_equal(back.meta.icc, img.meta.icc, 200);
    assert_int_equal(back.meta.has_resolution, 1);
    assert_int_equal(back.meta.res_unit, META_RES_INCH);
    assert_true(back.meta.res_x == 300.0 && back.meta.res_y == 300.0);
    image_free(&back);
    image_free(&img);
    free(data);
}

static void test_deterministic(void **state)
{
    spec_t s = { .w = 50, .h = 40, .spp = 4, .bits = 16, .photometric = PHOTOMETRIC_RGB,
                 .nextra = 1, .extra = { EXTRASAMPLE_UNASSALPHA }, .geo = 1, .icc_dpi = 1 };
    size_t len;
    unsigned char *data = make_tiff(*state, "det.tif", &s, &len);
    image_t img;
    char err[256] = "";
    assert_int_equal(decode(data, len, &img, err), 0);
    codec_buffer_t a = { 0 }, b = { 0 };
    assert_int_equal(codec_tiff_encode(&img, COMPRESSION_LZW, 90, &a, err, sizeof err), 0);
    assert_int_equal(codec_tiff_encode(&img, COMPRESSION_LZW, 90, &b, err, sizeof err), 0);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    codec_buffer_free(&a);
    codec_buffer_free(&b);
    image_free(&img);
    free(data);
}

int main(void)
{
    codec_tiff_init();
    /* The fixture writer's warnings (legacy Deflate) are expected. */
    TIFFSetWarningHandler(NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_grey8, scratch_make, scratch_remove),
        cmocka_unit_test_setup_teardown(test_rgb16, scratch_make, scratch_remove),
        cmocka_unit_test_setup_teardown(test_rgba_unassociated, scratch_make, scratch_remove),
        cmocka_unit_test_setup_teardown(test_five_bands, scratch_make, scratch_remove),
        cmocka_unit_test_setup_teardown(test_planar_separate, scratch_make, scratch_remove),
        cmocka_unit_test_setup_teardown(test_tiled, scratch_make, scratch_remove),
        cmocka_unit_test_setup_teardown(test_compressions_kept, scratch_make, scratch_remove),
        cmocka_unit_test_setup_teardown(test_jpeg, scratch_make, scratch_remove),
        cmocka_unit_test_setup_teardown(test_refused_kinds, scratch_make, scratch_remove),
        cmocka_unit_test_setup_teardown(test_truncated, scratch_make, scratch_remove),
        cmocka_unit_test(test_header_bomb),
        cmocka_unit_test(test_strip_cut),
        cmocka_unit_test_setup_teardown(test_pages, scratch_make, scratch_remove),
        cmocka_unit_test_setup_teardown(test_miniswhite, scratch_make, scratch_remove),
        cmocka_unit_test_setup_teardown(test_palette, scratch_make, scratch_remove),
        cmocka_unit_test_setup_teardown(test_orientation, scratch_make, scratch_remove),
        cmocka_unit_test_setup_teardown(test_geotiff_tags, scratch_make, scratch_remove),
        cmocka_unit_test_setup_teardown(test_icc_resolution, scratch_make, scratch_remove),
        cmocka_unit_test_setup_teardown(test_deterministic, scratch_make, scratch_remove),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else
/* The pure-stb build has no libtiff: one test, skipped, says so. */
static void built_without_libtiff(void **state)
{
    (void)state;
    skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(built_without_libtiff) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#endif
