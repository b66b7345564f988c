/*
 * dues.c - the dues tables and their SQL (see dues.h): income history, bills, payments with
 * their per-month allocations and correcting entries, reliefs, voluntary payments, the
 * probationary approval dates; the status, the ledger and the reminders read them.
 */
#include "handlers/dues/dues.h"

#include <assert.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/delivery/notify.h"
#include "bot/org/audit.h"
#include "bot/store/store.h"
#include "handlers/dues/migrations.h"

#define LEADS (ROLE_SECRETARY | ROLE_DEPUTY)

const struct role_action dues_record = {
    .id = "dues.record",
    .roles = LEADS | ROLE_ORGANIZER,
    .operator_ok = true,
    .refusal = "抱歉，只有支部书记、副书记和组织委员可以登记党费。",
};
const struct role_action dues_view = {
    .id = "dues.view",
    .roles = LEADS | ROLE_ORGANIZER,
    .operator_ok = true,
    .refusal = "抱歉，只有支部书记、副书记和组织委员可以查看党费台账。",
};

static const char *const dues_steps[] = {
    /* 1: dues. Months are year*12 + month-1; money in fen. Nothing is deleted. */
    "CREATE TABLE dues_incomes ("
    "  id INTEGER PRIMARY KEY,"
    "  member_id INTEGER NOT NULL,"
    "  category INTEGER NOT NULL," /* enum member_category */
    "  income_fen INTEGER,"        /* NULL for flat categories */
    "  from_month INTEGER NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  by TEXT NOT NULL"
    ");"
    "CREATE INDEX dues_incomes_member ON dues_incomes(member_id, from_month);"
    "CREATE TABLE dues_bills ("
    "  member_id INTEGER NOT NULL,"
    "  month INTEGER NOT NULL,"
    "  branch_id INTEGER," /* the member's organisation when billed */
    "  category INTEGER NOT NULL,"
    "  income_fen INTEGER,"
    "  amount_fen INTEGER NOT NULL,"
    "  rule TEXT NOT NULL," /* the working */
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (member_id, month)"
    ");"
    "CREATE INDEX dues_bills_month ON dues_bills(month, branch_id);"
    "CREATE TABLE dues_payments ("
    "  id INTEGER PRIMARY KEY,"
    "  member_id INTEGER NOT NULL,"
    "  amount_fen INTEGER NOT NULL,"
    "  expected_fen INTEGER NOT NULL,"
    "  proxy_id INTEGER," /* paid on the member's behalf by */
    "  note TEXT,"
    "  reverses INTEGER REFERENCES dues_payments(id)," /* a correcting entry for */
    "  at INTEGER NOT NULL,"
    "  by TEXT NOT NULL,"
    "  channel TEXT NOT NULL"
    ");"
    "CREATE UNIQUE INDEX dues_payments_reverses ON dues_payments(reverses);"
    "CREATE TABLE dues_alloc ("
    "  payment_id INTEGER NOT NULL REFERENCES dues_payments(id),"
    "  member_id INTEGER NOT NULL,"
    "  month INTEGER NOT NULL,"
    "  amount_fen INTEGER NOT NULL" /* negative in a correcting entry */
    ");"
    "CREATE INDEX dues_alloc_member ON dues_alloc(member_id, month);"
    "CREATE TABLE dues_reliefs ("
    "  id INTEGER PRIMARY KEY,"
    "  member_id INTEGER NOT NULL,"
    "  from_month INTEGER NOT NULL,"
    "  to_month INTEGER,"   /* NULL: open */
    "  amount_fen INTEGER," /* NULL: exempt */
    "  approved TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  by TEXT NOT NULL"
    ");"
    "CREATE TABLE dues_voluntary ("
    "  id INTEGER PRIMARY KEY,"
    "  member_id INTEGER NOT NULL,"
    "  amount_fen INTEGER NOT NULL,"
    "  to_centre INTEGER NOT NULL,"
    "  note TEXT,"
    "  at INTEGER NOT NULL,"
    "  by TEXT NOT NULL"
    ");"
    "CREATE TABLE dues_probation ("
    "  member_id INTEGER PRIMARY KEY,"
    "  approved_on TEXT NOT NULL" /* YYYY-MM-DD */
    ");",
};

const struct migration_set dues_migrations = {"dues", dues_steps,
                                              sizeof dues_steps / sizeof dues_steps[0]};

/* textf - snprintf into out, truncating long values on purpose (names, notes in texts). */
static void textf(char *out, size_t outsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void textf(char *out, size_t outsz, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, outsz, fmt, ap);
    va_end(ap);
}

static void why_clear(struct dues_why *w)
{
    memset(w, 0, sizeof *w);
}

/* role_can for dues_record (or act) on the member's organisation; loads the member. */
static int may(const struct actor *a, const struct role_action *act, int64_t member_id,
               struct member *m, struct dues_why *why)
{
    int rc = member_get(member_id, m);
    if (rc == ZB_ENOTFOUND)
        why->reason = DUES_R_NO_MEMBER;
    if (rc)
        return rc;
    rc = role_can(a, act, m->branch_id, &why->refusal);
    if (rc == ZB_EDENIED)
        why->reason = DUES_R_DENIED;
    return rc;
}

static int audit(const struct actor *a, const char *action, int64_t member_id, const char *detail,
                 int64_t now)
{
    char target[32];
    textf(target, sizeof target, "member:%lld", (long long)member_id);
    return audit_write(a->label, action, target, detail, a->channel, now);
}

/* number_of - a member number written as 1 to 18 ASCII digits; 0 otherwise. */
static int64_t number_of(const char *s)
{
    size_t n = strspn(s, "0123456789");
    if (n == 0 || n > 18 || s[n])
        return 0;
    return strtoll(s, NULL, 10);
}

