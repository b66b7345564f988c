/*
 * e2e_clock.c - the one clock, end to end: with `testing: true` and ZHIBU_TEST_NOW_FILE the
 * server's and the CLI's times follow the file (an event's received_at, `zhibu events`, a row
 * queued by `zhibu push`), and moving the file moves both; without `testing: true` the same
 * variable makes `zhibu serve` and CLI commands refuse to start, saying why.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/e2e/e2e_util.h"

#define T0 1700000000LL /* 2023-11-14 22:13:20 UTC */
#define T1 1700003600LL /* one hour later */

static void write_now(const char *path, long long t)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "%lld\n", t);
    fclose(f);
}

/* say - a text message from `from` stamped at created (the test clock's time), answered 200. */
static void say(const struct e2e_server *s, const char *from, long long created)
{
    char id[24];
    e2e_msgid(id);
    char *xml = e2e_wx_xml(from, "text", created, id, "Content", "1", NULL);
    struct e2e_resp r;
    assert_int_equal(e2e_wx_post(s, E2E_PLAIN, xml, &r), 0);
    assert_int_equal(r.status, 200);
    char created_tag[64];
    snprintf(created_tag, sizeof created_tag, "<CreateTime>%lld</CreateTime>", created);
    assert_non_null(strstr(r.body, created_tag)); /* the reply is stamped by the server's clock */
    e2e_resp_free(&r);
    free(xml);
}

static void follows_the_file(void **state)
{
    (void)state;
    struct e2e_server *s =
        e2e_server_new(&(struct e2e_config){.extra = "\"testing\": true", .window_off = true});
    assert_non_null(s);
    char now_file[400];
    snprintf(now_file, sizeof now_file, "%s/now", s->dir);
    write_now(now_file, T0);
    setenv("ZHIBU_TEST_NOW_FILE", now_file, 1);
    assert_int_equal(e2e_server_start(s), 0);
    assert_true(e2e_log_has(s, 0, "TESTING MODE"));

    say(s, "o_clock", T0);
    assert_int_equal(e2e_db_int(s, "SELECT received_at FROM events WHERE user_id='o_clock'"), T0);

    write_now(now_file, T1);
    say(s, "o_clock2", T1);
    assert_int_equal(e2e_db_int(s, "SELECT received_at FROM events WHERE user_id='o_clock2'"), T1);

    /* the CLI reads the same clock: its listing and the row it queues */
    struct e2e_proc p;
    assert_int_equal(e2e_zhibu(s->dir, &p, "events", "--config", s->config_path, NULL), 0);
    assert_int_equal(p.status, 0);
    assert_non_null(strstr(p.out, "2023-11-14 22:13:20"));
    assert_non_null(strstr(p.out, "2023-11-14 23:13:20"));
    e2e_proc_free(&p);
    assert_int_equal(e2e_zhibu(s->dir, &p, "push", "--config", s->config_path, "--qq-group", "9001",
                               "--key", "clock:1", "测试", NULL),
                     0);
    assert_int_equal(p.status, 0);
    e2e_proc_free(&p);
    assert_int_equal(e2e_db_int(s, "SELECT created_at FROM outbox WHERE idem_key='clock:1'"), T1);

    unsetenv("ZHIBU_TEST_NOW_FILE");
    assert_int_equal(e2e_server_stop(s), 0);
    e2e_server_free(s);
}

static void refused_without_testing(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_new(NULL);
    assert_non_null(s);
    char now_file[400];
    snprintf(now_file, sizeof now_file, "%s/now", s->dir);
    write_now(now_file, T0);
    setenv("ZHIBU_TEST_NOW_FILE", now_file, 1);

    assert_int_equal(e2e_server_spawn(s), 0);
    int status = e2e_server_wait_exit(s, 10000);
    assert_int_equal(status, 1);
    assert_true(e2e_log_has(s, 0, "ZHIBU_TEST_NOW_FILE"));
    assert_true(e2e_log_has(s, 0, "testing"));

    const char *const cmds[][2] = {{"events", NULL}, {"member", "list"}, {"outbox", NULL}};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        struct e2e_proc p;
        if (cmds[i][1])
            assert_int_equal(
                e2e_zhibu(s->dir, &p, cmds[i][0], cmds[i][1], "--config", s->config_path, NULL), 0);
        else
            assert_int_equal(e2e_zhibu(s->dir, &p, cmds[i][0], "--config", s->config_path, NULL),
                             0);
        assert_int_not_equal(p.status, 0);
        assert_non_null(strstr(p.err, "ZHIBU_TEST_NOW_FILE"));
        assert_non_null(strstr(p.err, "错误"));
        e2e_proc_free(&p);
    }
    unsetenv("ZHIBU_TEST_NOW_FILE");

    /* the same config without the variable starts as usual */
    assert_int_equal(e2e_server_start(s), 0);
    assert_int_equal(e2e_server_stop(s), 0);
    e2e_server_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(follows_the_file),
        cmocka_unit_test(refused_without_testing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
