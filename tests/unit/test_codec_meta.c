/* Unit tests for codec_meta: JPEG and PNG metadata written around what the
 * codec's encoders produce and read back, field by field, and hostile
 * segments and chunks that must give no metadata rather than a crash. The
 * inputs are built here from codec_encode's output, so no fixture files or
 * Python are needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "codec.h"
#include "codec_formats.h"
#include "imgmeta.h"
#include "pngwrite.h"

#define W 24
#define H 16

static int setup(void **state)
{
    (void)state;
    codec_init();
    return 0;
}

/* An image with a left-right and top-bottom asymmetry, so a turn shows. */
static void make_image(image_t *img)
{
    assert_int_equal(image_alloc(img, W, H, 3, 8), 0);
    unsigned char *p = img->pixels;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            unsigned char *px = p + 3 * (y * W + x);
            px[0] = (unsigned char)(x * 10);
            px[1] = (unsigned char)(y * 15);
            px[2] = x < 4 || y < 3 ? 250 : 20;
        }
}

static void encode(codec_format_t format, codec_buffer_t *buf)
{
    image_t img;
    char err[256] = "";
    make_image(&img);
    memset(buf, 0, sizeof *buf);
    assert_int_equal(codec_encode(&img, format, 90, buf, err, sizeof err), 0);
    image_free(&img);
}

static void copy_buffer(const codec_buffer_t *from, codec_buffer_t *to)
{
    memset(to, 0, sizeof *to);
    assert_int_equal(bytebuf_append(to, from->data, from->len), 0);
}

/* Decodes both and checks they hold the same pixels. */
static void assert_same_pixels(const codec_buffer_t *a, const codec_buffer_t *b)
{
    image_t ia, ib;
    char err[256] = "";
    assert_int_equal(codec_decode(a->data, a->len, CODEC_DEFAULT_MAX_PIXELS, &ia, err, sizeof err), 0);
    assert_int_equal(codec_decode(b->data, b->len, CODEC_DEFAULT_MAX_PIXELS, &ib, err, sizeof err), 0);
    assert_int_equal(ia.width, ib.width);
    assert_int_equal(ia.height, ib.height);
    assert_int_equal(ia.channels, ib.channels);
    assert_memory_equal(ia.pixels, ib.pixels, image_sample_count(&ia));
    image_free(&ia);
    image_free(&ib);
}

static unsigned char *pattern(size_t len, unsigned seed)
{
    unsigned char *p = malloc(len);
    assert_non_null(p);
    for (size_t i = 0; i < len; i++)
        p[i] = (unsigned char)((i * 7 + seed + (i >> 8)) & 0xFF);
    return p;
}

static void set_icc(image_meta_t *meta, size_t len)
{
    unsigned char *p = pattern(len, 3);
    assert_int_equal(image_meta_set_bytes(&meta->icc, &meta->icc_len, p, len), 0);
    free(p);
}

/* A small EXIF TIFF structure: IFD0 with ImageDescription-like ASCII tag
 * 0x010E ("noise"), Orientation and no next IFD. */
static size_t make_exif(unsigned char *e, int big, int orientation)
{
    static const unsigned char be[] = {
        'M', 'M', 0, 42, 0, 0, 0, 8,
        0, 2,
        0x01, 0x0E, 0, 2, 0, 0, 0, 6, 0, 0, 0, 38,
        0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 9, 0, 0,
        0, 0, 0, 0,
        'n', 'o', 'i', 's', 'e', 0,
    };
    static const unsigned char le[] = {
        'I', 'I', 42, 0, 8, 0, 0, 0,
        2, 0,
        0x0E, 0x01, 2, 0, 6, 0, 0, 0, 38, 0, 0, 0,
        0x12, 0x01, 3, 0, 1, 0, 0, 0, 9, 0, 0, 0,
        0, 0, 0, 0,
        'n', 'o', 'i', 's', 'e', 0,
    };
    memcpy(e, big ? be : le, sizeof be);
    /* The Orientation value: the first two bytes of entry 2's value field. */
    e[30 + (big ? 1 : 0)] = (unsigned char)orientation;
    return sizeof be;
}

/* Offset of the first JPEG segment with this marker, or 0. */
static size_t jpeg_find(const codec_buffer_t *b, unsigned marker, size_t from)
{
    size_t pos = from;
    while (pos + 4 <= b->len && b->data[pos] == 0xFF && b->data[pos + 1] != 0xDA) {
        if (b->data[pos + 1] == marker)
            return pos;
        pos += 2 + ((size_t)b->data[pos + 2] << 8 | b->data[pos + 3]);
    }
    return 0;
}

