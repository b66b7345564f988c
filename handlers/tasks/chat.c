/* chat.c - tasks' chat face (see chat.h): the Chinese of notices, progress and receipts. */
#include "handlers/tasks/chat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/buf.h"
#include "bot/org/branch.h"
#include "handlers/tasks/tasks.h"

#define REPLY_MAX 4096 /* bytes of a listing */
#define NAMES_MAX 30   /* names listed in a progress reply */

static const char *const notice_words[] = {"通知", "任务", NULL};
static const char *const progress_words[] = {"任务进度", NULL};
static const char *const proxy_words[] = {"代收", NULL};

static const char *channel_of(const struct handler_ctx *c)
{
    return platform_name(c->ev->platform);
}

/* parse_id - a positive decimal id at the start of s; *rest after it and its spaces. */
static bool parse_id(const char *s, int64_t *id, const char **rest)
{
    char *end = NULL;
    if (*s < '0' || *s > '9')
        return false;
    long long v = strtoll(s, &end, 10);
    if (v <= 0 || (*end && *end != ' '))
        return false;
    while (*end == ' ')
        end++;
    *id = v;
    *rest = end;
    return true;
}

static void day_of(int64_t t, char *out, size_t outsz)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (localtime_r(&tt, &tm))
        snprintf(out, outsz, "%d月%d日", tm.tm_mon + 1, tm.tm_mday);
    else
        snprintf(out, outsz, "-");
}

static int list_mine(struct handler_ctx *c, struct reply *out)
{
    struct tasks_mine *rows = calloc(TASKS_LIST_MAX, sizeof *rows);
    size_t n = 0;
    struct buf b;
    buf_init(&b, REPLY_MAX);
    int rc = rows ? tasks_of_member(c->member_id, rows, 5, &n) : ZB_EDB;
    if (rc)
        goto done;
    if (n == 0) {
        reply_text(out, "最近没有发给你的通知。回复 0 返回菜单");
        goto done;
    }
    rc = buf_appendz(&b, "【最近的通知】\n");
    for (size_t i = 0; !rc && i < n; i++) {
        char excerpt[64];
        size_t l = strlen(rows[i].t.text) < 45 ? strlen(rows[i].t.text) : 45;
        while (l && ((unsigned char)rows[i].t.text[l] & 0xC0) == 0x80)
            l--; /* cut at a whole character */
        snprintf(excerpt, sizeof excerpt, "%.*s", (int)l, rows[i].t.text);
        rc = buf_appendf(&b, "%lld %s（%s）\n", (long long)rows[i].t.id, excerpt,
                         rows[i].received_at ? "已收到" : "未回复");
    }
    if (!rc)
        rc = buf_appendz(&b, "回复“收到 编号”确认。\n回复 0 返回菜单。");
    if (!rc)
        reply_text(out, buf_str(&b));
done:
    buf_free(&b);
    free(rows);
    return rc;
}