int dues_member_find(const struct actor *a, const char *name, int64_t *id, struct dues_why *why)
{
    why_clear(why);
    int64_t ids[DUES_AMBIG_MAX + 8];
    size_t n = 0, in = 0;
    int rc;
    int64_t number = number_of(name);
    if (number) {
        struct member m;
        if ((rc = member_get(number, &m)) && rc != ZB_ENOTFOUND)
            return rc;
        if (rc == ZB_OK && m.left_at == 0)
            ids[n++] = number;
    } else if ((rc = member_find_name(name, -1, ids, sizeof ids / sizeof ids[0], &n)))
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct member m;
        const char *r;
        if (member_get(ids[i], &m) || role_can(a, &dues_record, m.branch_id, &r))
            continue;
        if (in < DUES_AMBIG_MAX)
            why->ids[in] = ids[i];
        in++;
    }
    if (in == 0) {
        why->reason = DUES_R_NO_MEMBER;
        return ZB_ENOTFOUND;
    }
    if (in > 1) {
        why->reason = DUES_R_AMBIGUOUS;
        why->n_ids = in < DUES_AMBIG_MAX ? in : DUES_AMBIG_MAX;
        return ZB_EINVAL;
    }
    *id = why->ids[0];
    why->ids[0] = 0;
    return ZB_OK;
}

static const char sql_income_add[] =
    "INSERT INTO dues_incomes(member_id, category, income_fen, from_month, at, by) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

int dues_income_set(const struct actor *a, int64_t member_id, enum member_category cat,
                    int64_t income_fen, int from_month, int64_t now, struct dues_why *why)
{
    assert(store_in_tx());
    why_clear(why);
    struct member m;
    struct dues_calc calc;
    int rc = may(a, &dues_record, member_id, &m, why);
    if (rc)
        return rc;
    if (from_month < DUES_MONTH_MIN || from_month > DUES_MONTH_MAXV ||
        (!dues_category_flat(cat) && dues_calc_amount(dues_rules(), cat, income_fen, &calc))) {
        why->reason = DUES_R_BAD_VALUE;
        return ZB_EINVAL;
    }
    sqlite3_stmt *st = store_stmt(sql_income_add);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int(st, 2, (int)cat);
    if (!dues_category_flat(cat))
        sqlite3_bind_int64(st, 3, income_fen);
    sqlite3_bind_int(st, 4, from_month);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_text(st, 6, a->label, -1, SQLITE_STATIC);
    if ((rc = store_exec_done(st)))
        return rc;
    char month[8], yuan[24], detail[96];
    dues_month_text(from_month, month, sizeof month);
    dues_yuan(income_fen < 0 ? 0 : income_fen, yuan, sizeof yuan);
    textf(detail, sizeof detail, "%s 起 %s %s 元", month, member_category_name(cat), yuan);
    return audit(a, "dues_income", member_id, detail, now);
}

static const char sql_probation_set[] =
    "INSERT INTO dues_probation(member_id, approved_on) VALUES (?1, ?2) "
    "ON CONFLICT(member_id) DO UPDATE SET approved_on = excluded.approved_on";
static const char sql_probation_get[] =
    "SELECT approved_on FROM dues_probation WHERE member_id = ?1";

int dues_approval_set(const struct actor *a, int64_t member_id, const char *date, int64_t now,
                      struct dues_why *why)
{
    assert(store_in_tx());
    why_clear(why);
    struct member m;
    char d[11];
    int rc = may(a, &dues_record, member_id, &m, why);
    if (rc)
        return rc;
    if (member_parse_date(date, d, sizeof d)) {
        why->reason = DUES_R_BAD_VALUE;
        return ZB_EINVAL;
    }
    sqlite3_stmt *st = store_stmt(sql_probation_set);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_text(st, 2, d, -1, SQLITE_TRANSIENT);
    if ((rc = store_exec_done(st)))
        return rc;
    return audit(a, "dues_approval", member_id, d, now);
}

/* The month of a date "YYYY-MM-DD" (checked by the member registry). */
static int date_month(const char *d)
{
    int y = 0, m = 0;
    for (int i = 0; i < 4; i++)
        y = y * 10 + (d[i] - '0');
    m = (d[5] - '0') * 10 + (d[6] - '0');
    return y * 12 + m - 1;
}

/* The first month the member pays: from joined_on for a full member; for a probationary one the
 * admission (probation_start) or the approval, as configured. -1: no known start (then billed
 * whenever asked); -2: not yet (approval rule, no approval date). */
static int start_month(const struct member *m)
{
    char date[11] = "";
    if (m->status == STATUS_PROBATIONARY) {
        if (dues_rules()->probation == DUES_FROM_APPROVAL) {
            sqlite3_stmt *st = store_stmt(sql_probation_get);
            if (!st)
                return -2;
            sqlite3_bind_int64(st, 1, m->id);
            if (sqlite3_step(st) == SQLITE_ROW)
                textf(date, sizeof date, "%s", store_text(st, 0));
            sqlite3_reset(st);
            if (!date[0])
                return -2;
        } else /* the general meeting's admission; the join date when that is all we know */
            textf(date, sizeof date, "%s",
                  m->probation_start[0] ? m->probation_start : m->joined_on);
    } else
        textf(date, sizeof date, "%s", m->joined_on[0] ? m->joined_on : m->probation_start);
    if (!date[0])
        return -1;
    return date_month(date);
}

static const char sql_income_at[] =
    "SELECT category, coalesce(income_fen, -1) FROM dues_incomes "
    "WHERE member_id = ?1 AND from_month <= ?2 ORDER BY from_month DESC, id DESC LIMIT 1";
static const char sql_relief_at[] =
    "SELECT coalesce(amount_fen, -1), approved FROM dues_reliefs "
    "WHERE member_id = ?1 AND from_month <= ?2 AND (to_month IS NULL OR to_month >= ?2) "
    "ORDER BY id DESC LIMIT 1";
