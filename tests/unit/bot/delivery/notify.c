/*
 * notify.c - unit tests for bot/delivery/notify.c on a fresh database, with the process clock
 * moved through a test file: urgent goes now, a key twice queues once, routine items fold after
 * the first of the day per capability and go with the next day's first, two capabilities each
 * get their one, an unreachable member is listed by name, fields reach the outbox row.
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

#include "bot/base/clock.h"
#include "bot/delivery/channel.h"
#include "bot/delivery/notify.h"
#include "bot/delivery/outbox.h"
#include "tests/unit/unit_db.h"

#define DAY1 1796004000LL /* 2026-11-30 10:00 in Asia/Shanghai */
#define DAY  86400LL

static char now_file[96];
static struct channel_rules rules;

static void set_now(int64_t t)
{
    FILE *f = fopen(now_file, "w");
    assert_non_null(f);
    fprintf(f, "%lld\n", (long long)t);
    fclose(f);
}

static void exec(const char *sql)
{
    assert_int_equal(sqlite3_exec(store_db(), sql, NULL, NULL, NULL), SQLITE_OK);
}

static int setup(void **state)
{
    (void)state;
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    snprintf(now_file, sizeof now_file, "/tmp/zhibu-notify-now-%d", (int)getpid());
    setenv("ZHIBU_TEST_NOW_FILE", now_file, 1);
    if (clock_configure(true) || unit_db_open("notify"))
        return -1;
    exec("INSERT INTO members(id, name, created_at, updated_at) VALUES(1,'张三',0,0),"
         "(2,'李四',0,0),(3,'王五',0,0);"
         "INSERT INTO identities(platform, account, ext_id, member_id, first_seen, last_seen) "
         "VALUES('onebot','','111',1,0,10),('onebot','','222',2,0,10),"
         "('wxmini','','mini3',3,0,10);");
    channel_rules_default(&rules);
    rules.platform_on[PLATFORM_ONEBOT] = true;
    notify_configure(&rules);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    unlink(now_file);
    return 0;
}

/* send - notify_send inside its own transaction, as a writer job would. */
static int send(int64_t member, const char *kind, enum notify_urgency u, const char *key,
                const char *title, const char *text, struct notify_result *res)
{
    struct notify_fields f = {.title = title, .text = text};
    assert_int_equal(store_begin(), 0);
    int rc = notify_send(member, kind, u, key, &f, res);
    if (rc == 0)
        assert_int_equal(store_commit(), 0);
    else
        store_rollback();
    return rc;
}

static long long outbox_rows(const char *key)
{
    return unit_db_int("SELECT count(*) FROM outbox WHERE idem_key='%s'", key);
}

static void test_urgent_goes_now(void **state)
{
    (void)state;
    struct notify_result r;
    set_now(DAY1);
    assert_int_equal(send(1, "meeting.reminder", NOTIFY_URGENT, "meeting:1:member:1:1h", "支部大会",
                          "一小时后开会", &r),
                     0);
    assert_int_equal(r.outcome, NOTIFY_QUEUED);
    assert_true(r.outbox_id > 0);
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE id=%lld AND status='pending' "
                                 "AND rcpt='member' AND to_id='1' AND kind='reminder' "
                                 "AND topic='meeting.reminder'",
                                 (long long)r.outbox_id),
                     1);
    /* a second urgent item of the same capability the same day goes too */
    assert_int_equal(send(1, "meeting.reminder", NOTIFY_URGENT, "meeting:2:member:1:1h", "党课",
                          "一小时后党课", &r),
                     0);
    assert_int_equal(r.outcome, NOTIFY_QUEUED);
}

static void test_same_key_once(void **state)
{
    (void)state;
    struct notify_result a, b;
    set_now(DAY1);
    assert_int_equal(
        send(2, "task.issued", NOTIFY_URGENT, "task:7:member:2", "上报心得", "周五前上报", &a), 0);
    assert_int_equal(
        send(2, "task.issued", NOTIFY_URGENT, "task:7:member:2", "上报心得", "周五前上报", &b), 0);
    assert_int_equal(a.outcome, NOTIFY_QUEUED);
    assert_int_equal(b.outcome, NOTIFY_DUPLICATE);
    assert_int_equal(b.outbox_id, a.outbox_id);
    assert_int_equal(outbox_rows("task:7:member:2"), 1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM notify_items WHERE idem_key="
                                 "'task:7:member:2'"),
                     1);
    /* a folded routine item is a duplicate too */
    assert_int_equal(send(2, "dues.arrears", NOTIFY_ROUTINE, "dues:2:a", NULL, "欠缴党费", &a), 0);
    assert_int_equal(send(2, "dues.arrears", NOTIFY_ROUTINE, "dues:2:b", NULL, "欠缴党费", &a), 0);
    assert_int_equal(a.outcome, NOTIFY_FOLDED);
    assert_int_equal(send(2, "dues.arrears", NOTIFY_ROUTINE, "dues:2:b", NULL, "欠缴党费", &b), 0);
    assert_int_equal(b.outcome, NOTIFY_DUPLICATE);
    assert_int_equal(b.outbox_id, 0);
}

