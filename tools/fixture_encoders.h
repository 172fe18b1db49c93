/* fixture_encoders: the encoders only the test fixtures need, kept out of
 * noiseaug itself, which never writes these kinds: progressive and CMYK
 * JPEG (through libjpeg-turbo), and palette and Adam7-interlaced PNG. Used
 * by tools/gen_samples.c, and by the unit tests of these encoders. */
#ifndef NOISEAUG_FIXTURE_ENCODERS_H
#define NOISEAUG_FIXTURE_ENCODERS_H

#include <stddef.h>

#include "codec.h"
#include "image.h"
#include "pngwrite.h"

typedef enum {
    FIXTURE_JPEG_PROGRESSIVE,  /* grey or RGB, coded in progressive passes */
    FIXTURE_JPEG_CMYK,         /* 4 channels read as C, M, Y, K */
} fixture_jpeg_t;

/* Encodes an 8-bit image as a JPEG of the given kind, 4:4:4, the way the
 * codec encodes its baseline ones. Only the libjpeg-turbo build can; the
 * stb build returns -1. Returns 0, or -1 with the reason in err. */
int fixture_encode_jpeg(const image_t *img, int quality, fixture_jpeg_t kind,
                        codec_buffer_t *out, char *err, size_t errlen);

typedef struct {
    int width, height;
    int channels;                 /* 1..4, or 1 with a palette */
    const unsigned char *pixels;  /* 8-bit, interleaved; indices with a palette */
    const unsigned char *palette; /* RGB triples, or NULL */
    int palette_size;             /* 1..256 entries when palette is set */
    int interlace;                /* 1 for Adam7 */
} fixture_png_t;

/* Encodes an 8-bit PNG, filter 0 on every row, into a malloc'd buffer
 * (*out, *out_len), the zlib stream from deflate. Returns 0, or -1 when
 * memory is short, the shape is invalid or deflate fails. */
int fixture_encode_png(const fixture_png_t *img, pngwrite_deflate_fn *deflate,
                       unsigned char **out, size_t *out_len);

#endif
