/* pngwrite: signature, IHDR, IDAT, IEND, each with its CRC. */
#include "pngwrite.h"

#include "bytebuf.h"

#include <stdlib.h>
#include <string.h>

uint32_t pngwrite_crc32(uint32_t crc, const unsigned char *p, size_t len)
{
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static void put32(bytebuf_t *b, uint32_t v)
{
    unsigned char be[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
                            (unsigned char)(v >> 8), (unsigned char)v };
    bytebuf_append(b, be, 4);
}

static void chunk(bytebuf_t *b, const char type[4], const unsigned char *p, size_t n)
{
    put32(b, (uint32_t)n);
    size_t start = b->len;
    bytebuf_append(b, type, 4);
    bytebuf_append(b, p, n);
    if (!b->failed)
        put32(b, pngwrite_crc32(0, b->data + start, n + 4));
}

int pngwrite_assemble(const pngwrite_header_t *h, const unsigned char *rows, size_t len,
                      pngwrite_deflate_fn *deflate, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    size_t zlen = 0;
    unsigned char *z = deflate(rows, len, &zlen);
    if (z == NULL)
        return -1;
    bytebuf_t png = { 0 };
    static const unsigned char signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    bytebuf_append(&png, signature, 8);
    unsigned char ihdr[13] = {
        (unsigned char)(h->width >> 24), (unsigned char)(h->width >> 16),
        (unsigned char)(h->width >> 8), (unsigned char)h->width,
        (unsigned char)(h->height >> 24), (unsigned char)(h->height >> 16),
        (unsigned char)(h->height >> 8), (unsigned char)h->height,
        (unsigned char)h->bits, (unsigned char)h->colour_type, 0, 0,
        (unsigned char)(h->interlace ? 1 : 0),
    };
    chunk(&png, "IHDR", ihdr, sizeof ihdr);
    if (h->palette != NULL)
        chunk(&png, "PLTE", h->palette, 3 * (size_t)h->palette_size);
    chunk(&png, "IDAT", z, zlen);
    chunk(&png, "IEND", NULL, 0);
    free(z);
    if (png.failed) {
        free(png.data);
        return -1;
    }
    *out = png.data;
    *out_len = png.len;
    return 0;
}

int pngwrite_encode(const pngwrite_image_t *img, pngwrite_deflate_fn *deflate,
                    unsigned char **out, size_t *out_len)
{
    static const unsigned char colour_type[5] = { 0, 0, 4, 2, 6 };
    *out = NULL;
    if (img->width <= 0 || img->height <= 0 || img->channels < 1 || img->channels > 4)
        return -1;
    bytebuf_t raw = { 0 };
    size_t row = (size_t)img->width * (size_t)img->channels;
    for (int y = 0; y < img->height; y++) {
        unsigned char filter = 0;
        bytebuf_append(&raw, &filter, 1);
        const uint16_t *s = img->pixels + (size_t)y * row;
        for (size_t i = 0; i < row; i++) {
            unsigned char be[2] = { (unsigned char)(s[i] >> 8), (unsigned char)s[i] };
            bytebuf_append(&raw, be, 2);
        }
    }
    pngwrite_header_t h = { img->width, img->height, 16, colour_type[img->channels], 0, NULL, 0 };
    int rc = raw.failed ? -1 : pngwrite_assemble(&h, raw.data, raw.len, deflate, out, out_len);
    free(raw.data);
    return rc;
}
