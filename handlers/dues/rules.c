/*
 * rules.c - the pure rules of dues (see dues.h): the rate tables and their config text, the
 * amount for a category and income with the configured rounding, months, and the chat grammar
 * of a payment. No database here.
 */
#include "handlers/dues/dues.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PARSE_TEXT_MAX 1024 /* bytes of a payment command */
#define WORDS_MAX      32   /* words of a payment command */

/* The 2008 regulation: employed 0.5/1/1.5/2 %, retirees 0.5 % up to 5,000 then 1 %. */
static struct dues_rules current = {
    .employed = {{300000, 50}, {500000, 100}, {1000000, 150}, {-1, 200}},
    .n_employed = 4,
    .retired = {{500000, 50}, {-1, 100}},
    .n_retired = 2,
    .flat_fen = 20,
    .farmer_fen = 20,
    .rounding = DUES_HALF_UP,
    .probation = DUES_FROM_ADMISSION,
    .reminder_day = 25,
    .backpay_max = 6,
};

void dues_configure(const struct dues_rules *r)
{
    current = *r;
}

const struct dues_rules *dues_rules(void)
{
    return &current;
}

/* A rate in percent with at most 2 decimals ("1.5") to basis points; -1 when malformed. */
static int parse_rate(const char *s, size_t n)
{
    int bp = 0, dec = -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.' && dec < 0) {
            dec = 0;
            continue;
        }
        if (s[i] < '0' || s[i] > '9' || dec == 2 || bp > 10000)
            return -1;
        bp = bp * 10 + (s[i] - '0');
        if (dec >= 0)
            dec++;
    }
    if (n == 0 || dec == 0)
        return -1;
    for (int d = dec < 0 ? 0 : dec; d < 2; d++)
        bp *= 10;
    return bp <= 10000 ? bp : -1;
}

/* "3000:0.5,5000:1,*:2" into bands; -1 on any error. */
static int parse_table(const char *text, struct dues_band *bands, size_t *n)
{
    *n = 0;
    const char *p = text;
    int64_t last = -1;
    while (*p) {
        const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
        const char *colon = memchr(p, ':', (size_t)(end - p));
        if (!colon || *n == DUES_BANDS_MAX || last == -2) /* nothing after "*" */
            return -1;
        char bound[32];
        size_t bl = (size_t)(colon - p);
        if (bl == 0 || bl >= sizeof bound)
            return -1;
        memcpy(bound, p, bl);
        bound[bl] = 0;
        struct dues_band *b = &bands[(*n)++];
        if (strcmp(bound, "*") == 0)
            b->upto_fen = -1;
        else if (member_parse_fen(bound, &b->upto_fen) || b->upto_fen <= last)
            return -1;
        if ((b->rate_bp = parse_rate(colon + 1, (size_t)(end - colon - 1))) < 0)
            return -1;
        last = b->upto_fen < 0 ? -2 : b->upto_fen;
        p = comma ? comma + 1 : end;
    }
    return *n > 0 && last == -2 ? 0 : -1;
}

