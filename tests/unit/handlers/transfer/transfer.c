/*
 * transfer.c - unit tests for handlers/transfer/transfer.c: the rule grammar (every error it
 * names), routes from the tree (the founding five-office chain, within one 总支, a receiver on
 * the way up, the same organisation, outside the tree without and with a rule, a bad hop), the
 * flow through the inbox (who may start and decide, a return and resubmission, the letter issued
 * by the first step and re-issued by a 组织部, the member moved with roles dropped, an external
 * receiver leaving the registry), the letter's validity at its edges, reminders of idle steps at
 * the day they fall due, letters warned and expired, renewal, cancel keeping the trail, privacy,
 * and a member received from outside zhibu (who may, duplicates, a returning member restored).
 */
#include "tests/unit/unit_db.h"

#include <time.h>

#include "bot/org/actor.h"
#include "bot/org/branch.h"
#include "bot/org/member.h"
#include "bot/org/role.h"
#include "handlers/dues/migrations.h"
#include "handlers/todo/todo.h"
#include "handlers/transfer/transfer.h"

#define DAY 86400
static int64_t gw, jt, hd, cz, cz2, jy, sz, zzb, ext;
static int64_t cz_sec, hd_sec, jt_sec, gw_sec, sz_sec, zzb_sec, mover, other;
static const int64_t T0 = 1790000000; /* 2026-09 */

static int64_t org(const char *path)
{
    int64_t id = 0;
    char err[BRANCH_ERR_MAX];
    assert_int_equal(branch_add(path, 1, &id, NULL, err, sizeof err), ZB_OK);
    return id;
}

static int64_t person(const char *name, int64_t branch, unsigned roles)
{
    struct member m;
    member_init(&m);
    snprintf(m.name, sizeof m.name, "%s", name);
    m.branch_id = branch;
    m.roles = roles;
    assert_int_equal(member_insert(&m, 1), ZB_OK);
    return m.id;
}

static void configure(void)
{
    struct transfer_config c = {3, 10, 30, 90, 3};
    transfer_configure(&c);
    char err[200];
    assert_int_equal(transfer_set_rules("市级机关工委 -> external : 市委组织部", err, sizeof err),
                     ZB_OK);
}