static void jpeg_carries_icc_density_and_exif(void **state)
{
    (void)state;
    codec_buffer_t plain, buf;
    encode(CODEC_JPEG, &plain);
    copy_buffer(&plain, &buf);
    image_meta_t meta;
    image_meta_init(&meta);
    set_icc(&meta, 70000);
    meta.has_resolution = 1;
    meta.res_unit = META_RES_INCH;
    meta.res_x = meta.res_y = 300;
    unsigned char exif[64];
    size_t exif_len = make_exif(exif, 0, 1);
    assert_int_equal(image_meta_set_bytes(&meta.exif, &meta.exif_len, exif, exif_len), 0);
    assert_int_equal(codec_meta_write_jpeg(&buf, &meta), 0);

    /* SOI, the JFIF APP0 with 300 dpi, APP1, two APP2 (65519 + 4481). */
    const unsigned char *d = buf.data;
    assert_int_equal(buf.len, plain.len + (4 + 6 + exif_len) + 2 * (4 + 14) + 70000);
    assert_memory_equal(d, "\xFF\xD8\xFF\xE0", 4);
    assert_memory_equal(d + 6, "JFIF\0", 5);
    assert_int_equal(d[13], 1);
    assert_int_equal(d[14] << 8 | d[15], 300);
    assert_int_equal(d[16] << 8 | d[17], 300);
    size_t app1 = jpeg_find(&buf, 0xE1, 2);
    assert_int_equal(app1, 20);
    assert_memory_equal(d + app1 + 4, "Exif\0\0", 6);
    size_t app2 = jpeg_find(&buf, 0xE2, 2);
    assert_int_equal(app2, app1 + 4 + 6 + exif_len);
    assert_int_equal(d[app2 + 2] << 8 | d[app2 + 3], 65535);  /* 2 + 14 + 65519 */
    assert_memory_equal(d + app2 + 4, "ICC_PROFILE\0\1\2", 14);
    size_t app2b = app2 + 2 + 65535;
    assert_int_equal(jpeg_find(&buf, 0xE2, app2b), app2b);
    assert_int_equal(d[app2b + 2] << 8 | d[app2b + 3], 2 + 14 + 70000 - 65519);
    assert_memory_equal(d + app2b + 4, "ICC_PROFILE\0\2\2", 14);
    /* Everything after the encoder's APP0 is the encoder's. */
    size_t rest = 2 + 2 + ((size_t)plain.data[4] << 8 | plain.data[5]);
    assert_memory_equal(d + buf.len - (plain.len - rest), plain.data + rest, plain.len - rest);

    image_meta_t back;
    image_meta_init(&back);
    assert_int_equal(codec_meta_read_jpeg(buf.data, buf.len, &back), 0);
    assert_int_equal(back.icc_len, 70000);
    assert_memory_equal(back.icc, meta.icc, 70000);
    assert_int_equal(back.has_resolution, 1);
    assert_int_equal(back.res_unit, META_RES_INCH);
    assert_true(back.res_x == 300.0 && back.res_y == 300.0);
    assert_int_equal(back.exif_len, exif_len);
    assert_memory_equal(back.exif, exif, exif_len);
    assert_int_equal(back.has_gamma, 0);
    assert_int_equal(back.text_count, 0);
    image_meta_free(&back);

    /* Through the codec: same pixels, same metadata. */
    assert_same_pixels(&plain, &buf);
    image_t img;
    char err[256] = "";
    assert_int_equal(codec_decode(buf.data, buf.len, CODEC_DEFAULT_MAX_PIXELS, &img, err, sizeof err), 0);
    assert_int_equal(img.meta.icc_len, 70000);
    assert_int_equal(img.meta.exif_len, exif_len);
    image_free(&img);

    image_meta_free(&meta);
    bytebuf_free(&buf);
    bytebuf_free(&plain);
}

static void jpeg_exif_orientation_reads_as_one(void **state)
{
    (void)state;
    for (int big = 0; big <= 1; big++) {
        codec_buffer_t buf;
        encode(CODEC_JPEG, &buf);
        image_meta_t meta, back;
        image_meta_init(&meta);
        image_meta_init(&back);
        unsigned char exif[64], upright[64];
        size_t n = make_exif(exif, big, 6);
        make_exif(upright, big, 1);
        assert_int_equal(image_meta_set_bytes(&meta.exif, &meta.exif_len, exif, n), 0);
        assert_int_equal(codec_meta_write_jpeg(&buf, &meta), 0);
        assert_int_equal(codec_meta_read_jpeg(buf.data, buf.len, &back), 0);
        assert_int_equal(back.exif_len, n);
        assert_memory_equal(back.exif, upright, n);
        assert_int_equal(back.exif[30 + big], 1);
        assert_int_equal(back.has_resolution, 0);  /* the encoder's JFIF 0/1:1 */
        assert_int_equal(back.icc_len, 0);
        image_meta_free(&meta);
        image_meta_free(&back);
        bytebuf_free(&buf);
    }
}

