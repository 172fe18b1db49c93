/* codec_meta: the metadata of JPEG and PNG files, read from and written
 * into the bytes around what the pixel coders produce.
 *
 * This file exists because none of the libraries behind JPEG and PNG
 * handle metadata: TurboJPEG's 2.1 API and stb_image_write cannot write an
 * ICC profile, EXIF or a density, and stb_image and TurboJPEG 2 cannot
 * read them. The containers make this easy to do alone: a JPEG's metadata
 * lives in APPn marker segments between SOI and the first scan, a PNG's in
 * chunks before (and for text and eXIf, also after) the image data, and
 * neither touches the compressed pixels. So the readers walk those
 * segments and chunks, and the writers splice new ones in after the
 * encoder's SOI (and JFIF APP0) or IHDR, leaving everything else as the
 * encoder wrote it.
 *
 * The readers take hostile input: every length is checked against what is
 * left, a JPEG segment whose length runs past the data ends the walk
 * (keeping what was read before it), a PNG chunk with a wrong CRC is
 * skipped, and a compressed ICC profile is inflated into a buffer that
 * never grows past ICC_MAX (a small iCCP chunk can inflate to gigabytes).
 *
 * Rules chosen here (see also codec_formats.h):
 * - JFIF density 1x1 without a unit is the JFIF default, "no density", and
 *   reads as no resolution.
 * - A JPEG's EXIF gets Orientation 1, as the JPEG decoder turns its pixels
 *   upright; an EXIF block whose IFD0 cannot be read is dropped, since its
 *   orientation could not be reset. Only the first Exif APP1 is read; XMP
 *   (also APP1) is not kept.
 * - An ICC profile split into APP2 segments is kept only when every
 *   segment 1..count arrived with the same count: never a partial profile.
 * - A PNG's eXIf is kept verbatim, Orientation included: noiseaug does not
 *   turn a PNG's pixels (stb_image ignores eXIf, as most viewers do).
 * - A pHYs in pixels per metre reads as a whole DPI when that DPI, turned
 *   back into pixels per metre and rounded, gives the stored value on both
 *   axes (11811 -> 300 dpi, 3780 -> 96 dpi, 2835 -> 72 dpi), so that writing
 *   it again gives the same chunk; otherwise it reads as pixels per
 *   centimetre (7200 -> 72 dpcm). Pillow reports dpi as ppm * 0.0254.
 * - An EXIF block too large for one APP1 segment, or an ICC profile too
 *   large for 255 APP2 segments, is left out of a JPEG without a word: the
 *   rest of the metadata is still written.
 * - A PNG never gets both sRGB and iCCP (the PNG spec forbids it): with an
 *   ICC profile, sRGB is left out. */
#include "codec_formats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <stb_image.h>

#include "pngwrite.h"

/* The largest ICC profile read from a PNG. Real profiles are a few KiB to
 * a few MiB; anything larger is a decompression bomb or garbage. */
#define ICC_MAX (16u << 20)

/* The payload of one JPEG segment is at most 65533 bytes (the length
 * field counts itself). The Exif header takes 6 of them, and ICC_PROFILE's
 * 14 (its name, NUL, sequence number and count). */
#define JPEG_SEGMENT_MAX 65533u
#define EXIF_HEAD_LEN 6
#define ICC_HEAD_LEN 14
#define JPEG_EXIF_MAX (JPEG_SEGMENT_MAX - EXIF_HEAD_LEN)
#define JPEG_ICC_CHUNK (JPEG_SEGMENT_MAX - ICC_HEAD_LEN)  /* 65519 */
#define JPEG_ICC_SEGMENTS 255u

static const unsigned char png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

static uint32_t be16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned char *put16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
    return p + 2;
}

static unsigned char *put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
    return p + 4;
}

/* Replaces buf's bytes with data (malloc'd, len bytes), keeping no spare
 * capacity. */
static void replace_buffer(codec_buffer_t *buf, unsigned char *data, size_t len)
{
    free(buf->data);
    buf->data = data;
    buf->len = len;
    buf->cap = len;
}

/* --- JPEG ----------------------------------------------------------------- */

