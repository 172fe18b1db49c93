/* codec: every image file format lives here, in this file's format table
 * and dispatch, and in the codec_*.c files beside it (codec_formats.h).
 *
 * Two builds share this file. The default one decodes and encodes JPEG with
 * libjpeg-turbo (TurboJPEG API) and compresses PNG with libdeflate, which
 * are several times faster than stb's coders, and reads and writes TIFF
 * (libtiff), WebP (libwebp) and reads HEIF/AVIF (libheif); the rest goes
 * through stb_image and stb_image_write. The pure-stb build (make
 * CODEC=stb) uses stb for everything and names the other formats only. This is the one file that compiles the stb
 * implementations, so their configuration lives here too. */
#include "codec.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec_formats.h"
#include "jpeginfo.h"
#include "pngwrite.h"
#include "pnm.h"

#ifdef NOISEAUG_WITH_TURBOJPEG
#include <turbojpeg.h>
#endif
/* --- stb_image_write's memory ------------------------------------------
 *
 * stb_image_write asserts when an allocation fails, and would write past
 * its arrays if it went on: under memory exhaustion (a low ulimit -v) the
 * stb build aborted in its deflate. So its allocations carry a header that
 * links them into a per-thread list, and a failed one jumps back to the
 * caller that armed the escape (codec_encode, codec_png_deflate), which frees whatever the
 * encoder held and reports "out of memory". */
typedef union stbiw_node {
    struct {
        union stbiw_node *prev, *next;
    } link;
    max_align_t align;  /* keeps what follows the header aligned */
} stbiw_node_t;

static _Thread_local stbiw_node_t *stbiw_live;  /* the list's first node */
static _Thread_local jmp_buf *stbiw_escape;     /* armed around an encoder call */

static void stbiw_unlink(stbiw_node_t *n)
{
    if (n->link.prev != NULL)
        n->link.prev->link.next = n->link.next;
    else
        stbiw_live = n->link.next;
    if (n->link.next != NULL)
        n->link.next->link.prev = n->link.prev;
}

static void stbiw_link(stbiw_node_t *n)
{
    n->link.prev = NULL;
    n->link.next = stbiw_live;
    if (stbiw_live != NULL)
        stbiw_live->link.prev = n;
    stbiw_live = n;
}

static void *stbiw_realloc(void *p, size_t n)
{
    stbiw_node_t *old = p != NULL ? (stbiw_node_t *)p - 1 : NULL;
    if (old != NULL)
        stbiw_unlink(old);
    stbiw_node_t *got = n <= SIZE_MAX - sizeof *got ? realloc(old, sizeof *got + n) : NULL;
    if (got == NULL) {
        if (old != NULL)
            stbiw_link(old);  /* still held: freed by the escape */
        if (stbiw_escape != NULL)
            longjmp(*stbiw_escape, 1);
        return NULL;
    }
    stbiw_link(got);
    return got + 1;
}

static void stbiw_free(void *p)
{
    if (p == NULL)
        return;
    stbiw_node_t *n = (stbiw_node_t *)p - 1;
    stbiw_unlink(n);
    free(n);
}

/* After an escape: frees what the encoder held when it stopped. */
static void stbiw_free_all(void)
{
    while (stbiw_live != NULL)
        stbiw_free(stbiw_live + 1);
}

#define STBIW_MALLOC(n) stbiw_realloc(NULL, n)
#define STBIW_REALLOC(p, n) stbiw_realloc(p, n)
#define STBIW_FREE(p) stbiw_free(p)

#ifdef NOISEAUG_WITH_LIBDEFLATE
#include <libdeflate.h>

/* stb_image_write hands its filtered PNG rows to this instead of its own
 * deflate. The result must come from its allocator, as stb frees it. */
static unsigned char *libdeflate_zlib(unsigned char *data, int data_len,
                                      int *out_len, int level)
{
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
    if (c == NULL)
        return NULL;
    size_t bound = libdeflate_zlib_compress_bound(c, (size_t)data_len);
    jmp_buf *armed = stbiw_escape;
    stbiw_escape = NULL;  /* the compressor is freed below, whatever happens */
    unsigned char *out = stbiw_realloc(NULL, bound);
    stbiw_escape = armed;
    size_t n = out ? libdeflate_zlib_compress(c, data, (size_t)data_len, out, bound) : 0;
    libdeflate_free_compressor(c);
    if (n == 0 || n > INT32_MAX) {
        stbiw_free(out);
        return NULL;
    }
    *out_len = (int)n;
    return out;
}
#define STBIW_ZLIB_COMPRESS libdeflate_zlib
#endif

/* The stb headers are third-party code; their own warnings are not ours. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#define STBI_FAILURE_USERMSG
/* stb's loaders allocate their image from the header's word, before they
 * read its data. stb_check_header refuses oversized headers first, but
 * only where stb's own header reader succeeds: for a damaged 139-byte PIC
 * file it failed while the loader went on to allocate 1.8 GB (found by
 * make fuzz). So every allocation stb makes while decoding is capped by
 * what the file could hold (stb_decode_bytes sets the cap, per thread). */
static _Thread_local size_t stb_alloc_cap;  /* bytes; 0: no cap */
static _Thread_local int stb_alloc_refused;
static void *stb_capped_realloc(void *p, size_t n)
{
    if (stb_alloc_cap != 0 && n > stb_alloc_cap) {
        stb_alloc_refused = 1;
        return NULL;
    }
    return realloc(p, n);
}
#define STBI_MALLOC(n) stb_capped_realloc(NULL, n)
#define STBI_REALLOC(p, n) stb_capped_realloc(p, n)
#define STBI_FREE(p) free(p)
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
#pragma GCC diagnostic pop

/* stb keeps its failure reason in one variable; with several decoders at
 * once it must be per thread, or a worker could report another's reason. */
#ifndef STBI_THREAD_LOCAL
#error "stb_image has no thread-local failure reason on this compiler"
#endif

/* TGA has no signature; this is the header check stb_image makes before
 * it tries a file as TGA: colour map type 0 or 1, a known image type, a
 * size of at least 1 x 1 and a sample size TGA has. */
static int tga_probe(const unsigned char *p, size_t len)
{
    if (len < 18 || p[1] > 1)
        return 0;
    int type = p[2], bits = p[16];
    if (p[1] == 1) {
        int entry = p[7];
        if ((type != 1 && type != 9) ||
            (entry != 8 && entry != 15 && entry != 16 && entry != 24 && entry != 32) ||
            (bits != 8 && bits != 16))
            return 0;
    } else if (type != 2 && type != 3 && type != 10 && type != 11) {
        return 0;
    }
    int width = p[12] | p[13] << 8, height = p[14] | p[15] << 8;
    return width >= 1 && height >= 1 &&
           (bits == 8 || bits == 15 || bits == 16 || bits == 24 || bits == 32);
}

/* A signature from a string literal, which may hold NUL bytes. */
#define MAGIC(offset, bytes) { (offset), sizeof(bytes) - 1, (bytes) }

