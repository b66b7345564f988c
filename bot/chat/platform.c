/* platform.c - the platform table (see platform.h). */
#include "bot/chat/platform.h"

#include <string.h>

/* Event platforms first, in enum order (platform_get indexes them); then the rest. */
static const struct platform_info rows[] = {
    {PLATFORM_WECHAT, "wechat", "微信公众号", "微信公众号", 2000, PLATFORM_REPLY_XML},
    /* QQ pages: 4 parts of half a message and a last whole one (qq_text.h, QQ_PAGE_CHARS) */
    {PLATFORM_ONEBOT, "onebot", "QQ", "QQ", 4 * 750 + 1500, PLATFORM_REPLY_QUICK},
    {PLATFORM_QQBOT, "qqbot", "QQ 机器人", "QQ", 4 * 750 + 1500, PLATFORM_REPLY_ACK},
    /* customer-service text through the API: the same 2,048-byte limit as the account's */
    {PLATFORM_WXMINI, "wxmini", "微信小程序", "微信小程序", 2000, PLATFORM_REPLY_NONE},
};
#define NROWS (sizeof rows / sizeof rows[0])

_Static_assert(PLATFORM_COUNT == 4, "a new platform needs its row in platform.c");

const struct platform_info *platform_get(enum platform p)
{
    return (unsigned)p < PLATFORM_COUNT ? &rows[p] : NULL;
}

const struct platform_info *platform_find(const char *name)
{
    for (size_t i = 0; i < NROWS; i++)
        if (strcmp(rows[i].name, name) == 0)
            return &rows[i];
    return NULL;
}

const char *platform_label(const char *name)
{
    const struct platform_info *p = platform_find(name);
    return p ? p->label : name;
}

const char *platform_member_label(const char *name)
{
    const struct platform_info *p = platform_find(name);
    return p ? p->member_label : name;
}
