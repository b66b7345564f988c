/*
 * e2e_cli.c - the zhibu command line, run as the operator runs it: `say` against a running
 * server (plaintext and safe mode) and against none, `events`, `feedback`, `version`, `help`,
 * and `serve` refusing a bad config with a message that names the key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bot/base/version.h"
#include "tests/e2e/e2e_util.h"

#define PROMPT_FEEDBACK "请直接发送您想对支部说的话"
#define FEEDBACK_SAVED  "已收到您的留言"

static void assert_exit(const struct e2e_proc *p, int status)
{
    if (p->status != status)
        fail_msg("exit status %d, want %d\nstdout: %s\nstderr: %s", p->status, status, p->out,
                 p->err);
}

/* assert_failed - a non-zero exit that is not a crash (nor a sanitizer abort). */
static void assert_failed(const struct e2e_proc *p)
{
    if (p->status <= 0 || p->status >= 64)
        fail_msg("exit status %d, want a clean failure (1..63)\nstdout: %s\nstderr: %s", p->status,
                 p->out, p->err);
}

static void test_version(void **state)
{
    (void)state;
    struct e2e_server *dir = e2e_server_new(NULL); /* for its directory */
    assert_non_null(dir);
    struct e2e_proc p;
    const char *forms[] = {"version", "--version"};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(e2e_zhibu(dir->dir, &p, forms[i], NULL), 0);
        assert_exit(&p, 0);
        assert_string_equal(p.out, "zhibu " ZHIBU_VERSION "\n");
        e2e_proc_free(&p);
    }
    e2e_server_free(dir);
}