/* The rows of the formats read through libraries the pure-stb build does
 * not link: read, write, max_bits, alpha, output, max_density, meta. Their
 * libraries check that the data holds what the header claims (truncated
 * strips, VP8 partitions), so no density bound is needed: 0. HEIF and AVIF
 * are read only, and written as PNG. */
#ifdef NOISEAUG_WITH_LIBWEBP
#define WEBP_ROW CODEC_READ_YES, 1, 8, 1, CODEC_WEBP, 0, META_ICC | META_EXIF
#else
#define WEBP_ROW CODEC_READ_NO, 0, 0, 0, -1, 0, 0
#endif
#ifdef NOISEAUG_WITH_LIBTIFF
#define TIFF_ROW CODEC_READ_YES, 1, 16, 1, CODEC_TIFF, 0, META_ICC | META_RESOLUTION | META_GEO
#else
#define TIFF_ROW CODEC_READ_NO, 0, 0, 0, -1, 0, 0
#endif
#ifdef NOISEAUG_WITH_LIBHEIF
#define HEIF_ROW CODEC_READ_YES, 0, 16, 1, CODEC_PNG, 0, 0
#else
#define HEIF_ROW CODEC_READ_NO, 0, 0, 0, -1, 0, 0
#endif

/* The format table. Depths and alpha are what noiseaug's own reading and
 * writing keep: stb_image reads 16-bit PNG and PNM, and PNG is the one
 * format written with 16-bit samples. A 16-bit PSD comes out 8-bit, since
 * stb_image 2.27's PSD depth test reads the height field instead (its
 * STBI_NOTUSED skips are inside sizeof, never evaluated).
 *
 * max_density, the most pixels a byte can stand for:
 * - JPEG 1024: with Huffman coding, each 8x8 block of each component
 *   costs at least one bit in its DC scan, so 512 pixels a byte at most
 *   (grey); twice that. Arithmetic coding has no such bound and is not
 *   checked (jpeginfo_is_arithmetic).
 * - PNG 8300: deflate expands at most 1032:1 (258-byte matches coded in
 *   about 2 bits), and a pixel takes at least 1 bit: 8256.
 * - GIF 11000: an LZW code takes at least 3 bits and stands for at most
 *   4096 pixels: 10923.
 * - PIC 16400: a long run is a count byte, a 16-bit count and one sample
 *   byte for up to 65535 pixels: 16384.
 * - TGA 64, PSD 64: a run packet is 2 bytes for up to 128 pixels.
 * - BMP 8: stb reads uncompressed BMPs only, 1 bit a pixel at least.
 * - PNM 1: stb reads the binary P5 and P6, a byte a sample at least. */
static const codec_format_info_t formats[CODEC_FORMAT_COUNT] = {
    [CODEC_JPEG] = { "JPEG", { "jpg", "jpeg", "jfif", "jpe" }, { MAGIC(0, "\xFF\xD8\xFF") }, NULL,
                     CODEC_READ_YES, 1, 8, 0, CODEC_JPEG, 1024,
                     META_ICC | META_RESOLUTION | META_EXIF },
    [CODEC_PNG] = { "PNG", { "png" }, { MAGIC(0, "\x89PNG\r\n\x1A\n") }, NULL,
                    CODEC_READ_YES, 1, 16, 1, CODEC_PNG, 8300,
                    META_ICC | META_RESOLUTION | META_EXIF | META_COLOUR | META_TEXT },
    [CODEC_BMP] = { "BMP", { "bmp" }, { MAGIC(0, "BM") }, NULL,
                    CODEC_READ_YES, 1, 8, 1, CODEC_BMP, 8, 0 },
    [CODEC_TGA] = { "TGA", { "tga" }, { { 0, 0, NULL } }, tga_probe,
                    CODEC_READ_YES, 1, 8, 1, CODEC_TGA, 64, 0 },
    /* Read, and written as PNG: the writers have no GIF, PSD, PIC or PNM. */
    [CODEC_GIF] = { "GIF", { "gif" }, { MAGIC(0, "GIF87a"), MAGIC(0, "GIF89a") }, NULL,
                    CODEC_READ_YES, 0, 8, 1, CODEC_PNG, 11000, 0 },
    [CODEC_PSD] = { "PSD", { "psd" }, { MAGIC(0, "8BPS") }, NULL,
                    CODEC_READ_YES, 0, 8, 1, CODEC_PNG, 64, 0 },
    [CODEC_PIC] = { "PIC", { "pic" }, { MAGIC(0, "\x53\x80\xF6\x34") }, NULL,
                    CODEC_READ_YES, 0, 8, 1, CODEC_PNG, 16400, 0 },
    /* stb_image reads the binary PNMs only, P5 (grey) and P6 (RGB). */
    [CODEC_PNM] = { "PNM", { "pnm", "ppm", "pgm" }, { MAGIC(0, "P5"), MAGIC(0, "P6") }, NULL,
                    CODEC_READ_YES, 0, 16, 0, CODEC_PNG, 1, 0 },
    /* Taken as an input so that each file gets the decoder's reason; its
     * floating-point samples are never read. */
    [CODEC_HDR] = { "HDR", { "hdr" }, { MAGIC(0, "#?RADIANCE\n"), MAGIC(0, "#?RGBE\n") }, NULL,
                    CODEC_READ_REFUSED, 0, 0, 0, CODEC_PNG, 0, 0 },
    /* Read through libwebp, libtiff and libheif in the default build; the
     * pure-stb build names them only (WEBP_ROW etc. above). "RIFF" alone
     * would also be WAV or AVI. */
    [CODEC_WEBP] = { "WebP", { "webp" }, { MAGIC(8, "WEBPVP8") }, NULL, WEBP_ROW },
    [CODEC_TIFF] = { "TIFF", { "tif", "tiff" }, { MAGIC(0, "II*\0"), MAGIC(0, "MM\0*") }, NULL,
                     TIFF_ROW },
    [CODEC_HEIF] = { "HEIF", { "heic", "heif" },
                     { MAGIC(4, "ftypheic"), MAGIC(4, "ftypheix"), MAGIC(4, "ftypmif1"),
                       MAGIC(4, "ftyphevc") }, NULL, HEIF_ROW },
    [CODEC_AVIF] = { "AVIF", { "avif" }, { MAGIC(4, "ftypavif"), MAGIC(4, "ftypavis") }, NULL,
                     HEIF_ROW },
    /* The bare codestream, and the ISO box container. */
    [CODEC_JPEG_XL] = { "JPEG XL", { "jxl" },
                        { MAGIC(0, "\xFF\x0A"), MAGIC(0, "\0\0\0\x0CJXL \r\n\x87\n") }, NULL,
                        CODEC_READ_NO, 0, 0, 0, -1, 0, 0 },
    [CODEC_JPEG_2000] = { "JPEG 2000", { "jp2", "j2k" },
                          { MAGIC(0, "\0\0\0\x0CjP  \r\n\x87\n"), MAGIC(0, "\xFF\x4F\xFF\x51") },
                          NULL, CODEC_READ_NO, 0, 0, 0, -1, 0, 0 },
    [CODEC_ICO] = { "ICO", { "ico" }, { MAGIC(0, "\0\0\1\0") }, NULL,
                    CODEC_READ_NO, 0, 0, 0, -1, 0, 0 },
    /* SVG is XML text, which may open with a declaration, a comment or
     * white space: no bytes of its own. */
    [CODEC_SVG] = { "SVG", { "svg" }, { { 0, 0, NULL } }, NULL,
                    CODEC_READ_NO, 0, 0, 0, -1, 0, 0 },
    /* DNG, CR2, NEF and ARW are TIFF files: they sniff as TIFF. */
    [CODEC_CAMERA_RAW] = { "camera raw", { "dng", "cr2", "nef", "arw" }, { { 0, 0, NULL } }, NULL,
                           CODEC_READ_NO, 0, 0, 0, -1, 0, 0 },
};

