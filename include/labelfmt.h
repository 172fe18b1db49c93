/* labelfmt: rewriting label files that name or embed their image.
 *
 * A Pascal VOC .xml names its image in <filename> and <path> and states its
 * <size>; a LabelMe .json names it in imagePath, states imageHeight and
 * imageWidth, and may embed the image itself as base64 in imageData (which
 * labelme loads in preference to the file). Copied unchanged, such a label
 * would describe the clean original, so each is rewritten to describe the
 * output. Everything else in the document keeps its content.
 *
 * Parsing is done by libxml2 and jansson. Every function is thread-safe
 * once labelfmt_init() has run, and none writes to stderr. */
#ifndef NOISEAUG_LABELFMT_H
#define NOISEAUG_LABELFMT_H

#include <stddef.h>

/* How a label file is treated, by its extension. */
typedef enum {
    LABELFMT_COPY,     /* copied byte for byte (.txt, .png masks, .npy, ...) */
    LABELFMT_VOC,      /* .xml: Pascal VOC when its root is <annotation> */
    LABELFMT_LABELME,  /* .json: LabelMe when it has imagePath and shapes */
} labelfmt_kind_t;

/* The output image a rewritten label describes. */
typedef struct {
    const char *file_name;        /* VOC <filename>: the output's base name */
    const char *path;             /* VOC <path>: the output's absolute path */
    const char *image_rel;        /* LabelMe imagePath: relative to the label's folder */
    unsigned width, height, depth;
    const unsigned char *bytes;   /* the output file's bytes (LabelMe imageData) */
    size_t len;
} labelfmt_image_t;

/* Once, from the main thread, before any worker calls labelfmt_rewrite:
 * libxml2's global state must be set up single-threaded. */
void labelfmt_init(void);

/* The kind of a label extension such as ".xml" or "xml" (case-insensitive;
 * the dot is optional, so path_ext's answer serves). */
labelfmt_kind_t labelfmt_kind_of_ext(const char *ext);

/* Rewrites the label in[0..len) of the given kind to describe img.
 * Returns 1 with *out (malloc'd) and *out_len set; 0 when the document is
 * well formed but not of that kind (a .json that is not LabelMe, and any
 * label of kind LABELFMT_COPY: the caller copies it as it is); -1 when it
 * does not parse, or cannot be rewritten (memory is short, or a name is not
 * UTF-8 or holds a control character XML cannot), with a one-line reason
 * in err such as "not well-formed XML: line 3: <libxml2's message>" or
 * "not valid JSON: line 4 column 1: <jansson's message>". *out is NULL
 * unless 1 is returned. */
int labelfmt_rewrite(labelfmt_kind_t kind, const unsigned char *in, size_t len,
                     const labelfmt_image_t *img, unsigned char **out, size_t *out_len,
                     char *err, size_t errlen);

/* The path `to` relative to the directory from_dir, as Python's
 * os.path.relpath(to, from_dir) gives it: both are made absolute against
 * the current directory and normalised lexically (symbolic links are not
 * followed), and an empty one is the current directory. malloc'd; NULL
 * with errno set when memory is short or the current directory cannot be
 * found (only a relative argument needs it). */
char *labelfmt_relpath(const char *to, const char *from_dir);

#endif
