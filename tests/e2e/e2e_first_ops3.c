/*
 * e2e_first_ops3.c - the secretary's listings from issue 11 against the real binary: item 10,
 * `feedback`, `events`, `audit` and `outbox` show the member's name and branch next to the id,
 * and `outbox --status unreachable` is the list to phone (phones masked unless --unmask, which
 * is audited); item 7, a picture sent outside a conversation and passed on as a 留言 shows as
 * "[图片]" with its URL in `feedback`; item 18, `help config` and the config's errors in Chinese.
 *
 * One server (OneBot and the open-platform bot on the fake) for the program: the tests run in
 * order and build on the imported example roster.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/e2e/e2e_util.h"
#include "tests/e2e/qq_util.h"

#define SUN "30000006" /* 孙立新 (member 6) */
#define WU  "30000008" /* 吴长生 (member 8), sends a picture */

static struct qq_env env;
static struct e2e_server *srv;
static struct e2e_proc proc;

static int setup(void **state)
{
    (void)state;
    if (qq_env_up(&env, NULL, NULL))
        return -1;
    srv = env.srv;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    e2e_proc_free(&proc);
    return qq_env_down(&env) == 0 ? 0 : -1;
}

#define db(...) e2e_db_int(srv, __VA_ARGS__)

/* cli - zhibu with up to 7 arguments and the server's config; stdout (owned by proc). */
#define cli(...) run_cli(__VA_ARGS__, (char *)NULL)
static const char *run_cli(const char *a0, ...)
{
    const char *a[10] = {a0};
    int n = 1;
    va_list ap;
    va_start(ap, a0);
    for (const char *x; n < 7 && (x = va_arg(ap, const char *)) != NULL;)
        a[n++] = x;
    va_end(ap);
    a[n++] = "--config";
    a[n++] = srv->config_path;
    e2e_proc_free(&proc);
    assert_int_equal(e2e_zhibu(srv->dir, &proc, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
                               a[8], (char *)NULL),
                     0);
    return proc.out ? proc.out : "";
}

/* say - a private OneBot message from user; zhibu's answer (owned by proc). */
static const char *say(const char *user, const char *text)
{
    e2e_proc_free(&proc);
    assert_int_equal(e2e_zhibu(srv->dir, &proc, "say", "--config", srv->config_path, "--platform",
                               "onebot", "--from", user, text, (char *)NULL),
                     0);
    assert_int_equal(proc.status, 0);
    return proc.out ? proc.out : "";
}

/* bind - user binds to member id with the member's code. */
static void bind(const char *user, int id)
{
    char *code = e2e_db_text(srv, "SELECT bind_code FROM members WHERE id=%d", id);
    assert_non_null(code);
    char line[32];
    snprintf(line, sizeof line, "绑定 %s", code);
    free(code);
    assert_contains(say(user, line), "绑定成功");
}

static void test_setup_members(void **state)
{
    (void)state;
    char example[512];
    const char *src = getenv("ZHIBU_SRC");
    snprintf(example, sizeof example, "%s/config/members.example.csv", src ? src : ".");
    cli("member", "import", example, "--create-branches");
    if (proc.status)
        fail_msg("import: %s", proc.err ? proc.err : "");
    bind(SUN, 6);
    bind(WU, 8);
}

/* Item 10: 留言, the event log and the audit name the member and the branch. */
static void test_listings_show_names(void **state)
{
    (void)state;
    assert_contains(say(SUN, "留言 路灯坏了"), "已收到您的留言");
    const char *out = cli("feedback");
    assert_int_equal(proc.status, 0);
    assert_contains(out, "#6 孙立新（船闸支部）");
    assert_contains(out, "路灯坏了");
    out = cli("events", "--limit", "5");
    assert_int_equal(proc.status, 0);
    assert_contains(out, SUN " #6 孙立新（船闸支部）");
    /* an unbound sender keeps the bare platform id */
    say("30000777", "你好");
    out = cli("events", "--limit", "1");
    assert_contains(out, "30000777 ");
    assert_not_contains(out, "#");
    cli("member", "set", "6", "岗位", "闸门班长");
    assert_int_equal(proc.status, 0);
    out = cli("audit");
    assert_contains(out, "member:6 孙立新（船闸支部）");
    /* a name that carries terminal controls is shown cleaned */
    assert_int_equal(e2e_db_exec(srv, "UPDATE members SET name='孙立新\x1b[2J' WHERE id=6"), 0);
    out = cli("audit");
    assert_not_contains(out, "\x1b[2J");
    assert_int_equal(e2e_db_exec(srv, "UPDATE members SET name='孙立新' WHERE id=6"), 0);
}

