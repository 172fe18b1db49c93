/* pipeline: the libuv loop, the job ring and back-pressure.
 *
 * Design. The loop runs on the main thread. Each input image is one job,
 * queued with uv_queue_work; the work callback runs on a pool thread and
 * does everything heavy (read, decode, noise, encode, write) without
 * touching shared state or printing. libuv runs every after-work callback
 * on the loop thread, one at a time, so the emitting side needs no locks.
 *
 * Order. Job i gets sequence number i and lives in ring slot i & mask. When
 * a job completes, its slot is marked done and every done slot from
 * next_emit on is emitted (its line printed) and freed; each freed slot lets
 * one more job in. At most `capacity` jobs (about 2 x threads) exist at a
 * time, so memory is bounded by the pool size, not by the number of files,
 * and the pool always has queued work while earlier results wait.
 *
 * Determinism. A job's mode, partner and noise come from its own random
 * stream, keyed by the seed and the input's name, so the bytes written do
 * not depend on which thread ran the job or when. */
#include "pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "codec.h"
#include "fileio.h"
#include "report.h"
#include "nameset.h"
#include "ring.h"
#include "scan.h"

#define ERR_LEN 512

typedef struct pipeline pipeline_t;

typedef struct {
    uv_work_t req;
    pipeline_t *owner;
    size_t seq;          /* sequence number in the ring */
    size_t index;        /* position in the input list */
    plan_t plan;
    int failed;
    char err[ERR_LEN];   /* reason, when failed */
    uint64_t stage_ns[STAGE_COUNT];  /* time spent in each stage */
} job_t;

struct pipeline {
    const pipeline_config_t *cfg;
    uv_loop_t loop;
    ring_t ring;
    job_t *jobs;         /* one per ring slot */
    size_t next_input;   /* next input index to submit */
    nameset_t outputs;   /* output names planned so far, and whose */
    pipeline_stats_t stats;
};

/* Adds the time since *mark to stage `stage` of the job, and moves the mark. */
static void lap(job_t *job, pipeline_stage_t stage, uint64_t *mark)
{
    uint64_t t = uv_hrtime();
    job->stage_ns[stage] += t - *mark;
    *mark = t;
}

/* Reads and decodes dir/name, timing the read and the decode (or both as
 * STAGE_PARTNER for a partner). */
