/* fixture_encoders: progressive and CMYK JPEG; palette and interlaced PNG.
 * The fixtures in data/ are committed, and `make data` must reproduce them
 * byte for byte: these encoders make the same calls, with the same
 * settings, as the codec's own encoders did when they held them. */
#include "fixture_encoders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytebuf.h"

#ifdef NOISEAUG_WITH_TURBOJPEG
#include <turbojpeg.h>
#endif

int fixture_encode_jpeg(const image_t *img, int quality, fixture_jpeg_t kind,
                        codec_buffer_t *out, char *err, size_t errlen)
{
#ifdef NOISEAUG_WITH_TURBOJPEG
    int cmyk = kind == FIXTURE_JPEG_CMYK;
    if (img->bits != 8 || (cmyk ? img->channels != 4 : img->channels != 1 && img->channels != 3)) {
        snprintf(err, errlen, "cannot encode: wrong shape for this JPEG variant");
        return -1;
    }
    int pf = cmyk ? TJPF_CMYK : img->channels == 1 ? TJPF_GRAY : TJPF_RGB;
    int subsamp = pf == TJPF_GRAY ? TJSAMP_GRAY : TJSAMP_444;
    return codec_turbo_compress(img->pixels, img->width, img->height, pf, subsamp, quality,
                                cmyk ? 0 : TJFLAG_PROGRESSIVE, out, err, errlen);
#else
    (void)img, (void)quality, (void)kind, (void)out;
    snprintf(err, errlen, "cannot encode: JPEG variants need the libjpeg-turbo build");
    return -1;
#endif
}

/* Adam7 passes: start x, start y, step x, step y. */
static const int adam7[7][4] = {
    { 0, 0, 8, 8 }, { 4, 0, 8, 8 }, { 0, 4, 4, 8 }, { 2, 0, 4, 4 },
    { 0, 2, 2, 4 }, { 1, 0, 2, 2 }, { 0, 1, 1, 2 },
};

/* Appends the filtered (filter 0) rows of one pass to raw. */
static void pass_rows(bytebuf_t *raw, const fixture_png_t *img, int x0, int y0,
                      int dx, int dy)
{
    size_t px = (size_t)img->channels;
    for (int y = y0; y < img->height; y += dy) {
        if (x0 >= img->width)
            break;
        unsigned char f = 0;
        bytebuf_append(raw, &f, 1);
        for (int x = x0; x < img->width; x += dx)
            bytebuf_append(raw, img->pixels + ((size_t)y * (size_t)img->width + (size_t)x) * px,
                           px);
    }
}

int fixture_encode_png(const fixture_png_t *img, pngwrite_deflate_fn *deflate,
                       unsigned char **out, size_t *out_len)
{
    static const unsigned char colour_type[5] = { 0, 0, 4, 2, 6 };
    *out = NULL;
    if (img->width <= 0 || img->height <= 0 || img->channels < 1 || img->channels > 4 ||
        (img->palette && (img->channels != 1 || img->palette_size < 1 ||
                          img->palette_size > 256)))
        return -1;
    bytebuf_t raw = { 0 };
    if (img->interlace) {
        for (int p = 0; p < 7; p++)
            pass_rows(&raw, img, adam7[p][0], adam7[p][1], adam7[p][2], adam7[p][3]);
    } else {
        pass_rows(&raw, img, 0, 0, 1, 1);
    }
    pngwrite_header_t h = {
        img->width, img->height, 8, img->palette ? 3 : colour_type[img->channels],
        img->interlace, img->palette, img->palette_size,
    };
    int rc = raw.failed ? -1 : pngwrite_assemble(&h, raw.data, raw.len, deflate, out, out_len);
    free(raw.data);
    return rc;
}
