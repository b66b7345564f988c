/*
 * welcome.c - greet a new follower (or a new friend of the QQ bot) with what the assistant does
 * and the menu; in a group, greet the newcomer and say how to ask and how to bind.
 */
#include "handlers/menu/welcome.h"

#include "handlers/menu/help.h"

/* In a group the menu would be noise for everyone else: say how to reach it instead. */
#define GROUP_WELCOME                                                                              \
    "欢迎！我是本群的支部小助手。\n"                                                 \
    "在群里 @我 发送“帮助”，可以查看学习、通知、留言等功能。\n"       \
    "绑定党员身份：私聊我发送“绑定”加绑定码（如：绑定 123456），绑定码请向支部书记索取。"

static int welcome_on_message(struct handler_ctx *c, struct reply *out)
{
    if (c->ev->group) {
        reply_text(out, GROUP_WELCOME);
        return ZB_OK;
    }
    struct buf b;
    buf_init(&b, 4096);
    int rc = buf_appendz(&b, "欢迎关注！我是支部小助手。\n"
                             "学习、通知、留言，在这里回复一个数字就能办。\n\n");
    if (!rc)
        rc = help_menu_for(&b, c);
    if (!rc)
        reply_text(out, buf_str(&b));
    buf_free(&b);
    return rc;
}

const struct handler welcome_handler = {
    .name = "welcome",
    .events = EVBIT(EV_FOLLOW),
    .on_message = welcome_on_message,
};
