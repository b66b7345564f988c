/*
 * textfmt.c - unit tests for bot/base/textfmt.c: terminal column widths of UTF-8 text (ASCII,
 * CJK, fullwidth forms and CJK punctuation, combining marks, control bytes, broken UTF-8) and
 * padding to a column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bot/base/textfmt.h"

static void test_width(void **state)
{
    (void)state;
    assert_int_equal(textfmt_width(""), 0);
    assert_int_equal(textfmt_width("branch add"), 10);
    assert_int_equal(textfmt_width("路径"), 4);             /* two CJK ideographs */
    assert_int_equal(textfmt_width("branch add 路径"), 15); /* 19 bytes */
    assert_int_equal(textfmt_width("[--branch 组织]"), 15); /* mixed */
    assert_int_equal(textfmt_width("，（）、。"), 10);      /* CJK and fullwidth punctuation */
    assert_int_equal(textfmt_width("ＡＢ１２"), 8);         /* fullwidth letters and digits */
    assert_int_equal(textfmt_width("にほん한국"), 10);      /* kana, hangul */
    assert_int_equal(textfmt_width("𠀀"), 2);               /* CJK extension B (4 bytes) */
    assert_int_equal(textfmt_width("é"), 1);                /* precomposed: U+00E9 */
    assert_int_equal(textfmt_width("e\xcc\x81"), 1);        /* e + combining acute */
    assert_int_equal(textfmt_width("a\xe2\x80\x8b"
                                   "b"),
                     2);                            /* zero-width space */
    assert_int_equal(textfmt_width("“绑定”…"), 7);  /* quotes and ellipsis are narrow */
    assert_int_equal(textfmt_width("a\tb\x1b"), 2); /* control bytes take none */
    assert_int_equal(textfmt_width("\xc2\x85"
                                   "x"),
                     1); /* a C1 control */
    /* broken UTF-8: one column per stray byte, never reading past the end */
    assert_int_equal(textfmt_width("\xff\xfe"), 2);
    assert_int_equal(textfmt_width("\xe8\xb7"), 2);     /* a truncated 3-byte sequence */
    assert_int_equal(textfmt_width("\xc0\xaf"), 2);     /* an overlong '/' */
    assert_int_equal(textfmt_width("\xed\xa0\x80"), 3); /* a surrogate */
    assert_int_equal(textfmt_width("\xe8\xb7"
                                   "a"),
                     3);
}

static char *padded(const char *s, size_t width)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    textfmt_pad(f, s, width);
    fputc('|', f);
    fclose(f);
    return out;
}

static void test_pad(void **state)
{
    (void)state;
    char *p = padded("abc", 6);
    assert_string_equal(p, "abc   |");
    free(p);
    p = padded("路径", 6); /* four columns: two spaces */
    assert_string_equal(p, "路径  |");
    free(p);
    p = padded("branch add 路径", 15); /* exactly as wide: nothing added */
    assert_string_equal(p, "branch add 路径|");
    free(p);
    p = padded("党组织名称", 4); /* wider: printed whole, nothing added */
    assert_string_equal(p, "党组织名称|");
    free(p);
    p = padded("", 3);
    assert_string_equal(p, "   |");
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_pad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
