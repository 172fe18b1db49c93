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
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "codec.h"
#include "fileio.h"
#include "manifest.h"
#include "membudget.h"
#include "path.h"
#include "report.h"
#include "ring.h"

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
    output_paths_t paths;  /* computed once, when the job is planned */
    job_status_t status;
    char err[ERR_LEN];   /* reason, when failed */
    int width, height, channels, bits;
    int source_format;   /* what the input's bytes held (codec_format_t), or -1 */
    int pages;           /* pages of the input (TIFF), 0 when not counted */
    unsigned meta_kept;  /* META_* kinds written into the output */
    unsigned meta_dropped;  /* META_* kinds the input had that the output cannot hold */
    int alpha_dropped;   /* the input's alpha went into a format without it */
    int label;           /* 1 written, 0 none asked for, -1 missing */
    size_t labels_present;  /* label files the input has, seen when planned */
    size_t label_files;  /* label files written */
    int first_of_input;  /* the input's first job: counts its missing label */
    char label_bad[512]; /* a label that did not parse ... */
    char label_bad_reason[256];  /* ... and why */
    int queued;          /* in libuv's queue or running */
    size_t partners_failed[PLAN_PARTNER_TRIES];  /* inputs refused as partners */
    unsigned partners_failed_count;
    char partner_err[ERR_LEN];  /* why the last of them was refused */
    uint64_t stage_ns[STAGE_COUNT];
} job_t;

struct pipeline {
    const pipeline_config_t *cfg;
    uv_loop_t loop;
    ring_t ring;
    job_t *jobs;          /* one per ring slot */
    size_t next_job;      /* next job number to submit */
    size_t total_jobs;
    output_names_t names; /* output names taken so far, and whose */
    uv_async_t stop_async;   /* wakes the loop after a stop signal */
    membudget_t budget;      /* decoded bytes all workers may hold */
    /* Per input: why it could not be read or decoded, once it failed as an
     * input or as a partner (NULL before); a partner remembered so is not
     * decoded again. The reason is the one decoding gives, so whether a
     * job finds it set or decodes the file itself, its output and its
     * messages are the same. */
    _Atomic(char *) *unusable;
    size_t unusable_count;
    output_layout_t layout;  /* where inputs, partners and outputs are */
    run_stats_t stats;
};

/* True when partners are the inputs themselves (not --partners DIR). */
static int partners_are_inputs(const pipeline_config_t *cfg)
{
    return cfg->plan.partners == NULL || cfg->plan.partners->names == cfg->names;
}

/* Where partner p's unusable mark lives: the inputs' own marks, so that an
 * input that failed is never decoded again as a partner; or after them
 * for another folder's images. */
static size_t partner_slot(const pipeline_t *pl, size_t p)
{
    return partners_are_inputs(pl->cfg) ? p : pl->cfg->count + p;
}

/* The name of the job's current partner. */
static const char *partner_name(const job_t *job)
{
    const pipeline_config_t *cfg = job->owner->cfg;
    return plan_partner_name(&cfg->plan, cfg->names, job->plan.partner);
}

/* --- worker ----------------------------------------------------------- */

/* Adds the time since *mark to stage `stage` of the job, and moves the mark. */
static void lap(job_t *job, run_stage_t stage, uint64_t *mark)
{
    uint64_t t = uv_hrtime();
    job->stage_ns[stage] += t - *mark;
    *mark = t;
}

/* Reads a file whole, timing it as `stage`. */
static int read_file(job_t *job, const char *path, unsigned char **data, size_t *len,
                     char *err, size_t errlen, uint64_t *mark, run_stage_t stage)
{
    int rc = fileio_read_all(path, data, len, err, errlen);
    lap(job, stage, mark);
    return rc;
}

/* The bytes a job holds at its peak for an image: the file it read, held
 * while it decodes; the decoded pixels, a turned copy while EXIF
 * orientation is applied; then, while encoding, the pixels, an 8-bit copy
 * (--format from 16 bits) and the encoded output, which for PNG can pass
 * the raw size by a little. The file's length plus three times the raw
 * size bounds all of these (README, "Memory", with measurements). A header
 * that cannot be read is sized at the pixel limit: the decoder will say
 * what is wrong, within it. */
static uint64_t decoded_bytes(const unsigned char *data, size_t len, uint64_t max_pixels)
{
    codec_header_t h;
    if (codec_probe(data, len, max_pixels, &h) != 0)
        return max_pixels * 4u * 2u;  /* 16-bit RGBA */
    return (uint64_t)h.width * (uint64_t)h.height * (uint64_t)h.channels *
           (uint64_t)(h.bits / 8);
}

