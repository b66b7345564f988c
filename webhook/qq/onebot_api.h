/*
 * onebot_api.h - the OneBot v11 HTTP API client of the outbox sender.
 *
 * POST {onebot.api_base}/send_private_msg {"user_id","message","auto_escape":true} and
 * /send_group_msg {"group_id",...}, with "Authorization: Bearer {onebot.access_token}" when a
 * token is set. auto_escape makes the text literal (no CQ codes). The HTTP status is 200 even
 * when the action failed: the answer's retcode decides (0 ok, 1 queued by the implementation).
 */
#ifndef ZHIBU_ONEBOT_API_H
#define ZHIBU_ONEBOT_API_H

#include <stddef.h>

#include "bot/app/config.h"
#include "bot/delivery/sender.h"

/* A parsed OneBot answer. */
struct onebot_answer {
    char status[16];   /* "ok", "async", "failed" */
    long retcode;      /* 0 ok, 1 async, others failed */
    char message[256]; /* "wording" or "message" or "msg" of a failure, "" when none */
    char message_id[SEND_MSGID_MAX + 1]; /* data.message_id of a send, "" when absent or odd */
};

/*
 * onebot_api_parse - ZB_EPARSE unless body is an object with a numeric retcode. message_id is
 * data.message_id as decimal when it is a whole number (int32 in v11, negative in go-cqhttp),
 * or a string that fits; otherwise "" (the answer is still good).
 */
int onebot_api_parse(const char *body, size_t len, struct onebot_answer *out) ZB_MUST_USE;

/* onebot_api_client - a client for cfg (which must outlive it); free with onebot_api_free. */
struct send_client *onebot_api_client(const struct config *cfg);
void onebot_api_free(struct send_client *c);

#endif