void codec_set_png_options(int level, int filter)
{
    stbi_write_png_compression_level = level;
    stbi_write_force_png_filter = filter;
}

void codec_init(void)
{
    /* stb_image_write's PNG settings are process-wide globals: they are set
     * here, once, before workers exist, and never changed afterwards. */
    codec_set_png_options(CODEC_PNG_LEVEL, CODEC_PNG_FILTER);
#ifdef NOISEAUG_WITH_LIBTIFF
    codec_tiff_init();
#endif
#ifdef NOISEAUG_WITH_LIBHEIF
    codec_heif_init();
#endif
}

const char *codec_describe(void)
{
#if defined(NOISEAUG_WITH_TURBOJPEG) && defined(NOISEAUG_WITH_LIBDEFLATE)
    return "JPEG libjpeg-turbo (TurboJPEG), PNG deflate libdeflate " LIBDEFLATE_VERSION_STRING
           ", TIFF libtiff, WebP libwebp, HEIF/AVIF libheif (read)"
           ", other formats stb_image 2.27 / stb_image_write 1.16";
#else
    return "stb_image 2.27 / stb_image_write 1.16 (pure-stb build)";
#endif
}

const char *codec_encoder(void)
{
#if defined(NOISEAUG_WITH_TURBOJPEG) && defined(NOISEAUG_WITH_LIBDEFLATE)
    return "libjpeg-turbo+libdeflate";
#else
    return "stb";
#endif
}

const codec_format_info_t *codec_format_info(int format)
{
    return format >= 0 && format < CODEC_FORMAT_COUNT ? &formats[format] : NULL;
}

int codec_format_of_ext(const char *ext)
{
    for (int f = 0; f < CODEC_FORMAT_COUNT; f++)
        for (const char *const *e = formats[f].exts; *e != NULL; e++)
            if (strcasecmp(ext, *e) == 0)
                return f;
    return -1;
}

const char *codec_format_ext(int format)
{
    return formats[format].exts[0];
}

static int has_magic(int format, const unsigned char *data, size_t len)
{
    for (const codec_magic_t *m = formats[format].magic;
         m < formats[format].magic + CODEC_MAX_MAGIC && m->len > 0; m++)
        if (len >= (size_t)m->offset + m->len &&
            memcmp(data + m->offset, m->bytes, m->len) == 0)
            return 1;
    return 0;
}

int codec_sniff(const unsigned char *data, size_t len)
{
    for (int f = 0; f < CODEC_FORMAT_COUNT; f++)
        if (has_magic(f, data, len))
            return f;
    /* Header checks are weaker than signatures: only when none matched. */
    for (int f = 0; f < CODEC_FORMAT_COUNT; f++)
        if (formats[f].probe != NULL && formats[f].probe(data, len))
            return f;
    return -1;
}

int codec_output_format(const char *ext)
{
    int f = codec_format_of_ext(ext);
    return f >= 0 ? formats[f].output : -1;
}

int codec_can_read_ext(const char *ext)
{
    return codec_output_format(ext) >= 0;
}

/* The most scans a JPEG may have: libjpeg-turbo's TJFLAG_LIMITSCANS limit,
 * applied by the stb build too. */
#define JPEG_MAX_SCANS 500

/* Refuses a header's dimensions when they pass the pixel limit, before any
 * large allocation. */
static int check_size(int w, int h, uint64_t max_pixels, char *err, size_t errlen)
{
    if (w <= 0 || h <= 0) {  /* no image, not a large one */
        snprintf(err, errlen, "cannot decode: the header gives a size of %dx%d", w, h);
        return -1;
    }
    if ((uint64_t)w * (uint64_t)h <= max_pixels)
        return 0;
    snprintf(err, errlen, "image too large: %dx%d is over the limit of %llu pixels "
             "(--max-pixels)", w, h, (unsigned long long)max_pixels);
    return -1;
}

/* Refuses a header that claims more pixels than len bytes of its format
 * can hold: a file cut after its header. A 54-byte BMP claiming 16384 x
 * 16384 pixels used to cost a gigabyte before stb found its data missing. */
int codec_check_size(int w, int h, uint64_t max_pixels, char *err, size_t errlen)
{
    return check_size(w, h, max_pixels, err, errlen);
}

static int check_density(int format, int w, int h, size_t len, char *err, size_t errlen)
{
    const codec_format_info_t *f = codec_format_info(format);
    if (f == NULL || f->max_density == 0 ||
        (uint64_t)w * (uint64_t)h <= (uint64_t)len * f->max_density)
        return 0;
    snprintf(err, errlen, "cannot decode: truncated %s (%dx%d pixels cannot fit in %zu bytes)",
             f->name, w, h, len);
    return -1;
}

/* Turns stb's failure reason into the tool's words: "unsupported: ..." for
 * valid files of a kind stb does not handle, "cannot decode: ..." else. */
/* "<kind>: <why>", with why's first letter lowered: "Corrupt JPEG" reads
 * better as "corrupt JPEG" after a colon; acronyms such as "PNG not
 * supported" stay as they are. */
static void put_reason(char *err, size_t errlen, const char *kind, const char *why)
{
    char first = why[0];
    if (first >= 'A' && first <= 'Z' && !(why[1] >= 'A' && why[1] <= 'Z'))
        first = (char)(first - 'A' + 'a');
    snprintf(err, errlen, "%s: %c%s", kind, first, first != '\0' ? why + 1 : "");
}

/* format: what the file's signature says it is (-1: none). out_of_memory:
 * errno was ENOMEM after the load. */
