/*
 * e2e_chat_older.c - what an older member actually sends, through the real binary over
 * POST /wechat (safe mode): a picture in the middle of a quiz or a 留言, a menu button the
 * account no longer has, stray spaces inside a word, an emoji after 好的, "+" with nothing
 * more, 甲/乙 and "选A" as quiz answers, a bare number outside the menu. Each case here was a
 * defect found by driving the demo by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tests/e2e/e2e_util.h"

#define NOT_UNDERSTOOD "没看懂"
#define MEMBER_ID      10 /* the demo member bound to OPENID */
#define OPENID         "o_older_member"

static struct e2e_server *srv;

static int setup(void **state)
{
    (void)state;
    const char *src = getenv("ZHIBU_SRC");
    char extra[512];
    snprintf(extra, sizeof extra, "\"quiz\": {\"bank_dir\": \"%s/content/quiz\"}", src ? src : ".");
    srv = e2e_server_up(&(struct e2e_config){.aes_key = E2E_AES_KEY, .extra = extra});
    if (!srv)
        return -1;
    struct e2e_proc p;
    if (e2e_zhibu(srv->dir, &p, "demo", "seed", "--config", srv->config_path, NULL) || p.status)
        return -1;
    e2e_proc_free(&p);
    char *code = e2e_db_text(srv, "SELECT bind_code FROM members WHERE id=%d", MEMBER_ID);
    if (!code)
        return -1;
    char msg[64];
    snprintf(msg, sizeof msg, "绑定 %s", code);
    free(code);
    free(e2e_say_ok(srv, E2E_SAFE, OPENID, msg));
    return e2e_db_int(srv, "SELECT count(*) FROM identities WHERE member_id=%d", MEMBER_ID) == 1
               ? 0
               : -1;
}

static int teardown(void **state)
{
    (void)state;
    int st = srv ? e2e_server_stop(srv) : 0;
    e2e_server_free(srv);
    return st == 0 ? 0 : -1;
}

static char *say(const char *from, const char *text)
{
    return e2e_say_ok(srv, E2E_SAFE, from, text);
}

/* image - a picture from `from`; the reply's Content. */
static char *image(const char *from)
{
    char id[24];
    e2e_msgid(id);
    char *xml = e2e_wx_xml(from, "image", (long long)time(NULL), id, "PicUrl",
                           "http://mmbiz.qpic.cn/older.jpg", "MediaId", "m-older", NULL);
    char *r = e2e_wx_reply_ok(srv, E2E_SAFE, xml);
    free(xml);
    return r;
}

/* A picture sent while a quiz question waits used to replace the quiz's session with the
 * fallback's offer, so the next answer was "没看懂". */
static void test_picture_during_quiz_keeps_the_round(void **state)
{
    (void)state;
    char *r = say(OPENID, "答题");
    assert_contains(r, "第 1/");
    free(r);
    r = image(OPENID);
    assert_contains(r, "已收到您的图片");
    assert_contains(r, "答题");
    assert_not_contains(r, "转给支部");
    free(r);
    r = say(OPENID, "A");
    assert_not_contains(r, NOT_UNDERSTOOD);
    assert_contains(r, "回答");
    free(r);
    assert_int_equal(e2e_db_int(srv,
                                "SELECT answered FROM quiz_rounds WHERE member_id=%d ORDER BY id "
                                "DESC LIMIT 1",
                                MEMBER_ID),
                     1);
    free(say(OPENID, "0"));
}

/* A picture sent while writing a 留言 is part of it, and "好了" still closes it. */
static void test_picture_during_feedback_is_kept(void **state)
{
    (void)state;
    const char *who = "o_older_fb";
    free(say(who, "留言"));
    char *r = say(who, "楼道的灯坏了");
    assert_contains(r, "已收到您的留言");
    free(r);
    r = image(who);
    assert_contains(r, "已补充到您的留言里");
    free(r);
    r = say(who, "好了");
    assert_contains(r, "已完整转给支部");
    free(r);
    char *t = e2e_db_text(srv, "SELECT text FROM feedback WHERE user_id=%Q", who);
    assert_non_null(t);
    assert_string_equal(t, "楼道的灯坏了\n[图片] http://mmbiz.qpic.cn/older.jpg");
    free(t);
}

/* A CLICK whose key no handler owns (a menu published before an upgrade) gets the menu, and
 * its key is never offered to the branch as a 留言. */
