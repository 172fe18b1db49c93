/* cli: option parsing and validation. Every usage error is reported through
 * one function, so all of them look alike and exit with the same code. */
#include "cli.h"

#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "codec.h"
#include "noise.h"
#include "path.h"
#include "report.h"

#ifndef NOISEAUG_VERSION
#define NOISEAUG_VERSION "unknown"
#endif

static const char usage_text[] =
    "Usage: noiseaug [OPTIONS] IN_DIR OUT_DIR\n"
    "       noiseaug [OPTIONS] --files-from FILE [IN_DIR] OUT_DIR\n"
    "       noiseaug [OPTIONS] IMAGE... OUT_DIR\n"
    "Write noisy copies of the images in IN_DIR (or listed in FILE, or given) to\n"
    "OUT_DIR.\n"
    "\n"
    "Each output gets one of five noise functions, drawn at random:\n"
    "  ps        salt and pepper: 2.5% of samples to 0, 2.5% to max\n"
    "  addGauss  0.9*x + 0.1*g, g ~ N(mean, std) of the image\n"
    "  mixGauss  5% of samples replaced by g ~ N(mean, std)\n"
    "  addPic    0.9*x + 0.1*p, p from another image of the set\n"
    "  mixPic    5% of samples replaced by another image's\n"
    "\n"
    "Inputs:\n"
    "  -r, --recursive       descend into subdirectories, mirrored under OUT_DIR\n"
    "      --files-from FILE read input paths from FILE ('-': stdin), one per line;\n"
    "                        with IN_DIR, relative to it (as rsync does)\n"
    "  -0, --null            with --files-from: paths are NUL-separated\n"
    "      --include GLOB    take only images matching GLOB (repeatable; a GLOB\n"
    "                        with '/' matches the path under IN_DIR)\n"
    "      --exclude GLOB    leave out images and folders matching GLOB (repeatable)\n"
    "      --shard K/N       process only the inputs of shard K of N (0 <= K < N)\n"
    "      --max-pixels N    refuse images of more than N pixels, checked before\n"
    "                        decoding (default 268435456 = 2^28)\n"
    "      --max-memory SIZE budget for decoded images across all workers, e.g.\n"
    "                        4G or 512M; jobs wait while over it; 0: none\n"
    "                        (default: half of the memory, cgroup limits included)\n"
    "\n"
    "Noise:\n"
    "  -s, --seed N          64-bit seed; the same seed writes the same bytes\n"
    "                        (default: random, printed in the summary)\n"
    "  -m, --modes LIST      modes with optional weights, e.g. ps:2,addGauss,mixPic:0.5\n"
    "                        (default: all five, equal weights); 'none' alone\n"
    "                        re-encodes without noise (a benchmark floor)\n"
    "      --ps-amount X     ps: share of samples changed (default 0.05)\n"
    "      --gauss-weight X  addGauss: weight of the Gaussian (default 0.1)\n"
    "      --mix-rate X      mixGauss, mixPic: share replaced (default 0.05)\n"
    "      --blend X         addPic: weight of the partner (default 0.1)\n"
    "                        each X is a value in [0, 1] or a range LO:HI,\n"
    "                        drawn uniformly per output\n"
    "  -n, --copies N        N noisy copies per input, named <stem>_<tag>_<k>\n"
    "      --partners WHERE  addPic/mixPic partners: same-dir (default: the\n"
    "                        input's own folder, so splits stay apart), all\n"
    "                        (every input), or a folder of other images\n"
    "\n"
    "Outputs:\n"
    "  -f, --format FMT      keep (default), png, jpg, bmp, tga, webp or tif\n"
    "                        (webp and tif: not in the pure-stb build)\n"
    "  -q, --quality N       JPEG, lossy WebP quality, 1-100 (default 95)\n"
    "      --strip           write no metadata (by default ICC profile, DPI,\n"
    "                        EXIF, PNG colour and text, GeoTIFF tags are kept)\n"
    "      --labels DIR      copy DIR/<stem>.txt to LABELS_OUT/<output stem>.txt\n"
    "      --labels-out DIR  where labels go (default: OUT_DIR)\n"
    "      --label-ext LIST  label extensions, e.g. .txt,.png (default .txt);\n"
    "                        .xml (Pascal VOC) and .json (LabelMe) are rewritten\n"
    "                        to name the output, others copied byte for byte\n"
    "      --require-labels  an image without a label is a failure\n"
    "      --coco FILE       COCO instances JSON naming the inputs (relative to IN_DIR)\n"
    "      --coco-out FILE   write a COCO JSON of the outputs (and originals)\n"
    "      --include-originals  also copy each original (and its label)\n"
    "      --skip-existing   keep outputs that already exist (needs --seed)\n"
    "      --dry-run         print the lines (and manifest) without writing\n"
    "      --manifest FILE   write one JSON record per output to FILE\n"
    "\n"
    ;

