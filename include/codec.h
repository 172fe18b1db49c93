/* codec: the only module that knows image file formats.
 *
 * It decodes from memory and encodes to memory; reading and writing files
 * is fileio's job. All functions are safe to call from worker threads once
 * codec_init() has run on the main thread. */
#ifndef NOISEAUG_CODEC_H
#define NOISEAUG_CODEC_H

#include <stddef.h>

#include <stdint.h>

#include "bytebuf.h"
#include "image.h"
#include "pngwrite.h"

typedef enum {
    CODEC_JPEG,
    CODEC_PNG,
    CODEC_BMP,
    CODEC_TGA,
} codec_format_t;

/* Encoded output. */
typedef bytebuf_t codec_buffer_t;

/* Sets process-wide codec settings; call once before any worker starts. */
void codec_init(void);

/* PNG deflate level and row filter (-1 adaptive, 0 none, 1 sub, 2 up,
 * 3 average, 4 Paeth). Process-wide: for codec_init and benchmarks only,
 * never while workers run.
 *
 * The defaults come from bench/pngtune on the corpus PNGs after noise
 * (README, "PNG settings"): on noisy images deflate finds few matches, so
 * libdeflate's level 1 is both the fastest and among the smallest, and the
 * fixed "average" filter is 5x faster than stb's adaptive choice at level 8
 * for 2% more bytes. stb's own deflate barely varies with level; 4 is its
 * fastest. */
void codec_set_png_options(int level, int filter);
#ifdef NOISEAUG_WITH_LIBDEFLATE
#define CODEC_PNG_LEVEL 1
#else
#define CODEC_PNG_LEVEL 4
#endif
#define CODEC_PNG_FILTER 3

/* Names the libraries behind the codec, for --version. */
const char *codec_describe(void);

/* A short name of the encoders, for the manifest: "libjpeg-turbo+libdeflate"
 * or "stb". */
const char *codec_encoder(void);

/* True when ext (without the dot, any case) is a format the tool reads. */
int codec_can_read_ext(const char *ext);

/* The format an input with this extension is written in: its own where the
 * encoder supports it, PNG otherwise. Returns -1 for a format it can't read. */
int codec_output_format(const char *ext);

/* The default pixel limit: 2^28 pixels, 16384 x 16384, which is 1 GiB of
 * 16-bit RGBA. */
#define CODEC_DEFAULT_MAX_PIXELS (1ull << 28)

/* Sets the largest width x height codec_decode accepts; checked against
 * the file's header before anything is allocated. Before workers start. */
void codec_set_max_pixels(uint64_t limit);

/* Decodes an encoded image held in memory, in display orientation (EXIF
 * Orientation applied), with the file's own channels and depth (8 or 16
 * bits). On failure returns -1 and puts the reason in err, in words:
 * "cannot decode: ..." for damaged files, "unsupported: ..." for valid
 * ones noiseaug cannot handle (CMYK JPEG, HDR), "image too large: ...". */
int codec_decode(const unsigned char *data, size_t len, image_t *out,
                 char *err, size_t errlen);

/* Encodes img into out (which starts empty); quality applies to JPEG.
 * Returns 0, or -1 with the reason in err. */
int codec_encode(const image_t *img, codec_format_t format, int quality,
                 codec_buffer_t *out, char *err, size_t errlen);

/* Encodes a PNG with noiseaug's own writer (16-bit, palette, interlace),
 * deflated as the codec's other PNGs are. Returns 0, or -1. */
int codec_png_encode(const pngwrite_image_t *img, codec_buffer_t *out);

/* JPEG variants, for test fixtures. */
enum { CODEC_JPEG_BASELINE, CODEC_JPEG_PROGRESSIVE, CODEC_JPEG_CMYK };

/* Encodes a progressive JPEG, or a CMYK one from 4 channels read as C, M,
 * Y, K. Only the libjpeg-turbo build can; the stb build returns -1. */
int codec_encode_jpeg_variant(const image_t *img, int quality, int variant,
                              codec_buffer_t *out, char *err, size_t errlen);

/* Frees an encode buffer and leaves it empty. */
void codec_buffer_free(codec_buffer_t *buf);

#endif
