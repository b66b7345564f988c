/*
 * audit.c - unit tests for bot/audit.c: rows written as given, listed with the since and actor
 * filters and the limit, oldest first, action names in Chinese.
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_and_list),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
