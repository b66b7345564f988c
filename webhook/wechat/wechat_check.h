/*
 * wechat_check.h - what every WeChat push (the official account's /wechat and the
 * mini-program's /wechat/mini) passes before its body is read: the 3-field signature over
 * (token, timestamp, nonce) and the timestamp window. One copy, so a fix to either rule reaches
 * both doors.
 */
#ifndef ZHIBU_WECHAT_CHECK_H
#define ZHIBU_WECHAT_CHECK_H

#include <stdbool.h>

#include "webhook/http/http.h"

/* wechat_timestamp_ok - ts is decimal and within window_s seconds of the process clock
 * (window_s 0: any time). */
bool wechat_timestamp_ok(const char *ts, long window_s);

/*
 * wechat_check_request - the query's signature, timestamp and nonce against token and the
 * window. Returns 0, or the HTTP status already set in resp: 401 when a field is missing, 403
 * for a wrong signature or a timestamp outside the window.
 */
int wechat_check_request(struct http_request *req, struct http_response *resp, const char *token,
                         long window_s);

#endif
