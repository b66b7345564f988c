/*
 * member.c - the members table and the rules for member fields (see member.h).
 *
 * Field parsing is pure C over UTF-8 text and is unit-tested on its own; storage uses one
 * prepared statement per operation. Binding codes are drawn from the kernel's random source and
 * retried on the rare collision (the column is UNIQUE).
 */
#include "bot/org/member.h"

#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/clock.h"
#include "bot/org/branch.h"
#include "bot/base/charset.h"
#include "bot/base/rand.h"
#include "bot/org/role.h"
#include "bot/store/store.h"

#define COLS                                                                                       \
    "id, name, coalesce(phone, ''), coalesce(branch_id, 0), coalesce(group_id, 0), status, "       \
    "category, coalesce(monthly_income_fen, -1), coalesce(post, ''), coalesce(education, ''), "    \
    "coalesce(joined_on, ''), coalesce(probation_start, ''), coalesce(birth_year, 0), roles, "     \
    "stats_exempt, coalesce(exempt_reason, ''), coalesce(left_at, 0), coalesce(left_reason, '')"

static const char sql_get[] = "SELECT " COLS " FROM members WHERE id=?1";
static const char sql_insert[] =
    "INSERT INTO members(name, phone, branch_id, group_id, status, category, "
    "monthly_income_fen, post, education, joined_on, probation_start, birth_year, roles, "
    "stats_exempt, exempt_reason, created_at, updated_at) VALUES(?1, nullif(?2, ''), "
    "nullif(?3, 0), nullif(?4, 0), ?5, ?6, nullif(?7, -1), nullif(?8, ''), nullif(?9, ''), "
    "nullif(?10, ''), nullif(?11, ''), nullif(?12, 0), ?13, ?14, nullif(?15, ''), ?16, ?16)";
static const char sql_update[] =
    "UPDATE members SET name=?1, phone=nullif(?2, ''), branch_id=nullif(?3, 0), "
    "group_id=nullif(?4, 0), status=?5, category=?6, monthly_income_fen=nullif(?7, -1), "
    "post=nullif(?8, ''), education=nullif(?9, ''), joined_on=nullif(?10, ''), "
    "probation_start=nullif(?11, ''), birth_year=nullif(?12, 0), roles=?13, stats_exempt=?14, "
    "exempt_reason=nullif(?15, ''), updated_at=?16 WHERE id=?17";
static const char sql_by_phone[] = "SELECT id FROM members WHERE phone=?1";
static const char sql_by_name[] = "SELECT id FROM members WHERE name=?1 AND left_at IS NULL AND "
                                  "(?2 < 0 OR coalesce(branch_id, 0)=?2) ORDER BY id LIMIT ?3";
static const char sql_removed_by_name[] =
    "SELECT id FROM members WHERE name=?1 AND left_at IS NOT NULL AND coalesce(branch_id, 0)=?2 "
    "ORDER BY left_at DESC, id DESC LIMIT 1";
static const char sql_each[] =
    "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT b.id FROM branches b JOIN sub "
    "ON b.parent_id=sub.id) SELECT " COLS
    " FROM members WHERE (?1=0 OR branch_id IN sub OR group_id IN sub) AND id>?2 "
    "AND left_at IS NULL "
    "ORDER BY id LIMIT ?3";
static const char sql_code_get[] = "SELECT coalesce(bind_code, '') FROM members WHERE id=?1";
static const char sql_code_set[] = "UPDATE members SET bind_code=?2 WHERE id=?1";
static const char sql_code_taken[] = "SELECT 1 FROM members WHERE bind_code=?1";
static const char sql_restore[] = "UPDATE members SET left_at=NULL, left_reason=NULL, "
                                  "updated_at=?2 WHERE id=?1 AND left_at IS NOT NULL";
static const char sql_by_code[] = "SELECT id FROM members WHERE bind_code=?1 AND left_at IS NULL";
static const char sql_remove[] = "UPDATE members SET left_at=?2, left_reason=nullif(?3, ''), "
                                 "bind_code=NULL, updated_at=?2 WHERE id=?1 AND left_at IS NULL";

static const char *const status_ids[] = {"full", "probationary"};
static const char *const status_names[] = {"正式党员", "预备党员"};
static const char *const category_ids[] = {"employed", "annual_salary", "self_employed", "retired",
                                           "farmer",   "student",       "low_income"};
static const char *const category_names[] = {"在职", "年薪制", "灵活就业", "离退休",
                                             "农民", "学生",   "低保/失业"};

/* Words accepted for each category, besides its id and its name. */
static const char *const category_words[][6] = {
    {"在职职工", "在职党员", "职工", NULL},
    {"年薪", NULL},
    {"个体", "个体户", "自由职业", "个体经营", NULL},
    {"退休", "离休", "退休党员", NULL},
    {"务农", "农村党员", NULL},
    {"在校学生", "学生党员", NULL},
    {"低保", "失业", "下岗", "领取救济", "低保户", NULL},
};