int dues_rules_parse(const char *employed, const char *retired, const char *flat,
                     const char *farmer, const char *rounding, const char *probation,
                     int reminder_day, int backpay_max, struct dues_rules *out, char *err,
                     size_t errsz)
{
    static const struct dues_rules dflt = {
        .employed = {{300000, 50}, {500000, 100}, {1000000, 150}, {-1, 200}},
        .n_employed = 4,
        .retired = {{500000, 50}, {-1, 100}},
        .n_retired = 2,
        .flat_fen = 20,
        .farmer_fen = 20,
    };
    struct dues_rules r = dflt;
    if (employed && *employed && parse_table(employed, r.employed, &r.n_employed)) {
        snprintf(err, errsz, "dues.employed_rates: expected \"3000:0.5,5000:1,10000:1.5,*:2\"");
        return ZB_ECONFIG;
    }
    if (retired && *retired && parse_table(retired, r.retired, &r.n_retired)) {
        snprintf(err, errsz, "dues.retired_rates: expected \"5000:0.5,*:1\"");
        return ZB_ECONFIG;
    }
    if (flat && *flat && (member_parse_fen(flat, &r.flat_fen) || r.flat_fen > 10000)) {
        snprintf(err, errsz, "dues.flat: expected yuan, e.g. 0.20");
        return ZB_ECONFIG;
    }
    if (farmer && *farmer &&
        (member_parse_fen(farmer, &r.farmer_fen) || r.farmer_fen < 20 || r.farmer_fen > 100)) {
        snprintf(err, errsz, "dues.farmer: expected yuan between 0.20 and 1.00");
        return ZB_ECONFIG;
    }
    r.rounding = DUES_HALF_UP;
    if (rounding && *rounding && strcmp(rounding, "half_up") != 0) {
        if (strcmp(rounding, "down") == 0)
            r.rounding = DUES_DOWN;
        else if (strcmp(rounding, "up") == 0)
            r.rounding = DUES_UP;
        else {
            snprintf(err, errsz, "dues.rounding: expected half_up, down or up");
            return ZB_ECONFIG;
        }
    }
    r.probation = DUES_FROM_ADMISSION;
    if (probation && *probation && strcmp(probation, "admission") != 0) {
        if (strcmp(probation, "approval") != 0) {
            snprintf(err, errsz, "dues.probationary_from: expected admission or approval");
            return ZB_ECONFIG;
        }
        r.probation = DUES_FROM_APPROVAL;
    }
    if (reminder_day < 1 || reminder_day > 28 || backpay_max < 1 || backpay_max > 120) {
        snprintf(err, errsz, "dues.reminder_day / dues.backpay_months out of range");
        return ZB_ECONFIG;
    }
    r.reminder_day = reminder_day;
    r.backpay_max = backpay_max;
    *out = r;
    return ZB_OK;
}

void dues_yuan(int64_t fen, char *out, size_t outsz)
{
    int64_t a = fen < 0 ? -fen : fen;
    snprintf(out, outsz, "%s%lld.%02lld", fen < 0 ? "-" : "", (long long)(a / 100),
             (long long)(a % 100));
}

/* A rate in basis points as percent text: 50 -> "0.5", 100 -> "1", 150 -> "1.5". */
static void rate_text(int bp, char *out, size_t outsz)
{
    if (bp % 100 == 0)
        snprintf(out, outsz, "%d", bp / 100);
    else if (bp % 10 == 0)
        snprintf(out, outsz, "%d.%d", bp / 100, (bp % 100) / 10);
    else
        snprintf(out, outsz, "%d.%02d", bp / 100, bp % 100);
}

bool dues_category_flat(enum member_category cat)
{
    return cat == CAT_FARMER || cat == CAT_STUDENT || cat == CAT_LOW_INCOME;
}

int dues_calc_amount(const struct dues_rules *r, enum member_category cat, int64_t income_fen,
                     struct dues_calc *out)
{
    memset(out, 0, sizeof *out);
    if ((unsigned)cat >= CAT_COUNT)
        return ZB_EINVAL;
    char y[24], a[24], pct[16];
    if (dues_category_flat(cat)) {
        out->amount_fen = cat == CAT_FARMER ? r->farmer_fen : r->flat_fen;
        dues_yuan(out->amount_fen, a, sizeof a);
        snprintf(out->rule, sizeof out->rule, "%s党员每月 %s 元", member_category_name(cat), a);
        return ZB_OK;
    }
    if (income_fen < 0 || income_fen > DUES_INCOME_MAX)
        return ZB_EINVAL;
    const struct dues_band *b = cat == CAT_RETIRED ? r->retired : r->employed;
    size_t n = cat == CAT_RETIRED ? r->n_retired : r->n_employed, i = 0;
    while (i + 1 < n && b[i].upto_fen >= 0 && income_fen > b[i].upto_fen)
        i++;
    int bp = b[i].rate_bp;
    int64_t num = income_fen * bp; /* < 1e9 * 1e4: fits */
    switch (r->rounding) {
    case DUES_DOWN:
        out->amount_fen = num / 10000;
        break;
    case DUES_UP:
        out->amount_fen = (num + 9999) / 10000;
        break;
    default:
        out->amount_fen = (num + 5000) / 10000;
        break;
    }
    out->rate_bp = bp;
    dues_yuan(income_fen, y, sizeof y);
    dues_yuan(out->amount_fen, a, sizeof a);
    rate_text(bp, pct, sizeof pct);
    snprintf(out->rule, sizeof out->rule, "%s 元 × %s%% = %s 元", y, pct, a);
    return ZB_OK;
}

