/*
 * e2e_first_ops.c - the secretary's and the operator's first hour (issue 11), against the real
 * binary: `member set` reports only what changed and audits only real changes, refuses a 入党日期
 * after today and a second 书记 (unless --force, audited), shows a move to another 党小组 as
 * such; `member show` by name (a list when the name is shared); `push --member` with no such
 * member is refused at once; a relative database path is relative to the config file, and
 * running with no config at all says once that the demo config is used.
 *
 * One server for the program: the tests run in order and build on the imported example roster.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/e2e/e2e_util.h"

static struct e2e_server *srv;
static struct e2e_proc proc; /* the last CLI run */
static const char *out;      /* its stdout */
static const char *err;      /* its stderr */

#define BRANCH "市级机关工委/市交通运输局党委/市航道处党总支/船闸支部"

static int setup(void **state)
{
    (void)state;
    srv = e2e_server_up(NULL);
    return srv ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    e2e_proc_free(&proc);
    e2e_server_free(srv);
    return 0;
}

/* run_in - zhibu with the arguments (NULL-terminated) in dir; stdout in out, stderr in err; the
 * exit status. cli() adds the server's config. */
#define cli(...) run_in(srv->dir, __VA_ARGS__, "--config", srv->config_path, (char *)NULL)
static int run_in(const char *dir, const char *a0, ...)
{
    const char *a[12] = {a0};
    int n = 1;
    va_list ap;
    va_start(ap, a0);
    for (const char *x; n < 11 && (x = va_arg(ap, const char *)) != NULL;)
        a[n++] = x;
    va_end(ap);
    e2e_proc_free(&proc);
    assert_int_equal(e2e_zhibu(dir, &proc, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8],
                               a[9], a[10], (char *)NULL),
                     0);
    out = proc.out ? proc.out : "";
    err = proc.err ? proc.err : "";
    return proc.status;
}

#define db(...) e2e_db_int(srv, __VA_ARGS__)

static void test_import(void **state)
{
    (void)state;
    char example[512];
    const char *src = getenv("ZHIBU_SRC");
    snprintf(example, sizeof example, "%s/config/members.example.csv", src ? src : ".");
    assert_int_equal(cli("member", "import", example, "--create-branches"), 0);
    assert_int_equal(db("SELECT count(*) FROM members"), 12);
}

static void test_set_reports_only_changes(void **state)
{
    (void)state;
    long long audits = db("SELECT count(*) FROM audit WHERE action IN ('set','role')");
    /* 孙立新's income is already 3000.01: nothing written, nothing audited */
    assert_int_equal(cli("member", "set", "6", "月收入", "3000.01"), 0);
    assert_contains(out, "没有变化");
    assert_not_contains(out, "已修改");
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action IN ('set','role')"), audits);
    /* a real change is audited once */
    assert_int_equal(cli("member", "set", "6", "岗位", "闸门运行班长"), 0);
    assert_contains(out, "岗位 闸门运行工 → 闸门运行班长");
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action IN ('set','role')"), audits + 1);
}

static void test_set_refuses_future_date(void **state)
{
    (void)state;
    assert_int_equal(cli("member", "set", "5", "入党日期", "2099-07-01"), 1);
    assert_contains(err, "晚于今天");
    assert_int_equal(db("SELECT count(*) FROM members WHERE id=5 AND joined_on='2015-07-01'"), 1);
    assert_int_equal(cli("member", "set", "5", "入党日期", "2015-07-02"), 0);
}

static void test_second_secretary_needs_force(void **state)
{
    (void)state;
    long long roles = db("SELECT count(*) FROM audit WHERE action='role'");
    assert_int_equal(cli("member", "set", "3", "职务", "书记"), 1);
    assert_contains(err, "已有书记 李建国（#1）");
    assert_contains(err, "--force");
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action='role'"), roles);
    assert_int_equal(cli("member", "set", "3", "职务", "书记", "--force"), 0);
    assert_contains(out, "职务 宣传委员 → 书记");
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action='role' AND target='member:3' "
                        "AND detail LIKE '%%强制%%'"),
                     1);
    /* the same secretary set again is no change and no second audit row */
    assert_int_equal(cli("member", "set", "1", "职务", "书记"), 0);
    assert_contains(out, "没有变化");
}

