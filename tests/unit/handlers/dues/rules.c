/*
 * rules.c - unit tests for handlers/dues/rules.c: every bracket edge of the employed table on
 * both sides, retirees, the flat categories, the three roundings, the config's rate tables
 * (good and bad), categories in English and Chinese, months, and the chat payment grammar in all
 * its forms and malformed ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "handlers/dues/dues.h"

static int64_t due(enum member_category cat, int64_t income)
{
    struct dues_calc c;
    assert_int_equal(dues_calc_amount(dues_rules(), cat, income, &c), ZB_OK);
    return c.amount_fen;
}

static void test_employed_edges(void **state)
{
    (void)state;
    static const struct {
        int64_t income, fen;
    } cases[] = {
        {0, 0},          {100, 1},         {299999, 1500},   {300000, 1500},
        {300001, 3000},  {499999, 5000},   {500000, 5000},   {500001, 7500},
        {999999, 15000}, {1000000, 15000}, {1000001, 20000}, {2000000, 40000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(due(CAT_EMPLOYED, cases[i].income), cases[i].fen);
        assert_int_equal(due(CAT_ANNUAL_SALARY, cases[i].income), cases[i].fen);
        assert_int_equal(due(CAT_SELF_EMPLOYED, cases[i].income), cases[i].fen);
    }
    struct dues_calc c;
    assert_int_equal(dues_calc_amount(dues_rules(), CAT_EMPLOYED, 300001, &c), ZB_OK);
    assert_string_equal(c.rule, "3000.01 元 × 1% = 30.00 元");
    assert_int_equal(dues_calc_amount(dues_rules(), CAT_EMPLOYED, 300000, &c), ZB_OK);
    assert_string_equal(c.rule, "3000.00 元 × 0.5% = 15.00 元");
    assert_int_equal(dues_calc_amount(dues_rules(), CAT_EMPLOYED, 1000001, &c), ZB_OK);
    assert_string_equal(c.rule, "10000.01 元 × 2% = 200.00 元");
    assert_int_equal(dues_calc_amount(dues_rules(), CAT_EMPLOYED, -1, &c), ZB_EINVAL);
    assert_int_equal(dues_calc_amount(dues_rules(), CAT_EMPLOYED, DUES_INCOME_MAX + 1, &c),
                     ZB_EINVAL);
    assert_int_equal(dues_calc_amount(dues_rules(), CAT_COUNT, 100, &c), ZB_EINVAL);
}

static void test_retired_and_flat(void **state)
{
    (void)state;
    assert_int_equal(due(CAT_RETIRED, 500000), 2500);
    assert_int_equal(due(CAT_RETIRED, 500001), 5000);
    assert_int_equal(due(CAT_RETIRED, 420000), 2100);
    assert_int_equal(due(CAT_RETIRED, 1200000), 12000); /* no 1.5% band for pensions */
    assert_int_equal(due(CAT_STUDENT, 0), 20);
    assert_int_equal(due(CAT_LOW_INCOME, 999999), 20);
    assert_int_equal(due(CAT_FARMER, -1), 20);
    struct dues_calc c;
    assert_int_equal(dues_calc_amount(dues_rules(), CAT_STUDENT, -1, &c), ZB_OK);
    assert_string_equal(c.rule, "学生党员每月 0.20 元");
}

static void test_rounding(void **state)
{
    (void)state;
    struct dues_rules r, saved = *dues_rules();
    char err[128];
    /* 3333.33 x 1% = 33.3333; 3456.78 x 1% = 34.5678; 1234.50 x 0.5% = 6.1725 */
    assert_int_equal(
        dues_rules_parse(NULL, NULL, NULL, NULL, "down", NULL, 25, 6, &r, err, sizeof err), ZB_OK);
    dues_configure(&r);
    assert_int_equal(due(CAT_EMPLOYED, 345678), 3456);
    assert_int_equal(due(CAT_EMPLOYED, 123450), 617);
    assert_int_equal(
        dues_rules_parse(NULL, NULL, NULL, NULL, "up", NULL, 25, 6, &r, err, sizeof err), ZB_OK);
    dues_configure(&r);
    assert_int_equal(due(CAT_EMPLOYED, 345678), 3457);
    assert_int_equal(due(CAT_EMPLOYED, 333333), 3334);
    assert_int_equal(due(CAT_EMPLOYED, 300001), 3001); /* 30.0001 rounds up */
    assert_int_equal(
        dues_rules_parse(NULL, NULL, NULL, NULL, "half_up", NULL, 25, 6, &r, err, sizeof err),
        ZB_OK);
    dues_configure(&r);
    assert_int_equal(due(CAT_EMPLOYED, 345678), 3457);
    assert_int_equal(due(CAT_EMPLOYED, 333333), 3333);
    assert_int_equal(due(CAT_EMPLOYED, 123450), 617); /* 6.1725 */
    assert_int_equal(due(CAT_EMPLOYED, 123500), 618); /* 6.175: half up */
    dues_configure(&saved);
}

