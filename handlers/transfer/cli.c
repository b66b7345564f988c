/*
 * cli.c - `zhibu transfer start|route|list|show|resubmit|renew|cancel|export`: the transfer's
 * CLI face over transfer.h. Steps are decided with `zhibu decide ID approve|return`.
 */
#include "handlers/transfer/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/buf.h"
#include "bot/base/clock.h"
#include "bot/org/branch.h"
#include "bot/org/member.h"
#include "bot/org/role.h"
#include "bot/store/store.h"
#include "handlers/dues/dues.h"
#include "handlers/transfer/chat.h"
#include "handlers/transfer/transfer.h"

static bool number(const char *s, int64_t *out)
{
    char *end = NULL;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || errno || v <= 0)
        return false;
    *out = v;
    return true;
}

static int failed(struct cli_ctx *c, int rc, const struct transfer_why *why)
{
    char text[700];
    transfer_why_text(rc, why, text, sizeof text);
    fprintf(c->err, "错误：%s\n", text);
    return 1;
}

struct call {
    const struct actor *a;   /* who acts */
    int op;                  /* what */
    struct transfer_new n;   /* start */
    int64_t id;              /* the transfer (OUT for start) */
    int validity;            /* renew */
    const char *reason;      /* cancel */
    struct transfer_why why; /* OUT */
};

enum { OP_START, OP_RESUBMIT, OP_RENEW, OP_CANCEL };

static int run_tx(void *arg)
{
    struct call *k = arg;
    int64_t now = clock_now();
    switch (k->op) {
    case OP_START:
        return transfer_start(k->a, &k->n, now, &k->id, &k->why);
    case OP_RESUBMIT:
        return transfer_resubmit(k->a, k->id, now, &k->why);
    case OP_RENEW:
        return transfer_renew(k->a, k->id, k->validity, now, &k->why);
    default:
        return transfer_cancel(k->a, k->id, k->reason, now, &k->why);
    }
}

static int print_one(struct cli_ctx *c, int64_t id, bool trail)
{
    struct transfer *t = malloc(sizeof *t);
    struct transfer_event *ev = calloc(TRANSFER_EVENTS_MAX, sizeof *ev);
    int rc = t && ev ? transfer_get(id, t) : ZB_EDB;
    if (rc == ZB_OK && transfer_may_see(c->actor, t) != ZB_OK)
        rc = ZB_EDENIED;
    struct buf b;
    buf_init(&b, 16384);
    if (!rc) {
        struct member m;
        if (!(rc = member_get(t->member_id, &m)))
            rc = buf_appendf(&b, "党员：%s（编号 %lld）\n", m.name, (long long)m.id);
    }
    if (!rc)
        rc = transfer_progress_text(t, clock_now(), &b);
    if (!rc && t->reason[0])
        rc = buf_appendf(&b, "原因：%s\n", t->reason);
    size_t n = 0;
    if (!rc && trail && !(rc = transfer_events(id, ev, TRANSFER_EVENTS_MAX, &n))) {
        rc = buf_appendz(&b, "经过：\n");
        for (size_t i = 0; !rc && i < n; i++) {
            char when[32];
            time_t tt = (time_t)ev[i].at;
            struct tm tm;
            localtime_r(&tt, &tm);
            strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
            rc = buf_appendf(&b, "  %s %s %s %s\n", when, ev[i].actor, ev[i].what, ev[i].detail);
        }
    }
    if (!rc)
        fputs(buf_str(&b), c->out);
    buf_free(&b);
    free(ev);
    free(t);
    if (rc == ZB_ENOTFOUND)
        fprintf(c->err, "错误：没有编号为 %lld 的转接\n", (long long)id);
    else if (rc == ZB_EDENIED)
        fprintf(c->err, "错误：只有本人、路线上的审批人和两端的书记可以查看这件转接\n");
    else if (rc)
        fprintf(c->err, "错误：读取失败（见上方日志）\n");
    return rc ? 1 : 0;
}

static int cmd_start(struct cli_ctx *c)
{
    int64_t member = 0;
    if (!number(cli_str(c->args, "--member"), &member) || !cli_str(c->args, "--to")) {
        fprintf(c->err, "错误：请写 --member 党员编号 --to 转入组织\n");
        cli_usage(c->err, c->cmd);
        return 2;
    }
    struct call k = {.a = c->actor, .op = OP_START};
    k.n = (struct transfer_new){.member_id = member,
                                .to = cli_str(c->args, "--to"),
                                .reason = cli_str(c->args, "--reason"),
                                .validity_days = (int)cli_int(c->args, "--validity", 0)};
    int rc = store_tx_run(run_tx, &k);
    if (rc)
        return failed(c, rc, &k.why);
    fprintf(c->out, "已发起转接 %lld\n", (long long)k.id);
    return print_one(c, k.id, false);
}

