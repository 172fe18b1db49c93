/* ring: reorder bookkeeping. It is used from the loop thread only (libuv
 * runs every after-work callback there), so it needs no lock. */
#include "ring.h"

#include <stdlib.h>

int ring_init(ring_t *ring, size_t min_capacity)
{
    size_t cap = 1;
    while (cap < min_capacity)
        cap *= 2;
    ring->done = calloc(cap, 1);
    if (ring->done == NULL)
        return -1;
    ring->capacity = cap;
    ring->mask = cap - 1;
    ring->next_submit = ring->next_emit = 0;
    return 0;
}

void ring_free(ring_t *ring)
{
    free(ring->done);
    ring->done = NULL;
}

int ring_has_room(const ring_t *ring)
{
    return ring->next_submit - ring->next_emit < ring->capacity;
}

size_t ring_push(ring_t *ring)
{
    size_t seq = ring->next_submit++;
    ring->done[seq & ring->mask] = 0;
    return seq;
}

size_t ring_slot(const ring_t *ring, size_t seq)
{
    return seq & ring->mask;
}

void ring_complete(ring_t *ring, size_t seq)
{
    ring->done[seq & ring->mask] = 1;
}

int ring_pop(ring_t *ring, size_t *seq)
{
    if (ring->next_emit == ring->next_submit ||
        !ring->done[ring->next_emit & ring->mask])
        return 0;
    ring->done[ring->next_emit & ring->mask] = 0;
    *seq = ring->next_emit++;
    return 1;
}

size_t ring_pending(const ring_t *ring)
{
    return ring->next_submit - ring->next_emit;
}
