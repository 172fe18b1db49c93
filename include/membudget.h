/* membudget: a memory budget shared by the workers.
 *
 * A job reserves the bytes its images will take before it decodes them,
 * and waits while the reservation would take the run over the budget. A
 * job that would pass the budget on its own is let in when nothing else
 * holds any, so it runs alone instead of never. A job reserves once, for
 * everything it decodes, and waits holding nothing: two jobs can never
 * wait for each other. */
#ifndef NOISEAUG_MEMBUDGET_H
#define NOISEAUG_MEMBUDGET_H

#include <stdint.h>

#include <uv.h>

typedef struct {
    uv_mutex_t lock;
    uv_cond_t freed;
    uint64_t limit;   /* bytes; UINT64_MAX: no limit */
    uint64_t in_use;
    uint64_t peak;    /* the most held at once */
    uint64_t waits;   /* reservations that had to wait */
} membudget_t;

/* Starts a budget of limit bytes. Returns 0, or -1. */
int membudget_init(membudget_t *b, uint64_t limit);

/* Reserves bytes, waiting until they fit (or nothing else is held). */
void membudget_reserve(membudget_t *b, uint64_t bytes);

/* Gives back bytes reserved earlier, and wakes the jobs waiting. */
void membudget_release(membudget_t *b, uint64_t bytes);

void membudget_destroy(membudget_t *b);

/* The default budget: half of the memory this process may use, which is
 * the smaller of the machine's physical memory and a cgroup limit
 * (uv_get_constrained_memory), and at most a quarter of a limit on address
 * space (ulimit -v). 0 when none is known. */
uint64_t membudget_default(void);

#endif