static void stb_reason(char *err, size_t errlen, int format, int out_of_memory)
{
    const char *why = stbi_failure_reason();
    if (out_of_memory) {
        /* Some of stb's memory failures set no reason of their own. */
        snprintf(err, errlen, "cannot decode: out of memory");
        return;
    }
    if (why == NULL || *why == '\0')  /* stb's GIF reader can leave "" (found by fuzzing) */
        why = "unknown error";
    /* stb tries each format's test in turn within one load, and its JPEG
     * test leaves "Corrupt JPEG" behind: a later failure that sets no
     * reason must not show it for a PNG. */
    if (format >= 0 && format != CODEC_JPEG && strstr(why, "JPEG") != NULL)
        why = "corrupt data (stb_image gave no reason of its own)";
    if (strstr(why, "not of any known type"))
        why = "not a known image format, or corrupt";
    int unsupported = strstr(why, "not supported") || strstr(why, "Unsupported") ||
                      strstr(why, "unknown compression") || strstr(why, "not in RGB") ||
                      strstr(why, "only 8-bit");
    put_reason(err, errlen, unsupported ? "unsupported" : "cannot decode", why);
}

#ifdef NOISEAUG_WITH_TURBOJPEG
static int turbo_decode(const unsigned char *data, size_t len, uint64_t max_pixels,
                        image_t *out, char *err, size_t errlen)
{
    tjhandle tj = tjInitDecompress();
    if (tj == NULL) {
        snprintf(err, errlen, "cannot decode: %s", tjGetErrorStr2(NULL));
        return -1;
    }
    int w = 0, h = 0, subsamp = -1, colourspace = -1, rc = -1;
    if (tjDecompressHeader3(tj, data, (unsigned long)len, &w, &h, &subsamp,
                            &colourspace) != 0) {
        snprintf(err, errlen, "cannot decode: %s", tjGetErrorStr2(tj));
        goto out;
    }
    /* A tables-only stream (FF D8 ... FF D9) passes the header call without
     * a frame, leaving the size unset: it holds no image. */
    if (w <= 0 || h <= 0) {
        snprintf(err, errlen, "cannot decode: JPEG without an image frame (tables only)");
        goto out;
    }
    /* The density bound holds for Huffman coding only; arithmetic coding
     * has none (a flat 4000 x 4000 file is 208 bytes). */
    if (check_size(w, h, max_pixels, err, errlen) != 0 ||
        (!jpeginfo_is_arithmetic(data, len) &&
         check_density(CODEC_JPEG, w, h, len, err, errlen) != 0))
        goto out;
    int grey = colourspace == TJCS_GRAY;
    if (image_alloc(out, w, h, grey ? 1 : 3, 8) != 0) {
        snprintf(err, errlen, "cannot decode: out of memory for %dx%d", w, h);
        goto out;
    }
    /* Any warning is a refusal: libjpeg-turbo warns about corrupt entropy
     * data, a frame larger than its data and a stream that ends early, and
     * goes on to fill the rest with grey or garbage, which must never be
     * written out as an image. LIMITSCANS refuses progressive files of
     * thousands of scans, which take seconds each to decode. */
    if (tjDecompress2(tj, data, (unsigned long)len, out->pixels, w, 0, h,
                      grey ? TJPF_GRAY : TJPF_RGB,
                      TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS) != 0) {
        const char *why = tjGetErrorStr2(tj);
        put_reason(err, errlen, "cannot decode", strstr(why, "Premature end") != NULL
                   ? "truncated JPEG (the data ends before the image does)" : why);
        image_free(out);
        goto out;
    }
    out->codec_hint = subsamp;
    rc = 0;
out:
    tjDestroy(tj);
    return rc;
}
#endif

#ifdef NOISEAUG_WITH_TURBOJPEG
static int turbo_encode(const image_t *img, int quality, codec_buffer_t *out,
                        char *err, size_t errlen)
{
    /* JPEG has no alpha; 2 and 4 channels are written as grey and RGB. */
    static const int pixel_format[5] = { 0, TJPF_GRAY, TJPF_GRAY, TJPF_RGB, TJPF_RGBX };
    const unsigned char *src = img->pixels;
    unsigned char *grey = NULL;
    if (img->channels == 2) {
        size_t n = (size_t)img->width * (size_t)img->height;
        grey = malloc(n);
        if (grey == NULL) {
            snprintf(err, errlen, "cannot encode: out of memory");
            return -1;
        }
        for (size_t i = 0; i < n; i++)
            grey[i] = src[2 * i];
        src = grey;
    }
    int pf = pixel_format[img->channels];
    /* A JPEG input is written with its own chroma subsampling: the output
     * keeps the input's colour resolution, no more (4:4:4 would double the
     * file and the encode time of a 4:2:0 photo) and no less. Other inputs
     * get 4:4:4, as stb's writer does above quality 90. */
    int subsamp = TJSAMP_444;
    if (pf == TJPF_GRAY)
        subsamp = TJSAMP_GRAY;
    else if (img->codec_hint >= 0 && img->codec_hint < TJ_NUMSAMP &&
             img->codec_hint != TJSAMP_GRAY)
        subsamp = img->codec_hint;
    int rc = codec_turbo_compress(src, img->width, img->height, pf, subsamp, quality, 0, out,
                                  err, errlen);
    free(grey);
    return rc;
}

int codec_turbo_compress(const unsigned char *pixels, int width, int height, int pixel_format,
                         int subsamp, int quality, int flags, codec_buffer_t *out, char *err,
                         size_t errlen)
{
    /* The worst-case size up front, so libjpeg-turbo never reallocates. */
    unsigned long size = tjBufSize(width, height, subsamp);
    int rc = -1;
    tjhandle tj = tjInitCompress();
    out->data = malloc(size);
    if (tj == NULL || out->data == NULL) {
        snprintf(err, errlen, "cannot encode: out of memory");
        goto out;
    }
    out->cap = size;
    unsigned char *dst = out->data;
    if (tjCompress2(tj, pixels, width, 0, height, pixel_format, &dst, &size, subsamp, quality,
                    flags | TJFLAG_NOREALLOC) != 0) {
        snprintf(err, errlen, "cannot encode: %s", tjGetErrorStr2(tj));
        goto out;
    }
    out->len = size;
    rc = 0;
out:
    if (rc != 0)
        codec_buffer_free(out);
    if (tj != NULL)
        tjDestroy(tj);
    return rc;
}
#endif

/* stb_image always returns 4 channels for GIF and PSD. A PSD whose header
 * has no alpha channel, and a GIF whose first frame has no transparent
 * pixel, are RGB images: their outputs get 3 channels, as their inputs
 * have. */
static void drop_added_alpha(const unsigned char *data, size_t len, image_t *img)
{
    if (img->channels != 4)
        return;
    int psd = len >= 14 && has_magic(CODEC_PSD, data, len);
    int gif = has_magic(CODEC_GIF, data, len);
    if (psd && ((unsigned)data[12] << 8 | data[13]) >= 4)
        return;
    if (!psd && !gif)
        return;
    size_t px = (size_t)img->width * (size_t)img->height;
    uint32_t max = image_max_value(img);
    for (size_t i = 0; gif && i < px; i++) {
        uint32_t a = img->bits == 16 ? ((uint16_t *)img->pixels)[4 * i + 3]
                                     : ((uint8_t *)img->pixels)[4 * i + 3];
        if (a != max)
            return;  /* transparency is used: keep the alpha */
    }
    size_t bps = (size_t)img->bits / 8;
    unsigned char *p = img->pixels;
    for (size_t i = 0; i < px; i++)  /* in place: the write never passes the read */
        memmove(p + 3 * bps * i, p + 4 * bps * i, 3 * bps);
    img->channels = 3;
}