/* Two strings: C11 compilers need only take 4095 characters in one. */
static const char usage_text_more[] =
    "Messages:\n"
    "  -j, --jobs N          worker threads (default: online CPUs, at most 1024)\n"
    "      --progress        show progress on stderr even when it is not a terminal\n"
    "      --no-progress     never show progress\n"
    "  -Q, --quiet           errors only on stderr\n"
    "  -v, --verbose         also per-file times and missing labels\n"
    "      --stats           time per stage (read, decode, partner, noise,\n"
    "                        encode, write), summed over jobs\n"
    "  -h, --help            show this help and exit\n"
    "  -V, --version         show the version and exit\n"
    "\n"
    "Output lines: \"IN_DIR/a.jpg --> OUT_DIR/a_ps.jpg\" on stdout, in input order.\n"
    "\n"
    "Exit status: 0 all outputs written, 1 some failed (the rest were written) or\n"
    "nothing was processed (stderr says why),\n"
    "2 usage error or OUT_DIR unusable, 130/143/129 stopped by SIGINT/SIGTERM/\n"
    "SIGHUP (the images in progress were finished), 141 standard output closed\n"
    "early.\n";

/* Long options without a short form. */
enum {
    OPT_STATS = 256, OPT_MAX_PIXELS, OPT_MAX_MEMORY, OPT_FILES_FROM, OPT_SHARD, OPT_SKIP_EXISTING,
    OPT_DRY_RUN, OPT_MANIFEST, OPT_LABELS, OPT_LABELS_OUT, OPT_LABEL_EXT,
    OPT_INCLUDE_ORIGINALS, OPT_PS_AMOUNT, OPT_GAUSS_WEIGHT, OPT_MIX_RATE, OPT_BLEND,
    OPT_PROGRESS, OPT_NO_PROGRESS, OPT_REQUIRE_LABELS, OPT_COCO, OPT_COCO_OUT, OPT_PARTNERS,
    OPT_INCLUDE, OPT_EXCLUDE, OPT_STRIP,
};

/* The one list of option names: getopt_long reads it, and every message
 * about an option takes the option's name from it, whatever the user typed
 * (-j, an abbreviation such as --ps, or --ps-amount=2). */