static int setup(void **state)
{
    (void)state;
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    if (unit_db_open("transfer"))
        return -1;
    const struct migration_set *sets[] = {&todo_migrations, &dues_migrations, &transfer_migrations};
    for (size_t s = 0; s < 3; s++)
        for (size_t i = 0; i < sets[s]->n; i++)
            unit_db_exec(sets[s]->steps[i]);
    if (store_begin())
        return -1;
    gw = org("市级机关工委");
    jt = org("市级机关工委/市交通运输局党委");
    hd = org("市级机关工委/市交通运输局党委/市航道处党总支");
    cz = org("市级机关工委/市交通运输局党委/市航道处党总支/船闸支部");
    cz2 = org("市级机关工委/市交通运输局党委/市航道处党总支/码头支部");
    jy = org("市级机关工委/市教育局党委/实验中学支部");
    sz = org("市委组织部");
    zzb = org("外省港航局党委/调度支部");
    ext = zzb;
    assert_int_equal(branch_set_kind(org("外省港航局党委"), BRANCH_KIND_PARTY, true), ZB_OK);
    assert_int_equal(branch_set_kind(zzb, BRANCH_KIND_PARTY, true), ZB_OK);
    cz_sec = person("船闸书记", cz, ROLE_SECRETARY);
    hd_sec = person("总支书记", hd, ROLE_ORGANIZER);
    jt_sec = person("党委书记", jt, ROLE_SECRETARY);
    gw_sec = person("工委书记", gw, ROLE_SECRETARY);
    sz_sec = person("组织部长", jy, ROLE_SECRETARY); /* the receiver's secretary */
    zzb_sec = person("组织部干部", sz, ROLE_ORGANIZER);
    mover = person("何宇航", cz, ROLE_PUBLICITY);
    other = person("马晨阳", cz, 0);
    if (store_commit() || todo_register(&transfer_step_kind))
        return -1;
    configure();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static void test_rules_grammar(void **state)
{
    (void)state;
    struct transfer_rule r[4];
    size_t n = 9;
    char err[200];
    assert_int_equal(transfer_rules_parse("", r, 4, &n, err, sizeof err), ZB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(
        transfer_rules_parse(" a -> b : c , d ;\n; * -> external:e", r, 4, &n, err, sizeof err),
        ZB_OK);
    assert_int_equal(n, 2);
    assert_string_equal(r[0].from, "a");
    assert_string_equal(r[0].to, "b");
    assert_int_equal(r[0].n_hops, 2);
    assert_string_equal(r[0].hops[1], "d");
    assert_string_equal(r[1].to, "external");
    assert_int_equal(transfer_rules_parse("a b : c", r, 4, &n, err, sizeof err), ZB_EINVAL);
    assert_non_null(strstr(err, "第 1 条规则缺少“->”"));
    assert_int_equal(transfer_rules_parse("x->y:z;a -> b c", r, 4, &n, err, sizeof err), ZB_EINVAL);
    assert_non_null(strstr(err, "第 2 条规则在经办组织前缺少“:”"));
    assert_int_equal(transfer_rules_parse("a -> b : c,", r, 4, &n, err, sizeof err), ZB_EINVAL);
    assert_non_null(strstr(err, "第 2 个经办组织"));
    assert_int_equal(transfer_rules_parse(" -> b : c", r, 4, &n, err, sizeof err), ZB_EINVAL);
    assert_int_equal(transfer_rules_parse("external -> b : c", r, 4, &n, err, sizeof err),
                     ZB_EINVAL);
    assert_int_equal(transfer_rules_parse("a->b:*", r, 4, &n, err, sizeof err), ZB_EINVAL);
    assert_int_equal(
        transfer_rules_parse("a->b:c;a->b:c;a->b:c;a->b:c;a->b:c", r, 4, &n, err, sizeof err),
        ZB_ETOOBIG);
    assert_int_equal(
        transfer_rules_parse("a->b:1,2,3,4,5,6,7,8,9,10,11,12,13", r, 4, &n, err, sizeof err),
        ZB_ETOOBIG);
}

static void test_approvers(void **state)
{
    (void)state;
    char err[200] = "";
    unsigned roles = 0;
    int64_t ids[8];
    size_t n = 9;
    /* the default: 书记 and 组织委员 everywhere */
    assert_int_equal(transfer_set_approvers("", err, sizeof err), ZB_OK);
    assert_int_equal(transfer_approver_roles(cz, &roles), ZB_OK);
    assert_int_equal(roles, ROLE_SECRETARY | ROLE_ORGANIZER);
    assert_int_equal(transfer_approvers(hd, ids, 8, &n), ZB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], hd_sec);
    /* a rule by unique name, one by path, then the catch-all: the first match wins */
    assert_int_equal(transfer_set_approvers("船闸支部: 组织委员\n"
                                            "市级机关工委/市交通运输局党委 : 副书记、组织委员;"
                                            "船闸支部: 书记; *: 书记",
                                            err, sizeof err),
                     ZB_OK);
    assert_int_equal(transfer_approver_roles(cz, &roles), ZB_OK);
    assert_int_equal(roles, ROLE_ORGANIZER);
    assert_int_equal(transfer_approvers(cz, ids, 8, &n), ZB_OK);
    assert_int_equal(n, 0); /* 船闸书记 is 书记, not 组织委员 */
    assert_int_equal(transfer_approver_roles(jt, &roles), ZB_OK);
    assert_int_equal(roles, ROLE_DEPUTY | ROLE_ORGANIZER);
    assert_int_equal(transfer_approver_roles(hd, &roles), ZB_OK);
    assert_int_equal(roles, ROLE_SECRETARY);
    assert_int_equal(transfer_approvers(hd, ids, 8, &n), ZB_OK);
    assert_int_equal(n, 0); /* the 总支's only lead is 组织委员 */
    assert_int_equal(transfer_approvers(gw, ids, 8, &n), ZB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], gw_sec);
    /* a rule naming no organisation in the tree matches nothing; no match falls back */
    assert_int_equal(transfer_set_approvers("不存在支部: 党小组长", err, sizeof err), ZB_OK);
    assert_int_equal(transfer_approver_roles(cz, &roles), ZB_OK);
    assert_int_equal(roles, ROLE_SECRETARY | ROLE_ORGANIZER);
    /* bad rules are refused, naming the rule, and the rules in use stay */
    assert_int_equal(transfer_set_approvers("*: 书记; 船闸支部 组织委员", err, sizeof err),
                     ZB_EINVAL);
    assert_non_null(strstr(err, "第 2 条"));
    assert_int_equal(transfer_set_approvers("*: 校长", err, sizeof err), ZB_EINVAL);
    assert_non_null(strstr(err, "第 1 条"));
    assert_non_null(strstr(err, "校长"));
    assert_int_equal(transfer_set_approvers("x: 党员", err, sizeof err), ZB_EINVAL);
    assert_int_equal(transfer_set_approvers(" : 书记", err, sizeof err), ZB_EINVAL);
    assert_int_equal(transfer_approver_roles(cz, &roles), ZB_OK);
    assert_int_equal(roles, ROLE_SECRETARY | ROLE_ORGANIZER); /* still the last good list */
    struct transfer_approver_rule r[2];
    assert_int_equal(
        transfer_approver_rules_parse("a:书记;b:书记;c:书记", r, 2, &n, err, sizeof err),
        ZB_ETOOBIG);
    assert_int_equal(transfer_set_approvers(NULL, err, sizeof err), ZB_OK);
}