/* The pieces of an ICC profile as its APP2 segments bring them. */
typedef struct {
    const unsigned char *part[JPEG_ICC_SEGMENTS + 1];  /* by sequence number, 1.. */
    size_t part_len[JPEG_ICC_SEGMENTS + 1];
    unsigned count;  /* the count the first segment gave; 0 before any */
    int broken;      /* a segment disagreed: the profile is dropped */
} icc_parts_t;

static void jfif_read(const unsigned char *p, size_t n, image_meta_t *meta, int *seen)
{
    if (*seen || n < 12 || memcmp(p, "JFIF\0", 5) != 0)
        return;
    *seen = 1;
    unsigned units = p[7];
    uint32_t x = be16(p + 8), y = be16(p + 10);
    if (units > 2 || x == 0 || y == 0 || (units == 0 && x == 1 && y == 1))
        return;
    meta->has_resolution = 1;
    meta->res_unit = units == 1 ? META_RES_INCH : units == 2 ? META_RES_CM : META_RES_ASPECT;
    meta->res_x = x;
    meta->res_y = y;
}

static int exif_read(const unsigned char *p, size_t n, image_meta_t *meta, int *seen)
{
    if (*seen || n <= EXIF_HEAD_LEN || memcmp(p, "Exif\0\0", EXIF_HEAD_LEN) != 0)
        return 0;
    *seen = 1;
    if (image_meta_set_bytes(&meta->exif, &meta->exif_len, p + EXIF_HEAD_LEN,
                             n - EXIF_HEAD_LEN) != 0)
        return -1;
    if (image_meta_exif_set_upright(meta->exif, meta->exif_len) != 0) {
        free(meta->exif);
        meta->exif = NULL;
        meta->exif_len = 0;
    }
    return 0;
}

static void icc_part_read(const unsigned char *p, size_t n, icc_parts_t *icc)
{
    if (n < ICC_HEAD_LEN || memcmp(p, "ICC_PROFILE\0", 12) != 0)
        return;
    unsigned seq = p[12], count = p[13];
    if (seq == 0 || count == 0 || seq > count || (icc->count != 0 && count != icc->count) ||
        icc->part[seq] != NULL) {
        icc->broken = 1;
        return;
    }
    icc->count = count;
    icc->part[seq] = p + ICC_HEAD_LEN;
    icc->part_len[seq] = n - ICC_HEAD_LEN;
}

static int icc_assemble(const icc_parts_t *icc, image_meta_t *meta)
{
    if (icc->broken || icc->count == 0)
        return 0;
    size_t total = 0;
    for (unsigned i = 1; i <= icc->count; i++) {
        if (icc->part[i] == NULL)
            return 0;
        total += icc->part_len[i];
    }
    if (total == 0)
        return 0;
    unsigned char *profile = malloc(total);
    if (profile == NULL)
        return -1;
    size_t at = 0;
    for (unsigned i = 1; i <= icc->count; i++) {
        memcpy(profile + at, icc->part[i], icc->part_len[i]);
        at += icc->part_len[i];
    }
    free(meta->icc);
    meta->icc = profile;
    meta->icc_len = total;
    return 0;
}

int codec_meta_read_jpeg(const unsigned char *data, size_t len, image_meta_t *meta)
{
    if (len < 4 || data[0] != 0xFF || data[1] != 0xD8)
        return 0;
    icc_parts_t *icc = calloc(1, sizeof *icc);
    if (icc == NULL)
        return -1;
    int jfif_seen = 0, exif_seen = 0, rc = 0;
    size_t pos = 2;
    while (pos + 2 <= len && data[pos] == 0xFF) {
        unsigned marker = data[pos + 1];
        if (marker == 0xFF) {  /* a fill byte before a marker */
            pos++;
            continue;
        }
        /* Markers without a length: TEM, RSTn, a repeated SOI. */
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
            pos += 2;
            continue;
        }
        if (marker == 0xDA || marker == 0xD9 || pos + 4 > len)
            break;  /* the scan's data, or the end: no metadata after it */
        size_t seglen = be16(data + pos + 2);
        if (seglen < 2 || seglen > len - pos - 2)
            break;  /* a damaged length: what follows cannot be found */
        const unsigned char *body = data + pos + 4;
        size_t n = seglen - 2;
        if (marker == 0xE0)
            jfif_read(body, n, meta, &jfif_seen);
        else if (marker == 0xE1)
            rc = exif_read(body, n, meta, &exif_seen);
        else if (marker == 0xE2)
            icc_part_read(body, n, icc);
        if (rc != 0)
            break;
        pos += 2 + seglen;
    }
    if (rc == 0)
        rc = icc_assemble(icc, meta);
    free(icc);
    return rc;
}