static const struct option long_options[] = {
    { "jobs", required_argument, NULL, 'j' },
    { "seed", required_argument, NULL, 's' },
    { "modes", required_argument, NULL, 'm' },
    { "copies", required_argument, NULL, 'n' },
    { "recursive", no_argument, NULL, 'r' },
    { "null", no_argument, NULL, '0' },
    { "format", required_argument, NULL, 'f' },
    { "quality", required_argument, NULL, 'q' },
    { "quiet", no_argument, NULL, 'Q' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { "stats", no_argument, NULL, OPT_STATS },
    { "strip", no_argument, NULL, OPT_STRIP },
    { "max-pixels", required_argument, NULL, OPT_MAX_PIXELS },
    { "max-memory", required_argument, NULL, OPT_MAX_MEMORY },
    { "files-from", required_argument, NULL, OPT_FILES_FROM },
    { "shard", required_argument, NULL, OPT_SHARD },
    { "skip-existing", no_argument, NULL, OPT_SKIP_EXISTING },
    { "dry-run", no_argument, NULL, OPT_DRY_RUN },
    { "manifest", required_argument, NULL, OPT_MANIFEST },
    { "labels", required_argument, NULL, OPT_LABELS },
    { "labels-out", required_argument, NULL, OPT_LABELS_OUT },
    { "label-ext", required_argument, NULL, OPT_LABEL_EXT },
    { "include-originals", no_argument, NULL, OPT_INCLUDE_ORIGINALS },
    { "ps-amount", required_argument, NULL, OPT_PS_AMOUNT },
    { "gauss-weight", required_argument, NULL, OPT_GAUSS_WEIGHT },
    { "mix-rate", required_argument, NULL, OPT_MIX_RATE },
    { "blend", required_argument, NULL, OPT_BLEND },
    { "progress", no_argument, NULL, OPT_PROGRESS },
    { "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
    { "require-labels", no_argument, NULL, OPT_REQUIRE_LABELS },
    { "coco", required_argument, NULL, OPT_COCO },
    { "coco-out", required_argument, NULL, OPT_COCO_OUT },
    { "partners", required_argument, NULL, OPT_PARTNERS },
    { "include", required_argument, NULL, OPT_INCLUDE },
    { "exclude", required_argument, NULL, OPT_EXCLUDE },
    { NULL, 0, NULL, 0 },
};

/* The long name, without its dashes, of the option getopt_long returns as
 * `code`; NULL when no option has that code. */
static const char *option_name(int code)
{
    for (const struct option *o = long_options; o->name != NULL; o++)
        if (o->val == code)
            return o->name;
    return NULL;
}

/* Reports an option getopt_long did not take: an unknown or ambiguous
 * name, or a value given to an option that takes none. */
static void report_bad_option(const char *arg)
{
    const char *known = option_name(optopt);
    if (known != NULL) {
        /* Only --name=value, for an option that takes no value, leaves a
         * known code here: an unknown short option is in no table. */
        report_usage_error("option '--%s' takes no value", known);
        return;
    }
    if (optopt != 0) {
        report_usage_error("unknown option '-%c'", optopt);
        return;
    }
    /* A long option whose name is unknown, or the prefix of more than one
     * option: glibc sets optopt to 0 for both. */
    size_t len = strcspn(arg + 2, "=");
    int matches = 0;
    for (const struct option *o = long_options; o->name != NULL; o++)
        matches += strncmp(o->name, arg + 2, len) == 0;
    if (len == 0)  /* "--=x" */
        report_usage_error("unknown option '%s'", arg);
    else
        report_usage_error("%s option '%.*s'", matches > 1 ? "ambiguous" : "unknown",
                           (int)len + 2, arg);
}

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

/* Parses a finite decimal number covering all of s[0..len). */
static int parse_double(const char *s, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (*end != '\0' || !isfinite(v) || isspace((unsigned char)buf[0]))
        return -1;
    *out = v;
    return 0;
}

/* "X" or "LO:HI" with 0 <= LO <= HI <= 1, for option --`name`. */
static int parse_range(const char *name, const char *s, plan_range_t *r)
{
    const char *colon = strchr(s, ':');
    int ok = colon == NULL
        ? parse_double(s, strlen(s), &r->lo) == 0
        : parse_double(s, (size_t)(colon - s), &r->lo) == 0 &&
              parse_double(colon + 1, strlen(colon + 1), &r->hi) == 0;
    if (colon == NULL)
        r->hi = r->lo;
    if (!ok || r->lo < 0 || r->hi > 1 || r->lo > r->hi) {
        report_usage_error("invalid --%s '%s' (expected a number in [0, 1] or a range "
                           "LO:HI with 0 <= LO <= HI <= 1)", name, s);
        return -1;
    }
    return 0;
}

/* The mode table's names as a list for messages: "ps, addGauss, mixGauss,
 * addPic or mixPic", so that a new mode shows up without editing it here. */
static void mode_list(char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int m = 0; m < NOISE_MODE_COUNT && len < size; m++) {
        const char *sep = m == 0 ? "" : m == NOISE_MODE_COUNT - 1 ? " or " : ", ";
        int n = snprintf(buf + len, size - len, "%s%s", sep, noise_mode_name((noise_mode_t)m));
        len += n > 0 ? (size_t)n : 0;
    }
}

/* "ps:2,addGauss,mixPic:0.5": modes with optional positive weights. */
static int parse_modes(const char *list, plan_config_t *plan)
{
    for (int m = 0; m < NOISE_MODE_COUNT; m++)
        plan->weight[m] = 0.0;
    if (strcmp(list, "none") == 0)
        return 0;  /* all weights 0: the no-noise diagnostic */
    const char *p = list;
    for (;;) {
        size_t len = strcspn(p, ",");
        size_t name_len = strcspn(p, ":,");
        int m = noise_mode_parse(p, name_len);
        if (m < 0) {
            char names[128];
            mode_list(names, sizeof names);
            report_usage_error("unknown mode '%.*s' in --modes (expected %s, or 'none' "
                               "alone)", (int)name_len, p, names);
            return -1;
        }
        double w = 1.0;
        if (name_len < len &&
            (parse_double(p + name_len + 1, len - name_len - 1, &w) != 0 || !(w > 0))) {
            report_usage_error("invalid weight '%.*s' for %s in --modes (expected a "
                               "number above 0)", (int)(len - name_len - 1),
                               p + name_len + 1, noise_mode_name((noise_mode_t)m));
            return -1;
        }
        plan->weight[m] = w;
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    /* A mode is drawn from the running sum of the weights: with an
     * infinite sum the first modes could never be drawn. */
    double total = 0.0;
    for (int m = 0; m < NOISE_MODE_COUNT; m++)
        total += plan->weight[m];
    if (!isfinite(total)) {
        report_usage_error("the weights in --modes add up past the largest number; "
                           "give smaller ones");
        return -1;
    }
    return 0;
}

/* ".txt,json,.PNG": any extensions; .xml and .json are rewritten, the
 * rest copied byte for byte. */
static int parse_label_exts(const char *list, cli_config_t *cfg)
{
    cfg->label_ext_count = 0;
    const char *p = list;
    for (;;) {
        size_t len = strcspn(p, ",");
        const char *name = len > 0 && p[0] == '.' ? p + 1 : p;
        size_t name_len = len - (size_t)(name - p);
        if (name_len == 0 || name_len + 2 > CLI_LABEL_EXT_SIZE ||
            memchr(name, '/', name_len) != NULL || memchr(name, '.', name_len) != NULL) {
            report_usage_error("invalid --label-ext '%.*s' (expected extensions such as "
                               ".txt,.xml,.json,.png)", (int)len, p);
            return -1;
        }
        if (cfg->label_ext_count == CLI_MAX_LABEL_EXTS) {
            report_usage_error("too many extensions in --label-ext '%s' (expected at most %d)",
                               list, CLI_MAX_LABEL_EXTS);
            return -1;
        }
        snprintf(cfg->label_exts[cfg->label_ext_count++], CLI_LABEL_EXT_SIZE, ".%.*s",
                 (int)name_len, name);
        if (p[len] == '\0')
            return 0;
        p += len + 1;
    }
}

/* Appends a glob of --include or --exclude. */
static int add_glob(const char *option, char **globs, size_t *count, char *glob)
{
    if (*glob == '\0') {
        report_usage_error("--%s needs a pattern, not an empty string", option);
        return -1;
    }
    if (*count == CLI_MAX_GLOBS) {
        report_usage_error("too many --%s patterns (at most %d)", option, CLI_MAX_GLOBS);
        return -1;
    }
    globs[(*count)++] = glob;
    return 0;
}

/* same-dir, all, or a folder of partner images. */
static void parse_partners(const char *value, cli_config_t *cfg)
{
    if (strcmp(value, "same-dir") == 0) {
        cfg->partners = CLI_PARTNERS_SAME_DIR;
    } else if (strcmp(value, "all") == 0) {
        cfg->partners = CLI_PARTNERS_ALL;
    } else {
        /* A folder called "all" is given as ./all. */
        cfg->partners = CLI_PARTNERS_DIR;
        cfg->partners_dir = value;
    }
}

/* "keep", or any extension of a format the codec writes. */
static int parse_format(const char *s, int *format)
{
    if (strcasecmp(s, "keep") == 0) {
        *format = -1;
        return 0;
    }
    int f = codec_format_of_ext(s);
    const codec_format_info_t *info = codec_format_info(f);
    if (info != NULL && info->write) {
        *format = f;
        return 0;
    }
    /* Written out rather than built from the table: the wording (and
     * png first) is the documented one; WebP and TIFF only where this
     * build writes them. */
#ifdef NOISEAUG_WITH_LIBWEBP
    report_usage_error("invalid --format '%s' (expected keep, png, jpg, bmp, tga, webp or tif)",
                       s);
#else
    report_usage_error("invalid --format '%s' (expected keep, png, jpg, bmp or tga)", s);
#endif
    return -1;
}

static int parse_shard(const char *s, cli_config_t *cfg)
{
    const char *slash = strchr(s, '/');
    char k[32];
    if (slash != NULL && (size_t)(slash - s) < sizeof k) {
        memcpy(k, s, (size_t)(slash - s));
        k[slash - s] = '\0';
        if (parse_u64(k, &cfg->shard_k) == 0 && parse_u64(slash + 1, &cfg->shard_n) == 0 &&
            cfg->shard_n > 0 && cfg->shard_k < cfg->shard_n)
            return 0;
    }
    report_usage_error("invalid --shard '%s' (expected K/N with 0 <= K < N)", s);
    return -1;
}

/* A whole number in [lo, hi] for option --`name`. */
static int parse_count(const char *name, const char *s, uint64_t lo, uint64_t hi,
                       uint64_t *out)
{
    if (parse_u64(s, out) == 0 && *out >= lo && *out <= hi)
        return 0;
    if (hi == UINT64_MAX)
        report_usage_error("invalid --%s '%s' (expected a whole number of at least %llu)", name,
                           s, (unsigned long long)lo);
    else
        report_usage_error("invalid --%s '%s' (expected a whole number from %llu to %llu)", name,
                           s, (unsigned long long)lo, (unsigned long long)hi);
    return -1;
}

/* A size in bytes for --max-memory: a whole number with an optional
 * binary suffix K, M, G or T (any case, "B" or "iB" may follow). */
static int parse_size(const char *name, const char *s, uint64_t *out)
{
    char digits[32];
    size_t n = strspn(s, "0123456789");
    const char *suffix = s + n;
    int shift = 0;
    switch (*suffix | 0x20) {
    case 'k': shift = 10; break;
    case 'm': shift = 20; break;
    case 'g': shift = 30; break;
    case 't': shift = 40; break;
    }
    const char *tail = shift ? suffix + 1 : suffix;
    if ((*tail | 0x20) == 'i' && shift)
        tail++;
    if ((*tail | 0x20) == 'b')
        tail++;
    if (n > 0 && n < sizeof digits && *tail == '\0') {
        memcpy(digits, s, n);
        digits[n] = '\0';
        if (parse_u64(digits, out) == 0 && *out <= (UINT64_MAX >> shift)) {
            *out <<= shift;
            return 0;
        }
    }
    report_usage_error("invalid --%s '%s' (expected a size in bytes such as 4G, 512M or 0)",
                       name, s);
    return -1;
}

static unsigned online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > (long)CLI_MAX_JOBS ? CLI_MAX_JOBS : (unsigned)n;
}

/* True when path names something that exists and is not a directory: an
 * image operand rather than IN_DIR. */
static int is_existing_non_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* Splits the operands: IN_DIR OUT_DIR, [IN_DIR] OUT_DIR after --files-from,
 * or IMAGE... OUT_DIR, as cp takes files. */
static int take_operands(cli_config_t *cfg, int rest, char **args)
{
    if (cfg->files_from != NULL) {
        if (rest < 1 || rest > 2) {
            report_usage_error(rest < 1 ? "missing OUT_DIR" : "with --files-from, give "
                               "[IN_DIR] OUT_DIR only");
            return -1;
        }
        cfg->in_dir = rest == 2 ? args[0] : NULL;
        cfg->out_dir = args[rest - 1];
        return 0;
    }
    if (rest < 2) {
        report_usage_error(rest == 0 ? "missing IN_DIR and OUT_DIR" : "missing OUT_DIR");
        return -1;
    }
    cfg->out_dir = args[rest - 1];
    if (rest == 2 && !is_existing_non_directory(args[0])) {
        cfg->in_dir = args[0];
        return 0;
    }
    /* Image operands. A folder among them is a mistake, as for cp
     * without -r: which of its images were meant is not clear. */
    for (int i = 0; i < rest - 1; i++) {
        struct stat st;
        if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            report_usage_error("%s is a directory: give one folder as IN_DIR, or only "
                               "image files before OUT_DIR", args[i]);
            return -1;
        }
    }
    cfg->operands = args;
    cfg->operand_count = (size_t)rest - 1;
    return 0;
}

