/* cli.c - `zhibu dues ...` (see cli.h): the dues CLI face. */
#include "handlers/dues/cli.h"

#include <stdlib.h>
#include <string.h>

#include "bot/base/clock.h"
#include "bot/base/csv.h"
#include "bot/org/branch.h"
#include "bot/store/store.h"
#include "handlers/dues/chat.h"
#include "handlers/dues/dues.h"

#define CSV_FILE_READ CSV_MAX_FILE /* bytes read; one more means too big */

static int bad(struct cli_ctx *c, const char *what)
{
    fprintf(c->err, "错误：%s\n", what);
    cli_usage(c->err, c->cmd);
    return 2;
}

static int refused(struct cli_ctx *c, int rc, const struct dues_why *why)
{
    char text[256];
    if (rc == ZB_EDB || dues_why_text(why, text, sizeof text))
        fprintf(c->err, "错误：操作失败（%s，见上方日志）\n", zb_strerror_zh(rc));
    else
        fprintf(c->err, "错误：%s\n", text);
    return 1;
}

/* --member ID: a positive id. */
static int member_arg(struct cli_ctx *c, const char *opt, int64_t *id)
{
    const char *s = cli_str(c->args, opt);
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || *end || v <= 0)
        return -1;
    *id = v;
    return 0;
}

static int cmd_calc(struct cli_ctx *c)
{
    enum member_category cat;
    int64_t fen = 0;
    const char *cs = cli_str(c->args, "--category"), *is = cli_str(c->args, "--income");
    if (!cs || dues_category_parse(cs, &cat))
        return bad(c, "类别应为 在职 离退休 学生 农民 低保 失业 年薪制 灵活就业 之一");
    if (!dues_category_flat(cat) && !is)
        return bad(c, "请用 --income 给出月收入（元）");
    if (is && (member_parse_fen(is, &fen) || fen > DUES_INCOME_MAX))
        return bad(c, "收入应为元，最多两位小数，不能为负，且不超过一千万元");
    struct dues_calc r;
    if (dues_calc_amount(dues_rules(), cat, fen, &r))
        return bad(c, "无法计算");
    char y[24];
    dues_yuan(r.amount_fen, y, sizeof y);
    fprintf(c->out, "%s 元\n%s\n", y, r.rule);
    return 0;
}

struct pay_tx {
    const struct actor *a;
    struct dues_payment p;
    int64_t now;
    struct dues_receipt rc;
    struct dues_why why;
};

static int pay_tx(void *arg)
{
    struct pay_tx *t = arg;
    return dues_pay(t->a, &t->p, t->now, &t->rc, &t->why);
}

/* "2026-10,2026-11" or "2026-09至2026-11" into p. */
static int months_arg(const char *s, struct dues_payment *p)
{
    char cmd[200];
    struct dues_pay_cmd pc;
    snprintf(cmd, sizeof cmd, "x %s", s ? s : "");
    if (!s || strlen(s) > 150 || dues_pay_parse(cmd, false, &pc))
        return -1;
    memcpy(p->months, pc.months, pc.n_months * sizeof pc.months[0]);
    p->n_months = pc.n_months;
    return 0;
}

static int cmd_pay(struct cli_ctx *c)
{
    struct pay_tx t = {.a = c->actor, .now = clock_now()};
    t.p.amount_fen = -1;
    if (member_arg(c, "--member", &t.p.member_id))
        return bad(c, "--member 应为党员编号");
    if (months_arg(cli_str(c->args, "--months"), &t.p))
        return bad(c, "--months 应为 2026-10,2026-11 或 2026-09至2026-11");
    const char *am = cli_str(c->args, "--amount");
    if (am && member_parse_fen(am, &t.p.amount_fen))
        return bad(c, "--amount 应为元，最多两位小数");
    if (cli_has(c->args, "--proxy") && member_arg(c, "--proxy", &t.p.proxy_id))
        return bad(c, "--proxy 应为代缴人的党员编号");
    t.p.note = cli_str(c->args, "--note");
    t.p.confirm = cli_has(c->args, "--confirm");
    int rc = store_tx_run(pay_tx, &t);
    if (rc)
        return refused(c, rc, &t.why);
    char y[24];
    dues_yuan(t.rc.amount_fen, y, sizeof y);
    fprintf(c->out, "已登记缴费记录 %lld：%zu 个月 %s 元%s\n", (long long)t.rc.payment_id,
            t.p.n_months, y, t.rc.noted ? "（与账单不符，已备注）" : "");
    return 0;
}