/* A JFIF density field: the resolution rounded and kept in 1..65535. */
static uint32_t jfif_density(double v)
{
    if (!(v >= 1.0))
        return 1;
    if (v >= 65535.0)
        return 65535;
    return (uint32_t)lround(v);
}

/* Writes JFIF's unit and densities (7 bytes past "JFIF\0" and the
 * version) from meta. */
static void jfif_set_density(unsigned char *units, const image_meta_t *meta)
{
    units[0] = meta->res_unit == META_RES_INCH ? 1 : meta->res_unit == META_RES_CM ? 2 : 0;
    put16(units + 1, jfif_density(meta->res_x));
    put16(units + 3, jfif_density(meta->res_y));
}

int codec_meta_write_jpeg(codec_buffer_t *buf, const image_meta_t *meta)
{
    const unsigned char *in = buf->data;
    size_t len = buf->len;
    if (len < 4 || in[0] != 0xFF || in[1] != 0xD8)
        return 0;  /* not an encoder's JPEG: nothing can be placed */
    int density = meta->has_resolution;
    int exif = meta->exif_len > 0 && meta->exif_len <= JPEG_EXIF_MAX;
    size_t icc_segments = (meta->icc_len + JPEG_ICC_CHUNK - 1) / JPEG_ICC_CHUNK;
    if (icc_segments > JPEG_ICC_SEGMENTS)
        icc_segments = 0;
    if (!density && !exif && icc_segments == 0)
        return 0;  /* byte-identical: the golden files rely on it */

    /* The encoder's JFIF APP0, when it wrote one, right after SOI. */
    size_t app0_len = 0;
    if (len >= 2 + 18 && in[2] == 0xFF && in[3] == 0xE0 && memcmp(in + 6, "JFIF\0", 5) == 0) {
        size_t seglen = be16(in + 4);
        if (seglen >= 16 && seglen <= len - 4)
            app0_len = 2 + seglen;
    }
    size_t fresh_app0 = app0_len == 0 && density ? 18 : 0;
    size_t total = len + fresh_app0;
    if (exif)
        total += 4 + EXIF_HEAD_LEN + meta->exif_len;
    total += icc_segments * (4 + ICC_HEAD_LEN) + (icc_segments > 0 ? meta->icc_len : 0);

    unsigned char *out = malloc(total);
    if (out == NULL)
        return -1;
    unsigned char *p = out;
    memcpy(p, in, 2 + app0_len);  /* SOI and the encoder's APP0 */
    if (app0_len > 0 && density)
        jfif_set_density(p + 2 + 4 + 7, meta);
    p += 2 + app0_len;
    if (fresh_app0 > 0) {
        static const unsigned char jfif[] = { 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1 };
        memcpy(p, jfif, sizeof jfif);
        jfif_set_density(p + sizeof jfif, meta);
        p[16] = p[17] = 0;  /* no thumbnail */
        p += 18;
    }
    if (exif) {
        *p++ = 0xFF;
        *p++ = 0xE1;
        p = put16(p, (uint32_t)(2 + EXIF_HEAD_LEN + meta->exif_len));
        memcpy(p, "Exif\0\0", EXIF_HEAD_LEN);
        memcpy(p + EXIF_HEAD_LEN, meta->exif, meta->exif_len);
        p += EXIF_HEAD_LEN + meta->exif_len;
    }
    for (size_t i = 0; i < icc_segments; i++) {
        size_t at = i * JPEG_ICC_CHUNK;
        size_t n = meta->icc_len - at < JPEG_ICC_CHUNK ? meta->icc_len - at : JPEG_ICC_CHUNK;
        *p++ = 0xFF;
        *p++ = 0xE2;
        p = put16(p, (uint32_t)(2 + ICC_HEAD_LEN + n));
        memcpy(p, "ICC_PROFILE\0", 12);
        p[12] = (unsigned char)(i + 1);
        p[13] = (unsigned char)icc_segments;
        memcpy(p + ICC_HEAD_LEN, meta->icc + at, n);
        p += ICC_HEAD_LEN + n;
    }
    memcpy(p, in + 2 + app0_len, len - 2 - app0_len);
    replace_buffer(buf, out, total);
    return 0;
}