static void test_routes(void **state)
{
    (void)state;
    struct transfer_route r;
    struct transfer_why why = {0};
    /* the founding chain: up to the work committee, then the receiver */
    assert_int_equal(transfer_route(cz, jy, &r, &why), ZB_OK);
    assert_int_equal(r.n, 5);
    int64_t want[] = {cz, hd, jt, gw, jy};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(r.orgs[i], want[i]);
    assert_true(r.in_city);
    /* within one 总支 */
    assert_int_equal(transfer_route(cz, cz2, &r, &why), ZB_OK);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.orgs[1], hd);
    /* the receiver on the way up is the last step */
    assert_int_equal(transfer_route(cz, hd, &r, &why), ZB_OK);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.orgs[1], hd);
    assert_int_equal(transfer_route(cz, cz, &r, &why), ZB_EINVAL);
    assert_int_equal(why.reason, TR_SAME);
    /* outside the tree: the rule inserts the city organisation department */
    assert_int_equal(transfer_route(cz, ext, &r, &why), ZB_OK);
    assert_int_equal(r.n, 6);
    assert_int_equal(r.orgs[4], sz);
    assert_int_equal(r.orgs[5], ext);
    assert_false(r.in_city);
    assert_int_equal(r.rule, 0);
    /* without the rule the route names what is missing */
    char err[200];
    assert_int_equal(transfer_set_rules("", err, sizeof err), ZB_OK);
    memset(&why, 0, sizeof why);
    assert_int_equal(transfer_route(cz, ext, &r, &why), ZB_EINVAL);
    assert_int_equal(why.reason, TR_NO_ROUTE);
    assert_non_null(strstr(why.detail, "从“市级机关工委”到“外省港航局党委”"));
    /* a hop that is not in the tree */
    assert_int_equal(transfer_set_rules("* -> external : 不存在的组织部", err, sizeof err), ZB_OK);
    assert_int_equal(transfer_route(cz, ext, &r, &why), ZB_EINVAL);
    assert_int_equal(why.reason, TR_BAD_HOP);
    configure();
}

