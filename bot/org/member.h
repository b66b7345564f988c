/*
 * member.h - the member registry: one record per Party member, and the rules for its fields.
 *
 * Fields are parsed and validated here once, for every surface (CSV import, `zhibu member set`,
 * later the console): money in integer fen from yuan text ("3000.01" is 300001 fen, exactly, no
 * floating point), phones as digits (mainland mobile or landline), dates as YYYY-MM-DD. Phones
 * are shown masked (138****5678) unless a caller asks otherwise on purpose.
 *
 * Each member has a one-time binding code: 6 digits, unique, replaced after it is used.
 * Call the storage functions inside store_begin/commit when writing.
 */
#ifndef ZHIBU_MEMBER_H
#define ZHIBU_MEMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"

#define MEMBER_NAME_MAX  64           /* bytes of a name */
#define MEMBER_TEXT_MAX  96           /* bytes of post, education, exemption reason */
#define MEMBER_PHONE_MAX 15           /* digits of a phone */
#define MEMBER_FEN_MAX   1000000000LL /* 10,000,000.00 yuan: larger incomes are typos */
#define MEMBER_CODE_LEN  6            /* digits of a binding code */
#define MEMBER_ERR_MAX   320          /* bytes of a field error */
#define MEMBER_SHOW_MAX  (800 + 1)    /* bytes of one shown value (a branch path) */

enum member_status { STATUS_FULL = 0, STATUS_PROBATIONARY };

/* Dues categories (see ../shared/domain.md 2.1); each has its own rate rule. */
enum member_category {
    CAT_EMPLOYED = 0,  /* 在职: rate table on after-tax monthly pay */
    CAT_ANNUAL_SALARY, /* 年薪制: the pay received that month */
    CAT_SELF_EMPLOYED, /* 灵活就业: last quarter's average monthly net income */
    CAT_RETIRED,       /* 离退休: pension, 0.5% up to 5,000 and 1% above */
    CAT_FARMER,        /* 农民: 0.2-1 yuan a month */
    CAT_STUDENT,       /* 学生: 0.2 yuan */
    CAT_LOW_INCOME,    /* 低保/失业: laid-off, unemployed, on relief or 低保: 0.2 yuan */
    CAT_COUNT
};

struct member {
    int64_t id;                              /* row id, 0 before insert */
    char name[MEMBER_NAME_MAX + 1];          /* required */
    char phone[MEMBER_PHONE_MAX + 1];        /* digits, "" when unknown */
    int64_t branch_id;                       /* the member's organisation, 0 when none */
    int64_t group_id;                        /* the 党小组 inside it, 0 when none */
    enum member_status status;               /* 正式党员 / 预备党员 */
    enum member_category category;           /* for dues */
    int64_t income_fen;                      /* monthly income in fen, -1 when unknown */
    char post[MEMBER_TEXT_MAX + 1];          /* 岗位 */
    char education[MEMBER_TEXT_MAX + 1];     /* 学历 */
    char joined_on[11];                      /* 入党日期 YYYY-MM-DD, "" unknown */
    char probation_start[11];                /* 预备期开始 YYYY-MM-DD, "" unknown */
    int birth_year;                          /* 0 when unknown */
    unsigned roles;                          /* enum role bits */
    bool stats_exempt;                       /* left out of activity statistics */
    char exempt_reason[MEMBER_TEXT_MAX + 1]; /* why (年老体弱, 患病, 流动), may be "" */
    int64_t left_at;                         /* removed from the registry at, 0 while a member */
    char left_reason[MEMBER_TEXT_MAX + 1];   /* why removed (转出, 去世...), may be "" */
};

/* The fields a person can name, in import columns and `zhibu member set`. */
enum member_field {
    MF_NAME = 0,
    MF_PHONE,
    MF_BRANCH,
    MF_GROUP,
    MF_STATUS,
    MF_CATEGORY,
    MF_INCOME,
    MF_POST,
    MF_EDUCATION,
    MF_ROLES,
    MF_JOINED_ON,
    MF_PROBATION_START,
    MF_BIRTH_YEAR,
    MF_STATS_EXEMPT,
    MF_COUNT
};

/* member_init - an empty record: full member, employed, income unknown. */
void member_init(struct member *m);

/*
 * member_field_lookup - the field a column header or field name means: Chinese (姓名, 手机号,
 * 支部, 党小组, 党员类别, 人员类别, 月收入, 岗位, 学历, 职务, 入党日期, 预备期开始, 出生年份,
 * 免于统计, and common variants) or English (name, phone, branch, group, status, category,
 * monthly_income, post, education, role, joined_on, probation_start, birth_year, stats_exempt).
 * Case, surrounding spaces, a trailing "*" and a trailing note in brackets ("月收入（元）") are
 * ignored. -1 when unknown.
 */
int member_field_lookup(const char *name);
/* member_field_label - the field's Chinese name (手机号). */
const char *member_field_label(enum member_field f);
/* member_field_id - the field's English name (phone). */
const char *member_field_id(enum member_field f);

/*
 * member_field_set - parse value (trimmed here) into field f of m. "" clears an optional field.
 * MF_BRANCH and MF_GROUP need the tree and are set by the caller (ZB_EINVAL here). ZB_EINVAL
 * with a Chinese sentence in err (size errsz) when the value is not valid for the field.
 */
