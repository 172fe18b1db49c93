/* codec_tiff: TIFF read and written through libtiff, from and to memory.
 *
 * libtiff reports errors through handlers. The process-wide ones would
 * have to stash the reason in a global, which workers decoding in parallel
 * would overwrite, so every handle gets its own handlers (TIFFOpenOptions,
 * libtiff 4.5) that write into the caller's context. The only global
 * libtiff state noiseaug touches is the tag extender, set once by
 * codec_tiff_init before any worker starts.
 *
 * A TIFF's header says where its strips are and how long they are, so a
 * file cut short or a header claiming more pixels than its file can hold
 * is refused from the header, before the pixels are allocated. */
#include "codec_formats.h"

#ifdef NOISEAUG_WITH_LIBTIFF

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tiffio.h>

/* libtiff's own allocations (strip offset arrays, codec state, raw strip
 * buffers) are capped per handle: a forged count then fails in libtiff
 * instead of costing gigabytes. The pixels are noiseaug's own allocation. */
#define LIBTIFF_MAX_ALLOC ((tmsize_t)256 << 20)

/* Strips of about this many bytes are written: large enough for the
 * compressors, small enough to keep libtiff's buffers small. */
#define STRIP_BYTES 65536

/* --- GeoTIFF and GDAL tags ------------------------------------------------ */

/* Kept verbatim, in tag order. libtiff does not know them; registering
 * them gives them a type and a variable count with the count passed. */
static const TIFFFieldInfo geo_fields[] = {
    { 33550, TIFF_VARIABLE2, TIFF_VARIABLE2, TIFF_DOUBLE, FIELD_CUSTOM, 1, 1, "ModelPixelScaleTag" },
    { 33922, TIFF_VARIABLE2, TIFF_VARIABLE2, TIFF_DOUBLE, FIELD_CUSTOM, 1, 1, "ModelTiepointTag" },
    { 34264, TIFF_VARIABLE2, TIFF_VARIABLE2, TIFF_DOUBLE, FIELD_CUSTOM, 1, 1,
      "ModelTransformationTag" },
    { 34735, TIFF_VARIABLE2, TIFF_VARIABLE2, TIFF_SHORT, FIELD_CUSTOM, 1, 1, "GeoKeyDirectoryTag" },
    { 34736, TIFF_VARIABLE2, TIFF_VARIABLE2, TIFF_DOUBLE, FIELD_CUSTOM, 1, 1, "GeoDoubleParamsTag" },
    { 34737, TIFF_VARIABLE2, TIFF_VARIABLE2, TIFF_ASCII, FIELD_CUSTOM, 1, 1, "GeoASCIIParamsTag" },
    { 42112, TIFF_VARIABLE2, TIFF_VARIABLE2, TIFF_ASCII, FIELD_CUSTOM, 1, 1, "GDALMetadata" },
    { 42113, TIFF_VARIABLE2, TIFF_VARIABLE2, TIFF_ASCII, FIELD_CUSTOM, 1, 1, "GDALNoDataValue" },
};
#define GEO_FIELD_COUNT (sizeof geo_fields / sizeof geo_fields[0])

static TIFFExtendProc parent_extender;

static void extend_tags(TIFF *tif)
{
    TIFFMergeFieldInfo(tif, geo_fields, (uint32_t)GEO_FIELD_COUNT);
    if (parent_extender != NULL)
        parent_extender(tif);
}

void codec_tiff_init(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    parent_extender = TIFFSetTagExtender(extend_tags);
}

/* --- Memory I/O ----------------------------------------------------------- */

/* A file in memory: read-only input, or the growing output of an encode. */
typedef struct {
    const unsigned char *data;  /* input; NULL when writing */
    unsigned char *buf;         /* output */
    size_t len, cap, pos;
    int failed;                 /* the output could not grow */
} memfile_t;

static tmsize_t mem_read(thandle_t h, void *dst, tmsize_t n)
{
    memfile_t *m = h;
    const unsigned char *src = m->data != NULL ? m->data : m->buf;
    if (n <= 0 || m->pos >= m->len)
        return 0;
    size_t k = m->len - m->pos < (size_t)n ? m->len - m->pos : (size_t)n;
    memcpy(dst, src + m->pos, k);
    m->pos += k;
    return (tmsize_t)k;
}

