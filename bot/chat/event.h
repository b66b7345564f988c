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
    PLATFORM_WXMINI,     /* WeChat mini-program (小程序) customer-service messages */
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

/*
 * How far a message may reach into the router. A private chat, or a group message addressed to
 * zhibu (an @, the group prefix), reaches everything; a group message overheard reaches less, so
 * that zhibu does not answer chatter. The adapter decides, from the platform and the group's
 * rules (group_rules.h).
 */
enum event_scope {
    SCOPE_ALL = 0,  /* keywords, menu numbers, sessions, "+" pages and the fallback */
    SCOPE_KEYWORDS, /* a message that is wholly a keyword or menu number, an open session (the
                       sender's or the group's activity), "+" pages; never the fallback */
    SCOPE_SESSIONS, /* only an open session or "+" pages (a group that wants to be asked) */
    SCOPE_RECORD,   /* recorded only: no handler runs */
};

struct event {
    enum platform platform;
    enum event_kind kind;
    const char *account;    /* our account on the platform (WeChat gh_ id, bot id) */
    const char *user;       /* the sender's id on that platform (openid, QQ number) */
    const char *group;      /* group id, or NULL for a private chat */
    const char *text;       /* see enum event_kind; never NULL ("" when none) */
    const char *quote_id;   /* the platform id of the message this one quotes, or NULL */
    const char *msg_key;    /* unique per delivery of one message, for dedupe and the log */
    int64_t created;        /* the platform's timestamp (Unix seconds) */
    enum event_scope scope; /* SCOPE_ALL unless the adapter says otherwise */
};

const char *platform_name(enum platform p);
const char *event_kind_name(enum event_kind k);

#endif
