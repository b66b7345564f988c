/*
 * help.c - the menu and the kind answer to what was not understood.
 *
 * The menu is built from the handler table on every request, so it lists exactly the
 * capabilities that exist. Older members get the same short menu whatever they typed, so there
 * is never a dead end.
 */
#include "handlers/menu/help.h"

#include <string.h>

#define MENU_MAX 4096

static const char *const help_keywords[] = {"帮助", "菜单", "0",    "?",      "help", "menu",
                                            "取消", "退出", "返回", "主菜单", NULL};

/* menu - title, the numbered lines a member (or a sender not bound yet) sees, how to come back;
 * for the unbound, how to bind. */
static int menu(struct buf *b, bool member)
{
    int rc = buf_appendz(b, "【支部小助手】请回复数字或文字：\n");
    if (!rc)
        rc = router_menu_for(b, member);
    if (!rc)
        rc = buf_appendz(b, "0 查看本菜单");
    if (!rc && !member)
        rc = buf_appendz(b, "\n" HELP_BIND_LINE);
    return rc;
}

int help_menu_text(struct buf *b)
{
    return menu(b, true);
}

int help_menu_for(struct buf *b, const struct handler_ctx *c)
{
    return menu(b, c->member_id != 0);
}

/* menu_reply - prefix (may be "") followed by the menu the sender of c sees. */
static int menu_reply(const struct handler_ctx *c, const char *prefix, struct reply *out)
{
    struct buf b;
    buf_init(&b, MENU_MAX);
    int rc = buf_appendz(&b, prefix);
    if (!rc)
        rc = help_menu_for(&b, c);
    if (!rc)
        reply_text(out, buf_str(&b));
    buf_free(&b);
    return rc;
}

static int help_on_message(struct handler_ctx *c, struct reply *out)
{
    return menu_reply(c, c->left_session ? "已退出当前操作。\n\n" : "", out);
}

const struct handler help_handler = {
    .name = "help",
    .keywords = help_keywords,
    .leaves_session = true,
    .on_message = help_on_message,
};

static int fallback_on_message(struct handler_ctx *c, struct reply *out)
{
    switch (c->ev->kind) {
    case EV_VOICE:
        return menu_reply(
            c, "抱歉，没有听清您的语音。\n请直接打字发送，比如发送“帮助”或数字 0。\n\n", out);
    case EV_IMAGE:
        return menu_reply(c, "已收到您的图片。\n\n", out);
    case EV_LOCATION:
        return menu_reply(c, "已收到您的位置。\n\n", out);
    case EV_LINK:
        return menu_reply(c, "已收到您分享的链接。\n\n", out);
    case EV_MEDIA:
        return menu_reply(c, "已收到。\n\n", out);
    default:
        return menu_reply(c, "抱歉，没看懂您的意思。\n\n", out);
    }
}

const struct handler fallback_handler = {
    .name = "fallback",
    .fallback = true,
    .events =
        EVBIT(EV_VOICE) | EVBIT(EV_IMAGE) | EVBIT(EV_LOCATION) | EVBIT(EV_LINK) | EVBIT(EV_MEDIA),
    .on_message = fallback_on_message,
};
