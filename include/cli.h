/* cli: turns argv into a configuration, or into a usage error. */
#ifndef NOISEAUG_CLI_H
#define NOISEAUG_CLI_H

#include <stdint.h>

#include "noise.h"
#include "plan.h"

/* Worker threads are capped here because libuv caps its pool at 1024. */
#define CLI_MAX_JOBS 1024u

typedef struct {
    unsigned jobs;          /* worker threads, 1..CLI_MAX_JOBS */
    uint64_t seed;
    int seed_given;
    plan_modes_t modes;
    noise_params_t params;
    int stats;              /* --stats: print per-stage times */
    uint64_t max_pixels;    /* --max-pixels: largest width x height decoded */
    const char *in_dir;
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
