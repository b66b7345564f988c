/*
 * tests/unit/bot/group_rules.c - tests for bot/group_rules.c: defaults without a row, partial
 * updates, prefix rules, reset, the scope each mode gives, and the listing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bot/chat/group_rules.h"
#include "bot/store/store.h"
#include "tests/unit/unit_db.h"

static int setup(void **state)
{
    (void)state;
    return unit_db_open("group-rules");
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static int set(const char *group, const char *mode, const char *prefix, int welcome)
{
    assert_int_equal(store_begin(), ZB_OK);
    int rc = group_rule_set("onebot", group, mode, prefix, welcome, 1700000000);
    if (rc) {
        store_rollback();
        return rc;
    }
    assert_int_equal(store_commit(), ZB_OK);
    return rc;
}

static void test_defaults(void **state)
{
    (void)state;
    struct group_rule r;
    assert_int_equal(group_rule_get("onebot", "1", &r), ZB_OK);
    assert_int_equal(r.mode, GROUP_NORMAL);
    assert_false(r.has_prefix);
    assert_true(r.welcome);
}

static void test_partial_updates(void **state)
{
    (void)state;
    struct group_rule r;
    assert_int_equal(set("2", "mention", NULL, -1), ZB_OK);
    assert_int_equal(group_rule_get("onebot", "2", &r), ZB_OK);
    assert_int_equal(r.mode, GROUP_MENTION);
    assert_false(r.has_prefix);
    assert_true(r.welcome);
    assert_int_equal(set("2", NULL, "！", 0), ZB_OK);
    assert_int_equal(group_rule_get("onebot", "2", &r), ZB_OK);
    assert_int_equal(r.mode, GROUP_MENTION); /* kept */
    assert_true(r.has_prefix);
    assert_string_equal(r.prefix, "！");
    assert_false(r.welcome);
    assert_int_equal(set("2", NULL, "", -1), ZB_OK); /* no prefix addressing */
    assert_int_equal(group_rule_get("onebot", "2", &r), ZB_OK);
    assert_true(r.has_prefix);
    assert_string_equal(r.prefix, "");
    assert_int_equal(set("2", NULL, "default", 1), ZB_OK);
    assert_int_equal(group_rule_get("onebot", "2", &r), ZB_OK);
    assert_false(r.has_prefix);
    assert_true(r.welcome);
    /* another platform's group of the same id is another group */
    assert_int_equal(group_rule_get("qqbot", "2", &r), ZB_OK);
    assert_int_equal(r.mode, GROUP_NORMAL);
}

static void test_rejects(void **state)
{
    (void)state;
    assert_int_equal(set("3", "loud", NULL, -1), ZB_EINVAL);
    assert_int_equal(set("3", NULL, "a b", -1), ZB_EINVAL);
    assert_int_equal(set("3", NULL, "12345678901234567", -1), ZB_EINVAL);
    assert_int_equal(set("3", NULL, "1234567890123456", -1), ZB_OK);
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(group_rule_reset("onebot", "3"), ZB_OK);
    assert_int_equal(group_rule_reset("onebot", "3"), ZB_ENOTFOUND);
    assert_int_equal(store_commit(), ZB_OK);
    struct group_rule r;
    assert_int_equal(group_rule_get("onebot", "3", &r), ZB_OK);
    assert_false(r.has_prefix);
}

static void test_scopes(void **state)
{
    (void)state;
    struct group_rule r = {.mode = GROUP_NORMAL};
    assert_int_equal(group_rule_scope(&r, true), SCOPE_ALL);
    assert_int_equal(group_rule_scope(&r, false), SCOPE_KEYWORDS);
    r.mode = GROUP_MENTION;
    assert_int_equal(group_rule_scope(&r, true), SCOPE_ALL);
    assert_int_equal(group_rule_scope(&r, false), SCOPE_SESSIONS);
    r.mode = GROUP_ALL;
    assert_int_equal(group_rule_scope(&r, false), SCOPE_ALL);
    r.mode = GROUP_OFF;
    assert_int_equal(group_rule_scope(&r, true), SCOPE_RECORD);
    assert_int_equal(group_mode_parse("off"), GROUP_OFF);
    assert_int_equal(group_mode_parse("OFF"), -1);
    assert_string_equal(group_mode_name(GROUP_MENTION), "mention");
}

static void test_print(void **state)
{
    (void)state;
    assert_int_equal(set("4", "off", NULL, 0), ZB_OK);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_int_equal(group_rule_print(f), ZB_OK);
    fclose(f);
    assert_non_null(strstr(text, "onebot 群 4："));
    assert_non_null(strstr(text, "不发言"));
    assert_non_null(strstr(text, "（配置默认）"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults), cmocka_unit_test(test_partial_updates),
        cmocka_unit_test(test_rejects),  cmocka_unit_test(test_scopes),
        cmocka_unit_test(test_print),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
