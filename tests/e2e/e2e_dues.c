/*
 * e2e_dues.c - dues end to end: the real binary with the demo data (six months billed, two
 * members in arrears). The CLI's calculator at the bracket edges and its refusals; the REST
 * routes with their auth and scope failures (calc open to anyone, the member's own dues, the
 * ledger for the committee of the branch only, payments by the organizer only, a paid month, an
 * amount without a note); the ledger's CSV with its BOM; the jobs run twice queue once.
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

static struct du_fake fake;
static struct du_server srv;
static char now_file[400];

#define call(m, p, t, b)     rest_call(srv.port, m, p, t, b)
#define expect(r, s, c, f)   rest_expect(r, s, c, f)
#define token_of(m, t, o, n) rest_token(&srv, m, t, o, n)

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
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (du_fake_start(&fake, NULL))
        return -1;
    snprintf(now_file, sizeof now_file, "%s/now", fake.dir);
    set_now((long long)time(NULL));
    setenv("ZHIBU_TEST_NOW_FILE", now_file, 1);
    char out[512];
    if (du_server_config(&srv, &fake, 4, NULL, NULL,
                         "\"testing\":true,\"api\":{\"enabled\":true}") ||
        du_cli(&srv, out, sizeof out, "demo", "seed", NULL) != 0)
        return -1;
    /* a branch outside the demo secretary's: member 12 moves there after being billed */
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

static void this_month(int delta, char out[16])
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    int m = (tm.tm_year + 1900) * 12 + tm.tm_mon + delta;
    snprintf(out, 16, "%04d-%02d", (m / 12) % 10000, m % 12 + 1);
}

