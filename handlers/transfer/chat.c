/* chat.c - 转关系 / 6 and 进度 (see chat.h). */
#include "handlers/transfer/chat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/chat/platform.h"
#include "bot/org/branch.h"
#include "bot/org/member.h"
#include "handlers/dues/dues.h"
#include "handlers/transfer/transfer.h"

#define REPLY_MAX 3000

static const char *const start_words[] = {"转关系", "组织关系转接", "转组织关系", NULL};
static const char *const progress_words[] = {"进度", "到哪一步了", "转到哪了", NULL};

static const char *const reasons[] = {"工作单位变动", "在外地固定工作或学习六个月以上"};

void transfer_why_text(int rc, const struct transfer_why *w, char *out, size_t outsz)
{
    switch (w->reason) {
    case TR_NO_MEMBER:
        snprintf(out, outsz, "没有这名党员");
        return;
    case TR_NO_BRANCH:
        snprintf(out, outsz, "这名党员还没有所在组织，请先登记");
        return;
    case TR_NO_TARGET:
    case TR_NO_ROUTE:
    case TR_BAD_HOP:
        snprintf(out, outsz, "%s", w->detail);
        return;
    case TR_SAME:
        snprintf(out, outsz, "转入组织就是现在的组织");
        return;
    case TR_TOO_LONG:
        snprintf(out, outsz, "路线超过 %d 步，请检查组织树和 transfer.routes", TRANSFER_STEPS_MAX);
        return;
    case TR_OPEN_ALREADY:
        snprintf(out, outsz, "已有一件未办完的转接（编号 %lld）", (long long)w->other);
        return;
    case TR_NOT_RETURNED:
        snprintf(out, outsz, "这件转接没有被退回，不需要重新提交");
        return;
    case TR_NOT_EXPIRED:
        snprintf(out, outsz, "介绍信还在有效期内，不需要重开");
        return;
    case TR_NO_LETTER:
        snprintf(out, outsz, "介绍信还没有开具（转出组织同意后开具），不需要重开");
        break;
    case TR_CLOSED:
        snprintf(out, outsz, "这件转接已经办完或已撤销");
        return;
    case TR_BAD_VALIDITY:
        snprintf(out, outsz, "介绍信有效期不对（按配置最长天数）");
        return;
    case TR_REASON_NEEDED:
        snprintf(out, outsz, rc == ZB_ETOOBIG ? "原因太长" : "请写明原因");
        return;
    case TR_DUPLICATE:
        snprintf(out, outsz, "这个手机号已是在册党员（编号 %lld），不能重复登记",
                 (long long)w->other);
        return;
    case TR_BAD_FROM:
        snprintf(out, outsz, "转出组织不对：%s", w->detail);
        return;
    case TR_BAD_INCOMING:
        snprintf(out, outsz, "%s", w->detail);
        return;
    case TR_DENIED:
        snprintf(out, outsz, "%s", w->refusal ? w->refusal : "没有权限");
        return;
    default:
        snprintf(out, outsz, rc == ZB_ENOTFOUND ? "没有这件转接" : "办理失败，请稍后再试");
    }
}

static void when_text(int64_t t, char *out, size_t outsz)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!t || !localtime_r(&tt, &tm))
        snprintf(out, outsz, "-");
    else
        strftime(out, outsz, "%m月%d日", &tm);
}

static const char *const status_cn[] = {"办理中", "已退回", "介绍信已过期", "已完成", "已撤销"};

int transfer_progress_text(const struct transfer *t, int64_t now, struct buf *out)
{
    char from[BRANCH_NAME_MAX + 1] = "", to[BRANCH_NAME_MAX + 1] = "";
    struct branch b;
    if (!branch_get(t->from_org, &b))
        snprintf(from, sizeof from, "%s", b.name);
    if (!branch_get(t->to_org, &b))
        snprintf(to, sizeof to, "%s", b.name);
    int rc = buf_appendf(out, "【组织关系转接】编号 %lld\n从 %s 转往 %s\n状态：%s\n",
                         (long long)t->id, from, to, status_cn[t->status]);
    for (size_t i = 0; !rc && i < t->n_steps; i++) {
        const struct transfer_step *s = &t->steps[i];
        char name[BRANCH_NAME_MAX + 1] = "", when[32];
        if (!branch_get(s->org_id, &b))
            snprintf(name, sizeof name, "%s", b.name);
        switch (s->state) {
        case SS_APPROVED:
            when_text(s->decided_at, when, sizeof when);
            rc = buf_appendf(out, "%zu %s：%s（%s）\n", i + 1, name,
                             i + 1 == t->n_steps ? "已接收" : "已同意", when);
            break;
        case SS_RETURNED:
            when_text(s->decided_at, when, sizeof when);
            rc = buf_appendf(out, "%zu %s：已退回（%s），原因：%s\n", i + 1, name, when, s->reason);
            break;
        case SS_OPEN: {
            int64_t ids[4];
            size_t n = 0;
            char who[200] = "";
            int64_t org = b.external ? t->from_org : s->org_id;
            if ((rc = transfer_approvers(org, ids, 4, &n)))
                break;
            for (size_t k = 0; k < n; k++) {
                struct member m;
                if (!member_get(ids[k], &m)) {
                    size_t l = strlen(who);
                    snprintf(who + l, sizeof who - l, "%s%s", l ? "、" : "", m.name);
                }
            }
            when_text(s->opened_at, when, sizeof when);
            rc = buf_appendf(out, "%zu %s：正在办理（%s，自 %s 起）\n", i + 1, name,
                             n ? who : "待指定审批人", when);
            break;
        }
        default:
            rc = buf_appendf(out, "%zu %s：未开始\n", i + 1, name);
        }
    }
    if (!rc && t->issued_at) {
        int left = transfer_days_left(t, now);
        if (t->status == TS_DONE || t->status == TS_CANCELLED)
            rc = buf_appendf(out, "介绍信：%s\n", t->letter_no);
        else if (left >= 0)
            rc = buf_appendf(out, "介绍信：%s，有效期还剩 %d 天\n", t->letter_no, left);
        else
            rc = buf_appendf(out, "介绍信：%s，已过期，需重新开具\n", t->letter_no);
    } else if (!rc && t->status != TS_CANCELLED)
        rc = buf_appendz(out, "介绍信：转出组织同意后开具\n");
    if (!rc && t->dues_paid_through >= 0) {
        char m[8];
        dues_month_text(t->dues_paid_through, m, sizeof m);
        rc = buf_appendf(out, "党费交至：%s%s\n", m, t->dues_arrears ? "（有欠交）" : "");
    }
    return rc;
}

