/*
 * e2e_first_ops4.c - the last operator items of issue 11, against the real server and the fake
 * platform:
 *   menu_publish_and_click   `zhibu wechat menu publish` creates the custom menu (the fake
 *                      checks WeChat's limits and records the keys); a CLICK on a key gets the
 *                      same answer as typing that word
 *   metrics_delivery   /metrics shows sends by platform and result, token refreshes, outbox rows
 *                      by status and platform and the oldest due pending row's age
 *   reimport_conflicts   re-import matches by phone or by name + branch: a phone under another
 *                      name is a conflict (nothing written, no rename), a removed member is not
 *                      matched silently and never gets a second record
 *   import_grouped     an organisation that does not exist is one problem listing its rows;
 *                      `branch list` after importing one branch judges the sizes of the levels
 *                      imported, not of the 党委/总支 above them that zhibu only partly holds
 *   cannot_send_warned   start-up warns (log and one stderr line) about an enabled platform
 *                      that cannot send (WeChat without app secret); not when it can
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
    assert_false(du_file_has(s.log, "不能主动发消息")); /* every platform here can send */

    assert_int_equal(du_server_stop(&s), 0);
    du_fake_stop(&f);
}

/* run - zhibu ARGS --config (s's config) in s's directory; *p as e2e_zhibu (caller frees). */
static int run(const struct du_server *s, struct e2e_proc *p, const char *a0, const char *a1,
               const char *a2, const char *a3, const char *a4)
{
    const char *a[5] = {a0, a1, a2, a3, a4};
    const char *argv[8] = {0};
    int n = 0;
    for (int i = 0; i < 5 && a[i]; i++)
        argv[n++] = a[i];
    argv[n++] = "--config";
    argv[n++] = s->config;
    assert_int_equal(e2e_zhibu(s->dir, p, argv[0], argv[1], argv[2], argv[3], argv[4], argv[5],
                               argv[6], (char *)NULL),
                     0);
    return p->status;
}