static tmsize_t mem_write(thandle_t h, void *src, tmsize_t n)
{
    memfile_t *m = h;
    if (m->data != NULL || n < 0 || m->failed)
        return -1;
    size_t end = m->pos + (size_t)n;
    if (end < m->pos) {
        m->failed = 1;
        return -1;
    }
    if (end > m->cap) {
        size_t cap = m->cap > 0 ? m->cap : 65536;
        while (cap < end && cap <= SIZE_MAX / 2)
            cap *= 2;
        unsigned char *grown = cap >= end ? realloc(m->buf, cap) : NULL;
        if (grown == NULL) {
            m->failed = 1;
            return -1;
        }
        m->buf = grown;
        m->cap = cap;
    }
    /* A seek past the end leaves a gap; zero it so that the output is the
     * same bytes on every run. */
    if (m->pos > m->len)
        memset(m->buf + m->len, 0, m->pos - m->len);
    memcpy(m->buf + m->pos, src, (size_t)n);
    m->pos = end;
    if (end > m->len)
        m->len = end;
    return n;
}

static toff_t mem_seek(thandle_t h, toff_t off, int whence)
{
    memfile_t *m = h;
    uint64_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? m->len : 0;
    uint64_t to = base + off;
    if (to > SIZE_MAX / 2 || (m->data != NULL && to > m->len))
        return (toff_t)-1;
    m->pos = (size_t)to;
    return to;
}

static int mem_close(thandle_t h)
{
    (void)h;
    return 0;
}

static toff_t mem_size(thandle_t h)
{
    return ((memfile_t *)h)->len;
}

/* Input is handed to libtiff as a mapped file, so that strips are read in
 * place instead of copied. libtiff never writes through a read-only
 * mapping (its own mmap of files is PROT_READ), so casting away const is
 * safe. */
static int mem_map(thandle_t h, void **base, toff_t *size)
{
    memfile_t *m = h;
    if (m->data == NULL)
        return 0;
    *base = (void *)(uintptr_t)m->data;
    *size = m->len;
    return 1;
}

static void mem_unmap(thandle_t h, void *base, toff_t size)
{
    (void)h;
    (void)base;
    (void)size;
}

/* --- Per-handle messages -------------------------------------------------- */

typedef struct {
    char reason[200];
    int failed;
} tiff_log_t;

static int on_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
    (void)tif;
    tiff_log_t *log = user;
    if (!log->failed) {  /* the first error is the cause; later ones follow from it */
        char what[160];
        vsnprintf(what, sizeof what, fmt, ap);
        if (module != NULL && *module != '\0')
            snprintf(log->reason, sizeof log->reason, "%s (%s)", what, module);
        else
            snprintf(log->reason, sizeof log->reason, "%s", what);
    }
    log->failed = 1;
    return 1;  /* handled: the process-wide handler must not print */
}

/* Warnings (unknown tags, odd but readable fields) are not failures. */
static int on_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
    (void)tif;
    (void)user;
    (void)module;
    (void)fmt;
    (void)ap;
    return 1;
}

static TIFF *open_mem(memfile_t *m, const char *mode, tiff_log_t *log)
{
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    if (opts == NULL)
        return NULL;
    TIFFOpenOptionsSetMaxSingleMemAlloc(opts, LIBTIFF_MAX_ALLOC);
    TIFFOpenOptionsSetErrorHandlerExtR(opts, on_error, log);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, on_warning, log);
    TIFF *tif = TIFFClientOpenExt("TIFF", mode, (thandle_t)m, mem_read, mem_write, mem_seek,
                                  mem_close, mem_size, mem_map, mem_unmap, opts);
    TIFFOpenOptionsFree(opts);
    return tif;
}

/* --- Reading the header --------------------------------------------------- */

/* What the first directory says, checked. */
typedef struct {
    uint32_t width, height;
    int spp, bits, channels, alpha;
    uint16_t compression, photometric, planar, orientation;
    int invert;   /* MINISWHITE */
    int palette;  /* 8-bit indexes, expanded to RGB */
} tiff_info_t;

/* The most pixel bytes one byte of compressed data can stand for, with
 * room to spare: PackBits turns 2 bytes into 128, deflate 1 into 1032,
 * LZW's 12-bit codes name strings of up to 4094 bytes. A header claiming
 * more than this is a file cut short (or a forged header), refused before
 * the pixels are allocated. */
static uint64_t max_ratio(uint16_t compression)
{
    switch (compression) {
    case COMPRESSION_PACKBITS: return 128;
    case COMPRESSION_ADOBE_DEFLATE:
    case COMPRESSION_DEFLATE: return 2048;
    case COMPRESSION_LZW:
    case COMPRESSION_JPEG: return 8192;
    default: return 65536;
    }
}