static void test_help(void **state)
{
    (void)state;
    struct e2e_server *dir = e2e_server_new(NULL);
    assert_non_null(dir);
    struct e2e_proc p;
    assert_int_equal(e2e_zhibu(dir->dir, &p, "help", NULL), 0);
    assert_exit(&p, 0);
    const char *cmds[] = {"serve", "say", "events", "feedback", "version", "help", "--config"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        assert_contains(p.out, cmds[i]);
    e2e_proc_free(&p);

    assert_int_equal(e2e_zhibu(dir->dir, &p, "help", "config", NULL), 0);
    assert_exit(&p, 0);
    const char *keys[] = {"listen",
                          "database",
                          "server.body_limit",
                          "session.ttl_s",
                          "wechat.token",
                          "wechat.encoding_aes_key",
                          "wechat.app_id",
                          "wechat.timestamp_window_s"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_contains(p.out, keys[i]);
    e2e_proc_free(&p);

    assert_int_equal(e2e_zhibu(dir->dir, &p, "frobnicate", NULL), 0);
    assert_exit(&p, 2);
    assert_contains(p.err, "frobnicate");
    e2e_proc_free(&p);

    assert_int_equal(e2e_zhibu(dir->dir, &p, NULL), 0);
    assert_exit(&p, 2);
    assert_contains(p.err, "say");
    e2e_proc_free(&p);
    e2e_server_free(dir);
}

/* say_ok - `zhibu say --config CFG [--from FROM] WORDS...`, exit 0; stdout (caller frees). */
static char *say_ok(struct e2e_server *s, const char *from, const char *w1, const char *w2)
{
    struct e2e_proc p;
    if (from)
        assert_int_equal(
            e2e_zhibu(s->dir, &p, "say", "--config", s->config_path, "--from", from, w1, w2, NULL),
            0);
    else
        assert_int_equal(e2e_zhibu(s->dir, &p, "say", "--config", s->config_path, w1, w2, NULL), 0);
    assert_exit(&p, 0);
    char *out = p.out;
    p.out = NULL;
    e2e_proc_free(&p);
    return out;
}

static void check_say(const struct e2e_config *cfg)
{
    struct e2e_server *s = e2e_server_up(cfg);
    assert_non_null(s);

    char *out = say_ok(s, NULL, "帮助", NULL);
    assert_contains(out, E2E_MENU_HEAD);
    assert_contains(out, E2E_MENU_LINE7);
    assert_contains(out, E2E_MENU_TAIL);
    assert_not_contains(out, "<xml>"); /* what the phone shows, not the wire */
    free(out);
    assert_int_equal(e2e_db_int(s, "SELECT count(*) FROM events WHERE user_id='o_zhibu_say' AND "
                                   "text='帮助' AND handler='help'"),
                     1);

    /* a conversation as a given member; the words after the command are joined by spaces */
    out = say_ok(s, "o_cli_member", "留言", NULL);
    assert_contains(out, PROMPT_FEEDBACK);
    free(out);
    out = say_ok(s, "o_cli_member", "命令行", "留的言");
    assert_contains(out, FEEDBACK_SAVED);
    free(out);
    char *t = e2e_db_text(s, "SELECT text FROM feedback WHERE user_id='o_cli_member'");
    assert_non_null(t);
    assert_string_equal(t, "命令行 留的言");
    free(t);

    /* events and feedback read the same database */
    struct e2e_proc p;
    assert_int_equal(e2e_zhibu(s->dir, &p, "feedback", "--config", s->config_path, NULL), 0);
    assert_exit(&p, 0);
    assert_contains(p.out, "命令行 留的言");
    assert_contains(p.out, "o_cli_member");
    e2e_proc_free(&p);
    assert_int_equal(
        e2e_zhibu(s->dir, &p, "events", "--config", s->config_path, "--limit", "2", NULL), 0);
    assert_exit(&p, 0);
    assert_contains(p.out, "o_cli_member");
    assert_contains(p.out, "命令行 留的言");
    assert_not_contains(p.out, "o_zhibu_say"); /* --limit 2: only the last two */
    e2e_proc_free(&p);

    /* the server goes away */
    assert_int_equal(e2e_server_stop(s), 0);
    assert_int_equal(e2e_zhibu(s->dir, &p, "say", "--config", s->config_path, "帮助", NULL), 0);
    assert_failed(&p);
    assert_contains(p.err, "无法连接");
    assert_string_equal(p.out, "");
    e2e_proc_free(&p);
    e2e_server_free(s);
}

static void test_say_plaintext(void **state)
{
    (void)state;
    check_say(&(struct e2e_config){0});
}

static void test_say_safe_mode(void **state)
{
    (void)state;
    check_say(&(struct e2e_config){.aes_key = E2E_AES_KEY});
}

static void test_say_usage_errors(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_new(NULL); /* a config, no server */
    assert_non_null(s);
    struct e2e_proc p;
    assert_int_equal(e2e_zhibu(s->dir, &p, "say", "--config", s->config_path, NULL), 0);
    assert_exit(&p, 2);
    e2e_proc_free(&p);
    assert_int_equal(
        e2e_zhibu(s->dir, &p, "say", "--config", s->config_path, "--platform", "qq", "帮助", NULL),
        0);
    assert_exit(&p, 2);
    assert_contains(p.err, "qq");
    e2e_proc_free(&p);
    assert_int_equal(
        e2e_zhibu(s->dir, &p, "say", "--config", s->config_path, "--bogus", "帮助", NULL), 0);
    assert_exit(&p, 2);
    assert_contains(p.err, "--bogus");
    e2e_proc_free(&p);
    assert_int_equal(e2e_zhibu(s->dir, &p, "say", "--config", s->config_path, "--from", NULL), 0);
    assert_exit(&p, 2);
    e2e_proc_free(&p);
    e2e_server_free(s);
}

static void test_feedback_empty(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_new(NULL);
    assert_non_null(s);
    struct e2e_proc p;
    assert_int_equal(e2e_zhibu(s->dir, &p, "feedback", "--config", s->config_path, NULL), 0);
    assert_exit(&p, 0);
    assert_contains(p.out, "暂无留言");
    e2e_proc_free(&p);
    e2e_server_free(s);
}

/* ---- serve refuses a bad config, naming the key ---- */

struct config_case {
    const char *name;
    struct e2e_config cfg;
    const char *needle; /* stderr names this */
};

static const struct config_case config_cases[] = {
    {"unknown top-level key", {.extra = "\"colour\": \"red\""}, "colour"},
    {"unknown key in a section", {.extra_wx = "\"tokne\": \"x\""}, "wechat.tokne"},
    {"bad encoding_aes_key", {.aes_key = "tooShort123"}, "wechat.encoding_aes_key"},
    {"encoding_aes_key with a bad character",
     {.aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF!"},
     "wechat.encoding_aes_key"},
    {"body_limit too small", {.body_limit = 10}, "server.body_limit"},
    {"session.ttl_s below 30", {.session_ttl_s = 5}, "session.ttl_s"},
    {"negative timestamp window",
     {.extra_wx = "\"timestamp_window_s\": -1"},
     "wechat.timestamp_window_s"},
    {"log level", {.log_level = "loud"}, "log_level"},
    {"no token", {.token = ""}, "wechat.token"},
    {"key without app_id", {.aes_key = E2E_AES_KEY, .app_id = ""}, "wechat.app_id"},
    {"wrong type", {.extra_wx = "\"enabled\": \"yes\""}, "wechat.enabled"},
    {"listen not HOST:PORT", {.extra = "\"listen\": \"nowhere\""}, "listen"},
    {"not JSON", {.extra = "\"x\": }"}, "JSON"},
};

static void test_serve_rejects_bad_config(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof config_cases / sizeof config_cases[0]; i++) {
        const struct config_case *c = &config_cases[i];
        print_message("  %s\n", c->name);
        struct e2e_server *s = e2e_server_new(&c->cfg);
        assert_non_null(s);
        struct e2e_proc p;
        assert_int_equal(e2e_zhibu(s->dir, &p, "serve", "--config", s->config_path, NULL), 0);
        assert_failed(&p);
        assert_contains(p.err, c->needle);
        e2e_proc_free(&p);
        e2e_server_free(s);
    }
}

/*
 * A second `zhibu serve` on an address that one already serves must fail and say where.
 * Should it listen beside the first, the kernel shares the connections between the two and
 * members' messages end up in the wrong database: the test then counts how many did.
 */
static void test_serve_port_taken(void **state)
{
    (void)state;
    struct e2e_server *a = e2e_server_up(NULL);
    assert_non_null(a);
    struct e2e_server *b = e2e_server_new(NULL); /* its own database, a's port */
    assert_non_null(b);
    b->port = a->port;
    snprintf(b->base, sizeof b->base, "%s", a->base);
    assert_int_equal(e2e_write_config(b), 0);
    assert_int_equal(e2e_server_spawn(b), 0);

    int st = -1;
    for (int i = 0; i < 300 && st < 0 && !e2e_log_has(b, 0, "listening on"); i++)
        st = e2e_server_wait_exit(b, 10);
    if (st < 0) {
        enum { N = 16 };
        for (int i = 0; i < N; i++) {
            char from[32];
            snprintf(from, sizeof from, "o_port_%d", i);
            free(e2e_say_ok(a, E2E_PLAIN, from, "帮助"));
        }
        long long stray = e2e_db_int(b, "SELECT count(*) FROM events");
        int port = a->port;
        e2e_server_free(b);
        e2e_server_free(a);
        fail_msg("a second zhibu serve listens on 127.0.0.1:%d beside the first "
                 "(SO_REUSEPORT); %lld of %d messages went to its database",
                 port, stray, N);
    }
    if (st <= 0 || st >= 64)
        fail_msg("second serve exited with %d, want a clean failure", st);
    char where[64];
    snprintf(where, sizeof where, "127.0.0.1:%d", a->port);
    assert_true(e2e_log_has(b, 0, where));
    /* one clear line of ours, not libmicrohttpd's "Failed to bind to port 0" */
    char *log = e2e_log_since(b, 0);
    assert_contains(log, "端口已被占用");
    assert_not_contains(log, "port 0");
    free(log);
    /* the first server is unharmed */
    char *r = e2e_say_ok(a, E2E_PLAIN, "o_port", "帮助");
    assert_contains(r, E2E_MENU_HEAD);
    free(r);
    assert_int_equal(e2e_server_stop(a), 0);
    e2e_server_free(a);
    e2e_server_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_say_plaintext),
        cmocka_unit_test(test_say_safe_mode),
        cmocka_unit_test(test_say_usage_errors),
        cmocka_unit_test(test_feedback_empty),
        cmocka_unit_test(test_serve_rejects_bad_config),
        cmocka_unit_test(test_serve_port_taken),
    };
    return cmocka_run_group_tests_name("e2e_cli", tests, NULL, NULL);
}