struct rev_tx {
    const struct actor *a;
    int64_t id, rev;
    const char *reason;
    int64_t now;
    struct dues_why why;
};

static int rev_tx(void *arg)
{
    struct rev_tx *t = arg;
    return dues_reverse(t->a, t->id, t->reason, t->now, &t->rev, &t->why);
}

static int cmd_reverse(struct cli_ctx *c)
{
    struct rev_tx t = {.a = c->actor, .now = clock_now(), .reason = cli_str(c->args, "--reason")};
    if (member_arg(c, "--payment", &t.id))
        return bad(c, "--payment 应为缴费记录号");
    if (!t.reason || !*t.reason)
        return bad(c, "请用 --reason 写明冲正原因");
    int rc = store_tx_run(rev_tx, &t);
    if (rc)
        return refused(c, rc, &t.why);
    fprintf(c->out, "已冲正缴费记录 %lld（冲正记录 %lld）\n", (long long)t.id, (long long)t.rev);
    return 0;
}

struct misc_tx {
    const struct actor *a;
    int64_t member, amount, now;
    int from, to;
    bool exempt, centre;
    enum member_category cat;
    const char *text;
    int kind; /* 0 relief, 1 voluntary, 2 income, 3 approval */
    struct dues_why why;
};

static int misc_tx(void *arg)
{
    struct misc_tx *t = arg;
    switch (t->kind) {
    case 0:
        return dues_relief(t->a, t->member, t->from, t->to, t->amount, t->exempt, t->text, t->now,
                           &t->why);
    case 1:
        return dues_voluntary(t->a, t->member, t->amount, t->text, t->now, &t->centre, &t->why);
    case 2:
        return dues_income_set(t->a, t->member, t->cat, t->amount, t->from, t->now, &t->why);
    default:
        return dues_approval_set(t->a, t->member, t->text, t->now, &t->why);
    }
}

static int cmd_relief(struct cli_ctx *c)
{
    struct misc_tx t = {.a = c->actor, .now = clock_now(), .to = -1, .kind = 0};
    if (member_arg(c, "--member", &t.member))
        return bad(c, "--member 应为党员编号");
    if (dues_month_parse(cli_str(c->args, "--from"), &t.from))
        return bad(c, "--from 应为月份，例如 2026-12");
    if (cli_has(c->args, "--to") && dues_month_parse(cli_str(c->args, "--to"), &t.to))
        return bad(c, "--to 应为月份，例如 2027-05");
    t.exempt = cli_has(c->args, "--exempt");
    const char *am = cli_str(c->args, "--amount");
    if (t.exempt == (am != NULL))
        return bad(c, "请给出 --amount 每月金额 或 --exempt（二选一）");
    if (am && member_parse_fen(am, &t.amount))
        return bad(c, "--amount 应为元，最多两位小数");
    t.text = cli_str(c->args, "--approved");
    if (!t.text || !*t.text)
        return bad(c, "请用 --approved 写明批准情况（支委会和上级党委）");
    int rc = store_tx_run(misc_tx, &t);
    if (rc)
        return refused(c, rc, &t.why);
    fprintf(c->out, "已登记%s，自下一次生成账单起生效\n", t.exempt ? "免交" : "减交");
    return 0;
}

