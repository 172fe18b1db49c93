/* Unit tests for membudget: reservations within the budget go through, one
 * over it waits for a release, and one larger than the whole budget runs
 * when nothing else is held. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <uv.h>

#include "membudget.h"

static void within_the_budget(void **state)
{
    (void)state;
    membudget_t b;
    assert_int_equal(membudget_init(&b, 100), 0);
    membudget_reserve(&b, 60);
    membudget_reserve(&b, 40);
    assert_int_equal(b.in_use, 100);
    membudget_release(&b, 100);
    assert_int_equal(b.in_use, 0);
    /* Alone, a reservation larger than the budget is let in. */
    membudget_reserve(&b, 1000);
    assert_int_equal(b.in_use, 1000);
    membudget_release(&b, 1000);
    assert_int_equal(b.peak, 1000);
    assert_int_equal(b.waits, 0);
    membudget_destroy(&b);
}

typedef struct {
    membudget_t *budget;
    uv_sem_t started;
    volatile int reserved;
} waiter_t;

static void reserve_70(void *arg)
{
    waiter_t *w = arg;
    uv_sem_post(&w->started);
    membudget_reserve(w->budget, 70);
    w->reserved = 1;
}

static void over_the_budget_waits_for_a_release(void **state)
{
    (void)state;
    membudget_t b;
    assert_int_equal(membudget_init(&b, 100), 0);
    membudget_reserve(&b, 50);
    waiter_t w;
    w.budget = &b;
    w.reserved = 0;
    assert_int_equal(uv_sem_init(&w.started, 0), 0);
    uv_thread_t t;
    assert_int_equal(uv_thread_create(&t, reserve_70, &w), 0);
    uv_sem_wait(&w.started);
    /* 50 + 70 > 100: the thread must still be waiting after 200 ms. A
     * thread that did not wait would be done in microseconds. */
    uv_sleep(200);
    uv_mutex_lock(&b.lock);
    assert_int_equal(b.in_use, 50);
    uv_mutex_unlock(&b.lock);
    membudget_release(&b, 50);
    uv_thread_join(&t);
    assert_int_equal(w.reserved, 1);
    assert_int_equal(b.in_use, 70);
    assert_int_equal(b.waits, 1);
    assert_int_equal(b.peak, 70);
    membudget_release(&b, 70);
    uv_sem_destroy(&w.started);
    membudget_destroy(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(within_the_budget),
        cmocka_unit_test(over_the_budget_waits_for_a_release),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
