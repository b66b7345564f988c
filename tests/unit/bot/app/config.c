/*
 * config.c - unit tests for bot/config.c: defaults, types, bounds, unknown keys, environment
 * overrides and the cross-key checks, each error naming its key.
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

#include "bot/app/config.h"
#include "bot/delivery/channel.h"
#include "bot/delivery/notify.h"

static char path[64];

static void write_conf(const char *json)
{
    snprintf(path, sizeof path, "/tmp/zhibu-config-%d.json", (int)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(json, f);
    fclose(f);
}

/* load_err - load json; expect failure whose message contains want. */
static void load_err(const char *json, const char *want)
{
    char err[512] = "";
    struct config *c = NULL;
    write_conf(json);
    assert_int_equal(config_load(path, &c, err, sizeof err), ZB_ECONFIG);
    assert_null(c);
    if (!strstr(err, want))
        fail_msg("error \"%s\" does not mention \"%s\"", err, want);
    unlink(path);
}

static struct config *load_ok(const char *json)
{
    char err[512] = "";
    struct config *c = NULL;
    write_conf(json);
    if (config_load(path, &c, err, sizeof err))
        fail_msg("unexpected error: %s", err);
    unlink(path);
    return c;
}

static void test_defaults(void **state)
{
    (void)state;
    struct config *c = load_ok("{}");
    assert_string_equal(c->listen, "127.0.0.1:8080");
    assert_string_equal(c->timezone, "Asia/Shanghai");
    assert_int_equal(c->body_limit, 65536);
    assert_int_equal(c->wechat.timestamp_window_s, 300);
    assert_false(c->wechat.enabled);
    assert_false(c->durability_power);
    assert_string_equal(c->wechat.encoding_aes_key, "");
    config_free(c);
}

static void test_values(void **state)
{
    (void)state;
    struct config *c = load_ok("{\"listen\":\"0.0.0.0:9000\",\"storage\":{\"durability\":"
                               "\"power\"},\"wechat\":{\"enabled\":true,\"token\":\"t\","
                               "\"timestamp_window_s\":0},\"_comment\":\"ignored\"}");
    assert_string_equal(c->listen, "0.0.0.0:9000");
    assert_true(c->durability_power);
    assert_true(c->wechat.enabled);
    assert_string_equal(c->wechat.token, "t");
    assert_int_equal(c->wechat.timestamp_window_s, 0);
    config_free(c);
}

static void test_errors_name_the_key(void **state)
{
    (void)state;
    load_err("{\"wechat\":{\"tokn\":\"x\"}}", "\"wechat.tokn\"");
    load_err("{\"colour\":1}", "\"colour\"");
    load_err("{\"wechat\":{\"enabled\":\"yes\"}}", "\"wechat.enabled\"");
    load_err("{\"server\":{\"body_limit\":10}}", "\"server.body_limit\"");
    load_err("{\"server\":{\"body_limit\":1.5}}", "\"server.body_limit\"");
    load_err("{\"server\":5}", "\"server\"");
    load_err("{\"storage\":{\"durability\":\"disk\"}}", "\"storage.durability\"");
    load_err("{\"log_level\":\"loud\"}", "\"log_level\"");
    load_err("{\"listen\":\"localhost\"}", "\"listen\"");
    load_err("{\"listen\":\"127.0.0.1:99999\"}", "\"listen\"");
    load_err("{\"timezone\":\"Mars/Olympus\"}", "\"timezone\"");
    load_err("{\"timezone\":\"../../etc/passwd\"}", "\"timezone\"");
    load_err("{\"wechat\":{\"enabled\":true}}", "\"wechat.token\"");
    load_err("{\"wechat\":{\"enabled\":true,\"token\":\"t\",\"encoding_aes_key\":\"k\"}}",
             "\"wechat.app_id\"");
    load_err("{\n\"listen\": \"127.0.0.1:1\",\n\"database\": \n}", "第 4 行");
    load_err("[1,2]", "JSON 对象");
    /* the errors are Chinese like help, and still name the key and the file */
    load_err("{\"server\":{\"threads\":999}}",
             "配置项 \"server.threads\"：应为 0 到 256 之间的整数");
    load_err("{\"server\":{\"threads\":999}}", "配置文件 /tmp/zhibu-config-");
    load_err("{\"nosuch\":1}", "未知配置项 \"nosuch\"");
}

static void test_self_id_number_or_string(void **state)
{
    (void)state;
    struct config *c = load_ok("{\"onebot\": {\"self_id\": 3889000001}}");
    assert_string_equal(c->onebot.self_id, "3889000001");
    config_free(c);
    c = load_ok("{\"onebot\": {\"self_id\": \"3889000001\"}}");
    assert_string_equal(c->onebot.self_id, "3889000001");
    config_free(c);
    load_err("{\"onebot\": {\"self_id\": 12.5}}", "onebot.self_id");
    load_err("{\"onebot\": {\"self_id\": -3}}", "onebot.self_id");
    load_err("{\"onebot\": {\"self_id\": 1e300}}", "onebot.self_id");
    /* only self_id takes a number for a string */
    load_err("{\"onebot\": {\"secret\": 12345}}", "onebot.secret");
}

static void test_public_url_and_link_secret(void **state)
{
    (void)state;
    struct config *c = load_ok("{\"listen\": \"0.0.0.0:9000\"}");
    assert_string_equal(c->public_url, "http://0.0.0.0:9000");
    assert_string_equal(c->link_secret, "");
    config_free(c);
    c = load_ok("{\"server\": {\"public_url\": \"https://zhibu.example.org/\", "
                "\"link_secret\": \"0123456789abcdef\"}}");
    assert_string_equal(c->public_url, "https://zhibu.example.org");
    assert_string_equal(c->link_secret, "0123456789abcdef");
    config_free(c);
    load_err("{\"server\": {\"public_url\": \"zhibu.example.org\"}}", "server.public_url");
    load_err("{\"server\": {\"public_url\": \"https://\"}}", "server.public_url");
    load_err("{\"server\": {\"public_url\": \"https://a.org/?x=1\"}}", "server.public_url");
    load_err("{\"server\": {\"link_secret\": \"short\"}}", "server.link_secret");
}