static const char sql_bill_has[] = "SELECT 1 FROM dues_bills WHERE member_id = ?1 AND month = ?2";
static const char sql_bill_add[] =
    "INSERT INTO dues_bills(member_id, month, branch_id, category, income_fen, amount_fen, rule, "
    "created_at) VALUES (?1, ?2, nullif(?3, 0), ?4, ?5, ?6, ?7, ?8)";

/* The bill of m for month into *c (amount and working), the category and income used. */
static int compute_bill(const struct member *m, int month, struct dues_calc *c,
                        enum member_category *cat, int64_t *income)
{
    *cat = m->category;
    *income = m->income_fen;
    sqlite3_stmt *st = store_stmt(sql_income_at);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, m->id);
    sqlite3_bind_int(st, 2, month);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *cat = (enum member_category)sqlite3_column_int(st, 0);
        *income = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return ZB_EDB;
    if (dues_category_flat(*cat))
        *income = -1;
    else if (*income < 0)
        return ZB_ENOTFOUND; /* income unknown: cannot bill */
    int rc = dues_calc_amount(dues_rules(), *cat, *income, c);
    if (rc)
        return rc;
    if (!(st = store_stmt(sql_relief_at)))
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, m->id);
    sqlite3_bind_int(st, 2, month);
    if ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t amount = sqlite3_column_int64(st, 0);
        char was[24], now_y[24], rule[DUES_RULE_MAX];
        dues_yuan(c->amount_fen, was, sizeof was);
        textf(rule, sizeof rule, "%s", c->rule);
        if (amount < 0 || amount < c->amount_fen) {
            c->amount_fen = amount < 0 ? 0 : amount;
            dues_yuan(c->amount_fen, now_y, sizeof now_y);
            textf(c->rule, sizeof c->rule, "%s；经批准%s（%.40s）", rule,
                  amount < 0 ? "免交" : "减为每月", store_text(st, 1));
            if (amount >= 0) {
                size_t l = strlen(c->rule);
                textf(c->rule + l, sizeof c->rule - l, " %s 元", now_y);
            }
        }
    }
    sqlite3_reset(st);
    return step == SQLITE_ROW || step == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

int dues_bill_member(int64_t member_id, int month, int64_t now, bool *made)
{
    assert(store_in_tx());
    if (made)
        *made = false;
    struct member m;
    int rc = member_get(member_id, &m);
    if (rc)
        return rc;
    sqlite3_stmt *st = store_stmt(sql_bill_has);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int(st, 2, month);
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    if (step == SQLITE_ROW)
        return ZB_OK;
    if (step != SQLITE_DONE)
        return ZB_EDB;
    int start = start_month(&m);
    if (start == -2 || (start >= 0 && month < start))
        return ZB_ENOTFOUND;
    struct dues_calc c;
    enum member_category cat;
    int64_t income;
    if ((rc = compute_bill(&m, month, &c, &cat, &income)))
        return rc;
    if (!(st = store_stmt(sql_bill_add)))
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int(st, 2, month);
    sqlite3_bind_int64(st, 3, m.branch_id);
    sqlite3_bind_int(st, 4, (int)cat);
    if (income >= 0)
        sqlite3_bind_int64(st, 5, income);
    sqlite3_bind_int64(st, 6, c.amount_fen);
    sqlite3_bind_text(st, 7, c.rule, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 8, now);
    if ((rc = store_exec_done(st)))
        return rc;
    if (made)
        *made = true;
    return ZB_OK;
}

struct bill_all {
    int month;         /* to bill */
    int64_t now;       /* when */
    int made, skipped; /* counts */
    int64_t *ids;      /* members collected first (member_each holds a statement) */
    size_t n, cap;     /* used, allocated */
};

static int collect(const struct member *m, void *arg)
{
    struct bill_all *b = arg;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        int64_t *p = realloc(b->ids, cap * sizeof *p);
        if (!p)
            return ZB_EDB;
        b->ids = p;
        b->cap = cap;
    }
    b->ids[b->n++] = m->id;
    return ZB_OK;
}

/* member ids of the subtree root (0: all) into a new array; caller frees *ids. */
static int all_members(int64_t root, int64_t **ids, size_t *n)
{
    struct bill_all b = {0};
    int rc = member_each(root, collect, &b);
    if (rc) {
        free(b.ids);
        return rc;
    }
    *ids = b.ids;
    *n = b.n;
    return ZB_OK;
}

int dues_bill_month(int month, int64_t now, int *made, int *skipped)
{
    assert(store_in_tx());
    int64_t *ids = NULL;
    size_t n = 0;
    int rc = all_members(0, &ids, &n);
    *made = *skipped = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        bool m = false;
        int r = dues_bill_member(ids[i], month, now, &m);
        if (r == ZB_ENOTFOUND)
            (*skipped)++;
        else if (r)
            rc = r;
        else if (m)
            (*made)++;
    }
    free(ids);
    return rc;
}

static const char sql_bills[] =
    "SELECT b.month, coalesce(b.branch_id, 0), b.category, coalesce(b.income_fen, -1), "
    "b.amount_fen, b.rule, "
    "(SELECT coalesce(sum(a.amount_fen), 0) FROM dues_alloc a WHERE a.member_id = b.member_id "
    "  AND a.month = b.month), "
    "EXISTS (SELECT 1 FROM dues_alloc a JOIN dues_payments p ON p.id = a.payment_id "
    "  WHERE a.member_id = b.member_id AND a.month = b.month AND p.reverses IS NULL "
    "  AND NOT EXISTS (SELECT 1 FROM dues_payments r WHERE r.reverses = p.id)) "
    "FROM dues_bills b WHERE b.member_id = ?1 AND b.month BETWEEN ?2 AND ?3 ORDER BY b.month";

