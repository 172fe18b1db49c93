/* Unit tests for cli: every usage error cli_parse can give, word for word
 * with its --help hint, and the parses that succeed.
 *
 * cli_parse writes its messages to stderr (and --help to stdout), so each
 * parse runs with fds 1 and 2 sent to temporary files, which are read back
 * once both are restored; nothing may assert in between. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli.h"
#include "codec.h"
#include "noise.h"

#define MAX_ARGS 12

typedef struct {
    cli_result_t result;
    char out[8192];  /* --help is about 4 KB */
    char err[1024];
} capture_t;

static void read_back(FILE *f, char *buf, size_t size)
{
    rewind(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* Runs cli_parse on "noiseaug" followed by the NULL-terminated args. */
static void parse(char *const *args, cli_config_t *cfg, capture_t *cap)
{
    char *argv[MAX_ARGS + 2] = { "noiseaug" };
    int argc = 1;
    for (; args[argc - 1] != NULL; argc++) {
        assert_true(argc <= MAX_ARGS);
        argv[argc] = args[argc - 1];
    }
    FILE *out = tmpfile(), *err = tmpfile();
    assert_non_null(out);
    assert_non_null(err);
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
    assert_true(saved_out >= 0 && saved_err >= 0);
    int redirected = dup2(fileno(out), STDOUT_FILENO) >= 0 &&
                     dup2(fileno(err), STDERR_FILENO) >= 0;
    if (redirected)
        cap->result = cli_parse(argc, argv, cfg);
    fflush(stdout);
    fflush(stderr);
    int restored = dup2(saved_out, STDOUT_FILENO) >= 0 && dup2(saved_err, STDERR_FILENO) >= 0;
    close(saved_out);
    close(saved_err);
    assert_true(redirected && restored);
    read_back(out, cap->out, sizeof cap->out);
    read_back(err, cap->err, sizeof cap->err);
}

/* Parses args, which must be valid: no message at all. */
static void parse_ok(char *const *args, cli_config_t *cfg)
{
    capture_t cap;
    parse(args, cfg, &cap);
    assert_string_equal(cap.err, "");
    assert_string_equal(cap.out, "");
    assert_int_equal(cap.result, CLI_RUN);
}

#define ARGS(...) ((char *[]){ __VA_ARGS__, NULL })

/* --- usage errors ------------------------------------------------------ */

typedef struct {
    char *args[MAX_ARGS + 1];  /* after "noiseaug", NULL-terminated */
    const char *message;       /* the first stderr line, after "noiseaug: " */
} usage_case_t;

#define RANGE "(expected a number in [0, 1] or a range LO:HI with 0 <= LO <= HI <= 1)"
#define MODES "(expected ps, addGauss, mixGauss, addPic or mixPic, or 'none' alone)"
#define SHARD "(expected K/N with 0 <= K < N)"
#ifdef NOISEAUG_WITH_LIBWEBP
#define FORMATS "(expected keep, png, jpg, bmp, tga, webp or tif)"
#else
#define FORMATS "(expected keep, png, jpg, bmp or tga)"
#endif
#define LABEL_EXTS "(expected extensions such as .txt,.xml,.json,.png)"
#define SEED "(expected an unsigned 64-bit decimal number)"
#define AT_LEAST_1 "(expected a whole number of at least 1)"
#define SIZE "(expected a size in bytes such as 4G, 512M or 0)"
#define COPIES "(expected a whole number from 1 to 10000)"
#define QUALITY "(expected a whole number from 1 to 100)"
#define WEIGHT "(expected a number above 0)"
#define SKIP_EXISTING "--skip-existing needs --seed: output names depend on the seed, " \
                      "so only a rerun with the same seed can find them"

static usage_case_t usage_cases[] = {
    /* The cases of tests/cli/core.bats, "usage errors exit 2 with a hint". */
    { { "-j", "0", "a", "b" }, "invalid --jobs '0' " AT_LEAST_1 },
    { { "-j", "abc", "a", "b" }, "invalid --jobs 'abc' " AT_LEAST_1 },
    { { "-j", "-1", "a", "b" }, "invalid --jobs '-1' " AT_LEAST_1 },
    { { "-j", "1x", "a", "b" }, "invalid --jobs '1x' " AT_LEAST_1 },
    { { "--seed", "x", "a", "b" }, "invalid --seed 'x' " SEED },
    { { "--seed", "18446744073709551616", "a", "b" },
      "invalid --seed '18446744073709551616' " SEED },
    { { "--modes", "ps,foo", "a", "b" }, "unknown mode 'foo' in --modes " MODES },
    { { "--modes", ",", "a", "b" }, "unknown mode '' in --modes " MODES },
    { { "--bogus", "a", "b" }, "unknown option '--bogus'" },
    { { "-Z", "a", "b" }, "unknown option '-Z'" },
    { { "a" }, "missing OUT_DIR" },
    { { NULL }, "missing IN_DIR and OUT_DIR" },
    { { "--labels", "/nonexistent-labels", "a", "b" },
      "--labels /nonexistent-labels is not a readable directory" },
    { { "-r", "/", "/", "o" }, "/ is a directory: give one folder as IN_DIR, or only image "
      "files before OUT_DIR" },
    { { "--coco-out", "c.json", "a", "b" }, "--coco-out needs --coco" },
    { { "--require-labels", "a", "b" }, "--require-labels needs --labels or --coco" },
    { { "--partners", "/nonexistent-dir", "a", "b" }, "--partners /nonexistent-dir is not a "
      "readable directory (expected same-dir, all, or a folder of images)" },
    { { "-j" }, "option '--jobs' needs a value" },

    /* The cases of tests/cli/pipeline.bats, "every validation error exits 2
     * with a hint". */
    { { "--copies", "0", "a", "b" }, "invalid --copies '0' " COPIES },
    { { "--copies", "x", "a", "b" }, "invalid --copies 'x' " COPIES },
    { { "--shard", "3/3", "a", "b" }, "invalid --shard '3/3' " SHARD },
    { { "--shard", "1", "a", "b" }, "invalid --shard '1' " SHARD },
    { { "--shard", "a/2", "a", "b" }, "invalid --shard 'a/2' " SHARD },
    { { "--skip-existing", "a", "b" }, SKIP_EXISTING },
    { { "--ps-amount", "2", "a", "b" }, "invalid --ps-amount '2' " RANGE },
    { { "--blend", "0.5:0.2", "a", "b" }, "invalid --blend '0.5:0.2' " RANGE },
    { { "--mix-rate", "-1", "a", "b" }, "invalid --mix-rate '-1' " RANGE },
    { { "--gauss-weight", "x", "a", "b" }, "invalid --gauss-weight 'x' " RANGE },
    { { "-m", "ps:0", "a", "b" }, "invalid weight '0' for ps in --modes " WEIGHT },
    { { "-m", "ps:x", "a", "b" }, "invalid weight 'x' for ps in --modes " WEIGHT },
    { { "--format", "gif", "a", "b" }, "invalid --format 'gif' " FORMATS },
    { { "-q", "0", "a", "b" }, "invalid --quality '0' " QUALITY },
    { { "-q", "101", "a", "b" }, "invalid --quality '101' " QUALITY },
    { { "--labels-out", "x", "a", "b" }, "--labels-out needs --labels" },
    { { "-0", "a", "b" }, "-0 needs --files-from" },
    { { "--files-from", "l" }, "missing OUT_DIR" },
    { { "-r", "--files-from", "l", "o" }, "--recursive and --files-from do not go together" },
    { { "--max-pixels", "0", "a", "b" }, "invalid --max-pixels '0' " AT_LEAST_1 },
    { { "--max-memory", "4X", "a", "b" }, "invalid --max-memory '4X' " SIZE },
    { { "--max-memory", "G", "a", "b" }, "invalid --max-memory 'G' " SIZE },
    { { "--max-memory", "-1", "a", "b" }, "invalid --max-memory '-1' " SIZE },
    { { "--max-memory", "1GG", "a", "b" }, "invalid --max-memory '1GG' " SIZE },
    { { "--max-memory=16777216T", "a", "b" }, "invalid --max-memory '16777216T' " SIZE },

    /* Range errors name the option in every spelling: the value used to
     * stand in for the name ("invalid 2 '2'", "invalid --ps-amount=2 '2'"). */
    { { "--ps-amount=2", "a", "b" }, "invalid --ps-amount '2' " RANGE },
    { { "--gauss-weight", "1.5", "a", "b" }, "invalid --gauss-weight '1.5' " RANGE },
    { { "--gauss-weight=1.5", "a", "b" }, "invalid --gauss-weight '1.5' " RANGE },
    { { "--mix-rate=0.3:0.1", "a", "b" }, "invalid --mix-rate '0.3:0.1' " RANGE },
    { { "--blend", "x", "a", "b" }, "invalid --blend 'x' " RANGE },
    { { "--blend=x", "a", "b" }, "invalid --blend 'x' " RANGE },
    { { "--ps", "2", "a", "b" }, "invalid --ps-amount '2' " RANGE },  /* abbreviated */
    { { "--gauss=-0.1", "a", "b" }, "invalid --gauss-weight '-0.1' " RANGE },
    { { "--ps-amount", "0.1:", "a", "b" }, "invalid --ps-amount '0.1:' " RANGE },
    { { "--ps-amount", ":0.1", "a", "b" }, "invalid --ps-amount ':0.1' " RANGE },
    { { "--ps-amount", "0:0.5:1", "a", "b" }, "invalid --ps-amount '0:0.5:1' " RANGE },
    { { "--ps-amount", "nan", "a", "b" }, "invalid --ps-amount 'nan' " RANGE },
    { { "--ps-amount", " 0.5", "a", "b" }, "invalid --ps-amount ' 0.5' " RANGE },
    { { "--ps-amount", "1.0000001", "a", "b" }, "invalid --ps-amount '1.0000001' " RANGE },
    { { "--ps-amount=", "a", "b" }, "invalid --ps-amount '' " RANGE },

    /* Whole numbers, in the = form and the short forms. */
    { { "--jobs=0", "a", "b" }, "invalid --jobs '0' " AT_LEAST_1 },
    { { "--jobs=", "a", "b" }, "invalid --jobs '' " AT_LEAST_1 },
    { { "-j0", "a", "b" }, "invalid --jobs '0' " AT_LEAST_1 },
    { { "-j", "+1", "a", "b" }, "invalid --jobs '+1' " AT_LEAST_1 },
    { { "-n", "0", "a", "b" }, "invalid --copies '0' " COPIES },
    { { "-n", "10001", "a", "b" }, "invalid --copies '10001' " COPIES },
    { { "--copies=10001", "a", "b" }, "invalid --copies '10001' " COPIES },
    { { "--quality=101", "a", "b" }, "invalid --quality '101' " QUALITY },
    { { "-q101", "a", "b" }, "invalid --quality '101' " QUALITY },
    { { "--max-pixels=x", "a", "b" }, "invalid --max-pixels 'x' " AT_LEAST_1 },
    { { "--max-pixels", "18446744073709551616", "a", "b" },
      "invalid --max-pixels '18446744073709551616' " AT_LEAST_1 },
    { { "-s", "x", "a", "b" }, "invalid --seed 'x' " SEED },
    { { "--seed=-1", "a", "b" }, "invalid --seed '-1' " SEED },
    { { "--seed=", "a", "b" }, "invalid --seed '' " SEED },

    /* Lists and formats. */
    { { "-m", "foo", "a", "b" }, "unknown mode 'foo' in --modes " MODES },
    { { "--modes=", "a", "b" }, "unknown mode '' in --modes " MODES },
    { { "--modes", "none,ps", "a", "b" }, "unknown mode 'none' in --modes " MODES },
    { { "--modes", "PS", "a", "b" }, "unknown mode 'PS' in --modes " MODES },
    { { "--modes=ps:-1", "a", "b" }, "invalid weight '-1' for ps in --modes " WEIGHT },
    { { "--modes", "ps,mixPic:", "a", "b" }, "invalid weight '' for mixPic in --modes " WEIGHT },
    { { "--modes", "addGauss:inf", "a", "b" },
      "invalid weight 'inf' for addGauss in --modes " WEIGHT },
    { { "-f", "jxl", "a", "b" }, "invalid --format 'jxl' " FORMATS },
    { { "--format=", "a", "b" }, "invalid --format '' " FORMATS },
    { { "--shard=2/1", "a", "b" }, "invalid --shard '2/1' " SHARD },
    { { "--shard", "0/0", "a", "b" }, "invalid --shard '0/0' " SHARD },
    { { "--shard", "/2", "a", "b" }, "invalid --shard '/2' " SHARD },
    { { "--shard", "1/", "a", "b" }, "invalid --shard '1/' " SHARD },
    { { "--label-ext", ".txt,", "a", "b" }, "invalid --label-ext '' " LABEL_EXTS },
    { { "--label-ext", ".a,.b,.c,.d,.e,.f,.g,.h,.i", "a", "b" },
      "too many extensions in --label-ext '.a,.b,.c,.d,.e,.f,.g,.h,.i' (expected at most 8)" },

    /* A missing value names the option by its long name, however given. */
    { { "--jobs" }, "option '--jobs' needs a value" },
    { { "-rj" }, "option '--jobs' needs a value" },
    { { "--jo" }, "option '--jobs' needs a value" },
    { { "a", "b", "-s" }, "option '--seed' needs a value" },
    { { "a", "b", "--modes" }, "option '--modes' needs a value" },
    { { "a", "b", "-n" }, "option '--copies' needs a value" },
    { { "a", "b", "-f" }, "option '--format' needs a value" },
    { { "a", "b", "-q" }, "option '--quality' needs a value" },
    { { "a", "b", "--max-pixels" }, "option '--max-pixels' needs a value" },
    { { "a", "b", "--files-from" }, "option '--files-from' needs a value" },
    { { "a", "b", "--shard" }, "option '--shard' needs a value" },
    { { "a", "b", "--manifest" }, "option '--manifest' needs a value" },
    { { "a", "b", "--labels" }, "option '--labels' needs a value" },
    { { "a", "b", "--labels-out" }, "option '--labels-out' needs a value" },
    { { "a", "b", "--label-ext" }, "option '--label-ext' needs a value" },
    { { "a", "b", "--ps-amount" }, "option '--ps-amount' needs a value" },
    { { "a", "b", "--gauss-weight" }, "option '--gauss-weight' needs a value" },
    { { "a", "b", "--mix-rate" }, "option '--mix-rate' needs a value" },
    { { "a", "b", "--blend" }, "option '--blend' needs a value" },

    /* A value given to an option that takes none. */
    { { "--help=x", "a", "b" }, "option '--help' takes no value" },
    { { "--stats=1", "a", "b" }, "option '--stats' takes no value" },
    { { "--skip-existing=yes", "a", "b" }, "option '--skip-existing' takes no value" },
    { { "--null=1", "a", "b" }, "option '--null' takes no value" },
    { { "--recursive=", "a", "b" }, "option '--recursive' takes no value" },
    { { "--no-progress=1", "a", "b" }, "option '--no-progress' takes no value" },

    /* Unknown and ambiguous options. */
    { { "--bogus=3", "a", "b" }, "unknown option '--bogus'" },
    { { "--=x", "a", "b" }, "unknown option '--=x'" },
    { { "-rZ", "a", "b" }, "unknown option '-Z'" },
    { { "a", "b", "-?" }, "unknown option '-?'" },
    { { "--s", "a", "b" }, "ambiguous option '--s'" },
    { { "--label=x", "a", "b" }, "ambiguous option '--label'" },

    /* Argument counts and options that need one another. */
    { { "--files-from", "l", "a", "b", "c" }, "with --files-from, give [IN_DIR] OUT_DIR only" },
    { { "--files-from=-", "-0" }, "missing OUT_DIR" },
    { { "-j", "2" }, "missing IN_DIR and OUT_DIR" },
    { { "--null", "a", "b" }, "-0 needs --files-from" },
    { { "-s", "1", "--skip-existing", "--labels-out", "l", "a", "b" },
      "--labels-out needs --labels" },
    { { "--recursive", "--files-from=l", "o" }, "--recursive and --files-from do not go together" },
    /* Regression: an infinite sum of weights never drew ps (issue 10). */
    { { "-m", "ps:1e308,addGauss:1e308", "a", "b" },
      "the weights in --modes add up past the largest number; give smaller ones" },
    /* Regression: an empty OUT_DIR reached mkdir -p, which read past it. */
    { { "-s", "1", "a", "" }, "OUT_DIR is an empty path" },
    { { "", "b" }, "IN_DIR is an empty path" },
    { { "--files-from=", "o" }, "--files-from is an empty path" },
    { { "--labels", "", "a", "b" }, "--labels is an empty path" },
    { { "--labels", "l", "--labels-out=", "a", "b" }, "--labels-out is an empty path" },
    { { "--manifest", "", "a", "b" }, "--manifest is an empty path" },
};

#define USAGE_CASES (sizeof usage_cases / sizeof usage_cases[0])

/* Checks one case: exit code, the whole of stderr, nothing on stdout. */
static void usage_error(void **state)
{
    const usage_case_t *c = *state;
    cli_config_t cfg;
    capture_t cap;
    parse(c->args, &cfg, &cap);
    char want[512];
    snprintf(want, sizeof want, "noiseaug: %s\nTry 'noiseaug --help'.\n", c->message);
    assert_string_equal(cap.err, want);
    assert_int_equal(cap.result, CLI_EXIT_USAGE);
    assert_string_equal(cap.out, "");
}

/* --- valid parses ------------------------------------------------------ */

static void assert_range(plan_range_t r, double lo, double hi)
{
    assert_true(r.lo == lo);
    assert_true(r.hi == hi);
}

static void defaults(void **state)
{
    (void)state;
    cli_config_t cfg;
    parse_ok(ARGS("in", "out"), &cfg);
    assert_string_equal(cfg.in_dir, "in");
    assert_string_equal(cfg.out_dir, "out");
    assert_true(cfg.jobs >= 1 && cfg.jobs <= CLI_MAX_JOBS);
    assert_int_equal(cfg.jpeg_quality, 95);
    assert_int_equal(cfg.plan.copies, 1);
    assert_int_equal(cfg.plan.format, -1);
    assert_int_equal(cfg.seed_given, 0);
    assert_int_equal(cfg.shard_k, 0);
    assert_int_equal(cfg.shard_n, 1);
    assert_int_equal(cfg.progress, -1);
    assert_int_equal(cfg.max_pixels, CODEC_DEFAULT_MAX_PIXELS);
    assert_null(cfg.files_from);
    assert_null(cfg.labels);
    assert_string_equal(cfg.labels_out, "out");
    assert_int_equal(cfg.label_ext_count, 1);
    assert_string_equal(cfg.label_exts[0], ".txt");
    assert_false(cfg.recursive || cfg.nul_separated || cfg.skip_existing || cfg.dry_run ||
                 cfg.include_originals || cfg.quiet || cfg.verbose || cfg.stats);
    for (int m = 0; m < NOISE_MODE_COUNT; m++)
        assert_true(cfg.plan.weight[m] == 1.0);
    assert_range(cfg.plan.strength[NOISE_PS], 0.05, 0.05);
    assert_range(cfg.plan.strength[NOISE_ADD_GAUSS], 0.1, 0.1);
    assert_range(cfg.plan.strength[NOISE_MIX_GAUSS], 0.05, 0.05);
    assert_range(cfg.plan.strength[NOISE_ADD_PIC], 0.1, 0.1);
    assert_range(cfg.plan.strength[NOISE_MIX_PIC], 0.05, 0.05);
}

static void strengths(void **state)
{
    (void)state;
    cli_config_t cfg;
    parse_ok(ARGS("--ps-amount", "0.01:0.2", "a", "b"), &cfg);
    assert_range(cfg.plan.strength[NOISE_PS], 0.01, 0.2);
    assert_range(cfg.plan.strength[NOISE_ADD_GAUSS], 0.1, 0.1);  /* the others kept */
    assert_range(cfg.plan.strength[NOISE_MIX_GAUSS], 0.05, 0.05);

    parse_ok(ARGS("--gauss-weight=0.3", "--blend", "0:1", "--mix-rate", "0.5:0.5", "a", "b"),
             &cfg);
    assert_range(cfg.plan.strength[NOISE_PS], 0.05, 0.05);
    assert_range(cfg.plan.strength[NOISE_ADD_GAUSS], 0.3, 0.3);
    assert_range(cfg.plan.strength[NOISE_ADD_PIC], 0.0, 1.0);
    assert_range(cfg.plan.strength[NOISE_MIX_GAUSS], 0.5, 0.5);  /* --mix-rate sets both */
    assert_range(cfg.plan.strength[NOISE_MIX_PIC], 0.5, 0.5);

    parse_ok(ARGS("--ps", "1", "--mix-rate=0", "a", "b"), &cfg);  /* abbreviated; the ends */
    assert_range(cfg.plan.strength[NOISE_PS], 1.0, 1.0);
    assert_range(cfg.plan.strength[NOISE_MIX_PIC], 0.0, 0.0);
    parse_ok(ARGS("--blend", "2.5e-1", "a", "b"), &cfg);
    assert_range(cfg.plan.strength[NOISE_ADD_PIC], 0.25, 0.25);
}

static void modes_and_weights(void **state)
{
    (void)state;
    cli_config_t cfg;
    parse_ok(ARGS("--modes", "ps:2,addGauss,mixPic:0.5", "a", "b"), &cfg);
    const double want[NOISE_MODE_COUNT] = { 2.0, 1.0, 0.0, 0.0, 0.5 };
    for (int m = 0; m < NOISE_MODE_COUNT; m++)
        assert_true(cfg.plan.weight[m] == want[m]);
    parse_ok(ARGS("-m", "none", "a", "b"), &cfg);
    for (int m = 0; m < NOISE_MODE_COUNT; m++)
        assert_true(cfg.plan.weight[m] == 0.0);
    parse_ok(ARGS("-maddPic", "a", "b"), &cfg);
    assert_true(cfg.plan.weight[NOISE_ADD_PIC] == 1.0 && cfg.plan.weight[NOISE_PS] == 0.0);
}

static void formats(void **state)
{
    (void)state;
    static const struct { char *name; int format; } cases[] = {
        { "keep", -1 }, { "png", CODEC_PNG }, { "PNG", CODEC_PNG }, { "jpg", CODEC_JPEG },
        { "jpeg", CODEC_JPEG }, { "bmp", CODEC_BMP }, { "tga", CODEC_TGA },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_config_t cfg;
        parse_ok(ARGS("-f", cases[i].name, "a", "b"), &cfg);
        assert_int_equal(cfg.plan.format, cases[i].format);
    }
    cli_config_t cfg;
    parse_ok(ARGS("--format=tga", "a", "b"), &cfg);
    assert_int_equal(cfg.plan.format, CODEC_TGA);
}

static void numbers(void **state)
{
    (void)state;
    cli_config_t cfg;
    parse_ok(ARGS("--shard", "2/5", "-j", "3", "-n", "10000", "-q", "1", "a", "b"), &cfg);
    assert_int_equal(cfg.shard_k, 2);
    assert_int_equal(cfg.shard_n, 5);
    assert_int_equal(cfg.jobs, 3);
    assert_int_equal(cfg.plan.copies, 10000);
    assert_int_equal(cfg.jpeg_quality, 1);
    parse_ok(ARGS("--shard=0/1", "-j5000", "--quality=100", "--max-pixels", "7", "a", "b"), &cfg);
    assert_int_equal(cfg.shard_k, 0);
    assert_int_equal(cfg.shard_n, 1);
    assert_int_equal(cfg.jobs, CLI_MAX_JOBS);  /* capped, as libuv caps its pool */
    assert_int_equal(cfg.jpeg_quality, 100);
    assert_int_equal(cfg.max_pixels, 7);
    parse_ok(ARGS("--max-memory", "512M", "a", "b"), &cfg);
    assert_int_equal(cfg.max_memory_given, 1);
    assert_true(cfg.max_memory == 512ull << 20);
    parse_ok(ARGS("--max-memory=3gib", "a", "b"), &cfg);
    assert_true(cfg.max_memory == 3ull << 30);
    parse_ok(ARGS("--max-memory", "1000B", "a", "b"), &cfg);
    assert_true(cfg.max_memory == 1000);
    parse_ok(ARGS("--max-memory", "0", "a", "b"), &cfg);
    assert_int_equal(cfg.max_memory_given, 1);
    assert_true(cfg.max_memory == 0);
    parse_ok(ARGS("a", "b"), &cfg);
    assert_int_equal(cfg.max_memory_given, 0);
    parse_ok(ARGS("-s", "18446744073709551615", "a", "b"), &cfg);
    assert_int_equal(cfg.seed_given, 1);
    assert_true(cfg.plan.seed == UINT64_MAX);
    parse_ok(ARGS("--seed=0", "a", "b"), &cfg);
    assert_int_equal(cfg.seed_given, 1);
    assert_true(cfg.plan.seed == 0);
}

static void lists_flags_and_operands(void **state)
{
    (void)state;
    cli_config_t cfg;
    parse_ok(ARGS("--label-ext", "json,.XML,.npy", "--labels", "/", "--labels-out=LO", "a",
                  "b"), &cfg);
    assert_int_equal(cfg.label_ext_count, 3);
    assert_string_equal(cfg.label_exts[0], ".json");
    assert_string_equal(cfg.label_exts[1], ".XML");  /* looked for as written */
    assert_string_equal(cfg.label_exts[2], ".npy");
    assert_string_equal(cfg.labels, "/");
    assert_string_equal(cfg.labels_out, "LO");

    /* Options that need another are checked once all are read. */
    parse_ok(ARGS("--skip-existing", "--labels-out", "LO", "-s", "1", "--labels", "/", "a",
                  "b"), &cfg);
    assert_int_equal(cfg.skip_existing, 1);
    assert_string_equal(cfg.labels_out, "LO");

    parse_ok(ARGS("--files-from", "-", "-0", "out"), &cfg);
    assert_string_equal(cfg.files_from, "-");
    assert_int_equal(cfg.nul_separated, 1);
    assert_null(cfg.in_dir);
    assert_string_equal(cfg.out_dir, "out");

    /* Options may follow the operands, and "--" ends them. */
    parse_ok(ARGS("a", "-rQv", "b", "--stats", "--dry-run", "--include-originals",
                  "--no-progress"), &cfg);
    assert_string_equal(cfg.in_dir, "a");
    assert_string_equal(cfg.out_dir, "b");
    assert_true(cfg.recursive && cfg.quiet && cfg.verbose && cfg.stats && cfg.dry_run &&
                cfg.include_originals);
    assert_int_equal(cfg.progress, 0);
    parse_ok(ARGS("--progress", "--manifest", "m.json", "--", "-j", "b"), &cfg);
    assert_int_equal(cfg.progress, 1);
    assert_string_equal(cfg.manifest, "m.json");
    assert_string_equal(cfg.in_dir, "-j");
}

static void help_and_version(void **state)
{
    (void)state;
    cli_config_t cfg;
    capture_t cap;
    parse(ARGS("-j", "2", "--help", "-j", "0"), &cfg, &cap);  /* stops at --help */
    assert_int_equal(cap.result, CLI_EXIT_OK);
    assert_string_equal(cap.err, "");
    assert_true(strncmp(cap.out, "Usage: noiseaug [OPTIONS] IN_DIR OUT_DIR\n", 41) == 0);
    parse(ARGS("-V"), &cfg, &cap);
    assert_int_equal(cap.result, CLI_EXIT_OK);
    assert_string_equal(cap.err, "");
    assert_true(strncmp(cap.out, "noiseaug ", 9) == 0);
}

/* getopt keeps state between calls: a parse that stops inside a bundle of
 * short options must not leave the rest of it to the next parse. */
static void repeated_parses_start_afresh(void **state)
{
    (void)state;
    cli_config_t cfg;
    capture_t cap;
    parse(ARGS("-Zj", "a", "b"), &cfg, &cap);
    assert_int_equal(cap.result, CLI_EXIT_USAGE);
    assert_string_equal(cap.err, "noiseaug: unknown option '-Z'\nTry 'noiseaug --help'.\n");
    parse_ok(ARGS("a", "b"), &cfg);
    assert_string_equal(cfg.in_dir, "a");
    assert_int_equal(cfg.jpeg_quality, 95);

    parse(ARGS("-rj"), &cfg, &cap);
    assert_int_equal(cap.result, CLI_EXIT_USAGE);
    parse_ok(ARGS("-q", "7", "c", "d"), &cfg);
    assert_int_equal(cfg.jpeg_quality, 7);
    assert_int_equal(cfg.recursive, 0);  /* nothing left over from the last parse */
    assert_string_equal(cfg.out_dir, "d");
}

int main(void)
{
    static const struct CMUnitTest valid[] = {
        cmocka_unit_test(defaults),
        cmocka_unit_test(strengths),
        cmocka_unit_test(modes_and_weights),
        cmocka_unit_test(formats),
        cmocka_unit_test(numbers),
        cmocka_unit_test(lists_flags_and_operands),
        cmocka_unit_test(help_and_version),
        cmocka_unit_test(repeated_parses_start_afresh),
    };
    enum { VALID = sizeof valid / sizeof valid[0] };
    /* One test per usage case, named by its arguments. */
    static struct CMUnitTest tests[VALID + USAGE_CASES];
    static char names[USAGE_CASES][128];
    for (size_t i = 0; i < VALID; i++)
        tests[i] = valid[i];
    for (size_t i = 0; i < USAGE_CASES; i++) {
        size_t len = (size_t)snprintf(names[i], sizeof names[i], "usage:");
        for (char **a = usage_cases[i].args; *a != NULL && len < sizeof names[i]; a++)
            len += (size_t)snprintf(names[i] + len, sizeof names[i] - len, " %s", *a);
        tests[VALID + i] = (struct CMUnitTest){ names[i], usage_error, NULL, NULL,
                                                &usage_cases[i] };
    }
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
