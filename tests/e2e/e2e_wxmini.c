/*
 * e2e_wxmini.c - the mini-program's message push at /wechat/mini and its delivery, against the
 * real binary and the fake platform:
 *   plain_json_and_xml   plain mode: a JSON push and an XML push are answered "success", and
 *                        the reply reaches the fake's customer-service endpoint for the openid;
 *                        GET answers echostr; a bad signature is refused before the body is read
 *                        (garbage body: 403, nothing logged)
 *   safe_mode            safe mode: plaintext refused (403), an encrypted JSON push and an
 *                        encrypted XML push are answered and replied to; a wrong msg_signature
 *                        is refused; `zhibu say --platform wxmini` prints the queued reply
 *   grants_channel       a grant is used once (subscribe/send), the second notify goes to the
 *                        member's next channel (OneBot); a 43101 also moves on
 */
#include <curl/curl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bot/base/buf.h"
#include "bot/delivery/notify.h"
#include "bot/store/store.h"
#include "tests/e2e/delivery_util.h"
#include "webhook/wechat/wechat_crypto.h"

#define TOKEN   "miniToken7"
#define AES_KEY "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
#define MENU    "【支部小助手】"

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct buf *b = ud;
    return buf_append(b, p, size * n) ? 0 : size * n;
}

