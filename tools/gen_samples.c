/* gen_samples: writes the sample images and YOLO labels under data/.
 *
 * Every image shows an asymmetric "F" whose three strokes have distinct
 * colours (top bar red, middle bar green, stem blue) on a smooth
 * background, so a flip, a rotation or an R/B swap is visible at a glance.
 * The label of each image is the F's bounding box in YOLO form. The output
 * is a pure function of this file, so `make data` reproduces data/ exactly.
 *
 * Besides the samples, DIR/formats/ gets one file of each kind the tool
 * reads (16-bit, palette, interlaced, progressive, EXIF orientations 1-8,
 * extreme shapes, GIF, PSD, PNM, BMP, TGA) and DIR/unsupported/ the kinds
 * it refuses or skips (CMYK JPEG, HDR, WebP, TIFF).
 *
 * Usage: gen_samples DIR                 (writes DIR/images/, labels/,
 *                                         formats/ and unsupported/)
 *        gen_samples --corpus DIR N      (N photo-sized images for make bench
 *                                         when the shared corpus is absent) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codec.h"
#include "fileio.h"
#include "fixture_encoders.h"
#include "image.h"
#include "pngwrite.h"
#include "rng.h"
#include "path.h"

typedef struct {
    const char *name;    /* file name under images/ */
    int width, height;
    int channels;        /* 1..4 */
    codec_format_t format;
} sample_t;

static const sample_t samples[] = {
    { "f_photo.jpg", 160, 120, 3, CODEC_JPEG },
    { "f_rgb.png", 96, 64, 3, CODEC_PNG },
    { "f_grey.png", 64, 80, 1, CODEC_PNG },
    { "f_rgba.png", 72, 72, 4, CODEC_PNG },
    { "f_grey_alpha.png", 48, 40, 2, CODEC_PNG },
    { "f_wide.bmp", 120, 40, 3, CODEC_BMP },
    { "f_tile.tga", 50, 50, 3, CODEC_TGA },
};

/* The F occupies this box, in fractions of the image. */
#define F_X0 0.30
#define F_Y0 0.20
#define F_X1 0.65
#define F_Y1 0.80

/* Stroke colour at (fx, fy) inside the F's box, or -1 outside the F. */
static int f_stroke(double fx, double fy)
{
    double u = (fx - F_X0) / (F_X1 - F_X0), v = (fy - F_Y0) / (F_Y1 - F_Y0);
    if (u < 0 || u >= 1 || v < 0 || v >= 1)
        return -1;
    if (v < 0.2)
        return 0;                  /* top bar: red */
    if (v >= 0.42 && v < 0.58 && u < 0.75)
        return 1;                  /* middle bar, shorter: green */
    if (u < 0.3)
        return 2;                  /* stem: blue */
    return -1;
}

static void paint(image_t *img)
{
    static const unsigned char stroke_rgb[3][3] = {
        { 220, 30, 30 }, { 30, 200, 40 }, { 30, 40, 220 },
    };
    unsigned char *p = img->pixels;
    int c = img->channels, colour = c >= 3;
    for (int y = 0; y < img->height; y++) {
        for (int x = 0; x < img->width; x++) {
            double fx = (x + 0.5) / img->width, fy = (y + 0.5) / img->height;
            unsigned char rgb[3] = {
                (unsigned char)(200 - 80 * fx), (unsigned char)(180 + 40 * fy),
                (unsigned char)(120 + 60 * fx * fy),
            };
            int s = f_stroke(fx, fy);
            if (s >= 0)
                memcpy(rgb, stroke_rgb[s], 3);
            unsigned char *px = p + ((size_t)y * (size_t)img->width + (size_t)x) * (size_t)c;
            if (colour) {
                memcpy(px, rgb, 3);
            } else {
                px[0] = (unsigned char)((299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2] + 500) / 1000);
            }
            if (c == 2 || c == 4)  /* alpha: a left-to-right ramp, never 0 */
                px[c - 1] = (unsigned char)(64 + 191 * x / (img->width > 1 ? img->width - 1 : 1));
        }
    }
}