static int notice_on_message(struct handler_ctx *c, struct reply *out)
{
    if (!c->arg[0])
        return list_mine(c, out);
    bool task = strncmp(c->norm, "任务", strlen("任务")) == 0;
    const char *text = c->arg;
    int64_t deadline = 0;
    if (task) {
        size_t len = strcspn(text, " ");
        char date[32];
        if (len == 0 || len >= sizeof date) {
            reply_text(out, "请按“任务 2026-12-05 内容”发送：日期是截止日。回复 0 返回菜单");
            return ZB_OK;
        }
        memcpy(date, text, len);
        date[len] = '\0';
        if (tasks_parse_date(date, c->now, &deadline) || deadline < c->now) {
            reply_text(out, "截止日期没看懂（或已过去），请写成 2026-12-05。回复 0 返回菜单");
            return ZB_OK;
        }
        text += len;
        while (*text == ' ')
            text++;
        if (!*text) {
            reply_text(out, "请在日期后写上任务内容。回复 0 返回菜单");
            return ZB_OK;
        }
    }
    struct actor a = actor_member(c->member_id, channel_of(c));
    struct tasks_why why;
    int64_t org = 0, id = 0;
    int count = 0;
    int rc = tasks_target(&a, NULL, NULL, &org, &count, &why);
    if (rc == ZB_OK)
        rc = tasks_draft(&a, org, text, deadline, c->now, &id, &why);
    switch (rc) {
    case ZB_OK:
        break;
    case ZB_EDENIED:
        reply_textf(out, "%s发送“通知”可查看发给你的通知。回复 0 返回菜单",
                    why.refusal ? why.refusal : "你不能发通知。");
        return ZB_OK;
    case ZB_EINVAL:
        if (why.nwords)
            reply_textf(out, "内容含有不宜发布的词“%s”，请修改后再发。回复 0 返回菜单", why.word);
        else
            reply_text(out, "通知内容是空的。回复 0 返回菜单");
        return ZB_OK;
    case ZB_ETOOBIG:
        reply_textf(out, "通知太长了，请控制在 %d 字以内。回复 0 返回菜单", TASKS_TEXT_MAX / 3);
        return ZB_OK;
    case ZB_ENOTFOUND:
        reply_text(out, "没有找到你所在的组织，请联系管理员。回复 0 返回菜单");
        return ZB_OK;
    default:
        return rc;
    }
    struct branch b = {0};
    if (branch_get(org, &b))
        snprintf(b.name, sizeof b.name, "本组织");
    char state[32], day[32] = "";
    snprintf(state, sizeof state, "confirm:%lld", (long long)id);
    if ((rc = router_session_begin(c, &tasks_notice_handler, state)))
        return rc;
    if (deadline)
        day_of(deadline, day, sizeof day);
    reply_textf(out, "将发给 %s %d 人%s%s%s，回复 1 确认，回复 0 取消", b.name, count,
                deadline ? "（截止 " : "", day, deadline ? "）" : "");
    return ZB_OK;
}

static int notice_on_session(struct handler_ctx *c, const char *state, struct reply *out)
{
    long long id = 0;
    int rc = router_session_end(c);
    if (rc)
        return rc;
    if (sscanf(state, "confirm:%lld", &id) != 1 || id <= 0)
        return list_mine(c, out);
    if (router_word_in(c->norm, router_no_words)) {
        reply_text(out, "已取消，这条通知没有发出。回复 0 返回菜单");
        return ZB_OK;
    }
    for (const char *const *w = notice_words; *w; w++) { /* a new 通知 drops the draft */
        size_t n = strlen(*w);
        if (strncmp(c->norm, *w, n) == 0 && (c->norm[n] == ' ' || !c->norm[n])) {
            c->arg = c->norm[n] ? c->norm + n + 1 : "";
            return notice_on_message(c, out);
        }
    }
    if (!router_word_in(c->norm, router_yes_words)) { /* neither: the draft waits, asked again */
        if ((rc = router_session_begin(c, &tasks_notice_handler, state)))
            return rc;
        reply_text(out, "通知还没有发出。回复 1 确认发出，回复 0 取消。");
        return ZB_OK;
    }
    struct actor a = actor_member(c->member_id, channel_of(c));
    enum tasks_state s = TASK_DRAFT;
    int64_t decision = 0;
    rc = tasks_submit(&a, id, c->now, &s, &decision);
    if (rc == ZB_EDONE || rc == ZB_EDENIED || rc == ZB_ENOTFOUND) {
        reply_text(out, "这条通知已经处理过了。回复 0 返回菜单");
        return ZB_OK;
    }
    if (rc)
        return rc;
    if (s == TASK_REVIEW)
        reply_textf(out, "通知 %lld 已提交，另一位支委审核同意后发出（待办 %lld）。回复 0 返回菜单",
                    id, (long long)decision);
    else
        reply_textf(out, "通知 %lld 正在发出。发送“任务进度 %lld”查看谁已收到。回复 0 返回菜单", id,
                    id);
    return ZB_OK;
}

const struct handler tasks_notice_handler = {
    .name = "tasks",
    .keywords = notice_words,
    .initials = (const char *const[]){"tz", NULL},
    .takes_arg = true,
    .members_only = true,
    .menu_no = 5,
    .menu_label = "通知",
    .on_message = notice_on_message,
    .on_session = notice_on_session,
    .session_numbers = true,           /* its confirmation asks "回复 1 确认" */
    .session_words = router_yes_words, /* "好", "嗯" answer it; they are not 收到 here */
};

