/*
 * channel.h - which platform channel can reach an outbox recipient now.
 *
 * The platforms decide what may be sent (shared/protocols, domain.md 2.8):
 *   WeChat     customer-service message only within cs_window_s after the member's last own
 *              message, at most cs_limit of them; otherwise a template message (the template
 *              configured for the message kind), else a subscription notice (likewise).
 *   OneBot     private message to a QQ number, group message to a QQ group.
 *   QQ bot     a passive reply to the user's or group's last message, within 60 min (C2C) or
 *              5 min (group) and at most 5 replies per message (msg_seq 1..5); an active message
 *              only when qqbot.active_push.
 *   wxmini     customer-service message within wx_cs_window_s after the user's last own message,
 *              at most wx_cs_limit of them; otherwise a subscribe message (wxmini.templates for
 *              the kind) while the user has a one-time grant for its template (grants.h).
 * A member is reached through its identities, platform by platform in the configured order,
 * most recently seen identity first. A channel that refused the recipient (its bit in
 * row->closed) is not chosen again for that row.
 *
 * Contract with the inbound adapters: for the QQ open platform, events.msg_key of a message
 * event is the platform's message id (the "id" used as msg_id of a passive reply), user_id the
 * user_openid / member_openid and group_id the group_openid.
 */
#ifndef ZHIBU_CHANNEL_H
#define ZHIBU_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"
#include "bot/chat/event.h"
#include "bot/delivery/outbox.h"

enum channel {
    CH_WECHAT_CS = 0,    /* customer-service message, target openid */
    CH_WECHAT_TEMPLATE,  /* template message, target openid, template_id */
    CH_WECHAT_SUBSCRIBE, /* subscription notice (bizsend), target openid, template_id */
    CH_ONEBOT_PRIVATE,   /* send_private_msg, target QQ number */
    CH_ONEBOT_GROUP,     /* send_group_msg, target group number */
    CH_QQBOT_C2C,        /* /v2/users/{openid}/messages */
    CH_QQBOT_GROUP,      /* /v2/groups/{group_openid}/messages */
    CH_WXMINI_CS,        /* mini-program customer-service message, target openid */
    CH_WXMINI_SUBSCRIBE, /* mini-program subscribe message on a grant, target openid, template */
    CH_COUNT
};

#define CHANNEL_TEMPLATE_FIELDS 16 /* data keys one WeChat template may map */

/*
 * A WeChat template (or subscription notice) for a message kind: config
 * `wechat.templates.KIND: {"id", "fields": {"thing1": "title", ...}, "type"}`. kind is notify's
 * kind ("meeting.reminder") or an outbox kind ("reminder"); the exact notify kind wins. With no
 * fields the row's text goes in the single data key `wechat.template_field` (the old keys).
 */
struct channel_template {
    const char *kind;                         /* the kind it serves */
    const char *id;                           /* template id */
    bool subscribe;                           /* a subscription notice (bizsend), not a template */
    int nfields;                              /* entries of key / field */
    const char *key[CHANNEL_TEMPLATE_FIELDS]; /* the template's data key: "thing1", "time2" */
    int field[CHANNEL_TEMPLATE_FIELDS];       /* enum notify_field it carries */
};

struct channel_rules {
    bool platform_on[PLATFORM_COUNT];            /* may send through this platform */
    enum platform order[PLATFORM_COUNT];         /* member channel order */
    int norder;                                  /* entries used in order */
    long cs_window_s;                            /* WeChat customer-service window */
    long cs_limit;                               /* messages allowed in it */
    const struct channel_template *templates;    /* WeChat templates (not owned) */
    size_t ntemplates;                           /* entries in templates */
    bool qq_active;                              /* qqbot.active_push */
    long qq_c2c_window_s, qq_group_window_s;     /* passive reply windows */
    int qq_reply_max;                            /* replies per message */
    long wx_cs_window_s;                         /* mini-program customer-service window */
    long wx_cs_limit;                            /* messages allowed in it */
    const struct channel_template *wx_templates; /* wxmini.templates (not owned) */
    size_t nwx_templates;                        /* entries in wx_templates */
};

/* The way a row goes out. */
struct channel_route {
    enum channel ch;                    /* the channel */
    enum platform platform;             /* its platform (rate-limit bucket, client) */
    char target[160];                   /* openid, QQ number, group id */
    char template_id[96];               /* WeChat template / subscription template */
    const struct channel_template *tpl; /* the template chosen (in the rules), or NULL */
    char reply_to[160];                 /* QQ bot: msg_id of a passive reply, "" for active */
    int seq;                            /* QQ bot: msg_seq */
};

/* channel_name - "wechat_cs", "wechat_template", ...; NULL when out of range. */
const char *channel_name(enum channel c);
/* channel_platform - the platform of c. */
enum platform channel_platform(enum channel c);

/* channel_rules_default - the platforms' documented limits, all platforms off, order wechat,
 * wxmini, onebot, qqbot, no templates. */
void channel_rules_default(struct channel_rules *r);
/* channel_parse_order - "wechat,onebot,qqbot" (a subset, any order) into r; ZB_EINVAL when a
 * name is unknown or repeated. */
int channel_parse_order(struct channel_rules *r, const char *s) ZB_MUST_USE;

/*
 * channel_template_find - the template (subscribe false) or subscription notice (true) for a row
 * of outbox kind and notify topic (may be NULL): the one configured for the topic, else for the
 * outbox kind; NULL when none.
 */
const struct channel_template *channel_template_find(const struct channel_rules *r,
                                                     enum outbox_kind kind, const char *topic,
                                                     bool subscribe);

/*
 * channel_choose - the route for row at time now (reads identities, events, outbox).
 * ZB_OK: *out is set. ZB_ENOTFOUND: nothing can reach the recipient now - the row is
 * unreachable; why (size whysz) says what was tried, in Chinese. ZB_EINVAL: the row can never be
 * sent as it is (bad recipient, passive reply window over, platform not configured); why says
 * so. ZB_EDB on database failure.
 */
int channel_choose(const struct channel_rules *r, const struct outbox_row *row, int64_t now,
                   struct channel_route *out, char *why, size_t whysz) ZB_MUST_USE;

#endif
