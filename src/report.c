/* report: the tool's messages, in one place so their format stays uniform.
 *
 * The progress line lives on stderr only. It is redrawn at most 8 times a
 * second, and erased before any other stderr message is printed, so
 * messages never land in the middle of it. */
#include "report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

/* The one piece of global state: display preferences, set once by main. */
static struct {
    int quiet;           /* errors only on stderr */
    int progress;        /* draw the progress line */
    int line_shown;      /* a progress line is on screen now */
    double started;      /* when progress began, in seconds */
    double last_draw;
} display;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void report_set_display(int quiet, int progress)
{
    display.quiet = quiet;
    display.progress = progress && !quiet;
    display.started = now_seconds();
    display.last_draw = 0;
}

int report_stderr_is_terminal(void)
{
    return isatty(STDERR_FILENO);
}

/* Erases the progress line, if one is shown, before another message. */
static void clear_progress(void)
{
    if (display.line_shown) {
        fputs("\r\033[K", stderr);
        display.line_shown = 0;
    }
}

static void vmessage(const char *path, const char *fmt, va_list ap)
{
    /* stdout may be a pipe that is read together with stderr; flushing it
     * first keeps the two streams in the order things happened. */
    fflush(stdout);
    clear_progress();
    fputs("noiseaug: ", stderr);
    if (path != NULL)
        fprintf(stderr, "%s: ", path);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void report_file_error(const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(path, fmt, ap);
    va_end(ap);
}

void report_file_warning(const char *path, const char *fmt, ...)
{
    if (display.quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vmessage(path, fmt, ap);
    va_end(ap);
}

void report_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(NULL, fmt, ap);
    va_end(ap);
}

void report_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(NULL, fmt, ap);
    va_end(ap);
    fputs("Try 'noiseaug --help'.\n", stderr);
}

int report_result(const char *input_path, const char *output_path)
{
    return printf("%s --> %s\n", input_path, output_path) < 0 || ferror(stdout) ? -1 : 0;
}

void report_file_timing(const char *path, double ms)
{
    report_file_warning(path, "%.1f ms", ms);
}

void report_progress(size_t done, size_t total)
{
    if (!display.progress)
        return;
    double t = now_seconds();
    if (done < total && t - display.last_draw < 0.125)
        return;  /* at most 8 redraws a second */
    display.last_draw = t;
    double elapsed = t - display.started, rate = elapsed > 0 ? (double)done / elapsed : 0;
    double eta = rate > 0 ? (double)(total - done) / rate : 0;
    fflush(stdout);
    fprintf(stderr, "\r\033[K%zu/%zu %3.0f%% %.1f img/s ETA %d:%02d", done, total,
            total ? 100.0 * (double)done / (double)total : 100.0, rate,
            (int)eta / 60, (int)eta % 60);
    fflush(stderr);
    display.line_shown = 1;
}

void report_progress_done(void)
{
    clear_progress();
}

void report_unread(const char *format, char *const *names, size_t count)
{
    enum { SHOWN = 5 };
    if (display.quiet)
        return;
    fflush(stdout);
    clear_progress();
    fprintf(stderr, "noiseaug: skipped %zu %s file%s that noiseaug cannot read: ",
            count, format, count == 1 ? "" : "s");
    for (size_t i = 0; i < count && i < SHOWN; i++)
        fprintf(stderr, "%s%s", i ? ", " : "", names[i]);
    if (count > SHOWN)
        fprintf(stderr, " and %zu more", count - SHOWN);
    fputc('\n', stderr);
}

void report_stage_times(const run_stats_t *s, uint64_t budget)
{
    static const char *const names[STAGE_COUNT] = {
        "read", "decode", "partner", "noise", "encode", "write",
    };
    fflush(stdout);
    clear_progress();
    fputs("noiseaug: stats (thread-seconds summed over jobs):", stderr);
    for (int i = 0; i < STAGE_COUNT; i++)
        fprintf(stderr, "%s %s %.3f", i ? "," : "", names[i], s->stage_seconds[i]);
    fputc('\n', stderr);
    fprintf(stderr, "noiseaug: memory: at most %.1f MiB of decoded images reserved at once",
            (double)s->memory_peak / 1048576.0);
    if (budget > 0)
        fprintf(stderr, " (budget %.1f MiB, %" PRIu64 " jobs waited)", (double)budget / 1048576.0,
                s->memory_waits);
    fputc('\n', stderr);
}

void report_alpha_dropped(const run_stats_t *s)
{
    if (s->alpha_dropped == 0 || display.quiet)
        return;
    clear_progress();
    fprintf(stderr, "noiseaug: %zu image%s with alpha written in a format without it "
            "(JPEG): the alpha was dropped, not composited; -f png or webp keeps it\n",
            s->alpha_dropped, s->alpha_dropped == 1 ? "" : "s");
}

void report_missing_labels(const run_stats_t *s, const char *labels_dir)
{
    if (s->labels_missing == 0)
        return;
    clear_progress();
    fprintf(stderr, "noiseaug: %zu image%s no label in %s: ", s->labels_missing,
            s->labels_missing == 1 ? " has" : "s have", labels_dir);
    size_t named = s->labels_missing < RUN_STATS_MISSING_NAMED ? s->labels_missing
                                                                : RUN_STATS_MISSING_NAMED;
    for (size_t i = 0; i < named; i++)
        fprintf(stderr, "%s%s", i ? ", " : "", s->missing_named[i]);
    fprintf(stderr, "%s (YOLO reads an image without one as background; -v names each, "
            "--require-labels fails them)\n", s->labels_missing > named ? ", ..." : "");
}

void report_summary(const run_stats_t *s)
{
    if (display.quiet)
        return;
    double rate = s->seconds > 0.0 ? (double)s->written / s->seconds : 0.0;
    fflush(stdout);
    clear_progress();
    fprintf(stderr, "noiseaug: %zu written, %zu failed, %zu skipped", s->written,
            s->failed + s->rejected, s->skipped);
    if (s->existing)
        fprintf(stderr, ", %zu already there", s->existing);
    if (s->planned)
        fprintf(stderr, ", %zu planned (dry run)", s->planned);
    if (s->cancelled)
        fprintf(stderr, ", %zu not started (interrupted)", s->cancelled);
    if (s->labels_copied || s->labels_missing || s->labels_failed)
        fprintf(stderr, ", %zu label files written, %zu images without a label",
                s->labels_copied, s->labels_missing);
    if (s->labels_failed)
        fprintf(stderr, ", %zu unreadable", s->labels_failed);
    fprintf(stderr, " in %.2f s (%.1f images/s), seed %" PRIu64 "\n", s->seconds, rate, s->seed);
}
