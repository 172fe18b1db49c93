/* codec_heif: HEIF (HEVC) and AVIF (AV1) read through libheif, which turns
 * the pixels upright itself (irot, imir, clap) and converts them to RGB
 * (see codec_formats.h).
 *
 * Each call has its own heif_context, and libheif reports errors by return
 * value, so the functions here are safe to call from several threads once
 * heif_init() has registered the decoder plugins. */
#include "codec_formats.h"

/* The pure-stb build names the format only (codec.c). */
#ifdef NOISEAUG_WITH_LIBHEIF

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libheif/heif.h>

void codec_heif_init(void)
{
    /* Registers the built-in decoders once, before any worker decodes; a
     * failure here shows as "unsupported" on the first HEIF file. */
    heif_init(NULL);
}

/* A libheif error in the tool's words: damaged files are "cannot decode",
 * valid ones libheif cannot handle (a codec without a decoder, a feature
 * it lacks) are "unsupported". */
static void heif_reason(struct heif_error e, int format, char *err, size_t errlen)
{
    const char *name = format == CODEC_AVIF ? "AVIF" : "HEIF";
    /* Some of libheif's messages end in a newline. */
    char why[200];
    snprintf(why, sizeof why, "%s",
             e.message != NULL && e.message[0] != '\0' ? e.message : "unknown error");
    size_t n = strlen(why);
    while (n > 0 && (why[n - 1] == '\n' || why[n - 1] == ' ' || why[n - 1] == '.'))
        why[--n] = '\0';
    switch (e.code) {
    case heif_error_Unsupported_feature:
    case heif_error_Unsupported_filetype:
        snprintf(err, errlen, "unsupported: %s (libheif: %s)", name, why);
        break;
    case heif_error_Memory_allocation_error:
        /* libheif refuses a huge ispe itself, before noiseaug's pixel
         * check sees a size; that is a size refusal, not a lack of memory. */
        if (e.subcode == heif_suberror_Security_limit_exceeded)
            snprintf(err, errlen, "image too large: libheif refuses its size (%s)", why);
        else
            snprintf(err, errlen, "cannot decode: out of memory");
        break;
    default:
        snprintf(err, errlen, "cannot decode: %s %s (libheif: %s)",
                 e.subcode == heif_suberror_End_of_data ? "truncated" : "damaged", name, why);
        break;
    }
}

static uint32_t get_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Checks that each top-level box (ftyp, meta, mdat, ...) lies within the
 * data, so that a cut file is called truncated, whichever box it cut;
 * libheif reports a cut 'meta' box as a missing one. */
static int check_boxes(const unsigned char *data, size_t len, int format, char *err,
                       size_t errlen)
{
    uint64_t at = 0;
    while (len - at >= 8) {
        uint64_t size = get_be32(data + at), head = 8;
        if (size == 1) {  /* a 64-bit size follows the type */
            if (len - at < 16)
                break;
            size = (uint64_t)get_be32(data + at + 8) << 32 | get_be32(data + at + 12);
            head = 16;
        } else if (size == 0) {  /* the box runs to the end of the file */
            return 0;
        }
        if (size < head)
            return 0;  /* malformed: libheif says how */
        if (size > len - at) {
            snprintf(err, errlen, "cannot decode: truncated %s (its '%.4s' box needs %llu "
                     "bytes, the file has %llu)", format == CODEC_AVIF ? "AVIF" : "HEIF",
                     (const char *)data + at + 4, (unsigned long long)size,
                     (unsigned long long)(len - at));
            return -1;
        }
        at += size;
    }
    /* A few bytes after the last box are left to libheif, which ignores
     * padding. */
    return 0;
}

/* Opens the file and its primary image. Returns 0, or -1 with the reason
 * in err (the context is then freed: the message it owns is copied
 * first). */
static int open_primary(const unsigned char *data, size_t len, int format,
                        struct heif_context **ctx, struct heif_image_handle **handle,
                        char *err, size_t errlen)
{
    *handle = NULL;
    *ctx = NULL;
    if (check_boxes(data, len, format, err, errlen) != 0)
        return -1;
    *ctx = heif_context_alloc();
    if (*ctx == NULL) {
        snprintf(err, errlen, "cannot decode: out of memory");
        return -1;
    }
    /* Workers already decode several files at once; tiles decoded on
     * threads of libheif's own would only compete with them. */
    heif_context_set_max_decoding_threads(*ctx, 0);
    struct heif_error e = heif_context_read_from_memory_without_copy(*ctx, data, len, NULL);
    if (e.code == heif_error_Ok)
        e = heif_context_get_primary_image_handle(*ctx, handle);
    if (e.code != heif_error_Ok) {
        heif_reason(e, format, err, errlen);
        heif_context_free(*ctx);
        *ctx = NULL;
        return -1;
    }
    return 0;
}