static int cmd_voluntary(struct cli_ctx *c)
{
    struct misc_tx t = {.a = c->actor, .now = clock_now(), .kind = 1};
    if (member_arg(c, "--member", &t.member))
        return bad(c, "--member 应为党员编号");
    const char *am = cli_str(c->args, "--amount");
    if (!am || member_parse_fen(am, &t.amount) || t.amount == 0)
        return bad(c, "--amount 应为大于 0 的元，最多两位小数");
    t.text = cli_str(c->args, "--note");
    int rc = store_tx_run(misc_tx, &t);
    if (rc)
        return refused(c, rc, &t.why);
    char y[24];
    dues_yuan(t.amount, y, sizeof y);
    fprintf(c->out, "已登记自愿多交 %s 元%s\n", y,
            t.centre ? "（单笔 1000 元以上，全额上缴中央）" : "");
    return 0;
}

static int cmd_income(struct cli_ctx *c)
{
    struct misc_tx t = {.a = c->actor, .now = clock_now(), .kind = 2};
    if (member_arg(c, "--member", &t.member))
        return bad(c, "--member 应为党员编号");
    if (dues_category_parse(cli_str(c->args, "--category"), &t.cat))
        return bad(c, "类别应为 在职 离退休 学生 农民 低保 失业 年薪制 灵活就业 之一");
    const char *is = cli_str(c->args, "--income");
    t.amount = -1;
    if (!dues_category_flat(t.cat) && (!is || member_parse_fen(is, &t.amount)))
        return bad(c, "--income 应为月收入（元），最多两位小数");
    const char *from = cli_str(c->args, "--from");
    t.from = dues_month_of(t.now);
    if (from && dues_month_parse(from, &t.from))
        return bad(c, "--from 应为月份，例如 2026-12");
    int rc = store_tx_run(misc_tx, &t);
    if (rc)
        return refused(c, rc, &t.why);
    fprintf(c->out, "已登记，自该月起按新收入计算；已生成的账单不变\n");
    return 0;
}

static int cmd_approved(struct cli_ctx *c)
{
    struct misc_tx t = {.a = c->actor, .now = clock_now(), .kind = 3};
    if (member_arg(c, "--member", &t.member))
        return bad(c, "--member 应为党员编号");
    t.text = cli_str(c->args, "--on");
    int rc = store_tx_run(misc_tx, &t);
    if (rc)
        return refused(c, rc, &t.why);
    fprintf(c->out, "已登记上级批准日期\n");
    return 0;
}

struct bill_tx {
    int month;
    int64_t now;
    int made, skipped;
};

static int bill_tx(void *arg)
{
    struct bill_tx *t = arg;
    return dues_bill_month(t->month, t->now, &t->made, &t->skipped);
}

static int cmd_bill(struct cli_ctx *c)
{
    struct bill_tx t = {.now = clock_now()};
    t.month = dues_month_of(t.now);
    const char *m = cli_str(c->args, "--month");
    if (m && (dues_month_parse(m, &t.month) || t.month > dues_month_of(t.now)))
        return bad(c, "--month 应为本月或以前的月份，例如 2026-11");
    if (store_tx_run(bill_tx, &t)) {
        fprintf(c->err, "错误：生成账单失败（见上方日志）\n");
        return 1;
    }
    char mt[8];
    dues_month_text(t.month, mt, sizeof mt);
    fprintf(c->out, "%s：新生成 %d 份账单，%d 人无法计算（未登记收入或尚未开始缴纳）\n", mt, t.made,
            t.skipped);
    return 0;
}

