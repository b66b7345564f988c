/* me.c - 我的: the member's own record (see me.h). */
#include "handlers/members/me.h"

#include <string.h>

#include "bot/chat/platform.h"
#include "bot/base/buf.h"
#include "bot/org/identity.h"
#include "bot/org/member.h"
#include "bot/org/role.h"

#define ME_MAX       4096
#define ME_PLATFORMS 16

static const char *const me_keywords[] = {"我的", "我的信息", "个人信息", "我的资料", NULL};

/* The fields shown, in order; an unknown value is left out. */
static const enum member_field shown[] = {
    MF_NAME,  MF_BRANCH,    MF_GROUP,           MF_STATUS,   MF_ROLES,
    MF_PHONE, MF_JOINED_ON, MF_PROBATION_START, MF_CATEGORY, MF_INCOME,
    MF_POST,  MF_EDUCATION, MF_BIRTH_YEAR,
};

static int me_on_message(struct handler_ctx *c, struct reply *out)
{
    if (c->ev->group) {
        reply_text(out, "为保护个人信息，请私聊我发送“我的”查看。");
        return ZB_OK;
    }
    struct member m;
    int rc = member_get(c->member_id, &m);
    if (rc)
        return rc;
    struct buf b;
    buf_init(&b, ME_MAX);
    rc = buf_appendz(&b, "【我的信息】\n");
    for (size_t i = 0; !rc && i < sizeof shown / sizeof shown[0]; i++) {
        char v[MEMBER_SHOW_MAX];
        if ((rc = member_field_show(&m, shown[i], false, v, sizeof v)) || !v[0])
            continue;
        rc = buf_appendf(&b, "%s：%s%s\n", member_field_label(shown[i]), v,
                         shown[i] == MF_INCOME ? " 元" : "");
    }
    /* exemption from statistics is the secretary's bookkeeping: the member is not told */
    struct identity ids[ME_PLATFORMS];
    size_t n = 0;
    if (!rc)
        rc = identity_list(m.id, ids, ME_PLATFORMS, &n);
    if (!rc && n) {
        rc = buf_appendz(&b, "已绑定：");
        const char *said[ME_PLATFORMS];
        size_t n_said = 0;
        for (size_t i = 0; !rc && i < n; i++) {
            const char *label = platform_member_label(ids[i].platform);
            bool dup = false;
            for (size_t k = 0; k < n_said; k++)
                dup = dup || said[k] == label; /* labels are static strings */
            if (dup)
                continue;
            rc = buf_appendf(&b, "%s%s", n_said ? "、" : "", label);
            said[n_said++] = label;
        }
        if (!rc)
            rc = buf_appendz(&b, "\n");
    }
    if (!rc)
        rc = buf_appendz(&b,
                         (m.roles & ROLE_SECRETARY)
                             ? "信息需要更正时，可以在成员管理里直接修改。\n回复 0 返回菜单。"
                             : "信息有误，请发送“留言”告诉支部，我们来更正。\n回复 0 返回菜单。");
    if (!rc)
        reply_text(out, buf_str(&b));
    buf_free(&b);
    return rc;
}

const struct handler me_handler = {
    .name = "me",
    .keywords = me_keywords,
    .initials = (const char *const[]){"wd", NULL},
    .members_only = true,
    .menu_no = 8,
    .menu_label = "我的信息",
    .on_message = me_on_message,
};