/* Writes a density and reads back unit and values, and checks JFIF's. */
static void check_jpeg_density(codec_buffer_t *buf, meta_res_unit_t unit, double x, double y,
                               int want_units, int want_x, int want_y)
{
    image_meta_t meta, back;
    image_meta_init(&meta);
    image_meta_init(&back);
    meta.has_resolution = 1;
    meta.res_unit = unit;
    meta.res_x = x;
    meta.res_y = y;
    assert_int_equal(codec_meta_write_jpeg(buf, &meta), 0);
    size_t app0 = jpeg_find(buf, 0xE0, 2);
    assert_int_equal(app0, 2);
    const unsigned char *j = buf->data + app0 + 4;
    assert_memory_equal(j, "JFIF\0", 5);
    assert_int_equal(j[7], want_units);
    assert_int_equal(j[8] << 8 | j[9], want_x);
    assert_int_equal(j[10] << 8 | j[11], want_y);
    assert_int_equal(jpeg_find(buf, 0xE0, app0 + 2 + (j[-2] << 8 | j[-1])), 0);  /* one APP0 */
    assert_int_equal(codec_meta_read_jpeg(buf->data, buf->len, &back), 0);
    assert_int_equal(back.has_resolution, 1);
    assert_int_equal(back.res_unit, unit);
    assert_true(back.res_x == want_x && back.res_y == want_y);
    image_meta_free(&back);
}

static void jpeg_density_units_and_fresh_app0(void **state)
{
    (void)state;
    codec_buffer_t plain, buf;
    encode(CODEC_JPEG, &plain);
    copy_buffer(&plain, &buf);
    check_jpeg_density(&buf, META_RES_CM, 72, 72, 2, 72, 72);
    bytebuf_free(&buf);
    copy_buffer(&plain, &buf);
    check_jpeg_density(&buf, META_RES_ASPECT, 1, 2, 0, 1, 2);
    /* Rounded and clamped into JFIF's 16 bits. */
    bytebuf_free(&buf);
    copy_buffer(&plain, &buf);
    check_jpeg_density(&buf, META_RES_INCH, 99999.0, 0.4, 1, 65535, 1);
    assert_int_equal(buf.len, plain.len);
    assert_same_pixels(&plain, &buf);
    bytebuf_free(&buf);

    /* An encoder stream without APP0 gets a fresh JFIF 1.01 one. */
    assert_memory_equal(plain.data + 2, "\xFF\xE0", 2);
    size_t app0_len = 2 + ((size_t)plain.data[4] << 8 | plain.data[5]);
    memset(&buf, 0, sizeof buf);
    assert_int_equal(bytebuf_append(&buf, plain.data, 2), 0);
    assert_int_equal(bytebuf_append(&buf, plain.data + 2 + app0_len, plain.len - 2 - app0_len), 0);
    size_t bare = buf.len;
    check_jpeg_density(&buf, META_RES_INCH, 300, 150, 1, 300, 150);
    assert_int_equal(buf.len, bare + 18);
    assert_memory_equal(buf.data + 2, "\xFF\xE0\x00\x10JFIF\0\x01\x01\x01\x01\x2C\x00\x96\0\0", 18);
    assert_memory_equal(buf.data + 20, plain.data + 2 + app0_len, plain.len - 2 - app0_len);
    bytebuf_free(&buf);
    bytebuf_free(&plain);
}

/* A JPEG by hand: SOI, the given segments, then SOS and EOI. */
static void hand_jpeg(codec_buffer_t *b)
{
    memset(b, 0, sizeof *b);
    assert_int_equal(bytebuf_append(b, "\xFF\xD8", 2), 0);
}

static void hand_segment(codec_buffer_t *b, unsigned marker, const void *head, size_t head_len,
                         const unsigned char *data, size_t len)
{
    unsigned char m[4] = { 0xFF, (unsigned char)marker, (unsigned char)((2 + head_len + len) >> 8),
                           (unsigned char)(2 + head_len + len) };
    assert_int_equal(bytebuf_append(b, m, 4), 0);
    assert_int_equal(bytebuf_append(b, head, head_len), 0);
    assert_int_equal(bytebuf_append(b, data, len), 0);
}

