/*
 * members.c - the members capability's rules (see members.h): the role checks, the validation
 * that spans several registry tables, and the audit rows. Plain table access stays in bot/org
 * (member.c, branch.c, binding.c, identity.c); the faces (cli.c, chat faces, import.c) translate.
 */
#include "handlers/members/members.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/clock.h"
#include "bot/base/xmalloc.h"
#include "bot/org/audit.h"

#define LEADS      (ROLE_SECRETARY | ROLE_DEPUTY)
#define TARGET_MAX 48

const struct role_action members_view = {
    .id = "members.view",
    .roles = LEADS | ROLE_ORGANIZER | ROLE_PUBLICITY | ROLE_DISCIPLINE | ROLE_GROUP_LEADER,
    .operator_ok = true,
    .refusal = "抱歉，只有支部书记、支委和党小组长可以查看党员名单。",
};
const struct role_action members_edit = {
    .id = "members.edit",
    .roles = LEADS | ROLE_ORGANIZER,
    .operator_ok = true,
    .refusal = "抱歉，只有支部书记、副书记和组织委员可以修改党员信息。",
};
const struct role_action members_set_roles = {
    .id = "members.set_roles",
    .roles = LEADS,
    .operator_ok = true,
    .refusal = "抱歉，只有支部书记和副书记可以调整职务。",
};
const struct role_action members_unmask = {
    .id = "members.unmask",
    .roles = LEADS | ROLE_ORGANIZER,
    .operator_ok = true,
    .refusal = "抱歉，只有支部书记、副书记和组织委员可以查看完整手机号。",
};
const struct role_action members_audit = {
    .id = "members.audit",
    .roles = LEADS | ROLE_DISCIPLINE,
    .operator_ok = true,
    .refusal = "抱歉，只有支部书记、副书记和纪检委员可以查看审计记录。",
};

static int64_t now_s(void)
{
    return clock_now();
}

/* check - role_can, the refusal kept in why. */
static int check(const struct actor *a, const struct role_action *act, int64_t org,
                 struct members_why *why)
{
    return role_can(a, act, org, &why->refusal);
}

static void target_of(const char *kind, int64_t id, char *out, size_t outsz)
{
    snprintf(out, outsz, "%s:%lld", kind, (long long)id);
}

int members_scope(const struct actor *a, const struct role_action *act, const char *branch,
                  int64_t *root, struct members_why *why)
{
    *root = 0;
    if (!branch)
        return role_scope(a, act, root, &why->refusal);
    if (branch_resolve(branch, root, why->detail, sizeof why->detail))
        return ZB_EINVAL;
    return check(a, act, *root, why);
}

struct rows {
    members_row_fn fn; /* the caller's */
    void *arg;         /* its argument */
    bool codes;        /* add each member's code */
    int n;             /* rows given */
};

static int each_row(const struct member *m, void *arg)
{
    struct rows *r = arg;
    char code[MEMBER_CODE_LEN + 1];
    struct members_row row = {.m = m};
    if (r->codes) {
        int rc = member_code(m->id, code, sizeof code);
        if (rc)
            return rc;
        row.code = code;
    }
    r->n++;
    return r->fn(&row, r->arg);
}

int members_list(const struct actor *a, const char *branch, members_row_fn fn, void *arg,
                 struct members_why *why)
{
    int64_t root;
    int rc = members_scope(a, &members_view, branch, &root, why);
    struct rows r = {.fn = fn, .arg = arg};
    return rc ? rc : member_each(root, each_row, &r);
}

int members_codes(const struct actor *a, const char *branch, members_row_fn fn, void *arg,
                  struct members_why *why)
{
    int64_t root;
    int rc = members_scope(a, &members_edit, branch, &root, why);
    if (rc)
        return rc;
    struct rows r = {.fn = fn, .arg = arg, .codes = true};
    char detail[32];
    if ((rc = member_each(root, each_row, &r)))
        return rc;
    snprintf(detail, sizeof detail, "%d 人", r.n);
    return audit_write(a->label, "codes", branch ? branch : "全部", detail, a->channel, now_s());
}

