/* welcome.c - greet a new follower with what the assistant does and the menu. */
#include "handlers/welcome.h"

#include "handlers/help.h"

static int welcome_on_message(struct handler_ctx *c, struct reply *out)
{
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
