/* chat.c - 党费 / 3 for a member, 缴费 and 代缴 for the organizer (see chat.h). */
#include "handlers/dues/chat.h"

#include <string.h>

#include "bot/base/buf.h"
#include "bot/chat/platform.h"
#include "handlers/dues/dues.h"

#define DUES_REPLY_MAX 2048

static const char *const dues_keywords[] = {"党费", "我的党费", "交党费", "我该交多少", NULL};
static const char *const pay_keywords[] = {"缴费", "代缴", NULL};

static int dues_on_message(struct handler_ctx *c, struct reply *out)
{
    if (c->ev->group) {
        reply_text(out, "为保护个人信息，请私聊我发送“党费”查看。");
        return ZB_OK;
    }
    int month = dues_month_of(c->now);
    bool made = false;
    int rc = dues_bill_member(c->member_id, month, c->now, &made);
    if (rc && rc != ZB_ENOTFOUND)
        return rc;
    struct dues_status s;
    if ((rc = dues_status(c->member_id, month, &s)))
        return rc;
    struct dues_bill b = {0};
    size_t n = 0;
    if (s.due_fen >= 0 && (rc = dues_bills(c->member_id, month, month, &b, 1, &n)))
        return rc;
    char mt[8], yuan[24], total[24], from[8];
    dues_month_text(month, mt, sizeof mt);
    struct buf r;
    buf_init(&r, DUES_REPLY_MAX);
    rc = buf_appendz(&r, "【党费】\n");
    if (!rc && n == 1) {
        dues_yuan(b.amount_fen, yuan, sizeof yuan);
        rc = buf_appendf(&r, "本月（%s）应交：%s 元，%s\n计算：%s\n", mt, yuan,
                         b.paid ? "已交" : "未交", b.rule);
    } else if (!rc)
        rc = buf_appendf(&r, "本月（%s）暂无账单：请联系组织委员登记您的收入和类别。\n", mt);
    if (!rc && s.arrears_months > (n == 1 && !b.paid ? 1 : 0)) {
        dues_yuan(s.arrears_fen, total, sizeof total);
        rc = buf_appendf(&r, "累计未交：%d 个月，共 %s 元\n", s.arrears_months, total);
        if (!rc && s.streak >= 3) {
            dues_month_text(s.streak_from, from, sizeof from);
            rc = buf_appendf(&r, "自 %s 起已连续 %d 个月未交，请尽快补交。\n", from, s.streak);
        }
    } else if (!rc && s.paid_through >= 0 && s.arrears_months == 0) {
        dues_month_text(s.paid_through, from, sizeof from);
        rc = buf_appendf(&r, "已交至 %s，没有欠交。\n", from);
    }
    if (!rc)
        rc = buf_appendz(&r, "党费请交给组织委员。\n回复 0 返回菜单。");
    if (!rc)
        reply_text(out, buf_str(&r));
    buf_free(&r);
    return rc;
}

/* The Chinese for a parse failure. */
static const char *parse_text(enum dues_parse_err e)
{
    switch (e) {
    case DUES_PARSE_NAME:
        return "请写明姓名";
    case DUES_PARSE_MONTHS:
        return "月份格式不对，例如 2026-11 或 2026-09至2026-11";
    case DUES_PARSE_AMOUNT:
        return "金额格式不对：单位元，最多两位小数，例如 30.00";
    case DUES_PARSE_PROXY:
        return "代缴请写明代缴人：代缴 张三 2026-11 30.00 由 李四";
    default:
        return "多余的内容看不懂";
    }
}

#define PAY_USAGE                                                                                  \
    "用法：缴费 姓名 月份 [金额] [备注 原因]\n"                                     \
    "例如：缴费 张三 2026-11 30.00\n"                                                       \
    "缴费 张三 2026-09至2026-11 90.00\n"                                                      \
    "代缴 张三 2026-11 30.00 由 李四\n"                                                     \
    "金额与账单不符时请在末尾加“备注 原因”；补交超过 6 个月请在末尾加“确认”。"

int dues_why_text(const struct dues_why *w, char *out, size_t outsz)
{
    char m[8] = "", y[24];
    if (w->month)
        dues_month_text(w->month, m, sizeof m);
    switch (w->reason) {
    case DUES_R_DENIED:
        snprintf(out, outsz, "%s", w->refusal ? w->refusal : "没有权限");
        break;
    case DUES_R_NO_MEMBER:
        snprintf(out, outsz, "没有找到这位党员（或不在您负责的组织内）");
        break;
    case DUES_R_AMBIGUOUS:
        snprintf(out, outsz, "有 %zu 位同名党员，请改用编号", w->n_ids);
        break;
    case DUES_R_FUTURE:
        snprintf(out, outsz, "%s 还没到，不能预先登记", m);
        break;
    case DUES_R_PAID:
        snprintf(out, outsz, "%s 的党费已经登记过了", m);
        break;
    case DUES_R_NO_BILL:
        snprintf(out, outsz, "%s 没有账单（入党前，或未登记收入）", m);
        break;
    case DUES_R_BACKPAY:
        snprintf(out, outsz, "补交超过 %d 个月，请确认后再登记", dues_rules()->backpay_max);
        break;
    case DUES_R_NEED_NOTE:
        dues_yuan(w->expected_fen, y, sizeof y);
        snprintf(out, outsz, "金额与账单（共 %s 元）不符，请在末尾加“备注 原因”", y);
        break;
    case DUES_R_REVERSED:
        snprintf(out, outsz, "这笔记录已冲正过，或本身就是冲正记录");
        break;
    case DUES_R_NO_PAYMENT:
        snprintf(out, outsz, "没有这个缴费记录号（登记缴费时给出的记录号）");
        break;
    case DUES_R_BAD_VALUE:
        snprintf(out, outsz, "填写的内容不在允许范围内");
        break;
    default:
        return ZB_ENOTFOUND;
    }
    return ZB_OK;
}