int dues_bills(int64_t member_id, int from_month, int to_month, struct dues_bill *out, size_t max,
               size_t *n)
{
    *n = 0;
    sqlite3_stmt *st = store_stmt(sql_bills);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int(st, 2, from_month);
    sqlite3_bind_int(st, 3, to_month);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
        struct dues_bill *b = &out[(*n)++];
        b->month = sqlite3_column_int(st, 0);
        b->branch_id = sqlite3_column_int64(st, 1);
        b->category = (enum member_category)sqlite3_column_int(st, 2);
        b->income_fen = sqlite3_column_int64(st, 3);
        b->amount_fen = sqlite3_column_int64(st, 4);
        textf(b->rule, sizeof b->rule, "%s", store_text(st, 5));
        b->paid_fen = sqlite3_column_int64(st, 6);
        /* an exempted month (0.00) is settled without a payment */
        b->paid = sqlite3_column_int(st, 7) != 0 || b->amount_fen == 0;
    }
    sqlite3_reset(st);
    return step == SQLITE_ROW || step == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

#define STATUS_SCAN 240 /* months of bills a status reads: 20 years */

int dues_status(int64_t member_id, int month, struct dues_status *out)
{
    memset(out, 0, sizeof *out);
    out->upto = month;
    out->first_billed = out->paid_through = out->streak_from = -1;
    out->due_fen = -1;
    struct member m;
    int rc = member_get(member_id, &m);
    if (rc)
        return rc;
    struct dues_bill *b = calloc(STATUS_SCAN, sizeof *b);
    size_t n = 0;
    if (!b)
        return ZB_EDB;
    if ((rc = dues_bills(member_id, month - STATUS_SCAN + 1, month, b, STATUS_SCAN, &n)))
        goto done;
    bool all_paid = true;
    for (size_t i = 0; i < n; i++) {
        if (i == 0)
            out->first_billed = b[i].month;
        if (!b[i].paid) {
            out->arrears_months++;
            out->arrears_fen += b[i].amount_fen;
            all_paid = false;
        } else if (all_paid)
            out->paid_through = b[i].month;
        if (b[i].month == month) {
            out->due_fen = b[i].amount_fen;
            out->month_paid = b[i].paid;
        }
    }
    /* the streak: unpaid bills, consecutive in months, ending at the last bill (M or M-1) */
    if (n && b[n - 1].month >= month - 1) {
        int expect = b[n - 1].month;
        for (size_t i = n; i-- > 0;) {
            if (b[i].paid || b[i].month != expect)
                break;
            out->streak++;
            out->streak_from = b[i].month;
            expect--;
        }
    }
done:
    free(b);
    return rc;
}

static const char sql_pay_add[] =
    "INSERT INTO dues_payments(member_id, amount_fen, expected_fen, proxy_id, note, reverses, at, "
    "by, channel) VALUES (?1, ?2, ?3, nullif(?4, 0), nullif(?5, ''), ?6, ?7, ?8, ?9)";
static const char sql_alloc_add[] =
    "INSERT INTO dues_alloc(payment_id, member_id, month, amount_fen) VALUES (?1, ?2, ?3, ?4)";

static int insert_payment(const struct actor *a, int64_t member_id, int64_t amount,
                          int64_t expected, int64_t proxy, const char *note, int64_t reverses,
                          int64_t now, int64_t *id)
{
    sqlite3_stmt *st = store_stmt(sql_pay_add);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, amount);
    sqlite3_bind_int64(st, 3, expected);
    sqlite3_bind_int64(st, 4, proxy);
    sqlite3_bind_text(st, 5, note ? note : "", -1, SQLITE_TRANSIENT);
    if (reverses)
        sqlite3_bind_int64(st, 6, reverses);
    sqlite3_bind_int64(st, 7, now);
    sqlite3_bind_text(st, 8, a->label, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, a->channel, -1, SQLITE_STATIC);
    int rc = store_exec_done(st);
    if (!rc)
        *id = sqlite3_last_insert_rowid(store_db());
    return rc;
}

static int insert_alloc(int64_t payment, int64_t member_id, int month, int64_t amount)
{
    sqlite3_stmt *st = store_stmt(sql_alloc_add);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, payment);
    sqlite3_bind_int64(st, 2, member_id);
    sqlite3_bind_int(st, 3, month);
    sqlite3_bind_int64(st, 4, amount);
    return store_exec_done(st);
}

/* The months of a payment as text, "2026-09至2026-11" or "2026-09、2026-11". */
static void months_text(const int *months, size_t n, char *out, size_t outsz)
{
    char a[8], b[8];
    dues_month_text(months[0], a, sizeof a);
    dues_month_text(months[n - 1], b, sizeof b);
    if (n == 1)
        textf(out, outsz, "%s", a);
    else if (months[n - 1] - months[0] == (int)n - 1)
        textf(out, outsz, "%s至%s", a, b);
    else {
        size_t used = 0;
        out[0] = 0;
        for (size_t i = 0; i < n && used < outsz; i++) {
            dues_month_text(months[i], a, sizeof a);
            int k = snprintf(out + used, outsz - used, "%s%s", i ? "、" : "", a);
            if (k < 0)
                break;
            used += (size_t)k < outsz - used ? (size_t)k : outsz - used;
        }
    }
}

static int receipt(const struct actor *a, int64_t member_id, int64_t payment, const char *months,
                   int64_t amount, int64_t proxy)
{
    char yuan[24], text[400], key[64], proxy_name[MEMBER_NAME_MAX + 16] = "";
    struct member p;
    dues_yuan(amount, yuan, sizeof yuan);
    if (proxy && member_get(proxy, &p) == ZB_OK)
        textf(proxy_name, sizeof proxy_name, "（由%s代缴）", p.name);
    textf(text, sizeof text, "党费收据：已登记您 %s 的党费 %s 元%s。\n发送“党费”查看明细。", months,
          yuan, proxy_name);
    textf(key, sizeof key, "dues:receipt:%lld", (long long)payment);
    struct notify_fields f = {.title = "党费收据", .status = "已缴", .text = text};
    (void)a;
    return notify_send(member_id, "dues.receipt", NOTIFY_ROUTINE, key, &f, NULL);
}

