/* chat.c - the Chinese of meetings in chat (see chat.h). */
#include "handlers/meetings/chat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/buf.h"
#include "handlers/meetings/meetings.h"

#define REPLY_MAX 4096 /* bytes of a listing */
#define TEMPLATE                                                                                                   \
    "请按格式发送：\n会议 2026-12-01 15:00 支部党员大会 三楼会议室 学习新修订的党章\n" \
    "日期也可写 明天、周五、12月1日；时间可写 15:00 或 下午3点。\n"                         \
    "类型：支部党员大会、支委会、党小组会、党课、主题党日、组织生活会。"

static const char *const words[] = {"会议", "签到码", "签到", "请假", "代签", "出勤", "纪要", NULL};

static bool starts(const char *s, const char *w)
{
    return strncmp(s, w, strlen(w)) == 0;
}

/* the meeting id at the start of arg, 0 when none; *rest after it */
static int64_t id_of(const char *arg, const char **rest)
{
    char *end = NULL;
    long long v = strtoll(arg, &end, 10);
    if (end == arg || v <= 0) {
        *rest = arg;
        return 0;
    }
    while (*end == ' ')
        end++;
    *rest = end;
    return v;
}

static const char *state_text(enum attend_state s)
{
    return s == AS_PRESENT ? "已签到" : s == AS_LEAVE ? "已请假" : "待参加";
}

static int list(struct handler_ctx *c, struct reply *out)
{
    struct meetings_row rows[10];
    size_t n = 0;
    int rc = meetings_for_member(c->member_id, c->now, false, rows, 10, &n);
    if (rc)
        return rc;
    if (!n) {
        reply_text(out, "近期没有您需要参加的会议。\n回复 0 返回菜单。");
        return ZB_OK;
    }
    struct buf b;
    buf_init(&b, REPLY_MAX);
    rc = buf_appendz(&b, "您近期的会议：\n");
    for (size_t i = 0; rc == ZB_OK && i < n; i++) {
        char when[64];
        when_format(rows[i].m.starts_at, when, sizeof when);
        rc = buf_appendf(&b, "%lld. %s %s\n   %s（%s）\n", (long long)rows[i].m.id,
                         meeting_kind_name(rows[i].m.kind), when, rows[i].m.place,
                         state_text(rows[i].state));
    }
    if (rc == ZB_OK)
        rc = buf_appendz(&b, "到场后回复 签到；不能参加回复 请假 原因。\n回复 0 返回菜单。");
    if (rc == ZB_OK || rc == ZB_ETOOBIG)
        reply_text(out, buf_str(&b));
    buf_free(&b);
    return ZB_OK;
}

/* draft - parse text as a scheduling message and ask for confirmation. */
static int draft(struct handler_ctx *c, const char *text, struct reply *out)
{
    struct when_request r;
    int rc = when_parse_request(text, c->now, &r);
    if (rc) {
        reply_textf(out, "%s", TEMPLATE);
        return ZB_OK;
    }
    if (r.at <= c->now) {
        reply_text(out, "会议时间已经过去，请重新发送。");
        return ZB_OK;
    }
    char when[64], state[WHEN_TEXT_MAX + 32];
    when_format(r.at, when, sizeof when);
    snprintf(state, sizeof state, "add|%lld|%s", (long long)c->now, text);
    if ((rc = router_session_begin(c, &meetings_handler, state)))
        return rc;
    reply_textf(out, "请确认：\n%s%s%s\n时间：%s\n地点：%s%s%s%s%s\n回复 1 确认发出，回复 0 取消。",
                meeting_kind_name(r.kind), r.group[0] ? " " : "", r.group, when, r.place,
                r.topic[0] ? "\n内容：" : "", r.topic, r.chair[0] ? "\n主持：" : "", r.chair);
    return ZB_OK;
}

