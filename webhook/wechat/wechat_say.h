/*
 * wechat_say.h - act as WeChat towards a running zhibu: the client side of /wechat.
 *
 * Used by `zhibu say` and by tests. Builds a text message from a user, signs it with the
 * configured token, encrypts it in safe mode when the config has an EncodingAESKey, POSTs it to
 * the configured listen address, checks and decrypts the reply and returns what the member would
 * read on the phone.
 */
#ifndef ZHIBU_WECHAT_SAY_H
#define ZHIBU_WECHAT_SAY_H

#include <stddef.h>

#include "bot/app/config.h"
#include "bot/base/err.h"

/*
 * wechat_say - send text from openid `from`. On ZB_OK *shown is the reply as the member would see
 * it ("" when the server answered "success"); caller frees. On error, err holds one line:
 * ZB_EIO (server unreachable or HTTP error status), ZB_ESIG (reply signature wrong),
 * ZB_EPARSE (reply unreadable).
 */
int wechat_say(const struct config *cfg, const char *from, const char *text, char **shown,
               char *err, size_t errsz) ZB_MUST_USE;

/* wechat_say_url - the base URL (http://HOST:PORT) for cfg->listen, wildcard hosts mapped to
 * loopback, into out (size outsz). */
void wechat_say_url(const struct config *cfg, char *out, size_t outsz);

#endif
