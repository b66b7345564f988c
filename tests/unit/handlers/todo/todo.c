/*
 * todo.c - unit tests for handlers/todo/todo.c: the inbox of decisions with two test kinds
 * registered here (no capability registers one yet): open (idempotent, one id space across
 * kinds), list for the right member only, approve, return with a reason, refuse a decided or
 * unknown id with distinct codes, refuse a member the kind does not allow, the two-person rule,
 * the operator only where the kind allows it, hooks inside the transaction, audit rows.
 */
#include "tests/unit/unit_db.h"

#include "bot/org/actor.h"
#include "bot/org/member.h"
#include "handlers/todo/todo.h"

static int64_t alice, bob, carol; /* carol is the only reviewer of the "review" kind */
static int approved_hook, returned_hook, hook_fails;
static char returned_reason[64];

static int review_summary(const struct decision *d, char *out, size_t outsz)
{
    snprintf(out, outsz, "学习材料 %lld", (long long)d->object_id);
    return ZB_OK;
}

static int review_may(const struct actor *a, const struct decision *d)
{
    (void)d;
    return a->member_id == carol || a->member_id == alice ? ZB_OK : ZB_EDENIED;
}

static int on_approve(const struct actor *a, const struct decision *d)
{
    (void)a;
    (void)d;
    approved_hook++;
    return hook_fails ? ZB_EINVAL : ZB_OK;
}

static int on_return(const struct actor *a, const struct decision *d, const char *reason)
{
    (void)a;
    (void)d;
    returned_hook++;
    snprintf(returned_reason, sizeof returned_reason, "%s", reason);
    return ZB_OK;
}

static const char *const review_list[] = {"审阅", NULL};
static const struct decision_kind review = {.id = "review",
                                            .label = "学习内容审核",
                                            .summary = review_summary,
                                            .may_decide = review_may,
                                            .on_approve = on_approve,
                                            .on_return = on_return,
                                            .list_words = review_list,
                                            .two_person = true};
static const char *const accept_words[] = {"接收", NULL};
static const struct decision_kind transfer = {
    .id = "transfer", .label = "组织关系接收", .approve_words = accept_words, .operator_may = true};

static int64_t person(const char *name, const char *phone)
{
    struct member m;
    member_init(&m);
    snprintf(m.name, sizeof m.name, "%s", name);
    snprintf(m.phone, sizeof m.phone, "%s", phone);
    assert_int_equal(member_insert(&m, 1), ZB_OK);
    return m.id;
}

