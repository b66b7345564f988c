/*
 * e2e_server_ops.c - what the operator relies on: GET /healthz, GET /metrics after known
 * traffic, every answered event surviving `kill -9` (and its retry still recognised after the
 * restart), a clean exit on SIGTERM, and no secret in the log.
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tests/e2e/e2e_util.h"

#define FEEDBACK_SAVED "已收到您的留言"
#define DURABLE_N      25 /* messages answered before the kill */

static void test_healthz(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(NULL);
    assert_non_null(s);
    struct e2e_resp r;
    e2e_http(s, "GET", "/healthz", NULL, 0, 0, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "ok\n");
    e2e_resp_free(&r);
    e2e_http(s, "GET", "/healthz?probe=1", NULL, 0, 0, &r);
    assert_int_equal(r.status, 200);
    e2e_resp_free(&r);
    assert_true(e2e_log_has(s, 0, "listening on 127.0.0.1:"));
    assert_int_equal(e2e_server_stop(s), 0);
    assert_true(e2e_log_has(s, 0, "stopping"));
    e2e_server_free(s);
}

/* metric - the value of the sample line starting with `series ` in text, or -1. */
static double metric(const char *text, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = text; p && *p;) {
        if (strncmp(p, series, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return -1;
}

static char *get_metrics(struct e2e_server *s)
{
    struct e2e_resp r;
    e2e_http(s, "GET", "/metrics", NULL, 0, 0, &r);
    assert_int_equal(r.status, 200);
    char ctype[128] = "";
    assert_true(e2e_resp_header(&r, "Content-Type", ctype, sizeof ctype));
    assert_contains(ctype, "text/plain");
    assert_contains(ctype, "version=0.0.4");
    char *body = r.body;
    r.body = NULL;
    e2e_resp_free(&r);
    return body;
}

/* wait_metric - poll /metrics until series has value want (requests are counted when their
 * connection completes, a moment after the client has its answer). Returns the last text. */
static char *wait_metric(struct e2e_server *s, const char *series, double want)
{
    for (int i = 0; i < 200; i++) {
        char *m = get_metrics(s);
        if (metric(m, series) == want)
            return m;
        if (i == 199)
            fail_msg("%s is %g, want %g in:\n%s", series, metric(m, series), want, m);
        free(m);
        e2e_sleep_ms(10);
    }
    return NULL;
}

/* Every line is a comment or "name{labels} value"; every family has HELP and TYPE. */
static void check_exposition_format(const char *m)
{
    for (const char *p = m; *p;) {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl); /* the text ends with a newline */
        size_t ll = (size_t)(nl - p);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)ll, p);
        if (line[0] == '#') {
            if (strncmp(line, "# HELP ", 7) != 0 && strncmp(line, "# TYPE ", 7) != 0)
                fail_msg("bad comment line: %s", line);
        } else {
            char *sp = strrchr(line, ' ');
            if (!sp || strncmp(line, "zhibu_", 6) != 0)
                fail_msg("bad sample line: %s", line);
            char *end;
            strtod(sp + 1, &end);
            if (*end)
                fail_msg("bad sample value: %s", line);
            char *brace = strchr(line, '{');
            if (brace && (brace > sp || !strchr(brace, '}')))
                fail_msg("bad labels: %s", line);
        }
        p = nl + 1;
    }
    const char *families[] = {"zhibu_http_requests_total", "zhibu_http_request_duration_seconds",
                              "zhibu_events_total"};
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        char want[128];
        snprintf(want, sizeof want, "# TYPE %s ", families[i]);
        assert_contains(m, want);
        snprintf(want, sizeof want, "# HELP %s ", families[i]);
        assert_contains(m, want);
    }
    assert_contains(m, "# TYPE zhibu_http_requests_total counter");
    assert_contains(m, "# TYPE zhibu_http_request_duration_seconds histogram");
    assert_contains(m, "# TYPE zhibu_events_total counter");
}

static void post_status(struct e2e_server *s, const char *path, const char *body, long status)
{
    struct e2e_resp r;
    e2e_http(s, "POST", path, body, strlen(body), 0, &r);
    assert_int_equal(r.status, status);
    e2e_resp_free(&r);
}

