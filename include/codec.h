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

/* Every format noiseaug knows by name. Those whose table row says `write`
 * are what --format and a plan hold. */
typedef enum {
    CODEC_JPEG,
    CODEC_PNG,
    CODEC_BMP,
    CODEC_TGA,
    CODEC_GIF,
    CODEC_PSD,
    CODEC_PIC,
    CODEC_PNM,
    CODEC_HDR,
    CODEC_WEBP,
    CODEC_TIFF,
    CODEC_HEIF,
    CODEC_AVIF,
    CODEC_JPEG_XL,
    CODEC_JPEG_2000,
    CODEC_ICO,
    CODEC_SVG,
    CODEC_CAMERA_RAW,
    CODEC_FORMAT_COUNT
} codec_format_t;

/* How far noiseaug reads a format. */
typedef enum {
    CODEC_READ_NO,       /* named only: scan skips such files and says what they are */
    CODEC_READ_REFUSED,  /* taken as an input, and refused by the decoder with a
                            reason (HDR: floating-point samples) */
    CODEC_READ_YES,
} codec_read_t;

/* A signature: len bytes at offset. */
typedef struct {
    unsigned char offset, len;
    const char *bytes;
} codec_magic_t;

#define CODEC_MAX_EXTS 4
#define CODEC_MAX_MAGIC 4

/* One row of the format table: everything the other modules ask about a
 * format. The decoders still find their format by content, as stb does;
 * the signatures here are for codec_sniff. */
typedef struct {
    const char *name;                      /* "JPEG", "camera raw": for messages */
    const char *exts[CODEC_MAX_EXTS + 1];  /* lower case, NULL-terminated; files
                                              of this format are written with exts[0] */
    codec_magic_t magic[CODEC_MAX_MAGIC];  /* any one identifies the format; a row
                                              ends at len 0 */
    /* For a format without a signature (TGA): a plausibility check of the
     * header, tried only when no signature matched. NULL otherwise. */
    int (*probe)(const unsigned char *data, size_t len);
    codec_read_t read;
    int write;                             /* codec_encode writes it */
    int max_bits;                          /* deepest samples noiseaug reads or
                                              writes in it; 0 when not read */
    int alpha;                             /* keeps an alpha channel */
    int output;                            /* codec_format_t an input of this
                                              format is written in; -1 when not read */
    /* The most pixels one byte of the file can stand for, at the strongest
     * compression the format allows (derived beside the table in codec.c).
     * A header that claims more pixels than its file's bytes can hold is a
     * truncated file, refused before its pixels are allocated. 0 when not
     * read. */
    unsigned max_density;
    unsigned meta;                         /* the META_* kinds (imgmeta.h) its
                                              files carry through noiseaug */
} codec_format_info_t;

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

/* The format table's row for format, or NULL when format is out of range. */
const codec_format_info_t *codec_format_info(int format);

/* The format whose extensions include ext (without the dot, any case), or
 * -1. */
int codec_format_of_ext(const char *ext);

/* The extension files of format are written with ("jpg" for JPEG). */
const char *codec_format_ext(int format);

/* The format whose signature the data starts with, or -1. Decoding goes by
 * it, never by a file's name. */
int codec_sniff(const unsigned char *data, size_t len);

/* True when files with extension ext (without the dot, any case) are
 * inputs: the formats the tool reads, and HDR, which the decoder refuses
 * with its reason. */
int codec_can_read_ext(const char *ext);

/* The format an input with this extension is written in: its own where the
 * encoder supports it, PNG otherwise. Returns -1 for a format it can't read. */
int codec_output_format(const char *ext);

/* The default pixel limit: 2^28 pixels, 16384 x 16384, which is 1 GiB of
 * 16-bit RGBA. */
#define CODEC_DEFAULT_MAX_PIXELS (1ull << 28)

/* Decodes an encoded image held in memory, in display orientation (EXIF
 * Orientation applied), with the file's own channels and depth (8 or 16
 * bits), the format it found in the bytes (out->source_format) and its
 * metadata (out->meta). An image of more than max_pixels (width x height) is refused from
 * its header, before anything is allocated. On failure returns -1 and puts
 * the reason in err, in words: "cannot decode: ..." for damaged files,
 * "unsupported: ..." for valid ones noiseaug cannot handle (CMYK JPEG,
 * HDR), "image too large: ...". */
int codec_decode(const unsigned char *data, size_t len, uint64_t max_pixels,
                 image_t *out, char *err, size_t errlen);

/* What an image's header promises, read without decoding. */
typedef struct {
    int width, height;
    int channels;  /* as decoded */
    int bits;      /* 8 or 16 */
    int turned;    /* decoding also makes a turned copy (EXIF orientation) */
} codec_header_t;

/* Reads the header of an encoded image held in memory, with the checks
 * codec_decode makes before it allocates (pixel limit, length). Returns 0,
 * or -1 when the header cannot be read or is refused: codec_decode then
 * gives the reason. For sizing work before decoding it, not for deciding
 * whether it decodes. */
int codec_probe(const unsigned char *data, size_t len, uint64_t max_pixels,
                codec_header_t *out);

/* Encodes img into out (which starts empty), with the metadata of img->meta
 * that the format holds (codec_format_info(format)->meta); quality applies
 * to JPEG, lossy WebP and JPEG-in-TIFF. An image with alpha written in a
 * format without it loses the alpha (not composited). A TIFF input's
 * compression and a WebP input's losslessness are kept (codec_hint).
 * Returns 0, or -1 with the reason in err. */
int codec_encode(const image_t *img, codec_format_t format, int quality,
                 codec_buffer_t *out, char *err, size_t errlen);

/* zlib-compresses len bytes as the codec's PNGs are (libdeflate in the
 * default build), into a malloc'd buffer; NULL on failure. For PNG writers
 * outside the codec, such as the test fixtures'. */
unsigned char *codec_png_deflate(const unsigned char *data, size_t len, size_t *out_len);

/* Fits img's metadata to format before encoding: its EXIF Orientation is
 * set to 1 unless the output is PNG (a PNG's eXIf is kept as it was, since
 * noiseaug does not turn PNG pixels by it, but a JPEG or WebP viewer would
 * turn the pixels by it). */
void codec_fit_metadata(image_t *img, int format);

/* Frees an encode buffer and leaves it empty. */
void codec_buffer_free(codec_buffer_t *buf);

#ifdef NOISEAUG_WITH_TURBOJPEG
/* Compresses width x height 8-bit pixels in TurboJPEG's pixel_format, with
 * its subsamp and flags (TJFLAG_*), into out, allocated at the worst-case
 * size. The one call of tjCompress2: the codec's JPEG writer and the
 * fixture writer in tools/ (progressive, CMYK) share it. Returns 0, or -1
 * with the reason in err. */
int codec_turbo_compress(const unsigned char *pixels, int width, int height, int pixel_format,
                         int subsamp, int quality, int flags, codec_buffer_t *out, char *err,
                         size_t errlen);
#endif

#endif
