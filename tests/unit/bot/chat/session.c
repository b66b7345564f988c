/*
 * session.c - unit tests for bot/chat/session.c on a fresh database: a session per
 * conversation (platform, user, group), expiry, clearing, "+ more" pages taken once, and the
 * sweep of expired rows.
 */
#include "tests/unit/unit_db.h"

#include "bot/chat/event.h"
#include "bot/chat/session.h"

static int setup(void **state)
{
    (void)state;
    return unit_db_open("session");
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static struct event ev(const char *user, const char *group)
{
    return (struct event){.platform = PLATFORM_ONEBOT, .user = user, .group = group, .text = ""};
}

static void set_get_clear(void **state)
{
    (void)state;
    struct event a = ev("10001", NULL), a_in_group = ev("10001", "9001"), b = ev("10002", NULL);
    char *handler = NULL, *st = NULL;
    assert_int_equal(store_begin(), 0);
    assert_int_equal(session_get(&a, 1000, &handler, &st), ZB_ENOTFOUND);
    assert_int_equal(session_set(&a, "feedback", "step=2", 2000), 0);
    assert_int_equal(session_set(&a_in_group, "quiz", NULL, 2000), 0);
    assert_int_equal(session_get(&a, 1000, &handler, &st), 0);
    assert_string_equal(handler, "feedback");
    assert_string_equal(st, "step=2");
    free(handler);
    free(st);
    /* the same user in a group is another conversation; a NULL state reads as "" */
    assert_int_equal(session_get(&a_in_group, 1000, &handler, &st), 0);
    assert_string_equal(handler, "quiz");
    assert_string_equal(st, "");
    free(handler);
    free(st);
    assert_int_equal(session_get(&b, 1000, &handler, &st), ZB_ENOTFOUND);
    /* replaced, not added */
    assert_int_equal(session_set(&a, "feedback", "step=3", 2500), 0);
    assert_int_equal(unit_db_int("SELECT count(*) FROM sessions WHERE user_id='10001'"), 2);
    /* expired at its time */
    assert_int_equal(session_get(&a, 2500, &handler, &st), ZB_ENOTFOUND);
    assert_int_equal(session_get(&a, 2499, &handler, &st), 0);
    free(handler);
    free(st);
    assert_int_equal(session_clear(&a), 0);
    assert_int_equal(session_get(&a, 1000, &handler, &st), ZB_ENOTFOUND);
    assert_int_equal(session_get(&a_in_group, 1000, &handler, &st), 0);
    free(handler);
    free(st);
    assert_int_equal(store_commit(), 0);
}

static void pages_taken_once(void **state)
{
    (void)state;
    struct event a = ev("20001", NULL), g = ev("20001", "9002");
    char *rest = NULL;
    assert_int_equal(store_begin(), 0);
    assert_int_equal(pages_take(&a, 100, &rest), ZB_ENOTFOUND);
    assert_int_equal(pages_put(&a, "第二页", 200), 0);
    assert_int_equal(pages_put(&g, "群里第二页", 200), 0);
    assert_int_equal(pages_take(&a, 100, &rest), 0);
    assert_string_equal(rest, "第二页");
    free(rest);
    assert_int_equal(pages_take(&a, 100, &rest), ZB_ENOTFOUND);
    /* expired pages are not taken */
    assert_int_equal(pages_take(&g, 300, &rest), ZB_ENOTFOUND);
    assert_int_equal(pages_put(&a, "新的", 200), 0);
    assert_int_equal(pages_clear(&a), 0);
    assert_int_equal(pages_take(&a, 100, &rest), ZB_ENOTFOUND);
    assert_int_equal(store_commit(), 0);
}

static void sweep_removes_expired(void **state)
{
    (void)state;
    struct event a = ev("30001", NULL), b = ev("30002", NULL), c = ev("30003", NULL);
    assert_int_equal(store_begin(), 0);
    assert_int_equal(
        sqlite3_exec(store_db(), "DELETE FROM sessions; DELETE FROM pages", NULL, NULL, NULL),
        SQLITE_OK);
    assert_int_equal(session_set(&a, "h", "", 100), 0);
    assert_int_equal(session_set(&b, "h", "", 500), 0);
    assert_int_equal(pages_put(&c, "rest", 100), 0);
    int n = -1;
    assert_int_equal(session_sweep(200, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(unit_db_int("SELECT count(*) FROM sessions"), 1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM pages"), 0);
    assert_int_equal(session_sweep(200, NULL), 0);
    assert_int_equal(store_commit(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_get_clear),
        cmocka_unit_test(pages_taken_once),
        cmocka_unit_test(sweep_removes_expired),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
