/*
 * header.c - unit tests for handlers/study/header.c, the header block of a study item file: a
 * good file (BOM, CR LF, comments, lists normalised, the body's span), and every refusal with
 * the line it names and its Chinese reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "handlers/study/header.h"

/* parse - study_header_parse on a NUL-terminated text. */
static int parse(const char *text, struct study_header *h, int *line, char *err, size_t errsz)
{
    err[0] = '\0';
    return study_header_parse(text, strlen(text), h, line, err, errsz);
}

static void test_good_file(void **state)
{
    (void)state;
    static const char text[] = "\xEF\xBB\xBF---\r\n"
                               "title:  党费按什么基数交 \r\n"
                               "# a comment line\r\n"
                               "date: 2026-11-02\r\n"
                               "tags: 党费， 基数、规定\r\n"
                               "audience: 离退休党员;一线\r\n"
                               "summary: 以税后工资为基数。\r\n"
                               "source: [R10a]\r\n"
                               "---\r\n"
                               "\r\n"
                               "正文第一段。\r\n"
                               "第二段。\r\n\r\n\r\n";
    struct study_header h;
    int line = -1;
    char err[STUDY_ERR_MAX];
    assert_int_equal(parse(text, &h, &line, err, sizeof err), ZB_OK);
    assert_int_equal(line, 0);
    assert_string_equal(h.title, "党费按什么基数交");
    assert_string_equal(h.date, "2026-11-02");
    assert_string_equal(h.tags, "党费,基数,规定");
    assert_string_equal(h.audience, "离退休党员,一线");
    assert_string_equal(h.summary, "以税后工资为基数。");
    assert_string_equal(h.source, "[R10a]");
    assert_int_equal(strncmp(text + h.body_off, "正文第一段。", strlen("正文第一段。")), 0);
    /* trailing blank lines trimmed: the body ends with 第二段。 */
    assert_int_equal(h.body_len, strlen("正文第一段。\r\n第二段。"));
}

struct bad {
    const char *text;
    int rc;
    int line;
    const char *words; /* in the reason */
};

static void test_errors_name_the_line(void **state)
{
    (void)state;
    static const struct bad cases[] = {
        {"title: x\n---\nbody\n", ZB_EPARSE, 1, "第一行应为 ---"},
        {"---\ntitle: x\nsummary y\n---\nbody\n", ZB_EPARSE, 3, "键: 值"},
        {"---\ntitle: x\nauthor: 张三\n---\nbody\n", ZB_EPARSE, 3, "未知的键“author”"},
        {"---\ntitle: x\ntitle: y\n---\nbody\n", ZB_EPARSE, 3, "title 重复出现"},
        {"---\ntitle: x\ndate: 2026-13-01\n---\nbody\n", ZB_EPARSE, 3, "date 应为"},
        {"---\ntitle: x\ndate: 2026/11/01\n---\nbody\n", ZB_EPARSE, 3, "date 应为"},
        {"---\ntitle: x\nsummary: s\nsource: r\n", ZB_EPARSE, 4, "缺少结尾的 ---"},
        {"---\ntitle: x\nsummary: s\n---\nbody\n", ZB_EPARSE, 4, "缺少 source"},
        {"---\nsummary: s\nsource: r\n---\nbody\n", ZB_EPARSE, 4, "缺少 title"},
        {"---\ntitle: x\nsummary: s\nsource: r\n---\n\n  \n", ZB_EPARSE, 5, "正文为空"},
        {"---\ntitle: \xff\xfe\nsummary: s\nsource: r\n---\nbody\n", ZB_EPARSE, 0, "UTF-8"},
        {"", ZB_EPARSE, 1, "第一行应为 ---"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct study_header h;
        int line = -1;
        char err[STUDY_ERR_MAX];
        print_message("  case %zu\n", i);
        assert_int_equal(parse(cases[i].text, &h, &line, err, sizeof err), cases[i].rc);
        assert_int_equal(line, cases[i].line);
        if (!strstr(err, cases[i].words))
            fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err, cases[i].words);
    }
}

/* An editor typing Chinese writes the full-width colon; the first colon of either width splits. */
static void test_full_width_colon(void **state)
{
    (void)state;
    static const char text[] = "---\n"
                               "title：党费按什么基数交\n"
                               "summary ： 以税后工资为基数：见规定。\n"
                               "source: 规定：第二条\n"
                               "---\n"
                               "正文。\n";
    struct study_header h;
    int line = -1;
    char err[STUDY_ERR_MAX];
    assert_int_equal(parse(text, &h, &line, err, sizeof err), ZB_OK);
    assert_string_equal(h.title, "党费按什么基数交");
    assert_string_equal(h.summary, "以税后工资为基数：见规定。");
    assert_string_equal(h.source, "规定：第二条");
}

static void test_caps(void **state)
{
    (void)state;
    char err[STUDY_ERR_MAX];
    struct study_header h;
    int line = -1;
    /* a NUL byte inside the text */
    static const char nul[] = "---\ntitle: a\0b\nsummary: s\nsource: r\n---\nbody\n";
    assert_int_equal(study_header_parse(nul, sizeof nul - 1, &h, &line, err, sizeof err),
                     ZB_EPARSE);
    /* a title one byte over its cap; then exactly at it */
    char text[4 * STUDY_LINE_MAX];
    char title[STUDY_TITLE_MAX + 2];
    memset(title, 'a', sizeof title - 1);
    title[sizeof title - 1] = '\0';
    snprintf(text, sizeof text, "---\ntitle: %s\nsummary: s\nsource: r\n---\nbody\n", title);
    assert_int_equal(parse(text, &h, &line, err, sizeof err), ZB_ETOOBIG);
    assert_int_equal(line, 2);
    assert_non_null(strstr(err, "title 太长"));
    title[STUDY_TITLE_MAX] = '\0';
    snprintf(text, sizeof text, "---\ntitle: %s\nsummary: s\nsource: r\n---\nbody\n", title);
    assert_int_equal(parse(text, &h, &line, err, sizeof err), ZB_OK);
    assert_int_equal(strlen(h.title), STUDY_TITLE_MAX);
    /* a header line over STUDY_LINE_MAX */
    char longline[STUDY_LINE_MAX + 2];
    memset(longline, 'x', sizeof longline - 1);
    longline[sizeof longline - 1] = '\0';
    snprintf(text, sizeof text, "---\ntags: %s\n---\nbody\n", longline);
    assert_int_equal(parse(text, &h, &line, err, sizeof err), ZB_ETOOBIG);
    assert_int_equal(line, 2);
    /* more header lines than allowed, with no closing fence */
    size_t o = (size_t)snprintf(text, sizeof text, "---\n");
    for (int i = 0; i < STUDY_HLINES_MAX + 2; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "# c\n");
    assert_int_equal(parse(text, &h, &line, err, sizeof err), ZB_ETOOBIG);
    assert_int_equal(line, STUDY_HLINES_MAX + 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file),
        cmocka_unit_test(test_errors_name_the_line),
        cmocka_unit_test(test_full_width_colon),
        cmocka_unit_test(test_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
