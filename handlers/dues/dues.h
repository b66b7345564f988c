/*
 * dues.h - Party dues (党费): the rules of the 2008 regulation (../shared/domain.md 2.1), monthly
 * bills, payments recorded by the organizer, corrections, hardship reliefs, voluntary payments,
 * arrears and the ledger (台账).
 *
 * Money is integer fen. A month is an integer, year * 12 + (month - 1), shown as "2026-11".
 * The rules (bands, rates, flat amounts, rounding) are one table set from the config's `dues`
 * section at start-up (dues_configure); the 2008 table is the default.
 *
 * Bills are written once per member and month (dues_bill_month, the scheduler's job) from the
 * member's income history and category at that month, their branch at that time and any relief;
 * a past bill never changes. A month is paid when a payment that was not reversed covers it;
 * nothing is deleted: a mistaken payment is reversed by a correcting entry (dues_reverse).
 *
 * Writing functions run inside the caller's transaction (they assert store_in_tx) and write an
 * audit row; they check the actor's role for the member's organisation themselves. They return
 * codes from bot/base/err.h and a reason (enum dues_reason) that the faces turn into Chinese.
 */
#ifndef ZHIBU_DUES_H
#define ZHIBU_DUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bot/base/err.h"
#include "bot/org/actor.h"
#include "bot/org/member.h"
#include "bot/org/role.h"

#define DUES_BANDS_MAX     8              /* bands of one rate table */
#define DUES_RULE_MAX      160            /* bytes of a bill's working text */
#define DUES_NOTE_MAX      200            /* bytes of a payment's note or approval text */
#define DUES_PAY_MONTHS    24             /* months one payment may cover */
#define DUES_LEDGER_MAX    5000           /* members in one ledger */
#define DUES_INCOME_MAX    MEMBER_FEN_MAX /* larger incomes are typos */
#define DUES_VOLUNTARY_MAX 100000000LL    /* 1,000,000.00 yuan in one voluntary payment */
#define DUES_CENTRE_FEN    100000         /* a voluntary payment of 1,000 yuan goes to the Centre */
#define DUES_MONTH_MIN     (1949 * 12)    /* months before 1949 are typos */
#define DUES_MONTH_MAXV    (2100 * 12)    /* and after 2100 */

/* Role actions of this capability. */
extern const struct role_action dues_record; /* record payments, reliefs, corrections */
extern const struct role_action dues_view;   /* see a branch's ledger and disclosure */

enum dues_rounding { DUES_HALF_UP = 0, DUES_DOWN, DUES_UP };
enum dues_probation { DUES_FROM_ADMISSION = 0, DUES_FROM_APPROVAL };

/* One band: incomes up to upto_fen inclusive (-1: no upper bound) pay rate_bp / 10000. */
struct dues_band {
    int64_t upto_fen; /* inclusive upper bound, -1 for the last band */
    int rate_bp;      /* rate in basis points: 0.5% is 50 */
};

struct dues_rules {
    struct dues_band employed[DUES_BANDS_MAX]; /* 在职, 年薪制, 灵活就业 */
    size_t n_employed;                         /* bands used */
    struct dues_band retired[DUES_BANDS_MAX];  /* 离退休 */
    size_t n_retired;                          /* bands used */
    int64_t flat_fen;                          /* 学生, 低保, 失业: 0.20 a month */
    int64_t farmer_fen;                        /* 农民: within 0.20-1.00 */
    enum dues_rounding rounding;               /* to the fen */
    enum dues_probation probation;             /* when probationary members start paying */
    int reminder_day;                          /* day of the month of the reminder, 1..28 */
    int backpay_max;                           /* months a back payment may cover unconfirmed */
};

/*
 * dues_rules_parse - the rules from the config's text: employed and retired tables as
 * "3000:0.5,5000:1,10000:1.5,*:2" (upper bound in yuan : rate in percent, ascending, the last
 * "*"), flat and farmer amounts in yuan, rounding "half_up" | "down" | "up", probation
 * "admission" | "approval". NULL for any text takes the 2008 default. ZB_ECONFIG with err
 * naming the key ("dues.employed_rates: ...") when a value is invalid.
 */