static void test_metrics_after_traffic(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){.aes_key = E2E_AES_KEY});
    assert_non_null(s);

    /* 3 texts, 1 voice, 1 subscribe: 5 answered, 5 events */
    char *r;
    const char *texts[] = {"帮助", "留言", "今天学什么"};
    for (size_t i = 0; i < 3; i++) {
        r = e2e_say_ok(s, i % 2 ? E2E_PLAIN : E2E_SAFE, "o_metrics", texts[i]);
        free(r);
    }
    char id[24];
    e2e_msgid(id);
    char *voice = e2e_wx_xml("o_metrics_v", "voice", (long long)time(NULL), id, "MediaId", "m",
                             "Recognition", "", NULL);
    free(e2e_wx_reply_ok(s, E2E_SAFE, voice));
    char *sub =
        e2e_wx_xml("o_metrics_s", "event", (long long)time(NULL), NULL, "Event", "subscribe", NULL);
    free(e2e_wx_reply_ok(s, E2E_SAFE, sub));
    /* rejections: bad signature, unknown path, wrong method, too large */
    post_status(s, "/wechat?signature=0000&timestamp=1&nonce=1", "<xml/>", 403);
    struct e2e_resp resp;
    e2e_http(s, "GET", "/nope", NULL, 0, 0, &resp);
    assert_int_equal(resp.status, 404);
    e2e_resp_free(&resp);
    e2e_http(s, "PUT", "/wechat", "x", 1, 0, &resp);
    assert_int_equal(resp.status, 405);
    e2e_resp_free(&resp);
    char *big = calloc(1, 70000);
    memset(big, 'x', 69999);
    post_status(s, "/wechat", big, 413);
    free(big);

    char *m = wait_metric(s, "zhibu_http_requests_total{endpoint=\"wechat\",status=\"200\"}", 5);
    free(m);
    m = wait_metric(s, "zhibu_http_request_duration_seconds_count{endpoint=\"wechat\"}", 8);
    check_exposition_format(m);
    assert_true(metric(m, "zhibu_http_requests_total{endpoint=\"wechat\",status=\"403\"}") == 1);
    assert_true(metric(m, "zhibu_http_requests_total{endpoint=\"wechat\",status=\"405\"}") == 1);
    assert_true(metric(m, "zhibu_http_requests_total{endpoint=\"wechat\",status=\"413\"}") == 1);
    assert_true(metric(m, "zhibu_http_requests_total{endpoint=\"other\",status=\"404\"}") == 1);
    assert_true(metric(m, "zhibu_http_requests_total{endpoint=\"healthz\",status=\"200\"}") >= 1);
    assert_true(metric(m, "zhibu_events_total{platform=\"wechat\",kind=\"text\"}") == 3);
    assert_true(metric(m, "zhibu_events_total{platform=\"wechat\",kind=\"voice\"}") == 1);
    assert_true(metric(m, "zhibu_events_total{platform=\"wechat\",kind=\"follow\"}") == 1);
    assert_true(metric(m, "zhibu_events_duplicate_total{platform=\"wechat\"}") == 0);
    /* the histogram: cumulative buckets ending in +Inf = count, a positive sum */
    double inf = metric(m, "zhibu_http_request_duration_seconds_bucket{endpoint=\"wechat\","
                           "le=\"+Inf\"}");
    assert_true(inf == 8);
    assert_true(metric(m, "zhibu_http_request_duration_seconds_sum{endpoint=\"wechat\"}") > 0);
    double prev = 0;
    int buckets = 0;
    for (const char *p =
             strstr(m, "zhibu_http_request_duration_seconds_bucket{endpoint=\"wechat\"");
         p; p = strstr(p + 1, "zhibu_http_request_duration_seconds_bucket{endpoint=\"wechat\"")) {
        double v = strtod(strchr(p, ' ') + 1, NULL);
        assert_true(v >= prev);
        prev = v;
        buckets++;
    }
    assert_true(buckets >= 2);
    free(m);

    /* a retry: counted as a duplicate */
    free(e2e_wx_reply_ok(s, E2E_SAFE, sub));
    m = wait_metric(s, "zhibu_events_duplicate_total{platform=\"wechat\"}", 1);
    free(m);
    m = wait_metric(s, "zhibu_http_requests_total{endpoint=\"wechat\",status=\"200\"}", 6);
    free(m);
    free(voice);
    free(sub);
    assert_int_equal(e2e_server_stop(s), 0);
    e2e_server_free(s);
}