int dues_pay(const struct actor *a, const struct dues_payment *p, int64_t now,
             struct dues_receipt *out, struct dues_why *why)
{
    assert(store_in_tx());
    why_clear(why);
    memset(out, 0, sizeof *out);
    struct member m;
    int rc = may(a, &dues_record, p->member_id, &m, why);
    if (rc)
        return rc;
    if (p->n_months == 0 || p->n_months > DUES_PAY_MONTHS ||
        (p->amount_fen != -1 && (p->amount_fen < 0 || p->amount_fen > DUES_INCOME_MAX)) ||
        (p->note && strlen(p->note) > DUES_NOTE_MAX) || p->proxy_id == p->member_id) {
        why->reason = DUES_R_BAD_VALUE;
        return ZB_EINVAL;
    }
    if (p->proxy_id) {
        struct member px;
        if ((rc = member_get(p->proxy_id, &px))) {
            why->reason = DUES_R_NO_MEMBER;
            return rc;
        }
    }
    int months[DUES_PAY_MONTHS];
    size_t n = p->n_months;
    memcpy(months, p->months, n * sizeof months[0]);
    for (size_t i = 1; i < n; i++) /* insertion sort: n <= 24 */
        for (size_t j = i; j > 0 && months[j] < months[j - 1]; j--) {
            int t = months[j];
            months[j] = months[j - 1];
            months[j - 1] = t;
        }
    int cur = dues_month_of(now), past = 0;
    int64_t bills[DUES_PAY_MONTHS], expected = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && months[i] == months[i - 1]) {
            why->reason = DUES_R_BAD_VALUE;
            return ZB_EINVAL;
        }
        if (months[i] > cur) {
            why->reason = DUES_R_FUTURE;
            why->month = months[i];
            return ZB_EINVAL;
        }
        past += months[i] < cur;
        rc = dues_bill_member(p->member_id, months[i], now, NULL);
        if (rc == ZB_ENOTFOUND) {
            why->reason = DUES_R_NO_BILL;
            why->month = months[i];
            return ZB_EINVAL;
        }
        if (rc)
            return rc;
        struct dues_bill b;
        size_t got = 0;
        if ((rc = dues_bills(p->member_id, months[i], months[i], &b, 1, &got)))
            return rc;
        if (got != 1)
            return ZB_EDB;
        if (b.paid && b.amount_fen > 0) {
            why->reason = DUES_R_PAID;
            why->month = months[i];
            return ZB_EDONE;
        }
        bills[i] = b.amount_fen;
        expected += b.amount_fen;
    }
    if (past > dues_rules()->backpay_max && !p->confirm) {
        why->reason = DUES_R_BACKPAY;
        return ZB_EINVAL;
    }
    int64_t amount = p->amount_fen < 0 ? expected : p->amount_fen;
    bool noted = amount != expected;
    if (noted && !(p->note && *p->note)) {
        why->reason = DUES_R_NEED_NOTE;
        why->expected_fen = expected;
        return ZB_EINVAL;
    }
    int64_t id = 0;
    if ((rc = insert_payment(a, p->member_id, amount, expected, p->proxy_id, p->note, 0, now, &id)))
        return rc;
    /* each month gets its bill while the money lasts; the last month takes the difference */
    int64_t left = amount;
    for (size_t i = 0; !rc && i < n; i++) {
        int64_t part = i + 1 == n ? left : (bills[i] < left ? bills[i] : left);
        left -= part;
        rc = insert_alloc(id, p->member_id, months[i], part);
    }
    if (rc)
        return rc;
    char mt[DUES_PAY_MONTHS * 12], yuan[24], detail[DUES_PAY_MONTHS * 12 + DUES_NOTE_MAX + 96];
    months_text(months, n, mt, sizeof mt);
    dues_yuan(amount, yuan, sizeof yuan);
    textf(detail, sizeof detail, "%s %s 元%s%s%s", mt, yuan, p->proxy_id ? " 代缴" : "",
          noted ? " 备注：" : "", noted ? p->note : "");
    if ((rc = audit(a, "dues_pay", p->member_id, detail, now)))
        return rc;
    if (!p->quiet && (rc = receipt(a, p->member_id, id, mt, amount, p->proxy_id)))
        return rc;
    out->payment_id = id;
    out->amount_fen = amount;
    out->expected_fen = expected;
    out->noted = noted;
    return ZB_OK;
}

static const char sql_pay_get[] = "SELECT member_id, amount_fen, reverses IS NOT NULL, "
                                  "EXISTS (SELECT 1 FROM dues_payments r WHERE r.reverses = p.id) "
                                  "FROM dues_payments p WHERE id = ?1";
static const char sql_allocs[] =
    "SELECT month, amount_fen FROM dues_alloc WHERE payment_id = ?1 ORDER BY month";