struct field_def {
    const char *id;             /* English name */
    const char *label;          /* Chinese name */
    const char *const *aliases; /* further accepted headers, NULL-terminated */
};

static const char *const a_name[] = {"姓名", "名字", "党员姓名", NULL};
static const char *const a_phone[] = {"手机号",   "手机",   "手机号码", "电话",
                                      "联系电话", "mobile", NULL};
static const char *const a_branch[] = {"支部", "所在支部", "所在党组织", "党组织", NULL};
static const char *const a_group[] = {"党小组", "所在党小组", "party_group", NULL};
static const char *const a_status[] = {"党员类别", "党员状态", "状态", NULL};
static const char *const a_category[] = {"人员类别", "缴费类别", NULL};
static const char *const a_income[] = {"月收入", "月工资", "income", "monthly_income_yuan", NULL};
static const char *const a_post[] = {"岗位", "工作岗位", "职业", NULL};
static const char *const a_education[] = {"学历", "文化程度", NULL};
static const char *const a_roles[] = {"职务", "党内职务", "roles", NULL};
static const char *const a_joined[] = {"入党日期", "入党时间", NULL};
static const char *const a_probation[] = {"预备期开始", "预备期开始日期", "转预备日期", NULL};
static const char *const a_birth[] = {"出生年份", "出生年月", "出生日期", "birthday", NULL};
static const char *const a_exempt[] = {"免于统计", "不参加统计", "exempt", NULL};

static const struct field_def fields[MF_COUNT] = {
    [MF_NAME] = {"name", "姓名", a_name},
    [MF_PHONE] = {"phone", "手机号", a_phone},
    [MF_BRANCH] = {"branch", "支部", a_branch},
    [MF_GROUP] = {"group", "党小组", a_group},
    [MF_STATUS] = {"status", "党员类别", a_status},
    [MF_CATEGORY] = {"category", "人员类别", a_category},
    [MF_INCOME] = {"monthly_income", "月收入", a_income},
    [MF_POST] = {"post", "岗位", a_post},
    [MF_EDUCATION] = {"education", "学历", a_education},
    [MF_ROLES] = {"role", "职务", a_roles},
    [MF_JOINED_ON] = {"joined_on", "入党日期", a_joined},
    [MF_PROBATION_START] = {"probation_start", "预备期开始", a_probation},
    [MF_BIRTH_YEAR] = {"birth_year", "出生年份", a_birth},
    [MF_STATS_EXEMPT] = {"stats_exempt", "免于统计", a_exempt},
};

void member_init(struct member *m)
{
    memset(m, 0, sizeof *m);
    m->status = STATUS_FULL;
    m->category = CAT_EMPLOYED;
    m->income_fen = -1;
}

const char *member_field_label(enum member_field f)
{
    return (unsigned)f < MF_COUNT ? fields[f].label : "?";
}

const char *member_field_id(enum member_field f)
{
    return (unsigned)f < MF_COUNT ? fields[f].id : "?";
}

const char *member_status_name(enum member_status s)
{
    return (unsigned)s < 2 ? status_names[s] : "?";
}

const char *member_category_name(enum member_category c)
{
    return (unsigned)c < CAT_COUNT ? category_names[c] : "?";
}

/* is_space_at - bytes of a space (ASCII space or tab, U+3000, NBSP) at p, 0 when none. */
static size_t is_space_at(const char *p)
{
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        return 1;
    if (strncmp(p, "\xe3\x80\x80", 3) == 0)
        return 3;
    if (strncmp(p, "\xc2\xa0", 2) == 0)
        return 2;
    return 0;
}

/* trim - copy s without surrounding spaces into out (size outsz); false when it does not fit. */
static bool trim(const char *s, char *out, size_t outsz)
{
    for (size_t k; (k = is_space_at(s)) > 0;)
        s += k;
    size_t n = strlen(s);
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
            n--;
        else if (n >= 3 && strncmp(s + n - 3, "\xe3\x80\x80", 3) == 0)
            n -= 3;
        else if (n >= 2 && strncmp(s + n - 2, "\xc2\xa0", 2) == 0)
            n -= 2;
        else
            break;
    }
    if (n >= outsz)
        return false;
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

/*
 * fold_fullwidth - full-width ASCII forms (U+FF01..U+FF5E: "１３９", "．", "－", "／", "＋"), as
 * a Chinese input method types them, become ASCII in place. For numbers, phones and dates only:
 * text fields keep what was typed.
 */
