/* run_stats: the counts of one run, in one struct. scan's counts and the
 * pipeline's go in; report prints the summary and the stage times from it;
 * main derives the exit status from it. */
#ifndef NOISEAUG_RUN_STATS_H
#define NOISEAUG_RUN_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Where a job's time goes. */
typedef enum {
    STAGE_READ,
    STAGE_DECODE,
    STAGE_PARTNER,  /* reading and decoding the partner of a pic mode */
    STAGE_NOISE,
    STAGE_ENCODE,
    STAGE_WRITE,
    STAGE_COUNT
} run_stage_t;

typedef struct {
    /* scan */
    size_t skipped;          /* input files not read */
    size_t rejected;         /* named like images but not files: failures */
    /* pipeline */
    size_t written;          /* outputs written (noisy copies and originals) */
    size_t failed;           /* outputs that failed */
    size_t existing;         /* kept because they existed (--skip-existing) */
    size_t planned;          /* --dry-run lines */
    size_t labels_copied;    /* label files written (or already there) */
    size_t labels_missing;   /* images without any label file */
    size_t labels_failed;    /* label files that did not parse: exit 1 */
#define RUN_STATS_MISSING_NAMED 3
    char missing_named[RUN_STATS_MISSING_NAMED][256];  /* the first images without one */
    size_t cancelled;        /* not started because the run was stopped */
    size_t alpha_dropped;    /* outputs written without their input's alpha */
    int manifest_failed;     /* a manifest write failed */
    int stopped_by;          /* SIGINT or SIGTERM that stopped the run, or 0 */
    int stdout_closed;       /* standard output went away (EPIPE) */
    int stdout_error;        /* errno of another stdout write error, or 0 */
    double stage_seconds[STAGE_COUNT];  /* summed over jobs (thread time) */
    uint64_t memory_peak;    /* most bytes reserved at once (the budget) */
    uint64_t memory_waits;   /* jobs that waited for the budget */
    /* main */
    double seconds;          /* wall time of the run */
    uint64_t seed;
} run_stats_t;

#endif