int dues_rules_parse(const char *employed, const char *retired, const char *flat,
                     const char *farmer, const char *rounding, const char *probation,
                     int reminder_day, int backpay_max, struct dues_rules *out, char *err,
                     size_t errsz) ZB_MUST_USE;
/* dues_configure - use r from now on (copied); the default until called is the 2008 table. */
void dues_configure(const struct dues_rules *r);
/* dues_rules - the rules in use (static storage). */
const struct dues_rules *dues_rules(void);

/* ---- pure rules ---- */

/* What dues_calc computed. */
struct dues_calc {
    int64_t amount_fen;       /* monthly dues */
    int rate_bp;              /* the rate applied, 0 for flat amounts */
    char rule[DUES_RULE_MAX]; /* the working: "3000.01 元 × 1% = 30.00 元" */
};

/*
 * dues_calc_amount - the monthly dues of a member of category cat with income_fen (ignored for
 * flat categories) under rules r. ZB_EINVAL for a negative or too large income or a bad
 * category.
 */
int dues_calc_amount(const struct dues_rules *r, enum member_category cat, int64_t income_fen,
                     struct dues_calc *out) ZB_MUST_USE;
/* dues_category_parse - employed .. self-employed, unemployed, or 在职 .. 灵活就业 (also 失业,
 * 低保) to *cat. ZB_EINVAL when unknown. */
int dues_category_parse(const char *s, enum member_category *cat) ZB_MUST_USE;
/* dues_category_flat - true for the categories that pay a fixed amount (no income needed). */
bool dues_category_flat(enum member_category cat);
/* dues_month_parse - "2026-11", "2026/11", "2026年11月" to a month. ZB_EINVAL otherwise. */
int dues_month_parse(const char *s, int *month) ZB_MUST_USE;
/* dues_month_text - "2026-11" into out (size >= 8). */
void dues_month_text(int month, char *out, size_t outsz);
/* dues_month_of - the local month of Unix time t (the process's TZ, set from the config). */
int dues_month_of(int64_t t);
/* dues_yuan - fen as "30.00" into out (size >= 24). */
void dues_yuan(int64_t fen, char *out, size_t outsz);

/* ---- payment commands (chat), parsed without the database ---- */

struct dues_pay_cmd {
    char name[MEMBER_NAME_MAX + 1];  /* whose dues */
    int months[DUES_PAY_MONTHS];     /* months covered, ascending, distinct */
    size_t n_months;                 /* how many */
    int64_t amount_fen;              /* total paid, -1: the bills' total */
    char proxy[MEMBER_NAME_MAX + 1]; /* 代缴: who paid, "" for the member */
    char note[DUES_NOTE_MAX + 1];    /* 备注: why it differs, "" none */
    bool confirm;                    /* 确认: a back payment past the limit */
};

enum dues_parse_err {
    DUES_PARSE_OK = 0,
    DUES_PARSE_NAME,   /* no name */
    DUES_PARSE_MONTHS, /* months missing or malformed, a range backwards or too long */
    DUES_PARSE_AMOUNT, /* the amount is not yuan with at most 2 decimals */
    DUES_PARSE_PROXY,  /* 代缴 without 由 NAME */
    DUES_PARSE_EXTRA,  /* words that mean nothing here */
};

/*
 * dues_pay_parse - the words after 缴费 (proxy false) or 代缴 (proxy true):
 *   NAME MONTHS [AMOUNT] [由 NAME] [备注 TEXT...] [确认]
 * MONTHS is 2026-11, 2026-09至2026-11 (also 到, ~) or 2026-09,2026-11 (also 、 ，).
 * 由 NAME is required for 代缴 and refused for 缴费. Bounded: text over 1 KiB is refused.
 * DUES_PARSE_OK or the first thing wrong.
 */
enum dues_parse_err dues_pay_parse(const char *text, bool proxy, struct dues_pay_cmd *out);