static void close_primary(struct heif_context *ctx, struct heif_image_handle *handle)
{
    if (handle != NULL)
        heif_image_handle_release(handle);
    if (ctx != NULL)
        heif_context_free(ctx);
}

/* AVIF when the brands say AV1, HEIF otherwise. An AVIF's main brand is
 * usually "avif"; some writers put "mif1" first and "avif" among the
 * compatible brands. */
static int format_of(const unsigned char *data, size_t len)
{
    if (len < 12)
        return CODEC_HEIF;
    int n = len > 4096 ? 4096 : (int)len;
    heif_brand2 main = heif_read_main_brand(data, n);
    if (main == heif_fourcc_to_brand("avif") || main == heif_fourcc_to_brand("avis") ||
        heif_has_compatible_brand(data, n, "avif") == 1)
        return CODEC_AVIF;
    return CODEC_HEIF;
}

/* Copies the ICC profile (not an nclx colour description, which is no
 * ICC profile) and the first EXIF block into meta. Returns 0, or -1 when
 * memory is short. Blocks libheif cannot read are skipped. */
static int read_meta(const struct heif_image_handle *handle, image_meta_t *meta)
{
    enum heif_color_profile_type type = heif_image_handle_get_color_profile_type(handle);
    if (type == heif_color_profile_type_prof || type == heif_color_profile_type_rICC) {
        size_t n = heif_image_handle_get_raw_color_profile_size(handle);
        unsigned char *icc = n > 0 ? malloc(n) : NULL;
        if (n > 0 && icc == NULL)
            return -1;
        if (icc != NULL) {
            if (heif_image_handle_get_raw_color_profile(handle, icc).code == heif_error_Ok) {
                meta->icc = icc;
                meta->icc_len = n;
            } else {
                free(icc);
            }
        }
    }

    heif_item_id id;
    if (heif_image_handle_get_list_of_metadata_block_IDs(handle, "Exif", &id, 1) < 1)
        return 0;
    size_t n = heif_image_handle_get_metadata_size(handle, id);
    if (n < 4)
        return 0;
    unsigned char *block = malloc(n);
    if (block == NULL)
        return -1;
    if (heif_image_handle_get_metadata(handle, id, block).code != heif_error_Ok) {
        free(block);
        return 0;
    }
    /* HEIF's EXIF item starts with the big-endian offset of the TIFF
     * header from the end of that field (ISO/IEC 23008-12, annex A). */
    uint32_t skip = (uint32_t)block[0] << 24 | (uint32_t)block[1] << 16 |
                    (uint32_t)block[2] << 8 | block[3];
    int rc = 0;
    if (skip <= n - 4 && n - 4 - skip >= 8) {
        rc = image_meta_set_bytes(&meta->exif, &meta->exif_len, block + 4 + skip,
                                  n - 4 - skip);
        /* libheif has turned the pixels already; a block whose Orientation
         * cannot be set to 1 would claim a turn they lack, so it goes. */
        if (rc == 0 && image_meta_exif_set_upright(meta->exif, meta->exif_len) != 0) {
            free(meta->exif);
            meta->exif = NULL;
            meta->exif_len = 0;
        }
    }
    free(block);
    return rc;
}

/* Copies libheif's interleaved rows into out: 8-bit as they are, deeper
 * samples (little-endian, `bits` significant) widened to 16 bits by
 * repeating their high bits, so that the largest value becomes 65535. */
static void copy_rows(const uint8_t *plane, int stride, int bits, image_t *out)
{
    size_t row = (size_t)out->width * (size_t)out->channels;
    for (int y = 0; y < out->height; y++) {
        const uint8_t *src = plane + (size_t)y * (size_t)stride;
        if (out->bits == 8) {
            memcpy((uint8_t *)out->pixels + (size_t)y * row, src, row);
            continue;
        }
        uint16_t *dst = (uint16_t *)out->pixels + (size_t)y * row;
        for (size_t i = 0; i < row; i++) {
            uint32_t v = (uint32_t)src[2 * i] | (uint32_t)src[2 * i + 1] << 8;
            dst[i] = bits >= 16 ? (uint16_t)v
                                : (uint16_t)(v << (16 - bits) | v >> (2 * bits - 16));
        }
    }
}

/* Divides the colour of each pixel by its alpha. libheif 1.15 hands a
 * premultiplied image (its 'prem' reference) over as it is stored, but
 * noiseaug's images, like the PNG, WebP and TIFF it writes, hold straight
 * alpha: without this, half-transparent pixels would come out darker. */
