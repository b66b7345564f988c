/*
 * e2e_wechat_messages.c - POST /wechat with every kind of message and event, through the real
 * binary, in plaintext, compatible and safe mode.
 *
 * One server (AES key configured, session.ttl_s 30) answers all modes. Each test speaks as its
 * own openid so tests do not share sessions. Replies are opened as WeChat would (see
 * e2e_wx_reply_ok: MsgSignature, AppID, addressing, size under 2,048 bytes); the database is
 * read to check what was logged and stored.
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

#include "tests/e2e/e2e_util.h"
#include "webhook/wechat/wechat_crypto.h"
#include "webhook/wechat/wechat_xml.h"

#define PROMPT_FEEDBACK "请直接发送您想对支部说的话"
#define FEEDBACK_SAVED  "已收到您的留言"
#define NOT_UNDERSTOOD  "抱歉，没看懂您的意思。"
#define NO_MORE         "没有更多内容了。"
#define NOT_IN_MENU     "菜单里没有这个数字"
#define VOICE_UNHEARD   "抱歉，没有听清您的语音。"
#define LEFT_SESSION    "已退出当前操作"
#define WELCOME         "欢迎关注"
#define MORE_LINE       "回复 + 查看更多"
#define SESSION_TTL     30

static struct e2e_server *srv;

static int setup(void **state)
{
    (void)state;
    srv = e2e_server_up(&(struct e2e_config){.aes_key = E2E_AES_KEY, .session_ttl_s = SESSION_TTL});
    return srv ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    int st = srv ? e2e_server_stop(srv) : 0;
    e2e_server_free(srv);
    return st == 0 ? 0 : -1;
}

static const enum e2e_mode modes[] = {E2E_PLAIN, E2E_COMPAT, E2E_SAFE};
static const char *const mode_names[] = {"plaintext", "compatible", "safe"};

static void assert_menu(const char *reply)
{
    assert_contains(reply, E2E_MENU_HEAD);
    assert_contains(reply, E2E_MENU_LINE7);
    assert_contains(reply, E2E_MENU_TAIL);
}

/* say - a text from `from` in safe mode; the reply's Content (caller frees). */
static char *say(const char *from, const char *text)
{
    return e2e_say_ok(srv, E2E_SAFE, from, text);
}

/* event - an event from `from` (created now + skew) in mode; the reply's Content or "". */
static char *event(enum e2e_mode mode, const char *from, int skew, const char *name,
                   const char *key)
{
    char *xml =
        key ? e2e_wx_xml(from, "event", (long long)time(NULL) + skew, NULL, "Event", name,
                         "EventKey", key, NULL)
            : e2e_wx_xml(from, "event", (long long)time(NULL) + skew, NULL, "Event", name, NULL);
    char *out = e2e_wx_reply_ok(srv, mode, xml);
    free(xml);
    return out;
}

/* ---- modes ---- */

static void test_help_in_every_mode(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        print_message("  mode: %s\n", mode_names[i]);
        char from[64];
        snprintf(from, sizeof from, "o_modes_%s", mode_names[i]);
        char *r = e2e_say_ok(srv, modes[i], from, "帮助");
        assert_menu(r);
        free(r);
        assert_int_equal(e2e_db_int(srv,
                                    "SELECT count(*) FROM events WHERE user_id=%Q AND kind='text' "
                                    "AND text='帮助' AND handler='help' AND account=%Q",
                                    from, E2E_ACCOUNT),
                         1);
    }
}

/* The encrypted reply opens only with our AppID, and its MsgSignature is over its own
 * TimeStamp and Nonce (checked in e2e_wx_open); here also the envelope's shape. */
