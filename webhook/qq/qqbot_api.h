/*
 * qqbot_api.h - the QQ open-platform (bot API v2) client of the outbox sender.
 *
 * Tokens: POST {qqbot.token_url} {"appId","clientSecret"} -> {"access_token","expires_in":"7200"}
 * (expires_in is a string in the docs, a number is accepted too), cached through apitoken.h and
 * fetched again 90 s before expiry (the platform issues a new one in the last 60 s). Sends:
 * POST {qqbot.api_base}/v2/users/{openid}/messages or /v2/groups/{group_openid}/messages with
 * "Authorization: QQBot {token}" and X-Union-Appid, body {"content","msg_type":0} plus
 * "msg_id" and "msg_seq" for a passive reply. Errors come as {"code","message"}: 11244 token
 * expired (refresh once), 22009 / 100001 rate limited, 40054005 "deduplicated" (the same
 * msg_id + msg_seq was accepted before: delivered).
 */
#ifndef ZHIBU_QQBOT_API_H
#define ZHIBU_QQBOT_API_H

#include <stddef.h>
#include <stdint.h>

#include "bot/delivery/apitoken.h"
#include "bot/app/config.h"
#include "bot/delivery/sender.h"

struct qqbot_answer {
    long code;                       /* "code" (or "err_code") of an error, 0 when absent */
    char message[256];               /* its "message" */
    char id[SEND_MSGID_MAX + 1];     /* the sent message's id; "" when absent or too long */
    char access_token[APITOKEN_MAX]; /* token answers */
    int64_t expires_in;              /* token answers: from a string or a number */
};

/* qqbot_api_parse - ZB_EPARSE unless body is a JSON object with well-typed fields (expires_in a
 * decimal string or a number); ZB_ETOOBIG for an over-long token. */
int qqbot_api_parse(const char *body, size_t len, struct qqbot_answer *out) ZB_MUST_USE;

/* qqbot_api_classify - the outcome for an answer with HTTP status and error code. */
enum send_outcome qqbot_api_classify(long status, long code);

/* qqbot_api_client - a client for cfg (which must outlive it); free with qqbot_api_free. */
struct send_client *qqbot_api_client(const struct config *cfg);
void qqbot_api_free(struct send_client *c);

#endif
