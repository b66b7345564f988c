/*
 * dues.c - unit tests for handlers/dues/dues.c on a fresh database: idempotent bills from the
 * income history (a changed income applies from its month, past bills stay), the branch kept on
 * the bill, start months (join date, admission or approval), payments in every form and every
 * refusal, corrections, reliefs, voluntary payments to the Centre, arrears counted across a year
 * boundary, the ledger's totals equal to the payments, the CSV's BOM and quoting, reminders and
 * arrears notices queued once, and the audit rows.
 */
#include "tests/unit/unit_db.h"

#include <time.h>

#include "bot/org/branch.h"
#include "bot/org/member.h"
#include "bot/org/role.h"
#include "handlers/dues/chat.h"
#include "handlers/dues/dues.h"
#include "handlers/dues/migrations.h"

static int64_t branch_a, branch_b, organizer, secretary, zhang, li, wang, other;
static struct dues_rules saved;

/* Local noon of y-mo-d in Asia/Shanghai. */
static int64_t at(int y, int mo, int d)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = 12};
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

static int M(int y, int mo)
{
    return y * 12 + mo - 1;
}

static int64_t person(const char *name, int64_t branch, unsigned roles, enum member_category cat,
                      int64_t income, const char *joined)
{
    struct member m;
    member_init(&m);
    snprintf(m.name, sizeof m.name, "%s", name);
    m.branch_id = branch;
    m.roles = roles;
    m.category = cat;
    m.income_fen = income;
    snprintf(m.joined_on, sizeof m.joined_on, "%s", joined);
    assert_int_equal(member_insert(&m, 1), ZB_OK);
    return m.id;
}