static void hand_icc(codec_buffer_t *b, const unsigned char *icc, int seq, int count, size_t at,
                     size_t n)
{
    unsigned char head[14];
    memcpy(head, "ICC_PROFILE\0", 12);
    head[12] = (unsigned char)seq;
    head[13] = (unsigned char)count;
    hand_segment(b, 0xE2, head, sizeof head, icc + at, n);
}

static void hand_end(codec_buffer_t *b)
{
    assert_int_equal(bytebuf_append(b, "\xFF\xDA\x00\x02\x12\x34\xFF\xD9", 8), 0);
}

static size_t read_icc_len(const codec_buffer_t *b, image_meta_t *back)
{
    image_meta_init(back);
    assert_int_equal(codec_meta_read_jpeg(b->data, b->len, back), 0);
    return back->icc_len;
}

static void jpeg_icc_segments_in_any_order_or_none(void **state)
{
    (void)state;
    unsigned char *icc = pattern(3000, 11);
    codec_buffer_t b;
    image_meta_t back;

    /* Segments 2, 3, 1: reassembled by sequence number. */
    hand_jpeg(&b);
    hand_icc(&b, icc, 2, 3, 1000, 1200);
    hand_icc(&b, icc, 3, 3, 2200, 800);
    hand_segment(&b, 0xDB, "", 0, icc, 10);  /* an unrelated segment between */
    hand_icc(&b, icc, 1, 3, 0, 1000);
    hand_end(&b);
    assert_int_equal(read_icc_len(&b, &back), 3000);
    assert_memory_equal(back.icc, icc, 3000);
    image_meta_free(&back);
    bytebuf_free(&b);

    /* Segment 2 of 3 missing: no profile. */
    hand_jpeg(&b);
    hand_icc(&b, icc, 1, 3, 0, 1000);
    hand_icc(&b, icc, 3, 3, 2200, 800);
    hand_end(&b);
    assert_int_equal(read_icc_len(&b, &back), 0);
    assert_null(back.icc);
    image_meta_free(&back);
    bytebuf_free(&b);

    /* Counts that disagree, a repeated number, a number past the count. */
    static const int cases[3][4] = { { 1, 2, 2, 3 }, { 1, 2, 1, 2 }, { 1, 1, 2, 1 } };
    for (int i = 0; i < 3; i++) {
        hand_jpeg(&b);
        hand_icc(&b, icc, cases[i][0], cases[i][1], 0, 1000);
        hand_icc(&b, icc, cases[i][2], cases[i][3], 1000, 1000);
        hand_end(&b);
        assert_int_equal(read_icc_len(&b, &back), 0);
        image_meta_free(&back);
        bytebuf_free(&b);
    }

    /* A segment after SOS is not metadata. */
    hand_jpeg(&b);
    hand_end(&b);
    hand_icc(&b, icc, 1, 1, 0, 100);
    assert_int_equal(read_icc_len(&b, &back), 0);
    image_meta_free(&back);
    bytebuf_free(&b);
    free(icc);
}

static void jpeg_malformed_lengths_keep_what_came_before(void **state)
{
    (void)state;
    unsigned char exif[64];
    size_t n = make_exif(exif, 1, 6);
    codec_buffer_t b;
    image_meta_t back;

    /* APP0 at 72 dpcm, then an APP1 whose length runs past the end. */
    hand_jpeg(&b);
    hand_segment(&b, 0xE0, "JFIF\0\x01\x02\x02\x00\x48\x00\x48\0\0", 14, NULL, 0);
    hand_segment(&b, 0xE1, "Exif\0\0", 6, exif, n);
    b.data[b.len - n - 6 - 2] = 0x7F;  /* the APP1 length's high byte */
    image_meta_init(&back);
    assert_int_equal(codec_meta_read_jpeg(b.data, b.len, &back), 0);
    assert_int_equal(back.exif_len, 0);
    assert_int_equal(back.has_resolution, 1);
    assert_int_equal(back.res_unit, META_RES_CM);
    assert_true(back.res_x == 72.0 && back.res_y == 72.0);
    image_meta_free(&back);

    /* A length of 1 (less than itself) ends the walk too. */
    b.data[b.len - n - 6 - 2] = 0;
    b.data[b.len - n - 6 - 1] = 1;
    image_meta_init(&back);
    assert_int_equal(codec_meta_read_jpeg(b.data, b.len, &back), 0);
    assert_int_equal(back.exif_len, 0);
    assert_int_equal(back.has_resolution, 1);
    image_meta_free(&back);
    bytebuf_free(&b);

    /* An EXIF block whose IFD0 points past its end is not kept. */
    hand_jpeg(&b);
    exif[7] = 200;
    hand_segment(&b, 0xE1, "Exif\0\0", 6, exif, n);
    hand_end(&b);
    image_meta_init(&back);
    assert_int_equal(codec_meta_read_jpeg(b.data, b.len, &back), 0);
    assert_int_equal(back.exif_len, 0);
    assert_null(back.exif);
    image_meta_free(&back);
    bytebuf_free(&b);

    /* Every prefix of a JPEG with all three kinds reads without harm. */
    codec_buffer_t full;
    encode(CODEC_JPEG, &full);
    image_meta_t meta;
    image_meta_init(&meta);
    set_icc(&meta, 2000);
    n = make_exif(exif, 0, 3);
    assert_int_equal(image_meta_set_bytes(&meta.exif, &meta.exif_len, exif, n), 0);
    meta.has_resolution = 1;
    meta.res_unit = META_RES_INCH;
    meta.res_x = meta.res_y = 72;
    assert_int_equal(codec_meta_write_jpeg(&full, &meta), 0);
    for (size_t len = 0; len <= full.len; len++) {
        unsigned char *copy = malloc(len + 1);
        assert_non_null(copy);
        memcpy(copy, full.data, len);
        image_meta_init(&back);
        assert_int_equal(codec_meta_read_jpeg(copy, len, &back), 0);
        assert_true(back.icc_len == 0 || back.icc_len == 2000);
        image_meta_free(&back);
        free(copy);
    }
    image_meta_free(&meta);
    bytebuf_free(&full);
}

