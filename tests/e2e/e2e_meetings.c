/*
 * e2e_meetings.c - 三会一课 end to end against the real binary: the secretary schedules by chat
 * (confirm with 1; a wrong format gets the template; a member may not), notices for every
 * attendee, a member's 会议 / 4, 签到 in the window, 签到码, 请假 (refused after the start), a
 * group leader's 代签 (refused for another group), 出勤 with the quorum (the exempt never absent),
 * 纪要 as the next message, the reminder job with its keys (none after a cancel), the REST routes
 * with auth and role failures, and the CLI's attendance, minutes and report.
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
static long long start; /* the chat-scheduled meeting: tomorrow 15:00 local */
static char out[1 << 16];

static void set_now(long long t)
{
    FILE *f = fopen(now_file, "w");
    assert_non_null(f);
    fprintf(f, "%lld\n", t);
    fclose(f);
}

/* say - `zhibu say --platform onebot --from QQ TEXT` (a private message); the reply in out. */
static const char *say(const char *from, const char *text)
{
    assert_int_equal(
        du_cli(&srv, out, sizeof out, "say", "--platform", "onebot", "--from", from, text, NULL),
        0);
    return out;
}

static void say_has(const char *from, const char *text, const char *needle)
{
    const char *r = say(from, text);
    if (!strstr(r, needle))
        fail_msg("%s -> %s: wanted %s", text, r, needle);
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
    tm.tm_hour = 10; /* today 10:00 local: "明天 15:00" is 29 h ahead */
    tm.tm_min = 0;
    tm.tm_sec = 0;
    long long now = (long long)mktime(&tm);
    tm.tm_mday += 1;
    tm.tm_hour = 15;
    tm.tm_isdst = -1;
    start = (long long)mktime(&tm);
    set_now(now);
    setenv("ZHIBU_TEST_NOW_FILE", now_file, 1);
    static const char extra[] = "\"testing\":true,\"timezone\":\"Asia/Shanghai\","
                                "\"api\":{\"enabled\":true,\"rate_per_min\":200}";
    if (du_server_config(&srv, &fake, 2, NULL, NULL, extra) ||
        du_cli(&srv, out, sizeof out, "demo", "seed", NULL) != 0)
        return -1;
    static const char *const binds[][2] = {{"1", "10001"}, {"2", "10002"}, {"4", "10004"},
                                           {"5", "10005"}, {"6", "10006"}, {"10", "10010"}};
    for (size_t i = 0; i < sizeof binds / sizeof *binds; i++)
        if (du_cli(&srv, out, sizeof out, "member", "bind", binds[i][0], "--onebot", binds[i][1],
                   NULL) != 0)
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

static void test_schedule_by_chat(void **state)
{
    (void)state;
    say_has("10001", "会议 明天 支部党员大会 三楼", "请按格式发送");
    say_has("10001", "会议 明天 15:00 支部党员大会 三楼会议室 学习新修订的党章", "回复 1 确认发出");
    assert_non_null(strstr(out, "支部党员大会"));
    assert_non_null(strstr(out, "15:00"));
    say_has("10001", "确认", "已安排会议（编号 3）"); /* a word, not only the digit */
    assert_int_equal(db("SELECT starts_at FROM meetings WHERE id = 3"), start);
    /* before the start nobody is absent yet */
    assert_int_equal(du_cli(&srv, out, sizeof out, "meeting", "attendance", "3", NULL), 0);
    assert_non_null(strstr(out, "李建国\t未签到"));
    assert_null(strstr(out, "缺席"));
    say_has("10001", "出勤 3", "未签到 10");
    assert_null(strstr(out, "缺席"));
    assert_int_equal(db("SELECT count(*) FROM notify_items WHERE kind = 'meeting.notice' AND "
                        "idem_key LIKE 'meeting:3:r1:%%:notice'"),
                     12);
    /* a member may not schedule; cancelling the draft sends nothing */
    say_has("10005", "会议 明天 15:00 党课 礼堂", "回复 1 确认发出");
    say_has("10005", "1", "只有支部书记");
    say_has("10001", "会议 周五 9:30 支委会 书记办公室", "回复 1 确认发出");
    say_has("10001", "地点再想想", "还没有发出"); /* neither yes nor no: asked again, not dropped */
    assert_int_equal(db("SELECT count(*) FROM meetings"), 3);
    say_has("10001", "算了", "已取消");
    assert_int_equal(db("SELECT count(*) FROM meetings"), 3);
}

static void test_member_checkin_leave_proxy(void **state)
{
    (void)state;
    say_has("10005", "4", "支部党员大会");
    say_has("10005", "会议", "三楼会议室");
    say_has("10005", "签到", "现在没有可以签到的会议");
    say_has("10006", "请假 出差", "已为您请假");
    assert_non_null(strstr(out, "请假 编号 原因")); /* 孙立新 has another meeting: how to pick it */
    /* "请假 2 原因" picks meeting 2 from the 会议 list; the reason is what follows the number */
    say_has("10006", "请假 2 家里有事", "已为您请假：主题党日");
    assert_int_equal(db("SELECT count(*) FROM meeting_attendees WHERE meeting_id = 2 AND "
                        "member_id = 6 AND state = 'leave' AND reason = '家里有事'"),
                     1);
    set_now(start - 10 * 60);
    say_has("10005", "签到", "签到成功");
    say_has("10005", "签到", "已经签到");
    say_has("10001", "签到码 3", "签到码：");
    const char *p = strstr(out, "签到码：") + strlen("签到码：");
    char code[5];
    memcpy(code, p, 4);
    code[4] = '\0';
    char msg[32];
    snprintf(msg, sizeof msg, "签到 %s", code);
    say_has("10010", "签到 0", "签到码不对");
    say_has("10010", msg, "签到成功");
    say_has("10002", "代签 何宇航", "已为何宇航签到（代签）");
    say_has("10004", "代签 赵海燕", "只有党小组长和支部书记可以代签");
    set_now(start + 60);
    say_has("10002", "请假 病假", "会议已经开始");
    set_now(start + 31 * 60);
    say_has("10002", "签到", "现在没有可以签到的会议");
}

static void test_attendance_and_minutes(void **state)
{
    (void)state;
    /* present: 赵海燕, 王丽娜, 何宇航 (probationary); voting: 8 full members not exempt */
    say_has("10001", "出勤 3", "实到 3，请假 1，缺席 6，免于统计 2");
    assert_non_null(strstr(out, "\n缺席："));
    assert_non_null(strstr(out, "应到有表决权 8 人，到会 2 人，未达到法定人数"));
    say_has("10005", "出勤 3", "只有支部书记");
    /* asked in a group (with an @): the counts only, nobody named before the others */
    assert_int_equal(du_cli(&srv, out, sizeof out, "say", "--platform", "onebot", "--from", "10001",
                            "--group", "5550", "--at", "出勤 3", NULL),
                     0);
    assert_non_null(strstr(out, "实到 3，请假 1，缺席 6"));
    assert_non_null(strstr(out, "名单请私聊"));
    assert_null(strstr(out, "缺席："));
    assert_int_equal(du_cli(&srv, out, sizeof out, "meeting", "attendance", "3", NULL), 0);
    assert_non_null(strstr(out, "何宇航\t出席"));
    assert_non_null(strstr(out, "代签"));
    assert_non_null(strstr(out, "孙立新\t请假\t出差"));
    assert_non_null(strstr(out, "周桂兰\t免于统计"));
    say_has("10001", "纪要 3", "下一条消息");
    say_has("10001", "一、学习新修订的党章。\n二、讨论。", "已保存会议 3 的纪要");
    assert_int_equal(du_cli(&srv, out, sizeof out, "meeting", "minutes", "3", NULL), 0);
    assert_non_null(strstr(out, "请假：孙立新（出差）"));
    assert_non_null(strstr(out, "一、学习新修订的党章。\n二、讨论。"));
    assert_null(strstr(out, "周桂兰"));
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action = 'meeting.minutes'"), 2);
    /* asked for minutes again, the secretary sends a command instead: it runs, and the minutes
     * stay as they were */
    say_has("10001", "纪要 3", "下一条消息");
    say_has("10001", "出勤 3", "出勤：实到 3");
    assert_int_equal(du_cli(&srv, out, sizeof out, "meeting", "minutes", "3", NULL), 0);
    assert_non_null(strstr(out, "一、学习新修订的党章。\n二、讨论。"));
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action = 'meeting.minutes'"), 2);
}

static void test_reminders_and_cancel(void **state)
{
    (void)state;
    char at[64];
    time_t t = (time_t)(start + 2 * 86400);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(at, sizeof at, "%Y-%m-%d %H:%M", &tm);
    assert_int_equal(du_cli(&srv, out, sizeof out, "meeting", "add", "--branch", "船闸支部",
                            "--kind", "支委会", "--at", at, "--place", "书记办公室", NULL),
                     0);
    assert_non_null(strstr(out, "已安排会议 4"));
    set_now(start + 2 * 86400 - 23 * 3600);
    assert_int_equal(du_cli(&srv, out, sizeof out, "jobs", "run", "meetings.remind", NULL), 0);
    assert_int_equal(db("SELECT count(*) FROM notify_items WHERE idem_key LIKE "
                        "'meeting:4:r1:%%:24h' AND urgent = 0"),
                     4);
    assert_int_equal(du_cli(&srv, out, sizeof out, "jobs", "run", "meetings.remind", NULL), 0);
    assert_int_equal(db("SELECT count(*) FROM notify_items WHERE idem_key LIKE 'meeting:4:%%'"),
                     8); /* 4 notices + 4 reminders, none twice */
    assert_int_equal(du_cli(&srv, out, sizeof out, "meeting", "cancel", "4", NULL), 0);
    set_now(start + 2 * 86400 - 30 * 60);
    assert_int_equal(du_cli(&srv, out, sizeof out, "jobs", "run", "meetings.remind", NULL), 0);
    assert_int_equal(db("SELECT count(*) FROM notify_items WHERE idem_key LIKE 'meeting:4:%%:1h'"),
                     0);
    assert_int_equal(db("SELECT count(*) FROM notify_items WHERE idem_key LIKE "
                        "'meeting:4:%%:cancel'"),
                     4);
    assert_int_equal(du_cli(&srv, out, sizeof out, "meeting", "cancel", "4", NULL), 1);
    /* a past time needs --held */
    assert_int_equal(du_cli(&srv, out, sizeof out, "meeting", "add", "--branch", "船闸支部",
                            "--kind", "党课", "--at", "2020-01-01 10:00", "--place", "礼堂", NULL),
                     2);
    assert_int_equal(du_cli(&srv, out, sizeof out, "meeting", "add", "--branch", "船闸支部",
                            "--kind", "党课", "--at", "2020-01-01 10:00", "--place", "礼堂",
                            "--held", NULL),
                     0);
    assert_int_equal(du_cli(&srv, out, sizeof out, "meeting", "report", "--branch", "船闸支部",
                            "--quarter", "2020Q1", NULL),
                     0);
    assert_non_null(strstr(out, "党课\t已开 1 / 应开 1\t1月1日"));
    assert_non_null(strstr(out, "支部党员大会\t已开 0 / 应开 1 未达标"));
    /* --csv: UTF-8 with the BOM, for Excel */
    char csv[512];
    snprintf(csv, sizeof csv, "%s/report.csv", fake.dir);
    assert_int_equal(du_cli(&srv, out, sizeof out, "meeting", "report", "--branch", "船闸支部",
                            "--quarter", "2020Q1", "--csv", csv, NULL),
                     0);
    assert_true(du_file_has(csv, "\xEF\xBB\xBF类型,党小组,已开,应开"));
    assert_true(du_file_has(csv, "党课,,1,1,本季度"));
    /* the operator must name the branch: a usage error (2), with the usage */
    assert_int_equal(
        du_cli(&srv, out, sizeof out, "meeting", "report", "--quarter", "2020Q1", NULL), 2);
    /* a meeting that took place (someone checked in) stays in the ledger */
    char held[24];
    snprintf(held, sizeof held, "%lld", (long long)db("SELECT max(id) FROM meetings"));
    assert_int_equal(du_cli(&srv, out, sizeof out, "meeting", "checkin", held, "李建国", NULL), 0);
    assert_int_equal(du_cli(&srv, out, sizeof out, "meeting", "cancel", held, NULL), 1);
    assert_int_equal(
        du_cli(&srv, out, sizeof out, "meeting", "change", held, "--place", "食堂", NULL), 1);
    assert_int_equal(du_cli(&srv, out, sizeof out, "meeting", "report", "--branch", "船闸支部",
                            "--quarter", "2020Q1", NULL),
                     0);
    assert_non_null(strstr(out, "党课\t已开 1 / 应开 1\t1月1日"));
}

/* api - method path with a bearer token (NULL: none) and body; the status, body into out. */
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

static void test_rest(void **state)
{
    (void)state;
    char li[64], zhao[64];
    token_of("1", li, sizeof li);
    token_of("5", zhao, sizeof zhao);
    set_now(start - 3600);
    assert_int_equal(api("GET", "/api/v1/meetings", NULL, NULL), 401);
    assert_int_equal(api("GET", "/api/v1/meetings", zhao, NULL), 200);
    assert_non_null(strstr(out, "\"upcoming\""));
    assert_non_null(strstr(out, "\"my_state\":\"present\""));
    assert_int_equal(api("POST", "/api/v1/meetings", zhao,
                         "{\"kind\":\"党课\",\"at\":\"2030-01-05 15:00\",\"place\":\"礼堂\"}"),
                     403);
    assert_int_equal(api("POST", "/api/v1/meetings", li,
                         "{\"kind\":\"茶话会\",\"at\":\"2030-01-05 15:00\",\"place\":\"礼堂\"}"),
                     400);
    assert_non_null(strstr(out, "\"field\":\"kind\""));
    assert_int_equal(api("POST", "/api/v1/meetings", li,
                         "{\"kind\":\"党课\",\"at\":\"2030-01-05 15:00\",\"place\":\"礼堂\"}"),
                     201);
    assert_non_null(strstr(out, "\"invited\":12"));
    long long id = db("SELECT max(id) FROM meetings");
    char path[96], leave[96];
    snprintf(path, sizeof path, "/api/v1/meetings/%lld", id);
    snprintf(leave, sizeof leave, "/api/v1/meetings/%lld/leave", id);
    assert_int_equal(api("POST", leave, zhao, "{}"), 400);
    assert_int_equal(api("POST", leave, zhao, "{\"reason\":\"出差\"}"), 200);
    assert_int_equal(api("PATCH", path, zhao, "{\"place\":\"二楼\"}"), 403);
    assert_int_equal(api("PATCH", path, li, "{\"place\":\"二楼\"}"), 200);
    assert_non_null(strstr(out, "二楼"));
    assert_int_equal(api("DELETE", path, li, NULL), 200);
    assert_int_equal(api("DELETE", path, li, NULL), 409);
    assert_int_equal(api("GET", "/api/v1/meetings/3/attendance", zhao, NULL), 403);
    assert_int_equal(api("GET", "/api/v1/meetings/3/attendance", li, NULL), 200);
    assert_non_null(strstr(out, "\"met\":false"));
    assert_non_null(strstr(out, "\"exempt\""));
    /* meeting 3 took place (check-ins, minutes): neither moved nor cancelled, and said why */
    assert_int_equal(api("PATCH", "/api/v1/meetings/3", li, "{\"place\":\"二楼\"}"), 409);
    assert_non_null(strstr(out, "已经开过"));
    assert_non_null(strstr(out, "\"field\":\"id\""));
    assert_int_equal(api("DELETE", "/api/v1/meetings/3", li, NULL), 409);
    assert_non_null(strstr(out, "已经开过"));
    assert_int_equal(db("SELECT count(*) FROM meetings WHERE id = 3 AND status = 'scheduled' AND "
                        "place = '三楼会议室'"),
                     1);
    /* empty minutes: the text is at fault, not the time */
    assert_int_equal(api("PUT", "/api/v1/meetings/3/minutes", li, "{\"text\":\"\"}"), 400);
    assert_non_null(strstr(out, "\"field\":\"text\""));
    assert_null(strstr(out, "时间"));
    assert_int_equal(api("PUT", "/api/v1/meetings/3/minutes", li, "{\"text\":\"三、表决。\"}"),
                     200);
    assert_non_null(strstr(out, "三、表决。"));
    assert_int_equal(api("GET", "/api/v1/meetings/report?quarter=bad", li, NULL), 400);
    assert_non_null(strstr(out, "\"field\":\"quarter\""));
    assert_int_equal(api("GET", "/api/v1/meetings/report?quarter=2020Q1", li, NULL), 200);
    assert_non_null(strstr(out, "\"held\":1"));
    assert_int_equal(api("POST", "/api/v1/meetings/999/checkin", zhao, "{}"), 404);
}

/* "好的" and "嗯" answer the confirmation: the draft is scheduled, not dropped as a 收到. */
static void test_yes_words_confirm(void **state)
{
    (void)state;
    long long before = db("SELECT count(*) FROM meetings");
    say_has("10001", "会议 周六 9:30 支委会 书记办公室", "回复 1 确认发出");
    say_has("10001", "好的", "已安排会议");
    assert_null(strstr(out, "好的，收到"));
    assert_int_equal(db("SELECT count(*) FROM meetings"), before + 1);
    say_has("10001", "会议 周日 9:30 支委会 书记办公室", "回复 1 确认发出");
    say_has("10001", "不用了", "已取消");
    assert_int_equal(db("SELECT count(*) FROM meetings"), before + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schedule_by_chat),
        cmocka_unit_test(test_member_checkin_leave_proxy),
        cmocka_unit_test(test_attendance_and_minutes),
        cmocka_unit_test(test_reminders_and_cancel),
        cmocka_unit_test(test_rest),
        cmocka_unit_test(test_yes_words_confirm),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