static void fold_fullwidth(char *t)
{
    char *w = t;
    for (const unsigned char *r = (const unsigned char *)t; *r;) {
        unsigned cp = r[0] == 0xEF && (r[1] == 0xBC || r[1] == 0xBD) && r[2]
                          ? ((r[1] & 0x3Fu) << 6 | (r[2] & 0x3Fu)) + 0xF000u
                          : 0;
        if (cp >= 0xFF01 && cp <= 0xFF5E) {
            *w++ = (char)(cp - 0xFEE0);
            r += 3;
        } else {
            *w++ = (char)*r++;
        }
    }
    *w = '\0';
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && strncmp(s + n - m, suffix, m) == 0;
}

/* header_key - a header as compared: trimmed, ASCII lower case, space and '-' as '_', without
 * a trailing '*' and a trailing bracketed note. */
static void header_key(const char *h, char *out, size_t outsz)
{
    if (!trim(h, out, outsz)) {
        out[0] = '\0';
        return;
    }
    size_t n = strlen(out);
    for (int pass = 0; pass < 3; pass++) {
        while (n && out[n - 1] == '*')
            n--;
        if (ends_with(out, n, "\xef\xbc\x8a")) /* ＊ */
            n -= 3;
        const char *open = NULL;
        if (ends_with(out, n, ")"))
            open = "(";
        else if (ends_with(out, n, "）"))
            open = "（";
        if (open) {
            out[n] = '\0';
            char *o = NULL;
            for (char *p = strstr(out, open); p; p = strstr(p + 1, open))
                o = p;
            if (o)
                n = (size_t)(o - out);
        }
        while (n && (out[n - 1] == ' ' || out[n - 1] == '\t'))
            n--;
    }
    out[n] = '\0';
    for (char *p = out; *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
        else if (*p == ' ' || *p == '-')
            *p = '_';
    }
}

int member_field_lookup(const char *name)
{
    char key[128];
    header_key(name, key, sizeof key);
    if (!key[0])
        return -1;
    for (int f = 0; f < MF_COUNT; f++) {
        if (strcmp(key, fields[f].id) == 0 || strcmp(key, fields[f].label) == 0)
            return f;
        for (const char *const *a = fields[f].aliases; *a; a++)
            if (strcmp(key, *a) == 0)
                return f;
    }
    return -1;
}

/* ---- parsers ---- */

int member_parse_fen(const char *s, int64_t *fen)
{
    char t[64];
    if (!trim(s, t, sizeof t) || !t[0])
        return ZB_EINVAL;
    fold_fullwidth(t);
    const char *p = t;
    if (strncmp(p, "\xc2\xa5", 2) == 0) /* ¥ */
        p += 2;
    else if (strncmp(p, "\xef\xbf\xa5", 3) == 0) /* ￥ */
        p += 3;
    size_t n = strlen(p);
    if (ends_with(p, n, "元"))
        n -= strlen("元");
    int64_t yuan = 0;
    size_t i = 0, digits = 0, group = 0;
    bool commas = false;
    for (; i < n && p[i] != '.'; i++) {
        if (p[i] == ',') {
            /* thousands separators: 1,234,567 - every group after the first has 3 digits */
            if (digits == 0 || (commas && group != 3) || (!commas && group > 3))
                return ZB_EINVAL;
            commas = true;
            group = 0;
            continue;
        }
        if (p[i] < '0' || p[i] > '9')
            return ZB_EINVAL;
        yuan = yuan * 10 + (p[i] - '0');
        digits++;
        group++;
        if (yuan > MEMBER_FEN_MAX / 100)
            return ZB_EINVAL;
    }
    if (digits == 0 || (commas && group != 3))
        return ZB_EINVAL;
    int64_t cents = 0;
    if (i < n) { /* at '.' */
        size_t dec = 0;
        for (i++; i < n; i++, dec++) {
            if (p[i] < '0' || p[i] > '9' || dec == 2)
                return ZB_EINVAL;
            cents = cents * 10 + (p[i] - '0');
        }
        if (dec == 0)
            return ZB_EINVAL;
        if (dec == 1)
            cents *= 10;
    }
    int64_t v = yuan * 100 + cents;
    if (v > MEMBER_FEN_MAX)
        return ZB_EINVAL;
    *fen = v;
    return ZB_OK;
}