/* view - one page of the members under root to fn, audited as "view_members" with the count. */
static int view(const struct actor *a, int64_t root, int64_t after_id, long limit,
                members_row_fn fn, void *arg, int *n)
{
    struct rows r = {.fn = fn, .arg = arg};
    int rc = member_page(root, after_id, limit, each_row, &r);
    if (n)
        *n = r.n;
    if (rc)
        return rc;
    char target[TARGET_MAX], detail[32];
    target_of("branch", root, target, sizeof target);
    snprintf(detail, sizeof detail, "%d 人", r.n);
    return audit_write(a->label, "view_members", target, detail, a->channel, now_s());
}

int members_roster(const struct actor *a, members_row_fn fn, void *arg, int64_t *root,
                   struct members_why *why)
{
    int rc = role_scope(a, &members_view, root, &why->refusal);
    return rc ? rc : view(a, *root, 0, -1, fn, arg, NULL);
}

int members_browse(const struct actor *a, const char *branch, int64_t after_id, long limit,
                   members_row_fn fn, void *arg, int *n, struct members_why *why)
{
    int64_t root;
    int rc = members_scope(a, &members_view, branch, &root, why);
    if (rc)
        return rc;
    if (limit < 1 || limit > MEMBERS_PAGE_MAX)
        limit = MEMBERS_PAGE_MAX;
    return view(a, root, after_id, limit, fn, arg, n);
}

/* org_of - the organisation a member's record sits in, for role_can (0 when none). */
static int64_t org_of(const struct member *m)
{
    return m->group_id ? m->group_id : m->branch_id;
}

/* member_in_reach - check act, load member id, and for a member actor check act on the
 * record's organisation (a record with none lies outside every member's scope: -1 names no node).
 */
static int member_in_reach(const struct actor *a, const struct role_action *act, int64_t id,
                           struct member *m, struct members_why *why)
{
    int rc = check(a, act, 0, why);
    if (!rc)
        rc = member_get(id, m);
    if (rc || !actor_is_member(a))
        return rc;
    return check(a, act, org_of(m) ? org_of(m) : -1, why);
}

int members_show(const struct actor *a, int64_t id, bool unmask, struct members_card *out,
                 struct members_why *why)
{
    memset(out, 0, sizeof *out);
    int rc = member_in_reach(a, &members_view, id, &out->m, why);
    if (!rc && unmask)
        rc = member_in_reach(a, &members_unmask, id, &out->m, why);
    if (!rc)
        rc = identity_list(id, out->ids, MEMBERS_IDENTITIES_MAX, &out->n_ids);
    if (!rc && unmask) {
        char target[TARGET_MAX];
        target_of("member", id, target, sizeof target);
        rc = audit_write(a->label, "unmask", target, out->m.name, a->channel, now_s());
    }
    return rc;
}

/* not_removed - ZB_EINVAL with why->detail for a record taken off the registry. */
static int not_removed(const struct member *m, struct members_why *why)
{
    if (!m->left_at)
        return ZB_OK;
    snprintf(why->detail, sizeof why->detail, "#%lld %s 已移出名单", (long long)m->id, m->name);
    return ZB_EINVAL;
}

/* set_place - MF_BRANCH / MF_GROUP of m from value. */
static int set_place(struct member *m, enum member_field f, const char *value,
                     struct members_why *why)
{
    int64_t node = 0;
    struct branch b;
    if (f == MF_BRANCH) {
        if (!*value) {
            m->branch_id = m->group_id = 0;
            return ZB_OK;
        }
        if (branch_resolve(value, &node, why->detail, sizeof why->detail) || branch_get(node, &b))
            return ZB_EINVAL;
        if (b.level == BRANCH_GROUP) {
            m->branch_id = b.parent_id;
            m->group_id = b.id;
        } else if (node != m->branch_id) {
            m->branch_id = node;
            m->group_id = 0;
        }
        return ZB_OK;
    }
    if (!*value) {
        m->group_id = 0;
        return ZB_OK;
    }
    char path[BRANCH_PATH_MAX + 1], full[2 * BRANCH_PATH_MAX + 4];
    if (!m->branch_id) {
        snprintf(why->detail, sizeof why->detail, "这名党员还没有所在支部，请先设置 支部");
        return ZB_EINVAL;
    }
    int rc = branch_path(m->branch_id, path, sizeof path);
    if (rc)
        return rc;
    snprintf(full, sizeof full, "%s/%s", path, value);
    if (branch_resolve(full, &node, why->detail, sizeof why->detail) || branch_get(node, &b))
        return ZB_EINVAL;
    if (b.level != BRANCH_GROUP || b.parent_id != m->branch_id) {
        snprintf(why->detail, sizeof why->detail, "“%s”不是这名党员所在支部的党小组", value);
        return ZB_EINVAL;
    }
    m->group_id = node;
    return ZB_OK;
}