/* ---- storage ---- */

/* Why a domain call was refused, for the faces. */
enum dues_reason {
    DUES_R_NONE = 0,
    DUES_R_DENIED,     /* role_can refused: refusal says why */
    DUES_R_NO_MEMBER,  /* no such member */
    DUES_R_AMBIGUOUS,  /* the name matches several members: ids[] */
    DUES_R_FUTURE,     /* a month after this one */
    DUES_R_PAID,       /* a month is paid already: month */
    DUES_R_NO_BILL,    /* no bill can be made for a month (no income, before joining): month */
    DUES_R_BACKPAY,    /* more than backpay_max past months without confirm */
    DUES_R_NEED_NOTE,  /* the amount differs from the bills and there is no note */
    DUES_R_BAD_VALUE,  /* an amount, month or text out of range */
    DUES_R_REVERSED,   /* the payment was reversed already, or is itself a correction */
    DUES_R_NO_PAYMENT, /* no payment with that record number */
};

#define DUES_AMBIG_MAX 4 /* namesakes shown */

struct dues_why {
    enum dues_reason reason;     /* see above */
    const char *refusal;         /* DUES_R_DENIED: role_can's sentence (static) */
    int month;                   /* DUES_R_PAID, DUES_R_NO_BILL: the month */
    int64_t ids[DUES_AMBIG_MAX]; /* DUES_R_AMBIGUOUS: the namesakes */
    size_t n_ids;                /* how many */
    int64_t expected_fen;        /* DUES_R_NEED_NOTE: the bills' total */
};

/*
 * dues_member_find - the member called name (or numbered name, when it is all digits: the way to
 * pick one of several namesakes) inside the actor's scope for dues_record. ZB_ENOTFOUND
 * (DUES_R_NO_MEMBER) when none, ZB_EINVAL (DUES_R_AMBIGUOUS, with ids) when several.
 */
int dues_member_find(const struct actor *a, const char *name, int64_t *id,
                     struct dues_why *why) ZB_MUST_USE;

/*
 * dues_income_set - the member's dues category and income from month on (the history keeps the
 * earlier ones; bills already made do not change). dues_record on the member's branch; audited.
 * Inside a transaction.
 */
int dues_income_set(const struct actor *a, int64_t member_id, enum member_category cat,
                    int64_t income_fen, int from_month, int64_t now,
                    struct dues_why *why) ZB_MUST_USE;

/* dues_approval_set - the date the higher committee approved a probationary member (the other
 * start date of the CONFLICT in domain.md; the admission date is members.probation_start).
 * dues_record; audited. Inside a transaction. */
int dues_approval_set(const struct actor *a, int64_t member_id, const char *date, int64_t now,
                      struct dues_why *why) ZB_MUST_USE;

/*
 * dues_bill_member - the member's bill for month, written when missing (idempotent). *made
 * (may be NULL) is set when a bill was written now. ZB_ENOTFOUND when the member has no bill
 * that month (before they start paying, or no income known). Inside a transaction.
 */
int dues_bill_member(int64_t member_id, int month, int64_t now, bool *made) ZB_MUST_USE;

/* dues_bill_month - dues_bill_member for every member; counts in *made and *skipped (members
 * that cannot be billed). Inside a transaction. */
int dues_bill_month(int month, int64_t now, int *made, int *skipped) ZB_MUST_USE;

/* A bill, as read back. */
struct dues_bill {
    int month;                     /* the month */
    int64_t branch_id;             /* the member's organisation then */
    enum member_category category; /* their category then */
    int64_t income_fen;            /* the income used, -1 for flat categories */
    int64_t amount_fen;            /* due */
    int64_t paid_fen;              /* paid so far (corrections included) */
    bool paid;                     /* covered by a payment that stands */
    char rule[DUES_RULE_MAX];      /* the working, with the relief when one applied */
};

/* dues_bills - the member's bills from from_month to to_month (inclusive), oldest first, at most
 * max into out; count in *n. */
