/*
 * e2e_rest.c - the REST door end to end: the real binary with the demo data, its login against
 * the fake jscode2session (tests/fakes), binding with one-time codes and the lock-out, every
 * member route with its auth and scope failures (401 no token and expired token on the testing
 * clock, 403 role and scope, 404, 405, 409, 413, 429), the inbox routes and the OpenAPI
 * document against the routes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <curl/curl.h>

#include "tests/e2e/delivery_util.h"
#include "tests/e2e/rest_util.h"

#define RATE       40 /* api.rate_per_min of the test server */
#define LOGIN_RATE 20 /* api.login_per_min: more than the other tests' logins in one minute */

static struct du_fake fake;
static struct du_server srv;
static char now_file[400];

#define call(m, p, t, b)     rest_call(srv.port, m, p, t, b)
#define expect(r, s, c, f)   rest_expect(r, s, c, f)
#define token_of(m, t, o, n) rest_token(&srv, m, t, o, n)

/* login - POST /api/v1/login with code; the token into out when 200. */
static struct rest_reply *login(const char *code, char *out, size_t n)
{
    char body[256];
    snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
    struct rest_reply *r = call("POST", "/api/v1/login", NULL, body);
    if (r->status == 200 && out) {
        cJSON *j = cJSON_Parse(r->body);
        snprintf(out, n, "%s", cJSON_GetObjectItemCaseSensitive(j, "token")->valuestring);
        cJSON_Delete(j);
    }
    return r;
}

static void set_now(long long t)
{
    FILE *f = fopen(now_file, "w");
    assert_non_null(f);
    fprintf(f, "%lld\n", t);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (du_fake_start(&fake, NULL))
        return -1;
    char extra[1024];
    snprintf(now_file, sizeof now_file, "%s/now", fake.dir);
    set_now((long long)time(NULL));
    setenv("ZHIBU_TEST_NOW_FILE", now_file, 1);
    snprintf(extra, sizeof extra,
             "\"testing\":true,\"server\":{\"body_limit\":4096},"
             "\"api\":{\"enabled\":true,\"rate_per_min\":%d,\"login_timeout_ms\":1000,"
             "\"login_per_min\":%d},"
             "\"wxmini\":{\"app_id\":\"%s\",\"app_secret\":\"%s\","
             "\"api_base\":\"http://127.0.0.1:%d\"}",
             RATE, LOGIN_RATE, DU_WX_APPID, DU_WX_SECRET, fake.port);
    char out[512];
    if (du_server_config(&srv, &fake, 4, NULL, NULL, extra) ||
        du_cli(&srv, out, sizeof out, "demo", "seed", NULL) != 0)
        return -1;
    /* a branch outside the demo secretary's: member 12 moves there */
    if (du_db_exec(&srv, "INSERT INTO branches(id, name, parent_id, level, created_at) "
                         "VALUES(70, '灯塔支部', 3, 'branch', 0); UPDATE members SET branch_id=70, "
                         "group_id=NULL WHERE id=12") ||
        du_server_start(&srv))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    du_server_stop(&srv);
    du_fake_stop(&fake);
    unsetenv("ZHIBU_TEST_NOW_FILE");
    return 0;
}

