/*
 * event.h - one inbound event from any platform, as the router sees it.
 *
 * Platform adapters fill it from the wire format after verifying the signature; the router and
 * handlers never see XML, JSON or signatures. Strings are borrowed from the adapter's request
 * state and stay valid for the whole dispatch.
 */
#ifndef ZHIBU_EVENT_H
#define ZHIBU_EVENT_H

#include <stddef.h>
#include <stdint.h>

enum platform {
    PLATFORM_WECHAT = 0, /* WeChat official account (公众号) */
    PLATFORM_ONEBOT,     /* QQ through a OneBot v11 implementation */
    PLATFORM_QQBOT,      /* QQ open-platform bot */
    PLATFORM_COUNT
};

enum event_kind {
    EV_TEXT = 0,   /* a typed message: text is the message */
    EV_VOICE,      /* voice: text is the recognised speech, "" when none */
    EV_IMAGE,      /* a picture */
    EV_LOCATION,   /* a location share: text is the label */
    EV_LINK,       /* a shared link: text is the title */
    EV_FOLLOW,     /* subscribe / friend add: text is the scene key, if any */
    EV_UNFOLLOW,   /* unsubscribe / friend delete */
    EV_MENU_CLICK, /* a menu button: text is the menu key, routed like a keyword */
    EV_SCAN,       /* a QR code scan by a follower: text is the scene */
    EV_VIEW,       /* a menu link opened: text is the URL */
    EV_DELIVERY,   /* a delivery report (WeChat TEMPLATESENDJOBFINISH): text is the status */
    EV_MEDIA,      /* video, file or another message type we do not read: acknowledged */
    EV_OTHER,      /* any other event (e.g. location reports), recorded only */
    EV_KIND_COUNT
};

struct event {
    enum platform platform;
    enum event_kind kind;
    const char *account; /* our account on the platform (WeChat gh_ id, bot id) */
    const char *user;    /* the sender's id on that platform (openid, QQ number) */
    const char *group;   /* group id, or NULL for a private chat */
    const char *text;    /* see enum event_kind; never NULL ("" when none) */
    const char *msg_key; /* unique per delivery of one message, for dedupe and the log */
    int64_t created;     /* the platform's timestamp (Unix seconds) */
};

const char *platform_name(enum platform p);
const char *event_kind_name(enum event_kind k);

#endif