/* True when path is a directory this process can list. */
static int is_readable_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) && access(path, R_OK | X_OK) == 0;
}

/* --coco-out's default: OUT_DIR/<--coco's name>, or, for a shard,
 * OUT_DIR/<stem>.shard-K-of-N<ext>, so that shards writing into one
 * OUT_DIR never replace each other's file. */
static int default_coco_out(cli_config_t *cfg)
{
    const char *name = path_basename(cfg->coco);
    const char *dot = strrchr(name, '.');
    int stem_len = (int)(dot != NULL && dot != name ? (size_t)(dot - name) : strlen(name));
    const char *slash = *cfg->out_dir && cfg->out_dir[strlen(cfg->out_dir) - 1] == '/'
        ? "" : "/";
    int n = cfg->shard_n > 1
        ? snprintf(cfg->coco_out_default, sizeof cfg->coco_out_default,
                   "%s%s%.*s.shard-%llu-of-%llu%s", cfg->out_dir, slash, stem_len, name,
                   (unsigned long long)cfg->shard_k, (unsigned long long)cfg->shard_n,
                   name + stem_len)
        : snprintf(cfg->coco_out_default, sizeof cfg->coco_out_default, "%s%s%s",
                   cfg->out_dir, slash, name);
    if (n < 0 || (size_t)n >= sizeof cfg->coco_out_default) {
        report_usage_error("OUT_DIR is too long for --coco-out's default; give --coco-out");
        return -1;
    }
    cfg->coco_out = cfg->coco_out_default;
    return 0;
}

