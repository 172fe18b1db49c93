/* pngwrite: a small PNG encoder for what stb_image_write cannot write,
 * 16-bit samples. Samples go out big-endian as PNG wants; every row gets
 * filter 0 (none), and the zlib stream comes from the caller's deflate.
 * (Palette and interlaced PNGs, which only the test fixtures need, are
 * written by tools/fixture_encoders.c.) */
#ifndef NOISEAUG_PNGWRITE_H
#define NOISEAUG_PNGWRITE_H

#include <stddef.h>
#include <stdint.h>

/* zlib-compresses len bytes into a malloc'd buffer; NULL on failure. */
typedef unsigned char *pngwrite_deflate_fn(const unsigned char *data, size_t len,
                                           size_t *out_len);

typedef struct {
    int width, height;
    int channels;            /* 1..4: grey, grey + alpha, RGB, RGBA */
    const uint16_t *pixels;  /* interleaved 16-bit samples */
} pngwrite_image_t;

/* Encodes img as a 16-bit PNG into a malloc'd buffer (*out, *out_len).
 * Returns 0, or -1 when memory is short, the shape is invalid or deflate
 * fails. */
int pngwrite_encode(const pngwrite_image_t *img, pngwrite_deflate_fn *deflate,
                    unsigned char **out, size_t *out_len);

/* The header fields of a PNG that pngwrite_assemble writes. */
typedef struct {
    int width, height;
    int bits;                     /* 8 or 16 */
    int colour_type;              /* 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA */
    int interlace;                /* 0, or 1 for Adam7 (rows come in pass order) */
    const unsigned char *palette; /* RGB triples for colour type 3, or NULL */
    int palette_size;
} pngwrite_header_t;

/* Wraps rows that are already filtered (each starts with its filter byte)
 * into a PNG: signature, IHDR, PLTE when there is a palette, IDAT (the
 * rows through deflate) and IEND, into a malloc'd buffer. Returns 0, or -1
 * when memory is short or deflate fails. Shared by pngwrite_encode and the
 * fixture writer in tools/. */
int pngwrite_assemble(const pngwrite_header_t *h, const unsigned char *rows, size_t len,
                      pngwrite_deflate_fn *deflate, unsigned char **out, size_t *out_len);

/* CRC-32 as PNG and zlib use it (polynomial 0xEDB88320). */
uint32_t pngwrite_crc32(uint32_t crc, const unsigned char *p, size_t len);

#endif