static const char *photometric_name(uint16_t p)
{
    switch (p) {
    case PHOTOMETRIC_SEPARATED: return "CMYK";
    case PHOTOMETRIC_PALETTE: return "palette";
    case PHOTOMETRIC_MASK: return "transparency mask";
    case PHOTOMETRIC_YCBCR: return "YCbCr";
    case PHOTOMETRIC_CIELAB:
    case PHOTOMETRIC_ICCLAB:
    case PHOTOMETRIC_ITULAB: return "CIE L*a*b*";
    case PHOTOMETRIC_LOGL:
    case PHOTOMETRIC_LOGLUV: return "LogLuv";
    default: return "unknown";
    }
}

/* Refuses a strip or tile that lies outside the file, and, uncompressed,
 * one shorter than its pixels need; then a total of compressed data too
 * small for the pixels claimed. */
static int check_striles(TIFF *tif, const tiff_info_t *ti, size_t len, char *err, size_t errlen)
{
    uint32_t n = TIFFNumberOfStrips(tif);
    int tiled = TIFFIsTiled(tif);
    if (tiled)
        n = TIFFNumberOfTiles(tif);
    uint32_t per_plane = ti->planar == PLANARCONFIG_SEPARATE ? n / (uint32_t)ti->spp : n;
    uint32_t rps = 0;
    if (!tiled) {
        TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rps);
        if (rps == 0 || rps > ti->height)
            rps = ti->height;
    }
    uint64_t total = 0;
    for (uint32_t s = 0; s < n; s++) {
        int e1 = 0, e2 = 0;
        uint64_t off = TIFFGetStrileOffsetWithErr(tif, s, &e1);
        uint64_t count = TIFFGetStrileByteCountWithErr(tif, s, &e2);
        const char *what = tiled ? "tile" : "strip";
        if (e1 || e2) {
            snprintf(err, errlen, "cannot decode: damaged TIFF (%s %u has no offset)", what, s);
            return -1;
        }
        if (off > len || count > len - off) {
            snprintf(err, errlen, "cannot decode: truncated TIFF (%s %u ends past the end of "
                     "the file)", what, s);
            return -1;
        }
        if (ti->compression == COMPRESSION_NONE) {
            uint64_t need;
            if (tiled) {
                need = TIFFTileSize64(tif);
            } else {
                uint32_t first = (s % per_plane) * rps;
                uint32_t rows = first < ti->height ? ti->height - first : 0;
                need = TIFFVStripSize64(tif, rows < rps ? rows : rps);
            }
            /* Edge tiles are stored whole (padding included), as the
             * TIFF spec says; the last strip holds only its own rows. */
            if (count < need) {
                snprintf(err, errlen, "cannot decode: truncated TIFF (%s %u holds %llu of its "
                         "%llu bytes)", what, s, (unsigned long long)count,
                         (unsigned long long)need);
                return -1;
            }
        }
        total += count;
    }
    uint64_t pixel_bytes = (uint64_t)ti->width * ti->height * (uint64_t)ti->spp *
                           (uint64_t)(ti->bits / 8);
    if (ti->compression != COMPRESSION_NONE && total * max_ratio(ti->compression) < pixel_bytes) {
        snprintf(err, errlen, "cannot decode: truncated TIFF (%ux%u pixels cannot fit in %llu "
                 "bytes of compressed data)", ti->width, ti->height, (unsigned long long)total);
        return -1;
    }
    return 0;
}

/* Reads and checks the first directory: the pixel limit, the sample
 * layout noiseaug reads, and where the data lies. */
