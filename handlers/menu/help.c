/*
 * help.c - the menu and the kind answer to what was not understood.
 *
 * The menu is built from the handler table on every request, so it lists exactly the
 * capabilities that exist. Older members get the same short menu whatever they typed, so there
 * is never a dead end.
 */
#include "handlers/menu/help.h"

#include <string.h>

#include "bot/base/textfmt.h"
#include "handlers/feedback/feedback.h"

#define MENU_MAX 4096

static const char *const help_keywords[] = {"帮助", "菜单", "0",    "?",      "help", "menu",
                                            "取消", "退出", "返回", "主菜单", NULL};

/* menu - title, the numbered lines the sender of c sees (all members when c is NULL), how to
 * come back; the commands the sender's roles allow; for the unbound, how to bind. */
static int menu(struct buf *b, const struct handler_ctx *c)
{
    bool member = !c || c->member_id != 0;
    int rc = buf_appendz(b, "【支部小助手】请回复数字或文字：\n");
    if (!rc)
        rc = c ? router_menu_ctx(b, c) : router_menu_for(b, true);
    if (!rc)
        rc = buf_appendz(b, "0 查看本菜单");
    if (!rc && c)
        rc = router_commands(b, c, "\n管理：");
    if (!rc && !member && !(c && c->ev->group))
        rc = buf_appendz(b, "\n" HELP_BIND_LINE);
    return rc;
}

int help_menu_text(struct buf *b)
{
    return menu(b, NULL);
}

int help_menu_for(struct buf *b, const struct handler_ctx *c)
{
    return menu(b, c);
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
    .initials = (const char *const[]){"bz", "cd", NULL},
    .leaves_session = true,
    .on_message = help_on_message,
};

/* The words that pass the sender's last unmatched message on to the branch as a 留言. */
static const char *const forward_words[] = {"转给支部", "回复转给支部", "回复 转给支部", "转支部",
                                            NULL};

/* media_tag - what the secretary sees in place of a picture, voice or file. */
static const char *media_tag(enum event_kind k)
{
    switch (k) {
    case EV_IMAGE:
        return "[图片]";
    case EV_VOICE:
        return "[语音]";
    default:
        return "[文件]";
    }
}

/* offer - keep what (the text, or a media tag and the platform's link or id) in the fallback's
 * session and offer to pass it on: "回复“转给支部”". */
static int offer(struct handler_ctx *c, const char *prefix, const char *what, struct reply *out)
{
    struct buf b;
    buf_init(&b, MENU_MAX);
    int rc = buf_appendz(&b, prefix);
    const struct handler *h = c->ev->kind == EV_TEXT ? router_menu_word(c, c->norm) : NULL;
    if (!rc && h)
        rc = buf_appendf(&b, "您是想看“%s”吗？回复 %d\n", h->menu_label ? h->menu_label : h->name,
                         h->menu_no);
    bool keep = strlen(what) <= FEEDBACK_MAX_BYTES;
    if (!rc && keep)
        rc = buf_appendz(&b, "要把这条消息转给支部，请回复“转给支部”。\n");
    if (!rc)
        rc = buf_appendz(&b, "\n");
    if (!rc) /* and the menu: never a dead end */
        rc = help_menu_for(&b, c);
    if (!rc)
        reply_text(out, buf_str(&b));
    buf_free(&b);
    if (!rc && keep)
        rc = router_session_begin(c, &fallback_handler, what);
    return rc;
}

/* offer_media - a picture, file or unrecognised voice: tag plus what the platform gave. */
static int offer_media(struct handler_ctx *c, const char *prefix, struct reply *out)
{
    struct buf b;
    buf_init(&b, FEEDBACK_MAX_BYTES + 64);
    int rc = buf_appendz(&b, media_tag(c->ev->kind));
    if (!rc && *c->ev->text)
        rc = buf_appendf(&b, " %s", c->ev->text);
    if (!rc)
        rc = offer(c, prefix, buf_str(&b), out);
    else if (rc == ZB_ETOOBIG)
        rc = offer(c, prefix, media_tag(c->ev->kind), out);
    buf_free(&b);
    return rc;
}