int dues_category_parse(const char *s, enum member_category *cat)
{
    static const struct {
        const char *word;
        enum member_category cat;
    } words[] = {
        {"employed", CAT_EMPLOYED},
        {"在职", CAT_EMPLOYED},
        {"retired", CAT_RETIRED},
        {"离退休", CAT_RETIRED},
        {"退休", CAT_RETIRED},
        {"离休", CAT_RETIRED},
        {"student", CAT_STUDENT},
        {"学生", CAT_STUDENT},
        {"farmer", CAT_FARMER},
        {"农民", CAT_FARMER},
        {"low-income", CAT_LOW_INCOME},
        {"低保", CAT_LOW_INCOME},
        {"unemployed", CAT_LOW_INCOME},
        {"失业", CAT_LOW_INCOME},
        {"annual-salary", CAT_ANNUAL_SALARY},
        {"年薪制", CAT_ANNUAL_SALARY},
        {"self-employed", CAT_SELF_EMPLOYED},
        {"灵活就业", CAT_SELF_EMPLOYED},
    };
    for (size_t i = 0; s && i < sizeof words / sizeof words[0]; i++)
        if (strcmp(s, words[i].word) == 0) {
            *cat = words[i].cat;
            return ZB_OK;
        }
    return ZB_EINVAL;
}

/* Digits at *p into *v (at most maxd of them, at least one); advances *p. */
static bool digits(const char **p, int maxd, int *v)
{
    int n = 0;
    *v = 0;
    while (**p >= '0' && **p <= '9' && n < maxd) {
        *v = *v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n > 0 && !(**p >= '0' && **p <= '9');
}

/* A month at the start of s, its end in *end. */
static int month_prefix(const char *s, int *month, const char **end)
{
    const char *p = s;
    int y, m;
    if (!digits(&p, 4, &y) || p - s != 4)
        return ZB_EINVAL;
    if (*p == '-' || *p == '/' || *p == '.')
        p++;
    else if (strncmp(p, "年", strlen("年")) == 0)
        p += strlen("年");
    else
        return ZB_EINVAL;
    if (!digits(&p, 2, &m) || m < 1 || m > 12)
        return ZB_EINVAL;
    if (strncmp(p, "月", strlen("月")) == 0)
        p += strlen("月");
    int v = y * 12 + m - 1;
    if (v < DUES_MONTH_MIN || v > DUES_MONTH_MAXV)
        return ZB_EINVAL;
    *month = v;
    *end = p;
    return ZB_OK;
}

int dues_month_parse(const char *s, int *month)
{
    const char *end;
    if (!s || month_prefix(s, month, &end) || *end)
        return ZB_EINVAL;
    return ZB_OK;
}

void dues_month_text(int month, char *out, size_t outsz)
{
    snprintf(out, outsz, "%04d-%02d", month / 12, month % 12 + 1);
}

int dues_month_of(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm))
        return 0;
    return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Separators of a month list; returns the bytes of the one at p, 0 when none. */
static size_t list_sep(const char *p)
{
    static const char *const seps[] = {",", "，", "、", NULL};
    for (size_t i = 0; seps[i]; i++)
        if (strncmp(p, seps[i], strlen(seps[i])) == 0)
            return strlen(seps[i]);
    return 0;
}