static void login_bind_me(void **state)
{
    (void)state;
    char tok[64], code[48];
    struct rest_reply *r = login("c1", tok, sizeof tok);
    expect(r, 200, NULL, NULL);
    assert_non_null(strstr(r->body, "\"bound\":false"));
    assert_non_null(strstr(r->body, "\"expires_at\":"));
    assert_null(strstr(r->body, "sk_c1")); /* the session_key stays on the server */
    /* unbound: me is 404, members 403, bind works */
    expect(call("GET", "/api/v1/me", tok, NULL), 404, "not_found", NULL);
    expect(call("GET", "/api/v1/members", tok, NULL), 403, "forbidden", NULL);
    expect(call("POST", "/api/v1/bind", tok, "{}"), 400, "invalid", "code");
    expect(call("POST", "/api/v1/bind", tok, "{\"code\":\"12\"}"), 400, "invalid", "code");
    long long c7 = du_db_int(&srv, "SELECT bind_code FROM members WHERE id=7");
    /* typed on a phone as chat takes it: full-width digits with a space, as chat's 绑定 does */
    char wide[80];
    size_t w = (size_t)snprintf(wide, sizeof wide, "{\"code\":\"");
    char digits[8];
    snprintf(digits, sizeof digits, "%06lld", c7);
    for (int i = 0; i < 6; i++) {
        w += (size_t)snprintf(wide + w, sizeof wide - w, "\xef\xbc%c%s",
                              (char)(0x90 + digits[i] - '0'), i == 2 ? "\xe3\x80\x80" : "");
    }
    snprintf(wide + w, sizeof wide - w, "\"}");
    snprintf(code, sizeof code, "{\"code\":\"%06lld\"}", c7);
    r = call("POST", "/api/v1/bind", tok, wide);
    expect(r, 200, NULL, NULL);
    assert_non_null(strstr(r->body, "周桂兰"));
    r = call("GET", "/api/v1/me", tok, NULL);
    expect(r, 200, NULL, NULL);
    assert_non_null(strstr(r->body, "周桂兰"));
    assert_non_null(strstr(r->body, "****")); /* phone masked */
    expect(call("POST", "/api/v1/bind", tok, code), 409, "conflict", NULL);
    /* stored hashed, with the session key, the identity bound */
    assert_int_equal(du_db_int(&srv, "SELECT count(*) FROM api_sessions WHERE platform='wxmini' "
                                     "AND ext_id='o_c1' AND session_key='sk_c1'"),
                     1);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM api_sessions WHERE token_hash='%s'", tok);
    assert_int_equal(du_db_int(&srv, sql), 0);
    assert_int_equal(du_db_int(&srv, "SELECT member_id FROM identities WHERE platform='wxmini' "
                                     "AND ext_id='o_c1'"),
                     7);
    /* logout ends the token */
    expect(call("POST", "/api/v1/logout", tok, NULL), 200, NULL, NULL);
    expect(call("GET", "/api/v1/me", tok, NULL), 401, "unauthenticated", NULL);
}

static void bind_lockout(void **state)
{
    (void)state;
    char tok[64];
    expect(login("c2", tok, sizeof tok), 200, NULL, NULL);
    long long right = du_db_int(&srv, "SELECT bind_code FROM members WHERE id=8");
    long long wrong = right == 999999 ? 111111 : right + 1;
    char body[64];
    snprintf(body, sizeof body, "{\"code\":\"%06lld\"}", wrong);
    for (int i = 0; i < 4; i++)
        expect(call("POST", "/api/v1/bind", tok, body), 400, "invalid", "code");
    expect(call("POST", "/api/v1/bind", tok, body), 429, "busy", "code");
    /* locked: even the right code is refused, and nothing was bound */
    snprintf(body, sizeof body, "{\"code\":\"%06lld\"}", right);
    expect(call("POST", "/api/v1/bind", tok, body), 429, "busy", "code");
    assert_int_equal(du_db_int(&srv, "SELECT coalesce(member_id, 0) FROM identities WHERE "
                                     "ext_id='o_c2'"),
                     0);
}

static void login_errors(void **state)
{
    (void)state;
    expect(login("bad1", NULL, 0), 400, "invalid", "code"); /* 40029 */
    expect(login("c1", NULL, 0), 400, "invalid", "code");   /* 40163: used */
    expect(call("POST", "/api/v1/login", NULL, "{}"), 400, "invalid", "code");
    expect(call("POST", "/api/v1/login", NULL, "{\"code\":\"a b\"}"), 400, "invalid", "code");
    expect(call("POST", "/api/v1/login", NULL, "not json"), 400, "malformed", NULL);
    assert_int_equal(du_fake_set(&fake, "js_errcode=45011&js_count=1"), 0);
    expect(login("c3", NULL, 0), 429, "busy", NULL);
    assert_int_equal(du_fake_set(&fake, "js_errcode=-1&js_count=1"), 0);
    expect(login("c4", NULL, 0), 502, NULL, NULL);
    assert_int_equal(du_fake_set(&fake, "js_slow_ms=2500"), 0);
    struct rest_reply *r = login("c5", NULL, 0);
    assert_int_equal(du_fake_set(&fake, "js_slow_ms=0"), 0);
    expect(r, 504, NULL, NULL);
    assert_non_null(strstr(r->body, "太慢"));
    expect(login("c6", NULL, 0), 200, NULL, NULL); /* and the door still works */
    assert_false(du_file_has(srv.log, "sk_c6"));
    assert_false(du_file_has(srv.log, DU_WX_SECRET));
}

