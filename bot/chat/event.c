/* event.c - names of platforms and event kinds, as stored in the event log and metrics. */
#include "bot/chat/event.h"

#include "bot/chat/platform.h"

const char *platform_name(enum platform p)
{
    const struct platform_info *row = platform_get(p);
    return row ? row->name : "unknown";
}

const char *event_kind_name(enum event_kind k)
{
    static const char *const names[EV_KIND_COUNT] = {
        "text",       "voice", "image", "location", "link",  "follow", "unfollow",
        "menu_click", "scan",  "view",  "delivery", "media", "other"};
    return (unsigned)k < EV_KIND_COUNT ? names[k] : "unknown";
}