static void test_safe_reply_envelope(void **state)
{
    (void)state;
    char id[24], *xml, ts[24], nonce[24], *query, *body;
    e2e_msgid(id);
    xml = e2e_wx_xml("o_envelope", "text", (long long)time(NULL), id, "Content", "菜单", NULL);
    e2e_now(ts);
    e2e_nonce(nonce);
    e2e_wx_request(srv, E2E_SAFE, xml, ts, nonce, &query, &body);
    struct e2e_resp r;
    e2e_http(srv, "POST", query, body, strlen(body), 0, &r);
    assert_int_equal(r.status, 200);

    struct wechat_xml *env = NULL;
    assert_int_equal(wechat_xml_parse(r.body, r.len, &env), 0);
    const char *enc = wechat_xml_get(env, "Encrypt");
    assert_non_null(enc);
    assert_non_null(wechat_xml_get(env, "MsgSignature"));
    assert_non_null(wechat_xml_get(env, "Nonce"));
    const char *rts = wechat_xml_get(env, "TimeStamp");
    assert_non_null(rts);
    long long t = strtoll(rts, NULL, 10), now = (long long)time(NULL);
    assert_in_range(t, now - 60, now + 60);
    /* in safe mode nothing readable may travel outside the envelope */
    assert_null(wechat_xml_get(env, "Content"));
    assert_not_contains(r.body, "支部");

    char *plain = NULL;
    size_t plain_len = 0;
    assert_int_equal(
        wechat_decrypt(srv->key, enc, strlen(enc), "wx0000000000000bad", &plain, &plain_len),
        ZB_EAPPID);
    assert_int_equal(wechat_decrypt(srv->key, enc, strlen(enc), srv->app_id, &plain, &plain_len),
                     0);
    assert_contains(plain, E2E_MENU_HEAD);
    free(plain);

    struct wechat_xml *inner = NULL;
    char err[512];
    if (e2e_wx_open(srv, r.body, r.len, true, &inner, err, sizeof err))
        fail_msg("%s", err);
    assert_string_equal(wechat_xml_get(inner, "ToUserName"), "o_envelope");
    wechat_xml_free(inner);
    wechat_xml_free(env);
    e2e_resp_free(&r);
    free(xml);
    free(query);
    free(body);
}

/* In compatible mode only the encrypted copy is authenticated: the server must act on it, not
 * on the plaintext fields beside it. */
static void test_compat_trusts_the_envelope(void **state)
{
    (void)state;
    char id[24], ts[24], nonce[24], *query, *unused;
    e2e_msgid(id);
    long long now = (long long)time(NULL);
    char *inner = e2e_wx_xml("o_compat_trust", "text", now, id, "Content", "帮助", NULL);
    char *outer = e2e_wx_xml("o_compat_trust", "text", now, id, "Content", "留言", NULL);
    char *cipher = e2e_seal(srv->key, inner, strlen(inner), srv->app_id);
    e2e_now(ts);
    e2e_nonce(nonce);
    e2e_wx_envelope_request(srv, cipher, ts, nonce, &query, &unused);
    char body[16384];
    snprintf(body, sizeof body, "%.*s<Encrypt><![CDATA[%s]]></Encrypt></xml>",
             (int)(strstr(outer, "</xml>") - outer), outer, cipher);
    struct e2e_resp r;
    e2e_http(srv, "POST", query, body, strlen(body), 0, &r);
    assert_int_equal(r.status, 200);
    struct wechat_xml *x = NULL;
    char err[512];
    if (e2e_wx_open(srv, r.body, r.len, true, &x, err, sizeof err))
        fail_msg("%s", err);
    assert_menu(wechat_xml_get(x, "Content"));
    assert_not_contains(wechat_xml_get(x, "Content"), PROMPT_FEEDBACK);
    wechat_xml_free(x);
    e2e_resp_free(&r);
    char *logged = e2e_db_text(srv, "SELECT text FROM events WHERE user_id='o_compat_trust'");
    assert_non_null(logged);
    assert_string_equal(logged, "帮助");
    free(logged);
    free(inner);
    free(outer);
    free(cipher);
    free(query);
    free(unused);
}

/* ---- the normaliser, through the wire ---- */

struct norm_case {
    const char *text;   /* what the member sends */
    const char *expect; /* the reply contains this */
    const char *absent; /* and not this (NULL: no check) */
    const char *handler;
};