struct receive_call {
    const struct actor *a;
    struct transfer_incoming in;
    int64_t id, member;
    struct transfer_why why;
};

static int receive_tx(void *arg)
{
    struct receive_call *k = arg;
    return transfer_receive(k->a, &k->in, clock_now(), &k->id, &k->member, &k->why);
}

static int cmd_receive(struct cli_ctx *c)
{
    const char *name = cli_str(c->args, "--name"), *from = cli_str(c->args, "--from");
    const char *letter = cli_str(c->args, "--letter"), *to = cli_str(c->args, "--to");
    if (!name || !from || !letter || !to) {
        fprintf(c->err,
                "错误：请写 --name 姓名 --from 转出组织 --letter 介绍信编号 --to 转入组织\n");
        cli_usage(c->err, c->cmd);
        return 2;
    }
    struct receive_call k = {.a = c->actor};
    k.in = (struct transfer_incoming){
        .name = name, .from = from, .letter = letter, .to = to, .dues_paid_to = -1};
    k.in.phone = cli_str(c->args, "--phone");
    const char *dues = cli_str(c->args, "--dues-paid-to"), *date = cli_str(c->args, "--date");
    if (dues && dues_month_parse(dues, &k.in.dues_paid_to)) {
        fprintf(c->err, "错误：--dues-paid-to 请写年月，如 2026-05\n");
        return 2;
    }
    if (date && transfer_letter_date(date, &k.in.issued_at)) {
        fprintf(c->err, "错误：--date 请写日期，如 2026-05-20\n");
        return 2;
    }
    int rc = store_tx_run(receive_tx, &k);
    if (rc)
        return failed(c, rc, &k.why);
    fprintf(c->out, "已登记转入：党员编号 %lld，转接 %lld\n", (long long)k.member, (long long)k.id);
    return print_one(c, k.id, true);
}

static int cmd_route(struct cli_ctx *c)
{
    int64_t member = 0, to = 0;
    char err[BRANCH_ERR_MAX];
    struct member m;
    if (!number(cli_str(c->args, "--member"), &member) || !cli_str(c->args, "--to")) {
        fprintf(c->err, "错误：请写 --member 党员编号 --to 转入组织\n");
        return 2;
    }
    if (member_get(member, &m)) {
        fprintf(c->err, "错误：没有编号为 %lld 的党员\n", (long long)member);
        return 1;
    }
    if (branch_resolve(cli_str(c->args, "--to"), &to, err, sizeof err)) {
        fprintf(c->err, "错误：%s\n", err);
        return 1;
    }
    struct transfer_route r;
    struct transfer_why why = {0};
    int rc = transfer_route(m.branch_id, to, &r, &why);
    if (rc)
        return failed(c, rc, &why);
    for (size_t i = 0; i < r.n; i++) {
        char path[BRANCH_PATH_MAX + 1];
        if (branch_path(r.orgs[i], path, sizeof path))
            return 1;
        fprintf(c->out, "%zu\t%s\n", i + 1, path);
    }
    fprintf(c->out, "%s；介绍信默认有效期按%s\n",
            r.rule >= 0 ? "含 transfer.routes 规则" : "按组织树", r.in_city ? "市内" : "市外");
    return 0;
}

