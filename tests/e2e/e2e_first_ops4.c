/*
 * e2e_first_ops4.c - the last operator items of issue 11, against the real server and the fake
 * platform:
 *   menu_publish_and_click   `zhibu wechat menu publish` creates the custom menu (the fake
 *                      checks WeChat's limits and records the keys); a CLICK on a key gets the
 *                      same answer as typing that word
 *   metrics_delivery   /metrics shows sends by platform and result, token refreshes, outbox rows
 *                      by status and platform and the oldest due pending row's age
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

#include "tests/e2e/delivery_util.h"
#include "tests/e2e/e2e_util.h"

/* wx_of - an e2e_server view of s for the WeChat helpers (plaintext mode, token "t"). */
static struct e2e_server wx_of(const struct du_server *s)
{
    struct e2e_server w;
    memset(&w, 0, sizeof w);
    snprintf(w.base, sizeof w.base, "http://127.0.0.1:%d", s->port);
    w.port = s->port;
    snprintf(w.token, sizeof w.token, "t");
    snprintf(w.app_id, sizeof w.app_id, "%s", DU_WX_APPID);
    return w;
}

/* first_key - the first key of the recorded menu (its text is the keys joined by ","). */
static void first_key(const char *keys, char *out, size_t n)
{
    size_t k = strcspn(keys, ",");
    snprintf(out, n, "%.*s", (int)k, keys);
}

static void menu_publish_and_click(void **state)
{
    (void)state;
    struct du_fake f;
    struct du_server s;
    char out[8192];
    assert_int_equal(du_fake_start(&f, NULL), 0);
    assert_int_equal(du_server_config(&s, &f, 2, NULL, NULL, NULL), 0);
    assert_int_equal(du_server_start(&s), 0);

    assert_int_equal(du_cli(&s, out, sizeof out, "wechat", "menu", "show", NULL), 0);
    assert_non_null(strstr(out, "\"type\":\"click\""));
    assert_int_equal(du_cli(&s, out, sizeof out, "wechat", "menu", "publish", NULL), 0);
    assert_non_null(strstr(out, "公众号菜单已发布"));
    assert_int_equal(du_cli(&s, out, sizeof out, "wechat", "menu", "pub", NULL), 2);
    assert_true(du_db_int(&s, "SELECT count(*) FROM audit WHERE action='wechat_menu'") == 1);

    size_t n = 0;
    struct du_rec *rec = du_records(&f, &n);
    char key[160] = "";
    int menus = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(rec[i].api, "wechat_menu") == 0) {
            menus++;
            first_key(rec[i].text, key, sizeof key);
            assert_non_null(strstr(rec[i].data, "\"key\""));
        }
    free(rec);
    assert_int_equal(menus, 1);
    assert_true(key[0] != '\0');

    /* a click on the key answers as the typed word does (two senders: no shared session) */
    struct e2e_server w = wx_of(&s);
    char *xml = e2e_wx_xml("oClick", "event", (long long)time(NULL), NULL, "Event", "CLICK",
                           "EventKey", key, NULL);
    char *clicked = e2e_wx_reply_ok(&w, E2E_PLAIN, xml);
    free(xml);
    char *typed = e2e_say_ok(&w, E2E_PLAIN, "oTyped", key);
    assert_true(clicked[0] != '\0');
    assert_string_equal(clicked, typed);
    assert_null(strstr(clicked, "没看懂"));
    free(clicked);
    free(typed);

    assert_int_equal(du_server_stop(&s), 0);
    du_fake_stop(&f);
}

/* metric - the value of the exposition line starting with name (labels included); -1 if none. */
static long long metric(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, name, n) == 0 && p[n] == ' ')
            return atoll(p + n + 1);
    return -1;
}

static void metrics_delivery(void **state)
{
    (void)state;
    struct du_fake f;
    struct du_server s;
    char out[4096];
    assert_int_equal(du_fake_start(&f, NULL), 0);
    assert_int_equal(du_server_config(&s, &f, 2, NULL, NULL, NULL), 0);
    assert_int_equal(du_server_start(&s), 0);
    struct e2e_server w = wx_of(&s);

    free(e2e_say_ok(&w, E2E_PLAIN, "oM1", "你好")); /* opens the customer-service window */
    assert_int_equal(du_cli(&s, out, sizeof out, "push", "--wechat", "oM1", "通知", NULL), 0);
    assert_true(du_wait_db(&s, "SELECT count(*) FROM outbox WHERE status='sent'", 1, 10000));
    /* a row waiting since 300 s ago, not due for a retry yet: the sender leaves it */
    long long now = (long long)time(NULL);
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO outbox(idem_key, rcpt, to_id, kind, text, status, not_before, "
             "next_try_at, created_at) VALUES('old1','qqbot_user','u9','reply','x','pending',"
             "%lld,%lld,%lld)",
             now - 300, now + 3600, now - 300);
    assert_int_equal(du_db_exec(&s, sql), 0);
    du_sleep_ms(1100); /* past the counts' one-second cache */

    struct e2e_resp r;
    assert_int_equal(e2e_http(&w, "GET", "/metrics", NULL, 0, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(metric(r.body, "zhibu_sends_total{platform=\"wechat\",result=\"ok\"}"), 1);
    assert_int_equal(metric(r.body, "zhibu_sends_total{platform=\"onebot\",result=\"ok\"}"), 0);
    assert_int_equal(
        metric(r.body, "zhibu_token_refreshes_total{platform=\"wechat\",result=\"ok\"}"), 1);
    assert_int_equal(metric(r.body, "zhibu_outbox_rows{status=\"sent\",platform=\"wechat\"}"), 1);
    assert_int_equal(metric(r.body, "zhibu_outbox_rows{status=\"pending\",platform=\"qqbot\"}"), 1);
    long long age = metric(r.body, "zhibu_outbox_oldest_pending_seconds");
    assert_true(age >= 299 && age < 400);
    e2e_resp_free(&r);

    assert_int_equal(du_server_stop(&s), 0);
    du_fake_stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(menu_publish_and_click),
        cmocka_unit_test(metrics_delivery),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