static int read_info(TIFF *tif, size_t len, uint64_t max_pixels, tiff_info_t *ti, char *err,
                     size_t errlen)
{
    memset(ti, 0, sizeof *ti);
    uint16_t spp = 1, bits = 1, format = SAMPLEFORMAT_UINT;
    TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &ti->width);
    TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &ti->height);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bits);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &format);
    TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &ti->compression);
    TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &ti->planar);
    TIFFGetFieldDefaulted(tif, TIFFTAG_ORIENTATION, &ti->orientation);
    if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &ti->photometric))
        ti->photometric = spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;

    if (ti->width > INT32_MAX || ti->height > INT32_MAX ||
        codec_check_size((int)ti->width, (int)ti->height, max_pixels, err, errlen) != 0) {
        if (ti->width > INT32_MAX || ti->height > INT32_MAX)
            snprintf(err, errlen, "image too large: %ux%u", ti->width, ti->height);
        return -1;
    }
    if (format == SAMPLEFORMAT_IEEEFP) {
        snprintf(err, errlen, "unsupported: floating-point TIFF samples (SampleFormat 3); "
                 "noiseaug reads integer samples");
        return -1;
    }
    if (format != SAMPLEFORMAT_UINT) {
        snprintf(err, errlen, "unsupported: %s TIFF samples (SampleFormat %u); noiseaug reads "
                 "unsigned integer samples", format == SAMPLEFORMAT_INT ? "signed" : "complex",
                 format);
        return -1;
    }
    if (ti->photometric == PHOTOMETRIC_SEPARATED) {
        snprintf(err, errlen, "unsupported: CMYK TIFF; convert it to RGB first");
        return -1;
    }
    if (bits != 8 && bits != 16) {
        snprintf(err, errlen, "unsupported: %u-bit TIFF samples; noiseaug reads 8 and 16 bits",
                 bits);
        return -1;
    }
    if (spp < 1 || spp > IMAGE_MAX_CHANNELS) {
        snprintf(err, errlen, "unsupported: TIFF with %u samples per pixel; noiseaug reads 1 "
                 "to %d", spp, IMAGE_MAX_CHANNELS);
        return -1;
    }
    if (ti->compression == COMPRESSION_OJPEG) {
        snprintf(err, errlen, "unsupported: old-style JPEG TIFF (Compression 6)");
        return -1;
    }
    if (!TIFFIsCODECConfigured(ti->compression)) {
        snprintf(err, errlen, "unsupported: TIFF compression %u, which libtiff was built "
                 "without", ti->compression);
        return -1;
    }
    int base;
    switch (ti->photometric) {
    case PHOTOMETRIC_MINISWHITE:
        ti->invert = 1;
        base = 1;
        break;
    case PHOTOMETRIC_MINISBLACK:
        base = 1;
        break;
    case PHOTOMETRIC_RGB:
        base = 3;
        break;
    case PHOTOMETRIC_PALETTE:
        if (bits == 8 && spp == 1) {
            ti->palette = 1;
            base = 1;
            break;
        }
        snprintf(err, errlen, "unsupported: %u-bit palette TIFF with %u samples per pixel; "
                 "noiseaug reads 8-bit indexes", bits, spp);
        return -1;
    case PHOTOMETRIC_YCBCR:
        if (ti->compression == COMPRESSION_JPEG) {
            /* libjpeg turns it into RGB (JPEGCOLORMODE_RGB, set by the caller). */
            base = 3;
            break;
        }
        /* fall through */
    default:
        snprintf(err, errlen, "unsupported: %s TIFF (Photometric %u); noiseaug reads grey "
                 "and RGB", photometric_name(ti->photometric), ti->photometric);
        return -1;
    }
    if (spp < base) {
        snprintf(err, errlen, "cannot decode: damaged TIFF (%u samples per pixel for %s)", spp,
                 base == 3 ? "RGB" : "grey");
        return -1;
    }
    uint16_t extra_count = 0;
    uint16_t *extra = NULL;
    if (TIFFGetField(tif, TIFFTAG_EXTRASAMPLES, &extra_count, &extra) && extra_count > 0 &&
        extra_count <= spp - base) {
        uint16_t last = extra[extra_count - 1];
        ti->alpha = extra_count == spp - base &&
                    (last == EXTRASAMPLE_ASSOCALPHA || last == EXTRASAMPLE_UNASSALPHA);
    }
    ti->spp = spp;
    ti->bits = bits;
    ti->channels = ti->palette ? 3 : spp;
    if (TIFFIsTiled(tif)) {
        uint32_t tw = 0, th = 0;
        TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw);
        TIFFGetField(tif, TIFFTAG_TILELENGTH, &th);
        if (tw == 0 || th == 0) {
            snprintf(err, errlen, "cannot decode: damaged TIFF (tiles of %ux%u)", tw, th);
            return -1;
        }
    }
    return check_striles(tif, ti, len, err, errlen);
}

int codec_tiff_probe(const unsigned char *data, size_t len, uint64_t max_pixels,
                     codec_header_t *out)
{
    memfile_t m = { .data = data, .len = len };
    tiff_log_t log = { "", 0 };
    TIFF *tif = open_mem(&m, "r", &log);
    if (tif == NULL)
        return -1;
    tiff_info_t ti;
    char err[200];
    int rc = read_info(tif, len, max_pixels, &ti, err, sizeof err);
    TIFFClose(tif);
    if (rc != 0)
        return -1;
    int swap = ti.orientation >= 5 && ti.orientation <= 8;
    *out = (codec_header_t){ swap ? (int)ti.height : (int)ti.width,
                             swap ? (int)ti.width : (int)ti.height, ti.channels, ti.bits,
                             ti.orientation > 1 && ti.orientation <= 8 };
    return 0;
}

/* --- Decoding ------------------------------------------------------------- */

/* Copies a decoded block (a strip or a tile; all samples, or one plane's)
 * of bw x bh pixels, stride pixels apart, to (x0, y0) of the image,
 * clipped to it. */
