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
#define CLI_MAX_LABEL_EXTS 8
#define CLI_LABEL_EXT_SIZE 32
/* --include / --exclude patterns, each list. */
#define CLI_MAX_GLOBS 64

/* Where partners are drawn from (--partners). */
typedef enum {
    CLI_PARTNERS_SAME_DIR,  /* the images in the input's own folder (default) */
    CLI_PARTNERS_ALL,       /* every input */
    CLI_PARTNERS_DIR,       /* the images of another folder (partners_dir) */
} cli_partners_t;

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
    char label_exts[CLI_MAX_LABEL_EXTS][CLI_LABEL_EXT_SIZE];  /* ".txt", ".json", ".png" */
    size_t label_ext_count;
    int require_labels;     /* an image without a label is a failure */
    const char *coco;       /* --coco: instances JSON of the inputs, or NULL */
    const char *coco_out;   /* --coco-out: the COCO JSON of the outputs; with
                               --coco, OUT_DIR/<its name> by default */
    char coco_out_default[4096];
    cli_partners_t partners;
    const char *partners_dir;       /* with CLI_PARTNERS_DIR */
    char *include[CLI_MAX_GLOBS];   /* --include globs */
    size_t include_count;
    char *exclude[CLI_MAX_GLOBS];   /* --exclude globs */
    size_t exclude_count;
    char **operands;        /* image operands (noiseaug a.jpg b.png OUT_DIR), or NULL */
    size_t operand_count;
    int include_originals;
    int progress;           /* 1 on, 0 off, -1 when stderr is a terminal */
    int quiet;
    int verbose;
    int strip;              /* --strip: no metadata in the outputs */
    int stats;              /* --stats: print per-stage times */
    uint64_t max_pixels;    /* --max-pixels: largest width x height decoded */
    uint64_t max_memory;    /* --max-memory: budget of decoded bytes; 0 none */
    int max_memory_given;   /* else main sets the default (membudget_default) */
    const char *in_dir;     /* NULL with --files-from LIST OUT_DIR and operands */
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
