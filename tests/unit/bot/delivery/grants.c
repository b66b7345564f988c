/*
 * grants.c - unit tests for bot/delivery/grants.c and the mini-program's channel choice: a grant
 * is counted per template, used once, dropped on 43101, and channel_choose picks the subscribe
 * message only while a grant is left (then the member's next channel). Also the REST face
 * (bot/app/api_wxmini.c) called directly with an api_ctx.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "bot/app/api_wxmini.h"
#include "bot/delivery/channel.h"
#include "bot/delivery/grants.h"
#include "bot/org/apisession.h"
#include "bot/store/store.h"

static char db_path[64];

static void exec(const char *sql)
{
    assert_int_equal(sqlite3_exec(store_db(), sql, NULL, NULL, NULL), SQLITE_OK);
}

static int setup(void **state)
{
    (void)state;
    snprintf(db_path, sizeof db_path, "/tmp/zhibu-grants-%d.db", (int)getpid());
    unlink(db_path);
    const struct migration_set *sets[] = {&grants_migrations};
    assert_int_equal(store_init(db_path, false, sets, 1), 0);
    exec("INSERT INTO members(id, name, created_at, updated_at) VALUES(1,'a',0,0),(2,'b',0,0);"
         "INSERT INTO identities(platform, account, ext_id, member_id, first_seen, last_seen) "
         "VALUES('wxmini','','oMINI1',1,0,0),('onebot','','10001',1,0,0);");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close_thread();
    unlink(db_path);
    return 0;
}

static int add(const char *openid, const char *const *ids, size_t n, int *added)
{
    assert_int_equal(store_begin(), 0);
    int rc = grants_add_openid(openid, ids, n, added);
    if (rc)
        store_rollback();
    else
        assert_int_equal(store_commit(), 0);
    return rc;
}

static void test_add_use_drop(void **state)
{
    (void)state;
    const char *ids[] = {"TPL_A", "TPL_B", "TPL_A"};
    int added = 0, left = 0;
    assert_int_equal(add("oX", ids, 3, &added), 0);
    assert_int_equal(added, 3);
    assert_int_equal(grants_left("oX", "TPL_A", &left), 0);
    assert_int_equal(left, 2);
    assert_int_equal(grants_use("oX", "TPL_A"), 0);
    assert_int_equal(grants_left("oX", "TPL_A", &left), 0);
    assert_int_equal(left, 1);
    assert_int_equal(grants_drop("oX", "TPL_A"), 0);
    assert_int_equal(grants_left("oX", "TPL_A", &left), 0);
    assert_int_equal(left, 0);
    assert_int_equal(grants_use("oX", "TPL_A"), 0); /* no-op at 0 */
    assert_int_equal(grants_left("oX", "TPL_A", &left), 0);
    assert_int_equal(left, 0);
    assert_int_equal(grants_left("oX", "TPL_B", &left), 0);
    assert_int_equal(left, 1);
}

static void test_refuses_bad_input(void **state)
{
    (void)state;
    const char *bad[] = {"ok", "bad id"};
    const char *many[GRANTS_IDS_MAX + 1];
    for (size_t i = 0; i < GRANTS_IDS_MAX + 1; i++)
        many[i] = "T";
    int left = 0;
    assert_int_equal(add("oY", bad, 2, NULL), ZB_EINVAL);
    assert_int_equal(grants_left("oY", "ok", &left), 0);
    assert_int_equal(left, 0); /* nothing written */
    assert_int_equal(add("oY", many, GRANTS_IDS_MAX + 1, NULL), ZB_ETOOBIG);
    assert_int_equal(add("o Y", bad, 1, NULL), ZB_EINVAL);
}

