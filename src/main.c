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
#include "cocorun.h"
#include "fileio.h"
#include "labelfmt.h"
#include "membudget.h"
#include "pipeline.h"
#include "report.h"
#include "rerun.h"
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

/* How inputs are looked for: OUT_DIR and LABELS_OUT inside IN_DIR are
 * never scanned, so that a run never takes its own outputs for inputs. */
static scan_options_t scan_options_of(const cli_config_t *cli)
{
    scan_options_t o = {
        .recursive = cli->recursive,
        .skip_dirs = { cli->out_dir, cli->labels != NULL ? cli->labels_out : NULL },
        .include = cli->include,
        .include_count = cli->include_count,
        .exclude = cli->exclude,
        .exclude_count = cli->exclude_count,
        .nul_separated = cli->nul_separated,
        .base = cli->files_from != NULL ? cli->in_dir : NULL,
    };
    return o;
}

/* The inputs: a directory scan, a list, or image operands. Returns 0, or
 * -1 after saying why. */
static int find_inputs(const cli_config_t *cli, scan_list_t *list)
{
    scan_options_t opts = scan_options_of(cli);
    if (cli->operands != NULL) {
        if (scan_from_args(cli->operands, cli->operand_count, &opts, list) == 0)
            return 0;
        report_error("cannot list the images: %s", strerror(errno));
        return -1;
    }
    if (cli->files_from == NULL) {
        if (scan_dir(cli->in_dir, &opts, list) == 0)
            return 0;
        report_file_error(cli->in_dir, "cannot read directory: %s", strerror(errno));
        return -1;
    }
    int from_stdin = strcmp(cli->files_from, "-") == 0;
    FILE *f = from_stdin ? stdin : fopen(cli->files_from, "r");
    int rc = f != NULL ? scan_from_list(f, &opts, list) : -1;
    int saved = errno;
    if (f != NULL && !from_stdin)
        fclose(f);
    if (rc != 0)
        report_file_error(from_stdin ? "standard input" : cli->files_from,
                          "cannot read the list: %s", strerror(saved));
    return rc;
}

/* The images of --partners DIR (its own folder only, or its tree with
 * -r). Returns 0, or -1 after saying why. */
static int find_partner_images(const cli_config_t *cli, scan_list_t *list)
{
    scan_options_t opts = { .recursive = cli->recursive };
    if (scan_dir(cli->partners_dir, &opts, list) != 0) {
        report_file_error(cli->partners_dir, "cannot read directory: %s", strerror(errno));
        return -1;
    }
    if (list->count == 0) {
        report_file_error(cli->partners_dir, "holds no image noiseaug reads, so no partner "
                          "can be drawn from it");
        scan_free(list);
        return -1;
    }
    return 0;
}

/* Says why a run found nothing to do, with a hint at what was meant. */
static void report_nothing_to_do(const cli_config_t *cli, const scan_list_t *list)
{
    const char *where = cli->in_dir != NULL ? cli->in_dir : "the list";
    if (cli->operands == NULL && cli->files_from == NULL && !cli->recursive &&
        list->subdirs > 0) {
        scan_list_t deep;
        scan_options_t opts = scan_options_of(cli);
        opts.recursive = 1;
        size_t below = 0;
        if (scan_dir(cli->in_dir, &opts, &deep) == 0) {
            below = deep.count;
            scan_free(&deep);
        }
        if (below > 0) {
            report_error("no image processed: %s holds no image directly, but %zu in its "
                         "subdirectories; add -r to descend into them", cli->in_dir, below);
            return;
        }
    }
    if (list->excluded > 0)
        report_error("no image processed: --include/--exclude left out all %zu images of %s",
                     list->excluded, where);
    else if (list->unread_count > 0)
        report_error("no image processed: %s holds only images in formats noiseaug cannot "
                     "read (named above)", where);
    else if (list->reject_count > 0)
        report_error("no image processed: none of the images given could be read (named "
                     "above)");
    else if (cli->files_from != NULL)
        report_error("no image processed: the list %s names no image",
                     strcmp(cli->files_from, "-") == 0 ? "on standard input" : cli->files_from);
    else
        report_error("no image processed: %s holds no image (extensions read: jpg, jpeg, png, "
                     "bmp, tga, gif, psd, pic, pnm, ppm, pgm)", where);
}

/* Entries named like images that are not files, or named on purpose and
 * not read: reported up front, counted as failures, never partners. */
