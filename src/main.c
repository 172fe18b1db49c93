/* main: glue. argv -> cli -> scan -> pipeline -> report. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "cli.h"
#include "codec.h"
#include "fileio.h"
#include "membudget.h"
#include "pipeline.h"
#include "report.h"
#include "scan.h"
#include "path.h"

enum { EXIT_ALL_OK = 0, EXIT_SOME_FAILED = 1, EXIT_USAGE = 2 };
/* Stopped by a signal: 128 + its number (130 SIGINT, 143 SIGTERM); a
 * closed stdout (noiseaug ... | head) gives 141, as SIGPIPE would. */

/* libuv reads UV_THREADPOOL_SIZE once, when the pool first starts, and
 * caps it at 1024; it must be set before any work is queued. */
static void set_pool_size(unsigned jobs)
{
    char value[16];
    snprintf(value, sizeof value, "%u", jobs);
    setenv("UV_THREADPOOL_SIZE", value, 1);
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

/* The inputs: a directory scan or a list. Returns 0, or -1 after saying why. */
static int find_inputs(const cli_config_t *cli, scan_list_t *list)
{
    if (cli->files_from == NULL) {
        if (scan_dir(cli->in_dir, cli->recursive, cli->out_dir, list) == 0)
            return 0;
        report_file_error(cli->in_dir, "cannot read directory: %s", strerror(errno));
        return -1;
    }
    int from_stdin = strcmp(cli->files_from, "-") == 0;
    FILE *f = from_stdin ? stdin : fopen(cli->files_from, "r");
    int rc = f != NULL ? scan_from_list(f, cli->nul_separated, list) : -1;
    int saved = errno;
    if (f != NULL && !from_stdin)
        fclose(f);
    if (rc != 0)
        report_file_error(from_stdin ? "standard input" : cli->files_from,
                          "cannot read the list: %s", strerror(saved));
    return rc;
}

/* Indices of the inputs in this shard (all of them without --shard). */
static size_t *select_shard(const cli_config_t *cli, const scan_list_t *list, size_t *count)
{
    size_t *sel = malloc((list->count ? list->count : 1) * sizeof *sel);
    *count = 0;
    if (sel != NULL)
        for (size_t i = 0; i < list->count; i++)
            if (plan_shard_of(list->names[i], cli->shard_n) == cli->shard_k)
                sel[(*count)++] = i;
    return sel;
}

/* Creates OUT_DIR (and LABELS_OUT) up front, so that an unusable output
 * folder is one clear error before any work. */
static int prepare_outputs(const cli_config_t *cli)
{
    const char *dirs[2] = { cli->out_dir, cli->labels ? cli->labels_out : NULL };
    for (int i = 0; i < 2; i++) {
        if (dirs[i] == NULL)
            continue;
        if (fileio_mkdir_p(dirs[i]) != 0) {
            report_file_error(dirs[i], "cannot create directory: %s", strerror(errno));
            return -1;
        }
        if (access(dirs[i], W_OK | X_OK) != 0) {
            report_file_error(dirs[i], "cannot write in directory: %s", strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* A descriptor 0, 1 or 2 closed by the caller would be taken by the next
 * open(): libuv's epoll fd (which it then refuses to close, aborting) or
 * the manifest, which would receive the result lines or the messages. Each
 * closed one gets /dev/null, read-only, so that writes to a closed stdout
 * fail with EBADF and are reported, not lost in silence. */
static void fill_standard_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        int got = open("/dev/null", O_RDONLY);
        if (got != fd && got >= 0) {  /* a lower one was free: cannot happen in order */
            dup2(got, fd);
            close(got);
        }
    }
}

/* Image buffers of 4 MiB and up are mapped for each allocation and
 * unmapped when freed. glibc's default raises its mapping threshold to
 * 32 MiB after the first such free and then serves images from per-thread
 * arenas, which keep what they held: every worker thread would hold its
 * largest image for good, and the memory budget (--max-memory) would bound
 * what is in use but not the process's size (a test showed two threads
 * holding two images' worth with one image in use at a time). Setting the
 * threshold turns that adjustment off; the trim threshold, which would
 * otherwise stay at 128 KiB and hand back (and fault in again) the
 * buffers of every 1280x720 image, is set to 16 MiB: what each arena may
 * keep. Measured on the 70-image corpus at -j 2, the run takes the same
 * time as with glibc's defaults (README, "Memory"). */
static void return_freed_images_to_the_system(void)
{
#ifdef M_MMAP_THRESHOLD
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    mallopt(M_TRIM_THRESHOLD, 16 << 20);
#endif
}

int main(int argc, char **argv)
{
    return_freed_images_to_the_system();
    fill_standard_fds();
    /* A closed stdout is noticed as EPIPE on write, and handled. */
    signal(SIGPIPE, SIG_IGN);
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
        cli.plan.seed = random_seed();
    int thread_err;
    unsigned usable = pipeline_usable_threads(cli.jobs, &thread_err);
    if (usable == 0) {
        report_error("cannot start a worker thread: %s", uv_strerror(thread_err));
        return EXIT_USAGE;
    }
    if (usable < cli.jobs) {
        /* The limit that stopped the trial threads also bounds the images'
         * memory: half of them leaves room for it. */
        unsigned use = usable > 1 ? usable / 2 : 1;
        report_error("only %u of %u worker threads could be started (%s); using %u, "
                     "leaving memory for the images", usable, cli.jobs,
                     uv_strerror(thread_err), use);
        cli.jobs = use;
    }
    set_pool_size(cli.jobs);
    codec_init();
    report_set_display(cli.quiet, cli.progress < 0 ? report_stderr_is_terminal() : cli.progress);

    scan_list_t list;
    if (find_inputs(&cli, &list) != 0)
        return EXIT_USAGE;
    int status = EXIT_USAGE;
    int in_place = fileio_same_file(cli.in_dir ? cli.in_dir : ".", cli.out_dir);
    char **earlier = NULL;
    size_t earlier_count = 0;
    /* A listed file is an input because the list says so; a folder scanned
     * in place may hold an interrupted run's outputs. */
    if (in_place && cli.files_from == NULL && plan_split_earlier_outputs(list.names, &list.count, cli.plan.format, &earlier,
                                               &earlier_count) != 0) {
        report_error("out of memory");
        scan_free(&list);
        return EXIT_USAGE;
    }
    /* Writing beside the inputs, an earlier run's outputs are not inputs:
     * a resumed run then plans exactly what the uninterrupted one did. */
    list.skipped += earlier_count;
    for (size_t i = 0; cli.verbose && i < earlier_count; i++) {
        char *path = cli.in_dir ? path_join(cli.in_dir, earlier[i]) : NULL;
        report_file_warning(path ? path : earlier[i], "named as an output of an image "
                            "beside it: taken as an earlier run's output, not an input");
        free(path);
    }
    size_t selected_count = 0;
    size_t *selected = select_shard(&cli, &list, &selected_count);
    FILE *manifest = NULL;
    if (selected == NULL) {
        report_error("out of memory");
        goto out;
    }
    if (!cli.dry_run && prepare_outputs(&cli) != 0)
        goto out;
    if (cli.manifest != NULL && (manifest = fopen(cli.manifest, "w")) == NULL) {
        report_file_error(cli.manifest, "cannot create the manifest: %s", strerror(errno));
        goto out;
    }
    report_unread_groups(&list);
    /* Entries named like images that are not files: reported up front,
     * counted as failures, never used as partners. */
    for (size_t i = 0; i < list.reject_count; i++) {
        char *path = cli.in_dir ? path_join(cli.in_dir, list.rejects[i].name) : NULL;
        report_file_error(path ? path : list.rejects[i].name, "%s", list.rejects[i].reason);
        free(path);
    }

    mode_t file_mode = file_mode_from_umask();
    pipeline_config_t pc = {
        .in_dir = cli.in_dir,
        .out_dir = cli.out_dir,
        .names = list.names,
        .count = list.count,
        .selected = selected,
        .selected_count = selected_count,
        .out_is_in_dir = in_place,
        .earlier = earlier,
        .earlier_count = earlier_count,
        .jobs = cli.jobs,
        .plan = cli.plan,
        .include_originals = cli.include_originals,
        .jpeg_quality = cli.jpeg_quality,
        .max_pixels = cli.max_pixels,
        .max_memory = cli.max_memory_given ? cli.max_memory : membudget_default(),
        .file_mode = file_mode,
        .labels = {
            .dir = cli.labels,
            .out = cli.labels_out,
            .exts = (char *const *)cli.label_exts,
            .ext_count = cli.label_ext_count,
            .skip_existing = cli.skip_existing,
            .file_mode = file_mode,
        },
        .skip_existing = cli.skip_existing,
        .dry_run = cli.dry_run,
        .manifest = manifest,
        .verbose = cli.verbose,
    };
    run_stats_t stats = {
        .skipped = list.skipped,
        .rejected = list.reject_count,
        .seed = cli.plan.seed,
    };
    if (pipeline_run(&pc, &stats) != 0) {
        report_error("cannot start the worker pool: out of memory");
        goto out;
    }
    stats.seconds = (double)(uv_hrtime() - start) / 1e9;
    if (cli.stats)
        report_stage_times(&stats, pc.max_memory);
    report_summary(&stats);
    status = stats.failed + stats.rejected > 0 || stats.manifest_failed || stats.stdout_error
                 ? EXIT_SOME_FAILED : EXIT_ALL_OK;
    if (stats.stopped_by != 0)
        status = 128 + stats.stopped_by;
    else if (stats.stdout_closed)
        status = 128 + SIGPIPE;
    else if (stats.stdout_error == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
        /* Lines still buffered when the reader left (noiseaug ... | head
         * with all lines in one buffer) end the run as a closed pipe does
         * earlier on: quietly, with 141. */
        if (errno == EPIPE) {
            status = 128 + SIGPIPE;
        } else {
            report_error("cannot write to standard output: %s", strerror(errno));
            status = EXIT_SOME_FAILED;
        }
    }
out:
    if (manifest != NULL && fclose(manifest) != 0) {
        report_file_error(cli.manifest, "cannot write the manifest: %s", strerror(errno));
        status = EXIT_SOME_FAILED;
    }
    free(selected);
    for (size_t i = 0; i < earlier_count; i++)
        free(earlier[i]);
    free(earlier);
    scan_free(&list);
    return status;
}
