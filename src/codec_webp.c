/* codec_webp: WebP read and written through libwebp, with its ICC profile
 * and EXIF carried in the extended (VP8X) container through libwebpdemux
 * and libwebpmux (see codec_formats.h).
 *
 * libwebp keeps no global state between calls and reports errors by return
 * value, so every function here is safe to call from several threads. */
#include "codec_formats.h"

/* The pure-stb build names the format only (codec.c). */
#ifdef NOISEAUG_WITH_LIBWEBP

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <webp/decode.h>
#include <webp/demux.h>
#include <webp/encode.h>
#include <webp/mux.h>

/* The largest width or height a WebP holds: its header stores each less
 * one in 14 bits. */
#define WEBP_MAX_SIDE 16383

/* JPEG's APP1 marker puts this before the TIFF structure; some WebP
 * writers copy it into the EXIF chunk, which the WebP spec does not. */
static const unsigned char exif_prefix[6] = { 'E', 'x', 'i', 'f', 0, 0 };

static uint32_t get_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The TIFF structure inside a WebP EXIF chunk: the chunk itself, or what
 * follows a JPEG-style "Exif\0\0" prefix. */
static void exif_body(const WebPData *chunk, const unsigned char **body, size_t *len)
{
    *body = chunk->bytes;
    *len = chunk->size;
    if (*len >= sizeof exif_prefix && memcmp(*body, exif_prefix, sizeof exif_prefix) == 0) {
        *body += sizeof exif_prefix;
        *len -= sizeof exif_prefix;
    }
}

/* The EXIF orientation of a still WebP, read from its chunks without
 * decoding; 1 when it has none or its chunks cannot be read. */
static int webp_orientation(const unsigned char *data, size_t len)
{
    WebPData whole = { data, len };
    WebPDemuxer *demux = WebPDemux(&whole);
    if (demux == NULL)
        return 1;
    int orientation = 1;
    WebPChunkIterator it;
    if (WebPDemuxGetChunk(demux, "EXIF", 1, &it)) {
        const unsigned char *body;
        size_t n;
        exif_body(&it.chunk, &body, &n);
        orientation = image_meta_exif_orientation(body, n);
        WebPDemuxReleaseChunkIterator(&it);
    }
    WebPDemuxDelete(demux);
    return orientation;
}

/* libwebp's status codes in the tool's words. */
static void status_reason(VP8StatusCode status, char *err, size_t errlen)
{
    switch (status) {
    case VP8_STATUS_NOT_ENOUGH_DATA:
        snprintf(err, errlen, "cannot decode: truncated WebP");
        break;
    case VP8_STATUS_OUT_OF_MEMORY:
        snprintf(err, errlen, "cannot decode: out of memory");
        break;
    case VP8_STATUS_UNSUPPORTED_FEATURE:
        snprintf(err, errlen, "unsupported: a WebP feature libwebp does not decode");
        break;
    case VP8_STATUS_INVALID_PARAM:
    case VP8_STATUS_BITSTREAM_ERROR:
    default:
        snprintf(err, errlen, "cannot decode: corrupt WebP (libwebp status %d)", (int)status);
        break;
    }
}

/* Checks, before any pixel is allocated, that every chunk of the RIFF
 * container lies within the data: a file cut after its header, or a
 * header whose image chunk claims bytes that are not there, is refused
 * here instead of after a canvas-sized allocation. libwebp makes the same
 * checks, but only once WebPDecode has its output buffer. A raw VP8 or
 * VP8L bitstream without RIFF has nothing to check. */
static int check_chunks(const unsigned char *data, size_t len, char *err, size_t errlen)
{
    if (len < 12 || memcmp(data, "RIFF", 4) != 0)
        return 0;
    uint64_t end = (uint64_t)get_le32(data + 4) + 8;
    if (end > len) {
        snprintf(err, errlen, "cannot decode: truncated WebP (the file has %zu of its "
                 "%llu bytes)", len, (unsigned long long)end);
        return -1;
    }
    uint64_t at = 12;
    while (at + 8 <= end) {
        uint64_t size = get_le32(data + at + 4);
        uint64_t next = at + 8 + size + (size & 1);
        /* The padding byte of a last odd-sized chunk is often left out. */
        if (at + 8 + size > end) {
            snprintf(err, errlen, "cannot decode: truncated WebP (its %.4s chunk needs "
                     "%llu bytes, the file has %llu)", (const char *)data + at,
                     (unsigned long long)size, (unsigned long long)(end - at - 8));
            return -1;
        }
        at = next;
    }
    return 0;
}

