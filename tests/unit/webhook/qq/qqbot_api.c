/* qqbot_api.c - unit tests for webhook/qqbot_api.c: expires_in as a string, error classes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/qq/qqbot_api.h"

static int parse(const char *s, struct qqbot_answer *a)
{
    return qqbot_api_parse(s, strlen(s), a);
}

static void answers(void **state)
{
    (void)state;
    struct qqbot_answer a;
    assert_int_equal(parse("{\"access_token\":\"ACCESS_TOKEN\",\"expires_in\":\"7200\"}", &a), 0);
    assert_string_equal(a.access_token, "ACCESS_TOKEN");
    assert_int_equal(a.expires_in, 7200);
    assert_int_equal(parse("{\"access_token\":\"T\",\"expires_in\":60}", &a), 0);
    assert_int_equal(a.expires_in, 60);
    assert_int_equal(parse("{\"access_token\":\"T\",\"expires_in\":\"72x\"}", &a), ZB_EPARSE);
    assert_int_equal(parse("{\"access_token\":\"T\",\"expires_in\":\"-1\"}", &a), ZB_EPARSE);
    assert_int_equal(parse("{\"access_token\":\"T\",\"expires_in\":\"\"}", &a), ZB_EPARSE);
    assert_int_equal(parse("{\"id\":\"m1\",\"timestamp\":\"2023-11-06T13:37:18+08:00\"}", &a), 0);
    assert_string_equal(a.id, "m1");
    assert_int_equal(a.code, 0);
    /* the send answer's id (qq.md 2.8, the vector's shape); one too long is dropped whole */
    assert_int_equal(
        parse("{\"id\":\"ROBOT1.0_eBIyWnxpmSu6uLQ7u7fU0eGloKGYg4eEa737vRyKnMCgyZjKi7JLY"
              "kQ9B0VapbiY\",\"timestamp\":1699249038}",
              &a),
        0);
    assert_string_equal(
        a.id, "ROBOT1.0_eBIyWnxpmSu6uLQ7u7fU0eGloKGYg4eEa737vRyKnMCgyZjKi7JLYkQ9B0VapbiY");
    char big[300];
    snprintf(
        big, sizeof big, "{\"id\":\"%.*s\"}", SEND_MSGID_MAX + 1,
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    assert_int_equal(parse(big, &a), 0);
    assert_string_equal(a.id, "");
    assert_int_equal(parse("{\"id\":42}", &a), 0);
    assert_string_equal(a.id, "");
    assert_int_equal(parse("{\"code\":40054005,\"message\":\"消息被去重，请检查请求msgseq\"}", &a),
                     0);
    assert_int_equal(a.code, 40054005);
    assert_int_equal(parse("{\"err_code\":22009,\"message\":\"msg limit exceed\"}", &a), 0);
    assert_int_equal(a.code, 22009);
    assert_int_equal(parse("{\"code\":1.5}", &a), ZB_EPARSE);
    assert_int_equal(parse("\"x\"", &a), ZB_EPARSE);
}

static void classes(void **state)
{
    (void)state;
    assert_int_equal(qqbot_api_classify(200, 0), SEND_OK);
    assert_int_equal(qqbot_api_classify(400, 40054005), SEND_OK); /* deduplicated: delivered */
    assert_int_equal(qqbot_api_classify(401, 11244), SEND_TOKEN);
    assert_int_equal(qqbot_api_classify(401, 0), SEND_TOKEN);
    assert_int_equal(qqbot_api_classify(400, 22009), SEND_RATE);
    assert_int_equal(qqbot_api_classify(429, 0), SEND_RATE);
    assert_int_equal(qqbot_api_classify(500, 0), SEND_RETRY);
    assert_int_equal(qqbot_api_classify(400, 304003), SEND_FATAL);
    assert_int_equal(qqbot_api_classify(200, 12345), SEND_FATAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers),
        cmocka_unit_test(classes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
