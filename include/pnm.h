/* pnm: reads binary PGM (P5) and PPM (P6) files, 8 or 16 bits a sample.
 *
 * Written here rather than left to stb_image 2.27, which reads 16-bit
 * samples in the wrong byte order (PNM stores them big-endian) and ignores
 * a maximum value other than 255 or 65535, both silently: a valid file
 * came out with its pixels scrambled or too dark, with exit 0. */
#ifndef NOISEAUG_PNM_H
#define NOISEAUG_PNM_H

#include <stddef.h>

#include "image.h"

typedef struct {
    int width, height;
    int channels;     /* 1 (P5) or 3 (P6) */
    unsigned maxval;  /* 1..65535: 8-bit samples up to 255, 16-bit above */
    size_t offset;    /* where the samples start */
} pnm_header_t;

/* Parses the header: magic, width, height and maximum value, separated by
 * white space and comments, then one white-space byte. Returns 0, or -1
 * with the reason in err ("cannot decode: ..."). */
int pnm_read_header(const unsigned char *data, size_t len, pnm_header_t *h, char *err,
                    size_t errlen);

/* Decodes the samples after a parsed header into out, scaled to the full
 * range of 8 bits (maxval up to 255) or 16 bits (above), rounded; a sample
 * above maxval is a corrupt file. Returns 0, or -1 with the reason. */
int pnm_decode(const unsigned char *data, size_t len, const pnm_header_t *h, image_t *out,
               char *err, size_t errlen);

#endif
