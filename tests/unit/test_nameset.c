/* Unit tests for nameset: first owner wins, growth keeps every entry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "nameset.h"

static void first_owner_wins(void **state)
{
    (void)state;
    nameset_t set = { 0 };
    size_t first = 99;
    assert_int_equal(nameset_add(&set, "a_ps.png", 3, &first), 1);
    assert_int_equal(nameset_add(&set, "a_ps.PNG", 4, &first), 1);  /* bytes differ */
    assert_int_equal(nameset_add(&set, "a_ps.png", 7, &first), 0);
    assert_int_equal(first, 3);
    nameset_free(&set);
    assert_int_equal(set.count, 0);
}

static void survives_growth(void **state)
{
    (void)state;
    nameset_t set = { 0 };
    char name[32];
    size_t first;
    for (size_t i = 0; i < 5000; i++) {
        snprintf(name, sizeof name, "img_%05zu_ps.jpg", i);
        assert_int_equal(nameset_add(&set, name, i, &first), 1);
    }
    assert_int_equal(set.count, 5000);
    for (size_t i = 0; i < 5000; i++) {
        snprintf(name, sizeof name, "img_%05zu_ps.jpg", i);
        assert_int_equal(nameset_add(&set, name, 0, &first), 0);
        assert_int_equal(first, i);
    }
    nameset_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(first_owner_wins),
        cmocka_unit_test(survives_growth),
    };
    return cmocka_run_group_tests_name("nameset", tests, NULL, NULL);
}