static void test_rules_parse(void **state)
{
    (void)state;
    struct dues_rules r, saved = *dues_rules();
    char err[128];
    assert_int_equal(dues_rules_parse("2000:0.25,*:3", "*:0.5", "0.10", "1.00", NULL, "approval",
                                      10, 12, &r, err, sizeof err),
                     ZB_OK);
    assert_int_equal(r.n_employed, 2);
    assert_int_equal(r.employed[0].upto_fen, 200000);
    assert_int_equal(r.employed[0].rate_bp, 25);
    assert_int_equal(r.employed[1].rate_bp, 300);
    assert_int_equal(r.flat_fen, 10);
    assert_int_equal(r.farmer_fen, 100);
    assert_int_equal(r.probation, DUES_FROM_APPROVAL);
    dues_configure(&r);
    assert_int_equal(due(CAT_EMPLOYED, 200000), 500);
    assert_int_equal(due(CAT_EMPLOYED, 200001), 6000);
    assert_int_equal(due(CAT_RETIRED, 1000000), 5000);
    assert_int_equal(due(CAT_FARMER, 0), 100);
    dues_configure(&saved);
    static const char *const bad_tables[] = {
        "",          "3000:0.5",     "*:2,3000:1", "5000:1,3000:2,*:3", "3000:x,*:1",
        "3000:,*:1", "3000:101,*:1", "abc:1,*:1",  "3000:0.5,,*:1",     "3000:0.555,*:1",
    };
    for (size_t i = 0; i < sizeof bad_tables / sizeof bad_tables[0]; i++) {
        if (!bad_tables[i][0])
            continue; /* "" means the default */
        assert_int_equal(dues_rules_parse(bad_tables[i], NULL, NULL, NULL, NULL, NULL, 25, 6, &r,
                                          err, sizeof err),
                         ZB_ECONFIG);
        assert_non_null(strstr(err, "dues.employed_rates"));
    }
    assert_int_equal(
        dues_rules_parse(NULL, NULL, NULL, "1.01", NULL, NULL, 25, 6, &r, err, sizeof err),
        ZB_ECONFIG);
    assert_int_equal(
        dues_rules_parse(NULL, NULL, NULL, "0.19", NULL, NULL, 25, 6, &r, err, sizeof err),
        ZB_ECONFIG);
    assert_int_equal(
        dues_rules_parse(NULL, NULL, NULL, NULL, "even", NULL, 25, 6, &r, err, sizeof err),
        ZB_ECONFIG);
    assert_int_equal(
        dues_rules_parse(NULL, NULL, NULL, NULL, NULL, "vote", 25, 6, &r, err, sizeof err),
        ZB_ECONFIG);
    assert_int_equal(
        dues_rules_parse(NULL, NULL, NULL, NULL, NULL, NULL, 29, 6, &r, err, sizeof err),
        ZB_ECONFIG);
}

static void test_categories_and_months(void **state)
{
    (void)state;
    static const struct {
        const char *w;
        enum member_category c;
    } ok[] = {
        {"employed", CAT_EMPLOYED},      {"在职", CAT_EMPLOYED},
        {"离退休", CAT_RETIRED},         {"retired", CAT_RETIRED},
        {"学生", CAT_STUDENT},           {"农民", CAT_FARMER},
        {"低保", CAT_LOW_INCOME},        {"失业", CAT_LOW_INCOME},
        {"unemployed", CAT_LOW_INCOME},  {"年薪制", CAT_ANNUAL_SALARY},
        {"灵活就业", CAT_SELF_EMPLOYED}, {"self-employed", CAT_SELF_EMPLOYED},
    };
    enum member_category c;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(dues_category_parse(ok[i].w, &c), ZB_OK);
        assert_int_equal(c, ok[i].c);
    }
    assert_int_equal(dues_category_parse("worker", &c), ZB_EINVAL);
    assert_int_equal(dues_category_parse(NULL, &c), ZB_EINVAL);
    int m;
    char t[8];
    assert_int_equal(dues_month_parse("2026-11", &m), ZB_OK);
    assert_int_equal(m, 2026 * 12 + 10);
    dues_month_text(m, t, sizeof t);
    assert_string_equal(t, "2026-11");
    assert_int_equal(dues_month_parse("2026年1月", &m), ZB_OK);
    assert_int_equal(m, 2026 * 12);
    assert_int_equal(dues_month_parse("2026/12", &m), ZB_OK);
    static const char *const bad[] = {"2026-13", "2026-00", "26-11",   "2026-1x",
                                      "2026",    "",        "1800-01", "2026-011"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(dues_month_parse(bad[i], &m), ZB_EINVAL);
}

