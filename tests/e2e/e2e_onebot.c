/*
 * e2e_onebot.c - the OneBot v11 HTTP POST webhook (/qq/onebot) against the real binary: every
 * bad-signature case, private and group messages in both message forms, the group addressing
 * rules and their per-group settings (zhibu group set), notices (the welcome goes through the
 * outbox to the fake OneBot API), meta events, a re-delivered report, identities, and
 * `zhibu say --platform onebot`.
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
#include "webhook/qq/qq_sign.h"

#define FALLBACK        "抱歉，没看懂您的意思。"
#define PROMPT_FEEDBACK "请直接发送您想对支部说的话"
#define FEEDBACK_SAVED  "已收到您的留言"
#define GROUP_WELCOME   "欢迎！我是本群的支部小助手。"

static struct qq_env env;
static struct e2e_server *srv;
static long long next_id;

static int setup(void **state)
{
    (void)state;
    next_id = (long long)(time(NULL) % 100000) * 1000;
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

/* say - a message from user (in group, or private when NULL); the HTTP status, and in *text
 * the quick reply's text (caller frees; NULL for 204). */
static long say(const char *user, const char *group, const char *message, bool array, char **text,
                bool *at_sender)
{
    char *body = ob_message(user, group, ++next_id, message, array);
    struct e2e_resp r;
    ob_post(srv, body, OB_SIGNED, &r);
    free(body);
    bool has_at = false, at = false;
    *text = r.status == 200 ? ob_reply_text(r.body, &at, &has_at) : NULL;
    if (r.status == 200) {
        assert_non_null(*text);
        char ct[128];
        assert_true(e2e_resp_header(&r, "Content-Type", ct, sizeof ct));
        assert_contains(ct, "application/json");
        /* at_sender is always said explicitly in a group, never in a private chat */
        assert_int_equal(has_at, group != NULL);
    }
    if (r.status == 204)
        assert_int_equal(r.len, 0);
    if (at_sender)
        *at_sender = at;
    long st = r.status;
    e2e_resp_free(&r);
    return st;
}

/* expect - the quick reply contains want (want NULL: 204, nothing said). */
static void expect(const char *user, const char *group, const char *message, const char *want)
{
    char *text = NULL;
    long st = say(user, group, message, false, &text, NULL);
    if (!want) {
        if (st != 204)
            fail_msg("\"%s\": expected 204, got %ld \"%s\"", message, st, text ? text : "");
    } else {
        if (st != 200)
            fail_msg("\"%s\": expected 200 with \"%s\", got %ld", message, want, st);
        assert_contains(text, want);
    }
    free(text);
}

static long long events(void)
{
    return e2e_db_int(srv, "SELECT count(*) FROM events");
}

static void test_bad_signatures(void **state)
{
    (void)state;
    long long before = events();
    char *body = ob_message("12340000", NULL, ++next_id, "帮助", false);
    static const struct {
        enum ob_sig sig;
        long status;
    } cases[] = {{OB_NO_SIG, 401}, {OB_BAD_SIG, 403}, {OB_NO_SELF, 403}, {OB_OTHER_SELF, 403}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct e2e_resp r;
        ob_post(srv, body, cases[i].sig, &r);
        assert_int_equal(r.status, cases[i].status);
        e2e_resp_free(&r);
    }
    /* malformed X-Signature values, and a right signature over another body */
    char mac[ONEBOT_SIG_HEX], other[ONEBOT_SIG_HEX];
    onebot_sign(QQ_OB_SECRET, body, strlen(body), mac);
    onebot_sign(QQ_OB_SECRET, "{}", 2, other);
    char h1[96], h2[96], h3[96], h4[96];
    snprintf(h1, sizeof h1, "X-Signature: sha1=%.39s", mac);
    snprintf(h2, sizeof h2, "X-Signature: %s", mac);
    snprintf(h3, sizeof h3, "X-Signature: sha1=%s", other);
    snprintf(h4, sizeof h4, "X-Signature: sha256=%s", mac);
    const char *sigs[] = {h1, h2, h3, h4, "X-Signature: sha1="};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        const char *h[] = {"X-Self-ID: " QQ_OB_SELF, sigs[i], NULL};
        struct e2e_resp r;
        qq_post(srv, "/qq/onebot", h, body, &r);
        assert_int_equal(r.status, 403);
        e2e_resp_free(&r);
    }
    /* upper-case hex is the same signature */
    for (char *p = mac; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 32);
    char up[96];
    snprintf(up, sizeof up, "X-Signature: sha1=%s", mac);
    const char *h[] = {"X-Self-ID: " QQ_OB_SELF, up, NULL};
    struct e2e_resp r;
    qq_post(srv, "/qq/onebot", h, body, &r);
    assert_int_equal(r.status, 200);
    e2e_resp_free(&r);
    free(body);
    /* signed, but not a report; or a body whose self_id is not the header's */
    const char *bad[] = {"not json", "{}", "[1,2]",
                         "{\"self_id\":20002000,\"post_type\":\"meta_event\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ob_post(srv, bad[i], OB_SIGNED, &r);
        assert_int_equal(r.status, 400);
        e2e_resp_free(&r);
    }
    /* GET is not a report */
    e2e_http(srv, "GET", "/qq/onebot", NULL, 0, 0, &r);
    assert_int_equal(r.status, 405);
    e2e_resp_free(&r);
    assert_int_equal(events(), before + 1); /* only the upper-case one got in */
}