static int setup(void **state)
{
    (void)state;
    if (unit_db_open("todo") || store_begin())
        return -1;
    for (size_t i = 0; i < todo_migrations.n; i++)
        unit_db_exec(todo_migrations.steps[i]);
    alice = person("甲", "13800138001");
    bob = person("乙", "13800138002");
    carol = person("丙", "13800138003");
    todo_reset();
    if (todo_register(&review) || todo_register(&transfer) || store_commit())
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static int64_t open_one(const char *kind, int64_t object, int64_t author, int64_t assignee)
{
    struct todo_new n = {
        .kind = kind, .object_id = object, .author_id = author, .assignee_id = assignee};
    int64_t id = 0;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(todo_open(&n, 100, &id), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    return id;
}

static int decide(const struct actor *a, int64_t id, enum todo_verdict v, const char *reason,
                  struct decision *d)
{
    assert_int_equal(store_begin(), ZB_OK);
    int rc = todo_decide(a, id, v, reason, 200, d);
    if (rc == ZB_OK)
        assert_int_equal(store_commit(), ZB_OK);
    else
        store_rollback();
    return rc;
}

static void test_register_rules(void **state)
{
    (void)state;
    assert_int_equal(todo_register(&review), ZB_EINVAL); /* id taken */
    static const char *const dup[] = {"接收", NULL};
    struct decision_kind other = {.id = "other", .label = "其他", .approve_words = dup};
    assert_int_equal(todo_register(&other), ZB_EINVAL); /* 接收 belongs to transfer */
    struct decision_kind nolabel = {.id = "nolabel"};
    assert_int_equal(todo_register(&nolabel), ZB_EINVAL);
    assert_ptr_equal(todo_kind("transfer"), &transfer);
    assert_null(todo_kind("nope"));
    assert_ptr_equal(todo_kind_at(0), &review);
    assert_null(todo_kind_at(2));
}

static void test_open_is_idempotent_and_ids_global(void **state)
{
    (void)state;
    int64_t a = open_one("review", 7, bob, 0);
    int64_t b = open_one("transfer", 7, 0, alice); /* same object id, other kind */
    assert_true(a > 0 && b > 0 && a != b);
    assert_int_equal(open_one("review", 7, bob, 0), a); /* still open: same decision */
    assert_int_equal(unit_db_int("SELECT count(*) FROM decisions"), 2);
    struct todo_new bad = {.kind = "nope", .object_id = 1};
    int64_t id;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(todo_open(&bad, 1, &id), ZB_EINVAL);
    store_rollback();
    /* decided: a new decision about the same object gets a new id */
    struct actor al = actor_member(alice, "wechat");
    assert_int_equal(decide(&al, b, TODO_APPROVE, NULL, NULL), ZB_OK);
    int64_t c = open_one("transfer", 7, 0, alice);
    assert_true(c > b);
    assert_int_equal(decide(&al, c, TODO_APPROVE, NULL, NULL), ZB_OK);
    assert_int_equal(decide(&al, a, TODO_APPROVE, NULL, NULL), ZB_OK); /* tidy for the rest */
}

static void test_list_for_the_right_member_only(void **state)
{
    (void)state;
    int64_t r = open_one("review", 20, bob, 0);     /* alice or carol; not bob, the author */
    int64_t t = open_one("transfer", 21, 0, carol); /* carol only */
    struct todo_item items[8];
    size_t n = 0, total = 0;
    struct actor al = actor_member(alice, "wechat"), bo = actor_member(bob, "wechat"),
                 ca = actor_member(carol, "wechat"), op = actor_operator();
    assert_int_equal(todo_list(&al, items, 8, &n, &total), ZB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].d.id, r);
    assert_string_equal(items[0].summary, "学习材料 20");
    assert_ptr_equal(items[0].d.kind, &review);
    assert_int_equal(todo_list(&bo, items, 8, &n, &total), ZB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(todo_list(&ca, items, 8, &n, &total), ZB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(items[0].d.id, r); /* oldest first */
    assert_int_equal(items[1].d.id, t);
    assert_int_equal(todo_list(&ca, items, 1, &n, &total), ZB_OK); /* capped */
    assert_int_equal(n, 1);
    assert_int_equal(total, 2);
    /* the operator sees no review (not allowed) and no assigned transfer (carol's) */
    assert_int_equal(todo_list(&op, items, 8, &n, &total), ZB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(decide(&ca, r, TODO_APPROVE, NULL, NULL), ZB_OK);
    assert_int_equal(decide(&ca, t, TODO_APPROVE, NULL, NULL), ZB_OK);
    assert_int_equal(todo_list(&ca, items, 8, &n, &total), ZB_OK);
    assert_int_equal(n, 0);
}

static void test_approve_records_and_audits(void **state)
{
    (void)state;
    int64_t id = open_one("review", 30, bob, 0);
    struct actor ca = actor_member(carol, "onebot");
    struct decision d;
    int before = approved_hook;
    long long audits = unit_db_int("SELECT count(*) FROM audit");
    assert_int_equal(decide(&ca, id, TODO_APPROVE, "ignored", &d), ZB_OK);
    assert_int_equal(approved_hook, before + 1);
    assert_int_equal(d.state, TODO_APPROVED);
    assert_int_equal(d.decider_id, carol);
    assert_string_equal(d.reason, "");
    assert_int_equal(todo_get(id, &d), ZB_OK);
    assert_int_equal(d.state, TODO_APPROVED);
    assert_int_equal(d.decided_at, 200);
    assert_string_equal(d.decided_by, ca.label);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit"), audits + 1);
    char *row = unit_db_text("SELECT actor || '|' || action || '|' || target || '|' || channel "
                             "FROM audit ORDER BY id DESC LIMIT 1");
    char want[128];
    snprintf(want, sizeof want, "%s|approve|decision:%lld|onebot", ca.label, (long long)id);
    assert_string_equal(row, want);
    free(row);
}

static void test_return_needs_a_reason(void **state)
{
    (void)state;
    int64_t id = open_one("review", 40, bob, 0);
    struct actor al = actor_member(alice, "wechat");
    struct decision d;
    assert_int_equal(decide(&al, id, TODO_RETURN, NULL, &d), ZB_EINVAL);
    assert_int_equal(decide(&al, id, TODO_RETURN, "   ", &d), ZB_EINVAL);
    char big[TODO_REASON_MAX + 8];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(decide(&al, id, TODO_RETURN, big, &d), ZB_ETOOBIG);
    assert_int_equal(todo_get(id, &d), ZB_OK);
    assert_int_equal(d.state, TODO_OPEN);
    assert_int_equal(decide(&al, id, TODO_RETURN, "  材料不全 ", &d), ZB_OK);
    assert_string_equal(returned_reason, "材料不全");
    assert_int_equal(todo_get(id, &d), ZB_OK);
    assert_int_equal(d.state, TODO_RETURNED);
    assert_string_equal(d.reason, "材料不全");
    char *detail =
        unit_db_text("SELECT detail FROM audit WHERE target='decision:%lld'", (long long)id);
    assert_non_null(strstr(detail, "材料不全"));
    assert_non_null(strstr(detail, "学习内容审核"));
    free(detail);
}

static void test_decided_and_unknown_are_distinct(void **state)
{
    (void)state;
    int64_t id = open_one("review", 50, bob, 0);
    struct actor al = actor_member(alice, "wechat"), ca = actor_member(carol, "wechat");
    struct decision d;
    assert_int_equal(decide(&al, id, TODO_APPROVE, NULL, &d), ZB_OK);
    long long audits = unit_db_int("SELECT count(*) FROM audit");
    assert_int_equal(decide(&ca, id, TODO_RETURN, "晚了", &d), ZB_EDONE);
    assert_int_equal(d.state, TODO_APPROVED); /* who decided is still told */
    assert_string_equal(d.decided_by, al.label);
    assert_int_equal(decide(&ca, 99999, TODO_APPROVE, NULL, &d), ZB_ENOTFOUND);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit"), audits);
}

static void test_who_may_decide(void **state)
{
    (void)state;
    int64_t id = open_one("review", 60, bob, 0);
    struct actor bo = actor_member(bob, "wechat"), op = actor_operator(), sys = actor_system();
    struct decision d;
    /* bob is the author: the two-person rule refuses him even though he asks nicely */
    assert_int_equal(decide(&bo, id, TODO_APPROVE, NULL, &d), ZB_EDENIED);
    assert_int_equal(decide(&op, id, TODO_APPROVE, NULL, &d), ZB_EDENIED); /* kind says no */
    assert_int_equal(decide(&sys, id, TODO_APPROVE, NULL, &d), ZB_EDENIED);
    /* authored by carol: carol may not, alice may */
    int64_t own = open_one("review", 61, carol, 0);
    struct actor ca = actor_member(carol, "wechat"), al = actor_member(alice, "wechat");
    assert_int_equal(decide(&ca, own, TODO_APPROVE, NULL, &d), ZB_EDENIED);
    assert_int_equal(decide(&al, own, TODO_APPROVE, NULL, &d), ZB_OK);
    /* bob is not a reviewer at all (may_decide), though not the author here */
    int64_t other = open_one("review", 62, alice, 0);
    assert_int_equal(decide(&bo, other, TODO_APPROVE, NULL, &d), ZB_EDENIED);
    assert_int_equal(decide(&ca, other, TODO_APPROVE, NULL, &d), ZB_OK);
    assert_int_equal(decide(&al, id, TODO_APPROVE, NULL, &d), ZB_OK);
    /* the operator may decide an unassigned transfer, which allows it; an assigned one only by
     * its assignee */
    int64_t t = open_one("transfer", 63, 0, 0), ta = open_one("transfer", 64, 0, bob);
    assert_int_equal(decide(&al, ta, TODO_APPROVE, NULL, &d), ZB_EDENIED);
    assert_int_equal(decide(&op, ta, TODO_APPROVE, NULL, &d), ZB_EDENIED);
    assert_int_equal(decide(&bo, ta, TODO_APPROVE, NULL, &d), ZB_OK);
    assert_int_equal(decide(&op, t, TODO_RETURN, "不是本单位", &d), ZB_OK);
    assert_int_equal(d.decider_id, 0);
    assert_string_equal(d.decided_by, op.label);
}

static void test_failing_hook_changes_nothing(void **state)
{
    (void)state;
    int64_t id = open_one("review", 70, bob, 0);
    struct actor al = actor_member(alice, "wechat");
    long long audits = unit_db_int("SELECT count(*) FROM audit");
    hook_fails = 1;
    assert_int_equal(decide(&al, id, TODO_APPROVE, NULL, NULL), ZB_EINVAL);
    hook_fails = 0;
    struct decision d;
    assert_int_equal(todo_get(id, &d), ZB_OK);
    assert_int_equal(d.state, TODO_OPEN);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit"), audits);
    assert_int_equal(decide(&al, id, TODO_APPROVE, NULL, NULL), ZB_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_rules),
        cmocka_unit_test(test_open_is_idempotent_and_ids_global),
        cmocka_unit_test(test_list_for_the_right_member_only),
        cmocka_unit_test(test_approve_records_and_audits),
        cmocka_unit_test(test_return_needs_a_reason),
        cmocka_unit_test(test_decided_and_unknown_are_distinct),
        cmocka_unit_test(test_who_may_decide),
        cmocka_unit_test(test_failing_hook_changes_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