static void test_stale_menu_button(void **state)
{
    (void)state;
    char *xml = e2e_wx_xml("o_older_click", "event", (long long)time(NULL), NULL, "Event", "CLICK",
                           "EventKey", "old_key_v1", NULL);
    char *r = e2e_wx_reply_ok(srv, E2E_SAFE, xml);
    free(xml);
    assert_contains(r, "菜单按钮已停用");
    assert_contains(r, E2E_MENU_HEAD);
    assert_not_contains(r, NOT_UNDERSTOOD);
    assert_not_contains(r, "转给支部");
    free(r);
    r = say("o_older_click", "转给支部");
    assert_not_contains(r, "已转给支部");
    free(r);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM feedback WHERE user_id='o_older_click'"),
                     0);
}

/* "+" with nothing more to show, and a number the menu does not have, get a kind answer. */
static void test_kind_answers(void **state)
{
    (void)state;
    char *r = say(OPENID, "+");
    assert_contains(r, "没有更多内容了");
    assert_not_contains(r, NOT_UNDERSTOOD);
    free(r);
    r = say(OPENID, "９");
    assert_contains(r, "菜单里没有这个数字");
    assert_contains(r, E2E_MENU_HEAD);
    assert_not_contains(r, NOT_UNDERSTOOD);
    free(r);
}

/* 甲 and "选B" answer a quiz question like A and B. */
static void test_quiz_answer_words(void **state)
{
    (void)state;
    free(say(OPENID, "答题"));
    const char *forms[] = {"甲", "选B", "我选 a", "答案是１"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        char *r = say(OPENID, forms[i]);
        print_message("  \"%s\"\n", forms[i]);
        assert_not_contains(r, "没看懂您的答案");
        assert_contains(r, "回答");
        free(r);
    }
    free(say(OPENID, "0"));
}

/* "好的👌" is 好的, "帮 助" is 帮助, and 0 after a "没看懂" does not claim an operation was left. */
static void test_emoji_spaces_and_exit(void **state)
{
    (void)state;
    char *r = say(OPENID, "谢谢👍");
    assert_contains(r, "不客气");
    free(r);
    r = say(OPENID, "帮 助");
    assert_contains(r, E2E_MENU_HEAD);
    assert_not_contains(r, NOT_UNDERSTOOD);
    free(r);
    r = say(OPENID, "学 习");
    assert_not_contains(r, NOT_UNDERSTOOD);
    free(r);
    r = say(OPENID, "今天天气怎么样");
    assert_contains(r, NOT_UNDERSTOOD);
    free(r);
    r = say(OPENID, "0");
    assert_contains(r, E2E_MENU_HEAD);
    assert_not_contains(r, "已退出当前操作");
    free(r);
}

/* Pinyin initials: "xx" is 学习, "df" 党费, "dt" 答题; inside the quiz "cd" stays an answer
 * (not 菜单). */
static void test_pinyin_initials(void **state)
{
    (void)state;
    char *r = say(OPENID, "XX");
    assert_not_contains(r, NOT_UNDERSTOOD);
    assert_contains(r, "学习");
    free(r);
    r = say(OPENID, "df");
    assert_contains(r, "党费");
    assert_not_contains(r, NOT_UNDERSTOOD);
    free(r);
    r = say(OPENID, "dt");
    assert_contains(r, "第 1/");
    free(r);
    /* "cd" in the quiz is never the menu (here: to whatever question came first) */
    r = say(OPENID, "cd");
    assert_not_contains(r, E2E_MENU_HEAD);
    free(r);
    /* to a single-choice question it is told to pick one: fresh rounds until one opens with a
     * single-choice question (38 of the 65 in the bank) */
    bool single_seen = false;
    for (int i = 0; i < 20 && !single_seen; i++) {
        free(say(OPENID, "0"));
        char *q = say(OPENID, "dt");
        bool single = strstr(q, "（单选）") != NULL;
        free(q);
        if (!single)
            continue;
        q = say(OPENID, "cd");
        assert_contains(q, "这是单选题，请只回复一个字母");
        assert_contains(q, "第 1/");
        free(q);
        single_seen = true;
    }
    assert_true(single_seen);
    free(say(OPENID, "0"));
    r = say(OPENID, "cd");
    assert_contains(r, E2E_MENU_HEAD); /* outside the quiz it is the menu */
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_picture_during_quiz_keeps_the_round),
        cmocka_unit_test(test_picture_during_feedback_is_kept),
        cmocka_unit_test(test_stale_menu_button),
        cmocka_unit_test(test_kind_answers),
        cmocka_unit_test(test_quiz_answer_words),
        cmocka_unit_test(test_emoji_spaces_and_exit),
        cmocka_unit_test(test_pinyin_initials),
    };
    return cmocka_run_group_tests_name("e2e_chat_older", tests, setup, teardown);
}
