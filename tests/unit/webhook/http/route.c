/* route.c - unit tests for webhook/http/route.c: literals beat parameters, prefixes, methods and
 * 405's Allow, trailing and doubled slashes, parameter caps, overlong paths, bad patterns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/http/route.c"

static void h(const struct config *cfg, struct http_request *req, struct http_response *resp)
{
    (void)cfg;
    (void)req;
    (void)resp;
}

static const struct route table[] = {
    /* 0 */ {"/wechat", ROUTE_GET | ROUTE_POST, 0, h},
    /* 1 */ {"/api/v1/members/{id}", ROUTE_GET | ROUTE_PATCH, 1, h},
    /* 2 */ {"/api/v1/members/me", ROUTE_GET, 2, h},
    /* 3 */ {"/api/v1/members/{id}/roles/{role}", ROUTE_DELETE, 3, h},
    /* 4 */ {"/s/", ROUTE_GET, 4, h},
    /* 5 */ {"/s/about", ROUTE_GET, 5, h},
    /* 6 */ {"/api/v1/members", ROUTE_GET | ROUTE_POST, 6, h},
    /* 7 */ {"/api/v1/members/{id}", ROUTE_DELETE, 7, h},
};
#define N (sizeof table / sizeof table[0])

static int find(const char *path, const char *method, struct route_match *m, char *allow)
{
    return route_find(table, N, path, route_method_bit(method), m, allow, ROUTE_ALLOW_MAX);
}

static void test_methods(void **state)
{
    (void)state;
    assert_int_equal(route_method_bit("GET"), ROUTE_GET);
    assert_int_equal(route_method_bit("DELETE"), ROUTE_DELETE);
    assert_int_equal(route_method_bit("PATCH"), ROUTE_PATCH);
    assert_int_equal(route_method_bit("HEAD"), 0);
    assert_int_equal(route_method_bit("get"), 0);
}

static void test_literal_beats_parameter(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(find("/api/v1/members/me", "GET", &m, NULL), 2);
    assert_int_equal(m.n, 0);
    /* in either table order */
    const struct route rev[] = {table[2], table[1]};
    assert_int_equal(route_find(rev, 2, "/api/v1/members/me", ROUTE_GET, &m, NULL, 0), 0);
    assert_int_equal(find("/api/v1/members/42", "GET", &m, NULL), 1);
    assert_string_equal(route_param(&m, "id"), "42");
    assert_null(route_param(&m, "i"));
    assert_null(route_param(&m, "idx"));
    /* the literal does not take PATCH: the parameter route does */
    assert_int_equal(find("/api/v1/members/me", "PATCH", &m, NULL), 1);
    assert_string_equal(route_param(&m, "id"), "me");
    /* a method split across rows of the same pattern */
    assert_int_equal(find("/api/v1/members/7", "DELETE", &m, NULL), 7);
    assert_string_equal(route_param(&m, "id"), "7");
}

static void test_two_parameters(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(find("/api/v1/members/9/roles/secretary", "DELETE", &m, NULL), 3);
    assert_int_equal(m.n, 2);
    assert_string_equal(route_param(&m, "id"), "9");
    assert_string_equal(route_param(&m, "role"), "secretary");
    assert_int_equal(find("/api/v1/members/9/roles/", "DELETE", &m, NULL), ROUTE_NOT_FOUND);
    assert_int_equal(find("/api/v1/members/9/roles", "DELETE", &m, NULL), ROUTE_NOT_FOUND);
    assert_int_equal(find("/api/v1/members/9/roles/a/b", "DELETE", &m, NULL), ROUTE_NOT_FOUND);
}

static void test_prefix(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(find("/s/abc", "GET", &m, NULL), 4);
    assert_string_equal(route_param(&m, "*"), "abc");
    assert_int_equal(find("/s/a/b/c", "GET", &m, NULL), 4);
    assert_string_equal(route_param(&m, "*"), "a/b/c");
    assert_int_equal(find("/s/", "GET", &m, NULL), 4);
    assert_string_equal(route_param(&m, "*"), "");
    assert_int_equal(find("/s", "GET", &m, NULL), ROUTE_NOT_FOUND);
    assert_int_equal(find("/sx/a", "GET", &m, NULL), ROUTE_NOT_FOUND);
    /* a literal under the prefix wins over it; below the literal the prefix takes it again */
    assert_int_equal(find("/s/about", "GET", &m, NULL), 5);
    assert_int_equal(find("/s/about/x", "GET", &m, NULL), 4);
    assert_string_equal(route_param(&m, "*"), "about/x");
}

static void test_bad_method_allow(void **state)
{
    (void)state;
    char allow[ROUTE_ALLOW_MAX];
    assert_int_equal(find("/wechat", "PUT", NULL, allow), ROUTE_BAD_METHOD);
    assert_string_equal(allow, "GET, POST");
    assert_int_equal(find("/wechat", "HEAD", NULL, allow), ROUTE_BAD_METHOD);
    /* the union over every row whose pattern matches */
    assert_int_equal(find("/api/v1/members/5", "POST", NULL, allow), ROUTE_BAD_METHOD);
    assert_string_equal(allow, "GET, PATCH, DELETE");
    assert_int_equal(find("/api/v1/members/me", "POST", NULL, allow), ROUTE_BAD_METHOD);
    assert_string_equal(allow, "GET, PATCH, DELETE");
    assert_int_equal(find("/nowhere", "PUT", NULL, allow), ROUTE_NOT_FOUND);
}