/* Copies the ICC profile and the EXIF of a decoded WebP into meta, and
 * gives the EXIF orientation (1 without one). Returns 0, or -1 when memory
 * is short. A WebP whose chunks the demuxer cannot read (libwebp decoded
 * its pixels anyway) has no metadata. */
static int read_meta(const unsigned char *data, size_t len, image_meta_t *meta,
                     int *orientation)
{
    *orientation = 1;
    WebPData whole = { data, len };
    WebPDemuxer *demux = WebPDemux(&whole);
    if (demux == NULL)
        return 0;
    int rc = 0;
    WebPChunkIterator it;
    if (WebPDemuxGetChunk(demux, "ICCP", 1, &it)) {
        if (it.chunk.size > 0)
            rc = image_meta_set_bytes(&meta->icc, &meta->icc_len, it.chunk.bytes,
                                      it.chunk.size);
        WebPDemuxReleaseChunkIterator(&it);
    }
    if (rc == 0 && WebPDemuxGetChunk(demux, "EXIF", 1, &it)) {
        const unsigned char *body;
        size_t n;
        exif_body(&it.chunk, &body, &n);
        *orientation = image_meta_exif_orientation(body, n);
        if (n > 0)
            rc = image_meta_set_bytes(&meta->exif, &meta->exif_len, body, n);
        /* A block whose Orientation cannot be set is dropped, as the JPEG
         * reader drops it: no output may claim a turn its pixels lack. */
        if (rc == 0 && meta->exif != NULL &&
            image_meta_exif_set_upright(meta->exif, meta->exif_len) != 0) {
            free(meta->exif);
            meta->exif = NULL;
            meta->exif_len = 0;
        }
        WebPDemuxReleaseChunkIterator(&it);
    }
    WebPDemuxDelete(demux);
    return rc;
}

/* The frames of an animated WebP, for the refusal; 0 when not counted. */
static unsigned frame_count(const unsigned char *data, size_t len)
{
    WebPData whole = { data, len };
    WebPDemuxer *demux = WebPDemux(&whole);
    if (demux == NULL)
        return 0;
    unsigned n = WebPDemuxGetI(demux, WEBP_FF_FRAME_COUNT);
    WebPDemuxDelete(demux);
    return n;
}

int codec_webp_probe(const unsigned char *data, size_t len, uint64_t max_pixels,
                     codec_header_t *out)
{
    memset(out, 0, sizeof *out);
    char err[256];
    WebPBitstreamFeatures f;
    if (WebPGetFeatures(data, len, &f) != VP8_STATUS_OK || f.has_animation ||
        check_chunks(data, len, err, sizeof err) != 0 ||
        codec_check_size(f.width, f.height, max_pixels, err, sizeof err) != 0)
        return -1;
    /* The width and height as stored, as the JPEG probe gives them; turned
     * says the decoder will swap or mirror them (EXIF orientation). */
    *out = (codec_header_t){ f.width, f.height, f.has_alpha ? 4 : 3, 8,
                             webp_orientation(data, len) != 1 };
    return 0;
}

