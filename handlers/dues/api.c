/*
 * api.c - dues over REST (see api.h): the member's own bills and status, the calculator, a
 * branch's ledger (dues_view, scope-checked for the branch) and recording a payment
 * (dues_record), through the same domain functions as chat and CLI.
 */
#include "handlers/dues/api.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "bot/api/answer.h"
#include "bot/api/jsonbody.h"
#include "bot/base/clock.h"
#include "bot/org/branch.h"
#include "handlers/dues/chat.h"
#include "handlers/dues/dues.h"

#define API_BILLS 12 /* months of bills shown to a member */

/* A domain refusal: its Chinese in c->note. */
static int refused(struct api_ctx *c, int rc, const struct dues_why *why, const char *field)
{
    if (rc == ZB_EDB || dues_why_text(why, c->note, sizeof c->note))
        return rc;
    c->field = field;
    c->message = c->note;
    return rc == ZB_EDONE ? ZB_EINVAL : rc;
}

static void add_yuan(cJSON *o, const char *name, int64_t fen)
{
    char y[24];
    dues_yuan(fen, y, sizeof y);
    cJSON_AddStringToObject(o, name, y);
}

static void add_month(cJSON *o, const char *name, int month)
{
    char m[8];
    if (month < 0) {
        cJSON_AddNullToObject(o, name);
        return;
    }
    dues_month_text(month, m, sizeof m);
    cJSON_AddStringToObject(o, name, m);
}

static int api_mine(struct api_ctx *c)
{
    int month = dues_month_of(clock_now());
    struct dues_status s;
    struct dues_bill b[API_BILLS];
    size_t n = 0;
    int rc = dues_status(c->actor->member_id, month, &s);
    if (!rc)
        rc = dues_bills(c->actor->member_id, month - API_BILLS + 1, month, b, API_BILLS, &n);
    if (rc)
        return rc;
    cJSON *root = cJSON_CreateObject();
    add_month(root, "month", month);
    add_month(root, "paid_through", s.paid_through);
    cJSON_AddNumberToObject(root, "arrears_months", s.arrears_months);
    add_yuan(root, "arrears", s.arrears_fen);
    cJSON_AddNumberToObject(root, "consecutive_unpaid", s.streak);
    cJSON *arr = cJSON_AddArrayToObject(root, "bills");
    for (size_t i = 0; i < n; i++) {
        cJSON *j = cJSON_CreateObject();
        add_month(j, "month", b[i].month);
        add_yuan(j, "due", b[i].amount_fen);
        add_yuan(j, "paid_amount", b[i].paid_fen);
        cJSON_AddBoolToObject(j, "paid", b[i].paid);
        cJSON_AddStringToObject(j, "category", member_category_name(b[i].category));
        cJSON_AddStringToObject(j, "working", b[i].rule);
        cJSON_AddItemToArray(arr, j);
    }
    return api_emit(c, root);
}

static int api_calc(struct api_ctx *c)
{
    const char *cs = c->query(c, "category"), *is = c->query(c, "income");
    enum member_category cat;
    int64_t fen = 0;
    if (!cs || dues_category_parse(cs, &cat))
        return api_fail(c, ZB_EINVAL, "category",
                        "类别应为 在职 离退休 学生 农民 低保 失业 年薪制 灵活就业 之一");
    if (!dues_category_flat(cat) && !is)
        return api_fail(c, ZB_EINVAL, "income", "请给出月收入（元）");
    if (is && (member_parse_fen(is, &fen) || fen > DUES_INCOME_MAX))
        return api_fail(c, ZB_EINVAL, "income", "收入应为元，最多两位小数，不能为负");
    struct dues_calc r;
    if (dues_calc_amount(dues_rules(), cat, fen, &r))
        return api_fail(c, ZB_EINVAL, "income", "无法计算");
    cJSON *root = cJSON_CreateObject();
    add_yuan(root, "amount", r.amount_fen);
    cJSON_AddStringToObject(root, "working", r.rule);
    return api_emit(c, root);
}

static int api_ledger(struct api_ctx *c)
{
    const char *b = c->query(c, "branch"), *ys = c->query(c, "year");
    int64_t root = 0;
    char err[256];
    if (b && branch_resolve(b, &root, err, sizeof err))
        return api_fail(c, ZB_ENOTFOUND, "branch", "没有这个组织");
    int64_t year = dues_month_of(clock_now()) / 12;
    if (ys) {
        char *end = NULL;
        year = strtoll(ys, &end, 10);
        if (*end || year < 1949 || year > 2100)
            return api_fail(c, ZB_EINVAL, "year", "年份应为四位数字");
    }
    if (!b) { /* a member's own organisation by default */
        struct member m;
        if (c->actor->member_id && member_get(c->actor->member_id, &m) == ZB_OK)
            root = m.branch_id;
    }
    struct dues_ledger l;
    struct dues_why why;
    int rc = dues_ledger_get(c->actor, root, (int)year, &l, &why);
    if (rc)
        return refused(c, rc, &why, "branch");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "year", (double)year);
    cJSON *rows = cJSON_AddArrayToObject(o, "members");
    for (size_t r = 0; r < l.n; r++) {
        cJSON *j = cJSON_CreateObject(), *months = NULL;
        cJSON_AddNumberToObject(j, "member_id", (double)l.rows[r].member_id);
        cJSON_AddStringToObject(j, "name", l.rows[r].name);
        months = cJSON_AddArrayToObject(j, "months");
        for (int i = 0; i < 12; i++) {
            cJSON *m = cJSON_CreateObject();
            if (l.rows[r].due[i] < 0)
                cJSON_AddNullToObject(m, "due");
            else
                add_yuan(m, "due", l.rows[r].due[i]);
            add_yuan(m, "paid", l.rows[r].paid[i]);
            cJSON_AddBoolToObject(m, "noted", l.rows[r].noted[i]);
            cJSON_AddItemToArray(months, m);
        }
        add_yuan(j, "due_total", l.rows[r].due_total);
        add_yuan(j, "paid_total", l.rows[r].paid_total);
        cJSON_AddItemToArray(rows, j);
    }
    add_yuan(o, "due_total", l.due_total);
    add_yuan(o, "paid_total", l.paid_total);
    add_yuan(o, "voluntary", l.voluntary_fen);
    add_yuan(o, "to_centre", l.centre_fen);
    dues_ledger_free(&l);
    return api_emit(c, o);
}

