/* jsonbody.c - unit tests for bot/api/jsonbody.c: body caps (bytes, nesting, UTF-8, an object)
 * and typed fields whose errors name the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bot/api/jsonbody.h"

static void test_parse_caps(void **state)
{
    (void)state;
    cJSON *j = NULL;
    const char ok[] = "{\"a\":1}";
    assert_int_equal(jsonbody_parse(ok, strlen(ok), 64, &j), ZB_OK);
    cJSON_Delete(j);
    const char spaced[] = " {\"a\":1} \r\n\t";
    assert_int_equal(jsonbody_parse(spaced, strlen(spaced), 64, &j), ZB_OK);
    cJSON_Delete(j);
    assert_int_equal(jsonbody_parse(ok, strlen(ok), 6, &j), ZB_ETOOBIG);
    assert_null(j);
    /* ... and the edge's one UTF-8 rule: an escaped NUL (which would cut the text where it
     * stands) and half a surrogate pair are refused like invalid bytes */
    const char *bad[] = {"", "[]", "1", "\"x\"", "{", "{\"a\":}", "{\"a\":\"\xff\"}",
                         "{\"name\":\"\\u5f20\\u4e09\\u0000\\u8bf4\"}", "{\"a\":\"\\ud800\"}",
                         /* one object and nothing after it but white space */
                         "{\"a\":1} trailing", "{\"a\":1}{\"a\":2}", "{\"a\":1},"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(jsonbody_parse(bad[i], strlen(bad[i]), 64, &j), ZB_EPARSE);
        assert_null(j);
    }
    /* nesting: 16 levels pass, 17 do not */
    char nest[256];
    size_t n = 0;
    nest[n++] = '{';
    for (int i = 0; i < 15; i++) {
        memcpy(nest + n, "\"a\":{", 5);
        n += 5;
    }
    for (int i = 0; i < 16; i++)
        nest[n++] = '}';
    assert_int_equal(jsonbody_parse(nest, n, sizeof nest, &j), ZB_OK);
    cJSON_Delete(j);
    n = 0;
    nest[n++] = '{';
    for (int i = 0; i < 15; i++) {
        memcpy(nest + n, "\"a\":{", 5);
        n += 5;
    }
    memcpy(nest + n, "\"a\":[]", 6);
    n += 6;
    for (int i = 0; i < 16; i++)
        nest[n++] = '}';
    assert_int_equal(jsonbody_parse(nest, n, sizeof nest, &j), ZB_ETOOBIG);
    assert_null(j);
}

static void test_fields(void **state)
{
    (void)state;
    cJSON *j = NULL;
    const char body[] =
        "{\"name\":\"张三\",\"age\":42,\"big\":1e300,\"half\":1.5,\"on\":true,\"nil\":null,"
        "\"num\":\"7\"}";
    assert_int_equal(jsonbody_parse(body, strlen(body), 1024, &j), ZB_OK);
    struct jsonbody_err e = {0};
    const char *s = "unset";
    int64_t v = -1;
    bool b = false;
    assert_int_equal(jsonbody_str(j, "name", true, 64, &s, &e), ZB_OK);
    assert_string_equal(s, "张三");
    assert_int_equal(jsonbody_str(j, "name", true, 5, &s, &e), ZB_EINVAL);
    assert_string_equal(e.field, "name");
    assert_string_equal(e.message, "太长");
    assert_int_equal(jsonbody_str(j, "age", true, 64, &s, &e), ZB_EINVAL);
    assert_string_equal(e.field, "age");
    assert_string_equal(e.message, "应为文字");
    s = "unset";
    assert_int_equal(jsonbody_str(j, "nil", false, 64, &s, &e), ZB_OK);
    assert_string_equal(s, "unset");
    assert_int_equal(jsonbody_str(j, "missing", true, 64, &s, &e), ZB_EINVAL);
    assert_string_equal(e.field, "missing");
    assert_string_equal(e.message, "必填");
    assert_int_equal(jsonbody_int(j, "age", true, 0, 150, &v, &e), ZB_OK);
    assert_int_equal(v, 42);
    assert_int_equal(jsonbody_int(j, "age", true, 0, 41, &v, &e), ZB_EINVAL);
    assert_string_equal(e.message, "超出范围");
    assert_int_equal(jsonbody_int(j, "half", true, 0, 10, &v, &e), ZB_EINVAL);
    assert_string_equal(e.field, "half");
    assert_int_equal(jsonbody_int(j, "big", true, 0, INT64_MAX, &v, &e), ZB_EINVAL);
    assert_int_equal(jsonbody_int(j, "num", true, 0, 10, &v, &e), ZB_EINVAL);
    assert_string_equal(e.message, "应为整数");
    v = 5;
    assert_int_equal(jsonbody_int(j, "missing", false, 0, 10, &v, &e), ZB_OK);
    assert_int_equal(v, 5);
    assert_int_equal(jsonbody_bool(j, "on", true, &b, &e), ZB_OK);
    assert_true(b);
    assert_int_equal(jsonbody_bool(j, "age", true, &b, &e), ZB_EINVAL);
    assert_string_equal(e.field, "age");
    assert_int_equal(jsonbody_bool(j, "nil", true, &b, &e), ZB_EINVAL);
    assert_string_equal(e.message, "必填");
    cJSON_Delete(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_caps),
        cmocka_unit_test(test_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
