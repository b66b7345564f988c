/* replay.c - unit tests for webhook/replay.c: retries pass, a reused signature with another body
 * is refused while its timestamp is in the window, and nothing is kept without a window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/http/replay.h"

static void test_retry_passes_other_body_refused(void **state)
{
    (void)state;
    const char *sig = "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff";
    assert_int_equal(replay_check(sig, "<xml>a</xml>", 12, 1000, 1000, 300), ZB_OK);
    assert_int_equal(replay_check(sig, "<xml>a</xml>", 12, 1000, 1100, 300), ZB_OK);
    assert_int_equal(replay_check(sig, "<xml>b</xml>", 12, 1000, 1100, 300), ZB_ESIG);
    assert_int_equal(replay_check(sig, "<xml>a</xml>x", 13, 1000, 1100, 300), ZB_ESIG);
    /* Once the timestamp is out of the window the signature is refused upstream anyway; the
     * slot is free again. */
    assert_int_equal(replay_check(sig, "<xml>c</xml>", 12, 2000, 2000, 300), ZB_OK);
}

static void test_no_window_keeps_nothing(void **state)
{
    (void)state;
    const char *sig = "0000000000000000000000000000000000000001";
    assert_int_equal(replay_check(sig, "a", 1, 5, 5, 0), ZB_OK);
    assert_int_equal(replay_check(sig, "b", 1, 5, 5, 0), ZB_OK);
}

static void test_many_signatures(void **state)
{
    (void)state;
    char sig[41];
    /* More distinct signatures than slots: the table keeps working, and recent ones are kept. */
    for (unsigned i = 0; i < REPLAY_SLOTS + 1000; i++) {
        snprintf(sig, sizeof sig, "%040u", i);
        assert_int_equal(replay_check(sig, "x", 1, 10000 + i / 100, 10000 + i / 100, 300), ZB_OK);
    }
    snprintf(sig, sizeof sig, "%040u", REPLAY_SLOTS + 999);
    assert_int_equal(replay_check(sig, "y", 1, 10000, 10000 + 600, 300), ZB_ESIG);
    assert_int_equal(replay_check("", "x", 1, 1, 1, 300), ZB_OK);
    char longsig[80];
    memset(longsig, 'a', sizeof longsig - 1);
    longsig[sizeof longsig - 1] = '\0';
    assert_int_equal(replay_check(longsig, "x", 1, 1, 1, 300), ZB_ESIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_passes_other_body_refused),
        cmocka_unit_test(test_no_window_keeps_nothing),
        cmocka_unit_test(test_many_signatures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
