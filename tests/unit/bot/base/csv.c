/*
 * csv.c - unit tests for bot/csv.c: RFC 4180 quoting (commas, doubled quotes, line breaks in
 * quoted fields), CRLF/LF/CR records, line numbers, and every cap and error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bot/base/csv.h"

/* next_ok - the next record of r, asserting success and the field count. */
static void next_ok(struct csv_reader *r, struct csv_record *rec, size_t fields)
{
    assert_int_equal(csv_next(r, rec), ZB_OK);
    assert_int_equal(rec->n, fields);
}

static void test_plain_records(void **state)
{
    (void)state;
    const char *in = "姓名,手机号,支部\n张三,13800138000,船闸支部\n李四,,\n";
    struct csv_reader r;
    struct csv_record rec;
    csv_init(&r, in, strlen(in));
    next_ok(&r, &rec, 3);
    assert_string_equal(rec.field[0], "姓名");
    assert_int_equal(rec.line, 1);
    next_ok(&r, &rec, 3);
    assert_string_equal(rec.field[1], "13800138000");
    assert_int_equal(rec.line, 2);
    next_ok(&r, &rec, 3);
    assert_string_equal(rec.field[0], "李四");
    assert_string_equal(rec.field[1], "");
    assert_string_equal(rec.field[2], "");
    assert_int_equal(csv_next(&r, &rec), ZB_ENOTFOUND);
    assert_int_equal(csv_next(&r, &rec), ZB_ENOTFOUND);
    csv_free(&r);
}

static void test_quoted_fields(void **state)
{
    (void)state;
    const char *in = "a,\"运行科,调度员\",\"他说\"\"好\"\"\"\r\n"
                     "\"第一行\n第二行\",\"\",x\r\n"
                     "last,\"q\"";
    struct csv_reader r;
    struct csv_record rec;
    csv_init(&r, in, strlen(in));
    next_ok(&r, &rec, 3);
    assert_string_equal(rec.field[1], "运行科,调度员");
    assert_string_equal(rec.field[2], "他说\"好\"");
    next_ok(&r, &rec, 3);
    assert_string_equal(rec.field[0], "第一行\n第二行");
    assert_string_equal(rec.field[1], "");
    assert_int_equal(rec.line, 2);
    next_ok(&r, &rec, 2); /* the newline inside quotes moved the line on */
    assert_int_equal(rec.line, 4);
    assert_string_equal(rec.field[1], "q");
    assert_int_equal(csv_next(&r, &rec), ZB_ENOTFOUND);
    csv_free(&r);
}

static void test_line_endings_and_blank_lines(void **state)
{
    (void)state;
    const char *in = "a\rb\r\n\nc,d";
    struct csv_reader r;
    struct csv_record rec;
    csv_init(&r, in, strlen(in));
    next_ok(&r, &rec, 1);
    assert_string_equal(rec.field[0], "a");
    next_ok(&r, &rec, 1);
    assert_string_equal(rec.field[0], "b");
    assert_int_equal(rec.line, 2);
    next_ok(&r, &rec, 1); /* a blank line is a record with one empty field */
    assert_string_equal(rec.field[0], "");
    next_ok(&r, &rec, 2);
    assert_int_equal(rec.line, 4);
    assert_int_equal(csv_next(&r, &rec), ZB_ENOTFOUND);
    csv_free(&r);
}

static void test_quote_inside_unquoted_field_is_data(void **state)
{
    (void)state;
    const char *in = "5\"寸,x";
    struct csv_reader r;
    struct csv_record rec;
    csv_init(&r, in, strlen(in));
    next_ok(&r, &rec, 2);
    assert_string_equal(rec.field[0], "5\"寸");
    csv_free(&r);
}

static void test_errors_name_the_line(void **state)
{
    (void)state;
    struct csv_reader r;
    struct csv_record rec;
    const char *open = "a,b\nc,\"never\nclosed\n";
    csv_init(&r, open, strlen(open));
    next_ok(&r, &rec, 2);
    assert_int_equal(csv_next(&r, &rec), ZB_EPARSE);
    assert_int_equal(r.err_line, 2);
    assert_non_null(strstr(r.error, "引号"));
    assert_int_equal(csv_next(&r, &rec), ZB_ENOTFOUND); /* finished after an error */
    csv_free(&r);

    const char *junk = "x\n\"ab\"c,d\n";
    csv_init(&r, junk, strlen(junk));
    next_ok(&r, &rec, 1);
    assert_int_equal(csv_next(&r, &rec), ZB_EPARSE);
    assert_int_equal(r.err_line, 2);
    csv_free(&r);

    const char nul[] = "a,b\0c\n";
    csv_init(&r, nul, sizeof nul - 1);
    assert_int_equal(csv_next(&r, &rec), ZB_EPARSE);
    csv_free(&r);
}

static void test_caps(void **state)
{
    (void)state;
    struct csv_reader r;
    struct csv_record rec;
    char many[CSV_MAX_FIELDS * 2 + 8];
    size_t n = 0;
    for (int i = 0; i < CSV_MAX_FIELDS; i++) { /* exactly the cap: fine */
        many[n++] = 'x';
        many[n++] = ',';
    }
    many[n - 1] = '\n';
    csv_init(&r, many, n);
    next_ok(&r, &rec, CSV_MAX_FIELDS);
    csv_free(&r);
    many[n - 1] = ',';
    many[n++] = 'y'; /* one more field */
    csv_init(&r, many, n);
    assert_int_equal(csv_next(&r, &rec), ZB_ETOOBIG);
    csv_free(&r);

    size_t big = CSV_MAX_RECORD + 2;
    char *longrow = malloc(big + 3);
    longrow[0] = '"';
    memset(longrow + 1, 'a', big);
    longrow[big + 1] = '"';
    csv_init(&r, longrow, big + 2);
    assert_int_equal(csv_next(&r, &rec), ZB_ETOOBIG);
    csv_free(&r);
    memset(longrow, 'a', CSV_MAX_RECORD); /* exactly the cap, unquoted */
    csv_init(&r, longrow, CSV_MAX_RECORD);
    next_ok(&r, &rec, 1);
    assert_int_equal(strlen(rec.field[0]), CSV_MAX_RECORD);
    csv_free(&r);
    free(longrow);

    size_t lines = CSV_MAX_RECORDS + 1;
    char *rows = malloc(lines * 2);
    for (size_t i = 0; i < lines; i++) {
        rows[2 * i] = 'r';
        rows[2 * i + 1] = '\n';
    }
    csv_init(&r, rows, lines * 2);
    int rc;
    size_t got = 0;
    while ((rc = csv_next(&r, &rec)) == ZB_OK)
        got++;
    assert_int_equal(rc, ZB_ETOOBIG);
    assert_int_equal(got, CSV_MAX_RECORDS);
    csv_free(&r);
    free(rows);
}

static void test_empty_input(void **state)
{
    (void)state;
    struct csv_reader r;
    struct csv_record rec;
    csv_init(&r, "", 0);
    assert_int_equal(csv_next(&r, &rec), ZB_ENOTFOUND);
    csv_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_records),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_line_endings_and_blank_lines),
        cmocka_unit_test(test_quote_inside_unquoted_field_is_data),
        cmocka_unit_test(test_errors_name_the_line),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_empty_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
