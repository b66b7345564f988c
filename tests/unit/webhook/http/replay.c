/* replay.c - unit tests for webhook/replay.c: retries pass, a reused signature with another body
 * is refused while its timestamp is in the window, and nothing is kept without a window; the key
 * handed back for storage, and keys loaded back after a restart (replay_remember) refuse another
 * body as if the process had seen them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bot/chat/replay_log.h"
#include "tests/unit/unit_db.h"
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

static void test_key_handed_back(void **state)
{
    (void)state;
    const char *sig = "1111111111111111111111111111111111111111";
    struct replay_key k;
    memset(&k, 0xff, sizeof k);
    assert_int_equal(replay_check_key(sig, "body", 4, 7000, 7000, 300, &k), ZB_OK);
    assert_true(k.set);
    assert_string_equal(k.sig, sig);
    assert_int_equal(k.ts, 7000);
    struct replay_key again;
    assert_int_equal(replay_check_key(sig, "body", 4, 7000, 7010, 300, &again), ZB_OK);
    assert_true(again.set); /* a retry is stored again (the store keeps the first) */
    assert_memory_equal(again.dig, k.dig, sizeof k.dig);
    assert_int_equal(replay_check_key(sig, "other", 5, 7000, 7010, 300, &again), ZB_ESIG);
    assert_int_equal(replay_check_key(sig, "x", 1, 7000, 7000, 0, &again), ZB_OK);
    assert_false(again.set); /* no window: nothing to keep */
}

static void test_remembered_after_restart(void **state)
{
    (void)state;
    /* a key computed as the first process did, loaded into the memory of the second */
    const char *sig = "2222222222222222222222222222222222222222";
    struct replay_key k;
    assert_int_equal(replay_check_key(sig, "first", 5, 8000, 8000, 300, &k), ZB_OK);
    const char *sig2 = "3333333333333333333333333333333333333333";
    replay_remember(sig2, k.dig, 8000, 8100, 300);
    assert_int_equal(replay_check(sig2, "forged", 6, 8000, 8100, 300), ZB_ESIG);
    assert_int_equal(replay_check(sig2, "first", 5, 8000, 8100, 300), ZB_OK);
    /* past its window it is free again; an expired key is not loaded at all */
    assert_int_equal(replay_check(sig2, "forged", 6, 8400, 8400, 300), ZB_OK);
    const char *sig3 = "4444444444444444444444444444444444444444";
    replay_remember(sig3, k.dig, 8000, 8301, 300);
    assert_int_equal(replay_check(sig3, "forged", 6, 8301, 8301, 300), ZB_OK);
    /* a key already in memory is kept: the loaded digest does not replace it */
    const char *sig4 = "5555555555555555555555555555555555555555";
    assert_int_equal(replay_check(sig4, "mine", 4, 9000, 9000, 300), ZB_OK);
    replay_remember(sig4, k.dig, 9000, 9000, 300);
    assert_int_equal(replay_check(sig4, "mine", 4, 9000, 9001, 300), ZB_OK);
    assert_int_equal(replay_check(sig4, "first", 5, 9000, 9001, 300), ZB_ESIG);
    /* nothing without a window, nor for a bad signature */
    replay_remember("6666", k.dig, 9000, 9000, 0);
    assert_int_equal(replay_check("6666", "x", 1, 9000, 9000, 300), ZB_OK);
    replay_remember("", k.dig, 9000, 9000, 300);
}

static int collect(void *arg, const char *sig, const unsigned char *dig, int64_t ts)
{
    (void)dig;
    (void)ts;
    int *n = arg;
    if (strcmp(sig, "7777777777777777777777777777777777777777") == 0)
        (*n)++;
    return ZB_OK;
}

static void test_key_store(void **state)
{
    (void)state;
    static const struct migration_set *sets[] = {&replay_log_migrations};
    snprintf(unit_db_path, sizeof unit_db_path, "/tmp/zhibu-replay-%d.db", (int)getpid());
    unlink(unit_db_path);
    assert_int_equal(store_init(unit_db_path, false, sets, 1), ZB_OK);
    struct replay_key k;
    assert_int_equal(
        replay_check_key("7777777777777777777777777777777777777777", "b", 1, 100, 100, 300, &k),
        ZB_OK);
    struct replay_key none = {0};
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(replay_key_store(&k, 100, 300), ZB_OK);
    assert_int_equal(replay_key_store(&none, 100, 300), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    assert_int_equal(unit_db_int("SELECT count(*) FROM replay_seen"), 1);
    int n = 0;
    assert_int_equal(replay_log_load(100 - 300, 10, collect, &n, NULL), ZB_OK);
    assert_int_equal(n, 1);
    unit_db_close();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_passes_other_body_refused),
        cmocka_unit_test(test_no_window_keeps_nothing),
        cmocka_unit_test(test_many_signatures),
        cmocka_unit_test(test_key_handed_back),
        cmocka_unit_test(test_remembered_after_restart),
        cmocka_unit_test(test_key_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