static int write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "gen_samples: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int write_sample(const char *dir, const sample_t *s)
{
    image_t img;
    char path[4096], err[256];
    if (image_alloc(&img, s->width, s->height, s->channels, 8) != 0)
        return -1;
    paint(&img);
    codec_buffer_t buf = { 0 };
    int rc = codec_encode(&img, s->format, 95, &buf, err, sizeof err);
    image_free(&img);
    if (rc != 0) {
        fprintf(stderr, "gen_samples: %s: %s\n", s->name, err);
        return -1;
    }
    snprintf(path, sizeof path, "%s/images/%s", dir, s->name);
    rc = write_file(path, buf.data, buf.len);
    codec_buffer_free(&buf);
    if (rc != 0)
        return -1;

    /* YOLO: class x_centre y_centre width height, all normalised. */
    char label[128];
    int n = snprintf(label, sizeof label, "0 %.6f %.6f %.6f %.6f\n",
                     (F_X0 + F_X1) / 2, (F_Y0 + F_Y1) / 2, F_X1 - F_X0, F_Y1 - F_Y0);
    const char *dot = strrchr(s->name, '.');
    snprintf(path, sizeof path, "%s/labels/%.*s.txt", dir,
             (int)(dot - s->name), s->name);
    return write_file(path, label, (size_t)n);
}

/* A stand-in for the benchmark corpus: like ../shared/corpus/photos, six
 * of every seven are 1280x720 JPEGs and the seventh a 640x480 PNG (every
 * other one grey); texture keeps the encoded sizes photo-like. */
static int write_corpus(const char *dir, int count)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "gen_samples: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    for (int i = 0; i < count; i++) {
        int png = i % 7 == 6;
        sample_t s = { NULL, png ? 640 : 1280, png ? 480 : 720,
                       png && i % 14 == 13 ? 1 : 3, png ? CODEC_PNG : CODEC_JPEG };
        image_t img;
        if (image_alloc(&img, s.width, s.height, s.channels, 8) != 0)
            return 1;
        paint(&img);
        rng_t r;
        rng_seed(&r, (uint64_t)i);
        unsigned char *p = img.pixels;
        for (size_t k = 0; k < image_sample_count(&img); k++) {
            int v = p[k] + (int)(rng_next(&r) >> 61) - 4;
            p[k] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
        codec_buffer_t buf = { 0 };
        char err[256], path[4096];
        int rc = codec_encode(&img, s.format, 95, &buf, err, sizeof err);
        image_free(&img);
        if (rc != 0) {
            fprintf(stderr, "gen_samples: %s\n", err);
            return 1;
        }
        snprintf(path, sizeof path, "%s/gen_%04d.%s", dir, i, png ? "png" : "jpg");
        rc = write_file(path, buf.data, buf.len);
        codec_buffer_free(&buf);
        if (rc != 0)
            return 1;
    }
    return 0;
}

/* --- format fixtures ----------------------------------------------------- */

/* The F sample at any shape and depth: 16-bit samples are the 8-bit ones
 * times 257 plus a small ramp, so that their low bytes vary too. */
static int f_image(image_t *img, int w, int h, int channels, int bits)
{
    image_t eight;
    if (image_alloc(&eight, w, h, channels, 8) != 0)
        return -1;
    paint(&eight);
    if (bits == 8) {
        *img = eight;
        return 0;
    }
    if (image_alloc(img, w, h, channels, 16) != 0) {
        image_free(&eight);
        return -1;
    }
    size_t n = image_sample_count(img);
    for (size_t i = 0; i < n; i++) {
        uint32_t v = ((uint8_t *)eight.pixels)[i] * 257u;
        if (v < 65535u - 200u)
            v += (uint32_t)(i % 200);
        ((uint16_t *)img->pixels)[i] = (uint16_t)v;
    }
    image_free(&eight);
    return 0;
}

/* Writes dir/name. */
static int write_named(const char *dir, const char *name, const void *data, size_t len)
{
    char *path = path_join(dir, name);
    int rc = path != NULL ? write_file(path, data, len) : -1;
    free(path);
    return rc;
}

static int write_buffer(const char *dir, const char *name, codec_buffer_t *buf)
{
    int rc = write_named(dir, name, buf->data, buf->len);
    codec_buffer_free(buf);
    return rc;
}

