/*
 * member_names.c - unit tests for bot/org/member_names.c: names, branches and phones for the ids
 * of a listing, loaded in one query; unknown and removed members; terminal controls cleaned;
 * ids beyond the set's capacity still shown.
 */
#include "bot/org/member_names.h"

#include "tests/unit/unit_db.h"

static int setup(void **state)
{
    (void)state;
    if (unit_db_open("member_names"))
        return -1;
    unit_db_exec("INSERT INTO branches(id, parent_id, name, level, created_at) "
                 "VALUES(1, NULL, '船闸支部', 'branch', 0);"
                 "INSERT INTO members(id, name, phone, branch_id, roles, created_at, updated_at) "
                 "VALUES(7, '李建国', '13800138001', 1, '', 0, 0),"
                 "(8, '孙立新' || char(27) || '[2J', NULL, NULL, '', 0, 0);"
                 "INSERT INTO members(id, name, roles, left_at, created_at, updated_at) "
                 "VALUES(9, '周桂兰', '', 100, 0, 0);");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

/* shown - what member_names_print writes for id. Caller frees. */
static char *shown(struct member_names *s, int64_t id, bool phone, bool unmask)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    member_names_print(f, s, id, phone, unmask);
    fclose(f);
    return buf;
}

static void expect(struct member_names *s, int64_t id, bool phone, bool unmask, const char *want)
{
    char *got = shown(s, id, phone, unmask);
    assert_string_equal(got, want);
    free(got);
}

static void test_names_in_one_load(void **state)
{
    (void)state;
    struct member_names *s = member_names_new();
    member_names_add(s, 7);
    member_names_add(s, 7);
    member_names_add(s, 0);
    member_names_add(s, 8);
    member_names_add(s, 9);
    member_names_add(s, 404);
    assert_int_equal(member_names_load(s), ZB_OK);
    expect(s, 7, false, false, "李建国（船闸支部）");
    expect(s, 7, true, false, "李建国（船闸支部） 电话 138****8001");
    expect(s, 7, true, true, "李建国（船闸支部） 电话 13800138001");
    char *got = shown(s, 8, true, false);
    assert_null(strchr(got, '\x1b'));
    assert_non_null(strstr(got, "孙立新"));
    assert_non_null(strstr(got, "电话 未登记"));
    free(got);
    expect(s, 9, false, false, "周桂兰（已移出）");
    expect(s, 404, false, false, "（无此党员）");
    expect(s, 0, false, false, "");
    member_names_free(s);
}

static void test_beyond_capacity(void **state)
{
    (void)state;
    struct member_names *s = member_names_new();
    for (int64_t id = 1000; id < 1000 + MEMBER_NAMES_MAX; id++)
        member_names_add(s, id);
    member_names_add(s, 7); /* the set is full: looked up on its own when shown */
    assert_int_equal(member_names_load(s), ZB_OK);
    expect(s, 7, false, false, "李建国（船闸支部）");
    expect(s, 1000, false, false, "（无此党员）");
    member_names_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_in_one_load),
        cmocka_unit_test(test_beyond_capacity),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
