/*
 * qqbot.h - the QQ open-platform bot's webhook at /qq/bot (shared/protocols/qq.md section 2).
 *
 * Order of checks: X-Bot-Appid, when sent, is qqbot.app_id (403); when the request carries
 * X-Signature-Ed25519 or X-Signature-Timestamp, both must be there and verify over the
 * timestamp followed by the raw body with the key derived from qqbot.secret, before anything is
 * parsed (401), and the timestamp must lie inside qqbot.timestamp_window_s when that is set
 * (401); the body must be a JSON payload (400). An unsigned request is read only to answer the
 * op 13 URL validation, which the platform may send unsigned; anything else unsigned gets 401.
 *
 * op 13 is answered with {"plain_token","signature"} (Ed25519 over event_ts ‖ plain_token).
 * Both are restricted to digits and [A-Za-z0-9_-] so that this answer can never be a signature
 * over a JSON body: the signed bytes of a callback are timestamp ‖ body, and a body starts with
 * '{'. Every dispatch (op 0) is recorded and answered with {"op":12,"d":0} as soon as the event
 * and its reply are committed (no platform API is called on the request path; 500 with
 * {"op":12,"d":1} when they cannot be, which asks the platform to retry).
 *
 * Events: GROUP_AT_MESSAGE_CREATE (always addressed to the bot) and C2C_MESSAGE_CREATE are
 * messages; GROUP_MESSAGE_CREATE (every group message, where a group allows it; newer than the
 * docs we read) is a message overheard, reaching only what the group's rules allow;
 * GROUP_ADD_ROBOT and FRIEND_ADD are follows (the welcome); GROUP_DEL_ROBOT, FRIEND_DEL,
 * GROUP_MSG_REJECT/RECEIVE, C2C_MSG_REJECT/RECEIVE and INTERACTION_CREATE are recorded only.
 *
 * A message is logged under the platform's message id itself (msg_key = d.id): the outbox's
 * channel choice (bot/channel.c) finds the message to answer by it. Other events are keyed by
 * their event id.
 *
 * Replies are passive messages through the outbox, one row per part (qq_text.h): reply_to is
 * the message's id, seq is msg_seq 1, 2, ... (at most 5), expires_at is the platform's window
 * from the message's time: 5 minutes in a group, 60 in C2C. GROUP_ADD_ROBOT and FRIEND_ADD
 * (the welcome) are answered passively to the event: reply_to is QQBOT_EVENT_PREFIX + the
 * event id, which qqbot_api sends as event_id. Other events' replies are queued as one active
 * message when qqbot.active_push is on, and otherwise only logged.
 */
#ifndef ZHIBU_QQBOT_H
#define ZHIBU_QQBOT_H

/* reply_to of a passive reply to an event (not a message): this prefix and the event id. */
#define QQBOT_EVENT_PREFIX  "event:"
#define QQBOT_EVENT_REF_MAX 160

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/app/config.h"
#include "bot/chat/event.h"
#include "webhook/http/http.h"

#define QQBOT_ID_MAX       128  /* an id or openid, in bytes (message ids are ~75) */
#define QQBOT_TOKEN_MAX    128  /* op 13 plain_token, in bytes */
#define QQBOT_GROUP_WINDOW 300  /* seconds a group message can be answered */
#define QQBOT_C2C_WINDOW   3600 /* seconds a C2C message can be answered */

enum qqbot_what {
    QB_IGNORE = 0, /* an op or event zhibu does not use: ACK */
    QB_VALIDATE,   /* op 13 */
    QB_EVENT,      /* a dispatch that becomes an event */
};

/* One callback payload, parsed. Strings are owned; absent ones are NULL. */
struct qqbot_payload {
    enum qqbot_what what;
    const char *why;      /* QB_IGNORE: what it was, for the debug log */
    int op;               /* the payload's op */
    char *plain_token;    /* op 13 */
    char *event_ts;       /* op 13, as decimal text */
    char *type;           /* t: the event name */
    char *event_id;       /* id: the event's id (passive replies to events) */
    char *msg_id;         /* d.id of a message (passive replies to messages) */
    char *user;           /* member_openid, user_openid, op_member_openid or openid */
    char *group;          /* group_openid; NULL in C2C */
    char *text;           /* the message's content, trimmed; button data; never NULL for events */
    enum event_kind kind; /* what the router sees */
    bool addressed;       /* the message @s the bot (or is private) */
    bool record_only;     /* recorded, never answered */
    int64_t time;         /* the platform's time of the event, 0 when absent */
};

/*
 * qqbot_parse - the JSON payload (len bytes) into *out (free with qqbot_payload_free, also on
 * error). ZB_EPARSE when it is not a payload, when op 13 lacks a well-formed plain_token and
 * event_ts, or when an event we use lacks the ids it needs.
 */
int qqbot_parse(const char *body, size_t len, struct qqbot_payload *out) ZB_MUST_USE;
void qqbot_payload_free(struct qqbot_payload *p);

/* qqbot_parse_time - an RFC 3339 time ("2023-11-06T13:37:18+08:00", fraction and Z allowed) as
 * Unix seconds into *out. ZB_EPARSE when malformed. */
int qqbot_parse_time(const char *s, int64_t *out) ZB_MUST_USE;

/* qqbot_init - derive the key pair from qqbot.secret (kept in memory for the process). */
int qqbot_init(const struct config *cfg, char *err, size_t errsz) ZB_MUST_USE;

/* qqbot_handle - the /qq/bot route (POST). */
void qqbot_handle(const struct config *cfg, struct http_request *req, struct http_response *resp);

#endif
