/*
 * e2e_first_ops2.c - the rest of the secretary's CLI from issue 11, item 12, against the real
 * binary: `member add` (the fields and rules of `member set`, audited), `member remove` (the
 * record kept for the history, left out of lists, binding and pushes, `member show` says 已移出),
 * `member codes --renew ID`, `branch rename`, `outbox cancel ID` and `outbox retry ID` (only
 * pending, failed or unreachable rows; the operator only); every one audited. And item 18: the
 * server log's time is in the configured zone with its offset.
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

/* cli - zhibu with the arguments (NULL-terminated) and the server's config; stdout in out,
 * stderr in err; the exit status. */
#define cli(...) run(__VA_ARGS__, "--config", srv->config_path, (char *)NULL)
static int run(const char *a0, ...)
{
    const char *a[12] = {a0};
    int n = 1;
    va_list ap;
    va_start(ap, a0);
    for (const char *x; n < 11 && (x = va_arg(ap, const char *)) != NULL;)
        a[n++] = x;
    va_end(ap);
    e2e_proc_free(&proc);
    assert_int_equal(e2e_zhibu(srv->dir, &proc, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
                               a[8], a[9], a[10], (char *)NULL),
                     0);
    out = proc.out ? proc.out : "";
    err = proc.err ? proc.err : "";
    return proc.status;
}

#define db(...) e2e_db_int(srv, __VA_ARGS__)

static long long audits(const char *action)
{
    return db("SELECT count(*) FROM audit WHERE action=%Q", action);
}

static void test_import(void **state)
{
    (void)state;
    char example[512];
    const char *src = getenv("ZHIBU_SRC");
    snprintf(example, sizeof example, "%s/config/members.example.csv", src ? src : ".");
    assert_int_equal(cli("member", "import", example, "--create-branches"), 0);
    assert_int_equal(db("SELECT count(*) FROM members"), 12);
}

static void test_member_add(void **state)
{
    (void)state;
    assert_int_equal(cli("member", "add", "钱学军", "支部=船闸支部", "党小组=第一党小组",
                         "手机号=13912345678", "入党日期=2020-07-01"),
                     0);
    assert_contains(out, "已新增 #13 钱学军");
    assert_contains(out, "第一党小组");
    assert_int_equal(db("SELECT count(*) FROM members WHERE name='钱学军' AND phone='13912345678' "
                        "AND joined_on='2020-07-01' AND group_id IS NOT NULL"),
                     1);
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action='add' AND target='member:13'"), 1);
    /* the rules of member set: a phone someone has, a date after today, a second 书记, a
     * place that does not exist, a field nobody knows - nothing written, nothing audited */
    assert_int_equal(cli("member", "add", "钱学军", "支部=船闸支部", "手机号=13800138001"), 1);
    assert_contains(err, "已登记在 #1 名下");
    assert_int_equal(cli("member", "add", "钱二", "支部=船闸支部", "入党日期=2099-01-01"), 1);
    assert_contains(err, "晚于今天");
    assert_int_equal(cli("member", "add", "钱三", "支部=船闸支部", "职务=书记"), 1);
    assert_contains(err, "已有书记 李建国");
    assert_int_equal(cli("member", "add", "钱四", "支部=没有这个支部"), 1);
    assert_contains(err, "不存在");
    assert_int_equal(cli("member", "add", "钱五", "爱好=钓鱼"), 2);
    assert_contains(err, "不认识字段");
    assert_int_equal(db("SELECT count(*) FROM members"), 13);
    assert_int_equal(audits("add"), 1);
    /* a member without the right may not add */
    assert_int_equal(cli("member", "add", "钱六", "支部=船闸支部", "--as", "6"), 1);
    assert_int_equal(db("SELECT count(*) FROM members"), 13);
}

