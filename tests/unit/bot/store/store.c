/*
 * store.c - unit tests for bot/store/store.c: the transaction contract (store_in_tx, a nested
 * store_begin fails at once instead of waiting on its own lock, store_tx_run commits on 0 and
 * rolls back otherwise, and refuses to nest), on a fresh database.
 */
#include "tests/unit/unit_db.h"

#include "bot/base/err.h"

static int setup(void **state)
{
    (void)state;
    if (unit_db_open("store"))
        return -1;
    return sqlite3_exec(store_db(), "CREATE TABLE t (v INTEGER)", NULL, NULL, NULL) == SQLITE_OK
               ? 0
               : -1;
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static void in_tx_tracks_begin_and_end(void **state)
{
    (void)state;
    assert_false(store_in_tx());
    assert_int_equal(store_begin(), 0);
    assert_true(store_in_tx());
    assert_int_equal(store_commit(), 0);
    assert_false(store_in_tx());
    assert_int_equal(store_begin(), 0);
    assert_true(store_in_tx());
    store_rollback();
    assert_false(store_in_tx());
}

/* A begin inside a transaction returns ZB_ENESTED at once (this test would hang on the writer
 * lock otherwise) and leaves the outer transaction usable. */
static void nested_begin_fails(void **state)
{
    (void)state;
    assert_int_equal(store_begin(), 0);
    assert_int_equal(sqlite3_exec(store_db(), "INSERT INTO t VALUES (1)", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(store_begin(), ZB_ENESTED);
    assert_true(store_in_tx());
    assert_int_equal(store_commit(), 0);
    assert_int_equal(unit_db_int("SELECT count(*) FROM t WHERE v=1"), 1);
    assert_string_equal(zb_strerror(ZB_ENESTED), "nested transaction");
}

struct insert {
    int value; /* what to insert */
    int rc;    /* what to return after inserting */
    int saw;   /* store_in_tx() inside fn */
};

static int insert_fn(void *arg)
{
    struct insert *in = arg;
    char sql[64];
    in->saw = store_in_tx();
    snprintf(sql, sizeof sql, "INSERT INTO t VALUES (%d)", in->value);
    if (sqlite3_exec(store_db(), sql, NULL, NULL, NULL) != SQLITE_OK)
        return ZB_EDB;
    return in->rc;
}

static void tx_run_commits_and_rolls_back(void **state)
{
    (void)state;
    struct insert ok = {.value = 10, .rc = 0};
    assert_int_equal(store_tx_run(insert_fn, &ok), 0);
    assert_true(ok.saw);
    assert_false(store_in_tx());
    assert_int_equal(unit_db_int("SELECT count(*) FROM t WHERE v=10"), 1);

    struct insert bad = {.value = 11, .rc = ZB_EINVAL};
    assert_int_equal(store_tx_run(insert_fn, &bad), ZB_EINVAL);
    assert_true(bad.saw);
    assert_false(store_in_tx());
    assert_int_equal(unit_db_int("SELECT count(*) FROM t WHERE v=11"), 0);
}

static int nested_tx_run(void *arg)
{
    struct insert inner = {.value = 12, .rc = 0};
    *(int *)arg = store_tx_run(insert_fn, &inner);
    return 0;
}

static void tx_run_inside_tx_fails(void **state)
{
    (void)state;
    int inner_rc = 0;
    assert_int_equal(store_tx_run(nested_tx_run, &inner_rc), 0);
    assert_int_equal(inner_rc, ZB_ENESTED);
    assert_int_equal(unit_db_int("SELECT count(*) FROM t WHERE v=12"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(in_tx_tracks_begin_and_end),
        cmocka_unit_test(nested_begin_fails),
        cmocka_unit_test(tx_run_commits_and_rolls_back),
        cmocka_unit_test(tx_run_inside_tx_fails),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
