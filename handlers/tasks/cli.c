/* cli.c - tasks' CLI face (see cli.h): add (with fan-out in batches), status, proxy, report. */
#include "handlers/tasks/cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/clock.h"
#include "bot/store/store.h"
#include "handlers/tasks/jobs.h"
#include "handlers/tasks/tasks.h"

struct add_call {
    const struct actor *a;   /* who sends */
    const char *org, *group; /* --branch, --group */
    const char *text;        /* the text */
    int64_t deadline;        /* 0 or Unix seconds */
    struct tasks_why why;    /* OUT */
    int64_t id, decision;    /* OUT */
    int count;               /* OUT */
    enum tasks_state state;  /* OUT */
};

static int add_tx(void *arg)
{
    struct add_call *k = arg;
    int64_t org = 0, now = clock_now();
    int rc = tasks_target(k->a, k->org, k->group, &org, &k->count, &k->why);
    if (!rc)
        rc = tasks_draft(k->a, org, k->text, k->deadline, now, &k->id, &k->why);
    if (!rc)
        rc = tasks_submit(k->a, k->id, now, &k->state, &k->decision);
    return rc;
}

static int run_add(struct cli_ctx *c)
{
    struct add_call k = {.a = c->actor,
                         .org = cli_str(c->args, "--branch"),
                         .group = cli_str(c->args, "--group"),
                         .text = cli_text(c->args, 0)};
    const char *dl = cli_str(c->args, "--deadline");
    if (dl && (tasks_parse_date(dl, clock_now(), &k.deadline) || k.deadline < clock_now())) {
        fprintf(c->err, "错误：--deadline 应为今天或以后的日期，如 2026-12-05\n");
        return 2;
    }
    int rc = store_tx_run(add_tx, &k);
    switch (rc) {
    case ZB_OK:
        break;
    case ZB_EDENIED:
        fprintf(c->err, "错误：%s\n", k.why.refusal ? k.why.refusal : "无权发通知");
        return 1;
    case ZB_ENOTFOUND:
        fprintf(c->err, "错误：找不到要发送的组织（用 --branch 组织 [--group 党小组]）\n");
        return 1;
    case ZB_EINVAL:
        if (k.why.nwords)
            fprintf(c->err, "错误：内容含有不宜发布的词“%s”（共 %zu 处）\n", k.why.word,
                    k.why.nwords);
        else
            fprintf(c->err, "错误：通知内容是空的\n");
        return 2;
    case ZB_ETOOBIG:
        fprintf(c->err, "错误：通知太长（最多 %d 字节）\n", TASKS_TEXT_MAX);
        return 2;
    default:
        fprintf(c->err, "错误：发通知失败：%s（见上方日志）\n", zb_strerror_zh(rc));
        return 1;
    }
    if (k.state == TASK_REVIEW) {
        fprintf(c->out, "通知 %lld 已提交审核（待办 %lld），发给 %d 人\n", (long long)k.id,
                (long long)k.decision, k.count);
        return 0;
    }
    int batches = 0;
    if ((rc = tasks_fanout_all(&batches))) {
        fprintf(c->err, "错误：通知 %lld 已保存，发送未完成（服务会继续发送）：%s\n",
                (long long)k.id, zb_strerror_zh(rc));
        return 1;
    }
    fprintf(c->out, "通知 %lld 已发给 %d 人\n", (long long)k.id, k.count);
    return 0;
}

static const char *const mark_names[] = {"已收到", "代收", "未回复", "联系不上", "免于统计"};

static int print_row(const struct tasks_row *r, void *arg)
{
    FILE *f = arg;
    fprintf(f, "%lld\t%s\t%s\t%s\n", (long long)r->member_id, r->name, r->phone[0] ? r->phone : "-",
            mark_names[r->mark]);
    return 0;
}

struct status_call {
    const struct actor *a;   /* who asks */
    int64_t id;              /* the task */
    bool unmask, all;        /* options */
    FILE *out;               /* where rows go */
    struct tasks_progress p; /* OUT */
    const char *refusal;     /* OUT */
};

static int status_tx(void *arg)
{
    struct status_call *k = arg;
    return tasks_progress_get(k->a, k->id, k->unmask, k->all, print_row, k->out, &k->p,
                              &k->refusal);
}

static int64_t word_id(struct cli_ctx *c, size_t i)
{
    const char *w = cli_word(c->args, i);
    char *end = NULL;
    long long v = w ? strtoll(w, &end, 10) : 0;
    return w && !*end && v > 0 ? v : 0;
}

