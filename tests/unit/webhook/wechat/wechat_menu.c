/* Unit tests for webhook/wechat/wechat_menu.c: layout and WeChat's limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/wechat/wechat_menu.h"

static const char *const kw[16][2] = {
    {"学习", NULL}, {"会议", NULL}, {"党费", NULL}, {"我的", NULL}, {"留言", NULL}, {"答题", NULL},
    {"任务", NULL}, {"a", NULL},    {"b", NULL},    {"c", NULL},    {"d", NULL},    {"e", NULL},
    {"f", NULL},    {"g", NULL},    {"h", NULL},    {"i", NULL}};

static struct handler hs[16];
static const struct handler *tbl[16];

/* table - n handlers numbered 1..n in reverse table order, with long labels. */
static void table(size_t n)
{
    for (size_t i = 0; i < n; i++) {
        memset(&hs[i], 0, sizeof hs[i]);
        hs[i].name = "h";
        hs[i].keywords = kw[i];
        hs[i].menu_no = (int)(n - i);
        hs[i].menu_label = "今日学习与党员教育"; /* 27 bytes */
        tbl[i] = &hs[i];
    }
}

static void three_top_level(void **state)
{
    (void)state;
    table(3);
    cJSON *m = wechat_menu_build(tbl, 3, NULL);
    cJSON *b = cJSON_GetObjectItem(m, "button");
    assert_int_equal(cJSON_GetArraySize(b), 3);
    cJSON *first = cJSON_GetArrayItem(b, 0);
    assert_string_equal(cJSON_GetObjectItem(first, "key")->valuestring, "党费"); /* menu_no 1 */
    assert_string_equal(cJSON_GetObjectItem(first, "type")->valuestring, "click");
    assert_string_equal(cJSON_GetObjectItem(first, "name")->valuestring, "今日学习与"); /* 15 B */
    cJSON_Delete(m);
}

static void more_group(void **state)
{
    (void)state;
    table(7);
    cJSON *m = wechat_menu_build(tbl, 7, NULL);
    cJSON *b = cJSON_GetObjectItem(m, "button");
    assert_int_equal(cJSON_GetArraySize(b), 3);
    cJSON *g = cJSON_GetArrayItem(b, 2);
    assert_string_equal(cJSON_GetObjectItem(g, "name")->valuestring, "更多");
    cJSON *subs = cJSON_GetObjectItem(g, "sub_button");
    assert_int_equal(cJSON_GetArraySize(subs), 5);
    assert_true(strlen(cJSON_GetObjectItem(cJSON_GetArrayItem(subs, 0), "name")->valuestring) <=
                WECHAT_MENU_SUB_NAME);
    cJSON_Delete(m);
}

static void at_most_fifteen(void **state)
{
    (void)state;
    table(16);
    size_t left = 0;
    cJSON *m = wechat_menu_build(tbl, 16, &left);
    assert_int_equal(left, 1);
    cJSON *b = cJSON_GetObjectItem(m, "button");
    assert_int_equal(cJSON_GetArraySize(b), 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(
            cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetArrayItem(b, i), "sub_button")), 5);
    cJSON_Delete(m);
    assert_null(wechat_menu_build(tbl, 0, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(three_top_level),
        cmocka_unit_test(more_group),
        cmocka_unit_test(at_most_fifteen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
