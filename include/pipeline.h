/* pipeline: runs every planned output through read, decode, noise, encode
 * and write on libuv's thread pool, and emits results in input order. */
#ifndef NOISEAUG_PIPELINE_H
#define NOISEAUG_PIPELINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "plan.h"

typedef struct {
    const char *in_dir;          /* as given; NULL with --files-from */
    const char *out_dir;         /* as given */
    char *const *names;          /* every input, relative to in_dir (or as
                                    listed); partners come from all of them */
    size_t count;
    const size_t *selected;      /* the inputs this run processes (a shard) */
    size_t selected_count;
    int out_is_in_dir;           /* outputs land beside inputs: never overwrite one */
    unsigned jobs;               /* worker threads */
    plan_config_t plan;
    int include_originals;       /* also copy each original (and its label) */
    int jpeg_quality;
    mode_t file_mode;            /* permissions of the files written */
    const char *labels_dir;      /* --labels, or NULL */
    const char *labels_out;      /* --labels-out (defaults to out_dir) */
    char *const *label_exts;     /* ".txt", ... */
    size_t label_ext_count;
    int skip_existing;           /* keep outputs that already exist */
    int dry_run;                 /* plan and print only */
    FILE *manifest;              /* --manifest, or NULL */
    int verbose;                 /* per-file timing on stderr */
} pipeline_config_t;

/* Where a job's time goes. */
typedef enum {
    STAGE_READ,
    STAGE_DECODE,
    STAGE_PARTNER,  /* reading and decoding the partner of a pic mode */
    STAGE_NOISE,
    STAGE_ENCODE,
    STAGE_WRITE,
    STAGE_COUNT
} pipeline_stage_t;

typedef struct {
    size_t written;          /* outputs written (noisy copies and originals) */
    size_t failed;
    size_t existing;         /* kept because they existed (--skip-existing) */
    size_t planned;          /* --dry-run lines */
    size_t labels_copied;
    size_t labels_missing;
    int manifest_failed;     /* a manifest write failed */
    size_t cancelled;        /* not started because the run was stopped */
    int stopped_by;          /* SIGINT or SIGTERM that stopped the run, or 0 */
    int stdout_closed;       /* standard output went away (EPIPE) */
    double stage_seconds[STAGE_COUNT];  /* summed over jobs (thread time) */
} pipeline_stats_t;

/* Processes the selected inputs and prints each output's line or error, in
 * input order (copies of one input in copy order). Returns 0, or -1 when
 * the loop could not be set up at all. */
int pipeline_run(const pipeline_config_t *cfg, pipeline_stats_t *stats);

#endif
