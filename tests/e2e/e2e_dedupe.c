/*
 * e2e_dedupe.c - WeChat retries: a redelivered message (same MsgId) or event (same
 * FromUserName, CreateTime, Event and EventKey) gets the stored reply again and runs no handler
 * twice - also when the copies arrive at the same moment, and after a restart.
 *
 * "Ran no handler twice" is observed through the 留言 conversation, whose handler has visible
 * effects: a second run would store a second feedback row, or reopen or close a session.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tests/e2e/e2e_util.h"
#include "webhook/wechat/wechat_xml.h"

#define PROMPT_FEEDBACK "请直接发送您想对支部说的话"
#define FEEDBACK_SAVED  "已收到您的留言"
#define NOT_UNDERSTOOD  "抱歉，没看懂您的意思。"
#define WELCOME         "欢迎关注"
#define COPIES          8 /* deliveries fired at once */
#define ROUNDS          4 /* concurrent rounds per test */

static struct e2e_server *srv;

static int setup(void **state)
{
    (void)state;
    srv = e2e_server_up(&(struct e2e_config){.aes_key = E2E_AES_KEY, .threads = COPIES});
    return srv ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    int st = srv ? e2e_server_stop(srv) : 0;
    e2e_server_free(srv);
    return st == 0 ? 0 : -1;
}

static char *text_xml(const char *from, const char *text, const char *msgid)
{
    return e2e_wx_xml(from, "text", (long long)time(NULL), msgid, "Content", text, NULL);
}

static long long rows_with_key(const char *key_suffix)
{
    return e2e_db_int(srv, "SELECT count(*) FROM events WHERE msg_key LIKE '%%' || %Q", key_suffix);
}

/* reply_parts - post xml in mode; the reply's MsgType, ToUserName, FromUserName and Content
 * joined with '|' (caller frees). */
static char *reply_parts(enum e2e_mode mode, const char *xml)
{
    struct e2e_resp r;
    struct wechat_xml *x = NULL;
    char err[512];
    e2e_wx_post(srv, mode, xml, &r);
    assert_int_equal(r.status, 200);
    if (e2e_wx_open(srv, r.body, r.len, mode != E2E_PLAIN, &x, err, sizeof err))
        fail_msg("%s", err);
    e2e_resp_free(&r);
    char out[8192];
    snprintf(out, sizeof out, "%s|%s|%s|%s", wechat_xml_get(x, "MsgType"),
             wechat_xml_get(x, "ToUserName"), wechat_xml_get(x, "FromUserName"),
             wechat_xml_get(x, "Content"));
    wechat_xml_free(x);
    return strdup(out);
}

static void test_retry_same_msgid_plaintext(void **state)
{
    (void)state;
    char id[24];
    e2e_msgid(id);
    char *xml = text_xml("o_dup_plain", "帮助", id);
    char *first = reply_parts(E2E_PLAIN, xml);
    char *again = reply_parts(E2E_PLAIN, xml);
    assert_contains(first, E2E_MENU_HEAD);
    assert_string_equal(again, first);
    assert_int_equal(rows_with_key(id), 1);
    free(first);
    free(again);
    free(xml);
}

static void test_retry_same_msgid_safe(void **state)
{
    (void)state;
    char id[24];
    e2e_msgid(id);
    char *xml = text_xml("o_dup_safe", "菜单", id);
    char *first = reply_parts(E2E_SAFE, xml);
    char *again = reply_parts(E2E_SAFE, xml);
    char *third = reply_parts(E2E_COMPAT, xml); /* a retry may come in another mode */
    assert_contains(first, E2E_MENU_HEAD);
    assert_string_equal(again, first);
    assert_string_equal(third, first);
    assert_int_equal(rows_with_key(id), 1);
    free(first);
    free(again);
    free(third);
    free(xml);
}

