/*
 * members.c - unit tests for handlers/members/members.c, the members domain API called directly
 * (no face): every operation with a member actor and with the operator, on a fresh database per
 * test. Scope (a member's organisation and its subtree, never a sibling branch), the role each
 * operation needs and the refusal it gives, validation, and the audit row (actor label, action,
 * target, channel) of every write - and no audit row when refused.
 *
 * The tree:  市交通运输局党委 (top) ─┬─ 船闸支部 (lock) ── 第一党小组 (group1)
 *                                    └─ 航道支部 (channel)
 */
#include "tests/unit/unit_db.h"

#include "bot/org/branch.h"
#include "bot/org/identity.h"
#include "bot/org/member.h"
#include "bot/org/role.h"
#include "handlers/members/members.h"

#define OUT_OF_SCOPE_WORDS "不在您所在党组织的管理范围内"

static int64_t top, lock, group1, channel;
/* members: the 党委 secretary, the 支部 secretary, organizer, a plain member, a member of the
 * 党小组, its group leader, and a member of the sibling branch */
static int64_t top_sec, sec, organizer, plain, grouped, leader, other;

static int64_t person(const char *name, const char *phone, int64_t org, int64_t grp, unsigned roles)
{
    struct member m;
    member_init(&m);
    snprintf(m.name, sizeof m.name, "%s", name);
    snprintf(m.phone, sizeof m.phone, "%s", phone);
    m.branch_id = org;
    m.group_id = grp;
    m.roles = roles;
    assert_int_equal(member_insert(&m, 1), ZB_OK);
    return m.id;
}