/* http - method on the server's path; the body answer into out (caller frees); the status. */
static long http(const struct du_server *s, const char *method, const char *path, const char *ctype,
                 const char *body, char **out)
{
    char url[1024], hdr[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s->port, path);
    struct buf b;
    buf_init(&b, 1 << 20);
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    if (ctype) {
        snprintf(hdr, sizeof hdr, "Content-Type: %s", ctype);
        h = curl_slist_append(h, hdr);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    *out = buf_steal(&b);
    return status;
}

/* query - "?signature=..&timestamp=..&nonce=.." (and the safe-mode pair for encrypt). */
static void query(const char *encrypt, bool bad_sig, char *out, size_t n)
{
    char ts[24], nonce[24], sig[WECHAT_SIG_HEX], msig[WECHAT_SIG_HEX];
    static int seq;
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    snprintf(nonce, sizeof nonce, "%d%d", (int)getpid(), ++seq);
    const char *p3[3] = {TOKEN, ts, nonce};
    wechat_sign(p3, 3, sig);
    if (bad_sig)
        sig[0] = sig[0] == '0' ? '1' : '0';
    int len = snprintf(out, n, "/wechat/mini?signature=%s&timestamp=%s&nonce=%s", sig, ts, nonce);
    if (encrypt) {
        const char *p4[4] = {TOKEN, ts, nonce, encrypt};
        wechat_sign(p4, 4, msig);
        snprintf(out + len, n - (size_t)len, "&encrypt_type=aes&msg_signature=%s", msig);
    }
}

static char *json_text(const char *from, const char *text, long long msgid)
{
    char *s = malloc(1024);
    snprintf(s, 1024,
             "{\"ToUserName\":\"gh_mini\",\"FromUserName\":\"%s\",\"CreateTime\":%lld,"
             "\"MsgType\":\"text\",\"Content\":\"%s\",\"MsgId\":%lld}",
             from, (long long)time(NULL), text, msgid);
    return s;
}

static char *xml_text(const char *from, const char *text, long long msgid)
{
    char *s = malloc(1024);
    snprintf(s, 1024,
             "<xml><ToUserName><![CDATA[gh_mini]]></ToUserName><FromUserName><![CDATA[%s]]>"
             "</FromUserName><CreateTime>%lld</CreateTime><MsgType><![CDATA[text]]></MsgType>"
             "<Content><![CDATA[%s]]></Content><MsgId>%lld</MsgId></xml>",
             from, (long long)time(NULL), text, msgid);
    return s;
}

/* cs_to - the fake's customer-service sends to openid; *text gets the last one's text. */
static int cs_to(const struct du_fake *f, const char *openid, char *text, size_t n)
{
    size_t count = 0;
    struct du_rec *rec = du_records(f, &count);
    int hits = 0;
    for (size_t i = 0; i < count; i++)
        if (strcmp(rec[i].api, "wechat_cs") == 0 && strcmp(rec[i].to, openid) == 0) {
            hits++;
            snprintf(text, n, "%s", rec[i].text);
        }
    free(rec);
    return hits;
}

static bool wait_cs(const struct du_fake *f, const char *openid, int want)
{
    char text[256];
    for (int i = 0; i < 150; i++) {
        if (cs_to(f, openid, text, sizeof text) >= want)
            return strstr(text, MENU) != NULL;
        du_sleep_ms(100);
    }
    return false;
}

static void start(struct du_fake *f, struct du_server *s, const char *mode, const char *tpl)
{
    char extra[1024];
    snprintf(extra, sizeof extra,
             "\"wxmini\":{\"enabled\":true,\"app_id\":\"%s\",\"app_secret\":\"%s\","
             "\"token\":\"" TOKEN "\",\"encoding_aes_key\":\"" AES_KEY "\",\"mode\":\"%s\","
             "\"api_base\":\"http://127.0.0.1:%%d\"%s%s}",
             DU_WX_APPID, DU_WX_SECRET, mode, tpl ? "," : "", tpl ? tpl : "");
    char extra2[1100];
    assert_int_equal(du_fake_start(f, NULL), 0);
    snprintf(extra2, sizeof extra2, extra, f->port);
    assert_int_equal(du_server_config(s, f, 4, NULL, NULL, extra2), 0);
    assert_int_equal(du_server_start(s), 0);
}

static void plain_json_and_xml(void **state)
{
    (void)state;
    struct du_fake f;
    struct du_server s;
    start(&f, &s, "plain", NULL);
    char q[512], *out = NULL, *body;

    query(NULL, false, q, sizeof q);
    body = json_text("oJSON1", "菜单", 1001);
    assert_int_equal(http(&s, "POST", q, "application/json", body, &out), 200);
    assert_string_equal(out, "success");
    free(out), free(body);
    assert_true(wait_cs(&f, "oJSON1", 1));
    assert_int_equal(du_db_int(&s, "SELECT count(*) FROM events WHERE platform='wxmini' AND "
                                   "user_id='oJSON1'"),
                     1);

    query(NULL, false, q, sizeof q);
    body = xml_text("oXML1", "菜单", 1002);
    assert_int_equal(http(&s, "POST", q, "text/xml", body, &out), 200); /* told by Content-Type */
    assert_string_equal(out, "success");
    free(out), free(body);
    assert_true(wait_cs(&f, "oXML1", 1));

    /* no Content-Type: told by the first byte */
    query(NULL, false, q, sizeof q);
    body = json_text("oJSON2", "菜单", 1003);
    assert_int_equal(http(&s, "POST", q, "", body, &out), 200);
    free(out), free(body);
    assert_true(wait_cs(&f, "oJSON2", 1));

    /* a bad signature is refused before the body is read */
    long long before = du_db_int(&s, "SELECT count(*) FROM events");
    query(NULL, true, q, sizeof q);
    assert_int_equal(http(&s, "POST", q, "application/json", "{{{ not json", &out), 403);
    free(out);
    query(NULL, false, q, sizeof q);
    assert_int_equal(http(&s, "POST", q, "application/json", "{{{ not json", &out), 400);
    free(out);
    assert_int_equal(du_db_int(&s, "SELECT count(*) FROM events"), before);

    /* URL verification */
    query(NULL, false, q, sizeof q);
    size_t ql = strlen(q);
    snprintf(q + ql, sizeof q - ql, "&echostr=hello123");
    assert_int_equal(http(&s, "GET", q, NULL, NULL, &out), 200);
    assert_string_equal(out, "hello123");
    free(out);
    /* an encrypted push is refused in plain mode */
    query("abc", false, q, sizeof q);
    assert_int_equal(http(&s, "POST", q, "application/json", "{\"Encrypt\":\"abc\"}", &out), 400);
    free(out);
    assert_int_equal(du_server_stop(&s), 0);
    du_fake_stop(&f);
}

/* A push URL captured before a restart carries no other body after it (compatible mode, a
 * plaintext push): refused, nothing written; its own body is a retry; a fresh URL works. */
static void replay_after_restart(void **state)
{
    (void)state;
    struct du_fake f;
    struct du_server s;
    start(&f, &s, "compatible", NULL);
    char q[512], q2[512], *out = NULL;
    char *body = json_text("oRP1", "菜单", 3001);
    char *forged = json_text("oRPvictim", "菜单", 3002);
    query(NULL, false, q, sizeof q);
    assert_int_equal(http(&s, "POST", q, "application/json", body, &out), 200);
    free(out);
    assert_true(du_wait_db(&s, "SELECT count(*) FROM events WHERE user_id='oRP1'", 1, 5000));
    assert_int_equal(du_server_stop(&s), 0);
    assert_int_equal(du_server_start(&s), 0);
    assert_int_equal(http(&s, "POST", q, "application/json", forged, &out), 403);
    free(out);
    assert_int_equal(du_db_int(&s, "SELECT count(*) FROM events WHERE user_id='oRPvictim'"), 0);
    assert_int_equal(http(&s, "POST", q, "application/json", body, &out), 200);
    free(out);
    assert_int_equal(du_db_int(&s, "SELECT count(*) FROM events WHERE user_id='oRP1'"), 1);
    query(NULL, false, q2, sizeof q2);
    assert_int_equal(http(&s, "POST", q2, "application/json", forged, &out), 200);
    free(out);
    assert_int_equal(du_db_int(&s, "SELECT count(*) FROM events WHERE user_id='oRPvictim'"), 1);
    free(body);
    free(forged);
    assert_int_equal(du_server_stop(&s), 0);
    du_fake_stop(&f);
}

/* sealed - the safe-mode body for plain (JSON when json, else XML) and its query. */
static char *sealed(const char *plain, bool json, bool bad_msig, char *q, size_t qn)
{
    unsigned char key[WECHAT_KEY_LEN], rnd[16] = {7};
    char *cipher = NULL;
    assert_int_equal(wechat_key_decode(AES_KEY, key), 0);
    assert_int_equal(wechat_encrypt(key, rnd, plain, strlen(plain), DU_WX_APPID, &cipher), 0);
    query(cipher, false, q, qn);
    if (bad_msig) {
        char *m = strstr(q, "msg_signature=") + 14;
        *m = *m == '0' ? '1' : '0';
    }
    size_t bn = strlen(cipher) + 128;
    char *body = malloc(bn);
    if (json)
        snprintf(body, bn, "{\"ToUserName\":\"gh_mini\",\"Encrypt\":\"%s\"}", cipher);
    else
        snprintf(body, bn,
                 "<xml><ToUserName><![CDATA[gh_mini]]></ToUserName><Encrypt><![CDATA[%s]]>"
                 "</Encrypt></xml>",
                 cipher);
    free(cipher);
    return body;
}

static void safe_mode(void **state)
{
    (void)state;
    struct du_fake f;
    struct du_server s;
    start(&f, &s, "safe", NULL);
    char q[1024], *out = NULL, *body;

    query(NULL, false, q, sizeof q);
    body = json_text("oSAFE0", "菜单", 2001);
    assert_int_equal(http(&s, "POST", q, "application/json", body, &out), 403);
    free(out), free(body);

    char *plain = json_text("oSAFE1", "菜单", 2002);
    body = sealed(plain, true, false, q, sizeof q);
    assert_int_equal(http(&s, "POST", q, "application/json", body, &out), 200);
    assert_string_equal(out, "success");
    free(out), free(body), free(plain);
    assert_true(wait_cs(&f, "oSAFE1", 1));

    plain = xml_text("oSAFE2", "菜单", 2003);
    body = sealed(plain, false, false, q, sizeof q);
    assert_int_equal(http(&s, "POST", q, "application/xml", body, &out), 200);
    free(out), free(body), free(plain);
    assert_true(wait_cs(&f, "oSAFE2", 1));

    plain = json_text("oSAFE3", "菜单", 2004);
    body = sealed(plain, true, true, q, sizeof q);
    assert_int_equal(http(&s, "POST", q, "application/json", body, &out), 403);
    free(out), free(body), free(plain);
    assert_int_equal(du_db_int(&s, "SELECT count(*) FROM events WHERE user_id='oSAFE3'"), 0);

    char said[8192] = "";
    assert_int_equal(du_cli(&s, said, sizeof said, "say", "--platform", "wxmini", "--from", "oSAY1",
                            "菜单", NULL),
                     0);
    assert_non_null(strstr(said, MENU));
    assert_true(wait_cs(&f, "oSAY1", 1));
    assert_int_equal(du_server_stop(&s), 0);
    du_fake_stop(&f);
}

/* notify - notify_send for member 1 on the server's database in one transaction. */
static void notify(const struct du_server *s, const char *key)
{
    struct notify_fields nf = {
        .title = "支部党员大会", .time = "12月1日 14:30", .text = "一小时后开支部党员大会"};
    struct notify_result r;
    assert_int_equal(store_init(s->db, false, NULL, 0), 0);
    assert_int_equal(store_begin(), 0);
    assert_int_equal(notify_send(1, "meeting.reminder", NOTIFY_URGENT, key, &nf, &r), 0);
    assert_int_equal(store_commit(), 0);
    store_close_thread();
    assert_int_equal(r.outcome, NOTIFY_QUEUED);
}

static bool sent_by(const struct du_server *s, const char *key, const char *channel)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM outbox WHERE idem_key='%s' AND status='sent' AND channel='%s'",
             key, channel);
    return du_wait_db(s, sql, 1, 15000);
}

