/*
 * e2e_wechat_errors.c - hostile and broken requests against the real binary.
 *
 * Each case is a request (built by one function from the case's fields), the status it must get,
 * and the promise that goes with every rejection: a log line "http STATUS: ..." and no partial
 * write (no table of the database gains a row). Every family of broken
 * requests has a well-formed control built the same way that must succeed, so a broken builder
 * cannot pass for a strict server. Then the HTTP edge: 404, 405, 413 with and without
 * Content-Length, and the timestamp window switched off.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <mbedtls/base64.h>

#include "tests/e2e/e2e_util.h"
#include "webhook/wechat/wechat_crypto.h"

static struct e2e_server *srv; /* AES key, window 300, default body limit */

static int setup(void **state)
{
    (void)state;
    srv = e2e_server_up(&(struct e2e_config){.aes_key = E2E_AES_KEY});
    return srv ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    int st = srv ? e2e_server_stop(srv) : 0;
    e2e_server_free(srv);
    return st == 0 ? 0 : -1;
}

/* writes - rows in every table: a rejected request may add none anywhere. */
static long long writes(struct e2e_server *s)
{
    long long n = e2e_db_rows(s);
    assert_true(n >= 0);
    return n;
}

/*
 * expect - send method path with body on s; assert the status, and for a 4xx the log line and
 * that nothing was written; for a 200 that exactly one events row was added.
 */
static void expect(struct e2e_server *s, const char *method, const char *path, const char *body,
                   size_t len, unsigned flags, long status)
{
    long long before = writes(s);
    char *census = e2e_db_census(s);
    long long events = e2e_db_int(s, "SELECT count(*) FROM events");
    long mark = e2e_log_mark(s);
    struct e2e_resp r;
    e2e_http(s, method, path, body, len, flags, &r);
    if (r.status != status)
        fail_msg("%s %.120s (%zu bytes%s): status %ld, want %ld; body \"%.300s\"", method, path,
                 len, flags & E2E_CHUNKED ? ", chunked" : "", r.status, status, r.body);
    e2e_resp_free(&r);
    if (status >= 400) {
        char needle[32];
        snprintf(needle, sizeof needle, "http %ld:", status);
        if (!e2e_log_has(s, mark, needle))
            fail_msg("no log line \"%s\" for %s %.120s", needle, method, path);
        if (writes(s) != before) {
            char *now = e2e_db_census(s);
            fail_msg("%s %.120s wrote: before %s, after %s", method, path, census, now);
        }
    } else {
        assert_int_equal(e2e_db_int(s, "SELECT count(*) FROM events"), events + 1);
    }
    free(census);
}

static char *text_xml(const char *from, const char *text)
{
    char id[24];
    e2e_msgid(id);
    return e2e_wx_xml(from, "text", (long long)time(NULL), id, "Content", text, NULL);
}

/* ---- the query: signature, timestamp, nonce, encrypt_type ---- */

struct query_case {
    const char *name;
    const char *fmt; /* query; %1$s signature, %2$s timestamp, %3$s nonce */
    long ts_skew;    /* seconds added to now */
    bool bad_sig;    /* corrupt the signature */
    long status;
};

static const struct query_case query_cases[] = {
    {"control", "signature=%1$s&timestamp=%2$s&nonce=%3$s", 0, false, 200},
    {"encrypt_type=raw", "signature=%1$s&timestamp=%2$s&nonce=%3$s&encrypt_type=raw", 0, false,
     200},
    {"timestamp 250 s old", "signature=%1$s&timestamp=%2$s&nonce=%3$s", -250, false, 200},
    {"no signature", "timestamp=%2$s&nonce=%3$s", 0, false, 401},
    {"no timestamp", "signature=%1$s&nonce=%3$s", 0, false, 401},
    {"no nonce", "signature=%1$s&timestamp=%2$s", 0, false, 401},
    {"wrong signature", "signature=%1$s&timestamp=%2$s&nonce=%3$s", 0, true, 403},
    {"empty signature", "signature=&timestamp=%2$s&nonce=%3$s", 0, false, 403},
    {"stale timestamp", "signature=%1$s&timestamp=%2$s&nonce=%3$s", -1000, false, 403},
    {"timestamp from the future", "signature=%1$s&timestamp=%2$s&nonce=%3$s", 1000, false, 403},
    {"unknown encrypt_type", "signature=%1$s&timestamp=%2$s&nonce=%3$s&encrypt_type=des", 0, false,
     400},
};

