/* roster.c - the member list in chat, for those whose role allows it (see roster.h). */
#include "handlers/members/roster.h"

#include <stdio.h>

#include "bot/base/buf.h"
#include "handlers/members/members.h"

#define ROSTER_MAX (1024 * 1024) /* ~20,000 lines; the router pages it for the platform */

static const char *const roster_keywords[] = {"成员", "党员名单", "成员名单", NULL};

struct roster {
    struct buf b; /* the reply */
    int n;        /* members listed */
    int bound;    /* of those, bound to a chat account */
};

static int line(const struct members_row *row, void *arg)
{
    const struct member *m = row->m;
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
    /* the member's number, not a running index: 缴费 and the CLI take it */
    return buf_appendf(&r->b, "%lld %s%s%s%s %s%s\n", (long long)m->id, m->name,
                       m->status == STATUS_PROBATIONARY ? "（预备）" : "", roles[0] ? " " : "",
                       roles, phone[0] ? phone : "无手机号", n ? "" : " 未绑定");
}

/* The role (members_view) is checked by the router before this runs (the handler's action). */
static int roster_on_message(struct handler_ctx *c, struct reply *out)
{
    if (c->ev->group) {
        reply_text(out, "为保护党员个人信息，请私聊我发送“成员”查看名单。");
        return ZB_OK;
    }
    struct actor a = actor_member(c->member_id, platform_name(c->ev->platform));
    struct members_why why = {0};
    struct roster r = {.n = 0};
    buf_init(&r.b, ROSTER_MAX);
    int64_t root = 0;
    /* the heading needs the root: the rows go to a second buffer first */
    struct roster rows = {.n = 0};
    buf_init(&rows.b, ROSTER_MAX);
    int rc = members_roster(&a, line, &rows, &root, &why);
    if (rc == ZB_EDENIED) {
        reply_textf(out, "%s\n回复 0 返回菜单。", why.refusal);
        rc = ZB_OK;
        goto done;
    }
    char path[BRANCH_PATH_MAX + 1];
    if (!rc)
        rc = branch_path(root, path, sizeof path);
    if (!rc)
        rc = buf_appendf(&r.b,
                         "【%s 党员名单】\n编号 姓名 职务 手机号\n%s共 %d 人，已绑定 %d "
                         "人。\n回复 0 返回菜单。",
                         path, buf_str(&rows.b), rows.n, rows.bound);
    if (!rc)
        reply_text(out, buf_str(&r.b));
done:
    buf_free(&rows.b);
    buf_free(&r.b);
    return rc;
}

const struct handler roster_handler = {
    .name = "roster",
    .keywords = roster_keywords,
    .members_only = true,
    .action = &members_view,
    .command = "成员",
    .private_only = true,
    .on_message = roster_on_message,
};