static void auth_failures(void **state)
{
    (void)state;
    char tok[64], out[256];
    /* issuing a token is the operator's or a secretary's: a plain member (5) may not issue one
     * for anybody, the branch secretary (1) may for a member of the branch */
    assert_int_equal(
        du_cli(&srv, out, sizeof out, "api", "token", "--member", "2", "--as", "5", NULL), 1);
    assert_int_equal(strlen(out), 0);
    assert_int_equal(
        du_cli(&srv, out, sizeof out, "api", "token", "--member", "2", "--as", "1", NULL), 0);
    assert_int_equal(strcspn(out, "\n"), 43);
    assert_int_equal(du_cli(&srv, out, sizeof out, "api", "token", NULL), 2);
    expect(call("GET", "/api/v1/me", NULL, NULL), 401, "unauthenticated", NULL);
    expect(call("GET", "/api/v1/me", "nonsense", NULL), 401, "unauthenticated", NULL);
    expect(call("GET", "/api/v1/me", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL), 401,
           "unauthenticated", NULL);
    token_of("1", "60", tok, sizeof tok);
    expect(call("GET", "/api/v1/me", tok, NULL), 200, NULL, NULL);
    set_now((long long)time(NULL) + 61);
    struct rest_reply *r = call("GET", "/api/v1/me", tok, NULL);
    set_now((long long)time(NULL));
    expect(r, 401, "unauthenticated", NULL);
    assert_non_null(strstr(r->body, "过期"));
    /* audited issuing */
    assert_true(du_db_int(&srv, "SELECT count(*) FROM audit WHERE action='api_token' AND "
                                "target='member:1'") >= 1);
}

