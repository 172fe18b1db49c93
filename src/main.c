/* main: glue. argv -> cli -> scan -> pipeline -> report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "cli.h"
#include "codec.h"
#include "fileio.h"
#include "pipeline.h"
#include "report.h"
#include "scan.h"

enum { EXIT_ALL_OK = 0, EXIT_SOME_FAILED = 1, EXIT_USAGE = 2 };

/* libuv reads UV_THREADPOOL_SIZE once, when the pool first starts, and
 * caps it at 1024; it must be set before any work is queued. */
static void set_pool_size(unsigned jobs)
{
    char value[16];
    snprintf(value, sizeof value, "%u", jobs);
    setenv("UV_THREADPOOL_SIZE", value, 1);
}

static int same_directory(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
           sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static uint64_t random_seed(void)
{
    uint64_t seed;
    if (uv_random(NULL, NULL, &seed, sizeof seed, 0, NULL) != 0)
        seed = uv_hrtime() ^ ((uint64_t)getpid() << 32);
    return seed;
}

/* One line per unread image format, naming its files: a folder of WebPs
 * must not come out empty without a word. */
static void report_unread_groups(const scan_list_t *list)
{
    size_t i = 0;
    while (i < list->unread_count) {
        size_t j = i;
        while (j < list->unread_count &&
               strcmp(list->unread[j].format, list->unread[i].format) == 0)
            j++;
        char **names = malloc((j - i) * sizeof *names);
        if (names != NULL) {
            for (size_t k = i; k < j; k++)
                names[k - i] = list->unread[k].name;
            report_unread(list->unread[i].format, names, j - i);
            free(names);
        }
        i = j;
    }
}

/* Files get the permissions a new file would get from the umask. */
static mode_t file_mode_from_umask(void)
{
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

int main(int argc, char **argv)
{
    cli_config_t cli;
    switch (cli_parse(argc, argv, &cli)) {
    case CLI_EXIT_OK:
        return EXIT_ALL_OK;
    case CLI_EXIT_USAGE:
        return EXIT_USAGE;
    case CLI_RUN:
        break;
    }
    uint64_t start = uv_hrtime();
    if (!cli.seed_given)
        cli.seed = random_seed();
    set_pool_size(cli.jobs);
    codec_init();
    codec_set_max_pixels(cli.max_pixels);

    scan_list_t list;
    if (scan_dir(cli.in_dir, &list) != 0) {
        report_file_error(cli.in_dir, "cannot read directory: %s", strerror(errno));
        return EXIT_USAGE;
    }
    if (fileio_mkdir_p(cli.out_dir) != 0) {
        report_file_error(cli.out_dir, "cannot create directory: %s", strerror(errno));
        scan_free(&list);
        return EXIT_USAGE;
    }
    report_unread_groups(&list);
    /* Entries named like images that are not files: reported up front,
     * counted as failures, never used as partners. */
    for (size_t i = 0; i < list.reject_count; i++) {
        char *path = fileio_join(cli.in_dir, list.rejects[i].name);
        report_file_error(path ? path : list.rejects[i].name, "%s",
                          list.rejects[i].reason);
        free(path);
    }

    pipeline_config_t pc = {
        .in_dir = cli.in_dir,
        .out_dir = cli.out_dir,
        .names = list.names,
        .count = list.count,
        .out_is_in_dir = same_directory(cli.in_dir, cli.out_dir),
        .jobs = cli.jobs,
        .seed = cli.seed,
        .modes = cli.modes,
        .params = cli.params,
        .jpeg_quality = 95,
        .file_mode = file_mode_from_umask(),
    };
    pipeline_stats_t stats;
    if (pipeline_run(&pc, &stats) != 0) {
        report_error("cannot start the worker pool: out of memory");
        scan_free(&list);
        return EXIT_USAGE;
    }
    report_summary_t summary = {
        .written = stats.written,
        .failed = stats.failed + list.reject_count,
        .skipped = list.skipped,
        .seconds = (double)(uv_hrtime() - start) / 1e9,
        .seed = cli.seed,
    };
    if (cli.stats) {
        static const char *const stage_names[STAGE_COUNT] = {
            "read", "decode", "partner", "noise", "encode", "write",
        };
        report_stats(stage_names, stats.stage_seconds, STAGE_COUNT);
    }
    report_summary(&summary);
    int stdout_failed = fflush(stdout) != 0 || ferror(stdout);
    scan_free(&list);
    if (stdout_failed) {
        report_error("cannot write to standard output: %s", strerror(errno));
        return EXIT_SOME_FAILED;
    }
    return summary.failed > 0 ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}