static int cmd_status(struct cli_ctx *c)
{
    int64_t id;
    if (member_arg(c, "--member", &id))
        return bad(c, "--member 应为党员编号");
    int month = dues_month_of(clock_now());
    const char *m = cli_str(c->args, "--month");
    if (m && dues_month_parse(m, &month))
        return bad(c, "--month 应为月份，例如 2026-11");
    struct member mem;
    const char *refusal;
    int rc = member_get(id, &mem);
    if (rc == ZB_ENOTFOUND) {
        fprintf(c->err, "错误：没有编号为 %lld 的党员\n", (long long)id);
        return 1;
    }
    if (!rc && (rc = role_can(c->actor, &dues_view, mem.branch_id, &refusal)) == ZB_EDENIED) {
        fprintf(c->err, "错误：%s\n", refusal);
        return 1;
    }
    struct dues_status s;
    enum { SHOWN = 24 };
    struct dues_bill b[SHOWN];
    size_t n = 0;
    if (rc || (rc = dues_status(id, month, &s)) ||
        (rc = dues_bills(id, month - SHOWN + 1, month, b, SHOWN, &n))) {
        fprintf(c->err, "错误：读取数据库失败（见上方日志）\n");
        return 1;
    }
    char mt[8], y[24], p[24];
    for (size_t i = 0; i < n; i++) {
        dues_month_text(b[i].month, mt, sizeof mt);
        dues_yuan(b[i].amount_fen, y, sizeof y);
        dues_yuan(b[i].paid_fen, p, sizeof p);
        fprintf(c->out, "%s\t应缴 %s\t实缴 %s\t%s\t%s\n", mt, y, p, b[i].paid ? "已缴" : "未缴",
                b[i].rule);
    }
    dues_yuan(s.arrears_fen, y, sizeof y);
    if (s.paid_through >= 0)
        dues_month_text(s.paid_through, mt, sizeof mt);
    fprintf(c->out, "%s：已交至 %s；欠交 %d 个月，共 %s 元；连续未交 %d 个月\n", mem.name,
            s.paid_through >= 0 ? mt : "（无）", s.arrears_months, y, s.streak);
    return 0;
}

/* --branch NAME --year YYYY into root and year. */
static int ledger_args(struct cli_ctx *c, int64_t *root, int *year)
{
    const char *b = cli_str(c->args, "--branch");
    char err[256];
    *root = 0;
    if (b && branch_resolve(b, root, err, sizeof err)) {
        fprintf(c->err, "错误：%s\n", err);
        return 1;
    }
    *year = (int)cli_int(c->args, "--year", dues_month_of(clock_now()) / 12);
    return 0;
}

static int cmd_ledger(struct cli_ctx *c)
{
    int64_t root;
    int year;
    if (ledger_args(c, &root, &year))
        return 1;
    struct dues_ledger l;
    struct dues_why why;
    int rc = dues_ledger_get(c->actor, root, year, &l, &why);
    if (rc)
        return refused(c, rc, &why);
    const char *csv = cli_str(c->args, "--csv");
    if (csv) {
        FILE *f = fopen(csv, "wb");
        rc = f ? dues_ledger_csv(&l, f) : ZB_EIO;
        if (f && fclose(f))
            rc = ZB_EIO;
        if (rc)
            fprintf(c->err, "错误：无法写入 %s\n", csv);
        else
            fprintf(c->out, "已写入 %s（%zu 人）\n", csv, l.n);
        dues_ledger_free(&l);
        return rc ? 1 : 0;
    }
    char y[24], p[24];
    fprintf(c->out, "%d 年党费台账（应缴/实缴，元）\n", year);
    for (size_t r = 0; r < l.n; r++) {
        fprintf(c->out, "%s", l.rows[r].name);
        for (int i = 0; i < 12; i++) {
            if (l.rows[r].due[i] < 0) {
                fprintf(c->out, "\t-");
                continue;
            }
            dues_yuan(l.rows[r].due[i], y, sizeof y);
            dues_yuan(l.rows[r].paid[i], p, sizeof p);
            fprintf(c->out, "\t%d月 %s/%s%s", i + 1, y, p, l.rows[r].noted[i] ? "*" : "");
        }
        dues_yuan(l.rows[r].due_total, y, sizeof y);
        dues_yuan(l.rows[r].paid_total, p, sizeof p);
        fprintf(c->out, "\t合计 %s/%s\n", y, p);
    }
    dues_yuan(l.due_total, y, sizeof y);
    dues_yuan(l.paid_total, p, sizeof p);
    fprintf(c->out, "全部合计：应缴 %s 元，实缴 %s 元（* 为与账单不符、有备注的缴费）\n", y, p);
    dues_ledger_free(&l);
    return 0;
}