static void place_block(image_t *img, const unsigned char *block, uint32_t x0, uint32_t y0,
                        uint32_t bw, uint32_t bh, int plane)
{
    size_t bps = (size_t)img->bits / 8;
    size_t ch = (size_t)img->channels;
    size_t in_px = plane < 0 ? ch * bps : bps;
    uint32_t w = (uint32_t)img->width - x0 < bw ? (uint32_t)img->width - x0 : bw;
    uint32_t h = (uint32_t)img->height - y0 < bh ? (uint32_t)img->height - y0 : bh;
    unsigned char *pixels = img->pixels;
    for (uint32_t y = 0; y < h; y++) {
        const unsigned char *src = block + (size_t)y * bw * in_px;
        unsigned char *dst = pixels + (((size_t)(y0 + y) * (size_t)img->width + x0) * ch) * bps;
        if (plane < 0) {
            memcpy(dst, src, (size_t)w * in_px);
            continue;
        }
        dst += (size_t)plane * bps;
        for (uint32_t x = 0; x < w; x++)
            memcpy(dst + (size_t)x * ch * bps, src + (size_t)x * bps, bps);
    }
}

static int read_pixels(TIFF *tif, const tiff_info_t *ti, image_t *img, tiff_log_t *log,
                       char *err, size_t errlen)
{
    int tiled = TIFFIsTiled(tif);
    int separate = ti->planar == PLANARCONFIG_SEPARATE && ti->spp > 1;
    uint32_t n = tiled ? TIFFNumberOfTiles(tif) : TIFFNumberOfStrips(tif);
    uint32_t per_plane = separate ? n / (uint32_t)ti->spp : n;
    uint32_t bw, bh;
    tmsize_t size;
    if (tiled) {
        TIFFGetField(tif, TIFFTAG_TILEWIDTH, &bw);
        TIFFGetField(tif, TIFFTAG_TILELENGTH, &bh);
        size = TIFFTileSize(tif);
    } else {
        uint32_t rps = 0;
        TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rps);
        bw = ti->width;
        bh = rps == 0 || rps > ti->height ? ti->height : rps;
        size = TIFFStripSize(tif);
    }
    uint64_t expect = (uint64_t)bw * bh * (uint64_t)(separate ? 1 : ti->spp) *
                      (uint64_t)(ti->bits / 8);
    if (size <= 0 || (uint64_t)size < expect) {
        snprintf(err, errlen, "cannot decode: damaged TIFF (%s of %lld bytes)",
                 tiled ? "tiles" : "strips", (long long)size);
        return -1;
    }
    /* Strips of interleaved samples are decoded straight into the image;
     * tiles and planes go through one block's buffer. */
    int direct = !tiled && !separate;
    unsigned char *block = direct ? NULL : malloc((size_t)size);
    if (!direct && block == NULL) {
        snprintf(err, errlen, "cannot decode: out of memory");
        return -1;
    }
    uint32_t across = tiled ? (ti->width + bw - 1) / bw : 1;
    for (uint32_t s = 0; s < n; s++) {
        uint32_t i = s % per_plane;
        int plane = separate ? (int)(s / per_plane) : -1;
        if (plane >= ti->spp)
            break;
        uint32_t x0 = tiled ? (i % across) * bw : 0;
        uint32_t y0 = tiled ? (i / across) * bh : i * bh;
        if (y0 >= ti->height)
            continue;
        uint32_t rows = ti->height - y0 < bh ? ti->height - y0 : bh;
        /* Only the rows the image holds are asked of the last strip. */
        tmsize_t want = tiled ? size : (tmsize_t)(expect / bh * rows);
        unsigned char *dst = block;
        if (direct)
            dst = (unsigned char *)img->pixels + (size_t)(expect / bh) * y0;
        tmsize_t got = tiled ? TIFFReadEncodedTile(tif, s, dst, size)
                             : TIFFReadEncodedStrip(tif, s, dst, want);
        if (got != want || log->failed) {
            if (log->failed)
                snprintf(err, errlen, "cannot decode: %s", log->reason);
            else
                snprintf(err, errlen, "cannot decode: truncated TIFF (%s %u is short)",
                         tiled ? "tile" : "strip", s);
            free(block);
            return -1;
        }
        if (!direct)
            place_block(img, block, x0, y0, bw, rows, plane);
    }
    free(block);
    return 0;
}

/* Replaces the 8-bit indexes of img by the colours of the palette, as
 * 8-bit RGB. A colour map is 16-bit; some writers put 8-bit values in it,
 * which shows as no entry above 255. */
