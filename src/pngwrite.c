/* pngwrite: signature, IHDR, [PLTE], IDAT, IEND, each with its CRC. */
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

/* Adam7 passes: start x, start y, step x, step y. */
static const int adam7[7][4] = {
    { 0, 0, 8, 8 }, { 4, 0, 8, 8 }, { 0, 4, 4, 8 }, { 2, 0, 4, 4 },
    { 0, 2, 2, 4 }, { 1, 0, 2, 2 }, { 0, 1, 1, 2 },
};

/* Appends the filtered (filter 0) rows of one pass to raw. */
static void pass_rows(bytebuf_t *raw, const pngwrite_image_t *img, int x0, int y0,
                      int dx, int dy)
{
    size_t bps = (size_t)img->bits / 8, px = (size_t)img->channels * bps;
    for (int y = y0; y < img->height; y += dy) {
        if (x0 >= img->width)
            break;
        unsigned char f = 0;
        bytebuf_append(raw, &f, 1);
        for (int x = x0; x < img->width; x += dx) {
            size_t at = ((size_t)y * (size_t)img->width + (size_t)x) * px;
            if (img->bits == 8) {
                bytebuf_append(raw, (const unsigned char *)img->pixels + at, px);
                continue;
            }
            const uint16_t *s = (const uint16_t *)((const unsigned char *)img->pixels + at);
            for (int c = 0; c < img->channels; c++) {
                unsigned char be[2] = { (unsigned char)(s[c] >> 8), (unsigned char)s[c] };
                bytebuf_append(raw, be, 2);
            }
        }
    }
}

int pngwrite_encode(const pngwrite_image_t *img, pngwrite_deflate_fn *deflate,
                    unsigned char **out, size_t *out_len)
{
    static const unsigned char colour_type[5] = { 0, 0, 4, 2, 6 };
    *out = NULL;
    if (img->width <= 0 || img->height <= 0 || img->channels < 1 ||
        img->channels > 4 || (img->bits != 8 && img->bits != 16) ||
        (img->palette && (img->channels != 1 || img->bits != 8 ||
                          img->palette_size < 1 || img->palette_size > 256)))
        return -1;
    bytebuf_t raw = { 0 }, png = { 0 };
    if (img->interlace) {
        for (int p = 0; p < 7; p++)
            pass_rows(&raw, img, adam7[p][0], adam7[p][1], adam7[p][2], adam7[p][3]);
    } else {
        pass_rows(&raw, img, 0, 0, 1, 1);
    }
    size_t zlen = 0;
    unsigned char *z = raw.failed ? NULL : deflate(raw.data, raw.len, &zlen);
    free(raw.data);
    if (z == NULL)
        return -1;

    static const unsigned char signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    bytebuf_append(&png, signature, 8);
    unsigned char ihdr[13] = {
        (unsigned char)(img->width >> 24), (unsigned char)(img->width >> 16),
        (unsigned char)(img->width >> 8), (unsigned char)img->width,
        (unsigned char)(img->height >> 24), (unsigned char)(img->height >> 16),
        (unsigned char)(img->height >> 8), (unsigned char)img->height,
        (unsigned char)img->bits, img->palette ? 3 : colour_type[img->channels],
        0, 0, (unsigned char)(img->interlace ? 1 : 0),
    };
    chunk(&png, "IHDR", ihdr, sizeof ihdr);
    if (img->palette)
        chunk(&png, "PLTE", img->palette, 3 * (size_t)img->palette_size);
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
