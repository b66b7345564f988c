/*
 * e2e_transfer.c - 关系接转 end to end against the real binary: a member starts by chat (6, the
 * receiving organisation, the reason), the five-office chain is decided in the inbox by approvers
 * on QQ (OneBot) and WeChat, a return with its reason and the member's resubmission, 进度 at each
 * step, a refusal for an approver of another step, 接收 completing it (the member moved); then
 * the reminder job for an idle step, the letter expired by the job, the dues warning, the REST
 * routes with privacy and a missing routing rule, and the CLI's list, show and export.
 *
 * One server for the program; the clock is the test file (testing: true), moved by the tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "tests/e2e/delivery_util.h"
#include "tests/e2e/rest_util.h"
#include "tests/e2e/e2e_util.h"

static struct du_fake fake;
static struct du_server srv;
static char now_file[400];
static long long t0;
static char out[1 << 16];

static void set_now(long long t)
{
    FILE *f = fopen(now_file, "w");
    assert_non_null(f);
    fprintf(f, "%lld\n", t);
    fclose(f);
}

/* say - a private message from a QQ number (digits) or a WeChat openid ("wx-..."). */
static const char *say(const char *from, const char *text)
{
    const char *platform = strncmp(from, "wx-", 3) == 0 ? "wechat" : "onebot";
    assert_int_equal(
        du_cli(&srv, out, sizeof out, "say", "--platform", platform, "--from", from, text, NULL),
        0);
    return out;
}

static void say_has(const char *from, const char *text, const char *needle)
{
    const char *r = say(from, text);
    if (!strstr(r, needle))
        fail_msg("%s: %s -> %s: wanted %s", from, text, r, needle);
}

