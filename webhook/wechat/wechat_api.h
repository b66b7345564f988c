/*
 * wechat_api.h - the WeChat official-account API client of the outbox sender.
 *
 * Access tokens come from POST /cgi-bin/stable_token (normal mode, so concurrent fetches get the
 * same token; force_refresh only when WeChat hands back a token it just refused), cached in
 * SQLite through apitoken.h and refreshed 5 minutes before expiry. Messages: customer-service
 * (POST /cgi-bin/message/custom/send), template (POST /cgi-bin/message/template/send, with
 * client_msg_id = the idempotency key, so a message sent again after a crash is not repeated)
 * and subscription notices (POST /cgi-bin/message/subscribe/bizsend). Answers carry
 * errcode/errmsg; wechat_api_classify says what each code means for the sender. The same client
 * serves the mini-program (wxmini_api_client) with its own app id, secret and token.
 */
#ifndef ZHIBU_WECHAT_API_H
#define ZHIBU_WECHAT_API_H

#include <cjson/cJSON.h>
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
/* wxmini_api_client - the mini-program's client (wxmini.app_id, app_secret, api_base; its own
 * token keyed "wxmini:APPID"): customer-service messages and subscribe messages on a grant
 * (POST /cgi-bin/message/subscribe/send); 43101 there closes the channel (SEND_CLOSED) so the
 * member's next channel is tried. Free with wechat_api_free. */
struct send_client *wxmini_api_client(const struct config *cfg);

/* wechat_api_template_data - a template's "data" from the row's notify fields through t's
 * field map, each value cut to its key's documented limit (thing <= 20 characters, number <= 32,
 * ...); NULL when the map gives nothing. Caller frees with cJSON_Delete. */
cJSON *wechat_api_template_data(const struct channel_template *t, const struct outbox_row *row);
void wechat_api_free(struct send_client *c);

/*
 * wechat_api_menu_create - POST menu_json (a {"button":[...]} object, see wechat_menu.h) to
 * wechat.api_base/cgi-bin/menu/create with the official account's access token (the sender's
 * token cache: call with the store open); a refused token is fetched again once. ZB_OK;
 * ZB_ECONFIG for an answer that will not change by retrying (bad secret, IP not allowed, bad
 * menu), ZB_EIO / ZB_EBUSY otherwise; err (Chinese, no secret) says why.
 */
int wechat_api_menu_create(const struct config *cfg, const char *menu_json, char *err,
                           size_t errsz) ZB_MUST_USE;

#endif