static int cmd_disclosure(struct cli_ctx *c)
{
    int64_t root;
    int year;
    if (ledger_args(c, &root, &year))
        return 1;
    struct dues_ledger l;
    struct dues_why why;
    int rc = dues_ledger_get(c->actor, root, year, &l, &why);
    if (rc)
        return refused(c, rc, &why);
    char due[24], paid[24], vol[24], centre[24];
    dues_yuan(l.due_total, due, sizeof due);
    dues_yuan(l.paid_total, paid, sizeof paid);
    dues_yuan(l.voluntary_fen, vol, sizeof vol);
    dues_yuan(l.centre_fen, centre, sizeof centre);
    size_t settled = 0;
    for (size_t r = 0; r < l.n; r++)
        settled += l.rows[r].paid_total >= l.rows[r].due_total;
    fprintf(c->out,
            "%d 年党费收缴情况公示\n党员 %zu 人，应缴 %s 元，实缴 %s 元；全年交清 %zu 人。\n"
            "自愿多交 %s 元，其中单笔 1000 元以上全额上缴中央 %s 元。\n冲正更正 %d 笔。\n",
            year, l.n, due, paid, settled, vol, centre, l.reversals);
    dues_ledger_free(&l);
    return 0;
}

struct import_tx {
    const struct actor *a;
    const char *data;
    size_t len;
    int64_t now;
    struct dues_import r;
};

static int import_tx(void *arg)
{
    struct import_tx *t = arg;
    return dues_import(t->a, t->data, t->len, t->now, &t->r);
}

static int cmd_import(struct cli_ctx *c)
{
    const char *path = cli_word(c->args, 0);
    FILE *f = fopen(path, "rb");
    char *data = f ? malloc(CSV_FILE_READ + 1) : NULL;
    size_t len = data ? fread(data, 1, CSV_FILE_READ + 1, f) : 0;
    if (f)
        fclose(f);
    if (!data) {
        fprintf(c->err, "错误：无法读取 %s\n", path);
        return 1;
    }
    struct import_tx t = {.a = c->actor, .data = data, .len = len, .now = clock_now()};
    int rc = store_tx_run(import_tx, &t);
    free(data);
    if (!rc) {
        char y[24];
        dues_yuan(t.r.amount_fen, y, sizeof y);
        fprintf(c->out, "已导入 %d 笔缴费，共 %s 元；%d 行此前已登记，跳过\n", t.r.rows, y,
                t.r.skipped);
        return 0;
    }
    static const char *const what[] = {
        "",
        "文件无法识别：请在 Excel 中另存为 CSV（UTF-8 或默认编码），不超过 4MB",
        "表头须有“姓名”或“编号”，以及“月份”列",
        "找不到这位党员（或重名、不在您的范围内）",
        "月份格式不对，例如 2026-03 或 2026-01至2026-03",
        "金额格式不对",
        "这笔缴费不能登记",
    };
    char why[256] = "";
    if (t.r.error == DUES_IMPORT_PAYMENT || t.r.error == DUES_IMPORT_MEMBER)
        (void)dues_why_text(&t.r.why, why, sizeof why);
    if (t.r.line)
        fprintf(c->err, "错误：第 %zu 行：%s%s%s。一条也没有导入\n", t.r.line,
                what[t.r.error < 7 ? t.r.error : 0], why[0] ? "：" : "", why);
    else
        fprintf(c->err, "错误：%s。一条也没有导入\n", what[t.r.error < 7 ? t.r.error : 0]);
    return 1;
}