int codec_webp_decode(const unsigned char *data, size_t len, uint64_t max_pixels,
                      image_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    image_meta_init(&out->meta);
    out->codec_hint = -1;
    out->source_format = -1;

    WebPDecoderConfig config;
    if (!WebPInitDecoderConfig(&config)) {
        snprintf(err, errlen, "cannot decode: libwebp version mismatch");
        return -1;
    }
    if (check_chunks(data, len, err, errlen) != 0)
        return -1;
    VP8StatusCode status = WebPGetFeatures(data, len, &config.input);
    if (status != VP8_STATUS_OK) {
        status_reason(status, err, errlen);
        return -1;
    }
    if (config.input.has_animation) {
        unsigned frames = frame_count(data, len);
        if (frames > 0)
            snprintf(err, errlen, "unsupported: animated WebP (%u frames); noiseaug reads "
                     "still images", frames);
        else
            snprintf(err, errlen, "unsupported: animated WebP; noiseaug reads still images");
        return -1;
    }
    if (codec_check_size(config.input.width, config.input.height, max_pixels, err,
                         errlen) != 0)
        return -1;
    int channels = config.input.has_alpha ? 4 : 3;
    if (image_alloc(out, config.input.width, config.input.height, channels, 8) != 0) {
        snprintf(err, errlen, "cannot decode: out of memory for %dx%d", config.input.width,
                 config.input.height);
        image_free(out);
        return -1;
    }
    /* libwebp decodes straight into the image's pixels. */
    config.output.colorspace = channels == 4 ? MODE_RGBA : MODE_RGB;
    config.output.is_external_memory = 1;
    config.output.u.RGBA.rgba = out->pixels;
    config.output.u.RGBA.stride = out->width * channels;
    config.output.u.RGBA.size = image_sample_count(out);
    status = WebPDecode(data, len, &config);
    WebPFreeDecBuffer(&config.output);
    if (status != VP8_STATUS_OK) {
        status_reason(status, err, errlen);
        image_free(out);
        return -1;
    }
    out->alpha = channels == 4;
    out->codec_hint = config.input.format == 2 ? 1 : 0;
    out->source_format = CODEC_WEBP;

    int orientation;
    if (read_meta(data, len, &out->meta, &orientation) != 0) {
        snprintf(err, errlen, "cannot decode: out of memory reading its metadata");
        image_free(out);
        return -1;
    }
    /* libwebp and most viewers ignore a WebP's EXIF orientation, but some
     * honour it, and a WebP made from a phone's JPEG may carry one. Like
     * the JPEG decoder, turn the pixels upright and keep the EXIF with
     * Orientation 1: every viewer then shows the same picture, and labels
     * drawn on it stay where they belong. */
    if (image_orient(out, orientation) != 0) {
        snprintf(err, errlen, "cannot decode: out of memory turning the image upright");
        image_free(out);
        return -1;
    }
    return 0;
}

/* libwebp's encoder errors in words. */
static const char *encode_reason(WebPEncodingError e)
{
    switch (e) {
    case VP8_ENC_ERROR_OUT_OF_MEMORY:
    case VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY:
        return "out of memory";
    case VP8_ENC_ERROR_BAD_DIMENSION:
        return "image size out of range for WebP";
    case VP8_ENC_ERROR_PARTITION0_OVERFLOW:
    case VP8_ENC_ERROR_PARTITION_OVERFLOW:
        return "lossy WebP partition overflow (the image is too large for lossy WebP)";
    case VP8_ENC_ERROR_FILE_TOO_BIG:
        return "the WebP would be over 4 GiB";
    default:
        return "libwebp encoder failed";
    }
}

/* The image's pixels as libwebp imports them: RGB or RGBA. Grey is
 * expanded; RGB and RGBA are used in place (*copy stays NULL). */
static const unsigned char *rgb_pixels(const image_t *img, unsigned char **copy)
{
    *copy = NULL;
    if (img->channels >= 3)
        return img->pixels;
    size_t n = (size_t)img->width * (size_t)img->height;
    int out_c = img->channels == 2 ? 4 : 3;
    unsigned char *p = malloc(n * (size_t)out_c);
    if (p == NULL)
        return NULL;
    const unsigned char *src = img->pixels;
    for (size_t i = 0; i < n; i++) {
        unsigned char *d = p + i * (size_t)out_c;
        d[0] = d[1] = d[2] = src[i * (size_t)img->channels];
        if (out_c == 4)
            d[3] = src[i * 2 + 1];
    }
    *copy = p;
    return p;
}

/* Wraps a plain WebP bitstream with the ICC and EXIF chunks of meta, in
 * the extended format, into out. Returns 0, or -1 with the reason. */
