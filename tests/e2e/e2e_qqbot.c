/*
 * e2e_qqbot.c - the QQ open-platform webhook (/qq/bot) against the real binary: V1's URL
 * validation byte for byte, every bad-signature case, group and C2C messages answered by
 * passive replies that the outbox's sender delivers to the fake platform (msg_id and msg_seq,
 * the window), the robot, friend and interaction events, a re-delivered event, per-group rules,
 * identities per platform, and `zhibu say --platform qqbot`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tests/e2e/qq_util.h"

#define ACK           "{\"op\":12,\"d\":0}"
#define FALLBACK      "抱歉，没看懂您的意思。"
#define GROUP_OPENID  "C9F778FE6ADF9D1D1DBE395BF744A33A"
#define MEMBER_OPENID "E4F4AEA33253A2797FB897C50B81D7ED"
#define V1_REQUEST                                                                                 \
    "{\"d\":{\"plain_token\":\"Arq0D5A61EgUu4OxUvOp\",\"event_ts\":\"1725442341\"},\"op\":13}"
#define V1_ANSWER                                                                                  \
    "{\"plain_token\":\"Arq0D5A61EgUu4OxUvOp\",\"signature\":\"87befc99c42c651b3aac0278e71ada33"   \
    "8433ae26fcb24307bdc5ad38c1adc2d01bcfcadc0842edac85e85205028a1132afe09280305f13aa6909ffc2d652" \
    "c"                                                                                            \
    "706\"}"

static struct qq_env env;
static struct e2e_server *srv;
static int next_id;

static int setup(void **state)
{
    (void)state;
    next_id = (int)(time(NULL) % 100000) * 100;
    if (qq_env_up(&env, NULL, NULL))
        return -1;
    srv = env.srv;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return qq_env_down(&env) == 0 ? 0 : -1;
}

static void msg_id(char out[64])
{
    snprintf(out, 64, "ROBOT1.0_e2e%08d", ++next_id);
}

/* post - body signed as sig says; the status (the body must be the ACK when 200). */
static long post(const char *body, enum qb_sig sig)
{
    struct e2e_resp r;
    qb_post(srv, body, sig, &r);
    long st = r.status;
    if (st == 200)
        assert_string_equal(r.body, ACK);
    e2e_resp_free(&r);
    return st;
}

static long long events(void)
{
    return e2e_db_int(srv, "SELECT count(*) FROM events");
}

static void test_v1_validation(void **state)
{
    (void)state;
    /* unsigned, as in the docs' example request */
    struct e2e_resp r;
    const char *h[] = {"Content-Type: application/json", "User-Agent: QQBot-Callback",
                       "X-Bot-Appid: " QQ_APPID, NULL};
    qq_post(srv, "/qq/bot", h, V1_REQUEST, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, V1_ANSWER);
    e2e_resp_free(&r);
    /* signed, as botgo implies the platform also does */
    qb_post(srv, V1_REQUEST, QB_SIGNED, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, V1_ANSWER);
    e2e_resp_free(&r);
    /* signed wrongly: refused, not answered */
    qb_post(srv, V1_REQUEST, QB_WRONG_KEY, &r);
    assert_int_equal(r.status, 401);
    assert_not_contains(r.body, "87befc99");
    e2e_resp_free(&r);
    /* a plain_token that could make the answer sign a callback body is refused */
    qq_post(
        srv, "/qq/bot", h,
        "{\"d\":{\"plain_token\":\"{\\\"op\\\":0,\\\"d\\\":{}}\",\"event_ts\":\"1\"},\"op\":13}",
        &r);
    assert_int_equal(r.status, 400);
    e2e_resp_free(&r);
}