/* --- PNG ------------------------------------------------------------------ */

/* Inflates a zlib stream into a buffer that doubles from a guess up to
 * ICC_MAX. stb's decoder into a fixed buffer stops at its end, unlike its
 * malloc'ing one, which would follow a bomb to gigabytes. A damaged stream
 * is retried at every size too (stb gives the same reason for both
 * failures), which costs little: it fails at the same early byte. */
static int inflate_capped(const unsigned char *z, size_t zlen, unsigned char **out,
                          size_t *out_len)
{
    *out = NULL;
    if (zlen > ICC_MAX)
        return 0;
    size_t size = zlen * 4 < 4096 ? 4096 : zlen * 4;
    for (;;) {
        if (size > ICC_MAX)
            size = ICC_MAX;
        unsigned char *b = malloc(size);
        if (b == NULL)
            return -1;
        int n = stbi_zlib_decode_buffer((char *)b, (int)size, (const char *)z, (int)zlen);
        if (n > 0) {
            *out = b;
            *out_len = (size_t)n;
            return 0;
        }
        free(b);
        if (n == 0)
            return 0;  /* an empty profile is no profile */
        if (size == ICC_MAX)
            return 0;  /* a bomb, or damaged: no profile */
        size *= 2;
    }
}

static int iccp_read(const unsigned char *p, size_t n, image_meta_t *meta)
{
    /* A name of 1..79 bytes, its NUL, the method (0: zlib), the stream. */
    const unsigned char *nul = memchr(p, 0, n < 80 ? n : 80);
    if (nul == NULL || nul == p || (size_t)(nul - p) + 2 > n || nul[1] != 0)
        return 0;
    size_t head = (size_t)(nul - p) + 2;
    unsigned char *profile;
    size_t profile_len;
    if (inflate_capped(p + head, n - head, &profile, &profile_len) != 0)
        return -1;
    if (profile != NULL) {
        free(meta->icc);
        meta->icc = profile;
        meta->icc_len = profile_len;
    }
    return 0;
}

/* True when ppm pixels per metre is a whole DPI that turns back into ppm. */
static int whole_dpi(uint32_t ppm, double *dpi)
{
    double d = round(ppm * 0.0254);
    *dpi = d;
    return d >= 1.0 && lround(d / 0.0254) == (long)ppm;
}

static void phys_read(const unsigned char *p, image_meta_t *meta)
{
    uint32_t x = be32(p), y = be32(p + 4);
    unsigned unit = p[8];
    if (x == 0 || y == 0 || x > 0x7FFFFFFFu || y > 0x7FFFFFFFu || unit > 1)
        return;
    meta->has_resolution = 1;
    double dx, dy;
    if (unit == 0) {
        meta->res_unit = META_RES_ASPECT;
        meta->res_x = x;
        meta->res_y = y;
    } else if (whole_dpi(x, &dx) && whole_dpi(y, &dy)) {
        meta->res_unit = META_RES_INCH;
        meta->res_x = dx;
        meta->res_y = dy;
    } else {
        meta->res_unit = META_RES_CM;
        meta->res_x = x / 100.0;
        meta->res_y = y / 100.0;
    }
}

/* Which of the once-only chunks were seen (the first one counts). */
enum { SEEN_ICCP = 1, SEEN_PHYS = 2, SEEN_GAMA = 4, SEEN_CHRM = 8, SEEN_SRGB = 16,
       SEEN_EXIF = 32 };

/* Takes one chunk whose CRC is right into meta. Colour and resolution
 * chunks count only before the image data, as the PNG spec places them. */