struct names {
    struct buf *b; /* the reply */
    int shown;     /* names written */
    int more;      /* names left out */
};

static int add_name(const struct tasks_row *r, void *arg)
{
    struct names *k = arg;
    if (k->shown >= NAMES_MAX) {
        k->more++;
        return 0;
    }
    k->shown++;
    return buf_appendf(k->b, "%s%s%s%s\n", r->name, r->phone[0] ? " " : "", r->phone,
                       r->mark == MARK_UNREACHABLE ? "（联系不上，请电话通知）" : "");
}

static int progress_on_message(struct handler_ctx *c, struct reply *out)
{
    int64_t id = 0;
    const char *rest = NULL;
    if (!parse_id(c->arg, &id, &rest)) {
        reply_text(out, "请发送“任务进度 编号”，编号见通知开头。回复 0 返回菜单");
        return ZB_OK;
    }
    struct actor a = actor_member(c->member_id, channel_of(c));
    struct tasks_progress p;
    const char *refusal = NULL;
    struct buf b;
    buf_init(&b, REPLY_MAX);
    struct names k = {&b, 0, 0};
    int rc = buf_appendz(&b, "");
    if (!rc)
        rc = tasks_progress_get(&a, id, false, false, add_name, &k, &p, &refusal);
    switch (rc) {
    case ZB_OK:
        break;
    case ZB_ENOTFOUND:
        reply_textf(out, "没有编号为 %lld 的通知。回复 0 返回菜单", (long long)id);
        rc = ZB_OK;
        goto done;
    case ZB_EDENIED:
        reply_textf(out, "%s回复 0 返回菜单", refusal ? refusal : "你不能查看这条通知。");
        rc = ZB_OK;
        goto done;
    default:
        goto done;
    }
    if (p.t.state == TASK_REVIEW || p.t.state == TASK_DRAFT || p.t.state == TASK_RETURNED) {
        reply_textf(out, "通知 %lld %s，还没有发出。回复 0 返回菜单", (long long)id,
                    p.t.state == TASK_RETURNED ? "已被退回" : "在等待审核");
        goto done;
    }
    char head[256];
    snprintf(head, sizeof head, "【通知 %lld 进度】已收到 %d/%d%s%s\n", (long long)id, p.answered,
             p.counted, p.proxy ? "（含代收）" : "", p.t.state == TASK_SENDING ? "，正在发送" : "");
    struct buf r;
    buf_init(&r, REPLY_MAX + 512);
    rc = buf_appendz(&r, head);
    if (!rc && (p.silent || p.unreachable))
        rc = buf_appendf(&r, "未回复 %d 人，联系不上 %d 人：\n%s%s", p.silent, p.unreachable,
                         buf_str(&b), k.more ? "……\n" : "");
    if (!rc)
        rc = buf_appendz(&r, "党小组长可发“代收 编号 姓名”代为确认。回复 0 返回菜单");
    if (!rc)
        reply_text(out, buf_str(&r));
    buf_free(&r);
done:
    buf_free(&b);
    return rc;
}

const struct handler tasks_progress_handler = {
    .name = "tasks_progress",
    .keywords = progress_words,
    .takes_arg = true,
    .members_only = true,
    .action = &tasks_view,
    .command = "任务进度",
    .on_message = progress_on_message,
};

