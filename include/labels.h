/* labels: the label files that travel with each output (--labels).
 *
 * An output's labels are its input's, found as LABELS/<subdir>/<stem><ext>
 * for every extension asked for, and written as
 * LABELS_OUT/<subdir>/<output stem><ext>. Labels that name their image are
 * rewritten to name the output (labelfmt: Pascal VOC .xml, LabelMe .json,
 * whose imageData becomes the bytes written); every other file (YOLO .txt,
 * .png masks, .npy) is copied byte for byte. */
#ifndef NOISEAUG_LABELS_H
#define NOISEAUG_LABELS_H

#include <stddef.h>
#include <sys/types.h>

/* Where labels come from and go. */
typedef struct {
    const char *dir;           /* --labels, or NULL: no labels */
    const char *out;           /* --labels-out */
    char *const *exts;         /* ".txt", ... */
    size_t ext_count;
    int skip_existing;
    mode_t file_mode;
} labels_config_t;

/* What became of one output's labels. */
typedef struct {
    size_t files;              /* label files written (or already there) */
    char bad_path[512];        /* a label that could not be rewritten, or "" */
    char bad_reason[256];      /* ... and why (the image is still written) */
} labels_result_t;

/* How many label files input `name` has (0: none; it may have one per
 * extension). */
size_t labels_count(const labels_config_t *labels, const char *subdir, const char *name);

/* Writes the labels of input `name` for the output out_name in subdir,
 * whose file is image_path (read back for LabelMe's imageData and for the
 * size VOC and LabelMe state). A label that does not parse is left out and
 * named in res (the caller reports it; the image stays). Returns 0, or -1
 * with the reason in err when a file could not be read or written. */
int labels_write(const labels_config_t *labels, const char *subdir, const char *name,
                 const char *out_name, const char *image_path, labels_result_t *res,
                 char *err, size_t errlen);

#endif