static void test_bad_signatures(void **state)
{
    (void)state;
    long long before = events();
    char id[64];
    msg_id(id);
    char *body = qb_message(MEMBER_OPENID, GROUP_OPENID, id, " 帮助", (long long)time(NULL));
    static const struct {
        enum qb_sig sig;
        long status;
    } cases[] = {{QB_UNSIGNED, 401}, {QB_WRONG_KEY, 401}, {QB_OTHER_BODY, 401}, {QB_OTHER_TS, 401},
                 {QB_ONLY_SIG, 401}, {QB_HIGH_BITS, 401}, {QB_OTHER_APP, 403}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(post(body, cases[i].sig), cases[i].status);
    assert_int_equal(events(), before);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM outbox WHERE reply_to=%Q", id), 0);
    /* the same request signed rightly goes through */
    assert_int_equal(post(body, QB_SIGNED), 200);
    assert_int_equal(events(), before + 1);
    free(body);
    /* signed but not a payload */
    assert_int_equal(post("not json", QB_SIGNED), 400);
    assert_int_equal(
        post("{\"op\":0,\"t\":\"C2C_MESSAGE_CREATE\",\"d\":{\"id\":\"x\"}}", QB_SIGNED), 400);
    struct e2e_resp r;
    e2e_http(srv, "GET", "/qq/bot", NULL, 0, 0, &r);
    assert_int_equal(r.status, 405);
    e2e_resp_free(&r);
}

/* wait_record - the fake got a passive reply with msg_id id and seq (waiting ms at most); its
 * text into text (size n). */
static bool wait_record(const char *api, const char *to, const char *id, long seq, char *text,
                        size_t n, int ms)
{
    for (int i = 0; i <= ms / 50; i++) {
        size_t cnt = 0;
        struct du_rec *recs = du_records(&env.fake, &cnt);
        bool found = false;
        for (size_t k = 0; k < cnt && !found; k++) {
            found = strcmp(recs[k].api, api) == 0 && strcmp(recs[k].to, to) == 0 &&
                    strcmp(recs[k].key, id) == 0 && recs[k].seq == seq;
            if (found)
                snprintf(text, n, "%s", recs[k].text);
        }
        free(recs);
        if (found)
            return true;
        e2e_sleep_ms(50);
    }
    return false;
}

static void test_group_message(void **state)
{
    (void)state;
    char id[64], text[300];
    msg_id(id);
    long long t = (long long)time(NULL) - 30;
    char *body = qb_message(MEMBER_OPENID, GROUP_OPENID, id, " 帮助", t);
    assert_int_equal(post(body, QB_SIGNED), 200);
    free(body);
    /* logged under the platform's message id, scoped to the bot */
    assert_int_equal(e2e_db_int(srv,
                                "SELECT count(*) FROM events WHERE msg_key=%Q AND "
                                "platform='qqbot' AND account=%Q AND user_id=%Q AND group_id=%Q "
                                "AND text='帮助' AND handler='help'",
                                id, QQ_APPID, MEMBER_OPENID, GROUP_OPENID),
                     1);
    /* one passive reply: msg_id, msg_seq 1, expiring 5 minutes after the message */
    assert_int_equal(e2e_db_int(srv,
                                "SELECT count(*) FROM outbox WHERE reply_to=%Q AND seq=1 AND "
                                "rcpt='qqbot_group' AND to_id=%Q AND expires_at=%lld AND "
                                "kind='reply'",
                                id, GROUP_OPENID, t + 300),
                     1);
    /* and the sender delivers it to the platform as a passive reply */
    assert_true(wait_record("qqbot_group", GROUP_OPENID, id, 1, text, sizeof text, 5000));
    assert_contains(text, E2E_MENU_HEAD);
}

static void test_c2c_message(void **state)
{
    (void)state;
    char id[64], text[300];
    msg_id(id);
    long long t = (long long)time(NULL);
    char *body = qb_message("USEROPENID0000000000000000000001", NULL, id, "今天开会吗", t);
    assert_int_equal(post(body, QB_SIGNED), 200);
    free(body);
    assert_int_equal(e2e_db_int(srv,
                                "SELECT count(*) FROM outbox WHERE reply_to=%Q AND seq=1 AND "
                                "rcpt='qqbot_user' AND expires_at=%lld",
                                id, t + 3600),
                     1);
    assert_true(wait_record("qqbot_c2c", "USEROPENID0000000000000000000001", id, 1, text,
                            sizeof text, 5000));
    assert_contains(text, FALLBACK);
    /* member_openid and user_openid are identities of their own, on platform qqbot */
    assert_int_equal(e2e_db_int(srv,
                                "SELECT count(*) FROM identities WHERE platform='qqbot' AND "
                                "account=%Q AND ext_id IN (%Q, 'USEROPENID0000000000000000000001')",
                                QQ_APPID, MEMBER_OPENID),
                     2);
}

static void test_window_passed(void **state)
{
    (void)state;
    /* a message older than the group window: the reply is queued expired, never sent */
    char id[64], text[300];
    msg_id(id);
    long long t = (long long)time(NULL) - 600;
    char *body = qb_message(MEMBER_OPENID, GROUP_OPENID, id, " 帮助", t);
    assert_int_equal(post(body, QB_SIGNED), 200);
    free(body);
    assert_int_equal(e2e_db_int(srv,
                                "SELECT count(*) FROM outbox WHERE reply_to=%Q AND expires_at=%lld",
                                id, t + 300),
                     1);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox WHERE reply_to='%s' AND status='failed'",
             id);
    bool failed = false;
    for (int i = 0; i < 100 && !failed; i++) {
        failed = e2e_db_int(srv, "%s", sql) == 1;
        if (!failed)
            e2e_sleep_ms(50);
    }
    assert_true(failed);
    assert_false(wait_record("qqbot_group", GROUP_OPENID, id, 1, text, sizeof text, 0));
}