static int encode_to(const char *dir, const char *name, const image_t *img,
                     codec_format_t format)
{
    codec_buffer_t buf = { 0 };
    char err[256];
    if (codec_encode(img, format, 95, &buf, err, sizeof err) != 0) {
        fprintf(stderr, "gen_samples: %s: %s\n", name, err);
        return -1;
    }
    return write_buffer(dir, name, &buf);
}

/* Writes an F of the given shape in one of the codec's own formats. */
static int f_file(const char *dir, const char *name, int w, int h, int channels,
                  int bits, codec_format_t format)
{
    image_t img;
    if (f_image(&img, w, h, channels, bits) != 0)
        return -1;
    int rc = encode_to(dir, name, &img, format);
    image_free(&img);
    return rc;
}

/* Index of the nearest colour of a 6x6x6 cube. */
static unsigned char cube_index(const unsigned char *rgb)
{
    return (unsigned char)(((rgb[0] + 25) / 51) * 36 + ((rgb[1] + 25) / 51) * 6 +
                           (rgb[2] + 25) / 51);
}

static void cube_palette(unsigned char *pal)
{
    for (int i = 0; i < 216; i++) {
        pal[3 * i] = (unsigned char)(i / 36 * 51);
        pal[3 * i + 1] = (unsigned char)(i / 6 % 6 * 51);
        pal[3 * i + 2] = (unsigned char)(i % 6 * 51);
    }
}

/* Deflated as the codec's own PNGs are. */
static int png_file(const char *dir, const char *name, const fixture_png_t *png)
{
    unsigned char *data;
    size_t len;
    if (fixture_encode_png(png, codec_png_deflate, &data, &len) != 0) {
        fprintf(stderr, "gen_samples: %s: cannot encode\n", name);
        return -1;
    }
    int rc = write_named(dir, name, data, len);
    free(data);
    return rc;
}

