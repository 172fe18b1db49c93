/* pnm: the binary PGM and PPM reader. */
#include "pnm.h"

#include <stdint.h>
#include <stdio.h>

static int is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Reads one header number at *i, after white space and comments. */
static int read_number(const unsigned char *data, size_t len, size_t *i, unsigned long *out,
                       char *err, size_t errlen)
{
    for (;;) {
        while (*i < len && is_space(data[*i]))
            (*i)++;
        if (*i >= len || data[*i] != '#')
            break;
        while (*i < len && data[*i] != '\n' && data[*i] != '\r')
            (*i)++;
    }
    size_t digits = 0;
    unsigned long v = 0;
    while (*i < len && data[*i] >= '0' && data[*i] <= '9') {
        if (++digits > 9) {
            (*i)++;
            while (*i < len && data[*i] >= '0' && data[*i] <= '9') {
                (*i)++;
                digits++;
            }
            /* stb 2.27 overflowed an int here (UBSan); a PNM side is never
             * a billion pixels. */
            snprintf(err, errlen, "cannot decode: PNM header number of %zu digits", digits);
            return -1;
        }
        v = v * 10 + (unsigned long)(data[*i] - '0');
        (*i)++;
    }
    if (digits == 0) {
        snprintf(err, errlen, "cannot decode: corrupt PNM header (a number is missing)");
        return -1;
    }
    *out = v;
    return 0;
}

int pnm_read_header(const unsigned char *data, size_t len, pnm_header_t *h, char *err,
                    size_t errlen)
{
    if (len < 2 || data[0] != 'P' || (data[1] != '5' && data[1] != '6')) {
        snprintf(err, errlen, "cannot decode: not a binary PGM or PPM file");
        return -1;
    }
    size_t i = 2;
    unsigned long w, hgt, maxval;
    if (read_number(data, len, &i, &w, err, errlen) != 0 ||
        read_number(data, len, &i, &hgt, err, errlen) != 0 ||
        read_number(data, len, &i, &maxval, err, errlen) != 0)
        return -1;
    if (maxval == 0 || maxval > 65535) {
        snprintf(err, errlen, "cannot decode: corrupt PNM header (maximum value %lu is not "
                 "1 to 65535)", maxval);
        return -1;
    }
    if (i >= len || !is_space(data[i])) {
        snprintf(err, errlen, "cannot decode: corrupt PNM header (no white space before "
                 "the samples)");
        return -1;
    }
    h->width = (int)w;
    h->height = (int)hgt;
    h->channels = data[1] == '5' ? 1 : 3;
    h->maxval = (unsigned)maxval;
    h->offset = i + 1;
    return 0;
}

int pnm_decode(const unsigned char *data, size_t len, const pnm_header_t *h, image_t *out,
               char *err, size_t errlen)
{
    int wide = h->maxval > 255;
    size_t n = (size_t)h->width * (size_t)h->height * (size_t)h->channels;
    size_t need = n * (wide ? 2u : 1u);
    if (h->offset > len || len - h->offset < need) {
        snprintf(err, errlen, "cannot decode: truncated PNM (the data ends before the image "
                 "does)");
        return -1;
    }
    if (image_alloc(out, h->width, h->height, h->channels, wide ? 16 : 8) != 0) {
        snprintf(err, errlen, "cannot decode: out of memory for %dx%d", h->width, h->height);
        return -1;
    }
    const unsigned char *p = data + h->offset;
    uint32_t top = wide ? 65535u : 255u, max = h->maxval;
    for (size_t k = 0; k < n; k++) {
        uint32_t v = wide ? (uint32_t)p[2 * k] << 8 | p[2 * k + 1] : p[k];
        if (v > max) {
            image_free(out);
            snprintf(err, errlen, "cannot decode: corrupt PNM (a sample of %u is above the "
                     "maximum value %u)", (unsigned)v, (unsigned)max);
            return -1;
        }
        uint32_t scaled = (v * top + max / 2) / max;  /* round to nearest */
        if (wide)
            ((uint16_t *)out->pixels)[k] = (uint16_t)scaled;
        else
            ((uint8_t *)out->pixels)[k] = (uint8_t)scaled;
    }
    return 0;
}
