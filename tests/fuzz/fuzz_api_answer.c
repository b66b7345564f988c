/*
 * fuzz_api_answer.c - libFuzzer driver for the platform API answer parsers (WeChat, OneBot,
 * QQ open platform): never crash, and what they accept is within bounds.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "webhook/qq/onebot_api.h"
#include "webhook/qq/qqbot_api.h"
#include "webhook/wechat/wechat_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct wechat_answer w;
    if (wechat_api_parse(s, size, &w) == ZB_OK) {
        assert(strlen(w.access_token) < sizeof w.access_token);
        assert(strlen(w.errmsg) < sizeof w.errmsg);
        assert(w.expires_in >= 0);
        (void)wechat_api_classify(w.errcode);
    }
    struct onebot_answer o;
    if (onebot_api_parse(s, size, &o) == ZB_OK)
        assert(strlen(o.message) < sizeof o.message && strlen(o.status) < sizeof o.status &&
               strlen(o.message_id) <= SEND_MSGID_MAX);
    struct qqbot_answer q;
    if (qqbot_api_parse(s, size, &q) == ZB_OK) {
        assert(q.expires_in >= 0 && q.expires_in <= 1000000000);
        assert(strlen(q.id) <= SEND_MSGID_MAX);
        (void)qqbot_api_classify(200, q.code);
    }
    return 0;
}
