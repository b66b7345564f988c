/*
 * tests/unit/webhook/qqbot.c - tests for webhook/qqbot.c (included, to reach its static
 * validation answer and delivery): V1's op 13 answer byte for byte, payload parsing for every
 * event kind, the op 13 input rules that keep it from signing a body, RFC 3339 times, and the
 * outbox rows of passive replies (msg_seq, windows, event ids, at most five).
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

#include "webhook/qq/qqbot.c"

#include "bot/store/store.h"
#include "tests/unit/unit_db.h"

static struct config cfg;

static int setup(void **state)
{
    (void)state;
    cfg.path = "test";
    cfg.qqbot.app_id = "11111111";
    cfg.qqbot.secret = "DG5g3B4j9X2KOErG";
    cfg.qqbot.group_prefix = "#";
    char err[256];
    if (qqbot_init(&cfg, err, sizeof err))
        return -1;
    return unit_db_open("qqbot");
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static int parse(const char *json, struct qqbot_payload *p)
{
    return qqbot_parse(json, strlen(json), p);
}

/* V1: the docs' validation request and the answer they expect. */
static void test_v1_validation_answer(void **state)
{
    (void)state;
    struct qqbot_payload p;
    assert_int_equal(
        parse("{\"d\":{\"plain_token\":\"Arq0D5A61EgUu4OxUvOp\",\"event_ts\":\"1725442341\"},"
              "\"op\":13}",
              &p),
        ZB_OK);
    assert_int_equal(p.what, QB_VALIDATE);
    struct http_response resp = {0};
    buf_init(&resp.body, 4096);
    validate(&p, &resp);
    assert_int_equal(resp.status, 200);
    assert_string_equal(buf_str(&resp.body),
                        "{\"plain_token\":\"Arq0D5A61EgUu4OxUvOp\",\"signature\":"
                        "\"87befc99c42c651b3aac0278e71ada338433ae26fcb24307bdc5ad38c1adc2d0"
                        "1bcfcadc0842edac85e85205028a1132afe09280305f13aa6909ffc2d652c706\"}");
    buf_free(&resp.body);
    qqbot_payload_free(&p);
    /* an old-style numeric event_ts is signed as its decimal text */
    assert_int_equal(parse("{\"d\":{\"plain_token\":\"Arq0D5A61EgUu4OxUvOp\",\"event_ts\":"
                           "1725442341},\"op\":13}",
                           &p),
                     ZB_OK);
    assert_string_equal(p.event_ts, "1725442341");
    qqbot_payload_free(&p);
}

/* op 13 never signs anything that could be a callback body (see qqbot.h). */
static void test_validation_inputs(void **state)
{
    (void)state;
    const char *bad[] = {
        "{\"d\":{\"plain_token\":\"{\\\"op\\\":0}\",\"event_ts\":\"1\"},\"op\":13}",
        "{\"d\":{\"plain_token\":\"a b\",\"event_ts\":\"1\"},\"op\":13}",
        "{\"d\":{\"plain_token\":\"\",\"event_ts\":\"1\"},\"op\":13}",
        "{\"d\":{\"plain_token\":\"abc\",\"event_ts\":\"1{\"},\"op\":13}",
        "{\"d\":{\"plain_token\":\"abc\",\"event_ts\":\"\"},\"op\":13}",
        "{\"d\":{\"plain_token\":\"abc\",\"event_ts\":-1},\"op\":13}",
        "{\"d\":{\"plain_token\":\"abc\",\"event_ts\":1.5},\"op\":13}",
        "{\"d\":{\"plain_token\":\"abc\"},\"op\":13}",
        "{\"d\":{\"event_ts\":\"1\"},\"op\":13}",
        "{\"op\":13}",
        "{\"d\":{\"plain_token\":\"x\",\"event_ts\":\"1\"},\"op\":\"13\"}",
        "{\"d\":{\"plain_token\":\"x\",\"event_ts\":\"1\"},\"op\":13.5}",
        "[]",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct qqbot_payload p;
        assert_int_equal(parse(bad[i], &p), ZB_EPARSE);
        qqbot_payload_free(&p);
    }
    char token[QQBOT_TOKEN_MAX + 2], json[400];
    memset(token, 'a', sizeof token - 1);
    token[sizeof token - 1] = '\0';
    snprintf(json, sizeof json, "{\"d\":{\"plain_token\":\"%s\",\"event_ts\":\"1\"},\"op\":13}",
             token);
    struct qqbot_payload p;
    assert_int_equal(parse(json, &p), ZB_EPARSE);
    qqbot_payload_free(&p);
    token[QQBOT_TOKEN_MAX] = '\0';
    snprintf(json, sizeof json, "{\"d\":{\"plain_token\":\"%s\",\"event_ts\":\"1\"},\"op\":13}",
             token);
    assert_int_equal(parse(json, &p), ZB_OK);
    qqbot_payload_free(&p);
}

