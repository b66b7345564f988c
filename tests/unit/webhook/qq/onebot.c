/*
 * tests/unit/webhook/onebot.c - tests for webhook/onebot.c (included, to reach its static
 * delivery and rendering): report parsing in both message forms, @ detection, ids, notices and
 * what is ignored; the quick-operation JSON; the outbox rows of a long answer.
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

#include "webhook/qq/onebot.c"

#include "bot/store/store.h"
#include "tests/unit/unit_db.h"

static int setup(void **state)
{
    (void)state;
    return unit_db_open("onebot");
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static int parse(const char *json, struct onebot_report *r)
{
    return onebot_parse(json, strlen(json), r);
}

static void test_private_string(void **state)
{
    (void)state;
    struct onebot_report r;
    /* the spec's example (qq.md V5 body) */
    assert_int_equal(
        parse("{\"time\":1515204254,\"self_id\":10001000,\"post_type\":\"message\","
              "\"message_type\":\"private\",\"sub_type\":\"friend\",\"message_id\":12,"
              "\"user_id\":12345678,\"message\":\"你好～\",\"raw_message\":\"你好～\","
              "\"font\":456,\"sender\":{\"nickname\":\"小不点\",\"sex\":\"male\",\"age\":18}}",
              &r),
        ZB_OK);
    assert_int_equal(r.what, OB_MESSAGE);
    assert_string_equal(r.self_id, "10001000");
    assert_string_equal(r.user, "12345678");
    assert_string_equal(r.group, "");
    assert_string_equal(r.message_id, "12");
    assert_int_equal(r.time, 1515204254);
    assert_int_equal(r.kind, EV_TEXT);
    assert_string_equal(r.text, "你好～");
    assert_false(r.at_me);
    onebot_report_free(&r);
}

static void test_group_at_forms(void **state)
{
    (void)state;
    struct onebot_report r;
    /* string form: at of the bot, escaped text, an at of someone else, a reply quote */
    assert_int_equal(parse("{\"self_id\":10001000,\"post_type\":\"message\",\"message_type\":"
                           "\"group\",\"message_id\":-5,\"user_id\":1,\"group_id\":555,"
                           "\"message\":\"[CQ:reply,id=9][CQ:at,qq=10001000]  &#91;x&#93; "
                           "&amp;data [CQ:at,qq=42][CQ:at,qq=all]\"}",
                           &r),
                     ZB_OK);
    assert_int_equal(r.what, OB_MESSAGE);
    assert_string_equal(r.message_id, "-5");
    assert_string_equal(r.group, "555");
    assert_true(r.at_me);
    assert_string_equal(r.text, "[x] &data @42@全体成员");
    assert_string_equal(r.quote_id, "9");
    onebot_report_free(&r);
    /* array form: values are not unescaped; ids as strings */
    assert_int_equal(parse("{\"self_id\":\"10001000\",\"post_type\":\"message\",\"message_type\":"
                           "\"group\",\"message_id\":\"7\",\"user_id\":\"2\",\"group_id\":\"555\","
                           "\"message\":[{\"type\":\"at\",\"data\":{\"qq\":\"10001000\"}},"
                           "{\"type\":\"text\",\"data\":{\"text\":\"　帮助 &amp; \"}}]}",
                           &r),
                     ZB_OK);
    assert_true(r.at_me);
    assert_string_equal(r.text, "帮助 &amp;");
    assert_string_equal(r.quote_id, "");
    onebot_report_free(&r);
    /* array form with a reply segment: the quoted id is kept, the text is the rest */
    assert_int_equal(parse("{\"self_id\":\"10001000\",\"post_type\":\"message\",\"message_type\":"
                           "\"group\",\"message_id\":\"8\",\"user_id\":\"2\",\"group_id\":\"555\","
                           "\"message\":[{\"type\":\"reply\",\"data\":{\"id\":\"-123\"}},"
                           "{\"type\":\"text\",\"data\":{\"text\":\"收到\"}}]}",
                           &r),
                     ZB_OK);
    assert_false(r.at_me);
    assert_string_equal(r.quote_id, "-123");
    assert_string_equal(r.text, "收到");
    onebot_report_free(&r);
    /* "message" neither string nor array: raw_message is used */
    assert_int_equal(parse("{\"self_id\":3,\"post_type\":\"message\",\"message_type\":"
                           "\"private\",\"message_id\":1,\"user_id\":2,\"message\":null,"
                           "\"raw_message\":\"1\"}",
                           &r),
                     ZB_OK);
    assert_string_equal(r.text, "1");
    onebot_report_free(&r);
}