static int pay_on_message(struct handler_ctx *c, struct reply *out)
{
    bool proxy = strncmp(c->norm, "代缴", strlen("代缴")) == 0;
    if (c->ev->group) { /* a receipt names the member and the amount: not for the whole group */
        reply_text(out, "为保护个人信息，请私聊我登记缴费。");
        return ZB_OK;
    }
    if (!*c->arg) {
        reply_text(out, PAY_USAGE);
        return ZB_OK;
    }
    struct dues_pay_cmd cmd;
    enum dues_parse_err pe = dues_pay_parse(c->arg, proxy, &cmd);
    if (pe) {
        reply_textf(out, "%s。\n%s", parse_text(pe), PAY_USAGE);
        return ZB_OK;
    }
    struct actor a = actor_member(c->member_id, platform_name(c->ev->platform));
    struct dues_why why;
    struct dues_payment p = {.n_months = cmd.n_months,
                             .amount_fen = cmd.amount_fen,
                             .note = cmd.note,
                             .confirm = cmd.confirm};
    memcpy(p.months, cmd.months, cmd.n_months * sizeof cmd.months[0]);
    char text[256];
    int rc = dues_member_find(&a, cmd.name, &p.member_id, &why);
    if (!rc && proxy)
        rc = dues_member_find(&a, cmd.proxy, &p.proxy_id, &why);
    if (rc == ZB_EINVAL && why.reason == DUES_R_AMBIGUOUS) {
        struct buf b;
        buf_init(&b, DUES_REPLY_MAX);
        char mt[8];
        dues_month_text(cmd.months[0], mt, sizeof mt);
        int r2 = buf_appendf(&b, "有 %zu 位党员同名，请把姓名换成编号再发一次，例如：%s %lld %s\n",
                             why.n_ids, proxy ? "代缴" : "缴费", (long long)why.ids[0], mt);
        for (size_t i = 0; !r2 && i < why.n_ids; i++) {
            struct member m;
            char branch[MEMBER_SHOW_MAX];
            if ((r2 = member_get(why.ids[i], &m)) ||
                (r2 = member_field_show(&m, MF_BRANCH, false, branch, sizeof branch)))
                break;
            r2 = buf_appendf(&b, "编号 %lld %s %s\n", (long long)m.id, m.name, branch);
        }
        if (!r2)
            reply_text(out, buf_str(&b));
        buf_free(&b);
        return r2;
    }
    struct dues_receipt rcpt;
    if (!rc)
        rc = dues_pay(&a, &p, c->now, &rcpt, &why);
    if (rc == ZB_EDB)
        return rc;
    if (rc) {
        if (dues_why_text(&why, text, sizeof text))
            snprintf(text, sizeof text, "登记失败");
        reply_textf(out, "未登记：%s。", text);
        return ZB_OK;
    }
    char y[24], ex[24];
    struct member who;
    if (member_get(p.member_id, &who) == ZB_OK)
        snprintf(cmd.name, sizeof cmd.name, "%s", who.name); /* a number becomes the name */
    dues_yuan(rcpt.amount_fen, y, sizeof y);
    dues_yuan(rcpt.expected_fen, ex, sizeof ex);
    if (rcpt.noted)
        reply_textf(out,
                    "已登记：%s %zu 个月党费 %s 元，与账单 %s 元不符，已按备注记入台账（记录号 "
                    "%lld）。\n已通知本人。",
                    cmd.name, cmd.n_months, y, ex, (long long)rcpt.payment_id);
    else
        reply_textf(out, "已登记：%s %zu 个月党费 %s 元（记录号 %lld）。\n已通知本人。", cmd.name,
                    cmd.n_months, y, (long long)rcpt.payment_id);
    return ZB_OK;
}

const struct handler dues_handler = {
    .name = "dues",
    .keywords = dues_keywords,
    .initials = (const char *const[]){"df", NULL},
    .members_only = true,
    .menu_no = 3,
    .menu_label = "党费",
    .on_message = dues_on_message,
};

const struct handler dues_pay_handler = {
    .name = "dues_pay",
    .keywords = pay_keywords,
    .takes_arg = true,
    .members_only = true,
    .action = &dues_record,
    .command = "缴费", /* listed after the menu for those who may record payments */
    .on_message = pay_on_message,
};