static void test_private_and_forms(void **state)
{
    (void)state;
    char *text;
    bool at;
    assert_int_equal(say("12345678", NULL, "帮助", false, &text, &at), 200);
    assert_contains(text, E2E_MENU_HEAD);
    assert_contains(text, E2E_MENU_LINE7);
    free(text);
    assert_int_equal(say("12345678", NULL, "　０　", true, &text, &at), 200); /* normalised */
    assert_contains(text, E2E_MENU_HEAD);
    free(text);
    expect("12345678", NULL, "今天开会吗", FALLBACK); /* private: the fallback answers */
    /* a group @ in the array form; the reply @s the sender */
    assert_int_equal(say("12345678", "555", "@ 帮助", true, &text, &at), 200);
    assert_true(at);
    assert_contains(text, E2E_MENU_HEAD);
    free(text);
    /* the CQ string form with escapes: the feedback stores what the member typed */
    expect("23456789", "555", "[CQ:at,qq=" QQ_OB_SELF "] 留言", PROMPT_FEEDBACK);
    expect("23456789", "555", "&#91;x&#93; &amp;data，食堂能早点开门吗", FEEDBACK_SAVED);
    char *fb = e2e_db_text(srv, "SELECT text FROM feedback WHERE user_id='23456789'");
    assert_string_equal(fb, "[x] &data，食堂能早点开门吗");
    free(fb);
    /* rows: events per platform, identities with account "" (QQ numbers are global) */
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events WHERE platform='onebot' AND "
                                     "account='' AND user_id='12345678' AND group_id IS NULL"),
                     3);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events WHERE msg_key LIKE "
                                     "'ob:" QQ_OB_SELF ":%%' AND group_id='555'"),
                     3);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM identities WHERE platform='onebot' "
                                     "AND account='' AND ext_id IN ('12345678','23456789')"),
                     2);
}

static void test_group_addressing(void **state)
{
    (void)state;
    const char *g = "666", *u = "34567890";
    long long before = e2e_db_int(srv, "SELECT count(*) FROM events WHERE group_id='666'");
    expect(u, g, "今天下午几点开会？", NULL);  /* chatter: left alone */
    expect(u, g, "帮助一下", NULL);            /* not the whole message */
    expect(u, g, "[CQ:at,qq=42] 帮助", NULL);  /* an @ of someone else */
    expect(u, g, "[CQ:at,qq=all] 帮助", NULL); /* @全体成员 is not an @ of zhibu */
    expect(u, g, "帮助", E2E_MENU_HEAD);       /* a whole-message keyword */
    expect(u, g, "０", E2E_MENU_HEAD);         /* a menu number */
    expect(u, g, "#菜单", E2E_MENU_HEAD);      /* the prefix */
    expect(u, g, "＃ 菜单", E2E_MENU_HEAD);    /* the full-width prefix */
    expect(u, g, "[CQ:at,qq=" QQ_OB_SELF "]", E2E_MENU_HEAD); /* an @ alone: the menu */
    expect(u, g, "[CQ:at,qq=" QQ_OB_SELF "] 在吗", FALLBACK);
    expect(u, g, "[CQ:image,file=a.jpg,url=http://x/a.jpg]", NULL); /* a picture overheard */
    /* every one of them is logged; the ones left alone with no handler and no reply */
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events WHERE group_id='666'"),
                     before + 11);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events WHERE group_id='666' AND "
                                     "handler IS NULL AND reply_kind='none'"),
                     5);
    /* a session in a group continues whatever the message */
    expect(u, g, "#留言", PROMPT_FEEDBACK);
    expect("45678901", g, "我也说一句", NULL); /* another member's chatter is not the answer */
    expect(u, g, "希望周六学习", FEEDBACK_SAVED);
}