void member_format_fen(int64_t fen, char *out, size_t outsz)
{
    snprintf(out, outsz, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
}

/* excel_number - a phone cell Excel wrote as a number: "13800138000.0" or "1.3800138001E+10".
 * Returns 1 with the integer's digits in out (outsz >= 32) when every digit is known, -1 when
 * the scientific form dropped digits ("1.38E+10": the mantissa is shorter than the number, so
 * the trailing zeros are Excel's, not the member's), 0 when s is not such a number. */
static int excel_number(const char *s, char *out, size_t outsz)
{
    char mant[32];
    size_t n = 0, before = 0;
    bool dot = false;
    const char *p = s;
    for (; *p && *p != 'E' && *p != 'e'; p++) {
        if (*p == '.' && !dot) {
            dot = true;
            continue;
        }
        if (*p < '0' || *p > '9' || n + 1 >= sizeof mant)
            return 0;
        mant[n++] = *p;
        before += !dot;
    }
    mant[n] = '\0';
    if (n == 0 || before == 0)
        return 0;
    long exp = 0;
    if (*p) { /* at E */
        p++;
        if (*p == '+')
            p++;
        if (*p < '0' || *p > '9')
            return 0;
        for (; *p >= '0' && *p <= '9' && exp < 100; p++)
            exp = exp * 10 + (*p - '0');
        if (*p || exp >= 20)
            return 0;
    } else if (!dot) {
        return 0; /* plain digits: the caller's ordinary path */
    }
    size_t int_len = before + (size_t)exp; /* digits of the integer part */
    if (int_len + 1 > outsz || int_len >= sizeof mant)
        return 0;
    for (size_t i = int_len; i < n; i++) /* a fraction must be zeros */
        if (mant[i] != '0')
            return 0;
    if (n < int_len)
        return -1;
    memcpy(out, mant, int_len);
    out[int_len] = '\0';
    return 1;
}

int member_parse_phone(const char *s, char *out, size_t outsz)
{
    char d[32], folded[64];
    size_t n = 0;
    if (strlen(s) >= sizeof folded)
        return ZB_EINVAL;
    memcpy(folded, s, strlen(s) + 1);
    fold_fullwidth(folded);
    const char *p = folded;
    for (size_t k; (k = is_space_at(p)) > 0;)
        p += k;
    char num[32];
    if (excel_number(p, num, sizeof num) == 1)
        p = num;
    else if (*p == '+') {
        if (strncmp(p, "+86", 3) != 0)
            return ZB_EINVAL;
        p += 3;
    }
    for (; *p; p++) {
        size_t k = is_space_at(p);
        if (k) {
            p += k - 1;
            continue;
        }
        if (*p == '-' || *p == '(' || *p == ')')
            continue;
        if (*p < '0' || *p > '9' || n + 1 >= sizeof d)
            return ZB_EINVAL;
        d[n++] = *p;
    }
    d[n] = '\0';
    const char *digits = d;
    if (n == 13 && strncmp(d, "86", 2) == 0 && d[2] == '1') { /* 86 without the plus */
        digits += 2;
        n -= 2;
    }
    bool mobile = n == 11 && digits[0] == '1' && digits[1] >= '3' && digits[1] <= '9';
    bool landline = n >= 10 && n <= 12 && digits[0] == '0' && digits[1] != '0';
    if ((!mobile && !landline) || n >= outsz)
        return ZB_EINVAL;
    memcpy(out, digits, n + 1);
    return ZB_OK;
}

void member_mask_phone(const char *phone, char *out, size_t outsz)
{
    size_t n = strlen(phone);
    if (n == 0)
        snprintf(out, outsz, "%s", "");
    else if (n < 8)
        snprintf(out, outsz, "****");
    else
        snprintf(out, outsz, "%.3s****%s", phone, phone + n - 4);
}

/* number - digits at *p into *v (at most maxd of them); false when there are none. */
static bool number(const char **p, int maxd, int *v)
{
    int d = 0;
    *v = 0;
    while (**p >= '0' && **p <= '9' && d < maxd) {
        *v = *v * 10 + (**p - '0');
        (*p)++;
        d++;
    }
    return d > 0 && !(**p >= '0' && **p <= '9');
}

/* date_sep - skip one separator (- / . 年 月) at *p; false when there is none. */
static bool date_sep(const char **p)
{
    if (**p == '-' || **p == '/' || **p == '.') {
        (*p)++;
        return true;
    }
    if (strncmp(*p, "年", strlen("年")) == 0 || strncmp(*p, "月", strlen("月")) == 0) {
        *p += strlen("年");
        return true;
    }
    return false;
}

static int days_in(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

int member_parse_date(const char *s, char *out, size_t outsz)
{
    char t[64];
    if (!trim(s, t, sizeof t))
        return ZB_EINVAL;
    fold_fullwidth(t);
    const char *p = t;
    int y, m, d;
    if (!number(&p, 4, &y) || !date_sep(&p) || !number(&p, 2, &m) || !date_sep(&p) ||
        !number(&p, 2, &d))
        return ZB_EINVAL;
    if (strncmp(p, "日", strlen("日")) == 0)
        p += strlen("日");
    if (*p || y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > days_in(y, m))
        return ZB_EINVAL;
    snprintf(out, outsz, "%04d-%02d-%02d", y, m, d);
    return ZB_OK;
}

/* birth_year - a year, alone or starting a date ("1950", "1950年", "1950-03", "1950/3/2"). */
static int birth_year(const char *s, int *year)
{
    const char *p = s;
    int y;
    if (!number(&p, 4, &y) || p - s != 4)
        return ZB_EINVAL;
    if (*p && !date_sep(&p))
        return ZB_EINVAL;
    int m;
    if (*p && (!number(&p, 2, &m) || m < 1 || m > 12))
        return ZB_EINVAL;
    if (*p && !date_sep(&p))
        return ZB_EINVAL;
    int d;
    if (*p && (!number(&p, 2, &d) || d < 1 || d > 31))
        return ZB_EINVAL;
    if (strncmp(p, "日", strlen("日")) == 0)
        p += strlen("日");
    if (*p)
        return ZB_EINVAL;
    *year = y;
    return ZB_OK;
}

static int this_year(void)
{
    time_t t = (time_t)clock_now();
    struct tm tm;
    localtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

static bool ieq(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

/* text_field - a free-text field of at most dstsz - 1 bytes. Line breaks (Alt+Enter in an
 * Excel cell) become one space each run; other control characters are refused. */
static int text_field(const char *v, char *dst, size_t dstsz, const char *label, char *err,
                      size_t errsz)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        unsigned char ch = *p;
        if (ch == '\r' || ch == '\n') {
            if (n && dst[n - 1] == ' ')
                continue;
            ch = ' ';
        } else if (ch < 0x20 || ch == 0x7f) {
            snprintf(err, errsz, "%s含有控制字符", label);
            return ZB_EINVAL;
        }
        if (n + 1 >= dstsz) {
            snprintf(err, errsz, "%s太长（最多 %zu 字节）", label, dstsz - 1);
            return ZB_EINVAL;
        }
        dst[n++] = (char)ch;
    }
    dst[n] = '\0';
    return ZB_OK;
}

/* squeeze_name - a trimmed name with the spaces Excel users pad Chinese names with ("李  四",
 * "王　明" to line up with three-character names) removed: a run of spaces between two
 * non-ASCII characters is dropped, any other run becomes one ASCII space ("Mary Ann"). */
static void squeeze_name(char *s)
{
    char *w = s;
    const char *r = s;
    while (*r) {
        size_t k = is_space_at(r);
        if (!k) {
            *w++ = *r++;
            continue;
        }
        while ((k = is_space_at(r)) > 0)
            r += k;
        bool cjk_before = w > s && ((unsigned char)w[-1] & 0x80);
        bool cjk_after = ((unsigned char)*r & 0x80) != 0;
        if (!(cjk_before && cjk_after) && *r)
            *w++ = ' ';
    }
    *w = '\0';
}

int member_field_set(struct member *m, enum member_field f, const char *value, char *err,
                     size_t errsz)
{
    char v[MEMBER_SHOW_MAX];
    if (!charset_utf8_valid(value, strlen(value))) {
        snprintf(err, errsz, "不是有效的文字（编码错误）");
        return ZB_EINVAL;
    }
    if (!trim(value, v, sizeof v)) {
        snprintf(err, errsz, "内容太长");
        return ZB_EINVAL;
    }
    switch (f) {
    case MF_NAME:
        if (!v[0]) {
            snprintf(err, errsz, "姓名不能为空");
            return ZB_EINVAL;
        }
        squeeze_name(v);
        return text_field(v, m->name, sizeof m->name, "姓名", err, errsz);
    case MF_PHONE:
        if (!v[0]) {
            m->phone[0] = '\0';
            return ZB_OK;
        }
        if (member_parse_phone(v, m->phone, sizeof m->phone)) {
            char num[32];
            if (excel_number(v, num, sizeof num) == -1)
                snprintf(err, errsz,
                         "“%s”是 Excel 的科学计数法，号码后几位已丢失；请把手机号这一列设为“文本”，"
                         "填好号码后重新另存",
                         v);
            else
                snprintf(err, errsz, "“%s”不是有效的手机号（11 位）或带区号的固定电话", v);
            return ZB_EINVAL;
        }
        return ZB_OK;
    case MF_STATUS:
        for (int i = 0; i < 2; i++)
            if (strcmp(v, status_names[i]) == 0 || ieq(v, status_ids[i]) ||
                strcmp(v, i ? "预备" : "正式") == 0) {
                m->status = (enum member_status)i;
                return ZB_OK;
            }
        if (!v[0]) {
            m->status = STATUS_FULL;
            return ZB_OK;
        }
        snprintf(err, errsz, "“%s”不是党员类别，应为 正式党员 或 预备党员", v);
        return ZB_EINVAL;
    case MF_CATEGORY:
        if (!v[0]) {
            m->category = CAT_EMPLOYED;
            return ZB_OK;
        }
        for (int i = 0; i < CAT_COUNT; i++) {
            bool hit = strcmp(v, category_names[i]) == 0 || ieq(v, category_ids[i]);
            for (int k = 0; !hit && category_words[i][k]; k++)
                hit = strcmp(v, category_words[i][k]) == 0;
            if (hit) {
                m->category = (enum member_category)i;
                return ZB_OK;
            }
        }
        snprintf(err, errsz,
                 "“%s”不是人员类别，可填 在职、年薪制、灵活就业、离退休、农民、学生、低保/失业", v);
        return ZB_EINVAL;
    case MF_INCOME:
        if (!v[0]) {
            m->income_fen = -1;
            return ZB_OK;
        }
        if (member_parse_fen(v, &m->income_fen)) {
            snprintf(err, errsz, "“%s”不是金额：请填写元，最多两位小数，例如 3000.01", v);
            return ZB_EINVAL;
        }
        return ZB_OK;
    case MF_POST:
        return text_field(v, m->post, sizeof m->post, "岗位", err, errsz);
    case MF_EDUCATION:
        return text_field(v, m->education, sizeof m->education, "学历", err, errsz);
    case MF_ROLES: {
        char bad[64];
        unsigned mask;
        if (role_parse(v, &mask, bad, sizeof bad)) {
            snprintf(
                err, errsz,
                "“%s”不是职务，可填 书记、副书记、组织委员、宣传委员、纪检委员、党小组长、党员",
                bad);
            return ZB_EINVAL;
        }
        m->roles = mask;
        return ZB_OK;
    }
    case MF_JOINED_ON:
    case MF_PROBATION_START: {
        char *dst = f == MF_JOINED_ON ? m->joined_on : m->probation_start;
        if (!v[0]) {
            dst[0] = '\0';
            return ZB_OK;
        }
        if (member_parse_date(v, dst, 11)) {
            snprintf(err, errsz, "“%s”不是日期，例如 2015-07-01", v);
            return ZB_EINVAL;
        }
        return ZB_OK;
    }
    case MF_BIRTH_YEAR: {
        if (!v[0]) {
            m->birth_year = 0;
            return ZB_OK;
        }
        int y, now = this_year();
        fold_fullwidth(v);
        if (birth_year(v, &y) || y < 1900 || y > now - 18) {
            snprintf(err, errsz, "“%s”不是出生年份（1900 至 %d 之间的四位数字）", v, now - 18);
            return ZB_EINVAL;
        }
        m->birth_year = y;
        return ZB_OK;
    }
    case MF_STATS_EXEMPT:
        if (!v[0] || strcmp(v, "否") == 0 || ieq(v, "no") || strcmp(v, "0") == 0 ||
            ieq(v, "false")) {
            m->stats_exempt = false;
            m->exempt_reason[0] = '\0';
            return ZB_OK;
        }
        m->stats_exempt = true;
        if (strcmp(v, "是") == 0 || ieq(v, "yes") || strcmp(v, "1") == 0 || ieq(v, "true")) {
            m->exempt_reason[0] = '\0';
            return ZB_OK;
        }
        return text_field(v, m->exempt_reason, sizeof m->exempt_reason, "免于统计的原因", err,
                          errsz);
    case MF_BRANCH:
    case MF_GROUP:
    case MF_COUNT:
        break;
    }
    snprintf(err, errsz, "这个字段不能这样设置");
    return ZB_EINVAL;
}

int member_field_show(const struct member *m, enum member_field f, bool unmask, char *out,
                      size_t outsz)
{
    out[0] = '\0';
    switch (f) {
    case MF_NAME:
        snprintf(out, outsz, "%s", m->name);
        break;
    case MF_PHONE:
        if (unmask)
            snprintf(out, outsz, "%s", m->phone);
        else
            member_mask_phone(m->phone, out, outsz);
        break;
    case MF_BRANCH:
        return branch_path(m->branch_id, out, outsz);
    case MF_GROUP: {
        struct branch b;
        if (!m->group_id)
            break;
        int rc = branch_get(m->group_id, &b);
        if (rc)
            return rc;
        snprintf(out, outsz, "%s", b.name);
        break;
    }
    case MF_STATUS:
        snprintf(out, outsz, "%s", member_status_name(m->status));
        break;
    case MF_CATEGORY:
        snprintf(out, outsz, "%s", member_category_name(m->category));
        break;
    case MF_INCOME:
        if (m->income_fen >= 0)
            member_format_fen(m->income_fen, out, outsz);
        break;
    case MF_POST:
        snprintf(out, outsz, "%s", m->post);
        break;
    case MF_EDUCATION:
        snprintf(out, outsz, "%s", m->education);
        break;
    case MF_ROLES:
        role_names(m->roles, out, outsz);
        break;
    case MF_JOINED_ON:
        snprintf(out, outsz, "%s", m->joined_on);
        break;
    case MF_PROBATION_START:
        snprintf(out, outsz, "%s", m->probation_start);
        break;
    case MF_BIRTH_YEAR:
        if (m->birth_year)
            snprintf(out, outsz, "%d", m->birth_year);
        break;
    case MF_STATS_EXEMPT:
        if (m->stats_exempt)
            snprintf(out, outsz, "是%s%s%s", m->exempt_reason[0] ? "（" : "", m->exempt_reason,
                     m->exempt_reason[0] ? "）" : "");
        else
            snprintf(out, outsz, "否");
        break;
    case MF_COUNT:
        return ZB_EINVAL;
    }
    return ZB_OK;
}

int member_check(const struct member *m, char *err, size_t errsz)
{
    if (m->status == STATUS_PROBATIONARY && (m->roles & ROLE_ELECTED)) {
        char names[ROLE_TEXT_MAX];
        role_names(m->roles & ROLE_ELECTED, names, sizeof names);
        snprintf(err, errsz, "预备党员没有选举权和被选举权，不能担任%s", names);
        return ZB_EINVAL;
    }
    return ZB_OK;
}

/* ---- storage ---- */

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src);
}