static void test_codes_renew(void **state)
{
    (void)state;
    char *before = e2e_db_text(srv, "SELECT bind_code FROM members WHERE id=13");
    assert_non_null(before);
    assert_int_equal(cli("member", "codes", "--renew", "13"), 0);
    assert_contains(out, "换发新绑定码");
    char *after = e2e_db_text(srv, "SELECT bind_code FROM members WHERE id=13");
    assert_non_null(after);
    assert_string_not_equal(before, after);
    assert_contains(out, after);
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action='code_renew' AND "
                        "target='member:13'"),
                     1);
    free(before);
    free(after);
    assert_int_equal(cli("member", "codes", "--renew", "99"), 1);
    assert_contains(err, "没有编号为 99 的党员");
}

static void test_member_remove(void **state)
{
    (void)state;
    assert_int_equal(cli("member", "bind", "13", "--onebot", "20261313"), 0);
    assert_int_equal(db("SELECT count(*) FROM identities WHERE member_id=13"), 1);
    assert_int_equal(cli("member", "remove", "13", "--reason", "转出"), 0);
    assert_contains(out, "已移出名单：#13 钱学军");
    /* kept for the history, unbound, its code gone */
    assert_int_equal(db("SELECT count(*) FROM members WHERE id=13 AND left_at > 0 AND "
                        "left_reason='转出' AND bind_code IS NULL"),
                     1);
    assert_int_equal(db("SELECT count(*) FROM identities WHERE member_id=13"), 0);
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action='remove' AND target='member:13' "
                        "AND detail LIKE '%%转出%%'"),
                     1);
    /* left out of the list, the codes and the tree's counts; show says so */
    assert_int_equal(cli("member", "list"), 0);
    assert_not_contains(out, "钱学军");
    assert_contains(out, "共 12 人");
    assert_int_equal(cli("member", "codes"), 0);
    assert_not_contains(out, "钱学军");
    assert_int_equal(cli("member", "show", "13"), 0);
    assert_contains(out, "已移出");
    assert_contains(out, "转出");
    assert_int_equal(cli("member", "show", "钱学军"), 1);
    /* nothing more happens to a removed member */
    assert_int_equal(cli("push", "--member", "13", "你好"), 1);
    assert_contains(err, "已移出名单");
    assert_int_equal(cli("member", "bind", "13", "--onebot", "20261313"), 1);
    assert_contains(err, "已移出名单");
    assert_int_equal(cli("member", "codes", "--renew", "13"), 1);
    assert_int_equal(cli("member", "set", "13", "岗位", "调度"), 1);
    assert_int_equal(cli("member", "remove", "13"), 1);
    assert_int_equal(audits("remove"), 1);
    /* the phone of a removed member is still on record: not silently given to someone else */
    assert_int_equal(db("SELECT count(*) FROM members WHERE phone='13912345678'"), 1);
}

static void test_branch_rename(void **state)
{
    (void)state;
    assert_int_equal(cli("branch", "rename", "船闸支部", "船闸运行支部"), 0);
    assert_contains(out, "已改名");
    assert_contains(out, "船闸运行支部");
    assert_int_equal(db("SELECT count(*) FROM branches WHERE name='船闸运行支部'"), 1);
    assert_int_equal(db("SELECT count(*) FROM branches WHERE name='船闸支部'"), 0);
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action='branch_rename' AND "
                        "detail LIKE '%%船闸支部 → %%船闸运行支部'"),
                     1);
    assert_int_equal(cli("member", "show", "1"), 0);
    assert_contains(out, "船闸运行支部");
    /* the level stays: a 支部 cannot become a 党小组 by its name; no "/" in a name */
    assert_int_equal(cli("branch", "rename", "船闸运行支部", "船闸小组"), 1);
    assert_contains(err, "支部");
    assert_int_equal(cli("branch", "rename", "船闸运行支部", "甲/乙支部"), 1);
    /* a sibling's name is taken */
    assert_int_equal(cli("branch", "rename", "船闸运行支部/第一党小组", "第二党小组"), 1);
    assert_contains(err, "已有");
    assert_int_equal(cli("branch", "rename", "没有的支部", "新支部"), 1);
    assert_int_equal(audits("branch_rename"), 1);
}

