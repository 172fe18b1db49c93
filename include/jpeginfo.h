/* jpeginfo: the few facts noiseaug needs from a JPEG's marker segments,
 * read without decoding: the EXIF orientation and the component count.
 * Pure parsing with bounds checks; malformed input gives the default. */
#ifndef NOISEAUG_JPEGINFO_H
#define NOISEAUG_JPEGINFO_H

#include <stddef.h>

/* EXIF Orientation (tag 0x0112 in IFD0 of the APP1 "Exif" segment), 1..8;
 * 1 when absent, out of range or in a malformed block. */
int jpeginfo_orientation(const unsigned char *data, size_t len);

/* Number of colour components in the frame header (1 grey, 3 YCbCr or
 * RGB, 4 CMYK or YCCK), or 0 when there is no readable frame header. */
int jpeginfo_components(const unsigned char *data, size_t len);

/* The width and height in the frame header; returns 0, or -1 when there is
 * no readable frame header. A height of 0 (defined by a later DNL marker)
 * is returned as it is. */
int jpeginfo_size(const unsigned char *data, size_t len, int *width, int *height);

/* True when the frame header is one of arithmetic coding (SOF9-SOF11,
 * SOF13-SOF15). Arithmetic coding can code a flat block in far less than
 * a bit, so such a file has no bound on pixels per byte. */
int jpeginfo_is_arithmetic(const unsigned char *data, size_t len);

/* True when every Huffman table (DHT segment) before the scan holds at
 * most 256 codes within its segment. stb 2.27 writes past its code-length
 * array for a table that holds more (found by fuzzing). */
int jpeginfo_huffman_tables_ok(const unsigned char *data, size_t len);

/* The number of scans (SOS segments), found by walking from marker to
 * marker over the entropy-coded data, without decoding; 0 without one. */
size_t jpeginfo_scan_count(const unsigned char *data, size_t len);

/* True when data starts like a JPEG (SOI followed by a marker). */
int jpeginfo_is_jpeg(const unsigned char *data, size_t len);

#endif
