/*
 * api.c - the members capability's REST routes (see api.h): bind, me, the member list and
 * record, changing a record, the organisation tree and the audit trail. Each handler reads its
 * parameters, calls the same domain functions as chat and the CLI (members.h, binding.h), and
 * writes JSON; errors are codes with the field at fault and a short Chinese message.
 */
#include "handlers/members/api.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bot/api/answer.h"
#include "bot/api/jsonbody.h"
#include "bot/api/problem.h"
#include "bot/base/clock.h"
#include "bot/base/textfmt.h"
#include "bot/chat/normalize.h"
#include "bot/org/role.h"
#include "handlers/members/members.h"

#define PATCH_FIELDS_MAX 16  /* fields changed by one PATCH */
#define VALUE_MAX        800 /* bytes of one value */
#define AUDIT_LIMIT_MAX  200 /* rows of one audit page */

/* why_fail - a domain code with what members_why says about it. */
static int why_fail(struct api_ctx *c, int rc, const struct members_why *why, const char *field)
{
    switch (rc) {
    case ZB_EDENIED:
        return api_fail(c, rc, NULL, why->refusal);
    case ZB_EINVAL:
        return api_fail(c, rc, field, why->detail[0] ? why->detail : NULL);
    case ZB_ENOTFOUND:
        return api_fail(c, rc, field, "没有这名党员");
    case ZB_EBUSY:
        return api_fail(c, ZB_EDONE, field, "这个值已属于另一名党员");
    default:
        return rc;
    }
}

/* sees_income - the monthly income is for the member themself and for those who keep the dues
 * (members.edit over the member's organisation: 书记, 副书记, 组织委员), not every viewer. */
static bool sees_income(const struct actor *a, const struct member *m, bool self)
{
    const char *refusal;
    if (self || (actor_is_member(a) && a->member_id == m->id))
        return true;
    return role_can(a, &members_edit, m->branch_id, &refusal) == ZB_OK;
}

/* member_json - the record as a (self: the member themself) may see it: every field by its
 * English id, phones masked, the income only as sees_income allows, unknown values left out. */
static int member_json(const struct actor *a, const struct member *m, bool self, cJSON **out)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "id", (double)m->id);
    bool income = sees_income(a, m, self);
    for (int f = 0; f < MF_COUNT; f++) {
        if (f == MF_INCOME && !income)
            continue;
        char v[MEMBER_SHOW_MAX];
        int rc = member_field_show(m, (enum member_field)f, false, v, sizeof v);
        if (rc) {
            cJSON_Delete(j);
            return rc;
        }
        if (v[0])
            cJSON_AddStringToObject(j, member_field_id((enum member_field)f), v);
    }
    cJSON_AddNumberToObject(j, "branch_id", (double)m->branch_id);
    *out = j;
    return ZB_OK;
}

/* path_id - the path parameter {id} as a positive integer. */
static int path_id(struct api_ctx *c, int64_t *id)
{
    const char *s = c->nparams ? c->params[0] : "";
    char *end;
    long long v = textfmt_digits(s, 1, 18, false) ? strtoll(s, &end, 10) : 0;
    if (v <= 0)
        return api_fail(c, ZB_EINVAL, "id", "编号应为正整数");
    *id = v;
    return ZB_OK;
}

/* ---- POST /api/v1/bind ---- */

static long minutes_until(int64_t now, int64_t t)
{
    long m = (long)((t - now + 59) / 60);
    return m < 1 ? 1 : m;
}

/* refuse - an error answer that still commits (a counted wrong code). */
static int refuse(struct api_ctx *c, int code, const char *field, const char *message)
{
    c->status = problem_status(code);
    return problem_write(c->out, code, field, message);
}