static long long db(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long long db(const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return du_db_int(&srv, sql);
}

static int setup(void **state)
{
    (void)state;
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (du_fake_start(&fake, NULL))
        return -1;
    snprintf(now_file, sizeof now_file, "%s/now", fake.dir);
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_mday = 5; /* a quiet day in the month: no letter crosses into the next dues month */
    tm.tm_hour = 10;
    tm.tm_min = 0;
    tm.tm_sec = 0;
    t0 = (long long)mktime(&tm);
    set_now(t0);
    setenv("ZHIBU_TEST_NOW_FILE", now_file, 1);
    static const char extra[] = "\"testing\":true,\"timezone\":\"Asia/Shanghai\","
                                "\"api\":{\"enabled\":true,\"rate_per_min\":200},"
                                "\"transfer\":{\"routes\":\"市级机关工委/市交通运输局党委 -> "
                                "external : 市委组织部\"}";
    if (du_server_config(&srv, &fake, 2, NULL, NULL, extra) ||
        du_cli(&srv, out, sizeof out, "demo", "seed", NULL) != 0)
        return -1;
    static const char *const binds[][3] = {
        {"11", "--onebot", "10011"},    {"1", "--wechat", "wx-li"},  {"13", "--onebot", "10013"},
        {"14", "--wechat", "wx-zheng"}, {"15", "--onebot", "10015"}, {"16", "--wechat", "wx-qian"},
        {"12", "--onebot", "10012"}};
    for (size_t i = 0; i < sizeof binds / sizeof *binds; i++)
        if ((binds[i][1][2] == 'w'
                 ? du_cli(&srv, out, sizeof out, "member", "bind", binds[i][0], binds[i][1],
                          binds[i][2], "--account", "gh_zhibu_demo", NULL)
                 : du_cli(&srv, out, sizeof out, "member", "bind", binds[i][0], binds[i][1],
                          binds[i][2], NULL)) != 0)
            return -1;
    return du_server_start(&srv);
}

static int teardown(void **state)
{
    (void)state;
    du_server_stop(&srv);
    du_fake_stop(&fake);
    unsetenv("ZHIBU_TEST_NOW_FILE");
    return 0;
}

/* open_did - the open decision of transfer 1's current step, as text. */
static void open_did(char *s, size_t n)
{
    snprintf(s, n, "%lld",
             db("SELECT decision_id FROM transfer_steps WHERE transfer_id=1 AND state='open'"));
}

static void act(const char *who, const char *verb, const char *tail, const char *needle)
{
    char did[24], msg[160];
    open_did(did, sizeof did);
    snprintf(msg, sizeof msg, "%s %s%s%s", verb, did, tail ? " " : "", tail ? tail : "");
    say_has(who, msg, needle);
}

static void test_chain_by_chat(void **state)
{
    (void)state;
    say_has("10011", "进度", "没有正在办理");
    /* no route configured: the member is told so plainly, without the configuration's grammar */
    say_has("10011", "6", "请回复要转入的组织名称");
    say_has("10011", "市委组织部", "系统里还没有设好转往这个组织的路线");
    assert_null(strstr(out, "transfer.routes"));
    say_has("10011", "6", "请回复要转入的组织名称");
    say_has("10011", "没有这个支部", "请重新回复组织名称");
    say_has("10011", "实验中学支部", "5 实验中学支部");
    assert_non_null(strstr(out, "4 市级机关工委"));
    say_has("10011", "1", "已提交");
    assert_non_null(strstr(out, "船闸支部：正在办理（李建国、陈秀英"));
    assert_int_equal(db("SELECT count(*) FROM transfer_steps WHERE transfer_id=1"), 5);
    assert_int_equal(db("SELECT count(*) FROM notify_items WHERE kind='transfer.step'"), 2);
    say_has("wx-li", "待办", "何宇航 从船闸支部转往实验中学支部（第 1/5 步）");
    act("wx-li", "同意", NULL, "已同意");
    say_has("10011", "进度", "船闸支部：已同意");
    assert_non_null(strstr(out, "有效期还剩 10 天"));
    /* an approver of a later step may not decide this one */
    act("10015", "同意", NULL, "不由您处理");
    act("10013", "退回", "请补充调动通知", "已退回");
    say_has("10011", "到哪一步了", "已退回");
    assert_non_null(strstr(out, "请补充调动通知"));
    assert_int_equal(db("SELECT count(*) FROM notify_items WHERE kind='transfer.returned'"), 1);
    say_has("10011", "转关系", "回复 1 重新提交");
    say_has("10011", "1", "已重新提交");
    act("10013", "同意", NULL, "已同意");
    say_has("10011", "进度", "市交通运输局党委：正在办理（郑国强");
    act("wx-zheng", "同意", NULL, "已同意");
    act("10015", "同意", NULL, "已同意");
    say_has("10011", "进度", "实验中学支部：正在办理（钱文静");
    act("wx-qian", "接收", NULL, "已");
    say_has("10011", "进度", "状态：已完成"); /* the finished one, not "nothing" */
    assert_non_null(strstr(out, "实验中学支部"));
    assert_int_equal(db("SELECT status='done' FROM transfers WHERE id=1"), 1);
    assert_int_equal(db("SELECT branch_id FROM members WHERE id=11"),
                     db("SELECT id FROM branches WHERE name='实验中学支部'"));
    assert_int_equal(db("SELECT count(*) FROM notify_items WHERE kind='transfer.receipt'"), 3);
    assert_int_equal(du_cli(&srv, out, sizeof out, "transfer", "show", "1", NULL), 0);
    assert_non_null(strstr(out, "return 第 2 步 市航道处党总支 退回：请补充调动通知"));
    assert_non_null(strstr(out, "receive 何宇航 已由 实验中学支部 接收"));
}

/* api - method path with a bearer token and body; the status, body into out. */
/* api - one REST call through rest_util; the body into out, as the CLI helpers leave theirs. */
static long api(const char *method, const char *path, const char *token, const char *body)
{
    const struct rest_reply *r = rest_call(srv.port, method, path, token, body);
    size_t n = r->len < sizeof out - 1 ? r->len : sizeof out - 1;
    memcpy(out, r->body, n);
    out[n] = '\0';
    return r->status;
}

static void token_of(const char *member, char *tok, size_t n)
{
    rest_token(&srv, member, NULL, tok, n);
}

static void test_rest_dues_remind_expire(void **state)
{
    (void)state;
    /* two months on, unpaid bills: the approver is warned */
    set_now(t0 + 61LL * 86400);
    assert_int_equal(du_cli(&srv, out, sizeof out, "jobs", "run", "dues.bill", NULL), 0);
    char ma[64], zhao[64], li[64];
    token_of("12", ma, sizeof ma);
    token_of("5", zhao, sizeof zhao);
    token_of("1", li, sizeof li);
    /* the tree's other root has no rule from 市级机关工委 as a whole: the rule is for the bureau */
    assert_int_equal(api("POST", "/api/v1/transfers", ma, "{\"to\":\"市委组织部\"}"), 400);
    assert_int_equal(api("POST", "/api/v1/transfers", ma, "{}"), 400);
    assert_non_null(strstr(out, "\"field\":\"to\""));
    assert_int_equal(api("POST", "/api/v1/transfers", zhao,
                         "{\"to\":\"外省某市港航管理局党委\",\"member_id\":12}"),
                     403);
    assert_int_equal(api("POST", "/api/v1/transfers", ma,
                         "{\"to\":\"外省某市港航管理局党委\",\"reason\":\"工作单位变动\"}"),
                     201);
    assert_non_null(strstr(out, "\"org\":\"市委组织部\""));
    assert_non_null(strstr(out, "\"validity_days\":30"));
    assert_null(strstr(out, "\"dues_arrears_months\":0"));
    /* a second one while the first is open is a conflict (409), not "too many requests" (429),
     * which a client would retry */
    assert_int_equal(api("POST", "/api/v1/transfers", ma,
                         "{\"to\":\"外省某市港航管理局党委\",\"reason\":\"工作单位变动\"}"),
                     409);
    assert_non_null(strstr(out, "\"code\":\"conflict\""));
    long long id = db("SELECT max(id) FROM transfers");
    char path[64];
    snprintf(path, sizeof path, "/api/v1/transfers/%lld", id);
    assert_int_equal(api("GET", path, ma, NULL), 200);
    assert_int_equal(api("GET", path, zhao, NULL), 403);
    assert_int_equal(api("GET", "/api/v1/transfers/999", ma, NULL), 404);
    assert_int_equal(api("GET", "/api/v1/todo", li, NULL), 200);
    assert_non_null(strstr(out, "欠交党费"));
    /* idle for more than three days: one reminder, not two */
    say_has("wx-li", "待办", "马晨阳");
    char did[24], msg[64];
    snprintf(did, sizeof did, "%lld",
             db("SELECT decision_id FROM transfer_steps WHERE transfer_id=%lld AND "
                "state='open'",
                id));
    snprintf(msg, sizeof msg, "同意 %s", did);
    say_has("wx-li", msg, "已同意");
    set_now(t0 + 65LL * 86400);
    assert_int_equal(du_cli(&srv, out, sizeof out, "jobs", "run", "transfer.remind", NULL), 0);
    assert_int_equal(du_cli(&srv, out, sizeof out, "jobs", "run", "transfer.remind", NULL), 0);
    assert_int_equal(db("SELECT count(*) FROM notify_items WHERE kind='transfer.remind'"), 1);
    /* the letter (30 days) expires; the member sees it; the secretary renews */
    set_now(t0 + 92LL * 86400);
    assert_int_equal(du_cli(&srv, out, sizeof out, "jobs", "run", "transfer.remind", NULL), 0);
    assert_int_equal(db("SELECT status='expired' FROM transfers WHERE id=%lld", id), 1);
    say_has("10012", "进度", "已过期");
    assert_int_equal(du_cli(&srv, out, sizeof out, "transfer", "renew", did, "--as", "5", NULL), 1);
    snprintf(did, sizeof did, "%lld", id);
    assert_int_equal(du_cli(&srv, out, sizeof out, "transfer", "renew", did, NULL), 0);
    assert_int_equal(db("SELECT status='open' FROM transfers WHERE id=%lld", id), 1);
    /* the CLI's decide takes the Chinese verbs the chat uses */
    long long next = db("SELECT decision_id FROM transfer_steps WHERE transfer_id=%lld AND "
                        "state='open'",
                        id);
    snprintf(did, sizeof did, "%lld", next);
    assert_int_equal(du_cli(&srv, out, sizeof out, "decide", did, "同意", NULL), 0);
    assert_non_null(strstr(out, "已同意待办"));
    assert_int_equal(db("SELECT state='approved' FROM decisions WHERE id=%lld", next), 1);
}

static void test_cli(void **state)
{
    (void)state;
    assert_int_equal(du_cli(&srv, out, sizeof out, "transfer", "list", "--status", "done", NULL),
                     0);
    assert_non_null(strstr(out, "何宇航"));
    assert_null(strstr(out, "马晨阳"));
    assert_non_null(strstr(out, "\t已完成\t")); /* the secretary reads Chinese, not "done" */
    assert_null(strstr(out, "done"));
    assert_int_equal(du_cli(&srv, out, sizeof out, "transfer", "list", "--status", "已完成", NULL),
                     0);
    assert_non_null(strstr(out, "何宇航"));
    assert_int_equal(du_cli(&srv, out, sizeof out, "transfer", "show", "1", "--as", "5", NULL), 1);
    /* cancel without --reason: a usage error, before anything is looked up */
    assert_int_equal(du_cli(&srv, out, sizeof out, "transfer", "cancel", "1", NULL), 2);
    char year[16], csv[512];
    time_t t = (time_t)t0;
    struct tm tm;
    localtime_r(&t, &tm);
    snprintf(year, sizeof year, "%d", tm.tm_year + 1900);
    snprintf(csv, sizeof csv, "%s/transfers.csv", fake.dir);
    assert_int_equal(
        du_cli(&srv, out, sizeof out, "transfer", "export", "--year", year, "--csv", csv, NULL), 0);
    assert_true(du_file_has(csv, "\"何宇航\",\"市级机关工委/市交通运输局党委/市航道处党总支/"
                                 "船闸支部\",\"市级机关工委/市教育局党委/实验中学支部\""));
    assert_true(du_file_has(csv, "市航道处党总支 同意 吴建华"));
    assert_true(du_file_has(csv, "\xEF\xBB\xBF编号,党员")); /* Excel reads the BOM as UTF-8 */
    assert_true(du_file_has(csv, ",\"已完成\","));
    assert_false(du_file_has(csv, "\"done\""));
    assert_int_equal(du_cli(&srv, out, sizeof out, "branch", "move", "实验中学支部", "--to",
                            "市级机关工委/市交通运输局党委", NULL),
                     0);
    assert_int_equal(
        du_cli(&srv, out, sizeof out, "branch", "move", "市级机关工委", "--to", "船闸支部", NULL),
        1);
}

static void test_receive_from_outside(void **state)
{
    (void)state;
    /* the CLI: a plain member may not; the operator records one, with the letter's details */
    assert_int_equal(du_cli(&srv, out, sizeof out, "transfer", "receive", "--name", "罗晓梅",
                            "--from", "外市水务局党委", "--letter", "外水组〔2026〕17号", "--to",
                            "船闸支部", "--as", "5", NULL),
                     1);
    assert_int_equal(du_cli(&srv, out, sizeof out, "transfer", "receive", "--name", "罗晓梅",
                            "--from", "外市水务局党委", "--to", "船闸支部", NULL),
                     2);
    assert_int_equal(du_cli(&srv, out, sizeof out, "transfer", "receive", "--name", "罗晓梅",
                            "--from", "外市水务局党委", "--letter", "外水组〔2026〕17号", "--to",
                            "船闸支部", "--phone", "139 0000 1111", "--dues-paid-to", "2026-08",
                            "--date", "2026年9月1日", NULL),
                     0);
    assert_non_null(strstr(out, "已登记转入"));
    assert_non_null(strstr(out, "外水组〔2026〕17号"));
    long long m = db("SELECT id FROM members WHERE name='罗晓梅'");
    assert_true(m > 0);
    assert_int_equal(db("SELECT b.name='船闸支部' FROM members m JOIN branches b ON "
                        "b.id=m.branch_id WHERE m.id=%lld",
                        m),
                     1);
    assert_int_equal(db("SELECT count(*) FROM transfers WHERE member_id=%lld AND status='done' "
                        "AND letter_no='外水组〔2026〕17号'",
                        m),
                     1);
    assert_int_equal(db("SELECT external FROM branches WHERE name='外市水务局党委'"), 1);
    /* the same phone again: refused, nothing added */
    assert_int_equal(du_cli(&srv, out, sizeof out, "transfer", "receive", "--name", "罗晓梅",
                            "--from", "外市水务局党委", "--letter", "外水组〔2026〕18号", "--to",
                            "船闸支部", "--phone", "13900001111", NULL),
                     1);
    assert_int_equal(db("SELECT count(*) FROM members WHERE name='罗晓梅'"), 1);
    /* the new member is on the registry and can be given a binding code */
    char mid[24];
    snprintf(mid, sizeof mid, "%lld", m);
    assert_int_equal(du_cli(&srv, out, sizeof out, "member", "show", mid, NULL), 0);
    assert_non_null(strstr(out, "罗晓梅"));
    assert_null(strstr(out, "13900001111")); /* masked */

    /* REST: the branch's secretary records one; a plain member may not; bad input is named */
    char li[64], zhao[64];
    token_of("1", li, sizeof li);
    token_of("5", zhao, sizeof zhao);
    static const char body[] = "{\"name\":\"韩冬\",\"from\":\"外省港航局党委/调度支部\","
                               "\"letter\":\"港组〔2026〕5号\",\"to\":\"船闸支部\","
                               "\"dues_paid_to\":\"2026-07\",\"date\":\"2026-08-20\"}";
    assert_int_equal(api("POST", "/api/v1/transfers/incoming", zhao, body), 403);
    assert_int_equal(db("SELECT count(*) FROM members WHERE name='韩冬'"), 0);
    assert_int_equal(api("POST", "/api/v1/transfers/incoming", li,
                         "{\"name\":\"韩冬\",\"from\":\"外省港航局党委\",\"to\":\"船闸支部\"}"),
                     400);
    assert_non_null(strstr(out, "\"field\":\"letter\""));
    assert_int_equal(api("POST", "/api/v1/transfers/incoming", li,
                         "{\"name\":\"韩冬\",\"from\":\"外省港航局党委\",\"letter\":\"x1\","
                         "\"to\":\"船闸支部\",\"dues_paid_to\":\"七月\"}"),
                     400);
    assert_non_null(strstr(out, "\"field\":\"dues_paid_to\""));
    assert_int_equal(api("POST", "/api/v1/transfers/incoming", li,
                         "{\"name\":\"韩冬\",\"from\":\"船闸支部\",\"letter\":\"x1\","
                         "\"to\":\"船闸支部\"}"),
                     400);
    assert_non_null(strstr(out, "\"field\":\"from\""));
    assert_int_equal(api("POST", "/api/v1/transfers/incoming", li, body), 201);
    assert_non_null(strstr(out, "\"status\":\"done\""));
    assert_non_null(strstr(out, "\"new_member_id\":"));
    assert_non_null(strstr(out, "\"dues_paid_through\":\"2026-07\""));
    long long t = db("SELECT max(id) FROM transfers");
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action='transfer_receive_in' AND "
                        "target='transfer:%lld' AND actor='member:1'",
                        t),
                     1);
    /* the trail is visible to the receiving secretary */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/transfers/%lld", t);
    assert_int_equal(api("GET", path, li, NULL), 200);
    assert_non_null(strstr(out, "港组〔2026〕5号"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_by_chat),
        cmocka_unit_test(test_rest_dues_remind_expire),
        cmocka_unit_test(test_cli),
        cmocka_unit_test(test_receive_from_outside),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