static int proxy_on_message(struct handler_ctx *c, struct reply *out)
{
    int64_t id = 0, member = 0;
    const char *name = NULL, *refusal = NULL;
    if (!parse_id(c->arg, &id, &name) || !*name) {
        reply_text(out, "请发送“代收 通知编号 姓名”。回复 0 返回菜单");
        return ZB_OK;
    }
    struct actor a = actor_member(c->member_id, channel_of(c));
    int rc = tasks_proxy_receipt(&a, id, name, c->now, &member, &refusal);
    switch (rc) {
    case ZB_OK:
        reply_textf(out, "已为 %s 代收通知 %lld（记为代收）。回复 0 返回菜单", name, (long long)id);
        return ZB_OK;
    case ZB_EDONE:
        reply_textf(out, "%s 已经收到通知 %lld，不用代收。回复 0 返回菜单", name, (long long)id);
        return ZB_OK;
    case ZB_EBUSY:
        reply_textf(out, "有几位叫 %s 的党员，请联系书记处理。回复 0 返回菜单", name);
        return ZB_OK;
    case ZB_ENOTFOUND:
        reply_textf(out, "通知 %lld 没有发给你组里叫 %s 的党员。回复 0 返回菜单", (long long)id,
                    name);
        return ZB_OK;
    case ZB_EDENIED:
        reply_textf(out, "%s回复 0 返回菜单", refusal ? refusal : "你不能代收。");
        return ZB_OK;
    default:
        return rc;
    }
}

const struct handler tasks_proxy_handler = {
    .name = "tasks_proxy",
    .keywords = proxy_words,
    .takes_arg = true,
    .members_only = true,
    .action = &tasks_proxy,
    .command = "代收",
    .on_message = proxy_on_message,
};

/* receipt_word - the ways members write 收到 (after the normaliser dropped punctuation). */
static bool receipt_word(const char *word)
{
    static const char *const words[] = {"收到", "收到了", "已收到", "好的收到", "收到收到", NULL};
    for (const char *const *w = words; *w; w++)
        if (strcmp(word, *w) == 0)
            return true;
    return false;
}

int tasks_receipt_hook(struct handler_ctx *c, const char *word, bool *handled, bool *silent,
                       struct reply *out)
{
    *handled = false;
    *silent = false;
    if (!receipt_word(word) || c->member_id <= 0)
        return ZB_OK;
    bool group = c->ev->group != NULL;
    int64_t id = 0;
    const char *rest = NULL;
    if (c->arg[0] && !parse_id(c->arg, &id, &rest))
        return ZB_OK; /* 收到 followed by other words: not ours */
    if (group && c->ev->scope != SCOPE_ALL && id)
        return ZB_OK; /* 收到 ID not addressed to zhibu: among members */
    if (group && !id && c->ev->quote_id) {
        /* a quote of a task's post into this group acknowledges that task, addressed or not */
        int rc = tasks_quoted(c->member_id, platform_name(c->ev->platform), c->ev->group,
                              c->ev->quote_id, &id);
        if (rc)
            return rc;
    }
    if (group && c->ev->scope != SCOPE_ALL && !id)
        return ZB_OK; /* not addressed to zhibu and quoting no post of ours: 收到 among members */
    struct tasks_receipt_result r;
    int rc = tasks_receipt(c->member_id, id, channel_of(c), c->now, &r);
    if (rc == ZB_EDB)
        return rc;
    if (group && rc == ZB_ENOTFOUND && !id)
        return ZB_OK; /* nothing of ours: let the acknowledgement handler be quiet */
    *handled = true;
    if (group) {
        *silent = true;
        return ZB_OK;
    }
    switch (rc) {
    case ZB_OK:
        if (r.already)
            reply_textf(out, "通知 %lld 你已经确认过了。", (long long)r.task_id);
        else if (r.open > 0)
            reply_textf(out, "已确认收到通知 %lld。你还有 %d 条通知未回复，发送“通知”查看。",
                        (long long)r.task_id, r.open);
        else
            reply_textf(out, "已确认收到通知 %lld，谢谢！\n回复 0 返回菜单。",
                        (long long)r.task_id);
        break;
    case ZB_EDONE:
        reply_text(out, "发给你的通知都已确认，谢谢！回复 0 返回菜单");
        break;
    case ZB_ENOTFOUND:
        if (id)
            reply_textf(out, "没有编号为 %lld 的通知。发送“通知”查看你的通知。", (long long)id);
        else
            reply_text(out, "好的，谢谢！现在没有需要你确认的通知。回复 0 返回菜单");
        break;
    case ZB_EDENIED:
        reply_textf(out, "通知 %lld 没有发给你，不用确认。发送“通知”查看你的通知。", (long long)id);
        break;
    default:
        return rc;
    }
    return ZB_OK;
}
