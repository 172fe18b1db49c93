/* pngtune: PNG encode time against file size for each row filter and
 * deflate level, on noisy versions of real images.
 *
 * Each PNG named on the command line is decoded, given salt-and-pepper and
 * addGauss noise (two images per input: what noiseaug writes), and encoded
 * REPEAT times with every (filter, level) pair; the table gives the median
 * total encode time and the total size. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "fileio.h"
#include "noise.h"
#include "timing.h"

enum { REPEAT = 5, MAX_IMAGES = 64 };


int main(int argc, char **argv)
{
    image_t images[MAX_IMAGES];
    int count = 0;
    char err[512];
    codec_init();
    for (int i = 1; i < argc && count + 2 <= MAX_IMAGES; i++) {
        unsigned char *data;
        size_t len;
        image_t img;
        if (fileio_read_all(argv[i], &data, &len, err, sizeof err) != 0 ||
            codec_decode(data, len, CODEC_DEFAULT_MAX_PIXELS, &img, err, sizeof err) != 0) {
            fprintf(stderr, "pngtune: %s: %s\n", argv[i], err);
            return 1;
        }
        free(data);
        image_t copy;
        if (image_alloc(&copy, img.width, img.height, img.channels, img.bits) != 0)
            return 1;
        memcpy(copy.pixels, img.pixels, image_sample_count(&img) * (size_t)(img.bits / 8));
        rng_t r;
        rng_seed(&r, (uint64_t)i);
        if (noise_apply(NOISE_PS, &img, NULL, &r, noise_default_strength(NOISE_PS)) != 0 ||
            noise_apply(NOISE_ADD_GAUSS, &copy, NULL, &r,
                        noise_default_strength(NOISE_ADD_GAUSS)) != 0)
            return 1;
        images[count++] = img;
        images[count++] = copy;
    }
    if (count == 0) {
        fprintf(stderr, "usage: pngtune FILE.png...\n");
        return 2;
    }
    static const char *const filter_names[] = { "adaptive", "none", "sub", "up", "average", "paeth" };
    static const int levels[] = { 1, 2, 4, 6, 8 };
    printf("| PNG filter | level | encode ms (%d images) | size KiB |\n", count);
    printf("|---|---:|---:|---:|\n");
    for (int f = -1; f <= 4; f++) {
        for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
            codec_set_png_options(levels[l], f);
            double t[REPEAT];
            size_t bytes = 0;
            for (int k = 0; k < REPEAT; k++) {
                bytes = 0;
                double t0 = timing_now();
                for (int i = 0; i < count; i++) {
                    codec_buffer_t out = { 0 };
                    if (codec_encode(&images[i], CODEC_PNG, 95, &out, err, sizeof err) != 0) {
                        fprintf(stderr, "pngtune: %s\n", err);
                        return 1;
                    }
                    bytes += out.len;
                    codec_buffer_free(&out);
                }
                t[k] = timing_now() - t0;
            }
            printf("| %s | %d | %.1f | %.0f |\n", filter_names[f + 1], levels[l],
                   timing_median(t, REPEAT) * 1e3, (double)bytes / 1024);
        }
    }
    for (int i = 0; i < count; i++)
        image_free(&images[i]);
    return 0;
}