static void empty_meta_leaves_both_formats_byte_identical(void **state)
{
    (void)state;
    static const codec_format_t formats[2] = { CODEC_JPEG, CODEC_PNG };
    for (int f = 0; f < 2; f++) {
        codec_buffer_t plain, buf;
        encode(formats[f], &plain);
        copy_buffer(&plain, &buf);
        unsigned char *before = buf.data;
        image_meta_t meta;
        image_meta_init(&meta);
        int rc = f == 0 ? codec_meta_write_jpeg(&buf, &meta) : codec_meta_write_png(&buf, &meta);
        assert_int_equal(rc, 0);
        assert_ptr_equal(buf.data, before);
        assert_int_equal(buf.len, plain.len);
        assert_memory_equal(buf.data, plain.data, plain.len);
        if (f == 0) {
            /* Nothing JPEG can carry: PNG's colour chunks and text. */
            meta.has_gamma = 1;
            meta.gamma = 45455;
            meta.srgb_intent = 0;
            assert_int_equal(image_meta_add_text(&meta, "tEXt", "a\0b", 3), 0);
            assert_int_equal(codec_meta_write_jpeg(&buf, &meta), 0);
            assert_int_equal(buf.len, plain.len);
            assert_memory_equal(buf.data, plain.data, plain.len);
        }
        image_meta_free(&meta);
        bytebuf_free(&buf);
        bytebuf_free(&plain);
    }
}

/* --- PNG ------------------------------------------------------------------ */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The types of a PNG's chunks, joined: "IHDR cHRM ... IEND". */
static void png_types(const codec_buffer_t *b, char *out, size_t outlen)
{
    size_t pos = 8, used = 0;
    out[0] = '\0';
    while (pos + 12 <= b->len && used + 6 < outlen) {
        size_t n = be32(b->data + pos);
        /* Every chunk's CRC is right. */
        assert_int_equal(pngwrite_crc32(0, b->data + pos + 4, n + 4), be32(b->data + pos + 8 + n));
        if (used == 0 || memcmp(out + used - 4, b->data + pos + 4, 4) != 0 ||
            memcmp(b->data + pos + 4, "IDAT", 4) != 0)
            used += (size_t)snprintf(out + used, outlen - used, "%s%.4s", used ? " " : "",
                                     (const char *)b->data + pos + 4);
        pos += 12 + n;
    }
}

/* The data of the first chunk of this type, or NULL. */
static const unsigned char *png_chunk(const codec_buffer_t *b, const char *type, size_t *len)
{
    size_t pos = 8;
    while (pos + 12 <= b->len) {
        size_t n = be32(b->data + pos);
        if (memcmp(b->data + pos + 4, type, 4) == 0) {
            *len = n;
            return b->data + pos + 8;
        }
        pos += 12 + n;
    }
    return NULL;
}

static const uint32_t chrm[8] = { 31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000 };