static const struct norm_case norm_cases[] = {
    {"帮助", E2E_MENU_HEAD, NOT_UNDERSTOOD, "help"},
    {"帮助。", E2E_MENU_HEAD, NOT_UNDERSTOOD, "help"},
    {" 帮助？！", E2E_MENU_HEAD, NOT_UNDERSTOOD, "help"},
    {"？", E2E_MENU_HEAD, NOT_UNDERSTOOD, "help"},
    {"?", E2E_MENU_HEAD, NOT_UNDERSTOOD, "help"},
    {"Ｈｅｌｐ", E2E_MENU_HEAD, NOT_UNDERSTOOD, "help"},
    {"HELP", E2E_MENU_HEAD, NOT_UNDERSTOOD, "help"},
    {"ＭＥＮＵ！", E2E_MENU_HEAD, NOT_UNDERSTOOD, "help"},
    {"菜单", E2E_MENU_HEAD, NOT_UNDERSTOOD, "help"},
    {"0", E2E_MENU_HEAD, NOT_UNDERSTOOD, "help"},
    {"０", E2E_MENU_HEAD, NOT_UNDERSTOOD, "help"},
    {"零", E2E_MENU_HEAD, NOT_UNDERSTOOD, "help"},
    {"7", PROMPT_FEEDBACK, NULL, "feedback"},
    {"７", PROMPT_FEEDBACK, NULL, "feedback"},
    {"七", PROMPT_FEEDBACK, NULL, "feedback"},
    {"　留言！", PROMPT_FEEDBACK, NULL, "feedback"},
    {"建议", PROMPT_FEEDBACK, NULL, "feedback"},
    {"１", "只对已绑定的党员开放", NULL, "study"}, /* menu item 1: members only */
    {"一", "只对已绑定的党员开放", NULL, "study"},
    {"学习。", "只对已绑定的党员开放", NULL, "study"},
    {"十", NOT_IN_MENU, NOT_UNDERSTOOD, "fallback"}, /* 10: the menu stops at 8 */
    {"今天天气怎么样", NOT_UNDERSTOOD, NULL, "fallback"},
    {"+", NO_MORE, NOT_UNDERSTOOD, "fallback"}, /* no pages waiting */
};

static void test_normaliser_through_the_wire(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof norm_cases / sizeof norm_cases[0]; i++) {
        const struct norm_case *c = &norm_cases[i];
        char from[32];
        snprintf(from, sizeof from, "o_norm_%zu", i);
        print_message("  \"%s\"\n", c->text);
        char *r = say(from, c->text);
        assert_contains(r, c->expect);
        if (c->absent)
            assert_not_contains(r, c->absent);
        if (strcmp(c->expect, NOT_UNDERSTOOD) == 0)
            assert_menu(r); /* never a dead end */
        free(r);
        char *h = e2e_db_text(srv, "SELECT handler FROM events WHERE user_id=%Q", from);
        assert_non_null(h);
        assert_string_equal(h, c->handler);
        free(h);
    }
}

/* ---- voice, media ---- */

static char *voice(const char *from, const char *recognition)
{
    char id[24], *xml;
    e2e_msgid(id);
    if (recognition)
        xml = e2e_wx_xml(from, "voice", (long long)time(NULL), id, "MediaId", "media-voice-1",
                         "Format", "amr", "Recognition", recognition, NULL);
    else
        xml = e2e_wx_xml(from, "voice", (long long)time(NULL), id, "MediaId", "media-voice-1",
                         "Format", "amr", NULL);
    char *r = e2e_wx_reply_ok(srv, E2E_SAFE, xml);
    free(xml);
    return r;
}

static void test_voice_recognised_as_text(void **state)
{
    (void)state;
    char *r = voice("o_voice_help", "帮助。");
    assert_menu(r);
    assert_not_contains(r, VOICE_UNHEARD);
    free(r);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events WHERE user_id='o_voice_help' AND "
                                     "kind='voice' AND text='帮助。' AND handler='help'"),
                     1);
    r = voice("o_voice_feedback", "留言");
    assert_contains(r, PROMPT_FEEDBACK);
    free(r);
}

static void test_voice_not_recognised(void **state)
{
    (void)state;
    const char *recs[] = {"", NULL};
    for (size_t i = 0; i < 2; i++) {
        char from[32];
        snprintf(from, sizeof from, "o_voice_empty_%zu", i);
        char *r = voice(from, recs[i]);
        assert_contains(r, VOICE_UNHEARD);
        assert_contains(r, "帮助"); /* how to type instead */
        assert_menu(r);
        free(r);
        assert_int_equal(
            e2e_db_int(srv, "SELECT count(*) FROM events WHERE user_id=%Q AND kind='voice'", from),
            1);
    }
}

struct media_case {
    const char *type;
    const char *f1, *v1, *f2, *v2, *f3, *v3, *f4, *v4;
    const char *ack;  /* the acknowledgement */
    const char *kind; /* events.kind */
    const char *text; /* events.text */
};

