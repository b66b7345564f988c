/*
 * e2e_first_chat.c - the first hour of a real branch in chat (issue 11, items 1-9, 13, 14),
 * against the real binary over loopback: `zhibu say --platform onebot` (private and group) with
 * the example members imported. Acknowledgements, the fallback's offers and 转给支部, the ways
 * people type a binding code, 留言 in one or several messages, menu words leaving a
 * conversation, 解绑 with a confirmation, the group menu and a code posted in a group, kind
 * wording about oneself, the secretary's 查看留言 / 答复 and command words.
 *
 * The tests run in order and build on each other.
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
#include "tests/e2e/qq_util.h"

#define GROUP "55667788"
#define LI    "30000001" /* 李建国, 书记 (member 1) */
#define SUN   "30000006" /* 孙立新, a member (6) */
#define ZHOU  "30000007" /* 周桂兰, exempt from statistics (7) */
#define WU    "30000008" /* 吴长生 (8), binds by voice */
#define NEW   "30000099" /* never bound */

static struct qq_env env;
static struct e2e_server *srv;
static struct e2e_proc proc;
static char example[512];

static int setup(void **state)
{
    (void)state;
    const char *src = getenv("ZHIBU_SRC");
    snprintf(example, sizeof example, "%s/config/members.example.csv", src ? src : ".");
    if (qq_env_up(&env, NULL, NULL))
        return -1;
    srv = env.srv;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    e2e_proc_free(&proc);
    return qq_env_down(&env) == 0 ? 0 : -1;
}

#define db(...) e2e_db_int(srv, __VA_ARGS__)

/* cli - zhibu with up to 6 arguments and the server's config; stdout (owned by proc). */
#define cli(...) run_cli(__VA_ARGS__, (char *)NULL)
static const char *run_cli(const char *a0, ...)
{
    const char *a[9] = {a0};
    int n = 1;
    va_list ap;
    va_start(ap, a0);
    for (const char *x; n < 6 && (x = va_arg(ap, const char *)) != NULL;)
        a[n++] = x;
    va_end(ap);
    a[n++] = "--config";
    a[n++] = srv->config_path;
    e2e_proc_free(&proc);
    assert_int_equal(
        e2e_zhibu(srv->dir, &proc, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], (char *)NULL),
        0);
    return proc.out ? proc.out : "";
}

/* say - a OneBot message from user (in GROUP when group, with an @ when at); zhibu's answer
 * ("" when it stays silent), owned by proc. */
static const char *say_ex(const char *user, bool group, bool at, const char *text)
{
    e2e_proc_free(&proc);
    if (group)
        assert_int_equal(e2e_zhibu(srv->dir, &proc, "say", "--config", srv->config_path,
                                   "--platform", "onebot", "--from", user, "--group", GROUP,
                                   at ? "--at" : text, at ? text : NULL, (char *)NULL),
                         0);
    else
        assert_int_equal(e2e_zhibu(srv->dir, &proc, "say", "--config", srv->config_path,
                                   "--platform", "onebot", "--from", user, text, (char *)NULL),
                         0);
    assert_int_equal(proc.status, 0);
    return proc.out ? proc.out : "";
}

static const char *say(const char *user, const char *text)
{
    return say_ex(user, false, false, text);
}

/* code_of - the binding code `member codes` prints for name. */
static void code_of(const char *name, char code[7])
{
    const char *out = cli("member", "codes");
    char needle[96];
    snprintf(needle, sizeof needle, "  %s  ", name);
    const char *line = strstr(out, needle);
    assert_non_null(line);
    const char *c = strstr(line, "绑定码 ");
    assert_non_null(c);
    memcpy(code, c + strlen("绑定码 "), 6);
    code[6] = '\0';
}

static void test_setup_members(void **state)
{
    (void)state;
    cli("member", "import", example, "--create-branches");
    if (proc.status)
        fail_msg("import: %s", proc.err ? proc.err : "");
    assert_int_equal(db("SELECT count(*) FROM members"), 12);
}

/* Item 1: acknowledgement words get a short warm line, never "没看懂" and the menu; in a group
 * zhibu stays silent unless addressed, and then says one line. */