static int api_bind(struct api_ctx *c)
{
    struct jsonbody_err e = {0};
    const char *code = NULL;
    if (jsonbody_str(c->body, "code", true, 32, &code, &e))
        return api_fail(c, ZB_EINVAL, e.field, e.message);
    if (actor_is_member(c->actor) || !c->session || !*c->session->platform)
        return api_fail(c, ZB_EDONE, NULL, "已经绑定过了");
    struct bind_who who = {c->session->platform, c->session->account, c->session->ext_id};
    struct bind_outcome o = {0};
    int64_t now = clock_now();
    char msg[API_NOTE_MAX];
    /* the code as chat's 绑定 takes it: full-width digits, ideographic spaces, 一二三 spelled */
    char *typed = normalize_text(code, strlen(code));
    int rc = binding_redeem(&who, typed, c->session->platform, now, &o);
    free(typed);
    switch (rc) {
    case ZB_OK: {
        struct member m;
        cJSON *j;
        if ((rc = member_get(o.member_id, &m)) || (rc = member_json(c->actor, &m, true, &j)))
            return rc;
        cJSON *root = cJSON_CreateObject();
        cJSON_AddItemToObject(root, "member", j);
        return api_emit(c, root);
    }
    case ZB_EINVAL:
        return api_fail(c, ZB_EINVAL, "code", "绑定码是 6 位数字");
    case ZB_ENOTFOUND:
        if (o.failures_left > 0)
            snprintf(msg, sizeof msg, "绑定码不对，还可以再试 %d 次", o.failures_left);
        else
            snprintf(msg, sizeof msg, "绑定码错误次数太多，请 %ld 分钟后再试",
                     minutes_until(now, o.locked_until));
        return o.failures_left > 0 ? refuse(c, ZB_EINVAL, "code", msg)
                                   : refuse(c, ZB_EBUSY, "code", msg);
    case ZB_EBUSY:
        snprintf(msg, sizeof msg, "绑定码错误次数太多，请 %ld 分钟后再试",
                 minutes_until(now, o.locked_until));
        return refuse(c, ZB_EBUSY, "code", msg);
    case ZB_EDENIED:
        return api_fail(c, ZB_EDONE, NULL, "这个微信已经绑定了党员身份");
    default:
        return rc;
    }
}

/* ---- GET /api/v1/me ---- */

static int api_me(struct api_ctx *c)
{
    if (!actor_is_member(c->actor))
        return api_fail(c, ZB_ENOTFOUND, NULL, "还没有绑定党员身份，请先绑定");
    struct member m;
    cJSON *j;
    int rc = member_get(c->actor->member_id, &m);
    if (rc == ZB_ENOTFOUND)
        return api_fail(c, rc, NULL, "名册中没有您的记录");
    if (rc || (rc = member_json(c->actor, &m, true, &j)))
        return rc;
    return api_emit(c, j);
}

/* ---- GET /api/v1/members ---- */

/* One page being built: the array and the last id in it. */
struct page {
    const struct actor *a; /* who asks */
    cJSON *arr;            /* the members */
    int64_t last;          /* the id of the last one */
};

static int list_row(const struct members_row *r, void *arg)
{
    struct page *p = arg;
    cJSON *j;
    int rc = member_json(p->a, r->m, false, &j);
    if (!rc) {
        cJSON_AddItemToArray(p->arr, j);
        p->last = r->m->id;
    }
    return rc;
}

/* query_int - the query parameter name as an integer in [min, max] into *v (dflt when absent);
 * ZB_EINVAL (with the field) otherwise. */
static int query_int(struct api_ctx *c, const char *name, long long min, long long max,
                     long long dflt, long long *v)
{
    const char *s = c->query(c, name);
    *v = dflt;
    if (!s)
        return ZB_OK;
    if (!textfmt_digits(s, 1, 18, true) || (*v = strtoll(s, NULL, 10)) < min || *v > max)
        return api_fail(c, ZB_EINVAL, name, "应为正确范围内的整数");
    return ZB_OK;
}

/* GET /api/v1/members?branch=&after=&limit= - one page, in id order; "next_after" names the
 * after= of the next page while there may be more. */