int dues_bills(int64_t member_id, int from_month, int to_month, struct dues_bill *out, size_t max,
               size_t *n) ZB_MUST_USE;

/*
 * The member's dues status up to month M, for the member, reminders, and the transfer of
 * organisation relations (issue 16) - which calls dues_status and refuses or notes a transfer
 * with arrears. Months without a bill (before the member started paying) do not count; months
 * exempted by a relief are bills of 0.00 and never arrears.
 */
struct dues_status {
    int upto;            /* M */
    int first_billed;    /* the first month with a bill, -1 when none */
    int paid_through;    /* the last month up to which every bill is paid, -1 when none */
    int arrears_months;  /* unpaid bills up to M */
    int64_t arrears_fen; /* their total */
    int streak;          /* consecutive unpaid months ending at M (or at M-1 when M is not
                            yet billed), for the arrears consequences */
    int streak_from;     /* the first month of that streak, -1 when none */
    int64_t due_fen;     /* M's bill, -1 when M has no bill */
    bool month_paid;     /* M's bill is paid */
};

/* dues_status - member_id's status up to month (see above). ZB_ENOTFOUND for no member. */
int dues_status(int64_t member_id, int month, struct dues_status *out) ZB_MUST_USE;

/* A payment to record. */
struct dues_payment {
    int64_t member_id;           /* whose dues */
    int months[DUES_PAY_MONTHS]; /* months covered (any order; sorted here) */
    size_t n_months;             /* how many, >= 1 */
    int64_t amount_fen;          /* the total, -1: the bills' total */
    int64_t proxy_id;            /* paid on their behalf by this member, 0 none */
    const char *note;            /* why it differs from the bills; "" or NULL none */
    bool confirm;                /* the organizer confirms a back payment past the limit */
    bool quiet;                  /* no receipt (demo data and imported history) */
};

/* What dues_pay recorded. */
struct dues_receipt {
    int64_t payment_id;   /* the payment's row */
    int64_t amount_fen;   /* paid */
    int64_t expected_fen; /* the bills' total */
    bool noted;           /* differs from the bills (a note was given) */
};

/*
 * dues_pay - record p: bills are made for covered months that lack one; refused when a month
 * is after this month (DUES_R_FUTURE), already paid (DUES_R_PAID), cannot be billed
 * (DUES_R_NO_BILL), covers more than backpay_max earlier months without confirm
 * (DUES_R_BACKPAY), or the amount differs from the bills without a note (DUES_R_NEED_NOTE).
 * dues_record on the member's organisation. Audited; the member gets a receipt through
 * notify_send (routine). Inside a transaction.
 */
int dues_pay(const struct actor *a, const struct dues_payment *p, int64_t now,
             struct dues_receipt *out, struct dues_why *why) ZB_MUST_USE;

/*
 * dues_reverse - a correcting entry for payment_id: its months are unpaid again, the ledger
 * shows both. reason required. DUES_R_REVERSED when already reversed or itself a correction;
 * ZB_ENOTFOUND (DUES_R_NO_PAYMENT) when there is no such payment.
 * dues_record; audited. Inside a transaction. *rev_id gets the correction's row.
 */
int dues_reverse(const struct actor *a, int64_t payment_id, const char *reason, int64_t now,
                 int64_t *rev_id, struct dues_why *why) ZB_MUST_USE;

/*
 * dues_relief - from from_month to to_month (-1: open), the member pays amount_fen a month
 * (exempt: nothing), approved as `approved` says (who: the committee and the next-higher
 * committee). Applies to bills made from now on. dues_record; audited. Inside a transaction.
 */
int dues_relief(const struct actor *a, int64_t member_id, int from_month, int to_month,
                int64_t amount_fen, bool exempt, const char *approved, int64_t now,
                struct dues_why *why) ZB_MUST_USE;

/*
 * dues_voluntary - a voluntary extra payment, recorded apart from dues; *to_centre is set when
 * it is 1,000 yuan or more (it goes entirely to the Centre). dues_record; audited. Inside a
 * transaction.
 */
