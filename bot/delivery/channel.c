/*
 * channel.c - channel choice for an outbox row (see channel.h). Reads identities, the event log
 * (the windows) and the outbox (customer-service counts, msg_seq); writes nothing.
 */
#include "bot/delivery/channel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/chat/eventlog.h"
#include "bot/delivery/grants.h"
#include "bot/org/identity.h"

#define MAX_IDENTITIES 16

static const char *const names[CH_COUNT] = {
    "wechat_cs", "wechat_template", "wechat_subscribe", "onebot_private",  "onebot_group",
    "qqbot_c2c", "qqbot_group",     "wxmini_cs",        "wxmini_subscribe"};

const char *channel_name(enum channel c)
{
    return (unsigned)c < CH_COUNT ? names[c] : NULL;
}

enum platform channel_platform(enum channel c)
{
    switch (c) {
    case CH_WECHAT_CS:
    case CH_WECHAT_TEMPLATE:
    case CH_WECHAT_SUBSCRIBE:
        return PLATFORM_WECHAT;
    case CH_ONEBOT_PRIVATE:
    case CH_ONEBOT_GROUP:
        return PLATFORM_ONEBOT;
    case CH_WXMINI_CS:
    case CH_WXMINI_SUBSCRIBE:
        return PLATFORM_WXMINI;
    default:
        return PLATFORM_QQBOT;
    }
}

void channel_rules_default(struct channel_rules *r)
{
    memset(r, 0, sizeof *r);
    r->order[0] = PLATFORM_WECHAT;
    r->order[1] = PLATFORM_WXMINI;
    r->order[2] = PLATFORM_ONEBOT;
    r->order[3] = PLATFORM_QQBOT;
    r->norder = 4;
    r->wx_cs_window_s = 48 * 3600;
    r->wx_cs_limit = 5;
    r->cs_window_s = 48 * 3600;
    r->cs_limit = 5;
    r->qq_c2c_window_s = 3600;
    r->qq_group_window_s = 300;
    r->qq_reply_max = 5;
}

int channel_parse_order(struct channel_rules *r, const char *s)
{
    int n = 0;
    bool seen[PLATFORM_COUNT] = {false};
    const char *p = s;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        int found = -1;
        for (int i = 0; i < PLATFORM_COUNT; i++) {
            const char *name = platform_name((enum platform)i);
            if (strlen(name) == len && strncmp(name, p, len) == 0)
                found = i;
        }
        if (found < 0 || seen[found] || n >= PLATFORM_COUNT)
            return ZB_EINVAL;
        seen[found] = true;
        r->order[n++] = (enum platform)found;
        if (!comma)
            break;
        p = comma + 1;
    }
    if (n == 0)
        return ZB_EINVAL;
    r->norder = n;
    return ZB_OK;
}

/* why_add - append one reason to why (separated by "；"). */
static void why_add(char *why, size_t whysz, const char *reason)
{
    size_t len = strlen(why);
    if (len + 1 >= whysz)
        return;
    snprintf(why + len, whysz - len, "%s%s", len ? "；" : "", reason);
}

static void set_route(struct channel_route *out, enum channel ch, const char *target)
{
    memset(out, 0, sizeof *out);
    out->ch = ch;
    out->platform = channel_platform(ch);
    snprintf(out->target, sizeof out->target, "%s", target);
}

static bool closed(const struct outbox_row *row, enum channel ch)
{
    return (row->closed >> ch) & 1u;
}

static const char *kind_cn(enum outbox_kind k)
{
    static const char *const cn[OUTBOX_KIND_COUNT] = {"回复", "提醒", "通知", "摘要"};
    return (unsigned)k < OUTBOX_KIND_COUNT ? cn[k] : "?";
}

const struct channel_template *channel_template_find(const struct channel_rules *r,
                                                     enum outbox_kind kind, const char *topic,
                                                     bool subscribe)
{
    const char *kname = outbox_kind_name(kind);
    const struct channel_template *by_kind = NULL;
    for (size_t i = 0; i < r->ntemplates; i++) {
        const struct channel_template *t = &r->templates[i];
        if (t->subscribe != subscribe || !t->id || !*t->id)
            continue;
        if (topic && *topic && strcmp(t->kind, topic) == 0)
            return t;
        if (!by_kind && kname && strcmp(t->kind, kname) == 0)
            by_kind = t;
    }
    return by_kind;
}

