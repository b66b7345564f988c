/* wechat_api.c - unit tests for webhook/wechat_api.c: answer parsing and error classes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/wechat/wechat_api.h"

static int parse(const char *s, struct wechat_answer *a)
{
    return wechat_api_parse(s, strlen(s), a);
}

static void answers(void **state)
{
    (void)state;
    struct wechat_answer a;
    assert_int_equal(parse("{\"access_token\":\"ACCESS_TOKEN\",\"expires_in\":7200}", &a), 0);
    assert_string_equal(a.access_token, "ACCESS_TOKEN");
    assert_int_equal(a.expires_in, 7200);
    assert_int_equal(a.errcode, 0);
    assert_int_equal(parse("{\"errcode\":40164,\"errmsg\":\"invalid ip 1.2.3.4, not in "
                           "whitelist rid: 1\"}",
                           &a),
                     0);
    assert_int_equal(a.errcode, 40164);
    assert_non_null(strstr(a.errmsg, "whitelist"));
    assert_int_equal(parse("{\"errcode\":0,\"errmsg\":\"ok\",\"msgid\":200228332}", &a), 0);
    assert_int_equal(parse("{\"errcode\":-1,\"errmsg\":\"system error\"}", &a), 0);
    assert_int_equal(a.errcode, -1);
    assert_int_equal(parse("[]", &a), ZB_EPARSE);
    assert_int_equal(parse("{\"errcode\":\"40001\"}", &a), ZB_EPARSE);
    assert_int_equal(parse("{\"expires_in\":-5}", &a), ZB_EPARSE);
    assert_int_equal(parse("{\"errcode\":1e300}", &a), ZB_EPARSE);
    assert_int_equal(parse("not json", &a), ZB_EPARSE);
    char big[APITOKEN_MAX + 64];
    memset(big, 0, sizeof big);
    size_t o = 0;
    memcpy(big, "{\"access_token\":\"", 17);
    o = 17;
    memset(big + o, 'x', APITOKEN_MAX);
    o += APITOKEN_MAX;
    memcpy(big + o, "\"}", 3);
    assert_int_equal(parse(big, &a), ZB_ETOOBIG);
}

static void classes(void **state)
{
    (void)state;
    assert_int_equal(wechat_api_classify(0), SEND_OK);
    assert_int_equal(wechat_api_classify(40001), SEND_TOKEN);
    assert_int_equal(wechat_api_classify(40014), SEND_TOKEN);
    assert_int_equal(wechat_api_classify(42001), SEND_TOKEN);
    assert_int_equal(wechat_api_classify(45009), SEND_RATE);
    assert_int_equal(wechat_api_classify(45011), SEND_RATE);
    assert_int_equal(wechat_api_classify(45015), SEND_CLOSED);
    assert_int_equal(wechat_api_classify(45047), SEND_CLOSED);
    /* the member unfollowed the account: WeChat is closed to them, their QQ may still work */
    assert_int_equal(wechat_api_classify(43004), SEND_CLOSED);
    assert_true(strlen(wechat_api_reason(43004)) > 0);
    const long never[] = {40003, 40013, 40125, 40164, 40037, 43101, 47001, 48001};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
        assert_int_equal(wechat_api_classify(never[i]), SEND_FATAL);
        assert_true(strlen(wechat_api_reason(never[i])) > 0);
    }
    assert_int_equal(wechat_api_classify(-1), SEND_RETRY);
    assert_int_equal(wechat_api_classify(99999), SEND_RETRY);
    assert_string_equal(wechat_api_reason(99999), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers),
        cmocka_unit_test(classes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