static int cmd_list(struct cli_ctx *c)
{
    const char *s = cli_str(c->args, "--status");
    int status = s ? transfer_status_parse(s) : -1;
    if (s && status < 0) {
        fprintf(c->err, "错误：--status 只能是 办理中、已退回、已过期、已完成 或 已撤销\n");
        return 2;
    }
    int64_t *ids = calloc(TRANSFER_LIST_MAX, sizeof *ids);
    size_t n = 0;
    int rc = ids ? transfer_list(c->actor, status, ids, TRANSFER_LIST_MAX, &n) : ZB_EDB;
    struct transfer *t = malloc(sizeof *t);
    if (!t)
        rc = ZB_EDB;
    if (!rc && n == 0)
        fprintf(c->out, "没有转接记录\n");
    for (size_t i = 0; !rc && i < n; i++) {
        struct member m;
        char from[BRANCH_NAME_MAX + 1] = "", to[BRANCH_NAME_MAX + 1] = "";
        struct branch b;
        if ((rc = transfer_get(ids[i], t)) || (rc = member_get(t->member_id, &m)))
            break;
        if (!branch_get(t->from_org, &b))
            snprintf(from, sizeof from, "%s", b.name);
        if (!branch_get(t->to_org, &b))
            snprintf(to, sizeof to, "%s", b.name);
        size_t done = 0;
        for (size_t k = 0; k < t->n_steps; k++)
            done += t->steps[k].state == SS_APPROVED;
        fprintf(c->out, "%lld\t%s\t%s\t%s → %s\t%zu/%zu\t%s\n", (long long)t->id,
                transfer_status_text(t->status), m.name, from, to, done, t->n_steps,
                t->letter_no[0] ? t->letter_no : "-");
    }
    free(t);
    free(ids);
    if (rc) {
        fprintf(c->err, "错误：读取失败（见上方日志）\n");
        return 1;
    }
    return 0;
}

static int cmd_show(struct cli_ctx *c)
{
    int64_t id = 0;
    if (!number(cli_word(c->args, 0), &id)) {
        fprintf(c->err, "错误：转接编号应为正整数\n");
        return 2;
    }
    return print_one(c, id, true);
}

static int simple(struct cli_ctx *c, int op, const char *done)
{
    struct call k = {.a = c->actor, .op = op};
    if (!number(cli_word(c->args, 0), &k.id)) {
        fprintf(c->err, "错误：转接编号应为正整数\n");
        return 2;
    }
    k.validity = (int)cli_int(c->args, "--validity", 0);
    k.reason = cli_str(c->args, "--reason");
    int rc = store_tx_run(run_tx, &k);
    if (rc)
        return failed(c, rc, &k.why);
    fprintf(c->out, "%s：转接 %lld\n", done, (long long)k.id);
    return 0;
}

static int cmd_resubmit(struct cli_ctx *c)
{
    return simple(c, OP_RESUBMIT, "已重新提交");
}

static int cmd_renew(struct cli_ctx *c)
{
    return simple(c, OP_RENEW, "已重新开具介绍信");
}

static int cmd_cancel(struct cli_ctx *c)
{
    if (!cli_str(c->args, "--reason")) { /* a missing option is a usage error */
        fprintf(c->err, "错误：请用 --reason 写明撤销原因\n");
        cli_usage(c->err, c->cmd);
        return 2;
    }
    return simple(c, OP_CANCEL, "已撤销（经过保留）");
}

static int cmd_export(struct cli_ctx *c)
{
    long year = cli_int(c->args, "--year", 0);
    const char *path = cli_str(c->args, "--csv");
    if (actor_is_member(c->actor)) { /* the ledger spans every organisation's members */
        fprintf(c->err, "错误：导出全部转接记录只能由管理员执行（不带 --as）\n");
        return 1;
    }
    if (!year || !path) {
        fprintf(c->err, "错误：请写 --year 年份 --csv 文件\n");
        return 2;
    }
    FILE *f = strcmp(path, "-") == 0 ? c->out : fopen(path, "w");
    if (!f) {
        fprintf(c->err, "错误：无法写入 %s\n", path);
        return 1;
    }
    if (f != c->out)
        fputs("\xEF\xBB\xBF", f); /* UTF-8 BOM: Excel then opens the file as UTF-8 */
    int rc = transfer_export_csv((int)year, f);
    if (f != c->out && fclose(f) && !rc)
        rc = ZB_EIO;
    if (rc) {
        fprintf(c->err, "错误：导出失败（见上方日志）\n");
        return 1;
    }
    if (f != c->out)
        fprintf(c->out, "已导出 %ld 年的转接记录到 %s\n", year, path);
    return 0;
}