static void member_routes(void **state)
{
    (void)state;
    char sec[64], plain[64];
    token_of("1", NULL, sec, sizeof sec);     /* 书记 of 船闸支部 */
    token_of("5", NULL, plain, sizeof plain); /* a member without a post */
    struct rest_reply *r = call("GET", "/api/v1/members", sec, NULL);
    expect(r, 200, NULL, NULL);
    assert_non_null(strstr(r->body, "\"count\":11")); /* member 12 moved out of reach */
    assert_null(strstr(r->body, "马晨阳"));
    assert_int_equal(du_db_int(&srv, "SELECT count(*) FROM audit WHERE action='view_members' AND "
                                     "actor='member:1' AND channel='api'"),
                     1);
    /* a page at a time: 11 members as 5 + 5 + 1, each page naming the next */
    r = call("GET", "/api/v1/members?limit=5", sec, NULL);
    expect(r, 200, NULL, NULL);
    assert_non_null(strstr(r->body, "\"count\":5"));
    assert_non_null(strstr(r->body, "\"next_after\":5"));
    assert_non_null(strstr(r->body, "李建国"));
    r = call("GET", "/api/v1/members?after=5&limit=5", sec, NULL);
    expect(r, 200, NULL, NULL);
    assert_non_null(strstr(r->body, "\"count\":5"));
    assert_null(strstr(r->body, "李建国"));
    assert_non_null(strstr(r->body, "\"next_after\":10"));
    r = call("GET", "/api/v1/members?after=10&limit=5", sec, NULL);
    assert_non_null(strstr(r->body, "\"count\":1"));
    assert_null(strstr(r->body, "next_after"));
    expect(call("GET", "/api/v1/members?limit=0", sec, NULL), 400, "invalid", "limit");
    expect(call("GET", "/api/v1/members?limit=201", sec, NULL), 400, "invalid", "limit");
    expect(call("GET", "/api/v1/members?after=x", sec, NULL), 400, "invalid", "after");
    expect(call("GET", "/api/v1/members?branch=灯塔支部", sec, NULL), 403, "forbidden", NULL);
    expect(call("GET", "/api/v1/members?branch=没有这个支部", sec, NULL), 400, "invalid", "branch");
    expect(call("GET", "/api/v1/members", plain, NULL), 403, "forbidden", NULL);
    r = call("GET", "/api/v1/members/2", sec, NULL);
    expect(r, 200, NULL, NULL);
    assert_non_null(strstr(r->body, "138****8002"));
    assert_non_null(strstr(r->body, "\"monthly_income\"")); /* the secretary sees the income */
    expect(call("GET", "/api/v1/members/12", sec, NULL), 403, "forbidden", NULL);
    expect(call("GET", "/api/v1/members/999", sec, NULL), 404, "not_found", NULL);
    expect(call("GET", "/api/v1/members/abc", sec, NULL), 400, "invalid", "id");
    expect(call("GET", "/api/v1/members/2", plain, NULL), 403, "forbidden", NULL);
    /* the income: the secretary sees it; a 纪检委员 and 党小组长 (member 4) sees the list but
     * not the income of others, only their own */
    char disc[64];
    token_of("4", NULL, disc, sizeof disc);
    r = call("GET", "/api/v1/members", disc, NULL);
    expect(r, 200, NULL, NULL);
    assert_non_null(strstr(r->body, "李建国"));
    const char *inc = strstr(r->body, "monthly_income"); /* their own row only */
    assert_non_null(inc);
    assert_null(strstr(inc + 1, "monthly_income"));
    r = call("GET", "/api/v1/me", disc, NULL);
    expect(r, 200, NULL, NULL);
    assert_non_null(strstr(r->body, "\"monthly_income\""));
    /* PATCH: same validation and audit as `zhibu member set` */
    r = call("PATCH", "/api/v1/members/6", sec, "{\"post\":\"调度员\",\"education\":\"大专\"}");
    expect(r, 200, NULL, NULL);
    assert_non_null(strstr(r->body, "调度员"));
    assert_int_equal(du_db_int(&srv, "SELECT count(*) FROM audit WHERE action='set' AND "
                                     "target='member:6' AND channel='api'"),
                     2);
    expect(call("PATCH", "/api/v1/members/6", sec, "{\"phone\":\"abc\"}"), 400, "invalid", "phone");
    expect(call("PATCH", "/api/v1/members/6", sec, "{\"shoe\":\"42\"}"), 400, "invalid", "shoe");
    expect(call("PATCH", "/api/v1/members/6", sec, "{\"post\":7}"), 400, "invalid", "post");
    expect(call("PATCH", "/api/v1/members/6", sec, "{\"phone\":\"13800138001\"}"), 409, "conflict",
           "phone");
    /* a failed field rolls back the ones before it */
    expect(call("PATCH", "/api/v1/members/6", sec, "{\"post\":\"半途\",\"phone\":\"x\"}"), 400,
           "invalid", "phone");
    r = call("GET", "/api/v1/members/6", sec, NULL);
    assert_non_null(strstr(r->body, "调度员"));
    expect(call("PATCH", "/api/v1/members/6", plain, "{\"post\":\"x\"}"), 403, "forbidden", NULL);
    expect(call("PATCH", "/api/v1/members/12", sec, "{\"post\":\"x\"}"), 403, "forbidden", NULL);
    /* branches and audit */
    r = call("GET", "/api/v1/branches", sec, NULL);
    expect(r, 200, NULL, NULL);
    assert_non_null(strstr(r->body, "船闸支部"));
    assert_null(strstr(r->body, "灯塔支部"));
    expect(call("GET", "/api/v1/audit", plain, NULL), 403, "forbidden", NULL);
    r = call("GET", "/api/v1/audit?limit=200", sec, NULL);
    expect(r, 200, NULL, NULL);
    assert_non_null(strstr(r->body, "member:6"));
    expect(call("GET", "/api/v1/audit?limit=0", sec, NULL), 400, "invalid", "limit");
    /* 404, 405, 413 */
    expect(call("GET", "/api/v1/nothing", sec, NULL), 404, "not_found", NULL);
    r = call("DELETE", "/api/v1/members/6", sec, NULL);
    expect(r, 405, NULL, NULL);
    assert_string_equal(r->allow, "GET, PATCH");
    char *big = malloc(8192);
    memset(big, 'a', 8191);
    big[8191] = '\0';
    memcpy(big, "{\"post\":\"", 9);
    big[8189] = '"';
    big[8190] = '}';
    expect(call("PATCH", "/api/v1/members/6", sec, big), 413, "too_big", NULL);
    free(big);
}