static void png_carries_every_kind(void **state)
{
    (void)state;
    codec_buffer_t plain, buf;
    encode(CODEC_PNG, &plain);
    copy_buffer(&plain, &buf);
    image_meta_t meta;
    image_meta_init(&meta);
    set_icc(&meta, 70000);
    meta.has_resolution = 1;
    meta.res_unit = META_RES_INCH;
    meta.res_x = meta.res_y = 300;
    meta.has_gamma = 1;
    meta.gamma = 45455;
    meta.has_chrm = 1;
    memcpy(meta.chrm, chrm, sizeof chrm);
    meta.srgb_intent = 0;  /* dropped: an ICC profile is there */
    unsigned char exif[64];
    size_t exif_len = make_exif(exif, 1, 6);
    assert_int_equal(image_meta_set_bytes(&meta.exif, &meta.exif_len, exif, exif_len), 0);
    assert_int_equal(image_meta_add_text(&meta, "tEXt", "Title\0second", 12), 0);
    assert_int_equal(image_meta_add_text(&meta, "tEXt", "Author\0first", 12), 0);
    assert_int_equal(codec_meta_write_png(&buf, &meta), 0);

    char types[256];
    png_types(&buf, types, sizeof types);
    assert_string_equal(types, "IHDR cHRM gAMA iCCP pHYs eXIf tEXt tEXt IDAT IEND");
    size_t n;
    const unsigned char *phys = png_chunk(&buf, "pHYs", &n);
    assert_int_equal(n, 9);
    assert_memory_equal(phys, "\x00\x00\x2E\x23\x00\x00\x2E\x23\x01", 9);  /* 11811 */
    const unsigned char *iccp = png_chunk(&buf, "iCCP", &n);
    assert_memory_equal(iccp, "ICC Profile\0\0", 13);
    const unsigned char *gama = png_chunk(&buf, "gAMA", &n);
    assert_int_equal(be32(gama), 45455);

    image_meta_t back;
    image_meta_init(&back);
    assert_int_equal(codec_meta_read_png(buf.data, buf.len, &back), 0);
    assert_int_equal(back.icc_len, 70000);
    assert_memory_equal(back.icc, meta.icc, 70000);
    assert_int_equal(back.has_resolution, 1);
    assert_int_equal(back.res_unit, META_RES_INCH);
    assert_true(back.res_x == 300.0 && back.res_y == 300.0);
    assert_int_equal(back.has_gamma, 1);
    assert_int_equal(back.gamma, 45455);
    assert_int_equal(back.has_chrm, 1);
    assert_memory_equal(back.chrm, chrm, sizeof chrm);
    assert_int_equal(back.srgb_intent, -1);
    /* eXIf verbatim: Orientation 6 stays, as PNG pixels are not turned. */
    assert_int_equal(back.exif_len, exif_len);
    assert_memory_equal(back.exif, exif, exif_len);
    assert_int_equal(back.exif[31], 6);
    assert_int_equal(back.text_count, 2);
    assert_string_equal(back.text[0].type, "tEXt");
    assert_int_equal(back.text[0].len, 12);
    assert_memory_equal(back.text[0].data, "Title\0second", 12);
    assert_memory_equal(back.text[1].data, "Author\0first", 12);
    image_meta_free(&back);

    assert_same_pixels(&plain, &buf);
    image_meta_free(&meta);
    bytebuf_free(&buf);
    bytebuf_free(&plain);
}

/* Writes only a resolution (and sRGB) and reads it back. */
static void check_png_density(const codec_buffer_t *plain, meta_res_unit_t unit, double x,
                              double y, const char *phys_want, meta_res_unit_t want_unit,
                              double want_x, double want_y)
{
    codec_buffer_t buf;
    copy_buffer(plain, &buf);
    image_meta_t meta, back;
    image_meta_init(&meta);
    image_meta_init(&back);
    meta.has_resolution = 1;
    meta.res_unit = unit;
    meta.res_x = x;
    meta.res_y = y;
    meta.srgb_intent = 0;
    assert_int_equal(codec_meta_write_png(&buf, &meta), 0);
    char types[128];
    png_types(&buf, types, sizeof types);
    assert_string_equal(types, "IHDR sRGB pHYs IDAT IEND");
    size_t n;
    const unsigned char *phys = png_chunk(&buf, "pHYs", &n);
    assert_int_equal(n, 9);
    assert_memory_equal(phys, phys_want, 9);
    assert_int_equal(codec_meta_read_png(buf.data, buf.len, &back), 0);
    assert_int_equal(back.srgb_intent, 0);
    assert_int_equal(back.has_resolution, 1);
    assert_int_equal(back.res_unit, want_unit);
    assert_true(back.res_x == want_x && back.res_y == want_y);
    assert_int_equal(back.icc_len, 0);
    assert_int_equal(back.has_gamma, 0);
    image_meta_free(&back);
    bytebuf_free(&buf);
}

