/*
 * chat.c - unit tests for handlers/todo/chat.c through the real router: 待办 lists what awaits
 * the sender (or says there is nothing), 同意 ID approves (also with a kind's alias verb and a
 * Chinese numeral id), 退回 ID 原因 returns, a return without a reason asks for one (and an
 * inbox command sent then is run, not taken as the reason), and the
 * words answer bound members only.
 */
#include "tests/unit/handlers/chat.h"

#include "handlers/todo/chat.h"
#include "handlers/todo/todo.h"

static int summary(const struct decision *d, char *out, size_t outsz)
{
    snprintf(out, outsz, "第 %lld 期学习材料", (long long)d->object_id);
    return ZB_OK;
}

static const char *const accept[] = {"接收", NULL};
static const char *const review_words[] = {"审阅", NULL};
static const struct decision_kind review = {.id = "review",
                                            .label = "学习内容审核",
                                            .summary = summary,
                                            .approve_words = accept,
                                            .list_words = review_words,
                                            .two_person = true};

static int setup(void **state)
{
    (void)state;
    todo_reset();
    if (todo_register(&review) || todo_chat_prepare())
        return -1;
    if (chat_open("h-todo")) /* the registry's table: todo_handler is in it */
        return -1;
    for (size_t i = 0; i < todo_migrations.n; i++)
        unit_db_exec(todo_migrations.steps[i]);
    char code[8], cmd[32];
    chat_code(chat_secretary, code);
    snprintf(cmd, sizeof cmd, "绑定 %s", code);
    chat_expect("o_li", cmd, "绑定成功", NULL);
    chat_code(chat_plain, code);
    snprintf(cmd, sizeof cmd, "绑定 %s", code);
    chat_expect("o_zhao", cmd, "绑定成功", NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static int64_t open_review(int64_t object, int64_t author)
{
    struct todo_new n = {.kind = "review", .object_id = object, .author_id = author};
    int64_t id = 0;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(todo_open(&n, 1, &id), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    return id;
}

static const char *state_of(int64_t id)
{
    static char s[16];
    char *v = unit_db_text("SELECT state FROM decisions WHERE id=%lld", (long long)id);
    snprintf(s, sizeof s, "%s", v ? v : "");
    free(v);
    return s;
}

static void test_list_and_nothing(void **state)
{
    (void)state;
    chat_expect("o_li", "待办", "暂无待办。\n回复 0 返回菜单。", NULL);
    chat_expect("o_new", "待办", ROUTER_MEMBERS_ONLY_TEXT, NULL);
    int64_t id = open_review(5, chat_plain);
    char line[64];
    snprintf(line, sizeof line, "%lld 学习内容审核：第 5 期学习材料", (long long)id);
    chat_expect("o_li", "待办", "【待办】共 1 项", line, "同意 编号", NULL);
    chat_expect("o_li", "审核", line, NULL);
    chat_expect("o_li", "审阅", line, NULL);         /* the kind's listing word */
    chat_expect("o_zhao", "待办", "暂无待办", NULL); /* the author sees nothing to decide */
    snprintf(line, sizeof line, "同意 %lld", (long long)id);
    chat_expect("o_zhao", line, "不由您处理", NULL);
    chat_expect("o_li", line, "已同意", "学习内容审核", "回复 0 返回菜单", NULL);
    assert_string_equal(state_of(id), "approved");
    chat_expect("o_li", line, "已经同意", NULL);
    chat_expect("o_li", "同意 9999", "没有编号为 9999 的待办", NULL);
    chat_expect("o_li", "同意", "请在“同意”后写上待办编号", NULL);
}

static void test_alias_and_chinese_numeral(void **state)
{
    (void)state;
    int64_t id;
    do /* make an id that is a small Chinese numeral */
        id = open_review(100 + (int64_t)unit_db_int("SELECT count(*) FROM decisions"), chat_plain);
    while (id < 2);
    assert_true(id < 10);
    static const char *const cn[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    char msg[32];
    snprintf(msg, sizeof msg, "接收 %s", cn[id]);
    chat_expect("o_li", msg, "已同意", NULL);
    assert_string_equal(state_of(id), "approved");
}

static void test_return_with_and_without_reason(void **state)
{
    (void)state;
    int64_t id = open_review(200, chat_plain);
    char msg[64];
    snprintf(msg, sizeof msg, "退回 %lld 材料不全，第3页缺签字", (long long)id);
    chat_expect("o_li", msg, "已退回", "原因已记下", NULL);
    /* the reason is kept as typed, with its own punctuation */
    char *why = unit_db_text("SELECT reason FROM decisions WHERE id=%lld", (long long)id);
    assert_string_equal(why, "材料不全，第3页缺签字");
    free(why);
    id = open_review(201, chat_plain);
    snprintf(msg, sizeof msg, "退回%lld", (long long)id);
    chat_expect("o_li", msg, "请发送退回待办", "的原因", NULL);
    assert_string_equal(state_of(id), "open");
    chat_expect("o_li", "日期写错了，请改正", "已退回", NULL);
    why = unit_db_text("SELECT reason FROM decisions WHERE id=%lld", (long long)id);
    assert_string_equal(why, "日期写错了，请改正");
    free(why);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action='return'"), 2);
}

/* While the reason for 退回 is awaited, an inbox command ("同意 N", "待办") is run as itself and
 * never recorded as the reason. */
static void test_command_is_not_a_reason(void **state)
{
    (void)state;
    int64_t a = open_review(300, chat_plain), b = open_review(301, chat_plain);
    char msg[64];
    snprintf(msg, sizeof msg, "退回 %lld", (long long)a);
    chat_expect("o_li", msg, "请发送退回待办", NULL);
    snprintf(msg, sizeof msg, "同意 %lld", (long long)b);
    chat_expect("o_li", msg, "已同意", NULL);
    assert_string_equal(state_of(a), "open");
    assert_string_equal(state_of(b), "approved");
    snprintf(msg, sizeof msg, "退回 %lld", (long long)a);
    chat_expect("o_li", msg, "请发送退回待办", NULL);
    chat_expect("o_li", "待办", "【待办】", NULL);
    assert_string_equal(state_of(a), "open");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_and_nothing),
        cmocka_unit_test(test_alias_and_chinese_numeral),
        cmocka_unit_test(test_return_with_and_without_reason),
        cmocka_unit_test(test_command_is_not_a_reason),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