static int run_status(struct cli_ctx *c)
{
    struct status_call k = {.a = c->actor,
                            .id = word_id(c, 0),
                            .unmask = cli_has(c->args, "--unmask"),
                            .all = cli_has(c->args, "--all"),
                            .out = c->out};
    if (!k.id) {
        fprintf(c->err, "错误：通知编号应为正整数\n");
        return 2;
    }
    int rc = store_tx_run(status_tx, &k);
    if (rc == ZB_ENOTFOUND) {
        fprintf(c->err, "错误：没有编号为 %lld 的通知\n", (long long)k.id);
        return 1;
    }
    if (rc == ZB_EDENIED) {
        fprintf(c->err, "错误：%s\n", k.refusal ? k.refusal : "无权查看");
        return 1;
    }
    if (rc) {
        fprintf(c->err, "错误：读取失败：%s\n", zb_strerror_zh(rc));
        return 1;
    }
    fprintf(c->out, "通知 %lld（%s）：已收到 %d/%d，代收 %d，未回复 %d，联系不上 %d\n",
            (long long)k.id, tasks_state_id(k.p.t.state), k.p.answered, k.p.counted, k.p.proxy,
            k.p.silent, k.p.unreachable);
    return 0;
}

struct proxy_call {
    const struct actor *a; /* who records */
    int64_t id;            /* the task */
    const char *name;      /* the member's name */
    int64_t member;        /* OUT */
    const char *refusal;   /* OUT */
};

static int proxy_tx(void *arg)
{
    struct proxy_call *k = arg;
    return tasks_proxy_receipt(k->a, k->id, k->name, clock_now(), &k->member, &k->refusal);
}

static int run_proxy(struct cli_ctx *c)
{
    struct proxy_call k = {c->actor, word_id(c, 0), cli_text(c->args, 1), 0, NULL};
    if (!k.id || !*k.name) {
        cli_usage(c->err, c->cmd);
        return 2;
    }
    int rc = store_tx_run(proxy_tx, &k);
    switch (rc) {
    case ZB_OK:
        fprintf(c->out, "已为 %s 代收通知 %lld\n", k.name, (long long)k.id);
        return 0;
    case ZB_EDONE:
        fprintf(c->err, "错误：%s 已经收到通知 %lld\n", k.name, (long long)k.id);
        return 1;
    case ZB_EBUSY:
        fprintf(c->err, "错误：有几位叫 %s 的党员\n", k.name);
        return 1;
    case ZB_ENOTFOUND:
        fprintf(c->err, "错误：通知 %lld 不存在，或没有发给范围内叫 %s 的党员\n", (long long)k.id,
                k.name);
        return 1;
    case ZB_EDENIED:
        fprintf(c->err, "错误：%s\n", k.refusal ? k.refusal : "无权代收（用 --as 成员编号）");
        return 1;
    default:
        fprintf(c->err, "错误：代收失败：%s\n", zb_strerror_zh(rc));
        return 1;
    }
}

/* csv_field - write s quoted for CSV. */
static void csv_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s == '\n' ? ' ' : *s, f);
    }
    fputc('"', f);
}

struct report_call {
    const struct actor *a;   /* who exports */
    const char *org, *month; /* --branch, --month */
    FILE *f;                 /* where */
    bool csv;                /* CSV or tab lines */
    int rows;                /* OUT */
    const char *refusal;     /* OUT */
};

static int report_row(const struct tasks_report_row *r, void *arg)
{
    struct report_call *k = arg;
    char day[16];
    time_t t = (time_t)r->t.created_at;
    struct tm tm = {0};
    if (!localtime_r(&t, &tm))
        memset(&tm, 0, sizeof tm);
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    k->rows++;
    if (!k->csv) {
        fprintf(k->f, "%lld\t%s\t%s\t%d/%d\t代收%d\t联系不上%d\t%s\n", (long long)r->t.id, day,
                r->org, r->p.answered, r->p.counted, r->p.proxy, r->p.unreachable, r->t.text);
        return 0;
    }
    fprintf(k->f, "%lld,%s,", (long long)r->t.id, day);
    csv_field(k->f, r->org);
    fputc(',', k->f);
    csv_field(k->f, r->t.text);
    fprintf(k->f, ",%s,%s,%d,%d,%d,%d,%d\r\n", r->t.author, r->t.approved_by, r->p.recipients,
            r->p.counted, r->p.answered, r->p.proxy, r->p.unreachable);
    return ferror(k->f) ? ZB_EIO : 0;
}