static const struct cli_opt calc_opts[] = {
    {"--category", CLI_STR, 0, 0, "类别", "在职 离退休 学生 农民 低保 失业 年薪制 灵活就业"},
    {"--income", CLI_STR, 0, 0, "元", "月收入；灵活就业填上季度月平均纯收入"},
    {0},
};
static const struct cli_opt pay_opts[] = {
    {"--member", CLI_STR, 0, 0, "编号", "党员编号"},
    {"--months", CLI_STR, 0, 0, "月份", "2026-10,2026-11 或 2026-09至2026-11"},
    {"--amount", CLI_STR, 0, 0, "元", "合计金额；不填则按账单合计"},
    {"--proxy", CLI_STR, 0, 0, "编号", "代缴人的党员编号"},
    {"--note", CLI_STR, 0, 0, "原因", "金额与账单不符时必填"},
    {"--confirm", CLI_FLAG, 0, 0, NULL, "确认补交超过 6 个月"},
    {0},
};
static const struct cli_opt reverse_opts[] = {
    {"--payment", CLI_STR, 0, 0, "记录号", "要冲正的缴费记录号"},
    {"--reason", CLI_STR, 0, 0, "原因", "冲正原因"},
    {0},
};
static const struct cli_opt relief_opts[] = {
    {"--member", CLI_STR, 0, 0, "编号", "党员编号"},
    {"--from", CLI_STR, 0, 0, "月份", "起始月份"},
    {"--to", CLI_STR, 0, 0, "月份", "截止月份（不填为长期）"},
    {"--amount", CLI_STR, 0, 0, "元", "减交后每月金额"},
    {"--exempt", CLI_FLAG, 0, 0, NULL, "免交"},
    {"--approved", CLI_STR, 0, 0, "说明", "支委会同意、上级党委批准的情况"},
    {0},
};
static const struct cli_opt vol_opts[] = {
    {"--member", CLI_STR, 0, 0, "编号", "党员编号"},
    {"--amount", CLI_STR, 0, 0, "元", "金额"},
    {"--note", CLI_STR, 0, 0, "说明", "说明"},
    {0},
};
static const struct cli_opt income_opts[] = {
    {"--member", CLI_STR, 0, 0, "编号", "党员编号"},
    {"--category", CLI_STR, 0, 0, "类别", "在职 离退休 学生 农民 低保 失业 年薪制 灵活就业"},
    {"--income", CLI_STR, 0, 0, "元", "月收入"},
    {"--from", CLI_STR, 0, 0, "月份", "自哪个月起（默认本月）"},
    {0},
};
static const struct cli_opt approved_opts[] = {
    {"--member", CLI_STR, 0, 0, "编号", "预备党员编号"},
    {"--on", CLI_STR, 0, 0, "日期", "上级党委批准日期"},
    {0},
};
static const struct cli_opt month_opts[] = {
    {"--month", CLI_STR, 0, 0, "月份", "月份，默认本月"},
    {0},
};
static const struct cli_opt status_opts[] = {
    {"--member", CLI_STR, 0, 0, "编号", "党员编号"},
    {"--month", CLI_STR, 0, 0, "月份", "截至月份，默认本月"},
    {0},
};
static const struct cli_opt ledger_opts[] = {
    {"--branch", CLI_STR, 0, 0, "组织", "支部（路径或唯一名称）"},
    {"--year", CLI_INT, 1949, 2100, "年份", "年份，默认今年"},
    {"--csv", CLI_STR, 0, 0, "文件", "写成 CSV（UTF-8 带 BOM，Excel 可直接打开）"},
    {0},
};
static const struct cli_opt disclosure_opts[] = {
    /* a short notice: no --csv to ignore */
    {"--branch", CLI_STR, 0, 0, "组织", "支部（路径或唯一名称）"},
    {"--year", CLI_INT, 1949, 2100, "年份", "年份，默认今年"},
    {0},
};