/* Checks that options agree with each other and with the arguments. */
static int check_combinations(cli_config_t *cfg, int rest, char **args)
{
    if (take_operands(cfg, rest, args) != 0)
        return -1;
    /* An empty path names no file; said here, it is one clear usage error
     * instead of "noiseaug: : cannot create directory". */
    const struct { const char *what, *path; } paths[] = {
        { "IN_DIR", cfg->in_dir }, { "OUT_DIR", cfg->out_dir },
        { "--files-from", cfg->files_from }, { "--labels", cfg->labels },
        { "--labels-out", cfg->labels_out }, { "--manifest", cfg->manifest },
        { "--coco", cfg->coco }, { "--coco-out", cfg->coco_out },
        { "--partners", cfg->partners_dir },
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (paths[i].path != NULL && *paths[i].path == '\0') {
            report_usage_error("%s is an empty path", paths[i].what);
            return -1;
        }
    if (cfg->nul_separated && !cfg->files_from) {
        report_usage_error("-0 needs --files-from");
        return -1;
    }
    if (cfg->skip_existing && !cfg->seed_given) {
        report_usage_error("--skip-existing needs --seed: output names depend on the seed, "
                           "so only a rerun with the same seed can find them");
        return -1;
    }
    if (cfg->labels_out != NULL && cfg->labels == NULL) {
        report_usage_error("--labels-out needs --labels");
        return -1;
    }
    if (cfg->recursive && (cfg->files_from || cfg->operands)) {
        report_usage_error(cfg->files_from ? "--recursive and --files-from do not go together"
                           : "--recursive needs IN_DIR, not image files");
        return -1;
    }
    /* A mistyped --labels would otherwise give a run without labels, which
     * trains as background: YOLO reads an image without one as empty. */
    if (cfg->labels != NULL && !is_readable_directory(cfg->labels)) {
        report_usage_error("--labels %s is not a readable directory", cfg->labels);
        return -1;
    }
    if (cfg->require_labels && cfg->labels == NULL && cfg->coco == NULL) {
        report_usage_error("--require-labels needs --labels or --coco");
        return -1;
    }
    if (cfg->coco != NULL && cfg->in_dir == NULL) {
        report_usage_error("--coco needs IN_DIR: its file names are relative to it");
        return -1;
    }
    if (cfg->coco_out != NULL && cfg->coco == NULL) {
        report_usage_error("--coco-out needs --coco");
        return -1;
    }
    if (cfg->partners == CLI_PARTNERS_DIR && !is_readable_directory(cfg->partners_dir)) {
        report_usage_error("--partners %s is not a readable directory (expected same-dir, "
                           "all, or a folder of images)", cfg->partners_dir);
        return -1;
    }
    if (cfg->labels_out == NULL)
        cfg->labels_out = cfg->out_dir;
    if (cfg->coco != NULL && cfg->coco_out == NULL && default_coco_out(cfg) != 0)
        return -1;
    return 0;
}

cli_result_t cli_parse(int argc, char **argv, cli_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    plan_defaults(&cfg->plan);
    cfg->jobs = online_cpus();
    cfg->jpeg_quality = 95;
    cfg->shard_n = 1;
    cfg->progress = -1;
    cfg->max_pixels = CODEC_DEFAULT_MAX_PIXELS;
    strcpy(cfg->label_exts[0], ".txt");
    cfg->label_ext_count = 1;

    opterr = 0;  /* errors are reported below, in the tool's own format */
    /* 0, not 1: glibc and musl then forget a bundle of short options that
     * an earlier call left half read ("-Zj" stops at Z), so cli_parse can
     * be called again in the same process. */
    optind = 0;
    int c;
    uint64_t v;
    plan_range_t range;
    while ((c = getopt_long(argc, argv, ":j:s:m:n:r0f:q:QvhV", long_options, NULL)) != -1) {
        switch (c) {
        case 'j':
            if (parse_count(option_name(c), optarg, 1, UINT64_MAX, &v) != 0)
                return CLI_EXIT_USAGE;
            cfg->jobs = v > CLI_MAX_JOBS ? CLI_MAX_JOBS : (unsigned)v;
            break;
        case 's':
            if (parse_u64(optarg, &cfg->plan.seed) != 0) {
                report_usage_error("invalid --%s '%s' (expected an unsigned "
                                   "64-bit decimal number)", option_name(c), optarg);
                return CLI_EXIT_USAGE;
            }
            cfg->seed_given = 1;
            break;
        case 'm':
            if (parse_modes(optarg, &cfg->plan) != 0)
                return CLI_EXIT_USAGE;
            break;
        case 'n':
            if (parse_count(option_name(c), optarg, 1, CLI_MAX_COPIES, &v) != 0)
                return CLI_EXIT_USAGE;
            cfg->plan.copies = (unsigned)v;
            break;
        case 'r': cfg->recursive = 1; break;
        case '0': cfg->nul_separated = 1; break;
        case 'f':
            if (parse_format(optarg, &cfg->plan.format) != 0)
                return CLI_EXIT_USAGE;
            break;
        case 'q':
            if (parse_count(option_name(c), optarg, 1, 100, &v) != 0)
                return CLI_EXIT_USAGE;
            cfg->jpeg_quality = (int)v;
            break;
        case 'Q': cfg->quiet = 1; break;
        case 'v': cfg->verbose = 1; break;
        case OPT_STATS: cfg->stats = 1; break;
        case OPT_STRIP: cfg->strip = 1; break;
        case OPT_MAX_MEMORY:
            if (parse_size(option_name(c), optarg, &cfg->max_memory) != 0)
                return CLI_EXIT_USAGE;
            cfg->max_memory_given = 1;
            break;
        case OPT_MAX_PIXELS:
            if (parse_count(option_name(c), optarg, 1, UINT64_MAX, &cfg->max_pixels) != 0)
                return CLI_EXIT_USAGE;
            break;
        case OPT_FILES_FROM: cfg->files_from = optarg; break;
        case OPT_SHARD:
            if (parse_shard(optarg, cfg) != 0)
                return CLI_EXIT_USAGE;
            break;
        case OPT_SKIP_EXISTING: cfg->skip_existing = 1; break;
        case OPT_DRY_RUN: cfg->dry_run = 1; break;
        case OPT_MANIFEST: cfg->manifest = optarg; break;
        case OPT_LABELS: cfg->labels = optarg; break;
        case OPT_LABELS_OUT: cfg->labels_out = optarg; break;
        case OPT_LABEL_EXT:
            if (parse_label_exts(optarg, cfg) != 0)
                return CLI_EXIT_USAGE;
            break;
        case OPT_INCLUDE_ORIGINALS: cfg->include_originals = 1; break;
        case OPT_PS_AMOUNT:
        case OPT_GAUSS_WEIGHT:
        case OPT_MIX_RATE:
        case OPT_BLEND:
            if (parse_range(option_name(c), optarg, &range) != 0)
                return CLI_EXIT_USAGE;
            /* The mode table says which modes each option sets: --mix-rate
             * sets both mixGauss and mixPic. */
            for (int m = 0; m < NOISE_MODE_COUNT; m++)
                if (strcmp(noise_mode_info((noise_mode_t)m)->strength.option,
                           option_name(c)) == 0)
                    cfg->plan.strength[m] = range;
            break;
        case OPT_PROGRESS: cfg->progress = 1; break;
        case OPT_NO_PROGRESS: cfg->progress = 0; break;
        case OPT_REQUIRE_LABELS: cfg->require_labels = 1; break;
        case OPT_COCO: cfg->coco = optarg; break;
        case OPT_COCO_OUT: cfg->coco_out = optarg; break;
        case OPT_PARTNERS: parse_partners(optarg, cfg); break;
        case OPT_INCLUDE:
            if (add_glob(option_name(c), cfg->include, &cfg->include_count, optarg) != 0)
                return CLI_EXIT_USAGE;
            break;
        case OPT_EXCLUDE:
            if (add_glob(option_name(c), cfg->exclude, &cfg->exclude_count, optarg) != 0)
                return CLI_EXIT_USAGE;
            break;
        case 'h':
            fputs(usage_text, stdout);
            fputs(usage_text_more, stdout);
            return CLI_EXIT_OK;
        case 'V':
            printf("noiseaug %s\ncodecs: %s\nlibuv %s\n", NOISEAUG_VERSION,
                   codec_describe(), uv_version_string());
            return CLI_EXIT_OK;
        case ':':
            report_usage_error("option '--%s' needs a value", option_name(optopt));
            return CLI_EXIT_USAGE;
        default:
            report_bad_option(argv[optind - 1]);
            return CLI_EXIT_USAGE;
        }
    }
    if (check_combinations(cfg, argc - optind, argv + optind) != 0)
        return CLI_EXIT_USAGE;
    return CLI_RUN;
}