static int count_item(const struct notify_item *it, void *arg)
{
    assert_int_equal(strncmp(it->kind, "study.", 6), 0);
    (*(int *)arg)++;
    return 0;
}

static void test_routine_folds_then_next_day(void **state)
{
    (void)state;
    struct notify_result r;
    int n = 0;
    set_now(DAY1);
    assert_int_equal(
        send(1, "study.weekly", NOTIFY_ROUTINE, "study:w1:m1", "第一课", "本周学习一", &r), 0);
    assert_int_equal(r.outcome, NOTIFY_QUEUED);
    set_now(DAY1 + 3600);
    assert_int_equal(
        send(1, "study.weekly", NOTIFY_ROUTINE, "study:w2:m1", "第二课", "本周学习二", &r), 0);
    assert_int_equal(r.outcome, NOTIFY_FOLDED);
    assert_int_equal(r.outbox_id, 0);
    assert_int_equal(outbox_rows("study:w2:m1"), 0);
    set_now(DAY1 + 7200);
    assert_int_equal(send(1, "study.quiz", NOTIFY_ROUTINE, "study:q3:m1", NULL, "答题提醒", &r), 0);
    assert_int_equal(r.outcome, NOTIFY_FOLDED); /* the same capability: study */
    assert_int_equal(notify_folded(1, 10, count_item, &n), 0);
    assert_int_equal(n, 2);

    /* 23:59 local the same day: still folded */
    set_now(DAY1 + 14 * 3600 - 60);
    assert_int_equal(send(1, "study.weekly", NOTIFY_ROUTINE, "study:w4:m1", "第四课", "学习四", &r),
                     0);
    assert_int_equal(r.outcome, NOTIFY_FOLDED);

    /* the next day: the first goes, with the three folded ones listed */
    set_now(DAY1 + DAY);
    assert_int_equal(send(1, "study.weekly", NOTIFY_ROUTINE, "study:w5:m1", "第五课", "学习五", &r),
                     0);
    assert_int_equal(r.outcome, NOTIFY_QUEUED);
    assert_int_equal(r.released, 3);
    char *text = unit_db_text("SELECT text FROM outbox WHERE id=%lld", (long long)r.outbox_id);
    assert_non_null(text);
    assert_non_null(strstr(text, "学习五"));
    assert_non_null(strstr(text, "此前还有 3 条"));
    assert_non_null(strstr(text, "· 第二课"));
    assert_non_null(strstr(text, "· 答题提醒"));
    assert_non_null(strstr(text, "· 第四课"));
    free(text);
    assert_int_equal(unit_db_int("SELECT count(*) FROM notify_items WHERE member_id=1 AND "
                                 "state='released' AND outbox_id=%lld",
                                 (long long)r.outbox_id),
                     3);
    n = 0;
    assert_int_equal(notify_folded(1, 10, count_item, &n), 0);
    assert_int_equal(n, 0);
    /* and the rest of that day folds again */
    assert_int_equal(send(1, "study.weekly", NOTIFY_ROUTINE, "study:w6:m1", "第六课", "学习六", &r),
                     0);
    assert_int_equal(r.outcome, NOTIFY_FOLDED);
    n = 0;
    assert_int_equal(notify_folded(1, 10, count_item, &n), 0);
    assert_int_equal(n, 1);
}