static uint64_t image_cost(const unsigned char *data, size_t len, uint64_t max_pixels)
{
    return decoded_bytes(data, len, max_pixels) * 3u + len;
}

/* What a partner holds: its file while it decodes, then its pixels, read
 * in place by the kernels. */
static uint64_t partner_cost(const unsigned char *data, size_t len, uint64_t max_pixels)
{
    return decoded_bytes(data, len, max_pixels) + len;
}

/* True for a failure that says nothing about the file: memory or
 * descriptors ran short. Such a failure is not remembered, and a job whose
 * partner meets one fails instead of drawing again, so that no output
 * written depends on timing (another -j could have had the memory). */
static int is_transient(int err_no, const char *why)
{
    return err_no == ENOMEM || err_no == EMFILE || err_no == ENFILE || err_no == EAGAIN ||
           strstr(why, "out of memory") != NULL;
}

/* Remembers why input `index` cannot be used; the first reason stays. */
static void mark_unusable(pipeline_t *pl, size_t index, const char *why)
{
    char *copy = strdup(why), *none = NULL;
    if (copy != NULL && !atomic_compare_exchange_strong(&pl->unusable[index], &none, copy))
        free(copy);
}

/* Decodes data into img, timing it as `stage`; a file that fails is
 * remembered as unusable. */
static int decode_file(job_t *job, size_t index, const unsigned char *data, size_t len,
                       image_t *img, char *err, size_t errlen, uint64_t *mark, run_stage_t stage)
{
    errno = 0;
    int rc = codec_decode(data, len, job->owner->cfg->max_pixels, img, err, errlen);
    int err_no = errno;
    lap(job, stage, mark);
    if (rc != 0 && is_transient(err_no, err))
        return -2;
    if (rc != 0)
        mark_unusable(job->owner, index, err);
    return rc;
}

/* "partner <name>: <why>" for the job's current partner, into buf. */
static void partner_reason(const job_t *job, const char *why, char *buf, size_t len)
{
    snprintf(buf, len, "partner %s: %s", partner_name(job), why);
}

/* Remembers that the job's current partner could not be used, and why. */
static void refuse_partner(job_t *job, const char *why)
{
    job->partners_failed[job->partners_failed_count++] = (size_t)job->plan.partner;
    partner_reason(job, why, job->partner_err, sizeof job->partner_err);
}

/* Tries the job's current partner: decodes it into *partner with the
 * budget for it and the input (in_cost) reserved in *held. Returns 0; -1
 * with nothing held when the partner cannot be used; -2 (job->err set)
 * when a transient failure (is_transient) stopped it. */
static int try_partner(job_t *job, uint64_t in_cost, image_t *partner, uint64_t *held,
                       uint64_t *mark)
{
    pipeline_t *pl = job->owner;
    size_t p = partner_slot(pl, (size_t)job->plan.partner);
    char why[ERR_LEN / 2];
    unsigned char *data = NULL;
    size_t len = 0;
    const char *known = atomic_load(&pl->unusable[p]);
    if (known != NULL) {
        refuse_partner(job, known);
        return -1;
    }
    if (read_file(job, job->paths.partner_path, &data, &len, why, sizeof why, mark,
                  STAGE_PARTNER) != 0) {
        if (is_transient(errno, why)) {
            partner_reason(job, why, job->err, sizeof job->err);
            return -2;
        }
        mark_unusable(pl, p, why);
        refuse_partner(job, why);
        return -1;
    }
    *held = in_cost + partner_cost(data, len, pl->cfg->max_pixels);
    membudget_reserve(&pl->budget, *held);
    int rc = decode_file(job, p, data, len, partner, why, sizeof why, mark, STAGE_PARTNER);
    free(data);
    if (rc != 0) {
        membudget_release(&pl->budget, *held);
        *held = 0;
    }
    if (rc == -2)
        partner_reason(job, why, job->err, sizeof job->err);
    else if (rc != 0)
        refuse_partner(job, why);
    return rc;
}

/* Finds a usable partner for a pic mode: the planned one, else new draws
 * from the plan's stream, PLAN_PARTNER_TRIES in all; else the mode falls
 * back to one without a partner (plan_fall_back). A good image never fails
 * because of its partner. Draws whose renamed output could clash with
 * another input's are passed over (output_name_is_unique), so the result
 * is the same for any -j. Reserves the budget for the input (in_cost) and
 * the partner in *held. Returns 0, or -1 with job->err. */