static int lookup_id(const char *const *ids, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(ids[i], s) == 0)
            return i;
    return 0;
}

static void read_row(sqlite3_stmt *st, struct member *m)
{
    member_init(m);
    m->id = sqlite3_column_int64(st, 0);
    copy(m->name, sizeof m->name, store_text(st, 1));
    copy(m->phone, sizeof m->phone, store_text(st, 2));
    m->branch_id = sqlite3_column_int64(st, 3);
    m->group_id = sqlite3_column_int64(st, 4);
    m->status = (enum member_status)lookup_id(status_ids, 2, store_text(st, 5));
    m->category = (enum member_category)lookup_id(category_ids, CAT_COUNT, store_text(st, 6));
    m->income_fen = sqlite3_column_int64(st, 7);
    copy(m->post, sizeof m->post, store_text(st, 8));
    copy(m->education, sizeof m->education, store_text(st, 9));
    copy(m->joined_on, sizeof m->joined_on, store_text(st, 10));
    copy(m->probation_start, sizeof m->probation_start, store_text(st, 11));
    m->birth_year = sqlite3_column_int(st, 12);
    unsigned mask = 0;
    if (role_parse(store_text(st, 13), &mask, NULL, 0) == ZB_OK)
        m->roles = mask;
    m->stats_exempt = sqlite3_column_int(st, 14) != 0;
    copy(m->exempt_reason, sizeof m->exempt_reason, store_text(st, 15));
    m->left_at = sqlite3_column_int64(st, 16);
    copy(m->left_reason, sizeof m->left_reason, store_text(st, 17));
}

