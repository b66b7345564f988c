/* onebot_api.c - unit tests for webhook/onebot_api.c: the retcode envelope. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/qq/onebot_api.h"

static void answers(void **state)
{
    (void)state;
    struct onebot_answer a;
    const char *ok = "{\"status\":\"ok\",\"retcode\":0,\"data\":{\"message_id\":123}}";
    assert_int_equal(onebot_api_parse(ok, strlen(ok), &a), 0);
    assert_int_equal(a.retcode, 0);
    assert_string_equal(a.status, "ok");
    assert_string_equal(a.message_id, "123");
    /* data.message_id: negative int32 (go-cqhttp), a string, or nothing usable */
    const char *neg = "{\"status\":\"ok\",\"retcode\":0,\"data\":{\"message_id\":-2147483000}}";
    assert_int_equal(onebot_api_parse(neg, strlen(neg), &a), 0);
    assert_string_equal(a.message_id, "-2147483000");
    const char *sid = "{\"status\":\"ok\",\"retcode\":0,\"data\":{\"message_id\":\"abc9\"}}";
    assert_int_equal(onebot_api_parse(sid, strlen(sid), &a), 0);
    assert_string_equal(a.message_id, "abc9");
    const char *const odd[] = {
        "{\"retcode\":0,\"data\":{\"message_id\":1.5}}",
        "{\"retcode\":0,\"data\":{\"message_id\":1e300}}",
        "{\"retcode\":0,\"data\":{\"message_id\":null}}",
        "{\"retcode\":0,\"data\":[1]}",
        "{\"retcode\":0,\"data\":null}",
        "{\"retcode\":1}",
    };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        assert_int_equal(onebot_api_parse(odd[i], strlen(odd[i]), &a), 0);
        assert_string_equal(a.message_id, "");
    }
    char big[300];
    int n = snprintf(big, sizeof big, "{\"retcode\":0,\"data\":{\"message_id\":\"");
    memset(big + n, '7', SEND_MSGID_MAX + 1);
    snprintf(big + n + SEND_MSGID_MAX + 1, sizeof big - (size_t)n - SEND_MSGID_MAX - 1, "\"}}");
    assert_int_equal(onebot_api_parse(big, strlen(big), &a), 0);
    assert_string_equal(a.message_id, ""); /* too long: dropped whole, never cut */
    const char *bad = "{\"status\":\"failed\",\"retcode\":100,\"msg\":\"SEND_MSG_API_ERROR\","
                      "\"wording\":\"请参考 go-cqhttp 端输出\"}";
    assert_int_equal(onebot_api_parse(bad, strlen(bad), &a), 0);
    assert_int_equal(a.retcode, 100);
    assert_string_equal(a.message, "请参考 go-cqhttp 端输出"); /* wording first */
    const char *none = "{\"status\":\"ok\"}";
    assert_int_equal(onebot_api_parse(none, strlen(none), &a), ZB_EPARSE);
    const char *str = "{\"retcode\":\"0\"}";
    assert_int_equal(onebot_api_parse(str, strlen(str), &a), ZB_EPARSE);
    assert_int_equal(onebot_api_parse("", 0, &a), ZB_EPARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
