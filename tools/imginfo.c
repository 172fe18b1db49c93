/* imginfo: prints "WIDTH HEIGHT CHANNELS BITS HINT" for each image named
 * (HINT: the codec hint, for a JPEG its TurboJPEG chroma subsampling),
 * decoded with noiseaug's own codec module. Used by the CLI tests to check
 * that every output decodes with the input's geometry. */
#include <stdio.h>
#include <stdlib.h>

#include "codec.h"
#include "fileio.h"
#include "image.h"

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
            codec_decode(data, len, &img, err, sizeof err) != 0) {
            fprintf(stderr, "imginfo: %s: %s\n", argv[i], err);
            rc = 1;
        } else {
            printf("%d %d %d %d %d\n", img.width, img.height, img.channels, img.bits,
                   img.codec_hint);
        }
        free(data);
        image_free(&img);
    }
    return rc;
}