static int chunk_read(const unsigned char *type, const unsigned char *p, size_t n, int after_idat,
                      unsigned *seen, image_meta_t *meta)
{
    if (memcmp(type, "tEXt", 4) == 0 || memcmp(type, "zTXt", 4) == 0 ||
        memcmp(type, "iTXt", 4) == 0)
        return image_meta_add_text(meta, (const char *)type, p, n);
    if (memcmp(type, "eXIf", 4) == 0) {
        if ((*seen & SEEN_EXIF) || n < 8 ||
            (memcmp(p, "MM\0*", 4) != 0 && memcmp(p, "II*\0", 4) != 0))
            return 0;
        *seen |= SEEN_EXIF;
        return image_meta_set_bytes(&meta->exif, &meta->exif_len, p, n);
    }
    if (after_idat)
        return 0;
    if (memcmp(type, "iCCP", 4) == 0 && !(*seen & SEEN_ICCP)) {
        *seen |= SEEN_ICCP;
        return iccp_read(p, n, meta);
    }
    if (memcmp(type, "pHYs", 4) == 0 && n == 9 && !(*seen & SEEN_PHYS)) {
        *seen |= SEEN_PHYS;
        phys_read(p, meta);
    } else if (memcmp(type, "gAMA", 4) == 0 && n == 4 && !(*seen & SEEN_GAMA)) {
        *seen |= SEEN_GAMA;
        if (be32(p) != 0) {
            meta->has_gamma = 1;
            meta->gamma = be32(p);
        }
    } else if (memcmp(type, "cHRM", 4) == 0 && n == 32 && !(*seen & SEEN_CHRM)) {
        *seen |= SEEN_CHRM;
        meta->has_chrm = 1;
        for (int i = 0; i < 8; i++)
            meta->chrm[i] = be32(p + 4 * i);
    } else if (memcmp(type, "sRGB", 4) == 0 && n == 1 && !(*seen & SEEN_SRGB)) {
        *seen |= SEEN_SRGB;
        if (p[0] <= 3)
            meta->srgb_intent = p[0];
    }
    return 0;
}

static int chunk_wanted(const unsigned char *type)
{
    static const char wanted[][5] = { "tEXt", "zTXt", "iTXt", "eXIf", "iCCP",
                                      "pHYs", "gAMA", "cHRM", "sRGB" };
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++)
        if (memcmp(type, wanted[i], 4) == 0)
            return 1;
    return 0;
}

int codec_meta_read_png(const unsigned char *data, size_t len, image_meta_t *meta)
{
    if (len < 8 || memcmp(data, png_signature, 8) != 0)
        return 0;
    unsigned seen = 0;
    int after_idat = 0;
    size_t pos = 8;
    while (len - pos >= 12) {
        size_t n = be32(data + pos);
        const unsigned char *type = data + pos + 4;
        if (n > 0x7FFFFFFFu || n > len - pos - 12)
            break;  /* a damaged length: what follows cannot be found */
        if (memcmp(type, "IEND", 4) == 0)
            break;
        if (memcmp(type, "IDAT", 4) == 0)
            after_idat = 1;
        /* Only the chunks kept have their CRC checked: the image data's is
         * stb's business, and checking it here would read the file twice. */
        if (chunk_wanted(type) && pngwrite_crc32(0, type, n + 4) == be32(type + 4 + n) &&
            chunk_read(type, type + 4, n, after_idat, &seen, meta) != 0)
            return -1;
        pos += 12 + n;
    }
    return 0;
}

/* Appends one chunk at p: length, type, data, CRC. */
static unsigned char *chunk_put(unsigned char *p, const char *type, const unsigned char *data,
                                size_t n)
{
    unsigned char *start = p + 4;
    p = put32(p, (uint32_t)n);
    memcpy(p, type, 4);
    if (n > 0)
        memcpy(p + 4, data, n);
    p += 4 + n;
    return put32(p, pngwrite_crc32(0, start, n + 4));
}

/* A pHYs value for an aspect ratio: the ratio's terms, rounded, at least 1. */
static uint32_t aspect_term(double v)
{
    if (!(v >= 1.0))
        return 1;
    if (v >= 2147483647.0)
        return 2147483647u;
    return (uint32_t)lround(v);
}

