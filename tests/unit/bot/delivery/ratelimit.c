/* ratelimit.c - unit tests for bot/ratelimit.c: refill, burst, unlimited and pauses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bot/delivery/ratelimit.h"

static void burst_then_rate(void **state)
{
    (void)state;
    struct ratelimit r;
    ratelimit_init(&r, 10, 3, 1000);
    for (int i = 0; i < 3; i++)
        assert_int_equal(ratelimit_take(&r, 1000), 0);
    int64_t w = ratelimit_take(&r, 1000);
    assert_in_range(w, 99, 101); /* one token per 100 ms */
    assert_true(ratelimit_take(&r, 1050) > 0);
    assert_int_equal(ratelimit_take(&r, 1100), 0);
    assert_true(ratelimit_take(&r, 1100) > 0);
    /* a long idle time refills only up to the burst */
    for (int i = 0; i < 3; i++)
        assert_int_equal(ratelimit_take(&r, 100000), 0);
    assert_true(ratelimit_take(&r, 100000) > 0);
}

static void count_over_a_second(void **state)
{
    (void)state;
    struct ratelimit r;
    ratelimit_init(&r, 50, 50, 0);
    int granted = 0;
    for (int64_t t = 0; t < 2000; t++) /* 2 s, asking every millisecond */
        granted += ratelimit_take(&r, t) == 0;
    assert_in_range(granted, 50 + 99, 50 + 101); /* the burst plus 50/s for 2 s */
}

static void unlimited_and_pause(void **state)
{
    (void)state;
    struct ratelimit r;
    ratelimit_init(&r, 0, 0, 0);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(ratelimit_take(&r, 5), 0);
    ratelimit_pause(&r, 10, 2000);
    assert_int_equal(ratelimit_take(&r, 10), 2000);
    assert_int_equal(ratelimit_take(&r, 1500), 510);
    assert_int_equal(ratelimit_take(&r, 2010), 0);

    struct ratelimit l;
    ratelimit_init(&l, 5, 5, 0);
    ratelimit_pause(&l, 0, 1000);
    assert_true(ratelimit_take(&l, 999) > 0);
    /* after the pause the bucket starts empty: tokens come at the rate, not all at once */
    assert_true(ratelimit_take(&l, 1000) > 0);
    assert_int_equal(ratelimit_take(&l, 1200), 0);
    assert_true(ratelimit_take(&l, 1200) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(burst_then_rate),
        cmocka_unit_test(count_over_a_second),
        cmocka_unit_test(unlimited_and_pause),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
