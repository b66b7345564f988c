/* problem.c - unit tests for bot/api/problem.c: the error body's shape, escaping, its cap, and
 * the status and word of each error code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bot/api/problem.h"

static void test_problem_body(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 4096);
    assert_int_equal(problem_write(&b, ZB_ENOTFOUND, "id", NULL), ZB_OK);
    assert_string_equal(
        buf_str(&b),
        "{\"error\":{\"code\":\"not_found\",\"field\":\"id\",\"message\":\"没有找到\"}}");
    assert_int_equal(problem_write(&b, ZB_EDENIED, NULL, "只有书记可以操作"), ZB_OK);
    assert_string_equal(buf_str(&b),
                        "{\"error\":{\"code\":\"forbidden\",\"message\":\"只有书记可以操作\"}}");
    /* quotes in a message are escaped */
    assert_int_equal(problem_write(&b, ZB_EINVAL, "name", "\"x\""), ZB_OK);
    assert_non_null(strstr(buf_str(&b), "\"message\":\"\\\"x\\\"\""));
    buf_free(&b);
    buf_init(&b, 16);
    assert_int_equal(problem_write(&b, ZB_EINVAL, "name", NULL), ZB_ETOOBIG);
    assert_int_equal(b.len, 0);
    buf_free(&b);
}

static void test_statuses(void **state)
{
    (void)state;
    assert_int_equal(problem_status(ZB_EINVAL), 400);
    assert_int_equal(problem_status(ZB_EPARSE), 400);
    assert_int_equal(problem_status(ZB_ETOOBIG), 413);
    assert_int_equal(problem_status(ZB_EDENIED), 403);
    assert_int_equal(problem_status(ZB_ENOTFOUND), 404);
    assert_int_equal(problem_status(ZB_EBUSY), 429);
    assert_int_equal(problem_status(ZB_EDB), 500);
    assert_int_equal(problem_status(ZB_EDONE), 409);
    assert_string_equal(problem_code(ZB_EDONE), "conflict");
    assert_int_equal(problem_status(ZB_ESIG), 401);
    assert_string_equal(problem_code(ZB_ESIG), "unauthenticated");
    assert_int_equal(problem_status(ZB_EIO), 502);
    assert_int_equal(problem_status(-999), 500);
    assert_string_equal(problem_code(-999), "internal");
    assert_string_equal(problem_code(ZB_ESTALE), "expired");
    assert_string_equal(problem_message(ZB_EBUSY), "操作太频繁，请稍后再试");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_problem_body),
        cmocka_unit_test(test_statuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
