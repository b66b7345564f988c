/*
 * onebot.h - the OneBot v11 HTTP POST adapter at /qq/onebot (NapCat, LLOneBot, Lagrange,
 * go-cqhttp; see shared/protocols/qq.md section 1).
 *
 * Order of checks, each failing with its own status and log line, nothing parsed before the
 * signature: X-Signature when onebot.secret is set (missing 401, malformed or wrong 403);
 * X-Self-ID against onebot.self_id when that is set (403); the JSON body (400), whose self_id
 * must equal X-Self-ID (400). Message events (private and group, `message` as a CQ string or a
 * segment array) and the notices group_increase, group_decrease and friend_add become events
 * for the router; everything else (meta events, requests, our own messages) gets 204. In a
 * group, the group's rules (group_rules.h) and whether the message @s the bot or starts with
 * the prefix decide how far it reaches (event.h, enum event_scope).
 *
 * The answer to a message is the quick-operation JSON: {"reply":[text segment],"at_sender":B}
 * with B true in groups (the member who asked is @-ed; the default differs between
 * implementations, so it is always sent) and absent in private chats; 204 when there is
 * nothing to say. A long answer is split (qq_text.h): the first part is the quick reply, the
 * rest are outbox rows to the same group or user, 2 s later so they arrive after it. Notices
 * have no quick operation: their answer (the welcome) goes through the outbox entirely.
 */
#ifndef ZHIBU_ONEBOT_H
#define ZHIBU_ONEBOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/app/config.h"
#include "bot/chat/event.h"
#include "webhook/http/http.h"

#define ONEBOT_ID_MAX 24 /* decimal int64 and the NUL */

enum onebot_what {
    OB_IGNORE = 0, /* meta event, request, our own message, a notice we do not use: 204 */
    OB_MESSAGE,    /* a message event */
    OB_JOIN,       /* notice group_increase */
    OB_LEAVE,      /* notice group_decrease */
    OB_FRIEND,     /* notice friend_add */
};

/* One HTTP POST report, parsed. */
struct onebot_report {
    enum onebot_what what;
    const char *why;                /* OB_IGNORE: what it was, for the debug log */
    char self_id[ONEBOT_ID_MAX];    /* the bot's QQ number */
    char user[ONEBOT_ID_MAX];       /* the sender, or the member who joined or left */
    char group[ONEBOT_ID_MAX];      /* the group, "" in private chats */
    char message_id[ONEBOT_ID_MAX]; /* messages: int32, may be negative */
    char notice[24];                /* notices: notice_type */
    int64_t time;                   /* the report's time, 0 when absent */
    bool anonymous;                 /* an anonymous group message (recorded only) */
    bool at_me;                     /* the message has an at segment for self_id */
    char quote_id[ONEBOT_ID_MAX];   /* messages: the id a reply segment quotes, "" when none */
    enum event_kind kind;           /* messages: EV_TEXT, EV_IMAGE, ... */
    char *text;                     /* messages: text, codes resolved, trimmed; owned */
};

/*
 * onebot_parse - the JSON report body (len bytes) into *out (free with onebot_report_free, also
 * on error). ZB_EPARSE when it is not a OneBot v11 report (no object, no post_type or self_id,
 * a message without its ids or content), ZB_ETOOBIG when the message has too many segments.
 */
int onebot_parse(const char *body, size_t len, struct onebot_report *out) ZB_MUST_USE;
void onebot_report_free(struct onebot_report *r);

/* onebot_init - check the onebot section (self_id digits, prefix length); err names the key. */
int onebot_init(const struct config *cfg, char *err, size_t errsz) ZB_MUST_USE;

/* onebot_handle - the /qq/onebot route (POST). */
void onebot_handle(const struct config *cfg, struct http_request *req, struct http_response *resp);

#endif