int dues_reverse(const struct actor *a, int64_t payment_id, const char *reason, int64_t now,
                 int64_t *rev_id, struct dues_why *why)
{
    assert(store_in_tx());
    why_clear(why);
    if (!reason || !*reason || strlen(reason) > DUES_NOTE_MAX) {
        why->reason = DUES_R_BAD_VALUE;
        return ZB_EINVAL;
    }
    sqlite3_stmt *st = store_stmt(sql_pay_get);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, payment_id);
    int step = sqlite3_step(st);
    int64_t member_id = 0, amount = 0;
    bool is_rev = false, reversed = false;
    if (step == SQLITE_ROW) {
        member_id = sqlite3_column_int64(st, 0);
        amount = sqlite3_column_int64(st, 1);
        is_rev = sqlite3_column_int(st, 2) != 0;
        reversed = sqlite3_column_int(st, 3) != 0;
    }
    sqlite3_reset(st);
    if (step == SQLITE_DONE) {
        why->reason = DUES_R_NO_PAYMENT;
        return ZB_ENOTFOUND;
    }
    if (step != SQLITE_ROW)
        return ZB_EDB;
    struct member m;
    int rc = may(a, &dues_record, member_id, &m, why);
    if (rc)
        return rc;
    if (is_rev || reversed) {
        why->reason = DUES_R_REVERSED;
        return ZB_EDONE;
    }
    int months[DUES_PAY_MONTHS];
    int64_t parts[DUES_PAY_MONTHS];
    size_t n = 0;
    if (!(st = store_stmt(sql_allocs)))
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, payment_id);
    while ((step = sqlite3_step(st)) == SQLITE_ROW && n < DUES_PAY_MONTHS) {
        months[n] = sqlite3_column_int(st, 0);
        parts[n++] = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        return ZB_EDB;
    int64_t id = 0;
    if ((rc = insert_payment(a, member_id, -amount, 0, 0, reason, payment_id, now, &id)))
        return rc;
    for (size_t i = 0; !rc && i < n; i++)
        rc = insert_alloc(id, member_id, months[i], -parts[i]);
    if (rc)
        return rc;
    char detail[DUES_NOTE_MAX + 64];
    textf(detail, sizeof detail, "冲正缴费记录 %lld：%s", (long long)payment_id, reason);
    if ((rc = audit(a, "dues_reverse", member_id, detail, now)))
        return rc;
    *rev_id = id;
    return ZB_OK;
}

static const char sql_relief_add[] =
    "INSERT INTO dues_reliefs(member_id, from_month, to_month, amount_fen, approved, at, by) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

int dues_relief(const struct actor *a, int64_t member_id, int from_month, int to_month,
                int64_t amount_fen, bool exempt, const char *approved, int64_t now,
                struct dues_why *why)
{
    assert(store_in_tx());
    why_clear(why);
    struct member m;
    int rc = may(a, &dues_record, member_id, &m, why);
    if (rc)
        return rc;
    if (!approved || !*approved || strlen(approved) > DUES_NOTE_MAX ||
        from_month < DUES_MONTH_MIN || from_month > DUES_MONTH_MAXV ||
        (to_month >= 0 && to_month < from_month) ||
        (!exempt && (amount_fen < 0 || amount_fen > DUES_INCOME_MAX))) {
        why->reason = DUES_R_BAD_VALUE;
        return ZB_EINVAL;
    }
    sqlite3_stmt *st = store_stmt(sql_relief_add);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int(st, 2, from_month);
    if (to_month >= 0)
        sqlite3_bind_int(st, 3, to_month);
    if (!exempt)
        sqlite3_bind_int64(st, 4, amount_fen);
    sqlite3_bind_text(st, 5, approved, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 6, now);
    sqlite3_bind_text(st, 7, a->label, -1, SQLITE_STATIC);
    if ((rc = store_exec_done(st)))
        return rc;
    char f[8], t[8] = "", y[24], detail[DUES_NOTE_MAX + 96];
    dues_month_text(from_month, f, sizeof f);
    if (to_month >= 0)
        dues_month_text(to_month, t, sizeof t);
    dues_yuan(amount_fen < 0 ? 0 : amount_fen, y, sizeof y);
    textf(detail, sizeof detail, "%s 起%s%s %s%s，批准：%s", f, t[0] ? "至 " : "", t,
          exempt ? "免交" : "每月 ", exempt ? "" : y, approved);
    return audit(a, "dues_relief", member_id, detail, now);
}

static const char sql_vol_add[] =
    "INSERT INTO dues_voluntary(member_id, amount_fen, to_centre, note, at, by) "
    "VALUES (?1, ?2, ?3, nullif(?4, ''), ?5, ?6)";

int dues_voluntary(const struct actor *a, int64_t member_id, int64_t amount_fen, const char *note,
                   int64_t now, bool *to_centre, struct dues_why *why)
{
    assert(store_in_tx());
    why_clear(why);
    struct member m;
    int rc = may(a, &dues_record, member_id, &m, why);
    if (rc)
        return rc;
    if (amount_fen <= 0 || amount_fen > DUES_VOLUNTARY_MAX ||
        (note && strlen(note) > DUES_NOTE_MAX)) {
        why->reason = DUES_R_BAD_VALUE;
        return ZB_EINVAL;
    }
    *to_centre = amount_fen >= DUES_CENTRE_FEN;
    sqlite3_stmt *st = store_stmt(sql_vol_add);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, amount_fen);
    sqlite3_bind_int(st, 3, *to_centre);
    sqlite3_bind_text(st, 4, note ? note : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_text(st, 6, a->label, -1, SQLITE_STATIC);
    if ((rc = store_exec_done(st)))
        return rc;
    char y[24], detail[64];
    dues_yuan(amount_fen, y, sizeof y);
    textf(detail, sizeof detail, "自愿多交 %s 元%s", y, *to_centre ? "（全额上缴中央）" : "");
    return audit(a, "dues_voluntary", member_id, detail, now);
}

#define SUBTREE                                                                                    \
    "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL "                                              \
    "SELECT b.id FROM branches b JOIN sub ON b.parent_id = sub.id) "