static int wrap_meta(const WebPMemoryWriter *plain, const image_meta_t *meta,
                     codec_buffer_t *out, char *err, size_t errlen)
{
    WebPData image = { plain->mem, plain->size };
    WebPMux *mux = WebPMuxCreate(&image, 0);
    if (mux == NULL) {
        snprintf(err, errlen, "cannot encode: out of memory");
        return -1;
    }
    WebPMuxError e = WEBP_MUX_OK;
    if (meta->icc_len > 0) {
        WebPData icc = { meta->icc, meta->icc_len };
        e = WebPMuxSetChunk(mux, "ICCP", &icc, 0);
    }
    if (e == WEBP_MUX_OK && meta->exif_len > 0) {
        WebPData exif = { meta->exif, meta->exif_len };
        e = WebPMuxSetChunk(mux, "EXIF", &exif, 0);
    }
    WebPData assembled = { NULL, 0 };
    if (e == WEBP_MUX_OK)
        e = WebPMuxAssemble(mux, &assembled);
    WebPMuxDelete(mux);
    if (e != WEBP_MUX_OK) {
        WebPDataClear(&assembled);
        snprintf(err, errlen, "cannot encode: %s", e == WEBP_MUX_MEMORY_ERROR
                 ? "out of memory" : "libwebpmux could not add the metadata");
        return -1;
    }
    int rc = bytebuf_append(out, assembled.bytes, assembled.size);
    WebPDataClear(&assembled);
    if (rc != 0) {
        codec_buffer_free(out);
        snprintf(err, errlen, "cannot encode: out of memory");
        return -1;
    }
    return 0;
}

int codec_webp_encode(const image_t *img, int lossless, int quality, codec_buffer_t *out,
                      char *err, size_t errlen)
{
    int colour = image_colour_channels(img);
    if (img->bits != 8 || img->channels > 4 || (colour != 1 && colour != 3)) {
        snprintf(err, errlen, "cannot encode: WebP holds 8-bit grey or RGB, with or "
                 "without alpha");
        return -1;
    }
    if (img->width > WEBP_MAX_SIDE || img->height > WEBP_MAX_SIDE) {
        snprintf(err, errlen, "cannot encode: WebP holds at most %d x %d pixels, not %dx%d",
                 WEBP_MAX_SIDE, WEBP_MAX_SIDE, img->width, img->height);
        return -1;
    }
    WebPConfig config;
    WebPPicture pic;
    if (!WebPConfigInit(&config) || !WebPPictureInit(&pic)) {
        snprintf(err, errlen, "cannot encode: libwebp version mismatch");
        return -1;
    }
    config.lossless = lossless ? 1 : 0;
    if (!lossless)
        config.quality = (float)(quality < 0 ? 0 : quality > 100 ? 100 : quality);
    /* Noise under a fully transparent pixel is still data: lossless keeps
     * it only when told to be exact. */
    config.exact = lossless && img->alpha ? 1 : 0;
    /* One thread: the pipeline runs one encoder per worker already, and
     * the output is then the same bytes on every run. */
    config.thread_level = 0;
    if (!WebPValidateConfig(&config)) {
        snprintf(err, errlen, "cannot encode: invalid WebP settings");
        return -1;
    }

    unsigned char *copy;
    const unsigned char *rgb = rgb_pixels(img, &copy);
    if (rgb == NULL) {
        snprintf(err, errlen, "cannot encode: out of memory");
        return -1;
    }
    int with_alpha = img->alpha;
    pic.use_argb = config.lossless;
    pic.width = img->width;
    pic.height = img->height;
    int stride = img->width * (with_alpha ? 4 : 3);
    int ok = with_alpha ? WebPPictureImportRGBA(&pic, rgb, stride)
                        : WebPPictureImportRGB(&pic, rgb, stride);
    free(copy);
    if (!ok) {
        WebPPictureFree(&pic);
        snprintf(err, errlen, "cannot encode: out of memory");
        return -1;
    }
    WebPMemoryWriter writer;
    WebPMemoryWriterInit(&writer);
    pic.writer = WebPMemoryWrite;
    pic.custom_ptr = &writer;
    ok = WebPEncode(&config, &pic);
    WebPEncodingError e = pic.error_code;
    WebPPictureFree(&pic);
    if (!ok) {
        WebPMemoryWriterClear(&writer);
        snprintf(err, errlen, "cannot encode: %s", encode_reason(e));
        return -1;
    }

    int rc;
    if (img->meta.icc_len > 0 || img->meta.exif_len > 0) {
        rc = wrap_meta(&writer, &img->meta, out, err, errlen);
    } else {
        rc = bytebuf_append(out, writer.mem, writer.size);
        if (rc != 0) {
            codec_buffer_free(out);
            snprintf(err, errlen, "cannot encode: out of memory");
        }
    }
    WebPMemoryWriterClear(&writer);
    return rc;
}

#endif
