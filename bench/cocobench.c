/* cocobench: coco_load and coco_write on one COCO file, timed, with the
 * process's peak RSS: what --coco costs on a file of train2017's size.
 *
 * usage: cocobench FILE.json OUT.json
 * Prints "load_s write_s peak_rss_kib images annotations_written". The
 * write lists one output per image (every image an input, one copy). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <uv.h>

#include "coco.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: cocobench FILE.json OUT.json\n");
        return 2;
    }
    char err[512];
    coco_t *c;
    uint64_t t0 = uv_hrtime();
    if (coco_load(argv[1], &c, err, sizeof err) != 0) {
        fprintf(stderr, "cocobench: %s: %s\n", argv[1], err);
        return 1;
    }
    uint64_t t1 = uv_hrtime();
    size_t n = coco_image_count(c);
    long *inputs = malloc(n * sizeof *inputs);
    coco_output_t *outs = malloc(n * sizeof *outs);
    if (inputs == NULL || outs == NULL)
        return 1;
    for (size_t i = 0; i < n; i++) {
        inputs[i] = (long)i;
        outs[i] = (coco_output_t){ i, 0, coco_image_file_name(c, i), 640, 480 };
    }
    coco_written_t w;
    if (coco_write(c, argv[2], inputs, n, 1, NULL, 0, outs, n, 0644, &w, err, sizeof err) != 0) {
        fprintf(stderr, "cocobench: %s: %s\n", argv[2], err);
        return 1;
    }
    uint64_t t2 = uv_hrtime();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%.3f %.3f %ld %zu %zu\n", (double)(t1 - t0) / 1e9, (double)(t2 - t1) / 1e9,
           ru.ru_maxrss, n, w.annotations);
    free(inputs);
    free(outs);
    coco_free(c);
    return 0;
}
