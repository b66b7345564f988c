/* platform.c - unit tests for bot/chat/platform.c: one row per platform in enum order, the
 * labels operators and members read, and the text limits the adapters page at. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bot/chat/platform.h"
#include "webhook/qq/qq_text.h"
#include "webhook/wechat/wechat.h"

static void test_rows_in_enum_order(void **state)
{
    (void)state;
    for (int p = 0; p < PLATFORM_COUNT; p++) {
        const struct platform_info *row = platform_get((enum platform)p);
        assert_non_null(row);
        assert_int_equal(row->id, p);
        assert_ptr_equal(platform_find(row->name), row);
        assert_string_equal(platform_name((enum platform)p), row->name);
    }
    assert_null(platform_get(PLATFORM_COUNT));
    assert_null(platform_get((enum platform) - 1));
    assert_null(platform_find("icq"));
    assert_string_equal(platform_name(PLATFORM_COUNT), "unknown");
    /* the mini-program is an event platform */
    assert_int_equal(platform_find("wxmini")->id, PLATFORM_WXMINI);
}

static void test_labels(void **state)
{
    (void)state;
    assert_string_equal(platform_label("wechat"), "微信公众号");
    assert_string_equal(platform_label("wxmini"), "微信小程序");
    assert_string_equal(platform_label("onebot"), "QQ");
    assert_string_equal(platform_label("qqbot"), "QQ 机器人");
    assert_string_equal(platform_label("other"), "other");
    /* a member does not tell the two QQ ways apart */
    assert_string_equal(platform_member_label("qqbot"), "QQ");
    assert_string_equal(platform_member_label("onebot"), "QQ");
    assert_string_equal(platform_member_label("wechat"), "微信公众号");
    assert_string_equal(platform_member_label("other"), "other");
}

static void test_limits_match_the_adapters(void **state)
{
    (void)state;
    assert_int_equal(platform_get(PLATFORM_WECHAT)->reply_chars, WECHAT_TEXT_MAX);
    assert_int_equal(platform_get(PLATFORM_ONEBOT)->reply_chars, QQ_PAGE_CHARS);
    assert_int_equal(platform_get(PLATFORM_QQBOT)->reply_chars, QQ_PAGE_CHARS);
    assert_int_equal(platform_get(PLATFORM_WECHAT)->reply, PLATFORM_REPLY_XML);
    assert_int_equal(platform_get(PLATFORM_ONEBOT)->reply, PLATFORM_REPLY_QUICK);
    assert_int_equal(platform_get(PLATFORM_QQBOT)->reply, PLATFORM_REPLY_ACK);
    assert_int_equal(platform_get(PLATFORM_WXMINI)->reply_chars, WECHAT_TEXT_MAX);
    assert_int_equal(platform_get(PLATFORM_WXMINI)->reply, PLATFORM_REPLY_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_in_enum_order),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_limits_match_the_adapters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
