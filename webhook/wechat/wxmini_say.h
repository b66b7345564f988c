/*
 * wxmini_say.h - act as the mini-program's message push towards a running zhibu: the client side
 * of /wechat/mini, for `zhibu say --platform wxmini` and for tests.
 *
 * wxmini_say posts a text message in JSON, signed with wxmini.token, encrypted with
 * wxmini.encoding_aes_key for wxmini.app_id unless the mode is plain, checks the "success"
 * answer, and - because the reply goes through the customer-service API - shows what zhibu
 * queued in the outbox for that message, read from the configured database (store_init must
 * have been called).
 */
#ifndef ZHIBU_WXMINI_SAY_H
#define ZHIBU_WXMINI_SAY_H

#include <stddef.h>

#include "bot/app/config.h"
#include "bot/base/err.h"

/*
 * wxmini_say - text from openid from. On ZB_OK *shown is the reply queued for the message,
 * waiting up to wait_ms for it ("" when nothing was queued); caller frees. On error err holds
 * one line: ZB_EIO (server unreachable or an HTTP error), ZB_ECONFIG (bad key), ZB_EDB.
 */
int wxmini_say(const struct config *cfg, const char *from, const char *text, int wait_ms,
               char **shown, char *err, size_t errsz) ZB_MUST_USE;

#endif
