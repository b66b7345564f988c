/* sender.c - unit tests for bot/sender.c: exponential backoff with equal jitter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bot/base/rand.h"
#include "bot/delivery/sender.h"

static void doubles_and_caps(void **state)
{
    (void)state;
    /* rnd at the top of the range gives the full delay */
    assert_int_equal(sender_backoff_s(1, 2, 1800, UINT64_MAX), 2);
    for (int a = 1; a <= 6; a++) {
        int64_t d = 2LL << (a - 1);
        assert_int_equal(sender_backoff_s(a, 2, 1800, (uint64_t)(d / 2)), d);
    }
    assert_int_equal(sender_backoff_s(20, 2, 1800, 900), 1800);  /* capped */
    assert_int_equal(sender_backoff_s(200, 2, 1800, 900), 1800); /* no overflow */
}

static void jitter_stays_in_half_to_full(void **state)
{
    (void)state;
    for (int a = 1; a <= 12; a++) {
        int64_t full = 1;
        for (int i = 1; i < a; i++)
            full *= 2;
        if (full > 600)
            full = 600;
        int64_t lo = full, hi = 0;
        for (int i = 0; i < 2000; i++) {
            int64_t d = sender_backoff_s(a, 1, 600, rand_u64());
            assert_true(d >= 1 && d <= full);
            assert_true(d >= full - full / 2);
            lo = d < lo ? d : lo;
            hi = d > hi ? d : hi;
        }
        if (full >= 8) /* the jitter actually spreads the retries */
            assert_true(hi - lo >= full / 4);
    }
}

static void bad_settings(void **state)
{
    (void)state;
    assert_int_equal(sender_backoff_s(1, 0, 0, 0), 1);
    assert_int_equal(sender_backoff_s(0, 5, 2, 2), 5); /* max below base: base... */
    assert_int_equal(sender_backoff_s(0, 5, 2, 0), 3); /* ...with its jitter, 3..5 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(doubles_and_caps),
        cmocka_unit_test(jitter_stays_in_half_to_full),
        cmocka_unit_test(bad_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