static void test_query_checks(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof query_cases / sizeof query_cases[0]; i++) {
        const struct query_case *c = &query_cases[i];
        char ts[24], nonce[24], sig[41], q[1024], path[1100], from[32];
        snprintf(ts, sizeof ts, "%lld", (long long)time(NULL) + c->ts_skew);
        e2e_nonce(nonce);
        e2e_sign3(srv->token, ts, nonce, sig);
        if (c->bad_sig)
            sig[0] = sig[0] == 'a' ? 'b' : 'a';
        snprintf(q, sizeof q, c->fmt, sig, ts, nonce);
        snprintf(path, sizeof path, "/wechat?%s", q);
        snprintf(from, sizeof from, "o_query_%zu", i);
        char *xml = text_xml(from, "留言"); /* would open a session if accepted */
        print_message("  %s\n", c->name);
        expect(srv, "POST", path, xml, strlen(xml), 0, c->status);
        free(xml);
    }
}

/* ---- the body in plaintext mode ---- */

struct body_case {
    const char *name;
    const char *body;
    long status;
};

static const struct body_case body_cases[] = {
    {"control",
     "<xml><ToUserName><![CDATA[gh_e2e_account]]></ToUserName><FromUserName><![CDATA["
     "o_body_ok]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA["
     "text]]></MsgType><Content><![CDATA[帮助]]></Content><MsgId>7100000000000000001"
     "</MsgId></xml>",
     200},
    {"empty body", "", 400},
    {"not XML", "this is not xml <<<", 400},
    {"JSON", "{\"ToUserName\":\"gh\",\"FromUserName\":\"o\",\"MsgType\":\"text\"}", 400},
    {"truncated XML", "<xml><ToUserName><![CDATA[gh_e2e_account]]></ToUserName><FromUserName>",
     400},
    {"root is not <xml>",
     "<msg><FromUserName>o_body_root</FromUserName><CreateTime>1700000000"
     "</CreateTime><MsgType>text</MsgType><Content>帮助</Content></msg>",
     400},
    {"DOCTYPE with an external entity (XXE)",
     "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><xml>"
     "<ToUserName>gh_e2e_account</ToUserName><FromUserName>o_body_xxe</FromUserName><CreateTime>"
     "1700000000</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>"
     "7100000000000000002</MsgId></xml>",
     400},
    {"DOCTYPE without entities",
     "<!DOCTYPE xml><xml><ToUserName>gh_e2e_account</ToUserName>"
     "<FromUserName>o_body_dtd</FromUserName><CreateTime>1700000000"
     "</CreateTime><MsgType>text</MsgType><Content>帮助</Content>"
     "<MsgId>7100000000000000003</MsgId></xml>",
     400},
    {"internal entity expansion (billion laughs)",
     "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
     "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><xml>"
     "<ToUserName>gh_e2e_account</ToUserName><FromUserName>o_body_lol</FromUserName><CreateTime>"
     "1700000000</CreateTime><MsgType>text</MsgType><Content>&c;</Content><MsgId>"
     "7100000000000000004</MsgId></xml>",
     400},
    {"no FromUserName",
     "<xml><ToUserName>gh_e2e_account</ToUserName><CreateTime>1700000000"
     "</CreateTime><MsgType>text</MsgType><Content>帮助</Content><MsgId>"
     "7100000000000000005</MsgId></xml>",
     400},
    {"no MsgType",
     "<xml><ToUserName>gh_e2e_account</ToUserName><FromUserName>o_body_notype"
     "</FromUserName><CreateTime>1700000000</CreateTime><Content>帮助</Content>"
     "<MsgId>7100000000000000006</MsgId></xml>",
     400},
    {"CreateTime not a number",
     "<xml><ToUserName>gh_e2e_account</ToUserName><FromUserName>"
     "o_body_ct</FromUserName><CreateTime>yesterday</CreateTime>"
     "<MsgType>text</MsgType><Content>帮助</Content><MsgId>"
     "7100000000000000007</MsgId></xml>",
     400},
    {"more fields than the reader keeps",
     "<xml><ToUserName>gh_e2e_account</ToUserName><FromUserName>o_body_fields</FromUserName>"
     "<CreateTime>1700000000</CreateTime><MsgType>text</MsgType><Content>帮助</Content>"
     "<F01/><F02/><F03/><F04/><F05/><F06/><F07/><F08/><F09/><F10/><F11/><F12/><F13/><F14/>"
     "<F15/><F16/><F17/><F18/><F19/><F20/><F21/><F22/><F23/><F24/><F25/><F26/><F27/><F28/>"
     "<F29/><F30/><F31/><F32/><F33/><F34/><F35/><F36/><F37/><F38/><F39/><F40/><F41/><F42/>"
     "<F43/><F44/><F45/><F46/><F47/><F48/><F49/><F50/><F51/><F52/><F53/><F54/><F55/><F56/>"
     "<F57/><F58/><F59/><F60/><F61/><F62/><F63/><F64/><F65/><F66/><F67/><F68/><F69/><F70/>"
     "<MsgId>7100000000000000008</MsgId></xml>",
     400},
    {"nested deeper than the reader goes",
     "<xml><ToUserName>gh_e2e_account</ToUserName><FromUserName>o_body_deep</FromUserName>"
     "<CreateTime>1700000000</CreateTime><MsgType>text</MsgType><Content>帮助</Content>"
     "<a><b><c><d><e><f><g><h><i><j><k>x</k></j></i></h></g></f></e></d></c></b></a>"
     "<MsgId>7100000000000000009</MsgId></xml>",
     400},
    {"encrypt_type=aes without Encrypt", NULL, 400}, /* the control body, aes query: below */
};

