/* cli: option parsing and validation. Every usage error is reported through
 * one function, so all of them look alike and exit with the same code. */
#include "cli.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "codec.h"
#include "report.h"

#ifndef NOISEAUG_VERSION
#define NOISEAUG_VERSION "unknown"
#endif

static const char usage_text[] =
    "Usage: noiseaug [OPTIONS] IN_DIR OUT_DIR\n"
    "Write a noisy copy of every image in IN_DIR to OUT_DIR.\n"
    "\n"
    "Each image gets one of five noise functions, drawn at random:\n"
    "  ps        salt and pepper: 2.5% of samples to 0, 2.5% to max\n"
    "  addGauss  0.9*x + 0.1*g, g ~ N(mean, std) of the image\n"
    "  mixGauss  5% of samples replaced by g ~ N(mean, std)\n"
    "  addPic    0.9*x + 0.1*p, p from another image of the set\n"
    "  mixPic    5% of samples replaced by another image's\n"
    "\n"
    "Options:\n"
    "  -j, --jobs N      worker threads (default: online CPUs, at most 1024)\n"
    "  -s, --seed N      64-bit seed; the same seed writes the same bytes\n"
    "                    (default: random, printed in the summary)\n"
    "  -m, --modes LIST  comma-separated subset of\n"
    "                    ps,addGauss,mixGauss,addPic,mixPic (default: all);\n"
    "                    'none' re-encodes without noise (a benchmark floor)\n"
    "      --max-pixels N  refuse images of more than N pixels, checked\n"
    "                    before decoding (default 268435456 = 2^28)\n"
    "      --stats       print time per stage (read, decode, partner, noise,\n"
    "                    encode, write), summed over jobs, on stderr\n"
    "  -h, --help        show this help and exit\n"
    "  -V, --version     show the version and exit\n"
    "\n"
    "Output: OUT_DIR/<stem>_<tag>.<ext>, one line per image on stdout,\n"
    "\"IN_DIR/a.jpg --> OUT_DIR/a_ps.jpg\", in input order.\n"
    "\n"
    "Exit status: 0 all images written, 1 some failed, 2 usage error.\n";

/* Parses an unsigned decimal number of up to 64 bits; digits only. */
static int parse_u64(const char *s, uint64_t *out)
{
    if (*s == '\0')
        return -1;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return -1;
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int parse_modes(const char *list, plan_modes_t *modes)
{
    memset(modes, 0, sizeof *modes);
    if (strcmp(list, "none") == 0)
        return 0;  /* all weights 0: the no-noise diagnostic */
    const char *p = list;
    for (;;) {
        size_t len = strcspn(p, ",");
        int m = noise_mode_parse(p, len);
        if (m < 0) {
            report_usage_error("unknown mode '%.*s' in --modes (expected "
                               "ps, addGauss, mixGauss, addPic or mixPic, "
                               "or 'none' alone)",
                               (int)len, p);
            return -1;
        }
        modes->weight[m] = 1.0;
        if (p[len] == '\0')
            return 0;
        p += len + 1;
    }
}

/* Long options without a short form. */
enum { OPT_STATS = 256, OPT_MAX_PIXELS };

static unsigned online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > (long)CLI_MAX_JOBS ? CLI_MAX_JOBS : (unsigned)n;
}

cli_result_t cli_parse(int argc, char **argv, cli_config_t *cfg)
{
    static const struct option long_options[] = {
        { "jobs", required_argument, NULL, 'j' },
        { "seed", required_argument, NULL, 's' },
        { "modes", required_argument, NULL, 'm' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { "stats", no_argument, NULL, OPT_STATS },
        { "max-pixels", required_argument, NULL, OPT_MAX_PIXELS },
        { NULL, 0, NULL, 0 },
    };
    const noise_params_t defaults = NOISE_PARAMS_DEFAULT;
    memset(cfg, 0, sizeof *cfg);
    cfg->jobs = online_cpus();
    cfg->params = defaults;
    cfg->max_pixels = CODEC_DEFAULT_MAX_PIXELS;
    for (int m = 0; m < NOISE_MODE_COUNT; m++)
        cfg->modes.weight[m] = 1.0;

    opterr = 0;  /* errors are reported below, in the tool's own format */
    int c;
    uint64_t v;
    while ((c = getopt_long(argc, argv, ":j:s:m:hV", long_options, NULL)) != -1) {
        switch (c) {
        case 'j':
            if (parse_u64(optarg, &v) != 0 || v == 0) {
                report_usage_error("invalid number of jobs '%s' (expected a "
                                   "whole number of at least 1)", optarg);
                return CLI_EXIT_USAGE;
            }
            cfg->jobs = v > CLI_MAX_JOBS ? CLI_MAX_JOBS : (unsigned)v;
            break;
        case 's':
            if (parse_u64(optarg, &cfg->seed) != 0) {
                report_usage_error("invalid seed '%s' (expected an unsigned "
                                   "64-bit decimal number)", optarg);
                return CLI_EXIT_USAGE;
            }
            cfg->seed_given = 1;
            break;
        case 'm':
            if (parse_modes(optarg, &cfg->modes) != 0)
                return CLI_EXIT_USAGE;
            break;
        case OPT_MAX_PIXELS:
            if (parse_u64(optarg, &cfg->max_pixels) != 0 || cfg->max_pixels == 0) {
                report_usage_error("invalid --max-pixels '%s' (expected a whole "
                                   "number of at least 1)", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case OPT_STATS:
            cfg->stats = 1;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return CLI_EXIT_OK;
        case 'V':
            printf("noiseaug %s\ncodecs: %s\nlibuv %s\n", NOISEAUG_VERSION,
                   codec_describe(), uv_version_string());
            return CLI_EXIT_OK;
        case ':':
            report_usage_error("option '%s' needs a value", argv[optind - 1]);
            return CLI_EXIT_USAGE;
        default:
            if (optopt != 0)
                report_usage_error("unknown option '-%c'", optopt);
            else
                report_usage_error("unknown option '%s'", argv[optind - 1]);
            return CLI_EXIT_USAGE;
        }
    }
    int rest = argc - optind;
    if (rest != 2) {
        report_usage_error(rest < 2 ? "missing %s" : "too many arguments%s",
                           rest == 0 ? "IN_DIR and OUT_DIR"
                           : rest == 1 ? "OUT_DIR" : "");
        return CLI_EXIT_USAGE;
    }
    cfg->in_dir = argv[optind];
    cfg->out_dir = argv[optind + 1];
    return CLI_RUN;
}
