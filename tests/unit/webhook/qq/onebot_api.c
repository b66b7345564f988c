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