/* wechat_route - customer service in its window, else template, else subscription notice. */
static int wechat_route(const struct channel_rules *r, const struct outbox_row *row,
                        const char *openid, int64_t now, struct channel_route *out, char *why,
                        size_t whysz)
{
    if (!closed(row, CH_WECHAT_CS)) {
        struct eventlog_last last;
        int rc = eventlog_last("wechat", EL_PRIVATE, openid, now - r->cs_window_s, &last);
        if (rc == ZB_EDB)
            return rc;
        int sent = 0;
        if (rc == ZB_OK && outbox_cs_count(openid, last.at, &sent))
            return ZB_EDB;
        if (rc == ZB_OK && sent < r->cs_limit) {
            set_route(out, CH_WECHAT_CS, openid);
            return ZB_OK;
        }
    }
    for (int sub = 0; sub < 2; sub++) {
        enum channel ch = sub ? CH_WECHAT_SUBSCRIBE : CH_WECHAT_TEMPLATE;
        const struct channel_template *t = channel_template_find(r, row->kind, row->topic, sub);
        if (t && !closed(row, ch)) {
            set_route(out, ch, openid);
            snprintf(out->template_id, sizeof out->template_id, "%s", t->id);
            out->tpl = t;
            return ZB_OK;
        }
    }
    char reason[256];
    if (closed(row, CH_WECHAT_TEMPLATE) || closed(row, CH_WECHAT_SUBSCRIBE))
        snprintf(reason, sizeof reason,
                 "微信 %.40s：微信拒收模板消息或订阅通知（用户可能已取消关注公众号）", openid);
    else
        snprintf(reason, sizeof reason,
                 "微信 %.40s：客服消息窗口已关闭或已用完，且没有可用的「%s」模板消息或订阅通知",
                 openid, kind_cn(row->kind));
    why_add(why, whysz, reason);
    return ZB_ENOTFOUND;
}

/*
 * wxmini_route - customer service in its window (a user message buys wx_cs_limit messages in
 * wx_cs_window_s), else a subscribe message on a grant for the kind's template.
 */
static int wxmini_route(const struct channel_rules *r, const struct outbox_row *row,
                        const char *openid, int64_t now, struct channel_route *out, char *why,
                        size_t whysz)
{
    if (!closed(row, CH_WXMINI_CS)) {
        struct eventlog_last last;
        int rc = eventlog_last("wxmini", EL_PRIVATE, openid, now - r->wx_cs_window_s, &last);
        if (rc == ZB_EDB)
            return rc;
        int sent = 0;
        if (rc == ZB_OK && outbox_channel_count("wxmini_cs", openid, last.at, &sent))
            return ZB_EDB;
        if (rc == ZB_OK && sent < r->wx_cs_limit) {
            set_route(out, CH_WXMINI_CS, openid);
            return ZB_OK;
        }
    }
    struct channel_rules sub = *r; /* the template lookup over the mini-program's templates */
    sub.templates = r->wx_templates;
    sub.ntemplates = r->nwx_templates;
    const struct channel_template *t = NULL;
    for (int s = 0; s < 2 && !t; s++)
        t = channel_template_find(&sub, row->kind, row->topic, s);
    int left = 0;
    if (t && !closed(row, CH_WXMINI_SUBSCRIBE)) {
        if (grants_left(openid, t->id, &left))
            return ZB_EDB;
        if (left > 0) {
            set_route(out, CH_WXMINI_SUBSCRIBE, openid);
            snprintf(out->template_id, sizeof out->template_id, "%s", t->id);
            out->tpl = t;
            return ZB_OK;
        }
    }
    char reason[256];
    snprintf(reason, sizeof reason,
             "微信小程序 %.40s：客服消息窗口已关闭或已用完，且没有「%s」的订阅消息授权", openid,
             kind_cn(row->kind));
    why_add(why, whysz, reason);
    return ZB_ENOTFOUND;
}

/* qq_passive - the next free msg_seq for message msg_key, or ZB_ENOTFOUND when used up. */
static int qq_next_seq(const struct channel_rules *r, const char *msg_key, int *seq)
{
    int max = 0;
    if (outbox_max_seq(msg_key, &max))
        return ZB_EDB;
    if (max >= r->qq_reply_max)
        return ZB_ENOTFOUND;
    *seq = max + 1;
    return ZB_OK;
}

