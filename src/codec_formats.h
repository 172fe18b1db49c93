/* codec_formats: the codec's own interface between codec.c (the format
 * table and the dispatch) and the files that each wrap one more codec
 * library or read one format's metadata. Private to the codec module: no
 * other module includes this header.
 *
 * Every decoder here:
 * - fills out (image_alloc'd, pixels interleaved) with source_format,
 *   codec_hint and meta set, in display orientation;
 * - refuses a header of more than max_pixels before allocating pixels;
 * - refuses damaged data instead of filling with zeros;
 * - is safe to call from several threads at once;
 * - on failure returns -1, leaves out empty (image_free'd) and puts the
 *   reason in err as codec_decode documents ("cannot decode: ...",
 *   "unsupported: ...", "image too large: ..."). */
#ifndef NOISEAUG_CODEC_FORMATS_H
#define NOISEAUG_CODEC_FORMATS_H

#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "image.h"
#include "imgmeta.h"

/* Refuses a header's dimensions when they pass the pixel limit (codec.c). */
int codec_check_size(int w, int h, uint64_t max_pixels, char *err, size_t errlen);

/* --- TIFF, through libtiff (codec_tiff.c) ---------------------------------
 * codec_hint of a decoded TIFF: its Compression tag value
 * (COMPRESSION_NONE, _LZW, _ADOBE_DEFLATE, _PACKBITS, _JPEG, ...). */
#ifdef NOISEAUG_WITH_LIBTIFF
void codec_tiff_init(void);  /* registers the GeoTIFF and GDAL tags; main thread, once */
int codec_tiff_probe(const unsigned char *data, size_t len, uint64_t max_pixels,
                     codec_header_t *out);
int codec_tiff_decode(const unsigned char *data, size_t len, uint64_t max_pixels,
                      image_t *out, char *err, size_t errlen);
/* Writes img (1..IMAGE_MAX_CHANNELS channels, 8 or 16 bits) with the given
 * Compression tag value (JPEG at quality for 8-bit 1 or 3 colour channels;
 * a compression that cannot hold the image falls back to Deflate), and the
 * metadata in img->meta that TIFF holds (ICC, resolution, GeoTIFF/GDAL
 * tags). */
int codec_tiff_encode(const image_t *img, int compression, int quality, codec_buffer_t *out,
                      char *err, size_t errlen);
#endif

/* --- WebP, through libwebp, libwebpmux, libwebpdemux (codec_webp.c) -------
 * codec_hint of a decoded WebP: 1 lossless, 0 lossy. */
#ifdef NOISEAUG_WITH_LIBWEBP
int codec_webp_probe(const unsigned char *data, size_t len, uint64_t max_pixels,
                     codec_header_t *out);
int codec_webp_decode(const unsigned char *data, size_t len, uint64_t max_pixels,
                      image_t *out, char *err, size_t errlen);
/* Writes img (1 to 4 channels, 8 bits) lossless or lossy at quality,
 * with the ICC profile and EXIF of img->meta. */
int codec_webp_encode(const image_t *img, int lossless, int quality, codec_buffer_t *out,
                      char *err, size_t errlen);
#endif

/* --- HEIF and AVIF, read through libheif (codec_heif.c) ------------------ */
#ifdef NOISEAUG_WITH_LIBHEIF
void codec_heif_init(void);  /* heif_init: main thread, once */
int codec_heif_probe(const unsigned char *data, size_t len, uint64_t max_pixels,
                     codec_header_t *out);
int codec_heif_decode(const unsigned char *data, size_t len, uint64_t max_pixels,
                      image_t *out, char *err, size_t errlen);
#endif

/* --- JPEG and PNG metadata, read and written as marker segments and
 * chunks around what the pixel coders produce (codec_meta.c) ------------- */

/* Reads a JPEG's ICC profile (APP2 ICC_PROFILE, reassembled from its
 * numbered segments), its JFIF density (APP0) and its EXIF (APP1, with
 * Orientation set to 1) into meta. Malformed segments are skipped.
 * Returns 0, or -1 when memory is short. */
int codec_meta_read_jpeg(const unsigned char *data, size_t len, image_meta_t *meta);

/* Rewrites the JPEG in buf (an encoder's output: SOI, then maybe a JFIF
 * APP0) to carry meta's density (JFIF), EXIF (APP1) and ICC profile
 * (APP2, split into segments as the ICC spec says). Returns 0, or -1 when
 * memory is short (buf unchanged). */
int codec_meta_write_jpeg(codec_buffer_t *buf, const image_meta_t *meta);

/* Reads a PNG's iCCP (inflated), pHYs, gAMA, cHRM, sRGB, eXIf and text
 * chunks into meta. Returns 0, or -1 when memory is short. */
int codec_meta_read_png(const unsigned char *data, size_t len, image_meta_t *meta);

/* Rewrites the PNG in buf (signature, IHDR, ...) to carry meta's chunks,
 * placed after IHDR as the PNG spec orders them. Returns 0, or -1 when
 * memory is short (buf unchanged). */
int codec_meta_write_png(codec_buffer_t *buf, const image_meta_t *meta);

#endif
