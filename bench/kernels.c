/* kernels: per-mode noise throughput, in GB/s of samples, on one core.
 *
 * Each mode runs on a fresh copy of a 1280x720 RGB image (and, for the pic
 * modes, a same-sized partner) REPEAT times; the median time is reported,
 * beside a memcpy of the same size as the floor of what any pass costs.
 * Also times scan_dir over a directory of many files.
 *
 * Usage: kernels [WIDTH HEIGHT CHANNELS BITS]
 *        kernels --scan DIR     (time scan_dir on DIR, median of 5) */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "noise.h"
#include "timing.h"
#include "normal.h"
#include "rng.h"
#include "scan.h"

enum { REPEAT = 15 };


/* A photo-like image: smooth gradients plus a little texture. */
static void fill(image_t *img, uint64_t seed)
{
    rng_t r;
    rng_seed(&r, seed);
    size_t n = image_sample_count(img);
    for (size_t i = 0; i < n; i++) {
        size_t px = i / (size_t)img->channels;
        uint32_t v = (uint32_t)((px % (size_t)img->width) * 200 / (size_t)img->width +
                                (rng_next(&r) >> 60));
        if (img->bits == 16)
            ((uint16_t *)img->pixels)[i] = (uint16_t)(v * 257);
        else
            ((uint8_t *)img->pixels)[i] = (uint8_t)v;
    }
}

static int time_scan(const char *dir)
{
    double t[5];
    size_t count = 0;
    for (int k = 0; k < 5; k++) {
        scan_list_t list;
        double t0 = timing_now();
        if (scan_dir(dir, NULL, &list) != 0) {
            perror(dir);
            return 1;
        }
        t[k] = timing_now() - t0;
        count = list.count;
        scan_free(&list);
    }
    printf("scan of %zu files: median %.3f s\n", count, timing_median(t, 5));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--scan") == 0)
        return time_scan(argv[2]);
    int w = 1280, h = 720, c = 3, bits = 8;
    if (argc == 5) {
        w = atoi(argv[1]);
        h = atoi(argv[2]);
        c = atoi(argv[3]);
        bits = atoi(argv[4]);
    }
    image_t src, work, partner;
    if (image_alloc(&src, w, h, c, bits) || image_alloc(&work, w, h, c, bits) ||
        image_alloc(&partner, w, h, c, bits)) {
        fprintf(stderr, "kernels: out of memory\n");
        return 1;
    }
    fill(&src, 1);
    fill(&partner, 2);
    size_t bytes = image_sample_count(&src) * (size_t)(bits / 8);
    normal_knots();  /* one-time set-up, not part of any mode */

    printf("| kernel (%dx%dx%d, %d-bit) | median ms | GB/s per core |\n", w, h, c, bits);
    printf("|---|---:|---:|\n");
    /* Row 0 is the memcpy floor, then the modes in table order. */
    for (int m = -1; m < NOISE_MODE_COUNT; m++) {
        double t[REPEAT];
        for (int k = 0; k < REPEAT; k++) {
            memcpy(work.pixels, src.pixels, bytes);
            rng_t r;
            rng_seed(&r, (uint64_t)k);
            double t0 = timing_now();
            if (m < 0)
                memcpy(work.pixels, src.pixels, bytes);
            else if (noise_apply((noise_mode_t)m, &work, &partner, &r,
                                 noise_default_strength((noise_mode_t)m)) != 0) {
                fprintf(stderr, "kernels: out of memory\n");
                return 1;
            }
            t[k] = timing_now() - t0;
        }
        double med = timing_median(t, REPEAT);
        printf("| %s | %.3f | %.2f |\n", m < 0 ? "memcpy" : noise_mode_name((noise_mode_t)m),
               med * 1e3, (double)bytes / med / 1e9);
    }
    image_free(&src);
    image_free(&work);
    image_free(&partner);
    return 0;
}