/* A retry replays the reply; it neither stores the message again nor touches the session. */
static void test_retry_runs_no_handler(void **state)
{
    (void)state;
    char a[24], b[24];
    e2e_msgid(a);
    e2e_msgid(b);
    char *open = text_xml("o_dup_fb", "留言", a);
    char *content = text_xml("o_dup_fb", "第一次的留言", b);
    char *r1 = e2e_wx_reply_ok(srv, E2E_SAFE, open);
    assert_contains(r1, PROMPT_FEEDBACK);
    char *r2 = e2e_wx_reply_ok(srv, E2E_SAFE, content);
    assert_contains(r2, FEEDBACK_SAVED);

    char *r2again = e2e_wx_reply_ok(srv, E2E_SAFE, content);
    assert_string_equal(r2again, r2); /* not the fallback, not a second save */
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM feedback WHERE user_id='o_dup_fb'"), 1);

    char *r1again = e2e_wx_reply_ok(srv, E2E_SAFE, open);
    assert_string_equal(r1again, r1);
    /* the replayed prompt did not reopen the conversation */
    /* (the saved 留言 stays open for more until "好了": that session's state is its id) */
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM sessions WHERE user_id='o_dup_fb' "
                                     "AND state = ''"),
                     0);
    free(e2e_say_ok(srv, E2E_SAFE, "o_dup_fb", "好了"));
    char *r3 = e2e_say_ok(srv, E2E_SAFE, "o_dup_fb", "这句不是留言");
    assert_contains(r3, NOT_UNDERSTOOD);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM feedback WHERE user_id='o_dup_fb'"), 1);
    assert_int_equal(rows_with_key(a), 1);
    assert_int_equal(rows_with_key(b), 1);
    free(r1);
    free(r2);
    free(r2again);
    free(r1again);
    free(r3);
    free(open);
    free(content);
}

/* ---- copies at the same moment ---- */

struct shot {
    pthread_barrier_t *go; /* all copies leave together */
    int fd;                /* an open connection, accepted by some server thread */
    char *req;             /* the whole request */
    size_t len;            /* its length */
    enum e2e_mode mode;    /* how it was encoded */
    struct e2e_resp resp;  /* OUT: what came back */
};

static void *fire(void *arg)
{
    struct shot *s = arg;
    pthread_barrier_wait(s->go);
    e2e_raw_exchange(s->fd, s->req, s->len, &s->resp);
    return NULL;
}

/*
 * volley - deliver xml COPIES times at once (modes alternating); assert every copy got 200 and
 * the same reply. Returns that reply's Content (caller frees). The connections are opened one
 * by one beforehand, so that several server threads hold one each (a burst of connects is
 * taken by one thread, which would answer them in turn), and the requests are then written
 * at the same moment.
 */
static char *volley(const char *xml)
{
    pthread_t t[COPIES];
    struct shot shots[COPIES];
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, COPIES);
    for (int i = 0; i < COPIES; i++) {
        shots[i] = (struct shot){.go = &go, .mode = i % 2 ? E2E_SAFE : E2E_PLAIN};
        shots[i].req = e2e_wx_raw(srv, shots[i].mode, xml, &shots[i].len);
        shots[i].fd = e2e_connect(srv);
        assert_true(shots[i].fd >= 0);
        e2e_sleep_ms(3);
    }
    for (int i = 0; i < COPIES; i++)
        assert_int_equal(pthread_create(&t[i], NULL, fire, &shots[i]), 0);
    for (int i = 0; i < COPIES; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&go);
    char *first = NULL;
    for (int i = 0; i < COPIES; i++) {
        struct wechat_xml *x = NULL;
        char err[512];
        free(shots[i].req);
        if (shots[i].resp.status != 200)
            fail_msg("copy %d: status %ld %s", i, shots[i].resp.status, shots[i].resp.body);
        if (e2e_wx_open(srv, shots[i].resp.body, shots[i].resp.len, shots[i].mode != E2E_PLAIN, &x,
                        err, sizeof err))
            fail_msg("copy %d: %s", i, err);
        const char *c = wechat_xml_get(x, "Content");
        assert_non_null(c);
        if (!first)
            first = strdup(c);
        else if (strcmp(first, c) != 0)
            fail_msg("copy %d got \"%s\", copy 0 got \"%s\"", i, c, first);
        wechat_xml_free(x);
        e2e_resp_free(&shots[i].resp);
    }
    return first;
}