static int expand_palette(TIFF *tif, image_t *img, char *err, size_t errlen)
{
    uint16_t *map[3] = { NULL, NULL, NULL };
    if (!TIFFGetField(tif, TIFFTAG_COLORMAP, &map[0], &map[1], &map[2]) || map[0] == NULL) {
        snprintf(err, errlen, "cannot decode: damaged TIFF (a palette image without a colour "
                 "map)");
        return -1;
    }
    int shift = 0;
    for (int c = 0; c < 3 && shift == 0; c++)
        for (int i = 0; i < 256; i++)
            if (map[c][i] > 255) {
                shift = 8;
                break;
            }
    image_t rgb;
    if (image_alloc(&rgb, img->width, img->height, 3, 8) != 0) {
        snprintf(err, errlen, "cannot decode: out of memory");
        return -1;
    }
    const unsigned char *idx = img->pixels;
    unsigned char *dst = rgb.pixels;
    size_t n = (size_t)img->width * (size_t)img->height;
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < 3; c++)
            dst[i * 3 + (size_t)c] = (unsigned char)(map[c][idx[i]] >> shift);
    image_move_extras(&rgb, img);
    image_free(img);
    *img = rgb;
    img->alpha = 0;
    return 0;
}

static void invert(image_t *img)
{
    size_t n = image_sample_count(img);
    size_t ch = (size_t)img->channels;
    /* Only the grey sample is inverted: extra bands and alpha mean the same
     * under MINISWHITE. */
    if (img->bits == 8) {
        unsigned char *p = img->pixels;
        for (size_t i = 0; i < n; i += ch)
            p[i] = (unsigned char)(255 - p[i]);
    } else {
        uint16_t *p = img->pixels;
        for (size_t i = 0; i < n; i += ch)
            p[i] = (uint16_t)(65535 - p[i]);
    }
}

/* True when count bytes are one non-empty line of text and its NUL, as the
 * ASCII GeoTIFF and GDAL tags hold: a tag stored as numbers reads back as
 * control bytes, which are not text. */
static int is_text(const void *values, uint32_t count)
{
    const unsigned char *s = values;
    if (count < 2 || s[count - 1] != '\0')
        return 0;
    for (uint32_t i = 0; i + 1 < count; i++)
        if ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') || s[i] == 0x7F)
            return 0;
    return 1;
}

/* ICC, resolution and the GeoTIFF/GDAL tags. */
static int read_meta(TIFF *tif, image_meta_t *meta)
{
    uint32_t icc_len = 0;
    void *icc = NULL;
    if (TIFFGetField(tif, TIFFTAG_ICCPROFILE, &icc_len, &icc) && icc_len > 0 && icc != NULL &&
        image_meta_set_bytes(&meta->icc, &meta->icc_len, icc, icc_len) != 0)
        return -1;
    float rx = 0, ry = 0;
    uint16_t unit = RESUNIT_INCH;
    /* Kept only when it is a resolution a file can state again: libtiff
     * writes a RATIONAL that rounds 4e9 or 2e-10 to 0, which is no
     * resolution at all, and units other than none, inch and cm are
     * meaningless (found by the adversary review). */
    if (TIFFGetField(tif, TIFFTAG_XRESOLUTION, &rx) && TIFFGetField(tif, TIFFTAG_YRESOLUTION, &ry) &&
        rx >= 1e-3f && ry >= 1e-3f && rx <= 1e6f && ry <= 1e6f &&
        TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &unit) && unit >= RESUNIT_NONE &&
        unit <= RESUNIT_CENTIMETER) {
        meta->has_resolution = 1;
        meta->res_unit = unit == RESUNIT_CENTIMETER ? META_RES_CM
                         : unit == RESUNIT_NONE     ? META_RES_ASPECT
                                                    : META_RES_INCH;
        meta->res_x = rx;
        meta->res_y = ry;
    }
    for (size_t i = 0; i < GEO_FIELD_COUNT; i++) {
        const TIFFField *f = TIFFFindField(tif, (uint32_t)geo_fields[i].field_tag, TIFF_ANY);
        if (f == NULL || !TIFFFieldPassCount(f))  /* registered otherwise: not ours to read */
            continue;
        uint32_t count = 0;
        void *values = NULL;
        if (!TIFFGetField(tif, geo_fields[i].field_tag, &count, &values) || values == NULL)
            continue;
        TIFFDataType type = TIFFFieldDataType(f);
        size_t size = (size_t)count * (size_t)TIFFDataWidth(type);
        /* A tag stored with another type than GeoTIFF's, or text without its
         * NUL, reads back empty: copying it would write an empty tag that
         * GDAL takes for a real one, so it is left out. */
        if (count == 0 || (type == TIFF_ASCII && !is_text(values, count)))
            continue;
        if (image_meta_add_tag(meta, (uint16_t)geo_fields[i].field_tag, (uint16_t)type, count,
                               values, size) != 0)
            return -1;
    }
    return 0;
}