/* today - the local date of the process clock, "YYYY-MM-DD". */
static void today(char *out, size_t outsz)
{
    time_t t = (time_t)clock_now();
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, outsz, "%Y-%m-%d", &tm);
}

struct secretary_find {
    int64_t branch; /* the branch looked at */
    int64_t self;   /* the member being changed */
    int64_t found;  /* another 书记 there, 0 when none */
    char name[MEMBER_NAME_MAX + 1];
};

static int find_secretary(const struct member *m, void *arg)
{
    struct secretary_find *s = arg;
    if (m->id != s->self && m->branch_id == s->branch && (m->roles & ROLE_SECRETARY)) {
        s->found = m->id;
        snprintf(s->name, sizeof s->name, "%s", m->name);
        return 1; /* stop */
    }
    return ZB_OK;
}

/* rule_check - the registry rules members_set adds to member_check: no 入党日期 or 预备期开始
 * after today, and one 书记 per branch (forceable: *overrode set when force let a second one
 * in). ZB_EINVAL with why->detail. */
static int rule_check(const struct member *old, const struct member *m, bool force, bool *overrode,
                      struct members_why *why)
{
    char day[11];
    today(day, sizeof day);
    if (m->joined_on[0] && strcmp(m->joined_on, old->joined_on) != 0 &&
        strcmp(m->joined_on, day) > 0) {
        snprintf(why->detail, sizeof why->detail, "入党日期 %s 晚于今天（%s）", m->joined_on, day);
        return ZB_EINVAL;
    }
    if (m->probation_start[0] && strcmp(m->probation_start, old->probation_start) != 0 &&
        strcmp(m->probation_start, day) > 0) {
        snprintf(why->detail, sizeof why->detail, "预备期开始 %s 晚于今天（%s）",
                 m->probation_start, day);
        return ZB_EINVAL;
    }
    bool new_secretary = (m->roles & ROLE_SECRETARY) &&
                         (!(old->roles & ROLE_SECRETARY) || m->branch_id != old->branch_id);
    if (!new_secretary || !m->branch_id)
        return ZB_OK;
    struct secretary_find s = {.branch = m->branch_id, .self = m->id};
    int rc = member_each(m->branch_id, find_secretary, &s);
    if (rc < 0)
        return rc;
    if (s.found && force) {
        *overrode = true;
    } else if (s.found) {
        snprintf(why->detail, sizeof why->detail, "这个支部已有书记 %s（#%lld）", s.name,
                 (long long)s.found);
        why->forceable = true;
        why->other = s.found;
        return ZB_EINVAL;
    }
    return ZB_OK;
}

/* diff_text - "姓名：字段 旧 → 新；字段 旧 → 新" for every field that differs between old and m
 * into out; *n how many differ. */
static int diff_text(const struct member *old, const struct member *m, char *out, size_t outsz,
                     int *n)
{
    size_t used = (size_t)snprintf(out, outsz, "%s：", m->name);
    *n = 0;
    for (int f = 0; f < MF_COUNT; f++) {
        char before[MEMBER_SHOW_MAX], after[MEMBER_SHOW_MAX];
        int rc = member_field_show(old, (enum member_field)f, false, before, sizeof before);
        if (!rc)
            rc = member_field_show(m, (enum member_field)f, false, after, sizeof after);
        if (rc)
            return rc;
        bool differ = strcmp(before, after) != 0;
        if (f == MF_PHONE) /* shown masked: compare the numbers themselves */
            differ = strcmp(old->phone, m->phone) != 0;
        if (!differ)
            continue;
        if (used < outsz)
            used += (size_t)snprintf(out + used, outsz - used, "%s%s %s → %s", *n ? "；" : "",
                                     member_field_label((enum member_field)f),
                                     before[0] ? before : "（空）", after[0] ? after : "（空）");
        (*n)++;
    }
    return ZB_OK;
}