static int setup(void **state)
{
    (void)state;
    saved = *dues_rules();
    if (unit_db_open("dues"))
        return -1;
    for (size_t i = 0; i < dues_migrations.n; i++)
        unit_db_exec(dues_migrations.steps[i]);
    char err[256];
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(branch_add("党委/船闸支部", 1, &branch_a, NULL, err, sizeof err), ZB_OK);
    assert_int_equal(branch_add("党委/航道支部", 1, &branch_b, NULL, err, sizeof err), ZB_OK);
    organizer = person("陈组织", branch_a, ROLE_ORGANIZER, CAT_EMPLOYED, 600000, "2008-06-28");
    secretary = person("李书记", branch_a, ROLE_SECRETARY, CAT_EMPLOYED, 865000, "2003-07-01");
    zhang = person("张三", branch_a, 0, CAT_EMPLOYED, 300001, "2016-11-08");
    li = person("李四", branch_a, 0, CAT_RETIRED, 420000, "1976-03-15");
    wang = person("王五", branch_a, 0, CAT_STUDENT, -1, "2026-05-20"); /* joined mid-year */
    other = person("钱六", branch_b, 0, CAT_EMPLOYED, 400000, "2012-01-01");
    assert_int_equal(store_commit(), ZB_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dues_configure(&saved);
    unit_db_close();
    return 0;
}

static void tx(void)
{
    assert_int_equal(store_begin(), ZB_OK);
}

static void commit(void)
{
    assert_int_equal(store_commit(), ZB_OK);
}

static struct dues_status status(int64_t id, int month)
{
    struct dues_status s;
    assert_int_equal(dues_status(id, month, &s), ZB_OK);
    return s;
}

static int pay(const struct actor *a, int64_t id, const int *months, size_t n, int64_t amount,
               const char *note, int64_t now, struct dues_why *why, struct dues_receipt *r)
{
    struct dues_payment p = {.member_id = id, .n_months = n, .amount_fen = amount, .note = note};
    memcpy(p.months, months, n * sizeof *months);
    struct dues_receipt tmp;
    tx();
    int rc = dues_pay(a, &p, now, r ? r : &tmp, why);
    if (rc)
        store_rollback();
    else
        commit();
    return rc;
}

static void test_bills_idempotent_and_history(void **state)
{
    (void)state;
    int made = 0, skipped = 0;
    tx();
    assert_int_equal(dues_bill_month(M(2026, 3), at(2026, 3, 1), &made, &skipped), ZB_OK);
    assert_int_equal(made, 5); /* wang joined in May: skipped */
    assert_int_equal(skipped, 1);
    assert_int_equal(dues_bill_month(M(2026, 3), at(2026, 3, 1), &made, &skipped), ZB_OK);
    assert_int_equal(made, 0);
    commit();
    assert_int_equal(unit_db_int("SELECT count(*) FROM dues_bills"), 5);
    assert_int_equal(
        unit_db_int("SELECT amount_fen FROM dues_bills WHERE member_id=%lld", (long long)zhang),
        3000);
    /* a raise from April: March's bill stays, April's uses it */
    struct actor op = actor_operator();
    struct dues_why why;
    tx();
    assert_int_equal(
        dues_income_set(&op, zhang, CAT_EMPLOYED, 500001, M(2026, 4), at(2026, 3, 20), &why),
        ZB_OK);
    assert_int_equal(dues_bill_member(zhang, M(2026, 4), at(2026, 4, 1), NULL), ZB_OK);
    assert_int_equal(dues_bill_member(wang, M(2026, 4), at(2026, 4, 1), NULL), ZB_ENOTFOUND);
    assert_int_equal(dues_bill_member(wang, M(2026, 5), at(2026, 5, 1), NULL), ZB_OK);
    commit();
    struct dues_bill b[4];
    size_t n = 0;
    assert_int_equal(dues_bills(zhang, M(2026, 1), M(2026, 12), b, 4, &n), ZB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(b[0].amount_fen, 3000);
    assert_int_equal(b[1].amount_fen, 7500);
    assert_string_equal(b[1].rule, "5000.01 元 × 1.5% = 75.00 元");
    assert_int_equal(b[0].branch_id, branch_a);
    assert_int_equal(dues_bills(wang, M(2026, 1), M(2026, 12), b, 4, &n), ZB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(b[0].amount_fen, 20);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action='dues_income'"), 1);
    /* the income history refuses a member outside the actor's scope */
    struct actor org = actor_member(organizer, "wechat");
    tx();
    assert_int_equal(
        dues_income_set(&org, other, CAT_EMPLOYED, 100, M(2026, 4), at(2026, 4, 1), &why),
        ZB_EDENIED);
    assert_int_equal(why.reason, DUES_R_DENIED);
    store_rollback();
}

static void test_pay_forms_and_refusals(void **state)
{
    (void)state;
    struct actor org = actor_member(organizer, "wechat");
    struct actor plain = actor_member(zhang, "wechat");
    struct dues_why why;
    struct dues_receipt r;
    int64_t now = at(2026, 11, 10);
    int nov[] = {M(2026, 11)}, sep_nov[] = {M(2026, 9), M(2026, 10), M(2026, 11)};
    /* a plain member may not record */
    assert_int_equal(pay(&plain, zhang, nov, 1, -1, NULL, now, &why, NULL), ZB_EDENIED);
    /* nor an organizer of another branch's member */
    assert_int_equal(pay(&org, other, nov, 1, -1, NULL, now, &why, NULL), ZB_EDENIED);
    /* future month */
    int dec[] = {M(2026, 12)};
    assert_int_equal(pay(&org, zhang, dec, 1, -1, NULL, now, &why, NULL), ZB_EINVAL);
    assert_int_equal(why.reason, DUES_R_FUTURE);
    /* before the member joined */
    int apr[] = {M(2026, 4)};
    assert_int_equal(pay(&org, wang, apr, 1, -1, NULL, now, &why, NULL), ZB_EINVAL);
    assert_int_equal(why.reason, DUES_R_NO_BILL);
    /* an amount that differs needs a note */
    assert_int_equal(pay(&org, zhang, sep_nov, 3, 8000, NULL, now, &why, NULL), ZB_EINVAL);
    assert_int_equal(why.reason, DUES_R_NEED_NOTE);
    assert_int_equal(why.expected_fen, 9000);
    assert_int_equal(unit_db_int("SELECT count(*) FROM dues_payments"), 0);
    /* the bills' total when no amount is given */
    assert_int_equal(pay(&org, zhang, sep_nov, 3, -1, NULL, now, &why, &r), ZB_OK);
    assert_int_equal(r.amount_fen, 9000);
    assert_false(r.noted);
    /* paid already */
    assert_int_equal(pay(&org, zhang, nov, 1, -1, NULL, now, &why, NULL), ZB_EDONE);
    assert_int_equal(why.reason, DUES_R_PAID);
    /* a payment that differs, with a note: shown so */
    int aug[] = {M(2026, 8)};
    assert_int_equal(pay(&org, zhang, aug, 1, 3500, "多交五元", now, &why, &r), ZB_OK);
    assert_true(r.noted);
    /* by proxy */
    struct dues_payment p = {.member_id = li, .n_months = 1, .amount_fen = 2100, .proxy_id = zhang};
    p.months[0] = M(2026, 11);
    tx();
    assert_int_equal(dues_pay(&org, &p, now, &r, &why), ZB_OK);
    commit();
    assert_int_equal(
        unit_db_int("SELECT proxy_id FROM dues_payments WHERE id=%lld", (long long)r.payment_id),
        zhang);
    /* the receipt went through notify, once per payment */
    assert_int_equal(unit_db_int("SELECT count(*) FROM notify_items WHERE kind='dues.receipt'"), 3);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action='dues_pay'"), 3);
    struct dues_status s = status(zhang, M(2026, 11));
    assert_int_equal(s.arrears_months, 0);
    assert_int_equal(s.paid_through, M(2026, 11));
}

static void test_backpay_limit(void **state)
{
    (void)state;
    struct actor org = actor_member(organizer, "wechat");
    struct dues_why why;
    int64_t now = at(2026, 11, 10);
    int months[8];
    for (int i = 0; i < 8; i++)
        months[i] = M(2026, 4) + i; /* April..November: 7 past months */
    assert_int_equal(pay(&org, zhang, months, 8, -1, NULL, now, &why, NULL), ZB_EINVAL);
    assert_int_equal(why.reason, DUES_R_BACKPAY);
    struct dues_payment p = {.member_id = zhang, .n_months = 8, .amount_fen = -1, .confirm = true};
    memcpy(p.months, months, sizeof months);
    struct dues_receipt r;
    tx();
    assert_int_equal(dues_pay(&org, &p, now, &r, &why), ZB_OK);
    commit();
    assert_int_equal(r.amount_fen, 8 * 3000);
    /* six past months pass without confirmation */
    int six[7];
    for (int i = 0; i < 7; i++)
        six[i] = M(2026, 5) + i;
    assert_int_equal(pay(&org, li, six, 7, -1, NULL, now, &why, NULL), ZB_OK);
}

static void test_arrears_across_year_and_reverse(void **state)
{
    (void)state;
    struct actor org = actor_member(organizer, "wechat");
    struct dues_why why;
    tx();
    for (int m = M(2025, 9); m <= M(2026, 2); m++)
        assert_int_equal(dues_bill_member(zhang, m, at(2026, 2, 1), NULL), ZB_OK);
    commit();
    int sep[] = {M(2025, 9)}, oct[] = {M(2025, 10)};
    struct dues_receipt r1, r2;
    assert_int_equal(pay(&org, zhang, sep, 1, -1, NULL, at(2026, 2, 10), &why, &r1), ZB_OK);
    assert_int_equal(pay(&org, zhang, oct, 1, -1, NULL, at(2026, 2, 10), &why, &r2), ZB_OK);
    struct dues_status s = status(zhang, M(2026, 2));
    assert_int_equal(s.arrears_months, 4); /* 2025-11 .. 2026-02 */
    assert_int_equal(s.arrears_fen, 4 * 3000);
    assert_int_equal(s.streak, 4);
    assert_int_equal(s.streak_from, M(2025, 11));
    assert_int_equal(s.paid_through, M(2025, 10));
    assert_int_equal(s.first_billed, M(2025, 9));
    assert_false(s.month_paid);
    /* reversing October makes it unpaid again; the streak now starts in October */
    int64_t rev = 0;
    tx();
    assert_int_equal(dues_reverse(&org, r2.payment_id, "记错人", at(2026, 2, 11), &rev, &why),
                     ZB_OK);
    assert_int_equal(dues_reverse(&org, r2.payment_id, "again", at(2026, 2, 11), &rev, &why),
                     ZB_EDONE);
    assert_int_equal(dues_reverse(&org, rev, "again", at(2026, 2, 11), &rev, &why), ZB_EDONE);
    /* an unknown record number is said to be one, not "no such member" */
    assert_int_equal(dues_reverse(&org, 987654, "记错", at(2026, 2, 11), &rev, &why), ZB_ENOTFOUND);
    assert_int_equal(why.reason, DUES_R_NO_PAYMENT);
    char text[128];
    assert_int_equal(dues_why_text(&why, text, sizeof text), ZB_OK);
    assert_non_null(strstr(text, "缴费记录号"));
    commit();
    s = status(zhang, M(2026, 2));
    assert_int_equal(s.arrears_months, 5);
    assert_int_equal(s.streak, 5);
    assert_int_equal(s.paid_through, M(2025, 9));
    assert_int_equal(unit_db_int("SELECT count(*) FROM dues_payments"), 3); /* nothing deleted */
    /* October can be paid again */
    assert_int_equal(pay(&org, zhang, oct, 1, -1, NULL, at(2026, 2, 12), &why, NULL), ZB_OK);
    /* an exemption: exempted months are never arrears */
    tx();
    assert_int_equal(dues_relief(&org, li, M(2025, 12), M(2026, 1), 0, true, "支委会同意，党委批准",
                                 at(2025, 11, 20), &why),
                     ZB_OK);
    for (int m = M(2025, 12); m <= M(2026, 2); m++)
        assert_int_equal(dues_bill_member(li, m, at(2026, 2, 1), NULL), ZB_OK);
    commit();
    s = status(li, M(2026, 2));
    assert_int_equal(s.arrears_months, 1);
    assert_int_equal(s.streak, 1);
    struct dues_bill b[3];
    size_t n;
    assert_int_equal(dues_bills(li, M(2025, 12), M(2026, 2), b, 3, &n), ZB_OK);
    assert_int_equal(b[0].amount_fen, 0);
    assert_non_null(strstr(b[0].rule, "免交"));
    assert_int_equal(b[2].amount_fen, 2100);
}

static void test_ledger_csv_and_voluntary(void **state)
{
    (void)state;
    struct actor org = actor_member(organizer, "wechat");
    struct actor op = actor_operator();
    struct dues_why why;
    int64_t now = at(2026, 11, 10);
    tx();
    for (int m = M(2026, 9); m <= M(2026, 11); m++) {
        int made, skipped;
        assert_int_equal(dues_bill_month(m, now, &made, &skipped), ZB_OK);
    }
    commit();
    int sep_oct[] = {M(2026, 9), M(2026, 10)}, nov[] = {M(2026, 11)};
    assert_int_equal(pay(&org, zhang, sep_oct, 2, -1, NULL, now, &why, NULL), ZB_OK);
    assert_int_equal(pay(&org, li, nov, 1, 2000, "少交一元, \"困难\"", now, &why, NULL), ZB_OK);
    assert_int_equal(pay(&op, other, nov, 1, -1, NULL, now, &why, NULL), ZB_OK);
    bool centre = false;
    tx();
    assert_int_equal(dues_voluntary(&org, zhang, 100000, NULL, now, &centre, &why), ZB_OK);
    assert_true(centre);
    assert_int_equal(dues_voluntary(&org, zhang, 99999, NULL, now, &centre, &why), ZB_OK);
    assert_false(centre);
    commit();
    /* a member moves branch: their bills keep the old branch */
    unit_db_exec("UPDATE members SET branch_id = (SELECT id FROM branches WHERE name='航道支部') "
                 "WHERE name = '李四'");
    struct dues_ledger l;
    assert_int_equal(dues_ledger_get(&org, branch_a, 2026, &l, &why), ZB_OK);
    assert_int_equal(l.n, 5); /* organizer, secretary, zhang, li, wang - not other */
    long long paid = unit_db_int(
        "SELECT sum(a.amount_fen) FROM dues_alloc a JOIN dues_bills b ON b.member_id=a.member_id "
        "AND b.month=a.month WHERE b.branch_id=%lld",
        (long long)branch_a);
    assert_int_equal(l.paid_total, paid);
    assert_int_equal(l.paid_total, 2 * 3000 + 2000);
    int64_t sum = 0;
    for (size_t i = 0; i < l.n; i++)
        sum += l.rows[i].paid_total;
    assert_int_equal(sum, l.paid_total);
    assert_int_equal(l.voluntary_fen, 199999);
    assert_int_equal(l.centre_fen, 100000);
    bool noted = false;
    for (size_t i = 0; i < l.n; i++)
        noted = noted || (l.rows[i].member_id == li && l.rows[i].noted[10]);
    assert_true(noted);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(dues_ledger_csv(&l, f), ZB_OK);
    fclose(f);
    assert_memory_equal(buf, "\xEF\xBB\xBF", 3);
    assert_non_null(strstr(buf, "姓名,1月应缴,1月实缴"));
    assert_non_null(strstr(buf, "20.00（有备注）"));
    assert_non_null(strstr(buf, "\r\n合计,"));
    free(buf);
    dues_ledger_free(&l);
    /* a name with a comma and a quote is quoted */
    struct dues_ledger q = {.year = 2026, .n = 1};
    struct dues_ledger_row row = {.name = "张\"三\",甲"};
    for (int i = 0; i < 12; i++)
        row.due[i] = -1;
    q.rows = &row;
    f = open_memstream(&buf, &len);
    assert_int_equal(dues_ledger_csv(&q, f), ZB_OK);
    fclose(f);
    assert_non_null(strstr(buf, "\r\n\"张\"\"三\"\",甲\","));
    free(buf);
    /* a plain member may not read it; an organizer not another branch's */
    struct actor plain = actor_member(zhang, "wechat");
    assert_int_equal(dues_ledger_get(&plain, branch_a, 2026, &l, &why), ZB_EDENIED);
    assert_int_equal(dues_ledger_get(&org, branch_b, 2026, &l, &why), ZB_EDENIED);
}

static void test_reminders_once(void **state)
{
    (void)state;
    struct actor org = actor_member(organizer, "wechat");
    struct dues_why why;
    int reminded = 0, escalated = 0, made, skipped;
    /* zhang unpaid since June; others pay November */
    tx();
    for (int m = M(2026, 6); m <= M(2026, 11); m++)
        assert_int_equal(dues_bill_member(zhang, m, at(2026, 11, 1), NULL), ZB_OK);
    assert_int_equal(dues_bill_month(M(2026, 11), at(2026, 11, 1), &made, &skipped), ZB_OK);
    commit();
    int nov[] = {M(2026, 11)};
    int64_t payers[] = {organizer, secretary, li, wang, other};
    struct actor op = actor_operator();
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(pay(&op, payers[i], nov, 1, -1, NULL, at(2026, 11, 2), &why, NULL), ZB_OK);
    (void)org;
    /* not the reminder day: no reminder, but the committee hears about 6 months */
    tx();
    assert_int_equal(dues_remind(at(2026, 11, 24), &reminded, &escalated), ZB_OK);
    commit();
    assert_int_equal(reminded, 0);
    assert_int_equal(escalated, 2); /* the organizer at 3 months, the secretary at 5 */
    tx();
    assert_int_equal(dues_remind(at(2026, 11, 25), &reminded, &escalated), ZB_OK);
    commit();
    assert_int_equal(reminded, 1);
    assert_int_equal(escalated, 0); /* told once per streak */
    tx();
    assert_int_equal(dues_remind(at(2026, 11, 25), &reminded, &escalated), ZB_OK);
    commit();
    assert_int_equal(reminded, 0);
    assert_int_equal(unit_db_int("SELECT count(*) FROM notify_items WHERE kind='dues.reminder' "
                                 "AND member_id=%lld",
                                 (long long)zhang),
                     1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM notify_items WHERE kind='dues.arrears' "
                                 "AND member_id=%lld",
                                 (long long)secretary),
                     1);
}

static void test_probation_start(void **state)
{
    (void)state;
    struct dues_rules r = *dues_rules();
    struct actor op = actor_operator();
    struct dues_why why;
    tx();
    struct member m;
    member_init(&m);
    snprintf(m.name, sizeof m.name, "预备甲");
    m.branch_id = branch_a;
    m.status = STATUS_PROBATIONARY;
    m.income_fen = 400000;
    snprintf(m.probation_start, sizeof m.probation_start, "2026-06-20");
    assert_int_equal(member_insert(&m, 1), ZB_OK);
    /* admission (default): from June */
    assert_int_equal(dues_bill_member(m.id, M(2026, 5), at(2026, 8, 1), NULL), ZB_ENOTFOUND);
    assert_int_equal(dues_bill_member(m.id, M(2026, 6), at(2026, 8, 1), NULL), ZB_OK);
    /* approval: nothing until the approval is recorded, then from its month */
    r.probation = DUES_FROM_APPROVAL;
    dues_configure(&r);
    assert_int_equal(dues_bill_member(m.id, M(2026, 7), at(2026, 8, 1), NULL), ZB_ENOTFOUND);
    assert_int_equal(dues_approval_set(&op, m.id, "2026-08-03", at(2026, 8, 5), &why), ZB_OK);
    assert_int_equal(dues_bill_member(m.id, M(2026, 7), at(2026, 8, 5), NULL), ZB_ENOTFOUND);
    assert_int_equal(dues_bill_member(m.id, M(2026, 8), at(2026, 8, 5), NULL), ZB_OK);
    commit();
}

static void test_import(void **state)
{
    (void)state;
    struct actor org = actor_member(organizer, "wechat");
    struct dues_import r;
    int64_t now = at(2026, 11, 10);
    /* UTF-8 with a BOM; a range, an amount with a note, a member by id */
    static const char ok[] = "\xEF\xBB\xBF姓名,编号,月份,金额,备注\r\n"
                             "张三,,2026-01至2026-03,90.00,\r\n"
                             "李四,,2026-01,20,\"少交一元,困难\"\r\n"
                             ",%lld,2026-02,,\r\n";
    char csv[512];
    snprintf(csv, sizeof csv, ok, (long long)secretary);
    tx();
    assert_int_equal(dues_import(&org, csv, strlen(csv), now, &r), ZB_OK);
    commit();
    assert_int_equal(r.rows, 3);
    assert_int_equal(r.amount_fen, 9000 + 2000 + 12975);                   /* 8650.00 x 1.5% */
    assert_int_equal(unit_db_int("SELECT count(*) FROM notify_items"), 0); /* no receipts */
    assert_int_equal(status(zhang, M(2026, 3)).paid_through, M(2026, 3));
    /* again: skipped, nothing new */
    tx();
    assert_int_equal(dues_import(&org, csv, strlen(csv), now, &r), ZB_OK);
    commit();
    assert_int_equal(r.rows, 0);
    assert_int_equal(r.skipped, 3);
    /* GBK: 姓名,月份 / 王五,2026-06 */
    static const char gbk[] = "\xd0\xd5\xc3\xfb,\xd4\xc2\xb7\xdd\r\n\xcd\xf5\xce\xe5,2026-06\r\n";
    tx();
    assert_int_equal(dues_import(&org, gbk, strlen(gbk), now, &r), ZB_OK);
    commit();
    assert_int_equal(r.rows, 1);
    /* all or nothing: a bad line names itself and the caller rolls back */
    static const char bad[] = "姓名,月份\n王五,2026-07\n王五,七月\n";
    tx();
    assert_int_not_equal(dues_import(&org, bad, strlen(bad), now, &r), ZB_OK);
    store_rollback();
    assert_int_equal(r.error, DUES_IMPORT_MONTHS);
    assert_int_equal(r.line, 3);
    static const char nohead[] = "名字,时间\n王五,2026-07\n";
    tx();
    assert_int_not_equal(dues_import(&org, nohead, strlen(nohead), now, &r), ZB_OK);
    store_rollback();
    assert_int_equal(r.error, DUES_IMPORT_HEADER);
    static const char outside[] = "姓名,月份\n钱六,2026-07\n";
    tx();
    assert_int_not_equal(dues_import(&org, outside, strlen(outside), now, &r), ZB_OK);
    store_rollback();
    assert_int_equal(r.error, DUES_IMPORT_MEMBER);
}

int main(void)
{
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bills_idempotent_and_history, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pay_forms_and_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backpay_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arrears_across_year_and_reverse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_csv_and_voluntary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reminders_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_probation_start, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
