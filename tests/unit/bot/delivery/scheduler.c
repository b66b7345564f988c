/*
 * scheduler.c - unit tests for bot/scheduler.c with a test job: once per period, a job that
 * runs twice (or again after a restart) queues once, daily hours in the configured zone, and a
 * failing job rolls back and runs again next minute.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bot/delivery/outbox.h"
#include "bot/delivery/scheduler.h"
#include "bot/store/store.h"

static int runs, fail_next;
static char last_key[32];
static int last_hour;

/* A reminder job: queues one message per member with a deterministic key. */
static int remind(const struct sched_tick *t, void *arg)
{
    (void)arg;
    runs++;
    snprintf(last_key, sizeof last_key, "%s", t->period_key);
    last_hour = t->local.tm_hour;
    for (int member = 1; member <= 3; member++) {
        char key[160], to[16];
        snprintf(key, sizeof key, "test:%s:member:%d", t->period_key, member);
        snprintf(to, sizeof to, "%d", member);
        struct outbox_msg m = {
            .idem_key = key, .rcpt = RCPT_MEMBER, .to = to, .kind = OUTBOX_REMINDER, .text = "x"};
        int rc = outbox_push(&m, NULL);
        if (rc)
            return rc;
    }
    if (fail_next) {
        fail_next = 0;
        return ZB_EBUSY; /* everything above is rolled back */
    }
    return ZB_OK;
}

static const struct sched_job daily = {
    .name = "test-daily", .period = SCHED_DAILY, .hour = 8, .run = remind};

static char db_path[64];

static int setup(void **state)
{
    (void)state;
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    snprintf(db_path, sizeof db_path, "/tmp/zhibu-sched-%d.db", (int)getpid());
    unlink(db_path);
    scheduler_reset();
    return store_init(db_path, false, NULL, 0) || scheduler_register(&daily);
}

static int teardown(void **state)
{
    (void)state;
    store_close_thread();
    scheduler_reset();
    char p[80];
    unlink(db_path);
    snprintf(p, sizeof p, "%s-wal", db_path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db_path);
    unlink(p);
    return 0;
}

static long long rows(void)
{
    long long n = 0;
    assert_int_equal(outbox_count(NULL, &n), 0);
    return n;
}

static void once_per_local_day(void **state)
{
    (void)state;
    int ran = 0;
    /* 2026-11-26 23:30 UTC is 07:30 on the 27th in Shanghai: before 08:00, not yet */
    int64_t t0 = 1795735800;
    assert_int_equal(scheduler_run_due(t0, &ran), 0);
    assert_int_equal(ran, 0);
    /* 00:00 UTC = 08:00 Shanghai: due, for the local date */
    assert_int_equal(scheduler_run_due(t0 + 1800, &ran), 0);
    assert_int_equal(ran, 1);
    assert_string_equal(last_key, "2026-11-27");
    assert_int_equal(last_hour, 8);
    assert_int_equal(rows(), 3);
    /* every later minute of the day: nothing */
    for (int64_t t = t0 + 1860; t < t0 + 1800 + 16 * 3600; t += 600) {
        assert_int_equal(scheduler_run_due(t, &ran), 0);
        assert_int_equal(ran, 0);
    }
    assert_int_equal(runs, 1);
    /* the next local day */
    assert_int_equal(scheduler_run_due(t0 + 1800 + 86400, &ran), 0);
    assert_int_equal(ran, 1);
    assert_string_equal(last_key, "2026-11-28");
    assert_int_equal(rows(), 6);
}

static void twice_queues_once_and_failure_rolls_back(void **state)
{
    (void)state;
    int ran = 0;
    int64_t day3 = 1795735800 + 1800 + 2 * 86400;
    /* the job fails after queuing: nothing stays, and it runs again next minute */
    fail_next = 1;
    assert_int_equal(scheduler_run_due(day3, &ran), ZB_EBUSY);
    assert_int_equal(ran, 0);
    assert_int_equal(rows(), 6);
    assert_int_equal(scheduler_run_due(day3 + 60, &ran), 0);
    assert_int_equal(ran, 1);
    assert_int_equal(rows(), 9);
    /* a restart that forgot it ran (sched_runs lost) runs the job again: the keys dedupe */
    assert_int_equal(sqlite3_exec(store_db(), "DELETE FROM sched_runs", NULL, NULL, NULL), 0);
    assert_int_equal(scheduler_run_due(day3 + 120, &ran), 0);
    assert_int_equal(ran, 1);
    assert_int_equal(rows(), 9);
}

static int hourly_runs;

static int hourly(const struct sched_tick *t, void *arg)
{
    (void)t;
    (void)arg;
    hourly_runs++;
    return ZB_OK;
}

static const struct sched_job hourly_job = {
    .name = "test-hourly", .period = SCHED_HOURLY, .run = hourly};

static void run_now_by_name_or_all(void **state)
{
    (void)state;
    int ran = -1, before = runs;
    long long queued = rows();
    assert_int_equal(scheduler_register(&hourly_job), 0);
    assert_int_equal(scheduler_job_count(), 2);
    assert_string_equal(scheduler_job_at(0)->name, "test-daily");
    assert_string_equal(scheduler_job_at(1)->name, "test-hourly");
    assert_null(scheduler_job_at(2));
    /* 07:30 Shanghai on a new day: before the daily job's hour, but "now" runs it anyway */
    int64_t early = 1795735800 + 5 * 86400;
    assert_int_equal(scheduler_run_now("test-daily", early, &ran), 0);
    assert_int_equal(ran, 1);
    assert_int_equal(runs, before + 1);
    assert_int_equal(hourly_runs, 0);
    assert_int_equal(rows(), queued + 3);
    /* twice: runs again, queues nothing new (the job's keys) */
    assert_int_equal(scheduler_run_now("test-daily", early + 60, &ran), 0);
    assert_int_equal(runs, before + 2);
    assert_int_equal(rows(), queued + 3);
    /* the period was not marked: the daily run at 08:00 still happens, and dedupes */
    assert_int_equal(scheduler_run_due(early + 1800, &ran), 0);
    assert_int_equal(runs, before + 3);
    assert_int_equal(rows(), queued + 3);
    /* all jobs */
    assert_int_equal(scheduler_run_now(NULL, early + 3600, &ran), 0);
    assert_int_equal(ran, 2);
    assert_int_equal(hourly_runs, 2); /* the due run above included it once */
    assert_int_equal(scheduler_run_now("nope", early, &ran), ZB_ENOTFOUND);
    assert_int_equal(ran, 0);
    /* a failing job is reported and rolled back */
    fail_next = 1;
    assert_int_equal(scheduler_run_now("test-daily", early + 86400, &ran), ZB_EBUSY);
    assert_int_equal(ran, 0);
    assert_int_equal(rows(), queued + 3);
}

static void registration(void **state)
{
    (void)state;
    assert_int_equal(scheduler_register(&daily), ZB_EINVAL); /* twice */
    struct sched_job bad = {.name = "bad", .hour = 24, .run = remind};
    assert_int_equal(scheduler_register(&bad), ZB_EINVAL);
    struct scheduler *s = NULL;
    assert_int_equal(scheduler_start(&s), 0);
    scheduler_stop(s); /* wakes and joins at once */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(once_per_local_day),
        cmocka_unit_test(twice_queues_once_and_failure_rolls_back),
        cmocka_unit_test(run_now_by_name_or_all),
        cmocka_unit_test(registration),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
