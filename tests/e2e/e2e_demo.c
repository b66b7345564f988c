/*
 * e2e_demo.c - `zhibu demo seed` end to end: it seeds the demo tree in its final shape and the
 * demo members, seeding twice leaves the same rows, and a demo member binds with the code that
 * `zhibu member codes` prints, through `zhibu say` against the running server. Also `zhibu jobs
 * list|run` in the CLI process.
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

static struct e2e_server *srv;
static struct e2e_proc proc;
static const char *out, *err;

static int setup(void **state)
{
    (void)state;
    struct e2e_config c = {0};
    srv = e2e_server_up(&c);
    return srv ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    e2e_proc_free(&proc);
    e2e_server_free(srv);
    return 0;
}

#define cli(...) run_cli(__VA_ARGS__, "--config", srv->config_path, (char *)NULL)
static int run_cli(const char *a0, ...)
{
    const char *a[10] = {a0};
    int n = 1;
    va_list ap;
    va_start(ap, a0);
    for (const char *x; n < 9 && (x = va_arg(ap, const char *)) != NULL;)
        a[n++] = x;
    va_end(ap);
    e2e_proc_free(&proc);
    assert_int_equal(e2e_zhibu(srv->dir, &proc, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
                               a[8], (char *)NULL),
                     0);
    out = proc.out ? proc.out : "";
    err = proc.err ? proc.err : "";
    return proc.status;
}

#define db(...) e2e_db_int(srv, __VA_ARGS__)

static void test_seed_twice_same_rows(void **state)
{
    (void)state;
    assert_int_equal(cli("demo", "seed"), 0);
    assert_contains(out, "演示数据已就绪");
    assert_contains(out, "zhibu member codes");
    /* the branch's 12 and the transfer's 5 approvers; its 6 nodes and the transfer's 4 */
    assert_int_equal(db("SELECT count(*) FROM members"), 17);
    assert_int_equal(db("SELECT count(*) FROM branches"), 10);
    assert_int_equal(db("SELECT count(*) FROM branches WHERE name='市级机关工委' AND parent_id IS "
                        "NULL AND level='committee'"),
                     1);
    assert_int_equal(db("SELECT count(*) FROM branches WHERE name='市航道处党总支' AND "
                        "level='general'"),
                     1);
    assert_int_equal(db("SELECT count(*) FROM members m JOIN branches g ON g.id=m.group_id "
                        "WHERE g.name='第一党小组'"),
                     6);
    assert_int_equal(db("SELECT count(*) FROM members WHERE bind_code IS NULL"), 0);
    char *before = e2e_db_census(srv);
    char *codes = e2e_db_text(srv, "SELECT group_concat(bind_code) FROM members");
    assert_int_equal(cli("demo", "seed"), 0);
    char *after = e2e_db_census(srv);
    char *codes2 = e2e_db_text(srv, "SELECT group_concat(bind_code) FROM members");
    assert_string_equal(before, after);
    assert_string_equal(codes, codes2);
    free(before);
    free(after);
    free(codes);
    free(codes2);
    assert_int_equal(cli("branch", "list"), 0);
    assert_contains(out, "市级机关工委/市交通运输局党委/市航道处党总支/船闸支部  12 人");
    assert_int_equal(cli("demo", "plant"), 2);
}

static void test_demo_member_binds_in_chat(void **state)
{
    (void)state;
    assert_int_equal(cli("member", "codes"), 0);
    const char *line = strstr(out, "  李建国  ");
    assert_non_null(line);
    const char *c = strstr(line, "绑定码 ");
    assert_non_null(c);
    char code[7], msg[32];
    memcpy(code, c + strlen("绑定码 "), 6);
    code[6] = '\0';
    snprintf(msg, sizeof msg, "绑定 %s", code);
    assert_int_equal(cli("say", "--from", "o_demo_li", msg), 0);
    assert_contains(out, "绑定成功");
    assert_int_equal(cli("say", "--from", "o_demo_li", "我的"), 0);
    assert_contains(out, "李建国");
    assert_contains(out, "市级机关工委/市交通运输局党委/市航道处党总支/船闸支部");
    /* seeding after a member bound changes nothing of theirs */
    assert_int_equal(cli("demo", "seed"), 0);
    assert_int_equal(db("SELECT count(*) FROM identities WHERE member_id IS NOT NULL"), 1);
    assert_int_equal(db("SELECT count(*) FROM members"), 17);
}

static void test_jobs_list_and_run(void **state)
{
    (void)state;
    assert_int_equal(cli("jobs", "list"), 0);
    assert_contains(out, "retention");
    assert_int_equal(cli("jobs", "run", "retention"), 0);
    assert_contains(out, "已运行 1 个定时任务");
    assert_int_equal(cli("jobs", "run"), 0);
    assert_int_equal(cli("jobs", "run", "nope"), 2);
    assert_contains(err, "没有名为 nope 的定时任务");
    assert_contains(err, "retention");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_twice_same_rows),
        cmocka_unit_test(test_demo_member_binds_in_chat),
        cmocka_unit_test(test_jobs_list_and_run),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