static int api_members(struct api_ctx *c)
{
    long long after, limit;
    int rc;
    if ((rc = query_int(c, "after", 0, INT64_MAX, 0, &after)) ||
        (rc = query_int(c, "limit", 1, MEMBERS_PAGE_MAX, 100, &limit)))
        return rc;
    struct members_why why = {0};
    cJSON *root = cJSON_CreateObject();
    struct page p = {c->actor, cJSON_AddArrayToObject(root, "members"), 0};
    int n = 0;
    rc =
        members_browse(c->actor, c->query(c, "branch"), after, (long)limit, list_row, &p, &n, &why);
    if (rc) {
        cJSON_Delete(root);
        return why_fail(c, rc, &why, "branch");
    }
    cJSON_AddNumberToObject(root, "count", n);
    if (n == limit)
        cJSON_AddNumberToObject(root, "next_after", (double)p.last);
    return api_emit(c, root);
}

/* ---- GET /api/v1/members/{id} ---- */

static int api_member(struct api_ctx *c)
{
    int64_t id;
    int rc = path_id(c, &id);
    if (rc)
        return rc;
    struct members_why why = {0};
    struct members_card *card = calloc(1, sizeof *card);
    cJSON *j = NULL;
    if (!card)
        return ZB_ETOOBIG;
    rc = members_show(c->actor, id, false, card, &why);
    if (!rc)
        rc = member_json(c->actor, &card->m, false, &j);
    if (!rc) {
        cJSON *ids = cJSON_AddArrayToObject(j, "identities");
        for (size_t i = 0; i < card->n_ids; i++)
            cJSON_AddItemToArray(ids, cJSON_CreateString(card->ids[i].platform));
    }
    free(card);
    if (rc)
        return why_fail(c, rc, &why, "id");
    return api_emit(c, j);
}

/* ---- PATCH /api/v1/members/{id} ---- */

static int api_member_patch(struct api_ctx *c)
{
    int64_t id;
    int rc = path_id(c, &id);
    if (rc)
        return rc;
    if (!c->body || !c->body->child)
        return api_fail(c, ZB_EINVAL, NULL, "请给出要修改的字段");
    cJSON *changes = cJSON_CreateArray();
    int n = 0;
    for (const cJSON *f = c->body->child; f; f = f->next) {
        struct members_why why = {0};
        struct members_change ch;
        const char *value = NULL;
        struct jsonbody_err e = {0};
        if (++n > PATCH_FIELDS_MAX)
            rc = api_fail(c, ZB_EINVAL, NULL, "一次修改的字段太多");
        else if (member_field_lookup(f->string) < 0)
            rc = api_fail(c, ZB_EINVAL, f->string, "不认识这个字段");
        else if (jsonbody_str(c->body, f->string, true, VALUE_MAX, &value, &e))
            rc = api_fail(c, ZB_EINVAL, f->string, e.message);
        else if ((rc = members_set(c->actor, id, f->string, value, 0, &ch, &why)))
            rc = why_fail(c, rc, &why, rc == ZB_ENOTFOUND ? "id" : f->string);
        if (rc) {
            cJSON_Delete(changes);
            return rc; /* the writer rolls back the fields changed before */
        }
        if (ch.changed)
            cJSON_AddItemToArray(changes, cJSON_CreateString(ch.detail));
    }
    struct member m;
    cJSON *j;
    if ((rc = member_get(id, &m)) || (rc = member_json(c->actor, &m, false, &j))) {
        cJSON_Delete(changes);
        return rc;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "member", j);
    cJSON_AddItemToObject(root, "changes", changes);
    return api_emit(c, root);
}

/* ---- GET /api/v1/branches ---- */

