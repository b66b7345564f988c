/*
 * Unit tests for webhook/rest/quota.c: a key is refused past its limit within a minute and
 * counted afresh the next minute; other keys - however many, colliding or not - never reset a
 * key's count within its minute (the flaw a slot per key modulo a table had: two tokens whose
 * ids collided reset each other and neither was ever refused).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "webhook/rest/quota.h"

#define T0 1764499980 /* a minute's start (divisible by 60) */

static void test_limit_and_next_minute(void **state)
{
    (void)state;
    quota_reset();
    for (int i = 0; i < 5; i++)
        assert_true(quota_take(7, T0 + i, 5));
    assert_false(quota_take(7, T0 + 10, 5));
    assert_false(quota_take(7, T0 + 59, 5));
    assert_true(quota_take(8, T0 + 10, 5)); /* another key has its own count */
    assert_true(quota_take(7, T0 + 60, 5)); /* a new minute */
}

static void test_crowd_never_resets_a_key(void **state)
{
    (void)state;
    quota_reset();
    for (int i = 0; i < 3; i++)
        assert_true(quota_take(42, T0, 3));
    /* more keys than the table holds, including ids congruent to 42 modulo its size */
    for (int64_t k = 0; k < 2 * QUOTA_SLOTS; k++)
        (void)quota_take(42 + (k + 1) * QUOTA_SLOTS, T0 + 1, 1000000);
    for (int64_t k = 0; k < QUOTA_SLOTS; k++)
        (void)quota_take(-k - 1, T0 + 1, 1000000);
    assert_false(quota_take(42, T0 + 2, 3));
}

static void test_crowd_is_refused_sooner_not_later(void **state)
{
    (void)state;
    quota_reset();
    /* fill the table this minute, then a newcomer shares a count: refused within its limit */
    for (int64_t k = 1; k <= 4 * QUOTA_SLOTS; k++)
        (void)quota_take(k, T0, 1000000);
    int allowed = 0;
    for (int i = 0; i < 10; i++)
        allowed += quota_take(-99, T0 + 1, 10);
    assert_true(allowed <= 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit_and_next_minute),
        cmocka_unit_test(test_crowd_never_resets_a_key),
        cmocka_unit_test(test_crowd_is_refused_sooner_not_later),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
