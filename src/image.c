/* image: allocation and shape helpers shared by codec and noise. */
#include "image.h"

#include <stdlib.h>
#include <string.h>

int image_alloc(image_t *img, int width, int height, int channels, int bits)
{
    img->pixels = NULL;
    image_meta_init(&img->meta);
    if (width <= 0 || height <= 0 || channels < 1 || channels > IMAGE_MAX_CHANNELS ||
        (bits != 8 && bits != 16))
        return -1;
    size_t bytes_per_sample = (size_t)bits / 8;
    size_t w = (size_t)width, h = (size_t)height, c = (size_t)channels;
    /* Overflow check on w*h*c*bytes before allocating. */
    if (w > SIZE_MAX / h || w * h > SIZE_MAX / c ||
        w * h * c > SIZE_MAX / bytes_per_sample)
        return -1;
    void *p = calloc(w * h * c, bytes_per_sample);
    if (p == NULL)
        return -1;
    img->width = width;
    img->height = height;
    img->channels = channels;
    img->bits = bits;
    img->pixels = p;
    img->alpha = channels == 2 || channels == 4;
    img->codec_hint = -1;
    img->source_format = -1;
    return 0;
}

void image_move_extras(image_t *dst, image_t *src)
{
    dst->alpha = src->alpha;
    dst->codec_hint = src->codec_hint;
    dst->source_format = src->source_format;
    image_meta_free(&dst->meta);
    dst->meta = src->meta;
    image_meta_init(&src->meta);
}

void image_free(image_t *img)
{
    free(img->pixels);
    img->pixels = NULL;
    img->width = img->height = img->channels = 0;
    image_meta_free(&img->meta);
}

size_t image_sample_count(const image_t *img)
{
    return (size_t)img->width * (size_t)img->height * (size_t)img->channels;
}

int image_colour_channels(const image_t *img)
{
    return img->channels - (img->alpha ? 1 : 0);
}

uint32_t image_max_value(const image_t *img)
{
    return img->bits == 16 ? 65535u : 255u;
}

int image_orient(image_t *img, int orientation)
{
    if (orientation <= 1 || orientation > 8)
        return 0;
    size_t W = (size_t)img->width, H = (size_t)img->height;
    int swap = orientation >= 5;
    image_t out;
    if (image_alloc(&out, swap ? img->height : img->width,
                    swap ? img->width : img->height, img->channels, img->bits) != 0)
        return -1;
    size_t px = (size_t)img->channels * (size_t)(img->bits / 8);
    size_t dw = (size_t)out.width, dh = (size_t)out.height;
    const unsigned char *src = img->pixels;
    unsigned char *dst = out.pixels;
    for (size_t dy = 0; dy < dh; dy++) {
        for (size_t dx = 0; dx < dw; dx++) {
            /* Source pixel shown at (dx, dy). */
            size_t sx, sy;
            switch (orientation) {
            case 2: sx = W - 1 - dx; sy = dy; break;
            case 3: sx = W - 1 - dx; sy = H - 1 - dy; break;
            case 4: sx = dx; sy = H - 1 - dy; break;
            case 5: sx = dy; sy = dx; break;
            case 6: sx = dy; sy = H - 1 - dx; break;
            case 7: sx = W - 1 - dy; sy = H - 1 - dx; break;
            default: sx = W - 1 - dy; sy = dx; break;  /* 8 */
            }
            memcpy(dst + (dy * dw + dx) * px, src + (sy * W + sx) * px, px);
        }
    }
    image_move_extras(&out, img);
    image_free(img);
    *img = out;
    return 0;
}
