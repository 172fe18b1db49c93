/* ring: sequence bookkeeping for in-order emission of out-of-order work.
 *
 * Jobs get consecutive sequence numbers; slot seq & mask holds job seq.
 * Completion may come in any order, emission happens strictly in sequence
 * order, and a slot is reused only after its job has been emitted, so at
 * most `capacity` jobs are ever in flight or waiting. */
#ifndef NOISEAUG_RING_H
#define NOISEAUG_RING_H

#include <stddef.h>

typedef struct {
    size_t capacity;      /* a power of two */
    size_t mask;
    unsigned char *done;  /* per slot: the job in it has completed */
    size_t next_submit;   /* sequence number the next job will get */
    size_t next_emit;     /* sequence number to emit next */
} ring_t;

/* Makes a ring with at least min_capacity slots. Returns 0, or -1 on OOM. */
int ring_init(ring_t *ring, size_t min_capacity);

/* Frees the ring's memory. */
void ring_free(ring_t *ring);

/* True when a new job may be submitted without overwriting a live slot. */
int ring_has_room(const ring_t *ring);

/* Takes the next sequence number for a job; call only when there is room. */
size_t ring_push(ring_t *ring);

/* Slot index for a sequence number. */
size_t ring_slot(const ring_t *ring, size_t seq);

/* Marks job seq as completed. */
void ring_complete(ring_t *ring, size_t seq);

/* When the oldest unemitted job has completed, stores its sequence number in
 * *seq, frees its slot and returns 1; otherwise returns 0. */
int ring_pop(ring_t *ring, size_t *seq);

/* Number of jobs submitted and not yet emitted. */
size_t ring_pending(const ring_t *ring);

#endif