struct tx {
    int (*fn)(struct tx *k);
    struct actor a;
    int64_t id, did, now;
    int validity;
    const char *to, *reason;
    enum todo_verdict v;
    struct transfer_why why;
};

static int do_start(struct tx *k)
{
    struct transfer_new n = {
        .member_id = mover, .to = k->to, .reason = "工作单位变动", .validity_days = k->validity};
    return transfer_start(&k->a, &n, k->now, &k->id, &k->why);
}

static int do_decide(struct tx *k)
{
    return todo_decide(&k->a, k->did, k->v, k->reason, k->now, NULL);
}

static int run(struct tx *k)
{
    assert_int_equal(store_begin(), ZB_OK);
    int rc = k->fn(k);
    if (rc)
        store_rollback();
    else
        assert_int_equal(store_commit(), ZB_OK);
    return rc;
}

static int64_t open_decision(int64_t id)
{
    return unit_db_int("SELECT decision_id FROM transfer_steps WHERE transfer_id=%lld AND "
                       "state='open'",
                       (long long)id);
}

static int decide(int64_t who, int64_t tid, enum todo_verdict v, const char *reason, int64_t now)
{
    struct tx k = {.fn = do_decide,
                   .a = actor_member(who, "cli"),
                   .did = open_decision(tid),
                   .v = v,
                   .reason = reason,
                   .now = now};
    return run(&k);
}