int members_set(const struct actor *a, int64_t id, const char *field, const char *value,
                unsigned flags, struct members_change *out, struct members_why *why)
{
    memset(out, 0, sizeof *out);
    int f = member_field_lookup(field);
    if (f < 0) {
        snprintf(why->detail, sizeof why->detail, "不认识字段“%.60s”", field);
        return ZB_EINVAL;
    }
    bool force = flags & MEMBERS_FORCE;
    const struct role_action *act = f == MF_ROLES ? &members_set_roles : &members_edit;
    struct member old, m;
    int rc = member_in_reach(a, act, id, &old, why);
    if (!rc)
        rc = not_removed(&old, why);
    if (rc)
        return rc;
    m = old;
    if (f == MF_BRANCH || f == MF_GROUP)
        rc = set_place(&m, (enum member_field)f, value, why);
    else if (member_field_set(&m, (enum member_field)f, value, why->detail, sizeof why->detail) ||
             member_check(&m, why->detail, sizeof why->detail))
        rc = ZB_EINVAL;
    bool forced = false;
    if (!rc)
        rc = rule_check(&old, &m, force, &forced, why);
    if (!rc && org_of(&m) != org_of(&old) && org_of(&m))
        rc = check(a, act, org_of(&m), why); /* moving a member: the new place is in reach too */
    int changed = 0;
    if (!rc)
        rc = diff_text(&old, &m, out->detail, sizeof out->detail, &changed);
    snprintf(out->name, sizeof out->name, "%s", m.name);
    out->field = (enum member_field)f;
    out->changed = changed;
    if (rc || !changed) {
        if (!rc && member_field_show(&m, (enum member_field)f, false, out->detail,
                                     sizeof out->detail)) /* nothing to write, nothing to audit */
            out->detail[0] = '\0';
        return rc;
    }
    if ((rc = member_update(&m, now_s())) == ZB_EBUSY &&
        member_find_phone(m.phone, &why->other) != ZB_OK)
        why->other = 0;
    if (rc)
        return rc;
    char target[TARGET_MAX], detail[sizeof out->detail + 64];
    target_of("member", id, target, sizeof target);
    if (snprintf(detail, sizeof detail, "%s%s", out->detail,
                 forced ? "（强制：支部已有书记）" : "") < 0)
        detail[0] = '\0';
    return audit_write(a->label, f == MF_ROLES ? "role" : "set", target, detail, a->channel,
                       now_s());
}

int members_add(const struct actor *a, const char *name, const struct members_value *vals, size_t n,
                unsigned flags, struct member *out, struct members_why *why)
{
    struct member none, m;
    member_init(&none);
    member_init(&m);
    int rc = check(a, &members_edit, 0, why);
    if (rc)
        return rc;
    if (member_field_set(&m, MF_NAME, name, why->detail, sizeof why->detail))
        return ZB_EINVAL;
    bool roles = false;
    /* the place first, so that a 党小组 given before its 支部 still finds it */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            int f = member_field_lookup(vals[i].field);
            if (f < 0) {
                snprintf(why->detail, sizeof why->detail, "不认识字段“%.60s”", vals[i].field);
                return ZB_EINVAL;
            }
            bool place = f == MF_BRANCH || f == MF_GROUP;
            if (pass == 0 && f == MF_BRANCH)
                rc = set_place(&m, (enum member_field)f, vals[i].value, why);
            else if (pass == 1 && f == MF_GROUP)
                rc = set_place(&m, (enum member_field)f, vals[i].value, why);
            else if (pass == 1 && !place &&
                     member_field_set(&m, (enum member_field)f, vals[i].value, why->detail,
                                      sizeof why->detail))
                rc = ZB_EINVAL;
            if (rc)
                return rc;
            roles |= f == MF_ROLES && *vals[i].value;
        }
    }
    if (member_check(&m, why->detail, sizeof why->detail))
        return ZB_EINVAL;
    bool forced = false;
    if ((rc = rule_check(&none, &m, flags & MEMBERS_FORCE, &forced, why)))
        return rc;
    /* a member actor adds only inside their scope: a record with no place lies outside it */
    if ((rc =
             check(a, &members_edit, org_of(&m) ? org_of(&m) : (actor_is_member(a) ? -1 : 0), why)))
        return rc;
    if (roles && (rc = check(a, &members_set_roles, org_of(&m), why)))
        return rc;
    if ((rc = member_insert(&m, now_s())) == ZB_EBUSY &&
        member_find_phone(m.phone, &why->other) != ZB_OK)
        why->other = 0;
    if (rc)
        return rc;
    *out = m;
    char target[TARGET_MAX], where[MEMBER_SHOW_MAX], detail[MEMBER_SHOW_MAX + 2 * MEMBER_NAME_MAX];
    target_of("member", m.id, target, sizeof target);
    if (member_field_show(&m, MF_BRANCH, false, where, sizeof where))
        where[0] = '\0';
    snprintf(detail, sizeof detail, "%s %s%s", m.name, where[0] ? where : "（未填组织）",
             forced ? "（强制：支部已有书记）" : "");
    return audit_write(a->label, "add", target, detail, a->channel, now_s());
}