static void test_channel_uses_grant_then_next(void **state)
{
    (void)state;
    struct channel_template t = {.kind = "meeting.reminder", .id = "TPL_M", .subscribe = true};
    struct channel_rules r;
    channel_rules_default(&r);
    assert_int_equal(channel_parse_order(&r, "wxmini,onebot"), 0);
    r.platform_on[PLATFORM_WXMINI] = r.platform_on[PLATFORM_ONEBOT] = true;
    r.wx_templates = &t;
    r.nwx_templates = 1;
    struct outbox_row row = {
        .rcpt = RCPT_MEMBER, .to = "1", .kind = OUTBOX_REMINDER, .topic = "meeting.reminder"};
    struct channel_route rt;
    char why[512];
    /* no grant, no window: the next channel */
    assert_int_equal(channel_choose(&r, &row, 1000, &rt, why, sizeof why), 0);
    assert_int_equal(rt.ch, CH_ONEBOT_PRIVATE);
    const char *ids[] = {"TPL_M"};
    assert_int_equal(add("oMINI1", ids, 1, NULL), 0);
    assert_int_equal(channel_choose(&r, &row, 1000, &rt, why, sizeof why), 0);
    assert_int_equal(rt.ch, CH_WXMINI_SUBSCRIBE);
    assert_string_equal(rt.target, "oMINI1");
    assert_string_equal(rt.template_id, "TPL_M");
    /* the sender spent it: the second notify goes to the next channel */
    assert_int_equal(grants_use(rt.target, rt.template_id), 0);
    assert_int_equal(channel_choose(&r, &row, 1000, &rt, why, sizeof why), 0);
    assert_int_equal(rt.ch, CH_ONEBOT_PRIVATE);
    /* a 43101 closes the channel for the row: the next one even with a grant recorded */
    assert_int_equal(add("oMINI1", ids, 1, NULL), 0);
    row.closed = 1u << CH_WXMINI_SUBSCRIBE;
    assert_int_equal(channel_choose(&r, &row, 1000, &rt, why, sizeof why), 0);
    assert_int_equal(rt.ch, CH_ONEBOT_PRIVATE);
}

static int call_api_as(const char *json, int64_t member, const struct apisession *session,
                       struct buf *out, struct api_ctx *c)
{
    cJSON *body = cJSON_Parse(json);
    struct actor a = actor_member(member, "api");
    memset(c, 0, sizeof *c);
    c->actor = &a;
    c->session = session;
    c->body = body;
    c->out = out;
    assert_int_equal(store_begin(), 0);
    int rc = api_wxmini_grants_post(c);
    if (rc)
        store_rollback();
    else
        assert_int_equal(store_commit(), 0);
    cJSON_Delete(body);
    c->actor = NULL;
    return rc;
}

static int call_api(const char *json, int64_t member, struct buf *out, struct api_ctx *c)
{
    return call_api_as(json, member, NULL, out, c);
}

static void test_api_route(void **state)
{
    (void)state;
    struct buf out;
    struct api_ctx c;
    buf_init(&out, 4096);
    int left = 0;
    assert_int_equal(call_api("{\"template_ids\":[\"TPL_R\",\"TPL_S\"]}", 1, &out, &c), 0);
    assert_string_equal(buf_str(&out), "{\"added\":2}");
    assert_int_equal(grants_left("oMINI1", "TPL_R", &left), 0);
    assert_int_equal(left, 1);
    assert_int_equal(call_api("{\"template_ids\":[]}", 1, &out, &c), ZB_EINVAL);
    assert_string_equal(c.field, "template_ids");
    assert_non_null(c.message);
    assert_int_equal(call_api("{\"template_ids\":[7]}", 1, &out, &c), ZB_EINVAL);
    assert_int_equal(call_api("{\"template_ids\":[\"TPL_R\"]}", 2, &out, &c), ZB_ENOTFOUND);
    /* an id listed twice is one acceptance: one grant */
    buf_reset(&out);
    assert_int_equal(call_api("{\"template_ids\":[\"TPL_D\",\"TPL_D\",\"TPL_D\"]}", 1, &out, &c),
                     0);
    assert_string_equal(buf_str(&out), "{\"added\":1}");
    assert_int_equal(grants_left("oMINI1", "TPL_D", &left), 0);
    assert_int_equal(left, 1);
    /* the grant goes to the openid the session logged in with, not the member's latest one */
    struct apisession s = {
        .id = 9, .member_id = 0, .platform = "wxmini", .account = "wxapp", .ext_id = "oOTHER"};
    buf_reset(&out);
    assert_int_equal(call_api_as("{\"template_ids\":[\"TPL_E\"]}", 1, &s, &out, &c), 0);
    assert_int_equal(grants_left("oOTHER", "TPL_E", &left), 0);
    assert_int_equal(left, 1);
    assert_int_equal(grants_left("oMINI1", "TPL_E", &left), 0);
    assert_int_equal(left, 0);
    assert_int_equal(wxmini_api_routes_count, 1);
    assert_string_equal(wxmini_api_routes[0].pattern, "/api/v1/wxmini/grants");
    assert_true(wxmini_api_routes[0].writes);
    buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_use_drop),
        cmocka_unit_test(test_refuses_bad_input),
        cmocka_unit_test(test_channel_uses_grant_then_next),
        cmocka_unit_test(test_api_route),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
