/*
 * writer.c - unit tests for bot/store/writer.c on a fresh database: jobs queued together commit
 * in one batch, a failing job is rolled back alone, delayed jobs run in due order and not before
 * their time, the post-commit hook runs once per commit, store_tx_run goes through the writer
 * while it runs, and writer_stop finishes the queued jobs.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>

#include "tests/unit/unit_db.h"

#include "bot/store/writer.h"

static atomic_int commits; /* post-commit hook calls */
static pthread_mutex_t order_mu = PTHREAD_MUTEX_INITIALIZER;
static int order[16], norder; /* delayed jobs' tags, in the order they ran */

static void on_commit(void *arg)
{
    atomic_fetch_add((atomic_int *)arg, 1);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int setup(void **state)
{
    (void)state;
    if (unit_db_open("writer"))
        return -1;
    if (sqlite3_exec(store_db(), "CREATE TABLE t (v INTEGER)", NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    return writer_on_commit(on_commit, &commits) ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    writer_stop();
    unit_db_close();
    return 0;
}

struct tjob {
    struct writer_job j; /* first: done() gets it back */
    int value;           /* inserted into t */
    int fail;            /* return ZB_EINVAL after inserting */
    int tag;             /* recorded in order[] when it runs */
    int64_t ran_ms;      /* when fn ran */
    atomic_int done;     /* done() called */
};

static int tjob_fn(void *arg)
{
    struct tjob *t = arg;
    char sql[64];
    t->ran_ms = mono_ms();
    if (!store_in_tx())
        return ZB_EDB;
    pthread_mutex_lock(&order_mu);
    if (norder < 16)
        order[norder++] = t->tag;
    pthread_mutex_unlock(&order_mu);
    snprintf(sql, sizeof sql, "INSERT INTO t VALUES (%d)", t->value);
    if (sqlite3_exec(store_db(), sql, NULL, NULL, NULL) != SQLITE_OK)
        return ZB_EDB;
    return t->fail ? ZB_EINVAL : ZB_OK;
}

static void tjob_done(struct writer_job *j)
{
    atomic_store(&((struct tjob *)j)->done, 1);
}

static void tjob_init(struct tjob *t, int value, int fail, int tag)
{
    memset(t, 0, sizeof *t);
    t->j.fn = tjob_fn;
    t->j.arg = t;
    t->j.done = tjob_done;
    t->value = value;
    t->fail = fail;
    t->tag = tag;
}

static void wait_done(struct tjob *t, int n)
{
    for (int k = 0; k < 500; k++) {
        int all = 1;
        for (int i = 0; i < n; i++)
            all &= atomic_load(&t[i].done);
        if (all)
            return;
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    fail_msg("jobs did not complete");
}

/* A blocker job holds the writer so that the next jobs queue up and commit together. */
static atomic_int release_blocker, blocker_running;
static int blocker_fn(void *arg)
{
    (void)arg;
    atomic_store(&blocker_running, 1);
    while (!atomic_load(&release_blocker)) {
        struct timespec ts = {0, 5 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return ZB_OK;
}

static void blocker_done(struct writer_job *j)
{
    (void)j;
}

/* block - submit a blocker and wait until the writer runs it. */
static void block(struct writer_job *blocker)
{
    atomic_store(&release_blocker, 0);
    atomic_store(&blocker_running, 0);
    writer_submit(blocker);
    while (!atomic_load(&blocker_running)) {
        struct timespec ts = {0, 1000000L};
        nanosleep(&ts, NULL);
    }
}

static void batch_commits_once_and_failure_alone(void **state)
{
    (void)state;
    struct writer_job blocker = {.fn = blocker_fn, .done = blocker_done};
    struct tjob t[5];
    int before = atomic_load(&commits);
    block(&blocker);
    for (int i = 0; i < 5; i++) {
        tjob_init(&t[i], 100 + i, i == 2, i);
        writer_submit(&t[i].j);
    }
    atomic_store(&release_blocker, 1);
    wait_done(t, 5);
    /* the blocker's batch, then the five in one */
    assert_int_equal(atomic_load(&commits) - before, 2);
    for (int i = 0; i < 5; i++)
        assert_int_equal(t[i].j.rc, i == 2 ? ZB_EINVAL : ZB_OK);
    assert_int_equal(unit_db_int("SELECT count(*) FROM t WHERE v BETWEEN 100 AND 104"), 4);
    assert_int_equal(unit_db_int("SELECT count(*) FROM t WHERE v=102"), 0);
}

static int run_fn(void *arg)
{
    char sql[64];
    snprintf(sql, sizeof sql, "INSERT INTO t VALUES (%d)", *(int *)arg);
    return sqlite3_exec(store_db(), sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : ZB_EDB;
}

static void hook_once_per_commit(void **state)
{
    (void)state;
    int before = atomic_load(&commits);
    int v = 200;
    assert_int_equal(writer_run(run_fn, &v), 0);
    assert_int_equal(atomic_load(&commits) - before, 1);
    v = 201; /* store_tx_run goes through the writer while it runs: one more commit */
    assert_int_equal(store_tx_run(run_fn, &v), 0);
    assert_int_equal(atomic_load(&commits) - before, 2);
    assert_int_equal(unit_db_int("SELECT count(*) FROM t WHERE v IN (200, 201)"), 2);
}

static void submit_after_orders_by_due_time(void **state)
{
    (void)state;
    struct tjob t[4];
    const int64_t delay[] = {300, 100, 200, 0};
    norder = 0;
    int64_t start = mono_ms();
    for (int i = 0; i < 4; i++) {
        tjob_init(&t[i], 300 + i, 0, i);
        writer_submit_after(&t[i].j, delay[i]);
    }
    wait_done(t, 4);
    assert_int_equal(norder, 4);
    assert_int_equal(order[0], 3);
    assert_int_equal(order[1], 1);
    assert_int_equal(order[2], 2);
    assert_int_equal(order[3], 0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(t[i].j.rc, 0);
        assert_true(t[i].ran_ms - start >= delay[i]);
    }
    assert_int_equal(unit_db_int("SELECT count(*) FROM t WHERE v BETWEEN 300 AND 303"), 4);
}

static void stop_finishes_queued_jobs(void **state)
{
    (void)state;
    struct writer_job blocker = {.fn = blocker_fn, .done = blocker_done};
    struct tjob t[6], late;
    block(&blocker);
    for (int i = 0; i < 6; i++) {
        tjob_init(&t[i], 400 + i, 0, i);
        writer_submit(&t[i].j);
    }
    tjob_init(&late, 499, 0, 9);
    writer_submit_after(&late.j, 60000);
    atomic_store(&release_blocker, 1);
    writer_stop();
    for (int i = 0; i < 6; i++) {
        assert_true(atomic_load(&t[i].done));
        assert_int_equal(t[i].j.rc, 0);
    }
    /* the delayed job was not due: not run, but its owner was told */
    assert_true(atomic_load(&late.done));
    assert_int_equal(late.j.rc, ZB_EBUSY);
    assert_int_equal(unit_db_int("SELECT count(*) FROM t WHERE v BETWEEN 400 AND 405"), 6);
    assert_int_equal(unit_db_int("SELECT count(*) FROM t WHERE v=499"), 0);
    /* stopped: store_tx_run runs on this thread again */
    int v = 500;
    assert_int_equal(store_tx_run(run_fn, &v), 0);
    assert_int_equal(unit_db_int("SELECT count(*) FROM t WHERE v=500"), 1);
}

static int burst_fn(void *arg)
{
    (void)arg;
    return sqlite3_exec(
               store_db(),
               "CREATE TABLE IF NOT EXISTS big (b BLOB);"
               "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<20000) "
               "INSERT INTO big SELECT randomblob(300) FROM n;",
               NULL, NULL, NULL) == SQLITE_OK
               ? ZB_OK
               : ZB_EDB;
}

static long long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

/* A burst of writes grows the WAL; once the writer is idle the checkpointer truncates it (on
 * main it kept its high-water mark until a clean shutdown). The database is 0600 and every
 * connection has the journal size limit. */
static void wal_truncated_when_idle(void **state)
{
    (void)state;
    char wal[128];
    snprintf(wal, sizeof wal, "%s-wal", unit_db_path);
    assert_int_equal(writer_run(burst_fn, NULL), 0);
    long long grown = file_size(wal);
    assert_true(grown > 1 << 20);
    int64_t until = mono_ms() + 20000;
    while (file_size(wal) > 0 && mono_ms() < until) {
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (file_size(wal) > 0)
        fail_msg("the WAL stayed at %lld bytes (%lld after the burst)", file_size(wal), grown);
    assert_int_equal(unit_db_int("PRAGMA journal_size_limit"), STORE_WAL_LIMIT);
    struct stat sb;
    assert_int_equal(stat(unit_db_path, &sb), 0);
    assert_int_equal(sb.st_mode & 077, 0);
}

static int slow_fn(void *arg)
{
    (void)arg;
    struct timespec ts = {0, 15 * 1000000L};
    nanosleep(&ts, NULL);
    return 0;
}

static void stats_count_long_holds(void **state)
{
    (void)state;
    struct writer_stats a, b;
    int v = 700;
    assert_int_equal(writer_run(run_fn, &v), 0);
    writer_stats(&a);
    assert_true(a.transactions >= 1);
    assert_int_equal(writer_run(slow_fn, NULL), 0); /* held at least 15 ms */
    writer_stats(&b);
    assert_int_equal(b.transactions, a.transactions + 1);
    assert_int_equal(b.over_10ms, a.over_10ms + 1);
    assert_true(b.job_max_us >= 15000);
    assert_true(b.transaction_max_us >= b.job_max_us);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(batch_commits_once_and_failure_alone),
        cmocka_unit_test(hook_once_per_commit),
        cmocka_unit_test(stats_count_long_holds),
        cmocka_unit_test(submit_after_orders_by_due_time),
        cmocka_unit_test(stop_finishes_queued_jobs),
        cmocka_unit_test(wal_truncated_when_idle),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