static void png_density_units(void **state)
{
    (void)state;
    codec_buffer_t plain;
    encode(CODEC_PNG, &plain);
    /* 72 dpcm: 7200 px/m, 182.88 dpi, not a whole DPI. */
    check_png_density(&plain, META_RES_CM, 72, 72, "\0\0\x1C\x20\0\0\x1C\x20\x01", META_RES_CM,
                      72.0, 72.0);
    /* 96 dpi: 3780 px/m is 96.012 dpi, and 96 dpi gives back 3780. */
    check_png_density(&plain, META_RES_INCH, 96, 72, "\0\0\x0E\xC4\0\0\x0B\x13\x01", META_RES_INCH,
                      96.0, 72.0);
    /* Aspect 1:2: unit 0 with the terms. */
    check_png_density(&plain, META_RES_ASPECT, 1, 2, "\0\0\0\x01\0\0\0\x02\x00", META_RES_ASPECT,
                      1.0, 2.0);
    bytebuf_free(&plain);
}

/* The plain PNG with one chunk inserted after IHDR; crc_delta spoils its CRC. */
static void png_with_chunk(const codec_buffer_t *plain, const char *type, const unsigned char *data,
                           size_t n, uint32_t crc_delta, codec_buffer_t *out)
{
    memset(out, 0, sizeof *out);
    assert_int_equal(bytebuf_append(out, plain->data, 33), 0);
    unsigned char *chunk = malloc(12 + n);
    assert_non_null(chunk);
    chunk[0] = (unsigned char)(n >> 24);
    chunk[1] = (unsigned char)(n >> 16);
    chunk[2] = (unsigned char)(n >> 8);
    chunk[3] = (unsigned char)n;
    memcpy(chunk + 4, type, 4);
    if (n > 0)
        memcpy(chunk + 8, data, n);
    uint32_t crc = pngwrite_crc32(0, chunk + 4, n + 4) + crc_delta;
    chunk[8 + n] = (unsigned char)(crc >> 24);
    chunk[9 + n] = (unsigned char)(crc >> 16);
    chunk[10 + n] = (unsigned char)(crc >> 8);
    chunk[11 + n] = (unsigned char)crc;
    assert_int_equal(bytebuf_append(out, chunk, 12 + n), 0);
    assert_int_equal(bytebuf_append(out, plain->data + 33, plain->len - 33), 0);
    free(chunk);
}

/* An iCCP chunk's data for a profile that deflates to z. */
static unsigned char *iccp_data(const unsigned char *z, size_t zlen, size_t *n)
{
    unsigned char *d = malloc(13 + zlen);
    assert_non_null(d);
    memcpy(d, "ICC Profile\0\0", 13);
    memcpy(d + 13, z, zlen);
    *n = 13 + zlen;
    return d;
}

