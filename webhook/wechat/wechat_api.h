/*
 * wechat_api.h - the WeChat official-account API client of the outbox sender.
 *
 * Access tokens come from POST /cgi-bin/stable_token (normal mode, so concurrent fetches get the
 * same token; force_refresh only when WeChat hands back a token it just refused), cached in
 * SQLite through apitoken.h and refreshed 5 minutes before expiry. Messages: customer-service
 * (POST /cgi-bin/message/custom/send), template (POST /cgi-bin/message/template/send, with
 * client_msg_id = the idempotency key, so a message sent again after a crash is not repeated)
 * and subscription notices (POST /cgi-bin/message/subscribe/bizsend). Answers carry
 * errcode/errmsg; wechat_api_classify says what each code means for the sender.
 */
#ifndef ZHIBU_WECHAT_API_H
#define ZHIBU_WECHAT_API_H

#include <stddef.h>
#include <stdint.h>

#include "bot/delivery/apitoken.h"
#include "bot/app/config.h"
#include "bot/delivery/sender.h"

/* A parsed WeChat API answer. */
struct wechat_answer {
    long errcode;                    /* 0 when absent */
    char errmsg[256];                /* "" when absent */
    char access_token[APITOKEN_MAX]; /* token answers only, "" otherwise */
    int64_t expires_in;              /* token answers only, 0 otherwise */
};

/* wechat_api_parse - parse body (len bytes). ZB_EPARSE unless it is a JSON object with
 * well-typed fields; a token longer than APITOKEN_MAX - 1 is ZB_ETOOBIG. */
int wechat_api_parse(const char *body, size_t len, struct wechat_answer *out) ZB_MUST_USE;

/* wechat_api_classify - the sender's outcome for errcode (0 = SEND_OK). */
enum send_outcome wechat_api_classify(long errcode);

/* wechat_api_reason - a Chinese explanation of errcode for the operator; "" when unknown. */
const char *wechat_api_reason(long errcode);

/* wechat_api_client - a client for cfg (which must outlive it); free with wechat_api_free. */
struct send_client *wechat_api_client(const struct config *cfg);
void wechat_api_free(struct send_client *c);

#endif
