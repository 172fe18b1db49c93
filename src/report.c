/* report: the tool's messages, in one place so their format stays uniform. */
#include "report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

static void vmessage(const char *path, const char *fmt, va_list ap)
{
    /* stdout may be a pipe that is read together with stderr; flushing it
     * first keeps the two streams in the order things happened. */
    fflush(stdout);
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

void report_result(const char *input_path, const char *output_path)
{
    printf("%s --> %s\n", input_path, output_path);
}

void report_summary(const report_summary_t *s)
{
    double rate = s->seconds > 0.0 ? (double)s->written / s->seconds : 0.0;
    fflush(stdout);
    fprintf(stderr,
            "noiseaug: %zu written, %zu failed, %zu skipped in %.2f s "
            "(%.1f images/s), seed %" PRIu64 "\n",
            s->written, s->failed, s->skipped, s->seconds, rate, s->seed);
}

void report_stats(const char *const *names, const double *seconds, int count)
{
    fflush(stdout);
    fputs("noiseaug: stats (thread-seconds summed over jobs):", stderr);
    for (int i = 0; i < count; i++)
        fprintf(stderr, "%s %s %.3f", i ? "," : "", names[i], seconds[i]);
    fputc('\n', stderr);
}

void report_unread(const char *format, char *const *names, size_t count)
{
    enum { SHOWN = 5 };
    fflush(stdout);
    fprintf(stderr, "noiseaug: skipped %zu %s file%s that noiseaug cannot read: ",
            count, format, count == 1 ? "" : "s");
    for (size_t i = 0; i < count && i < SHOWN; i++)
        fprintf(stderr, "%s%s", i ? ", " : "", names[i]);
    if (count > SHOWN)
        fprintf(stderr, " and %zu more", count - SHOWN);
    fputc('\n', stderr);
}