static const struct media_case media_cases[] = {
    {"image", "PicUrl", "http://mmbiz.qpic.cn/e2e.jpg", "MediaId", "m-image", NULL, NULL, NULL,
     NULL, "已收到您的图片。", "image", "http://mmbiz.qpic.cn/e2e.jpg"},
    {"location", "Location_X", "39.915119", "Location_Y", "116.403963", "Scale", "16", "Label",
     "北京市东城区", "已收到您的位置。", "location", "北京市东城区"},
    {"link", "Title", "学习强国文章", "Description", "一篇文章", "Url", "http://example.org/a",
     NULL, NULL, "已收到您分享的链接。", "link", "学习强国文章"},
    {"video", "MediaId", "m-video", "ThumbMediaId", "m-thumb", NULL, NULL, NULL, NULL, "已收到。",
     "media", "m-video"},
};

static void test_media_acknowledged_with_menu(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof media_cases / sizeof media_cases[0]; i++) {
        const struct media_case *c = &media_cases[i];
        char from[32], id[24];
        snprintf(from, sizeof from, "o_media_%s", c->type);
        e2e_msgid(id);
        print_message("  %s\n", c->type);
        char *xml = e2e_wx_xml(from, c->type, (long long)time(NULL), id, c->f1, c->v1, c->f2, c->v2,
                               c->f3, c->v3, c->f4, c->v4, NULL);
        char *r = e2e_wx_reply_ok(srv, E2E_SAFE, xml);
        assert_contains(r, c->ack);
        assert_menu(r);
        assert_not_contains(r, NOT_UNDERSTOOD);
        free(r);
        free(xml);
        assert_int_equal(e2e_db_int(srv,
                                    "SELECT count(*) FROM events WHERE user_id=%Q AND kind=%Q "
                                    "AND text=%Q",
                                    from, c->kind, c->text),
                         1);
    }
}

/* ---- events ---- */

static void test_subscribe_welcome(void **state)
{
    (void)state;
    char *r = event(E2E_SAFE, "o_sub_plain", 0, "subscribe", NULL);
    assert_contains(r, WELCOME);
    assert_menu(r);
    free(r);
    /* through a parametric QR code */
    char *xml = e2e_wx_xml("o_sub_qr", "event", (long long)time(NULL), NULL, "Event", "subscribe",
                           "EventKey", "qrscene_123123", "Ticket", "TICKET", NULL);
    r = e2e_wx_reply_ok(srv, E2E_PLAIN, xml);
    assert_contains(r, WELCOME);
    free(r);
    free(xml);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events WHERE user_id IN ('o_sub_plain', "
                                     "'o_sub_qr') AND kind='follow' AND handler='welcome'"),
                     2);
}

struct silent_case {
    const char *event;
    const char *key;  /* EventKey or NULL */
    const char *kind; /* events.kind */
    const char *text; /* events.text */
};

static const struct silent_case silent_cases[] = {
    {"unsubscribe", NULL, "unfollow", ""},
    {"VIEW", "http://example.org/menu", "view", "http://example.org/menu"},
    {"SCAN", "123123", "scan", "123123"},
    {"LOCATION", NULL, "other", ""},
};

/* Events with nothing to say: exactly "success", unencrypted even in safe mode, and logged. */
static void test_silent_events_answer_success(void **state)
{
    (void)state;
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        for (size_t i = 0; i < sizeof silent_cases / sizeof silent_cases[0]; i++) {
            const struct silent_case *c = &silent_cases[i];
            char from[48];
            snprintf(from, sizeof from, "o_silent_%s_%zu", mode_names[m], i);
            print_message("  %s %s\n", mode_names[m], c->event);
            char *xml = c->key ? e2e_wx_xml(from, "event", (long long)time(NULL), NULL, "Event",
                                            c->event, "EventKey", c->key, "Ticket", "T", NULL)
                               : e2e_wx_xml(from, "event", (long long)time(NULL), NULL, "Event",
                                            c->event, "Latitude", "23.1", "Longitude", "113.3",
                                            "Precision", "119.3", NULL);
            struct e2e_resp r;
            e2e_wx_post(srv, modes[m], xml, &r);
            assert_int_equal(r.status, 200);
            assert_int_equal(r.len, 7);
            assert_string_equal(r.body, "success");
            e2e_resp_free(&r);
            free(xml);
            assert_int_equal(e2e_db_int(srv,
                                        "SELECT count(*) FROM events WHERE user_id=%Q AND kind=%Q "
                                        "AND text=%Q AND reply_kind='none'",
                                        from, c->kind, c->text),
                             1);
        }
    }
}

