/*
 * bind.c - 绑定 / 解绑 and unbinding on unsubscribe (see bind.h). The rules - one-time codes,
 * the brute-force lock, the audit trail - live in bot/binding.c; this file is what the member
 * reads.
 */
#include "handlers/members/bind.h"

#include <stdio.h>
#include <string.h>

#include "bot/org/binding.h"
#include "bot/org/branch.h"
#include "bot/org/member.h"

static const char *const bind_keywords[] = {"绑定", "绑定账号", "绑定身份", NULL};
static const char *const unbind_keywords[] = {"解绑", "解除绑定", "取消绑定", NULL};

static struct bind_who sender(const struct handler_ctx *c)
{
    struct bind_who w = {platform_name(c->ev->platform), c->ev->account ? c->ev->account : "",
                         c->ev->user};
    return w;
}

/* greet - the welcome of a freshly bound member. */
static int greet(int64_t member_id, struct reply *out)
{
    struct member m;
    char where[BRANCH_PATH_MAX + 1] = "";
    int rc = member_get(member_id, &m);
    if (!rc && m.branch_id)
        rc = branch_path(m.branch_id, where, sizeof where);
    if (rc)
        return rc;
    reply_textf(out,
                "绑定成功！%s同志，您好。\n"
                "%s%s%s"
                "发送“我的”查看本人信息。\n回复 0 查看菜单。",
                m.name, where[0] ? "您所在的组织：" : "", where, where[0] ? "\n" : "");
    return ZB_OK;
}

/* minutes_until - whole minutes (at least 1) from now to t. */
static long minutes_until(int64_t now, int64_t t)
{
    long m = (long)((t - now + 59) / 60);
    return m < 1 ? 1 : m;
}

static int redeem(struct handler_ctx *c, const char *code, struct reply *out)
{
    struct bind_who w = sender(c);
    struct bind_outcome o;
    int rc = binding_redeem(&w, code, platform_name(c->ev->platform), c->now, &o);
    switch (rc) {
    case ZB_OK:
        if ((rc = router_session_end(c)))
            return rc;
        return greet(o.member_id, out);
    case ZB_EINVAL:
        reply_text(out, "绑定码是 6 位数字，请再发一次，例如：绑定 123456\n回复 0 取消。");
        return router_session_begin(c, &bind_handler, "code");
    case ZB_ENOTFOUND:
        if (o.failures_left > 0)
            reply_textf(out,
                        "绑定码不对，请核对后重新发送（还可以试 %d 次）。\n"
                        "绑定码向支部书记索取。回复 0 返回菜单。",
                        o.failures_left);
        else
            reply_textf(out,
                        "绑定码错误次数太多，请 %ld 分钟后再试，或请支部书记帮您绑定。\n"
                        "回复 0 返回菜单。",
                        minutes_until(c->now, o.locked_until));
        return router_session_end(c);
    case ZB_EBUSY:
        reply_textf(out,
                    "绑定码错误次数太多，请 %ld 分钟后再试，或请支部书记帮您绑定。\n"
                    "回复 0 返回菜单。",
                    minutes_until(c->now, o.locked_until));
        return router_session_end(c);
    case ZB_EDENIED: {
        struct member m;
        if ((rc = member_get(o.member_id, &m)))
            return rc;
        reply_textf(out,
                    "您已绑定为 %s，无需再次绑定。\n如需换成别人的身份，请先发送“解绑”。\n"
                    "回复 0 查看菜单。",
                    m.name);
        return router_session_end(c);
    }
    default:
        return rc;
    }
}

/* in_group - "绑定 123456" posted in a group: the code is public now, so it is not used but
 * renewed, and the sender is told to bind in a private chat (one short line). */
static int in_group(struct handler_ctx *c, struct reply *out)
{
    if (*c->arg) {
        int rc = binding_code_exposed(c->arg, platform_name(c->ev->platform), c->now, NULL);
        if (rc)
            return rc;
        reply_text(out,
                   "绑定请私聊我发送绑定码，不要发在群里。这个绑定码已作废，请向支部书记要新的。");
        return ZB_OK;
    }
    reply_text(out, "绑定请私聊我，发送“绑定”加绑定码。");
    return ZB_OK;
}