/* The route table at the edge: methods with Allow, exact paths, a disabled platform's path,
 * the path cap. */
static void test_route_table_edges(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){.aes_key = E2E_AES_KEY});
    assert_non_null(s);
    static const struct {
        const char *method, *path;
        long status;
        const char *allow;
    } cases[] = {
        {"PUT", "/wechat", 405, "GET, POST"}, {"DELETE", "/healthz", 405, "GET"},
        {"PATCH", "/metrics", 405, "GET"},    {"GET", "/healthz/", 404, NULL},
        {"GET", "//healthz", 404, NULL},      {"GET", "/healthzz", 404, NULL},
        {"POST", "/qq/onebot", 404, NULL}, /* onebot is not enabled */
        {"GET", "/healthz", 200, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct e2e_resp resp;
        e2e_http(s, cases[i].method, cases[i].path, NULL, 0, 0, &resp);
        if (resp.status != cases[i].status)
            fail_msg("%s %s: %ld, want %ld", cases[i].method, cases[i].path, resp.status,
                     cases[i].status);
        char allow[64];
        if (cases[i].allow) {
            assert_true(e2e_resp_header(&resp, "Allow", allow, sizeof allow));
            assert_string_equal(allow, cases[i].allow);
        }
        e2e_resp_free(&resp);
    }
    char *path = calloc(1, 3000);
    path[0] = '/';
    memset(path + 1, 'a', 2998);
    struct e2e_resp resp;
    e2e_http(s, "GET", path, NULL, 0, 0, &resp);
    assert_int_equal(resp.status, 414);
    e2e_resp_free(&resp);
    free(path);
    assert_int_equal(e2e_server_stop(s), 0);
    e2e_server_free(s);
}

/* ---- durability ---- */

static void test_kill9_keeps_answered_events(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){.aes_key = E2E_AES_KEY});
    assert_non_null(s);
    char ids[DURABLE_N][24], *xml[DURABLE_N], *reply[DURABLE_N];
    for (int i = 0; i < DURABLE_N; i++) {
        char text[64];
        if (i == 0)
            snprintf(text, sizeof text, "留言");
        else if (i == 1)
            snprintf(text, sizeof text, "崩溃前的留言");
        else if (i == 2)
            snprintf(text, sizeof text, "好了"); /* the 留言 is complete */
        else
            snprintf(text, sizeof text, "%s %d", i % 2 ? "帮助" : "你好", i);
        e2e_msgid(ids[i]);
        xml[i] =
            e2e_wx_xml("o_durable", "text", (long long)time(NULL), ids[i], "Content", text, NULL);
        reply[i] = e2e_wx_reply_ok(s, i % 3 ? E2E_SAFE : E2E_PLAIN, xml[i]);
        assert_true(*reply[i]);
    }
    assert_contains(reply[1], FEEDBACK_SAVED);
    e2e_server_kill9(s); /* right after the last 200 */

    assert_int_equal(e2e_db_int(s, "SELECT count(*) FROM events WHERE user_id='o_durable'"),
                     DURABLE_N);
    for (int i = 0; i < DURABLE_N; i++) {
        char *stored =
            e2e_db_text(s, "SELECT reply FROM events WHERE msg_key LIKE '%%:' || %Q", ids[i]);
        assert_non_null(stored);
        assert_string_equal(stored, reply[i]);
        free(stored);
    }
    char *fb = e2e_db_text(s, "SELECT text FROM feedback WHERE user_id='o_durable'");
    assert_non_null(fb);
    assert_string_equal(fb, "崩溃前的留言");
    free(fb);

    /* back up: WeChat's retries of those messages get the same replies, nothing runs again */
    assert_int_equal(e2e_server_start(s), 0);
    for (int i = 0; i < DURABLE_N; i += 4) {
        char *again = e2e_wx_reply_ok(s, E2E_SAFE, xml[i]);
        assert_string_equal(again, reply[i]);
        free(again);
    }
    char *again = e2e_wx_reply_ok(s, E2E_SAFE, xml[1]);
    assert_string_equal(again, reply[1]);
    free(again);
    assert_int_equal(e2e_db_int(s, "SELECT count(*) FROM events WHERE user_id='o_durable'"),
                     DURABLE_N);
    assert_int_equal(e2e_db_int(s, "SELECT count(*) FROM feedback WHERE user_id='o_durable'"), 1);
    for (int i = 0; i < DURABLE_N; i++) {
        free(xml[i]);
        free(reply[i]);
    }
    assert_int_equal(e2e_server_stop(s), 0);
    e2e_server_free(s);
}

