/*
 * binding.c - unit tests for bot/binding.c: a code binds once and is replaced, wrong codes are
 * counted per sender and lock them out for an hour after five, the lock hides even the right
 * code, unbinding, binding by hand, and the audit rows of each.
 */
#include "tests/unit/unit_db.h"

#include "bot/org/binding.h"
#include "bot/org/identity.h"
#include "bot/org/member.h"

static int64_t zhang, li;

static int64_t person(const char *name)
{
    struct member m;
    member_init(&m);
    snprintf(m.name, sizeof m.name, "%s", name);
    assert_int_equal(member_insert(&m, 1), ZB_OK);
    return m.id;
}

static int setup(void **state)
{
    (void)state;
    if (unit_db_open("binding") || store_begin())
        return -1;
    zhang = person("张三");
    li = person("李四");
    return store_commit();
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static void code_of(int64_t id, char *code)
{
    assert_int_equal(member_code(id, code, MEMBER_CODE_LEN + 1), ZB_OK);
}

/* wrong - a 6-digit code nobody holds */
static void wrong_code(char *out)
{
    for (unsigned i = 0; i < 1000000; i++) {
        int64_t id;
        snprintf(out, MEMBER_CODE_LEN + 1, "%06u", i % 1000000u);
        if (member_by_code(out, &id) == ZB_ENOTFOUND)
            return;
    }
    fail();
}

static void test_code_binds_once(void **state)
{
    (void)state;
    struct bind_who w = {"wechat", "gh_test", "o_zhang"};
    struct bind_outcome o;
    char code[8], spaced[16];
    assert_int_equal(store_begin(), ZB_OK);
    code_of(zhang, code);
    snprintf(spaced, sizeof spaced, "%.3s %s", code, code + 3); /* "123 456" is fine */
    assert_int_equal(binding_redeem(&w, spaced, "wechat", 100, &o), ZB_OK);
    assert_int_equal(o.member_id, zhang);
    int64_t owner = 0;
    assert_int_equal(identity_owner("wechat", "gh_test", "o_zhang", &owner), ZB_OK);
    assert_int_equal(owner, zhang);
    char now[8];
    code_of(zhang, now);
    assert_string_not_equal(now, code); /* replaced after use */
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action='bind_code' AND "
                                 "actor='member:%lld' AND channel='wechat'",
                                 (long long)zhang),
                     1);

    /* the old code is spent: someone else trying it fails (and is counted) */
    struct bind_who other = {"wechat", "gh_test", "o_stranger"};
    assert_int_equal(binding_redeem(&other, code, "wechat", 101, &o), ZB_ENOTFOUND);
    assert_int_equal(o.failures_left, BIND_MAX_FAILURES - 1);

    /* a bound sender is told so, whatever the code */
    char li_code[8];
    code_of(li, li_code);
    assert_int_equal(binding_redeem(&w, li_code, "wechat", 102, &o), ZB_EDENIED);
    assert_int_equal(o.member_id, zhang);

    /* malformed codes are not counted */
    assert_int_equal(binding_redeem(&other, "12345", "wechat", 103, &o), ZB_EINVAL);
    assert_int_equal(binding_redeem(&other, "abcdef", "wechat", 103, &o), ZB_EINVAL);
    assert_int_equal(unit_db_int("SELECT failures FROM bind_guard WHERE ext_id='o_stranger'"), 1);

    /* unbinding; the member stays */
    int64_t was = 0;
    assert_int_equal(binding_release(&w, "unbind_self", "wechat", 104, &was), ZB_OK);
    assert_int_equal(was, zhang);
    assert_int_equal(binding_release(&w, "unbind_self", "wechat", 105, &was), ZB_ENOTFOUND);
    assert_int_equal(unit_db_int("SELECT count(*) FROM members WHERE id=%lld", (long long)zhang),
                     1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action='unbind_self'"), 1);
    store_rollback();
}

