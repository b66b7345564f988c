/*
 * e2e_notify.c - notify_send through the real server's sender to the fake platform:
 *   templates_mapped   wechat.templates.KIND maps the template's keys to notify's fields; the
 *                      fake receives a template message with those keys, values cut to 20
 *                      characters, the link as the template's url
 *   old_keys_still_work   wechat.template.KIND still sends (the text in template_field) and the
 *                      server warns at start-up with the new key's name
 * The notification is written by this test process on the server's database, inside its own
 * transaction, as a capability's writer job would.
 */
#include <cjson/cJSON.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bot/delivery/notify.h"
#include "bot/store/store.h"
#include "tests/e2e/delivery_util.h"

#define MEMBER_SQL                                                                                 \
    "INSERT INTO members(id, name, created_at, updated_at) VALUES(1,'张三',0,0);"                \
    "INSERT INTO identities(platform, account, ext_id, member_id, first_seen, last_seen) "         \
    "VALUES('wechat','','oN1',1,0,100);"

/* notify - notify_send on the server's database in one transaction. */
static void notify(const struct du_server *s, const char *kind, enum notify_urgency u,
                   const char *key, const struct notify_fields *f)
{
    struct notify_result r;
    assert_int_equal(store_init(s->db, false, NULL, 0), 0);
    assert_int_equal(store_begin(), 0);
    assert_int_equal(notify_send(1, kind, u, key, f, &r), 0);
    assert_int_equal(store_commit(), 0);
    store_close_thread();
    assert_int_equal(r.outcome, NOTIFY_QUEUED);
}

/* sent_record - the fake's record of the one send to oN1 through api; fails when none. */
static struct du_rec sent_record(const struct du_fake *f, const char *api)
{
    size_t n = 0;
    struct du_rec *rec = du_records(f, &n), found = {0};
    int hits = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(rec[i].api, api) == 0 && strcmp(rec[i].to, "oN1") == 0) {
            found = rec[i];
            hits++;
        }
    free(rec);
    assert_int_equal(hits, 1);
    return found;
}

static const char *value_of(const cJSON *data, const char *key)
{
    const cJSON *v =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(data, key), "value");
    return cJSON_IsString(v) ? v->valuestring : "(none)";
}

static void templates_mapped(void **state)
{
    (void)state;
    struct du_fake f;
    struct du_server s;
    assert_int_equal(du_fake_start(&f, NULL), 0);
    assert_int_equal(
        du_server_config(&s, &f, 4,
                         "\"templates\":{\"meeting.reminder\":{\"id\":\"TPL-M\",\"fields\":{"
                         "\"thing1\":\"title\",\"time2\":\"time\",\"thing3\":\"place\","
                         "\"thing4\":\"text\",\"thing5\":\"status\"}}}",
                         NULL, NULL),
        0);
    assert_int_equal(du_server_start(&s), 0);
    assert_int_equal(du_db_exec(&s, MEMBER_SQL), 0);
    struct notify_fields nf = {.title = "二〇二六年度第四季度支部党员大会暨组织生活会",
                               .time = "12月1日 14:30",
                               .place = "三楼会议室",
                               .link = "https://zb.example.cn/m/9?s=abc",
                               .text = "一小时后开支部党员大会，请准时参加"};
    notify(&s, "meeting.reminder", NOTIFY_URGENT, "meeting:9:member:1:1h", &nf);
    assert_true(du_wait_db(&s,
                           "SELECT count(*) FROM outbox WHERE idem_key='meeting:9:member:1:1h' "
                           "AND status='sent' AND channel='wechat_template'",
                           1, 15000));
    struct du_rec r = sent_record(&f, "wechat_template");
    assert_string_equal(r.key, "meeting:9:member:1:1h");
    assert_string_equal(r.url, "https://zb.example.cn/m/9?s=abc");
    cJSON *data = cJSON_Parse(r.data);
    assert_non_null(data);
    assert_string_equal(value_of(data, "thing1"), "二〇二六年度第四季度支部党员大会暨组织…");
    assert_string_equal(value_of(data, "time2"), "12月1日 14:30");
    assert_string_equal(value_of(data, "thing3"), "三楼会议室");
    assert_string_equal(value_of(data, "thing4"), "一小时后开支部党员大会，请准时参加");
    assert_null(cJSON_GetObjectItemCaseSensitive(data, "thing5")); /* no status: left out */
    assert_null(cJSON_GetObjectItemCaseSensitive(data, "content"));
    cJSON_Delete(data);
    assert_false(du_file_has(s.log, "deprecated"));
    assert_int_equal(du_server_stop(&s), 0);
    du_fake_stop(&f);
}

static void old_keys_still_work(void **state)
{
    (void)state;
    struct du_fake f;
    struct du_server s;
    assert_int_equal(du_fake_start(&f, NULL), 0);
    assert_int_equal(
        du_server_config(&s, &f, 4, "\"template\":{\"reminder\":\"TPL-R\"}", NULL, NULL), 0);
    assert_int_equal(du_server_start(&s), 0);
    assert_true(du_file_has(s.log, "\"wechat.template.reminder\" is deprecated"));
    assert_true(du_file_has(s.log, "\"wechat.templates.reminder\": {\"id\": \"TPL-R\"}"));
    assert_int_equal(du_db_exec(&s, MEMBER_SQL), 0);
    struct notify_fields nf = {.title = "党费", .text = "本月党费尚未缴纳"};
    notify(&s, "dues.arrears", NOTIFY_ROUTINE, "dues:2026-11:member:1", &nf);
    assert_true(du_wait_db(&s,
                           "SELECT count(*) FROM outbox WHERE idem_key='dues:2026-11:member:1' "
                           "AND status='sent' AND channel='wechat_template'",
                           1, 15000));
    struct du_rec r = sent_record(&f, "wechat_template");
    assert_string_equal(r.data, "{\"content\":{\"value\":\"本月党费尚未缴纳\"}}");
    assert_string_equal(r.url, "");
    assert_int_equal(du_server_stop(&s), 0);
    du_fake_stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(templates_mapped),
        cmocka_unit_test(old_keys_still_work),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