static void test_body_checks(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof body_cases / sizeof body_cases[0]; i++) {
        const struct body_case *c = &body_cases[i];
        char ts[24], nonce[24], *query, *unused;
        e2e_now(ts);
        e2e_nonce(nonce);
        const char *body = c->body ? c->body : body_cases[0].body;
        if (c->body)
            e2e_wx_request(srv, E2E_PLAIN, body, ts, nonce, &query, &unused);
        else /* an aes query whose msg_signature covers an Encrypt the body lacks */
            e2e_wx_envelope_request(srv, "QUJD", ts, nonce, &query, &unused);
        print_message("  %s\n", c->name);
        expect(srv, "POST", query, body, strlen(body), 0, c->status);
        free(query);
        free(unused);
    }
}

/* ---- the envelope in safe mode ---- */

enum env_fault {
    ENV_NONE,         /* a correct envelope built by hand: the control */
    ENV_APPID_OTHER,  /* another AppID */
    ENV_APPID_PREFIX, /* our AppID minus its last character */
    ENV_APPID_LONGER, /* our AppID plus one character */
    ENV_PAD_ZERO,     /* last byte 0 */
    ENV_PAD_33,       /* 33 bytes of 33: consistent, but over the 32 WeChat allows */
    ENV_PAD_MIXED,    /* pad bytes not all equal */
    ENV_LEN_LONG,     /* msg_len past the end */
    ENV_LEN_SHORT,    /* msg_len short: the receive-id then starts inside the message */
    ENV_NOT_BLOCKS,   /* ciphertext length not a multiple of 16 */
    ENV_NOT_BASE64,   /* Encrypt is not base64 */
    ENV_INNER_XXE,    /* decrypts, but the inner XML has a DOCTYPE */
    ENV_INNER_GARBAGE /* decrypts to something that is not XML */
};

struct env_case {
    const char *name;
    enum env_fault fault;
    long status;
};