static void cli_calc(void **state)
{
    (void)state;
    char out[512];
    assert_int_equal(du_cli(&srv, out, sizeof out, "dues", "calc", "--category", "在职", "--income",
                            "3000.00", NULL),
                     0);
    assert_non_null(strstr(out, "15.00 元\n3000.00 元 × 0.5% = 15.00 元"));
    assert_int_equal(du_cli(&srv, out, sizeof out, "dues", "calc", "--category", "employed",
                            "--income", "3000.01", NULL),
                     0);
    assert_non_null(strstr(out, "30.00 元\n3000.01 元 × 1% = 30.00 元"));
    assert_int_equal(du_cli(&srv, out, sizeof out, "dues", "calc", "--category", "低保", NULL), 0);
    assert_non_null(strstr(out, "0.20 元"));
    static const char *const bad[][2] = {
        {"在职", "abc"},  {"在职", "30.001"}, {"在职", "99999999999"},
        {"工人", "3000"}, {"在职", "-5"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_not_equal(du_cli(&srv, out, sizeof out, "dues", "calc", "--category", bad[i][0],
                                    "--income", bad[i][1], NULL),
                             0);
}

static void api_routes(void **state)
{
    (void)state;
    char sec[64], org[64], plain[64], late[64], body[256], m0[16];
    token_of("1", NULL, sec, sizeof sec);     /* 李建国, secretary */
    token_of("2", NULL, org, sizeof org);     /* 陈秀英, organizer */
    token_of("5", NULL, plain, sizeof plain); /* 赵海燕 */
    token_of("9", NULL, late, sizeof late);   /* 郑晓东, four months unpaid */
    this_month(0, m0);
    /* the calculator is open */
    struct rest_reply *r =
        call("GET", "/api/v1/dues/calc?category=在职&income=10000.01", NULL, NULL);
    expect(r, 200, NULL, NULL);
    assert_non_null(strstr(r->body, "\"amount\":\"200.00\""));
    expect(call("GET", "/api/v1/dues/calc?category=x&income=1", NULL, NULL), 400, "invalid",
           "category");
    expect(call("GET", "/api/v1/dues/calc?category=在职&income=1.234", NULL, NULL), 400, "invalid",
           "income");
    /* the member's own dues */
    expect(call("GET", "/api/v1/dues", NULL, NULL), 401, "unauthenticated", NULL);
    r = call("GET", "/api/v1/dues", late, NULL);
    expect(r, 200, NULL, NULL);
    assert_non_null(strstr(r->body, "\"arrears_months\":4"));
    assert_non_null(strstr(r->body, "\"arrears\":\"60.00\""));
    assert_non_null(strstr(r->body, "3000.00 元 × 0.5% = 15.00 元"));
    /* the ledger: the committee of the branch only */
    expect(call("GET", "/api/v1/dues/ledger", plain, NULL), 403, "forbidden", NULL);
    expect(call("GET", "/api/v1/dues/ledger?branch=灯塔支部", sec, NULL), 403, "forbidden", NULL);
    expect(call("GET", "/api/v1/dues/ledger?branch=没有的支部", sec, NULL), 404, NULL, "branch");
    r = call("GET", "/api/v1/dues/ledger?branch=船闸支部", sec, NULL);
    expect(r, 200, NULL, NULL);
    assert_non_null(strstr(r->body, "马晨阳")); /* billed here before the transfer */
    assert_non_null(strstr(r->body, "郑晓东"));
    /* payments: the organizer */
    snprintf(body, sizeof body, "{\"member_id\":9,\"months\":\"%s\"}", m0);
    expect(call("POST", "/api/v1/dues/payments", plain, body), 403, "forbidden", NULL);
    expect(call("POST", "/api/v1/dues/payments", org, "{\"member_id\":9}"), 400, "invalid",
           "months");
    snprintf(body, sizeof body, "{\"member_id\":9,\"months\":\"%s\",\"amount\":\"20\"}", m0);
    expect(call("POST", "/api/v1/dues/payments", org, body), 400, "invalid", "note");
    snprintf(body, sizeof body, "{\"member_id\":9,\"months\":\"%s\"}", m0);
    r = call("POST", "/api/v1/dues/payments", org, body);
    expect(r, 201, NULL, NULL);
    assert_non_null(strstr(r->body, "\"amount\":\"15.00\""));
    expect(call("POST", "/api/v1/dues/payments", org, body), 400, "invalid", "months");
    snprintf(body, sizeof body, "{\"member_id\":12,\"months\":\"%s\"}", m0);
    expect(call("POST", "/api/v1/dues/payments", org, body), 403, "forbidden", "member_id");
    /* the field at fault is the member or the proxy, not the months */
    snprintf(body, sizeof body, "{\"member_id\":9999,\"months\":\"%s\"}", m0);
    expect(call("POST", "/api/v1/dues/payments", org, body), 404, "not_found", "member_id");
    snprintf(body, sizeof body, "{\"member_id\":9,\"proxy_id\":9999,\"months\":\"%s\"}", m0);
    expect(call("POST", "/api/v1/dues/payments", org, body), 404, "not_found", "proxy_id");
    snprintf(body, sizeof body, "{\"member_id\":9,\"proxy_id\":9,\"months\":\"%s\"}", m0);
    expect(call("POST", "/api/v1/dues/payments", org, body), 400, "invalid", "proxy_id");
    r = call("GET", "/api/v1/dues", late, NULL);
    assert_non_null(strstr(r->body, "\"arrears_months\":3"));
    assert_int_equal(
        du_db_int(&srv, "SELECT count(*) FROM audit WHERE action='dues_pay' AND actor='member:2'"),
        1);
    assert_int_equal(du_db_int(&srv, "SELECT count(*) FROM notify_items WHERE kind='dues.receipt' "
                                     "AND member_id=9"),
                     1);
}

static void ledger_csv_and_jobs(void **state)
{
    (void)state;
    char out[4096], path[512];
    snprintf(path, sizeof path, "%s/ledger.csv", fake.dir);
    assert_int_equal(du_cli(&srv, out, sizeof out, "dues", "ledger", "--branch", "船闸支部",
                            "--csv", path, NULL),
                     0);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char bom[3] = {0};
    assert_int_equal(fread(bom, 1, 3, f), 3);
    fclose(f);
    assert_memory_equal(bom, "\xEF\xBB\xBF", 3);
    assert_int_equal(
        du_cli(&srv, out, sizeof out, "dues", "disclosure", "--branch", "船闸支部", NULL), 0);
    assert_non_null(strstr(out, "党费收缴情况公示"));
    /* the notice has no CSV form: --csv is refused as a usage error, not silently ignored */
    assert_int_equal(du_cli(&srv, out, sizeof out, "dues", "disclosure", "--branch", "船闸支部",
                            "--csv", path, NULL),
                     2);
    /* bills: running twice bills once */
    long long bills = du_db_int(&srv, "SELECT count(*) FROM dues_bills");
    assert_int_equal(du_cli(&srv, out, sizeof out, "jobs", "run", "dues.bill", NULL), 0);
    assert_int_equal(du_cli(&srv, out, sizeof out, "jobs", "run", "dues.bill", NULL), 0);
    assert_int_equal(du_db_int(&srv, "SELECT count(*) FROM dues_bills"), bills);
    /* reminders on the 25th: once */
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_mday = 25;
    tm.tm_hour = 10;
    set_now((long long)mktime(&tm));
    assert_int_equal(du_cli(&srv, out, sizeof out, "jobs", "run", "dues.remind", NULL), 0);
    long long n = du_db_int(&srv, "SELECT count(*) FROM notify_items WHERE kind='dues.reminder'");
    assert_true(n >= 1);
    assert_int_equal(du_cli(&srv, out, sizeof out, "jobs", "run", "dues.remind", NULL), 0);
    assert_int_equal(
        du_db_int(&srv, "SELECT count(*) FROM notify_items WHERE kind='dues.reminder'"), n);
    set_now((long long)time(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cli_calc),
        cmocka_unit_test(api_routes),
        cmocka_unit_test(ledger_csv_and_jobs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
