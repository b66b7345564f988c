/*
 * tests/unit/webhook/qq_text.c - tests for webhook/qq_text.c: parts of long replies (line
 * boundaries, the "more" line, the bound of QQ_MAX_PARTS for any router page), the prefix, trim
 * and news as text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bot/chat/router.h"
#include "webhook/qq/qq_text.h"

static size_t chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void test_short_and_empty(void **state)
{
    (void)state;
    struct qq_parts p;
    qq_split("", &p);
    assert_int_equal(p.n, 0);
    qq_split("菜单\n1 学习", &p);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.part[0], "菜单\n1 学习");
    qq_parts_free(&p);
}

/* joined - the parts joined with newlines (each cut was at a newline here). */
static char *joined(const struct qq_parts *p)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    for (size_t i = 0; i < p->n; i++)
        assert_int_equal(buf_appendf(&b, "%s%s", i ? "\n" : "", p->part[i]), ZB_OK);
    return buf_steal(&b);
}

static void test_lines_and_more(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    for (int i = 0; i < 60; i++) /* 60 lines of 54 characters: 3,299 with the newlines */
        assert_int_equal(buf_appendf(&b, "%s第%02d行%s", i ? "\n" : "", i,
                                     "党的二十大精神学习要点党的二十大精神学习要点党的二十大精神学"
                                     "习要点党的二十大精神学习要点党的二十大精"),
                         ZB_OK);
    struct qq_parts p;
    qq_split(buf_str(&b), &p);
    assert_int_equal(p.n, 3);
    for (size_t i = 0; i < p.n; i++) {
        assert_true(chars(p.part[i]) <= QQ_PART_CHARS);
        assert_true(p.part[i][strlen(p.part[i]) - 1] != '\n');
        assert_memory_equal(p.part[i], "第", 3); /* every part starts a line */
    }
    char *j = joined(&p);
    assert_string_equal(j, buf_str(&b)); /* nothing lost, nothing added */
    free(j);
    qq_parts_free(&p);
    /* the "more" line stays with the last part */
    assert_int_equal(buf_appendz(&b, ROUTER_MORE_LINE), ZB_OK);
    qq_split(buf_str(&b), &p);
    assert_int_equal(p.n, 3);
    const char *last = p.part[2];
    assert_string_equal(last + strlen(last) - strlen(ROUTER_MORE_LINE), ROUTER_MORE_LINE);
    assert_null(strstr(p.part[1], "回复 +"));
    qq_parts_free(&p);
    qq_split(ROUTER_MORE_LINE, &p);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.part[0], ROUTER_MORE_LINE + 1);
    qq_parts_free(&p);
    buf_free(&b);
}

/* Any page the router makes under QQ_PAGE_CHARS splits into at most QQ_MAX_PARTS parts, for
 * lines of every length: the bound qq_text.h relies on. */
static void test_page_bound(void **state)
{
    (void)state;
    unsigned seed = 12345;
    for (int round = 0; round < 300; round++) {
        struct buf b;
        buf_init(&b, 1 << 20);
        size_t total = 0;
        while (total < QQ_PAGE_CHARS - 30) {
            seed = seed * 1103515245u + 12345u;
            size_t len = (seed >> 8) % (round % 3 == 0 ? 2000 : round % 3 == 1 ? 800 : 60);
            if (total + len + 1 > QQ_PAGE_CHARS - 20)
                len = QQ_PAGE_CHARS - 20 - total - 1;
            for (size_t k = 0; k < len; k++)
                assert_int_equal(buf_appendz(&b, (seed >> (k % 16)) & 1 ? "字" : "a"), ZB_OK);
            assert_int_equal(buf_append(&b, "\n", 1), ZB_OK);
            total += len + 1;
        }
        /* the router's page: at most QQ_PAGE_CHARS characters with the more line */
        size_t cut = router_split(buf_str(&b), 0, QQ_PAGE_CHARS - chars(ROUTER_MORE_LINE));
        char *page = malloc(cut + strlen(ROUTER_MORE_LINE) + 1);
        memcpy(page, b.data, cut);
        memcpy(page + cut, ROUTER_MORE_LINE, strlen(ROUTER_MORE_LINE) + 1);
        struct qq_parts p;
        qq_split(page, &p);
        assert_true(p.n <= QQ_MAX_PARTS);
        const char *last = p.part[p.n - 1];
        assert_string_equal(last + strlen(last) - strlen(ROUTER_MORE_LINE), ROUTER_MORE_LINE);
        for (size_t i = 0; i + 1 < p.n; i++)
            assert_true(chars(p.part[i]) <= QQ_PART_CHARS);
        qq_parts_free(&p);
        free(page);
        buf_free(&b);
    }
}

static void test_too_many_parts_cut(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    for (int i = 0; i < 9000; i++)
        assert_int_equal(buf_appendz(&b, "字"), ZB_OK);
    struct qq_parts p;
    qq_split(buf_str(&b), &p);
    assert_int_equal(p.n, QQ_MAX_PARTS);
    assert_true(chars(p.part[4]) <= QQ_PART_CHARS);
    assert_string_equal(p.part[4] + strlen(p.part[4]) - strlen("……"), "……");
    qq_parts_free(&p);
    buf_free(&b);
}

static void test_prefix_and_trim(void **state)
{
    (void)state;
    assert_string_equal(qq_strip_prefix("#帮助", "#"), "帮助");
    assert_string_equal(qq_strip_prefix("# 　帮助", "#"), "帮助");
    assert_string_equal(qq_strip_prefix("＃帮助", "#"), "帮助"); /* full-width, for "#" */
    assert_null(qq_strip_prefix("＃帮助", "!"));
    assert_string_equal(qq_strip_prefix("小助手 1", "小助手"), "1");
    assert_null(qq_strip_prefix("帮助#", "#"));
    assert_null(qq_strip_prefix("#帮助", ""));
    assert_string_equal(qq_strip_prefix("#", "#"), "");
    char *t = qq_trim("　 a b \n　");
    assert_string_equal(t, "a b");
    free(t);
    t = qq_trim(" \t ");
    assert_string_equal(t, "");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_and_empty), cmocka_unit_test(test_lines_and_more),
        cmocka_unit_test(test_page_bound),      cmocka_unit_test(test_too_many_parts_cut),
        cmocka_unit_test(test_prefix_and_trim),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