static const struct env_case env_cases[] = {
    {"control", ENV_NONE, 200},
    {"another AppID", ENV_APPID_OTHER, 400},
    {"AppID prefix", ENV_APPID_PREFIX, 400},
    {"AppID plus a character", ENV_APPID_LONGER, 400},
    {"pad byte 0", ENV_PAD_ZERO, 400},
    {"pad of 33 bytes of 33", ENV_PAD_33, 400},
    {"pad bytes differ", ENV_PAD_MIXED, 400},
    {"msg_len past the end", ENV_LEN_LONG, 400},
    {"msg_len short", ENV_LEN_SHORT, 400},
    {"ciphertext not whole blocks", ENV_NOT_BLOCKS, 400},
    {"Encrypt not base64", ENV_NOT_BASE64, 400},
    {"inner XML with DOCTYPE (XXE)", ENV_INNER_XXE, 400},
    {"inner not XML", ENV_INNER_GARBAGE, 400},
};

static char *b64(const unsigned char *p, size_t n)
{
    size_t cap = (n + 2) / 3 * 4 + 1, olen = 0;
    char *out = malloc(cap);
    assert_int_equal(mbedtls_base64_encode((unsigned char *)out, cap, &olen, p, n), 0);
    return out;
}

/* envelope - the Encrypt value for fault, carrying a text message from `from`. Caller frees. */
static char *envelope(enum env_fault fault, const char *from)
{
    char *xml;
    if (fault == ENV_INNER_XXE) {
        char id[24], tmp[1024];
        e2e_msgid(id);
        snprintf(tmp, sizeof tmp,
                 "<!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/hostname\">]><xml><ToUserName>"
                 "gh_e2e_account</ToUserName><FromUserName>%s</FromUserName><CreateTime>%lld"
                 "</CreateTime><MsgType>text</MsgType><Content>&x;</Content><MsgId>%s</MsgId>"
                 "</xml>",
                 from, (long long)time(NULL), id);
        xml = strdup(tmp);
    } else if (fault == ENV_INNER_GARBAGE) {
        xml = strdup("not xml at all");
    } else {
        xml = text_xml(from, "留言");
    }
    if (fault == ENV_NOT_BASE64) {
        free(xml);
        return strdup("!!!!not*base64!!!!");
    }
    const char *appid = srv->app_id;
    char other[80];
    if (fault == ENV_APPID_OTHER)
        appid = "wx0000000000000bad";
    if (fault == ENV_APPID_PREFIX) {
        snprintf(other, sizeof other, "%.*s", (int)strlen(srv->app_id) - 1, srv->app_id);
        appid = other;
    }
    if (fault == ENV_APPID_LONGER) {
        snprintf(other, sizeof other, "%sx", srv->app_id);
        appid = other;
    }
    size_t ml = strlen(xml), al = strlen(appid);
    /* Whitespace after the root element is still XML: grow the message until the pad has
     * several bytes or, for ENV_PAD_33, until a pad of 33 ends on an AES block boundary (a
     * consistent pad one byte too long, which only the 1..32 range check refuses). */
    while (fault == ENV_PAD_33 ? (16 + 4 + ml + al + 33) % 16 != 0
                               : 32 - (16 + 4 + ml + al) % 32 < 4) {
        xml = realloc(xml, ml + 2);
        memcpy(xml + ml, " ", 2);
        ml++;
    }
    size_t body = 16 + 4 + ml + al;
    size_t pad = fault == ENV_PAD_33 ? 33 : 32 - body % 32; /* 4..32, or 33 */
    size_t n = body + pad;
    unsigned char *p = calloc(1, n);
    memcpy(p, "0123456789abcdef", 16);
    uint32_t len = (uint32_t)ml;
    if (fault == ENV_LEN_LONG)
        len += 1000;
    if (fault == ENV_LEN_SHORT)
        len -= 5;
    p[16] = (unsigned char)(len >> 24);
    p[17] = (unsigned char)(len >> 16);
    p[18] = (unsigned char)(len >> 8);
    p[19] = (unsigned char)len;
    memcpy(p + 20, xml, ml);
    memcpy(p + 20 + ml, appid, al);
    memset(p + body, (int)pad, pad);
    if (fault == ENV_PAD_ZERO)
        p[n - 1] = 0;
    if (fault == ENV_PAD_MIXED)
        p[n - 2] = (unsigned char)(pad - 1);
    char *out;
    if (fault == ENV_NOT_BLOCKS) {
        out = b64(p, n - 8); /* whatever it was, 8 bytes short of whole blocks */
    } else {
        out = e2e_seal_raw(srv->key, p, n);
    }
    free(p);
    free(xml);
    return out;
}

