/*
 * chat.c - unit tests for handlers/dues/chat.c through the real router: 党费 and 3 show this
 * month's amount, its working and the arrears; 缴费 records in each form (one month, a range
 * with a total, without an amount, 代缴 由, a differing amount with 备注), refuses a plain member,
 * namesakes (both shown, then one picked by number), malformed commands (with the grammar), and a
 * paid month.
 */
#include "tests/unit/handlers/chat.h"

#include <time.h>

#include "bot/base/clock.h"
#include "handlers/dues/dues.h"
#include "handlers/dues/migrations.h"

static int64_t organizer, zhang, zhang2;

static void bind(const char *user, int64_t id)
{
    char code[8], cmd[32];
    chat_code(id, code);
    snprintf(cmd, sizeof cmd, "绑定 %s", code);
    chat_expect(user, cmd, "绑定成功", NULL);
}

static int setup(void **state)
{
    (void)state;
    if (chat_open("h-dues"))
        return -1;
    for (size_t i = 0; i < dues_migrations.n; i++)
        unit_db_exec(dues_migrations.steps[i]);
    assert_int_equal(store_begin(), ZB_OK);
    organizer = chat_person("陈组织", "13800138011", chat_lock, ROLE_ORGANIZER);
    zhang = chat_person("张三", "13800138012", chat_lock, 0);
    zhang2 = chat_person("张三", "13800138013", chat_lock, 0);
    assert_int_equal(store_commit(), ZB_OK);
    unit_db_exec("UPDATE members SET monthly_income_fen = 300001");
    bind("o_org", organizer);
    bind("o_zhang", zhang);
    bind("o_zhao", chat_plain);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    chat_close();
    return 0;
}

static void month_text(int delta, char *out)
{
    dues_month_text(dues_month_of(clock_now()) + delta, out, 8);
}

static void test_member_view(void **state)
{
    (void)state;
    char m[8];
    month_text(0, m);
    chat_expect("o_zhao", "党费", "【党费】", m, "30.00 元，未交", "3000.01 元 × 1% = 30.00 元",
                NULL);
    chat_expect("o_zhao", "3", "【党费】", NULL);
    chat_expect("o_zhao", "我该交多少", "计算：", NULL);
}

static void test_pay_forms(void **state)
{
    (void)state;
    char m0[8], m1[8], m2[8], cmd[128];
    month_text(0, m0);
    month_text(-1, m1);
    month_text(-2, m2);
    /* a plain member may not record */
    snprintf(cmd, sizeof cmd, "缴费 赵党员 %s 30.00", m0);
    chat_expect("o_zhao", cmd, "只有支部书记", NULL);
    /* one month */
    chat_expect("o_org", cmd, "已登记：赵党员 1 个月党费 30.00 元", NULL);
    chat_expect("o_org", cmd, "已经登记过了", NULL);
    /* a range with its total */
    snprintf(cmd, sizeof cmd, "缴费 李书记 %s至%s 60.00", m2, m1);
    chat_expect("o_org", cmd, "已登记：李书记 2 个月党费 60.00 元", NULL);
    /* without an amount: the bills' total; 代缴 */
    snprintf(cmd, sizeof cmd, "代缴 陈组织 %s 由 赵党员", m0);
    chat_expect("o_org", cmd, "已登记：陈组织 1 个月党费 30.00 元", NULL);
    assert_int_equal(unit_db_int("SELECT proxy_id FROM dues_payments WHERE member_id=%lld",
                                 (long long)organizer),
                     chat_plain);
    /* a different amount needs a note */
    snprintf(cmd, sizeof cmd, "缴费 李书记 %s 35", m0);
    chat_expect("o_org", cmd, "不符", "备注", NULL);
    snprintf(cmd, sizeof cmd, "缴费 李书记 %s 35 备注 多交五元", m0);
    chat_expect("o_org", cmd, "与账单 30.00 元不符，已按备注记入台账", NULL);
    /* namesakes: both shown */
    snprintf(cmd, sizeof cmd, "缴费 张三 %s", m0);
    char *got = chat_say("o_org", cmd);
    char id1[32], id2[32];
    snprintf(id1, sizeof id1, "编号 %lld 张三", (long long)zhang);
    snprintf(id2, sizeof id2, "编号 %lld 张三", (long long)zhang2);
    assert_non_null(strstr(got, id1));
    assert_non_null(strstr(got, id2));
    assert_non_null(strstr(got, "换成编号")); /* in chat, not a CLI command */
    assert_null(strstr(got, "zhibu"));
    free(got);
    /* ... and the number picks one of them; the receipt names the member */
    snprintf(cmd, sizeof cmd, "缴费 %lld %s", (long long)zhang2, m0);
    chat_expect("o_org", cmd, "已登记：张三 1 个月党费 30.00 元", NULL);
    assert_int_equal(
        unit_db_int("SELECT count(*) FROM dues_payments WHERE member_id=%lld", (long long)zhang2),
        1);
    chat_expect("o_org", "缴费 99999 2026-11", "没有找到", NULL);
    /* in a group: nothing recorded, no member's amount shown to the group */
    char code[8], bindcmd[32];
    chat_code(organizer, code);
    snprintf(bindcmd, sizeof bindcmd, "绑定 %s", code);
    free(chat_event(PLATFORM_ONEBOT, "20001", NULL, EV_TEXT, bindcmd));
    long long before = unit_db_int("SELECT count(*) FROM dues_payments");
    snprintf(cmd, sizeof cmd, "缴费 陈组织 %s", m1);
    got = chat_event(PLATFORM_ONEBOT, "20001", "30001", EV_TEXT, cmd);
    assert_non_null(strstr(got, "请私聊"));
    assert_null(strstr(got, "已登记"));
    free(got);
    assert_int_equal(unit_db_int("SELECT count(*) FROM dues_payments"), before);
    /* malformed */
    chat_expect("o_org", "缴费", "用法：缴费 姓名 月份", NULL);
    chat_expect("o_org", "缴费 赵党员 十一月", "月份格式不对", "用法", NULL);
    chat_expect("o_org", "缴费 赵党员 2026-11 3.001", "金额格式不对", NULL);
    snprintf(cmd, sizeof cmd, "代缴 赵党员 %s 30", m0);
    chat_expect("o_org", cmd, "代缴请写明代缴人", NULL);
    chat_expect("o_org", "缴费 没这人 2026-11", "没有找到", NULL);
    /* the member sees the payment */
    chat_expect("o_zhao", "党费", "已交", NULL);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action='dues_pay'"), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_member_view, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pay_forms, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
