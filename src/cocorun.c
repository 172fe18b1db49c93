/* cocorun: matching a COCO file's images to the inputs, and writing the
 * outputs' file. */
#include "cocorun.h"

#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "report.h"

/* How many to name in the summary line, as for missing labels. */
enum { NAMED = 3 };

/* Says how many of the file's images are not inputs, naming the first
 * few (every one with -v). */
static void report_absent_images(const coco_t *c, const char *coco_path, const char *in_dir,
                                 const unsigned char *matched, int verbose)
{
    size_t n = coco_image_count(c), absent = 0;
    char named[NAMED][256];
    for (size_t i = 0; i < n; i++) {
        if (matched[i])
            continue;
        if (absent < NAMED)
            snprintf(named[absent], sizeof named[0], "%s", coco_image_file_name(c, i));
        absent++;
        if (verbose)
            report_file_warning(coco_path, "names %s, which is not an input in %s",
                                coco_image_file_name(c, i), in_dir);
    }
    if (absent == 0)
        return;
    report_file_warning(NULL, "%zu image%s of %s %s not in %s: %s%s%s%s%s%s", absent,
                        absent == 1 ? "" : "s", coco_path, absent == 1 ? "is" : "are", in_dir,
                        named[0], absent > 1 ? ", " : "", absent > 1 ? named[1] : "",
                        absent > 2 ? ", " : "", absent > 2 ? named[2] : "",
                        absent > NAMED ? ", ..." : "");
}

long *cocorun_match(const coco_t *c, const char *coco_path, const char *in_dir,
                    char *const *names, size_t count, int verbose)
{
    long *images = malloc((count ? count : 1) * sizeof *images);
    unsigned char *matched = calloc(coco_image_count(c) + 1, 1);
    if (images == NULL || matched == NULL) {
        free(images);
        free(matched);
        report_error("out of memory");
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        images[i] = coco_find(c, names[i]);
        if (images[i] >= 0)
            matched[images[i]] = 1;
    }
    /* Inputs the file does not name are images without a label: the
     * pipeline counts and names them with the missing labels. */
    report_absent_images(c, coco_path, in_dir, matched, verbose);
    free(matched);
    return images;
}

int cocorun_write(const coco_t *c, const char *path, const long *images, size_t count,
                  const size_t *selected, size_t selected_count, int include_originals,
                  unsigned copies, const pipeline_coco_sink_t *sink, mode_t mode)
{
    if (sink->out_of_memory) {
        report_file_error(path, "not written: out of memory keeping the outputs");
        return -1;
    }
    coco_output_t *outs = malloc((sink->count + 1) * sizeof *outs);
    if (outs == NULL) {
        report_file_error(path, "not written: out of memory");
        return -1;
    }
    for (size_t i = 0; i < sink->count; i++)
        outs[i] = (coco_output_t){
            .input = sink->entries[i].input,
            .copy = sink->entries[i].copy,
            .file_name = sink->entries[i].file_name,
            .width = sink->entries[i].width,
            .height = sink->entries[i].height,
        };
    coco_written_t w;
    char why[512];
    int rc = coco_write(c, path, images, count, copies, selected,
                        include_originals ? selected_count : 0, outs, sink->count, mode, &w,
                        why, sizeof why);
    free(outs);
    if (rc != 0) {
        report_file_error(path, "cannot write the COCO file: %s", why);
        return -1;
    }
    report_file_warning(path, "COCO file written: %zu images, %zu annotations", w.images,
                        w.annotations);
    return 0;
}