int member_field_set(struct member *m, enum member_field f, const char *value, char *err,
                     size_t errsz) ZB_MUST_USE;

/*
 * member_field_show - field f of m as a person reads it, into out (size outsz, at least
 * MEMBER_SHOW_MAX for branches): phones masked unless unmask; "" when unknown. Reads the tree for
 * MF_BRANCH and MF_GROUP.
 */
int member_field_show(const struct member *m, enum member_field f, bool unmask, char *out,
                      size_t outsz) ZB_MUST_USE;

/* member_check - rules across fields (a probationary member holds no elected post; the group
 * belongs to the branch is checked by the caller). ZB_EINVAL with err set. */
int member_check(const struct member *m, char *err, size_t errsz) ZB_MUST_USE;

/* ---- field parsers, exported for tests ---- */

/* member_parse_fen - yuan text ("3000", "3000.01", "3,000.5", "¥3000元") to fen. ZB_EINVAL for
 * anything else: negative, more than 2 decimals, above MEMBER_FEN_MAX. */
int member_parse_fen(const char *s, int64_t *fen) ZB_MUST_USE;
/* member_format_fen - fen as yuan text "3000.01" into out (size >= 24). */
void member_format_fen(int64_t fen, char *out, size_t outsz);
/* member_parse_phone - a mainland mobile (+86 and separators allowed) or landline with area code
 * to its digits in out (size > MEMBER_PHONE_MAX). ZB_EINVAL otherwise. */
int member_parse_phone(const char *s, char *out, size_t outsz) ZB_MUST_USE;
/* member_mask_phone - 138****5678: the first 3 and last 4 digits kept; "" stays "". */
void member_mask_phone(const char *phone, char *out, size_t outsz);
/* member_parse_date - 2015-07-01, 2015/7/1, 2015.7.1 or 2015年7月1日 to "2015-07-01" (out size
 * >= 11); a real calendar day between 1900 and 2100. ZB_EINVAL otherwise. */
int member_parse_date(const char *s, char *out, size_t outsz) ZB_MUST_USE;
/* member_status_name / member_category_name - 正式党员, 在职, ... */
const char *member_status_name(enum member_status s);
const char *member_category_name(enum member_category c);

/* ---- storage ---- */

/* member_get - member id into *out; ZB_ENOTFOUND, ZB_EDB. */
int member_get(int64_t id, struct member *out) ZB_MUST_USE;
/* member_insert - add m (m->id is set) with a fresh binding code. */
int member_insert(struct member *m, int64_t now) ZB_MUST_USE;
/* member_update - write every field of m (by m->id). ZB_EBUSY when the phone belongs to another
 * member. */
int member_update(const struct member *m, int64_t now) ZB_MUST_USE;
/* member_find_phone - the member with phone into *id; ZB_ENOTFOUND. */
int member_find_phone(const char *phone, int64_t *id) ZB_MUST_USE;
/* member_find_name - members (not removed) named name in branch_id (0: none; -1: anywhere) into ids
 * (max), count in *n. */
int member_find_name(const char *name, int64_t branch_id, int64_t *ids, size_t max,
                     size_t *n) ZB_MUST_USE;
/* member_find_removed_name - the most recently removed member named name in branch_id (0: none)
 * into *id; ZB_ENOTFOUND. */
int member_find_removed_name(const char *name, int64_t branch_id, int64_t *id) ZB_MUST_USE;

/*
 * member_each - call fn for every member (removed ones left out) whose organisation lies in the
 * subtree of root (0: all members), ordered by id; a non-zero return from fn stops and is returned.
 */
int member_each(int64_t root, int (*fn)(const struct member *m, void *arg), void *arg) ZB_MUST_USE;
/* member_page - member_each for the members with id > after_id, at most limit of them (-1: no
 * limit): one page of a long list. */
int member_page(int64_t root, int64_t after_id, long limit,
                int (*fn)(const struct member *m, void *arg), void *arg) ZB_MUST_USE;

/* member_code - the member's binding code into code (size > MEMBER_CODE_LEN), made when it has
 * none. */
int member_code(int64_t id, char *code, size_t codesz) ZB_MUST_USE;
/* member_code_renew - replace the member's code with a fresh one (after use). */
int member_code_renew(int64_t id) ZB_MUST_USE;
/* member_remove - mark member id as removed at now with reason (may be NULL): the record stays
 * for the history, its binding code is dropped, and member_each, member_find_name and
 * member_by_code leave it out. ZB_ENOTFOUND when no such member or already removed. Call
 * inside a transaction. */
int member_remove(int64_t id, const char *reason, int64_t now) ZB_MUST_USE;
/* member_restore - put removed member id back on the registry at now (left_at and its reason
 * cleared; no binding code until member_code_renew). ZB_ENOTFOUND when no such removed member.
 * Call inside a transaction. */
int member_restore(int64_t id, int64_t now) ZB_MUST_USE;
/* member_by_code - the member whose code is code into *id; ZB_ENOTFOUND. */
int member_by_code(const char *code, int64_t *id) ZB_MUST_USE;

#endif
