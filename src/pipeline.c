/* pipeline: the libuv loop, the job ring and back-pressure.
 *
 * Design. The loop runs on the main thread. Each output (one copy of one
 * input, or the copied original) is one job, queued with uv_queue_work; the
 * work callback runs on a pool thread and does everything heavy (read,
 * decode, noise, encode, write, label copy) without touching shared state
 * or printing. libuv runs every after-work callback on the loop thread, one
 * at a time, so the emitting side needs no locks.
 *
 * Order. Job i gets sequence number i and lives in ring slot i & mask.
 * Jobs are numbered input by input, copies in copy order, so sequence order
 * is output order. When a job completes, its slot is marked done and every
 * done slot from next_emit on is emitted (its line printed, its manifest
 * record written) and freed; each freed slot lets one more job in. At most
 * `capacity` jobs (about 2 x threads) exist at a time, so memory is bounded
 * by the pool size, not by the number of files, and the pool always has
 * queued work while earlier results wait.
 *
 * Determinism. A job's mode, partner, strength and noise come from its own
 * random stream, keyed by the seed, the input's name and the copy index, so
 * the bytes written do not depend on which thread ran the job or when, nor
 * on which shard the input fell in. */
#include "pipeline.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "codec.h"
#include "fileio.h"
#include "manifest.h"
#include "nameset.h"
#include "path.h"
#include "report.h"
#include "ring.h"
#include "scan.h"

#define ERR_LEN 512

typedef enum {
    JOB_OK,
    JOB_FAILED,
    JOB_EXISTING,  /* --skip-existing found the output */
    JOB_PLANNED,   /* --dry-run */
    JOB_CANCELLED, /* queued when the run was stopped; never started */
} job_status_t;

typedef struct pipeline pipeline_t;

typedef struct {
    uv_work_t req;
    pipeline_t *owner;
    size_t seq;          /* sequence number in the ring */
    size_t index;        /* input, in cfg->names */
    int original;        /* the copied original, not a noisy copy */
    plan_t plan;
    char *out_subdir;    /* directory under OUT_DIR (and LABELS_OUT), or "" */
    char *out_path;      /* OUT_DIR/subdir/name */
    job_status_t status;
    char err[ERR_LEN];   /* reason, when failed */
    int width, height, channels, bits;
    int label;           /* 1 copied, 0 none to copy, -1 missing */
    int queued;          /* in libuv's queue or running */
    uint64_t stage_ns[STAGE_COUNT];
} job_t;

struct pipeline {
    const pipeline_config_t *cfg;
    uv_loop_t loop;
    ring_t ring;
    job_t *jobs;          /* one per ring slot */
    size_t next_job;      /* next job number to submit */
    size_t total_jobs;
    nameset_t outputs;    /* output paths planned so far, and whose */
    uv_signal_t sigint, sigterm;
    pipeline_stats_t stats;
};

/* --- paths ------------------------------------------------------------ */

static char *input_path(const pipeline_config_t *cfg, size_t index)
{
    const char *name = cfg->names[index];
    return cfg->in_dir != NULL ? path_join(cfg->in_dir, name) : strdup(name);
}

/* --- worker ----------------------------------------------------------- */

/* Adds the time since *mark to stage `stage` of the job, and moves the mark. */
static void lap(job_t *job, pipeline_stage_t stage, uint64_t *mark)
{
    uint64_t t = uv_hrtime();
    job->stage_ns[stage] += t - *mark;
    *mark = t;
}

/* Reads and decodes an input, timing the read and the decode (or both as
 * STAGE_PARTNER for a partner). */
