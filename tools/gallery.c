/* gallery: one sample image and its five noisy versions in one picture,
 * made with noiseaug's own codec and noise code (make gallery).
 *
 * Usage: gallery IMAGE PARTNER OUT.png
 * The panels, left to right and top to bottom: the original, ps, addGauss,
 * mixGauss, addPic and mixPic (with PARTNER turned upside down, so that its
 * ghost stands apart from the image's own shapes), each at the default
 * strength,
 * each shown at twice its size (nearest neighbour) so the noise is visible. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "fileio.h"
#include "noise.h"

enum { SCALE = 2, GAP = 8 };

static int load(const char *path, image_t *img)
{
    unsigned char *data;
    size_t len;
    char err[512];
    if (fileio_read_all(path, &data, &len, err, sizeof err) != 0 ||
        codec_decode(data, len, CODEC_DEFAULT_MAX_PIXELS, img, err, sizeof err) != 0) {
        fprintf(stderr, "gallery: %s: %s\n", path, err);
        return -1;
    }
    free(data);
    return 0;
}

/* Copies img, as RGB, SCALE times larger, into the canvas at (x0, y0). */
static void paste(image_t *canvas, const image_t *img, int x0, int y0)
{
    int c = img->channels;
    for (int y = 0; y < img->height * SCALE; y++)
        for (int x = 0; x < img->width * SCALE; x++) {
            const uint8_t *s = (const uint8_t *)img->pixels +
                               ((size_t)(y / SCALE) * (size_t)img->width + (size_t)(x / SCALE)) * (size_t)c;
            uint8_t *d = (uint8_t *)canvas->pixels +
                         ((size_t)(y0 + y) * (size_t)canvas->width + (size_t)(x0 + x)) * 3;
            for (int k = 0; k < 3; k++)
                d[k] = s[c >= 3 ? k : 0];
        }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: gallery IMAGE PARTNER OUT.png\n");
        return 2;
    }
    codec_init();
    image_t src, partner;
    if (load(argv[1], &src) != 0 || load(argv[2], &partner) != 0 || src.bits != 8 ||
        image_orient(&partner, 3) != 0)
        return 1;
    int pw = src.width * SCALE, ph = src.height * SCALE;
    image_t canvas;
    if (image_alloc(&canvas, 3 * pw + 4 * GAP, 2 * ph + 3 * GAP, 3, 8) != 0)
        return 1;
    memset(canvas.pixels, 255, image_sample_count(&canvas));
    for (int panel = 0; panel < 6; panel++) {
        image_t img;
        if (image_alloc(&img, src.width, src.height, src.channels, 8) != 0)
            return 1;
        memcpy(img.pixels, src.pixels, image_sample_count(&src));
        rng_t r;
        rng_seed(&r, rng_key(7, argv[1], (uint32_t)panel));
        /* Panel 0 is the original, then the modes in table order. */
        noise_mode_t mode = panel == 0 ? NOISE_NONE : (noise_mode_t)(panel - 1);
        if (noise_apply(mode, &img, &partner, &r, noise_default_strength(mode)) != 0)
            return 1;
        paste(&canvas, &img, GAP + (panel % 3) * (pw + GAP), GAP + (panel / 3) * (ph + GAP));
        image_free(&img);
    }
    codec_buffer_t out = { 0 };
    char err[512];
    if (codec_encode(&canvas, CODEC_PNG, 95, &out, err, sizeof err) != 0 ||
        fileio_write_atomic(".", argv[3], out.data, out.len, 0644, err, sizeof err) != 0) {
        fprintf(stderr, "gallery: %s: %s\n", argv[3], err);
        return 1;
    }
    codec_buffer_free(&out);
    image_free(&canvas);
    image_free(&src);
    image_free(&partner);
    return 0;
}
