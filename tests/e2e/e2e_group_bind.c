/*
 * e2e_group_bind.c - `zhibu group bind|unbind` (issue 11, item 8b) against the real binary: a
 * QQ group is tied to an organisation by its committee or the operator, audited, shown in
 * `group list`; a plain member and a secretary outside the organisation's subtree are refused;
 * an unknown organisation and a missing --branch are clear errors; unbind returns the group to
 * no organisation.
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
static struct e2e_proc proc; /* the last CLI run */

#define BRANCH "市级机关工委/市交通运输局党委/市航道处党总支/船闸支部"

static int setup(void **state)
{
    (void)state;
    srv = e2e_server_up(NULL);
    return srv ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    e2e_proc_free(&proc);
    e2e_server_free(srv);
    return 0;
}

/* cli - zhibu with up to 10 arguments and the server's config; the exit status. */
#define cli(...) run(__VA_ARGS__, "--config", srv->config_path, (char *)NULL)
static int run(const char *a0, ...)
{
    const char *a[14] = {a0};
    int n = 1;
    va_list ap;
    va_start(ap, a0);
    for (const char *x; n < 13 && (x = va_arg(ap, const char *)) != NULL;)
        a[n++] = x;
    va_end(ap);
    e2e_proc_free(&proc);
    assert_int_equal(e2e_zhibu(srv->dir, &proc, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
                               a[8], a[9], a[10], a[11], a[12], (char *)NULL),
                     0);
    return proc.status;
}

#define db(...) e2e_db_int(srv, __VA_ARGS__)

static void test_bind_and_unbind(void **state)
{
    (void)state;
    assert_int_equal(cli("demo", "seed"), 0);
    /* a plain member may not bind a group; the branch secretary may */
    assert_int_equal(cli("group", "bind", "--platform", "onebot", "--group", "777", "--branch",
                         "船闸支部", "--as", "5"),
                     1);
    assert_non_null(strstr(proc.err, "只有书记、副书记、组织委员"));
    assert_int_equal(db("SELECT count(*) FROM group_rules"), 0);
    assert_int_equal(cli("group", "bind", "--platform", "onebot", "--group", "777", "--branch",
                         "船闸支部", "--as", "1"),
                     0);
    assert_non_null(strstr(proc.out, BRANCH));
    assert_int_equal(db("SELECT count(*) FROM group_rules WHERE platform='onebot' AND "
                        "group_id='777' AND branch_id=(SELECT id FROM branches WHERE "
                        "name='船闸支部')"),
                     1);
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action='group_bind' AND "
                        "actor='member:1' AND target='group:onebot:777'"),
                     1);
    /* the rules of the group stay the defaults, and the listing names the organisation */
    assert_int_equal(cli("group", "list"), 0);
    assert_non_null(strstr(proc.out, "onebot 群 777：模式 normal"));
    assert_non_null(strstr(proc.out, "所属组织 " BRANCH));
    /* the branch secretary cannot bind a group to the 党委 above the branch */
    assert_int_equal(cli("group", "bind", "--platform", "onebot", "--group", "778", "--branch",
                         "市交通运输局党委", "--as", "1"),
                     1);
    /* errors: an unknown organisation, no --branch, a bad platform */
    assert_int_equal(
        cli("group", "bind", "--platform", "onebot", "--group", "779", "--branch", "没有这个支部"),
        1);
    assert_int_equal(cli("group", "bind", "--platform", "onebot", "--group", "779"), 2);
    /* a OneBot group is a QQ group number: letters are a typo, refused */
    assert_int_equal(
        cli("group", "bind", "--platform", "onebot", "--group", "abc", "--branch", "船闸支部"), 2);
    assert_int_equal(
        cli("group", "bind", "--platform", "qqbot", "--group", "C9F7 78FE", "--branch", "船闸支部"),
        2);
    assert_int_equal(
        cli("group", "bind", "--platform", "wechat", "--group", "779", "--branch", "船闸支部"), 2);
    /* unbind, by the operator */
    assert_int_equal(cli("group", "unbind", "--platform", "onebot", "--group", "777"), 0);
    assert_int_equal(db("SELECT branch_id FROM group_rules WHERE group_id='777'"), 0);
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action='group_unbind' AND "
                        "actor LIKE 'cli:%%'"),
                     1);
    assert_int_equal(cli("group", "unbind", "--platform", "onebot", "--group", "777"), 0);
    assert_non_null(strstr(proc.out, "没有绑定组织"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_bind_and_unbind)};
    return cmocka_run_group_tests_name("e2e_group_bind", tests, setup, teardown);
}
