/*
 * Unit tests for webhook/wechat/wxmini.c's push parsers: the JSON and XML forms give the same
 * fields, a number MsgId is read as its digits, and the one UTF-8 rule of the edge holds for
 * JSON - invalid UTF-8, an escaped NUL (which would silently cut the text) and half a surrogate
 * pair are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/wechat/wxmini.h"

static int parse_json(const char *body, struct wxmini_msg *m)
{
    return wxmini_json_parse(body, strlen(body), m);
}

static void test_json_and_xml_agree(void **state)
{
    (void)state;
    struct wxmini_msg j, x;
    const char *json = "{\"ToUserName\":\"gh_mini\",\"FromUserName\":\"o_abc\",\"CreateTime\":"
                       "1764500000,\"MsgType\":\"text\",\"Content\":\"学习\",\"MsgId\":123456789}";
    const char *xml = "<xml><ToUserName><![CDATA[gh_mini]]></ToUserName><FromUserName><![CDATA["
                      "o_abc]]></FromUserName><CreateTime>1764500000</CreateTime><MsgType><![CDATA["
                      "text]]></MsgType><Content><![CDATA[学习]]></Content><MsgId>123456789</MsgId>"
                      "</xml>";
    assert_int_equal(parse_json(json, &j), 0);
    assert_int_equal(wxmini_xml_parse(xml, strlen(xml), &x), 0);
    assert_string_equal(j.from, "o_abc");
    assert_string_equal(j.from, x.from);
    assert_string_equal(j.to, x.to);
    assert_string_equal(j.created, "1764500000");
    assert_string_equal(j.created, x.created);
    assert_string_equal(j.msg_id, "123456789");
    assert_string_equal(j.msg_id, x.msg_id);
    assert_string_equal(j.text, "学习");
    assert_string_equal(j.text, x.text);
    wxmini_msg_free(&j);
    wxmini_msg_free(&x);
}

static void test_json_utf8_rule(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{\"FromUserName\":\"o_a\",\"MsgType\":\"text\",\"Content\":\"路灯\\u0000坏了\"}",
        "{\"FromUserName\":\"o_a\",\"MsgType\":\"text\",\"Content\":\"\xff\xfe\"}",
        "{\"FromUserName\":\"o_a\",\"MsgType\":\"text\",\"Content\":\"\\ud800x\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct wxmini_msg m;
        assert_int_equal(parse_json(bad[i], &m), -3 /* ZB_EPARSE */);
        wxmini_msg_free(&m);
    }
    struct wxmini_msg m;
    assert_int_equal(
        parse_json("{\"FromUserName\":\"o_a\",\"MsgType\":\"text\",\"Content\":\"\\u8def\\u706f\"}",
                   &m),
        0);
    assert_string_equal(m.text, "路灯");
    wxmini_msg_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_and_xml_agree),
        cmocka_unit_test(test_json_utf8_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