static const struct cli_opt start_opts[] = {
    {.name = "--member", .type = CLI_STR, .metavar = "编号", .help = "转出的党员"},
    {.name = "--to", .type = CLI_STR, .metavar = "组织", .help = "转入组织（路径或唯一的名称）"},
    {.name = "--reason", .type = CLI_STR, .metavar = "原因", .help = "转接原因"},
    {.name = "--validity",
     .type = CLI_INT,
     .min = 1,
     .max = 366,
     .metavar = "天",
     .help = "介绍信有效期（默认按市内或市外的配置）"},
    {0},
};
static const struct cli_opt list_opts[] = {
    {.name = "--status",
     .type = CLI_STR,
     .metavar = "状态",
     .help = "办理中、已退回、已过期、已完成 或 已撤销"},
    {0},
};
static const struct cli_opt renew_opts[] = {
    {.name = "--validity",
     .type = CLI_INT,
     .min = 1,
     .max = 366,
     .metavar = "天",
     .help = "新介绍信的有效期"},
    {0},
};
static const struct cli_opt cancel_opts[] = {
    {.name = "--reason", .type = CLI_STR, .metavar = "原因", .help = "撤销原因（必填）"},
    {0},
};
static const struct cli_opt export_opts[] = {
    {.name = "--year",
     .type = CLI_INT,
     .min = 2000,
     .max = 2100,
     .metavar = "年份",
     .help = "开具介绍信的年份"},
    {.name = "--csv", .type = CLI_STR, .metavar = "文件", .help = "写入的 CSV 文件（- 为屏幕）"},
    {0},
};

static const struct cli_opt receive_opts[] = {
    {.name = "--name", .type = CLI_STR, .metavar = "姓名", .help = "转入党员的姓名"},
    {.name = "--from", .type = CLI_STR, .metavar = "组织全称", .help = "系统外的转出组织"},
    {.name = "--letter", .type = CLI_STR, .metavar = "编号", .help = "介绍信编号"},
    {.name = "--to", .type = CLI_STR, .metavar = "组织", .help = "转入组织"},
    {.name = "--phone", .type = CLI_STR, .metavar = "手机号", .help = "手机号（用来找回原档案）"},
    {.name = "--dues-paid-to", .type = CLI_STR, .metavar = "年-月", .help = "党费交至"},
    {.name = "--date", .type = CLI_STR, .metavar = "日期", .help = "介绍信开具日期"},
    {0},
};

const struct cli_command transfer_cli[] = {
    {.noun = "transfer",
     .verb = "receive",
     .usage = "--name 姓名 --from 转出组织 --letter 编号 --to 组织 [--phone 手机号] "
              "[--dues-paid-to 年-月] [--date 日期]",
     .summary = "登记从系统外转入的党员（转入组织的书记、副书记或组织委员）",
     .opts = receive_opts,
     .needs_store = true,
     .action = &transfer_manage,
     .run = cmd_receive},
    {.noun = "transfer",
     .verb = "start",
     .usage = "--member 编号 --to 组织 [--reason 原因] [--validity 天]",
     .summary = "为党员发起组织关系转接（按组织树和 transfer.routes 计算路线，逐级审批）",
     .opts = start_opts,
     .needs_store = true,
     .run = cmd_start},
    {.noun = "transfer",
     .verb = "route",
     .usage = "--member 编号 --to 组织",
     .summary = "只看路线，不发起",
     .opts = start_opts,
     .needs_store = true,
     .action = &transfer_manage,
     .run = cmd_route},
    {.noun = "transfer",
     .verb = "list",
     .usage = "[--status 状态]",
     .summary = "转接列表（本人能看到的）",
     .opts = list_opts,
     .needs_store = true,
     .run = cmd_list},
    {.noun = "transfer",
     .verb = "show",
     .usage = "编号",
     .summary = "一件转接的路线、各步状态和全部经过",
     .min_words = 1,
     .max_words = 1,
     .needs_store = true,
     .run = cmd_show},
    {.noun = "transfer",
     .verb = "resubmit",
     .usage = "编号",
     .summary = "被退回的转接改正后重新提交",
     .min_words = 1,
     .max_words = 1,
     .needs_store = true,
     .run = cmd_resubmit},
    {.noun = "transfer",
     .verb = "renew",
     .usage = "编号 [--validity 天]",
     .summary = "介绍信过期（或将到期）后重新开具",
     .opts = renew_opts,
     .min_words = 1,
     .max_words = 1,
     .needs_store = true,
     .action = &transfer_manage,
     .run = cmd_renew},
    {.noun = "transfer",
     .verb = "cancel",
     .usage = "编号 --reason 原因",
     .summary = "撤销未办完的转接（经过保留）",
     .opts = cancel_opts,
     .min_words = 1,
     .max_words = 1,
     .needs_store = true,
     .action = &transfer_manage,
     .run = cmd_cancel},
    {.noun = "transfer",
     .verb = "export",
     .usage = "--year 年份 --csv 文件",
     .summary = "导出一年的介绍信台账（每封一行，供录入全国党员管理信息系统）",
     .opts = export_opts,
     .needs_store = true,
     .action = &transfer_manage,
     .run = cmd_export},
    {0},
};
