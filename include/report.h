/* report: everything the user reads. Results go to stdout, diagnostics to
 * stderr. Only the loop (main) thread calls these. */
#ifndef NOISEAUG_REPORT_H
#define NOISEAUG_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "run_stats.h"

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

/* Prints the time of each stage, "noiseaug: stats (...): read 1.234, ...",
 * and the most memory reserved for decoded images against the budget (0:
 * none), on stderr. */
void report_stage_times(const run_stats_t *s, uint64_t budget);


/* Prints the one-line summary on stderr (not when quiet). */
void report_summary(const run_stats_t *s);

/* Says how many images had no label and names the first few: a run that
 * loses its labels must not look like a success. */
/* One warning for the run: how many outputs lost their input's alpha. */
void report_alpha_dropped(const run_stats_t *s);

void report_missing_labels(const run_stats_t *s, const char *labels_dir);

#endif
