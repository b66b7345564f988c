/* chat.c - study in chat (see chat.h): the Chinese replies over study.h. */
#include "handlers/study/chat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/chat/platform.h"
#include "bot/delivery/link.h"
#include "bot/org/member.h"
#include "handlers/study/study.h"

#define REPLY_MAX (16 * 1024) /* bytes of one reply before the router pages it */

static const char tail_item[] = "回复“下一篇”换一篇，“往期”看以前的，0 返回菜单。";

/* name_of - a member's name, "—" when unknown. */
static void name_of(int64_t id, char *out, size_t outsz)
{
    struct member m;
    snprintf(out, outsz, "%s", id && member_get(id, &m) == ZB_OK ? m.name : "—");
}

/* summary_lines - the summary, at most three lines. */
static int summary_lines(const char *s, struct buf *out)
{
    int lines = 0;
    while (*s && lines < 3) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        if (n && (buf_append(out, s, n) || buf_appendz(out, "\n")))
            return ZB_ETOOBIG;
        lines += n ? 1 : 0;
        s += n + (nl ? 1 : 0);
    }
    return ZB_OK;
}

/* plain_line - line (n bytes) as plain text: each closed **bold** pair loses its marks. */
static int plain_line(const char *l, size_t n, struct buf *out)
{
    while (n) {
        const char *open = memmem(l, n, "**", 2);
        const char *close = open ? memmem(open + 2, n - (size_t)(open + 2 - l), "**", 2) : NULL;
        if (!close)
            return buf_append(out, l, n);
        if (buf_append(out, l, (size_t)(open - l)) ||
            buf_append(out, open + 2, (size_t)(close - open - 2)))
            return ZB_ETOOBIG;
        n -= (size_t)(close + 2 - l);
        l = close + 2;
    }
    return ZB_OK;
}

/* plain_body - the Markdown body as chat text, as the page renders it: "# " headings lose their
 * marks, "- " and "* " items become "• " lines, **bold** loses its marks, blank lines go. */
static int plain_body(const char *body, struct buf *out)
{
    const char *s = body;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        const char *next = s + n + (nl ? 1 : 0);
        while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
            n--;
        while (n && (*s == '#' || *s == ' ')) {
            s++;
            n--;
        }
        if (n) {
            bool item = n >= 2 && (s[0] == '-' || s[0] == '*') && s[1] == ' ';
            if (item) {
                s += 2;
                n -= 2;
            }
            if ((item && buf_appendz(out, "• ")) || plain_line(s, n, out) || buf_appendz(out, "\n"))
                return ZB_ETOOBIG;
        }
        s = next;
    }
    return ZB_OK;
}

int study_chat_item(int64_t member_id, int64_t id, bool with_link, const char *channel, int64_t now,
                    struct buf *out)
{
    struct study_item it;
    int rc = study_get(id, &it);
    if (rc)
        return rc;
    char author[MEMBER_NAME_MAX + 1], r1[MEMBER_NAME_MAX + 1], r2[MEMBER_NAME_MAX + 1];
    name_of(it.author_id, author, sizeof author);
    name_of(it.reviewer1_id, r1, sizeof r1);
    name_of(it.reviewer2_id, r2, sizeof r2);
    char url[LINK_URL_MAX] = "", obj[24];
    snprintf(obj, sizeof obj, "%lld", (long long)id);
    if (with_link && link_sign("s", member_id, obj, now + STUDY_LINK_TTL_S, url, sizeof url))
        url[0] = '\0';
    if (buf_appendf(out, "《%s》\n", it.h.title) ||
        (url[0] ? summary_lines(it.h.summary, out) : plain_body(it.body, out)) ||
        buf_appendf(out, "出处：%s\n撰稿：%s　审核：%s%s%s\n", it.h.source, author, r1,
                    it.reviewer2_id ? "、" : "", it.reviewer2_id ? r2 : "")) {
        rc = ZB_ETOOBIG;
        goto done;
    }
    if (url[0])
        rc = buf_appendf(out, "阅读全文：%s\n", url) ? ZB_ETOOBIG : ZB_OK;
    else
        rc = study_read(member_id, id, channel, now, NULL);
    if (!rc)
        rc = buf_appendz(out, tail_item) ? ZB_ETOOBIG : ZB_OK;
done:
    study_item_clear(&it);
    return rc;
}

static bool links_ok(const struct event *ev)
{
    return ev->platform == PLATFORM_WECHAT || ev->platform == PLATFORM_WXMINI;
}

static const char *channel_of(const struct event *ev)
{
    const struct platform_info *p = platform_get(ev->platform);
    return p ? p->name : "chat";
}