int member_get(int64_t id, struct member *out)
{
    sqlite3_stmt *st = store_stmt(sql_get);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_row(st, out);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ZB_OK : rc == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
}

/* bind_fields - bind m to parameters 1..16 of sql_insert / sql_update (roles is a copy). */
static void bind_fields(sqlite3_stmt *st, const struct member *m, int64_t now)
{
    char roles[ROLE_TEXT_MAX];
    role_ids(m->roles, roles, sizeof roles);
    sqlite3_bind_text(st, 1, m->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, m->phone, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, m->branch_id);
    sqlite3_bind_int64(st, 4, m->group_id);
    sqlite3_bind_text(st, 5, status_ids[m->status], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, category_ids[m->category], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, m->income_fen);
    sqlite3_bind_text(st, 8, m->post, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, m->education, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, m->joined_on, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, m->probation_start, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 12, m->birth_year);
    sqlite3_bind_text(st, 13, roles, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 14, m->stats_exempt ? 1 : 0);
    sqlite3_bind_text(st, 15, m->exempt_reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 16, now);
}

/* phone_owner - ZB_EBUSY when phone (not "") belongs to a member other than self. */
static int phone_owner(const char *phone, int64_t self)
{
    if (!phone[0])
        return ZB_OK;
    int64_t other = 0;
    int rc = member_find_phone(phone, &other);
    if (rc == ZB_ENOTFOUND)
        return ZB_OK;
    if (rc)
        return rc;
    return other == self ? ZB_OK : ZB_EBUSY;
}

