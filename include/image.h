/* image: an owned, interleaved raster of 8- or 16-bit samples. */
#ifndef NOISEAUG_IMAGE_H
#define NOISEAUG_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "imgmeta.h"

/* The most channels (bands) an image may have: multispectral TIFFs carry
 * a dozen bands or more. Formats other than TIFF hold 4 at most. */
#define IMAGE_MAX_CHANNELS 64

/* A decoded image. Samples are interleaved; when `alpha` is set the last
 * channel is alpha. 16-bit samples are stored as native uint16_t. */
typedef struct {
    int width;
    int height;
    int channels;    /* 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA; up to
                        IMAGE_MAX_CHANNELS bands from a TIFF */
    int bits;        /* 8 or 16 */
    int alpha;       /* the last channel is alpha, not colour */
    void *pixels;    /* width*height*channels samples */
    /* Opaque to all but codec: how the source was encoded (a JPEG's chroma
     * subsampling, a TIFF's compression, whether a WebP was lossless), so
     * the output can be encoded alike; -1 when unknown. */
    int codec_hint;
    int source_format;  /* the codec_format_t the pixels came from; -1 when none */
    image_meta_t meta;  /* owned; freed by image_free */
} image_t;

/* Allocates zeroed pixels for the given shape, with no codec hint, no
 * metadata, and alpha set for 2 and 4 channels (the usual meaning; TIFF
 * sets it from its ExtraSamples tag). Returns 0, or -1 when the size
 * overflows or memory is short. */
int image_alloc(image_t *img, int width, int height, int channels, int bits);

/* Moves what an image carries besides its pixels (alpha, codec hint,
 * source format, metadata) from src to dst, which was just allocated to
 * replace it; src keeps no metadata. */
void image_move_extras(image_t *dst, image_t *src);

/* Frees the pixels and the metadata and leaves an empty image; safe on an
 * empty image. */
void image_free(image_t *img);

/* Number of samples (width*height*channels); the shape was checked on alloc. */
size_t image_sample_count(const image_t *img);

/* Number of colour channels: alpha, when present, is excluded. */
int image_colour_channels(const image_t *img);

/* Largest sample value: 255 or 65535. */
uint32_t image_max_value(const image_t *img);

/* Turns a stored raster into its display orientation, for EXIF
 * Orientation 1..8 (2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate
 * 90 clockwise, 7 transverse, 8 rotate 90 counter-clockwise). Returns 0, or
 * -1 when memory is short (img is then unchanged). */
int image_orient(image_t *img, int orientation);

#endif