static int load_image(job_t *job, size_t index, image_t *img, char *err,
                      size_t errlen, uint64_t *mark, int partner)
{
    char *path = input_path(job->owner->cfg, index);
    if (path == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    unsigned char *data;
    size_t len;
    int rc = fileio_read_all(path, &data, &len, err, errlen);
    free(path);
    lap(job, partner ? STAGE_PARTNER : STAGE_READ, mark);
    if (rc != 0)
        return -1;
    rc = codec_decode(data, len, img, err, errlen);
    free(data);
    lap(job, partner ? STAGE_PARTNER : STAGE_DECODE, mark);
    return rc;
}

/* Applies the planned mode; pic modes decode their partner here, once. */
static int apply_noise(job_t *job, image_t *img, uint64_t *mark)
{
    plan_t *plan = &job->plan;
    image_t partner = { 0 };
    if (noise_mode_needs_partner(plan->mode)) {
        char why[ERR_LEN / 2];
        if (load_image(job, (size_t)plan->partner, &partner, why, sizeof why, mark, 1) != 0) {
            snprintf(job->err, sizeof job->err, "partner %s: %s",
                     job->owner->cfg->names[plan->partner], why);
            return -1;
        }
    }
    int rc = 0;
    switch (plan->mode) {
    case NOISE_PS:
        noise_salt_pepper(img, &plan->rng, plan->strength);
        break;
    case NOISE_ADD_GAUSS:
        rc = noise_add_gauss(img, &plan->rng, plan->strength);
        break;
    case NOISE_MIX_GAUSS:
        noise_mix_gauss(img, &plan->rng, plan->strength);
        break;
    case NOISE_ADD_PIC:
        rc = noise_add_pic(img, &partner, plan->strength);
        break;
    case NOISE_MIX_PIC:
        noise_mix_pic(img, &partner, &plan->rng, plan->strength);
        break;
    case NOISE_NONE:
        break;
    }
    image_free(&partner);
    lap(job, STAGE_NOISE, mark);
    if (rc != 0)
        snprintf(job->err, sizeof job->err, "out of memory applying %s",
                 noise_mode_name(plan->mode));
    return rc;
}

/* Fits an image to a format it is written in by request (--format): JPEG,
 * BMP and TGA hold 8-bit samples only, and JPEG no alpha. */
static int fit_to_format(image_t *img, int format)
{
    if (img->bits == 16 && format != CODEC_PNG) {
        image_t eight;
        if (image_alloc(&eight, img->width, img->height, img->channels, 8) != 0)
            return -1;
        size_t n = image_sample_count(img);
        for (size_t i = 0; i < n; i++)
            ((uint8_t *)eight.pixels)[i] = (uint8_t)((((uint16_t *)img->pixels)[i] + 128u) / 257u);
        image_free(img);
        *img = eight;
    }
    return 0;
}

/* Copies a file byte for byte, atomically. */
static int copy_file(const char *from, const char *to_dir, const char *to_name,
                     mode_t mode, char *err, size_t errlen)
{
    unsigned char *data;
    size_t len;
    if (fileio_read_all(from, &data, &len, err, errlen) != 0)
        return -1;
    int rc = fileio_write_atomic(to_dir, to_name, data, len, mode, err, errlen);
    free(data);
    return rc;
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Copies the input's label(s) to LABELS_OUT/subdir/<output stem><ext>.
 * Sets job->label; returns -1 (with job->err) when a copy fails. */
static int copy_labels(job_t *job)
{
    const pipeline_config_t *cfg = job->owner->cfg;
    if (cfg->labels_dir == NULL)
        return 0;
    /* Labels mirror the images: the input's subdirectory under --labels,
     * the same one under LABELS_OUT. */
    const char *sub = job->out_subdir;
    char *in_stem = path_stem(cfg->names[job->index]), *out_stem = path_stem(job->plan.out_name);
    char *out_dir = path_join(cfg->labels_out, sub);
    int rc = 0;
    job->label = -1;
    if (in_stem == NULL || out_stem == NULL || out_dir == NULL) {
        snprintf(job->err, sizeof job->err, "out of memory copying the label");
        rc = -1;
        goto out;
    }
    for (size_t e = 0; e < cfg->label_ext_count && rc == 0; e++) {
        const char *ext = cfg->label_exts[e];
        char src_name[4096], dst_name[4096];
        snprintf(src_name, sizeof src_name, "%s%s", in_stem, ext);
        snprintf(dst_name, sizeof dst_name, "%s%s", out_stem, ext);
        char *src = path_join3(cfg->labels_dir, sub, src_name);
        if (src == NULL || !file_exists(src)) {
            free(src);
            continue;
        }
        char *dst = path_join(out_dir, dst_name);
        char why[ERR_LEN / 2];
        if (dst != NULL && (fileio_same_file(src, dst) || (cfg->skip_existing && file_exists(dst)))) {
            job->label = 1;  /* already there: a label is never copied onto itself */
        } else if (fileio_mkdir_p(out_dir) != 0) {
            snprintf(job->err, sizeof job->err, "cannot create %s: %s", out_dir, strerror(errno));
            rc = -1;
        } else if (copy_file(src, out_dir, dst_name, cfg->file_mode, why, sizeof why) != 0) {
            snprintf(job->err, sizeof job->err, "label %s: %s", src, why);
            rc = -1;
        } else {
            job->label = 1;
        }
        free(src);
        free(dst);
    }
out:
    free(in_stem);
    free(out_stem);
    free(out_dir);
    return rc;
}

static void fail(job_t *job)
{
    job->status = JOB_FAILED;
}

/* Runs on a pool thread: everything heavy, nothing shared, no printing. */
static void work_cb(uv_work_t *req)
{
    job_t *job = req->data;
    const pipeline_config_t *cfg = job->owner->cfg;
    image_t img = { 0 };
    codec_buffer_t encoded = { 0 };
    uint64_t mark = uv_hrtime();
    char *out_dir = path_join(cfg->out_dir, job->out_subdir);
    if (out_dir == NULL) {
        snprintf(job->err, sizeof job->err, "out of memory");
        fail(job);
        return;
    }
    if (cfg->skip_existing && file_exists(job->out_path)) {
        job->status = JOB_EXISTING;
    } else if (*job->out_subdir && fileio_mkdir_p(out_dir) != 0) {
        snprintf(job->err, sizeof job->err, "cannot create %s: %s", out_dir, strerror(errno));
        fail(job);
    } else if (job->original) {
        char *path = input_path(cfg, job->index);
        if (path == NULL || copy_file(path, out_dir, job->plan.out_name, cfg->file_mode,
                                      job->err, sizeof job->err) != 0)
            fail(job);
        free(path);
        lap(job, STAGE_WRITE, &mark);
    } else if (load_image(job, job->index, &img, job->err, sizeof job->err, &mark, 0) != 0 ||
               apply_noise(job, &img, &mark) != 0) {
        fail(job);
    } else {
        job->width = img.width;
        job->height = img.height;
        job->channels = img.channels;
        job->bits = img.bits;
        int rc = fit_to_format(&img, job->plan.format);
        if (rc == 0)
            rc = codec_encode(&img, (codec_format_t)job->plan.format, cfg->jpeg_quality,
                              &encoded, job->err, sizeof job->err);
        else
            snprintf(job->err, sizeof job->err, "out of memory converting to 8 bits");
        image_free(&img);
        lap(job, STAGE_ENCODE, &mark);
        if (rc == 0)
            rc = fileio_write_atomic(out_dir, job->plan.out_name, encoded.data, encoded.len,
                                     cfg->file_mode, job->err, sizeof job->err);
        codec_buffer_free(&encoded);
        lap(job, STAGE_WRITE, &mark);
        if (rc != 0)
            fail(job);
    }
    if (job->status != JOB_FAILED && copy_labels(job) != 0)
        fail(job);
    free(out_dir);
}

/* --- loop thread ------------------------------------------------------ */

static void after_work_cb(uv_work_t *req, int status);

/* Stops the run: no more submissions, and the queued jobs are cancelled
 * (libuv reports them with UV_ECANCELED); running ones finish, so every
 * file is either whole or never started. signum is 0 for a closed stdout. */
static void stop(pipeline_t *pl, int signum)
{
    if (signum != 0 && pl->stats.stopped_by == 0)
        pl->stats.stopped_by = signum;
    for (size_t seq = pl->ring.next_emit; seq < pl->ring.next_submit; seq++) {
        job_t *job = &pl->jobs[ring_slot(&pl->ring, seq)];
        if (job->queued)
            uv_cancel((uv_req_t *)&job->req);  /* UV_EBUSY when it already runs */
    }
}

/* SIGINT or SIGTERM. The first stops the run gracefully; a second one
 * exits at once, removing the temporary files of writes in flight. */
static void signal_cb(uv_signal_t *handle, int signum)
{
    pipeline_t *pl = handle->data;
    if (pl->stats.stopped_by != 0) {
        fileio_remove_temporaries();
        fflush(stdout);
        _exit(128 + signum);
    }
    report_file_warning(NULL, "%s: finishing the images in progress; "
                        "press Ctrl-C again to stop at once",
                        signum == SIGINT ? "interrupted" : "terminated");
    stop(pl, signum);
}

/* Jobs per input: the original (with --include-originals, unless it is
 * already where the outputs go) and the noisy copies. */
static size_t jobs_per_input(const pipeline_config_t *cfg)
{
    return cfg->plan.copies + (cfg->include_originals && !cfg->out_is_in_dir ? 1 : 0);
}

/* Plans job number n: its plan, where it goes, and whether that name is
 * free. Returns 0, or -1 with the reason in job->err. */
static int plan_job(pipeline_t *pl, job_t *job, size_t n)
{
    const pipeline_config_t *cfg = pl->cfg;
    size_t per = jobs_per_input(cfg), originals = per - cfg->plan.copies;
    job->index = cfg->selected[n / per];
    job->original = originals && n % per == 0;
    const char *name = cfg->names[job->index];
    int rc;
    if (job->original) {
        job->plan.mode = NOISE_NONE;
        job->plan.partner = -1;
        job->plan.format = -1;
        job->plan.out_name = strdup(path_basename(name));
        rc = job->plan.out_name != NULL ? 0 : -1;
    } else {
        rc = plan_make(&cfg->plan, cfg->names, cfg->count, job->index,
                       (unsigned)(n % per - originals), &job->plan);
    }
    errno = 0;
    job->out_subdir = rc == 0 ? path_mirror_dir(name) : NULL;
    if (job->out_subdir == NULL) {
        snprintf(job->err, sizeof job->err, "%s", errno == EINVAL
                 ? "path has a '..' component, which would lead out of the output "
                   "folder; not processed" : "out of memory");
        return -1;
    }
    job->out_path = path_join3(cfg->out_dir, job->out_subdir, job->plan.out_name);
    char *key = path_join(job->out_subdir, job->plan.out_name);
    size_t first = 0;
    int added = key != NULL && job->out_path != NULL
                    ? nameset_add(&pl->outputs, key, job->index, &first) : -1;
    free(key);
    if (added < 0) {
        snprintf(job->err, sizeof job->err, "out of memory");
        return -1;
    }
    if (added == 0 && first >= cfg->count) {
        /* Writing beside the inputs: this output's name is an input's. */
        snprintf(job->err, sizeof job->err, "output name %s is an input file; not overwritten",
                 job->plan.out_name);
        return -1;
    }
    if (added == 0) {
        /* Two inputs, one output name (a.gif and a.png both give a_ps.png
         * under ps): the first in input order keeps it. */
        snprintf(job->err, sizeof job->err, "output name %s is already taken by %s; not written",
                 job->plan.out_name, cfg->names[first]);
        return -1;
    }
    return 0;
}

/* Plans the next job into a free slot and queues it. Planning happens here,
 * on the loop thread: it is cheap and needs the whole input list. */
static void submit(pipeline_t *pl)
{
    size_t seq = ring_push(&pl->ring);
    job_t *job = &pl->jobs[ring_slot(&pl->ring, seq)];
    memset(job, 0, sizeof *job);
    job->owner = pl;
    job->seq = seq;
    job->req.data = job;
    if (plan_job(pl, job, pl->next_job++) != 0) {
        job->status = JOB_FAILED;
    } else if (pl->cfg->dry_run) {
        job->status = JOB_PLANNED;
    } else {
        int q = uv_queue_work(&pl->loop, &job->req, work_cb, after_work_cb);
        if (q == 0) {
            job->queued = 1;
            return;
        }
        snprintf(job->err, sizeof job->err, "cannot queue work: %s", uv_strerror(q));
        job->status = JOB_FAILED;
    }
    ring_complete(&pl->ring, seq);
}

static const char *status_name(job_status_t s)
{
    switch (s) {
    case JOB_OK: return "ok";
    case JOB_FAILED: return "failed";
    case JOB_EXISTING: return "skipped";
    case JOB_PLANNED: return "dry-run";
    case JOB_CANCELLED: return "cancelled";
    }
    return "?";
}

/* Prints a finished job's line or error, writes its manifest record and
 * releases what it holds. */
static void emit(pipeline_t *pl, job_t *job)
{
    const pipeline_config_t *cfg = pl->cfg;
    char *in_path = input_path(cfg, job->index);
    const char *shown_in = in_path != NULL ? in_path : cfg->names[job->index];
    const char *shown_out = job->out_path != NULL ? job->out_path : job->plan.out_name;
    pipeline_stats_t *st = &pl->stats;
    if (job->status == JOB_CANCELLED) {
        st->cancelled++;
        goto done;  /* no line: nothing was written, by request */
    }
    if (job->status == JOB_FAILED) {
        report_file_error(shown_in, "%s", job->err);
        st->failed++;
    } else {
        if (!st->stdout_closed && report_result(shown_in, shown_out) != 0) {
            /* The reader went away (noiseaug ... | head): stop quietly. */
            st->stdout_closed = 1;
            stop(pl, 0);
        }
        st->written += job->status == JOB_OK;
        st->existing += job->status == JOB_EXISTING;
        st->planned += job->status == JOB_PLANNED;
        st->labels_copied += job->label > 0;
        if (job->label < 0) {
            st->labels_missing++;
            if (cfg->verbose)
                report_file_warning(shown_in, "no label in %s", cfg->labels_dir);
        }
    }
    uint64_t total_ns = 0;
    for (int s = 0; s < STAGE_COUNT; s++) {
        st->stage_seconds[s] += (double)job->stage_ns[s] / 1e9;
        total_ns += job->stage_ns[s];
    }
    if (cfg->verbose && job->status == JOB_OK)
        report_file_timing(shown_out, (double)total_ns / 1e6);
    if (cfg->manifest != NULL) {
        int pic = job->plan.partner >= 0;
        manifest_record_t r = {
            .input = shown_in,
            .output = job->out_path != NULL ? job->out_path : "",
            .mode = job->original ? "original" : noise_mode_name(job->plan.mode),
            .has_strength = !job->original && job->plan.mode != NOISE_NONE,
            .strength = job->plan.strength,
            .partner = pic ? cfg->names[job->plan.partner] : NULL,
            .seed = cfg->plan.seed,
            .copy = job->plan.copy,
            .width = job->width, .height = job->height,
            .channels = job->channels, .bits = job->bits,
            .status = status_name(job->status),
            .error = job->status == JOB_FAILED ? job->err : NULL,
            .encoder = codec_encoder(),
        };
        if (manifest_write(cfg->manifest, &r) != 0 && !st->manifest_failed) {
            st->manifest_failed = 1;
            report_error("cannot write the manifest: %s", strerror(errno));
        }
    }
done:
    free(in_path);
    free(job->out_subdir);
    free(job->out_path);
    plan_free(&job->plan);
}

/* Keeps the ring full and drains it in order, until neither makes
 * progress. Jobs that complete while being planned (failures, dry runs)
 * complete at once, hence the loop. */
static void pump(pipeline_t *pl)
{
    int progressed;
    do {
        progressed = 0;
        while (!pl->stats.stopped_by && !pl->stats.stdout_closed &&
               pl->next_job < pl->total_jobs && ring_has_room(&pl->ring))
            submit(pl);
        size_t seq;
        while (ring_pop(&pl->ring, &seq)) {
            emit(pl, &pl->jobs[ring_slot(&pl->ring, seq)]);
            report_progress(seq + 1, pl->total_jobs);
            progressed = 1;
        }
    } while (progressed);
}

static void after_work_cb(uv_work_t *req, int status)
{
    job_t *job = req->data;
    pipeline_t *pl = job->owner;
    job->queued = 0;
    if (status == UV_ECANCELED) {
        job->status = JOB_CANCELLED;
    } else if (status != 0 && job->status != JOB_FAILED) {
        snprintf(job->err, sizeof job->err, "not processed: %s", uv_strerror(status));
        job->status = JOB_FAILED;
    }
    ring_complete(&pl->ring, job->seq);
    pump(pl);
}

int pipeline_run(const pipeline_config_t *cfg, pipeline_stats_t *stats)
{
    pipeline_t pl;
    memset(&pl, 0, sizeof pl);
    pl.cfg = cfg;
    pl.total_jobs = cfg->selected_count * jobs_per_input(cfg);
    /* Writing beside the inputs: every input's name is taken from the
     * start (owners count..2·count-1 mark inputs), so no output replaces one. */
    if (cfg->out_is_in_dir)
        for (size_t i = 0; i < cfg->count; i++) {
            /* Keyed as outputs are: "./a.jpg" and "a.jpg" are one file. */
            size_t first;
            char *sub = path_mirror_dir(cfg->names[i]);
            const char *base = path_basename(cfg->names[i]);
            char *key = sub == NULL ? NULL : path_join(sub, base);
            int rc = key != NULL ? nameset_add(&pl.outputs, key, cfg->count + i, &first) : -1;
            free(sub);
            free(key);
            if (rc < 0 && !(sub == NULL && errno == EINVAL)) {
                nameset_free(&pl.outputs);
                return -1;
            }
        }
    /* Two jobs per thread: one running, one queued behind it, so a thread
     * never idles while the loop thread emits. */
    if (ring_init(&pl.ring, 2 * (size_t)cfg->jobs) != 0)
        return -1;
    pl.jobs = calloc(pl.ring.capacity, sizeof *pl.jobs);
    if (pl.jobs == NULL || uv_loop_init(&pl.loop) != 0) {
        free(pl.jobs);
        ring_free(&pl.ring);
        nameset_free(&pl.outputs);
        return -1;
    }
    /* Signal watchers do not keep the loop alive (uv_unref): the run ends
     * when the work does. */
    uv_signal_init(&pl.loop, &pl.sigint);
    uv_signal_init(&pl.loop, &pl.sigterm);
    pl.sigint.data = pl.sigterm.data = &pl;
    uv_signal_start(&pl.sigint, signal_cb, SIGINT);
    uv_signal_start(&pl.sigterm, signal_cb, SIGTERM);
    uv_unref((uv_handle_t *)&pl.sigint);
    uv_unref((uv_handle_t *)&pl.sigterm);
    pump(&pl);
    uv_run(&pl.loop, UV_RUN_DEFAULT);
    /* A stopped run never submits the rest: those outputs were not started
     * either, as much as the queued jobs libuv cancelled. */
    pl.stats.cancelled += pl.total_jobs - pl.next_job;
    uv_close((uv_handle_t *)&pl.sigint, NULL);
    uv_close((uv_handle_t *)&pl.sigterm, NULL);
    uv_run(&pl.loop, UV_RUN_DEFAULT);  /* runs the close callbacks */
    uv_loop_close(&pl.loop);
    report_progress_done();
    nameset_free(&pl.outputs);
    free(pl.jobs);
    ring_free(&pl.ring);
    *stats = pl.stats;
    return 0;
}
