/* report: everything the user reads. Results go to stdout, diagnostics to
 * stderr. Only the loop (main) thread calls these. */
#ifndef NOISEAUG_REPORT_H
#define NOISEAUG_REPORT_H

#include <stddef.h>
#include <stdint.h>

/* Display preferences, set once: quiet leaves errors only on stderr;
 * progress draws the progress line (ignored when quiet). */
void report_set_display(int quiet, int progress);

/* True when stderr is a terminal (where progress is on by default). */
int report_stderr_is_terminal(void);

/* Prints "noiseaug: <path>: <reason>" on stderr. */
void report_file_error(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* As report_file_error, but silent when quiet. */
void report_file_warning(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "noiseaug: <message>" on stderr. */
void report_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "noiseaug: <message>" and the --help hint on stderr. */
void report_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints one result line, "<input> --> <output>", on stdout. Returns 0, or
 * -1 when stdout has failed (a closed pipe). */
int report_result(const char *input_path, const char *output_path);

/* Prints a file's processing time (--verbose). */
void report_file_timing(const char *path, double ms);

/* Updates the progress line: done of total outputs, rate and ETA. */
void report_progress(size_t done, size_t total);

/* Erases the progress line for good. */
void report_progress_done(void);

/* Prints "noiseaug: skipped N <format> files that noiseaug cannot read:
 * a, b, ..." on stderr, naming the first few. */
void report_unread(const char *format, char *const *names, size_t count);

/* Prints "noiseaug: stats: name seconds, ..." on stderr. */
void report_stats(const char *const *names, const double *seconds, int count);

/* Counts for the closing summary. */
typedef struct {
    size_t written;
    size_t failed;
    size_t skipped;          /* input files not read */
    size_t existing;         /* outputs kept by --skip-existing */
    size_t planned;          /* --dry-run */
    size_t labels_copied;
    size_t labels_missing;
    size_t cancelled;        /* outputs not started: the run was stopped */
    double seconds;
    uint64_t seed;
} report_summary_t;

/* Prints the one-line summary on stderr (not when quiet). */
void report_summary(const report_summary_t *s);

#endif
