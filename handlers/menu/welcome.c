/*
 * welcome.c - greet a new follower (or a new friend of the QQ bot) with the menu; in a group,
 * greet the newcomer with what works in the group and say how to bind. Both list only what the
 * menu offers now (built from the handler table), never a feature that does not exist.
 */
#include "handlers/menu/welcome.h"

#include <string.h>

#include "handlers/menu/help.h"

#define WELCOME_MAX 4096

/* group_welcome - the group's greeting: the menu labels that work in a group, one line. */
static int group_welcome(struct handler_ctx *c, struct buf *b)
{
    struct buf menu;
    buf_init(&menu, WELCOME_MAX);
    int rc = router_menu_ctx(&menu, c);
    if (!rc)
        rc = buf_appendz(b, "欢迎！我是本群的支部小助手。\n");
    if (!rc && buf_str(&menu)[0]) {
        /* "1 今日学习\n7 给支部留言\n" -> "今日学习、给支部留言" */
        rc = buf_appendz(b, "在群里 @我 发送“帮助”，可以使用：");
        bool first = true;
        for (const char *p = buf_str(&menu); *p && !rc;) {
            const char *nl = strchr(p, '\n');
            const char *sp = strchr(p, ' ');
            size_t end = nl ? (size_t)(nl - p) : strlen(p);
            if (sp && (size_t)(sp - p) < end) {
                rc = buf_appendz(b, first ? "" : "、");
                if (!rc)
                    rc = buf_append(b, sp + 1, end - (size_t)(sp - p) - 1);
                first = false;
            }
            p += end + (nl != NULL);
        }
        if (!rc)
            rc = buf_appendz(b, "。\n");
    }
    if (!rc)
        rc = buf_appendz(b, "绑定党员身份：私聊我发送“绑定”加绑定码（如：绑定 123456），"
                            "绑定码请向支部书记索取。");
    buf_free(&menu);
    return rc;
}

static int welcome_on_message(struct handler_ctx *c, struct reply *out)
{
    struct buf b;
    buf_init(&b, WELCOME_MAX);
    int rc;
    if (c->ev->group) {
        rc = group_welcome(c, &b);
    } else {
        rc = buf_appendz(&b, "欢迎关注！我是支部小助手，回复一个数字就能办事。\n\n");
        if (!rc)
            rc = help_menu_for(&b, c);
    }
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