/* give - the item for the sender (pick: next or today's; or arg's id). */
static int give(struct handler_ctx *c, struct reply *out, bool next)
{
    int64_t id = 0;
    int rc;
    if (!next && c->arg && *c->arg) {
        char *end = NULL;
        long long v = strtoll(c->arg, &end, 10);
        if (!end || *end || v <= 0) {
            reply_text(out, "请发送“学习”，或“学习 编号”看某一篇（编号见“往期”）。");
            return ZB_OK;
        }
        id = v;
        struct study_item it;
        bool yes = false;
        rc = study_get(id, &it);
        if (rc == ZB_OK) {
            rc = study_reaches(&it, c->member_id, &yes);
            if (!rc && (it.status != STUDY_PUBLISHED || !yes))
                rc = ZB_ENOTFOUND;
            study_item_clear(&it);
        }
        if (rc == ZB_ENOTFOUND) {
            reply_text(out, "没有这一篇。回复“往期”看可读的内容，0 返回菜单。");
            return ZB_OK;
        }
        if (rc)
            return rc;
    } else if ((rc = study_pick(c->member_id, next, c->now, &id))) {
        return rc;
    }
    if (!id) {
        reply_text(out, next ? "没有别的未读内容了。回复“往期”回顾以前的，0 返回菜单。"
                             : "今天的学习内容您都读完了，真棒！\n回复“往期”回顾以前的，0 "
                               "返回菜单。");
        return ZB_OK;
    }
    struct buf b;
    buf_init(&b, REPLY_MAX);
    rc = study_chat_item(c->member_id, id, links_ok(c->ev), channel_of(c->ev), c->now, &b);
    if (!rc)
        reply_text(out, buf_str(&b));
    buf_free(&b);
    return rc;
}

static int on_study(struct handler_ctx *c, struct reply *out)
{
    return give(c, out, false);
}

static int on_next(struct handler_ctx *c, struct reply *out)
{
    return give(c, out, true);
}

static int on_past(struct handler_ctx *c, struct reply *out)
{
    struct study_entry e[STUDY_PAST_SHOWN];
    size_t n = 0;
    int rc = study_for_member(c->member_id, e, STUDY_PAST_SHOWN, &n);
    if (rc)
        return rc;
    if (!n) {
        reply_text(out, "还没有发布给您的学习内容。回复 0 返回菜单。");
        return ZB_OK;
    }
    struct buf b;
    buf_init(&b, REPLY_MAX);
    rc = buf_appendz(&b, "近期学习内容：");
    for (size_t i = 0; i < n && !rc; i++)
        rc = buf_appendf(&b, "\n%lld %s%s", (long long)e[i].id, e[i].title,
                         e[i].read ? "（已读）" : "");
    if (!rc)
        rc = buf_appendz(&b, "\n回复“学习 编号”阅读，0 返回菜单。");
    if (!rc)
        reply_text(out, buf_str(&b));
    buf_free(&b);
    return rc;
}

static int on_sub(struct handler_ctx *c, struct reply *out)
{
    bool on = strncmp(c->norm, "订阅", strlen("订阅")) == 0, changed = false;
    int rc = study_subscribe(c->member_id, on, c->now, &changed);
    if (rc)
        return rc;
    if (on)
        reply_textf(out,
                    "%s每天 %s 给您发一条学习提要，含今天的学习内容和待办事项。\n回复"
                    "“退订”可随时取消，0 返回菜单。",
                    changed ? "已订阅。" : "您已订阅。", study_settings()->digest_time);
    else
        reply_text(out, changed ? "已退订每日学习提要。回复“订阅”可重新开启，0 返回菜单。"
                                : "您没有订阅每日学习提要。回复“订阅”开启，0 返回菜单。");
    return ZB_OK;
}

static int on_points(struct handler_ctx *c, struct reply *out)
{
    /* one member's record is theirs: never posted to the whole group */
    if (c->ev->group) {
        reply_text(out, "学习记录只给您本人看，请私聊我发送“积分”。");
        return ZB_OK;
    }
    struct study_record r;
    int rc = study_record_get(c->member_id, c->now, &r);
    if (rc)
        return rc;
    struct buf b;
    buf_init(&b, REPLY_MAX);
    rc = buf_appendf(&b, "我的学习记录\n本周：读了 %d 篇，积分 %d\n本月：读了 %d 篇，积分 %d\n",
                     r.week.items, r.week.points, r.month.items, r.month.points);
    if (!rc)
        rc = study_record_sections(c->member_id, c->now, &b);
    if (!rc)
        rc = buf_appendf(&b,
                         "本支部 %d 人：本周共读 %d 篇，本月共读 %d 篇\n回复“学习”继续，0 "
                         "返回菜单。",
                         r.branch_members, r.branch_week.items, r.branch_month.items);
    if (!rc)
        reply_text(out, buf_str(&b));
    buf_free(&b);
    return rc;
}

static const char *const kw_study[] = {"学习", NULL};
static const char *const kw_next[] = {"下一篇", NULL};
static const char *const kw_past[] = {"往期", NULL};
/* the ways an older member says it: "订阅" turns it on, every other word off */
static const char *const kw_sub[] = {"订阅",   "退订",     "订阅提要", "退订了",
                                     "不订了", "取消订阅", "不要提要", NULL};
static const char *const kw_points[] = {"积分", NULL};

const struct handler study_handler = {
    .name = "study",
    .keywords = kw_study,
    .initials = (const char *const[]){"xx", NULL},
    .takes_arg = true,
    .members_only = true,
    .menu_no = 1,
    .menu_label = "学习",
    .on_message = on_study,
};
const struct handler study_next_handler = {
    .name = "study_next", .keywords = kw_next, .members_only = true, .on_message = on_next};
const struct handler study_past_handler = {
    .name = "study_past", .keywords = kw_past, .members_only = true, .on_message = on_past};
const struct handler study_sub_handler = {
    .name = "study_sub", .keywords = kw_sub, .members_only = true, .on_message = on_sub};
const struct handler study_points_handler = {
    .name = "study_points", .keywords = kw_points, .members_only = true, .on_message = on_points};