static void test_group_change_shown_as_group(void **state)
{
    (void)state;
    /* 赵海燕 (#5) moves from 第一党小组 to 第二党小组 through the 支部 field */
    assert_int_equal(cli("member", "set", "5", "支部", BRANCH "/第二党小组"), 0);
    assert_contains(out, "党小组 第一党小组 → 第二党小组");
    assert_not_contains(out, "支部 " BRANCH);
}

static void test_show_by_name(void **state)
{
    (void)state;
    assert_int_equal(cli("member", "show", "李建国"), 0);
    assert_contains(out, "编号：1\n");
    assert_contains(out, "姓名：李建国");
    assert_int_equal(cli("member", "show", "没有这人"), 1);
    assert_contains(err, "没有叫“没有这人”的党员");
    /* a shared name lists each member with the command to show them */
    assert_int_equal(cli("member", "set", "10", "姓名", "李建国"), 0);
    assert_int_equal(cli("member", "show", "李建国"), 1);
    assert_contains(err, "有 2 名");
    assert_contains(err, "zhibu member show 1 ");
    assert_contains(err, "zhibu member show 10 ");
    assert_int_equal(cli("member", "set", "10", "姓名", "王丽娜"), 0);
}

static void test_push_unknown_member(void **state)
{
    (void)state;
    long long before = db("SELECT count(*) FROM outbox");
    assert_int_equal(cli("push", "--member", "99", "明天上午开会"), 1);
    assert_contains(err, "没有编号为 99 的党员");
    assert_int_equal(db("SELECT count(*) FROM outbox"), before);
    assert_int_equal(cli("push", "--member", "1", "明天上午开会"), 0);
    assert_int_equal(db("SELECT count(*) FROM outbox"), before + 1);
}

/* count - occurrences of needle in hay. */
static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static void test_demo_config_and_relative_database(void **state)
{
    (void)state;
    /* a checkout of its own: config/zhibu.example.json naming ../var/demo.db */
    char dir[300], cfgdir[320], cfg[360], dbfile[360];
    snprintf(dir, sizeof dir, "%s/checkout", srv->dir);
    snprintf(cfgdir, sizeof cfgdir, "%s/config", dir);
    snprintf(cfg, sizeof cfg, "%s/zhibu.example.json", cfgdir);
    snprintf(dbfile, sizeof dbfile, "%s/var/demo.db", dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(mkdir(cfgdir, 0700), 0);
    FILE *f = fopen(cfg, "w");
    assert_non_null(f);
    fputs("{\"listen\": \"127.0.0.1:1\", \"database\": \"../var/demo.db\",\n"
          " \"wechat\": {\"enabled\": false}}\n",
          f);
    fclose(f);
    /* no --config, no config/zhibu.json: the demo config, said once */
    assert_int_equal(run_in(dir, "member", "list", (char *)NULL), 0);
    assert_int_equal(count(err, "使用演示配置"), 1);
    struct stat st;
    assert_int_equal(stat(dbfile, &st), 0); /* next to the config's parent, not in config/ */
    /* the same config from another directory opens the same database */
    assert_int_equal(run_in(srv->dir, "branch", "add", "测试党委", "--config", cfg, (char *)NULL),
                     0);
    assert_int_equal(run_in(dir, "branch", "list", (char *)NULL), 0);
    assert_contains(out, "测试党委");
    /* an explicit --config says nothing about the demo */
    assert_int_equal(run_in(dir, "branch", "list", "--config", cfg, (char *)NULL), 0);
    assert_int_equal(count(err, "使用演示配置"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import),
        cmocka_unit_test(test_set_reports_only_changes),
        cmocka_unit_test(test_set_refuses_future_date),
        cmocka_unit_test(test_second_secretary_needs_force),
        cmocka_unit_test(test_group_change_shown_as_group),
        cmocka_unit_test(test_show_by_name),
        cmocka_unit_test(test_push_unknown_member),
        cmocka_unit_test(test_demo_config_and_relative_database),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