static void test_flow(void **state)
{
    (void)state;
    struct tx k = {
        .fn = do_start, .a = actor_member(other, "cli"), .to = "实验中学支部", .now = T0};
    assert_int_equal(run(&k), ZB_EDENIED); /* another ordinary member */
    assert_int_equal(k.why.reason, TR_DENIED);
    k.a = actor_member(mover, "wechat");
    k.validity = 91;
    assert_int_equal(run(&k), ZB_EINVAL); /* past validity_max_days */
    assert_int_equal(k.why.reason, TR_BAD_VALIDITY);
    k.validity = 0;
    assert_int_equal(run(&k), ZB_OK);
    int64_t id = k.id;
    assert_int_equal(run(&k), ZB_EBUSY);
    assert_int_equal(k.why.other, id);
    /* only the step's own 书记/组织委员 decide; the first approval issues the letter */
    assert_int_equal(decide(hd_sec, id, TODO_APPROVE, NULL, T0 + 60), ZB_EDENIED);
    assert_int_equal(decide(other, id, TODO_APPROVE, NULL, T0 + 60), ZB_EDENIED);
    assert_int_equal(decide(cz_sec, id, TODO_APPROVE, NULL, T0 + 60), ZB_OK);
    struct transfer t;
    assert_int_equal(transfer_get(id, &t), ZB_OK);
    assert_int_equal(t.validity_days, 10);
    assert_int_equal(t.expires_at, T0 + 60 + 10 * DAY);
    assert_true(t.letter_no[0]);
    assert_int_equal(t.steps[1].state, SS_OPEN);
    /* a return goes back to the member; resubmission reopens the same step */
    assert_int_equal(decide(hd_sec, id, TODO_RETURN, "请补充说明", T0 + 120), ZB_OK);
    assert_int_equal(transfer_get(id, &t), ZB_OK);
    assert_int_equal(t.status, TS_RETURNED);
    assert_string_equal(t.steps[1].reason, "请补充说明");
    assert_int_equal(unit_db_int("SELECT count(*) FROM notify_items WHERE member_id=%lld AND "
                                 "kind='transfer.returned'",
                                 (long long)mover),
                     1);
    assert_int_equal(open_decision(id), -1);
    assert_int_equal(store_begin(), ZB_OK);
    struct actor me = actor_member(mover, "wechat");
    struct transfer_why why = {0};
    assert_int_equal(transfer_resubmit(&me, id, T0 + 180, &why), ZB_OK);
    assert_int_equal(transfer_resubmit(&me, id, T0 + 180, &why), ZB_EINVAL);
    assert_int_equal(why.reason, TR_NOT_RETURNED);
    assert_int_equal(store_commit(), ZB_OK);
    /* privacy: the member, approvers on the route; not another member */
    assert_int_equal(transfer_get(id, &t), ZB_OK);
    struct actor ot = actor_member(other, "cli"), gs = actor_member(gw_sec, "cli");
    assert_int_equal(transfer_may_see(&me, &t), ZB_OK);
    assert_int_equal(transfer_may_see(&gs, &t), ZB_OK);
    assert_int_equal(transfer_may_see(&ot, &t), ZB_EDENIED);
    assert_int_equal(decide(hd_sec, id, TODO_APPROVE, NULL, T0 + 240), ZB_OK);
    assert_int_equal(decide(jt_sec, id, TODO_APPROVE, NULL, T0 + 300), ZB_OK);
    assert_int_equal(decide(gw_sec, id, TODO_APPROVE, NULL, T0 + 360), ZB_OK);
    assert_int_equal(decide(sz_sec, id, TODO_APPROVE, NULL, T0 + 420), ZB_OK); /* 接收 */
    assert_int_equal(transfer_get(id, &t), ZB_OK);
    assert_int_equal(t.status, TS_DONE);
    assert_int_equal(t.received_at, T0 + 420);
    struct member m;
    assert_int_equal(member_get(mover, &m), ZB_OK);
    assert_int_equal(m.branch_id, jy);
    assert_int_equal(m.roles, 0);
    assert_int_equal(
        unit_db_int("SELECT count(*) FROM transfer_events WHERE transfer_id=%lld", (long long)id),
        10); /* start, approve, issue, return, resubmit, 4 approvals, receive */
    assert_true(unit_db_int("SELECT count(*) FROM audit WHERE action LIKE 'transfer_%%'") >= 9);
    /* back home for the next test */
    m.branch_id = cz;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(member_update(&m, 1), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
}

static void test_outside_reissue_remind_expire(void **state)
{
    (void)state;
    struct tx k = {.fn = do_start, .a = actor_member(cz_sec, "cli"), .to = "调度支部", .now = T0};
    assert_int_equal(run(&k), ZB_OK); /* the secretary starts it for the member */
    int64_t id = k.id;
    struct transfer t;
    assert_int_equal(transfer_get(id, &t), ZB_OK);
    assert_int_equal(t.n_steps, 6);
    assert_int_equal(t.validity_days, 30); /* outside the city */
    assert_int_equal(decide(cz_sec, id, TODO_APPROVE, NULL, T0), ZB_OK);
    /* idle for more than remind_after_days: none at exactly 3 days, one after, not twice */
    int rem = 0, warn = 0, exp = 0;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(transfer_remind(T0 + 3 * DAY, &rem, &warn, &exp), ZB_OK);
    assert_int_equal(rem, 0);
    assert_int_equal(transfer_remind(T0 + 3 * DAY + 1, &rem, &warn, &exp), ZB_OK);
    assert_int_equal(rem, 1);
    assert_int_equal(transfer_remind(T0 + 3 * DAY + 60, &rem, &warn, &exp), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    assert_int_equal(unit_db_int("SELECT count(*) FROM notify_items WHERE member_id=%lld AND "
                                 "kind='transfer.remind'",
                                 (long long)hd_sec),
                     1);
    assert_int_equal(decide(hd_sec, id, TODO_APPROVE, NULL, T0 + DAY), ZB_OK);
    assert_int_equal(decide(jt_sec, id, TODO_APPROVE, NULL, T0 + DAY), ZB_OK);
    assert_int_equal(decide(gw_sec, id, TODO_APPROVE, NULL, T0 + DAY), ZB_OK);
    char first[TRANSFER_LETTER_MAX + 1];
    assert_int_equal(transfer_get(id, &t), ZB_OK);
    snprintf(first, sizeof first, "%s", t.letter_no);
    assert_int_equal(decide(zzb_sec, id, TODO_APPROVE, NULL, T0 + 2 * DAY), ZB_OK);
    assert_int_equal(transfer_get(id, &t), ZB_OK);
    assert_string_not_equal(t.letter_no, first); /* the 组织部 re-issued it */
    assert_int_equal(t.expires_at, T0 + 32 * DAY);
    /* warned within expiry_warn_days, expired past it; approval refused until renewed */
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(transfer_remind(T0 + 28 * DAY, &rem, &warn, &exp), ZB_OK);
    assert_int_equal(warn, 0);
    assert_int_equal(transfer_remind(T0 + 29 * DAY, &rem, &warn, &exp), ZB_OK);
    assert_int_equal(warn, 1);
    assert_int_equal(exp, 0);
    assert_int_equal(transfer_remind(T0 + 32 * DAY, &rem, &warn, &exp), ZB_OK);
    assert_int_equal(exp, 1);
    assert_int_equal(store_commit(), ZB_OK);
    assert_int_equal(transfer_get(id, &t), ZB_OK);
    assert_int_equal(t.status, TS_EXPIRED);
    assert_int_equal(decide(cz_sec, id, TODO_APPROVE, NULL, T0 + 33 * DAY), ZB_EINVAL);
    assert_int_equal(store_begin(), ZB_OK);
    struct actor sec = actor_member(cz_sec, "cli"), me = actor_member(mover, "cli");
    struct transfer_why why = {0};
    assert_int_equal(transfer_renew(&me, id, 0, T0 + 33 * DAY, &why), ZB_EDENIED);
    assert_int_equal(transfer_renew(&sec, id, 181, T0 + 33 * DAY, &why), ZB_EINVAL);
    assert_int_equal(transfer_renew(&sec, id, 90, T0 + 33 * DAY, &why), ZB_OK); /* the max */
    assert_int_equal(store_commit(), ZB_OK);
    /* the receiver outside zhibu: the sending secretary records the receipt */
    assert_int_equal(decide(cz_sec, id, TODO_APPROVE, NULL, T0 + 34 * DAY), ZB_OK);
    assert_int_equal(transfer_get(id, &t), ZB_OK);
    assert_int_equal(t.status, TS_DONE);
    struct member m;
    assert_int_equal(member_get(mover, &m), ZB_OK);
    assert_true(m.left_at > 0);
    assert_string_equal(m.left_reason, "转出");
}

static void test_cancel_keeps_trail(void **state)
{
    (void)state;
    assert_int_equal(store_begin(), ZB_OK);
    int64_t who = person("钱进", cz, 0);
    assert_int_equal(store_commit(), ZB_OK);
    struct actor me = actor_member(who, "cli"), sec = actor_member(cz_sec, "cli");
    struct transfer_new n = {.member_id = who, .to = "码头支部"};
    struct transfer_why why = {0};
    int64_t id = 0;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(transfer_start(&me, &n, T0, &id, &why), ZB_OK);
    /* nothing to renew before the sender agrees: said so, not "still valid" */
    assert_int_equal(transfer_renew(&sec, id, 0, T0, &why), ZB_EINVAL);
    assert_int_equal(why.reason, TR_NO_LETTER);
    assert_int_equal(transfer_cancel(&me, id, "不转了", T0, &why), ZB_EDENIED);
    assert_int_equal(transfer_cancel(&sec, id, "", T0, &why), ZB_EINVAL);
    assert_int_equal(transfer_cancel(&sec, id, "本人申请撤销", T0, &why), ZB_OK);
    assert_int_equal(transfer_cancel(&sec, id, "again", T0, &why), ZB_EINVAL);
    assert_int_equal(why.reason, TR_CLOSED);
    /* a cancelled transfer is closed for renew and resubmit alike */
    assert_int_equal(transfer_renew(&sec, id, 0, T0, &why), ZB_EINVAL);
    assert_int_equal(why.reason, TR_CLOSED);
    assert_int_equal(transfer_resubmit(&me, id, T0, &why), ZB_EINVAL);
    assert_int_equal(why.reason, TR_CLOSED);
    assert_int_equal(store_commit(), ZB_OK);
    assert_int_equal(
        unit_db_int("SELECT count(*) FROM transfer_events WHERE transfer_id=%lld", (long long)id),
        2);
    struct todo_item items[4];
    size_t n_items = 9;
    assert_int_equal(todo_list(&sec, items, 4, &n_items, NULL), ZB_OK);
    assert_int_equal(n_items, 0); /* the cancelled step left the inbox */
    /* and its decision is closed with the reason: deciding it says it was handled */
    long long did = unit_db_int("SELECT decision_id FROM transfer_steps WHERE transfer_id=%lld "
                                "AND seq=1",
                                (long long)id);
    assert_true(did > 0);
    assert_int_equal(unit_db_int("SELECT count(*) FROM decisions WHERE id=%lld AND "
                                 "state='returned' AND reason='转接已撤销：本人申请撤销'",
                                 did),
                     1);
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(todo_decide(&sec, did, TODO_APPROVE, NULL, T0, NULL), ZB_EDONE);
    assert_int_equal(store_commit(), ZB_OK);
    assert_int_equal(
        unit_db_int("SELECT count(*) FROM audit WHERE action='withdraw' AND target='decision:%lld'",
                    did),
        1);
    int64_t cur = 0;
    assert_int_equal(transfer_current(who, &cur), ZB_OK);
    assert_int_equal(cur, 0);
}

static int receive(const struct actor *a, struct transfer_incoming *in, int64_t *id, int64_t *m,
                   struct transfer_why *why)
{
    assert_int_equal(store_begin(), ZB_OK);
    int rc = transfer_receive(a, in, T0, id, m, why);
    if (rc)
        store_rollback();
    else
        assert_int_equal(store_commit(), ZB_OK);
    return rc;
}

static void test_receive_from_outside(void **state)
{
    (void)state;
    struct actor sec = actor_member(cz_sec, "cli"), plain = actor_member(other, "cli");
    struct transfer_why why;
    int64_t id = 0, m = 0, issued = 0;
    assert_int_equal(transfer_letter_date("2026年9月1日", &issued), ZB_OK);
    struct transfer_incoming in = {.name = "罗晓梅",
                                   .from = "外市水务局党委/调度室支部",
                                   .letter = "外水组〔2026〕17号",
                                   .to = "船闸支部",
                                   .phone = "139 0000 1111",
                                   .dues_paid_to = 2026 * 12 + 7,
                                   .issued_at = issued};
    /* a plain member, and a secretary of another branch, may not */
    assert_int_equal(receive(&plain, &in, &id, &m, &why), ZB_EDENIED);
    assert_int_equal(why.reason, TR_DENIED);
    struct actor far = actor_member(sz_sec, "cli");
    assert_int_equal(receive(&far, &in, &id, &m, &why), ZB_EDENIED);

    assert_int_equal(receive(&sec, &in, &id, &m, &why), ZB_OK);
    assert_true(id > 0 && m > 0);
    struct member got;
    assert_int_equal(member_get(m, &got), ZB_OK);
    assert_int_equal(got.branch_id, cz);
    assert_int_equal(got.roles, 0);
    assert_string_equal(got.phone, "13900001111");
    struct transfer t;
    assert_int_equal(transfer_get(id, &t), ZB_OK);
    assert_int_equal(t.status, TS_DONE);
    assert_int_equal(t.to_org, cz);
    assert_string_equal(t.letter_no, "外水组〔2026〕17号");
    assert_int_equal(t.dues_paid_through, 2026 * 12 + 7);
    assert_int_equal(t.issued_at, issued);
    assert_int_equal(transfer_may_see(&sec, &t), ZB_OK); /* the receiving secretary */
    assert_int_equal(transfer_may_see(&far, &t), ZB_EDENIED);
    struct branch from;
    assert_int_equal(branch_get(t.from_org, &from), ZB_OK);
    assert_true(from.external);
    assert_string_equal(from.name, "调度室支部");
    struct branch above; /* made by the same path: outside zhibu too */
    assert_int_equal(branch_get(from.parent_id, &above), ZB_OK);
    assert_string_equal(above.name, "外市水务局党委");
    assert_true(above.external);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action='transfer_receive_in' "
                                 "AND target='transfer:%lld' AND detail LIKE '%%2026-08%%'",
                                 (long long)id),
                     1);

    /* the same phone again is a duplicate, never a second record */
    int64_t id2 = 0;
    assert_int_equal(receive(&sec, &in, &id2, &m, &why), ZB_EBUSY);
    assert_int_equal(why.reason, TR_DUPLICATE);
    assert_string_equal(why.field, "phone");
    assert_int_equal(why.other, got.id);

    /* a sender inside zhibu, a receiver outside it, bad input: each named */
    in.phone = "";
    in.from = "码头支部";
    assert_int_equal(receive(&sec, &in, &id2, &m, &why), ZB_EINVAL);
    assert_int_equal(why.reason, TR_BAD_FROM);
    in.from = "外市水务局党委/调度室支部";
    in.to = "外省港航局党委/调度支部";
    assert_int_equal(receive(&sec, &in, &id2, &m, &why), ZB_EINVAL);
    assert_int_equal(why.reason, TR_NO_TARGET);
    in.to = "船闸支部";
    in.phone = "12345";
    assert_int_equal(receive(&sec, &in, &id2, &m, &why), ZB_EINVAL);
    assert_string_equal(why.field, "phone");
    in.phone = "";
    in.letter = "";
    assert_int_equal(receive(&sec, &in, &id2, &m, &why), ZB_EINVAL);
    assert_string_equal(why.field, "letter");

    /* someone who once left comes back: the old record is restored, not duplicated */
    char sql[160];
    snprintf(sql, sizeof sql,
             "UPDATE members SET left_at=5, left_reason='转出', branch_id=%lld, "
             "roles='secretary' WHERE phone='13900001111'",
             (long long)cz2);
    unit_db_exec(sql);
    in.letter = "外水组〔2026〕30号";
    in.phone = "13900001111";
    int64_t m2 = 0;
    assert_int_equal(receive(&sec, &in, &id2, &m2, &why), ZB_OK);
    assert_int_equal(m2, got.id);
    assert_int_equal(member_get(m2, &got), ZB_OK);
    assert_int_equal(got.left_at, 0);
    assert_int_equal(got.branch_id, cz);
    assert_int_equal(got.roles, 0);
    assert_int_equal(unit_db_int("SELECT count(*) FROM members WHERE phone='13900001111'"), 1);
    /* the sender is reused, not added twice */
    assert_int_equal(unit_db_int("SELECT count(*) FROM branches WHERE name='调度室支部'"), 1);

    /* the operator may, anywhere */
    struct actor op = actor_operator();
    in.name = "周立";
    in.phone = NULL;
    in.to = "实验中学支部";
    assert_int_equal(receive(&op, &in, &id2, &m2, &why), ZB_OK);

    /* letter dates */
    assert_int_equal(transfer_letter_date("2026-13-01", &issued), ZB_EINVAL);
    assert_int_equal(transfer_letter_date("昨天", &issued), ZB_EINVAL);
    assert_int_equal(transfer_letter_date("2026/5/20", &issued), ZB_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules_grammar),
        cmocka_unit_test(test_approvers),
        cmocka_unit_test(test_routes),
        cmocka_unit_test(test_flow),
        cmocka_unit_test(test_outside_reissue_remind_expire),
        cmocka_unit_test(test_cancel_keeps_trail),
        cmocka_unit_test(test_receive_from_outside),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
