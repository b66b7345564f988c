/*
 * bind.c - unit tests for handlers/bind.c through the real router and handler table: 绑定 with
 * and without a space or in two steps, the greeting, wrong codes and the lock-out, 解绑, and the
 * binding removed when a WeChat user unsubscribes (but not for QQ).
 */
#include "tests/unit/handlers/chat.h"

#include "bot/org/identity.h"

static int setup(void **state)
{
    (void)state;
    return chat_open("h-bind");
}

static int teardown(void **state)
{
    (void)state;
    chat_close();
    return 0;
}

static int64_t owner(const char *platform, const char *account, const char *user)
{
    int64_t id = -1;
    assert_int_equal(identity_owner(platform, account, user, &id), ZB_OK);
    return id;
}

static void test_bind_greets_by_name(void **state)
{
    (void)state;
    char code[8], cmd[32];
    chat_code(chat_plain, code);
    snprintf(cmd, sizeof cmd, "绑定 %s", code);
    chat_expect("o_zhao", cmd, "绑定成功", "赵党员同志", "市交通运输局党委/船闸支部", "我的", NULL);
    assert_int_equal(owner("wechat", "gh_test", "o_zhao"), chat_plain);
    /* the used code is spent */
    chat_expect("o_someone", cmd, "绑定码不对", "还可以试 4 次", NULL);
    /* a bound user is told so */
    chat_expect("o_zhao", "绑定", "您已绑定为 赵党员", NULL);
    chat_expect("o_zhao", "解绑", "回复 1 确认解绑", "赵党员", NULL);
    chat_expect("o_zhao", "2", "没有解绑", NULL); /* anything but 1 keeps the binding */
    assert_true(owner("wechat", "gh_test", "o_zhao") > 0);
    chat_expect("o_zhao", "解绑", "回复 1 确认解绑", NULL);
    chat_expect("o_zhao", "回复 1", "已解绑", "赵党员", "新的绑定码", NULL);
    assert_int_equal(owner("wechat", "gh_test", "o_zhao"), 0);
    chat_expect("o_zhao", "解绑", "还没有绑定", NULL);
    assert_int_equal(
        unit_db_int("SELECT count(*) FROM members WHERE id=%lld", (long long)chat_plain), 1);
}

static void test_bind_variants(void **state)
{
    (void)state;
    char code[8], cmd[64];
    /* no space, full-width digits: "绑定１２３４５６" */
    chat_code(chat_secretary, code);
    snprintf(cmd, sizeof cmd, "绑定");
    for (int i = 0; i < 6; i++) { /* '0' -> U+FF10 */
        char wide[4] = {(char)0xef, (char)0xbc, (char)(0x90 + (code[i] - '0')), 0};
        size_t used = strlen(cmd);
        snprintf(cmd + used, sizeof cmd - used, "%s", wide);
    }
    chat_expect("o_li", cmd, "绑定成功", "李书记", NULL);
    /* two steps: 绑定, then the code; a malformed code keeps the question open */
    chat_code(chat_other_branch, code);
    chat_expect("o_qian", "绑定", "请发送您的 6 位绑定码", NULL);
    chat_expect("o_qian", "12345", "6 位数字", NULL);
    chat_expect("o_qian", code, "绑定成功", "钱党员", "航道支部", NULL);
    assert_int_equal(owner("wechat", "gh_test", "o_qian"), chat_other_branch);
    /* QQ numbers bind too (OneBot identities are global) */
    chat_code(chat_plain, code);
    snprintf(cmd, sizeof cmd, "绑定 %s", code);
    char *got = chat_event(PLATFORM_ONEBOT, "10001", NULL, EV_TEXT, cmd);
    assert_non_null(strstr(got, "赵党员"));
    free(got);
    assert_int_equal(owner("onebot", "", "10001"), chat_plain);
}

static void test_lockout_after_five_wrong_codes(void **state)
{
    (void)state;
    char good[8], wrong[8] = "000000";
    int64_t id;
    chat_code(chat_plain, good);
    while (member_by_code(wrong, &id) == ZB_OK) /* a code nobody holds */
        wrong[5]++;
    char cmd[32];
    snprintf(cmd, sizeof cmd, "绑定 %s", wrong);
    for (int left = 4; left > 0; left--) {
        char want[32];
        snprintf(want, sizeof want, "还可以试 %d 次", left);
        chat_expect("o_guess", cmd, "绑定码不对", want, NULL);
    }
    chat_expect("o_guess", cmd, "错误次数太多", "60 分钟后再试", NULL);
    snprintf(cmd, sizeof cmd, "绑定 %s", good);
    chat_expect("o_guess", cmd, "错误次数太多", NULL); /* even the right code */
    assert_int_equal(owner("wechat", "gh_test", "o_guess"), 0);
    /* the state is in SQLite: an hour later (moved back in the table) the code works */
    unit_db_exec("UPDATE bind_guard SET locked_until = 1 WHERE ext_id = 'o_guess'");
    chat_expect("o_guess", cmd, "绑定成功", NULL);
}

static void test_unsubscribe_unbinds_wechat_only(void **state)
{
    (void)state;
    char code[8], cmd[32];
    chat_code(chat_secretary, code);
    snprintf(cmd, sizeof cmd, "绑定 %s", code);
    chat_expect("o_leaver", cmd, "绑定成功", NULL);
    char *got = chat_event(PLATFORM_WECHAT, "o_leaver", NULL, EV_UNFOLLOW, "");
    assert_string_equal(got, "(none)");
    free(got);
    assert_int_equal(owner("wechat", "gh_test", "o_leaver"), 0);
    assert_int_equal(
        unit_db_int("SELECT count(*) FROM members WHERE id=%lld", (long long)chat_secretary), 1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action='unfollow' AND "
                                 "actor='member:%lld' AND channel='wechat'",
                                 (long long)chat_secretary),
                     1);
    /* an unfollow from a user who was never bound is simply recorded */
    got = chat_event(PLATFORM_WECHAT, "o_nobody", NULL, EV_UNFOLLOW, "");
    free(got);
    /* a QQ friend removal keeps the binding */
    chat_code(chat_secretary, code);
    snprintf(cmd, sizeof cmd, "绑定 %s", code);
    got = chat_event(PLATFORM_ONEBOT, "20002", NULL, EV_TEXT, cmd);
    free(got);
    got = chat_event(PLATFORM_ONEBOT, "20002", NULL, EV_UNFOLLOW, "");
    free(got);
    assert_int_equal(owner("onebot", "", "20002"), chat_secretary);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bind_greets_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bind_variants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lockout_after_five_wrong_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsubscribe_unbinds_wechat_only, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