/* stb_image decodes through these callbacks rather than from memory for
 * one reason: to learn whether a decoder wanted bytes past the end. stb
 * fills what is missing with zeros and returns an image all the same (a
 * BMP, TGA, PNM, PSD, GIF or JPEG cut short comes out with black rows),
 * so a file that does not hold the pixels its header promises is caught
 * here and refused. */
typedef struct {
    const unsigned char *data;
    size_t len, pos;
    const char *refill_buf;  /* stb's own read-ahead buffer */
    int overread;            /* a decoder asked for bytes after the last one */
} stb_source_t;

/* stb reads in two ways: it refills its own buffer of 128 bytes, asking
 * for more than it may need, and it reads runs of an exact size straight
 * into an image (stbi__getn). A refill when nothing is left, or an exact
 * read that the data cannot meet, means the decoder wanted bytes the file
 * does not have. (stb 2.27's PNM loader ignores a short exact read.) */
static int source_read(void *user, char *buf, int size)
{
    stb_source_t *s = user;
    size_t left = s->len - s->pos, n = size > 0 ? (size_t)size : 0;
    if (s->refill_buf == NULL)
        s->refill_buf = buf;  /* the first read is always stb's first refill */
    if (left == 0 || (n > left && buf != s->refill_buf))
        s->overread = 1;
    if (left == 0)
        return 0;
    if (n > left)
        n = left;
    memcpy(buf, s->data + s->pos, n);
    s->pos += n;
    return (int)n;
}

static void source_skip(void *user, int n)
{
    stb_source_t *s = user;
    size_t left = s->len - s->pos;
    if (n > 0 && (size_t)n > left) {
        s->overread = 1;
        s->pos = s->len;
    } else if (n > 0) {
        s->pos += (size_t)n;
    }
}

static int source_eof(void *user)
{
    stb_source_t *s = user;
    return s->pos >= s->len;
}

static const stbi_io_callbacks source_callbacks = { source_read, source_skip, source_eof };

/* Keeps the first 3 of 4 interleaved channels, in place. */
static void drop_fourth_channel(image_t *img)
{
    size_t px = (size_t)img->width * (size_t)img->height, bps = (size_t)img->bits / 8;
    unsigned char *p = img->pixels;
    for (size_t i = 0; i < px; i++)  /* the write never passes the read */
        memmove(p + 3 * bps * i, p + 4 * bps * i, 3 * bps);
    img->channels = 3;
}

/* What stb_decode_bytes checks before stb allocates anything: the header's
 * size against the pixel limit and the file's length, and the guards that
 * keep stb 2.27 from reading out of bounds. Puts the header's size and
 * channels in *w, *h, *n and returns 1 when stb could read them, 0 when it
 * could not (the loader then says why), -1 with err when the file is
 * refused. */
static int stb_check_header(const unsigned char *data, size_t len, uint64_t max_pixels,
                            int *w, int *h, int *n, char *err, size_t errlen)
{
    const stbi_uc *p = data;
    int n32 = (int)len;
    /* A PNG's size is in its IHDR; read it here, since stb_image refuses
     * the very largest headers with a vaguer "too large" of its own. */
    if (len >= 24 && has_magic(CODEC_PNG, data, len) && memcmp(data + 12, "IHDR", 4) == 0) {
        uint32_t pw = (uint32_t)data[16] << 24 | (uint32_t)data[17] << 16 | (uint32_t)data[18] << 8 | data[19];
        uint32_t ph = (uint32_t)data[20] << 24 | (uint32_t)data[21] << 16 | (uint32_t)data[22] << 8 | data[23];
        if (pw > INT32_MAX || ph > INT32_MAX ||
            check_size((int)pw, (int)ph, max_pixels, err, errlen) != 0) {
            if (pw > INT32_MAX || ph > INT32_MAX)
                snprintf(err, errlen, "image too large: %ux%u", pw, ph);
            return -1;
        }
    }
    /* What stb would read as a JPEG: libjpeg's rule that the file starts
     * with SOI exactly (stb skips fill bytes before it), and Huffman tables
     * of at most 256 codes (stb 2.27 writes past its array for more). */
    if (len >= 2 && data[0] == 0xFF && (data[1] == 0xFF || data[1] == 0xD8)) {
        if (!jpeginfo_is_jpeg(data, len)) {
            snprintf(err, errlen, "cannot decode: not a JPEG (it does not start with the "
                     "start-of-image marker)");
            return -1;
        }
        /* libjpeg-turbo refuses these through TJFLAG_LIMITSCANS; stb would
         * decode every scan, seconds each for a large image. */
        if (jpeginfo_scan_count(data, len) > JPEG_MAX_SCANS) {
            snprintf(err, errlen, "cannot decode: progressive JPEG image has more than %d "
                     "scans", JPEG_MAX_SCANS);
            return -1;
        }
        if (!jpeginfo_huffman_tables_ok(data, len)) {
            snprintf(err, errlen, "cannot decode: corrupt JPEG (a Huffman table that does "
                     "not fit or holds more than 256 codes)");
            return -1;
        }
    }
    /* stb keeps a thread's last failure reason until the next failure that
     * sets one, and some of its failures set none: cleared here, a reason
     * can never be an earlier file's (a 16384 x 16384 PNG was refused as
     * "corrupt JPEG"). This file includes stb's implementation, so its
     * static variable is in reach. */
    stbi__g_failure_reason = NULL;
    int info = stbi_info_from_memory(p, n32, w, h, n);
    /* A negative height is how a BMP says its rows run top-down; stb's
     * loader reads such files, and its header reader reports the sign. */
    if (info && *h < 0 && *h != INT_MIN && has_magic(CODEC_BMP, data, len))
        *h = -*h;
    if (info &&
        (check_size(*w, *h, max_pixels, err, errlen) != 0 ||
         check_density(codec_sniff(data, len), *w, *h, len, err, errlen) != 0))
        return -1;
    if (stbi_is_hdr_from_memory(p, n32)) {
        snprintf(err, errlen, "unsupported: Radiance HDR holds floating-point samples, "
                 "and noiseaug reads and writes 8- and 16-bit images only");
        return -1;
    }
    /* stb_image sizes its buffers with int: it refuses any image of 2 GiB
     * or more decoded, with a reason that once read "corrupt JPEG" for a
     * valid 16384 x 16384 RGBA16 PNG. Said here in words. */
    if (info) {
        int channels = has_magic(CODEC_PIC, data, len) ? 4 : *n;
        int bytes = stbi_is_16_bit_from_memory(p, n32) ? 2 : 1;
        uint64_t size = (uint64_t)*w * (uint64_t)*h * (uint64_t)channels * (uint64_t)bytes;
        if (size >= (uint64_t)INT_MAX) {
            snprintf(err, errlen, "unsupported: %dx%d pixels of %d %d-bit channels are %.1f GiB "
                     "decoded; stb_image reads less than 2 GiB", *w, *h, channels, 8 * bytes,
                     (double)size / (1u << 30));
            return -1;
        }
    }
    return info != 0;
}