/* group_cli - `zhibu group ARGS...` for the test server; the exit status, stdout in *out. */
static int group_cli(char **out, const char *a1, const char *a2, const char *a3, const char *a4)
{
    struct e2e_proc p;
    assert_int_equal(e2e_zhibu(srv->dir, &p, "group", a1, "--config", srv->config_path,
                               "--platform", "onebot", "--group", "777", a2, a3, a4, NULL),
                     0);
    int st = p.status;
    if (out)
        *out = strdup(p.out);
    e2e_proc_free(&p);
    return st;
}

static void test_group_rules(void **state)
{
    (void)state;
    const char *g = "777", *u = "56789012";
    char *out;
    /* mention: only an @ or the prefix */
    assert_int_equal(group_cli(&out, "set", "--mode", "mention", NULL), 0);
    assert_contains(out, "mention");
    free(out);
    expect(u, g, "帮助", NULL);
    expect(u, g, "#帮助", E2E_MENU_HEAD);
    expect(u, g, "[CQ:at,qq=" QQ_OB_SELF "] 帮助", E2E_MENU_HEAD);
    expect(u, "555", "帮助", E2E_MENU_HEAD); /* other groups keep the defaults */
    /* all: like a private chat */
    assert_int_equal(group_cli(NULL, "set", "--mode", "all", NULL), 0);
    expect(u, g, "今天开会吗", FALLBACK);
    /* another prefix */
    assert_int_equal(group_cli(NULL, "set", "--mode", "normal", "--prefix"), 2); /* no value */
    assert_int_equal(group_cli(NULL, "set", "--prefix", "小助手", NULL), 0);
    expect(u, g, "小助手 菜单", E2E_MENU_HEAD);
    assert_int_equal(group_cli(NULL, "set", "--mode", "normal", NULL), 0);
    expect(u, g, "#菜单", NULL);
    /* off: never speaks, even when @-ed; still logged */
    assert_int_equal(group_cli(NULL, "set", "--mode", "off", NULL), 0);
    long long before = e2e_db_int(srv, "SELECT count(*) FROM events WHERE group_id='777'");
    expect(u, g, "[CQ:at,qq=" QQ_OB_SELF "] 帮助", NULL);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events WHERE group_id='777'"),
                     before + 1);
    /* the listing, bad values, and back to the defaults */
    struct e2e_proc p;
    assert_int_equal(e2e_zhibu(srv->dir, &p, "group", "list", "--config", srv->config_path, NULL),
                     0);
    assert_int_equal(p.status, 0);
    assert_contains(p.out, "onebot 群 777：模式 off");
    assert_contains(p.out, "不发言");
    e2e_proc_free(&p);
    assert_int_equal(group_cli(NULL, "set", "--mode", "loud", NULL), 2);
    assert_int_equal(group_cli(NULL, "reset", NULL, NULL, NULL), 0);
    expect(u, g, "帮助", E2E_MENU_HEAD);
}

/* wait_record - the fake received a send of api to `to` containing text (5 s at most). */
static bool wait_record(const char *api, const char *to, const char *text)
{
    for (int i = 0; i < 100; i++) {
        size_t n = 0;
        struct du_rec *recs = du_records(&env.fake, &n);
        bool found = false;
        for (size_t k = 0; k < n && !found; k++)
            found = strcmp(recs[k].api, api) == 0 && strcmp(recs[k].to, to) == 0 &&
                    strstr(recs[k].text, text);
        free(recs);
        if (found)
            return true;
        e2e_sleep_ms(50);
    }
    return false;
}

