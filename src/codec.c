/* codec: every image file format lives here.
 *
 * Two builds share this file. The default one decodes and encodes JPEG with
 * libjpeg-turbo (TurboJPEG API) and compresses PNG with libdeflate, which
 * are several times faster than stb's coders; everything else goes through
 * stb_image and stb_image_write. The pure-stb build (make CODEC=stb) uses
 * stb for everything. This is the one file that compiles the stb
 * implementations, so their configuration lives here too. */
#include "codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef NOISEAUG_WITH_TURBOJPEG
#include <turbojpeg.h>
#endif
#ifdef NOISEAUG_WITH_LIBDEFLATE
#include <libdeflate.h>

/* stb_image_write hands its filtered PNG rows to this instead of its own
 * deflate. The result must come from malloc, as stb frees it with free. */
static unsigned char *libdeflate_zlib(unsigned char *data, int data_len,
                                      int *out_len, int level)
{
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
    if (c == NULL)
        return NULL;
    size_t bound = libdeflate_zlib_compress_bound(c, (size_t)data_len);
    unsigned char *out = malloc(bound);
    size_t n = out ? libdeflate_zlib_compress(c, data, (size_t)data_len, out, bound) : 0;
    libdeflate_free_compressor(c);
    if (n == 0 || n > INT32_MAX) {
        free(out);
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

typedef struct {
    const char *ext;
    int output;  /* codec_format_t written for this input */
} ext_rule_t;

static const ext_rule_t ext_rules[] = {
    { "jpg", CODEC_JPEG }, { "jpeg", CODEC_JPEG }, { "png", CODEC_PNG },
    { "bmp", CODEC_BMP },  { "tga", CODEC_TGA },   { "gif", CODEC_PNG },
    { "psd", CODEC_PNG },  { "pic", CODEC_PNG },   { "pnm", CODEC_PNG },
    { "ppm", CODEC_PNG },  { "pgm", CODEC_PNG },   { "hdr", CODEC_PNG },
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
}

const char *codec_describe(void)
{
#if defined(NOISEAUG_WITH_TURBOJPEG) && defined(NOISEAUG_WITH_LIBDEFLATE)
    return "JPEG libjpeg-turbo (TurboJPEG), PNG deflate libdeflate " LIBDEFLATE_VERSION_STRING
           ", other formats stb_image 2.27 / stb_image_write 1.16";
#else
    return "stb_image 2.27 / stb_image_write 1.16 (pure-stb build)";
#endif
}

int codec_output_format(const char *ext)
{
    for (size_t i = 0; i < sizeof ext_rules / sizeof ext_rules[0]; i++)
        if (strcasecmp(ext, ext_rules[i].ext) == 0)
            return ext_rules[i].output;
    return -1;
}

int codec_can_read_ext(const char *ext)
{
    return codec_output_format(ext) >= 0;
}

#ifdef NOISEAUG_WITH_TURBOJPEG
static int is_jpeg(const unsigned char *data, size_t len)
{
    return len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;
}

static int turbo_decode(const unsigned char *data, size_t len, image_t *out,
                        char *err, size_t errlen)
{
    tjhandle tj = tjInitDecompress();
    if (tj == NULL) {
        snprintf(err, errlen, "cannot decode: %s", tjGetErrorStr2(NULL));
        return -1;
    }
    int w, h, subsamp, colourspace, rc = -1;
    if (tjDecompressHeader3(tj, data, (unsigned long)len, &w, &h, &subsamp,
                            &colourspace) != 0) {
        snprintf(err, errlen, "cannot decode: %s", tjGetErrorStr2(tj));
        goto out;
    }
    if (colourspace == TJCS_CMYK || colourspace == TJCS_YCCK) {
        snprintf(err, errlen, "unsupported: CMYK JPEG");
        goto out;
    }
    int grey = colourspace == TJCS_GRAY;
    if (image_alloc(out, w, h, grey ? 1 : 3, 8) != 0) {
        snprintf(err, errlen, "cannot decode: out of memory for %dx%d", w, h);
        goto out;
    }
    if (tjDecompress2(tj, data, (unsigned long)len, out->pixels, w, 0, h,
                      grey ? TJPF_GRAY : TJPF_RGB, 0) != 0 &&
        tjGetErrorCode(tj) == TJERR_FATAL) {
        /* Warnings (a few corrupt bytes) still give a usable image, as
         * with stb; only fatal errors fail the file. */
        snprintf(err, errlen, "cannot decode: %s", tjGetErrorStr2(tj));
        image_free(out);
        goto out;
    }
    out->codec_hint = subsamp;
    rc = 0;
out:
    tjDestroy(tj);
    return rc;
}

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
    unsigned long size = tjBufSize(img->width, img->height, subsamp);
    int rc = -1;
    tjhandle tj = tjInitCompress();
    out->data = malloc(size);
    if (tj == NULL || out->data == NULL) {
        snprintf(err, errlen, "cannot encode: out of memory");
        goto out;
    }
    out->cap = size;
    unsigned char *dst = out->data;
    if (tjCompress2(tj, src, img->width, 0, img->height, pf, &dst, &size,
                    subsamp, quality, TJFLAG_NOREALLOC) != 0) {
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
    free(grey);
    return rc;
}
#endif

int codec_decode(const unsigned char *data, size_t len, image_t *out,
                 char *err, size_t errlen)
{
    if (len == 0) {
        snprintf(err, errlen, "cannot decode: empty file");
        return -1;
    }
    if (len > (size_t)INT32_MAX) {
        snprintf(err, errlen, "cannot decode: file larger than 2 GiB");
        return -1;
    }
#ifdef NOISEAUG_WITH_TURBOJPEG
    if (is_jpeg(data, len))
        return turbo_decode(data, len, out, err, errlen);
#endif
    int w, h, n;
    unsigned char *pixels = stbi_load_from_memory(data, (int)len, &w, &h, &n, 0);
    if (pixels == NULL) {
        const char *why = stbi_failure_reason();
        snprintf(err, errlen, "cannot decode: %s", why ? why : "unknown error");
        return -1;
    }
    out->width = w;
    out->height = h;
    out->channels = n;
    out->bits = 8;
    out->pixels = pixels;  /* stb allocates with malloc, so image_free works */
    out->codec_hint = -1;
    return 0;
}

static void buffer_append(void *context, void *data, int size)
{
    codec_buffer_t *b = context;
    if (b->oom || size <= 0)
        return;
    size_t need = b->len + (size_t)size;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < need)
            cap *= 2;
        unsigned char *p = realloc(b->data, cap);
        if (p == NULL) {
            b->oom = 1;
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, (size_t)size);
    b->len = need;
}

int codec_encode(const image_t *img, codec_format_t format, int quality,
                 codec_buffer_t *out, char *err, size_t errlen)
{
    if (img->bits != 8) {
        snprintf(err, errlen, "cannot encode: %d-bit samples", img->bits);
        return -1;
    }
    int w = img->width, h = img->height, c = img->channels, ok = 0;
    switch (format) {
    case CODEC_JPEG:
#ifdef NOISEAUG_WITH_TURBOJPEG
        return turbo_encode(img, quality, out, err, errlen);
#endif
        ok = stbi_write_jpg_to_func(buffer_append, out, w, h, c, img->pixels, quality);
        break;
    case CODEC_PNG:
        ok = stbi_write_png_to_func(buffer_append, out, w, h, c, img->pixels, w * c);
        break;
    case CODEC_BMP:
        ok = stbi_write_bmp_to_func(buffer_append, out, w, h, c, img->pixels);
        break;
    case CODEC_TGA:
        ok = stbi_write_tga_to_func(buffer_append, out, w, h, c, img->pixels);
        break;
    }
    if (!ok || out->oom) {
        snprintf(err, errlen, "cannot encode: %s",
                 out->oom ? "out of memory" : "encoder failed");
        codec_buffer_free(out);
        return -1;
    }
    return 0;
}

void codec_buffer_free(codec_buffer_t *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
    buf->oom = 0;
}
