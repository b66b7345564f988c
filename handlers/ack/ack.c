/*
 * ack.c - the acknowledgement handler and its hooks (see ack.h).
 *
 * The words are few on purpose: what older members actually send after a notice or a reply.
 * "好" alone and "嗯" are included because voice input often yields them; "谢谢书记" because
 * members thank the secretary through the assistant.
 */
#include "handlers/ack/ack.h"

#include <string.h>

static const char *const ack_words[] = {
    "收到",   "收到了",   "好的",   "好",       "好嘞", "嗯",   "嗯嗯",   "知道了", "明白",
    "ok",     "好的收到", "已收到", "收到收到", "👍",    "[强]", "[抱拳]", "[ok]",   "[握手]",
    "[表情]", "谢谢",     "谢谢你", "谢谢书记", "感谢", "你好", "您好",   NULL};

static ack_hook_fn hooks[ACK_HOOKS_MAX];
static size_t n_hooks;

int ack_register(ack_hook_fn hook)
{
    for (size_t i = 0; i < n_hooks; i++)
        if (hooks[i] == hook)
            return ZB_OK;
    if (n_hooks == ACK_HOOKS_MAX)
        return ZB_ETOOBIG;
    hooks[n_hooks++] = hook;
    return ZB_OK;
}

/* line - the one short line for word: a greeting, thanks, or an acknowledgement. */
static const char *line(const char *word)
{
    if (strcmp(word, "你好") == 0 || strcmp(word, "您好") == 0)
        return "您好！我是支部小助手，有事随时找我。\n回复 0 查看菜单。";
    if (strncmp(word, "谢谢", strlen("谢谢")) == 0 || strcmp(word, "感谢") == 0)
        return "不客气！\n需要时回复 0 查看菜单。";
    return "好的，收到。\n需要时回复 0 查看菜单。";
}

static int ack_on_message(struct handler_ctx *c, struct reply *out)
{
    bool handled = false, silent = false;
    for (size_t i = 0; i < n_hooks && !handled; i++) {
        int rc = hooks[i](c, c->norm, &handled, &silent, out);
        if (rc)
            return rc;
    }
    /* in a group, zhibu speaks only when it was addressed */
    if (silent || (c->ev->group && c->ev->scope != SCOPE_ALL)) {
        reply_free(out);
        return ZB_OK;
    }
    if (out->kind == REPLY_NONE)
        reply_text(out, line(c->norm));
    return ZB_OK;
}

const struct handler ack_handler = {
    .name = "ack",
    .keywords = ack_words,
    .initials = (const char *const[]){"sd", NULL},
    .on_message = ack_on_message,
};