int dues_voluntary(const struct actor *a, int64_t member_id, int64_t amount_fen, const char *note,
                   int64_t now, bool *to_centre, struct dues_why *why) ZB_MUST_USE;

/* One member's line of the ledger. */
struct dues_ledger_row {
    int64_t member_id;              /* the member */
    char name[MEMBER_NAME_MAX + 1]; /* their name */
    int64_t due[12];                /* due per month, -1 when not billed */
    int64_t paid[12];               /* paid per month (corrections included) */
    bool noted[12];                 /* a payment with a note (differs from the bill) */
    int64_t due_total, paid_total;  /* over the year */
};

/* The ledger of a subtree for a year. */
struct dues_ledger {
    int year;                      /* the year */
    struct dues_ledger_row *rows;  /* by member id; owned, free with dues_ledger_free */
    size_t n;                      /* rows */
    int64_t due[12], paid[12];     /* column totals */
    int64_t due_total, paid_total; /* grand totals */
    int64_t voluntary_fen;         /* voluntary payments in the year */
    int64_t centre_fen;            /* of which to the Centre */
    int reversals;                 /* correcting entries in the year */
};

/*
 * dues_ledger_get - the member x month ledger of the bills whose branch (at billing time) lies
 * in the subtree of root (0: all) for year. dues_view on root. ZB_ETOOBIG past DUES_LEDGER_MAX
 * members. Free with dues_ledger_free.
 */
int dues_ledger_get(const struct actor *a, int64_t root, int year, struct dues_ledger *out,
                    struct dues_why *why) ZB_MUST_USE;
void dues_ledger_free(struct dues_ledger *l);

/* dues_ledger_csv - the ledger as CSV (UTF-8 with a BOM, RFC 4180 quoting) to f. */
int dues_ledger_csv(const struct dues_ledger *l, FILE *f) ZB_MUST_USE;

/*
 * dues_remind - the reminder job's work for the local day of now: on the configured day each
 * member with this month unpaid gets one routine reminder; a member whose unpaid streak reached
 * 3 months has the organizers of their branch told, at 5 months the secretaries too (once per
 * streak and threshold). Counts in *reminded and *escalated. Inside a transaction.
 */
int dues_remind(int64_t now, int *reminded, int *escalated) ZB_MUST_USE;

/* What dues_import did, or where it stopped. */
enum dues_import_error {
    DUES_IMPORT_OK = 0,
    DUES_IMPORT_FILE,    /* not a CSV in UTF-8 or GBK, or too big */
    DUES_IMPORT_HEADER,  /* no 姓名 or 编号 column, or no 月份 column */
    DUES_IMPORT_MEMBER,  /* line: the member is unknown, ambiguous (why) or outside the scope */
    DUES_IMPORT_MONTHS,  /* line: the months do not parse */
    DUES_IMPORT_AMOUNT,  /* line: the amount does not parse */
    DUES_IMPORT_PAYMENT, /* line: dues_pay refused it (why) */
};

struct dues_import {
    enum dues_import_error error; /* what stopped it */
    size_t line;                  /* the CSV line at fault, 0 when none */
    struct dues_why why;          /* the domain's reason, for MEMBER and PAYMENT */
    int rows, skipped;            /* payments recorded; rows whose months were paid already */
    int64_t amount_fen;           /* their total */
};

/*
 * dues_import - a payment history from a spreadsheet's CSV (UTF-8, UTF-8 with BOM or GBK; at
 * most CSV_MAX_FILE bytes): a header with 姓名 or 编号, 月份 (one month or a range), and
 * optionally 金额 and 备注; one payment per row through dues_pay (no receipts, no back-payment
 * limit, a note "导入的历史记录" when none). A row whose months are paid already is skipped, so
 * importing twice records once. Inside a transaction: on any error the caller rolls back.
 */
int dues_import(const struct actor *a, const char *data, size_t len, int64_t now,
                struct dues_import *out) ZB_MUST_USE;

#endif
