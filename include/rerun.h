/* rerun: what an earlier run left in OUT_DIR.
 *
 * A second run into the same OUT_DIR with another seed, other modes or
 * other weights writes a second augmentation of the same images beside the
 * first, under other names. Nothing fails, and a dataset built from the
 * folder would silently mix the two. This module finds, by name, the files
 * in OUT_DIR that are outputs of this run's inputs (noiseaug's pattern
 * <stem>_<tag>[_<k>].<ext>, judged as plan_split_earlier_outputs judges a
 * folder written in place) and that this run would not write itself: the
 * caller warns about them once, with their count. */
#ifndef NOISEAUG_RERUN_H
#define NOISEAUG_RERUN_H

#include <stddef.h>

#include "plan.h"

/* What was found. */
typedef struct {
    size_t foreign;      /* earlier outputs this run would not write */
    char *example;       /* the first of them (relative to OUT_DIR), or NULL */
} rerun_foreign_t;

/* Among `outputs` (names relative to OUT_DIR that are noiseaug outputs of
 * the inputs), counts those that no copy of any input of names[0..count)
 * is planned to be written as under cfg. Output names mirror the inputs'
 * folders. Returns 0, or -1 when memory is short. */
int rerun_count_foreign(const plan_config_t *cfg, char *const *names, size_t count,
                        char *const *outputs, size_t output_count, rerun_foreign_t *found);

/* Scans out_dir (into subfolders when recursive) for outputs of the inputs
 * names[0..count) and counts the foreign ones as rerun_count_foreign does.
 * A missing out_dir holds nothing. other_partners are --partners DIR's
 * images (their stems make add_/mix_ tags). Returns 0, or -1 when memory
 * is short. */
int rerun_find_foreign(const char *out_dir, int recursive, const plan_config_t *cfg,
                       char *const *names, size_t count, char *const *other_partners,
                       size_t other_count, rerun_foreign_t *found);

void rerun_foreign_free(rerun_foreign_t *found);

#endif