static void test_concurrent_retries_second_turn(void **state)
{
    (void)state;
    for (int round = 0; round < ROUNDS; round++) {
        char from[32], id[24];
        snprintf(from, sizeof from, "o_conc_fb_%d", round);
        char *r = e2e_say_ok(srv, E2E_SAFE, from, "留言");
        assert_contains(r, PROMPT_FEEDBACK);
        free(r);
        e2e_msgid(id);
        char *xml = text_xml(from, "同时到达的留言", id);
        char *reply = volley(xml);
        assert_contains(reply, FEEDBACK_SAVED);
        assert_int_equal(rows_with_key(id), 1);
        assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM feedback WHERE user_id=%Q", from),
                         1);
        assert_int_equal(
            e2e_db_int(srv, "SELECT count(*) FROM sessions WHERE user_id=%Q AND state = ''", from),
            0);
        free(reply);
        free(xml);
    }
}

static void test_concurrent_retries_first_turn(void **state)
{
    (void)state;
    for (int round = 0; round < ROUNDS; round++) {
        char from[32], id[24];
        snprintf(from, sizeof from, "o_conc_open_%d", round);
        e2e_msgid(id);
        char *xml = text_xml(from, "留言", id);
        char *reply = volley(xml);
        assert_contains(reply, PROMPT_FEEDBACK);
        assert_int_equal(rows_with_key(id), 1);
        assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events WHERE user_id=%Q", from), 1);
        assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM sessions WHERE user_id=%Q", from),
                         1);
        free(reply);
        free(xml);
    }
}

/* ---- events: FromUserName + CreateTime + Event + EventKey ---- */

static char *event_xml(const char *from, long long created, const char *name, const char *key)
{
    return key ? e2e_wx_xml(from, "event", created, NULL, "Event", name, "EventKey", key, NULL)
               : e2e_wx_xml(from, "event", created, NULL, "Event", name, NULL);
}

static long long user_events(const char *from)
{
    return e2e_db_int(srv, "SELECT count(*) FROM events WHERE user_id=%Q", from);
}

static void test_event_retry(void **state)
{
    (void)state;
    long long t = (long long)time(NULL);
    char *sub = event_xml("o_ev_dup", t, "subscribe", NULL);
    char *w1 = e2e_wx_reply_ok(srv, E2E_SAFE, sub);
    char *w2 = e2e_wx_reply_ok(srv, E2E_SAFE, sub);
    assert_contains(w1, WELCOME);
    assert_string_equal(w2, w1);
    assert_int_equal(user_events("o_ev_dup"), 1);

    /* a CLICK that opens a conversation, retried after the member answered: replayed, and the
     * conversation is not reopened */
    char *click = event_xml("o_ev_dup", t + 1, "CLICK", "留言");
    char *c1 = e2e_wx_reply_ok(srv, E2E_SAFE, click);
    assert_contains(c1, PROMPT_FEEDBACK);
    char *saved = e2e_say_ok(srv, E2E_SAFE, "o_ev_dup", "通过菜单的留言");
    assert_contains(saved, FEEDBACK_SAVED);
    char *c2 = e2e_wx_reply_ok(srv, E2E_PLAIN, click);
    assert_string_equal(c2, c1);
    assert_int_equal(
        e2e_db_int(srv, "SELECT count(*) FROM sessions WHERE user_id='o_ev_dup' AND state = ''"),
        0);
    assert_int_equal(user_events("o_ev_dup"), 3);

    free(sub);
    free(w1);
    free(w2);
    free(click);
    free(c1);
    free(c2);
    free(saved);
}