static int stb_decode_bytes(const unsigned char *data, size_t len, uint64_t max_pixels,
                            image_t *out, char *err, size_t errlen)
{
    const stbi_uc *p = data;
    int n32 = (int)len, w, h, n;
    if (stb_check_header(data, len, max_pixels, &w, &h, &n, err, errlen) < 0)
        return -1;
    int sixteen = stbi_is_16_bit_from_memory(p, n32);
    /* stb 2.27's PIC loader passes a failed (NULL) result on to its format
     * conversion, which crashes unless no conversion is asked for: PIC is
     * always read as 4 channels, and a fourth that the file lacks dropped
     * below. */
    int pic = has_magic(CODEC_PIC, data, len), want = pic ? 4 : 0;
    stb_source_t source = { data, len, 0, NULL, 0 };
    /* The most pixels the file could hold: the limit, or fewer for its
     * format's density; a buffer may take 16 bytes a pixel (16-bit RGBA,
     * and stb's zlib doubles its output buffer as it grows). */
    const codec_format_info_t *fmt = codec_format_info(codec_sniff(data, len));
    uint64_t most = max_pixels;
    if (fmt != NULL && fmt->max_density != 0 && (uint64_t)len * fmt->max_density < most)
        most = (uint64_t)len * fmt->max_density;
    stb_alloc_cap = most < (SIZE_MAX >> 5) ? (size_t)most * 16 + (1u << 20) : 0;
    stb_alloc_refused = 0;
    errno = 0;
    void *pixels = sixteen
        ? (void *)stbi_load_16_from_callbacks(&source_callbacks, &source, &w, &h, &n, want)
        : (void *)stbi_load_from_callbacks(&source_callbacks, &source, &w, &h, &n, want);
    int out_of_memory = errno == ENOMEM;
    stb_alloc_cap = 0;
    if (pixels == NULL && stb_alloc_refused && !source.overread) {
        snprintf(err, errlen, "cannot decode: %s header promises more pixels than %zu bytes "
                 "can hold, or than --max-pixels allows", fmt != NULL ? fmt->name : "the",
                 len);
        return -1;
    }
    if (pixels == NULL && !source.overread) {
        stb_reason(err, errlen, codec_sniff(data, len), out_of_memory);
        return -1;
    }
    /* Checked even when stb failed: its reasons for a short file ("corrupt
     * PNG", "unknown PNG chunk type") do not say what is wrong. */
    if (source.overread) {
        stbi_image_free(pixels);
        const codec_format_info_t *f = codec_format_info(codec_sniff(data, len));
        snprintf(err, errlen, "cannot decode: truncated %s (the data ends before the image "
                 "does)", f != NULL ? f->name : "file");
        return -1;
    }
    out->width = w;
    out->height = h;
    out->channels = n;
    out->bits = sixteen ? 16 : 8;
    out->pixels = pixels;  /* stb allocates with malloc, so image_free works */
    out->codec_hint = -1;
    if (pic && n == 3) {
        out->channels = 4;
        drop_fourth_channel(out);
    }
    drop_added_alpha(data, len, out);
    return 0;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A copy of a PNG without its empty IDAT chunks, or NULL when it has none
 * (or its chunks do not parse: stb gives the reason then). Empty IDATs are
 * legal and carry nothing, but stb 2.27 does arithmetic on its NULL data
 * buffer for one that comes first (undefined; found by fuzzing). */
static unsigned char *png_without_empty_idat(const unsigned char *data, size_t len,
                                             size_t *out_len)
{
    size_t pos = 8, empty = 0;
    while (pos + 12 <= len) {
        uint32_t n = be32(data + pos);
        if (n > len - pos - 12)
            break;
        empty += n == 0 && memcmp(data + pos + 4, "IDAT", 4) == 0;
        pos += 12 + (size_t)n;
    }
    if (empty == 0)
        return NULL;
    unsigned char *copy = malloc(len);
    if (copy == NULL)
        return NULL;
    memcpy(copy, data, 8);
    size_t w = 8;
    for (pos = 8; pos + 12 <= len;) {
        size_t chunk = 12 + (size_t)be32(data + pos);
        if (chunk > len - pos)
            break;
        if (!(chunk == 12 && memcmp(data + pos + 4, "IDAT", 4) == 0)) {
            memcpy(copy + w, data + pos, chunk);
            w += chunk;
        }
        pos += chunk;
    }
    memcpy(copy + w, data + pos, len - pos);  /* whatever follows, as it was */
    *out_len = w + (len - pos);
    return copy;
}

static int stb_decode(const unsigned char *data, size_t len, uint64_t max_pixels,
                      image_t *out, char *err, size_t errlen)
{
    size_t clean_len = 0;
    unsigned char *clean = has_magic(CODEC_PNG, data, len)
                               ? png_without_empty_idat(data, len, &clean_len) : NULL;
    int rc = clean != NULL ? stb_decode_bytes(clean, clean_len, max_pixels, out, err, errlen)
                           : stb_decode_bytes(data, len, max_pixels, out, err, errlen);
    free(clean);
    return rc;
}

/* PNM is read by pnm.c (stb 2.27 swaps 16-bit samples and ignores the
 * maximum value), with the same size and length checks as the others. */
static int pnm_decode_checked(const unsigned char *data, size_t len, uint64_t max_pixels,
                              image_t *out, char *err, size_t errlen)
{
    pnm_header_t h;
    if (pnm_read_header(data, len, &h, err, errlen) != 0 ||
        check_size(h.width, h.height, max_pixels, err, errlen) != 0 ||
        check_density(CODEC_PNM, h.width, h.height, len, err, errlen) != 0 ||
        pnm_decode(data, len, &h, out, err, errlen) != 0)
        return -1;
    out->codec_hint = -1;
    return 0;
}

int codec_probe(const unsigned char *data, size_t len, uint64_t max_pixels,
                codec_header_t *out)
{
    memset(out, 0, sizeof *out);
    if (len == 0 || len > (size_t)INT32_MAX)
        return -1;
    const codec_format_info_t *info = codec_format_info(codec_sniff(data, len));
    if (info != NULL && info->read == CODEC_READ_NO)
        return -1;
#ifdef NOISEAUG_WITH_LIBTIFF
    if (info == &formats[CODEC_TIFF])
        return codec_tiff_probe(data, len, max_pixels, out);
#endif
#ifdef NOISEAUG_WITH_LIBWEBP
    if (info == &formats[CODEC_WEBP])
        return codec_webp_probe(data, len, max_pixels, out);
#endif
#ifdef NOISEAUG_WITH_LIBHEIF
    if (info == &formats[CODEC_HEIF] || info == &formats[CODEC_AVIF])
        return codec_heif_probe(data, len, max_pixels, out);
#endif
    if (jpeginfo_is_jpeg(data, len)) {
        char err[256];
        int w, h, comps = jpeginfo_components(data, len);
        if (jpeginfo_size(data, len, &w, &h) != 0 || comps == 0 ||
            check_size(w, h, max_pixels, err, sizeof err) != 0)
            return -1;
        *out = (codec_header_t){ w, h, comps == 1 ? 1 : 3, 8,
                                 jpeginfo_orientation(data, len) != 1 };
        return 0;
    }
    char err[256];
    pnm_header_t pnm;
    if (has_magic(CODEC_PNM, data, len)) {
        if (pnm_read_header(data, len, &pnm, err, sizeof err) != 0 ||
            check_size(pnm.width, pnm.height, max_pixels, err, sizeof err) != 0)
            return -1;
        *out = (codec_header_t){ pnm.width, pnm.height, pnm.channels,
                                 pnm.maxval > 255 ? 16 : 8, 0 };
        return 0;
    }
    int w, h, n;
    if (stb_check_header(data, len, max_pixels, &w, &h, &n, err, sizeof err) != 1)
        return -1;
    int sixteen = stbi_is_16_bit_from_memory(data, (int)len);
    *out = (codec_header_t){ w, h, has_magic(CODEC_PIC, data, len) ? 4 : n, sixteen ? 16 : 8, 0 };
    return 0;
}

/* JPEG through libjpeg-turbo (or stb), turned upright. */
static int jpeg_decode(const unsigned char *data, size_t len, uint64_t max_pixels,
                       image_t *out, char *err, size_t errlen)
{
    if (jpeginfo_components(data, len) == 4) {
        snprintf(err, errlen, "unsupported: CMYK JPEG (4 colour components); "
                 "convert it to RGB first");
        return -1;
    }
#ifdef NOISEAUG_WITH_TURBOJPEG
    int rc = turbo_decode(data, len, max_pixels, out, err, errlen);
#else
    int rc = stb_decode(data, len, max_pixels, out, err, errlen);
#endif
    if (rc != 0)
        return -1;
    /* Viewers show a JPEG turned as its EXIF Orientation says, and labels
     * are drawn on what they show; so turn the pixels themselves, before
     * any noise, and keep the EXIF with its Orientation set to 1. */
    if (image_orient(out, jpeginfo_orientation(data, len)) != 0) {
        snprintf(err, errlen, "cannot decode: out of memory turning the image upright");
        image_free(out);
        return -1;
    }
    return 0;
}

/* The decoder of each format the bytes may hold; stb_decode for the rest
 * (it also gives the reason for a file it cannot read). */
static int decode_by_content(int format, const unsigned char *data, size_t len,
                             uint64_t max_pixels, image_t *out, char *err, size_t errlen)
{
    switch (format) {
    case CODEC_JPEG:
        return jpeg_decode(data, len, max_pixels, out, err, errlen);
    case CODEC_PNM:
        return pnm_decode_checked(data, len, max_pixels, out, err, errlen);
#ifdef NOISEAUG_WITH_LIBTIFF
    case CODEC_TIFF:
        return codec_tiff_decode(data, len, max_pixels, out, err, errlen);
#endif
#ifdef NOISEAUG_WITH_LIBWEBP
    case CODEC_WEBP:
        return codec_webp_decode(data, len, max_pixels, out, err, errlen);
#endif
#ifdef NOISEAUG_WITH_LIBHEIF
    case CODEC_HEIF:
    case CODEC_AVIF:
        return codec_heif_decode(data, len, max_pixels, out, err, errlen);
#endif
    default:
        return stb_decode(data, len, max_pixels, out, err, errlen);
    }
}

/* The metadata of the formats whose pixels stb or TurboJPEG decode, which
 * read none of it. */
static int read_metadata(int format, const unsigned char *data, size_t len, image_meta_t *meta)
{
    if (format == CODEC_JPEG)
        return codec_meta_read_jpeg(data, len, meta);
    if (format == CODEC_PNG)
        return codec_meta_read_png(data, len, meta);
    return 0;
}

int codec_decode(const unsigned char *data, size_t len, uint64_t max_pixels,
                 image_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    image_meta_init(&out->meta);
    out->codec_hint = -1;
    out->source_format = -1;
    if (len == 0) {
        snprintf(err, errlen, "cannot decode: empty file");
        return -1;
    }
    if (len > (size_t)INT32_MAX) {
        snprintf(err, errlen, "unsupported: file larger than 2 GiB");
        return -1;
    }
    /* By content: a WebP named .jpg is a WebP. */
    int format = jpeginfo_is_jpeg(data, len) ? CODEC_JPEG : codec_sniff(data, len);
    const codec_format_info_t *info = codec_format_info(format);
    if (info != NULL && info->read == CODEC_READ_NO) {
        snprintf(err, errlen, "unsupported: %s (%s)", info->name,
                 format == CODEC_WEBP || format == CODEC_TIFF || format == CODEC_HEIF ||
                 format == CODEC_AVIF ? "the pure-stb build does not read it"
                                      : "noiseaug does not read this format");
        return -1;
    }
    if (decode_by_content(format, data, len, max_pixels, out, err, errlen) != 0)
        return -1;
    /* The decoders of the new formats say these themselves; stb's, PNM's
     * and TurboJPEG's leave them as image_alloc or nothing set them. */
    if (out->source_format < 0) {
        out->source_format = format;
        out->alpha = out->channels == 2 || out->channels == 4;
    }
    if (read_metadata(format, data, len, &out->meta) != 0) {
        snprintf(err, errlen, "cannot decode: out of memory reading its metadata");
        image_free(out);
        return -1;
    }
    return 0;
}

/* The 16-bit PNG writer deflates as stb_image_write's PNGs do. */
unsigned char *codec_png_deflate(const unsigned char *data, size_t len, size_t *out_len)
{
    if (len > (size_t)INT32_MAX)
        return NULL;
    jmp_buf escape;
    if (setjmp(escape) != 0) {
        stbiw_escape = NULL;
        stbiw_free_all();
        return NULL;
    }
    stbiw_escape = &escape;
    int n = 0;
    unsigned char *z = stbi_zlib_compress((unsigned char *)data, (int)len, &n,
                                          stbi_write_png_compression_level);
    stbiw_escape = NULL;
    /* The callers free with free(): a plain copy, without the header. */
    unsigned char *plain = z != NULL ? malloc(n > 0 ? (size_t)n : 1) : NULL;
    if (plain != NULL)
        memcpy(plain, z, (size_t)n);
    stbiw_free(z);
    *out_len = (size_t)n;
    return plain;
}

static int png16_encode(const pngwrite_image_t *img, codec_buffer_t *out)
{
    unsigned char *data;
    size_t len;
    if (pngwrite_encode(img, codec_png_deflate, &data, &len) != 0)
        return -1;
    out->data = data;
    out->len = out->cap = len;
    return 0;
}

/* stb_image_write's output callback. */
static void buffer_append(void *context, void *data, int size)
{
    if (size > 0)
        bytebuf_append(context, data, (size_t)size);
}

/* stb_image_write has no 16-bit writer; PNG is the one format of pngwrite
 * that holds 16-bit samples (TIFF is written by libtiff). */
static int png16(const image_t *img, codec_buffer_t *out, char *err, size_t errlen)
{
    pngwrite_image_t png = { img->width, img->height, img->channels, img->pixels };
    if (png16_encode(&png, out) != 0) {
        snprintf(err, errlen, "cannot encode: out of memory");
        return -1;
    }
    return 0;
}

/* Grey, grey + alpha, RGB or RGBA: what every format but TIFF holds. Four
 * bands without alpha (RGB + near infrared) would be read back as RGBA. */
static int fits_four_channels(const image_t *img)
{
    return img->channels <= 4 && (img->channels % 2 == 1 || img->alpha);
}

#ifdef NOISEAUG_WITH_LIBWEBP
/* A WebP output is lossless unless its input was lossy: a lossy WebP, a
 * JPEG, a HEIF or an AVIF. Noise on a lossless input is worth keeping
 * exactly; a lossy one has already lost what lossless would keep. */
static int webp_lossless(const image_t *img)
{
    switch (img->source_format) {
    case CODEC_WEBP:
        return img->codec_hint == 1;
    case CODEC_JPEG:
    case CODEC_HEIF:
    case CODEC_AVIF:
        return 0;
    default:
        return 1;
    }
}
#endif

/* Puts the metadata the format holds into an encoder's JPEG or PNG. */
static int write_metadata(codec_format_t format, const image_meta_t *meta, codec_buffer_t *out)
{
    if ((image_meta_kinds(meta) & formats[format].meta) == 0)
        return 0;
    if (format == CODEC_JPEG)
        return codec_meta_write_jpeg(out, meta);
    if (format == CODEC_PNG)
        return codec_meta_write_png(out, meta);
    return 0;
}

static int encode_eight_bits(const image_t *img, codec_format_t format, int quality,
                             codec_buffer_t *out, char *err, size_t errlen);

int codec_encode(const image_t *img, codec_format_t format, int quality,
                 codec_buffer_t *out, char *err, size_t errlen)
{
    const codec_format_info_t *info = codec_format_info(format);
    if (info == NULL || !info->write) {
        snprintf(err, errlen, "cannot encode: noiseaug does not write %s",
                 info != NULL ? info->name : "this format");
        return -1;
    }
    if (format != CODEC_TIFF && !fits_four_channels(img)) {
        snprintf(err, errlen, "cannot encode: %s holds grey or RGB, with or without alpha; "
                 "this image has %d bands%s: write it as TIFF (--format tif)", info->name,
                 img->channels, img->alpha ? "" : " and no alpha");
        return -1;
    }
    if (img->bits > info->max_bits) {
        snprintf(err, errlen, "cannot encode: 16-bit samples need PNG or TIFF");
        return -1;
    }
#ifdef NOISEAUG_WITH_LIBTIFF
    if (format == CODEC_TIFF)
        return codec_tiff_encode(img, img->source_format == CODEC_TIFF ? img->codec_hint : -1,
                                 quality, out, err, errlen);
#endif
#ifdef NOISEAUG_WITH_LIBWEBP
    if (format == CODEC_WEBP)
        return codec_webp_encode(img, webp_lossless(img), quality, out, err, errlen);
#endif
    int rc = img->bits == 16 ? png16(img, out, err, errlen)
                             : encode_eight_bits(img, format, quality, out, err, errlen);
    if (rc == 0 && write_metadata(format, &img->meta, out) != 0) {
        codec_buffer_free(out);
        snprintf(err, errlen, "cannot encode: out of memory writing the metadata");
        return -1;
    }
    return rc;
}

/* stb's and TurboJPEG's 8-bit writers: JPEG, PNG, BMP, TGA. */
static int encode_eight_bits(const image_t *img, codec_format_t format, int quality,
                             codec_buffer_t *out, char *err, size_t errlen)
{
    int w = img->width, h = img->height, c = img->channels;
    volatile int ok = 0;
    /* TGA and JPEG store their size in 16-bit fields: stb_image_write
     * would write the low 16 bits of a larger size, a silently wrong file
     * (found by fuzzing). libjpeg-turbo checks this itself. */
    if ((format == CODEC_TGA || format == CODEC_JPEG) && (w > 65535 || h > 65535)) {
        snprintf(err, errlen, "cannot encode: %s holds at most 65535 x 65535 pixels, "
                 "not %dx%d", format == CODEC_TGA ? "TGA" : "JPEG", w, h);
        return -1;
    }
#ifdef NOISEAUG_WITH_TURBOJPEG
    if (format == CODEC_JPEG)
        return turbo_encode(img, quality, out, err, errlen);
#endif
    jmp_buf escape;
    if (setjmp(escape) != 0) {  /* an allocation failed inside stb_image_write */
        stbiw_escape = NULL;
        stbiw_free_all();
        codec_buffer_free(out);
        snprintf(err, errlen, "cannot encode: out of memory");
        return -1;
    }
    stbiw_escape = &escape;
    errno = 0;
    switch (format) {
    case CODEC_JPEG:
#ifndef NOISEAUG_WITH_TURBOJPEG
        ok = stbi_write_jpg_to_func(buffer_append, out, w, h, c, img->pixels, quality);
        break;
#endif
    case CODEC_PNG:
        ok = stbi_write_png_to_func(buffer_append, out, w, h, c, img->pixels, w * c);
        break;
    case CODEC_BMP:
        ok = stbi_write_bmp_to_func(buffer_append, out, w, h, c, img->pixels);
        break;
    case CODEC_TGA:
        ok = stbi_write_tga_to_func(buffer_append, out, w, h, c, img->pixels);
        break;
    default:  /* not written: refused above */
        break;
    }
    stbiw_escape = NULL;
    if (!ok || out->failed) {
        snprintf(err, errlen, "cannot encode: %s",
                 out->failed || errno == ENOMEM ? "out of memory" : "encoder failed");
        codec_buffer_free(out);
        return -1;
    }
    return 0;
}

void codec_fit_metadata(image_t *img, int format)
{
    if (format != CODEC_PNG && img->meta.exif_len > 0)
        image_meta_exif_set_upright(img->meta.exif, img->meta.exif_len);
}

void codec_buffer_free(codec_buffer_t *buf)
{
    bytebuf_free(buf);
}
