/* report: everything the user reads. Results go to stdout, diagnostics to
 * stderr. Only the loop (main) thread calls these. */
#ifndef NOISEAUG_REPORT_H
#define NOISEAUG_REPORT_H

#include <stddef.h>
#include <stdint.h>

/* Prints "noiseaug: <path>: <reason>" on stderr. */
void report_file_error(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "noiseaug: <message>" on stderr. */
void report_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "noiseaug: <message>" and the --help hint on stderr. */
void report_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "noiseaug: skipped N <format> files that noiseaug cannot read:
 * a, b, ..." on stderr, naming the first few. */
void report_unread(const char *format, char *const *names, size_t count);

/* Prints one result line, "<input> --> <output>", on stdout. */
void report_result(const char *input_path, const char *output_path);

/* Counts for the closing summary. */
typedef struct {
    size_t written;
    size_t failed;
    size_t skipped;
    double seconds;
    uint64_t seed;
} report_summary_t;

/* Prints "noiseaug: stats: name seconds, ..." on stderr. */
void report_stats(const char *const *names, const double *seconds, int count);

/* Prints the one-line summary on stderr. */
void report_summary(const report_summary_t *s);

#endif
