/* cocorun: a COCO instances file through a run (--coco, --coco-out).
 *
 * Before the run, each input is matched to its image in the file; after
 * it, the outputs the pipeline collected are written as a new file. The
 * file itself is read and written by coco; this is the glue that names
 * what did not match and turns outputs into the file's entries. */
#ifndef NOISEAUG_COCORUN_H
#define NOISEAUG_COCORUN_H

#include <stddef.h>
#include <sys/types.h>

#include "coco.h"
#include "pipeline.h"

/* Matches names[0..count) (relative to IN_DIR) to the images of c: a new
 * array with each input's image index, or -1. Says how many inputs the
 * file does not name (they count as images without a label, in the
 * pipeline) and how many of its images are not among the inputs; -v
 * names each. Returns NULL on OOM (said). */
long *cocorun_match(const coco_t *c, const char *coco_path, const char *in_dir,
                    char *const *names, size_t count, int verbose);

/* Writes the COCO file of the outputs collected in sink (and, with
 * include_originals, of the originals of the selected inputs) to path.
 * Returns 0, or -1 after saying why. */
int cocorun_write(const coco_t *c, const char *path, const long *images, size_t count,
                  const size_t *selected, size_t selected_count, int include_originals,
                  unsigned copies, const pipeline_coco_sink_t *sink, mode_t mode);

#endif