static int find_partner(job_t *job, uint64_t in_cost, image_t *partner, uint64_t *held,
                        uint64_t *mark)
{
    pipeline_t *pl = job->owner;
    const pipeline_config_t *cfg = pl->cfg;
    plan_t *plan = &job->plan;
    for (unsigned t = 0; t < PLAN_PARTNER_TRIES; t++) {
        if (t > 0) {
            if (plan_redraw_partner(&cfg->plan, cfg->names, cfg->count, job->index, plan) != 0 ||
                output_paths_rename(&job->paths, &pl->layout, plan->out_name,
                                    partner_name(job)) != 0) {
                snprintf(job->err, sizeof job->err, "out of memory");
                return -1;
            }
            if (!output_name_is_unique(&pl->names, job->paths.subdir, plan->out_name, job->index))
                continue;
        }
        int rc = try_partner(job, in_cost, partner, held, mark);
        if (rc != -1)
            return rc == 0 ? 0 : -1;
    }
    if (plan_fall_back(&cfg->plan, cfg->names, job->index, plan) != 0 ||
        output_paths_rename(&job->paths, &pl->layout, plan->out_name, NULL) != 0) {
        snprintf(job->err, sizeof job->err, "out of memory");
        return -1;
    }
    if (!output_name_is_unique(&pl->names, job->paths.subdir, plan->out_name, job->index)) {
        snprintf(job->err, sizeof job->err, "%s", job->partner_err[0] ? job->partner_err
                 : "no usable partner");
        return -1;
    }
    *held = in_cost;
    membudget_reserve(&pl->budget, *held);
    return 0;
}

/* The last checks before an output is written, after its name is final:
 * it is not an input, and its folder exists. Returns 0, or -1 with
 * job->err. */
static int prepare_destination(job_t *job)
{
    const output_paths_t *paths = &job->paths;
    if (output_names_is_input(&job->owner->names, paths->out_path)) {
        /* The last guard: whatever the layout, an input is never replaced. */
        snprintf(job->err, sizeof job->err, "output name %s is an input file; not overwritten",
                 job->plan.out_name);
        return -1;
    }
    if (*paths->subdir && fileio_mkdir_p(paths->out_dir) != 0) {
        snprintf(job->err, sizeof job->err, "cannot create %s: %s", paths->out_dir,
                 strerror(errno));
        return -1;
    }
    return 0;
}

/* Fits an image to a format it is written in by request (--format): one
 * that holds 8-bit samples only gets them rounded from 16 bits. The
 * encoders drop alpha themselves where the format has none. */
static int fit_to_format(image_t *img, int format)
{
    codec_fit_metadata(img, format);
    if (img->bits > codec_format_info(format)->max_bits) {
        image_t eight;
        if (image_alloc(&eight, img->width, img->height, img->channels, 8) != 0)
            return -1;
        size_t n = image_sample_count(img);
        for (size_t i = 0; i < n; i++)
            ((uint8_t *)eight.pixels)[i] = (uint8_t)((((uint16_t *)img->pixels)[i] + 128u) / 257u);
        image_move_extras(&eight, img);
        image_free(img);
        *img = eight;
    }
    return 0;
}

static void fail(job_t *job)
{
    job->status = JOB_FAILED;
}

/* Writes the input's labels beside the output (--labels). Sets
 * job->label; returns -1 (with job->err) when a file could not be read or
 * written. A label that does not parse is named by the loop thread; the
 * image stays, and the run exits 1. */
static int copy_labels(job_t *job)
{
    const labels_config_t *labels = &job->owner->cfg->labels;
    if (labels->dir == NULL)
        return 0;
    if (job->labels_present == 0) {
        job->label = -1;
        return 0;
    }
    labels_result_t res;
    int rc = labels_write(labels, job->paths.subdir, job->owner->cfg->names[job->index],
                          job->plan.out_name, job->paths.out_path, &res, job->err,
                          sizeof job->err);
    job->label_files = res.files;
    job->label = res.files > 0 || res.bad_path[0] ? 1 : -1;
    snprintf(job->label_bad, sizeof job->label_bad, "%s", res.bad_path);
    snprintf(job->label_bad_reason, sizeof job->label_bad_reason, "%s", res.bad_reason);
    return rc;
}

/* True when the job keeps a whole image already at its output path:
 * --skip-existing, or in place an earlier output (by its name) that is
 * this one's. A file that does not decode whole is made again. */
static int keeps_existing(job_t *job)
{
    const pipeline_t *pl = job->owner;
    const pipeline_config_t *cfg = pl->cfg;
    if (!cfg->skip_existing &&
        !output_names_is_earlier(&pl->names, job->paths.subdir, job->plan.out_name))
        return 0;
    return output_is_whole_image(job->paths.out_path, cfg->max_pixels, &job->width,
                                 &job->height);
}