static const char sql_ledger[] = SUBTREE
    "SELECT b.member_id, m.name, b.month, b.amount_fen, "
    "(SELECT coalesce(sum(a.amount_fen), 0) FROM dues_alloc a WHERE a.member_id = b.member_id "
    "  AND a.month = b.month), "
    "EXISTS (SELECT 1 FROM dues_alloc a JOIN dues_payments p ON p.id = a.payment_id "
    "  WHERE a.member_id = b.member_id AND a.month = b.month AND p.reverses IS NULL "
    "  AND p.amount_fen != p.expected_fen "
    "  AND NOT EXISTS (SELECT 1 FROM dues_payments r WHERE r.reverses = p.id)) "
    "FROM dues_bills b JOIN members m ON m.id = b.member_id "
    "WHERE b.month BETWEEN ?2 AND ?3 AND (?1 = 0 OR b.branch_id IN sub) "
    "ORDER BY b.member_id, b.month";
static const char sql_ledger_vol[] =
    SUBTREE "SELECT coalesce(sum(v.amount_fen), 0), "
            "coalesce(sum(CASE WHEN v.to_centre THEN v.amount_fen ELSE 0 END), 0) "
            "FROM dues_voluntary v JOIN members m ON m.id = v.member_id "
            "WHERE strftime('%Y', v.at, 'unixepoch', 'localtime') = printf('%04d', ?2) "
            "AND (?1 = 0 OR m.branch_id IN sub)";
static const char sql_ledger_rev[] =
    SUBTREE "SELECT count(DISTINCT p.id) FROM dues_payments p "
            "JOIN dues_alloc a ON a.payment_id = p.id "
            "JOIN dues_bills b ON b.member_id = a.member_id AND b.month = a.month "
            "WHERE p.reverses IS NOT NULL AND a.month BETWEEN ?2 AND ?3 "
            "AND (?1 = 0 OR b.branch_id IN sub)";

int dues_ledger_get(const struct actor *a, int64_t root, int year, struct dues_ledger *out,
                    struct dues_why *why)
{
    why_clear(why);
    memset(out, 0, sizeof *out);
    out->year = year;
    if (year < 1949 || year > 2100) {
        why->reason = DUES_R_BAD_VALUE;
        return ZB_EINVAL;
    }
    int rc = role_can(a, &dues_view, root, &why->refusal);
    if (rc == ZB_EDENIED)
        why->reason = DUES_R_DENIED;
    if (rc)
        return rc;
    size_t cap = 0;
    sqlite3_stmt *st = store_stmt(sql_ledger);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, root);
    sqlite3_bind_int(st, 2, year * 12);
    sqlite3_bind_int(st, 3, year * 12 + 11);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t mid = sqlite3_column_int64(st, 0);
        struct dues_ledger_row *r = out->n ? &out->rows[out->n - 1] : NULL;
        if (!r || r->member_id != mid) {
            if (out->n == DUES_LEDGER_MAX) {
                rc = ZB_ETOOBIG;
                break;
            }
            if (out->n == cap) {
                size_t nc = cap ? cap * 2 : 32;
                struct dues_ledger_row *p = realloc(out->rows, nc * sizeof *p);
                if (!p) {
                    rc = ZB_EDB;
                    break;
                }
                out->rows = p;
                cap = nc;
            }
            r = &out->rows[out->n++];
            memset(r, 0, sizeof *r);
            r->member_id = mid;
            textf(r->name, sizeof r->name, "%s", store_text(st, 1));
            for (int i = 0; i < 12; i++)
                r->due[i] = -1;
        }
        int mi = sqlite3_column_int(st, 2) - year * 12;
        r->due[mi] = sqlite3_column_int64(st, 3);
        r->paid[mi] = sqlite3_column_int64(st, 4);
        r->noted[mi] = sqlite3_column_int(st, 5) != 0;
        r->due_total += r->due[mi];
        r->paid_total += r->paid[mi];
        out->due[mi] += r->due[mi];
        out->paid[mi] += r->paid[mi];
        out->due_total += r->due[mi];
        out->paid_total += r->paid[mi];
    }
    sqlite3_reset(st);
    if (!rc && step != SQLITE_DONE)
        rc = ZB_EDB;
    if (!rc && (st = store_stmt(sql_ledger_vol))) {
        sqlite3_bind_int64(st, 1, root);
        sqlite3_bind_int(st, 2, year);
        if (sqlite3_step(st) == SQLITE_ROW) {
            out->voluntary_fen = sqlite3_column_int64(st, 0);
            out->centre_fen = sqlite3_column_int64(st, 1);
        } else
            rc = ZB_EDB;
        sqlite3_reset(st);
    } else if (!rc)
        rc = ZB_EDB;
    if (!rc && (st = store_stmt(sql_ledger_rev))) {
        sqlite3_bind_int64(st, 1, root);
        sqlite3_bind_int(st, 2, year * 12);
        sqlite3_bind_int(st, 3, year * 12 + 11);
        if (sqlite3_step(st) == SQLITE_ROW)
            out->reversals = sqlite3_column_int(st, 0);
        else
            rc = ZB_EDB;
        sqlite3_reset(st);
    } else if (!rc)
        rc = ZB_EDB;
    if (rc)
        dues_ledger_free(out);
    return rc;
}

void dues_ledger_free(struct dues_ledger *l)
{
    free(l->rows);
    l->rows = NULL;
    l->n = 0;
}

/* One CSV field, quoted when it holds a comma, quote, CR or LF (RFC 4180). */
static void csv_field(FILE *f, const char *s, bool last)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else
        fputs(s, f);
    fputs(last ? "\r\n" : ",", f);
}

