/*
 * wechat.h - the WeChat official-account adapter at /wechat.
 *
 * GET: server-URL verification (3-field signature, echostr echoed; or, WeCom style, the 4-field
 * msg_signature and the decrypted echostr). POST: plaintext, compatible and safe mode. The
 * 3-field signature is verified before anything is parsed, the timestamp window next, and in
 * encrypted modes the msg_signature over the ciphertext before it is decrypted. The message
 * becomes a struct event for the router; the reply is rendered as passive-reply XML, encrypted
 * when the request was, or "success" when there is nothing to say.
 */
#ifndef ZHIBU_WECHAT_H
#define ZHIBU_WECHAT_H

#include <stddef.h>

#include "bot/app/config.h"
#include "webhook/http/http.h"

/* Largest passive text reply, in bytes of UTF-8 (WeChat's limit is about 2,048). */
#define WECHAT_TEXT_MAX 2000

/* wechat_init - check the wechat section (AES key shape); err names the key on failure. */
int wechat_init(const struct config *cfg, char *err, size_t errsz) ZB_MUST_USE;

/* wechat_handle - the /wechat route (GET and POST). */
void wechat_handle(const struct config *cfg, struct http_request *req, struct http_response *resp);

#endif