static int confirm(struct handler_ctx *c, const char *state, struct reply *out)
{
    char *end = NULL;
    long long then = strtoll(state + 4, &end, 10);
    if (!end || *end != '|')
        return ZB_EINVAL;
    struct when_request r;
    if (when_parse_request(end + 1, then, &r)) {
        reply_text(out, TEMPLATE);
        return ZB_OK;
    }
    struct actor a = actor_member(c->member_id, platform_name(c->ev->platform));
    struct meetings_new nm = {.kind = r.kind,
                              .group = r.group,
                              .starts_at = r.at,
                              .place = r.place,
                              .topic = r.topic,
                              .chair = r.chair,
                              .recorder = r.recorder};
    struct meeting m;
    int invited = 0;
    const char *what = NULL;
    int rc = meetings_add(&a, &nm, c->now, &m, &invited, &what);
    switch (rc) {
    case ZB_OK:
        reply_textf(out, "已安排会议（编号 %lld），已通知 %d 人。\n设置签到码请回复 签到码 %lld。",
                    (long long)m.id, invited, (long long)m.id);
        return ZB_OK;
    case ZB_EINVAL:
        reply_text(out, "会议时间已经过去，请重新发送。");
        return ZB_OK;
    case ZB_EDENIED:
        reply_text(out, meetings_schedule.refusal);
        return ZB_OK;
    case ZB_ENOTFOUND:
        reply_text(out, what && strcmp(what, "group") == 0 ? "没有找到这个党小组。"
                        : what                             ? "没有找到主持人或记录人。"
                                                           : "没有找到您所在的支部。");
        return ZB_OK;
    default:
        return rc;
    }
}

static int checkin(struct handler_ctx *c, const char *arg, struct reply *out)
{
    struct meeting m;
    int rc = meetings_checkin(c->member_id, 0, arg, "self", c->now, &m);
    switch (rc) {
    case ZB_OK:
        reply_textf(out, "签到成功：%s。", meeting_kind_name(m.kind));
        return ZB_OK;
    case ZB_ENOTFOUND:
    case ZB_ESTALE:
        reply_text(out, "现在没有可以签到的会议（开会前后半小时内可签到）。");
        return ZB_OK;
    case ZB_ESIG:
        reply_text(out, "签到码不对。请发送“签到 会场公布的四位数”。");
        return ZB_OK;
    case ZB_EDONE:
        reply_text(out, "您已经签到过了。");
        return ZB_OK;
    default:
        return rc;
    }
}

/*
 * leave_target - "请假 4 出差": the member's upcoming meeting 4 (as numbered in the 会议 list) and
 * the reason after it; a number that is not one of their meetings ("请假 3天 出差") stays part of
 * the reason. *id 0 (the next meeting) otherwise; *others the count of their other meetings.
 */
static int leave_target(struct handler_ctx *c, const char *arg, int64_t *id, const char **reason,
                        size_t *others)
{
    struct meetings_row rows[10];
    size_t n = 0;
    *id = 0;
    *reason = arg;
    *others = 0;
    int rc = meetings_for_member(c->member_id, c->now, false, rows, 10, &n);
    if (rc)
        return rc;
    *others = n > 1 ? n - 1 : 0;
    size_t digits = strspn(arg, "0123456789");
    if (digits == 0 || digits > 9 || (arg[digits] != ' ' && arg[digits] != '\0'))
        return ZB_OK;
    int64_t want = strtoll(arg, NULL, 10);
    for (size_t i = 0; i < n; i++)
        if (rows[i].m.id == want) {
            *id = want;
            *reason = arg + digits;
            while (**reason == ' ')
                (*reason)++;
        }
    return ZB_OK;
}

static int take_leave(struct handler_ctx *c, const char *arg, struct reply *out)
{
    struct meeting m;
    int64_t id = 0;
    const char *reason = arg;
    size_t others = 0;
    int rc = leave_target(c, arg, &id, &reason, &others);
    if (rc)
        return rc;
    rc = meetings_leave(c->member_id, id, reason, c->now, &m);
    switch (rc) {
    case ZB_OK: {
        char when[64];
        when_format(m.starts_at, when, sizeof when);
        if (others && !id)
            reply_textf(out,
                        "已为您请假：%s %s。\n您还有其他会议，要为其中一个请假，请回复 请假 "
                        "编号 原因（编号见“会议”列表）。",
                        meeting_kind_name(m.kind), when);
        else
            reply_textf(out, "已为您请假：%s %s。", meeting_kind_name(m.kind), when);
        return ZB_OK;
    }
    case ZB_EINVAL:
        reply_text(out, "请写明原因，例如：请假 出差");
        return ZB_OK;
    case ZB_ETOOBIG:
        reply_text(out, "原因太长了，请简短些。");
        return ZB_OK;
    case ZB_ENOTFOUND:
        reply_text(out, "近期没有您需要参加的会议。");
        return ZB_OK;
    case ZB_ESTALE:
        reply_text(out, "会议已经开始，不能再请假。");
        return ZB_OK;
    case ZB_EDONE:
        reply_text(out, "您已经签到，不需要请假。");
        return ZB_OK;
    default:
        return rc;
    }
}