/* Palette PNG and Adam7-interlaced PNG. */
static int special_pngs(const char *dir)
{
    image_t img;
    if (f_image(&img, 64, 48, 3, 8) != 0)
        return -1;
    size_t n = (size_t)img.width * (size_t)img.height;
    unsigned char *idx = malloc(n), pal[216 * 3];
    if (idx == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        idx[i] = cube_index((unsigned char *)img.pixels + 3 * i);
    cube_palette(pal);
    fixture_png_t p = { 64, 48, 1, idx, pal, 216, 0 };
    int rc = png_file(dir, "palette.png", &p);
    free(idx);
    image_free(&img);
    if (rc != 0 || f_image(&img, 61, 47, 3, 8) != 0)
        return -1;
    fixture_png_t il = { 61, 47, 3, img.pixels, NULL, 0, 1 };
    rc = png_file(dir, "interlaced.png", &il);
    image_free(&img);
    return rc;
}

/* EXIF APP1 segment with one IFD0 entry: Orientation (0x0112), little-endian. */
static int exif_jpeg(const char *dir, int orientation)
{
    /* Store the F so that turning it as `orientation` says shows it upright:
     * every orientation is its own inverse except 6 and 8. */
    int inverse = orientation == 6 ? 8 : orientation == 8 ? 6 : orientation;
    image_t img;
    if (f_image(&img, 96, 64, 3, 8) != 0 || image_orient(&img, inverse) != 0)
        return -1;
    codec_buffer_t buf = { 0 };
    char err[256], name[32];
    int rc = codec_encode(&img, CODEC_JPEG, 95, &buf, err, sizeof err);
    image_free(&img);
    if (rc != 0)
        return -1;
    static const unsigned char head[] = {
        0xFF, 0xE1, 0x00, 34, 'E', 'x', 'i', 'f', 0, 0,
        'I', 'I', 42, 0, 8, 0, 0, 0,      /* TIFF header, IFD0 at 8 */
        1, 0,                             /* one entry */
        0x12, 0x01, 3, 0, 1, 0, 0, 0,     /* Orientation, SHORT, count 1 */
    };
    /* The value (padded to 4 bytes), then the next-IFD offset, 0. */
    unsigned char tail[8] = { (unsigned char)orientation, 0, 0, 0, 0, 0, 0, 0 };
    size_t len = 2 + sizeof head + sizeof tail + (buf.len - 2);
    unsigned char *jpeg = malloc(len);
    if (jpeg == NULL) {
        codec_buffer_free(&buf);
        return -1;
    }
    memcpy(jpeg, buf.data, 2);  /* SOI */
    memcpy(jpeg + 2, head, sizeof head);
    memcpy(jpeg + 2 + sizeof head, tail, sizeof tail);
    memcpy(jpeg + 2 + sizeof head + sizeof tail, buf.data + 2, buf.len - 2);
    snprintf(name, sizeof name, "exif_%d.jpg", orientation);
    rc = write_named(dir, name, jpeg, len);
    free(jpeg);
    codec_buffer_free(&buf);
    return rc;
}

/* A JPEG of the F: baseline (variant -1, the codec's own) or one of the
 * fixture-only kinds. */
static int jpeg_variant(const char *dir, const char *name, int channels, int variant)
{
    image_t img;
    if (f_image(&img, 96, 64, channels, 8) != 0)
        return -1;
    codec_buffer_t buf = { 0 };
    char err[256];
    int rc = variant < 0
        ? codec_encode(&img, CODEC_JPEG, 95, &buf, err, sizeof err)
        : fixture_encode_jpeg(&img, 95, (fixture_jpeg_t)variant, &buf, err, sizeof err);
    image_free(&img);
    if (rc != 0) {
        fprintf(stderr, "gen_samples: %s: %s\n", name, err);
        return -1;
    }
    return write_buffer(dir, name, &buf);
}

/* A GIF89a of two frames (stb_image reads the first), with a 6x6x6
 * colour cube and LZW codes kept at 9 bits by a clear code every 250
 * literals, the simplest valid encoding. */
static int gif_file(const char *dir)
{
    enum { W = 64, H = 48 };
    image_t img;
    if (f_image(&img, W, H, 3, 8) != 0)
        return -1;
    unsigned char *out = malloc(100000), pal[256 * 3] = { 0 };
    if (out == NULL)
        return -1;
    size_t o = 0;
    memcpy(out, "GIF89a", 6);
    o = 6;
    unsigned char lsd[7] = { W, 0, H, 0, 0xF7, 0, 0 };  /* global table, 256 entries */
    memcpy(out + o, lsd, 7);
    o += 7;
    cube_palette(pal);
    memcpy(out + o, pal, sizeof pal);
    o += sizeof pal;
    for (int frame = 0; frame < 2; frame++) {
        unsigned char desc[10] = { 0x2C, 0, 0, 0, 0, W, 0, H, 0, 0 };
        memcpy(out + o, desc, 10);
        o += 10;
        out[o++] = 8;  /* LZW minimum code size */
        unsigned char block[256];
        size_t blen = 0;
        uint32_t acc = 0;
        int nbits = 0, since_clear = 0;
        size_t n = (size_t)W * H;
        for (size_t i = 0; i <= n + 1; i++) {
            unsigned code;
            if (i == 0 || (i <= n && since_clear == 250)) {
                code = 256;  /* clear */
                since_clear = 0;
                if (i != 0)
                    i--;     /* the pixel still has to be written */
            } else if (i == n + 1) {
                code = 257;  /* end of information */
            } else {
                unsigned char *px = (unsigned char *)img.pixels + 3 * (i - 1);
                code = frame ? 215u - cube_index(px) : cube_index(px);
                since_clear++;
            }
            acc |= (uint32_t)code << nbits;
            nbits += 9;
            while (nbits >= 8) {
                block[blen++] = (unsigned char)acc;
                acc >>= 8;
                nbits -= 8;
                if (blen == 255) {
                    out[o++] = 255;
                    memcpy(out + o, block, 255);
                    o += 255;
                    blen = 0;
                }
            }
        }
        if (nbits > 0)
            block[blen++] = (unsigned char)acc;
        if (blen > 0) {
            out[o++] = (unsigned char)blen;
            memcpy(out + o, block, blen);
            o += blen;
        }
        out[o++] = 0;  /* block terminator */
    }
    out[o++] = 0x3B;  /* trailer */
    int rc = write_named(dir, "anim.gif", out, o);
    free(out);
    image_free(&img);
    return rc;
}

static void be16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void be32(unsigned char *p, uint32_t v)
{
    be16(p, v >> 16);
    be16(p + 2, v & 0xFFFF);
}

/* A PSD with no layers: header, empty colour mode, resources and layer
 * sections, then the raw planar composite that readers show. */
static int psd_file(const char *dir)
{
    enum { W = 64, H = 48, C = 3 };
    image_t img;
    if (f_image(&img, W, H, C, 8) != 0)
        return -1;
    size_t len = 26 + 12 + 2 + (size_t)W * H * C;
    unsigned char *p = calloc(1, len);
    if (p == NULL)
        return -1;
    memcpy(p, "8BPS", 4);
    be16(p + 4, 1);        /* version */
    be16(p + 12, C);       /* channels */
    be32(p + 14, H);
    be32(p + 18, W);
    be16(p + 22, 8);       /* depth */
    be16(p + 24, 3);       /* RGB */
    /* 26..37: three empty sections; 38: compression 0 (raw). */
    for (int c = 0; c < C; c++)
        for (size_t i = 0; i < (size_t)W * H; i++)
            p[40 + (size_t)c * W * H + i] = ((unsigned char *)img.pixels)[i * C + (size_t)c];
    int rc = write_named(dir, "composite.psd", p, len);
    free(p);
    image_free(&img);
    return rc;
}

/* Binary PGM (P5) or PPM (P6), 8- or 16-bit (big-endian). */
static int pnm_file(const char *dir, const char *name, int channels, int bits)
{
    enum { W = 40, H = 30 };
    image_t img;
    if (f_image(&img, W, H, channels, bits) != 0)
        return -1;
    char header[64];
    int hl = snprintf(header, sizeof header, "P%d\n%d %d\n%d\n", channels == 1 ? 5 : 6,
                      W, H, bits == 16 ? 65535 : 255);
    size_t n = image_sample_count(&img), bytes = n * (size_t)(bits / 8);
    unsigned char *p = malloc((size_t)hl + bytes);
    if (p == NULL)
        return -1;
    memcpy(p, header, (size_t)hl);
    for (size_t i = 0; i < n; i++) {
        if (bits == 16)
            be16(p + hl + 2 * i, ((uint16_t *)img.pixels)[i]);
        else
            p[(size_t)hl + i] = ((unsigned char *)img.pixels)[i];
    }
    int rc = write_named(dir, name, p, (size_t)hl + bytes);
    free(p);
    image_free(&img);
    return rc;
}

/* A PNG whose header claims 100000 x 100000 pixels (30 GB of RGB) over
 * a few bytes of data: the dimension bomb, refused from its header. */
static int bomb_png(const char *dir)
{
    unsigned char png[8 + 25 + 12 + 12] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    unsigned char *c = png + 8;
    be32(c, 13);
    memcpy(c + 4, "IHDR", 4);
    be32(c + 8, 100000);
    be32(c + 12, 100000);
    c[16] = 8;  /* bit depth */
    c[17] = 2;  /* RGB */
    be32(c + 21, pngwrite_crc32(0, c + 4, 17));
    c += 25;
    be32(c, 0);  /* an empty IDAT */
    memcpy(c + 4, "IDAT", 4);
    be32(c + 8, pngwrite_crc32(0, c + 4, 4));
    c += 12;
    be32(c, 0);
    memcpy(c + 4, "IEND", 4);
    be32(c + 8, pngwrite_crc32(0, c + 4, 4));
    return write_named(dir, "bomb.png", png, sizeof png);
}

/* Kinds the tool refuses (CMYK JPEG, HDR, a dimension bomb) or skips by
 * extension. */
static int unsupported_files(const char *dir)
{
    if (bomb_png(dir) != 0)
        return -1;
    if (jpeg_variant(dir, "cmyk.jpg", 4, FIXTURE_JPEG_CMYK) != 0)
        return -1;
    /* A 4x4 Radiance HDR, flat (not run-length) RGBE pixels. */
    unsigned char hdr[128];
    int n = snprintf((char *)hdr, sizeof hdr,
                     "#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 4 +X 4\n");
    for (int i = 0; i < 16; i++) {
        unsigned char rgbe[4] = { (unsigned char)(128 + 8 * i), 64, 32, 128 };
        memcpy(hdr + n + 4 * i, rgbe, 4);
    }
    if (write_named(dir, "scene.hdr", hdr, (size_t)n + 64) != 0)
        return -1;
    /* Extensions skipped by name, in either build: their content does not
     * matter (a JPEG XL codestream and a JPEG 2000 box signature). */
    if (write_named(dir, "photo.jxl", "\xFF\x0A\0\0\0\0\0\0", 8) != 0)
        return -1;
    return write_named(dir, "scan.jp2", "\0\0\0\x0CjP  \r\n\x87\n", 12);
}

static int write_formats(const char *dir)
{
    char f[4096], u[4096];
    snprintf(f, sizeof f, "%s/formats", dir);
    snprintf(u, sizeof u, "%s/unsupported", dir);
    if ((mkdir(f, 0777) != 0 && errno != EEXIST) || (mkdir(u, 0777) != 0 && errno != EEXIST)) {
        fprintf(stderr, "gen_samples: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    rc |= f_file(f, "rgba.png", 72, 72, 4, 8, CODEC_PNG);
    rc |= f_file(f, "grey_alpha.png", 48, 40, 2, 8, CODEC_PNG);
    rc |= f_file(f, "rgb16.png", 64, 48, 3, 16, CODEC_PNG);
    rc |= f_file(f, "grey16.png", 64, 48, 1, 16, CODEC_PNG);
    rc |= f_file(f, "rgba16.png", 40, 30, 4, 16, CODEC_PNG);
    rc |= f_file(f, "grey_alpha16.png", 40, 30, 2, 16, CODEC_PNG);
    rc |= f_file(f, "one.png", 1, 1, 3, 8, CODEC_PNG);
    rc |= f_file(f, "wide.png", 4000, 1, 3, 8, CODEC_PNG);
    rc |= f_file(f, "tall.png", 1, 3000, 1, 8, CODEC_PNG);
    rc |= f_file(f, "image.bmp", 50, 30, 3, 8, CODEC_BMP);
    rc |= f_file(f, "rgba.bmp", 50, 30, 4, 8, CODEC_BMP);
    rc |= f_file(f, "image.tga", 50, 30, 3, 8, CODEC_TGA);
    rc |= f_file(f, "grey.tga", 50, 30, 1, 8, CODEC_TGA);
    rc |= f_file(f, "rgba.tga", 50, 30, 4, 8, CODEC_TGA);
    rc |= special_pngs(f);
    rc |= jpeg_variant(f, "grey.jpg", 1, -1);
    rc |= jpeg_variant(f, "progressive.jpg", 3, FIXTURE_JPEG_PROGRESSIVE);
    for (int o = 1; o <= 8; o++)
        rc |= exif_jpeg(f, o);
    rc |= gif_file(f);
    rc |= psd_file(f);
    /* Stems apart from the PNGs', whose outputs would share names. */
    rc |= pnm_file(f, "pnm_grey.pgm", 1, 8);
    rc |= pnm_file(f, "pnm_rgb.ppm", 3, 8);
    rc |= pnm_file(f, "pnm_grey16.pgm", 1, 16);
    rc |= pnm_file(f, "pnm_any.pnm", 3, 8);
    rc |= unsupported_files(u);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--corpus") == 0) {
        codec_init();
        return write_corpus(argv[2], atoi(argv[3]));
    }
    if (argc != 2) {
        fprintf(stderr, "usage: gen_samples DIR | gen_samples --corpus DIR N\n");
        return 2;
    }
    char path[4096];
    const char *sub[] = { "", "/images", "/labels" };
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", argv[1], sub[i]);
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "gen_samples: %s: %s\n", path, strerror(errno));
            return 1;
        }
    }
    codec_init();
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
        if (write_sample(argv[1], &samples[i]) != 0)
            return 1;
    return write_formats(argv[1]) != 0;
}