static void test_messages(void **state)
{
    (void)state;
    struct qqbot_payload p;
    /* the docs' group example */
    assert_int_equal(
        parse("{\"op\":0,\"id\":\"GROUP_AT_MESSAGE_CREATE:abc\",\"s\":2,\"t\":"
              "\"GROUP_AT_MESSAGE_CREATE\",\"d\":{\"author\":{\"member_openid\":"
              "\"E4F4AEA33253A2797FB897C50B81D7ED\"},\"content\":\" 123\",\"group_openid\":"
              "\"C9F778FE6ADF9D1D1DBE395BF744A33A\",\"id\":\"ROBOT1.0_eBIyWnxpmSu6uLQ7u7fU0eGloKGYg"
              "4eEa737vRyKnMCgyZjKi7JLYkQ9B0VapbiY\",\"timestamp\":\"2023-11-06T13:37:18+08:00\"}}",
              &p),
        ZB_OK);
    assert_int_equal(p.what, QB_EVENT);
    assert_string_equal(p.type, "GROUP_AT_MESSAGE_CREATE");
    assert_string_equal(p.user, "E4F4AEA33253A2797FB897C50B81D7ED");
    assert_string_equal(p.group, "C9F778FE6ADF9D1D1DBE395BF744A33A");
    assert_string_equal(p.text, "123"); /* the space the stripped @ left is trimmed */
    assert_int_equal(p.kind, EV_TEXT);
    assert_true(p.addressed);
    assert_int_equal(p.time, 1699249038);
    assert_string_equal(p.event_id, "GROUP_AT_MESSAGE_CREATE:abc");
    qqbot_payload_free(&p);
    /* C2C, an image without text */
    assert_int_equal(parse("{\"op\":0,\"t\":\"C2C_MESSAGE_CREATE\",\"d\":{\"author\":{"
                           "\"user_openid\":\"U1\"},\"content\":\"\",\"id\":\"M1\","
                           "\"attachments\":[{\"content_type\":\"image/jpeg\",\"url\":"
                           "\"https://x/a.jpg\"}]}}",
                           &p),
                     ZB_OK);
    assert_null(p.group);
    assert_string_equal(p.user, "U1");
    assert_int_equal(p.kind, EV_IMAGE);
    assert_string_equal(p.text, "https://x/a.jpg");
    assert_int_equal(p.time, 0);
    qqbot_payload_free(&p);
    /* every group message: addressed only when it mentions us */
    assert_int_equal(parse("{\"op\":0,\"t\":\"GROUP_MESSAGE_CREATE\",\"d\":{\"author\":{"
                           "\"member_openid\":\"U2\"},\"content\":\"大家好\",\"id\":\"M2\","
                           "\"group_openid\":\"G\"}}",
                           &p),
                     ZB_OK);
    assert_false(p.addressed);
    qqbot_payload_free(&p);
    assert_int_equal(parse("{\"op\":0,\"t\":\"GROUP_MESSAGE_CREATE\",\"d\":{\"author\":{"
                           "\"member_openid\":\"U2\"},\"content\":\"帮助\",\"id\":\"M3\","
                           "\"group_openid\":\"G\",\"mentions\":[{\"is_you\":false},"
                           "{\"is_you\":true}]}}",
                           &p),
                     ZB_OK);
    assert_true(p.addressed);
    qqbot_payload_free(&p);
}

