/* Unit tests of webhook/rest: the table built from the registry, the OpenAPI document against
 * it (every route in the document and every operation a route), bearer parsing, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "handlers/registry.h"
#include "webhook/rest/rest.h"

static int h(struct api_ctx *c)
{
    (void)c;
    return ZB_OK;
}

static int setup(void **state)
{
    (void)state;
    struct rest_table t[REGISTRY_CAPS_MAX];
    char err[256];
    size_t n = 0;
    for (size_t c = 0; c < registry_caps_count; c++)
        t[n++] = (struct rest_table){registry_caps[c].routes, registry_caps[c].n_routes};
    return rest_init(NULL, t, n, err, sizeof err) ? -1 : 0;
}

static const char *method_name(unsigned m)
{
    return m == API_GET     ? "get"
           : m == API_POST  ? "post"
           : m == API_PUT   ? "put"
           : m == API_PATCH ? "patch"
                            : "delete";
}

static void test_openapi_matches_table(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(rest_openapi(&b), ZB_OK);
    cJSON *doc = cJSON_ParseWithLength(b.data, b.len);
    assert_non_null(doc);
    assert_string_equal(cJSON_GetObjectItem(doc, "openapi")->valuestring, "3.0.3");
    const cJSON *paths = cJSON_GetObjectItem(doc, "paths");
    assert_true(rest_count() >= 12);
    for (size_t i = 0; i < rest_count(); i++) {
        const struct api_route *r = rest_at(i);
        const cJSON *op = cJSON_GetObjectItem(cJSON_GetObjectItemCaseSensitive(paths, r->pattern),
                                              method_name(r->method));
        if (!op)
            fail_msg("%s %s missing", method_name(r->method), r->pattern);
        /* path parameters declared */
        if (strstr(r->pattern, "{id}")) {
            char *params = cJSON_PrintUnformatted(cJSON_GetObjectItem(op, "parameters"));
            assert_non_null(strstr(params, "\"in\":\"path\""));
            free(params);
        }
        /* open routes override the bearer requirement */
        assert_int_equal(cJSON_GetObjectItem(op, "security") != NULL, r->access == API_OPEN);
    }
    size_t ops = 0;
    for (const cJSON *p = paths->child; p; p = p->next)
        for (const cJSON *o = p->child; o; o = o->next) {
            bool found = false;
            for (size_t i = 0; i < rest_count() && !found; i++)
                found = strcmp(rest_at(i)->pattern, p->string) == 0 &&
                        strcmp(method_name(rest_at(i)->method), o->string) == 0;
            if (!found)
                fail_msg("%s %s is in the document but not a route", o->string, p->string);
            ops++;
        }
    assert_int_equal(ops, rest_count());
    assert_non_null(cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "components"), "securitySchemes"), "bearer"));
    cJSON_Delete(doc);
    buf_free(&b);
}

static void test_duplicates_refused(void **state)
{
    (void)state;
    static const struct api_route twice[] = {
        {.method = API_GET, .pattern = "/api/v1/me", .handler = h},
    };
    static const struct api_route outside[] = {
        {.method = API_GET, .pattern = "/other", .handler = h},
    };
    char err[256];
    struct rest_table t = {twice, 1};
    struct rest_table members = {0};
    for (size_t c = 0; c < registry_caps_count; c++)
        if (strcmp(registry_caps[c].name, "members") == 0)
            members = (struct rest_table){registry_caps[c].routes, registry_caps[c].n_routes};
    struct rest_table both[] = {members, t};
    assert_int_equal(rest_init(NULL, both, 2, err, sizeof err), ZB_EINVAL);
    assert_non_null(strstr(err, "twice"));
    t.routes = outside;
    assert_int_equal(rest_init(NULL, &t, 1, err, sizeof err), ZB_EINVAL);
    assert_int_equal(setup(NULL), 0);
}

static void test_bearer(void **state)
{
    (void)state;
    char t[64];
    assert_true(rest_bearer("Bearer abc", t, sizeof t));
    assert_string_equal(t, "abc");
    assert_true(rest_bearer("bearer   abc  ", t, sizeof t));
    assert_string_equal(t, "abc");
    assert_false(rest_bearer(NULL, t, sizeof t));
    assert_false(rest_bearer("", t, sizeof t));
    assert_false(rest_bearer("Basic abc", t, sizeof t));
    assert_false(rest_bearer("Bearer ", t, sizeof t));
    assert_false(rest_bearer("Bearer a b", t, sizeof t));
    char longer[100];
    memset(longer, 'x', sizeof longer - 1);
    longer[99] = '\0';
    char h2[120];
    snprintf(h2, sizeof h2, "Bearer %s", longer);
    assert_false(rest_bearer(h2, t, sizeof t));
}

static void test_refusal_body(void **state)
{
    (void)state;
    struct http_response r = {0};
    buf_init(&r.body, 4096);
    rest_error(&r, 413, "too big");
    assert_int_equal(r.status, 413);
    assert_string_equal(r.content_type, "application/json; charset=utf-8");
    assert_non_null(strstr(buf_str(&r.body), "\"code\":\"too_big\""));
    buf_free(&r.body);
}

/* The edge's own refusals under the prefix (405 for HEAD or OPTIONS, 404, 400, 414) are not
 * upstream failures: each says what is wrong in Chinese with its own code. */
static void test_edge_refusals(void **state)
{
    (void)state;
    static const struct {
        int status;
        const char *code, *message;
    } cases[] = {
        {405, "\"code\":\"invalid\"", "不支持这种请求方法"},
        {404, "\"code\":\"not_found\"", "没有这个接口"},
        {400, "\"code\":\"malformed\"", "请求格式不对"},
        {414, "\"code\":\"too_big\"", "请求地址太长"},
        {503, "\"code\":\"busy\"", "服务器正在重启"},
        {500, "\"code\":\"internal\"", "服务器出错"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct http_response r = {0};
        buf_init(&r.body, 4096);
        rest_error(&r, cases[i].status, "edge");
        assert_int_equal(r.status, cases[i].status);
        assert_non_null(strstr(buf_str(&r.body), cases[i].code));
        assert_non_null(strstr(buf_str(&r.body), cases[i].message));
        assert_null(strstr(buf_str(&r.body), "upstream"));
        buf_free(&r.body);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_openapi_matches_table),
        cmocka_unit_test(test_duplicates_refused),
        cmocka_unit_test(test_bearer),
        cmocka_unit_test(test_refusal_body),
        cmocka_unit_test(test_edge_refusals),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
