/* roster.c - the member list in chat, for those whose role allows it (see roster.h). */
#include "handlers/members/roster.h"

#include <stdio.h>

#include "bot/org/audit.h"
#include "bot/org/branch.h"
#include "bot/base/buf.h"
#include "bot/org/identity.h"
#include "bot/org/member.h"
#include "bot/org/role.h"

#define ROSTER_MAX (1024 * 1024) /* ~20,000 lines; the router pages it for the platform */

static const char *const roster_keywords[] = {"成员", "党员名单", "成员名单", NULL};

struct roster {
    struct buf b; /* the reply */
    int n;        /* members listed */
    int bound;    /* of those, bound to a chat account */
};

static int line(const struct member *m, void *arg)
{
    struct roster *r = arg;
    struct identity id;
    size_t n = 0;
    char roles[ROLE_TEXT_MAX] = "", phone[24];
    int rc = identity_list(m->id, &id, 1, &n);
    if (rc)
        return rc;
    if (m->roles)
        role_names(m->roles, roles, sizeof roles);
    member_mask_phone(m->phone, phone, sizeof phone);
    r->n++;
    r->bound += n > 0;
    return buf_appendf(&r->b, "%d. %s%s%s%s %s%s\n", r->n, m->name,
                       m->status == STATUS_PROBATIONARY ? "（预备）" : "", roles[0] ? " " : "",
                       roles, phone[0] ? phone : "无手机号", n ? "" : " 未绑定");
}

static int roster_on_message(struct handler_ctx *c, struct reply *out)
{
    if (c->ev->group) {
        reply_text(out, "为保护党员个人信息，请私聊我发送“成员”查看名单。");
        return ZB_OK;
    }
    int64_t root = 0;
    const char *refusal = NULL;
    int rc = role_scope(c->member_id, ACT_VIEW_MEMBERS, &root, &refusal);
    if (rc == ZB_EDENIED) {
        reply_textf(out, "%s\n回复 0 返回菜单。", refusal);
        return ZB_OK;
    }
    if (rc)
        return rc;
    char path[BRANCH_PATH_MAX + 1];
    if ((rc = branch_path(root, path, sizeof path)))
        return rc;
    struct roster r = {.n = 0};
    buf_init(&r.b, ROSTER_MAX);
    rc = buf_appendf(&r.b, "【%s 党员名单】\n", path);
    if (!rc)
        rc = member_each(root, line, &r);
    if (!rc)
        rc = buf_appendf(&r.b, "共 %d 人，已绑定 %d 人。\n回复 0 返回菜单。", r.n, r.bound);
    char actor[AUDIT_ACTOR_MAX], target[48], detail[64];
    audit_member_actor(c->member_id, actor, sizeof actor);
    snprintf(target, sizeof target, "branch:%lld", (long long)root);
    snprintf(detail, sizeof detail, "%d 人", r.n);
    if (!rc)
        rc = audit_write(actor, "view_members", target, detail, platform_name(c->ev->platform),
                         c->now);
    if (!rc)
        reply_text(out, buf_str(&r.b));
    buf_free(&r.b);
    return rc;
}

const struct handler roster_handler = {
    .name = "roster",
    .keywords = roster_keywords,
    .members_only = true,
    .on_message = roster_on_message,
};
