/* imginfo: prints "WIDTH HEIGHT CHANNELS BITS HINT ALPHA" for each image
 * named (HINT: the codec hint, for a JPEG its TurboJPEG chroma subsampling;
 * ALPHA: an FNV-1a hash of the alpha samples, or "-" without alpha),
 * decoded with noiseaug's own codec module. Used by the CLI tests to check
 * that every output decodes with the input's geometry. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "codec.h"
#include "fileio.h"
#include "image.h"

/* Hash of the alpha plane, so tests can check it came through untouched. */
static const char *alpha_hash(const image_t *img)
{
    static char text[24];
    if (img->channels % 2 != 0)
        return "-";
    uint64_t h = 0xCBF29CE484222325ull;
    size_t n = (size_t)img->width * (size_t)img->height, c = (size_t)img->channels;
    for (size_t i = 0; i < n; i++) {
        uint32_t a = img->bits == 16 ? ((uint16_t *)img->pixels)[i * c + c - 1]
                                     : ((uint8_t *)img->pixels)[i * c + c - 1];
        h = (h ^ a) * 0x100000001B3ull;
    }
    snprintf(text, sizeof text, "%016llx", (unsigned long long)h);
    return text;
}

int main(int argc, char **argv)
{
    int rc = 0;
    codec_init();
    for (int i = 1; i < argc; i++) {
        unsigned char *data;
        size_t len;
        char err[512];
        image_t img = { 0 };
        if (fileio_read_all(argv[i], &data, &len, err, sizeof err) != 0 ||
            codec_decode(data, len, CODEC_DEFAULT_MAX_PIXELS, &img, err, sizeof err) != 0) {
            fprintf(stderr, "imginfo: %s: %s\n", argv[i], err);
            rc = 1;
        } else {
            printf("%d %d %d %d %d %s\n", img.width, img.height, img.channels, img.bits,
                   img.codec_hint, alpha_hash(&img));
        }
        free(data);
        image_free(&img);
    }
    return rc;
}