int codec_meta_write_png(codec_buffer_t *buf, const image_meta_t *meta)
{
    const unsigned char *in = buf->data;
    size_t len = buf->len;
    /* The signature and IHDR (13 bytes of data) come first in every PNG. */
    if (len < 33 || memcmp(in, png_signature, 8) != 0 || be32(in + 8) != 13 ||
        memcmp(in + 12, "IHDR", 4) != 0)
        return 0;
    const size_t ihdr_end = 33;

    unsigned char phys[9];
    int has_phys = 0;
    if (meta->has_resolution && meta->res_unit == META_RES_ASPECT) {
        put32(phys, aspect_term(meta->res_x));
        put32(phys + 4, aspect_term(meta->res_y));
        phys[8] = 0;
        has_phys = 1;
    } else if (meta->has_resolution) {
        uint32_t x = image_meta_res_per_metre(meta, 0), y = image_meta_res_per_metre(meta, 1);
        has_phys = x > 0 && y > 0 && x <= 0x7FFFFFFFu && y <= 0x7FFFFFFFu;
        put32(phys, x);
        put32(phys + 4, y);
        phys[8] = 1;
    }
    int srgb = meta->srgb_intent >= 0 && meta->srgb_intent <= 3 && meta->icc_len == 0;
    int exif = meta->exif_len > 0 && meta->exif_len <= 0x7FFFFFFFu;

    size_t extra = 0;
    if (meta->has_chrm)
        extra += 12 + 32;
    if (meta->has_gamma)
        extra += 12 + 4;
    if (srgb)
        extra += 12 + 1;
    if (has_phys)
        extra += 12 + 9;
    if (exif)
        extra += 12 + meta->exif_len;
    for (size_t i = 0; i < meta->text_count; i++)
        if (meta->text[i].len <= 0x7FFFFFFFu)
            extra += 12 + meta->text[i].len;

    /* The profile's name, NUL and method 0, then the zlib stream. */
    static const char icc_head[] = "ICC Profile\0";  /* + the literal's NUL: method 0 */
    unsigned char *iccp = NULL;
    size_t iccp_len = 0;
    if (meta->icc_len > 0) {
        size_t zlen;
        unsigned char *z = codec_png_deflate(meta->icc, meta->icc_len, &zlen);
        if (z == NULL)
            return -1;
        if (zlen <= 0x7FFFFFFFu - sizeof icc_head)
            iccp = malloc(sizeof icc_head + zlen);
        if (iccp == NULL) {
            free(z);
            return -1;
        }
        memcpy(iccp, icc_head, sizeof icc_head);
        memcpy(iccp + sizeof icc_head, z, zlen);
        iccp_len = sizeof icc_head + zlen;
        free(z);
        extra += 12 + iccp_len;
    }
    if (extra == 0) {
        free(iccp);  /* NULL here; said for the analyser */
        return 0;    /* byte-identical: the golden files rely on it */
    }

    unsigned char *out = malloc(len + extra);
    if (out == NULL) {
        free(iccp);
        return -1;
    }
    /* After IHDR, in the order the PNG spec asks of colour chunks (before
     * PLTE and IDAT); pHYs, eXIf and text may go anywhere before IDAT. */
    unsigned char *p = out;
    memcpy(p, in, ihdr_end);
    p += ihdr_end;
    if (meta->has_chrm) {
        unsigned char c[32];
        for (int i = 0; i < 8; i++)
            put32(c + 4 * i, meta->chrm[i]);
        p = chunk_put(p, "cHRM", c, sizeof c);
    }
    if (meta->has_gamma) {
        unsigned char g[4];
        put32(g, meta->gamma);
        p = chunk_put(p, "gAMA", g, sizeof g);
    }
    if (iccp != NULL)
        p = chunk_put(p, "iCCP", iccp, iccp_len);
    if (srgb) {
        unsigned char s = (unsigned char)meta->srgb_intent;
        p = chunk_put(p, "sRGB", &s, 1);
    }
    if (has_phys)
        p = chunk_put(p, "pHYs", phys, sizeof phys);
    if (exif)
        p = chunk_put(p, "eXIf", meta->exif, meta->exif_len);
    for (size_t i = 0; i < meta->text_count; i++)
        if (meta->text[i].len <= 0x7FFFFFFFu)
            p = chunk_put(p, meta->text[i].type, meta->text[i].data, meta->text[i].len);
    memcpy(p, in + ihdr_end, len - ihdr_end);
    free(iccp);
    replace_buffer(buf, out, len + extra);
    return 0;
}