/* show - the member's current transfer, with what they can send next. */
static int show(struct handler_ctx *c, int64_t id, struct reply *out)
{
    struct transfer *t = malloc(sizeof *t);
    if (!t)
        return ZB_EDB;
    int rc = transfer_get(id, t);
    struct buf r;
    buf_init(&r, REPLY_MAX);
    if (!rc)
        rc = transfer_progress_text(t, c->now, &r);
    if (!rc && t->status == TS_RETURNED) {
        char state[32];
        snprintf(state, sizeof state, "resubmit:%lld", (long long)id);
        rc = router_session_begin(c, &transfer_handler, state);
        if (!rc)
            rc = buf_appendz(&r, "按退回原因改正后，回复 1 重新提交；回复 0 返回菜单。");
    } else if (!rc)
        rc = buf_appendz(&r, "回复 进度 随时查看；回复 0 返回菜单。");
    if (!rc)
        reply_text(out, buf_str(&r));
    buf_free(&r);
    free(t);
    return rc;
}

static int on_message(struct handler_ctx *c, struct reply *out)
{
    if (c->ev->group) {
        reply_text(out, "组织关系转接请私聊我发送“转关系”。");
        return ZB_OK;
    }
    int64_t id = 0;
    int rc = transfer_current(c->member_id, &id);
    if (rc)
        return rc;
    if (id)
        return show(c, id, out);
    if ((rc = router_session_begin(c, &transfer_handler, "to")))
        return rc;
    reply_text(out, "【组织关系转接】\n工作单位变动，或到外地固定工作、学习六个月以上，需要转接组织"
                    "关系。\n请回复要转入的组织名称，例如：实验中学支部\n回复 0 取消。");
    return ZB_OK;
}

static int ask_reason(struct handler_ctx *c, struct reply *out)
{
    int64_t to = 0;
    char err[BRANCH_ERR_MAX];
    struct member m;
    int rc = member_get(c->member_id, &m);
    if (rc)
        return rc;
    if (branch_resolve(c->ev->text, &to, err, sizeof err)) {
        reply_textf(out, "%s。\n请重新回复组织名称，或回复 0 取消。", err);
        return router_session_begin(c, &transfer_handler, "to");
    }
    struct transfer_route r;
    struct transfer_why why = {0};
    if ((rc = transfer_route(m.branch_id, to, &r, &why))) {
        if (rc == ZB_EDB)
            return rc;
        char text[600];
        if (why.reason == TR_NO_ROUTE || why.reason == TR_BAD_HOP || why.reason == TR_TOO_LONG)
            /* the detail names transfer.routes: the administrator's business, not the member's */
            snprintf(text, sizeof text, "系统里还没有设好转往这个组织的路线");
        else
            transfer_why_text(rc, &why, text, sizeof text);
        reply_textf(out, "暂时无法办理：%s。\n请联系支部书记。回复 0 返回菜单。", text);
        return ZB_OK;
    }
    struct buf b;
    buf_init(&b, REPLY_MAX);
    rc = buf_appendz(&b, "转接路线：\n");
    for (size_t i = 0; !rc && i < r.n; i++) {
        struct branch n;
        if ((rc = branch_get(r.orgs[i], &n)))
            break;
        rc = buf_appendf(&b, "%zu %s\n", i + 1, n.name);
    }
    if (!rc)
        rc = buf_appendf(&b, "请回复转接原因：\n1 %s\n2 %s\n也可以直接写原因。回复 0 取消。",
                         reasons[0], reasons[1]);
    char state[32];
    snprintf(state, sizeof state, "reason:%lld", (long long)to);
    if (!rc)
        rc = router_session_begin(c, &transfer_handler, state);
    if (!rc)
        reply_text(out, buf_str(&b));
    buf_free(&b);
    return rc;
}

