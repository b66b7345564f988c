/* wechat_mode.c - the encryption mode rule shared by the official account and the
 * mini-program (see wechat_mode.h). */
#include "webhook/wechat/wechat_mode.h"

#include <string.h>

int wechat_mode_parse(const char *s, bool has_key, enum wechat_mode *out)
{
    if (!s || !*s) {
        *out = has_key ? WECHAT_MODE_SAFE : WECHAT_MODE_PLAIN;
        return ZB_OK;
    }
    if (strcmp(s, "plain") == 0)
        *out = WECHAT_MODE_PLAIN;
    else if (strcmp(s, "compatible") == 0)
        *out = WECHAT_MODE_COMPATIBLE;
    else if (strcmp(s, "safe") == 0)
        *out = WECHAT_MODE_SAFE;
    else
        return ZB_ECONFIG;
    return *out != WECHAT_MODE_PLAIN && !has_key ? ZB_ECONFIG : ZB_OK;
}

bool wechat_mode_accepts(enum wechat_mode m, bool encrypted)
{
    switch (m) {
    case WECHAT_MODE_PLAIN:
        return !encrypted;
    case WECHAT_MODE_SAFE:
        return encrypted;
    case WECHAT_MODE_COMPATIBLE:
        return true;
    }
    return false;
}

const char *wechat_mode_name(enum wechat_mode m)
{
    return m == WECHAT_MODE_SAFE ? "safe" : m == WECHAT_MODE_COMPATIBLE ? "compatible" : "plain";
}