int member_insert(struct member *m, int64_t now)
{
    assert(store_in_tx());
    int rc = phone_owner(m->phone, 0);
    if (rc)
        return rc;
    sqlite3_stmt *st = store_stmt(sql_insert);
    if (!st)
        return ZB_EDB;
    bind_fields(st, m, now);
    if ((rc = store_exec_done(st)))
        return rc;
    m->id = sqlite3_last_insert_rowid(store_db());
    char code[MEMBER_CODE_LEN + 1];
    return member_code(m->id, code, sizeof code);
}

int member_update(const struct member *m, int64_t now)
{
    assert(store_in_tx());
    int rc = phone_owner(m->phone, m->id);
    if (rc)
        return rc;
    sqlite3_stmt *st = store_stmt(sql_update);
    if (!st)
        return ZB_EDB;
    bind_fields(st, m, now);
    sqlite3_bind_int64(st, 17, m->id);
    return store_exec_done(st);
}

int member_find_phone(const char *phone, int64_t *id)
{
    sqlite3_stmt *st = store_stmt(sql_by_phone);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ZB_OK : rc == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
}

int member_find_name(const char *name, int64_t branch_id, int64_t *ids, size_t max, size_t *n)
{
    *n = 0;
    sqlite3_stmt *st = store_stmt(sql_by_name);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, branch_id);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
        ids[(*n)++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? ZB_OK : ZB_EDB;
}