static void rate_limit(void **state)
{
    (void)state;
    char tok[64], other[64];
    token_of("1", NULL, tok, sizeof tok);
    token_of("1", NULL, other, sizeof other);
    /* a minute boundary in the middle would reset the count: start after one */
    while (time(NULL) % 60 > 50)
        du_sleep_ms(500);
    for (int i = 0; i < RATE; i++)
        expect(call("GET", "/api/v1/me", tok, NULL), 200, NULL, NULL);
    expect(call("GET", "/api/v1/me", tok, NULL), 429, "busy", NULL);
    expect(call("GET", "/api/v1/me", other, NULL), 200, NULL, NULL); /* per token */
    /* logins per address: each costs a jscode2session call on the app's quota, so a flood of
     * them is refused before it reaches WeChat (earlier tests' logins count too) */
    int refused_at = 0;
    for (int i = 1; i <= LOGIN_RATE + 1 && !refused_at; i++) {
        char code[24];
        snprintf(code, sizeof code, "flood%d", i);
        struct rest_reply *r = login(code, NULL, 0);
        if (r->status == 429) {
            assert_non_null(strstr(r->body, "登录太频繁"));
            refused_at = i;
        } else {
            assert_int_equal(r->status, 200);
        }
    }
    assert_true(refused_at > 0);
}

static void inbox_routes(void **state)
{
    (void)state;
    char tok[64];
    token_of("2", NULL, tok, sizeof tok);
    struct rest_reply *r = call("GET", "/api/v1/todo", tok, NULL);
    expect(r, 200, NULL, NULL);
    assert_non_null(strstr(r->body, "\"items\":["));
    expect(call("POST", "/api/v1/todo/5", tok, "{\"decision\":\"maybe\"}"), 400, "invalid",
           "decision");
    expect(call("POST", "/api/v1/todo/5", tok, "{}"), 400, "invalid", "decision");
    expect(call("POST", "/api/v1/todo/x", tok, "{\"decision\":\"approve\"}"), 400, "invalid", "id");
    expect(call("POST", "/api/v1/todo/99999", tok, "{\"decision\":\"approve\"}"), 404, "not_found",
           "id");
    expect(call("GET", "/api/v1/todo", NULL, NULL), 401, "unauthenticated", NULL);
    r = call("GET", "/api/v1/todo/5", tok, NULL);
    expect(r, 405, NULL, NULL);
    assert_string_equal(r->allow, "POST");
}