static void test_robot_events(void **state)
{
    (void)state;
    static const struct {
        const char *t, *d;
        enum event_kind kind;
        bool record_only, group;
    } cases[] = {
        {"GROUP_ADD_ROBOT",
         "{\"group_openid\":\"G\",\"op_member_openid\":\"OP\",\"timestamp\":1699240248}", EV_FOLLOW,
         false, true},
        {"GROUP_DEL_ROBOT", "{\"group_openid\":\"G\",\"op_member_openid\":\"OP\"}", EV_UNFOLLOW,
         true, true},
        {"GROUP_MSG_REJECT", "{\"group_openid\":\"G\",\"op_member_openid\":\"OP\"}", EV_OTHER, true,
         true},
        {"FRIEND_ADD", "{\"openid\":\"OP\",\"timestamp\":\"1699240248\"}", EV_FOLLOW, false, false},
        {"FRIEND_DEL", "{\"openid\":\"OP\"}", EV_UNFOLLOW, true, false},
        {"C2C_MSG_RECEIVE", "{\"openid\":\"OP\"}", EV_OTHER, true, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char json[512];
        snprintf(json, sizeof json, "{\"op\":0,\"id\":\"EV%zu\",\"t\":\"%s\",\"d\":%s}", i,
                 cases[i].t, cases[i].d);
        struct qqbot_payload p;
        assert_int_equal(parse(json, &p), ZB_OK);
        assert_int_equal(p.what, QB_EVENT);
        assert_int_equal(p.kind, cases[i].kind);
        assert_int_equal(p.record_only, cases[i].record_only);
        assert_int_equal(p.group != NULL, cases[i].group);
        assert_string_equal(p.user, "OP");
        if (i == 0 || i == 3)
            assert_int_equal(p.time, 1699240248);
        qqbot_payload_free(&p);
    }
    struct qqbot_payload p;
    assert_int_equal(parse("{\"op\":0,\"id\":\"I1\",\"t\":\"INTERACTION_CREATE\",\"d\":{"
                           "\"chat_type\":1,\"group_openid\":\"G\",\"group_member_openid\":"
                           "\"M\",\"data\":{\"resolved\":{\"button_data\":\"1\"}}}}",
                           &p),
                     ZB_OK);
    assert_true(p.record_only);
    assert_string_equal(p.user, "M");
    assert_string_equal(p.group, "G");
    assert_string_equal(p.text, "1");
    qqbot_payload_free(&p);
    /* events zhibu does not use, and other ops, are acknowledged */
    const char *ignored[] = {"{\"op\":0,\"t\":\"AT_MESSAGE_CREATE\",\"d\":{}}",
                             "{\"op\":1,\"d\":3}", "{\"op\":0,\"d\":{}}"};
    for (size_t i = 0; i < sizeof ignored / sizeof *ignored; i++) {
        assert_int_equal(parse(ignored[i], &p), ZB_OK);
        assert_int_equal(p.what, QB_IGNORE);
        qqbot_payload_free(&p);
    }
    /* events we use must carry their ids */
    const char *bad[] = {
        "{\"op\":0,\"t\":\"C2C_MESSAGE_CREATE\",\"d\":{\"author\":{},\"id\":\"M\"}}",
        "{\"op\":0,\"t\":\"C2C_MESSAGE_CREATE\",\"d\":{\"author\":{\"user_openid\":\"U\"}}}",
        "{\"op\":0,\"t\":\"GROUP_AT_MESSAGE_CREATE\",\"d\":{\"author\":{\"member_openid\":"
        "\"U\"},\"id\":\"M\"}}",
        "{\"op\":0,\"t\":\"GROUP_ADD_ROBOT\",\"d\":{\"op_member_openid\":\"U\"}}",
        "{\"op\":0,\"t\":\"FRIEND_ADD\",\"d\":{\"openid\":\"a b\"}}",
        "{\"op\":0,\"t\":\"FRIEND_ADD\",\"d\":{\"openid\":7}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(parse(bad[i], &p), ZB_EPARSE);
        qqbot_payload_free(&p);
    }
}

static void test_times(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(qqbot_parse_time("2023-11-06T13:37:18+08:00", &t), ZB_OK);
    assert_int_equal(t, 1699249038);
    assert_int_equal(qqbot_parse_time("2023-11-06T05:37:18Z", &t), ZB_OK);
    assert_int_equal(t, 1699249038);
    assert_int_equal(qqbot_parse_time("2023-11-06T05:37:18.123456Z", &t), ZB_OK);
    assert_int_equal(t, 1699249038);
    assert_int_equal(qqbot_parse_time("2023-11-05T21:37:18-08:00", &t), ZB_OK);
    assert_int_equal(t, 1699249038);
    const char *bad[] = {"",
                         "2023-11-06",
                         "2023-11-06T13:37:18",
                         "2023-13-06T13:37:18Z",
                         "2023-11-06T24:37:18Z",
                         "2023-11-06T13:37:18+0800",
                         "2023-11-06T13:37:18+08:00x",
                         "2023-11-06T13:37:18.Z",
                         "20a3-11-06T13:37:18Z"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(qqbot_parse_time(bad[i], &t), ZB_EPARSE);
}

static int deliver_text(struct qqbot_payload *p, const char *key, const char *text, int64_t now,
                        int *pushed)
{
    struct event ev = {.platform = PLATFORM_QQBOT,
                       .account = "11111111",
                       .user = p->user,
                       .group = p->group,
                       .msg_key = key,
                       .text = ""};
    struct reply r = {0};
    reply_text(&r, text);
    struct delivery d = {.cfg = &cfg, .p = p};
    assert_int_equal(store_begin(), ZB_OK);
    int rc = deliver(&d, &ev, &r, now);
    assert_int_equal(store_commit(), ZB_OK);
    reply_free(&r);
    *pushed = d.pushed;
    return rc;
}

static void test_passive_rows(void **state)
{
    (void)state;
    int n;
    /* group message: one row, msg_id + seq 1, window 5 minutes from the message */
    struct qqbot_payload p = {.msg_id = "M10", .user = "U", .group = "G", .time = 1700000000};
    assert_int_equal(deliver_text(&p, "qq:1:M10", "你好", 1700000030, &n), ZB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(
        unit_db_int("SELECT count(*) FROM outbox WHERE idem_key='qq:1:M10#1' AND "
                    "rcpt='qqbot_group' AND to_id='G' AND reply_to='M10' AND seq=1 AND "
                    "data_json IS NULL AND text='你好' AND expires_at=1700000300"),
        1);
    /* C2C: 60 minutes; a message time from the future counts as now */
    struct qqbot_payload c = {.msg_id = "M11", .user = "U", .time = 1800000000};
    assert_int_equal(deliver_text(&c, "qq:1:M11", "好", 1700000000, &n), ZB_OK);
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE idem_key='qq:1:M11#1' AND "
                                 "rcpt='qqbot_user' AND to_id='U' AND expires_at=1700003600"),
                     1);
    /* a long answer: parts with msg_seq 1..5 and never more */
    struct buf b;
    buf_init(&b, 1 << 20);
    for (int i = 0; i < 100; i++)
        assert_int_equal(
            buf_appendf(&b, "第%03d行 %s\n", i,
                        "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"
                        "二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"),
            ZB_OK);
    struct qqbot_payload l = {.msg_id = "M12", .user = "U", .group = "G", .time = 1700000000};
    assert_int_equal(deliver_text(&l, "qq:1:M12", buf_str(&b), 1700000001, &n), ZB_OK);
    assert_int_equal(n, 5);
    assert_int_equal(
        unit_db_int("SELECT count(*) FROM outbox WHERE reply_to='M12' AND seq BETWEEN 1 "
                    "AND 5 AND expires_at=1700000300"),
        5);
    assert_int_equal(unit_db_int("SELECT count(DISTINCT seq) FROM outbox WHERE reply_to='M12'"), 5);
    assert_int_equal(
        unit_db_int("SELECT max(length(text)) <= 1500 FROM outbox WHERE reply_to='M12'"), 1);
    /* the welcome on FRIEND_ADD is a passive reply to the event: reply_to "event:ID" */
    struct qqbot_payload w = {
        .event_id = "EV0", .user = "OP1", .type = "FRIEND_ADD", .time = 1700000000};
    assert_int_equal(deliver_text(&w, "qq:1:w", "欢迎", 1700000000, &n), ZB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE idem_key='qq:1:w#1' AND "
                                 "reply_to='event:EV0' AND seq=1 AND rcpt='qqbot_user' AND "
                                 "to_id='OP1' AND expires_at=1700003600"),
                     1);
    /* any other event has nothing to answer passively: nothing without active push; one
     * active message with it, however long the text */
    struct qqbot_payload a = {.event_id = "EV1", .user = "OP2", .type = "C2C_MSG_RECEIVE"};
    assert_int_equal(deliver_text(&a, "qq:1:x", "欢迎", 1700000000, &n), ZB_OK);
    assert_int_equal(n, 0);
    cfg.qqbot.active_push = true;
    assert_int_equal(deliver_text(&a, "qq:1:x", buf_str(&b), 1700000000, &n), ZB_OK);
    cfg.qqbot.active_push = false;
    assert_int_equal(n, 1);
    assert_int_equal(
        unit_db_int("SELECT count(*) FROM outbox WHERE idem_key='qq:1:x#1' AND reply_to "
                    "IS NULL AND data_json IS NULL AND expires_at=0 AND "
                    "rcpt='qqbot_user' AND to_id='OP2'"),
        1);
    buf_free(&b);
    /* nothing to say: nothing queued */
    struct qqbot_payload s = {.msg_id = "M13", .user = "U"};
    struct event ev = {.platform = PLATFORM_QQBOT, .user = "U", .msg_key = "qq:1:M13"};
    struct reply none = {0};
    struct delivery d = {.cfg = &cfg, .p = &s};
    assert_int_equal(deliver(&d, &ev, &none, 1700000000), ZB_OK);
    assert_int_equal(d.pushed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v1_validation_answer),
        cmocka_unit_test(test_validation_inputs),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_robot_events),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_passive_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