static int report_tx(void *arg)
{
    struct report_call *k = arg;
    return tasks_report(k->a, k->org, k->month, report_row, k, &k->refusal);
}

static int run_report(struct cli_ctx *c)
{
    const char *path = cli_str(c->args, "--csv");
    struct report_call k = {c->actor,
                            cli_str(c->args, "--branch"),
                            cli_str(c->args, "--month"),
                            c->out,
                            path != NULL,
                            0,
                            NULL};
    if (!k.month) {
        fprintf(c->err, "错误：请用 --month 2026-11 指定月份\n");
        return 2;
    }
    if (path) {
        if (!(k.f = fopen(path, "w"))) {
            fprintf(c->err, "错误：无法写入 %s\n", path);
            return 1;
        }
        fputs("\xEF\xBB\xBF编号,日期,组织,内容,发出人,审核人,发送人数,应收人数,已收到,代收,"
              "联系不上\r\n",
              k.f);
    }
    int rc = store_tx_run(report_tx, &k);
    if (path && fclose(k.f) && !rc)
        rc = ZB_EIO;
    switch (rc) {
    case ZB_OK:
        if (path)
            fprintf(c->out, "已导出 %d 条通知到 %s\n", k.rows, path);
        else if (!k.rows)
            fprintf(c->out, "%s 没有通知\n", k.month);
        return 0;
    case ZB_EINVAL:
        fprintf(c->err, "错误：月份应写成 2026-11\n");
        return 2;
    case ZB_ENOTFOUND:
        fprintf(c->err, "错误：找不到组织 %s\n", k.org ? k.org : "");
        return 1;
    case ZB_EDENIED:
        fprintf(c->err, "错误：%s\n", k.refusal ? k.refusal : "无权导出");
        return 1;
    default:
        fprintf(c->err, "错误：导出失败：%s\n", zb_strerror_zh(rc));
        return 1;
    }
}

static const struct cli_opt add_opts[] = {
    {"--branch", CLI_STR, 0, 0, "组织", "发给哪个组织（含下级），默认本人所在范围"},
    {"--group", CLI_STR, 0, 0, "党小组", "只发给该组织下的这个党小组"},
    {"--deadline", CLI_STR, 0, 0, "日期", "截止日期，如 2026-12-05（有截止日即为任务）"},
    {0}};
static const struct cli_opt status_opts[] = {
    {"--unmask", CLI_FLAG, 0, 0, NULL, "显示完整手机号（记入审计）"},
    {"--all", CLI_FLAG, 0, 0, NULL, "列出全部收件人，而不只是未回复和联系不上的"},
    {0}};
static const struct cli_opt report_opts[] = {
    {"--branch", CLI_STR, 0, 0, "组织", "哪个组织（含下级），默认本人所在范围"},
    {"--month", CLI_STR, 0, 0, "月份", "如 2026-11（必填）"},
    {"--csv", CLI_STR, 0, 0, "文件", "导出为 CSV（UTF-8 带 BOM，可用 Excel 打开）"},
    {0}};

const struct cli_command tasks_cli[] = {
    {.noun = "task",
     .verb = "add",
     .usage = "[--branch 组织] [--group 党小组] [--deadline 日期] 内容",
     .summary = "发通知或任务给组织的全体党员，收集回执",
     .opts = add_opts,
     .min_words = 1,
     .max_words = -1,
     .needs_store = true,
     .action = &tasks_send,
     .run = run_add},
    {.noun = "task",
     .verb = "status",
     .usage = "编号 [--unmask] [--all]",
     .summary = "通知进度：已收到几人，谁未回复，谁联系不上",
     .opts = status_opts,
     .min_words = 1,
     .max_words = 1,
     .needs_store = true,
     .action = &tasks_view,
     .run = run_status},
    {.noun = "task",
     .verb = "proxy",
     .usage = "编号 姓名",
     .summary = "党小组长为没有手机的党员代收（须 --as 成员编号）",
     .min_words = 2,
     .max_words = -1,
     .needs_store = true,
     .action = &tasks_proxy,
     .run = run_proxy},
    {.noun = "task",
     .verb = "report",
     .usage = "--month 月份 [--branch 组织] [--csv 文件]",
     .summary = "导出某月的通知台账（每条通知的回执统计）",
     .opts = report_opts,
     .min_words = 0,
     .max_words = 0,
     .needs_store = true,
     .action = &tasks_view,
     .run = run_report},
    {0}};
