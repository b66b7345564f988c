/*
 * branch.c - unit tests for bot/branch.c: levels from names, adding paths, resolving absolute
 * and relative paths, the tree's level rules, subtrees and the size warnings.
 */
#include "tests/unit/unit_db.h"

#include "bot/org/branch.h"

static int setup(void **state)
{
    (void)state;
    return unit_db_open("branch");
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static int64_t add(const char *path, int want_created)
{
    char err[BRANCH_ERR_MAX] = "";
    int64_t id = 0;
    int made = -1;
    if (branch_add(path, 100, &id, &made, err, sizeof err))
        fail_msg("branch_add %s: %s", path, err);
    assert_int_equal(made, want_created);
    return id;
}

static void add_bad(const char *path, const char *why)
{
    char err[BRANCH_ERR_MAX] = "";
    int64_t id = 0;
    assert_int_equal(branch_add(path, 100, &id, NULL, err, sizeof err), ZB_EINVAL);
    if (!strstr(err, why))
        fail_msg("%s: expected \"%s\" in \"%s\"", path, why, err);
}

static void test_levels(void **state)
{
    (void)state;
    assert_int_equal(branch_level_of("市交通运输局党委"), BRANCH_COMMITTEE);
    assert_int_equal(branch_level_of("市直机关工委"), BRANCH_COMMITTEE);
    assert_int_equal(branch_level_of("机关党总支"), BRANCH_GENERAL);
    assert_int_equal(branch_level_of("船闸支部"), BRANCH_BRANCH);
    assert_int_equal(branch_level_of("第一联合支部"), BRANCH_BRANCH);
    assert_int_equal(branch_level_of("第一党小组"), BRANCH_GROUP);
    assert_int_equal(branch_level_of("船闸管理所"), -1);
    assert_string_equal(branch_level_name(BRANCH_GENERAL), "总支");
}

static void test_add_and_resolve(void **state)
{
    (void)state;
    char err[BRANCH_ERR_MAX], path[BRANCH_PATH_MAX + 1];
    int64_t id = 0;
    assert_int_equal(store_begin(), ZB_OK);
    int64_t g1 = add("市交通运输局党委/船闸支部/第一党小组", 3);
    int64_t again = add(" 市交通运输局党委 ／ 船闸支部/第一党小组 ", 0); /* spaces, full-width / */
    assert_int_equal(g1, again);
    int64_t lock = add("船闸支部", 0); /* relative: the one 船闸支部 */
    assert_int_equal(branch_path(lock, path, sizeof path), ZB_OK);
    assert_string_equal(path, "市交通运输局党委/船闸支部");
    int64_t g2 = add("船闸支部/第二党小组", 1); /* created under the existing prefix */
    assert_int_equal(branch_path(g2, path, sizeof path), ZB_OK);
    assert_string_equal(path, "市交通运输局党委/船闸支部/第二党小组");

    assert_int_equal(branch_resolve("市交通运输局党委/船闸支部", &id, err, sizeof err), ZB_OK);
    assert_int_equal(id, lock);
    assert_int_equal(branch_resolve("第一党小组", &id, err, sizeof err), ZB_OK);
    assert_int_equal(id, g1);
    assert_int_equal(branch_resolve("航道支部", &id, err, sizeof err), ZB_ENOTFOUND);
    assert_non_null(strstr(err, "不存在"));

    /* a second 船闸支部 elsewhere makes the short name ambiguous, the full path not */
    add("市水利局党委/船闸支部", 2);
    assert_int_equal(branch_resolve("船闸支部", &id, err, sizeof err), ZB_EINVAL);
    assert_non_null(strstr(err, "多个"));
    assert_int_equal(branch_resolve("市水利局党委/船闸支部", &id, err, sizeof err), ZB_OK);
    assert_int_not_equal(id, lock);
    add_bad("船闸支部/第三党小组", "多个");

    bool in = false;
    assert_int_equal(branch_within(g1, lock, &in), ZB_OK);
    assert_true(in);
    assert_int_equal(branch_within(lock, g1, &in), ZB_OK);
    assert_false(in);
    assert_int_equal(branch_within(id, lock, &in), ZB_OK);
    assert_false(in);
    store_rollback();
}

static void test_tree_rules(void **state)
{
    (void)state;
    assert_int_equal(store_begin(), ZB_OK);
    add("某局党委/机关党总支/办公室支部/第一党小组", 4);
    add("某局党委/下属单位党委/车队支部", 2); /* a 党委 may sit under a 党委 */
    add_bad("某局党委/机关党总支/办公室支部/第一党小组/学习小组", "不能设在");
    add_bad("某局党委/机关党总支/办公室支部/二级党总支", "不能设在");
    add_bad("某局党委/第二党小组", "不能设在");
    add_bad("孤立党小组", "必须设在某个支部之下");
    add_bad("某局党委/船闸管理所", "看不出");
    add_bad("某局党委//船闸支部", "空的名称");
    add_bad("a/b/c/d/e/f/g/h/i", "超过");
    store_rollback();
}

static char *warn(enum branch_level level, int members, int full, bool posts, int subtree)
{
    struct branch b = {.id = 1, .level = level};
    struct branch_tally t = {
        .members = members, .full = full, .committee_posts = posts, .subtree = subtree};
    struct buf out;
    buf_init(&out, 4096);
    assert_int_equal(branch_warnings(&b, &t, &out), ZB_OK);
    char *s = strdup(buf_str(&out));
    buf_free(&out);
    return s;
}

static void expect_warn(char *got, const char *needle)
{
    if (needle ? !strstr(got, needle) : got[0] != '\0')
        fail_msg("expected %s, got \"%s\"", needle ? needle : "no warning", got);
    free(got);
}

static void test_size_warnings(void **state)
{
    (void)state;
    expect_warn(warn(BRANCH_BRANCH, 12, 10, true, 12), NULL);
    expect_warn(warn(BRANCH_BRANCH, 5, 5, false, 5), NULL);
    expect_warn(warn(BRANCH_BRANCH, 3, 2, false, 3), "不足 3 人");
    expect_warn(warn(BRANCH_BRANCH, 51, 45, true, 51), "不超过 50 人");
    expect_warn(warn(BRANCH_BRANCH, 50, 45, true, 50), NULL);
    expect_warn(warn(BRANCH_BRANCH, 9, 7, false, 9), "应设支部委员会");
    expect_warn(warn(BRANCH_BRANCH, 8, 6, true, 8), "不设支委会");
    expect_warn(warn(BRANCH_BRANCH, 0, 0, false, 0), "还没有党员");
    expect_warn(warn(BRANCH_GENERAL, 0, 0, false, 49), "50 至 100");
    expect_warn(warn(BRANCH_GENERAL, 0, 0, false, 80), NULL);
    expect_warn(warn(BRANCH_COMMITTEE, 0, 0, false, 100), "100 人以上");
    expect_warn(warn(BRANCH_COMMITTEE, 0, 0, false, 101), NULL);
    expect_warn(warn(BRANCH_GROUP, 1, 0, false, 1), NULL);
}

static void test_rename(void **state)
{
    (void)state;
    char err[BRANCH_ERR_MAX] = "", path[BRANCH_PATH_MAX + 1];
    assert_int_equal(store_begin(), ZB_OK);
    int64_t a = add("改名党委/甲支部/第一党小组", 3);
    int64_t b = add("改名党委/乙支部", 1);
    int64_t branch = 0;
    assert_int_equal(branch_resolve("改名党委/甲支部", &branch, err, sizeof err), ZB_OK);
    assert_int_equal(branch_rename(branch, "丙支部", err, sizeof err), ZB_OK);
    assert_int_equal(branch_path(a, path, sizeof path), ZB_OK);
    assert_string_equal(path, "改名党委/丙支部/第一党小组"); /* children follow */
    /* the same name again is no change; a sibling's name, another level, a path: refused */
    assert_int_equal(branch_rename(branch, "丙支部", err, sizeof err), ZB_OK);
    assert_int_equal(branch_rename(branch, "乙支部", err, sizeof err), ZB_EINVAL);
    assert_non_null(strstr(err, "已有"));
    assert_int_equal(branch_rename(b, "乙党小组", err, sizeof err), ZB_EINVAL);
    assert_int_equal(branch_rename(b, "丁/戊支部", err, sizeof err), ZB_EINVAL);
    assert_int_equal(branch_rename(9999, "己支部", err, sizeof err), ZB_ENOTFOUND);
    assert_int_equal(branch_path(b, path, sizeof path), ZB_OK);
    assert_string_equal(path, "改名党委/乙支部");
    assert_int_equal(store_commit(), ZB_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels),     cmocka_unit_test(test_add_and_resolve),
        cmocka_unit_test(test_tree_rules), cmocka_unit_test(test_size_warnings),
        cmocka_unit_test(test_rename),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