static void png_hostile_chunks_give_nothing(void **state)
{
    (void)state;
    codec_buffer_t plain, b;
    image_meta_t back;
    encode(CODEC_PNG, &plain);

    /* A gAMA with a wrong CRC is skipped; the same one with a right CRC
     * is read (so the test sees the CRC, not the chunk). */
    png_with_chunk(&plain, "gAMA", (const unsigned char *)"\0\0\xB1\x8F", 4, 1, &b);
    image_meta_init(&back);
    assert_int_equal(codec_meta_read_png(b.data, b.len, &back), 0);
    assert_int_equal(back.has_gamma, 0);
    image_meta_free(&back);
    bytebuf_free(&b);
    png_with_chunk(&plain, "gAMA", (const unsigned char *)"\0\0\xB1\x8F", 4, 0, &b);
    image_meta_init(&back);
    assert_int_equal(codec_meta_read_png(b.data, b.len, &back), 0);
    assert_int_equal(back.has_gamma, 1);
    assert_int_equal(back.gamma, 45455);
    image_meta_free(&back);
    bytebuf_free(&b);

    /* A truncated iCCP stream (with a right CRC), an iCCP without its
     * NUL, and a bomb: 17 MiB of zeros in a few KiB. */
    unsigned char *icc = pattern(5000, 1);
    size_t zlen, n;
    unsigned char *z = codec_png_deflate(icc, 5000, &zlen);
    assert_non_null(z);
    unsigned char *d = iccp_data(z, zlen, &n);
    png_with_chunk(&plain, "iCCP", d, n, 0, &b);  /* whole: read */
    image_meta_init(&back);
    assert_int_equal(codec_meta_read_png(b.data, b.len, &back), 0);
    assert_int_equal(back.icc_len, 5000);
    assert_memory_equal(back.icc, icc, 5000);
    image_meta_free(&back);
    bytebuf_free(&b);
    png_with_chunk(&plain, "iCCP", d, n - zlen / 2, 0, &b);
    image_meta_init(&back);
    assert_int_equal(codec_meta_read_png(b.data, b.len, &back), 0);
    assert_int_equal(back.icc_len, 0);
    image_meta_free(&back);
    bytebuf_free(&b);
    png_with_chunk(&plain, "iCCP", (const unsigned char *)"ICC Profile", 11, 0, &b);
    image_meta_init(&back);
    assert_int_equal(codec_meta_read_png(b.data, b.len, &back), 0);
    assert_int_equal(back.icc_len, 0);
    image_meta_free(&back);
    bytebuf_free(&b);
    free(d);
    free(z);

    /* 3 MiB of zeros is read (the inflate buffer grows far past its first
     * guess); 17 MiB, past the 16 MiB cap, is a bomb and is not. stb's
     * deflate packs them less tightly than libdeflate: still under 1 MiB. */
    static const size_t sizes[2] = { 3u << 20, 17u << 20 };
    for (int i = 0; i < 2; i++) {
        unsigned char *zeros = calloc(1, sizes[i]);
        assert_non_null(zeros);
        z = codec_png_deflate(zeros, sizes[i], &zlen);
        free(zeros);
        assert_non_null(z);
        assert_true(zlen < (1u << 20));
        d = iccp_data(z, zlen, &n);
        png_with_chunk(&plain, "iCCP", d, n, 0, &b);
        image_meta_init(&back);
        assert_int_equal(codec_meta_read_png(b.data, b.len, &back), 0);
        assert_int_equal(back.icc_len, i == 0 ? sizes[0] : 0);
        assert_true(i == 0 ? back.icc != NULL && back.icc[sizes[0] - 1] == 0 : back.icc == NULL);
        image_meta_free(&back);
        bytebuf_free(&b);
        free(d);
        free(z);
    }

    /* A chunk length past the end stops the walk; chunks before it count. */
    codec_buffer_t full;
    copy_buffer(&plain, &full);
    image_meta_t meta;
    image_meta_init(&meta);
    meta.has_gamma = 1;
    meta.gamma = 45455;
    meta.srgb_intent = 1;
    assert_int_equal(image_meta_add_text(&meta, "zTXt", "k\0\0xx", 5), 0);
    assert_int_equal(codec_meta_write_png(&full, &meta), 0);
    size_t gama_end = 33 + 12 + 4;
    full.data[gama_end + 12 + 1 + 0] = 0x7F;  /* the text chunk after sRGB: length */
    image_meta_init(&back);
    assert_int_equal(codec_meta_read_png(full.data, full.len, &back), 0);
    assert_int_equal(back.has_gamma, 1);
    assert_int_equal(back.srgb_intent, 1);
    assert_int_equal(back.text_count, 0);
    image_meta_free(&back);
    full.data[gama_end + 12 + 1 + 0] = 0;
    image_meta_init(&back);
    assert_int_equal(codec_meta_read_png(full.data, full.len, &back), 0);
    assert_int_equal(back.text_count, 1);
    assert_string_equal(back.text[0].type, "zTXt");
    image_meta_free(&back);

    /* Every prefix of a PNG with every kind reads without harm. */
    set_icc(&meta, 3000);
    meta.has_resolution = 1;
    meta.res_unit = META_RES_CM;
    meta.res_x = meta.res_y = 40;
    bytebuf_free(&full);
    copy_buffer(&plain, &full);
    assert_int_equal(codec_meta_write_png(&full, &meta), 0);
    for (size_t len = 0; len <= full.len; len++) {
        unsigned char *copy = malloc(len + 1);
        assert_non_null(copy);
        memcpy(copy, full.data, len);
        image_meta_init(&back);
        assert_int_equal(codec_meta_read_png(copy, len, &back), 0);
        assert_true(back.icc_len == 0 || back.icc_len == 3000);
        image_meta_free(&back);
        free(copy);
    }
    image_meta_free(&meta);
    bytebuf_free(&full);
    free(icc);
    bytebuf_free(&plain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jpeg_carries_icc_density_and_exif),
        cmocka_unit_test(jpeg_exif_orientation_reads_as_one),
        cmocka_unit_test(jpeg_density_units_and_fresh_app0),
        cmocka_unit_test(jpeg_icc_segments_in_any_order_or_none),
        cmocka_unit_test(jpeg_malformed_lengths_keep_what_came_before),
        cmocka_unit_test(empty_meta_leaves_both_formats_byte_identical),
        cmocka_unit_test(png_carries_every_kind),
        cmocka_unit_test(png_density_units),
        cmocka_unit_test(png_hostile_chunks_give_nothing),
    };
    return cmocka_run_group_tests_name("codec_meta", tests, setup, NULL);
}
