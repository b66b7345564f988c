/* Unit tests of bot/chat/replay_log.c: keys are stored once (the first body wins), each write
 * sweeps a few expired keys, loading returns the newest keys inside the window oldest first,
 * pruning is bounded, and a rolled-back transaction leaves no key behind. */
#include "tests/unit/unit_db.h"

#include "bot/chat/replay_log.h"

static int setup(void **state)
{
    (void)state;
    static const struct migration_set *sets[] = {&replay_log_migrations};
    snprintf(unit_db_path, sizeof unit_db_path, "/tmp/zhibu-replay-log-%d.db", (int)getpid());
    unlink(unit_db_path);
    return store_init(unit_db_path, false, sets, 1) ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static void digest(unsigned char d[REPLAY_LOG_DIGEST], unsigned char fill)
{
    memset(d, fill, REPLAY_LOG_DIGEST);
}

/* record - one key in its own transaction. */
static int record(const char *sig, unsigned char fill, int64_t ts, int64_t expired_before)
{
    unsigned char d[REPLAY_LOG_DIGEST];
    digest(d, fill);
    assert_int_equal(store_begin(), ZB_OK);
    int rc = replay_log_record(sig, d, ts, expired_before);
    assert_int_equal(store_commit(), ZB_OK);
    return rc;
}

struct seen {
    size_t n;
    char sig[8][REPLAY_LOG_SIG_MAX + 1];
    unsigned char fill[8];
    int64_t ts[8];
    size_t stop_at; /* return ZB_EINVAL at this call (0: never) */
};

static int collect(void *arg, const char *sig, const unsigned char *dig, int64_t ts)
{
    struct seen *s = arg;
    if (s->stop_at && s->n + 1 == s->stop_at)
        return ZB_EINVAL;
    assert_true(s->n < 8);
    snprintf(s->sig[s->n], sizeof s->sig[s->n], "%s", sig);
    s->fill[s->n] = dig[0];
    s->ts[s->n] = ts;
    s->n++;
    return ZB_OK;
}

static void test_first_body_wins(void **state)
{
    (void)state;
    assert_int_equal(record("aa01", 1, 1000, 0), ZB_OK);
    assert_int_equal(record("aa01", 2, 1005, 0), ZB_OK); /* kept as it was */
    assert_int_equal(unit_db_int("SELECT count(*) FROM replay_seen WHERE sig='aa01'"), 1);
    assert_int_equal(unit_db_int("SELECT ts FROM replay_seen WHERE sig='aa01'"), 1000);
    assert_int_equal(
        unit_db_int("SELECT hex(substr(digest,1,1)) FROM replay_seen WHERE sig='aa01'"), 1);
    assert_int_equal(unit_db_int("SELECT length(digest) FROM replay_seen WHERE sig='aa01'"),
                     REPLAY_LOG_DIGEST);
    /* empty and too long signatures are refused */
    char longsig[REPLAY_LOG_SIG_MAX + 2];
    memset(longsig, 'b', sizeof longsig - 1);
    longsig[sizeof longsig - 1] = '\0';
    assert_int_equal(record("", 1, 1000, 0), ZB_EINVAL);
    assert_int_equal(record(longsig, 1, 1000, 0), ZB_EINVAL);
    longsig[REPLAY_LOG_SIG_MAX] = '\0';
    assert_int_equal(record(longsig, 1, 1000, 0), ZB_OK);
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(replay_log_prune(INT64_MAX, 1000, NULL), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
}

static void test_rollback_keeps_nothing(void **state)
{
    (void)state;
    unsigned char d[REPLAY_LOG_DIGEST];
    digest(d, 7);
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(replay_log_record("cc01", d, 500, 0), ZB_OK);
    store_rollback();
    assert_int_equal(unit_db_int("SELECT count(*) FROM replay_seen WHERE sig='cc01'"), 0);
}

static void test_record_sweeps_a_few(void **state)
{
    (void)state;
    char sig[16];
    for (int i = 0; i < 10; i++) {
        snprintf(sig, sizeof sig, "old%02d", i);
        assert_int_equal(record(sig, 3, 100 + i, 0), ZB_OK);
    }
    assert_int_equal(unit_db_int("SELECT count(*) FROM replay_seen"), 10);
    /* a new key, with everything before 1000 expired: only REPLAY_LOG_SWEEP old ones go */
    assert_int_equal(record("new01", 4, 2000, 1000), ZB_OK);
    assert_int_equal(unit_db_int("SELECT count(*) FROM replay_seen"), 10 - REPLAY_LOG_SWEEP + 1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM replay_seen WHERE ts >= 1000"), 1);
    /* a bounded prune, then the rest */
    size_t removed = 0;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(replay_log_prune(1000, 2, &removed), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    assert_int_equal(removed, 2);
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(replay_log_prune(1000, 100, &removed), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    assert_int_equal(removed, 10 - REPLAY_LOG_SWEEP - 2);
    assert_int_equal(unit_db_int("SELECT count(*) FROM replay_seen"), 1);
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(replay_log_prune(INT64_MAX, 100, &removed), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    assert_int_equal(removed, 1);
}

static void test_load_window_newest(void **state)
{
    (void)state;
    assert_int_equal(record("k1", 1, 100, 0), ZB_OK); /* out of the window */
    assert_int_equal(record("k4", 4, 400, 0), ZB_OK);
    assert_int_equal(record("k2", 2, 200, 0), ZB_OK);
    assert_int_equal(record("k3", 3, 300, 0), ZB_OK);
    struct seen s = {0};
    size_t n = 99;
    assert_int_equal(replay_log_load(200, 10, collect, &s, &n), ZB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.sig[0], "k2");
    assert_string_equal(s.sig[1], "k3");
    assert_string_equal(s.sig[2], "k4");
    assert_int_equal(s.fill[0], 2);
    assert_int_equal(s.ts[2], 400);
    /* at most max: the newest, oldest first */
    memset(&s, 0, sizeof s);
    assert_int_equal(replay_log_load(0, 2, collect, &s, &n), ZB_OK);
    assert_int_equal(n, 2);
    assert_string_equal(s.sig[0], "k3");
    assert_string_equal(s.sig[1], "k4");
    /* the callback's code stops the walk */
    memset(&s, 0, sizeof s);
    s.stop_at = 2;
    assert_int_equal(replay_log_load(0, 10, collect, &s, &n), ZB_EINVAL);
    assert_int_equal(n, 1);
    /* a row this module did not write (bad digest) is skipped */
    assert_int_equal(sqlite3_exec(store_db(), "INSERT INTO replay_seen VALUES('bad', x'00', 450)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    memset(&s, 0, sizeof s);
    assert_int_equal(replay_log_load(400, 10, collect, &s, &n), ZB_OK);
    assert_int_equal(n, 1);
    assert_string_equal(s.sig[0], "k4");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_body_wins),
        cmocka_unit_test(test_rollback_keeps_nothing),
        cmocka_unit_test(test_record_sweeps_a_few),
        cmocka_unit_test(test_load_window_newest),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