static void test_template_job_finished(void **state)
{
    (void)state;
    char *xml =
        e2e_wx_xml("o_tmpl", "event", (long long)time(NULL), NULL, "Event", "TEMPLATESENDJOBFINISH",
                   "MsgID", "200163836", "Status", "failed:user block", NULL);
    struct e2e_resp r;
    e2e_wx_post(srv, E2E_SAFE, xml, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "success");
    e2e_resp_free(&r);
    free(xml);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events WHERE user_id='o_tmpl' AND "
                                     "kind='delivery' AND text='failed:user block'"),
                     1);
}

static void test_menu_click_routed_like_keyword(void **state)
{
    (void)state;
    char *r = event(E2E_SAFE, "o_click", 0, "CLICK", "留言");
    assert_contains(r, PROMPT_FEEDBACK);
    free(r);
    r = say("o_click", "点菜单留的言");
    assert_contains(r, FEEDBACK_SAVED);
    free(r);
    char *t = e2e_db_text(srv, "SELECT text FROM feedback WHERE user_id='o_click'");
    assert_non_null(t);
    assert_string_equal(t, "点菜单留的言");
    free(t);

    r = event(E2E_PLAIN, "o_click", 1, "CLICK", "帮助");
    assert_menu(r);
    free(r);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events WHERE user_id='o_click' AND "
                                     "kind='menu_click'"),
                     2);
}

/* A menu click is a fresh start: it closes an open session. */
static void test_menu_click_closes_session(void **state)
{
    (void)state;
    char *r = say("o_click_sess", "留言");
    assert_contains(r, PROMPT_FEEDBACK);
    free(r);
    r = event(E2E_SAFE, "o_click_sess", 0, "CLICK", "帮助");
    assert_menu(r);
    free(r);
    r = say("o_click_sess", "这不是留言");
    assert_contains(r, NOT_UNDERSTOOD);
    free(r);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM feedback WHERE user_id='o_click_sess'"),
                     0);
}

/* ---- the 留言 conversation ---- */

static void test_feedback_two_turns(void **state)
{
    (void)state;
    char *r = say("o_fb", "留言");
    assert_contains(r, PROMPT_FEEDBACK);
    assert_contains(r, "回复 0 取消");
    free(r);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM sessions WHERE user_id='o_fb' AND "
                                     "handler='feedback'"),
                     1);
    r = say("o_fb", "  支部活动很好，希望多组织！ ");
    assert_contains(r, FEEDBACK_SAVED);
    free(r);
    char *t = e2e_db_text(srv, "SELECT text FROM feedback WHERE user_id='o_fb' AND "
                               "platform='wechat'");
    assert_non_null(t);
    assert_string_equal(t, "  支部活动很好，希望多组织！ "); /* verbatim, not normalised */
    free(t);
    /* more of the same 留言 may follow until "好了" */
    r = say("o_fb", "比如读书会");
    assert_contains(r, "已补充到您的留言里");
    free(r);
    r = say("o_fb", "好了");
    assert_contains(r, "已完整转给支部");
    free(r);
    t = e2e_db_text(srv, "SELECT text FROM feedback WHERE user_id='o_fb'");
    assert_string_equal(t, "  支部活动很好，希望多组织！ \n比如读书会");
    free(t);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM sessions WHERE user_id='o_fb'"), 0);
    /* the session is over: the next message is routed afresh */
    r = say("o_fb", "谢谢");
    assert_contains(r, "不客气");
    assert_not_contains(r, NOT_UNDERSTOOD);
    free(r);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM feedback WHERE user_id='o_fb'"), 1);
}

static void test_feedback_one_shot(void **state)
{
    (void)state;
    char *r = say("o_fb_once", "留言 学习资料很有用");
    assert_contains(r, FEEDBACK_SAVED);
    free(r);
    r = say("o_fb_once", "留言　ＡＢＣ 已读");
    assert_contains(r, FEEDBACK_SAVED);
    free(r);
    char *t = e2e_db_text(srv, "SELECT group_concat(text, '|') FROM (SELECT text FROM feedback "
                               "WHERE user_id='o_fb_once' ORDER BY id)");
    assert_non_null(t);
    assert_string_equal(t, "学习资料很有用|ＡＢＣ 已读");
    free(t);
}