/* Records what of the input survives in the output: its metadata (none
 * with --strip) and its alpha, for the messages and the manifest. */
static void note_what_is_kept(job_t *job, image_t *img)
{
    const codec_format_info_t *out = codec_format_info(job->plan.format);
    if (job->owner->cfg->strip)
        image_meta_free(&img->meta);
    unsigned kinds = image_meta_kinds(&img->meta);
    job->source_format = img->source_format;
    job->pages = img->meta.pages;
    job->meta_kept = kinds & out->meta;
    job->meta_dropped = kinds & ~out->meta;
    job->alpha_dropped = img->alpha && !out->alpha;
}

/* Encodes img in the planned format and writes it into place. */
static int encode_and_write(job_t *job, image_t *img, uint64_t *mark)
{
    const pipeline_config_t *cfg = job->owner->cfg;
    codec_buffer_t encoded = { 0 };
    int rc = fit_to_format(img, job->plan.format);
    if (rc == 0)
        rc = codec_encode(img, (codec_format_t)job->plan.format, cfg->jpeg_quality, &encoded,
                          job->err, sizeof job->err);
    else
        snprintf(job->err, sizeof job->err, "out of memory converting to 8 bits");
    image_free(img);
    lap(job, STAGE_ENCODE, mark);
    if (rc == 0)
        rc = fileio_write_atomic(job->paths.out_dir, job->plan.out_name, encoded.data,
                                 encoded.len, cfg->file_mode, job->err, sizeof job->err);
    codec_buffer_free(&encoded);
    lap(job, STAGE_WRITE, mark);
    return rc;
}

/* One noisy output: read the input, find its partner (pic modes), decode,
 * apply the noise, encode and write. The partner is decoded first, so
 * that a job never waits for the budget while holding decoded pixels. */
static void make_noisy_output(job_t *job, uint64_t *mark)
{
    pipeline_t *pl = job->owner;
    const pipeline_config_t *cfg = pl->cfg;
    const char *planned = job->plan.out_name;
    unsigned char *data = NULL;
    size_t len = 0;
    image_t img = { 0 }, partner = { 0 };
    uint64_t held = 0;
    if (read_file(job, job->paths.in_path, &data, &len, job->err, sizeof job->err, mark,
                  STAGE_READ) != 0) {
        if (!is_transient(errno, job->err))
            mark_unusable(pl, job->index, job->err);
        fail(job);
        return;
    }
    uint64_t in_cost = image_cost(data, len, cfg->max_pixels);
    int rc = 0;
    if (noise_mode_needs_partner(job->plan.mode)) {
        char *before = strdup(planned);
        rc = before != NULL ? find_partner(job, in_cost, &partner, &held, mark) : -1;
        if (before == NULL)
            snprintf(job->err, sizeof job->err, "out of memory");
        /* A new name is checked as the planned one was before the job ran. */
        if (rc == 0 && strcmp(before, job->plan.out_name) != 0) {
            if (keeps_existing(job)) {
                job->status = JOB_EXISTING;
            } else {
                rc = prepare_destination(job);
            }
        }
        free(before);
    } else {
        held = in_cost;
        membudget_reserve(&pl->budget, held);
    }
    if (rc == 0 && job->status != JOB_EXISTING) {
        rc = decode_file(job, job->index, data, len, &img, job->err, sizeof job->err, mark,
                         STAGE_DECODE);
        free(data);
        data = NULL;
        if (rc == 0) {
            rc = noise_apply(job->plan.mode, &img, &partner, &job->plan.rng, job->plan.strength);
            image_free(&partner);
            lap(job, STAGE_NOISE, mark);
            if (rc != 0)
                snprintf(job->err, sizeof job->err, "out of memory applying %s",
                         noise_mode_name(job->plan.mode));
        }
        if (rc == 0) {
            job->width = img.width;
            job->height = img.height;
            job->channels = img.channels;
            job->bits = img.bits;
            note_what_is_kept(job, &img);
            rc = encode_and_write(job, &img, mark);
        }
    }
    free(data);
    image_free(&img);
    image_free(&partner);
    if (held > 0)
        membudget_release(&pl->budget, held);
    if (rc != 0)
        fail(job);
}

/* Runs on a pool thread: everything heavy, nothing shared but the budget
 * and the unusable marks, no printing. */