static void test_missing_file(void **state)
{
    (void)state;
    char err[512];
    struct config *c = NULL;
    assert_int_equal(config_load("/nonexistent/zhibu.json", &c, err, sizeof err), ZB_ECONFIG);
    assert_non_null(strstr(err, "/nonexistent/zhibu.json"));
}

static void test_env_overrides_secrets(void **state)
{
    (void)state;
    setenv("ZHIBU_WECHAT_TOKEN", "from-env", 1);
    struct config *c = load_ok("{\"wechat\":{\"enabled\":true,\"token\":\"from-file\"}}");
    assert_string_equal(c->wechat.token, "from-env");
    config_free(c);
    unsetenv("ZHIBU_WECHAT_TOKEN");
}

static void test_resolve_path(void **state)
{
    (void)state;
    assert_string_equal(config_resolve_path("x.json"), "x.json");
    setenv("ZHIBU_CONFIG", "env.json", 1);
    assert_string_equal(config_resolve_path(NULL), "env.json");
    unsetenv("ZHIBU_CONFIG");
}

static void test_templates(void **state)
{
    (void)state;
    struct config *c = load_ok(
        "{\"wechat\": {\"templates\": {\"meeting.reminder\": {\"id\": \"TPL-M\", \"fields\": "
        "{\"thing1\": \"title\", \"time2\": \"time\", \"thing3\": \"place\"}}, "
        "\"digest\": {\"id\": \"SUB-D\", \"type\": \"subscribe\"}}}}");
    assert_int_equal(c->wechat.ntemplates, 2);
    const struct channel_template *t = &c->wechat.templates[0];
    assert_string_equal(t->kind, "meeting.reminder");
    assert_string_equal(t->id, "TPL-M");
    assert_false(t->subscribe);
    assert_int_equal(t->nfields, 3);
    assert_string_equal(t->key[1], "time2");
    assert_int_equal(t->field[1], NF_TIME);
    assert_int_equal(t->field[2], NF_PLACE);
    assert_true(c->wechat.templates[1].subscribe);
    assert_int_equal(c->wechat.templates[1].nfields, 0);
    config_free(c);
    load_err("{\"wechat\": {\"templates\": {\"x\": {\"id\": \"T\", \"fields\": "
             "{\"thing1\": \"where\"}}}}}",
             "wechat.templates.x.fields.thing1");
    load_err("{\"wechat\": {\"templates\": {\"x\": {\"fields\": {}}}}}", "wechat.templates.x");
    load_err("{\"wechat\": {\"templates\": {\"x\": {\"id\": \"T\", \"typ\": \"subscribe\"}}}}",
             "wechat.templates.x.typ");
    load_err("{\"wechat\": {\"templates\": {\"Bad Kind\": {\"id\": \"T\"}}}}",
             "wechat.templates.Bad Kind");
    load_err("{\"wechat\": {\"templates\": {\"reminder\": {\"id\": \"T\"}}, "
             "\"template\": {\"reminder\": \"OLD\"}}}",
             "wechat.template.reminder");
}

/* test_templates_old_keys - the old keys load as templates without a map, each warning on
 * stderr with the new key's name. */
static void test_templates_old_keys(void **state)
{
    (void)state;
    char logp[80];
    snprintf(logp, sizeof logp, "/tmp/zhibu-config-log-%d", (int)getpid());
    fflush(stderr);
    int saved = dup(2);
    FILE *lf = fopen(logp, "w+");
    assert_non_null(lf);
    dup2(fileno(lf), 2);
    struct config *c = load_ok("{\"wechat\": {\"template\": {\"broadcast\": \"TPL-B\"}, "
                               "\"subscribe\": {\"broadcast\": \"SUB-B\"}}}");
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char logbuf[2048] = "";
    rewind(lf);
    size_t n = fread(logbuf, 1, sizeof logbuf - 1, lf);
    logbuf[n] = '\0';
    fclose(lf);
    unlink(logp);
    assert_non_null(strstr(logbuf, "\"wechat.template.broadcast\" is deprecated"));
    assert_non_null(strstr(logbuf, "\"wechat.templates.broadcast\": {\"id\": \"TPL-B\"}"));
    assert_non_null(strstr(logbuf, "\"wechat.subscribe.broadcast\" is deprecated"));
    assert_int_equal(c->wechat.ntemplates, 2);
    struct channel_rules r;
    channel_rules_default(&r);
    r.templates = c->wechat.templates;
    r.ntemplates = c->wechat.ntemplates;
    const struct channel_template *t = channel_template_find(&r, OUTBOX_BROADCAST, NULL, false);
    assert_non_null(t);
    assert_string_equal(t->id, "TPL-B");
    t = channel_template_find(&r, OUTBOX_BROADCAST, "tasks.issued", true);
    assert_non_null(t);
    assert_string_equal(t->id, "SUB-B");
    assert_null(channel_template_find(&r, OUTBOX_REMINDER, NULL, false));
    config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_errors_name_the_key),
        cmocka_unit_test(test_self_id_number_or_string),
        cmocka_unit_test(test_public_url_and_link_secret),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_env_overrides_secrets),
        cmocka_unit_test(test_resolve_path),
        cmocka_unit_test(test_templates),
        cmocka_unit_test(test_templates_old_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