static void test_feedback_cancel_with_0(void **state)
{
    (void)state;
    char *r = say("o_fb_cancel", "留言");
    assert_contains(r, PROMPT_FEEDBACK);
    free(r);
    r = say("o_fb_cancel", "0");
    assert_contains(r, LEFT_SESSION);
    assert_menu(r);
    free(r);
    r = say("o_fb_cancel", "随便说说");
    assert_contains(r, NOT_UNDERSTOOD);
    free(r);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM feedback WHERE user_id='o_fb_cancel'"),
                     0);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM sessions WHERE user_id='o_fb_cancel' "
                                     "AND handler='feedback'"),
                     0);
}

/* A message over the feedback cap (2,000 bytes) is refused and the conversation stays open. */
static void test_feedback_too_long(void **state)
{
    (void)state;
    char *r = say("o_fb_long", "留言");
    free(r);
    char big[2200 * 3 + 1] = "";
    for (int i = 0; i < 2100 / 3 + 1; i++)
        memcpy(big + strlen(big), "长", sizeof "长");
    assert_true(strlen(big) > 2000);
    r = say("o_fb_long", big);
    assert_contains(r, "留言太长了");
    free(r);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM feedback WHERE user_id='o_fb_long'"), 0);
    r = say("o_fb_long", "简短一点的留言");
    assert_contains(r, FEEDBACK_SAVED);
    free(r);
    char *t = e2e_db_text(srv, "SELECT text FROM feedback WHERE user_id='o_fb_long'");
    assert_non_null(t);
    assert_string_equal(t, "简短一点的留言");
    free(t);
}

/* The sender's id goes back into the reply inside CDATA: markup in it must stay text. */
static void test_hostile_openid_stays_text(void **state)
{
    (void)state;
    const char *from = "o_evil]]></ToUserName><MsgType><![CDATA[news]]></MsgType><x><![CDATA[";
    char *r = e2e_say_ok(srv, E2E_SAFE, from, "帮助"); /* asserts ToUserName == from */
    assert_menu(r);
    free(r);
    r = e2e_say_ok(srv, E2E_PLAIN, from, "菜单");
    assert_menu(r);
    free(r);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events WHERE user_id=%Q", from), 2);
}

static void test_session_expiry(void **state)
{
    (void)state;
    char *r = say("o_fb_expire", "留言");
    assert_contains(r, PROMPT_FEEDBACK);
    free(r);
    long long left = e2e_db_int(
        srv, "SELECT expires_at - strftime('%%s','now') FROM sessions WHERE user_id='o_fb_expire'");
    assert_in_range(left, SESSION_TTL - 5, SESSION_TTL); /* session.ttl_s is applied */
    assert_int_equal(e2e_db_exec(srv, "UPDATE sessions SET expires_at = strftime('%%s','now') - 1 "
                                      "WHERE user_id='o_fb_expire'"),
                     0);
    r = say("o_fb_expire", "过期以后说的话");
    assert_contains(r, NOT_UNDERSTOOD);
    assert_not_contains(r, FEEDBACK_SAVED);
    free(r);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM feedback WHERE user_id='o_fb_expire'"),
                     0);
}

/* ---- long replies ---- */

/*
 * No handler yet writes a reply over 2,000 bytes, so the first cut cannot be provoked from the
 * wire. What "+" does with a stored remainder can: the test seeds the pages table the way
 * router.c leaves it and reads the pages back with "+" and "更多".
 */