static int setup(void **state)
{
    (void)state;
    char err[BRANCH_ERR_MAX];
    if (unit_db_open("h-members") || store_begin())
        return -1;
    if (branch_add("市交通运输局党委/船闸支部/第一党小组", 1, &group1, NULL, err, sizeof err) ||
        branch_resolve("市交通运输局党委/船闸支部", &lock, err, sizeof err) ||
        branch_resolve("市交通运输局党委", &top, err, sizeof err) ||
        branch_add("市交通运输局党委/航道支部", 1, &channel, NULL, err, sizeof err))
        return -1;
    top_sec = person("王书记", "13800138000", top, 0, ROLE_SECRETARY);
    sec = person("李书记", "13800138001", lock, 0, ROLE_SECRETARY);
    organizer = person("周委员", "13800138002", lock, 0, ROLE_ORGANIZER);
    plain = person("赵党员", "13800138005", lock, 0, 0);
    grouped = person("孙党员", "13800138006", lock, group1, 0);
    leader = person("吴组长", "13800138007", lock, group1, ROLE_GROUP_LEADER);
    other = person("钱党员", "13800138009", channel, 0, 0);
    return store_commit();
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static struct actor as(int64_t id)
{
    return actor_member(id, "wechat");
}

/* audits - rows of the audit trail with this action. */
static long long audits(const char *action)
{
    return unit_db_int("SELECT count(*) FROM audit WHERE action = '%s'", action);
}

/* expect_audit - the last audit row has this actor, action, target and channel, and its detail
 * contains detail_part. A NULL target or detail_part is not checked. */
static void expect_audit(const char *actor, const char *action, const char *target,
                         const char *channel_, const char *detail_part)
{
    const char *cols[] = {"actor", "action", "target", "channel"};
    const char *want[] = {actor, action, target, channel_};
    for (size_t i = 0; i < 4; i++) {
        if (!want[i])
            continue;
        char *got = unit_db_text("SELECT %s FROM audit ORDER BY id DESC LIMIT 1", cols[i]);
        assert_non_null(got);
        assert_string_equal(got, want[i]);
        free(got);
    }
    if (detail_part) {
        char *d = unit_db_text("SELECT detail FROM audit ORDER BY id DESC LIMIT 1");
        assert_non_null(d);
        if (!strstr(d, detail_part))
            fail_msg("expected \"%s\" in the audit detail \"%s\"", detail_part, d);
        free(d);
    }
}

static void label_of(int64_t id, char *out, size_t outsz)
{
    snprintf(out, outsz, "member:%lld", (long long)id);
}

/* ---- listings ---- */

struct seen {
    int64_t ids[16];
    char codes[16][MEMBER_CODE_LEN + 1];
    int n;
};

static int collect(const struct members_row *r, void *arg)
{
    struct seen *s = arg;
    assert_true(s->n < 16);
    s->ids[s->n] = r->m->id;
    snprintf(s->codes[s->n], sizeof s->codes[s->n], "%s", r->code ? r->code : "");
    s->n++;
    return ZB_OK;
}

/* expect_ids - s holds exactly the n ids given (in id order, as listed). */
static void expect_ids(const struct seen *s, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    assert_int_equal(s->n, n);
    for (int i = 0; i < n; i++)
        assert_int_equal(s->ids[i], va_arg(ap, int64_t));
    va_end(ap);
}

static void test_list_scope(void **state)
{
    (void)state;
    struct members_why why = {0};
    struct seen s = {0};
    struct actor op = actor_operator();

    assert_int_equal(members_list(&op, NULL, collect, &s, &why), ZB_OK);
    expect_ids(&s, 7, top_sec, sec, organizer, plain, grouped, leader, other);

    /* a 支部 secretary: their 支部 and its 党小组, not the sibling nor the 党委 above */
    struct actor a = as(sec);
    memset(&s, 0, sizeof s);
    assert_int_equal(members_list(&a, NULL, collect, &s, &why), ZB_OK);
    expect_ids(&s, 5, sec, organizer, plain, grouped, leader);
    memset(&s, 0, sizeof s);
    assert_int_equal(members_list(&a, "船闸支部/第一党小组", collect, &s, &why), ZB_OK);
    expect_ids(&s, 2, grouped, leader);
    memset(&s, 0, sizeof s);
    assert_int_equal(members_list(&a, "航道支部", collect, &s, &why), ZB_EDENIED);
    assert_non_null(strstr(why.refusal, OUT_OF_SCOPE_WORDS));
    assert_int_equal(s.n, 0);
    assert_int_equal(members_list(&a, "市交通运输局党委", collect, &s, &why), ZB_EDENIED);
    assert_int_equal(s.n, 0);

    /* the 党委 secretary reaches the whole subtree, the operator any branch */
    a = as(top_sec);
    assert_int_equal(members_list(&a, NULL, collect, &s, &why), ZB_OK);
    assert_int_equal(s.n, 7);
    memset(&s, 0, sizeof s);
    assert_int_equal(members_list(&op, "航道支部", collect, &s, &why), ZB_OK);
    expect_ids(&s, 1, other);

    /* a group leader: their 党小组 only */
    a = as(leader);
    memset(&s, 0, sizeof s);
    assert_int_equal(members_list(&a, NULL, collect, &s, &why), ZB_OK);
    expect_ids(&s, 2, grouped, leader);

    /* a plain member: the action's own refusal; an unknown branch: the registry's words */
    a = as(plain);
    memset(&s, 0, sizeof s);
    assert_int_equal(members_list(&a, NULL, collect, &s, &why), ZB_EDENIED);
    assert_string_equal(why.refusal, members_view.refusal);
    assert_int_equal(s.n, 0);
    memset(&why, 0, sizeof why);
    assert_int_equal(members_list(&op, "不存在支部", collect, &s, &why), ZB_EINVAL);
    assert_true(why.detail[0] != '\0');
    assert_int_equal(s.n, 0);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit"), 0); /* reading is not audited */
}

static void test_show_masking_and_unmask(void **state)
{
    (void)state;
    struct members_why why = {0};
    struct members_card card;
    char label[32], shown[MEMBER_SHOW_MAX];
    char target[32];
    snprintf(target, sizeof target, "member:%lld", (long long)plain);

    /* a masked show: the face renders the phone masked; nothing audited */
    struct actor a = as(sec);
    assert_int_equal(members_show(&a, plain, false, &card, &why), ZB_OK);
    assert_string_equal(card.m.name, "赵党员");
    assert_int_equal(member_field_show(&card.m, MF_PHONE, false, shown, sizeof shown), ZB_OK);
    assert_null(strstr(shown, "13800138005"));
    assert_non_null(strstr(shown, "8005"));
    assert_int_equal(audits("unmask"), 0);

    /* unmasked by the secretary: audited with their label and channel */
    assert_int_equal(members_show(&a, plain, true, &card, &why), ZB_OK);
    assert_string_equal(card.m.phone, "13800138005");
    assert_int_equal(audits("unmask"), 1);
    label_of(sec, label, sizeof label);
    expect_audit(label, "unmask", target, "wechat", "赵党员");

    /* the group leader may see their own 党小组 masked, never unmasked, never outside it */
    a = as(leader);
    assert_int_equal(members_show(&a, grouped, false, &card, &why), ZB_OK);
    assert_int_equal(members_show(&a, grouped, true, &card, &why), ZB_EDENIED);
    assert_string_equal(why.refusal, members_unmask.refusal);
    assert_int_equal(members_show(&a, plain, false, &card, &why), ZB_EDENIED);
    assert_non_null(strstr(why.refusal, OUT_OF_SCOPE_WORDS));
    assert_int_equal(audits("unmask"), 1);

    /* the secretary cannot look into the sibling branch; a plain member sees no one */
    a = as(sec);
    assert_int_equal(members_show(&a, other, false, &card, &why), ZB_EDENIED);
    a = as(plain);
    assert_int_equal(members_show(&a, plain, false, &card, &why), ZB_EDENIED);
    assert_string_equal(why.refusal, members_view.refusal);

    /* the operator: anyone, unmasking audited as cli:USER on the cli channel */
    struct actor op = actor_operator();
    assert_int_equal(members_show(&op, other, true, &card, &why), ZB_OK);
    assert_string_equal(card.m.phone, "13800138009");
    snprintf(target, sizeof target, "member:%lld", (long long)other);
    assert_int_equal(strncmp(op.label, "cli:", 4), 0);
    expect_audit(op.label, "unmask", target, "cli", "钱党员");
    assert_int_equal(members_show(&op, 99999, false, &card, &why), ZB_ENOTFOUND);
    assert_int_equal(audits("unmask"), 2);
}

/* set - members_set in its own transaction: committed on success, rolled back otherwise. */
static int set(const struct actor *a, int64_t id, const char *field, const char *value,
               struct members_change *ch, struct members_why *why)
{
    memset(why, 0, sizeof *why);
    assert_int_equal(store_begin(), ZB_OK);
    int rc = members_set(a, id, field, value, 0, ch, why);
    if (rc == ZB_OK)
        assert_int_equal(store_commit(), ZB_OK);
    else
        store_rollback();
    return rc;
}

static struct member get(int64_t id)
{
    struct member m;
    assert_int_equal(member_get(id, &m), ZB_OK);
    return m;
}

static void test_set_validation_and_audit(void **state)
{
    (void)state;
    struct members_why why;
    struct members_change ch;
    char label[32], target[32];
    snprintf(target, sizeof target, "member:%lld", (long long)plain);

    /* a member actor: the audit row names them and the channel they used */
    struct actor a = actor_member(sec, "onebot");
    assert_int_equal(set(&a, plain, "岗位", "船闸调度", &ch, &why), ZB_OK);
    assert_string_equal(ch.name, "赵党员");
    assert_int_equal(ch.field, MF_POST);
    assert_non_null(strstr(ch.detail, "船闸调度"));
    assert_string_equal(get(plain).post, "船闸调度");
    label_of(sec, label, sizeof label);
    expect_audit(label, "set", target, "onebot", "船闸调度");

    /* the operator: cli:USER on the cli channel */
    struct actor op = actor_operator();
    assert_int_equal(set(&op, plain, "post", "航标维护", &ch, &why), ZB_OK);
    expect_audit(op.label, "set", target, "cli", "航标维护");
    assert_int_equal(audits("set"), 2);

    /* validation: an unknown field named, a malformed value described; nothing written */
    assert_int_equal(set(&a, plain, "颜色", "红", &ch, &why), ZB_EINVAL);
    assert_non_null(strstr(why.detail, "颜色"));
    assert_int_equal(set(&a, plain, "手机", "12345", &ch, &why), ZB_EINVAL);
    assert_true(why.detail[0] != '\0');
    assert_string_equal(get(plain).phone, "13800138005");
    /* a phone another member holds: busy, naming them */
    assert_int_equal(set(&a, plain, "手机", "13800138002", &ch, &why), ZB_EBUSY);
    assert_int_equal(why.other, organizer);
    assert_int_equal(audits("set"), 2);

    /* a plain member may not edit, not even themselves */
    struct actor p = as(plain);
    assert_int_equal(set(&p, plain, "岗位", "自己改", &ch, &why), ZB_EDENIED);
    assert_string_equal(why.refusal, members_edit.refusal);
    /* a secretary may not edit outside their 支部 */
    assert_int_equal(set(&a, other, "岗位", "越权", &ch, &why), ZB_EDENIED);
    assert_non_null(strstr(why.refusal, OUT_OF_SCOPE_WORDS));
    assert_string_equal(get(other).post, "");
    assert_int_equal(audits("set"), 2);
}

static void test_set_roles_needs_its_action(void **state)
{
    (void)state;
    struct members_why why;
    struct members_change ch;
    char label[32], target[32];
    snprintf(target, sizeof target, "member:%lld", (long long)plain);

    /* the organizer edits records but may not give roles */
    struct actor o = as(organizer);
    assert_int_equal(set(&o, plain, "岗位", "统计员", &ch, &why), ZB_OK);
    assert_int_equal(set(&o, plain, "职务", "宣传委员", &ch, &why), ZB_EDENIED);
    assert_string_equal(why.refusal, members_set_roles.refusal);
    assert_int_equal(get(plain).roles, 0u);
    assert_int_equal(audits("role"), 0);

    /* the secretary may: audited as "role" */
    struct actor s = as(sec);
    assert_int_equal(set(&s, plain, "职务", "宣传委员", &ch, &why), ZB_OK);
    assert_int_equal(ch.field, MF_ROLES);
    assert_int_equal(get(plain).roles, (unsigned)ROLE_PUBLICITY);
    label_of(sec, label, sizeof label);
    expect_audit(label, "role", target, "wechat", "宣传委员");
    assert_int_equal(set(&s, plain, "职务", "大队长", &ch, &why), ZB_EINVAL); /* not a role */
    assert_int_equal(get(plain).roles, (unsigned)ROLE_PUBLICITY);

    /* the operator may too */
    struct actor op = actor_operator();
    assert_int_equal(set(&op, plain, "职务", "党员", &ch, &why), ZB_OK);
    assert_int_equal(get(plain).roles, 0u);
    expect_audit(op.label, "role", target, "cli", NULL);
    assert_int_equal(audits("role"), 2);
}

static void test_move_outside_scope_refused(void **state)
{
    (void)state;
    struct members_why why;
    struct members_change ch;

    /* the 支部 secretary moves a member inside the 支部 (into its 党小组), not out of it */
    struct actor s = as(sec);
    assert_int_equal(set(&s, plain, "党小组", "第一党小组", &ch, &why), ZB_OK);
    assert_int_equal(get(plain).group_id, group1);
    assert_int_equal(set(&s, plain, "支部", "航道支部", &ch, &why), ZB_EDENIED);
    assert_non_null(strstr(why.refusal, OUT_OF_SCOPE_WORDS));
    assert_int_equal(get(plain).branch_id, lock);
    assert_int_equal(get(plain).group_id, group1);
    assert_int_equal(set(&s, plain, "支部", "市交通运输局党委", &ch, &why), ZB_EDENIED);
    assert_int_equal(get(plain).branch_id, lock);
    /* nor bring in someone from the sibling branch */
    assert_int_equal(set(&s, other, "支部", "船闸支部", &ch, &why), ZB_EDENIED);
    assert_int_equal(get(other).branch_id, channel);

    /* the 党委 secretary may move between its 支部; the operator anywhere */
    struct actor t = as(top_sec);
    assert_int_equal(set(&t, plain, "支部", "航道支部", &ch, &why), ZB_OK);
    assert_int_equal(get(plain).branch_id, channel);
    assert_int_equal(get(plain).group_id, 0); /* the old 党小组 is left behind */
    struct actor op = actor_operator();
    assert_int_equal(set(&op, plain, "支部", "船闸支部/第一党小组", &ch, &why), ZB_OK);
    assert_int_equal(get(plain).branch_id, lock);
    assert_int_equal(get(plain).group_id, group1);
    assert_int_equal(audits("set"), 3);
}

static void test_codes_audited(void **state)
{
    (void)state;
    struct members_why why = {0};
    struct seen s = {0};
    char label[32];

    struct actor a = as(organizer);
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(members_codes(&a, NULL, collect, &s, &why), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    expect_ids(&s, 5, sec, organizer, plain, grouped, leader);
    for (int i = 0; i < s.n; i++) {
        assert_int_equal(strlen(s.codes[i]), MEMBER_CODE_LEN);
        int64_t owner = 0;
        assert_int_equal(member_by_code(s.codes[i], &owner), ZB_OK);
        assert_int_equal(owner, s.ids[i]);
    }
    label_of(organizer, label, sizeof label);
    expect_audit(label, "codes", "全部", "wechat", "5 人");

    /* listed again: the same codes (issued once) */
    struct seen again = {0};
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(members_codes(&a, "船闸支部", collect, &again, &why), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    assert_int_equal(again.n, 5);
    for (int i = 0; i < again.n; i++)
        assert_string_equal(again.codes[i], s.codes[i]);
    expect_audit(label, "codes", "船闸支部", "wechat", "5 人");

    /* codes need members_edit: the group leader may view, not issue codes */
    struct actor l = as(leader);
    memset(&s, 0, sizeof s);
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(members_codes(&l, NULL, collect, &s, &why), ZB_EDENIED);
    store_rollback();
    assert_string_equal(why.refusal, members_edit.refusal);
    assert_int_equal(s.n, 0);
    /* nor outside the scope */
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(members_codes(&a, "航道支部", collect, &s, &why), ZB_EDENIED);
    store_rollback();
    assert_int_equal(audits("codes"), 2);

    /* the operator: everyone, audited as cli */
    struct actor op = actor_operator();
    memset(&s, 0, sizeof s);
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(members_codes(&op, NULL, collect, &s, &why), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    assert_int_equal(s.n, 7);
    expect_audit(op.label, "codes", "全部", "cli", "7 人");
}

/* bind_by_hand - members_bind in its own transaction. */
static int bind_by_hand(const struct actor *a, int64_t id, const char *platform, const char *ext,
                        bool on, struct members_why *why)
{
    struct members_who who = {.platform = platform, .ext_id = ext};
    struct member m;
    memset(why, 0, sizeof *why);
    assert_int_equal(store_begin(), ZB_OK);
    int rc = members_bind(a, id, &who, on, &m, why);
    if (rc == ZB_OK) {
        assert_int_equal(m.id, id);
        assert_int_equal(store_commit(), ZB_OK);
    } else {
        store_rollback();
    }
    return rc;
}

static int64_t owner_of(const char *platform, const char *ext)
{
    int64_t id = -1;
    assert_int_equal(identity_owner(platform, "", ext, &id), ZB_OK);
    return id;
}

static void test_bind(void **state)
{
    (void)state;
    struct members_why why;
    char label[32], target[32];

    struct actor s = as(sec);
    assert_int_equal(bind_by_hand(&s, plain, "onebot", "10001", true, &why), ZB_OK);
    assert_int_equal(owner_of("onebot", "10001"), plain);
    label_of(sec, label, sizeof label);
    assert_int_equal(audits("bind"), 1);
    snprintf(target, sizeof target, "member:%lld", (long long)plain);
    expect_audit(label, "bind", target, "wechat", "10001");

    /* the same identity for another member: busy, naming the holder */
    assert_int_equal(bind_by_hand(&s, organizer, "onebot", "10001", true, &why), ZB_EBUSY);
    assert_int_equal(why.other, plain);
    assert_int_equal(owner_of("onebot", "10001"), plain);
    /* unbinding it from someone who does not hold it */
    assert_int_equal(bind_by_hand(&s, organizer, "onebot", "10001", false, &why), ZB_ENOTFOUND);
    /* a QQ number is digits; an empty id is refused */
    assert_int_equal(bind_by_hand(&s, plain, "onebot", "12ab", true, &why), ZB_EINVAL);
    assert_true(why.detail[0] != '\0');
    assert_int_equal(bind_by_hand(&s, plain, "onebot", "", true, &why), ZB_EINVAL);
    /* not outside the scope, not by a plain member */
    assert_int_equal(bind_by_hand(&s, other, "onebot", "10009", true, &why), ZB_EDENIED);
    assert_non_null(strstr(why.refusal, OUT_OF_SCOPE_WORDS));
    struct actor p = as(plain);
    assert_int_equal(bind_by_hand(&p, plain, "onebot", "10005", true, &why), ZB_EDENIED);
    assert_string_equal(why.refusal, members_edit.refusal);
    assert_int_equal(owner_of("onebot", "10009"), 0);
    assert_int_equal(owner_of("onebot", "10005"), 0);
    assert_int_equal(audits("bind"), 1);

    /* the operator binds anyone and unbinds; both audited as cli */
    struct actor op = actor_operator();
    assert_int_equal(bind_by_hand(&op, other, "onebot", "10009", true, &why), ZB_OK);
    assert_int_equal(owner_of("onebot", "10009"), other);
    assert_int_equal(bind_by_hand(&op, plain, "onebot", "10001", false, &why), ZB_OK);
    assert_int_equal(owner_of("onebot", "10001"), 0);
    expect_audit(op.label, "unbind", target, "cli", NULL);
    assert_int_equal(audits("bind"), 2);
}

/* branch_add - members_branch_add in its own transaction. */
static int branch(const struct actor *a, const char *path, int64_t *id, int *made,
                  struct members_why *why)
{
    memset(why, 0, sizeof *why);
    assert_int_equal(store_begin(), ZB_OK);
    int rc = members_branch_add(a, path, id, made, why);
    if (rc == ZB_OK)
        assert_int_equal(store_commit(), ZB_OK);
    else
        store_rollback();
    return rc;
}

static void test_branch_add(void **state)
{
    (void)state;
    struct members_why why;
    int64_t id = 0, found = 0;
    int made = 0;
    char label[32], target[32], err[BRANCH_ERR_MAX];

    /* a 支部 secretary adds a 党小组 to their own 支部 */
    struct actor s = as(sec);
    assert_int_equal(branch(&s, "市交通运输局党委/船闸支部/第二党小组", &id, &made, &why), ZB_OK);
    assert_int_equal(made, 1);
    assert_int_equal(branch_resolve("船闸支部/第二党小组", &found, err, sizeof err), ZB_OK);
    assert_int_equal(found, id);
    label_of(sec, label, sizeof label);
    snprintf(target, sizeof target, "branch:%lld", (long long)id);
    expect_audit(label, "branch_add", target, "wechat", "第二党小组");

    /* an existing path: found, not made, not audited */
    assert_int_equal(branch(&s, "市交通运输局党委/船闸支部/第二党小组", &found, &made, &why),
                     ZB_OK);
    assert_int_equal(made, 0);
    assert_int_equal(found, id);
    assert_int_equal(audits("branch_add"), 1);

    /* but not in the sibling branch: refused and nothing left behind */
    assert_int_equal(branch(&s, "市交通运输局党委/航道支部/第三党小组", &id, &made, &why),
                     ZB_EDENIED);
    assert_non_null(strstr(why.refusal, OUT_OF_SCOPE_WORDS));
    assert_int_equal(branch_resolve("航道支部/第三党小组", &found, err, sizeof err), ZB_ENOTFOUND);
    /* a plain member may not add any */
    struct actor p = as(plain);
    assert_int_equal(branch(&p, "市交通运输局党委/船闸支部/第四党小组", &id, &made, &why),
                     ZB_EDENIED);
    assert_string_equal(why.refusal, members_edit.refusal);
    /* a malformed path: the registry's words */
    assert_int_equal(branch(&s, "市交通运输局党委/船闸支部/某某", &id, &made, &why), ZB_EINVAL);
    assert_true(why.detail[0] != '\0');
    assert_int_equal(audits("branch_add"), 1);

    /* the operator adds anywhere, audited as cli */
    struct actor op = actor_operator();
    assert_int_equal(branch(&op, "市交通运输局党委/航标支部", &id, &made, &why), ZB_OK);
    assert_int_equal(made, 1);
    snprintf(target, sizeof target, "branch:%lld", (long long)id);
    expect_audit(op.label, "branch_add", target, "cli", "航标支部");
    assert_int_equal(audits("branch_add"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_list_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_show_masking_and_unmask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_validation_and_audit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_roles_needs_its_action, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_outside_scope_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_codes_audited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_branch_add, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
