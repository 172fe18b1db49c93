/* imgmeta: the format-independent metadata of an image (see imgmeta.h). */
#include "imgmeta.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void image_meta_init(image_meta_t *meta)
{
    memset(meta, 0, sizeof *meta);
    meta->srgb_intent = -1;
}

void image_meta_free(image_meta_t *meta)
{
    free(meta->icc);
    free(meta->exif);
    for (size_t i = 0; i < meta->text_count; i++)
        free(meta->text[i].data);
    free(meta->text);
    for (size_t i = 0; i < meta->tag_count; i++)
        free(meta->tags[i].data);
    free(meta->tags);
    image_meta_init(meta);
}

unsigned image_meta_kinds(const image_meta_t *meta)
{
    unsigned k = 0;
    if (meta->icc_len > 0)
        k |= META_ICC;
    if (meta->has_resolution)
        k |= META_RESOLUTION;
    if (meta->exif_len > 0)
        k |= META_EXIF;
    if (meta->has_gamma || meta->has_chrm || meta->srgb_intent >= 0)
        k |= META_COLOUR;
    if (meta->text_count > 0)
        k |= META_TEXT;
    if (meta->tag_count > 0)
        k |= META_GEO;
    return k;
}

static const char *const kind_names[META_KIND_COUNT] = {
    "icc", "resolution", "exif", "colour", "text", "geotiff",
};

const char *image_meta_kind_name(unsigned kind)
{
    for (int i = 0; i < META_KIND_COUNT; i++)
        if (kind == 1u << i)
            return kind_names[i];
    return "?";
}

void image_meta_kind_list(unsigned mask, const char *sep, char *buf, size_t len)
{
    size_t used = 0;
    if (len > 0)
        buf[0] = '\0';
    for (int i = 0; i < META_KIND_COUNT && used < len; i++) {
        if (!(mask & (1u << i)))
            continue;
        int n = snprintf(buf + used, len - used, "%s%s", used > 0 ? sep : "", kind_names[i]);
        if (n < 0)
            return;
        used += (size_t)n;
    }
}

int image_meta_set_bytes(unsigned char **dst, size_t *dst_len, const void *src, size_t len)
{
    unsigned char *copy = malloc(len > 0 ? len : 1);
    if (copy == NULL)
        return -1;
    if (len > 0)
        memcpy(copy, src, len);
    free(*dst);
    *dst = copy;
    *dst_len = len;
    return 0;
}

int image_meta_add_tag(image_meta_t *meta, uint16_t tag, uint16_t type, uint32_t count,
                       const void *data, size_t len)
{
    meta_tag_t *grown = realloc(meta->tags, (meta->tag_count + 1) * sizeof *grown);
    if (grown == NULL)
        return -1;
    meta->tags = grown;
    meta_tag_t *t = &grown[meta->tag_count];
    *t = (meta_tag_t){ tag, type, count, NULL, 0 };
    if (image_meta_set_bytes(&t->data, &t->len, data, len) != 0)
        return -1;
    meta->tag_count++;
    return 0;
}

int image_meta_add_text(image_meta_t *meta, const char type[4], const void *data, size_t len)
{
    meta_chunk_t *grown = realloc(meta->text, (meta->text_count + 1) * sizeof *grown);
    if (grown == NULL)
        return -1;
    meta->text = grown;
    meta_chunk_t *c = &grown[meta->text_count];
    memset(c, 0, sizeof *c);
    memcpy(c->type, type, 4);
    if (image_meta_set_bytes(&c->data, &c->len, data, len) != 0)
        return -1;
    meta->text_count++;
    return 0;
}

static uint32_t get16(const unsigned char *p, int big)
{
    return big ? (uint32_t)p[0] << 8 | p[1] : (uint32_t)p[1] << 8 | p[0];
}

static uint32_t get32(const unsigned char *p, int big)
{
    return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
               : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* The Orientation entry of IFD0 in an EXIF TIFF structure, and the byte
 * order: NULL when there is none; *malformed set when the block cannot be
 * walked or the entry is not one inline SHORT. Orientation lives in IFD0,
 * and a SHORT sits in the entry itself, so it can be read and changed
 * where it is: the layout is TIFF's, which EXIF reuses, and no EXIF
 * library is needed for one inline value. */
static unsigned char *orientation_entry(unsigned char *exif, size_t len, int *big,
                                        int *malformed)
{
    *malformed = 1;
    if (len < 8)
        return NULL;
    if (memcmp(exif, "MM\0*", 4) == 0)
        *big = 1;
    else if (memcmp(exif, "II*\0", 4) == 0)
        *big = 0;
    else
        return NULL;
    uint32_t ifd = get32(exif + 4, *big);
    if (ifd > len - 2)
        return NULL;
    uint32_t count = get16(exif + ifd, *big);
    if (count > (len - ifd - 2) / 12)
        return NULL;
    for (uint32_t i = 0; i < count; i++) {
        unsigned char *e = exif + ifd + 2 + 12 * i;
        if (get16(e, *big) != 0x0112)
            continue;
        if (get16(e + 2, *big) != 3 || get32(e + 4, *big) != 1)
            return NULL;
        *malformed = 0;
        return e;
    }
    *malformed = 0;
    return NULL;
}

int image_meta_exif_set_upright(unsigned char *exif, size_t len)
{
    int big, malformed;
    unsigned char *e = orientation_entry(exif, len, &big, &malformed);
    if (malformed)
        return -1;
    if (e != NULL) {
        /* A SHORT sits in the first two bytes of the value field. */
        e[8] = big ? 0 : 1;
        e[9] = big ? 1 : 0;
    }
    return 0;
}

int image_meta_exif_orientation(const unsigned char *exif, size_t len)
{
    int big, malformed;
    /* Only read through: the cast lets one walker serve both. */
    const unsigned char *e = orientation_entry((unsigned char *)exif, len, &big, &malformed);
    if (e == NULL)
        return 1;
    uint32_t v = get16(e + 8, big);
    return v >= 1 && v <= 8 ? (int)v : 1;
}

uint32_t image_meta_res_per_metre(const image_meta_t *meta, int axis)
{
    if (!meta->has_resolution || meta->res_unit == META_RES_ASPECT)
        return 0;
    double v = axis == 0 ? meta->res_x : meta->res_y;
    double per_metre = meta->res_unit == META_RES_INCH ? v / 0.0254 : v * 100.0;
    if (!(per_metre >= 1.0) || per_metre > 4294967295.0)
        return 0;
    return (uint32_t)lround(per_metre);
}