static void test_more_pages(void **state)
{
    (void)state;
    enum { LINES = 160 };
    char *text = calloc(1, LINES * 64);
    size_t n = 0;
    for (int i = 1; i <= LINES; i++)
        n += (size_t)snprintf(text + n, LINES * 64 - n, "%s第%03d行：学习贯彻会议精神要点%s",
                              i > 1 ? "\n" : "", i, i % 7 ? "" : "（重点）");
    assert_true(n > 3 * 2000);
    assert_int_equal(e2e_db_exec(srv,
                                 "INSERT INTO pages(platform, user_id, group_id, rest, expires_at) "
                                 "VALUES('wechat', 'o_pages', '', %Q, strftime('%%s','now') + 600)",
                                 text),
                     0);
    int next = 1, pages = 0;
    for (;;) {
        char *r = say("o_pages", pages % 2 ? "更多" : "+");
        pages++;
        assert_true(strlen(r) < E2E_REPLY_MAX);
        char *more = strstr(r, MORE_LINE);
        char *end = more ? more : r + strlen(r);
        if (more) { /* "……" line before it, the cut at a line end */
            assert_string_equal(more, MORE_LINE);
            assert_true(end - r > 8);
        }
        /* every line of the page is a whole line, in order, none lost or repeated */
        for (char *line = r; line < end;) {
            char *nl = memchr(line, '\n', (size_t)(end - line));
            size_t ll = nl ? (size_t)(nl - line) : (size_t)(end - line);
            if (ll == 0 || strncmp(line, "……", strlen("……")) == 0) {
                line += ll + 1;
                continue;
            }
            char want[128];
            snprintf(want, sizeof want, "第%03d行：学习贯彻会议精神要点%s", next,
                     next % 7 ? "" : "（重点）");
            if (ll != strlen(want) || strncmp(line, want, ll) != 0)
                fail_msg("page %d: expected line \"%s\", got \"%.*s\"", pages, want, (int)ll, line);
            next++;
            line += ll + 1;
        }
        free(r);
        if (!more)
            break;
        assert_true(pages < 10);
    }
    assert_int_equal(next, LINES + 1);
    assert_true(pages >= 4);
    /* all pages taken: "+" is no longer special */
    char *r = say("o_pages", "+");
    assert_contains(r, NO_MORE);
    free(r);
    free(text);
}

static void test_more_pages_expire(void **state)
{
    (void)state;
    assert_int_equal(e2e_db_exec(srv,
                                 "INSERT INTO pages(platform, user_id, group_id, rest, expires_at) "
                                 "VALUES('wechat', 'o_pages_old', '', '旧的内容', "
                                 "strftime('%%s','now') - 1)"),
                     0);
    char *r = say("o_pages_old", "+");
    assert_contains(r, NO_MORE);
    assert_not_contains(r, "旧的内容");
    free(r);
}

/* Any other message drops the waiting pages. */
static void test_more_pages_dropped_by_new_request(void **state)
{
    (void)state;
    assert_int_equal(e2e_db_exec(srv,
                                 "INSERT INTO pages(platform, user_id, group_id, rest, expires_at) "
                                 "VALUES('wechat', 'o_pages_drop', '', '没看完的内容', "
                                 "strftime('%%s','now') + 600)"),
                     0);
    char *r = say("o_pages_drop", "帮助");
    assert_menu(r);
    free(r);
    r = say("o_pages_drop", "+");
    assert_contains(r, NO_MORE);
    assert_not_contains(r, "没看完的内容");
    free(r);
}

static void test_long_reply_first_cut(void **state)
{
    (void)state;
    print_message("  no handler writes a reply over 2,000 bytes yet: the first cut of a long "
                  "reply is only reachable in tests/unit (router_paginate)\n");
    skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_in_every_mode),
        cmocka_unit_test(test_safe_reply_envelope),
        cmocka_unit_test(test_compat_trusts_the_envelope),
        cmocka_unit_test(test_normaliser_through_the_wire),
        cmocka_unit_test(test_voice_recognised_as_text),
        cmocka_unit_test(test_voice_not_recognised),
        cmocka_unit_test(test_media_acknowledged_with_menu),
        cmocka_unit_test(test_subscribe_welcome),
        cmocka_unit_test(test_silent_events_answer_success),
        cmocka_unit_test(test_template_job_finished),
        cmocka_unit_test(test_menu_click_routed_like_keyword),
        cmocka_unit_test(test_menu_click_closes_session),
        cmocka_unit_test(test_feedback_two_turns),
        cmocka_unit_test(test_feedback_one_shot),
        cmocka_unit_test(test_feedback_cancel_with_0),
        cmocka_unit_test(test_feedback_too_long),
        cmocka_unit_test(test_hostile_openid_stays_text),
        cmocka_unit_test(test_session_expiry),
        cmocka_unit_test(test_more_pages),
        cmocka_unit_test(test_more_pages_expire),
        cmocka_unit_test(test_more_pages_dropped_by_new_request),
        cmocka_unit_test(test_long_reply_first_cut),
    };
    return cmocka_run_group_tests_name("e2e_wechat_messages", tests, setup, teardown);
}
