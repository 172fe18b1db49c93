/* pipeline: runs every planned output through read, decode, noise, encode
 * and write on libuv's thread pool, and emits results in input order. */
#ifndef NOISEAUG_PIPELINE_H
#define NOISEAUG_PIPELINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "labels.h"
#include "output.h"
#include "plan.h"
#include "run_stats.h"

/* One noisy output the COCO file lists (--coco): written, or kept. */
typedef struct {
    size_t input;                /* index in pipeline_config_t.names */
    unsigned copy;
    char *file_name;             /* relative to OUT_DIR; malloc'd */
    unsigned width, height;
} pipeline_coco_entry_t;

/* Where the run collects them, in output order. */
typedef struct {
    pipeline_coco_entry_t *entries;
    size_t count, cap;
    int out_of_memory;           /* an entry could not be kept: no file */
} pipeline_coco_sink_t;

void pipeline_coco_sink_free(pipeline_coco_sink_t *sink);

typedef struct {
    const char *in_dir;          /* as given; NULL with --files-from */
    const char *out_dir;         /* as given */
    char *const *names;          /* every input, relative to in_dir (or as
                                    listed); partners come from all of them */
    size_t count;
    const size_t *selected;      /* the inputs this run processes (a shard) */
    size_t selected_count;
    const char *partner_dir;     /* --partners DIR (plan.partners names its
                                    images), or NULL */
    int flat_outputs;            /* image operands: outputs straight in OUT_DIR */
    int out_is_in_dir;           /* outputs land beside inputs: never overwrite one */
    char *const *earlier;        /* in place: files named as outputs, which are
                                    not inputs (plan_split_earlier_outputs) */
    size_t earlier_count;
    unsigned jobs;               /* worker threads */
    plan_config_t plan;
    int include_originals;       /* also copy each original (and its label) */
    int jpeg_quality;
    uint64_t max_pixels;         /* largest width x height decoded (--max-pixels) */
    uint64_t max_memory;         /* budget of decoded bytes across workers
                                    (--max-memory); 0: none */
    mode_t file_mode;            /* permissions of the files written */
    labels_config_t labels;      /* labels.dir NULL: none copied */
    int require_labels;          /* an image without a label fails */
    const char *coco;            /* --coco FILE, or NULL */
    const long *coco_images;     /* per input: its image in FILE, or -1 */
    pipeline_coco_sink_t *coco_sink;  /* collects the outputs for --coco-out */
    int skip_existing;           /* keep outputs that already exist */
    int dry_run;                 /* plan and print only */
    FILE *manifest;              /* --manifest, or NULL */
    int verbose;                 /* per-file timing on stderr */
    int strip;                   /* --strip: write no metadata */
} pipeline_config_t;


/* How many of `wanted` worker threads can be started: libuv calls abort()
 * when its pool cannot create one (a low ulimit -v or -u), so the threads
 * are tried first, the way libuv makes them (8 MiB stacks), then joined.
 * Returns the number that started, and the error of the first that did
 * not in *err (0 when all did). */
unsigned pipeline_usable_threads(unsigned wanted, int *err);

/* Processes the selected inputs and prints each output's line or error, in
 * input order (copies of one input in copy order); adds its counts to
 * *stats. Returns 0, or -1 when
 * the loop could not be set up at all. */
int pipeline_run(const pipeline_config_t *cfg, run_stats_t *stats);

#endif
