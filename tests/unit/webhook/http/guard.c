/*
 * Unit tests of webhook/http/guard.c without a daemon: the trusted list's syntax, and the
 * accept policy (a trusted address is never refused; any address is accepted while it holds no
 * connection). The deadline and the per-address cap are driven end to end in
 * tests/e2e/e2e_hardening_net.c, since slots come from libmicrohttpd's connections.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/http/guard.h"

static void test_trusted_syntax(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(guard_parse_trusted("", err, sizeof err), 0);
    assert_int_equal(guard_parse_trusted("127.0.0.1", err, sizeof err), 0);
    assert_int_equal(guard_parse_trusted("127.0.0.1, ::1,10.0.0.2", err, sizeof err), 0);
    assert_int_equal(guard_parse_trusted("127.0.0.1,localhost", err, sizeof err), ZB_ECONFIG);
    assert_non_null(strstr(err, "server.trusted_proxies"));
    assert_non_null(strstr(err, "localhost"));
    assert_int_equal(guard_parse_trusted("10.0.0.0/8", err, sizeof err), ZB_ECONFIG);
    char many[512] = "";
    size_t used = 0;
    for (int i = 0; i <= GUARD_TRUSTED_MAX; i++)
        used +=
            (size_t)snprintf(many + used, sizeof many - used, "%s10.0.0.%d", i ? "," : "", i + 1);
    assert_int_equal(guard_parse_trusted(many, err, sizeof err), ZB_ECONFIG);
}

static void test_accept(void **state)
{
    (void)state;
    char err[256] = "";
    struct guard *g = guard_start(5, 1, "127.0.0.1,::ffff:10.1.1.1", err, sizeof err);
    assert_non_null(g);
    struct sockaddr_in a = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.2", &a.sin_addr);
    assert_true(guard_accept(g, (struct sockaddr *)&a, sizeof a));
    struct sockaddr_in6 b = {.sin6_family = AF_INET6};
    inet_pton(AF_INET6, "::ffff:10.1.1.1", &b.sin6_addr);
    assert_true(guard_accept(g, (struct sockaddr *)&b, sizeof b));
    assert_true(guard_accept(g, NULL, 0)); /* unknown family: not the guard's business */
    guard_stop(g);
    assert_null(guard_start(5, 1, "nonsense", err, sizeof err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trusted_syntax),
        cmocka_unit_test(test_accept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