static void test_envelope_checks(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof env_cases / sizeof env_cases[0]; i++) {
        const struct env_case *c = &env_cases[i];
        char ts[24], nonce[24], from[32], *query, *body;
        snprintf(from, sizeof from, "o_env_%zu", i);
        e2e_now(ts);
        e2e_nonce(nonce);
        char *enc = envelope(c->fault, from);
        assert_non_null(enc);
        e2e_wx_envelope_request(srv, enc, ts, nonce, &query, &body);
        print_message("  %s\n", c->name);
        expect(srv, "POST", query, body, strlen(body), 0, c->status);
        free(enc);
        free(query);
        free(body);
    }
}

/* msg_signature: required with encrypt_type=aes, and over the Encrypt actually sent. */
static void test_msg_signature_checks(void **state)
{
    (void)state;
    char ts[24], nonce[24], *query, *body, *xml, path[1024], sig[41], msig[41];
    struct {
        const char *name;
        int variant;
        long status;
    } cases[] = {
        {"control", 0, 200},
        {"msg_signature missing", 1, 401},
        {"msg_signature wrong", 2, 403},
        {"msg_signature over another ciphertext", 3, 403},
        {"msg_signature made with another token", 4, 403},
        {"msg_signature right, signature wrong", 5, 403},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char from[32];
        snprintf(from, sizeof from, "o_msgsig_%zu", i);
        xml = text_xml(from, "留言");
        e2e_now(ts);
        e2e_nonce(nonce);
        e2e_wx_request(srv, E2E_SAFE, xml, ts, nonce, &query, &body);
        e2e_sign3(srv->token, ts, nonce, sig);
        char *cipher = e2e_seal(srv->key, xml, strlen(xml), srv->app_id);
        switch (cases[i].variant) {
        case 0:
            snprintf(path, sizeof path, "%s", query);
            break;
        case 1:
            snprintf(path, sizeof path,
                     "/wechat?signature=%s&timestamp=%s&nonce=%s&encrypt_type=aes", sig, ts, nonce);
            break;
        case 2:
            snprintf(path, sizeof path, "%s", query);
            path[strlen(path) - 1] = path[strlen(path) - 1] == '0' ? '1' : '0';
            break;
        case 3: /* signed for a fresh ciphertext of the same message */
            e2e_sign4(srv->token, ts, nonce, cipher, msig);
            snprintf(path, sizeof path,
                     "/wechat?signature=%s&timestamp=%s&nonce=%s&encrypt_type=aes&msg_signature=%s",
                     sig, ts, nonce, msig);
            break;
        case 4: {
            const char *enc = strstr(body, "<Encrypt><![CDATA[") + strlen("<Encrypt><![CDATA[");
            char sent[8192];
            snprintf(sent, sizeof sent, "%.*s", (int)(strstr(enc, "]]>") - enc), enc);
            e2e_sign4("not-the-token", ts, nonce, sent, msig);
            snprintf(path, sizeof path,
                     "/wechat?signature=%s&timestamp=%s&nonce=%s&encrypt_type=aes&msg_signature=%s",
                     sig, ts, nonce, msig);
            break;
        }
        case 5: { /* the 3-field signature is checked in encrypted modes too */
            char *q = strstr(query, "signature=") + strlen("signature=");
            q[0] = q[0] == 'a' ? 'b' : 'a';
            snprintf(path, sizeof path, "%s", query);
            break;
        }
        }
        print_message("  %s\n", cases[i].name);
        expect(srv, "POST", path, body, strlen(body), 0, cases[i].status);
        free(cipher);
        free(xml);
        free(query);
        free(body);
    }
}

