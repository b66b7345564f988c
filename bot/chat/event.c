/* event.c - names of platforms and event kinds, as stored in the event log and metrics. */
#include "bot/chat/event.h"

const char *platform_name(enum platform p)
{
    static const char *const names[PLATFORM_COUNT] = {"wechat", "onebot", "qqbot"};
    return (unsigned)p < PLATFORM_COUNT ? names[p] : "unknown";
}

const char *event_kind_name(enum event_kind k)
{
    static const char *const names[EV_KIND_COUNT] = {
        "text",       "voice", "image", "location", "link",  "follow", "unfollow",
        "menu_click", "scan",  "view",  "delivery", "media", "other"};
    return (unsigned)k < EV_KIND_COUNT ? names[k] : "unknown";
}
