/* membudget: a counter under a lock, and a condition to wait on. */
#include "membudget.h"

#include <sys/resource.h>

int membudget_init(membudget_t *b, uint64_t limit)
{
    b->limit = limit;
    b->in_use = b->peak = b->waits = 0;
    if (uv_mutex_init(&b->lock) != 0)
        return -1;
    if (uv_cond_init(&b->freed) != 0) {
        uv_mutex_destroy(&b->lock);
        return -1;
    }
    return 0;
}

void membudget_reserve(membudget_t *b, uint64_t bytes)
{
    uv_mutex_lock(&b->lock);
    int waited = 0;
    /* Written so that no sum can wrap: in_use <= limit while anyone waits. */
    while (b->in_use > 0 && (b->in_use > b->limit || bytes > b->limit - b->in_use)) {
        waited = 1;
        uv_cond_wait(&b->freed, &b->lock);
    }
    b->waits += (uint64_t)waited;
    b->in_use += bytes;
    if (b->in_use > b->peak)
        b->peak = b->in_use;
    uv_mutex_unlock(&b->lock);
}

void membudget_release(membudget_t *b, uint64_t bytes)
{
    uv_mutex_lock(&b->lock);
    b->in_use -= bytes < b->in_use ? bytes : b->in_use;
    uv_cond_broadcast(&b->freed);
    uv_mutex_unlock(&b->lock);
}

void membudget_destroy(membudget_t *b)
{
    uv_cond_destroy(&b->freed);
    uv_mutex_destroy(&b->lock);
}

uint64_t membudget_default(void)
{
    uint64_t total = uv_get_total_memory(), constrained = uv_get_constrained_memory();
    /* libuv reports "no cgroup limit" as 0 or as a huge number. */
    if (constrained > 0 && (total == 0 || constrained < total))
        total = constrained;
    uint64_t budget = total / 2;
    /* A limit on address space (ulimit -v) is shared with what is only
     * reserved: thread stacks (8 MiB each) and malloc's per-thread arenas
     * (64 MiB each), so images get a quarter of it. */
    struct rlimit as;
    if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY &&
        (uint64_t)as.rlim_cur / 4 < budget)
        budget = (uint64_t)as.rlim_cur / 4;
    return budget;
}