/* A server without an AES key cannot take encrypted messages. */
static void test_encrypted_without_key(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){0});
    assert_non_null(s);
    /* seal with the usual key; the server has none */
    assert_int_equal(wechat_key_decode(E2E_AES_KEY, s->key), 0);
    s->have_key = true;
    char ts[24], nonce[24], *query, *body;
    char *xml = text_xml("o_nokey", "帮助");
    e2e_now(ts);
    e2e_nonce(nonce);
    e2e_wx_request(s, E2E_SAFE, xml, ts, nonce, &query, &body);
    expect(s, "POST", query, body, strlen(body), 0, 400);
    free(xml);
    free(query);
    free(body);
    assert_int_equal(e2e_server_stop(s), 0);
    e2e_server_free(s);
}

/* In plaintext mode the signature does not cover the body: a signed URL seen once can carry the
 * same body again (a retry) but not another one. */
static void test_plaintext_signature_reuse(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){0});
    assert_non_null(s);
    char ts[24], nonce[24], *query, *body;
    char *xml = text_xml("o_replay", "帮助");
    char *other = text_xml("o_replay_victim", "留言");
    e2e_now(ts);
    e2e_nonce(nonce);
    e2e_wx_request(s, E2E_PLAIN, xml, ts, nonce, &query, &body);
    struct e2e_resp r;
    e2e_http(s, "POST", query, body, strlen(body), 0, &r);
    assert_int_equal(r.status, 200);
    e2e_resp_free(&r);
    e2e_http(s, "POST", query, body, strlen(body), 0, &r); /* a retry: same reply */
    assert_int_equal(r.status, 200);
    e2e_resp_free(&r);
    expect(s, "POST", query, other, strlen(other), 0, 403); /* another body: refused */
    /* The signature in upper case is the same signature. */
    char *upper = strdup(query);
    char *p = strstr(upper, "signature=") + strlen("signature=");
    for (; *p && *p != '&'; p++)
        *p = (char)toupper((unsigned char)*p);
    expect(s, "POST", upper, other, strlen(other), 0, 403);
    free(upper);
    assert_int_equal(e2e_db_int(s, "SELECT count(*) FROM events WHERE user_id='o_replay_victim'"),
                     0);
    free(xml);
    free(other);
    free(query);
    free(body);
    assert_int_equal(e2e_server_stop(s), 0);
    e2e_server_free(s);
}

/* A captured safe-mode URL cannot carry a forged plaintext body: its signature was seen with
 * the decrypted message. */
static void test_safe_mode_url_downgrade(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){.aes_key = E2E_AES_KEY});
    assert_non_null(s);
    char ts[24], nonce[24], *query, *body, *pquery, *pbody;
    char *xml = text_xml("o_safe", "帮助");
    char *forged = text_xml("o_safe_victim", "解绑");
    e2e_now(ts);
    e2e_nonce(nonce);
    e2e_wx_request(s, E2E_SAFE, xml, ts, nonce, &query, &body);
    struct e2e_resp r;
    e2e_http(s, "POST", query, body, strlen(body), 0, &r);
    assert_int_equal(r.status, 200);
    e2e_resp_free(&r);
    /* The same signature, timestamp and nonce as a plaintext POST with another message. */
    e2e_wx_request(s, E2E_PLAIN, forged, ts, nonce, &pquery, &pbody);
    expect(s, "POST", pquery, pbody, strlen(pbody), 0, 403);
    assert_int_equal(e2e_db_int(s, "SELECT count(*) FROM events WHERE user_id='o_safe_victim'"), 0);
    free(xml);
    free(forged);
    free(query);
    free(body);
    free(pquery);
    free(pbody);
    assert_int_equal(e2e_server_stop(s), 0);
    e2e_server_free(s);
}

/* ---- the HTTP edge ---- */

static void test_unknown_path_404(void **state)
{
    (void)state;
    const char *paths[] = {"/", "/nope", "/wechat/", "/wechat/x", "/WECHAT", "/healthz/x"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        expect(srv, "GET", paths[i], NULL, 0, 0, 404);
        expect(srv, "POST", paths[i], "<xml/>", 6, 0, 404);
    }
}

