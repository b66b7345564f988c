/*
 * member.c - unit tests for bot/member.c: money in fen without floating point, phones and their
 * masks, dates, column names, field validation, cross-field rules, storage and binding codes.
 */
#include "tests/unit/unit_db.h"

#include "bot/org/member.h"
#include "bot/org/role.h"

static int setup(void **state)
{
    (void)state;
    return unit_db_open("member");
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static int64_t fen(const char *s)
{
    int64_t v = -7;
    assert_int_equal(member_parse_fen(s, &v), ZB_OK);
    return v;
}

static void bad_fen(const char *s)
{
    int64_t v = -7;
    assert_int_equal(member_parse_fen(s, &v), ZB_EINVAL);
    assert_int_equal(v, -7);
}

static void test_money_in_fen(void **state)
{
    (void)state;
    assert_int_equal(fen("3000.01"), 300001); /* the bracket edge of the dues table, exactly */
    assert_int_equal(fen("3000"), 300000);
    assert_int_equal(fen("3000.00"), 300000);
    assert_int_equal(fen("3000.1"), 300010);
    assert_int_equal(fen("0.29"), 29); /* 0.29 is not exact in binary floating point */
    assert_int_equal(fen("1,234,567.89"), 123456789);
    assert_int_equal(fen(" ¥5000元 "), 500000);
    assert_int_equal(fen("￥10000.00"), 1000000);
    assert_int_equal(fen("0"), 0);
    assert_int_equal(fen("３０００．０１"), 300001); /* full-width, as an input method types it */
    assert_int_equal(fen("￥３０００元"), 300000);
    assert_int_equal(fen("10000000.00"), MEMBER_FEN_MAX);
    bad_fen("");
    bad_fen("-1");
    bad_fen("3000.015"); /* fractions of a fen are not money */
    bad_fen("3千");
    bad_fen("3000.");
    bad_fen(".5");
    bad_fen("1,00");
    bad_fen("12,345,67");
    bad_fen(",100");
    bad_fen("1e3");
    bad_fen("10000000.01");
    bad_fen("99999999999999999999");
    char out[24];
    member_format_fen(300001, out, sizeof out);
    assert_string_equal(out, "3000.01");
    member_format_fen(5, out, sizeof out);
    assert_string_equal(out, "0.05");
}

static void test_phones_and_masks(void **state)
{
    (void)state;
    char p[MEMBER_PHONE_MAX + 1], m[24];
    assert_int_equal(member_parse_phone("138 0013 8000", p, sizeof p), ZB_OK);
    assert_string_equal(p, "13800138000");
    assert_int_equal(member_parse_phone("+86 138-0013-8000", p, sizeof p), ZB_OK);
    assert_string_equal(p, "13800138000");
    assert_int_equal(member_parse_phone("8613800138000", p, sizeof p), ZB_OK);
    assert_string_equal(p, "13800138000");
    assert_int_equal(member_parse_phone("１３８００１３８０００", p, sizeof p), ZB_OK);
    assert_string_equal(p, "13800138000");
    assert_int_equal(member_parse_phone("＋８６ １３８－００１３－８０００", p, sizeof p), ZB_OK);
    assert_string_equal(p, "13800138000");
    assert_int_equal(member_parse_phone("0512-66881234", p, sizeof p), ZB_OK);
    assert_string_equal(p, "051266881234");
    assert_int_equal(member_parse_phone("（０５１２）－６６８８１２３４", p, sizeof p), ZB_OK);
    assert_string_equal(p, "051266881234");
    assert_int_equal(member_parse_phone("１３８ＯＯ１３８０００", p, sizeof p), ZB_EINVAL);
    assert_int_equal(member_parse_phone("1380013800", p, sizeof p), ZB_EINVAL);  /* 10 digits */
    assert_int_equal(member_parse_phone("12800138000", p, sizeof p), ZB_EINVAL); /* 12x */
    assert_int_equal(member_parse_phone("+1 2025550123", p, sizeof p), ZB_EINVAL);
    assert_int_equal(member_parse_phone("138OO138000", p, sizeof p), ZB_EINVAL);
    /* Excel's number forms of a phone cell: exact ones are read, lossy ones refused */
    assert_int_equal(member_parse_phone("13800138003.0", p, sizeof p), ZB_OK);
    assert_string_equal(p, "13800138003");
    assert_int_equal(member_parse_phone("1.3800138001E+10", p, sizeof p), ZB_OK);
    assert_string_equal(p, "13800138001");
    assert_int_equal(member_parse_phone("1.38001380010e10", p, sizeof p), ZB_OK);
    assert_string_equal(p, "13800138001");
    assert_int_equal(member_parse_phone("1.38E+10", p, sizeof p), ZB_EINVAL);
    assert_int_equal(member_parse_phone("1.3800138E+10", p, sizeof p), ZB_EINVAL);
    assert_int_equal(member_parse_phone("13800138003.5", p, sizeof p), ZB_EINVAL);
    assert_int_equal(member_parse_phone("1.3800138001E+11", p, sizeof p), ZB_EINVAL);
    member_mask_phone("13800135678", m, sizeof m);
    assert_string_equal(m, "138****5678");
    member_mask_phone("051266881234", m, sizeof m);
    assert_string_equal(m, "051****1234");
    member_mask_phone("", m, sizeof m);
    assert_string_equal(m, "");
}

static void test_dates(void **state)
{
    (void)state;
    char d[11];
    assert_int_equal(member_parse_date("2015-07-01", d, sizeof d), ZB_OK);
    assert_string_equal(d, "2015-07-01");
    assert_int_equal(member_parse_date("2015/7/1", d, sizeof d), ZB_OK);
    assert_string_equal(d, "2015-07-01");
    assert_int_equal(member_parse_date("２０１５年７月１日", d, sizeof d), ZB_OK);
    assert_string_equal(d, "2015-07-01");
    assert_int_equal(member_parse_date("2015年7月1日", d, sizeof d), ZB_OK);
    assert_string_equal(d, "2015-07-01");
    assert_int_equal(member_parse_date("2016.2.29", d, sizeof d), ZB_OK);
    assert_int_equal(member_parse_date("2015-02-29", d, sizeof d), ZB_EINVAL);
    assert_int_equal(member_parse_date("2015-13-01", d, sizeof d), ZB_EINVAL);
    assert_int_equal(member_parse_date("2015-07", d, sizeof d), ZB_EINVAL);
    assert_int_equal(member_parse_date("1800-01-01", d, sizeof d), ZB_EINVAL);
    assert_int_equal(member_parse_date("2015-07-01x", d, sizeof d), ZB_EINVAL);
}

static void test_column_names(void **state)
{
    (void)state;
    assert_int_equal(member_field_lookup("姓名"), MF_NAME);
    assert_int_equal(member_field_lookup(" Name "), MF_NAME);
    assert_int_equal(member_field_lookup("姓名*"), MF_NAME);
    assert_int_equal(member_field_lookup("手机号码"), MF_PHONE);
    assert_int_equal(member_field_lookup("月收入（元）"), MF_INCOME);
    assert_int_equal(member_field_lookup("monthly income"), MF_INCOME);
    assert_int_equal(member_field_lookup("Monthly_Income (yuan)"), MF_INCOME);
    assert_int_equal(member_field_lookup("党员类别"), MF_STATUS);
    assert_int_equal(member_field_lookup("人员类别"), MF_CATEGORY);
    assert_int_equal(member_field_lookup("职务"), MF_ROLES);
    assert_int_equal(member_field_lookup("role"), MF_ROLES);
    assert_int_equal(member_field_lookup("出生年份"), MF_BIRTH_YEAR);
    assert_int_equal(member_field_lookup("序号"), -1);
    assert_int_equal(member_field_lookup(""), -1);
}

static void set_ok(struct member *m, enum member_field f, const char *v)
{
    char err[MEMBER_ERR_MAX] = "";
    if (member_field_set(m, f, v, err, sizeof err) != ZB_OK)
        fail_msg("%s=%s refused: %s", member_field_id(f), v, err);
}

static void set_bad(struct member *m, enum member_field f, const char *v, const char *why)
{
    char err[MEMBER_ERR_MAX] = "";
    assert_int_equal(member_field_set(m, f, v, err, sizeof err), ZB_EINVAL);
    assert_non_null(strstr(err, why));
}

static void test_field_validation(void **state)
{
    (void)state;
    struct member m;
    member_init(&m);
    set_ok(&m, MF_NAME, "  欧阳·娜娜 ");
    assert_string_equal(m.name, "欧阳·娜娜");
    set_bad(&m, MF_NAME, "   ", "不能为空");
    set_ok(&m, MF_STATUS, "预备党员");
    assert_int_equal(m.status, STATUS_PROBATIONARY);
    set_ok(&m, MF_STATUS, "full");
    assert_int_equal(m.status, STATUS_FULL);
    set_bad(&m, MF_STATUS, "积极分子", "正式党员 或 预备党员");
    set_ok(&m, MF_CATEGORY, "退休");
    assert_int_equal(m.category, CAT_RETIRED);
    set_ok(&m, MF_CATEGORY, "低保/失业");
    assert_int_equal(m.category, CAT_LOW_INCOME);
    set_bad(&m, MF_CATEGORY, "公务员", "人员类别");
    set_ok(&m, MF_INCOME, "3000.01");
    assert_int_equal(m.income_fen, 300001);
    set_bad(&m, MF_INCOME, "三千", "不是金额");
    set_ok(&m, MF_INCOME, "");
    assert_int_equal(m.income_fen, -1);
    set_ok(&m, MF_ROLES, "书记、组织委员；党小组长");
    assert_int_equal(m.roles, ROLE_SECRETARY | ROLE_ORGANIZER | ROLE_GROUP_LEADER);
    set_bad(&m, MF_ROLES, "书记、队长", "“队长”不是职务");
    set_ok(&m, MF_BIRTH_YEAR, "1950年3月");
    assert_int_equal(m.birth_year, 1950);
    set_bad(&m, MF_BIRTH_YEAR, "50", "出生年份");
    set_bad(&m, MF_BIRTH_YEAR, "2099", "出生年份");
    set_ok(&m, MF_STATS_EXEMPT, "年老体弱");
    assert_true(m.stats_exempt);
    assert_string_equal(m.exempt_reason, "年老体弱");
    set_ok(&m, MF_STATS_EXEMPT, "否");
    assert_false(m.stats_exempt);
    set_ok(&m, MF_POST, "运行科\r\n调度员"); /* Alt+Enter in an Excel cell */
    assert_string_equal(m.post, "运行科 调度员");
    set_bad(&m, MF_POST, "一\x01二", "控制字符");
    set_bad(&m, MF_PHONE, "123", "手机号");
    set_bad(&m, MF_PHONE, "1.38E+10", "科学计数法");
    set_ok(&m, MF_NAME, " 李  四 "); /* padded in Excel to line up with three-character names */
    assert_string_equal(m.name, "李四");
    set_ok(&m, MF_NAME, "王\xe3\x80\x80明");
    assert_string_equal(m.name, "王明");
    set_ok(&m, MF_NAME, "Mary   Ann");
    assert_string_equal(m.name, "Mary Ann");
    set_bad(&m, MF_NAME, "\xff\xfe", "编码");
    char err[MEMBER_ERR_MAX];
    assert_int_equal(member_field_set(&m, MF_BRANCH, "x", err, sizeof err), ZB_EINVAL);
}

static void test_probationary_holds_no_elected_post(void **state)
{
    (void)state;
    struct member m;
    char err[MEMBER_ERR_MAX];
    member_init(&m);
    m.status = STATUS_PROBATIONARY;
    m.roles = ROLE_GROUP_LEADER;
    assert_int_equal(member_check(&m, err, sizeof err), ZB_OK);
    m.roles = ROLE_SECRETARY;
    assert_int_equal(member_check(&m, err, sizeof err), ZB_EINVAL);
    assert_non_null(strstr(err, "预备党员"));
    m.status = STATUS_FULL;
    assert_int_equal(member_check(&m, err, sizeof err), ZB_OK);
}

static void test_show_masks_unless_asked(void **state)
{
    (void)state;
    struct member m;
    char v[MEMBER_SHOW_MAX];
    member_init(&m);
    snprintf(m.phone, sizeof m.phone, "13800135678");
    assert_int_equal(member_field_show(&m, MF_PHONE, false, v, sizeof v), ZB_OK);
    assert_string_equal(v, "138****5678");
    assert_int_equal(member_field_show(&m, MF_PHONE, true, v, sizeof v), ZB_OK);
    assert_string_equal(v, "13800135678");
    assert_int_equal(member_field_show(&m, MF_ROLES, false, v, sizeof v), ZB_OK);
    assert_string_equal(v, "党员");
}

static void test_storage_and_codes(void **state)
{
    (void)state;
    struct member a, b, got;
    member_init(&a);
    snprintf(a.name, sizeof a.name, "张三");
    snprintf(a.phone, sizeof a.phone, "13800138000");
    a.income_fen = 300001;
    a.roles = ROLE_SECRETARY;
    member_init(&b);
    snprintf(b.name, sizeof b.name, "李四");
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(member_insert(&a, 100), ZB_OK);
    assert_int_equal(member_insert(&b, 100), ZB_OK);
    assert_true(a.id > 0 && b.id > a.id);
    assert_int_equal(member_get(a.id, &got), ZB_OK);
    assert_string_equal(got.name, "张三");
    assert_int_equal(got.income_fen, 300001);
    assert_int_equal(got.roles, ROLE_SECRETARY);
    assert_int_equal(member_get(b.id, &got), ZB_OK);
    assert_int_equal(got.income_fen, -1);

    /* a phone belongs to one member */
    snprintf(b.phone, sizeof b.phone, "13800138000");
    assert_int_equal(member_update(&b, 101), ZB_EBUSY);
    snprintf(b.phone, sizeof b.phone, "13900139000");
    assert_int_equal(member_update(&b, 101), ZB_OK);
    int64_t id = 0;
    assert_int_equal(member_find_phone("13900139000", &id), ZB_OK);
    assert_int_equal(id, b.id);

    /* every member has a unique 6-digit code; renewing replaces it */
    char ca[8], cb[8], ca2[8];
    assert_int_equal(member_code(a.id, ca, sizeof ca), ZB_OK);
    assert_int_equal(member_code(b.id, cb, sizeof cb), ZB_OK);
    assert_int_equal(strlen(ca), 6);
    assert_string_not_equal(ca, cb);
    for (int i = 0; i < 6; i++)
        assert_true(ca[i] >= '0' && ca[i] <= '9');
    assert_int_equal(member_by_code(ca, &id), ZB_OK);
    assert_int_equal(id, a.id);
    assert_int_equal(member_code_renew(a.id), ZB_OK);
    assert_int_equal(member_code(a.id, ca2, sizeof ca2), ZB_OK);
    assert_string_not_equal(ca, ca2);
    assert_int_equal(member_by_code(ca, &id), ZB_ENOTFOUND);
    assert_int_equal(member_by_code("12345", &id), ZB_ENOTFOUND);
    assert_int_equal(member_code(9999, ca, sizeof ca), ZB_ENOTFOUND);
    store_rollback();
}

static int count_each(const struct member *m, void *arg)
{
    (void)m;
    (*(int *)arg)++;
    return 0;
}

static void test_remove_keeps_the_record(void **state)
{
    (void)state;
    struct member a, got;
    member_init(&a);
    snprintf(a.name, sizeof a.name, "王五");
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(member_insert(&a, 100), ZB_OK);
    char code[8];
    assert_int_equal(member_code(a.id, code, sizeof code), ZB_OK);
    int before = 0, after = 0;
    assert_int_equal(member_each(0, count_each, &before), ZB_OK);
    assert_int_equal(member_remove(a.id, "转出", 200), ZB_OK);
    assert_int_equal(member_get(a.id, &got), ZB_OK); /* kept for the history */
    assert_int_equal(got.left_at, 200);
    assert_string_equal(got.left_reason, "转出");
    assert_int_equal(member_each(0, count_each, &after), ZB_OK);
    assert_int_equal(after, before - 1);
    int64_t id = 0, ids[4];
    size_t n = 9;
    assert_int_equal(member_by_code(code, &id), ZB_ENOTFOUND);
    assert_int_equal(member_find_name("王五", -1, ids, 4, &n), ZB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(member_remove(a.id, NULL, 300), ZB_ENOTFOUND); /* once */
    assert_int_equal(member_remove(9999, NULL, 300), ZB_ENOTFOUND);
    /* put back (a member transferred in again): counted again, a fresh code, once only */
    assert_int_equal(member_restore(a.id, 400), ZB_OK);
    assert_int_equal(member_get(a.id, &got), ZB_OK);
    assert_int_equal(got.left_at, 0);
    assert_string_equal(got.left_reason, "");
    int again = 0;
    assert_int_equal(member_each(0, count_each, &again), ZB_OK);
    assert_int_equal(again, before);
    assert_int_equal(member_code_renew(a.id), ZB_OK);
    char fresh[8];
    assert_int_equal(member_code(a.id, fresh, sizeof fresh), ZB_OK);
    assert_int_equal(member_by_code(fresh, &id), ZB_OK);
    assert_int_equal(id, a.id);
    assert_int_equal(member_restore(a.id, 500), ZB_ENOTFOUND);
    store_rollback();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_money_in_fen),
        cmocka_unit_test(test_phones_and_masks),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_column_names),
        cmocka_unit_test(test_field_validation),
        cmocka_unit_test(test_probationary_holds_no_elected_post),
        cmocka_unit_test(test_show_masks_unless_asked),
        cmocka_unit_test(test_storage_and_codes),
        cmocka_unit_test(test_remove_keeps_the_record),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
