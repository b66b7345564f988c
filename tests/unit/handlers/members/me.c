/*
 * me.c - unit tests for handlers/me.c and handlers/roster.c and the members-only menu, through
 * the real router and handler table: what an unbound sender sees, 我的 (masked, own record
 * only, never in a group), and 成员 with its role check, scope and audit row.
 */
#include "tests/unit/handlers/chat.h"

#include "handlers/menu/help.h"

static int setup(void **state)
{
    (void)state;
    return chat_open("h-me");
}

static int teardown(void **state)
{
    (void)state;
    chat_close();
    return 0;
}

static void bind_as(const char *user, int64_t member)
{
    char code[8], cmd[32];
    chat_code(member, code);
    snprintf(cmd, sizeof cmd, "绑定 %s", code);
    chat_expect(user, cmd, "绑定成功", NULL);
}

static void test_unbound_menu_and_refusal(void **state)
{
    (void)state;
    char *menu = chat_say("o_new", "帮助");
    assert_non_null(strstr(menu, "7 给支部留言")); /* 留言 is public */
    assert_null(strstr(menu, "我的信息"));         /* members only: not listed */
    assert_non_null(strstr(menu, HELP_BIND_LINE)); /* and how to bind */
    free(menu);
    chat_expect("o_new", "我的", ROUTER_MEMBERS_ONLY_TEXT, NULL);
    chat_expect("o_new", "8", ROUTER_MEMBERS_ONLY_TEXT, NULL);
    chat_expect("o_new", "成员", ROUTER_MEMBERS_ONLY_TEXT, NULL);
    chat_expect("o_new", "随便说点什么", "没看懂", HELP_BIND_LINE, NULL);
    char *welcome = chat_event(PLATFORM_WECHAT, "o_new", NULL, EV_FOLLOW, "");
    assert_non_null(strstr(welcome, HELP_BIND_LINE));
    free(welcome);
}

static void test_me_shows_own_record_masked(void **state)
{
    (void)state;
    bind_as("o_zhao", chat_plain);
    chat_expect("o_zhao", "我的信息", "【我的信息】", "赵党员", "138****8005",
                "市交通运输局党委/船闸支部", "正式党员", "已绑定：微信公众号", NULL);
    char *me = chat_say("o_zhao", "我的");
    assert_null(strstr(me, "13800138005")); /* never the whole phone */
    assert_null(strstr(me, "李书记"));      /* nobody else's record */
    free(me);
    char *menu = chat_say("o_zhao", "菜单");
    assert_non_null(strstr(menu, "8 我的信息"));
    assert_null(strstr(menu, HELP_BIND_LINE));
    free(menu);
    /* in a group chat the record is not shown */
    char code[8], cmd[32];
    chat_code(chat_plain, code);
    snprintf(cmd, sizeof cmd, "绑定 %s", code);
    free(chat_event(PLATFORM_ONEBOT, "30003", NULL, EV_TEXT, cmd));
    char *group = chat_event(PLATFORM_ONEBOT, "30003", "g1", EV_TEXT, "我的");
    assert_non_null(strstr(group, "私聊"));
    assert_null(strstr(group, "138****8005"));
    free(group);
}

static void test_roster_role_and_scope(void **state)
{
    (void)state;
    bind_as("o_plain", chat_plain);
    long long before = unit_db_int("SELECT count(*) FROM audit WHERE action='view_members'");
    chat_expect("o_plain", "成员", "只有支部书记", NULL); /* a plain member is refused */
    bind_as("o_sec", chat_secretary);
    char *list = chat_say("o_sec", "成员");
    assert_non_null(strstr(list, "船闸支部 党员名单"));
    assert_non_null(strstr(list, "李书记"));
    assert_non_null(strstr(list, "赵党员 138****8005"));
    char numbered[64]; /* each line leads with the member's own number, as 缴费 编号 takes it */
    snprintf(numbered, sizeof numbered, "\n%lld 赵党员 ", (long long)chat_plain);
    assert_non_null(strstr(list, numbered));
    assert_null(strstr(list, "钱党员")); /* another branch: out of scope */
    assert_null(strstr(list, "13800138005"));
    assert_non_null(strstr(list, "共 2 人"));
    free(list);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action='view_members'") - before,
                     1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action='view_members' AND "
                                 "actor='member:%lld' AND target='branch:%lld' AND "
                                 "channel='wechat'",
                                 (long long)chat_secretary, (long long)chat_lock),
                     1);
    /* never in a group */
    char *group = chat_event(PLATFORM_WECHAT, "o_sec", "g", EV_TEXT, "成员");
    assert_non_null(strstr(group, "私聊"));
    free(group);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unbound_menu_and_refusal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_me_shows_own_record_masked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roster_role_and_scope, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