/* write_csv - text into DIR/name; the path into out. */
static void write_csv(const struct du_server *s, const char *name, const char *text, char *out,
                      size_t n)
{
    snprintf(out, n, "%s/%s", s->dir, name);
    FILE *f = fopen(out, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void reimport_conflicts(void **state)
{
    (void)state;
    struct du_fake f;
    struct du_server s;
    struct e2e_proc p;
    char path[400];
    assert_int_equal(du_fake_start(&f, NULL), 0);
    assert_int_equal(du_server_config(&s, &f, 2, NULL, NULL, NULL), 0);
    write_csv(&s, "a.csv",
              "姓名,手机号,支部\n张三,13800000001,船闸支部\n李四,,船闸支部\n王五,13800000003,"
              "船闸支部\n",
              path, sizeof path);
    assert_int_equal(run(&s, &p, "member", "import", path, "--create-branches", NULL), 0);
    e2e_proc_free(&p);
    long long lisi = du_db_int(&s, "SELECT id FROM members WHERE name='李四'");
    long long wangwu = du_db_int(&s, "SELECT id FROM members WHERE name='王五'");
    assert_true(lisi > 0 && wangwu > 0);

    /* the same file again: matched by phone and by name + branch, nothing new */
    assert_int_equal(run(&s, &p, "member", "import", path, NULL, NULL), 0);
    e2e_proc_free(&p);
    assert_int_equal(du_db_int(&s, "SELECT count(*) FROM members"), 3);

    /* 张三's phone under another name: a conflict, nothing written, no rename */
    write_csv(&s, "b.csv",
              "姓名,手机号,支部\n张山,138-0000-0001,船闸支部\n赵六,13800000009,船闸支部\n", path,
              sizeof path);
    assert_int_equal(run(&s, &p, "member", "import", path, NULL, NULL), 1);
    char *all = p.err && *p.err ? p.err : p.out;
    assert_non_null(strstr(all, "已登记为"));
    assert_non_null(strstr(all, "张三"));
    assert_non_null(strstr(all, "导入不改名"));
    assert_null(strstr(all, "13800000001")); /* the phone is masked */
    e2e_proc_free(&p);
    assert_int_equal(du_db_int(&s, "SELECT count(*) FROM members WHERE name='张三'"), 1);
    assert_int_equal(du_db_int(&s, "SELECT count(*) FROM members"), 3); /* 赵六 not added */

    /* removed members: matched neither by name + branch nor by phone, and not added again */
    char id[32];
    snprintf(id, sizeof id, "%lld", lisi);
    assert_int_equal(run(&s, &p, "member", "remove", id, NULL, NULL), 0);
    e2e_proc_free(&p);
    snprintf(id, sizeof id, "%lld", wangwu);
    assert_int_equal(run(&s, &p, "member", "remove", id, NULL, NULL), 0);
    e2e_proc_free(&p);
    write_csv(&s, "c.csv", "姓名,手机号,支部\n李四,,船闸支部\n王五,13800000003,船闸支部\n", path,
              sizeof path);
    assert_int_equal(run(&s, &p, "member", "import", path, NULL, NULL), 1);
    all = p.err && *p.err ? p.err : p.out;
    assert_non_null(strstr(all, "李四 已于"));
    assert_non_null(strstr(all, "王五 已于"));
    assert_non_null(strstr(all, "移出名册"));
    e2e_proc_free(&p);
    assert_int_equal(du_db_int(&s, "SELECT count(*) FROM members"), 3);
    assert_int_equal(du_db_int(&s, "SELECT count(*) FROM members WHERE left_at IS NOT NULL"), 2);
    du_fake_stop(&f);
}

static void import_grouped(void **state)
{
    (void)state;
    struct du_fake f;
    struct du_server s;
    struct e2e_proc p;
    char path[400];
    assert_int_equal(du_fake_start(&f, NULL), 0);
    assert_int_equal(du_server_config(&s, &f, 2, NULL, NULL, NULL), 0);
    write_csv(&s, "g.csv",
              "姓名,手机号,支部\n甲,13800000011,航道支部\n乙,13800000012,航道支部\n丙,,桥梁支部\n"
              "丁,13800000014,航道支部\n",
              path, sizeof path);
    assert_int_equal(run(&s, &p, "member", "import", path, NULL, NULL), 1);
    assert_non_null(strstr(p.err, "发现 2 个问题"));
    assert_non_null(strstr(p.err, "第 2、3、5 行 C 列（支部）：组织“航道支部”不存在"));
    assert_non_null(strstr(p.err, "第 4 行 C 列（支部）：组织“桥梁支部”不存在"));
    const char *first = strstr(p.err, "航道支部");
    assert_null(strstr(first + 1, "航道支部")); /* once */
    e2e_proc_free(&p);
    assert_int_equal(du_db_int(&s, "SELECT count(*) FROM members"), 0);

    /* one branch imported under a long path: its upper levels are counted, not judged */
    const char *src = getenv("ZHIBU_SRC");
    snprintf(path, sizeof path, "%s/config/members.example.csv", src ? src : ".");
    assert_int_equal(run(&s, &p, "member", "import", path, "--create-branches", NULL), 0);
    e2e_proc_free(&p);
    write_csv(&s, "h.csv", "姓名,支部\n戊,小支部\n", path, sizeof path);
    assert_int_equal(run(&s, &p, "member", "import", path, "--create-branches", NULL), 0);
    e2e_proc_free(&p);
    assert_int_equal(run(&s, &p, "branch", "list", NULL, NULL, NULL), 0);
    assert_null(strstr(p.out, "100 人以上"));
    assert_null(strstr(p.out, "50 至 100"));
    assert_non_null(strstr(p.out, "共 12 人（只含已导入的下级组织，不按人数提醒）"));
    assert_non_null(strstr(p.out, "不足 3 人")); /* 小支部: an imported level is still judged */
    e2e_proc_free(&p);
    du_fake_stop(&f);
}

static void cannot_send_warned(void **state)
{
    (void)state;
    struct du_fake f;
    struct du_server s;
    assert_int_equal(du_fake_start(&f, NULL), 0);
    assert_int_equal(du_server_config(&s, &f, 2, NULL, NULL, NULL), 0);
    /* the same config without the WeChat secret */
    FILE *c = fopen(s.config, "r");
    assert_non_null(c);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, c);
    fclose(c);
    text[n] = '\0';
    char *at = strstr(text, DU_WX_SECRET);
    assert_non_null(at);
    memmove(at, at + strlen(DU_WX_SECRET), strlen(at + strlen(DU_WX_SECRET)) + 1);
    c = fopen(s.config, "w");
    assert_non_null(c);
    fputs(text, c);
    fclose(c);
    assert_int_equal(du_server_start(&s), 0);
    assert_true(du_file_has(s.log, "注意：wechat 已启用，但没有配置 wechat.app_id 和 "
                                   "wechat.app_secret，不能主动发消息"));
    assert_true(du_file_has(s.log, "WARN"));
    assert_false(du_file_has(s.log, "注意：onebot")); /* OneBot can send */
    assert_int_equal(du_server_stop(&s), 0);
    du_fake_stop(&f);
}

/* no_template_warned - an official account that can send but has no template for the kinds
 * the capabilities send is named at start-up, by capability; a template for the outbox kind
 * those notices use answers for all of them. */
static void no_template_warned(void **state)
{
    (void)state;
    struct du_fake f, g; /* one each: a fake's directory holds its server's log */
    struct du_server s, t;
    assert_int_equal(du_fake_start(&f, NULL), 0);
    assert_int_equal(du_server_config(&s, &f, 2, NULL, NULL, NULL), 0);
    assert_int_equal(du_server_start(&s), 0);
    assert_int_equal(du_server_stop(&s), 0);
    assert_true(du_file_has(s.log, "没有为这些功能配置模板消息"));
    assert_true(du_file_has(s.log, "meetings"));
    assert_true(du_file_has(s.log, "tasks"));
    du_fake_stop(&f);
    /* with a template for reminders (the kind notify uses), nothing is missing */
    assert_int_equal(du_fake_start(&g, NULL), 0);
    assert_int_equal(du_server_config(&t, &g, 2,
                                      "\"templates\":{\"reminder\":{\"id\":\"TPL_ALL\"}}", NULL,
                                      NULL),
                     0);
    assert_int_equal(du_server_start(&t), 0);
    assert_int_equal(du_server_stop(&t), 0);
    assert_false(du_file_has(t.log, "没有为这些功能配置模板消息"));
    du_fake_stop(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(menu_publish_and_click), cmocka_unit_test(metrics_delivery),
        cmocka_unit_test(reimport_conflicts),     cmocka_unit_test(import_grouped),
        cmocka_unit_test(cannot_send_warned),     cmocka_unit_test(no_template_warned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
