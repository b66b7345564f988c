/* reply.c - unit tests for bot/reply.c: the event-log encoding round-trips every reply kind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bot/chat/reply.h"

static void test_text_round_trip(void **state)
{
    (void)state;
    struct reply r = {0}, back;
    reply_textf(&r, "第%d行\n\"引号\" ]]> <&>", 1);
    char *enc = reply_encode(&r);
    assert_int_equal(reply_decode(REPLY_TEXT, enc, &back), ZB_OK);
    assert_int_equal(back.kind, REPLY_TEXT);
    assert_string_equal(back.text, r.text);
    free(enc);
    reply_free(&back);
    reply_free(&r);
}

static void test_news_round_trip(void **state)
{
    (void)state;
    struct reply r = {0}, back;
    assert_int_equal(reply_add_article(&r, "标题一", "摘要", NULL, "https://e.x/1"), ZB_OK);
    assert_int_equal(reply_add_article(&r, "标题二", NULL, "https://e.x/p.png", NULL), ZB_OK);
    char *enc = reply_encode(&r);
    assert_non_null(enc);
    assert_int_equal(reply_decode(REPLY_NEWS, enc, &back), ZB_OK);
    assert_int_equal(back.kind, REPLY_NEWS);
    assert_int_equal(back.n_articles, 2);
    assert_string_equal(back.articles[0].title, "标题一");
    assert_string_equal(back.articles[0].description, "摘要");
    assert_null(back.articles[0].pic_url);
    assert_string_equal(back.articles[1].pic_url, "https://e.x/p.png");
    assert_null(back.articles[1].url);
    free(enc);
    reply_free(&back);
    reply_free(&r);
}

static void test_limits_and_damage(void **state)
{
    (void)state;
    struct reply r = {0}, back;
    for (int i = 0; i < REPLY_MAX_ARTICLES; i++)
        assert_int_equal(reply_add_article(&r, "t", NULL, NULL, NULL), ZB_OK);
    assert_int_equal(reply_add_article(&r, "t", NULL, NULL, NULL), ZB_ETOOBIG);
    reply_free(&r);
    assert_int_equal(reply_decode(REPLY_NEWS, "[{\"title\":1}]", &back), ZB_EPARSE);
    assert_int_equal(reply_decode(REPLY_NEWS, "not json", &back), ZB_EPARSE);
    assert_int_equal(reply_decode(REPLY_NONE, NULL, &back), ZB_OK);
    assert_int_equal(back.kind, REPLY_NONE);
    assert_null(reply_encode(&back));
    assert_int_equal(reply_kind_parse("news"), REPLY_NEWS);
    assert_int_equal(reply_kind_parse("bogus"), -1);
}

static void test_news_as_text(void **state)
{
    (void)state;
    struct reply r = {0};
    assert_int_equal(reply_add_article(&r, "标题一", "说明", NULL, "https://a"), ZB_OK);
    assert_int_equal(reply_add_article(&r, "标题二", NULL, NULL, NULL), ZB_OK);
    char *s = reply_plain_text(&r);
    assert_string_equal(s, "【标题一】\n说明\nhttps://a\n\n【标题二】");
    free(s);
    reply_free(&r);
    assert_null(reply_plain_text(&r));
    reply_text(&r, "文字");
    s = reply_plain_text(&r);
    assert_string_equal(s, "文字");
    free(s);
    reply_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_round_trip),
        cmocka_unit_test(test_news_round_trip),
        cmocka_unit_test(test_limits_and_damage),
        cmocka_unit_test(test_news_as_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
