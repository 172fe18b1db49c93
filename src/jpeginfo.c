/* jpeginfo: walks JPEG marker segments up to the start of scan. */
#include "jpeginfo.h"

#include <stdint.h>
#include <string.h>

int jpeginfo_is_jpeg(const unsigned char *data, size_t len)
{
    return len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;
}

/* Where the first scan starts (its SOS marker), or 0 when none was found;
 * set by walk_segments. */
typedef struct {
    size_t sos;
} walk_end_t;

/* Calls visit for each marker segment before the scan: marker byte, its
 * payload (after the length field) and the payload's length. Stops when
 * visit returns nonzero, and returns that value (0 at the end). end, when
 * not NULL, receives the first scan's position. */
static int walk_segments_to(const unsigned char *data, size_t len,
                            int (*visit)(int marker, const unsigned char *p, size_t n, void *ctx),
                            void *ctx, walk_end_t *end)
{
    if (!jpeginfo_is_jpeg(data, len))
        return 0;
    size_t pos = 2;
    while (pos + 4 <= len) {
        if (data[pos] != 0xFF)
            return 0;
        int marker = data[pos + 1];
        if (marker == 0xFF) {  /* fill byte */
            pos++;
            continue;
        }
        if (marker == 0xD9 || marker == 0xDA) {  /* EOI, SOS: no more headers */
            if (end != NULL && marker == 0xDA)
                end->sos = pos;
            return 0;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
            pos += 2;  /* markers without a length */
            continue;
        }
        size_t seglen = (size_t)data[pos + 2] << 8 | data[pos + 3];
        if (seglen < 2 || pos + 2 + seglen > len)
            return 0;
        int r = visit(marker, data + pos + 4, seglen - 2, ctx);
        if (r != 0)
            return r;
        pos += 2 + seglen;
    }
    return 0;
}

static int walk_segments(const unsigned char *data, size_t len,
                         int (*visit)(int marker, const unsigned char *p, size_t n, void *ctx),
                         void *ctx)
{
    return walk_segments_to(data, len, visit, ctx, NULL);
}

static unsigned read16(const unsigned char *p, int big_endian)
{
    return big_endian ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

static uint32_t read32(const unsigned char *p, int big_endian)
{
    return big_endian
        ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
        : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static int visit_exif(int marker, const unsigned char *p, size_t n, void *ctx)
{
    (void)ctx;
    if (marker != 0xE1 || n < 14 || memcmp(p, "Exif\0\0", 6) != 0)
        return 0;
    const unsigned char *tiff = p + 6;
    size_t tlen = n - 6;
    int big;
    if (memcmp(tiff, "MM\0*", 4) == 0)
        big = 1;
    else if (memcmp(tiff, "II*\0", 4) == 0)
        big = 0;
    else
        return -1;
    uint32_t ifd = read32(tiff + 4, big);
    if (ifd < 8 || (size_t)ifd + 2 > tlen)
        return -1;
    unsigned count = read16(tiff + ifd, big);
    for (unsigned i = 0; i < count; i++) {
        size_t e = (size_t)ifd + 2 + 12 * (size_t)i;
        if (e + 12 > tlen)
            return -1;
        if (read16(tiff + e, big) != 0x0112)
            continue;
        /* SHORT (type 3), one value, stored in the first two value bytes. */
        if (read16(tiff + e + 2, big) != 3 || read32(tiff + e + 4, big) != 1)
            return -1;
        unsigned v = read16(tiff + e + 8, big);
        return v >= 1 && v <= 8 ? (int)v : -1;
    }
    return -1;
}

int jpeginfo_orientation(const unsigned char *data, size_t len)
{
    int r = walk_segments(data, len, visit_exif, NULL);
    return r >= 1 && r <= 8 ? r : 1;
}

static int visit_frame(int marker, const unsigned char *p, size_t n, void *ctx)
{
    (void)ctx;
    /* SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC). */
    if (marker < 0xC0 || marker > 0xCF || marker == 0xC4 || marker == 0xC8 ||
        marker == 0xCC)
        return 0;
    if (n < 6)
        return -1;
    return p[5] > 0 ? p[5] : -1;
}

int jpeginfo_components(const unsigned char *data, size_t len)
{
    int r = walk_segments(data, len, visit_frame, NULL);
    return r > 0 ? r : 0;
}

/* The frame's size into ctx (two ints: width, height); 1 once found. */
static int visit_frame_size(int marker, const unsigned char *p, size_t n, void *ctx)
{
    int r = visit_frame(marker, p, n, ctx);
    if (r <= 0)
        return r;
    int *size = ctx;
    size[0] = (int)read16(p + 3, 1);
    size[1] = (int)read16(p + 1, 1);
    return 1;
}

int jpeginfo_size(const unsigned char *data, size_t len, int *width, int *height)
{
    int size[2] = { 0, 0 };
    if (walk_segments(data, len, visit_frame_size, size) != 1)
        return -1;
    *width = size[0];
    *height = size[1];
    return 0;
}

/* The frame header's marker, or 0 for any other segment. */
static int visit_frame_marker(int marker, const unsigned char *p, size_t n, void *ctx)
{
    (void)p, (void)n;
    return visit_frame(marker, p, n, ctx) != 0 ? marker : 0;
}

/* -1 for a DHT segment whose tables do not fit or hold over 256 codes. */
static int visit_dht(int marker, const unsigned char *p, size_t n, void *ctx)
{
    (void)ctx;
    if (marker != 0xC4)
        return 0;
    size_t pos = 0;
    while (pos < n) {
        if (n - pos < 17)
            return -1;
        size_t codes = 0;
        for (int i = 1; i <= 16; i++)
            codes += p[pos + (size_t)i];
        if (codes > 256 || n - pos - 17 < codes)
            return -1;
        pos += 17 + codes;
    }
    return 0;
}

int jpeginfo_huffman_tables_ok(const unsigned char *data, size_t len)
{
    return walk_segments(data, len, visit_dht, NULL) == 0;
}

int jpeginfo_is_arithmetic(const unsigned char *data, size_t len)
{
    int marker = walk_segments(data, len, visit_frame_marker, NULL);
    return (marker >= 0xC9 && marker <= 0xCB) || (marker >= 0xCD && marker <= 0xCF);
}

static int visit_nothing(int marker, const unsigned char *p, size_t n, void *ctx)
{
    (void)marker, (void)p, (void)n, (void)ctx;
    return 0;
}

size_t jpeginfo_scan_count(const unsigned char *data, size_t len)
{
    walk_end_t end = { 0 };
    walk_segments_to(data, len, visit_nothing, NULL, &end);
    size_t pos = end.sos, scans = 0;
    /* From marker to marker: a scan's entropy-coded data runs to the next
     * 0xFF that is neither stuffed (FF 00) nor a restart marker. */
    while (pos != 0 && pos + 4 <= len && data[pos] == 0xFF) {
        int marker = data[pos + 1];
        if (marker == 0xD9)
            break;
        if (marker == 0xFF || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
            pos += marker == 0xFF ? 1 : 2;
            continue;
        }
        size_t seglen = (size_t)data[pos + 2] << 8 | data[pos + 3];
        if (seglen < 2 || pos + 2 + seglen > len)
            break;
        pos += 2 + seglen;
        if (marker != 0xDA)
            continue;
        scans++;
        while (pos + 1 < len && !(data[pos] == 0xFF && data[pos + 1] != 0x00 &&
                                  !(data[pos + 1] >= 0xD0 && data[pos + 1] <= 0xD7)))
            pos++;
    }
    return scans;
}