static int tree_node(const struct members_node *n, void *arg)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "id", (double)n->b->id);
    cJSON_AddNumberToObject(j, "parent_id", (double)n->b->parent_id);
    cJSON_AddStringToObject(j, "name", n->b->name);
    cJSON_AddStringToObject(j, "level", branch_level_id(n->b->level));
    cJSON_AddNumberToObject(j, "depth", n->depth);
    cJSON_AddNumberToObject(j, "members", n->t->members);
    cJSON_AddNumberToObject(j, "subtree_members", n->t->subtree);
    cJSON_AddItemToArray(arg, j);
    return ZB_OK;
}

static int api_branches(struct api_ctx *c)
{
    struct members_why why = {0};
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "branches");
    int rc = members_tree(c->actor, tree_node, arr, &why);
    if (rc) {
        cJSON_Delete(root);
        return why_fail(c, rc, &why, NULL);
    }
    return api_emit(c, root);
}

/* ---- GET /api/v1/audit ---- */

static int audit_row(const struct audit_row *r, void *arg)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "id", (double)r->id);
    cJSON_AddNumberToObject(j, "at", (double)r->at);
    cJSON_AddStringToObject(j, "actor", r->actor);
    cJSON_AddStringToObject(j, "action", r->action);
    cJSON_AddStringToObject(j, "action_name", audit_action_name(r->action));
    cJSON_AddStringToObject(j, "target", r->target);
    cJSON_AddStringToObject(j, "detail", r->detail);
    cJSON_AddStringToObject(j, "channel", r->channel);
    cJSON_AddItemToArray(arg, j);
    return ZB_OK;
}

static int api_audit(struct api_ctx *c)
{
    long limit = 50;
    const char *s = c->query(c, "limit");
    if (s) {
        if (!textfmt_digits(s, 1, 3, false) || (limit = strtol(s, NULL, 10)) < 1 ||
            limit > AUDIT_LIMIT_MAX)
            return api_fail(c, ZB_EINVAL, "limit", "应为 1 到 200 的整数");
    }
    struct members_why why = {0};
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "rows");
    int rc = members_audit_rows(c->actor, (int)limit, audit_row, arr, &why);
    if (rc) {
        cJSON_Delete(root);
        return why_fail(c, rc, &why, NULL);
    }
    return api_emit(c, root);
}

const struct api_route members_api_routes[MEMBERS_API_COUNT] = {
    {.method = API_POST,
     .pattern = "/api/v1/bind",
     .writes = true,
     .handler = api_bind,
     .summary = "Bind this login to a member with the one-time code of `zhibu member codes`",
     .access = API_UNBOUND},
    {.method = API_GET,
     .pattern = "/api/v1/me",
     .handler = api_me,
     .summary = "The member's own record (phone masked); 404 until bound",
     .access = API_UNBOUND},
    {.method = API_GET,
     .pattern = "/api/v1/members",
     .action = &members_view,
     .writes = true, /* the viewing is audited; one bounded page per call */
     .handler = api_members,
     .summary = "Members in the caller's scope, or in ?branch= within it, a page at a time "
                "(?after=ID&limit=N, N at most 200; next_after names the next page)",
     .query = "branch,after,limit"},
    {.method = API_GET,
     .pattern = "/api/v1/members/{id}",
     .action = &members_view,
     .handler = api_member,
     .summary = "One member's record (phone masked)"},
    {.method = API_PATCH,
     .pattern = "/api/v1/members/{id}",
     .action = &members_edit,
     .writes = true,
     .handler = api_member_patch,
     .summary = "Change fields of a record: {\"phone\": \"...\", ...} as `zhibu member set`"},
    {.method = API_GET,
     .pattern = "/api/v1/branches",
     .action = &members_view,
     .handler = api_branches,
     .summary = "The organisation tree in the caller's scope, with member counts"},
    {.method = API_GET,
     .pattern = "/api/v1/audit",
     .action = &members_audit,
     .handler = api_audit,
     .summary = "Audit rows about the caller's organisations, newest first",
     .query = "limit"},
};
_Static_assert(sizeof members_api_routes / sizeof members_api_routes[0] == MEMBERS_API_COUNT,
               "count");