int members_remove(const struct actor *a, int64_t id, const char *reason, struct member *out,
                   struct members_why *why)
{
    int rc = member_in_reach(a, &members_edit, id, out, why);
    if (!rc)
        rc = not_removed(out, why);
    if (rc)
        return rc;
    struct identity ids[MEMBERS_IDENTITIES_MAX];
    size_t n = 0;
    int64_t now = now_s();
    do { /* every identity, a page at a time */
        if ((rc = identity_list(id, ids, MEMBERS_IDENTITIES_MAX, &n)))
            return rc;
        for (size_t i = 0; i < n; i++)
            if ((rc = identity_bind(ids[i].platform, ids[i].account, ids[i].ext_id, 0, now)))
                return rc;
    } while (n == MEMBERS_IDENTITIES_MAX);
    if ((rc = member_remove(id, reason, now)))
        return rc;
    char target[TARGET_MAX], detail[MEMBER_NAME_MAX + MEMBER_TEXT_MAX + 16];
    target_of("member", id, target, sizeof target);
    snprintf(detail, sizeof detail, "%s%s%s", out->name, reason && *reason ? "：" : "",
             reason ? reason : "");
    return audit_write(a->label, "remove", target, detail, a->channel, now);
}

int members_code_renew(const struct actor *a, int64_t id, char *code, size_t codesz,
                       struct member *out, struct members_why *why)
{
    int rc = member_in_reach(a, &members_edit, id, out, why);
    if (!rc)
        rc = not_removed(out, why);
    if (!rc)
        rc = member_code_renew(id);
    if (!rc)
        rc = member_code(id, code, codesz);
    if (rc)
        return rc;
    char target[TARGET_MAX];
    target_of("member", id, target, sizeof target);
    return audit_write(a->label, "code_renew", target, out->name, a->channel, now_s());
}

int members_branch_rename(const struct actor *a, const char *path, const char *name, char *old_path,
                          char *new_path, struct members_why *why)
{
    int64_t node = 0;
    if (branch_resolve(path, &node, why->detail, sizeof why->detail))
        return ZB_EINVAL;
    int rc = check(a, &members_edit, node, why);
    if (!rc)
        rc = branch_path(node, old_path, BRANCH_PATH_MAX + 1);
    if (!rc && branch_rename(node, name, why->detail, sizeof why->detail))
        rc = ZB_EINVAL;
    if (!rc)
        rc = branch_path(node, new_path, BRANCH_PATH_MAX + 1);
    if (rc)
        return rc;
    char target[TARGET_MAX], detail[2 * BRANCH_PATH_MAX + 8];
    target_of("branch", node, target, sizeof target);
    snprintf(detail, sizeof detail, "%s → %s", old_path, new_path);
    return audit_write(a->label, "branch_rename", target, detail, a->channel, now_s());
}