static void test_brute_force_lock(void **state)
{
    (void)state;
    struct bind_who w = {"onebot", "", "10001"};
    struct bind_who other = {"onebot", "", "10002"};
    struct bind_outcome o;
    char bad[8], good[8];
    assert_int_equal(store_begin(), ZB_OK);
    wrong_code(bad);
    code_of(li, good);
    int64_t t = 10000;
    for (int i = 1; i < BIND_MAX_FAILURES; i++) {
        assert_int_equal(binding_redeem(&w, bad, "onebot", t + i, &o), ZB_ENOTFOUND);
        assert_int_equal(o.failures_left, BIND_MAX_FAILURES - i);
    }
    /* the fifth wrong code in the hour locks the sender */
    assert_int_equal(binding_redeem(&w, bad, "onebot", t + 10, &o), ZB_ENOTFOUND);
    assert_int_equal(o.failures_left, 0);
    assert_int_equal(o.locked_until, t + 10 + BIND_LOCK_S);
    /* while locked even the right code is refused, and not looked at */
    assert_int_equal(binding_redeem(&w, good, "onebot", t + 20, &o), ZB_EBUSY);
    assert_int_equal(o.locked_until, t + 10 + BIND_LOCK_S);
    assert_int_equal(binding_redeem(&w, good, "onebot", t + 10 + BIND_LOCK_S - 1, &o), ZB_EBUSY);
    int64_t owner = 0;
    assert_int_equal(identity_owner("onebot", "", "10001", &owner), ZB_OK);
    assert_int_equal(owner, 0);
    /* another sender is not affected */
    assert_int_equal(binding_redeem(&other, bad, "onebot", t + 30, &o), ZB_ENOTFOUND);
    assert_int_equal(o.failures_left, BIND_MAX_FAILURES - 1);
    /* after the hour: a fresh count, and the right code works */
    assert_int_equal(binding_redeem(&w, bad, "onebot", t + 10 + BIND_LOCK_S, &o), ZB_ENOTFOUND);
    assert_int_equal(o.failures_left, BIND_MAX_FAILURES - 1);
    assert_int_equal(binding_redeem(&w, good, "onebot", t + 11 + BIND_LOCK_S, &o), ZB_OK);
    assert_int_equal(o.member_id, li);
    assert_int_equal(unit_db_int("SELECT count(*) FROM bind_guard WHERE ext_id='10001'"), 0);
    store_rollback();
}

static void test_failures_spread_over_more_than_an_hour(void **state)
{
    (void)state;
    struct bind_who w = {"wechat", "gh_test", "o_slow"};
    struct bind_outcome o;
    char bad[8];
    assert_int_equal(store_begin(), ZB_OK);
    wrong_code(bad);
    for (int i = 0; i < BIND_MAX_FAILURES - 1; i++)
        assert_int_equal(binding_redeem(&w, bad, "wechat", 1000 + i, &o), ZB_ENOTFOUND);
    /* the window has passed: this one starts a new count instead of locking */
    assert_int_equal(binding_redeem(&w, bad, "wechat", 1000 + BIND_WINDOW_S, &o), ZB_ENOTFOUND);
    assert_int_equal(o.failures_left, BIND_MAX_FAILURES - 1);
    assert_int_equal(o.locked_until, 0);
    store_rollback();
}

static void test_by_hand(void **state)
{
    (void)state;
    struct bind_who w = {"qqbot", "app1", "E4F4"};
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(binding_by_hand(&w, 0, "cli:root", "cli", 5), ZB_ENOTFOUND);
    assert_int_equal(binding_by_hand(&w, zhang, "cli:root", "cli", 5), ZB_OK);
    assert_int_equal(binding_by_hand(&w, zhang, "cli:root", "cli", 6), ZB_OK); /* again: fine */
    assert_int_equal(binding_by_hand(&w, li, "cli:root", "cli", 7), ZB_EBUSY);
    assert_int_equal(binding_by_hand(&w, 0, "cli:root", "cli", 8), ZB_OK);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE actor='cli:root' AND "
                                 "action='bind' AND target='member:%lld'",
                                 (long long)zhang),
                     2);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action='unbind'"), 1);
    store_rollback();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_binds_once),
        cmocka_unit_test(test_brute_force_lock),
        cmocka_unit_test(test_failures_spread_over_more_than_an_hour),
        cmocka_unit_test(test_by_hand),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