static void test_pay_parse(void **state)
{
    (void)state;
    struct dues_pay_cmd p;
    assert_int_equal(dues_pay_parse("张三 2026-11 30.00", false, &p), DUES_PARSE_OK);
    assert_string_equal(p.name, "张三");
    assert_int_equal(p.n_months, 1);
    assert_int_equal(p.months[0], 2026 * 12 + 10);
    assert_int_equal(p.amount_fen, 3000);
    assert_false(p.confirm);

    assert_int_equal(dues_pay_parse("张三 2026-09至2026-11 90.00", false, &p), DUES_PARSE_OK);
    assert_int_equal(p.n_months, 3);
    assert_int_equal(p.months[2] - p.months[0], 2);
    assert_int_equal(p.amount_fen, 9000);

    assert_int_equal(dues_pay_parse("张三 2025-11至2026-02", false, &p), DUES_PARSE_OK);
    assert_int_equal(p.n_months, 4); /* across the year */
    assert_int_equal(p.amount_fen, -1);

    assert_int_equal(dues_pay_parse("张三 2026-11,2026-09", false, &p), DUES_PARSE_OK);
    assert_int_equal(p.n_months, 2);
    assert_true(p.months[0] < p.months[1]);

    assert_int_equal(dues_pay_parse("张三 2026-11 30.00 由 李四", true, &p), DUES_PARSE_OK);
    assert_string_equal(p.proxy, "李四");

    assert_int_equal(dues_pay_parse("张三 2026-11 20 备注 家庭困难 少交 确认", false, &p),
                     DUES_PARSE_OK);
    assert_string_equal(p.note, "家庭困难 少交");
    assert_true(p.confirm);
    assert_int_equal(p.amount_fen, 2000);

    assert_int_equal(dues_pay_parse("", false, &p), DUES_PARSE_NAME);
    assert_int_equal(dues_pay_parse("张三", false, &p), DUES_PARSE_MONTHS);
    assert_int_equal(dues_pay_parse("张三 十一月", false, &p), DUES_PARSE_MONTHS);
    assert_int_equal(dues_pay_parse("张三 2026-11至2026-09", false, &p), DUES_PARSE_MONTHS);
    assert_int_equal(dues_pay_parse("张三 2026-11,2026-11", false, &p), DUES_PARSE_MONTHS);
    assert_int_equal(dues_pay_parse("张三 2020-01至2026-11", false, &p), DUES_PARSE_MONTHS);
    assert_int_equal(dues_pay_parse("张三 2026-11 -30", false, &p), DUES_PARSE_AMOUNT);
    assert_int_equal(dues_pay_parse("张三 2026-11 30.001", false, &p), DUES_PARSE_AMOUNT);
    assert_int_equal(dues_pay_parse("张三 2026-11 30 由 李四", false, &p), DUES_PARSE_EXTRA);
    assert_int_equal(dues_pay_parse("张三 2026-11 30", true, &p), DUES_PARSE_PROXY);
    assert_int_equal(dues_pay_parse("张三 2026-11 30 由", true, &p), DUES_PARSE_PROXY);
    assert_int_equal(dues_pay_parse("张三 2026-11 30 多余", false, &p), DUES_PARSE_EXTRA);
    assert_int_equal(dues_pay_parse("张三 2026-11 30 备注", false, &p), DUES_PARSE_EXTRA);
    char big[1100];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    assert_int_equal(dues_pay_parse(big, false, &p), DUES_PARSE_EXTRA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_employed_edges),
        cmocka_unit_test(test_retired_and_flat),
        cmocka_unit_test(test_rounding),
        cmocka_unit_test(test_rules_parse),
        cmocka_unit_test(test_categories_and_months),
        cmocka_unit_test(test_pay_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