static void unpremultiply(image_t *out)
{
    size_t n = (size_t)out->width * (size_t)out->height;
    uint32_t max = image_max_value(out);
    for (size_t i = 0; i < n; i++) {
        for (int c = 0; c < 3; c++) {
            uint32_t v, a;
            if (out->bits == 8) {
                uint8_t *px = (uint8_t *)out->pixels + i * 4;
                v = px[c];
                a = px[3];
            } else {
                uint16_t *px = (uint16_t *)out->pixels + i * 4;
                v = px[c];
                a = px[3];
            }
            /* Fully transparent colour is 0 either way; a colour above
             * its alpha is damage, clamped. */
            v = a == 0 ? 0 : v >= a ? max : (v * max + a / 2) / a;
            if (out->bits == 8)
                ((uint8_t *)out->pixels)[i * 4 + (size_t)c] = (uint8_t)v;
            else
                ((uint16_t *)out->pixels)[i * 4 + (size_t)c] = (uint16_t)v;
        }
    }
}

int codec_heif_probe(const unsigned char *data, size_t len, uint64_t max_pixels,
                     codec_header_t *out)
{
    memset(out, 0, sizeof *out);
    struct heif_context *ctx;
    struct heif_image_handle *handle;
    char err[256];
    if (open_primary(data, len, format_of(data, len), &ctx, &handle, err, sizeof err) != 0)
        return -1;
    int w = heif_image_handle_get_width(handle), h = heif_image_handle_get_height(handle);
    int rc = codec_check_size(w, h, max_pixels, err, sizeof err);
    if (rc == 0) {
        /* The size is the displayed one: libheif turns the pixels as it
         * decodes, and the header's size already says how they end up. */
        *out = (codec_header_t){ w, h, heif_image_handle_has_alpha_channel(handle) ? 4 : 3,
                                 heif_image_handle_get_luma_bits_per_pixel(handle) > 8 ? 16 : 8,
                                 0 };
    }
    close_primary(ctx, handle);
    return rc;
}

int codec_heif_decode(const unsigned char *data, size_t len, uint64_t max_pixels,
                      image_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    image_meta_init(&out->meta);
    out->codec_hint = -1;
    out->source_format = -1;
    int format = format_of(data, len);

    struct heif_context *ctx;
    struct heif_image_handle *handle;
    if (open_primary(data, len, format, &ctx, &handle, err, errlen) != 0)
        return -1;
    int w = heif_image_handle_get_width(handle), h = heif_image_handle_get_height(handle);
    if (codec_check_size(w, h, max_pixels, err, errlen) != 0) {
        close_primary(ctx, handle);
        return -1;
    }
    int alpha = heif_image_handle_has_alpha_channel(handle) != 0;
    int deep = heif_image_handle_get_luma_bits_per_pixel(handle) > 8;
    enum heif_chroma chroma = deep ? (alpha ? heif_chroma_interleaved_RRGGBBAA_LE
                                            : heif_chroma_interleaved_RRGGBB_LE)
                                   : (alpha ? heif_chroma_interleaved_RGBA
                                            : heif_chroma_interleaved_RGB);
    struct heif_decoding_options *options = heif_decoding_options_alloc();
    if (options == NULL) {
        close_primary(ctx, handle);
        snprintf(err, errlen, "cannot decode: out of memory");
        return -1;
    }
    /* Damaged data is refused, not patched over with warnings. */
    options->strict_decoding = 1;
    struct heif_image *img = NULL;
    struct heif_error e = heif_decode_image(handle, &img, heif_colorspace_RGB, chroma, options);
    heif_decoding_options_free(options);
    if (e.code != heif_error_Ok) {
        heif_reason(e, format, err, errlen);
        close_primary(ctx, handle);
        return -1;
    }

    int stride = 0;
    const uint8_t *plane = heif_image_get_plane_readonly(img, heif_channel_interleaved, &stride);
    int dw = heif_image_get_width(img, heif_channel_interleaved);
    int dh = heif_image_get_height(img, heif_channel_interleaved);
    int bits = heif_image_get_bits_per_pixel_range(img, heif_channel_interleaved);
    int channels = alpha ? 4 : 3;
    int rc = -1;
    if (plane == NULL || dw != w || dh != h || bits < 8 || bits > 16 || (bits > 8) != deep ||
        stride < dw * channels * (deep ? 2 : 1)) {
        snprintf(err, errlen, "cannot decode: %s (libheif gave %dx%d pixels of %d bits for "
                 "a %dx%d image)", format == CODEC_AVIF ? "AVIF" : "HEIF", dw, dh, bits, w, h);
    } else if (image_alloc(out, w, h, channels, deep ? 16 : 8) != 0) {
        snprintf(err, errlen, "cannot decode: out of memory for %dx%d", w, h);
    } else {
        copy_rows(plane, stride, bits, out);
        if (alpha && heif_image_is_premultiplied_alpha(img))
            unpremultiply(out);
        out->alpha = alpha;
        out->source_format = format;
        if (read_meta(handle, &out->meta) != 0)
            snprintf(err, errlen, "cannot decode: out of memory reading its metadata");
        else
            rc = 0;
    }
    heif_image_release(img);
    close_primary(ctx, handle);
    if (rc != 0)
        image_free(out);
    return rc;
}

#endif