/* pay_field - the request field a refusal of dues_pay is about: the member (not found, out of
 * scope), the proxy (not found, the member themself), the note, or else the months. */
static const char *pay_field(const struct dues_payment *p, const struct dues_why *why)
{
    struct member m;
    switch (why->reason) {
    case DUES_R_NEED_NOTE:
        return "note";
    case DUES_R_DENIED:
        return "member_id";
    case DUES_R_NO_MEMBER: /* the member is looked up first; a proxy only when they exist */
        return p->proxy_id && member_get(p->member_id, &m) == ZB_OK ? "proxy_id" : "member_id";
    case DUES_R_BAD_VALUE:
        return p->proxy_id && p->proxy_id == p->member_id ? "proxy_id" : "months";
    default:
        return "months";
    }
}

static int api_pay(struct api_ctx *c)
{
    struct jsonbody_err e = {0};
    int64_t member = 0, proxy = 0;
    const char *months = NULL, *amount = NULL, *note = NULL;
    bool confirm = false;
    if (jsonbody_int(c->body, "member_id", true, 1, INT64_MAX / 2, &member, &e) ||
        jsonbody_str(c->body, "months", true, 200, &months, &e) ||
        jsonbody_str(c->body, "amount", false, 24, &amount, &e) ||
        jsonbody_int(c->body, "proxy_id", false, 1, INT64_MAX / 2, &proxy, &e) ||
        jsonbody_str(c->body, "note", false, DUES_NOTE_MAX, &note, &e) ||
        jsonbody_bool(c->body, "confirm", false, &confirm, &e))
        return api_fail(c, ZB_EINVAL, e.field, e.message);
    struct dues_payment p = {
        .member_id = member, .amount_fen = -1, .proxy_id = proxy, .note = note, .confirm = confirm};
    char cmd[256];
    struct dues_pay_cmd pc;
    snprintf(cmd, sizeof cmd, "x %s", months);
    if (dues_pay_parse(cmd, false, &pc))
        return api_fail(c, ZB_EINVAL, "months", "月份应为 2026-10,2026-11 或 2026-09至2026-11");
    memcpy(p.months, pc.months, pc.n_months * sizeof pc.months[0]);
    p.n_months = pc.n_months;
    if (amount && member_parse_fen(amount, &p.amount_fen))
        return api_fail(c, ZB_EINVAL, "amount", "金额应为元，最多两位小数");
    struct dues_receipt r;
    struct dues_why why;
    int rc = dues_pay(c->actor, &p, clock_now(), &r, &why);
    if (rc)
        return refused(c, rc, &why, pay_field(&p, &why));
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "payment_id", (double)r.payment_id);
    add_yuan(o, "amount", r.amount_fen);
    add_yuan(o, "expected", r.expected_fen);
    cJSON_AddBoolToObject(o, "noted", r.noted);
    c->status = 201;
    return api_emit(c, o);
}

const struct api_route dues_api_routes[DUES_API_COUNT] = {
    {.method = API_GET,
     .pattern = "/api/v1/dues",
     .handler = api_mine,
     .summary = "The caller's dues: the last 12 bills with their working, arrears, paid through"},
    {.method = API_GET,
     .pattern = "/api/v1/dues/calc",
     .handler = api_calc,
     .access = API_OPEN,
     .query = "category,income",
     .summary = "Monthly dues for a category and income (yuan), with the working"},
    {.method = API_GET,
     .pattern = "/api/v1/dues/ledger",
     .action = &dues_view,
     .handler = api_ledger,
     .query = "branch,year",
     .summary = "A branch's dues ledger (台账) for a year: members x months, due and paid"},
    {.method = API_POST,
     .pattern = "/api/v1/dues/payments",
     .action = &dues_record,
     .writes = true,
     .handler = api_pay,
     .summary = "Record a payment: {member_id, months, amount?, proxy_id?, note?, confirm?}"},
};
_Static_assert(sizeof dues_api_routes / sizeof dues_api_routes[0] == DUES_API_COUNT, "count");