static void test_events(void **state)
{
    (void)state;
    long long before = events();
    char d[256];
    long long t = (long long)time(NULL);
    snprintf(d, sizeof d,
             "{\"group_openid\":\"GROUPB000000000000000000000000001\",\"op_member_openid\":\"%s\","
             "\"timestamp\":%lld}",
             MEMBER_OPENID, t);
    const char *kinds[][3] = {
        {"GROUP_ADD_ROBOT", "EVADD1", "follow"},
        {"GROUP_DEL_ROBOT", "EVDEL1", "unfollow"},
        {"GROUP_MSG_REJECT", "EVREJ1", "other"},
        {"GROUP_MSG_RECEIVE", "EVREC1", "other"},
    };
    for (size_t i = 0; i < 4; i++) {
        char *body = qb_event(kinds[i][0], kinds[i][1], d);
        assert_int_equal(post(body, QB_SIGNED), 200);
        free(body);
        assert_int_equal(e2e_db_int(srv,
                                    "SELECT count(*) FROM events WHERE msg_key='qq:%s:ev:%s' AND "
                                    "kind=%Q AND group_id='GROUPB000000000000000000000000001'",
                                    QQ_APPID, kinds[i][1], kinds[i][2]),
                         1);
    }
    /* the welcome is a passive reply to the event (event_id), queued once; the other group
     * events are answered with nothing */
    assert_int_equal(e2e_db_int(srv,
                                "SELECT count(*) FROM events WHERE msg_key='qq:%s:ev:EVADD1' "
                                "AND handler='welcome' AND reply LIKE '%%绑定%%'",
                                QQ_APPID),
                     1);
    assert_int_equal(
        e2e_db_int(srv,
                   "SELECT count(*) FROM outbox WHERE to_id='GROUPB000000000000000000000000001'"),
        1);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM outbox WHERE rcpt='qqbot_group' AND "
                                     "to_id='GROUPB000000000000000000000000001' AND "
                                     "reply_to='event:EVADD1' AND seq=1 AND text LIKE '%%绑定%%'"),
                     1);
    char sent[256];
    assert_true(wait_record("qqbot_group", "GROUPB000000000000000000000000001", "event:EVADD1", 1,
                            sent, sizeof sent, 5000)); /* delivered with event_id */
    assert_contains(sent, "绑定");
    const char *friends[][3] = {{"FRIEND_ADD", "EVF1", "follow"},
                                {"FRIEND_DEL", "EVF2", "unfollow"},
                                {"C2C_MSG_REJECT", "EVF3", "other"}};
    for (size_t i = 0; i < 3; i++) {
        char *body = qb_event(friends[i][0], friends[i][1],
                              "{\"openid\":\"FRIENDOPENID00000000000000000001\",\"timestamp\":"
                              "\"1699240248\"}");
        assert_int_equal(post(body, QB_SIGNED), 200);
        free(body);
        assert_int_equal(e2e_db_int(srv,
                                    "SELECT count(*) FROM events WHERE msg_key='qq:%s:ev:%s' AND "
                                    "kind=%Q AND group_id IS NULL",
                                    QQ_APPID, friends[i][1], friends[i][2]),
                         1);
    }
    /* a button: acknowledged and recorded with its data, nothing answered */
    char *body = qb_event("INTERACTION_CREATE", "EVI1",
                          "{\"id\":\"EVI1\",\"type\":11,\"chat_type\":2,\"user_openid\":"
                          "\"FRIENDOPENID00000000000000000001\",\"data\":{\"resolved\":{"
                          "\"button_data\":\"1\",\"button_id\":\"b1\"}}}");
    assert_int_equal(post(body, QB_SIGNED), 200);
    free(body);
    assert_int_equal(e2e_db_int(srv,
                                "SELECT count(*) FROM events WHERE msg_key='qq:%s:ev:EVI1' "
                                "AND kind='other' AND text='1' AND reply_kind='none'",
                                QQ_APPID),
                     1);
    /* an event zhibu does not use, and another op: ACKed, not recorded */
    body = qb_event("AT_MESSAGE_CREATE", "EVX1", "{\"content\":\"x\"}");
    assert_int_equal(post(body, QB_SIGNED), 200);
    free(body);
    assert_int_equal(post("{\"op\":1,\"d\":5}", QB_SIGNED), 200);
    assert_int_equal(events(), before + 8);
}

