/* wechat_check.c - the signature and window checks of every WeChat push (wechat_check.h). */
#include "webhook/wechat/wechat_check.h"

#include <errno.h>
#include <stdlib.h>

#include "bot/base/clock.h"
#include "webhook/wechat/wechat_crypto.h"

bool wechat_timestamp_ok(const char *ts, long window_s)
{
    char *end;
    errno = 0;
    long long v = strtoll(ts, &end, 10);
    if (end == ts || *end || errno || v < 0 || v > (1LL << 40))
        return false;
    if (window_s == 0)
        return true;
    long long d = (long long)clock_now() - v;
    return (d < 0 ? -d : d) <= window_s;
}

int wechat_check_request(struct http_request *req, struct http_response *resp, const char *token,
                         long window_s)
{
    const char *sig = http_query(req, "signature");
    const char *ts = http_query(req, "timestamp");
    const char *nonce = http_query(req, "nonce");
    if (!sig || !ts || !nonce) {
        http_error(resp, 401, "signature, timestamp and nonce are required");
        return 401;
    }
    const char *parts[3] = {token, ts, nonce};
    if (wechat_sign_check(parts, 3, sig)) {
        http_error(resp, 403, "signature mismatch");
        return 403;
    }
    if (!wechat_timestamp_ok(ts, window_s)) {
        http_error(resp, 403, "timestamp outside the accepted window");
        return 403;
    }
    return 0;
}
