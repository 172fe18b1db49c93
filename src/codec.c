/* codec: stb_image for decoding, stb_image_write for encoding.
 *
 * This is the one file that compiles the stb implementations, so their
 * configuration lives here. Both come from Debian's libstb-dev headers. */
#include "codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

void codec_init(void)
{
    /* stb_image_write's PNG settings are process-wide globals: they are set
     * here, once, before workers exist, and never changed afterwards. */
    stbi_write_png_compression_level = 8;
    stbi_write_force_png_filter = -1;
}

const char *codec_describe(void)
{
    return "stb_image 2.27, stb_image_write 1.16";
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