static void openapi_document(void **state)
{
    (void)state;
    static const char *const routes[][2] = {
        {"post", "/api/v1/login"},
        {"post", "/api/v1/logout"},
        {"get", "/api/v1/openapi.json"},
        {"post", "/api/v1/bind"},
        {"get", "/api/v1/me"},
        {"get", "/api/v1/members"},
        {"get", "/api/v1/members/{id}"},
        {"patch", "/api/v1/members/{id}"},
        {"get", "/api/v1/branches"},
        {"get", "/api/v1/audit"},
        {"get", "/api/v1/todo"},
        {"post", "/api/v1/todo/{id}"},
        {"get", "/api/v1/tasks"},
        {"post", "/api/v1/tasks"},
        {"get", "/api/v1/tasks/{id}"},
        {"post", "/api/v1/tasks/{id}/receipt"},
        {"post", "/api/v1/wxmini/grants"},
        {"post", "/api/v1/quiz"},
        {"post", "/api/v1/quiz/{id}/answer"},
        {"get", "/api/v1/quiz/wrong"},
        {"get", "/api/v1/study"},
        {"get", "/api/v1/study/{id}"},
        {"get", "/api/v1/me/study"},
        {"get", "/api/v1/meetings"},
        {"post", "/api/v1/meetings"},
        {"post", "/api/v1/meetings/{id}/checkin"},
        {"post", "/api/v1/meetings/{id}/leave"},
        {"patch", "/api/v1/meetings/{id}"},
        {"delete", "/api/v1/meetings/{id}"},
        {"get", "/api/v1/meetings/{id}/attendance"},
        {"put", "/api/v1/meetings/{id}/minutes"},
        {"get", "/api/v1/meetings/report"},
        {"get", "/api/v1/dues"},
        {"get", "/api/v1/dues/calc"},
        {"get", "/api/v1/dues/ledger"},
        {"post", "/api/v1/dues/payments"},
        {"post", "/api/v1/transfers"},
        {"post", "/api/v1/transfers/incoming"},
        {"get", "/api/v1/transfers/{id}"},
    };
    struct rest_reply *r = call("GET", "/api/v1/openapi.json", NULL, NULL);
    expect(r, 200, NULL, NULL);
    cJSON *doc = cJSON_Parse(r->body);
    assert_string_equal(cJSON_GetObjectItem(doc, "openapi")->valuestring, "3.0.3");
    const cJSON *paths = cJSON_GetObjectItem(doc, "paths");
    size_t ops = 0;
    for (const cJSON *p = paths->child; p; p = p->next)
        ops += (size_t)cJSON_GetArraySize(p);
    assert_int_equal(ops, sizeof routes / sizeof routes[0]);
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(paths, routes[i][1]);
        if (!item || !cJSON_GetObjectItemCaseSensitive(item, routes[i][0]))
            fail_msg("%s %s is not in the document", routes[i][0], routes[i][1]);
        /* and the route answers something other than 404 */
        char path[128];
        snprintf(path, sizeof path, "%s", routes[i][1]);
        char *brace = strstr(path, "{id}");
        if (brace) { /* "{id}" becomes "1", keeping what follows */
            brace[0] = '1';
            memmove(brace + 1, brace + 4, strlen(brace + 4) + 1);
        }
        char method[8] = "";
        for (size_t k = 0; routes[i][0][k] && k + 1 < sizeof method; k++)
            method[k] = (char)(routes[i][0][k] - 'a' + 'A');
        assert_int_not_equal(call(method, path, NULL, NULL)->status, 404);
    }
    cJSON_Delete(doc);
    /* a standard validator, when installed (python3 openapi-spec-validator) */
    char file[512], cmd[1200];
    snprintf(file, sizeof file, "%s/openapi.json", fake.dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    r = call("GET", "/api/v1/openapi.json", NULL, NULL);
    fwrite(r->body, 1, r->len, f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import sys, json\ntry:\n from openapi_spec_validator import "
             "validate\nexcept Exception:\n sys.exit(3)\nvalidate(json.load(open(sys.argv[1])))'"
             " %s >&2",
             file);
    int st = system(cmd);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
        fprintf(stderr, "openapi-spec-validator not installed: document not validated\n");
    else
        assert_int_equal(st, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(login_bind_me),    cmocka_unit_test(bind_lockout),
        cmocka_unit_test(login_errors),     cmocka_unit_test(auth_failures),
        cmocka_unit_test(member_routes),    cmocka_unit_test(inbox_routes),
        cmocka_unit_test(openapi_document), cmocka_unit_test(rate_limit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