/*
 * qqbot_route - to a user_openid (group false) or group_openid (group true): the reply the row
 * names; else a passive reply to the newest message in the window; else active when allowed.
 */
static int qqbot_route(const struct channel_rules *r, const struct outbox_row *row, bool group,
                       const char *id, int64_t now, struct channel_route *out, char *why,
                       size_t whysz)
{
    enum channel ch = group ? CH_QQBOT_GROUP : CH_QQBOT_C2C;
    long window = group ? r->qq_group_window_s : r->qq_c2c_window_s;
    if (row->reply_to && *row->reply_to) {
        int64_t at = row->created_at;
        int rc = eventlog_received_at(row->reply_to, &at);
        if (rc == ZB_EDB)
            return rc;
        if (now > at + window) {
            snprintf(why, whysz, "QQ 机器人被动回复已超过平台时限（%s %ld 分钟）",
                     group ? "群聊" : "单聊", window / 60);
            return ZB_EINVAL;
        }
        if (row->seq > r->qq_reply_max) {
            snprintf(why, whysz, "QQ 机器人对同一条消息最多回复 %d 次", r->qq_reply_max);
            return ZB_EINVAL;
        }
        set_route(out, ch, id);
        snprintf(out->reply_to, sizeof out->reply_to, "%s", row->reply_to);
        out->seq = row->seq > 0 ? row->seq : 1;
        return ZB_OK;
    }
    if (closed(row, ch)) {
        why_add(why, whysz, "QQ 机器人：平台拒绝了这条消息");
        return ZB_ENOTFOUND;
    }
    struct eventlog_last last;
    int rc = eventlog_last("qqbot", group ? EL_GROUP : EL_PRIVATE, id, now - window, &last);
    if (rc == ZB_EDB)
        return rc;
    int seq = 0;
    if (rc == ZB_OK && (rc = qq_next_seq(r, last.msg_key, &seq)) == ZB_OK) {
        set_route(out, ch, id);
        snprintf(out->reply_to, sizeof out->reply_to, "%s", last.msg_key);
        out->seq = seq;
        return ZB_OK;
    }
    if (rc == ZB_EDB)
        return rc;
    if (r->qq_active) {
        set_route(out, ch, id);
        return ZB_OK;
    }
    char reason[256];
    snprintf(reason, sizeof reason,
             "QQ 机器人 %.40s：%ld 分钟内没有可回复的消息（或已回复 %d 次），且未开启主动推送", id,
             window / 60, r->qq_reply_max);
    why_add(why, whysz, reason);
    return ZB_ENOTFOUND;
}

/* qqbot_member - a member's open-platform openid: private window, then a group it spoke in. */
static int qqbot_member(const struct channel_rules *r, const struct outbox_row *row,
                        const char *openid, int64_t now, struct channel_route *out, char *why,
                        size_t whysz)
{
    char sub[256] = "";
    int rc = qqbot_route(r, row, false, openid, now, out, sub, sizeof sub);
    if (rc != ZB_ENOTFOUND)
        return rc;
    struct eventlog_last last;
    rc = eventlog_last("qqbot", EL_USER_IN_GROUPS, openid, now - r->qq_group_window_s, &last);
    if (rc == ZB_EDB)
        return rc;
    int seq = 0;
    if (rc == ZB_OK && !closed(row, CH_QQBOT_GROUP) &&
        (rc = qq_next_seq(r, last.msg_key, &seq)) == ZB_OK) {
        set_route(out, CH_QQBOT_GROUP, last.group);
        snprintf(out->reply_to, sizeof out->reply_to, "%s", last.msg_key);
        out->seq = seq;
        return ZB_OK;
    }
    if (rc == ZB_EDB)
        return rc;
    why_add(why, whysz, sub);
    return ZB_ENOTFOUND;
}

static int platform_off(enum platform p, char *why, size_t whysz)
{
    static const char *const hint[PLATFORM_COUNT] = {
        "微信未配置发送（需要 wechat.app_id 和 wechat.app_secret）",
        "OneBot 未启用（onebot.enabled）", "QQ 机器人未启用（qqbot.enabled）",
        "微信小程序未配置发送（需要 wxmini.app_id 和 wxmini.app_secret）"};
    snprintf(why, whysz, "%s", hint[p]);
    return ZB_EINVAL;
}