static int load_image(job_t *job, const char *dir, const char *name,
                      image_t *img, char *err, size_t errlen, uint64_t *mark,
                      int partner)
{
    char *path = fileio_join(dir, name);
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
static int apply_noise(const pipeline_config_t *cfg, job_t *job, image_t *img,
                       uint64_t *mark)
{
    plan_t *plan = &job->plan;
    const noise_params_t *p = &cfg->params;
    image_t partner = { 0 };
    if (noise_mode_needs_partner(plan->mode)) {
        const char *name = cfg->names[plan->partner];
        char why[ERR_LEN / 2];
        if (load_image(job, cfg->in_dir, name, &partner, why, sizeof why, mark, 1) != 0) {
            snprintf(job->err, sizeof job->err, "partner %s: %s", name, why);
            return -1;
        }
    }
    int rc = 0;
    switch (plan->mode) {
    case NOISE_PS:
        noise_salt_pepper(img, &plan->rng, p->ps_amount);
        break;
    case NOISE_ADD_GAUSS:
        rc = noise_add_gauss(img, &plan->rng, p->gauss_weight);
        break;
    case NOISE_MIX_GAUSS:
        noise_mix_gauss(img, &plan->rng, p->mix_rate);
        break;
    case NOISE_ADD_PIC:
        rc = noise_add_pic(img, &partner, p->blend);
        break;
    case NOISE_MIX_PIC:
        noise_mix_pic(img, &partner, &plan->rng, p->mix_rate);
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

/* Runs on a pool thread: everything heavy, nothing shared, no printing. */
static void work_cb(uv_work_t *req)
{
    job_t *job = req->data;
    const pipeline_config_t *cfg = job->owner->cfg;
    const char *name = cfg->names[job->index];
    image_t img = { 0 };
    codec_buffer_t encoded = { 0 };
    uint64_t mark = uv_hrtime();

    if (load_image(job, cfg->in_dir, name, &img, job->err, sizeof job->err, &mark, 0) != 0)
        goto fail;
    if (apply_noise(cfg, job, &img, &mark) != 0)
        goto fail;
    int format = codec_output_format(scan_ext(name));
    int rc = codec_encode(&img, (codec_format_t)format, cfg->jpeg_quality, &encoded,
                          job->err, sizeof job->err);
    image_free(&img);
    lap(job, STAGE_ENCODE, &mark);
    if (rc != 0)
        goto fail;
    rc = fileio_write_atomic(cfg->out_dir, job->plan.out_name, encoded.data,
                             encoded.len, cfg->file_mode, job->err, sizeof job->err);
    codec_buffer_free(&encoded);
    lap(job, STAGE_WRITE, &mark);
    if (rc != 0)
        goto fail;
    return;
fail:
    job->failed = 1;
    image_free(&img);
    codec_buffer_free(&encoded);
}

static void after_work_cb(uv_work_t *req, int status);

/* Plans the next input into a free slot and queues it. Planning happens
 * here, on the loop thread: it is cheap and needs the whole input list. */
static void submit(pipeline_t *pl)
{
    const pipeline_config_t *cfg = pl->cfg;
    size_t seq = ring_push(&pl->ring);
    job_t *job = &pl->jobs[ring_slot(&pl->ring, seq)];
    memset(job, 0, sizeof *job);
    job->owner = pl;
    job->seq = seq;
    job->index = pl->next_input++;
    job->req.data = job;
    int rc = plan_make(&cfg->modes, cfg->seed, cfg->names, cfg->count,
                       job->index, &job->plan);
    size_t first = 0;
    int added = rc == 0 ? nameset_add(&pl->outputs, job->plan.out_name, job->index, &first) : -1;
    if (rc != 0 || added < 0) {
        snprintf(job->err, sizeof job->err, "out of memory");
        rc = -1;
    } else if (added == 0) {
        /* Two inputs, one output name (a.gif and a.png both give a_ps.png
         * under ps): the first in input order keeps it. */
        snprintf(job->err, sizeof job->err,
                 "output name %s is already taken by %s; not written",
                 job->plan.out_name, cfg->names[first]);
        rc = -1;
    } else if (cfg->out_is_in_dir &&
               scan_find(cfg->names, cfg->count, job->plan.out_name) >= 0) {
        /* Writing in place: this output's name is taken by an input. */
        snprintf(job->err, sizeof job->err,
                 "output name %s is an input file; not overwritten",
                 job->plan.out_name);
        rc = -1;
    } else {
        rc = uv_queue_work(&pl->loop, &job->req, work_cb, after_work_cb);
        if (rc != 0)
            snprintf(job->err, sizeof job->err, "cannot queue work: %s",
                     uv_strerror(rc));
    }
    if (rc != 0) {
        job->failed = 1;
        ring_complete(&pl->ring, seq);
    }
}

/* Prints a finished job's line or error and releases what it holds. */
static void emit(pipeline_t *pl, job_t *job)
{
    const pipeline_config_t *cfg = pl->cfg;
    char *in_path = fileio_join(cfg->in_dir, cfg->names[job->index]);
    const char *shown = in_path != NULL ? in_path : cfg->names[job->index];
    if (job->failed) {
        report_file_error(shown, "%s", job->err);
        pl->stats.failed++;
    } else {
        char *out_path = fileio_join(cfg->out_dir, job->plan.out_name);
        report_result(shown, out_path != NULL ? out_path : job->plan.out_name);
        free(out_path);
        pl->stats.written++;
    }
    for (int s = 0; s < STAGE_COUNT; s++)
        pl->stats.stage_seconds[s] += (double)job->stage_ns[s] / 1e9;
    free(in_path);
    plan_free(&job->plan);
}

/* Keeps the ring full and drains it in order, until neither makes
 * progress. Jobs that fail while being planned complete at once, hence
 * the loop. */
static void pump(pipeline_t *pl)
{
    int progressed;
    do {
        progressed = 0;
        while (pl->next_input < pl->cfg->count && ring_has_room(&pl->ring))
            submit(pl);
        size_t seq;
        while (ring_pop(&pl->ring, &seq)) {
            emit(pl, &pl->jobs[ring_slot(&pl->ring, seq)]);
            progressed = 1;
        }
    } while (progressed);
}

static void after_work_cb(uv_work_t *req, int status)
{
    job_t *job = req->data;
    pipeline_t *pl = job->owner;
    if (status != 0 && !job->failed) {
        snprintf(job->err, sizeof job->err, "not processed: %s",
                 uv_strerror(status));
        job->failed = 1;
    }
    ring_complete(&pl->ring, job->seq);
    pump(pl);
}

int pipeline_run(const pipeline_config_t *cfg, pipeline_stats_t *stats)
{
    pipeline_t pl;
    memset(&pl, 0, sizeof pl);
    pl.cfg = cfg;
    /* Two jobs per thread: one running, one queued behind it, so a thread
     * never idles while the loop thread emits. */
    if (ring_init(&pl.ring, 2 * (size_t)cfg->jobs) != 0)
        return -1;
    pl.jobs = calloc(pl.ring.capacity, sizeof *pl.jobs);
    if (pl.jobs == NULL || uv_loop_init(&pl.loop) != 0) {
        free(pl.jobs);
        ring_free(&pl.ring);
        return -1;
    }
    pump(&pl);
    uv_run(&pl.loop, UV_RUN_DEFAULT);
    uv_loop_close(&pl.loop);
    nameset_free(&pl.outputs);
    free(pl.jobs);
    ring_free(&pl.ring);
    *stats = pl.stats;
    return 0;
}