static void test_two_capabilities_each_get_one(void **state)
{
    (void)state;
    struct notify_result r;
    set_now(DAY1 + 5 * DAY);
    assert_int_equal(
        send(2, "meeting.reminder", NOTIFY_ROUTINE, "m:2:d5", "组织生活会", "明天开会", &r), 0);
    assert_int_equal(r.outcome, NOTIFY_QUEUED);
    assert_int_equal(send(2, "tasks.reminder", NOTIFY_ROUTINE, "t:2:d5", "心得", "请交心得", &r),
                     0);
    assert_int_equal(r.outcome, NOTIFY_QUEUED);
    assert_int_equal(send(2, "tasks.reminder", NOTIFY_ROUTINE, "t:2:d5b", "心得", "再提醒", &r), 0);
    assert_int_equal(r.outcome, NOTIFY_FOLDED);
    /* an urgent item does not use up the day's routine one, and is not folded */
    assert_int_equal(send(2, "meeting.changed", NOTIFY_URGENT, "m:2:d5:u", "改期", "会议改期", &r),
                     0);
    assert_int_equal(r.outcome, NOTIFY_QUEUED);
}

static void test_unreachable_listed(void **state)
{
    (void)state;
    struct notify_result r;
    set_now(DAY1 + 9 * DAY);
    /* member 3 has only a mini-program identity, which cannot receive pushes */
    assert_int_equal(send(3, "meeting.reminder", NOTIFY_URGENT, "m:3:u", "支部大会", "请参会", &r),
                     0);
    assert_int_equal(r.outcome, NOTIFY_UNREACHABLE);
    assert_true(r.outbox_id > 0);
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE id=%lld AND "
                                 "status='unreachable' AND error_code='unreachable'",
                                 (long long)r.outbox_id),
                     1);
    char *why = unit_db_text("SELECT error_text FROM outbox WHERE id=%lld", (long long)r.outbox_id);
    assert_non_null(why);
    assert_non_null(strstr(why, "王五"));
    free(why);
    /* the secretary's list: zhibu outbox --status unreachable */
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert_int_equal(outbox_print(f, "unreachable", 20, false), 0);
    fclose(f);
    assert_non_null(strstr(out, "无法送达"));
    assert_non_null(strstr(out, "王五"));
    free(out);
    /* the sender is not woken for it, and a routine one the same day is folded after one */
    outbox_kick_pushed();
    assert_int_equal(send(3, "dues.arrears", NOTIFY_ROUTINE, "d:3:1", NULL, "欠缴", &r), 0);
    assert_int_equal(r.outcome, NOTIFY_UNREACHABLE);
    assert_int_equal(send(3, "dues.arrears", NOTIFY_ROUTINE, "d:3:2", NULL, "欠缴", &r), 0);
    assert_int_equal(r.outcome, NOTIFY_FOLDED);
    /* with no rules (no sender in this process) the sender decides later */
    notify_configure(NULL);
    assert_int_equal(send(3, "meeting.reminder", NOTIFY_URGENT, "m:3:u2", NULL, "请参会", &r), 0);
    assert_int_equal(r.outcome, NOTIFY_QUEUED);
    notify_configure(&rules);
}

static void test_fields_carried(void **state)
{
    (void)state;
    struct notify_result r;
    set_now(DAY1 + 12 * DAY);
    struct notify_fields f = {.title = "支部党员大会",
                              .time = "12月12日 14:30",
                              .place = "三楼会议室",
                              .status = "待参加",
                              .link = "https://zb.example.cn/m/1?s=x",
                              .text = "支部党员大会 12月12日 14:30 三楼会议室"};
    assert_int_equal(store_begin(), 0);
    assert_int_equal(notify_send(1, "meeting.reminder", NOTIFY_URGENT, "m:f:1", &f, &r), 0);
    assert_int_equal(store_commit(), 0);
    char *fj = unit_db_text("SELECT fields_json FROM outbox WHERE id=%lld", (long long)r.outbox_id);
    assert_non_null(fj);
    assert_string_equal(fj, "{\"title\":\"支部党员大会\",\"time\":\"12月12日 14:30\",\"place\":"
                            "\"三楼会议室\",\"status\":\"待参加\",\"link\":"
                            "\"https://zb.example.cn/m/1?s=x\"}");
    free(fj);
    char *text = unit_db_text("SELECT text FROM outbox WHERE id=%lld", (long long)r.outbox_id);
    assert_string_equal(text, f.text);
    free(text);
    /* the sender's claim gives them back (the member's earlier rows are out of the way) */
    char sql[128];
    snprintf(sql, sizeof sql, "UPDATE outbox SET status='sent' WHERE id<>%lld",
             (long long)r.outbox_id);
    exec(sql);
    struct outbox_row rows[16];
    size_t n = 0;
    assert_int_equal(outbox_claim(INT64_MAX / 2, rows, 16, &n), 0);
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].id == r.outbox_id) {
            found = true;
            assert_string_equal(rows[i].topic, "meeting.reminder");
            assert_non_null(strstr(rows[i].fields_json, "三楼会议室"));
        }
        outbox_row_free(&rows[i]);
    }
    assert_true(found);
}

