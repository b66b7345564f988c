/*
 * jobs.c - unit tests for handlers/study/jobs.c, the daily digest, on a fresh database: nothing
 * before study.digest_time; then one message per subscribed member per day with today's item
 * (a signed link) and the items notify() folded for them; the folded items are released with it
 * and do not show the next day; an unsubscribed member gets nothing; a second run the same day
 * sends nothing more.
 */
#include "tests/unit/unit_db.h"

#include <time.h>

#include "bot/delivery/channel.h"
#include "bot/delivery/digest.h"
#include "bot/delivery/link.h"
#include "bot/delivery/notify.h"
#include "bot/delivery/scheduler.h"
#include "handlers/study/jobs.h"
#include "handlers/study/study.h"
#include "handlers/todo/todo.h"

#define T0  1796004000LL /* 2026-11-30 10:00 in Asia/Shanghai */
#define DAY 86400LL

static struct channel_rules rules;

static int setup(void **state)
{
    (void)state;
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    if (unit_db_open("h-study-jobs"))
        return -1;
    for (size_t i = 0; i < todo_migrations.n; i++)
        unit_db_exec(todo_migrations.steps[i]);
    for (size_t i = 0; i < study_migrations.n; i++)
        unit_db_exec(study_migrations.steps[i]);
    unit_db_exec("INSERT INTO branches(id, name, parent_id, level, created_at) "
                 "VALUES(1, '船闸支部', NULL, 'branch', 0);");
    unit_db_exec("INSERT INTO members(id, name, branch_id, created_at, updated_at) VALUES"
                 "(1,'张三',1,0,0),(2,'李四',1,0,0),(3,'王五',1,0,0);"
                 "INSERT INTO identities(platform, account, ext_id, member_id, first_seen, "
                 "last_seen) VALUES('onebot','','111',1,0,10),('onebot','','222',2,0,10);");
    /* one published item of the branch, written by 3 and approved by 2 */
    unit_db_exec("INSERT INTO study_items(id, org_id, slug, author_id, reviewer1_id, status, "
                 "version, title, date, tags, audience, summary, source, body, created_at, "
                 "published_at) VALUES(1, 1, 'dues', 3, 2, 'published', 1, '党费按什么基数交', "
                 "'', '', '', '摘要', '出处', '正文', 0, 1);");
    channel_rules_default(&rules);
    rules.platform_on[PLATFORM_ONEBOT] = true;
    notify_configure(&rules);
    static const unsigned char key[32] = {1, 2, 3};
    if (link_configure("http://127.0.0.1:8080", key, sizeof key))
        return -1;
    struct study_config c = {1, "", "{}", "07:30", 5};
    char err[128];
    if (study_configure(&c, err, sizeof err))
        return -1;
    digest_reset();
    scheduler_reset();
    return study_jobs();
}

static int teardown(void **state)
{
    (void)state;
    digest_reset();
    scheduler_reset();
    study_reset();
    unit_db_close();
    return 0;
}

/* run - the digest job at t, in its own transaction as the scheduler runs it. */
static void run(int64_t t)
{
    struct sched_tick tick = {.now = t, .period_key = "x"};
    time_t tt = (time_t)t;
    localtime_r(&tt, &tick.local);
    assert_int_equal(store_begin(), 0);
    assert_int_equal(study_digest_run(&tick, NULL), ZB_OK);
    assert_int_equal(store_commit(), 0);
}

static void subscribe(int64_t member, bool on)
{
    bool changed;
    assert_int_equal(store_begin(), 0);
    assert_int_equal(study_subscribe(member, on, T0, &changed), ZB_OK);
    assert_int_equal(store_commit(), 0);
}

static void routine(int64_t member, const char *key, const char *title)
{
    struct notify_fields f = {.title = title, .text = title};
    struct notify_result r;
    assert_int_equal(store_begin(), 0);
    assert_int_equal(notify_send(member, "dues.reminder", NOTIFY_ROUTINE, key, &f, &r), ZB_OK);
    assert_int_equal(store_commit(), 0);
}

static long long digests(int64_t member)
{
    return unit_db_int("SELECT count(*) FROM outbox WHERE topic='study.digest' AND to_id='%lld'",
                       (long long)member);
}

static void test_digest(void **state)
{
    (void)state;
    subscribe(1, true);
    subscribe(2, true);
    subscribe(2, false);
    /* member 1: the day's first routine item goes at once, the next two fold */
    routine(1, "dues:1", "本月党费提醒");
    routine(1, "dues:2", "党费补交提醒");
    routine(1, "dues:3", "党费公示");
    assert_int_equal(
        unit_db_int("SELECT count(*) FROM notify_items WHERE member_id=1 AND state='folded'"), 2);

    /* 06:00 the next day: before digest_time, nothing */
    int64_t morning = T0 + DAY - 4 * 3600;
    run(morning);
    assert_int_equal(digests(1), 0);
    /* 07:31: one digest with the item's link and the folded items */
    run(morning + 91 * 60);
    assert_int_equal(digests(1), 1);
    assert_int_equal(digests(2), 0); /* unsubscribed */
    assert_int_equal(digests(3), 0); /* never subscribed */
    char *text = unit_db_text("SELECT text FROM outbox WHERE topic='study.digest' AND to_id='1'");
    assert_non_null(text);
    assert_non_null(strstr(text, "今日学习：《党费按什么基数交》"));
    assert_non_null(strstr(text, "http://127.0.0.1:8080/s/1?m=1&"));
    assert_non_null(strstr(text, "党费补交提醒"));
    assert_non_null(strstr(text, "党费公示"));
    assert_non_null(strstr(text, "退订"));
    free(text);
    /* the folded items went with it */
    assert_int_equal(
        unit_db_int("SELECT count(*) FROM notify_items WHERE member_id=1 AND state='folded'"), 0);
    assert_int_equal(unit_db_int("SELECT count(*) FROM notify_items n JOIN outbox o ON "
                                 "o.id=n.outbox_id WHERE n.state='released' AND "
                                 "o.topic='study.digest'"),
                     2);
    /* a later run the same day: nothing more */
    run(morning + 3 * 3600);
    assert_int_equal(digests(1), 1);

    /* the next day: the item is still unread, the released items do not show again */
    run(morning + DAY + 91 * 60);
    assert_int_equal(digests(1), 2);
    text = unit_db_text("SELECT text FROM outbox WHERE topic='study.digest' AND to_id='1' "
                        "ORDER BY id DESC LIMIT 1");
    assert_non_null(text);
    assert_non_null(strstr(text, "党费按什么基数交"));
    assert_null(strstr(text, "党费补交提醒"));
    free(text);

    /* read: the next day there is nothing to say, so no digest */
    assert_int_equal(store_begin(), 0);
    assert_int_equal(study_read(1, 1, "page", morning + DAY + 2 * 3600, NULL), ZB_OK);
    assert_int_equal(store_commit(), 0);
    run(morning + 2 * DAY + 91 * 60);
    assert_int_equal(digests(1), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digest),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