static void test_wrong_method_405(void **state)
{
    (void)state;
    struct {
        const char *method, *path, *allow;
    } cases[] = {
        {"PUT", "/wechat", "GET, POST"},   {"DELETE", "/wechat", "GET, POST"},
        {"PATCH", "/wechat", "GET, POST"}, {"POST", "/healthz", "GET"},
        {"POST", "/metrics", "GET"},       {"PUT", "/healthz", "GET"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *xml = text_xml("o_405", "留言");
        char path[600], ts[24], nonce[24], *query, *unused;
        e2e_now(ts);
        e2e_nonce(nonce);
        e2e_wx_request(srv, E2E_PLAIN, xml, ts, nonce, &query, &unused);
        /* a correctly signed message: only the method is wrong */
        snprintf(path, sizeof path, "%s%s", cases[i].path,
                 strcmp(cases[i].path, "/wechat") == 0 ? strchr(query, '?') : "");
        print_message("  %s %s\n", cases[i].method, cases[i].path);
        expect(srv, cases[i].method, path, xml, strlen(xml), 0, 405);
        struct e2e_resp r;
        e2e_http(srv, cases[i].method, path, xml, strlen(xml), 0, &r);
        char allow[64] = "";
        assert_true(e2e_resp_header(&r, "Allow", allow, sizeof allow));
        assert_string_equal(allow, cases[i].allow);
        e2e_resp_free(&r);
        free(xml);
        free(query);
        free(unused);
    }
}

/* signed_of_size - a signed plaintext message of exactly size bytes (padded with an XML
 * comment), from `from`. *query is its query. Caller frees both. */
static char *signed_of_size(struct e2e_server *s, size_t size, const char *from, char **query)
{
    char ts[24], nonce[24], *unused;
    char *xml = text_xml(from, "留言");
    size_t head = strlen(xml) - strlen("</xml>");
    const size_t wrap = strlen("<!---->");
    assert_true(size >= strlen(xml) + wrap);
    char *body = malloc(size + 1);
    memcpy(body, xml, head);
    size_t fill = size - strlen(xml) - wrap;
    memcpy(body + head, "<!--", 4);
    memset(body + head + 4, 'x', fill);
    memcpy(body + head + 4 + fill, "-->", 3);
    memcpy(body + head + wrap + fill, "</xml>", 7);
    assert_int_equal(strlen(body), size);
    e2e_now(ts);
    e2e_nonce(nonce);
    e2e_wx_request(s, E2E_PLAIN, xml, ts, nonce, query, &unused);
    free(unused);
    free(xml);
    return body;
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void check_cap(struct e2e_server *s, size_t cap)
{
    struct {
        size_t size;
        unsigned flags;
        long status;
    } cases[] = {
        {cap, 0, 200},
        {cap, E2E_CHUNKED, 200},
        {cap + 1, 0, 413},
        {cap + 1, E2E_CHUNKED, 413},
        {cap * 4, 0, 413},
        {cap * 4, E2E_CHUNKED, 413},
        {cap * 20, 0, 413},
        {cap, E2E_EXPECT, 200},
        {cap + 1, E2E_EXPECT, 413},
        {cap * 20, E2E_EXPECT, 413},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char from[48], *query;
        snprintf(from, sizeof from, "o_cap_%zu_%zu", cap, i);
        char *body = signed_of_size(s, cases[i].size, from, &query);
        print_message("  %zu bytes%s -> %ld\n", cases[i].size,
                      cases[i].flags & E2E_CHUNKED  ? " chunked"
                      : cases[i].flags & E2E_EXPECT ? " Expect: 100-continue"
                                                    : "",
                      cases[i].status);
        long long t0 = mono_ms();
        expect(s, "POST", query, body, cases[i].size, cases[i].flags, cases[i].status);
        if (mono_ms() - t0 > 2000) /* no stall waiting for a 100 Continue that never comes */
            fail_msg("%zu bytes took %lld ms", cases[i].size, mono_ms() - t0);
        free(body);
        free(query);
    }
}

/* A chunked sender that goes on far past the cap may be cut off instead of answered (the
 * server cannot answer in the middle of an upload), but nothing is written and the server
 * lives on. */
static void check_far_over_chunked(struct e2e_server *s, size_t cap)
{
    char *query;
    long long before = writes(s);
    long mark = e2e_log_mark(s);
    char *body = signed_of_size(s, cap * 20, "o_cap_far", &query);
    struct e2e_resp r;
    e2e_http(s, "POST", query, body, cap * 20, E2E_CHUNKED, &r);
    print_message("  %zu bytes chunked -> %ld (curl %d)\n", cap * 20, r.status, r.curl_rc);
    assert_true(r.status == 413 || r.status == 0);
    assert_true(e2e_log_has(s, mark, r.status ? "http 413:" : "far over the limit"));
    e2e_resp_free(&r);
    free(body);
    free(query);
    assert_int_equal(writes(s), before);
    e2e_http(s, "GET", "/healthz", NULL, 0, 0, &r);
    assert_int_equal(r.status, 200);
    e2e_resp_free(&r);
}

static void test_body_cap_default_64k(void **state)
{
    (void)state;
    check_cap(srv, 65536);
    check_far_over_chunked(srv, 65536);
}

static void test_body_cap_configured(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){.body_limit = 2048});
    assert_non_null(s);
    check_cap(s, 2048);
    check_far_over_chunked(s, 2048);
    assert_int_equal(e2e_server_stop(s), 0);
    e2e_server_free(s);
}

