/* plan: what happens to one input, decided before any pixel is read.
 *
 * The mode, the partner and the output name come from the image's own
 * random stream, so they depend only on (seed, name, copy) and the list of
 * inputs: the same everywhere, whatever the thread or timing. */
#ifndef NOISEAUG_PLAN_H
#define NOISEAUG_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "noise.h"
#include "rng.h"

/* Relative weights of the modes; 0 leaves a mode out, and all 0 means no
 * noise at all (mode NOISE_NONE, tag "none"). */
typedef struct {
    double weight[NOISE_MODE_COUNT];
} plan_modes_t;

typedef struct {
    noise_mode_t mode;
    long partner;    /* index of the partner in the input list, or -1 */
    rng_t rng;       /* the image's stream, past the mode and partner draws */
    char *out_name;  /* <stem>_<tag>.<ext>, malloc'd */
} plan_t;

/* Plans input `index` of `names` (count > index). Returns 0, or -1 when
 * memory is short. */
int plan_make(const plan_modes_t *modes, uint64_t seed, char *const *names,
              size_t count, size_t index, plan_t *out);

/* Frees the plan's strings. */
void plan_free(plan_t *plan);

/* Builds "<stem of input>_<tag>.<ext>" where ext is the input's own when the
 * encoder writes that format and "png" otherwise. malloc'd; NULL on OOM. */
char *plan_output_name(const char *input, const char *tag);

/* The name without its final extension, malloc'd; NULL on OOM. */
char *plan_stem(const char *name);

#endif
