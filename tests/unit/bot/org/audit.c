/*
 * audit.c - unit tests for bot/audit.c: rows written as given, listed with the since and actor
 * filters and the limit, oldest first, action names in Chinese (the capabilities' too).
 */
#include "tests/unit/unit_db.h"

#include "bot/org/audit.h"

static int setup(void **state)
{
    (void)state;
    setenv("TZ", "Asia/Shanghai", 1);
    return unit_db_open("audit");
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static char *print(int64_t since, const char *actor, int limit)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_int_equal(audit_print(f, since, actor, limit), ZB_OK);
    fclose(f);
    return text;
}

static void test_write_and_list(void **state)
{
    (void)state;
    char me[AUDIT_ACTOR_MAX], member[AUDIT_ACTOR_MAX];
    audit_cli_actor(me, sizeof me);
    assert_int_equal(strncmp(me, "cli:", 4), 0);
    audit_member_actor(7, member, sizeof member);
    assert_string_equal(member, "member:7");

    char *none = print(0, NULL, 10);
    assert_non_null(strstr(none, "没有"));
    free(none);

    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(audit_write(me, "import", "members.csv", "新增 12 人", "cli", 1000), ZB_OK);
    assert_int_equal(audit_write(member, "view_members", "branch:2", "12 人", "wechat", 2000),
                     ZB_OK);
    assert_int_equal(audit_write(me, "unmask", "member:3", NULL, "cli", 3000), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE actor='member:7' AND "
                                 "channel='wechat' AND target='branch:2' AND at=2000"),
                     1);

    char *all = print(0, NULL, 10);
    char *a = strstr(all, "导入名单"), *b = strstr(all, "查看名单"),
         *c = strstr(all, "查看完整手机号");
    assert_true(a && b && c && a < b && b < c);          /* oldest first */
    assert_non_null(strstr(all, "1970-01-01 08:16:40")); /* 1000 in Asia/Shanghai */
    free(all);

    char *since = print(2000, NULL, 10);
    assert_null(strstr(since, "导入名单"));
    assert_non_null(strstr(since, "查看名单"));
    free(since);

    char *by7 = print(0, "7", 10); /* a bare number means member:7 */
    assert_non_null(strstr(by7, "查看名单"));
    assert_null(strstr(by7, "导入名单"));
    free(by7);

    char *byme = print(0, me, 10);
    assert_non_null(strstr(byme, "导入名单"));
    assert_null(strstr(byme, "查看名单"));
    free(byme);

    char *last = print(0, NULL, 1); /* the newest one */
    assert_non_null(strstr(last, "查看完整手机号"));
    assert_null(strstr(last, "导入名单"));
    free(last);
}

/* The capabilities' actions (dues, meetings, transfers, tasks, study) read in Chinese too: every
 * action id written by the code has a name, and none is shown as its English id. */
static void test_capability_actions_in_chinese(void **state)
{
    (void)state;
    static const char *const ids[] = {
        "dues_pay",
        "dues_reverse",
        "dues_relief",
        "dues_voluntary",
        "dues_income",
        "dues_approval",
        "meeting.add",
        "meeting.change",
        "meeting.cancel",
        "meeting.code",
        "meeting.proxy",
        "meeting.minutes",
        "transfer_start",
        "transfer_approve",
        "transfer_return",
        "transfer_resubmit",
        "transfer_issue",
        "transfer_reissue",
        "transfer_receive",
        "transfer_cancel",
        "transfer_expire",
        "task_send",
        "task_approve",
        "task_proxy",
        "task_report",
        "study.submit",
        "study.approve",
        "study.return",
        "study.retire",
        "study.subscribe",
        "study.unsubscribe",
        "publish",
        "feedback_answer",
        "group_bind",
        "group_unbind",
        "branch_move",
        "branch_kind",
        "code_exposed",
        "wechat_menu",
        "withdraw",
        "transfer_receive_in",
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const char *name = audit_action_name(ids[i]);
        if (strcmp(name, ids[i]) == 0)
            fail_msg("audit action %s has no Chinese name", ids[i]);
        assert_true((unsigned char)name[0] >= 0x80);
    }
    assert_int_equal(
        audit_write("member:1", "dues_pay", "member:5", "2026-11 43.80 元", "wechat", 1), ZB_OK);
    char *all = print(0, NULL, 10);
    assert_non_null(strstr(all, "登记缴费"));
    assert_null(strstr(all, "dues_pay"));
    free(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_and_list),
        cmocka_unit_test(test_capability_actions_in_chinese),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
