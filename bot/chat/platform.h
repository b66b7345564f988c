/*
 * platform.h - the platform table: one row per platform zhibu speaks, with what the engine needs
 * to know of it - its id as stored, its Chinese labels, its text limit and the shape of its
 * passive reply. The adapters and send clients (webhook/) are attached to these rows by the
 * composition root (bot/app/serve.c); bot/ never names them.
 *
 * "wxmini" (the mini-program) answers its message push with "success" and replies through the
 * customer-service API via the outbox (PLATFORM_REPLY_NONE).
 */
#ifndef ZHIBU_PLATFORM_H
#define ZHIBU_PLATFORM_H

#include <stddef.h>

#include "bot/chat/event.h"

/* How the platform's webhook answers a message in the same HTTP exchange. */
enum platform_reply {
    PLATFORM_REPLY_NONE = 0, /* no passive reply: everything through the send API */
    PLATFORM_REPLY_XML,      /* WeChat: the reply message as XML (encrypted in safe mode) */
    PLATFORM_REPLY_QUICK,    /* OneBot: the quick-operation JSON, the rest through the outbox */
    PLATFORM_REPLY_ACK,      /* QQ bot: an ACK only; replies go through the API by message id */
};

struct platform_info {
    enum platform id;  /* PLATFORM_COUNT for a row that receives no events yet */
    const char *name;  /* "wechat": as stored in events, identities, group rules */
    const char *label; /* for the operator and secretary: "微信公众号", "QQ 机器人" */
    const char *member_label;  /* for a member, who does not tell the QQ ways apart: "QQ" */
    size_t reply_chars;        /* the router pages a reply at this many characters */
    enum platform_reply reply; /* the passive reply's shape */
};

/* platform_get - the row of p, or NULL when p is not a platform. */
const struct platform_info *platform_get(enum platform p);

/* platform_find - the row named name ("wechat", "onebot", "qqbot", "wxmini"), or NULL. */
const struct platform_info *platform_find(const char *name);

/* platform_label - the operator's label of the platform named name, or name itself when
 * unknown (static or name). */
const char *platform_label(const char *name);

/* platform_member_label - the member's label of the platform named name, or name itself. */
const char *platform_member_label(const char *name);

#endif