struct inflight {
    const struct e2e_server *s; /* the server */
    char *xml;                  /* the message to post */
    long status;                /* OUT: the HTTP status */
};

static void *post_one(void *arg)
{
    struct inflight *f = arg;
    struct e2e_resp r;
    e2e_wx_post(f->s, E2E_PLAIN, f->xml, &r);
    f->status = r.status;
    e2e_resp_free(&r);
    return NULL;
}

/* SIGTERM while messages wait for the database (another process holds its write lock): the
 * server answers them once the lock is free and then exits cleanly - it must not abort, as
 * libmicrohttpd does when stopped with a suspended connection. */
static void test_sigterm_with_requests_in_flight(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){0});
    assert_non_null(s);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(s->db_path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    enum { N = 4 };
    struct inflight f[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        char id[24];
        e2e_msgid(id);
        f[i] = (struct inflight){.s = s};
        f[i].xml =
            e2e_wx_xml("o_inflight", "text", (long long)time(NULL), id, "Content", "帮助", NULL);
        assert_int_equal(pthread_create(&th[i], NULL, post_one, &f[i]), 0);
    }
    e2e_sleep_ms(400);
    assert_int_equal(kill(s->pid, SIGTERM), 0);
    e2e_sleep_ms(400);
    assert_int_equal(e2e_server_wait_exit(s, 10), -1); /* still finishing the requests */
    assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(f[i].status, 200);
        free(f[i].xml);
    }
    assert_int_equal(e2e_server_wait_exit(s, 10000), 0);
    assert_int_equal(e2e_db_int(s, "SELECT count(*) FROM events WHERE user_id='o_inflight'"), N);
    e2e_server_free(s);
}

/* Tokens, keys and signatures never reach the log (at the default level). */
static void test_no_secrets_in_log(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){
        .aes_key = E2E_AES_KEY, .extra_wx = "\"app_secret\": \"e2eAppSecret0123\""});
    assert_non_null(s);
    char ts[24], nonce[24], *query, *body, id[24];
    e2e_msgid(id);
    char *xml = e2e_wx_xml("o_secret", "text", (long long)time(NULL), id, "Content",
                           "我的秘密留言内容", NULL);
    e2e_now(ts);
    e2e_nonce(nonce);
    e2e_wx_request(s, E2E_SAFE, xml, ts, nonce, &query, &body);
    struct e2e_resp r;
    e2e_http(s, "POST", query, body, strlen(body), 0, &r);
    assert_int_equal(r.status, 200);
    e2e_resp_free(&r);
    /* and a rejected one: the signature it carried must not be echoed either */
    char bad[600];
    snprintf(bad, sizeof bad, "%s", query);
    char *msig = strstr(bad, "msg_signature=") + strlen("msg_signature=");
    msig[0] = msig[0] == 'a' ? 'b' : 'a';
    e2e_http(s, "POST", bad, body, strlen(body), 0, &r);
    assert_int_equal(r.status, 403);
    e2e_resp_free(&r);
    assert_int_equal(e2e_server_stop(s), 0);

    char *log = e2e_log_since(s, 0);
    assert_not_contains(log, E2E_TOKEN);
    assert_not_contains(log, E2E_AES_KEY);
    assert_not_contains(log, "e2eAppSecret0123");
    assert_not_contains(log, "我的秘密留言内容");
    char sig[41];
    e2e_sign3(s->token, ts, nonce, sig);
    assert_not_contains(log, sig);
    assert_not_contains(log, strstr(query, "msg_signature=") + strlen("msg_signature="));
    assert_not_contains(log, msig);
    free(log);
    free(xml);
    free(query);
    free(body);
    e2e_server_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthz),
        cmocka_unit_test(test_metrics_after_traffic),
        cmocka_unit_test(test_route_table_edges),
        cmocka_unit_test(test_kill9_keeps_answered_events),
        cmocka_unit_test(test_sigterm_with_requests_in_flight),
        cmocka_unit_test(test_no_secrets_in_log),
    };
    return cmocka_run_group_tests_name("e2e_server_ops", tests, NULL, NULL);
}