/* queue - an outbox row with status and error code, to a member nothing can reach. */
static void queue(int id, const char *status)
{
    assert_int_equal(
        e2e_db_exec(srv,
                    "INSERT INTO outbox(id, idem_key, rcpt, to_id, kind, text, status, "
                    "attempts, not_before, next_try_at, created_at, error_code) "
                    "VALUES(%d, 'test:%d', 'member', '12', 'broadcast', '测试', %Q, "
                    "3, 0, 4102444800, 1, 'test_err')",
                    id, id, status),
        0);
}

static void test_outbox_cancel_retry(void **state)
{
    (void)state;
    queue(9001, "failed");
    queue(9002, "sent");
    queue(9003, "unreachable");
    queue(9004, "pending");
    /* sent rows stay as they are */
    assert_int_equal(cli("outbox", "retry", "9002"), 1);
    assert_contains(err, "已送达");
    assert_int_equal(cli("outbox", "cancel", "9002"), 1);
    assert_int_equal(cli("outbox", "cancel", "9999"), 1);
    assert_contains(err, "没有编号为 9999 的消息");
    assert_int_equal(cli("outbox", "cancel", "abc"), 2);
    /* a member may not, even a secretary */
    assert_int_equal(cli("outbox", "cancel", "9003", "--as", "1"), 1);
    assert_int_equal(db("SELECT count(*) FROM outbox WHERE id=9003 AND status='unreachable'"), 1);
    /* cancel: never sent, off the phone list */
    assert_int_equal(cli("outbox", "cancel", "9003"), 0);
    assert_contains(out, "已取消 #9003");
    assert_int_equal(db("SELECT count(*) FROM outbox WHERE id=9003 AND status='failed' AND "
                        "error_code='cancelled'"),
                     1);
    assert_int_equal(cli("outbox", "cancel", "9004"), 0);
    assert_int_equal(db("SELECT count(*) FROM outbox WHERE id=9004 AND status='failed'"), 1);
    /* retry: from scratch (the sender may pick it up at once and fail it afresh) */
    assert_int_equal(cli("outbox", "retry", "9001"), 0);
    assert_contains(out, "已安排重发 #9001");
    assert_int_equal(db("SELECT count(*) FROM outbox WHERE id=9001 AND "
                        "coalesce(error_code, '') <> 'test_err' AND attempts <= 1"),
                     1);
    assert_int_equal(audits("outbox_cancel"), 2);
    assert_int_equal(audits("outbox_retry"), 1);
    /* the listing still works beside its verbs */
    assert_int_equal(cli("outbox", "--status", "failed"), 0);
    assert_contains(out, "#9003");
    assert_int_equal(cli("outbox", "bogus"), 2);
}

/* The server log is in the configured time zone with its offset, like the CLI (item 18). */
static void test_log_in_configured_zone(void **state)
{
    (void)state;
    struct e2e_config cfg = {.timezone = "Asia/Shanghai"};
    struct e2e_server *sh = e2e_server_up(&cfg);
    assert_non_null(sh);
    assert_true(e2e_log_has(sh, 0, "+0800 INFO"));
    assert_false(e2e_log_has(sh, 0, "Z INFO"));
    e2e_server_free(sh);
    assert_true(e2e_log_has(srv, 0, "+0000 INFO")); /* UTC says so too */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import),
        cmocka_unit_test(test_member_add),
        cmocka_unit_test(test_codes_renew),
        cmocka_unit_test(test_member_remove),
        cmocka_unit_test(test_branch_rename),
        cmocka_unit_test(test_outbox_cancel_retry),
        cmocka_unit_test(test_log_in_configured_zone),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
