/*
 * e2e_wechat_verify.c - GET /wechat, the server-URL verification, against the real binary.
 *
 * Official-account style (3-field signature, echostr echoed verbatim) on a plaintext and on a
 * safe-mode server; WeCom style (msg_signature over the encrypted echostr, answered with the
 * decrypted text) with vector V7a of shared/protocols/wechat.md; V1 as a signature vector. Every
 * rejection is checked for its status, its log line, and that no events row was written.
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
#include <curl/curl.h>

#include "tests/e2e/e2e_util.h"

/* V7a: WeCom's sample (wechat.md section 3). */
#define V7_TOKEN   "QDG6eK"
#define V7_AES_KEY "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
#define V7_APP_ID  "wx5823bf96d3bd56c7"
#define V7A_SIG    "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
#define V7A_TS     "1409659589"
#define V7A_NONCE  "263014780"
#define V7A_ECHO                                                                                   \
    "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
#define V7A_PLAIN "1616140317555161061"

/* V1: the 3-field signature. */
#define V1_TOKEN "test"
#define V1_TS    "1410685589"
#define V1_NONCE "test"
#define V1_SIG   "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
#define V1_BAD   "f21891de399b4e33a1a93c9a7b8a8fffb5a443fe"

struct servers {
    struct e2e_server *plain; /* no AES key, window 300 */
    struct e2e_server *safe;  /* E2E_AES_KEY, window 300 */
    struct e2e_server *wecom; /* V7's token, key and receive-id, window 0 */
    struct e2e_server *v1;    /* token "test", window 0 */
};

static struct servers S;

static int setup(void **state)
{
    (void)state;
    S.plain = e2e_server_up(&(struct e2e_config){0});
    S.safe = e2e_server_up(&(struct e2e_config){.aes_key = E2E_AES_KEY});
    S.wecom = e2e_server_up(&(struct e2e_config){
        .token = V7_TOKEN, .aes_key = V7_AES_KEY, .app_id = V7_APP_ID, .window_off = true});
    S.v1 = e2e_server_up(&(struct e2e_config){.token = V1_TOKEN, .window_off = true});
    return S.plain && S.safe && S.wecom && S.v1 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    struct e2e_server *all[] = {S.plain, S.safe, S.wecom, S.v1};
    int bad = 0;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (all[i] && e2e_server_stop(all[i]) != 0)
            bad = -1; /* a clean exit on SIGTERM (and, under ASan, no leak) */
        e2e_server_free(all[i]);
    }
    return bad;
}

static char *esc(const char *s)
{
    char *e = curl_easy_escape(NULL, s, 0);
    char *out = strdup(e);
    curl_free(e);
    return out;
}

/* get - GET /wechat?query on s; assert the status (and the exact body unless NULL) and that the
 * events table did not grow. On a 4xx the log must carry "http STATUS:". */
static void get(struct e2e_server *s, const char *query, long status, const char *body)
{
    long long before = e2e_db_int(s, "SELECT count(*) FROM events");
    long mark = e2e_log_mark(s);
    char path[4096];
    snprintf(path, sizeof path, "/wechat?%s", query);
    struct e2e_resp r;
    e2e_http(s, "GET", path, NULL, 0, 0, &r);
    if (r.status != status)
        fail_msg("GET %s: status %ld, want %ld; body \"%s\"", path, r.status, status, r.body);
    if (body) {
        assert_int_equal(r.len, strlen(body));
        assert_string_equal(r.body, body);
    }
    e2e_resp_free(&r);
    assert_int_equal(e2e_db_int(s, "SELECT count(*) FROM events"), before);
    if (status >= 400) {
        char needle[32];
        snprintf(needle, sizeof needle, "http %ld:", status);
        assert_true(e2e_log_has(s, mark, needle));
    }
}

/* ---- official-account style: 3 fields, echostr verbatim ---- */

enum ts_kind { TS_NOW, TS_STALE, TS_FUTURE, TS_NONE, TS_WORD };
enum sig_kind { SIG_OK, SIG_WRONG, SIG_OTHER_TOKEN, SIG_NONE, SIG_EMPTY, SIG_UPPER };

struct get_case {
    const char *name;
    enum sig_kind sig;
    enum ts_kind ts;
    bool nonce;          /* send a nonce */
    const char *echostr; /* raw (escaped here), NULL: none */
    long status;         /* expected */
    const char *body;    /* expected exact body, or NULL */
};

