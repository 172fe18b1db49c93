/* timing: the clock and the median the bench programs share. */
#ifndef NOISEAUG_BENCH_TIMING_H
#define NOISEAUG_BENCH_TIMING_H

#include <stdlib.h>
#include <time.h>

/* Monotonic time in seconds. */
static inline double timing_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline int timing_compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of n values; sorts them in place. */
static inline double timing_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, timing_compare);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