static void grants_channel(void **state)
{
    (void)state;
    struct du_fake f;
    struct du_server s;
    start(&f, &s, "plain",
          "\"templates\":{\"meeting.reminder\":{\"id\":\"TPLMINI\",\"fields\":{"
          "\"thing1\":\"title\",\"time2\":\"time\"}}}");
    /* member 1: the mini-program first, then OneBot */
    assert_int_equal(
        du_db_exec(&s, "INSERT INTO members(id, name, created_at, updated_at) VALUES(1,'张三',0,0);"
                       "INSERT INTO identities(platform, account, ext_id, member_id, first_seen, "
                       "last_seen) VALUES('wxmini','','oG1',1,0,100),('onebot','','20001',1,0,90);"
                       "INSERT INTO wxmini_grants VALUES('oG1','TPLMINI',1,0,0);"),
        0);
    notify(&s, "meeting:1:member:1:1h");
    assert_true(sent_by(&s, "meeting:1:member:1:1h", "wxmini_subscribe"));
    assert_int_equal(du_db_int(&s, "SELECT count FROM wxmini_grants WHERE openid='oG1'"), 0);
    size_t n = 0;
    struct du_rec *rec = du_records(&f, &n);
    int subs = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(rec[i].api, "wxmini_subscribe") == 0 && strcmp(rec[i].to, "oG1") == 0) {
            subs++;
            assert_string_equal(rec[i].key, "TPLMINI");
            assert_non_null(strstr(rec[i].data, "\"thing1\":{\"value\":\"支部党员大会\"}"));
        }
    free(rec);
    assert_int_equal(subs, 1);
    /* the grant is spent: the second one goes to OneBot */
    notify(&s, "meeting:2:member:1:1h");
    assert_true(sent_by(&s, "meeting:2:member:1:1h", "onebot_private"));
    /* a grant recorded here, but WeChat says 43101: the next channel, and the grant is dropped */
    assert_int_equal(du_db_exec(&s, "UPDATE wxmini_grants SET count=3 WHERE openid='oG1'"), 0);
    assert_int_equal(du_fake_set(&f, "wechat_errcode=43101&errcode_count=1"), 0);
    notify(&s, "meeting:3:member:1:1h");
    assert_true(sent_by(&s, "meeting:3:member:1:1h", "onebot_private"));
    assert_int_equal(du_db_int(&s, "SELECT count FROM wxmini_grants WHERE openid='oG1'"), 0);
    assert_int_equal(du_server_stop(&s), 0);
    du_fake_stop(&f);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_json_and_xml),
        cmocka_unit_test(replay_after_restart),
        cmocka_unit_test(safe_mode),
        cmocka_unit_test(grants_channel),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