static void test_exact_slashes(void **state)
{
    (void)state;
    assert_int_equal(find("/wechat", "GET", NULL, NULL), 0);
    assert_int_equal(find("/wechat/", "GET", NULL, NULL), ROUTE_NOT_FOUND);
    assert_int_equal(find("//wechat", "GET", NULL, NULL), ROUTE_NOT_FOUND);
    assert_int_equal(find("/wechatx", "GET", NULL, NULL), ROUTE_NOT_FOUND);
    assert_int_equal(find("/wecha", "GET", NULL, NULL), ROUTE_NOT_FOUND);
    assert_int_equal(find("wechat", "GET", NULL, NULL), ROUTE_NOT_FOUND);
    assert_int_equal(find("", "GET", NULL, NULL), ROUTE_NOT_FOUND);
    assert_int_equal(find("/", "GET", NULL, NULL), ROUTE_NOT_FOUND);
    assert_int_equal(find("/api/v1//members", "GET", NULL, NULL), ROUTE_NOT_FOUND);
    assert_int_equal(find("/api/v1/members//", "GET", NULL, NULL), ROUTE_NOT_FOUND);
}

static void test_encoding_left_as_is(void **state)
{
    (void)state;
    struct route_match m;
    /* the matcher decodes nothing: libmicrohttpd already did; what is left is bytes */
    assert_int_equal(find("/api/v1/members/a%2Fb", "GET", &m, NULL), 1);
    assert_string_equal(route_param(&m, "id"), "a%2Fb");
    assert_int_equal(find("/api/v1/members/\xe5\x85\x9a", "GET", &m, NULL), 1);
    assert_string_equal(route_param(&m, "id"), "\xe5\x85\x9a");
    assert_int_equal(find("/%77echat", "GET", NULL, NULL), ROUTE_NOT_FOUND);
}

static void test_caps(void **state)
{
    (void)state;
    static char path[ROUTE_PATH_MAX + 64];
    struct route_match m;
    /* a parameter at its cap matches; one byte more does not */
    int n = snprintf(path, sizeof path, "/api/v1/members/");
    memset(path + n, '7', ROUTE_PARAM_MAX);
    path[n + ROUTE_PARAM_MAX] = '\0';
    assert_int_equal(find(path, "GET", &m, NULL), 1);
    assert_int_equal(strlen(route_param(&m, "id")), ROUTE_PARAM_MAX);
    path[n + ROUTE_PARAM_MAX] = '7';
    path[n + ROUTE_PARAM_MAX + 1] = '\0';
    assert_int_equal(find(path, "GET", &m, NULL), ROUTE_NOT_FOUND);
    /* the path cap */
    path[0] = '/';
    memset(path + 1, 'a', ROUTE_PATH_MAX - 1);
    path[ROUTE_PATH_MAX] = '\0';
    assert_int_equal(find(path, "GET", NULL, NULL), ROUTE_NOT_FOUND);
    path[ROUTE_PATH_MAX] = 'a';
    path[ROUTE_PATH_MAX + 1] = '\0';
    assert_int_equal(find(path, "GET", NULL, NULL), ROUTE_TOO_LONG);
}

static void test_check(void **state)
{
    (void)state;
    char err[128];
    assert_int_equal(route_check(table, N, err, sizeof err), ZB_OK);
    const struct route bad[][1] = {
        {{"wechat", ROUTE_GET, 0, h}},
        {{"/a//b", ROUTE_GET, 0, h}},
        {{"/a/{}", ROUTE_GET, 0, h}},
        {{"/a/{x", ROUTE_GET, 0, h}},
        {{"/a/x{y}", ROUTE_GET, 0, h}},
        {{"/a/{b}/{c}/{d}/{e}/{f}", ROUTE_GET, 0, h}},
        {{"/a/{b}/{c}/{d}/{e}/", ROUTE_GET, 0, h}},
        {{"/a", 0, 0, h}},
        {{"/a", ROUTE_GET, 0, NULL}},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(route_check(bad[i], 1, err, sizeof err), ZB_EINVAL);
        assert_non_null(strstr(err, "bad pattern"));
    }
    const struct route good[] = {{"/", ROUTE_GET, 0, h}, {"/a/{b}/{c}/{d}/{e}", ROUTE_GET, 0, h}};
    assert_int_equal(route_check(good, 2, err, sizeof err), ZB_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_methods),
        cmocka_unit_test(test_literal_beats_parameter),
        cmocka_unit_test(test_two_parameters),
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_bad_method_allow),
        cmocka_unit_test(test_exact_slashes),
        cmocka_unit_test(test_encoding_left_as_is),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
