/*
 * member_import.c - unit tests for bot/member_import.c: the shipped example file, GBK, BOM and
 * English headers, quoted fields with commas and line breaks, every problem listed with line and
 * column, all or nothing, unknown organisations (and --create-branches), duplicate rows,
 * re-import updating instead of duplicating, dry runs, and the audit rows.
 */
#include "tests/unit/unit_db.h"

#include <iconv.h>

#include "bot/org/branch.h"
#include "bot/org/member.h"
#include "handlers/members/import.h"
#include "bot/org/role.h"

/* setup - a fresh database for each test */
static int setup(void **state)
{
    (void)state;
    return unit_db_open("import");
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static int run(const char *data, size_t len, bool dry, bool create, struct import_report *r)
{
    struct import_opts o = {.dry_run = dry,
                            .create_branches = create,
                            .actor = "cli:test",
                            .channel = "cli",
                            .source_name = "test.csv",
                            .now = 1700000000};
    import_report_init(r);
    return member_import(data, len, &o, r);
}

/* ok - import csv, expecting success; returns the report text (caller frees). */
static char *ok(const char *csv, bool dry, bool create, int added, int updated, int unchanged)
{
    struct import_report r;
    int rc = run(csv, strlen(csv), dry, create, &r);
    if (rc != ZB_OK)
        fail_msg("import failed (%d):\n%s", rc, buf_str(&r.text));
    assert_int_equal(r.added, added);
    assert_int_equal(r.updated, updated);
    assert_int_equal(r.unchanged, unchanged);
    char *text = strdup(buf_str(&r.text));
    import_report_free(&r);
    return text;
}

/* bad - import csv expecting problems; returns the report text (caller frees). */
static char *bad(const char *csv, bool create, int problems)
{
    struct import_report r;
    int rc = run(csv, strlen(csv), false, create, &r);
    if (rc == ZB_OK)
        fail_msg("import succeeded:\n%s", buf_str(&r.text));
    if (problems >= 0)
        assert_int_equal(r.problems, problems);
    char *text = strdup(buf_str(&r.text));
    import_report_free(&r);
    return text;
}

static void has(char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("expected \"%s\" in:\n%s", needle, text);
}

static long long members(void)
{
    return unit_db_int("SELECT count(*) FROM members");
}

static void make_branch(const char *path)
{
    char err[BRANCH_ERR_MAX];
    int64_t id;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(branch_add(path, 1, &id, NULL, err, sizeof err), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
}

static void test_example_file(void **state)
{
    (void)state;
    const char *src = getenv("ZHIBU_SRC");
    char path[512];
    snprintf(path, sizeof path, "%s/config/members.example.csv", src ? src : ".");
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char data[16384];
    size_t n = fread(data, 1, sizeof data - 1, f);
    fclose(f);
    data[n] = '\0';
    free(ok(data, false, true, 12, 0, 0));
    assert_int_equal(members(), 12);
    /* the same file again changes nothing and duplicates nobody */
    free(ok(data, false, true, 0, 0, 12));
    assert_int_equal(members(), 12);
    assert_int_equal(unit_db_int("SELECT count(*) FROM branches"),
                     6); /* 工委, 党委, 总支, 支部, two 党小组 */
    /* every member has a distinct code */
    assert_int_equal(unit_db_int("SELECT count(DISTINCT bind_code) FROM members"), 12);
    /* the secretary is there with the role, and the quoted post kept its comma */
    assert_int_equal(unit_db_int("SELECT count(*) FROM members WHERE roles='secretary'"), 1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM members WHERE post='运行科,调度员'"), 1);
    assert_int_equal(unit_db_int("SELECT monthly_income_fen FROM members WHERE name='孙立新'"),
                     300001);
    assert_int_equal(unit_db_int("SELECT stats_exempt FROM members WHERE name='周桂兰'"), 1);
}

/* to_gbk - the UTF-8 text as GBK (GB18030) bytes, as Excel saves a "CSV" on Chinese Windows. */
static char *to_gbk(const char *utf8, size_t *len)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t in_left = strlen(utf8), out_left = 2 * in_left + 4;
    char *out = malloc(out_left), *o = out, *in = (char *)utf8;
    assert_true(iconv(cd, &in, &in_left, &o, &out_left) != (size_t)-1);
    iconv_close(cd);
    *len = (size_t)(o - out);
    return out;
}

static void test_gbk_file(void **state)
{
    (void)state;
    const char *utf8 = "姓名,手机号,支部,人员类别,月收入\r\n"
                       "张三,13800138000,某局党委/船闸支部,在职,5000\r\n"
                       "李四,13800138001,某局党委/船闸支部,离退休,3000.01\r\n";
    size_t len;
    char *gbk = to_gbk(utf8, &len);
    assert_int_not_equal(len, strlen(utf8)); /* really another encoding */
    struct import_report r;
    assert_int_equal(run(gbk, len, false, true, &r), ZB_OK);
    assert_int_equal(r.charset, CHARSET_GBK);
    assert_int_equal(r.added, 2);
    import_report_free(&r);
    free(gbk);
    assert_int_equal(unit_db_int("SELECT count(*) FROM members WHERE name='李四' AND "
                                 "category='retired' AND monthly_income_fen=300001"),
                     1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM branches WHERE name='船闸支部'"), 1);
}

static void test_bom_and_english_headers_in_any_order(void **state)
{
    (void)state;
    const char *csv = "\xef\xbb\xbfphone,Monthly_Income,NAME,branch,role,status\n"
                      "13800138000,4500.5,王五,船闸支部,\"secretary;organizer\",full\n";
    make_branch("某局党委/船闸支部");
    struct import_report r;
    assert_int_equal(run(csv, strlen(csv), false, false, &r), ZB_OK);
    assert_int_equal(r.charset, CHARSET_UTF8_BOM);
    import_report_free(&r);
    assert_int_equal(unit_db_int("SELECT count(*) FROM members WHERE name='王五' AND "
                                 "phone='13800138000' AND monthly_income_fen=450050 AND "
                                 "roles='secretary,organizer'"),
                     1);
}

static void test_quoted_commas_and_line_breaks(void **state)
{
    (void)state;
    const char *csv = "姓名,岗位,支部,月收入\n"
                      "赵六,\"维修班组长,兼安全员\",某局党委/船闸支部,3000\n"
                      "钱七,\"运行科\n调度员\",某局党委/船闸支部,\"3,500.00\"\n"
                      "孙八,\"他说\"\"好\"\"\",某局党委/船闸支部,三千\n";
    /* the last row is line 5: the quoted line break in row 3 counts */
    char *text = bad(csv, true, 1);
    has(text, "第 5 行 D 列（月收入）");
    has(text, "不是金额");
    free(text);
    assert_int_equal(members(), 0);
    const char *fixed = "姓名,岗位,支部,月收入\n"
                        "赵六,\"维修班组长,兼安全员\",某局党委/船闸支部,3000\n"
                        "钱七,\"运行科\n调度员\",某局党委/船闸支部,\"3,500.00\"\n"
                        "孙八,\"他说\"\"好\"\"\",某局党委/船闸支部,3000.00\n";
    free(ok(fixed, false, true, 3, 0, 0));
    assert_int_equal(unit_db_int("SELECT count(*) FROM members WHERE post='维修班组长,兼安全员'"),
                     1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM members WHERE post='运行科 调度员' AND "
                                 "monthly_income_fen=350000"),
                     1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM members WHERE post='他说\"好\"'"), 1);
}

static void test_every_problem_listed_nothing_written(void **state)
{
    (void)state;
    make_branch("某局党委/船闸支部");
    const char *csv = "序号,姓名,手机号,支部,月收入,入党日期,职务\n"
                      "1,张三,13800138000,船闸支部,5000,2010-07-01,书记\n"
                      "2,,13800138001,船闸支部,5000,,\n"
                      "3,李四,1380013800,船闸支部,-5,2010-02-30,\n"
                      "4,王五,13800138003,航道支部,4000,,\n"
                      "5,赵六,13800138000,船闸支部,4000,,\n"
                      "6,钱七,,船闸支部,4000,,队长\n";
    char *text = bad(csv, false, 7);
    has(text, "第 3 行 B 列（姓名）：姓名不能为空");
    has(text, "第 4 行 C 列（手机号）");
    has(text, "第 4 行 E 列（月收入）");
    has(text, "第 4 行 F 列（入党日期）");
    has(text, "第 5 行 D 列（支部）：组织“航道支部”不存在");
    has(text, "--create-branches");
    has(text, "第 6 行：与第 2 行是同一名党员（手机号相同）");
    has(text, "第 7 行 G 列（职务）：“队长”不是职务");
    free(text);
    /* one transaction: the good row 2 was not kept, nor anything else */
    assert_int_equal(members(), 0);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit"), 0);
}

static void test_header_problems(void **state)
{
    (void)state;
    char *text = bad("手机号,支部\n13800138000,船闸支部\n", false, 1);
    has(text, "缺少“姓名”列");
    free(text);
    text = bad("姓名,name\n张三,张三\n", false, -1);
    has(text, "与 A 列重复");
    free(text);
    text = bad("", false, 1);
    has(text, "空的");
    free(text);
    text = bad("\xff\xfeN\0", false, 1);
    has(text, "编码");
    free(text);
    text = bad("姓名\n\"张三\n", false, 1);
    has(text, "第 2 行：引号");
    free(text);
    text = bad("姓名,手机号\n张三,13800138000,多出来\n", false, 1);
    has(text, "第 2 行 C 列：这一列没有表头");
    free(text);
    /* an unknown column is only noted */
    text = ok("姓名,备注\n张三,老党员\n", false, false, 1, 0, 0);
    has(text, "忽略第 B 列“备注”");
    free(text);
}

static void test_unknown_branch_then_created(void **state)
{
    (void)state;
    const char *csv = "姓名,支部,党小组\n张三,市局党委/航道支部,第一党小组\n"
                      "李四,市局党委/航道支部/第二党小组,\n";
    char *text = bad(csv, false, 2);
    has(text, "第 2 行 B 列（支部）");
    free(text);
    assert_int_equal(unit_db_int("SELECT count(*) FROM branches"), 0);
    text = ok(csv, false, true, 2, 0, 0);
    has(text, "新建组织 市局党委/航道支部");
    free(text);
    assert_int_equal(unit_db_int("SELECT count(*) FROM branches"), 4);
    /* both landed in 航道支部, each in a 党小组 */
    assert_int_equal(unit_db_int("SELECT count(DISTINCT branch_id) FROM members"), 1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM members m JOIN branches b ON "
                                 "b.id=m.group_id AND b.parent_id=m.branch_id"),
                     2);
    /* a name that says no level is refused even with --create-branches */
    text = bad("姓名,支部\n王五,市局党委/船闸管理所\n", true, 1);
    has(text, "看不出");
    free(text);
}

static void test_duplicate_rows_without_phone(void **state)
{
    (void)state;
    make_branch("某局党委/船闸支部");
    char *text = bad("姓名,支部\n张三,船闸支部\n李四,船闸支部\n张三,船闸支部\n", false, 1);
    has(text, "第 4 行：与第 2 行是同一名党员（同一组织里同名）");
    free(text);
    /* the same name in two organisations is two people */
    make_branch("某局党委/航道支部");
    free(ok("姓名,支部\n张三,船闸支部\n张三,航道支部\n", false, false, 2, 0, 0));
}

static void test_reimport_updates_and_dry_run(void **state)
{
    (void)state;
    make_branch("某局党委/船闸支部");
    free(ok("姓名,手机号,支部,月收入,职务\n"
            "张三,13800138000,船闸支部,5000,书记\n"
            "李四,,船闸支部,4000,\n"
            "王五,13800138002,船闸支部,3000,\n",
            false, false, 3, 0, 0));
    long long zhang = unit_db_int("SELECT id FROM members WHERE name='张三'");
    long long li = unit_db_int("SELECT id FROM members WHERE name='李四'");
    const char *next = "姓名,手机号,支部,月收入,职务\n"
                       "张三,13800138000,船闸支部,5000.5,组织委员\n" /* by phone */
                       "李四,13800138001,船闸支部,,\n"               /* by name: gains a phone */
                       "王五,13800138002,船闸支部,3000,\n"           /* unchanged */
                       "赵六,13800138003,船闸支部,2500,\n";          /* new */
    /* a dry run says what would change and changes nothing */
    char *text = ok(next, true, false, 1, 2, 1);
    has(text, "更新 #");
    has(text, "张三：月收入 5000.00 → 5000.50；职务 书记 → 组织委员");
    has(text, "手机号 （空） → 138****8001"); /* masked in the report, too */
    has(text, "新增 #");
    free(text);
    assert_int_equal(members(), 3);
    assert_int_equal(unit_db_int("SELECT monthly_income_fen FROM members WHERE id=%lld", zhang),
                     500000);
    long long audits = unit_db_int("SELECT count(*) FROM audit");
    /* the real run */
    free(ok(next, false, false, 1, 2, 1));
    assert_int_equal(members(), 4);
    assert_int_equal(unit_db_int("SELECT id FROM members WHERE phone='13800138000'"), zhang);
    assert_int_equal(unit_db_int("SELECT id FROM members WHERE phone='13800138001'"), li);
    /* an empty cell keeps what is stored */
    assert_int_equal(unit_db_int("SELECT monthly_income_fen FROM members WHERE id=%lld", li),
                     400000);
    /* audit: the import and the role change */
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit") - audits, 2);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action='role' AND "
                                 "target='member:%lld' AND detail LIKE '%%书记 → 组织委员%%'",
                                 zhang),
                     1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action='import' AND "
                                 "actor='cli:test' AND target='test.csv' AND channel='cli' AND "
                                 "detail LIKE '新增 1 人，更新 2 人%%'"),
                     1);
}

static void test_cross_field_rules(void **state)
{
    (void)state;
    make_branch("某局党委/船闸支部");
    char *text = bad("姓名,支部,党员类别,职务\n何宇航,船闸支部,预备党员,书记\n", false, 1);
    has(text, "第 2 行：预备党员没有选举权和被选举权");
    free(text);
    text = bad("姓名,手机号,党小组\n张三,13800138000,第一党小组\n", false, 1);
    has(text, "没有填所在支部");
    free(text);
    free(ok("姓名,手机号\n张三,13800138000\n", false, false, 1, 0, 0));
    /* the phone is the key, but an import never renames: another name is a conflict */
    text = bad("姓名,手机号\n张三峰,13800138000\n", false, 1);
    has(text, "第 2 行 A 列（姓名）：手机号 138****8000 已登记为 #");
    has(text, "张三，与本行姓名“张三峰”不一致；导入不改名");
    free(text);
    assert_int_equal(members(), 1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM members WHERE name='张三'"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_example_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gbk_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bom_and_english_headers_in_any_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quoted_commas_and_line_breaks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_problem_listed_nothing_written, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_problems, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_branch_then_created, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_rows_without_phone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reimport_updates_and_dry_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cross_field_rules, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