static void test_kinds(void **state)
{
    (void)state;
    static const struct {
        const char *message;
        enum event_kind kind;
        const char *text;
    } cases[] = {
        {"[CQ:image,file=a.jpg,url=http://x/a.jpg]", EV_IMAGE, "http://x/a.jpg"},
        {"[CQ:record,file=a.silk]", EV_VOICE, ""},
        {"[CQ:face,id=14]", EV_TEXT, "[表情]"}, /* a face alone is a nod */
        {"[CQ:video,file=a.mp4]", EV_MEDIA, ""},
        {"[CQ:share,url=http://a,title=标题&#44;二]", EV_LINK, "标题,二"},
        {"[CQ:location,lat=1,lon=2,title=会场]", EV_LOCATION, "会场"},
        {"看图[CQ:image,file=a.jpg]", EV_TEXT, "看图"},
        {"[CQ:at,qq=3]", EV_TEXT, ""}, /* only an @ of the bot */
        {"   ", EV_TEXT, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char json[512];
        snprintf(json, sizeof json,
                 "{\"self_id\":3,\"post_type\":\"message\",\"message_type\":\"private\","
                 "\"message_id\":1,\"user_id\":2,\"message\":\"%s\"}",
                 cases[i].message);
        struct onebot_report r;
        assert_int_equal(parse(json, &r), ZB_OK);
        assert_int_equal(r.kind, cases[i].kind);
        assert_string_equal(r.text, cases[i].text);
        onebot_report_free(&r);
    }
}

static void test_ignored_and_notices(void **state)
{
    (void)state;
    struct onebot_report r;
    const char *ignored[] = {
        "{\"self_id\":3,\"post_type\":\"meta_event\",\"meta_event_type\":\"heartbeat\"}",
        "{\"self_id\":3,\"post_type\":\"request\",\"request_type\":\"friend\"}",
        "{\"self_id\":3,\"post_type\":\"message_sent\",\"message_type\":\"group\"}",
        "{\"self_id\":3,\"post_type\":\"notice\",\"notice_type\":\"group_recall\"}",
        /* our own message */
        "{\"self_id\":3,\"post_type\":\"message\",\"message_type\":\"private\","
        "\"message_id\":1,\"user_id\":3,\"message\":\"x\"}",
        "{\"self_id\":3,\"post_type\":\"message\",\"message_type\":\"guild\","
        "\"message_id\":1,\"user_id\":4,\"message\":\"x\"}",
    };
    for (size_t i = 0; i < sizeof ignored / sizeof *ignored; i++) {
        assert_int_equal(parse(ignored[i], &r), ZB_OK);
        assert_int_equal(r.what, OB_IGNORE);
        assert_true(*r.why);
        onebot_report_free(&r);
    }
    assert_int_equal(parse("{\"time\":1700000000,\"self_id\":3,\"post_type\":\"notice\","
                           "\"notice_type\":\"group_increase\",\"sub_type\":\"approve\","
                           "\"group_id\":555,\"operator_id\":1,\"user_id\":777}",
                           &r),
                     ZB_OK);
    assert_int_equal(r.what, OB_JOIN);
    assert_string_equal(r.group, "555");
    assert_string_equal(r.user, "777");
    assert_string_equal(r.notice, "group_increase");
    onebot_report_free(&r);
    assert_int_equal(parse("{\"self_id\":3,\"post_type\":\"notice\",\"notice_type\":"
                           "\"group_decrease\",\"sub_type\":\"leave\",\"group_id\":555,"
                           "\"operator_id\":777,\"user_id\":777}",
                           &r),
                     ZB_OK);
    assert_int_equal(r.what, OB_LEAVE);
    onebot_report_free(&r);
    assert_int_equal(parse("{\"self_id\":3,\"post_type\":\"notice\",\"notice_type\":"
                           "\"friend_add\",\"user_id\":8}",
                           &r),
                     ZB_OK);
    assert_int_equal(r.what, OB_FRIEND);
    onebot_report_free(&r);
    /* anonymous and system-notice group messages are recorded only */
    assert_int_equal(parse("{\"self_id\":3,\"post_type\":\"message\",\"message_type\":\"group\","
                           "\"sub_type\":\"anonymous\",\"anonymous\":{\"id\":1,\"name\":\"a\"},"
                           "\"message_id\":1,\"user_id\":80000000,\"group_id\":5,"
                           "\"message\":\"帮助\"}",
                           &r),
                     ZB_OK);
    assert_true(r.anonymous);
    onebot_report_free(&r);
}

static void test_rejected(void **state)
{
    (void)state;
    const char *bad[] = {
        "",
        "[]",
        "{}",
        "{\"post_type\":\"message\"}",                  /* no self_id */
        "{\"self_id\":0,\"post_type\":\"meta_event\"}", /* ids are positive */
        "{\"self_id\":1.5,\"post_type\":\"meta_event\"}",
        "{\"self_id\":1e300,\"post_type\":\"meta_event\"}",
        "{\"self_id\":\"01\",\"post_type\":\"meta_event\"}",
        "{\"self_id\":\"12345678901234567890\",\"post_type\":\"meta_event\"}",
        "{\"self_id\":3,\"post_type\":7}",
        "{\"self_id\":3,\"post_type\":\"message\",\"message_type\":\"private\","
        "\"user_id\":2,\"message\":\"x\"}", /* no message_id */
        "{\"self_id\":3,\"post_type\":\"message\",\"message_type\":\"group\","
        "\"message_id\":1,\"user_id\":2,\"message\":\"x\"}", /* no group_id */
        "{\"self_id\":3,\"post_type\":\"message\",\"message_type\":\"private\","
        "\"message_id\":1,\"user_id\":2}", /* no message */
        "{\"self_id\":3,\"post_type\":\"message\",\"message_type\":\"private\","
        "\"message_id\":1,\"user_id\":2,\"message\":[{\"data\":{}}]}",
        "{\"self_id\":3,\"post_type\":\"notice\",\"notice_type\":\"group_increase\","
        "\"user_id\":2}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct onebot_report r;
        assert_int_equal(onebot_parse(bad[i], strlen(bad[i]), &r), ZB_EPARSE);
        onebot_report_free(&r);
    }
}

static char *quick(const char *text, bool group)
{
    struct reply r = {0};
    reply_text(&r, text);
    struct http_response resp = {0};
    buf_init(&resp.body, 1 << 20);
    assert_int_equal(render_quick(&r, group, &resp), ZB_OK);
    char *out = resp.status == 204 ? strdup("204") : buf_steal(&resp.body);
    assert_true(resp.status == 204 || resp.status == 200);
    buf_free(&resp.body);
    reply_free(&r);
    return out;
}

static void test_quick_operation(void **state)
{
    (void)state;
    char *s = quick("你好 [x] & \"引号\"\n第二行", true);
    assert_string_equal(s, "{\"reply\":[{\"type\":\"text\",\"data\":{\"text\":\"你好 [x] & "
                           "\\\"引号\\\"\\n第二行\"}}],\"at_sender\":true}");
    free(s);
    s = quick("私聊", false);
    assert_string_equal(s, "{\"reply\":[{\"type\":\"text\",\"data\":{\"text\":\"私聊\"}}]}");
    free(s);
    struct reply none = {0};
    struct http_response resp = {0};
    buf_init(&resp.body, 1024);
    assert_int_equal(render_quick(&none, true, &resp), ZB_OK);
    assert_int_equal(resp.status, 204);
    assert_int_equal(resp.body.len, 0);
    buf_free(&resp.body);
}

/* long_text - n lines of 99 characters each ("第NNN行" and x's): 15 lines and their 14
 * newlines are 1,499 characters, one part. */
static char *long_text(int n)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    for (int i = 0; i < n; i++) {
        assert_int_equal(buf_appendf(&b, "第%03d行", i), ZB_OK);
        for (int k = 0; k < 94; k++)
            assert_int_equal(buf_append(&b, "x", 1), ZB_OK);
        if (i + 1 < n)
            assert_int_equal(buf_append(&b, "\n", 1), ZB_OK);
    }
    return buf_steal(&b);
}