/* Item 10: the outbox names the recipient; the unreachable rows are the list to phone. */
static void test_outbox_phone_list(void **state)
{
    (void)state;
    cli("push", "--member", "1", "--key", "ops3-a", "周五前交心得");
    assert_int_equal(proc.status, 0);
    const char *out = cli("outbox", "--limit", "50");
    assert_contains(out, "收件人 成员 1 李建国（船闸支部）");
    /* nothing can reach 李建国 (no platform bound): the row ends unreachable */
    for (int i = 0; i < 150 && db("SELECT count(*) FROM outbox WHERE idem_key='ops3-a' AND "
                                  "status='unreachable'") != 1;
         i++)
        e2e_sleep_ms(100);
    out = cli("outbox", "--status", "unreachable");
    assert_int_equal(proc.status, 0);
    assert_contains(out, "李建国（船闸支部） 电话 138****8001");
    assert_not_contains(out, "13800138001");
    long long before = db("SELECT count(*) FROM audit WHERE action='unmask' AND target='outbox'");
    out = cli("outbox", "--status", "unreachable", "--unmask");
    assert_int_equal(proc.status, 0);
    assert_contains(out, "李建国（船闸支部） 电话 13800138001");
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action='unmask' AND target='outbox'"),
                     before + 1);
    /* a member may not unmask */
    cli("outbox", "--status", "unreachable", "--unmask", "--as", "6");
    assert_int_equal(proc.status, 1);
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action='unmask' AND target='outbox'"),
                     before + 1);
}

/* Item 7: a picture outside a conversation is kept with the event and offered as a 留言; passed
 * on, the secretary sees "[图片]" with the URL to fetch it. */
static void test_picture_as_feedback(void **state)
{
    (void)state;
    char *body = ob_message(WU, NULL, 990001,
                            "[CQ:image,file=lamp.jpg,url=http://127.0.0.1/lamp.jpg]", false);
    struct e2e_resp resp;
    ob_post(srv, body, OB_SIGNED, &resp);
    free(body);
    assert_int_equal(resp.status, 200);
    bool at = false, has_at = false;
    char *r = ob_reply_text(resp.body, &at, &has_at);
    e2e_resp_free(&resp);
    assert_non_null(r);
    assert_contains(r, "已收到您的图片");
    assert_contains(r, "转给支部");
    free(r);
    assert_int_equal(db("SELECT count(*) FROM events WHERE user_id=%Q AND kind='image' AND "
                        "text LIKE '%%lamp.jpg%%'",
                        WU),
                     1);
    assert_contains(say(WU, "转给支部"), "已转给支部");
    const char *out = cli("feedback");
    assert_contains(out, "#8 吴长生（船闸支部）");
    assert_contains(out, "[图片] http://127.0.0.1/lamp.jpg");
}

/* Item 18: `help config` and the config's errors are in Chinese like `help`; the key names stay
 * as they are, and an error names the key and the file. */
static void test_config_in_chinese(void **state)
{
    (void)state;
    e2e_proc_free(&proc);
    assert_int_equal(e2e_zhibu(srv->dir, &proc, "help", "config", (char *)NULL), 0);
    assert_int_equal(proc.status, 0);
    const char *out = proc.out ? proc.out : "";
    assert_contains(out, "配置项（JSON 文件");
    assert_contains(out, "listen");
    assert_contains(out, "服务监听的地址和端口");
    assert_contains(out, "wechat.app_secret");
    assert_not_contains(out, "address and port");
    char path[600];
    snprintf(path, sizeof path, "%s/bad.json", srv->dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"server\": {\"threads\": \"four\"}}\n", f);
    fclose(f);
    e2e_proc_free(&proc);
    assert_int_equal(e2e_zhibu(srv->dir, &proc, "member", "list", "--config", path, (char *)NULL),
                     0);
    assert_true(proc.status != 0);
    const char *err = proc.err ? proc.err : "";
    assert_contains(err, "配置项 \"server.threads\"：应为整数");
    assert_contains(err, path);
    assert_not_contains(err, "expected");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_setup_members),     cmocka_unit_test(test_listings_show_names),
        cmocka_unit_test(test_outbox_phone_list), cmocka_unit_test(test_picture_as_feedback),
        cmocka_unit_test(test_config_in_chinese),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