static const struct get_case oa_cases[] = {
    {"valid", SIG_OK, TS_NOW, true, "7345198201963421573", 200, "7345198201963421573"},
    {"echostr is echoed decoded, verbatim", SIG_OK, TS_NOW, true, "你好 a+b/c=", 200,
     "你好 a+b/c="},
    {"signature in upper-case hex", SIG_UPPER, TS_NOW, true, "42", 200, "42"},
    {"wrong signature", SIG_WRONG, TS_NOW, true, "42", 403, NULL},
    {"signature made with another token", SIG_OTHER_TOKEN, TS_NOW, true, "42", 403, NULL},
    {"empty signature", SIG_EMPTY, TS_NOW, true, "42", 403, NULL},
    {"no signature", SIG_NONE, TS_NOW, true, "42", 401, NULL},
    {"no timestamp", SIG_OK, TS_NONE, true, "42", 401, NULL},
    {"no nonce", SIG_OK, TS_NOW, false, "42", 401, NULL},
    {"stale timestamp", SIG_OK, TS_STALE, true, "42", 403, NULL},
    {"timestamp from the future", SIG_OK, TS_FUTURE, true, "42", 403, NULL},
    {"timestamp not a number", SIG_OK, TS_WORD, true, "42", 403, NULL},
    {"no echostr", SIG_OK, TS_NOW, true, NULL, 400, NULL},
};

static void run_oa_case(struct e2e_server *s, const struct get_case *c)
{
    char ts[24] = "", nonce[24] = "n1", sig[41] = "", q[2048];
    long long now = (long long)time(NULL);
    switch (c->ts) {
    case TS_NOW:
        snprintf(ts, sizeof ts, "%lld", now);
        break;
    case TS_STALE:
        snprintf(ts, sizeof ts, "%lld", now - 1000);
        break;
    case TS_FUTURE:
        snprintf(ts, sizeof ts, "%lld", now + 1000);
        break;
    case TS_WORD:
        snprintf(ts, sizeof ts, "yesterday");
        break;
    case TS_NONE:
        break;
    }
    e2e_nonce(nonce);
    e2e_sign3(c->sig == SIG_OTHER_TOKEN ? "not-the-token" : s->token, ts, nonce, sig);
    if (c->sig == SIG_WRONG)
        sig[39] = sig[39] == '0' ? '1' : '0';
    if (c->sig == SIG_UPPER)
        for (char *p = sig; *p; p++)
            if (*p >= 'a' && *p <= 'f')
                *p = (char)(*p - 'a' + 'A');
    int n = snprintf(q, sizeof q, "x=1");
    if (c->sig != SIG_NONE)
        n += snprintf(q + n, sizeof q - (size_t)n, "&signature=%s", c->sig == SIG_EMPTY ? "" : sig);
    if (c->ts != TS_NONE)
        n += snprintf(q + n, sizeof q - (size_t)n, "&timestamp=%s", ts);
    if (c->nonce)
        n += snprintf(q + n, sizeof q - (size_t)n, "&nonce=%s", nonce);
    if (c->echostr) {
        char *e = esc(c->echostr);
        snprintf(q + n, sizeof q - (size_t)n, "&echostr=%s", e);
        free(e);
    }
    print_message("  case: %s\n", c->name);
    get(s, q, c->status, c->body);
}

static void test_oa_verify_plaintext_server(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof oa_cases / sizeof oa_cases[0]; i++)
        run_oa_case(S.plain, &oa_cases[i]);
}

/* An official account in safe mode still verifies with the plain echostr (wechat.md §1). */
static void test_oa_verify_safe_server(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof oa_cases / sizeof oa_cases[0]; i++)
        run_oa_case(S.safe, &oa_cases[i]);
}

/* An official account in safe mode whose GET carries msg_signature beside signature, over a
 * plain echostr: the encrypted reading fails, the plain one answers the echostr as it is; with
 * a wrong signature it is still refused. */
static void test_oa_safe_with_msg_signature(void **state)
{
    (void)state;
    char ts[24], nonce[24], sig[41], msig[41], q[512];
    const char *echo = "8123456789012345678";
    e2e_now(ts);
    e2e_nonce(nonce);
    e2e_sign3(S.safe->token, ts, nonce, sig);
    e2e_sign4(S.safe->token, ts, nonce, echo, msig);
    snprintf(q, sizeof q, "signature=%s&msg_signature=%s&timestamp=%s&nonce=%s&echostr=%s", sig,
             msig, ts, nonce, echo);
    get(S.safe, q, 200, echo);
    snprintf(q, sizeof q, "signature=%s&msg_signature=%s&timestamp=%s&nonce=%s&echostr=%s", V1_BAD,
             msig, ts, nonce, echo);
    get(S.safe, q, 403, NULL);
}

static void test_v1_vector(void **state)
{
    (void)state;
    get(S.v1, "signature=" V1_SIG "&timestamp=" V1_TS "&nonce=" V1_NONCE "&echostr=v1ok", 200,
        "v1ok");
    get(S.v1, "signature=" V1_BAD "&timestamp=" V1_TS "&nonce=" V1_NONCE "&echostr=v1ok", 403,
        NULL);
}

/* ---- WeCom style: msg_signature over the encrypted echostr ---- */