/* resolve_account - the account of who's identity (see members_bind) into account. */
static int resolve_account(const struct members_who *who, char *account, size_t accountsz,
                           struct members_why *why)
{
    if (who->account) {
        snprintf(account, accountsz, "%s", who->account);
        return ZB_OK;
    }
    struct identity seen[2];
    size_t n = 0;
    int rc = identity_lookup(who->platform, who->ext_id, seen, 2, &n);
    if (rc)
        return rc;
    if (n == 1) {
        snprintf(account, accountsz, "%s", seen[0].account);
        return ZB_OK;
    }
    if (n > 1) {
        snprintf(why->detail, sizeof why->detail,
                 "这个账号出现在多个公众号或机器人下，请用 --account 指明");
        return ZB_EINVAL;
    }
    int count = 0;
    if ((rc = identity_accounts(who->platform, account, accountsz, &count)))
        return rc;
    if (count == 1)
        return ZB_OK;
    if (strcmp(who->platform, "wechat") == 0) {
        snprintf(why->detail, sizeof why->detail,
                 "还不知道公众号的原始 ID（gh_ 开头），请用 --account 指明");
        return ZB_EINVAL;
    }
    snprintf(account, accountsz, "%s",
             strcmp(who->platform, "qqbot") == 0 && who->default_account ? who->default_account
                                                                         : "");
    return ZB_OK;
}

/* id_text_ok - s looks like a platform account id: printable ASCII without spaces (every
 * platform's ids are; a line break or control character would forge lines in listings). */
static bool id_text_ok(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
            return false;
    return true;
}

int members_bind(const struct actor *a, int64_t id, const struct members_who *who, bool bind,
                 struct member *m_out, struct members_why *why)
{
    if (!*who->ext_id || strlen(who->ext_id) > 127) {
        snprintf(why->detail, sizeof why->detail, "账号不能为空，也不能超过 127 个字符");
        return ZB_EINVAL;
    }
    if (!id_text_ok(who->ext_id) || (who->account && !id_text_ok(who->account))) {
        snprintf(why->detail, sizeof why->detail,
                 "账号只能包含字母、数字和 - _ . @ 等符号，不能有空格或换行");
        return ZB_EINVAL;
    }
    if (strcmp(who->platform, "onebot") == 0)
        for (const char *p = who->ext_id; *p; p++)
            if (*p < '0' || *p > '9') {
                snprintf(why->detail, sizeof why->detail, "QQ 号只能是数字");
                return ZB_EINVAL;
            }
    char account[128];
    int rc = member_in_reach(a, &members_edit, id, m_out, why);
    if (!rc && bind)
        rc = not_removed(m_out, why);
    if (!rc)
        rc = resolve_account(who, account, sizeof account, why);
    if (rc)
        return rc;
    struct bind_who w = {who->platform, account, who->ext_id};
    int64_t owner = 0;
    if ((rc = identity_owner(w.platform, w.account, w.ext_id, &owner)))
        return rc;
    if (!bind && owner != id)
        return ZB_ENOTFOUND;
    rc = binding_by_hand(&w, bind ? id : 0, a->label, a->channel, now_s());
    if (rc == ZB_EBUSY)
        why->other = owner;
    return rc;
}

int members_branch_add(const struct actor *a, const char *path, int64_t *id, int *made,
                       struct members_why *why)
{
    *id = 0;
    *made = 0;
    int rc = check(a, &members_edit, 0, why);
    if (rc)
        return rc;
    if ((rc = branch_add(path, now_s(), id, made, why->detail, sizeof why->detail)))
        return rc;
    if (actor_is_member(a) && (rc = check(a, &members_edit, *id, why)))
        return rc; /* outside their scope: the caller rolls back */
    char full[BRANCH_PATH_MAX + 1], target[TARGET_MAX];
    if ((rc = branch_path(*id, full, sizeof full)))
        return rc;
    target_of("branch", *id, target, sizeof target);
    return *made ? audit_write(a->label, "branch_add", target, full, a->channel, now_s()) : ZB_OK;
}