const struct cli_command dues_cli[] = {
    {.noun = "dues",
     .verb = "calc",
     .usage = "--category 类别 [--income 元]",
     .summary = "按 2008 年规定计算每月党费，并写出算法",
     .opts = calc_opts,
     .needs_store = true, /* the config's rate table */
     .run = cmd_calc},
    {.noun = "dues",
     .verb = "pay",
     .usage = "--member 编号 --months 月份 [--amount 元] [--proxy 编号] [--note 原因] [--confirm]",
     .summary = "登记缴费（本人收到回执）",
     .opts = pay_opts,
     .needs_store = true,
     .action = &dues_record,
     .run = cmd_pay},
    {.noun = "dues",
     .verb = "reverse",
     .usage = "--payment 记录号 --reason 原因",
     .summary = "冲正一笔登记错误的缴费（不删除，台账显示冲正记录）",
     .opts = reverse_opts,
     .needs_store = true,
     .action = &dues_record,
     .run = cmd_reverse},
    {.noun = "dues",
     .verb = "relief",
     .usage = "--member 编号 --from 月份 [--to 月份] --amount 元|--exempt --approved 说明",
     .summary = "登记困难党员减交或免交（须支委会同意、上级党委批准）",
     .opts = relief_opts,
     .needs_store = true,
     .action = &dues_record,
     .run = cmd_relief},
    {.noun = "dues",
     .verb = "voluntary",
     .usage = "--member 编号 --amount 元 [--note 说明]",
     .summary = "登记自愿多交党费（单笔 1000 元以上全额上缴中央）",
     .opts = vol_opts,
     .needs_store = true,
     .action = &dues_record,
     .run = cmd_voluntary},
    {.noun = "dues",
     .verb = "income",
     .usage = "--member 编号 --category 类别 [--income 元] [--from 月份]",
     .summary = "登记党员的收入变化，自该月起计算（已有账单不变）",
     .opts = income_opts,
     .needs_store = true,
     .action = &dues_record,
     .run = cmd_income},
    {.noun = "dues",
     .verb = "approved",
     .usage = "--member 编号 --on 日期",
     .summary = "登记预备党员的上级批准日期（配置为自批准起缴纳时使用）",
     .opts = approved_opts,
     .needs_store = true,
     .action = &dues_record,
     .run = cmd_approved},
    {.noun = "dues",
     .verb = "import",
     .usage = "文件.csv",
     .summary = "导入以往的缴费记录（Excel 另存的 CSV，列：姓名或编号、月份、金额、备注）",
     .min_words = 1,
     .max_words = 1,
     .needs_store = true,
     .action = &dues_record,
     .run = cmd_import},
    {.noun = "dues",
     .verb = "bill",
     .usage = "[--month 月份]",
     .summary = "生成某月账单（每月 1 日自动生成；重复运行不会重复生成）",
     .opts = month_opts,
     .needs_store = true,
     .action = &dues_record,
     .run = cmd_bill},
    {.noun = "dues",
     .verb = "status",
     .usage = "--member 编号 [--month 月份]",
     .summary = "一名党员的账单、已交至哪个月、欠交月数和金额",
     .opts = status_opts,
     .needs_store = true,
     .action = &dues_view,
     .run = cmd_status},
    {.noun = "dues",
     .verb = "ledger",
     .usage = "[--branch 组织] [--year 年份] [--csv 文件]",
     .summary = "党费台账：每人每月应缴、实缴和合计",
     .opts = ledger_opts,
     .needs_store = true,
     .action = &dues_view,
     .run = cmd_ledger},
    {.noun = "dues",
     .verb = "disclosure",
     .usage = "[--branch 组织] [--year 年份]",
     .summary = "年度党费收缴情况公示",
     .opts = disclosure_opts,
     .needs_store = true,
     .action = &dues_view,
     .run = cmd_disclosure},
    {0},
};