static void work_cb(uv_work_t *req)
{
    job_t *job = req->data;
    const pipeline_config_t *cfg = job->owner->cfg;
    const output_paths_t *paths = &job->paths;
    uint64_t mark = uv_hrtime();
    if (keeps_existing(job)) {
        job->status = JOB_EXISTING;
    } else if (prepare_destination(job) != 0) {
        fail(job);
    } else if (job->original) {
        if (output_copy_file(paths->in_path, paths->out_dir, job->plan.out_name, cfg->file_mode,
                             job->err, sizeof job->err) != 0)
            fail(job);
        lap(job, STAGE_WRITE, &mark);
    } else {
        make_noisy_output(job, &mark);
    }
    if (job->status != JOB_FAILED && copy_labels(job) != 0) {
        /* An image without its label trains as background: the two are
         * published together or not at all. */
        if (job->status == JOB_OK)
            unlink(paths->out_path);
        fail(job);
    }
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

/* The signals that stop a run, and what the message calls them. SIGHUP is
 * a closed terminal or ssh session, common on long dataset runs: handled
 * as SIGTERM, so that no temporary file is left and the lines already
 * buffered are flushed (exit 129). */
static const struct {
    int signum;
    const char *word;
} stop_signals[3] = {
    { SIGINT, "interrupted" }, { SIGTERM, "terminated" }, { SIGHUP, "hung up" },
};

/* The stop signals are caught by a plain handler, not by libuv's watcher,
 * which runs on the loop thread: that thread may be blocked (writing to a
 * stalled stdout reader), and a second Ctrl-C must still exit at once. The
 * handler only records the first signal and wakes the loop
 * (uv_async_send is async-signal-safe); on the second, it removes the
 * temporaries of writes in flight (also async-signal-safe) and exits. */
static volatile sig_atomic_t stop_signum;
static uv_async_t *stop_wakeup;

static void on_stop_signal(int signum)
{
    if (stop_signum != 0) {
        fileio_remove_temporaries();
        _exit(128 + signum);
    }
    stop_signum = signum;
    uv_async_send(stop_wakeup);
}

/* Installs on_stop_signal, or the default action back (handler SIG_DFL). */
static void catch_stop_signals(void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
        sigaction(stop_signals[i].signum, &sa, NULL);
}

/* On the loop thread, after the first stop signal: stops the run
 * gracefully, the images in progress finished. */
static void stop_cb(uv_async_t *handle)
{
    pipeline_t *pl = handle->data;
    int signum = stop_signum;
    if (signum == 0 || pl->stats.stopped_by != 0)
        return;
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
        if (stop_signals[i].signum == signum)
            report_file_warning(NULL, "%s: finishing the images in progress; "
                                "press Ctrl-C again to stop at once", stop_signals[i].word);
    stop(pl, signum);
}

/* Jobs per input: the original (with --include-originals, unless it is
 * already where the outputs go) and the noisy copies. */
static size_t jobs_per_input(const pipeline_config_t *cfg)
{
    return cfg->plan.copies + (cfg->include_originals && !cfg->out_is_in_dir ? 1 : 0);
}

/* Plans job number n: its plan, its paths, and whether its name is free.
 * Returns 0, or -1 with the reason in job->err. */
static int plan_job(pipeline_t *pl, job_t *job, size_t n)
{
    const pipeline_config_t *cfg = pl->cfg;
    size_t per = jobs_per_input(cfg), originals = per - cfg->plan.copies;
    job->index = cfg->selected[n / per];
    job->original = originals && n % per == 0;
    job->first_of_input = n % per == 0;
    const char *name = cfg->names[job->index];
    if (job->original) {
        job->plan.mode = NOISE_NONE;
        job->plan.fallback_from = -1;
        job->plan.partner = -1;
        job->plan.format = -1;
        job->plan.out_name = strdup(path_basename(name));
    } else if (plan_make(&cfg->plan, cfg->names, cfg->count, job->index,
                         (unsigned)(n % per - originals), &job->plan) != 0) {
        job->plan.out_name = NULL;
    }
    if (job->plan.out_name == NULL) {
        snprintf(job->err, sizeof job->err, "out of memory");
        return -1;
    }
    if (output_paths_make(&job->paths, &pl->layout, name, job->plan.out_name,
                          partner_name(job), job->err, sizeof job->err) != 0)
        return -1;
    if (output_names_claim(&pl->names, job->paths.subdir, job->plan.out_name, job->index,
                           job->err, sizeof job->err) != 0)
        return -1;
    if (cfg->coco_images != NULL && cfg->coco_images[job->index] < 0) {
        job->label = -1;
        if (cfg->require_labels) {
            snprintf(job->err, sizeof job->err, "not in %s (--require-labels)", cfg->coco);
            return -1;
        }
    }
    if (cfg->labels.dir == NULL)
        return 0;
    /* Looked for here, so that --dry-run checks labels too. */
    job->labels_present = labels_count(&cfg->labels, job->paths.subdir, name);
    if (job->labels_present == 0) {
        job->label = -1;
        if (!cfg->require_labels)
            return 0;
        snprintf(job->err, sizeof job->err, "no label in %s (--require-labels)",
                 cfg->labels.dir);
        return -1;
    }
    return output_names_claim_label(&pl->names, job->paths.subdir, job->plan.out_name,
                                    job->index, job->err, sizeof job->err);
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
    job->source_format = -1;
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

void pipeline_coco_sink_free(pipeline_coco_sink_t *sink)
{
    for (size_t i = 0; i < sink->count; i++)
        free(sink->entries[i].file_name);
    free(sink->entries);
    memset(sink, 0, sizeof *sink);
}

/* Keeps a written (or kept) output for the COCO file. */
static void collect_coco_entry(pipeline_coco_sink_t *sink, const job_t *job)
{
    if (sink->out_of_memory)
        return;
    if (sink->count == sink->cap) {
        size_t cap = sink->cap ? 2 * sink->cap : 256;
        pipeline_coco_entry_t *grown = realloc(sink->entries, cap * sizeof *grown);
        if (grown == NULL) {
            sink->out_of_memory = 1;
            return;
        }
        sink->entries = grown;
        sink->cap = cap;
    }
    char *name = path_join(job->paths.subdir, job->plan.out_name);
    if (name == NULL) {
        sink->out_of_memory = 1;
        return;
    }
    sink->entries[sink->count++] = (pipeline_coco_entry_t){
        .input = job->index,
        .copy = job->plan.copy,
        .file_name = name,
        .width = (unsigned)job->width,
        .height = (unsigned)job->height,
    };
}

/* The messages about what of an input did not make it into its output:
 * the pages after the first (always: pixels were left out), and under -v
 * a name that lies about the bytes, and metadata the output format cannot
 * hold. Alpha dropped is counted for one warning at the end of the run. */
static void report_what_is_kept(pipeline_t *pl, const job_t *job, const char *shown_in)
{
    const pipeline_config_t *cfg = pl->cfg;
    const codec_format_info_t *out = codec_format_info(job->plan.format);
    pl->stats.alpha_dropped += job->alpha_dropped != 0;
    if (job->pages > 1 && job->plan.copy == 0)
        report_file_warning(shown_in, "%d pages; only the first is written", job->pages);
    if (!cfg->verbose || job->plan.copy != 0)
        return;
    int named = codec_format_of_ext(path_ext(path_basename(shown_in)));
    const codec_format_info_t *held = codec_format_info(job->source_format);
    if (held != NULL && named >= 0 && named != job->source_format)
        report_file_warning(shown_in, "holds %s, not %s as its name says: read as %s, "
                            "written as %s", held->name, codec_format_info(named)->name,
                            held->name, out->name);
    if (job->meta_dropped != 0) {
        char kinds[128];
        image_meta_kind_list(job->meta_dropped, ", ", kinds, sizeof kinds);
        report_file_warning(shown_in, "%s not kept: %s cannot hold %s", kinds, out->name,
                            job->meta_dropped & (job->meta_dropped - 1) ? "them" : "it");
    }
}

/* Prints a finished job's line or error, writes its manifest record and
 * releases what it holds. */
static void emit(pipeline_t *pl, job_t *job)
{
    const pipeline_config_t *cfg = pl->cfg;
    const char *shown_in = job->paths.in_path != NULL ? job->paths.in_path : cfg->names[job->index];
    const char *shown_out = job->paths.out_path != NULL ? job->paths.out_path : job->plan.out_name;
    run_stats_t *st = &pl->stats;
    if (job->status == JOB_CANCELLED) {
        st->cancelled++;
        goto done;  /* no line: nothing was written, by request */
    }
    if (job->status == JOB_FAILED) {
        report_file_error(shown_in, "%s", job->err);
        st->failed++;
    } else {
        if (!st->stdout_closed && !st->stdout_error && report_result(shown_in, shown_out) != 0) {
            if (errno == EPIPE) {
                /* The reader went away (noiseaug ... | head): stop quietly. */
                st->stdout_closed = 1;
                stop(pl, 0);
            } else {
                /* A full disk, a closed descriptor: the lines are lost, the
                 * images are not; say so once and go on (exit 1). */
                st->stdout_error = errno ? errno : EIO;
                report_error("cannot write to standard output: %s", strerror(st->stdout_error));
            }
        }
        st->written += job->status == JOB_OK;
        st->existing += job->status == JOB_EXISTING;
        st->planned += job->status == JOB_PLANNED;
        st->labels_copied += job->label_files;
        if (job->label_bad[0]) {
            report_file_error(job->label_bad, "%s; the image is written without it",
                              job->label_bad_reason);
            st->labels_failed++;
        }
        if (job->status != JOB_PLANNED && !job->original && cfg->coco_sink != NULL &&
            cfg->coco_images[job->index] >= 0)
            collect_coco_entry(cfg->coco_sink, job);
        if (job->label < 0 && job->first_of_input) {
            if (st->labels_missing < RUN_STATS_MISSING_NAMED)
                snprintf(st->missing_named[st->labels_missing], sizeof st->missing_named[0],
                         "%s", shown_in);
            st->labels_missing++;
            if (cfg->verbose)
                report_file_warning(shown_in, "no label in %s", cfg->labels.dir);
        }
    }
    uint64_t total_ns = 0;
    for (int s = 0; s < STAGE_COUNT; s++) {
        st->stage_seconds[s] += (double)job->stage_ns[s] / 1e9;
        total_ns += job->stage_ns[s];
    }
    if (job->status == JOB_OK && !job->original)
        report_what_is_kept(pl, job, shown_in);
    if (cfg->verbose && job->status == JOB_OK)
        report_file_timing(shown_out, (double)total_ns / 1e6);
    if (job->status == JOB_OK && job->plan.fallback_from >= 0)
        report_file_warning(shown_in, "no usable partner in %d draws (last: %s); %s instead of %s",
                            PLAN_PARTNER_TRIES, job->partner_err, noise_mode_name(job->plan.mode),
                            noise_mode_name((noise_mode_t)job->plan.fallback_from));
    else if (job->status == JOB_OK && job->partners_failed_count > 0 && cfg->verbose)
        report_file_warning(shown_in, "%s; drew %s instead", job->partner_err,
                            partner_name(job));
    if (cfg->manifest != NULL) {
        int pic = job->plan.partner >= 0;
        const char *failed[PLAN_PARTNER_TRIES];
        for (unsigned i = 0; i < job->partners_failed_count; i++)
            failed[i] = plan_partner_name(&cfg->plan, cfg->names, (long)job->partners_failed[i]);
        manifest_record_t r = {
            .input = shown_in,
            .output = job->paths.out_path != NULL ? job->paths.out_path : "",
            .mode = job->original ? "original" : noise_mode_name(job->plan.mode),
            .has_strength = !job->original && job->plan.mode != NOISE_NONE,
            .strength = job->plan.strength,
            .partner = pic ? partner_name(job) : NULL,
            .partners_failed = failed,
            .partners_failed_count = job->partners_failed_count,
            .fallback_from = job->plan.fallback_from >= 0
                ? noise_mode_name((noise_mode_t)job->plan.fallback_from) : NULL,
            .seed = cfg->plan.seed,
            .copy = job->plan.copy,
            .width = job->width, .height = job->height,
            .channels = job->channels, .bits = job->bits,
            .status = status_name(job->status),
            .error = job->status == JOB_FAILED ? job->err : NULL,
            .encoder = codec_encoder(),
            .metadata = job->status == JOB_OK && !job->original ? job->meta_kept : 0,
            .metadata_known = job->status == JOB_OK && !job->original,
        };
        if (manifest_write(cfg->manifest, &r) != 0 && !st->manifest_failed) {
            st->manifest_failed = 1;
            report_error("cannot write the manifest: %s", strerror(errno));
        }
    }
done:
    output_paths_free(&job->paths);
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

/* The stack size libuv gives its pool threads (threadpool.c). */
#define POOL_STACK_SIZE (8u << 20)

/* A trial thread waits here until every trial has been made, so that all
 * of them exist at once, as the pool's threads will. */
static void trial_thread(void *arg)
{
    uv_sem_wait(arg);
}

unsigned pipeline_usable_threads(unsigned wanted, int *err)
{
    *err = 0;
    uv_thread_t *threads = malloc((size_t)wanted * sizeof *threads);
    uv_sem_t go;
    if (threads == NULL || uv_sem_init(&go, 0) != 0) {
        free(threads);
        *err = UV_ENOMEM;
        return 0;
    }
    uv_thread_options_t options = { UV_THREAD_HAS_STACK_SIZE, POOL_STACK_SIZE };
    unsigned started = 0;
    while (started < wanted) {
        int rc = uv_thread_create_ex(&threads[started], &options, trial_thread, &go);
        if (rc != 0) {
            *err = rc;
            break;
        }
        started++;
    }
    for (unsigned i = 0; i < started; i++)
        uv_sem_post(&go);
    for (unsigned i = 0; i < started; i++)
        uv_thread_join(&threads[i]);
    uv_sem_destroy(&go);
    free(threads);
    return started;
}

int pipeline_run(const pipeline_config_t *cfg, run_stats_t *stats)
{
    pipeline_t pl;
    memset(&pl, 0, sizeof pl);
    pl.cfg = cfg;
    pl.stats = *stats;
    pl.layout = (output_layout_t){
        .in_dir = cfg->in_dir,
        .out_dir = cfg->out_dir,
        .partner_dir = partners_are_inputs(cfg) ? cfg->in_dir : cfg->partner_dir,
        .flat = cfg->flat_outputs,
    };
    pl.total_jobs = cfg->selected_count * jobs_per_input(cfg);
    /* Writing beside the inputs: every input's name is taken from the
     * start, so that no output replaces one. */
    if (output_names_init(&pl.names, cfg->names, cfg->count, cfg->in_dir, cfg->out_is_in_dir) != 0)
        return -1;
    output_names_configure(&pl.names, cfg->plan.format, cfg->labels.dir != NULL);
    if (!partners_are_inputs(cfg)) {
        pl.names.other_partners = cfg->plan.partners->names;
        pl.names.other_partner_count = cfg->plan.partners->count;
    }
    /* Earlier outputs found in place are kept: a rerun with the same seed
     * writes nothing new and fails nothing. */
    if (output_names_reserve_earlier(&pl.names, cfg->earlier, cfg->earlier_count) != 0 ||
        (cfg->labels.dir != NULL && fileio_same_file(cfg->labels.dir, cfg->labels.out) &&
         output_names_reserve_labels(&pl.names) != 0)) {
        output_names_free(&pl.names);
        return -1;
    }
    /* Two jobs per thread: one running, one queued behind it, so a thread
     * never idles while the loop thread emits. */
    if (ring_init(&pl.ring, 2 * (size_t)cfg->jobs) != 0) {
        output_names_free(&pl.names);
        return -1;
    }
    pl.jobs = calloc(pl.ring.capacity, sizeof *pl.jobs);
    pl.unusable_count = cfg->count + (partners_are_inputs(cfg) ? 0 : cfg->plan.partners->count);
    pl.unusable = calloc(pl.unusable_count ? pl.unusable_count : 1, sizeof *pl.unusable);
    if (pl.jobs == NULL || pl.unusable == NULL ||
        membudget_init(&pl.budget, cfg->max_memory ? cfg->max_memory : UINT64_MAX) != 0) {
        free(pl.jobs);
        free(pl.unusable);
        ring_free(&pl.ring);
        output_names_free(&pl.names);
        return -1;
    }
    if (uv_loop_init(&pl.loop) != 0) {
        membudget_destroy(&pl.budget);
        free(pl.unusable);
        free(pl.jobs);
        ring_free(&pl.ring);
        output_names_free(&pl.names);
        return -1;
    }
    /* The wake-up does not keep the loop alive (uv_unref): the run ends
     * when the work does. */
    uv_async_init(&pl.loop, &pl.stop_async, stop_cb);
    pl.stop_async.data = &pl;
    uv_unref((uv_handle_t *)&pl.stop_async);
    stop_signum = 0;
    stop_wakeup = &pl.stop_async;
    catch_stop_signals(on_stop_signal);
    pump(&pl);
    uv_run(&pl.loop, UV_RUN_DEFAULT);
    /* A stopped run never submits the rest: those outputs were not started
     * either, as much as the queued jobs libuv cancelled. */
    pl.stats.cancelled += pl.total_jobs - pl.next_job;
    /* A signal from here on finds the default action, not a closed handle. */
    catch_stop_signals(SIG_DFL);
    uv_close((uv_handle_t *)&pl.stop_async, NULL);
    uv_run(&pl.loop, UV_RUN_DEFAULT);  /* runs the close callbacks */
    uv_loop_close(&pl.loop);
    report_progress_done();
    output_names_free(&pl.names);
    pl.stats.memory_peak = pl.budget.peak;
    pl.stats.memory_waits = pl.budget.waits;
    membudget_destroy(&pl.budget);
    for (size_t i = 0; i < pl.unusable_count; i++)
        free(atomic_load(&pl.unusable[i]));
    free(pl.unusable);
    free(pl.jobs);
    ring_free(&pl.ring);
    *stats = pl.stats;
    return 0;
}