static int proxy(struct handler_ctx *c, const struct actor *a, const char *arg, struct reply *out)
{
    char name[WHEN_WORD_MAX + 1];
    size_t n = strcspn(arg, " ");
    if (!n || n >= sizeof name) {
        reply_text(out, "请发送：代签 姓名（或 代签 姓名 请假 原因）");
        return ZB_OK;
    }
    memcpy(name, arg, n);
    name[n] = '\0';
    const char *rest = arg + n;
    while (*rest == ' ')
        rest++;
    const char *reason = starts(rest, "请假") ? rest + strlen("请假") : NULL;
    while (reason && *reason == ' ')
        reason++;
    int64_t who = 0;
    int rc = meetings_proxy(a, 0, name, reason, c->now, &who);
    switch (rc) {
    case ZB_OK:
        reply_textf(out, "已为%s%s（代签）。", name, reason ? "请假" : "签到");
        return ZB_OK;
    case ZB_EDENIED:
        reply_text(out, meetings_proxy_act.refusal);
        return ZB_OK;
    case ZB_ENOTFOUND:
        reply_text(out, "没有找到这位党员，或现在没有进行中的会议。");
        return ZB_OK;
    case ZB_ESTALE:
        reply_text(out, reason ? "会议已经开始，不能再请假。" : "现在不在签到时间内。");
        return ZB_OK;
    case ZB_EDONE:
        reply_text(out, "这位党员已经签到了。");
        return ZB_OK;
    case ZB_EINVAL:
        reply_text(out, "请写明请假原因。");
        return ZB_OK;
    default:
        return rc;
    }
}

/* attendance - the sheet of meeting id; in a group only the counts (names are told in private
 * chat: who was absent is nobody else's business). */
static int attendance(const struct actor *a, int64_t id, int64_t now, bool group, struct reply *out)
{
    bool listed = false;
    struct meetings_sheet s;
    int rc = meetings_attendance(a, id, &s);
    if (rc == ZB_ENOTFOUND || rc == ZB_EDENIED) {
        reply_text(out, rc == ZB_ENOTFOUND ? "没有这个会议编号。" : meetings_records.refusal);
        return ZB_OK;
    }
    if (rc)
        return rc;
    struct buf b;
    buf_init(&b, REPLY_MAX);
    const char *absent = s.m.starts_at > now ? "未签到" : "缺席"; /* nobody is absent yet */
    rc = buf_appendf(&b, "%s 出勤：实到 %d，请假 %d，%s %d", meeting_kind_name(s.m.kind), s.present,
                     s.leave, absent, s.absent);
    if (rc == ZB_OK && s.exempt)
        rc = buf_appendf(&b, "，免于统计 %d", s.exempt);
    if (rc == ZB_OK && s.has_quorum)
        rc = buf_appendf(&b, "\n应到有表决权 %d 人，到会 %d 人，%s", s.quorum_due, s.quorum_present,
                         s.quorum_met ? "达到法定人数。" : "未达到法定人数。");
    if (rc == ZB_OK && group && s.absent)
        rc = buf_appendz(&b, "\n名单请私聊小助手发送“出勤 编号”查看。");
    for (size_t i = 0; rc == ZB_OK && !group && i < s.n; i++) {
        if (s.people[i].state != AS_INVITED || s.people[i].exempt)
            continue;
        if (listed)
            rc = buf_appendf(&b, " %s", s.people[i].name);
        else /* the heading comes with the first name, whoever precedes it */
            rc = buf_appendf(&b, "\n%s：%s", absent, s.people[i].name);
        listed = true;
    }
    if (rc == ZB_OK || rc == ZB_ETOOBIG)
        reply_text(out, buf_str(&b));
    buf_free(&b);
    free(s.people);
    return ZB_OK;
}

static int minutes(struct handler_ctx *c, const struct actor *a, int64_t id, const char *text,
                   struct reply *out)
{
    int rc = meetings_minutes(a, id, text, c->now);
    switch (rc) {
    case ZB_OK:
        reply_textf(out, "已保存会议 %lld 的纪要（出席、请假、缺席已自动填写）。", (long long)id);
        return ZB_OK;
    case ZB_ENOTFOUND:
        reply_text(out, "没有这个会议编号。");
        return ZB_OK;
    case ZB_EDENIED:
        reply_text(out, meetings_records.refusal);
        return ZB_OK;
    case ZB_ETOOBIG:
        reply_text(out, "纪要太长，请用命令行或小程序上传。");
        return ZB_OK;
    default:
        return rc;
    }
}

/* raw_after_id - the message's own text after "纪要 ID" (spacing kept), or NULL. */
static const char *raw_after_id(const char *raw)
{
    while (*raw == ' ')
        raw++;
    if (!starts(raw, "纪要"))
        return NULL;
    raw += strlen("纪要");
    while (*raw == ' ')
        raw++;
    while (*raw >= '0' && *raw <= '9')
        raw++;
    while (*raw == ' ' || *raw == '\n' || *raw == '\r')
        raw++;
    return raw;
}