int members_branch_kind(const struct actor *a, const char *path, int kind, bool external,
                        struct members_why *why)
{
    int64_t node = 0;
    if (branch_resolve(path, &node, why->detail, sizeof why->detail))
        return ZB_EINVAL;
    int rc = check(a, &members_edit, node, why);
    struct branch b;
    if (!rc)
        rc = branch_get(node, &b);
    if (rc)
        return rc;
    enum branch_kind k =
        kind < 0 ? (enum branch_kind)branch_kind_of(b.name) : (enum branch_kind)kind;
    if ((rc = branch_set_kind(node, k, external)))
        return rc;
    char target[TARGET_MAX], detail[64];
    target_of("branch", node, target, sizeof target);
    snprintf(detail, sizeof detail, "%s%s", branch_kind_name(k), external ? "，系统外" : "");
    return audit_write(a->label, "branch_kind", target, detail, a->channel, now_s());
}

struct outside {
    int64_t branch; /* the 支部 the 党小组 would sit in */
    int n;          /* its members whose 支部 is another */
};

static int count_outside(const struct member *m, void *arg)
{
    struct outside *o = arg;
    o->n += m->branch_id != o->branch;
    return 0;
}

/* group_keeps_members - 1 (why->detail set) when node is a 党小组 with members and up is
 * not their 支部: its members' 支部 would no longer hold their 党小组, and moving members
 * between branches is theirs to decide one by one (member set, or a transfer). 0 when the move
 * may go on; a negative code on failure. */
static int group_keeps_members(int64_t node, int64_t up, struct members_why *why)
{
    struct branch b;
    struct outside o = {.branch = up, .n = 0};
    int rc = branch_get(node, &b);
    if (rc)
        return rc;
    if (b.level != BRANCH_GROUP || b.parent_id == up)
        return 0;
    if ((rc = member_each(node, count_outside, &o)))
        return rc;
    int n = o.n;
    if (n == 0)
        return 0;
    snprintf(why->detail, sizeof why->detail,
             "党小组“%s”还有 %d 名党员，不能移到别的支部。请先用 member set 编号 支部 "
             "调整这些党员，或新建一个党小组",
             b.name, n);
    return 1;
}

int members_branch_move(const struct actor *a, const char *path, const char *parent, char *old_path,
                        char *new_path, struct members_why *why)
{
    int64_t node = 0, up = 0;
    if (branch_resolve(path, &node, why->detail, sizeof why->detail))
        return ZB_EINVAL;
    if (parent && *parent && branch_resolve(parent, &up, why->detail, sizeof why->detail))
        return ZB_EINVAL;
    int rc = check(a, &members_edit, node, why);
    if (!rc)
        rc = check(a, &members_edit, up, why);
    if (!rc)
        rc = branch_path(node, old_path, BRANCH_PATH_MAX + 1);
    if (!rc && (rc = group_keeps_members(node, up, why)) > 0)
        rc = ZB_EINVAL;
    if (!rc && branch_move(node, up, why->detail, sizeof why->detail))
        rc = ZB_EINVAL;
    if (!rc)
        rc = branch_path(node, new_path, BRANCH_PATH_MAX + 1);
    if (rc)
        return rc;
    char target[TARGET_MAX], detail[2 * BRANCH_PATH_MAX + 8];
    target_of("branch", node, target, sizeof target);
    snprintf(detail, sizeof detail, "%s → %s", old_path, new_path);
    return audit_write(a->label, "branch_move", target, detail, a->channel, now_s());
}

struct tally {
    struct branch *b;       /* every node */
    size_t n;               /* nodes */
    struct branch_tally *t; /* per node */
    int *probationary;      /* per node, of members */
};

static ssize_t index_of(const struct tally *tc, int64_t id)
{
    for (size_t i = 0; i < tc->n; i++)
        if (tc->b[i].id == id)
            return (ssize_t)i;
    return -1;
}

static int tally_member(const struct member *m, void *arg)
{
    struct tally *tc = arg;
    int64_t own[2] = {m->branch_id, m->group_id};
    for (int k = 0; k < 2; k++) {
        ssize_t i = own[k] ? index_of(tc, own[k]) : -1;
        if (i < 0)
            continue;
        tc->t[i].members++;
        if (m->status == STATUS_FULL)
            tc->t[i].full++;
        else
            tc->probationary[i]++;
        if (k == 0 && (m->roles & (ROLE_ORGANIZER | ROLE_PUBLICITY | ROLE_DISCIPLINE)))
            tc->t[i].committee_posts = true;
    }
    /* every ancestor of the member's organisation (itself included) counts them once */
    int64_t at = m->branch_id;
    for (int depth = 0; at && depth <= BRANCH_DEPTH_MAX; depth++) {
        ssize_t i = index_of(tc, at);
        if (i < 0)
            break;
        tc->t[i].subtree++;
        at = tc->b[i].parent_id;
    }
    return ZB_OK;
}