int dues_ledger_csv(const struct dues_ledger *l, FILE *f)
{
    fputs("\xEF\xBB\xBF", f); /* the BOM: Excel reads UTF-8 */
    char h[32], y[24];
    csv_field(f, "姓名", false);
    for (int i = 0; i < 12; i++) {
        textf(h, sizeof h, "%d月应缴", i + 1);
        csv_field(f, h, false);
        textf(h, sizeof h, "%d月实缴", i + 1);
        csv_field(f, h, false);
    }
    csv_field(f, "全年应缴", false);
    csv_field(f, "全年实缴", true);
    for (size_t r = 0; r < l->n; r++) {
        const struct dues_ledger_row *row = &l->rows[r];
        csv_field(f, row->name, false);
        for (int i = 0; i < 12; i++) {
            if (row->due[i] < 0)
                y[0] = 0;
            else
                dues_yuan(row->due[i], y, sizeof y);
            csv_field(f, y, false);
            if (row->due[i] < 0)
                y[0] = 0;
            else
                dues_yuan(row->paid[i], y, sizeof y);
            if (row->noted[i])
                textf(h, sizeof h, "%s（有备注）", y);
            else
                textf(h, sizeof h, "%s", y);
            csv_field(f, h, false);
        }
        dues_yuan(row->due_total, y, sizeof y);
        csv_field(f, y, false);
        dues_yuan(row->paid_total, y, sizeof y);
        csv_field(f, y, true);
    }
    csv_field(f, "合计", false);
    for (int i = 0; i < 12; i++) {
        dues_yuan(l->due[i], y, sizeof y);
        csv_field(f, y, false);
        dues_yuan(l->paid[i], y, sizeof y);
        csv_field(f, y, false);
    }
    dues_yuan(l->due_total, y, sizeof y);
    csv_field(f, y, false);
    dues_yuan(l->paid_total, y, sizeof y);
    csv_field(f, y, true);
    return ferror(f) ? ZB_EIO : ZB_OK;
}

/* ---- reminders ---- */

struct officers {
    unsigned roles;  /* whom to tell */
    int64_t ids[16]; /* found */
    size_t n;        /* how many */
};

static int pick_officer(const struct member *m, void *arg)
{
    struct officers *o = arg;
    if ((m->roles & o->roles) && o->n < sizeof o->ids / sizeof o->ids[0])
        o->ids[o->n++] = m->id;
    return ZB_OK;
}

/* Tell the branch's holders of roles that m has been unpaid for s->streak months. */
static int escalate(const struct member *m, const struct dues_status *s, int threshold,
                    unsigned roles, int *told)
{
    struct officers o = {.roles = roles};
    int rc = member_each(m->branch_id, pick_officer, &o);
    char from[8], yuan[24], text[400], key[NOTIFY_KEY_MAX];
    dues_month_text(s->streak_from, from, sizeof from);
    dues_yuan(s->arrears_fen, yuan, sizeof yuan);
    if (threshold >= 5)
        textf(text, sizeof text,
              "党费提醒：%s 自 %s 起已连续 %d 个月未交党费（共 %s 元）。\n"
              "按规定，连续 6 个月无正当理由不交党费视为自行脱党，请及时谈话了解情况。",
              m->name, from, s->streak, yuan);
    else
        textf(text, sizeof text,
              "党费提醒：%s 自 %s 起已连续 %d 个月未交党费（共 %s 元）。\n请提醒其按时缴纳。",
              m->name, from, s->streak, yuan);
    for (size_t i = 0; !rc && i < o.n; i++) {
        if (o.ids[i] == m->id)
            continue;
        textf(key, sizeof key, "dues:arrears:%lld:%d:%d:to:%lld", (long long)m->id, s->streak_from,
              threshold, (long long)o.ids[i]);
        struct notify_result r;
        struct notify_fields f = {.title = "党费欠缴", .text = text};
        rc = notify_send(o.ids[i], "dues.arrears", NOTIFY_URGENT, key, &f, &r);
        if (!rc && r.outcome != NOTIFY_DUPLICATE)
            (*told)++;
    }
    return rc;
}

int dues_remind(int64_t now, int *reminded, int *escalated)
{
    assert(store_in_tx());
    *reminded = *escalated = 0;
    time_t t = (time_t)now;
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return ZB_EINVAL;
    int month = dues_month_of(now);
    bool day = tm.tm_mday == dues_rules()->reminder_day;
    int64_t *ids = NULL;
    size_t n = 0;
    int rc = all_members(0, &ids, &n);
    for (size_t i = 0; !rc && i < n; i++) {
        struct member m;
        struct dues_status s;
        if ((rc = member_get(ids[i], &m)) || (rc = dues_status(ids[i], month, &s)))
            break;
        if (day && s.due_fen > 0 && !s.month_paid) {
            char mt[8], yuan[24], total[24], text[400], key[64];
            dues_month_text(month, mt, sizeof mt);
            dues_yuan(s.due_fen, yuan, sizeof yuan);
            dues_yuan(s.arrears_fen, total, sizeof total);
            if (s.arrears_months > 1)
                textf(text, sizeof text,
                      "党费提醒：您 %s 的党费 %s 元尚未缴纳，累计 %d 个月共 %s 元。\n"
                      "请向组织委员缴纳；发送“党费”查看明细。",
                      mt, yuan, s.arrears_months, total);
            else
                textf(text, sizeof text,
                      "党费提醒：您 %s 的党费 %s 元尚未缴纳。\n请向组织委员缴纳；发送“党费”"
                      "查看明细。",
                      mt, yuan);
            textf(key, sizeof key, "dues:remind:%lld:%s", (long long)m.id, mt);
            struct notify_result r;
            struct notify_fields f = {.title = "党费提醒", .status = "未缴", .text = text};
            rc = notify_send(m.id, "dues.reminder", NOTIFY_ROUTINE, key, &f, &r);
            if (!rc && r.outcome != NOTIFY_DUPLICATE)
                (*reminded)++;
        }
        if (!rc && s.streak >= 3 && m.branch_id)
            rc = escalate(&m, &s, 3, ROLE_ORGANIZER, escalated);
        if (!rc && s.streak >= 5 && m.branch_id)
            rc = escalate(&m, &s, 5, ROLE_SECRETARY, escalated);
    }
    free(ids);
    return rc;
}