int codec_tiff_decode(const unsigned char *data, size_t len, uint64_t max_pixels,
                      image_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    image_meta_init(&out->meta);
    out->codec_hint = -1;
    out->source_format = -1;
    memfile_t m = { .data = data, .len = len };
    tiff_log_t log = { "", 0 };
    TIFF *tif = open_mem(&m, "r", &log);
    if (tif == NULL) {
        snprintf(err, errlen, "cannot decode: %s",
                 log.failed ? log.reason : "not a readable TIFF");
        return -1;
    }
    tiff_info_t ti;
    if (read_info(tif, len, max_pixels, &ti, err, errlen) != 0) {
        TIFFClose(tif);
        return -1;
    }
    /* Errors libtiff recovered from while reading the directory do not
     * make the pixels wrong; from here on, every error does. */
    log.failed = 0;
    if (ti.compression == COMPRESSION_JPEG && ti.photometric == PHOTOMETRIC_YCBCR)
        TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
    if (image_alloc(out, (int)ti.width, (int)ti.height, ti.spp, ti.bits) != 0) {
        snprintf(err, errlen, "cannot decode: out of memory for %ux%u", ti.width, ti.height);
        TIFFClose(tif);
        return -1;
    }
    out->alpha = ti.alpha;
    out->codec_hint = ti.compression;
    out->source_format = CODEC_TIFF;
    if (read_pixels(tif, &ti, out, &log, err, errlen) != 0)
        goto fail;
    if (ti.palette && expand_palette(tif, out, err, errlen) != 0)
        goto fail;
    if (read_meta(tif, &out->meta) != 0) {
        snprintf(err, errlen, "cannot decode: out of memory reading its metadata");
        goto fail;
    }
    /* Counting the pages walks every directory, after the first one was
     * read: the current directory stays the first. */
    out->meta.pages = (int)TIFFNumberOfDirectories(tif);
    TIFFClose(tif);
    if (ti.invert)
        invert(out);
    /* Viewers show a TIFF as its Orientation tag says, and labels are drawn
     * on what they show. */
    if (image_orient(out, ti.orientation) != 0) {
        snprintf(err, errlen, "cannot decode: out of memory turning the image upright");
        image_free(out);
        return -1;
    }
    return 0;
fail:
    TIFFClose(tif);
    image_free(out);
    return -1;
}

/* --- Encoding ------------------------------------------------------------- */

/* The compression written: the one asked for when libtiff writes it and it
 * can hold the image, Deflate otherwise. */
static uint16_t pick_compression(const image_t *img, int compression)
{
    switch (compression) {
    case COMPRESSION_NONE:
    case COMPRESSION_LZW:
    case COMPRESSION_ADOBE_DEFLATE:
    case COMPRESSION_DEFLATE:
    case COMPRESSION_PACKBITS:
        if (TIFFIsCODECConfigured((uint16_t)compression))
            return (uint16_t)compression;
        break;
    case COMPRESSION_JPEG:
        if (img->bits == 8 && !img->alpha && (img->channels == 1 || img->channels == 3) &&
            TIFFIsCODECConfigured(COMPRESSION_JPEG))
            return COMPRESSION_JPEG;
        break;
    default:
        break;
    }
    return COMPRESSION_ADOBE_DEFLATE;
}

/* Writes each kept GeoTIFF/GDAL tag as it was read: only onto a field
 * registered with the same type and a passed count, so that a tag never
 * lands on one of libtiff's own fields. */
static void write_tags(TIFF *tif, const image_meta_t *meta)
{
    for (size_t i = 0; i < meta->tag_count; i++) {
        const meta_tag_t *t = &meta->tags[i];
        const TIFFField *f = TIFFFindField(tif, t->tag, TIFF_ANY);
        if (f == NULL || !TIFFFieldPassCount(f) || TIFFFieldDataType(f) != t->type ||
            TIFFFieldWriteCount(f) != TIFF_VARIABLE2 ||
            (size_t)t->count * (size_t)TIFFDataWidth((TIFFDataType)t->type) != t->len)
            continue;
        TIFFSetField(tif, t->tag, t->count, t->data);
    }
}