static int bind_on_message(struct handler_ctx *c, struct reply *out)
{
    if (c->ev->group)
        return in_group(c, out);
    if (*c->arg)
        return redeem(c, c->arg, out);
    if (c->member_id) {
        struct member m;
        int rc = member_get(c->member_id, &m);
        if (rc)
            return rc;
        reply_textf(out, "您已绑定为 %s，无需再次绑定。\n回复 0 查看菜单。", m.name);
        return ZB_OK;
    }
    reply_text(out, "请发送您的 6 位绑定码（向支部书记索取）。\n回复 0 取消。");
    return router_session_begin(c, &bind_handler, "code");
}

static int bind_on_session(struct handler_ctx *c, const char *state, struct reply *out)
{
    (void)state;
    const char *code = c->norm;
    if (strncmp(code, "绑定", strlen("绑定")) == 0) /* "绑定 123456" again, inside the session */
        code += strlen("绑定");
    return redeem(c, code, out);
}

/* bind_accepts - a bare six-digit message from a sender not bound yet, in a private chat, is
 * a binding code ("205543", or spoken: "二零五五四三"). */
static bool bind_accepts(const struct handler_ctx *c)
{
    if (c->member_id || c->ev->group || strlen(c->norm) != 6)
        return false;
    for (const char *p = c->norm; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

const struct handler bind_handler = {
    .name = "bind",
    .keywords = bind_keywords,
    .initials = (const char *const[]){"bd", NULL},
    .takes_arg = true,
    .private_only = true,
    .accepts = bind_accepts,
    .on_message = bind_on_message,
    .on_session = bind_on_session,
};

/* unbind_on_message - ask first: "回复 1 确认解绑". */
static int unbind_on_message(struct handler_ctx *c, struct reply *out)
{
    if (!c->member_id) {
        reply_text(out, "您还没有绑定，不需要解绑。\n回复 0 查看菜单。");
        return ZB_OK;
    }
    struct member m;
    int rc = member_get(c->member_id, &m);
    if (rc)
        return rc;
    reply_textf(out,
                "解绑后，这个账号不再关联%s的党员信息，以后要重新向支部书记索取绑定码。\n"
                "回复 1 确认解绑，回复 0 取消。",
                m.name);
    return router_session_begin(c, &unbind_handler, "confirm");
}

/* unbind_on_session - the answer to the question: 1 unbinds, anything else keeps the binding. */
static int unbind_on_session(struct handler_ctx *c, const char *state, struct reply *out)
{
    (void)state;
    int rc = router_session_end(c);
    if (rc)
        return rc;
    if (strcmp(c->norm, "1") != 0 && strcmp(c->norm, "确认") != 0 &&
        strcmp(c->norm, "确认解绑") != 0) {
        reply_text(out, "好的，没有解绑。\n回复 0 查看菜单。");
        return ZB_OK;
    }
    struct bind_who w = sender(c);
    int64_t was = 0;
    rc = binding_release(&w, "unbind_self", platform_name(c->ev->platform), c->now, &was);
    if (rc == ZB_ENOTFOUND) {
        reply_text(out, "您还没有绑定，不需要解绑。\n回复 0 查看菜单。");
        return ZB_OK;
    }
    if (rc)
        return rc;
    struct member m;
    if ((rc = member_get(was, &m)))
        return rc;
    reply_textf(out,
                "已解绑：这个账号不再关联%s的党员信息。\n"
                "以后要重新绑定，请向支部书记索取新的绑定码。\n回复 0 查看菜单。",
                m.name);
    return ZB_OK;
}

const struct handler unbind_handler = {
    .name = "unbind",
    .keywords = unbind_keywords,
    .private_only = true,
    .session_numbers = true,
    .on_message = unbind_on_message,
    .on_session = unbind_on_session,
};

/* unfollow_on_message - WeChat unsubscribe: drop the binding, say nothing (no one to say it to). */
static int unfollow_on_message(struct handler_ctx *c, struct reply *out)
{
    (void)out;
    if (c->ev->platform != PLATFORM_WECHAT)
        return ZB_OK;
    struct bind_who w = sender(c);
    int64_t was = 0;
    int rc = binding_release(&w, "unfollow", platform_name(c->ev->platform), c->now, &was);
    return rc == ZB_ENOTFOUND ? ZB_OK : rc;
}

const struct handler unfollow_handler = {
    .name = "unfollow",
    .events = EVBIT(EV_UNFOLLOW),
    .on_message = unfollow_on_message,
};
