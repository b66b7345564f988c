/* buf.c - unit tests for bot/buf.c: the cap is hard and leaves the buffer unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bot/base/buf.h"
#include "bot/base/ct.h"

static void test_append_within_cap(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 10);
    assert_string_equal(buf_str(&b), "");
    assert_int_equal(buf_appendz(&b, "hello"), ZB_OK);
    assert_int_equal(buf_appendf(&b, "%d%s", 42, "!!"), ZB_OK);
    assert_int_equal(b.len, 9);
    assert_string_equal(buf_str(&b), "hello42!!");
    assert_int_equal(buf_appendz(&b, "x"), ZB_OK); /* exactly at the cap */
    assert_int_equal(b.len, 10);
    buf_free(&b);
}

static void test_cap_is_hard_and_atomic(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 8);
    assert_int_equal(buf_appendz(&b, "abcdef"), ZB_OK);
    assert_int_equal(buf_appendz(&b, "xyz"), ZB_ETOOBIG);
    assert_int_equal(buf_appendf(&b, "%s", "xyz"), ZB_ETOOBIG);
    assert_string_equal(buf_str(&b), "abcdef"); /* unchanged */
    assert_int_equal(b.len, 6);
    char *s = buf_steal(&b);
    assert_string_equal(s, "abcdef");
    free(s);
    assert_int_equal(b.len, 0);
    assert_string_equal(buf_str(&b), "");
    buf_free(&b);
}

static void test_binary_and_reset(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    char block[1000];
    memset(block, 'z', sizeof block);
    for (int i = 0; i < 500; i++)
        assert_int_equal(buf_append(&b, block, sizeof block), ZB_OK);
    assert_int_equal(b.len, 500000);
    assert_int_equal(b.data[b.len], '\0');
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(buf_str(&b), "");
    buf_free(&b);
}

static void test_ct_compare(void **state)
{
    (void)state;
    assert_true(ct_streq("abc", "abc"));
    assert_false(ct_streq("abc", "abd"));
    assert_false(ct_streq("abc", "abcd"));
    assert_false(ct_streq("", "a"));
    assert_true(ct_streq("", ""));
    assert_true(ct_memeq("\0\1", "\0\1", 2));
    assert_false(ct_memeq("\0\1", "\0\2", 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_within_cap),
        cmocka_unit_test(test_cap_is_hard_and_atomic),
        cmocka_unit_test(test_binary_and_reset),
        cmocka_unit_test(test_ct_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
