/* gen_samples: writes the sample images and YOLO labels under data/.
 *
 * Every image shows an asymmetric "F" whose three strokes have distinct
 * colours (top bar red, middle bar green, stem blue) on a smooth
 * background, so a flip, a rotation or an R/B swap is visible at a glance.
 * The label of each image is the F's bounding box in YOLO form. The output
 * is a pure function of this file, so `make data` reproduces data/ exactly.
 *
 * Usage: gen_samples DIR                 (writes DIR/images/ and DIR/labels/)
 *        gen_samples --corpus DIR N      (N photo-sized images for make bench
 *                                         when the shared corpus is absent) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codec.h"
#include "image.h"
#include "rng.h"

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
    return 0;
}