static void test_redelivered(void **state)
{
    (void)state;
    /* the platform may push the same message id again, with another event id and time */
    char id[64];
    msg_id(id);
    for (int round = 0; round < 3; round++) {
        char body[1024];
        snprintf(body, sizeof body,
                 "{\"op\":0,\"id\":\"GROUP_AT_MESSAGE_CREATE:redelivery%d\",\"s\":%d,\"t\":"
                 "\"GROUP_AT_MESSAGE_CREATE\",\"d\":{\"author\":{\"member_openid\":\"%s\"},"
                 "\"content\":\" 7\",\"group_openid\":\"%s\",\"id\":\"%s\",\"timestamp\":"
                 "\"2026-01-01T00:00:0%d+08:00\"}}",
                 round, round + 10, MEMBER_OPENID, GROUP_OPENID, id, round);
        assert_int_equal(post(body, QB_SIGNED), 200);
    }
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events WHERE msg_key=%Q", id), 1);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM outbox WHERE reply_to=%Q", id), 1);
    assert_int_equal(e2e_db_int(srv,
                                "SELECT count(*) FROM sessions WHERE user_id=%Q AND "
                                "handler='feedback'",
                                MEMBER_OPENID),
                     1);
}

static void test_group_rules(void **state)
{
    (void)state;
    struct e2e_proc p;
    assert_int_equal(e2e_zhibu(srv->dir, &p, "group", "set", "--config", srv->config_path,
                               "--platform", "qqbot", "--group", "GROUPOFF00000000000000000000001",
                               "--mode", "off", NULL),
                     0);
    assert_int_equal(p.status, 0);
    e2e_proc_free(&p);
    char id[64];
    msg_id(id);
    char *body = qb_message(MEMBER_OPENID, "GROUPOFF00000000000000000000001", id, " 帮助",
                            (long long)time(NULL));
    assert_int_equal(post(body, QB_SIGNED), 200);
    free(body);
    assert_int_equal(e2e_db_int(srv,
                                "SELECT count(*) FROM events WHERE msg_key=%Q AND "
                                "reply_kind='none'",
                                id),
                     1);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM outbox WHERE reply_to=%Q", id), 0);
    /* every group message (GROUP_MESSAGE_CREATE): only what the rules let through (another
     * member: MEMBER_OPENID has a 留言 session open in this group since test_redelivered) */
    msg_id(id);
    char d[512];
    snprintf(d, sizeof d,
             "{\"author\":{\"member_openid\":\"%s\"},\"content\":\"大家好\",\"group_openid\":"
             "\"%s\",\"id\":\"%s\"}",
             "OTHERMEMBER000000000000000000001", GROUP_OPENID, id);
    body = qb_event("GROUP_MESSAGE_CREATE", "EVGM1", d);
    assert_int_equal(post(body, QB_SIGNED), 200);
    free(body);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM outbox WHERE reply_to=%Q", id), 0);
    msg_id(id);
    snprintf(d, sizeof d,
             "{\"author\":{\"member_openid\":\"%s\"},\"content\":\"#菜单\",\"group_openid\":"
             "\"%s\",\"id\":\"%s\"}",
             "OTHERMEMBER000000000000000000001", GROUP_OPENID, id);
    body = qb_event("GROUP_MESSAGE_CREATE", "EVGM2", d);
    assert_int_equal(post(body, QB_SIGNED), 200);
    free(body);
    assert_int_equal(e2e_db_int(srv,
                                "SELECT count(*) FROM outbox WHERE reply_to=%Q AND "
                                "text LIKE '【支部小助手】%%'",
                                id),
                     1);
}

static void test_say_cli(void **state)
{
    (void)state;
    struct e2e_proc p;
    assert_int_equal(e2e_zhibu(srv->dir, &p, "say", "--config", srv->config_path, "--platform",
                               "qqbot", "--group", "GROUPSAY000000000000000000000001", "--from",
                               "MEMBERSAY00000000000000000000001", "帮助", NULL),
                     0);
    assert_int_equal(p.status, 0);
    assert_contains(p.out, E2E_MENU_HEAD);
    e2e_proc_free(&p);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM outbox WHERE rcpt='qqbot_group' AND "
                                     "to_id='GROUPSAY000000000000000000000001' AND seq=1"),
                     1);
    assert_int_equal(e2e_zhibu(srv->dir, &p, "say", "--config", srv->config_path, "--platform",
                               "qqbot", "--from", "USERSAY000000000000000000000001", "在吗", NULL),
                     0);
    assert_int_equal(p.status, 0);
    assert_contains(p.out, FALLBACK);
    e2e_proc_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v1_validation), cmocka_unit_test(test_bad_signatures),
        cmocka_unit_test(test_group_message), cmocka_unit_test(test_c2c_message),
        cmocka_unit_test(test_window_passed), cmocka_unit_test(test_events),
        cmocka_unit_test(test_redelivered),   cmocka_unit_test(test_group_rules),
        cmocka_unit_test(test_say_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