static long notice(const char *type, const char *group, const char *user, long long t)
{
    char *body = ob_notice(type, group, user, t);
    struct e2e_resp r;
    ob_post(srv, body, OB_SIGNED, &r);
    free(body);
    long st = r.status;
    e2e_resp_free(&r);
    return st;
}

static void test_notices(void **state)
{
    (void)state;
    long long t = (long long)time(NULL);
    /* a member joins: welcome in the group, with how to bind, through the outbox */
    assert_int_equal(notice("group_increase", "888", "67890123", t), 204);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events WHERE group_id='888' AND "
                                     "user_id='67890123' AND kind='follow' AND handler='welcome'"),
                     1);
    char *welcome = e2e_db_text(srv, "SELECT text FROM outbox WHERE rcpt='onebot_group' AND "
                                     "to_id='888'");
    assert_contains(welcome, GROUP_WELCOME);
    assert_contains(welcome, "绑定");
    free(welcome);
    assert_true(wait_record("onebot_group", "888", GROUP_WELCOME));
    /* the same notice again: recorded once, welcomed once */
    assert_int_equal(notice("group_increase", "888", "67890123", t), 204);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM outbox WHERE to_id='888'"), 1);
    /* a member leaves: recorded, nothing said */
    assert_int_equal(notice("group_decrease", "888", "67890123", t + 1), 204);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events WHERE group_id='888' AND "
                                     "kind='unfollow' AND reply_kind='none'"),
                     1);
    /* zhibu itself joining, and a group with welcomes off: recorded, no welcome */
    assert_int_equal(notice("group_increase", "889", QQ_OB_SELF, t), 204);
    struct e2e_proc p;
    assert_int_equal(e2e_zhibu(srv->dir, &p, "group", "set", "--config", srv->config_path,
                               "--platform", "onebot", "--group", "890", "--welcome", "off", NULL),
                     0);
    assert_int_equal(p.status, 0);
    e2e_proc_free(&p);
    assert_int_equal(notice("group_increase", "890", "78901234", t), 204);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM outbox WHERE to_id IN ('889','890')"),
                     0);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events WHERE group_id IN "
                                     "('889','890') AND kind='follow'"),
                     2);
    /* a new friend: the welcome and the menu, privately */
    assert_int_equal(notice("friend_add", NULL, "89012345", t), 204);
    assert_true(wait_record("onebot_private", "89012345", E2E_MENU_HEAD));
    /* meta events, requests, our own sent messages: 204 and nothing recorded */
    long long before = events();
    const char *quiet[] = {
        "{\"time\":1,\"self_id\":" QQ_OB_SELF ",\"post_type\":\"meta_event\","
        "\"meta_event_type\":\"heartbeat\",\"interval\":15000}",
        "{\"time\":1,\"self_id\":" QQ_OB_SELF ",\"post_type\":\"meta_event\","
        "\"meta_event_type\":\"lifecycle\",\"sub_type\":\"connect\"}",
        "{\"time\":1,\"self_id\":" QQ_OB_SELF ",\"post_type\":\"request\","
        "\"request_type\":\"friend\",\"user_id\":5,\"flag\":\"x\"}",
        "{\"time\":1,\"self_id\":" QQ_OB_SELF ",\"post_type\":\"message_sent\","
        "\"message_type\":\"group\",\"message_id\":5,\"user_id\":" QQ_OB_SELF ","
        "\"group_id\":555,\"message\":\"帮助\"}",
        "{\"time\":1,\"self_id\":" QQ_OB_SELF ",\"post_type\":\"notice\","
        "\"notice_type\":\"group_recall\",\"group_id\":555,\"user_id\":5}",
    };
    for (size_t i = 0; i < sizeof quiet / sizeof *quiet; i++) {
        struct e2e_resp r;
        ob_post(srv, quiet[i], OB_SIGNED, &r);
        assert_int_equal(r.status, 204);
        e2e_resp_free(&r);
    }
    assert_int_equal(events(), before);
}