static int on_message(struct handler_ctx *c, struct reply *out)
{
    struct actor a = actor_member(c->member_id, platform_name(c->ev->platform));
    const char *rest = NULL;
    const char *arg = c->arg;
    if (starts(c->norm, "签到码")) {
        int64_t id = id_of(arg, &rest);
        char code[8];
        int rc = id ? meetings_set_code(&a, id, code, sizeof code, c->now) : ZB_EINVAL;
        if (rc == ZB_OK)
            reply_textf(out, "会议 %lld 的签到码：%s\n请在会场公布，党员发送“签到 %s”。",
                        (long long)id, code, code);
        else if (rc == ZB_EDENIED)
            reply_text(out, meetings_schedule.refusal);
        else if (rc == ZB_EINVAL || rc == ZB_ENOTFOUND || rc == ZB_EDONE)
            reply_text(out, "请发送：签到码 会议编号（会议编号见“会议”列表）。");
        else
            return rc;
        return ZB_OK;
    }
    if (starts(c->norm, "签到"))
        return checkin(c, arg, out);
    if (starts(c->norm, "请假"))
        return take_leave(c, arg, out);
    if (starts(c->norm, "代签"))
        return proxy(c, &a, arg, out);
    if (starts(c->norm, "出勤")) {
        int64_t id = id_of(arg, &rest);
        if (!id) {
            reply_text(out, "请发送：出勤 会议编号");
            return ZB_OK;
        }
        return attendance(&a, id, c->now, c->ev->group != NULL, out);
    }
    if (starts(c->norm, "纪要")) {
        int64_t id = id_of(arg, &rest);
        if (!id) {
            reply_text(out, "请发送：纪要 会议编号 纪要内容");
            return ZB_OK;
        }
        const char *raw = raw_after_id(c->ev->text);
        const char *text = raw && *raw ? raw : rest;
        if (*text)
            return minutes(c, &a, id, text, out);
        char state[40];
        snprintf(state, sizeof state, "min|%lld", (long long)id);
        int rc = router_session_begin(c, &meetings_handler, state);
        if (rc == ZB_OK)
            reply_text(out, "请把会议纪要作为下一条消息发来。回复 0 取消。");
        return rc;
    }
    if (*arg)
        return draft(c, arg, out);
    return list(c, out);
}

static int on_session(struct handler_ctx *c, const char *state, struct reply *out)
{
    struct actor a = actor_member(c->member_id, platform_name(c->ev->platform));
    const char *kw = NULL; /* the longest meeting word the message starts with */
    for (size_t i = 0; words[i]; i++)
        if (starts(c->norm, words[i]) && (!kw || strlen(words[i]) > strlen(kw)))
            kw = words[i];
    const char *after = kw ? c->norm + strlen(kw) : NULL;
    while (after && *after == ' ')
        after++;
    if (starts(state, "min|")) {
        int rc = router_session_end(c);
        if (rc)
            return rc;
        /* "会议", "出勤 4", "签到 1234": a command, never minutes (they would replace real ones) */
        if (kw && strspn(after, "0123456789") == strlen(after)) {
            c->arg = after;
            return on_message(c, out);
        }
        return minutes(c, &a, strtoll(state + 4, NULL, 10), c->ev->text, out);
    }
    int rc = router_session_end(c);
    if (rc)
        return rc;
    if (router_word_in(c->norm, router_yes_words))
        return confirm(c, state, out);
    if (router_word_in(c->norm, router_no_words)) {
        reply_text(out, "已取消，会议没有发出。回复 0 返回菜单。");
        return ZB_OK;
    }
    if (kw) { /* a new meeting command drops the draft */
        c->arg = after;
        return on_message(c, out);
    }
    /* neither yes nor no: the draft waits, and the question is asked again */
    if ((rc = router_session_begin(c, &meetings_handler, state)))
        return rc;
    reply_text(out, "会议还没有发出。回复 1 确认发出，回复 0 取消。");
    return ZB_OK;
}

const struct handler meetings_handler = {
    .name = "meetings",
    .keywords = words,
    .initials = (const char *const[]){"hy", NULL},
    .takes_arg = true,
    .members_only = true,
    .menu_no = 4,
    .menu_label = "会议",
    .on_message = on_message,
    .on_session = on_session,
    .session_numbers = true,           /* its confirmation asks "回复 1 确认发出" */
    .session_words = router_yes_words, /* "好", "嗯" answer it; they are not 收到 here */
};