static int member_route(const struct channel_rules *r, const struct outbox_row *row, int64_t now,
                        struct channel_route *out, char *why, size_t whysz)
{
    char *end;
    long long member = strtoll(row->to, &end, 10);
    if (*end || member <= 0) {
        snprintf(why, whysz, "成员编号无效：%.40s", row->to);
        return ZB_EINVAL;
    }
    struct identity ids[MAX_IDENTITIES];
    size_t n = 0;
    if (identity_list(member, ids, MAX_IDENTITIES, &n))
        return ZB_EDB;
    if (n == 0) {
        snprintf(why, whysz, "成员 %lld 没有绑定微信或 QQ", member);
        return ZB_ENOTFOUND;
    }
    why[0] = '\0';
    for (int o = 0; o < r->norder; o++) {
        enum platform p = r->order[o];
        for (size_t i = 0; i < n; i++) {
            if (strcmp(ids[i].platform, platform_name(p)) != 0)
                continue;
            if (!r->platform_on[p]) {
                why_add(why, whysz,
                        p == PLATFORM_WECHAT   ? "微信未配置发送"
                        : p == PLATFORM_WXMINI ? "微信小程序未配置发送"
                                               : "平台未启用");
                continue;
            }
            int rc = ZB_ENOTFOUND;
            if (p == PLATFORM_WECHAT) {
                rc = wechat_route(r, row, ids[i].ext_id, now, out, why, whysz);
            } else if (p == PLATFORM_WXMINI) {
                rc = wxmini_route(r, row, ids[i].ext_id, now, out, why, whysz);
            } else if (p == PLATFORM_ONEBOT) {
                if (!closed(row, CH_ONEBOT_PRIVATE)) {
                    set_route(out, CH_ONEBOT_PRIVATE, ids[i].ext_id);
                    rc = ZB_OK;
                } else {
                    why_add(why, whysz, "QQ（OneBot）：平台拒绝了这条消息");
                }
            } else {
                rc = qqbot_member(r, row, ids[i].ext_id, now, out, why, whysz);
            }
            if (rc != ZB_ENOTFOUND)
                return rc;
        }
    }
    if (!why[0])
        why_add(why, whysz,
                "没有配置的渠道能送达（见 outbox.channel_order 和各平台的发送配置，含微信小程序）");
    return ZB_ENOTFOUND;
}

int channel_choose(const struct channel_rules *r, const struct outbox_row *row, int64_t now,
                   struct channel_route *out, char *why, size_t whysz)
{
    memset(out, 0, sizeof *out);
    why[0] = '\0';
    switch (row->rcpt) {
    case RCPT_MEMBER:
        return member_route(r, row, now, out, why, whysz);
    case RCPT_WECHAT:
        if (!r->platform_on[PLATFORM_WECHAT])
            return platform_off(PLATFORM_WECHAT, why, whysz);
        return wechat_route(r, row, row->to, now, out, why, whysz);
    case RCPT_ONEBOT_USER:
    case RCPT_ONEBOT_GROUP: {
        enum channel ch = row->rcpt == RCPT_ONEBOT_USER ? CH_ONEBOT_PRIVATE : CH_ONEBOT_GROUP;
        if (!r->platform_on[PLATFORM_ONEBOT])
            return platform_off(PLATFORM_ONEBOT, why, whysz);
        if (closed(row, ch)) {
            snprintf(why, whysz, "QQ（OneBot）：平台拒绝了这条消息");
            return ZB_ENOTFOUND;
        }
        set_route(out, ch, row->to);
        return ZB_OK;
    }
    case RCPT_WXMINI:
        if (!r->platform_on[PLATFORM_WXMINI])
            return platform_off(PLATFORM_WXMINI, why, whysz);
        return wxmini_route(r, row, row->to, now, out, why, whysz);
    case RCPT_QQBOT_USER:
    case RCPT_QQBOT_GROUP:
        if (!r->platform_on[PLATFORM_QQBOT])
            return platform_off(PLATFORM_QQBOT, why, whysz);
        return qqbot_route(r, row, row->rcpt == RCPT_QQBOT_GROUP, row->to, now, out, why, whysz);
    }
    snprintf(why, whysz, "收件人类型无效");
    return ZB_EINVAL;
}
