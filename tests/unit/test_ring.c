/* Unit tests for the reorder ring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ring.h"

static void capacity_is_power_of_two(void **state)
{
    (void)state;
    ring_t r;
    assert_int_equal(ring_init(&r, 5), 0);
    assert_int_equal(r.capacity, 8);
    ring_free(&r);
    assert_int_equal(ring_init(&r, 1), 0);
    assert_int_equal(r.capacity, 1);
    ring_free(&r);
}

static void bounded_by_capacity(void **state)
{
    (void)state;
    ring_t r;
    ring_init(&r, 4);
    for (int i = 0; i < 4; i++) {
        assert_true(ring_has_room(&r));
        assert_int_equal(ring_push(&r), (size_t)i);
    }
    assert_false(ring_has_room(&r));
    assert_int_equal(ring_pending(&r), 4);
    ring_free(&r);
}

static void emits_in_order_whatever_completes_first(void **state)
{
    (void)state;
    ring_t r;
    ring_init(&r, 4);
    for (int i = 0; i < 4; i++)
        ring_push(&r);
    size_t seq;
    ring_complete(&r, 2);
    ring_complete(&r, 1);
    assert_false(ring_pop(&r, &seq));  /* 0 is still running */
    ring_complete(&r, 0);
    for (size_t want = 0; want < 3; want++) {
        assert_true(ring_pop(&r, &seq));
        assert_int_equal(seq, want);
    }
    assert_false(ring_pop(&r, &seq));  /* 3 is still running */
    /* Three slots freed: three more jobs fit, reusing slots 0..2. */
    for (size_t want = 4; want < 7; want++) {
        assert_true(ring_has_room(&r));
        size_t s = ring_push(&r);
        assert_int_equal(s, want);
        assert_int_equal(ring_slot(&r, s), want & 3);
    }
    assert_false(ring_has_room(&r));
    ring_complete(&r, 6);  /* a reused slot must not look done too early */
    assert_false(ring_pop(&r, &seq));
    ring_complete(&r, 3);
    assert_true(ring_pop(&r, &seq));
    assert_int_equal(seq, 3);
    assert_false(ring_pop(&r, &seq));
    ring_free(&r);
}

static void long_random_run_stays_ordered(void **state)
{
    (void)state;
    /* Complete jobs in a scrambled order over many wraps of the ring. */
    ring_t r;
    ring_init(&r, 8);
    size_t emitted = 0, total = 1000;
    size_t in_flight[8];
    size_t n = 0;
    uint32_t lcg = 12345;
    while (emitted < total) {
        while (r.next_submit < total && ring_has_room(&r))
            in_flight[n++] = ring_push(&r);
        lcg = lcg * 1103515245u + 12345u;
        size_t pick = (lcg >> 16) % n;
        ring_complete(&r, in_flight[pick]);
        in_flight[pick] = in_flight[--n];
        size_t seq;
        while (ring_pop(&r, &seq))
            assert_int_equal(seq, emitted++);
    }
    assert_int_equal(ring_pending(&r), 0);
    ring_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(capacity_is_power_of_two),
        cmocka_unit_test(bounded_by_capacity),
        cmocka_unit_test(emits_in_order_whatever_completes_first),
        cmocka_unit_test(long_random_run_stays_ordered),
    };
    return cmocka_run_group_tests_name("ring", tests, NULL, NULL);
}