static void test_acknowledgements(void **state)
{
    (void)state;
    const char *words[] = {"收到", "好的。", "OK", "👍", "[强]", "谢谢书记", "你好"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        const char *r = say(NEW, words[i]);
        assert_not_contains(r, "没看懂");
        assert_not_contains(r, "【支部小助手】");
        assert_true(*r);
    }
    assert_contains(say(NEW, "收到"), "好的，收到");
    assert_contains(say(NEW, "谢谢"), "不客气");
    assert_string_equal(say_ex(NEW, true, false, "收到"), "");
    assert_string_equal(say_ex(NEW, true, false, "好的"), "");
    const char *r = say_ex(NEW, true, true, "收到");
    assert_contains(r, "好的，收到");
    assert_not_contains(r, "【支部小助手】");
}

/* Item 3: binding codes as people type them. */
static void test_binding_forms(void **state)
{
    (void)state;
    char code[7], line[64];
    code_of("李建国", code);
    snprintf(line, sizeof line, "绑定：%s", code); /* full-width colon */
    assert_contains(say(LI, line), "绑定成功");
    code_of("孙立新", code);
    assert_contains(say(SUN, code), "绑定成功"); /* a bare code from an unbound user */
    code_of("周桂兰", code);
    snprintf(line, sizeof line, "绑定%s", code);
    assert_contains(say(ZHOU, line), "绑定成功");
    /* voice: 绑定二零五五四三。 */
    static const char *const cn[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    code_of("吴长生", code);
    char spoken[96];
    size_t n = (size_t)snprintf(spoken, sizeof spoken, "绑定");
    for (int i = 0; i < 6; i++)
        n += (size_t)snprintf(spoken + n, sizeof spoken - n, "%s", cn[code[i] - '0']);
    snprintf(spoken + n, sizeof spoken - n, "。");
    assert_contains(say(WU, spoken), "绑定成功");
    assert_int_equal(db("SELECT count(*) FROM identities WHERE member_id IN (1, 6, 7, 8)"), 4);
    /* a bare six-digit message from a bound member is not a code */
    assert_not_contains(say(SUN, "123456"), "绑定");
}

/* Item 2: an unmatched question offers the menu word it contains and to pass it on. */
static void test_fallback_offers(void **state)
{
    (void)state;
    const char *r = say(SUN, "我想提个建议可以吗");
    assert_contains(r, "您是想看“给支部留言”吗？回复 7");
    assert_contains(r, "回复“转给支部”");
    r = say(SUN, "院里的路灯坏了三盏");
    assert_contains(r, "回复“转给支部”");
    assert_not_contains(r, "您是想");
    assert_contains(say(SUN, "转给支部"), "已转给支部");
    assert_int_equal(db("SELECT count(*) FROM feedback WHERE text='院里的路灯坏了三盏' AND "
                        "member_id=6"),
                     1);
    /* nothing kept any more */
    assert_contains(say(SUN, "转给支部"), "留言 路灯坏了");
}

/* Items 3 and 4: 留言 in one message, or in several until 好了; a menu word leaves. */
static void test_feedback_forms(void **state)
{
    (void)state;
    assert_contains(say(SUN, "留言：食堂的菜太咸"), "已收到您的留言");
    assert_int_equal(db("SELECT count(*) FROM feedback WHERE text='食堂的菜太咸'"), 1);
    assert_contains(say(SUN, "我要留言"), "请直接发送");
    assert_contains(say(SUN, "第一段话"), "已收到您的留言");
    assert_contains(say(SUN, "第二段话"), "已补充");
    assert_contains(say(SUN, "好了"), "已完整转给支部");
    assert_int_equal(db("SELECT count(*) FROM feedback WHERE text='第一段话' || char(10) || "
                        "'第二段话'"),
                     1);
    /* a menu keyword inside the conversation does what it says */
    assert_contains(say(SUN, "留言"), "请直接发送");
    assert_contains(say(SUN, "我的"), "【我的信息】");
    assert_int_equal(db("SELECT count(*) FROM feedback WHERE text='我的'"), 0);
    /* and so does a menu number */
    assert_contains(say(SUN, "留言"), "请直接发送");
    assert_contains(say(SUN, "8"), "【我的信息】");
}

/* Items 5 and 4: 解绑 asks first; the number it asked for is an answer, not the menu. */
static void test_unbind_confirms(void **state)
{
    (void)state;
    assert_contains(say(WU, "解绑"), "回复 1 确认解绑");
    assert_contains(say(WU, "8"), "没有解绑");
    assert_int_equal(db("SELECT count(*) FROM identities WHERE member_id = 8"), 1);
    assert_contains(say(WU, "解绑"), "回复 1 确认解绑");
    assert_contains(say(WU, "回复 1"), "已解绑");
    assert_int_equal(db("SELECT count(*) FROM identities WHERE member_id = 8"), 0);
}

/* Items 6 and 8: the group menu lists what works in a group; a code posted in the group is not
 * used but renewed. */
static void test_group_menu_and_code(void **state)
{
    (void)state;
    const char *r = say_ex(NEW, true, true, "帮助");
    assert_contains(r, "【支部小助手】");
    assert_not_contains(r, "绑定 六位绑定码");
    /* an unmatched question in the group is offered, but the member's chatter afterwards is
     * not answered */
    assert_contains(say_ex(NEW, true, true, "今天几点开会啊"), "没看懂");
    assert_string_equal(say_ex(NEW, true, false, "大家早上好"), "");
    char old[7], now[7], line[64];
    code_of("王丽娜", old);
    snprintf(line, sizeof line, "绑定 %s", old);
    r = say_ex(NEW, true, false, line);
    assert_contains(r, "私聊");
    assert_contains(r, "已作废");
    code_of("王丽娜", now);
    assert_string_not_equal(old, now);
    assert_int_equal(db("SELECT count(*) FROM identities WHERE ext_id = '" NEW "' AND member_id "
                        "IS NOT NULL"),
                     0);
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action='code_exposed' AND "
                        "target='member:10' AND detail='绑定码发在群里，已换新码'"),
                     1); /* the audit reads in Chinese */
}