/* Any one of the four fields differing makes a different event. */
static void test_event_key_fields(void **state)
{
    (void)state;
    long long t = (long long)time(NULL) + 5;
    struct {
        const char *from;
        long long created;
        const char *event, *key;
        long long rows_after; /* events of o_ev_key after this one */
    } steps[] = {
        {"o_ev_key", t, "CLICK", "帮助", 1},         {"o_ev_key", t, "CLICK", "帮助", 1},
        {"o_ev_key", t, "CLICK", "菜单", 2},         {"o_ev_key", t, "VIEW", "帮助", 3},
        {"o_ev_key", t + 1, "CLICK", "帮助", 4},     {"o_ev_key_other", t, "CLICK", "帮助", 4},
        {"o_ev_key", t, "unsubscribe", NULL, 5},     {"o_ev_key", t, "unsubscribe", NULL, 5},
        {"o_ev_key", t + 2, "unsubscribe", NULL, 6}, {"o_ev_key", t + 1, "CLICK", "帮助", 6},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        char *xml = event_xml(steps[i].from, steps[i].created, steps[i].event, steps[i].key);
        char *r = e2e_wx_reply_ok(srv, E2E_SAFE, xml);
        free(r);
        free(xml);
        if (user_events("o_ev_key") != steps[i].rows_after)
            fail_msg("step %zu (%s %lld %s %s): %lld events, want %lld", i, steps[i].from,
                     steps[i].created, steps[i].event, steps[i].key ? steps[i].key : "-",
                     user_events("o_ev_key"), steps[i].rows_after);
    }
    assert_int_equal(user_events("o_ev_key_other"), 1);
}

static void test_concurrent_event_retries(void **state)
{
    (void)state;
    for (int round = 0; round < ROUNDS; round++) {
        char from[32];
        snprintf(from, sizeof from, "o_conc_click_%d", round);
        char *xml = event_xml(from, (long long)time(NULL), "CLICK", "留言");
        char *reply = volley(xml);
        assert_contains(reply, PROMPT_FEEDBACK);
        assert_int_equal(user_events(from), 1);
        free(reply);
        free(xml);
    }
}

/* The log of replies is the database: a retry after a restart is still recognised. */
static void test_retry_after_restart(void **state)
{
    (void)state;
    char a[24], b[24];
    e2e_msgid(a);
    e2e_msgid(b);
    char *open = text_xml("o_dup_restart", "留言", a);
    char *msg = text_xml("o_dup_restart", "重启前的留言", b);
    char *r1 = e2e_wx_reply_ok(srv, E2E_SAFE, open);
    char *r2 = e2e_wx_reply_ok(srv, E2E_SAFE, msg);
    assert_contains(r2, FEEDBACK_SAVED);
    assert_int_equal(e2e_server_stop(srv), 0);
    assert_int_equal(e2e_server_start(srv), 0);
    char *r2again = e2e_wx_reply_ok(srv, E2E_SAFE, msg);
    char *r1again = e2e_wx_reply_ok(srv, E2E_PLAIN, open);
    assert_string_equal(r2again, r2);
    assert_string_equal(r1again, r1);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM feedback WHERE user_id='o_dup_restart'"),
                     1);
    assert_int_equal(user_events("o_dup_restart"), 2);
    free(open);
    free(msg);
    free(r1);
    free(r2);
    free(r1again);
    free(r2again);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_same_msgid_plaintext),
        cmocka_unit_test(test_retry_same_msgid_safe),
        cmocka_unit_test(test_retry_runs_no_handler),
        cmocka_unit_test(test_concurrent_retries_second_turn),
        cmocka_unit_test(test_concurrent_retries_first_turn),
        cmocka_unit_test(test_event_retry),
        cmocka_unit_test(test_event_key_fields),
        cmocka_unit_test(test_concurrent_event_retries),
        cmocka_unit_test(test_retry_after_restart),
    };
    return cmocka_run_group_tests_name("e2e_dedupe", tests, setup, teardown);
}
