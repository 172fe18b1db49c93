/* pipeline: runs every input through read, decode, noise, encode and write
 * on libuv's thread pool, and emits results in input order. */
#ifndef NOISEAUG_PIPELINE_H
#define NOISEAUG_PIPELINE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "noise.h"
#include "plan.h"

typedef struct {
    const char *in_dir;        /* as the user gave it */
    const char *out_dir;       /* as the user gave it */
    char *const *names;        /* sorted input names, relative to in_dir */
    size_t count;
    int out_is_in_dir;         /* OUT_DIR is the same directory as IN_DIR */
    unsigned jobs;             /* worker threads */
    uint64_t seed;
    plan_modes_t modes;
    noise_params_t params;
    int jpeg_quality;
    mode_t file_mode;          /* permissions of the files written */
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
    size_t written;
    size_t failed;
    double stage_seconds[STAGE_COUNT];  /* summed over jobs (thread time) */
} pipeline_stats_t;

/* Processes every input and prints its line or its error, in input order.
 * Returns 0, or -1 when the loop could not be set up at all. */
int pipeline_run(const pipeline_config_t *cfg, pipeline_stats_t *stats);

#endif
