/*
 * role.c - unit tests for bot/role.c: parsing and naming roles, and role_can's two checks - the
 * role allows the action, and the target lies in the actor's subtree - with the refusal texts.
 */
#include "tests/unit/unit_db.h"

#include "bot/org/branch.h"
#include "bot/org/member.h"
#include "bot/org/role.h"

static int64_t committee, lock, group1, group2, channel_branch;

static int64_t node(const char *path)
{
    char err[BRANCH_ERR_MAX];
    int64_t id = 0;
    assert_int_equal(branch_add(path, 1, &id, NULL, err, sizeof err), ZB_OK);
    return id;
}

static int64_t person(const char *name, int64_t branch, int64_t group, unsigned roles)
{
    struct member m;
    member_init(&m);
    snprintf(m.name, sizeof m.name, "%s", name);
    m.branch_id = branch;
    m.group_id = group;
    m.roles = roles;
    assert_int_equal(member_insert(&m, 1), ZB_OK);
    return m.id;
}

static int setup(void **state)
{
    (void)state;
    if (unit_db_open("role") || store_begin())
        return -1;
    committee = node("市交通运输局党委");
    lock = node("市交通运输局党委/船闸支部");
    group1 = node("市交通运输局党委/船闸支部/第一党小组");
    group2 = node("市交通运输局党委/船闸支部/第二党小组");
    channel_branch = node("市交通运输局党委/航道支部");
    return store_commit();
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static void test_parse_and_names(void **state)
{
    (void)state;
    unsigned m = 0;
    char bad[32] = "", out[ROLE_TEXT_MAX];
    assert_int_equal(role_parse("书记、宣传委员;纪检委员", &m, bad, sizeof bad), ZB_OK);
    assert_int_equal(m, ROLE_SECRETARY | ROLE_PUBLICITY | ROLE_DISCIPLINE);
    assert_int_equal(role_parse("secretary,group_leader", &m, bad, sizeof bad), ZB_OK);
    assert_int_equal(m, ROLE_SECRETARY | ROLE_GROUP_LEADER);
    assert_int_equal(role_parse("党员", &m, bad, sizeof bad), ZB_OK);
    assert_int_equal(m, 0);
    assert_int_equal(role_parse("", &m, bad, sizeof bad), ZB_OK);
    assert_int_equal(m, 0);
    assert_int_equal(role_parse("副书记 ， 小组长", &m, bad, sizeof bad), ZB_OK);
    assert_int_equal(m, ROLE_DEPUTY | ROLE_GROUP_LEADER);
    assert_int_equal(role_parse("书记、群主", &m, bad, sizeof bad), ZB_EINVAL);
    assert_string_equal(bad, "群主"); /* a QQ group owner is not a Party role */
    role_names(ROLE_SECRETARY | ROLE_ORGANIZER, out, sizeof out);
    assert_string_equal(out, "书记、组织委员");
    role_names(0, out, sizeof out);
    assert_string_equal(out, "党员");
    role_ids(ROLE_SECRETARY | ROLE_ORGANIZER, out, sizeof out);
    assert_string_equal(out, "secretary,organizer");
    role_ids(0, out, sizeof out);
    assert_string_equal(out, "");
}

/* Actions as capabilities declare them (bot/ names none of its own). */
#define LEADS (ROLE_SECRETARY | ROLE_DEPUTY)
static const struct role_action view = {
    "t.view", LEADS | ROLE_ORGANIZER | ROLE_PUBLICITY | ROLE_DISCIPLINE | ROLE_GROUP_LEADER, true,
    "抱歉，只有支部书记、支委和党小组长可以查看。"};
static const struct role_action edit = {"t.edit", LEADS | ROLE_ORGANIZER, true,
                                        "抱歉，只有支部书记、副书记和组织委员可以修改。"};
static const struct role_action roles_act = {"t.roles", LEADS, true,
                                             "抱歉，只有支部书记和副书记可以调整职务。"};
static const struct role_action content = {"t.content", LEADS | ROLE_PUBLICITY, true,
                                           "抱歉，只有支部书记、副书记和宣传委员可以审核。"};
static const struct role_action self_only = {"t.self", 0, false, "不会用到"};

static void allow(int64_t who, const struct role_action *a, int64_t target)
{
    const char *why = NULL;
    struct actor ac = actor_member(who, "cli");
    int rc = role_can(&ac, a, target, &why);
    if (rc != ZB_OK)
        fail_msg("refused (%d): %s", rc, why ? why : "");
}

static void deny(int64_t who, const struct role_action *a, int64_t target, const char *needle)
{
    const char *why = NULL;
    struct actor ac = actor_member(who, "cli");
    assert_int_equal(role_can(&ac, a, target, &why), ZB_EDENIED);
    assert_non_null(why);
    if (!strstr(why, needle))
        fail_msg("expected \"%s\" in \"%s\"", needle, why);
}

static void test_scope_and_roles(void **state)
{
    (void)state;
    assert_int_equal(store_begin(), ZB_OK);
    int64_t secretary = person("李书记", lock, group1, ROLE_SECRETARY);
    int64_t organizer = person("陈组织", lock, group1, ROLE_ORGANIZER);
    int64_t publicity = person("张宣传", lock, group2, ROLE_PUBLICITY);
    int64_t plain = person("赵党员", lock, group1, 0);
    int64_t leader = person("刘组长", lock, group2, ROLE_GROUP_LEADER);
    int64_t boss = person("王委员", committee, 0, ROLE_SECRETARY);
    int64_t homeless = person("无组织", 0, 0, ROLE_SECRETARY);

    /* a branch secretary: own branch and below, not the sibling branch, not the committee */
    allow(secretary, &edit, lock);
    allow(secretary, &roles_act, group2);
    allow(secretary, &view, 0);
    deny(secretary, &edit, channel_branch, "管理范围");
    deny(secretary, &view, committee, "管理范围");
    /* a committee secretary: the whole subtree */
    allow(boss, &edit, channel_branch);
    allow(boss, &view, group1);
    /* committee members: by their part of the work, with the capability's refusal */
    allow(organizer, &edit, lock);
    deny(organizer, &content, lock, "宣传委员");
    deny(organizer, &roles_act, lock, "书记和副书记");
    allow(publicity, &content, group1);
    deny(publicity, &edit, lock, "组织委员");
    /* a plain member is refused in plain words; an action with no roles is any member's */
    deny(plain, &view, 0, "只有");
    allow(plain, &self_only, 0);
    allow(plain, NULL, lock);
    /* a group leader: their own group only */
    allow(leader, &view, group2);
    deny(leader, &view, group1, "管理范围");
    deny(leader, &view, lock, "管理范围");
    deny(leader, &edit, group2, "只有");
    int64_t root = 0;
    const char *why = NULL;
    struct actor la = actor_member(leader, "cli"), sa = actor_member(secretary, "cli");
    assert_int_equal(role_scope(&la, &view, &root, &why), ZB_OK);
    assert_int_equal(root, group2);
    assert_int_equal(role_scope(&sa, &view, &root, &why), ZB_OK);
    assert_int_equal(root, lock);
    /* no organisation, no scope; no such member */
    deny(homeless, &view, 0, "还没有登记");
    struct actor ghost = actor_member(999999, "cli");
    assert_int_equal(role_can(&ghost, &view, 0, &why), ZB_ENOTFOUND);
    store_rollback();
}

static void test_operator_and_system(void **state)
{
    (void)state;
    const char *why = NULL;
    int64_t root = -1;
    struct actor op = actor_operator(), sys = actor_system();
    /* the operator may do what operator_ok allows, anywhere; the scope is the whole tree */
    assert_int_equal(role_can(&op, &edit, channel_branch, &why), ZB_OK);
    assert_int_equal(role_scope(&op, &view, &root, &why), ZB_OK);
    assert_int_equal(root, 0);
    assert_int_equal(role_can(&sys, &roles_act, lock, &why), ZB_OK);
    /* and is refused what only a member may do */
    assert_int_equal(role_can(&op, &self_only, 0, &why), ZB_EDENIED);
    assert_non_null(strstr(why, "--as"));
    assert_int_equal(role_can(&op, NULL, 0, &why), ZB_OK);
    assert_true(strncmp(op.label, "cli:", 4) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_names),
        cmocka_unit_test(test_scope_and_roles),
        cmocka_unit_test(test_operator_and_system),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