/* wechat.timestamp_window_s = 0 accepts any timestamp (here one from 2014). */
static void test_window_off_accepts_old_timestamp(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){.window_off = true});
    assert_non_null(s);
    char *xml = text_xml("o_window_off", "帮助");
    char *query, *body;
    e2e_wx_request(s, E2E_PLAIN, xml, "1409659589", "263014780", &query, &body);
    expect(s, "POST", query, body, strlen(body), 0, 200);
    free(query);
    free(body);
    free(xml);
    assert_int_equal(e2e_server_stop(s), 0);
    e2e_server_free(s);
}

/* wechat.enabled = false: /wechat does not exist. */
static void test_wechat_disabled(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){.wechat_disabled = true});
    assert_non_null(s);
    char *xml = text_xml("o_disabled", "帮助");
    char *query, *body, ts[24], nonce[24];
    e2e_now(ts);
    e2e_nonce(nonce);
    e2e_wx_request(s, E2E_PLAIN, xml, ts, nonce, &query, &body);
    expect(s, "POST", query, body, strlen(body), 0, 404);
    free(query);
    free(body);
    free(xml);
    assert_int_equal(e2e_server_stop(s), 0);
    e2e_server_free(s);
}

/* After all of the above the server still answers. */
static void test_still_healthy(void **state)
{
    (void)state;
    struct e2e_resp r;
    e2e_http(srv, "GET", "/healthz", NULL, 0, 0, &r);
    assert_int_equal(r.status, 200);
    e2e_resp_free(&r);
    char *reply = e2e_say_ok(srv, E2E_SAFE, "o_after_errors", "帮助");
    assert_contains(reply, E2E_MENU_HEAD);
    free(reply);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_checks),
        cmocka_unit_test(test_body_checks),
        cmocka_unit_test(test_envelope_checks),
        cmocka_unit_test(test_msg_signature_checks),
        cmocka_unit_test(test_encrypted_without_key),
        cmocka_unit_test(test_plaintext_signature_reuse),
        cmocka_unit_test(test_safe_mode_url_downgrade),
        cmocka_unit_test(test_unknown_path_404),
        cmocka_unit_test(test_wrong_method_405),
        cmocka_unit_test(test_body_cap_default_64k),
        cmocka_unit_test(test_body_cap_configured),
        cmocka_unit_test(test_window_off_accepts_old_timestamp),
        cmocka_unit_test(test_wechat_disabled),
        cmocka_unit_test(test_still_healthy),
    };
    return cmocka_run_group_tests_name("e2e_wechat_errors", tests, setup, teardown);
}