static size_t range_sep(const char *p)
{
    static const char *const seps[] = {"至", "到", "~", "～", NULL};
    for (size_t i = 0; seps[i]; i++)
        if (strncmp(p, seps[i], strlen(seps[i])) == 0)
            return strlen(seps[i]);
    return 0;
}

/* MONTHS (one word) into out; false when malformed. */
static bool parse_months(const char *w, struct dues_pay_cmd *out)
{
    const char *p = w;
    out->n_months = 0;
    while (*p) {
        int a, b;
        if (month_prefix(p, &a, &p))
            return false;
        b = a;
        size_t s = range_sep(p);
        if (s) {
            p += s;
            if (month_prefix(p, &b, &p) || b < a || b - a >= DUES_PAY_MONTHS)
                return false;
        }
        for (int m = a; m <= b; m++) {
            if (out->n_months == DUES_PAY_MONTHS)
                return false;
            out->months[out->n_months++] = m;
        }
        if (!*p)
            break;
        if (!(s = list_sep(p)) || !p[s])
            return false;
        p += s;
    }
    qsort(out->months, out->n_months, sizeof out->months[0], cmp_int);
    for (size_t i = 1; i < out->n_months; i++)
        if (out->months[i] == out->months[i - 1])
            return false;
    return out->n_months > 0;
}

static bool copy_word(char *dst, size_t dstsz, const char *w)
{
    size_t n = strlen(w);
    if (n == 0 || n >= dstsz)
        return false;
    memcpy(dst, w, n + 1);
    return true;
}

enum dues_parse_err dues_pay_parse(const char *text, bool proxy, struct dues_pay_cmd *out)
{
    memset(out, 0, sizeof *out);
    out->amount_fen = -1;
    char buf[PARSE_TEXT_MAX + 1];
    size_t len = text ? strlen(text) : 0;
    if (len > PARSE_TEXT_MAX)
        return DUES_PARSE_EXTRA;
    memcpy(buf, text ? text : "", len + 1);
    char *w[WORDS_MAX];
    size_t n = 0;
    for (char *p = buf; *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            *p++ = 0;
        if (!*p)
            break;
        if (n == WORDS_MAX)
            return DUES_PARSE_EXTRA;
        w[n++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            p++;
    }
    size_t i = 0;
    if (n == 0 || !copy_word(out->name, sizeof out->name, w[i++]))
        return DUES_PARSE_NAME;
    if (i == n || !parse_months(w[i++], out))
        return DUES_PARSE_MONTHS;
    if (i < n && strcmp(w[i], "由") != 0 && strcmp(w[i], "备注") != 0 &&
        strcmp(w[i], "确认") != 0) {
        if (member_parse_fen(w[i], &out->amount_fen))
            return DUES_PARSE_AMOUNT;
        i++;
    }
    if (i < n && strcmp(w[i], "由") == 0) {
        if (!proxy)
            return DUES_PARSE_EXTRA;
        if (i + 1 == n || !copy_word(out->proxy, sizeof out->proxy, w[i + 1]))
            return DUES_PARSE_PROXY;
        i += 2;
    }
    if (proxy && !out->proxy[0])
        return DUES_PARSE_PROXY;
    if (n > i && strcmp(w[n - 1], "确认") == 0) {
        out->confirm = true;
        n--;
    }
    if (i < n && strcmp(w[i], "备注") == 0) {
        size_t used = 0;
        for (i++; i < n; i++) {
            int k =
                snprintf(out->note + used, sizeof out->note - used, "%s%s", used ? " " : "", w[i]);
            if (k < 0 || (size_t)k >= sizeof out->note - used)
                return DUES_PARSE_EXTRA;
            used += (size_t)k;
        }
        if (!used)
            return DUES_PARSE_EXTRA;
    }
    return i == n ? DUES_PARSE_OK : DUES_PARSE_EXTRA;
}
