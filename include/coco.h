/* coco: a COCO instances file, read once and written for the outputs.
 *
 * A COCO set keeps every label in one JSON file, which for train2017 is
 * about 450 MB with 118k images and 860k annotations: as one jansson tree
 * it takes several GB. So the file is read into memory and walked: each
 * element of "images" and "annotations", and each other top-level value,
 * is parsed and checked by jansson on its own, and only what the rewrite
 * needs is kept (an image's id, file name and size; an annotation's
 * image and where its text lies). The output repeats the input's text
 * byte for byte wherever it does not change. */
#ifndef NOISEAUG_COCO_H
#define NOISEAUG_COCO_H

#include <stddef.h>
#include <sys/types.h>

typedef struct coco coco_t;

/* Reads and checks the file at path: a JSON object whose "images" and
 * "annotations" are arrays of objects, each image with an integer "id"
 * (unique) and a string "file_name", each annotation with an integer
 * "id" and the "image_id" of one of the images. Returns 0 with *out set,
 * or -1 with a one-line reason in err. */
int coco_load(const char *path, coco_t **out, char *err, size_t errlen);

void coco_free(coco_t *c);

size_t coco_image_count(const coco_t *c);

/* The file name of image i (0 <= i < coco_image_count). */
const char *coco_image_file_name(const coco_t *c, size_t i);

/* The image whose file_name is name (as noiseaug names an input, relative
 * to IN_DIR; a file_name written "./a.jpg" matches "a.jpg"), or -1. */
long coco_find(const coco_t *c, const char *name);

/* One noisy output: copy `copy` of input number `input` (in the run's
 * whole, sorted input list), its name relative to OUT_DIR and its size. */
typedef struct {
    size_t input;
    unsigned copy;
    const char *file_name;
    unsigned width, height;
} coco_output_t;

/* What coco_write wrote. */
typedef struct {
    size_t images, annotations;
} coco_written_t;

/* Writes the outputs' COCO file to path, atomically. inputs[i] is the
 * image of input i (of all the run's inputs, every shard's included), or
 * -1; originals lists the inputs whose original entries and annotations
 * are written first, unchanged (--include-originals), and outs the
 * outputs. With M and A the largest image and annotation ids of the file,
 * n = copies, and P(i) the annotations of inputs before i, copy k of input
 * i gets image id M + 1 + n*i + k, and its j-th annotation (of a_i) the id
 * A + 1 + n*P(i) + k*a_i + j: ids depend only on the input list, never on
 * the shard or the thread, and never collide. Top-level members other
 * than "images" and "annotations" are copied byte for byte, in order.
 * Returns 0, or -1 with the reason in err (nothing is left behind). */
int coco_write(const coco_t *c, const char *path, const long *inputs, size_t input_count,
               unsigned copies, const size_t *originals, size_t original_count,
               const coco_output_t *outs, size_t out_count, mode_t mode,
               coco_written_t *written, char *err, size_t errlen);

#endif