static int start(struct handler_ctx *c, int64_t to, struct reply *out)
{
    const char *reason = strcmp(c->norm, "1") == 0   ? reasons[0]
                         : strcmp(c->norm, "2") == 0 ? reasons[1]
                                                     : c->ev->text;
    char path[BRANCH_PATH_MAX + 1];
    int rc = branch_path(to, path, sizeof path);
    if (rc)
        return rc;
    struct actor a = actor_member(c->member_id, platform_name(c->ev->platform));
    struct transfer_new n = {.member_id = c->member_id, .to = path, .reason = reason};
    struct transfer_why why = {0};
    int64_t id = 0;
    rc = transfer_start(&a, &n, c->now, &id, &why);
    if (rc == ZB_EDB)
        return rc;
    if (rc) {
        char text[600];
        transfer_why_text(rc, &why, text, sizeof text);
        reply_textf(out, "没有提交：%s。回复 0 返回菜单。", text);
        return ZB_OK;
    }
    struct transfer *t = malloc(sizeof *t);
    if (!t)
        return ZB_EDB;
    struct buf b;
    buf_init(&b, REPLY_MAX);
    rc = transfer_get(id, t);
    if (!rc)
        rc = buf_appendz(&b, "已提交，审批结果会通知您。\n");
    if (!rc)
        rc = transfer_progress_text(t, c->now, &b);
    if (!rc && t->dues_arrears)
        rc = buf_appendf(&b, "提示：您有 %d 个月党费未交，请尽快补交。\n", t->dues_arrears);
    if (!rc)
        rc = buf_appendz(&b, "回复 进度 随时查看；回复 0 返回菜单。");
    if (!rc)
        reply_text(out, buf_str(&b));
    buf_free(&b);
    free(t);
    return rc;
}

static int on_session(struct handler_ctx *c, const char *state, struct reply *out)
{
    int rc = router_session_end(c);
    if (rc)
        return rc;
    if (strcmp(c->norm, "0") == 0) {
        reply_text(out, "已取消。回复 0 返回菜单。");
        return ZB_OK;
    }
    for (size_t i = 0; start_words[i]; i++) /* asked again while the session was open */
        if (strcmp(c->norm, start_words[i]) == 0)
            return on_message(c, out);
    for (size_t i = 0; progress_words[i]; i++)
        if (strcmp(c->norm, progress_words[i]) == 0)
            return on_message(c, out);
    if (strcmp(state, "to") == 0)
        return ask_reason(c, out);
    if (strncmp(state, "reason:", 7) == 0)
        return start(c, strtoll(state + 7, NULL, 10), out);
    if (strncmp(state, "resubmit:", 9) == 0 && strcmp(c->norm, "1") == 0) {
        int64_t id = strtoll(state + 9, NULL, 10);
        struct actor a = actor_member(c->member_id, platform_name(c->ev->platform));
        struct transfer_why why = {0};
        rc = transfer_resubmit(&a, id, c->now, &why);
        if (rc == ZB_EDB)
            return rc;
        if (rc) {
            char text[600];
            transfer_why_text(rc, &why, text, sizeof text);
            reply_textf(out, "没有提交：%s。回复 0 返回菜单。", text);
            return ZB_OK;
        }
        reply_text(out, "已重新提交，审批结果会通知您。回复 进度 随时查看。");
        return ZB_OK;
    }
    reply_text(out, "没有提交。回复 转关系 再看，回复 0 返回菜单。");
    return ZB_OK;
}

static int on_progress(struct handler_ctx *c, struct reply *out)
{
    if (c->ev->group) {
        reply_text(out, "转接进度请私聊我发送“进度”查看。");
        return ZB_OK;
    }
    int64_t id = 0;
    int rc = transfer_current(c->member_id, &id);
    if (!rc && !id) /* nothing open: the one finished (or cancelled) within a year, if any */
        rc = transfer_latest(c->member_id, c->now - 366LL * 86400, &id);
    if (rc)
        return rc;
    if (!id) {
        reply_text(out, "您没有正在办理的组织关系转接。\n需要转接请发送 转关系。回复 0 返回菜单。");
        return ZB_OK;
    }
    return show(c, id, out);
}

const struct handler transfer_handler = {
    .name = "transfer",
    .keywords = start_words,
    .initials = (const char *const[]){"zgx", NULL},
    .members_only = true,
    .menu_no = 6,
    .menu_label = "转关系",
    .private_only = true,
    .on_message = on_message,
    .on_session = on_session,
    .session_numbers = true, /* the reason and the resubmission take a number */
};

const struct handler transfer_progress_handler = {
    .name = "transfer_progress",
    .keywords = progress_words,
    .initials = (const char *const[]){"jd", NULL},
    .members_only = true,
    .on_message = on_progress,
};