static void report_rejects(const cli_config_t *cli, const scan_list_t *list)
{
    for (size_t i = 0; i < list->reject_count; i++) {
        char *path = cli->in_dir ? path_join(cli->in_dir, list->rejects[i].name) : NULL;
        report_file_error(path ? path : list->rejects[i].name, "%s", list->rejects[i].reason);
        free(path);
    }
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

/* Warns, once, when OUT_DIR already holds outputs of these inputs that this
 * run would not write (another seed, other modes, more copies): the folder
 * would silently mix two augmentations. Returns 0, or -1 on OOM (said). */
static int warn_of_foreign_outputs(const cli_config_t *cli, const scan_list_t *list,
                                   const scan_list_t *partner_images, int in_place,
                                   char *const *earlier, size_t earlier_count)
{
    if (cli->operands != NULL)
        return 0;  /* flat outputs: names no longer say which input */
    rerun_foreign_t found;
    int rc = in_place
        ? rerun_count_foreign(&cli->plan, list->names, list->count, earlier, earlier_count,
                              &found)
        : rerun_find_foreign(cli->out_dir, cli->recursive, &cli->plan, list->names,
                             list->count, partner_images->names, partner_images->count,
                             &found);
    if (rc != 0) {
        report_error("out of memory");
        rerun_foreign_free(&found);
        return -1;
    }
    if (found.foreign > 0)
        report_file_warning(cli->out_dir, "already holds %zu output%s of these inputs that "
                            "this run does not write (another seed, other modes or "
                            "copies), such as %s: the folder will mix two augmentations",
                            found.foreign, found.foreign == 1 ? "" : "s", found.example);
    rerun_foreign_free(&found);
    return 0;
}

/* A file the run writes besides its outputs (--manifest, --coco-out)
 * must be neither an input nor named like an image, which an output or a
 * later run's input could be. Returns 0, or -1 after saying why (exit 2). */
static int check_side_file(const char *option, const char *path, const cli_config_t *cli,
                           const scan_list_t *list)
{
    if (path == NULL)
        return 0;
    const codec_format_info_t *info = codec_format_info(codec_format_of_ext(path_ext(path)));
    if (info != NULL && info->read != CODEC_READ_NO) {
        report_file_error(path, "%s names an image file; give it a name such as out.json",
                          option);
        return -1;
    }
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;  /* a new file replaces nothing */
    for (size_t i = 0; i < list->count; i++) {
        char *input = cli->in_dir != NULL ? path_join(cli->in_dir, list->names[i])
                                          : strdup(list->names[i]);
        int same = input != NULL && fileio_same_file(path, input);
        free(input);
        if (same) {
            report_file_error(path, "%s is an input; never overwritten", option);
            return -1;
        }
    }
    return 0;
}

/* The folder of --coco-out, made up front like OUT_DIR, so that a run is
 * never lost to a file that cannot be written at its end. */
static int prepare_coco_out(const char *path)
{
    char *folder = path_dir(path);
    if (folder == NULL) {
        report_error("out of memory");
        return -1;
    }
    struct stat st;
    int rc = 0;
    if (fileio_mkdir_p(folder) != 0) {
        report_file_error(folder, "cannot create directory for --coco-out: %s", strerror(errno));
        rc = -1;
    } else if (access(folder, W_OK | X_OK) != 0) {
        report_file_error(folder, "cannot write in directory for --coco-out: %s",
                          strerror(errno));
        rc = -1;
    } else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        report_file_error(path, "--coco-out is a directory");
        rc = -1;
    }
    free(folder);
    return rc;
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
    labelfmt_init();
    report_set_display(cli.quiet, cli.progress < 0 ? report_stderr_is_terminal() : cli.progress);

    scan_list_t list, partner_images = { 0 };
    plan_partners_t partners = { 0 };
    if (find_inputs(&cli, &list) != 0)
        return EXIT_USAGE;
    if (cli.partners == CLI_PARTNERS_DIR && find_partner_images(&cli, &partner_images) != 0) {
        scan_free(&list);
        return EXIT_USAGE;
    }
    int status = EXIT_USAGE;
    size_t selected_count = 0, *selected = NULL;
    FILE *manifest = NULL;
    int in_place = fileio_same_file(cli.in_dir ? cli.in_dir : ".", cli.out_dir);
    char **earlier = NULL;
    size_t earlier_count = 0;
    coco_t *coco = NULL;
    long *coco_images = NULL;
    pipeline_coco_sink_t coco_sink = { 0 };
    /* A listed file is an input because the list says so; a folder scanned
     * in place may hold an interrupted run's outputs. */
    if (in_place && cli.files_from == NULL && cli.operands == NULL &&
        plan_split_earlier_outputs(list.names, &list.count, cli.plan.format,
                                   partner_images.names, partner_images.count, &earlier,
                                   &earlier_count) != 0) {
        report_error("out of memory");
        scan_free(&list);
        scan_free(&partner_images);
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
    /* Partners: the images beside each input under -r, so that splits
     * (train/, val/) never mix; another folder's with --partners DIR;
     * every input otherwise, as a flat folder always had. */
    int pooled = 0;
    if (cli.partners == CLI_PARTNERS_DIR)
        pooled = plan_partners_from(partner_images.names, partner_images.count, list.count,
                                    &partners) == 0 ? 1 : -1;
    else if (cli.partners == CLI_PARTNERS_SAME_DIR && (cli.recursive || cli.files_from))
        pooled = plan_partners_by_folder(list.names, list.count, &partners) == 0 ? 1 : -1;
    if (pooled < 0) {
        report_error("out of memory");
        goto out;
    }
    if (pooled)
        cli.plan.partners = &partners;
    if (warn_of_foreign_outputs(&cli, &list, &partner_images, in_place, earlier,
                                earlier_count) != 0)
        goto out;
    if (cli.coco != NULL) {
        char why[512];
        if (coco_load(cli.coco, &coco, why, sizeof why) != 0) {
            report_file_error(cli.coco, "cannot read the COCO file: %s", why);
            goto out;
        }
        if (fileio_same_file(cli.coco, cli.coco_out)) {
            report_file_error(cli.coco_out, "--coco-out is the --coco file; never overwritten");
            goto out;
        }
        coco_images = cocorun_match(coco, cli.coco, cli.in_dir, list.names, list.count,
                                    cli.verbose);
        if (coco_images == NULL)
            goto out;
    }
    selected = select_shard(&cli, &list, &selected_count);
    if (selected == NULL) {
        report_error("out of memory");
        goto out;
    }
    run_stats_t stats = {
        .skipped = list.skipped,
        .rejected = list.reject_count,
        .seed = cli.plan.seed,
    };
    if (list.count == 0) {
        /* Nothing to do is never a quiet success: a folder tree without
         * -r, a folder of WebPs or an empty list is a mistake to name. */
        report_unread_groups(&list);
        report_rejects(&cli, &list);
        report_nothing_to_do(&cli, &list);
        stats.seconds = (double)(uv_hrtime() - start) / 1e9;
        report_summary(&stats);
        status = EXIT_SOME_FAILED;
        goto out;
    }
    if (check_side_file("--manifest", cli.manifest, &cli, &list) != 0 ||
        check_side_file("--coco-out", coco != NULL ? cli.coco_out : NULL, &cli, &list) != 0)
        goto out;
    if (!cli.dry_run && ((coco != NULL && prepare_coco_out(cli.coco_out) != 0) ||
                         prepare_outputs(&cli) != 0))
        goto out;
    if (cli.manifest != NULL && (manifest = fopen(cli.manifest, "w")) == NULL) {
        report_file_error(cli.manifest, "cannot create the manifest: %s", strerror(errno));
        goto out;
    }
    report_unread_groups(&list);
    report_rejects(&cli, &list);
    if (selected_count == 0)
        report_error("shard %llu/%llu holds none of the %zu inputs: nothing to do here",
                     (unsigned long long)cli.shard_k, (unsigned long long)cli.shard_n,
                     list.count);

    mode_t file_mode = file_mode_from_umask();
    const char *label_exts[CLI_MAX_LABEL_EXTS];
    for (size_t i = 0; i < cli.label_ext_count; i++)
        label_exts[i] = cli.label_exts[i];
    pipeline_config_t pc = {
        .in_dir = cli.in_dir,
        .out_dir = cli.out_dir,
        .names = list.names,
        .count = list.count,
        .selected = selected,
        .selected_count = selected_count,
        .partner_dir = cli.partners_dir,
        .flat_outputs = cli.operands != NULL,
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
        .require_labels = cli.require_labels,
        .coco = cli.coco,
        .coco_images = coco_images,
        .coco_sink = coco != NULL ? &coco_sink : NULL,
        .labels = {
            .dir = cli.labels,
            .out = cli.labels_out,
            .exts = (char *const *)label_exts,
            .ext_count = cli.label_ext_count,
            .skip_existing = cli.skip_existing,
            .file_mode = file_mode,
        },
        .skip_existing = cli.skip_existing,
        .dry_run = cli.dry_run,
        .manifest = manifest,
        .verbose = cli.verbose,
        .strip = cli.strip,
    };
    if (pipeline_run(&pc, &stats) != 0) {
        report_error("cannot start the worker pool: out of memory");
        goto out;
    }
    stats.seconds = (double)(uv_hrtime() - start) / 1e9;
    if (cli.stats)
        report_stage_times(&stats, pc.max_memory);
    if (cli.labels != NULL || cli.coco != NULL)
        report_missing_labels(&stats, cli.labels != NULL ? cli.labels : cli.coco);
    report_alpha_dropped(&stats);
    /* A stopped run's file would list part of the outputs: none is written,
     * and the rerun (--skip-existing) writes it whole. */
    if (coco != NULL && !cli.dry_run && stats.stopped_by == 0 && !stats.stdout_closed &&
        cocorun_write(coco, cli.coco_out, coco_images, list.count, selected, selected_count,
                      cli.include_originals, cli.plan.copies, &coco_sink, file_mode) != 0)
        stats.labels_failed++;
    else if (coco != NULL && stats.stopped_by != 0)
        report_file_error(cli.coco_out, "not written: the run was stopped");
    report_summary(&stats);
    status = stats.failed + stats.rejected + stats.labels_failed > 0 || stats.manifest_failed ||
                     stats.stdout_error
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
    pipeline_coco_sink_free(&coco_sink);
    free(coco_images);
    coco_free(coco);
    for (size_t i = 0; i < earlier_count; i++)
        free(earlier[i]);
    free(earlier);
    plan_partners_free(&partners);
    scan_free(&partner_images);
    scan_free(&list);
    return status;
}
