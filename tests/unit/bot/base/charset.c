/*
 * charset.c - unit tests for bot/charset.c: UTF-8 as is, the BOM dropped, GBK (Excel's "CSV"
 * on Chinese Windows) converted, UTF-16 and broken input refused, the output cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bot/base/charset.h"

/* "姓名,支部\n张三,船闸支部\n" in GBK (code page 936), as Excel writes it */
static const char gbk[] = "\xd0\xd5\xc3\xfb,\xd6\xa7\xb2\xbf\n"
                          "\xd5\xc5\xc8\xfd,\xb4\xac\xd5\xa2\xd6\xa7\xb2\xbf\n";
static const char utf8[] = "姓名,支部\n张三,船闸支部\n";

static void convert(const char *in, size_t n, const char *want, enum charset cs)
{
    char *out = NULL;
    size_t len = 0;
    enum charset got;
    assert_int_equal(charset_to_utf8(in, n, 1024, &out, &len, &got), ZB_OK);
    assert_int_equal(got, cs);
    assert_int_equal(len, strlen(want));
    assert_string_equal(out, want);
    free(out);
}

static void test_utf8_bom_gbk(void **state)
{
    (void)state;
    convert(utf8, strlen(utf8), utf8, CHARSET_UTF8);
    char bom[64];
    memcpy(bom, "\xef\xbb\xbf", 3);
    memcpy(bom + 3, utf8, strlen(utf8));
    convert(bom, 3 + strlen(utf8), utf8, CHARSET_UTF8_BOM);
    convert(gbk, strlen(gbk), utf8, CHARSET_GBK);
    convert("name,phone\n", 11, "name,phone\n", CHARSET_UTF8); /* ASCII is UTF-8 */
    convert("", 0, "", CHARSET_UTF8);
}

static void test_refused(void **state)
{
    (void)state;
    char *out = (char *)1;
    size_t len;
    /* UTF-16 LE with BOM: Excel's "Unicode text" */
    assert_int_equal(charset_to_utf8("\xff\xfeN\0a\0", 6, 1024, &out, &len, NULL), ZB_EPARSE);
    assert_null(out);
    /* a BOM followed by something that is not UTF-8 */
    assert_int_equal(charset_to_utf8("\xef\xbb\xbf\xd0\xd5", 5, 1024, &out, &len, NULL), ZB_EPARSE);
    /* a truncated GBK character at the end */
    assert_int_equal(charset_to_utf8("\xd0\xd5\xc3", 3, 1024, &out, &len, NULL), ZB_EPARSE);
    /* NUL bytes */
    assert_int_equal(charset_to_utf8("a\0b", 3, 1024, &out, &len, NULL), ZB_EPARSE);
    /* over the cap, both ways */
    assert_int_equal(charset_to_utf8(utf8, strlen(utf8), 8, &out, &len, NULL), ZB_ETOOBIG);
    assert_int_equal(charset_to_utf8(gbk, strlen(gbk), 8, &out, &len, NULL), ZB_ETOOBIG);
}

static void test_utf8_valid(void **state)
{
    (void)state;
    assert_true(charset_utf8_valid("张三", strlen("张三")));
    assert_false(charset_utf8_valid("\xc0\xaf", 2));         /* overlong */
    assert_false(charset_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(charset_utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
    assert_false(charset_utf8_valid("\xe5\xbc", 2));         /* truncated */
}

/* The edge's rule for JSON bodies: strict UTF-8, no escape that decodes to NUL or half a
 * surrogate pair; every other escape (a pair, "\\\\u0000" as text) passes. */
static void test_json_text(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "{\"a\":\"学习\"}",      "{\"a\":\"\\u5b66\\n\\\"\"}", "{\"a\":\"\\ud83d\\ude00\"}",
        "{\"a\":\"\\\\u0000\"}", "{\"a\":\"\\u0001\"}",        "",
    };
    static const char *const bad[] = {
        "{\"a\":\"\\u0000\"}",  "{\"a\":\"x\\u0000y\"}",    "{\"a\":\"\\ud83d\"}",
        "{\"a\":\"\\ude00\"}",  "{\"a\":\"\\ud83dx\"}",     "{\"a\":\"\\ud83d\\u0041\"}",
        "{\"a\":\"\\u00\"}",    "{\"a\":\"\\uzzzz\"}",      "{\"a\":\"\xff\"}",
        "{\"a\":\"\xc3\x28\"}", "{\"a\":\"\xed\xa0\x80\"}",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (!charset_json_text_ok(ok[i], strlen(ok[i])))
            fail_msg("refused %s", ok[i]);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (charset_json_text_ok(bad[i], strlen(bad[i])))
            fail_msg("accepted %s", bad[i]);
    assert_false(charset_json_text_ok("{\"a\":\"x\0\"}", 8)); /* a raw NUL */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_bom_gbk),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_json_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