static void test_invalid(void **state)
{
    (void)state;
    struct notify_result r;
    struct notify_fields none = {.title = "x"};
    assert_int_equal(send(1, "Meeting.reminder", NOTIFY_URGENT, "k1", NULL, "x", &r), ZB_EINVAL);
    assert_int_equal(send(1, ".x", NOTIFY_URGENT, "k1", NULL, "x", &r), ZB_EINVAL);
    assert_int_equal(send(1, "meeting.reminder", NOTIFY_URGENT, "", NULL, "x", &r), ZB_EINVAL);
    assert_int_equal(send(99, "meeting.reminder", NOTIFY_URGENT, "k1", NULL, "x", &r),
                     ZB_ENOTFOUND);
    assert_int_equal(store_begin(), 0);
    assert_int_equal(notify_send(1, "meeting.reminder", NOTIFY_URGENT, "k1", &none, &r), ZB_EINVAL);
    store_rollback();
    assert_int_equal(outbox_rows("k1"), 0);
    assert_int_equal(notify_field_parse("place"), NF_PLACE);
    assert_int_equal(notify_field_parse("where"), -1);
    assert_string_equal(notify_field_name(NF_LINK), "link");
}

static int count_folded(const struct notify_item *it, void *arg)
{
    (void)it;
    (*(int *)arg)++;
    return 0;
}

/* A digest listed the folded items up to rel:2: releasing up to it leaves rel:3 folded. */
static void test_release_folded(void **state)
{
    (void)state;
    struct notify_result r;
    set_now(DAY1 + 20 * DAY);
    assert_int_equal(send(1, "dues.reminder", NOTIFY_ROUTINE, "rel:1", "党费", "本月党费", &r), 0);
    assert_int_equal(r.outcome, NOTIFY_QUEUED);
    assert_int_equal(send(1, "dues.reminder", NOTIFY_ROUTINE, "rel:2", "党费二", "二", &r), 0);
    assert_int_equal(r.outcome, NOTIFY_FOLDED);
    assert_int_equal(send(1, "dues.reminder", NOTIFY_ROUTINE, "rel:3", "党费三", "三", &r), 0);
    assert_int_equal(r.outcome, NOTIFY_FOLDED);
    int before = 0;
    assert_int_equal(notify_folded(1, 10, count_folded, &before), 0);
    assert_true(before >= 2); /* rel:2, rel:3 and any left folded by earlier tests */
    long long second = unit_db_int("SELECT id FROM notify_items WHERE idem_key='rel:2'");
    assert_int_equal(send(1, "study.digest", NOTIFY_URGENT, "rel:digest", "提要", "提要", &r), 0);
    int n = -1;
    assert_int_equal(store_begin(), 0);
    assert_int_equal(notify_release_folded(1, 0, r.outbox_id, &n), ZB_EINVAL);
    assert_int_equal(notify_release_folded(1, second, r.outbox_id, &n), 0);
    assert_int_equal(store_commit(), 0);
    assert_int_equal(n, before - 1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM notify_items WHERE idem_key='rel:2' AND "
                                 "state='released' AND outbox_id=%lld",
                                 (long long)r.outbox_id),
                     1);
    int after = 0;
    assert_int_equal(notify_folded(1, 10, count_folded, &after), 0);
    assert_int_equal(after, 1); /* rel:3 was not listed: still folded */
    /* another member's items are untouched; a second call changes nothing */
    assert_int_equal(store_begin(), 0);
    assert_int_equal(notify_release_folded(1, second, r.outbox_id, &n), 0);
    assert_int_equal(store_commit(), 0);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_urgent_goes_now),
        cmocka_unit_test(test_same_key_once),
        cmocka_unit_test(test_routine_folds_then_next_day),
        cmocka_unit_test(test_two_capabilities_each_get_one),
        cmocka_unit_test(test_unreachable_listed),
        cmocka_unit_test(test_fields_carried),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_release_folded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
