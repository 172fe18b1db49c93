/* cli: turns argv into a configuration, or into a usage error. */
#ifndef NOISEAUG_CLI_H
#define NOISEAUG_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "plan.h"

/* Worker threads are capped here because libuv caps its pool at 1024. */
#define CLI_MAX_JOBS 1024u
/* Copies per input; far beyond any augmentation need, and it keeps the
 * copy index well inside the names and the manifest. */
#define CLI_MAX_COPIES 10000u
#define CLI_MAX_LABEL_EXTS 3

typedef struct {
    unsigned jobs;          /* worker threads, 1..CLI_MAX_JOBS */
    int seed_given;
    plan_config_t plan;     /* seed, mode weights, strengths, copies, format */
    int jpeg_quality;       /* 1..100 */
    int recursive;
    const char *files_from; /* list file, "-" for stdin, or NULL */
    int nul_separated;      /* -0 */
    uint64_t shard_k, shard_n;  /* --shard K/N; N = 1 means all */
    int skip_existing;
    int dry_run;
    const char *manifest;
    const char *labels;
    const char *labels_out;
    const char *label_exts[CLI_MAX_LABEL_EXTS];  /* ".txt", ".json", ".xml" */
    size_t label_ext_count;
    int include_originals;
    int progress;           /* 1 on, 0 off, -1 when stderr is a terminal */
    int quiet;
    int verbose;
    int stats;              /* --stats: print per-stage times */
    uint64_t max_pixels;    /* --max-pixels: largest width x height decoded */
    uint64_t max_memory;    /* --max-memory: budget of decoded bytes; 0 none */
    int max_memory_given;   /* else main sets the default (membudget_default) */
    const char *in_dir;     /* NULL with --files-from */
    const char *out_dir;
} cli_config_t;

typedef enum {
    CLI_RUN,        /* configuration is ready */
    CLI_EXIT_OK,    /* --help or --version was printed */
    CLI_EXIT_USAGE, /* a usage error was printed */
} cli_result_t;

/* Parses the command line into cfg. */
cli_result_t cli_parse(int argc, char **argv, cli_config_t *cfg);

#endif