int codec_tiff_encode(const image_t *img, int compression, int quality, codec_buffer_t *out,
                      char *err, size_t errlen)
{
    if (img->channels < 1 || img->channels > IMAGE_MAX_CHANNELS ||
        (img->bits != 8 && img->bits != 16)) {
        snprintf(err, errlen, "cannot encode: TIFF of %d %d-bit channels", img->channels,
                 img->bits);
        return -1;
    }
    uint16_t comp = pick_compression(img, compression);
    int colour = image_colour_channels(img);
    int base = colour >= 3 ? 3 : 1;
    int extras = img->channels - base;
    uint16_t extra[IMAGE_MAX_CHANNELS];
    for (int i = 0; i < extras; i++)
        extra[i] = EXTRASAMPLE_UNSPECIFIED;
    if (img->alpha && extras > 0)
        extra[extras - 1] = EXTRASAMPLE_UNASSALPHA;

    memfile_t m = { 0 };
    tiff_log_t log = { "", 0 };
    TIFF *tif = open_mem(&m, "w", &log);
    if (tif == NULL) {
        snprintf(err, errlen, "cannot encode: %s", log.failed ? log.reason : "out of memory");
        free(m.buf);
        return -1;
    }
    size_t row = (size_t)img->width * (size_t)img->channels * (size_t)(img->bits / 8);
    uint32_t rps = row >= STRIP_BYTES ? 1 : (uint32_t)(STRIP_BYTES / row);
    if (comp == COMPRESSION_JPEG)  /* whole MCU rows: 2x2 subsampled chroma */
        rps = (rps + 15) / 16 * 16;
    if (rps > (uint32_t)img->height)
        rps = (uint32_t)img->height;

    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, (uint32_t)img->width);
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, (uint32_t)img->height);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, (uint16_t)img->channels);
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, (uint16_t)img->bits);
    TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT);
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, comp);
    if (comp == COMPRESSION_JPEG && base == 3) {
        /* YCbCr with subsampled chroma, as JPEG files are; libtiff converts
         * from RGB, and readers (PIL, libtiff's RGB mode) convert back. */
        TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_YCBCR);
        TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
    } else {
        TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, base == 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
    }
    if (comp == COMPRESSION_JPEG)
        TIFFSetField(tif, TIFFTAG_JPEGQUALITY, quality < 1 ? 1 : quality > 100 ? 100 : quality);
    if (extras > 0)
        TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, (uint16_t)extras, extra);
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, rps);

    const image_meta_t *meta = &img->meta;
    if (meta->icc_len > 0 && meta->icc_len <= UINT32_MAX)
        TIFFSetField(tif, TIFFTAG_ICCPROFILE, (uint32_t)meta->icc_len, meta->icc);
    if (meta->has_resolution && meta->res_x > 0 && meta->res_y > 0) {
        TIFFSetField(tif, TIFFTAG_XRESOLUTION, meta->res_x);
        TIFFSetField(tif, TIFFTAG_YRESOLUTION, meta->res_y);
        TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT,
                     meta->res_unit == META_RES_CM       ? RESUNIT_CENTIMETER
                     : meta->res_unit == META_RES_ASPECT ? RESUNIT_NONE
                                                         : RESUNIT_INCH);
    }
    write_tags(tif, meta);

    /* Each strip goes through a copy: libtiff may work in the buffer it is
     * given (byte swapping, predictors), and img is const. */
    const unsigned char *pixels = img->pixels;
    uint32_t strips = ((uint32_t)img->height + rps - 1) / rps;
    unsigned char *strip = malloc(row * rps);
    if (strip == NULL && !log.failed) {
        snprintf(log.reason, sizeof log.reason, "out of memory");
        log.failed = 1;
    }
    for (uint32_t s = 0; s < strips && !log.failed; s++) {
        uint32_t y0 = s * rps;
        uint32_t rows = (uint32_t)img->height - y0 < rps ? (uint32_t)img->height - y0 : rps;
        memcpy(strip, pixels + (size_t)y0 * row, row * rows);
        if (TIFFWriteEncodedStrip(tif, s, strip, (tmsize_t)(row * rows)) < 0 && !log.failed) {
            snprintf(log.reason, sizeof log.reason, "libtiff could not write strip %u", s);
            log.failed = 1;
        }
    }
    free(strip);
    if (!log.failed && !TIFFWriteDirectory(tif) && !log.failed) {
        snprintf(log.reason, sizeof log.reason, "libtiff could not write the directory");
        log.failed = 1;
    }
    TIFFClose(tif);
    if (log.failed || m.failed) {
        snprintf(err, errlen, "cannot encode: %s", m.failed ? "out of memory" : log.reason);
        free(m.buf);
        return -1;
    }
    out->data = m.buf;
    out->len = m.len;
    out->cap = m.cap;
    out->failed = 0;
    return 0;
}

#endif
