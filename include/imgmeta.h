/* imgmeta: the metadata an image carries besides its pixels, in a form
 * that does not depend on the file format it came from, so that a JPEG's
 * ICC profile can go into a PNG and a PNG's resolution into a TIFF.
 *
 * The codec fills it when decoding and writes what the output format can
 * hold when encoding; noise never touches it. */
#ifndef NOISEAUG_IMGMETA_H
#define NOISEAUG_IMGMETA_H

#include <stddef.h>
#include <stdint.h>

/* The kinds of metadata, as bits: what an image holds, what a format can
 * hold, what an output kept. */
enum {
    META_ICC = 1u << 0,         /* ICC colour profile */
    META_RESOLUTION = 1u << 1,  /* pixel density (DPI) */
    META_EXIF = 1u << 2,        /* EXIF block (orientation reset to 1) */
    META_COLOUR = 1u << 3,      /* PNG gAMA, cHRM, sRGB */
    META_TEXT = 1u << 4,        /* PNG tEXt, zTXt, iTXt chunks */
    META_GEO = 1u << 5,         /* GeoTIFF and GDAL tags */
    META_KIND_COUNT = 6
};

/* The unit of a resolution. */
typedef enum {
    META_RES_ASPECT = 0,  /* no unit: the values give the pixel aspect ratio only */
    META_RES_INCH = 1,
    META_RES_CM = 2,
} meta_res_unit_t;

/* One TIFF tag kept as it was read: its number, its TIFF field type
 * (TIFF_SHORT, TIFF_DOUBLE, TIFF_ASCII, ...), its value count and its
 * values in host byte order (count * size of type bytes; an ASCII value
 * includes its NUL). */
typedef struct {
    uint16_t tag;
    uint16_t type;
    uint32_t count;
    unsigned char *data;
    size_t len;
} meta_tag_t;

/* A PNG chunk kept as it was read: its four-letter type and its data. */
typedef struct {
    char type[5];
    unsigned char *data;
    size_t len;
} meta_chunk_t;

/* Everything noiseaug keeps from an input's metadata. All pointers are
 * owned (malloc'd); an image_meta_t of zero bytes holds nothing. */
typedef struct {
    unsigned char *icc;    /* the profile's bytes, as an .icc file holds them */
    size_t icc_len;
    /* The EXIF block as a TIFF structure ("II*\0" or "MM\0*" first), without
     * JPEG's "Exif\0\0" prefix, with its Orientation already set to 1: the
     * decoders turn the pixels upright. */
    unsigned char *exif;
    size_t exif_len;
    int has_resolution;
    meta_res_unit_t res_unit;
    double res_x, res_y;   /* pixels per res_unit */
    int has_gamma;
    uint32_t gamma;        /* PNG gAMA: gamma times 100000 */
    int has_chrm;
    uint32_t chrm[8];      /* PNG cHRM: white x, y, red x, y, green, blue; times 100000 */
    int srgb_intent;       /* PNG sRGB rendering intent 0..3; -1 when absent */
    meta_chunk_t *text;    /* PNG text chunks, in file order */
    size_t text_count;
    meta_tag_t *tags;      /* GeoTIFF and GDAL tags, in tag order */
    size_t tag_count;
    /* Facts of the decoding worth telling the user, not metadata to keep. */
    int pages;             /* pages (TIFF) in the file; 0 when not counted */
} image_meta_t;

/* Frees everything meta holds and leaves it empty (srgb_intent -1). */
void image_meta_free(image_meta_t *meta);

/* Empties meta without freeing (zero bytes, srgb_intent -1). */
void image_meta_init(image_meta_t *meta);

/* The META_* kinds meta holds. */
unsigned image_meta_kinds(const image_meta_t *meta);

/* The name of one META_* kind, for the manifest and messages: "icc",
 * "resolution", "exif", "colour", "text", "geotiff". */
const char *image_meta_kind_name(unsigned kind);

/* Writes the names of the kinds in mask, joined by sep, into buf. */
void image_meta_kind_list(unsigned mask, const char *sep, char *buf, size_t len);

/* Copies len bytes into a new malloc'd buffer stored in *dst (freeing what
 * was there); returns 0, or -1 when memory is short. */
int image_meta_set_bytes(unsigned char **dst, size_t *dst_len, const void *src, size_t len);

/* Adds a TIFF tag (the data copied); returns 0 or -1 when memory is short. */
int image_meta_add_tag(image_meta_t *meta, uint16_t tag, uint16_t type, uint32_t count,
                       const void *data, size_t len);

/* Adds a PNG text chunk (the data copied); returns 0 or -1. */
int image_meta_add_text(image_meta_t *meta, const char type[4], const void *data, size_t len);

/* Sets the Orientation tag (0x0112) of IFD0 in an EXIF TIFF structure to 1,
 * in place. Returns 0 (also when there is no such tag), or -1 when the
 * block is malformed. */
int image_meta_exif_set_upright(unsigned char *exif, size_t len);

/* The Orientation (0x0112) of IFD0 in an EXIF TIFF structure, 1..8; 1
 * when absent, out of range or malformed. */
int image_meta_exif_orientation(const unsigned char *exif, size_t len);

/* The resolution in pixels per metre (PNG pHYs), rounded; 0 when meta has
 * none or only an aspect ratio. */
uint32_t image_meta_res_per_metre(const image_meta_t *meta, int axis);

#endif