static int walk(const struct tally *tc, size_t i, int depth,
                int (*fn)(const struct members_node *n, void *arg), void *arg)
{
    if (depth > BRANCH_DEPTH_MAX)
        return ZB_OK;
    bool sized =
        tc->b[i].level == BRANCH_BRANCH || tc->b[i].level == BRANCH_GROUP || tc->t[i].members > 0;
    struct members_node node = {&tc->b[i], &tc->t[i], tc->probationary[i], depth, sized};
    int rc = fn(&node, arg);
    for (size_t k = 0; !rc && k < tc->n; k++)
        if (tc->b[k].parent_id == tc->b[i].id)
            rc = walk(tc, k, depth + 1, fn, arg);
    return rc;
}

int members_tree(const struct actor *a, int (*fn)(const struct members_node *n, void *arg),
                 void *arg, struct members_why *why)
{
    int64_t root = 0;
    struct tally tc = {0};
    int rc = role_scope(a, &members_view, &root, &why->refusal);
    if (!rc)
        rc = branch_all(&tc.b, &tc.n);
    if (rc || tc.n == 0)
        goto done;
    tc.t = xcalloc(tc.n, sizeof *tc.t);
    tc.probationary = xcalloc(tc.n, sizeof *tc.probationary);
    if ((rc = member_each(0, tally_member, &tc)))
        goto done;
    for (size_t i = 0; !rc && i < tc.n; i++) {
        bool top =
            root ? tc.b[i].id == root : !tc.b[i].parent_id || index_of(&tc, tc.b[i].parent_id) < 0;
        if (top)
            rc = walk(&tc, i, 0, fn, arg);
    }
done:
    free(tc.b);
    free(tc.t);
    free(tc.probationary);
    return rc;
}

/* The walk of members_audit_rows. */
struct audit_walk {
    int64_t root;                                    /* the scope, 0: all */
    int left;                                        /* rows still to give */
    int (*fn)(const struct audit_row *r, void *arg); /* the caller's */
    void *arg;                                       /* its argument */
};

/* id_of - the number after "kind:" in s, 0 when s is not of that kind. */
static int64_t id_of(const char *s, const char *kind)
{
    size_t k = strlen(kind);
    if (strncmp(s, kind, k) != 0 || s[k] != ':' || !s[k + 1])
        return 0;
    char *end;
    long long v = strtoll(s + k + 1, &end, 10);
    return *end ? 0 : v;
}

/* member_within - member id's organisation lies in root's subtree. */
static bool member_within(int64_t id, int64_t root)
{
    struct member m;
    bool yes = false;
    if (id <= 0 || member_get(id, &m) || !org_of(&m))
        return false;
    return branch_within(org_of(&m), root, &yes) == ZB_OK && yes;
}

static int audit_step(const struct audit_row *r, void *arg)
{
    struct audit_walk *w = arg;
    bool yes = w->root == 0;
    int64_t b = id_of(r->target, "branch");
    bool in = false;
    if (!yes && b && branch_within(b, w->root, &in) == ZB_OK)
        yes = in;
    if (!yes)
        yes = member_within(id_of(r->target, "member"), w->root) ||
              member_within(id_of(r->actor, "member"), w->root);
    if (!yes)
        return ZB_OK;
    int rc = w->fn(r, w->arg);
    if (rc)
        return rc;
    return --w->left > 0 ? ZB_OK : AUDIT_STOP;
}

int members_audit_rows(const struct actor *a, int limit,
                       int (*fn)(const struct audit_row *r, void *arg), void *arg,
                       struct members_why *why)
{
    struct audit_walk w = {.left = limit, .fn = fn, .arg = arg};
    int rc = role_scope(a, &members_audit, &w.root, &why->refusal);
    if (rc || limit <= 0)
        return rc;
    return audit_each(MEMBERS_AUDIT_SCAN, audit_step, &w);
}