static void test_wecom_v7a(void **state)
{
    (void)state;
    char q[1024];
    char *e = esc(V7A_ECHO);
    snprintf(q, sizeof q, "msg_signature=%s&timestamp=%s&nonce=%s&echostr=%s", V7A_SIG, V7A_TS,
             V7A_NONCE, e);
    get(S.wecom, q, 200, V7A_PLAIN);

    /* one hex digit of msg_signature changed */
    snprintf(q, sizeof q, "msg_signature=%.39s0&timestamp=%s&nonce=%s&echostr=%s", V7A_SIG, V7A_TS,
             V7A_NONCE, e);
    get(S.wecom, q, 403, NULL);

    /* the signature covers echostr: another nonce fails */
    snprintf(q, sizeof q, "msg_signature=%s&timestamp=%s&nonce=263014781&echostr=%s", V7A_SIG,
             V7A_TS, e);
    get(S.wecom, q, 403, NULL);

    /* no timestamp */
    snprintf(q, sizeof q, "msg_signature=%s&nonce=%s&echostr=%s", V7A_SIG, V7A_NONCE, e);
    get(S.wecom, q, 401, NULL);
    free(e);
}

/* The same V7a request on a server that checks the timestamp window: 2014 is stale. */
static void test_wecom_v7a_stale_with_window(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(
        &(struct e2e_config){.token = V7_TOKEN, .aes_key = V7_AES_KEY, .app_id = V7_APP_ID});
    assert_non_null(s);
    char q[1024];
    char *e = esc(V7A_ECHO);
    snprintf(q, sizeof q, "msg_signature=%s&timestamp=%s&nonce=%s&echostr=%s", V7A_SIG, V7A_TS,
             V7A_NONCE, e);
    free(e);
    get(s, q, 403, NULL);
    assert_true(e2e_log_has(s, 0, "timestamp"));
    assert_int_equal(e2e_server_stop(s), 0);
    e2e_server_free(s);
}

/* WeCom style against our own key and AppID, with a current timestamp. */
static void test_wecom_own_key(void **state)
{
    (void)state;
    struct e2e_server *s = S.safe;
    char ts[24], nonce[24], sig[41], q[2048];
    e2e_now(ts);
    e2e_nonce(nonce);

    const char *echo = "e2e-echo-8421";
    char *cipher = e2e_seal(s->key, echo, strlen(echo), s->app_id);
    e2e_sign4(s->token, ts, nonce, cipher, sig);
    char *e = esc(cipher);
    snprintf(q, sizeof q, "msg_signature=%s&timestamp=%s&nonce=%s&echostr=%s", sig, ts, nonce, e);
    get(s, q, 200, echo);
    free(e);
    free(cipher);

    /* sealed for another AppID: the signature is right but the receive-id is not ours */
    cipher = e2e_seal(s->key, echo, strlen(echo), "wx0000000000000bad");
    e2e_sign4(s->token, ts, nonce, cipher, sig);
    e = esc(cipher);
    snprintf(q, sizeof q, "msg_signature=%s&timestamp=%s&nonce=%s&echostr=%s", sig, ts, nonce, e);
    get(s, q, 400, NULL);
    free(e);
    free(cipher);

    /* signed, but not a ciphertext */
    e2e_sign4(s->token, ts, nonce, "notbase64!!", sig);
    snprintf(q, sizeof q, "msg_signature=%s&timestamp=%s&nonce=%s&echostr=notbase64%%21%%21", sig,
             ts, nonce);
    get(s, q, 400, NULL);
}

/* A server without an AES key treats a WeCom-style GET as a 3-field one: no signature, 401. */
static void test_wecom_on_plaintext_server(void **state)
{
    (void)state;
    char q[1024];
    char *e = esc(V7A_ECHO);
    snprintf(q, sizeof q, "msg_signature=%s&timestamp=%s&nonce=%s&echostr=%s", V7A_SIG, V7A_TS,
             V7A_NONCE, e);
    free(e);
    get(S.plain, q, 401, NULL);
}

static void test_verification_writes_no_events(void **state)
{
    (void)state;
    struct e2e_server *all[] = {S.plain, S.safe, S.wecom, S.v1};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        assert_int_equal(e2e_db_int(all[i], "SELECT count(*) FROM events"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oa_verify_plaintext_server),
        cmocka_unit_test(test_oa_verify_safe_server),
        cmocka_unit_test(test_oa_safe_with_msg_signature),
        cmocka_unit_test(test_v1_vector),
        cmocka_unit_test(test_wecom_v7a),
        cmocka_unit_test(test_wecom_v7a_stale_with_window),
        cmocka_unit_test(test_wecom_own_key),
        cmocka_unit_test(test_wecom_on_plaintext_server),
        cmocka_unit_test(test_verification_writes_no_events),
    };
    return cmocka_run_group_tests_name("e2e_wechat_verify", tests, setup, teardown);
}
