/* fuzz_codec: libFuzzer target over decode -> every mode -> encode, all in
 * memory, as a worker does it. The input is an image file; a fixed partner
 * of another shape exercises the pic modes' fitting. Built by `make fuzz`
 * with clang -fsanitize=fuzzer,address,undefined, and by `make test` as a
 * replay driver (replay_main.c) over tests/fuzz/regressions and data/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "noise.h"
#include "scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static image_t partner;

/* Large enough for real shapes, small enough that a fuzzed header cannot
 * make an iteration slow. */
#define FUZZ_MAX_PIXELS (1u << 22)

static void setup(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    codec_init();
    if (image_alloc(&partner, 7, 5, 2, 16) == 0)
        for (size_t i = 0; i < image_sample_count(&partner); i++)
            ((uint16_t *)partner.pixels)[i] = (uint16_t)(i * 4099u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    char err[512];
    image_t img;
    if (codec_decode(data, size, FUZZ_MAX_PIXELS, &img, err, sizeof err) != 0)
        return 0;
    size_t bytes = image_sample_count(&img) * (size_t)(img.bits / 8);
    unsigned char *original = malloc(bytes);
    if (original == NULL) {
        image_free(&img);
        return 0;
    }
    memcpy(original, img.pixels, bytes);
    for (int mode = 0; mode < NOISE_MODE_COUNT; mode++) {
        memcpy(img.pixels, original, bytes);
        rng_t r;
        rng_seed(&r, (uint64_t)mode + size);
        /* Out of memory leaves img as it was, still worth encoding. */
        (void)noise_apply((noise_mode_t)mode, &img, &partner, &r,
                          noise_default_strength((noise_mode_t)mode));
        /* Every writer once per input, the mode picking which. */
        static const codec_format_t formats[] = { CODEC_PNG, CODEC_JPEG, CODEC_BMP,
                                                  CODEC_TGA, CODEC_PNG };
        codec_format_t f = img.bits == 16 ? CODEC_PNG : formats[mode];
        codec_buffer_t out = { 0 };
        if (codec_encode(&img, f, 90, &out, err, sizeof err) == 0) {
            image_t back;
            /* Our own outputs must always decode, with the same shape. */
            if (codec_decode(out.data, out.len, FUZZ_MAX_PIXELS, &back, err, sizeof err) != 0 ||
                back.width != img.width || back.height != img.height)
                abort();
            image_free(&back);
        }
        codec_buffer_free(&out);
    }
    free(original);
    image_free(&img);
    return 0;
}