/* Item 9: kind words about oneself. */
static void test_kind_wording(void **state)
{
    (void)state;
    const char *r = say(ZHOU, "我的");
    assert_contains(r, "周桂兰");
    assert_not_contains(r, "统计");
    assert_not_contains(r, "年老体弱");
    r = say(LI, "我的");
    assert_contains(r, "李建国");
    assert_not_contains(r, "联系支部书记");
}

/* Items 13 and 14: the secretary reads and answers 留言 in chat; the menu shows the
 * secretary's words. */
static void test_secretary_answers(void **state)
{
    (void)state;
    const char *r = say(LI, "帮助");
    assert_contains(r, "管理：");
    assert_contains(strstr(r, "管理："), "成员");
    assert_contains(strstr(r, "管理："), "查看留言");
    assert_contains(strstr(r, "管理："), "待办");
    assert_not_contains(say(SUN, "帮助"), "管理：");
    assert_contains(say(SUN, "查看留言"), "只有支部书记");
    r = say(LI, "查看留言");
    assert_contains(r, "孙立新");
    assert_contains(r, "食堂的菜太咸");
    long long id = db("SELECT id FROM feedback WHERE text='食堂的菜太咸'");
    char line[96];
    snprintf(line, sizeof line, "答复 %lld 已经和食堂说了", id);
    assert_contains(say(LI, line), "已答复");
    assert_int_equal(db("SELECT count(*) FROM feedback WHERE id=%lld AND answered_at IS NOT NULL "
                        "AND answer='已经和食堂说了'",
                        id),
                     1);
    assert_int_equal(db("SELECT count(*) FROM outbox WHERE idem_key LIKE 'feedback:%lld:%%' AND "
                        "text LIKE '%%已经和食堂说了%%'",
                        id),
                     1);
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action='feedback_answer'"), 1);
    assert_contains(say(LI, line), "已经答复过了");
    assert_not_contains(say(LI, "查看留言"), "食堂的菜太咸");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_setup_members),       cmocka_unit_test(test_acknowledgements),
        cmocka_unit_test(test_binding_forms),       cmocka_unit_test(test_fallback_offers),
        cmocka_unit_test(test_feedback_forms),      cmocka_unit_test(test_unbind_confirms),
        cmocka_unit_test(test_group_menu_and_code), cmocka_unit_test(test_kind_wording),
        cmocka_unit_test(test_secretary_answers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