int member_find_removed_name(const char *name, int64_t branch_id, int64_t *id)
{
    *id = 0;
    sqlite3_stmt *st = store_stmt(sql_removed_by_name);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, branch_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ZB_OK : rc == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
}

int member_each(int64_t root, int (*fn)(const struct member *m, void *arg), void *arg)
{
    return member_page(root, 0, -1, fn, arg);
}

int member_page(int64_t root, int64_t after_id, long limit,
                int (*fn)(const struct member *m, void *arg), void *arg)
{
    sqlite3_stmt *st = store_stmt(sql_each);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, root);
    sqlite3_bind_int64(st, 2, after_id);
    sqlite3_bind_int64(st, 3, limit);
    int rc, out = ZB_OK;
    struct member m;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_row(st, &m);
        if ((out = fn(&m, arg)) != 0)
            break;
    }
    sqlite3_reset(st);
    if (out)
        return out;
    return rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

/* fresh_code - 6 random digits not held by any member. */
static int fresh_code(char *code)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        uint64_t r = rand_u64() % 1000000u; /* bias of 2^64 mod 10^6 is negligible */
        snprintf(code, MEMBER_CODE_LEN + 1, "%06u", (unsigned)r);
        sqlite3_stmt *st = store_stmt(sql_code_taken);
        if (!st)
            return ZB_EDB;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc == SQLITE_DONE)
            return ZB_OK;
        if (rc != SQLITE_ROW)
            return ZB_EDB;
    }
    return ZB_EBUSY;
}

static int set_code(int64_t id, const char *code)
{
    sqlite3_stmt *st = store_stmt(sql_code_set);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

int member_code(int64_t id, char *code, size_t codesz)
{
    sqlite3_stmt *st = store_stmt(sql_code_get);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    char have[MEMBER_CODE_LEN + 1] = "";
    if (rc == SQLITE_ROW)
        copy(have, sizeof have, store_text(st, 0));
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return ZB_ENOTFOUND;
    if (rc != SQLITE_ROW)
        return ZB_EDB;
    if (!have[0]) {
        if ((rc = fresh_code(have)) || (rc = set_code(id, have)))
            return rc;
    }
    snprintf(code, codesz, "%s", have);
    return ZB_OK;
}

int member_code_renew(int64_t id)
{
    assert(store_in_tx());
    char code[MEMBER_CODE_LEN + 1];
    int rc = fresh_code(code);
    return rc ? rc : set_code(id, code);
}

int member_remove(int64_t id, const char *reason, int64_t now)
{
    assert(store_in_tx());
    sqlite3_stmt *st = store_stmt(sql_remove);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_text(st, 3, reason ? reason : "", -1, SQLITE_STATIC);
    int rc = store_exec_done(st);
    if (rc)
        return rc;
    return sqlite3_changes(store_db()) == 1 ? ZB_OK : ZB_ENOTFOUND;
}

int member_restore(int64_t id, int64_t now)
{
    assert(store_in_tx());
    sqlite3_stmt *st = store_stmt(sql_restore);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    int rc = store_exec_done(st);
    if (rc)
        return rc;
    return sqlite3_changes(store_db()) == 1 ? ZB_OK : ZB_ENOTFOUND;
}

int member_by_code(const char *code, int64_t *id)
{
    if (strlen(code) != MEMBER_CODE_LEN)
        return ZB_ENOTFOUND;
    sqlite3_stmt *st = store_stmt(sql_by_code);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ZB_OK : rc == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
}