/* still_open - a picture, voice or location came in while another handler's conversation
 * (a quiz round) is open: say what was received and how to go on; the conversation stays. */
static int still_open(struct handler_ctx *c, const char *got, struct reply *out)
{
    const struct handler *p = c->pending;
    if (p->menu_label)
        reply_textf(out, "%s您正在进行“%s”，请接着用文字回复。\n回复 0 退出。", got, p->menu_label);
    else
        reply_textf(out, "%s您还有一项操作没有完成，请接着用文字回复。\n回复 0 退出。", got);
    return ZB_OK;
}

static int fallback_on_message(struct handler_ctx *c, struct reply *out)
{
    if (c->pending && c->ev->kind != EV_TEXT) {
        switch (c->ev->kind) {
        case EV_VOICE:
            return still_open(c, "抱歉，没有听清您的语音。\n", out);
        case EV_IMAGE:
            return still_open(c, "已收到您的图片。\n", out);
        case EV_LOCATION:
            return still_open(c, "已收到您的位置。\n", out);
        case EV_LINK:
            return still_open(c, "已收到您分享的链接。\n", out);
        default:
            return still_open(c, "已收到。\n", out);
        }
    }
    switch (c->ev->kind) {
    case EV_VOICE:
        return offer_media(
            c, "抱歉，没有听清您的语音。\n请直接打字发送，比如发送“帮助”或数字 0。\n", out);
    case EV_IMAGE:
        return offer_media(c, "已收到您的图片。\n", out);
    case EV_LOCATION:
        return menu_reply(c, "已收到您的位置。\n\n", out);
    case EV_LINK:
        return menu_reply(c, "已收到您分享的链接。\n\n", out);
    case EV_MEDIA:
        return offer_media(c, "已收到。\n", out);
    default:
        if (c->ev->kind == EV_MENU_CLICK) /* a button of a menu the account no longer has */
            return menu_reply(c, "这个菜单按钮已停用，请回复下面的数字或文字。\n\n", out);
        if (!*c->norm) /* a bare @ in a group, or nothing but spaces */
            return menu_reply(c, "", out);
        if (strcmp(c->norm, "+") == 0 || strcmp(c->norm, "更多") == 0) { /* no pages kept */
            reply_text(out, "没有更多内容了。\n回复 0 查看菜单。");
            return ZB_OK;
        }
        if (textfmt_digits(c->norm, 1, 2, true)) /* a number the menu does not have */
            return menu_reply(c, "菜单里没有这个数字，请从下面选一个：\n\n", out);
        for (const char *const *w = forward_words; *w; w++)
            if (strcmp(c->norm, *w) == 0) { /* nothing kept (any more) to pass on */
                reply_text(out, "请直接发送“留言”加您想说的话，例如：留言 路灯坏了\n"
                                "回复 0 查看菜单。");
                return ZB_OK;
            }
        return offer(c, "抱歉，没看懂您的意思。\n", c->ev->text, out);
    }
}

/* fallback_on_session - "转给支部" passes the kept message on as a 留言; anything else that
 * nothing matched is a new message to keep and offer. */
static int fallback_on_session(struct handler_ctx *c, const char *state, struct reply *out)
{
    for (const char *const *w = forward_words; *w; w++)
        if (strcmp(c->norm, *w) == 0) {
            int rc = feedback_add(c->ev, state, c->now, NULL);
            if (rc)
                return rc;
            reply_text(out, "已转给支部，支部会尽快查看并答复您。\n回复 0 返回菜单。");
            return router_session_end(c);
        }
    if (c->ev->scope != SCOPE_ALL) /* overheard group chatter: drop the offer, say nothing */
        return router_session_end(c);
    return fallback_on_message(c, out);
}

const struct handler fallback_handler = {
    .name = "fallback",
    .fallback = true,
    .events =
        EVBIT(EV_VOICE) | EVBIT(EV_IMAGE) | EVBIT(EV_LOCATION) | EVBIT(EV_LINK) | EVBIT(EV_MEDIA),
    .on_message = fallback_on_message,
    .on_session = fallback_on_session,
};
