/*
 * identity.c - unit tests for bot/org/identity.c on a fresh database: touching creates an
 * identity and keeps last_seen to the minute, binding ties it to one member (another member is
 * refused until it is unbound), listing, lookup across accounts, accounts seen, and the owner.
 */
#include "tests/unit/unit_db.h"

#include "bot/org/identity.h"

static int setup(void **state)
{
    (void)state;
    if (unit_db_open("identity"))
        return -1;
    return sqlite3_exec(store_db(),
                        "INSERT INTO members(id, name, created_at, updated_at) VALUES "
                        "(1, '张三', 0, 0), (2, '李四', 0, 0)",
                        NULL, NULL, NULL) == SQLITE_OK
               ? 0
               : -1;
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static void touch_creates_and_keeps_minute(void **state)
{
    (void)state;
    int64_t m = -1;
    assert_int_equal(store_begin(), 0);
    assert_int_equal(identity_touch("wechat", "gh_a", "o1", 1000, &m), 0);
    assert_int_equal(m, 0);
    assert_int_equal(unit_db_int("SELECT count(*) FROM identities WHERE ext_id='o1'"), 1);
    assert_int_equal(unit_db_int("SELECT first_seen FROM identities WHERE ext_id='o1'"), 1000);
    /* within the minute: no write */
    assert_int_equal(identity_touch("wechat", "gh_a", "o1", 1030, NULL), 0);
    assert_int_equal(unit_db_int("SELECT last_seen FROM identities WHERE ext_id='o1'"), 1000);
    /* later: last_seen moves, first_seen stays, still one row */
    assert_int_equal(identity_touch("wechat", "gh_a", "o1", 1100, NULL), 0);
    assert_int_equal(unit_db_int("SELECT last_seen FROM identities WHERE ext_id='o1'"), 1100);
    assert_int_equal(unit_db_int("SELECT first_seen FROM identities WHERE ext_id='o1'"), 1000);
    /* the same openid on another account is another identity */
    assert_int_equal(identity_touch("wechat", "gh_b", "o1", 1100, NULL), 0);
    assert_int_equal(unit_db_int("SELECT count(*) FROM identities WHERE ext_id='o1'"), 2);
    assert_int_equal(store_commit(), 0);
}

static void bind_one_member(void **state)
{
    (void)state;
    int64_t m = 0;
    assert_int_equal(store_begin(), 0);
    assert_int_equal(identity_bind("onebot", "", "10001", 1, 2000), 0);
    assert_int_equal(identity_touch("onebot", "", "10001", 2100, &m), 0);
    assert_int_equal(m, 1);
    assert_int_equal(identity_bind("onebot", "", "10001", 1, 2200), 0); /* again: fine */
    assert_int_equal(identity_bind("onebot", "", "10001", 2, 2200), ZB_EBUSY);
    assert_int_equal(identity_owner("onebot", "", "10001", &m), 0);
    assert_int_equal(m, 1);
    assert_int_equal(identity_bind("onebot", "", "10001", 0, 2300), 0); /* unbind */
    assert_int_equal(identity_owner("onebot", "", "10001", &m), 0);
    assert_int_equal(m, 0);
    assert_int_equal(identity_bind("onebot", "", "10001", 2, 2400), 0);
    assert_int_equal(identity_bind("wechat", "gh_a", "o1", 2, 2400), 0);
    assert_int_equal(store_commit(), 0);
    assert_int_equal(identity_owner("onebot", "", "nobody", &m), 0);
    assert_int_equal(m, 0);
}

static void list_lookup_accounts(void **state)
{
    (void)state;
    struct identity ids[4];
    size_t n = 0;
    assert_int_equal(identity_list(2, ids, 4, &n), 0);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ids[i].member_id, 2);
    assert_int_equal(identity_list(2, ids, 1, &n), 0); /* capped */
    assert_int_equal(n, 1);
    assert_int_equal(identity_list(1, ids, 4, &n), 0);
    assert_int_equal(n, 0);

    assert_int_equal(identity_lookup("wechat", "o1", ids, 4, &n), 0);
    assert_int_equal(n, 2); /* gh_a and gh_b */
    assert_string_equal(ids[0].platform, "wechat");

    char acct[96] = "";
    int count = -1;
    assert_int_equal(identity_accounts("wechat", acct, sizeof acct, &count), 0);
    assert_int_equal(count, 2);
    assert_true(strcmp(acct, "gh_a") == 0 || strcmp(acct, "gh_b") == 0);
    assert_int_equal(identity_accounts("qqbot", acct, sizeof acct, &count), 0);
    assert_int_equal(count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(touch_creates_and_keeps_minute),
        cmocka_unit_test(bind_one_member),
        cmocka_unit_test(list_lookup_accounts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