static long long q_int(const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(store_db(), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void test_long_answer_rows(void **state)
{
    (void)state;
    char *text = long_text(40); /* 3,999 characters: 3 parts (15, 15 and 10 lines) */
    struct reply r = {0};
    reply_text(&r, text);
    struct event ev = {
        .platform = PLATFORM_ONEBOT, .user = "1", .group = "555", .msg_key = "ob:3:77", .text = ""};
    struct delivery d = {.quick = true};
    assert_int_equal(store_begin(), ZB_OK);
    int64_t now = (int64_t)time(NULL) + 1000; /* not_before in the past would become now */
    assert_int_equal(deliver(&d, &ev, &r, now), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    assert_int_equal(d.pushed, 2); /* part 1 is the quick reply */
    assert_int_equal(q_int("SELECT count(*) FROM outbox WHERE idem_key LIKE 'ob:3:77#%'"), 2);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM outbox WHERE idem_key='ob:3:77#2' AND seq=0 AND "
             "rcpt='onebot_group' AND to_id='555' AND kind='reply' AND not_before=%lld AND "
             "expires_at=%lld",
             (long long)now + 2, (long long)now + 600);
    assert_int_equal(q_int(sql), 1);
    assert_int_equal(q_int("SELECT count(*) FROM outbox WHERE idem_key='ob:3:77#3' "
                           "AND text LIKE '第030行%' AND text LIKE '%第039行%'"),
                     1);
    /* the quick reply is part 1: lines 0..14, under 1,500 characters */
    char *s = quick(text, true);
    assert_non_null(strstr(s, "第000行"));
    assert_non_null(strstr(s, "第014行"));
    assert_null(strstr(s, "第015行"));
    free(s);
    /* parts 1..3 together are the whole text, cut at lines */
    assert_int_equal(q_int("SELECT count(*) FROM outbox WHERE idem_key='ob:3:77#2' AND "
                           "text LIKE '第015行%' AND text LIKE '%第029行%' AND "
                           "text NOT LIKE '%第030行%' AND text NOT LIKE '%' || char(10)"),
                     1);
    /* the same event delivered again queues nothing new (idempotency keys) */
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(deliver(&d, &ev, &r, now + 100), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    assert_int_equal(q_int("SELECT count(*) FROM outbox WHERE idem_key LIKE 'ob:3:77#%'"), 2);
    /* a notice (no quick operation) and a private chat: every part, to the user */
    struct event pev = {.platform = PLATFORM_ONEBOT, .user = "9", .msg_key = "ob:3:n", .text = ""};
    struct delivery nd = {.quick = false};
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(deliver(&nd, &pev, &r, 1700000000), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    assert_int_equal(nd.pushed, 3);
    assert_int_equal(q_int("SELECT count(*) FROM outbox WHERE idem_key LIKE 'ob:3:n#%' AND "
                           "rcpt='onebot_user' AND to_id='9' AND not_before=created_at"),
                     3);
    reply_free(&r);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_private_string),
        cmocka_unit_test(test_group_at_forms),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_ignored_and_notices),
        cmocka_unit_test(test_rejected),
        cmocka_unit_test(test_quick_operation),
        cmocka_unit_test(test_long_answer_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