static void test_redelivered(void **state)
{
    (void)state;
    /* go-cqhttp retries a report it got no answer to: the same message_id is one event */
    long long id = ++next_id;
    char *start = ob_message("90123456", "999", id, "#留言", false);
    char *text = ob_message("90123456", "999", id + 1, "会议室空调坏了", false);
    next_id += 2;
    char *first = NULL;
    for (int round = 0; round < 3; round++) {
        struct e2e_resp r;
        ob_post(srv, start, OB_SIGNED, &r);
        assert_int_equal(r.status, 200);
        bool at, has;
        char *t = ob_reply_text(r.body, &at, &has);
        if (!first)
            first = strdup(t);
        assert_string_equal(t, first);
        free(t);
        e2e_resp_free(&r);
    }
    for (int round = 0; round < 3; round++) {
        struct e2e_resp r;
        ob_post(srv, text, OB_SIGNED, &r);
        assert_int_equal(r.status, 200);
        assert_contains(r.body, FEEDBACK_SAVED);
        e2e_resp_free(&r);
    }
    assert_contains(first, PROMPT_FEEDBACK);
    free(first);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM feedback WHERE user_id='90123456'"), 1);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events WHERE user_id='90123456'"), 2);
    char metric[64];
    snprintf(metric, sizeof metric, "zhibu_events_duplicate_total{platform=\"onebot\"} ");
    struct e2e_resp m;
    e2e_http(srv, "GET", "/metrics", NULL, 0, 0, &m);
    assert_contains(m.body, metric);
    assert_not_contains(m.body, "zhibu_events_duplicate_total{platform=\"onebot\"} 0\n");
    e2e_resp_free(&m);
    free(start);
    free(text);
}

static void test_say_cli(void **state)
{
    (void)state;
    struct e2e_proc p;
    assert_int_equal(e2e_zhibu(srv->dir, &p, "say", "--config", srv->config_path, "--platform",
                               "onebot", "--group", "1234", "--from", "11223344", "--at", "帮助",
                               NULL),
                     0);
    assert_int_equal(p.status, 0);
    assert_contains(p.out, "@11223344 " E2E_MENU_HEAD);
    e2e_proc_free(&p);
    /* text with characters the CQ string escapes arrives as typed */
    assert_int_equal(e2e_zhibu(srv->dir, &p, "say", "--config", srv->config_path, "--platform",
                               "onebot", "--from", "11223344", "7", NULL),
                     0);
    assert_contains(p.out, PROMPT_FEEDBACK);
    e2e_proc_free(&p);
    assert_int_equal(e2e_zhibu(srv->dir, &p, "say", "--config", srv->config_path, "--platform",
                               "onebot", "--from", "11223344", "[1] a&b,c", NULL),
                     0);
    assert_contains(p.out, FEEDBACK_SAVED);
    e2e_proc_free(&p);
    char *fb = e2e_db_text(srv, "SELECT text FROM feedback WHERE user_id='11223344'");
    assert_string_equal(fb, "[1] a&b,c");
    free(fb);
    /* in a group without an @: nothing, and the member is told why */
    assert_int_equal(e2e_zhibu(srv->dir, &p, "say", "--config", srv->config_path, "--platform",
                               "onebot", "--group", "1234", "--from", "11223344", "大家好", NULL),
                     0);
    assert_int_equal(p.status, 0);
    assert_string_equal(p.out, "");
    assert_contains(p.err, "没有回复");
    e2e_proc_free(&p);
    /* ids must be numbers */
    assert_int_equal(e2e_zhibu(srv->dir, &p, "say", "--config", srv->config_path, "--platform",
                               "onebot", "--from", "abc", "帮助", NULL),
                     0);
    assert_int_equal(p.status, 2);
    e2e_proc_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_signatures),   cmocka_unit_test(test_private_and_forms),
        cmocka_unit_test(test_group_addressing), cmocka_unit_test(test_group_rules),
        cmocka_unit_test(test_notices),          cmocka_unit_test(test_redelivered),
        cmocka_unit_test(test_say_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
