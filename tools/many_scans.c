/* many_scans: writes tests/fixtures/many-scans.jpg, a valid progressive
 * JPEG of 1896 scans (each AC coefficient of each component in its own
 * band, refined one bit at a time). libjpeg-turbo decodes it, slowly;
 * noiseaug refuses files of more than 500 scans (TJFLAG_LIMITSCANS).
 * cjpeg's -scans reads at most 100 scans, hence this program. Built and
 * run by `make many-scans` (needs libjpeg62-turbo-dev); the fixture is
 * committed, so the tests do not need it.
 *
 * Usage: many_scans OUT.jpg */
#include <stdio.h>
#include <stdlib.h>

#include <jpeglib.h>

#define W 96
#define H 64
#define MAX_SCANS 2000

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: many_scans OUT.jpg\n");
        return 2;
    }
    static jpeg_scan_info scans[MAX_SCANS];
    int n = 0;
    for (int c = 0; c < 3; c++)  /* DC: first the high bits, then the last */
        scans[n++] = (jpeg_scan_info){ 1, { c }, 0, 0, 0, 1 };
    for (int c = 0; c < 3; c++)
        scans[n++] = (jpeg_scan_info){ 1, { c }, 0, 0, 1, 0 };
    for (int c = 0; c < 3; c++) {
        for (int k = 1; k < 64; k++) {
            scans[n++] = (jpeg_scan_info){ 1, { c }, k, k, 0, 9 };
            for (int al = 9; al > 0; al--)
                scans[n++] = (jpeg_scan_info){ 1, { c }, k, k, al, al - 1 };
        }
    }
    FILE *out = fopen(argv[1], "wb");
    if (out == NULL) {
        perror(argv[1]);
        return 1;
    }
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, out);
    cinfo.image_width = W;
    cinfo.image_height = H;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 95, TRUE);
    cinfo.scan_info = scans;
    cinfo.num_scans = n;
    jpeg_start_compress(&cinfo, TRUE);
    JSAMPLE row[W * 3];
    while (cinfo.next_scanline < H) {
        int y = (int)cinfo.next_scanline;
        for (int x = 0; x < W; x++) {
            row[3 * x] = (JSAMPLE)(x * 2 + y);
            row[3 * x + 1] = (JSAMPLE)(y * 3);
            row[3 * x + 2] = (JSAMPLE)((x * y) & 255);
        }
        JSAMPROW rows[1] = { row };
        jpeg_write_scanlines(&cinfo, rows, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    fclose(out);
    printf("%d scans\n", n);
    return 0;
}
